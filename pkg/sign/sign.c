/*
 * The keyless signing pipeline (see sign.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "core_int.h"
#include "dsse.h"
#include "fulcio.h"
#include "http.h"
#include "keys.h"
#include "rekor.h"
#include "sign.h"
#include "sign_int.h"
#include "tsa.h"
#include "verify.h"
#include "x509.h"

struct sgn_signing_ctx {
	struct sgn_sign_opts	 o;	/* o.services is &sel */
	struct sgn_selection	 sel;
	struct sgn_verifier	*verifier;
	struct sgn_signer	*signer;
	struct sgn_cert		*leaf;
	char			*leaf_pem;
	char			*san;
	char			*issuer;
};

static int64_t
now_of(const struct sgn_signing_ctx *c)
{
	return c->o.now != 0 ? c->o.now : (int64_t)time(NULL);
}

static void
status(struct sgn_signing_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
status(struct sgn_signing_ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (c->o.status == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->o.status(c->o.status_ctx, msg);
}

sgn_err
sgn_signing_ctx_new(const struct sgn_sign_opts *opts,
    struct sgn_signing_ctx **out, struct sgn_errbuf *eb)
{
	struct sgn_signing_ctx *c;
	sgn_err r;

	*out = NULL;
	if (opts == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "signing: missing options");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if ((r = sgn_sized_in(&c->o, sizeof(c->o), opts, "sgn_sign_opts",
	    eb)) != SGN_OK || (c->o.services != NULL &&
	    (r = sgn_sized_in(&c->sel, sizeof(c->sel), c->o.services,
	    "sgn_selection", eb)) != SGN_OK)) {
		free(c);
		return r;
	}
	if (c->o.root == NULL || c->o.services == NULL ||
	    c->o.http == NULL || c->o.identity == NULL) {
		free(c);
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "signing: missing options");
	}
	c->o.services = &c->sel;
	if ((r = sgn_verifier_new(c->o.root, &c->verifier, eb)) != SGN_OK) {
		free(c);
		return r;
	}
	*out = c;
	return SGN_OK;
}

static void
drop_cert(struct sgn_signing_ctx *c)
{
	sgn_signer_free(&c->signer);
	sgn_cert_free(&c->leaf);
	free(c->leaf_pem);
	free(c->san);
	free(c->issuer);
	c->leaf_pem = c->san = c->issuer = NULL;
}

void
sgn_signing_ctx_free(struct sgn_signing_ctx **cp)
{
	struct sgn_signing_ctx *c;

	if (cp == NULL || (c = *cp) == NULL)
		return;
	drop_cert(c);
	sgn_verifier_free(&c->verifier);
	free(c);
	*cp = NULL;
}

/* The certificate Fulcio returned is for our key and identity, and
 * verifies against the trusted root now. */
static sgn_err
check_cert(struct sgn_signing_ctx *c, const struct sgn_sign_identity *id,
    struct sgn_errbuf *eb)
{
	struct sgn_san *sans = NULL;
	struct sgn_errbuf tmp;
	size_t n = 0, i;
	int found;
	sgn_err r;

	if (!sgn_pubkey_equal(sgn_cert_pubkey(c->leaf),
	    sgn_signer_pubkey(c->signer)))
		return sgn_errf(eb, SGN_ERR_VERIFY, "Fulcio %.100s issued a "
		    "certificate for another key", c->o.services->ca->url);
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_verify_certificate(c->verifier, c->leaf,
	    sgn_time_from_sec(now_of(c)), &tmp)) != SGN_OK)
		return sgn_errf(eb, r, "Fulcio %.100s: the certificate does "
		    "not verify against the trusted root: %s",
		    c->o.services->ca->url, tmp.msg);
	if ((r = sgn_cert_sans(c->leaf, &sans, &n, &tmp)) != SGN_OK ||
	    (r = sgn_cert_oidc_issuer(c->leaf, &c->issuer, &tmp)) != SGN_OK)
		return sgn_errf(eb, r, "Fulcio certificate: %s", tmp.msg);
	if (c->issuer == NULL) {
		sgn_sans_free(&sans, &n);
		return sgn_errf(eb, SGN_ERR_VERIFY, "Fulcio certificate names "
		    "no OIDC issuer");
	}
	found = id->expect_san == NULL;
	for (i = 0; i < n && !found; i++)
		found = strcmp(sans[i].value, id->expect_san) == 0;
	if (!found) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "Fulcio issued a certificate "
		    "for %.200s, but the token is for %.200s", sans[0].value,
		    id->expect_san);
		sgn_sans_free(&sans, &n);
		return r;
	}
	if ((c->san = strdup(sans[0].value)) == NULL) {
		sgn_sans_free(&sans, &n);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	sgn_sans_free(&sans, &n);
	if (id->expect_issuer != NULL &&
	    strcmp(c->issuer, id->expect_issuer) != 0)
		return sgn_errf(eb, SGN_ERR_VERIFY, "Fulcio issued a "
		    "certificate for issuer %.200s, but the token is from "
		    "%.200s",
		    c->issuer, id->expect_issuer);
	return SGN_OK;
}

