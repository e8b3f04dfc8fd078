/*
 * build.c: walk a model directory and hash its files on a thread pool.
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

#include "manifest_int.h"

#define MAX_DEPTH	256
#define DEFAULT_READ	(1u << 20)
#define MAX_READ	(64u << 20)
#define MAP_WINDOW	(8u << 20)	/* mapped at a time (mmap) */
#define MAP_MIN		(4u << 20)	/* smaller ranges are read */

static const char *const git_paths[] = {
	".git", ".gitattributes", ".github", ".gitignore",
};

/* One regular file (or link to one) found by the walk. */
struct file {
	char		*path;		/* relative; "." for a single file */
	uint64_t	 size;		/* of the file (the target for links) */
	uint64_t	 dev;
	uint64_t	 ino;
	int64_t		 mtime_ns;
	int64_t		 ctime_ns;
	int		 link;
};

struct walk {
	const struct sgn_manifest_opts	*o;
	const char			*root;		/* as given */
	char				*root_real;	/* realpath */
	char				**ignore;	/* relative paths */
	size_t				 n_ignore;
	const char			**only;		/* sorted paths */
	size_t				 n_only;
	struct file			*files;
	size_t				 n_files;
	size_t				 cap_files;
	uint64_t			 n_entries;
	struct sgn_errbuf		*eb;
};

static int64_t
ts_ns(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int
str_cmp(const void *a, const void *b)
{
	const char *const	*x = a;
	const char *const	*y = b;

	return strcmp(*x, *y);
}

static int
ignored(const struct walk *w, const char *rel)
{
	size_t	i;

	for (i = 0; i < w->n_ignore; i++)
		if (sgn_manifest_path_under(rel, w->ignore[i]))
			return 1;
	return 0;
}

static sgn_err
add_ignore(struct walk *w, const char *p)
{
	size_t	i, n;
	char	*c;

	for (i = 0; i < w->n_ignore; i++)
		if (strcmp(w->ignore[i], p) == 0)
			return SGN_OK;
	if (w->n_ignore == SGN_MANIFEST_MAX_IGNORE)
		return sgn_errf(w->eb, SGN_ERR_LIMIT,
		    "more than %u ignored paths", SGN_MANIFEST_MAX_IGNORE);
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	if ((c = strndup(p, n)) == NULL)
		return sgn_errf(w->eb, SGN_ERR_NOMEM, "out of memory");
	if (!sgn_manifest_path_ok(c, 0)) {
		free(c);
		return sgn_errf(w->eb, SGN_ERR_INVALID_ARGUMENT,
		    "ignored path %s: not a relative path inside the model "
		    "directory", p);
	}
	w->ignore[w->n_ignore++] = c;
	return SGN_OK;
}

static const char *
type_name(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISDIR(m))
		return "a directory";
	return "not a regular file";
}

static sgn_err
add_file(struct walk *w, const char *rel, const struct stat *st, int link)
{
	struct file	*nf;
	size_t		 cap;
	uint64_t	 n;

	if (w->n_only > 0 || w->only != NULL) {
		if (w->n_only == 0 || bsearch(&rel, w->only, w->n_only,
		    sizeof(*w->only), str_cmp) == NULL)
			return SGN_OK;
	}
	if (w->o->method == SGN_MANIFEST_SHARDS)
		n = ((uint64_t)st->st_size + w->o->shard_size - 1) /
		    w->o->shard_size;
	else
		n = 1;
	if (n > SGN_MANIFEST_MAX_ENTRIES - w->n_entries)
		return sgn_errf(w->eb, SGN_ERR_LIMIT,
		    "model has more than %u files or shards",
		    SGN_MANIFEST_MAX_ENTRIES);
	w->n_entries += n;
	if (w->n_files == w->cap_files) {
		cap = w->cap_files != 0 ? w->cap_files * 2 : 256;
		if ((nf = realloc(w->files, cap * sizeof(*nf))) == NULL)
			return sgn_errf(w->eb, SGN_ERR_NOMEM, "out of memory");
		w->files = nf;
		w->cap_files = cap;
	}
	if ((w->files[w->n_files].path = strdup(rel)) == NULL)
		return sgn_errf(w->eb, SGN_ERR_NOMEM, "out of memory");
	w->files[w->n_files].size = (uint64_t)st->st_size;
	w->files[w->n_files].dev = (uint64_t)st->st_dev;
	w->files[w->n_files].ino = (uint64_t)st->st_ino;
	w->files[w->n_files].mtime_ns = ts_ns(st->st_mtim);
	w->files[w->n_files].ctime_ns = ts_ns(st->st_ctim);
	w->files[w->n_files].link = link;
	w->n_files++;
	return SGN_OK;
}

