/*
 * Unit tests for pkg/http: URL policy, retries with backoff, caps, error
 * text, through a canned transport and through libcurl against a server
 * on 127.0.0.1 started by the test.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "http.h"
#include "http_int.h"
#include "testutil.h"

Test(http, allows_https_and_loopback_http_only)
{
	cr_assert(sgn_http_url_allowed("https://fulcio.sigstore.dev/api", 0));
	cr_assert(sgn_http_url_allowed("http://127.0.0.1:8080/x", 0));
	cr_assert(sgn_http_url_allowed("http://127.1.2.3/x", 0));
	cr_assert(sgn_http_url_allowed("http://localhost:9/x", 0));
	cr_assert(sgn_http_url_allowed("http://[::1]:80/x", 0));
	cr_assert(!sgn_http_url_allowed("http://example.com/x", 0));
	cr_assert(!sgn_http_url_allowed("http://127.0.0.1.evil.com/x", 0));
	cr_assert(!sgn_http_url_allowed("http://localhost.evil.com/x", 0));
	cr_assert(!sgn_http_url_allowed("http://10.0.0.1/x", 0));
	cr_assert(!sgn_http_url_allowed("ftp://127.0.0.1/x", 0));
	cr_assert(!sgn_http_url_allowed("file:///etc/passwd", 0));
	cr_assert(!sgn_http_url_allowed("https://", 0));
	cr_assert(!sgn_http_url_allowed(NULL, 0));
	cr_assert(!sgn_http_url_allowed("http://169.254.169.254/x", 0));
	cr_assert(sgn_http_url_allowed("http://169.254.169.254/x", 1));
	cr_assert(sgn_http_url_allowed("http://metadata.google.internal/c",
	    1));
	cr_assert(!sgn_http_url_allowed("http://metadata.google.internal.x/",
	    1));
}

/* sgn_http_url_check refuses url with a message that holds want. */
static void
refused(const char *url, int metadata, const char *want)
{
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_url_check(url, metadata, &eb),
	    SGN_ERR_INVALID_ARGUMENT, "%s allowed", url);
	cr_assert(tu_has(eb.msg, want), "%s: %s", url, eb.msg);
	cr_assert(!sgn_http_url_allowed(url, metadata), "%s", url);
}

Test(http, refuses_a_user_name_or_password_that_hides_the_host)
{
	static const char *const urls[] = {
		"http://localhost:80@evil.example/",
		"http://[::1]:@evil.example/",
		"http://127.0.0.1@evil.example",
		"http://127.0.0.1:8080@evil.example:8080/x",
		"http://user:pw@localhost/",
		"http://@localhost/",
		"http://:@localhost/",
		"https://user@host/",
		"https://user:secret@fulcio.sigstore.dev/",
		"HTTP://localhost:80@evil.example/",
		"http://localhost%3a80@evil.example/",
	};
	struct sgn_errbuf eb;
	size_t i;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		refused(urls[i], 0, "user name or password");
		refused(urls[i], 1, "user name or password");
	}
	/* The password is not echoed, even when the URL is bad anyway. */
	sgn_errbuf_clear(&eb);
	cr_assert_neq(sgn_http_url_check("https://u:secret@h/", 0, &eb),
	    SGN_OK);
	cr_assert(!tu_has(eb.msg, "secret"), "%s", eb.msg);
	sgn_errbuf_clear(&eb);
	cr_assert_neq(sgn_http_url_check("http:/u:secret@h/", 0, &eb),
	    SGN_OK);
	cr_assert(!tu_has(eb.msg, "secret"), "%s", eb.msg);
	sgn_errbuf_clear(&eb);
	cr_assert_neq(sgn_http_url_check("https://u:secret@h:x/", 0, &eb),
	    SGN_OK);
	cr_assert(!tu_has(eb.msg, "secret"), "%s", eb.msg);
}

Test(http, refuses_hosts_that_only_look_like_loopback)
{
	refused("http://localhost.evil.example/", 0, "https only");
	refused("http://127.0.0.1.nip.io/", 0, "https only");
	refused("http://127.0.0.1.evil.example:80/", 0, "https only");
	refused("http://evil.example#@localhost/", 0, "https only");
	refused("http://evil.example?@localhost/", 0, "https only");
	refused("http://evil.example/@localhost/", 0, "https only");
	refused("http://[::ffff:127.0.0.1]/", 0, "https only");
	refused("http://[::1%25lo]/", 0, "https only");
	refused("http://localhost./", 0, "https only");
	refused("http://localhost%2e/", 0, "https only");
	refused("http://0.0.0.0/", 0, "https only");
	refused("http://[::]/", 0, "https only");
	refused("http://128.0.0.1/", 0, "https only");
	refused("http://169.254.169.254/", 0, "https only");
	refused("http://169.254.169.254:8080/", 1, "https only");
	refused("http://metadata.google.internal.evil.example/", 1,
	    "https only");
}

