/*
 * The verification pipeline (see verify.h for the order of checks).
 *
 * Every failure goes through fail(), which records the check's name and
 * the reason in the result and in the caller's errbuf as
 * "<check>: <reason>".  Evidence from a trusted log or TSA that does not
 * verify fails the bundle: a verifier for auditors does not skip over
 * tampered evidence.  Entries from logs absent from the trusted root are
 * skipped, and at least one entry must verify.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsse.h"
#include "rekor.h"
#include "tlog.h"
#include "tsa.h"
#include "core_int.h"
#include "verify.h"
#include "verify_int.h"

/* Rekor's clock may run a little ahead of ours. */
#define FUTURE_SKEW_SECONDS	60
/* Ed25519 signs the message itself: we must hold it whole. */
#define MAX_ED25519_MESSAGE	(256u * 1024 * 1024)
#define CHAIN_CACHE_SIZE	64

struct chain_memo {
	uint8_t	fp[32];
	size_t	ca;
	int	used;
};

/* Parsed signing certificates, by SHA-256 of their DER: files signed in
 * one run share a certificate, and OpenSSL 3 takes longer to decode one
 * than to verify a signature. */
struct leaf_memo {
	uint8_t		 fp[32];
	struct sgn_cert	*cert;
	int		 self_signed;
};

struct sgn_verifier {
	const struct sgn_trusted_root	*root;
	int64_t				 now;
	int				 cache_on;
	pthread_mutex_t			 lock;
	struct chain_memo		 memo[CHAIN_CACHE_SIZE];
	size_t				 memo_next;
	struct leaf_memo		 leaves[CHAIN_CACHE_SIZE];
	size_t				 leaves_next;
};

struct vctx {
	struct sgn_verifier		*v;
	const struct sgn_bundle		*b;
	const struct sgn_artifact	*art;
	const struct sgn_policy		*pol;
	struct sgn_verify_result	*res;
	struct sgn_errbuf		*eb;
	const struct sgn_cert		*leaf;		/* read only */
	struct sgn_cert			*leaf_owned;	/* its reference */
	const struct sgn_pubkey		*key;
	struct sgn_pubkey		*key_owned;
	uint8_t				 dig[3][SGN_MAX_DIGEST];
	int				 have_dig[3];
	struct sgn_time			 times[SGN_VERIFY_MAX_TIMES];
	size_t				 n_times;
	size_t				 n_tsa_times;
	const struct sgn_log		*v2_logs[SGN_BUNDLE_MAX_TLOG_ENTRIES];
	size_t				 n_v2_logs;
	int				 entries_ok;
	int64_t				 now;
};

/* Results ----------------------------------------------------------------- */

void
sgn_verify_result_reset(struct sgn_verify_result *res)
{
	size_t n;

	if (res == NULL || (n = res->size) < sizeof(res->size))
		return;
	if (n > sizeof(*res))
		n = sizeof(*res);
	/* Only what lies within the caller's size is the caller's. */
#define RES_HAS(m)	SGN_SIZED_HAS(res, struct sgn_verify_result, m)
	if (RES_HAS(identity))
		free(res->identity);
	if (RES_HAS(issuer))
		free(res->issuer);
	if (RES_HAS(key_desc))
		free(res->key_desc);
	if (RES_HAS(log_url))
		free(res->log_url);
	if (RES_HAS(n_sans))
		sgn_sans_free(&res->sans, &res->n_sans);
#undef RES_HAS
	memset((char *)res + sizeof(res->size), 0, n - sizeof(res->size));
}

sgn_err
sgn_vres_open(struct sgn_verify_result *res, struct sgn_verify_result *full,
    struct sgn_verify_result **work, struct sgn_errbuf *eb)
{
	sgn_err r;

	*work = NULL;
	if ((r = sgn_sized_check(res, sizeof(*res), "sgn_verify_result",
	    eb)) != SGN_OK)
		return r;
	*full = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	/* Cleared, not reset, as ever: what res held is the caller's. */
	memset((char *)res + sizeof(res->size), 0,
	    res->size - sizeof(res->size));
	*work = res->size == sizeof(*res) ? res : full;
	return SGN_OK;
}

void
sgn_vres_close(struct sgn_verify_result *res, struct sgn_verify_result *work)
{
	struct sgn_verify_result *full = work;

	if (work == NULL || work == res)
		return;
	/* An older caller's smaller result: hand over what fits, free the
	 * rest. */
	sgn_sized_out(res, full, sizeof(*full));
#define GONE(m) \
	(!SGN_SIZED_HAS(res, struct sgn_verify_result, m))
	if (!GONE(identity))
		full->identity = NULL;
	if (!GONE(issuer))
		full->issuer = NULL;
	if (!GONE(key_desc))
		full->key_desc = NULL;
	if (!GONE(log_url))
		full->log_url = NULL;
	if (!GONE(n_sans)) {
		full->sans = NULL;
		full->n_sans = 0;
	}
#undef GONE
	sgn_verify_result_reset(full);
}

static sgn_err
fail(struct vctx *c, const char *check, sgn_err code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static sgn_err
fail(struct vctx *c, const char *check, sgn_err code, const char *fmt, ...)
{
	va_list ap;
	char reason[SGN_ERRBUF_SIZE];
	const char *r = reason;
	size_t cl = strlen(check);

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	/* Inner messages often name the check already. */
	if (strncmp(reason, check, cl) == 0 && reason[cl] == ':' &&
	    reason[cl + 1] == ' ')
		r = reason + cl + 2;
	if (c->res->check[0] == '\0') {
		snprintf(c->res->check, sizeof(c->res->check), "%s", check);
		snprintf(c->res->reason, sizeof(c->res->reason), "%s", r);
	}
	return sgn_errf(c->eb, code, "%s: %s", check, r);
}

/* Policy ------------------------------------------------------------------ */

sgn_err
sgn_policy_add_ext(struct sgn_policy *p, unsigned oid, const char *value,
    const char *name, struct sgn_errbuf *eb)
{
	sgn_err r;

	if ((r = sgn_sized_check(p, sizeof(*p), "sgn_policy", eb)) != SGN_OK)
		return r;
	if (!SGN_SIZED_HAS(p, struct sgn_policy, n_ext))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "struct "
		    "sgn_policy: size %zu holds no extension constraints",
		    p->size);
	if (p->n_ext >= SGN_POLICY_MAX_EXT)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "too many certificate extension constraints");
	p->ext[p->n_ext].oid = oid;
	p->ext[p->n_ext].value = value;
	p->ext[p->n_ext].name = name;
	p->n_ext++;
	return SGN_OK;
}

/* Verifier ---------------------------------------------------------------- */

sgn_err
sgn_verifier_new(const struct sgn_trusted_root *root,
    struct sgn_verifier **out, struct sgn_errbuf *eb)
{
	struct sgn_verifier *v;

	*out = NULL;
	if (root == NULL)
		return sgn_errf(eb, SGN_ERR_TRUST, "no trusted root");
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (pthread_mutex_init(&v->lock, NULL) != 0) {
		free(v);
		return sgn_errf(eb, SGN_ERR_INTERNAL, "mutex init failed");
	}
	v->root = root;
	v->cache_on = 1;
	*out = v;
	return SGN_OK;
}

void
sgn_verifier_free(struct sgn_verifier **vp)
{
	size_t i;

	if (vp == NULL || *vp == NULL)
		return;
	for (i = 0; i < CHAIN_CACHE_SIZE; i++)
		sgn_cert_free(&(*vp)->leaves[i].cert);
	pthread_mutex_destroy(&(*vp)->lock);
	free(*vp);
	*vp = NULL;
}

