/*
 * bundle_int.h: a read-only view of a bundle's parts, for the serializer
 * (not a public API; pkg/sign builds its bundles with it).
 *
 * struct sgn_bundle owns what it points to, so its pointers are not
 * const; a signer that lends what it holds (a certificate's DER, the
 * caller's statement, string constants) fills a view instead, whose
 * pointers all are, and nothing is cast.
 */
#ifndef SGN_BUNDLE_INT_H
#define SGN_BUNDLE_INT_H

#include "bundle.h"

/* Bytes read, not owned. */
struct sgn_cblob {
	const uint8_t	*ptr;
	size_t		 len;
};

struct sgn_bundle_view {
	sgn_bundle_material		 material;
	const struct sgn_cblob		*certs;		/* DER; leaf first */
	size_t				 n_certs;
	const char			*key_hint;	/* or NULL */
	const struct sgn_tlog_entry	*entries;
	size_t				 n_entries;
	const struct sgn_cblob		*timestamps;	/* DER */
	size_t				 n_timestamps;
	sgn_bundle_content		 content;
	/* messageSignature */
	int				 has_digest;
	sgn_hash_alg			 digest_alg;
	const uint8_t			*digest;
	size_t				 digest_len;
	/* messageSignature.signature or the DSSE signature */
	struct sgn_cblob		 signature;
	/* dsseEnvelope */
	struct sgn_cblob		 payload;
	const char			*payload_type;
	const char			*keyid;		/* or NULL */
	/* publicKey.rawBytes (empty: absent) and keyDetails (or NULL) */
	struct sgn_cblob		 key_raw;
	const char			*key_details;
	/* room for sgn_bundle_view_of() and sgn_bundle_view_certs() */
	struct sgn_cblob		 certs_buf[SGN_BUNDLE_MAX_CHAIN];
	struct sgn_cblob		 ts_buf[SGN_BUNDLE_MAX_TIMESTAMPS];
};

/*
 * A view of b (which must outlive it).  SGN_ERR_LIMIT when b holds more
 * than SGN_BUNDLE_MAX_TIMESTAMPS timestamps.  Only the certificates b's
 * material uses are read (one, at most SGN_BUNDLE_MAX_CHAIN, or none); a
 * count the material cannot hold is kept for sgn_bundle_view_serialize()
 * to refuse.
 */
sgn_err	sgn_bundle_view_of(const struct sgn_bundle *b,
	    struct sgn_bundle_view *v, struct sgn_errbuf *eb);
/* Points v's certificates at (copies of the pointers of) certs[0 .. n-1];
 * SGN_ERR_LIMIT over SGN_BUNDLE_MAX_CHAIN. */
sgn_err	sgn_bundle_view_certs(struct sgn_bundle_view *v,
	    const struct sgn_blob *certs, size_t n, struct sgn_errbuf *eb);
/* sgn_bundle_serialize() of a view: the same bytes for the same parts. */
sgn_err	sgn_bundle_view_serialize(const struct sgn_bundle_view *v,
	    struct sgn_buf *out, struct sgn_errbuf *eb);

#endif /* SGN_BUNDLE_INT_H */
