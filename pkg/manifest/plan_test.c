/*
 * Unit tests for cluster hashing (cluster.c): plan, parts and merge give
 * the statement that one machine's sgn_manifest_build() gives; every way
 * a merge could be fooled (a missing, duplicated, overlapping or forged
 * partial, another plan, other parameters, a file changed between the
 * plan and the part) is refused with a message naming it.
 *
 * Edited documents are resealed here with their digest recomputed from
 * the JCS form (pkg/json) and OpenSSL's SHA-256, as an attacker who can
 * write a partial would: the checks must hold without the seal.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <openssl/sha.h>

#include "json.h"
#include "manifest.h"
#include "testutil.h"

static char	dir[PATH_MAX];

static void
csh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
csh(const char *fmt, ...)
{
	char	cmd[8192];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void
setup(void)
{
	(void)snprintf(dir, sizeof(dir), "/tmp/signet-plan-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	/* 7 files of different sizes, one empty, one in a subdirectory */
	csh("cd %s && mkdir -p m/sub && for i in 1 2 3 4 5; do "
	    "head -c $((i * 3001)) /dev/urandom > m/f$i; done && "
	    "head -c 100 /dev/urandom > m/sub/x && : > m/empty", dir);
}

static void
teardown(void)
{
	if (dir[0] != '\0')
		csh("rm -rf %s", dir);
}

TestSuite(plan, .init = setup, .fini = teardown);

static const char *
model(void)
{
	static char	p[PATH_MAX];

	(void)snprintf(p, sizeof(p), "%s/m", dir);
	return p;
}

static void
opts_init(struct sgn_manifest_opts *o, uint64_t shard)
{
	static char	sig[PATH_MAX];

	*o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	o->method = shard ? SGN_MANIFEST_SHARDS : SGN_MANIFEST_FILES;
	o->shard_size = shard;
	(void)snprintf(sig, sizeof(sig), "%s/m/model.sig", dir);
	o->signature_path = sig;
}

static struct sgn_manifest_plan *
make_plan(uint64_t shard, size_t parts)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest_plan	*p = NULL, *q = NULL;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 b;

	sgn_errbuf_clear(&eb);
	sgn_buf_init(&b, 0);
	opts_init(&o, shard);
	cr_assert_eq(sgn_manifest_plan_make(model(), &o, parts, &p, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_manifest_plan_parts(p), parts);
	/* what is written reads back, with the same digest */
	cr_assert_eq(sgn_manifest_plan_write(p, &b, &eb), SGN_OK);
	cr_assert_eq(sgn_manifest_plan_parse(b.ptr, b.len, &q, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(memcmp(sgn_manifest_plan_digest(p),
	    sgn_manifest_plan_digest(q), 32), 0);
	sgn_buf_reset(&b);
	sgn_manifest_plan_free(&p);
	return q;
}

static char *
part(const struct sgn_manifest_plan *p, size_t i)
{
	struct sgn_errbuf	eb;
	struct sgn_buf		b;

	sgn_errbuf_clear(&eb);
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_manifest_part_hash(model(), p, i, NULL, &b, &eb),
	    SGN_OK, "%s", eb.msg);
	return (char *)sgn_buf_take(&b, NULL);
}

static sgn_err
merge(const struct sgn_manifest_plan *p, char **parts, size_t n, size_t k,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	const uint8_t			*bufs[16];
	size_t				 lens[16], i;
	const char			*names[16] = { "p0", "p1", "p2", "p3",
	    "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11", "p12", "p13",
	    "p14", "p15" };
	struct sgn_manifest_merge_opts	 mo;

	for (i = 0; i < n; i++) {
		bufs[i] = (const uint8_t *)parts[i];
		lens[i] = strlen(parts[i]);
	}
	mo = (struct sgn_manifest_merge_opts)SGN_MANIFEST_MERGE_OPTS_INIT;
	mo.spot_check = k;
	mo.model_path = model();
	sgn_errbuf_clear(eb);
	sgn_buf_init(out, 0);
	return sgn_manifest_merge(p, bufs, lens, names, n, &mo, out, eb);
}

/* The statement of m, NUL-terminated. */
static char *
statement(const struct sgn_manifest *m)
{
	struct sgn_errbuf	eb;
	struct sgn_buf		b;

	sgn_errbuf_clear(&eb);
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_manifest_statement(m, &b, &eb), SGN_OK);
	return (char *)sgn_buf_take(&b, NULL);
}