void
sgn_verifier_set_now(struct sgn_verifier *v, int64_t now)
{
	v->now = now;
}

void
sgn_verifier_set_cache(struct sgn_verifier *v, int on)
{
	v->cache_on = on;
}

/* Path validation is a pure function of the leaf and the CA chain, both
 * immutable here: remember successes. */
static int
memo_lookup(struct sgn_verifier *v, const uint8_t *fp, size_t ca)
{
	size_t i;
	int hit = 0;

	if (!v->cache_on)
		return 0;
	pthread_mutex_lock(&v->lock);
	for (i = 0; i < CHAIN_CACHE_SIZE && !hit; i++)
		hit = v->memo[i].used && v->memo[i].ca == ca &&
		    memcmp(v->memo[i].fp, fp, 32) == 0;
	pthread_mutex_unlock(&v->lock);
	return hit;
}

static void
memo_store(struct sgn_verifier *v, const uint8_t *fp, size_t ca)
{
	struct chain_memo *m;

	if (!v->cache_on)
		return;
	pthread_mutex_lock(&v->lock);
	m = &v->memo[v->memo_next];
	v->memo_next = (v->memo_next + 1) % CHAIN_CACHE_SIZE;
	memcpy(m->fp, fp, 32);
	m->ca = ca;
	m->used = 1;
	pthread_mutex_unlock(&v->lock);
}

/* A new reference to the parsed certificate whose DER has SHA-256 fp. */
static struct sgn_cert *
leaf_lookup(struct sgn_verifier *v, const uint8_t *fp, int *self_signed)
{
	struct sgn_cert *c = NULL;
	size_t i;

	if (!v->cache_on)
		return NULL;
	pthread_mutex_lock(&v->lock);
	for (i = 0; i < CHAIN_CACHE_SIZE && c == NULL; i++) {
		if (v->leaves[i].cert != NULL &&
		    memcmp(v->leaves[i].fp, fp, 32) == 0) {
			c = sgn_cert_ref(v->leaves[i].cert);
			*self_signed = v->leaves[i].self_signed;
		}
	}
	pthread_mutex_unlock(&v->lock);
	return c;
}

static void
leaf_store(struct sgn_verifier *v, struct sgn_cert *c, int self_signed)
{
	struct leaf_memo *m;

	if (!v->cache_on)
		return;
	pthread_mutex_lock(&v->lock);
	m = &v->leaves[v->leaves_next];
	v->leaves_next = (v->leaves_next + 1) % CHAIN_CACHE_SIZE;
	sgn_cert_free(&m->cert);
	memcpy(m->fp, sgn_cert_fingerprint(c), 32);
	m->cert = sgn_cert_ref(c);
	m->self_signed = self_signed;
	pthread_mutex_unlock(&v->lock);
}

/* Artifact ---------------------------------------------------------------- */

/* The digest cache's slot for alg, or -1: one slot per algorithm, never
 * two algorithms in one. */
static int
hash_slot(sgn_hash_alg alg)
{
	switch (alg) {
	case SGN_HASH_SHA256:
		return 0;
	case SGN_HASH_SHA384:
		return 1;
	case SGN_HASH_SHA512:
		return 2;
	case SGN_HASH_NONE:
	default:
		return -1;
	}
}

static sgn_err
art_digest(struct vctx *c, sgn_hash_alg alg, const uint8_t **out)
{
	const struct sgn_artifact *a = c->art;
	struct sgn_errbuf tmp;
	int s = hash_slot(alg);
	sgn_err r;

	*out = NULL;
	if (sgn_hash_len(alg) == 0 || s < 0)
		return fail(c, "digest", SGN_ERR_UNSUPPORTED,
		    "unsupported hash algorithm");
	if (c->have_dig[s]) {
		*out = c->dig[s];
		return SGN_OK;
	}
	sgn_errbuf_clear(&tmp);
	if (a->data != NULL) {
		r = sgn_hash(alg, a->data, a->len, c->dig[s], &tmp);
	} else if (a->path != NULL) {
		r = sgn_hash_file(alg, a->path, c->dig[s], &tmp);
	} else if (a->digest_alg == alg) {
		memcpy(c->dig[s], a->digest, sgn_hash_len(alg));
		r = SGN_OK;
	} else {
		return sgn_errf(c->eb, SGN_ERR_INVALID_ARGUMENT,
		    "artifact: given as a %s digest, but the bundle needs its "
		    "%s digest: give the file instead",
		    sgn_hash_name(a->digest_alg), sgn_hash_name(alg));
	}
	if (r != SGN_OK)
		return sgn_errf(c->eb, r, "artifact: %s", tmp.msg);
	c->have_dig[s] = 1;
	*out = c->dig[s];
	return SGN_OK;
}

/* The artifact's bytes, for pure Ed25519 signatures.  *owned is set when
 * the caller must free the buffer. */
static sgn_err
art_bytes(struct vctx *c, const uint8_t **p, size_t *n, uint8_t **owned)
{
	struct sgn_errbuf tmp;
	sgn_err r;

	*owned = NULL;
	if (c->art->data != NULL) {
		*p = c->art->data;
		*n = c->art->len;
		return SGN_OK;
	}
	if (c->art->path == NULL)
		return sgn_errf(c->eb, SGN_ERR_INVALID_ARGUMENT,
		    "artifact: an Ed25519 signature covers the artifact "
		    "itself, not its digest: give the file");
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_file_read(c->art->path, MAX_ED25519_MESSAGE, owned, n,
	    &tmp)) != SGN_OK)
		return sgn_errf(c->eb, r == SGN_ERR_LIMIT ? SGN_ERR_IO : r,
		    "artifact: %s", tmp.msg);
	*p = *owned;
	return SGN_OK;
}

