/*
 * Public keys and signature verification through OpenSSL 3 EVP.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/core.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "keys.h"

struct sgn_pubkey {
	EVP_PKEY	*pkey;
	sgn_key_type	 type;
	sgn_rsa_padding	 pad;
	int		 bits;
	uint8_t		*spki;
	size_t		 spki_len;
	uint8_t		 raw[32];
	char		 desc[32];
};

static sgn_err
classify(struct sgn_pubkey *k, const uint8_t *spki, size_t spki_len,
    struct sgn_errbuf *eb)
{
	char group[64];
	size_t glen = 0;
	unsigned char *der = NULL;
	int len;

	k->bits = EVP_PKEY_get_bits(k->pkey);
	if (EVP_PKEY_is_a(k->pkey, "EC")) {
		char enc[32];
		size_t elen = 0;
		/* RFC 5480 2.1.1: PKIX keys name their curve; spelled-out
		 * parameters are refused (as Go's crypto/x509 does). */
		if (EVP_PKEY_get_utf8_string_param(k->pkey,
		    OSSL_PKEY_PARAM_EC_ENCODING, enc, sizeof(enc), &elen) ==
		    1 && strcmp(enc, OSSL_PKEY_EC_ENCODING_GROUP) != 0)
			return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
			    "EC key with explicit curve parameters");
		ERR_clear_error();
		if (EVP_PKEY_get_utf8_string_param(k->pkey,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
		    &glen) != 1)
			return sgn_errf_ssl(eb, SGN_ERR_UNSUPPORTED,
			    "EC key without a named curve");
		if (strcmp(group, "prime256v1") == 0 ||
		    strcmp(group, "P-256") == 0)
			k->type = SGN_KEY_ECDSA_P256;
		else if (strcmp(group, "secp384r1") == 0 ||
		    strcmp(group, "P-384") == 0)
			k->type = SGN_KEY_ECDSA_P384;
		else if (strcmp(group, "secp521r1") == 0 ||
		    strcmp(group, "P-521") == 0)
			k->type = SGN_KEY_ECDSA_P521;
		else
			return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
			    "unsupported elliptic curve %.32s", group);
	} else if (EVP_PKEY_is_a(k->pkey, "ED25519")) {
		size_t rl = sizeof(k->raw);
		k->type = SGN_KEY_ED25519;
		if (EVP_PKEY_get_raw_public_key(k->pkey, k->raw, &rl) != 1 ||
		    rl != 32)
			return sgn_errf_ssl(eb, SGN_ERR_PARSE,
			    "bad Ed25519 key");
	} else if (EVP_PKEY_is_a(k->pkey, "RSA")) {
		k->type = SGN_KEY_RSA;
		if (k->bits < 2048 || k->bits > 8192)
			return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
			    "RSA key size %d not allowed", k->bits);
	} else {
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "unsupported public key algorithm");
	}
	if (spki != NULL) {
		if ((k->spki = OPENSSL_memdup(spki, spki_len)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		k->spki_len = spki_len;
	} else {
		if ((len = i2d_PUBKEY(k->pkey, &der)) <= 0)
			return sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
			    "cannot encode key");
		k->spki = der;
		k->spki_len = (size_t)len;
	}
	switch (k->type) {
	case SGN_KEY_ECDSA_P256:
		snprintf(k->desc, sizeof(k->desc), "ECDSA P-256");
		break;
	case SGN_KEY_ECDSA_P384:
		snprintf(k->desc, sizeof(k->desc), "ECDSA P-384");
		break;
	case SGN_KEY_ECDSA_P521:
		snprintf(k->desc, sizeof(k->desc), "ECDSA P-521");
		break;
	case SGN_KEY_ED25519:
		snprintf(k->desc, sizeof(k->desc), "Ed25519");
		break;
	default:
		snprintf(k->desc, sizeof(k->desc), "RSA-%d", k->bits);
	}
	return SGN_OK;
}

static sgn_err
wrap(EVP_PKEY *pkey, const uint8_t *spki, size_t spki_len,
    struct sgn_pubkey **out, struct sgn_errbuf *eb)
{
	struct sgn_pubkey *k;
	sgn_err r;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pkey);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	k->pkey = pkey;
	if ((r = classify(k, spki, spki_len, eb)) != SGN_OK) {
		sgn_pubkey_free(&k);
		return r;
	}
	*out = k;
	return SGN_OK;
}

