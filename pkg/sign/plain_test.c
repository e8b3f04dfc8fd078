/*
 * Unit tests for sgn_sign_intoto_plain(): OpenSSF model signing's key
 * and certificate methods.  Bundles are signed with model_signing's test
 * key and certificates (testdata/model-signing/signed/keys) and with
 * generated keys, then verified with sgn_verify_plain().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <criterion/criterion.h>

#include "bundle.h"
#include "dsse.h"
#include "keys.h"
#include "sign.h"
#include "testutil.h"
#include "verify.h"
#include "x509.h"

#define KEYS		"testdata/model-signing/signed/keys/certificate/"
#define MS_HINT		"e8450dec4eb99dae995da9af1bc2cc9f" \
			"76ed669ee2e744f57abba763df3e3f8e"

static const char STATEMENT[] =
    "{\n  \"_type\": \"https://in-toto.io/Statement/v1\",\n  \"subject\": "
    "[\n    {\n      \"name\": \"model\",\n      \"digest\": {\n        "
    "\"sha256\": \"61d4849d9d90076d6215f4d525f13d6574af8e3f67aef3e6f36fc"
    "40a14fdd226\"\n      }\n    }\n  ],\n  \"predicateType\": "
    "\"https://model_signing/signature/v1.0\",\n  \"predicate\": {}\n}";
#define STLEN (sizeof(STATEMENT) - 1)

static struct sgn_signer *
ms_signer(void)
{
	size_t len;
	uint8_t *pem = tu_read(KEYS "signing-key.pem", &len);
	struct sgn_signer *s = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signer_from_pem((const char *)pem, len, NULL, &s,
	    &eb), SGN_OK, "%s", eb.msg);
	sgn_memzero(pem, len);
	free(pem);
	return s;
}

/* The DER of the first certificate of a PEM file, as a blob. */
static struct sgn_blob
cert_blob(const char *path)
{
	size_t len;
	uint8_t *pem = tu_read(path, &len);
	struct sgn_cert *c = NULL;
	struct sgn_blob b;

	cr_assert_eq(sgn_cert_from_pem((const char *)pem, len, &c, NULL),
	    SGN_OK, "%s", path);
	b.len = sgn_cert_der_len(c);
	b.ptr = malloc(b.len);
	cr_assert_not_null(b.ptr);
	memcpy(b.ptr, sgn_cert_der_ptr(c), b.len);
	sgn_cert_free(&c);
	free(pem);
	return b;
}

