/*
 * libFuzzer harness for the plan documents of cluster hashing
 * (cluster.c): every input is tried as a plan.  None may crash; a plan
 * that parses must write back a document that parses to a plan with the
 * same digest, units and parts.  Seeds (testdata/fuzz/plan_fuzz/): plans
 * of a small tree, in files and in shards.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_manifest_plan	*p = NULL, *back = NULL;
	struct sgn_buf			 b;

	if (sgn_manifest_plan_parse(data, size, &p, NULL) != SGN_OK)
		return 0;
	memset(&b, 0, sizeof(b));
	if (sgn_manifest_plan_write(p, &b, NULL) != SGN_OK ||
	    sgn_manifest_plan_parse(b.ptr, b.len, &back, NULL) != SGN_OK ||
	    memcmp(sgn_manifest_plan_digest(p), sgn_manifest_plan_digest(back),
	    32) != 0 ||
	    sgn_manifest_plan_units(p) != sgn_manifest_plan_units(back) ||
	    sgn_manifest_plan_parts(p) != sgn_manifest_plan_parts(back))
		abort();
	sgn_buf_reset(&b);
	sgn_manifest_plan_free(&back);
	sgn_manifest_plan_free(&p);
	return 0;
}