static int
blob_eq(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

/* Times ------------------------------------------------------------------- */

static void
add_time(struct vctx *c, struct sgn_time t)
{
	if (c->n_times < SGN_VERIFY_MAX_TIMES)
		c->times[c->n_times++] = t;
}

static void
fmt_time(struct sgn_time t, char *buf)
{
	sgn_time_format(t, buf);
}

/* Step 1: verification material ---------------------------------------- */

static sgn_err
check_material(struct vctx *c)
{
	const struct sgn_bundle *b = c->b;
	struct sgn_errbuf tmp;
	uint8_t fp[32];
	size_t i;
	int self_signed = 0;
	sgn_err r;

	if (b->material == SGN_MATERIAL_PUBLIC_KEY) {
		if (c->pol->key == NULL)
			return fail(c, "material", SGN_ERR_POLICY,
			    "the bundle is signed with a managed key%s%s%s; "
			    "give the public key with --key",
			    b->key_hint != NULL ? " (hint \"" : "",
			    b->key_hint != NULL ? b->key_hint : "",
			    b->key_hint != NULL ? "\")" : "");
		c->key = c->pol->key;
		return SGN_OK;
	}
	if (c->pol->key != NULL)
		return fail(c, "material", SGN_ERR_POLICY,
		    "the bundle carries a certificate, not a managed key: "
		    "verify it with an identity and issuer instead of --key");
	/* Sigstore's v0.3 carries the Fulcio leaf alone; a chain there is
	 * model_signing's certificate method (see sgn_verify_plain()). */
	if (b->material == SGN_MATERIAL_CHAIN && b->version_minor >= 3)
		return fail(c, "material", SGN_ERR_UNSUPPORTED,
		    "a v0.3 bundle with a certificate chain is not a "
		    "Sigstore keyless bundle (model signing's certificate "
		    "method writes these): verify it against its CA "
		    "certificates");
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_hash(SGN_HASH_SHA256, b->certs[0].ptr, b->certs[0].len,
	    fp, c->eb)) != SGN_OK)
		return r;
	if ((c->leaf_owned = leaf_lookup(c->v, fp, &self_signed)) == NULL) {
		if ((r = sgn_cert_from_der(b->certs[0].ptr, b->certs[0].len,
		    &c->leaf_owned, &tmp)) != SGN_OK)
			return fail(c, "certificate", r == SGN_ERR_LIMIT ? r :
			    SGN_ERR_PARSE, "%s", tmp.msg);
		self_signed = sgn_cert_is_self_signed(c->leaf_owned);
		leaf_store(c->v, c->leaf_owned, self_signed);
	}
	c->leaf = c->leaf_owned;
	if (self_signed)
		return fail(c, "certificate", SGN_ERR_VERIFY,
		    "the signing certificate is self-signed");
	/* Anything else in a chain is untrusted; a root there is refused
	 * (the chain must come from the trusted root alone). */
	for (i = 1; i < b->n_certs; i++) {
		struct sgn_cert *x = NULL;
		sgn_errbuf_clear(&tmp);
		if ((r = sgn_cert_from_der(b->certs[i].ptr, b->certs[i].len, &x,
		    &tmp)) != SGN_OK)
			return fail(c, "certificate", SGN_ERR_PARSE,
			    "chain certificate %zu: %s", i, tmp.msg);
		if (sgn_cert_is_self_signed(x)) {
			sgn_cert_free(&x);
			return fail(c, "certificate", SGN_ERR_VERIFY,
			    "the bundle contains a root certificate (chain "
			    "certificate %zu); roots come from the trusted "
			    "root only", i);
		}
		sgn_cert_free(&x);
	}
	c->key = sgn_cert_pubkey(c->leaf);
	c->res->cert_not_before = sgn_cert_not_before(c->leaf);
	c->res->cert_not_after = sgn_cert_not_after(c->leaf);
	return SGN_OK;
}

/* Step 2: transparency log entries -------------------------------------- */

/* 1 when the transparency log (any instance of its key) is valid at t. */
static int
log_valid_at(const struct vctx *c, const struct sgn_log *log,
    struct sgn_time t)
{
	const struct sgn_log *logs;
	size_t n;

	logs = sgn_trusted_root_tlogs(c->v->root, &n);
	return sgn_log_valid_at(logs, n, log->log_id, t);
}

static sgn_err
check_body_verifier(struct vctx *c, const struct sgn_rekor_body *body)
{
	struct sgn_pubkey *bk = NULL;
	struct sgn_cert *bc = NULL;
	const struct sgn_pubkey *k;
	int same;

	if (c->leaf != NULL) {
		if (!body->verifier_is_cert)
			return fail(c, "tlog body", SGN_ERR_VERIFY,
			    "the log entry records a public key, but the "
			    "bundle carries a certificate");
		if (!blob_eq(body->verifier, body->verifier_len,
		    sgn_cert_der_ptr(c->leaf), sgn_cert_der_len(c->leaf)))
			return fail(c, "tlog body", SGN_ERR_VERIFY,
			    "the logged certificate is not the bundle's "
			    "certificate");
		return SGN_OK;
	}
	/* Managed key: the same key, whatever its encoding. */
	if (body->verifier_is_cert) {
		if (sgn_cert_from_der(body->verifier, body->verifier_len, &bc,
		    NULL) != SGN_OK)
			return fail(c, "tlog body", SGN_ERR_PARSE,
			    "the logged certificate is malformed");
		k = sgn_cert_pubkey(bc);
	} else {
		if (sgn_pubkey_from_der(body->verifier, body->verifier_len,
		    &bk, NULL) != SGN_OK)
			return fail(c, "tlog body", SGN_ERR_PARSE,
			    "the logged public key is malformed");
		k = bk;
	}
	same = sgn_pubkey_equal(k, c->key);
	sgn_pubkey_free(&bk);
	sgn_cert_free(&bc);
	if (!same)
		return fail(c, "tlog body", SGN_ERR_VERIFY,
		    "the logged public key is not the given key");
	return SGN_OK;
}

static sgn_err
pae_digest(struct vctx *c, sgn_hash_alg alg, uint8_t *out)
{
	struct sgn_buf pae;
	sgn_err r;

	sgn_buf_init(&pae, 0);
	if ((r = sgn_dsse_pae(c->b->payload_type, c->b->payload.ptr,
	    c->b->payload.len, &pae, c->eb)) == SGN_OK)
		r = sgn_hash(alg, pae.ptr, pae.len, out, c->eb);
	sgn_buf_reset(&pae);
	return r;
}

static sgn_err
check_body(struct vctx *c, const struct sgn_rekor_body *body)
{
	const struct sgn_bundle *b = c->b;
	const uint8_t *d;
	uint8_t h[SGN_MAX_DIGEST];
	sgn_err r;

	if ((r = check_body_verifier(c, body)) != SGN_OK)
		return r;
	if (!blob_eq(body->sig, body->sig_len, b->signature.ptr,
	    b->signature.len))
		return fail(c, "tlog body", SGN_ERR_VERIFY,
		    "the logged signature is not the bundle's signature");
	switch (body->kind) {
	case SGN_REKOR_HASHEDREKORD_001:
	case SGN_REKOR_HASHEDREKORD_002:
		/* Rekor v2 derives keyDetails from the key: the name must
		 * be the key's own (type, size and padding). */
		if (body->kind == SGN_REKOR_HASHEDREKORD_002 &&
		    strcmp(body->key_details,
		    sgn_key_details_name(c->key)) != 0)
			return fail(c, "tlog body", SGN_ERR_VERIFY,
			    "the logged key details %s do not match a %s key",
			    body->key_details, sgn_pubkey_describe(c->key));
		if (b->content == SGN_CONTENT_DSSE) {
			/* Rekor v2 logs DSSE as hashedrekord over PAE. */
			if (body->kind != SGN_REKOR_HASHEDREKORD_002)
				return fail(c, "tlog body", SGN_ERR_VERIFY,
				    "a hashedrekord %s entry cannot record a "
				    "DSSE envelope", body->api_version);
			if ((r = pae_digest(c, body->hash, h)) != SGN_OK)
				return r;
			if (!blob_eq(h, sgn_hash_len(body->hash), body->digest,
			    body->digest_len))
				return fail(c, "tlog body", SGN_ERR_VERIFY,
				    "the logged digest is not the digest of "
				    "the DSSE envelope");
			return SGN_OK;
		}
		if ((r = art_digest(c, body->hash, &d)) != SGN_OK)
			return r;
		if (!blob_eq(d, sgn_hash_len(body->hash), body->digest,
		    body->digest_len))
			return fail(c, "tlog body", SGN_ERR_VERIFY,
			    "the logged %s digest is not the artifact's",
			    sgn_hash_name(body->hash));
		return SGN_OK;
	case SGN_REKOR_DSSE_001:
	case SGN_REKOR_INTOTO_002:
		if (b->content != SGN_CONTENT_DSSE)
			return fail(c, "tlog body", SGN_ERR_VERIFY,
			    "a %s entry records a DSSE envelope, but the "
			    "bundle holds a message signature",
			    body->kind_name);
		if ((r = sgn_hash(body->hash, b->payload.ptr, b->payload.len,
		    h, c->eb)) != SGN_OK)
			return r;
		if (!blob_eq(h, sgn_hash_len(body->hash), body->digest,
		    body->digest_len))
			return fail(c, "tlog body", SGN_ERR_VERIFY,
			    "the logged payload hash is not the hash of the "
			    "bundle's DSSE payload");
		if (body->payload != NULL && !blob_eq(body->payload,
		    body->payload_len, b->payload.ptr, b->payload.len))
			return fail(c, "tlog body", SGN_ERR_VERIFY,
			    "the logged DSSE payload is not the bundle's");
		return SGN_OK;
	}
	return fail(c, "tlog body", SGN_ERR_UNSUPPORTED,
	    "unsupported entry kind");
}

