/*
 * Unit tests for pkg/oidc, all local: JWT claims; each ambient provider
 * against a fake of its endpoint (an HTTP server on 127.0.0.1 forked by
 * the test), its environment (an injected getenv) or its command (shell
 * scripts in a temporary PATH, or an injected runner); the resolution
 * order; discovery and the device flow through a scripted transport; and
 * the authorization code flow end to end, with a thread playing the
 * browser between a fake identity provider and the library's redirect
 * server.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <openssl/evp.h>

#include "http.h"
#include "oidc.h"
#include "testutil.h"

#define NOW	((int64_t)1767225600)	/* 2026-01-01T00:00:00Z */

/* Tokens ---------------------------------------------------------------- */

static void
b64url(const void *p, size_t n, char *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	const uint8_t *s = p;
	size_t i, k = 0;
	uint32_t v;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		out[k++] = tab[v >> 18 & 63];
		out[k++] = tab[v >> 12 & 63];
		if (i + 1 < n)
			out[k++] = tab[v >> 6 & 63];
		if (i + 2 < n)
			out[k++] = tab[v & 63];
	}
	out[k] = '\0';
}

/* strlcat, for tests. */
static void
cat(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(dst), m = strlen(src);

	cr_assert_lt(n + m, cap);
	memcpy(dst + n, src, m + 1);
}

/* header.payload.signature from two JSON texts. */
static char *
jwt2(const char *header, const char *payload)
{
	size_t n = 4 * (strlen(header) + strlen(payload)) / 3 + 64;
	char *out = calloc(1, n);

	cr_assert_not_null(out);
	b64url(header, strlen(header), out);
	cat(out, n, ".");
	b64url(payload, strlen(payload), out + strlen(out));
	cat(out, n, ".c2lnbmF0dXJl");
	return out;
}

static char *
jwt(const char *payload)
{
	return jwt2("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", payload);
}

/* Claims for issuer iss and subject sub, valid at NOW, plus extra. */
static char *
claims(const char *iss, const char *sub, const char *extra)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf), "{\"iss\":\"%s\",\"sub\":\"%s\","
	    "\"aud\":\"sigstore\",\"iat\":%lld,\"exp\":%lld%s}", iss, sub,
	    (long long)NOW - 10, (long long)NOW + 600, extra);
	return buf;
}

static char *
good_jwt(const char *sub)
{
	return jwt(claims("https://token.actions.githubusercontent.com", sub,
	    ""));
}

static sgn_err
parse(const char *token, struct sgn_oidc_token *t, struct sgn_errbuf *eb)
{
	sgn_errbuf_clear(eb);
	return sgn_oidc_token_parse(token, strlen(token), NULL, NOW, t, eb);
}

static void
expect_parse_error(const char *token, sgn_err want, const char *msg)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	sgn_err r;

	r = parse(token, &t, &eb);
	cr_assert_eq(r, want, "got %d (%s), want %d", r, eb.msg, want);
	cr_assert(tu_has(eb.msg, msg), "\"%s\" lacks \"%s\"", eb.msg, msg);
	cr_assert_null(t.issuer);
	cr_assert_null(t.jwt.ptr);
}

