/*
 * Unit tests for pkg/pkcs11: RFC 7512 URIs (one negative test per rule
 * the parser enforces), the module loader's refusals, and (when a token
 * is given, below) signing on a token.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <criterion/criterion.h>

#include "pkcs11.h"
#include "testutil.h"

static sgn_err
parse(const char *s, struct sgn_p11_uri *u, struct sgn_errbuf *eb)
{
	sgn_errbuf_clear(eb);
	return sgn_p11_uri_parse(s, strlen(s), u, eb);
}

/* A refused URI: the code, a message naming why, nothing kept. */
static void
refused(const char *s, sgn_err want, const char *why)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_eq(parse(s, &u, &eb), want, "%s: %s", s, eb.msg);
	cr_assert(tu_has(eb.msg, why), "%s: \"%s\" lacks \"%s\"", s, eb.msg,
	    why);
	cr_assert_null(u.token);
	cr_assert_null(u.object);
	cr_assert_null(u.pin_value.ptr);
}

Test(pkcs11_uri, a_cosign_uri_is_read_whole)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_eq(parse("pkcs11:token=my%20token;object=sign%3Bkey;"
	    "id=%01%00%ff;type=private;slot-id=3"
	    "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/p",
	    &u, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(u.token, "my token");
	cr_assert_str_eq(u.object, "sign;key");
	cr_assert(u.has_id);
	cr_assert_eq(u.id_len, 3);
	cr_assert_eq(memcmp(u.id, "\x01\x00\xff", 3), 0);
	cr_assert_eq(u.type, SGN_P11_TYPE_PRIVATE);
	cr_assert(u.has_slot_id);
	cr_assert_eq(u.slot_id, 3);
	cr_assert_str_eq(u.module_path, "/usr/lib/softhsm/libsofthsm2.so");
	cr_assert_str_eq(u.pin_source, "file:/p");
	cr_assert_not(u.has_pin_value);
	sgn_p11_uri_reset(&u);
	cr_assert_null(u.token);
}

Test(pkcs11_uri, pin_value_is_kept_as_a_secret)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_eq(parse("pkcs11:object=k?pin-value=12%334", &u, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert(u.has_pin_value);
	cr_assert_eq(u.pin_value.len, 4);
	cr_assert_eq(memcmp(u.pin_value.ptr, "1234", 4), 0);
	sgn_p11_uri_reset(&u);
	cr_assert_null(u.pin_value.ptr);
}

Test(pkcs11_uri, an_empty_path_is_every_token)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_eq(parse("pkcs11:", &u, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_null(u.token);
	cr_assert_not(u.has_id);
	sgn_p11_uri_reset(&u);
}

Test(pkcs11_uri, another_scheme_is_refused)
{
	refused("pkcs12:token=a", SGN_ERR_PARSE, "not a pkcs11: URI");
	refused("PKCS11:token=a", SGN_ERR_PARSE, "not a pkcs11: URI");
	refused("pkcs11", SGN_ERR_PARSE, "not a pkcs11: URI");
}

Test(pkcs11_uri, an_unknown_attribute_is_refused)
{
	refused("pkcs11:token=a;label=b", SGN_ERR_PARSE,
	    "unknown attribute \"label\"");
	refused("pkcs11:token=a;x-vendor=b", SGN_ERR_PARSE,
	    "unknown attribute \"x-vendor\"");
	refused("pkcs11:token=a?pin=1234", SGN_ERR_PARSE,
	    "unknown attribute \"pin\"");
	/* names are case-sensitive */
	refused("pkcs11:Token=a", SGN_ERR_PARSE, "unknown attribute");
}

Test(pkcs11_uri, an_unknown_attribute_name_is_not_echoed_when_odd)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_eq(parse("pkcs11:sec%72et=1", &u, &eb), SGN_ERR_PARSE);
	cr_assert_str_eq(eb.msg, "pkcs11 URI: an unknown attribute");
}

Test(pkcs11_uri, a_duplicate_attribute_is_refused)
{
	refused("pkcs11:token=a;object=b;token=a", SGN_ERR_PARSE,
	    "token given twice");
	refused("pkcs11:id=%01;id=%01", SGN_ERR_PARSE, "id given twice");
	refused("pkcs11:object=k?pin-source=/a&pin-source=/b", SGN_ERR_PARSE,
	    "pin-source given twice");
}

Test(pkcs11_uri, attributes_on_the_wrong_side_are_refused)
{
	refused("pkcs11:module-path=/lib/x.so", SGN_ERR_PARSE,
	    "module-path belongs in the query");
	refused("pkcs11:object=k?token=a", SGN_ERR_PARSE,
	    "token belongs in the path");
	/* ';' in the query is no separator: part of the value, refused */
	refused("pkcs11:object=k?pin-source=/a;token=b", SGN_ERR_PARSE,
	    "must be percent-encoded");
}

Test(pkcs11_uri, malformed_attributes_are_refused)
{
	refused("pkcs11:token", SGN_ERR_PARSE, "without '='");
	refused("pkcs11:token=", SGN_ERR_PARSE, "token has an empty value");
	refused("pkcs11:token=a;;object=b", SGN_ERR_PARSE, "empty attribute");
	refused("pkcs11:token=a;", SGN_ERR_PARSE, "ends with a separator");
	refused("pkcs11:token=a?", SGN_ERR_PARSE, "empty query");
	refused("pkcs11:object=k?pin-source=/a&", SGN_ERR_PARSE,
	    "ends with a separator");
}

Test(pkcs11_uri, bad_percent_encoding_is_refused)
{
	refused("pkcs11:token=a%2", SGN_ERR_PARSE, "two hex digits");
	refused("pkcs11:token=a%zz", SGN_ERR_PARSE, "two hex digits");
	refused("pkcs11:token=%", SGN_ERR_PARSE, "two hex digits");
	refused("pkcs11:token=a%00b", SGN_ERR_PARSE, "NUL byte");
}

Test(pkcs11_uri, characters_the_rfc_wants_encoded_are_refused)
{
	refused("pkcs11:token=my token", SGN_ERR_PARSE,
	    "must be percent-encoded");
	refused("pkcs11:object=a/b", SGN_ERR_PARSE, "must be percent-encoded");
	refused("pkcs11:object=a\nb", SGN_ERR_PARSE,
	    "must be percent-encoded");
	refused("pkcs11:object=a\xc3\xa9", SGN_ERR_PARSE,
	    "must be percent-encoded");
	refused("pkcs11:object=a#b", SGN_ERR_PARSE, "must be percent-encoded");
}

Test(pkcs11_uri, type_and_slot_id_are_checked)
{
	refused("pkcs11:type=cert", SGN_ERR_PARSE,
	    "type must be private or public");
	refused("pkcs11:type=private%00", SGN_ERR_PARSE,
	    "type must be private or public");
	refused("pkcs11:slot-id=1a", SGN_ERR_PARSE, "decimal number");
	refused("pkcs11:slot-id=-1", SGN_ERR_PARSE, "decimal number");
	refused("pkcs11:slot-id=01", SGN_ERR_PARSE, "decimal number");
	refused("pkcs11:slot-id=99999999999", SGN_ERR_PARSE, "decimal number");
}

Test(pkcs11_uri, attributes_not_matched_yet_are_refused_not_ignored)
{
	refused("pkcs11:library-description=x", SGN_ERR_UNSUPPORTED,
	    "library-description is not supported");
	refused("pkcs11:object=k?module-name=softhsm2", SGN_ERR_UNSUPPORTED,
	    "module-name is not supported");
}

Test(pkcs11_uri, pin_value_and_pin_source_together_are_refused)
{
	refused("pkcs11:object=k?pin-value=1&pin-source=/p", SGN_ERR_PARSE,
	    "pin-value and pin-source together");
}

Test(pkcs11_uri, errors_never_hold_the_pin)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_neq(parse("pkcs11:object=k?pin-value=SECRET%2", &u, &eb),
	    SGN_OK);
	cr_assert_not(tu_has(eb.msg, "SECRET"), "%s", eb.msg);
	cr_assert_neq(parse("pkcs11:object=k?pin-value=SECRET&pin-value=x",
	    &u, &eb), SGN_OK);
	cr_assert_not(tu_has(eb.msg, "SECRET"), "%s", eb.msg);
}

Test(pkcs11_uri, long_uris_and_values_are_refused)
{
	size_t n = SGN_P11_MAX_URI + 1, i;
	char *s = malloc(n + 1);

	cr_assert_not_null(s);
	memcpy(s, "pkcs11:object=", 14);
	for (i = 14; i < n; i++)
		s[i] = 'a';
	s[n] = '\0';
	refused(s, SGN_ERR_LIMIT, "longer than 4096 bytes");
	s[14 + SGN_P11_MAX_ATTR + 1] = '\0';
	refused(s, SGN_ERR_LIMIT, "object: longer than 1024 bytes");
	s[14 + SGN_P11_MAX_ATTR] = '\0';
	{
		struct sgn_p11_uri u;
		struct sgn_errbuf eb;

		cr_assert_eq(parse(s, &u, &eb), SGN_OK, "%s", eb.msg);
		sgn_p11_uri_reset(&u);
	}
	free(s);
}

/* The module loader ------------------------------------------------------ */

static sgn_err
no_pin(void *arg, const char *label, struct sgn_secret *pin,
    struct sgn_errbuf *eb)
{
	(void)arg;
	(void)pin;
	return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "no PIN for %s", label);
}

