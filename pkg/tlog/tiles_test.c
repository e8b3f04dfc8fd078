/*
 * Unit tests for the auditor's parts of pkg/tlog: tile paths, entry
 * bundles, hashes and proofs recomputed from hash tiles, the consistency
 * of two stored checkpoints, and the state file.
 *
 * The reference tree is built here with plain OpenSSL calls, level by
 * level (levels[h][i] = H(0x01 || levels[h-1][2i] || levels[h-1][2i+1])),
 * and its roots by the RFC 6962 recursion over it; the tiles the reader
 * fetches are cut from those levels.  Every proof the reader builds must
 * verify with sgn_tlog_verify_*() against the reference roots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <openssl/evp.h>

#include "core.h"
#include "tlog.h"

#define CP(p)		((const uint8_t (*)[32])(p))
#define BIG		70001	/* tile levels 0 to 2 */
#define MAXLEVEL	20

static uint8_t	(*levels[MAXLEVEL])[32];
static uint64_t	 nlevel[MAXLEVEL];

static void
sha(uint8_t prefix, const void *a, size_t alen, const void *b, size_t blen,
    uint8_t out[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int n = 0;

	cr_assert(c != NULL);
	cr_assert_eq(EVP_DigestInit_ex(c, EVP_sha256(), NULL), 1);
	cr_assert_eq(EVP_DigestUpdate(c, &prefix, 1), 1);
	cr_assert_eq(EVP_DigestUpdate(c, a, alen), 1);
	if (blen > 0)
		cr_assert_eq(EVP_DigestUpdate(c, b, blen), 1);
	cr_assert_eq(EVP_DigestFinal_ex(c, out, &n), 1);
	EVP_MD_CTX_free(c);
}

static void
build_tree(void)
{
	uint64_t i;
	unsigned h;
	char buf[32];
	int n;

	levels[0] = calloc(BIG, 32);
	cr_assert(levels[0] != NULL);
	for (i = 0; i < BIG; i++) {
		n = snprintf(buf, sizeof(buf), "entry %llu",
		    (unsigned long long)i);
		sha(0x00, buf, (size_t)n, NULL, 0, levels[0][i]);
	}
	nlevel[0] = BIG;
	for (h = 1; h < MAXLEVEL && nlevel[h - 1] > 1; h++) {
		nlevel[h] = nlevel[h - 1] / 2;
		levels[h] = calloc(nlevel[h] + 1, 32);
		cr_assert(levels[h] != NULL);
		for (i = 0; i < nlevel[h]; i++)
			sha(0x01, levels[h - 1][2 * i], 32,
			    levels[h - 1][2 * i + 1], 32, levels[h][i]);
	}
}

static void
free_tree(void)
{
	unsigned h;

	for (h = 0; h < MAXLEVEL; h++) {
		free(levels[h]);
		levels[h] = NULL;
		nlevel[h] = 0;
	}
}

static uint64_t
split_at(uint64_t n)
{
	uint64_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

/* MTH(D[lo:lo+n]) by the RFC 6962 recursion over the reference levels. */
static void
ref_mth(uint64_t lo, uint64_t n, uint8_t out[32])
{
	uint8_t l[32], r[32];
	uint64_t k;
	unsigned h = 0;

	if ((n & (n - 1)) == 0 && lo % n == 0) {
		while (((uint64_t)1 << h) < n)
			h++;
		memcpy(out, levels[h][lo >> h], 32);
		return;
	}
	k = split_at(n);
	ref_mth(lo, k, l);
	ref_mth(lo + k, n - k, r);
	sha(0x01, l, 32, r, 32, out);
}

/* The tile server: cuts tiles from the reference levels. */
struct server {
	uint64_t	size;		/* the tree the reader asks about */
	int		flip_level;	/* a tile that lies, or -1 */
	uint64_t	flip_index;
	int		short_tile;	/* answer one hash short */
	size_t		requests;
	int		bad_width;	/* a width the tree does not have */
	int		beyond;		/* a tile beyond the tree */
};

static sgn_err
serve(void *ctx, int level, uint64_t index, unsigned width, uint8_t **out,
    size_t *len, struct sgn_errbuf *eb)
{
	struct server *s = ctx;
	unsigned h = (unsigned)level * SGN_TILE_HEIGHT;
	uint64_t nodes = s->size >> h, start = index * SGN_TILE_WIDTH, want;
	size_t n;

	s->requests++;
	if (start >= nodes) {
		s->beyond = 1;
		return sgn_errf(eb, SGN_ERR_HTTP_STATUS, "404");
	}
	want = nodes - start >= SGN_TILE_WIDTH ? SGN_TILE_WIDTH :
	    nodes - start;
	if (width != want)
		s->bad_width = 1;
	n = width - (s->short_tile ? 1 : 0);
	*out = malloc(n * 32);
	cr_assert(*out != NULL);
	memcpy(*out, levels[h][start], n * 32);
	if (level == s->flip_level && index == s->flip_index)
		(*out)[5] ^= 0x20;
	*len = n * 32;
	return SGN_OK;
}

static struct sgn_tile_reader *
reader(struct server *s, uint64_t size)
{
	struct sgn_tile_reader *r = NULL;
	struct sgn_errbuf eb;

	memset(s, 0, sizeof(*s));
	s->size = size;
	s->flip_level = -1;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tile_reader_new(size, serve, s, &r, &eb), SGN_OK);
	return r;
}

TestSuite(tiles, .init = build_tree, .fini = free_tree);

Test(tiles, paths_follow_c2sp_tlog_tiles)
{
	char p[128];
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tile_path(0, 0, 256, p, sizeof(p), &eb), SGN_OK);
	cr_assert_str_eq(p, "tile/0/000");
	cr_assert_eq(sgn_tile_path(1, 1234067, 256, p, sizeof(p), &eb),
	    SGN_OK);
	cr_assert_str_eq(p, "tile/1/x001/x234/067");
	cr_assert_eq(sgn_tile_path(-1, 5, 17, p, sizeof(p), &eb), SGN_OK);
	cr_assert_str_eq(p, "tile/entries/005.p/17");
	cr_assert_eq(sgn_tile_path(2, 1000, 255, p, sizeof(p), &eb), SGN_OK);
	cr_assert_str_eq(p, "tile/2/x001/000.p/255");
	cr_assert_eq(sgn_tile_path(0, 999, 1, p, sizeof(p), &eb), SGN_OK);
	cr_assert_str_eq(p, "tile/0/999.p/1");
	cr_assert_eq(sgn_tile_path(0, 0, 0, p, sizeof(p), &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tile_path(0, 0, 257, p, sizeof(p), &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tile_path(0, 1234067, 256, p, 10, &eb),
	    SGN_ERR_LIMIT);
}

Test(tiles, roots_from_tiles_match_the_tree_for_sizes_1_to_300)
{
	struct sgn_tile_reader *r;
	struct server s;
	struct sgn_errbuf eb;
	uint8_t got[32], want[32];
	uint64_t n;

	for (n = 1; n <= 300; n++) {
		r = reader(&s, n);
		ref_mth(0, n, want);
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_tile_root(r, n, got, &eb), SGN_OK, "%s",
		    eb.msg);
		cr_assert_eq(memcmp(got, want, 32), 0, "size %llu",
		    (unsigned long long)n);
		cr_assert(!s.bad_width && !s.beyond, "size %llu",
		    (unsigned long long)n);
		sgn_tile_reader_free(&r);
		cr_assert_null(r);
	}
}

Test(tiles, every_proof_for_sizes_1_to_300_verifies)
{
	struct sgn_tile_reader *r;
	struct server s;
	struct sgn_errbuf eb;
	uint8_t proof[SGN_TLOG_MAX_PROOF][32], r1[32], r2[32];
	uint64_t n, m;
	size_t k;

	for (n = 1; n <= 300; n++) {
		r = reader(&s, n);
		ref_mth(0, n, r2);
		for (m = 0; m < n; m++) {
			sgn_errbuf_clear(&eb);
			cr_assert_eq(sgn_tile_inclusion_proof(r, m, proof, &k,
			    &eb), SGN_OK, "%s", eb.msg);
			cr_assert_eq(sgn_tlog_verify_inclusion(m, n,
			    levels[0][m], CP(proof), k, r2, &eb), SGN_OK,
			    "leaf %llu of %llu: %s", (unsigned long long)m,
			    (unsigned long long)n, eb.msg);
		}
		for (m = 1; m <= n; m++) {
			ref_mth(0, m, r1);
			sgn_errbuf_clear(&eb);
			cr_assert_eq(sgn_tile_consistency_proof(r, m, proof,
			    &k, &eb), SGN_OK, "%s", eb.msg);
			cr_assert_eq(sgn_tlog_verify_consistency(m, n,
			    CP(proof), k, r1, r2, &eb), SGN_OK,
			    "%llu -> %llu: %s", (unsigned long long)m,
			    (unsigned long long)n, eb.msg);
		}
		cr_assert(!s.bad_width && !s.beyond);
		sgn_tile_reader_free(&r);
	}
}

Test(tiles, a_big_tree_uses_three_levels_and_right_edge_partial_tiles)
{
	static const uint64_t sizes[] = { 65536, 65537, 70000, BIG };
	static const uint64_t olds[] = { 1, 255, 256, 1000, 65535, 65536 };
	struct sgn_tile_reader *r;
	struct server s;
	struct sgn_errbuf eb;
	uint8_t proof[SGN_TLOG_MAX_PROOF][32], r1[32], r2[32], got[32];
	size_t i, j, k;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		r = reader(&s, sizes[i]);
		ref_mth(0, sizes[i], r2);
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_tile_root(r, sizes[i], got, &eb), SGN_OK,
		    "%s", eb.msg);
		cr_assert_eq(memcmp(got, r2, 32), 0);
		for (j = 0; j < sizeof(olds) / sizeof(olds[0]); j++) {
			if (olds[j] > sizes[i])
				continue;
			ref_mth(0, olds[j], r1);
			cr_assert_eq(sgn_tile_consistency_proof(r, olds[j],
			    proof, &k, &eb), SGN_OK, "%s", eb.msg);
			cr_assert_eq(sgn_tlog_verify_consistency(olds[j],
			    sizes[i], CP(proof), k, r1, r2, &eb), SGN_OK,
			    "%s", eb.msg);
		}
		cr_assert_eq(sgn_tile_inclusion_proof(r, sizes[i] - 1, proof,
		    &k, &eb), SGN_OK, "%s", eb.msg);
		cr_assert_eq(sgn_tlog_verify_inclusion(sizes[i] - 1, sizes[i],
		    levels[0][sizes[i] - 1], CP(proof), k, r2, &eb), SGN_OK,
		    "%s", eb.msg);
		cr_assert(!s.bad_width && !s.beyond,
		    "only the widths the tree has");
		/* a handful of tiles, not the whole log */
		cr_assert_leq(sgn_tile_reader_fetches(r), 12, "%zu tiles",
		    sgn_tile_reader_fetches(r));
		cr_assert_eq(s.requests, sgn_tile_reader_fetches(r));
		sgn_tile_reader_free(&r);
	}
}

