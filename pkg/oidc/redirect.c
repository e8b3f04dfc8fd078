/*
 * The loopback redirect server of the authorization code flow (RFC 8252
 * §7.3): a one-shot HTTP server on 127.0.0.1, ephemeral port, that
 * answers only GET /auth/callback, whose state must be the request's
 * (RFC 6749 §10.12).  Requests are capped (LB_MAX_REQ bytes, LB_MAX_CONN
 * at once, LB_CONN_MS each).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core_int.h"
#include "oidc_int.h"

#define LB_MAX_REQ	8192	/* bytes of one request to the redirect */
#define LB_MAX_CONN	8	/* connections served at once */
#define LB_CONN_MS	10000	/* to send a request, once connected */

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
			if (i + 2 >= n ||
			    (hi = sgn_hex_digit((unsigned char)s[i + 1])) < 0 ||
			    (lo = sgn_hex_digit((unsigned char)s[i + 2])) < 0)
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
			if (cb->code.ptr != NULL || vlen > SGN_OIDC_MAX_CODE ||
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

sgn_err
sgn_oidc_lb_open(int *fdp, int *portp, struct sgn_errbuf *eb)
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
sgn_err
sgn_oidc_lb_wait(const struct sgn_oidc_ctx *c, int lfd, const char *state,
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

int
sgn_oidc_redirect_request(int fd, const char *req, size_t len,
    const char *state, sgn_err *r, struct sgn_errbuf *eb)
{
	struct lb_conn	*k;
	struct callback	 cb;
	int		 st;

	memset(&cb, 0, sizeof(cb));
	*r = SGN_ERR_INTERNAL;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		*r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		return 1;
	}
	k->fd = fd;
	k->len = len < sizeof(k->buf) - 1 ? len : sizeof(k->buf) - 1;
	memcpy(k->buf, req, k->len);
	k->buf[k->len] = '\0';
	st = lb_request(k, state, &cb, r, eb);
	k->fd = -1;	/* the caller's */
	lb_close(k);
	free(k);
	callback_reset(&cb);
	return st == LB_DONE;
}

