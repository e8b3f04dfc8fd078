/*
 * A person signs in (REFERENCE §12.1-12.3):
 *
 * - OpenID Connect Discovery 1.0: the issuer's endpoints come from
 *   <issuer>/.well-known/openid-configuration, whose "issuer" must be the
 *   issuer asked for (§4.3).
 * - Authorization code with PKCE S256 (RFC 7636), state and nonce, on a
 *   loopback redirect (RFC 8252 §7.3): a one-shot HTTP server on
 *   127.0.0.1, ephemeral port, that answers only GET /auth/callback.
 * - The same with the out-of-band redirect urn:ietf:wg:oauth:2.0:oob: the
 *   person pastes the code.
 * - The device authorization grant (RFC 8628), polling at the interval
 *   given, slower on slow_down (§3.5), until expires_in.
 *
 * Public clients (no secret) name themselves with client_id in the form;
 * with a secret, HTTP Basic (RFC 6749 §2.3.1).  The ID token of the reply
 * is the identity token.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "json.h"
#include "oidc_int.h"

#define OOB_REDIRECT	"urn:ietf:wg:oauth:2.0:oob"
#define DEVICE_GRANT	"urn:ietf:params:oauth:grant-type:device_code"
#define SCOPE		"openid email"
#define LB_MAX_REQ	8192	/* bytes of one request to the redirect */
#define LB_MAX_CONN	8	/* connections served at once */
#define LB_CONN_MS	10000	/* to send a request, once connected */
#define MAX_POLLS	2000	/* device flow */
#define MAX_CODE	2048	/* an authorization code */

struct endpoints {
	char	*issuer;
	char	*auth;
	char	*token;
	char	*device;	/* NULL when not advertised */
};

/* 32 random bytes base64url make 43 characters. */
struct pkce {
	char	verifier[48];
	char	challenge[48];
	char	state[48];
	char	nonce[48];
};

static void
endpoints_reset(struct endpoints *ep)
{
	free(ep->issuer);
	free(ep->auth);
	free(ep->token);
	free(ep->device);
	memset(ep, 0, sizeof(*ep));
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Discovery ------------------------------------------------------------- */

static size_t
trimmed_len(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[n - 1] == '/' ? n - 1 : n;
}

static sgn_err
endpoint(const cJSON *j, const char *key, int required, char **out,
    struct sgn_errbuf *eb)
{
	const char *v;
	sgn_err r;

	*out = NULL;
	if ((r = sgn_json_get_string(j, key, required, "OIDC discovery", &v,
	    eb)) != SGN_OK || v == NULL)
		return r;
	if (!sgn_oidc_url_ok(v))
		return sgn_errf(eb, SGN_ERR_POLICY, "OIDC discovery: %s "
		    "\"%.128s\" is not an https URL", key, v);
	if ((*out = strdup(v)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	return SGN_OK;
}

static sgn_err
discover(const struct sgn_oidc_ctx *c, struct endpoints *ep,
    struct sgn_errbuf *eb)
{
	const char *iss = c->o.issuer, *v;
	struct sgn_http_request req;
	struct sgn_http_response res;
	struct sgn_errbuf why;
	const cJSON *methods, *m;
	struct sgn_buf u;
	cJSON *j = NULL;
	char text[160];
	int s256 = 0;
	sgn_err r;

	memset(ep, 0, sizeof(*ep));
	memset(&res, 0, sizeof(res));
	sgn_errbuf_clear(&why);
	if (iss != NULL && strlen(iss) > SGN_OIDC_MAX_URL)
		return sgn_errf(eb, SGN_ERR_LIMIT, "OIDC issuer: URL longer "
		    "than %d bytes", SGN_OIDC_MAX_URL);
	if ((r = sgn_http_url_check(iss, 0, &why)) != SGN_OK)
		return sgn_errf(eb, r, "OIDC issuer: %s", why.msg);
	if (c->http == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "OIDC: no HTTP "
		    "client");
	sgn_buf_init(&u, SGN_OIDC_MAX_URL + 64);
	if ((r = sgn_buf_appendf(&u, eb, "%.*s/.well-known/"
	    "openid-configuration", (int)trimmed_len(iss), iss)) != SGN_OK)
		goto out;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = (const char *)u.ptr;
	req.headers[req.n_headers++] = "Accept: application/json";
	if ((r = sgn_http_do(c->http, "OIDC discovery", &req, &res, eb)) !=
	    SGN_OK)
		goto out;
	if (res.status != 200) {
		sgn_http_error_text(&res, text, sizeof(text));
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "OIDC discovery at "
		    "%.128s: HTTP %ld%s%s", iss, res.status,
		    text[0] != '\0' ? ": " : "", text);
		goto out;
	}
	if (res.body.len > SGN_OIDC_MAX_REPLY) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "OIDC discovery document "
		    "larger than %u bytes", SGN_OIDC_MAX_REPLY);
		goto out;
	}
	if ((r = sgn_json_parse(res.body.ptr, res.body.len,
	    "OIDC discovery", &j, eb)) != SGN_OK)
		goto out;
	if (!cJSON_IsObject(j)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "OIDC discovery: not a JSON "
		    "object");
		goto out;
	}
	if ((r = sgn_json_get_string(j, "issuer", SGN_JSON_REQUIRED,
	    "OIDC discovery", &v, eb)) != SGN_OK)
		goto out;
	/* OpenID Connect Discovery §4.3: the same issuer, else a server
	 * could speak for another. */
	if (trimmed_len(v) != trimmed_len(iss) ||
	    strncmp(v, iss, trimmed_len(iss)) != 0) {
		r = sgn_errf(eb, SGN_ERR_POLICY, "OIDC discovery: issuer is "
		    "\"%.128s\", not \"%.128s\"", v, iss);
		goto out;
	}
	if ((ep->issuer = strdup(v)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = endpoint(j, "authorization_endpoint", SGN_JSON_REQUIRED,
	    &ep->auth, eb)) != SGN_OK ||
	    (r = endpoint(j, "token_endpoint", SGN_JSON_REQUIRED, &ep->token,
	    eb)) != SGN_OK ||
	    (r = endpoint(j, "device_authorization_endpoint",
	    SGN_JSON_OPTIONAL, &ep->device, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_json_get_array(j, "code_challenge_methods_supported",
	    SGN_JSON_OPTIONAL, "OIDC discovery", &methods, eb)) != SGN_OK)
		goto out;
	if (methods != NULL) {
		for (m = methods->child; m != NULL; m = m->next)
			if (cJSON_IsString(m) && m->valuestring != NULL &&
			    strcmp(m->valuestring, "S256") == 0)
				s256 = 1;
		if (!s256) {
			r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "OIDC issuer "
			    "%.128s does not support PKCE S256", iss);
			goto out;
		}
	}
	r = SGN_OK;
