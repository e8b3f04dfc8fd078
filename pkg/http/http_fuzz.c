/*
 * libFuzzer harness for the URL policy (sgn_http_url_check): every input
 * is a candidate service URL.  Whatever libcurl makes of it, an allowed
 * URL has no user name or password before its host, no space, control
 * character, backslash or non-ASCII byte; a refused one has a message,
 * which shows nothing of a URL holding an '@' (a password may be in it).
 * Seeds (testdata/fuzz/http_fuzz/): the attacker URLs of http_test.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *s, int metadata)
{
	struct sgn_errbuf eb;
	const char *auth;
	size_t i, n;

	sgn_errbuf_clear(&eb);
	if (sgn_http_url_check(s, metadata, &eb) != SGN_OK) {
		if (eb.msg[0] == '\0')
			abort();
		if (strchr(s, '@') != NULL && strchr(eb.msg, '@') != NULL)
			abort();
		return;
	}
	if (eb.msg[0] != '\0')
		abort();
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f || s[i] == '\\')
			abort();
	if ((auth = strstr(s, "://")) == NULL)
		abort();
	auth += 3;
	n = strcspn(auth, "/?#");
	if (memchr(auth, '@', n) != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > SGN_HTTP_MAX_URL + 16 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check(s, 0);
	check(s, 1);
	free(s);
	return 0;
}