/* Plan, parts, merge, load: the statement of one machine's build. */
static void
round_trip(uint64_t shard, size_t n_parts)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest_plan	*p;
	struct sgn_manifest		*one = NULL, *merged = NULL;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 out;
	char				*parts[16], *s1, *s2, *again;
	size_t				 i;

	p = make_plan(shard, n_parts);
	for (i = 0; i < n_parts; i++)
		parts[i] = part(p, i);
	/* a rerun of a part gives the same bytes */
	again = part(p, n_parts - 1);
	cr_assert_str_eq(again, parts[n_parts - 1]);
	free(again);
	cr_assert_eq(merge(p, parts, n_parts, 1000, &out, &eb), SGN_OK,
	    "%s", eb.msg);
	opts_init(&o, shard);
	cr_assert_eq(sgn_manifest_merged_load(out.ptr, out.len, model(),
	    o.signature_path, &merged, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_manifest_build(model(), &o, &one, &eb), SGN_OK);
	s1 = statement(one);
	s2 = statement(merged);
	cr_assert_str_eq(s2, s1);
	cr_assert_eq(memcmp(one->root, merged->root, 32), 0);
	free(s1);
	free(s2);
	sgn_manifest_free(&one);
	sgn_manifest_free(&merged);
	sgn_buf_reset(&out);
	for (i = 0; i < n_parts; i++)
		free(parts[i]);
	sgn_manifest_plan_free(&p);
}

Test(plan, parts_merged_give_the_statement_of_one_machine)
{
	round_trip(0, 3);
}

Test(plan, sharded_parts_merged_give_the_statement_of_one_machine)
{
	/* 4000-byte shards: files split across parts */
	round_trip(4000, 5);
}

Test(plan, more_parts_than_units_leaves_empty_parts_that_merge)
{
	round_trip(0, 12);
}

/*
 * An attacker's edit: parse doc, apply fn to the tree, reseal with a
 * correct digest.
 */
static char *
reseal(const char *doc, void (*fn)(cJSON *))
{
	struct sgn_errbuf	 eb;
	struct sgn_buf		 b, out;
	cJSON			*t;
	uint8_t			 d[32];
	char			 hex[65];

	sgn_errbuf_clear(&eb);
	sgn_buf_init(&b, 0);
	sgn_buf_init(&out, 0);
	cr_assert_not_null(t = cJSON_Parse(doc));
	cJSON_DeleteItemFromObjectCaseSensitive(t, "digest");
	fn(t);
	cr_assert_eq(sgn_jcs_tree(&b, t, &eb), SGN_OK);
	SHA256(b.ptr, b.len, d);
	sgn_hex_encode(d, 32, hex);
	cr_assert_eq(sgn_buf_appendf(&out, &eb, "{\"digest\":\"sha256:%s\",",
	    hex), SGN_OK);
	cr_assert_eq(sgn_buf_append(&out, b.ptr + 1, b.len - 1, &eb),
	    SGN_OK);
	cJSON_Delete(t);
	sgn_buf_reset(&b);
	return (char *)sgn_buf_take(&out, NULL);
}

static void
forge_first_digest(cJSON *t)
{
	cJSON	*a = cJSON_GetObjectItemCaseSensitive(t, "digests");

	cJSON_ReplaceItemInArray(a, 0, cJSON_CreateString(
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    ));
}

static void
change_hash(cJSON *t)
{
	cJSON	*pa = cJSON_GetObjectItemCaseSensitive(t, "params");

	cJSON_ReplaceItemInObjectCaseSensitive(pa, "hash",
	    cJSON_CreateString("blake2b"));
}

static void
drop_ignore(cJSON *t)
{
	cJSON	*pa = cJSON_GetObjectItemCaseSensitive(t, "params");

	cJSON_ReplaceItemInObjectCaseSensitive(pa, "ignorePaths",
	    cJSON_CreateArray());
}

