/*
 * Verifying a model: the signature over the OMS statement first (keyless,
 * a key, or a certificate chain), then the files on disk against the
 * signed manifest, hashed as the signature says they were.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bundle.h"
#include "cli.h"
#include "dsse.h"
#include "manifest.h"
#include "model.h"
#include "verify.h"

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
model_is_signature(const struct sgn_bundle *b)
{
	struct sgn_intoto_statement	*s = NULL;
	int				 yes;

	if (b->content != SGN_CONTENT_DSSE ||
	    sgn_intoto_parse(b->payload.ptr, b->payload.len, &s, NULL) !=
	    SGN_OK)
		return 0;
	yes = s->predicate_type != NULL &&
	    strncmp(s->predicate_type, "https://model_signing/", 22) == 0;
	sgn_intoto_free(&s);
	return yes;
}

struct diff_ctx {
	cJSON		*list;
	char		 summary[256];
	size_t		 n;
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
	struct diff_ctx	*d = ctx;
	cJSON		*o;
	size_t		 n = strlen(d->summary);
	char		 shard[64] = "";

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
	d->n++;
	if (d->list == NULL || (o = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddStringToObject(o, "kind", kind_name(kind));
	cli_json_add_path(o, "path", e->path);
	if (e->shard) {
		cJSON_AddNumberToObject(o, "start", (double)e->start);
		cJSON_AddNumberToObject(o, "end", (double)e->end);
	}
	cJSON_AddItemToArray(d->list, o);
}

/* The signature: which method verifies it depends on what was given. */
static sgn_err
check_signature(const struct model_verify *mv,
    const struct sgn_manifest *sm, struct sgn_verify_result *res,
    struct sgn_errbuf *eb)
{
	const struct sgn_bundle	*b = mv->bundle;
	struct sgn_plain_trust	 t;
	struct sgn_artifact	 art;
	const uint8_t		*pl;
	size_t			 pl_len;

	if (mv->ca_pem != NULL || (mv->policy->key != NULL &&
	    mv->policy->unlogged_ok && b->n_entries == 0 &&
	    b->n_timestamps == 0)) {
		memset(&t, 0, sizeof(t));
		t.key = mv->ca_pem != NULL ? NULL : mv->policy->key;
		t.ca_pem = mv->ca_pem;
		t.ca_len = mv->ca_len;
		return sgn_verify_plain(b, &t, &pl, &pl_len, res, eb);
	}
	/* Sigstore: the statement's subject digest is the artifact */
	memset(&art, 0, sizeof(art));
	art.digest_alg = SGN_HASH_SHA256;
	if (sm->legacy && sm->n_entries > 0)
		memcpy(art.digest, sm->entries[0].digest, 32);
	else
		memcpy(art.digest, sm->root, 32);
	return sgn_verify(mv->verifier, b, &art, mv->policy, res, eb);
}

sgn_err
model_verify(struct model_verify *mv, struct sgn_verify_result *res,
    struct sgn_errbuf *eb)
{
	struct sgn_manifest	*sm = NULL, *am = NULL;
	struct model_run	 mr;
	struct diff_ctx		 d;
	char			 hex[65];
	size_t			 i, n_ign;
	const char		**ign = NULL;
	struct sgn_errbuf	 beb;
	struct stat		 st;
	sgn_err			 r;

