/*
 * meta.c: one TUF metadata file, parsed strictly and verified.
 *
 * Signatures are over the OLPC canonical JSON of "signed"
 * (http://wiki.laptop.org/go/Canonical_JSON, as securesystemslib writes
 * it): members sorted by key bytes, no whitespace, integers only, strings
 * escaping only '"' and '\\' (a newline inside a PEM key stays raw).  It
 * is written from the parsed tree, so members this client does not know
 * (Sigstore's "x-tuf-on-ci-*") are signed over as published.
 *
 * Key IDs are opaque labels (Sigstore's root v11 lists key IDs that are
 * not the hash of their key): never recomputed, each counted once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "json.h"
#include "keys.h"
#include "tuf_int.h"

#define TUF_MAX_SIG_HEX		2048
#define TUF_MAX_KEYS		256
#define TUF_MAX_SIGS		256

/* The largest integer a double holds exactly: TUF integers above it are
 * refused rather than rounded. */
#define TUF_MAX_INT		9007199254740991.0

static sgn_err
get_int(const cJSON *obj, const char *key, int required, const char *where,
    int64_t *out, int *present, struct sgn_errbuf *eb)
{
	const cJSON *m = sgn_json_member(obj, key);
	double d;

	*out = 0;
	if (present != NULL)
		*present = 0;
	if (m == NULL) {
		if (!required)
			return SGN_OK;
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: missing \"%s\"",
		    where, key);
	}
	if (!cJSON_IsNumber(m))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.%s: not an integer",
		    where, key);
	d = m->valuedouble;
	if (d != d || d < 0 || d > TUF_MAX_INT || (double)(int64_t)d != d)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "%s.%s: not an integer from 0 to 2^53-1", where, key);
	*out = (int64_t)d;
	if (present != NULL)
		*present = 1;
	return SGN_OK;
}

/* Canonical JSON ------------------------------------------------------ */

static sgn_err
canon_string(struct sgn_buf *b, const char *s, struct sgn_errbuf *eb)
{
	const char *p, *q;
	sgn_err r;

	if ((r = sgn_buf_append(b, "\"", 1, eb)) != SGN_OK)
		return r;
	for (p = q = s; *q != '\0'; q++) {
		if (*q != '"' && *q != '\\')
			continue;
		if ((r = sgn_buf_append(b, p, (size_t)(q - p), eb)) != SGN_OK ||
		    (r = sgn_buf_append(b, "\\", 1, eb)) != SGN_OK)
			return r;
		p = q;
	}
	if ((r = sgn_buf_append(b, p, (size_t)(q - p), eb)) != SGN_OK)
		return r;
	return sgn_buf_append(b, "\"", 1, eb);
}

static int
member_cmp(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;

	return strcmp(x->string, y->string);
}

