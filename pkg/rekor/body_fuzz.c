/*
 * libFuzzer harness for the Rekor entry body parser: every input is a
 * candidate canonicalizedBody (hashedrekord 0.0.1 and 0.0.2, dsse 0.0.1,
 * intoto 0.0.2).  What parses must be whole: a kind, a digest of its
 * algorithm's length, a signature and a verifier.
 * Seeds (testdata/fuzz/body_fuzz/): the decoded bodies of the conformance
 * suite's bundles, one of each kind.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core.h"
#include "rekor.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_rekor_body *b = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	if (sgn_rekor_body_parse(data, size, &b, &eb) != SGN_OK) {
		if (b != NULL || eb.msg[0] == '\0')
			abort();
		return 0;
	}
	if (b == NULL || b->kind_name[0] == '\0' ||
	    b->api_version[0] == '\0' || b->digest_len == 0 ||
	    b->digest_len > SGN_MAX_DIGEST ||
	    b->digest_len != sgn_hash_len(b->hash) ||
	    b->sig == NULL || b->sig_len == 0 || b->verifier == NULL ||
	    b->verifier_len == 0)
		abort();
	sgn_rekor_body_free(&b);
	if (b != NULL)
		abort();
	return 0;
}