static void
widen_range(cJSON *t)
{
	/* claim one more unit: overlaps the next part */
	cJSON			*e = cJSON_GetObjectItemCaseSensitive(t, "end");
	struct sgn_errbuf	 eb;
	int64_t			 v;
	char			 s[32];

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_json_parse_int64(e->valuestring, &v), SGN_OK);
	(void)snprintf(s, sizeof(s), "%lld", (long long)v + 1);
	cJSON_ReplaceItemInObjectCaseSensitive(t, "end",
	    cJSON_CreateString(s));
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(t, "digests"),
	    cJSON_CreateString("00000000000000000000000000000000000000000000"
	    "00000000000000000000"));
}

static void
add_member(cJSON *t)
{
	cJSON_AddStringToObject(t, "zzz", "extra");
}

/* Three partials of a 3-part plan, for the fault tests. */
struct fx {
	struct sgn_manifest_plan	*p;
	char				*parts[4];
};

static void
fx_make(struct fx *f)
{
	size_t	i;

	f->p = make_plan(0, 3);
	for (i = 0; i < 3; i++)
		f->parts[i] = part(f->p, i);
	f->parts[3] = NULL;
}

static void
fx_free(struct fx *f)
{
	size_t	i;

	for (i = 0; i < 4; i++)
		free(f->parts[i]);
	sgn_manifest_plan_free(&f->p);
}

static void
expect_refused(struct fx *f, char **parts, size_t n, size_t k, sgn_err code,
    const char *msg)
{
	struct sgn_errbuf	eb;
	struct sgn_buf		out;

	cr_assert_eq(merge(f->p, parts, n, k, &out, &eb), code,
	    "expected refusal with \"%s\", got: %s", msg, eb.msg);
	cr_assert(tu_has(eb.msg, msg), "\"%s\" lacks \"%s\"", eb.msg, msg);
	cr_assert_eq(out.len, 0);
	sgn_buf_reset(&out);
}

Test(plan, a_missing_partial_is_named)
{
	struct fx	f;
	char		*two[2];

	fx_make(&f);
	two[0] = f.parts[0];
	two[1] = f.parts[2];
	expect_refused(&f, two, 2, 0, SGN_ERR_VERIFY, "part 1 missing");
	fx_free(&f);
}

Test(plan, a_partial_given_twice_is_named)
{
	struct fx	f;
	char		*four[4];

	fx_make(&f);
	four[0] = f.parts[0];
	four[1] = f.parts[1];
	four[2] = f.parts[2];
	four[3] = f.parts[1];
	expect_refused(&f, four, 4, 0, SGN_ERR_VERIFY,
	    "p3: part 1 given twice (also by p1)");
	fx_free(&f);
}

Test(plan, a_partial_overlapping_the_next_part_is_refused)
{
	struct fx	f;
	char		*forged;

	fx_make(&f);
	forged = reseal(f.parts[0], widen_range);
	free(f.parts[0]);
	f.parts[0] = forged;
	expect_refused(&f, f.parts, 3, 0, SGN_ERR_VERIFY,
	    "p0: part 0 covers units 0 to");
	fx_free(&f);
}

Test(plan, a_partial_of_another_plan_is_named)
{
	struct fx			 f;
	struct sgn_manifest_plan	*other;

	fx_make(&f);
	/* the same tree and parameters, cut into 2 parts */
	other = make_plan(0, 2);
	free(f.parts[1]);
	f.parts[1] = part(other, 1);
	expect_refused(&f, f.parts, 3, 0, SGN_ERR_VERIFY,
	    "p1: made from another plan");
	sgn_manifest_plan_free(&other);
	fx_free(&f);
}

Test(plan, a_partial_with_another_hash_is_named)
{
	struct fx	f;
	char		*forged;

	fx_make(&f);
	forged = reseal(f.parts[2], change_hash);
	free(f.parts[2]);
	f.parts[2] = forged;
	expect_refused(&f, f.parts, 3, 0, SGN_ERR_VERIFY,
	    "p2: hashed with other parameters");
	fx_free(&f);
}

