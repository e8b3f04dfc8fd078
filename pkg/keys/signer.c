/*
 * Signers: one interface over the kinds of private key.  This file holds
 * the interface and the in-memory kind: ephemeral keys (keyless signing)
 * and keys read from PEM files (cosign's encrypted ones decrypted by
 * cosign.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "keys.h"
#include "keys_int.h"

struct signer_ops {
	sgn_err	(*sign)(struct sgn_signer *, const EVP_MD *,
		    const uint8_t *, size_t, uint8_t **, size_t *,
		    struct sgn_errbuf *);
	sgn_err	(*sign_digest)(struct sgn_signer *, const EVP_MD *,
		    const uint8_t *, size_t, uint8_t **, size_t *,
		    struct sgn_errbuf *);
	void	(*free)(struct sgn_signer *);
};

struct sgn_signer {
	const struct signer_ops	*ops;
	struct sgn_pubkey	*pub;
	EVP_PKEY		*priv;	/* in-memory kind */
	const struct sgn_signer_ext *ext;	/* external kind */
	void			*ext_ctx;
};

static sgn_err
evp_sign(struct sgn_signer *s, const EVP_MD *md, const uint8_t *msg,
    size_t len, uint8_t **sigp, size_t *siglenp, struct sgn_errbuf *eb)
{
	EVP_MD_CTX *ctx;
	uint8_t *sig = NULL;
	size_t siglen = 0;
	sgn_err r = SGN_ERR_CRYPTO;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (EVP_DigestSignInit(ctx, NULL, md, NULL, s->priv) != 1 ||
	    EVP_DigestSign(ctx, NULL, &siglen, msg, len) != 1 ||
	    (sig = malloc(siglen)) == NULL ||
	    EVP_DigestSign(ctx, sig, &siglen, msg, len) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "signing failed");
		free(sig);
		sig = NULL;
		goto out;
	}
	*sigp = sig;
	*siglenp = siglen;
	r = SGN_OK;
out:
	EVP_MD_CTX_free(ctx);
	return r;
}

static sgn_err
evp_sign_digest(struct sgn_signer *s, const EVP_MD *md, const uint8_t *dig,
    size_t dlen, uint8_t **sigp, size_t *siglenp, struct sgn_errbuf *eb)
{
	EVP_PKEY_CTX *pctx;
	uint8_t *sig = NULL;
	size_t siglen = 0;
	sgn_err r = SGN_ERR_CRYPTO;

	if ((pctx = EVP_PKEY_CTX_new_from_pkey(NULL, s->priv, NULL)) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
	if (EVP_PKEY_sign_init(pctx) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(pctx, md) != 1 ||
	    EVP_PKEY_sign(pctx, NULL, &siglen, dig, dlen) != 1 ||
	    (sig = malloc(siglen)) == NULL ||
	    EVP_PKEY_sign(pctx, sig, &siglen, dig, dlen) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "signing failed");
		free(sig);
		sig = NULL;
		goto out;
	}
	*sigp = sig;
	*siglenp = siglen;
	r = SGN_OK;
out:
	EVP_PKEY_CTX_free(pctx);
	return r;
}

static void
evp_free(struct sgn_signer *s)
{
	/* OpenSSL clears private key material when the key is freed. */
	EVP_PKEY_free(s->priv);
	s->priv = NULL;
}

static const struct signer_ops evp_ops = {
	evp_sign, evp_sign_digest, evp_free,
};

/* The external kind (keys_int.h): the key is reached through ext. */
static sgn_hash_alg
md_hash(const EVP_MD *md)
{
	switch (md == NULL ? NID_undef : EVP_MD_get_type(md)) {
	case NID_sha256:
		return SGN_HASH_SHA256;
	case NID_sha384:
		return SGN_HASH_SHA384;
	case NID_sha512:
		return SGN_HASH_SHA512;
	default:
		return SGN_HASH_NONE;
	}
}

static sgn_err
ext_sign_digest(struct sgn_signer *s, const EVP_MD *md, const uint8_t *dig,
    size_t dlen, uint8_t **sigp, size_t *siglenp, struct sgn_errbuf *eb)
{
	sgn_hash_alg h = md_hash(md);

	if (h == SGN_HASH_NONE)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "this key signs "
		    "SHA-256, SHA-384 or SHA-512 digests only");
	return s->ext->sign_digest(s->ext_ctx, h, dig, dlen, sigp, siglenp,
	    eb);
}

