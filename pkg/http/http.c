/*
 * HTTP client: policy (URLs, caps, retries) over a transport, by default
 * libcurl loaded on demand.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/rand.h>

#include "core_int.h"
#include "http_int.h"

struct sgn_http {
	struct sgn_http_opts	 o;
	sgn_http_transport	 transport;
	void			*transport_ctx;
	sgn_http_sleep		 sleep;
	void			*sleep_ctx;
};

/* libcurl, loaded once (pkg/core's loader) ---------------------------- */

static struct sgn_curl_api curl;

#define CURL_SYM(field, name)	{ name, &curl.field }
static const struct sgn_dl_sym curl_syms[] = {
	CURL_SYM(global_init, "curl_global_init"),
	CURL_SYM(version_info, "curl_version_info"),
	CURL_SYM(easy_init, "curl_easy_init"),
	CURL_SYM(easy_setopt, "curl_easy_setopt"),
	CURL_SYM(easy_perform, "curl_easy_perform"),
	CURL_SYM(easy_getinfo, "curl_easy_getinfo"),
	CURL_SYM(easy_cleanup, "curl_easy_cleanup"),
	CURL_SYM(easy_strerror, "curl_easy_strerror"),
	CURL_SYM(slist_append, "curl_slist_append"),
	CURL_SYM(slist_free_all, "curl_slist_free_all"),
	CURL_SYM(url, "curl_url"),
	CURL_SYM(url_set, "curl_url_set"),
	CURL_SYM(url_get, "curl_url_get"),
	CURL_SYM(url_cleanup, "curl_url_cleanup"),
	CURL_SYM(free, "curl_free"),
};
#undef CURL_SYM

/* libcurl's ABI 4 only: no unversioned libcurl.so (a development
 * symlink), no libcurl-gnutls (another TLS, another CA store). */
static const char *const curl_sonames[] = { "libcurl.so.4", NULL };

sgn_err
sgn_http_curl_check(const struct sgn_curl_api *api, struct sgn_errbuf *eb)
{
	const curl_version_info_data *v;

	if ((v = api->version_info(CURLVERSION_NOW)) == NULL)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "libcurl does not "
		    "say its version: signet needs libcurl "
		    SGN_HTTP_CURL_MIN_STR " or later");
	if (v->version_num < SGN_HTTP_CURL_MIN)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "libcurl %.40s is too "
		    "old: signet needs libcurl " SGN_HTTP_CURL_MIN_STR " or "
		    "later (for its https-only rule, CURLOPT_PROTOCOLS_STR)",
		    v->version != NULL ? v->version : "(unknown)");
	if ((v->features & CURL_VERSION_SSL) == 0)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "libcurl %.40s has no "
		    "TLS: signet needs https", v->version != NULL ?
		    v->version : "(unknown)");
	return SGN_OK;
}

static sgn_err
curl_init(struct sgn_errbuf *eb)
{
	sgn_err r;

	if ((r = sgn_http_curl_check(&curl, eb)) != SGN_OK)
		return r;
	if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "libcurl "
		    "initialisation failed");
	return SGN_OK;
}

static struct sgn_dl_lib curl_lib = {
	.what = "libcurl",
	.sonames = curl_sonames,
	.package = "libcurl4",
	.syms = curl_syms,
	.nsyms = sizeof(curl_syms) / sizeof(curl_syms[0]),
	.init = curl_init,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

struct sink {
	struct sgn_http_response	*res;
	size_t				 max;
	int				 over;
};

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	size_t len = size * n;

	if (sgn_buf_append(&s->res->body, p, len, NULL) != SGN_OK) {
		s->over = 1;
		return 0;	/* aborts the transfer */
	}
	return len;
}

