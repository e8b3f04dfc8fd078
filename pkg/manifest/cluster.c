/*
 * cluster.c: a model's manifest computed across many machines, in three
 * steps: a plan (one walk, no hashing: the files, the parameters and the
 * work units split into parts balanced by bytes), partials (the digests
 * of one part's units, hashed anywhere the tree is mounted), and a merge
 * (every part exactly once, from this plan, with its parameters; a few
 * units re-hashed at random).  The merged manifest signs into the very
 * statement that sgn_manifest_build() on one machine gives.
 *
 * The three documents are JSON written in the canonical form of RFC 8785
 * (JCS: members sorted, no whitespace; every number a decimal string), so
 * that each one's "digest" member, written first, is SHA-256 over the
 * JCS serialization of the document without that member: the bytes of
 * the file with `"digest":"sha256:<hex>",` taken out.  Readers demand
 * the member first, hash the bytes after it (what they parse), parse
 * strictly (unknown members refused) and refuse a mismatch.
 *
 * The work units are the manifest's entries in manifest order (one a
 * file, or one a shard [start, end) of shard_size bytes with "shards";
 * empty files have none then): the plan lists the files with their size
 * and modification time, from which the units follow, and each part is a
 * range [first, end) of unit indices.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "build_int.h"
#include "core_int.h"
#include "json.h"

#define FMT_PLAN	"signet-manifest-plan/v1"
#define FMT_PARTIAL	"signet-manifest-partial/v1"
#define FMT_MERGED	"signet-manifest-merged/v1"
/* balancing: a unit weighs its bytes plus this (opening a file costs) */
#define UNIT_OVERHEAD	4096u
/* --parts by default: one part per this many bytes of work */
#define PART_BYTES	(16ULL << 30)
/* {"digest":"sha256:<64 hex>", */
#define DIGEST_MEMBER	84

struct plan_part {
	size_t		first;
	size_t		end;
	uint64_t	bytes;
};

struct sgn_manifest_plan {
	struct sgn_manifest	*m;	/* entries without digests */
	unsigned		 flags;	/* ALLOW_SYMLINKS, EXTERNAL_LINKS */
	struct plan_part	*parts;
	size_t			 n_parts;
	uint8_t			 digest[32];
};

void
sgn_manifest_plan_free(struct sgn_manifest_plan **pp)
{
	if (pp == NULL || *pp == NULL)
		return;
	sgn_manifest_free(&(*pp)->m);
	free((*pp)->parts);
	free(*pp);
	*pp = NULL;
}

size_t
sgn_manifest_plan_parts(const struct sgn_manifest_plan *p)
{
	return p->n_parts;
}

size_t
sgn_manifest_plan_units(const struct sgn_manifest_plan *p)
{
	return p->m->n_entries;
}

const uint8_t *
sgn_manifest_plan_digest(const struct sgn_manifest_plan *p)
{
	return p->digest;
}

/* Writing ------------------------------------------------------------- */

static sgn_err
put_str(struct sgn_buf *b, const char *s, struct sgn_errbuf *eb)
{
	return sgn_jcs_string(b, s, strlen(s), eb);
}

static sgn_err
put_digest(struct sgn_buf *b, const uint8_t d[32], struct sgn_errbuf *eb)
{
	char	hex[65];

	sgn_hex_encode(d, 32, hex);
	return sgn_buf_appendf(b, eb, "\"sha256:%s\"", hex);
}

/* "params":{...} of the plan's manifest (keys in JCS order). */
static sgn_err
put_params(struct sgn_buf *b, const struct sgn_manifest_plan *p,
    struct sgn_errbuf *eb)
{
	const struct sgn_manifest	*m = p->m;
	size_t				 i;
	sgn_err				 r;

	if ((r = sgn_buf_appendf(b, eb, "\"params\":{\"allowSymlinks\":%s,"
	    "\"externalSymlinks\":%s,\"hash\":\"%s\",\"ignorePaths\":[",
	    (p->flags & SGN_MANIFEST_ALLOW_SYMLINKS) ? "true" : "false",
	    (p->flags & SGN_MANIFEST_EXTERNAL_LINKS) ? "true" : "false",
	    sgn_manifest_hash_name(m->hash))) != SGN_OK)
		return r;
	for (i = 0; i < m->n_ignore; i++) {
		if (i > 0 && (r = sgn_buf_append(b, ",", 1, eb)) != SGN_OK)
			return r;
		if ((r = put_str(b, m->ignore_paths[i], eb)) != SGN_OK)
			return r;
	}
	return sgn_buf_appendf(b, eb, "],\"method\":\"%s\",\"shardSize\":"
	    "\"%llu\"}", m->method == SGN_MANIFEST_SHARDS ? "shards" :
	    "files", (unsigned long long)m->shard_size);
}

/* "files":[[path, size, mtime_ns], ...] */
static sgn_err
put_files(struct sgn_buf *b, const struct sgn_manifest *m,
    struct sgn_errbuf *eb)
{
	const struct sgn_manifest_entry	*e;
	size_t				 i, n = 0;
	sgn_err				 r;

	if ((r = sgn_buf_append(b, "\"files\":[", 9, eb)) != SGN_OK)
		return r;
	for (i = 0; i < m->n_entries; i++) {
		e = &m->entries[i];
		if (i > 0 && strcmp(e->path, m->entries[i - 1].path) == 0)
			continue;
		if ((n++ > 0 && (r = sgn_buf_append(b, ",", 1, eb)) !=
		    SGN_OK) || (r = sgn_buf_append(b, "[", 1, eb)) != SGN_OK ||
		    (r = put_str(b, e->path, eb)) != SGN_OK ||
		    (r = sgn_buf_appendf(b, eb, ",\"%llu\",\"%lld\"]",
		    (unsigned long long)e->size, (long long)e->mtime_ns)) !=
		    SGN_OK)
			return r;
	}
	return sgn_buf_append(b, "]", 1, eb);
}

/* "parts":[[first, end, bytes], ...] */
static sgn_err
put_parts(struct sgn_buf *b, const struct sgn_manifest_plan *p,
    struct sgn_errbuf *eb)
{
	size_t	i;
	sgn_err	r;

	if ((r = sgn_buf_append(b, "\"parts\":[", 9, eb)) != SGN_OK)
		return r;
	for (i = 0; i < p->n_parts; i++)
		if ((r = sgn_buf_appendf(b, eb, "%s[\"%zu\",\"%zu\",\"%llu\"]",
		    i > 0 ? "," : "", p->parts[i].first, p->parts[i].end,
		    (unsigned long long)p->parts[i].bytes)) != SGN_OK)
			return r;
	return sgn_buf_append(b, "]", 1, eb);
}

/* The plan without its digest member, in JCS form. */
static sgn_err
plan_body(const struct sgn_manifest_plan *p, struct sgn_buf *b,
    struct sgn_errbuf *eb)
{
	sgn_err	r;

