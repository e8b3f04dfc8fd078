/*
 * Unit tests for pkg/manifest: model_signing's manifest and payload
 * goldens reproduced from their input models, the ordering rules, the
 * walk's refusals, strict statement parsing, comparison, and the state
 * file behind incremental re-signing.
 *
 * The fixture models are copied to a temporary directory first: git
 * cannot hold the symlink of symlink_model or the empty model directory,
 * so the copy makes them.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "manifest.h"
#include "testutil.h"

#define MS		"testdata/model-signing"
#define GOLD_FILE	MS "/payload-goldens/_serialization/testdata/file/" \
			"TestSerializer/"
#define GOLD_SHARD	MS "/payload-goldens/_serialization/testdata/" \
			"file_shard/TestSerializer/"
#define GOLD_PAYLOAD	MS "/payload-goldens/_signing/testdata/signing/" \
			"TestPayload/"

static char	tmp[PATH_MAX];

/* The test tool that makes many files (pkg/manifest/mkfiles_tool.c),
 * built beside this binary: $(BUILD)/test/../tools/mkfiles. */
static const char *
mkfiles(void)
{
	static char	path[PATH_MAX];
	char		*slash;
	ssize_t		 n;

	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	cr_assert_gt(n, 0, "/proc/self/exe: %s", strerror(errno));
	path[n] = '\0';
	cr_assert_not_null(slash = strrchr(path, '/'));
	(void)snprintf(slash, sizeof(path) - (size_t)(slash - path),
	    "/../tools/mkfiles");
	cr_assert_eq(access(path, X_OK), 0, "%s: %s (make builds it)", path,
	    strerror(errno));
	return path;
}

static void
put(const char *rel, const char *content)
{
	char	path[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	tu_write(path, content, strlen(content));
}

static void
setup(void)
{
	char	link[PATH_MAX];
	size_t	n;
	uint8_t	*target;

	tu_tmpdir("manifest", tmp, sizeof(tmp));
	tu_sh("cp -R " MS "/fixture_models %s/m && chmod -R u+w %s/m", tmp,
	    tmp);
	(void)snprintf(link, sizeof(link), "%s/m/symlink_model/symlink_file",
	    tmp);
	target = tu_read(link, &n);
	cr_assert_eq(unlink(link), 0);
	cr_assert_eq(symlink((const char *)target, link), 0);
	free(target);
	(void)snprintf(link, sizeof(link), "%s/m/empty_folder_model", tmp);
	cr_assert_eq(mkdir(link, 0755), 0);
}

static void
teardown(void)
{
	tu_rmtree(tmp);
}

TestSuite(manifest, .init = setup, .fini = teardown);

static char *
path_of(const char *rel)
{
	static char	p[PATH_MAX];

	(void)snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	return p;
}

static sgn_err
build(const char *rel, sgn_manifest_method method, uint64_t shard,
    unsigned flags, struct sgn_manifest **m, struct sgn_errbuf *eb)
{
	struct sgn_manifest_opts	o;

	o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	o.method = method;
	o.shard_size = shard;
	o.flags = flags;
	sgn_errbuf_clear(eb);
	return sgn_manifest_build(path_of(rel), &o, m, eb);
}

static struct sgn_manifest *
must_build(const char *rel, sgn_manifest_method method, uint64_t shard,
    unsigned flags)
{
	struct sgn_manifest	*m = NULL;
	struct sgn_errbuf	 eb;

	cr_assert_eq(build(rel, method, shard, flags, &m, &eb), SGN_OK,
	    "%s: %s", rel, eb.msg);
	return m;
}

/* The golden's text manifest: "<path>[:start:end]:<hex>" per line. */
static void
check_text(const struct sgn_manifest *m, const char *golden)
{
	struct sgn_buf	 b;
	char		 hex[2 * SGN_MAX_DIGEST + 1];
	uint8_t		*want;
	size_t		 n, i;

	memset(&b, 0, sizeof(b));
	want = tu_read(golden, &n);
	for (i = 0; i < m->n_entries; i++) {
		sgn_hex_encode(m->entries[i].digest, m->entries[i].digest_len,
		    hex);
		if (m->entries[i].shard)
			cr_assert_eq(sgn_buf_appendf(&b, NULL,
			    "%s:%llu:%llu:%s\n", m->entries[i].path,
			    (unsigned long long)m->entries[i].start,
			    (unsigned long long)m->entries[i].end, hex),
			    SGN_OK);
		else
			cr_assert_eq(sgn_buf_appendf(&b, NULL, "%s:%s\n",
			    m->entries[i].path, hex), SGN_OK);
	}
	/* the goldens have no final newline */
	if (b.len > 0)
		b.len--;
	while (n > 0 && want[n - 1] == '\n')
		n--;
	cr_assert_eq(b.len, n, "%s: got\n%.*s", golden, (int)b.len,
	    (char *)b.ptr);
	if (n > 0)
		cr_assert_arr_eq(b.ptr, want, n, "%s: got\n%.*s", golden,
		    (int)b.len, (char *)b.ptr);
	free(want);
	sgn_buf_reset(&b);
}

struct golden {
	const char	*name;		/* golden base name */
	const char	*model;		/* under m/ */
};

static const struct golden goldens[] = {
	{ "sample_model_file", "m/file_model" },
	{ "empty_model_file", "m/empty_file_model" },
	{ "sample_model_folder", "m/sample_model" },
	{ "empty_model_folder", "m/empty_folder_model" },
	{ "model_folder_with_empty_file", "m/empty_file_inside_model" },
	{ "deep_model_folder", "m/deep_model" },
	{ "symlink_model_folder", "m/symlink_model" },
};

#define N_GOLDENS	(sizeof(goldens) / sizeof(goldens[0]))
#define ALL_LINKS	(SGN_MANIFEST_ALLOW_SYMLINKS | \
			SGN_MANIFEST_EXTERNAL_LINKS | SGN_MANIFEST_KEEP_GIT)

