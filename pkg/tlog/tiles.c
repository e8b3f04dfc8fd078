/*
 * Tiled transparency logs (C2SP tlog-tiles, https://c2sp.org/tlog-tiles):
 * tile paths, entry bundles, and the Merkle hashes and proofs of a tree
 * recomputed from its hash tiles, as x/mod/sumdb/tlog's TileHashReader
 * and transparency-dev/merkle's proof builder do.
 *
 * A hash tile at level L holds up to 256 consecutive hashes of the nodes
 * of height 8L; node (h, i) of height h = 8L + r is the hash of the 2^r
 * entries [i * 2^r, (i + 1) * 2^r) of the level-L tile that holds them,
 * rehashed r levels up.  For a tree of N leaves, tile t of level L has
 * min(256, (N >> 8L) - 256t) entries: full tiles are fetched whole and
 * only the right edge uses partial tiles (.p/W), exactly those the tree
 * of the verified checkpoint needs.
 *
 * Nothing fetched is trusted: the proofs built here are checked by
 * sgn_tlog_verify_inclusion() / _consistency() against the roots of
 * verified checkpoints, so a tile whose hashes disagree with the tree
 * fails there.  The reader keeps tiles in memory for one tree only and
 * never writes them anywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlog.h"

#define TILE_MAX_CACHED	4096	/* tiles one reader keeps in memory */

struct tile {
	unsigned	 level;
	uint64_t	 index;
	unsigned	 width;
	uint8_t		*hashes;	/* the width entries, then each */
					/* level above: width / 2, ... */
};

struct sgn_tile_reader {
	uint64_t	 size;
	sgn_tile_fetch	 fetch;
	void		*ctx;
	struct tile	*tiles;
	size_t		 n_tiles;
	size_t		 fetches;
};

sgn_err
sgn_tile_path(int level, uint64_t index, unsigned width, char *out,
    size_t outlen, struct sgn_errbuf *eb)
{
	char digits[32], buf[96];
	size_t nd, i, o = 0, first;
	int n;

	if (out == NULL || outlen == 0 || level < -1 || level > 63 ||
	    width < 1 || width > SGN_TILE_WIDTH)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "tile path: bad argument");
	n = snprintf(digits, sizeof(digits), "%llu",
	    (unsigned long long)index);
	nd = (size_t)n;
	/* pad to a multiple of 3 digits: 1234067 -> x001/x234/067 */
	first = (3 - nd % 3) % 3;
	if (level < 0)
		o = (size_t)snprintf(buf, sizeof(buf), "tile/entries/");
	else
		o = (size_t)snprintf(buf, sizeof(buf), "tile/%d/", level);
	for (i = 0; i < first + nd; i++) {
		if (i % 3 == 0 && i + 3 < first + nd)
			buf[o++] = 'x';
		buf[o++] = i < first ? '0' : digits[i - first];
		if (i % 3 == 2 && i + 1 < first + nd)
			buf[o++] = '/';
	}
	buf[o] = '\0';
	if (width < SGN_TILE_WIDTH)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, ".p/%u", width);
	if (o >= outlen)
		return sgn_errf(eb, SGN_ERR_LIMIT, "tile path: too long");
	memcpy(out, buf, o + 1);
	return SGN_OK;
}

sgn_err
sgn_tile_entries_parse(const uint8_t *p, size_t len, size_t count,
    struct sgn_tile_entry *entries, struct sgn_errbuf *eb)
{
	size_t off = 0, i, n;

	if ((p == NULL && len > 0) || (entries == NULL && count > 0))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "entry bundle: missing argument");
	if (count > SGN_TILE_WIDTH)
		return sgn_errf(eb, SGN_ERR_LIMIT, "entry bundle: more than "
		    "%d entries", SGN_TILE_WIDTH);
	for (i = 0; i < count; i++) {
		if (len - off < 2)
			return sgn_errf(eb, SGN_ERR_PARSE, "entry bundle: "
			    "%zu entries, expected %zu", i, count);
		n = (size_t)p[off] << 8 | p[off + 1];
		off += 2;
		if (len - off < n)
			return sgn_errf(eb, SGN_ERR_PARSE, "entry bundle: "
			    "entry %zu is truncated (%zu of %zu bytes)", i,
			    len - off, n);
		entries[i].ptr = p + off;
		entries[i].len = n;
		off += n;
	}
	if (off != len)
		return sgn_errf(eb, SGN_ERR_PARSE, "entry bundle: %zu bytes "
		    "after entry %zu", len - off, count);
	return SGN_OK;
}