Test(tiles, a_tile_that_disagrees_with_the_tree_fails_the_proofs)
{
	struct sgn_tile_reader *r;
	struct server s;
	struct sgn_errbuf eb;
	uint8_t proof[SGN_TLOG_MAX_PROOF][32], r1[32], r2[32], got[32];
	size_t k;

	/* a full level-0 tile in the middle of the 1000-leaf tree: the
	 * root (from level-1 hashes) does not use it, the proofs through it
	 * fail */
	r = reader(&s, 1000);
	s.flip_level = 0;
	s.flip_index = 1;
	ref_mth(0, 1000, r2);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tile_inclusion_proof(r, 300, proof, &k, &eb),
	    SGN_OK);
	cr_assert_eq(sgn_tlog_verify_inclusion(300, 1000, levels[0][300],
	    CP(proof), k, r2, &eb), SGN_ERR_VERIFY);
	sgn_tile_reader_free(&r);
	r = reader(&s, 1000);
	s.flip_level = 0;
	s.flip_index = 2;
	ref_mth(0, 600, r1);
	cr_assert_eq(sgn_tile_consistency_proof(r, 600, proof, &k, &eb),
	    SGN_OK);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tlog_verify_consistency(600, 1000, CP(proof), k, r1,
	    r2, &eb), SGN_ERR_VERIFY);
	cr_assert(strstr(eb.msg, "consistency proof") != NULL, "%s", eb.msg);
	sgn_tile_reader_free(&r);
	/* a level-1 tile: the root shows the lie */
	r = reader(&s, 1000);
	s.flip_level = 1;
	s.flip_index = 0;
	cr_assert_eq(sgn_tile_root(r, 1000, got, &eb), SGN_OK);
	cr_assert_neq(memcmp(got, r2, 32), 0, "the root shows the lie");
	sgn_tile_reader_free(&r);

	/* the partial tile on the right edge, at level 1 */
	r = reader(&s, 70000);
	s.flip_level = 1;
	s.flip_index = 1;
	ref_mth(0, 70000, r2);
	cr_assert_eq(sgn_tile_root(r, 70000, got, &eb), SGN_OK);
	cr_assert_neq(memcmp(got, r2, 32), 0);
	sgn_tile_reader_free(&r);
}

