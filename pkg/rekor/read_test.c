/*
 * Unit tests for the auditor's side of pkg/rekor: the Rekor v1 log-info
 * and consistency-proof replies (one negative test per rule), and the
 * verification of checkpoints and entries of one log, on production
 * bundles and notes (testdata/vectors) with the keys of their trusted
 * root, then broken one way at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "bundle.h"
#include "rekor.h"
#include "tlog.h"
#include "trust.h"
#include "x509.h"
#include "testutil.h"

#define VEC	"testdata/vectors/"
#define ROOT_64	"a3f1d1c2b7e4f5a6978877665544332211000102" \
		"030405060708090a0b0c0d0e"
#define HASH_64	"00112233445566778899aabbccddeeff" \
		"00112233445566778899aabbccddeeff"
#define STH	"rekor.example - 123\\n5\\nAAAA\\n\\n"

static const char *
shard(char *buf, size_t len, const char *root, const char *tid,
    const char *size)
{
	snprintf(buf, len, "{\"rootHash\":\"%s\",\"signedTreeHead\":\"" STH
	    "\",\"treeID\":%s,\"treeSize\":%s}", root, tid, size);
	return buf;
}

static sgn_err
info(const char *json, struct sgn_rekor_log_info *li, char *msg)
{
	struct sgn_errbuf eb;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	r = sgn_rekor_v1_log_info_parse((const uint8_t *)json, strlen(json),
	    li, &eb);
	if (msg != NULL)
		memcpy(msg, eb.msg, sizeof(eb.msg));
	return r;
}

Test(rekor_read, log_info_parses_with_inactive_shards)
{
	struct sgn_rekor_log_info li;
	char a[512], b[512], doc[2048], msg[SGN_ERRBUF_SIZE];

	shard(a, sizeof(a), ROOT_64, "\"123\"", "70000");
	shard(b, sizeof(b), HASH_64, "\"456\"", "1000");
	snprintf(doc, sizeof(doc), "%.*s,\"inactiveShards\":[%s]}",
	    (int)strlen(a) - 1, a, b);
	cr_assert_eq(info(doc, &li, msg), SGN_OK, "%s", msg);
	cr_assert_str_eq(li.active.tree_id, "123");
	cr_assert_eq(li.active.tree_size, 70000);
	cr_assert_eq(li.active.root[0], 0xa3);
	cr_assert(strncmp(li.active.checkpoint, "rekor.example - 123\n5\n",
	    22) == 0);
	cr_assert_eq(li.n_inactive, 1);
	cr_assert_str_eq(li.inactive[0].tree_id, "456");
	cr_assert_eq(li.inactive[0].tree_size, 1000);
	sgn_rekor_log_info_reset(&li);
	cr_assert_null(li.inactive);
	/* no inactiveShards member */
	cr_assert_eq(info(a, &li, msg), SGN_OK, "%s", msg);
	cr_assert_eq(li.n_inactive, 0);
	sgn_rekor_log_info_reset(&li);
}

Test(rekor_read, log_info_rules_each_refuse)
{
	struct sgn_rekor_log_info li;
	char a[512], doc[4096], msg[SGN_ERRBUF_SIZE];
	size_t i;
	static const struct {
		const char	*root, *tid, *size, *want;
	} bad[] = {
		{ "abcd", "\"1\"", "5", "rootHash is not 64 hex" },
		{ ROOT_64 "00", "\"1\"", "5", "rootHash is not 64 hex" },
		{ "zz3f1d1c2b7e4f5a6978877665544332211000102"
		    "030405060708090a0b0c0d0e",
		    "\"1\"", "5", "rootHash is not 64 hex" },
		{ ROOT_64, "\"012\"", "5", "treeID is not a decimal" },
		{ ROOT_64, "\"-1\"", "5", "treeID is not a decimal" },
		{ ROOT_64, "\"\"", "5", "treeID" },
		{ ROOT_64, "\"12345678901234567890\"", "5", "treeID is not" },
		{ ROOT_64, "12", "5", "treeID" },
		{ ROOT_64, "\"1\"", "-5", "negative treeSize" },
		{ ROOT_64, "\"1\"", "\"x\"", "treeSize" },
	};

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		shard(a, sizeof(a), bad[i].root, bad[i].tid, bad[i].size);
		cr_assert_neq(info(a, &li, msg), SGN_OK, "case %zu", i);
		cr_assert(strstr(msg, bad[i].want) != NULL, "case %zu: %s", i,
		    msg);
		cr_assert_null(li.active.checkpoint);
	}
	/* missing members */
	cr_assert_eq(info("{}", &li, msg), SGN_ERR_PARSE);
	cr_assert_eq(info("[]", &li, msg), SGN_ERR_PARSE);
	/* a duplicated member */
	shard(a, sizeof(a), ROOT_64, "\"1\"", "5");
	snprintf(doc, sizeof(doc), "%.*s,\"treeSize\":6}", (int)strlen(a) - 1,
	    a);
	cr_assert_neq(info(doc, &li, msg), SGN_OK);
	/* an inactive shard that is not an object */
	snprintf(doc, sizeof(doc), "%.*s,\"inactiveShards\":[1]}",
	    (int)strlen(a) - 1, a);
	cr_assert_eq(info(doc, &li, msg), SGN_ERR_PARSE);
	cr_assert(strstr(msg, "inactiveShards[0]") != NULL, "%s", msg);
	/* too many shards */
	{
		size_t o = (size_t)snprintf(doc, sizeof(doc),
		    "%.*s,\"inactiveShards\":[", (int)strlen(a) - 1, a);

		for (i = 0; i <= SGN_REKOR_MAX_SHARDS; i++)
			o += (size_t)snprintf(doc + o, sizeof(doc) - o, "%s{}",
			    i > 0 ? "," : "");
		snprintf(doc + o, sizeof(doc) - o, "]}");
		cr_assert_eq(info(doc, &li, msg), SGN_ERR_LIMIT, "%s", msg);
	}
}

