/*
 * Rekor entry bodies: parse and normalize.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "keys.h"
#include "rekor.h"

#define W "tlog entry body"

void
sgn_rekor_body_free(struct sgn_rekor_body **bp)
{
	struct sgn_rekor_body *b;

	if (bp == NULL || (b = *bp) == NULL)
		return;
	free(b->sig);
	free(b->verifier);
	free(b->payload);
	free(b);
	*bp = NULL;
}

/* {"algorithm": "sha256", "value": "<hex>"} */
static sgn_err
get_hash(const cJSON *obj, const char *key, const char *where,
    struct sgn_rekor_body *b, struct sgn_errbuf *eb)
{
	const cJSON *h;
	const char *alg, *val;
	char w[96];
	sgn_err r;

	snprintf(w, sizeof(w), "%s.%s", where, key);
	if ((r = sgn_json_get_object(obj, key, SGN_JSON_REQUIRED, where, &h,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_string(h, "algorithm", SGN_JSON_REQUIRED, w,
	    &alg, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(h, "value", SGN_JSON_REQUIRED, w, &val,
	    eb)) != SGN_OK)
		return r;
	if ((b->hash = sgn_hash_from_name(alg)) == SGN_HASH_NONE)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "%s.algorithm: unsupported \"%.32s\"", w, alg);
	b->digest_len = sgn_hash_len(b->hash);
	if (sgn_hex_decode(val, strlen(val), b->digest, b->digest_len,
	    NULL) != SGN_OK)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.value: not %zu hex "
		    "digits", w, 2 * b->digest_len);
	return SGN_OK;
}

/*
 * A base64 member holding PEM text (a certificate or a public key): keep
 * the DER of its first block.
 */
static sgn_err
get_pem(const cJSON *obj, const char *key, const char *where,
    struct sgn_rekor_body *b, struct sgn_errbuf *eb)
{
	static const char *const labels[] = { "CERTIFICATE", "PUBLIC KEY" };
	struct sgn_errbuf inner;
	uint8_t *pem = NULL;
	size_t plen = 0, which = 0;
	sgn_err r;

	if ((r = sgn_json_get_bytes(obj, key, SGN_JSON_REQUIRED, where, &pem,
	    &plen, eb)) != SGN_OK)
		return r;
	/* Rekor stores exactly one block: nothing may precede it. */
	sgn_errbuf_clear(&inner);
	r = sgn_pem_block((const char *)pem, plen, labels, 2,
	    "certificate or public key", 0, &which, &b->verifier,
	    &b->verifier_len, &inner);
	free(pem);
	if (r != SGN_OK)
		return sgn_errf(eb, r, "%s.%s: %s", where, key, inner.msg);
	b->verifier_is_cert = which == 0;
	return SGN_OK;
}

static sgn_err
hashedrekord_001(const cJSON *spec, struct sgn_rekor_body *b,
    struct sgn_errbuf *eb)
{
	const cJSON *data, *sig, *pk;
	sgn_err r;