static void
copy_header_value(const char *line, size_t len, size_t name_len, char *out,
    size_t outlen)
{
	size_t i = name_len, k = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (len > i && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
	    line[len - 1] == ' '))
		len--;
	for (; i < len && k + 1 < outlen; i++)
		out[k++] = (char)(isprint((unsigned char)line[i]) ?
		    line[i] : '?');
	out[k] = '\0';
}

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	size_t len = size * n;
	char tmp[32];

	if (len >= 9 && strncasecmp(p, "Location:", 9) == 0)
		copy_header_value(p, len, 9, s->res->location,
		    sizeof(s->res->location));
	else if (len >= 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		copy_header_value(p, len, 12, tmp, sizeof(tmp));
		s->res->retry_after = strtol(tmp, NULL, 10);
		if (s->res->retry_after < 0)
			s->res->retry_after = 0;
	}
	return len;
}

/* The URL policy ---------------------------------------------------------- */

/*
 * The host as libcurl parsed it is a loopback host: localhost (any case,
 * as the resolver takes it), 127.0.0.0/8 in the dotted form libcurl
 * normalises every IPv4 spelling to (0x7f.1, 2130706433, 127.1), or the
 * IPv6 loopback [::1] however it is spelt.  Not ::ffff:127.0.0.1 or
 * other mapped forms: no testbed needs them.
 */
static int
is_loopback_host(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char tmp[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof(tmp))
			return 0;
		memcpy(tmp, host + 1, n - 2);
		tmp[n - 2] = '\0';
		return inet_pton(AF_INET6, tmp, &a6) == 1 &&
		    IN6_IS_ADDR_LOOPBACK(&a6);
	}
	if (inet_pton(AF_INET, host, &a4) != 1 ||
	    inet_ntop(AF_INET, &a4, tmp, sizeof(tmp)) == NULL ||
	    strcmp(tmp, host) != 0)
		return 0;
	return ((const unsigned char *)&a4.s_addr)[0] == 127;
}

static int
is_metadata_host(const char *host)
{
	return strcasecmp(host, "metadata.google.internal") == 0 ||
	    strcmp(host, "169.254.169.254") == 0;
}

/* A URL as messages show it: not when it holds an '@' (a password may
 * come before it). */
static const char *
shown(const char *url)
{
	return strchr(url, '@') != NULL ? "(not shown: it may hold a "
	    "password)" : url;
}

static sgn_err
refuse_plain(const char *url, struct sgn_errbuf *eb)
{
	return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "refusing %.200s: "
	    "https only (plain http to loopback only)", shown(url));
}

