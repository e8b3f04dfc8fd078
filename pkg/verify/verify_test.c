/*
 * Unit tests for pkg/verify: the real production vectors verify, and for
 * each verified field a test tampers that field and demands a rejection
 * that names it.  Identity policy, time rules and subjects by digest too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "bundle.h"
#include "testutil.h"
#include "trust.h"
#include "verify.h"

#define VEC "testdata/vectors/"
#define PROD_ROOT VEC "trusted_root.json"
#define BEACON "https://github.com/sigstore-conformance/" \
    "extremely-dangerous-public-oidc-beacon/.github/workflows/" \
    "extremely-dangerous-oidc-beacon.yml@refs/heads/main"
#define GH_ISSUER "https://token.actions.githubusercontent.com"
#define V2_ID "https://github.com/tkgsn/sigstore-public-good-instance-test/" \
    ".github/workflows/rekor-v2.yml@refs/heads/main"

struct vector {
	const char	*dir;
	const char	*root;
	const char	*identity;
};

static const struct vector V1 = { VEC "rekor-v1-hashedrekord", PROD_ROOT,
    BEACON };
static const struct vector V01 = { VEC "rekor-v1-bundle-v0.1", PROD_ROOT,
    BEACON };
static const struct vector V2 = { VEC "rekor-v2-hashedrekord", PROD_ROOT,
    V2_ID };
static const struct vector VDSSE = { VEC "dsse-rekor-v1", PROD_ROOT,
    BEACON };

struct outcome {
	sgn_err				 r;
	struct sgn_verify_result	 res;
	struct sgn_errbuf		 eb;
};

static cJSON *
vec_bundle(const struct vector *v)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/bundle.sigstore.json", v->dir);
	return tu_load_json(path);
}

/* Verifies a bundle tree against a root tree with a policy. */
static void
run_tree(const cJSON *bundle, const cJSON *root, const char *artifact,
    const struct sgn_artifact *art_in, const struct sgn_policy *pol,
    int64_t now, struct outcome *o)
{
	char *bs = cJSON_PrintUnformatted(bundle);
	char *rs = cJSON_PrintUnformatted(root);
	struct sgn_trusted_root *tr = NULL;
	struct sgn_verifier *v = NULL;
	struct sgn_bundle *b = NULL;
	struct sgn_artifact art;

	memset(o, 0, sizeof(*o));
	o->res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	cr_assert_eq(sgn_trusted_root_parse((uint8_t *)rs, strlen(rs), &tr,
	    &o->eb), SGN_OK, "root: %s", o->eb.msg);
	cr_assert_eq(sgn_verifier_new(tr, &v, NULL), SGN_OK);
	if (now != 0)
		sgn_verifier_set_now(v, now);
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	if (art_in != NULL)
		art = *art_in;
	else
		art.path = artifact;
	o->r = sgn_bundle_parse((uint8_t *)bs, strlen(bs), &b, &o->eb);
	if (o->r == SGN_OK)
		o->r = sgn_verify(v, b, &art, pol, &o->res, &o->eb);
	sgn_bundle_free(&b);
	sgn_verifier_free(&v);
	sgn_trusted_root_free(&tr);
	free(bs);
	free(rs);
}

static void
keyless(struct sgn_policy *p, const char *identity)
{
	*p = (struct sgn_policy)SGN_POLICY_INIT;
	p->identity = identity;
	p->issuer = GH_ISSUER;
}

static void
run_vec(const struct vector *v, void (*mutate)(cJSON *),
    void (*mutate_root)(cJSON *), struct outcome *o)
{
	cJSON *b = vec_bundle(v), *root = tu_load_json(v->root);
	struct sgn_policy pol = SGN_POLICY_INIT;
	char art[256];

	if (mutate != NULL)
		mutate(b);
	if (mutate_root != NULL)
		mutate_root(root);
	keyless(&pol, v->identity);
	snprintf(art, sizeof(art), "%s/artifact", v->dir);
	run_tree(b, root, art, NULL, &pol, 0, o);
	cJSON_Delete(b);
	cJSON_Delete(root);
}

static void
expect_fail(const struct vector *v, void (*mutate)(cJSON *),
    void (*mutate_root)(cJSON *), const char *check, const char *names)
{
	struct outcome o;

	run_vec(v, mutate, mutate_root, &o);
	cr_assert_neq(o.r, SGN_OK, "tampered bundle verified (%s)", names);
	cr_assert_eq(sgn_err_exit_status(o.r), 1, "exit status for %s: %s",
	    names, o.eb.msg);
	if (check != NULL)
		cr_assert_str_eq(o.res.check, check, "check \"%s\" (%s), "
		    "wanted \"%s\"", o.res.check, o.eb.msg, check);
	cr_assert(tu_has(o.eb.msg, names), "message \"%s\" does not name "
	    "\"%s\"", o.eb.msg, names);
	sgn_verify_result_reset(&o.res);
}

/* Tampering helpers ------------------------------------------------------ */

static cJSON *
at(cJSON *j, const char *path)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok != NULL;
	    tok = strtok_r(NULL, ".", &save)) {
		char *br = strchr(tok, '[');
		if (br != NULL) {
			*br = '\0';
			j = cJSON_GetObjectItemCaseSensitive(j, tok);
			j = cJSON_GetArrayItem(j,
			    (int)strtol(br + 1, NULL, 10));
		} else {
			j = cJSON_GetObjectItemCaseSensitive(j, tok);
		}
		cr_assert_not_null(j, "no %s in %s", tok, path);
	}
	return j;
}

/* Flips one bit of byte `pos` (negative: from the end) of a base64 field
 * of the object holding it. */
static void
flip_b64(cJSON *obj, const char *key, long pos)
{
	cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, key);
	uint8_t *d = NULL;
	size_t n = 0;
	char *enc = NULL;

	cr_assert(cJSON_IsString(s), "%s not a string", key);
	cr_assert_eq(sgn_b64_decode(s->valuestring, strlen(s->valuestring),
	    &d, &n, NULL), SGN_OK);
	if (pos < 0)
		pos += (long)n;
	cr_assert(pos >= 0 && (size_t)pos < n);
	d[pos] ^= 0x01;
	cr_assert_eq(sgn_b64_encode(d, n, &enc, NULL), SGN_OK);
	cJSON_ReplaceItemInObjectCaseSensitive(obj, key,
	    cJSON_CreateString(enc));
	free(d);
	free(enc);
}

static void
set_str(cJSON *obj, const char *key, const char *val)
{
	cJSON_ReplaceItemInObjectCaseSensitive(obj, key,
	    cJSON_CreateString(val));
}

static cJSON *
e0(cJSON *b)
{
	return at(b, "verificationMaterial.tlogEntries[0]");
}

