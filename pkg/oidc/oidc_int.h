/*
 * oidc_int.h: what the files of pkg/oidc share (not a public API).
 */
#ifndef SGN_OIDC_INT_H
#define SGN_OIDC_INT_H

#include <cjson/cJSON.h>

#include "oidc.h"

#define SGN_OIDC_MAX_REPLY	(256u * 1024)	/* discovery, token replies */
#define SGN_OIDC_MAX_CMD_OUT	(64u * 1024)	/* a provider command */
#define SGN_OIDC_RUN_TIMEOUT_MS	60000L		/* a provider command */
#define SGN_OIDC_MAX_URL	4096		/* URLs we build or take */

/* What every source needs, defaults filled in. */
struct sgn_oidc_ctx {
	struct sgn_http			*http;
	struct sgn_oidc_opts		 o;	/* with defaults */
	const struct sgn_oidc_env	*env;	/* never NULL */
	const struct sgn_oidc_ui	*ui;	/* never NULL */
	int64_t				 now;
	const char			*audience;	/* ambient, given */
};

/* oidc.c */
/* An environment variable through the injected lookup; NULL when unset
 * or empty. */
const char *sgn_oidc_getenv(const struct sgn_oidc_ctx *c, const char *name);
void	sgn_oidc_status(const struct sgn_oidc_ctx *c, const char *msg);
void	sgn_oidc_sleep(const struct sgn_oidc_ctx *c, long ms);
/* Appends s percent-encoded (RFC 3986: all but unreserved). */
sgn_err	sgn_oidc_pct(struct sgn_buf *b, const char *s,
	    struct sgn_errbuf *eb);
/* Appends "key=value" (value percent-encoded), after '&' unless b is
 * empty. */
sgn_err	sgn_oidc_form(struct sgn_buf *b, const char *key, const char *value,
	    struct sgn_errbuf *eb);
/* Overwrites every string of a JSON tree (before cJSON_Delete of a reply
 * that held a secret). */
void	sgn_oidc_json_wipe(cJSON *node);
/* 1 when an https URL, or http to a loopback address. */
int	sgn_oidc_url_ok(const char *url);

/* token.c */
/* base64url without padding of (p, n) into out (outlen >= 4n/3 + 4). */
void	sgn_oidc_b64url(const uint8_t *p, size_t n, char *out,
	    size_t outlen);
/*
 * Trims whitespace around (raw, len), parses it as a token for audience,
 * and records source.  The caller still wipes raw.
 */
sgn_err	sgn_oidc_accept(const struct sgn_oidc_ctx *c, const char *raw,
	    size_t len, const char *source, const char *audience,
	    struct sgn_oidc_token *out, struct sgn_errbuf *eb);

/* ambient.c */
/* The token or token file of the options. */
sgn_err	sgn_oidc_given(const struct sgn_oidc_ctx *c,
	    struct sgn_oidc_token *out, struct sgn_errbuf *eb);
/* SIGSTORE_ID_TOKEN; *found 0 when unset. */
sgn_err	sgn_oidc_from_env(const struct sgn_oidc_ctx *c, int *found,
	    struct sgn_oidc_token *out, struct sgn_errbuf *eb);
/* Ambient providers in detection order, NULL-terminated. */
extern const char *const sgn_oidc_ambient_names[];
/*
 * One ambient provider.  Unless forced, *found is 0 (and SGN_OK returned)
 * when its environment is absent; forced, absence is an error.
 */
sgn_err	sgn_oidc_ambient(const struct sgn_oidc_ctx *c, const char *name,
	    int forced, int *found, struct sgn_oidc_token *out,
	    struct sgn_errbuf *eb);

/* endpoint.c: discovery, PKCE, the token endpoint */
#define SGN_OIDC_SCOPE		"openid email"
#define SGN_OIDC_MAX_CODE	2048	/* an authorization code */

struct sgn_oidc_endpoints {
	char	*issuer;
	char	*auth;
	char	*token;
	char	*device;	/* NULL when not advertised */
};

/* 32 random bytes base64url make 43 characters. */
struct sgn_oidc_pkce {
	char	verifier[48];
	char	challenge[48];
	char	state[48];
	char	nonce[48];
};

void	sgn_oidc_endpoints_reset(struct sgn_oidc_endpoints *ep);
sgn_err	sgn_oidc_discover(const struct sgn_oidc_ctx *c,
	    struct sgn_oidc_endpoints *ep, struct sgn_errbuf *eb);
sgn_err	sgn_oidc_pkce_new(struct sgn_oidc_pkce *p, struct sgn_errbuf *eb);
sgn_err	sgn_oidc_post_form(const struct sgn_oidc_ctx *c, const char *what,
	    const char *url, struct sgn_buf *form,
	    struct sgn_http_response *res, struct sgn_errbuf *eb);
sgn_err	sgn_oidc_token_reply(const struct sgn_oidc_ctx *c,
	    struct sgn_http_response *res, const char *source,
	    const char *audience, char *code, size_t codelen, char *desc,
	    size_t desclen, struct sgn_oidc_token *out,
	    struct sgn_errbuf *eb);
sgn_err	sgn_oidc_check_token(const struct sgn_oidc_endpoints *ep,
	    const char *nonce, const struct sgn_oidc_token *t,
	    struct sgn_errbuf *eb);
/* The audience the interactive flows ask for: --audience, or the client. */
const char *sgn_oidc_audience(const struct sgn_oidc_ctx *c);
sgn_err	sgn_oidc_redeem(const struct sgn_oidc_ctx *c,
	    const struct sgn_oidc_endpoints *ep, const struct sgn_oidc_pkce *p,
	    const struct sgn_secret *code, const char *redirect_uri,
	    const char *source, struct sgn_oidc_token *out,
	    struct sgn_errbuf *eb);
sgn_err	sgn_oidc_auth_url(const struct sgn_oidc_ctx *c,
	    const struct sgn_oidc_endpoints *ep, const struct sgn_oidc_pkce *p,
	    const char *redirect_uri, struct sgn_buf *u,
	    struct sgn_errbuf *eb);

/* redirect.c: the loopback redirect server */
sgn_err	sgn_oidc_lb_open(int *fdp, int *portp, struct sgn_errbuf *eb);
/* Serves the redirect on lfd until the callback comes or the time is
 * up; on success *code is the authorization code. */
sgn_err	sgn_oidc_lb_wait(const struct sgn_oidc_ctx *c, int lfd,
	    const char *state, struct sgn_secret *code,
	    struct sgn_errbuf *eb);
/*
 * One complete request head (req, len: at most 8191 bytes are looked at)
 * as the server takes it, answered on fd: 1 when it was the callback
 * (*r the outcome; the code is wiped), 0 when it was answered and
 * ignored.  For the fuzz harness (redirect_fuzz.c) and tests.
 */
int	sgn_oidc_redirect_request(int fd, const char *req, size_t len,
	    const char *state, sgn_err *r, struct sgn_errbuf *eb);

/* flows.c */
enum sgn_oidc_flow {
	SGN_OIDC_FLOW_CODE,
	SGN_OIDC_FLOW_OOB,
	SGN_OIDC_FLOW_DEVICE,
};

sgn_err	sgn_oidc_interactive(const struct sgn_oidc_ctx *c,
	    enum sgn_oidc_flow flow, struct sgn_oidc_token *out,
	    struct sgn_errbuf *eb);

#endif /* SGN_OIDC_INT_H */