Test(oidc, parses_a_good_token)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	const char *ch;
	char *tok = jwt(claims("https://oauth2.sigstore.dev/auth", "CgZhbGlj",
	    ",\"email\":\"alice@example.com\",\"email_verified\":true,"
	    "\"nonce\":\"n1\",\"nbf\":1767225000"));

	cr_assert_eq(parse(tok, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(t.issuer, "https://oauth2.sigstore.dev/auth");
	cr_assert_str_eq(t.subject, "CgZhbGlj");
	cr_assert_str_eq(t.email, "alice@example.com");
	cr_assert_eq(t.email_verified, 1);
	cr_assert_str_eq(t.nonce, "n1");
	cr_assert_eq(t.exp, NOW + 600);
	cr_assert_eq(t.iat, NOW - 10);
	cr_assert_eq(t.nbf, 1767225000);
	cr_assert_eq(t.n_aud, 1);
	cr_assert_str_eq(t.aud[0], "sigstore");
	cr_assert_eq(t.jwt.len, strlen(tok));
	cr_assert_str_eq((char *)t.jwt.ptr, tok);
	cr_assert_eq(sgn_oidc_token_challenge(&t, &ch, &eb), SGN_OK);
	cr_assert_str_eq(ch, "alice@example.com");
	sgn_oidc_token_reset(&t);
	cr_assert_null(t.jwt.ptr);
	cr_assert_null(t.subject);
	sgn_oidc_token_reset(NULL);
	free(tok);
}

Test(oidc, challenge_is_the_subject_without_an_email)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	const char *ch;
	char *tok = good_jwt("repo:octo/app:ref:refs/heads/main");

	cr_assert_eq(parse(tok, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_null(t.email);
	cr_assert_eq(sgn_oidc_token_challenge(&t, &ch, &eb), SGN_OK);
	cr_assert_str_eq(ch, "repo:octo/app:ref:refs/heads/main");
	sgn_oidc_token_reset(&t);
	free(tok);
}

Test(oidc, challenge_refuses_an_unverified_email)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	const char *ch = "x";
	char *tok = jwt(claims("https://accounts.google.com", "1234",
	    ",\"email\":\"bob@example.com\",\"email_verified\":false"));
	char *tok2 = jwt(claims("https://accounts.google.com", "1234",
	    ",\"email\":\"bob@example.com\""));
	char *tok3 = jwt(claims("https://accounts.google.com", "1234",
	    ",\"email\":\"bob@example.com\",\"email_verified\":\"true\""));

	cr_assert_eq(parse(tok, &t, &eb), SGN_OK, "%s", eb.msg);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_token_challenge(&t, &ch, &eb), SGN_ERR_POLICY);
	cr_assert_null(ch);
	cr_assert(tu_has(eb.msg, "bob@example.com\" is not verified"), "%s",
	    eb.msg);
	sgn_oidc_token_reset(&t);
	cr_assert_eq(parse(tok2, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_oidc_token_challenge(&t, &ch, &eb), SGN_ERR_POLICY);
	sgn_oidc_token_reset(&t);
	/* Some providers send the flag as a string. */
	cr_assert_eq(parse(tok3, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_oidc_token_challenge(&t, &ch, &eb), SGN_OK);
	cr_assert_str_eq(ch, "bob@example.com");
	sgn_oidc_token_reset(&t);
	free(tok);
	free(tok2);
	free(tok3);
}

Test(oidc, rejects_an_expired_token)
{
	char p[512];
	char *tok;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	snprintf(p, sizeof(p), "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":"
	    "\"sigstore\",\"iat\":%lld,\"exp\":%lld}", (long long)NOW - 900,
	    (long long)NOW - 61);
	tok = jwt(p);
	expect_parse_error(tok, SGN_ERR_POLICY,
	    "identity token expired at 2025-12-31T23:58:59Z");
	free(tok);
	/* Within the leeway. */
	snprintf(p, sizeof(p), "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":"
	    "\"sigstore\",\"iat\":%lld,\"exp\":%lld}", (long long)NOW - 900,
	    (long long)NOW - 59);
	tok = jwt(p);
	cr_assert_eq(parse(tok, &t, &eb), SGN_OK, "%s", eb.msg);
	sgn_oidc_token_reset(&t);
	free(tok);
}

Test(oidc, rejects_a_token_not_yet_valid)
{
	char p[512];
	char *tok;

	snprintf(p, sizeof(p), "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":"
	    "\"sigstore\",\"iat\":%lld,\"exp\":%lld,\"nbf\":%lld}",
	    (long long)NOW, (long long)NOW + 900, (long long)NOW + 300);
	tok = jwt(p);
	expect_parse_error(tok, SGN_ERR_POLICY,
	    "identity token is not valid before 2026-01-01T00:05:00Z");
	free(tok);
}

Test(oidc, rejects_a_wrong_audience)
{
	char p[512];
	char *tok;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	snprintf(p, sizeof(p), "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":"
	    "\"other\",\"iat\":%lld,\"exp\":%lld}", (long long)NOW,
	    (long long)NOW + 900);
	tok = jwt(p);
	expect_parse_error(tok, SGN_ERR_POLICY,
	    "identity token audience is \"other\", not \"sigstore\"");
	/* The audience asked for is the one checked. */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_token_parse(tok, strlen(tok), "other", NOW, &t,
	    &eb), SGN_OK, "%s", eb.msg);
	sgn_oidc_token_reset(&t);
	free(tok);
	snprintf(p, sizeof(p), "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":"
	    "[\"a\",\"b\"],\"iat\":%lld,\"exp\":%lld}", (long long)NOW,
	    (long long)NOW + 900);
	tok = jwt(p);
	expect_parse_error(tok, SGN_ERR_POLICY,
	    "identity token audience is \"a\", \"b\", not \"sigstore\"");
	free(tok);
}

Test(oidc, reads_aud_as_a_string_or_an_array)
{
	char p[512];
	char *tok;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	snprintf(p, sizeof(p), "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":"
	    "[\"x\",\"sigstore\"],\"iat\":%lld,\"exp\":%lld}", (long long)NOW,
	    (long long)NOW + 900);
	tok = jwt(p);
	cr_assert_eq(parse(tok, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(t.n_aud, 2);
	cr_assert_str_eq(t.aud[0], "x");
	cr_assert_str_eq(t.aud[1], "sigstore");
	sgn_oidc_token_reset(&t);
	free(tok);

	snprintf(p, sizeof(p), "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":[],"
	    "\"iat\":%lld,\"exp\":%lld}", (long long)NOW, (long long)NOW + 9);
	tok = jwt(p);
	expect_parse_error(tok, SGN_ERR_PARSE, "empty array");
	free(tok);

	snprintf(p, sizeof(p), "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":"
	    "[\"sigstore\",3],\"iat\":%lld,\"exp\":%lld}", (long long)NOW,
	    (long long)NOW + 9);
	tok = jwt(p);
	expect_parse_error(tok, SGN_ERR_PARSE, "invalid audience");
	free(tok);

	snprintf(p, sizeof(p), "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":"
	    "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"sigstore\"],"
	    "\"iat\":%lld,\"exp\":%lld}", (long long)NOW, (long long)NOW + 9);
	tok = jwt(p);
	expect_parse_error(tok, SGN_ERR_LIMIT, "more than 8 audiences");
	free(tok);

	snprintf(p, sizeof(p), "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":"
	    "{\"a\":1},\"iat\":%lld,\"exp\":%lld}", (long long)NOW,
	    (long long)NOW + 9);
	tok = jwt(p);
	expect_parse_error(tok, SGN_ERR_PARSE, "neither a string nor");
	free(tok);
}

Test(oidc, rejects_unsigned_and_unknown_algorithms)
{
	const char *pl = claims("i", "s", "");
	char *tok;

	tok = jwt2("{\"alg\":\"none\"}", pl);
	expect_parse_error(tok, SGN_ERR_UNSUPPORTED, "not signed");
	free(tok);
	tok = jwt2("{\"alg\":\"NoNe\",\"typ\":\"JWT\"}", pl);
	expect_parse_error(tok, SGN_ERR_UNSUPPORTED, "not signed");
	free(tok);
	tok = jwt2("{\"alg\":\"HS256\"}", pl);
	expect_parse_error(tok, SGN_ERR_UNSUPPORTED, "\"HS256\" is not "
	    "supported");
	free(tok);
	tok = jwt2("{\"typ\":\"JWT\"}", pl);
	expect_parse_error(tok, SGN_ERR_PARSE, "no \"alg\"");
	free(tok);
	tok = jwt2("[1]", pl);
	expect_parse_error(tok, SGN_ERR_PARSE, "header is not a JSON object");
	free(tok);
	tok = jwt2("{\"alg\":\"RS256\",\"alg\":\"none\"}", pl);
	expect_parse_error(tok, SGN_ERR_PARSE, "duplicate key");
	free(tok);
	/* Every algorithm Fulcio takes. */
	tok = jwt2("{\"alg\":\"ES256\"}", pl);
	{
		struct sgn_oidc_token t;
		struct sgn_errbuf eb;
		cr_assert_eq(parse(tok, &t, &eb), SGN_OK, "%s", eb.msg);
		sgn_oidc_token_reset(&t);
	}
	free(tok);
}

Test(oidc, rejects_bad_base64url)
{
	char *tok = good_jwt("s");
	char *bad = strdup(tok);
	char *dot = strchr(bad, '.');

	/* Standard alphabet, padding, other characters. */
	bad[1] = '+';
	expect_parse_error(bad, SGN_ERR_PARSE, "header is not base64url");
	memcpy(bad, tok, strlen(tok) + 1);
	dot[1] = '/';
	expect_parse_error(bad, SGN_ERR_PARSE, "payload is not base64url");
	memcpy(bad, tok, strlen(tok) + 1);
	bad[strlen(bad) - 1] = '=';
	expect_parse_error(bad, SGN_ERR_PARSE, "signature is not base64url");
	memcpy(bad, tok, strlen(tok) + 1);
	dot[1] = ' ';
	expect_parse_error(bad, SGN_ERR_PARSE, "payload is not base64url");
	/* A length no encoding has (4n + 1). */
	expect_parse_error("eyJhbGciOiJSUzI1NiJ9.e.c2ln", SGN_ERR_PARSE,
	    "payload is not valid base64url");
	/* Decodes, but not to JSON. */
	expect_parse_error("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",
	    SGN_ERR_PARSE, "identity token payload: invalid JSON");
	free(bad);
	free(tok);
}

Test(oidc, rejects_other_segment_counts)
{
	char *tok = good_jwt("s");
	char buf[4096];

	expect_parse_error("eyJhbGciOiJSUzI1NiJ9.eyJ9", SGN_ERR_PARSE,
	    "not a JWT");
	snprintf(buf, sizeof(buf), "%s.c2ln", tok);
	expect_parse_error(buf, SGN_ERR_PARSE, "not a JWT");
	expect_parse_error("a.b.c.d.e", SGN_ERR_PARSE, "not a JWT");
	expect_parse_error("nodots", SGN_ERR_PARSE, "not a JWT");
	snprintf(buf, sizeof(buf), "%s", tok);
	*strrchr(buf, '.') = '\0';
	cat(buf, sizeof(buf), ".");
	expect_parse_error(buf, SGN_ERR_PARSE, "empty signature");
	expect_parse_error("", SGN_ERR_PARSE, "empty");
	free(tok);
}

Test(oidc, rejects_an_oversized_token)
{
	char *big = malloc(SGN_OIDC_MAX_TOKEN + 2);

	memset(big, 'A', SGN_OIDC_MAX_TOKEN + 1);
	big[10] = '.';
	big[20] = '.';
	big[SGN_OIDC_MAX_TOKEN + 1] = '\0';
	expect_parse_error(big, SGN_ERR_LIMIT, "longer than 16384 bytes");
	free(big);
}

Test(oidc, rejects_missing_or_mistyped_claims)
{
	static const struct {
		const char *payload, *msg;
	} cases[] = {
		{ "{\"sub\":\"s\",\"aud\":\"sigstore\",\"iat\":1,\"exp\":"
		    "1867225600}", "no \"iss\" claim" },
		{ "{\"iss\":\"i\",\"aud\":\"sigstore\",\"iat\":1,\"exp\":"
		    "1867225600}", "no \"sub\" claim" },
		{ "{\"iss\":\"i\",\"sub\":\"s\",\"iat\":1,\"exp\":"
		    "1867225600}", "no \"aud\" claim" },
		{ "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"sigstore\","
		    "\"iat\":1}", "no \"exp\" claim" },
		{ "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"sigstore\","
		    "\"exp\":1867225600}", "no \"iat\" claim" },
		{ "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"sigstore\","
		    "\"iat\":1,\"exp\":\"1867225600\"}", "\"exp\" is not a "
		    "number" },
		{ "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"sigstore\","
		    "\"iat\":-1,\"exp\":1867225600}", "\"iat\" is out of "
		    "range" },
		{ "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"sigstore\","
		    "\"iat\":1,\"exp\":1e300}", "\"exp\" is out of range" },
		{ "{\"iss\":7,\"sub\":\"s\",\"aud\":\"sigstore\",\"iat\":1,"
		    "\"exp\":1867225600}", "\"iss\" is not a string" },
		{ "{\"iss\":\"i\",\"sub\":\"\",\"aud\":\"sigstore\","
		    "\"iat\":1,\"exp\":1867225600}", "\"sub\" is empty" },
		{ "{\"iss\":\"i\",\"sub\":\"a\\nb\",\"aud\":\"sigstore\","
		    "\"iat\":1,\"exp\":1867225600}", "control characters" },
		{ "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":\"sigstore\","
		    "\"iat\":1,\"exp\":1867225600,\"email\":\"e\","
		    "\"email_verified\":1}", "not a boolean" },
		{ "[\"iss\"]", "payload is not a JSON object" },
		{ "{\"iss\":\"i\",\"iss\":\"j\",\"sub\":\"s\",\"aud\":"
		    "\"sigstore\",\"iat\":1,\"exp\":1867225600}",
		    "duplicate key" },
	};
	size_t i;
	char *tok;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tok = jwt(cases[i].payload);
		expect_parse_error(tok, SGN_ERR_PARSE, cases[i].msg);
		free(tok);
	}
}

Test(oidc, never_puts_the_token_in_a_message)
{
	char p[512];
	char *tok;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	snprintf(p, sizeof(p), "{\"iss\":\"i\",\"sub\":\"s\",\"aud\":"
	    "\"sigstore\",\"iat\":%lld,\"exp\":%lld}", (long long)NOW - 900,
	    (long long)NOW - 600);
	tok = jwt(p);
	cr_assert_eq(parse(tok, &t, &eb), SGN_ERR_POLICY);
	cr_assert(!tu_has(eb.msg, strrchr(tok, '.') + 1), "%s", eb.msg);
	cr_assert(!tu_has(eb.msg, "eyJ"), "%s", eb.msg);
	free(tok);
}

/* The world the library sees ------------------------------------------- */

struct world {
	const char	*env_k[24];
	const char	*env_v[24];
	int		 n_env;
	/* run callback */
	int		 use_run;
	char		 argv_seen[512];
	int		 runs;
	const char	*run_out;
	sgn_err		 run_result;
	/* read_file callback */
	const char	*dmi;
	/* sleep */
	long		 sleeps[64];
	int		 n_sleeps;
	/* ui */
	char		 shown_url[4096];
	char		 shown_code[128];
	int		 shown;
	int		 opened;
	int		 browser_rc;
	void		 (*on_show)(struct world *, const char *);
	const char	*code;
	char		 status[256];
	pid_t		 poker;
};

static struct world w;

static void
setenv_w(const char *k, const char *v)
{
	w.env_k[w.n_env] = k;
	w.env_v[w.n_env++] = v;
}

static const char *
w_getenv(void *ctx, const char *name)
{
	struct world *x = ctx;
	int i;

	for (i = x->n_env - 1; i >= 0; i--)
		if (strcmp(x->env_k[i], name) == 0)
			return x->env_v[i];
	return NULL;
}

static sgn_err
w_run(void *ctx, char *const argv[], long timeout_ms, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	struct world *x = ctx;
	size_t i;

	cr_assert_gt(timeout_ms, 0);
	x->runs++;
	x->argv_seen[0] = '\0';
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			cat(x->argv_seen, sizeof(x->argv_seen), "|");
		cat(x->argv_seen, sizeof(x->argv_seen), argv[i]);
	}
	if (x->run_result != SGN_OK)
		return sgn_errf(eb, x->run_result, "fake command failed");
	return sgn_buf_append(out, x->run_out, strlen(x->run_out), eb);
}

static sgn_err
w_read_file(void *ctx, const char *path, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	struct world *x = ctx;

	cr_assert_str_eq(path, "/sys/class/dmi/id/product_name");
	if (x->dmi == NULL)
		return sgn_errf(eb, SGN_ERR_IO, "no such file");
	return sgn_buf_append(out, x->dmi, strlen(x->dmi), eb);
}

static void
w_sleep(void *ctx, long ms)
{
	struct world *x = ctx;

	if (x->n_sleeps < 64)
		x->sleeps[x->n_sleeps++] = ms;
}

static void
w_show(void *ctx, const char *url, const char *user_code)
{
	struct world *x = ctx;

	x->shown++;
	snprintf(x->shown_url, sizeof(x->shown_url), "%s", url);
	snprintf(x->shown_code, sizeof(x->shown_code), "%s",
	    user_code != NULL ? user_code : "(none)");
	if (x->on_show != NULL)
		x->on_show(x, url);
}

static int
w_open(void *ctx, const char *url)
{
	struct world *x = ctx;

	(void)url;
	x->opened++;
	return x->browser_rc;
}

static sgn_err
w_read_code(void *ctx, struct sgn_secret *code)
{
	struct world *x = ctx;

	if (x->code == NULL)
		return SGN_ERR_IO;
	return sgn_secret_set(code, x->code, strlen(x->code), NULL);
}

static void
w_status(void *ctx, const char *msg)
{
	struct world *x = ctx;

	snprintf(x->status, sizeof(x->status), "%s", msg);
}

static struct sgn_oidc_env
w_env(void)
{
	struct sgn_oidc_env e;

	memset(&e, 0, sizeof(e));
	e.getenv = w_getenv;
	e.run = w.use_run ? w_run : NULL;
	e.read_file = w_read_file;
	e.sleep = w_sleep;
	e.ctx = &w;
	return e;
}

static struct sgn_oidc_ui
w_ui(void)
{
	struct sgn_oidc_ui u;

	memset(&u, 0, sizeof(u));
	u.show_url = w_show;
	u.open_browser = w_open;
	u.read_code = w_read_code;
	u.status = w_status;
	u.ctx = &w;
	return u;
}

static struct sgn_oidc_opts
opts(void)
{
	struct sgn_oidc_opts o;

	memset(&o, 0, sizeof(o));
	o.now = NOW;
	return o;
}

/* A scripted transport: replies in order, requests recorded. */
struct script {
	int		 n;
	long		 status[16];
	const char	*body[16];
	int		 calls;
	char		 url[16][1024];
	char		 sent[16][2048];
	char		 hdrs[16][1024];
};

static sgn_err
script_transport(void *ctx, const struct sgn_http_request *req,
    struct sgn_http_response *res, size_t max_body, long timeout_ms,
    struct sgn_errbuf *eb)
{
	struct script *s = ctx;
	int i = s->calls++;
	size_t k;

	(void)timeout_ms;
	cr_assert_lt(i, 16);
	snprintf(s->url[i], sizeof(s->url[i]), "%s", req->url);
	snprintf(s->sent[i], sizeof(s->sent[i]), "%.*s", (int)req->body_len,
	    req->body != NULL ? (const char *)req->body : "");
	for (k = 0; k < req->n_headers; k++) {
		strncat(s->hdrs[i], req->headers[k], 400);
		strncat(s->hdrs[i], "\n", 2);
	}
	if (i >= s->n)
		return sgn_errf(eb, SGN_ERR_NETWORK, "no more replies");
	res->status = s->status[i];
	sgn_buf_init(&res->body, max_body);
	return sgn_buf_append(&res->body, s->body[i], strlen(s->body[i]),
	    eb);
}

static struct sgn_http *
scripted(struct script *s)
{
	struct sgn_http_opts o;
	struct sgn_http *h = NULL;

	memset(&o, 0, sizeof(o));
	o.max_attempts = 1;
	cr_assert_eq(sgn_http_new(&o, &h, NULL), SGN_OK);
	sgn_http_set_transport(h, script_transport, s);
	return h;
}

static void
say(struct script *s, long status, const char *body)
{
	s->status[s->n] = status;
	s->body[s->n++] = body;
}

static struct sgn_http *
real_http(void)
{
	struct sgn_http_opts o;
	struct sgn_http *h = NULL;

	memset(&o, 0, sizeof(o));
	o.max_attempts = 1;
	o.timeout_ms = 10000;
	cr_assert_eq(sgn_http_new(&o, &h, NULL), SGN_OK);
	return h;
}

/* A fake HTTP server on 127.0.0.1, in a child process ------------------- */

struct fake;
typedef void (*fake_fn)(struct fake *, const char *req, const char *body,
    char *reply, size_t cap);

struct fake {
	pid_t	 pid;
	int	 port;
	fake_fn	 fn;
	int	 mode;
	char	 saved[6][1024];
};

static void
fake_start(struct fake *f, int nconn)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int s, one = 1;

	s = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(s, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(s, 8), 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &alen), 0);
	f->port = ntohs(a.sin_port);
	if ((f->pid = fork()) == 0) {
		static char buf[65536], reply[65536];
		int i;
		alarm(30);
		for (i = 0; i < nconn; i++) {
			size_t len = 0;
			char *hend = NULL, *cl;
			size_t need = 0;
			ssize_t n;
			int c = accept(s, NULL, NULL);
			if (c < 0)
				_exit(1);
			for (;;) {
				n = read(c, buf + len, sizeof(buf) - 1 - len);
				if (n <= 0)
					break;
				len += (size_t)n;
				buf[len] = '\0';
				if (hend == NULL &&
				    (hend = strstr(buf, "\r\n\r\n")) != NULL) {
					hend += 4;
					cl = strcasestr(buf, "Content-Length:");
					need = cl != NULL && cl < hend ?
					    (size_t)strtoul(cl + 15, NULL, 10) :
					    0;
				}
				if (hend != NULL &&
				    len - (size_t)(hend - buf) >= need)
					break;
			}
			reply[0] = '\0';
			f->fn(f, buf, hend != NULL ? hend : "", reply,
			    sizeof(reply));
			if (write(c, reply, strlen(reply)) < 0)
				_exit(1);
			close(c);
		}
		_exit(0);
	}
	cr_assert_gt(f->pid, 0);
	close(s);
}

