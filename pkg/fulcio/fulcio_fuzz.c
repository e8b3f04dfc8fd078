/*
 * libFuzzer harness for the parser of Fulcio's reply to a signingCert
 * request: every input is the body of a 200 reply, served by a transport
 * in place of the network to sgn_fulcio_request().  What parses must be
 * a chain of 1 to SGN_FULCIO_MAX_CHAIN certificates; a failure must say
 * why and leave no chain.
 * Seeds (testdata/fuzz/fulcio_fuzz/): replies of the local testbed's
 * Fulcio (scripts/testbed-server).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "fulcio.h"
#include "http.h"
#include "keys.h"
#include "x509.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct reply {
	const uint8_t	*p;
	size_t		 n;
};

static sgn_err
serve(void *ctx, const struct sgn_http_request *req,
    struct sgn_http_response *res, size_t max_body, long timeout_ms,
    struct sgn_errbuf *eb)
{
	const struct reply *r = ctx;

	(void)req;
	(void)timeout_ms;
	res->status = 200;
	sgn_buf_init(&res->body, max_body);
	return sgn_buf_append(&res->body, r->p, r->n, eb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t d[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static struct sgn_signer *signer;
	struct sgn_http *http = NULL;
	struct sgn_cert **chain = NULL;
	struct reply rep = { data, size };
	struct sgn_errbuf eb;
	size_t n = 0, i;

	/* one key for the whole run */
	if (signer == NULL && sgn_signer_from_p256_scalar(d, &signer, NULL) !=
	    SGN_OK)
		abort();
	if (sgn_http_new(NULL, &http, NULL) != SGN_OK)
		abort();
	sgn_http_set_transport(http, serve, &rep);
	sgn_errbuf_clear(&eb);
	if (sgn_fulcio_request(http, "https://fulcio.example", "token",
	    signer, "someone@example.com", &chain, &n, &eb) == SGN_OK) {
		if (chain == NULL || n == 0 || n > SGN_FULCIO_MAX_CHAIN)
			abort();
		for (i = 0; i < n; i++)
			if (chain[i] == NULL || sgn_cert_der_len(chain[i]) == 0)
				abort();
	} else if (chain != NULL || n != 0 || eb.msg[0] == '\0') {
		abort();
	}
	sgn_fulcio_chain_free(&chain, &n);
	sgn_http_free(&http);
	return 0;
}