Test(plan, a_partial_with_other_ignored_paths_is_named)
{
	struct fx	f;
	char		*forged;

	fx_make(&f);
	forged = reseal(f.parts[0], drop_ignore);
	free(f.parts[0]);
	f.parts[0] = forged;
	expect_refused(&f, f.parts, 3, 0, SGN_ERR_VERIFY,
	    "p0: hashed with other parameters");
	fx_free(&f);
}

Test(plan, a_damaged_partial_is_refused_by_its_digest)
{
	struct fx	f;
	char		*c;

	fx_make(&f);
	/* flip one digest character without resealing */
	cr_assert_not_null(c = strstr(f.parts[1], "\"digests\":[\""));
	c += 13;
	*c = *c == '0' ? '1' : '0';
	expect_refused(&f, f.parts, 3, 0, SGN_ERR_VERIFY,
	    "p1: does not match its digest");
	fx_free(&f);
}

Test(plan, a_partial_with_an_unknown_member_is_refused)
{
	struct fx	f;
	char		*forged;

	fx_make(&f);
	forged = reseal(f.parts[0], add_member);
	free(f.parts[0]);
	f.parts[0] = forged;
	expect_refused(&f, f.parts, 3, 0, SGN_ERR_PARSE,
	    "unknown member \"zzz\"");
	fx_free(&f);
}

Test(plan, a_forged_digest_is_caught_by_spot_checking_every_unit)
{
	struct fx		f;
	struct sgn_errbuf	eb;
	struct sgn_buf		out;
	struct sgn_manifest	*m = NULL;
	char			*forged;

	fx_make(&f);
	forged = reseal(f.parts[0], forge_first_digest);
	free(f.parts[0]);
	f.parts[0] = forged;
	/* unit 0 is "empty": every unit checked catches it */
	expect_refused(&f, f.parts, 3, 1000, SGN_ERR_VERIFY,
	    "spot check: empty (unit 0, part 0, p0)");
	/* without spot checks the forgery passes into the manifest... */
	cr_assert_eq(merge(f.p, f.parts, 3, 0, &out, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_eq(sgn_manifest_merged_load(out.ptr, out.len, model(),
	    NULL, &m, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(m->entries[0].digest[0], 0);
	cr_assert_eq(m->entries[0].digest[31], 0);
	sgn_manifest_free(&m);
	sgn_buf_reset(&out);
	fx_free(&f);
}

Test(plan, a_file_grown_between_plan_and_part_is_named)
{
	struct sgn_manifest_plan	*p;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 b;
	size_t				 i;
	sgn_err				 r = SGN_OK;

	p = make_plan(0, 1);
	csh("echo more >> %s/m/f3", dir);
	sgn_errbuf_clear(&eb);
	sgn_buf_init(&b, 0);
	for (i = 0; i < 1; i++)
		r = sgn_manifest_part_hash(model(), p, i, NULL, &b, &eb);
	cr_assert_eq(r, SGN_ERR_IO);
	cr_assert(tu_has(eb.msg, "f3: changed since the plan (size 9008, "
	    "the plan has 9003)"), "%s", eb.msg);
	cr_assert_eq(b.len, 0);
	sgn_buf_reset(&b);
	sgn_manifest_plan_free(&p);
}

Test(plan, a_file_touched_between_plan_and_part_is_named)
{
	struct sgn_manifest_plan	*p;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 b;

	p = make_plan(4000, 1);
	/* same size and content, another modification time */
	csh("touch -d '2001-01-01 00:00:00' %s/m/f2", dir);
	sgn_errbuf_clear(&eb);
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_manifest_part_hash(model(), p, 0, NULL, &b, &eb),
	    SGN_ERR_IO);
	cr_assert(tu_has(eb.msg, "f2: changed since the plan (modified at "
	    "978307200000000000 ns"), "%s", eb.msg);
	sgn_buf_reset(&b);
	sgn_manifest_plan_free(&p);
}

Test(plan, a_file_removed_between_plan_and_part_is_named)
{
	struct sgn_manifest_plan	*p;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 b;

	p = make_plan(0, 1);
	csh("rm %s/m/sub/x", dir);
	sgn_errbuf_clear(&eb);
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_manifest_part_hash(model(), p, 0, NULL, &b, &eb),
	    SGN_ERR_IO);
	cr_assert(tu_has(eb.msg, "sub/x: in the plan, not found"), "%s",
	    eb.msg);
	sgn_buf_reset(&b);
	sgn_manifest_plan_free(&p);
}

Test(plan, a_part_outside_the_plan_is_refused)
{
	struct sgn_manifest_plan	*p;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 b;

	p = make_plan(0, 2);
	sgn_errbuf_clear(&eb);
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_manifest_part_hash(model(), p, 2, NULL, &b, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "part 2: the plan has 2 parts (0 to 1)"),
	    "%s", eb.msg);
	sgn_manifest_plan_free(&p);
}

static void
merged_of(struct fx *f, struct sgn_buf *out)
{
	struct sgn_errbuf	eb;

	fx_make(f);
	cr_assert_eq(merge(f->p, f->parts, 3, 0, out, &eb), SGN_OK, "%s",
	    eb.msg);
}

Test(plan, signing_from_a_merged_manifest_refuses_a_file_added_since)
{
	struct fx		 f;
	struct sgn_buf		 out;
	struct sgn_errbuf	 eb;
	struct sgn_manifest	*m = NULL;

	merged_of(&f, &out);
	csh("echo new > %s/m/g", dir);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_manifest_merged_load(out.ptr, out.len, model(),
	    NULL, &m, &eb), SGN_ERR_VERIFY);
	cr_assert(tu_has(eb.msg, "g: not in the plan (added since)"), "%s",
	    eb.msg);
	cr_assert_null(m);
	sgn_buf_reset(&out);
	fx_free(&f);
}