/* The part of the absolute path p below dir ("" for dir), or NULL. */
static const char *
below(const char *p, const char *dir)
{
	size_t	n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return p + 1;
	if (strncmp(p, dir, n) != 0 || (p[n] != '\0' && p[n] != '/'))
		return NULL;
	return p[n] == '/' ? p + n + 1 : p + n;
}

/* A symlink at rel (allowed): its target must be a regular file. */
static sgn_err
follow_link(struct walk *w, const char *rel)
{
	struct stat	 st;
	char		*full = NULL, *real = NULL;
	sgn_err		 r = SGN_OK;

	if (asprintf(&full, "%s/%s", w->root, rel) < 0)
		return sgn_errf(w->eb, SGN_ERR_NOMEM, "out of memory");
	if ((real = realpath(full, NULL)) == NULL) {
		if (errno == ELOOP)
			r = sgn_errf(w->eb, SGN_ERR_UNSUPPORTED,
			    "%s: symlink loop", rel);
		else if (errno == ENOENT)
			r = sgn_errf(w->eb, SGN_ERR_UNSUPPORTED,
			    "%s: broken symlink", rel);
		else
			r = sgn_errf(w->eb, SGN_ERR_IO, "%s: %s", rel,
			    strerror(errno));
		goto out;
	}
	if ((w->o->flags & SGN_MANIFEST_EXTERNAL_LINKS) == 0 &&
	    below(real, w->root_real) == NULL) {
		r = sgn_errf(w->eb, SGN_ERR_UNSUPPORTED,
		    "%s: symlink points outside the model directory (to %s; "
		    "refused without --allow-external-symlinks)", rel, real);
		goto out;
	}
	if (stat(real, &st) != 0) {
		r = sgn_errf(w->eb, SGN_ERR_IO, "%s: %s", rel,
		    strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = sgn_errf(w->eb, SGN_ERR_UNSUPPORTED,
		    "%s: symlink to a directory (not followed; ignore it or "
		    "replace it with the directory)", rel);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = sgn_errf(w->eb, SGN_ERR_UNSUPPORTED,
		    "%s: symlink to %s: only regular files can be signed",
		    rel, type_name(st.st_mode));
		goto out;
	}
	r = add_file(w, rel, &st, 1);
out:
	free(full);
	free(real);
	return r;
}

static sgn_err
walk_dir(struct walk *w, int dfd, const char *prefix, unsigned depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*rel = NULL;
	size_t		 nlen;
	int		 fd;
	sgn_err		 r = SGN_OK;

	if (depth > MAX_DEPTH) {
		close(dfd);
		return sgn_errf(w->eb, SGN_ERR_LIMIT,
		    "%s: directories nested deeper than %u levels", prefix,
		    MAX_DEPTH);
	}
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return sgn_errf(w->eb, SGN_ERR_IO, "%s: %s",
		    *prefix != '\0' ? prefix : w->root, strerror(errno));
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				r = sgn_errf(w->eb, SGN_ERR_IO, "%s: %s",
				    *prefix != '\0' ? prefix : w->root,
				    strerror(errno));
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		nlen = strlen(de->d_name);
		free(rel);
		rel = NULL;
		if (asprintf(&rel, "%s%s%s", prefix,
		    *prefix != '\0' ? "/" : "", de->d_name) < 0) {
			rel = NULL;
			r = sgn_errf(w->eb, SGN_ERR_NOMEM, "out of memory");
			break;
		}
		if (!sgn_manifest_utf8_ok(de->d_name, nlen)) {
			r = sgn_errf(w->eb, SGN_ERR_UNSUPPORTED,
			    "%s: file name is not valid UTF-8", rel);
			break;
		}
		if (ignored(w, rel))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0) {
			r = sgn_errf(w->eb, SGN_ERR_IO, "%s: %s", rel,
			    strerror(errno));
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			fd = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				r = sgn_errf(w->eb, SGN_ERR_IO, "%s: %s", rel,
				    strerror(errno));
				break;
			}
			if ((r = walk_dir(w, fd, rel, depth + 1)) != SGN_OK)
				break;
		} else if (S_ISREG(st.st_mode)) {
			if ((r = add_file(w, rel, &st, 0)) != SGN_OK)
				break;
		} else if (S_ISLNK(st.st_mode)) {
			if ((w->o->flags & SGN_MANIFEST_ALLOW_SYMLINKS) == 0) {
				r = sgn_errf(w->eb, SGN_ERR_UNSUPPORTED,
				    "%s: is a symlink (refused without "
				    "--allow-symlinks)", rel);
				break;
			}
			if ((r = follow_link(w, rel)) != SGN_OK)
				break;
		} else {
			r = sgn_errf(w->eb, SGN_ERR_UNSUPPORTED,
			    "%s: is %s: only regular files can be signed",
			    rel, type_name(st.st_mode));
			break;
		}
	}
	free(rel);
	closedir(d);
	return r;
}

