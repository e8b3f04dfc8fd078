/*
 * libFuzzer harness for the identity token parser: every input is a
 * candidate JWT, read at a fixed time for the audience "sigstore".  A
 * parsed token must hold what the parser documents, and picking the
 * proof-of-possession claim must agree with it.  Seeds
 * (testdata/fuzz/oidc_fuzz/): tokens shaped like those of the public-good
 * issuer, GitHub Actions, GitLab and Google, and broken variants.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oidc.h"

#define FUZZ_NOW	((int64_t)1767225600)	/* 2026-01-01 */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_oidc_token t;
	struct sgn_errbuf eb;
	const char *ch = NULL;
	size_t i;
	int found = 0;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	if (sgn_oidc_token_parse((const char *)data, size, NULL, FUZZ_NOW, &t,
	    &eb) != SGN_OK) {
		if (t.jwt.ptr != NULL || t.issuer != NULL || eb.msg[0] == '\0')
			abort();
		return 0;
	}
	if (size > SGN_OIDC_MAX_TOKEN || t.jwt.len != size ||
	    memcmp(t.jwt.ptr, data, size) != 0 || t.issuer == NULL ||
	    t.subject == NULL || t.issuer[0] == '\0' ||
	    t.subject[0] == '\0' || t.n_aud == 0 ||
	    t.n_aud > SGN_OIDC_MAX_AUD ||
	    t.exp < FUZZ_NOW - SGN_OIDC_LEEWAY ||
	    t.nbf > FUZZ_NOW + SGN_OIDC_LEEWAY)
		abort();
	for (i = 0; i < t.n_aud; i++) {
		if (t.aud[i] == NULL)
			abort();
		if (strcmp(t.aud[i], SGN_OIDC_DEFAULT_AUDIENCE) == 0)
			found = 1;
	}
	if (!found)
		abort();
	sgn_errbuf_clear(&eb);
	r = sgn_oidc_token_challenge(&t, &ch, &eb);
	if (t.email != NULL && !t.email_verified) {
		if (r != SGN_ERR_POLICY || ch != NULL)
			abort();
	} else if (r != SGN_OK || ch != (t.email != NULL ? t.email :
	    t.subject)) {
		abort();
	}
	sgn_oidc_token_reset(&t);
	return 0;
}
