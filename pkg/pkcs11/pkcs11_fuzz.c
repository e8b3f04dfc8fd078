/*
 * libFuzzer harness for sgn_p11_uri_parse(): a URI is accepted whole or
 * refused with a message and nothing kept; an accepted URI has no empty
 * text value and a decoded value never longer than its encoding, and it
 * parses again to the same result.  Seeds: testdata/fuzz/pkcs11_fuzz/.
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
	struct sgn_p11_uri u, v;
	struct sgn_errbuf eb;

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
	if (u.object != NULL && strlen(u.object) > size)
		abort();
	/* the same bytes parse again to the same attributes */
	if (sgn_p11_uri_parse((const char *)data, size, &v, &eb) != SGN_OK ||
	    v.has_id != u.has_id || v.id_len != u.id_len ||
	    (u.id_len > 0 && memcmp(u.id, v.id, u.id_len) != 0) ||
	    v.pin_value.len != u.pin_value.len)
		abort();
	sgn_p11_uri_reset(&v);
	sgn_p11_uri_reset(&u);
	return 0;
}
