/*
 * Unit tests for pkg/manifest: statements from every model_signing
 * version, each parsing rule broken once, comparison reports, and the
 * digest state behind incremental re-signing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "manifest.h"
#include "testutil.h"

#define D1 "f6310066c7320497ea554260c32c43660bff648cb2a61194832cc086077085e1"
#define D2 "32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028"
#define ROOT12 \
	"61d4849d9d90076d6215f4d525f13d6574af8e3f67aef3e6f36fc40a14fdd226"

/* A v1.0 statement with the given serialization and resources. */
static char *
stmt(const char *root, const char *ser, const char *resources)
{
	char	*s = NULL;

	cr_assert_geq(asprintf(&s, "{\"_type\":\"https://in-toto.io/"
	    "Statement/v1\",\"subject\":[{\"name\":\"m\",\"digest\":"
	    "{\"sha256\":\"%s\"}}],\"predicateType\":\"https://model_signing/"
	    "signature/v1.0\",\"predicate\":{\"serialization\":{%s},"
	    "\"resources\":[%s]}}", root, ser, resources), 0);
	return s;
}

static sgn_err
parse(const char *json, struct sgn_manifest **m, struct sgn_errbuf *eb)
{
	sgn_errbuf_clear(eb);
	*m = NULL;
	return sgn_manifest_parse_statement((const uint8_t *)json,
	    strlen(json), m, eb);
}

#define FILES	"\"method\":\"files\",\"hash_type\":\"sha256\"," \
		"\"allow_symlinks\":false"
#define RES(n, d) "{\"name\":\"" n "\",\"algorithm\":\"sha256\"," \
		"\"digest\":\"" d "\"}"

Test(statement, parses_a_minimal_v1_statement)
{
	struct sgn_manifest	*m;
	struct sgn_errbuf	 eb;
	char			*s;

	s = stmt(ROOT12, FILES, RES("signme-1", D1) "," RES("signme-2", D2));
	cr_assert_eq(parse(s, &m, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(m->n_entries, 2);
	cr_assert_eq(m->method, SGN_MANIFEST_FILES);
	cr_assert_eq(m->hash, SGN_MANIFEST_SHA256);
	cr_assert_str_eq(m->subject, "m");
	cr_assert_eq(m->legacy, 0);
	sgn_manifest_free(&m);
	free(s);
}

static void
rejects(const char *json, sgn_err want, const char *needle)
{
	struct sgn_manifest	*m;
	struct sgn_errbuf	 eb;
	sgn_err			 r;

	r = parse(json, &m, &eb);
	cr_assert_eq(r, want, "got %d (%s) for %s", r, eb.msg, json);
	cr_assert_null(m);
	cr_assert(tu_has(eb.msg, needle), "message \"%s\" lacks \"%s\"",
	    eb.msg, needle);
}

Test(statement, a_root_that_is_not_the_resources_root_is_inconsistent)
{
	char	*s;

	/* resources listed in another order give another root */
	s = stmt(ROOT12, FILES, RES("signme-2", D2) "," RES("signme-1", D1));
	rejects(s, SGN_ERR_VERIFY, "manifest is inconsistent");
	free(s);
	s = stmt(D1, FILES, RES("signme-1", D1) "," RES("signme-2", D2));
	rejects(s, SGN_ERR_VERIFY, "manifest is inconsistent");
	free(s);
}

Test(statement, names_must_stay_inside_the_model)
{
	static const char *const bad[] = {
		"../x", "/etc/passwd", "a//b", "a/./b", "a/../../b", "a/",
		"", "./a", "a/..",
	};
	char	res[512], *s;
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)snprintf(res, sizeof(res), "{\"name\":\"%s\","
		    "\"algorithm\":\"sha256\",\"digest\":\"%s\"}", bad[i],
		    D1);
		/* the root is checked after the names */
		s = stmt(D1, FILES, res);
		rejects(s, SGN_ERR_PARSE, bad[i][0] == '\0' ? "name" :
		    "not a relative path inside");
		free(s);
	}
}