sgn_err
sgn_tuf_canonical(struct sgn_buf *b, const cJSON *n, struct sgn_errbuf *eb)
{
	const cJSON **v = NULL;
	const cJSON *c;
	size_t cnt = 0, i;
	double d;
	sgn_err r = SGN_ERR_PARSE;

	if (cJSON_IsNull(n))
		return sgn_buf_append(b, "null", 4, eb);
	if (cJSON_IsTrue(n))
		return sgn_buf_append(b, "true", 4, eb);
	if (cJSON_IsFalse(n))
		return sgn_buf_append(b, "false", 5, eb);
	if (cJSON_IsString(n))
		return canon_string(b, n->valuestring, eb);
	if (cJSON_IsNumber(n)) {
		d = n->valuedouble;
		if (d != d || d < -TUF_MAX_INT || d > TUF_MAX_INT ||
		    (double)(int64_t)d != d)
			return sgn_errf(eb, SGN_ERR_PARSE, "metadata: "
			    "canonical JSON has integers only (to 2^53-1)");
		return sgn_buf_appendf(b, eb, "%lld", (long long)(int64_t)d);
	}
	if (!cJSON_IsArray(n) && !cJSON_IsObject(n))
		return sgn_errf(eb, SGN_ERR_PARSE, "metadata: bad JSON value");
	for (c = n->child; c != NULL; c = c->next)
		cnt++;
	if (cnt > 0 && (v = calloc(cnt, sizeof(*v))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0, c = n->child; c != NULL; c = c->next)
		v[i++] = c;
	if (cJSON_IsObject(n) && cnt > 1)
		qsort(v, cnt, sizeof(*v), member_cmp);
	if ((r = sgn_buf_append(b, cJSON_IsArray(n) ? "[" : "{", 1, eb)) !=
	    SGN_OK)
		goto out;
	for (i = 0; i < cnt; i++) {
		if (i > 0 && (r = sgn_buf_append(b, ",", 1, eb)) != SGN_OK)
			goto out;
		if (cJSON_IsObject(n) &&
		    ((r = canon_string(b, v[i]->string, eb)) != SGN_OK ||
		    (r = sgn_buf_append(b, ":", 1, eb)) != SGN_OK))
			goto out;
		if ((r = sgn_tuf_canonical(b, v[i], eb)) != SGN_OK)
			goto out;
	}
	r = sgn_buf_append(b, cJSON_IsArray(n) ? "]" : "}", 1, eb);
out:
	free(v);
	return r;
}

/* Keys ------------------------------------------------------------------ */

/* SubjectPublicKeyInfo header of an uncompressed P-256 point. */
static const uint8_t p256_spki_prefix[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
	0x07, 0x03, 0x42, 0x00,
};

enum key_kind {
	KEY_ECDSA = 1,
	KEY_ED25519,
	KEY_RSA_PSS,
};

/* A PEM public key through pkg/keys, which imports the SPKI forms of
 * Sigstore's keys without OpenSSL's generic decoders (30 times faster:
 * every process verifies the cached chain again). */
static EVP_PKEY *
pem_pubkey(const char *pem)
{
	struct sgn_pubkey *k = NULL;
	EVP_PKEY *pk;
	size_t n = strlen(pem);

	if (n == 0 || n > 16384 ||
	    sgn_pubkey_from_pem(pem, n, &k, NULL) != SGN_OK)
		return NULL;
	pk = sgn_pubkey_evp(k);
	if (pk != NULL && EVP_PKEY_up_ref(pk) != 1)
		pk = NULL;
	sgn_pubkey_free(&k);
	return pk;
}

static int
is_p256(EVP_PKEY *pk)
{
	char name[64];
	size_t len = 0;

	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC)
		return 0;
	if (EVP_PKEY_get_utf8_string_param(pk, "group", name, sizeof(name),
	    &len) != 1)
		return 0;
	return strcmp(name, "prime256v1") == 0 || strcmp(name, "P-256") == 0;
}

/*
 * The public key of a TUF key object, or NULL (with *kind untouched) when
 * it is not one this client supports or is malformed: such a key simply
 * never counts towards a threshold.
 */
static EVP_PKEY *
key_load(const cJSON *key, enum key_kind *kind)
{
	const cJSON *kt, *sc, *kv, *pub;
	EVP_PKEY *pk = NULL;
	uint8_t raw[sizeof(p256_spki_prefix) + 65];
	const uint8_t *p = raw;
	const char *t, *s, *v;
	size_t n;

	if (!cJSON_IsObject(key))
		return NULL;
	kt = sgn_json_member(key, "keytype");
	sc = sgn_json_member(key, "scheme");
	kv = sgn_json_member(key, "keyval");
	if (!cJSON_IsString(kt) || !cJSON_IsString(sc) || !cJSON_IsObject(kv))
		return NULL;
	pub = sgn_json_member(kv, "public");
	if (!cJSON_IsString(pub))
		return NULL;
	t = kt->valuestring;
	s = sc->valuestring;
	v = pub->valuestring;
	n = strlen(v);
	if ((strcmp(t, "ecdsa") == 0 ||
	    strcmp(t, "ecdsa-sha2-nistp256") == 0) &&
	    strcmp(s, "ecdsa-sha2-nistp256") == 0) {
		if (n == 130) {
			/* roots 1-8 of Sigstore: hex of the EC point */
			memcpy(raw, p256_spki_prefix, sizeof(p256_spki_prefix));
			if (sgn_hex_decode(v, n, raw + sizeof(p256_spki_prefix),
			    65, NULL) != SGN_OK)
				return NULL;
			pk = d2i_PUBKEY(NULL, &p, (long)sizeof(raw));
		} else
			pk = pem_pubkey(v);
		if (pk != NULL && !is_p256(pk)) {
			EVP_PKEY_free(pk);
			return NULL;
		}
		*kind = KEY_ECDSA;
	} else if (strcmp(t, "ed25519") == 0 && strcmp(s, "ed25519") == 0) {
		if (n != 64 || sgn_hex_decode(v, n, raw, 32, NULL) != SGN_OK)
			return NULL;
		pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw,
		    32);
		*kind = KEY_ED25519;
	} else if (strcmp(t, "rsa") == 0 &&
	    strcmp(s, "rsassa-pss-sha256") == 0) {
		pk = pem_pubkey(v);
		if (pk != NULL && (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA ||
		    EVP_PKEY_get_bits(pk) < 2048)) {
			EVP_PKEY_free(pk);
			return NULL;
		}
		*kind = KEY_RSA_PSS;
	}
	return pk;
}

