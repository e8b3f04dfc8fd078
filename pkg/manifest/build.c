/*
 * build.c: sgn_manifest_build(): walk a model directory (walk.c) and hash
 * its files on a thread pool (pool.c).
 *
 * The walk runs first, alone: it opens directories relative to their
 * parent's descriptor, never follows a symlink to a directory, and
 * records what it saw of each file (size, times, device, inode).  The
 * hashing then opens each file beneath the model directory (O_NOFOLLOW
 * for plain files), and refuses it unless it is still the file the walk
 * recorded, so that a tree changed between the two phases cannot make
 * signet read a file outside the model.  Work items (whole files, or
 * shards) go to the workers largest first; each worker owns one read
 * buffer and one digest context.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "build_int.h"
#include "core_int.h"

#define DEFAULT_READ	(1u << 20)
#define MAX_READ	(64u << 20)

static const char *const git_paths[] = {
	".git", ".gitattributes", ".github", ".gitignore",
};

/* The size a signature of a model can need ------------------------------ */

/*
 * What one entry can take in a signature: the resource around its name
 * (algorithm "blake2b-sharded-N", 128 hex digits, keys, indentation, the
 * ":start:end" of a shard) within SIG_ENTRY_BYTES, the name escaped (at
 * worst 6 bytes a byte, "\u001f"), all of it base64 in the envelope.
 */
#define SIG_ENTRY_BYTES		512
/* shards are counted as if no smaller than this */
#define SIG_SHARD_FLOOR		4096

struct sigcap {
	uint64_t	need;
	uint64_t	max;
	int		have_sig;
	dev_t		sig_dev;
	ino_t		sig_ino;
};

static void
sigcap_add(struct sigcap *c, size_t name_len, uint64_t size)
{
	uint64_t	e, n;

	e = (SIG_ENTRY_BYTES + 6 * (uint64_t)name_len) / 3 * 4 + 4;
	n = 1 + size / SIG_SHARD_FLOOR;
	if (n > (c->max - c->need) / e)
		c->need = c->max;
	else
		c->need += n * e;
}

static void
sigcap_walk(struct sigcap *c, int dfd, size_t prefix_len, unsigned depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	size_t		 nlen;
	int		 fd;

	if (depth > SGN_MANIFEST_MAX_DEPTH || (d = fdopendir(dfd)) == NULL) {
		close(dfd);
		c->need = c->max;	/* the walk will say why */
		return;
	}
	while (c->need < c->max && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		nlen = prefix_len + (prefix_len > 0) + strlen(de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			fd = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				sigcap_walk(c, fd, nlen, depth + 1);
			continue;
		}
		/* a link is hashed as its target, under its own name */
		if (S_ISLNK(st.st_mode) &&
		    fstatat(dirfd(d), de->d_name, &st, 0) != 0)
			st.st_size = 0;
		/* the signature (under any name) gets no room for its own
		 * size: a larger signature must not buy itself a larger cap */
		if (c->have_sig && st.st_dev == c->sig_dev &&
		    st.st_ino == c->sig_ino)
			st.st_size = 0;
		sigcap_add(c, nlen, S_ISREG(st.st_mode) ?
		    (uint64_t)st.st_size : 0);
	}
	closedir(d);
}

