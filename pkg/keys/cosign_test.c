/*
 * Unit tests for cosign's encrypted private key files: keys signet
 * generates, the vectors of cosign and sigstore-rs in testdata/keys/, and
 * files crafted here (an independent encoder and decoder built on
 * libsodium, cJSON and OpenSSL, so that signet's reading and writing are
 * each checked against code that is not theirs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include <criterion/criterion.h>

#include "keys.h"
#include "testutil.h"

#define KEYS		"testdata/keys/"
#define SIGSTORE_LABEL	"ENCRYPTED SIGSTORE PRIVATE KEY"
#define COSIGN_LABEL	"ENCRYPTED COSIGN PRIVATE KEY"
#define P256_DER_LEN	138	/* PKCS#8 of a P-256 key, as Go writes it */

static const uint8_t MSG[] = "an artifact signed with a cosign key";
#define MSGLEN (sizeof(MSG) - 1)

static struct sgn_secret
secret(const char *s)
{
	struct sgn_secret sec;

	sec.ptr = (uint8_t *)(uintptr_t)s;
	sec.len = strlen(s);
	return sec;
}

static struct sgn_signer *
load_ok(const char *pem, size_t len, const char *pw)
{
	struct sgn_secret pass = secret(pw);
	struct sgn_signer *s = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signer_from_pem(pem, len, &pass, &s, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_not_null(s);
	return s;
}

/* pw NULL: no passphrase given. */
static void
load_fails(const char *pem, size_t len, const char *pw, sgn_err code,
    const char *want)
{
	struct sgn_secret pass;
	struct sgn_signer *s = NULL;
	struct sgn_errbuf eb;

	if (pw != NULL)
		pass = secret(pw);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signer_from_pem(pem, len, pw != NULL ? &pass : NULL,
	    &s, &eb), code, "got \"%s\"", eb.msg);
	cr_assert_null(s);
	cr_assert(tu_has(eb.msg, want), "message \"%s\" lacks \"%s\"",
	    eb.msg, want);
}

/* s signs, and the signature verifies with the key of pub_pem. */
static void
signs_for(struct sgn_signer *s, const char *pub_pem)
{
	struct sgn_pubkey *pk = NULL;
	struct sgn_errbuf eb;
	uint8_t *sig = NULL;
	size_t siglen = 0;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_pubkey_from_pem(pub_pem, strlen(pub_pem), &pk, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_pubkey_equal(sgn_signer_pubkey(s), pk), 1);
	cr_assert_eq(sgn_signer_sign(s, MSG, MSGLEN, &sig, &siglen, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_pubkey_verify(pk, sgn_pubkey_default_hash(pk), MSG,
	    MSGLEN, sig, siglen, &eb), SGN_OK, "%s", eb.msg);
	free(sig);
	sgn_pubkey_free(&pk);
}

struct keypair {
	struct sgn_buf	priv;
	struct sgn_buf	pub;
};

static void
generate(const char *pw, struct keypair *kp)
{
	struct sgn_secret pass = secret(pw);
	struct sgn_errbuf eb;

	sgn_buf_init(&kp->priv, 0);
	sgn_buf_init(&kp->pub, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cosign_key_generate(&pass, &kp->priv, &kp->pub,
	    &eb), SGN_OK, "%s", eb.msg);
	cr_assert_not_null(kp->priv.ptr);
	cr_assert_not_null(kp->pub.ptr);
}

static void
keypair_reset(struct keypair *kp)
{
	sgn_buf_reset(&kp->priv);
	sgn_buf_reset(&kp->pub);
}

/* An independent decoder ---------------------------------------------- */

/* The label and body of the first PEM block of pem. */
static uint8_t *
pem_body(const char *pem, size_t len, char **label, size_t *blen)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long n = 0;
	uint8_t *out;

	cr_assert_not_null(bio);
	cr_assert_eq(PEM_read_bio(bio, &name, &header, &data, &n), 1);
	out = malloc((size_t)n + 1);
	cr_assert_not_null(out);
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	*blen = (size_t)n;
	*label = strdup(name);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(bio);
	return out;
}

static uint8_t *
b64_member(const cJSON *obj, const char *key, size_t *len)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
	uint8_t *out = NULL;

	cr_assert(cJSON_IsString(m), "%s", key);
	cr_assert_eq(sgn_b64_decode(m->valuestring, strlen(m->valuestring),
	    &out, len, NULL), SGN_OK, "%s", key);
	return out;
}

static long long
num_member(const cJSON *obj, const char *key)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
	double d;

	cr_assert(cJSON_IsNumber(m), "%s", key);
	d = cJSON_GetNumberValue(m);
	return (long long)d;
}

/* What a cosign key file holds, decoded without signet's reader. */
struct decoded {
	char	*label;
	char	*json;		/* the PEM body */
	size_t	 json_len;
	uint8_t	*salt, *nonce, *ct;
	size_t	 salt_len, nonce_len, ct_len;
	long long n, r, p;
	uint8_t	*der;		/* NULL when pw does not open the box */
	size_t	 der_len;
};