static sgn_err
ext_sign(struct sgn_signer *s, const EVP_MD *md, const uint8_t *msg,
    size_t len, uint8_t **sigp, size_t *siglenp, struct sgn_errbuf *eb)
{
	uint8_t dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	sgn_err r;

	if (md == NULL || EVP_Digest(msg, len, dig, &dlen, md, NULL) != 1)
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "hashing failed");
	r = ext_sign_digest(s, md, dig, dlen, sigp, siglenp, eb);
	sgn_memzero(dig, sizeof(dig));
	return r;
}

static void
ext_free(struct sgn_signer *s)
{
	if (s->ext != NULL)
		s->ext->free(s->ext_ctx);
	s->ext_ctx = NULL;
}

static const struct signer_ops ext_ops = {
	ext_sign, ext_sign_digest, ext_free,
};

sgn_err
sgn_signer_external(const struct sgn_signer_ext *ops, void *ctx,
    struct sgn_pubkey *pub, struct sgn_signer **out, struct sgn_errbuf *eb)
{
	struct sgn_signer *s;

	*out = NULL;
	if (ops == NULL || pub == NULL || sgn_pubkey_type(pub) ==
	    SGN_KEY_ED25519 || sgn_pubkey_type(pub) == SGN_KEY_UNKNOWN) {
		if (ops != NULL)
			ops->free(ctx);
		sgn_pubkey_free(&pub);
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "an external key "
		    "must be ECDSA or RSA");
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		ops->free(ctx);
		sgn_pubkey_free(&pub);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	s->ops = &ext_ops;
	s->ext = ops;
	s->ext_ctx = ctx;
	s->pub = pub;
	*out = s;
	return SGN_OK;
}

sgn_err
sgn_signer_ephemeral(sgn_key_type type, struct sgn_signer **out,
    struct sgn_errbuf *eb)
{
	struct sgn_signer *s;
	EVP_PKEY *k = NULL;
	sgn_err r;

	*out = NULL;
	switch (type) {
	case SGN_KEY_ECDSA_P256:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case SGN_KEY_ECDSA_P384:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case SGN_KEY_ECDSA_P521:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
		break;
	case SGN_KEY_ED25519:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	default:
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "unsupported ephemeral key type");
	}
	if (k == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
		    "key generation failed");
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		EVP_PKEY_free(k);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	s->ops = &evp_ops;
	s->priv = k;
	if ((r = sgn_pubkey_from_evp(k, NULL, 0, &s->pub, eb)) != SGN_OK) {
		sgn_signer_free(&s);
		return r;
	}
	*out = s;
	return SGN_OK;
}

/* Derived P-256 keys ---------------------------------------------------- */

/* The order n of the P-256 group, big-endian. */
static const uint8_t p256_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

/* 1 when 0 < d < n; no branch depends on d. */
static int
p256_scalar_in_range(const uint8_t d[32])
{
	unsigned borrow = 0, nz = 0, diff;
	size_t i;

	for (i = 32; i-- > 0;) {
		/* d - n byte by byte: a final borrow means d < n. */
		diff = (unsigned)d[i] - (unsigned)p256_n[i] - borrow;
		borrow = diff >> 31;
		nz |= d[i];
	}
	return (int)(borrow & ((nz + 0xffu) >> 8));
}

sgn_err
sgn_signer_from_p256_scalar(const uint8_t d[32], struct sgn_signer **out,
    struct sgn_errbuf *eb)
{
	struct sgn_signer *s = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	EC_GROUP *group = NULL;
	EC_POINT *point = NULL;
	BN_CTX *bnctx = NULL;
	BIGNUM *bn = NULL;
	uint8_t pub[65];
	sgn_err r = SGN_ERR_CRYPTO;

