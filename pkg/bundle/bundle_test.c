/*
 * Unit tests for pkg/bundle: every structural rule of sgn_bundle_parse()
 * has a test that breaks it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "bundle.h"
#include "bundle_int.h"
#include "testutil.h"

#define V03 "testdata/vectors/rekor-v1-hashedrekord/bundle.sigstore.json"
#define V01 "testdata/vectors/rekor-v1-bundle-v0.1/bundle.sigstore.json"
#define V2 "testdata/vectors/rekor-v2-hashedrekord/bundle.sigstore.json"
#define DSSE "testdata/vectors/dsse-rekor-v1/bundle.sigstore.json"

static cJSON *
load(const char *path)
{
	size_t len;
	uint8_t *p = tu_read(path, &len);
	cJSON *j = cJSON_ParseWithLength((const char *)p, len);

	free(p);
	cr_assert_not_null(j);
	return j;
}

static sgn_err
parse_tree(const cJSON *j, struct sgn_errbuf *eb, struct sgn_bundle **out)
{
	char *s = cJSON_PrintUnformatted(j);
	sgn_err r;

	cr_assert_not_null(s);
	sgn_errbuf_clear(eb);
	r = sgn_bundle_parse((const uint8_t *)s, strlen(s), out, eb);
	free(s);
	return r;
}

/* Applies a mutation to a copy of the bundle at path and expects a parse
 * failure whose message contains want. */
static void
expect_reject(const char *path, void (*mutate)(cJSON *), sgn_err code,
    const char *want)
{
	cJSON *j = load(path);
	struct sgn_bundle *b = NULL;
	struct sgn_errbuf eb;

	mutate(j);
	cr_assert_eq(parse_tree(j, &eb, &b), code, "got %s (wanted %s)", eb.msg,
	    want);
	cr_assert_null(b);
	cr_assert(tu_has(eb.msg, want), "message \"%s\" lacks \"%s\"",
	    eb.msg, want);
	cJSON_Delete(j);
}

static cJSON *
path_get(cJSON *j, const char *p1, const char *p2, const char *p3)
{
	cJSON *x = cJSON_GetObjectItemCaseSensitive(j, p1);
	if (p2 != NULL)
		x = cJSON_GetObjectItemCaseSensitive(x, p2);
	if (p3 != NULL)
		x = cJSON_GetObjectItemCaseSensitive(x, p3);
	cr_assert_not_null(x);
	return x;
}

static cJSON *
entry0(cJSON *j)
{
	return cJSON_GetArrayItem(path_get(j, "verificationMaterial",
	    "tlogEntries", NULL), 0);
}

Test(bundle, parses_every_real_bundle)
{
	static const char *const files[] = { V03, V01, V2, DSSE,
	    "testdata/vectors/dsse-rekor-v2-staging/bundle.sigstore.json",
	    "testdata/vectors/rekor-v2-hashedrekord-sigstorejs/"
	    "bundle.sigstore.json" };
	size_t i, len;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		uint8_t *p = tu_read(files[i], &len);
		struct sgn_bundle *b = NULL;
		struct sgn_errbuf eb;
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_bundle_parse(p, len, &b, &eb), SGN_OK,
		    "%s: %s", files[i], eb.msg);
		sgn_bundle_free(&b);
		cr_assert_null(b);
		free(p);
	}
}

Test(bundle, reads_the_v03_vector_fields)
{
	size_t len;
	uint8_t *p = tu_read(V03, &len);
	struct sgn_bundle *b = NULL;
	const struct sgn_tlog_entry *e;

	cr_assert_eq(sgn_bundle_parse(p, len, &b, NULL), SGN_OK);
	cr_assert_eq(b->version_minor, 3);
	cr_assert_eq(b->material, SGN_MATERIAL_CERTIFICATE);
	cr_assert_eq(b->content, SGN_CONTENT_MESSAGE_SIGNATURE);
	cr_assert_eq(b->n_entries, 1);
	e = &b->entries[0];
	cr_assert_eq(e->log_index, 79571823);
	cr_assert_eq(e->proof_index, 75408392);
	cr_assert_eq(e->tree_size, 75408393);
	cr_assert_eq(e->integrated_time, 1710869186);
	cr_assert_str_eq(e->kind, "hashedrekord");
	cr_assert_str_eq(e->version, "0.0.1");
	cr_assert_eq(e->n_hashes, 11);
	cr_assert_gt(e->set.len, 0);
	cr_assert_not_null(e->checkpoint);
	cr_assert_eq(b->digest_alg, SGN_HASH_SHA256);
	cr_assert_eq(b->digest_len, 32);
	cr_assert_eq(b->digest[0], 0xa0);
	sgn_bundle_free(&b);
	free(p);
}

