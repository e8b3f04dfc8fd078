/*
 * build_int.h: what the walk (walk.c), the hashing pool (pool.c) and
 * sgn_manifest_build() (build.c) share; private to pkg/manifest.
 */
#ifndef SGN_MANIFEST_BUILD_INT_H
#define SGN_MANIFEST_BUILD_INT_H

#include <sys/stat.h>

#include <pthread.h>
#include <stdatomic.h>

#include <openssl/evp.h>

#include "manifest_int.h"

#define SGN_MANIFEST_MAX_DEPTH	256	/* directory levels */

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

/*
 * Chooses what sgn_manifest_build_sel() hashes: called after the walk
 * with the entries (digests empty, what the walk saw filled in) and
 * skip[] (one byte an entry); setting skip[i] leaves entry i unhashed.
 * An error ends the build.
 */
typedef sgn_err (*sgn_manifest_select_fn)(void *ctx,
    struct sgn_manifest *m, unsigned char *skip, struct sgn_errbuf *eb);

/*
 * sgn_manifest_build(), with sel (when not NULL) choosing the entries to
 * hash; the root digest is then left for the caller to compute.
 */
sgn_err	sgn_manifest_build_sel(const char *model_path,
	    const struct sgn_manifest_opts *opts, sgn_manifest_select_fn sel,
	    void *sel_ctx, struct sgn_manifest **out, struct sgn_errbuf *eb);

/* walk.c */
int	sgn_manifest_str_cmp(const void *a, const void *b);
sgn_err	sgn_manifest_add_ignore(struct walk *w, const char *p);
const char *sgn_manifest_type_name(mode_t m);
sgn_err	sgn_manifest_add_file(struct walk *w, const char *rel,
	    const struct stat *st, int link);
const char *sgn_manifest_below(const char *p, const char *dir);
sgn_err	sgn_manifest_walk_dir(struct walk *w, int dfd, const char *prefix,
	    unsigned depth);
int	sgn_manifest_file_cmp(const void *a, const void *b);
/* pool.c */
int	sgn_manifest_task_cmp(const void *a, const void *b, void *arg);
unsigned sgn_manifest_default_jobs(void);
/* Hashes p's tasks on jobs threads, reporting progress. */
sgn_err	sgn_manifest_run_pool(struct pool *p, unsigned jobs, uint64_t total,
	    struct sgn_errbuf *eb);

#endif /* SGN_MANIFEST_BUILD_INT_H */
