/*
 * statement.c: OMS in-toto statements, written and read.
 *
 * Written as model_signing v1.1 writes them (protobuf JSON, two-space
 * indent, its key order), except that shard_size is an integer (the
 * reference's 1000000000.0 is the same number).  Read leniently where
 * the reference versions differ (shard algorithm spelled with or without
 * "-sharded-N", shard_size integer or float, "." or a name for a single
 * file) and strictly everywhere else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "manifest_int.h"

#define STATEMENT_TYPE	"https://in-toto.io/Statement/v1"

static sgn_err
put_str(struct sgn_buf *b, const char *s, struct sgn_errbuf *eb)
{
	return sgn_jcs_string(b, s, strlen(s), eb);
}

static sgn_err
resource_name(struct sgn_buf *b, const struct sgn_manifest_entry *e,
    struct sgn_errbuf *eb)
{
	char	*s = NULL;
	sgn_err	 r;

	if (!e->shard)
		return put_str(b, e->path, eb);
	if (asprintf(&s, "%s:%llu:%llu", e->path,
	    (unsigned long long)e->start, (unsigned long long)e->end) < 0)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	r = put_str(b, s, eb);
	free(s);
	return r;
}

sgn_err
sgn_manifest_statement(const struct sgn_manifest *m, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	char		 hex[2 * SGN_MAX_DIGEST + 1];
	char		 alg[64];
	const char	*hname;
	size_t		 i;
	sgn_err		 r;

	if (m->legacy || m->hash == SGN_MANIFEST_BLAKE3)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "statement: only v1.0 statements with sha256 or blake2b "
		    "are written");
	hname = sgn_manifest_hash_name(m->hash);
	if (m->method == SGN_MANIFEST_SHARDS)
		(void)snprintf(alg, sizeof(alg), "%s-sharded-%llu", hname,
		    (unsigned long long)m->shard_size);
	else
		(void)snprintf(alg, sizeof(alg), "%s", hname);
	sgn_hex_encode(m->root, sizeof(m->root), hex);
	if ((r = sgn_buf_appendf(out, eb, "{\n  \"_type\": \"%s\",\n"
	    "  \"subject\": [\n    {\n      \"name\": ", STATEMENT_TYPE)) !=
	    SGN_OK ||
	    (r = put_str(out, m->subject != NULL ? m->subject : "", eb)) !=
	    SGN_OK ||
	    (r = sgn_buf_appendf(out, eb, ",\n      \"digest\": {\n"
	    "        \"sha256\": \"%s\"\n      }\n    }\n  ],\n"
	    "  \"predicateType\": \"%s\",\n  \"predicate\": {\n"
	    "    \"serialization\": {\n      \"method\": \"%s\",\n"
	    "      \"hash_type\": \"%s\",\n", hex, SGN_OMS_PREDICATE_V1,
	    m->method == SGN_MANIFEST_SHARDS ? "shards" : "files",
	    hname)) != SGN_OK)
		return r;
	if (m->method == SGN_MANIFEST_SHARDS &&
	    (r = sgn_buf_appendf(out, eb, "      \"shard_size\": %llu,\n",
	    (unsigned long long)m->shard_size)) != SGN_OK)
		return r;
	if ((r = sgn_buf_appendf(out, eb, "      \"allow_symlinks\": %s%s\n",
	    m->allow_symlinks ? "true" : "false",
	    m->n_ignore > 0 ? "," : "")) != SGN_OK)
		return r;
	if (m->n_ignore > 0) {
		if ((r = sgn_buf_appendf(out, eb,
		    "      \"ignore_paths\": [\n")) != SGN_OK)
			return r;
		for (i = 0; i < m->n_ignore; i++) {
			if ((r = sgn_buf_appendf(out, eb, "        ")) !=
			    SGN_OK ||
			    (r = put_str(out, m->ignore_paths[i], eb)) !=
			    SGN_OK ||
			    (r = sgn_buf_appendf(out, eb, "%s\n",
			    i + 1 < m->n_ignore ? "," : "")) != SGN_OK)
				return r;
		}
		if ((r = sgn_buf_appendf(out, eb, "      ]\n")) != SGN_OK)
			return r;
	}
	if ((r = sgn_buf_appendf(out, eb, "    },\n    \"resources\": [%s",
	    m->n_entries > 0 ? "\n" : "")) != SGN_OK)
		return r;
	for (i = 0; i < m->n_entries; i++) {
		sgn_hex_encode(m->entries[i].digest, m->entries[i].digest_len,
		    hex);
		if ((r = sgn_buf_appendf(out, eb, "      {\n"
		    "        \"algorithm\": \"%s\",\n"
		    "        \"digest\": \"%s\",\n        \"name\": ", alg,
		    hex)) != SGN_OK ||
		    (r = resource_name(out, &m->entries[i], eb)) != SGN_OK ||
		    (r = sgn_buf_appendf(out, eb, "\n      }%s\n",
		    i + 1 < m->n_entries ? "," : "")) != SGN_OK)
			return r;
	}
	return sgn_buf_appendf(out, eb, "%s]\n  }\n}\n",
	    m->n_entries > 0 ? "    " : "");
}

/* Parsing --------------------------------------------------------------- */