sgn_err
sgn_tile_reader_new(uint64_t size, sgn_tile_fetch fetch, void *ctx,
    struct sgn_tile_reader **out, struct sgn_errbuf *eb)
{
	struct sgn_tile_reader *r;

	if (out == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "tile reader: missing argument");
	*out = NULL;
	if (fetch == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "tile reader: missing argument");
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	r->size = size;
	r->fetch = fetch;
	r->ctx = ctx;
	*out = r;
	return SGN_OK;
}

void
sgn_tile_reader_free(struct sgn_tile_reader **rp)
{
	size_t i;

	if (rp == NULL || *rp == NULL)
		return;
	for (i = 0; i < (*rp)->n_tiles; i++)
		free((*rp)->tiles[i].hashes);
	free((*rp)->tiles);
	free(*rp);
	*rp = NULL;
}

size_t
sgn_tile_reader_fetches(const struct sgn_tile_reader *r)
{
	return r == NULL ? 0 : r->fetches;
}

/* The tile (level, index) of the tree, fetched once. */
static sgn_err
get_tile(struct sgn_tile_reader *r, unsigned level, uint64_t index,
    const struct tile **out, struct sgn_errbuf *eb)
{
	struct tile *t;
	uint64_t nodes = level * SGN_TILE_HEIGHT >= 64 ? 0 :
	    r->size >> (level * SGN_TILE_HEIGHT);
	uint64_t left;
	uint8_t *buf = NULL, *grown;
	size_t len = 0, i, in, w, o, j;
	unsigned width;
	struct sgn_errbuf tmp;
	sgn_err e;

	for (i = 0; i < r->n_tiles; i++)
		if (r->tiles[i].level == level && r->tiles[i].index == index) {
			*out = &r->tiles[i];
			return SGN_OK;
		}
	if (index >= nodes / SGN_TILE_WIDTH + 1 ||
	    (left = nodes - index * SGN_TILE_WIDTH) == 0)
		return sgn_errf(eb, SGN_ERR_INTERNAL, "tile %u/%llu is beyond "
		    "the tree of size %llu", level, (unsigned long long)index,
		    (unsigned long long)r->size);
	width = left >= SGN_TILE_WIDTH ? SGN_TILE_WIDTH : (unsigned)left;
	if (r->n_tiles >= TILE_MAX_CACHED)
		return sgn_errf(eb, SGN_ERR_LIMIT, "more than %d tiles needed",
		    TILE_MAX_CACHED);
	sgn_errbuf_clear(&tmp);
	r->fetches++;
	if ((e = r->fetch(r->ctx, (int)level, index, width, &buf, &len,
	    &tmp)) != SGN_OK)
		return sgn_errf(eb, e, "%s", tmp.msg);
	if (len != (size_t)width * SGN_TLOG_HASH_LEN) {
		free(buf);
		return sgn_errf(eb, SGN_ERR_VERIFY, "tile %u/%llu: %zu bytes, "
		    "expected %u hashes of 32 bytes", level,
		    (unsigned long long)index, len, width);
	}
	/* rehash the complete nodes above the tile's entries, level by
	 * level, after them: at most 2 * 256 - 1 hashes */
	if ((grown = realloc(buf, (2 * (size_t)width) *
	    SGN_TLOG_HASH_LEN)) == NULL) {
		free(buf);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	buf = grown;
	for (in = 0, w = width, o = width; w > 1; in += w, w /= 2)
		for (j = 0; j + 1 < w; j += 2, o++)
			sgn_tlog_node_hash(buf + (in + j) * SGN_TLOG_HASH_LEN,
			    buf + (in + j + 1) * SGN_TLOG_HASH_LEN,
			    buf + o * SGN_TLOG_HASH_LEN);
	t = realloc(r->tiles, (r->n_tiles + 1) * sizeof(*t));
	if (t == NULL) {
		free(buf);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	r->tiles = t;
	t = &r->tiles[r->n_tiles++];
	t->level = level;
	t->index = index;
	t->width = width;
	t->hashes = buf;
	*out = t;
	return SGN_OK;
}

/*
 * Hash of the perfect subtree of height h at index i ((i + 1) << h <=
 * size): a lookup in the levels its tile was rehashed into.
 */
static sgn_err
node_hash(struct sgn_tile_reader *r, unsigned h, uint64_t i,
    uint8_t out[SGN_TLOG_HASH_LEN], struct sgn_errbuf *eb)
{
	const struct tile *t;
	unsigned level = h / SGN_TILE_HEIGHT, rr = h % SGN_TILE_HEIGHT, k;
	uint64_t first = i << rr;
	size_t off = 0, w, pos;
	sgn_err e;

	if ((e = get_tile(r, level, first / SGN_TILE_WIDTH, &t, eb)) !=
	    SGN_OK)
		return e;
	/* levels 0..rr-1 of the tile come first */
	for (k = 0, w = t->width; k < rr; k++, w /= 2)
		off += w;
	pos = (size_t)((first % SGN_TILE_WIDTH) >> rr);
	if (pos >= w)
		return sgn_errf(eb, SGN_ERR_INTERNAL, "node %u/%llu outside "
		    "its tile", h, (unsigned long long)i);
	memcpy(out, t->hashes + (off + pos) * SGN_TLOG_HASH_LEN,
	    SGN_TLOG_HASH_LEN);
	return SGN_OK;
}

/* Largest power of two strictly below n (n >= 2). */
static uint64_t
split(uint64_t n)
{
	uint64_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

static unsigned
log2u(uint64_t n)
{
	unsigned h = 0;

	while (((uint64_t)1 << h) < n)
		h++;
	return h;
}

/* MTH(D[start : start + n]), n >= 1, start + n <= size. */
static sgn_err
mth(struct sgn_tile_reader *r, uint64_t start, uint64_t n,
    uint8_t out[SGN_TLOG_HASH_LEN], struct sgn_errbuf *eb)
{
	uint8_t left[SGN_TLOG_HASH_LEN], right[SGN_TLOG_HASH_LEN];
	uint64_t k;
	sgn_err e;

	if ((n & (n - 1)) == 0 && start % n == 0)
		return node_hash(r, log2u(n), start / n, out, eb);
	k = split(n);
	if ((e = mth(r, start, k, left, eb)) != SGN_OK ||
	    (e = mth(r, start + k, n - k, right, eb)) != SGN_OK)
		return e;
	sgn_tlog_node_hash(left, right, out);
	return SGN_OK;
}

sgn_err
sgn_tile_root(struct sgn_tile_reader *r, uint64_t n,
    uint8_t out[SGN_TLOG_HASH_LEN], struct sgn_errbuf *eb)
{
	if (r == NULL || out == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "tile root: missing argument");
	if (n == 0 || n > r->size)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "tile root: "
		    "size %llu outside the tree of %llu",
		    (unsigned long long)n, (unsigned long long)r->size);
	return mth(r, 0, n, out, eb);
}

sgn_err
sgn_tile_leaf(struct sgn_tile_reader *r, uint64_t index,
    uint8_t out[SGN_TLOG_HASH_LEN], struct sgn_errbuf *eb)
{
	if (r == NULL || out == NULL || index >= r->size)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "tile leaf: index outside the tree");
	return node_hash(r, 0, index, out, eb);
}

static sgn_err
push(uint8_t (*proof)[SGN_TLOG_HASH_LEN], size_t *n,
    const uint8_t h[SGN_TLOG_HASH_LEN], struct sgn_errbuf *eb)
{
	if (*n >= SGN_TLOG_MAX_PROOF)
		return sgn_errf(eb, SGN_ERR_INTERNAL, "proof too long");
	memcpy(proof[(*n)++], h, SGN_TLOG_HASH_LEN);
	return SGN_OK;
}

/* RFC 9162 2.1.3.1 PATH(m, D[start : start + size]), leaf side first. */
static sgn_err
path(struct sgn_tile_reader *r, uint64_t m, uint64_t start, uint64_t size,
    uint8_t (*proof)[SGN_TLOG_HASH_LEN], size_t *n, struct sgn_errbuf *eb)
{
	uint8_t h[SGN_TLOG_HASH_LEN];
	uint64_t k;
	sgn_err e;

	if (size <= 1)
		return SGN_OK;
	k = split(size);
	if (m < k) {
		if ((e = path(r, m, start, k, proof, n, eb)) != SGN_OK ||
		    (e = mth(r, start + k, size - k, h, eb)) != SGN_OK)
			return e;
	} else {
		if ((e = path(r, m - k, start + k, size - k, proof, n, eb)) !=
		    SGN_OK || (e = mth(r, start, k, h, eb)) != SGN_OK)
			return e;
	}
	return push(proof, n, h, eb);
}

sgn_err
sgn_tile_inclusion_proof(struct sgn_tile_reader *r, uint64_t index,
    uint8_t (*proof)[SGN_TLOG_HASH_LEN], size_t *n, struct sgn_errbuf *eb)
{
	if (r == NULL || proof == NULL || n == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "inclusion proof: missing argument");
	*n = 0;
	if (index >= r->size)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "inclusion "
		    "proof: index %llu outside the tree of %llu",
		    (unsigned long long)index, (unsigned long long)r->size);
	return path(r, index, 0, r->size, proof, n, eb);
}

