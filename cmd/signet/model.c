/*
 * Models and datasets on the command line: the options that say how a
 * directory is hashed, the progress bar, `signet digest`.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "manifest.h"
#include "model.h"

void
model_opts_add(struct cli_args *a, int verifying)
{
	cli_add(a, "ignore-paths", CLI_REPEAT);
	cli_add(a, "ignore-git-paths", CLI_FLAG);
	cli_add(a, "no-ignore-git-paths", CLI_FLAG);
	cli_add(a, "allow-symlinks", CLI_FLAG);
	cli_add(a, "allow-external-symlinks", CLI_FLAG);
	cli_add(a, "jobs", CLI_VALUE);
	if (verifying) {
		cli_add(a, "ignore-unsigned-files", CLI_FLAG);
		cli_add(a, "no-ignore-unsigned-files", CLI_FLAG);
		return;
	}
	cli_add(a, "hash", CLI_VALUE);
	cli_add(a, "shards", CLI_FLAG);
	cli_add(a, "shard-size", CLI_VALUE);
}

int
model_is_dir(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
model_default_signature(const char *model)
{
	char	*p;

	if (asprintf(&p, model_is_dir(model) ? "%s/model.sig" : "%s.sig",
	    model) < 0)
		return NULL;
	return p;
}

void
model_run_reset(struct model_run *mr)
{
	size_t	i;

	for (i = 0; i < mr->n_ignore; i++)
		free(mr->ignore[i]);
	free(mr->ignore);
	memset(mr, 0, sizeof(*mr));
}

/* Lexically normalised absolute form of p (no symlinks resolved). */
static char *
abs_norm(const char *p)
{
	char	 cwd[PATH_MAX], *s, *out, *tok, *save = NULL;
	size_t	 n, o = 0;

	if (p[0] == '/')
		s = strdup(p);
	else {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return NULL;
		if (asprintf(&s, "%s/%s", cwd, p) < 0)
			return NULL;
	}
	if (s == NULL)
		return NULL;
	n = strlen(s);
	if ((out = malloc(n + 2)) == NULL) {
		free(s);
		return NULL;
	}
	for (tok = strtok_r(s, "/", &save); tok != NULL;
	    tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, tok, strlen(tok));
		o += strlen(tok);
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	free(s);
	return out;
}

/* p relative to dir when p lies under it (both absolute), or NULL. */
static const char *
under(const char *p, const char *dir)
{
	size_t	n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return p + 1;
	if (strncmp(p, dir, n) == 0 && p[n] == '/')
		return p + n + 1;
	return NULL;
}

/*
 * An --ignore-paths value as a path relative to the model directory: a
 * path (from the current directory, or absolute) that lies inside the
 * model, or else a relative path taken from the model directory.
 */
static char *
ignore_rel(const char *model, const char *p)
{
	char		*ap = NULL, *am = NULL, *rm = NULL, *res = NULL;
	const char	*rel;

	ap = abs_norm(p);
	am = abs_norm(model);
	rm = realpath(model, NULL);
	if (ap != NULL && ((am != NULL && (rel = under(ap, am)) != NULL) ||
	    (rm != NULL && (rel = under(ap, rm)) != NULL)))
		res = strdup(rel);
	else if (p[0] != '/')
		res = strdup(p);
	free(ap);
	free(am);
	free(rm);
	return res;
}

/*
 * Large files are hashed through memory mappings (SGN_MANIFEST_MMAP); a
 * file that shrinks meanwhile raises SIGBUS, which ends signet with one
 * line and exit status 2 instead of a crash.  Nothing is half-written:
 * files are written only after the hashing, atomically.
 */
static void
on_sigbus(int sig)
{
	static const char msg[] = "\nsignet: a file of the model shrank while "
	    "it was being hashed; nothing was signed or verified\n";

	(void)sig;
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(2);
}

static void
guard_sigbus(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGBUS, &sa, NULL);
}