static sgn_err
add_entry(struct sgn_manifest *m, size_t *cap, struct sgn_errbuf *eb,
    struct sgn_manifest_entry **out)
{
	struct sgn_manifest_entry	*nv;
	size_t				 nc;

	if (m->n_entries == *cap) {
		nc = *cap != 0 ? *cap * 2 : 16;
		if ((nv = realloc(m->entries, nc * sizeof(*nv))) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		m->entries = nv;
		*cap = nc;
	}
	*out = &m->entries[m->n_entries++];
	memset(*out, 0, sizeof(**out));
	return SGN_OK;
}

/* A decimal in [0, 2^53] without sign or leading zeros. */
static int
parse_u53(const char *s, size_t n, uint64_t *v)
{
	uint64_t	x = 0;
	size_t		i;

	if (n == 0 || n > 16 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > (1ULL << 53))
		return -1;
	*v = x;
	return 0;
}

static sgn_err
parse_digest(const char *hex, sgn_manifest_hash h, const char *name,
    struct sgn_manifest_entry *e, struct sgn_errbuf *eb)
{
	size_t	n = sgn_manifest_digest_len(h);

	if (strlen(hex) != 2 * n ||
	    sgn_hex_decode(hex, 2 * n, e->digest, n, NULL) != SGN_OK)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "statement: resource %s: digest is not %zu hex digits",
		    name, 2 * n);
	e->digest_len = n;
	return SGN_OK;
}

static sgn_err
parse_resource(struct sgn_manifest *m, const cJSON *res, const char *alg1,
    const char *alg2, struct sgn_manifest_entry *e, struct sgn_errbuf *eb)
{
	const char	*name, *alg, *digest, *c1, *c2;
	char		*path;
	sgn_err		 r;

	if (!cJSON_IsObject(res))
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "statement: a resource is not an object");
	if ((r = sgn_json_get_string(res, "name", SGN_JSON_REQUIRED,
	    "resource", &name, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(res, "algorithm", SGN_JSON_REQUIRED,
	    "resource", &alg, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(res, "digest", SGN_JSON_REQUIRED,
	    "resource", &digest, eb)) != SGN_OK)
		return r;
	if (strcmp(alg, alg1) != 0 && (alg2 == NULL || strcmp(alg, alg2) != 0))
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "statement: resource %s: algorithm %s, expected %s", name,
		    alg, alg1);
	if (m->method == SGN_MANIFEST_SHARDS) {
		/* path:start:end, the last two fields (colons in paths) */
		if ((c2 = strrchr(name, ':')) == NULL || c2 == name)
			goto bad_shard;
		for (c1 = c2 - 1; c1 > name && *c1 != ':'; c1--)
			;
		if (*c1 != ':' || c1 == name)
			goto bad_shard;
		if (parse_u53(c1 + 1, (size_t)(c2 - c1 - 1), &e->start) != 0 ||
		    parse_u53(c2 + 1, strlen(c2 + 1), &e->end) != 0 ||
		    e->end <= e->start || e->end - e->start > m->shard_size ||
		    e->start % m->shard_size != 0)
			goto bad_shard;
		path = strndup(name, (size_t)(c1 - name));
		e->shard = 1;
	} else
		path = strdup(name);
	if (path == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	e->path = path;
	if (!sgn_manifest_path_ok(path, 1))
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "statement: resource name %s: not a relative path inside "
		    "the model", name);
	return parse_digest(digest, m->hash, name, e, eb);
bad_shard:
	return sgn_errf(eb, SGN_ERR_PARSE,
	    "statement: resource name %s: not path:start:end of a shard of "
	    "%llu bytes", name, (unsigned long long)m->shard_size);
}