static struct sgn_bundle *
sign_ok(struct sgn_signer *s, const struct sgn_blob *certs, size_t n)
{
	struct sgn_buf out;
	struct sgn_errbuf eb;
	struct sgn_bundle *b = NULL;

	sgn_buf_init(&out, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_sign_intoto_plain(s, certs, n,
	    (const uint8_t *)STATEMENT, STLEN, &out, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert(tu_has((const char *)out.ptr, "\"tlogEntries\":\t[]"),
	    "%s", (const char *)out.ptr);
	cr_assert_eq(sgn_bundle_parse(out.ptr, out.len, &b, &eb), SGN_OK,
	    "%s", eb.msg);
	sgn_buf_reset(&out);
	cr_assert_eq(b->version_minor, 3);
	cr_assert_str_eq(b->media_type,
	    "application/vnd.dev.sigstore.bundle.v0.3+json");
	cr_assert_eq(b->n_entries, 0);
	cr_assert_eq(b->n_timestamps, 0);
	cr_assert_eq(b->content, SGN_CONTENT_DSSE);
	cr_assert_str_eq(b->payload_type, SGN_INTOTO_PAYLOAD_TYPE);
	cr_assert_not_null(b->keyid);
	cr_assert_str_eq(b->keyid, "");
	cr_assert_eq(b->payload.len, STLEN);
	cr_assert_eq(memcmp(b->payload.ptr, STATEMENT, STLEN), 0);
	return b;
}

static void
sign_fails(struct sgn_signer *s, const struct sgn_blob *certs, size_t n,
    const char *statement, sgn_err code, const char *want)
{
	struct sgn_buf out;
	struct sgn_errbuf eb;

	sgn_buf_init(&out, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_sign_intoto_plain(s, certs, n,
	    (const uint8_t *)statement, strlen(statement), &out, &eb), code,
	    "%s", eb.msg);
	cr_assert_eq(out.len, 0);
	cr_assert(tu_has(eb.msg, want), "message \"%s\" lacks \"%s\"",
	    eb.msg, want);
	sgn_buf_reset(&out);
}

static void
verify_ok(const struct sgn_bundle *b, const struct sgn_pubkey *key,
    const char *ca_path)
{
	struct sgn_plain_trust t;
	struct sgn_verify_result res = SGN_VERIFY_RESULT_INIT;
	struct sgn_errbuf eb;
	const uint8_t *p = NULL;
	size_t plen = 0, calen = 0;
	char *ca = NULL;

	t = (struct sgn_plain_trust)SGN_PLAIN_TRUST_INIT;
	t.key = key;
	if (ca_path != NULL) {
		ca = (char *)tu_read(ca_path, &calen);
		t.ca_pem = ca;
		t.ca_len = calen;
	}
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_verify_plain(b, &t, &p, &plen, &res, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(res.legacy, 0);
	cr_assert_eq(plen, STLEN);
	sgn_verify_result_reset(&res);
	free(ca);
}

Test(sign, signs_by_the_key_method_with_the_model_signing_key)
{
	struct sgn_signer *s = ms_signer();
	struct sgn_pubkey *pub = NULL;
	struct sgn_bundle *b;
	size_t len;
	uint8_t *pem = tu_read(KEYS "signing-key-pub.pem", &len);

	cr_assert_eq(sgn_pubkey_from_pem((const char *)pem, len, &pub, NULL),
	    SGN_OK);
	b = sign_ok(s, NULL, 0);
	cr_assert_eq(b->material, SGN_MATERIAL_PUBLIC_KEY);
	cr_assert_str_eq(b->key_hint, MS_HINT);
	cr_assert_eq(b->key_raw.len, 0);
	cr_assert_null(b->key_details);
	verify_ok(b, pub, NULL);
	sgn_bundle_free(&b);
	sgn_pubkey_free(&pub);
	sgn_signer_free(&s);
	free(pem);
}

Test(sign, signs_by_the_certificate_method_with_the_model_signing_chain)
{
	struct sgn_signer *s = ms_signer();
	struct sgn_blob certs[2];
	struct sgn_bundle *b;
	size_t i;

	certs[0] = cert_blob(KEYS "signing-key-cert.pem");
	certs[1] = cert_blob(KEYS "int-ca-cert.pem");
	b = sign_ok(s, certs, 2);
	cr_assert_eq(b->material, SGN_MATERIAL_CHAIN);
	cr_assert_eq(b->n_certs, 2);
	for (i = 0; i < 2; i++) {
		cr_assert_eq(b->certs[i].len, certs[i].len);
		cr_assert_eq(memcmp(b->certs[i].ptr, certs[i].ptr,
		    certs[i].len), 0);
	}
	cr_assert_null(b->key_hint);
	verify_ok(b, NULL, KEYS "ca-cert.pem");
	sgn_bundle_free(&b);
	/* the leaf alone: the verifier then lacks the intermediate */
	b = sign_ok(s, certs, 1);
	cr_assert_eq(b->n_certs, 1);
	sgn_bundle_free(&b);
	for (i = 0; i < 2; i++)
		free(certs[i].ptr);
	sgn_signer_free(&s);
}

Test(sign, round_trips_generated_keys_with_the_curves_hash)
{
	static const sgn_key_type types[] = { SGN_KEY_ECDSA_P256,
	    SGN_KEY_ECDSA_P384, SGN_KEY_ECDSA_P521 };
	static const sgn_hash_alg hashes[] = { SGN_HASH_SHA256,
	    SGN_HASH_SHA384, SGN_HASH_SHA512 };
	size_t i, k;

	for (i = 0; i < 3; i++) {
		struct sgn_signer *s = NULL;
		struct sgn_bundle *b;
		struct sgn_buf pae;
		const struct sgn_pubkey *pub;
		char hint[SGN_PUBKEY_HINT_LEN];

		cr_assert_eq(sgn_signer_ephemeral(types[i], &s, NULL), SGN_OK);
		pub = sgn_signer_pubkey(s);
		b = sign_ok(s, NULL, 0);
		cr_assert_eq(sgn_pubkey_pem_hint(pub, hint, NULL), SGN_OK);
		cr_assert_str_eq(b->key_hint, hint);
		verify_ok(b, pub, NULL);
		/* the signature is over PAE with this curve's hash only */
		sgn_buf_init(&pae, 0);
		cr_assert_eq(sgn_dsse_pae(SGN_INTOTO_PAYLOAD_TYPE,
		    (const uint8_t *)STATEMENT, STLEN, &pae, NULL), SGN_OK);
		for (k = 0; k < 3; k++)
			cr_assert_eq(sgn_pubkey_verify(pub, hashes[k], pae.ptr,
			    pae.len, b->signature.ptr, b->signature.len,
			    NULL) == SGN_OK, k == i, "key %zu hash %zu", i, k);
		sgn_buf_reset(&pae);
		sgn_bundle_free(&b);
		sgn_signer_free(&s);
	}
}

Test(sign, appends_to_what_the_buffer_holds)
{
	struct sgn_signer *s = ms_signer();
	struct sgn_buf out;
	struct sgn_bundle *b = NULL;

	sgn_buf_init(&out, 0);
	cr_assert_eq(sgn_buf_append(&out, "[", 1, NULL), SGN_OK);
	cr_assert_eq(sgn_sign_intoto_plain(s, NULL, 0,
	    (const uint8_t *)STATEMENT, STLEN, &out, NULL), SGN_OK);
	cr_assert_eq(out.ptr[0], '[');
	cr_assert_eq(sgn_bundle_parse(out.ptr + 1, out.len - 1, &b, NULL),
	    SGN_OK);
	sgn_bundle_free(&b);
	sgn_buf_reset(&out);
	sgn_signer_free(&s);
}

Test(sign, refuses_keys_that_are_not_nist_ecdsa)
{
	struct sgn_signer *s = NULL;

	cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ED25519, &s, NULL), SGN_OK);
	sign_fails(s, NULL, 0, STATEMENT, SGN_ERR_UNSUPPORTED, "model signing "
	    "signs with ECDSA P-256, P-384 or P-521 keys, not Ed25519");
	sgn_signer_free(&s);
}

Test(sign, refuses_a_certificate_for_another_key)
{
	struct sgn_signer *s = NULL;
	struct sgn_blob leaf = cert_blob(KEYS "signing-key-cert.pem");

	cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ECDSA_P384, &s, NULL),
	    SGN_OK);
	sign_fails(s, &leaf, 1, STATEMENT, SGN_ERR_INVALID_ARGUMENT,
	    "signing certificate: its public key (ECDSA P-384) is not the "
	    "private key's (ECDSA P-384)");
	free(leaf.ptr);
	sgn_signer_free(&s);
}

