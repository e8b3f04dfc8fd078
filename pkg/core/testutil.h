/*
 * testutil: helpers shared by the Criterion unit tests, built from
 * pkg/core/testsupport/ into $(BUILD)/test/libsignet-testutil.a and linked
 * into the unit tests only (never into libsignet or signet: see
 * scripts/check-product.sh).  Tests run from the repository root, so
 * fixture paths are relative to it.  Every helper fails the running test
 * (a Criterion assertion) rather than return an error.
 */
#ifndef SGN_TESTUTIL_H
#define SGN_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "core.h"

struct cJSON;

/* Reads a fixture (at most 64 MiB); malloc'd, *len its size. */
uint8_t	*tu_read(const char *path, size_t *len);

/* Parses a JSON fixture (cJSON, lenient: a fixture, not an input under
 * test); free with cJSON_Delete(). */
struct cJSON *tu_load_json(const char *path);

/* The PEM text of one block labelled label over (der, dlen), malloc'd and
 * NUL-terminated; its length in *len unless len is NULL. */
char	*tu_pem_block(const char *label, const void *der, size_t dlen,
	    size_t *len);

/* Makes a fresh directory /tmp/signet-<tag>-XXXXXX into dir (dirlen
 * bytes, at least 64). */
void	tu_tmpdir(const char *tag, char *dir, size_t dirlen);

/* Removes dir and everything under it (made writable first); a missing
 * dir is not an error. */
void	tu_rmtree(const char *dir);

/* Writes (p, n) to path, replacing it (mode 0644). */
void	tu_write(const char *path, const void *p, size_t n);

/* Runs a shell command made like printf's; it must exit 0. */
void	tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 1 when haystack contains needle. */
static inline int
tu_has(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

#endif /* SGN_TESTUTIL_H */