	*out = NULL;
	if (d == NULL || !p256_scalar_in_range(d))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "P-256 private scalar out of range");
	/* OpenSSL 3.0 imports a private key without deriving its public
	 * point, so compute d.G here (a constant-time ladder). */
	if ((bn = BN_secure_new()) == NULL ||
	    (bnctx = BN_CTX_secure_new()) == NULL ||
	    (group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)) ==
	    NULL || (point = EC_POINT_new(group)) == NULL) {
		r = sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	BN_set_flags(bn, BN_FLG_CONSTTIME);
	if (BN_bin2bn(d, 32, bn) == NULL ||
	    EC_POINT_mul(group, point, bn, NULL, NULL, bnctx) != 1 ||
	    EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED,
	    pub, sizeof(pub), bnctx) != sizeof(pub)) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
		    "cannot compute the P-256 public key");
		goto out;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "P-256", 0) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pub, sizeof(pub)) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
		    "cannot import the P-256 private key");
		goto out;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	s->ops = &evp_ops;
	s->priv = pkey;
	pkey = NULL;
	if ((r = sgn_pubkey_from_evp(s->priv, NULL, 0, &s->pub, eb)) !=
	    SGN_OK)
		goto out;
	*out = s;
	s = NULL;
	r = SGN_OK;
out:
	sgn_signer_free(&s);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	/* The secure part of params (the scalar) is wiped when freed. */
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(point);
	EC_GROUP_free(group);
	BN_CTX_free(bnctx);
	BN_clear_free(bn);
	return r;
}

/* Key files ------------------------------------------------------------ */

enum pem_kind {
	PEM_NONE = 0,
	PEM_PKCS8,		/* PRIVATE KEY */
	PEM_SEC1,		/* EC PRIVATE KEY */
	PEM_PKCS8_ENCRYPTED,	/* ENCRYPTED PRIVATE KEY */
	PEM_COSIGN,		/* ENCRYPTED SIGSTORE (or COSIGN) PRIVATE KEY */
};

struct pem_block {
	char		*name;
	char		*header;
	unsigned char	*data;
	long		 len;
};

/* PEM_FLAG_SECURE: the buffers come from the secure heap and are wiped. */
static void
block_reset(struct pem_block *b)
{
	OPENSSL_secure_free(b->name);
	OPENSSL_secure_free(b->header);
	if (b->data != NULL)
		OPENSSL_secure_clear_free(b->data, (size_t)b->len);
	memset(b, 0, sizeof(*b));
}

/* PEM_do_header's password callback: hands over the caller's passphrase
 * (OpenSSL wipes its copy). */
static int
passphrase_cb(char *buf, int size, int rwflag, void *u)
{
	const struct sgn_secret *pass = u;

	(void)rwflag;
	if (pass == NULL || size < 0 || pass->len > (size_t)size)
		return -1;
	if (pass->len > 0)
		memcpy(buf, pass->ptr, pass->len);
	return (int)pass->len;
}

/* The key of a block that is not (or no longer) encrypted. */
static EVP_PKEY *
decode_plain(enum pem_kind kind, const unsigned char *der, long len)
{
	const unsigned char *p = der;
	PKCS8_PRIV_KEY_INFO *p8;
	EVP_PKEY *pkey = NULL;

	if (kind == PEM_SEC1) {
		pkey = d2i_PrivateKey_ex(EVP_PKEY_EC, NULL, &p, len, NULL,
		    NULL);
	} else if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, len)) != NULL) {
		/* Freeing a PKCS8_PRIV_KEY_INFO wipes the key bytes. */
		if (p == der + len)
			pkey = EVP_PKCS82PKEY_ex(p8, NULL, NULL);
		PKCS8_PRIV_KEY_INFO_free(p8);
		return pkey;
	}
	if (pkey != NULL && p != der + len) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

/*
 * The key of a cosign block: its JSON decrypted to PKCS#8 (cosign reads
 * nothing else: a box holding a SEC1 key is refused, as cosign refuses
 * it).  *pkey is NULL on failure.
 */
static sgn_err
decode_cosign(const struct pem_block *b, const struct sgn_secret *pass,
    EVP_PKEY **pkey, struct sgn_errbuf *eb)
{
	uint8_t *der = NULL;
	size_t dlen = 0;
	sgn_err r;

	*pkey = NULL;
	/* Go's encoding/pem would take headers and cosign ignore them;
	 * none is ever written, and none is read. */
	if (b->header != NULL && b->header[0] != '\0')
		return sgn_errf(eb, SGN_ERR_PARSE, "private key: unexpected "
		    "PEM headers in a %s block", b->name);
	if (b->len <= 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "private key: empty %s "
		    "block", b->name);
	if ((r = sgn_cosign_decrypt(b->data, (size_t)b->len, pass, &der,
	    &dlen, eb)) != SGN_OK)
		return r;
	if (dlen > LONG_MAX ||
	    (*pkey = decode_plain(PEM_PKCS8, der, (long)dlen)) == NULL)
		r = sgn_errf_ssl(eb, SGN_ERR_PARSE, "private key: the "
		    "decrypted key is not a PKCS#8 private key");
	OPENSSL_secure_clear_free(der, dlen);
	return r;
}