Test(plan, signing_from_a_merged_manifest_refuses_a_file_changed_since)
{
	struct fx		 f;
	struct sgn_buf		 out;
	struct sgn_errbuf	 eb;
	struct sgn_manifest	*m = NULL;

	merged_of(&f, &out);
	csh("touch -d '2001-01-01' %s/m/f1", dir);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_manifest_merged_load(out.ptr, out.len, model(),
	    NULL, &m, &eb), SGN_ERR_IO);
	cr_assert(tu_has(eb.msg, "f1: changed since the plan"), "%s",
	    eb.msg);
	sgn_buf_reset(&out);
	fx_free(&f);
}

Test(plan, signing_from_a_merged_manifest_refuses_another_signature_path)
{
	struct fx		 f;
	struct sgn_buf		 out;
	struct sgn_errbuf	 eb;
	struct sgn_manifest	*m = NULL;
	char			 sig[PATH_MAX];

	merged_of(&f, &out);
	/* the plan left model.sig out; a bundle at m/other.sig would be
	 * recorded too, and the statement would differ from the plan's */
	(void)snprintf(sig, sizeof(sig), "%s/m/other.sig", dir);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_manifest_merged_load(out.ptr, out.len, model(),
	    sig, &m, &eb), SGN_ERR_VERIFY);
	cr_assert(tu_has(eb.msg, "the ignored paths differ from the plan's"),
	    "%s", eb.msg);
	sgn_buf_reset(&out);
	fx_free(&f);
}

Test(plan, a_merged_manifest_with_a_root_not_of_its_digests_is_refused)
{
	struct fx		 f;
	struct sgn_buf		 out;
	struct sgn_errbuf	 eb;
	struct sgn_manifest	*m = NULL;
	char			*forged;

	merged_of(&f, &out);
	forged = reseal((const char *)out.ptr, forge_first_digest);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_manifest_merged_load((const uint8_t *)forged,
	    strlen(forged), model(), NULL, &m, &eb), SGN_ERR_VERIFY);
	cr_assert(tu_has(eb.msg, "its root is not the root of its digests"),
	    "%s", eb.msg);
	free(forged);
	sgn_buf_reset(&out);
	fx_free(&f);
}

/* Plan documents --------------------------------------------------------- */

static char *
plan_doc(void)
{
	struct sgn_manifest_plan	*p;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 b;

	p = make_plan(0, 2);
	sgn_errbuf_clear(&eb);
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_manifest_plan_write(p, &b, &eb), SGN_OK);
	sgn_manifest_plan_free(&p);
	return (char *)sgn_buf_take(&b, NULL);
}