	if ((r = sgn_json_get_object(spec, "data", SGN_JSON_REQUIRED,
	    W ".spec", &data, eb)) != SGN_OK ||
	    (r = get_hash(data, "hash", W ".spec.data", b, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(spec, "signature", SGN_JSON_REQUIRED,
	    W ".spec", &sig, eb)) != SGN_OK ||
	    (r = sgn_json_get_bytes(sig, "content", SGN_JSON_REQUIRED,
	    W ".spec.signature", &b->sig, &b->sig_len, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(sig, "publicKey", SGN_JSON_REQUIRED,
	    W ".spec.signature", &pk, eb)) != SGN_OK)
		return r;
	return get_pem(pk, "content", W ".spec.signature.publicKey", b, eb);
}

static sgn_err
dsse_001(const cJSON *spec, struct sgn_rekor_body *b, struct sgn_errbuf *eb)
{
	const cJSON *sigs, *s;
	sgn_err r;

	if ((r = get_hash(spec, "payloadHash", W ".spec", b, eb)) != SGN_OK ||
	    (r = sgn_json_get_array(spec, "signatures", SGN_JSON_REQUIRED,
	    W ".spec", &sigs, eb)) != SGN_OK)
		return r;
	if (cJSON_GetArraySize(sigs) != 1)
		return sgn_errf(eb, SGN_ERR_PARSE, W ".spec.signatures: "
		    "expected exactly one signature");
	s = cJSON_GetArrayItem(sigs, 0);
	if ((r = sgn_json_get_bytes(s, "signature", SGN_JSON_REQUIRED,
	    W ".spec.signatures[0]", &b->sig, &b->sig_len, eb)) != SGN_OK)
		return r;
	return get_pem(s, "verifier", W ".spec.signatures[0]", b, eb);
}

/* intoto 0.0.2 stores the envelope's payload and signature base64-encoded
 * twice (Go's strfmt.Base64 of the base64 text). */
static sgn_err
double_b64(const cJSON *obj, const char *key, const char *where,
    uint8_t **out, size_t *outlen, struct sgn_errbuf *eb)
{
	uint8_t *once = NULL;
	size_t n = 0;
	sgn_err r;

	if ((r = sgn_json_get_bytes(obj, key, SGN_JSON_REQUIRED, where, &once,
	    &n, eb)) != SGN_OK)
		return r;
	r = sgn_b64_decode((const char *)once, n, out, outlen, NULL);
	free(once);
	if (r != SGN_OK)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.%s: invalid base64",
		    where, key);
	return SGN_OK;
}

static sgn_err
intoto_002(const cJSON *spec, struct sgn_rekor_body *b,
    struct sgn_errbuf *eb)
{
	const cJSON *content, *env, *sigs, *s;
	sgn_err r;

	if ((r = sgn_json_get_object(spec, "content", SGN_JSON_REQUIRED,
	    W ".spec", &content, eb)) != SGN_OK ||
	    (r = get_hash(content, "payloadHash", W ".spec.content", b,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_object(content, "envelope", SGN_JSON_REQUIRED,
	    W ".spec.content", &env, eb)) != SGN_OK ||
	    (r = sgn_json_get_array(env, "signatures", SGN_JSON_REQUIRED,
	    W ".spec.content.envelope", &sigs, eb)) != SGN_OK)
		return r;
	if (cJSON_GetArraySize(sigs) != 1)
		return sgn_errf(eb, SGN_ERR_PARSE, W ".spec.content.envelope."
		    "signatures: expected exactly one signature");
	s = cJSON_GetArrayItem(sigs, 0);
	if ((r = double_b64(s, "sig", W ".spec.content.envelope.signatures[0]",
	    &b->sig, &b->sig_len, eb)) != SGN_OK ||
	    (r = get_pem(s, "publicKey",
	    W ".spec.content.envelope.signatures[0]", b, eb)) != SGN_OK)
		return r;
	if (sgn_json_member(env, "payload") != NULL &&
	    (r = double_b64(env, "payload", W ".spec.content.envelope",
	    &b->payload, &b->payload_len, eb)) != SGN_OK)
		return r;
	return SGN_OK;
}

static sgn_err
hashedrekord_002(const cJSON *spec, struct sgn_rekor_body *b,
    struct sgn_errbuf *eb)
{
	static const char S[] = W ".spec.hashedRekordV002";
	const cJSON *hr, *data, *sig, *ver, *cert, *pk;
	const char *alg, *kd;
	uint8_t *d = NULL;
	size_t dl = 0;
	sgn_err r;