Test(tiles, a_tile_of_the_wrong_length_is_refused)
{
	struct sgn_tile_reader *r;
	struct server s;
	struct sgn_errbuf eb;
	uint8_t got[32];

	r = reader(&s, 1000);
	s.short_tile = 1;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tile_root(r, 1000, got, &eb), SGN_ERR_VERIFY);
	cr_assert(strstr(eb.msg, "bytes, expected 3 hashes of 32 bytes") !=
	    NULL, "%s", eb.msg);
	sgn_tile_reader_free(&r);
}

Test(tiles, sizes_outside_the_tree_are_refused)
{
	struct sgn_tile_reader *r;
	struct server s;
	struct sgn_errbuf eb;
	uint8_t proof[SGN_TLOG_MAX_PROOF][32], got[32];
	size_t k;

	r = reader(&s, 100);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tile_root(r, 101, got, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tile_root(r, 0, got, &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tile_inclusion_proof(r, 100, proof, &k, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tile_consistency_proof(r, 101, proof, &k, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(s.requests, 0);
	sgn_tile_reader_free(&r);
	sgn_tile_reader_free(NULL);
}

Test(tiles, entry_bundles_split_exactly)
{
	static const uint8_t b[] = { 0, 3, 'a', 'b', 'c', 0, 0, 0, 1, 'z' };
	struct sgn_tile_entry e[4];
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tile_entries_parse(b, sizeof(b), 3, e, &eb), SGN_OK);
	cr_assert_eq(e[0].len, 3);
	cr_assert_eq(memcmp(e[0].ptr, "abc", 3), 0);
	cr_assert_eq(e[1].len, 0);
	cr_assert_eq(e[2].len, 1);
	cr_assert_eq(e[2].ptr[0], 'z');
	/* fewer entries than the tile's width */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tile_entries_parse(b, sizeof(b), 4, e, &eb),
	    SGN_ERR_PARSE);
	cr_assert(strstr(eb.msg, "3 entries, expected 4") != NULL, "%s",
	    eb.msg);
	/* bytes left over */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tile_entries_parse(b, sizeof(b), 2, e, &eb),
	    SGN_ERR_PARSE);
	cr_assert(strstr(eb.msg, "after entry") != NULL, "%s", eb.msg);
	/* a length past the end */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tile_entries_parse(b, 4, 1, e, &eb), SGN_ERR_PARSE);
	cr_assert(strstr(eb.msg, "truncated") != NULL, "%s", eb.msg);
	/* a lone length byte */
	cr_assert_eq(sgn_tile_entries_parse(b, 1, 1, e, &eb), SGN_ERR_PARSE);
	cr_assert_eq(sgn_tile_entries_parse(b, sizeof(b), 257, e, &eb),
	    SGN_ERR_LIMIT);
}

