/*
 * Structs that grow: the checks and copies behind the convention that
 * core.h describes (a first member `size_t size`, the caller's sizeof).
 */
#include <ctype.h>
#include <string.h>

#include "core_int.h"

size_t
sgn_sized_size(const void *s)
{
	size_t n;

	memcpy(&n, s, sizeof(n));
	return n;
}

sgn_err
sgn_sized_check(const void *s, size_t known, const char *name,
    struct sgn_errbuf *eb)
{
	char init[64];
	size_t n, i, k = 0;

	if (s == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "struct %s: missing", name);
	n = sgn_sized_size(s);
	if (n != 0 && n >= sizeof(size_t) && n <= known)
		return SGN_OK;
	if (n > known)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "struct %s: size "
		    "%zu is larger than the %zu bytes this libsignet knows "
		    "(built against a newer signet?)", name, n, known);
	/* "sgn_policy" -> "SGN_POLICY_INIT" */
	for (i = 0; name[i] != '\0' && k + sizeof("_INIT") < sizeof(init);
	    i++)
		init[k++] = (char)toupper((unsigned char)name[i]);
	memcpy(init + k, "_INIT", sizeof("_INIT"));
	return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "struct %s: size %zu: "
	    "initialise it with %s", name, n, init);
}

sgn_err
sgn_sized_in(void *dst, size_t known, const void *src, const char *name,
    struct sgn_errbuf *eb)
{
	sgn_err r;

	if ((r = sgn_sized_check(src, known, name, eb)) != SGN_OK)
		return r;
	memset(dst, 0, known);
	memcpy(dst, src, sgn_sized_size(src));
	memcpy(dst, &known, sizeof(known));
	return SGN_OK;
}

void
sgn_sized_out(void *dst, const void *src, size_t known)
{
	size_t n = sgn_sized_size(dst);

	if (n > known)
		n = known;
	if (n > sizeof(size_t))
		memcpy((char *)dst + sizeof(size_t),
		    (const char *)src + sizeof(size_t), n - sizeof(size_t));
}