/* 1 when sig verifies over msg under pk. */
static int
sig_ok(EVP_PKEY *pk, enum key_kind kind, const uint8_t *sig, size_t siglen,
    const uint8_t *msg, size_t msglen)
{
	EVP_MD_CTX *ctx;
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *md = kind == KEY_ED25519 ? NULL : EVP_sha256();
	int ok = 0;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return 0;
	if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pk) != 1)
		goto out;
	if (kind == KEY_RSA_PSS &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1))
		goto out;
	ok = EVP_DigestVerify(ctx, sig, siglen, msg, msglen) == 1;
out:
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

sgn_err
sgn_tuf_meta_verify(const struct tuf_meta *m, const cJSON *keys,
    const cJSON *keyids, int64_t threshold, const char *what,
    struct sgn_errbuf *eb)
{
	const cJSON *s, *kid, *sig, *id;
	const char *counted[TUF_MAX_SIGS];
	uint8_t *der = NULL;
	EVP_PKEY *pk;
	enum key_kind kind;
	size_t ncounted = 0, i, n;
	int64_t valid = 0;
	int listed, seen;

	for (s = m->sigs->child; s != NULL && valid < threshold; s = s->next) {
		kid = sgn_json_member(s, "keyid");
		sig = sgn_json_member(s, "sig");
		/* sgn_tuf_meta_parse() checked both are strings; empty
		 * signatures (Sigstore's placeholders) are skipped */
		n = strlen(sig->valuestring);
		if (n == 0 || n % 2 != 0 || n > TUF_MAX_SIG_HEX)
			continue;
		listed = seen = 0;
		for (id = keyids->child; id != NULL; id = id->next)
			if (strcmp(id->valuestring, kid->valuestring) == 0)
				listed = 1;
		for (i = 0; i < ncounted; i++)
			if (strcmp(counted[i], kid->valuestring) == 0)
				seen = 1;
		if (!listed || seen)
			continue;
		kind = 0;
		if ((pk = key_load(sgn_json_member(keys, kid->valuestring),
		    &kind)) == NULL)
			continue;
		if ((der = malloc(n / 2)) != NULL &&
		    sgn_hex_decode(sig->valuestring, n, der, n / 2, NULL) ==
		    SGN_OK && sig_ok(pk, kind, der, n / 2, m->canon,
		    m->canon_len)) {
			counted[ncounted++] = kid->valuestring;
			valid++;
		}
		free(der);
		der = NULL;
		EVP_PKEY_free(pk);
	}
	if (valid < threshold)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "%s: signed by %lld of the %lld keys needed", what,
		    (long long)valid, (long long)threshold);
	return SGN_OK;
}

/* Parsing --------------------------------------------------------------- */

sgn_err
sgn_tuf_role_parse(const cJSON *o, const char *where, struct tuf_role *role,
    struct sgn_errbuf *eb)
{
	const cJSON *a, *b, *ids;
	size_t n = 0;
	sgn_err r;

	if (!cJSON_IsObject(o))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: not an object", where);
	if ((r = sgn_json_get_array(o, "keyids", SGN_JSON_REQUIRED, where,
	    &ids, eb)) != SGN_OK)
		return r;
	if ((r = get_int(o, "threshold", 1, where, &role->threshold, NULL,
	    eb)) != SGN_OK)
		return r;
	if (role->threshold < 1)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "%s.threshold: must be at least 1", where);
	for (a = ids->child; a != NULL; a = a->next) {
		if (!cJSON_IsString(a) || a->valuestring[0] == '\0')
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s.keyids: not a key ID", where);
		for (b = ids->child; b != a; b = b->next)
			if (strcmp(a->valuestring, b->valuestring) == 0)
				return sgn_errf(eb, SGN_ERR_PARSE,
				    "%s.keyids: %.64s listed twice", where,
				    a->valuestring);
		if (++n > TUF_MAX_KEYS)
			return sgn_errf(eb, SGN_ERR_LIMIT,
			    "%s.keyids: more than %d", where, TUF_MAX_KEYS);
	}
	role->keyids = ids;
	return SGN_OK;
}