static void
decode(const char *pem, size_t len, const char *pw, struct decoded *d)
{
	uint8_t key[crypto_secretbox_KEYBYTES];
	const cJSON *kdf, *params, *cipher;
	cJSON *root;

	memset(d, 0, sizeof(*d));
	cr_assert_geq(sodium_init(), 0);
	d->json = (char *)pem_body(pem, len, &d->label, &d->json_len);
	root = cJSON_ParseWithLength(d->json, d->json_len);
	cr_assert_not_null(root, "%s", d->json);
	kdf = cJSON_GetObjectItemCaseSensitive(root, "kdf");
	params = cJSON_GetObjectItemCaseSensitive(kdf, "params");
	cipher = cJSON_GetObjectItemCaseSensitive(root, "cipher");
	cr_assert_str_eq(cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(kdf, "name")), "scrypt");
	cr_assert_str_eq(cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(cipher, "name")),
	    "nacl/secretbox");
	d->n = num_member(params, "N");
	d->r = num_member(params, "r");
	d->p = num_member(params, "p");
	d->salt = b64_member(kdf, "salt", &d->salt_len);
	d->nonce = b64_member(cipher, "nonce", &d->nonce_len);
	d->ct = b64_member(root, "ciphertext", &d->ct_len);
	cJSON_Delete(root);
	cr_assert_eq(d->nonce_len, crypto_secretbox_NONCEBYTES);
	cr_assert_gt(d->ct_len, crypto_secretbox_MACBYTES);
	cr_assert_eq(crypto_pwhash_scryptsalsa208sha256_ll(
	    (const uint8_t *)pw, strlen(pw), d->salt, d->salt_len,
	    (uint64_t)d->n, (uint32_t)d->r, (uint32_t)d->p, key,
	    sizeof(key)), 0);
	d->der_len = d->ct_len - crypto_secretbox_MACBYTES;
	d->der = malloc(d->der_len);
	cr_assert_not_null(d->der);
	if (crypto_secretbox_open_easy(d->der, d->ct, d->ct_len, d->nonce,
	    key) != 0) {
		free(d->der);
		d->der = NULL;
		d->der_len = 0;
	}
}

static void
decoded_reset(struct decoded *d)
{
	free(d->label);
	free(d->json);
	free(d->salt);
	free(d->nonce);
	free(d->ct);
	free(d->der);
	memset(d, 0, sizeof(*d));
}

/* The key of PKCS#8 DER, through OpenSSL alone. */
static EVP_PKEY *
pkcs8_key(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p,
	    (long)len);
	EVP_PKEY *k;

	cr_assert_not_null(p8);
	cr_assert_eq(p, der + len);
	k = EVP_PKCS82PKEY(p8);
	cr_assert_not_null(k);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return k;
}

/* An independent encoder ---------------------------------------------- */

/*
 * The members of a document as text, so that each can be edited; b64()
 * and doc_pem() turn them into a key file.
 */
struct fields {
	const char	*kdf, *n, *r, *p, *salt, *cipher, *nonce, *ct;
};

static char *
b64(const uint8_t *p, size_t n)
{
	char *s = NULL;

	cr_assert_eq(sgn_b64_encode(p, n, &s, NULL), SGN_OK);
	return s;
}

static char *
doc_json(const struct fields *f)
{
	static const char fmt[] = "{\"kdf\":{\"name\":\"%s\",\"params\":"
	    "{\"N\":%s,\"r\":%s,\"p\":%s},\"salt\":\"%s\"},\"cipher\":"
	    "{\"name\":\"%s\",\"nonce\":\"%s\"},\"ciphertext\":\"%s\"}";
	size_t n = sizeof(fmt) + strlen(f->kdf) + strlen(f->n) +
	    strlen(f->r) + strlen(f->p) + strlen(f->salt) + strlen(f->cipher) +
	    strlen(f->nonce) + strlen(f->ct);
	char *s = malloc(n);

	cr_assert_not_null(s);
	snprintf(s, n, fmt, f->kdf, f->n, f->r, f->p, f->salt, f->cipher,
	    f->nonce, f->ct);
	return s;
}

static char *
doc_pem(const struct fields *f, size_t *len)
{
	char *json = doc_json(f);
	char *pem = tu_pem_block(SIGSTORE_LABEL, json, strlen(json), len);

	free(json);
	return pem;
}

/* A real encryption of a fresh P-256 key under pw with N, r, p. */
struct crafted {
	EVP_PKEY	*key;
	char		 n[24], r[24], p[24];
	char		*salt, *nonce, *ct;
	struct fields	 f;
};

static void
craft(const char *pw, unsigned long long n, unsigned r, unsigned p,
    struct crafted *c)
{
	uint8_t salt[32], nonce[crypto_secretbox_NONCEBYTES];
	uint8_t key[crypto_secretbox_KEYBYTES], *ct;
	unsigned char *der = NULL;
	PKCS8_PRIV_KEY_INFO *p8;
	int dlen;