static void
expect_plan_refused(const char *doc, sgn_err code, const char *msg)
{
	struct sgn_manifest_plan	*p = NULL;
	struct sgn_errbuf		 eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_manifest_plan_parse((const uint8_t *)doc,
	    strlen(doc), &p, &eb), code, "%s", eb.msg);
	cr_assert(tu_has(eb.msg, msg), "\"%s\" lacks \"%s\"", eb.msg, msg);
	cr_assert_null(p);
}

static void
swap_files(cJSON *t)
{
	cJSON	*a = cJSON_GetObjectItemCaseSensitive(t, "files");
	cJSON	*first = cJSON_DetachItemFromArray(a, 0);

	cJSON_AddItemToArray(a, first);
}

static void
shift_part(cJSON *t)
{
	cJSON	*a = cJSON_GetObjectItemCaseSensitive(t, "parts");
	cJSON	*p1 = cJSON_GetArrayItem(a, 1);

	cJSON_ReplaceItemInArray(p1, 0, cJSON_CreateString("1"));
}

static void
dotdot_file(cJSON *t)
{
	cJSON	*a = cJSON_GetObjectItemCaseSensitive(t, "files");

	cJSON_ReplaceItemInArray(cJSON_GetArrayItem(a, 0), 0,
	    cJSON_CreateString("../etc"));
}

Test(plan, an_edited_plan_is_refused_by_its_digest)
{
	char	*doc = plan_doc(), *c;

	cr_assert_not_null(c = strstr(doc, "\"f1\",\""));
	c[6] = c[6] == '1' ? '2' : '1';		/* the size */
	expect_plan_refused(doc, SGN_ERR_VERIFY, "does not match its digest");
	free(doc);
}

Test(plan, a_plan_with_files_out_of_order_is_refused)
{
	char	*doc = plan_doc(), *forged = reseal(doc, swap_files);

	expect_plan_refused(forged, SGN_ERR_PARSE, "out of order");
	free(forged);
	free(doc);
}

Test(plan, a_plan_whose_parts_do_not_tile_the_units_is_refused)
{
	char	*doc = plan_doc(), *forged = reseal(doc, shift_part);

	expect_plan_refused(forged, SGN_ERR_PARSE,
	    "do not follow the part before");
	free(forged);
	free(doc);
}

Test(plan, a_plan_with_a_path_leaving_the_tree_is_refused)
{
	char	*doc = plan_doc(), *forged = reseal(doc, dotdot_file);

	expect_plan_refused(forged, SGN_ERR_PARSE, "bad path");
	free(forged);
	free(doc);
}

Test(plan, a_plan_with_an_unknown_member_is_refused)
{
	char	*doc = plan_doc(), *forged = reseal(doc, add_member);

	expect_plan_refused(forged, SGN_ERR_PARSE, "unknown member");
	free(forged);
	free(doc);
}

Test(plan, parts_are_balanced_by_bytes)
{
	struct sgn_manifest_plan	*p;
	cJSON				*t, *a, *c;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 b;
	int64_t				 v, lo = INT64_MAX, hi = 0;

	/* 8 files of 1 MiB and 8 of 1 byte, in 4 parts */
	csh("cd %s/m && for i in 1 2 3 4 5 6 7 8; do head -c 1048576 "
	    "/dev/zero > big$i; echo > small$i; done", dir);
	p = make_plan(0, 4);
	sgn_errbuf_clear(&eb);
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_manifest_plan_write(p, &b, &eb), SGN_OK);
	cr_assert_not_null(t = cJSON_Parse((const char *)b.ptr));
	a = cJSON_GetObjectItemCaseSensitive(t, "parts");
	cJSON_ArrayForEach(c, a) {
		cr_assert_eq(sgn_json_parse_int64(cJSON_GetArrayItem(c, 2)->
		    valuestring, &v), SGN_OK);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	/* two big files a part */
	cr_assert(lo >= 2 * 1048576 && hi <= 2 * 1048576 + 100000,
	    "parts of %lld to %lld bytes", (long long)lo, (long long)hi);
	cJSON_Delete(t);
	sgn_buf_reset(&b);
	sgn_manifest_plan_free(&p);
}

