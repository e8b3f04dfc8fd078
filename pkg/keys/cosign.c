/*
 * cosign's encrypted private key files: "ENCRYPTED SIGSTORE PRIVATE KEY"
 * (and the older "ENCRYPTED COSIGN PRIVATE KEY") PEM blocks around the
 * JSON of go-securesystemslib's encrypted package: scrypt derives a NaCl
 * secretbox key from the password, and the box holds the key's PKCS#8
 * DER.  keys.h has the layout; the sources are sigstore/sigstore
 * pkg/cryptoutils/privatekey.go, cosign pkg/cosign/keys.go,
 * go-securesystemslib encrypted/encrypted.go and sigstore-rs
 * src/crypto/signing_key/kdf.rs.
 *
 * libsodium does scrypt (crypto_pwhash_scryptsalsa208sha256_ll, with the
 * file's N, r and p) and the secretbox; OpenSSL does keys and randomness.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <sodium.h>

#include "json.h"
#include "keys.h"
#include "keys_int.h"

#define SALT_LEN	32	/* go-securesystemslib saltSize */
#define KEY_LEN		crypto_secretbox_KEYBYTES
#define NONCE_LEN	crypto_secretbox_NONCEBYTES
#define MAC_LEN		crypto_secretbox_MACBYTES
#define KDF_NAME	"scrypt"
#define CIPHER_NAME	"nacl/secretbox"
#define WHERE		"private key: cosign key"

/* The document as read, before any work is done with it. */
struct cosign_doc {
	uint64_t	 n;
	uint32_t	 r;
	uint32_t	 p;
	uint8_t		*salt;
	size_t		 salt_len;
	uint8_t		*nonce;
	size_t		 nonce_len;
	uint8_t		*ct;
	size_t		 ct_len;
};

static void
doc_reset(struct cosign_doc *d)
{
	free(d->salt);
	free(d->nonce);
	free(d->ct);
	memset(d, 0, sizeof(*d));
}

/*
 * sodium_init() is safe to call from several threads and more than once
 * (it returns 1 when already done); it picks the fastest scrypt and
 * secretbox code for the CPU.
 */
static sgn_err
sodium_ready(struct sgn_errbuf *eb)
{
	if (sodium_init() < 0)
		return sgn_errf(eb, SGN_ERR_CRYPTO, "libsodium failed to "
		    "initialise");
	return SGN_OK;
}

/* Refuses members of obj other than names[0 .. n-1] (typos, or a format
 * signet does not know). */
static sgn_err
only_members(const cJSON *obj, const char *const *names, size_t n,
    const char *where, struct sgn_errbuf *eb)
{
	const cJSON *m;
	size_t i;

	for (m = obj->child; m != NULL; m = m->next) {
		for (i = 0; i < n; i++)
			if (m->string != NULL && strcmp(m->string, names[i]) ==
			    0)
				break;
		if (i == n)
			return sgn_errf(eb, SGN_ERR_PARSE, "%s: unknown member "
			    "\"%.40s\"", where, m->string != NULL ?
			    m->string : "");
	}
	return SGN_OK;
}

/* Bytes as Go's encoding/json writes them: standard base64, padded; of
 * exactly want bytes when want is not 0. */
static sgn_err
get_b64(const cJSON *obj, const char *key, const char *where, size_t want,
    uint8_t **out, size_t *outlen, struct sgn_errbuf *eb)
{
	const char *s;
	size_t n;
	sgn_err r;

	*out = NULL;
	*outlen = 0;
	if ((r = sgn_json_get_string(obj, key, SGN_JSON_REQUIRED, where, &s,
	    eb)) != SGN_OK)
		return r;
	n = strlen(s);
	if (n % 4 != 0 || strcspn(s, "-_") != n)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.%s: not padded "
		    "standard base64", where, key);
	if ((r = sgn_json_get_bytes(obj, key, SGN_JSON_REQUIRED, where, out,
	    outlen, eb)) != SGN_OK)
		return r;
	if (want != 0 && *outlen != want) {
		free(*out);
		*out = NULL;
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.%s: %zu bytes, not %zu",
		    where, key, *outlen, want);
	}
	return SGN_OK;
}

/* A JSON number (never a string: Go writes and reads numbers) that fits
 * in uint32. */
static sgn_err
get_param(const cJSON *params, const char *key, uint32_t *out,
    struct sgn_errbuf *eb)
{
	const cJSON *m = sgn_json_member(params, key);

	*out = 0;
	if (m != NULL && !cJSON_IsNumber(m))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.kdf.params.%s: not a "
		    "number", WHERE, key);
	return sgn_json_get_uint32(params, key, SGN_JSON_REQUIRED,
	    WHERE ".kdf.params", out, eb);
}