static void
fake_stop(struct fake *f)
{
	int st;

	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, &st, 0);
	}
}

static void
reply(char *out, size_t cap, int status, const char *ctype,
    const char *extra, const char *body)
{
	snprintf(out, cap, "HTTP/1.1 %d X\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n%s\r\n%s", status,
	    ctype, strlen(body), extra, body);
}

/* Ambient providers ----------------------------------------------------- */

static void
github_fake(struct fake *f, const char *req, const char *body, char *out,
    size_t cap)
{
	char b[4096];

	(void)body;
	if (strncmp(req, "GET /token?api-version=2.0&audience=sigstore "
	    "HTTP/1.1\r\n", 54) != 0 ||
	    !tu_has(req, "\r\nAuthorization: bearer reqtok\r\n")) {
		reply(out, cap, 400, "text/plain", "", "bad request");
		return;
	}
	if (f->mode == 1) {
		reply(out, cap, 403, "application/json", "",
		    "{\"message\":\"Unable to get ACTIONS_ID_TOKEN\"}");
		return;
	}
	if (f->mode == 2) {
		reply(out, cap, 200, "text/html", "", "<html>hi</html>");
		return;
	}
	snprintf(b, sizeof(b), "{\"count\":1,\"value\":\"%s\"}",
	    f->saved[0]);
	reply(out, cap, 200, "application/json", "", b);
}

static sgn_err
github_run(struct fake *f, int mode, struct sgn_oidc_token *t,
    struct sgn_errbuf *eb)
{
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e;
	struct sgn_http *h = real_http();
	char *tok = good_jwt("repo:octo/app:ref:refs/heads/main");
	static char url[128];
	sgn_err r;

