/*
 * Rekor clients: proposed entries, uploads, replies as bundle entries.
 * Rekor v1: https://github.com/sigstore/rekor/blob/main/openapi.yaml;
 * Rekor v2: rekor-tiles (protocol REFERENCE.md sections 5 and 6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "http.h"
#include "json.h"
#include "rekor.h"
#include "rekor_client.h"

static sgn_err
print_into(cJSON *root, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	char *s;
	sgn_err r;

	if (root == NULL || (s = cJSON_PrintUnformatted(root)) == NULL) {
		cJSON_Delete(root);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	cJSON_Delete(root);
	r = sgn_buf_append(out, s, strlen(s), eb);
	free(s);
	return r;
}

static cJSON *
add_b64(cJSON *obj, const char *key, const uint8_t *p, size_t n)
{
	char *s = NULL;
	cJSON *item;

	if (sgn_b64_encode(p, n, &s, NULL) != SGN_OK)
		return NULL;
	item = cJSON_AddStringToObject(obj, key, s);
	free(s);
	return item;
}

sgn_err
sgn_rekor_v1_hashedrekord(sgn_hash_alg alg, const uint8_t *digest,
    const uint8_t *sig, size_t sig_len, const char *verifier_pem,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	cJSON *root, *spec, *data, *hash, *sigo, *pk;
	char hex[2 * SGN_MAX_DIGEST + 1];

	if (sgn_hash_len(alg) == 0)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "hashedrekord: no digest algorithm");
	sgn_hex_encode(digest, sgn_hash_len(alg), hex);
	if ((root = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(root, "apiVersion", "0.0.1") == NULL ||
	    cJSON_AddStringToObject(root, "kind", "hashedrekord") == NULL ||
	    (spec = cJSON_AddObjectToObject(root, "spec")) == NULL ||
	    (data = cJSON_AddObjectToObject(spec, "data")) == NULL ||
	    (hash = cJSON_AddObjectToObject(data, "hash")) == NULL ||
	    cJSON_AddStringToObject(hash, "algorithm", sgn_hash_name(alg)) ==
	    NULL ||
	    cJSON_AddStringToObject(hash, "value", hex) == NULL ||
	    (sigo = cJSON_AddObjectToObject(spec, "signature")) == NULL ||
	    add_b64(sigo, "content", sig, sig_len) == NULL ||
	    (pk = cJSON_AddObjectToObject(sigo, "publicKey")) == NULL ||
	    add_b64(pk, "content", (const uint8_t *)verifier_pem,
	    strlen(verifier_pem)) == NULL) {
		cJSON_Delete(root);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	return print_into(root, out, eb);
}

sgn_err
sgn_rekor_v1_dsse(const char *envelope_json, const char *verifier_pem,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	cJSON *root, *spec, *pc, *vs;
	char *pem64 = NULL;
	int ok;

	if (sgn_b64_encode((const uint8_t *)verifier_pem, strlen(verifier_pem),
	    &pem64, eb) != SGN_OK)
		return SGN_ERR_NOMEM;
	ok = (root = cJSON_CreateObject()) != NULL &&
	    cJSON_AddStringToObject(root, "apiVersion", "0.0.1") != NULL &&
	    cJSON_AddStringToObject(root, "kind", "dsse") != NULL &&
	    (spec = cJSON_AddObjectToObject(root, "spec")) != NULL &&
	    (pc = cJSON_AddObjectToObject(spec, "proposedContent")) != NULL &&
	    cJSON_AddStringToObject(pc, "envelope", envelope_json) != NULL &&
	    (vs = cJSON_AddArrayToObject(pc, "verifiers")) != NULL &&
	    cJSON_AddItemToArray(vs, cJSON_CreateString(pem64));
	free(pem64);
	if (!ok || cJSON_GetArraySize(vs) != 1) {
		cJSON_Delete(root);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	return print_into(root, out, eb);
}

sgn_err
sgn_rekor_v2_hashedrekord(const uint8_t *digest, size_t digest_len,
    const uint8_t *sig, size_t sig_len, const uint8_t *verifier_der,
    size_t verifier_len, int is_cert, const char *key_details,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	cJSON *root, *req, *sigo, *ver, *v;

	if ((root = cJSON_CreateObject()) == NULL ||
	    (req = cJSON_AddObjectToObject(root,
	    "hashedRekordRequestV002")) == NULL ||
	    add_b64(req, "digest", digest, digest_len) == NULL ||
	    (sigo = cJSON_AddObjectToObject(req, "signature")) == NULL ||
	    add_b64(sigo, "content", sig, sig_len) == NULL ||
	    (ver = cJSON_AddObjectToObject(sigo, "verifier")) == NULL ||
	    (v = cJSON_AddObjectToObject(ver, is_cert ? "x509Certificate" :
	    "publicKey")) == NULL ||
	    add_b64(v, "rawBytes", verifier_der, verifier_len) == NULL ||
	    cJSON_AddStringToObject(ver, "keyDetails", key_details) == NULL) {
		cJSON_Delete(root);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	return print_into(root, out, eb);
}

/* Rekor v1 replies ------------------------------------------------------- */

