/*
 * pkg/attest: subjects (hashed independently with OpenSSL and
 * sgn_manifest_build()), statements, the SLSA v1 field rules (one
 * negative test per rule), the provenance signet writes, the CI builder,
 * and sgn_attest_verify() on bundles signed here with a fresh key.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include <criterion/criterion.h>

#include "attest.h"
#include "bundle.h"
#include "keys.h"
#include "manifest.h"
#include "sign.h"
#include "verify.h"

static char	tmpdir[64];

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/attest_test.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(attest, .init = setup, .fini = teardown);

static void
put(const char *rel, const char *text)
{
	char	 p[256];
	FILE	*f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	cr_assert_not_null(f = fopen(p, "w"));
	cr_assert_eq(fputs(text, f) >= 0, 1);
	cr_assert_eq(fclose(f), 0);
}

static void
sha256_hex(const void *p, size_t n, char out[65])
{
	uint8_t		md[32];
	unsigned	len = 0;
	size_t		i;

	cr_assert_eq(EVP_Digest(p, n, md, &len, EVP_sha256(), NULL), 1);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void
hex_of(const uint8_t d[32], char out[65])
{
	size_t	i;

	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Subjects ------------------------------------------------------------ */

Test(attest, a_file_subject_is_its_base_name_and_sha256)
{
	struct sgn_attest_subject	s;
	struct sgn_errbuf		eb;
	char				p[256], want[65], got[65];

	put("weights.bin", "some bytes\n");
	snprintf(p, sizeof(p), "%s/weights.bin", tmpdir);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_attest_subject_of(p, &s, &eb), SGN_OK, "%s", eb.msg);
	sha256_hex("some bytes\n", 11, want);
	hex_of(s.sha256, got);
	cr_assert_str_eq(got, want);
	cr_assert_str_eq(s.name, "weights.bin");
	cr_assert_eq(s.dir, 0);
	sgn_attest_subject_reset(&s);
}

Test(attest, a_directory_subject_is_the_oms_root_without_model_sig)
{
	struct sgn_attest_subject	 s, s2;
	struct sgn_manifest_opts	 o;
	struct sgn_manifest		*m = NULL;
	struct sgn_errbuf		 eb;
	char				 p[256], sig[300];

	snprintf(p, sizeof(p), "%s/model", tmpdir);
	cr_assert_eq(mkdir(p, 0755), 0);
	put("model/a.bin", "aaa");
	put("model/b.bin", "bbb");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_attest_subject_of(p, &s, &eb), SGN_OK, "%s", eb.msg);
	/* independently: the manifest signet digest builds */
	o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	snprintf(sig, sizeof(sig), "%s/model.sig", p);
	o.signature_path = sig;
	cr_assert_eq(sgn_manifest_build(p, &o, &m, &eb), SGN_OK);
	cr_assert_eq(memcmp(s.sha256, m->root, 32), 0);
	cr_assert_str_eq(s.name, "model");
	cr_assert_eq(s.dir, 1);
	/* model.sig is not part of it; any other file is */
	put("model/model.sig", "{}");
	cr_assert_eq(sgn_attest_subject_of(p, &s2, &eb), SGN_OK);
	cr_assert_eq(memcmp(s.sha256, s2.sha256, 32), 0);
	sgn_attest_subject_reset(&s2);
	put("model/c.bin", "c");
	cr_assert_eq(sgn_attest_subject_of(p, &s2, &eb), SGN_OK);
	cr_assert_neq(memcmp(s.sha256, s2.sha256, 32), 0);
	sgn_attest_subject_reset(&s2);
	sgn_attest_subject_reset(&s);
	sgn_manifest_free(&m);
}

Test(attest, a_missing_artifact_is_an_io_error_naming_it)
{
	struct sgn_attest_subject	s;
	struct sgn_errbuf		eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_attest_subject_of("/nonexistent/x", &s, &eb),
	    SGN_ERR_IO);
	cr_assert(strstr(eb.msg, "/nonexistent/x") != NULL, "%s", eb.msg);
	cr_assert_null(s.name);
}

/* Statements ---------------------------------------------------------- */

static sgn_err
statement(const char *type, const char *pred, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	struct sgn_attest_subject	s;
	static char			name[] = "model";

	memset(&s, 0, sizeof(s));
	s.name = name;
	memset(s.sha256, 0xab, 32);
	sgn_errbuf_clear(eb);
	return sgn_attest_statement(&s, 1, type, (const uint8_t *)pred,
	    strlen(pred), out, eb);
}

