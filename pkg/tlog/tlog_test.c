/*
 * Unit tests for pkg/tlog.
 *
 * - Merkle proofs: every inclusion and consistency proof of trees of 1 to
 *   70 leaves, built by a recursive transcription of the RFC 6962 section
 *   2.1 definitions (MTH, PATH, PROOF), must verify; then every way of
 *   spoiling one must fail.
 * - The production vectors in testdata/vectors/: inclusion proofs,
 *   checkpoints (with the trusted roots' log keys) and SETs.
 * - Checkpoint parsing and verification: one negative test per rule, on
 *   notes signed in the test with fresh Ed25519, ECDSA and RSA keys.
 *
 * Run from the top of the tree (fixtures are read from testdata/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core.h"
#include "json.h"
#include "keys.h"
#include "tlog.h"
#include "testutil.h"

#define VEC		"testdata/vectors/"
#define TRUSTED_ROOT	VEC "trusted_root.json"
#define STAGING_ROOT	VEC "dsse-rekor-v2-staging/trusted_root.json"
#define V1_URL		"https://rekor.sigstore.dev"
#define V2_URL		"https://log2025-1.rekor.sigstore.dev"
#define STAGING_URL	"https://log2025-alpha3.rekor.sigstage.dev"
#define V1_NAME		"rekor.sigstore.dev"
#define V2_NAME		"log2025-1.rekor.sigstore.dev"
#define STAGING_NAME	"log2025-alpha3.rekor.sigstage.dev"
#define NOTE_V1		VEC "checkpoints/" \
			    "rekor.sigstore.dev-tree2605736670972794746.note"
#define NOTE_V1_DSSE	VEC "checkpoints/" \
			    "rekor.sigstore.dev-tree1193050959916656506.note"
#define NOTE_V2		VEC "checkpoints/log2025-1.rekor.sigstore.dev.note"
#define NOTE_STAGING	VEC "checkpoints/" \
			    "log2025-alpha3.rekor.sigstage.dev-witnessed.note"

#define CP(p)		((const uint8_t (*)[32])(p))
#define EM_DASH		"\xe2\x80\x94"

/* Helpers ------------------------------------------------------------- */

static void
sha256(const void *p, size_t n, uint8_t out[32])
{
	unsigned int len = 0;

	cr_assert_eq(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL), 1);
	cr_assert_eq(len, 32);
}

static void
hex_of(const uint8_t *p, size_t n, char *out)
{
	sgn_hex_encode(p, n, out);
}

static void
get32(const cJSON *obj, const char *key, uint8_t out[32])
{
	uint8_t *p;
	size_t n;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_json_get_bytes(obj, key, SGN_JSON_REQUIRED, "test",
	    &p, &n, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(n, 32, "%s is %zu bytes", key, n);
	memcpy(out, p, 32);
	free(p);
}

/* The key and log ID of the tlog with base_url in a trusted root. */
static struct sgn_pubkey *
tlog_key(const char *root_file, const char *base_url, uint8_t log_id[32])
{
	cJSON *doc = tu_load_json(root_file);
	const cJSON *tlogs, *t, *pk, *lid;
	const char *url;
	struct sgn_pubkey *key = NULL;
	uint8_t *der;
	size_t len;

	cr_assert_eq(sgn_json_get_array(doc, "tlogs", 1, "root", &tlogs,
	    NULL), SGN_OK);
	cJSON_ArrayForEach(t, tlogs) {
		cr_assert_eq(sgn_json_get_string(t, "baseUrl", 1, "tlog", &url,
		    NULL), SGN_OK);
		if (strcmp(url, base_url) != 0)
			continue;
		cr_assert_eq(sgn_json_get_object(t, "publicKey", 1, "tlog",
		    &pk, NULL), SGN_OK);
		cr_assert_eq(sgn_json_get_bytes(pk, "rawBytes", 1, "pk", &der,
		    &len, NULL), SGN_OK);
		cr_assert_eq(sgn_pubkey_from_der(der, len, &key, NULL),
		    SGN_OK);
		free(der);
		cr_assert_eq(sgn_json_get_object(t, "logId", 1, "tlog", &lid,
		    NULL), SGN_OK);
		get32(lid, "keyId", log_id);
		break;
	}
	cJSON_Delete(doc);
	cr_assert_not_null(key, "no tlog %s in %s", base_url, root_file);
	return key;
}

/* The first tlog entry of a vector bundle. */
struct entry {
	uint8_t	*body;
	size_t	 body_len;
	int64_t	 log_index;
	int64_t	 integrated_time;
	int64_t	 proof_index;
	int64_t	 tree_size;
	uint8_t	 log_id[32];
	uint8_t	 root[32];
	uint8_t	 hashes[SGN_TLOG_MAX_PROOF][32];
	size_t	 n_hashes;
	uint8_t	*set;
	size_t	 set_len;
	char	*checkpoint;
};

static void
load_entry(const char *dir, struct entry *e)
{
	char path[256];
	cJSON *doc;
	const cJSON *vm, *arr, *te, *lid, *prom, *ip, *harr, *h, *cpo;
	const char *env;
	uint8_t *p;
	size_t n;

	memset(e, 0, sizeof(*e));
	(void)snprintf(path, sizeof(path), VEC "%s/bundle.sigstore.json",
	    dir);
	doc = tu_load_json(path);
	cr_assert_eq(sgn_json_get_object(doc, "verificationMaterial", 1, "b",
	    &vm, NULL), SGN_OK);
	cr_assert_eq(sgn_json_get_array(vm, "tlogEntries", 1, "vm", &arr,
	    NULL), SGN_OK);
	cr_assert_not_null(te = cJSON_GetArrayItem(arr, 0));
	cr_assert_eq(sgn_json_get_bytes(te, "canonicalizedBody", 1, "te",
	    &e->body, &e->body_len, NULL), SGN_OK);
	cr_assert_eq(sgn_json_get_int64(te, "logIndex", 1, "te",
	    &e->log_index, NULL, NULL), SGN_OK);
	cr_assert_eq(sgn_json_get_int64(te, "integratedTime", 0, "te",
	    &e->integrated_time, NULL, NULL), SGN_OK);
	cr_assert_eq(sgn_json_get_object(te, "logId", 1, "te", &lid, NULL),
	    SGN_OK);
	get32(lid, "keyId", e->log_id);
	cr_assert_eq(sgn_json_get_object(te, "inclusionPromise", 0, "te",
	    &prom, NULL), SGN_OK);
	if (prom != NULL)
		cr_assert_eq(sgn_json_get_bytes(prom, "signedEntryTimestamp",
		    1, "prom", &e->set, &e->set_len, NULL), SGN_OK);
	cr_assert_eq(sgn_json_get_object(te, "inclusionProof", 1, "te", &ip,
	    NULL), SGN_OK);
	cr_assert_eq(sgn_json_get_int64(ip, "logIndex", 1, "ip",
	    &e->proof_index, NULL, NULL), SGN_OK);
	cr_assert_eq(sgn_json_get_int64(ip, "treeSize", 1, "ip",
	    &e->tree_size, NULL, NULL), SGN_OK);
	get32(ip, "rootHash", e->root);
	cr_assert_eq(sgn_json_get_array(ip, "hashes", 1, "ip", &harr, NULL),
	    SGN_OK);
	cJSON_ArrayForEach(h, harr) {
		cr_assert(cJSON_IsString(h));
		cr_assert_lt(e->n_hashes, SGN_TLOG_MAX_PROOF);
		cr_assert_eq(sgn_b64_decode(h->valuestring,
		    strlen(h->valuestring), &p, &n, NULL), SGN_OK);
		cr_assert_eq(n, 32);
		memcpy(e->hashes[e->n_hashes++], p, 32);
		free(p);
	}
	cr_assert_eq(sgn_json_get_object(ip, "checkpoint", 1, "ip", &cpo,
	    NULL), SGN_OK);
	cr_assert_eq(sgn_json_get_string(cpo, "envelope", 1, "cp", &env,
	    NULL), SGN_OK);
	cr_assert_not_null(e->checkpoint = strdup(env));
	cJSON_Delete(doc);
}

static void
free_entry(struct entry *e)
{
	free(e->body);
	free(e->set);
	free(e->checkpoint);
	memset(e, 0, sizeof(*e));
}

static struct sgn_checkpoint *
parse_ok(const char *note, size_t len)
{
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_checkpoint_parse(note, len, &cp, &eb), SGN_OK,
	    "parse: %s", eb.msg);
	cr_assert_not_null(cp);
	return cp;
}

static struct sgn_checkpoint *
parse_file(const char *path)
{
	struct sgn_checkpoint *cp;
	uint8_t *note;
	size_t len;

	note = tu_read(path, &len);
	cp = parse_ok((const char *)note, len);
	free(note);
	return cp;
}

/* Expects (note, len) to fail with code want and a message containing
 * msg. */
static void
parse_fails_n(const char *note, size_t len, sgn_err want, const char *msg)
{
	struct sgn_checkpoint *cp = (struct sgn_checkpoint *)&cp;
	struct sgn_errbuf eb;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	r = sgn_checkpoint_parse(note, len, &cp, &eb);
	cr_assert_eq(r, want, "note \"%.60s\": got %d (%s), want %d", note,
	    r, eb.msg, want);
	cr_assert_null(cp);
	cr_assert_not_null(strstr(eb.msg, msg), "message \"%s\" lacks \"%s\"",
	    eb.msg, msg);
}

static void
parse_fails(const char *note, sgn_err want, const char *msg)
{
	parse_fails_n(note, strlen(note), want, msg);
}

static sgn_err
verify(const struct sgn_checkpoint *cp, const char *name,
    const struct sgn_pubkey *key, char msg[SGN_ERRBUF_SIZE])
{
	struct sgn_errbuf eb;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	r = sgn_checkpoint_verify(cp, name, key, &eb);
	if (msg != NULL)
		memcpy(msg, eb.msg, sizeof(eb.msg));
	return r;
}

/* Keys made in the test, to sign notes of our own. */
struct signer {
	EVP_PKEY		*pkey;
	struct sgn_pubkey	*pub;
	const char		*name;
	uint8_t			 id[32];
};

