/*
 * trusted_root.json: parse, validate, look up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "trust.h"

#define MAX_CHAIN	8

struct sgn_trusted_root {
	struct sgn_log		*tlogs;
	size_t			 n_tlogs;
	struct sgn_log		*ctlogs;
	size_t			 n_ctlogs;
	struct sgn_authority	*cas;
	size_t			 n_cas;
	struct sgn_authority	*tsas;
	size_t			 n_tsas;
};

static const char *const media_types[] = {
	"application/vnd.dev.sigstore.trustedroot+json;version=0.1",
	"application/vnd.dev.sigstore.trustedroot.v0.1+json",
	"application/vnd.dev.sigstore.trustedroot.v0.2+json",
};

int
sgn_validity_contains(const struct sgn_validity *v, struct sgn_time t)
{
	if (v->has_start && sgn_time_cmp(t, v->start) < 0)
		return 0;
	if (v->has_end && sgn_time_cmp(t, v->end) > 0)
		return 0;
	return 1;
}

sgn_err
sgn_url_host(const char *url, char **hostp, char **authp,
    struct sgn_errbuf *eb)
{
	const char *p, *end, *colon;
	size_t alen, hlen;

	*hostp = NULL;
	*authp = NULL;
	if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return sgn_errf(eb, SGN_ERR_PARSE, "not an http(s) URL: %.64s",
		    url);
	end = p + strcspn(p, "/?#");
	alen = (size_t)(end - p);
	if (alen == 0 || memchr(p, '@', alen) != NULL)
		return sgn_errf(eb, SGN_ERR_PARSE, "bad URL host: %.64s", url);
	if (*p == '[') {
		const char *rb = memchr(p, ']', alen);
		if (rb == NULL)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "bad URL host: %.64s", url);
		/* The host of [::1]:8080 is ::1, as Go's url.Hostname()
		 * (and so a Rekor v2 checkpoint origin) has it. */
		if (rb == p + 1)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "bad URL host: %.64s", url);
		p++;
		hlen = (size_t)(rb - p);
		if ((*hostp = strndup(p, hlen)) == NULL ||
		    (*authp = strndup(p - 1, alen)) == NULL) {
			free(*hostp);
			*hostp = NULL;
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		}
		return SGN_OK;
	} else {
		colon = memchr(p, ':', alen);
		hlen = colon != NULL ? (size_t)(colon - p) : alen;
	}
	if (hlen == 0 || (*hostp = strndup(p, hlen)) == NULL ||
	    (*authp = strndup(p, alen)) == NULL) {
		free(*hostp);
		*hostp = NULL;
		return sgn_errf(eb, hlen == 0 ? SGN_ERR_PARSE : SGN_ERR_NOMEM,
		    "bad URL host: %.64s", url);
	}
	return SGN_OK;
}

static sgn_err
parse_validity(const cJSON *obj, int need_start, const char *where,
    struct sgn_validity *v, struct sgn_errbuf *eb)
{
	const cJSON *vf;
	sgn_err r;

	memset(v, 0, sizeof(*v));
	if ((r = sgn_json_get_object(obj, "validFor", need_start, where, &vf,
	    eb)) != SGN_OK)
		return r;
	if (vf == NULL)
		return SGN_OK;
	if ((r = sgn_json_get_time(vf, "start", need_start, where, &v->start,
	    &v->has_start, eb)) != SGN_OK ||
	    (r = sgn_json_get_time(vf, "end", SGN_JSON_OPTIONAL, where,
	    &v->end, &v->has_end, eb)) != SGN_OK)
		return r;
	if (v->has_start && v->has_end && sgn_time_cmp(v->end, v->start) < 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "%s: validity ends before it starts", where);
	return SGN_OK;
}

static void
log_reset(struct sgn_log *l)
{
	free(l->base_url);
	free(l->host);
	free(l->authority);
	sgn_pubkey_free(&l->key);
	memset(l, 0, sizeof(*l));
}