Test(attest, a_statement_is_in_toto_v1_with_subject_type_and_predicate)
{
	struct sgn_buf		 out;
	struct sgn_errbuf	 eb;
	cJSON			*t, *sub, *p;

	sgn_buf_init(&out, 0);
	cr_assert_eq(statement("https://example.com/eval/v1",
	    "{\"accuracy\": 0.93, \"set\": \"test\"}", &out, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_not_null(t = cJSON_ParseWithLength((const char *)out.ptr,
	    out.len));
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(t, "_type")->
	    valuestring, "https://in-toto.io/Statement/v1");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(t,
	    "predicateType")->valuestring, "https://example.com/eval/v1");
	sub = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(t,
	    "subject"), 0);
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(sub, "name")->
	    valuestring, "model");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(sub, "digest"), "sha256")->
	    valuestring, "abababababababababababababababababababababababababab"
	    "abababababab");
	p = cJSON_GetObjectItemCaseSensitive(t, "predicate");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(p, "set")->
	    valuestring, "test");
	cJSON_Delete(t);
	sgn_buf_reset(&out);
}

static void
predicate_refused(const char *type, const char *pred, sgn_err want,
    const char *needle)
{
	struct sgn_buf		out;
	struct sgn_errbuf	eb;
	sgn_err			r;

	sgn_buf_init(&out, 0);
	r = statement(type, pred, &out, &eb);
	cr_assert_eq(r, want, "got %d: %s", r, eb.msg);
	cr_assert(strstr(eb.msg, needle) != NULL, "\"%s\" lacks \"%s\"",
	    eb.msg, needle);
	cr_assert_eq(out.len, 0);
	sgn_buf_reset(&out);
}

Test(attest, refuses_a_predicate_that_is_not_json)
{
	predicate_refused("https://e.com/t", "{\"a\": ", SGN_ERR_PARSE,
	    "predicate");
}

Test(attest, refuses_a_predicate_that_is_not_an_object)
{
	predicate_refused("https://e.com/t", "[1, 2]", SGN_ERR_PARSE,
	    "not a JSON object");
}

Test(attest, refuses_a_predicate_with_a_duplicate_key)
{
	predicate_refused("https://e.com/t", "{\"a\": 1, \"a\": 2}",
	    SGN_ERR_PARSE, "predicate");
}

Test(attest, refuses_a_predicate_with_trailing_bytes)
{
	predicate_refused("https://e.com/t", "{} {}", SGN_ERR_PARSE,
	    "predicate");
}

Test(attest, refuses_a_predicate_with_an_infinite_number)
{
	predicate_refused("https://e.com/t", "{\"a\": 1e999}", SGN_ERR_PARSE,
	    "number out of range");
}

Test(attest, refuses_a_predicate_larger_than_the_cap)
{
	struct sgn_errbuf	 eb;
	uint8_t			*big;
	size_t			 n = SGN_ATTEST_MAX_PREDICATE + 1;

	cr_assert_not_null(big = malloc(n));
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_attest_predicate_check("https://e.com/t", big, n,
	    &eb), SGN_ERR_LIMIT);
	free(big);
}

Test(attest, refuses_a_predicate_type_that_is_not_a_uri)
{
	predicate_refused("not a uri", "{}", SGN_ERR_PARSE, "not a URI");
	predicate_refused("", "{}", SGN_ERR_PARSE, "not a URI");
	predicate_refused("https:", "{}", SGN_ERR_PARSE, "not a URI");
}

Test(attest, a_slsa_statement_needs_a_valid_provenance)
{
	predicate_refused(SGN_ATTEST_SLSA_V1, "{\"any\": 1}", SGN_ERR_PARSE,
	    "buildDefinition: required");
}

/* SLSA v1 field rules ------------------------------------------------- */

/* The specification's example, with every optional field. */
#define GOOD_RD	"{\"uri\": \"git+https://github.com/o/r@refs/heads/main\", " \
	"\"digest\": {\"gitCommit\": " \
	"\"7fd1a60b01f91b314f59955a4e4d4e80d8edf11d\"}, \"name\": \"src\", " \
	"\"downloadLocation\": \"https://x/y\", \"mediaType\": \"text/x\", " \
	"\"annotations\": {\"k\": \"v\"}, \"content\": \"aGk=\"}"
