/*
 * Sigstore bundle parsing and structural validation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "bundle_int.h"
#include "json.h"

static const struct {
	const char	*name;
	int		 minor;
} media_types[] = {
	{ "application/vnd.dev.sigstore.bundle+json;version=0.1", 1 },
	{ "application/vnd.dev.sigstore.bundle+json;version=0.2", 2 },
	{ "application/vnd.dev.sigstore.bundle+json;version=0.3", 3 },
	{ "application/vnd.dev.sigstore.bundle.v0.1+json", 1 },
	{ "application/vnd.dev.sigstore.bundle.v0.2+json", 2 },
	{ "application/vnd.dev.sigstore.bundle.v0.3+json", 3 },
};

static void
blob_free(struct sgn_blob *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
}

void
sgn_tlog_entry_reset(struct sgn_tlog_entry *e)
{
	blob_free(&e->set);
	blob_free(&e->body);
	free(e->hashes);
	free(e->checkpoint);
	memset(e, 0, sizeof(*e));
}

void
sgn_bundle_free(struct sgn_bundle **bp)
{
	struct sgn_bundle *b;
	size_t i;

	if (bp == NULL || (b = *bp) == NULL)
		return;
	free(b->media_type);
	for (i = 0; i < b->n_certs; i++)
		blob_free(&b->certs[i]);
	free(b->certs);
	free(b->key_hint);
	for (i = 0; i < b->n_entries; i++)
		sgn_tlog_entry_reset(&b->entries[i]);
	free(b->entries);
	for (i = 0; i < b->n_timestamps; i++)
		blob_free(&b->timestamps[i]);
	free(b->timestamps);
	blob_free(&b->signature);
	blob_free(&b->payload);
	free(b->payload_type);
	free(b->keyid);
	blob_free(&b->key_raw);
	free(b->key_details);
	free(b);
	*bp = NULL;
}

static sgn_err
get_blob(const cJSON *obj, const char *key, int required, const char *where,
    struct sgn_blob *b, struct sgn_errbuf *eb)
{
	return sgn_json_get_bytes(obj, key, required, where, &b->ptr, &b->len,
	    eb);
}

/* Bytes of an exact length (a hash). */
static sgn_err
get_fixed(const cJSON *obj, const char *key, const char *where, uint8_t *out,
    size_t want, struct sgn_errbuf *eb)
{
	struct sgn_blob b = { NULL, 0 };
	sgn_err r;

	if ((r = get_blob(obj, key, SGN_JSON_REQUIRED, where, &b, eb)) !=
	    SGN_OK)
		return r;
	if (b.len != want) {
		size_t got = b.len;
		blob_free(&b);
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.%s: %zu bytes, expected "
		    "%zu", where, key, got, want);
	}
	memcpy(out, b.ptr, want);
	blob_free(&b);
	return SGN_OK;
}

static size_t
array_size(const cJSON *a)
{
	int n = cJSON_GetArraySize(a);

	return n < 0 ? 0 : (size_t)n;
}

static sgn_err
copy_str(const char *s, size_t max, const char *where, const char *key,
    char *out, struct sgn_errbuf *eb)
{
	if (strlen(s) >= max)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.%s: too long", where,
		    key);
	memcpy(out, s, strlen(s) + 1);
	return SGN_OK;
}

static sgn_err
parse_proof(const cJSON *p, const char *where, struct sgn_tlog_entry *e,
    struct sgn_errbuf *eb)
{
	const cJSON *hashes, *h, *cp;
	const char *env;
	char w[96];
	size_t i = 0, n;
	sgn_err r;