	memset(f, 0, sizeof(*f));
	f->fn = github_fake;
	f->mode = mode;
	snprintf(f->saved[0], sizeof(f->saved[0]), "%s", tok);
	fake_start(f, 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/token?"
	    "api-version=2.0", f->port);
	setenv_w("ACTIONS_ID_TOKEN_REQUEST_URL", url);
	setenv_w("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "reqtok");
	e = w_env();
	sgn_errbuf_clear(eb);
	r = sgn_oidc_get_token(h, &o, &e, NULL, t, eb);
	fake_stop(f);
	sgn_http_free(&h);
	free(tok);
	return r;
}

Test(oidc, github_actions_token_from_the_runner)
{
	struct fake f;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	cr_assert_eq(github_run(&f, 0, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(t.source, "github-actions");
	cr_assert_str_eq(t.subject, "repo:octo/app:ref:refs/heads/main");
	sgn_oidc_token_reset(&t);
}

Test(oidc, github_actions_failing_endpoint)
{
	struct fake f;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	cr_assert_eq(github_run(&f, 1, &t, &eb), SGN_ERR_HTTP_STATUS);
	cr_assert(tu_has(eb.msg, "GitHub Actions: token request failed: "
	    "HTTP 403: Unable to get ACTIONS_ID_TOKEN"), "%s", eb.msg);
	cr_assert(!tu_has(eb.msg, "reqtok"), "%s", eb.msg);
	cr_assert_null(t.jwt.ptr);
}

Test(oidc, github_actions_garbage_reply)
{
	struct fake f;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	cr_assert_eq(github_run(&f, 2, &t, &eb), SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "GitHub Actions token reply: invalid JSON"),
	    "%s", eb.msg);
}

Test(oidc, github_actions_absent_when_forced)
{
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	o.provider = "github-actions";
	setenv_w("GITHUB_ACTIONS", "true");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "id-token: write"), "%s", eb.msg);
}

Test(oidc, github_actions_without_the_permission_is_named)
{
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	/* not forced: detected from GITHUB_ACTIONS, not a sign-in flow */
	o.have_terminal = 1;
	o.have_browser = 1;
	setenv_w("GITHUB_ACTIONS", "true");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "GitHub Actions: the workflow needs "
	    "\"permissions: id-token: write\""), "%s", eb.msg);
	/* the token request URL without its token is no better */
	setenv_w("ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh.example/x?a=b");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "id-token: write"), "%s", eb.msg);
}

Test(oidc, no_sign_in_flow_starts_in_ci_or_without_a_terminal)
{
	struct script s = { 0 };
	struct sgn_http *h = scripted(&s);
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	/* CI set, even with a terminal and a browser */
	o.have_terminal = 1;
	o.have_browser = 1;
	setenv_w("CI", "true");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "CI is set"), "%s", eb.msg);
	cr_assert_eq(s.calls, 0);
	/* any value but false counts: CI=1 as GitLab sets it */
	setenv_w("CI", "1");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(s.calls, 0);
	/* no terminal, not in CI, a browser: still nobody to sign in */
	setenv_w("CI", "false");
	o.have_terminal = 0;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "no terminal"), "%s", eb.msg);
	cr_assert_eq(s.calls, 0);
	/* a flow asked for by name starts (discovery is its first call) */
	setenv_w("CI", "true");
	o.force_device = 1;
	sgn_errbuf_clear(&eb);
	(void)sgn_oidc_get_token(h, &o, &e, NULL, &t, &eb);
	cr_assert_eq(s.calls, 1, "%s", eb.msg);
	sgn_http_free(&h);
}

static void
google_fake(struct fake *f, const char *req, const char *body, char *out,
    size_t cap)
{
	(void)body;
	if (strncmp(req, "GET /computeMetadata/v1/instance/service-accounts/"
	    "default/identity?audience=sigstore&format=full HTTP/1.1\r\n",
	    103) != 0 || !tu_has(req, "\r\nMetadata-Flavor: Google\r\n")) {
		reply(out, cap, 400, "text/plain", "", "bad request");
		return;
	}
	if (f->mode == 1) {
		reply(out, cap, 404, "text/plain", "", "no service account");
		return;
	}
	if (f->mode == 2) {
		reply(out, cap, 200, "text/plain", "", "not a token\n");
		return;
	}
	reply(out, cap, 200, "application/text", "", f->saved[0]);
}

static sgn_err
google_run(int mode, struct sgn_oidc_token *t, struct sgn_errbuf *eb)
{
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e;
	struct sgn_http *h = real_http();
	struct fake f;
	char *tok = jwt(claims("https://accounts.google.com", "10769150",
	    ",\"email\":\"sa@p.iam.gserviceaccount.com\","
	    "\"email_verified\":true"));
	static char host[64];
	sgn_err r;

	memset(&f, 0, sizeof(f));
	f.fn = google_fake;
	f.mode = mode;
	snprintf(f.saved[0], sizeof(f.saved[0]), "%s\n", tok);
	fake_start(&f, 1);
	snprintf(host, sizeof(host), "127.0.0.1:%d", f.port);
	setenv_w("GCE_METADATA_HOST", host);
	e = w_env();
	sgn_errbuf_clear(eb);
	r = sgn_oidc_get_token(h, &o, &e, NULL, t, eb);
	fake_stop(&f);
	sgn_http_free(&h);
	free(tok);
	return r;
}

Test(oidc, google_token_from_the_metadata_server)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	const char *ch;

	cr_assert_eq(google_run(0, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(t.source, "google");
	cr_assert_eq(sgn_oidc_token_challenge(&t, &ch, &eb), SGN_OK);
	cr_assert_str_eq(ch, "sa@p.iam.gserviceaccount.com");
	sgn_oidc_token_reset(&t);
}

Test(oidc, google_failing_endpoint_and_garbage)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	cr_assert_eq(google_run(1, &t, &eb), SGN_ERR_HTTP_STATUS);
	cr_assert(tu_has(eb.msg, "HTTP 404: no service account"), "%s",
	    eb.msg);
	memset(&w, 0, sizeof(w));
	cr_assert_eq(google_run(2, &t, &eb), SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "not a JWT"), "%s", eb.msg);
}

Test(oidc, google_detected_by_dmi_product_name)
{
	struct script s = { 0 };
	struct sgn_http *h = scripted(&s);
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	char *tok = jwt(claims("https://accounts.google.com", "1", ""));

	say(&s, 200, tok);
	w.dmi = "Google Compute Engine\n";
	e = w_env();
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, NULL, &t, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_str_eq(t.source, "google");
	cr_assert_str_eq(s.url[0], "http://metadata.google.internal/"
	    "computeMetadata/v1/instance/service-accounts/default/identity?"
	    "audience=sigstore&format=full");
	cr_assert(tu_has(s.hdrs[0], "Metadata-Flavor: Google\n"));
	sgn_oidc_token_reset(&t);
	/* Another machine: not detected, and the resolution moves on (to
	 * the interactive flows, whose discovery the script refuses). */
	memset(&s, 0, sizeof(s));
	w.dmi = "Standard PC (Q35 + ICH9, 2009)\n";
	o.have_terminal = 1;
	sgn_errbuf_clear(&eb);
	cr_assert_neq(sgn_oidc_get_token(h, &o, &e, NULL, &t, &eb), SGN_OK);
	cr_assert_str_eq(s.url[0], "https://oauth2.sigstore.dev/auth/"
	    ".well-known/openid-configuration");
	/* A metadata host that is not a host. */
	setenv_w("GCE_METADATA_HOST", "evil.example/x?");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "GCE_METADATA_HOST"), "%s", eb.msg);
	sgn_http_free(&h);
	free(tok);
}

Test(oidc, gitlab_token_from_id_tokens)
{
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	char *tok = jwt(claims("https://gitlab.com", "project_path:g/p:ref_"
	    "type:branch:ref:main", ""));

	setenv_w("GITLAB_CI", "true");
	/* Declared under id_tokens, but missing: said so. */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "GitLab CI: SIGSTORE_ID_TOKEN is not set"),
	    "%s", eb.msg);
	setenv_w("SIGSTORE_ID_TOKEN", tok);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_str_eq(t.source, "gitlab");
	cr_assert_str_eq(t.issuer, "https://gitlab.com");
	sgn_oidc_token_reset(&t);
	o.provider = "gitlab";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_str_eq(t.source, "gitlab");
	sgn_oidc_token_reset(&t);
	setenv_w("SIGSTORE_ID_TOKEN", "garbage");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb),
	    SGN_ERR_PARSE);
	free(tok);
}

/* Temporary directory with fake commands. */
static char tmpdir[64];

static void
tmp_make(void)
{
	tu_tmpdir("oidc", tmpdir, sizeof(tmpdir));
}

static void
tmp_script(const char *name, const char *body)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fprintf(fp, "#!/bin/sh\n%s\n", body);
	fclose(fp);
	cr_assert_eq(chmod(path, 0755), 0);
}

static void
tmp_remove(void)
{
	tu_rmtree(tmpdir);
}

static sgn_err
buildkite_run(const char *script, struct sgn_oidc_token *t,
    struct sgn_errbuf *eb)
{
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e;
	sgn_err r;

	tmp_make();
	if (script != NULL)
		tmp_script("buildkite-agent", script);
	setenv_w("BUILDKITE", "true");
	setenv_w("PATH", tmpdir);
	e = w_env();
	sgn_errbuf_clear(eb);
	r = sgn_oidc_get_token(NULL, &o, &e, NULL, t, eb);
	tmp_remove();
	return r;
}