static sgn_err
parse_log(const cJSON *obj, const char *where, int is_tlog, struct sgn_log *l,
    struct sgn_errbuf *eb)
{
	const cJSON *pk, *id, *cid;
	const char *url, *details, *halg;
	uint8_t *raw = NULL, *idb = NULL;
	size_t rawlen = 0, idlen = 0;
	sgn_key_type kt;
	sgn_hash_alg kh;
	sgn_rsa_padding pad;
	struct sgn_errbuf inner;
	char w[96];
	sgn_err r;

	memset(l, 0, sizeof(*l));
	if ((r = sgn_json_get_string(obj, "baseUrl", is_tlog, where, &url,
	    eb)) != SGN_OK)
		goto out;
	if (url != NULL) {
		if ((l->base_url = strdup(url)) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		if ((r = sgn_url_host(url, &l->host, &l->authority, eb)) !=
		    SGN_OK)
			goto out;
	}
	if ((r = sgn_json_get_string(obj, "hashAlgorithm", SGN_JSON_OPTIONAL,
	    where, &halg, eb)) != SGN_OK)
		goto out;
	if (halg != NULL && strcmp(halg, "SHA2_256") != 0) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "%s: unsupported log hash algorithm %.32s", where, halg);
		goto out;
	}
	snprintf(w, sizeof(w), "%s.publicKey", where);
	if ((r = sgn_json_get_object(obj, "publicKey", SGN_JSON_REQUIRED,
	    where, &pk, eb)) != SGN_OK ||
	    (r = sgn_json_get_bytes(pk, "rawBytes", SGN_JSON_REQUIRED, w,
	    &raw, &rawlen, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(pk, "keyDetails", SGN_JSON_OPTIONAL, w,
	    &details, eb)) != SGN_OK)
		goto out;
	sgn_errbuf_clear(&inner);
	if ((r = sgn_pubkey_from_der(raw, rawlen, &l->key, &inner)) !=
	    SGN_OK) {
		r = sgn_errf(eb, r, "%s: unusable key: %s", w, inner.msg);
		goto out;
	}
	l->key_hash = sgn_pubkey_default_hash(l->key);
	if (details != NULL) {
		if (!sgn_key_details_parse(details, &kt, &kh, &pad)) {
			r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
			    "%s: unsupported keyDetails %.48s", w, details);
			goto out;
		}
		if (kt != sgn_pubkey_type(l->key)) {
			r = sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: keyDetails %.48s does not match a %s key", w,
			    details, sgn_pubkey_describe(l->key));
			goto out;
		}
		sgn_pubkey_set_rsa_padding(l->key, pad);
		l->key_hash = kh;
	}
	/* A log without a start of validity is refused (sigstore-go). */
	if ((r = parse_validity(pk, 1, w, &l->valid, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_json_get_object(obj, "logId", SGN_JSON_REQUIRED, where,
	    &id, eb)) != SGN_OK ||
	    (r = sgn_json_get_bytes(id, "keyId", SGN_JSON_REQUIRED, where,
	    &idb, &idlen, eb)) != SGN_OK)
		goto out;
	if (idlen != 32) {
		r = sgn_errf(eb, SGN_ERR_PARSE,
		    "%s.logId.keyId: %zu bytes, expected 32", where, idlen);
		goto out;
	}
	memcpy(l->log_id, idb, 32);
	free(idb);
	idb = NULL;
	if ((r = sgn_json_get_object(obj, "checkpointKeyId",
	    SGN_JSON_OPTIONAL, where, &cid, eb)) != SGN_OK)
		goto out;
	if (cid != NULL) {
		if ((r = sgn_json_get_bytes(cid, "keyId", SGN_JSON_REQUIRED,
		    where, &idb, &idlen, eb)) != SGN_OK)
			goto out;
		if (idlen != 32) {
			r = sgn_errf(eb, SGN_ERR_PARSE, "%s.checkpointKeyId: "
			    "%zu bytes, expected 32", where, idlen);
			goto out;
		}
		memcpy(l->checkpoint_key_id, idb, 32);
		l->has_checkpoint_key_id = 1;
	}
	r = SGN_OK;
out:
	free(raw);
	free(idb);
	if (r != SGN_OK)
		log_reset(l);
	return r;
}