static sgn_err
proof(const char *json, uint8_t root[32], uint8_t (*h)[32], size_t *n,
    char *msg)
{
	struct sgn_errbuf eb;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	r = sgn_rekor_v1_proof_parse((const uint8_t *)json, strlen(json),
	    root, h, n, &eb);
	memcpy(msg, eb.msg, sizeof(eb.msg));
	return r;
}

Test(rekor_read, consistency_proof_replies_parse_strictly)
{
	uint8_t root[32], h[SGN_TLOG_MAX_PROOF][32];
	char doc[8192], msg[SGN_ERRBUF_SIZE];
	size_t n = 99, i, o;

	cr_assert_eq(proof("{\"rootHash\":\"" ROOT_64 "\",\"hashes\":[\""
	    HASH_64 "\",\"" ROOT_64 "\"]}", root, h, &n, msg), SGN_OK, "%s",
	    msg);
	cr_assert_eq(n, 2);
	cr_assert_eq(root[0], 0xa3);
	cr_assert_eq(h[0][1], 0x11);
	cr_assert_eq(h[1][0], 0xa3);
	/* equal sizes: no hashes at all */
	cr_assert_eq(proof("{\"rootHash\":\"" ROOT_64 "\"}", root, h, &n,
	    msg), SGN_OK);
	cr_assert_eq(n, 0);
	cr_assert_eq(proof("{\"hashes\":[]}", root, h, &n, msg),
	    SGN_ERR_PARSE);
	cr_assert_eq(proof("{\"rootHash\":\"abc\"}", root, h, &n, msg),
	    SGN_ERR_PARSE);
	cr_assert_eq(proof("{\"rootHash\":\"" ROOT_64 "\",\"hashes\":[\"ab\"]}",
	    root, h, &n, msg), SGN_ERR_PARSE);
	cr_assert(strstr(msg, "hash 0 is not 64 hex digits") != NULL, "%s",
	    msg);
	cr_assert_eq(proof("{\"rootHash\":\"" ROOT_64 "\",\"hashes\":[1]}",
	    root, h, &n, msg), SGN_ERR_PARSE);
	cr_assert_eq(proof("{\"rootHash\":\"" ROOT_64 "\",\"hashes\":{}}",
	    root, h, &n, msg), SGN_ERR_PARSE);
	cr_assert_eq(proof("[]", root, h, &n, msg), SGN_ERR_PARSE);
	o = (size_t)snprintf(doc, sizeof(doc), "{\"rootHash\":\"" ROOT_64
	    "\",\"hashes\":[");
	for (i = 0; i <= SGN_TLOG_MAX_PROOF; i++)
		o += (size_t)snprintf(doc + o, sizeof(doc) - o, "%s\"" HASH_64
		    "\"", i > 0 ? "," : "");
	snprintf(doc + o, sizeof(doc) - o, "]}");
	cr_assert_eq(proof(doc, root, h, &n, msg), SGN_ERR_LIMIT, "%s", msg);
}

/* Verification on production data ----------------------------------- */

static struct sgn_trusted_root *
load_root(void)
{
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_trusted_root_load(VEC "trusted_root.json", &r, &eb),
	    SGN_OK, "%s", eb.msg);
	return r;
}