Test(bundle, parses_every_conformance_bundle_but_the_malformed_ones)
{
	static const char *const base = "testdata/conformance/bundle-verify";
	static const char *const bad[] = { "bundle-malformed-json_fail",
	    "bundle-unknown-version_fail",
	    "bundle-invalid-base64-signature_fail",
	    "bundle-empty-certificate-chain_fail",
	    "intoto-missing-inclusion-proof_fail",
	    "invalid-inclusion-proof_fail", "rekor2-no-inclusion-proof_fail" };
	DIR *d = opendir(base);
	struct dirent *de;
	int count = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[512];
		uint8_t *p;
		size_t len, i;
		int expect_bad = 0;
		struct sgn_bundle *b = NULL;
		struct sgn_errbuf eb;
		sgn_err r;

		if (de->d_name[0] == '.' ||
		    strcmp(de->d_name, "README.md") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/bundle.sigstore.json",
		    base, de->d_name);
		p = tu_read(path, &len);
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			expect_bad |= strcmp(de->d_name, bad[i]) == 0;
		sgn_errbuf_clear(&eb);
		r = sgn_bundle_parse(p, len, &b, &eb);
		if (expect_bad)
			cr_assert_neq(r, SGN_OK, "%s parsed", de->d_name);
		else
			cr_assert_eq(r, SGN_OK, "%s: %s", de->d_name, eb.msg);
		sgn_bundle_free(&b);
		free(p);
		count++;
	}
	closedir(d);
	cr_assert_eq(count, 48);
}

static void
set_media_type(cJSON *j, const char *mt)
{
	cJSON_ReplaceItemInObjectCaseSensitive(j, "mediaType",
	    cJSON_CreateString(mt));
}

static void
mt_unknown(cJSON *j)
{
	set_media_type(j, "application/vnd.dev.sigstore.bundle+json;"
	    "version=0.4");
}

static void
mt_v04(cJSON *j)
{
	set_media_type(j, "application/vnd.dev.sigstore.bundle.v0.4+json");
}

static void
mt_number(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(j, "mediaType",
	    cJSON_CreateNumber(3));
}

static void
mt_missing(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(j, "mediaType");
}

Test(bundle, rejects_unknown_media_types)
{
	expect_reject(V03, mt_unknown, SGN_ERR_UNSUPPORTED,
	    "unsupported media type");
	expect_reject(V03, mt_v04, SGN_ERR_UNSUPPORTED,
	    "unsupported media type");
	expect_reject(V03, mt_number, SGN_ERR_PARSE,
	    "bundle.mediaType: expected a string");
	expect_reject(V03, mt_missing, SGN_ERR_PARSE,
	    "bundle: missing \"mediaType\"");
}

static void
no_material(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(j, "verificationMaterial");
}

static void
two_materials(cJSON *j)
{
	cJSON *vm = path_get(j, "verificationMaterial", NULL, NULL);
	cJSON *pk = cJSON_CreateObject();
	cJSON_AddStringToObject(pk, "hint", "x");
	cJSON_AddItemToObject(vm, "publicKey", pk);
}

static void
no_key_form(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(path_get(j,
	    "verificationMaterial", NULL, NULL), "certificate");
}

static void
chain_in_v03(cJSON *j)
{
	cJSON *vm = path_get(j, "verificationMaterial", NULL, NULL);
	cJSON *cert = cJSON_DetachItemFromObjectCaseSensitive(vm,
	    "certificate");
	cJSON *chain = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, cert);
	cJSON_AddItemToObject(chain, "certificates", arr);
	cJSON_AddItemToObject(vm, "x509CertificateChain", chain);
}

static void
empty_chain(cJSON *j)
{
	cJSON *c = path_get(j, "verificationMaterial", "x509CertificateChain",
	    "certificates");
	while (cJSON_GetArraySize(c) > 0)
		cJSON_DeleteItemFromArray(c, 0);
}

static void
bad_cert_b64(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j,
	    "verificationMaterial", "certificate", NULL), "rawBytes",
	    cJSON_CreateString("MII*"));
}

Test(bundle, requires_exactly_one_verification_material)
{
	expect_reject(V03, no_material, SGN_ERR_PARSE,
	    "missing \"verificationMaterial\"");
	expect_reject(V03, two_materials, SGN_ERR_PARSE, "exactly one of "
	    "certificate, x509CertificateChain, publicKey (found 2)");
	expect_reject(V03, no_key_form, SGN_ERR_PARSE, "(found 0)");
	expect_reject(V01, empty_chain, SGN_ERR_PARSE,
	    "empty certificate chain");
	expect_reject(V03, bad_cert_b64, SGN_ERR_PARSE,
	    "certificate.rawBytes: invalid base64");
}

static void
two_contents(cJSON *j)
{
	cJSON_AddItemToObject(j, "dsseEnvelope", cJSON_CreateObject());
}

static void
no_content(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(j, "messageSignature");
}

static void
bad_sig_b64(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j, "messageSignature",
	    NULL, NULL), "signature", cJSON_CreateString("INVALID!!!"));
}