sgn_err
sgn_pubkey_from_evp(struct evp_pkey_st *pkey, const uint8_t *spki,
    size_t spki_len, struct sgn_pubkey **out, struct sgn_errbuf *eb)
{
	*out = NULL;
	if (pkey == NULL || EVP_PKEY_up_ref(pkey) != 1)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no key");
	return wrap(pkey, spki, spki_len, out, eb);
}

int
sgn_pubkey_equal(const struct sgn_pubkey *a, const struct sgn_pubkey *b)
{
	int r;

	if (a == NULL || b == NULL)
		return 0;
	r = EVP_PKEY_eq(a->pkey, b->pkey) == 1;
	ERR_clear_error();
	return r;
}

/*
 * The SubjectPublicKeyInfo forms Sigstore keys take, recognised byte for
 * byte: OpenSSL 3's generic decoder (d2i_PUBKEY) costs 30 times more than
 * importing the point or the raw key, and logs, CT logs and TSAs are
 * loaded from every trusted root.
 */
struct spki_form {
	const char	*group;		/* EC curve, or NULL for Ed25519 */
	const uint8_t	*prefix;
	size_t		 prefix_len;
	size_t		 key_len;	/* bytes after the prefix */
};

static const uint8_t p256_prefix[] = { 0x30, 0x59, 0x30, 0x13, 0x06, 0x07,
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
    0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00 };
static const uint8_t p384_prefix[] = { 0x30, 0x76, 0x30, 0x10, 0x06, 0x07,
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04,
    0x00, 0x22, 0x03, 0x62, 0x00 };
static const uint8_t p521_prefix[] = { 0x30, 0x81, 0x9b, 0x30, 0x10, 0x06,
    0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81,
    0x04, 0x00, 0x23, 0x03, 0x81, 0x86, 0x00 };
static const uint8_t ed25519_prefix[] = { 0x30, 0x2a, 0x30, 0x05, 0x06,
    0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };

static const struct spki_form spki_forms[] = {
	{ "P-256", p256_prefix, sizeof(p256_prefix), 65 },
	{ "P-384", p384_prefix, sizeof(p384_prefix), 97 },
	{ "P-521", p521_prefix, sizeof(p521_prefix), 133 },
	{ NULL, ed25519_prefix, sizeof(ed25519_prefix), 32 },
};

/* A key of a known form (uncompressed points only), or NULL. */
static EVP_PKEY *
fast_spki(const uint8_t *der, size_t len)
{
	const struct spki_form *f;
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM params[3];
	size_t i;

	for (i = 0; i < sizeof(spki_forms) / sizeof(spki_forms[0]); i++) {
		f = &spki_forms[i];
		if (len != f->prefix_len + f->key_len ||
		    memcmp(der, f->prefix, f->prefix_len) != 0)
			continue;
		if (f->group == NULL)
			return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519,
			    NULL, der + f->prefix_len, f->key_len);
		if (der[f->prefix_len] != 0x04)
			return NULL;
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_GROUP_NAME, (char *)(uintptr_t)f->group,
		    0);
		params[1] = OSSL_PARAM_construct_octet_string(
		    OSSL_PKEY_PARAM_PUB_KEY,
		    (void *)(uintptr_t)(der + f->prefix_len), f->key_len);
		params[2] = OSSL_PARAM_construct_end();
		/* Import checks that the point lies on the curve. */
		if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) ==
		    NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
		    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY,
		    params) != 1)
			pkey = NULL;
		EVP_PKEY_CTX_free(ctx);
		return pkey;
	}
	return NULL;
}

sgn_err
sgn_pubkey_from_der(const uint8_t *der, size_t len, struct sgn_pubkey **out,
    struct sgn_errbuf *eb)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey;
	int spki = 1;

	*out = NULL;
	if (der == NULL || len == 0 || len > 1u << 16)
		return sgn_errf(eb, SGN_ERR_PARSE, "invalid public key size");
	if ((pkey = fast_spki(der, len)) != NULL)
		return wrap(pkey, der, len, out, eb);
	ERR_clear_error();
	pkey = d2i_PUBKEY(NULL, &p, (long)len);
	if (pkey != NULL && p != der + len) {
		EVP_PKEY_free(pkey);
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "trailing data after public key");
	}
	if (pkey == NULL) {
		/* Some trusted roots ship PKCS#1 RSAPublicKey bytes. */
		ERR_clear_error();
		p = der;
		pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
		if (pkey != NULL && p != der + len) {
			EVP_PKEY_free(pkey);
			pkey = NULL;
		}
		spki = 0;
	}
	if (pkey == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_PARSE, "invalid public key");
	return wrap(pkey, spki ? der : NULL, len, out, eb);
}

