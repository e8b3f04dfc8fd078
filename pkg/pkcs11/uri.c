/*
 * RFC 7512 PKCS#11 URIs, parsed strictly: every attribute known, none
 * twice, each on its side of the '?', values percent-decoded exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "core_int.h"
#include "pkcs11.h"

enum side { PATH, QUERY };

enum attr {
	A_TOKEN, A_MANUFACTURER, A_MODEL, A_SERIAL, A_SLOT_ID, A_OBJECT,
	A_ID, A_TYPE, A_LIB_DESC, A_LIB_MANUF, A_LIB_VERSION, A_SLOT_DESC,
	A_SLOT_MANUF, A_MODULE_PATH, A_MODULE_NAME, A_PIN_SOURCE,
	A_PIN_VALUE, A_COUNT
};

static const struct {
	const char	*name;
	enum side	 side;
	int		 supported;
} attrs[A_COUNT] = {
	[A_TOKEN] = { "token", PATH, 1 },
	[A_MANUFACTURER] = { "manufacturer", PATH, 1 },
	[A_MODEL] = { "model", PATH, 1 },
	[A_SERIAL] = { "serial", PATH, 1 },
	[A_SLOT_ID] = { "slot-id", PATH, 1 },
	[A_OBJECT] = { "object", PATH, 1 },
	[A_ID] = { "id", PATH, 1 },
	[A_TYPE] = { "type", PATH, 1 },
	[A_LIB_DESC] = { "library-description", PATH, 0 },
	[A_LIB_MANUF] = { "library-manufacturer", PATH, 0 },
	[A_LIB_VERSION] = { "library-version", PATH, 0 },
	[A_SLOT_DESC] = { "slot-description", PATH, 0 },
	[A_SLOT_MANUF] = { "slot-manufacturer", PATH, 0 },
	[A_MODULE_PATH] = { "module-path", QUERY, 1 },
	[A_MODULE_NAME] = { "module-name", QUERY, 0 },
	[A_PIN_SOURCE] = { "pin-source", QUERY, 1 },
	[A_PIN_VALUE] = { "pin-value", QUERY, 1 },
};

/* RFC 7512 p11-pchar / p11-qchar, apart from pct-encoded. */
static int
allowed(unsigned char c, enum side side)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	if (c != '\0' && strchr("-._~:[]@!$'()*+,=", c) != NULL)
		return 1;
	return side == QUERY && c != '\0' && strchr("/?|", c) != NULL;
}

/* Decodes (p, n) into a malloc'd buffer (NUL-terminated, not counted). */
static sgn_err
decode(const char *name, const char *p, size_t n, enum side side,
    uint8_t **out, size_t *outlen, struct sgn_errbuf *eb)
{
	uint8_t *v;
	size_t i, k = 0;
	int hi, lo;

	*out = NULL;
	*outlen = 0;
	if (n == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: %s has an "
		    "empty value", name);
	if ((v = malloc(n + 1)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (p[i] == '%') {
			if (n - i < 3 ||
			    (hi = sgn_hex_digit((unsigned char)p[i + 1])) < 0 ||
			    (lo = sgn_hex_digit((unsigned char)p[i + 2])) < 0) {
				sgn_memzero(v, n + 1);
				free(v);
				return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 "
				    "URI: %s: '%%' without two hex digits",
				    name);
			}
			v[k++] = (uint8_t)(hi << 4 | lo);
			i += 2;
		} else if (allowed((unsigned char)p[i], side)) {
			v[k++] = (uint8_t)p[i];
		} else {
			sgn_memzero(v, n + 1);
			free(v);
			return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: %s: a "
			    "character that must be percent-encoded", name);
		}
	}
	if (k > SGN_P11_MAX_ATTR) {
		sgn_memzero(v, n + 1);
		free(v);
		return sgn_errf(eb, SGN_ERR_LIMIT, "pkcs11 URI: %s: longer "
		    "than %u bytes", name, SGN_P11_MAX_ATTR);
	}
	v[k] = '\0';
	*out = v;
	*outlen = k;
	return SGN_OK;
}

static sgn_err
set_text(const char *name, uint8_t *v, size_t len, char **dst,
    struct sgn_errbuf *eb)
{
	if (memchr(v, '\0', len) != NULL) {
		free(v);
		return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: %s holds a "
		    "NUL byte", name);
	}
	*dst = (char *)v;
	return SGN_OK;
}

static sgn_err
set_attr(struct sgn_p11_uri *u, enum attr a, uint8_t *v, size_t len,
    struct sgn_errbuf *eb)
{
	const char *name = attrs[a].name;
	unsigned long x = 0;
	size_t i;
	sgn_err r;