static sgn_err
parse_serialization(struct sgn_manifest *m, const cJSON *ser,
    struct sgn_errbuf *eb)
{
	const cJSON	*ss, *ign, *it;
	const char	*method, *hash;
	double		 d;
	char		*p;
	size_t		 i = 0, n;
	sgn_err		 r;

	if ((r = sgn_json_get_string(ser, "method", SGN_JSON_REQUIRED,
	    "serialization", &method, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(ser, "hash_type", SGN_JSON_REQUIRED,
	    "serialization", &hash, eb)) != SGN_OK ||
	    (r = sgn_json_get_bool(ser, "allow_symlinks", SGN_JSON_OPTIONAL,
	    "serialization", &m->allow_symlinks, eb)) != SGN_OK ||
	    (r = sgn_json_get_array(ser, "ignore_paths", SGN_JSON_OPTIONAL,
	    "serialization", &ign, eb)) != SGN_OK)
		return r;
	if (strcmp(method, "files") == 0)
		m->method = SGN_MANIFEST_FILES;
	else if (strcmp(method, "shards") == 0)
		m->method = SGN_MANIFEST_SHARDS;
	else
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "statement: serialization method %s is not supported",
		    method);
	if ((m->hash = sgn_manifest_hash_from_name(hash)) == 0)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "statement: hash type %s is not supported", hash);
	if (m->method == SGN_MANIFEST_SHARDS) {
		ss = sgn_json_member(ser, "shard_size");
		if (ss == NULL || !cJSON_IsNumber(ss))
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "statement: shards without a numeric shard_size");
		d = cJSON_GetNumberValue(ss);
		if (!(d >= 1 && d <= 9007199254740992.0) ||
		    (double)(uint64_t)d != d)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "statement: shard_size is not a positive integer");
		m->shard_size = (uint64_t)d;
	}
	if (ign == NULL)
		return SGN_OK;
	if (cJSON_GetArraySize(ign) > SGN_MANIFEST_MAX_IGNORE)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "statement: more than %u ignore_paths",
		    SGN_MANIFEST_MAX_IGNORE);
	if ((m->ignore_paths = calloc((size_t)cJSON_GetArraySize(ign) + 1,
	    sizeof(*m->ignore_paths))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	cJSON_ArrayForEach(it, ign) {
		if (!cJSON_IsString(it))
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "statement: ignore_paths holds a non-string");
		if ((p = strdup(it->valuestring)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		m->ignore_paths[i] = p;
		m->n_ignore = ++i;
		for (n = strlen(p); n > 1 && p[n - 1] == '/'; )
			p[--n] = '\0';
		if (!sgn_manifest_path_ok(p, 0))
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "statement: ignore_paths entry %s is not a "
			    "relative path inside the model", it->valuestring);
	}
	return SGN_OK;
}

static sgn_err
parse_v1(struct sgn_manifest *m, const cJSON *root, struct sgn_errbuf *eb)
{
	const cJSON			*subj, *s0, *dig, *pred, *ser, *res;
	const cJSON			*it;
	const char			*name, *sha;
	struct sgn_manifest_entry	*e;
	char				 alg1[64], alg2[64];
	uint8_t				 want[32];
	size_t				 cap = 0;
	int				 n;
	sgn_err				 r;

	if ((r = sgn_json_get_array(root, "subject", SGN_JSON_REQUIRED,
	    "statement", &subj, eb)) != SGN_OK)
		return r;
	if (cJSON_GetArraySize(subj) != 1)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "statement: %d subjects, expected one",
		    cJSON_GetArraySize(subj));
	s0 = cJSON_GetArrayItem(subj, 0);
	if (!cJSON_IsObject(s0))
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "statement: the subject is not an object");
	if ((r = sgn_json_get_string(s0, "name", SGN_JSON_OPTIONAL,
	    "subject", &name, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(s0, "digest", SGN_JSON_REQUIRED,
	    "subject", &dig, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(dig, "sha256", SGN_JSON_REQUIRED,
	    "subject digest", &sha, eb)) != SGN_OK)
		return r;
	if (strlen(sha) != 64 ||
	    sgn_hex_decode(sha, 64, want, sizeof(want), NULL) != SGN_OK)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "statement: subject sha256 is not 64 hex digits");
	if (name != NULL && (m->subject = strdup(name)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if ((r = sgn_json_get_object(root, "predicate", SGN_JSON_REQUIRED,
	    "statement", &pred, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(pred, "serialization",
	    SGN_JSON_REQUIRED, "predicate", &ser, eb)) != SGN_OK ||
	    (r = sgn_json_get_array(pred, "resources", SGN_JSON_REQUIRED,
	    "predicate", &res, eb)) != SGN_OK ||
	    (r = parse_serialization(m, ser, eb)) != SGN_OK)
		return r;
	if (m->hash == SGN_MANIFEST_BLAKE3 &&
	    m->method == SGN_MANIFEST_SHARDS)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "statement: blake3 shards are not supported");
	n = cJSON_GetArraySize(res);
	if (n < 0 || (unsigned)n > SGN_MANIFEST_MAX_ENTRIES)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "statement: more than %u resources",
		    SGN_MANIFEST_MAX_ENTRIES);
	(void)snprintf(alg1, sizeof(alg1), "%s",
	    sgn_manifest_hash_name(m->hash));
	(void)snprintf(alg2, sizeof(alg2), "%s-sharded-%llu",
	    sgn_manifest_hash_name(m->hash),
	    (unsigned long long)m->shard_size);
	cJSON_ArrayForEach(it, res) {
		if ((r = add_entry(m, &cap, eb, &e)) != SGN_OK ||
		    (r = parse_resource(m, it, alg1,
		    m->method == SGN_MANIFEST_SHARDS ? alg2 : NULL, e,
		    eb)) != SGN_OK)
			return r;
	}
	if ((r = sgn_manifest_compute_root(m, eb)) != SGN_OK)
		return r;
	if (memcmp(want, m->root, sizeof(want)) != 0)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "statement: manifest is inconsistent: the subject's "
		    "digest is not the root digest of its resources");
	return SGN_OK;
}