out:
	if (r != SGN_OK)
		endpoints_reset(ep);
	cJSON_Delete(j);
	sgn_http_response_reset(&res);
	sgn_buf_reset(&u);
	return r;
}

/* PKCE, state, nonce ---------------------------------------------------- */

static sgn_err
pkce_new(struct pkce *p, struct sgn_errbuf *eb)
{
	uint8_t rnd[32], dig[32];
	sgn_err r = SGN_ERR_CRYPTO;

	memset(p, 0, sizeof(*p));
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "random bytes");
		goto out;
	}
	sgn_oidc_b64url(rnd, sizeof(rnd), p->verifier, sizeof(p->verifier));
	/* RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
	if ((r = sgn_hash(SGN_HASH_SHA256, p->verifier, strlen(p->verifier),
	    dig, eb)) != SGN_OK)
		goto out;
	sgn_oidc_b64url(dig, sizeof(dig), p->challenge, sizeof(p->challenge));
	if (RAND_bytes(rnd, 24) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "random bytes");
		goto out;
	}
	sgn_oidc_b64url(rnd, 24, p->state, sizeof(p->state));
	if (RAND_bytes(rnd, 24) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "random bytes");
		goto out;
	}
	sgn_oidc_b64url(rnd, 24, p->nonce, sizeof(p->nonce));
	r = SGN_OK;
out:
	sgn_memzero(rnd, sizeof(rnd));
	return r;
}

/* Talking to the token endpoint ----------------------------------------- */

/* Posts a form (client authentication added) to url. */
static sgn_err
post_form(const struct sgn_oidc_ctx *c, const char *what, const char *url,
    struct sgn_buf *form, struct sgn_http_response *res,
    struct sgn_errbuf *eb)
{
	struct sgn_http_request req;
	struct sgn_buf cred, auth;
	char *b64 = NULL;
	sgn_err r;

	memset(res, 0, sizeof(*res));
	sgn_buf_init(&cred, 0);
	sgn_buf_init(&auth, 0);
	if ((r = sgn_oidc_form(form, "client_id", c->o.client_id, eb)) !=
	    SGN_OK)
		goto out;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers[req.n_headers++] =
	    "Content-Type: application/x-www-form-urlencoded";
	req.headers[req.n_headers++] = "Accept: application/json";
	if (c->o.client_secret != NULL) {
		/* RFC 6749 §2.3.1: both parts form-encoded first. */
		if ((r = sgn_oidc_pct(&cred, c->o.client_id, eb)) != SGN_OK ||
		    (r = sgn_buf_append(&cred, ":", 1, eb)) != SGN_OK ||
		    (r = sgn_oidc_pct(&cred, c->o.client_secret, eb)) !=
		    SGN_OK ||
		    (r = sgn_b64_encode(cred.ptr, cred.len, &b64, eb)) !=
		    SGN_OK ||
		    (r = sgn_buf_appendf(&auth, eb, "Authorization: Basic %s",
		    b64)) != SGN_OK)
			goto out;
		req.headers[req.n_headers++] = (const char *)auth.ptr;
	}
	req.body = form->ptr;
	req.body_len = form->len;
	r = sgn_http_do(c->http, what, &req, res, eb);
out:
	if (b64 != NULL) {
		sgn_memzero(b64, strlen(b64));
		free(b64);
	}
	sgn_buf_reset(&cred);
	sgn_buf_reset(&auth);
	return r;
}

