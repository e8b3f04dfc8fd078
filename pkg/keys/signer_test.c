/*
 * Unit tests for the signers of pkg/keys read from PEM key files, and for
 * the model_signing key hint.  Keys are generated here and written with
 * OpenSSL's own PEM encoders (PKCS#8, SEC1, both encryptions), or come
 * from the model_signing vectors in testdata/model-signing/signed/keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <criterion/criterion.h>

#include "keys.h"
#include "testutil.h"

#define KEYDIR		"testdata/model-signing/signed/keys/certificate/"
#define MS_KEY		KEYDIR "signing-key.pem"
#define MS_PUB		KEYDIR "signing-key-pub.pem"
#define MS_HINT		"e8450dec4eb99dae995da9af1bc2cc9f" \
			"76ed669ee2e744f57abba763df3e3f8e"

static const uint8_t MSG[] = "a model signed with a key from a file";
#define MSGLEN (sizeof(MSG) - 1)

static EVP_PKEY *
gen(const char *alg, const char *curve)
{
	EVP_PKEY *k = curve != NULL ?
	    EVP_PKEY_Q_keygen(NULL, NULL, alg, curve) :
	    EVP_PKEY_Q_keygen(NULL, NULL, alg);

	cr_assert_not_null(k, "keygen %s", alg);
	return k;
}

enum form { PKCS8, SEC1 };

/* PEM text of k's private key; cipher/pass encrypt it.  malloc'd. */
static char *
priv_pem(EVP_PKEY *k, enum form form, const EVP_CIPHER *cipher,
    const char *pass, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	cr_assert_not_null(bio);
	if (form == PKCS8)
		cr_assert_eq(PEM_write_bio_PrivateKey(bio, k, cipher,
		    (const unsigned char *)pass, pass != NULL ?
		    (int)strlen(pass) : 0, NULL, NULL), 1);
	else
		cr_assert_eq(PEM_write_bio_PrivateKey_traditional(bio, k,
		    cipher, (const unsigned char *)pass, pass != NULL ?
		    (int)strlen(pass) : 0, NULL, NULL), 1);
	n = BIO_get_mem_data(bio, &p);
	cr_assert_gt(n, 0);
	out = malloc((size_t)n + 1);
	cr_assert_not_null(out);
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	BIO_free(bio);
	return out;
}

static struct sgn_pubkey *
pub_of(EVP_PKEY *k)
{
	struct sgn_pubkey *pk = NULL;

	cr_assert_eq(sgn_pubkey_from_evp(k, NULL, 0, &pk, NULL), SGN_OK);
	return pk;
}

static struct sgn_signer *
load_ok(const char *pem, size_t len, const struct sgn_secret *pass)
{
	struct sgn_signer *s = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signer_from_pem(pem, len, pass, &s, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_not_null(s);
	return s;
}

static void
load_fails(const char *pem, size_t len, const struct sgn_secret *pass,
    sgn_err code, const char *want)
{
	struct sgn_signer *s = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signer_from_pem(pem, len, pass, &s, &eb), code,
	    "%s", eb.msg);
	cr_assert_null(s);
	cr_assert(tu_has(eb.msg, want), "message \"%s\" lacks \"%s\"",
	    eb.msg, want);
}

/* s signs with its key's default hash, and the signature verifies with
 * the public key of k. */
static void
signs_like(struct sgn_signer *s, EVP_PKEY *k)
{
	struct sgn_pubkey *pk = pub_of(k);
	struct sgn_errbuf eb;
	uint8_t *sig = NULL;
	size_t siglen = 0;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_pubkey_equal(sgn_signer_pubkey(s), pk), 1);
	cr_assert_eq(sgn_signer_sign(s, MSG, MSGLEN, &sig, &siglen, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_pubkey_verify(pk, sgn_pubkey_default_hash(pk), MSG,
	    MSGLEN, sig, siglen, &eb), SGN_OK, "%s", eb.msg);
	free(sig);
	sgn_pubkey_free(&pk);
}

static void
hint_of_openssl_pem(EVP_PKEY *k, char hex[SGN_PUBKEY_HINT_LEN])
{
	BIO *bio = BIO_new(BIO_s_mem());
	uint8_t md[32];
	char *p;
	long n;

	cr_assert_not_null(bio);
	cr_assert_eq(PEM_write_bio_PUBKEY(bio, k), 1);
	n = BIO_get_mem_data(bio, &p);
	cr_assert_gt(n, 0);
	cr_assert_eq(sgn_hash(SGN_HASH_SHA256, p, (size_t)n, md, NULL),
	    SGN_OK);
	sgn_hex_encode(md, sizeof(md), hex);
	BIO_free(bio);
}

