/*
 * Capped growable buffers and self-wiping secrets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core.h"

void
sgn_memzero(void *p, size_t n)
{
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}

void
sgn_buf_init(struct sgn_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

static sgn_err
reserve(struct sgn_buf *b, size_t extra, struct sgn_errbuf *eb)
{
	size_t max = b->max != 0 ? b->max : SIZE_MAX / 2;
	size_t need, ncap;
	uint8_t *np;

	if (extra > max || b->len > max - extra)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "data exceeds the limit of %zu bytes", max);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return SGN_OK;
	ncap = b->cap != 0 ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 4 ? need : ncap * 2;
	/* Grow by copying so that old storage can be wiped. */
	np = malloc(ncap);
	if (np == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (b->ptr != NULL) {
		memcpy(np, b->ptr, b->len);
		sgn_memzero(b->ptr, b->cap);
		free(b->ptr);
	}
	b->ptr = np;
	b->cap = ncap;
	return SGN_OK;
}

sgn_err
sgn_buf_append(struct sgn_buf *b, const void *p, size_t n,
    struct sgn_errbuf *eb)
{
	sgn_err r;

	if ((r = reserve(b, n, eb)) != SGN_OK)
		return r;
	if (n > 0)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return SGN_OK;
}

sgn_err
sgn_buf_appendf(struct sgn_buf *b, struct sgn_errbuf *eb, const char *fmt,
    ...)
{
	va_list ap;
	int n;
	sgn_err r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return sgn_errf(eb, SGN_ERR_INTERNAL, "format error");
	if ((r = reserve(b, (size_t)n, eb)) != SGN_OK)
		return r;
	va_start(ap, fmt);
	vsnprintf((char *)b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return SGN_OK;
}

void
sgn_buf_reset(struct sgn_buf *b)
{
	size_t max = b->max;

	if (b->ptr != NULL) {
		sgn_memzero(b->ptr, b->cap);
		free(b->ptr);
	}
	memset(b, 0, sizeof(*b));
	b->max = max;
}

uint8_t *
sgn_buf_take(struct sgn_buf *b, size_t *lenp)
{
	uint8_t *p = b->ptr;

	if (p == NULL) {
		p = calloc(1, 1);
		if (lenp != NULL)
			*lenp = 0;
		return p;
	}
	if (lenp != NULL)
		*lenp = b->len;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

sgn_err
sgn_secret_set(struct sgn_secret *s, const void *p, size_t n,
    struct sgn_errbuf *eb)
{
	uint8_t *np;

	sgn_secret_reset(s);
	np = n < SIZE_MAX ? sgn_secure_alloc(n + 1) : NULL;
	if (np == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (n > 0)
		memcpy(np, p, n);
	np[n] = '\0';
	s->ptr = np;
	s->len = n;
	return SGN_OK;
}

void
sgn_secret_reset(struct sgn_secret *s)
{
	if (s->ptr != NULL) {
		sgn_memzero(s->ptr, s->len + 1);
		sgn_secure_free(s->ptr);
	}
	s->ptr = NULL;
	s->len = 0;
}