static void
sig_wrong_type(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j, "messageSignature",
	    NULL, NULL), "signature", cJSON_CreateArray());
}

static void
no_sig(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(path_get(j, "messageSignature",
	    NULL, NULL), "signature");
}

static void
digest_alg_unknown(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j, "messageSignature",
	    "messageDigest", NULL), "algorithm", cJSON_CreateString("MD5"));
}

static void
digest_short(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j, "messageSignature",
	    "messageDigest", NULL), "digest", cJSON_CreateString("AAAA"));
}

Test(bundle, requires_exactly_one_content)
{
	expect_reject(V03, two_contents, SGN_ERR_PARSE,
	    "exactly one of messageSignature, dsseEnvelope");
	expect_reject(V03, no_content, SGN_ERR_PARSE,
	    "exactly one of messageSignature, dsseEnvelope");
	expect_reject(V03, bad_sig_b64, SGN_ERR_PARSE,
	    "messageSignature.signature: invalid base64");
	expect_reject(V03, sig_wrong_type, SGN_ERR_PARSE,
	    "messageSignature.signature: expected a string");
	expect_reject(V03, no_sig, SGN_ERR_PARSE, "missing \"signature\"");
	expect_reject(V03, digest_alg_unknown, SGN_ERR_UNSUPPORTED,
	    "messageDigest.algorithm: unsupported");
	expect_reject(V03, digest_short, SGN_ERR_PARSE,
	    "messageDigest.digest: 3 bytes");
}

static void
dsse_two_sigs(cJSON *j)
{
	cJSON *s = path_get(j, "dsseEnvelope", "signatures", NULL);
	cJSON_AddItemToArray(s, cJSON_Duplicate(cJSON_GetArrayItem(s, 0), 1));
}

static void
dsse_no_sigs(cJSON *j)
{
	cJSON_DeleteItemFromArray(path_get(j, "dsseEnvelope", "signatures",
	    NULL), 0);
}

static void
dsse_no_type(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(path_get(j, "dsseEnvelope",
	    NULL, NULL), "payloadType");
}

Test(bundle, dsse_envelopes_carry_exactly_one_signature)
{
	expect_reject(DSSE, dsse_two_sigs, SGN_ERR_PARSE,
	    "expected exactly one signature, found 2");
	expect_reject(DSSE, dsse_no_sigs, SGN_ERR_PARSE,
	    "expected exactly one signature, found 0");
	expect_reject(DSSE, dsse_no_type, SGN_ERR_PARSE,
	    "missing \"payloadType\"");
}

static void
no_promise_v01(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(entry0(j), "inclusionPromise");
}

static void
no_proof_v03(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(entry0(j), "inclusionProof");
}

static void
no_checkpoint_v03(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(path_get(entry0(j),
	    "inclusionProof", NULL, NULL), "checkpoint");
}

static void
index_beyond_tree(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(entry0(j),
	    "inclusionProof", NULL, NULL), "logIndex",
	    cJSON_CreateString("75408393"));
}

static void
short_proof_hash(cJSON *j)
{
	cJSON *h = path_get(entry0(j), "inclusionProof", "hashes", NULL);
	cJSON_ReplaceItemInArray(h, 3, cJSON_CreateString("AAAA"));
}

static void
short_root(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(entry0(j),
	    "inclusionProof", NULL, NULL), "rootHash",
	    cJSON_CreateString("AAAA"));
}

static void
bad_log_index(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(entry0(j), "logIndex",
	    cJSON_CreateString("12x"));
}

static void
float_log_index(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(entry0(j), "logIndex",
	    cJSON_CreateNumber(1.5));
}

static void
short_log_id(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(entry0(j), "logId",
	    NULL, NULL), "keyId", cJSON_CreateString("AAAA"));
}

static void
no_body(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(entry0(j),
	    "canonicalizedBody");
}

static void
no_kind(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(path_get(entry0(j),
	    "kindVersion", NULL, NULL), "kind");
}

static void
dup_entry(cJSON *j)
{
	cJSON *t = path_get(j, "verificationMaterial", "tlogEntries", NULL);
	cJSON_AddItemToArray(t, cJSON_Duplicate(cJSON_GetArrayItem(t, 0), 1));
}

static void
many_entries(cJSON *j)
{
	cJSON *t = path_get(j, "verificationMaterial", "tlogEntries", NULL);
	int i;
	for (i = 0; i < 40; i++)
		cJSON_AddItemToArray(t,
		    cJSON_Duplicate(cJSON_GetArrayItem(t, 0), 1));
}

static void
dup_timestamp(cJSON *j)
{
	cJSON *t = path_get(j, "verificationMaterial",
	    "timestampVerificationData", "rfc3161Timestamps");
	cJSON_AddItemToArray(t, cJSON_Duplicate(cJSON_GetArrayItem(t, 0), 1));
}

static void
entries_not_array(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j,
	    "verificationMaterial", NULL, NULL), "tlogEntries",
	    cJSON_CreateObject());
}