/* Key files ----------------------------------------------------------- */

Test(keys, loads_pkcs8_and_sec1_keys_of_every_nist_curve)
{
	static const char *const curves[] = { "P-256", "P-384", "P-521" };
	static const sgn_key_type types[] = { SGN_KEY_ECDSA_P256,
	    SGN_KEY_ECDSA_P384, SGN_KEY_ECDSA_P521 };
	size_t i, len;

	for (i = 0; i < 3; i++) {
		EVP_PKEY *k = gen("EC", curves[i]);
		int f;
		for (f = PKCS8; f <= SEC1; f++) {
			char *pem = priv_pem(k, (enum form)f, NULL, NULL,
			    &len);
			struct sgn_signer *s = load_ok(pem, len, NULL);
			cr_assert_eq(sgn_pubkey_type(sgn_signer_pubkey(s)),
			    types[i]);
			signs_like(s, k);
			sgn_signer_free(&s);
			cr_assert_null(s);
			free(pem);
		}
		EVP_PKEY_free(k);
	}
}

Test(keys, loads_ed25519_and_rsa_pkcs8_keys)
{
	EVP_PKEY *keys[2];
	size_t i, len;

	keys[0] = gen("ED25519", NULL);
	keys[1] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	cr_assert_not_null(keys[1]);
	for (i = 0; i < 2; i++) {
		char *pem = priv_pem(keys[i], PKCS8, NULL, NULL, &len);
		struct sgn_signer *s = load_ok(pem, len, NULL);
		signs_like(s, keys[i]);
		sgn_signer_free(&s);
		free(pem);
		EVP_PKEY_free(keys[i]);
	}
}