static void
authority_reset(struct sgn_authority *a)
{
	size_t i;

	free(a->uri);
	free(a->organization);
	free(a->common_name);
	for (i = 0; i < a->chain_len; i++)
		sgn_cert_free(&a->chain[i]);
	free(a->chain);
	memset(a, 0, sizeof(*a));
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static sgn_err
parse_authority(const cJSON *obj, const char *where, struct sgn_authority *a,
    struct sgn_errbuf *eb)
{
	const cJSON *subj, *cc, *certs, *c;
	const char *uri, *org = NULL, *cn = NULL;
	char w[128];
	size_t i, n;
	sgn_err r;

	memset(a, 0, sizeof(*a));
	if ((r = sgn_json_get_string(obj, "uri", SGN_JSON_OPTIONAL, where,
	    &uri, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(obj, "subject", SGN_JSON_OPTIONAL, where,
	    &subj, eb)) != SGN_OK)
		goto out;
	if (subj != NULL &&
	    ((r = sgn_json_get_string(subj, "organization", SGN_JSON_OPTIONAL,
	    where, &org, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(subj, "commonName", SGN_JSON_OPTIONAL,
	    where, &cn, eb)) != SGN_OK))
		goto out;
	a->uri = dup_or_null(uri);
	a->organization = dup_or_null(org);
	a->common_name = dup_or_null(cn);
	snprintf(w, sizeof(w), "%s.certChain", where);
	if ((r = sgn_json_get_object(obj, "certChain", SGN_JSON_REQUIRED,
	    where, &cc, eb)) != SGN_OK ||
	    (r = sgn_json_get_array(cc, "certificates", SGN_JSON_REQUIRED, w,
	    &certs, eb)) != SGN_OK)
		goto out;
	n = (size_t)cJSON_GetArraySize(certs);
	if (n == 0 || n > MAX_CHAIN) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "%s: %zu certificates", w, n);
		goto out;
	}
	if ((a->chain = calloc(n, sizeof(*a->chain))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(c, certs) {
		uint8_t *der = NULL;
		size_t dlen = 0;
		struct sgn_errbuf inner;
		char wi[160];

		snprintf(wi, sizeof(wi), "%s.certificates[%zu]", w, i);
		if (!cJSON_IsObject(c)) {
			r = sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: expected an object", wi);
			goto out;
		}
		if ((r = sgn_json_get_bytes(c, "rawBytes", SGN_JSON_REQUIRED,
		    wi, &der, &dlen, eb)) != SGN_OK)
			goto out;
		sgn_errbuf_clear(&inner);
		r = sgn_cert_from_der(der, dlen, &a->chain[i], &inner);
		free(der);
		if (r != SGN_OK) {
			r = sgn_errf(eb, r, "%s: unusable certificate: %s", wi,
			    inner.msg);
			goto out;
		}
		a->chain_len = ++i;
	}
	r = parse_validity(obj, 0, where, &a->valid, eb);
out:
	if (r == SGN_OK && ((uri != NULL && a->uri == NULL) ||
	    (org != NULL && a->organization == NULL) ||
	    (cn != NULL && a->common_name == NULL)))
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (r != SGN_OK)
		authority_reset(a);
	return r;
}

/*
 * A list member of the trusted root: each element an object parsed by
 * parse into an array of n elements of size sz (reset undoes one).
 */
static sgn_err
parse_list(const cJSON *root, const char *key, size_t sz,
    sgn_err (*parse)(const cJSON *, const char *, int, void *,
    struct sgn_errbuf *), int arg, void (*reset)(void *), void **out,
    size_t *nout, struct sgn_errbuf *eb)
{
	const cJSON *arr, *e;
	uint8_t *v = NULL;
	size_t n, i = 0, k;
	char w[64];
	sgn_err r;

	*out = NULL;
	*nout = 0;
	if ((r = sgn_json_get_array(root, key, SGN_JSON_OPTIONAL,
	    "trusted root", &arr, eb)) != SGN_OK || arr == NULL)
		return r;
	n = (size_t)cJSON_GetArraySize(arr);
	if (n > SGN_TRUSTED_ROOT_MAX_ENTRIES)
		return sgn_errf(eb, SGN_ERR_LIMIT, "trusted root: too many %s",
		    key);
	if (n == 0)
		return SGN_OK;
	if ((v = calloc(n, sz)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	cJSON_ArrayForEach(e, arr) {
		snprintf(w, sizeof(w), "trusted root.%s[%zu]", key, i);
		if (!cJSON_IsObject(e)) {
			r = sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: expected an object", w);
			goto fail;
		}
		if ((r = parse(e, w, arg, v + i * sz, eb)) != SGN_OK)
			goto fail;
		i++;
	}
	*out = v;
	*nout = n;
	return SGN_OK;
fail:
	for (k = 0; k < i; k++)
		reset(v + k * sz);
	free(v);
	return r;
}

static sgn_err
parse_log_cb(const cJSON *obj, const char *where, int is_tlog, void *out,
    struct sgn_errbuf *eb)
{
	return parse_log(obj, where, is_tlog, out, eb);
}

static sgn_err
parse_authority_cb(const cJSON *obj, const char *where, int unused,
    void *out, struct sgn_errbuf *eb)
{
	(void)unused;
	return parse_authority(obj, where, out, eb);
}

static void
log_reset_cb(void *p)
{
	log_reset(p);
}

static void
authority_reset_cb(void *p)
{
	authority_reset(p);
}

sgn_err
sgn_trusted_root_parse(const uint8_t *buf, size_t len,
    struct sgn_trusted_root **out, struct sgn_errbuf *eb)
{
	struct sgn_trusted_root *tr = NULL;
	cJSON *root = NULL;
	const char *mt;
	void *list;
	size_t i;
	sgn_err r;

	*out = NULL;
	if (len > SGN_MAX_TRUSTED_ROOT_BYTES)
		return sgn_errf(eb, SGN_ERR_LIMIT, "trusted root too large");
	if ((r = sgn_json_parse(buf, len, "trusted root", &root, eb)) !=
	    SGN_OK)
		return r;
	if (!cJSON_IsObject(root)) {
		r = sgn_errf(eb, SGN_ERR_PARSE,
		    "trusted root: expected a JSON object");
		goto out;
	}
	if ((r = sgn_json_get_string(root, "mediaType", SGN_JSON_REQUIRED,
	    "trusted root", &mt, eb)) != SGN_OK)
		goto out;
	for (i = 0; i < sizeof(media_types) / sizeof(media_types[0]); i++)
		if (strcmp(mt, media_types[i]) == 0)
			break;
	if (i == sizeof(media_types) / sizeof(media_types[0])) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "trusted root: unsupported media type \"%.80s\"", mt);
		goto out;
	}
	if ((tr = calloc(1, sizeof(*tr))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = parse_list(root, "tlogs", sizeof(struct sgn_log),
	    parse_log_cb, 1, log_reset_cb, &list, &tr->n_tlogs, eb)) != SGN_OK)
		goto out;
	tr->tlogs = list;
	if ((r = parse_list(root, "ctlogs", sizeof(struct sgn_log),
	    parse_log_cb, 0, log_reset_cb, &list, &tr->n_ctlogs, eb)) !=
	    SGN_OK)
		goto out;
	tr->ctlogs = list;
	if ((r = parse_list(root, "certificateAuthorities",
	    sizeof(struct sgn_authority), parse_authority_cb, 0,
	    authority_reset_cb, &list, &tr->n_cas, eb)) != SGN_OK)
		goto out;
	tr->cas = list;
	if ((r = parse_list(root, "timestampAuthorities",
	    sizeof(struct sgn_authority), parse_authority_cb, 0,
	    authority_reset_cb, &list, &tr->n_tsas, eb)) != SGN_OK)
		goto out;
	tr->tsas = list;
	*out = tr;
	tr = NULL;
	r = SGN_OK;
out:
	sgn_trusted_root_free(&tr);
	cJSON_Delete(root);
	return r;
}

sgn_err
sgn_trusted_root_load(const char *path, struct sgn_trusted_root **out,
    struct sgn_errbuf *eb)
{
	uint8_t *buf;
	size_t len;
	sgn_err r;

	*out = NULL;
	/* A trusted root we cannot read or use means the work cannot be
	 * done (exit status 2), whatever the reason. */
	if ((r = sgn_file_read(path, SGN_MAX_TRUSTED_ROOT_BYTES, &buf, &len,
	    eb)) != SGN_OK)
		return r == SGN_ERR_NOMEM ? r : SGN_ERR_TRUST;
	r = sgn_trusted_root_parse(buf, len, out, eb);
	free(buf);
	if (r != SGN_OK && r != SGN_ERR_NOMEM)
		r = SGN_ERR_TRUST;
	return r;
}

extern const unsigned char sgn_embedded_trusted_root_json[];
extern const size_t sgn_embedded_trusted_root_json_len;
extern const unsigned char sgn_embedded_staging_trusted_root_json[];
extern const size_t sgn_embedded_staging_trusted_root_json_len;

const uint8_t *
sgn_trusted_root_embedded_bytes(int staging, size_t *len)
{
	if (staging) {
		*len = sgn_embedded_staging_trusted_root_json_len;
		return sgn_embedded_staging_trusted_root_json;
	}
	*len = sgn_embedded_trusted_root_json_len;
	return sgn_embedded_trusted_root_json;
}

sgn_err
sgn_trusted_root_embedded(int staging, struct sgn_trusted_root **out,
    struct sgn_errbuf *eb)
{
	size_t len;
	const uint8_t *p = sgn_trusted_root_embedded_bytes(staging, &len);

	return sgn_trusted_root_parse(p, len, out, eb);
}

void
sgn_trusted_root_free(struct sgn_trusted_root **rp)
{
	struct sgn_trusted_root *tr;
	size_t i;

	if (rp == NULL || (tr = *rp) == NULL)
		return;
	for (i = 0; i < tr->n_tlogs; i++)
		log_reset(&tr->tlogs[i]);
	for (i = 0; i < tr->n_ctlogs; i++)
		log_reset(&tr->ctlogs[i]);
	for (i = 0; i < tr->n_cas; i++)
		authority_reset(&tr->cas[i]);
	for (i = 0; i < tr->n_tsas; i++)
		authority_reset(&tr->tsas[i]);
	free(tr->tlogs);
	free(tr->ctlogs);
	free(tr->cas);
	free(tr->tsas);
	free(tr);
	*rp = NULL;
}

const struct sgn_log *
sgn_trusted_root_tlogs(const struct sgn_trusted_root *r, size_t *n)
{
	*n = r->n_tlogs;
	return r->tlogs;
}

const struct sgn_log *
sgn_trusted_root_ctlogs(const struct sgn_trusted_root *r, size_t *n)
{
	*n = r->n_ctlogs;
	return r->ctlogs;
}

const struct sgn_authority *
sgn_trusted_root_cas(const struct sgn_trusted_root *r, size_t *n)
{
	*n = r->n_cas;
	return r->cas;
}

const struct sgn_authority *
sgn_trusted_root_tsas(const struct sgn_trusted_root *r, size_t *n)
{
	*n = r->n_tsas;
	return r->tsas;
}

static const struct sgn_log *
find(const struct sgn_log *v, size_t n, const uint8_t *id, size_t idlen)
{
	size_t i;

	if (idlen != 32)
		return NULL;
	for (i = 0; i < n; i++)
		if (memcmp(v[i].log_id, id, 32) == 0)
			return &v[i];
	return NULL;
}

int
sgn_log_valid_at(const struct sgn_log *logs, size_t n, const uint8_t *id,
    struct sgn_time t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memcmp(logs[i].log_id, id, 32) == 0 &&
		    sgn_validity_contains(&logs[i].valid, t))
			return 1;
	return 0;
}

const struct sgn_log *
sgn_trusted_root_find_tlog(const struct sgn_trusted_root *r,
    const uint8_t *id, size_t idlen)
{
	return find(r->tlogs, r->n_tlogs, id, idlen);
}

const struct sgn_log *
sgn_trusted_root_find_ctlog(const struct sgn_trusted_root *r,
    const uint8_t *id, size_t idlen)
{
	return find(r->ctlogs, r->n_ctlogs, id, idlen);
}