Test(oidc, buildkite_token_from_the_agent)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	char *tok = jwt(claims("https://agent.buildkite.com", "organization:"
	    "acme:pipeline:app:ref:refs/heads/main", ""));
	char script[2048];

	snprintf(script, sizeof(script), "[ \"$*\" = \"oidc request-token "
	    "--audience sigstore\" ] || { echo \"bad args: $*\" >&2; exit 3; "
	    "}\necho 'noise' >&2\nprintf '%%s\\n' '%s'", tok);
	cr_assert_eq(buildkite_run(script, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(t.source, "buildkite");
	cr_assert_str_eq(t.issuer, "https://agent.buildkite.com");
	sgn_oidc_token_reset(&t);
	free(tok);
}

Test(oidc, buildkite_failing_agent)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	cr_assert_eq(buildkite_run("echo 'error: not authorized' >&2; exit 1",
	    &t, &eb), SGN_ERR_IO);
	cr_assert_str_eq(eb.msg, "buildkite-agent: exited with status 1: "
	    "error: not authorized");
	memset(&w, 0, sizeof(w));
	cr_assert_eq(buildkite_run("echo garbage", &t, &eb), SGN_ERR_PARSE);
	memset(&w, 0, sizeof(w));
	cr_assert_eq(buildkite_run(NULL, &t, &eb), SGN_ERR_IO);
	cr_assert_str_eq(eb.msg, "buildkite-agent: command not found");
	memset(&w, 0, sizeof(w));
	cr_assert_eq(buildkite_run("head -c 70000 /dev/zero | tr '\\0' a",
	    &t, &eb), SGN_ERR_LIMIT);
	cr_assert(tu_has(eb.msg, "output larger than 65536 bytes"), "%s",
	    eb.msg);
	memset(&w, 0, sizeof(w));
	cr_assert_eq(buildkite_run("kill -9 $$", &t, &eb), SGN_ERR_IO);
	cr_assert(tu_has(eb.msg, "exited with status -1"), "%s", eb.msg);
}

Test(oidc, circleci_token_from_the_cli)
{
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	char *tok = jwt(claims("https://oidc.circleci.com/org/1", "org/1/"
	    "project/2/user/3", ""));
	char out[2048];

	snprintf(out, sizeof(out), "%s\n", tok);
	w.use_run = 1;
	w.run_out = out;
	setenv_w("CIRCLECI", "true");
	e = w_env();
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_str_eq(t.source, "circleci");
	cr_assert_str_eq(w.argv_seen, "circleci|run|oidc|get|--claims|"
	    "{\"aud\":\"sigstore\"}");
	sgn_oidc_token_reset(&t);
	/* Failing, and garbage. */
	w.run_result = SGN_ERR_IO;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb),
	    SGN_ERR_IO);
	cr_assert_str_eq(eb.msg, "fake command failed");
	w.run_result = SGN_OK;
	w.run_out = "Error: not in a job\n";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb),
	    SGN_ERR_PARSE);
	free(tok);
}

Test(oidc, circleci_through_a_real_command)
{
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	char *tok = jwt(claims("https://oidc.circleci.com/org/1", "org/1",
	    ""));
	char script[2048];

	tmp_make();
	snprintf(script, sizeof(script), "[ \"$3 $4 $5\" = 'get --claims "
	    "{\"aud\":\"sigstore\"}' ] || exit 4\necho '%s'", tok);
	tmp_script("circleci", script);
	setenv_w("CIRCLECI", "true");
	setenv_w("PATH", tmpdir);
	e = w_env();
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_str_eq(t.source, "circleci");
	sgn_oidc_token_reset(&t);
	tmp_remove();
	free(tok);
}

/* Resolution order ------------------------------------------------------ */

Test(oidc, given_token_comes_first)
{
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	char *a = good_jwt("given"), *b = good_jwt("from-env");
	char line[2048];

	snprintf(line, sizeof(line), "%s\n", a);
	o.token = line;
	setenv_w("SIGSTORE_ID_TOKEN", b);
	setenv_w("ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh.example/x?a=b");
	setenv_w("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "reqtok");
	setenv_w("BUILDKITE", "true");
	w.use_run = 1;
	e = w_env();
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_str_eq(t.source, "token");
	cr_assert_str_eq(t.subject, "given");
	cr_assert_eq(t.jwt.len, strlen(a));
	sgn_oidc_token_reset(&t);
	/* Then SIGSTORE_ID_TOKEN, before any ambient provider. */
	o.token = NULL;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_str_eq(t.source, "env");
	cr_assert_str_eq(t.subject, "from-env");
	sgn_oidc_token_reset(&t);
	cr_assert_eq(w.runs, 0);
	free(a);
	free(b);
}

Test(oidc, given_token_file)
{
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	char *a = good_jwt("from-file");
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/signet-oidc-tok-XXXXXX");
	cr_assert_geq(fd = mkstemp(path), 0);
	cr_assert_eq(write(fd, a, strlen(a)), (ssize_t)strlen(a));
	cr_assert_eq(write(fd, "\r\n", 2), 2);
	close(fd);
	o.token_file = path;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, NULL, NULL, &t, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(t.source, "token-file");
	cr_assert_str_eq(t.subject, "from-file");
	sgn_oidc_token_reset(&t);
	/* --identity-token naming a file. */
	o.token_file = NULL;
	o.token = path;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, NULL, NULL, &t, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(t.source, "token-file");
	sgn_oidc_token_reset(&t);
	unlink(path);
	/* Neither a token nor a file: the value is not repeated. */
	o.token = "secret-looking-value";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, NULL, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(!tu_has(eb.msg, "secret-looking"), "%s", eb.msg);
	o.token = NULL;
	o.token_file = "/nonexistent/token";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, NULL, NULL, &t, &eb),
	    SGN_ERR_IO);
	o.token_file = "/tmp";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, NULL, NULL, &t, &eb),
	    SGN_ERR_IO);
	free(a);
}

Test(oidc, github_actions_comes_before_buildkite)
{
	struct fake f;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	setenv_w("BUILDKITE", "true");
	setenv_w("CIRCLECI", "true");
	w.use_run = 1;
	w.run_result = SGN_ERR_INTERNAL;
	cr_assert_eq(github_run(&f, 0, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(t.source, "github-actions");
	cr_assert_eq(w.runs, 0);
	sgn_oidc_token_reset(&t);
}

Test(oidc, disabled_ambient_providers_are_skipped)
{
	struct script s = { 0 };
	struct sgn_http *h = scripted(&s);
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	setenv_w("ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh.example/x?a=b");
	setenv_w("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "reqtok");
	setenv_w("GITLAB_CI", "true");
	setenv_w("BUILDKITE", "true");
	w.dmi = "Google";
	w.use_run = 1;
	e = w_env();
	o.disable_ambient = 1;
	o.have_terminal = 1;
	sgn_errbuf_clear(&eb);
	cr_assert_neq(sgn_oidc_get_token(h, &o, &e, NULL, &t, &eb), SGN_OK);
	/* Straight to the interactive flows: discovery first. */
	cr_assert_eq(s.calls, 1);
	cr_assert_str_eq(s.url[0], "https://oauth2.sigstore.dev/auth/"
	    ".well-known/openid-configuration");
	cr_assert_eq(w.runs, 0);
	/* An ambient provider named while they are disabled. */
	o.provider = "buildkite";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "ambient providers are disabled"), "%s",
	    eb.msg);
	sgn_http_free(&h);
}

Test(oidc, provider_forces_one_source)
{
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	char *tok = jwt(claims("https://agent.buildkite.com", "bk", ""));
	char *b = good_jwt("from-env");

	setenv_w("ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh.example/x?a=b");
	setenv_w("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "reqtok");
	setenv_w("SIGSTORE_ID_TOKEN", b);
	w.use_run = 1;
	w.run_out = tok;
	e = w_env();
	/* Not detected (no BUILDKITE=true), but named. */
	o.provider = "buildkite";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_str_eq(t.source, "buildkite");
	cr_assert_str_eq(w.argv_seen, "buildkite-agent|oidc|request-token|"
	    "--audience|sigstore");
	sgn_oidc_token_reset(&t);
	o.provider = "env";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_str_eq(t.source, "env");
	sgn_oidc_token_reset(&t);
	/* Other audiences reach the commands and the checks. */
	o.provider = "buildkite";
	o.audience = "other";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb),
	    SGN_ERR_POLICY);
	cr_assert(tu_has(w.argv_seen, "--audience|other"), "%s", w.argv_seen);
	o.audience = NULL;
	o.provider = "token";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	o.provider = "nope";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "unknown OIDC provider \"nope\""), "%s",
	    eb.msg);
	memset(&w, 0, sizeof(w));
	e = w_env();
	o.provider = "env";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(NULL, &o, &e, NULL, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "SIGSTORE_ID_TOKEN is not set");
	free(tok);
	free(b);
}

/* Discovery and the device flow ---------------------------------------- */

#define ISS	"https://idp.example"
static const char discovery[] = "{\"issuer\":\"" ISS "\","
    "\"authorization_endpoint\":\"" ISS "/auth\","
    "\"token_endpoint\":\"" ISS "/oauth/token\","
    "\"device_authorization_endpoint\":\"" ISS "/device/code\","
    "\"code_challenge_methods_supported\":[\"plain\",\"S256\"],"
    "\"jwks_uri\":\"" ISS "/keys\"}";
static const char device_reply[] = "{\"device_code\":\"DEVCODE\","
    "\"user_code\":\"ABCD-EFGH\",\"verification_uri\":\"" ISS "/device\","
    "\"expires_in\":600}";
static char id_reply[4096];

static struct sgn_oidc_opts
idp_opts(void)
{
	struct sgn_oidc_opts o = opts();

	o.issuer = ISS;
	o.provider = "device";
	return o;
}

static void
make_id_reply(const char *iss)
{
	char *tok = jwt(claims(iss, "alice", ",\"email\":\"alice@example."
	    "com\",\"email_verified\":true"));

	snprintf(id_reply, sizeof(id_reply), "{\"access_token\":\"at\","
	    "\"token_type\":\"bearer\",\"id_token\":\"%s\"}", tok);
	free(tok);
}

