/*
 * libFuzzer harness for the parsers of pkg/manifest: every input is tried
 * as an OMS statement and as a digest-state file.  Neither may crash; a
 * statement that parses must write back a statement that parses to the
 * same manifest (v1.0 with sha256 or blake2b), and its comparison with
 * itself must find no difference.  Seeds (testdata/fuzz/manifest_fuzz/):
 * the payload goldens, the statements of the signed vectors, a state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_manifest	*m = NULL, *back = NULL;
	struct sgn_buf		 b;

	if (sgn_manifest_state_read(data, size, &m, NULL) == SGN_OK) {
		memset(&b, 0, sizeof(b));
		if (sgn_manifest_state_write(m, &b, NULL) != SGN_OK ||
		    sgn_manifest_state_read(b.ptr, b.len, &back, NULL) !=
		    SGN_OK || sgn_manifest_compare(m, back, NULL, NULL) != 0)
			abort();
		sgn_buf_reset(&b);
		sgn_manifest_free(&back);
		sgn_manifest_free(&m);
	}
	if (sgn_manifest_parse_statement(data, size, &m, NULL) != SGN_OK)
		return 0;
	if (sgn_manifest_compare(m, m, NULL, NULL) != 0)
		abort();
	if (!m->legacy && m->hash != SGN_MANIFEST_BLAKE3) {
		memset(&b, 0, sizeof(b));
		if (sgn_manifest_statement(m, &b, NULL) != SGN_OK ||
		    sgn_manifest_parse_statement(b.ptr, b.len, &back, NULL) !=
		    SGN_OK || sgn_manifest_compare(m, back, NULL, NULL) != 0 ||
		    memcmp(m->root, back->root, 32) != 0)
			abort();
		sgn_buf_reset(&b);
		sgn_manifest_free(&back);
	}
	sgn_manifest_free(&m);
	return 0;
}
