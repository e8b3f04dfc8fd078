/*
 * verify_bench: verifications per second through the library, in one
 * process on one core, for one bundle:
 *
 *   verify_bench TRUSTED_ROOT|- BUNDLE ARTIFACT IDENTITY ISSUER [SECONDS]
 *
 * Each verification parses the bundle and verifies it completely, with a
 * verifier shared across iterations: warm (its certificate-path memo on)
 * and cold (memo off: every certificate path validated again).  A
 * reference in the same run: raw ECDSA P-256 verifications per second by
 * OpenSSL, so figures can be compared across noisy machines as ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "bundle.h"
#include "verify.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
one(struct sgn_verifier *v, const uint8_t *buf, size_t len,
    const struct sgn_artifact *art, const struct sgn_policy *pol)
{
	struct sgn_bundle *b = NULL;
	struct sgn_verify_result res = SGN_VERIFY_RESULT_INIT;
	struct sgn_errbuf eb;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	if ((r = sgn_bundle_parse(buf, len, &b, &eb)) == SGN_OK)
		r = sgn_verify(v, b, art, pol, &res, &eb);
	if (r != SGN_OK) {
		fprintf(stderr, "verify_bench: %s\n", eb.msg);
		return -1;
	}
	sgn_verify_result_reset(&res);
	sgn_bundle_free(&b);
	return 0;
}

static double
rate(struct sgn_verifier *v, const uint8_t *buf, size_t len,
    const struct sgn_artifact *art, const struct sgn_policy *pol,
    double secs)
{
	double t0 = now(), t;
	long n = 0;

	do {
		if (one(v, buf, len, art, pol) != 0)
			return -1;
		n++;
	} while ((t = now()) - t0 < secs);
	return (double)n / (t - t0);
}

static double
p256_rate(double secs)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[128], msg[32] = { 1 };
	size_t siglen = sizeof(sig);
	double t0, t;
	long n = 0;

	if (k == NULL || ctx == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, msg, sizeof(msg)) != 1)
		return -1;
	t0 = now();
	do {
		EVP_MD_CTX_reset(ctx);
		if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k) !=
		    1 || EVP_DigestVerify(ctx, sig, siglen, msg, sizeof(msg)) !=
		    1)
			return -1;
		n++;
	} while ((t = now()) - t0 < secs);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return (double)n / (t - t0);
}

int
main(int argc, char **argv)
{
	struct sgn_trusted_root *root = NULL;
	struct sgn_verifier *v = NULL;
	struct sgn_artifact art;
	struct sgn_policy pol;
	struct sgn_errbuf eb;
	uint8_t *buf = NULL;
	size_t len;
	double secs = argc > 6 ? atof(argv[6]) : 2.0, warm, cold, ref;

	if (argc < 6) {
		fprintf(stderr, "usage: verify_bench TRUSTED_ROOT|- BUNDLE "
		    "ARTIFACT IDENTITY ISSUER [SECONDS]\n");
		return 2;
	}
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	sgn_errbuf_clear(&eb);
	if ((strcmp(argv[1], "-") == 0 ?
	    sgn_trusted_root_embedded(0, &root, &eb) :
	    sgn_trusted_root_load(argv[1], &root, &eb)) != SGN_OK ||
	    sgn_verifier_new(root, &v, &eb) != SGN_OK ||
	    sgn_file_read(argv[2], SGN_MAX_BUNDLE_BYTES, &buf, &len, &eb) !=
	    SGN_OK) {
		fprintf(stderr, "verify_bench: %s\n", eb.msg);
		return 2;
	}
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	art.path = argv[3];
	pol = (struct sgn_policy)SGN_POLICY_INIT;
	pol.identity = argv[4];
	pol.issuer = argv[5];

	if (one(v, buf, len, &art, &pol) != 0)
		return 1;
	warm = rate(v, buf, len, &art, &pol, secs);
	sgn_verifier_set_cache(v, 0);
	cold = rate(v, buf, len, &art, &pol, secs);
	ref = p256_rate(secs / 2);
	if (warm < 0 || cold < 0 || ref < 0)
		return 1;
	printf("library, warm verifier:  %8.0f verifications/s "
	    "(%.0f us each, one core)\n", warm, 1e6 / warm);
	printf("library, cold verifier:  %8.0f verifications/s "
	    "(%.0f us each: every certificate path validated)\n", cold,
	    1e6 / cold);
	printf("reference, OpenSSL:      %8.0f ECDSA P-256 "
	    "verifications/s (one bundle verification = %.1f of them warm, "
	    "%.1f cold)\n", ref, ref / warm, ref / cold);
	sgn_verifier_free(&v);
	sgn_trusted_root_free(&root);
	free(buf);
	return 0;
}
