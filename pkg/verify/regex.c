/*
 * Anchored regular expressions for identity policies.
 *
 * cosign and sigstore-go take Go (RE2) syntax; we take POSIX extended
 * regular expressions, which cover what identity patterns use in
 * practice, and translate the Perl classes \d \w \s (and \D \W \S)
 * outside bracket expressions.  The whole value must match: the pattern
 * is wrapped as ^(...)$.  Constructs POSIX lacks ((?i), non-greedy
 * quantifiers, \b) are rejected with a clear error rather than
 * misread.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

#define MAX_PATTERN 4096

static const char *
perl_class(char c)
{
	switch (c) {
	case 'd':
		return "[0-9]";
	case 'D':
		return "[^0-9]";
	case 'w':
		return "[A-Za-z0-9_]";
	case 'W':
		return "[^A-Za-z0-9_]";
	case 's':
		return "[[:space:]]";
	case 'S':
		return "[^[:space:]]";
	default:
		return NULL;
	}
}

static sgn_err
translate(const char *pat, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	size_t i, n = strlen(pat);
	int in_bracket = 0;
	sgn_err r;

	if (n > MAX_PATTERN)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "regular expression too long");
	if ((r = sgn_buf_append(out, "^(", 2, eb)) != SGN_OK)
		return r;
	for (i = 0; i < n; i++) {
		char ch = pat[i];
		const char *cls;

		if (in_bracket) {
			if (ch == ']' && in_bracket > 1)
				in_bracket = 0;
			else
				in_bracket++;
			if ((r = sgn_buf_append(out, &ch, 1, eb)) != SGN_OK)
				return r;
			continue;
		}
		if (ch == '[') {
			in_bracket = 1;
			if (i + 1 < n && pat[i + 1] == '^') {
				if ((r = sgn_buf_append(out, "[^", 2, eb)) !=
				    SGN_OK)
					return r;
				i++;
				continue;
			}
		} else if (ch == '(' && i + 1 < n && pat[i + 1] == '?') {
			if (i + 2 < n && pat[i + 2] == ':') {
				/* (?:...) is a plain group in POSIX. */
				if ((r = sgn_buf_append(out, "(", 1, eb)) !=
				    SGN_OK)
					return r;
				i += 2;
				continue;
			}
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
			    "regular expression: \"(?\" flags are not "
			    "supported");
		} else if ((ch == '*' || ch == '+' || ch == '?' || ch == '}') &&
		    i + 1 < n && pat[i + 1] == '?') {
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
			    "regular expression: non-greedy quantifiers are "
			    "not supported");
		} else if (ch == '\\' && i + 1 < n) {
			if ((cls = perl_class(pat[i + 1])) != NULL) {
				if ((r = sgn_buf_append(out, cls, strlen(cls),
				    eb)) != SGN_OK)
					return r;
				i++;
				continue;
			}
			if (strchr("bBAzZpPQE", pat[i + 1]) != NULL)
				return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
				    "regular expression: \\%c is not supported",
				    pat[i + 1]);
			if ((r = sgn_buf_append(out, pat + i, 2, eb)) != SGN_OK)
				return r;
			i++;
			continue;
		}
		if ((r = sgn_buf_append(out, &ch, 1, eb)) != SGN_OK)
			return r;
	}
	return sgn_buf_append(out, ")$", 2, eb);
}

sgn_err
sgn_regex_match(const char *pattern, const char *s, int *matched,
    struct sgn_errbuf *eb)
{
	struct sgn_buf b;
	regex_t re;
	int rc;
	sgn_err r;

	*matched = 0;
	sgn_buf_init(&b, 0);
	if ((r = translate(pattern, &b, eb)) != SGN_OK)
		goto out;
	rc = regcomp(&re, (const char *)b.ptr, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[128];
		regerror(rc, &re, msg, sizeof(msg));
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "invalid regular expression \"%.64s\": %s", pattern, msg);
		goto out;
	}
	*matched = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	r = SGN_OK;
out:
	sgn_buf_reset(&b);
	return r;
}
