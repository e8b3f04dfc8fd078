/*
 * SHA-2 digests through OpenSSL's EVP interface, one-shot and streamed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core.h"

size_t
sgn_hash_len(sgn_hash_alg alg)
{
	switch (alg) {
	case SGN_HASH_SHA256:
		return 32;
	case SGN_HASH_SHA384:
		return 48;
	case SGN_HASH_SHA512:
		return 64;
	default:
		return 0;
	}
}

const char *
sgn_hash_name(sgn_hash_alg alg)
{
	switch (alg) {
	case SGN_HASH_SHA256:
		return "sha256";
	case SGN_HASH_SHA384:
		return "sha384";
	case SGN_HASH_SHA512:
		return "sha512";
	default:
		return "none";
	}
}

const char *
sgn_hash_proto_name(sgn_hash_alg alg)
{
	switch (alg) {
	case SGN_HASH_SHA256:
		return "SHA2_256";
	case SGN_HASH_SHA384:
		return "SHA2_384";
	case SGN_HASH_SHA512:
		return "SHA2_512";
	default:
		return "HASH_ALGORITHM_UNSPECIFIED";
	}
}

sgn_hash_alg
sgn_hash_from_name(const char *name)
{
	if (name == NULL)
		return SGN_HASH_NONE;
	if (strcmp(name, "sha256") == 0)
		return SGN_HASH_SHA256;
	if (strcmp(name, "sha384") == 0)
		return SGN_HASH_SHA384;
	if (strcmp(name, "sha512") == 0)
		return SGN_HASH_SHA512;
	return SGN_HASH_NONE;
}

sgn_hash_alg
sgn_hash_from_proto_name(const char *name)
{
	if (name == NULL)
		return SGN_HASH_NONE;
	if (strcmp(name, "SHA2_256") == 0)
		return SGN_HASH_SHA256;
	if (strcmp(name, "SHA2_384") == 0)
		return SGN_HASH_SHA384;
	if (strcmp(name, "SHA2_512") == 0)
		return SGN_HASH_SHA512;
	return SGN_HASH_NONE;
}

const EVP_MD *
sgn_hash_evp(sgn_hash_alg alg)
{
	switch (alg) {
	case SGN_HASH_SHA256:
		return EVP_sha256();
	case SGN_HASH_SHA384:
		return EVP_sha384();
	case SGN_HASH_SHA512:
		return EVP_sha512();
	default:
		return NULL;
	}
}

sgn_err
sgn_hash(sgn_hash_alg alg, const void *p, size_t n, uint8_t *out,
    struct sgn_errbuf *eb)
{
	const EVP_MD *md = sgn_hash_evp(alg);
	unsigned int len = 0;

	if (md == NULL)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "unsupported hash algorithm");
	if (EVP_Digest(p, n, out, &len, md, NULL) != 1)
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "digest failed");
	return SGN_OK;
}

#define HASH_CHUNK (1024 * 1024)

sgn_err
sgn_hash_file(sgn_hash_alg alg, const char *path, uint8_t *out,
    struct sgn_errbuf *eb)
{
	const EVP_MD *md = sgn_hash_evp(alg);
	EVP_MD_CTX *ctx = NULL;
	uint8_t *chunk = NULL;
	unsigned int len = 0;
	int fd = -1;
	sgn_err r = SGN_ERR_IO;
	ssize_t n;

	if (md == NULL)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "unsupported hash algorithm");
	if ((r = sgn_file_open_read(path, &fd, eb)) != SGN_OK)
		return r;
	r = SGN_ERR_IO;
#ifdef POSIX_FADV_SEQUENTIAL
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	if ((chunk = malloc(HASH_CHUNK)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, md, NULL) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "digest init failed");
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, HASH_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = sgn_errf(eb, SGN_ERR_IO, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (EVP_DigestUpdate(ctx, chunk, (size_t)n) != 1) {
			r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "digest failed");
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(ctx, out, &len) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "digest failed");
		goto out;
	}
	r = SGN_OK;
out:
	EVP_MD_CTX_free(ctx);
	free(chunk);
	if (fd >= 0 && fd != STDIN_FILENO)
		close(fd);
	return r;
}
