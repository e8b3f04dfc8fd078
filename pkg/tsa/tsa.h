/*
 * tsa: RFC 3161 timestamp responses, as Sigstore bundles carry them in
 * verificationMaterial.timestampVerificationData.rfc3161Timestamps[]
 * .signedTimestamp (the whole DER TimeStampResp: status and token).
 *
 * Verification only, no network: requests are in tsa_client.h.  What is
 * timestamped is the raw signature bytes (messageSignature.signature, or
 * the DSSE envelope's signatures[0].sig), not the artifact.  The TSA's
 * certificate chain comes from the trusted root (timestampAuthorities[]
 * .certChain: leaf first, trust anchor last) and is validated at the
 * token's genTime.
 *
 * Specs: RFC 3161 (Time-Stamp Protocol), RFC 5816 (ESSCertIDv2),
 * RFC 5652 (CMS SignedData).
 */
#ifndef SGN_TSA_H
#define SGN_TSA_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "x509.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest TimeStampResp accepted (SGN_ERR_LIMIT beyond). */
#define SGN_TSA_MAX_RESPONSE	(64u * 1024)
/* Most certificates accepted in one TSA chain from a trusted root. */
#define SGN_TSA_MAX_CHAIN	8

/* What a timestamp says, filled by sgn_tsa_parse() and sgn_tsa_verify(). */
struct sgn_tsa_info {
	struct sgn_time	gen_time;	/* genTime, fraction kept */
	sgn_hash_alg	imprint_alg;	/* SHA-256/384/512 only */
	uint8_t		imprint[SGN_MAX_DIGEST];
	size_t		imprint_len;
	int		has_embedded_certs;	/* the token carries certs */
	char		policy[64];	/* dotted OID text */
	char		serial_hex[80];	/* lowercase hex, "-" if negative */
};

/*
 * Parses a DER TimeStampResp strictly: the response is one DER element
 * (definite minimal lengths throughout) spanning exactly len bytes, status
 * is granted (0) or grantedWithMods (1), a token is present with exactly
 * one signer, CMS versions as RFC 5652 (SignedData 1 or 3, SignerInfo 1),
 * digest algorithms without parameters, TSTInfo version 1 filling its
 * OCTET STRING, a well-formed genTime ("YYYYMMDDhhmmss[.f]Z", at most 9
 * fractional digits, kept in gen_time.nsec), a serial of at most 39
 * bytes, a policy OID of at most 63 characters, and a message imprint made
 * with SHA-256, SHA-384 or SHA-512 of the right length.  Checks no
 * signature.
 *
 * resp is borrowed.  On success fills *info; on failure *info is zeroed.
 * Errors: SGN_ERR_LIMIT (over SGN_TSA_MAX_RESPONSE), SGN_ERR_PARSE (empty,
 * malformed, or the TSA did not grant the request), SGN_ERR_UNSUPPORTED
 * (SHA-1 or another imprint algorithm), SGN_ERR_INVALID_ARGUMENT.
 */
sgn_err	sgn_tsa_parse(const uint8_t *resp, size_t len,
	    struct sgn_tsa_info *info, struct sgn_errbuf *eb);

/*
 * Verifies the response resp over data (the bytes whose hash must equal
 * the message imprint: for Sigstore, the bundle's signature bytes) against
 * one TSA of the trusted root.  chain_der[i] / chain_len[i], i < chain_n,
 * are DER certificates: chain_der[0] the TSA signing leaf, chain_der[n-1]
 * the trust anchor (chain_n may be 1 when the leaf is itself the anchor);
 * at most SGN_TSA_MAX_CHAIN.  Everything is borrowed.
 *
 * Checks, in this order: the response parses (as sgn_tsa_parse()); the
 * leaf is not a CA and has exactly one extended key usage, timeStamping,
 * marked critical; intermediates that restrict extended key usage allow
 * timeStamping; the token's single signer is the trusted leaf (by issuer
 * and serial; certificates embedded in the token are never trusted for
 * this) and its signature algorithm fits the leaf's key; the imprint
 * equals H(data) with the response's algorithm; then OpenSSL's
 * TS_RESP_verify_response(): the chain from the leaf to the anchor, built
 * from the trusted-root certificates only, valid at genTime, not now
 * (notBefore <= genTime < notAfter, as OpenSSL counts), the CMS signature
 * with the leaf's key and the ESS signing-certificate(V2) attribute
 * naming the leaf.  When that fails, the chain is validated again on its
 * own only to say whether the chain or the signature is at fault.
 *
 * Does NOT check the trusted root's validFor window for this TSA, nor count
 * timestamps per TSA: the caller does both with info->gen_time.
 *
 * On success fills *info (on failure it is zeroed).  Errors: those of
 * sgn_tsa_parse(); SGN_ERR_INVALID_ARGUMENT (no chain, more than
 * SGN_TSA_MAX_CHAIN, data NULL with data_len > 0, data_len > INT_MAX);
 * SGN_ERR_TRUST (a chain certificate is not DER or too large);
 * SGN_ERR_UNSUPPORTED (a genTime beyond the range of time_t);
 * SGN_ERR_VERIFY with a one-line message naming the failed check, e.g.
 * "timestamp: message imprint does not match the signature",
 * "timestamp: not signed by the trusted TSA",
 * "timestamp: TSA certificate not valid at 2026-07-26T01:42:18Z".
 */
sgn_err	sgn_tsa_verify(const uint8_t *resp, size_t len, const uint8_t *data,
	    size_t data_len, const uint8_t *const *chain_der,
	    const size_t *chain_len, size_t chain_n,
	    struct sgn_tsa_info *info, struct sgn_errbuf *eb);

/*
 * sgn_tsa_verify() with the chain as parsed certificates (from a parsed
 * trusted root), which spares decoding them again for every timestamp.
 */
sgn_err	sgn_tsa_verify_certs(const uint8_t *resp, size_t len,
	    const uint8_t *data, size_t data_len,
	    struct sgn_cert *const *chain, size_t chain_n,
	    struct sgn_tsa_info *info, struct sgn_errbuf *eb);

/*
 * 1 when the token in resp names leaf as its signer: the SignerInfo's
 * issuer and serial number are leaf's, or its ESS signing-certificate
 * (V2) attribute lists leaf first (RFC 5816; the hash of leaf's DER, with
 * the issuer and serial when it gives them).  0 when it names another
 * certificate, or resp does not parse (as sgn_tsa_parse()).  Checks no
 * signature: it tells which TSA of a trusted root a token claims, so that
 * a failure can be reported against that one.  Everything is borrowed.
 */
int	sgn_tsa_names_signer(const uint8_t *resp, size_t len,
	    const struct sgn_cert *leaf);

#ifdef __cplusplus
}
#endif

#endif /* SGN_TSA_H */