#define PROV(BD, RD) "{\"buildDefinition\": " BD ", \"runDetails\": " RD "}"
#define BD(EXTRA) "{\"buildType\": \"https://e.com/bt/v1\", " \
	"\"externalParameters\": {\"x\": 1}" EXTRA "}"
#define RDT(EXTRA) "{\"builder\": {\"id\": \"https://e.com/builder\"}" \
	EXTRA "}"

static void
slsa_ok(const char *json)
{
	struct sgn_errbuf	eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_attest_slsa_check((const uint8_t *)json,
	    strlen(json), &eb), SGN_OK, "%s", eb.msg);
}

static void
slsa_bad(const char *json, const char *needle)
{
	struct sgn_errbuf	eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_attest_slsa_check((const uint8_t *)json,
	    strlen(json), &eb), SGN_ERR_PARSE, "accepted: %s", json);
	cr_assert(strstr(eb.msg, needle) != NULL, "\"%s\" lacks \"%s\"",
	    eb.msg, needle);
}

Test(attest, slsa_accepts_a_full_provenance_and_ignores_unknown_fields)
{
	slsa_ok(PROV(BD(", \"internalParameters\": {\"a\": [1]}, "
	    "\"resolvedDependencies\": [" GOOD_RD ", {\"uri\": \"https://d\"}, "
	    "{\"content\": \"\"}, {\"digest\": {\"sha512\": \""
	    "00000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000000000000000000000000"
	    "0000\", \"myAlg\": \"anything\"}}], \"future\": true"),
	    RDT(", \"metadata\": {\"invocationId\": \"i-1\", \"startedOn\": "
	    "\"2026-01-01T10:00:00Z\", \"finishedOn\": "
	    "\"2026-01-01T10:00:00.5Z\"}, \"byproducts\": [" GOOD_RD "]")));
	slsa_ok(PROV(BD(""), RDT("")));
}

