/*
 * Strict JSON: a grammar check of our own (RFC 8259 exactly: numbers,
 * escapes, UTF-8, depth), then cJSON builds the tree, then a walk rejects
 * duplicate keys.  cJSON alone accepts "01", "+1", invalid UTF-8 and
 * duplicate keys, and keeps going after "\u0000".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct scan {
	const uint8_t	*p;
	size_t		 n;
	size_t		 i;
	const char	*err;
	size_t		 values;	/* seen so far */
	size_t		 max_values;
};

static void
skip_ws(struct scan *s)
{
	while (s->i < s->n && (s->p[s->i] == ' ' || s->p[s->i] == '\t' ||
	    s->p[s->i] == '\n' || s->p[s->i] == '\r'))
		s->i++;
}

static int
fail(struct scan *s, const char *err)
{
	if (s->err == NULL)
		s->err = err;
	return -1;
}

/* One UTF-8 sequence starting at s->i (already known to be >= 0x80). */
static int
scan_utf8(struct scan *s)
{
	uint8_t c = s->p[s->i];
	uint32_t cp;
	size_t len, k;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return fail(s, "invalid UTF-8");
	}
	if (s->i + len > s->n)
		return fail(s, "invalid UTF-8");
	for (k = 1; k < len; k++) {
		uint8_t cc = s->p[s->i + k];
		if ((cc & 0xc0) != 0x80)
			return fail(s, "invalid UTF-8");
		cp = cp << 6 | (cc & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fail(s, "invalid UTF-8");
	s->i += len;
	return 0;
}

static int
hex4(struct scan *s, uint32_t *v)
{
	size_t k;

	*v = 0;
	if (s->i + 4 > s->n)
		return fail(s, "truncated \\u escape");
	for (k = 0; k < 4; k++) {
		uint8_t c = s->p[s->i + k];
		uint32_t d;
		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return fail(s, "invalid \\u escape");
		*v = *v << 4 | d;
	}
	s->i += 4;
	return 0;
}

static int
scan_string(struct scan *s)
{
	s->i++;	/* opening quote */
	while (s->i < s->n) {
		uint8_t c = s->p[s->i];
		if (c == '"') {
			s->i++;
			return 0;
		}
		if (c < 0x20)
			return fail(s, "control character in string");
		if (c >= 0x80) {
			if (scan_utf8(s) != 0)
				return -1;
			continue;
		}
		if (c != '\\') {
			s->i++;
			continue;
		}
		s->i++;
		if (s->i >= s->n)
			break;
		c = s->p[s->i++];
		if (c == 'u') {
			uint32_t v, w;
			if (hex4(s, &v) != 0)
				return -1;
			if (v == 0)
				return fail(s, "\\u0000 in string");
			if (v >= 0xdc00 && v <= 0xdfff)
				return fail(s, "unpaired surrogate");
			if (v >= 0xd800 && v <= 0xdbff) {
				if (s->i + 2 > s->n || s->p[s->i] != '\\' ||
				    s->p[s->i + 1] != 'u')
					return fail(s, "unpaired surrogate");
				s->i += 2;
				if (hex4(s, &w) != 0)
					return -1;
				if (w < 0xdc00 || w > 0xdfff)
					return fail(s, "unpaired surrogate");
			}
		} else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0') {
			return fail(s, "invalid escape in string");
		}
	}
	return fail(s, "unterminated string");
}

static int
isdig(const struct scan *s)
{
	return s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9';
}

static int
scan_number(struct scan *s)
{
	if (s->p[s->i] == '-')
		s->i++;
	if (!isdig(s))
		return fail(s, "invalid number");
	if (s->p[s->i] == '0') {
		s->i++;
		if (isdig(s))
			return fail(s, "number with a leading zero");
	} else {
		while (isdig(s))
			s->i++;
	}
	if (s->i < s->n && s->p[s->i] == '.') {
		s->i++;
		if (!isdig(s))
			return fail(s, "invalid number");
		while (isdig(s))
			s->i++;
	}
	if (s->i < s->n && (s->p[s->i] == 'e' || s->p[s->i] == 'E')) {
		s->i++;
		if (s->i < s->n && (s->p[s->i] == '+' || s->p[s->i] == '-'))
			s->i++;
		if (!isdig(s))
			return fail(s, "invalid number");
		while (isdig(s))
			s->i++;
	}
	return 0;
}

