/*
 * rekor_client: Rekor network clients, over pkg/http.  Proposed entries
 * (request bodies), uploads, and reads from a log (LogInfo, consistency
 * proofs, entries, tiles).  Replies are parsed with rekor.h's pure parsers
 * and never verified here: the caller verifies them (rekor.h, tlog.h).
 * pkg/verify must not include this header (scripts/purity.sh checks).
 */
#ifndef SGN_REKOR_CLIENT_H
#define SGN_REKOR_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "rekor.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/* GET <base_url>/api/v1/log, parsed as above. */
sgn_err	sgn_rekor_v1_log_info(struct sgn_http *http, const char *base_url,
	    struct sgn_rekor_log_info *out, struct sgn_errbuf *eb);

/* GET <base_url>/api/v1/log/proof?firstSize=&lastSize=[&treeID=]. */
sgn_err	sgn_rekor_v1_proof(struct sgn_http *http, const char *base_url,
	    const char *tree_id, uint64_t first, uint64_t last,
	    uint8_t root[32], uint8_t (*hashes)[32], size_t *n,
	    struct sgn_errbuf *eb);
/*
 * GET an entry: by uuid (64 or 80 hex digits, checked before anything is
 * sent) when uuid is non-NULL, else by global logIndex index.  The reply
 * is parsed with sgn_rekor_v1_entry_parse(); nothing is verified.
 */
sgn_err	sgn_rekor_v1_entry_get(struct sgn_http *http, const char *base_url,
	    const char *uuid, int64_t index, struct sgn_tlog_entry *out,
	    struct sgn_errbuf *eb);

/*
 * POST <base_url>/api/v1/log/entries/retrieve {"logIndexes": [...]} for 1
 * to SGN_REKOR_RETRIEVE_MAX global indexes; out (n entries) receives the
 * entries the log returned, in its order, *n_out of them (parsed with
 * sgn_rekor_v1_entry_parse(), unverified; reset each with
 * sgn_tlog_entry_reset()).  A log may leave out entries it lacks.
 */
#define SGN_REKOR_RETRIEVE_MAX	10
sgn_err	sgn_rekor_v1_entries_retrieve(struct sgn_http *http,
	    const char *base_url, const int64_t *indexes, size_t n,
	    struct sgn_tlog_entry *out, size_t *n_out, struct sgn_errbuf *eb);

/* A tiled log (C2SP tlog-tiles) at prefix (Rekor v2: its base URL). */
struct sgn_rekor_tiles {
	struct sgn_http	*http;
	const char	*prefix;
	size_t		 requests;	/* counted by the functions below */
};

/* GET <prefix>/<path> ("checkpoint", a tile path) into out (replaced). */
sgn_err	sgn_rekor_tiles_get(struct sgn_rekor_tiles *t, const char *path,
	    struct sgn_buf *out, struct sgn_errbuf *eb);
/* An sgn_tile_fetch (tlog.h) over sgn_rekor_tiles_get(); ctx is a
 * struct sgn_rekor_tiles. */
sgn_err	sgn_rekor_tiles_fetch(void *ctx, int level, uint64_t index,
	    unsigned width, uint8_t **out, size_t *len,
	    struct sgn_errbuf *eb);

#ifdef __cplusplus
}
#endif

#endif /* SGN_REKOR_CLIENT_H */
