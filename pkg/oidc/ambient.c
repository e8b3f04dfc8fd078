/*
 * Tokens that need no person: a token or token file the caller names,
 * SIGSTORE_ID_TOKEN, and the ambient credentials of CI systems (REFERENCE
 * §12.4):
 *
 * - GitHub Actions: GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=sigstore
 *   with "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN", reply
 *   {"value": JWT};
 * - GitLab CI: a job declares `id_tokens: SIGSTORE_ID_TOKEN: aud:
 *   sigstore`, and the runner sets that variable;
 * - Buildkite: `buildkite-agent oidc request-token --audience sigstore`;
 * - CircleCI: `circleci run oidc get --claims '{"aud":"sigstore"}'`;
 * - Google Cloud: the metadata server's identity endpoint, on machines
 *   whose DMI product name says Google or where GCE_METADATA_HOST is set.
 *
 * Commands run without a shell, with a timeout and a cap on their output.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "oidc_int.h"

/* A token file: the token plus some whitespace. */
#define MAX_TOKEN_FILE	(SGN_OIDC_MAX_TOKEN + 4096)

const char *const sgn_oidc_ambient_names[] = {
	"github-actions", "gitlab", "buildkite", "circleci", "google", NULL,
};

/* Given tokens ---------------------------------------------------------- */

/* Reads a token file (a regular file or a pipe) into b, wiping what it
 * reads through. */
static sgn_err
read_token_file(const char *path, struct sgn_buf *b, struct sgn_errbuf *eb)
{
	struct stat st;
	uint8_t chunk[4096];
	ssize_t n;
	int fd;
	sgn_err r = SGN_ERR_IO;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return sgn_errf(eb, SGN_ERR_IO, "identity token file %.200s: "
		    "%s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) ||
	    S_ISFIFO(st.st_mode))) {
		r = sgn_errf(eb, SGN_ERR_IO, "identity token file %.200s: "
		    "not a regular file", path);
		goto out;
	}
	sgn_buf_init(b, MAX_TOKEN_FILE);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = sgn_errf(eb, SGN_ERR_IO, "identity token file "
			    "%.200s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (sgn_buf_append(b, chunk, (size_t)n, NULL) != SGN_OK) {
			r = sgn_errf(eb, SGN_ERR_LIMIT, "identity token file "
			    "%.200s is larger than %u bytes", path,
			    MAX_TOKEN_FILE);
			goto out;
		}
	}
	r = SGN_OK;
out:
	sgn_memzero(chunk, sizeof(chunk));
	close(fd);
	return r;
}

static sgn_err
from_file(const struct sgn_oidc_ctx *c, const char *path,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	struct sgn_buf b;
	sgn_err r;

	memset(&b, 0, sizeof(b));
	if ((r = read_token_file(path, &b, eb)) == SGN_OK)
		r = sgn_oidc_accept(c, (const char *)b.ptr, b.len,
		    "token-file", c->audience, out, eb);
	sgn_buf_reset(&b);
	return r;
}

/* A JWT is base64url and two dots; anything else names a file. */
static int
looks_like_jwt(const char *s)
{
	size_t i, n = strlen(s), dots = 0;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' '))
		n--;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '.')
			dots++;
		else if (!((ch >= 'A' && ch <= 'Z') ||
		    (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_'))
			return 0;
	}
	return dots == 2;
}

sgn_err
sgn_oidc_given(const struct sgn_oidc_ctx *c, struct sgn_oidc_token *out,
    struct sgn_errbuf *eb)
{
	struct stat st;

	if (c->o.token != NULL) {
		if (looks_like_jwt(c->o.token))
			return sgn_oidc_accept(c, c->o.token,
			    strlen(c->o.token), "token", c->audience, out, eb);
		/* Never echo the value: it may be a mistyped token. */
		if (stat(c->o.token, &st) != 0)
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "the "
			    "identity token given is neither a JWT nor a "
			    "file");
		return from_file(c, c->o.token, out, eb);
	}
	if (c->o.token_file != NULL)
		return from_file(c, c->o.token_file, out, eb);
	return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no identity token "
	    "given");
}

static int
env_true(const struct sgn_oidc_ctx *c, const char *name)
{
	const char *v = sgn_oidc_getenv(c, name);

	return v != NULL && strcmp(v, "true") == 0;
}