#define SLSA_REJECTS(name, json, needle)	\
	Test(attest, slsa_rejects_##name) { slsa_bad(json, needle); }

SLSA_REJECTS(a_predicate_that_is_not_an_object, "[]", "not a JSON object")
SLSA_REJECTS(a_missing_build_definition, "{\"runDetails\": " RDT("") "}",
    "buildDefinition: required")
SLSA_REJECTS(a_build_definition_that_is_not_an_object,
    PROV("[]", RDT("")), "buildDefinition: not an object")
SLSA_REJECTS(a_missing_build_type, PROV("{\"externalParameters\": {}}",
    RDT("")), "buildDefinition.buildType: required")
SLSA_REJECTS(a_build_type_that_is_not_a_uri,
    PROV("{\"buildType\": \"make\", \"externalParameters\": {}}", RDT("")),
    "buildDefinition.buildType: not a URI")
SLSA_REJECTS(a_build_type_that_is_not_a_string,
    PROV("{\"buildType\": 7, \"externalParameters\": {}}", RDT("")),
    "buildDefinition.buildType: not a URI")
SLSA_REJECTS(missing_external_parameters,
    PROV("{\"buildType\": \"https://b\"}", RDT("")),
    "externalParameters: required")
SLSA_REJECTS(external_parameters_that_are_not_an_object,
    PROV("{\"buildType\": \"https://b\", \"externalParameters\": \"x\"}",
    RDT("")), "externalParameters: not an object")
SLSA_REJECTS(internal_parameters_that_are_not_an_object,
    PROV(BD(", \"internalParameters\": []"), RDT("")),
    "internalParameters: not an object")
SLSA_REJECTS(resolved_dependencies_that_are_not_an_array,
    PROV(BD(", \"resolvedDependencies\": {}"), RDT("")),
    "resolvedDependencies: not an array")
SLSA_REJECTS(a_dependency_that_is_not_an_object,
    PROV(BD(", \"resolvedDependencies\": [\"x\"]"), RDT("")),
    "resolvedDependencies[0]: not an object")
SLSA_REJECTS(a_dependency_without_uri_digest_or_content,
    PROV(BD(", \"resolvedDependencies\": [{\"name\": \"data\"}]"), RDT("")),
    "needs a uri, a digest or content")
SLSA_REJECTS(a_dependency_uri_that_is_not_a_uri,
    PROV(BD(", \"resolvedDependencies\": [{\"uri\": \"data set\"}]"),
    RDT("")), "resolvedDependencies[0].uri: not a URI")
SLSA_REJECTS(a_dependency_uri_that_is_not_a_string,
    PROV(BD(", \"resolvedDependencies\": [{\"uri\": 1}]"), RDT("")),
    "resolvedDependencies[0].uri: not a string")
SLSA_REJECTS(a_dependency_name_that_is_not_a_string,
    PROV(BD(", \"resolvedDependencies\": [{\"uri\": \"https://d\", "
    "\"name\": []}]"), RDT("")), "resolvedDependencies[0].name: not a "
    "string")
SLSA_REJECTS(a_dependency_media_type_that_is_not_a_string,
    PROV(BD(", \"resolvedDependencies\": [{\"uri\": \"https://d\", "
    "\"mediaType\": 1}]"), RDT("")), "mediaType: not a string")
SLSA_REJECTS(a_dependency_download_location_that_is_not_a_string,
    PROV(BD(", \"resolvedDependencies\": [{\"uri\": \"https://d\", "
    "\"downloadLocation\": true}]"), RDT("")),
    "downloadLocation: not a string")
SLSA_REJECTS(annotations_that_are_not_an_object,
    PROV(BD(", \"resolvedDependencies\": [{\"uri\": \"https://d\", "
    "\"annotations\": 1}]"), RDT("")), "annotations: not an object")
SLSA_REJECTS(content_that_is_not_base64,
    PROV(BD(", \"resolvedDependencies\": [{\"content\": \"!!\"}]"), RDT("")),
    "content: not base64")
SLSA_REJECTS(a_digest_set_that_is_not_an_object,
    PROV(BD(", \"resolvedDependencies\": [{\"digest\": \"abc\"}]"), RDT("")),
    "digest: not an object")
SLSA_REJECTS(an_empty_digest_set,
    PROV(BD(", \"resolvedDependencies\": [{\"digest\": {}}]"), RDT("")),
    "an empty digest set")
SLSA_REJECTS(a_digest_that_is_not_a_string,
    PROV(BD(", \"resolvedDependencies\": [{\"digest\": {\"sha256\": 1}}]"),
    RDT("")), "digest.sha256: not a string")
SLSA_REJECTS(an_upper_case_digest,
    PROV(BD(", \"resolvedDependencies\": [{\"digest\": {\"sha256\": \""
    "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"
    "\"}}]"), RDT("")), "digest.sha256: not lower-case hex")
SLSA_REJECTS(a_digest_of_the_wrong_length,
    PROV(BD(", \"resolvedDependencies\": [{\"digest\": {\"sha256\": \""
    "abab\"}}]"), RDT("")), "of the algorithm's length")
SLSA_REJECTS(a_git_commit_of_39_digits,
    PROV(BD(", \"resolvedDependencies\": [{\"digest\": {\"gitCommit\": \""
    "7fd1a60b01f91b314f59955a4e4d4e80d8edf11\"}}]"), RDT("")),
    "digest.gitCommit")
SLSA_REJECTS(an_empty_digest_of_an_unknown_algorithm,
    PROV(BD(", \"resolvedDependencies\": [{\"digest\": {\"myAlg\": \"\"}}]"),
    RDT("")), "digest.myAlg: empty")
SLSA_REJECTS(a_missing_run_details, "{\"buildDefinition\": " BD("") "}",
    "runDetails: required")
SLSA_REJECTS(run_details_that_are_not_an_object, PROV(BD(""), "1"),
    "runDetails: not an object")
SLSA_REJECTS(a_missing_builder, PROV(BD(""), "{}"),
    "runDetails.builder: required")
SLSA_REJECTS(a_builder_that_is_not_an_object,
    PROV(BD(""), "{\"builder\": \"me\"}"),
    "runDetails.builder: not an object")
SLSA_REJECTS(a_missing_builder_id, PROV(BD(""), "{\"builder\": {}}"),
    "runDetails.builder.id: required")
SLSA_REJECTS(a_builder_id_that_is_not_a_uri,
    PROV(BD(""), "{\"builder\": {\"id\": \"my laptop\"}}"),
    "runDetails.builder.id: not a URI")
SLSA_REJECTS(a_builder_version_that_is_not_a_map_of_strings,
    PROV(BD(""), "{\"builder\": {\"id\": \"https://b\", \"version\": "
    "{\"gcc\": 12}}}"), "runDetails.builder.version")
SLSA_REJECTS(a_bad_builder_dependency,
    PROV(BD(""), "{\"builder\": {\"id\": \"https://b\", "
    "\"builderDependencies\": [{}]}}"), "builderDependencies[0]")
SLSA_REJECTS(metadata_that_is_not_an_object,
    PROV(BD(""), RDT(", \"metadata\": []")), "metadata: not an object")
SLSA_REJECTS(an_invocation_id_that_is_not_a_string,
    PROV(BD(""), RDT(", \"metadata\": {\"invocationId\": 5}")),
    "invocationId: not a string")
SLSA_REJECTS(a_start_time_that_is_not_rfc3339,
    PROV(BD(""), RDT(", \"metadata\": {\"startedOn\": \"2026-01-01 10:00\"}")),
    "startedOn: not an RFC 3339 time")
SLSA_REJECTS(a_finish_time_that_is_not_rfc3339,
    PROV(BD(""), RDT(", \"metadata\": {\"finishedOn\": \"yesterday\"}")),
    "finishedOn: not an RFC 3339 time")
SLSA_REJECTS(a_finish_before_the_start,
    PROV(BD(""), RDT(", \"metadata\": {\"startedOn\": "
    "\"2026-01-01T10:00:01Z\", \"finishedOn\": \"2026-01-01T10:00:00Z\"}")),
    "finishedOn: before startedOn")
SLSA_REJECTS(byproducts_that_are_not_an_array,
    PROV(BD(""), RDT(", \"byproducts\": {}")), "byproducts: not an array")
SLSA_REJECTS(a_bad_byproduct,
    PROV(BD(""), RDT(", \"byproducts\": [{\"name\": \"log\"}]")),
    "byproducts[0]")

/* The provenance signet writes ---------------------------------------- */

Test(attest, the_provenance_signet_writes_passes_its_own_rules)
{
	struct sgn_attest_run	 run;
	struct sgn_attest_dep	 deps[3], par;
	struct sgn_buf		 out;
	struct sgn_errbuf	 eb;
	const char		*cmd[] = { "python", "train.py", "--epochs=3" };
	const char		*h = "0123456789abcdef0123456789abcdef"
				     "0123456789abcdef0123456789abcdef";
	cJSON			*t, *bd, *rd, *md;

	memset(&run, 0, sizeof(run));
	memset(deps, 0, sizeof(deps));
	memset(&par, 0, sizeof(par));
	deps[0].name = "train-v3";
	deps[0].alg = "sha256";
	deps[0].hex = h;
	deps[1].uri = "https://huggingface.co/base";
	deps[1].alg = "sha256";
	deps[1].hex = h;
	deps[2].uri = "git+https://github.com/o/r";
	deps[2].alg = "gitCommit";
	deps[2].hex = "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d";
	par.name = "params.yaml";
	par.alg = "sha256";
	par.hex = h;
	run.builder_id = "https://github.com/o/r/.github/workflows/t.yml@main";
	run.invocation_id = "run-7";
	run.has_times = 1;
	run.started = sgn_time_from_sec(1780000000);
	run.finished = sgn_time_from_sec(1780000100);
	run.command = cmd;
	run.n_command = 3;
	run.parameters = &par;
	run.deps = deps;
	run.n_deps = 3;
	sgn_buf_init(&out, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_attest_provenance(&run, &out, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_eq(sgn_attest_slsa_check(out.ptr, out.len, &eb), SGN_OK);
	cr_assert_not_null(t = cJSON_ParseWithLength((const char *)out.ptr,
	    out.len));
	bd = cJSON_GetObjectItemCaseSensitive(t, "buildDefinition");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(bd, "buildType")->
	    valuestring, SGN_ATTEST_BUILD_TYPE);
	cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(bd, "externalParameters"),
	    "command"), 1)->valuestring, "train.py");
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(bd,
	    "resolvedDependencies")), 3);
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(bd, "resolvedDependencies"), 0),
	    "name")->valuestring, "train-v3");
	rd = cJSON_GetObjectItemCaseSensitive(t, "runDetails");
	md = cJSON_GetObjectItemCaseSensitive(rd, "metadata");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(md, "startedOn")->
	    valuestring, "2026-05-28T20:26:40Z");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(md, "finishedOn")->
	    valuestring, "2026-05-28T20:28:20Z");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(md,
	    "invocationId")->valuestring, "run-7");
	cJSON_Delete(t);
	sgn_buf_reset(&out);
}

