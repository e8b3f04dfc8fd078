/*
 * Unit tests for pkg/json: the strict parser, typed getters, JCS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "json.h"
#include "testutil.h"

static sgn_err
parse(const char *s, cJSON **out, struct sgn_errbuf *eb)
{
	sgn_errbuf_clear(eb);
	return sgn_json_parse((const uint8_t *)s, strlen(s), "doc", out, eb);
}

static void
reject(const char *s, const char *why)
{
	cJSON *j = NULL;
	struct sgn_errbuf eb;

	cr_assert_eq(parse(s, &j, &eb), SGN_ERR_PARSE, "accepted %s", s);
	cr_assert_null(j);
	cr_assert(tu_has(eb.msg, why), "%s: message \"%s\" lacks \"%s\"", s,
	    eb.msg, why);
}

Test(json, accepts_well_formed_documents)
{
	cJSON *j = NULL;
	struct sgn_errbuf eb;

	cr_assert_eq(parse(" {\"a\": [1, -2.5e3, true, null, \"\\u00e9\\n\"],"
	    " \"b\": {}} ", &j, &eb), SGN_OK, "%s", eb.msg);
	cJSON_Delete(j);
	cr_assert_eq(parse("\"\xc3\xa9\xe2\x80\x94\"", &j, &eb), SGN_OK);
	cJSON_Delete(j);
}

Test(json, rejects_duplicate_keys)
{
	reject("{\"a\": 1, \"a\": 2}", "duplicate key \"a\"");
	reject("{\"x\": {\"k\": 1, \"k\": 1}}", "duplicate key \"k\"");
	reject("[{\"k\": 1, \"j\": 2, \"k\": 3}]", "duplicate key");
}

Test(json, rejects_duplicate_keys_in_large_objects)
{
	char buf[4096];
	size_t off = 0;
	int i;

	off += (size_t)snprintf(buf + off, sizeof(buf) - off, "{");
	for (i = 0; i < 40; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		    "\"k%d\": %d,", i, i);
	snprintf(buf + off, sizeof(buf) - off, "\"k17\": 0}");
	reject(buf, "duplicate key \"k17\"");
}

Test(json, rejects_malformed_input)
{
	reject("", "unexpected end");
	reject("{", "expected a member name");
	reject("{\"a\": 1,}", "expected a member name");
	reject("[1, 2,]", "unexpected character");
	reject("{\"a\" 1}", "expected ':'");
	reject("01", "leading zero");
	reject("+1", "unexpected character");
	reject("1.", "invalid number");
	reject("\"abc", "unterminated string");
	reject("\"a\tb\"", "control character");
	reject("\"\\x\"", "invalid escape");
	reject("\"\\u00g0\"", "invalid \\u escape");
	reject("\"\\u0000\"", "\\u0000");
	reject("\"\\ud800\"", "unpaired surrogate");
	reject("\"\xc3\"", "invalid UTF-8");
	reject("\"\xc0\xaf\"", "invalid UTF-8");
	reject("\"\xed\xa0\x80\"", "invalid UTF-8");
	reject("{} {}", "trailing data");
	reject("tru", "invalid literal");
}

Test(json, rejects_embedded_nul)
{
	static const char doc[] = "{\"a\": 1}\0junk";
	cJSON *j = NULL;

	cr_assert_eq(sgn_json_parse((const uint8_t *)doc, sizeof(doc) - 1,
	    "doc", &j, NULL), SGN_ERR_PARSE);
}

Test(json, limits_nesting_depth)
{
	char deep[200];
	size_t i;
	cJSON *j = NULL;

	for (i = 0; i < 100; i++) {
		deep[i] = '[';
		deep[199 - i] = ']';
	}
	cr_assert_eq(sgn_json_parse((const uint8_t *)deep, sizeof(deep),
	    "doc", &j, NULL), SGN_ERR_PARSE);
}

/* n arrays, one in the other: n values, nested n deep */
static char *
nested(size_t n, size_t *len)
{
	char	*p = malloc(2 * n);
	size_t	 i;

	cr_assert_not_null(p);
	for (i = 0; i < n; i++) {
		p[i] = '[';
		p[2 * n - 1 - i] = ']';
	}
	*len = 2 * n;
	return p;
}