Test(keys, loads_the_model_signing_key_after_its_text_dump)
{
	size_t len, plen;
	uint8_t *pem = tu_read(MS_KEY, &len);
	uint8_t *pub = tu_read(MS_PUB, &plen);
	struct sgn_signer *s;
	struct sgn_pubkey *pk = NULL;
	char hint[SGN_PUBKEY_HINT_LEN];

	/* GnuTLS "certtool -k" output: a text dump, then the PEM block. */
	cr_assert_eq(strncmp((const char *)pem, "-----", 5) != 0, 1);
	s = load_ok((const char *)pem, len, NULL);
	cr_assert_eq(sgn_pubkey_type(sgn_signer_pubkey(s)),
	    SGN_KEY_ECDSA_P384);
	cr_assert_eq(sgn_pubkey_from_pem((const char *)pub, plen, &pk, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_pubkey_equal(sgn_signer_pubkey(s), pk), 1);
	cr_assert_eq(sgn_pubkey_pem_hint(sgn_signer_pubkey(s), hint, NULL),
	    SGN_OK);
	cr_assert_str_eq(hint, MS_HINT);
	sgn_pubkey_free(&pk);
	sgn_signer_free(&s);
	free(pem);
	free(pub);
}

static const struct sgn_secret PASS = {
	(uint8_t *)(uintptr_t)"correct horse", 13
};
static const struct sgn_secret WRONG = {
	(uint8_t *)(uintptr_t)"battery staple", 14
};

Test(keys, loads_encrypted_keys_with_their_passphrase)
{
	EVP_PKEY *k = gen("EC", "P-384");
	int f;

	for (f = PKCS8; f <= SEC1; f++) {
		size_t len;
		char *pem = priv_pem(k, (enum form)f, EVP_aes_256_cbc(),
		    "correct horse", &len);
		struct sgn_signer *s;
		cr_assert(tu_has(pem, f == PKCS8 ? "ENCRYPTED PRIVATE KEY" :
		    "Proc-Type: 4,ENCRYPTED"), "%s", pem);
		s = load_ok(pem, len, &PASS);
		signs_like(s, k);
		sgn_signer_free(&s);
		free(pem);
	}
	EVP_PKEY_free(k);
}

Test(keys, asks_for_the_passphrase_of_an_encrypted_key)
{
	EVP_PKEY *k = gen("EC", "P-256");
	int f;

	for (f = PKCS8; f <= SEC1; f++) {
		size_t len;
		char *pem = priv_pem(k, (enum form)f, EVP_aes_128_cbc(),
		    "correct horse", &len);
		load_fails(pem, len, NULL, SGN_ERR_PIN_REQUIRED,
		    "private key: the key is encrypted and no passphrase was "
		    "given");
		free(pem);
	}
	EVP_PKEY_free(k);
}

Test(keys, refuses_a_wrong_passphrase)
{
	EVP_PKEY *k = gen("EC", "P-256");
	int f;

	for (f = PKCS8; f <= SEC1; f++) {
		size_t len;
		char *pem = priv_pem(k, (enum form)f, EVP_aes_256_cbc(),
		    "correct horse", &len);
		load_fails(pem, len, &WRONG, SGN_ERR_PIN_REQUIRED,
		    "wrong passphrase?");
		free(pem);
	}
	EVP_PKEY_free(k);
}

Test(keys, refuses_pem_without_a_private_key)
{
	size_t len;
	uint8_t *pub = tu_read(MS_PUB, &len);
	static const char junk[] = "no PEM here\n";

	load_fails((const char *)pub, len, NULL, SGN_ERR_PARSE,
	    "private key: no PEM private key found");
	load_fails(junk, sizeof(junk) - 1, NULL, SGN_ERR_PARSE,
	    "no PEM private key found");
	free(pub);
}

Test(keys, names_a_private_key_block_it_does_not_read)
{
	size_t len;
	/* an "RSA PRIVATE KEY" (PKCS#1) block after a text dump */
	uint8_t *pem = tu_read(KEYDIR "ca-priv.pem", &len);

	load_fails((const char *)pem, len, NULL, SGN_ERR_UNSUPPORTED,
	    "unsupported PEM block \"RSA PRIVATE KEY\"");
	free(pem);
}

Test(keys, refuses_empty_or_oversized_key_files)
{
	char *big = malloc(SGN_MAX_KEY_FILE_BYTES + 1);

	cr_assert_not_null(big);
	memset(big, 'A', SGN_MAX_KEY_FILE_BYTES + 1);
	load_fails("", 0, NULL, SGN_ERR_PARSE, "invalid PEM size");
	load_fails(big, SGN_MAX_KEY_FILE_BYTES + 1, NULL, SGN_ERR_PARSE,
	    "invalid PEM size");
	free(big);
}

Test(keys, refuses_an_over_long_passphrase)
{
	EVP_PKEY *k = gen("EC", "P-256");
	struct sgn_secret longpass;
	size_t len;
	char *pem = priv_pem(k, PKCS8, NULL, NULL, &len);

	longpass.len = PEM_BUFSIZE + 1;
	longpass.ptr = calloc(1, longpass.len);
	cr_assert_not_null(longpass.ptr);
	load_fails(pem, len, &longpass, SGN_ERR_INVALID_ARGUMENT,
	    "passphrase longer than");
	free(longpass.ptr);
	free(pem);
	EVP_PKEY_free(k);
}

Test(keys, refuses_garbage_inside_a_private_key_block)
{
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	EVP_PKEY *k = gen("EC", "P-256");
	unsigned char *der = NULL;
	uint8_t *longer;
	int dlen;
	size_t len;
	char *pem;

	pem = tu_pem_block("PRIVATE KEY", junk, sizeof(junk), &len);
	load_fails(pem, len, NULL, SGN_ERR_PARSE,
	    "private key: invalid PRIVATE KEY");
	free(pem);
	pem = tu_pem_block("EC PRIVATE KEY", junk, sizeof(junk), &len);
	load_fails(pem, len, NULL, SGN_ERR_PARSE,
	    "private key: invalid EC PRIVATE KEY");
	free(pem);
	/* a good SEC1 key followed by a stray byte */
	dlen = i2d_PrivateKey(k, &der);
	cr_assert_gt(dlen, 0);
	longer = malloc((size_t)dlen + 1);
	cr_assert_not_null(longer);
	memcpy(longer, der, (size_t)dlen);
	longer[dlen] = 0;
	pem = tu_pem_block("EC PRIVATE KEY", longer, (size_t)dlen + 1,
	    &len);
	load_fails(pem, len, NULL, SGN_ERR_PARSE, "invalid EC PRIVATE KEY");
	free(pem);
	free(longer);
	OPENSSL_free(der);
	EVP_PKEY_free(k);
}

Test(keys, refuses_an_ec_key_whose_public_point_is_another_keys)
{
	EVP_PKEY *a = gen("EC", "P-256"), *b = gen("EC", "P-256");
	EVP_PKEY *mixed = NULL;
	EVP_PKEY_CTX *ctx;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params;
	BIGNUM *priv = NULL;
	uint8_t pub[65];
	size_t publen = 0, len;
	char *pem;

	cr_assert_eq(EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_PRIV_KEY,
	    &priv), 1);
	cr_assert_eq(EVP_PKEY_get_octet_string_param(b,
	    OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub), &publen), 1);
	cr_assert_eq(OSSL_PARAM_BLD_push_utf8_string(bld,
	    OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0), 1);
	cr_assert_eq(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY,
	    priv), 1);
	cr_assert_eq(OSSL_PARAM_BLD_push_octet_string(bld,
	    OSSL_PKEY_PARAM_PUB_KEY, pub, publen), 1);
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	cr_assert_eq(EVP_PKEY_fromdata_init(ctx), 1);
	cr_assert_eq(EVP_PKEY_fromdata(ctx, &mixed, EVP_PKEY_KEYPAIR,
	    params), 1);
	pem = priv_pem(mixed, SEC1, NULL, NULL, &len);
	load_fails(pem, len, NULL, SGN_ERR_PARSE,
	    "its public key does not match its private key");
	free(pem);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(priv);
	EVP_PKEY_free(mixed);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

