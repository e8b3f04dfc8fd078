/*
 * Unit tests for pkg/dsse: the DSSE pre-authentication encoding and the
 * strict in-toto statement parser, with the statement of the dsse-rekor-v1
 * production vector and every validation rule broken once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "dsse.h"
#include "testutil.h"

#define DSSE_BUNDLE	"testdata/vectors/dsse-rekor-v1/bundle.sigstore.json"
#define DSSE_ARTIFACT	"testdata/vectors/dsse-rekor-v1/artifact"

#define A_TXT_SHA256	"a0cfc71271d6e278e57cd332ff957c3f" \
			"7043fdda354c4cbb190a30d56efa01bf"

/* PAE --------------------------------------------------------------- */

Test(dsse, pae_matches_the_spec_example)
{
	static const char want[] =
	    "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
	struct sgn_buf b;
	struct sgn_errbuf eb;

	memset(&b, 0, sizeof(b));
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_dsse_pae("http://example.com/HelloWorld",
	    (const uint8_t *)"hello world", 11, &b, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_eq(b.len, sizeof(want) - 1);
	cr_assert_arr_eq(b.ptr, want, sizeof(want) - 1);
	cr_assert_eq(b.ptr[b.len], '\0');
	sgn_buf_reset(&b);
}

Test(dsse, pae_of_an_empty_payload)
{
	struct sgn_buf b;

	memset(&b, 0, sizeof(b));
	cr_assert_eq(sgn_dsse_pae("", (const uint8_t *)"", 0, &b, NULL),
	    SGN_OK);
	cr_assert_eq(b.len, 12);
	cr_assert_arr_eq(b.ptr, "DSSEv1 0  0 ", 12);
	sgn_buf_reset(&b);
}

Test(dsse, pae_keeps_binary_payloads_and_counts_bytes)
{
	static const uint8_t payload[] = { 'a', 0x00, 0xff, ' ', '\n' };
	static const char head[] = "DSSEv1 5 t\xc3\xa9st 5 ";
	struct sgn_buf b;

	memset(&b, 0, sizeof(b));
	/* the type length is in bytes, not characters */
	cr_assert_eq(sgn_dsse_pae("t\xc3\xa9st", payload, sizeof(payload),
	    &b, NULL), SGN_OK);
	cr_assert_eq(b.len, sizeof(head) - 1 + sizeof(payload));
	cr_assert_arr_eq(b.ptr, head, sizeof(head) - 1);
	cr_assert_arr_eq(b.ptr + sizeof(head) - 1, payload, sizeof(payload));
	sgn_buf_reset(&b);
}

Test(dsse, pae_appends_to_the_buffer)
{
	struct sgn_buf b;

	memset(&b, 0, sizeof(b));
	cr_assert_eq(sgn_buf_append(&b, "x", 1, NULL), SGN_OK);
	cr_assert_eq(sgn_dsse_pae("t", (const uint8_t *)"p", 1, &b, NULL),
	    SGN_OK);
	cr_assert_eq(b.len, 15);
	cr_assert_arr_eq(b.ptr, "xDSSEv1 1 t 1 p", 15);
	sgn_buf_reset(&b);
}

Test(dsse, pae_respects_the_buffer_cap)
{
	struct sgn_buf b;
	struct sgn_errbuf eb;

	/* the header fits, the payload does not */
	sgn_buf_init(&b, 20);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_dsse_pae("type", (const uint8_t *)"0123456789", 10,
	    &b, &eb), SGN_ERR_LIMIT);
	cr_assert_neq(eb.msg[0], '\0');
	sgn_buf_reset(&b);
	/* nor does the header */
	sgn_buf_init(&b, 8);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_dsse_pae("type", (const uint8_t *)"x", 1, &b, &eb),
	    SGN_ERR_LIMIT);
	sgn_buf_reset(&b);
}

/* The vector -------------------------------------------------------- */