sgn_err
sgn_oidc_from_env(const struct sgn_oidc_ctx *c, int *found,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	const char *v = sgn_oidc_getenv(c, "SIGSTORE_ID_TOKEN");

	*found = 0;
	if (v == NULL)
		return SGN_OK;
	*found = 1;
	return sgn_oidc_accept(c, v, strlen(v), env_true(c, "GITLAB_CI") ?
	    "gitlab" : "env", c->audience, out, eb);
}

/* Commands -------------------------------------------------------------- */

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* argv[0] through PATH, as execvp would (but with the injected PATH). */
static sgn_err
find_program(const char *name, const char *path, char *out, size_t outlen,
    struct sgn_errbuf *eb)
{
	struct stat st;
	const char *p, *e;
	size_t n;
	int k;

	if (strchr(name, '/') != NULL) {
		k = snprintf(out, outlen, "%s", name);
		if (k < 0 || (size_t)k >= outlen)
			return sgn_errf(eb, SGN_ERR_LIMIT, "command path too "
			    "long");
		return SGN_OK;
	}
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = e + 1) {
		e = strchr(p, ':');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n == 0)
			k = snprintf(out, outlen, "./%s", name);
		else
			k = snprintf(out, outlen, "%.*s/%s", (int)n, p, name);
		if (k > 0 && (size_t)k < outlen && stat(out, &st) == 0 &&
		    S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return SGN_OK;
		if (e == NULL)
			break;
	}
	return sgn_errf(eb, SGN_ERR_IO, "%.64s: command not found", name);
}

/* The first line of a command's error output, for a message. */
static void
first_line(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i, k = 0;

	for (i = 0; i < n && (s[i] == ' ' || s[i] == '\n'); i++)
		;
	for (; i < n && s[i] != '\n' && k + 1 < outlen; i++)
		out[k++] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
	out[k] = '\0';
}

static sgn_err
run_default(const struct sgn_oidc_ctx *c, char *const argv[],
    long timeout_ms, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	posix_spawn_file_actions_t fa;
	struct pollfd pfd[2];
	char prog[PATH_MAX], errtext[512], line[160];
	uint8_t chunk[4096];
	size_t elen = 0;
	int opipe[2] = { -1, -1 }, epipe[2] = { -1, -1 };
	int fa_ok = 0, status = 0, timed_out = 0, over = 0, failed = 0;
	int rc, i;
	int64_t deadline, left;
	pid_t pid = -1;
	ssize_t n;
	sgn_err r;

	if ((r = find_program(argv[0], sgn_oidc_getenv(c, "PATH"), prog,
	    sizeof(prog), eb)) != SGN_OK)
		return r;
	r = SGN_ERR_IO;
	if (pipe2(opipe, O_CLOEXEC) != 0 || pipe2(epipe, O_CLOEXEC) != 0) {
		r = sgn_errf(eb, SGN_ERR_IO, "pipe: %s", strerror(errno));
		goto out;
	}
	if (posix_spawn_file_actions_init(&fa) != 0) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	fa_ok = 1;
	if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
	    0) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, opipe[1], 1) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, epipe[1], 2) != 0) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* The child inherits the environment: the CI agents read their
	 * own credentials from it. */
	if ((rc = posix_spawn(&pid, prog, &fa, NULL, argv, environ)) != 0) {
		pid = -1;
		r = sgn_errf(eb, SGN_ERR_IO, "%.64s: %s", argv[0],
		    strerror(rc));
		goto out;
	}
	close(opipe[1]);
	close(epipe[1]);
	opipe[1] = epipe[1] = -1;
	deadline = mono_ms() + timeout_ms;
	while ((opipe[0] >= 0 || epipe[0] >= 0) && !over && !failed) {
		if ((left = deadline - mono_ms()) <= 0) {
			timed_out = 1;
			break;
		}
		pfd[0].fd = opipe[0];
		pfd[1].fd = epipe[0];
		pfd[0].events = pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		rc = poll(pfd, 2, left > INT_MAX ? INT_MAX : (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			r = sgn_errf(eb, SGN_ERR_IO, "poll: %s",
			    strerror(errno));
			failed = 1;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			n = read(pfd[i].fd, chunk, sizeof(chunk));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				close(pfd[i].fd);
				if (i == 0)
					opipe[0] = -1;
				else
					epipe[0] = -1;
				continue;
			}
			if (i == 0) {
				if (sgn_buf_append(out, chunk, (size_t)n,
				    NULL) != SGN_OK)
					over = 1;
			} else if (elen < sizeof(errtext)) {
				size_t k = (size_t)n < sizeof(errtext) - elen ?
				    (size_t)n : sizeof(errtext) - elen;
				memcpy(errtext + elen, chunk, k);
				elen += k;
			}
		}
	}
	sgn_memzero(chunk, sizeof(chunk));
	if (timed_out || over || failed)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	pid = -1;
	if (failed)
		goto out;
	if (timed_out) {
		r = sgn_errf(eb, SGN_ERR_IO, "%.64s: no answer within %ld s",
		    argv[0], timeout_ms / 1000);
		goto out;
	}
	if (over) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "%.64s: output larger than "
		    "%zu bytes", argv[0], out->max);
		goto out;
	}
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		first_line(errtext, elen, line, sizeof(line));
		r = sgn_errf(eb, SGN_ERR_IO, "%.64s: exited with status %d%s%s",
		    argv[0], status != -1 && WIFEXITED(status) ?
		    WEXITSTATUS(status) : -1, line[0] != '\0' ? ": " : "",
		    line);
		goto out;
	}
	r = SGN_OK;
out:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	for (i = 0; i < 2; i++) {
		if (opipe[i] >= 0)
			close(opipe[i]);
		if (epipe[i] >= 0)
			close(epipe[i]);
	}
	sgn_memzero(errtext, sizeof(errtext));
	return r;
}

/* Runs a provider command and takes its output as the token. */
static sgn_err
from_command(const struct sgn_oidc_ctx *c, const char *source,
    char *const argv[], struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	struct sgn_buf b;
	sgn_err r;

	sgn_buf_init(&b, SGN_OIDC_MAX_CMD_OUT);
	if (c->env->run != NULL)
		r = c->env->run(c->env->ctx, argv, SGN_OIDC_RUN_TIMEOUT_MS, &b,
		    eb);
	else
		r = run_default(c, argv, SGN_OIDC_RUN_TIMEOUT_MS, &b, eb);
	if (r == SGN_OK)
		r = sgn_oidc_accept(c, b.ptr != NULL ? (const char *)b.ptr :
		    "", b.len, source, c->audience, out, eb);
	sgn_buf_reset(&b);
	return r;
}

/* Providers ------------------------------------------------------------- */

static sgn_err
github(const struct sgn_oidc_ctx *c, int forced, int *found,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	const char *url = sgn_oidc_getenv(c, "ACTIONS_ID_TOKEN_REQUEST_URL");
	const char *tok = sgn_oidc_getenv(c, "ACTIONS_ID_TOKEN_REQUEST_TOKEN");
	struct sgn_http_request req;
	struct sgn_http_response res;
	struct sgn_buf u, auth;
	cJSON *j = NULL;
	const char *value;
	char text[160];
	sgn_err r;

	/*
	 * In a GitHub Actions job (GITHUB_ACTIONS=true) without the request
	 * variables, the workflow lacks the permission: said, rather than
	 * going on to a sign-in nobody is there to do.
	 */
	if (url == NULL || tok == NULL) {
		if (!forced && !env_true(c, "GITHUB_ACTIONS"))
			return SGN_OK;
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "GitHub Actions: "
		    "the workflow needs \"permissions: id-token: write\" "
		    "(ACTIONS_ID_TOKEN_REQUEST_URL is not set)");
	}
	*found = 1;
	if (c->http == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "GitHub Actions: "
		    "no HTTP client");
	memset(&res, 0, sizeof(res));
	sgn_buf_init(&u, SGN_OIDC_MAX_URL);
	sgn_buf_init(&auth, 0);
	if ((r = sgn_buf_appendf(&u, eb, "%s%caudience=", url,
	    strchr(url, '?') != NULL ? '&' : '?')) != SGN_OK ||
	    (r = sgn_oidc_pct(&u, c->audience, eb)) != SGN_OK ||
	    (r = sgn_buf_appendf(&auth, eb, "Authorization: bearer %s",
	    tok)) != SGN_OK)
		goto out;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = (const char *)u.ptr;
	req.headers[req.n_headers++] = (const char *)auth.ptr;
	req.headers[req.n_headers++] = "Accept: application/json";
	if ((r = sgn_http_do(c->http, "GitHub Actions", &req, &res, eb)) !=
	    SGN_OK)
		goto out;
	if (res.status != 200) {
		sgn_http_error_text(&res, text, sizeof(text));
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "GitHub Actions: token "
		    "request failed: HTTP %ld%s%s", res.status,
		    text[0] != '\0' ? ": " : "", text);
		goto out;
	}
	if ((r = sgn_json_parse(res.body.ptr, res.body.len,
	    "GitHub Actions token reply", &j, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_json_get_string(j, "value", SGN_JSON_REQUIRED,
	    "GitHub Actions token reply", &value, eb)) != SGN_OK)
		goto out;
	r = sgn_oidc_accept(c, value, strlen(value), "github-actions",
	    c->audience, out, eb);
out:
	sgn_oidc_json_wipe(j);
	cJSON_Delete(j);
	sgn_http_response_reset(&res);
	sgn_buf_reset(&u);
	sgn_buf_reset(&auth);
	return r;
}

