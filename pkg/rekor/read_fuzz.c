/*
 * libFuzzer harness for what an auditor reads from a log: the first byte
 * picks the parser, the rest is the reply.
 *   0  a Rekor v1 log-info reply (sgn_rekor_v1_log_info_parse)
 *   1  a Rekor v1 consistency-proof reply (sgn_rekor_v1_proof_parse)
 *   2  an entry bundle (sgn_tile_entries_parse), the second byte + 1
 *      entries expected
 *   3  hash tiles: the next 4 bytes are a tree size (big-endian, at most
 *      2^20), the rest is cut into the tiles the reader asks for; the
 *      root, a leaf's inclusion proof and a consistency proof are built
 *      and verified against the bytes' own first hash
 * The harness aborts if a parser breaks its documented limits.  Seeds:
 * testdata/fuzz/read_fuzz/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rekor.h"
#include "tlog.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct feed {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
};

static sgn_err
serve(void *ctx, int level, uint64_t index, unsigned width, uint8_t **out,
    size_t *len, struct sgn_errbuf *eb)
{
	struct feed *f = ctx;
	size_t want = (size_t)width * 32, n;

	(void)level;
	(void)index;
	/* the input, wrapped around; a short last tile when index is odd */
	n = (index & 1) != 0 && want > 32 ? want - 32 : want;
	if ((*out = malloc(n > 0 ? n : 1)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (*len = 0; *len < n; (*len)++) {
		(*out)[*len] = f->len > 0 ? f->p[f->off % f->len] : 0;
		f->off++;
	}
	return SGN_OK;
}

static void
tiles(const uint8_t *p, size_t len)
{
	struct sgn_tile_reader *r = NULL;
	struct feed f;
	uint8_t root[32], proof[SGN_TLOG_MAX_PROOF][32];
	uint64_t size;
	size_t n;

	if (len < 4)
		return;
	size = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 |
	    (uint64_t)p[2] << 8 | p[3];
	if (size > (1u << 20))
		return;
	f.p = p + 4;
	f.len = len - 4;
	f.off = 0;
	if (sgn_tile_reader_new(size, serve, &f, &r, NULL) != SGN_OK)
		abort();
	if (size > 0 && sgn_tile_root(r, size, root, NULL) == SGN_OK &&
	    sgn_tile_inclusion_proof(r, size / 2, proof, &n, NULL) == SGN_OK) {
		if (n > SGN_TLOG_MAX_PROOF)
			abort();
		(void)sgn_tlog_verify_inclusion(size / 2, size, root,
		    (const uint8_t (*)[32])proof, n, root, NULL);
	}
	if (sgn_tile_consistency_proof(r, size / 3, proof, &n, NULL) ==
	    SGN_OK && n > SGN_TLOG_MAX_PROOF)
		abort();
	sgn_tile_reader_free(&r);
	if (r != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_rekor_log_info li;
	struct sgn_tile_entry ents[SGN_TILE_WIDTH];
	struct sgn_errbuf eb;
	uint8_t root[32], h[SGN_TLOG_MAX_PROOF][32];
	size_t n = 0, i;

	if (size < 1)
		return 0;
	sgn_errbuf_clear(&eb);
	switch (data[0]) {
	case 0:
		if (sgn_rekor_v1_log_info_parse(data + 1, size - 1, &li, &eb) ==
		    SGN_OK) {
			if (li.active.checkpoint == NULL ||
			    li.n_inactive > SGN_REKOR_MAX_SHARDS)
				abort();
			sgn_rekor_log_info_reset(&li);
		} else if (li.active.checkpoint != NULL || eb.msg[0] == '\0')
			abort();
		break;
	case 1:
		if (sgn_rekor_v1_proof_parse(data + 1, size - 1, root, h, &n,
		    &eb) == SGN_OK && n > SGN_TLOG_MAX_PROOF)
			abort();
		break;
	case 2:
		if (size < 2)
			break;
		if (sgn_tile_entries_parse(data + 2, size - 2,
		    (size_t)data[1] + 1, ents, &eb) == SGN_OK)
			for (i = 0; i <= data[1]; i++)
				if (ents[i].ptr < data + 2 || ents[i].ptr +
				    ents[i].len > data + size)
					abort();
		break;
	case 3:
		tiles(data + 1, size - 1);
		break;
	default:
		break;
	}
	return 0;
}