static sgn_err
signer_from(const char *module, const char *uri, struct sgn_signer **s,
    struct sgn_errbuf *eb)
{
	struct sgn_p11_uri u;
	sgn_err r;

	cr_assert_eq(parse(uri, &u, eb), SGN_OK, "%s", eb->msg);
	r = sgn_p11_signer(module, &u, no_pin, NULL, s, eb);
	sgn_p11_uri_reset(&u);
	return r;
}

Test(pkcs11_loader, a_library_without_c_getfunctionlist_is_refused)
{
	const char *libc = "/lib/x86_64-linux-gnu/libc.so.6";
	struct sgn_signer *s = NULL;
	struct sgn_errbuf eb;

	if (access(libc, R_OK) != 0)
		cr_skip_test("no %s", libc);
	cr_assert_eq(signer_from(libc, "pkcs11:object=k", &s, &eb),
	    SGN_ERR_UNSUPPORTED, "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "is not a PKCS#11 module (it has no "
	    "C_GetFunctionList)"), "%s", eb.msg);
	cr_assert_null(s);
}

Test(pkcs11_loader, a_relative_or_missing_module_is_refused)
{
	struct sgn_signer *s = NULL;
	struct sgn_errbuf eb;

	cr_assert_eq(signer_from("libsofthsm2.so", "pkcs11:object=k", &s,
	    &eb), SGN_ERR_INVALID_ARGUMENT, "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "give an absolute path"), "%s", eb.msg);
	cr_assert_eq(signer_from("/nonexistent/p11.so", "pkcs11:object=k", &s,
	    &eb), SGN_ERR_UNSUPPORTED, "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "no such file"), "%s", eb.msg);
	/* a file that is no shared object at all */
	cr_assert_eq(signer_from("/etc/passwd", "pkcs11:object=k", &s, &eb),
	    SGN_ERR_UNSUPPORTED, "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "cannot load PKCS#11 module"), "%s", eb.msg);
	cr_assert_null(s);
}

Test(pkcs11_loader, a_uri_without_object_or_id_is_refused_before_loading)
{
	struct sgn_signer *s = NULL;
	struct sgn_errbuf eb;

	cr_assert_eq(signer_from("/nonexistent/p11.so", "pkcs11:token=t", &s,
	    &eb), SGN_ERR_INVALID_ARGUMENT, "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "name the key with object= or id="), "%s",
	    eb.msg);
}

/*
 * A token ----------------------------------------------------------------
 *
 * Run by scripts/e2e-pkcs11.sh against SoftHSM2, and by make test-device
 * against a real token: SIGNET_TEST_PKCS11_URI (an ECDSA key), optionally
 * SIGNET_TEST_PKCS11_RSA (an RSA key), SIGNET_TEST_PKCS11_MODULE and
 * SIGNET_TEST_PKCS11_PIN.  Skipped when the URI is not set.  The wrong-PIN
 * test spends a PIN retry: only with SIGNET_TEST_PKCS11_SPEND_PIN=1.
 */

static sgn_err
env_pin(void *arg, const char *label, struct sgn_secret *pin,
    struct sgn_errbuf *eb)
{
	const char *p = arg;

	if (p == NULL)
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "no PIN for %s",
		    label);
	return sgn_secret_set(pin, p, strlen(p), eb);
}

static const char *
test_module(void)
{
	const char *m = getenv("SIGNET_TEST_PKCS11_MODULE");

	return m != NULL ? m : "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so";
}

static struct sgn_signer *
token_signer(const char *var, const char *pin, struct sgn_errbuf *eb,
    sgn_err *rp)
{
	const char *uri = getenv(var);
	struct sgn_signer *s = NULL;
	struct sgn_p11_uri u;

	if (uri == NULL)
		cr_skip_test("%s is not set", var);
	cr_assert_eq(parse(uri, &u, eb), SGN_OK, "%s", eb->msg);
	*rp = sgn_p11_signer(test_module(), &u, env_pin, (void *)(uintptr_t)
	    pin, &s, eb);
	sgn_p11_uri_reset(&u);
	return s;
}

static const uint8_t TMSG[] = "signed on a PKCS#11 token";

Test(pkcs11_token, an_ecdsa_key_signs_and_the_signature_verifies)
{
	struct sgn_errbuf eb;
	struct sgn_signer *s;
	struct sgn_pubkey *pk = NULL;
	struct sgn_p11_uri u;
	const struct sgn_pubkey *sp;
	uint8_t *sig = NULL;
	size_t siglen = 0;
	sgn_err r;

	s = token_signer("SIGNET_TEST_PKCS11_URI",
	    getenv("SIGNET_TEST_PKCS11_PIN"), &eb, &r);
	cr_assert_eq(r, SGN_OK, "%s", eb.msg);
	sp = sgn_signer_pubkey(s);
	cr_assert(sgn_pubkey_is_ecdsa(sp), "%s", sgn_pubkey_describe(sp));
	cr_assert_eq(sgn_signer_sign(s, TMSG, sizeof(TMSG) - 1, &sig, &siglen,
	    &eb), SGN_OK, "%s", eb.msg);
	/* DER, not the token's raw r||s */
	cr_assert_eq(sig[0], 0x30);
	cr_assert_eq(sgn_pubkey_verify(sp, sgn_pubkey_default_hash(sp), TMSG,
	    sizeof(TMSG) - 1, sig, siglen, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_pubkey_verify(sp, sgn_pubkey_default_hash(sp), TMSG,
	    sizeof(TMSG) - 2, sig, siglen, &eb), SGN_ERR_VERIFY);
	/* the public key read without the signer is the same key */
	cr_assert_eq(parse(getenv("SIGNET_TEST_PKCS11_URI"), &u, &eb),
	    SGN_OK);
	cr_assert_eq(sgn_p11_pubkey(test_module(), &u, env_pin,
	    getenv("SIGNET_TEST_PKCS11_PIN"), &pk, &eb), SGN_OK, "%s", eb.msg);
	cr_assert(sgn_pubkey_equal(pk, sp));
	sgn_p11_uri_reset(&u);
	sgn_pubkey_free(&pk);
	free(sig);
	sgn_signer_free(&s);
	cr_assert_null(s);
}

Test(pkcs11_token, an_rsa_key_signs_with_pss_sha256_and_a_32_byte_salt)
{
	struct sgn_errbuf eb;
	struct sgn_signer *s;
	EVP_PKEY_CTX *ctx;
	uint8_t dig[32], *sig = NULL;
	size_t siglen = 0;
	sgn_err r;

	s = token_signer("SIGNET_TEST_PKCS11_RSA",
	    getenv("SIGNET_TEST_PKCS11_PIN"), &eb, &r);
	cr_assert_eq(r, SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_pubkey_type(sgn_signer_pubkey(s)), SGN_KEY_RSA);
	cr_assert_eq(SHA256(TMSG, sizeof(TMSG) - 1, dig), dig);
	cr_assert_eq(sgn_signer_sign_digest(s, SGN_HASH_SHA256, dig,
	    sizeof(dig), &sig, &siglen, &eb), SGN_OK, "%s", eb.msg);
	/* plain OpenSSL: PSS with SHA-256, MGF1-SHA-256, salt 32 */
	ctx = EVP_PKEY_CTX_new(sgn_pubkey_evp(sgn_signer_pubkey(s)), NULL);
	cr_assert_not_null(ctx);
	cr_assert_eq(EVP_PKEY_verify_init(ctx), 1);
	cr_assert_eq(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING),
	    1);
	cr_assert_eq(EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()), 1);
	cr_assert_eq(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()), 1);
	cr_assert_eq(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 32), 1);
	cr_assert_eq(EVP_PKEY_verify(ctx, sig, siglen, dig, sizeof(dig)), 1);
	dig[0] ^= 1;
	cr_assert_neq(EVP_PKEY_verify(ctx, sig, siglen, dig, sizeof(dig)), 1);
	EVP_PKEY_CTX_free(ctx);
	free(sig);
	sgn_signer_free(&s);
}

Test(pkcs11_token, a_wrong_pin_is_refused_without_showing_it)
{
	struct sgn_errbuf eb;
	struct sgn_signer *s;
	sgn_err r;

	if (getenv("SIGNET_TEST_PKCS11_SPEND_PIN") == NULL)
		cr_skip_test("spends a PIN retry: set "
		    "SIGNET_TEST_PKCS11_SPEND_PIN=1");
	s = token_signer("SIGNET_TEST_PKCS11_URI", "907856", &eb, &r);
	cr_assert_eq(r, SGN_ERR_PIN_REQUIRED, "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "wrong PIN"), "%s", eb.msg);
	cr_assert_not(tu_has(eb.msg, "907856"), "%s", eb.msg);
	cr_assert_null(s);
}
