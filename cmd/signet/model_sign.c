/*
 * Signing a model: hash it into an OMS manifest, sign the statement as a
 * DSSE envelope (keyless, with a key, or with a key and its certificate
 * chain), write the bundle atomically, and keep the digest state for a
 * later --reuse-digests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "keys.h"
#include "manifest.h"
#include "model.h"
#include "sign.h"
#include "x509.h"

void
model_sign_opts_add(struct cli_args *a)
{
	model_opts_add(a, 0);
	cli_add(a, "model", CLI_FLAG);
	cli_add(a, "key", CLI_VALUE);
	cli_alias(a, "private-key", "key");	/* model_signing */
	cli_add(a, "signing-certificate", CLI_VALUE);
	cli_add(a, "certificate-chain", CLI_REPEAT);
	cli_add(a, "reuse-digests", CLI_VALUE);
	cli_add(a, "manifest", CLI_VALUE);
	cli_alias(a, "signature", "bundle");	/* model_signing */
}

/* Options a merged manifest replaces: its plan says how to hash. */
static const char *const plan_shaped[] = {
	"hash", "shards", "shard-size", "ignore-paths", "ignore-git-paths",
	"no-ignore-git-paths", "allow-symlinks", "allow-external-symlinks",
	"reuse-digests",
};

/*
 * sign DIR --manifest MERGED: the statement of the merged manifest
 * (`signet manifest merge`), nothing hashed; the tree must still hold
 * exactly the plan's files with their sizes and modification times.
 */
static sgn_err
sign_merged(const struct cli_args *a, const char *model,
    const char *out_path, const struct sgn_sign_how *how,
    struct sgn_buf *bundle, struct sgn_manifest **m, struct sgn_errbuf *eb)
{
	struct sgn_buf	 stmt;
	uint8_t		*buf = NULL;
	size_t		 len, i;
	sgn_err		 r;

	for (i = 0; i < sizeof(plan_shaped) / sizeof(plan_shaped[0]); i++)
		if (cli_flag(a, plan_shaped[i]))
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
			    "--%s: with --manifest the plan says how the "
			    "model was hashed", plan_shaped[i]);
	sgn_buf_init(&stmt, 0);
	if ((r = sgn_file_read(cli_get(a, "manifest"),
	    SGN_MANIFEST_MAX_PLAN_BYTES, &buf, &len, eb)) != SGN_OK ||
	    (r = sgn_manifest_merged_load(buf, len, model, out_path, m,
	    eb)) != SGN_OK ||
	    (r = sgn_manifest_statement(*m, &stmt, eb)) != SGN_OK)
		goto out;
	r = sgn_sign_statement(how, stmt.ptr, stmt.len, bundle, eb);
	(*m)->reused_bytes = (*m)->total_bytes;	/* nothing hashed */
out:
	free(buf);
	sgn_buf_reset(&stmt);
	return r;
}

int
model_sign_wanted(const struct cli_args *a)
{
	return cli_flag(a, "model") || (a->n_pos == 1 &&
	    model_is_dir(a->pos[0]));
}

/* The signing certificate, then every certificate of the chain files. */
static sgn_err
load_chain(const struct cli_args *a, struct sgn_blob **out, size_t *n,
    struct sgn_errbuf *eb)
{
	const char *const	*files;
	const char		*leaf = cli_get(a, "signing-certificate");
	struct sgn_cert		**certs = NULL;
	struct sgn_blob		*v;
	uint8_t			*pem = NULL;
	size_t			 nf, len, nc, i, k, cnt = 0;
	sgn_err			 r = SGN_OK;