/* RFC 9162 2.1.4.1 SUBPROOF(m, D[start : start + size], b). */
static sgn_err
subproof(struct sgn_tile_reader *r, uint64_t m, uint64_t start,
    uint64_t size, int b, uint8_t (*proof)[SGN_TLOG_HASH_LEN], size_t *n,
    struct sgn_errbuf *eb)
{
	uint8_t h[SGN_TLOG_HASH_LEN];
	uint64_t k;
	sgn_err e;

	if (m == size) {
		if (b)
			return SGN_OK;
		if ((e = mth(r, start, size, h, eb)) != SGN_OK)
			return e;
		return push(proof, n, h, eb);
	}
	k = split(size);
	if (m <= k) {
		if ((e = subproof(r, m, start, k, b, proof, n, eb)) !=
		    SGN_OK || (e = mth(r, start + k, size - k, h, eb)) !=
		    SGN_OK)
			return e;
	} else {
		if ((e = subproof(r, m - k, start + k, size - k, 0, proof, n,
		    eb)) != SGN_OK || (e = mth(r, start, k, h, eb)) != SGN_OK)
			return e;
	}
	return push(proof, n, h, eb);
}

sgn_err
sgn_tile_consistency_proof(struct sgn_tile_reader *r, uint64_t m,
    uint8_t (*proof)[SGN_TLOG_HASH_LEN], size_t *n, struct sgn_errbuf *eb)
{
	if (r == NULL || proof == NULL || n == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "consistency proof: missing argument");
	*n = 0;
	if (m > r->size)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "consistency "
		    "proof: size %llu beyond the tree of %llu",
		    (unsigned long long)m, (unsigned long long)r->size);
	if (m == 0 || m == r->size)
		return SGN_OK;
	return subproof(r, m, 0, r->size, 1, proof, n, eb);
}