/* model_signing v0.2: one subject per file, sha256, no root digest. */
static sgn_err
parse_v02(struct sgn_manifest *m, const cJSON *root, struct sgn_errbuf *eb)
{
	const cJSON			*subj, *it, *dig, *ann;
	const char			*name, *sha, *aha;
	struct sgn_manifest_entry	*e;
	size_t				 cap = 0;
	sgn_err				 r;

	m->legacy = 1;
	m->method = SGN_MANIFEST_FILES;
	m->hash = SGN_MANIFEST_SHA256;
	if ((r = sgn_json_get_array(root, "subject", SGN_JSON_REQUIRED,
	    "statement", &subj, eb)) != SGN_OK)
		return r;
	if ((unsigned)cJSON_GetArraySize(subj) > SGN_MANIFEST_MAX_ENTRIES)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "statement: more than %u subjects",
		    SGN_MANIFEST_MAX_ENTRIES);
	cJSON_ArrayForEach(it, subj) {
		if (!cJSON_IsObject(it))
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "statement: a subject is not an object");
		if ((r = sgn_json_get_string(it, "name", SGN_JSON_REQUIRED,
		    "subject", &name, eb)) != SGN_OK ||
		    (r = sgn_json_get_object(it, "digest", SGN_JSON_REQUIRED,
		    "subject", &dig, eb)) != SGN_OK ||
		    (r = sgn_json_get_string(dig, "sha256", SGN_JSON_REQUIRED,
		    "subject digest", &sha, eb)) != SGN_OK ||
		    (r = sgn_json_get_object(it, "annotations",
		    SGN_JSON_OPTIONAL, "subject", &ann, eb)) != SGN_OK)
			return r;
		if (ann != NULL) {
			if ((r = sgn_json_get_string(ann,
			    "actual_hash_algorithm", SGN_JSON_OPTIONAL,
			    "subject annotations", &aha, eb)) != SGN_OK)
				return r;
			if (aha != NULL && strcmp(aha, "file-sha256") != 0)
				return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
				    "statement: v0.2 hash algorithm %s is not "
				    "supported", aha);
		}
		if ((r = add_entry(m, &cap, eb, &e)) != SGN_OK)
			return r;
		if ((e->path = strdup(name)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		if (!sgn_manifest_path_ok(name, 1))
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "statement: subject name %s: not a relative path "
			    "inside the model", name);
		if ((r = parse_digest(sha, m->hash, name, e, eb)) != SGN_OK)
			return r;
	}
	return sgn_manifest_compute_root(m, eb);
}

