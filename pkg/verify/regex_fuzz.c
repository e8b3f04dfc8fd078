/*
 * libFuzzer harness for sgn_regex_match(): the input is a pattern, a NUL
 * byte and a value (bytes after a second NUL are ignored).  Whatever the
 * bytes (patterns that do not compile, values that are not UTF-8,
 * patterns that backtrack without end), the match must return, with an
 * error that says why or a verdict of 0 or 1, and agree with
 * sgn_regex_check() on whether the pattern is usable.  Seeds
 * (testdata/fuzz/regex_fuzz/): identity patterns and values, UTF-8,
 * invalid patterns, pathological ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_errbuf eb;
	const uint8_t *nul;
	char *pattern = NULL, *value = NULL;
	size_t plen;
	int m = -1;
	sgn_err r, rc;

	if ((nul = memchr(data, 0, size)) == NULL)
		return 0;
	plen = (size_t)(nul - data);
	pattern = strndup((const char *)data, plen);
	value = strndup((const char *)nul + 1, size - plen - 1);
	if (pattern == NULL || value == NULL)
		goto out;
	sgn_errbuf_clear(&eb);
	r = sgn_regex_match(pattern, value, &m, &eb);
	if (r == SGN_OK && m != 0 && m != 1)
		abort();
	if (r != SGN_OK && (m != 0 || eb.msg[0] == '\0'))
		abort();
	if (r != SGN_OK && r != SGN_ERR_INVALID_ARGUMENT &&
	    r != SGN_ERR_PARSE && r != SGN_ERR_NOMEM)
		abort();
	rc = sgn_regex_check(pattern, NULL);
	/* an unusable pattern fails every match the same way */
	if (rc != SGN_OK && rc != SGN_ERR_NOMEM && r != rc)
		abort();
out:
	free(pattern);
	free(value);
	return 0;
}