	memset(c, 0, sizeof(*c));
	cr_assert_geq(sodium_init(), 0);
	c->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	cr_assert_not_null(c->key);
	p8 = EVP_PKEY2PKCS8(c->key);
	cr_assert_not_null(p8);
	dlen = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
	cr_assert_gt(dlen, 0);
	PKCS8_PRIV_KEY_INFO_free(p8);
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	cr_assert_eq(crypto_pwhash_scryptsalsa208sha256_ll(
	    (const uint8_t *)pw, strlen(pw), salt, sizeof(salt), n, r, p,
	    key, sizeof(key)), 0);
	ct = malloc((size_t)dlen + crypto_secretbox_MACBYTES);
	cr_assert_not_null(ct);
	cr_assert_eq(crypto_secretbox_easy(ct, der, (unsigned long long)dlen,
	    nonce, key), 0);
	snprintf(c->n, sizeof(c->n), "%llu", n);
	snprintf(c->r, sizeof(c->r), "%u", r);
	snprintf(c->p, sizeof(c->p), "%u", p);
	c->salt = b64(salt, sizeof(salt));
	c->nonce = b64(nonce, sizeof(nonce));
	c->ct = b64(ct, (size_t)dlen + crypto_secretbox_MACBYTES);
	c->f.kdf = "scrypt";
	c->f.n = c->n;
	c->f.r = c->r;
	c->f.p = c->p;
	c->f.salt = c->salt;
	c->f.cipher = "nacl/secretbox";
	c->f.nonce = c->nonce;
	c->f.ct = c->ct;
	free(ct);
	OPENSSL_free(der);
}

static void
crafted_reset(struct crafted *c)
{
	EVP_PKEY_free(c->key);
	free(c->salt);
	free(c->nonce);
	free(c->ct);
	memset(c, 0, sizeof(*c));
}

/* A file of f fails to load with pw as code, saying want. */
static void
doc_fails(const struct fields *f, const char *pw, sgn_err code,
    const char *want)
{
	size_t len;
	char *pem = doc_pem(f, &len);

	load_fails(pem, len, pw, code, want);
	free(pem);
}

/* Generation ------------------------------------------------------------ */

Test(keys, cosign_generated_keys_load_sign_and_verify_with_their_public_key)
{
	struct keypair kp;
	struct sgn_signer *s;

	generate("correct horse", &kp);
	cr_assert(strncmp((char *)kp.priv.ptr, "-----BEGIN " SIGSTORE_LABEL
	    "-----\n", strlen(SIGSTORE_LABEL) + 17) == 0, "%s", kp.priv.ptr);
	cr_assert(tu_has((char *)kp.priv.ptr, "-----END " SIGSTORE_LABEL
	    "-----\n"));
	cr_assert(strncmp((char *)kp.pub.ptr, "-----BEGIN PUBLIC KEY-----\n",
	    27) == 0, "%s", kp.pub.ptr);
	cr_assert_eq(strlen((char *)kp.priv.ptr), kp.priv.len);
	cr_assert_eq(strlen((char *)kp.pub.ptr), kp.pub.len);
	s = load_ok((char *)kp.priv.ptr, kp.priv.len, "correct horse");
	cr_assert_eq(sgn_pubkey_type(sgn_signer_pubkey(s)),
	    SGN_KEY_ECDSA_P256);
	signs_for(s, (char *)kp.pub.ptr);
	sgn_signer_free(&s);
	keypair_reset(&kp);
}

Test(keys, cosign_generated_keys_are_laid_out_as_go_writes_them)
{
	static const char head[] = "{\"kdf\":{\"name\":\"scrypt\",\"params\":"
	    "{\"N\":65536,\"r\":8,\"p\":1},\"salt\":\"";
	struct keypair kp;
	struct decoded d;
	EVP_PKEY *k;
	struct sgn_pubkey *mine = NULL, *pub = NULL;
	char *json;
	size_t n;

	generate("hello", &kp);
	decode((char *)kp.priv.ptr, kp.priv.len, "hello", &d);
	cr_assert_str_eq(d.label, SIGSTORE_LABEL);
	/* Go's encoding/json: members in declaration order, no spaces */
	cr_assert(strncmp(d.json, head, sizeof(head) - 1) == 0, "%s", d.json);
	cr_assert(tu_has(d.json, "\"},\"cipher\":{\"name\":\"nacl/secretbox\","
	    "\"nonce\":\""), "%s", d.json);
	cr_assert(tu_has(d.json, "\"},\"ciphertext\":\""), "%s", d.json);
	cr_assert_eq(d.json[d.json_len - 1], '}');
	cr_assert_eq(d.n, (long long)SGN_COSIGN_SCRYPT_N);
	cr_assert_eq(d.r, (long long)SGN_COSIGN_SCRYPT_R);
	cr_assert_eq(d.p, (long long)SGN_COSIGN_SCRYPT_P);
	cr_assert_eq(d.salt_len, 32);
	cr_assert_eq(d.ct_len, P256_DER_LEN + crypto_secretbox_MACBYTES);
	cr_assert_not_null(d.der, "the box does not open with the password");
	cr_assert_eq(d.der_len, P256_DER_LEN);
	/* the box holds PKCS#8 of the key whose public half is pub_pem */
	k = pkcs8_key(d.der, d.der_len);
	cr_assert_eq(sgn_pubkey_from_evp(k, NULL, 0, &mine, NULL), SGN_OK);
	cr_assert_eq(sgn_pubkey_from_pem((char *)kp.pub.ptr, kp.pub.len, &pub,
	    NULL), SGN_OK);
	cr_assert_eq(sgn_pubkey_equal(mine, pub), 1);
	/* the PEM body is base64 in lines of 64 */
	json = strchr((char *)kp.priv.ptr, '\n') + 1;
	n = strcspn(json, "\n");
	cr_assert_eq(n, 64);
	sgn_pubkey_free(&mine);
	sgn_pubkey_free(&pub);
	EVP_PKEY_free(k);
	decoded_reset(&d);
	keypair_reset(&kp);
}