static int
file_cmp(const void *a, const void *b)
{
	const struct file	*x = a;
	const struct file	*y = b;

	return sgn_manifest_path_cmp(x->path, y->path);
}

/* Hashing -------------------------------------------------------------- */

struct task {
	size_t		 entry;		/* index into m->entries */
	size_t		 file;		/* index into w->files */
};

struct pool {
	struct walk		*w;
	struct sgn_manifest	*m;
	const EVP_MD		*md;
	struct task		*tasks;		/* largest first */
	size_t			 n_tasks;
	size_t			 read_size;
	int			 mmap;		/* SGN_MANIFEST_MMAP */
	int			 root_fd;	/* -1 for a single file */
	atomic_size_t		 next;
	atomic_uint_fast64_t	 bytes_done;
	atomic_uint_fast64_t	 tasks_done;
	atomic_int		 stop;
	atomic_int		 finished;	/* workers that returned */
	pthread_mutex_t		 lock;
	pthread_cond_t		 done;		/* a worker returned */
	sgn_err			 err;
	struct sgn_errbuf	 eb;
};

static void
pool_fail(struct pool *p, sgn_err r, const struct sgn_errbuf *eb)
{
	pthread_mutex_lock(&p->lock);
	if (p->err == SGN_OK) {
		p->err = r;
		memcpy(&p->eb, eb, sizeof(p->eb));
	}
	pthread_mutex_unlock(&p->lock);
	atomic_store(&p->stop, 1);
}

/*
 * Hashes [off, off + left) of fd through a mapping, a window at a time:
 * the pages are faulted in ahead, hashed in place (no copy into a
 * buffer), then dropped, so that resident memory stays bounded.
 */
static sgn_err
hash_mapped(struct pool *p, const struct file *f, int fd, uint64_t off,
    uint64_t left, EVP_MD_CTX *ctx, struct sgn_errbuf *eb)
{
	long		 pg = sysconf(_SC_PAGESIZE);
	uint64_t	 base, skip, len, o, w;
	uint8_t		*q;
	sgn_err		 r = SGN_OK;

	if (pg <= 0)
		pg = 4096;
	base = off - off % (uint64_t)pg;
	skip = off - base;
	len = skip + left;
	if (len > SIZE_MAX)
		return sgn_errf(eb, SGN_ERR_LIMIT, "%s: too large to map",
		    f->path);
	q = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, fd, (off_t)base);
	if (q == MAP_FAILED)
		return sgn_errf(eb, SGN_ERR_IO, "%s: %s", f->path,
		    strerror(errno));
	(void)madvise(q, (size_t)len, MADV_SEQUENTIAL);
	for (o = skip; o < len; o += w) {
		if (atomic_load_explicit(&p->stop, memory_order_relaxed)) {
			r = SGN_ERR_INTERNAL;	/* another worker failed */
			break;
		}
		w = len - o < MAP_WINDOW ? len - o : MAP_WINDOW;
#ifdef MADV_POPULATE_READ
		(void)madvise(q + (o - o % (uint64_t)pg),
		    (size_t)(w + o % (uint64_t)pg), MADV_POPULATE_READ);
#endif
		if (EVP_DigestUpdate(ctx, q + o, (size_t)w) != 1) {
			r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "%s: digest",
			    f->path);
			break;
		}
		(void)madvise(q + (o - o % (uint64_t)pg),
		    (size_t)(w + o % (uint64_t)pg), MADV_DONTNEED);
		atomic_fetch_add_explicit(&p->bytes_done, w,
		    memory_order_relaxed);
	}
	munmap(q, (size_t)len);
	return r;
}

