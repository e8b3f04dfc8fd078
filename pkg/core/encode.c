/*
 * Strict base64 (RFC 4648 sections 4 and 5) and hex.
 *
 * Protobuf JSON parsers accept standard or URL-safe base64, padded or
 * not; Sigstore producers emit standard padded base64.  We accept either
 * alphabet and either padding convention, and skip CR and LF as Go's and
 * Python's decoders do (base64(1) wraps its output, and such bundles
 * exist), but nothing else: no other whitespace, no mixed alphabets, no
 * padding in the middle, no non-zero trailing bits.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "core_int.h"

static int
b64_val(unsigned char c, int *url, int *std)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '/') {
		*std = 1;
		return c == '+' ? 62 : 63;
	}
	if (c == '-' || c == '_') {
		*url = 1;
		return c == '-' ? 62 : 63;
	}
	return -1;
}

static sgn_err decode_unwrapped(const char *, size_t, uint8_t **, size_t *,
    struct sgn_errbuf *);

sgn_err
sgn_b64_decode(const char *s, size_t n, uint8_t **outp, size_t *outlenp,
    struct sgn_errbuf *eb)
{
	size_t pad = 0, data, full, rem, olen, i, o;
	int url = 0, std = 0;
	uint8_t *out;
	uint32_t acc = 0;
	int bits = 0;

	*outp = NULL;
	*outlenp = 0;
	if (s == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no base64");
	if (memchr(s, '\n', n) != NULL || memchr(s, '\r', n) != NULL)
		return decode_unwrapped(s, n, outp, outlenp, eb);
	while (pad < 2 && pad < n && s[n - 1 - pad] == '=')
		pad++;
	data = n - pad;
	if (pad > 0 && n % 4 != 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "invalid base64 padding");
	full = data / 4;
	rem = data % 4;
	if (rem == 1)
		return sgn_errf(eb, SGN_ERR_PARSE, "invalid base64 length");
	if (pad > 0 && (rem == 0 || (rem == 2 && pad != 2) ||
	    (rem == 3 && pad != 1)))
		return sgn_errf(eb, SGN_ERR_PARSE, "invalid base64 padding");
	olen = full * 3 + (rem == 2 ? 1 : rem == 3 ? 2 : 0);
	out = malloc(olen + 1);
	if (out == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0, o = 0; i < data; i++) {
		int v = b64_val((unsigned char)s[i], &url, &std);
		if (v < 0) {
			free(out);
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "invalid base64 character at offset %zu", i);
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (url && std) {
		free(out);
		return sgn_errf(eb, SGN_ERR_PARSE, "mixed base64 alphabets");
	}
	if (acc != 0) {
		free(out);
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "non-canonical base64 (trailing bits)");
	}
	out[o] = '\0';
	*outp = out;
	*outlenp = o;
	return SGN_OK;
}

/* Drops CR and LF, then decodes the rest strictly. */
static sgn_err
decode_unwrapped(const char *s, size_t n, uint8_t **outp, size_t *outlenp,
    struct sgn_errbuf *eb)
{
	char *t;
	size_t i, k = 0;
	sgn_err r;

	if ((t = malloc(n + 1)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if (s[i] != '\n' && s[i] != '\r')
			t[k++] = s[i];
	r = sgn_b64_decode(t, k, outp, outlenp, eb);
	free(t);
	return r;
}

sgn_err
sgn_b64_encode(const uint8_t *p, size_t n, char **outp,
    struct sgn_errbuf *eb)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	size_t olen, i, o = 0;
	char *out;

	*outp = NULL;
	if (n > (SIZE_MAX / 4) * 3 - 3)
		return sgn_errf(eb, SGN_ERR_LIMIT, "data too large");
	olen = (n + 2) / 3 * 4;
	out = malloc(olen + 1);
	if (out == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
		    p[i + 2];
		out[o++] = tab[v >> 18];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63];
		out[o++] = tab[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		out[o++] = tab[v >> 18];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = tab[v >> 18];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
	*outp = out;
	return SGN_OK;
}

int
sgn_hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

sgn_err
sgn_hex_decode(const char *s, size_t n, uint8_t *out, size_t outlen,
    struct sgn_errbuf *eb)
{
	size_t i;

	if (s == NULL || n != outlen * 2)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "expected %zu hex digits, got %zu", outlen * 2,
		    s == NULL ? 0 : n);
	for (i = 0; i < outlen; i++) {
		int hi = sgn_hex_digit((unsigned char)s[2 * i]);
		int lo = sgn_hex_digit((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "invalid hex digit at offset %zu", 2 * i);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return SGN_OK;
}

void
sgn_hex_encode(const uint8_t *p, size_t n, char *out)
{
	static const char tab[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = tab[p[i] >> 4];
		out[2 * i + 1] = tab[p[i] & 15];
	}
	out[2 * n] = '\0';
}
