/*
 * signet attest: an in-toto attestation about an artifact (a predicate
 * from a file), or the SLSA Provenance v1 of a run (--provenance), in a
 * DSSE envelope in a Sigstore bundle, signed and logged as sign does.
 * With `-- CMD ARGS...` the run is signet's own: inputs hashed before,
 * CMD run (no shell), outputs hashed after, and no attestation when CMD
 * fails (its exit status is signet's).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "attest.h"
#include "cli.h"
#include "session.h"
#include "sign.h"

extern char **environ;

static void
attest_usage(FILE *f)
{
	fprintf(f,
	    "usage: signet attest ARTIFACT --type URI --predicate FILE "
	    "[--bundle OUT]\n"
	    "       [signing options]\n"
	    "       signet attest --provenance OUTPUT... [--input PATH|"
	    "URI@sha256:HEX]...\n"
	    "       [--parameters FILE] [--builder-id URI] [--bundle OUT]\n"
	    "       [signing options] [-- CMD ARGS...]\n"
	    "\n"
	    "Signs an in-toto v1 statement about ARTIFACT (a file: its "
	    "SHA-256; a\n"
	    "directory: its OMS root digest, as signet digest prints it) "
	    "with the\n"
	    "predicate in FILE (a JSON object) as a DSSE envelope in a "
	    "Sigstore\n"
	    "bundle (default ARTIFACT.intoto.sigstore.json), keyless or "
	    "with --key,\n"
	    "logged as signet sign logs.\n"
	    "\n"
	    "--provenance writes SLSA Provenance v1 instead: the OUTPUTs "
	    "are the\n"
	    "subjects, each --input a resolved dependency (a path hashed "
	    "as above\n"
	    "and named by its last component, or URI@sha256:HEX), with the "
	    "git\n"
	    "commit and remote of the working tree; the builder from the CI\n"
	    "environment (GitHub Actions, GitLab CI, Buildkite, CircleCI) "
	    "or\n"
	    "--builder-id.  After --, signet runs CMD itself (no shell): the "
	    "inputs\n"
	    "are hashed before, the outputs after; when CMD fails, nothing "
	    "is\n"
	    "signed and signet exits with CMD's status.  Default bundle\n"
	    "OUTPUT.provenance.sigstore.json (the first OUTPUT).\n"
	    "\n"
	    "Signing options are sign's: --identity-token, --oidc-provider, "
	    "...,\n"
	    "--key KEY [--offline], --signing-config, --trusted-root, "
	    "--staging,\n"
	    "--quiet, --yes (see signet sign --help).\n"
	    "\n"
	    "Exit status: 0 signed, 2 usage error or not signed; with CMD, "
	    "CMD's\n"
	    "status when it fails.\n");
}

/* The bundle's default path: ARTIFACT (trailing slashes off) + suffix. */
static char *
default_bundle(const char *artifact, const char *suffix)
{
	char	*p = NULL;
	size_t	 n = strlen(artifact);

	while (n > 1 && artifact[n - 1] == '/')
		n--;
	if (asprintf(&p, "%.*s%s", (int)n, artifact, suffix) < 0)
		return NULL;
	return p;
}

/* 1 when path lies inside the directory dir (or is it). */
static int
inside(const char *path, const char *dir)
{
	char	*rd = NULL, *rp = NULL, *copy = NULL;
	size_t	 n;
	int	 in = 0;

	if ((rd = realpath(dir, NULL)) == NULL ||
	    (copy = strdup(path)) == NULL)
		goto out;
	if ((rp = realpath(dirname(copy), NULL)) == NULL)
		goto out;
	n = strlen(rd);
	in = strncmp(rp, rd, n) == 0 && (rp[n] == '\0' || rp[n] == '/' ||
	    strcmp(rd, "/") == 0);
out:
	free(rd);
	free(rp);
	free(copy);
	return in;
}

/* The bundle can be written: its directory exists and is writable, and
 * it is none of the artifacts.  Prints; -1 when not. */
