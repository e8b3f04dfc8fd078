/*
 * SigningConfig v0.2: which Fulcio, OIDC provider, Rekor logs and TSAs a
 * signer uses (protobuf-specs sigstore_trustroot.proto), and the service
 * selection of sigstore-go's SelectService(s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core_int.h"
#include "json.h"
#include "trust.h"

#define MAX_SERVICES 32

static const char MEDIA_TYPE[] =
    "application/vnd.dev.sigstore.signingconfig.v0.2+json";

static void
services_free(struct sgn_service *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].url);
		free(v[i].operator_name);
	}
	free(v);
}

void
sgn_signing_config_free(struct sgn_signing_config **cp)
{
	struct sgn_signing_config *c;

	if (cp == NULL || (c = *cp) == NULL)
		return;
	services_free(c->ca, c->n_ca);
	services_free(c->oidc, c->n_oidc);
	services_free(c->rekor, c->n_rekor);
	services_free(c->tsa, c->n_tsa);
	free(c);
	*cp = NULL;
}

static sgn_err
parse_services(const cJSON *root, const char *key,
    struct sgn_service **out, size_t *nout, struct sgn_errbuf *eb)
{
	const cJSON *arr, *e, *vf;
	struct sgn_service *v;
	const char *url, *op;
	size_t n, i = 0;
	char w[64];
	sgn_err r;

	*out = NULL;
	*nout = 0;
	if ((r = sgn_json_get_array(root, key, SGN_JSON_OPTIONAL,
	    "signing config", &arr, eb)) != SGN_OK || arr == NULL)
		return r;
	n = (size_t)cJSON_GetArraySize(arr);
	if (n > MAX_SERVICES)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "signing config: too many %s", key);
	if (n == 0)
		return SGN_OK;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	cJSON_ArrayForEach(e, arr) {
		struct sgn_service *s = &v[i];
		snprintf(w, sizeof(w), "signing config.%s[%zu]", key, i);
		i++;
		if (!cJSON_IsObject(e)) {
			r = sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: expected an object", w);
			goto fail;
		}
		if ((r = sgn_json_get_string(e, "url", SGN_JSON_REQUIRED, w,
		    &url, eb)) != SGN_OK ||
		    (r = sgn_json_get_uint32(e, "majorApiVersion",
		    SGN_JSON_REQUIRED, w, &s->major, eb)) != SGN_OK ||
		    (r = sgn_json_get_string(e, "operator", SGN_JSON_OPTIONAL,
		    w, &op, eb)) != SGN_OK ||
		    (r = sgn_json_get_object(e, "validFor", SGN_JSON_REQUIRED,
		    w, &vf, eb)) != SGN_OK ||
		    (r = sgn_json_get_time(vf, "start", SGN_JSON_REQUIRED, w,
		    &s->valid.start, &s->valid.has_start, eb)) != SGN_OK ||
		    (r = sgn_json_get_time(vf, "end", SGN_JSON_OPTIONAL, w,
		    &s->valid.end, &s->valid.has_end, eb)) != SGN_OK)
			goto fail;
		if (strncmp(url, "https://", 8) != 0 &&
		    strncmp(url, "http://", 7) != 0) {
			r = sgn_errf(eb, SGN_ERR_PARSE,
			    "%s.url: not an http(s) URL", w);
			goto fail;
		}
		if ((s->url = strdup(url)) == NULL ||
		    (op != NULL && (s->operator_name = strdup(op)) == NULL)) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto fail;
		}
		/* No trailing slash: paths are appended to it. */
		while (strlen(s->url) > 8 && s->url[strlen(s->url) - 1] == '/')
			s->url[strlen(s->url) - 1] = '\0';
	}
	*out = v;
	*nout = n;
	return SGN_OK;
fail:
	services_free(v, n);
	return r;
}