Test(http, refuses_what_parsers_read_differently)
{
	/* a browser reads "\\" as "/": host localhost; libcurl: user */
	refused("http://evil.example\\@localhost/", 0, "backslash");
	refused("http://localhost\\.evil.example/", 0, "backslash");
	refused("https://host/a\\b", 0, "backslash");
	refused("http://local host/", 0, "space");
	refused("http://localhost /", 0, "space");
	refused(" http://localhost/", 0, "space");
	refused("http://localhost\t/", 0, "control character");
	refused("http://localhost\r\n.evil.example/", 0, "control");
	refused("http://localhost\x7f/", 0, "control");
	refused("http://l\xc3\xb6" "calhost/", 0, "non-ASCII");
	/* libcurl takes these; a service URL is scheme://host */
	refused("http:/localhost/", 0, "not an absolute");
	refused("https:///evil.example/", 0, "not an absolute");
	refused("http:localhost", 0, "not an absolute");
	refused("localhost/x", 0, "not an absolute");
	refused("//localhost/x", 0, "not an absolute");
	refused("", 0, "not an absolute");
	refused("https://:443/", 0, "bad URL");
	refused("ftp://127.0.0.1/x", 0, "https only");
	refused("file://localhost/etc/passwd", 0, "https only");
}

Test(http, takes_the_host_as_libcurl_normalises_it)
{
	/* libcurl connects to 127.0.0.1 for each of these (the server test
	 * below shows it for one): allowing them is safe. */
	cr_assert(sgn_http_url_allowed("http://0x7f.0.0.1/", 0));
	cr_assert(sgn_http_url_allowed("http://2130706433/", 0));
	cr_assert(sgn_http_url_allowed("http://127.1/", 0));
	cr_assert(sgn_http_url_allowed("http://0177.0.0.1/", 0));
	cr_assert(sgn_http_url_allowed("http://[0:0:0:0:0:0:0:1]:8/", 0));
	cr_assert(sgn_http_url_allowed("HTTP://LOCALHOST/", 0));
	cr_assert(sgn_http_url_allowed("http://%6cocalhost/", 0));
	cr_assert(sgn_http_url_allowed("HTTPS://fulcio.sigstore.dev/", 0));
	/* ... and 10.0.0.1 however it is spelt stays remote */
	refused("http://0x0a.0.0.1/", 0, "https only");
	refused("http://167772161/", 0, "https only");
}

Test(http, caps_the_url)
{
	static char url[SGN_HTTP_MAX_URL + 32];
	struct sgn_errbuf eb;

	snprintf(url, sizeof(url), "https://h/");
	memset(url + 10, 'a', SGN_HTTP_MAX_URL - 10);
	url[SGN_HTTP_MAX_URL] = '\0';
	cr_assert(sgn_http_url_allowed(url, 0));
	url[SGN_HTTP_MAX_URL] = 'a';
	url[SGN_HTTP_MAX_URL + 1] = '\0';
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_url_check(url, 0, &eb), SGN_ERR_LIMIT);
	cr_assert(tu_has(eb.msg, "longer than"), "%s", eb.msg);
}

/* A canned transport: replies[i] for the i-th call. */
struct canned {
	long		 status[8];
	const char	*body[8];
	long		 retry_after[8];
	int		 net_error[8];
	int		 calls;
	long		 slept[8];
	int		 sleeps;
};

static sgn_err
canned_transport(void *ctx, const struct sgn_http_request *req,
    struct sgn_http_response *res, size_t max_body, long timeout_ms,
    struct sgn_errbuf *eb)
{
	struct canned *c = ctx;
	int i = c->calls++;

	(void)req;
	(void)timeout_ms;
	if (c->net_error[i])
		return sgn_errf(eb, SGN_ERR_NETWORK, "connection refused");
	res->status = c->status[i];
	res->retry_after = c->retry_after[i];
	sgn_buf_init(&res->body, max_body);
	return sgn_buf_append(&res->body, c->body[i], strlen(c->body[i]), eb);
}