Test(oidc, device_flow_polls_and_slows_down)
{
	struct script s = { 0 };
	struct sgn_http *h = scripted(&s);
	struct sgn_oidc_opts o = idp_opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_ui u = w_ui();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	int i;

	make_id_reply(ISS);
	say(&s, 200, discovery);
	say(&s, 200, device_reply);
	say(&s, 400, "{\"error\":\"authorization_pending\"}");
	say(&s, 400, "{\"error\":\"slow_down\"}");
	say(&s, 400, "{\"error\":\"authorization_pending\"}");
	say(&s, 200, id_reply);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_str_eq(t.source, "device");
	cr_assert_str_eq(t.email, "alice@example.com");
	sgn_oidc_token_reset(&t);
	cr_assert_str_eq(w.shown_url, ISS "/device");
	cr_assert_str_eq(w.shown_code, "ABCD-EFGH");
	/* Endpoints from discovery. */
	cr_assert_str_eq(s.url[0], ISS "/.well-known/openid-configuration");
	cr_assert_str_eq(s.url[1], ISS "/device/code");
	cr_assert(tu_has(s.sent[1], "scope=openid%20email"), "%s", s.sent[1]);
	cr_assert(tu_has(s.sent[1], "code_challenge_method=S256"));
	cr_assert(tu_has(s.sent[1], "client_id=sigstore"));
	cr_assert(tu_has(s.hdrs[1], "Content-Type: application/"
	    "x-www-form-urlencoded\n"));
	for (i = 2; i < 6; i++) {
		cr_assert_str_eq(s.url[i], ISS "/oauth/token");
		cr_assert(tu_has(s.sent[i], "grant_type=urn%3Aietf%3Aparams%3A"
		    "oauth%3Agrant-type%3Adevice_code&device_code=DEVCODE&"
		    "code_verifier="), "%s", s.sent[i]);
		cr_assert(tu_has(s.sent[i], "&client_id=sigstore"));
		/* A public client: no Basic authentication. */
		cr_assert(!tu_has(s.hdrs[i], "Authorization"));
	}
	/* interval 5 s by default, + 5 s on slow_down (RFC 8628 §3.5). */
	cr_assert_eq(w.n_sleeps, 4);
	cr_assert_eq(w.sleeps[0], 5000);
	cr_assert_eq(w.sleeps[1], 5000);
	cr_assert_eq(w.sleeps[2], 10000);
	cr_assert_eq(w.sleeps[3], 10000);
	sgn_http_free(&h);
}

Test(oidc, device_flow_stops_on_denial_and_expiry)
{
	struct script s = { 0 };
	struct sgn_http *h = scripted(&s);
	struct sgn_oidc_opts o = idp_opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_ui u = w_ui();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	say(&s, 200, discovery);
	say(&s, 200, device_reply);
	say(&s, 400, "{\"error\":\"access_denied\"}");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_POLICY);
	cr_assert_str_eq(eb.msg, "the device sign-in was denied");

	memset(&s, 0, sizeof(s));
	say(&s, 200, discovery);
	say(&s, 200, device_reply);
	say(&s, 400, "{\"error\":\"authorization_pending\"}");
	say(&s, 400, "{\"error\":\"expired_token\"}");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_POLICY);
	cr_assert(tu_has(eb.msg, "expired"), "%s", eb.msg);

	/* expires_in reached: 12 s at 5 s a poll makes two polls. */
	memset(&s, 0, sizeof(s));
	w.n_sleeps = 0;
	say(&s, 200, discovery);
	say(&s, 200, "{\"device_code\":\"D\",\"user_code\":\"U\","
	    "\"verification_uri\":\"" ISS "/device\",\"verification_uri_"
	    "complete\":\"" ISS "/device?user_code=U\",\"expires_in\":12,"
	    "\"interval\":5}");
	say(&s, 400, "{\"error\":\"authorization_pending\"}");
	say(&s, 400, "{\"error\":\"authorization_pending\"}");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_POLICY);
	cr_assert_str_eq(eb.msg, "the device sign-in was not completed "
	    "within 12 s");
	cr_assert_eq(s.calls, 4);
	cr_assert_eq(w.n_sleeps, 2);
	cr_assert_str_eq(w.shown_url, ISS "/device?user_code=U");

	/* Any other error ends it too, with the provider's words. */
	memset(&s, 0, sizeof(s));
	say(&s, 200, discovery);
	say(&s, 200, device_reply);
	say(&s, 401, "{\"error\":\"invalid_client\",\"error_description\":"
	    "\"unknown client\"}");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_HTTP_STATUS);
	cr_assert_str_eq(eb.msg, "OIDC token endpoint: HTTP 401: "
	    "invalid_client: unknown client");
	sgn_http_free(&h);
}

Test(oidc, device_flow_checks_the_token_issuer)
{
	struct script s = { 0 };
	struct sgn_http *h = scripted(&s);
	struct sgn_oidc_opts o = idp_opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_ui u = w_ui();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	make_id_reply("https://elsewhere.example");
	say(&s, 200, discovery);
	say(&s, 200, device_reply);
	say(&s, 200, id_reply);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_POLICY);
	cr_assert(tu_has(eb.msg, "issuer is \"https://elsewhere.example\""),
	    "%s", eb.msg);
	cr_assert_null(t.jwt.ptr);
	sgn_http_free(&h);
}

Test(oidc, device_flow_without_a_terminal_only_when_named)
{
	struct script s = { 0 };
	struct sgn_http *h = scripted(&s);
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_ui u = w_ui();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	make_id_reply(ISS);
	o.issuer = ISS;
	/* nobody at a terminal: no flow starts by itself */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "no terminal"), "%s", eb.msg);
	cr_assert_eq(s.calls, 0);
	o.provider = "device";
	say(&s, 200, discovery);
	say(&s, 200, device_reply);
	say(&s, 200, id_reply);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_str_eq(t.source, "device");
	cr_assert_eq(w.opened, 0);
	sgn_oidc_token_reset(&t);
	/* force_device with a terminal; a client secret goes in Basic. */
	o.provider = NULL;
	memset(&s, 0, sizeof(s));
	say(&s, 200, discovery);
	say(&s, 200, device_reply);
	say(&s, 200, id_reply);
	o.have_terminal = 1;
	o.force_device = 1;
	o.client_secret = "s3cret";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb), SGN_OK, "%s",
	    eb.msg);
	/* base64("sigstore:s3cret") */
	cr_assert(tu_has(s.hdrs[1], "Authorization: Basic "
	    "c2lnc3RvcmU6czNjcmV0\n"), "%s", s.hdrs[1]);
	sgn_oidc_token_reset(&t);
	o.force_oob = 1;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	sgn_http_free(&h);
}

Test(oidc, discovery_refuses_another_issuer)
{
	struct script s = { 0 };
	struct sgn_http *h = scripted(&s);
	struct sgn_oidc_opts o = idp_opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_ui u = w_ui();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	say(&s, 200, "{\"issuer\":\"https://evil.example\","
	    "\"authorization_endpoint\":\"https://evil.example/auth\","
	    "\"token_endpoint\":\"https://evil.example/token\"}");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_POLICY);
	cr_assert_str_eq(eb.msg, "OIDC discovery: issuer is "
	    "\"https://evil.example\", not \"https://idp.example\"");
	cr_assert_eq(s.calls, 1);
	cr_assert_eq(w.shown, 0);
	sgn_http_free(&h);
}

Test(oidc, discovery_refuses_bad_documents)
{
	static const struct {
		long status;
		const char *body, *msg;
		sgn_err err;
	} cases[] = {
		{ 404, "not found", "OIDC discovery at https://idp.example: "
		    "HTTP 404: not found", SGN_ERR_HTTP_STATUS },
		{ 200, "{\"issuer\":\"" ISS "\",\"authorization_endpoint\":"
		    "\"http://idp.example/auth\",\"token_endpoint\":\"" ISS
		    "/t\"}", "authorization_endpoint \"http://idp.example/"
		    "auth\" is not an https URL", SGN_ERR_POLICY },
		{ 200, "{\"issuer\":\"" ISS "\",\"authorization_endpoint\":"
		    "\"" ISS "/a\"}", "missing \"token_endpoint\"",
		    SGN_ERR_PARSE },
		{ 200, "{\"issuer\":\"" ISS "\",\"authorization_endpoint\":"
		    "\"" ISS "/a\",\"token_endpoint\":\"" ISS "/t\","
		    "\"code_challenge_methods_supported\":[\"plain\"]}",
		    "does not support PKCE S256", SGN_ERR_UNSUPPORTED },
		{ 200, "{\"issuer\":\"" ISS "\",\"authorization_endpoint\":"
		    "\"" ISS "/a\",\"token_endpoint\":\"" ISS "/t\"}",
		    "has no device authorization endpoint",
		    SGN_ERR_UNSUPPORTED },
		{ 200, "[]", "OIDC discovery: not a JSON object",
		    SGN_ERR_PARSE },
	};
	struct sgn_oidc_opts o = idp_opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_ui u = w_ui();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	struct script s;
	struct sgn_http *h;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&s, 0, sizeof(s));
		h = scripted(&s);
		say(&s, cases[i].status, cases[i].body);
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
		    cases[i].err, "case %zu: %s", i, eb.msg);
		cr_assert(tu_has(eb.msg, cases[i].msg), "case %zu: %s", i,
		    eb.msg);
		sgn_http_free(&h);
	}
	/* An issuer that is not https is not asked. */
	o.issuer = "http://idp.example";
	memset(&s, 0, sizeof(s));
	h = scripted(&s);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(s.calls, 0);
	cr_assert(tu_has(eb.msg, "OIDC issuer: refusing http://idp.example:"
	    " https only"), "%s", eb.msg);
	sgn_http_free(&h);
	/* Nor one whose "loopback" host is a user name for another host. */
	o.issuer = "http://localhost:80@evil.invalid";
	memset(&s, 0, sizeof(s));
	h = scripted(&s);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(s.calls, 0);
	cr_assert(tu_has(eb.msg, "OIDC issuer: refusing a URL with a user "
	    "name or password"), "%s", eb.msg);
	sgn_http_free(&h);
}

