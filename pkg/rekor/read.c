/*
 * Reading a transparency log as an auditor does.
 *
 * Rekor v1 (https://github.com/sigstore/rekor/blob/main/openapi.yaml):
 * GET /api/v1/log (LogInfo: the active shard's signed tree head, tree ID
 * and size, and the inactive shards), GET /api/v1/log/proof (a
 * consistency proof), GET /api/v1/log/entries?logIndex= and
 * /api/v1/log/entries/{uuid}.  Rekor v2 and any C2SP tlog-tiles log:
 * <prefix>/checkpoint and <prefix>/tile/... (tiles.c in pkg/tlog hashes
 * them).  Replies are parsed strictly and capped; nothing is verified
 * here except their shape (audit.c verifies).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "http.h"
#include "json.h"
#include "rekor.h"
#include "rekor_client.h"
#include "tlog.h"

#define LI "Rekor log info"
#define PR "Rekor consistency proof"

void
sgn_rekor_log_info_reset(struct sgn_rekor_log_info *li)
{
	size_t i;

	if (li == NULL)
		return;
	free(li->active.checkpoint);
	for (i = 0; i < li->n_inactive; i++)
		free(li->inactive[i].checkpoint);
	free(li->inactive);
	memset(li, 0, sizeof(*li));
}

/* A decimal tree ID without sign or leading zeros, 1 to 19 digits. */
static int
tree_id_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 19 || (s[0] == '0' && n > 1))
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* {rootHash, signedTreeHead, treeID, treeSize} */
static sgn_err
parse_shard(const cJSON *o, const char *where, struct sgn_rekor_shard *s,
    struct sgn_errbuf *eb)
{
	const char *root, *sth, *tid;
	int64_t size;
	sgn_err r;

	if (!cJSON_IsObject(o))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: expected an object",
		    where);
	if ((r = sgn_json_get_string(o, "rootHash", SGN_JSON_REQUIRED, where,
	    &root, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(o, "signedTreeHead", SGN_JSON_REQUIRED,
	    where, &sth, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(o, "treeID", SGN_JSON_REQUIRED, where,
	    &tid, eb)) != SGN_OK ||
	    (r = sgn_json_get_int64(o, "treeSize", SGN_JSON_REQUIRED, where,
	    &size, NULL, eb)) != SGN_OK)
		return r;
	if (size < 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: negative treeSize",
		    where);
	if (!tree_id_ok(tid))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: treeID is not a "
		    "decimal tree ID", where);
	if (strlen(root) != 64 || sgn_hex_decode(root, 64, s->root, 32,
	    NULL) != SGN_OK)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: rootHash is not 64 hex "
		    "digits", where);
	if (strlen(sth) > SGN_NOTE_MAX_BYTES)
		return sgn_errf(eb, SGN_ERR_LIMIT, "%s: signedTreeHead too "
		    "long", where);
	snprintf(s->tree_id, sizeof(s->tree_id), "%s", tid);
	s->tree_size = (uint64_t)size;
	if ((s->checkpoint = strdup(sth)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	s->checkpoint_len = strlen(sth);
	return SGN_OK;
}

sgn_err
sgn_rekor_v1_log_info_parse(const uint8_t *json, size_t len,
    struct sgn_rekor_log_info *out, struct sgn_errbuf *eb)
{
	cJSON *root = NULL;
	const cJSON *shards, *it;
	size_t n = 0;
	char where[64];
	sgn_err r;

	if (out == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    LI ": missing argument");
	memset(out, 0, sizeof(*out));
	if ((r = sgn_json_parse(json, len, LI, &root, eb)) != SGN_OK)
		return r;
	if ((r = parse_shard(root, LI, &out->active, eb)) != SGN_OK ||
	    (r = sgn_json_get_array(root, "inactiveShards", SGN_JSON_OPTIONAL,
	    LI, &shards, eb)) != SGN_OK)
		goto out;
	if (shards != NULL && (n = (size_t)cJSON_GetArraySize(shards)) > 0) {
		if (n > SGN_REKOR_MAX_SHARDS) {
			r = sgn_errf(eb, SGN_ERR_LIMIT, LI ": more than %d "
			    "inactive shards", SGN_REKOR_MAX_SHARDS);
			goto out;
		}
		if ((out->inactive = calloc(n, sizeof(*out->inactive))) ==
		    NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		cJSON_ArrayForEach(it, shards) {
			snprintf(where, sizeof(where),
			    LI ".inactiveShards[%zu]", out->n_inactive);
			if ((r = parse_shard(it, where,
			    &out->inactive[out->n_inactive++], eb)) != SGN_OK)
				goto out;
		}
	}
	r = SGN_OK;
out:
	if (r != SGN_OK)
		sgn_rekor_log_info_reset(out);
	cJSON_Delete(root);
	return r;
}

sgn_err
sgn_rekor_v1_proof_parse(const uint8_t *json, size_t len, uint8_t root[32],
    uint8_t (*hashes)[32], size_t *n, struct sgn_errbuf *eb)
{
	cJSON *doc = NULL;
	const cJSON *arr, *h;
	const char *rh;
	size_t i = 0;
	sgn_err r;

	if (root == NULL || hashes == NULL || n == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    PR ": missing argument");
	*n = 0;
	if ((r = sgn_json_parse(json, len, PR, &doc, eb)) != SGN_OK)
		return r;
	if (!cJSON_IsObject(doc)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, PR ": expected an object");
		goto out;
	}
	if ((r = sgn_json_get_string(doc, "rootHash", SGN_JSON_REQUIRED, PR,
	    &rh, eb)) != SGN_OK ||
	    (r = sgn_json_get_array(doc, "hashes", SGN_JSON_OPTIONAL, PR, &arr,
	    eb)) != SGN_OK)
		goto out;
	if (strlen(rh) != 64 || sgn_hex_decode(rh, 64, root, 32, NULL) !=
	    SGN_OK) {
		r = sgn_errf(eb, SGN_ERR_PARSE, PR ": rootHash is not 64 hex "
		    "digits");
		goto out;
	}
	if (arr != NULL && cJSON_GetArraySize(arr) > SGN_TLOG_MAX_PROOF) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, PR ": more than %d hashes",
		    SGN_TLOG_MAX_PROOF);
		goto out;
	}
	if (arr != NULL) {
		cJSON_ArrayForEach(h, arr) {
			if (!cJSON_IsString(h) ||
			    strlen(h->valuestring) != 64 ||
			    sgn_hex_decode(h->valuestring, 64, hashes[i], 32,
			    NULL) != SGN_OK) {
				r = sgn_errf(eb, SGN_ERR_PARSE, PR ": hash %zu "
				    "is not 64 hex digits", i);
				goto out;
			}
			i++;
		}
	}
	*n = i;
	r = SGN_OK;