Test(bundle, validates_tlog_entries_by_version)
{
	expect_reject(V01, no_promise_v01, SGN_ERR_PARSE,
	    "v0.1 bundle entry must carry an inclusion promise");
	expect_reject(V03, no_proof_v03, SGN_ERR_PARSE,
	    "must carry an inclusion proof with a checkpoint");
	expect_reject(V03, no_checkpoint_v03, SGN_ERR_PARSE,
	    "must carry an inclusion proof with a checkpoint");
	expect_reject(V03, index_beyond_tree, SGN_ERR_PARSE,
	    "log index 75408393 not in a tree of size 75408393");
	expect_reject(V03, short_proof_hash, SGN_ERR_PARSE,
	    "hashes[3]: 3 bytes, expected 32");
	expect_reject(V03, short_root, SGN_ERR_PARSE,
	    "rootHash: 3 bytes, expected 32");
	expect_reject(V03, bad_log_index, SGN_ERR_PARSE,
	    "logIndex: invalid integer");
	expect_reject(V03, float_log_index, SGN_ERR_PARSE,
	    "logIndex: not an exact integer");
	expect_reject(V03, short_log_id, SGN_ERR_PARSE,
	    "keyId: 3 bytes, expected 32");
	expect_reject(V03, no_body, SGN_ERR_PARSE,
	    "missing \"canonicalizedBody\"");
	expect_reject(V03, no_kind, SGN_ERR_PARSE, "missing \"kind\"");
	expect_reject(V03, dup_entry, SGN_ERR_PARSE, "entry 1 repeats entry 0");
	expect_reject(V03, many_entries, SGN_ERR_LIMIT, "too many entries");
	expect_reject(V2, dup_timestamp, SGN_ERR_PARSE,
	    "timestamp 1 repeats timestamp 0");
	expect_reject(V03, entries_not_array, SGN_ERR_PARSE,
	    "tlogEntries: expected an array");
}

Test(bundle, rejects_duplicate_json_keys)
{
	size_t len;
	uint8_t *p = tu_read(V03, &len);
	char *dup;
	struct sgn_bundle *b = NULL;
	struct sgn_errbuf eb;

	/* A second mediaType right after the first "{". */
	dup = malloc(len + 80);
	cr_assert_not_null(dup);
	memcpy(dup, "{\"mediaType\": \"x\",", 18);
	memcpy(dup + 18, p + 1, len - 1);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_bundle_parse((uint8_t *)dup, len + 17, &b, &eb),
	    SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "duplicate key \"mediaType\""), "%s",
	    eb.msg);
	free(dup);
	free(p);
}

Test(bundle, accepts_absent_zero_values)
{
	cJSON *j = load(V03);
	struct sgn_bundle *b = NULL;
	struct sgn_errbuf eb;

	/* protobuf JSON omits zero values and may write null */
	cJSON_ReplaceItemInObjectCaseSensitive(entry0(j), "integratedTime",
	    cJSON_CreateNull());
	cJSON_DeleteItemFromObjectCaseSensitive(entry0(j), "logIndex");
	cJSON_AddItemToObject(entry0(j), "unknownField", cJSON_CreateTrue());
	cr_assert_eq(parse_tree(j, &eb, &b), SGN_OK, "%s", eb.msg);
	cr_assert_eq(b->entries[0].integrated_time, 0);
	cr_assert_eq(b->entries[0].log_index, 0);
	sgn_bundle_free(&b);
	cJSON_Delete(j);
}

Test(bundle, rejects_oversized_input)
{
	struct sgn_bundle *b = NULL;
	static const uint8_t x[1] = { '{' };

	cr_assert_eq(sgn_bundle_parse(x, SGN_MAX_MODEL_BUNDLE_BYTES + 1u, &b,
	    NULL),
	    SGN_ERR_LIMIT);
}