int
model_opts_read(const struct cli_args *a, const char *verb,
    const char *model, struct model_run *mr)
{
	const char *const	*ig;
	const char		*s;
	uint64_t		 v;
	size_t			 n, i;

	mr->o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	mr->o.method = SGN_MANIFEST_FILES;
	mr->o.hash = SGN_MANIFEST_SHA256;
	guard_sigbus();
	mr->o.flags |= SGN_MANIFEST_MMAP;
	if (cli_flag(a, "allow-symlinks"))
		mr->o.flags |= SGN_MANIFEST_ALLOW_SYMLINKS;
	if (cli_flag(a, "allow-external-symlinks"))
		mr->o.flags |= SGN_MANIFEST_ALLOW_SYMLINKS |
		    SGN_MANIFEST_EXTERNAL_LINKS;
	if (cli_flag(a, "no-ignore-git-paths")) {
		if (cli_flag(a, "ignore-git-paths")) {
			cli_err("%s: --ignore-git-paths and "
			    "--no-ignore-git-paths exclude each other", verb);
			return -1;
		}
		mr->o.flags |= SGN_MANIFEST_KEEP_GIT;
	}
	if ((s = cli_get(a, "jobs")) != NULL) {
		if (cli_u64(s, SGN_MANIFEST_MAX_JOBS, &v) != 0 || v == 0) {
			cli_err("%s: --jobs takes a number of threads, 1 to %u",
			    verb, SGN_MANIFEST_MAX_JOBS);
			return -1;
		}
		mr->o.jobs = (unsigned)v;
	}
	if ((s = cli_get(a, "hash")) != NULL) {
		mr->o.hash = sgn_manifest_hash_from_name(s);
		if (mr->o.hash != SGN_MANIFEST_SHA256 &&
		    mr->o.hash != SGN_MANIFEST_BLAKE2B) {
			cli_err("%s: --hash takes sha256 or blake2b", verb);
			return -1;
		}
	}
	if (cli_flag(a, "shards"))
		mr->o.method = SGN_MANIFEST_SHARDS;
	if ((s = cli_get(a, "shard-size")) != NULL) {
		if (cli_u64(s, 1ULL << 53, &v) != 0 || v == 0) {
			cli_err("%s: --shard-size takes a number of bytes, 1 "
			    "to 2^53", verb);
			return -1;
		}
		mr->o.method = SGN_MANIFEST_SHARDS;
		mr->o.shard_size = v;
	}
	ig = cli_values(a, "ignore-paths", &n);
	if (n > 0 && (mr->ignore = calloc(n, sizeof(*mr->ignore))) == NULL) {
		cli_err("out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((mr->ignore[i] = ignore_rel(model, ig[i])) == NULL) {
			cli_err("%s: --ignore-paths %s: outside the model "
			    "directory %s", verb, ig[i], model);
			return -1;
		}
		mr->n_ignore = i + 1;
	}
	mr->o.ignore = (const char *const *)mr->ignore;
	mr->o.n_ignore = mr->n_ignore;
	return 0;
}

/* Progress -------------------------------------------------------------- */