static void
canned_sleep(void *ctx, long ms)
{
	struct canned *c = ctx;

	c->slept[c->sleeps++] = ms;
}

static struct sgn_http *
client(struct canned *c, int attempts)
{
	struct sgn_http_opts o;
	struct sgn_http *h = NULL;

	memset(&o, 0, sizeof(o));
	o.max_attempts = attempts;
	o.backoff_ms = 100;
	o.max_backoff_ms = 300;
	cr_assert_eq(sgn_http_new(&o, &h, NULL), SGN_OK);
	sgn_http_set_transport(h, canned_transport, c);
	sgn_http_set_sleep(h, canned_sleep, c);
	return h;
}

static struct sgn_http_request
get(const char *url)
{
	struct sgn_http_request req;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	return req;
}

Test(http, retries_5xx_then_succeeds)
{
	struct canned c = { .status = { 500, 503, 200 },
	    .body = { "x", "y", "ok" } };
	struct sgn_http *h = client(&c, 4);
	struct sgn_http_request req = get("https://rekor.example/api");
	struct sgn_http_response res;

	cr_assert_eq(sgn_http_do(h, "Rekor", &req, &res, NULL), SGN_OK);
	cr_assert_eq(res.status, 200);
	cr_assert_str_eq((char *)res.body.ptr, "ok");
	cr_assert_eq(c.calls, 3);
	cr_assert_eq(c.sleeps, 2);
	/* jittered exponential backoff: [50,100] then [100,200] */
	cr_assert(c.slept[0] >= 50 && c.slept[0] <= 100, "%ld", c.slept[0]);
	cr_assert(c.slept[1] >= 100 && c.slept[1] <= 200, "%ld", c.slept[1]);
	sgn_http_response_reset(&res);
	sgn_http_free(&h);
}

Test(http, honours_retry_after_on_429)
{
	struct canned c = { .status = { 429, 201 }, .body = { "", "{}" },
	    .retry_after = { 2, 0 } };
	struct sgn_http *h = client(&c, 4);
	struct sgn_http_request req = get("https://rekor.example/api");
	struct sgn_http_response res;

	cr_assert_eq(sgn_http_do(h, "Rekor", &req, &res, NULL), SGN_OK);
	cr_assert_eq(res.status, 201);
	cr_assert_eq(c.slept[0], 2000);
	sgn_http_response_reset(&res);
	sgn_http_free(&h);
}

Test(http, gives_up_after_bounded_attempts)
{
	struct canned c = { .net_error = { 1, 1, 1, 1 } };
	struct sgn_http *h = client(&c, 3);
	struct sgn_http_request req = get("https://fulcio.example/api");
	struct sgn_http_response res;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_do(h, "Fulcio", &req, &res, &eb),
	    SGN_ERR_NETWORK);
	cr_assert_eq(c.calls, 3);
	cr_assert_str_eq(eb.msg, "Fulcio: connection refused (after 3 "
	    "attempts)");
	sgn_http_free(&h);
}

Test(http, returns_a_final_5xx_to_the_caller)
{
	struct canned c = { .status = { 503, 503 },
	    .body = { "{\"code\":14,\"message\":\"busy\"}",
	    "{\"code\":14,\"message\":\"still busy\"}" } };
	struct sgn_http *h = client(&c, 2);
	struct sgn_http_request req = get("https://rekor.example/api");
	struct sgn_http_response res;
	char text[64];

	cr_assert_eq(sgn_http_do(h, "Rekor", &req, &res, NULL), SGN_OK);
	cr_assert_eq(res.status, 503);
	sgn_http_error_text(&res, text, sizeof(text));
	cr_assert_str_eq(text, "still busy");
	sgn_http_response_reset(&res);
	sgn_http_free(&h);
}

Test(http, does_not_retry_4xx)
{
	struct canned c = { .status = { 400 }, .body = { "bad\ntoken" } };
	struct sgn_http *h = client(&c, 4);
	struct sgn_http_request req = get("https://fulcio.example/api");
	struct sgn_http_response res;
	char text[64];

	cr_assert_eq(sgn_http_do(h, "Fulcio", &req, &res, NULL), SGN_OK);
	cr_assert_eq(res.status, 400);
	cr_assert_eq(c.calls, 1);
	sgn_http_error_text(&res, text, sizeof(text));
	cr_assert_str_eq(text, "bad token");
	sgn_http_response_reset(&res);
	sgn_http_free(&h);
}