/* Checkpoints of one log ------------------------------------------------ */

static struct sgn_checkpoint *
fake_cp(const char *origin, uint64_t size, const uint8_t root[32])
{
	struct sgn_checkpoint *cp = calloc(1, sizeof(*cp));

	cr_assert(cp != NULL);
	cp->origin = strdup(origin);
	cp->size = size;
	memcpy(cp->root, root, 32);
	return cp;
}

Test(tiles, a_log_that_rewrites_history_is_an_inconsistency)
{
	struct sgn_checkpoint *a, *b;
	struct sgn_errbuf eb;
	uint8_t other[32];

	ref_mth(0, 500, other);
	other[31] ^= 1;
	a = fake_cp("log.example", 500, levels[0][0]);
	ref_mth(0, 500, a->root);
	b = fake_cp("log.example", 500, other);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tlog_checkpoints_consistent(a, b, NULL, 0, &eb),
	    SGN_ERR_VERIFY);
	cr_assert(strstr(eb.msg, "log inconsistency: two checkpoints of "
	    "size 500 with different root hashes") != NULL, "%s", eb.msg);
	/* the same checkpoint twice is consistent */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tlog_checkpoints_consistent(a, a, NULL, 0, &eb),
	    SGN_OK, "%s", eb.msg);
	sgn_checkpoint_free(&a);
	sgn_checkpoint_free(&b);
}

