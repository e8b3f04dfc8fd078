/*
 * Rekor v1 signed entry timestamps (SETs, a bundle's "inclusion
 * promise"): the log's signature over the RFC 8785 (JCS) form of
 * {body, integratedTime, logID, logIndex} (REFERENCE section 5.5, as
 * rekor's pkg/verify builds it).  JCS sorts the members, which is the
 * fixed order below, and writes no whitespace; the values are a base64
 * string, a hex string and two integers, none of which needs escaping.
 */
#include <stdlib.h>
#include <string.h>

#include "tlog.h"

/* JCS writes numbers as IEEE doubles: integers are exact up to 2^53. */
#define SET_MAX_INT	(INT64_C(1) << 53)

static sgn_err
check_int(const char *what, int64_t v, struct sgn_errbuf *eb)
{
	if (v < 0 || v > SET_MAX_INT)
		return sgn_errf(eb, SGN_ERR_PARSE, "signed entry timestamp: "
		    "%s %lld is outside 0..2^53", what, (long long)v);
	return SGN_OK;
}

sgn_err
sgn_tlog_set_payload(const uint8_t *body, size_t body_len,
    int64_t integrated_time, const uint8_t log_id[SGN_TLOG_HASH_LEN],
    int64_t log_index, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	static const char open_body[] = "{\"body\":\"";
	char *b64 = NULL;
	char hex[2 * SGN_TLOG_HASH_LEN + 1];
	size_t old;
	sgn_err r;

	if (out == NULL || log_id == NULL || (body == NULL && body_len > 0))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "signed entry timestamp: missing argument");
	if ((r = check_int("integratedTime", integrated_time, eb)) !=
	    SGN_OK || (r = check_int("logIndex", log_index, eb)) != SGN_OK)
		return r;
	old = out->len;
	if ((r = sgn_b64_encode(body, body_len, &b64, eb)) != SGN_OK)
		goto out;
	sgn_hex_encode(log_id, SGN_TLOG_HASH_LEN, hex);
	if ((r = sgn_buf_append(out, open_body, sizeof(open_body) - 1,
	    eb)) != SGN_OK ||
	    (r = sgn_buf_append(out, b64, strlen(b64), eb)) != SGN_OK ||
	    (r = sgn_buf_appendf(out, eb, "\",\"integratedTime\":%lld,"
	    "\"logID\":\"%s\",\"logIndex\":%lld}", (long long)integrated_time,
	    hex, (long long)log_index)) != SGN_OK)
		goto out;
	r = SGN_OK;
out:
	/* Leave out as it was on failure. */
	if (r != SGN_OK && out->ptr != NULL) {
		out->len = old;
		out->ptr[old] = '\0';
	}
	free(b64);
	return r;
}

sgn_err
sgn_tlog_verify_set(const struct sgn_pubkey *key, const uint8_t *body,
    size_t body_len, int64_t integrated_time,
    const uint8_t log_id[SGN_TLOG_HASH_LEN], int64_t log_index,
    const uint8_t *sig, size_t sig_len, struct sgn_errbuf *eb)
{
	struct sgn_buf payload;
	struct sgn_errbuf inner;
	sgn_hash_alg hash;
	sgn_err r;

	sgn_buf_init(&payload, 0);
	if (key == NULL || (sig == NULL && sig_len > 0))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "signed entry timestamp: missing argument");
	if (sgn_pubkey_type(key) == SGN_KEY_ECDSA_P256)
		hash = SGN_HASH_SHA256;
	else
		hash = sgn_pubkey_default_hash(key);
	if ((r = sgn_tlog_set_payload(body, body_len, integrated_time, log_id,
	    log_index, &payload, eb)) != SGN_OK)
		goto out;
	sgn_errbuf_clear(&inner);
	r = sgn_pubkey_verify(key, hash, payload.ptr, payload.len, sig,
	    sig_len, &inner);
	if (r == SGN_ERR_VERIFY)
		r = sgn_errf(eb, SGN_ERR_VERIFY, "signed entry timestamp for "
		    "log index %lld does not verify", (long long)log_index);
	else if (r != SGN_OK)
		r = sgn_errf(eb, r, "signed entry timestamp: %s", inner.msg);
out:
	sgn_buf_reset(&payload);
	return r;
}