/*
 * A token endpoint reply.  200: the id_token becomes *out.  An OAuth error
 * (RFC 6749 §5.2) leaves its code in code and its description in desc and
 * returns SGN_ERR_HTTP_STATUS without a message (the caller decides, the
 * device flow keeps polling on some).
 */
static sgn_err
token_reply(const struct sgn_oidc_ctx *c, struct sgn_http_response *res,
    const char *source, const char *audience, char *code, size_t codelen,
    char *desc, size_t desclen, struct sgn_oidc_token *out,
    struct sgn_errbuf *eb)
{
	const char *v, *e;
	cJSON *j = NULL;
	sgn_err r;

	code[0] = desc[0] = '\0';
	if (res->body.len > SGN_OIDC_MAX_REPLY)
		return sgn_errf(eb, SGN_ERR_LIMIT, "OIDC token reply larger "
		    "than %u bytes", SGN_OIDC_MAX_REPLY);
	if (res->status != 200) {
		if (res->body.ptr != NULL && sgn_json_parse(res->body.ptr,
		    res->body.len, "OIDC token reply", &j, NULL) == SGN_OK &&
		    sgn_json_get_string(j, "error", SGN_JSON_REQUIRED, "", &e,
		    NULL) == SGN_OK) {
			snprintf(code, codelen, "%s", e);
			if (sgn_json_get_string(j, "error_description",
			    SGN_JSON_OPTIONAL, "", &v, NULL) == SGN_OK &&
			    v != NULL)
				snprintf(desc, desclen, "%s", v);
		} else {
			sgn_http_error_text(res, desc, desclen);
		}
		sgn_oidc_json_wipe(j);
		cJSON_Delete(j);
		return SGN_ERR_HTTP_STATUS;
	}
	if ((r = sgn_json_parse(res->body.ptr, res->body.len,
	    "OIDC token reply", &j, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_json_get_string(j, "id_token", SGN_JSON_REQUIRED,
	    "OIDC token reply", &v, eb)) != SGN_OK)
		goto out;
	r = sgn_oidc_accept(c, v, strlen(v), source, audience, out, eb);
out:
	sgn_oidc_json_wipe(j);
	cJSON_Delete(j);
	return r;
}

/* The token is for this issuer and, when we sent one, this nonce. */
static sgn_err
check_token(const struct endpoints *ep, const char *nonce,
    const struct sgn_oidc_token *t, struct sgn_errbuf *eb)
{
	if (trimmed_len(t->issuer) != trimmed_len(ep->issuer) ||
	    strncmp(t->issuer, ep->issuer, trimmed_len(ep->issuer)) != 0)
		return sgn_errf(eb, SGN_ERR_POLICY, "identity token issuer is "
		    "\"%.128s\", not \"%.128s\"", t->issuer, ep->issuer);
	if (nonce == NULL)
		return SGN_OK;
	if (t->nonce == NULL || strlen(t->nonce) != strlen(nonce) ||
	    CRYPTO_memcmp(t->nonce, nonce, strlen(nonce)) != 0)
		return sgn_errf(eb, SGN_ERR_POLICY, "identity token nonce "
		    "does not match the sign-in request");
	return SGN_OK;
}

static const char *
interactive_audience(const struct sgn_oidc_ctx *c)
{
	return c->o.audience != NULL && c->o.audience[0] != '\0' ?
	    c->o.audience : c->o.client_id;
}

/* Exchanges an authorization code (RFC 6749 §4.1.3, RFC 7636 §4.5). */
static sgn_err
redeem(const struct sgn_oidc_ctx *c, const struct endpoints *ep,
    const struct pkce *p, const struct sgn_secret *code,
    const char *redirect_uri, const char *source,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	struct sgn_http_response res;
	struct sgn_buf form;
	char ecode[64], desc[160];
	sgn_err r;

	memset(&res, 0, sizeof(res));
	sgn_buf_init(&form, 0);
	if ((r = sgn_oidc_form(&form, "grant_type", "authorization_code",
	    eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&form, "code", (const char *)code->ptr,
	    eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&form, "redirect_uri", redirect_uri, eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&form, "code_verifier", p->verifier, eb)) !=
	    SGN_OK)
		goto out;
	if ((r = post_form(c, "OIDC token endpoint", ep->token, &form, &res,
	    eb)) != SGN_OK)
		goto out;
	r = token_reply(c, &res, source, interactive_audience(c), ecode,
	    sizeof(ecode), desc, sizeof(desc), out, eb);
	if (r == SGN_ERR_HTTP_STATUS) {
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "OIDC token endpoint: "
		    "HTTP %ld: %.64s%s%.160s", res.status,
		    ecode[0] != '\0' ? ecode : "error",
		    desc[0] != '\0' ? ": " : "", desc);
		goto out;
	}
	if (r != SGN_OK)
		goto out;
	if ((r = check_token(ep, p->nonce, out, eb)) != SGN_OK)
		sgn_oidc_token_reset(out);
out:
	sgn_http_response_reset(&res);
	sgn_buf_reset(&form);
	return r;
}