Test(tiles, checkpoints_are_consistent_only_with_a_valid_proof)
{
	struct sgn_tile_reader *r;
	struct server s;
	struct sgn_checkpoint *a, *b, *c;
	struct sgn_errbuf eb;
	uint8_t proof[SGN_TLOG_MAX_PROOF][32], root[32];
	size_t k, i;

	ref_mth(0, 300, root);
	a = fake_cp("log.example", 300, root);
	ref_mth(0, 1000, root);
	b = fake_cp("log.example", 1000, root);
	c = fake_cp("other.example", 1000, root);
	r = reader(&s, 1000);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tile_consistency_proof(r, 300, proof, &k, &eb),
	    SGN_OK);
	/* either order */
	cr_assert_eq(sgn_tlog_checkpoints_consistent(a, b, CP(proof), k, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_tlog_checkpoints_consistent(b, a, CP(proof), k, &eb),
	    SGN_OK, "%s", eb.msg);
	/* each hash spoiled, one hash short, one too many */
	for (i = 0; i < k; i++) {
		proof[i][0] ^= 1;
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_tlog_checkpoints_consistent(a, b, CP(proof),
		    k, &eb), SGN_ERR_VERIFY);
		cr_assert(strstr(eb.msg, "log inconsistency: the tree of size "
		    "300 is not a prefix of the tree of size 1000") != NULL,
		    "%s", eb.msg);
		proof[i][0] ^= 1;
	}
	cr_assert_eq(sgn_tlog_checkpoints_consistent(a, b, CP(proof), k - 1,
	    &eb), SGN_ERR_VERIFY);
	memcpy(proof[k], proof[0], 32);
	cr_assert_eq(sgn_tlog_checkpoints_consistent(a, b, CP(proof), k + 1,
	    &eb), SGN_ERR_VERIFY);
	/* two logs cannot be compared */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tlog_checkpoints_consistent(a, c, CP(proof), k, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	sgn_tile_reader_free(&r);
	sgn_checkpoint_free(&a);
	sgn_checkpoint_free(&b);
	sgn_checkpoint_free(&c);
}

/* State files ----------------------------------------------------------- */

#define NOTE(size) "log.example\n" size "\n" \
	"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n" \
	"\xe2\x80\x94 log.example AAAAAQE=\n"