/*
 * Checks N, r and p before anything is allocated for them: scrypt needs
 * 128 * N * r bytes and time in proportion to N * r * p.
 */
static sgn_err
check_params(uint64_t n, uint32_t r, uint32_t p, struct sgn_errbuf *eb)
{
	if (n < 2 || (n & (n - 1)) != 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: scrypt N=%llu is not a "
		    "power of two above 1", WHERE, (unsigned long long)n);
	if (r == 0 || p == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: scrypt r and p must "
		    "be positive", WHERE);
	if (n > SGN_COSIGN_MAX_SCRYPT_N || r > SGN_COSIGN_MAX_SCRYPT_R ||
	    p > SGN_COSIGN_MAX_SCRYPT_P ||
	    128 * n * r > SGN_COSIGN_MAX_SCRYPT_MEM ||
	    n * r * p > SGN_COSIGN_MAX_SCRYPT_WORK)
		return sgn_errf(eb, SGN_ERR_LIMIT, "%s: scrypt parameters "
		    "N=%llu r=%u p=%u exceed signet's limits (N up to 2^20, "
		    "r up to %u, p up to %u, 128*N*r up to %u MiB, N*r*p up "
		    "to 2^22)", WHERE, (unsigned long long)n, r, p,
		    SGN_COSIGN_MAX_SCRYPT_R, SGN_COSIGN_MAX_SCRYPT_P,
		    SGN_COSIGN_MAX_SCRYPT_MEM >> 20);
	return SGN_OK;
}

/* Parses and checks the whole document. */
static sgn_err
doc_parse(const uint8_t *body, size_t len, struct cosign_doc *d,
    struct sgn_errbuf *eb)
{
	static const char *const top[] = { "kdf", "cipher", "ciphertext" };
	static const char *const kdf_m[] = { "name", "params", "salt" };
	static const char *const par_m[] = { "N", "r", "p" };
	static const char *const cip_m[] = { "name", "nonce" };
	const cJSON *kdf, *params, *cipher;
	const char *name;
	cJSON *root = NULL;
	uint32_t n;
	sgn_err r;

	memset(d, 0, sizeof(*d));
	if ((r = sgn_json_parse(body, len, WHERE, &root, eb)) != SGN_OK)
		return r;
	if (!cJSON_IsObject(root)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "%s: not a JSON object",
		    WHERE);
		goto out;
	}
	if ((r = only_members(root, top, 3, WHERE, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(root, "kdf", SGN_JSON_REQUIRED, WHERE,
	    &kdf, eb)) != SGN_OK ||
	    (r = only_members(kdf, kdf_m, 3, WHERE ".kdf", eb)) != SGN_OK ||
	    (r = sgn_json_get_string(kdf, "name", SGN_JSON_REQUIRED,
	    WHERE ".kdf", &name, eb)) != SGN_OK)
		goto out;
	if (strcmp(name, KDF_NAME) != 0) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "%s: unsupported kdf "
		    "\"%.40s\" (expected \"%s\")", WHERE, name, KDF_NAME);
		goto out;
	}
	if ((r = sgn_json_get_object(kdf, "params", SGN_JSON_REQUIRED,
	    WHERE ".kdf", &params, eb)) != SGN_OK ||
	    (r = only_members(params, par_m, 3, WHERE ".kdf.params", eb)) !=
	    SGN_OK ||
	    (r = get_param(params, "N", &n, eb)) != SGN_OK ||
	    (r = get_param(params, "r", &d->r, eb)) != SGN_OK ||
	    (r = get_param(params, "p", &d->p, eb)) != SGN_OK)
		goto out;
	d->n = n;
	if ((r = check_params(d->n, d->r, d->p, eb)) != SGN_OK ||
	    (r = get_b64(kdf, "salt", WHERE ".kdf", SALT_LEN, &d->salt,
	    &d->salt_len, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(root, "cipher", SGN_JSON_REQUIRED,
	    WHERE, &cipher, eb)) != SGN_OK ||
	    (r = only_members(cipher, cip_m, 2, WHERE ".cipher", eb)) !=
	    SGN_OK ||
	    (r = sgn_json_get_string(cipher, "name", SGN_JSON_REQUIRED,
	    WHERE ".cipher", &name, eb)) != SGN_OK)
		goto out;
	if (strcmp(name, CIPHER_NAME) != 0) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "%s: unsupported cipher "
		    "\"%.40s\" (expected \"%s\")", WHERE, name, CIPHER_NAME);
		goto out;
	}
	if ((r = get_b64(cipher, "nonce", WHERE ".cipher", NONCE_LEN,
	    &d->nonce, &d->nonce_len, eb)) != SGN_OK ||
	    (r = get_b64(root, "ciphertext", WHERE, 0, &d->ct, &d->ct_len,
	    eb)) != SGN_OK)
		goto out;
	if (d->ct_len <= MAC_LEN) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "%s: ciphertext of %zu bytes "
		    "is too short for a secretbox", WHERE, d->ct_len);
		goto out;
	}
	r = SGN_OK;