	memset(&mr, 0, sizeof(mr));
	sgn_errbuf_clear(&beb);
	memset(&d, 0, sizeof(d));
	/* a FIFO or a device where the model is meant: nothing to check
	 * (exit 2), not a model that differs from its signature */
	if (stat(mv->model, &st) == 0 && !S_ISDIR(st.st_mode) &&
	    !S_ISREG(st.st_mode))
		return fail(res, eb, SGN_ERR_IO, "%s: not a regular file or a "
		    "directory", mv->model);
	if (mv->bundle->content != SGN_CONTENT_DSSE) {
		return fail(res, eb, SGN_ERR_VERIFY, "a model signature is a "
		    "DSSE envelope; this bundle holds a message signature");
	}
	r = sgn_manifest_parse_statement(mv->bundle->payload.ptr,
	    mv->bundle->payload.len, &sm, eb);
	if (r != SGN_OK) {
		snprintf(res->check, sizeof(res->check), "statement");
		snprintf(res->reason, sizeof(res->reason), "%s", eb->msg);
		if (r != SGN_ERR_NOMEM && r != SGN_ERR_UNSUPPORTED)
			r = SGN_ERR_VERIFY;
		goto out;
	}
	/* 1. who signed the statement */
	if ((r = check_signature(mv, sm, res, eb)) != SGN_OK)
		goto out;
	/* 2. the files, hashed as the signature says */
	if (model_opts_read(mv->args, mv->verb, mv->model, &mr) != 0) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "bad options");
		res->verified = 0;
		goto out;
	}
	mr.o.method = sm->method;
	mr.o.hash = sm->hash;
	mr.o.shard_size = sm->shard_size;
	if (sm->allow_symlinks)
		mr.o.flags |= SGN_MANIFEST_ALLOW_SYMLINKS;
	if (sm->hash == SGN_MANIFEST_BLAKE3) {
		r = fail(res, eb, SGN_ERR_UNSUPPORTED, "the signature's files "
		    "are hashed with blake3, which signet does not compute "
		    "yet");
		goto out;
	}
	/* the ignore list: the recorded one, then the verifier's own */
	n_ign = sm->n_ignore + mr.n_ignore;
	if (n_ign > 0 && (ign = calloc(n_ign, sizeof(*ign))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < sm->n_ignore; i++)
		ign[i] = sm->ignore_paths[i];
	for (i = 0; i < mr.n_ignore; i++)
		ign[sm->n_ignore + i] = mr.ignore[i];
	mr.o.ignore = ign;
	mr.o.n_ignore = n_ign;
	mr.o.signature_path = mv->bundle_path;
	if (cli_flag(mv->args, "ignore-unsigned-files"))
		mr.o.only = sm;
	if (!model_is_dir(mv->model) && sm->n_entries > 0 &&
	    strcmp(sm->entries[0].path, ".") != 0 && !sm->legacy) {
		r = fail(res, eb, SGN_ERR_VERIFY, "the signature covers a "
		    "directory, and %s is a file", mv->model);
		goto out;
	}
	if (model_is_dir(mv->model) && sm->n_entries > 0 &&
	    strcmp(sm->entries[0].path, ".") == 0) {
		r = fail(res, eb, SGN_ERR_VERIFY, "the signature covers a "
		    "single file, and %s is a directory: give the file",
		    mv->model);
		goto out;
	}
	model_progress_enable(&mr, mv->quiet);
	r = sgn_manifest_build(mv->model, &mr.o, &am, &beb);
	model_progress_end(&mr);
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
	d.list = cJSON_CreateArray();
	sgn_manifest_compare(sm, am, on_diff, &d);
	mv->diffs = d.list;
	d.list = NULL;
	mv->n_files = sm->n_entries;
	mv->bytes = am->total_bytes;
	sgn_hex_encode(sm->root, sizeof(sm->root), hex);
	snprintf(mv->root_hex, sizeof(mv->root_hex), "%s", hex);
	if (d.n > 0) {
		r = fail(res, eb, SGN_ERR_VERIFY, "%zu file%s differ%s from "
		    "the signature: %s", d.n, d.n == 1 ? "" : "s",
		    d.n == 1 ? "s" : "", d.summary);
		goto out;
	}
	/* verification writes nothing unless asked (--record-digests) */
	if (cli_flag(mv->args, "record-digests"))
		model_state_save(mv->bundle_bytes, mv->bundle_len, am);
	r = SGN_OK;
out:
	cJSON_Delete(d.list);
	free(ign);
	sgn_manifest_free(&sm);
	sgn_manifest_free(&am);
	model_run_reset(&mr);
	return r;
}
