/*
 * pool.c: hashing the walked files on a pool of worker threads.  Each file
 * is opened beneath the model directory (O_NOFOLLOW for plain files) and
 * refused unless it is still the file the walk recorded, so that a tree
 * changed between the two phases cannot make signet read a file outside
 * the model.  Work items (whole files, or shards) go to the workers
 * largest first; each worker owns one read buffer and one digest context.
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

#define MAP_WINDOW	(8u << 20)	/* mapped at a time (mmap) */
#define MAP_MIN		(4u << 20)	/* smaller ranges are read */

/* Hashing -------------------------------------------------------------- */


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

int
sgn_manifest_task_cmp(const void *a, const void *b, void *arg)
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

unsigned
sgn_manifest_default_jobs(void)
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

sgn_err
sgn_manifest_run_pool(struct pool *p, unsigned jobs, uint64_t total,
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
