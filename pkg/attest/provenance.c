/*
 * SLSA Provenance v1 (https://slsa.dev/spec/v1.0/provenance): the
 * predicate signet writes for a run, the field rules every provenance it
 * writes or reads must satisfy, and the builder a CI system's environment
 * names.  The resource descriptor and digest set rules are the in-toto
 * attestation framework's (spec/v1/resource_descriptor.md,
 * spec/v1/digest_set.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "attest.h"
#include "attest_int.h"
#include "json.h"

/* Digest algorithms whose values are hex of a known length (in-toto's
 * digest set: lower-case hex).  0: two lengths, 40 or 64 (git). */
static const struct {
	const char	*name;
	size_t		 hexlen;
} known_algs[] = {
	{ "sha256", 64 }, { "sha224", 56 }, { "sha384", 96 },
	{ "sha512", 128 }, { "sha512_224", 56 }, { "sha512_256", 64 },
	{ "sha3_224", 56 }, { "sha3_256", 64 }, { "sha3_384", 96 },
	{ "sha3_512", 128 }, { "sha1", 40 }, { "md5", 32 },
	{ "gitCommit", 0 }, { "gitTree", 0 }, { "gitBlob", 0 },
	{ "gitTag", 0 }, { "dirHash", 64 },
};

/* A failed rule: "provenance: <where>: <rule>". */
static sgn_err
bad(struct sgn_errbuf *eb, const char *where, const char *rule)
{
	return sgn_errf(eb, SGN_ERR_PARSE, "provenance: %s: %s", where, rule);
}