/* The authorization request URL (RFC 6749 §4.1.1, OIDC Core §3.1.2.1). */
static sgn_err
auth_url(const struct sgn_oidc_ctx *c, const struct endpoints *ep,
    const struct pkce *p, const char *redirect_uri, struct sgn_buf *u,
    struct sgn_errbuf *eb)
{
	struct sgn_buf q;
	sgn_err r;

	sgn_buf_init(&q, SGN_OIDC_MAX_URL);
	if ((r = sgn_oidc_form(&q, "response_type", "code", eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&q, "client_id", c->o.client_id, eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&q, "scope", SCOPE, eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&q, "redirect_uri", redirect_uri, eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&q, "code_challenge", p->challenge, eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&q, "code_challenge_method", "S256", eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&q, "state", p->state, eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&q, "nonce", p->nonce, eb)) != SGN_OK)
		goto out;
	sgn_buf_init(u, 2 * SGN_OIDC_MAX_URL);
	r = sgn_buf_appendf(u, eb, "%s%c%s", ep->auth,
	    strchr(ep->auth, '?') != NULL ? '&' : '?', (const char *)q.ptr);
out:
	sgn_buf_reset(&q);
	return r;
}

/* The loopback redirect server ------------------------------------------ */

struct lb_conn {
	int	 fd;
	size_t	 len;
	int64_t	 deadline;
	char	 buf[LB_MAX_REQ];
};

static void
lb_close(struct lb_conn *k)
{
	if (k->fd >= 0)
		close(k->fd);
	sgn_memzero(k->buf, k->len);
	k->fd = -1;
	k->len = 0;
}

static void
lb_reply(struct lb_conn *k, int status, const char *reason,
    const char *title, const char *text)
{
	char page[768], msg[1024];
	int n, m;

	n = snprintf(page, sizeof(page), "<!DOCTYPE html>\n<html><head>"
	    "<meta charset=\"utf-8\"><title>signet: %s</title></head>"
	    "<body><h1>%s</h1><p>%s</p></body></html>\n", title, title, text);
	if (n < 0 || (size_t)n >= sizeof(page))
		return;
	m = snprintf(msg, sizeof(msg), "HTTP/1.1 %d %s\r\nContent-Type: "
	    "text/html; charset=utf-8\r\nContent-Length: %d\r\n"
	    "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s", status,
	    reason, n, page);
	if (m < 0 || (size_t)m >= sizeof(msg))
		return;
	/* A short reply into an empty socket buffer: one send. */
	(void)send(k->fd, msg, (size_t)m, MSG_NOSIGNAL);
	(void)shutdown(k->fd, SHUT_WR);
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Percent-decodes (s, n) into out (outlen > n); -1 on a bad escape, a NUL
 * or a control character. */
static int
pct_decode(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i, k = 0;
	int hi, lo;
	unsigned char ch;

	if (outlen <= n)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				return -1;
			ch = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+') {
			ch = ' ';
		} else {
			ch = (unsigned char)s[i];
		}
		if (ch < 0x20 || ch == 0x7f)
			return -1;
		out[k++] = (char)ch;
	}
	out[k] = '\0';
	return 0;
}

/* What the redirect brought: the code, or an error. */
struct callback {
	struct sgn_secret	 code;
	char			 state[64];
	char			 error[64];
	char			 desc[160];
	int			 has_state;
};

static void
callback_reset(struct callback *cb)
{
	sgn_secret_reset(&cb->code);
	sgn_memzero(cb, sizeof(*cb));
}

/*
 * Parses the query of GET /auth/callback?code=...&state=... (or error=).
 * Returns 0, or -1 when malformed (a parameter twice, bad escapes).
 */
static int
parse_query(const char *q, size_t n, struct callback *cb)
{
	char val[LB_MAX_REQ];
	const char *p = q, *end = q + n, *amp, *eq;
	size_t klen, vlen;
	int rc = -1;

	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL)
			eq = amp;
		klen = (size_t)(eq - p);
		vlen = eq < amp ? (size_t)(amp - eq - 1) : 0;
		if (pct_decode(eq < amp ? eq + 1 : eq, vlen, val,
		    sizeof(val)) != 0)
			goto out;
		if (klen == 4 && memcmp(p, "code", 4) == 0) {
			if (cb->code.ptr != NULL || vlen > MAX_CODE ||
			    sgn_secret_set(&cb->code, val, strlen(val),
			    NULL) != SGN_OK)
				goto out;
		} else if (klen == 5 && memcmp(p, "state", 5) == 0) {
			if (cb->has_state || strlen(val) >= sizeof(cb->state))
				goto out;
			snprintf(cb->state, sizeof(cb->state), "%s", val);
			cb->has_state = 1;
		} else if (klen == 5 && memcmp(p, "error", 5) == 0) {
			if (cb->error[0] != '\0')
				goto out;
			snprintf(cb->error, sizeof(cb->error), "%s",
			    val[0] != '\0' ? val : "error");
		} else if (klen == 17 &&
		    memcmp(p, "error_description", 17) == 0) {
			snprintf(cb->desc, sizeof(cb->desc), "%s", val);
		}
		p = amp + 1;
	}
	rc = 0;