Test(manifest, reproduces_every_text_manifest_golden)
{
	struct sgn_manifest	*m;
	char			 g[PATH_MAX];
	size_t			 i, checked = 0;

	for (i = 0; i < N_GOLDENS; i++) {
		m = must_build(goldens[i].model, SGN_MANIFEST_FILES, 0,
		    ALL_LINKS);
		(void)snprintf(g, sizeof(g), GOLD_FILE "%s", goldens[i].name);
		check_text(m, g);
		sgn_manifest_free(&m);
		checked++;

		m = must_build(goldens[i].model, SGN_MANIFEST_SHARDS, 0,
		    ALL_LINKS);
		(void)snprintf(g, sizeof(g), GOLD_SHARD "%s", goldens[i].name);
		check_text(m, g);
		sgn_manifest_free(&m);
		checked++;

		(void)snprintf(g, sizeof(g), GOLD_SHARD "%s_small_shards",
		    goldens[i].name);
		if (access(g, F_OK) != 0)
			continue;
		m = must_build(goldens[i].model, SGN_MANIFEST_SHARDS, 8,
		    ALL_LINKS);
		check_text(m, g);
		sgn_manifest_free(&m);
		checked++;
	}
	cr_assert_eq(checked, 21, "text goldens checked: %zu", checked);
}

static void
check_payload(const struct sgn_manifest *m, const char *golden)
{
	struct sgn_buf	 b;
	struct sgn_errbuf eb;
	uint8_t		*want;
	size_t		 n;
	cJSON		*x, *y;
	char		*s;

	memset(&b, 0, sizeof(b));
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_manifest_statement(m, &b, &eb), SGN_OK, "%s",
	    eb.msg);
	want = tu_read(golden, &n);
	cr_assert_not_null(x = cJSON_ParseWithLength((char *)b.ptr, b.len),
	    "%s: our statement is not JSON", golden);
	cr_assert_not_null(y = cJSON_ParseWithLength((char *)want, n));
	s = cJSON_Print(x);
	cr_assert(cJSON_Compare(x, y, 1), "%s differs; ours:\n%s", golden, s);
	free(s);
	cJSON_Delete(x);
	cJSON_Delete(y);
	free(want);
	sgn_buf_reset(&b);
}

Test(manifest, reproduces_every_payload_golden)
{
	struct sgn_manifest	*m;
	char			 g[PATH_MAX];
	size_t			 i, checked = 0;

	for (i = 0; i < N_GOLDENS; i++) {
		m = must_build(goldens[i].model, SGN_MANIFEST_FILES, 0,
		    ALL_LINKS);
		(void)snprintf(g, sizeof(g), GOLD_PAYLOAD "%s",
		    goldens[i].name);
		check_payload(m, g);
		sgn_manifest_free(&m);
		checked++;

		m = must_build(goldens[i].model, SGN_MANIFEST_SHARDS, 0,
		    ALL_LINKS);
		(void)snprintf(g, sizeof(g), GOLD_PAYLOAD "%s_shard",
		    goldens[i].name);
		check_payload(m, g);
		sgn_manifest_free(&m);
		checked++;

		m = must_build(goldens[i].model, SGN_MANIFEST_SHARDS, 8,
		    ALL_LINKS);
		(void)snprintf(g, sizeof(g), GOLD_PAYLOAD "%s_small_shards",
		    goldens[i].name);
		check_payload(m, g);
		sgn_manifest_free(&m);
		checked++;
	}
	cr_assert_eq(checked, 21);
}

