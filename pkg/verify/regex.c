/*
 * Anchored regular expressions for identity policies, by PCRE2.
 *
 * cosign and sigstore-go take Go (RE2) syntax.  PCRE2 parses the same
 * patterns identity policies are written in (classes, groups,
 * (?:...), (?i), (?P<name>...), \d \w \s, \A \z, \Q...\E, \pL) with
 * the same meaning, so signet hands them to a real engine instead of
 * translating them.  Where the two differ, signet stays close to Go:
 *
 *  - The whole value must match: PCRE2_ANCHORED | PCRE2_ENDANCHORED,
 *    and $ matches only at the very end (PCRE2_DOLLAR_ENDONLY).
 *  - Patterns and values are UTF-8 (PCRE2_UTF): . and [^x] take one
 *    code point.  A value that is not valid UTF-8 is an error, never
 *    read past.
 *  - \d \w \s \b are ASCII, as in Go: no PCRE2_UCP, and (*UCP) is
 *    refused (PCRE2_NEVER_UCP).  \s also takes \v, which Go's does not.
 *  - Groups do not capture (PCRE2_NO_AUTO_CAPTURE), so \1 is refused as
 *    Go refuses it; \C is refused (PCRE2_NEVER_BACKSLASH_C).
 *
 * PCRE2 backtracks, so a pattern such as (a*)*(a*)*b can take
 * exponential time; the match, depth and heap limits below stop it, and
 * hitting one is an error, never a silent mismatch.  A pattern's own
 * (*LIMIT_MATCH=n) can only lower them.
 * https://www.pcre.org/current/doc/html/pcre2api.html
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

#define COMPILE_OPTIONS	(PCRE2_ANCHORED | PCRE2_ENDANCHORED | \
			 PCRE2_DOLLAR_ENDONLY | PCRE2_UTF | PCRE2_NEVER_UCP | \
			 PCRE2_NEVER_BACKSLASH_C | PCRE2_NO_AUTO_CAPTURE)
/*
 * Backtracking steps: identity patterns need hundreds to thousands;
 * a million take some 20 ms, so a certificate's few SANs stay far
 * below a second.
 */
#define MATCH_LIMIT	1000000
/* Nested backtracking frames (a group repeated over a value of a few
 * thousand bytes), and the heap for them (KiB). */
#define DEPTH_LIMIT	10000
#define HEAP_LIMIT_KIB	16384

static void
pcre2_message(int code, char *msg, size_t len)
{
	if (pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, len) < 0)
		(void)snprintf(msg, len, "PCRE2 error %d", code);
}

static sgn_err
compile(const char *pattern, pcre2_code **out, struct sgn_errbuf *eb)
{
	pcre2_code *re;
	PCRE2_SIZE off;
	size_t n;
	char msg[128];
	int code;

	*out = NULL;
	if (pattern == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "regular expression missing");
	if ((n = strlen(pattern)) > SGN_REGEX_MAX_PATTERN)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "regular expression too long (%zu bytes, at most %d)", n,
		    SGN_REGEX_MAX_PATTERN);
	re = pcre2_compile((PCRE2_SPTR)pattern, n, COMPILE_OPTIONS, &code,
	    &off, NULL);
	if (re == NULL) {
		memset(msg, 0, sizeof(msg));
		pcre2_message(code, msg, sizeof(msg));
		if (code == PCRE2_ERROR_HEAPLIMIT ||
		    code == PCRE2_ERROR_NOMEMORY)
			return sgn_errf(eb, SGN_ERR_NOMEM,
			    "regular expression: %s", msg);
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "invalid regular expression \"%.64s\": %s at offset %zu",
		    pattern, msg, (size_t)off);
	}
	*out = re;
	return SGN_OK;
}

sgn_err
sgn_regex_check(const char *pattern, struct sgn_errbuf *eb)
{
	pcre2_code *re = NULL;
	sgn_err r;

	r = compile(pattern, &re, eb);
	pcre2_code_free(re);
	return r;
}

struct sgn_regex {
	pcre2_code		*re;
	pcre2_match_context	*mc;
	pcre2_match_data	*md;
	char			 pattern[65];	/* for messages */
};

sgn_err
sgn_regex_new(const char *pattern, struct sgn_regex **out,
    struct sgn_errbuf *eb)
{
	struct sgn_regex *x = NULL;
	sgn_err r;

	if (out == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "regular expression: no output");
	*out = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if ((r = compile(pattern, &x->re, eb)) != SGN_OK)
		goto out;
	(void)snprintf(x->pattern, sizeof(x->pattern), "%s", pattern);
	if ((x->mc = pcre2_match_context_create(NULL)) == NULL ||
	    (x->md = pcre2_match_data_create(1, NULL)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (pcre2_set_match_limit(x->mc, MATCH_LIMIT) != 0 ||
	    pcre2_set_depth_limit(x->mc, DEPTH_LIMIT) != 0 ||
	    pcre2_set_heap_limit(x->mc, HEAP_LIMIT_KIB) != 0) {
		r = sgn_errf(eb, SGN_ERR_INTERNAL,
		    "regular expression: cannot set the match limits");
		goto out;
	}
	*out = x;
	x = NULL;
	r = SGN_OK;
out:
	sgn_regex_free(&x);
	return r;
}

void
sgn_regex_free(struct sgn_regex **xp)
{
	struct sgn_regex *x;

	if (xp == NULL || (x = *xp) == NULL)
		return;
	pcre2_match_data_free(x->md);
	pcre2_match_context_free(x->mc);
	pcre2_code_free(x->re);
	free(x);
	*xp = NULL;
}

sgn_err
sgn_regex_exec(struct sgn_regex *x, const char *s, size_t len, int *matched,
    struct sgn_errbuf *eb)
{
	char msg[128];
	int rc;

	if (matched == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "regular expression: no output");
	*matched = 0;
	if (x == NULL || s == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "regular expression: no value to match");
	/* No PCRE2_NO_UTF_CHECK: the value is checked here, whole. */
	rc = pcre2_match(x->re, (PCRE2_SPTR)s, len, 0, 0, x->md, x->mc);
	if (rc >= 0) {
		*matched = 1;
		return SGN_OK;
	}
	if (rc == PCRE2_ERROR_NOMATCH)
		return SGN_OK;
	memset(msg, 0, sizeof(msg));
	pcre2_message(rc, msg, sizeof(msg));
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT)
		/* The pattern, not the value, is at fault: the user's to
		 * simplify, and no verdict on the value. */
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "match limit hit "
		    "by \"%.64s\" (%s): the pattern backtracks too much, "
		    "simplify it", x->pattern, msg);
	if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
		return sgn_errf(eb, SGN_ERR_PARSE, "the value is not valid "
		    "UTF-8 at byte %zu (%s)",
		    (size_t)pcre2_get_startchar(x->md), msg);
	if (rc == PCRE2_ERROR_NOMEMORY)
		return sgn_errf(eb, SGN_ERR_NOMEM, "regular expression: %s",
		    msg);
	return sgn_errf(eb, SGN_ERR_INTERNAL, "regular expression: %s", msg);
}

sgn_err
sgn_regex_match(const char *pattern, const char *s, int *matched,
    struct sgn_errbuf *eb)
{
	struct sgn_regex *x = NULL;
	sgn_err r;

	*matched = 0;
	if (s == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "regular expression: no value to match");
	if ((r = sgn_regex_new(pattern, &x, eb)) != SGN_OK)
		return r;
	r = sgn_regex_exec(x, s, strlen(s), matched, eb);
	sgn_regex_free(&x);
	return r;
}
