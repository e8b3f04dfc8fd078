/*
 * tlog_bench: the auditor's work on a tiled log, in one process on one
 * core, with tiles served from memory (no network):
 *
 *   tlog_bench BUNDLE [ENTRIES]
 *
 * 1. Consistency between sizes 1,000 and 1,000,000: the tiles fetched
 *    (each one request) for the proof's hashes, and the time to build
 *    and verify the proof from them.
 * 2. `signet tlog watch`'s work per entry of a Rekor v2 log: the leaf
 *    hash of the entry, its inclusion proof built from the tiles and
 *    verified, the body parsed, then either an exact identity looked for
 *    in the certificate's bytes (watch's pre-filter; absent, so every
 *    entry is settled there), or regexps on the SANs and the issuer, as
 *    watch matches them: the certificate read lightly
 *    (sgn_rekor_cert_ids(), the full parse only when that read is
 *    unsure) and the compiled patterns run on its SANs and issuer, for
 *    ENTRIES (default 100,000) entries that are all the Rekor v2 body of
 *    BUNDLE, none matching.  Goal (issue 12): 20,000 entries a second.
 *    For comparison, the full parse a certificate the light read is
 *    unsure of takes (sgn_cert_from_der() and its SANs read).
 * A reference in the same run: SHA-256 of the body, per second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "bundle.h"
#include "rekor.h"
#include "tlog.h"
#include "verify.h"
#include "x509.h"

#define BIG	1000000u

static uint8_t	(*lv[24])[32];
static uint64_t	 nlv[24];

/* CPU time of this process: one core's work, whatever else the machine
 * runs (make bench shares it) */
static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
build(uint64_t n, const uint8_t *leaf, size_t leaf_len)
{
	uint64_t i;
	unsigned h;

	lv[0] = malloc(n * 32);
	if (lv[0] == NULL)
		exit(2);
	for (i = 0; i < n; i++) {
		uint8_t d[8];
		size_t k;

		/* distinct leaves: the body with the index appended */
		for (k = 0; k < 8; k++)
			d[k] = (uint8_t)(i >> (8 * k));
		if (leaf_len > 0) {
			EVP_MD_CTX *c = EVP_MD_CTX_new();
			unsigned int ol = 0;
			uint8_t z = 0;

			EVP_DigestInit_ex(c, EVP_sha256(), NULL);
			EVP_DigestUpdate(c, &z, 1);
			EVP_DigestUpdate(c, leaf, leaf_len);
			EVP_DigestUpdate(c, d, 8);
			EVP_DigestFinal_ex(c, lv[0][i], &ol);
			EVP_MD_CTX_free(c);
		}
	}
	nlv[0] = n;
	for (h = 1; nlv[h - 1] > 1; h++) {
		nlv[h] = nlv[h - 1] / 2;
		if ((lv[h] = malloc((nlv[h] + 1) * 32)) == NULL)
			exit(2);
		for (i = 0; i < nlv[h]; i++)
			sgn_tlog_node_hash(lv[h - 1][2 * i],
			    lv[h - 1][2 * i + 1], lv[h][i]);
	}
}

static size_t served;