static int
bundle_ok(const char *dest, const char *const *paths, size_t n)
{
	struct stat	 sd, sp;
	char		*copy, *dir;
	size_t		 i;
	int		 rc = 0;

	if ((copy = strdup(dest)) == NULL) {
		cli_err("out of memory");
		return -1;
	}
	dir = dirname(copy);
	if (access(dir, W_OK | X_OK) != 0) {
		cli_err("attest: bundle %s: cannot write in %s: %s", dest, dir,
		    strerror(errno));
		rc = -1;
	}
	free(copy);
	for (i = 0; rc == 0 && i < n; i++) {
		if (stat(paths[i], &sp) == 0 && S_ISDIR(sp.st_mode) &&
		    inside(dest, paths[i])) {
			cli_err("attest: the bundle %s would be inside %s and "
			    "change its digest; give --bundle outside it",
			    dest, paths[i]);
			rc = -1;
		} else if (stat(dest, &sd) == 0 && stat(paths[i], &sp) == 0 &&
		    sd.st_dev == sp.st_dev && sd.st_ino == sp.st_ino) {
			cli_err("attest: the bundle %s is %s: it would be "
			    "replaced; give another --bundle", dest, paths[i]);
			rc = -1;
		}
	}
	return rc;
}

/*
 * Starts argv (no shell, found on $PATH) with stdout on out_fd (-1:
 * inherited), and stdin and stderr on /dev/null when quiet.  The child
 * gets the default action for the signals signet ignores (SIGINT and
 * SIGQUIT while it waits, SIGXFSZ, SIGPIPE) and an empty signal mask:
 * an ignored signal would otherwise stay ignored in it.  Returns the pid,
 * or -1 (errno).
 */
static pid_t
spawn_argv(char *const *argv, int out_fd, int quiet)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 at;
	sigset_t			 dfl, none;
	pid_t				 pid = -1;
	int				 e;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	if ((e = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		errno = e;
		return -1;
	}
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGQUIT);
	sigaddset(&dfl, SIGXFSZ);
	sigaddset(&dfl, SIGPIPE);
	sigemptyset(&none);
	e = posix_spawnattr_setsigdefault(&at, &dfl);
	if (e == 0)
		e = posix_spawnattr_setsigmask(&at, &none);
	if (e == 0)
		e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF |
		    POSIX_SPAWN_SETSIGMASK);
	if (e == 0 && out_fd >= 0)
		e = posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	if (e == 0 && quiet)
		e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
		    O_RDONLY, 0);
	if (e == 0 && quiet)
		e = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
		    O_WRONLY, 0);
	if (e == 0)
		e = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return pid;
}

/* The wait status of pid, or -1. */
static int
wait_pid(pid_t pid)
{
	int	st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* The first line git prints for args (in the working directory), or NULL
 * when git is missing, fails, or prints nothing. */
static char *
git_line(char *const *argv)
{
	char	 buf[4097];
	size_t	 n = 0;
	ssize_t	 k;
	pid_t	 pid;
	int	 p[2], st;

	if (pipe(p) != 0)
		return NULL;
	pid = spawn_argv(argv, p[1], 1);
	(void)close(p[1]);
	if (pid < 0) {
		(void)close(p[0]);
		return NULL;
	}
	/* read all it writes (a config can hold a long URL), keep the
	 * first 4 KiB */
	for (;;) {
		char	drain[4096];

		if (n < sizeof(buf) - 1)
			k = read(p[0], buf + n, sizeof(buf) - 1 - n);
		else
			k = read(p[0], drain, sizeof(drain));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (n < sizeof(buf) - 1)
			n += (size_t)k;
	}
	(void)close(p[0]);
	st = wait_pid(pid);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    n == sizeof(buf) - 1)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf[0] != '\0' ? strdup(buf) : NULL;
}

/* A remote URL without credentials: https://user:token@host/x is
 * https://host/x (a token must never go into a public log). */
static void
strip_userinfo(char *url)
{
	char	*s, *at, *slash;

	if ((s = strstr(url, "://")) == NULL)
		return;
	s += 3;
	slash = strchr(s, '/');
	at = strchr(s, '@');
	if (at != NULL && (slash == NULL || at < slash))
		memmove(s, at + 1, strlen(at + 1) + 1);
}

static int
lower_hex(const char *s, size_t n)
{
	size_t	i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return 1;
}

