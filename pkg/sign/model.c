/*
 * Signing a statement or a model (OpenSSF model signing), whichever way:
 * keyless, or with a key and, for a key, logged afterwards.  A model is
 * hashed into an OMS manifest (pkg/manifest), whose in-toto statement is
 * signed as a DSSE envelope.
 */
#include <stdlib.h>
#include <string.h>

#include "core_int.h"
#include "keys.h"
#include "manifest.h"
#include "sign.h"

sgn_err
sgn_sign_statement(const struct sgn_sign_how *how, const uint8_t *statement,
    size_t len, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	struct sgn_sign_how	 hw;
	const struct sgn_sign_how *h = &hw;
	struct sgn_buf		 plain, logged;
	int			 already;
	sgn_err			 r;

	if (how == NULL || out == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "sign: no signing context and no key");
	if ((r = sgn_sized_in(&hw, sizeof(hw), how, "sgn_sign_how", eb)) !=
	    SGN_OK)
		return r;
	if (h->ctx == NULL && h->signer == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "sign: no signing context and no key");
	if (h->ctx != NULL)
		return sgn_sign_intoto(h->ctx, statement, len, out, eb);
	sgn_buf_init(&plain, 0);
	sgn_buf_init(&logged, 0);
	if ((r = sgn_sign_intoto_plain(h->signer, h->chain, h->n_chain,
	    statement, len, &plain, eb)) != SGN_OK)
		goto out;
	if (h->log != NULL) {
		if ((r = sgn_log_bundle(h->log, sgn_signer_pubkey(h->signer),
		    plain.ptr, plain.len, &logged, &already, eb)) != SGN_OK)
			goto out;
		/* a fresh bundle has no entry yet; were it "already"
		 * logged, it is the bundle */
		r = already ? sgn_buf_append(out, plain.ptr, plain.len, eb) :
		    sgn_buf_append(out, logged.ptr, logged.len, eb);
	} else {
		r = sgn_buf_append(out, plain.ptr, plain.len, eb);
	}
out:
	sgn_buf_reset(&plain);
	sgn_buf_reset(&logged);
	return r;
}

sgn_err
sgn_sign_model(const struct sgn_sign_how *h, const char *model_path,
    const struct sgn_manifest_opts *opts, struct sgn_buf *out,
    struct sgn_manifest **manifest, struct sgn_errbuf *eb)
{
	struct sgn_manifest	*m = NULL;
	struct sgn_buf		 stmt;
	sgn_err			 r;

	if (manifest != NULL)
		*manifest = NULL;
	if (model_path == NULL || opts == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "sign: no model or no options");
	/* how is checked before the model is hashed, not after */
	if ((r = sgn_sized_check(h, sizeof(*h), "sgn_sign_how", eb)) !=
	    SGN_OK)
		return r;
	sgn_buf_init(&stmt, 0);
	if ((r = sgn_manifest_build(model_path, opts, &m, eb)) != SGN_OK ||
	    (r = sgn_manifest_statement(m, &stmt, eb)) != SGN_OK ||
	    (r = sgn_sign_statement(h, stmt.ptr, stmt.len, out, eb)) !=
	    SGN_OK)
		goto out;
	if (manifest != NULL) {
		*manifest = m;
		m = NULL;
	}
	r = SGN_OK;
out:
	sgn_buf_reset(&stmt);
	sgn_manifest_free(&m);
	return r;
}