static int
scan_lit(struct scan *s, const char *lit)
{
	size_t len = strlen(lit);

	if (s->i + len > s->n || memcmp(s->p + s->i, lit, len) != 0)
		return fail(s, "invalid literal");
	s->i += len;
	return 0;
}

static int
scan_value(struct scan *s, int depth)
{
	uint8_t c;

	if (depth > SGN_JSON_MAX_DEPTH)
		return fail(s, "nesting too deep");
	/*
	 * cJSON allocates a node of about 80 bytes for every value, so a
	 * value of two bytes ("0,") costs forty times its size: counted
	 * here, before cJSON allocates anything.
	 */
	if (++s->values > s->max_values)
		return fail(s, "too many values");
	skip_ws(s);
	if (s->i >= s->n)
		return fail(s, "unexpected end of input");
	c = s->p[s->i];
	switch (c) {
	case '{':
		s->i++;
		skip_ws(s);
		if (s->i < s->n && s->p[s->i] == '}') {
			s->i++;
			return 0;
		}
		for (;;) {
			skip_ws(s);
			if (s->i >= s->n || s->p[s->i] != '"')
				return fail(s, "expected a member name");
			if (scan_string(s) != 0)
				return -1;
			skip_ws(s);
			if (s->i >= s->n || s->p[s->i] != ':')
				return fail(s, "expected ':'");
			s->i++;
			if (scan_value(s, depth + 1) != 0)
				return -1;
			skip_ws(s);
			if (s->i < s->n && s->p[s->i] == ',') {
				s->i++;
				continue;
			}
			if (s->i < s->n && s->p[s->i] == '}') {
				s->i++;
				return 0;
			}
			return fail(s, "expected ',' or '}'");
		}
	case '[':
		s->i++;
		skip_ws(s);
		if (s->i < s->n && s->p[s->i] == ']') {
			s->i++;
			return 0;
		}
		for (;;) {
			if (scan_value(s, depth + 1) != 0)
				return -1;
			skip_ws(s);
			if (s->i < s->n && s->p[s->i] == ',') {
				s->i++;
				continue;
			}
			if (s->i < s->n && s->p[s->i] == ']') {
				s->i++;
				return 0;
			}
			return fail(s, "expected ',' or ']'");
		}
	case '"':
		return scan_string(s);
	case 't':
		return scan_lit(s, "true");
	case 'f':
		return scan_lit(s, "false");
	case 'n':
		return scan_lit(s, "null");
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return scan_number(s);
		return fail(s, "unexpected character");
	}
}

static int
keycmp(const void *a, const void *b)
{
	const cJSON *const *x = a, *const *y = b;

	return strcmp((*x)->string, (*y)->string);
}

/* Returns the first duplicated key of an object, or NULL. */
static const char *
dup_key(const cJSON *obj)
{
	const cJSON *c, *d, **v;
	const char *dup = NULL;
	size_t n = 0, i;

	for (c = obj->child; c != NULL; c = c->next)
		n++;
	if (n <= 16) {
		for (c = obj->child; c != NULL; c = c->next)
			for (d = c->next; d != NULL; d = d->next)
				if (strcmp(c->string, d->string) == 0)
					return c->string;
		return NULL;
	}
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return "";	/* treated as an error by the caller */
	for (i = 0, c = obj->child; c != NULL; c = c->next)
		v[i++] = c;
	qsort(v, n, sizeof(*v), keycmp);
	for (i = 1; i < n && dup == NULL; i++)
		if (strcmp(v[i - 1]->string, v[i]->string) == 0)
			dup = v[i]->string;
	free(v);
	return dup;
}

