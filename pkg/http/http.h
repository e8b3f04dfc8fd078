/*
 * http: the one way libsignet talks to services (Fulcio, Rekor, TSAs,
 * OIDC providers), over libcurl.
 *
 * - https only; plain http only to loopback addresses (a local testbed);
 *   no user names or passwords in URLs.
 * - Timeouts, a cap on every response body, no redirects followed.
 * - Retries with exponential backoff and jitter on connection errors, 429
 *   and 5xx (bounded), honouring Retry-After.
 * - HTTPS_PROXY / NO_PROXY as libcurl reads them; a CA bundle for private
 *   deployments.
 * - libcurl is loaded with dlopen() on first use, so that programs (and
 *   `signet verify`) that never reach the network do not pay for loading
 *   it and its thirty libraries.
 * - The transport can be replaced (tests serve canned replies).
 */
#ifndef SGN_HTTP_H
#define SGN_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SGN_HTTP_MAX_BODY	(4u * 1024 * 1024)
#define SGN_HTTP_MAX_HEADERS	16
#define SGN_HTTP_MAX_URL	8192

struct sgn_http_request {
	const char	*method;	/* "GET" or "POST" */
	const char	*url;
	const char	*headers[SGN_HTTP_MAX_HEADERS];	/* "Name: value" */
	size_t		 n_headers;
	const uint8_t	*body;
	size_t		 body_len;
	/* Also allow plain http to a cloud metadata server
	 * (metadata.google.internal, 169.254.169.254): link-local, unrouted,
	 * and http-only by design. */
	int		 metadata;
};
/* Headers may carry secrets (bearer tokens): they never appear in errors
 * or logs. */

struct sgn_http_response {
	long		 status;
	struct sgn_buf	 body;
	char		 content_type[128];
	char		 location[1024];
	long		 retry_after;	/* seconds, 0 when absent */
};

void	sgn_http_response_reset(struct sgn_http_response *r);

/*
 * A transport performs one exchange: fill res (status and body, capped at
 * max_body) or fail with SGN_ERR_NETWORK (the retry logic treats that as
 * a connection error).
 */
typedef sgn_err (*sgn_http_transport)(void *ctx,
    const struct sgn_http_request *req, struct sgn_http_response *res,
    size_t max_body, long timeout_ms, struct sgn_errbuf *eb);

/* Sleeps for ms milliseconds (tests make it a no-op). */
typedef void (*sgn_http_sleep)(void *ctx, long ms);

struct sgn_http_opts {
	long		 timeout_ms;		/* an exchange; default 30 s */
	long		 connect_timeout_ms;	/* default 10 s */
	int		 max_attempts;		/* default 4 */
	long		 backoff_ms;		/* first wait; default 500 ms */
	long		 max_backoff_ms;	/* default 8 s */
	size_t		 max_body;		/* default SGN_HTTP_MAX_BODY */
	const char	*ca_bundle;		/* PEM file, or NULL */
	const char	*user_agent;
};

struct sgn_http;

sgn_err	sgn_http_new(const struct sgn_http_opts *opts, struct sgn_http **out,
	    struct sgn_errbuf *eb);
void	sgn_http_free(struct sgn_http **hp);
void	sgn_http_set_transport(struct sgn_http *h, sgn_http_transport fn,
	    void *ctx);
void	sgn_http_set_sleep(struct sgn_http *h, sgn_http_sleep fn, void *ctx);

/*
 * Performs req with the policy above.  Returns SGN_OK with any final HTTP
 * status in res->status (the caller decides what a 4xx means), or
 * SGN_ERR_NETWORK when no exchange succeeded after the retries,
 * SGN_ERR_LIMIT when the body exceeded the cap, or sgn_http_url_check()'s
 * error for a URL the policy refuses (then nothing is sent).  what names
 * the service in messages ("Fulcio").
 */
sgn_err	sgn_http_do(struct sgn_http *h, const char *what,
	    const struct sgn_http_request *req, struct sgn_http_response *res,
	    struct sgn_errbuf *eb);

/*
 * The URL policy alone, on the URL as libcurl parses it (the parser that
 * then connects; libcurl is loaded for it): scheme://host with https, or
 * http to a loopback host as libcurl parsed it (localhost, 127.0.0.0/8,
 * [::1]) and, with metadata set, to the metadata server
 * (metadata.google.internal or 169.254.169.254, no port).  Refused
 * whatever the scheme: a user name or password ("user@", even an empty
 * "@"), spaces, control characters, backslashes, non-ASCII bytes, and
 * more than SGN_HTTP_MAX_URL bytes.  Returns SGN_OK, or
 * SGN_ERR_INVALID_ARGUMENT (SGN_ERR_LIMIT for the length) with the reason
 * in eb (a URL with a password in it is not echoed), or SGN_ERR_NETWORK
 * when libcurl cannot be loaded.
 */
sgn_err	sgn_http_url_check(const char *url, int metadata,
	    struct sgn_errbuf *eb);
/* The same, as 1 when allowed and 0 when not. */
int	sgn_http_url_allowed(const char *url, int metadata);

/*
 * A service's error reply in one printable line: the "message" of a
 * gRPC-gateway JSON error when there is one, else the start of the body.
 */
void	sgn_http_error_text(const struct sgn_http_response *res, char *out,
	    size_t outlen);

#ifdef __cplusplus
}
#endif

#endif /* SGN_HTTP_H */