/* PEM text of a DER SubjectPublicKeyInfo, as PEM_write_bio_PUBKEY writes
 * it: 64-column base64 lines, every line ending in "\n". */
static sgn_err
pem_of_spki(const uint8_t *der, size_t len, char **pem, struct sgn_errbuf *eb)
{
	char *b64 = NULL, *out;
	size_t n, i, o = 0, lines;
	static const char hdr[] = "-----BEGIN PUBLIC KEY-----\n";
	static const char ftr[] = "-----END PUBLIC KEY-----\n";
	sgn_err r;

	*pem = NULL;
	if ((r = sgn_b64_encode(der, len, &b64, eb)) != SGN_OK)
		return r;
	n = strlen(b64);
	lines = (n + 63) / 64;
	if ((out = malloc(sizeof(hdr) + n + lines + sizeof(ftr))) == NULL) {
		free(b64);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	memcpy(out, hdr, sizeof(hdr) - 1);
	o = sizeof(hdr) - 1;
	for (i = 0; i < n; i += 64) {
		size_t l = n - i < 64 ? n - i : 64;
		memcpy(out + o, b64 + i, l);
		o += l;
		out[o++] = '\n';
	}
	memcpy(out + o, ftr, sizeof(ftr));
	free(b64);
	*pem = out;
	return SGN_OK;
}

sgn_err
sgn_pubkey_to_pem(const struct sgn_pubkey *k, char **pem,
    struct sgn_errbuf *eb)
{
	return pem_of_spki(k->spki, k->spki_len, pem, eb);
}

/*
 * The DER SubjectPublicKeyInfo every encoder writes for k: EC points
 * uncompressed with a named curve (a key read from a compressed point is
 * expanded), other kinds as OpenSSL encodes them.  *der is malloc'd.
 */
static sgn_err
canonical_spki(const struct sgn_pubkey *k, uint8_t **derp, size_t *lenp,
    struct sgn_errbuf *eb)
{
	const struct spki_form *f = NULL;
	const char *group;
	BIGNUM *x = NULL, *y = NULL;
	unsigned char *enc = NULL;
	uint8_t *der = NULL;
	size_t i, half;
	int len;
	sgn_err r = SGN_ERR_CRYPTO;

	*derp = NULL;
	*lenp = 0;
	group = k->type == SGN_KEY_ECDSA_P256 ? "P-256" :
	    k->type == SGN_KEY_ECDSA_P384 ? "P-384" :
	    k->type == SGN_KEY_ECDSA_P521 ? "P-521" : NULL;
	for (i = 0; group != NULL && i < sizeof(spki_forms) /
	    sizeof(spki_forms[0]); i++)
		if (spki_forms[i].group != NULL &&
		    strcmp(spki_forms[i].group, group) == 0)
			f = &spki_forms[i];
	if (f == NULL) {
		if ((len = i2d_PUBKEY(k->pkey, &enc)) <= 0)
			return sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
			    "cannot encode key");
		if ((der = malloc((size_t)len)) == NULL) {
			OPENSSL_free(enc);
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		}
		memcpy(der, enc, (size_t)len);
		OPENSSL_free(enc);
		*derp = der;
		*lenp = (size_t)len;
		return SGN_OK;
	}
	/* prefix || 0x04 || X || Y, coordinates left-padded. */
	half = (f->key_len - 1) / 2;
	if ((der = malloc(f->prefix_len + f->key_len)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	memcpy(der, f->prefix, f->prefix_len);
	der[f->prefix_len] = 0x04;
	if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) !=
	    1 ||
	    EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) !=
	    1 ||
	    BN_bn2binpad(x, der + f->prefix_len + 1, (int)half) != (int)half ||
	    BN_bn2binpad(y, der + f->prefix_len + 1 + half, (int)half) !=
	    (int)half) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
		    "cannot read the EC public point");
		free(der);
		goto out;
	}
	*derp = der;
	*lenp = f->prefix_len + f->key_len;
	r = SGN_OK;
out:
	BN_free(x);
	BN_free(y);
	return r;
}