Test(oidc, github_actions_request_url_with_a_user_name_gets_no_token)
{
	static const char *const urls[] = {
		"http://localhost:80@evil.invalid/token?api-version=2.0",
		"http://[::1]:@evil.invalid/token",
		"https://runner@evil.invalid/token",
	};
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e;
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	struct script s;
	struct sgn_http *h;
	size_t i;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		setenv_w("ACTIONS_ID_TOKEN_REQUEST_URL", urls[i]);
		setenv_w("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "reqtok");
		e = w_env();
		o.provider = "github-actions";
		memset(&s, 0, sizeof(s));
		h = scripted(&s);
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_oidc_get_token(h, &o, &e, NULL, &t, &eb),
		    SGN_ERR_INVALID_ARGUMENT, "%s: %s", urls[i], eb.msg);
		/* The request token never left. */
		cr_assert_eq(s.calls, 0, "%s", urls[i]);
		cr_assert(tu_has(eb.msg, "user name or password"), "%s",
		    eb.msg);
		cr_assert(!tu_has(eb.msg, "reqtok"), "%s", eb.msg);
		sgn_http_free(&h);
	}
}

/* The authorization code flow, end to end ------------------------------- */

static int
hexv(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ?
	    c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Value of key in a query or form (percent-decoded), or "". */
static void
qget(const char *q, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key), k = 0;
	const char *p = q;

	out[0] = '\0';
	while (p != NULL && *p != '\0' && *p != ' ') {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			p += kl + 1;
			while (*p != '\0' && *p != '&' && *p != ' ' &&
			    k + 1 < cap) {
				if (*p == '%' && hexv(p[1]) >= 0 &&
				    hexv(p[2]) >= 0) {
					out[k++] = (char)(hexv(p[1]) * 16 +
					    hexv(p[2]));
					p += 3;
				} else {
					out[k++] = *p == '+' ? ' ' : *p;
					p++;
				}
			}
			out[k] = '\0';
			return;
		}
		p = strchr(p, '&');
		if (p != NULL)
			p++;
	}
}

enum { IDP_OK, IDP_WRONG_STATE, IDP_ERROR, IDP_WRONG_NONCE };

/* saved: 0 state, 1 nonce, 2 challenge, 3 redirect_uri */
static void
idp_fake(struct fake *f, const char *req, const char *body, char *out,
    size_t cap)
{
	char iss[64], b[8192], loc[4096], v[1024];
	const char *q;
	uint8_t dig[32];
	char want[64];
	char *tok;

	snprintf(iss, sizeof(iss), "http://127.0.0.1:%d", f->port);
	if (strncmp(req, "GET /.well-known/openid-configuration ", 38) == 0) {
		snprintf(b, sizeof(b), "{\"issuer\":\"%s\","
		    "\"authorization_endpoint\":\"%s/auth\","
		    "\"token_endpoint\":\"%s/token\"}", iss, iss, iss);
		reply(out, cap, 200, "application/json", "", b);
		return;
	}
	if (strncmp(req, "GET /auth?", 10) == 0) {
		q = req + 10;
		qget(q, "response_type", v, sizeof(v));
		if (strcmp(v, "code") != 0)
			goto bad;
		qget(q, "client_id", v, sizeof(v));
		if (strcmp(v, "sigstore") != 0)
			goto bad;
		qget(q, "scope", v, sizeof(v));
		if (strcmp(v, "openid email") != 0)
			goto bad;
		qget(q, "code_challenge_method", v, sizeof(v));
		if (strcmp(v, "S256") != 0)
			goto bad;
		qget(q, "state", f->saved[0], sizeof(f->saved[0]));
		qget(q, "nonce", f->saved[1], sizeof(f->saved[1]));
		qget(q, "code_challenge", f->saved[2], sizeof(f->saved[2]));
		qget(q, "redirect_uri", f->saved[3], sizeof(f->saved[3]));
		if (f->saved[0][0] == '\0' || f->saved[1][0] == '\0' ||
		    strlen(f->saved[2]) != 43)
			goto bad;
		if (f->mode == IDP_ERROR)
			snprintf(loc, sizeof(loc), "Location: %s?error="
			    "access_denied&error_description=the+user+said+"
			    "no&state=%s\r\n", f->saved[3], f->saved[0]);
		else
			snprintf(loc, sizeof(loc), "Location: %s?code=C0DE%%2F1"
			    "&state=%s\r\n", f->saved[3],
			    f->mode == IDP_WRONG_STATE ? "forged" :
			    f->saved[0]);
		reply(out, cap, 302, "text/html", loc, "");
		return;
	}
	if (strncmp(req, "POST /token ", 12) == 0) {
		qget(body, "grant_type", v, sizeof(v));
		if (strcmp(v, "authorization_code") != 0)
			goto bad;
		qget(body, "code", v, sizeof(v));
		if (strcmp(v, "C0DE/1") != 0)
			goto bad;
		qget(body, "client_id", v, sizeof(v));
		if (strcmp(v, "sigstore") != 0)
			goto bad;
		qget(body, "redirect_uri", v, sizeof(v));
		if (strcmp(v, f->saved[3]) != 0)
			goto bad;
		/* PKCE: S256(verifier) must be the challenge. */
		qget(body, "code_verifier", v, sizeof(v));
		if (strlen(v) != 43 || EVP_Digest(v, strlen(v), dig, NULL,
		    EVP_sha256(), NULL) != 1)
			goto bad;
		b64url(dig, sizeof(dig), want);
		if (strcmp(want, f->saved[2]) != 0)
			goto bad;
		snprintf(b, sizeof(b), ",\"email\":\"alice@example.com\","
		    "\"email_verified\":true,\"nonce\":\"%s\"",
		    f->mode == IDP_WRONG_NONCE ? "other" : f->saved[1]);
		tok = jwt(claims(iss, "alice", b));
		snprintf(b, sizeof(b), "{\"id_token\":\"%s\"}", tok);
		free(tok);
		reply(out, cap, 200, "application/json", "", b);
		return;
	}
	reply(out, cap, 404, "text/plain", "", "not found");
	return;
bad:
	reply(out, cap, 400, "application/json", "",
	    "{\"error\":\"invalid_grant\",\"error_description\":\"the fake "
	    "refused the request\"}");
}

/* The browser: a thread that follows the redirect by hand. */
struct browser {
	pthread_t	 th;
	int		 started;
	char		 url[4096];
	long		 idp_status;
	long		 favicon_status;
	long		 cb_status;
	char		 cb_body[1024];
};

static struct browser br;

static long
get(struct sgn_http *h, const char *url, char *loc, size_t loclen,
    char *body, size_t bodylen)
{
	struct sgn_http_request req;
	struct sgn_http_response res;
	long st;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	if (sgn_http_do(h, "browser", &req, &res, NULL) != SGN_OK)
		return -1;
	st = res.status;
	if (loc != NULL)
		snprintf(loc, loclen, "%s", res.location);
	if (body != NULL)
		snprintf(body, bodylen, "%s", res.body.ptr != NULL ?
		    (char *)res.body.ptr : "");
	sgn_http_response_reset(&res);
	return st;
}

static void *
browser_main(void *arg)
{
	struct browser *b = arg;
	struct sgn_http_opts o;
	struct sgn_http *h = NULL;
	struct sockaddr_in a;
	char loc[4096], fav[4096];
	char *p;
	int idle = -1, port;

	memset(&o, 0, sizeof(o));
	o.max_attempts = 1;
	o.timeout_ms = 10000;
	if (sgn_http_new(&o, &h, NULL) != SGN_OK)
		return NULL;
	b->idp_status = get(h, b->url, loc, sizeof(loc), NULL, 0);
	if (b->idp_status != 302)
		goto out;
	/* A connection that never speaks (browsers pre-connect). */
	if ((p = strstr(loc, "127.0.0.1:")) != NULL) {
		port = (int)strtol(p + 10, NULL, 10);
		idle = socket(AF_INET, SOCK_STREAM, 0);
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.sin_port = htons((uint16_t)port);
		(void)connect(idle, (struct sockaddr *)&a, sizeof(a));
	}
	snprintf(fav, sizeof(fav), "%s", loc);
	if ((p = strstr(fav, "/auth/callback")) != NULL) {
		snprintf(p, sizeof(fav) - (size_t)(p - fav), "/favicon.ico");
		b->favicon_status = get(h, fav, NULL, 0, NULL, 0);
	}
	b->cb_status = get(h, loc, NULL, 0, b->cb_body, sizeof(b->cb_body));
out:
	if (idle >= 0)
		close(idle);
	sgn_http_free(&h);
	return NULL;
}

