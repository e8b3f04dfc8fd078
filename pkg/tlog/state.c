/*
 * The checkpoint an auditor stored for a log: the raw signed note, one
 * file per log origin, written atomically under an advisory lock so that
 * two runs (cron and a person) never interleave a load and a store.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlog.h"

sgn_err
sgn_tlog_state_lock(const char *path, int *fd, struct sgn_errbuf *eb)
{
	char lock[4096];
	int f;

	if (fd == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "state lock: missing argument");
	*fd = -1;
	if (path == NULL || (size_t)snprintf(lock, sizeof(lock), "%s.lock",
	    path) >= sizeof(lock))
		return sgn_errf(eb, SGN_ERR_IO, "state: path too long");
	f = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (f < 0)
		return sgn_errf(eb, SGN_ERR_IO, "%s: %s", lock,
		    strerror(errno));
	while (flock(f, LOCK_EX) != 0) {
		if (errno == EINTR)
			continue;
		close(f);
		return sgn_errf(eb, SGN_ERR_IO, "%s: %s", lock,
		    strerror(errno));
	}
	*fd = f;
	return SGN_OK;
}

void
sgn_tlog_state_unlock(int *fd)
{
	if (fd == NULL || *fd < 0)
		return;
	(void)flock(*fd, LOCK_UN);
	close(*fd);
	*fd = -1;
}

sgn_err
sgn_tlog_state_load(const char *path, uint8_t **note, size_t *len,
    struct sgn_errbuf *eb)
{
	struct stat st;

	if (path == NULL || note == NULL || len == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "state: missing argument");
	*note = NULL;
	*len = 0;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return SGN_OK;
		return sgn_errf(eb, SGN_ERR_IO, "%s: %s", path,
		    strerror(errno));
	}
	return sgn_file_read(path, SGN_NOTE_MAX_BYTES, note, len, eb);
}

sgn_err
sgn_tlog_state_store(const char *path, const char *note, size_t len,
    struct sgn_errbuf *eb)
{
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf tmp;
	sgn_err r;

	if (path == NULL || note == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "state: missing argument");
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_checkpoint_parse(note, len, &cp, &tmp)) != SGN_OK)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "state: not a "
		    "checkpoint: %s", tmp.msg);
	if (cp->size == 0) {
		sgn_checkpoint_free(&cp);
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "state: a checkpoint of an empty log is never stored");
	}
	sgn_checkpoint_free(&cp);
	return sgn_file_write_atomic(path, note, len, 0600, eb);
}

void
sgn_tlog_state_name(const char *origin, char out[SGN_TLOG_STATE_NAME])
{
	uint8_t d[32];
	char hex[65];
	size_t i, o = 0;

	if (origin == NULL)
		origin = "";
	for (i = 0; origin[i] != '\0' && o < 64; i++) {
		char c = origin[i];

		out[o++] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-') ? c : '_';
	}
	if (sgn_hash(SGN_HASH_SHA256, origin, strlen(origin), d, NULL) !=
	    SGN_OK)
		memset(d, 0, sizeof(d));
	sgn_hex_encode(d, 32, hex);
	snprintf(out + o, SGN_TLOG_STATE_NAME - o, "-%.16s", hex);
}