sgn_err
sgn_pubkey_pem_hint(const struct sgn_pubkey *k,
    char hint[SGN_PUBKEY_HINT_LEN], struct sgn_errbuf *eb)
{
	uint8_t *der = NULL, md[32];
	char *pem = NULL;
	size_t len = 0;
	sgn_err r;

	hint[0] = '\0';
	if ((r = canonical_spki(k, &der, &len, eb)) != SGN_OK ||
	    (r = pem_of_spki(der, len, &pem, eb)) != SGN_OK ||
	    (r = sgn_hash(SGN_HASH_SHA256, pem, strlen(pem), md, eb)) !=
	    SGN_OK)
		goto out;
	sgn_hex_encode(md, sizeof(md), hint);
	r = SGN_OK;
out:
	free(der);
	free(pem);
	return r;
}

sgn_err
sgn_pem_block(const char *pem, size_t len, const char *const *labels,
    size_t n, const char *what, int skip, size_t *which, uint8_t **derp,
    size_t *dlenp, struct sgn_errbuf *eb)
{
	BIO *bio;
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long dlen = 0;
	size_t i;
	sgn_err r = SGN_ERR_PARSE;

	*derp = NULL;
	*dlenp = 0;
	if (pem == NULL || len == 0 || len > SGN_MAX_KEY_FILE_BYTES * 4)
		return sgn_errf(eb, SGN_ERR_PARSE, "invalid PEM size");
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
	for (;;) {
		if (PEM_read_bio(bio, &name, &header, &der, &dlen) != 1) {
			r = sgn_errf_ssl(eb, SGN_ERR_PARSE, "no PEM %s found",
			    what);
			break;
		}
		for (i = 0; i < n && strcmp(name, labels[i]) != 0; i++)
			;
		if (i == n && !skip) {
			r = sgn_errf(eb, SGN_ERR_PARSE, "unexpected PEM block "
			    "\"%.32s\"", name);
			break;
		}
		if (i < n && dlen > 0) {
			if ((*derp = malloc((size_t)dlen)) == NULL) {
				r = sgn_errf(eb, SGN_ERR_NOMEM,
				    "out of memory");
				break;
			}
			memcpy(*derp, der, (size_t)dlen);
			*dlenp = (size_t)dlen;
			if (which != NULL)
				*which = i;
			r = SGN_OK;
			break;
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		name = header = NULL;
		der = NULL;
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	return r;
}

sgn_err
sgn_pubkey_from_pem(const char *pem, size_t len, struct sgn_pubkey **out,
    struct sgn_errbuf *eb)
{
	static const char *const labels[] = { "PUBLIC KEY",
	    "RSA PUBLIC KEY" };
	uint8_t *der;
	size_t dlen;
	sgn_err r;

	*out = NULL;
	if (len > SGN_MAX_KEY_FILE_BYTES)
		return sgn_errf(eb, SGN_ERR_PARSE, "invalid PEM size");
	if ((r = sgn_pem_block(pem, len, labels, 2, "public key", 1, NULL,
	    &der, &dlen, eb)) != SGN_OK)
		return r;
	r = sgn_pubkey_from_der(der, dlen, out, eb);
	free(der);
	return r;
}

void
sgn_pubkey_free(struct sgn_pubkey **kp)
{
	struct sgn_pubkey *k;

	if (kp == NULL || (k = *kp) == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	OPENSSL_free(k->spki);
	free(k);
	*kp = NULL;
}

sgn_key_type
sgn_pubkey_type(const struct sgn_pubkey *k)
{
	return k->type;
}

int
sgn_pubkey_is_ecdsa(const struct sgn_pubkey *k)
{
	sgn_key_type t = sgn_pubkey_type(k);

	return t == SGN_KEY_ECDSA_P256 || t == SGN_KEY_ECDSA_P384 ||
	    t == SGN_KEY_ECDSA_P521;
}

const char *
sgn_pubkey_describe(const struct sgn_pubkey *k)
{
	return k->desc;
}

sgn_hash_alg
sgn_pubkey_default_hash(const struct sgn_pubkey *k)
{
	switch (k->type) {
	case SGN_KEY_ECDSA_P256:
	case SGN_KEY_RSA:
		return SGN_HASH_SHA256;
	case SGN_KEY_ECDSA_P384:
		return SGN_HASH_SHA384;
	case SGN_KEY_ECDSA_P521:
		return SGN_HASH_SHA512;
	default:
		return SGN_HASH_NONE;
	}
}

void
sgn_pubkey_set_rsa_padding(struct sgn_pubkey *k, sgn_rsa_padding p)
{
	k->pad = p;
}

const uint8_t *
sgn_pubkey_spki_ptr(const struct sgn_pubkey *k)
{
	return k->spki;
}

size_t
sgn_pubkey_spki_len(const struct sgn_pubkey *k)
{
	return k->spki_len;
}

const uint8_t *
sgn_pubkey_ed25519_raw(const struct sgn_pubkey *k)
{
	return k->type == SGN_KEY_ED25519 ? k->raw : NULL;
}

struct evp_pkey_st *
sgn_pubkey_evp(const struct sgn_pubkey *k)
{
	return k->pkey;
}

static sgn_err
set_rsa(const struct sgn_pubkey *k, EVP_PKEY_CTX *pctx,
    struct sgn_errbuf *eb)
{
	if (k->type != SGN_KEY_RSA)
		return SGN_OK;
	if (k->pad == SGN_RSA_PSS) {
		if (EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    RSA_PSS_SALTLEN_AUTO) != 1)
			return sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
			    "cannot set RSA-PSS");
	} else if (EVP_PKEY_CTX_set_rsa_padding(pctx,
	    RSA_PKCS1_PADDING) != 1) {
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
		    "cannot set RSA padding");
	}
	return SGN_OK;
}