	if ((r = sgn_buf_append(b, "{", 1, eb)) != SGN_OK ||
	    (r = put_files(b, p->m, eb)) != SGN_OK ||
	    (r = sgn_buf_appendf(b, eb, ",\"format\":\"%s\",", FMT_PLAN)) !=
	    SGN_OK || (r = put_params(b, p, eb)) != SGN_OK ||
	    (r = sgn_buf_append(b, ",", 1, eb)) != SGN_OK ||
	    (r = put_parts(b, p, eb)) != SGN_OK ||
	    (r = sgn_buf_append(b, ",\"subject\":", 11, eb)) != SGN_OK ||
	    (r = put_str(b, p->m->subject, eb)) != SGN_OK)
		return r;
	return sgn_buf_append(b, "}", 1, eb);
}

/*
 * Appends to out the document body (JCS, without "digest") with its
 * digest member inserted first: "digest" sorts before every other key
 * these documents have, so the result is JCS too.
 */
static sgn_err
seal(const struct sgn_buf *body, struct sgn_buf *out, uint8_t digest[32],
    struct sgn_errbuf *eb)
{
	sgn_err	r;

	if ((r = sgn_hash(SGN_HASH_SHA256, body->ptr, body->len, digest,
	    eb)) != SGN_OK ||
	    (r = sgn_buf_append(out, "{\"digest\":", 10, eb)) != SGN_OK ||
	    (r = put_digest(out, digest, eb)) != SGN_OK ||
	    (r = sgn_buf_append(out, ",", 1, eb)) != SGN_OK)
		return r;
	return sgn_buf_append(out, body->ptr + 1, body->len - 1, eb);
}

sgn_err
sgn_manifest_plan_write(const struct sgn_manifest_plan *p,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	struct sgn_buf	body;
	uint8_t		d[32];
	sgn_err		r;

	sgn_buf_init(&body, 0);
	if ((r = plan_body(p, &body, eb)) == SGN_OK)
		r = seal(&body, out, d, eb);
	sgn_buf_reset(&body);
	return r;
}

/* Planning ------------------------------------------------------------ */

static sgn_err
skip_all(void *ctx, struct sgn_manifest *m, unsigned char *skip,
    struct sgn_errbuf *eb)
{
	(void)ctx;
	(void)eb;
	if (m->n_entries > 0)
		memset(skip, 1, m->n_entries);
	return SGN_OK;
}

static uint64_t
unit_weight(const struct sgn_manifest_entry *e)
{
	return e->end - e->start + UNIT_OVERHEAD;
}

/* Splits the units into n parts of about equal weight. */
static void
balance(struct sgn_manifest_plan *p)
{
	const struct sgn_manifest	*m = p->m;
	uint64_t			 total = 0, cum = 0, thr, q, rem;
	size_t				 i, j = 0, n = p->n_parts;

	for (i = 0; i < m->n_entries; i++)
		total += unit_weight(&m->entries[i]);
	q = total / n;
	rem = total % n;
	p->parts[0].first = 0;
	for (i = 0; i < m->n_entries; i++) {
		for (;;) {
			if (j + 1 >= n)
				break;
			/* total * (j + 1) / n without overflow */
			thr = q * (j + 1) + rem * (j + 1) / n;
			/* cut before unit i when that lands nearer */
			if (cum + unit_weight(&m->entries[i]) / 2 < thr ||
			    cum == 0)
				break;
			p->parts[j].end = i;
			j++;
			p->parts[j].first = i;
		}
		cum += unit_weight(&m->entries[i]);
		p->parts[j].bytes += m->entries[i].end - m->entries[i].start;
	}
	p->parts[j].end = m->n_entries;
	for (j++; j < n; j++) {
		p->parts[j].first = m->n_entries;
		p->parts[j].end = m->n_entries;
	}
}

static sgn_err
plan_seal_digest(struct sgn_manifest_plan *p, struct sgn_errbuf *eb)
{
	struct sgn_buf	body;
	sgn_err		r;

	sgn_buf_init(&body, 0);
	if ((r = plan_body(p, &body, eb)) == SGN_OK)
		r = sgn_hash(SGN_HASH_SHA256, body.ptr, body.len, p->digest,
		    eb);
	sgn_buf_reset(&body);
	return r;
}

sgn_err
sgn_manifest_plan_make(const char *model_path,
    const struct sgn_manifest_opts *opts, size_t n_parts,
    struct sgn_manifest_plan **out, struct sgn_errbuf *eb)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest_plan	*p = NULL;
	uint64_t			 bytes = 0;
	size_t				 i;
	sgn_err				 r;

	*out = NULL;
	if (opts == NULL || n_parts > SGN_MANIFEST_MAX_PARTS)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "plan: at most %u parts", SGN_MANIFEST_MAX_PARTS);
	o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	if ((r = sgn_sized_in(&o, sizeof(o), opts, "sgn_manifest_opts",
	    eb)) != SGN_OK)
		return r;
	o.only = NULL;
	o.reuse = NULL;
	o.progress = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if ((r = sgn_manifest_build_sel(model_path, &o, skip_all, NULL, &p->m,
	    eb)) != SGN_OK)
		goto out;
	p->flags = o.flags & (SGN_MANIFEST_ALLOW_SYMLINKS |
	    SGN_MANIFEST_EXTERNAL_LINKS);
	if (p->flags & SGN_MANIFEST_EXTERNAL_LINKS)
		p->flags |= SGN_MANIFEST_ALLOW_SYMLINKS;
	for (i = 0; i < p->m->n_entries; i++)
		bytes += p->m->entries[i].end - p->m->entries[i].start;
	if (n_parts == 0)
		n_parts = (size_t)(1 + bytes / PART_BYTES);
	if (n_parts > SGN_MANIFEST_MAX_PARTS)
		n_parts = SGN_MANIFEST_MAX_PARTS;
	p->n_parts = n_parts;
	if ((p->parts = calloc(n_parts, sizeof(*p->parts))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	balance(p);
	if ((r = plan_seal_digest(p, eb)) != SGN_OK)
		goto out;
	*out = p;
	p = NULL;
out:
	sgn_manifest_plan_free(&p);
	return r;
}

/* Reading ------------------------------------------------------------- */

/* obj has exactly n members, all of them in keys. */
static sgn_err
exact_keys(const cJSON *obj, const char *const *keys, size_t n,
    const char *what, struct sgn_errbuf *eb)
{
	const cJSON	*c;
	size_t		 i, cnt = 0;

	if (!cJSON_IsObject(obj))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: not an object", what);
	cJSON_ArrayForEach(c, obj) {
		for (i = 0; i < n; i++)
			if (c->string != NULL &&
			    strcmp(c->string, keys[i]) == 0)
				break;
		if (i == n)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: unknown member \"%.64s\"", what,
			    c->string != NULL ? c->string : "");
		cnt++;
	}
	if (cnt != n)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: members missing",
		    what);
	return SGN_OK;
}

/* A decimal string in [0, max]. */
static sgn_err
get_u64(const cJSON *v, uint64_t max, const char *what, uint64_t *out,
    struct sgn_errbuf *eb)
{
	int64_t	x;

