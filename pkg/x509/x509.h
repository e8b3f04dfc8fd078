/*
 * x509: certificates as Sigstore uses them.
 *
 * - Parsing DER and PEM certificates (strictly: the whole input, one
 *   certificate).
 * - Fulcio identities: the subject alternative name (email, URI, or the
 *   otherName username of OID 1.3.6.1.4.1.57264.1.7) and the extensions
 *   of arc 1.3.6.1.4.1.57264.1 (raw strings for .1-.6, DER UTF8String
 *   for .8 and up).  See
 *   https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md
 * - Path validation of a leaf to a chain taken from the trusted root (never
 *   from the bundle), with times checked separately so that each verified
 *   signing time can be applied (the hybrid model of Sigstore clients).
 * - Embedded SCTs (RFC 6962 section 3.3): the precertificate entry that
 *   each SCT signs, rebuilt from the leaf and its issuer.
 */
#ifndef SGN_X509_H
#define SGN_X509_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "keys.h"

#ifdef __cplusplus
extern "C" {
#endif

SGN_API_BEGIN

#define SGN_MAX_CERT_BYTES	(64u * 1024)

struct sgn_cert;

#define SGN_MAX_CERT_PEM_BYTES	(4u * 1024 * 1024)

/* One DER certificate, all of (der, len). */
sgn_err	sgn_cert_from_der(const uint8_t *der, size_t len,
	    struct sgn_cert **out, struct sgn_errbuf *eb);
/* The first CERTIFICATE block of PEM text. */
sgn_err	sgn_cert_from_pem(const char *pem, size_t len, struct sgn_cert **out,
	    struct sgn_errbuf *eb);
/*
 * Every CERTIFICATE block of PEM text of at most SGN_MAX_CERT_PEM_BYTES (a
 * CA bundle, a chain file): text and blocks with other labels around them
 * are skipped.  At least one, at most max (SGN_ERR_LIMIT past it), each
 * parsed as sgn_cert_from_der() does.  *certs is malloc'd; free it with
 * sgn_certs_free().
 */
sgn_err	sgn_certs_from_pem(const char *pem, size_t len, size_t max,
	    struct sgn_cert ***certs, size_t *n, struct sgn_errbuf *eb);
/* Drops each of the *np references, frees the array, and clears *certsp
 * and *np (either may be NULL). */
void	sgn_certs_free(struct sgn_cert ***certsp, size_t *np);
/* Drops a reference (certificates are reference-counted; the last free
 * releases it) and clears *cp. */
void	sgn_cert_free(struct sgn_cert **cp);
/* Takes another reference: the certificate is immutable, so references
 * may be shared between threads. */
struct sgn_cert *sgn_cert_ref(struct sgn_cert *c);

const uint8_t	*sgn_cert_der_ptr(const struct sgn_cert *c);
size_t		 sgn_cert_der_len(const struct sgn_cert *c);
/* SHA-256 of the DER encoding. */
const uint8_t	*sgn_cert_fingerprint(const struct sgn_cert *c);
struct sgn_time	 sgn_cert_not_before(const struct sgn_cert *c);
struct sgn_time	 sgn_cert_not_after(const struct sgn_cert *c);
/* The subject public key (owned by the certificate). */
const struct sgn_pubkey *sgn_cert_pubkey(const struct sgn_cert *c);
/* 1 when basicConstraints says CA. */
int	sgn_cert_is_ca(const struct sgn_cert *c);
/* 1 when issuer == subject and the certificate verifies with its own key. */
int	sgn_cert_is_self_signed(const struct sgn_cert *c);
/* The subject's commonName (or "" when absent), for messages. */
const char *sgn_cert_subject_cn(const struct sgn_cert *c);
/* 1 when not_before <= t <= not_after (whole seconds, both ends in). */
int	sgn_cert_valid_at(const struct sgn_cert *c, struct sgn_time t);
/* 1 when issuer's subject and key identifier name leaf's issuer (no
 * signature check: sgn_cert_verify_chain() does that). */
int	sgn_cert_issued_by(const struct sgn_cert *leaf,
	    const struct sgn_cert *issuer);
/* PEM text of the certificate; malloc'd. */
sgn_err	sgn_cert_to_pem(const struct sgn_cert *c, char **pem, size_t *len,
	    struct sgn_errbuf *eb);
/* Borrowed OpenSSL X509 (library-internal glue). */
struct x509_st *sgn_cert_x509(const struct sgn_cert *c);

/* Identity ---------------------------------------------------------- */

typedef enum sgn_san_type {
	SGN_SAN_NONE = 0,
	SGN_SAN_EMAIL,
	SGN_SAN_URI,
	SGN_SAN_OTHERNAME,	/* Fulcio username identity */
} sgn_san_type;

struct sgn_san {
	sgn_san_type	 type;
	char		*value;
};

/*
 * The subject alternative names a Fulcio identity can carry, in order.
 * Other GeneralName kinds are skipped.  *sans is malloc'd; free with
 * sgn_sans_free().  No SAN at all is an error (SGN_ERR_VERIFY).
 */
sgn_err	sgn_cert_sans(const struct sgn_cert *c, struct sgn_san **sans,
	    size_t *n, struct sgn_errbuf *eb);
/* Frees the *np SANs of *sansp and clears *sansp and *np (either may be
 * NULL). */
void	sgn_sans_free(struct sgn_san **sansp, size_t *np);
const char *sgn_san_type_name(sgn_san_type t);

/*
 * The Fulcio extension 1.3.6.1.4.1.57264.1.<n> as text: raw bytes for
 * n <= 6, a DER UTF8String for n >= 8.  *value is NULL (and SGN_OK) when
 * the extension is absent; a malformed or duplicated one is an error.
 */
sgn_err	sgn_cert_fulcio_ext(const struct sgn_cert *c, unsigned n,
	    char **value, struct sgn_errbuf *eb);

/*
 * The OIDC issuer: extension .8, or the legacy .1 when .8 is absent.
 * Both present with different values is an error (SGN_ERR_VERIFY, the
 * message quoting both), as is a malformed one of the two.
 */
sgn_err	sgn_cert_oidc_issuer(const struct sgn_cert *c, char **value,
	    struct sgn_errbuf *eb);

/*
 * Code-signing profile of a leaf: not a CA, keyUsage present with
 * digitalSignature, extendedKeyUsage present with codeSigning.
 */
sgn_err	sgn_cert_check_code_signing(const struct sgn_cert *c,
	    struct sgn_errbuf *eb);

/*
 * The signing usage OpenSSF model signing asks of a certificate-method
 * leaf: keyUsage with digitalSignature, or extendedKeyUsage with
 * codeSigning (either suffices; a CA leaf is allowed, as model_signing
 * allows it).  SGN_ERR_VERIFY otherwise.
 */
sgn_err	sgn_cert_check_signing_usage(const struct sgn_cert *c,
	    struct sgn_errbuf *eb);

/* Paths ------------------------------------------------------------- */

/*
 * Path validation of leaf to chain[n - 1] (the trust anchor), with
 * chain[0 .. n-2] as the only intermediates allowed: signatures, issuer
 * names, basic constraints, key usage of issuers, critical extensions.
 * Validity periods are NOT checked here: use sgn_cert_valid_at() for the
 * leaf and every chain certificate at each signing time.
 */
sgn_err	sgn_cert_verify_chain(const struct sgn_cert *leaf,
	    struct sgn_cert *const *chain, size_t n, struct sgn_errbuf *eb);

/*
 * Path validation of leaf to one of the self-signed trust anchors
 * anchors[0 .. n_anchors-1] (certificates the verifier was given), with
 * untrusted[0 .. n_untrusted-1] (those the signer sent) as candidate
 * intermediates, at time at: signatures, names, basic constraints, and
 * every validity period at that time.  No partial chains: an anchor that
 * is not self-signed cannot end a path.  OpenSSL's default X.509 checks,
 * as model_signing's certificate method (pyOpenSSL) applies them.
 */
sgn_err	sgn_cert_verify_path(const struct sgn_cert *leaf,
	    struct sgn_cert *const *anchors, size_t n_anchors,
	    struct sgn_cert *const *untrusted, size_t n_untrusted,
	    struct sgn_time at, struct sgn_errbuf *eb);

/* SCTs -------------------------------------------------------------- */

struct sgn_sct {
	uint8_t		 log_id[32];
	uint64_t	 timestamp_ms;
	sgn_hash_alg	 hash;		/* from the SCT's signature algorithm */
	int		 is_rsa;	/* else ECDSA */
	uint8_t		*sig;
	size_t		 sig_len;
	uint8_t		*signed_data;	/* the digitally-signed struct */
	size_t		 signed_len;
};

/*
 * The SCTs embedded in leaf (extension 1.3.6.1.4.1.11129.2.4.2), each with
 * the exact bytes its log signed for the precertificate entry: the leaf's
 * TBSCertificate without the SCT extension, re-encoded, and
 * H(issuer's SubjectPublicKeyInfo).  No SCT extension is an error.
 */
sgn_err	sgn_cert_scts(const struct sgn_cert *leaf,
	    const struct sgn_cert *issuer, struct sgn_sct **scts, size_t *n,
	    struct sgn_errbuf *eb);
/* Frees the *np SCTs of *sctsp and clears *sctsp and *np (either may be
 * NULL). */
void	sgn_scts_free(struct sgn_sct **sctsp, size_t *np);

SGN_API_END

#ifdef __cplusplus
}
#endif

#endif /* SGN_X509_H */
