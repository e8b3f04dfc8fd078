/*
 * tlog: the transparency-log checks a verifier makes offline, with no
 * network and no printing.
 *
 * - Merkle tree hashing and proofs, RFC 6962 section 2.1 as restated by
 *   RFC 9162 sections 2.1.3.2 (inclusion) and 2.1.4.2 (consistency).
 * - Signed notes and checkpoints, C2SP signed-note and tlog-checkpoint
 *   (https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint):
 *   strict parsing, signed-note key IDs, and verification with one log
 *   key while witness cosignatures and unknown keys are ignored.
 * - The Rekor v1 signed entry timestamp (SET, the bundle's "inclusion
 *   promise"): its RFC 8785 payload and its signature.
 *
 * Everything these functions read may come from a hostile bundle: every
 * length is checked, every count is capped, and a failed check returns
 * SGN_ERR_VERIFY (a proof or signature is wrong) or SGN_ERR_PARSE (the
 * input is malformed) with a message saying exactly what is wrong.
 */
#ifndef SGN_TLOG_H
#define SGN_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "keys.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Merkle trees -------------------------------------------------------- */

#define SGN_TLOG_HASH_LEN 32

/*
 * The most hashes a valid proof can hold for trees of up to 2^64 - 1
 * leaves (64 for inclusion, 65 for consistency); a cap for parsers.
 */
#define SGN_TLOG_MAX_PROOF 65

/*
 * Leaf hash H(0x00 || leaf) with SHA-256.  leaf may be NULL when len is 0.
 * Sigstore's leaf is the decoded canonicalizedBody, not its base64 text.
 * Cannot fail in practice: if OpenSSL cannot allocate a digest context,
 * out is zero-filled, which no proof against a signed root accepts.
 */
void	sgn_tlog_leaf_hash(const uint8_t *leaf, size_t len, uint8_t out[32]);

/* Interior node hash H(0x01 || l || r); out may alias l or r. */
void	sgn_tlog_node_hash(const uint8_t l[32], const uint8_t r[32],
	    uint8_t out[32]);

/*
 * Verifies that leaf_hash is leaf number index (from 0) of the tree of
 * size leaves whose root is root, given the audit path path[0..path_len)
 * (RFC 9162 section 2.1.3.2, leaf-side hash first).  Nothing is kept.
 *
 * Errors: SGN_ERR_VERIFY with "inclusion proof: leaf index I is not below
 * tree size N", "inclusion proof: K hashes, expected E", or "inclusion
 * proof: computed root hash 1234abcd... does not match 5678ef01...";
 * SGN_ERR_INVALID_ARGUMENT for NULL pointers; SGN_ERR_CRYPTO if OpenSSL
 * fails.
 */
sgn_err	sgn_tlog_verify_inclusion(uint64_t index, uint64_t size,
	    const uint8_t leaf_hash[32], const uint8_t (*path)[32],
	    size_t path_len, const uint8_t root[32], struct sgn_errbuf *eb);

/*
 * Verifies that the tree of size1 leaves with root root1 is a prefix of
 * the tree of size2 leaves with root root2, given the consistency proof
 * proof[0..n) (RFC 9162 section 2.1.4.2).
 *
 * Edge cases: size1 > size2 always fails; size1 == size2 needs an empty
 * proof and root1 == root2; size1 == 0 needs an empty proof and root1
 * equal to the empty tree's root SHA-256("") (any tree extends the empty
 * tree); otherwise the proof must have exactly the length the two sizes
 * imply (never 0).
 *
 * Errors: SGN_ERR_VERIFY naming the failed check ("consistency proof: 3
 * hashes, expected 4", "consistency proof: computed new root hash ...
 * does not match ..."); SGN_ERR_INVALID_ARGUMENT for NULL pointers;
 * SGN_ERR_CRYPTO if OpenSSL fails.
 */
sgn_err	sgn_tlog_verify_consistency(uint64_t size1, uint64_t size2,
	    const uint8_t (*proof)[32], size_t n, const uint8_t root1[32],
	    const uint8_t root2[32], struct sgn_errbuf *eb);

/* Signed notes and checkpoints ----------------------------------------- */

/* Caps on hostile notes. */
#define SGN_NOTE_MAX_BYTES	(1024u * 1024)	/* whole note */
#define SGN_NOTE_MAX_SIGS	100		/* signature lines */
#define SGN_CHECKPOINT_MAX_EXT	100		/* extension lines */

/* One signature line "— <name> <base64(hint || sig)>". */
struct sgn_note_sig {
	char	*name;		/* NUL-terminated key name */
	uint8_t	 hint[4];	/* first 4 bytes of the signer's key ID */
	uint8_t	*sig;		/* the signature after the hint */
	size_t	 sig_len;	/* at least 1 */
};