Test(manifest, our_statements_parse_back_to_the_same_manifest)
{
	struct sgn_manifest	*m, *p = NULL;
	struct sgn_buf		 b;
	struct sgn_errbuf	 eb;
	size_t			 i;

	for (i = 0; i < N_GOLDENS; i++) {
		m = must_build(goldens[i].model, SGN_MANIFEST_SHARDS, 8,
		    ALL_LINKS);
		memset(&b, 0, sizeof(b));
		cr_assert_eq(sgn_manifest_statement(m, &b, &eb), SGN_OK);
		cr_assert_eq(sgn_manifest_parse_statement(b.ptr, b.len, &p,
		    &eb), SGN_OK, "%s: %s", goldens[i].name, eb.msg);
		cr_assert_eq(sgn_manifest_compare(p, m, NULL, NULL), 0);
		cr_assert_arr_eq(p->root, m->root, 32);
		cr_assert_eq(p->shard_size, 8);
		cr_assert_eq(p->allow_symlinks, 1);
		sgn_manifest_free(&p);
		sgn_manifest_free(&m);
		sgn_buf_reset(&b);
	}
}

Test(manifest, every_payload_golden_parses_with_a_consistent_root)
{
	static const char *const sfx[] = { "", "_shard", "_small_shards" };
	struct sgn_manifest	*p = NULL;
	struct sgn_errbuf	 eb;
	char			 g[PATH_MAX];
	uint8_t			*buf;
	size_t			 i, k, n;

	for (i = 0; i < N_GOLDENS; i++)
		for (k = 0; k < 3; k++) {
			(void)snprintf(g, sizeof(g), GOLD_PAYLOAD "%s%s",
			    goldens[i].name, sfx[k]);
			buf = tu_read(g, &n);
			sgn_errbuf_clear(&eb);
			cr_assert_eq(sgn_manifest_parse_statement(buf, n, &p,
			    &eb), SGN_OK, "%s: %s", g, eb.msg);
			sgn_manifest_free(&p);
			free(buf);
		}
}

/* Ordering ------------------------------------------------------------- */

Test(manifest, paths_order_by_component_then_shards_numerically)
{
	struct sgn_manifest	*m;

	cr_assert_lt(sgn_manifest_path_cmp("a/c", "a-b"), 0);
	cr_assert_lt(sgn_manifest_path_cmp("a", "a-b"), 0);
	cr_assert_lt(sgn_manifest_path_cmp("a", "a/b"), 0);
	cr_assert_lt(sgn_manifest_path_cmp("a/b", "a.b"), 0);
	cr_assert_lt(sgn_manifest_path_cmp("B", "a"), 0);
	cr_assert_lt(sgn_manifest_path_cmp("z", "\xc3\xa9"), 0);
	cr_assert_eq(sgn_manifest_path_cmp("x/y", "x/y"), 0);

	tu_sh("mkdir -p %s/o/a %s/o/a-b && printf 1 > %s/o/a-b/x && "
	    "printf 2 > %s/o/a/c && head -c 30 /dev/zero > %s/o/a.b", tmp,
	    tmp, tmp, tmp, tmp);
	m = must_build("o", SGN_MANIFEST_SHARDS, 8, 0);
	cr_assert_eq(m->n_entries, 6);
	cr_assert_str_eq(m->entries[0].path, "a/c");
	cr_assert_str_eq(m->entries[1].path, "a-b/x");
	cr_assert_str_eq(m->entries[2].path, "a.b");
	cr_assert_eq(m->entries[2].start, 0);
	cr_assert_eq(m->entries[3].start, 8);
	cr_assert_eq(m->entries[4].start, 16);
	cr_assert_eq(m->entries[5].start, 24);
	cr_assert_eq(m->entries[5].end, 30);
	sgn_manifest_free(&m);
}

/* The walk -------------------------------------------------------------- */