static void
t_signature(cJSON *b)
{
	flip_b64(at(b, "messageSignature"), "signature", 10);
}

static void
t_digest(cJSON *b)
{
	flip_b64(at(b, "messageSignature.messageDigest"), "digest", 0);
}

/* Changes one hex digit of the logged digest: still valid JSON. */
static void
t_body_digest(cJSON *b)
{
	cJSON *e = e0(b);
	cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "canonicalizedBody");
	uint8_t *d = NULL;
	size_t n = 0;
	char *enc = NULL, *p;

	cr_assert_eq(sgn_b64_decode(s->valuestring, strlen(s->valuestring),
	    &d, &n, NULL), SGN_OK);
	p = strstr((char *)d, "\"value\":\"");
	if (p == NULL)
		p = strstr((char *)d, "\"digest\":\"");
	cr_assert_not_null(p);
	p = strchr(p, ':') + 2;
	*p = *p == 'a' ? 'b' : 'a';
	cr_assert_eq(sgn_b64_encode(d, n, &enc, NULL), SGN_OK);
	set_str(e, "canonicalizedBody", enc);
	free(d);
	free(enc);
}

static void
t_body_byte(cJSON *b)
{
	flip_b64(e0(b), "canonicalizedBody", 1);
}

static int proof_hash_index;

static void
t_proof_hash(cJSON *b)
{
	cJSON *h = at(e0(b), "inclusionProof.hashes");
	cJSON *item = cJSON_GetArrayItem(h, proof_hash_index);
	uint8_t *d = NULL;
	size_t n = 0;
	char *enc = NULL;

	cr_assert_not_null(item);
	cr_assert_eq(sgn_b64_decode(item->valuestring,
	    strlen(item->valuestring), &d, &n, NULL), SGN_OK);
	d[proof_hash_index % 32] ^= 0x80;
	cr_assert_eq(sgn_b64_encode(d, n, &enc, NULL), SGN_OK);
	cJSON_ReplaceItemInArray(h, proof_hash_index, cJSON_CreateString(enc));
	free(d);
	free(enc);
}

static void
t_root_hash(cJSON *b)
{
	flip_b64(at(e0(b), "inclusionProof"), "rootHash", 5);
}

static void
t_tree_size(cJSON *b)
{
	cJSON *p = at(e0(b), "inclusionProof");
	const char *s = at(p, "treeSize")->valuestring;
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", strtoll(s, NULL, 10) + 1);
	set_str(p, "treeSize", buf);
}

static void
t_proof_index(cJSON *b)
{
	cJSON *p = at(e0(b), "inclusionProof");
	const char *s = at(p, "logIndex")->valuestring;
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", strtoll(s, NULL, 10) - 1);
	set_str(p, "logIndex", buf);
}

/* Flips a character of the base64 signature on the checkpoint's last
 * signature line. */
static void
t_checkpoint_sig(cJSON *b)
{
	cJSON *cp = at(e0(b), "inclusionProof.checkpoint");
	char *env = strdup(at(cp, "envelope")->valuestring);
	size_t n = strlen(env);

	cr_assert_gt(n, 20);
	env[n - 10] = env[n - 10] == 'A' ? 'B' : 'A';
	set_str(cp, "envelope", env);
	free(env);
}

/* Changes the root hash inside the signed checkpoint text. */
static void
t_checkpoint_text(cJSON *b)
{
	cJSON *cp = at(e0(b), "inclusionProof.checkpoint");
	char *env = strdup(at(cp, "envelope")->valuestring);
	char *line = strchr(strchr(env, '\n') + 1, '\n') + 1;

	line[3] = line[3] == 'A' ? 'B' : 'A';
	set_str(cp, "envelope", env);
	free(env);
}

static void
t_set(cJSON *b)
{
	flip_b64(at(e0(b), "inclusionPromise"), "signedEntryTimestamp", 12);
}

static void
t_integrated_time(cJSON *b)
{
	cJSON *e = e0(b);
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld",
	    strtoll(at(e, "integratedTime")->valuestring, NULL, 10) + 1);
	set_str(e, "integratedTime", buf);
}

static void
t_log_index(cJSON *b)
{
	cJSON *e = e0(b);
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld",
	    strtoll(at(e, "logIndex")->valuestring, NULL, 10) + 1);
	set_str(e, "logIndex", buf);
}

static void
t_log_id(cJSON *b)
{
	flip_b64(at(e0(b), "logId"), "keyId", 0);
}

static void
t_kind_version(cJSON *b)
{
	set_str(at(e0(b), "kindVersion"), "version", "0.0.9");
}

static void
t_timestamp(cJSON *b)
{
	flip_b64(at(b, "verificationMaterial.timestampVerificationData."
	    "rfc3161Timestamps[0]"), "signedTimestamp", -20);
}

static void
t_no_timestamp(cJSON *b)
{
	cJSON_DeleteItemFromObjectCaseSensitive(at(b, "verificationMaterial"),
	    "timestampVerificationData");
}

static void
t_certificate(cJSON *b)
{
	flip_b64(at(b, "verificationMaterial.certificate"), "rawBytes", -30);
}

static void
t_chain_certificate(cJSON *b)
{
	flip_b64(at(b, "verificationMaterial.x509CertificateChain."
	    "certificates[0]"), "rawBytes", -30);
}

static void
t_dsse_payload(cJSON *b)
{
	flip_b64(at(b, "dsseEnvelope"), "payload", 30);
}

static void
t_dsse_signature(cJSON *b)
{
	flip_b64(at(b, "dsseEnvelope.signatures[0]"), "sig", 10);
}

static void
t_dsse_type(cJSON *b)
{
	set_str(at(b, "dsseEnvelope"), "payloadType", "application/json");
}

/* Trusted-root edits ---------------------------------------------------- */

/* Gives every CT log the key of the other one (IDs unchanged): the SCT
 * then cannot verify. */
static void
r_swap_ct_keys(cJSON *root)
{
	cJSON *logs = at(root, "ctlogs");
	cJSON *k0 = at(cJSON_GetArrayItem(logs, 0), "publicKey");
	cJSON *k1 = at(cJSON_GetArrayItem(logs, 1), "publicKey");
	char *a = strdup(at(k0, "rawBytes")->valuestring);

	set_str(k0, "rawBytes", at(k1, "rawBytes")->valuestring);
	set_str(k1, "rawBytes", a);
	free(a);
}

static void
r_no_ct_logs(cJSON *root)
{
	cJSON_DeleteItemFromObjectCaseSensitive(root, "ctlogs");
}

/* Ends the Rekor v1 log's validity one second before the vector's
 * integrated time. */