/* Fills *https with whether the URL is https when SGN_OK. */
static sgn_err
url_check(const char *url, int metadata, int *https, struct sgn_errbuf *eb)
{
	struct sgn_errbuf lerr;
	CURLU *u = NULL;
	CURLUcode uc;
	char *scheme = NULL, *host = NULL, *user = NULL, *pass = NULL;
	char *zone = NULL, *port = NULL;
	size_t i, n;
	sgn_err r = SGN_ERR_INVALID_ARGUMENT;

	*https = 0;
	if (url == NULL)
		return sgn_errf(eb, r, "no URL");
	if ((n = strnlen(url, SGN_HTTP_MAX_URL + 1)) > SGN_HTTP_MAX_URL)
		return sgn_errf(eb, SGN_ERR_LIMIT, "URL longer than %u bytes",
		    SGN_HTTP_MAX_URL);
	/*
	 * What no service URL holds and parsers disagree on: browsers read
	 * a backslash as a slash, libcurl as part of a user name.  The URL
	 * is not echoed: it is not printable.
	 */
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)url[i];
		if (ch <= 0x20 || ch >= 0x7f || ch == '\\')
			return sgn_errf(eb, r, "refusing a URL with a space, "
			    "a control character, a backslash or a "
			    "non-ASCII byte in it");
	}
	/* scheme://host, strictly: libcurl also takes "http:/host" and
	 * "https:///host". */
	i = strspn(url, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (i == 0 || strncmp(url + i, "://", 3) != 0 || url[i + 3] == '/')
		return sgn_errf(eb, r, "not an absolute http(s) URL: %.200s",
		    shown(url));
	/* The parser libcurl will connect with, loaded even when nothing
	 * has been sent yet. */
	sgn_errbuf_clear(&lerr);
	if (sgn_dl_load(&curl_lib, &lerr) != SGN_OK)
		return sgn_errf(eb, SGN_ERR_NETWORK, "cannot check URL: %s",
		    lerr.msg);
	if ((u = curl.url()) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	uc = curl.url_set(u, CURLUPART_URL, url, CURLU_DISALLOW_USER);
	/* Userinfo, even an empty "@", hides the host from a reader: a
	 * service URL never needs it.  The URL may hold a password: not
	 * echoed. */
	if (uc == CURLUE_USER_NOT_ALLOWED ||
	    (uc == CURLUE_OK &&
	    (curl.url_get(u, CURLUPART_USER, &user, 0) != CURLUE_NO_USER ||
	    curl.url_get(u, CURLUPART_PASSWORD, &pass, 0) !=
	    CURLUE_NO_PASSWORD))) {
		r = sgn_errf(eb, r, "refusing a URL with a user name or "
		    "password in it (userinfo before the host)");
		goto out;
	}
	if (uc != CURLUE_OK ||
	    curl.url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		r = sgn_errf(eb, r, "bad URL: %.200s", shown(url));
		goto out;
	}
	if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
		r = refuse_plain(url, eb);
		goto out;
	}
	if (curl.url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    host[0] == '\0') {
		r = sgn_errf(eb, r, "bad URL: %.200s", shown(url));
		goto out;
	}
	if (strcmp(scheme, "https") == 0) {
		*https = 1;
		r = SGN_OK;
		goto out;
	}
	if (curl.url_get(u, CURLUPART_ZONEID, &zone, 0) == CURLUE_NO_ZONEID) {
		if (is_loopback_host(host) || (metadata &&
		    is_metadata_host(host) &&
		    curl.url_get(u, CURLUPART_PORT, &port, 0) ==
		    CURLUE_NO_PORT)) {
			r = SGN_OK;
			goto out;
		}
	}
	r = refuse_plain(url, eb);
out:
	curl.free(scheme);
	curl.free(host);
	curl.free(user);
	curl.free(pass);
	curl.free(zone);
	curl.free(port);
	curl.url_cleanup(u);
	return r;
}

sgn_err
sgn_http_url_check(const char *url, int metadata, struct sgn_errbuf *eb)
{
	int https;

	return url_check(url, metadata, &https, eb);
}

int
sgn_http_url_allowed(const char *url, int metadata)
{
	return sgn_http_url_check(url, metadata, NULL) == SGN_OK;
}

/* Sets an option, or ends the exchange: nothing is sent with a rule
 * dropped. */
#define SETOPT(opt, val) do { \
	if ((cc = api->easy_setopt(c, opt, val)) != CURLE_OK) { \
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "libcurl refused " \
		    #opt " (%s): signet needs libcurl " SGN_HTTP_CURL_MIN_STR \
		    " or later, built with https", api->easy_strerror(cc)); \
		goto out; \
	} \
} while (0)

