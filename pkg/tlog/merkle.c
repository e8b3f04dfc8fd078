/*
 * Merkle tree hashes and proof verification for RFC 6962 logs, following
 * the algorithms of RFC 9162 sections 2.1.3.2 (inclusion) and 2.1.4.2
 * (consistency).  Both proofs are first checked for the exact number of
 * hashes their tree sizes imply, so that an error can say "3 hashes,
 * expected 4" rather than only "root mismatch".
 */
#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

#include "tlog.h"

static const uint8_t empty_root[SGN_TLOG_HASH_LEN] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
	0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
	0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};

/*
 * SHA-256, fetched once: EVP_sha256() makes every EVP_DigestInit_ex()
 * look the algorithm up again under a lock, a cost that dominated
 * hashing tiles (a proof per entry, for `signet tlog watch`).  The
 * fetched object lives as long as the process.
 */
static pthread_once_t	 sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD		*sha256_fetched;

static void
sha256_fetch(void)
{
	sha256_fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *
sha256_md(void)
{
	(void)pthread_once(&sha256_once, sha256_fetch);
	return sha256_fetched != NULL ? sha256_fetched : EVP_sha256();
}

/* SHA-256(prefix || a || b) through a reusable context; 1 on success. */
static int
hash3(EVP_MD_CTX *ctx, uint8_t prefix, const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen, uint8_t out[SGN_TLOG_HASH_LEN])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_DigestInit_ex(ctx, sha256_md(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, &prefix, 1) != 1 ||
	    (alen > 0 && EVP_DigestUpdate(ctx, a, alen) != 1) ||
	    (blen > 0 && EVP_DigestUpdate(ctx, b, blen) != 1) ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 ||
	    mdlen != SGN_TLOG_HASH_LEN)
		return 0;
	memcpy(out, md, SGN_TLOG_HASH_LEN);
	return 1;
}

static int
node(EVP_MD_CTX *ctx, const uint8_t l[SGN_TLOG_HASH_LEN],
    const uint8_t r[SGN_TLOG_HASH_LEN], uint8_t out[SGN_TLOG_HASH_LEN])
{
	return hash3(ctx, 0x01, l, SGN_TLOG_HASH_LEN, r, SGN_TLOG_HASH_LEN,
	    out);
}

void
sgn_tlog_leaf_hash(const uint8_t *leaf, size_t len,
    uint8_t out[SGN_TLOG_HASH_LEN])
{
	EVP_MD_CTX *ctx;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    hash3(ctx, 0x00, leaf, leaf == NULL ? 0 : len, NULL, 0,
	    out) != 1)
		memset(out, 0, SGN_TLOG_HASH_LEN);
	EVP_MD_CTX_free(ctx);
}

void
sgn_tlog_node_hash(const uint8_t l[SGN_TLOG_HASH_LEN],
    const uint8_t r[SGN_TLOG_HASH_LEN], uint8_t out[SGN_TLOG_HASH_LEN])
{
	EVP_MD_CTX *ctx;
	uint8_t res[SGN_TLOG_HASH_LEN];

	/* Through res, so that out may alias l or r. */
	if ((ctx = EVP_MD_CTX_new()) == NULL || node(ctx, l, r, res) != 1)
		memset(res, 0, sizeof(res));
	memcpy(out, res, SGN_TLOG_HASH_LEN);
	EVP_MD_CTX_free(ctx);
}

/*
 * The number of hashes the RFC 9162 loop consumes from (fn, sn) until sn
 * reaches 0: the same walk as the verifiers below, without hashing.  At
 * most 64, as sn loses at least one bit per step.
 */
