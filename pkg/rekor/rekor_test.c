/*
 * Unit tests for pkg/rekor: the canonicalized bodies of the four entry
 * kinds, read from real bundles and checked against the bundle they came
 * with (digest, signature, verifier), then broken one rule at a time by
 * editing the body with cJSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <criterion/criterion.h>

#include "rekor.h"
#include "x509.h"
#include "testutil.h"

#define V1_HR	"testdata/vectors/rekor-v1-hashedrekord"
#define V1_DSSE	"testdata/vectors/dsse-rekor-v1"
#define INTOTO	"testdata/conformance/bundle-verify/" \
		"intoto-with-custom-trust-root/bundle.sigstore.json"
#define V2_HR	"testdata/vectors/rekor-v2-hashedrekord"
#define V2_JS	"testdata/vectors/rekor-v2-hashedrekord-sigstorejs"

#define BUNDLE(dir)	dir "/bundle.sigstore.json"
#define ARTIFACT(dir)	dir "/artifact"

/* Bundles ----------------------------------------------------------- */

/* Follows a NULL-terminated path of member names and array indexes
 * ("0", "1", ...). */
static cJSON *
at(cJSON *j, const char *const *path)
{
	size_t i;

	for (i = 0; path[i] != NULL && j != NULL; i++) {
		if (path[i][0] >= '0' && path[i][0] <= '9')
			j = cJSON_GetArrayItem(j, path[i][0] - '0');
		else
			j = cJSON_GetObjectItemCaseSensitive(j, path[i]);
	}
	cr_assert_not_null(j, "no %s", path[i > 0 ? i - 1 : 0]);
	return j;
}

static uint8_t *
b64_at(cJSON *j, const char *const *path, size_t *len)
{
	cJSON *s = at(j, path);
	uint8_t *out = NULL;

	cr_assert(cJSON_IsString(s));
	cr_assert_eq(sgn_b64_decode(s->valuestring, strlen(s->valuestring),
	    &out, len, NULL), SGN_OK, "%s", s->valuestring);
	return out;
}

static uint8_t *
bundle_body(cJSON *b, size_t *len)
{
	static const char *const p[] = { "verificationMaterial",
	    "tlogEntries", "0", "canonicalizedBody", NULL };

	return b64_at(b, p, len);
}

static uint8_t *
bundle_cert(cJSON *b, size_t *len)
{
	static const char *const v3[] = { "verificationMaterial",
	    "certificate", "rawBytes", NULL };
	static const char *const chain[] = { "verificationMaterial",
	    "x509CertificateChain", "certificates", "0", "rawBytes", NULL };
	cJSON *vm = cJSON_GetObjectItemCaseSensitive(b,
	    "verificationMaterial");

	if (cJSON_GetObjectItemCaseSensitive(vm, "certificate") != NULL)
		return b64_at(b, v3, len);
	return b64_at(b, chain, len);
}

static uint8_t *
bundle_sig(cJSON *b, size_t *len)
{
	static const char *const ms[] = { "messageSignature", "signature",
	    NULL };
	static const char *const de[] = { "dsseEnvelope", "signatures", "0",
	    "sig", NULL };

	if (cJSON_GetObjectItemCaseSensitive(b, "messageSignature") != NULL)
		return b64_at(b, ms, len);
	return b64_at(b, de, len);
}

static uint8_t *
bundle_payload(cJSON *b, size_t *len)
{
	static const char *const p[] = { "dsseEnvelope", "payload", NULL };

	return b64_at(b, p, len);
}