Test(statement, resources_must_be_unique_and_well_formed)
{
	char	*s;

	s = stmt(ROOT12, FILES, RES("a", D1) "," RES("a", D2));
	rejects(s, SGN_ERR_PARSE, "listed twice");
	free(s);
	s = stmt(ROOT12, FILES, RES("a", D1) "," RES("a/b", D2));
	rejects(s, SGN_ERR_PARSE, "both a file and a directory");
	free(s);
	s = stmt(ROOT12, FILES, RES(".", D1) "," RES("b", D2));
	rejects(s, SGN_ERR_PARSE, "single-file model");
	free(s);
	s = stmt(ROOT12, FILES, RES("a", "f631") "," RES("b", D2));
	rejects(s, SGN_ERR_PARSE, "digest is not 64 hex digits");
	free(s);
	s = stmt(ROOT12, FILES, "{\"name\":\"a\",\"algorithm\":\"sha512\","
	    "\"digest\":\"" D1 "\"}");
	rejects(s, SGN_ERR_PARSE, "algorithm sha512, expected sha256");
	free(s);
	s = stmt(ROOT12, FILES, "{\"name\":\"a\",\"digest\":\"" D1 "\"}");
	rejects(s, SGN_ERR_PARSE, "algorithm");
	free(s);
	s = stmt(ROOT12, FILES, "\"a\"");
	rejects(s, SGN_ERR_PARSE, "not an object");
	free(s);
}

Test(statement, serialization_is_checked)
{
	char	*s;

	s = stmt(ROOT12, "\"method\":\"layers\",\"hash_type\":\"sha256\"", "");
	rejects(s, SGN_ERR_UNSUPPORTED, "method layers");
	free(s);
	s = stmt(ROOT12, "\"method\":\"files\",\"hash_type\":\"md5\"", "");
	rejects(s, SGN_ERR_UNSUPPORTED, "hash type md5");
	free(s);
	s = stmt(ROOT12, "\"method\":\"shards\",\"hash_type\":\"sha256\"", "");
	rejects(s, SGN_ERR_PARSE, "shard_size");
	free(s);
	s = stmt(ROOT12, "\"method\":\"shards\",\"hash_type\":\"sha256\","
	    "\"shard_size\":8.5", "");
	rejects(s, SGN_ERR_PARSE, "shard_size is not a positive integer");
	free(s);
	s = stmt(ROOT12, "\"method\":\"shards\",\"hash_type\":\"sha256\","
	    "\"shard_size\":0", "");
	rejects(s, SGN_ERR_PARSE, "shard_size is not a positive integer");
	free(s);
	s = stmt(ROOT12, "\"method\":\"files\",\"hash_type\":\"sha256\","
	    "\"ignore_paths\":[1]", "");
	rejects(s, SGN_ERR_PARSE, "ignore_paths");
	free(s);
	s = stmt(ROOT12, "\"method\":\"files\",\"hash_type\":\"sha256\","
	    "\"ignore_paths\":[\"../up\"]", "");
	rejects(s, SGN_ERR_PARSE, "ignore_paths entry ../up");
	free(s);
	s = stmt(ROOT12, "\"method\":\"files\",\"hash_type\":\"sha256\","
	    "\"ignore_paths\":[\"/etc\"]", "");
	rejects(s, SGN_ERR_PARSE, "ignore_paths entry /etc");
	free(s);
	s = stmt(ROOT12, "\"method\":\"files\",\"hash_type\":\"sha256\","
	    "\"allow_symlinks\":\"yes\"", "");
	rejects(s, SGN_ERR_PARSE, "allow_symlinks");
	free(s);
}

#define SH8(n, d) "{\"name\":\"" n "\",\"algorithm\":\"sha256-sharded-8\"," \
		"\"digest\":\"" d "\"}"