static const struct sgn_log *
tlog_at(const struct sgn_trusted_root *r, const char *url)
{
	const struct sgn_log *l;
	size_t n, i;

	l = sgn_trusted_root_tlogs(r, &n);
	for (i = 0; i < n; i++)
		if (strcmp(l[i].base_url, url) == 0)
			return &l[i];
	cr_assert_fail("no log %s", url);
	return NULL;
}

static struct sgn_bundle *
load_bundle(const char *path)
{
	struct sgn_bundle *b = NULL;
	struct sgn_errbuf eb;
	size_t len;
	uint8_t *p = tu_read(path, &len);

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_bundle_parse(p, len, &b, &eb), SGN_OK, "%s",
	    eb.msg);
	free(p);
	return b;
}

Test(rekor_read, production_entries_verify_and_each_break_fails)
{
	struct sgn_trusted_root *root = load_root();
	const struct sgn_log *v1 = tlog_at(root, "https://rekor.sigstore.dev");
	const struct sgn_log *v2 = tlog_at(root,
	    "https://log2025-1.rekor.sigstore.dev");
	struct sgn_bundle *b1 = load_bundle(VEC "rekor-v1-hashedrekord/"
	    "bundle.sigstore.json");
	struct sgn_bundle *b2 = load_bundle(VEC "rekor-v2-hashedrekord/"
	    "bundle.sigstore.json");
	struct sgn_tlog_entry *e = &b1->entries[0];
	struct sgn_rekor_body *body = NULL;
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_entry_verify(v1, e, &body, &cp, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(body->kind, SGN_REKOR_HASHEDREKORD_001);
	cr_assert_eq(cp->size, (uint64_t)e->tree_size);
	sgn_rekor_body_free(&body);
	sgn_checkpoint_free(&cp);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_entry_verify(v2, &b2->entries[0], &body, &cp,
	    &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(body->kind, SGN_REKOR_HASHEDREKORD_002);
	sgn_rekor_body_free(&body);
	sgn_checkpoint_free(&cp);

	/* another log's key: the log ID does not match */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_entry_verify(v2, e, &body, &cp, &eb),
	    SGN_ERR_VERIFY);
	cr_assert(strstr(eb.msg, "log ID") != NULL, "%s", eb.msg);
	cr_assert_null(body);
	cr_assert_null(cp);
	/* a flipped audit-path hash */
	e->hashes[0][3] ^= 1;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_entry_verify(v1, e, &body, &cp, &eb),
	    SGN_ERR_VERIFY);
	cr_assert(strstr(eb.msg, "inclusion proof") != NULL, "%s", eb.msg);
	e->hashes[0][3] ^= 1;
	/* a SET over another index */
	e->log_index++;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_entry_verify(v1, e, &body, &cp, &eb),
	    SGN_ERR_VERIFY);
	cr_assert(strstr(eb.msg, "signed entry timestamp") != NULL, "%s",
	    eb.msg);
	e->log_index--;
	/* a proof for another tree than the checkpoint's */
	e->tree_size++;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_entry_verify(v1, e, &body, &cp, &eb),
	    SGN_ERR_VERIFY);
	cr_assert(strstr(eb.msg, "not the checkpoint's") != NULL, "%s",
	    eb.msg);
	e->tree_size--;
	/* the body changed, even into one signet cannot read: the SET
	 * (and the leaf) no longer verify, which wins over the body error */
	e->body.ptr[e->body.len - 2] ^= 0x20;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_entry_verify(v1, e, &body, &cp, &eb),
	    SGN_ERR_VERIFY, "%s", eb.msg);
	e->body.ptr[e->body.len - 2] ^= 0x20;
	e->body.ptr[0] = '[';
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_entry_verify(v1, e, &body, &cp, &eb),
	    SGN_ERR_VERIFY, "%s", eb.msg);
	cr_assert(strstr(eb.msg, "signed entry timestamp") != NULL, "%s",
	    eb.msg);
	e->body.ptr[0] = '{';
	cr_assert_eq(sgn_rekor_entry_verify(v1, e, &body, &cp, &eb), SGN_OK);
	sgn_rekor_body_free(&body);
	sgn_checkpoint_free(&cp);
	sgn_bundle_free(&b1);
	sgn_bundle_free(&b2);
	sgn_trusted_root_free(&root);
}