struct sgn_checkpoint {
	char		*origin;	/* first line, non-empty */
	uint64_t	 size;		/* tree size */
	uint8_t		 root[32];	/* root hash */
	char		**ext;		/* extension lines, without "\n" */
	size_t		 n_ext;
	uint8_t		*text;		/* the signed note text: every line */
	size_t		 text_len;	/* through the "\n" before the blank */
					/* line (text[text_len] is NUL) */
	struct sgn_note_sig *sigs;	/* in note order */
	size_t		 n_sigs;
};

/*
 * Parses a checkpoint (a C2SP signed note whose text is a tlog
 * checkpoint) from (note, len); note need not be NUL-terminated.
 *
 * Note rules: at most SGN_NOTE_MAX_BYTES; valid UTF-8 with no control
 * character other than "\n"; text and signatures split at the last
 * "\n\n"; every signature line is "— <name> <base64>\n" (U+2014 EM DASH
 * and a space) where name is non-empty without whitespace or '+' and the
 * standard, padded base64 holds a 4-byte key hint and a non-empty
 * signature; 1 to SGN_NOTE_MAX_SIGS lines.
 * Checkpoint rules: line 1 the origin (non-empty), line 2 the tree size
 * (decimal, no leading zeros, fits in 64 bits), line 3 the root hash
 * (standard padded base64 of exactly 32 bytes), then up to
 * SGN_CHECKPOINT_MAX_EXT non-empty extension lines.
 *
 * The signatures are not checked here: see sgn_checkpoint_verify().
 * On success *out is a new checkpoint owned by the caller, to free with
 * sgn_checkpoint_free(); on failure *out is NULL.
 *
 * Errors: SGN_ERR_PARSE (a distinct message for a missing origin, size,
 * root hash or signature block, and for every other rule),
 * SGN_ERR_LIMIT (a cap), SGN_ERR_NOMEM, SGN_ERR_INVALID_ARGUMENT.
 */
sgn_err	sgn_checkpoint_parse(const char *note, size_t len,
	    struct sgn_checkpoint **out, struct sgn_errbuf *eb);

/* Frees *cp and everything it owns, and sets *cp to NULL.  NULL is ok. */
void	sgn_checkpoint_free(struct sgn_checkpoint **cp);

/*
 * The full 32-byte signed-note key ID of key under name (REFERENCE 8.3):
 *   Ed25519	SHA-256(name || 0x0A || 0x01 || raw 32-byte key)
 *   ECDSA	SHA-256(DER SubjectPublicKeyInfo), name not included
 *		(Rekor v1 and ECDSA rekor-tiles logs)
 *   RSA	SHA-256(name || 0x0A || 0xFF || "PKIX-RSA-PKCS#1v1.5" ||
 *		DER SubjectPublicKeyInfo)
 * Its first 4 bytes are the hint on the key's signature lines; for Rekor
 * logs the full ID is the trusted root's logId.keyId.
 *
 * Errors: SGN_ERR_INVALID_ARGUMENT (NULL key, or for Ed25519 and RSA a
 * name that is empty or has whitespace or '+'), SGN_ERR_UNSUPPORTED
 * (another key type), SGN_ERR_CRYPTO.
 */
sgn_err	sgn_note_key_id(const char *name, const struct sgn_pubkey *key,
	    uint8_t id[32], struct sgn_errbuf *eb);

/*
 * Verifies cp with one log key, known under key_name.  The log's lines
 * are those whose name equals key_name and whose hint equals the first 4
 * bytes of sgn_note_key_id(key_name, key); every such line must verify
 * over cp->text and at least one must exist.  For ECDSA keys, whose key
 * IDs leave the name out, key_name may be NULL: lines are then matched by
 * hint alone, whatever their name (Rekor v1 names its key after its host,
 * which a client cannot always know).  All other lines (witness
 * cosignatures, rotated or unknown keys) are ignored, wherever they are.
 *
 * Signatures: Ed25519, 64 raw bytes over the text; ECDSA, DER over
 * SHA-256(text); RSA, PKCS#1 v1.5 (or the key's padding) with SHA-256.
 *
 * This checks signatures only: the caller compares cp->origin (see
 * sgn_checkpoint_origin_matches()), cp->size and cp->root with what it
 * expects.
 *
 * Errors: SGN_ERR_VERIFY "checkpoint has no signature from log key
 * <name>" or "checkpoint signature by <name> does not verify";
 * SGN_ERR_INVALID_ARGUMENT, SGN_ERR_UNSUPPORTED (key type),
 * SGN_ERR_CRYPTO.
 */