static int
lower_hex(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* 1 when (alg, value) is a digest the rules accept. */
static int
digest_ok(const char *alg, const char *v, const char **why)
{
	size_t	i, n = strlen(v);

	*why = "empty";
	if (n == 0)
		return 0;
	for (i = 0; i < sizeof(known_algs) / sizeof(known_algs[0]); i++) {
		if (strcmp(alg, known_algs[i].name) != 0)
			continue;
		*why = "not lower-case hex of the algorithm's length";
		if (known_algs[i].hexlen == 0)
			return (n == 40 || n == 64) && lower_hex(v, n);
		return n == known_algs[i].hexlen && lower_hex(v, n);
	}
	return 1;
}

static sgn_err
check_digest_set(const cJSON *d, const char *where, struct sgn_errbuf *eb)
{
	const cJSON	*c;
	const char	*why;
	char		 w[160];

	if (!cJSON_IsObject(d))
		return bad(eb, where, "not an object");
	if (d->child == NULL)
		return bad(eb, where, "an empty digest set");
	for (c = d->child; c != NULL; c = c->next) {
		snprintf(w, sizeof(w), "%s.%s", where, c->string);
		if (c->string[0] == '\0')
			return bad(eb, where, "an empty algorithm name");
		if (!cJSON_IsString(c))
			return bad(eb, w, "not a string");
		if (!digest_ok(c->string, c->valuestring, &why))
			return bad(eb, w, why);
	}
	return SGN_OK;
}

/* Optional member key of o: absent (or null), else of the right type. */
static sgn_err
opt_string(const cJSON *o, const char *key, const char *where,
    const char **out, struct sgn_errbuf *eb)
{
	const cJSON	*m = sgn_json_member(o, key);
	char		 w[160];

	*out = NULL;
	if (m == NULL)
		return SGN_OK;
	snprintf(w, sizeof(w), "%s.%s", where, key);
	if (!cJSON_IsString(m))
		return bad(eb, w, "not a string");
	*out = m->valuestring;
	return SGN_OK;
}

static sgn_err
opt_object(const cJSON *o, const char *key, const char *where,
    const cJSON **out, struct sgn_errbuf *eb)
{
	const cJSON	*m = sgn_json_member(o, key);
	char		 w[160];

	*out = m;
	if (m == NULL)
		return SGN_OK;
	snprintf(w, sizeof(w), "%s.%s", where, key);
	if (!cJSON_IsObject(m))
		return bad(eb, w, "not an object");
	return SGN_OK;
}

/* A ResourceDescriptor. */
static sgn_err
check_rd(const cJSON *rd, const char *where, struct sgn_errbuf *eb)
{
	const cJSON	*dig, *ann;
	const char	*uri, *content, *s;
	uint8_t		*raw = NULL;
	size_t		 rawlen;
	char		 w[160];
	sgn_err		 r;

	if (!cJSON_IsObject(rd))
		return bad(eb, where, "not an object");
	if ((r = opt_string(rd, "uri", where, &uri, eb)) != SGN_OK ||
	    (r = opt_string(rd, "content", where, &content, eb)) != SGN_OK ||
	    (r = opt_string(rd, "name", where, &s, eb)) != SGN_OK ||
	    (r = opt_string(rd, "downloadLocation", where, &s, eb)) !=
	    SGN_OK ||
	    (r = opt_string(rd, "mediaType", where, &s, eb)) != SGN_OK ||
	    (r = opt_object(rd, "annotations", where, &ann, eb)) != SGN_OK)
		return r;
	if (uri == NULL && content == NULL &&
	    sgn_json_member(rd, "digest") == NULL)
		return bad(eb, where, "a resource descriptor needs a uri, a "
		    "digest or content");
	snprintf(w, sizeof(w), "%s.uri", where);
	if (uri != NULL && !attest_is_uri(uri))
		return bad(eb, w, "not a URI");
	snprintf(w, sizeof(w), "%s.content", where);
	if (content != NULL) {
		if (sgn_b64_decode(content, strlen(content), &raw, &rawlen,
		    NULL) != SGN_OK)
			return bad(eb, w, "not base64");
		free(raw);
	}
	snprintf(w, sizeof(w), "%s.digest", where);
	if ((dig = sgn_json_member(rd, "digest")) != NULL &&
	    (r = check_digest_set(dig, w, eb)) != SGN_OK)
		return r;
	return SGN_OK;
}

static sgn_err
check_rd_list(const cJSON *o, const char *key, const char *where,
    struct sgn_errbuf *eb)
{
	const cJSON	*arr = sgn_json_member(o, key), *c;
	char		 w[160];
	size_t		 i = 0;
	sgn_err		 r;

	snprintf(w, sizeof(w), "%s.%s", where, key);
	if (arr == NULL)
		return SGN_OK;
	if (!cJSON_IsArray(arr))
		return bad(eb, w, "not an array");
	for (c = arr->child; c != NULL; c = c->next, i++) {
		snprintf(w, sizeof(w), "%s.%s[%zu]", where, key, i);
		if ((r = check_rd(c, w, eb)) != SGN_OK)
			return r;
	}
	return SGN_OK;
}

static sgn_err
check_time(const cJSON *o, const char *key, struct sgn_time *t,
    int *present, struct sgn_errbuf *eb)
{
	const char	*s;
	char		 w[80];
	sgn_err		 r;

	*present = 0;
	snprintf(w, sizeof(w), "runDetails.metadata.%s", key);
	if ((r = opt_string(o, key, "runDetails.metadata", &s, eb)) !=
	    SGN_OK)
		return r;
	if (s == NULL)
		return SGN_OK;
	if (sgn_time_parse_rfc3339(s, strlen(s), t, NULL) != SGN_OK)
		return bad(eb, w, "not an RFC 3339 time");
	*present = 1;
	return SGN_OK;
}

sgn_err
attest_slsa_check_tree(const cJSON *p, struct sgn_errbuf *eb)
{
	const cJSON	*bd, *rdt, *b, *m, *c, *ver;
	const char	*s;
	struct sgn_time	 t0, t1;
	int		 has0, has1;
	sgn_err		 r;

	if (!cJSON_IsObject(p))
		return bad(eb, "predicate", "not an object");
	if ((bd = sgn_json_member(p, "buildDefinition")) == NULL)
		return bad(eb, "buildDefinition", "required");
	if (!cJSON_IsObject(bd))
		return bad(eb, "buildDefinition", "not an object");
	if ((c = sgn_json_member(bd, "buildType")) == NULL)
		return bad(eb, "buildDefinition.buildType", "required");
	if (!cJSON_IsString(c) || !attest_is_uri(c->valuestring))
		return bad(eb, "buildDefinition.buildType", "not a URI");
	if ((c = sgn_json_member(bd, "externalParameters")) == NULL)
		return bad(eb, "buildDefinition.externalParameters",
		    "required");
	if (!cJSON_IsObject(c))
		return bad(eb, "buildDefinition.externalParameters",
		    "not an object");
	if ((r = opt_object(bd, "internalParameters", "buildDefinition", &c,
	    eb)) != SGN_OK || (r = check_rd_list(bd, "resolvedDependencies",
	    "buildDefinition", eb)) != SGN_OK)
		return r;
	if ((rdt = sgn_json_member(p, "runDetails")) == NULL)
		return bad(eb, "runDetails", "required");
	if (!cJSON_IsObject(rdt))
		return bad(eb, "runDetails", "not an object");
	if ((b = sgn_json_member(rdt, "builder")) == NULL)
		return bad(eb, "runDetails.builder", "required");
	if (!cJSON_IsObject(b))
		return bad(eb, "runDetails.builder", "not an object");
	if ((c = sgn_json_member(b, "id")) == NULL)
		return bad(eb, "runDetails.builder.id", "required");
	if (!cJSON_IsString(c) || !attest_is_uri(c->valuestring))
		return bad(eb, "runDetails.builder.id", "not a URI");
	if ((r = opt_object(b, "version", "runDetails.builder", &ver, eb)) !=
	    SGN_OK || (r = check_rd_list(b, "builderDependencies",
	    "runDetails.builder", eb)) != SGN_OK)
		return r;
	for (c = ver != NULL ? ver->child : NULL; c != NULL; c = c->next)
		if (!cJSON_IsString(c))
			return bad(eb, "runDetails.builder.version",
			    "a value that is not a string");
	if ((r = opt_object(rdt, "metadata", "runDetails", &m, eb)) != SGN_OK)
		return r;
	if (m != NULL) {
		if ((r = opt_string(m, "invocationId", "runDetails.metadata",
		    &s, eb)) != SGN_OK ||
		    (r = check_time(m, "startedOn", &t0, &has0, eb)) !=
		    SGN_OK ||
		    (r = check_time(m, "finishedOn", &t1, &has1, eb)) !=
		    SGN_OK)
			return r;
		if (has0 && has1 && sgn_time_cmp(t1, t0) < 0)
			return bad(eb, "runDetails.metadata.finishedOn",
			    "before startedOn");
	}
	return check_rd_list(rdt, "byproducts", "runDetails", eb);
}

sgn_err
sgn_attest_slsa_check(const uint8_t *json, size_t len,
    struct sgn_errbuf *eb)
{
	cJSON	*t = NULL;
	sgn_err	 r;

	if ((r = attest_parse_object(json, len, "provenance", &t, eb)) !=
	    SGN_OK)
		return r;
	r = attest_slsa_check_tree(t, eb);
	cJSON_Delete(t);
	return r;
}

/* Building ------------------------------------------------------------ */

/* A new resource descriptor for d, or NULL when out of memory. */
static cJSON *
make_dep(const struct sgn_attest_dep *d)
{
	cJSON	*o, *dg;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if ((d->name != NULL && cJSON_AddStringToObject(o, "name",
	    d->name) == NULL) || (d->uri != NULL &&
	    cJSON_AddStringToObject(o, "uri", d->uri) == NULL) ||
	    (d->alg != NULL && d->hex != NULL &&
	    ((dg = cJSON_AddObjectToObject(o, "digest")) == NULL ||
	    cJSON_AddStringToObject(dg, d->alg, d->hex) == NULL))) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
dep_sane(const struct sgn_attest_dep *d)
{
	return (d->name == NULL || strlen(d->name) <= SGN_ATTEST_MAX_STRING) &&
	    (d->uri == NULL || strlen(d->uri) <= SGN_ATTEST_MAX_STRING) &&
	    (d->hex == NULL || strlen(d->hex) <= 128) &&
	    ((d->alg == NULL) == (d->hex == NULL));
}

sgn_err
sgn_attest_provenance(const struct sgn_attest_run *run, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	cJSON	*p = NULL, *bd, *ep, *arr, *rd, *b, *m;
	char	 ts[SGN_TIME_STRLEN];
	size_t	 i;
	sgn_err	 r = SGN_ERR_NOMEM;

	if (run == NULL || out == NULL || run->builder_id == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "provenance: no builder id");
	if (run->n_deps > SGN_ATTEST_MAX_ITEMS ||
	    run->n_command > SGN_ATTEST_MAX_ITEMS)
		return sgn_errf(eb, SGN_ERR_LIMIT, "provenance: more than %d "
		    "inputs or command arguments", SGN_ATTEST_MAX_ITEMS);
	for (i = 0; i < run->n_deps; i++)
		if (!dep_sane(&run->deps[i]))
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
			    "provenance: input %zu: too long, or a digest "
			    "without its algorithm", i);
	if (run->parameters != NULL && !dep_sane(run->parameters))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "provenance: parameters: too long");
	if ((p = cJSON_CreateObject()) == NULL ||
	    (bd = cJSON_AddObjectToObject(p, "buildDefinition")) == NULL ||
	    cJSON_AddStringToObject(bd, "buildType", run->build_type != NULL ?
	    run->build_type : SGN_ATTEST_BUILD_TYPE) == NULL ||
	    (ep = cJSON_AddObjectToObject(bd, "externalParameters")) == NULL)
		goto out;
	if (run->n_command > 0) {
		if ((arr = cJSON_AddArrayToObject(ep, "command")) == NULL)
			goto out;
		for (i = 0; i < run->n_command; i++) {
			cJSON *s = cJSON_CreateString(run->command[i]);

			if (s == NULL)
				goto out;
			cJSON_AddItemToArray(arr, s);
		}
	}
	if (run->parameters != NULL) {
		if ((rd = make_dep(run->parameters)) == NULL)
			goto out;
		cJSON_AddItemToObject(ep, "parameters", rd);
	}
	if (run->n_deps > 0) {
		arr = cJSON_AddArrayToObject(bd, "resolvedDependencies");
		if (arr == NULL)
			goto out;
		for (i = 0; i < run->n_deps; i++) {
			if ((rd = make_dep(&run->deps[i])) == NULL)
				goto out;
			cJSON_AddItemToArray(arr, rd);
		}
	}
	if ((rd = cJSON_AddObjectToObject(p, "runDetails")) == NULL ||
	    (b = cJSON_AddObjectToObject(rd, "builder")) == NULL ||
	    cJSON_AddStringToObject(b, "id", run->builder_id) == NULL)
		goto out;
	if (run->invocation_id != NULL || run->has_times) {
		if ((m = cJSON_AddObjectToObject(rd, "metadata")) == NULL)
			goto out;
		if (run->invocation_id != NULL && cJSON_AddStringToObject(m,
		    "invocationId", run->invocation_id) == NULL)
			goto out;
		if (run->has_times) {
			sgn_time_format(run->started, ts);
			if (cJSON_AddStringToObject(m, "startedOn", ts) ==
			    NULL)
				goto out;
			sgn_time_format(run->finished, ts);
			if (cJSON_AddStringToObject(m, "finishedOn", ts) ==
			    NULL)
				goto out;
		}
	}
	/* what signet writes obeys the rules it reads by */
	if ((r = attest_slsa_check_tree(p, eb)) != SGN_OK)
		goto out;
	r = attest_print(p, out, eb);
out:
	if (r == SGN_ERR_NOMEM)
		(void)sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	cJSON_Delete(p);
	return r;
}