static sgn_err
check_proof(struct vctx *c, const struct sgn_tlog_entry *e,
    const struct sgn_log *log, int is_v2)
{
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf tmp;
	uint8_t leaf[32];
	const uint8_t *root = e->root_hash;
	uint64_t size = (uint64_t)e->tree_size, index;
	sgn_err r;

	if (is_v2 && e->log_index != e->proof_index)
		return fail(c, "inclusion proof", SGN_ERR_VERIFY,
		    "proof index %lld is not the entry's log index %lld",
		    (long long)e->proof_index, (long long)e->log_index);
	index = (uint64_t)e->proof_index;
	sgn_errbuf_clear(&tmp);
	if (e->checkpoint != NULL) {
		if ((r = sgn_checkpoint_parse(e->checkpoint, e->checkpoint_len,
		    &cp, &tmp)) != SGN_OK) {
			r = fail(c, "checkpoint", r, "%s", tmp.msg);
			goto out;
		}
		/*
		 * v2: the origin is the log's host (rekor-tiles and
		 * sigstore-go check it).  v1: "<hostname> - <tree ID>", where
		 * the hostname is whatever the Rekor server calls itself (a
		 * pod name in private deployments), not the baseUrl: the log
		 * is the one whose key signed the note, as sigstore-go has
		 * it.  That key is the trusted root's log chosen by the
		 * entry's logId, so the origin text is not compared.
		 */
		if (is_v2 && strcmp(cp->origin, log->host) != 0) {
			r = fail(c, "checkpoint", SGN_ERR_VERIFY,
			    "origin \"%.64s\" is not log %s", cp->origin,
			    log->base_url);
			goto out;
		}
		/* Rekor v1 names its key after the host but ECDSA key IDs do
		 * not cover the name: match v1 lines by key ID alone. */
		if ((r = sgn_checkpoint_verify(cp, is_v2 ? log->host : NULL,
		    log->key, &tmp)) != SGN_OK) {
			r = fail(c, "checkpoint", r, "%s", tmp.msg);
			goto out;
		}
		if (cp->size != size) {
			r = fail(c, "inclusion proof", SGN_ERR_VERIFY,
			    "tree size %llu is not the checkpoint's %llu",
			    (unsigned long long)size,
			    (unsigned long long)cp->size);
			goto out;
		}
		if (memcmp(cp->root, e->root_hash, 32) != 0) {
			r = fail(c, "inclusion proof", SGN_ERR_VERIFY,
			    "root hash is not the checkpoint's root hash");
			goto out;
		}
		root = cp->root;
	}
	sgn_tlog_leaf_hash(e->body.ptr, e->body.len, leaf);
	if ((r = sgn_tlog_verify_inclusion(index, size, leaf,
	    (const uint8_t (*)[32])e->hashes, e->n_hashes, root, &tmp)) !=
	    SGN_OK) {
		r = fail(c, "inclusion proof", r, "%s", tmp.msg);
		goto out;
	}
	r = SGN_OK;
out:
	sgn_checkpoint_free(&cp);
	return r;
}

static sgn_err
check_entry(struct vctx *c, const struct sgn_tlog_entry *e, size_t idx)
{
	const struct sgn_log *logs, *log = NULL;
	struct sgn_rekor_body *body = NULL;
	struct sgn_errbuf tmp;
	size_t n, i;
	int is_v2;
	sgn_err r;

	logs = sgn_trusted_root_tlogs(c->v->root, &n);
	for (i = 0; i < n && log == NULL; i++)
		if (memcmp(logs[i].log_id, e->log_id, 32) == 0)
			log = &logs[i];
	if (log == NULL)
		return SGN_OK;	/* not ours: skipped, counted below */
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_rekor_body_parse(e->body.ptr, e->body.len, &body,
	    &tmp)) != SGN_OK)
		return fail(c, "tlog body", r, "entry %zu: %s", idx, tmp.msg);
	if (strcmp(body->kind_name, e->kind) != 0 ||
	    strcmp(body->api_version, e->version) != 0) {
		r = fail(c, "tlog body", SGN_ERR_VERIFY, "kindVersion %s/%s "
		    "does not match the logged %s/%s", e->kind, e->version,
		    body->kind_name, body->api_version);
		goto out;
	}
	is_v2 = body->kind == SGN_REKOR_HASHEDREKORD_002;
	if ((r = check_body(c, body)) != SGN_OK)
		goto out;
	if (e->set.len > 0) {
		struct sgn_time it = sgn_time_from_sec(e->integrated_time);
		char ts[SGN_TIME_STRLEN];
		if (is_v2) {
			r = fail(c, "SET", SGN_ERR_VERIFY,
			    "a Rekor v2 entry cannot carry an inclusion "
			    "promise");
			goto out;
		}
		if ((r = sgn_tlog_verify_set(log->key, e->body.ptr, e->body.len,
		    e->integrated_time, e->log_id, e->log_index, e->set.ptr,
		    e->set.len, &tmp)) != SGN_OK) {
			r = fail(c, "SET", r, "%s", tmp.msg);
			goto out;
		}
		fmt_time(it, ts);
		if (!log_valid_at(c, log, it)) {
			r = fail(c, "tlog", SGN_ERR_VERIFY, "integrated time "
			    "%s is outside the validity of log %s", ts,
			    log->base_url);
			goto out;
		}
		if (e->integrated_time > c->now + FUTURE_SKEW_SECONDS) {
			r = fail(c, "tlog", SGN_ERR_VERIFY,
			    "integrated time %s is in the future", ts);
			goto out;
		}
		add_time(c, it);
		if (!c->res->has_integrated_time) {
			c->res->has_integrated_time = 1;
			c->res->integrated_time = e->integrated_time;
		}
	}
	if (e->has_proof) {
		if ((r = check_proof(c, e, log, is_v2)) != SGN_OK)
			goto out;
	} else if (is_v2) {
		r = fail(c, "inclusion proof", SGN_ERR_VERIFY,
		    "a Rekor v2 entry must carry an inclusion proof");
		goto out;
	}
	if (e->set.len == 0 && e->checkpoint == NULL) {
		r = fail(c, "tlog", SGN_ERR_VERIFY, "entry %zu has neither an "
		    "inclusion promise nor a signed checkpoint", idx);
		goto out;
	}
	if (is_v2 || e->set.len == 0)
		c->v2_logs[c->n_v2_logs++] = log;
	if (c->entries_ok++ == 0) {
		c->res->has_log = 1;
		c->res->log_index = e->log_index;
		memcpy(c->res->log_id, e->log_id, 32);
		free(c->res->log_url);
		c->res->log_url = strdup(log->base_url);
		snprintf(c->res->entry_kind, sizeof(c->res->entry_kind),
		    "%s %s", e->kind, e->version);
	}
	r = SGN_OK;
out:
	sgn_rekor_body_free(&body);
	return r;
}