static void
signer_new(struct signer *s, const char *alg, const char *name)
{
	unsigned char *der = NULL;
	int len;

	memset(s, 0, sizeof(*s));
	if (strcmp(alg, "EC") == 0)
		s->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (strcmp(alg, "RSA") == 0)
		s->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else
		s->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	cr_assert_not_null(s->pkey);
	cr_assert_gt(len = i2d_PUBKEY(s->pkey, &der), 0);
	cr_assert_eq(sgn_pubkey_from_der(der, (size_t)len, &s->pub, NULL),
	    SGN_OK);
	OPENSSL_free(der);
	s->name = name;
	cr_assert_eq(sgn_note_key_id(name, s->pub, s->id, NULL), SGN_OK);
}

static void
signer_free(struct signer *s)
{
	EVP_PKEY_free(s->pkey);
	sgn_pubkey_free(&s->pub);
}

/* Raw signature of (msg, n) into sig (at most 1024 bytes). */
static size_t
sign_raw(const struct signer *s, const char *msg, size_t n, uint8_t *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const EVP_MD *md = EVP_PKEY_is_a(s->pkey, "ED25519") ? NULL :
	    EVP_sha256();
	size_t siglen = 1024;

	cr_assert_not_null(ctx);
	cr_assert_eq(EVP_DigestSignInit(ctx, NULL, md, NULL, s->pkey), 1);
	cr_assert_eq(EVP_DigestSign(ctx, sig, &siglen, (const uint8_t *)msg,
	    n), 1);
	EVP_MD_CTX_free(ctx);
	return siglen;
}

/* Appends "— <name> <base64(hint || sig)>\n" to b. */
static void
add_line(struct sgn_buf *b, const char *name, const uint8_t hint[4],
    const uint8_t *sig, size_t siglen)
{
	uint8_t raw[1028];
	char *enc;

	cr_assert_leq(siglen, 1024);
	memcpy(raw, hint, 4);
	memcpy(raw + 4, sig, siglen);
	cr_assert_eq(sgn_b64_encode(raw, siglen + 4, &enc, NULL), SGN_OK);
	cr_assert_eq(sgn_buf_appendf(b, NULL, EM_DASH " %s %s\n", name, enc),
	    SGN_OK);
	free(enc);
}

/* Appends s's signature line over text to b. */
static void
add_sig(struct sgn_buf *b, const struct signer *s, const char *text)
{
	uint8_t sig[1024];
	size_t n = sign_raw(s, text, strlen(text), sig);

	add_line(b, s->name, s->id, sig, n);
}

#define TEXT	"example.com/log\n5\n" \
		"Jkp2bFvOjdu52q4OGq4MJL2Wn7iGYtdnDHljwaHxnoI=\n"

/* Merkle: an RFC 6962 reference ----------------------------------------- */

#define MAXN 70

static uint8_t leaves[MAXN][32];

static void
ref_node(const uint8_t l[32], const uint8_t r[32], uint8_t out[32])
{
	uint8_t buf[65];

	buf[0] = 0x01;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	sha256(buf, sizeof(buf), out);
}

static void
init_leaves(void)
{
	char buf[32];
	uint64_t i;
	int n;

	for (i = 0; i < MAXN; i++) {
		buf[0] = 0x00;
		n = snprintf(buf + 1, sizeof(buf) - 1, "leaf %llu",
		    (unsigned long long)i);
		sha256(buf, (size_t)n + 1, leaves[i]);
	}
}

