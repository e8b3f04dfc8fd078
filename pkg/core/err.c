/*
 * Error codes, their text, and the first-wins detail buffer (curl's
 * Curl_failf() model: the innermost, most specific message survives).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "core.h"

const char *
sgn_strerror(sgn_err err)
{
	switch (err) {
	case SGN_OK:
		return "success";
	case SGN_ERR_INVALID_ARGUMENT:
		return "invalid argument";
	case SGN_ERR_NOMEM:
		return "out of memory";
	case SGN_ERR_IO:
		return "input/output error";
	case SGN_ERR_LIMIT:
		return "input exceeds a size limit";
	case SGN_ERR_PARSE:
		return "malformed input";
	case SGN_ERR_UNSUPPORTED:
		return "unsupported algorithm or version";
	case SGN_ERR_NETWORK:
		return "network error";
	case SGN_ERR_HTTP_STATUS:
		return "service returned an error";
	case SGN_ERR_CRYPTO:
		return "cryptographic library failure";
	case SGN_ERR_VERIFY:
		return "verification failed";
	case SGN_ERR_POLICY:
		return "policy check failed";
	case SGN_ERR_FIDO:
		return "security key error";
	case SGN_ERR_PIN_REQUIRED:
		return "PIN required";
	case SGN_ERR_INTERNAL:
		return "internal error";
	case SGN_ERR_TRUST:
		return "trust material missing or unusable";
	}
	return "unknown error";
}

int
sgn_err_exit_status(sgn_err err)
{
	switch (err) {
	case SGN_OK:
		return 0;
	case SGN_ERR_LIMIT:
	case SGN_ERR_PARSE:
	case SGN_ERR_UNSUPPORTED:
	case SGN_ERR_VERIFY:
	case SGN_ERR_POLICY:
		return 1;
	default:
		return 2;
	}
}

void
sgn_errbuf_clear(struct sgn_errbuf *eb)
{
	if (eb != NULL)
		eb->msg[0] = '\0';
}

static void
sanitize(char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			*s = ' ';
	}
}

static void vformat(struct sgn_errbuf *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
vformat(struct sgn_errbuf *eb, const char *fmt, va_list ap)
{
	int n;

	n = vsnprintf(eb->msg, sizeof(eb->msg), fmt, ap);
	if (n < 0)
		eb->msg[0] = '\0';
	sanitize(eb->msg);
}

sgn_err
sgn_errf(struct sgn_errbuf *eb, sgn_err err, const char *fmt, ...)
{
	va_list ap;

	if (eb == NULL || eb->msg[0] != '\0')
		return err;
	va_start(ap, fmt);
	vformat(eb, fmt, ap);
	va_end(ap);
	return err;
}

sgn_err
sgn_errf_ssl(struct sgn_errbuf *eb, sgn_err err, const char *fmt, ...)
{
	va_list ap;
	unsigned long e;
	size_t len;
	char reason[160];

	e = ERR_peek_last_error();
	reason[0] = '\0';
	if (e != 0) {
		const char *r = ERR_reason_error_string(e);
		if (r != NULL)
			snprintf(reason, sizeof(reason), "%s", r);
		else
			snprintf(reason, sizeof(reason), "error %lx", e);
	}
	ERR_clear_error();
	if (eb == NULL || eb->msg[0] != '\0')
		return err;
	va_start(ap, fmt);
	vformat(eb, fmt, ap);
	va_end(ap);
	len = strlen(eb->msg);
	if (reason[0] != '\0' && len + 3 < sizeof(eb->msg))
		snprintf(eb->msg + len, sizeof(eb->msg) - len, ": %s",
		    reason);
	sanitize(eb->msg);
	return err;
}