sgn_err
sgn_pubkey_verify(const struct sgn_pubkey *k, sgn_hash_alg hash,
    const uint8_t *msg, size_t msglen, const uint8_t *sig, size_t siglen,
    struct sgn_errbuf *eb)
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *md = NULL;
	sgn_err r;
	int ok;

	if (sig == NULL || siglen == 0)
		return sgn_errf(eb, SGN_ERR_VERIFY, "empty signature");
	if (k->type == SGN_KEY_ED25519) {
		if (hash != SGN_HASH_NONE)
			return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
			    "Ed25519 signs the message, not a %s digest",
			    sgn_hash_name(hash));
	} else if ((md = sgn_hash_evp(hash)) == NULL) {
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "no hash algorithm for %s", k->desc);
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
	if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, k->pkey) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "verify init failed");
		goto out;
	}
	if ((r = set_rsa(k, pctx, eb)) != SGN_OK)
		goto out;
	/* One-shot: Ed25519 supports nothing else. */
	ok = EVP_DigestVerify(ctx, sig, siglen, msg, msglen);
	if (ok != 1) {
		ERR_clear_error();
		r = sgn_errf(eb, SGN_ERR_VERIFY, "invalid %s signature",
		    k->desc);
		goto out;
	}
	r = SGN_OK;
out:
	EVP_MD_CTX_free(ctx);
	return r;
}

sgn_err
sgn_pubkey_verify_digest(const struct sgn_pubkey *k, sgn_hash_alg hash,
    const uint8_t *digest, size_t dlen, const uint8_t *sig, size_t siglen,
    struct sgn_errbuf *eb)
{
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *md;
	sgn_err r;

	if (sig == NULL || siglen == 0)
		return sgn_errf(eb, SGN_ERR_VERIFY, "empty signature");
	if (k->type == SGN_KEY_ED25519)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "an Ed25519 signature cannot be verified against a "
		    "digest; give the artifact itself");
	if ((md = sgn_hash_evp(hash)) == NULL || dlen != sgn_hash_len(hash))
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "bad digest for verification");
	if ((pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL)) ==
	    NULL)
		return sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
	if (EVP_PKEY_verify_init(pctx) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(pctx, md) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "verify init failed");
		goto out;
	}
	if ((r = set_rsa(k, pctx, eb)) != SGN_OK)
		goto out;
	if (EVP_PKEY_verify(pctx, sig, siglen, digest, dlen) != 1) {
		ERR_clear_error();
		r = sgn_errf(eb, SGN_ERR_VERIFY, "invalid %s signature",
		    k->desc);
		goto out;
	}
	r = SGN_OK;
out:
	EVP_PKEY_CTX_free(pctx);
	return r;
}

struct details {
	const char	*name;
	sgn_key_type	 type;
	sgn_hash_alg	 hash;
	sgn_rsa_padding	 pad;
};