out:
	cJSON_Delete(root);
	if (r != SGN_OK)
		doc_reset(d);
	return r;
}

/* scrypt(password, salt, N, r, p) into key[KEY_LEN]. */
static sgn_err
derive(const struct sgn_secret *password, const uint8_t *salt,
    size_t salt_len, uint64_t n, uint32_t r, uint32_t p, uint8_t *key,
    struct sgn_errbuf *eb)
{
	/* libsodium wants a pointer even for the empty password */
	static const uint8_t empty[1];
	const uint8_t *pw = password->len > 0 ? password->ptr : empty;

	if (crypto_pwhash_scryptsalsa208sha256_ll(pw, password->len, salt,
	    salt_len, n, r, p, key, KEY_LEN) != 0) {
		sgn_memzero(key, KEY_LEN);
		return sgn_errf(eb, SGN_ERR_NOMEM, "%s: scrypt failed (out of "
		    "memory?)", WHERE);
	}
	return SGN_OK;
}

sgn_err
sgn_cosign_decrypt(const uint8_t *body, size_t len,
    const struct sgn_secret *password, uint8_t **der, size_t *dlen,
    struct sgn_errbuf *eb)
{
	struct cosign_doc d;
	uint8_t key[KEY_LEN];
	uint8_t *pt = NULL;
	size_t ptlen = 0;
	sgn_err r;

	*der = NULL;
	*dlen = 0;
	if ((r = doc_parse(body, len, &d, eb)) != SGN_OK)
		return r;
	if (password == NULL) {
		r = sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "private key: the key "
		    "is encrypted and no passphrase was given");
		goto out;
	}
	if ((r = sodium_ready(eb)) != SGN_OK ||
	    (r = derive(password, d.salt, d.salt_len, d.n, d.r, d.p, key,
	    eb)) != SGN_OK)
		goto out;
	ptlen = d.ct_len - MAC_LEN;
	if ((pt = OPENSSL_secure_malloc(ptlen)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (crypto_secretbox_open_easy(pt, d.ct, d.ct_len, d.nonce, key) !=
	    0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "private key: wrong password "
		    "(or the key file was altered)");
		goto out;
	}
	*der = pt;
	*dlen = ptlen;
	pt = NULL;
	r = SGN_OK;
out:
	sgn_memzero(key, sizeof(key));
	if (pt != NULL)
		OPENSSL_secure_clear_free(pt, ptlen);
	doc_reset(&d);
	return r;
}

/* Appends "name":"<base64 of p>" to b. */
static sgn_err
put_b64(struct sgn_buf *b, const char *name, const uint8_t *p, size_t n,
    struct sgn_errbuf *eb)
{
	char *s = NULL;
	sgn_err r;

	if ((r = sgn_b64_encode(p, n, &s, eb)) != SGN_OK)
		return r;
	r = sgn_buf_appendf(b, eb, "\"%s\":\"%s\"", name, s);
	free(s);
	return r;
}

/*
 * The JSON document for der under password, byte for byte as Go's
 * encoding/json writes go-securesystemslib's struct: members in declaration
 * order, no spaces.
 */
static sgn_err
encrypt_doc(const uint8_t *der, size_t dlen,
    const struct sgn_secret *password, struct sgn_buf *doc,
    struct sgn_errbuf *eb)
{
	uint8_t salt[SALT_LEN], nonce[NONCE_LEN], key[KEY_LEN];
	uint8_t *ct = NULL;
	size_t ctlen = dlen + MAC_LEN;
	sgn_err r;