static const char *
find_dup(const cJSON *node)
{
	const cJSON *c;
	const char *d;

	if (cJSON_IsObject(node) && (d = dup_key(node)) != NULL)
		return d;
	for (c = node->child; c != NULL; c = c->next)
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) &&
		    (d = find_dup(c)) != NULL)
			return d;
	return NULL;
}

size_t
sgn_json_list_max_values(size_t len)
{
	size_t	n = len / SGN_JSON_LIST_VALUE_BYTES;

	return n > SGN_JSON_MAX_VALUES ? n : SGN_JSON_MAX_VALUES;
}

sgn_err
sgn_json_parse(const uint8_t *buf, size_t len, const char *what,
    cJSON **outp, struct sgn_errbuf *eb)
{
	return sgn_json_parse_max(buf, len, what, SGN_JSON_MAX_VALUES, outp,
	    eb);
}

sgn_err
sgn_json_parse_max(const uint8_t *buf, size_t len, const char *what,
    size_t max_values, cJSON **outp, struct sgn_errbuf *eb)
{
	struct scan s = { buf, len, 0, NULL, 0, max_values };
	cJSON *root;
	const char *dup;

	*outp = NULL;
	if (buf == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "%s: no input",
		    what);
	if (scan_value(&s, 1) == 0) {
		skip_ws(&s);
		if (s.i != s.n)
			fail(&s, "trailing data after the JSON value");
	}
	if (s.values > s.max_values)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "%s: too many JSON values (more than %zu)", what,
		    s.max_values);
	if (s.err != NULL)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "%s: invalid JSON at byte %zu: %s", what, s.i, s.err);
	root = cJSON_ParseWithLength((const char *)buf, len);
	if (root == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "%s: JSON parse failed",
		    what);
	if ((dup = find_dup(root)) != NULL) {
		sgn_err r = dup[0] == '\0' ?
		    sgn_errf(eb, SGN_ERR_NOMEM, "out of memory") :
		    sgn_errf(eb, SGN_ERR_PARSE, "%s: duplicate key \"%.64s\"",
		    what, dup);
		cJSON_Delete(root);
		return r;
	}
	*outp = root;
	return SGN_OK;
}

const cJSON *
sgn_json_member(const cJSON *obj, const char *key)
{
	const cJSON *m;

	if (obj == NULL || !cJSON_IsObject(obj))
		return NULL;
	m = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (m == NULL || cJSON_IsNull(m))
		return NULL;
	return m;
}

static sgn_err
absent(int required, const char *where, const char *key,
    struct sgn_errbuf *eb)
{
	if (required)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: missing \"%s\"", where,
		    key);
	return SGN_OK;
}

static sgn_err
wrong_type(const char *where, const char *key, const char *type,
    struct sgn_errbuf *eb)
{
	return sgn_errf(eb, SGN_ERR_PARSE, "%s.%s: expected %s", where, key,
	    type);
}

sgn_err
sgn_json_get_object(const cJSON *obj, const char *key, int required,
    const char *where, const cJSON **out, struct sgn_errbuf *eb)
{
	const cJSON *m = sgn_json_member(obj, key);

	*out = NULL;
	if (m == NULL)
		return absent(required, where, key, eb);
	if (!cJSON_IsObject(m))
		return wrong_type(where, key, "an object", eb);
	*out = m;
	return SGN_OK;
}

sgn_err
sgn_json_get_array(const cJSON *obj, const char *key, int required,
    const char *where, const cJSON **out, struct sgn_errbuf *eb)
{
	const cJSON *m = sgn_json_member(obj, key);

	*out = NULL;
	if (m == NULL)
		return absent(required, where, key, eb);
	if (!cJSON_IsArray(m))
		return wrong_type(where, key, "an array", eb);
	*out = m;
	return SGN_OK;
}