/* The DSSE payload of the dsse-rekor-v1 bundle; malloc'd. */
static uint8_t *
vector_payload(size_t *len)
{
	size_t blen;
	uint8_t *p = tu_read(DSSE_BUNDLE, &blen), *out = NULL;
	cJSON *j = cJSON_ParseWithLength((const char *)p, blen), *e;

	cr_assert_not_null(j);
	e = cJSON_GetObjectItemCaseSensitive(j, "dsseEnvelope");
	e = cJSON_GetObjectItemCaseSensitive(e, "payload");
	cr_assert(cJSON_IsString(e));
	cr_assert_eq(sgn_b64_decode(e->valuestring, strlen(e->valuestring),
	    &out, len, NULL), SGN_OK);
	cJSON_Delete(j);
	free(p);
	return out;
}

static void
expect_compat(const uint8_t *payload, size_t len, const char *want)
{
	struct sgn_buf b;
	struct sgn_errbuf eb;

	sgn_buf_init(&b, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_dsse_pae_compat(SGN_INTOTO_PAYLOAD_TYPE, payload, len,
	    &b, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(b.len, strlen(want), "got %s", (char *)b.ptr);
	cr_assert_eq(memcmp(b.ptr, want, b.len), 0, "got %s", (char *)b.ptr);
	sgn_buf_reset(&b);
}

/* Expected strings printed by Python 3:
 *   ("DSSEV1 %d %s %d %s" % (len(t), t, len(p), repr(p))).encode() */
Test(dsse, compat_pae_is_the_python_repr_of_the_payload)
{
	static const uint8_t every[] = "{\"a\": \"it's\n\t\r\\ \x00\x1f\x7f"
	    "\xc3\xa9~\"}";

	expect_compat(every, sizeof(every) - 1, "DSSEV1 28 application/"
	    "vnd.in-toto+json 24 b'{\"a\": \"it\\'s\\n\\t\\r\\\\ \\x00"
	    "\\x1f\\x7f\\xc3\\xa9~\"}'");
	/* a ' and no ": double quotes, the ' left alone */
	expect_compat((const uint8_t *)"it's", 4, "DSSEV1 28 application/"
	    "vnd.in-toto+json 4 b\"it's\"");
	expect_compat((const uint8_t *)"plain \"q\"", 9, "DSSEV1 28 "
	    "application/vnd.in-toto+json 9 b'plain \"q\"'");
	expect_compat(NULL, 0, "DSSEV1 28 application/vnd.in-toto+json 0 "
	    "b''");
}

Test(dsse, compat_pae_of_a_long_payload_crosses_chunks)
{
	uint8_t p[1000];
	struct sgn_buf b;
	size_t i;

	/* every byte becomes \xNN: 4000 bytes of repr */
	for (i = 0; i < sizeof(p); i++)
		p[i] = (uint8_t)(0x80 + i % 0x80);
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_dsse_pae_compat(SGN_INTOTO_PAYLOAD_TYPE, p, sizeof(p),
	    &b, NULL), SGN_OK);
	cr_assert_eq(b.len, strlen("DSSEV1 28 application/vnd.in-toto+json "
	    "1000 b''") + 4 * sizeof(p));
	cr_assert_eq(memcmp(b.ptr + b.len - 9, "\\xe6\\xe7'", 9), 0);
	sgn_buf_reset(&b);
}

Test(dsse, pae_of_the_vector_payload)
{
	static const char head[] =
	    "DSSEv1 28 application/vnd.in-toto+json 1018 ";
	struct sgn_buf b;
	uint8_t *p;
	size_t len;

	p = vector_payload(&len);
	cr_assert_eq(len, 1018);
	memset(&b, 0, sizeof(b));
	cr_assert_eq(sgn_dsse_pae(SGN_INTOTO_PAYLOAD_TYPE, p, len, &b, NULL),
	    SGN_OK);
	cr_assert_eq(b.len, sizeof(head) - 1 + len);
	cr_assert_arr_eq(b.ptr, head, sizeof(head) - 1);
	cr_assert_arr_eq(b.ptr + sizeof(head) - 1, p, len);
	sgn_buf_reset(&b);
	free(p);
}

Test(dsse, parses_the_vector_statement)
{
	struct sgn_intoto_statement *s = NULL;
	struct sgn_errbuf eb;
	const struct sgn_intoto_subject *sub;
	uint8_t *p, want[32], art[32];
	size_t len;

	p = vector_payload(&len);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_intoto_parse(p, len, &s, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(s->type, "https://in-toto.io/Statement/v1");
	cr_assert_str_eq(s->predicate_type, "https://slsa.dev/provenance/v1");
	cr_assert_eq(s->n_subjects, 1);
	sub = &s->subjects[0];
	cr_assert_str_eq(sub->name, "a.txt");
	cr_assert_eq(sub->n_digests, 1);
	cr_assert_str_eq(sub->digests[0].alg, "sha256");
	cr_assert_eq(sub->digests[0].hash, SGN_HASH_SHA256);
	cr_assert_eq(sub->digests[0].len, 32);
	cr_assert_eq(sgn_hex_decode(A_TXT_SHA256, 64, want, 32, NULL),
	    SGN_OK);
	cr_assert_arr_eq(sub->digests[0].value, want, 32);
	/* the subject is the artifact */
	cr_assert_eq(sgn_hash_file(SGN_HASH_SHA256, DSSE_ARTIFACT, art, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_arr_eq(sub->digests[0].value, art, 32);
	sgn_intoto_free(&s);
	cr_assert_null(s);
	sgn_intoto_free(&s);
	sgn_intoto_free(NULL);
	free(p);
}

Test(dsse, finds_the_subject_of_the_artifact)
{
	struct sgn_intoto_statement *s = NULL;
	uint8_t *p, art[SGN_MAX_DIGEST];
	size_t len;

	p = vector_payload(&len);
	cr_assert_eq(sgn_intoto_parse(p, len, &s, NULL), SGN_OK);
	cr_assert_eq(sgn_hash_file(SGN_HASH_SHA256, DSSE_ARTIFACT, art, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_intoto_find(s, SGN_HASH_SHA256, art, 32),
	    &s->subjects[0]);

	/* another digest */
	art[31] ^= 1;
	cr_assert_null(sgn_intoto_find(s, SGN_HASH_SHA256, art, 32));
	art[31] ^= 1;
	/* the right bytes under another algorithm or length */
	cr_assert_null(sgn_intoto_find(s, SGN_HASH_SHA512, art, 32));
	cr_assert_null(sgn_intoto_find(s, SGN_HASH_SHA256, art, 31));
	/* a SHA-512 digest of the artifact is not listed */
	cr_assert_eq(sgn_hash_file(SGN_HASH_SHA512, DSSE_ARTIFACT, art, NULL),
	    SGN_OK);
	cr_assert_null(sgn_intoto_find(s, SGN_HASH_SHA512, art, 64));
	sgn_intoto_free(&s);
	free(p);
}

/* Statements written here ------------------------------------------- */

static sgn_err
parse_str(const char *json, struct sgn_intoto_statement **s,
    struct sgn_errbuf *eb)
{
	sgn_errbuf_clear(eb);
	return sgn_intoto_parse((const uint8_t *)json, strlen(json), s, eb);
}

static void
reject(const char *json, sgn_err code, const char *want)
{
	struct sgn_intoto_statement *s = NULL;
	struct sgn_errbuf eb;

	cr_assert_eq(parse_str(json, &s, &eb), code, "%.60s: got \"%s\"",
	    json, eb.msg);
	cr_assert_null(s);
	cr_assert(tu_has(eb.msg, want), "message \"%s\" lacks \"%s\"", eb.msg,
	    want);
}

#define V1	"\"_type\":\"https://in-toto.io/Statement/v1\""
#define SHA	"\"sha256\":\"" A_TXT_SHA256 "\""

Test(dsse, accepts_v01_statements_and_several_digests)
{
	static const char json[] = "{\"_type\":"
	    "\"https://in-toto.io/Statement/v0.1\",\"subject\":["
	    "{\"name\":\"a\",\"digest\":{\"gitCommit\":\"abc\"," SHA "}},"
	    "{\"digest\":{\"sha512\":\"" A_TXT_SHA256 A_TXT_SHA256 "\","
	    "\"sha384\":\"" A_TXT_SHA256 "0123456789ABCDEF0123456789abcdef"
	    "\"}}],\"predicate\":{}}";
	struct sgn_intoto_statement *s = NULL;
	struct sgn_errbuf eb;
	const struct sgn_intoto_subject *sub;
	uint8_t d[64];

	cr_assert_eq(parse_str(json, &s, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(s->type, "https://in-toto.io/Statement/v0.1");
	cr_assert_null(s->predicate_type);
	cr_assert_eq(s->n_subjects, 2);
	sub = &s->subjects[0];
	cr_assert_eq(sub->n_digests, 2);
	/* not SHA-2: kept by name, value not decoded */
	cr_assert_str_eq(sub->digests[0].alg, "gitCommit");
	cr_assert_eq(sub->digests[0].hash, SGN_HASH_NONE);
	cr_assert_eq(sub->digests[0].len, 0);
	cr_assert_eq(sub->digests[1].hash, SGN_HASH_SHA256);
	sub = &s->subjects[1];
	cr_assert_null(sub->name);
	cr_assert_eq(sub->digests[0].hash, SGN_HASH_SHA512);
	cr_assert_eq(sub->digests[0].len, 64);
	cr_assert_eq(sub->digests[1].hash, SGN_HASH_SHA384);
	cr_assert_eq(sub->digests[1].len, 48);
	/* upper-case hex decodes to the same bytes */
	cr_assert_eq(sub->digests[1].value[31], 0xbf);
	cr_assert_eq(sub->digests[1].value[32], 0x01);
	cr_assert_eq(sub->digests[1].value[39], 0xef);
	cr_assert_eq(sub->digests[1].value[47], 0xef);

	cr_assert_eq(sgn_hex_decode(A_TXT_SHA256, 64, d, 32, NULL), SGN_OK);
	cr_assert_eq(sgn_intoto_find(s, SGN_HASH_SHA256, d, 32),
	    &s->subjects[0]);
	memcpy(d + 32, d, 32);
	cr_assert_eq(sgn_intoto_find(s, SGN_HASH_SHA512, d, 64),
	    &s->subjects[1]);
	sgn_intoto_free(&s);
}

Test(dsse, finds_the_first_matching_subject)
{
	static const char json[] = "{" V1 ",\"subject\":["
	    "{\"name\":\"one\",\"digest\":{" SHA "}},"
	    "{\"name\":\"two\",\"digest\":{" SHA "}}]}";
	struct sgn_intoto_statement *s = NULL;
	struct sgn_errbuf eb;
	uint8_t d[32];

	cr_assert_eq(parse_str(json, &s, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_hex_decode(A_TXT_SHA256, 64, d, 32, NULL), SGN_OK);
	cr_assert_str_eq(sgn_intoto_find(s, SGN_HASH_SHA256, d, 32)->name,
	    "one");
	sgn_intoto_free(&s);
}

Test(dsse, rejects_an_unknown_type)
{
	reject("{\"_type\":\"https://in-toto.io/Statement/v2\","
	    "\"subject\":[{\"digest\":{" SHA "}}]}", SGN_ERR_UNSUPPORTED,
	    "in-toto statement: unsupported _type "
	    "\"https://in-toto.io/Statement/v2\"");
	reject("{\"_type\":\"https://in-toto.io/statement/v1\","
	    "\"subject\":[{\"digest\":{" SHA "}}]}", SGN_ERR_UNSUPPORTED,
	    "unsupported _type");
	reject("{\"subject\":[{\"digest\":{" SHA "}}]}", SGN_ERR_PARSE,
	    "in-toto statement: missing \"_type\"");
	reject("{\"_type\":1,\"subject\":[{\"digest\":{" SHA "}}]}",
	    SGN_ERR_PARSE, "in-toto statement._type: expected a string");
	reject("{\"_type\":\"\",\"subject\":[{\"digest\":{" SHA "}}]}",
	    SGN_ERR_PARSE, "in-toto statement._type: empty");
}

Test(dsse, rejects_a_statement_without_subjects)
{
	reject("{" V1 "}", SGN_ERR_PARSE,
	    "in-toto statement: missing \"subject\"");
	reject("{" V1 ",\"subject\":null}", SGN_ERR_PARSE,
	    "in-toto statement: missing \"subject\"");
	reject("{" V1 ",\"subject\":[]}", SGN_ERR_PARSE,
	    "in-toto statement: 0 subjects");
	reject("{" V1 ",\"subject\":{}}", SGN_ERR_PARSE,
	    "in-toto statement.subject: expected an array");
}

Test(dsse, rejects_a_subject_without_a_digest)
{
	reject("{" V1 ",\"subject\":[{\"name\":\"a\"}]}", SGN_ERR_PARSE,
	    "in-toto statement.subject[0]: missing \"digest\"");
	reject("{" V1 ",\"subject\":[{\"digest\":{" SHA "}},"
	    "{\"name\":\"b\",\"digest\":{}}]}", SGN_ERR_PARSE,
	    "in-toto statement.subject[1].digest: 0 digests");
	reject("{" V1 ",\"subject\":[{\"digest\":[]}]}", SGN_ERR_PARSE,
	    "in-toto statement.subject[0].digest: expected an object");
	reject("{" V1 ",\"subject\":[\"a.txt\"]}", SGN_ERR_PARSE,
	    "in-toto statement.subject[0]: expected an object");
	reject("{" V1 ",\"subject\":[{\"name\":7,\"digest\":{" SHA "}}]}",
	    SGN_ERR_PARSE, "in-toto statement.subject[0].name: expected a "
	    "string");
}

Test(dsse, rejects_bad_hex_for_sha256)
{
	reject("{" V1 ",\"subject\":[{\"digest\":{\"sha256\":\""
	    "g0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf"
	    "\"}}]}", SGN_ERR_PARSE,
	    "in-toto statement.subject[0].digest.sha256: not 64 hex digits");
	reject("{" V1 ",\"subject\":[{\"digest\":{\"sha256\":\""
	    "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01b "
	    "\"}}]}", SGN_ERR_PARSE, "digest.sha256: not 64 hex digits");
	reject("{" V1 ",\"subject\":[{\"digest\":{\"sha512\":\""
	    "zz\"}}]}", SGN_ERR_PARSE, "digest.sha512: not 128 hex digits");
}

Test(dsse, rejects_hex_of_the_wrong_length)
{
	/* 63 and 65 digits */
	reject("{" V1 ",\"subject\":[{\"digest\":{\"sha256\":\""
	    "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01b"
	    "\"}}]}", SGN_ERR_PARSE, "digest.sha256: not 64 hex digits");
	reject("{" V1 ",\"subject\":[{\"digest\":{\"sha256\":\""
	    A_TXT_SHA256 "0\"}}]}", SGN_ERR_PARSE,
	    "digest.sha256: not 64 hex digits");
	/* a SHA-256 digest under sha384 */
	reject("{" V1 ",\"subject\":[{\"digest\":{\"sha384\":\""
	    A_TXT_SHA256 "\"}}]}", SGN_ERR_PARSE,
	    "digest.sha384: not 96 hex digits");
	reject("{" V1 ",\"subject\":[{\"digest\":{\"sha256\":\"\"}}]}",
	    SGN_ERR_PARSE, "digest.sha256: not 64 hex digits");
}

Test(dsse, rejects_a_digest_that_is_not_a_string)
{
	reject("{" V1 ",\"subject\":[{\"digest\":{\"sha256\":1}}]}",
	    SGN_ERR_PARSE,
	    "in-toto statement.subject[0].digest.sha256: expected a string");
	reject("{" V1 ",\"subject\":[{\"digest\":{\"gitCommit\":"
	    "[\"abc\"]}}]}", SGN_ERR_PARSE, "digest.gitCommit: expected a "
	    "string");
	reject("{" V1 ",\"subject\":[{\"digest\":{\"sha256\":null}}]}",
	    SGN_ERR_PARSE, "digest.sha256: expected a string");
}

/* A statement with n subjects, each with its own SHA-256 digest. */
static char *
many_subjects(size_t n)
{
	struct sgn_buf b;
	size_t i;

	memset(&b, 0, sizeof(b));
	cr_assert_eq(sgn_buf_appendf(&b, NULL, "{%s,\"subject\":[", V1),
	    SGN_OK);
	for (i = 0; i < n; i++)
		cr_assert_eq(sgn_buf_appendf(&b, NULL, "%s{\"name\":\"f%zu\","
		    "\"digest\":{\"sha256\":\"%064zx\"}}", i > 0 ? "," : "", i,
		    i), SGN_OK);
	cr_assert_eq(sgn_buf_append(&b, "]}", 2, NULL), SGN_OK);
	return (char *)sgn_buf_take(&b, NULL);
}

Test(dsse, caps_the_number_of_subjects)
{
	struct sgn_intoto_statement *s = NULL;
	struct sgn_errbuf eb;
	char *json;
	uint8_t d[32];

	json = many_subjects(SGN_INTOTO_MAX_SUBJECTS + 1);
	reject(json, SGN_ERR_PARSE, "in-toto statement: 1025 subjects");
	free(json);

	json = many_subjects(SGN_INTOTO_MAX_SUBJECTS);
	cr_assert_eq(parse_str(json, &s, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(s->n_subjects, 1024);
	memset(d, 0, sizeof(d));
	d[30] = 0x03;
	d[31] = 0xff;
	cr_assert_str_eq(sgn_intoto_find(s, SGN_HASH_SHA256, d, 32)->name,
	    "f1023");
	sgn_intoto_free(&s);
	free(json);
}

Test(dsse, caps_the_number_of_digests)
{
	struct sgn_intoto_statement *s = NULL;
	struct sgn_errbuf eb;
	struct sgn_buf b;
	size_t i;

	memset(&b, 0, sizeof(b));
	cr_assert_eq(sgn_buf_appendf(&b, NULL, "{%s,\"subject\":[{\"digest\""
	    ":{", V1), SGN_OK);
	for (i = 0; i < SGN_INTOTO_MAX_DIGESTS; i++)
		cr_assert_eq(sgn_buf_appendf(&b, NULL, "\"alg%zu\":\"x\",", i),
		    SGN_OK);
	cr_assert_eq(sgn_buf_appendf(&b, NULL, "%s}}]}", SHA), SGN_OK);
	reject((const char *)b.ptr, SGN_ERR_PARSE,
	    "in-toto statement.subject[0].digest: 33 digests");
	sgn_buf_reset(&b);

	memset(&b, 0, sizeof(b));
	cr_assert_eq(sgn_buf_appendf(&b, NULL, "{%s,\"subject\":[{\"digest\""
	    ":{", V1), SGN_OK);
	for (i = 0; i + 1 < SGN_INTOTO_MAX_DIGESTS; i++)
		cr_assert_eq(sgn_buf_appendf(&b, NULL, "\"alg%zu\":\"x\",", i),
		    SGN_OK);
	cr_assert_eq(sgn_buf_appendf(&b, NULL, "%s}}]}", SHA), SGN_OK);
	cr_assert_eq(parse_str((const char *)b.ptr, &s, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_eq(s->subjects[0].n_digests, 32);
	sgn_intoto_free(&s);
	sgn_buf_reset(&b);
}

Test(dsse, rejects_malformed_json)
{
	reject("[]", SGN_ERR_PARSE, "in-toto statement: expected an object");
	reject("\"text\"", SGN_ERR_PARSE, "expected an object");
	reject("{" V1 ",\"subject\":[{\"digest\":{" SHA "}}]", SGN_ERR_PARSE,
	    "in-toto statement: invalid JSON");
	reject("{" V1 ",\"subject\":[{\"digest\":{" SHA "}}]} x",
	    SGN_ERR_PARSE, "trailing data");
	reject("{" V1 "," V1 ",\"subject\":[{\"digest\":{" SHA "}}]}",
	    SGN_ERR_PARSE, "in-toto statement: duplicate key \"_type\"");
	reject("{" V1 ",\"subject\":[{\"digest\":{" SHA "," SHA "}}]}",
	    SGN_ERR_PARSE, "duplicate key \"sha256\"");
	reject("{" V1 ",\"predicateType\":5,\"subject\":[{\"digest\":{" SHA
	    "}}]}", SGN_ERR_PARSE,
	    "in-toto statement.predicateType: expected a string");
}
