/*
 * sign: the keyless signing pipeline, and OpenSSF model signing's key and
 * certificate methods (sgn_sign_intoto_plain(), at the end).
 *
 *   artifact -> SHA-256 (streamed) -> ephemeral key -> Fulcio certificate
 *   (chain, SCT and identity checked before use) -> signature -> RFC 3161
 *   timestamps -> Rekor entry (v1 or v2, per the signing config) -> the
 *   bundle, verified by the verifier -> bytes for the caller to write.
 *
 * A signing context keeps the key and certificate across artifacts, so
 * that files signed in one run share one certificate while it is valid; a
 * new one is requested when fewer than SGN_SIGN_MIN_VALIDITY seconds are
 * left.  Nothing is written here, and a failure at any step returns an
 * error that names the service and the reason, with no bundle.
 */
#ifndef SGN_SIGN_H
#define SGN_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "core.h"
#include "manifest.h"
#include "trust.h"

#ifdef __cplusplus
extern "C" {
#endif

SGN_API_BEGIN

struct sgn_http;

#define SGN_SIGN_MIN_VALIDITY 60

/*
 * The signer's identity, from an OIDC token: the token itself (a secret,
 * sent to Fulcio only), what the proof of possession signs, and what the
 * certificate must then say (NULL: not checked).
 */
struct sgn_sign_identity {
	size_t		 size;	/* set by the library before the call: fill
				 * only the members within it */
	const char	*token;
	const char	*challenge;
	const char	*expect_san;
	const char	*expect_issuer;
};
#define SGN_SIGN_IDENTITY_INIT	SGN_SIZED_INIT(struct sgn_sign_identity)

/*
 * Called when a (new) certificate is needed; fills id, whose strings stay
 * valid until the next call or until the context is freed.  Lets a
 * long run fetch a fresh token when the first one has expired.
 */
typedef sgn_err (*sgn_sign_identity_fn)(void *ctx,
    struct sgn_sign_identity *id, struct sgn_errbuf *eb);

/* Progress messages for people ("Fulcio issued ..."); optional. */
typedef void (*sgn_sign_status_fn)(void *ctx, const char *msg);

struct sgn_sign_opts {
	size_t				 size;	/* SGN_SIGN_OPTS_INIT */
	const struct sgn_trusted_root	*root;
	const struct sgn_selection	*services;
	struct sgn_http			*http;
	sgn_sign_identity_fn		 identity;
	void				*identity_ctx;
	sgn_sign_status_fn		 status;
	void				*status_ctx;
	int64_t				 now;	/* 0: the clock; tests fix it */
};
#define SGN_SIGN_OPTS_INIT	SGN_SIZED_INIT(struct sgn_sign_opts)

struct sgn_signing_ctx;

sgn_err	sgn_signing_ctx_new(const struct sgn_sign_opts *opts,
	    struct sgn_signing_ctx **out, struct sgn_errbuf *eb);
/* Wipes the ephemeral key. */
void	sgn_signing_ctx_free(struct sgn_signing_ctx **cp);

/*
 * Signs the file at path (a message signature over its SHA-256 digest,
 * read in constant memory) and appends the verified v0.3 bundle to out.
 */
sgn_err	sgn_sign_file(struct sgn_signing_ctx *c, const char *path,
	    struct sgn_buf *out, struct sgn_errbuf *eb);

/*
 * Signs an in-toto statement as a DSSE envelope (payload type
 * application/vnd.in-toto+json) and appends the verified v0.3 bundle to
 * out.  The statement must name at least one subject with a sha256
 * digest.
 */
sgn_err	sgn_sign_intoto(struct sgn_signing_ctx *c, const uint8_t *statement,
	    size_t len, struct sgn_buf *out, struct sgn_errbuf *eb);

/* OpenSSF model signing: the key and certificate methods ------------- */

struct sgn_signer;

/*
 * Signs an in-toto statement as a DSSE envelope (payload type
 * application/vnd.in-toto+json, PAE hashed with the curve's hash: SHA-256,
 * SHA-384 or SHA-512) with s, an ECDSA P-256, P-384 or P-521 key, and
 * appends the v0.3 bundle to out, as model_signing writes them:
 *
 *  - key method (certs NULL, n_certs 0): verificationMaterial is
 *    {"publicKey": {"hint": sgn_pubkey_pem_hint()}, "tlogEntries": []};
 *  - certificate method: {"x509CertificateChain": certs (DER, leaf first,
 *    at most SGN_BUNDLE_MAX_CHAIN), "tlogEntries": []}; the leaf must hold
 *    s's public key and digitalSignature or codeSigning usage.
 *
 * The DSSE signature's keyid is "".  Nothing goes to the network.  The
 * bundle is parsed back and checked before it is appended: with
 * sgn_verify_plain() and s's public key (key method), or its signature
 * with the leaf's key (certificate method; the chain is the verifier's
 * to judge, against CA certificates this function does not have).
 */
sgn_err	sgn_sign_intoto_plain(struct sgn_signer *s,
	    const struct sgn_blob *certs, size_t n_certs,
	    const uint8_t *statement, size_t len, struct sgn_buf *out,
	    struct sgn_errbuf *eb);

/* Signing with a key, offline, and logging later ------------------- */

struct sgn_pubkey;

/*
 * Signs the file at path with s: a message signature over its SHA-256
 * digest, in a v0.3 bundle whose material is the key's hint
 * (sgn_pubkey_pem_hint()), with no log entry and no timestamp: nothing
 * touches the network.  Appends the bundle to out.  (An in-toto statement
 * is signed offline with sgn_sign_intoto_plain(), certs NULL.)
 */
sgn_err	sgn_sign_file_key(struct sgn_signer *s, const char *path,
	    struct sgn_buf *out, struct sgn_errbuf *eb);

struct sgn_log_opts {
	size_t				 size;	/* SGN_LOG_OPTS_INIT */
	const struct sgn_trusted_root	*root;
	const struct sgn_selection	*services;
	struct sgn_http			*http;
	sgn_sign_status_fn		 status;
	void				*status_ctx;
};
#define SGN_LOG_OPTS_INIT	SGN_SIZED_INIT(struct sgn_log_opts)

/*
 * Logs a bundle signed with key (offline): checks that its signature is
 * key's, adds an RFC 3161 timestamp from each selected TSA and an entry in
 * each selected Rekor log (v1: hashedrekord, or dsse for an envelope; v2:
 * hashedrekord 0.0.2), verifies the result with key as a verifier would,
 * and appends the new bundle to out.  A bundle that already has a log
 * entry is left alone: *already is set and nothing is appended.
 */
sgn_err	sgn_log_bundle(const struct sgn_log_opts *o,
	    const struct sgn_pubkey *key, const uint8_t *bundle, size_t len,
	    struct sgn_buf *out, int *already, struct sgn_errbuf *eb);

/* Signing a statement or a model, whichever way -------------------- */

/*
 * How to sign: keyless with ctx, or with signer (key method, or with
 * chain the certificate method), and then, for a key, logged as
 * sgn_log_bundle() logs (log NULL: offline, not logged).  ctx wins when
 * set.
 */
struct sgn_sign_how {
	size_t				 size;	/* SGN_SIGN_HOW_INIT */
	struct sgn_signing_ctx		*ctx;
	struct sgn_signer		*signer;
	const struct sgn_blob		*chain;	/* DER, leaf first, or NULL */
	size_t				 n_chain;
	const struct sgn_log_opts	*log;
};
#define SGN_SIGN_HOW_INIT	SGN_SIZED_INIT(struct sgn_sign_how)

/*
 * Signs an in-toto statement as h says (sgn_sign_intoto(), or
 * sgn_sign_intoto_plain() then sgn_log_bundle()) and appends the bundle
 * to out.
 */
sgn_err	sgn_sign_statement(const struct sgn_sign_how *h,
	    const uint8_t *statement, size_t len, struct sgn_buf *out,
	    struct sgn_errbuf *eb);

/*
 * OpenSSF model signing: hashes the model at model_path (a directory or
 * one file) with sgn_manifest_build() and opts (whose signature_path, the
 * bundle's future path, is left out of the walk and recorded), signs its
 * OMS statement with sgn_sign_statement() and appends the bundle to out.
 * Nothing is written.  When manifest is not NULL it receives the
 * manifest (free it with sgn_manifest_free()), for the caller to keep
 * for a later opts->reuse.
 */
sgn_err	sgn_sign_model(const struct sgn_sign_how *h, const char *model_path,
	    const struct sgn_manifest_opts *opts, struct sgn_buf *out,
	    struct sgn_manifest **manifest, struct sgn_errbuf *eb);

SGN_API_END

#ifdef __cplusplus
}
#endif

#endif /* SGN_SIGN_H */