Test(attest, the_provenance_refuses_a_builder_id_that_is_not_a_uri)
{
	struct sgn_attest_run	run;
	struct sgn_buf		out;
	struct sgn_errbuf	eb;

	memset(&run, 0, sizeof(run));
	run.builder_id = "laptop";
	sgn_buf_init(&out, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_attest_provenance(&run, &out, &eb), SGN_ERR_PARSE);
	cr_assert(strstr(eb.msg, "builder.id: not a URI") != NULL);
	cr_assert_eq(out.len, 0);
}

Test(attest, the_provenance_refuses_a_dependency_digest_that_is_not_hex)
{
	struct sgn_attest_run	run;
	struct sgn_attest_dep	d;
	struct sgn_buf		out;
	struct sgn_errbuf	eb;

	memset(&run, 0, sizeof(run));
	memset(&d, 0, sizeof(d));
	d.name = "x";
	d.alg = "sha256";
	d.hex = "zz";
	run.builder_id = "https://b";
	run.deps = &d;
	run.n_deps = 1;
	sgn_buf_init(&out, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_attest_provenance(&run, &out, &eb), SGN_ERR_PARSE);
	cr_assert(strstr(eb.msg, "resolvedDependencies[0].digest.sha256") !=
	    NULL, "%s", eb.msg);
	cr_assert_eq(out.len, 0);
}

