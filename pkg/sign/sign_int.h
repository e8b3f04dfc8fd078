/*
 * sign_int.h: what the files of pkg/sign share (not a public API).
 */
#ifndef SGN_SIGN_INT_H
#define SGN_SIGN_INT_H

#include "bundle.h"
#include "bundle_int.h"
#include "sign.h"

/* Where and as whom a signature is timestamped and logged. */
struct sgn_log_target {
	struct sgn_http			*http;
	const struct sgn_selection	*services;
	/* the verifier the log records: a certificate or a public key */
	const char			*verifier_pem;
	const uint8_t			*verifier_der;
	size_t				 verifier_der_len;
	int				 is_cert;
	const char			*key_details;	/* Rekor v2 */
	sgn_hash_alg			 hash;	/* of the digests logged */
	sgn_sign_status_fn		 status;
	void				*status_ctx;
};

/* An RFC 3161 timestamp over sig from each selected TSA, appended to ts
 * (room for SGN_MAX_SELECTED). */
sgn_err	sgn_sign_timestamps(const struct sgn_log_target *t,
	    const uint8_t *sig, size_t sig_len, struct sgn_blob *ts,
	    size_t *n_ts, struct sgn_errbuf *eb);

/*
 * Logs the signature in each selected log, appending to entries (room for
 * SGN_MAX_SELECTED).  digest (of t->hash) is what the entry records: the
 * artifact's, or for DSSE the PAE's (Rekor v2); envelope is the DSSE
 * envelope JSON (Rekor v1), or NULL.
 */
sgn_err	sgn_sign_log(const struct sgn_log_target *t, const uint8_t *sig,
	    size_t sig_len, const uint8_t *digest, const char *envelope,
	    struct sgn_tlog_entry *entries, size_t *n_entries,
	    struct sgn_errbuf *eb);

struct sgn_verifier;
struct sgn_artifact;
struct sgn_policy;

/*
 * Serializes the view b, parses those bytes back and verifies them for
 * art under pol, as any verifier would, then appends them to out; a
 * failure is
 * "<what>: <reason>".  A timestamp the verifier would ignore (it does not
 * verify) fails it too: a signer hands over no evidence that does not
 * check out.
 */
sgn_err	sgn_sign_emit(struct sgn_verifier *v, const struct sgn_bundle_view *b,
	    const struct sgn_artifact *art, const struct sgn_policy *pol,
	    const char *what, struct sgn_buf *out, struct sgn_errbuf *eb);

/* The DSSE envelope JSON Rekor v1's dsse type takes. */
sgn_err	sgn_sign_envelope_json(const uint8_t *payload, size_t len,
	    const uint8_t *sig, size_t sig_len, struct sgn_buf *out,
	    struct sgn_errbuf *eb);

#endif /* SGN_SIGN_INT_H */
