/*
 * attest_int.h: what the files of pkg/attest share.
 */
#ifndef SGN_ATTEST_INT_H
#define SGN_ATTEST_INT_H

#include <cjson/cJSON.h>

#include "attest.h"

/* (json, len) as one JSON object (pkg/json, finite numbers, capped);
 * SGN_ERR_PARSE "<what>: ..." otherwise. */
sgn_err	attest_parse_object(const uint8_t *json, size_t len,
	    const char *what, cJSON **out, struct sgn_errbuf *eb);
/* SLSA v1 field rules on a parsed predicate. */
sgn_err	attest_slsa_check_tree(const cJSON *pred, struct sgn_errbuf *eb);
/* 1 when s is an absolute URI: scheme ":" then no space or control. */
int	attest_is_uri(const char *s);
/* Appends t, unformatted. */
sgn_err	attest_print(const cJSON *t, struct sgn_buf *out,
	    struct sgn_errbuf *eb);

#endif /* SGN_ATTEST_INT_H */