static struct sgn_rekor_body *
parse_ok(const uint8_t *body, size_t len)
{
	struct sgn_rekor_body *rb = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_rekor_body_parse(body, len, &rb, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_not_null(rb);
	return rb;
}

/* The body of path, and checks shared by every kind: the signature and
 * (when want_cert) the verifier equal the bundle's. */
static struct sgn_rekor_body *
check_common(cJSON *b, int want_cert)
{
	struct sgn_rekor_body *rb;
	uint8_t *body, *sig, *cert;
	size_t len, siglen, certlen;

	body = bundle_body(b, &len);
	rb = parse_ok(body, len);
	sig = bundle_sig(b, &siglen);
	cr_assert_eq(rb->sig_len, siglen);
	cr_assert_arr_eq(rb->sig, sig, siglen);
	cert = bundle_cert(b, &certlen);
	cr_assert_eq(rb->verifier_is_cert, want_cert);
	if (want_cert) {
		cr_assert_eq(rb->verifier_len, certlen);
		cr_assert_arr_eq(rb->verifier, cert, certlen);
	}
	free(body);
	free(sig);
	free(cert);
	return rb;
}

static void
check_digest(const struct sgn_rekor_body *rb, const char *artifact)
{
	uint8_t d[32];

	cr_assert_eq(sgn_hash_file(SGN_HASH_SHA256, artifact, d, NULL),
	    SGN_OK);
	cr_assert_eq(rb->hash, SGN_HASH_SHA256);
	cr_assert_eq(rb->digest_len, 32);
	cr_assert_arr_eq(rb->digest, d, 32);
}

/* The vectors ------------------------------------------------------- */

Test(rekor, parses_a_hashedrekord_001_body)
{
	cJSON *b = tu_load_json(BUNDLE(V1_HR));
	struct sgn_rekor_body *rb = check_common(b, 1);

	cr_assert_eq(rb->kind, SGN_REKOR_HASHEDREKORD_001);
	cr_assert_str_eq(rb->kind_name, "hashedrekord");
	cr_assert_str_eq(rb->api_version, "0.0.1");
	check_digest(rb, ARTIFACT(V1_HR));
	cr_assert_str_eq(rb->key_details, "");
	cr_assert_null(rb->payload);
	sgn_rekor_body_free(&rb);
	cr_assert_null(rb);
	sgn_rekor_body_free(&rb);
	sgn_rekor_body_free(NULL);
	cJSON_Delete(b);
}

Test(rekor, parses_a_dsse_001_body)
{
	cJSON *b = tu_load_json(BUNDLE(V1_DSSE));
	struct sgn_rekor_body *rb = check_common(b, 1);
	uint8_t *p, d[32];
	size_t len;

	cr_assert_eq(rb->kind, SGN_REKOR_DSSE_001);
	cr_assert_str_eq(rb->kind_name, "dsse");
	cr_assert_str_eq(rb->api_version, "0.0.1");
	/* payloadHash: H(payload), not H(PAE) nor the envelope hash */
	p = bundle_payload(b, &len);
	cr_assert_eq(sgn_hash(SGN_HASH_SHA256, p, len, d, NULL), SGN_OK);
	cr_assert_eq(rb->hash, SGN_HASH_SHA256);
	cr_assert_eq(rb->digest_len, 32);
	cr_assert_arr_eq(rb->digest, d, 32);
	cr_assert_null(rb->payload);
	free(p);
	sgn_rekor_body_free(&rb);
	cJSON_Delete(b);
}

Test(rekor, parses_an_intoto_002_body)
{
	cJSON *b = tu_load_json(INTOTO);
	struct sgn_rekor_body *rb = check_common(b, 1);
	uint8_t *p, d[32];
	size_t len;

	cr_assert_eq(rb->kind, SGN_REKOR_INTOTO_002);
	cr_assert_str_eq(rb->kind_name, "intoto");
	cr_assert_str_eq(rb->api_version, "0.0.2");
	p = bundle_payload(b, &len);
	cr_assert_eq(sgn_hash(SGN_HASH_SHA256, p, len, d, NULL), SGN_OK);
	cr_assert_eq(rb->hash, SGN_HASH_SHA256);
	cr_assert_arr_eq(rb->digest, d, 32);
	/* the body keeps the envelope's payload, decoded twice */
	cr_assert_not_null(rb->payload);
	cr_assert_eq(rb->payload_len, len);
	cr_assert_arr_eq(rb->payload, p, len);
	free(p);
	sgn_rekor_body_free(&rb);
	cJSON_Delete(b);
}

Test(rekor, parses_a_hashedrekord_002_body_with_a_certificate)
{
	cJSON *b = tu_load_json(BUNDLE(V2_HR));
	struct sgn_rekor_body *rb = check_common(b, 1);

	cr_assert_eq(rb->kind, SGN_REKOR_HASHEDREKORD_002);
	cr_assert_str_eq(rb->kind_name, "hashedrekord");
	cr_assert_str_eq(rb->api_version, "0.0.2");
	check_digest(rb, ARTIFACT(V2_HR));
	cr_assert_str_eq(rb->key_details, "PKIX_ECDSA_P256_SHA_256");
	sgn_rekor_body_free(&rb);
	cJSON_Delete(b);
}

Test(rekor, parses_a_hashedrekord_002_body_with_a_public_key)
{
	cJSON *b = tu_load_json(BUNDLE(V2_JS));
	struct sgn_rekor_body *rb = check_common(b, 0);
	struct sgn_cert *c = NULL;
	const struct sgn_pubkey *k;
	uint8_t *der;
	size_t len;

	cr_assert_eq(rb->kind, SGN_REKOR_HASHEDREKORD_002);
	check_digest(rb, ARTIFACT(V2_JS));
	cr_assert_str_eq(rb->key_details, "PKIX_ECDSA_P256_SHA_256");
	/* the verifier is the SubjectPublicKeyInfo of the bundle's leaf,
	 * not the leaf itself (the trap this vector is kept for) */
	der = bundle_cert(b, &len);
	cr_assert_eq(sgn_cert_from_der(der, len, &c, NULL), SGN_OK);
	k = sgn_cert_pubkey(c);
	cr_assert_neq(rb->verifier_len, len);
	cr_assert_eq(rb->verifier_len, sgn_pubkey_spki_len(k));
	cr_assert_arr_eq(rb->verifier, sgn_pubkey_spki_ptr(k),
	    rb->verifier_len);
	sgn_cert_free(&c);
	free(der);
	sgn_rekor_body_free(&rb);
	cJSON_Delete(b);
}

/* Mutations --------------------------------------------------------- */

/* The body of the bundle at path as a cJSON tree. */
static cJSON *
body_tree(const char *path)
{
	cJSON *b = tu_load_json(path), *j;
	uint8_t *body;
	size_t len;

	body = bundle_body(b, &len);
	j = cJSON_ParseWithLength((const char *)body, len);
	cr_assert_not_null(j);
	free(body);
	cJSON_Delete(b);
	return j;
}

static sgn_err
parse_text(const char *s, struct sgn_rekor_body **rb, struct sgn_errbuf *eb)
{
	sgn_errbuf_clear(eb);
	return sgn_rekor_body_parse((const uint8_t *)s, strlen(s), rb, eb);
}

static sgn_err
parse_tree(const cJSON *j, struct sgn_rekor_body **rb, struct sgn_errbuf *eb)
{
	char *s = cJSON_PrintUnformatted(j);
	sgn_err r;

	cr_assert_not_null(s);
	r = parse_text(s, rb, eb);
	free(s);
	return r;
}

static void
expect_text_reject(const char *s, sgn_err code, const char *want)
{
	struct sgn_rekor_body *rb = NULL;
	struct sgn_errbuf eb;

	cr_assert_eq(parse_text(s, &rb, &eb), code, "got \"%s\"", eb.msg);
	cr_assert_null(rb);
	cr_assert(tu_has(eb.msg, want), "message \"%s\" lacks \"%s\"", eb.msg,
	    want);
}

static void
expect_reject(const char *path, void (*mutate)(cJSON *), sgn_err code,
    const char *want)
{
	cJSON *j = body_tree(path);
	struct sgn_rekor_body *rb = NULL;
	struct sgn_errbuf eb;

	mutate(j);
	cr_assert_eq(parse_tree(j, &rb, &eb), code, "got \"%s\"", eb.msg);
	cr_assert_null(rb);
	cr_assert(tu_has(eb.msg, want), "message \"%s\" lacks \"%s\"", eb.msg,
	    want);
	cJSON_Delete(j);
}

static struct sgn_rekor_body *
expect_accept(const char *path, void (*mutate)(cJSON *))
{
	cJSON *j = body_tree(path);
	struct sgn_rekor_body *rb = NULL;
	struct sgn_errbuf eb;

	mutate(j);
	cr_assert_eq(parse_tree(j, &rb, &eb), SGN_OK, "%s", eb.msg);
	cJSON_Delete(j);
	return rb;
}

static cJSON *
get(cJSON *j, const char *k)
{
	cJSON *x = cJSON_GetObjectItemCaseSensitive(j, k);

	cr_assert_not_null(x, "no %s", k);
	return x;
}

static void
set_str(cJSON *obj, const char *k, const char *v)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, k) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, k,
		    cJSON_CreateString(v));
	else
		cJSON_AddStringToObject(obj, k, v);
}