int
sgn_tuf_role_equal(const struct tuf_role *a, const struct tuf_role *b)
{
	const cJSON *x, *y;
	int na = 0, nb = 0, found;

	if (a->threshold != b->threshold)
		return 0;
	for (x = a->keyids->child; x != NULL; x = x->next, na++) {
		found = 0;
		for (y = b->keyids->child; y != NULL; y = y->next)
			if (strcmp(x->valuestring, y->valuestring) == 0)
				found = 1;
		if (!found)
			return 0;
	}
	for (y = b->keyids->child; y != NULL; y = y->next)
		nb++;
	return na == nb;
}

int
sgn_tuf_expired(const struct tuf_meta *m, int64_t now)
{
	/* TUF 5.3.10: the expiry must be higher than the start time */
	return m->expires.sec <= now;
}

sgn_err
sgn_tuf_fileinfo_parse(const cJSON *o, int need_version, const char *where,
    struct tuf_fileinfo *fi, struct sgn_errbuf *eb)
{
	const cJSON *h;
	int present;
	sgn_err r;

	fi->hashes = NULL;
	if (!cJSON_IsObject(o))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: not an object", where);
	if ((r = get_int(o, "version", need_version, where, &fi->version,
	    NULL, eb)) != SGN_OK)
		return r;
	if (need_version && fi->version < 1)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.version: below 1",
		    where);
	if ((r = get_int(o, "length", 0, where, &fi->length, &present,
	    eb)) != SGN_OK)
		return r;
	if (!present)
		fi->length = -1;
	if ((r = sgn_json_get_object(o, "hashes", SGN_JSON_OPTIONAL, where,
	    &h, eb)) != SGN_OK)
		return r;
	if (h != NULL) {
		if (h->child == NULL)
			return sgn_errf(eb, SGN_ERR_PARSE, "%s.hashes: empty",
			    where);
		for (const cJSON *c = h->child; c != NULL; c = c->next)
			if (!cJSON_IsString(c))
				return sgn_errf(eb, SGN_ERR_PARSE,
				    "%s.hashes.%.16s: not a string", where,
				    c->string);
	}
	fi->hashes = h;
	return SGN_OK;
}

sgn_err
sgn_tuf_fileinfo_check(const struct tuf_fileinfo *fi, const uint8_t *p,
    size_t n, int need_hash, const char *what, struct sgn_errbuf *eb)
{
	const cJSON *h;
	uint8_t want[SGN_MAX_DIGEST], got[SGN_MAX_DIGEST];
	sgn_hash_alg alg;
	size_t hl;
	sgn_err r;

	if (fi->length >= 0 && (uint64_t)fi->length != n)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "%s: length %zu, but %lld expected", what, n,
		    (long long)fi->length);
	if (fi->hashes == NULL) {
		if (need_hash)
			return sgn_errf(eb, SGN_ERR_PARSE, "%s: no hashes",
			    what);
		return SGN_OK;
	}
	for (h = fi->hashes->child; h != NULL; h = h->next) {
		alg = sgn_hash_from_name(h->string);
		if (alg == SGN_HASH_NONE)
			return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
			    "%s: unsupported hash algorithm \"%.16s\"", what,
			    h->string);
		hl = sgn_hash_len(alg);
		if (strlen(h->valuestring) != 2 * hl ||
		    sgn_hex_decode(h->valuestring, 2 * hl, want, hl, NULL) !=
		    SGN_OK)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: bad %s hash", what, h->string);
		if ((r = sgn_hash(alg, p, n, got, eb)) != SGN_OK)
			return r;
		if (memcmp(want, got, hl) != 0)
			return sgn_errf(eb, SGN_ERR_VERIFY,
			    "%s: %s hash mismatch", what, h->string);
	}
	return SGN_OK;
}

/* Glob match of one path component (no '/' in either), '*' and '?':
 * the greedy algorithm with one backtracking point, O(len * len). */
static int
component_match(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t i = 0, j = 0, star = (size_t)-1, mark = 0;

	while (j < sn) {
		if (i < pn && (p[i] == '?' || p[i] == s[j])) {
			i++;
			j++;
		} else if (i < pn && p[i] == '*') {
			star = i++;
			mark = j;
		} else if (star != (size_t)-1) {
			i = star + 1;
			j = ++mark;
		} else
			return 0;
	}
	while (i < pn && p[i] == '*')
		i++;
	return i == pn;
}