out:
	cJSON_Delete(doc);
	return r;
}

/* GET url; a reply other than 200 is SGN_ERR_HTTP_STATUS with the log's
 * message. */
static sgn_err
get(struct sgn_http *http, const char *what, const char *url,
    const char *accept, struct sgn_http_response *res,
    struct sgn_errbuf *eb)
{
	struct sgn_http_request req;
	char text[200], hdr[64];
	sgn_err r;

	memset(&req, 0, sizeof(req));
	memset(res, 0, sizeof(*res));
	req.method = "GET";
	req.url = url;
	snprintf(hdr, sizeof(hdr), "Accept: %s", accept);
	req.headers[req.n_headers++] = hdr;
	if ((r = sgn_http_do(http, what, &req, res, eb)) != SGN_OK)
		return r;
	if (res->status != 200) {
		sgn_http_error_text(res, text, sizeof(text));
		return sgn_errf(eb, SGN_ERR_HTTP_STATUS, "%s %.200s: HTTP "
		    "%ld: %s", what, url, res->status, text);
	}
	return SGN_OK;
}

static sgn_err
make_url(char *url, size_t len, struct sgn_errbuf *eb, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static sgn_err
make_url(char *url, size_t len, struct sgn_errbuf *eb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(url, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "URL too long");
	return SGN_OK;
}

sgn_err
sgn_rekor_v1_log_info(struct sgn_http *http, const char *base_url,
    struct sgn_rekor_log_info *out, struct sgn_errbuf *eb)
{
	struct sgn_http_response res;
	struct sgn_errbuf tmp;
	char url[SGN_HTTP_MAX_URL];
	sgn_err r;

	memset(&res, 0, sizeof(res));
	if ((r = make_url(url, sizeof(url), eb, "%s/api/v1/log", base_url)) !=
	    SGN_OK || (r = get(http, "Rekor", url, "application/json", &res,
	    eb)) != SGN_OK)
		goto out;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_rekor_v1_log_info_parse(res.body.ptr, res.body.len, out,
	    &tmp)) != SGN_OK)
		r = sgn_errf(eb, r, "Rekor %.200s: %s", base_url, tmp.msg);