static sgn_err
ensure_cert(struct sgn_signing_ctx *c, struct sgn_errbuf *eb)
{
	struct sgn_sign_identity id;
	struct sgn_cert **chain = NULL;
	size_t n = 0, len;
	char until[SGN_TIME_STRLEN];
	sgn_err r;

	if (c->leaf != NULL && sgn_cert_not_after(c->leaf).sec - now_of(c) >=
	    SGN_SIGN_MIN_VALIDITY)
		return SGN_OK;
	drop_cert(c);
	/* id.size tells the callback which members this library reads */
	id = (struct sgn_sign_identity)SGN_SIGN_IDENTITY_INIT;
	if ((r = c->o.identity(c->o.identity_ctx, &id, eb)) != SGN_OK)
		return r;
	if (id.token == NULL || id.challenge == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "signing: no identity token");
	/* A fresh key for every certificate, in memory only. */
	if ((r = sgn_signer_ephemeral(SGN_KEY_ECDSA_P256, &c->signer, eb)) !=
	    SGN_OK)
		return r;
	if ((r = sgn_fulcio_request(c->o.http, c->o.services->ca->url,
	    id.token, c->signer, id.challenge, &chain, &n, eb)) != SGN_OK)
		goto fail;
	c->leaf = sgn_cert_ref(chain[0]);
	sgn_fulcio_chain_free(&chain, &n);
	if ((r = check_cert(c, &id, eb)) != SGN_OK ||
	    (r = sgn_cert_to_pem(c->leaf, &c->leaf_pem, &len, eb)) != SGN_OK)
		goto fail;
	sgn_time_format(sgn_cert_not_after(c->leaf), until);
	status(c, "Fulcio certificate for %s (issuer %s), valid until %s",
	    c->san, c->issuer, until);
	return SGN_OK;
fail:
	drop_cert(c);
	return r;
}

/* The parts of a bundle being built; freed by bundle_parts_reset(). */
struct parts {
	struct sgn_blob		 ts[SGN_MAX_SELECTED];
	size_t			 n_ts;
	struct sgn_tlog_entry	 entries[SGN_MAX_SELECTED];
	size_t			 n_entries;
	uint8_t			*sig;
	size_t			 sig_len;
};

static void
parts_reset(struct parts *p)
{
	size_t i;

	for (i = 0; i < p->n_ts; i++)
		free(p->ts[i].ptr);
	for (i = 0; i < p->n_entries; i++)
		sgn_tlog_entry_reset(&p->entries[i]);
	free(p->sig);
	memset(p, 0, sizeof(*p));
}

/* The services and verifier material a signature is recorded with. */
static void
target_of(struct sgn_signing_ctx *c, struct sgn_log_target *t)
{
	memset(t, 0, sizeof(*t));
	t->http = c->o.http;
	t->services = c->o.services;
	t->verifier_pem = c->leaf_pem;
	t->verifier_der = sgn_cert_der_ptr(c->leaf);
	t->verifier_der_len = sgn_cert_der_len(c->leaf);
	t->is_cert = 1;
	t->hash = SGN_HASH_SHA256;
	t->key_details = sgn_key_details_name(sgn_cert_pubkey(c->leaf));
	t->status = c->o.status;
	t->status_ctx = c->o.status_ctx;
}

static sgn_err
timestamps(struct sgn_signing_ctx *c, struct parts *p, struct sgn_errbuf *eb)
{
	struct sgn_log_target t;

	target_of(c, &t);
	return sgn_sign_timestamps(&t, p->sig, p->sig_len, p->ts, &p->n_ts,
	    eb);
}

static sgn_err
log_entries(struct sgn_signing_ctx *c, struct parts *p,
    const uint8_t *digest, const char *envelope, struct sgn_errbuf *eb)
{
	struct sgn_log_target t;

	target_of(c, &t);
	return sgn_sign_log(&t, p->sig, p->sig_len, digest, envelope,
	    p->entries, &p->n_entries, eb);
}

/*
 * Serializes the bundle, then verifies those very bytes as any verifier
 * would, for the artifact's digest, before handing them over.
 */
static sgn_err
finish(struct sgn_signing_ctx *c, const struct sgn_bundle_view *b,
    const uint8_t *subject_digest, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	struct sgn_artifact art;
	struct sgn_policy pol;

	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	art.digest_alg = SGN_HASH_SHA256;
	memcpy(art.digest, subject_digest, 32);
	pol = (struct sgn_policy)SGN_POLICY_INIT;
	pol.identity = c->san;
	pol.issuer = c->issuer;
	return sgn_sign_emit(c->verifier, b, &art, &pol,
	    "the services' answers do not verify", out, eb);
}