static sgn_err
parse_selector(const cJSON *root, const char *key, sgn_selector *sel,
    uint32_t *count, struct sgn_errbuf *eb)
{
	const cJSON *cfg;
	const char *s;
	char w[64];
	sgn_err r;

	*sel = SGN_SELECT_ANY;
	*count = 0;
	snprintf(w, sizeof(w), "signing config.%s", key);
	if ((r = sgn_json_get_object(root, key, SGN_JSON_OPTIONAL,
	    "signing config", &cfg, eb)) != SGN_OK || cfg == NULL)
		return r;
	if ((r = sgn_json_get_string(cfg, "selector", SGN_JSON_REQUIRED, w, &s,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_uint32(cfg, "count", SGN_JSON_OPTIONAL, w,
	    count, eb)) != SGN_OK)
		return r;
	if (strcmp(s, "ANY") == 0)
		*sel = SGN_SELECT_ANY;
	else if (strcmp(s, "ALL") == 0)
		*sel = SGN_SELECT_ALL;
	else if (strcmp(s, "EXACT") == 0)
		*sel = SGN_SELECT_EXACT;
	else
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "%s.selector: "
		    "unsupported \"%.32s\"", w, s);
	if (*sel == SGN_SELECT_EXACT && *count == 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "%s: EXACT needs a count > 0", w);
	return SGN_OK;
}

sgn_err
sgn_signing_config_parse(const uint8_t *buf, size_t len,
    struct sgn_signing_config **out, struct sgn_errbuf *eb)
{
	struct sgn_signing_config *c = NULL;
	cJSON *root = NULL;
	const char *mt;
	sgn_err r;

	*out = NULL;
	if ((r = sgn_json_parse(buf, len, "signing config", &root, eb)) !=
	    SGN_OK)
		return r;
	if (!cJSON_IsObject(root)) {
		r = sgn_errf(eb, SGN_ERR_PARSE,
		    "signing config: expected a JSON object");
		goto out;
	}
	if ((r = sgn_json_get_string(root, "mediaType", SGN_JSON_REQUIRED,
	    "signing config", &mt, eb)) != SGN_OK)
		goto out;
	if (strcmp(mt, MEDIA_TYPE) != 0) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "signing config: "
		    "unsupported media type \"%.80s\" (v0.2 only)", mt);
		goto out;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = parse_services(root, "caUrls", &c->ca, &c->n_ca, eb)) !=
	    SGN_OK ||
	    (r = parse_services(root, "oidcUrls", &c->oidc, &c->n_oidc,
	    eb)) != SGN_OK ||
	    (r = parse_services(root, "rekorTlogUrls", &c->rekor, &c->n_rekor,
	    eb)) != SGN_OK ||
	    (r = parse_services(root, "tsaUrls", &c->tsa, &c->n_tsa, eb)) !=
	    SGN_OK ||
	    (r = parse_selector(root, "rekorTlogConfig", &c->rekor_selector,
	    &c->rekor_count, eb)) != SGN_OK ||
	    (r = parse_selector(root, "tsaConfig", &c->tsa_selector,
	    &c->tsa_count, eb)) != SGN_OK)
		goto out;
	*out = c;
	c = NULL;
out:
	sgn_signing_config_free(&c);
	cJSON_Delete(root);
	return r;
}

sgn_err
sgn_signing_config_load(const char *path, struct sgn_signing_config **out,
    struct sgn_errbuf *eb)
{
	uint8_t *buf;
	size_t len;
	sgn_err r;

	*out = NULL;
	if ((r = sgn_file_read(path, 1024 * 1024, &buf, &len, eb)) != SGN_OK)
		return r == SGN_ERR_NOMEM ? r : SGN_ERR_TRUST;
	r = sgn_signing_config_parse(buf, len, out, eb);
	free(buf);
	return r == SGN_OK || r == SGN_ERR_NOMEM ? r : SGN_ERR_TRUST;
}

extern const unsigned char sgn_embedded_signing_config_v0_2_json[];
extern const size_t sgn_embedded_signing_config_v0_2_json_len;
extern const unsigned char sgn_embedded_signing_config_rekor_v2_v0_2_json[];
extern const size_t sgn_embedded_signing_config_rekor_v2_v0_2_json_len;