out:
	sgn_http_response_reset(&res);
	return r;
}

sgn_err
sgn_rekor_v1_proof(struct sgn_http *http, const char *base_url,
    const char *tree_id, uint64_t first, uint64_t last, uint8_t root[32],
    uint8_t (*hashes)[32], size_t *n, struct sgn_errbuf *eb)
{
	struct sgn_http_response res;
	struct sgn_errbuf tmp;
	char url[SGN_HTTP_MAX_URL];
	sgn_err r;

	memset(&res, 0, sizeof(res));
	if (tree_id != NULL && !tree_id_ok(tree_id))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "bad tree ID");
	if ((r = make_url(url, sizeof(url), eb, "%s/api/v1/log/proof?"
	    "firstSize=%llu&lastSize=%llu%s%s", base_url,
	    (unsigned long long)first, (unsigned long long)last,
	    tree_id != NULL ? "&treeID=" : "", tree_id != NULL ? tree_id :
	    "")) != SGN_OK ||
	    (r = get(http, "Rekor", url, "application/json", &res, eb)) !=
	    SGN_OK)
		goto out;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_rekor_v1_proof_parse(res.body.ptr, res.body.len, root,
	    hashes, n, &tmp)) != SGN_OK)
		r = sgn_errf(eb, r, "Rekor %.200s: %s", base_url, tmp.msg);
out:
	sgn_http_response_reset(&res);
	return r;
}

sgn_err
sgn_rekor_v1_entry_get(struct sgn_http *http, const char *base_url,
    const char *uuid, int64_t index, struct sgn_tlog_entry *out,
    struct sgn_errbuf *eb)
{
	struct sgn_http_response res;
	struct sgn_errbuf tmp;
	char url[SGN_HTTP_MAX_URL];
	size_t i, n;
	sgn_err r;

	memset(&res, 0, sizeof(res));
	memset(out, 0, sizeof(*out));
	if (uuid != NULL) {
		n = strlen(uuid);
		if (n != 64 && n != 80)
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "UUID "
			    "must be 64 or 80 hex digits");
		for (i = 0; i < n; i++)
			if (!((uuid[i] >= '0' && uuid[i] <= '9') ||
			    (uuid[i] >= 'a' && uuid[i] <= 'f') ||
			    (uuid[i] >= 'A' && uuid[i] <= 'F')))
				return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
				    "UUID must be 64 or 80 hex digits");
		r = make_url(url, sizeof(url), eb, "%s/api/v1/log/entries/%s",
		    base_url, uuid);
	} else if (index < 0)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "negative log index");
	else
		r = make_url(url, sizeof(url), eb,
		    "%s/api/v1/log/entries?logIndex=%lld", base_url,
		    (long long)index);
	if (r != SGN_OK || (r = get(http, "Rekor", url, "application/json",
	    &res, eb)) != SGN_OK)
		goto out;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_rekor_v1_entry_parse(res.body.ptr, res.body.len, out,
	    &tmp)) != SGN_OK)
		r = sgn_errf(eb, r, "Rekor %.200s: %s", base_url, tmp.msg);
out:
	sgn_http_response_reset(&res);
	return r;
}

/* Tiled logs ------------------------------------------------------------ */

sgn_err
sgn_rekor_tiles_get(struct sgn_rekor_tiles *t, const char *path,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	struct sgn_http_response res;
	char url[SGN_HTTP_MAX_URL];
	sgn_err r;

	if (t == NULL || path == NULL || out == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "tiles: missing argument");
	memset(&res, 0, sizeof(res));
	t->requests++;
	if ((r = make_url(url, sizeof(url), eb, "%s/%s", t->prefix, path)) !=
	    SGN_OK || (r = get(t->http, "tlog", url, strcmp(path,
	    "checkpoint") == 0 ? "text/plain" : "application/octet-stream",
	    &res, eb)) != SGN_OK)
		goto out;
	sgn_buf_reset(out);
	*out = res.body;
	memset(&res.body, 0, sizeof(res.body));
out:
	sgn_http_response_reset(&res);
	return r;
}