sgn_err
sgn_tlog_checkpoints_consistent(const struct sgn_checkpoint *a,
    const struct sgn_checkpoint *b, const uint8_t (*proof)[32], size_t n,
    struct sgn_errbuf *eb)
{
	const struct sgn_checkpoint *old, *new;
	struct sgn_errbuf tmp;
	sgn_err e;

	if (a == NULL || b == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "consistency: missing checkpoint");
	if (strcmp(a->origin, b->origin) != 0)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "consistency: "
		    "checkpoints of two logs (\"%.80s\" and \"%.80s\")",
		    a->origin, b->origin);
	if (a->size == b->size) {
		if (memcmp(a->root, b->root, SGN_TLOG_HASH_LEN) != 0)
			return sgn_errf(eb, SGN_ERR_VERIFY, "log "
			    "inconsistency: two checkpoints of size %llu "
			    "with different root hashes: the log rewrote "
			    "its history", (unsigned long long)a->size);
		return SGN_OK;
	}
	old = a->size < b->size ? a : b;
	new = a->size < b->size ? b : a;
	sgn_errbuf_clear(&tmp);
	if ((e = sgn_tlog_verify_consistency(old->size, new->size, proof, n,
	    old->root, new->root, &tmp)) != SGN_OK)
		return sgn_errf(eb, e, "log inconsistency: the tree of size "
		    "%llu is not a prefix of the tree of size %llu: %s",
		    (unsigned long long)old->size,
		    (unsigned long long)new->size, tmp.msg);
	return SGN_OK;
}