out:
	sgn_memzero(val, sizeof(val));
	return rc;
}

enum { LB_MORE, LB_IGNORED, LB_DONE };

/*
 * One complete request on k.  LB_IGNORED: answered, keep waiting (another
 * path, favicon).  LB_DONE: the callback; *r is the outcome and, on
 * success, cb->code the code.
 */
static int
lb_request(struct lb_conn *k, const char *state, struct callback *cb,
    sgn_err *r, struct sgn_errbuf *eb)
{
	const char *line = k->buf, *sp1, *sp2, *q, *eol;
	size_t plen;

	eol = memchr(line, '\n', k->len);
	if (eol == NULL || k->len < 4 || memcmp(line, "GET ", 4) != 0) {
		lb_reply(k, 405, "Method Not Allowed", "Not here",
		    "This server only takes the sign-in redirect.");
		return LB_IGNORED;
	}
	sp1 = line + 3;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (sp2 == NULL) {
		lb_reply(k, 400, "Bad Request", "Bad request", "");
		return LB_IGNORED;
	}
	q = memchr(sp1 + 1, '?', (size_t)(sp2 - sp1 - 1));
	plen = (size_t)((q != NULL ? q : sp2) - (sp1 + 1));
	if (plen != 14 || memcmp(sp1 + 1, "/auth/callback", 14) != 0) {
		lb_reply(k, 404, "Not Found", "Not found", "");
		return LB_IGNORED;
	}
	if (q == NULL || parse_query(q + 1, (size_t)(sp2 - q - 1), cb) != 0) {
		lb_reply(k, 400, "Bad Request", "Sign-in failed",
		    "The redirect was malformed.");
		*r = sgn_errf(eb, SGN_ERR_PARSE, "the sign-in redirect was "
		    "malformed");
		return LB_DONE;
	}
	/* RFC 6749 §10.12: the state binds the reply to our request. */
	if (!cb->has_state || strlen(cb->state) != strlen(state) ||
	    CRYPTO_memcmp(cb->state, state, strlen(state)) != 0) {
		lb_reply(k, 400, "Bad Request", "Sign-in failed",
		    "The reply does not belong to this sign-in.");
		*r = sgn_errf(eb, SGN_ERR_POLICY, "the sign-in redirect's "
		    "state does not match the request (a forged or stale "
		    "redirect)");
		return LB_DONE;
	}
	if (cb->error[0] != '\0') {
		lb_reply(k, 200, "OK", "Sign-in failed",
		    "You can close this window.");
		*r = sgn_errf(eb, SGN_ERR_POLICY, "sign-in failed: %.64s%s"
		    "%.160s", cb->error, cb->desc[0] != '\0' ? ": " : "",
		    cb->desc);
		return LB_DONE;
	}
	if (cb->code.ptr == NULL || cb->code.len == 0) {
		lb_reply(k, 400, "Bad Request", "Sign-in failed",
		    "The redirect carried no code.");
		*r = sgn_errf(eb, SGN_ERR_PARSE, "the sign-in redirect "
		    "carried no code");
		return LB_DONE;
	}
	lb_reply(k, 200, "OK", "Signed in",
	    "signet has your identity token. You can close this window.");
	*r = SGN_OK;
	return LB_DONE;
}

/* Reads what is there; returns LB_MORE, or LB_IGNORED when k is done. */
static int
lb_read(struct lb_conn *k, const char *state, struct callback *cb,
    sgn_err *r, struct sgn_errbuf *eb)
{
	ssize_t n;

	n = recv(k->fd, k->buf + k->len, sizeof(k->buf) - 1 - k->len, 0);
	if (n < 0 && (errno == EINTR || errno == EAGAIN ||
	    errno == EWOULDBLOCK))
		return LB_MORE;
	if (n <= 0)
		return LB_IGNORED;
	k->len += (size_t)n;
	k->buf[k->len] = '\0';
	/* The whole head (GET has no body), so that closing does not reset
	 * the connection under the browser. */
	if (strstr(k->buf, "\r\n\r\n") != NULL ||
	    strstr(k->buf, "\n\n") != NULL)
		return lb_request(k, state, cb, r, eb);
	if (k->len == sizeof(k->buf) - 1) {
		lb_reply(k, 431, "Request Header Fields Too Large",
		    "Request too large", "");
		return LB_IGNORED;
	}
	return LB_MORE;
}

static sgn_err
lb_open(int *fdp, int *portp, struct sgn_errbuf *eb)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int fd;

	*fdp = -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return sgn_errf(eb, SGN_ERR_IO, "socket: %s", strerror(errno));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fd, LB_MAX_CONN) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
		close(fd);
		return sgn_errf(eb, SGN_ERR_IO, "cannot listen on 127.0.0.1: "
		    "%s", strerror(errno));
	}
	*fdp = fd;
	*portp = ntohs(a.sin_port);
	return SGN_OK;
}