	if ((r = sgn_json_get_object(spec, "hashedRekordV002",
	    SGN_JSON_REQUIRED, W ".spec", &hr, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(hr, "data", SGN_JSON_REQUIRED, S, &data,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_string(data, "algorithm", SGN_JSON_REQUIRED, S,
	    &alg, eb)) != SGN_OK ||
	    (r = sgn_json_get_bytes(data, "digest", SGN_JSON_REQUIRED, S, &d,
	    &dl, eb)) != SGN_OK)
		return r;
	b->hash = sgn_hash_from_proto_name(alg);
	if (b->hash == SGN_HASH_NONE || dl != sgn_hash_len(b->hash)) {
		free(d);
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.data: bad %.32s digest",
		    S, alg);
	}
	memcpy(b->digest, d, dl);
	b->digest_len = dl;
	free(d);
	if ((r = sgn_json_get_object(hr, "signature", SGN_JSON_REQUIRED, S,
	    &sig, eb)) != SGN_OK ||
	    (r = sgn_json_get_bytes(sig, "content", SGN_JSON_REQUIRED,
	    W ".spec.hashedRekordV002.signature", &b->sig, &b->sig_len,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_object(sig, "verifier", SGN_JSON_REQUIRED,
	    W ".spec.hashedRekordV002.signature", &ver, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(ver, "keyDetails", SGN_JSON_REQUIRED,
	    W ".spec.hashedRekordV002.signature.verifier", &kd, eb)) !=
	    SGN_OK ||
	    (r = sgn_json_get_object(ver, "x509Certificate", SGN_JSON_OPTIONAL,
	    W ".spec.hashedRekordV002.signature.verifier", &cert, eb)) !=
	    SGN_OK ||
	    (r = sgn_json_get_object(ver, "publicKey", SGN_JSON_OPTIONAL,
	    W ".spec.hashedRekordV002.signature.verifier", &pk, eb)) != SGN_OK)
		return r;
	if (strlen(kd) >= sizeof(b->key_details))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: keyDetails too long",
		    S);
	memcpy(b->key_details, kd, strlen(kd) + 1);
	if ((cert != NULL) == (pk != NULL))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.signature.verifier: "
		    "expected exactly one of x509Certificate, publicKey", S);
	b->verifier_is_cert = cert != NULL;
	return sgn_json_get_bytes(cert != NULL ? cert : pk, "rawBytes",
	    SGN_JSON_REQUIRED, W ".spec.hashedRekordV002.signature.verifier",
	    &b->verifier, &b->verifier_len, eb);
}

sgn_err
sgn_rekor_body_parse(const uint8_t *body, size_t len,
    struct sgn_rekor_body **out, struct sgn_errbuf *eb)
{
	struct sgn_rekor_body *b = NULL;
	cJSON *root = NULL;
	const cJSON *spec;
	const char *kind, *ver;
	sgn_err r;

	*out = NULL;
	if ((r = sgn_json_parse(body, len, W, &root, eb)) != SGN_OK)
		return r;
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, W ": expected a JSON object");
		goto out;
	}
	if ((r = sgn_json_get_string(root, "kind", SGN_JSON_REQUIRED, W,
	    &kind, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(root, "apiVersion", SGN_JSON_REQUIRED, W,
	    &ver, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(root, "spec", SGN_JSON_REQUIRED, W, &spec,
	    eb)) != SGN_OK)
		goto out;
	snprintf(b->kind_name, sizeof(b->kind_name), "%s", kind);
	snprintf(b->api_version, sizeof(b->api_version), "%s", ver);
	if (strcmp(kind, "hashedrekord") == 0 && strcmp(ver, "0.0.1") == 0) {
		b->kind = SGN_REKOR_HASHEDREKORD_001;
		r = hashedrekord_001(spec, b, eb);
	} else if (strcmp(kind, "hashedrekord") == 0 &&
	    strcmp(ver, "0.0.2") == 0) {
		b->kind = SGN_REKOR_HASHEDREKORD_002;
		r = hashedrekord_002(spec, b, eb);
	} else if (strcmp(kind, "dsse") == 0 && strcmp(ver, "0.0.1") == 0) {
		b->kind = SGN_REKOR_DSSE_001;
		r = dsse_001(spec, b, eb);
	} else if (strcmp(kind, "intoto") == 0 && strcmp(ver, "0.0.2") == 0) {
		b->kind = SGN_REKOR_INTOTO_002;
		r = intoto_002(spec, b, eb);
	} else {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    W ": unsupported entry type %.32s %.16s", kind, ver);
	}
	if (r != SGN_OK)
		goto out;
	*out = b;
	b = NULL;
out:
	sgn_rekor_body_free(&b);
	cJSON_Delete(root);
	return r;
}