static sgn_err
hash_task(struct pool *p, const struct task *t, EVP_MD_CTX *ctx,
    uint8_t *buf, struct sgn_errbuf *eb)
{
	struct sgn_manifest_entry	*e = &p->m->entries[t->entry];
	const struct file		*f = &p->w->files[t->file];
	struct stat			 st;
	uint64_t			 off, left;
	size_t				 want;
	ssize_t				 got;
	unsigned			 dlen;
	int				 fd, flags;
	sgn_err				 r = SGN_OK;

	flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	if (!f->link)
		flags |= O_NOFOLLOW;
	if (p->root_fd < 0)
		fd = open(p->w->root, flags);
	else
		fd = openat(p->root_fd, f->path, flags);
	if (fd < 0)
		return sgn_errf(eb, SGN_ERR_IO, "%s: %s", f->path,
		    strerror(errno));
	if (fstat(fd, &st) != 0) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", f->path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_dev != f->dev ||
	    (uint64_t)st.st_ino != f->ino) {
		r = sgn_errf(eb, SGN_ERR_IO,
		    "%s: replaced while the model was being hashed", f->path);
		goto out;
	}
	if ((uint64_t)st.st_size != f->size) {
		r = sgn_errf(eb, SGN_ERR_IO,
		    "%s: changed size while the model was being hashed",
		    f->path);
		goto out;
	}
	if (e->end - e->start >= 4 * p->read_size)
		(void)posix_fadvise(fd, (off_t)e->start,
		    (off_t)(e->end - e->start), POSIX_FADV_SEQUENTIAL);
	if (EVP_DigestInit_ex2(ctx, p->md, NULL) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "%s: digest", f->path);
		goto out;
	}
	off = e->start;
	left = e->end - e->start;
	if (p->mmap && left >= MAP_MIN) {
		if ((r = hash_mapped(p, f, fd, off, left, ctx, eb)) != SGN_OK)
			goto out;
		left = 0;
	}
	while (left > 0) {
		if (atomic_load_explicit(&p->stop, memory_order_relaxed)) {
			r = SGN_ERR_INTERNAL;	/* another worker failed */
			goto out;
		}
		want = left < p->read_size ? (size_t)left : p->read_size;
		got = pread(fd, buf, want, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", f->path,
			    strerror(errno));
			goto out;
		}
		if (got == 0) {
			r = sgn_errf(eb, SGN_ERR_IO,
			    "%s: shrank while the model was being hashed",
			    f->path);
			goto out;
		}
		if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1) {
			r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "%s: digest",
			    f->path);
			goto out;
		}
		off += (uint64_t)got;
		left -= (uint64_t)got;
		atomic_fetch_add_explicit(&p->bytes_done, (uint64_t)got,
		    memory_order_relaxed);
	}
	if (EVP_DigestFinal_ex(ctx, e->digest, &dlen) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "%s: digest", f->path);
		goto out;
	}
	e->digest_len = dlen;
out:
	close(fd);
	return r;
}

static void *
worker(void *arg)
{
	struct pool		*p = arg;
	struct sgn_errbuf	 eb;
	EVP_MD_CTX		*ctx;
	uint8_t			*buf = NULL;
	size_t			 i;
	sgn_err			 r;

	sgn_errbuf_clear(&eb);
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || posix_memalign((void **)&buf, 4096,
	    p->read_size) != 0) {
		buf = NULL;
		r = sgn_errf(&eb, SGN_ERR_NOMEM, "out of memory");
		pool_fail(p, r, &eb);
		goto out;
	}
	while (!atomic_load(&p->stop)) {
		i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n_tasks)
			break;
		r = hash_task(p, &p->tasks[i], ctx, buf, &eb);
		if (r != SGN_OK) {
			if (r != SGN_ERR_INTERNAL || eb.msg[0] != '\0')
				pool_fail(p, r, &eb);
			break;
		}
		atomic_fetch_add(&p->tasks_done, 1);
	}
out:
	free(buf);
	EVP_MD_CTX_free(ctx);
	pthread_mutex_lock(&p->lock);
	atomic_fetch_add(&p->finished, 1);
	pthread_cond_signal(&p->done);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static int
