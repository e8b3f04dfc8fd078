/*
 * json: a strict layer over cJSON for untrusted documents (bundles,
 * trusted roots, service replies), following the protobuf JSON mapping
 * (https://protobuf.dev/programming-guides/json/) that Sigstore uses.
 *
 * - The whole input must be one JSON value, valid UTF-8, no trailing bytes,
 *   no NUL bytes, nesting at most SGN_JSON_MAX_DEPTH, and no object may
 *   hold the same key twice (cJSON would keep both silently).
 * - The number of values is capped before cJSON builds anything: cJSON
 *   spends about 80 bytes on each, so 16 MiB of "[0,0,..." would take
 *   640 MiB.  SGN_JSON_MAX_VALUES (about 20 MiB of nodes) for documents
 *   of a known shape; a document that lists data (a model's manifest)
 *   gets sgn_json_list_max_values() of its length.
 * - Members are looked up case-sensitively; `null` counts as absent, as
 *   protobuf JSON defines it.
 * - int64 values are read from strings (or integral numbers below 2^53),
 *   never through double.
 *
 * Every getter names the offending member in its error: the caller passes
 * `where`, a path such as "bundle.verificationMaterial".
 */
#ifndef SGN_JSON_H
#define SGN_JSON_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SGN_JSON_MAX_DEPTH	64
#define SGN_JSON_MAX_VALUES	(1u << 18)
/*
 * Bytes a value of a list document takes at least, on average: a manifest
 * entry {"algorithm":"sha256","digest":"<64 hex>","name":"a"}, is 4
 * values in about 100 bytes (a v0.2 subject, 4 in 98).
 */
#define SGN_JSON_LIST_VALUE_BYTES	24

enum {
	SGN_JSON_OPTIONAL = 0,
	SGN_JSON_REQUIRED = 1,
};

/*
 * Parses (buf, len).  On success *outp is a tree to free with
 * cJSON_Delete().  what names the document in errors ("bundle").
 */
sgn_err	sgn_json_parse(const uint8_t *buf, size_t len, const char *what,
	    cJSON **outp, struct sgn_errbuf *eb);

/*
 * As sgn_json_parse(), with at most max_values values (objects, arrays,
 * strings, numbers and literals; member names are not values).  More is
 * SGN_ERR_LIMIT "<what>: too many JSON values (more than N)", found by
 * the grammar pass before cJSON allocates anything.  sgn_json_parse()
 * takes SGN_JSON_MAX_VALUES.
 */
sgn_err	sgn_json_parse_max(const uint8_t *buf, size_t len, const char *what,
	    size_t max_values, cJSON **outp, struct sgn_errbuf *eb);

/* The cap for a list document of len bytes: len /
 * SGN_JSON_LIST_VALUE_BYTES, and never below SGN_JSON_MAX_VALUES. */
size_t	sgn_json_list_max_values(size_t len);

/* The member key of obj, or NULL when absent or null. */
const cJSON *sgn_json_member(const cJSON *obj, const char *key);

/* Typed getters.  With SGN_JSON_OPTIONAL an absent member gives SGN_OK and
 * *out = NULL (or 0); a present member of the wrong type is always an
 * error. */
sgn_err	sgn_json_get_object(const cJSON *obj, const char *key, int required,
	    const char *where, const cJSON **out, struct sgn_errbuf *eb);
sgn_err	sgn_json_get_array(const cJSON *obj, const char *key, int required,
	    const char *where, const cJSON **out, struct sgn_errbuf *eb);
sgn_err	sgn_json_get_string(const cJSON *obj, const char *key, int required,
	    const char *where, const char **out, struct sgn_errbuf *eb);
/* A string member that must not be empty when required. */
sgn_err	sgn_json_get_int64(const cJSON *obj, const char *key, int required,
	    const char *where, int64_t *out, int *present,
	    struct sgn_errbuf *eb);
sgn_err	sgn_json_get_uint32(const cJSON *obj, const char *key, int required,
	    const char *where, uint32_t *out, struct sgn_errbuf *eb);
sgn_err	sgn_json_get_bool(const cJSON *obj, const char *key, int required,
	    const char *where, int *out, struct sgn_errbuf *eb);
/* base64 bytes; *out is malloc'd (NULL when absent). */
sgn_err	sgn_json_get_bytes(const cJSON *obj, const char *key, int required,
	    const char *where, uint8_t **out, size_t *outlen,
	    struct sgn_errbuf *eb);
/* RFC 3339 time. */
sgn_err	sgn_json_get_time(const cJSON *obj, const char *key, int required,
	    const char *where, struct sgn_time *out, int *present,
	    struct sgn_errbuf *eb);

/* Reads an int64 from a string of decimal digits (optional leading '-'),
 * consuming all of it. */
sgn_err	sgn_json_parse_int64(const char *s, int64_t *out);

/*
 * Canonical JSON writers for signed or hashed documents.  cJSON's printer
 * goes through double and escapes differently, so these build bytes
 * directly.  sgn_jcs_string appends a JSON string per RFC 8785 (escape
 * '"', '\\' and control characters).
 */
sgn_err	sgn_jcs_string(struct sgn_buf *b, const char *s, size_t n,
	    struct sgn_errbuf *eb);

/*
 * RFC 8785 (JCS) serialization of a parsed tree: object members sorted by
 * key (UTF-16 code units; byte order for the ASCII keys Sigstore uses),
 * no whitespace.  Numbers must be integers that double represents exactly.
 */
sgn_err	sgn_jcs_tree(struct sgn_buf *b, const cJSON *node,
	    struct sgn_errbuf *eb);

#ifdef __cplusplus
}
#endif

#endif /* SGN_JSON_H */