/* The CI builder ------------------------------------------------------ */

static const char *const *env_table;

static const char *
tget(void *ctx, const char *name)
{
	size_t	i, n = strlen(name);

	(void)ctx;
	for (i = 0; env_table[i] != NULL; i++)
		if (strncmp(env_table[i], name, n) == 0 &&
		    env_table[i][n] == '=')
			return env_table[i] + n + 1;
	return NULL;
}

static void
builder(const char *const *env, sgn_err want, const char *bid,
    const char *iid)
{
	struct sgn_errbuf	 eb;
	char			*b = NULL, *i = NULL;

	env_table = env;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_attest_builder_from_env(tget, NULL, &b, &i, &eb),
	    want, "%s", eb.msg);
	if (bid == NULL)
		cr_assert_null(b);
	else
		cr_assert_str_eq(b, bid);
	if (iid == NULL)
		cr_assert_null(i);
	else
		cr_assert_str_eq(i, iid);
	free(b);
	free(i);
}

Test(attest, the_builder_of_github_actions_is_the_workflow_at_its_ref)
{
	const char *env[] = { "GITHUB_ACTIONS=true",
	    "GITHUB_SERVER_URL=https://github.com", "GITHUB_REPOSITORY=o/r",
	    "GITHUB_WORKFLOW_REF=o/r/.github/workflows/t.yml@refs/heads/main",
	    "GITHUB_RUN_ID=42", "GITHUB_RUN_ATTEMPT=2", NULL };

	builder(env, SGN_OK, "https://github.com/o/r/.github/workflows/t.yml"
	    "@refs/heads/main", "https://github.com/o/r/actions/runs/42/"
	    "attempts/2");
}

Test(attest, github_actions_without_its_workflow_ref_is_an_error)
{
	const char *env[] = { "GITHUB_ACTIONS=true",
	    "GITHUB_SERVER_URL=https://github.com", "GITHUB_REPOSITORY=o/r",
	    "GITHUB_RUN_ID=42", NULL };

	builder(env, SGN_ERR_INVALID_ARGUMENT, NULL, NULL);
}

Test(attest, the_builder_of_gitlab_buildkite_and_circleci_is_the_job_url)
{
	const char *gl[] = { "GITLAB_CI=true",
	    "CI_JOB_URL=https://gitlab.com/o/r/-/jobs/9", NULL };
	const char *bk[] = { "BUILDKITE=true",
	    "BUILDKITE_BUILD_URL=https://buildkite.com/o/p/builds/3",
	    "BUILDKITE_JOB_ID=j1", NULL };
	const char *cc[] = { "CIRCLECI=true",
	    "CIRCLE_BUILD_URL=https://circleci.com/gh/o/r/5", NULL };

	builder(gl, SGN_OK, "https://gitlab.com/o/r/-/jobs/9",
	    "https://gitlab.com/o/r/-/jobs/9");
	builder(bk, SGN_OK, "https://buildkite.com/o/p/builds/3",
	    "https://buildkite.com/o/p/builds/3#j1");
	builder(cc, SGN_OK, "https://circleci.com/gh/o/r/5",
	    "https://circleci.com/gh/o/r/5");
}