static void
r_v1_log_ended(cJSON *root)
{
	cJSON *pk = at(root, "tlogs[0].publicKey");

	cJSON_AddItemToObject(at(pk, "validFor"), "end",
	    cJSON_CreateString("2024-03-19T17:26:25Z"));
}

static void
r_v1_log_ends_exactly(cJSON *root)
{
	cJSON *pk = at(root, "tlogs[0].publicKey");

	cJSON_AddItemToObject(at(pk, "validFor"), "end",
	    cJSON_CreateString("2024-03-19T17:26:26Z"));
}

static void
r_ca_ended(cJSON *root)
{
	cJSON *ca = at(root, "certificateAuthorities[1]");

	cJSON_AddItemToObject(at(ca, "validFor"), "end",
	    cJSON_CreateString("2024-01-01T00:00:00Z"));
}

static void
r_tsa_ended(cJSON *root)
{
	cJSON *ca = at(root, "timestampAuthorities[0]");

	cJSON_AddItemToObject(at(ca, "validFor"), "end",
	    cJSON_CreateString("2026-07-26T01:42:17Z"));
}

static void
r_no_tsa(cJSON *root)
{
	cJSON_DeleteItemFromObjectCaseSensitive(root, "timestampAuthorities");
}

static void
r_no_cas(cJSON *root)
{
	cJSON_DeleteItemFromObjectCaseSensitive(root,
	    "certificateAuthorities");
}

/* The tests ------------------------------------------------------------- */

static void
expect_ok(const struct vector *v)
{
	struct outcome o;

	run_vec(v, NULL, NULL, &o);
	cr_assert_eq(o.r, SGN_OK, "%s: %s", v->dir, o.eb.msg);
	cr_assert(o.res.verified);
	cr_assert_str_eq(o.res.identity, v->identity);
	cr_assert_str_eq(o.res.issuer, GH_ISSUER);
	sgn_verify_result_reset(&o.res);
}

Test(verify, accepts_the_production_vectors)
{
	expect_ok(&V1);
	expect_ok(&V01);
	expect_ok(&V2);
	expect_ok(&VDSSE);
}

