/*
 * rekor: Rekor transparency-log entry bodies.
 *
 * A bundle's tlog entry carries canonicalizedBody, the exact bytes the log
 * hashed into its Merkle tree.  A verifier must check that this body
 * describes the bundle it came with: same signature, same certificate or
 * key, same digest.  sgn_rekor_body_parse() reads the kinds Sigstore
 * clients meet into one normalized record:
 *
 *   hashedrekord 0.0.1 (Rekor v1)  digest, signature, PEM key or cert
 *   dsse 0.0.1         (Rekor v1)  payloadHash, one signature + verifier
 *   intoto 0.0.2       (Rekor v1)  payloadHash, one signature + publicKey
 *   hashedrekord 0.0.2 (Rekor v2)  digest, signature, DER cert or key,
 *                                  keyDetails
 *
 * See https://github.com/sigstore/rekor/tree/main/pkg/types and
 * rekor-tiles' hashedrekord v0.0.2 proto.
 */
#ifndef SGN_REKOR_H
#define SGN_REKOR_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sgn_rekor_kind {
	SGN_REKOR_HASHEDREKORD_001 = 1,
	SGN_REKOR_DSSE_001,
	SGN_REKOR_INTOTO_002,
	SGN_REKOR_HASHEDREKORD_002,
} sgn_rekor_kind;

struct sgn_rekor_body {
	sgn_rekor_kind	 kind;
	char		 kind_name[32];
	char		 api_version[16];
	/* hashedrekord: the artifact digest; dsse/intoto: payloadHash */
	sgn_hash_alg	 hash;
	uint8_t		 digest[SGN_MAX_DIGEST];
	size_t		 digest_len;
	/* the one signature */
	uint8_t		*sig;
	size_t		 sig_len;
	/* the verifier, DER: a certificate or a SubjectPublicKeyInfo */
	uint8_t		*verifier;
	size_t		 verifier_len;
	int		 verifier_is_cert;
	/* hashedrekord 0.0.2 only */
	char		 key_details[48];
	/* intoto 0.0.2: the envelope's payload when the body keeps it */
	uint8_t		*payload;
	size_t		 payload_len;
};

/* Parses a canonicalized body.  Unknown kinds or versions are
 * SGN_ERR_UNSUPPORTED; malformed bodies SGN_ERR_PARSE. */
sgn_err	sgn_rekor_body_parse(const uint8_t *body, size_t len,
	    struct sgn_rekor_body **out, struct sgn_errbuf *eb);
void	sgn_rekor_body_free(struct sgn_rekor_body **bp);

/* Clients ----------------------------------------------------------- */

struct sgn_http;
struct sgn_tlog_entry;

/*
 * Proposed entries (request bodies), appended to out:
 * - Rekor v1 hashedrekord 0.0.1: a SHA-256 digest (hex), the signature
 *   and the verifier's PEM (certificate or public key), base64;
 * - Rekor v1 dsse 0.0.1: the envelope as JSON text and the verifier's PEM;
 * - Rekor v2 hashedrekord 0.0.2 (hashedRekordRequestV002): the digest,
 *   the signature, the verifier's DER (an X.509 certificate when is_cert,
 *   else a SubjectPublicKeyInfo) and its keyDetails name.
 */
sgn_err	sgn_rekor_v1_hashedrekord(sgn_hash_alg alg, const uint8_t *digest,
	    const uint8_t *sig, size_t sig_len, const char *verifier_pem,
	    struct sgn_buf *out, struct sgn_errbuf *eb);
sgn_err	sgn_rekor_v1_dsse(const char *envelope_json,
	    const char *verifier_pem, struct sgn_buf *out,
	    struct sgn_errbuf *eb);
sgn_err	sgn_rekor_v2_hashedrekord(const uint8_t *digest, size_t digest_len,
	    const uint8_t *sig, size_t sig_len, const uint8_t *verifier_der,
	    size_t verifier_len, int is_cert, const char *key_details,
	    struct sgn_buf *out, struct sgn_errbuf *eb);

/*
 * Posts a proposed entry to the log at base_url (Rekor v1: /api/v1/log/
 * entries; v2: /api/v2/log/entries) and turns the reply into a bundle's
 * TransparencyLogEntry.  A v1 duplicate (409) is fetched from the log.
 * Nothing is verified here: the caller verifies the entry (body, SET,
 * inclusion proof, checkpoint) before using it.  Errors say which log
 * failed and why (HTTP status and the log's message).
 */
sgn_err	sgn_rekor_upload(struct sgn_http *http, const char *base_url,
	    int major, const struct sgn_buf *proposed,
	    struct sgn_tlog_entry *out, struct sgn_errbuf *eb);

/* A Rekor v1 API reply ({uuid: {body, integratedTime, logID, ...}}) as a
 * TransparencyLogEntry (exposed for tests and fuzzing). */
sgn_err	sgn_rekor_v1_entry_parse(const uint8_t *json, size_t len,
	    struct sgn_tlog_entry *out, struct sgn_errbuf *eb);

#ifdef __cplusplus
}
#endif

#endif /* SGN_REKOR_H */