	if (!cJSON_IsString(v) || v->valuestring[0] == '-' ||
	    sgn_json_parse_int64(v->valuestring, &x) != SGN_OK || x < 0 ||
	    (uint64_t)x > max)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: not a number of at "
		    "most %llu", what, (unsigned long long)max);
	*out = (uint64_t)x;
	return SGN_OK;
}

static sgn_err
get_digest(const cJSON *obj, const char *key, const char *what,
    uint8_t d[32], struct sgn_errbuf *eb)
{
	const char	*s;
	sgn_err		 r;

	if ((r = sgn_json_get_string(obj, key, SGN_JSON_REQUIRED, what, &s,
	    eb)) != SGN_OK)
		return r;
	if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != 71 ||
	    sgn_hex_decode(s + 7, 64, d, 32, eb) != SGN_OK)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.%s: not sha256:<64 hex>",
		    what, key);
	return SGN_OK;
}

/*
 * The JSON values a document of len bytes may hold, cJSON spending about
 * 80 bytes on each.  A plan lists files as [path, size, mtime], 4 values
 * in 14 bytes at the least ("a","0","0"), so a third of its length is
 * the bound, below the format's own (4 values a unit, 4 a part, one a
 * digest and an ignored path, and a few members).  A partial is mostly
 * digests of 64 or 128 hex digits: one value per 64 bytes, plus its
 * parameters.
 */
static size_t
doc_max_values(size_t len, int partial)
{
	size_t	fmt_max, v;

	fmt_max = 5 * (size_t)SGN_MANIFEST_MAX_ENTRIES +
	    4 * (size_t)SGN_MANIFEST_MAX_PARTS + SGN_MANIFEST_MAX_IGNORE + 64;
	v = partial ? len / 64 + SGN_MANIFEST_MAX_IGNORE + 64 : len / 3 + 64;
	return v < fmt_max ? v : fmt_max;
}

/*
 * Parses (buf, len) as a document of format fmt with exactly the given
 * members, and checks its digest member.
 */
static sgn_err
open_doc(const uint8_t *buf, size_t len, const char *what, const char *fmt,
    const char *const *keys, size_t n_keys, cJSON **out, uint8_t digest[32],
    struct sgn_errbuf *eb)
{
	cJSON		*root = NULL;
	EVP_MD_CTX	*ctx = NULL;
	const char	*s;
	uint8_t		 got[32];
	sgn_err		 r;

	*out = NULL;
	if (len > SGN_MANIFEST_MAX_PLAN_BYTES) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "%s: larger than %u bytes",
		    what, SGN_MANIFEST_MAX_PLAN_BYTES);
		goto out;
	}
	if ((r = sgn_json_parse_max(buf, len, what, doc_max_values(len,
	    strcmp(fmt, FMT_PARTIAL) == 0), &root, eb)) != SGN_OK ||
	    (r = exact_keys(root, keys, n_keys, what, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_json_get_string(root, "format", SGN_JSON_REQUIRED, what,
	    &s, eb)) != SGN_OK)
		goto out;
	if (strcmp(s, fmt) != 0) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "%s: format \"%.64s\", "
		    "not %s", what, s, fmt);
		goto out;
	}
	if ((r = get_digest(root, "digest", what, digest, eb)) != SGN_OK)
		goto out;
	/*
	 * The digest member comes first, as written; the digest is over the
	 * bytes without it, which are what was just parsed (for a document
	 * in JCS form, its JCS form without the member).
	 */
	if (len < DIGEST_MEMBER + 1 || memcmp(buf, "{\"digest\":\"sha256:",
	    18) != 0 || memcmp(buf + 82, "\",", 2) != 0) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "%s: the digest member is not "
		    "first", what);
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex2(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, "{", 1) != 1 ||
	    EVP_DigestUpdate(ctx, buf + DIGEST_MEMBER, len - DIGEST_MEMBER) !=
	    1 || EVP_DigestFinal_ex(ctx, got, NULL) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "%s: digest", what);
		goto out;
	}
	if (memcmp(got, digest, 32) != 0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: does not match its "
		    "digest (damaged or edited)", what);
		goto out;
	}
	*out = root;
	root = NULL;
out:
	EVP_MD_CTX_free(ctx);
	cJSON_Delete(root);
	return r;
}