	files = cli_values(a, "certificate-chain", &nf);
	if ((v = calloc(SGN_BUNDLE_MAX_CHAIN, sizeof(*v))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i <= nf && r == SGN_OK; i++) {
		const char *f = i == 0 ? leaf : files[i - 1];

		if ((r = sgn_file_read(f, SGN_MAX_CERT_PEM_BYTES, &pem, &len,
		    eb)) != SGN_OK)
			break;
		r = sgn_certs_from_pem((const char *)pem, len,
		    SGN_BUNDLE_MAX_CHAIN, &certs, &nc, eb);
		free(pem);
		pem = NULL;
		if (r != SGN_OK) {
			r = sgn_errf(eb, r, "%s: no certificate", f);
			break;
		}
		if (i == 0 && nc != 1)
			r = sgn_errf(eb, SGN_ERR_PARSE, "%s: holds %zu "
			    "certificates; give the chain with "
			    "--certificate-chain", f, nc);
		for (k = 0; r == SGN_OK && k < nc; k++) {
			if (cnt == SGN_BUNDLE_MAX_CHAIN) {
				r = sgn_errf(eb, SGN_ERR_LIMIT, "more than %d "
				    "certificates", SGN_BUNDLE_MAX_CHAIN);
				break;
			}
			v[cnt].len = sgn_cert_der_len(certs[k]);
			if ((v[cnt].ptr = malloc(v[cnt].len)) == NULL) {
				r = sgn_errf(eb, SGN_ERR_NOMEM,
				    "out of memory");
				break;
			}
			memcpy(v[cnt].ptr, sgn_cert_der_ptr(certs[k]),
			    v[cnt].len);
			cnt++;
		}
		sgn_certs_free(&certs, &nc);
	}
	if (r != SGN_OK) {
		for (i = 0; i < cnt; i++)
			free(v[i].ptr);
		free(v);
		return r;
	}
	*out = v;
	*n = cnt;
	return SGN_OK;
}

int
model_chain_load(const struct cli_args *a, struct sign_how *h,
    const char *verb)
{
	struct sgn_errbuf	eb;
	size_t			n;

	sgn_errbuf_clear(&eb);
	if (cli_values(a, "certificate-chain", &n) != NULL && n > 0 &&
	    cli_get(a, "signing-certificate") == NULL) {
		cli_err("%s: --certificate-chain needs --signing-certificate",
		    verb);
		return -1;
	}
	if (cli_get(a, "signing-certificate") == NULL)
		return 0;
	if (load_chain(a, &h->chain, &h->n_chain, &eb) != SGN_OK) {
		cli_err("certificate: %s", eb.msg);
		return -1;
	}
	return 0;
}

void
model_sign_how(const struct sign_how *h, struct sgn_sign_how *out)
{
	*out = (struct sgn_sign_how)SGN_SIGN_HOW_INIT;
	out->ctx = h->ctx;
	out->signer = h->signer;
	out->chain = h->chain;
	out->n_chain = h->n_chain;
	out->log = h->log;
}

void
model_chain_free(struct sign_how *h)
{
	size_t	i;

	for (i = 0; i < h->n_chain; i++)
		free(h->chain[i].ptr);
	free(h->chain);
	h->chain = NULL;
	h->n_chain = 0;
}

int
model_sign(const char *verb, const struct cli_args *a, const char *model,
    const char *out_path, const struct sign_how *h, int quiet)
{
	struct model_run	 mr;
	struct sgn_sign_how	 how;
	struct sgn_manifest	*m = NULL, *old = NULL;
	struct sgn_buf		 bundle;
	struct sgn_errbuf	 eb;
	const char		*reuse;
	char			*dflt = NULL, hex[65], done[32], skip[32];
	int			 rc = 2;
	sgn_err			 r;

	memset(&mr, 0, sizeof(mr));
	sgn_buf_init(&bundle, 0);
	sgn_errbuf_clear(&eb);
	model_sign_how(h, &how);
	if (out_path == NULL) {
		if ((dflt = model_default_signature(model)) == NULL) {
			cli_err("out of memory");
			return 2;
		}
		out_path = dflt;
	}
	if (model_opts_read(a, verb, model, &mr) != 0)
		goto out;
	mr.o.signature_path = out_path;
	if ((reuse = cli_get(a, "reuse-digests")) != NULL &&
	    (old = model_state_load(reuse)) != NULL)
		mr.o.reuse = old;
	model_progress_enable(&mr, quiet);
	if (cli_get(a, "manifest") != NULL)
		r = sign_merged(a, model, out_path, &how, &bundle, &m, &eb);
	else
		r = sgn_sign_model(&how, model, &mr.o, &bundle, &m, &eb);
	model_progress_end(&mr);
	if (r == SGN_OK)
		r = sgn_file_write_atomic(out_path, bundle.ptr, bundle.len,
		    0644, &eb);
	if (r != SGN_OK) {
		cli_err("%s: %s", model, eb.msg);
		if (r == SGN_ERR_NETWORK && h->log != NULL)
			cli_err("no network: sign with --offline and log it "
			    "later with signet log");
		goto out;
	}
	/* a merged manifest's digests are the partials': not kept for
	 * --reuse-digests, which trusts only what this machine hashed */
	if (cli_get(a, "manifest") == NULL)
		model_state_save(bundle.ptr, bundle.len, m);
	if (!quiet) {
		sgn_hex_encode(m->root, sizeof(m->root), hex);
		model_human_size(m->total_bytes - m->reused_bytes, done,
		    sizeof(done));
		model_human_size(m->reused_bytes, skip, sizeof(skip));
		fprintf(stderr, "signet: signed %s (%zu %s, %s hashed%s%s%s, "
		    "root sha256:%s) -> %s%s\n", model, m->n_entries,
		    m->method == SGN_MANIFEST_SHARDS ? "shards" : "files",
		    done, m->reused_bytes > 0 ? ", " : "",
		    m->reused_bytes > 0 ? skip : "",
		    m->reused_bytes > 0 ? " reused" : "", hex, out_path,
		    h->signer != NULL && h->log == NULL ? " (not logged)" :
		    "");
	}
	rc = 0;
out:
	sgn_manifest_free(&m);
	sgn_manifest_free(&old);
	sgn_buf_reset(&bundle);
	model_run_reset(&mr);
	free(dflt);
	return rc;
}