static void
round_trip(const char *path)
{
	size_t len;
	uint8_t *p = tu_read(path, &len);
	struct sgn_bundle *a = NULL, *b = NULL;
	struct sgn_buf out;
	struct sgn_errbuf eb;
	size_t i;

	cr_assert_eq(sgn_bundle_parse(p, len, &a, NULL), SGN_OK);
	sgn_buf_init(&out, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_bundle_serialize(a, &out, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert(tu_has((char *)out.ptr, "\"mediaType\":\t\"application/"
	    "vnd.dev.sigstore.bundle.v0.3+json\""), "%s", (char *)out.ptr);
	cr_assert_eq(sgn_bundle_parse(out.ptr, out.len, &b, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(b->version_minor, 3);
	cr_assert_eq(a->n_entries, b->n_entries);
	for (i = 0; i < a->n_entries; i++) {
		const struct sgn_tlog_entry *x = &a->entries[i];
		const struct sgn_tlog_entry *y = &b->entries[i];
		cr_assert_eq(x->log_index, y->log_index);
		cr_assert_eq(x->integrated_time, y->integrated_time);
		cr_assert_eq(x->tree_size, y->tree_size);
		cr_assert_eq(x->n_hashes, y->n_hashes);
		cr_assert_eq(x->body.len, y->body.len);
		cr_assert_eq(memcmp(x->body.ptr, y->body.ptr, x->body.len), 0);
		cr_assert_eq(x->set.len, y->set.len);
		cr_assert_str_eq(x->checkpoint, y->checkpoint);
	}
	cr_assert_eq(a->n_timestamps, b->n_timestamps);
	cr_assert_eq(a->signature.len, b->signature.len);
	cr_assert_eq(memcmp(a->signature.ptr, b->signature.ptr,
	    a->signature.len), 0);
	cr_assert_eq(a->payload.len, b->payload.len);
	sgn_buf_reset(&out);
	sgn_bundle_free(&a);
	sgn_bundle_free(&b);
	free(p);
}

Test(bundle, serializes_what_it_parses)
{
	round_trip(V03);
	round_trip(V2);
	round_trip(DSSE);
}

Test(bundle, serializes_only_material_a_v03_bundle_can_hold)
{
	size_t len;
	uint8_t *p = tu_read(V01, &len);
	struct sgn_bundle *a = NULL;
	struct sgn_buf out;
	struct sgn_errbuf eb;
	size_t n;

	cr_assert_eq(sgn_bundle_parse(p, len, &a, NULL), SGN_OK);
	cr_assert_eq(a->material, SGN_MATERIAL_CHAIN);
	sgn_buf_init(&out, 0);
	n = a->n_certs;
	/* a certificate (not a chain) is one certificate */
	a->material = SGN_MATERIAL_CERTIFICATE;
	a->n_certs = 2;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_bundle_serialize(a, &out, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "one certificate, a chain of 1 to 16"),
	    "%s", eb.msg);
	/* a chain holds one certificate at least */
	a->material = SGN_MATERIAL_CHAIN;
	a->n_certs = 0;
	cr_assert_eq(sgn_bundle_serialize(a, &out, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	a->n_certs = n;
	a->material = (sgn_bundle_material)0;
	cr_assert_eq(sgn_bundle_serialize(a, &out, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	a->material = SGN_MATERIAL_CHAIN;
	cr_assert_eq(out.len, 0);
	sgn_buf_reset(&out);
	sgn_bundle_free(&a);
	free(p);
}

/* Model signing (OpenSSF model_signing, OMS) -------------------------- */

#define MS "testdata/model-signing/"
#define MS_SIGNED MS "signed/"
#define OMS MS "oms-spec/test-vectors/v1.0/"

static struct sgn_bundle *
parse_file(const char *path)
{
	size_t len;
	uint8_t *p = tu_read(path, &len);
	struct sgn_bundle *b = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_bundle_parse(p, len, &b, &eb), SGN_OK, "%s: %s",
	    path, eb.msg);
	free(p);
	return b;
}

Test(bundle, parses_every_model_signing_bundle)
{
	static const char *const files[] = {
	    MS_SIGNED "v0.2.0-certificate/model.sig",
	    MS_SIGNED "v1.0.0-certificate/model.sig",
	    MS_SIGNED "v1.0.0-elliptic-key/model.sig",
	    MS_SIGNED "v1.0.0-sigstore/model.sig",
	    MS_SIGNED "v1.1.0-certificate/model.sig",
	    MS_SIGNED "v1.1.0-elliptic-key/model.sig",
	    MS_SIGNED "v1.1.0-sigstore/model.sig",
	    OMS "valid/key.bundle.json",
	    OMS "valid/certificate.bundle.json",
	    OMS "valid/sigstore.bundle.json",
	    OMS "invalid-payload/wrong-predicate.bundle.json" };
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct sgn_bundle *b = parse_file(files[i]);
		cr_assert_eq(b->version_minor, 3);
		cr_assert_eq(b->content, SGN_CONTENT_DSSE);
		cr_assert_str_eq(b->payload_type,
		    "application/vnd.in-toto+json");
		sgn_bundle_free(&b);
	}
}

Test(bundle, reads_a_model_signing_certificate_chain)
{
	struct sgn_bundle *b;

	/* v1.1.0: keyid "" and an empty tlogEntries */
	b = parse_file(MS_SIGNED "v1.1.0-certificate/model.sig");
	cr_assert_eq(b->material, SGN_MATERIAL_CHAIN);
	cr_assert_eq(b->n_certs, 2);
	cr_assert_eq(b->certs[0].len, 784);
	cr_assert_eq(b->n_entries, 0);
	cr_assert_not_null(b->keyid);
	cr_assert_str_eq(b->keyid, "");
	sgn_bundle_free(&b);
	/* v1.0.0: keyid null and no tlogEntries at all */
	b = parse_file(MS_SIGNED "v1.0.0-certificate/model.sig");
	cr_assert_eq(b->material, SGN_MATERIAL_CHAIN);
	cr_assert_eq(b->n_certs, 2);
	cr_assert_eq(b->n_entries, 0);
	cr_assert_null(b->keyid);
	sgn_bundle_free(&b);
}

Test(bundle, reads_a_model_signing_public_key_hint_or_raw_key)
{
	static const char pem[] = "-----BEGIN PUBLIC KEY-----\n";
	struct sgn_bundle *b;

	b = parse_file(MS_SIGNED "v1.1.0-elliptic-key/model.sig");
	cr_assert_eq(b->material, SGN_MATERIAL_PUBLIC_KEY);
	cr_assert_str_eq(b->key_hint, "e8450dec4eb99dae995da9af1bc2cc9f"
	    "76ed669ee2e744f57abba763df3e3f8e");
	cr_assert_eq(b->key_raw.len, 0);
	cr_assert_null(b->key_details);
	cr_assert_eq(b->n_entries, 0);
	sgn_bundle_free(&b);
	/* before 1.1: the PEM text itself, and its PublicKeyDetails */
	b = parse_file(MS_SIGNED "v1.0.0-elliptic-key/model.sig");
	cr_assert_eq(b->material, SGN_MATERIAL_PUBLIC_KEY);
	cr_assert_null(b->key_hint);
	cr_assert_gt(b->key_raw.len, sizeof(pem));
	cr_assert_eq(memcmp(b->key_raw.ptr, pem, sizeof(pem) - 1), 0);
	cr_assert_str_eq(b->key_details, "PKIX_ECDSA_P384_SHA_384");
	cr_assert_null(b->keyid);
	sgn_bundle_free(&b);
}

/* The OMS bundles that fail the bundle schema.  The fourth, a Sigstore
 * certificate without tlogEntries, is well formed protobuf JSON: the
 * verifiers refuse it (verify_test.c, plain_test.c). */
Test(bundle, rejects_the_oms_invalid_bundles)
{
	static const struct {
		const char	*file;
		const char	*want;
	} bad[] = {
		{ OMS "invalid/empty.bundle.json", "bundle" },
		{ OMS "invalid/missing-envelope.bundle.json",
		    "exactly one of messageSignature, dsseEnvelope" },
		{ OMS "invalid/missing-verification-material.bundle.json",
		    "missing \"verificationMaterial\"" },
	};
	size_t i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t *p = tu_read(bad[i].file, &len);
		struct sgn_bundle *b = NULL;
		struct sgn_errbuf eb;
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_bundle_parse(p, len, &b, &eb), SGN_ERR_PARSE,
		    "%s: %s", bad[i].file, eb.msg);
		cr_assert_null(b);
		cr_assert(tu_has(eb.msg, bad[i].want), "%s: \"%s\"",
		    bad[i].file, eb.msg);
		free(p);
	}
}

#define MS_KEY_V100 MS_SIGNED "v1.0.0-elliptic-key/model.sig"
#define MS_CERT_V110 MS_SIGNED "v1.1.0-certificate/model.sig"

static void
raw_key_empty(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j,
	    "verificationMaterial", "publicKey", NULL), "rawBytes",
	    cJSON_CreateString(""));
}

static void
raw_key_bad_b64(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j,
	    "verificationMaterial", "publicKey", NULL), "rawBytes",
	    cJSON_CreateString("LS0t*"));
}

