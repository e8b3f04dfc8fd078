/*
 * Unit tests for pkg/pkcs11: RFC 7512 URIs (one negative test per rule
 * the parser enforces), and the module loader's refusals.  Signing on a
 * token is driven end to end against SoftHSM2 by scripts/e2e-pkcs11.sh.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "pkcs11.h"
#include "testutil.h"

static sgn_err
parse(const char *s, struct sgn_p11_uri *u, struct sgn_errbuf *eb)
{
	sgn_errbuf_clear(eb);
	return sgn_p11_uri_parse(s, strlen(s), u, eb);
}

/* A refused URI: the code, a message naming why, nothing kept. */
static void
refused(const char *s, sgn_err want, const char *why)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_eq(parse(s, &u, &eb), want, "%s: %s", s, eb.msg);
	cr_assert(tu_has(eb.msg, why), "%s: \"%s\" lacks \"%s\"", s, eb.msg,
	    why);
	cr_assert_null(u.token);
	cr_assert_null(u.object);
	cr_assert_null(u.pin_value.ptr);
}

Test(pkcs11_uri, a_cosign_uri_is_read_whole)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_eq(parse("pkcs11:token=my%20token;object=sign%3Bkey;"
	    "id=%01%00%ff;type=private;slot-id=3"
	    "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/p",
	    &u, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(u.token, "my token");
	cr_assert_str_eq(u.object, "sign;key");
	cr_assert(u.has_id);
	cr_assert_eq(u.id_len, 3);
	cr_assert_eq(memcmp(u.id, "\x01\x00\xff", 3), 0);
	cr_assert_eq(u.type, SGN_P11_TYPE_PRIVATE);
	cr_assert(u.has_slot_id);
	cr_assert_eq(u.slot_id, 3);
	cr_assert_str_eq(u.module_path, "/usr/lib/softhsm/libsofthsm2.so");
	cr_assert_str_eq(u.pin_source, "file:/p");
	cr_assert_not(u.has_pin_value);
	sgn_p11_uri_reset(&u);
	cr_assert_null(u.token);
}

Test(pkcs11_uri, pin_value_is_kept_as_a_secret)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_eq(parse("pkcs11:object=k?pin-value=12%334", &u, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert(u.has_pin_value);
	cr_assert_eq(u.pin_value.len, 4);
	cr_assert_eq(memcmp(u.pin_value.ptr, "1234", 4), 0);
	sgn_p11_uri_reset(&u);
	cr_assert_null(u.pin_value.ptr);
}

Test(pkcs11_uri, an_empty_path_is_every_token)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_eq(parse("pkcs11:", &u, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_null(u.token);
	cr_assert_not(u.has_id);
	sgn_p11_uri_reset(&u);
}

Test(pkcs11_uri, another_scheme_is_refused)
{
	refused("pkcs12:token=a", SGN_ERR_PARSE, "not a pkcs11: URI");
	refused("PKCS11:token=a", SGN_ERR_PARSE, "not a pkcs11: URI");
	refused("pkcs11", SGN_ERR_PARSE, "not a pkcs11: URI");
}

Test(pkcs11_uri, an_unknown_attribute_is_refused)
{
	refused("pkcs11:token=a;label=b", SGN_ERR_PARSE,
	    "unknown attribute \"label\"");
	refused("pkcs11:token=a;x-vendor=b", SGN_ERR_PARSE,
	    "unknown attribute \"x-vendor\"");
	refused("pkcs11:token=a?pin=1234", SGN_ERR_PARSE,
	    "unknown attribute \"pin\"");
	/* names are case-sensitive */
	refused("pkcs11:Token=a", SGN_ERR_PARSE, "unknown attribute");
}

Test(pkcs11_uri, an_unknown_attribute_name_is_not_echoed_when_odd)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_eq(parse("pkcs11:sec%72et=1", &u, &eb), SGN_ERR_PARSE);
	cr_assert_str_eq(eb.msg, "pkcs11 URI: an unknown attribute");
}

Test(pkcs11_uri, a_duplicate_attribute_is_refused)
{
	refused("pkcs11:token=a;object=b;token=a", SGN_ERR_PARSE,
	    "token given twice");
	refused("pkcs11:id=%01;id=%01", SGN_ERR_PARSE, "id given twice");
	refused("pkcs11:object=k?pin-source=/a&pin-source=/b", SGN_ERR_PARSE,
	    "pin-source given twice");
}

Test(pkcs11_uri, attributes_on_the_wrong_side_are_refused)
{
	refused("pkcs11:module-path=/lib/x.so", SGN_ERR_PARSE,
	    "module-path belongs in the query");
	refused("pkcs11:object=k?token=a", SGN_ERR_PARSE,
	    "token belongs in the path");
	/* ';' in the query is no separator: part of the value, refused */
	refused("pkcs11:object=k?pin-source=/a;token=b", SGN_ERR_PARSE,
	    "must be percent-encoded");
}

Test(pkcs11_uri, malformed_attributes_are_refused)
{
	refused("pkcs11:token", SGN_ERR_PARSE, "without '='");
	refused("pkcs11:token=", SGN_ERR_PARSE, "token has an empty value");
	refused("pkcs11:token=a;;object=b", SGN_ERR_PARSE, "empty attribute");
	refused("pkcs11:token=a;", SGN_ERR_PARSE, "ends with a separator");
	refused("pkcs11:token=a?", SGN_ERR_PARSE, "empty query");
	refused("pkcs11:object=k?pin-source=/a&", SGN_ERR_PARSE,
	    "ends with a separator");
}

Test(pkcs11_uri, bad_percent_encoding_is_refused)
{
	refused("pkcs11:token=a%2", SGN_ERR_PARSE, "two hex digits");
	refused("pkcs11:token=a%zz", SGN_ERR_PARSE, "two hex digits");
	refused("pkcs11:token=%", SGN_ERR_PARSE, "two hex digits");
	refused("pkcs11:token=a%00b", SGN_ERR_PARSE, "NUL byte");
}

Test(pkcs11_uri, characters_the_rfc_wants_encoded_are_refused)
{
	refused("pkcs11:token=my token", SGN_ERR_PARSE,
	    "must be percent-encoded");
	refused("pkcs11:object=a/b", SGN_ERR_PARSE, "must be percent-encoded");
	refused("pkcs11:object=a\nb", SGN_ERR_PARSE,
	    "must be percent-encoded");
	refused("pkcs11:object=a\xc3\xa9", SGN_ERR_PARSE,
	    "must be percent-encoded");
	refused("pkcs11:object=a#b", SGN_ERR_PARSE, "must be percent-encoded");
}

Test(pkcs11_uri, type_and_slot_id_are_checked)
{
	refused("pkcs11:type=cert", SGN_ERR_PARSE,
	    "type must be private or public");
	refused("pkcs11:type=private%00", SGN_ERR_PARSE,
	    "type must be private or public");
	refused("pkcs11:slot-id=1a", SGN_ERR_PARSE, "decimal number");
	refused("pkcs11:slot-id=-1", SGN_ERR_PARSE, "decimal number");
	refused("pkcs11:slot-id=01", SGN_ERR_PARSE, "decimal number");
	refused("pkcs11:slot-id=99999999999", SGN_ERR_PARSE, "decimal number");
}

Test(pkcs11_uri, attributes_not_matched_yet_are_refused_not_ignored)
{
	refused("pkcs11:library-description=x", SGN_ERR_UNSUPPORTED,
	    "library-description is not supported");
	refused("pkcs11:object=k?module-name=softhsm2", SGN_ERR_UNSUPPORTED,
	    "module-name is not supported");
}

Test(pkcs11_uri, pin_value_and_pin_source_together_are_refused)
{
	refused("pkcs11:object=k?pin-value=1&pin-source=/p", SGN_ERR_PARSE,
	    "pin-value and pin-source together");
}

Test(pkcs11_uri, errors_never_hold_the_pin)
{
	struct sgn_p11_uri u;
	struct sgn_errbuf eb;

	cr_assert_neq(parse("pkcs11:object=k?pin-value=SECRET%2", &u, &eb),
	    SGN_OK);
	cr_assert_not(tu_has(eb.msg, "SECRET"), "%s", eb.msg);
	cr_assert_neq(parse("pkcs11:object=k?pin-value=SECRET&pin-value=x",
	    &u, &eb), SGN_OK);
	cr_assert_not(tu_has(eb.msg, "SECRET"), "%s", eb.msg);
}

Test(pkcs11_uri, long_uris_and_values_are_refused)
{
	size_t n = SGN_P11_MAX_URI + 1, i;
	char *s = malloc(n + 1);

	cr_assert_not_null(s);
	memcpy(s, "pkcs11:object=", 14);
	for (i = 14; i < n; i++)
		s[i] = 'a';
	s[n] = '\0';
	refused(s, SGN_ERR_LIMIT, "longer than 4096 bytes");
	s[14 + SGN_P11_MAX_ATTR + 1] = '\0';
	refused(s, SGN_ERR_LIMIT, "object: longer than 1024 bytes");
	s[14 + SGN_P11_MAX_ATTR] = '\0';
	{
		struct sgn_p11_uri u;
		struct sgn_errbuf eb;

		cr_assert_eq(parse(s, &u, &eb), SGN_OK, "%s", eb.msg);
		sgn_p11_uri_reset(&u);
	}
	free(s);
}

Test(pkcs11_uri, redaction_keeps_names_and_drops_query_values)
{
	const char *s = "pkcs11:token=t;object=k?pin-value=1234&module-path="
	    "/m.so";
	struct sgn_errbuf eb;
	char *r = NULL;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_p11_uri_redact(s, strlen(s), &r, &eb), SGN_OK);
	cr_assert_str_eq(r, "pkcs11:token=t;object=k?pin-value=...&"
	    "module-path=...");
	free(r);
}