/* The params object into m's method, hash, shard size, ignore list. */
static sgn_err
parse_params(const cJSON *root, const char *what, struct sgn_manifest *m,
    unsigned *flags, struct sgn_errbuf *eb)
{
	static const char *const keys[] = { "allowSymlinks",
	    "externalSymlinks", "hash", "ignorePaths", "method", "shardSize" };
	const cJSON	*o, *a, *c;
	const char	*s;
	uint64_t	 v;
	size_t		 n, i;
	int		 allow, ext;
	sgn_err		 r;

	if ((r = sgn_json_get_object(root, "params", SGN_JSON_REQUIRED, what,
	    &o, eb)) != SGN_OK ||
	    (r = exact_keys(o, keys, 6, "params", eb)) != SGN_OK ||
	    (r = sgn_json_get_bool(o, "allowSymlinks", 1, "params", &allow,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_bool(o, "externalSymlinks", 1, "params", &ext,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_string(o, "hash", 1, "params", &s, eb)) !=
	    SGN_OK)
		return r;
	if (ext && !allow)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: externalSymlinks "
		    "without allowSymlinks", what);
	*flags = (allow ? SGN_MANIFEST_ALLOW_SYMLINKS : 0) |
	    (ext ? SGN_MANIFEST_EXTERNAL_LINKS : 0);
	m->allow_symlinks = allow;
	m->hash = sgn_manifest_hash_from_name(s);
	if (m->hash != SGN_MANIFEST_SHA256 && m->hash != SGN_MANIFEST_BLAKE2B)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "%s: hash \"%.32s\" "
		    "not supported", what, s);
	if ((r = sgn_json_get_string(o, "method", 1, "params", &s, eb)) !=
	    SGN_OK)
		return r;
	if (strcmp(s, "files") == 0)
		m->method = SGN_MANIFEST_FILES;
	else if (strcmp(s, "shards") == 0)
		m->method = SGN_MANIFEST_SHARDS;
	else
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: method \"%.32s\"",
		    what, s);
	if ((r = get_u64(sgn_json_member(o, "shardSize"), 1ULL << 53,
	    "params.shardSize", &v, eb)) != SGN_OK)
		return r;
	if ((m->method == SGN_MANIFEST_SHARDS) != (v != 0))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: shardSize %llu with "
		    "method %s", what, (unsigned long long)v, s);
	m->shard_size = v;
	if ((r = sgn_json_get_array(o, "ignorePaths", 1, "params", &a,
	    eb)) != SGN_OK)
		return r;
	n = (size_t)cJSON_GetArraySize(a);
	if (n > SGN_MANIFEST_MAX_IGNORE)
		return sgn_errf(eb, SGN_ERR_LIMIT, "%s: more than %u ignored "
		    "paths", what, SGN_MANIFEST_MAX_IGNORE);
	if (n > 0 && (m->ignore_paths = calloc(n,
	    sizeof(*m->ignore_paths))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	i = 0;
	cJSON_ArrayForEach(c, a) {
		if (!cJSON_IsString(c) || !sgn_manifest_path_ok(c->valuestring,
		    0))
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: ignorePaths[%zu]"
			    ": not a relative path", what, i);
		if ((m->ignore_paths[i] = strdup(c->valuestring)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		m->n_ignore = ++i;
	}
	return SGN_OK;
}

/* The units of a file of size bytes (shards: one per shard_size). */
static uint64_t
file_units(const struct sgn_manifest *m, uint64_t size)
{
	if (m->method != SGN_MANIFEST_SHARDS)
		return 1;
	return (size + m->shard_size - 1) / m->shard_size;
}

/* files (sorted, checked) into the entries of m. */
static sgn_err
parse_files(const cJSON *root, const char *what, struct sgn_manifest *m,
    struct sgn_errbuf *eb)
{
	const cJSON			*a, *f, *pv;
	struct sgn_manifest_entry	*e;
	const char			*prev = NULL, *path;
	uint64_t			 size, n = 0, k, s;
	int64_t				 mt;
	size_t				 nf, i = 0, u = 0;
	sgn_err				 r;

	if ((r = sgn_json_get_array(root, "files", 1, what, &a, eb)) !=
	    SGN_OK)
		return r;
	nf = (size_t)cJSON_GetArraySize(a);
	/* first pass: shape, order and the number of units */
	cJSON_ArrayForEach(f, a) {
		if (!cJSON_IsArray(f) || cJSON_GetArraySize(f) != 3 ||
		    !cJSON_IsString(pv = cJSON_GetArrayItem(f, 0)))
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: files[%zu]: not "
			    "[path, size, mtime]", what, i);
		path = pv->valuestring;
		if (!sgn_manifest_path_ok(path, nf == 1))
			return sgn_errf(eb, SGN_ERR_PARSE, "%s: files[%zu]: "
			    "bad path", what, i);
		if (prev != NULL && sgn_manifest_path_cmp(prev, path) >= 0)
			return sgn_errf(eb, SGN_ERR_PARSE, "%s: files[%zu]: "
			    "%s: out of order or listed twice", what, i, path);
		if ((r = get_u64(cJSON_GetArrayItem(f, 1), 1ULL << 62,
		    "files.size", &size, eb)) != SGN_OK)
			return r;
		if (!cJSON_IsString(cJSON_GetArrayItem(f, 2)) ||
		    sgn_json_parse_int64(cJSON_GetArrayItem(f, 2)->valuestring,
		    &mt) != SGN_OK)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: files[%zu]: bad "
			    "mtime", what, i);
		if (m->method == SGN_MANIFEST_SHARDS && size == 0)
			return sgn_errf(eb, SGN_ERR_PARSE, "%s: %s: an empty "
			    "file has no shard and is not listed", what, path);
		k = file_units(m, size);
		if (k > SGN_MANIFEST_MAX_ENTRIES - n)
			return sgn_errf(eb, SGN_ERR_LIMIT, "%s: more than %u "
			    "units", what, SGN_MANIFEST_MAX_ENTRIES);
		n += k;
		prev = path;
		i++;
	}
	if (n > 0 && (m->entries = calloc((size_t)n,
	    sizeof(*m->entries))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	cJSON_ArrayForEach(f, a) {
		path = cJSON_GetArrayItem(f, 0)->valuestring;
		(void)get_u64(cJSON_GetArrayItem(f, 1), 1ULL << 62, "", &size,
		    eb);
		(void)sgn_json_parse_int64(cJSON_GetArrayItem(f, 2)->
		    valuestring, &mt);
		k = file_units(m, size);
		for (s = 0; s < k; s++) {
			e = &m->entries[u++];
			m->n_entries = u;
			if ((e->path = strdup(path)) == NULL)
				return sgn_errf(eb, SGN_ERR_NOMEM,
				    "out of memory");
			e->shard = m->method == SGN_MANIFEST_SHARDS;
			e->start = e->shard ? s * m->shard_size : 0;
			e->end = e->shard && size - e->start > m->shard_size ?
			    e->start + m->shard_size : size;
			e->size = size;
			e->mtime_ns = mt;
		}
		m->total_bytes += size;
	}
	return SGN_OK;
}

static sgn_err
parse_parts(const cJSON *root, const char *what, struct sgn_manifest_plan *p,
    struct sgn_errbuf *eb)
{
	const cJSON	*a, *c;
	uint64_t	 first, end, bytes, sum;
	size_t		 n, i = 0, u;
	sgn_err		 r;

	if ((r = sgn_json_get_array(root, "parts", 1, what, &a, eb)) !=
	    SGN_OK)
		return r;
	n = (size_t)cJSON_GetArraySize(a);
	if (n == 0 || n > SGN_MANIFEST_MAX_PARTS)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: 1 to %u parts", what,
		    SGN_MANIFEST_MAX_PARTS);
	if ((p->parts = calloc(n, sizeof(*p->parts))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	cJSON_ArrayForEach(c, a) {
		if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) != 3)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: parts[%zu]: not "
			    "[first, end, bytes]", what, i);
		if ((r = get_u64(cJSON_GetArrayItem(c, 0), SIZE_MAX / 2,
		    "parts.first", &first, eb)) != SGN_OK ||
		    (r = get_u64(cJSON_GetArrayItem(c, 1), SIZE_MAX / 2,
		    "parts.end", &end, eb)) != SGN_OK ||
		    (r = get_u64(cJSON_GetArrayItem(c, 2), UINT64_MAX / 2,
		    "parts.bytes", &bytes, eb)) != SGN_OK)
			return r;
		if (first != (i == 0 ? 0 : p->parts[i - 1].end) ||
		    end < first || end > p->m->n_entries)
			return sgn_errf(eb, SGN_ERR_PARSE, "%s: parts[%zu]: "
			    "units %llu to %llu do not follow the part before",
			    what, i, (unsigned long long)first,
			    (unsigned long long)end);
		for (sum = 0, u = (size_t)first; u < end; u++)
			sum += p->m->entries[u].end - p->m->entries[u].start;
		if (sum != bytes)
			return sgn_errf(eb, SGN_ERR_PARSE, "%s: parts[%zu]: "
			    "bytes %llu, its units hold %llu", what, i,
			    (unsigned long long)bytes,
			    (unsigned long long)sum);
		p->parts[i].first = (size_t)first;
		p->parts[i].end = (size_t)end;
		p->parts[i].bytes = bytes;
		p->n_parts = ++i;
	}
	if (p->parts[n - 1].end != p->m->n_entries)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: the parts leave units "
		    "%zu to %zu out", what, p->parts[n - 1].end,
		    p->m->n_entries);
	return SGN_OK;
}