Test(attest, no_ci_system_gives_no_builder)
{
	/* "1" is not "true": a variable set by hand does not count */
	const char *env[] = { "GITHUB_ACTIONS=1", "CI=true", NULL };

	builder(env, SGN_OK, NULL, NULL);
}

/* Verifying ----------------------------------------------------------- */

struct vfix {
	struct sgn_signer		*signer;
	struct sgn_bundle		*b;
	struct sgn_policy		 pol;
	struct sgn_verify_result	 res;
	struct sgn_attest_result	 ar;
	struct sgn_errbuf		 eb;
	uint8_t				 digest[32];
};

static struct vfix V;

/* Signs the statement text with a fresh key (key method, offline). */
static void
sign_text(const char *stmt)
{
	struct sgn_buf	out;

	sgn_buf_init(&out, 0);
	sgn_errbuf_clear(&V.eb);
	if (V.signer == NULL)
		cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ECDSA_P256,
		    &V.signer, &V.eb), SGN_OK, "%s", V.eb.msg);
	cr_assert_eq(sgn_sign_intoto_plain(V.signer, NULL, 0,
	    (const uint8_t *)stmt, strlen(stmt), &out, &V.eb), SGN_OK, "%s",
	    V.eb.msg);
	sgn_bundle_free(&V.b);
	cr_assert_eq(sgn_bundle_parse(out.ptr, out.len, &V.b, &V.eb), SGN_OK);
	sgn_buf_reset(&out);
	V.pol = (struct sgn_policy)SGN_POLICY_INIT;
	V.pol.key = sgn_signer_pubkey(V.signer);
	V.pol.unlogged_ok = 1;
}

static sgn_err
verify(const char *want_type)
{
	sgn_attest_result_reset(&V.ar);
	sgn_verify_result_reset(&V.res);
	sgn_errbuf_clear(&V.eb);
	return sgn_attest_verify(NULL, V.b, &V.pol, V.digest, want_type,
	    &V.res, &V.ar, &V.eb);
}

static void
vsetup(void)
{
	memset(&V, 0, sizeof(V));
	V.pol = (struct sgn_policy)SGN_POLICY_INIT;
	V.res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	memset(V.digest, 0xab, 32);
}

static void
vteardown(void)
{
	sgn_attest_result_reset(&V.ar);
	sgn_verify_result_reset(&V.res);
	sgn_bundle_free(&V.b);
	sgn_signer_free(&V.signer);
}

TestSuite(attest_verify, .init = vsetup, .fini = vteardown);

static void
sign_statement(const char *type, const char *pred)
{
	struct sgn_buf		out;
	struct sgn_errbuf	eb;

	sgn_buf_init(&out, 0);
	cr_assert_eq(statement(type, pred, &out, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_buf_append(&out, "", 1, &eb), SGN_OK);
	sign_text((const char *)out.ptr);
	sgn_buf_reset(&out);
}

Test(attest_verify, returns_the_predicate_of_an_attestation_about_the_artifact)
{
	sign_statement("https://e.com/eval/v1", "{\"accuracy\": 0.5}");
	cr_assert_eq(verify("https://e.com/eval/v1"), SGN_OK, "%s", V.eb.msg);
	cr_assert_str_eq(V.ar.predicate_type, "https://e.com/eval/v1");
	cr_assert_str_eq(V.ar.predicate, "{\"accuracy\":0.5}");
	cr_assert_str_eq(V.ar.subject->name, "model");
	cr_assert_eq(V.res.verified, 1);
	/* no type asked: any type */
	cr_assert_eq(verify(NULL), SGN_OK);
}

Test(attest_verify, fails_for_another_artifact)
{
	sign_statement("https://e.com/t", "{}");
	V.digest[31] ^= 1;
	cr_assert_eq(verify(NULL), SGN_ERR_VERIFY);
	cr_assert_str_eq(V.res.check, "subject");
	cr_assert(strstr(V.eb.msg, "not about this artifact") != NULL);
	cr_assert_eq(V.res.verified, 0);
	cr_assert_null(V.ar.predicate);
}

Test(attest_verify, fails_for_another_predicate_type)
{
	sign_statement("https://e.com/t", "{}");
	cr_assert_eq(verify("https://e.com/u"), SGN_ERR_VERIFY);
	cr_assert_str_eq(V.res.check, "predicateType");
	cr_assert(strstr(V.eb.msg, "https://e.com/t, not https://e.com/u") !=
	    NULL, "%s", V.eb.msg);
	cr_assert_null(V.ar.predicate);
}

Test(attest_verify, fails_for_another_key)
{
	struct sgn_signer	*other = NULL;

	sign_statement("https://e.com/t", "{}");
	cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ECDSA_P256, &other, &V.eb),
	    SGN_OK);
	V.pol.key = sgn_signer_pubkey(other);
	cr_assert_eq(verify(NULL), SGN_ERR_VERIFY, "%s", V.eb.msg);
	cr_assert_null(V.ar.predicate);
	sgn_signer_free(&other);
}