sgn_err
sgn_http_curl_exchange(const struct sgn_curl_api *api,
    const struct sgn_http_opts *o, const struct sgn_http_request *req,
    int https, struct sgn_http_response *res, size_t max_body,
    long timeout_ms, struct sgn_errbuf *eb)
{
	struct curl_slist *hdrs = NULL, *t;
	struct sink sink;
	char errbuf[CURL_ERROR_SIZE];
	CURL *c = NULL;
	CURLcode cc;
	char *ct = NULL;
	size_t i;
	sgn_err r = SGN_ERR_NETWORK;

	if (strcmp(req->method, "POST") != 0 &&
	    strcmp(req->method, "GET") != 0)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "bad HTTP method");
	if ((c = api->easy_init()) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "cannot start libcurl");
	for (i = 0; i < req->n_headers; i++) {
		if ((t = api->slist_append(hdrs, req->headers[i])) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		hdrs = t;
	}
	memset(&sink, 0, sizeof(sink));
	sink.res = res;
	sink.max = max_body;
	sgn_buf_init(&res->body, max_body);
	errbuf[0] = '\0';
	SETOPT(CURLOPT_URL, req->url);
	SETOPT(CURLOPT_PROTOCOLS_STR, https ? "https" : "http");
	/* Plain http goes straight to the loopback (or metadata) host it
	 * names: through http_proxy or ALL_PROXY, the proxy would read
	 * the bearer tokens in clear text. */
	if (!https)
		SETOPT(CURLOPT_PROXY, "");
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_TIMEOUT_MS, timeout_ms);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	SETOPT(CURLOPT_ERRORBUFFER, errbuf);
	SETOPT(CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(CURLOPT_WRITEDATA, &sink);
	SETOPT(CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(CURLOPT_HEADERDATA, &sink);
	SETOPT(CURLOPT_HTTPHEADER, hdrs);
	SETOPT(CURLOPT_USERAGENT, o->user_agent != NULL ? o->user_agent :
	    "signet/" SGN_VERSION);
	SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_body);
	if (o->ca_bundle != NULL)
		SETOPT(CURLOPT_CAINFO, o->ca_bundle);
	if (strcmp(req->method, "POST") == 0) {
		SETOPT(CURLOPT_POST, 1L);
		SETOPT(CURLOPT_POSTFIELDS, req->body != NULL ?
		    (const char *)req->body : "");
		SETOPT(CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len);
	}
	cc = api->easy_perform(c);
	if (sink.over || cc == CURLE_FILESIZE_EXCEEDED) {
		r = sgn_errf(eb, SGN_ERR_LIMIT,
		    "reply larger than %zu bytes", max_body);
		goto out;
	}
	if (cc != CURLE_OK) {
		r = sgn_errf(eb, SGN_ERR_NETWORK, "%s", errbuf[0] != '\0' ?
		    errbuf : api->easy_strerror(cc));
		goto out;
	}
	if (api->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status) !=
	    CURLE_OK) {
		r = sgn_errf(eb, SGN_ERR_NETWORK, "no HTTP status");
		goto out;
	}
	if (api->easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
	    ct != NULL)
		snprintf(res->content_type, sizeof(res->content_type), "%s",
		    ct);
	r = SGN_OK;
out:
	api->slist_free_all(hdrs);
	api->easy_cleanup(c);
	return r;
}

#undef SETOPT

static sgn_err
curl_transport(void *ctx, const struct sgn_http_request *req,
    struct sgn_http_response *res, size_t max_body, long timeout_ms,
    struct sgn_errbuf *eb)
{
	int https;
	sgn_err r;

	/* Again here (it loads libcurl): a transport never sends to a URL
	 * the policy refuses, and the protocol is the scheme as parsed. */
	if ((r = url_check(req->url, req->metadata, &https, eb)) != SGN_OK)
		return r;
	return sgn_http_curl_exchange(&curl, ctx, req, https, res, max_body,
	    timeout_ms, eb);
}

/* The client ------------------------------------------------------------- */