Test(http, refuses_plain_http_to_other_hosts)
{
	struct canned c = { .status = { 200 }, .body = { "" } };
	struct sgn_http *h = client(&c, 1);
	struct sgn_http_request req = get("http://rekor.example/api");
	struct sgn_http_response res;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_do(h, "Rekor", &req, &res, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(c.calls, 0);
	cr_assert(tu_has(eb.msg, "https only"), "%s", eb.msg);
	sgn_http_free(&h);
}

Test(http, sends_nothing_to_a_url_with_a_user_name)
{
	struct canned c = { .status = { 200 }, .body = { "" } };
	struct sgn_http *h = client(&c, 1);
	struct sgn_http_request req =
	    get("http://localhost:80@evil.invalid/api");
	struct sgn_http_response res;
	struct sgn_errbuf eb;

	req.headers[req.n_headers++] = "Authorization: Bearer t0ken";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_do(h, "Rekor", &req, &res, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(c.calls, 0);
	cr_assert(tu_has(eb.msg, "Rekor: refusing a URL with a user name"),
	    "%s", eb.msg);
	cr_assert_eq(sgn_err_exit_status(SGN_ERR_INVALID_ARGUMENT), 2);
	sgn_http_free(&h);
}

/* A one-shot HTTP server on 127.0.0.1 ------------------------------------- */

/* Serves `n` connections with the canned raw reply, in a child process. */
static pid_t
serve(const char *reply, int n, int *port)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int s, one = 1;
	pid_t pid;

	s = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(s, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(s, 4), 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &alen), 0);
	*port = ntohs(a.sin_port);
	if ((pid = fork()) == 0) {
		int i;
		alarm(10);
		for (i = 0; i < n; i++) {
			char buf[4096];
			int c = accept(s, NULL, NULL);
			if (c < 0)
				_exit(1);
			if (read(c, buf, sizeof(buf)) < 0 ||
			    write(c, reply, strlen(reply)) < 0)
				_exit(1);
			close(c);
		}
		_exit(0);
	}
	close(s);
	return pid;
}