/* params, subject, files and parts of a plan or merged manifest. */
static sgn_err
parse_body(const cJSON *root, const char *what, struct sgn_manifest_plan **out,
    struct sgn_errbuf *eb)
{
	struct sgn_manifest_plan	*p;
	const char			*s;
	sgn_err				 r;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->m = calloc(1, sizeof(*p->m))) == NULL) {
		free(p);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	if ((r = parse_params(root, what, p->m, &p->flags, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(root, "subject", 1, what, &s, eb)) !=
	    SGN_OK)
		goto out;
	if (*s == '\0' || (p->m->subject = strdup(s)) == NULL) {
		r = sgn_errf(eb, *s == '\0' ? SGN_ERR_PARSE : SGN_ERR_NOMEM,
		    "%s: bad subject", what);
		goto out;
	}
	if ((r = parse_files(root, what, p->m, eb)) != SGN_OK ||
	    (r = parse_parts(root, what, p, eb)) != SGN_OK)
		goto out;
	*out = p;
	p = NULL;
out:
	sgn_manifest_plan_free(&p);
	return r;
}

sgn_err
sgn_manifest_plan_parse(const uint8_t *buf, size_t len,
    struct sgn_manifest_plan **out, struct sgn_errbuf *eb)
{
	static const char *const keys[] = { "digest", "files", "format",
	    "params", "parts", "subject" };
	struct sgn_manifest_plan	*p = NULL;
	cJSON				*root = NULL;
	uint8_t				 d[32];
	sgn_err				 r;

	*out = NULL;
	if ((r = open_doc(buf, len, "plan", FMT_PLAN, keys, 6, &root, d,
	    eb)) != SGN_OK || (r = parse_body(root, "plan", &p, eb)) != SGN_OK)
		goto out;
	memcpy(p->digest, d, 32);
	*out = p;
	p = NULL;
out:
	cJSON_Delete(root);
	sgn_manifest_plan_free(&p);
	return r;
}

/* Hashing units ------------------------------------------------------- */

/*
 * Matches the entries of a walk (restricted to the files of the wanted
 * units) to the wanted units of the plan, both in manifest order: a file
 * must be there with the size and modification time the plan recorded.
 * Entries of no wanted unit are skipped; with exact, there must be none.
 */
struct sel {
	const struct sgn_manifest_plan	*p;
	const size_t			*want;	/* unit indices, ascending */
	size_t				 n_want;
	size_t				*map;	/* want[i] -> walk entry */
	int				 exact;
};

static sgn_err
changed(const struct sgn_manifest_entry *u, uint64_t size, int64_t mtime,
    const char *when, struct sgn_errbuf *eb)
{
	if (size != u->size)
		return sgn_errf(eb, SGN_ERR_IO, "%s: changed %s (size %llu, "
		    "the plan has %llu)", u->path, when,
		    (unsigned long long)size, (unsigned long long)u->size);
	return sgn_errf(eb, SGN_ERR_IO, "%s: changed %s (modified at %lld "
	    "ns, the plan has %lld)", u->path, when, (long long)mtime,
	    (long long)u->mtime_ns);
}

static sgn_err
select_units(void *ctx, struct sgn_manifest *m, unsigned char *skip,
    struct sgn_errbuf *eb)
{
	struct sel			*s = ctx;
	const struct sgn_manifest_entry	*u, *e;
	size_t				 i, j = 0;

	for (i = 0; i < s->n_want; i++) {
		u = &s->p->m->entries[s->want[i]];
		while (j < m->n_entries &&
		    sgn_manifest_entry_cmp(&m->entries[j], u) < 0) {
			if (s->exact)
				return sgn_errf(eb, SGN_ERR_VERIFY,
				    "%s: not in "
				    "the plan (added since)",
				    m->entries[j].path);
			skip[j++] = 1;
		}
		if (j == m->n_entries || strcmp(m->entries[j].path, u->path) !=
		    0)
			return sgn_errf(eb, SGN_ERR_IO, "%s: in the plan, not "
			    "found (removed, renamed or ignored since)",
			    u->path);
		e = &m->entries[j];
		if (e->size != u->size || e->mtime_ns != u->mtime_ns)
			return changed(u, e->size, e->mtime_ns,
			    "since the plan", eb);
		if (e->start != u->start || e->end != u->end)
			return sgn_errf(eb, SGN_ERR_INTERNAL,
			    "%s: shards differ "
			    "from the plan's", u->path);
		s->map[i] = j++;
	}
	for (; j < m->n_entries; j++) {
		if (s->exact)
			return sgn_errf(eb, SGN_ERR_VERIFY,
			    "%s: not in the plan "
			    "(added since)", m->entries[j].path);
		skip[j] = 1;
	}
	return SGN_OK;
}

/*
 * The hashing options of p, for the work of run (may be NULL; a struct
 * that grows, core.h: checked, and read within its size).
 */
static sgn_err
plan_opts(const struct sgn_manifest_plan *p,
    const struct sgn_manifest_opts *run_in, struct sgn_manifest_opts *o,
    struct sgn_errbuf *eb)
{
	struct sgn_manifest_opts	 rr = SGN_MANIFEST_OPTS_INIT;
	const struct sgn_manifest_opts	*run = NULL;
	sgn_err				 r;

	if (run_in != NULL) {
		if ((r = sgn_sized_in(&rr, sizeof(rr), run_in,
		    "sgn_manifest_opts", eb)) != SGN_OK)
			return r;
		run = &rr;
	}
	*o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	o->method = p->m->method;
	o->hash = p->m->hash;
	o->shard_size = p->m->shard_size;
	/* the recorded list already holds the git paths and signature */
	o->flags = p->flags | SGN_MANIFEST_KEEP_GIT;
	o->ignore = (const char *const *)p->m->ignore_paths;
	o->n_ignore = p->m->n_ignore;
	if (run != NULL) {
		o->flags |= run->flags & SGN_MANIFEST_MMAP;
		o->jobs = run->jobs;
		o->read_size = run->read_size;
		o->progress = run->progress;
		o->progress_ctx = run->progress_ctx;
	}
	return SGN_OK;
}

/* Re-checks the size and modification time of the wanted units' files. */
static sgn_err
recheck(const char *model_path, const struct sel *s, int follow,
    struct sgn_errbuf *eb)
{
	const struct sgn_manifest_entry	*u;
	struct stat			 st;
	char				*full = NULL;
	size_t				 i;
	int				 rc;

	for (i = 0; i < s->n_want; i++) {
		u = &s->p->m->entries[s->want[i]];
		if (i > 0 && strcmp(u->path,
		    s->p->m->entries[s->want[i - 1]].path) == 0)
			continue;
		if (strcmp(u->path, ".") == 0)
			full = strdup(model_path);
		else if (asprintf(&full, "%s/%s", model_path, u->path) < 0)
			full = NULL;
		if (full == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		rc = follow ? stat(full, &st) : lstat(full, &st);
		free(full);
		full = NULL;
		if (rc != 0)
			return sgn_errf(eb, SGN_ERR_IO, "%s: %s", u->path,
			    strerror(errno));
		if ((uint64_t)st.st_size != u->size ||
		    (int64_t)st.st_mtim.tv_sec * 1000000000 +
		    st.st_mtim.tv_nsec != u->mtime_ns)
			return changed(u, (uint64_t)st.st_size,
			    (int64_t)st.st_mtim.tv_sec * 1000000000 +
			    st.st_mtim.tv_nsec, "while it was hashed", eb);
	}
	return SGN_OK;
}

/*
 * Hashes the units s->want of the plan under model_path; their digests
 * land in digests (one dlen-byte slot per wanted unit).
 */
static sgn_err
hash_units(const char *model_path, struct sel *s,
    const struct sgn_manifest_opts *run, uint8_t *digests,
    struct sgn_errbuf *eb)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest		 only, *wm = NULL;
	struct sgn_manifest_entry	*oe = NULL;
	size_t				 i, dlen;
	sgn_err				 r;

	dlen = sgn_manifest_digest_len(s->p->m->hash);
	if ((r = plan_opts(s->p, run, &o, eb)) != SGN_OK)
		return r;
	memset(&only, 0, sizeof(only));
	if (s->n_want > 0 && (oe = calloc(s->n_want, sizeof(*oe))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i < s->n_want; i++)
		oe[i].path = s->p->m->entries[s->want[i]].path;
	only.entries = oe;
	only.n_entries = s->n_want;
	o.only = &only;
	if ((r = sgn_manifest_build_sel(model_path, &o, select_units, s, &wm,
	    eb)) != SGN_OK ||
	    (r = recheck(model_path, s, (s->p->flags &
	    SGN_MANIFEST_ALLOW_SYMLINKS) != 0, eb)) != SGN_OK)
		goto out;
	for (i = 0; i < s->n_want; i++) {
		if (wm->entries[s->map[i]].digest_len != dlen) {
			r = sgn_errf(eb, SGN_ERR_INTERNAL, "unit not hashed");
			goto out;
		}
		memcpy(digests + i * dlen, wm->entries[s->map[i]].digest,
		    dlen);
	}
out:
	free(oe);
	sgn_manifest_free(&wm);
	return r;
}

sgn_err
sgn_manifest_part_hash(const char *model_path,
    const struct sgn_manifest_plan *p, size_t part,
    const struct sgn_manifest_opts *run, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	struct sel	 s;
	struct sgn_buf	 body;
	const struct plan_part *pp;
	uint8_t		*dg = NULL, d[32];
	char		 hex[2 * SGN_MAX_DIGEST + 1];
	size_t		*want = NULL, n, i, dlen;
	sgn_err		 r;

	sgn_buf_init(&body, 0);
	memset(&s, 0, sizeof(s));
	if (part >= p->n_parts)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "part %zu: the "
		    "plan has %zu parts (0 to %zu)", part, p->n_parts,
		    p->n_parts - 1);
	pp = &p->parts[part];
	n = pp->end - pp->first;
	dlen = sgn_manifest_digest_len(p->m->hash);
	if ((want = calloc(n + 1, sizeof(*want))) == NULL ||
	    (s.map = calloc(n + 1, sizeof(*s.map))) == NULL ||
	    (dg = calloc(n + 1, dlen)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		want[i] = pp->first + i;
	s.p = p;
	s.want = want;
	s.n_want = n;
	if (n > 0 && (r = hash_units(model_path, &s, run, dg, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_buf_append(&body, "{\"digests\":[", 12, eb)) != SGN_OK)
		goto out;
	for (i = 0; i < n; i++) {
		sgn_hex_encode(dg + i * dlen, dlen, hex);
		if ((r = sgn_buf_appendf(&body, eb, "%s\"%s\"", i > 0 ? "," :
		    "", hex)) != SGN_OK)
			goto out;
	}
	if ((r = sgn_buf_appendf(&body, eb, "],\"end\":\"%zu\",\"first\":"
	    "\"%zu\",\"format\":\"%s\",", pp->end, pp->first, FMT_PARTIAL)) !=
	    SGN_OK || (r = put_params(&body, p, eb)) != SGN_OK ||
	    (r = sgn_buf_appendf(&body, eb, ",\"part\":\"%zu\",\"plan\":",
	    part)) != SGN_OK || (r = put_digest(&body, p->digest, eb)) !=
	    SGN_OK || (r = sgn_buf_append(&body, "}", 1, eb)) != SGN_OK)
		goto out;
	r = seal(&body, out, d, eb);
out:
	sgn_buf_reset(&body);
	free(want);
	free(s.map);
	free(dg);
	return r;
}

/* Merging ------------------------------------------------------------- */

/* 1 when the parameters read into m (and flags) are p's. */
static int
same_params(const struct sgn_manifest_plan *p, const struct sgn_manifest *m,
    unsigned flags)
{
	size_t	i;

	if (m->method != p->m->method || m->hash != p->m->hash ||
	    m->shard_size != p->m->shard_size || flags != p->flags ||
	    m->n_ignore != p->m->n_ignore)
		return 0;
	for (i = 0; i < m->n_ignore; i++)
		if (strcmp(m->ignore_paths[i], p->m->ignore_paths[i]) != 0)
			return 0;
	return 1;
}

/* A uniform random number below n (n > 0), from the CSPRNG. */
static sgn_err
rand_below(size_t n, size_t *out, struct sgn_errbuf *eb)
{
	uint64_t	v, lim;

	lim = UINT64_MAX - UINT64_MAX % n;
	do {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "random");
	} while (v >= lim);
	*out = (size_t)(v % n);
	return SGN_OK;
}

static int
size_cmp(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static void
unit_name(const struct sgn_manifest_entry *u, char *out, size_t len)
{
	if (u->shard)
		(void)snprintf(out, len, "%s:%llu:%llu", u->path,
		    (unsigned long long)u->start, (unsigned long long)u->end);
	else
		(void)snprintf(out, len, "%s", u->path);
}

/* Re-hashes k units chosen at random (all when k >= their number). */
static sgn_err
spot_check(const struct sgn_manifest_plan *p,
    const struct sgn_manifest_merge_opts *mo, const uint8_t *digests,
    const size_t *owner, const char *const *names, struct sgn_errbuf *eb)
{
	struct sel	 s;
	size_t		*idx = NULL, n = p->m->n_entries, k, i, j = 0, t,
			 dlen;
	uint8_t		*dg = NULL;
	char		 un[256];
	sgn_err		 r;

	memset(&s, 0, sizeof(s));
	dlen = sgn_manifest_digest_len(p->m->hash);
	k = mo->spot_check < n ? mo->spot_check : n;
	if (k == 0)
		return SGN_OK;
	if ((idx = calloc(n, sizeof(*idx))) == NULL ||
	    (s.map = calloc(k, sizeof(*s.map))) == NULL ||
	    (dg = calloc(k, dlen)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		idx[i] = i;
	/* a partial Fisher-Yates shuffle: the first k are the sample */
	for (i = 0; k < n && i < k; i++) {
		if ((r = rand_below(n - i, &j, eb)) != SGN_OK)
			goto out;
		t = idx[i];
		idx[i] = idx[i + j];
		idx[i + j] = t;
	}
	qsort(idx, k, sizeof(*idx), size_cmp);
	s.p = p;
	s.want = idx;
	s.n_want = k;
	if ((r = hash_units(mo->model_path, &s, mo->run, dg, eb)) != SGN_OK)
		goto out;
	for (i = 0; i < k; i++) {
		if (memcmp(dg + i * dlen, digests + idx[i] * dlen, dlen) == 0)
			continue;
		unit_name(&p->m->entries[idx[i]], un, sizeof(un));
		for (j = 0; j < p->n_parts; j++)
			if (idx[i] >= p->parts[j].first &&
			    idx[i] < p->parts[j].end)
				break;
		r = sgn_errf(eb, SGN_ERR_VERIFY, "spot check: %s (unit %zu, "
		    "part %zu, %s): the partial's digest is not the file's",
		    un, idx[i], j, names[owner[j]]);
		goto out;
	}
	r = SGN_OK;
out:
	free(idx);
	free(s.map);
	free(dg);
	return r;
}

/* Reads one partial into digests; owner[part] = k. */
static sgn_err
take_partial(const struct sgn_manifest_plan *p, const uint8_t *buf,
    size_t len, const char *name, size_t k, size_t *owner,
    const char *const *names, uint8_t *digests, uint8_t pd[32],
    struct sgn_errbuf *eb)
{
	static const char *const keys[] = { "digest", "digests", "end",
	    "first", "format", "params", "part", "plan" };
	struct sgn_manifest	 pm;
	cJSON			*root = NULL;
	const cJSON		*a, *c;
	uint64_t		 part, first, end;
	uint8_t			 plan_d[32];
	char			 hex[65];
	unsigned		 flags = 0;
	size_t			 i, dlen;
	sgn_err			 r;

	memset(&pm, 0, sizeof(pm));
	dlen = sgn_manifest_digest_len(p->m->hash);
	if ((r = open_doc(buf, len, name, FMT_PARTIAL, keys, 8, &root, pd,
	    eb)) != SGN_OK)
		goto out;
	if ((r = parse_params(root, name, &pm, &flags, eb)) != SGN_OK)
		goto out;
	if (!same_params(p, &pm, flags)) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: hashed with other "
		    "parameters than the plan's (method, hash, shard size, "
		    "ignored paths or symlinks)", name);
		goto out;
	}
	if ((r = get_digest(root, "plan", name, plan_d, eb)) != SGN_OK)
		goto out;
	if (memcmp(plan_d, p->digest, 32) != 0) {
		sgn_hex_encode(plan_d, 32, hex);
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: made from another plan "
		    "(sha256:%.16s...)", name, hex);
		goto out;
	}
	if ((r = get_u64(sgn_json_member(root, "part"), SIZE_MAX / 2,
	    "part", &part, eb)) != SGN_OK ||
	    (r = get_u64(sgn_json_member(root, "first"), SIZE_MAX / 2,
	    "first", &first, eb)) != SGN_OK ||
	    (r = get_u64(sgn_json_member(root, "end"), SIZE_MAX / 2,
	    "end", &end, eb)) != SGN_OK)
		goto out;
	if (part >= p->n_parts) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: part %llu: the plan has "
		    "%zu parts", name, (unsigned long long)part, p->n_parts);
		goto out;
	}
	if (first != p->parts[part].first || end != p->parts[part].end) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: part %llu covers units "
		    "%llu to %llu, the plan's part %llu is units %zu to %zu",
		    name, (unsigned long long)part, (unsigned long long)first,
		    (unsigned long long)end, (unsigned long long)part,
		    p->parts[part].first, p->parts[part].end);
		goto out;
	}
	if (owner[part] != SIZE_MAX) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: part %llu given twice "
		    "(also by %s)", name, (unsigned long long)part,
		    names[owner[part]]);
		goto out;
	}
	if ((r = sgn_json_get_array(root, "digests", 1, name, &a, eb)) !=
	    SGN_OK)
		goto out;
	if ((uint64_t)cJSON_GetArraySize(a) != end - first) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: %d digests for %llu "
		    "units", name, cJSON_GetArraySize(a),
		    (unsigned long long)(end - first));
		goto out;
	}
	i = (size_t)first;
	cJSON_ArrayForEach(c, a) {
		if (!cJSON_IsString(c) || strlen(c->valuestring) != 2 * dlen ||
		    sgn_hex_decode(c->valuestring, 2 * dlen,
		    digests + i * dlen, dlen, eb) != SGN_OK) {
			r = sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: digest of unit %zu:"
			    " not %zu bytes of hex", name, i, dlen);
			goto out;
		}
		i++;
	}
	owner[part] = k;
	r = SGN_OK;
