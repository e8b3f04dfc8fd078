/*
 * manifest_int.h: shared by the files of pkg/manifest.
 */
#ifndef SGN_MANIFEST_INT_H
#define SGN_MANIFEST_INT_H

#include "manifest.h"

/* Digest length of a manifest hash (0 for BLAKE3, which is not computed). */
size_t	sgn_manifest_digest_len(sgn_manifest_hash h);

/* Orders entries as the reference does: path, then start, then end. */
int	sgn_manifest_entry_cmp(const struct sgn_manifest_entry *a,
	    const struct sgn_manifest_entry *b);

/* Sorts an array of entry pointers with sgn_manifest_entry_cmp_. */
void	sgn_manifest_sort_ptrs(const struct sgn_manifest_entry **v,
	    size_t n);

/* 1 when the relative path p equals ig or lies under it. */
int	sgn_manifest_path_under(const char *p, const char *ig);

/*
 * Checks a resource name from a statement or a state file: a relative
 * POSIX path with no empty, "." or ".." component, or exactly "." when
 * single is set.
 */
int	sgn_manifest_path_ok(const char *p, int single_ok);

/* 1 when (p, n) is valid UTF-8 without NUL. */
int	sgn_manifest_utf8_ok(const char *p, size_t n);

#endif /* SGN_MANIFEST_INT_H */