sgn_err
sgn_json_get_string(const cJSON *obj, const char *key, int required,
    const char *where, const char **out, struct sgn_errbuf *eb)
{
	const cJSON *m = sgn_json_member(obj, key);

	*out = NULL;
	if (m == NULL)
		return absent(required, where, key, eb);
	if (!cJSON_IsString(m) || m->valuestring == NULL)
		return wrong_type(where, key, "a string", eb);
	if (required && m->valuestring[0] == '\0')
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.%s: empty", where, key);
	*out = m->valuestring;
	return SGN_OK;
}

sgn_err
sgn_json_parse_int64(const char *s, int64_t *out)
{
	const char *p = s;
	int neg = 0;
	uint64_t v = 0, lim;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (*p < '0' || *p > '9')
		return SGN_ERR_PARSE;
	if (*p == '0' && p[1] != '\0')
		return SGN_ERR_PARSE;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p != '\0'; p++) {
		unsigned d;
		if (*p < '0' || *p > '9')
			return SGN_ERR_PARSE;
		d = (unsigned)(*p - '0');
		if (v > (lim - d) / 10)
			return SGN_ERR_PARSE;
		v = v * 10 + d;
	}
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		    -(int64_t)v;
	else
		*out = (int64_t)v;
	return SGN_OK;
}

sgn_err
sgn_json_get_int64(const cJSON *obj, const char *key, int required,
    const char *where, int64_t *out, int *present, struct sgn_errbuf *eb)
{
	const cJSON *m = sgn_json_member(obj, key);

	*out = 0;
	if (present != NULL)
		*present = 0;
	if (m == NULL)
		return absent(required, where, key, eb);
	if (cJSON_IsString(m) && m->valuestring != NULL) {
		if (sgn_json_parse_int64(m->valuestring, out) != SGN_OK)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s.%s: invalid integer \"%.32s\"", where, key,
			    m->valuestring);
	} else if (cJSON_IsNumber(m)) {
		double d = m->valuedouble;
		/* Exact only below 2^53; anything larger must be a string. */
		if (d != d || d < -9007199254740991.0 ||
		    d > 9007199254740991.0 || (double)(int64_t)d != d)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s.%s: not an exact integer", where, key);
		*out = (int64_t)d;
	} else {
		return wrong_type(where, key, "an integer", eb);
	}
	if (present != NULL)
		*present = 1;
	return SGN_OK;
}

sgn_err
sgn_json_get_uint32(const cJSON *obj, const char *key, int required,
    const char *where, uint32_t *out, struct sgn_errbuf *eb)
{
	int64_t v;
	sgn_err r;

	*out = 0;
	if ((r = sgn_json_get_int64(obj, key, required, where, &v, NULL,
	    eb)) != SGN_OK)
		return r;
	if (v < 0 || v > UINT32_MAX)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.%s: out of range",
		    where, key);
	*out = (uint32_t)v;
	return SGN_OK;
}

sgn_err
sgn_json_get_bool(const cJSON *obj, const char *key, int required,
    const char *where, int *out, struct sgn_errbuf *eb)
{
	const cJSON *m = sgn_json_member(obj, key);

	*out = 0;
	if (m == NULL)
		return absent(required, where, key, eb);
	if (!cJSON_IsBool(m))
		return wrong_type(where, key, "a boolean", eb);
	*out = cJSON_IsTrue(m) ? 1 : 0;
	return SGN_OK;
}

sgn_err
sgn_json_get_bytes(const cJSON *obj, const char *key, int required,
    const char *where, uint8_t **out, size_t *outlen, struct sgn_errbuf *eb)
{
	const char *s;
	struct sgn_errbuf tmp;
	sgn_err r;

	*out = NULL;
	*outlen = 0;
	if ((r = sgn_json_get_string(obj, key, required, where, &s, eb)) !=
	    SGN_OK || s == NULL)
		return r;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_b64_decode(s, strlen(s), out, outlen, &tmp)) != SGN_OK)
		return sgn_errf(eb, r, "%s.%s: %s", where, key, tmp.msg);
	if (required && *outlen == 0) {
		free(*out);
		*out = NULL;
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.%s: empty", where, key);
	}
	return SGN_OK;
}