static void
start_browser(struct world *x, const char *url)
{
	(void)x;
	snprintf(br.url, sizeof(br.url), "%s", url);
	cr_assert_eq(pthread_create(&br.th, NULL, browser_main, &br), 0);
	br.started = 1;
}

static sgn_err
code_flow(int mode, struct sgn_oidc_token *t, struct sgn_errbuf *eb)
{
	struct fake f;
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_ui u = w_ui();
	struct sgn_http *h = real_http();
	char iss[64];
	sgn_err r;

	memset(&f, 0, sizeof(f));
	f.fn = idp_fake;
	f.mode = mode;
	/* discovery, authorization, token */
	fake_start(&f, mode == IDP_OK || mode == IDP_WRONG_NONCE ? 3 : 2);
	snprintf(iss, sizeof(iss), "http://127.0.0.1:%d", f.port);
	o.issuer = iss;
	o.have_terminal = 1;
	o.have_browser = 1;
	o.timeout_s = 20;
	w.on_show = start_browser;
	sgn_errbuf_clear(eb);
	r = sgn_oidc_get_token(h, &o, &e, &u, t, eb);
	if (br.started)
		pthread_join(br.th, NULL);
	fake_stop(&f);
	sgn_http_free(&h);
	return r;
}

Test(oidc, auth_code_flow_end_to_end)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	const char *ch;

	cr_assert_eq(code_flow(IDP_OK, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(t.source, "interactive");
	cr_assert_eq(sgn_oidc_token_challenge(&t, &ch, &eb), SGN_OK);
	cr_assert_str_eq(ch, "alice@example.com");
	sgn_oidc_token_reset(&t);
	cr_assert_eq(w.shown, 1);
	cr_assert_eq(w.opened, 1);
	cr_assert(tu_has(w.shown_url, "/auth?response_type=code&client_id="
	    "sigstore&scope=openid%20email&redirect_uri=http%3A%2F%2F"
	    "127.0.0.1%3A"), "%s", w.shown_url);
	cr_assert(tu_has(w.shown_url, "%2Fauth%2Fcallback&code_challenge="));
	cr_assert(tu_has(w.shown_url, "&code_challenge_method=S256&state="));
	cr_assert(tu_has(w.shown_url, "&nonce="));
	cr_assert_eq(br.idp_status, 302);
	cr_assert_eq(br.favicon_status, 404);
	cr_assert_eq(br.cb_status, 200);
	cr_assert(tu_has(br.cb_body, "Signed in"), "%s", br.cb_body);
}

Test(oidc, auth_code_flow_rejects_a_wrong_state)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	cr_assert_eq(code_flow(IDP_WRONG_STATE, &t, &eb), SGN_ERR_POLICY);
	cr_assert(tu_has(eb.msg, "state does not match"), "%s", eb.msg);
	cr_assert_eq(br.cb_status, 400);
	cr_assert_null(t.jwt.ptr);
}

Test(oidc, auth_code_flow_reports_a_refusal)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	cr_assert_eq(code_flow(IDP_ERROR, &t, &eb), SGN_ERR_POLICY);
	cr_assert_str_eq(eb.msg, "sign-in failed: access_denied: the user "
	    "said no");
	cr_assert_eq(br.cb_status, 200);
}

Test(oidc, auth_code_flow_rejects_a_wrong_nonce)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	cr_assert_eq(code_flow(IDP_WRONG_NONCE, &t, &eb), SGN_ERR_POLICY);
	cr_assert(tu_has(eb.msg, "nonce does not match"), "%s", eb.msg);
	cr_assert_null(t.jwt.ptr);
}

Test(oidc, auth_code_flow_times_out)
{
	struct script s = { 0 };
	struct sgn_http *h = scripted(&s);
	struct sgn_oidc_opts o = idp_opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_ui u = w_ui();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;

	say(&s, 200, discovery);
	o.provider = "interactive";
	o.have_terminal = 1;
	o.timeout_s = 1;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_NETWORK);
	cr_assert_str_eq(eb.msg, "no sign-in within 1 s");
	cr_assert_eq(w.shown, 1);
	cr_assert_eq(w.opened, 0);	/* no browser */
	sgn_http_free(&h);
}

/* Out of band: the person opens the URL, the provider shows the code. */
static void
person(struct world *x, const char *url)
{
	static char loc[4096], code[256];
	struct sgn_http *h = real_http();
	char *p;

	(void)x;
	cr_assert_eq(get(h, url, loc, sizeof(loc), NULL, 0), 302);
	cr_assert(strncmp(loc, "urn:ietf:wg:oauth:2.0:oob?code=", 31) == 0,
	    "%s", loc);
	snprintf(code, sizeof(code), "  %s", loc + 31);
	p = strchr(code, '&');
	cr_assert_not_null(p);
	snprintf(p, sizeof(code) - (size_t)(p - code), "\n");
	p = strstr(code, "%2F");
	cr_assert_not_null(p);
	*p = '/';
	memmove(p + 1, p + 3, strlen(p + 3) + 1);
	w.code = code;
	sgn_http_free(&h);
}

Test(oidc, oob_flow_reads_the_pasted_code)
{
	struct fake f;
	struct sgn_oidc_opts o = opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_ui u = w_ui();
	struct sgn_http *h = real_http();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	char iss[64];

	memset(&f, 0, sizeof(f));
	f.fn = idp_fake;
	fake_start(&f, 3);
	snprintf(iss, sizeof(iss), "http://127.0.0.1:%d", f.port);
	o.issuer = iss;
	o.have_terminal = 1;
	o.force_oob = 1;
	w.on_show = person;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_str_eq(t.source, "oob");
	cr_assert(tu_has(w.shown_url, "redirect_uri=urn%3Aietf%3Awg%3Aoauth"
	    "%3A2.0%3Aoob&"), "%s", w.shown_url);
	sgn_oidc_token_reset(&t);
	fake_stop(&f);
	/* Without a way to read the code. */
	u.read_code = NULL;
	memset(&f, 0, sizeof(f));
	f.fn = idp_fake;
	fake_start(&f, 1);
	snprintf(iss, sizeof(iss), "http://127.0.0.1:%d", f.port);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "read a code"), "%s", eb.msg);
	fake_stop(&f);
	sgn_http_free(&h);
}

/* The redirect server on its own: what it answers and ignores. */
static void
poke(struct world *x, const char *url)
{
	static const char *const reqs[] = {
		"POST /auth/callback HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /other?code=x HTTP/1.1\r\n\r\n",
		"GET /auth/callback?code=a%ZZ&state=s HTTP/1.1\r\n\r\n",
	};
	struct sockaddr_in a;
	char buf[2048], big[9000];
	const char *p;
	size_t i;
	ssize_t n;
	int fd, port;

	p = strstr(url, "127.0.0.1%3A");
	cr_assert_not_null(p);
	port = (int)strtol(p + 12, NULL, 10);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	/* The server runs only once show_url returns: a child pokes it. */
	if ((x->poker = fork()) != 0)
		return;
	/* More than the server reads for one request: 431, and closed. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		_exit(1);
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	(void)send(fd, big, sizeof(big), MSG_NOSIGNAL);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 12 || memcmp(buf, "HTTP/1.1 431", 12) != 0)
		_exit(2);
	close(fd);
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
			_exit(1);
		if (write(fd, reqs[i], strlen(reqs[i])) < 0)
			_exit(1);
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		(void)n;
	}
	_exit(0);
}

Test(oidc, redirect_server_ignores_other_requests)
{
	struct script s = { 0 };
	struct sgn_http *h = scripted(&s);
	struct sgn_oidc_opts o = idp_opts();
	struct sgn_oidc_env e = w_env();
	struct sgn_oidc_ui u = w_ui();
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	int st;

	say(&s, 200, discovery);
	o.provider = "interactive";
	o.have_terminal = 1;
	o.timeout_s = 10;
	w.on_show = poke;
	sgn_errbuf_clear(&eb);
	/* Too much, a POST and another path are ignored; a malformed
	 * callback ends the sign-in. */
	cr_assert_eq(sgn_oidc_get_token(h, &o, &e, &u, &t, &eb),
	    SGN_ERR_PARSE);
	cr_assert_str_eq(eb.msg, "the sign-in redirect was malformed");
	cr_assert_eq(wait(&st), w.poker);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "poker: %d", st);
	sgn_http_free(&h);
}

Test(oidc, xdg_open_runs_the_opener)
{
	char path[256], out[256], script[512];
	FILE *fp;

	tmp_make();
	snprintf(out, sizeof(out), "%s/opened", tmpdir);
	snprintf(script, sizeof(script), "printf '%%s' \"$1\" > %s", out);
	tmp_script("xdg-open", script);
	cr_assert_eq(setenv("PATH", tmpdir, 1), 0);
	cr_assert_eq(sgn_oidc_xdg_open(NULL, "https://idp.example/auth?x=1"),
	    0);
	fp = fopen(out, "r");
	cr_assert_not_null(fp);
	cr_assert_not_null(fgets(path, sizeof(path), fp));
	fclose(fp);
	cr_assert_str_eq(path, "https://idp.example/auth?x=1");
	cr_assert_eq(sgn_oidc_xdg_open(NULL, "-x"), -1);
	cr_assert_eq(sgn_oidc_xdg_open(NULL, "file:///etc/passwd"), -1);
	tmp_script("xdg-open", "exit 3");
	cr_assert_eq(sgn_oidc_xdg_open(NULL, "https://idp.example/"), -1);
	tmp_remove();
}