/* A self-issued certificate for s's key with exts (zero-terminated nid,
 * value pairs), signed by a throwaway CA key. */
static struct sgn_blob
leaf_for(struct sgn_signer *s, const int *nids, const char *const *values)
{
	EVP_PKEY *ca = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509V3_CTX ctx;
	struct sgn_blob b;
	unsigned char *der = NULL;
	int n;
	size_t i;

	cr_assert_not_null(ca);
	cr_assert_not_null(x);
	cr_assert_not_null(name);
	cr_assert_eq(X509_set_version(x, X509_VERSION_3), 1);
	cr_assert_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), 7), 1);
	cr_assert_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"signer", -1, -1, 0), 1);
	cr_assert_eq(X509_set_subject_name(x, name), 1);
	cr_assert_eq(X509_set_issuer_name(x, name), 1);
	cr_assert_not_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	cr_assert_not_null(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
	cr_assert_eq(X509_set_pubkey(x, sgn_pubkey_evp(sgn_signer_pubkey(s))),
	    1);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	for (i = 0; nids[i] != 0; i++) {
		X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, &ctx, nids[i],
		    values[i]);
		cr_assert_not_null(e);
		cr_assert_eq(X509_add_ext(x, e, -1), 1);
		X509_EXTENSION_free(e);
	}
	cr_assert_gt(X509_sign(x, ca, EVP_sha256()), 0);
	n = i2d_X509(x, &der);
	cr_assert_gt(n, 0);
	b.ptr = malloc((size_t)n);
	cr_assert_not_null(b.ptr);
	memcpy(b.ptr, der, (size_t)n);
	b.len = (size_t)n;
	OPENSSL_free(der);
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(ca);
	return b;
}