int
sgn_tuf_path_match(const char *pat, const char *name)
{
	const char *pe, *ne;

	/* as fnmatch(3) with FNM_PATHNAME: '/' only matches '/', so the
	 * pattern and the name have the same components */
	for (;;) {
		pe = strchr(pat, '/');
		ne = strchr(name, '/');
		if ((pe == NULL) != (ne == NULL))
			return 0;
		if (pe == NULL)
			return component_match(pat, strlen(pat), name,
			    strlen(name));
		if (!component_match(pat, (size_t)(pe - pat), name,
		    (size_t)(ne - name)))
			return 0;
		pat = pe + 1;
		name = ne + 1;
	}
}

static const char *const type_names[] = {
	NULL, "root", "timestamp", "snapshot", "targets",
};

static sgn_err
parse_root(struct tuf_meta *m, const char *what, struct sgn_errbuf *eb)
{
	static const char *const rn[] = { NULL, "root", "timestamp",
	    "snapshot", "targets" };
	const cJSON *roles, *k;
	char where[96];
	size_t n = 0;
	int i;
	sgn_err r;

	if ((r = sgn_json_get_object(m->signed_, "keys", SGN_JSON_REQUIRED,
	    what, &m->keys, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(m->signed_, "roles", SGN_JSON_REQUIRED,
	    what, &roles, eb)) != SGN_OK ||
	    (r = sgn_json_get_bool(m->signed_, "consistent_snapshot",
	    SGN_JSON_OPTIONAL, what, &m->consistent, eb)) != SGN_OK)
		return r;
	for (k = m->keys->child; k != NULL; k = k->next) {
		if (!cJSON_IsObject(k))
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s.keys.%.64s: not an object", what, k->string);
		if (++n > TUF_MAX_KEYS)
			return sgn_errf(eb, SGN_ERR_LIMIT,
			    "%s.keys: more than %d", what, TUF_MAX_KEYS);
	}
	for (i = TUF_ROOT; i <= TUF_TARGETS; i++) {
		snprintf(where, sizeof(where), "%s.roles.%s", what, rn[i]);
		if ((r = sgn_tuf_role_parse(sgn_json_member(roles, rn[i]),
		    where, &m->roles[i], eb)) != SGN_OK)
			return r;
	}
	return SGN_OK;
}

static sgn_err
parse_targets(struct tuf_meta *m, const char *what, struct sgn_errbuf *eb)
{
	const cJSON *t, *d, *roles, *keys, *role, *paths, *p;
	struct tuf_fileinfo fi;
	struct tuf_role tr;
	const char *name;
	char where[160];
	int term, n = 0;
	sgn_err r;

	if ((r = sgn_json_get_object(m->signed_, "targets", SGN_JSON_REQUIRED,
	    what, &m->targets, eb)) != SGN_OK)
		return r;
	for (t = m->targets->child; t != NULL; t = t->next) {
		snprintf(where, sizeof(where), "%s.targets.%.64s", what,
		    t->string);
		if ((r = sgn_tuf_fileinfo_parse(t, 0, where, &fi, eb)) !=
		    SGN_OK)
			return r;
		if (fi.length < 0 || fi.hashes == NULL)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: needs a length and hashes", where);
	}
	if ((r = sgn_json_get_object(m->signed_, "delegations",
	    SGN_JSON_OPTIONAL, what, &d, eb)) != SGN_OK)
		return r;
	if (d == NULL)
		return SGN_OK;
	snprintf(where, sizeof(where), "%s.delegations", what);
	if ((r = sgn_json_get_object(d, "keys", SGN_JSON_REQUIRED, where,
	    &keys, eb)) != SGN_OK ||
	    (r = sgn_json_get_array(d, "roles", SGN_JSON_REQUIRED, where,
	    &roles, eb)) != SGN_OK)
		return r;
	for (role = roles->child; role != NULL; role = role->next) {
		snprintf(where, sizeof(where), "%s.delegations.roles[%d]",
		    what, n);
		if (++n > 1024)
			return sgn_errf(eb, SGN_ERR_LIMIT,
			    "%s: too many delegations", what);
		if ((r = sgn_tuf_role_parse(role, where, &tr, eb)) != SGN_OK ||
		    (r = sgn_json_get_string(role, "name", SGN_JSON_REQUIRED,
		    where, &name, eb)) != SGN_OK ||
		    (r = sgn_json_get_bool(role, "terminating",
		    SGN_JSON_OPTIONAL, where, &term, eb)) != SGN_OK)
			return r;
		if (name[0] == '\0' || strcmp(name, "root") == 0 ||
		    strcmp(name, "timestamp") == 0 ||
		    strcmp(name, "snapshot") == 0 ||
		    strcmp(name, "targets") == 0)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s.name: \"%.64s\" is reserved", where, name);
		paths = sgn_json_member(role, "paths");
		p = sgn_json_member(role, "path_hash_prefixes");
		if ((paths == NULL) == (p == NULL))
			return sgn_errf(eb, SGN_ERR_PARSE, "%s: needs either "
			    "paths or path_hash_prefixes", where);
		if (p != NULL)
			paths = p;
		if (!cJSON_IsArray(paths))
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: paths not an array", where);
		for (p = paths->child; p != NULL; p = p->next)
			if (!cJSON_IsString(p))
				return sgn_errf(eb, SGN_ERR_PARSE,
				    "%s: a path is not a string", where);
	}
	m->delegations = d;
	return SGN_OK;
}