#define W "Rekor reply"

static sgn_err
parse_v1_proof(const cJSON *p, struct sgn_tlog_entry *e,
    struct sgn_errbuf *eb)
{
	const cJSON *hashes, *h;
	const char *root, *cp;
	size_t n, i = 0;
	sgn_err r;

	if ((r = sgn_json_get_int64(p, "logIndex", SGN_JSON_REQUIRED,
	    W ".inclusionProof", &e->proof_index, NULL, eb)) != SGN_OK ||
	    (r = sgn_json_get_int64(p, "treeSize", SGN_JSON_REQUIRED,
	    W ".inclusionProof", &e->tree_size, NULL, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(p, "rootHash", SGN_JSON_REQUIRED,
	    W ".inclusionProof", &root, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(p, "checkpoint", SGN_JSON_REQUIRED,
	    W ".inclusionProof", &cp, eb)) != SGN_OK ||
	    (r = sgn_json_get_array(p, "hashes", SGN_JSON_OPTIONAL,
	    W ".inclusionProof", &hashes, eb)) != SGN_OK)
		return r;
	if (e->proof_index < 0 || e->tree_size <= 0 ||
	    e->proof_index >= e->tree_size)
		return sgn_errf(eb, SGN_ERR_PARSE, W ": index %lld outside a "
		    "tree of %lld", (long long)e->proof_index,
		    (long long)e->tree_size);
	if (sgn_hex_decode(root, strlen(root), e->root_hash, 32, NULL) !=
	    SGN_OK)
		return sgn_errf(eb, SGN_ERR_PARSE, W ": bad rootHash");
	n = hashes != NULL ? (size_t)cJSON_GetArraySize(hashes) : 0;
	if (n > SGN_BUNDLE_MAX_PROOF_HASHES)
		return sgn_errf(eb, SGN_ERR_LIMIT, W ": too many proof hashes");
	if (n > 0 && (e->hashes = calloc(n, 32)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (hashes != NULL) {
		cJSON_ArrayForEach(h, hashes) {
			if (!cJSON_IsString(h) || sgn_hex_decode(h->valuestring,
			    strlen(h->valuestring), e->hashes[i], 32, NULL) !=
			    SGN_OK)
				return sgn_errf(eb, SGN_ERR_PARSE,
				    W ": bad proof hash %zu", i);
			e->n_hashes = ++i;
		}
	}
	if ((e->checkpoint = strdup(cp)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	e->checkpoint_len = strlen(cp);
	e->has_proof = 1;
	return SGN_OK;
}

static sgn_err
parse_v1_entry(const cJSON *o, struct sgn_tlog_entry *e,
    struct sgn_errbuf *eb)
{
	const cJSON *ver, *proof;
	const char *logid;
	struct sgn_rekor_body *body = NULL;
	struct sgn_errbuf why;
	sgn_err r;

	if ((r = sgn_json_get_bytes(o, "body", SGN_JSON_REQUIRED, W,
	    &e->body.ptr, &e->body.len, eb)) != SGN_OK ||
	    (r = sgn_json_get_int64(o, "integratedTime", SGN_JSON_REQUIRED, W,
	    &e->integrated_time, NULL, eb)) != SGN_OK ||
	    (r = sgn_json_get_int64(o, "logIndex", SGN_JSON_REQUIRED, W,
	    &e->log_index, NULL, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(o, "logID", SGN_JSON_REQUIRED, W, &logid,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_object(o, "verification", SGN_JSON_REQUIRED, W,
	    &ver, eb)) != SGN_OK ||
	    (r = sgn_json_get_bytes(ver, "signedEntryTimestamp",
	    SGN_JSON_REQUIRED, W ".verification", &e->set.ptr, &e->set.len,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_object(ver, "inclusionProof", SGN_JSON_REQUIRED,
	    W ".verification", &proof, eb)) != SGN_OK ||
	    (r = parse_v1_proof(proof, e, eb)) != SGN_OK)
		return r;
	if (sgn_hex_decode(logid, strlen(logid), e->log_id, 32, NULL) !=
	    SGN_OK)
		return sgn_errf(eb, SGN_ERR_PARSE, W ": bad logID");
	if (e->log_index < 0 || e->integrated_time <= 0)
		return sgn_errf(eb, SGN_ERR_PARSE, W ": bad index or time");
	/*
	 * kindVersion comes from the body, as Rekor stored it.  A body of a
	 * kind signet cannot read leaves it empty: such an entry is still an
	 * entry of the log (a monitor counts it), and a verifier refuses it
	 * when it parses the body.  Running out of memory is no verdict on
	 * the body: that fails the parse, else the entry would come back
	 * without the kind it has.
	 */
	sgn_errbuf_clear(&why);
	if ((r = sgn_rekor_body_parse(e->body.ptr, e->body.len, &body,
	    &why)) == SGN_ERR_NOMEM)
		return sgn_errf(eb, r, W ".body: %s", why.msg);
	if (r != SGN_OK)
		return SGN_OK;
	snprintf(e->kind, sizeof(e->kind), "%s", body->kind_name);
	snprintf(e->version, sizeof(e->version), "%s", body->api_version);
	sgn_rekor_body_free(&body);
	return SGN_OK;
}

sgn_err
sgn_rekor_v1_entry_parse(const uint8_t *json, size_t len,
    struct sgn_tlog_entry *e, struct sgn_errbuf *eb)
{
	cJSON *root = NULL;
	sgn_err r;

	memset(e, 0, sizeof(*e));
	if ((r = sgn_json_parse(json, len, W, &root, eb)) != SGN_OK)
		return r;
	/* {"<uuid>": {...}}: exactly one entry. */
	if (!cJSON_IsObject(root) || root->child == NULL ||
	    root->child->next != NULL || !cJSON_IsObject(root->child)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, W ": expected one entry");
		goto out;
	}
	r = parse_v1_entry(root->child, e, eb);
out:
	if (r != SGN_OK)
		sgn_tlog_entry_reset(e);
	cJSON_Delete(root);
	return r;
}

/* Uploads ----------------------------------------------------------------- */

static sgn_err
post(struct sgn_http *http, const char *url, const struct sgn_buf *body,
    struct sgn_http_response *res, struct sgn_errbuf *eb)
{
	struct sgn_http_request req;

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers[req.n_headers++] = "Content-Type: application/json";
	req.headers[req.n_headers++] = "Accept: application/json";
	req.body = body->ptr;
	req.body_len = body->len;
	return sgn_http_do(http, "Rekor", &req, res, eb);
}

static sgn_err
fetch_existing(struct sgn_http *http, const char *base_url,
    const struct sgn_http_response *conflict, struct sgn_http_response *res,
    struct sgn_errbuf *eb)
{
	struct sgn_http_request req;
	char url[2048];
	const char *loc = conflict->location;

	if (loc[0] == '\0')
		return sgn_errf(eb, SGN_ERR_HTTP_STATUS, "Rekor %.100s: entry "
		    "already exists, and the log did not say where",
		    base_url);
	if (loc[0] == '/')
		snprintf(url, sizeof(url), "%s%s", base_url, loc);
	else
		snprintf(url, sizeof(url), "%s", loc);
	/* The entry must come from the same log. */
	if (strncmp(url, base_url, strlen(base_url)) != 0)
		return sgn_errf(eb, SGN_ERR_HTTP_STATUS, "Rekor %.100s: "
		    "existing entry elsewhere: %.100s", base_url, url);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	req.headers[req.n_headers++] = "Accept: application/json";
	return sgn_http_do(http, "Rekor", &req, res, eb);
}

sgn_err
sgn_rekor_upload(struct sgn_http *http, const char *base_url, int major,
    const struct sgn_buf *proposed, struct sgn_tlog_entry *out,
    struct sgn_errbuf *eb)
{
	struct sgn_http_response res, again;
	struct sgn_errbuf tmp;
	char url[1024], text[200];
	sgn_err r;

	memset(out, 0, sizeof(*out));
	memset(&res, 0, sizeof(res));
	memset(&again, 0, sizeof(again));
	if (major != 1 && major != 2)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "Rekor API version %d",
		    major);
	if ((size_t)snprintf(url, sizeof(url), "%s/api/v%d/log/entries",
	    base_url, major) >= sizeof(url))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "Rekor URL too long");
	if ((r = post(http, url, proposed, &res, eb)) != SGN_OK)
		goto out;
	if (major == 1 && res.status == 409) {
		if ((r = fetch_existing(http, base_url, &res, &again, eb)) !=
		    SGN_OK)
			goto out;
		sgn_http_response_reset(&res);
		res = again;
		memset(&again, 0, sizeof(again));
	}
	if (res.status < 200 || res.status > 299) {
		sgn_http_error_text(&res, text, sizeof(text));
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "Rekor %.100s: HTTP %ld: "
		    "%s", base_url, res.status, text);
		goto out;
	}
	sgn_errbuf_clear(&tmp);
	r = major == 1 ? sgn_rekor_v1_entry_parse(res.body.ptr, res.body.len,
	    out, &tmp) : sgn_tlog_entry_parse(res.body.ptr, res.body.len, out,
	    &tmp);
	if (r != SGN_OK)
		r = sgn_errf(eb, r, "Rekor %.100s: %s", base_url, tmp.msg);
out:
	sgn_http_response_reset(&res);
	sgn_http_response_reset(&again);
	return r;
}
