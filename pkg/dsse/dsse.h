/*
 * dsse: DSSE envelopes (https://github.com/secure-systems-lab/dsse,
 * protocol.md) and in-toto statements
 * (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md).
 *
 * A DSSE signature covers the pre-authentication encoding
 *   PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 * with LEN the ASCII decimal byte length, not the payload itself.
 */
#ifndef SGN_DSSE_H
#define SGN_DSSE_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SGN_INTOTO_PAYLOAD_TYPE		"application/vnd.in-toto+json"
#define SGN_INTOTO_MAX_SUBJECTS		1024
#define SGN_INTOTO_MAX_DIGESTS		32

/* Appends PAE(type, payload) to out. */
sgn_err	sgn_dsse_pae(const char *type, const uint8_t *payload, size_t len,
	    struct sgn_buf *out, struct sgn_errbuf *eb);

/*
 * Appends the pre-authentication encoding that model_signing 0.2 signed
 * by mistake (its PAE formatted the payload bytes into a Python string):
 *   "DSSEV1" SP LEN(type) SP type SP LEN(payload) SP repr(payload)
 * with an upper-case V, LEN the byte length of the payload itself, and
 * repr() Python's bytes repr: b'...' (b"..." when the payload holds a '
 * and no "), the quote and backslash escaped, \t \n \r, other bytes
 * outside 0x20-0x7e as \xNN.  Only for verifying those old signatures.
 */
sgn_err	sgn_dsse_pae_compat(const char *type, const uint8_t *payload,
	    size_t len, struct sgn_buf *out, struct sgn_errbuf *eb);

struct sgn_intoto_digest {
	char		*alg;		/* as written: "sha256", "gitCommit" */
	sgn_hash_alg	 hash;		/* SGN_HASH_NONE when not SHA-2 */
	uint8_t		 value[SGN_MAX_DIGEST];	/* decoded, SHA-2 only */
	size_t		 len;
};

struct sgn_intoto_subject {
	char			*name;
	struct sgn_intoto_digest *digests;
	size_t			 n_digests;
};

struct sgn_intoto_statement {
	char			*type;
	char			*predicate_type;
	struct sgn_intoto_subject *subjects;
	size_t			 n_subjects;
};

/*
 * Parses an in-toto statement (v1 or v0.1 "_type"), strictly: at least one
 * subject, at most SGN_INTOTO_MAX_SUBJECTS, each with a digest map of at
 * most SGN_INTOTO_MAX_DIGESTS entries; SHA-2 digests must be hex of the
 * right length.
 */
sgn_err	sgn_intoto_parse(const uint8_t *payload, size_t len,
	    struct sgn_intoto_statement **out, struct sgn_errbuf *eb);
void	sgn_intoto_free(struct sgn_intoto_statement **sp);

/* The first subject whose digest for alg equals digest, or NULL. */
const struct sgn_intoto_subject *sgn_intoto_find(
	    const struct sgn_intoto_statement *s, sgn_hash_alg alg,
	    const uint8_t *digest, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* SGN_DSSE_H */