/* Sets obj.k to base64 of (p, n). */
static void
set_b64(cJSON *obj, const char *k, const void *p, size_t n)
{
	char *s = NULL;

	cr_assert_eq(sgn_b64_encode(p, n, &s, NULL), SGN_OK);
	set_str(obj, k, s);
	free(s);
}

/* A freshly generated P-256 key: PEM "PRIVATE KEY" or "PUBLIC KEY". */
static char *
key_pem(int private, uint8_t **spki, size_t *spki_len)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	unsigned char *der = NULL;
	char *pem;
	int n;

	cr_assert_not_null(k);
	n = private ? i2d_PrivateKey(k, &der) : i2d_PUBKEY(k, &der);
	cr_assert_gt(n, 0);
	pem = tu_pem_block(private ? "PRIVATE KEY" : "PUBLIC KEY", der,
	    (size_t)n, NULL);
	if (spki != NULL) {
		*spki = malloc((size_t)n);
		cr_assert_not_null(*spki);
		memcpy(*spki, der, (size_t)n);
		*spki_len = (size_t)n;
	}
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	return pem;
}

/* hashedrekord 0.0.1 ------------------------------------------------ */

static cJSON *
hr_hash(cJSON *j)
{
	return get(get(get(j, "spec"), "data"), "hash");
}

static cJSON *
hr_sig(cJSON *j)
{
	return get(get(j, "spec"), "signature");
}

static cJSON *
hr_pk(cJSON *j)
{
	return get(hr_sig(j), "publicKey");
}

static void
kind_rekord(cJSON *j)
{
	set_str(j, "kind", "rekord");
}

static void
version_003(cJSON *j)
{
	set_str(j, "apiVersion", "0.0.3");
}

static void
version_002_dsse(cJSON *j)
{
	set_str(j, "kind", "dsse");
	set_str(j, "apiVersion", "0.0.2");
}

static void
kind_upper(cJSON *j)
{
	set_str(j, "kind", "HashedRekord");
}