Test(sign, refuses_a_certificate_that_may_not_sign)
{
	static const int nids[] = { NID_key_usage, NID_ext_key_usage, 0 };
	static const char *const values[] = { "critical,keyEncipherment",
	    "serverAuth" };
	static const int ok_nids[] = { NID_ext_key_usage, 0 };
	static const char *const ok_values[] = { "codeSigning" };
	struct sgn_signer *s = NULL;
	struct sgn_blob leaf;
	struct sgn_bundle *b;

	cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ECDSA_P256, &s, NULL),
	    SGN_OK);
	leaf = leaf_for(s, nids, values);
	sign_fails(s, &leaf, 1, STATEMENT, SGN_ERR_VERIFY, "signing "
	    "certificate: leaf has neither digitalSignature key usage nor "
	    "codeSigning extended key usage");
	free(leaf.ptr);
	leaf = leaf_for(s, ok_nids, ok_values);
	b = sign_ok(s, &leaf, 1);
	sgn_bundle_free(&b);
	free(leaf.ptr);
	sgn_signer_free(&s);
}

Test(sign, refuses_unreadable_certificates)
{
	static uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	struct sgn_signer *s = ms_signer();
	struct sgn_blob certs[2];

	certs[0].ptr = junk;
	certs[0].len = sizeof(junk);
	sign_fails(s, certs, 1, STATEMENT, SGN_ERR_PARSE,
	    "signing certificate: invalid certificate");
	certs[0] = cert_blob(KEYS "signing-key-cert.pem");
	certs[1].ptr = junk;
	certs[1].len = sizeof(junk);
	sign_fails(s, certs, 2, STATEMENT, SGN_ERR_PARSE,
	    "certificate chain: certificate 1: invalid certificate");
	free(certs[0].ptr);
	sgn_signer_free(&s);
}

Test(sign, refuses_what_is_not_an_in_toto_statement)
{
	struct sgn_signer *s = ms_signer();

	sign_fails(s, NULL, 0, "not json", SGN_ERR_PARSE, "in-toto");
	sign_fails(s, NULL, 0, "{\"_type\":\"https://in-toto.io/Statement/"
	    "v1\",\"subject\":[],\"predicateType\":\"x\",\"predicate\":{}}",
	    SGN_ERR_PARSE, "subject");
	sgn_signer_free(&s);
}

Test(sign, checks_its_arguments)
{
	struct sgn_signer *s = ms_signer();
	struct sgn_blob certs[SGN_BUNDLE_MAX_CHAIN + 1];

	memset(certs, 0, sizeof(certs));
	sign_fails(s, NULL, 1, STATEMENT, SGN_ERR_INVALID_ARGUMENT,
	    "missing argument");
	sign_fails(s, certs, 0, STATEMENT, SGN_ERR_INVALID_ARGUMENT,
	    "missing argument");
	sign_fails(NULL, NULL, 0, STATEMENT, SGN_ERR_INVALID_ARGUMENT,
	    "missing argument");
	sign_fails(s, certs, SGN_BUNDLE_MAX_CHAIN + 1, STATEMENT,
	    SGN_ERR_LIMIT, "more than 16 certificates");
	sgn_signer_free(&s);
}