out:
	for (i = 0; i < pm.n_ignore; i++)
		free(pm.ignore_paths[i]);
	free(pm.ignore_paths);
	cJSON_Delete(root);
	return r;
}

/* The merged document's body from the plan, digests and partials. */
static sgn_err
merged_body(const struct sgn_manifest_plan *p, const uint8_t *digests,
    const uint8_t *pdigests, const uint8_t root[32], struct sgn_buf *b,
    struct sgn_errbuf *eb)
{
	char	hex[2 * SGN_MAX_DIGEST + 1];
	size_t	i, dlen = sgn_manifest_digest_len(p->m->hash);
	sgn_err	r;

	if ((r = sgn_buf_append(b, "{\"digests\":[", 12, eb)) != SGN_OK)
		return r;
	for (i = 0; i < p->m->n_entries; i++) {
		sgn_hex_encode(digests + i * dlen, dlen, hex);
		if ((r = sgn_buf_appendf(b, eb, "%s\"%s\"", i > 0 ? "," : "",
		    hex)) != SGN_OK)
			return r;
	}
	if ((r = sgn_buf_append(b, "],", 2, eb)) != SGN_OK ||
	    (r = put_files(b, p->m, eb)) != SGN_OK ||
	    (r = sgn_buf_appendf(b, eb, ",\"format\":\"%s\",", FMT_MERGED)) !=
	    SGN_OK || (r = put_params(b, p, eb)) != SGN_OK ||
	    (r = sgn_buf_append(b, ",\"partials\":[", 13, eb)) != SGN_OK)
		return r;
	for (i = 0; i < p->n_parts; i++)
		if ((r = sgn_buf_appendf(b, eb, "%s[\"%zu\",", i > 0 ? "," : "",
		    i)) != SGN_OK || (r = put_digest(b, pdigests + 32 * i,
		    eb)) != SGN_OK || (r = sgn_buf_append(b, "]", 1, eb)) !=
		    SGN_OK)
			return r;
	if ((r = sgn_buf_append(b, "],", 2, eb)) != SGN_OK ||
	    (r = put_parts(b, p, eb)) != SGN_OK ||
	    (r = sgn_buf_append(b, ",\"plan\":", 8, eb)) != SGN_OK ||
	    (r = put_digest(b, p->digest, eb)) != SGN_OK ||
	    (r = sgn_buf_append(b, ",\"root\":", 8, eb)) != SGN_OK ||
	    (r = put_digest(b, root, eb)) != SGN_OK ||
	    (r = sgn_buf_append(b, ",\"subject\":", 11, eb)) != SGN_OK ||
	    (r = put_str(b, p->m->subject, eb)) != SGN_OK)
		return r;
	return sgn_buf_append(b, "}", 1, eb);
}