static int
contains(const void *hay, size_t hlen, const void *needle, size_t nlen)
{
	return memmem(hay, hlen, needle, nlen) != NULL;
}

Test(keys, cosign_key_files_hold_no_plaintext_key_bytes)
{
	struct keypair kp;
	struct decoded d;
	EVP_PKEY *k;
	BIGNUM *priv = NULL;
	uint8_t scalar[32];
	char *der64, *scalar64, *scalarhex;
	const char *texts[2];
	size_t i;

	generate("hello", &kp);
	decode((char *)kp.priv.ptr, kp.priv.len, "hello", &d);
	cr_assert_not_null(d.der);
	k = pkcs8_key(d.der, d.der_len);
	cr_assert_eq(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY,
	    &priv), 1);
	cr_assert_eq(BN_bn2binpad(priv, scalar, sizeof(scalar)), 32);
	der64 = b64(d.der, d.der_len);
	scalar64 = b64(scalar, sizeof(scalar));
	scalarhex = malloc(2 * sizeof(scalar) + 1);
	cr_assert_not_null(scalarhex);
	sgn_hex_encode(scalar, sizeof(scalar), scalarhex);
	/* neither the DER nor the scalar, raw or encoded, in the file, the
	 * JSON it wraps, or the ciphertext */
	texts[0] = (char *)kp.priv.ptr;
	texts[1] = d.json;
	for (i = 0; i < 2; i++) {
		size_t n = strlen(texts[i]);

		cr_assert(!contains(texts[i], n, d.der, d.der_len));
		cr_assert(!contains(texts[i], n, scalar, sizeof(scalar)));
		cr_assert(!contains(texts[i], n, der64, 16));
		cr_assert(!contains(texts[i], n, scalar64, 16));
		cr_assert(!contains(texts[i], n, scalarhex, 16));
	}
	cr_assert(!contains(d.ct, d.ct_len, scalar, 8));
	cr_assert(!contains(d.ct, d.ct_len, d.der + 20, 16));
	free(der64);
	free(scalar64);
	free(scalarhex);
	BN_clear_free(priv);
	EVP_PKEY_free(k);
	decoded_reset(&d);
	keypair_reset(&kp);
}

Test(keys, cosign_generation_draws_a_fresh_key_salt_and_nonce)
{
	struct keypair a, b;
	struct decoded da, db;

	generate("same", &a);
	generate("same", &b);
	cr_assert_neq(strcmp((char *)a.pub.ptr, (char *)b.pub.ptr), 0);
	decode((char *)a.priv.ptr, a.priv.len, "same", &da);
	decode((char *)b.priv.ptr, b.priv.len, "same", &db);
	cr_assert_neq(memcmp(da.salt, db.salt, 32), 0);
	cr_assert_neq(memcmp(da.nonce, db.nonce, da.nonce_len), 0);
	decoded_reset(&da);
	decoded_reset(&db);
	keypair_reset(&a);
	keypair_reset(&b);
}

Test(keys, cosign_keys_under_the_empty_password_round_trip)
{
	struct keypair kp;
	struct sgn_signer *s;
	struct decoded d;

	generate("", &kp);
	/* still encrypted: the box opens under "" and nothing else */
	decode((char *)kp.priv.ptr, kp.priv.len, "", &d);
	cr_assert_not_null(d.der);
	s = load_ok((char *)kp.priv.ptr, kp.priv.len, "");
	signs_for(s, (char *)kp.pub.ptr);
	sgn_signer_free(&s);
	load_fails((char *)kp.priv.ptr, kp.priv.len, NULL,
	    SGN_ERR_PIN_REQUIRED, "no passphrase was given");
	load_fails((char *)kp.priv.ptr, kp.priv.len, " ", SGN_ERR_VERIFY,
	    "wrong password");
	decoded_reset(&d);
	keypair_reset(&kp);
}

