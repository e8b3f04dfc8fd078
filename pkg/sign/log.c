/*
 * log.c: timestamps and transparency-log entries for a signature, shared
 * by keyless signing (the verifier is the Fulcio certificate) and by
 * signatures made with a key and logged later (the verifier is the key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsse.h"
#include "rekor.h"
#include "rekor_client.h"
#include "sign_int.h"
#include "tlog.h"
#include "trust.h"
#include "tsa.h"
#include "tsa_client.h"
#include "verify.h"

sgn_err
sgn_sign_timestamps(const struct sgn_log_target *t, const uint8_t *sig,
    size_t sig_len, struct sgn_blob *ts, size_t *n_ts, struct sgn_errbuf *eb)
{
	const struct sgn_selection	*s = t->services;
	size_t				 i;
	sgn_err				 r;

	for (i = 0; i < s->n_tsa; i++) {
		if (*n_ts >= SGN_MAX_SELECTED)
			return sgn_errf(eb, SGN_ERR_LIMIT, "too many "
			    "timestamps");
		if ((r = sgn_tsa_request(t->http, s->tsa[i]->url, sig,
		    sig_len, &ts[*n_ts].ptr, &ts[*n_ts].len, eb)) != SGN_OK)
			return r;
		(*n_ts)++;
	}
	return SGN_OK;
}

static void
say(const struct sgn_log_target *t, const char *url, long long index)
{
	char	msg[512];

	if (t->status == NULL)
		return;
	(void)snprintf(msg, sizeof(msg), "logged in %s at index %lld", url,
	    index);
	t->status(t->status_ctx, msg);
}

sgn_err
sgn_sign_log(const struct sgn_log_target *t, const uint8_t *sig,
    size_t sig_len, const uint8_t *digest, const char *envelope,
    struct sgn_tlog_entry *entries, size_t *n_entries, struct sgn_errbuf *eb)
{
	const struct sgn_selection	*s = t->services;
	const struct sgn_service	*log;
	struct sgn_buf			 prop;
	size_t				 i;
	sgn_err				 r = SGN_OK;

	for (i = 0; i < s->n_rekor && r == SGN_OK; i++) {
		if (*n_entries >= SGN_MAX_SELECTED)
			return sgn_errf(eb, SGN_ERR_LIMIT, "too many log "
			    "entries");
		log = s->rekor[i];
		sgn_buf_init(&prop, 0);
		if (log->major == 1 && envelope != NULL)
			r = sgn_rekor_v1_dsse(envelope, t->verifier_pem, &prop,
			    eb);
		else if (log->major == 1)
			r = sgn_rekor_v1_hashedrekord(t->hash, digest, sig,
			    sig_len, t->verifier_pem, &prop, eb);
		else
			r = sgn_rekor_v2_hashedrekord(digest,
			    sgn_hash_len(t->hash), sig, sig_len,
			    t->verifier_der, t->verifier_der_len, t->is_cert,
			    t->key_details, &prop, eb);
		if (r == SGN_OK &&
		    (r = sgn_rekor_upload(t->http, log->url, (int)log->major,
		    &prop, &entries[*n_entries], eb)) == SGN_OK) {
			say(t, log->url,
			    (long long)entries[*n_entries].log_index);
			(*n_entries)++;
		}
		sgn_buf_reset(&prop);
	}
	return r;
}

sgn_err
sgn_sign_emit(struct sgn_verifier *v, const struct sgn_bundle_view *b,
    const struct sgn_artifact *art, const struct sgn_policy *pol,
    const char *what, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	struct sgn_bundle		*parsed = NULL;
	struct sgn_verify_result	 res;
	struct sgn_buf			 bytes;
	struct sgn_errbuf		 tmp;
	sgn_err				 r;

	sgn_buf_init(&bytes, 0);
	res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	if ((r = sgn_bundle_view_serialize(b, &bytes, eb)) != SGN_OK)
		goto out;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_bundle_parse(bytes.ptr, bytes.len, &parsed, &tmp)) !=
	    SGN_OK) {
		r = sgn_errf(eb, SGN_ERR_INTERNAL, "the new bundle does not "
		    "parse: %s", tmp.msg);
		goto out;
	}
	if ((r = sgn_verify(v, parsed, art, pol, &res, &tmp)) != SGN_OK) {
		r = sgn_errf(eb, r, "%s: %s", what, tmp.msg);
		goto out;
	}
	/* A verifier ignores a timestamp that does not verify; a signer
	 * does not hand one over. */
	if (res.n_ignored > 0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: timestamp %zu does not "
		    "verify: %s", what, res.ignored[0].index,
		    res.ignored[0].reason);
		goto out;
	}
	r = sgn_buf_append(out, bytes.ptr, bytes.len, eb);
out:
	sgn_verify_result_reset(&res);
	sgn_bundle_free(&parsed);
	sgn_buf_reset(&bytes);
	return r;
}

sgn_err
sgn_sign_envelope_json(const uint8_t *payload, size_t len, const uint8_t *sig,
    size_t sig_len, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	char	*p64 = NULL, *s64 = NULL;
	sgn_err	 r;

	if ((r = sgn_b64_encode(payload, len, &p64, eb)) != SGN_OK ||
	    (r = sgn_b64_encode(sig, sig_len, &s64, eb)) != SGN_OK)
		goto out;
	r = sgn_buf_appendf(out, eb, "{\"payload\":\"%s\",\"payloadType\":"
	    "\"%s\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"%s\"}]}",
	    p64, SGN_INTOTO_PAYLOAD_TYPE, s64);
out:
	free(p64);
	free(s64);
	return r;
}