Test(rekor, rejects_unknown_kinds_and_versions)
{
	expect_reject(BUNDLE(V1_HR), kind_rekord, SGN_ERR_UNSUPPORTED,
	    "tlog entry body: unsupported entry type rekord 0.0.1");
	expect_reject(BUNDLE(V1_HR), version_003, SGN_ERR_UNSUPPORTED,
	    "unsupported entry type hashedrekord 0.0.3");
	expect_reject(BUNDLE(V1_HR), version_002_dsse, SGN_ERR_UNSUPPORTED,
	    "unsupported entry type dsse 0.0.2");
	expect_reject(BUNDLE(V1_HR), kind_upper, SGN_ERR_UNSUPPORTED,
	    "unsupported entry type HashedRekord 0.0.1");
}

static void
no_spec(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(j, "spec");
}

static void
spec_array(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(j, "spec", cJSON_CreateArray());
}

static void
no_kind(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(j, "kind");
}

static void
no_version(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(j, "apiVersion");
}

static void
kind_number(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(j, "kind",
	    cJSON_CreateNumber(1));
}

Test(rekor, requires_kind_version_and_spec)
{
	expect_reject(BUNDLE(V1_HR), no_spec, SGN_ERR_PARSE,
	    "tlog entry body: missing \"spec\"");
	expect_reject(BUNDLE(V1_HR), spec_array, SGN_ERR_PARSE,
	    "tlog entry body.spec: expected an object");
	expect_reject(BUNDLE(V1_HR), no_kind, SGN_ERR_PARSE,
	    "tlog entry body: missing \"kind\"");
	expect_reject(BUNDLE(V1_HR), no_version, SGN_ERR_PARSE,
	    "tlog entry body: missing \"apiVersion\"");
	expect_reject(BUNDLE(V1_HR), kind_number, SGN_ERR_PARSE,
	    "tlog entry body.kind: expected a string");
	expect_reject(BUNDLE(V1_DSSE), no_spec, SGN_ERR_PARSE,
	    "tlog entry body: missing \"spec\"");
	expect_reject(BUNDLE(V2_HR), no_spec, SGN_ERR_PARSE,
	    "tlog entry body: missing \"spec\"");
}

Test(rekor, rejects_bodies_that_are_not_json_objects)
{
	expect_text_reject("[]", SGN_ERR_PARSE,
	    "tlog entry body: expected a JSON object");
	expect_text_reject("\"hashedrekord\"", SGN_ERR_PARSE,
	    "expected a JSON object");
	expect_text_reject("{\"kind\":", SGN_ERR_PARSE,
	    "tlog entry body: invalid JSON");
	expect_text_reject("", SGN_ERR_PARSE, "tlog entry body: invalid JSON");
}

static void
hex_bad(cJSON *j)
{
	set_str(hr_hash(j), "value", "a0cfc71271d6e278e57cd332ff957c3f"
	    "7043fdda354c4cbb190a30d56efa01bX");
}

static void
hex_short(cJSON *j)
{
	set_str(hr_hash(j), "value", "a0cfc71271d6e278e57cd332ff957c3f"
	    "7043fdda354c4cbb190a30d56efa01");
}

static void
hex_long(cJSON *j)
{
	set_str(hr_hash(j), "value", "a0cfc71271d6e278e57cd332ff957c3f"
	    "7043fdda354c4cbb190a30d56efa01bf00");
}

static void
hex_sha512_of_256(cJSON *j)
{
	set_str(hr_hash(j), "algorithm", "sha512");
}

static void
hex_missing(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(hr_hash(j), "value");
}

Test(rekor, rejects_a_bad_hex_digest)
{
	expect_reject(BUNDLE(V1_HR), hex_bad, SGN_ERR_PARSE,
	    "tlog entry body.spec.data.hash.value: not 64 hex digits");
	expect_reject(BUNDLE(V1_HR), hex_short, SGN_ERR_PARSE,
	    "hash.value: not 64 hex digits");
	expect_reject(BUNDLE(V1_HR), hex_long, SGN_ERR_PARSE,
	    "hash.value: not 64 hex digits");
	expect_reject(BUNDLE(V1_HR), hex_sha512_of_256, SGN_ERR_PARSE,
	    "hash.value: not 128 hex digits");
	expect_reject(BUNDLE(V1_HR), hex_missing, SGN_ERR_PARSE,
	    "tlog entry body.spec.data.hash: missing \"value\"");
}

static void
alg_md5(cJSON *j)
{
	set_str(hr_hash(j), "algorithm", "md5");
}

static void
alg_upper(cJSON *j)
{
	set_str(hr_hash(j), "algorithm", "SHA256");
}

static void
alg_proto_name(cJSON *j)
{
	set_str(hr_hash(j), "algorithm", "SHA2_256");
}

static void
dsse_alg_sha1(cJSON *j)
{
	set_str(get(get(j, "spec"), "payloadHash"), "algorithm", "sha1");
}