static void
real_sleep(void *ctx, long ms)
{
	struct timespec ts;

	(void)ctx;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	/* only a signal resumes the wait: EINVAL would loop for ever */
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

sgn_err
sgn_http_new(const struct sgn_http_opts *opts, struct sgn_http **out,
    struct sgn_errbuf *eb)
{
	struct sgn_http *h;

	*out = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (opts != NULL)
		h->o = *opts;
	if (h->o.timeout_ms <= 0)
		h->o.timeout_ms = 30000;
	if (h->o.connect_timeout_ms <= 0)
		h->o.connect_timeout_ms = 10000;
	if (h->o.max_attempts <= 0)
		h->o.max_attempts = 4;
	if (h->o.max_attempts > 10)
		h->o.max_attempts = 10;
	if (h->o.backoff_ms <= 0)
		h->o.backoff_ms = 500;
	if (h->o.max_backoff_ms <= 0)
		h->o.max_backoff_ms = 8000;
	if (h->o.max_body == 0 || h->o.max_body > 64u * 1024 * 1024)
		h->o.max_body = SGN_HTTP_MAX_BODY;
	h->transport = curl_transport;
	h->transport_ctx = &h->o;
	h->sleep = real_sleep;
	*out = h;
	return SGN_OK;
}

void
sgn_http_free(struct sgn_http **hp)
{
	if (hp == NULL || *hp == NULL)
		return;
	free(*hp);
	*hp = NULL;
}

void
sgn_http_set_transport(struct sgn_http *h, sgn_http_transport fn, void *ctx)
{
	h->transport = fn;
	h->transport_ctx = ctx;
}

void
sgn_http_set_sleep(struct sgn_http *h, sgn_http_sleep fn, void *ctx)
{
	h->sleep = fn;
	h->sleep_ctx = ctx;
}

void
sgn_http_response_reset(struct sgn_http_response *r)
{
	sgn_buf_reset(&r->body);
	memset(r, 0, sizeof(*r));
}

static int
retryable(long status)
{
	return status == 429 || status == 500 || status == 502 ||
	    status == 503 || status == 504;
}

/* Full jitter: a random wait in [base/2, base]. */
static long
jittered(long base)
{
	uint32_t rnd = 0;

	if (RAND_bytes((unsigned char *)&rnd, sizeof(rnd)) != 1)
		rnd = 0;
	return base / 2 + (long)(rnd % (uint32_t)(base / 2 + 1));
}

sgn_err
sgn_http_do(struct sgn_http *h, const char *what,
    const struct sgn_http_request *req, struct sgn_http_response *res,
    struct sgn_errbuf *eb)
{
	struct sgn_errbuf tmp;
	long wait = h->o.backoff_ms;
	int attempt;
	sgn_err r = SGN_ERR_NETWORK;

	memset(res, 0, sizeof(*res));
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_http_url_check(req->url, req->metadata, &tmp)) != SGN_OK)
		return sgn_errf(eb, r, "%s: %s", what, tmp.msg);
	for (attempt = 1; attempt <= h->o.max_attempts; attempt++) {
		sgn_http_response_reset(res);
		sgn_errbuf_clear(&tmp);
		r = h->transport(h->transport_ctx, req, res, h->o.max_body,
		    h->o.timeout_ms, &tmp);
		if (r == SGN_OK && !retryable(res->status))
			return SGN_OK;
		if (r != SGN_OK && r != SGN_ERR_NETWORK) {
			sgn_http_response_reset(res);
			return sgn_errf(eb, r, "%s: %s", what, tmp.msg);
		}
		if (attempt == h->o.max_attempts)
			break;
		if (r == SGN_OK && res->retry_after > 0)
			h->sleep(h->sleep_ctx, res->retry_after > 60 ? 60000 :
			    res->retry_after * 1000);
		else
			h->sleep(h->sleep_ctx, jittered(wait));
		wait = wait * 2 > h->o.max_backoff_ms ? h->o.max_backoff_ms :
		    wait * 2;
	}
	/* Still 429/5xx after the retries: the caller reports it. */
	if (r == SGN_OK)
		return SGN_OK;
	sgn_http_response_reset(res);
	return sgn_errf(eb, SGN_ERR_NETWORK, "%s: %s (after %d attempts)",
	    what, tmp.msg, h->o.max_attempts);
}

void
sgn_http_error_text(const struct sgn_http_response *res, char *out,
    size_t outlen)
{
	const char *p = (const char *)res->body.ptr, *m;
	size_t n = res->body.len, k = 0, i;

	out[0] = '\0';
	if (p == NULL || outlen == 0)
		return;
	/* {"code": 3, "message": "..."}: take the message. */
	if ((m = strstr(p, "\"message\"")) != NULL &&
	    (m = strchr(m + 9, '"')) != NULL) {
		p = m + 1;
		n = strcspn(p, "\"");
	}
	for (i = 0; i < n && k + 1 < outlen; i++) {
		unsigned char ch = (unsigned char)p[i];
		out[k++] = (char)(ch >= 0x20 && ch < 0x7f ? ch : ' ');
	}
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
}
