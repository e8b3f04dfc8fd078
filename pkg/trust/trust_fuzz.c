/*
 * libFuzzer harness for the trusted-root parser: every input is a
 * candidate trusted_root.json.  Lookups run on whatever parses.
 * Seeds (testdata/fuzz/trust_fuzz/): the production and staging roots and
 * the conformance suite's custom roots.
 */
#include <stdint.h>
#include <stdlib.h>

#include "trust.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_trusted_root *r = NULL;
	const struct sgn_log *logs;
	const struct sgn_authority *cas;
	size_t n, i;

	if (sgn_trusted_root_parse(data, size, &r, NULL) != SGN_OK) {
		if (r != NULL)
			abort();
		return 0;
	}
	logs = sgn_trusted_root_tlogs(r, &n);
	for (i = 0; i < n; i++)
		if (logs[i].key == NULL || sgn_trusted_root_find_tlog(r,
		    logs[i].log_id, 32) == NULL)
			abort();
	cas = sgn_trusted_root_cas(r, &n);
	for (i = 0; i < n; i++)
		if (cas[i].chain_len == 0 || cas[i].chain == NULL)
			abort();
	sgn_trusted_root_free(&r);
	return 0;
}