static void
raw_key_not_a_string(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j,
	    "verificationMaterial", "publicKey", NULL), "rawBytes",
	    cJSON_CreateNumber(1));
}

static void
details_without_raw_key(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(path_get(j,
	    "verificationMaterial", "publicKey", NULL), "rawBytes");
}

static void
details_not_a_string(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j,
	    "verificationMaterial", "publicKey", NULL), "keyDetails",
	    cJSON_CreateArray());
}

static void
hint_not_a_string(cJSON *j)
{
	cJSON_AddItemToObject(path_get(j, "verificationMaterial", "publicKey",
	    NULL), "hint", cJSON_CreateNumber(7));
}

static void
chain_cert_not_an_object(cJSON *j)
{
	cJSON_ReplaceItemInArray(path_get(j, "verificationMaterial",
	    "x509CertificateChain", "certificates"), 1,
	    cJSON_CreateString("MIIB"));
}

static void
chain_cert_bad_b64(cJSON *j)
{
	cJSON *c = cJSON_GetArrayItem(path_get(j, "verificationMaterial",
	    "x509CertificateChain", "certificates"), 1);
	cJSON_ReplaceItemInObjectCaseSensitive(c, "rawBytes",
	    cJSON_CreateString("MII*"));
}

static void
chain_too_long(cJSON *j)
{
	cJSON *arr = path_get(j, "verificationMaterial",
	    "x509CertificateChain", "certificates");
	while (cJSON_GetArraySize(arr) <= SGN_BUNDLE_MAX_CHAIN)
		cJSON_AddItemToArray(arr, cJSON_Duplicate(
		    cJSON_GetArrayItem(arr, 0), 1));
}