static const struct details details_tab[] = {
	{ "PKIX_ECDSA_P256_SHA_256", SGN_KEY_ECDSA_P256, SGN_HASH_SHA256,
	    SGN_RSA_PKCS1V15 },
	{ "PKIX_ECDSA_P384_SHA_384", SGN_KEY_ECDSA_P384, SGN_HASH_SHA384,
	    SGN_RSA_PKCS1V15 },
	{ "PKIX_ECDSA_P521_SHA_512", SGN_KEY_ECDSA_P521, SGN_HASH_SHA512,
	    SGN_RSA_PKCS1V15 },
	{ "PKIX_ECDSA_P384_SHA_256", SGN_KEY_ECDSA_P384, SGN_HASH_SHA256,
	    SGN_RSA_PKCS1V15 },
	{ "PKIX_ECDSA_P521_SHA_256", SGN_KEY_ECDSA_P521, SGN_HASH_SHA256,
	    SGN_RSA_PKCS1V15 },
	{ "PKIX_ED25519", SGN_KEY_ED25519, SGN_HASH_NONE, SGN_RSA_PKCS1V15 },
	{ "PKIX_RSA_PKCS1V15_2048_SHA256", SGN_KEY_RSA, SGN_HASH_SHA256,
	    SGN_RSA_PKCS1V15 },
	{ "PKIX_RSA_PKCS1V15_3072_SHA256", SGN_KEY_RSA, SGN_HASH_SHA256,
	    SGN_RSA_PKCS1V15 },
	{ "PKIX_RSA_PKCS1V15_4096_SHA256", SGN_KEY_RSA, SGN_HASH_SHA256,
	    SGN_RSA_PKCS1V15 },
	{ "PKIX_RSA_PSS_2048_SHA256", SGN_KEY_RSA, SGN_HASH_SHA256,
	    SGN_RSA_PSS },
	{ "PKIX_RSA_PSS_3072_SHA256", SGN_KEY_RSA, SGN_HASH_SHA256,
	    SGN_RSA_PSS },
	{ "PKIX_RSA_PSS_4096_SHA256", SGN_KEY_RSA, SGN_HASH_SHA256,
	    SGN_RSA_PSS },
	/* Deprecated names still found in trusted roots. */
	{ "PKCS1_RSA_PKCS1V5", SGN_KEY_RSA, SGN_HASH_SHA256,
	    SGN_RSA_PKCS1V15 },
	{ "PKIX_RSA_PKCS1V5", SGN_KEY_RSA, SGN_HASH_SHA256,
	    SGN_RSA_PKCS1V15 },
	{ "PKCS1_RSA_PSS", SGN_KEY_RSA, SGN_HASH_SHA256, SGN_RSA_PSS },
	{ "PKIX_RSA_PSS", SGN_KEY_RSA, SGN_HASH_SHA256, SGN_RSA_PSS },
};

int
sgn_key_details_parse(const char *name, sgn_key_type *type,
    sgn_hash_alg *hash, sgn_rsa_padding *pad)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(details_tab) /
	    sizeof(details_tab[0]); i++) {
		if (strcmp(name, details_tab[i].name) == 0) {
			*type = details_tab[i].type;
			*hash = details_tab[i].hash;
			*pad = details_tab[i].pad;
			return 1;
		}
	}
	return 0;
}

const char *
sgn_key_details_name(const struct sgn_pubkey *k)
{
	switch (k->type) {
	case SGN_KEY_ECDSA_P256:
		return "PKIX_ECDSA_P256_SHA_256";
	case SGN_KEY_ECDSA_P384:
		return "PKIX_ECDSA_P384_SHA_384";
	case SGN_KEY_ECDSA_P521:
		return "PKIX_ECDSA_P521_SHA_512";
	case SGN_KEY_ED25519:
		return "PKIX_ED25519";
	case SGN_KEY_RSA:
		if (k->pad == SGN_RSA_PSS)
			return k->bits <= 2048 ? "PKIX_RSA_PSS_2048_SHA256" :
			    k->bits <= 3072 ? "PKIX_RSA_PSS_3072_SHA256" :
			    "PKIX_RSA_PSS_4096_SHA256";
		return k->bits <= 2048 ? "PKIX_RSA_PKCS1V15_2048_SHA256" :
		    k->bits <= 3072 ? "PKIX_RSA_PKCS1V15_3072_SHA256" :
		    "PKIX_RSA_PKCS1V15_4096_SHA256";
	default:
		return "PUBLIC_KEY_DETAILS_UNSPECIFIED";
	}
}