Test(keys, refuses_a_key_on_an_unsupported_curve)
{
	EVP_PKEY *k = gen("EC", "secp256k1");
	size_t len;
	char *pem = priv_pem(k, PKCS8, NULL, NULL, &len);

	load_fails(pem, len, NULL, SGN_ERR_UNSUPPORTED,
	    "private key: unsupported elliptic curve");
	free(pem);
	EVP_PKEY_free(k);
}

/* Key hints ----------------------------------------------------------- */

Test(keys, hints_the_model_signing_public_key)
{
	size_t len;
	uint8_t *pem = tu_read(MS_PUB, &len);
	struct sgn_pubkey *pk = NULL;
	char hint[SGN_PUBKEY_HINT_LEN];

	cr_assert_eq(sgn_pubkey_from_pem((const char *)pem, len, &pk, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_pubkey_pem_hint(pk, hint, NULL), SGN_OK);
	cr_assert_str_eq(hint, MS_HINT);
	sgn_pubkey_free(&pk);
	free(pem);
}

Test(keys, hints_are_sha256_of_openssl_pem_for_every_kind_of_key)
{
	EVP_PKEY *keys[5];
	size_t i;

	keys[0] = gen("EC", "P-256");
	keys[1] = gen("EC", "P-384");
	keys[2] = gen("EC", "P-521");
	keys[3] = gen("ED25519", NULL);
	keys[4] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	cr_assert_not_null(keys[4]);
	for (i = 0; i < 5; i++) {
		struct sgn_pubkey *pk = pub_of(keys[i]);
		char want[SGN_PUBKEY_HINT_LEN], got[SGN_PUBKEY_HINT_LEN];
		hint_of_openssl_pem(keys[i], want);
		cr_assert_eq(sgn_pubkey_pem_hint(pk, got, NULL), SGN_OK);
		cr_assert_str_eq(got, want, "key %zu", i);
		sgn_pubkey_free(&pk);
		EVP_PKEY_free(keys[i]);
	}
}

Test(keys, hints_a_compressed_point_as_the_uncompressed_key)
{
	static const char *const curves[] = { "P-256", "P-384", "P-521" };
	size_t i;

	for (i = 0; i < 3; i++) {
		EVP_PKEY *k = gen("EC", curves[i]);
		struct sgn_pubkey *full = pub_of(k), *comp = NULL;
		char a[SGN_PUBKEY_HINT_LEN], b[SGN_PUBKEY_HINT_LEN];
		unsigned char *der = NULL;
		int dlen;

		cr_assert_eq(EVP_PKEY_set_utf8_string_param(k,
		    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
		    OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_COMPRESSED), 1);
		dlen = i2d_PUBKEY(k, &der);
		cr_assert_gt(dlen, 0);
		cr_assert_eq(sgn_pubkey_from_der(der, (size_t)dlen, &comp,
		    NULL), SGN_OK);
		cr_assert_lt(sgn_pubkey_spki_len(comp),
		    sgn_pubkey_spki_len(full));
		cr_assert_eq(sgn_pubkey_pem_hint(full, a, NULL), SGN_OK);
		cr_assert_eq(sgn_pubkey_pem_hint(comp, b, NULL), SGN_OK);
		cr_assert_str_eq(a, b, "%s", curves[i]);
		OPENSSL_free(der);
		sgn_pubkey_free(&full);
		sgn_pubkey_free(&comp);
		EVP_PKEY_free(k);
	}
}

/* Keys from a P-256 scalar (pkg/fido derives them) ------------------- */

static void
hex_to(const char *hex, uint8_t *out, size_t n)
{
	cr_assert_eq(sgn_hex_decode(hex, strlen(hex), out, n, NULL), SGN_OK,
	    "%s", hex);
}

/* The public key 04 || x || y as a struct sgn_pubkey. */
static struct sgn_pubkey *
p256_point(const char *xhex, const char *yhex)
{
	static const uint8_t prefix[] = { 0x30, 0x59, 0x30, 0x13, 0x06,
	    0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
	    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04 };
	uint8_t der[sizeof(prefix) + 64];
	struct sgn_pubkey *pk = NULL;

	memcpy(der, prefix, sizeof(prefix));
	hex_to(xhex, der + sizeof(prefix), 32);
	hex_to(yhex, der + sizeof(prefix) + 32, 32);
	cr_assert_eq(sgn_pubkey_from_der(der, sizeof(der), &pk, NULL), SGN_OK);
	return pk;
}

static void
check_scalar(const char *dhex, const char *xhex, const char *yhex)
{
	static const uint8_t msg[] = "signed with a derived key";
	struct sgn_signer *s = NULL;
	struct sgn_pubkey *want = p256_point(xhex, yhex);
	uint8_t d[32], *sig = NULL;
	size_t siglen = 0;

	hex_to(dhex, d, sizeof(d));
	cr_assert_eq(sgn_signer_from_p256_scalar(d, &s, NULL), SGN_OK, "%s",
	    dhex);
	cr_assert(sgn_pubkey_equal(sgn_signer_pubkey(s), want), "%s", dhex);
	cr_assert_eq(sgn_pubkey_type(sgn_signer_pubkey(s)),
	    SGN_KEY_ECDSA_P256);
	cr_assert_eq(sgn_signer_sign(s, msg, sizeof(msg), &sig, &siglen,
	    NULL), SGN_OK);
	cr_assert_eq(sgn_pubkey_verify(want, SGN_HASH_SHA256, msg,
	    sizeof(msg), sig, siglen, NULL), SGN_OK);
	free(sig);
	sgn_signer_free(&s);
	cr_assert_null(s);
	sgn_pubkey_free(&want);
}

#define P256_GX	"6b17d1f2e12c4247f8bce6e563a440f2" \
		"77037d812deb33a0f4a13945d898c296"
#define P256_GY	"4fe342e2fe1a7f9b8ee7eb4a7c0f9e16" \
		"2bce33576b315ececbb6406837bf51f5"
#define P256_NEG_GY "b01cbd1c01e58065711814b583f061e9" \
		"d431cca994cea1313449bf97c840ae0a"
#define P256_N	"ffffffff00000000ffffffffffffffff" \
		"bce6faada7179e84f3b9cac2fc632551"

Test(keys, takes_a_p256_scalar_and_computes_its_public_point)
{
	/* 1.G and (n-1).G = -G */
	check_scalar("00000000000000000000000000000000"
	    "00000000000000000000000000000001", P256_GX, P256_GY);
	check_scalar("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2"
	    "fc632550", P256_GX, P256_NEG_GY);
	/* RFC 6979 A.2.5 */
	check_scalar("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b"
	    "120f6721", "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce66962"
	    "2e60f29fb6", "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3"
	    "c294d4462299");
}

Test(keys, refuses_p256_scalars_out_of_range)
{
	static const char *const bad[] = {
		"00000000000000000000000000000000"
		    "00000000000000000000000000000000",
		P256_N,
		"ffffffff00000000ffffffffffffffff"
		    "bce6faada7179e84f3b9cac2fc632552",
		"ffffffff000000010000000000000000"
		    "00000000000000000000000000000000",
		"ffffffffffffffffffffffffffffffff"
		    "ffffffffffffffffffffffffffffffff",
	};
	struct sgn_errbuf eb;
	struct sgn_signer *s = NULL;
	uint8_t d[32];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hex_to(bad[i], d, sizeof(d));
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_signer_from_p256_scalar(d, &s, &eb),
		    SGN_ERR_INVALID_ARGUMENT, "%s", bad[i]);
		cr_assert_null(s);
		cr_assert(tu_has(eb.msg, "out of range"), "%s", eb.msg);
	}
}