Test(json, nesting_is_allowed_up_to_the_limit_and_not_one_past)
{
	struct sgn_errbuf eb;
	cJSON *j = NULL;
	size_t len;
	char *p;

	p = nested(SGN_JSON_MAX_DEPTH, &len);
	cr_assert_eq(sgn_json_parse((const uint8_t *)p, len, "doc", &j, &eb),
	    SGN_OK, "%s", eb.msg);
	cJSON_Delete(j);
	free(p);
	p = nested(SGN_JSON_MAX_DEPTH + 1, &len);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_json_parse((const uint8_t *)p, len, "doc", &j, &eb),
	    SGN_ERR_PARSE);
	cr_assert_null(j);
	cr_assert(tu_has(eb.msg, "nesting too deep"), "%s", eb.msg);
	free(p);
	/* objects count as arrays do */
	reject("{\"a\":{\"b\":" "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	    "[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]]]}}", "nesting too deep");
}

/* "[0,0,...]" holding n zeros: n + 1 values */
static char *
zeros(size_t n, size_t *len)
{
	char	*p = malloc(2 * n + 2);
	size_t	 i;

	cr_assert_not_null(p);
	p[0] = '[';
	for (i = 0; i < n; i++) {
		p[1 + 2 * i] = '0';
		p[2 + 2 * i] = ',';
	}
	p[n > 0 ? 2 * n : 1] = ']';
	*len = n > 0 ? 2 * n + 1 : 2;
	return p;
}

Test(json, values_are_counted_up_to_the_cap_and_not_one_past)
{
	struct sgn_errbuf eb;
	cJSON *j = NULL;
	size_t len;
	char *p;

	p = zeros(9, &len);
	cr_assert_eq(sgn_json_parse_max((const uint8_t *)p, len, "doc", 10,
	    &j, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(cJSON_GetArraySize(j), 9);
	cJSON_Delete(j);
	free(p);
	p = zeros(10, &len);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_json_parse_max((const uint8_t *)p, len, "doc", 10,
	    &j, &eb), SGN_ERR_LIMIT);
	cr_assert_null(j);
	cr_assert_str_eq(eb.msg, "doc: too many JSON values (more than 10)");
	free(p);
	/* member names are not values; every kind of value is */
	cr_assert_eq(sgn_json_parse_max((const uint8_t *)"{\"a\":{}}", 8,
	    "doc", 2, &j, NULL), SGN_OK);
	cJSON_Delete(j);
	cr_assert_eq(sgn_json_parse_max((const uint8_t *)
	    "[\"s\",1,true,false,null,{}]", 26, "doc", 6, &j, NULL),
	    SGN_ERR_LIMIT);
	/* the default cap, at and one past */
	p = zeros(SGN_JSON_MAX_VALUES - 1, &len);
	cr_assert_eq(sgn_json_parse((const uint8_t *)p, len, "doc", &j, &eb),
	    SGN_OK, "%s", eb.msg);
	cJSON_Delete(j);
	free(p);
	p = zeros(SGN_JSON_MAX_VALUES, &len);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_json_parse((const uint8_t *)p, len, "doc", &j, &eb),
	    SGN_ERR_LIMIT);
	cr_assert(tu_has(eb.msg, "too many JSON values"), "%s", eb.msg);
	free(p);
}

Test(json, a_list_document_may_hold_values_in_proportion_to_its_size)
{
	cr_assert_eq(sgn_json_list_max_values(0), SGN_JSON_MAX_VALUES);
	cr_assert_eq(sgn_json_list_max_values(SGN_JSON_LIST_VALUE_BYTES *
	    (size_t)SGN_JSON_MAX_VALUES), SGN_JSON_MAX_VALUES);
	cr_assert_eq(sgn_json_list_max_values(SGN_JSON_LIST_VALUE_BYTES *
	    ((size_t)SGN_JSON_MAX_VALUES + 5) + 23),
	    (size_t)SGN_JSON_MAX_VALUES + 5);
}