static sgn_err
check_tlog(struct vctx *c)
{
	size_t i;
	sgn_err r;

	if (c->b->n_entries == 0 && c->pol->key != NULL &&
	    c->pol->unlogged_ok)
		return SGN_OK;
	if (c->b->n_entries == 0)
		return fail(c, "tlog", SGN_ERR_VERIFY,
		    "the bundle has no transparency log entry");
	for (i = 0; i < c->b->n_entries; i++)
		if ((r = check_entry(c, &c->b->entries[i], i)) != SGN_OK)
			return r;
	if (c->entries_ok == 0)
		return fail(c, "tlog", SGN_ERR_VERIFY,
		    "no entry comes from a transparency log of the trusted "
		    "root (a bundle from another Sigstore instance?)");
	return SGN_OK;
}

/* The most telling failure among several candidates (CAs, TSAs). */
struct failure {
	int		prio;
	sgn_err		code;
	char		check[32];
	char		reason[SGN_ERRBUF_SIZE];
};

static void
keep_failure(struct failure *f, int prio, sgn_err code, const char *check,
    const char *reason)
{
	if (prio <= f->prio)
		return;
	f->prio = prio;
	f->code = code;
	snprintf(f->check, sizeof(f->check), "%s", check);
	snprintf(f->reason, sizeof(f->reason), "%s", reason);
}

/* Step 3: RFC 3161 timestamps ------------------------------------------- */

/* The reason without the "timestamp: " the tsa messages start with. */
static const char *
ts_reason(const char *msg)
{
	return strncmp(msg, "timestamp: ", 11) == 0 ? msg + 11 : msg;
}

static void
ignore_timestamp(struct vctx *c, size_t i, const char *reason)
{
	struct sgn_verify_ignored *ig;

	if (c->res->n_ignored >= SGN_BUNDLE_MAX_TIMESTAMPS)
		return;
	ig = &c->res->ignored[c->res->n_ignored++];
	ig->index = i;
	snprintf(ig->reason, sizeof(ig->reason), "%s", reason);
}

/* "timestamp 0: why; timestamp 1: why" for a message, in len bytes. */
static void
join_ignored(const struct vctx *c, char *buf, size_t len)
{
	size_t i, used = 0;
	int k;

	buf[0] = '\0';
	for (i = 0; i < c->res->n_ignored && used < len; i++) {
		k = snprintf(buf + used, len - used, "%stimestamp %zu: %s",
		    i > 0 ? "; " : "", c->res->ignored[i].index,
		    c->res->ignored[i].reason);
		if (k < 0)
			return;
		used += (size_t)k;
	}
}

/* Codes that say the check itself could not be made: never ignored. */
static int
cannot_check(sgn_err r)
{
	return r == SGN_ERR_NOMEM || r == SGN_ERR_CRYPTO ||
	    r == SGN_ERR_INTERNAL || r == SGN_ERR_INVALID_ARGUMENT;
}

/*
 * Each timestamp is tried with every TSA of the trusted root.  One that
 * none verifies (over another message, from a TSA the root does not
 * list, outside the TSA's window, or with no TSA in the root at all) is
 * ignored, not fatal, as sigstore-go and sigstore-python count verified
 * timestamps against a threshold of 1; the reason kept is that of the
 * TSA the token names (its signer, or its ESS certificate ID), not of
 * the last one tried.  The bundle still needs a verified signing time
 * (see check_signing_time()).
 */
static sgn_err
check_timestamps(struct vctx *c)
{
	const struct sgn_authority *tsas;
	struct sgn_tsa_info info;
	struct sgn_errbuf tmp;
	struct failure f;
	size_t n, i, k;
	int used[SGN_TRUSTED_ROOT_MAX_ENTRIES];
	sgn_err r;

	tsas = sgn_trusted_root_tsas(c->v->root, &n);
	/* the parser caps the list; a bigger one is a bug, not a reason to
	 * count one TSA's timestamps twice */
	if (n > SGN_TRUSTED_ROOT_MAX_ENTRIES)
		return fail(c, "timestamp", SGN_ERR_INTERNAL, "the trusted "
		    "root lists more than %d timestamp authorities",
		    SGN_TRUSTED_ROOT_MAX_ENTRIES);
	memset(used, 0, sizeof(used));
	for (i = 0; i < c->b->n_timestamps; i++) {
		const struct sgn_blob *ts = &c->b->timestamps[i];
		int ok = 0, named;

		if (n == 0) {
			ignore_timestamp(c, i, "the trusted root lists no "
			    "timestamp authority");
			continue;
		}
		memset(&f, 0, sizeof(f));
		for (k = 0; k < n && !ok; k++) {
			char t[SGN_TIME_STRLEN], why[SGN_ERRBUF_SIZE];

			sgn_errbuf_clear(&tmp);
			r = sgn_tsa_verify_certs(ts->ptr, ts->len,
			    c->b->signature.ptr, c->b->signature.len,
			    tsas[k].chain, tsas[k].chain_len, &info, &tmp);
			if (cannot_check(r))
				return fail(c, "timestamp", r, "timestamp "
				    "%zu: %s", i, ts_reason(tmp.msg));
			if (r != SGN_OK) {
				/* The named TSA's reason says the most. */
				named = tsas[k].chain_len > 0 &&
				    sgn_tsa_names_signer(ts->ptr, ts->len,
				    tsas[k].chain[0]);
				keep_failure(&f, named ? 2 : 1, r, "timestamp",
				    ts_reason(tmp.msg));
				continue;
			}
			fmt_time(info.gen_time, t);
			if (!sgn_validity_contains(&tsas[k].valid,
			    info.gen_time)) {
				/* Another instance may cover it. */
				snprintf(why, sizeof(why), "time %s is outside "
				    "the validity of TSA %s", t,
				    tsas[k].uri != NULL ? tsas[k].uri :
				    "(unnamed)");
				keep_failure(&f, 3, SGN_ERR_VERIFY,
				    "timestamp", why);
				continue;
			}
			ok = 1;
			/* One timestamp per TSA counts. */
			if (used[k]++)
				continue;
			add_time(c, info.gen_time);
			if (c->res->n_timestamps < SGN_VERIFY_MAX_TIMES)
				c->res->timestamps[c->res->n_timestamps++] =
				    info.gen_time;
			c->n_tsa_times++;
		}
		if (ok)
			continue;
		/* A token none of them signed: say so, not TSA 1's words. */
		if (f.prio < 2 && f.code == SGN_ERR_VERIFY)
			snprintf(f.reason, sizeof(f.reason), "not signed by a "
			    "TSA of the trusted root");
		ignore_timestamp(c, i, f.reason);
	}
	return SGN_OK;
}

/*
 * The bundle carried timestamps and nothing gave a signing time: fail
 * naming every timestamp and why it did not count.
 */
static sgn_err
check_signing_time(struct vctx *c)
{
	char list[SGN_ERRBUF_SIZE];

	if (c->b->n_timestamps == 0 || c->n_times > 0)
		return SGN_OK;
	join_ignored(c, list, sizeof(list));
	return fail(c, "timestamp", SGN_ERR_VERIFY, "no verified signing "
	    "time: no timestamp verified (%s)%s", list, c->entries_ok > 0 ?
	    " and no log entry has a verified integrated time" : "");
}

/* Logs without an integrated time (Rekor v2, or v1 without a promise) are
 * checked against the verified timestamps. */
static sgn_err
check_log_windows(struct vctx *c)
{
	size_t i, k;

	for (i = 0; i < c->n_v2_logs; i++) {
		const struct sgn_log *log = c->v2_logs[i];
		char list[SGN_ERRBUF_SIZE];
		int ok = 0;

		if (c->n_tsa_times == 0) {
			join_ignored(c, list, sizeof(list));
			return fail(c, "timestamp", SGN_ERR_VERIFY,
			    "an entry without an inclusion promise (Rekor v2) "
			    "needs a verified RFC 3161 timestamp, and the "
			    "bundle has none%s%s%s", list[0] != '\0' ?
			    " (" : "", list, list[0] != '\0' ? ")" : "");
		}
		for (k = 0; k < c->n_times && !ok; k++)
			ok = log_valid_at(c, log, c->times[k]);
		if (!ok)
			return fail(c, "tlog", SGN_ERR_VERIFY,
			    "no verified time lies in the validity of log %s",
			    log->base_url);
	}
	return SGN_OK;
}