static void
fill_bundle(struct sgn_signing_ctx *c, struct parts *p,
    struct sgn_bundle_view *b)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	b->material = SGN_MATERIAL_CERTIFICATE;
	/* The view only reads the certificate: lend it. */
	b->certs_buf[0].ptr = sgn_cert_der_ptr(c->leaf);
	b->certs_buf[0].len = sgn_cert_der_len(c->leaf);
	b->certs = b->certs_buf;
	b->n_certs = 1;
	b->entries = p->entries;
	b->n_entries = p->n_entries;
	for (i = 0; i < p->n_ts; i++) {
		b->ts_buf[i].ptr = p->ts[i].ptr;
		b->ts_buf[i].len = p->ts[i].len;
	}
	b->timestamps = b->ts_buf;
	b->n_timestamps = p->n_ts;
	b->signature.ptr = p->sig;
	b->signature.len = p->sig_len;
}

sgn_err
sgn_sign_file(struct sgn_signing_ctx *c, const char *path,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	struct parts p;
	struct sgn_bundle_view b;
	uint8_t digest[32];
	sgn_err r;

	memset(&p, 0, sizeof(p));
	if ((r = sgn_hash_file(SGN_HASH_SHA256, path, digest, eb)) != SGN_OK ||
	    (r = ensure_cert(c, eb)) != SGN_OK)
		return r;
	if ((r = sgn_signer_sign_digest(c->signer, SGN_HASH_SHA256, digest,
	    32, &p.sig, &p.sig_len, eb)) != SGN_OK ||
	    (r = timestamps(c, &p, eb)) != SGN_OK ||
	    (r = log_entries(c, &p, digest, NULL, eb)) != SGN_OK)
		goto out;
	fill_bundle(c, &p, &b);
	b.content = SGN_CONTENT_MESSAGE_SIGNATURE;
	b.has_digest = 1;
	b.digest_alg = SGN_HASH_SHA256;
	b.digest = digest;
	b.digest_len = 32;
	r = finish(c, &b, digest, out, eb);
out:
	parts_reset(&p);
	return r;
}

sgn_err
sgn_sign_intoto(struct sgn_signing_ctx *c, const uint8_t *statement,
    size_t len, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	struct sgn_intoto_statement *st = NULL;
	const uint8_t *subject = NULL;
	struct parts p;
	struct sgn_bundle_view b;
	struct sgn_buf pae, env;
	uint8_t pae_digest[32];
	size_t i, k;
	sgn_err r;

	memset(&p, 0, sizeof(p));
	sgn_buf_init(&pae, 0);
	sgn_buf_init(&env, 0);
	if ((r = sgn_intoto_parse(statement, len, &st, eb)) != SGN_OK)
		goto out;
	for (i = 0; i < st->n_subjects && subject == NULL; i++)
		for (k = 0; k < st->subjects[i].n_digests; k++)
			if (st->subjects[i].digests[k].hash ==
			    SGN_HASH_SHA256) {
				subject = st->subjects[i].digests[k].value;
				break;
			}
	if (subject == NULL) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "in-toto statement: "
		    "no subject with a sha256 digest");
		goto out;
	}
	if ((r = ensure_cert(c, eb)) != SGN_OK ||
	    (r = sgn_dsse_pae(SGN_INTOTO_PAYLOAD_TYPE, statement, len, &pae,
	    eb)) != SGN_OK ||
	    (r = sgn_hash(SGN_HASH_SHA256, pae.ptr, pae.len, pae_digest,
	    eb)) != SGN_OK ||
	    (r = sgn_signer_sign(c->signer, pae.ptr, pae.len, &p.sig,
	    &p.sig_len, eb)) != SGN_OK ||
	    (r = sgn_sign_envelope_json(statement, len, p.sig,
	    p.sig_len, &env, eb)) != SGN_OK ||
	    (r = timestamps(c, &p, eb)) != SGN_OK ||
	    (r = log_entries(c, &p, pae_digest, (const char *)env.ptr,
	    eb)) != SGN_OK)
		goto out;
	fill_bundle(c, &p, &b);
	b.content = SGN_CONTENT_DSSE;
	b.payload.ptr = statement;
	b.payload.len = len;
	b.payload_type = SGN_INTOTO_PAYLOAD_TYPE;
	r = finish(c, &b, subject, out, eb);
out:
	parts_reset(&p);
	sgn_buf_reset(&pae);
	sgn_buf_reset(&env);
	sgn_intoto_free(&st);
	return r;
}
