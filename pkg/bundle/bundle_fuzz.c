/*
 * libFuzzer harness for the bundle parser: every input is a candidate
 * bundle.  A parsed bundle must respect the parser's documented limits.
 * Seeds (testdata/fuzz/bundle_fuzz/): the conformance bundles and the
 * protocol vectors.
 */
#include <stdint.h>
#include <stdlib.h>

#include "bundle.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_bundle *b = NULL;
	struct sgn_errbuf eb;
	size_t i;

	sgn_errbuf_clear(&eb);
	if (sgn_bundle_parse(data, size, &b, &eb) != SGN_OK) {
		if (b != NULL || eb.msg[0] == '\0')
			abort();
		return 0;
	}
	if (b->n_entries > SGN_BUNDLE_MAX_TLOG_ENTRIES ||
	    b->n_timestamps > SGN_BUNDLE_MAX_TIMESTAMPS ||
	    (b->material != SGN_MATERIAL_PUBLIC_KEY && b->n_certs == 0) ||
	    b->n_certs > SGN_BUNDLE_MAX_CHAIN ||
	    (b->key_details != NULL && b->key_raw.len == 0) ||
	    b->signature.len == 0)
		abort();
	for (i = 0; i < b->n_entries; i++)
		if (b->entries[i].body.len == 0 ||
		    (b->entries[i].has_proof && b->entries[i].proof_index >=
		    b->entries[i].tree_size))
			abort();
	sgn_bundle_free(&b);
	return 0;
}