Test(verify, reports_what_it_verified)
{
	struct outcome o;

	run_vec(&V1, NULL, NULL, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	cr_assert_eq(o.res.log_index, 79571823);
	cr_assert(o.res.has_integrated_time);
	cr_assert_eq(o.res.integrated_time, 1710869186);
	cr_assert_str_eq(o.res.log_url, "https://rekor.sigstore.dev");
	cr_assert_eq(o.res.bundle_version, 3);
	cr_assert_eq(o.res.identity_type, SGN_SAN_URI);
	sgn_verify_result_reset(&o.res);

	run_vec(&V2, NULL, NULL, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	cr_assert_eq(o.res.log_index, 40335848);
	cr_assert(!o.res.has_integrated_time);
	cr_assert_eq(o.res.n_timestamps, 1);
	cr_assert_str_eq(o.res.log_url,
	    "https://log2025-1.rekor.sigstore.dev");
	sgn_verify_result_reset(&o.res);
}

Test(verify, names_a_tampered_signature)
{
	expect_fail(&V1, t_signature, NULL, NULL, "signature");
	expect_fail(&V01, t_signature, NULL, NULL, "signature");
	expect_fail(&V2, t_signature, NULL, NULL, "signature");
	expect_fail(&VDSSE, t_dsse_signature, NULL, NULL, "signature");
}

Test(verify, names_a_tampered_digest)
{
	expect_fail(&V1, t_digest, NULL, "digest", "digest");
	expect_fail(&V01, t_digest, NULL, "digest", "digest");
	expect_fail(&V2, t_digest, NULL, "digest", "digest");
}

Test(verify, names_a_tampered_body)
{
	expect_fail(&V1, t_body_digest, NULL, "tlog body", "digest");
	expect_fail(&V1, t_body_byte, NULL, "tlog body", "body");
	expect_fail(&V01, t_body_digest, NULL, "tlog body", "digest");
	expect_fail(&V2, t_body_digest, NULL, "tlog body", "digest");
	expect_fail(&V2, t_body_byte, NULL, "tlog body", "body");
	expect_fail(&VDSSE, t_body_byte, NULL, "tlog body", "body");
	expect_fail(&VDSSE, t_dsse_payload, NULL, "tlog body",
	    "payload hash");
}

static void
each_proof_hash(const struct vector *v, int n)
{
	for (proof_hash_index = 0; proof_hash_index < n; proof_hash_index++)
		expect_fail(v, t_proof_hash, NULL, "inclusion proof",
		    "root hash");
}

Test(verify, names_each_tampered_proof_hash)
{
	each_proof_hash(&V1, 11);
	each_proof_hash(&V2, 20);
	each_proof_hash(&VDSSE, 1);
}

Test(verify, names_a_tampered_root_hash_and_tree_size)
{
	expect_fail(&V1, t_root_hash, NULL, "inclusion proof", "root hash");
	expect_fail(&V2, t_root_hash, NULL, "inclusion proof", "root hash");
	expect_fail(&V1, t_tree_size, NULL, "inclusion proof", "tree size");
	expect_fail(&V2, t_tree_size, NULL, "inclusion proof", "tree size");
	expect_fail(&V1, t_proof_index, NULL, "inclusion proof",
	    "inclusion proof");
	expect_fail(&V2, t_proof_index, NULL, "inclusion proof",
	    "log index");
}

Test(verify, names_a_tampered_checkpoint)
{
	expect_fail(&V1, t_checkpoint_sig, NULL, "checkpoint", "signature");
	expect_fail(&V2, t_checkpoint_sig, NULL, "checkpoint", "signature");
	expect_fail(&V1, t_checkpoint_text, NULL, "checkpoint", "signature");
	expect_fail(&V2, t_checkpoint_text, NULL, "checkpoint", "signature");
}

Test(verify, names_a_tampered_set)
{
	expect_fail(&V1, t_set, NULL, "SET", "SET");
	expect_fail(&V01, t_set, NULL, "SET", "SET");
	expect_fail(&VDSSE, t_set, NULL, "SET", "SET");
	expect_fail(&V1, t_integrated_time, NULL, "SET", "SET");
	expect_fail(&V1, t_log_index, NULL, "SET", "SET");
}

Test(verify, names_a_tampered_timestamp)
{
	expect_fail(&V2, t_timestamp, NULL, "timestamp", "timestamp");
	expect_fail(&V2, t_no_timestamp, NULL, "timestamp", "timestamp");
	expect_fail(&V2, NULL, r_no_tsa, "timestamp", "timestamp");
}

Test(verify, names_a_tampered_certificate)
{
	expect_fail(&V1, t_certificate, NULL, NULL, "certificate");
	expect_fail(&V01, t_chain_certificate, NULL, NULL, "certificate");
	expect_fail(&V2, t_certificate, NULL, NULL, "certificate");
	expect_fail(&V1, NULL, r_no_cas, "certificate", "certificate");
}

Test(verify, names_a_bad_sct)
{
	expect_fail(&V1, NULL, r_swap_ct_keys, "SCT", "SCT");
	expect_fail(&V2, NULL, r_swap_ct_keys, "SCT", "SCT");
	expect_fail(&V1, NULL, r_no_ct_logs, "SCT", "SCT");
}

Test(verify, rejects_entries_from_unknown_logs)
{
	expect_fail(&V1, t_log_id, NULL, "tlog", "trusted root");
	expect_fail(&V1, t_kind_version, NULL, "tlog body", "kindVersion");
}

Test(verify, checks_dsse_payload_types)
{
	expect_fail(&VDSSE, t_dsse_type, NULL, NULL, "signature");
}

Test(verify, holds_validity_windows_inclusive)
{
	struct outcome o;

	expect_fail(&V1, NULL, r_v1_log_ended, "tlog", "validity");
	run_vec(&V1, NULL, r_v1_log_ends_exactly, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	expect_fail(&V1, NULL, r_ca_ended, "certificate", "validity");
	expect_fail(&V2, NULL, r_tsa_ended, "timestamp", "validity");
}

Test(verify, refuses_integrated_times_in_the_future)
{
	cJSON *b = vec_bundle(&V1), *root = tu_load_json(PROD_ROOT);
	struct sgn_policy pol = SGN_POLICY_INIT;
	struct outcome o;

	keyless(&pol, BEACON);
	run_tree(b, root, VEC "rekor-v1-hashedrekord/artifact", NULL, &pol,
	    1710869186 - 3600, &o);
	cr_assert_neq(o.r, SGN_OK);
	cr_assert(tu_has(o.eb.msg, "in the future"), "%s", o.eb.msg);
	cJSON_Delete(b);
	cJSON_Delete(root);
}

static void
run_policy(const struct vector *v, const struct sgn_policy *pol,
    struct outcome *o)
{
	cJSON *b = vec_bundle(v), *root = tu_load_json(v->root);
	char art[256];

	snprintf(art, sizeof(art), "%s/artifact", v->dir);
	run_tree(b, root, art, NULL, pol, 0, o);
	cJSON_Delete(b);
	cJSON_Delete(root);
}

Test(verify, enforces_the_identity_policy)
{
	struct sgn_policy pol = SGN_POLICY_INIT;
	struct outcome o;

	keyless(&pol, "https://github.com/someone/else");
	run_policy(&V1, &pol, &o);
	cr_assert_eq(o.r, SGN_ERR_POLICY);
	cr_assert_str_eq(o.res.check, "identity");
	cr_assert(tu_has(o.eb.msg, "certificate identity mismatch: expected "
	    "https://github.com/someone/else, got https://github.com/"
	    "sigstore-conformance"), "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);

	keyless(&pol, BEACON);
	pol.issuer = "https://accounts.google.com";
	run_policy(&V1, &pol, &o);
	cr_assert_eq(o.r, SGN_ERR_POLICY);
	cr_assert_str_eq(o.res.check, "issuer");
	cr_assert(tu_has(o.eb.msg, "issuer mismatch"), "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
}

Test(verify, matches_identities_by_anchored_regexp)
{
	struct sgn_policy pol;
	struct outcome o;

	pol = (struct sgn_policy)SGN_POLICY_INIT;
	pol.identity_regexp = "https://github\\.com/sigstore-conformance/.*";
	pol.issuer_regexp = "https://token\\.actions\\.githubusercontent\\.com";
	run_policy(&V1, &pol, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);

	/* Anchored: a pattern matching only a part does not match, and
	 * the message says how to match a prefix. */
	pol.identity_regexp = "https://github\\.com/sigstore-conformance/";
	run_policy(&V1, &pol, &o);
	cr_assert_eq(o.r, SGN_ERR_POLICY, "%s", o.eb.msg);
	cr_assert_str_eq(o.res.check, "identity");
	cr_assert_str_eq(o.eb.msg, "identity: certificate identity mismatch: "
	    "got " BEACON ", expected a match for the whole identity "
	    "(anchored) of https://github\\.com/sigstore-conformance/; add "
	    ".* to match a prefix");
	sgn_verify_result_reset(&o.res);

	pol.identity_regexp = ".*";
	pol.issuer_regexp = "https://token";
	run_policy(&V1, &pol, &o);
	cr_assert_eq(o.r, SGN_ERR_POLICY, "%s", o.eb.msg);
	cr_assert_str_eq(o.res.check, "issuer");
	cr_assert_str_eq(o.eb.msg, "issuer: certificate issuer mismatch: got "
	    GH_ISSUER ", expected a match for the whole issuer (anchored) of "
	    "https://token; add .* to match a prefix");
	sgn_verify_result_reset(&o.res);
}

/* A pattern that cannot be used is the caller's error (exit 2), found
 * before the bundle is looked at: here the bundle would verify. */
Test(verify, refuses_an_invalid_regexp_in_the_policy)
{
	struct sgn_policy pol;
	struct outcome o;

	pol = (struct sgn_policy)SGN_POLICY_INIT;
	pol.identity_regexp = "https://github\\.com/(sigstore-conformance";
	pol.issuer = GH_ISSUER;
	run_policy(&V1, &pol, &o);
	cr_assert_eq(o.r, SGN_ERR_INVALID_ARGUMENT, "%s", o.eb.msg);
	cr_assert_eq(sgn_err_exit_status(o.r), 2);
	cr_assert(!o.res.verified);
	cr_assert(tu_has(o.eb.msg, "policy: identity regexp: invalid regular "
	    "expression"), "%s", o.eb.msg);
	cr_assert(tu_has(o.eb.msg, "missing closing parenthesis at offset "
	    "41"), "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);

	pol.identity_regexp = ".*";
	pol.issuer = NULL;
	pol.issuer_regexp = "https://token\\.actions\\.\\q";
	run_policy(&V1, &pol, &o);
	cr_assert_eq(o.r, SGN_ERR_INVALID_ARGUMENT, "%s", o.eb.msg);
	cr_assert(tu_has(o.eb.msg, "policy: issuer regexp: invalid regular "
	    "expression"), "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
}

/* A match limit hit gives no verdict: exit 2, never a pass or a plain
 * mismatch, whichever SAN or issuer it happens on. */
Test(verify, a_regexp_match_limit_is_an_error, .timeout = 10)
{
	struct sgn_policy pol;
	struct outcome o;

	pol = (struct sgn_policy)SGN_POLICY_INIT;
	pol.identity_regexp = "(.*)*(.*)*(.*)*(.*)*(.*)*(.*)*\\d";
	pol.issuer = GH_ISSUER;
	run_policy(&V1, &pol, &o);
	cr_assert_eq(o.r, SGN_ERR_INVALID_ARGUMENT, "%s", o.eb.msg);
	cr_assert_eq(sgn_err_exit_status(o.r), 2);
	cr_assert(!o.res.verified);
	cr_assert_str_eq(o.res.check, "identity");
	cr_assert(tu_has(o.eb.msg, "identity regexp: match limit hit by "
	    "\"(.*)*(.*)*"), "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);

	pol.identity_regexp = ".*";
	pol.issuer = NULL;
	pol.issuer_regexp = "(.*)*(.*)*(.*)*(.*)*(.*)*(.*)*\\d";
	run_policy(&V1, &pol, &o);
	cr_assert_eq(o.r, SGN_ERR_INVALID_ARGUMENT, "%s", o.eb.msg);
	cr_assert_str_eq(o.res.check, "issuer");
	cr_assert(tu_has(o.eb.msg, "issuer regexp: match limit hit"), "%s",
	    o.eb.msg);
	sgn_verify_result_reset(&o.res);
}

Test(verify, checks_github_workflow_extensions)
{
	struct sgn_policy pol = SGN_POLICY_INIT;
	struct outcome o;

	keyless(&pol, V2_ID);
	sgn_policy_add_ext(&pol, 5, "tkgsn/sigstore-public-good-instance-test",
	    "GitHub workflow repository", NULL);
	sgn_policy_add_ext(&pol, 6, "refs/heads/main", "GitHub workflow ref",
	    NULL);
	sgn_policy_add_ext(&pol, 2, "push", "GitHub workflow trigger", NULL);
	sgn_policy_add_ext(&pol, 3, "3069fcd0c32873ef580c02e20e955cdb776b1f4a",
	    "GitHub workflow SHA", NULL);
	sgn_policy_add_ext(&pol, 4, "Rekor v2 public-good test",
	    "GitHub workflow name", NULL);
	run_policy(&V2, &pol, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);

	keyless(&pol, V2_ID);
	sgn_policy_add_ext(&pol, 6, "refs/heads/release", "GitHub workflow ref",
	    NULL);
	run_policy(&V2, &pol, &o);
	cr_assert_eq(o.r, SGN_ERR_POLICY);
	cr_assert(tu_has(o.eb.msg, "certificate GitHub workflow ref mismatch: "
	    "expected refs/heads/release, got refs/heads/main"), "%s",
	    o.eb.msg);
	sgn_verify_result_reset(&o.res);
}

Test(verify, verifies_a_subject_given_by_digest)
{
	cJSON *b = vec_bundle(&V1), *root = tu_load_json(PROD_ROOT);
	struct sgn_policy pol = SGN_POLICY_INIT;
	struct sgn_artifact art;
	struct outcome o;

	keyless(&pol, BEACON);
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	art.digest_alg = SGN_HASH_SHA256;
	cr_assert_eq(sgn_hex_decode("a0cfc71271d6e278e57cd332ff957c3f7043"
	    "fdda354c4cbb190a30d56efa01bf", 64, art.digest, 32, NULL), SGN_OK);
	run_tree(b, root, NULL, &art, &pol, 0, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);

	art.digest[31] ^= 1;
	run_tree(b, root, NULL, &art, &pol, 0, &o);
	cr_assert_eq(sgn_err_exit_status(o.r), 1, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);

	/* A digest of another algorithm cannot be checked: usage error. */
	art.digest_alg = SGN_HASH_SHA512;
	run_tree(b, root, NULL, &art, &pol, 0, &o);
	cr_assert_eq(sgn_err_exit_status(o.r), 2, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	cJSON_Delete(b);
	cJSON_Delete(root);
}

/* The artifact and policy are structs with a size (core.h): one that
 * was never initialised is the caller's error, and says which. */
Test(verify, an_artifact_or_policy_of_size_0_is_refused_naming_its_initialiser)
{
	cJSON *b = vec_bundle(&V1), *root = tu_load_json(PROD_ROOT);
	struct sgn_policy pol = SGN_POLICY_INIT;
	struct sgn_artifact art = SGN_ARTIFACT_INIT;
	struct sgn_errbuf eb;
	struct outcome o;

	keyless(&pol, BEACON);
	art.path = VEC "rekor-v1-hashedrekord/artifact";
	art.size = 0;
	run_tree(b, root, NULL, &art, &pol, 0, &o);
	cr_assert_eq(o.r, SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_err_exit_status(o.r), 2);
	cr_assert_str_eq(o.eb.msg, "struct sgn_artifact: size 0: initialise "
	    "it with SGN_ARTIFACT_INIT");
	cr_assert_eq(o.res.verified, 0);
	art.size = sizeof(art);
	pol.size = 0;
	run_tree(b, root, NULL, &art, &pol, 0, &o);
	cr_assert_eq(o.r, SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(o.eb.msg, "struct sgn_policy: size 0: initialise "
	    "it with SGN_POLICY_INIT");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_policy_add_ext(&pol, 9, "x", "x", &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "struct sgn_policy: size 0: initialise "
	    "it with SGN_POLICY_INIT");
	cr_assert_eq(pol.n_ext, 0);
	pol.size = sizeof(pol);
	run_tree(b, root, NULL, &art, &pol, 0, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	cJSON_Delete(b);
	cJSON_Delete(root);
}

Test(verify, rejects_the_wrong_artifact)
{
	cJSON *b = vec_bundle(&V1), *root = tu_load_json(PROD_ROOT);
	struct sgn_policy pol = SGN_POLICY_INIT;
	struct outcome o;

	keyless(&pol, BEACON);
	run_tree(b, root, VEC "rekor-v2-hashedrekord/artifact", NULL, &pol, 0,
	    &o);
	cr_assert_eq(sgn_err_exit_status(o.r), 1, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	cJSON_Delete(b);
	cJSON_Delete(root);
	/* DSSE: the artifact must be an in-toto subject. */
	b = vec_bundle(&VDSSE);
	root = tu_load_json(PROD_ROOT);
	run_tree(b, root, VEC "rekor-v2-hashedrekord/artifact", NULL, &pol, 0,
	    &o);
	cr_assert_eq(sgn_err_exit_status(o.r), 1, "%s", o.eb.msg);
	cr_assert_str_eq(o.res.check, "subject");
	sgn_verify_result_reset(&o.res);
	cJSON_Delete(b);
	cJSON_Delete(root);
}

Test(verify, rejects_a_log_entry_that_records_a_key_for_a_certificate)
{
	static const struct vector js = { VEC
	    "rekor-v2-hashedrekord-sigstorejs", PROD_ROOT,
	    "brian@dehamer.com" };
	struct sgn_policy pol;
	struct outcome o;
	cJSON *b = vec_bundle(&js), *root = tu_load_json(PROD_ROOT);

	pol = (struct sgn_policy)SGN_POLICY_INIT;
	pol.identity = "brian@dehamer.com";
	pol.issuer = "https://github.com/login/oauth";
	run_tree(b, root, VEC "rekor-v2-hashedrekord-sigstorejs/artifact",
	    NULL, &pol, 0, &o);
	cr_assert_eq(sgn_err_exit_status(o.r), 1, "%s", o.eb.msg);
	cr_assert(tu_has(o.eb.msg, "public key"), "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	cJSON_Delete(b);
	cJSON_Delete(root);
}

Test(verify, requires_a_policy)
{
	struct sgn_policy pol;
	struct outcome o;

	pol = (struct sgn_policy)SGN_POLICY_INIT;
	pol.identity = BEACON;
	run_policy(&V1, &pol, &o);
	cr_assert_eq(o.r, SGN_ERR_INVALID_ARGUMENT);
	sgn_verify_result_reset(&o.res);
}

Test(verify, refuses_a_managed_key_bundle_without_a_key)
{
	static const struct vector mk = {
	    "testdata/conformance/bundle-verify/managed-key-happy-path",
	    "testdata/conformance/production_trusted_root.json", BEACON };
	cJSON *b = vec_bundle(&mk), *root = tu_load_json(mk.root);
	struct sgn_policy pol = SGN_POLICY_INIT;
	struct outcome o;

	keyless(&pol, BEACON);
	run_tree(b, root, "testdata/conformance/a.txt", NULL, &pol, 0, &o);
	cr_assert_eq(o.r, SGN_ERR_POLICY);
	cr_assert(tu_has(o.eb.msg, "--key"), "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	cJSON_Delete(b);
	cJSON_Delete(root);
}

Test(verify, verifies_a_managed_key_bundle_with_its_key)
{
	static const char *dir =
	    "testdata/conformance/bundle-verify/managed-key-happy-path";
	char path[256];
	size_t len;
	uint8_t *pem;
	struct sgn_pubkey *key = NULL;
	struct sgn_policy pol;
	struct outcome o;
	cJSON *b, *root;

	snprintf(path, sizeof(path), "%s/key.pub", dir);
	pem = tu_read(path, &len);
	cr_assert_eq(sgn_pubkey_from_pem((char *)pem, len, &key, NULL),
	    SGN_OK);
	free(pem);
	snprintf(path, sizeof(path), "%s/bundle.sigstore.json", dir);
	b = tu_load_json(path);
	root = tu_load_json(
	    "testdata/conformance/production_trusted_root.json");
	pol = (struct sgn_policy)SGN_POLICY_INIT;
	pol.key = key;
	run_tree(b, root, "testdata/conformance/a.txt", NULL, &pol, 0, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	/* Another artifact fails. */
	run_tree(b, root, VEC "rekor-v2-hashedrekord/artifact", NULL, &pol, 0,
	    &o);
	cr_assert_eq(sgn_err_exit_status(o.r), 1, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	sgn_pubkey_free(&key);
	cJSON_Delete(b);
	cJSON_Delete(root);
}

static void
cert_as_chain(cJSON *j)
{
	cJSON *vm = at(j, "verificationMaterial");
	cJSON *cert = cJSON_DetachItemFromObjectCaseSensitive(vm,
	    "certificate");
	cJSON *chain = cJSON_CreateObject(), *arr = cJSON_CreateArray();

	cJSON_AddItemToArray(arr, cert);
	cJSON_AddItemToObject(chain, "certificates", arr);
	cJSON_AddItemToObject(vm, "x509CertificateChain", chain);
}

/* A v0.3 bundle may carry a chain (model_signing's certificate method),
 * but a Sigstore keyless bundle carries the Fulcio leaf alone. */
Test(verify, refuses_a_certificate_chain_in_a_v03_bundle)
{
	struct outcome o;

	run_vec(&V1, cert_as_chain, NULL, &o);
	cr_assert_eq(o.r, SGN_ERR_UNSUPPORTED, "%s", o.eb.msg);
	cr_assert_str_eq(o.res.check, "material");
	cr_assert(tu_has(o.eb.msg, "not a Sigstore keyless bundle"), "%s",
	    o.eb.msg);
	sgn_verify_result_reset(&o.res);
}

/* OMS v1.0 invalid/missing-tlog-entries: a Fulcio certificate and a
 * timestamp, but no transparency log entry. */
Test(verify, refuses_the_oms_keyless_bundle_without_tlog_entries)
{
	cJSON *b = tu_load_json("testdata/model-signing/oms-spec/test-vectors/"
	    "v1.0/invalid/missing-tlog-entries.bundle.json");
	cJSON *root = tu_load_json(PROD_ROOT);
	struct sgn_artifact art;
	struct sgn_policy pol;
	struct outcome o;

	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	art.digest_alg = SGN_HASH_SHA256;
	pol = (struct sgn_policy)SGN_POLICY_INIT;
	pol.identity = "stefanb@us.ibm.com";
	pol.issuer = "https://sigstore.verify.ibm.com/oauth2";
	run_tree(b, root, NULL, &art, &pol, 0, &o);
	cr_assert_eq(o.r, SGN_ERR_VERIFY, "%s", o.eb.msg);
	cr_assert_str_eq(o.res.check, "tlog");
	cr_assert(tu_has(o.eb.msg, "no transparency log entry"), "%s",
	    o.eb.msg);
	sgn_verify_result_reset(&o.res);
	cJSON_Delete(b);
	cJSON_Delete(root);
}

/* Identity regexps (PCRE2) ---------------------------------------------- */

struct rx_case {
	const char	*pattern;
	const char	*value;
	int		 match;
};

/* Each pattern against its value: no error, and the expected outcome. */
static void
expect_matches(const struct rx_case *cases, size_t n)
{
	struct sgn_errbuf eb;
	size_t i;
	int m;

	for (i = 0; i < n; i++) {
		sgn_errbuf_clear(&eb);
		m = -1;
		cr_assert_eq(sgn_regex_match(cases[i].pattern, cases[i].value,
		    &m, &eb), SGN_OK, "\"%s\": %s", cases[i].pattern, eb.msg);
		cr_assert_eq(m, cases[i].match, "\"%s\" against \"%s\": %s",
		    cases[i].pattern, cases[i].value,
		    cases[i].match ? "no match, wanted one" :
		    "a match, wanted none");
	}
}

/* An error with code r and message text, and no match reported. */
static void
expect_regex_error(const char *pattern, const char *value, sgn_err r,
    const char *text)
{
	struct sgn_errbuf eb;
	int m = -1;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_regex_match(pattern, value, &m, &eb), r,
	    "\"%s\": %s", pattern, eb.msg);
	cr_assert_eq(m, 0, "\"%s\": a match reported with an error", pattern);
	cr_assert(tu_has(eb.msg, text), "\"%s\": message \"%s\" lacks \"%s\"",
	    pattern, eb.msg, text);
}

Test(verify, regex_perl_classes_outside_brackets_are_ascii)
{
	static const struct rx_case c[] = {
		{ "a\\d+b", "a123b", 1 },
		{ "\\d", "d", 0 },
		{ "\\d+", "12a", 0 },
		{ "\\d", "\xd9\xa3", 0 },	/* U+0663 ARABIC-INDIC THREE */
		{ "\\D+", "abc", 1 },
		{ "\\D+", "a1c", 0 },
		{ "\\D", "\xc3\xa9", 1 },	/* é, one code point */
		{ "\\w+", "a_Z9", 1 },
		{ "\\w+", "a-b", 0 },
		{ "\\w", "\xc3\xa9", 0 },
		{ "\\W", "-", 1 },
		{ "\\W", "a", 0 },
		{ "\\W", "\xc3\xa9", 1 },
		{ "a\\sb", "a b", 1 },
		{ "a\\sb", "a\tb", 1 },
		{ "a\\sb", "asb", 0 },
		{ "a\\sb", "a\xc2\xa0" "b", 0 },	/* NO-BREAK SPACE */
		{ "\\S+", "ab", 1 },
		{ "\\S+", "a b", 0 },
		/* documented: \s takes \v, which Go's does not */
		{ "\\s", "\v", 1 },
		/* \b is ASCII too: between a and é is a word boundary */
		{ "a\\b\xc3\xa9", "a\xc3\xa9", 1 },
	};

	expect_matches(c, sizeof(c) / sizeof(c[0]));
}

Test(verify, regex_perl_classes_inside_brackets_keep_their_meaning)
{
	static const struct rx_case c[] = {
		{ "[\\d]", "5", 1 },
		{ "[\\d]", "d", 0 },
		{ "[\\d]", "\\", 0 },
		{ "[^\\d]+", "123", 0 },
		{ "[^\\d]+", "abc", 1 },
		{ "[\\D]", "x", 1 },
		{ "[\\D]", "7", 0 },
		{ "[\\w.-]+@example\\.com", "alice@example.com", 1 },
		{ "[\\w.-]+@example\\.com", "a.l-i_ce9@example.com", 1 },
		{ "[\\w.-]+@example\\.com", "al ice@example.com", 0 },
		{ "[\\w]", "w", 1 },
		{ "[\\w]", "\\", 0 },
		{ "[^\\w]", "a", 0 },
		{ "[^\\w]", "@", 1 },
		{ "[\\W]", "@", 1 },
		{ "[\\W]", "W", 0 },
		{ "[^\\s]+", "a b", 0 },
		{ "[^\\s]+", "ab", 1 },
		{ "[\\s]", " ", 1 },
		{ "[\\s]", "s", 0 },
		{ "[\\S]", "s", 1 },
		{ "[\\S]", " ", 0 },
		{ "[^\\S]", " ", 1 },
		{ "[^\\S]", "x", 0 },
	};

	expect_matches(c, sizeof(c) / sizeof(c[0]));
}

Test(verify, regex_matches_utf8_by_code_point)
{
	static const struct rx_case c[] = {
		{ "\xc3\xa9.*", "\xc3\xa9vian", 1 },	/* é.* évian */
		{ "e.*", "\xc3\xa9vian", 0 },
		{ ".", "\xc3\xa9", 1 },
		{ "..", "\xc3\xa9", 0 },
		{ ".{3}", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 1 },
		{ ".{3}", "\xe6\x97\xa5\xe6\x9c\xac", 0 },
		{ "^.{3}$", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 1 },
		{ "[^a]", "\xe2\x82\xac", 1 },			/* € */
		{ "caf[\xc3\xa9]", "caf\xc3\xa9", 1 },
		{ "caf[\xc3\xa9]", "cafe", 0 },
		{ "\\x{e9}", "\xc3\xa9", 1 },
		{ "\\p{Greek}+", "\xce\xb1\xce\xb2\xce\xb3", 1 },
		{ "[^@]+@example\\.com", "j\xc3\xb6rg@example.com", 1 },
		/* a Cyrillic "р" in place of "p" is not a \w */
		{ "https://github\\.com/org/[\\w-]+",
		    "https://github.com/org/re\xd1\x80o", 0 },
	};

	expect_matches(c, sizeof(c) / sizeof(c[0]));
}

Test(verify, regex_must_match_the_whole_value)
{
	static const struct rx_case c[] = {
		{ "abc", "abc", 1 },
		{ "abc", "abcd", 0 },
		{ "abc", "xabc", 0 },
		{ "abc", "abc\n", 0 },
		{ "abc$", "abc\n", 0 },
		{ "a|b", "ab", 0 },
		{ "a|b", "ba", 0 },
		{ "a|ab", "ab", 1 },
		{ "https://github\\.com/org/", "https://github.com/org/repo",
		    0 },
		{ "https://github\\.com/org/.*", "https://github.com/org/repo",
		    1 },
		{ ".*@example\\.com", "x@example.com.evil.test", 0 },
		{ "a*?", "aa", 1 },
	};

	expect_matches(c, sizeof(c) / sizeof(c[0]));
}

Test(verify, regex_takes_the_go_syntax_identity_patterns_use)
{
	static const struct rx_case c[] = {
		{ "(?:x|y)z", "yz", 1 },
		{ "(?P<org>[a-z]+)/repo", "org/repo", 1 },
		{ "(?i)abc", "ABC", 1 },
		{ "(?i)\xc3\x89", "\xc3\xa9", 1 },		/* É, é */
		{ "\\Qa.b\\E", "a.b", 1 },
		{ "\\Qa.b\\E", "axb", 0 },
		{ "\\Aabc\\z", "abc", 1 },
		{ "[[:alpha:]]+", "abc", 1 },
		{ "[[:alpha:]]+", "ab1", 0 },
	};

	expect_matches(c, sizeof(c) / sizeof(c[0]));
}

Test(verify, regex_refuses_invalid_patterns_with_the_offset)
{
	char long_pat[SGN_REGEX_MAX_PATTERN + 2];

	expect_regex_error("(", "a", SGN_ERR_INVALID_ARGUMENT,
	    "invalid regular expression \"(\": missing closing parenthesis "
	    "at offset 1");
	expect_regex_error("a)", "a", SGN_ERR_INVALID_ARGUMENT,
	    "at offset 1");
	expect_regex_error("a\\y", "ay", SGN_ERR_INVALID_ARGUMENT,
	    "unrecognized character follows \\ at offset 2");
	expect_regex_error("[a", "a", SGN_ERR_INVALID_ARGUMENT,
	    "missing terminating ] for character class");
	expect_regex_error("a{2,1}", "aa", SGN_ERR_INVALID_ARGUMENT,
	    "invalid regular expression");
	/* groups do not capture: a back reference is refused, as in Go */
	expect_regex_error("(a)\\1", "aa", SGN_ERR_INVALID_ARGUMENT,
	    "invalid regular expression");
	/* \C would split a code point; (*UCP) would make \w Unicode */
	expect_regex_error("\\C", "a", SGN_ERR_INVALID_ARGUMENT,
	    "invalid regular expression");
	expect_regex_error("(*UCP)\\w", "\xc3\xa9", SGN_ERR_INVALID_ARGUMENT,
	    "invalid regular expression");
	expect_regex_error("\xff", "a", SGN_ERR_INVALID_ARGUMENT,
	    "invalid regular expression");
	cr_assert_eq(sgn_regex_check("a\\y", NULL), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_regex_check("a\\d", NULL), SGN_OK);

	/* The length cap: at it, fine; one byte more, refused. */
	memset(long_pat, 'a', sizeof(long_pat));
	long_pat[SGN_REGEX_MAX_PATTERN] = '\0';
	expect_matches(&(struct rx_case){ long_pat, long_pat, 1 }, 1);
	long_pat[SGN_REGEX_MAX_PATTERN] = 'a';
	long_pat[SGN_REGEX_MAX_PATTERN + 1] = '\0';
	expect_regex_error(long_pat, "a", SGN_ERR_INVALID_ARGUMENT,
	    "regular expression too long (4097 bytes, at most 4096)");
	/* a usage error: exit 2 */
	cr_assert_eq(sgn_err_exit_status(SGN_ERR_INVALID_ARGUMENT), 2);
}

Test(verify, regex_refuses_a_value_that_is_not_utf8)
{
	expect_regex_error("a.c", "a\xff" "c", SGN_ERR_PARSE,
	    "the value is not valid UTF-8 at byte 1");
	expect_regex_error(".*", "ab\xc3", SGN_ERR_PARSE,
	    "the value is not valid UTF-8 at byte 2");
	/* an overlong "/" */
	expect_regex_error(".*", "a\xc0\xaf", SGN_ERR_PARSE,
	    "not valid UTF-8");
}

/*
 * Patterns that backtrack exponentially stop at the match limit with an
 * error, never a silent mismatch; .timeout fails the test if one runs on.
 */
Test(verify, regex_stops_pathological_patterns_at_a_limit, .timeout = 10)
{
	char as[65];
	char deep[20001];
	int m = -1;

	memset(as, 'a', sizeof(as) - 1);
	as[sizeof(as) - 1] = '\0';
	expect_regex_error("(a*)*(a*)*(a*)*(a*)*(a*)*(a*)*[bc]", as,
	    SGN_ERR_INVALID_ARGUMENT, "match limit hit by \"(a*)*(a*)*");
	expect_regex_error("(a|aa)+\\d", as, SGN_ERR_INVALID_ARGUMENT,
	    "match limit hit");
	/* a pattern cannot raise the limits for itself */
	expect_regex_error("(*LIMIT_MATCH=4000000000)(a|aa)+\\d", as,
	    SGN_ERR_INVALID_ARGUMENT, "match limit hit");
	expect_regex_error("(*LIMIT_DEPTH=4000000000)(*LIMIT_HEAP=4000000000)"
	    "(a|aa)+\\d", as, SGN_ERR_INVALID_ARGUMENT, "match limit hit");
	/* deep backtracking over a long value stops at the depth limit */
	memset(deep, 'a', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	expect_regex_error("(?:a|b)*", deep, SGN_ERR_INVALID_ARGUMENT,
	    "limit");
	/* with a literal the value lacks, PCRE2 knows at once: a mismatch */
	cr_assert_eq(sgn_regex_match("(a*)*(a*)*(a*)*(a*)*(a*)*(a*)*b", as, &m,
	    NULL), SGN_OK);
	cr_assert_eq(m, 0);
}

/* A compiled pattern (a monitor's): anchored as sgn_regex_match(), the
 * value taken by length, the same errors, and reusable after one. */
Test(verify, a_compiled_regexp_matches_many_values_by_length, .timeout = 10)
{
	struct sgn_regex *re = NULL;
	struct sgn_errbuf eb;
	int m = 1;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_regex_new("[a-z]+@example\\.com", &re, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(sgn_regex_exec(re, "bob@example.com", 15, &m, &eb),
	    SGN_OK);
	cr_assert_eq(m, 1);
	/* the length, not the NUL, ends the value */
	cr_assert_eq(sgn_regex_exec(re, "bob@example.comX", 15, &m, &eb),
	    SGN_OK);
	cr_assert_eq(m, 1);
	cr_assert_eq(sgn_regex_exec(re, "bob@example.comX", 16, &m, &eb),
	    SGN_OK);
	cr_assert_eq(m, 0, "anchored at the end");
	cr_assert_eq(sgn_regex_exec(re, "xbob@example.com", 16, &m, &eb),
	    SGN_OK);
	cr_assert_eq(m, 1);
	cr_assert_eq(sgn_regex_exec(re, "Bob@example.com", 15, &m, &eb),
	    SGN_OK);
	cr_assert_eq(m, 0, "anchored at the start");
	cr_assert_eq(sgn_regex_exec(re, "a\0b@example.com", 15, &m, &eb),
	    SGN_OK);
	cr_assert_eq(m, 0, "a NUL is a character");
	cr_assert_eq(sgn_regex_exec(re, "b\xffo@example.com", 15, &m, &eb),
	    SGN_ERR_PARSE);
	cr_assert_eq(m, 0);
	cr_assert(tu_has(eb.msg, "not valid UTF-8"), "%s", eb.msg);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_regex_exec(re, "bob@example.com", 15, &m, &eb),
	    SGN_OK);
	cr_assert_eq(m, 1, "usable after an error");
	sgn_regex_free(&re);
	cr_assert_null(re);
	sgn_regex_free(&re);

	cr_assert_eq(sgn_regex_new("(a", &re, &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_null(re);
	cr_assert(tu_has(eb.msg, "invalid regular expression"), "%s", eb.msg);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_regex_new("(.*)*(.*)*(.*)*(.*)*(.*)*(.*)*\\d", &re,
	    &eb), SGN_OK);
	cr_assert_eq(sgn_regex_exec(re, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 32,
	    &m, &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "match limit hit"), "%s", eb.msg);
	sgn_regex_free(&re);
}