/* Serves the redirect until the callback comes or the time is up. */
static sgn_err
lb_wait(const struct sgn_oidc_ctx *c, int lfd, const char *state,
    struct sgn_secret *code, struct sgn_errbuf *eb)
{
	struct lb_conn *conns;
	struct pollfd pfd[LB_MAX_CONN + 1];
	struct callback cb;
	int64_t deadline, now, wait;
	size_t i, np;
	int fd, st, done = 0;
	sgn_err r = SGN_ERR_NETWORK;

	memset(&cb, 0, sizeof(cb));
	if ((conns = calloc(LB_MAX_CONN, sizeof(*conns))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i < LB_MAX_CONN; i++)
		conns[i].fd = -1;
	deadline = mono_ms() + (int64_t)c->o.timeout_s * 1000;
	while (!done) {
		now = mono_ms();
		if (now >= deadline) {
			r = sgn_errf(eb, SGN_ERR_NETWORK, "no sign-in within "
			    "%ld s", c->o.timeout_s);
			break;
		}
		wait = deadline - now;
		pfd[0].fd = lfd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		for (i = 0; i < LB_MAX_CONN; i++) {
			if (conns[i].fd >= 0 && conns[i].deadline <= now)
				lb_close(&conns[i]);
			pfd[i + 1].fd = conns[i].fd;
			pfd[i + 1].events = POLLIN;
			pfd[i + 1].revents = 0;
			if (conns[i].fd >= 0 && conns[i].deadline - now < wait)
				wait = conns[i].deadline - now;
		}
		np = LB_MAX_CONN + 1;
		if (poll(pfd, np, wait > INT_MAX ? INT_MAX : (int)wait) < 0) {
			if (errno == EINTR)
				continue;
			r = sgn_errf(eb, SGN_ERR_IO, "poll: %s",
			    strerror(errno));
			break;
		}
		for (i = 0; i < LB_MAX_CONN && !done; i++) {
			if (conns[i].fd < 0 || pfd[i + 1].revents == 0)
				continue;
			st = lb_read(&conns[i], state, &cb, &r, eb);
			if (st == LB_DONE)
				done = 1;
			if (st != LB_MORE)
				lb_close(&conns[i]);
		}
		if (done || (pfd[0].revents & POLLIN) == 0)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			continue;
		for (i = 0; i < LB_MAX_CONN && conns[i].fd >= 0; i++)
			;
		if (i == LB_MAX_CONN) {
			close(fd);	/* too many at once */
			continue;
		}
		conns[i].fd = fd;
		conns[i].len = 0;
		conns[i].deadline = mono_ms() + LB_CONN_MS;
	}
	if (done && r == SGN_OK) {
		*code = cb.code;
		memset(&cb.code, 0, sizeof(cb.code));
	}
	for (i = 0; i < LB_MAX_CONN; i++)
		lb_close(&conns[i]);
	free(conns);
	callback_reset(&cb);
	return r;
}

/* The flows ------------------------------------------------------------- */

static sgn_err
flow_code(const struct sgn_oidc_ctx *c, const struct endpoints *ep,
    const struct pkce *p, struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	struct sgn_secret code = { NULL, 0 };
	int (*opener)(void *, const char *);
	struct sgn_buf u;
	char redirect[128];
	int lfd = -1, port = 0, shown = 0;
	sgn_err r;

	sgn_buf_init(&u, 0);
	if (strcmp(c->o.redirect_host, "127.0.0.1") != 0 &&
	    strcmp(c->o.redirect_host, "localhost") != 0)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "the redirect "
		    "host must be 127.0.0.1 or localhost");
	if (c->ui->show_url == NULL && !c->o.have_browser)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "signing in "
		    "needs a way to show a URL or a browser");
	if ((r = lb_open(&lfd, &port, eb)) != SGN_OK)
		return r;
	snprintf(redirect, sizeof(redirect), "http://%s:%d/auth/callback",
	    c->o.redirect_host, port);
	if ((r = auth_url(c, ep, p, redirect, &u, eb)) != SGN_OK)
		goto out;
	if (c->ui->show_url != NULL) {
		c->ui->show_url(c->ui->ctx, (const char *)u.ptr, NULL);
		shown = 1;
	}
	if (c->o.have_browser) {
		opener = c->ui->open_browser != NULL ? c->ui->open_browser :
		    sgn_oidc_xdg_open;
		if (opener(c->ui->ctx, (const char *)u.ptr) == 0)
			shown = 1;
		else
			sgn_oidc_status(c, "could not open a browser");
	}
	if (!shown) {
		r = sgn_errf(eb, SGN_ERR_IO, "could not open a browser, and "
		    "there is no way to show the URL");
		goto out;
	}
	sgn_oidc_status(c, "waiting for the sign-in in the browser");
	if ((r = lb_wait(c, lfd, p->state, &code, eb)) != SGN_OK)
		goto out;
	close(lfd);
	lfd = -1;
	r = redeem(c, ep, p, &code, redirect, "interactive", out, eb);
out:
	if (lfd >= 0)
		close(lfd);
	sgn_secret_reset(&code);
	sgn_buf_reset(&u);
	return r;
}