size_t
sgn_manifest_signature_cap(const char *model_path, const char *sig_path)
{
	struct sigcap	c;
	struct stat	st;
	int		fd;

	memset(&c, 0, sizeof(c));
	c.need = SGN_MAX_BUNDLE_BYTES;
	c.max = SGN_MAX_MODEL_BUNDLE_BYTES;
	if (sig_path != NULL && stat(sig_path, &st) == 0) {
		c.have_sig = 1;
		c.sig_dev = st.st_dev;
		c.sig_ino = st.st_ino;
	}
	if (stat(model_path, &st) != 0)
		return (size_t)c.need;
	if (!S_ISDIR(st.st_mode)) {
		sigcap_add(&c, strlen(model_path), S_ISREG(st.st_mode) ?
		    (uint64_t)st.st_size : 0);
		return (size_t)c.need;
	}
	fd = open(model_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return (size_t)c.need;
	sigcap_walk(&c, fd, 0, 0);
	return (size_t)c.need;
}

/* Building ------------------------------------------------------------- */

static sgn_err
setup_ignore(struct walk *w, const char *root_real, int single)
{
	const struct sgn_manifest_opts	*o = w->o;
	const char			*base, *slash, *in;
	char				*dir = NULL, *rd = NULL, *rel = NULL;
	size_t				 i;
	sgn_err				 r = SGN_OK;

	if ((w->ignore = calloc(SGN_MANIFEST_MAX_IGNORE,
	    sizeof(*w->ignore))) == NULL)
		return sgn_errf(w->eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i < o->n_ignore; i++)
		if ((r = sgn_manifest_add_ignore(w, o->ignore[i])) != SGN_OK)
			return r;
	if (o->signature_path != NULL) {
		/*
		 * Left out by its path alone: another name for the same
		 * file (a hard link, which tar keeps) is hashed like any
		 * other file, so that nothing unsigned passes for it.
		 */
		slash = strrchr(o->signature_path, '/');
		base = slash != NULL ? slash + 1 : o->signature_path;
		dir = slash == NULL ? strdup(".") : strndup(o->signature_path,
		    slash == o->signature_path ? 1 :	/* "/x": "/" */
		    (size_t)(slash - o->signature_path));
		if (dir == NULL) {
			r = sgn_errf(w->eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		rd = realpath(dir, NULL);
		if (!single && rd != NULL && *base != '\0' &&
		    strcmp(base, ".") != 0 && strcmp(base, "..") != 0 &&
		    (in = sgn_manifest_below(rd, root_real)) != NULL) {
			if (asprintf(&rel, "%s%s%s", in, *in != '\0' ? "/" :
			    "", base) < 0) {
				rel = NULL;
				r = sgn_errf(w->eb, SGN_ERR_NOMEM,
				    "out of memory");
			} else
				r = sgn_manifest_add_ignore(w, rel);
			if (r != SGN_OK)
				goto out;
		}
	}
	if ((o->flags & SGN_MANIFEST_KEEP_GIT) == 0 && !single)
		for (i = 0; i < sizeof(git_paths) / sizeof(git_paths[0]); i++)
			if ((r = sgn_manifest_add_ignore(w, git_paths[i])) !=
			    SGN_OK)
				goto out;
out:
	free(dir);
	free(rd);
	free(rel);
	return r;
}

static sgn_err
setup_only(struct walk *w)
{
	const struct sgn_manifest	*om = w->o->only;
	size_t				 i, n = 0;

	if (om == NULL)
		return SGN_OK;
	if (om->n_entries == 0) {
		w->only = calloc(1, sizeof(*w->only));
		return w->only == NULL ?
		    sgn_errf(w->eb, SGN_ERR_NOMEM, "out of memory") : SGN_OK;
	}
	if ((w->only = calloc(om->n_entries, sizeof(*w->only))) == NULL)
		return sgn_errf(w->eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i < om->n_entries; i++)
		w->only[n++] = om->entries[i].path;
	qsort(w->only, n, sizeof(*w->only), sgn_manifest_str_cmp);
	w->n_only = n;
	return SGN_OK;
}

/* Fills the entries of m from the sorted files. */
static sgn_err
make_entries(struct walk *w, struct sgn_manifest *m)
{
	struct sgn_manifest_entry	*e;
	const struct file		*f;
	uint64_t			 size, s;
	size_t				 i, k = 0;

	if (w->n_entries == 0)
		return SGN_OK;
	if ((m->entries = calloc((size_t)w->n_entries,
	    sizeof(*m->entries))) == NULL)
		return sgn_errf(w->eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i < w->n_files; i++) {
		f = &w->files[i];
		size = f->size;
		s = 0;
		do {
			if (m->method == SGN_MANIFEST_SHARDS && size == 0)
				break;
			e = &m->entries[k++];
			if ((e->path = strdup(f->path)) == NULL)
				return sgn_errf(w->eb, SGN_ERR_NOMEM,
				    "out of memory");
			e->shard = m->method == SGN_MANIFEST_SHARDS;
			e->start = s;
			e->end = e->shard && size - s > m->shard_size ?
			    s + m->shard_size : size;
			e->size = size;
			e->mtime_ns = f->mtime_ns;
			e->ctime_ns = f->ctime_ns;
			e->dev = f->dev;
			e->ino = f->ino;
			s = e->end;
		} while (s < size);
		m->n_entries = k;
		m->total_bytes += size;
	}
	return SGN_OK;
}

/* The first of v[0..n) whose path is not before path. */
static size_t
lower_bound(const struct sgn_manifest_entry **v, size_t n, const char *path)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sgn_manifest_path_cmp(v[mid]->path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Copies digests from o->reuse for the files that did not change (same
 * size, modification and change times, device and inode, and the same
 * shards); sets reused[i] for each entry so filled.
 */
static void
apply_reuse(const struct sgn_manifest_opts *o, struct sgn_manifest *m,
    unsigned char *reused)
{
	const struct sgn_manifest	*old = o->reuse;
	const struct sgn_manifest_entry	**v, *oe;
	struct sgn_manifest_entry	*e;
	size_t				 i, j, a, b, k, dlen;

	dlen = sgn_manifest_digest_len(m->hash);
	if (old == NULL || old->method != m->method ||
	    old->hash != m->hash || old->n_entries == 0 ||
	    (m->method == SGN_MANIFEST_SHARDS &&
	    old->shard_size != m->shard_size))
		return;
	if ((v = calloc(old->n_entries, sizeof(*v))) == NULL)
		return;		/* nothing reused: everything is hashed */
	for (i = 0; i < old->n_entries; i++)
		v[i] = &old->entries[i];
	sgn_manifest_sort_ptrs(v, old->n_entries);
	for (i = 0; i < m->n_entries; i = j) {
		e = &m->entries[i];
		for (j = i + 1; j < m->n_entries &&
		    strcmp(m->entries[j].path, e->path) == 0; j++)
			;
		a = lower_bound(v, old->n_entries, e->path);
		for (b = a; b < old->n_entries &&
		    strcmp(v[b]->path, e->path) == 0; b++)
			;
		if (b - a != j - i)
			continue;
		oe = v[a];
		if (oe->size != e->size || oe->mtime_ns != e->mtime_ns ||
		    oe->ctime_ns != e->ctime_ns || oe->dev != e->dev ||
		    oe->ino != e->ino)
			continue;
		for (k = 0; k < j - i; k++)
			if (v[a + k]->start != m->entries[i + k].start ||
			    v[a + k]->end != m->entries[i + k].end ||
			    v[a + k]->digest_len != dlen)
				break;
		if (k != j - i)
			continue;
		for (k = 0; k < j - i; k++) {
			memcpy(m->entries[i + k].digest, v[a + k]->digest,
			    dlen);
			m->entries[i + k].digest_len = dlen;
			reused[i + k] = 1;
		}
		m->reused_bytes += e->size;
	}
	free(v);
}

sgn_err
sgn_manifest_subject_name(const char *model_path, char **out,
    struct sgn_errbuf *eb)
{
	char	*copy, *base, *real = NULL;
	size_t	 n;

	if ((copy = strdup(model_path)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	base = strrchr(copy, '/') != NULL ? strrchr(copy, '/') + 1 : copy;
	if (*base == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		if ((real = realpath(model_path, NULL)) == NULL) {
			free(copy);
			return sgn_errf(eb, SGN_ERR_IO, "%s: %s", model_path,
			    strerror(errno));
		}
		base = strrchr(real, '/') != NULL ? strrchr(real, '/') + 1 :
		    real;
	}
	*out = strdup(base);
	free(copy);
	free(real);
	return *out == NULL ? sgn_errf(eb, SGN_ERR_NOMEM, "out of memory") :
	    SGN_OK;
}

static EVP_MD *
fetch_md(sgn_manifest_hash h)
{
	switch (h) {
	case SGN_MANIFEST_SHA256:
		return EVP_MD_fetch(NULL, "SHA256", NULL);
	case SGN_MANIFEST_BLAKE2B:
		return EVP_MD_fetch(NULL, "BLAKE2B-512", NULL);
	case SGN_MANIFEST_BLAKE3:
		break;
	}
	return NULL;
}

sgn_err
sgn_manifest_build(const char *model_path,
    const struct sgn_manifest_opts *opts, struct sgn_manifest **out,
    struct sgn_errbuf *eb)
{
	return sgn_manifest_build_sel(model_path, opts, NULL, NULL, out, eb);
}

sgn_err
sgn_manifest_build_sel(const char *model_path,
    const struct sgn_manifest_opts *opts, sgn_manifest_select_fn sel,
    void *sel_ctx, struct sgn_manifest **out, struct sgn_errbuf *eb)
{
	struct sgn_manifest_opts	 o = SGN_MANIFEST_OPTS_INIT;
	struct walk			 w;
	struct pool			 p;
	struct sgn_manifest		*m = NULL;
	struct stat			 st;
	EVP_MD				*md = NULL;
	unsigned char			*reused = NULL;
	size_t				 i, k;
	int				 fd, single = 0, lock_ok = 0;
	sgn_err				 r = SGN_OK;

	if (opts != NULL && (r = sgn_sized_in(&o, sizeof(o), opts,
	    "sgn_manifest_opts", eb)) != SGN_OK)
		return r;
	memset(&w, 0, sizeof(w));
	memset(&p, 0, sizeof(p));
	p.root_fd = -1;
	if (o.method == 0)
		o.method = SGN_MANIFEST_FILES;
	if (o.hash == 0)
		o.hash = SGN_MANIFEST_SHA256;
	if (o.shard_size == 0)
		o.shard_size = SGN_MANIFEST_DEFAULT_SHARD;
	if (o.read_size == 0)
		o.read_size = DEFAULT_READ;
	if (o.jobs == 0)
		o.jobs = sgn_manifest_default_jobs();
	if (o.jobs > SGN_MANIFEST_MAX_JOBS || o.read_size > MAX_READ ||
	    (o.method != SGN_MANIFEST_FILES &&
	    o.method != SGN_MANIFEST_SHARDS))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "manifest: bad options");
	if (o.shard_size > (1ULL << 53))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "shard size %llu: at most 2^53",
		    (unsigned long long)o.shard_size);
	if ((md = fetch_md(o.hash)) == NULL)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "hash %s: not supported for hashing models",
		    sgn_manifest_hash_name(o.hash));
	w.o = &o;
	w.root = model_path;
	w.eb = eb;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	m->method = o.method;
	m->hash = o.hash;
	m->shard_size = o.method == SGN_MANIFEST_SHARDS ? o.shard_size : 0;
	m->allow_symlinks = (o.flags & SGN_MANIFEST_ALLOW_SYMLINKS) != 0;
	if (stat(model_path, &st) != 0) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", model_path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "%s: is %s: a model is a directory or a regular file",
		    model_path, sgn_manifest_type_name(st.st_mode));
		goto out;
	}
	single = S_ISREG(st.st_mode);
	if ((w.root_real = realpath(model_path, NULL)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", model_path,
		    strerror(errno));
		goto out;
	}
	if ((r = sgn_manifest_subject_name(model_path, &m->subject, eb)) !=
	    SGN_OK || (r = setup_ignore(&w, w.root_real, single)) != SGN_OK ||
	    (r = setup_only(&w)) != SGN_OK)
		goto out;
	if (single) {
		if ((r = sgn_manifest_add_file(&w, ".", &st, 0)) != SGN_OK)
			goto out;
		/* a single file is opened by the path the caller gave */
		w.files[0].link = 1;
	} else {
		fd = open(model_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || (p.root_fd = dup(fd)) < 0) {
			r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", model_path,
			    strerror(errno));
			if (fd >= 0)
				close(fd);
			goto out;
		}
		if (fstat(fd, &st) != 0) {
			close(fd);
			r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", model_path,
			    strerror(errno));
			goto out;
		}
		if ((r = sgn_manifest_walk_dir(&w, fd, "", 0)) != SGN_OK)
			goto out;
		if (w.n_files > 1)
			qsort(w.files, w.n_files, sizeof(*w.files),
			    sgn_manifest_file_cmp);
	}
	/* the recorded ignore list */
	if (w.n_ignore > 0) {
		if ((m->ignore_paths = calloc(w.n_ignore,
		    sizeof(*m->ignore_paths))) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		for (i = 0; i < w.n_ignore; i++) {
			m->ignore_paths[i] = w.ignore[i];
			w.ignore[i] = NULL;
		}
		m->n_ignore = w.n_ignore;
	}
	if ((r = make_entries(&w, m)) != SGN_OK)
		goto out;
	if (m->n_entries > 0 && (reused = calloc(m->n_entries, 1)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (m->n_entries > 0)
		apply_reuse(&o, m, reused);
	if (sel != NULL && (r = sel(sel_ctx, m, reused, eb)) != SGN_OK)
		goto out;
	/* tasks: entries not reused, each with its file, largest first */
	if (m->n_entries > 0 && (p.tasks = calloc(m->n_entries,
	    sizeof(*p.tasks))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0, k = 0; i < m->n_entries; i++) {
		if (i > 0 && strcmp(m->entries[i].path,
		    m->entries[i - 1].path) != 0)
			k++;
		while (strcmp(w.files[k].path, m->entries[i].path) != 0)
			k++;	/* files without entries: empty shards */
		if (reused[i])
			continue;
		p.tasks[p.n_tasks].entry = i;
		p.tasks[p.n_tasks].file = k;
		p.n_tasks++;
	}
	if (p.n_tasks > 1)
		qsort_r(p.tasks, p.n_tasks, sizeof(*p.tasks),
		    sgn_manifest_task_cmp, m);
	p.w = &w;
	p.m = m;
	p.md = md;
	p.read_size = o.read_size;
	p.mmap = (o.flags & SGN_MANIFEST_MMAP) != 0;
	if (pthread_mutex_init(&p.lock, NULL) != 0) {
		r = sgn_errf(eb, SGN_ERR_INTERNAL, "mutex");
		goto out;
	}
	if (pthread_cond_init(&p.done, NULL) != 0) {
		pthread_mutex_destroy(&p.lock);
		r = sgn_errf(eb, SGN_ERR_INTERNAL, "condition variable");
		goto out;
	}
	lock_ok = 1;
	if ((r = sgn_manifest_run_pool(&p, o.jobs, m->total_bytes, eb)) !=
	    SGN_OK)
		goto out;
	if (sel == NULL && (r = sgn_manifest_compute_root(m, eb)) != SGN_OK)
		goto out;
	*out = m;
	m = NULL;
out:
	if (lock_ok) {
		pthread_cond_destroy(&p.done);
		pthread_mutex_destroy(&p.lock);
	}
	if (p.root_fd >= 0)
		close(p.root_fd);
	free(p.tasks);
	free(reused);
	for (i = 0; i < w.n_files; i++)
		free(w.files[i].path);
	free(w.files);
	if (w.ignore != NULL)
		for (i = 0; i < w.n_ignore; i++)
			free(w.ignore[i]);
	free(w.ignore);
	free(w.only);
	free(w.root_real);
	EVP_MD_free(md);
	sgn_manifest_free(&m);
	return r;
}