/* Step 4: certificate ---------------------------------------------------- */

static sgn_err
check_cert_times(struct vctx *c, const struct sgn_authority *ca)
{
	char t[SGN_TIME_STRLEN], a[SGN_TIME_STRLEN], z[SGN_TIME_STRLEN];
	size_t i, k;

	for (i = 0; i < c->n_times; i++) {
		fmt_time(c->times[i], t);
		if (!sgn_cert_valid_at(c->leaf, c->times[i])) {
			fmt_time(sgn_cert_not_before(c->leaf), a);
			fmt_time(sgn_cert_not_after(c->leaf), z);
			return fail(c, "certificate", SGN_ERR_VERIFY,
			    "not valid at signing time %s (valid %s to %s)",
			    t, a, z);
		}
		if (!sgn_validity_contains(&ca->valid, c->times[i]))
			return fail(c, "certificate", SGN_ERR_VERIFY,
			    "signing time %s is outside the validity of the "
			    "Fulcio CA \"%s\" in the trusted root", t,
			    sgn_cert_subject_cn(ca->chain[ca->chain_len - 1]));
		for (k = 0; k < ca->chain_len; k++)
			if (!sgn_cert_valid_at(ca->chain[k], c->times[i]))
				return fail(c, "certificate", SGN_ERR_VERIFY,
				    "CA certificate \"%s\" is not valid at "
				    "signing time %s",
				    sgn_cert_subject_cn(ca->chain[k]), t);
	}
	return SGN_OK;
}

/* As log_valid_at(), for CT logs. */
static int
ctlog_valid_at(const struct vctx *c, const struct sgn_log *log,
    struct sgn_time t)
{
	const struct sgn_log *logs;
	size_t n;

	logs = sgn_trusted_root_ctlogs(c->v->root, &n);
	return sgn_log_valid_at(logs, n, log->log_id, t);
}

static sgn_err
check_scts(struct vctx *c, const struct sgn_authority *ca)
{
	const struct sgn_cert *issuer = NULL;
	struct sgn_sct *scts = NULL;
	struct sgn_errbuf tmp;
	size_t n = 0, i, k, ok = 0;
	sgn_err r;

	for (k = 0; k < ca->chain_len && issuer == NULL; k++)
		if (sgn_cert_issued_by(c->leaf, ca->chain[k]))
			issuer = ca->chain[k];
	if (issuer == NULL)
		return fail(c, "SCT", SGN_ERR_VERIFY,
		    "the certificate's issuer is not in the CA chain");
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_cert_scts(c->leaf, issuer, &scts, &n, &tmp)) != SGN_OK)
		return fail(c, "SCT", r, "%s", tmp.msg);
	for (i = 0; i < n; i++) {
		const struct sgn_log *log;
		struct sgn_time t;

		log = sgn_trusted_root_find_ctlog(c->v->root, scts[i].log_id,
		    32);
		if (log == NULL)
			continue;	/* an unknown CT log proves nothing */
		t.sec = (int64_t)(scts[i].timestamp_ms / 1000);
		t.nsec = (int32_t)(scts[i].timestamp_ms % 1000) * 1000000;
		if (!ctlog_valid_at(c, log, t)) {
			char ts[SGN_TIME_STRLEN];
			fmt_time(t, ts);
			r = fail(c, "SCT", SGN_ERR_VERIFY, "SCT time %s is "
			    "outside the validity of CT log %s", ts,
			    log->base_url);
			goto out;
		}
		if (scts[i].is_rsa != (sgn_pubkey_type(log->key) ==
		    SGN_KEY_RSA)) {
			r = fail(c, "SCT", SGN_ERR_VERIFY, "SCT signature "
			    "algorithm does not match the key of CT log %s",
			    log->base_url);
			goto out;
		}
		sgn_errbuf_clear(&tmp);
		if ((r = sgn_pubkey_verify(log->key, scts[i].hash,
		    scts[i].signed_data, scts[i].signed_len, scts[i].sig,
		    scts[i].sig_len, &tmp)) != SGN_OK) {
			r = fail(c, "SCT", r, "signature by CT log %s does not "
			    "verify", log->base_url);
			goto out;
		}
		ok++;
	}
	if (ok == 0) {
		r = fail(c, "SCT", SGN_ERR_VERIFY,
		    "no embedded SCT comes from a CT log of the trusted root");
		goto out;
	}
	r = SGN_OK;
out:
	sgn_scts_free(&scts, &n);
	return r;
}

/* 1 when the CA's chain holds the certificate that issued the leaf. */
static int
ca_issued(const struct vctx *c, const struct sgn_authority *ca)
{
	size_t k;

	for (k = 0; k < ca->chain_len; k++)
		if (sgn_cert_issued_by(c->leaf, ca->chain[k]))
			return 1;
	return 0;
}

/*
 * The time, SCT and usage checks for one CA, on a scratch context so
 * that a CA listed twice (rotations overlap) can still pass on its other
 * instance.
 */
static sgn_err
check_with_ca(struct vctx *c, const struct sgn_authority *ca,
    struct failure *f)
{
	struct sgn_verify_result res = SGN_VERIFY_RESULT_INIT;
	struct sgn_errbuf eb, tmp;
	struct vctx scratch = *c;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	sgn_errbuf_clear(&tmp);
	scratch.res = &res;
	scratch.eb = &eb;
	if ((r = check_cert_times(&scratch, ca)) == SGN_OK &&
	    (r = check_scts(&scratch, ca)) == SGN_OK &&
	    (r = sgn_cert_check_code_signing(c->leaf, &tmp)) != SGN_OK)
		r = fail(&scratch, "certificate", r, "%s", tmp.msg);
	if (r != SGN_OK)
		keep_failure(f, 3, r, res.check, res.reason);
	sgn_verify_result_reset(&res);
	return r;
}

static sgn_err
check_certificate(struct vctx *c)
{
	const struct sgn_authority *cas;
	struct sgn_errbuf tmp;
	struct failure f;
	const uint8_t *fp = sgn_cert_fingerprint(c->leaf);
	size_t n, i;
	sgn_err r;

	if (c->n_times == 0)
		return fail(c, "certificate", SGN_ERR_VERIFY, "no verified "
		    "signing time: the bundle has neither a verified "
		    "inclusion promise nor a verified RFC 3161 timestamp");
	cas = sgn_trusted_root_cas(c->v->root, &n);
	if (n == 0)
		return fail(c, "certificate", SGN_ERR_VERIFY,
		    "the trusted root lists no certificate authority");
	memset(&f, 0, sizeof(f));
	for (i = 0; i < n; i++) {
		if (!memo_lookup(c->v, fp, i)) {
			sgn_errbuf_clear(&tmp);
			if ((r = sgn_cert_verify_chain(c->leaf, cas[i].chain,
			    cas[i].chain_len, &tmp)) != SGN_OK) {
				/* The issuing CA's reason says the most. */
				keep_failure(&f, ca_issued(c, &cas[i]) ? 2 : 1,
				    r, "certificate", tmp.msg);
				continue;
			}
			memo_store(c->v, fp, i);
		}
		if (check_with_ca(c, &cas[i], &f) == SGN_OK)
			return SGN_OK;
	}
	return fail(c, f.prio > 0 ? f.check : "certificate", f.prio > 0 ?
	    f.code : SGN_ERR_VERIFY, "%s", f.prio > 0 ? f.reason :
	    "no Fulcio CA of the trusted root issued it");
}

