/*
 * allocfail: allocation-failure injection for the unit tests.  A test
 * binary linked with -Wl,--wrap=malloc,--wrap=calloc,... (core_test, see
 * TEST_LDFLAGS_core in the Makefile) sends libsignet's allocations here;
 * tu_alloc_hooks() sends cJSON's too (cJSON_InitHooks).  OpenSSL's are not
 * counted.  tu_alloc_fail(n) makes the allocation numbered n (0 the next
 * one) fail once, tu_alloc_fail_from(n) that one and every one after it;
 * every other allocation passes through (and those made
 * while tu_alloc_pause(1) are not counted).  Test code,
 * linked into the unit tests only.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "allocfail.h"

void	*__real_malloc(size_t n);
void	*__real_calloc(size_t m, size_t n);
void	*__real_realloc(void *p, size_t n);
void	*__real_reallocarray(void *p, size_t m, size_t n);
char	*__real_strdup(const char *s);
char	*__real_strndup(const char *s, size_t n);
void	*__wrap_malloc(size_t n);
void	*__wrap_calloc(size_t m, size_t n);
void	*__wrap_realloc(void *p, size_t n);
void	*__wrap_reallocarray(void *p, size_t m, size_t n);
char	*__wrap_strdup(const char *s);
char	*__wrap_strndup(const char *s, size_t n);

static long	countdown = -1;	/* allocations to let through; -1: off */
static long	seen;		/* allocations since tu_alloc_fail() */
static int	failed;
static int	paused;
static int	sticky;		/* every allocation from the Nth on fails */

void
tu_alloc_fail(long n)
{
	countdown = n;
	seen = 0;
	failed = 0;
	paused = 0;
	sticky = 0;
}

void
tu_alloc_fail_from(long n)
{
	tu_alloc_fail(n);
	sticky = 1;
}

void
tu_alloc_pause(int on)
{
	paused = on;
}

int
tu_alloc_off(void)
{
	countdown = -1;
	return failed;
}

long
tu_alloc_count(void)
{
	return seen;
}

/* 1 when this allocation is the one to fail. */
static int
fail_now(void)
{
	if (countdown < 0 || paused)
		return 0;
	seen++;
	if (countdown > 0) {
		countdown--;
		return 0;
	}
	if (!sticky)
		countdown = -1;
	failed = 1;
	errno = ENOMEM;
	return 1;
}

void *
__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t m, size_t n)
{
	return fail_now() ? NULL : __real_calloc(m, n);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

void *
__wrap_reallocarray(void *p, size_t m, size_t n)
{
	return fail_now() ? NULL : __real_reallocarray(p, m, n);
}

char *
__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

static void *
json_malloc(size_t n)
{
	return __wrap_malloc(n);
}

void
tu_alloc_hooks(void)
{
	cJSON_Hooks h = { json_malloc, free };

	cJSON_InitHooks(&h);
}