sgn_err	sgn_checkpoint_verify(const struct sgn_checkpoint *cp,
	    const char *key_name, const struct sgn_pubkey *key,
	    struct sgn_errbuf *eb);

/*
 * 1 if cp's origin belongs to the log at host: origin == host (Rekor v2:
 * the trusted root's baseUrl host), or origin == host + " - " + a decimal
 * tree ID without leading zeros (Rekor v1, "rekor.sigstore.dev -
 * 2605736670972794746"); else 0 (also for NULL or empty arguments).
 */
int	sgn_checkpoint_origin_matches(const struct sgn_checkpoint *cp,
	    const char *host);

/* Auditing: consistency of stored checkpoints ------------------------- */

/*
 * Checks that two verified checkpoints of one log (same origin) describe
 * one history: for equal sizes the roots must be equal; otherwise
 * proof[0..n) must prove the smaller tree a prefix of the larger
 * (sgn_tlog_verify_consistency()).  The signatures are the caller's to
 * check first (sgn_checkpoint_verify()).
 *
 * Errors: SGN_ERR_VERIFY "log inconsistency: two checkpoints of size N
 * with different root hashes: the log rewrote its history" or "log
 * inconsistency: the tree of size M is not a prefix of the tree of size
 * N: <why>"; SGN_ERR_INVALID_ARGUMENT (NULL, or two origins).
 */
sgn_err	sgn_tlog_checkpoints_consistent(const struct sgn_checkpoint *a,
	    const struct sgn_checkpoint *b, const uint8_t (*proof)[32],
	    size_t n, struct sgn_errbuf *eb);

/*
 * The stored checkpoint of a log: one file per log origin, holding the
 * raw signed note.  sgn_tlog_state_lock() takes an exclusive lock on
 * path + ".lock" (created 0600) for the load-compare-store sequence;
 * _unlock() releases it (fd -1 is fine).  sgn_tlog_state_load() gives
 * *note = NULL (SGN_OK) when no checkpoint is stored, else the file (at
 * most SGN_NOTE_MAX_BYTES, malloc'd).  sgn_tlog_state_store() writes the
 * raw note atomically (temporary file, fsync, rename), mode 0600, after
 * parsing it: a note that is not a checkpoint is refused, and a
 * checkpoint of size 0 is never stored (SGN_ERR_INVALID_ARGUMENT).
 * Errors: SGN_ERR_IO naming the path, SGN_ERR_LIMIT, SGN_ERR_NOMEM.
 */
sgn_err	sgn_tlog_state_lock(const char *path, int *fd,
	    struct sgn_errbuf *eb);
void	sgn_tlog_state_unlock(int *fd);
sgn_err	sgn_tlog_state_load(const char *path, uint8_t **note, size_t *len,
	    struct sgn_errbuf *eb);
sgn_err	sgn_tlog_state_store(const char *path, const char *note, size_t len,
	    struct sgn_errbuf *eb);
/*
 * A file name for the state of the log with this origin: the origin with
 * every byte outside [A-Za-z0-9.-] made '_', cut at 64 bytes, then '-'
 * and the first 16 hex digits of SHA-256(origin) (so two origins never
 * share a file).  out holds at least SGN_TLOG_STATE_NAME bytes.
 */
#define SGN_TLOG_STATE_NAME	96
void	sgn_tlog_state_name(const char *origin, char out[SGN_TLOG_STATE_NAME]);

/* Tiled logs (C2SP tlog-tiles) ---------------------------------------- */

#define SGN_TILE_HEIGHT	8
#define SGN_TILE_WIDTH	256

/*
 * The path of a tile under the log's prefix: "tile/<L>/<N>[.p/<W>]" for
 * a hash tile of level L >= 0, "tile/entries/<N>[.p/<W>]" for level -1;
 * N in 3-digit groups, all but the last prefixed with 'x'
 * (1234067 -> x001/x234/067); ".p/W" when width W < 256.
 * Errors: SGN_ERR_INVALID_ARGUMENT, SGN_ERR_LIMIT (outlen too small).
 */
sgn_err	sgn_tile_path(int level, uint64_t index, unsigned width, char *out,
	    size_t outlen, struct sgn_errbuf *eb);

/* One entry of an entry bundle: a view into the bundle's bytes. */
struct sgn_tile_entry {
	const uint8_t	*ptr;
	size_t		 len;
};

/*
 * Splits an entry bundle (each entry a big-endian uint16 length and that
 * many bytes) into exactly count entries (at most 256), with nothing
 * left over.  Errors: SGN_ERR_PARSE (truncated, fewer or more entries),
 * SGN_ERR_LIMIT, SGN_ERR_INVALID_ARGUMENT.
 */