sgn_err
sgn_signing_config_embedded(int rekor_v2, struct sgn_signing_config **out,
    struct sgn_errbuf *eb)
{
	if (rekor_v2)
		return sgn_signing_config_parse(
		    sgn_embedded_signing_config_rekor_v2_v0_2_json,
		    sgn_embedded_signing_config_rekor_v2_v0_2_json_len, out,
		    eb);
	return sgn_signing_config_parse(sgn_embedded_signing_config_v0_2_json,
	    sgn_embedded_signing_config_v0_2_json_len, out, eb);
}

static int
supported(const char *kind, uint32_t major)
{
	if (strcmp(kind, "rekor") == 0)
		return major == 1 || major == 2;
	return major == 1;
}

/* Usable services, newest validity start first. */
static size_t
usable(const struct sgn_service *v, size_t n, const char *kind,
    struct sgn_time now, const struct sgn_service **out, size_t max)
{
	size_t i, k, m = 0;

	for (i = 0; i < n; i++) {
		if (!supported(kind, v[i].major) ||
		    !sgn_validity_contains(&v[i].valid, now))
			continue;
		if (m == max)
			break;
		/* insertion sort by start, newest first */
		for (k = m; k > 0 && sgn_time_cmp(out[k - 1]->valid.start,
		    v[i].valid.start) < 0; k--)
			out[k] = out[k - 1];
		out[k] = &v[i];
		m++;
	}
	return m;
}

static int
same_operator(const struct sgn_service *a, const struct sgn_service *b)
{
	if (a->operator_name == NULL || b->operator_name == NULL)
		return 0;
	return strcmp(a->operator_name, b->operator_name) == 0;
}

static sgn_err
select_logs(const struct sgn_service *v, size_t n, const char *kind,
    sgn_selector selector, uint32_t count, struct sgn_time now,
    const struct sgn_service **out, size_t *nout, struct sgn_errbuf *eb)
{
	const struct sgn_service *cand[MAX_SERVICES], *pick[MAX_SERVICES];
	size_t m, i, k, np = 0;
	uint32_t best = 0;

	*nout = 0;
	m = usable(v, n, kind, now, cand, MAX_SERVICES);
	for (i = 0; i < m; i++)
		if (cand[i]->major > best)
			best = cand[i]->major;
	/* Highest version only; never mix API versions. */
	for (i = 0; i < m; i++) {
		int dup = 0;
		if (cand[i]->major != best)
			continue;
		for (k = 0; k < np && !dup; k++)
			dup = same_operator(pick[k], cand[i]);
		if (!dup)
			pick[np++] = cand[i];
	}
	if (selector == SGN_SELECT_ANY && np > 1)
		np = 1;
	if (selector == SGN_SELECT_EXACT) {
		if (np < count)
			return sgn_errf(eb, SGN_ERR_TRUST, "signing config: %u "
			    "%s services wanted, %zu usable", count, kind, np);
		np = count;
	}
	if (np > SGN_MAX_SELECTED)
		np = SGN_MAX_SELECTED;
	for (i = 0; i < np; i++)
		out[i] = pick[i];
	*nout = np;
	return SGN_OK;
}

/* sgn_signing_config_select() into a whole struct of this version. */
static sgn_err
select_whole(const struct sgn_signing_config *c, struct sgn_time now,
    struct sgn_selection *sel, struct sgn_errbuf *eb)
{
	const struct sgn_service *one[MAX_SERVICES];
	sgn_err r;

	if (usable(c->ca, c->n_ca, "ca", now, one, MAX_SERVICES) == 0)
		return sgn_errf(eb, SGN_ERR_TRUST, "signing config: no usable "
		    "certificate authority (Fulcio)");
	sel->ca = one[0];
	if (usable(c->oidc, c->n_oidc, "oidc", now, one, MAX_SERVICES) > 0)
		sel->oidc = one[0];
	if ((r = select_logs(c->rekor, c->n_rekor, "rekor", c->rekor_selector,
	    c->rekor_count, now, sel->rekor, &sel->n_rekor, eb)) != SGN_OK ||
	    (r = select_logs(c->tsa, c->n_tsa, "tsa", c->tsa_selector,
	    c->tsa_count, now, sel->tsa, &sel->n_tsa, eb)) != SGN_OK)
		return r;
	if (sel->n_rekor == 0)
		return sgn_errf(eb, SGN_ERR_TRUST, "signing config: no usable "
		    "transparency log (Rekor)");
	return SGN_OK;
}