Test(rekor_read, checkpoints_verify_only_with_the_log_key_and_origin)
{
	struct sgn_trusted_root *root = load_root();
	const struct sgn_log *v1 = tlog_at(root, "https://rekor.sigstore.dev");
	const struct sgn_log *v2 = tlog_at(root,
	    "https://log2025-1.rekor.sigstore.dev");
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf eb;
	size_t l1, l2;
	char *n1 = (char *)tu_read(VEC "checkpoints/rekor.sigstore.dev-"
	    "tree2605736670972794746.note", &l1);
	char *n2 = (char *)tu_read(VEC "checkpoints/"
	    "log2025-1.rekor.sigstore.dev.note", &l2);

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_checkpoint_verify(v1, 0, "2605736670972794746",
	    n1, l1, &cp, &eb), SGN_OK, "%s", eb.msg);
	sgn_checkpoint_free(&cp);
	cr_assert_eq(sgn_rekor_checkpoint_verify(v2, 1, NULL, n2, l2, &cp,
	    &eb), SGN_OK, "%s", eb.msg);
	sgn_checkpoint_free(&cp);
	/* another tree ID than the log's */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_checkpoint_verify(v1, 0, "1193050959916656506",
	    n1, l1, &cp, &eb), SGN_ERR_VERIFY);
	cr_assert(strstr(eb.msg, "is not tree 1193050959916656506") != NULL,
	    "%s", eb.msg);
	/* each log's note with the other's key */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_checkpoint_verify(v2, 0, NULL, n1, l1, &cp,
	    &eb), SGN_ERR_VERIFY);
	cr_assert(strstr(eb.msg, "no signature from") != NULL, "%s", eb.msg);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_checkpoint_verify(v1, 1, NULL, n2, l2, &cp,
	    &eb), SGN_ERR_VERIFY);
	cr_assert(strstr(eb.msg, "origin") != NULL, "%s", eb.msg);
	/* a v1 origin without a tree ID */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_checkpoint_verify(v2, 0, NULL, n2, l2, &cp,
	    &eb), SGN_ERR_VERIFY);
	cr_assert_null(cp);
	free(n1);
	free(n2);
	sgn_trusted_root_free(&root);
}

/*
 * watch's pre-filter: a production certificate holds the bytes of its SAN
 * and of its Fulcio extensions (found here through pkg/x509's parse), and
 * not those of a string differing in one byte; a 0 is what lets watch
 * skip the parse, so a SAN it misses would be a missed match.
 */
Test(rekor_read, der_holds_what_the_certificate_carries_and_nothing_else)
{
	struct sgn_bundle *b = load_bundle(VEC "rekor-v2-hashedrekord/"
	    "bundle.sigstore.json");
	struct sgn_rekor_body *body = NULL;
	struct sgn_cert *cert = NULL;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	const char *s[2];
	char *iss = NULL, *other;
	size_t n = 0, len;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_body_parse(b->entries[0].body.ptr,
	    b->entries[0].body.len, &body, &eb), SGN_OK, "%s", eb.msg);
	cr_assert(body->verifier_is_cert);
	cr_assert_eq(sgn_cert_from_der(body->verifier, body->verifier_len,
	    &cert, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_cert_sans(cert, &sans, &n, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_eq(sgn_cert_oidc_issuer(cert, &iss, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert(n > 0 && iss != NULL);
	s[0] = sans[0].value;
	cr_assert_eq(sgn_rekor_der_holds(body->verifier, body->verifier_len,
	    s, 1), 1, "the SAN %s", s[0]);
	s[0] = iss;
	cr_assert_eq(sgn_rekor_der_holds(body->verifier, body->verifier_len,
	    s, 1), 1, "the issuer %s", s[0]);
	/* one byte changed, first or last: absent */
	len = strlen(sans[0].value);
	other = strdup(sans[0].value);
	cr_assert_not_null(other);
	other[len - 1] ^= 1;
	s[0] = other;
	cr_assert_eq(sgn_rekor_der_holds(body->verifier, body->verifier_len,
	    s, 1), 0);
	other[len - 1] ^= 1;
	other[0] ^= 1;
	cr_assert_eq(sgn_rekor_der_holds(body->verifier, body->verifier_len,
	    s, 1), 0);
	/* any of several; none given is none held */
	s[1] = sans[0].value;
	cr_assert_eq(sgn_rekor_der_holds(body->verifier, body->verifier_len,
	    s, 2), 1);
	cr_assert_eq(sgn_rekor_der_holds(body->verifier, body->verifier_len,
	    s, 0), 0);
	free(other);
	free(iss);
	sgn_sans_free(&sans, &n);
	sgn_cert_free(&cert);
	sgn_rekor_body_free(&body);
	sgn_bundle_free(&b);
}
