/*
 * walk.c: the walk of a model directory, first and alone: directories are
 * opened relative to their parent's descriptor, a symlink to a directory
 * is never followed, and what the walk saw of each file (size, times,
 * device, inode) is recorded for the hashing (pool.c) to check.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "build_int.h"

static int64_t
ts_ns(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int
sgn_manifest_str_cmp(const void *a, const void *b)
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

sgn_err
sgn_manifest_add_ignore(struct walk *w, const char *p)
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

const char *
sgn_manifest_type_name(mode_t m)
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

sgn_err
sgn_manifest_add_file(struct walk *w, const char *rel, const struct stat *st,
    int link)
{
	struct file	*nf;
	size_t		 cap;
	uint64_t	 n;

	if (w->n_only > 0 || w->only != NULL) {
		if (w->n_only == 0 || bsearch(&rel, w->only, w->n_only,
		    sizeof(*w->only), sgn_manifest_str_cmp) == NULL)
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
const char *
sgn_manifest_below(const char *p, const char *dir)
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
	    sgn_manifest_below(real, w->root_real) == NULL) {
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
		    rel, sgn_manifest_type_name(st.st_mode));
		goto out;
	}
	r = sgn_manifest_add_file(w, rel, &st, 1);
out:
	free(full);
	free(real);
	return r;
}

sgn_err
sgn_manifest_walk_dir(struct walk *w, int dfd, const char *prefix,
    unsigned depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*rel = NULL;
	size_t		 nlen;
	int		 fd;
	sgn_err		 r = SGN_OK;

	if (depth > SGN_MANIFEST_MAX_DEPTH) {
		close(dfd);
		return sgn_errf(w->eb, SGN_ERR_LIMIT,
		    "%s: directories nested deeper than %u levels", prefix,
		    SGN_MANIFEST_MAX_DEPTH);
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
			r = sgn_manifest_walk_dir(w, fd, rel, depth + 1);
			if (r != SGN_OK)
				break;
		} else if (S_ISREG(st.st_mode)) {
			if ((r = sgn_manifest_add_file(w, rel, &st, 0)) !=
			    SGN_OK)
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
			    rel, sgn_manifest_type_name(st.st_mode));
			break;
		}
	}
	free(rel);
	closedir(d);
	return r;
}

int
sgn_manifest_file_cmp(const void *a, const void *b)
{
	const struct file	*x = a;
	const struct file	*y = b;

	return sgn_manifest_path_cmp(x->path, y->path);
}
