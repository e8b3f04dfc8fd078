/*
 * libFuzzer harness for sgn_p11_uri_parse() and sgn_p11_uri_redact(): a
 * URI is accepted whole or refused with a message and nothing kept; an
 * accepted pin-value never shows in the redacted text, and text values
 * hold no NUL.  Seeds: testdata/fuzz/pkcs11_fuzz/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkcs11.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
text_ok(const char *s)
{
	if (s != NULL && strlen(s) == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;
	char *red = NULL;

	sgn_errbuf_clear(&eb);
	if (sgn_p11_uri_parse((const char *)data, size, &u, &eb) != SGN_OK) {
		if (eb.msg[0] == '\0' || u.token != NULL || u.object != NULL ||
		    u.id != NULL || u.pin_value.ptr != NULL ||
		    u.module_path != NULL || u.pin_source != NULL)
			abort();
		return 0;
	}
	text_ok(u.token);
	text_ok(u.object);
	text_ok(u.module_path);
	text_ok(u.pin_source);
	if (u.has_id != (u.id != NULL))
		abort();
	if (sgn_p11_uri_redact((const char *)data, size, &red, &eb) !=
	    SGN_OK)
		abort();
	if (u.has_pin_value && u.pin_value.len >= 4 && red != NULL &&
	    memmem(red, strlen(red), u.pin_value.ptr, u.pin_value.len) !=
	    NULL && memmem(data, memchr(data, '?', size) == NULL ? size :
	    (size_t)((const uint8_t *)memchr(data, '?', size) - data),
	    u.pin_value.ptr, u.pin_value.len) == NULL)
		abort();
	free(red);
	sgn_p11_uri_reset(&u);
	return 0;
}
