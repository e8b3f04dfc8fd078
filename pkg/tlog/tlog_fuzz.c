/*
 * libFuzzer harness for the checkpoint parser and verifier: every input is
 * a candidate signed note.  Parsed notes are verified with the production
 * Rekor v1 (ECDSA P-256) and Rekor v2 (Ed25519) log keys, their origins
 * are matched, and their tree size and root are fed to the Merkle proof
 * verifiers with the first signature's bytes as a proof.  The harness
 * aborts if a parsed checkpoint breaks the parser's documented limits.
 * Seeds (testdata/fuzz/tlog_fuzz/): the four notes of
 * testdata/vectors/checkpoints/, and the checkpoint of
 * testdata/vectors/rekor-v1-bundle-v0.1 (it has an extension line).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlog.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* From testdata/vectors/trusted_root.json (tlogs[].publicKey.rawBytes). */
static const char v1_spki[] =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbm"
    "LSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==";
static const char v2_spki[] =
    "MCowBQYDK2VwAyEAt8rlp1knGwjfbcXAYPYAkn0XiLz1x8O4t0YkEhie244=";

static struct sgn_pubkey *
load_key(const char *b64)
{
	struct sgn_pubkey *k = NULL;
	uint8_t *der = NULL;
	size_t len = 0;

	if (sgn_b64_decode(b64, strlen(b64), &der, &len, NULL) != SGN_OK ||
	    sgn_pubkey_from_der(der, len, &k, NULL) != SGN_OK)
		abort();
	free(der);
	return k;
}

static void
check_limits(const struct sgn_checkpoint *cp, size_t size)
{
	size_t i;

	if (cp->origin == NULL || cp->origin[0] == '\0' ||
	    cp->text == NULL || cp->text_len == 0 || cp->text_len > size ||
	    cp->text[cp->text_len - 1] != '\n' ||
	    cp->text[cp->text_len] != '\0' ||
	    cp->n_sigs == 0 || cp->n_sigs > SGN_NOTE_MAX_SIGS ||
	    cp->n_ext > SGN_CHECKPOINT_MAX_EXT)
		abort();
	for (i = 0; i < cp->n_sigs; i++)
		if (cp->sigs[i].name == NULL || cp->sigs[i].name[0] == '\0' ||
		    cp->sigs[i].sig == NULL || cp->sigs[i].sig_len == 0)
			abort();
	for (i = 0; i < cp->n_ext; i++)
		if (cp->ext[i] == NULL || cp->ext[i][0] == '\0')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sgn_pubkey *v1, *v2;
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf eb;
	const struct sgn_note_sig *s;
	uint8_t leaf[SGN_TLOG_HASH_LEN];

	if (v1 == NULL) {
		v1 = load_key(v1_spki);
		v2 = load_key(v2_spki);
	}
	sgn_errbuf_clear(&eb);
	if (sgn_checkpoint_parse((const char *)data, size, &cp, &eb) !=
	    SGN_OK) {
		if (cp != NULL || eb.msg[0] == '\0')
			abort();
		return 0;
	}
	check_limits(cp, size);
	(void)sgn_checkpoint_verify(cp, "rekor.sigstore.dev", v1, NULL);
	(void)sgn_checkpoint_verify(cp, "log2025-1.rekor.sigstore.dev", v2,
	    NULL);
	(void)sgn_checkpoint_verify(cp, cp->sigs[0].name, v2, NULL);
	(void)sgn_checkpoint_origin_matches(cp, "rekor.sigstore.dev");
	(void)sgn_checkpoint_origin_matches(cp, cp->origin);

	/* The parsed numbers are hostile too: run the proof verifiers. */
	s = &cp->sigs[0];
	sgn_tlog_leaf_hash(cp->text, cp->text_len, leaf);
	(void)sgn_tlog_verify_inclusion(cp->size > 0 ? cp->size - 1 : 0,
	    cp->size, leaf, (const uint8_t (*)[32])s->sig, s->sig_len / 32,
	    cp->root, NULL);
	(void)sgn_tlog_verify_consistency(cp->size / 3, cp->size,
	    (const uint8_t (*)[32])s->sig, s->sig_len / 32, leaf, cp->root,
	    NULL);
	sgn_checkpoint_free(&cp);
	return 0;
}