sgn_err
sgn_rekor_tiles_fetch(void *ctx, int level, uint64_t index, unsigned width,
    uint8_t **out, size_t *len, struct sgn_errbuf *eb)
{
	struct sgn_rekor_tiles *t = ctx;
	struct sgn_buf b;
	char path[128];
	sgn_err r;

	*out = NULL;
	*len = 0;
	memset(&b, 0, sizeof(b));
	if ((r = sgn_tile_path(level, index, width, path, sizeof(path),
	    eb)) != SGN_OK || (r = sgn_rekor_tiles_get(t, path, &b, eb)) !=
	    SGN_OK)
		return r;
	/* a hash tile is never more than 256 hashes */
	if (level >= 0 && b.len > (size_t)SGN_TILE_WIDTH * 32) {
		sgn_buf_reset(&b);
		return sgn_errf(eb, SGN_ERR_LIMIT, "tile %s: too long", path);
	}
	if ((*out = sgn_buf_take(&b, len)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	return SGN_OK;
}

sgn_err
sgn_rekor_v1_entries_retrieve(struct sgn_http *http, const char *base_url,
    const int64_t *indexes, size_t n, struct sgn_tlog_entry *out,
    size_t *n_out, struct sgn_errbuf *eb)
{
	struct sgn_http_request req;
	struct sgn_http_response res;
	struct sgn_errbuf tmp;
	struct sgn_buf body;
	cJSON *doc = NULL;
	const cJSON *it;
	char url[SGN_HTTP_MAX_URL], text[200], *one = NULL;
	size_t i;
	sgn_err r;

	*n_out = 0;
	memset(&res, 0, sizeof(res));
	memset(&body, 0, sizeof(body));
	if (n == 0 || n > SGN_REKOR_RETRIEVE_MAX)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "retrieve: 1 to "
		    "%d entries", SGN_REKOR_RETRIEVE_MAX);
	if ((r = make_url(url, sizeof(url), eb,
	    "%s/api/v1/log/entries/retrieve", base_url)) != SGN_OK ||
	    (r = sgn_buf_append(&body, "{\"logIndexes\":[", 15, eb)) !=
	    SGN_OK)
		goto out;
	for (i = 0; i < n; i++)
		if ((r = sgn_buf_appendf(&body, eb, "%s%lld", i > 0 ? "," : "",
		    (long long)indexes[i])) != SGN_OK)
			goto out;
	if ((r = sgn_buf_append(&body, "]}", 2, eb)) != SGN_OK)
		goto out;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers[req.n_headers++] = "Content-Type: application/json";
	req.headers[req.n_headers++] = "Accept: application/json";
	req.body = body.ptr;
	req.body_len = body.len;
	if ((r = sgn_http_do(http, "Rekor", &req, &res, eb)) != SGN_OK)
		goto out;
	if (res.status != 200) {
		sgn_http_error_text(&res, text, sizeof(text));
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "Rekor %.200s: HTTP %ld: "
		    "%s", url, res.status, text);
		goto out;
	}
	if ((r = sgn_json_parse(res.body.ptr, res.body.len, "Rekor entries",
	    &doc, eb)) != SGN_OK)
		goto out;
	if (!cJSON_IsArray(doc) || (size_t)cJSON_GetArraySize(doc) > n) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "Rekor %.200s: expected an "
		    "array of at most %zu entries", base_url, n);
		goto out;
	}
	cJSON_ArrayForEach(it, doc) {
		free(one);
		if ((one = cJSON_PrintUnformatted(it)) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		sgn_errbuf_clear(&tmp);
		if ((r = sgn_rekor_v1_entry_parse((const uint8_t *)one,
		    strlen(one), &out[*n_out], &tmp)) != SGN_OK) {
			r = sgn_errf(eb, r, "Rekor %.200s: entry %zu: %s",
			    base_url, *n_out, tmp.msg);
			goto out;
		}
		(*n_out)++;
	}
	r = SGN_OK;
out:
	if (r != SGN_OK) {
		for (i = 0; i < *n_out; i++)
			sgn_tlog_entry_reset(&out[i]);
		*n_out = 0;
	}
	free(one);
	cJSON_Delete(doc);
	sgn_buf_reset(&body);
	sgn_http_response_reset(&res);
	return r;
}