Test(rekor, rejects_an_unknown_hash_algorithm)
{
	expect_reject(BUNDLE(V1_HR), alg_md5, SGN_ERR_UNSUPPORTED,
	    "tlog entry body.spec.data.hash.algorithm: unsupported \"md5\"");
	expect_reject(BUNDLE(V1_HR), alg_upper, SGN_ERR_UNSUPPORTED,
	    "unsupported \"SHA256\"");
	/* v1 bodies spell it in lower case, not as the protobuf enum */
	expect_reject(BUNDLE(V1_HR), alg_proto_name, SGN_ERR_UNSUPPORTED,
	    "unsupported \"SHA2_256\"");
	expect_reject(BUNDLE(V1_DSSE), dsse_alg_sha1, SGN_ERR_UNSUPPORTED,
	    "tlog entry body.spec.payloadHash.algorithm: unsupported "
	    "\"sha1\"");
}

static void
pem_not_pem(cJSON *j)
{
	set_b64(hr_pk(j), "content", "not a PEM block\n", 16);
}

static void
pem_bad_b64(cJSON *j)
{
	set_str(hr_pk(j), "content", "LS0tLS1*");
}

static void
pem_bad_body(cJSON *j)
{
	static const char pem[] = "-----BEGIN CERTIFICATE-----\n"
	    "!!!!\n-----END CERTIFICATE-----\n";

	set_b64(hr_pk(j), "content", pem, sizeof(pem) - 1);
}

static void
pem_unterminated(cJSON *j)
{
	static const char pem[] = "-----BEGIN CERTIFICATE-----\n"
	    "MIIB\n";

	set_b64(hr_pk(j), "content", pem, sizeof(pem) - 1);
}

static void
pem_der(cJSON *j)
{
	/* the DER certificate itself, not its PEM text */
	cJSON *b = tu_load_json(BUNDLE(V1_HR));
	uint8_t *der;
	size_t len;

	der = bundle_cert(b, &len);
	set_b64(hr_pk(j), "content", der, len);
	free(der);
	cJSON_Delete(b);
}

static void
pem_missing(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(hr_pk(j), "content");
}

Test(rekor, rejects_a_pem_that_is_not_pem)
{
	expect_reject(BUNDLE(V1_HR), pem_not_pem, SGN_ERR_PARSE,
	    "tlog entry body.spec.signature.publicKey.content: no PEM "
	    "certificate or public key found");
	expect_reject(BUNDLE(V1_HR), pem_bad_body, SGN_ERR_PARSE,
	    "publicKey.content: no PEM certificate or public key found");
	expect_reject(BUNDLE(V1_HR), pem_unterminated, SGN_ERR_PARSE,
	    "publicKey.content: no PEM certificate or public key found");
	expect_reject(BUNDLE(V1_HR), pem_der, SGN_ERR_PARSE,
	    "publicKey.content: no PEM certificate or public key found");
	expect_reject(BUNDLE(V1_HR), pem_bad_b64, SGN_ERR_PARSE,
	    "tlog entry body.spec.signature.publicKey.content: ");
	expect_reject(BUNDLE(V1_HR), pem_missing, SGN_ERR_PARSE,
	    "tlog entry body.spec.signature.publicKey: missing \"content\"");
}

static void
pem_private(cJSON *j)
{
	char *pem = key_pem(1, NULL, NULL);

	set_b64(hr_pk(j), "content", pem, strlen(pem));
	free(pem);
}

static void
pem_rsa_public(cJSON *j)
{
	char *pem = tu_pem_block("RSA PUBLIC KEY", (const uint8_t *)"x", 1,
	    NULL);

	set_b64(hr_pk(j), "content", pem, strlen(pem));
	free(pem);
}

static void
dsse_verifier_private(cJSON *j)
{
	char *pem = key_pem(1, NULL, NULL);

	set_b64(cJSON_GetArrayItem(get(get(j, "spec"), "signatures"), 0),
	    "verifier", pem, strlen(pem));
	free(pem);
}

Test(rekor, rejects_a_private_key_block)
{
	expect_reject(BUNDLE(V1_HR), pem_private, SGN_ERR_PARSE,
	    "tlog entry body.spec.signature.publicKey.content: unexpected PEM "
	    "block \"PRIVATE KEY\"");
	expect_reject(BUNDLE(V1_DSSE), dsse_verifier_private, SGN_ERR_PARSE,
	    "tlog entry body.spec.signatures[0].verifier: unexpected PEM "
	    "block \"PRIVATE KEY\"");
	expect_reject(BUNDLE(V1_HR), pem_rsa_public, SGN_ERR_PARSE,
	    "unexpected PEM block \"RSA PUBLIC KEY\"");
}

static uint8_t *pubkey_spki;
static size_t pubkey_spki_len;

static void
pem_public(cJSON *j)
{
	char *pem = key_pem(0, &pubkey_spki, &pubkey_spki_len);

	set_b64(hr_pk(j), "content", pem, strlen(pem));
	free(pem);
}

