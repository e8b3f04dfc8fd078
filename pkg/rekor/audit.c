/*
 * The checks an auditor makes on what a log serves, offline: a checkpoint
 * against the log's key from the trusted root (never a key the log hands
 * out), and an entry against its body, its SET (Rekor v1) and its
 * inclusion proof under a checkpoint that verifies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "keys.h"
#include "rekor.h"
#include "tlog.h"
#include "trust.h"

sgn_err
sgn_rekor_checkpoint_verify(const struct sgn_log *log, int is_v2,
    const char *tree_id, const char *note, size_t len,
    struct sgn_checkpoint **out, struct sgn_errbuf *eb)
{
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf tmp;
	const char *dash;
	sgn_err r;

	if (out == NULL || log == NULL || note == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "checkpoint: missing argument");
	*out = NULL;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_checkpoint_parse(note, len, &cp, &tmp)) != SGN_OK)
		return sgn_errf(eb, r, "checkpoint of %.200s: %s",
		    log->base_url, tmp.msg);
	/*
	 * v2: the origin is the log's host.  v1: "<name> - <tree ID>", the
	 * name being whatever the server calls itself; the tree ID, when
	 * the caller knows it, must be the log's.
	 */
	if (is_v2 && strcmp(cp->origin, log->host) != 0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "checkpoint origin \"%.80s\" "
		    "is not log %.200s", cp->origin, log->host);
		goto out;
	}
	if (!is_v2 && ((dash = strstr(cp->origin, " - ")) == NULL ||
	    (tree_id != NULL && strcmp(dash + 3, tree_id) != 0))) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "checkpoint origin \"%.80s\" "
		    "is not tree %s of log %.200s", cp->origin,
		    tree_id != NULL ? tree_id : "?", log->base_url);
		goto out;
	}
	/* ECDSA key IDs leave the name out: v1 lines match by key ID */
	if ((r = sgn_checkpoint_verify(cp, is_v2 ||
	    !sgn_pubkey_is_ecdsa(log->key) ? log->host : NULL, log->key,
	    &tmp)) != SGN_OK) {
		r = sgn_errf(eb, r, "checkpoint of %.200s: %s", log->base_url,
		    tmp.msg);
		goto out;
	}
	*out = cp;
	cp = NULL;
	r = SGN_OK;
out:
	sgn_checkpoint_free(&cp);
	return r;
}

sgn_err
sgn_rekor_entry_verify(const struct sgn_log *log,
    const struct sgn_tlog_entry *e, struct sgn_rekor_body **body_out,
    struct sgn_checkpoint **cp_out, struct sgn_errbuf *eb)
{
	struct sgn_rekor_body *body = NULL;
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf tmp, btmp;
	uint8_t leaf[32];
	int is_v2;
	sgn_err r, body_err;

	if (log == NULL || e == NULL || body_out == NULL || cp_out == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "entry: missing argument");
	*body_out = NULL;
	*cp_out = NULL;
	sgn_errbuf_clear(&tmp);
	sgn_errbuf_clear(&btmp);
	if (memcmp(e->log_id, log->log_id, 32) != 0)
		return sgn_errf(eb, SGN_ERR_VERIFY, "entry %lld: log ID is not "
		    "that of %.200s", (long long)e->log_index, log->base_url);
	/*
	 * A body signet cannot read (another kind) still has its SET and
	 * inclusion proof checked; its error is returned after those.
	 */
	if ((body_err = sgn_rekor_body_parse(e->body.ptr, e->body.len, &body,
	    &btmp)) == SGN_OK && (strcmp(body->kind_name, e->kind) != 0 ||
	    strcmp(body->api_version, e->version) != 0)) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "entry %lld: kindVersion "
		    "%s/%s does not match the logged %s/%s",
		    (long long)e->log_index, e->kind, e->version,
		    body->kind_name, body->api_version);
		goto out;
	}
	is_v2 = body != NULL ? body->kind == SGN_REKOR_HASHEDREKORD_002 :
	    e->set.len == 0;
	if (e->set.len > 0) {
		if (is_v2) {
			r = sgn_errf(eb, SGN_ERR_VERIFY, "entry %lld: a Rekor "
			    "v2 entry cannot carry an inclusion promise",
			    (long long)e->log_index);
			goto out;
		}
		if ((r = sgn_tlog_verify_set(log->key, e->body.ptr,
		    e->body.len, e->integrated_time, e->log_id, e->log_index,
		    e->set.ptr, e->set.len, &tmp)) != SGN_OK) {
			r = sgn_errf(eb, r, "entry %lld: %s",
			    (long long)e->log_index, tmp.msg);
			goto out;
		}
	}
	if (!e->has_proof || e->checkpoint == NULL) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "entry %lld: no inclusion "
		    "proof with a checkpoint", (long long)e->log_index);
		goto out;
	}
	if (is_v2 && e->log_index != e->proof_index) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "entry %lld: proof index "
		    "%lld is not the log index", (long long)e->log_index,
		    (long long)e->proof_index);
		goto out;
	}
	if ((r = sgn_rekor_checkpoint_verify(log, is_v2, NULL, e->checkpoint,
	    e->checkpoint_len, &cp, eb)) != SGN_OK)
		goto out;
	if (cp->size != (uint64_t)e->tree_size ||
	    memcmp(cp->root, e->root_hash, 32) != 0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "entry %lld: the proof's tree "
		    "(size %lld) is not the checkpoint's (size %llu)",
		    (long long)e->log_index, (long long)e->tree_size,
		    (unsigned long long)cp->size);
		goto out;
	}
	sgn_tlog_leaf_hash(e->body.ptr, e->body.len, leaf);
	if ((r = sgn_tlog_verify_inclusion((uint64_t)e->proof_index,
	    cp->size, leaf, (const uint8_t (*)[32])e->hashes, e->n_hashes,
	    cp->root, &tmp)) != SGN_OK) {
		r = sgn_errf(eb, r, "entry %lld: %s", (long long)e->log_index,
		    tmp.msg);
		goto out;
	}
	if (body_err != SGN_OK) {
		r = sgn_errf(eb, body_err, "entry %lld: %s",
		    (long long)e->log_index, btmp.msg);
		goto out;
	}
	*body_out = body;
	body = NULL;
	*cp_out = cp;
	cp = NULL;
	r = SGN_OK;
out:
	sgn_rekor_body_free(&body);
	sgn_checkpoint_free(&cp);
	return r;
}

int
sgn_rekor_der_holds(const uint8_t *der, size_t len, const char *const *s,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memmem(der, len, s[i], strlen(s[i])) != NULL)
			return 1;
	return 0;
}
