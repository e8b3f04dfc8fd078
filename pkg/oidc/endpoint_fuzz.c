/*
 * libFuzzer harness for the parsers of an OIDC provider's replies: the
 * first byte chooses the reply, the rest is its body.
 *   0: the discovery document (/.well-known/openid-configuration), served
 *      by a transport in place of the network to sgn_oidc_discover() for
 *      the issuer https://oauth2.sigstore.dev/auth;
 *   1: a token endpoint reply with HTTP 200 (sgn_oidc_token_reply(): the
 *      id_token in it, read at a fixed time for the audience "sigstore");
 *   2: the same with HTTP 400 (RFC 6749 §5.2 error and description).
 * What is accepted must be whole (the issuer's own endpoints, a token
 * with an issuer and a subject); a failure leaves nothing behind.
 * Seeds (testdata/fuzz/endpoint_fuzz/): the public-good issuer's discovery
 * document, the local testbed provider's, and token replies around the
 * tokens of oidc_fuzz.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "http.h"
#include "oidc.h"
#include "oidc_int.h"

#define FUZZ_NOW	((int64_t)1767225600)	/* 2026-01-01 */
#define FUZZ_ISSUER	"https://oauth2.sigstore.dev/auth"

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

/* https, or http to a loopback address (sgn_oidc_url_ok, pkg/http's
 * policy); a scheme is case-insensitive (RFC 3986 §3.1) */
static int
web_url(const char *s)
{
	return s != NULL && (strncasecmp(s, "https://", 8) == 0 ||
	    strncasecmp(s, "http://", 7) == 0);
}

static void
discovery(struct sgn_oidc_ctx *c, const uint8_t *p, size_t n)
{
	struct sgn_oidc_endpoints ep;
	struct reply rep = { p, n };
	struct sgn_errbuf eb;

	if (sgn_http_new(NULL, &c->http, NULL) != SGN_OK)
		abort();
	sgn_http_set_transport(c->http, serve, &rep);
	sgn_errbuf_clear(&eb);
	if (sgn_oidc_discover(c, &ep, &eb) == SGN_OK) {
		if (ep.issuer == NULL || strncmp(ep.issuer, FUZZ_ISSUER,
		    strlen(FUZZ_ISSUER)) != 0 || !web_url(ep.auth) ||
		    !web_url(ep.token) ||
		    (ep.device != NULL && !web_url(ep.device)))
			abort();
	} else if (ep.issuer != NULL || ep.auth != NULL ||
	    ep.token != NULL || ep.device != NULL || eb.msg[0] == '\0') {
		abort();
	}
	sgn_oidc_endpoints_reset(&ep);
	sgn_http_free(&c->http);
}

static void
token(struct sgn_oidc_ctx *c, long status, const uint8_t *p, size_t n)
{
	struct sgn_http_response res;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	char code[64], desc[160];
	sgn_err r;

	memset(&res, 0, sizeof(res));
	memset(&t, 0, sizeof(t));
	res.status = status;
	sgn_buf_init(&res.body, 0);
	if (sgn_buf_append(&res.body, p, n, NULL) != SGN_OK)
		return;
	sgn_errbuf_clear(&eb);
	r = sgn_oidc_token_reply(c, &res, "interactive", "sigstore", code,
	    sizeof(code), desc, sizeof(desc), &t, &eb);
	if (r == SGN_OK) {
		if (status != 200 || t.jwt.ptr == NULL || t.issuer == NULL ||
		    t.subject == NULL || strcmp(t.source, "interactive") != 0)
			abort();
	} else if (t.jwt.ptr != NULL || t.issuer != NULL ||
	    strlen(code) >= sizeof(code) || strlen(desc) >= sizeof(desc) ||
	    (status == 200 && eb.msg[0] == '\0')) {
		abort();
	}
	sgn_oidc_token_reset(&t);
	sgn_http_response_reset(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sgn_oidc_env env;
	static const struct sgn_oidc_ui ui;
	struct sgn_oidc_ctx c;

	if (size < 1)
		return 0;
	memset(&c, 0, sizeof(c));
	c.o.issuer = FUZZ_ISSUER;
	c.o.client_id = "sigstore";
	c.env = &env;
	c.ui = &ui;
	c.now = FUZZ_NOW;
	switch (data[0]) {
	case 0:
		discovery(&c, data + 1, size - 1);
		break;
	case 1:
		token(&c, 200, data + 1, size - 1);
		break;
	case 2:
		token(&c, 400, data + 1, size - 1);
		break;
	default:
		break;
	}
	return 0;
}
