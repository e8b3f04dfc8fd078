/*
 * libFuzzer harness for the verifier as a whole: every input is a
 * candidate bundle, verified against the embedded production trusted root
 * for the conformance suite's artifact (a.txt) and identity.  The
 * verifier must never crash, and a bundle it accepts must report an
 * identity.  Seeds (testdata/fuzz/verify_fuzz/): the conformance bundles
 * and the protocol vectors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* testdata/conformance/a.txt */
static const char artifact[] = "DO NOT MODIFY ME!\n\n"
    "this is \"a.txt\", a sample input for sigstore-conformance's test "
    "suite.\n\nDO NOT MODIFY ME!\n";

static struct sgn_trusted_root *root;
static struct sgn_verifier *verifier;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_bundle *b = NULL;
	struct sgn_artifact art;
	struct sgn_policy pol;
	struct sgn_verify_result res = SGN_VERIFY_RESULT_INIT;
	struct sgn_errbuf eb;
	sgn_err r;

	if (root == NULL &&
	    (sgn_trusted_root_embedded(0, &root, NULL) != SGN_OK ||
	    sgn_verifier_new(root, &verifier, NULL) != SGN_OK))
		abort();
	if (sgn_bundle_parse(data, size, &b, NULL) != SGN_OK)
		return 0;
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	art.data = (const uint8_t *)artifact;
	art.len = sizeof(artifact) - 1;
	pol = (struct sgn_policy)SGN_POLICY_INIT;
	pol.identity_regexp = ".*";
	pol.issuer_regexp = ".*";
	sgn_errbuf_clear(&eb);
	r = sgn_verify(verifier, b, &art, &pol, &res, &eb);
	if (r == SGN_OK && (!res.verified || res.identity == NULL))
		abort();
	if (r != SGN_OK && (res.verified || eb.msg[0] == '\0'))
		abort();
	sgn_verify_result_reset(&res);
	sgn_bundle_free(&b);
	return 0;
}