static void
chain_empty(cJSON *j)
{
	cJSON *c = path_get(j, "verificationMaterial", "x509CertificateChain",
	    "certificates");
	while (cJSON_GetArraySize(c) > 0)
		cJSON_DeleteItemFromArray(c, 0);
}

static void
chain_not_an_array(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j,
	    "verificationMaterial", "x509CertificateChain", NULL),
	    "certificates", cJSON_CreateObject());
}

static void
keyid_a_number(cJSON *j)
{
	cJSON *s = cJSON_GetArrayItem(path_get(j, "dsseEnvelope",
	    "signatures", NULL), 0);
	cJSON_ReplaceItemInObjectCaseSensitive(s, "keyid",
	    cJSON_CreateNumber(0));
}

static void
tlog_entries_an_object(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(path_get(j,
	    "verificationMaterial", NULL, NULL), "tlogEntries",
	    cJSON_CreateObject());
}

Test(bundle, rejects_malformed_model_signing_material)
{
	expect_reject(MS_KEY_V100, raw_key_empty, SGN_ERR_PARSE,
	    "publicKey.rawBytes: empty");
	expect_reject(MS_KEY_V100, raw_key_bad_b64, SGN_ERR_PARSE,
	    "publicKey.rawBytes: invalid base64");
	expect_reject(MS_KEY_V100, raw_key_not_a_string, SGN_ERR_PARSE,
	    "publicKey.rawBytes");
	expect_reject(MS_KEY_V100, details_without_raw_key, SGN_ERR_PARSE,
	    "publicKey: keyDetails without rawBytes");
	expect_reject(MS_KEY_V100, details_not_a_string, SGN_ERR_PARSE,
	    "publicKey.keyDetails");
	expect_reject(MS_KEY_V100, hint_not_a_string, SGN_ERR_PARSE,
	    "publicKey.hint");
	expect_reject(MS_CERT_V110, chain_cert_not_an_object, SGN_ERR_PARSE,
	    "x509CertificateChain.certificates[1]: expected an object");
	expect_reject(MS_CERT_V110, chain_cert_bad_b64, SGN_ERR_PARSE,
	    "x509CertificateChain.certificates[1].rawBytes");
	expect_reject(MS_CERT_V110, chain_too_long, SGN_ERR_LIMIT,
	    "too many certificates");
	expect_reject(MS_CERT_V110, chain_empty, SGN_ERR_PARSE,
	    "empty certificate chain");
	expect_reject(MS_CERT_V110, chain_not_an_array, SGN_ERR_PARSE,
	    "certificates");
	expect_reject(MS_CERT_V110, keyid_a_number, SGN_ERR_PARSE, "keyid");
	expect_reject(MS_CERT_V110, tlog_entries_an_object, SGN_ERR_PARSE,
	    "tlogEntries");
}

Test(bundle, accepts_a_chain_in_a_v03_bundle)
{
	cJSON *j = load(V03);
	struct sgn_bundle *b = NULL;
	struct sgn_errbuf eb;

	chain_in_v03(j);
	cr_assert_eq(parse_tree(j, &eb, &b), SGN_OK, "%s", eb.msg);
	cr_assert_eq(b->material, SGN_MATERIAL_CHAIN);
	cr_assert_eq(b->n_certs, 1);
	sgn_bundle_free(&b);
	cJSON_Delete(j);
}

/* Serializes path's bundle, parses the result, and checks that the
 * material and the envelope came through; *json is the text. */