/* The builder from a CI system's environment -------------------------- */

static sgn_err
need(sgn_attest_getenv_fn get, void *ctx, const char *name,
    const char *ci, const char **out, struct sgn_errbuf *eb)
{
	const char	*v = get(ctx, name);

	if (v == NULL || v[0] == '\0')
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "%s: $%s is not "
		    "set", ci, name);
	*out = v;
	return SGN_OK;
}

static int
is_true(sgn_attest_getenv_fn get, void *ctx, const char *name)
{
	const char	*v = get(ctx, name);

	return v != NULL && strcmp(v, "true") == 0;
}

sgn_err
sgn_attest_builder_from_env(sgn_attest_getenv_fn get, void *ctx,
    char **builder_id, char **invocation_id, struct sgn_errbuf *eb)
{
	const char	*a = NULL, *b = NULL, *c = NULL, *d = NULL;
	char		*bid = NULL, *iid = NULL;
	int		 n1 = 0, n2 = 0;
	sgn_err		 r;

	*builder_id = NULL;
	*invocation_id = NULL;
	if (is_true(get, ctx, "GITHUB_ACTIONS")) {
		if ((r = need(get, ctx, "GITHUB_SERVER_URL", "GitHub Actions",
		    &a, eb)) != SGN_OK || (r = need(get, ctx,
		    "GITHUB_WORKFLOW_REF", "GitHub Actions", &b, eb)) !=
		    SGN_OK || (r = need(get, ctx, "GITHUB_REPOSITORY",
		    "GitHub Actions", &c, eb)) != SGN_OK || (r = need(get, ctx,
		    "GITHUB_RUN_ID", "GitHub Actions", &d, eb)) != SGN_OK)
			return r;
		n1 = asprintf(&bid, "%s/%s", a, b);
		n2 = asprintf(&iid, "%s/%s/actions/runs/%s/attempts/%s", a, c,
		    d, get(ctx, "GITHUB_RUN_ATTEMPT") != NULL ?
		    get(ctx, "GITHUB_RUN_ATTEMPT") : "1");
	} else if (is_true(get, ctx, "GITLAB_CI")) {
		if ((r = need(get, ctx, "CI_JOB_URL", "GitLab CI", &a, eb)) !=
		    SGN_OK)
			return r;
		n1 = asprintf(&bid, "%s", a);
		n2 = asprintf(&iid, "%s", a);
	} else if (is_true(get, ctx, "BUILDKITE")) {
		if ((r = need(get, ctx, "BUILDKITE_BUILD_URL", "Buildkite",
		    &a, eb)) != SGN_OK)
			return r;
		b = get(ctx, "BUILDKITE_JOB_ID");
		n1 = asprintf(&bid, "%s", a);
		n2 = b != NULL ? asprintf(&iid, "%s#%s", a, b) :
		    asprintf(&iid, "%s", a);
	} else if (is_true(get, ctx, "CIRCLECI")) {
		if ((r = need(get, ctx, "CIRCLE_BUILD_URL", "CircleCI", &a,
		    eb)) != SGN_OK)
			return r;
		n1 = asprintf(&bid, "%s", a);
		n2 = asprintf(&iid, "%s", a);
	} else {
		return SGN_OK;
	}
	if (n1 < 0 || n2 < 0) {
		if (n1 >= 0)
			free(bid);
		if (n2 >= 0)
			free(iid);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	*builder_id = bid;
	*invocation_id = iid;
	return SGN_OK;
}