static void
must_fail(const char *rel, unsigned flags, const char *needle)
{
	struct sgn_manifest	*m = NULL;
	struct sgn_errbuf	 eb;
	sgn_err			 r;

	r = build(rel, SGN_MANIFEST_FILES, 0, flags, &m, &eb);
	cr_assert_neq(r, SGN_OK, "%s: built", rel);
	cr_assert_null(m);
	cr_assert(tu_has(eb.msg, needle), "%s: message \"%s\" lacks \"%s\"",
	    rel, eb.msg, needle);
}

Test(manifest, symlinks_are_refused_unless_allowed)
{
	must_fail("m/symlink_model", 0, "is a symlink (refused without "
	    "--allow-symlinks)");
	must_fail("m/symlink_model", SGN_MANIFEST_ALLOW_SYMLINKS,
	    "symlink points outside the model directory");
	/* each refusal names the flag that would allow it */
	must_fail("m/symlink_model", SGN_MANIFEST_ALLOW_SYMLINKS,
	    "refused without --allow-external-symlinks)");
}

Test(manifest, links_inside_the_tree_hash_their_targets_under_their_name)
{
	struct sgn_manifest	*m, *n;

	tu_sh("mkdir -p %s/l/d && printf hello > %s/l/d/t && "
	    "ln -s d/t %s/l/link", tmp, tmp, tmp);
	m = must_build("l", SGN_MANIFEST_FILES, 0,
	    SGN_MANIFEST_ALLOW_SYMLINKS);
	cr_assert_eq(m->n_entries, 2);
	cr_assert_str_eq(m->entries[0].path, "d/t");
	cr_assert_str_eq(m->entries[1].path, "link");
	cr_assert_arr_eq(m->entries[0].digest, m->entries[1].digest, 32);
	cr_assert_eq(m->allow_symlinks, 1);
	sgn_manifest_free(&m);
	/* a link to a directory is not followed: refused */
	tu_sh("rm %s/l/link && ln -s d %s/l/dl", tmp, tmp);
	must_fail("l", SGN_MANIFEST_ALLOW_SYMLINKS, "dl: symlink to a "
	    "directory");
	tu_sh("rm %s/l/dl", tmp);
	n = must_build("l", SGN_MANIFEST_FILES, 0, 0);
	cr_assert_eq(n->n_entries, 1);
	sgn_manifest_free(&n);
}

Test(manifest, symlink_loops_and_broken_links_are_refused)
{
	tu_sh("mkdir -p %s/s && ln -s b %s/s/a && ln -s a %s/s/b", tmp, tmp,
	    tmp);
	must_fail("s", SGN_MANIFEST_ALLOW_SYMLINKS, "symlink loop");
	tu_sh("rm -r %s/s && mkdir %s/s && ln -s nowhere %s/s/x", tmp, tmp,
	    tmp);
	must_fail("s", SGN_MANIFEST_ALLOW_SYMLINKS, "x: broken symlink");
	/* a directory loop through a link is never walked */
	tu_sh("rm -r %s/s && mkdir -p %s/s/d && ln -s .. %s/s/d/up", tmp, tmp,
	    tmp);
	must_fail("s", SGN_MANIFEST_ALLOW_SYMLINKS, "d/up: symlink to a "
	    "directory");
}