/* Step 5: signature ------------------------------------------------------ */

static sgn_err
verify_with_key(struct vctx *c, sgn_hash_alg alg, const uint8_t *msg,
    size_t len, const char *what)
{
	struct sgn_errbuf tmp;
	sgn_err r;

	sgn_errbuf_clear(&tmp);
	if (sgn_pubkey_type(c->key) == SGN_KEY_ED25519)
		alg = SGN_HASH_NONE;
	r = sgn_pubkey_verify(c->key, alg, msg, len, c->b->signature.ptr,
	    c->b->signature.len, &tmp);
	if (r != SGN_OK)
		return fail(c, "signature", r, "%s does not verify with the %s "
		    "key: %s", what, c->leaf != NULL ? "certificate's" :
		    "given", tmp.msg);
	return SGN_OK;
}

static sgn_err
check_message_signature(struct vctx *c)
{
	const struct sgn_bundle *b = c->b;
	struct sgn_errbuf tmp;
	const uint8_t *d, *msg = NULL;
	uint8_t *owned = NULL;
	size_t len = 0;
	sgn_hash_alg alg;
	sgn_err r;

	if (sgn_pubkey_type(c->key) == SGN_KEY_ED25519) {
		if ((r = art_bytes(c, &msg, &len, &owned)) != SGN_OK)
			return r;
		r = verify_with_key(c, SGN_HASH_NONE, msg, len,
		    "the signature over the artifact");
		free(owned);
		if (r != SGN_OK)
			return r;
	} else {
		/* The signer's hash: the bundle's hint, else the key's. */
		alg = b->has_digest ? b->digest_alg :
		    sgn_pubkey_default_hash(c->key);
		if ((r = art_digest(c, alg, &d)) != SGN_OK)
			return r;
		sgn_errbuf_clear(&tmp);
		r = sgn_pubkey_verify_digest(c->key, alg, d, sgn_hash_len(alg),
		    b->signature.ptr, b->signature.len, &tmp);
		if (r != SGN_OK)
			return fail(c, "signature", r, "the signature over the "
			    "artifact's %s digest does not verify with the %s "
			    "key", sgn_hash_name(alg), c->leaf != NULL ?
			    "certificate's" : "given");
	}
	if (b->has_digest) {
		if ((r = art_digest(c, b->digest_alg, &d)) != SGN_OK)
			return r;
		if (!blob_eq(d, sgn_hash_len(b->digest_alg), b->digest,
		    b->digest_len))
			return fail(c, "digest", SGN_ERR_VERIFY, "the bundle's "
			    "message digest is not the artifact's %s digest",
			    sgn_hash_name(b->digest_alg));
	}
	return SGN_OK;
}

static sgn_err
check_dsse(struct vctx *c)
{
	const struct sgn_bundle *b = c->b;
	struct sgn_intoto_statement *st = NULL;
	struct sgn_buf pae;
	struct sgn_errbuf tmp;
	const uint8_t *d;
	size_t i, k;
	sgn_err r;

	sgn_buf_init(&pae, 0);
	if ((r = sgn_dsse_pae(b->payload_type, b->payload.ptr, b->payload.len,
	    &pae, c->eb)) != SGN_OK)
		goto out;
	if ((r = verify_with_key(c, sgn_pubkey_default_hash(c->key), pae.ptr,
	    pae.len, "the DSSE signature")) != SGN_OK)
		goto out;
	if (strcmp(b->payload_type, SGN_INTOTO_PAYLOAD_TYPE) != 0) {
		r = fail(c, "subject", SGN_ERR_UNSUPPORTED, "DSSE payload type "
		    "\"%.64s\" is not an in-toto statement, so it names no "
		    "artifact", b->payload_type);
		goto out;
	}
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_intoto_parse(b->payload.ptr, b->payload.len, &st,
	    &tmp)) != SGN_OK) {
		r = fail(c, "subject", r, "%s", tmp.msg);
		goto out;
	}
	/* Try each SHA-2 algorithm the statement uses for its subjects. */
	for (i = 0; i < st->n_subjects; i++) {
		for (k = 0; k < st->subjects[i].n_digests; k++) {
			const struct sgn_intoto_digest *dg =
			    &st->subjects[i].digests[k];
			if (dg->hash == SGN_HASH_NONE)
				continue;
			if (c->art->path == NULL && c->art->data == NULL &&
			    dg->hash != c->art->digest_alg)
				continue;
			if ((r = art_digest(c, dg->hash, &d)) != SGN_OK)
				goto out;
			if (sgn_intoto_find(st, dg->hash, d,
			    sgn_hash_len(dg->hash)) != NULL) {
				r = SGN_OK;
				goto out;
			}
		}
	}
	r = fail(c, "subject", SGN_ERR_VERIFY, "the artifact's digest is not "
	    "among the in-toto statement's %zu subject(s)", st->n_subjects);
out:
	sgn_intoto_free(&st);
	sgn_buf_reset(&pae);
	return r;
}

/* Step 6: identity ------------------------------------------------------- */

/*
 * An identity or issuer regexp against one value.  An error (a limit
 * hit, a value that is not UTF-8) gives no verdict and stops the check.
 */
static sgn_err
regex_match(struct vctx *c, const char *check, const char *pattern,
    const char *value, int *m)
{
	struct sgn_errbuf tmp;
	sgn_err r;

	sgn_errbuf_clear(&tmp);
	if ((r = sgn_regex_match(pattern, value, m, &tmp)) == SGN_OK)
		return SGN_OK;
	if (c->res->check[0] == '\0') {
		snprintf(c->res->check, sizeof(c->res->check), "%s", check);
		snprintf(c->res->reason, sizeof(c->res->reason),
		    "%s regexp: %s", check, tmp.msg);
	}
	return sgn_errf(c->eb, r, "%s regexp: %s", check, tmp.msg);
}

/* "a, b (and 3 more)": the SANs for a message, in len bytes. */
static void
join_sans(const struct sgn_san *sans, size_t n, char *buf, size_t len)
{
	size_t i, used = 0, need;
	int k;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		need = strlen(sans[i].value) + (i > 0 ? 2 : 0);
		/* room for this one and a closing " (and N more)" */
		if (i > 0 && used + need + 24 > len) {
			snprintf(buf + used, len - used, " (and %zu more)",
			    n - i);
			return;
		}
		k = snprintf(buf + used, len - used, "%s%s", i > 0 ? ", " :
		    "", sans[i].value);
		if (k < 0 || (size_t)k >= len - used)
			return;	/* the first one alone fills it */
		used += (size_t)k;
	}
}

