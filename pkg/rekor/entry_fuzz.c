/*
 * libFuzzer harness for the parsers of Rekor's replies to an upload: the
 * Rekor v1 entry reply ({"<uuid>": {body, integratedTime, logID,
 * verification}}, sgn_rekor_v1_entry_parse) and the Rekor v2 reply, a
 * TransparencyLogEntry (sgn_tlog_entry_parse).  Each input goes to both.
 * What parses must be whole (a body, a log ID, a proof within its tree),
 * and a failure must leave the entry empty.
 * Seeds (testdata/fuzz/entry_fuzz/): v1 replies of the local testbed's
 * log and the tlog entries of the conformance suite's bundles.
 */
#include <stdint.h>
#include <stdlib.h>

#include "bundle.h"
#include "core.h"
#include "rekor.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(sgn_err r, struct sgn_tlog_entry *e, const struct sgn_errbuf *eb)
{
	if (r != SGN_OK) {
		if (e->body.ptr != NULL || e->hashes != NULL ||
		    e->checkpoint != NULL || e->set.ptr != NULL ||
		    eb->msg[0] == '\0')
			abort();
		return;
	}
	if (e->body.ptr == NULL || e->body.len == 0 || e->log_index < 0 ||
	    (e->has_proof && (e->proof_index < 0 || e->tree_size <= 0 ||
	    e->proof_index >= e->tree_size || (e->n_hashes > 0 &&
	    e->hashes == NULL))))
		abort();
	sgn_tlog_entry_reset(e);
	if (e->body.ptr != NULL || e->hashes != NULL || e->checkpoint != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_tlog_entry e;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	check(sgn_rekor_v1_entry_parse(data, size, &e, &eb), &e, &eb);
	sgn_errbuf_clear(&eb);
	check(sgn_tlog_entry_parse(data, size, &e, &eb), &e, &eb);
	return 0;
}
