/*
 * libFuzzer harness for the in-toto statement parser (the payload of a
 * DSSE envelope): every input is a candidate statement.  What parses
 * must be whole (a type, 1 to SGN_INTOTO_MAX_SUBJECTS subjects, SHA-2
 * digests of their algorithm's length), and each subject's SHA-2 digest
 * must be found again by sgn_intoto_find().
 * Seeds (testdata/fuzz/intoto_fuzz/): the statements of the conformance
 * suite's DSSE bundles.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core.h"
#include "dsse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_intoto_statement *s = NULL;
	const struct sgn_intoto_digest *d;
	struct sgn_errbuf eb;
	size_t i, j;

	sgn_errbuf_clear(&eb);
	if (sgn_intoto_parse(data, size, &s, &eb) != SGN_OK) {
		if (s != NULL || eb.msg[0] == '\0')
			abort();
		return 0;
	}
	/* predicateType may be absent (dsse_test: a statement without one) */
	if (s == NULL || s->type == NULL || s->n_subjects == 0 ||
	    s->n_subjects > SGN_INTOTO_MAX_SUBJECTS || s->subjects == NULL)
		abort();
	for (i = 0; i < s->n_subjects; i++) {
		for (j = 0; j < s->subjects[i].n_digests; j++) {
			d = &s->subjects[i].digests[j];
			if (d->alg == NULL)
				abort();
			if (d->hash == SGN_HASH_NONE)
				continue;
			if (d->len != sgn_hash_len(d->hash) ||
			    sgn_intoto_find(s, d->hash, d->value, d->len) ==
			    NULL)
				abort();
		}
	}
	sgn_intoto_free(&s);
	if (s != NULL)
		abort();
	return 0;
}