	if ((r = sodium_ready(eb)) != SGN_OK)
		return r;
	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    RAND_bytes(nonce, sizeof(nonce)) != 1)
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "private key: no "
		    "random bytes");
	if ((r = derive(password, salt, sizeof(salt), SGN_COSIGN_SCRYPT_N,
	    SGN_COSIGN_SCRYPT_R, SGN_COSIGN_SCRYPT_P, key, eb)) != SGN_OK)
		return r;
	if ((ct = malloc(ctlen)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (crypto_secretbox_easy(ct, der, dlen, nonce, key) != 0) {
		r = sgn_errf(eb, SGN_ERR_CRYPTO, "private key: secretbox "
		    "failed");
		goto out;
	}
	if ((r = sgn_buf_appendf(doc, eb, "{\"kdf\":{\"name\":\"%s\","
	    "\"params\":{\"N\":%u,\"r\":%u,\"p\":%u},", KDF_NAME,
	    SGN_COSIGN_SCRYPT_N, SGN_COSIGN_SCRYPT_R, SGN_COSIGN_SCRYPT_P)) !=
	    SGN_OK ||
	    (r = put_b64(doc, "salt", salt, sizeof(salt), eb)) != SGN_OK ||
	    (r = sgn_buf_appendf(doc, eb, "},\"cipher\":{\"name\":\"%s\",",
	    CIPHER_NAME)) != SGN_OK ||
	    (r = put_b64(doc, "nonce", nonce, sizeof(nonce), eb)) != SGN_OK ||
	    (r = sgn_buf_append(doc, "},", 2, eb)) != SGN_OK ||
	    (r = put_b64(doc, "ciphertext", ct, ctlen, eb)) != SGN_OK ||
	    (r = sgn_buf_append(doc, "}", 1, eb)) != SGN_OK)
		goto out;
	r = SGN_OK;
out:
	sgn_memzero(key, sizeof(key));
	free(ct);
	return r;
}

/* Appends the PEM text of (p, n) under label to out (64-column lines, as
 * Go's encoding/pem and OpenSSL both write). */
static sgn_err
pem_wrap(const char *label, const uint8_t *p, size_t n, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	BIO *bio;
	char *text;
	long tlen;
	sgn_err r;

	if (n > INT32_MAX)
		return sgn_errf(eb, SGN_ERR_LIMIT, "private key: too large");
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
	if (PEM_write_bio(bio, label, "", p, (long)n) <= 0 ||
	    (tlen = BIO_get_mem_data(bio, &text)) <= 0) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "private key: PEM "
		    "encoding failed");
		goto out;
	}
	r = sgn_buf_append(out, text, (size_t)tlen, eb);
out:
	BIO_free(bio);
	return r;
}

/* The PKCS#8 DER of k (the bytes cosign's x509.MarshalPKCS8PrivateKey
 * writes for a P-256 key: the SEC1 key inside holds the public point and
 * no curve, which the algorithm identifier names). */
static sgn_err
pkcs8_der(EVP_PKEY *k, uint8_t **der, size_t *dlen, struct sgn_errbuf *eb)
{
	PKCS8_PRIV_KEY_INFO *p8;
	unsigned char *p = NULL;
	int n;

	*der = NULL;
	*dlen = 0;
	if ((p8 = EVP_PKEY2PKCS8(k)) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "private key: PKCS#8 "
		    "encoding failed");
	n = i2d_PKCS8_PRIV_KEY_INFO(p8, &p);
	/* Freeing a PKCS8_PRIV_KEY_INFO wipes the key bytes. */
	PKCS8_PRIV_KEY_INFO_free(p8);
	if (n <= 0 || p == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "private key: PKCS#8 "
		    "encoding failed");
	*der = p;
	*dlen = (size_t)n;
	return SGN_OK;
}

sgn_err
sgn_cosign_key_generate(const struct sgn_secret *password,
    struct sgn_buf *priv_pem, struct sgn_buf *pub_pem,
    struct sgn_errbuf *eb)
{
	struct sgn_buf doc;
	struct sgn_pubkey *pub = NULL;
	EVP_PKEY *k = NULL;
	uint8_t *der = NULL;
	char *pubtext = NULL;
	size_t dlen = 0;
	sgn_err r;

	sgn_buf_reset(priv_pem);
	sgn_buf_reset(pub_pem);
	sgn_buf_init(&doc, 0);
	if (password == NULL || (password->ptr == NULL && password->len > 0))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "private key: "
		    "no password (an empty one is allowed)");
	if (password->len > PEM_BUFSIZE)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "private key: "
		    "password longer than %d bytes", PEM_BUFSIZE);
	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "key generation "
		    "failed");
	if ((r = pkcs8_der(k, &der, &dlen, eb)) != SGN_OK ||
	    (r = encrypt_doc(der, dlen, password, &doc, eb)) != SGN_OK ||
	    (r = pem_wrap(SGN_COSIGN_PEM_LABEL, doc.ptr, doc.len, priv_pem,
	    eb)) != SGN_OK ||
	    (r = sgn_pubkey_from_evp(k, NULL, 0, &pub, eb)) != SGN_OK ||
	    (r = sgn_pubkey_to_pem(pub, &pubtext, eb)) != SGN_OK ||
	    (r = sgn_buf_append(pub_pem, pubtext, strlen(pubtext), eb)) !=
	    SGN_OK)
		goto out;
	r = SGN_OK;
out:
	if (r != SGN_OK) {
		sgn_buf_reset(priv_pem);
		sgn_buf_reset(pub_pem);
	}
	if (der != NULL)
		OPENSSL_clear_free(der, dlen);
	free(pubtext);
	sgn_pubkey_free(&pub);
	sgn_buf_reset(&doc);
	EVP_PKEY_free(k);
	return r;
}