Test(keys, cosign_passwords_of_1024_bytes_round_trip_and_longer_are_refused)
{
	struct sgn_secret pw;
	struct sgn_buf priv, pub;
	struct sgn_signer *s = NULL;
	struct sgn_errbuf eb;

	pw.len = 1024;
	pw.ptr = malloc(pw.len + 1);
	cr_assert_not_null(pw.ptr);
	memset(pw.ptr, 'x', pw.len + 1);
	sgn_buf_init(&priv, 0);
	sgn_buf_init(&pub, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cosign_key_generate(&pw, &priv, &pub, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(sgn_signer_from_pem((char *)priv.ptr, priv.len, &pw, &s,
	    &eb), SGN_OK, "%s", eb.msg);
	sgn_signer_free(&s);
	pw.len++;
	cr_assert_eq(sgn_cosign_key_generate(&pw, &priv, &pub, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "password longer than 1024 bytes"), "%s",
	    eb.msg);
	cr_assert_null(priv.ptr);
	cr_assert_null(pub.ptr);
	free(pw.ptr);
}

Test(keys, cosign_generation_needs_a_password)
{
	struct sgn_buf priv, pub;
	struct sgn_errbuf eb;

	sgn_buf_init(&priv, 0);
	sgn_buf_init(&pub, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cosign_key_generate(NULL, &priv, &pub, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "no password"), "%s", eb.msg);
	cr_assert_null(priv.ptr);
	cr_assert_null(pub.ptr);
}

/* Vectors --------------------------------------------------------------- */

/* testdata/keys/README has their sources.  The public keys were read from
 * each file by Go's x509 after Go's scrypt and secretbox opened it. */
static const struct vector {
	const char	*file;
	const char	*password;
	const char	*label;
	unsigned	 n;
	const char	*pub;
} vectors[] = {
	{ KEYS "cosign-sigstore-label.key", "hello", SIGSTORE_LABEL, 32768,
	    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7z9gA/tqa9iHt/f9F3ulyVi4lwqU\n"
	    "LfHWfhG2mK4eyJ8LDcLstb+VVhxj3pkMjc3fNo+sSfiIY2NLR7c+DG1V4w==\n" },
	{ KEYS "cosign-cosign-label.key", "hello", COSIGN_LABEL, 32768,
	    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECYtspttZZ7e9PMd8wyU2CWDlpEXN\n"
	    "bqTve0ZBuOXu9xTjtm7Z107cVLCCk96Ma4D0tesnKeCPwrcspLz7GNZJSw==\n" },
	{ KEYS "sigstore-rs-cosign-generated-empty.key", "", SIGSTORE_LABEL,
	    65536,
	    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEGmsWpZNuu+SUX70n3lVK4JLsaoV7\n"
	    "T+rhea2rQUu29EQiatoLB06QdsmSd+GsQGlQzfcDtsKPzb+B2zLggrWZjg==\n" },
	{ KEYS "sigstore-rs-ecdsa-encrypted.key", "123", COSIGN_LABEL, 32768,
	    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEI3sxu+p/GFrJyfgmSWr4qMzwbnd/\n"
	    "pRAShSG6tHcrlhBSoRCAiVYOoQR7514Uz6ft2tQlnoJLHmHcFqqy0/ERJA==\n" },
	{ KEYS "sigstore-rs-p256-encrypted.key", "password", COSIGN_LABEL,
	    32768,
	    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3JOQIWPqV4/m6caCaR7oZNkBR+P/\n"
	    "/x3rSR7fXJvzkjPpiYpkQui9jbOa895SffN4+SfNBuExVadHcdpmPrtjTg==\n" },
};

static char *
pub_pem_of(const char *body)
{
	static const char head[] = "-----BEGIN PUBLIC KEY-----\n";
	static const char tail[] = "-----END PUBLIC KEY-----\n";
	size_t n = sizeof(head) + strlen(body) + sizeof(tail);
	char *s = malloc(n);

	cr_assert_not_null(s);
	snprintf(s, n, "%s%s%s", head, body, tail);
	return s;
}

Test(keys, cosign_reads_the_key_files_of_cosign_and_sigstore_rs)
{
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		struct sgn_signer *s;
		struct decoded d;
		size_t len;
		uint8_t *pem = tu_read(v->file, &len);
		char *pub = pub_pem_of(v->pub);

		/* the file is what the table says it is */
		decode((char *)pem, len, v->password, &d);
		cr_assert_str_eq(d.label, v->label, "%s", v->file);
		cr_assert_eq(d.n, (long long)v->n, "%s", v->file);
		s = load_ok((char *)pem, len, v->password);
		signs_for(s, pub);
		sgn_signer_free(&s);
		decoded_reset(&d);
		free(pub);
		free(pem);
	}
}

Test(keys, cosign_vectors_refuse_a_wrong_or_missing_password)
{
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t len;
		uint8_t *pem = tu_read(vectors[i].file, &len);

		load_fails((char *)pem, len, "hello!", SGN_ERR_VERIFY,
		    "private key: wrong password");
		load_fails((char *)pem, len, NULL, SGN_ERR_PIN_REQUIRED,
		    "the key is encrypted and no passphrase was given");
		free(pem);
	}
}

Test(keys, cosign_refuses_a_box_that_holds_a_sec1_key_as_cosign_does)
{
	size_t len;
	uint8_t *pem = tu_read(KEYS "cosign-sec1-cosign-label.key", &len);

	/* cosign's own test expects "use ParseECPrivateKey instead" */
	load_fails((char *)pem, len, "hello", SGN_ERR_PARSE,
	    "the decrypted key is not a PKCS#8 private key");
	free(pem);
}

