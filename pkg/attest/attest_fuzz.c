/*
 * libFuzzer harness for the attestation parsers: every input is a
 * candidate predicate, checked as a SLSA v1 provenance
 * (sgn_attest_slsa_check()), as any predicate, and put in a statement
 * (sgn_attest_statement()).  They must never crash; a refusal must say
 * why; a provenance accepted by one must be accepted by the others, and
 * the statement built from it must not be empty.  Seeds
 * (testdata/fuzz/attest_fuzz/): provenances signet wrote, the SLSA
 * specification's example, and predicates that break one rule each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_attest_subject	s;
	struct sgn_errbuf		eb;
	struct sgn_buf			out;
	static char			name[] = "model";
	sgn_err				r1, r2, r3;

	sgn_errbuf_clear(&eb);
	r1 = sgn_attest_slsa_check(data, size, &eb);
	if (r1 != SGN_OK && eb.msg[0] == '\0')
		abort();
	sgn_errbuf_clear(&eb);
	r2 = sgn_attest_predicate_check(SGN_ATTEST_SLSA_V1, data, size, &eb);
	if ((r1 == SGN_OK) != (r2 == SGN_OK) && r1 != SGN_ERR_NOMEM &&
	    r2 != SGN_ERR_NOMEM)
		abort();
	memset(&s, 0, sizeof(s));
	s.name = name;
	sgn_buf_init(&out, 0);
	sgn_errbuf_clear(&eb);
	r3 = sgn_attest_statement(&s, 1, SGN_ATTEST_SLSA_V1, data, size, &out,
	    &eb);
	if (r3 != SGN_OK && eb.msg[0] == '\0')
		abort();
	if (r3 == SGN_OK && (r1 != SGN_OK || out.len == 0))
		abort();
	sgn_buf_reset(&out);
	sgn_errbuf_clear(&eb);
	(void)sgn_attest_predicate_check("https://example.com/t", data, size,
	    &eb);
	return 0;
}