sgn_err
sgn_json_get_time(const cJSON *obj, const char *key, int required,
    const char *where, struct sgn_time *out, int *present,
    struct sgn_errbuf *eb)
{
	const char *s;
	struct sgn_errbuf tmp;
	sgn_err r;

	out->sec = 0;
	out->nsec = 0;
	if (present != NULL)
		*present = 0;
	if ((r = sgn_json_get_string(obj, key, required, where, &s, eb)) !=
	    SGN_OK || s == NULL)
		return r;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_time_parse_rfc3339(s, strlen(s), out, &tmp)) != SGN_OK)
		return sgn_errf(eb, r, "%s.%s: %s", where, key, tmp.msg);
	if (present != NULL)
		*present = 1;
	return SGN_OK;
}

sgn_err
sgn_jcs_string(struct sgn_buf *b, const char *s, size_t n,
    struct sgn_errbuf *eb)
{
	size_t i;
	sgn_err r;

	if ((r = sgn_buf_append(b, "\"", 1, eb)) != SGN_OK)
		return r;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[8];
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			if (c < 0x20) {
				snprintf(u, sizeof(u), "\\u%04x", c);
				esc = u;
			}
		}
		r = esc != NULL ? sgn_buf_append(b, esc, strlen(esc), eb) :
		    sgn_buf_append(b, &s[i], 1, eb);
		if (r != SGN_OK)
			return r;
	}
	return sgn_buf_append(b, "\"", 1, eb);
}

sgn_err
sgn_jcs_tree(struct sgn_buf *b, const cJSON *node, struct sgn_errbuf *eb)
{
	const cJSON *c, **v = NULL;
	size_t n = 0, i;
	sgn_err r = SGN_OK;

	if (cJSON_IsNull(node))
		return sgn_buf_append(b, "null", 4, eb);
	if (cJSON_IsTrue(node))
		return sgn_buf_append(b, "true", 4, eb);
	if (cJSON_IsFalse(node))
		return sgn_buf_append(b, "false", 5, eb);
	if (cJSON_IsString(node))
		return sgn_jcs_string(b, node->valuestring,
		    strlen(node->valuestring), eb);
	if (cJSON_IsNumber(node)) {
		double d = node->valuedouble;
		if (d != d || d < -9007199254740991.0 ||
		    d > 9007199254740991.0 || (double)(int64_t)d != d)
			return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
			    "canonical JSON: non-integer number");
		return sgn_buf_appendf(b, eb, "%lld", (long long)d);
	}
	if (cJSON_IsArray(node)) {
		if ((r = sgn_buf_append(b, "[", 1, eb)) != SGN_OK)
			return r;
		for (c = node->child; c != NULL; c = c->next) {
			if (c != node->child &&
			    (r = sgn_buf_append(b, ",", 1, eb)) != SGN_OK)
				return r;
			if ((r = sgn_jcs_tree(b, c, eb)) != SGN_OK)
				return r;
		}
		return sgn_buf_append(b, "]", 1, eb);
	}
	if (!cJSON_IsObject(node))
		return sgn_errf(eb, SGN_ERR_PARSE, "canonical JSON: bad node");
	for (c = node->child; c != NULL; c = c->next)
		n++;
	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0, c = node->child; c != NULL; c = c->next)
		v[i++] = c;
	if (n > 1)
		qsort(v, n, sizeof(*v), keycmp);
	if ((r = sgn_buf_append(b, "{", 1, eb)) != SGN_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if ((i > 0 && (r = sgn_buf_append(b, ",", 1, eb)) != SGN_OK) ||
		    (r = sgn_jcs_string(b, v[i]->string,
		    strlen(v[i]->string), eb)) != SGN_OK ||
		    (r = sgn_buf_append(b, ":", 1, eb)) != SGN_OK ||
		    (r = sgn_jcs_tree(b, v[i], eb)) != SGN_OK)
			goto out;
	}
	r = sgn_buf_append(b, "}", 1, eb);
out:
	free(v);
	return r;
}
