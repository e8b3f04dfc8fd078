/*
 * Verifying a model (OpenSSF model signing): the signature over the OMS
 * statement first (keyless, a key, or a certificate chain), then the files
 * on disk against the signed manifest, hashed as the signature says they
 * were.  See model_signing's verify (sigstore/model-transparency).
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsse.h"
#include "manifest.h"
#include "core_int.h"
#include "verify.h"
#include "verify_int.h"

#define PREDICATE_PREFIX	"https://model_signing/"

/* A failed check of the model: res says which and why, eb "model: why". */
static sgn_err
fail(struct sgn_verify_result *res, struct sgn_errbuf *eb, sgn_err code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static sgn_err
fail(struct sgn_verify_result *res, struct sgn_errbuf *eb, sgn_err code,
    const char *fmt, ...)
{
	va_list	ap;

	res->verified = 0;
	snprintf(res->check, sizeof(res->check), "model");
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
	return sgn_errf(eb, code, "model: %s", res->reason);
}

int
sgn_verify_model_is_signature(const struct sgn_bundle *b)
{
	struct sgn_intoto_statement	*s = NULL;
	int				 yes;

	if (b == NULL || b->content != SGN_CONTENT_DSSE ||
	    sgn_intoto_parse(b->payload.ptr, b->payload.len, &s, NULL) !=
	    SGN_OK)
		return 0;
	yes = s->predicate_type != NULL && strncmp(s->predicate_type,
	    PREDICATE_PREFIX, sizeof(PREDICATE_PREFIX) - 1) == 0;
	sgn_intoto_free(&s);
	return yes;
}

#define MR_HAS(mr, m)	SGN_SIZED_HAS(mr, struct sgn_verify_model_result, m)

void
sgn_verify_model_result_reset(struct sgn_verify_model_result *mr)
{
	if (mr == NULL || mr->size < sizeof(mr->size))
		return;
	/* Only what lies within the caller's size is the caller's. */
	if (MR_HAS(mr, signed_manifest))
		sgn_manifest_free(&mr->signed_manifest);
	if (MR_HAS(mr, actual))
		sgn_manifest_free(&mr->actual);
	if (MR_HAS(mr, diffs)) {
		free(mr->diffs);
		mr->diffs = NULL;
	}
	if (MR_HAS(mr, n_diffs))
		mr->n_diffs = 0;
}

struct diff_ctx {
	struct sgn_verify_model_diff	*list;
	size_t				 n, cap;
	int				 nomem;
	char				 summary[256];
};

static const char *
kind_name(sgn_manifest_diff_kind k)
{
	return k == SGN_MANIFEST_MISSING ? "missing" :
	    k == SGN_MANIFEST_EXTRA ? "extra" : "changed";
}

static void
on_diff(void *ctx, sgn_manifest_diff_kind kind,
    const struct sgn_manifest_entry *e)
{
	struct diff_ctx			*d = ctx;
	struct sgn_verify_model_diff	*nl;
	size_t				 n = strlen(d->summary), cap;
	char				 shard[64] = "";

	if (e->shard)
		(void)snprintf(shard, sizeof(shard), " (shard %llu-%llu)",
		    (unsigned long long)e->start, (unsigned long long)e->end);
	if (d->n < 3)
		(void)snprintf(d->summary + n, sizeof(d->summary) - n,
		    "%s%s %s%s", d->n > 0 ? ", " : "", kind_name(kind),
		    e->path, shard);
	else if (d->n == 3)
		(void)snprintf(d->summary + n, sizeof(d->summary) - n,
		    ", ...");
	if (d->n == d->cap) {
		cap = d->cap == 0 ? 16 : 2 * d->cap;
		if (d->nomem || (nl = reallocarray(d->list, cap,
		    sizeof(*nl))) == NULL) {
			d->nomem = 1;
			return;
		}
		d->list = nl;
		d->cap = cap;
	}
	d->list[d->n].kind = kind;
	d->list[d->n].entry = e;
	d->n++;
}

/* The signature: which method verifies it depends on what was given. */
static sgn_err
check_signature(const struct sgn_bundle *b,
    const struct sgn_verify_model_opts *o, const struct sgn_manifest *sm,
    struct sgn_verify_result *res, struct sgn_errbuf *eb)
{
	struct sgn_plain_trust	 t;
	struct sgn_artifact	 art;
	const uint8_t		*pl;
	size_t			 pl_len;

	if (o->ca_pem != NULL || (o->policy != NULL &&
	    o->policy->key != NULL && o->policy->unlogged_ok &&
	    b->n_entries == 0 && b->n_timestamps == 0)) {
		t = (struct sgn_plain_trust)SGN_PLAIN_TRUST_INIT;
		t.key = o->ca_pem != NULL ? NULL : o->policy->key;
		t.ca_pem = o->ca_pem;
		t.ca_len = o->ca_len;
		return sgn_verify_plain(b, &t, &pl, &pl_len, res, eb);
	}
	if (o->verifier == NULL || o->policy == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "model: a "
		    "Sigstore signature needs a verifier and a policy");
	/* Sigstore: the statement's subject digest is the artifact */
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	art.digest_alg = SGN_HASH_SHA256;
	if (sm->legacy && sm->n_entries > 0)
		memcpy(art.digest, sm->entries[0].digest, 32);
	else
		memcpy(art.digest, sm->root, 32);
	return sgn_verify(o->verifier, b, &art, o->policy, res, eb);
}

static int
is_dir(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * sgn_verify_model() on whole structs of this version (o's policy and
 * hashing options too, hashing never NULL).
 */
static sgn_err
model_whole(const struct sgn_bundle *b,
    const struct sgn_verify_model_opts *o, struct sgn_verify_result *res,
    struct sgn_verify_model_result *mres, struct sgn_errbuf *eb)
{
	struct sgn_manifest	*sm = NULL, *am = NULL;
	struct sgn_manifest_opts mo;
	struct diff_ctx		 d;
	const char		**ign = NULL;
	struct sgn_errbuf	 beb;
	struct stat		 st;
	size_t			 i, n_ign, n_diff;
	int			 dir;
	sgn_err			 r;

	if (b == NULL || o->model == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "model: no bundle, options or model");
	sgn_errbuf_clear(&beb);
	memset(&d, 0, sizeof(d));
	/* a FIFO or a device where the model is meant: nothing to check
	 * (exit 2), not a model that differs from its signature */
	if (stat(o->model, &st) == 0 && !S_ISDIR(st.st_mode) &&
	    !S_ISREG(st.st_mode))
		return fail(res, eb, SGN_ERR_IO, "%s: not a regular file or a "
		    "directory", o->model);
	if (b->content != SGN_CONTENT_DSSE)
		return fail(res, eb, SGN_ERR_VERIFY, "a model signature is a "
		    "DSSE envelope; this bundle holds a message signature");
	r = sgn_manifest_parse_statement(b->payload.ptr, b->payload.len, &sm,
	    eb);
	if (r != SGN_OK) {
		res->verified = 0;
		snprintf(res->check, sizeof(res->check), "statement");
		snprintf(res->reason, sizeof(res->reason), "%s", eb->msg);
		if (r != SGN_ERR_NOMEM && r != SGN_ERR_UNSUPPORTED)
			r = SGN_ERR_VERIFY;
		goto out;
	}
	/* 1. who signed the statement */
	if ((r = check_signature(b, o, sm, res, eb)) != SGN_OK)
		goto out;
	/* 2. the files, hashed as the signature says */
	if (sm->hash == SGN_MANIFEST_BLAKE3) {
		r = fail(res, eb, SGN_ERR_UNSUPPORTED, "the signature's files "
		    "are hashed with blake3, which signet does not compute "
		    "yet");
		goto out;
	}
	mo = *o->hashing;
	mo.method = sm->method;
	mo.hash = sm->hash;
	mo.shard_size = sm->shard_size;
	mo.reuse = NULL;
	mo.only = o->ignore_unsigned ? sm : NULL;
	mo.signature_path = o->signature_path;
	if (sm->allow_symlinks)
		mo.flags |= SGN_MANIFEST_ALLOW_SYMLINKS;
	/* the ignore list: the recorded one, then the verifier's own */
	n_ign = sm->n_ignore + o->hashing->n_ignore;
	if (n_ign > 0 && (ign = calloc(n_ign, sizeof(*ign))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < sm->n_ignore; i++)
		ign[i] = sm->ignore_paths[i];
	for (i = 0; i < o->hashing->n_ignore; i++)
		ign[sm->n_ignore + i] = o->hashing->ignore[i];
	mo.ignore = ign;
	mo.n_ignore = n_ign;
	dir = is_dir(o->model);
	if (!dir && sm->n_entries > 0 &&
	    strcmp(sm->entries[0].path, ".") != 0 && !sm->legacy) {
		r = fail(res, eb, SGN_ERR_VERIFY, "the signature covers a "
		    "directory, and %s is a file", o->model);
		goto out;
	}
	if (dir && sm->n_entries > 0 && strcmp(sm->entries[0].path, ".") == 0) {
		r = fail(res, eb, SGN_ERR_VERIFY, "the signature covers a "
		    "single file, and %s is a directory: give the file",
		    o->model);
		goto out;
	}
	if (o->merged != NULL && (o->ignore_unsigned ||
	    o->hashing->n_ignore > 0)) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "a merged manifest "
		    "says which files count: not with ignored or unsigned "
		    "files");
		res->verified = 0;
		goto out;
	}
	if (o->merged != NULL)
		r = sgn_manifest_merged_load(o->merged, o->merged_len, o->model,
		    o->signature_path, &am, &beb);
	else
		r = sgn_manifest_build(o->model, &mo, &am, &beb);
	if (r == SGN_OK && (am->method != sm->method ||
	    am->hash != sm->hash || am->shard_size != sm->shard_size)) {
		r = fail(res, eb, SGN_ERR_VERIFY, "the merged manifest was "
		    "hashed with other parameters than the signature's");
		goto out;
	}
	if (r != SGN_OK) {
		/* a file type or link the signature's policy refuses is a
		 * model that does not match its signature; I/O errors mean
		 * the check could not be done */
		if (r == SGN_ERR_UNSUPPORTED || r == SGN_ERR_LIMIT ||
		    r == SGN_ERR_INVALID_ARGUMENT)
			r = SGN_ERR_VERIFY;
		r = fail(res, eb, r, "%s", beb.msg);
		goto out;
	}
	if (sm->legacy && am->n_entries == 1 &&
	    strcmp(am->entries[0].path, ".") == 0 && sm->n_entries == 1) {
		/* v0.2 named a single file by its name */
		free(am->entries[0].path);
		am->entries[0].path = strdup(sm->entries[0].path);
		if (am->entries[0].path == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	/* the count is the comparison's own: a comparison that could not
	 * list the differences (out of memory) still never passes */
	n_diff = sgn_manifest_compare(sm, am, on_diff, &d);
	if (d.nomem || n_diff != d.n) {
		res->verified = 0;
		r = sgn_errf(eb, SGN_ERR_NOMEM, "model: out of memory "
		    "comparing the files with the signature");
		goto out;
	}
	if (n_diff > 0) {
		r = fail(res, eb, SGN_ERR_VERIFY, "%zu file%s differ%s from "
		    "the signature: %s", n_diff, n_diff == 1 ? "" : "s",
		    n_diff == 1 ? "s" : "", d.summary);
		goto out;
	}
	r = SGN_OK;
out:
	if (mres != NULL) {
		mres->signed_manifest = sm;
		mres->actual = am;
		mres->diffs = d.list;
		mres->n_diffs = d.n;
		sm = am = NULL;
		d.list = NULL;
	}
	free(d.list);
	free(ign);
	sgn_manifest_free(&sm);
	sgn_manifest_free(&am);
	return r;
}

sgn_err
sgn_verify_model(const struct sgn_bundle *b,
    const struct sgn_verify_model_opts *o, struct sgn_verify_result *res,
    struct sgn_verify_model_result *mres, struct sgn_errbuf *eb)
{
	struct sgn_verify_model_result	 mfull = SGN_VERIFY_MODEL_RESULT_INIT;
	struct sgn_verify_model_result	*mwork = NULL;
	struct sgn_verify_result	 full, *work;
	struct sgn_verify_model_opts	 oo;
	struct sgn_manifest_opts	 mo = SGN_MANIFEST_OPTS_INIT;
	struct sgn_policy		 pol;
	sgn_err				 r;

	if ((r = sgn_vres_open(res, &full, &work, eb)) != SGN_OK)
		return r;
	if ((r = sgn_sized_check(mres, sizeof(*mres),
	    "sgn_verify_model_result", eb)) != SGN_OK)
		goto out;
	memset((char *)mres + sizeof(mres->size), 0,
	    mres->size - sizeof(mres->size));
	mwork = mres->size == sizeof(*mres) ? mres : &mfull;
	if (o == NULL) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "model: no bundle, options or model");
		goto out;
	}
	if ((r = sgn_sized_in(&oo, sizeof(oo), o, "sgn_verify_model_opts",
	    eb)) != SGN_OK ||
	    (oo.hashing != NULL && (r = sgn_sized_in(&mo, sizeof(mo),
	    oo.hashing, "sgn_manifest_opts", eb)) != SGN_OK) ||
	    (oo.policy != NULL && (r = sgn_sized_in(&pol, sizeof(pol),
	    oo.policy, "sgn_policy", eb)) != SGN_OK))
		goto out;
	oo.hashing = &mo;
	if (oo.policy != NULL)
		oo.policy = &pol;
	r = model_whole(b, &oo, work, mwork, eb);
out:
	if (mwork != NULL && mwork != mres) {
		/* an older caller's smaller result: what fits, the rest
		 * freed */
		sgn_sized_out(mres, mwork, sizeof(*mwork));
		if (MR_HAS(mres, signed_manifest))
			mfull.signed_manifest = NULL;
		if (MR_HAS(mres, actual))
			mfull.actual = NULL;
		if (MR_HAS(mres, diffs))
			mfull.diffs = NULL;
		sgn_verify_model_result_reset(&mfull);
	}
	sgn_vres_close(res, work);
	return r;
}
