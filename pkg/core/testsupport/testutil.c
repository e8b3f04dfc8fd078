/*
 * testutil: helpers shared by the unit tests (testutil.h).  Test code,
 * linked into the Criterion binaries only.
 */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

#include <criterion/criterion.h>

#include "core.h"
#include "testutil.h"

uint8_t *
tu_read(const char *path, size_t *len)
{
	uint8_t *p = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_file_read(path, 64u << 20, &p, len, &eb), SGN_OK,
	    "fixture %s: %s", path, eb.msg);
	return p;
}

struct cJSON *
tu_load_json(const char *path)
{
	size_t len;
	uint8_t *p = tu_read(path, &len);
	cJSON *j = cJSON_ParseWithLength((const char *)p, len);

	free(p);
	cr_assert_not_null(j, "fixture %s: not JSON", path);
	return j;
}

char *
tu_pem_block(const char *label, const void *der, size_t dlen, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p, *s;
	long n;

	cr_assert_not_null(bio);
	cr_assert_gt(PEM_write_bio(bio, label, "", der, (long)dlen), 0);
	n = BIO_get_mem_data(bio, &p);
	cr_assert_gt(n, 0);
	s = malloc((size_t)n + 1);
	cr_assert_not_null(s);
	memcpy(s, p, (size_t)n);
	s[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	BIO_free(bio);
	return s;
}

void
tu_write(const char *path, const void *p, size_t n)
{
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_file_write_atomic(path, p, n, 0644, &eb), SGN_OK,
	    "%s: %s", path, eb.msg);
}

void
tu_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < sizeof(cmd), "tu_sh: command too "
	    "long");
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

void
tu_tmpdir(const char *tag, char *dir, size_t dirlen)
{
	cr_assert_lt((size_t)snprintf(dir, dirlen, "/tmp/signet-%s-XXXXXX",
	    tag), dirlen, "tu_tmpdir: tag too long");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp %s: %s", dir,
	    strerror(errno));
}

static int
writable(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)f;
	if (type == FTW_D || type == FTW_DNR)
		(void)chmod(path, (st->st_mode & 07777) | S_IRWXU);
	return 0;
}

static int
unlink_one(const char *path, const struct stat *st, int type,
    struct FTW *f)
{
	(void)st;
	(void)f;
	if (type == FTW_DP)
		return rmdir(path) == 0 ? 0 : -1;
	return unlink(path) == 0 ? 0 : -1;
}

void
tu_rmtree(const char *dir)
{
	struct stat st;

	if (dir == NULL || dir[0] == '\0' || lstat(dir, &st) != 0)
		return;
	(void)nftw(dir, writable, 32, FTW_PHYS);
	cr_assert_eq(nftw(dir, unlink_one, 32, FTW_PHYS | FTW_DEPTH), 0,
	    "cannot remove %s: %s", dir, strerror(errno));
}
