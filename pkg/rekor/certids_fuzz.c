/*
 * libFuzzer harness for sgn_rekor_cert_ids(), the light read of a
 * certificate `signet tlog watch` matches identities on, against the
 * full parse: when the light read is sure, the full parse
 * (sgn_cert_from_der()) must take the certificate, or refuse only its
 * key (the one thing the light read does not decode), and read the same
 * SANs, in order, and the same OIDC issuer.  The harness aborts
 * otherwise.  Seeds: testdata/fuzz/certids_fuzz/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rekor.h"
#include "x509.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const char *p, size_t n, const char *s)
{
	return s != NULL && strlen(s) == n && memcmp(p, s, n) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_rekor_cert_ids ids;
	struct sgn_cert *c = NULL;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	char *iss = NULL;
	size_t n = 0, i;

	if (sgn_rekor_cert_ids(data, size, &ids) != 1)
		return 0;
	sgn_errbuf_clear(&eb);
	if (sgn_cert_from_der(data, size, &c, &eb) != SGN_OK) {
		if (strstr(eb.msg, "public key") == NULL)
			abort();
		return 0;
	}
	if (sgn_cert_sans(c, &sans, &n, &eb) != SGN_OK || n != ids.n_sans)
		abort();
	for (i = 0; i < n; i++)
		if ((int)sans[i].type != ids.sans[i].type ||
		    !same(ids.sans[i].value, ids.sans[i].len, sans[i].value))
			abort();
	if (sgn_cert_oidc_issuer(c, &iss, &eb) != SGN_OK ||
	    (iss == NULL) != (ids.issuer == NULL) ||
	    (iss != NULL && !same(ids.issuer, ids.issuer_len, iss)))
		abort();
	free(iss);
	sgn_sans_free(&sans, &n);
	sgn_cert_free(&c);
	return 0;
}