/* The source: git commit and remote of the working tree, when in one. */
static void
git_source(char **commit, char **uri)
{
	static char	 git[] = "git", revparse[] = "rev-parse",
			 head[] = "HEAD", config[] = "config",
			 get[] = "--get", origin[] = "remote.origin.url";
	char		*a1[] = { git, revparse, head, NULL };
	char		*a2[] = { git, config, get, origin, NULL };
	char		*c, *r, *colon, *host, *p;

	*commit = NULL;
	*uri = NULL;
	if ((c = git_line(a1)) == NULL)
		return;
	if (!lower_hex(c, 40) && !lower_hex(c, 64)) {
		free(c);
		return;
	}
	*commit = c;
	if ((r = git_line(a2)) == NULL)
		return;
	strip_userinfo(r);
	colon = strchr(r, ':');
	if (strstr(r, "://") != NULL) {
		if (asprintf(uri, "%s%s", strncmp(r, "git+", 4) == 0 ? "" :
		    "git+", r) < 0)
			*uri = NULL;
	} else if (colon != NULL && colon > r && (strchr(r, '/') == NULL ||
	    strchr(r, '/') > colon)) {
		/* scp-like [user@]host:path is ssh://host/path (no user) */
		host = strchr(r, '@') != NULL && strchr(r, '@') < colon ?
		    strchr(r, '@') + 1 : r;
		if (asprintf(uri, "git+ssh://%.*s/%s", (int)(colon - host),
		    host, colon[1] == '/' ? colon + 2 : colon + 1) < 0)
			*uri = NULL;
	}
	/* anything else (a local path) is no URI: the commit alone; nor is
	 * a URL with spaces or control characters */
	for (p = *uri; p != NULL && *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			free(*uri);
			*uri = NULL;
			break;
		}
	free(r);
}