static size_t
walk_len(uint64_t fn, uint64_t sn)
{
	size_t k = 0;

	while (sn != 0) {
		k++;
		if ((fn & 1) != 0 || fn == sn) {
			while ((fn & 1) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		}
		fn >>= 1;
		sn >>= 1;
	}
	return k;
}

/* "<proof>: computed <which> 1234abcd... does not match 5678ef01..." */
static sgn_err
mismatch(struct sgn_errbuf *eb, const char *proof, const char *which,
    const uint8_t got[SGN_TLOG_HASH_LEN],
    const uint8_t want[SGN_TLOG_HASH_LEN])
{
	char g[9], w[9];

	sgn_hex_encode(got, 4, g);
	sgn_hex_encode(want, 4, w);
	return sgn_errf(eb, SGN_ERR_VERIFY,
	    "%s: computed %s %s... does not match %s...", proof, which, g, w);
}

sgn_err
sgn_tlog_verify_inclusion(uint64_t index, uint64_t size,
    const uint8_t leaf_hash[SGN_TLOG_HASH_LEN], const uint8_t (*path)[32],
    size_t path_len, const uint8_t root[SGN_TLOG_HASH_LEN],
    struct sgn_errbuf *eb)
{
	EVP_MD_CTX *ctx = NULL;
	uint8_t r[SGN_TLOG_HASH_LEN];
	uint64_t fn, sn;
	size_t want, j;
	sgn_err res = SGN_ERR_VERIFY;
	int ok;

	if (leaf_hash == NULL || root == NULL ||
	    (path == NULL && path_len > 0))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "inclusion proof: missing argument");
	if (index >= size)
		return sgn_errf(eb, SGN_ERR_VERIFY, "inclusion proof: leaf "
		    "index %llu is not below tree size %llu",
		    (unsigned long long)index, (unsigned long long)size);
	want = walk_len(index, size - 1);
	if (path_len != want)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "inclusion proof: %zu hashes, expected %zu", path_len,
		    want);
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		res = sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(r, leaf_hash, sizeof(r));
	fn = index;
	sn = size - 1;
	for (j = 0; j < path_len; j++) {
		/* Cannot happen after the length check; kept as a guard. */
		if (sn == 0) {
			res = sgn_errf(eb, SGN_ERR_VERIFY,
			    "inclusion proof: too many hashes");
			goto out;
		}
		if ((fn & 1) != 0 || fn == sn) {
			ok = node(ctx, path[j], r, r);
			while ((fn & 1) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			ok = node(ctx, r, path[j], r);
		if (!ok) {
			res = sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
			    "inclusion proof: hashing failed");
			goto out;
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0) {
		res = sgn_errf(eb, SGN_ERR_VERIFY,
		    "inclusion proof: too few hashes");
		goto out;
	}
	if (memcmp(r, root, sizeof(r)) != 0) {
		res = mismatch(eb, "inclusion proof", "root hash", r, root);
		goto out;
	}
	res = SGN_OK;
out:
	EVP_MD_CTX_free(ctx);
	return res;
}

sgn_err
sgn_tlog_verify_consistency(uint64_t size1, uint64_t size2,
    const uint8_t (*proof)[32], size_t n,
    const uint8_t root1[SGN_TLOG_HASH_LEN],
    const uint8_t root2[SGN_TLOG_HASH_LEN], struct sgn_errbuf *eb)
{
	EVP_MD_CTX *ctx = NULL;
	uint8_t fr[SGN_TLOG_HASH_LEN], sr[SGN_TLOG_HASH_LEN];
	uint64_t fn, sn;
	size_t want, j;
	sgn_err res = SGN_ERR_VERIFY;
	int pow2, ok;

	if (root1 == NULL || root2 == NULL || (proof == NULL && n > 0))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "consistency proof: missing argument");
	if (size1 > size2)
		return sgn_errf(eb, SGN_ERR_VERIFY, "consistency proof: old "
		    "tree size %llu is larger than new tree size %llu",
		    (unsigned long long)size1, (unsigned long long)size2);
	if (size1 == size2) {
		if (n != 0)
			return sgn_errf(eb, SGN_ERR_VERIFY,
			    "consistency proof: %zu hashes, expected 0 for "
			    "equal tree sizes", n);
		if (memcmp(root1, root2, SGN_TLOG_HASH_LEN) != 0)
			return sgn_errf(eb, SGN_ERR_VERIFY,
			    "consistency proof: trees of equal size %llu "
			    "have different root hashes",
			    (unsigned long long)size1);
		return SGN_OK;
	}
	if (size1 == 0) {
		if (n != 0)
			return sgn_errf(eb, SGN_ERR_VERIFY,
			    "consistency proof: %zu hashes, expected 0 from "
			    "the empty tree", n);
		if (memcmp(root1, empty_root, SGN_TLOG_HASH_LEN) != 0)
			return sgn_errf(eb, SGN_ERR_VERIFY,
			    "consistency proof: old tree of size 0 does not "
			    "have the empty tree's root hash");
		return SGN_OK;
	}

	/* 0 < size1 < size2 from here on. */
	pow2 = (size1 & (size1 - 1)) == 0;
	fn = size1 - 1;
	sn = size2 - 1;
	while ((fn & 1) != 0) {
		fn >>= 1;
		sn >>= 1;
	}
	want = walk_len(fn, sn) + (pow2 ? 0 : 1);
	if (n != want)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "consistency proof: %zu hashes, expected %zu", n, want);
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		res = sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* A power-of-two old tree is itself the first node: RFC 9162 step 2
	 * prepends root1 instead of sending it. */
	memcpy(fr, pow2 ? root1 : proof[0], sizeof(fr));
	memcpy(sr, fr, sizeof(sr));
	for (j = pow2 ? 0 : 1; j < n; j++) {
		if (sn == 0) {
			res = sgn_errf(eb, SGN_ERR_VERIFY,
			    "consistency proof: too many hashes");
			goto out;
		}
		if ((fn & 1) != 0 || fn == sn) {
			ok = node(ctx, proof[j], fr, fr) &&
			    node(ctx, proof[j], sr, sr);
			while ((fn & 1) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			ok = node(ctx, sr, proof[j], sr);
		if (!ok) {
			res = sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
			    "consistency proof: hashing failed");
			goto out;
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0) {
		res = sgn_errf(eb, SGN_ERR_VERIFY,
		    "consistency proof: too few hashes");
		goto out;
	}
	if (memcmp(fr, root1, sizeof(fr)) != 0) {
		res = mismatch(eb, "consistency proof", "old root hash", fr,
		    root1);
		goto out;
	}
	if (memcmp(sr, root2, sizeof(sr)) != 0) {
		res = mismatch(eb, "consistency proof", "new root hash", sr,
		    root2);
		goto out;
	}
	res = SGN_OK;
out:
	EVP_MD_CTX_free(ctx);
	return res;
}