/* The largest power of two below n (n > 1). */
static uint64_t
split_at(uint64_t n)
{
	uint64_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

/* MTH(D[lo:hi]) */
static void
mth(uint64_t lo, uint64_t hi, uint8_t out[32])
{
	uint8_t l[32], r[32];
	uint64_t k;

	if (hi == lo) {
		sha256("", 0, out);
		return;
	}
	if (hi - lo == 1) {
		memcpy(out, leaves[lo], 32);
		return;
	}
	k = split_at(hi - lo);
	mth(lo, lo + k, l);
	mth(lo + k, hi, r);
	ref_node(l, r, out);
}

/* PATH(m, D[lo:hi]), appended at out[*n] */
static void
ref_path(uint64_t m, uint64_t lo, uint64_t hi, uint8_t (*out)[32],
    size_t *n)
{
	uint64_t k;

	if (hi - lo <= 1)
		return;
	k = split_at(hi - lo);
	if (m < k) {
		ref_path(m, lo, lo + k, out, n);
		mth(lo + k, hi, out[(*n)++]);
	} else {
		ref_path(m - k, lo + k, hi, out, n);
		mth(lo, lo + k, out[(*n)++]);
	}
}

/* SUBPROOF(m, D[lo:hi], b), appended at out[*n]; PROOF is b = 1 */
static void
ref_subproof(uint64_t m, uint64_t lo, uint64_t hi, int b,
    uint8_t (*out)[32], size_t *n)
{
	uint64_t k;

	if (m == hi - lo) {
		if (!b)
			mth(lo, hi, out[(*n)++]);
		return;
	}
	k = split_at(hi - lo);
	if (m <= k) {
		ref_subproof(m, lo, lo + k, b, out, n);
		mth(lo + k, hi, out[(*n)++]);
	} else {
		ref_subproof(m - k, lo + k, hi, 0, out, n);
		mth(lo, lo + k, out[(*n)++]);
	}
}

static sgn_err
incl(uint64_t i, uint64_t n, const uint8_t leaf[32], uint8_t (*p)[32],
    size_t k, const uint8_t root[32], char *msg)
{
	struct sgn_errbuf eb;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	r = sgn_tlog_verify_inclusion(i, n, leaf, CP(p), k, root, &eb);
	if (msg != NULL)
		memcpy(msg, eb.msg, sizeof(eb.msg));
	return r;
}

static sgn_err
cons(uint64_t m, uint64_t n, uint8_t (*p)[32], size_t k,
    const uint8_t r1[32], const uint8_t r2[32], char *msg)
{
	struct sgn_errbuf eb;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	r = sgn_tlog_verify_consistency(m, n, CP(p), k, r1, r2, &eb);
	if (msg != NULL)
		memcpy(msg, eb.msg, sizeof(eb.msg));
	return r;
}

/* Merkle tests ---------------------------------------------------------- */

Test(tlog, leaf_and_node_hashes_follow_rfc6962)
{
	uint8_t h[32], l[32], r[32], want[32];
	char hex[65];

	sgn_tlog_leaf_hash(NULL, 0, h);
	hex_of(h, 32, hex);
	cr_assert_str_eq(hex, "6e340b9cffb37a989ca544e6bb780a2c"
	    "78901d3fb33738768511a30617afa01d");
	sgn_tlog_leaf_hash((const uint8_t *)"leaf 3", 6, h);
	init_leaves();
	cr_assert_eq(memcmp(h, leaves[3], 32), 0);

	memcpy(l, leaves[0], 32);
	memcpy(r, leaves[1], 32);
	ref_node(l, r, want);
	sgn_tlog_node_hash(l, r, h);
	cr_assert_eq(memcmp(h, want, 32), 0);
	/* out may alias an input */
	sgn_tlog_node_hash(l, r, l);
	cr_assert_eq(memcmp(l, want, 32), 0);
	memcpy(l, leaves[0], 32);
	sgn_tlog_node_hash(l, r, r);
	cr_assert_eq(memcmp(r, want, 32), 0);
}

Test(tlog, inclusion_proofs_verify_for_every_leaf_of_trees_up_to_70,
    .init = init_leaves)
{
	uint8_t root[32], path[SGN_TLOG_MAX_PROOF][32];
	char msg[SGN_ERRBUF_SIZE];
	uint64_t n, i;
	size_t k;

	for (n = 1; n <= MAXN; n++) {
		mth(0, n, root);
		for (i = 0; i < n; i++) {
			k = 0;
			ref_path(i, 0, n, path, &k);
			cr_assert_eq(incl(i, n, leaves[i], path, k, root, msg),
			    SGN_OK, "size %llu index %llu: %s",
			    (unsigned long long)n, (unsigned long long)i, msg);
		}
	}
}

Test(tlog, consistency_proofs_verify_for_every_pair_of_sizes_up_to_70,
    .init = init_leaves)
{
	uint8_t r1[32], r2[32], proof[SGN_TLOG_MAX_PROOF][32];
	char msg[SGN_ERRBUF_SIZE];
	uint64_t m, n;
	size_t k;

	for (n = 1; n <= MAXN; n++) {
		mth(0, n, r2);
		for (m = 0; m <= n; m++) {
			mth(0, m, r1);
			k = 0;
			if (m > 0)
				ref_subproof(m, 0, n, 1, proof, &k);
			cr_assert_eq(cons(m, n, proof, k, r1, r2, msg),
			    SGN_OK, "sizes %llu -> %llu: %s",
			    (unsigned long long)m, (unsigned long long)n, msg);
		}
	}
}

Test(tlog, inclusion_rejects_every_other_leaf_index, .init = init_leaves)
{
	uint8_t root[32], path[SGN_TLOG_MAX_PROOF][32];
	uint64_t n, i, j;
	size_t k;

	for (n = 1; n <= 40; n++) {
		mth(0, n, root);
		for (i = 0; i < n; i++) {
			k = 0;
			ref_path(i, 0, n, path, &k);
			for (j = 0; j < n + 2; j++) {
				if (j == i)
					continue;
				cr_assert_eq(incl(j, n, leaves[i], path, k,
				    root, NULL), SGN_ERR_VERIFY,
				    "size %llu: proof of %llu passes as %llu",
				    (unsigned long long)n,
				    (unsigned long long)i,
				    (unsigned long long)j);
			}
		}
	}
}

Test(tlog, inclusion_rejects_an_index_not_below_the_tree_size,
    .init = init_leaves)
{
	uint8_t root[32], path[SGN_TLOG_MAX_PROOF][32];
	char msg[SGN_ERRBUF_SIZE];
	size_t k = 0;

	mth(0, 5, root);
	ref_path(4, 0, 5, path, &k);
	cr_assert_eq(incl(7, 5, leaves[4], path, k, root, msg),
	    SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "inclusion proof: leaf index 7 is not below "
	    "tree size 5");
	cr_assert_eq(incl(5, 5, leaves[4], path, k, root, msg),
	    SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "inclusion proof: leaf index 5 is not below "
	    "tree size 5");
	cr_assert_eq(incl(0, 0, leaves[0], path, 0, root, msg),
	    SGN_ERR_VERIFY);
	cr_assert_eq(incl(UINT64_MAX, UINT64_MAX, leaves[0], path, 0, root,
	    msg), SGN_ERR_VERIFY);
}

Test(tlog, inclusion_rejects_too_few_or_too_many_hashes,
    .init = init_leaves)
{
	uint8_t root[32], path[SGN_TLOG_MAX_PROOF + 1][32];
	char msg[SGN_ERRBUF_SIZE];
	uint64_t n, i;
	size_t k, extra;

	memset(path, 0x5a, sizeof(path));
	mth(0, 16, root);
	k = 0;
	ref_path(3, 0, 16, path, &k);
	cr_assert_eq(k, 4);
	cr_assert_eq(incl(3, 16, leaves[3], path, 3, root, msg),
	    SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "inclusion proof: 3 hashes, expected 4");
	cr_assert_eq(incl(3, 16, leaves[3], path, 5, root, msg),
	    SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "inclusion proof: 5 hashes, expected 4");

	/* A one-leaf tree: the root is the leaf, and the proof is empty. */
	cr_assert_eq(incl(0, 1, leaves[0], path, 0, leaves[0], NULL),
	    SGN_OK);
	cr_assert_eq(incl(0, 1, leaves[0], path, 1, leaves[0], msg),
	    SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "inclusion proof: 1 hashes, expected 0");

	for (n = 2; n <= MAXN; n++) {
		mth(0, n, root);
		for (i = 0; i < n; i++) {
			k = 0;
			ref_path(i, 0, n, path, &k);
			cr_assert_eq(incl(i, n, leaves[i], path, 0, root,
			    NULL), SGN_ERR_VERIFY);
			cr_assert_eq(incl(i, n, leaves[i], path, k - 1, root,
			    NULL), SGN_ERR_VERIFY);
			for (extra = 1; extra <= 2; extra++)
				cr_assert_eq(incl(i, n, leaves[i], path,
				    k + extra, root, NULL), SGN_ERR_VERIFY);
		}
	}
	cr_assert_eq(incl(3, 16, leaves[3], path, SGN_TLOG_MAX_PROOF + 1,
	    root, NULL), SGN_ERR_VERIFY);
}

Test(tlog, inclusion_rejects_a_flipped_bit_in_any_hash, .init = init_leaves)
{
	static const unsigned bits[] = { 0, 7, 100, 255 };
	uint8_t root[32], leaf[32], path[SGN_TLOG_MAX_PROOF][32];
	uint64_t n, i;
	size_t k, j, b;

	for (n = 1; n <= 40; n++) {
		mth(0, n, root);
		for (i = 0; i < n; i++) {
			k = 0;
			ref_path(i, 0, n, path, &k);
			for (b = 0; b < 4; b++) {
				uint8_t mask = (uint8_t)(1u << (bits[b] % 8));
				size_t at = bits[b] / 8;

				for (j = 0; j < k; j++) {
					path[j][at] ^= mask;
					cr_assert_eq(incl(i, n, leaves[i],
					    path, k, root, NULL),
					    SGN_ERR_VERIFY);
					path[j][at] ^= mask;
				}
				memcpy(leaf, leaves[i], 32);
				leaf[at] ^= mask;
				cr_assert_eq(incl(i, n, leaf, path, k, root,
				    NULL), SGN_ERR_VERIFY);
				root[at] ^= mask;
				cr_assert_eq(incl(i, n, leaves[i], path, k,
				    root, NULL), SGN_ERR_VERIFY);
				root[at] ^= mask;
			}
			cr_assert_eq(incl(i, n, leaves[i], path, k, root,
			    NULL), SGN_OK);
		}
	}
}

Test(tlog, inclusion_rejects_a_wrong_root_with_a_precise_message,
    .init = init_leaves)
{
	uint8_t root[32], other[32], path[SGN_TLOG_MAX_PROOF][32];
	char msg[SGN_ERRBUF_SIZE], want[SGN_ERRBUF_SIZE], got[9], exp[9];
	size_t k = 0;

	mth(0, 10, root);
	mth(0, 9, other);
	ref_path(6, 0, 10, path, &k);
	cr_assert_eq(incl(6, 10, leaves[6], path, k, other, msg),
	    SGN_ERR_VERIFY);
	hex_of(root, 4, got);
	hex_of(other, 4, exp);
	(void)snprintf(want, sizeof(want), "inclusion proof: computed root "
	    "hash %s... does not match %s...", got, exp);
	cr_assert_str_eq(msg, want);
}

Test(tlog, inclusion_rejects_a_wrong_tree_size, .init = init_leaves)
{
	uint8_t root[32], path[SGN_TLOG_MAX_PROOF][32];
	char msg[SGN_ERRBUF_SIZE];
	uint64_t n;
	size_t k;

	/*
	 * The size fixes the shape of the path, so the last leaf's proof
	 * fails against any neighbouring size.  (Some other leaves'
	 * proofs have the same shape in two sizes; the signed checkpoint
	 * binds size and root together, which is why callers compare
	 * both.)
	 */
	for (n = 2; n <= MAXN; n++) {
		mth(0, n, root);
		k = 0;
		ref_path(n - 1, 0, n, path, &k);
		cr_assert_eq(incl(n - 1, n + 1, leaves[n - 1], path, k, root,
		    NULL), SGN_ERR_VERIFY, "size %llu + 1",
		    (unsigned long long)n);
		cr_assert_eq(incl(n - 1, n + 2, leaves[n - 1], path, k, root,
		    NULL), SGN_ERR_VERIFY);
		cr_assert_eq(incl(n - 1, n - 1, leaves[n - 1], path, k, root,
		    NULL), SGN_ERR_VERIFY);
	}
	mth(0, 6, root);
	k = 0;
	ref_path(4, 0, 6, path, &k);
	cr_assert_eq(incl(4, 5, leaves[4], path, k, root, msg),
	    SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "inclusion proof: 2 hashes, expected 1");
}

Test(tlog, inclusion_rejects_null_arguments, .init = init_leaves)
{
	uint8_t root[32];

	mth(0, 2, root);
	cr_assert_eq(sgn_tlog_verify_inclusion(0, 2, leaves[0], NULL, 1, root,
	    NULL), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tlog_verify_inclusion(0, 2, NULL, CP(leaves + 1), 1,
	    root, NULL), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tlog_verify_inclusion(0, 2, leaves[0], CP(leaves + 1),
	    1, NULL, NULL), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tlog_verify_inclusion(0, 2, leaves[0], CP(leaves + 1),
	    1, root, NULL), SGN_OK);
}

Test(tlog, consistency_rejects_wrong_roots_and_flipped_bits,
    .init = init_leaves)
{
	uint8_t r1[32], r2[32], proof[SGN_TLOG_MAX_PROOF][32];
	char msg[SGN_ERRBUF_SIZE];
	uint64_t m, n;
	size_t k, j;

	for (n = 2; n <= 40; n++) {
		mth(0, n, r2);
		for (m = 1; m < n; m++) {
			mth(0, m, r1);
			k = 0;
			ref_subproof(m, 0, n, 1, proof, &k);
			for (j = 0; j < k; j++) {
				proof[j][j % 32] ^= 0x01;
				cr_assert_eq(cons(m, n, proof, k, r1, r2,
				    NULL), SGN_ERR_VERIFY);
				proof[j][j % 32] ^= 0x01;
				proof[j][31] ^= 0x80;
				cr_assert_eq(cons(m, n, proof, k, r1, r2,
				    NULL), SGN_ERR_VERIFY);
				proof[j][31] ^= 0x80;
			}
			/* A power-of-two old tree's root is an input to the
			 * new root, so a wrong one shows there. */
			r1[0] ^= 0x01;
			cr_assert_eq(cons(m, n, proof, k, r1, r2, msg),
			    SGN_ERR_VERIFY);
			cr_assert_not_null(strstr(msg, (m & (m - 1)) == 0 ?
			    "new root hash" : "old root hash"), "%s", msg);
			r1[0] ^= 0x01;
			r2[17] ^= 0x40;
			cr_assert_eq(cons(m, n, proof, k, r1, r2, msg),
			    SGN_ERR_VERIFY);
			cr_assert_not_null(strstr(msg, "new root hash"), "%s",
			    msg);
			r2[17] ^= 0x40;
			/* The old root of another size, or swapped roots. */
			cr_assert_eq(cons(m, n, proof, k, r2, r2, NULL),
			    SGN_ERR_VERIFY);
			cr_assert_eq(cons(m, n, proof, k, r1, r1, NULL),
			    SGN_ERR_VERIFY);
			cr_assert_eq(cons(m, n, proof, k, r1, r2, NULL),
			    SGN_OK);
		}
	}
}

Test(tlog, consistency_rejects_wrong_proof_lengths, .init = init_leaves)
{
	uint8_t r1[32], r2[32], proof[SGN_TLOG_MAX_PROOF + 2][32];
	char msg[SGN_ERRBUF_SIZE];
	uint64_t m, n;
	size_t k;

	memset(proof, 0x33, sizeof(proof));
	for (n = 2; n <= MAXN; n++) {
		mth(0, n, r2);
		for (m = 1; m < n; m++) {
			mth(0, m, r1);
			k = 0;
			ref_subproof(m, 0, n, 1, proof, &k);
			cr_assert_gt(k, 0);
			cr_assert_eq(cons(m, n, proof, 0, r1, r2, msg),
			    SGN_ERR_VERIFY, "empty proof %llu -> %llu",
			    (unsigned long long)m, (unsigned long long)n);
			cr_assert_eq(cons(m, n, proof, k - 1, r1, r2, NULL),
			    SGN_ERR_VERIFY);
			cr_assert_eq(cons(m, n, proof, k + 1, r1, r2, NULL),
			    SGN_ERR_VERIFY);
		}
	}
	mth(0, 3, r1);
	mth(0, 7, r2);
	k = 0;
	ref_subproof(3, 0, 7, 1, proof, &k);
	cr_assert_eq(k, 4);
	cr_assert_eq(cons(3, 7, proof, 3, r1, r2, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "consistency proof: 3 hashes, expected 4");
}

Test(tlog, consistency_rejects_an_old_size_above_the_new_one,
    .init = init_leaves)
{
	uint8_t r1[32], r2[32], proof[SGN_TLOG_MAX_PROOF][32];
	char msg[SGN_ERRBUF_SIZE];
	size_t k = 0;

	mth(0, 7, r1);
	mth(0, 5, r2);
	ref_subproof(5, 0, 7, 1, proof, &k);
	cr_assert_eq(cons(7, 5, proof, k, r1, r2, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "consistency proof: old tree size 7 is larger "
	    "than new tree size 5");
	cr_assert_eq(cons(5, 7, proof, k, r2, r1, NULL), SGN_OK);
	/*
	 * The proof for 5 -> 7 does not pass with a wrong old size.  (With
	 * new size 8 it would: the proof has the same shape, which is why
	 * the sizes must come from signed checkpoints along with roots.)
	 */
	cr_assert_eq(cons(4, 7, proof, k, r2, r1, NULL), SGN_ERR_VERIFY);
	cr_assert_eq(cons(6, 7, proof, k, r2, r1, NULL), SGN_ERR_VERIFY);
	cr_assert_eq(cons(5, 6, proof, k, r2, r1, NULL), SGN_ERR_VERIFY);
}

Test(tlog, consistency_handles_equal_and_empty_trees, .init = init_leaves)
{
	uint8_t r1[32], r2[32], empty[32], proof[2][32];
	char msg[SGN_ERRBUF_SIZE];

	mth(0, 6, r1);
	mth(0, 7, r2);
	sha256("", 0, empty);
	memcpy(proof[0], r1, 32);
	/* Equal sizes: empty proof and equal roots. */
	cr_assert_eq(cons(6, 6, proof, 0, r1, r1, NULL), SGN_OK);
	cr_assert_eq(cons(6, 6, proof, 1, r1, r1, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "consistency proof: 1 hashes, expected 0 for "
	    "equal tree sizes");
	cr_assert_eq(cons(6, 6, proof, 0, r1, r2, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "consistency proof: trees of equal size 6 have "
	    "different root hashes");
	cr_assert_eq(cons(0, 0, proof, 0, empty, empty, NULL), SGN_OK);
	/* From the empty tree: empty proof, and the old root is H(""). */
	cr_assert_eq(cons(0, 7, proof, 0, empty, r2, NULL), SGN_OK);
	cr_assert_eq(cons(0, 7, proof, 1, empty, r2, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "consistency proof: 1 hashes, expected 0 from "
	    "the empty tree");
	cr_assert_eq(cons(0, 7, proof, 0, r1, r2, NULL), SGN_ERR_VERIFY);
	/* Arguments. */
	cr_assert_eq(sgn_tlog_verify_consistency(6, 7, NULL, 1, r1, r2, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tlog_verify_consistency(6, 7, CP(proof), 1, NULL, r2,
	    NULL), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tlog_verify_consistency(6, 7, CP(proof), 1, r1, NULL,
	    NULL), SGN_ERR_INVALID_ARGUMENT);
}

/* Production vectors: proofs -------------------------------------------- */

static void
check_vector_proof(const char *dir)
{
	struct entry e;
	struct sgn_checkpoint *cp;
	uint8_t leaf[32];
	char msg[SGN_ERRBUF_SIZE];

	load_entry(dir, &e);
	sgn_tlog_leaf_hash(e.body, e.body_len, leaf);
	cr_assert_eq(incl((uint64_t)e.proof_index, (uint64_t)e.tree_size,
	    leaf, e.hashes, e.n_hashes, e.root, msg), SGN_OK, "%s: %s", dir,
	    msg);
	/* The checkpoint in the proof has the same size and root. */
	cp = parse_ok(e.checkpoint, strlen(e.checkpoint));
	cr_assert_eq(cp->size, (uint64_t)e.tree_size);
	cr_assert_eq(memcmp(cp->root, e.root, 32), 0);
	/* Trap 2: the leaf is the decoded body, not its base64. */
	cr_assert_eq(incl((uint64_t)e.proof_index, (uint64_t)e.tree_size,
	    e.hashes[0], e.hashes, e.n_hashes, e.root, NULL), SGN_ERR_VERIFY);
	e.hashes[e.n_hashes / 2][3] ^= 0x10;
	cr_assert_eq(incl((uint64_t)e.proof_index, (uint64_t)e.tree_size,
	    leaf, e.hashes, e.n_hashes, e.root, NULL), SGN_ERR_VERIFY);
	sgn_checkpoint_free(&cp);
	free_entry(&e);
}

Test(tlog, vector_inclusion_proofs_verify)
{
	check_vector_proof("rekor-v1-hashedrekord");
	check_vector_proof("rekor-v2-hashedrekord");
	check_vector_proof("rekor-v1-bundle-v0.1");
	check_vector_proof("dsse-rekor-v1");
	check_vector_proof("dsse-rekor-v2-staging");
	check_vector_proof("rekor-v2-hashedrekord-sigstorejs");
}

Test(tlog, vector_values_match_the_readme)
{
	struct entry e;
	uint8_t leaf[32];
	char hex[65];

	load_entry("rekor-v1-hashedrekord", &e);
	sgn_tlog_leaf_hash(e.body, e.body_len, leaf);
	hex_of(leaf, 32, hex);
	cr_assert_str_eq(hex, "aee3c920bb1132e929ed20e1c194579a"
	    "60e95849f7a554e0033fdd26ee221629");
	hex_of(e.root, 32, hex);
	cr_assert_str_eq(hex, "1679e3d7752ed63764b0f7381d92daa4"
	    "a5f7dbd755943e7e30636c8aa06ad573");
	cr_assert_eq(e.proof_index, 75408392);
	cr_assert_eq(e.tree_size, 75408393);
	cr_assert_eq(e.log_index, 79571823);
	free_entry(&e);

	load_entry("rekor-v2-hashedrekord", &e);
	hex_of(e.root, 32, hex);
	cr_assert_str_eq(hex, "981a29a99874d99e08cf08196c1ed129"
	    "8bc1521fcf2d6829c564b5e7da404b8f");
	cr_assert_eq(e.proof_index, 40335848);
	cr_assert_eq(e.tree_size, 40335875);
	cr_assert_eq(e.n_hashes, 20);
	free_entry(&e);
}

/* Checkpoints: the production notes -------------------------------------- */

Test(tlog, production_checkpoints_parse)
{
	struct sgn_checkpoint *cp;
	char hex[65];

	cp = parse_file(NOTE_V1);
	cr_assert_str_eq(cp->origin, "rekor.sigstore.dev - "
	    "2605736670972794746");
	cr_assert_eq(cp->size, 75408393);
	hex_of(cp->root, 32, hex);
	cr_assert_str_eq(hex, "1679e3d7752ed63764b0f7381d92daa4"
	    "a5f7dbd755943e7e30636c8aa06ad573");
	cr_assert_eq(cp->n_ext, 0);
	cr_assert_eq(cp->n_sigs, 1);
	cr_assert_str_eq(cp->sigs[0].name, V1_NAME);
	hex_of(cp->sigs[0].hint, 4, hex);
	cr_assert_str_eq(hex, "c0d23d6a");
	cr_assert_eq(cp->text_len, strlen("rekor.sigstore.dev - "
	    "2605736670972794746\n75408393\n"
	    "Fnnj13Uu1jdksPc4HZLapKX329dVlD5+MGNsiqBq1XM=\n"));
	cr_assert_eq(cp->text[cp->text_len - 1], '\n');
	cr_assert_eq(cp->text[cp->text_len], '\0');
	sgn_checkpoint_free(&cp);
	cr_assert_null(cp);

	cp = parse_file(NOTE_V2);
	cr_assert_str_eq(cp->origin, V2_NAME);
	cr_assert_eq(cp->size, 40335875);
	cr_assert_eq(cp->text_len, 83);
	cr_assert_eq(cp->n_sigs, 1);
	cr_assert_eq(cp->sigs[0].sig_len, 64);
	hex_of(cp->sigs[0].hint, 4, hex);
	cr_assert_str_eq(hex, "cf119915");
	sgn_checkpoint_free(&cp);

	cp = parse_file(NOTE_STAGING);
	cr_assert_str_eq(cp->origin, STAGING_NAME);
	cr_assert_eq(cp->size, 4026479);
	cr_assert_eq(cp->n_sigs, 4);
	cr_assert_str_eq(cp->sigs[1].name, "witness.stagemole.eu");
	cr_assert_str_eq(cp->sigs[2].name,
	    "staging.witness.transparency.goog/ring-any-bells");
	cr_assert_str_eq(cp->sigs[3].name,
	    "witness.navigli.sunlight.geomys.org");
	cr_assert_eq(cp->sigs[3].sig_len, 72);
	sgn_checkpoint_free(&cp);

	cp = parse_file(NOTE_V1_DSSE);
	cr_assert_eq(cp->size, 33786589);
	sgn_checkpoint_free(&cp);
	sgn_checkpoint_free(&cp);	/* NULL is fine */
	sgn_checkpoint_free(NULL);
}

Test(tlog, production_checkpoints_verify_with_the_trusted_root_keys)
{
	struct sgn_pubkey *v1, *v2, *stg;
	struct sgn_checkpoint *cp;
	uint8_t id[32];
	char msg[SGN_ERRBUF_SIZE];

	v1 = tlog_key(TRUSTED_ROOT, V1_URL, id);
	v2 = tlog_key(TRUSTED_ROOT, V2_URL, id);
	stg = tlog_key(STAGING_ROOT, STAGING_URL, id);

	cp = parse_file(NOTE_V1);
	cr_assert_eq(verify(cp, V1_NAME, v1, msg), SGN_OK, "%s", msg);
	cr_assert(sgn_checkpoint_origin_matches(cp, V1_NAME));
	/* Trap 10: the v1 key name is not the origin. */
	cr_assert_eq(verify(cp, cp->origin, v1, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "checkpoint has no signature from log key "
	    "rekor.sigstore.dev - 2605736670972794746");
	cr_assert_eq(verify(cp, V1_NAME, v2, NULL), SGN_ERR_VERIFY);
	sgn_checkpoint_free(&cp);

	cp = parse_file(NOTE_V1_DSSE);
	cr_assert_eq(verify(cp, V1_NAME, v1, msg), SGN_OK, "%s", msg);
	cr_assert(sgn_checkpoint_origin_matches(cp, V1_NAME));
	sgn_checkpoint_free(&cp);

	cp = parse_file(NOTE_V2);
	cr_assert_eq(verify(cp, V2_NAME, v2, msg), SGN_OK, "%s", msg);
	cr_assert(sgn_checkpoint_origin_matches(cp, V2_NAME));
	cr_assert_not(sgn_checkpoint_origin_matches(cp, V1_NAME));
	cr_assert_eq(verify(cp, V2_NAME, v1, NULL), SGN_ERR_VERIFY);
	cr_assert_eq(verify(cp, STAGING_NAME, stg, NULL), SGN_ERR_VERIFY);
	sgn_checkpoint_free(&cp);

	/* The three witness cosignatures are ignored. */
	cp = parse_file(NOTE_STAGING);
	cr_assert_eq(verify(cp, STAGING_NAME, stg, msg), SGN_OK, "%s", msg);
	cr_assert(sgn_checkpoint_origin_matches(cp, STAGING_NAME));
	cr_assert_eq(verify(cp, V2_NAME, v2, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "checkpoint has no signature from log key "
	    "log2025-1.rekor.sigstore.dev");
	sgn_checkpoint_free(&cp);

	sgn_pubkey_free(&v1);
	sgn_pubkey_free(&v2);
	sgn_pubkey_free(&stg);
}

Test(tlog, extension_lines_are_kept_and_signed)
{
	struct entry e;
	struct sgn_checkpoint *cp;
	struct sgn_pubkey *v1;
	uint8_t id[32];
	char msg[SGN_ERRBUF_SIZE];

	v1 = tlog_key(TRUSTED_ROOT, V1_URL, id);
	load_entry("rekor-v1-bundle-v0.1", &e);
	cp = parse_ok(e.checkpoint, strlen(e.checkpoint));
	cr_assert_eq(cp->n_ext, 1);
	cr_assert_str_eq(cp->ext[0], "Timestamp: 1689177396617352539");
	cr_assert_eq(cp->size, 23083062);
	cr_assert_eq(verify(cp, V1_NAME, v1, msg), SGN_OK, "%s", msg);
	sgn_checkpoint_free(&cp);

	/* Dropping the extension line breaks the signature. */
	{
		char *p = strstr(e.checkpoint, "Timestamp:");
		char *q = strchr(p, '\n');

		memmove(p, q + 1, strlen(q + 1) + 1);
	}
	cp = parse_ok(e.checkpoint, strlen(e.checkpoint));
	cr_assert_eq(cp->n_ext, 0);
	cr_assert_eq(verify(cp, V1_NAME, v1, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "checkpoint signature by rekor.sigstore.dev "
	    "does not verify");
	sgn_checkpoint_free(&cp);
	free_entry(&e);
	sgn_pubkey_free(&v1);
}

Test(tlog, key_ids_match_the_trusted_roots)
{
	struct sgn_pubkey *k;
	uint8_t log_id[32], id[32];
	char hex[9];

	k = tlog_key(TRUSTED_ROOT, V1_URL, log_id);
	cr_assert_eq(sgn_note_key_id(V1_NAME, k, id, NULL), SGN_OK);
	cr_assert_eq(memcmp(id, log_id, 32), 0);
	hex_of(id, 4, hex);
	cr_assert_str_eq(hex, "c0d23d6a");
	/* ECDSA IDs leave the name out. */
	cr_assert_eq(sgn_note_key_id("other.name", k, id, NULL), SGN_OK);
	cr_assert_eq(memcmp(id, log_id, 32), 0);
	cr_assert_eq(sgn_note_key_id(NULL, k, id, NULL), SGN_OK);
	cr_assert_eq(memcmp(id, log_id, 32), 0);
	sgn_pubkey_free(&k);

	k = tlog_key(TRUSTED_ROOT, V2_URL, log_id);
	cr_assert_eq(sgn_note_key_id(V2_NAME, k, id, NULL), SGN_OK);
	cr_assert_eq(memcmp(id, log_id, 32), 0);
	hex_of(id, 4, hex);
	cr_assert_str_eq(hex, "cf119915");
	/* Ed25519 IDs include the name. */
	cr_assert_eq(sgn_note_key_id(V1_NAME, k, id, NULL), SGN_OK);
	cr_assert_neq(memcmp(id, log_id, 32), 0);
	cr_assert_eq(sgn_note_key_id(NULL, k, id, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_note_key_id("", k, id, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_note_key_id("a b", k, id, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_note_key_id("a+b", k, id, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_note_key_id(V2_NAME, NULL, id, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	sgn_pubkey_free(&k);

	k = tlog_key(STAGING_ROOT, STAGING_URL, log_id);
	cr_assert_eq(sgn_note_key_id(STAGING_NAME, k, id, NULL), SGN_OK);
	cr_assert_eq(memcmp(id, log_id, 32), 0);
	sgn_pubkey_free(&k);
}

Test(tlog, key_ids_follow_the_formulas_for_each_key_type)
{
	static const char label[] = "PKIX-RSA-PKCS#1v1.5";
	struct signer s;
	struct sgn_buf b;
	uint8_t id[32], want[32], t;

	sgn_buf_init(&b, 0);
	signer_new(&s, "ED25519", "example.com/log");
	t = 0x01;
	cr_assert_eq(sgn_buf_append(&b, "example.com/log\n", 16, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_buf_append(&b, &t, 1, NULL), SGN_OK);
	cr_assert_eq(sgn_buf_append(&b, sgn_pubkey_ed25519_raw(s.pub), 32,
	    NULL), SGN_OK);
	sha256(b.ptr, b.len, want);
	cr_assert_eq(sgn_note_key_id(s.name, s.pub, id, NULL), SGN_OK);
	cr_assert_eq(memcmp(id, want, 32), 0);
	signer_free(&s);
	sgn_buf_reset(&b);

	signer_new(&s, "EC", "example.com/log");
	sha256(sgn_pubkey_spki_ptr(s.pub), sgn_pubkey_spki_len(s.pub), want);
	cr_assert_eq(sgn_note_key_id(s.name, s.pub, id, NULL), SGN_OK);
	cr_assert_eq(memcmp(id, want, 32), 0);
	signer_free(&s);

	signer_new(&s, "RSA", "example.com/log");
	t = 0xff;
	cr_assert_eq(sgn_buf_append(&b, "example.com/log\n", 16, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_buf_append(&b, &t, 1, NULL), SGN_OK);
	cr_assert_eq(sgn_buf_append(&b, label, strlen(label), NULL), SGN_OK);
	cr_assert_eq(sgn_buf_append(&b, sgn_pubkey_spki_ptr(s.pub),
	    sgn_pubkey_spki_len(s.pub), NULL), SGN_OK);
	sha256(b.ptr, b.len, want);
	cr_assert_eq(sgn_note_key_id(s.name, s.pub, id, NULL), SGN_OK);
	cr_assert_eq(memcmp(id, want, 32), 0);
	signer_free(&s);
	sgn_buf_reset(&b);
}

Test(tlog, notes_signed_with_each_key_type_verify)
{
	static const char *const algs[] = { "ED25519", "EC", "RSA" };
	struct signer s;
	struct sgn_buf b;
	struct sgn_checkpoint *cp;
	char msg[SGN_ERRBUF_SIZE];
	size_t i;

	for (i = 0; i < 3; i++) {
		signer_new(&s, algs[i], "example.com/log");
		sgn_buf_init(&b, 0);
		cr_assert_eq(sgn_buf_appendf(&b, NULL, "%s\n", TEXT), SGN_OK);
		add_sig(&b, &s, TEXT);
		cp = parse_ok((const char *)b.ptr, b.len);
		cr_assert_str_eq(cp->origin, "example.com/log");
		cr_assert_eq(cp->size, 5);
		cr_assert_eq(verify(cp, s.name, s.pub, msg), SGN_OK, "%s: %s",
		    algs[i], msg);
		cp->sigs[0].sig[cp->sigs[0].sig_len / 2] ^= 0x01;
		cr_assert_eq(verify(cp, s.name, s.pub, msg), SGN_ERR_VERIFY,
		    "%s", algs[i]);
		cr_assert_str_eq(msg, "checkpoint signature by "
		    "example.com/log does not verify");
		sgn_checkpoint_free(&cp);
		sgn_buf_reset(&b);
		signer_free(&s);
	}
}

/* Checkpoints: verification negatives ------------------------------------ */

Test(tlog, tampered_production_notes_do_not_verify)
{
	struct sgn_pubkey *v1, *v2;
	struct sgn_checkpoint *cp;
	uint8_t id[32], *note;
	size_t len;
	char msg[SGN_ERRBUF_SIZE], *p;

	v1 = tlog_key(TRUSTED_ROOT, V1_URL, id);
	v2 = tlog_key(TRUSTED_ROOT, V2_URL, id);

	/* One byte of the root hash changed (still valid base64). */
	note = tu_read(NOTE_V1, &len);
	cr_assert_not_null(p = strstr((char *)note, "\nFnnj"));
	p[1] = 'G';
	cp = parse_ok((const char *)note, len);
	cr_assert_eq(verify(cp, V1_NAME, v1, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "checkpoint signature by rekor.sigstore.dev "
	    "does not verify");
	sgn_checkpoint_free(&cp);
	free(note);

	note = tu_read(NOTE_V2, &len);
	cr_assert_not_null(p = strstr((char *)note, "\nmBop"));
	p[1] = 'n';
	cp = parse_ok((const char *)note, len);
	cr_assert_eq(verify(cp, V2_NAME, v2, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "checkpoint signature by "
	    "log2025-1.rekor.sigstore.dev does not verify");
	sgn_checkpoint_free(&cp);
	free(note);

	/* The tree size changed. */
	note = tu_read(NOTE_V2, &len);
	cr_assert_not_null(p = strstr((char *)note, "\n40335875\n"));
	p[8] = '6';
	cp = parse_ok((const char *)note, len);
	cr_assert_eq(cp->size, 40335876);
	cr_assert_eq(verify(cp, V2_NAME, v2, NULL), SGN_ERR_VERIFY);
	sgn_checkpoint_free(&cp);
	free(note);

	/* A flipped signature bit. */
	cp = parse_file(NOTE_V1);
	cp->sigs[0].sig[20] ^= 0x04;
	cr_assert_eq(verify(cp, V1_NAME, v1, NULL), SGN_ERR_VERIFY);
	sgn_checkpoint_free(&cp);
	cp = parse_file(NOTE_V2);
	cp->sigs[0].sig[63] ^= 0x80;
	cr_assert_eq(verify(cp, V2_NAME, v2, NULL), SGN_ERR_VERIFY);
	/* A truncated Ed25519 signature with the right hint. */
	cp->sigs[0].sig[63] ^= 0x80;
	cp->sigs[0].sig_len = 63;
	cr_assert_eq(verify(cp, V2_NAME, v2, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "checkpoint signature by "
	    "log2025-1.rekor.sigstore.dev does not verify");
	sgn_checkpoint_free(&cp);

	sgn_pubkey_free(&v1);
	sgn_pubkey_free(&v2);
}

Test(tlog, every_truncation_of_a_production_note_fails)
{
	static const char *const files[] = { NOTE_V1, NOTE_V2, NOTE_STAGING };
	static const char *const names[] = { V1_NAME, V2_NAME, STAGING_NAME };
	static const char *const urls[] = { V1_URL, V2_URL, STAGING_URL };
	struct sgn_pubkey *k;
	struct sgn_checkpoint *cp;
	uint8_t id[32], *note;
	size_t len, n, i;
	sgn_err r;

	for (i = 0; i < 3; i++) {
		k = tlog_key(i == 2 ? STAGING_ROOT : TRUSTED_ROOT, urls[i],
		    id);
		note = tu_read(files[i], &len);
		for (n = 0; n < len; n++) {
			cp = NULL;
			r = sgn_checkpoint_parse((const char *)note, n, &cp,
			    NULL);
			if (r == SGN_OK) {
				/* Only whole witness lines may go. */
				if (verify(cp, names[i], k, NULL) == SGN_OK)
					cr_assert(i == 2 && note[n - 1] ==
					    '\n', "prefix %zu of %s verifies",
					    n, files[i]);
				sgn_checkpoint_free(&cp);
			} else
				cr_assert_null(cp);
		}
		free(note);
		sgn_pubkey_free(&k);
	}
}

Test(tlog, a_note_from_an_unknown_key_only_does_not_verify)
{
	struct signer log, other;
	struct sgn_buf b;
	struct sgn_checkpoint *cp;
	char msg[SGN_ERRBUF_SIZE];

	signer_new(&log, "ED25519", "example.com/log");
	signer_new(&other, "ED25519", "example.com/log");
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_buf_appendf(&b, NULL, "%s\n", TEXT), SGN_OK);
	add_sig(&b, &other, TEXT);
	cp = parse_ok((const char *)b.ptr, b.len);
	cr_assert_eq(verify(cp, log.name, log.pub, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "checkpoint has no signature from log key "
	    "example.com/log");
	/* A name mismatch: the right key under another name. */
	cr_assert_eq(verify(cp, "example.com/log2", other.pub, msg),
	    SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "checkpoint has no signature from log key "
	    "example.com/log2");
	cr_assert_eq(verify(cp, other.name, other.pub, NULL), SGN_OK);
	sgn_checkpoint_free(&cp);
	sgn_buf_reset(&b);
	signer_free(&log);
	signer_free(&other);
}

Test(tlog, name_mismatch_with_the_right_hint_is_ignored)
{
	struct signer log;
	struct sgn_buf b;
	struct sgn_checkpoint *cp;
	uint8_t sig[1024];
	size_t n;
	char msg[SGN_ERRBUF_SIZE];

	signer_new(&log, "EC", "example.com/log");
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_buf_appendf(&b, NULL, "%s\n", TEXT), SGN_OK);
	/* ECDSA hints do not cover the name: the name must still match. */
	n = sign_raw(&log, TEXT, strlen(TEXT), sig);
	add_line(&b, "example.com/other", log.id, sig, n);
	cp = parse_ok((const char *)b.ptr, b.len);
	cr_assert_eq(verify(cp, log.name, log.pub, msg), SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "checkpoint has no signature from log key "
	    "example.com/log");
	cr_assert_eq(verify(cp, "example.com/other", log.pub, NULL), SGN_OK);
	sgn_checkpoint_free(&cp);
	sgn_buf_reset(&b);
	signer_free(&log);
}

Test(tlog, other_lines_before_the_log_line_are_ignored)
{
	struct signer log, w1, w2, rotated;
	struct sgn_buf b;
	struct sgn_checkpoint *cp;
	uint8_t junk[72];
	char msg[SGN_ERRBUF_SIZE];

	signer_new(&log, "ED25519", "example.com/log");
	signer_new(&w1, "ED25519", "witness.example");
	signer_new(&w2, "EC", "example.com/log-looking");
	signer_new(&rotated, "ED25519", "example.com/log");
	memset(junk, 0xa5, sizeof(junk));
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_buf_appendf(&b, NULL, "%s\n", TEXT), SGN_OK);
	/* A witness, an unknown key with garbage, an old log key, then the
	 * log: only the last line is the log's. */
	add_sig(&b, &w1, TEXT);
	add_line(&b, "unknown", junk, junk, sizeof(junk));
	add_sig(&b, &w2, TEXT);
	add_sig(&b, &rotated, TEXT);
	add_line(&b, "example.com/log", junk, junk, 64);
	add_sig(&b, &log, TEXT);
	add_sig(&b, &w1, TEXT);
	cp = parse_ok((const char *)b.ptr, b.len);
	cr_assert_eq(cp->n_sigs, 7);
	cr_assert_eq(verify(cp, log.name, log.pub, msg), SGN_OK, "%s", msg);
	cr_assert_eq(verify(cp, w1.name, w1.pub, msg), SGN_OK, "%s", msg);
	cr_assert_eq(verify(cp, rotated.name, rotated.pub, NULL), SGN_OK);
	sgn_checkpoint_free(&cp);
	sgn_buf_reset(&b);
	signer_free(&log);
	signer_free(&w1);
	signer_free(&w2);
	signer_free(&rotated);
}

Test(tlog, every_line_that_claims_the_log_key_must_verify)
{
	struct signer log;
	struct sgn_buf b;
	struct sgn_checkpoint *cp;
	uint8_t bad[64];
	char msg[SGN_ERRBUF_SIZE];
	int order;

	signer_new(&log, "ED25519", "example.com/log");
	memset(bad, 0x11, sizeof(bad));
	for (order = 0; order < 2; order++) {
		sgn_buf_init(&b, 0);
		cr_assert_eq(sgn_buf_appendf(&b, NULL, "%s\n", TEXT),
		    SGN_OK);
		if (order == 0)
			add_sig(&b, &log, TEXT);
		add_line(&b, log.name, log.id, bad, sizeof(bad));
		if (order == 1)
			add_sig(&b, &log, TEXT);
		cp = parse_ok((const char *)b.ptr, b.len);
		cr_assert_eq(verify(cp, log.name, log.pub, msg),
		    SGN_ERR_VERIFY);
		cr_assert_str_eq(msg, "checkpoint signature by "
		    "example.com/log does not verify");
		sgn_checkpoint_free(&cp);
		sgn_buf_reset(&b);
	}
	/* Two good lines are fine. */
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_buf_appendf(&b, NULL, "%s\n", TEXT), SGN_OK);
	add_sig(&b, &log, TEXT);
	add_sig(&b, &log, TEXT);
	cp = parse_ok((const char *)b.ptr, b.len);
	cr_assert_eq(verify(cp, log.name, log.pub, NULL), SGN_OK);
	sgn_checkpoint_free(&cp);
	sgn_buf_reset(&b);
	signer_free(&log);
}

Test(tlog, verify_rejects_null_arguments)
{
	struct sgn_checkpoint *cp;
	struct sgn_pubkey *v2;
	uint8_t id[32];

	v2 = tlog_key(TRUSTED_ROOT, V2_URL, id);
	cp = parse_file(NOTE_V2);
	cr_assert_eq(verify(NULL, V2_NAME, v2, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(verify(cp, NULL, v2, NULL), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(verify(cp, V2_NAME, NULL, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(verify(cp, "bad name", v2, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	sgn_checkpoint_free(&cp);
	sgn_pubkey_free(&v2);
}

/* Checkpoints: parser negatives ------------------------------------------ */

#define ROOT32	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define SIG	EM_DASH " log AAAAAAAA\n"
#define BODY	"origin\n5\n" ROOT32 "\n"

Test(tlog, a_minimal_note_parses)
{
	struct sgn_checkpoint *cp;

	cp = parse_ok(BODY "\n" SIG, strlen(BODY "\n" SIG));
	cr_assert_str_eq(cp->origin, "origin");
	cr_assert_eq(cp->size, 5);
	cr_assert_eq(cp->n_sigs, 1);
	cr_assert_str_eq(cp->sigs[0].name, "log");
	cr_assert_eq(cp->sigs[0].sig_len, 2);
	cr_assert_eq(cp->text_len, strlen(BODY));
	sgn_checkpoint_free(&cp);

	cp = parse_ok("o\n18446744073709551615\n" ROOT32 "\nx\n\n" SIG,
	    strlen("o\n18446744073709551615\n" ROOT32 "\nx\n\n" SIG));
	cr_assert_eq(cp->size, UINT64_MAX);
	cr_assert_eq(cp->n_ext, 1);
	sgn_checkpoint_free(&cp);

	cp = parse_ok("o\n0\n" ROOT32 "\n\n" SIG,
	    strlen("o\n0\n" ROOT32 "\n\n" SIG));
	cr_assert_eq(cp->size, 0);
	sgn_checkpoint_free(&cp);
}

Test(tlog, missing_lines_each_have_their_own_message)
{
	parse_fails("\n5\n" ROOT32 "\n\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: missing origin line");
	parse_fails("\n\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: missing origin line");
	parse_fails("origin\n\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: missing tree size line");
	parse_fails("origin\n\n" ROOT32 "\n\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: missing tree size line");
	parse_fails("origin\n5\n\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: missing root hash line");
	parse_fails(BODY "\n", SGN_ERR_PARSE,
	    "signed note: no signatures after the blank line");
	parse_fails(BODY, SGN_ERR_PARSE,
	    "signed note: no blank line before signatures");
	parse_fails("", SGN_ERR_PARSE, "signed note: empty");
	/* The origin is not first: the lines are out of order. */
	parse_fails("5\norigin\n" ROOT32 "\n\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: tree size \"origin\" is not a decimal number");
	parse_fails(ROOT32 "\norigin\n5\n\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: tree size");
}

Test(tlog, root_hash_must_be_32_bytes_of_standard_base64)
{
	parse_fails("origin\n5\n!!!!\n\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: root hash is not valid base64");
	parse_fails("origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n"
	    "\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: root hash is 31 bytes, expected 32");
	parse_fails("origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	    "\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: root hash is 33 bytes, expected 32");
	/* Unpadded, URL-safe, trailing bits, spaces. */
	parse_fails("origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	    "\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: root hash is not padded standard base64");
	parse_fails("origin\n5\n-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	    "\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: root hash is not standard base64");
	parse_fails("origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n"
	    "\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: root hash is not valid base64");
	parse_fails("origin\n5\n " ROOT32 "\n\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: root hash is not");
}

Test(tlog, tree_size_must_be_plain_decimal)
{
	parse_fails("origin\n05\n" ROOT32 "\n\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: tree size \"05\" is not a decimal number without "
	    "leading zeros");
	parse_fails("origin\n00\n" ROOT32 "\n\n" SIG, SGN_ERR_PARSE,
	    "tree size");
	parse_fails("origin\n+5\n" ROOT32 "\n\n" SIG, SGN_ERR_PARSE,
	    "tree size");
	parse_fails("origin\n-1\n" ROOT32 "\n\n" SIG, SGN_ERR_PARSE,
	    "tree size");
	parse_fails("origin\n5a\n" ROOT32 "\n\n" SIG, SGN_ERR_PARSE,
	    "tree size");
	parse_fails("origin\n 5\n" ROOT32 "\n\n" SIG, SGN_ERR_PARSE,
	    "tree size");
	parse_fails("origin\n18446744073709551616\n" ROOT32 "\n\n" SIG,
	    SGN_ERR_PARSE, "tree size");
	parse_fails("origin\n100000000000000000000\n" ROOT32 "\n\n" SIG,
	    SGN_ERR_PARSE, "tree size");
}

Test(tlog, extension_lines_must_not_be_empty)
{
	parse_fails(BODY "a\n\nb\n\n" SIG, SGN_ERR_PARSE,
	    "checkpoint: empty extension line");
}

Test(tlog, signature_lines_must_be_well_formed)
{
	parse_fails(BODY "\n- log AAAAAAAA\n", SGN_ERR_PARSE,
	    "signed note: signature line 1 does not start with an em dash "
	    "and a space");
	parse_fails(BODY "\n" EM_DASH "log AAAAAAAA\n", SGN_ERR_PARSE,
	    "does not start with an em dash and a space");
	parse_fails(BODY "\n\xe2\x80\x93 log AAAAAAAA\n", SGN_ERR_PARSE,
	    "does not start with an em dash");	/* en dash */
	parse_fails(BODY "\n" SIG "log AAAAAAAA\n", SGN_ERR_PARSE,
	    "signed note: signature line 2 does not start");
	parse_fails(BODY "\n" EM_DASH " logAAAAAAAA\n", SGN_ERR_PARSE,
	    "has no space between key name and signature");
	parse_fails(BODY "\n" EM_DASH "  AAAAAAAA\n", SGN_ERR_PARSE,
	    "has an empty key name");
	parse_fails(BODY "\n" EM_DASH " a+b AAAAAAAA\n", SGN_ERR_PARSE,
	    "has an empty key name or one with whitespace or '+'");
	parse_fails(BODY "\n" EM_DASH " a\xc2\xa0" "b AAAAAAAA\n",
	    SGN_ERR_PARSE, "whitespace");	/* no-break space */
	parse_fails(BODY "\n" EM_DASH " a\xe3\x80\x80" "b AAAAAAAA\n",
	    SGN_ERR_PARSE, "whitespace");	/* ideographic space */
	parse_fails(BODY "\n" SIG "\n", SGN_ERR_PARSE,
	    "signed note: no signatures after the blank line");
	parse_fails(BODY "\n" EM_DASH " log AAAAAAAA", SGN_ERR_PARSE,
	    "signed note: last signature line does not end with a newline");
}

Test(tlog, signatures_must_be_padded_standard_base64)
{
	parse_fails(BODY "\n" EM_DASH " log AAA*AAAA\n", SGN_ERR_PARSE,
	    "signed note: signature line 1 is not valid base64");
	parse_fails(BODY "\n" EM_DASH " log AAAAAAA\n", SGN_ERR_PARSE,
	    "signed note: signature line 1 is not padded standard base64");
	parse_fails(BODY "\n" EM_DASH " log AAAAAA\n", SGN_ERR_PARSE,
	    "is not padded standard base64");
	parse_fails(BODY "\n" EM_DASH " log AA-_AAAA\n", SGN_ERR_PARSE,
	    "is not standard base64");
	parse_fails(BODY "\n" EM_DASH " log \n", SGN_ERR_PARSE,
	    "is not padded standard base64");
	parse_fails(BODY "\n" EM_DASH " log AAAA AAAA\n", SGN_ERR_PARSE,
	    "is not");
	parse_fails(BODY "\n" EM_DASH " log AAAAAA==\n", SGN_ERR_PARSE,
	    "signed note: signature line 1 holds 4 bytes, too short");
	parse_fails(BODY "\n" EM_DASH " log AAAAAB==\n", SGN_ERR_PARSE,
	    "is not valid base64");	/* trailing bits */
}

Test(tlog, control_characters_are_rejected)
{
	static const char *const bad[] = {
		"orig\tin\n5\n" ROOT32 "\n\n" SIG,
		"origin\r\n5\n" ROOT32 "\n\n" SIG,
		"origin\n5\n" ROOT32 "\n\n" EM_DASH " log AAAAAAAA\r\n",
		"origin\x1b[0m\n5\n" ROOT32 "\n\n" SIG,
	};
	size_t i;
	char note[128];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_fails(bad[i], SGN_ERR_PARSE, "signed note: control "
		    "character 0x");
	parse_fails(bad[0], SGN_ERR_PARSE, "control character 0x09 at "
	    "offset 4");
	/* A NUL byte inside the (length-delimited) note. */
	(void)snprintf(note, sizeof(note), "%s", BODY "\n" SIG);
	note[3] = '\0';
	parse_fails_n(note, strlen(BODY "\n" SIG), SGN_ERR_PARSE,
	    "control character 0x00 at offset 3");
}

Test(tlog, invalid_utf8_is_rejected)
{
	static const char *const bad[] = {
		"orig\xff" "in\n5\n" ROOT32 "\n\n" SIG,
		"orig\xc0\x80" "in\n5\n" ROOT32 "\n\n" SIG,	/* overlong */
		"orig\xe0\x80\xaf" "in\n5\n" ROOT32 "\n\n" SIG,
		"orig\xed\xa0\x80" "in\n5\n" ROOT32 "\n\n" SIG,	/* surrogate */
		"orig\xf4\x90\x80\x80" "in\n5\n" ROOT32 "\n\n" SIG,
		"orig\x80" "in\n5\n" ROOT32 "\n\n" SIG,
		BODY "\n" EM_DASH " log AAAAAAAA\n\xe2\x80",
		BODY "\n\xe2\x80 log AAAAAAAA\n",	/* truncated dash */
	};
	static const char good[] = "\xc3\xa9t\xc3\xa9\xf0\x9f\x8c\xb3\n5\n"
	    ROOT32 "\n\n" EM_DASH " \xe2\x9c\x93 AAAAAAAA\n";
	struct sgn_checkpoint *cp;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_fails(bad[i], SGN_ERR_PARSE,
		    "signed note: invalid UTF-8 at offset");
	/* Valid multi-byte text is fine, in the origin and in names. */
	cp = parse_ok(good, strlen(good));
	cr_assert_str_eq(cp->origin, "\xc3\xa9t\xc3\xa9\xf0\x9f\x8c\xb3");
	cr_assert_str_eq(cp->sigs[0].name, "\xe2\x9c\x93");
	sgn_checkpoint_free(&cp);
}

Test(tlog, counts_and_sizes_are_capped)
{
	struct sgn_buf b;
	struct sgn_checkpoint *cp;
	size_t i;
	char *big;

	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_buf_append(&b, BODY "\n", strlen(BODY "\n"), NULL),
	    SGN_OK);
	for (i = 0; i < SGN_NOTE_MAX_SIGS; i++)
		cr_assert_eq(sgn_buf_append(&b, SIG, strlen(SIG), NULL),
		    SGN_OK);
	cp = parse_ok((const char *)b.ptr, b.len);
	cr_assert_eq(cp->n_sigs, SGN_NOTE_MAX_SIGS);
	sgn_checkpoint_free(&cp);
	cr_assert_eq(sgn_buf_append(&b, SIG, strlen(SIG), NULL), SGN_OK);
	parse_fails_n((const char *)b.ptr, b.len, SGN_ERR_LIMIT,
	    "signed note: more than 100 signature lines");
	sgn_buf_reset(&b);

	cr_assert_eq(sgn_buf_append(&b, BODY, strlen(BODY), NULL), SGN_OK);
	for (i = 0; i <= SGN_CHECKPOINT_MAX_EXT; i++)
		cr_assert_eq(sgn_buf_append(&b, "x\n", 2, NULL), SGN_OK);
	cr_assert_eq(sgn_buf_append(&b, "\n" SIG, strlen("\n" SIG), NULL),
	    SGN_OK);
	parse_fails_n((const char *)b.ptr, b.len, SGN_ERR_LIMIT,
	    "checkpoint: more than 100 extension lines");
	sgn_buf_reset(&b);

	/* A note over 1 MiB, refused before it is read. */
	cr_assert_not_null(big = malloc(SGN_NOTE_MAX_BYTES + 1));
	memset(big, 'a', SGN_NOTE_MAX_BYTES + 1);
	parse_fails_n(big, SGN_NOTE_MAX_BYTES + 1, SGN_ERR_LIMIT,
	    "more than the limit");
	free(big);

	cr_assert_eq(sgn_checkpoint_parse(NULL, 5, &cp, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_checkpoint_parse(BODY, 5, NULL, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
}

Test(tlog, origins_match_the_log_host)
{
	char origin[128];
	struct sgn_checkpoint cp;

	memset(&cp, 0, sizeof(cp));
	cp.origin = origin;
#define ORIGIN(s, host, want) do {					\
	(void)snprintf(origin, sizeof(origin), "%s", s);		\
	cr_assert_eq(sgn_checkpoint_origin_matches(&cp, host), want,	\
	    "\"%s\" vs \"%s\"", s, host);				\
} while (0)
	ORIGIN("rekor.sigstore.dev - 2605736670972794746", V1_NAME, 1);
	ORIGIN("rekor.sigstore.dev - 1193050959916656506", V1_NAME, 1);
	ORIGIN("rekor.sigstore.dev - 0", V1_NAME, 1);
	ORIGIN("log2025-1.rekor.sigstore.dev", V2_NAME, 1);
	ORIGIN("rekor.sigstore.dev", V1_NAME, 1);
	ORIGIN("rekor.sigstore.dev - ", V1_NAME, 0);
	ORIGIN("rekor.sigstore.dev - 012", V1_NAME, 0);
	ORIGIN("rekor.sigstore.dev - 12a", V1_NAME, 0);
	ORIGIN("rekor.sigstore.dev - -12", V1_NAME, 0);
	ORIGIN("rekor.sigstore.dev -  12", V1_NAME, 0);
	ORIGIN("rekor.sigstore.dev-12", V1_NAME, 0);
	ORIGIN("rekor.sigstore.dev - 99999999999999999999999", V1_NAME, 0);
	ORIGIN("rekor.sigstore.devx", V1_NAME, 0);
	ORIGIN("rekor.sigstore.dev", "rekor.sigstore.de", 0);
	ORIGIN("evil.rekor.sigstore.dev", V1_NAME, 0);
	ORIGIN("log2025-1.rekor.sigstore.dev - 1", V1_NAME, 0);
	ORIGIN("rekor.sigstore.dev", "", 0);
#undef ORIGIN
	cr_assert_eq(sgn_checkpoint_origin_matches(&cp, NULL), 0);
	cr_assert_eq(sgn_checkpoint_origin_matches(NULL, V1_NAME), 0);
	cp.origin = NULL;
	cr_assert_eq(sgn_checkpoint_origin_matches(&cp, V1_NAME), 0);
}

/* SETs ------------------------------------------------------------------- */

static sgn_err
verify_set(const struct sgn_pubkey *k, const struct entry *e,
    int64_t time, int64_t index, char *msg)
{
	struct sgn_errbuf eb;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	r = sgn_tlog_verify_set(k, e->body, e->body_len, time, e->log_id,
	    index, e->set, e->set_len, &eb);
	if (msg != NULL)
		memcpy(msg, eb.msg, sizeof(eb.msg));
	return r;
}

Test(tlog, set_payload_is_canonical_json)
{
	struct entry e;
	struct sgn_buf b;
	const char *tail = "\",\"integratedTime\":1710869186,\"logID\":\""
	    "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"
	    "\",\"logIndex\":79571823}";
	uint8_t id[32];
	size_t tl = strlen(tail);

	load_entry("rekor-v1-hashedrekord", &e);
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_buf_append(&b, "prefix", 6, NULL), SGN_OK);
	cr_assert_eq(sgn_tlog_set_payload(e.body, e.body_len,
	    e.integrated_time, e.log_id, e.log_index, &b, NULL), SGN_OK);
	cr_assert_eq(memcmp(b.ptr, "prefix{\"body\":\"eyJhcGlWZXJzaW9u",
	    31), 0);
	cr_assert_gt(b.len, tl);
	cr_assert_str_eq((const char *)b.ptr + b.len - tl, tail);
	sgn_buf_reset(&b);

	memset(id, 0xab, sizeof(id));
	cr_assert_eq(sgn_tlog_set_payload(NULL, 0, 0, id, 0, &b, NULL),
	    SGN_OK);
	cr_assert_str_eq((const char *)b.ptr, "{\"body\":\"\","
	    "\"integratedTime\":0,\"logID\":\"abababababababababababababab"
	    "abababababababababababababababababab\",\"logIndex\":0}");
	sgn_buf_reset(&b);

	/* Out of the range JCS writes exactly; out is left as it was. */
	cr_assert_eq(sgn_buf_append(&b, "keep", 4, NULL), SGN_OK);
	cr_assert_eq(sgn_tlog_set_payload(e.body, e.body_len, -1, id, 1, &b,
	    NULL), SGN_ERR_PARSE);
	cr_assert_eq(sgn_tlog_set_payload(e.body, e.body_len, 1, id, -1, &b,
	    NULL), SGN_ERR_PARSE);
	cr_assert_eq(sgn_tlog_set_payload(e.body, e.body_len, 1, id,
	    (INT64_C(1) << 53) + 1, &b, NULL), SGN_ERR_PARSE);
	cr_assert_eq(sgn_tlog_set_payload(e.body, e.body_len, 1, id,
	    INT64_C(1) << 53, &b, NULL), SGN_OK);
	cr_assert_eq(memcmp(b.ptr, "keep{", 5), 0);
	sgn_buf_reset(&b);
	sgn_buf_init(&b, 16);
	cr_assert_eq(sgn_buf_append(&b, "keep", 4, NULL), SGN_OK);
	cr_assert_eq(sgn_tlog_set_payload(e.body, e.body_len, 1, id, 1, &b,
	    NULL), SGN_ERR_LIMIT);
	cr_assert_eq(b.len, 4);
	cr_assert_str_eq((const char *)b.ptr, "keep");
	sgn_buf_reset(&b);
	cr_assert_eq(sgn_tlog_set_payload(NULL, 3, 1, id, 1, &b, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tlog_set_payload(e.body, 3, 1, NULL, 1, &b, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	free_entry(&e);
}

static void
check_vector_set(const char *dir, int64_t want_index, int64_t want_time)
{
	struct sgn_pubkey *k;
	struct entry e;
	uint8_t id[32];
	char msg[SGN_ERRBUF_SIZE], num[SGN_ERRBUF_SIZE];

	k = tlog_key(TRUSTED_ROOT, V1_URL, id);
	load_entry(dir, &e);
	cr_assert_eq(memcmp(e.log_id, id, 32), 0);
	cr_assert_eq(e.log_index, want_index);
	cr_assert_eq(e.integrated_time, want_time);
	cr_assert_not_null(e.set);
	cr_assert_eq(verify_set(k, &e, e.integrated_time, e.log_index, msg),
	    SGN_OK, "%s: %s", dir, msg);

	/* Trap 1: the proof's (per-shard) index is not the SET's. */
	cr_assert_eq(verify_set(k, &e, e.integrated_time, e.proof_index,
	    msg), SGN_ERR_VERIFY);
	cr_assert_eq(verify_set(k, &e, e.integrated_time, e.log_index + 1,
	    msg), SGN_ERR_VERIFY);
	(void)snprintf(num, sizeof(num), "signed entry timestamp for log "
	    "index %lld does not verify", (long long)e.log_index + 1);
	cr_assert_str_eq(msg, num);
	cr_assert_eq(verify_set(k, &e, e.integrated_time + 1, e.log_index,
	    NULL), SGN_ERR_VERIFY);
	cr_assert_eq(verify_set(k, &e, e.integrated_time - 1, e.log_index,
	    NULL), SGN_ERR_VERIFY);

	e.body[e.body_len / 2] ^= 0x01;
	cr_assert_eq(verify_set(k, &e, e.integrated_time, e.log_index,
	    NULL), SGN_ERR_VERIFY);
	e.body[e.body_len / 2] ^= 0x01;

	e.log_id[31] ^= 0x01;
	cr_assert_eq(verify_set(k, &e, e.integrated_time, e.log_index,
	    NULL), SGN_ERR_VERIFY);
	e.log_id[31] ^= 0x01;

	e.set[e.set_len - 3] ^= 0x01;
	cr_assert_eq(verify_set(k, &e, e.integrated_time, e.log_index,
	    NULL), SGN_ERR_VERIFY);
	e.set[e.set_len - 3] ^= 0x01;
	e.set[10] ^= 0x20;
	cr_assert_eq(verify_set(k, &e, e.integrated_time, e.log_index,
	    NULL), SGN_ERR_VERIFY);
	e.set[10] ^= 0x20;

	e.set_len = 0;
	cr_assert_eq(verify_set(k, &e, e.integrated_time, e.log_index, msg),
	    SGN_ERR_VERIFY);
	cr_assert_not_null(strstr(msg, "does not verify"), "%s", msg);
	e.set_len = 8;
	cr_assert_eq(verify_set(k, &e, e.integrated_time, e.log_index,
	    NULL), SGN_ERR_VERIFY);
	free_entry(&e);
	sgn_pubkey_free(&k);
}

Test(tlog, vector_sets_verify_with_the_global_log_index)
{
	check_vector_set("rekor-v1-hashedrekord", 79571823, 1710869186);
	check_vector_set("rekor-v1-bundle-v0.1", 27246492, 1689177396);
	check_vector_set("dsse-rekor-v1", 155690850, 1734374576);
}

Test(tlog, a_set_does_not_verify_with_another_key)
{
	struct sgn_pubkey *v2;
	struct entry e;
	uint8_t id[32];

	v2 = tlog_key(TRUSTED_ROOT, V2_URL, id);
	load_entry("rekor-v1-hashedrekord", &e);
	cr_assert_eq(verify_set(v2, &e, e.integrated_time, e.log_index,
	    NULL), SGN_ERR_VERIFY);
	cr_assert_eq(verify_set(NULL, &e, e.integrated_time, e.log_index,
	    NULL), SGN_ERR_INVALID_ARGUMENT);
	free_entry(&e);
	sgn_pubkey_free(&v2);
}