Test(keys, cosign_refuses_pkcs8_v2_ed25519_which_openssl_3_0_cannot_read)
{
	size_t len;
	uint8_t *pem = tu_read(KEYS "sigstore-rs-ed25519-encrypted.key", &len);
	struct decoded d;

	/* sigstore-rs writes OneAsymmetricKey v2 (RFC 5958, with the public
	 * key); the box opens, OpenSSL 3.0's PKCS#8 parser refuses what is
	 * inside.  A known gap, pinned here so that a fix shows. */
	decode((char *)pem, len, "123", &d);
	cr_assert_not_null(d.der);
	cr_assert_eq(d.der[4], 0x01, "PKCS#8 version");
	load_fails((char *)pem, len, "123", SGN_ERR_PARSE,
	    "the decrypted key is not a PKCS#8 private key");
	decoded_reset(&d);
	free(pem);
}

/* Both labels, and other files --------------------------------------- */

Test(keys, cosign_reads_both_labels_and_skips_text_before_the_block)
{
	struct crafted c;
	struct sgn_signer *s;
	struct sgn_pubkey *pk = NULL;
	char *json, *pem, *withtext;
	size_t len, n;
	int l;

	craft("pw", 1024, 8, 1, &c);
	json = doc_json(&c.f);
	cr_assert_eq(sgn_pubkey_from_evp(c.key, NULL, 0, &pk, NULL), SGN_OK);
	for (l = 0; l < 2; l++) {
		pem = tu_pem_block(l == 0 ? SIGSTORE_LABEL : COSIGN_LABEL, json,
		    strlen(json), &len);
		s = load_ok(pem, len, "pw");
		cr_assert_eq(sgn_pubkey_equal(sgn_signer_pubkey(s), pk), 1);
		sgn_signer_free(&s);
		n = len + 64;
		withtext = malloc(n);
		cr_assert_not_null(withtext);
		snprintf(withtext, n, "a cosign key\n%s", pem);
		s = load_ok(withtext, strlen(withtext), "pw");
		sgn_signer_free(&s);
		free(withtext);
		free(pem);
	}
	free(json);
	sgn_pubkey_free(&pk);
	crafted_reset(&c);
}

Test(keys, cosign_honours_scrypt_parameters_within_the_caps)
{
	static const struct { unsigned long long n; unsigned r, p; } ok[] = {
		{ 2, 1, 1 }, { 1024, 8, 2 }, { 16, 32, 16 },
		{ 1u << 20, 1, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct crafted c;
		struct sgn_signer *s;
		size_t len;
		char *pem;

		craft("pw", ok[i].n, ok[i].r, ok[i].p, &c);
		pem = doc_pem(&c.f, &len);
		s = load_ok(pem, len, "pw");
		sgn_signer_free(&s);
		load_fails(pem, len, "pW", SGN_ERR_VERIFY, "wrong password");
		free(pem);
		crafted_reset(&c);
	}
}

Test(keys, plain_pkcs8_and_sec1_p256_keys_still_load_beside_cosign_keys)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	struct sgn_pubkey *pk = NULL;
	int sec1;

	cr_assert_not_null(k);
	cr_assert_eq(sgn_pubkey_from_evp(k, NULL, 0, &pk, NULL), SGN_OK);
	for (sec1 = 0; sec1 < 2; sec1++) {
		BIO *bio = BIO_new(BIO_s_mem());
		struct sgn_signer *s = NULL;
		char *p;
		long n;

		cr_assert_not_null(bio);
		cr_assert_eq(sec1 ? PEM_write_bio_PrivateKey_traditional(bio,
		    k, NULL, NULL, 0, NULL, NULL) : PEM_write_bio_PrivateKey(
		    bio, k, NULL, NULL, 0, NULL, NULL), 1);
		n = BIO_get_mem_data(bio, &p);
		cr_assert(tu_has(p, sec1 ? "BEGIN EC PRIVATE KEY" :
		    "BEGIN PRIVATE KEY"));
		cr_assert_eq(sgn_signer_from_pem(p, (size_t)n, NULL, &s, NULL),
		    SGN_OK);
		cr_assert_eq(sgn_pubkey_equal(sgn_signer_pubkey(s), pk), 1);
		sgn_signer_free(&s);
		BIO_free(bio);
	}
	sgn_pubkey_free(&pk);
	EVP_PKEY_free(k);
}

/* Damaged and hostile files --------------------------------------------- */

Test(keys, cosign_refuses_an_edited_or_truncated_ciphertext)
{
	struct crafted c;
	struct fields f;
	uint8_t *ct = NULL;
	size_t ctlen, len;
	char *s, *pem;

	craft("pw", 1024, 8, 1, &c);
	cr_assert_eq(sgn_b64_decode(c.ct, strlen(c.ct), &ct, &ctlen, NULL),
	    SGN_OK);
	f = c.f;
	/* a flipped bit in the key, in the tag, then the last byte gone */
	ct[40] ^= 0x01;
	f.ct = s = b64(ct, ctlen);
	doc_fails(&f, "pw", SGN_ERR_VERIFY, "wrong password (or the key file "
	    "was altered)");
	free(s);
	ct[40] ^= 0x01;
	ct[3] ^= 0x80;
	f.ct = s = b64(ct, ctlen);
	doc_fails(&f, "pw", SGN_ERR_VERIFY, "wrong password");
	free(s);
	ct[3] ^= 0x80;
	f.ct = s = b64(ct, ctlen - 1);
	doc_fails(&f, "pw", SGN_ERR_VERIFY, "wrong password");
	free(s);
	/* too short to hold a tag */
	f.ct = s = b64(ct, crypto_secretbox_MACBYTES);
	doc_fails(&f, "pw", SGN_ERR_PARSE, "too short for a secretbox");
	free(s);
	/* the whole file cut short */
	f = c.f;
	pem = doc_pem(&f, &len);
	load_fails(pem, len / 2, "pw", SGN_ERR_PARSE,
	    "no PEM private key found");
	free(pem);
	free(ct);
	crafted_reset(&c);
}