static void
nothing(cJSON *t)
{
	(void)t;
}

Test(plan, a_plan_of_many_small_files_is_not_refused_by_the_value_cap)
{
	struct sgn_manifest_plan	*p = NULL;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 b;
	char				*doc;
	size_t				 i, n = 70000;

	/* 4 JSON values a file, ~10 bytes a value: past the cap of list
	 * documents (sgn_json_list_max_values), which once refused it */
	sgn_errbuf_clear(&eb);
	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_buf_appendf(&b, &eb, "{\"digest\":\"sha256:%064d\","
	    "\"files\":[", 0), SGN_OK);
	for (i = 0; i < n; i++)
		cr_assert_eq(sgn_buf_appendf(&b, &eb, "%s[\"f%06zu\",\"1\","
		    "\"1796693984855434211\"]", i > 0 ? "," : "", i), SGN_OK);
	cr_assert_eq(sgn_buf_appendf(&b, &eb, "],\"format\":\"signet-"
	    "manifest-plan/v1\",\"params\":{\"allowSymlinks\":false,"
	    "\"externalSymlinks\":false,\"hash\":\"sha256\",\"ignorePaths\":"
	    "[],\"method\":\"files\",\"shardSize\":\"0\"},\"parts\":[[\"0\","
	    "\"%zu\",\"%zu\"]],\"subject\":\"m\"}", n, n), SGN_OK);
	doc = reseal((const char *)b.ptr, nothing);
	cr_assert_eq(sgn_manifest_plan_parse((const uint8_t *)doc,
	    strlen(doc), &p, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_manifest_plan_units(p), n);
	sgn_manifest_plan_free(&p);
	sgn_buf_reset(&b);
	free(doc);
}

Test(plan, a_plan_whose_digest_member_is_not_first_is_refused)
{
	char	*doc = plan_doc(), *moved;
	size_t	 n = strlen(doc);

	/* {"digest":"sha256:<64>",REST} -> {REST,"digest":"sha256:<64>"} */
	cr_assert_not_null(moved = calloc(1, n + 1));
	moved[0] = '{';
	memcpy(moved + 1, doc + 84, n - 85);
	moved[n - 84] = ',';
	memcpy(moved + n - 83, doc + 1, 82);
	moved[n - 1] = '}';
	expect_plan_refused(moved, SGN_ERR_PARSE,
	    "the digest member is not first");
	free(moved);
	free(doc);
}

/* Merge options are a struct that grows (core.h): one never initialised
 * is the caller's error, named, and nothing is merged. */
Test(plan, merge_options_of_size_0_are_refused_naming_their_initialiser)
{
	struct sgn_manifest_merge_opts	 mo;
	struct fx			 f;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 out;
	const uint8_t			*bufs[4];
	size_t				 lens[4], i;
	const char			*names[4] = { "p0", "p1", "p2", "p3" };

	fx_make(&f);
	for (i = 0; i < 3; i++) {
		bufs[i] = (const uint8_t *)f.parts[i];
		lens[i] = strlen(f.parts[i]);
	}
	memset(&mo, 0, sizeof(mo));
	sgn_errbuf_clear(&eb);
	sgn_buf_init(&out, 0);
	cr_assert_eq(sgn_manifest_merge(f.p, bufs, lens, names, 3, &mo, &out,
	    &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert(strstr(eb.msg, "SGN_MANIFEST_MERGE_OPTS_INIT") != NULL,
	    "%s", eb.msg);
	cr_assert_eq(out.len, 0);
	/* initialised, the same partials merge */
	mo = (struct sgn_manifest_merge_opts)SGN_MANIFEST_MERGE_OPTS_INIT;
	cr_assert_eq(sgn_manifest_merge(f.p, bufs, lens, names, 3, &mo, &out,
	    &eb), SGN_OK, "%s", eb.msg);
	cr_assert_gt(out.len, 0);
	sgn_buf_reset(&out);
	fx_free(&f);
}