Test(tiles, state_files_store_checkpoints_but_never_an_empty_log)
{
	char dir[] = "/tmp/signet-tlog-state-XXXXXX", path[256], lock[300];
	char name[SGN_TLOG_STATE_NAME];
	struct sgn_errbuf eb;
	uint8_t *note = NULL;
	size_t len = 0;
	int fd = -1;

	cr_assert(mkdtemp(dir) != NULL);
	sgn_tlog_state_name("127.0.0.1 - 42/../x", name);
	cr_assert(strncmp(name, "127.0.0.1_-_42_.._x-", 20) == 0, "%s", name);
	cr_assert_eq(strlen(name), 20 + 16);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tlog_state_lock(path, &fd, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_geq(fd, 0);
	cr_assert_eq(sgn_tlog_state_load(path, &note, &len, &eb), SGN_OK);
	cr_assert_null(note, "nothing stored yet");
	cr_assert_eq(sgn_tlog_state_store(path, NOTE("0"), strlen(NOTE("0")),
	    &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert(strstr(eb.msg, "empty log") != NULL, "%s", eb.msg);
	cr_assert_eq(access(path, F_OK), -1, "no file for an empty log");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tlog_state_store(path, "garbage", 7, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tlog_state_store(path, NOTE("7"), strlen(NOTE("7")),
	    &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_tlog_state_load(path, &note, &len, &eb), SGN_OK);
	cr_assert_eq(len, strlen(NOTE("7")));
	cr_assert_eq(memcmp(note, NOTE("7"), len), 0);
	free(note);
	sgn_tlog_state_unlock(&fd);
	cr_assert_eq(fd, -1);
	sgn_tlog_state_unlock(&fd);
	unlink(path);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	unlink(lock);
	rmdir(dir);
}

/* Published vectors ------------------------------------------------------ */

#define MERKLE_VEC "testdata/vectors/merkle/rfc6962.txt"

static void
hex32(const char *s, uint8_t out[32])
{
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_hex_decode(s, strlen(s), out, 32, &eb), SGN_OK,
	    "%s: %s", s, eb.msg);
}

/* The 8-leaf tree of the vectors, as tiles. */
static uint8_t vleaves[8][32], vroots[9][32];

static sgn_err
serve_vec(void *ctx, int level, uint64_t index, unsigned width,
    uint8_t **out, size_t *len, struct sgn_errbuf *eb)
{
	(void)ctx;
	(void)eb;
	cr_assert_eq(level, 0);
	cr_assert_eq(index, 0);
	cr_assert_leq(width, 8);
	*out = malloc((size_t)width * 32);
	cr_assert(*out != NULL);
	memcpy(*out, vleaves, (size_t)width * 32);
	*len = (size_t)width * 32;
	return SGN_OK;
}

Test(tiles, transparency_dev_merkle_vectors_verify_and_match_tile_proofs)
{
	FILE *f = fopen(MERKLE_VEC, "r");
	char line[2048], *tok, *save = NULL;
	uint8_t proof[SGN_TLOG_MAX_PROOF][32], built[SGN_TLOG_MAX_PROOF][32];
	uint8_t data[64], got[32];
	size_t nleaves = 0, k, nb, dl, ninc = 0, ncons = 0;
	unsigned long long a, b;
	struct sgn_tile_reader *r;
	struct sgn_errbuf eb;

	cr_assert(f != NULL, MERKLE_VEC);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		tok = strtok_r(line, " ", &save);
		if (strcmp(tok, "leaf") == 0) {
			tok = strtok_r(NULL, " ", &save);
			dl = strcmp(tok, "-") == 0 ? 0 : strlen(tok) / 2;
			if (dl > 0)
				cr_assert_eq(sgn_hex_decode(tok, strlen(tok),
				    data, dl, NULL), SGN_OK);
			sgn_tlog_leaf_hash(data, dl, vleaves[nleaves++]);
			continue;
		}
		a = strtoull(strtok_r(NULL, " ", &save), NULL, 10);
		if (strcmp(tok, "root") == 0) {
			hex32(strtok_r(NULL, " ", &save), vroots[a]);
			/* the root recomputed from tiles of that tree */
			sgn_errbuf_clear(&eb);
			cr_assert_eq(sgn_tile_reader_new(a, serve_vec, NULL, &r,
			    &eb), SGN_OK);
			cr_assert_eq(sgn_tile_root(r, a, got, &eb), SGN_OK,
			    "%s", eb.msg);
			cr_assert_eq(memcmp(got, vroots[a], 32), 0, "root %llu",
			    a);
			sgn_tile_reader_free(&r);
			continue;
		}
		b = strtoull(strtok_r(NULL, " ", &save), NULL, 10);
		for (k = 0; (tok = strtok_r(NULL, " ", &save)) != NULL; k++)
			hex32(tok, proof[k]);
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_tile_reader_new(b, serve_vec, NULL, &r, &eb),
		    SGN_OK);
		if (strcmp(line, "inclusion") == 0) {
			cr_assert_eq(sgn_tlog_verify_inclusion(a, b,
			    vleaves[a], CP(proof), k, vroots[b], &eb), SGN_OK,
			    "inclusion %llu %llu: %s", a, b, eb.msg);
			cr_assert_eq(sgn_tile_inclusion_proof(r, a, built, &nb,
			    &eb), SGN_OK);
			ninc++;
		} else {
			cr_assert_str_eq(line, "consistency");
			cr_assert_eq(sgn_tlog_verify_consistency(a, b,
			    CP(proof), k, vroots[a], vroots[b], &eb), SGN_OK,
			    "consistency %llu %llu: %s", a, b, eb.msg);
			cr_assert_eq(sgn_tile_consistency_proof(r, a, built,
			    &nb, &eb), SGN_OK);
			ncons++;
		}
		/* the proofs built from tiles are the published ones */
		cr_assert_eq(nb, k, "%s %llu %llu", line, a, b);
		cr_assert_eq(memcmp(built, proof, k * 32), 0, "%s %llu %llu",
		    line, a, b);
		sgn_tile_reader_free(&r);
	}
	fclose(f);
	cr_assert_eq(nleaves, 8);
	cr_assert_eq(ninc, 5);
	cr_assert_eq(ncons, 5);
}