sgn_err
sgn_manifest_merge(const struct sgn_manifest_plan *p,
    const uint8_t *const *partials, const size_t *lens,
    const char *const *names, size_t n,
    const struct sgn_manifest_merge_opts *mo, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	struct sgn_manifest_merge_opts	 mc = SGN_MANIFEST_MERGE_OPTS_INIT;
	struct sgn_buf			 body;
	uint8_t				*digests = NULL, *pd = NULL, root[32];
	uint8_t				 d[32];
	size_t				*owner = NULL, i, j, dlen, miss = 0;
	size_t				 first_miss = 0;
	sgn_err				 r;

	if (mo != NULL && (r = sgn_sized_in(&mc, sizeof(mc), mo,
	    "sgn_manifest_merge_opts", eb)) != SGN_OK)
		return r;
	mo = &mc;
	sgn_buf_init(&body, 0);
	dlen = sgn_manifest_digest_len(p->m->hash);
	if ((owner = calloc(p->n_parts, sizeof(*owner))) == NULL ||
	    (pd = calloc(p->n_parts, 32)) == NULL ||
	    (digests = calloc(p->m->n_entries + 1, dlen)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < p->n_parts; i++)
		owner[i] = SIZE_MAX;
	for (i = 0; i < n; i++) {
		if ((r = take_partial(p, partials[i], lens[i], names[i], i,
		    owner, names, digests, d, eb)) != SGN_OK)
			goto out;
		for (j = 0; j < p->n_parts; j++)
			if (owner[j] == i)
				memcpy(pd + 32 * j, d, 32);
	}
	for (i = 0; i < p->n_parts; i++)
		if (owner[i] == SIZE_MAX && miss++ == 0)
			first_miss = i;
	if (miss > 0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "part %zu missing (no "
		    "partial: was its worker killed?)%s%zu parts of %zu "
		    "missing; units %zu to %zu not hashed", first_miss,
		    "; ", miss, p->n_parts, p->parts[first_miss].first,
		    p->parts[first_miss].end);
		goto out;
	}
	if (mo != NULL && mo->spot_check > 0) {
		if (mo->model_path == NULL) {
			r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
			    "spot check: "
			    "no model directory");
			goto out;
		}
		if ((r = spot_check(p, mo, digests, owner, names, eb)) !=
		    SGN_OK)
			goto out;
	}
	if ((r = sgn_hash(SGN_HASH_SHA256, digests, p->m->n_entries * dlen,
	    root, eb)) != SGN_OK ||
	    (r = merged_body(p, digests, pd, root, &body, eb)) != SGN_OK)
		goto out;
	r = seal(&body, out, d, eb);
