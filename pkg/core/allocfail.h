/*
 * allocfail: allocation-failure injection for the unit tests
 * (pkg/core/testsupport/allocfail.c; a binary that uses it links with
 * -Wl,--wrap for malloc, calloc, realloc, reallocarray, strdup and
 * strndup).  Not part of the library.
 */
#ifndef SGN_ALLOCFAIL_H
#define SGN_ALLOCFAIL_H

/* Routes cJSON's allocations through the injection too. */
void	tu_alloc_hooks(void);
/* The allocation numbered n from now (0: the next) fails, once. */
void	tu_alloc_fail(long n);
/* The same, and every allocation after it fails too (out of memory for
 * good: the error paths must not need memory either). */
void	tu_alloc_fail_from(long n);
/* While on, allocations pass through uncounted (a test's own set-up). */
void	tu_alloc_pause(int on);
/* Stops injecting; 1 when an allocation was failed since
 * tu_alloc_fail(). */
int	tu_alloc_off(void);
/* Allocations counted since tu_alloc_fail(). */
long	tu_alloc_count(void);

#endif /* SGN_ALLOCFAIL_H */
