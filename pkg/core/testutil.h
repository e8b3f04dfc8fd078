/*
 * testutil: helpers shared by the Criterion unit tests (not part of the
 * library).  Tests run from the repository root, so fixture paths are
 * relative to it.
 */
#ifndef SGN_TESTUTIL_H
#define SGN_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "core.h"

/* Reads a fixture or fails the test. */
static inline uint8_t *
tu_read(const char *path, size_t *len)
{
	uint8_t *p = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_file_read(path, 64u << 20, &p, len, &eb), SGN_OK,
	    "fixture %s: %s", path, eb.msg);
	return p;
}

/* 1 when haystack contains needle. */
static inline int
tu_has(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

#endif /* SGN_TESTUTIL_H */