/* No path twice (sorted copy of the entry pointers). */
static sgn_err
check_unique(const struct sgn_manifest *m, struct sgn_errbuf *eb)
{
	const struct sgn_manifest_entry	**v;
	const struct sgn_manifest_entry	 *a, *b;
	size_t				  i;
	sgn_err				  r = SGN_OK;

	if (m->n_entries < 2)
		goto single;
	if ((v = calloc(m->n_entries, sizeof(*v))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i < m->n_entries; i++)
		v[i] = &m->entries[i];
	sgn_manifest_sort_ptrs(v, m->n_entries);
	for (i = 1; i < m->n_entries && r == SGN_OK; i++) {
		a = v[i - 1];
		b = v[i];
		if ((strcmp(a->path, ".") == 0) !=
		    (strcmp(b->path, ".") == 0))
			r = sgn_errf(eb, SGN_ERR_PARSE,
			    "statement: \".\" (a single-file model) next to "
			    "other resources");
		else if (sgn_manifest_entry_cmp(a, b) == 0)
			r = sgn_errf(eb, SGN_ERR_PARSE,
			    "statement: resource %s listed twice", a->path);
		else if (a->shard && strcmp(a->path, b->path) == 0 &&
		    b->start < a->end)
			r = sgn_errf(eb, SGN_ERR_PARSE,
			    "statement: shards of %s overlap", a->path);
		else if (!a->shard && sgn_manifest_path_under(b->path,
		    a->path))
			r = sgn_errf(eb, SGN_ERR_PARSE,
			    "statement: %s is both a file and a directory",
			    a->path);
	}
	free(v);
	return r;
single:
	return SGN_OK;
}

sgn_err
sgn_manifest_parse_statement(const uint8_t *json, size_t len,
    struct sgn_manifest **out, struct sgn_errbuf *eb)
{
	struct sgn_manifest	*m = NULL;
	cJSON			*root = NULL;
	const char		*type, *ptype;
	sgn_err			 r;

	/* a manifest lists every file: values in proportion to its size */
	if ((r = sgn_json_parse_max(json, len, "statement",
	    sgn_json_list_max_values(len), &root, eb)) != SGN_OK)
		return r;
	if (!cJSON_IsObject(root)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "statement: not an object");
		goto out;
	}
	if ((r = sgn_json_get_string(root, "_type", SGN_JSON_REQUIRED,
	    "statement", &type, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(root, "predicateType", SGN_JSON_REQUIRED,
	    "statement", &ptype, eb)) != SGN_OK)
		goto out;
	if (strcmp(type, STATEMENT_TYPE) != 0 &&
	    strcmp(type, "https://in-toto.io/Statement/v0.1") != 0) {
		r = sgn_errf(eb, SGN_ERR_PARSE,
		    "statement: _type %s is not an in-toto statement", type);
		goto out;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (strcmp(ptype, SGN_OMS_PREDICATE_V1) == 0)
		r = parse_v1(m, root, eb);
	else if (strcmp(ptype, SGN_OMS_PREDICATE_V02) == 0)
		r = parse_v02(m, root, eb);
	else
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "statement: predicate type %s is not a model signature "
		    "(expected %s)", ptype, SGN_OMS_PREDICATE_V1);
	if (r == SGN_OK)
		r = check_unique(m, eb);
	if (r == SGN_OK) {
		*out = m;
		m = NULL;
	}
out:
	sgn_manifest_free(&m);
	cJSON_Delete(root);
	return r;
}