Test(json, typed_getters_check_types)
{
	cJSON *j = NULL;
	struct sgn_errbuf eb;
	const char *s;
	const cJSON *o;
	int64_t v;
	int present;
	uint8_t *b;
	size_t n;

	cr_assert_eq(parse("{\"s\": \"x\", \"n\": 7, \"i\": \"-42\", "
	    "\"big\": \"9223372036854775807\", \"nul\": null, "
	    "\"b64\": \"aGk=\", \"bad\": \"a!\", \"f\": 1.5, "
	    "\"huge\": 1e300, \"o\": {}}", &j, &eb), SGN_OK);
	cr_assert_eq(sgn_json_get_string(j, "s", 1, "doc", &s, &eb), SGN_OK);
	cr_assert_str_eq(s, "x");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_json_get_string(j, "n", 1, "doc", &s, &eb),
	    SGN_ERR_PARSE);
	cr_assert_str_eq(eb.msg, "doc.n: expected a string");
	cr_assert_eq(sgn_json_get_int64(j, "n", 1, "doc", &v, &present,
	    NULL), SGN_OK);
	cr_assert_eq(v, 7);
	cr_assert_eq(sgn_json_get_int64(j, "i", 1, "doc", &v, NULL, NULL),
	    SGN_OK);
	cr_assert_eq(v, -42);
	cr_assert_eq(sgn_json_get_int64(j, "big", 1, "doc", &v, NULL, NULL),
	    SGN_OK);
	cr_assert_eq(v, INT64_MAX);
	cr_assert_eq(sgn_json_get_int64(j, "f", 1, "doc", &v, NULL, NULL),
	    SGN_ERR_PARSE);
	cr_assert_eq(sgn_json_get_int64(j, "huge", 1, "doc", &v, NULL, NULL),
	    SGN_ERR_PARSE);
	/* null is absent, as in protobuf JSON */
	cr_assert_eq(sgn_json_get_string(j, "nul", 0, "doc", &s, NULL),
	    SGN_OK);
	cr_assert_null(s);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_json_get_string(j, "nul", 1, "doc", &s, &eb),
	    SGN_ERR_PARSE);
	cr_assert_str_eq(eb.msg, "doc: missing \"nul\"");
	cr_assert_eq(sgn_json_get_bytes(j, "b64", 1, "doc", &b, &n, NULL),
	    SGN_OK);
	cr_assert_eq(n, 2);
	free(b);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_json_get_bytes(j, "bad", 1, "doc", &b, &n, &eb),
	    SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "doc.bad: invalid base64"), "%s", eb.msg);
	cr_assert_eq(sgn_json_get_object(j, "o", 1, "doc", &o, NULL), SGN_OK);
	cr_assert_eq(sgn_json_get_object(j, "s", 1, "doc", &o, NULL),
	    SGN_ERR_PARSE);
	/* case-sensitive lookups */
	cr_assert_eq(sgn_json_get_string(j, "S", 0, "doc", &s, NULL), SGN_OK);
	cr_assert_null(s);
	cJSON_Delete(j);
}

Test(json, int64_strings_are_strict)
{
	int64_t v;

	cr_assert_eq(sgn_json_parse_int64("0", &v), SGN_OK);
	cr_assert_eq(sgn_json_parse_int64("9223372036854775808", &v),
	    SGN_ERR_PARSE);
	cr_assert_eq(sgn_json_parse_int64("-9223372036854775808", &v),
	    SGN_OK);
	cr_assert_eq(v, INT64_MIN);
	cr_assert_eq(sgn_json_parse_int64("007", &v), SGN_ERR_PARSE);
	cr_assert_eq(sgn_json_parse_int64("1 ", &v), SGN_ERR_PARSE);
	cr_assert_eq(sgn_json_parse_int64("", &v), SGN_ERR_PARSE);
	cr_assert_eq(sgn_json_parse_int64("-", &v), SGN_ERR_PARSE);
}

Test(json, jcs_sorts_keys_and_escapes)
{
	cJSON *j = NULL;
	struct sgn_buf b;

	cr_assert_eq(parse("{\"b\": [1, \"x\\n\\\"y\"], \"a\": {\"z\": null, "
	    "\"c\": true}, \"logIndex\": 79571823}", &j, NULL), SGN_OK);
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_jcs_tree(&b, j, NULL), SGN_OK);
	cr_assert_str_eq((char *)b.ptr, "{\"a\":{\"c\":true,\"z\":null},"
	    "\"b\":[1,\"x\\n\\\"y\"],\"logIndex\":79571823}");
	sgn_buf_reset(&b);
	cJSON_Delete(j);
}