Test(rekor, reads_a_public_key_verifier)
{
	struct sgn_rekor_body *rb = expect_accept(BUNDLE(V1_HR), pem_public);

	cr_assert_eq(rb->verifier_is_cert, 0);
	cr_assert_eq(rb->verifier_len, pubkey_spki_len);
	cr_assert_arr_eq(rb->verifier, pubkey_spki, pubkey_spki_len);
	free(pubkey_spki);
	sgn_rekor_body_free(&rb);
}

static void
sig_missing(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(hr_sig(j), "content");
}

static void
sig_bad_b64(cJSON *j)
{
	set_str(hr_sig(j), "content", "MEUC$");
}

static void
sig_empty(cJSON *j)
{
	set_str(hr_sig(j), "content", "");
}

static void
no_public_key(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(hr_sig(j), "publicKey");
}

static void
no_data(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(get(j, "spec"), "data");
}

Test(rekor, requires_every_hashedrekord_001_member)
{
	expect_reject(BUNDLE(V1_HR), sig_missing, SGN_ERR_PARSE,
	    "tlog entry body.spec.signature: missing \"content\"");
	expect_reject(BUNDLE(V1_HR), sig_bad_b64, SGN_ERR_PARSE,
	    "tlog entry body.spec.signature.content: ");
	expect_reject(BUNDLE(V1_HR), sig_empty, SGN_ERR_PARSE,
	    "tlog entry body.spec.signature.content: empty");
	expect_reject(BUNDLE(V1_HR), no_public_key, SGN_ERR_PARSE,
	    "tlog entry body.spec.signature: missing \"publicKey\"");
	expect_reject(BUNDLE(V1_HR), no_data, SGN_ERR_PARSE,
	    "tlog entry body.spec: missing \"data\"");
}

Test(rekor, rejects_duplicate_keys)
{
	cJSON *j = body_tree(BUNDLE(V1_HR));
	char *s = cJSON_PrintUnformatted(j), *d, *v;
	size_t n;

	cr_assert_not_null(s);
	n = strlen(s) + 32;
	d = malloc(n);
	cr_assert_not_null(d);
	/* a second "kind" ahead of the real one */
	snprintf(d, n, "{\"kind\":\"rekord\",%s", s + 1);
	expect_text_reject(d, SGN_ERR_PARSE,
	    "tlog entry body: duplicate key \"kind\"");
	free(d);
	free(s);
	cJSON_Delete(j);

	/* and one deep inside the spec */
	j = body_tree(BUNDLE(V2_HR));
	s = cJSON_PrintUnformatted(j);
	cr_assert_not_null(s);
	n = strlen(s) + 64;
	d = malloc(n);
	cr_assert_not_null(d);
	v = strstr(s, "\"verifier\":{");
	cr_assert_not_null(v);
	v += strlen("\"verifier\":{");
	snprintf(d, n, "%.*s\"keyDetails\":\"PKIX_ED25519\",%s", (int)(v - s),
	    s, v);
	expect_text_reject(d, SGN_ERR_PARSE, "duplicate key \"keyDetails\"");
	free(d);
	free(s);
	cJSON_Delete(j);
}

/* dsse 0.0.1 -------------------------------------------------------- */

static cJSON *
dsse_sigs(cJSON *j)
{
	return get(get(j, "spec"), "signatures");
}

static void
dsse_two_sigs(cJSON *j)
{
	cJSON *s = dsse_sigs(j);

	cJSON_AddItemToArray(s, cJSON_Duplicate(cJSON_GetArrayItem(s, 0), 1));
}

static void
dsse_no_sigs(cJSON *j)
{
	cJSON_DeleteItemFromArray(dsse_sigs(j), 0);
}

static void
dsse_sigs_object(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(get(j, "spec"), "signatures",
	    cJSON_CreateObject());
}

static void
dsse_sig_string(cJSON *j)
{
	cJSON_ReplaceItemInArray(dsse_sigs(j), 0, cJSON_CreateString("x"));
}

static void
dsse_no_verifier(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetArrayItem(
	    dsse_sigs(j), 0), "verifier");
}

static void
dsse_no_payload_hash(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(get(j, "spec"), "payloadHash");
}

static void
dsse_bad_hex(cJSON *j)
{
	set_str(get(get(j, "spec"), "payloadHash"), "value", "d6b209ba");
}

Test(rekor, rejects_two_dsse_signatures)
{
	expect_reject(BUNDLE(V1_DSSE), dsse_two_sigs, SGN_ERR_PARSE,
	    "tlog entry body.spec.signatures: expected exactly one "
	    "signature");
	expect_reject(BUNDLE(V1_DSSE), dsse_no_sigs, SGN_ERR_PARSE,
	    "expected exactly one signature");
}