static sgn_err
flow_oob(const struct sgn_oidc_ctx *c, const struct endpoints *ep,
    const struct pkce *p, struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	struct sgn_secret code = { NULL, 0 }, trimmed = { NULL, 0 };
	struct sgn_buf u;
	const uint8_t *s;
	size_t n, i;
	sgn_err r;

	if (c->ui->show_url == NULL || c->ui->read_code == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "the "
		    "out-of-band sign-in needs a way to show a URL and to "
		    "read a code");
	sgn_buf_init(&u, 0);
	if ((r = auth_url(c, ep, p, OOB_REDIRECT, &u, eb)) != SGN_OK)
		goto out;
	c->ui->show_url(c->ui->ctx, (const char *)u.ptr, NULL);
	if ((r = c->ui->read_code(c->ui->ctx, &code)) != SGN_OK) {
		r = sgn_errf(eb, r, "no authorization code was entered");
		goto out;
	}
	s = code.ptr;
	n = code.len;
	while (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' ||
	    s[0] == '\n')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n == 0 || n > MAX_CODE) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "the authorization code is "
		    "empty or too long");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e) {
			r = sgn_errf(eb, SGN_ERR_PARSE, "the authorization "
			    "code holds characters a code cannot have");
			goto out;
		}
	if ((r = sgn_secret_set(&trimmed, s, n, eb)) != SGN_OK)
		goto out;
	r = redeem(c, ep, p, &trimmed, OOB_REDIRECT, "oob", out, eb);
out:
	sgn_secret_reset(&code);
	sgn_secret_reset(&trimmed);
	sgn_buf_reset(&u);
	return r;
}