Test(keys, cosign_refuses_an_edited_salt_or_nonce)
{
	struct crafted c;
	struct fields f;
	uint8_t *b = NULL;
	size_t n;
	char *s;

	craft("pw", 1024, 8, 1, &c);
	f = c.f;
	cr_assert_eq(sgn_b64_decode(c.salt, strlen(c.salt), &b, &n, NULL),
	    SGN_OK);
	b[0] ^= 1;
	f.salt = s = b64(b, n);
	doc_fails(&f, "pw", SGN_ERR_VERIFY, "wrong password");
	free(s);
	free(b);
	f = c.f;
	cr_assert_eq(sgn_b64_decode(c.nonce, strlen(c.nonce), &b, &n, NULL),
	    SGN_OK);
	b[23] ^= 1;
	f.nonce = s = b64(b, n);
	doc_fails(&f, "pw", SGN_ERR_VERIFY, "wrong password");
	free(s);
	free(b);
	/* a work factor lowered (the box was sealed with N=1024) */
	f = c.f;
	f.n = "512";
	doc_fails(&f, "pw", SGN_ERR_VERIFY, "wrong password");
	crafted_reset(&c);
}

Test(keys, cosign_refuses_scrypt_parameters_over_the_caps_before_any_work)
{
	static const struct { const char *n, *r, *p; } big[] = {
		{ "2097152", "1", "1" },	/* N = 2^21 */
		{ "1073741824", "8", "1" },	/* N = 2^30 */
		{ "1024", "33", "1" },		/* r */
		{ "1024", "8", "17" },		/* p */
		{ "1048576", "8", "1" },	/* 1 GiB */
		{ "524288", "8", "1" },		/* 512 MiB */
		{ "131072", "8", "8" },		/* N*r*p = 2^23 */
		{ "1048576", "1", "16" },	/* N*r*p = 2^24 */
	};
	struct crafted c;
	struct fields f;
	size_t i;

	craft("pw", 1024, 8, 1, &c);
	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		f = c.f;
		f.n = big[i].n;
		f.r = big[i].r;
		f.p = big[i].p;
		doc_fails(&f, "pw", SGN_ERR_LIMIT, "exceed signet's limits "
		    "(N up to 2^20, r up to 32, p up to 16, 128*N*r up to 256 "
		    "MiB, N*r*p up to 2^22)");
		/* checked before the password is asked for */
		doc_fails(&f, NULL, SGN_ERR_LIMIT, "exceed signet's limits");
	}
	crafted_reset(&c);
}

Test(keys, cosign_refuses_scrypt_parameters_that_are_not_scrypts)
{
	static const struct {
		const char *n, *r, *p, *want;
	} bad[] = {
		{ "1000", "8", "1", "N=1000 is not a power of two" },
		{ "1", "8", "1", "N=1 is not a power of two" },
		{ "0", "8", "1", "N=0 is not a power of two" },
		{ "1024", "0", "1", "r and p must be positive" },
		{ "1024", "8", "0", "r and p must be positive" },
		{ "-1024", "8", "1", "kdf.params.N: out of range" },
		{ "4294967296", "8", "1", "kdf.params.N: out of range" },
		{ "1024.5", "8", "1", "kdf.params.N: not an exact integer" },
		{ "\"1024\"", "8", "1", "kdf.params.N: not a number" },
		{ "null", "8", "1", "kdf.params: missing \"N\"" },
		{ "1024", "true", "1", "kdf.params.r: not a number" },
	};
	struct crafted c;
	struct fields f;
	size_t i;

	craft("pw", 1024, 8, 1, &c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = c.f;
		f.n = bad[i].n;
		f.r = bad[i].r;
		f.p = bad[i].p;
		doc_fails(&f, "pw", SGN_ERR_PARSE, bad[i].want);
	}
	crafted_reset(&c);
}

Test(keys, cosign_refuses_other_kdfs_and_ciphers)
{
	struct crafted c;
	struct fields f;

	craft("pw", 1024, 8, 1, &c);
	f = c.f;
	f.kdf = "pbkdf2";
	doc_fails(&f, "pw", SGN_ERR_UNSUPPORTED, "unsupported kdf \"pbkdf2\" "
	    "(expected \"scrypt\")");
	f = c.f;
	f.kdf = "Scrypt";
	doc_fails(&f, "pw", SGN_ERR_UNSUPPORTED, "unsupported kdf");
	f = c.f;
	f.cipher = "aes-256-gcm";
	doc_fails(&f, "pw", SGN_ERR_UNSUPPORTED, "unsupported cipher "
	    "\"aes-256-gcm\" (expected \"nacl/secretbox\")");
	crafted_reset(&c);
}