Test(rekor, requires_every_dsse_001_member)
{
	expect_reject(BUNDLE(V1_DSSE), dsse_sigs_object, SGN_ERR_PARSE,
	    "tlog entry body.spec.signatures: expected an array");
	expect_reject(BUNDLE(V1_DSSE), dsse_sig_string, SGN_ERR_PARSE,
	    "tlog entry body.spec.signatures[0]: missing \"signature\"");
	expect_reject(BUNDLE(V1_DSSE), dsse_no_verifier, SGN_ERR_PARSE,
	    "tlog entry body.spec.signatures[0]: missing \"verifier\"");
	expect_reject(BUNDLE(V1_DSSE), dsse_no_payload_hash, SGN_ERR_PARSE,
	    "tlog entry body.spec: missing \"payloadHash\"");
	expect_reject(BUNDLE(V1_DSSE), dsse_bad_hex, SGN_ERR_PARSE,
	    "tlog entry body.spec.payloadHash.value: not 64 hex digits");
}

/* intoto 0.0.2 ------------------------------------------------------ */

static cJSON *
env(cJSON *j)
{
	return get(get(get(j, "spec"), "content"), "envelope");
}

static void
intoto_two_sigs(cJSON *j)
{
	cJSON *s = get(env(j), "signatures");

	cJSON_AddItemToArray(s, cJSON_Duplicate(cJSON_GetArrayItem(s, 0), 1));
}

static void
intoto_single_b64_sig(cJSON *j)
{
	cJSON *s = cJSON_GetArrayItem(get(env(j), "signatures"), 0);
	uint8_t *once = NULL, *der = NULL;
	size_t n = 0, dlen = 0;
	char *txt;

	/* base64 once instead of twice: the inner text is raw DER */
	txt = get(s, "sig")->valuestring;
	cr_assert_eq(sgn_b64_decode(txt, strlen(txt), &once, &n, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_b64_decode((const char *)once, n, &der, &dlen, NULL),
	    SGN_OK);
	set_b64(s, "sig", der, dlen);
	free(der);
	free(once);
}

static void
intoto_no_payload(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(env(j), "payload");
}

static void
intoto_bad_payload(cJSON *j)
{
	set_b64(env(j), "payload", "{not base64}", 12);
}

static void
intoto_private(cJSON *j)
{
	char *pem = key_pem(1, NULL, NULL);

	set_b64(cJSON_GetArrayItem(get(env(j), "signatures"), 0),
	    "publicKey", pem, strlen(pem));
	free(pem);
}

static void
intoto_no_envelope(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(get(get(j, "spec"),
	    "content"), "envelope");
}

Test(rekor, rejects_two_intoto_signatures)
{
	expect_reject(INTOTO, intoto_two_sigs, SGN_ERR_PARSE,
	    "tlog entry body.spec.content.envelope.signatures: expected "
	    "exactly one signature");
}

Test(rekor, requires_every_intoto_002_member)
{
	struct sgn_rekor_body *rb;

	expect_reject(INTOTO, intoto_single_b64_sig, SGN_ERR_PARSE,
	    "tlog entry body.spec.content.envelope.signatures[0].sig: invalid "
	    "base64");
	expect_reject(INTOTO, intoto_bad_payload, SGN_ERR_PARSE,
	    "tlog entry body.spec.content.envelope.payload: invalid base64");
	expect_reject(INTOTO, intoto_private, SGN_ERR_PARSE,
	    "signatures[0].publicKey: unexpected PEM block \"PRIVATE KEY\"");
	expect_reject(INTOTO, intoto_no_envelope, SGN_ERR_PARSE,
	    "tlog entry body.spec.content: missing \"envelope\"");
	/* the payload is optional */
	rb = expect_accept(INTOTO, intoto_no_payload);
	cr_assert_null(rb->payload);
	cr_assert_eq(rb->payload_len, 0);
	sgn_rekor_body_free(&rb);
}

/* hashedrekord 0.0.2 ------------------------------------------------ */

static cJSON *
hr2(cJSON *j)
{
	return get(get(j, "spec"), "hashedRekordV002");
}

static cJSON *
hr2_verifier(cJSON *j)
{
	return get(get(hr2(j), "signature"), "verifier");
}

static void
v2_both(cJSON *j)
{
	cJSON *pk = cJSON_CreateObject();

	cJSON_AddStringToObject(pk, "rawBytes", "MFkwEwYHKoZIzj0CAQ==");
	cJSON_AddItemToObject(hr2_verifier(j), "publicKey", pk);
}

static void
v2_neither(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(hr2_verifier(j),
	    "x509Certificate");
}

static void
v2_js_both(cJSON *j)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "rawBytes", "MIIB");
	cJSON_AddItemToObject(hr2_verifier(j), "x509Certificate", c);
}

Test(rekor, requires_exactly_one_v2_verifier)
{
	expect_reject(BUNDLE(V2_HR), v2_both, SGN_ERR_PARSE,
	    "tlog entry body.spec.hashedRekordV002.signature.verifier: "
	    "expected exactly one of x509Certificate, publicKey");
	expect_reject(BUNDLE(V2_JS), v2_js_both, SGN_ERR_PARSE,
	    "expected exactly one of x509Certificate, publicKey");
	expect_reject(BUNDLE(V2_HR), v2_neither, SGN_ERR_PARSE,
	    "expected exactly one of x509Certificate, publicKey");
}