	if ((r = sgn_json_get_int64(p, "logIndex", SGN_JSON_OPTIONAL, where,
	    &e->proof_index, NULL, eb)) != SGN_OK ||
	    (r = sgn_json_get_int64(p, "treeSize", SGN_JSON_REQUIRED, where,
	    &e->tree_size, NULL, eb)) != SGN_OK ||
	    (r = get_fixed(p, "rootHash", where, e->root_hash, 32, eb)) !=
	    SGN_OK ||
	    (r = sgn_json_get_array(p, "hashes", SGN_JSON_OPTIONAL, where,
	    &hashes, eb)) != SGN_OK)
		return r;
	if (e->proof_index < 0 || e->tree_size <= 0 ||
	    e->proof_index >= e->tree_size)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: log index %lld not in "
		    "a tree of size %lld", where, (long long)e->proof_index,
		    (long long)e->tree_size);
	n = hashes != NULL ? array_size(hashes) : 0;
	if (n > SGN_BUNDLE_MAX_PROOF_HASHES)
		return sgn_errf(eb, SGN_ERR_LIMIT, "%s.hashes: too many",
		    where);
	if (n > 0 && (e->hashes = calloc(n, sizeof(*e->hashes))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (hashes != NULL) {
		cJSON_ArrayForEach(h, hashes) {
			uint8_t *d = NULL;
			size_t dl = 0;
			struct sgn_errbuf tmp;
			snprintf(w, sizeof(w), "%s.hashes[%zu]", where, i);
			if (!cJSON_IsString(h))
				return sgn_errf(eb, SGN_ERR_PARSE,
				    "%s: expected a string", w);
			sgn_errbuf_clear(&tmp);
			if ((r = sgn_b64_decode(h->valuestring,
			    strlen(h->valuestring), &d, &dl, &tmp)) != SGN_OK)
				return sgn_errf(eb, r, "%s: %s", w, tmp.msg);
			if (dl != 32) {
				free(d);
				return sgn_errf(eb, SGN_ERR_PARSE,
				    "%s: %zu bytes, expected 32", w, dl);
			}
			memcpy(e->hashes[i], d, 32);
			free(d);
			e->n_hashes = ++i;
		}
	}
	snprintf(w, sizeof(w), "%s.checkpoint", where);
	if ((r = sgn_json_get_object(p, "checkpoint", SGN_JSON_OPTIONAL, where,
	    &cp, eb)) != SGN_OK)
		return r;
	if (cp != NULL) {
		if ((r = sgn_json_get_string(cp, "envelope", SGN_JSON_REQUIRED,
		    w, &env, eb)) != SGN_OK)
			return r;
		if ((e->checkpoint = strdup(env)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		e->checkpoint_len = strlen(env);
	}
	e->has_proof = 1;
	return SGN_OK;
}

static sgn_err
parse_entry(const cJSON *o, const char *where, int minor,
    struct sgn_tlog_entry *e, struct sgn_errbuf *eb)
{
	const cJSON *id, *kv, *prom, *proof;
	const char *kind, *ver;
	char w[96];
	sgn_err r;

	if (!cJSON_IsObject(o))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: expected an object",
		    where);
	/* logIndex 0 is a default value, so protobuf JSON may omit it. */
	if ((r = sgn_json_get_int64(o, "logIndex", SGN_JSON_OPTIONAL, where,
	    &e->log_index, NULL, eb)) != SGN_OK)
		return r;
	if (e->log_index < 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.logIndex: negative",
		    where);
	snprintf(w, sizeof(w), "%s.logId", where);
	if ((r = sgn_json_get_object(o, "logId", SGN_JSON_REQUIRED, where, &id,
	    eb)) != SGN_OK ||
	    (r = get_fixed(id, "keyId", w, e->log_id, 32, eb)) != SGN_OK)
		return r;
	snprintf(w, sizeof(w), "%s.kindVersion", where);
	if ((r = sgn_json_get_object(o, "kindVersion", SGN_JSON_REQUIRED,
	    where, &kv, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(kv, "kind", SGN_JSON_REQUIRED, w, &kind,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_string(kv, "version", SGN_JSON_REQUIRED, w, &ver,
	    eb)) != SGN_OK ||
	    (r = copy_str(kind, sizeof(e->kind), w, "kind", e->kind, eb)) !=
	    SGN_OK ||
	    (r = copy_str(ver, sizeof(e->version), w, "version", e->version,
	    eb)) != SGN_OK)
		return r;
	if ((r = sgn_json_get_int64(o, "integratedTime", SGN_JSON_OPTIONAL,
	    where, &e->integrated_time, NULL, eb)) != SGN_OK)
		return r;
	if (e->integrated_time < 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "%s.integratedTime: negative", where);
	snprintf(w, sizeof(w), "%s.inclusionPromise", where);
	if ((r = sgn_json_get_object(o, "inclusionPromise", SGN_JSON_OPTIONAL,
	    where, &prom, eb)) != SGN_OK)
		return r;
	if (prom != NULL && (r = get_blob(prom, "signedEntryTimestamp",
	    SGN_JSON_REQUIRED, w, &e->set, eb)) != SGN_OK)
		return r;
	snprintf(w, sizeof(w), "%s.inclusionProof", where);
	if ((r = sgn_json_get_object(o, "inclusionProof", SGN_JSON_OPTIONAL,
	    where, &proof, eb)) != SGN_OK)
		return r;
	if (proof != NULL && (r = parse_proof(proof, w, e, eb)) != SGN_OK)
		return r;
	if ((r = get_blob(o, "canonicalizedBody", SGN_JSON_REQUIRED, where,
	    &e->body, eb)) != SGN_OK)
		return r;
	if (minor == 1 && e->set.len == 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "%s: a v0.1 bundle entry must carry an inclusion promise",
		    where);
	if (minor >= 2 && (!e->has_proof || e->checkpoint == NULL))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: a v0.%d bundle entry "
		    "must carry an inclusion proof with a checkpoint", where,
		    minor);
	return SGN_OK;
}

static sgn_err
parse_material(const cJSON *vm, struct sgn_bundle *b, struct sgn_errbuf *eb)
{
	static const char W[] = "bundle.verificationMaterial";
	const cJSON *cert, *chain, *pk, *certs, *c, *tl, *e, *tsd, *tss;
	size_t n, i, forms;
	char w[96];
	sgn_err r;

	if ((r = sgn_json_get_object(vm, "certificate", SGN_JSON_OPTIONAL, W,
	    &cert, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(vm, "x509CertificateChain",
	    SGN_JSON_OPTIONAL, W, &chain, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(vm, "publicKey", SGN_JSON_OPTIONAL, W,
	    &pk, eb)) != SGN_OK)
		return r;
	forms = (size_t)(cert != NULL) + (size_t)(chain != NULL) +
	    (size_t)(pk != NULL);
	if (forms != 1)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: expected exactly one "
		    "of certificate, x509CertificateChain, publicKey (found "
		    "%zu)", W, forms);
	if (cert != NULL) {
		b->material = SGN_MATERIAL_CERTIFICATE;
		if ((b->certs = calloc(1, sizeof(*b->certs))) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		snprintf(w, sizeof(w), "%s.certificate", W);
		if ((r = get_blob(cert, "rawBytes", SGN_JSON_REQUIRED, w,
		    &b->certs[0], eb)) != SGN_OK)
			return r;
		b->n_certs = 1;
	} else if (chain != NULL) {
		b->material = SGN_MATERIAL_CHAIN;
		snprintf(w, sizeof(w), "%s.x509CertificateChain", W);
		if ((r = sgn_json_get_array(chain, "certificates",
		    SGN_JSON_OPTIONAL, w, &certs, eb)) != SGN_OK)
			return r;
		n = certs != NULL ? array_size(certs) : 0;
		if (n == 0)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: empty certificate chain", w);
		if (n > SGN_BUNDLE_MAX_CHAIN)
			return sgn_errf(eb, SGN_ERR_LIMIT,
			    "%s: too many certificates", w);
		if ((b->certs = calloc(n, sizeof(*b->certs))) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		i = 0;
		cJSON_ArrayForEach(c, certs) {
			char wi[128];
			snprintf(wi, sizeof(wi), "%s.certificates[%zu]", w, i);
			if (!cJSON_IsObject(c))
				return sgn_errf(eb, SGN_ERR_PARSE,
				    "%s: expected an object", wi);
			if ((r = get_blob(c, "rawBytes", SGN_JSON_REQUIRED, wi,
			    &b->certs[i], eb)) != SGN_OK)
				return r;
			b->n_certs = ++i;
		}
	} else {
		const char *hint, *details;
		b->material = SGN_MATERIAL_PUBLIC_KEY;
		snprintf(w, sizeof(w), "%s.publicKey", W);
		if ((r = sgn_json_get_string(pk, "hint", SGN_JSON_OPTIONAL, w,
		    &hint, eb)) != SGN_OK ||
		    (r = get_blob(pk, "rawBytes", SGN_JSON_OPTIONAL, w,
		    &b->key_raw, eb)) != SGN_OK ||
		    (r = sgn_json_get_string(pk, "keyDetails",
		    SGN_JSON_OPTIONAL, w, &details, eb)) != SGN_OK)
			return r;
		if (hint != NULL && (b->key_hint = strdup(hint)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		if (b->key_raw.ptr != NULL && b->key_raw.len == 0)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s.rawBytes: empty", w);
		if (details != NULL && b->key_raw.ptr == NULL)
			return sgn_errf(eb, SGN_ERR_PARSE, "%s: keyDetails "
			    "without rawBytes", w);
		if (details != NULL &&
		    (b->key_details = strdup(details)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}

	if ((r = sgn_json_get_array(vm, "tlogEntries", SGN_JSON_OPTIONAL, W,
	    &tl, eb)) != SGN_OK)
		return r;
	n = tl != NULL ? array_size(tl) : 0;
	if (n > SGN_BUNDLE_MAX_TLOG_ENTRIES)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "%s.tlogEntries: too many entries", W);
	if (n > 0 && (b->entries = calloc(n, sizeof(*b->entries))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	i = 0;
	if (tl != NULL) {
		cJSON_ArrayForEach(e, tl) {
			snprintf(w, sizeof(w), "%s.tlogEntries[%zu]", W, i);
			b->n_entries = i + 1;
			if ((r = parse_entry(e, w, b->version_minor,
			    &b->entries[i], eb)) != SGN_OK)
				return r;
			i++;
		}
	}
	for (i = 0; i < b->n_entries; i++) {
		size_t k;
		for (k = 0; k < i; k++)
			if (memcmp(b->entries[i].log_id, b->entries[k].log_id,
			    32) == 0 && b->entries[i].log_index ==
			    b->entries[k].log_index)
				return sgn_errf(eb, SGN_ERR_PARSE,
				    "%s.tlogEntries: entry %zu repeats entry "
				    "%zu", W, i, k);
	}

	snprintf(w, sizeof(w), "%s.timestampVerificationData", W);
	if ((r = sgn_json_get_object(vm, "timestampVerificationData",
	    SGN_JSON_OPTIONAL, W, &tsd, eb)) != SGN_OK)
		return r;
	if (tsd == NULL)
		return SGN_OK;
	if ((r = sgn_json_get_array(tsd, "rfc3161Timestamps",
	    SGN_JSON_OPTIONAL, w, &tss, eb)) != SGN_OK)
		return r;
	n = tss != NULL ? array_size(tss) : 0;
	if (n > SGN_BUNDLE_MAX_TIMESTAMPS)
		return sgn_errf(eb, SGN_ERR_LIMIT, "%s: too many timestamps",
		    w);
	if (n > 0 && (b->timestamps = calloc(n, sizeof(*b->timestamps))) ==
	    NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	i = 0;
	if (tss != NULL) {
		cJSON_ArrayForEach(e, tss) {
			char wi[128];
			snprintf(wi, sizeof(wi), "%s.rfc3161Timestamps[%zu]", w,
			    i);
			if (!cJSON_IsObject(e))
				return sgn_errf(eb, SGN_ERR_PARSE,
				    "%s: expected an object", wi);
			if ((r = get_blob(e, "signedTimestamp",
			    SGN_JSON_REQUIRED, wi, &b->timestamps[i], eb)) !=
			    SGN_OK)
				return r;
			b->n_timestamps = ++i;
		}
	}
	for (i = 0; i < b->n_timestamps; i++) {
		size_t k;
		for (k = 0; k < i; k++)
			if (b->timestamps[i].len == b->timestamps[k].len &&
			    memcmp(b->timestamps[i].ptr, b->timestamps[k].ptr,
			    b->timestamps[i].len) == 0)
				return sgn_errf(eb, SGN_ERR_PARSE,
				    "%s: timestamp %zu repeats timestamp %zu",
				    w, i, k);
	}
	return SGN_OK;
}

static sgn_err
parse_message(const cJSON *ms, struct sgn_bundle *b, struct sgn_errbuf *eb)
{
	static const char W[] = "bundle.messageSignature";
	const cJSON *md;
	const char *alg;
	struct sgn_blob d = { NULL, 0 };
	char w[64];
	sgn_err r;

	b->content = SGN_CONTENT_MESSAGE_SIGNATURE;
	snprintf(w, sizeof(w), "%s.messageDigest", W);
	if ((r = sgn_json_get_object(ms, "messageDigest", SGN_JSON_OPTIONAL, W,
	    &md, eb)) != SGN_OK)
		return r;
	if (md != NULL) {
		if ((r = sgn_json_get_string(md, "algorithm", SGN_JSON_REQUIRED,
		    w, &alg, eb)) != SGN_OK ||
		    (r = get_blob(md, "digest", SGN_JSON_REQUIRED, w, &d,
		    eb)) != SGN_OK)
			return r;
		if ((b->digest_alg = sgn_hash_from_proto_name(alg)) ==
		    SGN_HASH_NONE) {
			blob_free(&d);
			return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
			    "%s.algorithm: unsupported \"%.32s\"", w, alg);
		}
		if (d.len != sgn_hash_len(b->digest_alg)) {
			size_t got = d.len;
			blob_free(&d);
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s.digest: %zu bytes for %s", w, got, alg);
		}
		memcpy(b->digest, d.ptr, d.len);
		b->digest_len = d.len;
		b->has_digest = 1;
		blob_free(&d);
	}
	return get_blob(ms, "signature", SGN_JSON_REQUIRED, W, &b->signature,
	    eb);
}

static sgn_err
parse_dsse(const cJSON *env, struct sgn_bundle *b, struct sgn_errbuf *eb)
{
	static const char W[] = "bundle.dsseEnvelope";
	const cJSON *sigs, *s;
	const char *pt, *kid;
	char w[64];
	sgn_err r;

	b->content = SGN_CONTENT_DSSE;
	if ((r = get_blob(env, "payload", SGN_JSON_REQUIRED, W, &b->payload,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_string(env, "payloadType", SGN_JSON_REQUIRED, W,
	    &pt, eb)) != SGN_OK ||
	    (r = sgn_json_get_array(env, "signatures", SGN_JSON_REQUIRED, W,
	    &sigs, eb)) != SGN_OK)
		return r;
	if ((b->payload_type = strdup(pt)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (array_size(sigs) != 1)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.signatures: expected "
		    "exactly one signature, found %zu", W, array_size(sigs));
	s = cJSON_GetArrayItem(sigs, 0);
	snprintf(w, sizeof(w), "%s.signatures[0]", W);
	if (!cJSON_IsObject(s))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: expected an object", w);
	if ((r = get_blob(s, "sig", SGN_JSON_REQUIRED, w, &b->signature,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_string(s, "keyid", SGN_JSON_OPTIONAL, w, &kid,
	    eb)) != SGN_OK)
		return r;
	if (kid != NULL && (b->keyid = strdup(kid)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	return SGN_OK;
}

sgn_err
sgn_bundle_parse(const uint8_t *buf, size_t len, struct sgn_bundle **out,
    struct sgn_errbuf *eb)
{
	struct sgn_bundle *b = NULL;
	cJSON *root = NULL;
	const cJSON *vm, *ms, *env;
	const char *mt;
	size_t i;
	sgn_err r;

	*out = NULL;
	if (len > SGN_MAX_MODEL_BUNDLE_BYTES)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "bundle larger than %u bytes", SGN_MAX_MODEL_BUNDLE_BYTES);
	if ((r = sgn_json_parse(buf, len, "bundle", &root, eb)) != SGN_OK)
		return r;
	if (!cJSON_IsObject(root)) {
		r = sgn_errf(eb, SGN_ERR_PARSE,
		    "bundle: expected a JSON object");
		goto out;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = sgn_json_get_string(root, "mediaType", SGN_JSON_REQUIRED,
	    "bundle", &mt, eb)) != SGN_OK)
		goto out;
	for (i = 0; i < sizeof(media_types) / sizeof(media_types[0]); i++)
		if (strcmp(mt, media_types[i].name) == 0)
			break;
	if (i == sizeof(media_types) / sizeof(media_types[0])) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "bundle: unsupported media type \"%.80s\"", mt);
		goto out;
	}
	b->version_minor = media_types[i].minor;
	if ((b->media_type = strdup(mt)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = sgn_json_get_object(root, "verificationMaterial",
	    SGN_JSON_REQUIRED, "bundle", &vm, eb)) != SGN_OK ||
	    (r = parse_material(vm, b, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_json_get_object(root, "messageSignature",
	    SGN_JSON_OPTIONAL, "bundle", &ms, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(root, "dsseEnvelope", SGN_JSON_OPTIONAL,
	    "bundle", &env, eb)) != SGN_OK)
		goto out;
	if ((ms != NULL) == (env != NULL)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "bundle: expected exactly one "
		    "of messageSignature, dsseEnvelope");
		goto out;
	}
	if ((r = ms != NULL ? parse_message(ms, b, eb) :
	    parse_dsse(env, b, eb)) != SGN_OK)
		goto out;
	*out = b;
	b = NULL;
	r = SGN_OK;
out:
	sgn_bundle_free(&b);
	cJSON_Delete(root);
	return r;
}

sgn_err
sgn_tlog_entry_parse(const uint8_t *json, size_t len,
    struct sgn_tlog_entry *e, struct sgn_errbuf *eb)
{
	cJSON *root = NULL;
	sgn_err r;

	memset(e, 0, sizeof(*e));
	if ((r = sgn_json_parse(json, len, "tlog entry", &root, eb)) != SGN_OK)
		return r;
	if ((r = parse_entry(root, "tlog entry", 3, e, eb)) != SGN_OK)
		sgn_tlog_entry_reset(e);
	cJSON_Delete(root);
	return r;
}

/* Serialization ---------------------------------------------------------- */

static int
add_b64(cJSON *obj, const char *key, const uint8_t *p, size_t n)
{
	char *s = NULL;
	int ok;

	if (sgn_b64_encode(p, n, &s, NULL) != SGN_OK)
		return 0;
	ok = cJSON_AddStringToObject(obj, key, s) != NULL;
	free(s);
	return ok;
}

static int
add_i64(cJSON *obj, const char *key, int64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%lld", (long long)v);
	return cJSON_AddStringToObject(obj, key, s) != NULL;
}

static int
add_entry(cJSON *arr, const struct sgn_tlog_entry *e)
{
	cJSON *o, *x, *p, *h;
	size_t i;

	if ((o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(arr, o))
		return 0;
	if (!add_i64(o, "logIndex", e->log_index) ||
	    (x = cJSON_AddObjectToObject(o, "logId")) == NULL ||
	    !add_b64(x, "keyId", e->log_id, 32) ||
	    (x = cJSON_AddObjectToObject(o, "kindVersion")) == NULL ||
	    cJSON_AddStringToObject(x, "kind", e->kind) == NULL ||
	    cJSON_AddStringToObject(x, "version", e->version) == NULL)
		return 0;
	if (e->integrated_time != 0 &&
	    !add_i64(o, "integratedTime", e->integrated_time))
		return 0;
	if (e->set.len > 0 &&
	    ((x = cJSON_AddObjectToObject(o, "inclusionPromise")) == NULL ||
	    !add_b64(x, "signedEntryTimestamp", e->set.ptr, e->set.len)))
		return 0;
	if (e->has_proof) {
		if ((p = cJSON_AddObjectToObject(o, "inclusionProof")) ==
		    NULL || !add_i64(p, "logIndex", e->proof_index) ||
		    !add_b64(p, "rootHash", e->root_hash, 32) ||
		    !add_i64(p, "treeSize", e->tree_size) ||
		    (h = cJSON_AddArrayToObject(p, "hashes")) == NULL)
			return 0;
		for (i = 0; i < e->n_hashes; i++) {
			char *s = NULL;
			cJSON *item;
			if (sgn_b64_encode(e->hashes[i], 32, &s, NULL) !=
			    SGN_OK)
				return 0;
			item = cJSON_CreateString(s);
			free(s);
			if (item == NULL || !cJSON_AddItemToArray(h, item))
				return 0;
		}
		if (e->checkpoint != NULL &&
		    ((x = cJSON_AddObjectToObject(p, "checkpoint")) == NULL ||
		    cJSON_AddStringToObject(x, "envelope", e->checkpoint) ==
		    NULL))
			return 0;
	}
	return add_b64(o, "canonicalizedBody", e->body.ptr, e->body.len);
}

static int
build(const struct sgn_bundle_view *b, cJSON *root)
{
	cJSON *vm, *x, *arr, *o;
	size_t i;

	if (cJSON_AddStringToObject(root, "mediaType",
	    "application/vnd.dev.sigstore.bundle.v0.3+json") == NULL ||
	    (vm = cJSON_AddObjectToObject(root, "verificationMaterial")) ==
	    NULL)
		return 0;
	if (b->material == SGN_MATERIAL_CERTIFICATE) {
		if ((x = cJSON_AddObjectToObject(vm, "certificate")) == NULL ||
		    !add_b64(x, "rawBytes", b->certs[0].ptr, b->certs[0].len))
			return 0;
	} else if (b->material == SGN_MATERIAL_CHAIN) {
		if ((x = cJSON_AddObjectToObject(vm,
		    "x509CertificateChain")) == NULL ||
		    (arr = cJSON_AddArrayToObject(x, "certificates")) == NULL)
			return 0;
		for (i = 0; i < b->n_certs; i++)
			if ((o = cJSON_CreateObject()) == NULL ||
			    !cJSON_AddItemToArray(arr, o) ||
			    !add_b64(o, "rawBytes", b->certs[i].ptr,
			    b->certs[i].len))
				return 0;
	} else {
		if ((x = cJSON_AddObjectToObject(vm, "publicKey")) == NULL ||
		    (b->key_hint != NULL && cJSON_AddStringToObject(x, "hint",
		    b->key_hint) == NULL) ||
		    (b->key_raw.len > 0 && !add_b64(x, "rawBytes",
		    b->key_raw.ptr, b->key_raw.len)) ||
		    (b->key_details != NULL && cJSON_AddStringToObject(x,
		    "keyDetails", b->key_details) == NULL))
			return 0;
	}
	if ((arr = cJSON_AddArrayToObject(vm, "tlogEntries")) == NULL)
		return 0;
	for (i = 0; i < b->n_entries; i++)
		if (!add_entry(arr, &b->entries[i]))
			return 0;
	if (b->n_timestamps > 0) {
		if ((x = cJSON_AddObjectToObject(vm,
		    "timestampVerificationData")) == NULL ||
		    (arr = cJSON_AddArrayToObject(x, "rfc3161Timestamps")) ==
		    NULL)
			return 0;
		for (i = 0; i < b->n_timestamps; i++) {
			if ((o = cJSON_CreateObject()) == NULL ||
			    !cJSON_AddItemToArray(arr, o) ||
			    !add_b64(o, "signedTimestamp", b->timestamps[i].ptr,
			    b->timestamps[i].len))
				return 0;
		}
	}
	if (b->content == SGN_CONTENT_MESSAGE_SIGNATURE) {
		if ((x = cJSON_AddObjectToObject(root, "messageSignature")) ==
		    NULL)
			return 0;
		if (b->has_digest &&
		    ((o = cJSON_AddObjectToObject(x, "messageDigest")) ==
		    NULL ||
		    cJSON_AddStringToObject(o, "algorithm",
		    sgn_hash_proto_name(b->digest_alg)) == NULL ||
		    !add_b64(o, "digest", b->digest, b->digest_len)))
			return 0;
		return add_b64(x, "signature", b->signature.ptr,
		    b->signature.len);
	}
	if ((x = cJSON_AddObjectToObject(root, "dsseEnvelope")) == NULL ||
	    !add_b64(x, "payload", b->payload.ptr, b->payload.len) ||
	    cJSON_AddStringToObject(x, "payloadType", b->payload_type) ==
	    NULL || (arr = cJSON_AddArrayToObject(x, "signatures")) == NULL ||
	    (o = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(arr, o))
		return 0;
	return add_b64(o, "sig", b->signature.ptr, b->signature.len) &&
	    (b->keyid == NULL || cJSON_AddStringToObject(o, "keyid",
	    b->keyid) != NULL);
}

/* What a v0.3 bundle's verificationMaterial can hold. */
static sgn_err
material_ok(sgn_bundle_material m, size_t n_certs, struct sgn_errbuf *eb)
{
	if ((m == SGN_MATERIAL_CERTIFICATE && n_certs != 1) ||
	    (m == SGN_MATERIAL_CHAIN && (n_certs == 0 ||
	    n_certs > SGN_BUNDLE_MAX_CHAIN)) ||
	    (m != SGN_MATERIAL_CERTIFICATE && m != SGN_MATERIAL_CHAIN &&
	    m != SGN_MATERIAL_PUBLIC_KEY))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "a v0.3 bundle "
		    "carries one certificate, a chain of 1 to %d "
		    "certificates, or a public key", SGN_BUNDLE_MAX_CHAIN);
	return SGN_OK;
}

sgn_err
sgn_bundle_view_certs(struct sgn_bundle_view *v,
    const struct sgn_blob *certs, size_t n, struct sgn_errbuf *eb)
{
	size_t i;

	if (n > SGN_BUNDLE_MAX_CHAIN)
		return sgn_errf(eb, SGN_ERR_LIMIT, "certificate chain: more "
		    "than %d certificates", SGN_BUNDLE_MAX_CHAIN);
	for (i = 0; i < n; i++) {
		v->certs_buf[i].ptr = certs[i].ptr;
		v->certs_buf[i].len = certs[i].len;
	}
	v->certs = v->certs_buf;
	v->n_certs = n;
	return SGN_OK;
}

sgn_err
sgn_bundle_view_of(const struct sgn_bundle *b, struct sgn_bundle_view *v,
    struct sgn_errbuf *eb)
{
	size_t i, k;
	sgn_err r;

	memset(v, 0, sizeof(*v));
	if (b->n_timestamps > SGN_BUNDLE_MAX_TIMESTAMPS)
		return sgn_errf(eb, SGN_ERR_LIMIT, "more than %d timestamps",
		    SGN_BUNDLE_MAX_TIMESTAMPS);
	/*
	 * Only the certificates the material uses are read; counts the
	 * material cannot hold are kept, for the serializer to refuse as it
	 * always has (SGN_ERR_INVALID_ARGUMENT).
	 */
	k = b->material == SGN_MATERIAL_CERTIFICATE ? 1 :
	    b->material == SGN_MATERIAL_CHAIN ? SGN_BUNDLE_MAX_CHAIN : 0;
	if ((r = sgn_bundle_view_certs(v, b->certs, b->n_certs < k ?
	    b->n_certs : k, eb)) != SGN_OK)
		return r;
	v->n_certs = b->n_certs;
	for (i = 0; i < b->n_timestamps; i++) {
		v->ts_buf[i].ptr = b->timestamps[i].ptr;
		v->ts_buf[i].len = b->timestamps[i].len;
	}
	v->material = b->material;
	v->key_hint = b->key_hint;
	v->entries = b->entries;
	v->n_entries = b->n_entries;
	v->timestamps = v->ts_buf;
	v->n_timestamps = b->n_timestamps;
	v->content = b->content;
	v->has_digest = b->has_digest;
	v->digest_alg = b->digest_alg;
	v->digest = b->digest;
	v->digest_len = b->digest_len;
	v->signature.ptr = b->signature.ptr;
	v->signature.len = b->signature.len;
	v->payload.ptr = b->payload.ptr;
	v->payload.len = b->payload.len;
	v->payload_type = b->payload_type;
	v->keyid = b->keyid;
	v->key_raw.ptr = b->key_raw.ptr;
	v->key_raw.len = b->key_raw.len;
	v->key_details = b->key_details;
	return SGN_OK;
}

sgn_err
sgn_bundle_serialize(const struct sgn_bundle *b, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	struct sgn_bundle_view *v;
	sgn_err r;

	/* the counts first: the view reads the certificates they count */
	if ((r = material_ok(b->material, b->n_certs, eb)) != SGN_OK)
		return r;
	/* about 800 bytes of pointers: not on the stack of every caller */
	if ((v = malloc(sizeof(*v))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if ((r = sgn_bundle_view_of(b, v, eb)) == SGN_OK)
		r = sgn_bundle_view_serialize(v, out, eb);
	free(v);
	return r;
}

sgn_err
sgn_bundle_view_serialize(const struct sgn_bundle_view *b,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	cJSON *root;
	char *s;
	sgn_err r;

	if ((r = material_ok(b->material, b->n_certs, eb)) != SGN_OK)
		return r;
	if ((root = cJSON_CreateObject()) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (!build(b, root) || (s = cJSON_Print(root)) == NULL) {
		cJSON_Delete(root);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	cJSON_Delete(root);
	if ((r = sgn_buf_append(out, s, strlen(s), eb)) == SGN_OK)
		r = sgn_buf_append(out, "\n", 1, eb);
	free(s);
	return r;
}