sgn_err
sgn_signing_config_select(const struct sgn_signing_config *c,
    struct sgn_time now, struct sgn_selection *sel, struct sgn_errbuf *eb)
{
	struct sgn_selection full = SGN_SELECTION_INIT;
	sgn_err r;

	if ((r = sgn_sized_check(sel, sizeof(*sel), "sgn_selection", eb)) !=
	    SGN_OK)
		return r;
	/* filled whole, then handed over within the caller's size */
	r = select_whole(c, now, &full, eb);
	if (r != SGN_OK)
		full = (struct sgn_selection)SGN_SELECTION_INIT;
	sgn_sized_out(sel, &full, sizeof(full));
	return r;
}

/* 1 when url and known have the same scheme and authority (host[:port]). */
static int
same_service(const char *url, const char *known)
{
	char	*h1 = NULL, *a1 = NULL, *h2 = NULL, *a2 = NULL;
	int	 same;

	if (known == NULL)
		return 0;
	same = (strncmp(url, "https://", 8) == 0) ==
	    (strncmp(known, "https://", 8) == 0) &&
	    sgn_url_host(url, &h1, &a1, NULL) == SGN_OK &&
	    sgn_url_host(known, &h2, &a2, NULL) == SGN_OK &&
	    strcasecmp(a1, a2) == 0;
	free(h1);
	free(a1);
	free(h2);
	free(a2);
	return same;
}

static int
log_known(const struct sgn_log *logs, size_t n, const char *url)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (same_service(url, logs[i].base_url))
			return 1;
	return 0;
}

/*
 * 1 when one of the authorities is at url's authority, or when one of
 * them names no URI at all (a trusted root may leave it out: that one
 * cannot be told from the others, and the answer is checked anyway).
 */
static int
authority_known(const struct sgn_authority *as, size_t n, const char *url)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (as[i].uri == NULL || as[i].uri[0] == '\0' ||
		    same_service(url, as[i].uri))
			return 1;
	return 0;
}

sgn_err
sgn_selection_check_root(const struct sgn_selection *selection,
    const struct sgn_trusted_root *root, struct sgn_errbuf *eb)
{
	const struct sgn_log		*logs;
	const struct sgn_authority	*as;
	struct sgn_selection		 s;
	const struct sgn_selection	*sel = &s;
	size_t				 n, i;
	sgn_err				 r;

	if ((r = sgn_sized_in(&s, sizeof(s), selection, "sgn_selection",
	    eb)) != SGN_OK)
		return r;
	if (sel->ca != NULL) {
		as = sgn_trusted_root_cas(root, &n);
		if (!authority_known(as, n, sel->ca->url))
			return sgn_errf(eb, SGN_ERR_TRUST, "the trusted root "
			    "has no certificate authority at %.100s (the "
			    "signing config's Fulcio): they do not belong "
			    "together", sel->ca->url);
	}
	logs = sgn_trusted_root_tlogs(root, &n);
	for (i = 0; i < sel->n_rekor; i++)
		if (!log_known(logs, n, sel->rekor[i]->url))
			return sgn_errf(eb, SGN_ERR_TRUST, "the trusted root "
			    "has no transparency log at %.100s (the signing "
			    "config's Rekor): they do not belong together",
			    sel->rekor[i]->url);
	as = sgn_trusted_root_tsas(root, &n);
	for (i = 0; i < sel->n_tsa; i++)
		if (!authority_known(as, n, sel->tsa[i]->url))
			return sgn_errf(eb, SGN_ERR_TRUST, "the trusted root "
			    "has no timestamp authority at %.100s (the signing "
			    "config's TSA): they do not belong together",
			    sel->tsa[i]->url);
	return SGN_OK;
}