static sgn_err
check_identity(struct vctx *c)
{
	const struct sgn_policy *p = c->pol;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf tmp;
	char *issuer = NULL, got[200];
	size_t n = 0, i;
	int m = 0;
	sgn_err r;

	sgn_errbuf_clear(&tmp);
	if ((r = sgn_cert_sans(c->leaf, &sans, &n, &tmp)) != SGN_OK)
		return fail(c, "identity", r, "%s", tmp.msg);
	c->res->identity = strdup(sans[0].value);
	c->res->identity_type = sans[0].type;
	/* Every SAN goes out with the result; the policy may match any. */
	sgn_sans_free(&c->res->sans, &c->res->n_sans);
	c->res->sans = sans;
	c->res->n_sans = n;
	join_sans(sans, n, got, sizeof(got));
	if ((r = sgn_cert_oidc_issuer(c->leaf, &issuer, &tmp)) != SGN_OK) {
		r = fail(c, "issuer", r, "%s", tmp.msg);
		goto out;
	}
	if (issuer != NULL)
		c->res->issuer = strdup(issuer);
	for (i = 0; i < n && !m; i++) {
		if (p->identity != NULL) {
			m = strcmp(sans[i].value, p->identity) == 0;
		} else if ((r = regex_match(c, "identity", p->identity_regexp,
		    sans[i].value, &m)) != SGN_OK) {
			goto out;
		}
	}
	if (!m && p->identity != NULL) {
		r = fail(c, "identity", SGN_ERR_POLICY,
		    "certificate identity mismatch: expected %.200s, got %s",
		    p->identity, got);
		goto out;
	}
	if (!m) {
		r = fail(c, "identity", SGN_ERR_POLICY,
		    "certificate identity mismatch: got %s, expected a match "
		    "for the whole identity (anchored) of %.160s; add .* to "
		    "match a prefix", got, p->identity_regexp);
		goto out;
	}
	if (issuer == NULL) {
		r = fail(c, "issuer", SGN_ERR_POLICY,
		    "certificate names no OIDC issuer");
		goto out;
	}
	if (p->issuer != NULL) {
		m = strcmp(issuer, p->issuer) == 0;
	} else if ((r = regex_match(c, "issuer", p->issuer_regexp, issuer,
	    &m)) != SGN_OK) {
		goto out;
	}
	if (!m && p->issuer != NULL) {
		r = fail(c, "issuer", SGN_ERR_POLICY,
		    "certificate issuer mismatch: expected %.200s, got %.200s",
		    p->issuer, issuer);
		goto out;
	}
	if (!m) {
		r = fail(c, "issuer", SGN_ERR_POLICY,
		    "certificate issuer mismatch: got %.160s, expected a "
		    "match for the whole issuer (anchored) of %.160s; add .* "
		    "to match a prefix", issuer, p->issuer_regexp);
		goto out;
	}
	for (i = 0; i < p->n_ext; i++) {
		char *val = NULL;
		sgn_errbuf_clear(&tmp);
		if ((r = sgn_cert_fulcio_ext(c->leaf, p->ext[i].oid, &val,
		    &tmp)) != SGN_OK) {
			r = fail(c, "identity", r, "%s", tmp.msg);
			goto out;
		}
		m = val != NULL && strcmp(val, p->ext[i].value) == 0;
		if (!m) {
			r = fail(c, "identity", SGN_ERR_POLICY,
			    "certificate %s mismatch: expected %.80s, got "
			    "%.80s", p->ext[i].name != NULL ? p->ext[i].name :
			    "extension", p->ext[i].value,
			    val != NULL ? val : "(absent)");
			free(val);
			goto out;
		}
		free(val);
	}
	r = SGN_OK;
out:
	free(issuer);
	return r;
}

/* The pipeline ---------------------------------------------------------- */

static sgn_err
policy_regex(const char *pattern, const char *what, struct sgn_errbuf *eb)
{
	struct sgn_errbuf tmp;
	sgn_err r;

	if (pattern == NULL)
		return SGN_OK;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_regex_check(pattern, &tmp)) != SGN_OK)
		return sgn_errf(eb, r, "policy: %s regexp: %s", what, tmp.msg);
	return SGN_OK;
}

/* sgn_verify() on whole structs of this version. */
static sgn_err
verify_whole(struct sgn_verifier *v, const struct sgn_bundle *b,
    const struct sgn_artifact *art, const struct sgn_policy *pol,
    struct sgn_verify_result *res, struct sgn_errbuf *eb)
{
	struct vctx c;
	sgn_err r;

	if (pol->key == NULL &&
	    ((pol->identity == NULL) == (pol->identity_regexp == NULL) ||
	    (pol->issuer == NULL) == (pol->issuer_regexp == NULL)))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "policy: keyless "
		    "verification needs one identity (exact or regexp) and one "
		    "issuer (exact or regexp)");
	/* A pattern that cannot be used is the caller's error, whatever
	 * the bundle holds: say so before checking anything. */
	if (pol->key == NULL && ((r = policy_regex(pol->identity_regexp,
	    "identity", eb)) != SGN_OK ||
	    (r = policy_regex(pol->issuer_regexp, "issuer", eb)) != SGN_OK))
		return r;
	memset(&c, 0, sizeof(c));
	c.v = v;
	c.b = b;
	c.art = art;
	c.pol = pol;
	c.res = res;
	c.eb = eb;
	c.now = v->now != 0 ? v->now : (int64_t)time(NULL);
	res->bundle_version = b->version_minor;
	res->content = b->content;

	if ((r = check_material(&c)) != SGN_OK ||
	    (r = check_tlog(&c)) != SGN_OK ||
	    (r = check_timestamps(&c)) != SGN_OK ||
	    (r = check_signing_time(&c)) != SGN_OK ||
	    (r = check_log_windows(&c)) != SGN_OK)
		goto out;
	if (c.leaf != NULL && (r = check_certificate(&c)) != SGN_OK)
		goto out;
	if ((r = b->content == SGN_CONTENT_DSSE ? check_dsse(&c) :
	    check_message_signature(&c)) != SGN_OK)
		goto out;
	if (c.leaf != NULL && (r = check_identity(&c)) != SGN_OK)
		goto out;
	res->key_desc = strdup(sgn_pubkey_describe(c.key));
	res->verified = 1;
	r = SGN_OK;
out:
	if (r != SGN_OK && res->check[0] == '\0') {
		/* Failures reported before a check was named (the artifact,
		 * memory): keep the detail for the result too. */
		snprintf(res->check, sizeof(res->check), "input");
		snprintf(res->reason, sizeof(res->reason), "%s",
		    eb != NULL ? eb->msg : sgn_strerror(r));
	}
	sgn_cert_free(&c.leaf_owned);
	sgn_pubkey_free(&c.key_owned);
	return r;
}

sgn_err
sgn_verify(struct sgn_verifier *v, const struct sgn_bundle *b,
    const struct sgn_artifact *art, const struct sgn_policy *pol,
    struct sgn_verify_result *res, struct sgn_errbuf *eb)
{
	struct sgn_verify_result full, *work;
	struct sgn_artifact a;
	struct sgn_policy p;
	sgn_err r;

	if ((r = sgn_vres_open(res, &full, &work, eb)) != SGN_OK)
		return r;
	if (v == NULL || b == NULL || art == NULL || pol == NULL)
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "sgn_verify: missing argument");
	else if ((r = sgn_sized_in(&a, sizeof(a), art, "sgn_artifact",
	    eb)) == SGN_OK && (r = sgn_sized_in(&p, sizeof(p), pol,
	    "sgn_policy", eb)) == SGN_OK)
		r = verify_whole(v, b, &a, &p, work, eb);
	sgn_vres_close(res, work);
	return r;
}

sgn_err
sgn_verify_certificate(struct sgn_verifier *v, const struct sgn_cert *leaf,
    struct sgn_time at, struct sgn_errbuf *eb)
{
	struct sgn_verify_result res = SGN_VERIFY_RESULT_INIT;
	struct vctx c;
	sgn_err r;

	memset(&c, 0, sizeof(c));
	c.v = v;
	c.res = &res;
	c.eb = eb;
	/* check_certificate() reads the leaf only: the caller's, lent for
	 * the call. */
	c.leaf = leaf;
	c.times[c.n_times++] = at;
	r = check_certificate(&c);
	sgn_verify_result_reset(&res);
	return r;
}