	switch (a) {
	case A_TOKEN:
		return set_text(name, v, len, &u->token, eb);
	case A_MANUFACTURER:
		return set_text(name, v, len, &u->manufacturer, eb);
	case A_MODEL:
		return set_text(name, v, len, &u->model, eb);
	case A_SERIAL:
		return set_text(name, v, len, &u->serial, eb);
	case A_OBJECT:
		return set_text(name, v, len, &u->object, eb);
	case A_MODULE_PATH:
		return set_text(name, v, len, &u->module_path, eb);
	case A_PIN_SOURCE:
		return set_text(name, v, len, &u->pin_source, eb);
	case A_ID:
		u->id = v;
		u->id_len = len;
		u->has_id = 1;
		return SGN_OK;
	case A_PIN_VALUE:
		r = sgn_secret_set(&u->pin_value, v, len, eb);
		sgn_memzero(v, len);
		free(v);
		u->has_pin_value = r == SGN_OK;
		return r;
	case A_TYPE:
		if (strcmp((char *)v, "private") == 0 && len == 7)
			u->type = SGN_P11_TYPE_PRIVATE;
		else if (strcmp((char *)v, "public") == 0 && len == 6)
			u->type = SGN_P11_TYPE_PUBLIC;
		else {
			free(v);
			return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: type "
			    "must be private or public");
		}
		free(v);
		return SGN_OK;
	case A_SLOT_ID:
		for (i = 0; i < len; i++) {
			if (v[i] < '0' || v[i] > '9' || x > 0xffffffffUL / 10 ||
			    (i == 0 && v[i] == '0' && len > 1)) {
				free(v);
				return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 "
				    "URI: slot-id must be a decimal number");
			}
			x = x * 10 + (unsigned long)(v[i] - '0');
		}
		free(v);
		u->slot_id = x;
		u->has_slot_id = 1;
		return SGN_OK;
	default:
		free(v);
		return sgn_errf(eb, SGN_ERR_INTERNAL, "pkcs11 URI: %s", name);
	}
}

/* One NAME=VALUE of (p, n) on side. */
static sgn_err
one_attr(struct sgn_p11_uri *u, const char *p, size_t n, enum side side,
    unsigned *seen, struct sgn_errbuf *eb)
{
	const char *eq = memchr(p, '=', n);
	size_t nlen, i;
	uint8_t *v = NULL;
	size_t vlen;
	sgn_err r;

	if (n == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: an empty "
		    "attribute (two separators in a row)");
	if (eq == NULL)
		return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: an attribute "
		    "without '='");
	nlen = (size_t)(eq - p);
	for (i = 0; i < A_COUNT; i++)
		if (strlen(attrs[i].name) == nlen &&
		    memcmp(attrs[i].name, p, nlen) == 0)
			break;
	if (i == A_COUNT) {
		for (i = 0; i < nlen; i++)
			if (!((p[i] >= 'a' && p[i] <= 'z') || p[i] == '-' ||
			    (p[i] >= '0' && p[i] <= '9')))
				return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 "
				    "URI: an unknown attribute");
		return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: unknown "
		    "attribute \"%.*s\"", (int)(nlen > 64 ? 64 : nlen), p);
	}
	if (attrs[i].side != side)
		return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: %s belongs in "
		    "the %s", attrs[i].name, attrs[i].side == PATH ? "path "
		    "(before '?', separated by ';')" : "query (after '?', "
		    "separated by '&')");
	if (*seen & (1u << i))
		return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: %s given "
		    "twice", attrs[i].name);
	*seen |= 1u << i;
	if (!attrs[i].supported)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "pkcs11 URI: %s is "
		    "not supported", attrs[i].name);
	if ((r = decode(attrs[i].name, eq + 1, n - nlen - 1, side, &v, &vlen,
	    eb)) != SGN_OK)
		return r;
	return set_attr(u, (enum attr)i, v, vlen, eb);
}

/* The attributes of (p, n) separated by sep. */
static sgn_err
attr_list(struct sgn_p11_uri *u, const char *p, size_t n, char sep,
    enum side side, unsigned *seen, struct sgn_errbuf *eb)
{
	const char *e;
	size_t k;
	sgn_err r;

	if (n == 0)
		return SGN_OK;
	for (;;) {
		e = memchr(p, sep, n);
		k = e == NULL ? n : (size_t)(e - p);
		if ((r = one_attr(u, p, k, side, seen, eb)) != SGN_OK)
			return r;
		if (e == NULL)
			return SGN_OK;
		p += k + 1;
		n -= k + 1;
		if (n == 0)
			return sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: ends "
			    "with a separator");
	}
}

void
sgn_p11_uri_reset(struct sgn_p11_uri *u)
{
	if (u == NULL)
		return;
	free(u->token);
	free(u->manufacturer);
	free(u->model);
	free(u->serial);
	free(u->object);
	free(u->id);
	free(u->module_path);
	free(u->pin_source);
	sgn_secret_reset(&u->pin_value);
	sgn_memzero(u, sizeof(*u));
}

sgn_err
sgn_p11_uri_parse(const char *s, size_t len, struct sgn_p11_uri *u,
    struct sgn_errbuf *eb)
{
	const char *q;
	unsigned seen = 0;
	size_t plen;
	sgn_err r;

	sgn_memzero(u, sizeof(*u));
	if (len > SGN_P11_MAX_URI)
		return sgn_errf(eb, SGN_ERR_LIMIT, "pkcs11 URI: longer than %u "
		    "bytes", SGN_P11_MAX_URI);
	if (len < 7 || memcmp(s, "pkcs11:", 7) != 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "not a pkcs11: URI");
	s += 7;
	len -= 7;
	q = memchr(s, '?', len);
	plen = q == NULL ? len : (size_t)(q - s);
	if ((r = attr_list(u, s, plen, ';', PATH, &seen, eb)) != SGN_OK)
		goto out;
	if (q != NULL) {
		if (plen + 1 == len) {
			r = sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: an empty "
			    "query after '?'");
			goto out;
		}
		if ((r = attr_list(u, q + 1, len - plen - 1, '&', QUERY, &seen,
		    eb)) != SGN_OK)
			goto out;
	}
	if (u->has_pin_value && u->pin_source != NULL) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "pkcs11 URI: pin-value and "
		    "pin-source together");
		goto out;
	}
	r = SGN_OK;
out:
	if (r != SGN_OK)
		sgn_p11_uri_reset(u);
	return r;
}