Test(keys, cosign_refuses_salts_nonces_and_base64_of_the_wrong_form)
{
	static const uint8_t zeros[33];
	struct crafted c;
	struct fields f;
	char *s, *t;
	size_t n;

	craft("pw", 1024, 8, 1, &c);
	f = c.f;
	f.salt = s = b64(zeros, 31);
	doc_fails(&f, "pw", SGN_ERR_PARSE, "kdf.salt: 31 bytes, not 32");
	free(s);
	f.salt = s = b64(zeros, 33);
	doc_fails(&f, "pw", SGN_ERR_PARSE, "kdf.salt: 33 bytes, not 32");
	free(s);
	f = c.f;
	f.nonce = s = b64(zeros, 23);
	doc_fails(&f, "pw", SGN_ERR_PARSE, "cipher.nonce: 23 bytes, not 24");
	free(s);
	f = c.f;
	f.salt = "";
	doc_fails(&f, "pw", SGN_ERR_PARSE, "kdf.salt");
	/* unpadded, URL-safe, and not base64 at all */
	f = c.f;
	t = strdup(c.ct);
	n = strlen(t);
	cr_assert_eq(t[n - 1], '=', "a P-256 ciphertext is padded");
	t[n - 1] = '\0';
	f.ct = t;
	doc_fails(&f, "pw", SGN_ERR_PARSE, "ciphertext: not padded standard "
	    "base64");
	free(t);
	f = c.f;
	t = strdup(c.salt);
	t[0] = '-';
	f.salt = t;
	doc_fails(&f, "pw", SGN_ERR_PARSE, "kdf.salt: not padded standard "
	    "base64");
	t[0] = '*';
	doc_fails(&f, "pw", SGN_ERR_PARSE, "kdf.salt");
	free(t);
	crafted_reset(&c);
}

/* A cosign PEM block around text. */
static void
body_fails(const char *body, sgn_err code, const char *want)
{
	size_t len;
	char *pem = tu_pem_block(SIGSTORE_LABEL, body, strlen(body), &len);

	load_fails(pem, len, "pw", code, want);
	free(pem);
}

Test(keys, cosign_refuses_json_that_is_not_a_key_document)
{
	struct crafted c;
	char *json, *edited;
	size_t n;

	body_fails("not json", SGN_ERR_PARSE, "private key: cosign key: "
	    "invalid JSON");
	body_fails("[]", SGN_ERR_PARSE, "not a JSON object");
	body_fails("{}", SGN_ERR_PARSE, "cosign key: missing \"kdf\"");
	body_fails("{\"kdf\":{\"name\":\"scrypt\"}}", SGN_ERR_PARSE,
	    "cosign key.kdf: missing \"params\"");
	craft("pw", 1024, 8, 1, &c);
	json = doc_json(&c.f);
	n = strlen(json) + 64;
	edited = malloc(n);
	cr_assert_not_null(edited);
	/* trailing bytes */
	snprintf(edited, n, "%s,", json);
	body_fails(edited, SGN_ERR_PARSE, "trailing data");
	/* a member signet does not know, at each level */
	snprintf(edited, n, "{\"extra\":1,%s", json + 1);
	body_fails(edited, SGN_ERR_PARSE, "cosign key: unknown member "
	    "\"extra\"");
	snprintf(edited, n, "{\"kdf\":{\"x\":1,%s", json + 8);
	body_fails(edited, SGN_ERR_PARSE, "cosign key.kdf: unknown member "
	    "\"x\"");
	/* a key given twice (Go would take the last one) */
	snprintf(edited, n, "{\"ciphertext\":\"AAAA\",%s", json + 1);
	body_fails(edited, SGN_ERR_PARSE, "duplicate key \"ciphertext\"");
	/* lookups are case-sensitive, as the format's writers spell it */
	snprintf(edited, n, "%s", json);
	edited[2] = 'K';
	body_fails(edited, SGN_ERR_PARSE, "unknown member \"Kdf\"");
	free(edited);
	free(json);
	crafted_reset(&c);
}

Test(keys, cosign_refuses_pem_headers_and_an_empty_block)
{
	struct crafted c;
	const char *pem;
	char *json;
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;

	cr_assert_not_null(bio);
	craft("pw", 1024, 8, 1, &c);
	json = doc_json(&c.f);
	cr_assert_gt(PEM_write_bio(bio, SIGSTORE_LABEL, "Comment: hi\n",
	    (unsigned char *)json, (long)strlen(json)), 0);
	n = BIO_get_mem_data(bio, &p);
	load_fails(p, (size_t)n, "pw", SGN_ERR_PARSE, "unexpected PEM "
	    "headers in a " SIGSTORE_LABEL " block");
	pem = "-----BEGIN " SIGSTORE_LABEL "-----\n-----END " SIGSTORE_LABEL
	    "-----\n";
	load_fails(pem, strlen(pem), "pw", SGN_ERR_PARSE, "private key:");
	BIO_free(bio);
	free(json);
	crafted_reset(&c);
}
