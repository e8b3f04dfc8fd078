/*
 * libFuzzer harness for the signing config parser: every input is a
 * candidate signing_config.json (v0.2).  What parses must be whole (each
 * service has a URL), and service selection runs on it.
 * Seeds (testdata/fuzz/signing_fuzz/): the public-good and Rekor v2
 * signing configs of third_party/sigstore and those of the tests.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core.h"
#include "trust.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
services(const struct sgn_service *s, size_t n)
{
	size_t i;

	if (n > 0 && s == NULL)
		abort();
	for (i = 0; i < n; i++)
		if (s[i].url == NULL || s[i].url[0] == '\0')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_signing_config *c = NULL;
	struct sgn_selection sel;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	if (sgn_signing_config_parse(data, size, &c, &eb) != SGN_OK) {
		if (c != NULL || eb.msg[0] == '\0')
			abort();
		return 0;
	}
	services(c->ca, c->n_ca);
	services(c->oidc, c->n_oidc);
	services(c->rekor, c->n_rekor);
	services(c->tsa, c->n_tsa);
	/* 2026-01-01: what is chosen comes from the config */
	if (sgn_signing_config_select(c, sgn_time_from_sec(1767225600), &sel,
	    NULL) == SGN_OK && (sel.ca == NULL || sel.ca < c->ca ||
	    sel.ca >= c->ca + c->n_ca || sel.n_rekor == 0 ||
	    sel.n_rekor > SGN_MAX_SELECTED || sel.n_tsa > SGN_MAX_SELECTED))
		abort();
	sgn_signing_config_free(&c);
	if (c != NULL)
		abort();
	return 0;
}