task_cmp(const void *a, const void *b, void *arg)
{
	const struct task		*x = a;
	const struct task		*y = b;
	const struct sgn_manifest	*m = arg;
	uint64_t			 lx, ly;

	lx = m->entries[x->entry].end - m->entries[x->entry].start;
	ly = m->entries[y->entry].end - m->entries[y->entry].start;
	if (lx != ly)
		return lx > ly ? -1 : 1;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static unsigned
default_jobs(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > SGN_MANIFEST_MAX_JOBS ? SGN_MANIFEST_MAX_JOBS : (unsigned)n;
}

static void
report(const struct pool *p, uint64_t total, uint64_t files_total)
{
	const struct sgn_manifest_opts	*o = p->w->o;

	if (o->progress != NULL)
		o->progress(o->progress_ctx,
		    atomic_load(&p->bytes_done) + p->m->reused_bytes, total,
		    atomic_load(&p->tasks_done), files_total);
}

static sgn_err
run_pool(struct pool *p, unsigned jobs, uint64_t total,
    struct sgn_errbuf *eb)
{
	pthread_t	*th;
	unsigned	 i, started = 0;
	uint64_t	 n_tasks = p->n_tasks;
	struct timespec	 ts;
	sgn_err		 r = SGN_OK;

	if (p->n_tasks == 0) {
		report(p, total, 0);
		return SGN_OK;
	}
	if (jobs > p->n_tasks)
		jobs = (unsigned)p->n_tasks;
	if ((th = calloc(jobs, sizeof(*th))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i < jobs; i++) {
		if (pthread_create(&th[i], NULL, worker, p) != 0)
			break;
		started++;
	}
	if (started == 0) {
		free(th);
		return sgn_errf(eb, SGN_ERR_INTERNAL,
		    "cannot start a hashing thread");
	}
	/* report ten times a second until every worker has returned */
	pthread_mutex_lock(&p->lock);
	while ((unsigned)atomic_load(&p->finished) < started) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000 * 1000 * 1000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000 * 1000 * 1000;
		}
		if (pthread_cond_timedwait(&p->done, &p->lock, &ts) != 0 &&
		    (unsigned)atomic_load(&p->finished) < started) {
			pthread_mutex_unlock(&p->lock);
			report(p, total, n_tasks);
			pthread_mutex_lock(&p->lock);
		}
	}
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	if (p->err != SGN_OK)
		return sgn_errf(eb, p->err, "%s", p->eb.msg);
	report(p, total, n_tasks);
	return r;
}

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

	if (depth > MAX_DEPTH || (d = fdopendir(dfd)) == NULL) {
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
		if ((r = add_ignore(w, o->ignore[i])) != SGN_OK)
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
		    (in = below(rd, root_real)) != NULL) {
			if (asprintf(&rel, "%s%s%s", in, *in != '\0' ? "/" :
			    "", base) < 0) {
				rel = NULL;
				r = sgn_errf(w->eb, SGN_ERR_NOMEM,
				    "out of memory");
			} else
				r = add_ignore(w, rel);
			if (r != SGN_OK)
				goto out;
		}
	}
	if ((o->flags & SGN_MANIFEST_KEEP_GIT) == 0 && !single)
		for (i = 0; i < sizeof(git_paths) / sizeof(git_paths[0]); i++)
			if ((r = add_ignore(w, git_paths[i])) != SGN_OK)
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
	qsort(w->only, n, sizeof(*w->only), str_cmp);
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
	struct sgn_manifest_opts	 o = *opts;
	struct walk			 w;
	struct pool			 p;
	struct sgn_manifest		*m = NULL;
	struct stat			 st;
	EVP_MD				*md = NULL;
	unsigned char			*reused = NULL;
	size_t				 i, k;
	int				 fd, single = 0, lock_ok = 0;
	sgn_err				 r = SGN_OK;

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
		o.jobs = default_jobs();
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
		    model_path, type_name(st.st_mode));
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
		if ((r = add_file(&w, ".", &st, 0)) != SGN_OK)
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
		if ((r = walk_dir(&w, fd, "", 0)) != SGN_OK)
			goto out;
		if (w.n_files > 1)
			qsort(w.files, w.n_files, sizeof(*w.files), file_cmp);
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
		qsort_r(p.tasks, p.n_tasks, sizeof(*p.tasks), task_cmp, m);
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
	if ((r = run_pool(&p, o.jobs, m->total_bytes, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_manifest_compute_root(m, eb)) != SGN_OK)
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