Test(manifest, fifos_and_sockets_are_refused)
{
	struct sockaddr_un	sa;
	int			fd;

	tu_sh("mkdir -p %s/f && mkfifo %s/f/pipe", tmp, tmp);
	must_fail("f", 0, "pipe: is a FIFO");
	tu_sh("rm %s/f/pipe", tmp);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	(void)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/f/sock", tmp);
	cr_assert_geq(fd = socket(AF_UNIX, SOCK_STREAM, 0), 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	must_fail("f", 0, "sock: is a socket");
	close(fd);
}

Test(manifest, odd_names_empty_files_and_empty_directories)
{
	struct sgn_manifest	*m, *p = NULL;
	struct sgn_buf		 b;
	struct sgn_errbuf	 eb;

	tu_sh("mkdir -p %s/n/empty/deeper %s/n/sub", tmp, tmp);
	put("n/a:b:c", "colons");
	put("n/with space", "space");
	put("n/caf\xc3\xa9", "utf8");
	put("n/new\nline", "newline");
	put("n/sub/zero", "");
	m = must_build("n", SGN_MANIFEST_FILES, 0, 0);
	cr_assert_eq(m->n_entries, 5);
	cr_assert_str_eq(m->entries[0].path, "a:b:c");
	cr_assert_str_eq(m->entries[1].path, "caf\xc3\xa9");
	cr_assert_str_eq(m->entries[2].path, "new\nline");
	cr_assert_str_eq(m->entries[3].path, "sub/zero");
	cr_assert_str_eq(m->entries[4].path, "with space");
	memset(&b, 0, sizeof(b));
	cr_assert_eq(sgn_manifest_statement(m, &b, &eb), SGN_OK);
	cr_assert(tu_has((char *)b.ptr, "\"new\\nline\""));
	cr_assert_eq(sgn_manifest_parse_statement(b.ptr, b.len, &p, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_manifest_compare(p, m, NULL, NULL), 0);
	sgn_manifest_free(&p);
	sgn_buf_reset(&b);
	sgn_manifest_free(&m);
	/* shards: colons in names survive, empty files give no shard */
	m = must_build("n", SGN_MANIFEST_SHARDS, 4, 0);
	memset(&b, 0, sizeof(b));
	cr_assert_eq(sgn_manifest_statement(m, &b, &eb), SGN_OK);
	cr_assert(tu_has((char *)b.ptr, "\"a:b:c:4:6\""));
	cr_assert(!tu_has((char *)b.ptr, "zero"));
	cr_assert_eq(sgn_manifest_parse_statement(b.ptr, b.len, &p, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_manifest_compare(p, m, NULL, NULL), 0);
	sgn_manifest_free(&p);
	sgn_buf_reset(&b);
	sgn_manifest_free(&m);
}

Test(manifest, names_that_are_not_utf8_are_refused)
{
	tu_sh("mkdir -p %s/u", tmp);
	put("u/bad\xff", "x");
	must_fail("u", 0, "not valid UTF-8");
}

Test(manifest, git_paths_signature_and_ignored_paths_are_left_out)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest		*m = NULL;
	struct sgn_errbuf		 eb;
	const char			*ig[] = { "skip", "d/also/" };
	char				 sig[PATH_MAX];

	tu_sh("mkdir -p %s/g/.git/objects %s/g/.github %s/g/d/also %s/g/d/x "
	    "%s/g/sub/.git", tmp, tmp, tmp, tmp, tmp);
	put("g/.git/objects/o", "1");
	put("g/.github/w", "1");
	put("g/.gitignore", "1");
	put("g/.gitattributes", "1");
	put("g/sub/.git/keep", "kept: not at the root");
	put("g/skip", "1");
	put("g/skipped-not", "1");
	put("g/d/also/f", "1");
	put("g/d/x/f", "1");
	put("g/model.sig", "{}");
	o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	o.ignore = ig;
	o.n_ignore = 2;
	(void)snprintf(sig, sizeof(sig), "%s/g/model.sig", tmp);
	o.signature_path = sig;
	cr_assert_eq(sgn_manifest_build(path_of("g"), &o, &m, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(m->n_entries, 3);
	cr_assert_str_eq(m->entries[0].path, "d/x/f");
	cr_assert_str_eq(m->entries[1].path, "skipped-not");
	cr_assert_str_eq(m->entries[2].path, "sub/.git/keep");
	cr_assert_eq(m->n_ignore, 7);
	cr_assert_str_eq(m->ignore_paths[0], "skip");
	cr_assert_str_eq(m->ignore_paths[1], "d/also");
	cr_assert_str_eq(m->ignore_paths[2], "model.sig");
	cr_assert_str_eq(m->ignore_paths[3], ".git");
	sgn_manifest_free(&m);
	/* --no-ignore-git-paths */
	o.flags = SGN_MANIFEST_KEEP_GIT;
	cr_assert_eq(sgn_manifest_build(path_of("g"), &o, &m, &eb), SGN_OK);
	cr_assert_eq(m->n_entries, 7);
	cr_assert_eq(m->n_ignore, 3);
	sgn_manifest_free(&m);
	/* ignored paths must stay inside the model */
	ig[0] = "../x";
	cr_assert_eq(sgn_manifest_build(path_of("g"), &o, &m, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
}

Test(manifest, a_signature_is_recorded_only_inside_the_model)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest		*m = NULL;
	struct sgn_errbuf		 eb;
	char				 sig[PATH_MAX];

	tu_sh("mkdir -p %s/sm/sub && printf x > %s/sm/sub/f && "
	    "printf '{}' > %s/sm/sub/m.sig", tmp, tmp, tmp);
	o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	o.flags = SGN_MANIFEST_KEEP_GIT;
	(void)snprintf(sig, sizeof(sig), "%s/sm/sub/m.sig", tmp);
	o.signature_path = sig;
	cr_assert_eq(sgn_manifest_build(path_of("sm"), &o, &m, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(m->n_entries, 1);
	cr_assert_eq(m->n_ignore, 1);
	cr_assert_str_eq(m->ignore_paths[0], "sub/m.sig");
	sgn_manifest_free(&m);
	/* a hard link to the signature under another name (tar keeps
	 * them) is an unsigned file like any other: hashed and listed,
	 * while the signature's own path stays left out */
	tu_sh("ln %s/sm/sub/m.sig %s/sm/copy.sig", tmp, tmp);
	cr_assert_eq(sgn_manifest_build(path_of("sm"), &o, &m, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(m->n_entries, 2);
	cr_assert_str_eq(m->entries[0].path, "copy.sig");
	cr_assert_str_eq(m->entries[1].path, "sub/f");
	cr_assert_eq(m->n_ignore, 1);
	cr_assert_str_eq(m->ignore_paths[0], "sub/m.sig");
	sgn_manifest_free(&m);
	/* ... and so is a symlink to it, when links are followed */
	tu_sh("rm %s/sm/copy.sig && ln -s sub/m.sig %s/sm/alias.sig", tmp, tmp);
	o.flags |= SGN_MANIFEST_ALLOW_SYMLINKS;
	cr_assert_eq(sgn_manifest_build(path_of("sm"), &o, &m, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(m->n_entries, 2);
	cr_assert_str_eq(m->entries[0].path, "alias.sig");
	cr_assert_str_eq(m->entries[1].path, "sub/f");
	sgn_manifest_free(&m);
	o.flags &= ~SGN_MANIFEST_ALLOW_SYMLINKS;
	tu_sh("rm %s/sm/alias.sig", tmp);
	/* outside the model: left out if it is there, never recorded */
	(void)snprintf(sig, sizeof(sig), "%s/elsewhere.sig", tmp);
	cr_assert_eq(sgn_manifest_build(path_of("sm"), &o, &m, &eb), SGN_OK);
	cr_assert_eq(m->n_entries, 2);
	cr_assert_eq(m->n_ignore, 0);
	sgn_manifest_free(&m);
}

Test(manifest, jobs_and_read_sizes_do_not_change_digests)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest		*a = NULL, *b = NULL;
	struct sgn_errbuf		 eb;
	unsigned			 jobs[] = { 1, 3, 16 };
	size_t				 i;

	tu_sh("mkdir -p %s/j && head -c 3000000 /dev/urandom > %s/j/big && "
	    "head -c 5 /dev/urandom > %s/j/small && : > %s/j/empty", tmp,
	    tmp, tmp, tmp);
	o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	o.jobs = 1;
	cr_assert_eq(sgn_manifest_build(path_of("j"), &o, &a, &eb), SGN_OK);
	for (i = 0; i < 3; i++) {
		o.jobs = jobs[i];
		o.read_size = i == 0 ? 4096 : i == 1 ? 65537 : 0;
		cr_assert_eq(sgn_manifest_build(path_of("j"), &o, &b, &eb),
		    SGN_OK);
		cr_assert_arr_eq(a->root, b->root, 32);
		cr_assert_eq(sgn_manifest_compare(a, b, NULL, NULL), 0);
		sgn_manifest_free(&b);
	}
	/* shards across many workers */
	o.method = SGN_MANIFEST_SHARDS;
	o.shard_size = 100000;
	o.jobs = 4;
	cr_assert_eq(sgn_manifest_build(path_of("j"), &o, &b, &eb), SGN_OK);
	cr_assert_eq(b->n_entries, 31);
	cr_assert_eq(b->total_bytes, 3000005);
	sgn_manifest_free(&b);
	sgn_manifest_free(&a);
}

Test(manifest, mapped_hashing_gives_the_same_digests)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest		*a = NULL, *b = NULL;
	struct sgn_errbuf		 eb;
	uint64_t			 shard[] = { 0, 3000001, 4096 * 1024 };
	size_t				 i;

	tu_sh("mkdir -p %s/mm && head -c 20000000 /dev/urandom > %s/mm/big && "
	    "head -c 4194304 /dev/urandom > %s/mm/exact && "
	    "printf small > %s/mm/small", tmp, tmp, tmp, tmp);
	for (i = 0; i < 3; i++) {
		o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
		o.method = shard[i] != 0 ? SGN_MANIFEST_SHARDS :
		    SGN_MANIFEST_FILES;
		o.shard_size = shard[i];
		o.jobs = 2;
		cr_assert_eq(sgn_manifest_build(path_of("mm"), &o, &a, &eb),
		    SGN_OK, "%s", eb.msg);
		o.flags = SGN_MANIFEST_MMAP;
		cr_assert_eq(sgn_manifest_build(path_of("mm"), &o, &b, &eb),
		    SGN_OK, "%s", eb.msg);
		cr_assert_eq(sgn_manifest_compare(a, b, NULL, NULL), 0,
		    "shard size %llu", (unsigned long long)shard[i]);
		cr_assert_arr_eq(a->root, b->root, 32);
		sgn_manifest_free(&a);
		sgn_manifest_free(&b);
	}
}

Test(manifest, blake2b_digests_are_64_bytes)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest		*m = NULL, *p = NULL;
	struct sgn_buf			 b;
	struct sgn_errbuf		 eb;
	char				 hex[129];

	o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	o.hash = SGN_MANIFEST_BLAKE2B;
	cr_assert_eq(sgn_manifest_build(path_of("m/file_model"), &o, &m, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(m->entries[0].digest_len, 64);
	sgn_hex_encode(m->entries[0].digest, 64, hex);
	/* python3 -c 'import hashlib; print(hashlib.blake2b(
	 *     b"This is a simple model").hexdigest())' */
	cr_assert_str_eq(hex, "20e68afc59075f50f66f399d2cc590f2a93f58349dd6"
	    "626c0f93bfa19d142b1741029b102cbc7ec0b36ad8dc771d66e904ca9a874c"
	    "76fcc242fee0bea557463f", "blake2b: %s", hex);
	memset(&b, 0, sizeof(b));
	cr_assert_eq(sgn_manifest_statement(m, &b, &eb), SGN_OK);
	cr_assert(tu_has((char *)b.ptr, "\"hash_type\": \"blake2b\""));
	cr_assert_eq(sgn_manifest_parse_statement(b.ptr, b.len, &p, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_manifest_compare(p, m, NULL, NULL), 0);
	sgn_manifest_free(&p);
	sgn_buf_reset(&b);
	sgn_manifest_free(&m);
}

Test(manifest, a_hundred_thousand_small_files)
{
	struct sgn_manifest	*m;

	tu_sh("'%s' '%s/many' 100000", mkfiles(), tmp);
	m = must_build("many", SGN_MANIFEST_FILES, 0, 0);
	cr_assert_eq(m->n_entries, 100000);
	cr_assert_str_eq(m->entries[0].path, "f00000");
	cr_assert_str_eq(m->entries[99999].path, "f99999");
	cr_assert_eq(m->total_bytes, 500000);
	sgn_manifest_free(&m);
}

/* What sgn_manifest_signature_cap() allows for one entry, by its rule. */
static size_t
cap_entry(size_t name_len)
{
	return (512 + 6 * name_len) / 3 * 4 + 4;
}

Test(manifest, a_signature_cap_grows_with_the_files_of_the_model)
{
	char	big[PATH_MAX];

	tu_sh("mkdir -p %s/cap/sub && printf 0123456789 > %s/cap/a && "
	    "head -c 5000 /dev/zero > %s/cap/sub/bb", tmp, tmp, tmp);
	/* a file: one entry; "sub/bb": 1 + 5000 / 4096 shards */
	cr_assert_eq(sgn_manifest_signature_cap(path_of("cap"), NULL),
	    SGN_MAX_BUNDLE_BYTES + cap_entry(1) + 2 * cap_entry(6));
	/* every name counts, whatever it is: the walk will judge it */
	tu_sh("mkfifo %s/cap/p && ln -s a %s/cap/l", tmp, tmp);
	cr_assert_eq(sgn_manifest_signature_cap(path_of("cap"), NULL),
	    SGN_MAX_BUNDLE_BYTES + 3 * cap_entry(1) + 2 * cap_entry(6));
	/* the signature gets room for an entry, not for its own size, under
	 * any name */
	(void)snprintf(big, sizeof(big), "%s/cap/sub/bb", tmp);
	cr_assert_eq(sgn_manifest_signature_cap(path_of("cap"), big),
	    SGN_MAX_BUNDLE_BYTES + 3 * cap_entry(1) + cap_entry(6));
	tu_sh("ln %s/cap/sub/bb %s/cap/bc", tmp, tmp);
	cr_assert_eq(sgn_manifest_signature_cap(path_of("cap"), big),
	    SGN_MAX_BUNDLE_BYTES + 3 * cap_entry(1) + cap_entry(6) +
	    cap_entry(2));
	tu_sh("rm %s/cap/bc", tmp);
	/* a single file, by the path given */
	cr_assert_eq(sgn_manifest_signature_cap(path_of("cap/a"), NULL),
	    SGN_MAX_BUNDLE_BYTES + cap_entry(strlen(path_of("cap/a"))));
	/* nothing there: what any bundle may take */
	cr_assert_eq(sgn_manifest_signature_cap(path_of("cap/none"),
	    NULL),
	    SGN_MAX_BUNDLE_BYTES);
	/* never more than the ceiling, however large the model */
	(void)snprintf(big, sizeof(big), "%s/cap/sub/huge", tmp);
	tu_sh("truncate -s 1T %s", big);
	cr_assert_eq(sgn_manifest_signature_cap(path_of("cap"), NULL),
	    SGN_MAX_MODEL_BUNDLE_BYTES);
}

Test(manifest, a_signature_cap_holds_the_worst_statement_of_its_model)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest		*m = NULL;
	struct sgn_errbuf		 eb;
	struct sgn_buf			 st;
	char				 name[251], path[PATH_MAX];
	char				*b64 = NULL;
	size_t				 cap;
	int				 fd;

	/* names escaped at 6 bytes a byte, blake2b, 4 KiB shards */
	memset(name, 0x1f, sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	tu_sh("mkdir -p %s/worst", tmp);
	(void)snprintf(path, sizeof(path), "%s/worst/%s", tmp, name);
	cr_assert_geq(fd = open(path, O_WRONLY | O_CREAT, 0644), 0);
	cr_assert_eq(ftruncate(fd, 3 * 4096 + 1), 0);
	cr_assert_eq(close(fd), 0);
	o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	o.method = SGN_MANIFEST_SHARDS;
	o.shard_size = 4096;
	o.hash = SGN_MANIFEST_BLAKE2B;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_manifest_build(path_of("worst"), &o, &m, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(m->n_entries, 4);
	sgn_buf_init(&st, 0);
	cr_assert_eq(sgn_manifest_statement(m, &st, &eb), SGN_OK);
	cr_assert_eq(sgn_b64_encode(st.ptr, st.len, &b64, &eb), SGN_OK);
	cap = sgn_manifest_signature_cap(path_of("worst"), NULL);
	/* the envelope's payload fits in what the entries were given */
	cr_assert_leq(strlen(b64), cap - SGN_MAX_BUNDLE_BYTES, "%zu > %zu",
	    strlen(b64), cap - SGN_MAX_BUNDLE_BYTES);
	free(b64);
	sgn_buf_reset(&st);
	sgn_manifest_free(&m);
}

/* Options with a size (core.h) ---------------------------------------- */

static void
count_progress(void *ctx, uint64_t bytes_done, uint64_t bytes_total,
    uint64_t files_done, uint64_t files_total)
{
	(void)bytes_done;
	(void)bytes_total;
	(void)files_done;
	(void)files_total;
	(*(int *)ctx)++;
}

Test(manifest, options_of_size_0_are_refused_naming_their_initialiser)
{
	struct sgn_manifest_opts	 o = SGN_MANIFEST_OPTS_INIT;
	struct sgn_manifest		*m = NULL;
	struct sgn_errbuf		 eb;

	put("s0", "x");
	o.size = 0;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_manifest_build(path_of("s0"), &o, &m, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "struct sgn_manifest_opts: size 0: "
	    "initialise it with SGN_MANIFEST_OPTS_INIT");
	cr_assert_null(m);
	/* no options at all are the defaults */
	cr_assert_eq(sgn_manifest_build(path_of("s0"), NULL, &m, NULL),
	    SGN_OK);
	cr_assert_eq(m->n_entries, 1);
	sgn_manifest_free(&m);
}

/* An older caller's options end before progress: whatever lies there is
 * not theirs, and is not called. */
Test(manifest, older_options_read_the_newer_members_as_defaults)
{
	struct sgn_manifest_opts	 o = SGN_MANIFEST_OPTS_INIT;
	struct sgn_manifest		*m = NULL;
	int				 calls = 0;

	put("s1", "x");
	o.progress = count_progress;
	o.progress_ctx = &calls;
	o.size = offsetof(struct sgn_manifest_opts, progress);
	cr_assert_eq(sgn_manifest_build(path_of("s1"), &o, &m, NULL),
	    SGN_OK);
	sgn_manifest_free(&m);
	cr_assert_eq(calls, 0, "a member past the size was read");
	o.size = sizeof(o);
	cr_assert_eq(sgn_manifest_build(path_of("s1"), &o, &m, NULL),
	    SGN_OK);
	sgn_manifest_free(&m);
	cr_assert_gt(calls, 0);
}