static void
v2_digest_31(cJSON *j)
{
	set_str(get(hr2(j), "data"), "digest",
	    "nQWxW5dcj0y4KatMK/Jy1rCfntcv3f2IZtCMeJcIcw==");
}

static void
v2_digest_33(cJSON *j)
{
	set_str(get(hr2(j), "data"), "digest",
	    "nQWxW5dcj0y4KatMK/Jy1rCfntcv3f2IZtCMeJcIc9UA");
}

static void
v2_sha512_of_256(cJSON *j)
{
	set_str(get(hr2(j), "data"), "algorithm", "SHA2_512");
}

static void
v2_alg_unknown(cJSON *j)
{
	set_str(get(hr2(j), "data"), "algorithm", "SHA3_256");
}

static void
v2_alg_lower(cJSON *j)
{
	set_str(get(hr2(j), "data"), "algorithm", "sha256");
}

static void
v2_digest_bad_b64(cJSON *j)
{
	set_str(get(hr2(j), "data"), "digest", "nQWx#");
}

Test(rekor, rejects_a_v2_digest_of_the_wrong_length)
{
	expect_reject(BUNDLE(V2_HR), v2_digest_31, SGN_ERR_PARSE,
	    "tlog entry body.spec.hashedRekordV002.data: bad SHA2_256 digest");
	expect_reject(BUNDLE(V2_HR), v2_digest_33, SGN_ERR_PARSE,
	    "data: bad SHA2_256 digest");
	expect_reject(BUNDLE(V2_HR), v2_sha512_of_256, SGN_ERR_PARSE,
	    "data: bad SHA2_512 digest");
	expect_reject(BUNDLE(V2_HR), v2_alg_unknown, SGN_ERR_PARSE,
	    "data: bad SHA3_256 digest");
	/* v2 bodies use the protobuf enum name */
	expect_reject(BUNDLE(V2_HR), v2_alg_lower, SGN_ERR_PARSE,
	    "data: bad sha256 digest");
	expect_reject(BUNDLE(V2_HR), v2_digest_bad_b64, SGN_ERR_PARSE,
	    "tlog entry body.spec.hashedRekordV002.digest: ");
}

static void
v2_no_key_details(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(hr2_verifier(j), "keyDetails");
}

static void
v2_key_details_48(cJSON *j)
{
	set_str(hr2_verifier(j), "keyDetails",
	    "PKIX_ECDSA_P256_SHA_256_PKIX_ECDSA_P256_SHA_2560");
}

static void
v2_key_details_47(cJSON *j)
{
	set_str(hr2_verifier(j), "keyDetails",
	    "PKIX_ECDSA_P256_SHA_256_PKIX_ECDSA_P256_SHA_256");
}

static void
v2_cert_bad_b64(cJSON *j)
{
	set_str(get(hr2_verifier(j), "x509Certificate"), "rawBytes", "MII*");
}

static void
v2_cert_no_raw(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(get(hr2_verifier(j),
	    "x509Certificate"), "rawBytes");
}

static void
v2_no_hr(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(get(j, "spec"),
	    "hashedRekordV002");
}

static void
v2_no_sig(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(get(hr2(j), "signature"),
	    "content");
}

Test(rekor, requires_every_hashedrekord_002_member)
{
	struct sgn_rekor_body *rb;

	expect_reject(BUNDLE(V2_HR), v2_no_key_details, SGN_ERR_PARSE,
	    "tlog entry body.spec.hashedRekordV002.signature.verifier: "
	    "missing \"keyDetails\"");
	expect_reject(BUNDLE(V2_HR), v2_key_details_48, SGN_ERR_PARSE,
	    "tlog entry body.spec.hashedRekordV002: keyDetails too long");
	expect_reject(BUNDLE(V2_HR), v2_cert_bad_b64, SGN_ERR_PARSE,
	    "tlog entry body.spec.hashedRekordV002.signature.verifier."
	    "rawBytes: ");
	expect_reject(BUNDLE(V2_HR), v2_cert_no_raw, SGN_ERR_PARSE,
	    "verifier: missing \"rawBytes\"");
	expect_reject(BUNDLE(V2_HR), v2_no_hr, SGN_ERR_PARSE,
	    "tlog entry body.spec: missing \"hashedRekordV002\"");
	expect_reject(BUNDLE(V2_HR), v2_no_sig, SGN_ERR_PARSE,
	    "tlog entry body.spec.hashedRekordV002.signature: missing "
	    "\"content\"");
	/* 47 characters still fit */
	rb = expect_accept(BUNDLE(V2_HR), v2_key_details_47);
	cr_assert_str_eq(rb->key_details,
	    "PKIX_ECDSA_P256_SHA_256_PKIX_ECDSA_P256_SHA_256");
	sgn_rekor_body_free(&rb);
}
