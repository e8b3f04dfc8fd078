/*
 * bundle: Sigstore bundles v0.1, v0.2 and v0.3
 * (protobuf-specs sigstore_bundle.proto, JSON mapping).
 *
 * sgn_bundle_parse() reads the whole document into the plain record
 * below and validates its structure before anyone acts on it: media type,
 * exactly one verification material and one content, required members,
 * types, base64, lengths, counts, and the rules that depend on the
 * version (v0.1 entries carry an inclusion promise; from v0.2 every entry
 * carries an inclusion proof with a checkpoint).  Nothing cryptographic is
 * checked here.
 *
 * The bundles OpenSSF model signing (model_signing) writes for its key and
 * certificate methods parse too: v0.3 bundles with a publicKey (hint, or
 * rawBytes and keyDetails before model_signing 1.1) or with an
 * x509CertificateChain, with tlogEntries empty or absent, and a DSSE
 * signature whose keyid is "", null or absent.  Which material a verifier
 * accepts is its own business: the Sigstore pipeline (verify.h) wants a
 * single Fulcio certificate or a managed key in a v0.3 bundle.
 *
 * The record is plain data: read its fields directly; free it with
 * sgn_bundle_free().
 */
#ifndef SGN_BUNDLE_H
#define SGN_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

SGN_API_BEGIN

#define SGN_BUNDLE_MAX_TLOG_ENTRIES	32
#define SGN_BUNDLE_MAX_TIMESTAMPS	32
#define SGN_BUNDLE_MAX_CHAIN		16
#define SGN_BUNDLE_MAX_PROOF_HASHES	64

typedef enum sgn_bundle_material {
	SGN_MATERIAL_CERTIFICATE = 1,	/* v0.3 leaf certificate */
	SGN_MATERIAL_CHAIN,		/* x509CertificateChain: v0.1/v0.2,
					 * or model_signing's certificate
					 * method in v0.3 */
	SGN_MATERIAL_PUBLIC_KEY,	/* publicKey (managed keys) */
} sgn_bundle_material;

typedef enum sgn_bundle_content {
	SGN_CONTENT_MESSAGE_SIGNATURE = 1,
	SGN_CONTENT_DSSE,
} sgn_bundle_content;

struct sgn_blob {
	uint8_t	*ptr;
	size_t	 len;
};

struct sgn_tlog_entry {
	int64_t		 log_index;
	uint8_t		 log_id[32];
	char		 kind[32];
	char		 version[16];
	int64_t		 integrated_time;	/* 0 when absent */
	struct sgn_blob	 set;			/* inclusionPromise, or empty */
	int		 has_proof;
	int64_t		 proof_index;
	int64_t		 tree_size;
	uint8_t		 root_hash[32];
	uint8_t		(*hashes)[32];
	size_t		 n_hashes;
	char		*checkpoint;		/* envelope text, or NULL */
	size_t		 checkpoint_len;
	struct sgn_blob	 body;			/* canonicalizedBody, decoded */
};

struct sgn_bundle {
	int			 version_minor;	/* 1, 2 or 3 (all v0.x) */
	char			*media_type;
	sgn_bundle_material	 material;
	struct sgn_blob		*certs;		/* DER; leaf first */
	size_t			 n_certs;
	char			*key_hint;	/* publicKey.hint, or NULL */
	struct sgn_tlog_entry	*entries;
	size_t			 n_entries;
	struct sgn_blob		*timestamps;	/* DER TimeStampResp */
	size_t			 n_timestamps;
	sgn_bundle_content	 content;
	/* messageSignature */
	int			 has_digest;
	sgn_hash_alg		 digest_alg;
	uint8_t			 digest[SGN_MAX_DIGEST];
	size_t			 digest_len;
	/* messageSignature.signature or the DSSE signature */
	struct sgn_blob		 signature;
	/* dsseEnvelope */
	struct sgn_blob		 payload;
	char			*payload_type;
	char			*keyid;		/* may be NULL */
	/* publicKey.rawBytes (PEM or DER, as found; empty when absent) and
	 * publicKey.keyDetails (NULL when absent): model_signing before
	 * 1.1 wrote these instead of a hint */
	struct sgn_blob		 key_raw;
	char			*key_details;
};

/* Parses and validates (buf, len) (at most SGN_MAX_BUNDLE_BYTES).  Every
 * error is SGN_ERR_PARSE, SGN_ERR_UNSUPPORTED or SGN_ERR_LIMIT with a
 * message naming the member. */
sgn_err	sgn_bundle_parse(const uint8_t *buf, size_t len,
	    struct sgn_bundle **out, struct sgn_errbuf *eb);
void	sgn_bundle_free(struct sgn_bundle **bp);

/*
 * Writes b as a v0.3 bundle (media type
 * application/vnd.dev.sigstore.bundle.v0.3+json) to out: the material is
 * a single certificate, a certificate chain (leaf first) or a public key
 * (its hint, and rawBytes and keyDetails when set).  tlogEntries is always
 * written, empty when there are none.  int64 values as strings, bytes as
 * standard base64, default values omitted, as protobuf JSON.
 */
sgn_err	sgn_bundle_serialize(const struct sgn_bundle *b, struct sgn_buf *out,
	    struct sgn_errbuf *eb);

/*
 * Parses one TransparencyLogEntry in protobuf JSON (as in a bundle, and as
 * Rekor v2 answers), with the rules of a v0.3 bundle entry.  Free with
 * sgn_tlog_entry_reset().
 */
sgn_err	sgn_tlog_entry_parse(const uint8_t *json, size_t len,
	    struct sgn_tlog_entry *e, struct sgn_errbuf *eb);
void	sgn_tlog_entry_reset(struct sgn_tlog_entry *e);

SGN_API_END

#ifdef __cplusplus
}
#endif

#endif /* SGN_BUNDLE_H */
