/*
 * fulcio: signing certificates from a Fulcio CA (v2 REST API,
 * POST /api/v2/signingCert; see protocol REFERENCE.md section 3 and
 * https://github.com/sigstore/fulcio/blob/main/fulcio.proto).
 */
#ifndef SGN_FULCIO_H
#define SGN_FULCIO_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "keys.h"
#include "x509.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sgn_http;

#define SGN_FULCIO_MAX_CHAIN 8

/*
 * Asks the Fulcio at base_url for a certificate over the signer's public
 * key.  The identity token (a secret: it is sent in an
 * "Authorization: Bearer" header and never shown) authenticates; the proof
 * of possession is the signer's signature over challenge (the token's
 * email, or its subject for CI issuers).  *chain (leaf first) is filled
 * from the reply's PEM certificates; free it with sgn_fulcio_chain_free().
 * Only embedded SCTs are accepted.  Nothing is verified here: the caller
 * checks the chain, the SCT and the identity against the trusted root and
 * the token before signing anything.
 *
 * Errors: SGN_ERR_NETWORK, SGN_ERR_HTTP_STATUS ("Fulcio URL: HTTP 400:
 * <Fulcio's message>"), SGN_ERR_PARSE (a reply that is not what Fulcio
 * sends), SGN_ERR_LIMIT.
 */
sgn_err	sgn_fulcio_request(struct sgn_http *http, const char *base_url,
	    const char *token, struct sgn_signer *signer, const char *challenge,
	    struct sgn_cert ***chain, size_t *n, struct sgn_errbuf *eb);
/* Frees a chain from sgn_fulcio_request(); clears *chainp and *np. */
void	sgn_fulcio_chain_free(struct sgn_cert ***chainp, size_t *np);

#ifdef __cplusplus
}
#endif

#endif /* SGN_FULCIO_H */