Test(http, talks_to_a_loopback_server_through_libcurl)
{
	static const char reply[] = "HTTP/1.1 201 Created\r\n"
	    "Content-Type: application/json\r\nContent-Length: 11\r\n"
	    "Location: /api/v1/log/entries/abc\r\nConnection: close\r\n\r\n"
	    "{\"ok\":true}";
	struct sgn_http *h = NULL;
	struct sgn_http_request req;
	struct sgn_http_response res;
	struct sgn_errbuf eb;
	char url[64];
	int port, st;
	pid_t pid = serve(reply, 1, &port);

	/* libcurl's spelling of 127.0.0.1, allowed because libcurl
	 * connects there */
	snprintf(url, sizeof(url), "http://0x7f.1:%d/api", port);
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers[req.n_headers++] = "Content-Type: application/json";
	req.body = (const uint8_t *)"{}";
	req.body_len = 2;
	cr_assert_eq(sgn_http_new(NULL, &h, NULL), SGN_OK);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_do(h, "Rekor", &req, &res, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_eq(res.status, 201);
	cr_assert_str_eq((char *)res.body.ptr, "{\"ok\":true}");
	cr_assert_str_eq(res.content_type, "application/json");
	cr_assert_str_eq(res.location, "/api/v1/log/entries/abc");
	sgn_http_response_reset(&res);
	sgn_http_free(&h);
	waitpid(pid, &st, 0);
}

Test(http, sends_plain_http_to_loopback_past_any_proxy)
{
	static const char reply[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 2\r\nConnection: close\r\n\r\nok";
	struct sgn_http_opts o;
	struct sgn_http *h = NULL;
	struct sgn_http_request req;
	struct sgn_http_response res;
	struct sgn_errbuf eb;
	char url[64];
	int port, st;
	pid_t pid = serve(reply, 1, &port);

	/* A proxy would read the tokens in clear text (none listens on
	 * port 1: a request sent there fails). */
	cr_assert_eq(setenv("http_proxy", "http://127.0.0.1:1", 1), 0);
	cr_assert_eq(setenv("ALL_PROXY", "http://127.0.0.1:1", 1), 0);
	snprintf(url, sizeof(url), "http://localhost:%d/", port);
	memset(&o, 0, sizeof(o));
	o.max_attempts = 1;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	req.headers[req.n_headers++] = "Authorization: Bearer t0ken";
	cr_assert_eq(sgn_http_new(&o, &h, NULL), SGN_OK);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_do(h, "Fulcio", &req, &res, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_eq(res.status, 200);
	cr_assert_str_eq((char *)res.body.ptr, "ok");
	sgn_http_response_reset(&res);
	sgn_http_free(&h);
	waitpid(pid, &st, 0);
}

Test(http, caps_the_reply_body)
{
	static char reply[8192];
	struct sgn_http_opts o;
	struct sgn_http *h = NULL;
	struct sgn_http_request req;
	struct sgn_http_response res;
	struct sgn_errbuf eb;
	char url[64];
	int port, st;
	pid_t pid;

	snprintf(reply, sizeof(reply), "HTTP/1.1 200 OK\r\nConnection: "
	    "close\r\n\r\n");
	memset(reply + strlen(reply), 'a', 4000);
	pid = serve(reply, 1, &port);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	memset(&o, 0, sizeof(o));
	o.max_body = 1000;
	o.max_attempts = 1;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	cr_assert_eq(sgn_http_new(&o, &h, NULL), SGN_OK);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_do(h, "TSA", &req, &res, &eb), SGN_ERR_LIMIT,
	    "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "larger than 1000 bytes"), "%s", eb.msg);
	sgn_http_free(&h);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

Test(http, reports_a_refused_connection)
{
	struct sgn_http_opts o;
	struct sgn_http *h = NULL;
	struct sgn_http_request req = get("http://127.0.0.1:1/");
	struct sgn_http_response res;
	struct sgn_errbuf eb;

	memset(&o, 0, sizeof(o));
	o.max_attempts = 2;
	o.backoff_ms = 1;
	cr_assert_eq(sgn_http_new(&o, &h, NULL), SGN_OK);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_do(h, "Fulcio", &req, &res, &eb),
	    SGN_ERR_NETWORK);
	cr_assert(tu_has(eb.msg, "Fulcio: "), "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "after 2 attempts"), "%s", eb.msg);
	sgn_http_free(&h);
}

/* libcurl as a table (http_int.h): a fake one, to make it fail --------- */

static struct fake_curl {
	int		setopts;	/* calls so far */
	int		fail_at;	/* the call that fails (1-based); 0 */
	CURLoption	failed;
	int		performs;
	int		protocols_set;
	unsigned	version_num;
	int		features;
	char		version[16];
	curl_version_info_data info;
	int		handle;
} fk;

static CURL *
fk_easy_init(void)
{
	return (CURL *)&fk.handle;
}

static CURLcode
fk_easy_setopt(CURL *c, CURLoption opt, ...)
{
	(void)c;
	fk.setopts++;
	if (fk.setopts == fk.fail_at) {
		fk.failed = opt;
		return CURLE_UNKNOWN_OPTION;
	}
	if (opt == CURLOPT_PROTOCOLS_STR)
		fk.protocols_set = 1;
	return CURLE_OK;
}

static CURLcode
fk_easy_perform(CURL *c)
{
	(void)c;
	fk.performs++;
	return CURLE_COULDNT_CONNECT;
}

static void
fk_easy_cleanup(CURL *c)
{
	(void)c;
}

static const char *
fk_easy_strerror(CURLcode cc)
{
	return cc == CURLE_UNKNOWN_OPTION ? "An unknown option was passed "
	    "in to libcurl" : "Could not connect";
}

static struct curl_slist *
fk_slist_append(struct curl_slist *l, const char *s)
{
	static struct curl_slist one;

	(void)l;
	one.data = (char *)(uintptr_t)s;
	one.next = NULL;
	return &one;
}

static void
fk_slist_free_all(struct curl_slist *l)
{
	(void)l;
}

static curl_version_info_data *
fk_version_info(CURLversion v)
{
	(void)v;
	memset(&fk.info, 0, sizeof(fk.info));
	fk.info.version = fk.version;
	fk.info.version_num = fk.version_num;
	fk.info.features = fk.features;
	return &fk.info;
}

static struct sgn_curl_api
fake_api(void)
{
	struct sgn_curl_api api;

	memset(&api, 0, sizeof(api));
	api.version_info = fk_version_info;
	api.easy_init = fk_easy_init;
	api.easy_setopt = fk_easy_setopt;
	api.easy_perform = fk_easy_perform;
	api.easy_cleanup = fk_easy_cleanup;
	api.easy_strerror = fk_easy_strerror;
	api.slist_append = fk_slist_append;
	api.slist_free_all = fk_slist_free_all;
	return api;
}

static sgn_err
fk_exchange(const char *method, int https, struct sgn_errbuf *eb)
{
	struct sgn_curl_api api = fake_api();
	struct sgn_http_opts o;
	struct sgn_http_request req;
	struct sgn_http_response res;
	sgn_err r;

	memset(&o, 0, sizeof(o));
	o.ca_bundle = "/etc/ssl/certs/ca-certificates.crt";
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = https ? "https://rekor.example/api" : "http://127.0.0.1/x";
	req.headers[0] = "Authorization: Bearer secret";
	req.n_headers = 1;
	req.body = (const uint8_t *)"{}";
	req.body_len = 2;
	memset(&res, 0, sizeof(res));
	fk.setopts = fk.performs = fk.protocols_set = 0;
	sgn_errbuf_clear(eb);
	r = sgn_http_curl_exchange(&api, &o, &req, https, &res, 1024, 1000,
	    eb);
	sgn_http_response_reset(&res);
	return r;
}

Test(http, sends_nothing_when_libcurl_drops_the_https_only_rule)
{
	struct sgn_errbuf eb;

	/* The second option set is the protocol rule (a libcurl before
	 * 7.85.0 does not know CURLOPT_PROTOCOLS_STR). */
	memset(&fk, 0, sizeof(fk));
	fk.fail_at = 2;
	cr_assert_eq(fk_exchange("GET", 1, &eb), SGN_ERR_UNSUPPORTED);
	cr_assert_eq(fk.failed, CURLOPT_PROTOCOLS_STR);
	cr_assert_eq(fk.performs, 0, "nothing sent");
	cr_assert(tu_has(eb.msg, "libcurl refused CURLOPT_PROTOCOLS_STR"),
	    "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "needs libcurl 7.85.0 or later"), "%s",
	    eb.msg);
}

Test(http, every_libcurl_option_refused_is_an_error)
{
	static const char *const methods[] = { "GET", "POST" };
	struct sgn_errbuf eb;
	int m, https, n, k;

	for (m = 0; m < 2; m++) {
		for (https = 0; https <= 1; https++) {
			/* Counts the options this request sets. */
			memset(&fk, 0, sizeof(fk));
			cr_assert_eq(fk_exchange(methods[m], https, &eb),
			    SGN_ERR_NETWORK, "%s", eb.msg);
			cr_assert_eq(fk.performs, 1);
			cr_assert(fk.protocols_set);
			n = fk.setopts;
			cr_assert_geq(n, 15);
			for (k = 1; k <= n; k++) {
				memset(&fk, 0, sizeof(fk));
				fk.fail_at = k;
				cr_assert_eq(fk_exchange(methods[m], https,
				    &eb), SGN_ERR_UNSUPPORTED,
				    "%s option %d: %s", methods[m], k, eb.msg);
				cr_assert_eq(fk.performs, 0);
				cr_assert(tu_has(eb.msg, "libcurl refused "
				    "CURLOPT_"), "%s", eb.msg);
				cr_assert(!tu_has(eb.msg, "secret"));
			}
		}
	}
}

Test(http, refuses_a_libcurl_older_than_7_85)
{
	struct sgn_curl_api api = fake_api();
	struct sgn_errbuf eb;

	memset(&fk, 0, sizeof(fk));
	fk.features = CURL_VERSION_SSL;
	snprintf(fk.version, sizeof(fk.version), "7.84.0");
	fk.version_num = 0x075400;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_curl_check(&api, &eb), SGN_ERR_UNSUPPORTED);
	cr_assert(tu_has(eb.msg, "libcurl 7.84.0 is too old: signet needs "
	    "libcurl 7.85.0 or later"), "%s", eb.msg);
	snprintf(fk.version, sizeof(fk.version), "7.85.0");
	fk.version_num = 0x075500;
	cr_assert_eq(sgn_http_curl_check(&api, NULL), SGN_OK);
	fk.version_num = 0x080a00;
	cr_assert_eq(sgn_http_curl_check(&api, NULL), SGN_OK);
	/* Without TLS, https cannot be had. */
	fk.features = 0;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_curl_check(&api, &eb), SGN_ERR_UNSUPPORTED);
	cr_assert(tu_has(eb.msg, "has no TLS"), "%s", eb.msg);
}

Test(http, accepts_the_libcurl_it_loads)
{
	struct sgn_errbuf eb;

	/* Loading happens at the first URL check; this machine's libcurl
	 * (the build's) passes the version check. */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_http_url_check("https://example.com/", 0, &eb),
	    SGN_OK, "%s", eb.msg);
}
