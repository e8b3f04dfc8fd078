/*
 * Capped file reads, atomic file writes, and files created only when new.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

sgn_err
sgn_file_open_read(const char *path, int *fdp, struct sgn_errbuf *eb)
{
	struct stat st;
	int fd = -1, fl;
	sgn_err r = SGN_ERR_IO;

	*fdp = -1;
	if (strcmp(path, "-") == 0) {
		*fdp = STDIN_FILENO;
		return SGN_OK;
	}
	/*
	 * O_NONBLOCK: opening a FIFO with no writer (or a device that waits
	 * for a carrier) would block forever before fstat() could look.
	 */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: is a directory", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: not a regular file", path);
		goto out;
	}
	/* the file handed over reads as any other: blocking */
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	*fdp = fd;
	fd = -1;
	r = SGN_OK;
out:
	if (fd >= 0)
		close(fd);
	return r;
}

sgn_err
sgn_file_read(const char *path, size_t max, uint8_t **outp, size_t *lenp,
    struct sgn_errbuf *eb)
{
	struct sgn_buf b;
	struct stat st;
	uint8_t chunk[65536];
	int fd = -1, is_stdin;
	sgn_err r = SGN_ERR_IO;
	ssize_t n;

	*outp = NULL;
	*lenp = 0;
	sgn_buf_init(&b, max);
	is_stdin = strcmp(path, "-") == 0;
	if ((r = sgn_file_open_read(path, &fd, eb)) != SGN_OK)
		goto out;
	r = SGN_ERR_IO;
	/* a file: regular (sgn_file_open_read); stdin: anything */
	if (fstat(fd, &st) != 0) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		r = sgn_errf(eb, SGN_ERR_LIMIT,
		    "%s: file exceeds the limit of %zu bytes", path, max);
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if ((r = sgn_buf_append(&b, chunk, (size_t)n, NULL)) !=
		    SGN_OK) {
			r = sgn_errf(eb, r, "%s: file exceeds the limit of "
			    "%zu bytes", path, max);
			goto out;
		}
	}
	*outp = sgn_buf_take(&b, lenp);
	r = *outp != NULL ? SGN_OK :
	    sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
out:
	if (fd >= 0 && !is_stdin)
		close(fd);
	sgn_buf_reset(&b);
	return r;
}

/* Writes all of (q, left) to fd, then fsyncs it. */
static sgn_err
write_all(int fd, const uint8_t *q, size_t left, const char *path,
    struct sgn_errbuf *eb)
{
	ssize_t	w;

	while (left > 0) {
		w = write(fd, q, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return sgn_errf(eb, SGN_ERR_IO, "%s: %s", path,
			    w < 0 ? strerror(errno) : "short write");
		q += w;
		left -= (size_t)w;
	}
	if (fsync(fd) != 0)
		return sgn_errf(eb, SGN_ERR_IO, "%s: %s", path,
		    strerror(errno));
	return SGN_OK;
}

sgn_err
sgn_file_write_atomic(const char *path, const void *p, size_t n,
    unsigned mode, struct sgn_errbuf *eb)
{
	char tmp[PATH_MAX];
	const uint8_t *q = p;
	size_t left = n;
	int fd = -1, len;
	sgn_err r = SGN_ERR_IO;

	len = snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path);
	if (len < 0 || (size_t)len >= sizeof(tmp))
		return sgn_errf(eb, SGN_ERR_IO, "%s: path too long", path);
	if ((fd = mkstemp(tmp)) < 0)
		return sgn_errf(eb, SGN_ERR_IO, "%s: %s", path,
		    strerror(errno));
	if (fchmod(fd, (mode_t)mode) != 0) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if ((r = write_all(fd, q, left, path, eb)) != SGN_OK)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	r = SGN_OK;
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0')
		unlink(tmp);
	return r;
}

sgn_err
sgn_file_create(const char *path, const void *p, size_t n, unsigned mode,
    struct sgn_errbuf *eb)
{
	const uint8_t *q = p;
	size_t left = n;
	int fd, made = 0;
	sgn_err r = SGN_ERR_IO;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    (mode_t)mode);
	if (fd < 0) {
		if (errno == EEXIST)
			return sgn_errf(eb, SGN_ERR_IO, "%s: already exists",
			    path);
		return sgn_errf(eb, SGN_ERR_IO, "%s: %s", path,
		    strerror(errno));
	}
	made = 1;
	if ((r = write_all(fd, q, left, path, eb)) != SGN_OK)
		goto out;
	r = close(fd) == 0 ? SGN_OK : sgn_errf(eb, SGN_ERR_IO, "%s: %s",
	    path, strerror(errno));
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	/* O_EXCL made the file ours: a failure leaves nothing behind */
	if (r != SGN_OK && made)
		unlink(path);
	return r;
}