Test(attest_verify, fails_when_the_signed_payload_was_changed)
{
	sign_statement("https://e.com/t", "{\"accuracy\": 0.5}");
	/* the payload in memory, as a tampered bundle would carry it */
	cr_assert_not_null(memchr(V.b->payload.ptr, '5', V.b->payload.len));
	*(uint8_t *)memchr(V.b->payload.ptr, '5', V.b->payload.len) = '9';
	cr_assert_eq(verify(NULL), SGN_ERR_VERIFY, "%s", V.eb.msg);
	cr_assert_null(V.ar.predicate);
}

Test(attest_verify, refuses_a_signed_slsa_provenance_that_breaks_the_rules)
{
	/* signed with a valid signature, but no builder: the predicate is
	 * checked after the signature, and still refused */
	char	stmt[600];

	snprintf(stmt, sizeof(stmt), "{\"_type\": \"%s\", \"subject\": "
	    "[{\"name\": \"m\", \"digest\": {\"sha256\": \"%s\"}}], "
	    "\"predicateType\": \"%s\", \"predicate\": {\"buildDefinition\": "
	    "{\"buildType\": \"https://b\", \"externalParameters\": {}}, "
	    "\"runDetails\": {}}}", SGN_ATTEST_STATEMENT_V1,
	    "abababababababababababababababababababababababababababababababab",
	    SGN_ATTEST_SLSA_V1);
	sign_text(stmt);
	cr_assert_eq(verify(SGN_ATTEST_SLSA_V1), SGN_ERR_PARSE, "%s",
	    V.eb.msg);
	cr_assert_str_eq(V.res.check, "predicate");
	cr_assert(strstr(V.eb.msg, "runDetails.builder: required") != NULL,
	    "%s", V.eb.msg);
}

Test(attest_verify, refuses_a_predicate_that_is_not_an_object)
{
	char	stmt[400];

	snprintf(stmt, sizeof(stmt), "{\"_type\": \"%s\", \"subject\": "
	    "[{\"name\": \"m\", \"digest\": {\"sha256\": \"%s\"}}], "
	    "\"predicateType\": \"https://e.com/t\", \"predicate\": [1]}",
	    SGN_ATTEST_STATEMENT_V1,
	    "abababababababababababababababababababababababababababababababab");
	sign_text(stmt);
	cr_assert_eq(verify(NULL), SGN_ERR_PARSE, "%s", V.eb.msg);
	cr_assert_str_eq(V.res.check, "predicate");
}

Test(attest_verify, refuses_a_message_signature_bundle)
{
	struct sgn_buf	out;
	char		p[256];

	V.signer = NULL;
	cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ECDSA_P256, &V.signer,
	    &V.eb), SGN_OK);
	snprintf(p, sizeof(p), "/tmp/attest_test_msg.%d", (int)getpid());
	cr_assert_eq(sgn_file_write_atomic(p, "abc", 3, 0644, &V.eb), SGN_OK);
	sgn_buf_init(&out, 0);
	cr_assert_eq(sgn_sign_file_key(V.signer, p, &out, &V.eb), SGN_OK,
	    "%s", V.eb.msg);
	(void)unlink(p);
	cr_assert_eq(sgn_bundle_parse(out.ptr, out.len, &V.b, &V.eb), SGN_OK);
	sgn_buf_reset(&out);
	V.pol.key = sgn_signer_pubkey(V.signer);
	V.pol.unlogged_ok = 1;
	cr_assert_eq(verify(NULL), SGN_ERR_VERIFY);
	cr_assert_str_eq(V.res.check, "attestation");
	cr_assert(strstr(V.eb.msg, "not an attestation") != NULL);
}