void
model_human_size(uint64_t n, char *out, size_t len)
{
	const char	*unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double		 d = (double)n;
	size_t		 u = 0;

	while (d >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		(void)snprintf(out, len, "%llu bytes", (unsigned long long)n);
	else
		(void)snprintf(out, len, "%.1f %s", d, unit[u]);
}

static double
now_s(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Without a terminal: a progress line this often (seconds). */
#define PROGRESS_LINE_S	10.0

static void
progress(void *ctx, uint64_t done, uint64_t total, uint64_t files_done,
    uint64_t files_total)
{
	struct model_run	*mr = ctx;
	char			 d[32], t[32], rate[32], eta[32];
	double			 el, bps;

	if (mr->start == 0)
		mr->start = now_s();
	el = now_s() - mr->start;
	if (!mr->tty) {
		/* a log, not a bar: one line every 10 s of a long hash */
		if (el - mr->last < PROGRESS_LINE_S || done >= total)
			return;
		mr->last = el;
		model_human_size(done, d, sizeof(d));
		model_human_size(total, t, sizeof(t));
		model_human_size((uint64_t)((double)done / el), rate,
		    sizeof(rate));
		fprintf(stderr, "signet: hashing: %llu of %llu files, %s of "
		    "%s, %s/s, %.0f s\n", (unsigned long long)files_done,
		    (unsigned long long)files_total, d, t, rate, el);
		fflush(stderr);
		return;
	}
	if (el < 0.5 && done < total)
		return;		/* short runs show nothing */
	bps = el > 0 ? (double)done / el : 0;
	model_human_size(done, d, sizeof(d));
	model_human_size(total, t, sizeof(t));
	model_human_size((uint64_t)bps, rate, sizeof(rate));
	if (bps > 0 && done < total) {
		double left = (double)(total - done) / bps;
		(void)snprintf(eta, sizeof(eta), "%d:%02d left",
		    (int)(left / 60), (int)left % 60);
	} else
		(void)snprintf(eta, sizeof(eta), "%.1f s", el);
	fprintf(stderr, "\r\033[Khashing %s / %s  %s/s  %s", d, t, rate, eta);
	mr->shown = 1;
	/* the last call: end the bar's line now, before what the library
	 * does next (signing) prints anything */
	if (done >= total && files_done >= files_total)
		model_progress_end(mr);
	fflush(stderr);
}

void
model_progress_enable(struct model_run *mr, int quiet)
{
	if (quiet)
		return;
	mr->tty = isatty(STDERR_FILENO);
	mr->o.progress = progress;
	mr->o.progress_ctx = mr;
}

void
model_progress_end(struct model_run *mr)
{
	if (mr->shown) {
		fputc('\n', stderr);
		mr->shown = 0;
	}
}

int
model_build(struct model_run *mr, const char *model,
    struct sgn_manifest **out)
{
	struct sgn_errbuf	eb;
	sgn_err			r;

	sgn_errbuf_clear(&eb);
	mr->start = 0;
	r = sgn_manifest_build(model, &mr->o, out, &eb);
	model_progress_end(mr);
	if (r != SGN_OK) {
		cli_err("%s: %s", model, eb.msg);
		return 2;
	}
	return 0;
}

/* signet digest ---------------------------------------------------------- */

static void
digest_usage(FILE *f)
{
	fprintf(f,
	    "usage: signet digest [options] MODEL\n"
	    "\n"
	    "Prints sha256:<root digest> of the OMS manifest of MODEL (a\n"
	    "directory or a file), as `model_signing digest` does.\n"
	    "\n"
	    "  --ignore-paths P         leave P out (repeatable)\n"
	    "  --no-ignore-git-paths    include .git, .gitattributes, "
	    ".github,\n"
	    "                           .gitignore (left out by default)\n"
	    "  --allow-symlinks         hash the targets of symlinks inside "
	    "MODEL\n"
	    "  --allow-external-symlinks  ... and of symlinks leaving it\n"
	    "  --hash sha256|blake2b    file digests (default sha256)\n"
	    "  --shards                 hash 1,000,000,000-byte shards\n"
	    "  --shard-size N           hash N-byte shards\n"
	    "  --signature F            leave F out (as signing would; "
	    "default\n"
	    "                           MODEL/model.sig)\n"
	    "  --jobs N                 hashing threads (default: one per "
	    "core)\n"
	    "  --manifest               print the manifest, one line per "
	    "file or\n"
	    "                           shard, then the root digest\n"
	    "  --quiet                  no progress (a bar on a terminal, "
	    "else a\n"
	    "                           line every 10 seconds)\n"
	    "\n"
	    "Across machines (README, \"Hashing across a cluster\"):\n"
	    "  --plan PLAN [--parts N]  write the plan: files, parameters, "
	    "parts\n"
	    "  --plan PLAN --out F [--part I | --part-env NAME]\n"
	    "                           hash one part of the plan into the\n"
	    "                           partial F (the part defaults to\n"
	    "                           SLURM_ARRAY_TASK_ID, then\n"
	    "                           JOB_COMPLETION_INDEX)\n");
}

int
cmd_digest(int argc, char **argv)
{
	struct cli_args		 a;
	struct model_run	 mr;
	struct sgn_manifest	*m = NULL;
	char			 hex[2 * SGN_MAX_DIGEST + 1], *dflt = NULL;
	size_t			 i;
	int			 rc = 2;

	memset(&a, 0, sizeof(a));
	memset(&mr, 0, sizeof(mr));
	model_opts_add(&a, 0);
	cli_add(&a, "signature", CLI_VALUE);
	cli_add(&a, "manifest", CLI_FLAG);
	cli_add(&a, "quiet", CLI_FLAG);
	cli_add(&a, "help", CLI_FLAG);
	cluster_opts_add(&a);
	if (cli_parse(&a, "digest", argc, argv) != 0)
		return 2;
	if (cli_flag(&a, "help")) {
		digest_usage(stdout);
		return 0;
	}
	if (a.n_pos != 1) {
		cli_err("digest: give one model directory or file");
		digest_usage(stderr);
		return 2;
	}
	if (model_opts_read(&a, "digest", a.pos[0], &mr) != 0)
		goto out;
	/* DIR/model.sig is left out, as sign and verify do */
	if ((mr.o.signature_path = cli_get(&a, "signature")) == NULL &&
	    model_is_dir(a.pos[0])) {
		if ((dflt = model_default_signature(a.pos[0])) == NULL) {
			cli_err("out of memory");
			goto out;
		}
		mr.o.signature_path = dflt;
	}
	model_progress_enable(&mr, cli_flag(&a, "quiet"));
	if (cli_get(&a, "plan") != NULL) {
		rc = cluster_digest(&a, &mr, a.pos[0], cli_flag(&a, "quiet"));
		goto out;
	}
	if ((rc = model_build(&mr, a.pos[0], &m)) != 0)
		goto out;
	if (cli_flag(&a, "manifest")) {
		for (i = 0; i < m->n_entries; i++) {
			sgn_hex_encode(m->entries[i].digest,
			    m->entries[i].digest_len, hex);
			if (m->entries[i].shard)
				printf("%s:%llu:%llu:%s\n",
				    m->entries[i].path,
				    (unsigned long long)m->entries[i].start,
				    (unsigned long long)m->entries[i].end,
				    hex);
			else
				printf("%s:%s\n", m->entries[i].path, hex);
		}
	}
	sgn_hex_encode(m->root, sizeof(m->root), hex);
	printf("sha256:%s\n", hex);
	rc = fflush(stdout) == 0 ? 0 : 2;
out:
	sgn_manifest_free(&m);
	model_run_reset(&mr);
	free(dflt);
	return rc;
}

/* Digest state: what incremental re-signing reuses --------------------- */

/*
 * The cache directory: $SIGNET_CACHE_DIR, else $XDG_CACHE_HOME/signet,
 * else ~/.cache/signet; digest states live in its "digests" folder, one
 * file per signature, named by sig_digest, the SHA-256 of the signature's
 * bytes.
 */
/*
 * Makes the digest-state directory sub (".../digests") and the parents a
 * cache directory needs: under $HOME, .cache and .cache/signet; else the
 * cache directory itself.  What lies above them must exist already: no
 * command creates $HOME or a directory the user named only in passing.
 */
static int
make_cache_dirs(char *sub, int home_based)
{
	struct stat	 st;
	char		*cut[3];
	int		 n = 0, i, levels = home_based ? 3 : 2;
	char		*p;

	/* cut[0] ends the directory to exist, then those to make */
	p = sub + strlen(sub);
	while (n < levels && (p = memrchr(sub, '/', (size_t)(p - sub))) !=
	    NULL && p != sub)
		cut[n++] = p;
	if (n < levels)
		return -1;
	*cut[n - 1] = '\0';
	i = stat(sub, &st) == 0 && S_ISDIR(st.st_mode);
	*cut[n - 1] = '/';
	if (!i)
		return -1;
	for (i = n - 2; i >= 0; i--) {
		*cut[i] = '\0';
		if (mkdir(sub, 0700) != 0 && errno != EEXIST) {
			*cut[i] = '/';
			return -1;
		}
		*cut[i] = '/';
	}
	if (mkdir(sub, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/*
 * The digest states kept are bounded: past STATE_MAX_FILES files or
 * STATE_MAX_BYTES bytes, the least recently written go first.
 */
#define STATE_MAX_FILES	64
#define STATE_MAX_BYTES	(256ull * 1024 * 1024)

struct state_file {
	char	name[72];
	time_t	mtime;
	off_t	size;
};

static int
state_older(const void *a, const void *b)
{
	const struct state_file *x = a, *y = b;

	return x->mtime < y->mtime ? -1 : x->mtime > y->mtime ? 1 :
	    strcmp(x->name, y->name);
}

static void
state_prune(const char *sub)
{
	struct state_file	*f = NULL, *nf;
	struct dirent		*de;
	struct stat		 st;
	DIR			*d;
	size_t			 n = 0, cap = 0, i;
	unsigned long long	 total = 0;
	char			 path[4200];
	int			 fd;

	if ((d = opendir(sub)) == NULL)
		return;
	fd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		/* states are named by 64 hex digits; nothing else is ours */
		if (strlen(de->d_name) != 64 ||
		    strspn(de->d_name, "0123456789abcdef") != 64 ||
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap == 0 ? 64 : 2 * cap;
			if ((nf = realloc(f, cap * sizeof(*f))) == NULL)
				goto out;
			f = nf;
		}
		snprintf(f[n].name, sizeof(f[n].name), "%s", de->d_name);
		f[n].mtime = st.st_mtime;
		f[n].size = st.st_size;
		total += (unsigned long long)st.st_size;
		n++;
	}
	qsort(f, n, sizeof(*f), state_older);
	for (i = 0; i < n && (n - i > STATE_MAX_FILES ||
	    total > STATE_MAX_BYTES); i++) {
		snprintf(path, sizeof(path), "%s/%s", sub, f[i].name);
		if (unlink(path) == 0)
			total -= (unsigned long long)f[i].size;
	}
out:
	free(f);
	closedir(d);
}

static char *
state_path(const uint8_t sig_digest[32], int create)
{
	const char	*base = getenv("SIGNET_CACHE_DIR"), *x, *home;
	char		*dir = NULL, *path = NULL, *sub = NULL;
	char		 hex[65];
	int		 home_based = 0;

	if (base != NULL && base[0] != '\0')
		dir = strdup(base);
	else if ((x = getenv("XDG_CACHE_HOME")) != NULL && x[0] == '/') {
		if (asprintf(&dir, "%s/signet", x) < 0)
			dir = NULL;
	} else if ((home = getenv("HOME")) != NULL && home[0] == '/') {
		if (asprintf(&dir, "%s/.cache/signet", home) < 0)
			dir = NULL;
		home_based = 1;
	}
	if (dir == NULL)
		return NULL;
	sgn_hex_encode(sig_digest, 32, hex);
	if (asprintf(&sub, "%s/digests", dir) < 0) {
		sub = NULL;
		goto out;
	}
	if (create && make_cache_dirs(sub, home_based) != 0)
		goto out;
	if (asprintf(&path, "%s/%s", sub, hex) < 0)
		path = NULL;
out:
	free(sub);
	free(dir);
	return path;
}

void
model_state_save(const uint8_t *sig, size_t len, const struct sgn_manifest *m)
{
	struct sgn_buf		b;
	struct sgn_errbuf	eb;
	uint8_t			d[32];
	char			*path;

	if (m->legacy || sgn_hash(SGN_HASH_SHA256, sig, len, d, NULL) !=
	    SGN_OK || (path = state_path(d, 1)) == NULL)
		return;
	sgn_buf_init(&b, 0);
	sgn_errbuf_clear(&eb);
	/* a cache: failing to write it only costs a later full hash */
	if (sgn_manifest_state_write(m, &b, &eb) == SGN_OK &&
	    sgn_file_write_atomic(path, b.ptr, b.len, 0600, &eb) == SGN_OK) {
		*strrchr(path, '/') = '\0';
		state_prune(path);
	}
	sgn_buf_reset(&b);
	free(path);
}

struct sgn_manifest *
model_state_load(const char *sig_path)
{
	struct sgn_manifest	*m = NULL;
	struct sgn_errbuf	 eb;
	uint8_t			 d[32], *st = NULL;
	size_t			 slen;
	char			*path = NULL;

	sgn_errbuf_clear(&eb);
	/* the signature is only named by its digest: streamed, not read */
	if (sgn_hash_file(SGN_HASH_SHA256, sig_path, d, &eb) != SGN_OK) {
		cli_err("--reuse-digests %s: %s", sig_path, eb.msg);
		return NULL;
	}
	if ((path = state_path(d, 0)) == NULL ||
	    sgn_file_read(path, 64u * SGN_MANIFEST_MAX_ENTRIES, &st, &slen,
	    &eb) != SGN_OK) {
		cli_err("warning: --reuse-digests %s: this signature was not "
		    "signed or verified on this machine (no digest state); "
		    "hashing every file", sig_path);
		goto out;
	}
	if (sgn_manifest_state_read(st, slen, &m, &eb) != SGN_OK) {
		cli_err("warning: --reuse-digests %s: digest state %s: %s; "
		    "hashing every file", sig_path, path, eb.msg);
		m = NULL;
	}
out:
	free(path);
	free(st);
	return m;
}