out:
	sgn_buf_reset(&body);
	free(owner);
	free(pd);
	free(digests);
	return r;
}

/* Signing from a merged manifest -------------------------------------- */

sgn_err
sgn_manifest_merged_load(const uint8_t *buf, size_t len,
    const char *model_path, const char *signature_path,
    struct sgn_manifest **out, struct sgn_errbuf *eb)
{
	static const char *const keys[] = { "digest", "digests", "files",
	    "format", "params", "partials", "parts", "plan", "root",
	    "subject" };
	struct sgn_manifest_plan	*p = NULL;
	struct sgn_manifest_opts	 o;
	struct sgn_manifest		*wm = NULL;
	struct sel			 s;
	cJSON				*root = NULL;
	const cJSON			*a, *c;
	uint8_t				 d[32], pd[32], rd[32];
	size_t				*want = NULL, i, n, dlen;
	sgn_err				 r;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	if ((r = open_doc(buf, len, "merged manifest", FMT_MERGED, keys, 10,
	    &root, d, eb)) != SGN_OK ||
	    (r = parse_body(root, "merged manifest", &p, eb)) != SGN_OK ||
	    (r = plan_seal_digest(p, eb)) != SGN_OK ||
	    (r = get_digest(root, "plan", "merged manifest", pd, eb)) !=
	    SGN_OK || (r = get_digest(root, "root", "merged manifest", rd,
	    eb)) != SGN_OK)
		goto out;
	if (memcmp(pd, p->digest, 32) != 0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "merged manifest: its plan "
		    "digest is not the digest of its plan data");
		goto out;
	}
	if ((r = sgn_json_get_array(root, "partials", 1, "merged manifest",
	    &a, eb)) != SGN_OK)
		goto out;
	if ((size_t)cJSON_GetArraySize(a) != p->n_parts) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "merged manifest: partials do "
		    "not match the parts");
		goto out;
	}
	n = p->m->n_entries;
	dlen = sgn_manifest_digest_len(p->m->hash);
	if ((r = sgn_json_get_array(root, "digests", 1, "merged manifest",
	    &a, eb)) != SGN_OK)
		goto out;
	if ((size_t)cJSON_GetArraySize(a) != n) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "merged manifest: %d digests "
		    "for %zu units", cJSON_GetArraySize(a), n);
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(c, a) {
		if (!cJSON_IsString(c) || strlen(c->valuestring) != 2 * dlen ||
		    sgn_hex_decode(c->valuestring, 2 * dlen,
		    p->m->entries[i].digest, dlen, eb) != SGN_OK) {
			r = sgn_errf(eb, SGN_ERR_PARSE, "merged manifest: "
			    "digest of unit %zu: not %zu bytes of hex", i,
			    dlen);
			goto out;
		}
		p->m->entries[i++].digest_len = dlen;
	}
	if ((r = sgn_manifest_compute_root(p->m, eb)) != SGN_OK)
		goto out;
	if (memcmp(p->m->root, rd, 32) != 0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "merged manifest: its root "
		    "is not the root of its digests");
		goto out;
	}
	/* the tree now: every file of the plan, unchanged, and no other */
	if ((want = calloc(n + 1, sizeof(*want))) == NULL ||
	    (s.map = calloc(n + 1, sizeof(*s.map))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		want[i] = i;
	s.p = p;
	s.want = want;
	s.n_want = n;
	s.exact = 1;
	(void)plan_opts(p, NULL, &o, eb);	/* run NULL: cannot fail */
	o.signature_path = signature_path;
	if ((r = sgn_manifest_build_sel(model_path, &o, select_units, &s,
	    &wm, eb)) != SGN_OK)
		goto out;
	if (!same_params(p, wm, p->flags)) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: the ignored paths differ "
		    "from the plan's (a signature path the plan did not leave "
		    "out?)", model_path);
		goto out;
	}
	for (i = 0; i < n; i++) {
		memcpy(wm->entries[s.map[i]].digest, p->m->entries[i].digest,
		    dlen);
		wm->entries[s.map[i]].digest_len = dlen;
	}
	if ((r = sgn_manifest_compute_root(wm, eb)) != SGN_OK)
		goto out;
	*out = wm;
	wm = NULL;
out:
	free(want);
	free(s.map);
	cJSON_Delete(root);
	sgn_manifest_plan_free(&p);
	sgn_manifest_free(&wm);
	return r;
}