static struct sgn_bundle *
ms_round_trip(const char *path, char **json)
{
	struct sgn_bundle *a = parse_file(path), *b = NULL;
	struct sgn_buf out;
	struct sgn_errbuf eb;
	size_t i;

	sgn_buf_init(&out, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_bundle_serialize(a, &out, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_eq(sgn_bundle_parse(out.ptr, out.len, &b, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(b->material, a->material);
	cr_assert_eq(b->n_certs, a->n_certs);
	for (i = 0; i < a->n_certs; i++) {
		cr_assert_eq(b->certs[i].len, a->certs[i].len);
		cr_assert_eq(memcmp(b->certs[i].ptr, a->certs[i].ptr,
		    a->certs[i].len), 0);
	}
	cr_assert_eq((a->key_hint == NULL), (b->key_hint == NULL));
	if (a->key_hint != NULL)
		cr_assert_str_eq(b->key_hint, a->key_hint);
	cr_assert_eq(b->key_raw.len, a->key_raw.len);
	if (a->key_raw.len > 0)
		cr_assert_eq(memcmp(b->key_raw.ptr, a->key_raw.ptr,
		    a->key_raw.len), 0);
	cr_assert_eq((a->key_details == NULL), (b->key_details == NULL));
	cr_assert_eq((a->keyid == NULL), (b->keyid == NULL));
	cr_assert_eq(b->n_entries, 0);
	cr_assert_eq(b->payload.len, a->payload.len);
	cr_assert_eq(memcmp(b->payload.ptr, a->payload.ptr, a->payload.len),
	    0);
	cr_assert_eq(b->signature.len, a->signature.len);
	*json = (char *)sgn_buf_take(&out, NULL);
	sgn_bundle_free(&a);
	return b;
}

Test(bundle, serializes_model_signing_bundles)
{
	struct sgn_bundle *b;
	char *json;

	b = ms_round_trip(MS_SIGNED "v1.1.0-elliptic-key/model.sig", &json);
	cr_assert(tu_has(json, "\"publicKey\":\t{\n\t\t\t\"hint\":"), "%s",
	    json);
	cr_assert(tu_has(json, "\"tlogEntries\":\t[]"), "%s", json);
	cr_assert(tu_has(json, "\"keyid\":\t\"\""), "%s", json);
	sgn_bundle_free(&b);
	free(json);
	b = ms_round_trip(MS_SIGNED "v1.1.0-certificate/model.sig", &json);
	cr_assert(tu_has(json, "\"x509CertificateChain\":"), "%s", json);
	cr_assert(tu_has(json, "\"tlogEntries\":\t[]"), "%s", json);
	sgn_bundle_free(&b);
	free(json);
	b = ms_round_trip(MS_SIGNED "v1.0.0-elliptic-key/model.sig", &json);
	cr_assert(tu_has(json, "\"keyDetails\":\t\"PKIX_ECDSA_P384_SHA_384\""),
	    "%s", json);
	cr_assert(!tu_has(json, "keyid"), "%s", json);
	sgn_bundle_free(&b);
	free(json);
}

/* The read-only view the signers serialize (bundle_int.h) -------------- */

/*
 * A view filled from constants (no casts: every pointer is const)
 * serializes to the very bytes of the equal struct sgn_bundle, and a view
 * of a parsed bundle to the bytes of the bundle itself.
 */
Test(bundle, a_view_serializes_to_the_bytes_of_the_equal_bundle)
{
	static const uint8_t payload[] = "{\"_type\":\"x\"}";
	static const uint8_t sig[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02,
	    0x01, 0x01 };
	static const char hint[] = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";
	struct sgn_bundle_view v;
	struct sgn_bundle b, *parsed = NULL;
	struct sgn_buf from_view, from_bundle, again;
	uint8_t pcopy[sizeof(payload) - 1], scopy[sizeof(sig)];
	char hcopy[sizeof(hint)], type[] = "application/vnd.in-toto+json";
	char keyid[] = "";

	memset(&v, 0, sizeof(v));
	v.material = SGN_MATERIAL_PUBLIC_KEY;
	v.key_hint = hint;
	v.content = SGN_CONTENT_DSSE;
	v.payload.ptr = payload;
	v.payload.len = sizeof(payload) - 1;
	v.payload_type = "application/vnd.in-toto+json";
	v.signature.ptr = sig;
	v.signature.len = sizeof(sig);
	v.keyid = "";
	memcpy(pcopy, payload, sizeof(pcopy));
	memcpy(scopy, sig, sizeof(scopy));
	memcpy(hcopy, hint, sizeof(hcopy));
	memset(&b, 0, sizeof(b));
	b.version_minor = 3;
	b.material = SGN_MATERIAL_PUBLIC_KEY;
	b.key_hint = hcopy;
	b.content = SGN_CONTENT_DSSE;
	b.payload.ptr = pcopy;
	b.payload.len = sizeof(pcopy);
	b.payload_type = type;
	b.signature.ptr = scopy;
	b.signature.len = sizeof(scopy);
	b.keyid = keyid;
	sgn_buf_init(&from_view, 0);
	sgn_buf_init(&from_bundle, 0);
	sgn_buf_init(&again, 0);
	cr_assert_eq(sgn_bundle_view_serialize(&v, &from_view, NULL), SGN_OK);
	cr_assert_eq(sgn_bundle_serialize(&b, &from_bundle, NULL), SGN_OK);
	cr_assert_eq(from_view.len, from_bundle.len);
	cr_assert_eq(memcmp(from_view.ptr, from_bundle.ptr, from_view.len),
	    0);
	/* it parses, and a view of what was parsed gives the same bytes */
	cr_assert_eq(sgn_bundle_parse(from_view.ptr, from_view.len, &parsed,
	    NULL), SGN_OK);
	cr_assert_eq(sgn_bundle_view_of(parsed, &v, NULL), SGN_OK);
	cr_assert_eq(sgn_bundle_view_serialize(&v, &again, NULL), SGN_OK);
	cr_assert_eq(again.len, from_view.len);
	cr_assert_eq(memcmp(again.ptr, from_view.ptr, again.len), 0);
	sgn_bundle_free(&parsed);
	sgn_buf_reset(&from_view);
	sgn_buf_reset(&from_bundle);
	sgn_buf_reset(&again);
}