static const char *
env_get(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* An invocation id when no CI system gives one: a random UUID URN. */
static char *
random_invocation(void)
{
	uint8_t	 u[16];
	char	*s = NULL;

	if (RAND_bytes(u, sizeof(u)) != 1)
		return NULL;
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
	if (asprintf(&s, "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
	    u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
	    u[15]) < 0)
		return NULL;
	return s;
}

static struct sgn_time
now(void)
{
	struct timespec	ts;
	struct sgn_time	t;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	t.sec = (int64_t)ts.tv_sec;
	t.nsec = 0;	/* whole seconds, as SLSA examples write them */
	return t;
}

/* The subjects of paths, hashed; prints and returns -1 on error. */
static int
subjects_of(const char *const *paths, size_t n,
    struct sgn_attest_subject *out, const char *what)
{
	struct sgn_errbuf	eb;
	size_t			i;

	for (i = 0; i < n; i++) {
		sgn_errbuf_clear(&eb);
		if (sgn_attest_subject_of(paths[i], &out[i], &eb) != SGN_OK) {
			cli_err("attest: %s %s", what, eb.msg);
			return -1;
		}
	}
	return 0;
}

/* One --input: a path (hashed), or URI@sha256:HEX. */
struct input {
	struct sgn_attest_subject	 s;
	char				*uri;
	char				 hex[65];
	int				 is_uri;
};

static int
input_read(const char *arg, struct input *in)
{
	struct sgn_errbuf	 eb;
	struct stat		 st;
	const char		*at;

	memset(in, 0, sizeof(*in));
	if (stat(arg, &st) != 0 && (at = strstr(arg, "@sha256:")) != NULL &&
	    at > arg && strchr(arg, ':') < at) {
		if (!lower_hex(at + 8, 64)) {
			cli_err("attest: --input %s: the digest is not 64 "
			    "lower-case hex digits", arg);
			return -1;
		}
		memcpy(in->hex, at + 8, 65);
		if ((in->uri = strndup(arg, (size_t)(at - arg))) == NULL) {
			cli_err("out of memory");
			return -1;
		}
		in->is_uri = 1;
		return 0;
	}
	sgn_errbuf_clear(&eb);
	if (sgn_attest_subject_of(arg, &in->s, &eb) != SGN_OK) {
		cli_err("attest: --input %s (a path, or URI@sha256:HEX)",
		    eb.msg);
		return -1;
	}
	sgn_hex_encode(in->s.sha256, 32, in->hex);
	return 0;
}

/* Runs the command: its wait status, or -1 after a message. */
static int
run_command(char *const *argv)
{
	struct sigaction	 ign, oi, oq;
	pid_t			 pid;
	int			 st;

	/* ^C goes to the command (same process group); signet waits for
	 * it and then signs nothing */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	(void)sigaction(SIGINT, &ign, &oi);
	(void)sigaction(SIGQUIT, &ign, &oq);
	pid = spawn_argv(argv, -1, 0);
	st = pid < 0 ? -1 : wait_pid(pid);
	if (st < 0)
		cli_err("attest: cannot run %s: %s", argv[0], strerror(errno));
	(void)sigaction(SIGINT, &oi, NULL);
	(void)sigaction(SIGQUIT, &oq, NULL);
	return st;
}

/* The provenance predicate of the run; prints and returns the exit
 * status (0 when built). */
static int
provenance(const struct cli_args *a, char **cmd, size_t n_cmd,
    struct sgn_attest_subject *outs, struct sgn_buf *pred)
{
	struct sgn_attest_run	 run;
	struct sgn_attest_dep	*deps = NULL, par;
	struct sgn_attest_subject ps;
	struct sgn_errbuf	 eb;
	struct input		*ins = NULL;
	const char *const	*iv;
	const char		*bid = cli_get(a, "builder-id");
	char			*env_bid = NULL, *env_iid = NULL, *rnd = NULL;
	char			*commit = NULL, *src = NULL, phex[65];
	size_t			 n_in, i, k, nd = 0;
	int			 rc = 2, st;

	memset(&run, 0, sizeof(run));
	memset(&ps, 0, sizeof(ps));
	sgn_errbuf_clear(&eb);
	iv = cli_values(a, "input", &n_in);
	if (sgn_attest_builder_from_env(env_get, NULL, &env_bid, &env_iid,
	    &eb) != SGN_OK) {
		cli_err("attest: %s", eb.msg);
		goto out;
	}
	if (bid == NULL && (bid = env_bid) == NULL) {
		cli_err("attest: not in a CI system signet knows (GitHub "
		    "Actions, GitLab CI, Buildkite, CircleCI): give "
		    "--builder-id URI");
		goto out;
	}
	if ((ins = calloc(n_in + 1, sizeof(*ins))) == NULL ||
	    (deps = calloc(n_in + 1, sizeof(*deps))) == NULL) {
		cli_err("out of memory");
		goto out;
	}
	/* inputs before the run: what it read, not what it left */
	for (i = 0; i < n_in; i++) {
		if (input_read(iv[i], &ins[i]) != 0)
			goto out;
		/* a policy names inputs (--input-path NAME=PATH): one name,
		 * one input */
		for (k = 0; !ins[i].is_uri && k < i; k++)
			if (!ins[k].is_uri && strcmp(ins[k].s.name,
			    ins[i].s.name) == 0) {
				cli_err("attest: --input %s and %s have the "
				    "same name \"%s\"", iv[k], iv[i],
				    ins[i].s.name);
				goto out;
			}
		deps[nd].name = ins[i].is_uri ? NULL : ins[i].s.name;
		deps[nd].uri = ins[i].uri;
		deps[nd].alg = "sha256";
		deps[nd].hex = ins[i].hex;
		nd++;
	}
	if (cli_get(a, "parameters") != NULL) {
		if (sgn_attest_subject_of(cli_get(a, "parameters"), &ps,
		    &eb) != SGN_OK || ps.dir) {
			cli_err("attest: --parameters %s", ps.dir ?
			    "takes a file" : eb.msg);
			goto out;
		}
		sgn_hex_encode(ps.sha256, 32, phex);
		memset(&par, 0, sizeof(par));
		par.name = ps.name;
		par.alg = "sha256";
		par.hex = phex;
		run.parameters = &par;
	}
	git_source(&commit, &src);
	if (commit != NULL) {
		deps[nd].uri = src;
		deps[nd].alg = "gitCommit";
		deps[nd].hex = commit;
		nd++;
	}
	if (n_cmd > 0) {
		run.has_times = 1;
		run.started = now();
		st = run_command(cmd);
		run.finished = now();
		if (st < 0)
			goto out;
		if (WIFSIGNALED(st) || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0) {
			rc = WIFEXITED(st) ? WEXITSTATUS(st) :
			    WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 2;
			cli_err("attest: %s %s %d: no attestation", cmd[0],
			    WIFEXITED(st) ? "exited with status" :
			    "was killed by signal", WIFEXITED(st) ?
			    WEXITSTATUS(st) : WTERMSIG(st));
			goto out;
		}
	}
	/* outputs after the run */
	if (subjects_of((const char *const *)a->pos, a->n_pos, outs,
	    "output") != 0)
		goto out;
	run.builder_id = bid;
	if ((run.invocation_id = env_iid) == NULL &&
	    (run.invocation_id = rnd = random_invocation()) == NULL) {
		cli_err("out of memory");
		goto out;
	}
	run.command = (const char *const *)cmd;
	run.n_command = n_cmd;
	run.deps = deps;
	run.n_deps = nd;
	sgn_errbuf_clear(&eb);
	if (sgn_attest_provenance(&run, pred, &eb) != SGN_OK) {
		cli_err("attest: %s", eb.msg);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; ins != NULL && i < n_in; i++) {
		sgn_attest_subject_reset(&ins[i].s);
		free(ins[i].uri);
	}
	free(ins);
	free(deps);
	sgn_attest_subject_reset(&ps);
	free(env_bid);
	free(env_iid);
	free(rnd);
	free(commit);
	free(src);
	return rc;
}

int
cmd_attest(int argc, char **argv)
{
	struct cli_args			 a;
	struct sign_session		*ss = NULL;
	struct sgn_sign_how		 how;
	struct sgn_attest_subject	*subj = NULL;
	struct sgn_buf			 pred, stmt, bundle;
	struct sgn_errbuf		 eb;
	const char			*type, *pfile, *dest;
	char				**cmd = NULL, *dflt = NULL;
	uint8_t				*pbuf = NULL;
	size_t				 i, n_cmd = 0, plen;
	int				 nargc = argc, prov, rc = 2;
	sgn_err				 r;

	memset(&a, 0, sizeof(a));
	sgn_buf_init(&pred, SGN_ATTEST_MAX_PREDICATE);
	sgn_buf_init(&stmt, 0);
	sgn_buf_init(&bundle, 0);
	sgn_errbuf_clear(&eb);
	/* -- CMD ARGS...: the command, never options of signet */
	for (i = 0; i < (size_t)argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			nargc = (int)i;
			cmd = argv + i + 1;
			n_cmd = (size_t)argc - i - 1;
			break;
		}
	cli_add(&a, "type", CLI_VALUE);
	cli_add(&a, "predicate", CLI_VALUE);
	cli_add(&a, "bundle", CLI_VALUE);
	cli_add(&a, "provenance", CLI_FLAG);
	cli_add(&a, "input", CLI_REPEAT);
	cli_add(&a, "parameters", CLI_VALUE);
	cli_add(&a, "builder-id", CLI_VALUE);
	cli_add(&a, "help", CLI_FLAG);
	sign_session_opts(&a);
	if (cli_parse(&a, "attest", nargc, argv) != 0)
		return 2;
	if (cli_flag(&a, "help")) {
		attest_usage(stdout);
		return 0;
	}
	prov = cli_flag(&a, "provenance");
	type = cli_get(&a, "type");
	pfile = cli_get(&a, "predicate");
	if (sign_session_check(&a, "attest") != 0)
		return 2;
	if (prov) {
		if (a.n_pos == 0) {
			cli_err("attest: --provenance: give the run's "
			    "outputs");
			goto out;
		}
		if (pfile != NULL || (type != NULL &&
		    strcmp(type, SGN_ATTEST_SLSA_V1) != 0)) {
			cli_err("attest: --provenance writes its own predicate "
			    "(%s): no --predicate or other --type",
			    SGN_ATTEST_SLSA_V1);
			goto out;
		}
		if (cmd != NULL && n_cmd == 0) {
			cli_err("attest: nothing after --: give the command");
			goto out;
		}
		type = SGN_ATTEST_SLSA_V1;
	} else {
		if (a.n_pos != 1 || type == NULL || pfile == NULL) {
			cli_err("attest: give one ARTIFACT, --type URI and "
			    "--predicate FILE (or --provenance)");
			attest_usage(stderr);
			goto out;
		}
		(void)cli_values(&a, "input", &i);
		if (cmd != NULL || i > 0 ||
		    cli_get(&a, "parameters") != NULL ||
		    cli_get(&a, "builder-id") != NULL) {
			cli_err("attest: --input, --parameters, --builder-id "
			    "and -- CMD describe a run: use --provenance");
			goto out;
		}
	}
	if (a.n_pos > SGN_ATTEST_MAX_ITEMS) {
		cli_err("attest: more than %d outputs", SGN_ATTEST_MAX_ITEMS);
		goto out;
	}
	if ((dest = cli_get(&a, "bundle")) == NULL) {
		if ((dflt = default_bundle(a.pos[0], prov ?
		    ".provenance.sigstore.json" : ".intoto.sigstore.json")) ==
		    NULL) {
			cli_err("out of memory");
			goto out;
		}
		dest = dflt;
	}
	if (bundle_ok(dest, (const char *const *)a.pos, a.n_pos) != 0)
		goto out;
	if ((subj = calloc(a.n_pos, sizeof(*subj))) == NULL) {
		cli_err("out of memory");
		goto out;
	}
	/*
	 * A key is opened first (a wrong password fails before a long run);
	 * an identity after the run, when its token is fresh, and only when
	 * there is something to sign.
	 */
	if (cli_get(&a, "key") != NULL &&
	    (rc = sign_session_open(&a, "attest", &ss)) != 0)
		goto out;
	rc = 2;
	if (prov) {
		if ((rc = provenance(&a, cmd, n_cmd, subj, &pred)) != 0)
			goto out;
		rc = 2;
	} else {
		if ((r = sgn_file_read(pfile, SGN_ATTEST_MAX_PREDICATE, &pbuf,
		    &plen, &eb)) != SGN_OK || (r = sgn_buf_append(&pred, pbuf,
		    plen, &eb)) != SGN_OK) {
			cli_err("attest: predicate %s", eb.msg);
			goto out;
		}
		if (subjects_of((const char *const *)a.pos, 1, subj,
		    "artifact") != 0)
			goto out;
	}
	/* the statement, checked whole, before anyone is asked anything */
	if ((r = sgn_attest_statement(subj, a.n_pos, type, pred.ptr, pred.len,
	    &stmt, &eb)) != SGN_OK) {
		if (pfile != NULL)
			cli_err("attest: %s: %s", pfile, eb.msg);
		else
			cli_err("attest: %s", eb.msg);
		goto out;
	}
	if (ss == NULL && (rc = sign_session_open(&a, "attest", &ss)) != 0)
		goto out;
	rc = 2;
	sign_session_how(ss, &how);
	if ((r = sgn_sign_statement(&how, stmt.ptr, stmt.len, &bundle, &eb)) !=
	    SGN_OK || (r = sgn_file_write_atomic(dest, bundle.ptr, bundle.len,
	    0644, &eb)) != SGN_OK) {
		cli_err("attest: %s", eb.msg);
		if (r == SGN_ERR_NETWORK && cli_get(&a, "key") != NULL)
			cli_err("no network: attest with --offline and log it "
			    "later with signet log");
		goto out;
	}
	if (!cli_flag(&a, "quiet"))
		fprintf(stderr, "signet: attested %s (%s) -> %s%s\n",
		    a.pos[0], type, dest, sign_session_unlogged(ss) ?
		    " (offline: not logged; `signet log` it later)" : "");
	rc = 0;
out:
	for (i = 0; subj != NULL && i < a.n_pos; i++)
		sgn_attest_subject_reset(&subj[i]);
	free(subj);
	free(pbuf);
	free(dflt);
	sgn_buf_reset(&pred);
	sgn_buf_reset(&stmt);
	sgn_buf_reset(&bundle);
	sign_session_free(&ss);
	return rc;
}