static sgn_err
serve(void *ctx, int level, uint64_t index, unsigned width, uint8_t **out,
    size_t *len, struct sgn_errbuf *eb)
{
	unsigned h = (unsigned)level * SGN_TILE_HEIGHT;

	(void)ctx;
	if ((*out = malloc((size_t)width * 32)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	memcpy(*out, lv[h][index * SGN_TILE_WIDTH], (size_t)width * 32);
	*len = (size_t)width * 32;
	served++;
	return SGN_OK;
}

/* MTH of the first n leaves from the levels. */
static void
root_of(uint64_t lo, uint64_t n, uint8_t out[32])
{
	uint8_t l[32], r[32];
	uint64_t k = 1;
	unsigned h = 0;

	if ((n & (n - 1)) == 0 && lo % n == 0) {
		while (((uint64_t)1 << h) < n)
			h++;
		memcpy(out, lv[h][lo >> h], 32);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	root_of(lo, k, l);
	root_of(lo + k, n - k, r);
	sgn_tlog_node_hash(l, r, out);
}

/*
 * Watch's regexps on a certificate, as cmd/signet/tlog.c's cert_light()
 * runs them (patterns compiled once): 1 when the certificate may match.
 */
static int
regexps_may_match(struct sgn_regex *id_rx, struct sgn_regex *issuer_rx,
    const uint8_t *der, size_t len)
{
	struct sgn_rekor_cert_ids ids;
	struct sgn_cert *cert = NULL;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	size_t i, ns = 0;
	int hit = 0, m = 0;

	sgn_errbuf_clear(&eb);
	if (!sgn_rekor_cert_ids(der, len, &ids)) {
		/* unsure: the full parse */
		if (sgn_cert_from_der(der, len, &cert, &eb) == SGN_OK)
			(void)sgn_cert_sans(cert, &sans, &ns, &eb);
		sgn_sans_free(&sans, &ns);
		sgn_cert_free(&cert);
		return 1;
	}
	for (i = 0; i < ids.n_sans && !hit; i++)
		if (sgn_regex_exec(id_rx, ids.sans[i].value, ids.sans[i].len,
		    &hit, &eb) != SGN_OK)
			return 1;
	if (hit && ids.issuer != NULL && sgn_regex_exec(issuer_rx,
	    ids.issuer, ids.issuer_len, &m, &eb) != SGN_OK)
		return 1;
	return hit && m;
}

/*
 * One pass of watch's work over entries entries: mode 0 an exact
 * identity that no certificate carries (the pre-filter on the DER bytes,
 * sgn_rekor_der_holds(), settles each entry), mode 1 regexps on the SANs
 * and the issuer (the light read), mode 2 the full parse of each
 * certificate and its SANs read.  *rate: entries a second.
 */
static int
watch_pass(const uint8_t *body, size_t body_len, uint64_t entries,
    const uint8_t root[32], int mode, double *rate)
{
	static const char *const ids[] = { "nobody@example.com" };
	struct sgn_tile_reader *rd = NULL;
	struct sgn_regex *id_rx = NULL, *issuer_rx = NULL;
	struct sgn_errbuf eb;
	uint8_t leaf[32], proof[SGN_TLOG_MAX_PROOF][32];
	uint64_t i;
	size_t n;
	double t0;

	sgn_errbuf_clear(&eb);
	if (sgn_tile_reader_new(BIG, serve, NULL, &rd, &eb) != SGN_OK ||
	    sgn_regex_new("https://github\\.com/nobody/[^/]+/\\.github/"
	    "workflows/.+@refs/heads/main", &id_rx, &eb) != SGN_OK ||
	    sgn_regex_new("https://(token\\.actions\\.githubusercontent|"
	    "accounts\\.google)\\.com", &issuer_rx, &eb) != SGN_OK) {
		fprintf(stderr, "tlog_bench: %s\n", eb.msg);
		sgn_tile_reader_free(&rd);
		sgn_regex_free(&id_rx);
		return 1;
	}
	t0 = cpu();
	for (i = 0; i < entries; i++) {
		struct sgn_rekor_body *bd = NULL;
		struct sgn_cert *cert = NULL;
		struct sgn_san *sans = NULL;
		size_t ns = 0;
		uint64_t idx = BIG - entries + i;

		memcpy(leaf, lv[0][idx], 32);
		if (sgn_tile_inclusion_proof(rd, idx, proof, &n, &eb) !=
		    SGN_OK || sgn_tlog_verify_inclusion(idx, BIG, leaf,
		    (const uint8_t (*)[32])proof, n, root, &eb) != SGN_OK ||
		    sgn_rekor_body_parse(body, body_len, &bd, &eb) != SGN_OK) {
			fprintf(stderr, "tlog_bench: entry: %s\n", eb.msg);
			sgn_tile_reader_free(&rd);
			return 1;
		}
		if (mode == 0 && bd->verifier_is_cert &&
		    sgn_rekor_der_holds(bd->verifier, bd->verifier_len, ids,
		    1)) {
			fprintf(stderr, "tlog_bench: %s in the certificate\n",
			    ids[0]);
			sgn_rekor_body_free(&bd);
			sgn_tile_reader_free(&rd);
			return 1;
		}
		if (mode == 1 && bd->verifier_is_cert &&
		    regexps_may_match(id_rx, issuer_rx, bd->verifier,
		    bd->verifier_len)) {
			fprintf(stderr, "tlog_bench: the regexps match\n");
			sgn_rekor_body_free(&bd);
			sgn_tile_reader_free(&rd);
			sgn_regex_free(&id_rx);
			sgn_regex_free(&issuer_rx);
			return 1;
		}
		if (mode == 2 && bd->verifier_is_cert &&
		    sgn_cert_from_der(bd->verifier, bd->verifier_len, &cert,
		    &eb) == SGN_OK)
			(void)sgn_cert_sans(cert, &sans, &ns, &eb);
		sgn_sans_free(&sans, &ns);
		sgn_cert_free(&cert);
		sgn_rekor_body_free(&bd);
	}
	*rate = (double)entries / (cpu() - t0);
	sgn_tile_reader_free(&rd);
	sgn_regex_free(&id_rx);
	sgn_regex_free(&issuer_rx);
	return 0;
}

int
main(int argc, char **argv)
{
	struct sgn_tile_reader *rd = NULL;
	struct sgn_bundle *b = NULL;
	struct sgn_errbuf eb;
	uint8_t *buf = NULL, r1[32], r2[32], leaf[32];
	uint8_t proof[SGN_TLOG_MAX_PROOF][32];
	size_t len = 0, n, i;
	uint64_t entries = 100000;
	const uint8_t *body;
	size_t body_len;
	double t0, t1, ref, rate;
	int mode;

	if (argc < 2) {
		fprintf(stderr, "usage: tlog_bench BUNDLE [ENTRIES]\n");
		return 2;
	}
	if (argc > 2)
		entries = strtoull(argv[2], NULL, 10);
	sgn_errbuf_clear(&eb);
	if (sgn_file_read(argv[1], SGN_MAX_BUNDLE_BYTES, &buf, &len, &eb) !=
	    SGN_OK || sgn_bundle_parse(buf, len, &b, &eb) != SGN_OK ||
	    b->n_entries == 0) {
		fprintf(stderr, "tlog_bench: %s: %s\n", argv[1], eb.msg);
		return 2;
	}
	body = b->entries[0].body.ptr;
	body_len = b->entries[0].body.len;
	build(BIG, body, body_len);

	/* 1. consistency 1,000 -> 1,000,000 */
	root_of(0, 1000, r1);
	root_of(0, BIG, r2);
	t0 = now();
	if (sgn_tile_reader_new(BIG, serve, NULL, &rd, &eb) != SGN_OK ||
	    sgn_tile_consistency_proof(rd, 1000, proof, &n, &eb) != SGN_OK ||
	    sgn_tlog_verify_consistency(1000, BIG, (const uint8_t (*)[32])proof,
	    n, r1, r2, &eb) != SGN_OK) {
		fprintf(stderr, "tlog_bench: consistency: %s\n", eb.msg);
		return 1;
	}
	t1 = now();
	printf("consistency 1000 -> %u: %zu hashes from %zu tiles fetched "
	    "(one request each), %.2f ms, %.0f tiles hashed a second\n", BIG,
	    n, served, (t1 - t0) * 1e3, (double)served / (t1 - t0));
	sgn_tile_reader_free(&rd);

	/* 2. watch's work per entry */
	if (entries > BIG)
		entries = BIG;
	for (mode = 0; mode < 3; mode++) {
		served = 0;
		if (watch_pass(body, body_len, entries, r2, mode, &rate) != 0)
			return 1;
		printf("watch, per entry (proof from tiles, body, %s): %.0f "
		    "entries a second of CPU over %llu entries, %zu tiles; "
		    "%.2fx the goal of 20000\n", mode == 0 ? "an exact "
		    "identity looked for in the certificate's bytes, absent" :
		    mode == 1 ? "identity and issuer regexps on the SANs and "
		    "issuer of the certificate read lightly, no match" :
		    "for comparison: the full certificate parse, as an entry "
		    "the light read is unsure of takes", rate,
		    (unsigned long long)entries, served, rate / 20000.0);
	}

	/* reference: SHA-256 of the body */
	t0 = now();
	for (i = 0; i < entries; i++)
		sgn_tlog_leaf_hash(body, body_len, leaf);
	t1 = now();
	ref = (double)entries / (t1 - t0);
	printf("reference: SHA-256 of the %zu-byte body, %.0f a second\n",
	    body_len, ref);
	for (i = 0; lv[i] != NULL; i++)
		free(lv[i]);
	sgn_bundle_free(&b);
	free(buf);
	return 0;
}