static EVP_PKEY *
decode_encrypted(const unsigned char *der, long len,
    const struct sgn_secret *pass)
{
	const unsigned char *p = der;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	X509_SIG *enc;
	EVP_PKEY *pkey = NULL;

	if ((enc = d2i_X509_SIG(NULL, &p, len)) == NULL)
		return NULL;
	if (p == der + len)
		p8 = PKCS8_decrypt_ex(enc, pass->len > 0 ?
		    (const char *)pass->ptr : "", (int)pass->len, NULL, NULL);
	if (p8 != NULL)
		pkey = EVP_PKCS82PKEY_ex(p8, NULL, NULL);
	PKCS8_PRIV_KEY_INFO_free(p8);
	X509_SIG_free(enc);
	return pkey;
}

/*
 * The key of a block OpenSSL decrypts (legacy PEM encryption, PKCS#8
 * PBES1 and PBES2) or that is not encrypted.  *pkey is NULL on failure.
 */
static sgn_err
decode_openssl(struct pem_block *b, enum pem_kind kind,
    const struct sgn_secret *pass, EVP_PKEY **pkey, struct sgn_errbuf *eb)
{
	EVP_CIPHER_INFO cipher;
	int encrypted;

	*pkey = NULL;
	if (PEM_get_EVP_CIPHER_INFO(b->header, &cipher) != 1)
		return sgn_errf_ssl(eb, SGN_ERR_PARSE,
		    "private key: unreadable PEM header");
	encrypted = kind == PEM_PKCS8_ENCRYPTED || cipher.cipher != NULL;
	if (encrypted && pass == NULL)
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "private key: the "
		    "key is encrypted and no passphrase was given");
	if (cipher.cipher != NULL) {
		/* Legacy encryption: decrypts the block in place. */
		if (PEM_do_header(&cipher, b->data, &b->len, passphrase_cb,
		    (void *)(uintptr_t)pass) != 1) {
			ERR_clear_error();
			return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "private "
			    "key: cannot decrypt the key (wrong passphrase?)");
		}
	}
	*pkey = kind == PEM_PKCS8_ENCRYPTED ? decode_encrypted(b->data,
	    b->len, pass) : decode_plain(kind, b->data, b->len);
	if (*pkey != NULL)
		return SGN_OK;
	if (encrypted) {
		ERR_clear_error();
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "private key: "
		    "cannot decrypt the key (wrong passphrase?)");
	}
	return sgn_errf_ssl(eb, SGN_ERR_PARSE, "private key: invalid %s",
	    b->name);
}

/* 1 when an EC key's public point is its private scalar's (OpenSSL takes
 * the point stored in a SEC1 or PKCS#8 key as it is). */
static int
pair_matches(EVP_PKEY *pkey)
{
	EVP_PKEY_CTX *ctx;
	int ok;

	if (!EVP_PKEY_is_a(pkey, "EC"))
		return 1;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL)
		return 0;
	ok = EVP_PKEY_pairwise_check(ctx) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

sgn_err
sgn_signer_from_pem(const char *pem, size_t len,
    const struct sgn_secret *passphrase, struct sgn_signer **out,
    struct sgn_errbuf *eb)
{
	struct pem_block blk;
	struct sgn_errbuf tmp;
	struct sgn_signer *s = NULL;
	EVP_PKEY *pkey = NULL;
	BIO *bio = NULL;
	enum pem_kind kind = PEM_NONE;
	char other[48];
	sgn_err r = SGN_ERR_PARSE;