Test(statement, shard_names_and_sizes)
{
	struct sgn_manifest	*m;
	struct sgn_errbuf	 eb;
	char			*s;
	const char		*ser8 = "\"method\":\"shards\",\"hash_type\":"
				    "\"sha256\",\"shard_size\":8.0";

	/* the reference's float shard_size; both algorithm spellings;
	 * colons in the path */
	s = stmt(ROOT12, ser8, SH8("a:b:0:8", D1) ","
	    "{\"name\":\"a:b:8:12\",\"algorithm\":\"sha256\",\"digest\":\""
	    D2 "\"}");
	cr_assert_eq(parse(s, &m, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(m->shard_size, 8);
	cr_assert_str_eq(m->entries[0].path, "a:b");
	cr_assert_eq(m->entries[1].start, 8);
	cr_assert_eq(m->entries[1].end, 12);
	sgn_manifest_free(&m);
	free(s);
	s = stmt(ROOT12, ser8, SH8("a:0:9", D1) "," SH8("b:0:8", D2));
	rejects(s, SGN_ERR_PARSE, "not path:start:end");
	free(s);
	s = stmt(ROOT12, ser8, SH8("a:3:8", D1) "," SH8("b:0:8", D2));
	rejects(s, SGN_ERR_PARSE, "not path:start:end");
	free(s);
	s = stmt(ROOT12, ser8, SH8("a:8:8", D1) "," SH8("b:0:8", D2));
	rejects(s, SGN_ERR_PARSE, "not path:start:end");
	free(s);
	s = stmt(ROOT12, ser8, SH8("a", D1) "," SH8("b:0:8", D2));
	rejects(s, SGN_ERR_PARSE, "not path:start:end");
	free(s);
	s = stmt(ROOT12, ser8, SH8("a:00:8", D1) "," SH8("b:0:8", D2));
	rejects(s, SGN_ERR_PARSE, "not path:start:end");
	free(s);
	s = stmt(ROOT12, ser8, SH8(":0:8", D1) "," SH8("b:0:8", D2));
	rejects(s, SGN_ERR_PARSE, "");
	free(s);
	s = stmt(ROOT12, ser8, "{\"name\":\"a:0:8\",\"algorithm\":"
	    "\"sha256-sharded-9\",\"digest\":\"" D1 "\"}");
	rejects(s, SGN_ERR_PARSE, "algorithm sha256-sharded-9");
	free(s);
}

Test(statement, other_predicates_and_types_are_refused)
{
	struct sgn_errbuf	 eb;
	struct sgn_manifest	*m;
	char			*s, *p;

	s = stmt(ROOT12, FILES, RES("signme-1", D1) "," RES("signme-2", D2));
	p = strstr(s, "signature/v1.0");
	memcpy(p, "signature/v9.9", 14);
	rejects(s, SGN_ERR_UNSUPPORTED, "is not a model signature");
	memcpy(p, "signature/v1.0", 14);
	p = strstr(s, "Statement/v1");
	memcpy(p, "Statement/v2", 12);
	rejects(s, SGN_ERR_PARSE, "is not an in-toto statement");
	free(s);
	rejects("[]", SGN_ERR_PARSE, "not an object");
	rejects("{", SGN_ERR_PARSE, "");
	/* two subjects */
	cr_assert_eq(parse("{\"_type\":\"https://in-toto.io/Statement/v1\","
	    "\"subject\":[{\"digest\":{\"sha256\":\"" D1 "\"}},{\"digest\":"
	    "{\"sha256\":\"" D1 "\"}}],\"predicateType\":\"https://"
	    "model_signing/signature/v1.0\",\"predicate\":{}}", &m, &eb),
	    SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "2 subjects, expected one"), "%s", eb.msg);
}

Test(statement, the_oms_wrong_predicate_vector_is_refused)
{
	struct sgn_manifest	*m = NULL;
	struct sgn_errbuf	 eb;
	cJSON			*b;
	const cJSON		*env, *pl;
	uint8_t			*buf, *payload = NULL;
	size_t			 n, plen;

	buf = tu_read("testdata/model-signing/oms-spec/test-vectors/v1.0/"
	    "invalid-payload/wrong-predicate.bundle.json", &n);
	cr_assert_not_null(b = cJSON_ParseWithLength((char *)buf, n));
	env = cJSON_GetObjectItemCaseSensitive(b, "dsseEnvelope");
	pl = cJSON_GetObjectItemCaseSensitive(env, "payload");
	cr_assert(cJSON_IsString(pl));
	cr_assert_eq(sgn_b64_decode(pl->valuestring, strlen(pl->valuestring),
	    &payload, &plen, NULL), SGN_OK);
	sgn_errbuf_clear(&eb);
	cr_assert_neq(sgn_manifest_parse_statement(payload, plen, &m, &eb),
	    SGN_OK);
	cr_assert(tu_has(eb.msg, "predicate type"), "%s", eb.msg);
	free(payload);
	cJSON_Delete(b);
	free(buf);
}

Test(statement, v02_digests_statements_are_read)
{
	struct sgn_manifest	*m;
	struct sgn_errbuf	 eb;

	cr_assert_eq(parse("{\"_type\":\"https://in-toto.io/Statement/v1\","
	    "\"subject\":[{\"name\":\"signme-1\",\"digest\":{\"sha256\":\""
	    D1 "\"},\"annotations\":{\"actual_hash_algorithm\":"
	    "\"file-sha256\"}},{\"name\":\"signme-2\",\"digest\":{\"sha256\":"
	    "\"" D2 "\"},\"annotations\":{\"actual_hash_algorithm\":"
	    "\"file-sha256\"}}],\"predicateType\":\"https://model_signing/"
	    "Digests/v0.1\",\"predicate\":{\"unused\":\"Unused, just passed "
	    "due to API requirements\"}}", &m, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(m->legacy, 1);
	cr_assert_eq(m->n_entries, 2);
	cr_assert_str_eq(m->entries[1].path, "signme-2");
	sgn_manifest_free(&m);
	rejects("{\"_type\":\"https://in-toto.io/Statement/v1\","
	    "\"subject\":[{\"name\":\"x\",\"digest\":{\"sha256\":\"" D1
	    "\"},\"annotations\":{\"actual_hash_algorithm\":\"shard-sha256\""
	    "}}],\"predicateType\":\"https://model_signing/Digests/v0.1\","
	    "\"predicate\":{}}", SGN_ERR_UNSUPPORTED, "shard-sha256");
}

/* Comparison -------------------------------------------------------------- */

struct diffs {
	char	text[1024];
};

static void
on_diff(void *ctx, sgn_manifest_diff_kind kind,
    const struct sgn_manifest_entry *e)
{
	struct diffs	*d = ctx;
	size_t		 n = strlen(d->text);

	(void)snprintf(d->text + n, sizeof(d->text) - n, "%s %s;",
	    kind == SGN_MANIFEST_MISSING ? "missing" :
	    kind == SGN_MANIFEST_EXTRA ? "extra" : "changed", e->path);
}

Test(statement, compare_names_missing_extra_and_changed_files)
{
	struct sgn_manifest	*a, *b;
	struct sgn_errbuf	 eb;
	struct diffs		 d;
	char			*s;

	s = stmt(ROOT12, FILES, RES("signme-1", D1) "," RES("signme-2", D2));
	cr_assert_eq(parse(s, &a, &eb), SGN_OK);
	free(s);
	memset(&d, 0, sizeof(d));
	b = calloc(1, sizeof(*b));
	cr_assert_not_null(b);
	b->n_entries = 2;
	b->entries = calloc(2, sizeof(*b->entries));
	b->entries[0].path = strdup("z");
	b->entries[1].path = strdup("signme-1");
	memcpy(b->entries[0].digest, a->entries[1].digest, 32);
	memcpy(b->entries[1].digest, a->entries[1].digest, 32);
	b->entries[0].digest_len = b->entries[1].digest_len = 32;
	cr_assert_eq(sgn_manifest_compare(a, b, on_diff, &d), 3);
	cr_assert_str_eq(d.text, "changed signme-1;missing signme-2;extra z;");
	cr_assert_eq(sgn_manifest_compare(a, a, on_diff, &d), 0);
	sgn_manifest_free(&a);
	sgn_manifest_free(&b);
}

/* State ------------------------------------------------------------------- */

static char	dir[] = "/tmp/signet-state-XXXXXX";

static void
mk(const char *rel, const char *content)
{
	char	p[512];
	FILE	*f;

	(void)snprintf(p, sizeof(p), "%s/%s", dir, rel);
	cr_assert_not_null(f = fopen(p, "wb"));
	fputs(content, f);
	cr_assert_eq(fclose(f), 0);
}

Test(statement, state_round_trips_and_reuse_skips_unchanged_files)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest		*m = NULL, *st = NULL, *m2 = NULL;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 b;
	char				 cmd[600];
	size_t				 i;

	cr_assert_not_null(mkdtemp(dir));
	mk("a", "first file");
	mk("b", "second file, longer than one shard");
	mk("c", "");
	o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	o.method = SGN_MANIFEST_SHARDS;
	o.shard_size = 10;
	cr_assert_eq(sgn_manifest_build(dir, &o, &m, &eb), SGN_OK, "%s",
	    eb.msg);
	memset(&b, 0, sizeof(b));
	cr_assert_eq(sgn_manifest_state_write(m, &b, &eb), SGN_OK);
	cr_assert_eq(sgn_manifest_state_read(b.ptr, b.len, &st, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(st->n_entries, m->n_entries);
	cr_assert_arr_eq(st->root, m->root, 32);
	for (i = 0; i < m->n_entries; i++) {
		cr_assert_eq(st->entries[i].ino, m->entries[i].ino);
		cr_assert_eq(st->entries[i].mtime_ns, m->entries[i].mtime_ns);
	}
	/* corrupt states are refused */
	b.ptr[b.len - 3] ^= 1;
	cr_assert_eq(sgn_manifest_state_read(b.ptr, b.len, &m2, &eb),
	    SGN_ERR_PARSE);
	cr_assert_eq(sgn_manifest_state_read(b.ptr, 10, &m2, &eb),
	    SGN_ERR_PARSE);
	sgn_buf_reset(&b);

	/* nothing changed: everything reused */
	o.reuse = st;
	cr_assert_eq(sgn_manifest_build(dir, &o, &m2, &eb), SGN_OK);
	cr_assert_eq(m2->reused_bytes, m2->total_bytes);
	cr_assert_arr_eq(m2->root, m->root, 32);
	sgn_manifest_free(&m2);
	/* one file rewritten (same size): only it is hashed again */
	(void)snprintf(cmd, sizeof(cmd), "sleep 0.01; printf 'FIRST file' > "
	    "%s/a", dir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(sgn_manifest_build(dir, &o, &m2, &eb), SGN_OK);
	cr_assert_eq(m2->reused_bytes, strlen("second file, longer than one "
	    "shard"));
	cr_assert_eq(sgn_manifest_compare(m, m2, NULL, NULL), 1);
	sgn_manifest_free(&m2);
	/* another shard size: nothing reused */
	o.shard_size = 11;
	cr_assert_eq(sgn_manifest_build(dir, &o, &m2, &eb), SGN_OK);
	cr_assert_eq(m2->reused_bytes, 0);
	sgn_manifest_free(&m2);
	sgn_manifest_free(&st);
	sgn_manifest_free(&m);
	tu_rmtree(dir);
}
