/*
 * Verifying a model on the command line: the options into a
 * sgn_verify_model() call (pkg/verify/model.c, where the checks are),
 * progress, and the differences for printing.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bundle.h"
#include "cli.h"
#include "manifest.h"
#include "model.h"
#include "verify.h"

int
model_is_signature(const struct sgn_bundle *b)
{
	return sgn_verify_model_is_signature(b);
}

static const char *
kind_name(sgn_manifest_diff_kind k)
{
	return k == SGN_MANIFEST_MISSING ? "missing" :
	    k == SGN_MANIFEST_EXTRA ? "extra" : "changed";
}

/* The differences, for --json and the list after the summary. */
static cJSON *
diff_list(const struct sgn_verify_model_result *vr)
{
	const struct sgn_manifest_entry	*e;
	cJSON				*list, *o;
	size_t				 i;

	if ((list = cJSON_CreateArray()) == NULL)
		return NULL;
	for (i = 0; i < vr->n_diffs; i++) {
		e = vr->diffs[i].entry;
		if ((o = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddStringToObject(o, "kind",
		    kind_name(vr->diffs[i].kind));
		cli_json_add_path(o, "path", e->path);
		if (e->shard) {
			cJSON_AddNumberToObject(o, "start", (double)e->start);
			cJSON_AddNumberToObject(o, "end", (double)e->end);
		}
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

sgn_err
model_verify(struct model_verify *mv, struct sgn_verify_result *res,
    struct sgn_errbuf *eb)
{
	struct sgn_verify_model_opts	 o;
	struct sgn_verify_model_result	 vr;
	struct model_run		 mr;
	const char			*merged;
	uint8_t				*mbuf = NULL;
	sgn_err				 r;

	memset(&mr, 0, sizeof(mr));
	o = (struct sgn_verify_model_opts)SGN_VERIFY_MODEL_OPTS_INIT;
	vr = (struct sgn_verify_model_result)SGN_VERIFY_MODEL_RESULT_INIT;
	if (model_opts_read(mv->args, mv->verb, mv->model, &mr) != 0) {
		res->verified = 0;
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "bad options");
		goto out;
	}
	o.model = mv->model;
	o.signature_path = mv->bundle_path;
	o.verifier = mv->verifier;
	o.policy = mv->policy;
	o.ca_pem = mv->ca_pem;
	o.ca_len = mv->ca_len;
	o.ignore_unsigned = cli_flag(mv->args, "ignore-unsigned-files");
	if ((merged = cli_get(mv->args, "manifest")) != NULL) {
		/* trust the partials: digests not recomputed, not recorded */
		if (cli_flag(mv->args, "record-digests")) {
			res->verified = 0;
			r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
			    "--record-digests: with --manifest nothing is "
			    "hashed here");
			goto out;
		}
		if ((r = sgn_file_read(merged, SGN_MANIFEST_MAX_PLAN_BYTES,
		    &mbuf, &o.merged_len, eb)) != SGN_OK) {
			res->verified = 0;
			goto out;
		}
		o.merged = mbuf;
	}
	model_progress_enable(&mr, mv->quiet);
	o.hashing = &mr.o;
	r = sgn_verify_model(mv->bundle, &o, res, &vr, eb);
	model_progress_end(&mr);
	if (vr.signed_manifest != NULL && vr.actual != NULL) {
		mv->diffs = diff_list(&vr);
		mv->n_files = vr.signed_manifest->n_entries;
		mv->bytes = vr.actual->total_bytes;
		sgn_hex_encode(vr.signed_manifest->root,
		    sizeof(vr.signed_manifest->root), mv->root_hex);
	}
	/* verification writes nothing unless asked (--record-digests) */
	if (r == SGN_OK && cli_flag(mv->args, "record-digests"))
		model_state_save(mv->bundle_bytes, mv->bundle_len, vr.actual);
out:
	free(mbuf);
	sgn_verify_model_result_reset(&vr);
	model_run_reset(&mr);
	return r;
}