	*out = NULL;
	memset(&blk, 0, sizeof(blk));
	other[0] = '\0';
	if (pem == NULL || len == 0 || len > SGN_MAX_KEY_FILE_BYTES)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "private key: invalid PEM size");
	if (passphrase != NULL && passphrase->len > PEM_BUFSIZE)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "private key: "
		    "passphrase longer than %d bytes", PEM_BUFSIZE);
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
	while (kind == PEM_NONE) {
		block_reset(&blk);
		if (PEM_read_bio_ex(bio, &blk.name, &blk.header, &blk.data,
		    &blk.len, PEM_FLAG_SECURE | PEM_FLAG_EAY_COMPATIBLE) !=
		    1) {
			if (other[0] != '\0') {
				ERR_clear_error();
				r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
				    "private key: unsupported PEM block "
				    "\"%s\" (expected PRIVATE KEY, EC PRIVATE "
				    "KEY, ENCRYPTED PRIVATE KEY or ENCRYPTED "
				    "SIGSTORE PRIVATE KEY)", other);
			} else {
				r = sgn_errf_ssl(eb, SGN_ERR_PARSE,
				    "private key: no PEM private key found");
			}
			goto out;
		}
		if (strcmp(blk.name, "PRIVATE KEY") == 0)
			kind = PEM_PKCS8;
		else if (strcmp(blk.name, "EC PRIVATE KEY") == 0)
			kind = PEM_SEC1;
		else if (strcmp(blk.name, "ENCRYPTED PRIVATE KEY") == 0)
			kind = PEM_PKCS8_ENCRYPTED;
		else if (strcmp(blk.name, SGN_COSIGN_PEM_LABEL) == 0 ||
		    strcmp(blk.name, SGN_COSIGN_PEM_LABEL_OLD) == 0)
			kind = PEM_COSIGN;
		else if (other[0] == '\0' &&
		    strstr(blk.name, "PRIVATE KEY") != NULL)
			snprintf(other, sizeof(other), "%.40s", blk.name);
	}
	r = kind == PEM_COSIGN ? decode_cosign(&blk, passphrase, &pkey, eb) :
	    decode_openssl(&blk, kind, passphrase, &pkey, eb);
	if (r != SGN_OK)
		goto out;
	if (!pair_matches(pkey)) {
		r = sgn_errf_ssl(eb, SGN_ERR_PARSE, "private key: its public "
		    "key does not match its private key");
		goto out;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	s->ops = &evp_ops;
	s->priv = pkey;
	pkey = NULL;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_pubkey_from_evp(s->priv, NULL, 0, &s->pub, &tmp)) !=
	    SGN_OK) {
		r = sgn_errf(eb, r, "private key: %s", tmp.msg);
		goto out;
	}
	*out = s;
	s = NULL;
	r = SGN_OK;
out:
	sgn_signer_free(&s);
	EVP_PKEY_free(pkey);
	block_reset(&blk);
	BIO_free(bio);
	return r;
}

void
sgn_signer_free(struct sgn_signer **sp)
{
	struct sgn_signer *s;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	s->ops->free(s);
	sgn_pubkey_free(&s->pub);
	sgn_memzero(s, sizeof(*s));
	free(s);
	*sp = NULL;
}

const struct sgn_pubkey *
sgn_signer_pubkey(const struct sgn_signer *s)
{
	return s->pub;
}

sgn_err
sgn_signer_sign(struct sgn_signer *s, const uint8_t *msg, size_t len,
    uint8_t **sig, size_t *siglen, struct sgn_errbuf *eb)
{
	sgn_hash_alg h = sgn_pubkey_default_hash(s->pub);

	*sig = NULL;
	*siglen = 0;
	return s->ops->sign(s, h == SGN_HASH_NONE ? NULL :
	    (const EVP_MD *)sgn_hash_evp(h), msg, len, sig, siglen, eb);
}

sgn_err
sgn_signer_sign_digest(struct sgn_signer *s, sgn_hash_alg hash,
    const uint8_t *digest, size_t dlen, uint8_t **sig, size_t *siglen,
    struct sgn_errbuf *eb)
{
	*sig = NULL;
	*siglen = 0;
	if (sgn_pubkey_type(s->pub) == SGN_KEY_ED25519)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "an Ed25519 key signs messages, not digests");
	if (sgn_hash_evp(hash) == NULL || dlen != sgn_hash_len(hash))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "bad digest");
	return s->ops->sign_digest(s, (const EVP_MD *)sgn_hash_evp(hash),
	    digest, dlen, sig, siglen, eb);
}
