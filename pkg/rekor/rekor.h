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
 *
 * This header is pure: parsing and verification, no network.  The clients
 * (proposed entries, uploads, reads from a log) are in rekor_client.h.
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

struct sgn_tlog_entry;

/* A Rekor v1 API reply ({uuid: {body, integratedTime, logID, ...}}) as a
 * TransparencyLogEntry (exposed for tests and fuzzing). */
sgn_err	sgn_rekor_v1_entry_parse(const uint8_t *json, size_t len,
	    struct sgn_tlog_entry *out, struct sgn_errbuf *eb);

/* Auditing (signet tlog) ---------------------------------------------- */

struct sgn_log;
struct sgn_checkpoint;

#define SGN_REKOR_MAX_SHARDS	64

/* A Rekor v1 shard as GET /api/v1/log describes it. */
struct sgn_rekor_shard {
	char		 tree_id[24];	/* decimal, no leading zeros */
	uint64_t	 tree_size;
	uint8_t		 root[32];
	char		*checkpoint;	/* signedTreeHead, a signed note */
	size_t		 checkpoint_len;
};

struct sgn_rekor_log_info {
	struct sgn_rekor_shard	 active;
	struct sgn_rekor_shard	*inactive;	/* inactiveShards */
	size_t			 n_inactive;
};

/*
 * Parses a Rekor v1 LogInfo reply: {rootHash (64 hex), signedTreeHead,
 * treeID (decimal string), treeSize, inactiveShards: [same, at most
 * SGN_REKOR_MAX_SHARDS]}.  Nothing is verified.  Free with
 * sgn_rekor_log_info_reset().  Errors: SGN_ERR_PARSE naming the member,
 * SGN_ERR_LIMIT, SGN_ERR_NOMEM.
 */
sgn_err	sgn_rekor_v1_log_info_parse(const uint8_t *json, size_t len,
	    struct sgn_rekor_log_info *out, struct sgn_errbuf *eb);
void	sgn_rekor_log_info_reset(struct sgn_rekor_log_info *li);

/*
 * Parses a Rekor v1 ConsistencyProof reply {rootHash, hashes: [hex]}
 * into root and hashes (which holds SGN_TLOG_MAX_PROOF), *n the count.
 */
sgn_err	sgn_rekor_v1_proof_parse(const uint8_t *json, size_t len,
	    uint8_t root[32], uint8_t (*hashes)[32], size_t *n,
	    struct sgn_errbuf *eb);
/*
 * Parses the signed note (note, len) and verifies it as a checkpoint of
 * log with the log's key from the trusted root: v2 (is_v2), origin equal
 * to log->host and lines under that name; v1, origin "<name> - <tree
 * ID>" (with tree_id, when non-NULL, that tree ID) and lines matched by
 * key ID.  On success *out is the checkpoint (free with
 * sgn_checkpoint_free()).  Errors: SGN_ERR_VERIFY (origin, signature),
 * SGN_ERR_PARSE, SGN_ERR_LIMIT, SGN_ERR_INVALID_ARGUMENT.
 */
sgn_err	sgn_rekor_checkpoint_verify(const struct sgn_log *log, int is_v2,
	    const char *tree_id, const char *note, size_t len,
	    struct sgn_checkpoint **out, struct sgn_errbuf *eb);

/*
 * Verifies a log entry of log: log ID, body (parsed; kindVersion as
 * logged), the SET when there is one (never on a v2 entry), and the
 * inclusion proof under its checkpoint, which must verify with
 * sgn_rekor_checkpoint_verify() and carry the proof's tree size and
 * root.  On success *body and *cp are the parsed body and the verified
 * checkpoint, the caller's to free.  Errors: SGN_ERR_VERIFY with what
 * failed; SGN_ERR_PARSE / SGN_ERR_UNSUPPORTED for a body that cannot be
 * read, returned only when the SET and the inclusion proof verified (a
 * monitor counts such entries; a lie about them is still caught).
 */
sgn_err	sgn_rekor_entry_verify(const struct sgn_log *log,
	    const struct sgn_tlog_entry *e, struct sgn_rekor_body **body,
	    struct sgn_checkpoint **cp, struct sgn_errbuf *eb);

/*
 * A monitor's pre-filter: 1 when the bytes of one of the n strings
 * (non-NULL, NUL-terminated) occur in der, else 0.  A certificate whose
 * SAN or Fulcio extension equals a string holds its bytes (an IA5String,
 * UTF8String or raw extension value is the text itself), so a 0 proves
 * no such match without parsing der; a 1 proves nothing.  A regexp or a
 * key fingerprint cannot be pre-filtered this way.
 */
int	sgn_rekor_der_holds(const uint8_t *der, size_t len,
	    const char *const *s, size_t n);

/*
 * A monitor's light read of a certificate (DER, at most
 * SGN_REKOR_IDS_MAX_DER bytes): its subject alternative names (email,
 * URI, the Fulcio username otherName 1.3.6.1.4.1.57264.1.7, in order),
 * the raw text of Fulcio extensions .1 to .6 and .8 (ext[n], NULL when
 * absent) and the OIDC issuer (.8, else the legacy .1).  The values point
 * into der (not NUL-terminated): valid while der is.  Nothing is
 * allocated.
 *
 * Returns 1 when sure: der was read whole by a strict DER walk, it is a
 * v3 certificate a full parse (sgn_cert_from_der()) takes, with an EC
 * P-256/384/521 or Ed25519 key, one SAN extension of those three kinds
 * only, identity text with no control character and valid UTF-8, no
 * Fulcio extension twice, and .1 and .8 equal when both are present; the
 * values are then those sgn_cert_sans(), sgn_cert_fulcio_ext() and
 * sgn_cert_oidc_issuer() read.  Returns 0 for anything else (malformed,
 * unusual or ambiguous), when the caller must parse der fully: a 0 says
 * nothing about the certificate.  The key's point is not decoded.
 */
#define SGN_REKOR_IDS_MAX_DER	(64u * 1024)
#define SGN_REKOR_IDS_MAX_SANS	64

enum {
	SGN_REKOR_SAN_EMAIL = 1,	/* as SGN_SAN_EMAIL, x509.h */
	SGN_REKOR_SAN_URI,
	SGN_REKOR_SAN_OTHERNAME,
};

struct sgn_rekor_cert_ids {
	struct {
		int		 type;	/* SGN_REKOR_SAN_* */
		const char	*value;
		size_t		 len;
	}			 sans[SGN_REKOR_IDS_MAX_SANS];
	size_t			 n_sans;
	const char		*ext[9];	/* 1.3.6.1.4.1.57264.1.<n> */
	size_t			 ext_len[9];
	const char		*issuer;	/* NULL: none */
	size_t			 issuer_len;
};

int	sgn_rekor_cert_ids(const uint8_t *der, size_t len,
	    struct sgn_rekor_cert_ids *ids);

#ifdef __cplusplus
}
#endif

#endif /* SGN_REKOR_H */