static sgn_err
flow_device(const struct sgn_oidc_ctx *c, const struct endpoints *ep,
    const struct pkce *p, struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	struct sgn_http_response res;
	struct sgn_buf form;
	struct sgn_secret device_code = { NULL, 0 };
	cJSON *j = NULL;
	const char *dc, *uc, *uri, *full;
	char user_code[72], show[SGN_OIDC_MAX_URL + 1], ecode[64], desc[160];
	char text[160];
	int64_t expires = 0, interval = 0, elapsed = 0;
	int have_interval = 0, polls;
	size_t i;
	sgn_err r;

	memset(&res, 0, sizeof(res));
	sgn_buf_init(&form, 0);
	if (ep->device == NULL)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "OIDC issuer %.128s "
		    "has no device authorization endpoint", ep->issuer);
	if (c->ui->show_url == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "the device "
		    "sign-in needs a way to show a URL and a code");
	/* RFC 8628 §3.1, with PKCE (REFERENCE §12.3). */
	if ((r = sgn_oidc_form(&form, "scope", SCOPE, eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&form, "code_challenge", p->challenge, eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&form, "code_challenge_method", "S256",
	    eb)) != SGN_OK)
		goto out;
	if ((r = post_form(c, "OIDC device authorization", ep->device, &form,
	    &res, eb)) != SGN_OK)
		goto out;
	if (res.status != 200) {
		sgn_http_error_text(&res, text, sizeof(text));
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "OIDC device "
		    "authorization: HTTP %ld%s%s", res.status,
		    text[0] != '\0' ? ": " : "", text);
		goto out;
	}
	if (res.body.len > SGN_OIDC_MAX_REPLY) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "OIDC device authorization "
		    "reply larger than %u bytes", SGN_OIDC_MAX_REPLY);
		goto out;
	}
	/* RFC 8628 §3.2. */
	if ((r = sgn_json_parse(res.body.ptr, res.body.len,
	    "OIDC device authorization", &j, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(j, "device_code", SGN_JSON_REQUIRED,
	    "OIDC device authorization", &dc, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(j, "user_code", SGN_JSON_REQUIRED,
	    "OIDC device authorization", &uc, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(j, "verification_uri", SGN_JSON_OPTIONAL,
	    "OIDC device authorization", &uri, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(j, "verification_uri_complete",
	    SGN_JSON_OPTIONAL, "OIDC device authorization", &full, eb)) !=
	    SGN_OK ||
	    (r = sgn_json_get_int64(j, "expires_in", SGN_JSON_REQUIRED,
	    "OIDC device authorization", &expires, NULL, eb)) != SGN_OK ||
	    (r = sgn_json_get_int64(j, "interval", SGN_JSON_OPTIONAL,
	    "OIDC device authorization", &interval, &have_interval, eb)) !=
	    SGN_OK)
		goto out;
	/* Google's pre-standard spelling. */
	if (uri == NULL && (r = sgn_json_get_string(j, "verification_url",
	    SGN_JSON_REQUIRED, "OIDC device authorization", &uri, eb)) !=
	    SGN_OK)
		goto out;
	if (strlen(uc) >= sizeof(user_code)) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "OIDC device authorization: "
		    "user code longer than %zu bytes", sizeof(user_code) - 1);
		goto out;
	}
	for (i = 0; uc[i] != '\0'; i++)
		if ((unsigned char)uc[i] < 0x20 || uc[i] == 0x7f) {
			r = sgn_errf(eb, SGN_ERR_PARSE, "OIDC device "
			    "authorization: user code holds control "
			    "characters");
			goto out;
		}
	if (full != NULL && !sgn_oidc_url_ok(full))
		full = NULL;
	if (!sgn_oidc_url_ok(uri)) {
		r = sgn_errf(eb, SGN_ERR_POLICY, "OIDC device authorization: "
		    "verification URI is not an https URL");
		goto out;
	}
	if (expires <= 0) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "OIDC device authorization: "
		    "expires_in is not positive");
		goto out;
	}
	if (!have_interval || interval <= 0)
		interval = 5;		/* RFC 8628 §3.2 */
	if (interval > 300)
		interval = 300;
	if (expires > 3600)
		expires = 3600;
	if ((r = sgn_secret_set(&device_code, dc, strlen(dc), eb)) != SGN_OK)
		goto out;
	snprintf(user_code, sizeof(user_code), "%s", uc);
	snprintf(show, sizeof(show), "%s", full != NULL ? full : uri);
	sgn_oidc_json_wipe(j);
	cJSON_Delete(j);
	j = NULL;
	sgn_http_response_reset(&res);

	c->ui->show_url(c->ui->ctx, show, user_code);
	sgn_oidc_status(c, "waiting for the sign-in on the other device");
	for (polls = 0; polls < MAX_POLLS; polls++) {
		if (elapsed + interval > expires) {
			r = sgn_errf(eb, SGN_ERR_POLICY, "the device sign-in "
			    "was not completed within %lld s",
			    (long long)expires);
			goto out;
		}
		sgn_oidc_sleep(c, (long)interval * 1000);
		elapsed += interval;
		/* RFC 8628 §3.4. */
		sgn_buf_reset(&form);
		if ((r = sgn_oidc_form(&form, "grant_type", DEVICE_GRANT,
		    eb)) != SGN_OK ||
		    (r = sgn_oidc_form(&form, "device_code",
		    (const char *)device_code.ptr, eb)) != SGN_OK ||
		    (r = sgn_oidc_form(&form, "code_verifier", p->verifier,
		    eb)) != SGN_OK)
			goto out;
		sgn_http_response_reset(&res);
		if ((r = post_form(c, "OIDC token endpoint", ep->token, &form,
		    &res, eb)) != SGN_OK)
			goto out;
		r = token_reply(c, &res, "device", interactive_audience(c),
		    ecode, sizeof(ecode), desc, sizeof(desc), out, eb);
		if (r == SGN_OK) {
			if ((r = check_token(ep, NULL, out, eb)) != SGN_OK)
				sgn_oidc_token_reset(out);
			goto out;
		}
		if (r != SGN_ERR_HTTP_STATUS)
			goto out;
		/* RFC 8628 §3.5. */
		if (strcmp(ecode, "authorization_pending") == 0)
			continue;
		if (strcmp(ecode, "slow_down") == 0) {
			interval += 5;
			if (interval > 300)
				interval = 300;
			continue;
		}
		if (strcmp(ecode, "access_denied") == 0) {
			r = sgn_errf(eb, SGN_ERR_POLICY, "the device sign-in "
			    "was denied");
			goto out;
		}
		if (strcmp(ecode, "expired_token") == 0) {
			r = sgn_errf(eb, SGN_ERR_POLICY, "the device sign-in "
			    "expired before it was completed");
			goto out;
		}
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "OIDC token endpoint: "
		    "HTTP %ld: %.64s%s%.160s", res.status,
		    ecode[0] != '\0' ? ecode : "error",
		    desc[0] != '\0' ? ": " : "", desc);
		goto out;
	}
	r = sgn_errf(eb, SGN_ERR_POLICY, "the device sign-in was not "
	    "completed after %d polls", MAX_POLLS);
out:
	sgn_oidc_json_wipe(j);
	cJSON_Delete(j);
	sgn_http_response_reset(&res);
	sgn_buf_reset(&form);
	sgn_secret_reset(&device_code);
	return r;
}

sgn_err
sgn_oidc_interactive(const struct sgn_oidc_ctx *c, enum sgn_oidc_flow flow,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	struct endpoints ep;
	struct pkce p;
	sgn_err r = SGN_ERR_INTERNAL;

	memset(&ep, 0, sizeof(ep));
	memset(&p, 0, sizeof(p));
	if ((r = discover(c, &ep, eb)) != SGN_OK)
		goto out;
	if ((r = pkce_new(&p, eb)) != SGN_OK)
		goto out;
	switch (flow) {
	case SGN_OIDC_FLOW_CODE:
		r = flow_code(c, &ep, &p, out, eb);
		break;
	case SGN_OIDC_FLOW_OOB:
		r = flow_oob(c, &ep, &p, out, eb);
		break;
	case SGN_OIDC_FLOW_DEVICE:
		r = flow_device(c, &ep, &p, out, eb);
		break;
	}
out:
	sgn_memzero(&p, sizeof(p));
	endpoints_reset(&ep);
	return r;
}