static sgn_err
gitlab(const struct sgn_oidc_ctx *c, int forced, int *found,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	const char *v = sgn_oidc_getenv(c, "SIGSTORE_ID_TOKEN");

	if (!forced && !env_true(c, "GITLAB_CI"))
		return SGN_OK;
	*found = 1;
	if (v == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "GitLab CI: "
		    "SIGSTORE_ID_TOKEN is not set (declare it under "
		    "id_tokens with aud: %.64s)", c->audience);
	return sgn_oidc_accept(c, v, strlen(v), "gitlab", c->audience, out,
	    eb);
}

static sgn_err
buildkite(const struct sgn_oidc_ctx *c, int forced, int *found,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	char *argv[] = { NULL, NULL, NULL, NULL, NULL, NULL };
	char a0[] = "buildkite-agent", a1[] = "oidc", a2[] = "request-token",
	    a3[] = "--audience";
	char *aud;
	sgn_err r;

	if (!forced && !env_true(c, "BUILDKITE"))
		return SGN_OK;
	*found = 1;
	if ((aud = strdup(c->audience)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	argv[0] = a0;
	argv[1] = a1;
	argv[2] = a2;
	argv[3] = a3;
	argv[4] = aud;
	r = from_command(c, "buildkite", argv, out, eb);
	free(aud);
	return r;
}

static sgn_err
circleci(const struct sgn_oidc_ctx *c, int forced, int *found,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	char *argv[] = { NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	char a0[] = "circleci", a1[] = "run", a2[] = "oidc", a3[] = "get",
	    a4[] = "--claims";
	struct sgn_buf claims;
	sgn_err r;

	if (!forced && !env_true(c, "CIRCLECI"))
		return SGN_OK;
	*found = 1;
	sgn_buf_init(&claims, 1024);
	if ((r = sgn_buf_append(&claims, "{\"aud\":", 7, eb)) != SGN_OK ||
	    (r = sgn_jcs_string(&claims, c->audience, strlen(c->audience),
	    eb)) != SGN_OK ||
	    (r = sgn_buf_append(&claims, "}", 1, eb)) != SGN_OK)
		goto out;
	argv[0] = a0;
	argv[1] = a1;
	argv[2] = a2;
	argv[3] = a3;
	argv[4] = a4;
	argv[5] = (char *)claims.ptr;
	r = from_command(c, "circleci", argv, out, eb);
out:
	sgn_buf_reset(&claims);
	return r;
}

static sgn_err
read_small_file(const struct sgn_oidc_ctx *c, const char *path,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	uint8_t chunk[256];
	ssize_t n;
	int fd;
	sgn_err r = SGN_OK;

	if (c->env->read_file != NULL)
		return c->env->read_file(c->env->ctx, path, out, eb);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return sgn_errf(eb, SGN_ERR_IO, "%s: %s", path,
		    strerror(errno));
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if ((r = sgn_buf_append(out, chunk, (size_t)n, eb)) != SGN_OK)
			break;
	}
	close(fd);
	return r;
}

static int
on_gcp(const struct sgn_oidc_ctx *c)
{
	struct sgn_buf b;
	int yes;

	sgn_buf_init(&b, 256);
	yes = read_small_file(c, "/sys/class/dmi/id/product_name", &b,
	    NULL) == SGN_OK && b.ptr != NULL &&
	    strstr((const char *)b.ptr, "Google") != NULL;
	sgn_buf_reset(&b);
	return yes;
}

/* host or host:port, or [v6]:port: no path, user info or query. */
static int
host_ok(const char *h)
{
	size_t n = strlen(h);

	return n > 0 && n <= 255 && strspn(h, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == n;
}

static sgn_err
google(const struct sgn_oidc_ctx *c, int forced, int *found,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	const char *host = sgn_oidc_getenv(c, "GCE_METADATA_HOST");
	struct sgn_http_request req;
	struct sgn_http_response res;
	struct sgn_buf u;
	char text[160];
	sgn_err r;

	if (!forced && host == NULL && !on_gcp(c))
		return SGN_OK;
	*found = 1;
	if (host == NULL)
		host = "metadata.google.internal";
	if (!host_ok(host))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "Google Cloud: "
		    "GCE_METADATA_HOST is not a host name");
	if (c->http == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "Google Cloud: "
		    "no HTTP client");
	memset(&res, 0, sizeof(res));
	sgn_buf_init(&u, SGN_OIDC_MAX_URL);
	if ((r = sgn_buf_appendf(&u, eb, "http://%s/computeMetadata/v1/"
	    "instance/service-accounts/default/identity?audience=",
	    host)) != SGN_OK ||
	    (r = sgn_oidc_pct(&u, c->audience, eb)) != SGN_OK ||
	    (r = sgn_buf_append(&u, "&format=full", 12, eb)) != SGN_OK)
		goto out;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = (const char *)u.ptr;
	req.headers[req.n_headers++] = "Metadata-Flavor: Google";
	req.metadata = 1;
	if ((r = sgn_http_do(c->http, "Google Cloud metadata server", &req,
	    &res, eb)) != SGN_OK)
		goto out;
	if (res.status != 200) {
		sgn_http_error_text(&res, text, sizeof(text));
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "Google Cloud metadata "
		    "server: identity request failed: HTTP %ld%s%s",
		    res.status, text[0] != '\0' ? ": " : "", text);
		goto out;
	}
	r = sgn_oidc_accept(c, res.body.ptr != NULL ?
	    (const char *)res.body.ptr : "", res.body.len, "google",
	    c->audience, out, eb);
out:
	sgn_http_response_reset(&res);
	sgn_buf_reset(&u);
	return r;
}

sgn_err
sgn_oidc_ambient(const struct sgn_oidc_ctx *c, const char *name, int forced,
    int *found, struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	*found = 0;
	if (strcmp(name, "github-actions") == 0)
		return github(c, forced, found, out, eb);
	if (strcmp(name, "gitlab") == 0)
		return gitlab(c, forced, found, out, eb);
	if (strcmp(name, "buildkite") == 0)
		return buildkite(c, forced, found, out, eb);
	if (strcmp(name, "circleci") == 0)
		return circleci(c, forced, found, out, eb);
	if (strcmp(name, "google") == 0)
		return google(c, forced, found, out, eb);
	return sgn_errf(eb, SGN_ERR_INTERNAL, "unknown ambient provider");
}

/* A browser ------------------------------------------------------------- */

int
sgn_oidc_xdg_open(void *ctx, const char *url)
{
	posix_spawn_file_actions_t fa;
	char a0[] = "xdg-open";
	char *argv[3];
	char *u;
	struct timespec tick = { 0, 50 * 1000000L };
	pid_t pid, w;
	int status = 0, i, rc;

	(void)ctx;
	/* Also keeps a URL from passing for an option ("-x"). */
	if (!sgn_oidc_url_ok(url))
		return -1;
	if ((u = strdup(url)) == NULL)
		return -1;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		free(u);
		return -1;
	}
	argv[0] = a0;
	argv[1] = u;
	argv[2] = NULL;
	if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
	    0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
	    0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
	    0) != 0)
		rc = -1;
	else
		rc = posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(u);
	if (rc != 0)
		return -1;
	for (i = 0; i < 40; i++) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
			    0 : -1;
		if (w < 0 && errno != EINTR)
			return -1;
		nanosleep(&tick, NULL);
	}
	return 0;
}