sgn_err	sgn_tile_entries_parse(const uint8_t *p, size_t len, size_t count,
	    struct sgn_tile_entry *entries, struct sgn_errbuf *eb);

/*
 * Fetches hash tile (level, index) of the given width (1 to 256): fills
 * *out (malloc'd, the caller's reader takes it) and *len.  Errors are the
 * fetcher's own (SGN_ERR_NETWORK, SGN_ERR_HTTP_STATUS, ...).
 */
typedef sgn_err (*sgn_tile_fetch)(void *ctx, int level, uint64_t index,
    unsigned width, uint8_t **out, size_t *len, struct sgn_errbuf *eb);

/*
 * A reader of the hash tiles of one tree of size leaves (the size of a
 * verified checkpoint): every hash it gives is recomputed from the tiles
 * that tree has (full tiles, and partial tiles on its right edge only).
 * Tiles are kept in memory by the reader (at most 4096) and nowhere
 * else.  The hashes are untrusted until a proof built from them verifies
 * against a signed root: callers pass the proofs to
 * sgn_tlog_verify_inclusion() / _consistency() and compare
 * sgn_tile_root() with the checkpoint's root.  A tile of the wrong length
 * is SGN_ERR_VERIFY.
 */
struct sgn_tile_reader;

sgn_err	sgn_tile_reader_new(uint64_t size, sgn_tile_fetch fetch, void *ctx,
	    struct sgn_tile_reader **out, struct sgn_errbuf *eb);
void	sgn_tile_reader_free(struct sgn_tile_reader **rp);
/* The number of tiles fetched so far. */
size_t	sgn_tile_reader_fetches(const struct sgn_tile_reader *r);
/* MTH of the first n leaves (1 <= n <= size). */
sgn_err	sgn_tile_root(struct sgn_tile_reader *r, uint64_t n,
	    uint8_t out[32], struct sgn_errbuf *eb);
/* The leaf hash at index (< size). */
sgn_err	sgn_tile_leaf(struct sgn_tile_reader *r, uint64_t index,
	    uint8_t out[32], struct sgn_errbuf *eb);
/* The audit path of leaf index in the tree of size leaves; proof holds
 * SGN_TLOG_MAX_PROOF hashes. */
sgn_err	sgn_tile_inclusion_proof(struct sgn_tile_reader *r, uint64_t index,
	    uint8_t (*proof)[32], size_t *n, struct sgn_errbuf *eb);
/* The consistency proof from size m (0 <= m <= size) to size. */
sgn_err	sgn_tile_consistency_proof(struct sgn_tile_reader *r, uint64_t m,
	    uint8_t (*proof)[32], size_t *n, struct sgn_errbuf *eb);

/* Rekor v1 signed entry timestamps ------------------------------------- */

/*
 * Appends to out the SET payload for an entry (REFERENCE 5.5): the RFC
 * 8785 form of
 *   {"body":"<standard base64 of body>","integratedTime":N,
 *    "logID":"<64 lowercase hex of log_id>","logIndex":N}
 * with no whitespace.  log_index is the entry's global (top-level)
 * logIndex, not inclusionProof.logIndex.  body may be NULL when body_len
 * is 0.  On failure out is left as it was (its old length).
 *
 * Errors: SGN_ERR_PARSE when integrated_time or log_index is negative or
 * above 2^53 (RFC 8785 writes numbers as IEEE doubles, exact only up to
 * there), SGN_ERR_LIMIT (out's cap), SGN_ERR_NOMEM,
 * SGN_ERR_INVALID_ARGUMENT.
 */
sgn_err	sgn_tlog_set_payload(const uint8_t *body, size_t body_len,
	    int64_t integrated_time, const uint8_t log_id[32],
	    int64_t log_index, struct sgn_buf *out, struct sgn_errbuf *eb);

/*
 * Verifies a SET (sig, sig_len) over sgn_tlog_set_payload() of the same
 * arguments with the log's key: ECDSA P-256 with a DER signature over
 * SHA-256, any other key with its default hash (sgn_pubkey_default_hash).
 *
 * Errors: SGN_ERR_VERIFY "signed entry timestamp for log index N does not
 * verify", those of sgn_tlog_set_payload(), SGN_ERR_CRYPTO.
 */
sgn_err	sgn_tlog_verify_set(const struct sgn_pubkey *key,
	    const uint8_t *body, size_t body_len, int64_t integrated_time,
	    const uint8_t log_id[32], int64_t log_index, const uint8_t *sig,
	    size_t sig_len, struct sgn_errbuf *eb);

#ifdef __cplusplus
}
#endif

#endif /* SGN_TLOG_H */