sgn_err
sgn_tuf_meta_parse(const uint8_t *buf, size_t len, enum tuf_type want,
    const char *what, struct tuf_meta **out, struct sgn_errbuf *eb)
{
	struct tuf_meta *m = NULL;
	struct sgn_buf cb;
	const cJSON *s;
	const char *type, *spec;
	size_t n;
	sgn_err r = SGN_ERR_NOMEM;

	*out = NULL;
	sgn_buf_init(&cb, 0);
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->raw = malloc(len + 1)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(m->raw, buf, len);
	m->raw[len] = '\0';
	m->raw_len = len;
	m->type = want;
	if ((r = sgn_json_parse(buf, len, what, &m->doc, eb)) != SGN_OK)
		goto out;
	if (!cJSON_IsObject(m->doc)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "%s: not an object", what);
		goto out;
	}
	if ((r = sgn_json_get_array(m->doc, "signatures", SGN_JSON_REQUIRED,
	    what, &m->sigs, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(m->doc, "signed", SGN_JSON_REQUIRED, what,
	    &m->signed_, eb)) != SGN_OK)
		goto out;
	for (s = m->sigs->child, n = 0; s != NULL; s = s->next) {
		if (++n > TUF_MAX_SIGS) {
			r = sgn_errf(eb, SGN_ERR_LIMIT,
			    "%s: more than %d signatures", what, TUF_MAX_SIGS);
			goto out;
		}
		if (!cJSON_IsObject(s) ||
		    !cJSON_IsString(sgn_json_member(s, "keyid")) ||
		    !cJSON_IsString(sgn_json_member(s, "sig"))) {
			r = sgn_errf(eb, SGN_ERR_PARSE,
			    "%s: a signature needs a keyid and a sig", what);
			goto out;
		}
	}
	if ((r = sgn_json_get_string(m->signed_, "_type", SGN_JSON_REQUIRED,
	    what, &type, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(m->signed_, "spec_version",
	    SGN_JSON_REQUIRED, what, &spec, eb)) != SGN_OK ||
	    (r = get_int(m->signed_, "version", 1, what, &m->version, NULL,
	    eb)) != SGN_OK ||
	    (r = sgn_json_get_time(m->signed_, "expires", SGN_JSON_REQUIRED,
	    what, &m->expires, NULL, eb)) != SGN_OK)
		goto out;
	if (strcmp(type, type_names[want]) != 0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: _type is \"%.32s\", "
		    "not \"%s\"", what, type, type_names[want]);
		goto out;
	}
	if (strncmp(spec, "1.", 2) != 0 && strcmp(spec, "1") != 0) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "%s: spec_version \"%.32s\" is not 1.x", what, spec);
		goto out;
	}
	if (m->version < 1) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "%s: version below 1", what);
		goto out;
	}
	if (want == TUF_ROOT && (r = parse_root(m, what, eb)) != SGN_OK)
		goto out;
	if (want == TUF_TARGETS && (r = parse_targets(m, what, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_tuf_canonical(&cb, m->signed_, eb)) != SGN_OK)
		goto out;
	m->canon = sgn_buf_take(&cb, &m->canon_len);
	*out = m;
	m = NULL;
	r = SGN_OK;
out:
	sgn_buf_reset(&cb);
	sgn_tuf_meta_free(&m);
	return r;
}

void
sgn_tuf_meta_free(struct tuf_meta **mp)
{
	struct tuf_meta *m;

	if (mp == NULL || (m = *mp) == NULL)
		return;
	free(m->raw);
	free(m->canon);
	cJSON_Delete(m->doc);
	free(m);
	*mp = NULL;
}
