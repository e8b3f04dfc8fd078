/*
 * tsa_client: RFC 3161 timestamp requests to a TSA, over pkg/http.
 * Verifying the reply is tsa.h's (pure).  pkg/verify must not include
 * this header (scripts/purity.sh checks).
 */
#ifndef SGN_TSA_CLIENT_H
#define SGN_TSA_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sgn_http;

/*
 * Requests an RFC 3161 timestamp over data (the signature bytes) from the
 * TSA at url (the full URL a signing config names): a SHA-256 imprint, a
 * random 63-bit nonce (a positive INTEGER), certReq set.  The reply must
 * be a granted TimeStampResp that parses as sgn_tsa_parse() demands,
 * carrying the same SHA-256 imprint and nonce; *resp (malloc'd) is the
 * whole DER response, for the bundle.  Verification against the
 * trusted root is the caller's (sgn_tsa_verify_certs).  Network and HTTP
 * failures say which TSA failed and why.
 */
sgn_err	sgn_tsa_request(struct sgn_http *http, const char *url,
	    const uint8_t *data, size_t data_len, uint8_t **resp,
	    size_t *resp_len, struct sgn_errbuf *eb);

#ifdef __cplusplus
}
#endif

#endif /* SGN_TSA_CLIENT_H */
