/*
 * Signers: one interface over the kinds of private key.  This file holds
 * the interface and the ephemeral (in-memory) kind used by keyless
 * signing.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "keys.h"

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
	EVP_PKEY		*priv;	/* ephemeral kind */
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

static const struct signer_ops ephemeral_ops = {
	evp_sign, evp_sign_digest, evp_free,
};

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
	s->ops = &ephemeral_ops;
	s->priv = k;
	if ((r = sgn_pubkey_from_evp(k, NULL, 0, &s->pub, eb)) != SGN_OK) {
		sgn_signer_free(&s);
		return r;
	}
	*out = s;
	return SGN_OK;
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
