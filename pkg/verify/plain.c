/*
 * OpenSSF model signing's key and certificate methods (see verify.h):
 * DSSE bundles signed by a plain key or a certificate chain, checked
 * without a transparency log.
 *
 * model_signing's own verifier is the reference for what is accepted
 * (src/model_signing/_signing/sign_ec_key.py, sign_certificate.py): the
 * chain is validated at the leaf's notBefore, the leaf needs
 * digitalSignature or codeSigning, and a signature that fails over the
 * DSSE PAE is tried again over the PAE model_signing 0.2 signed.  Unlike
 * it, a publicKey.rawBytes must be the given key, when present.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dsse.h"
#include "core_int.h"
#include "verify.h"
#include "verify_int.h"

struct pctx {
	const struct sgn_bundle		*b;
	const struct sgn_plain_trust	*t;
	struct sgn_verify_result	*res;
	struct sgn_errbuf		*eb;
	struct sgn_cert			*leaf;
	const struct sgn_pubkey		*key;
	struct sgn_pubkey		*raw_key;
};

static sgn_err
fail(struct pctx *c, const char *check, sgn_err code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records the first failure as "<check>: <reason>" (sgn_verify's form). */
static sgn_err
fail(struct pctx *c, const char *check, sgn_err code, const char *fmt, ...)
{
	va_list ap;
	char reason[SGN_ERRBUF_SIZE];

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (c->res->check[0] == '\0') {
		snprintf(c->res->check, sizeof(c->res->check), "%s", check);
		snprintf(c->res->reason, sizeof(c->res->reason), "%s",
		    reason);
	}
	return sgn_errf(c->eb, code, "%s: %s", check, reason);
}

/* publicKey.rawBytes: PEM text (what model_signing wrote) or DER. */
static sgn_err
raw_key(const struct sgn_blob *raw, struct sgn_pubkey **out,
    struct sgn_errbuf *eb)
{
	static const char pem[] = "-----BEGIN ";

	if (raw->len >= sizeof(pem) - 1 &&
	    memmem(raw->ptr, raw->len, pem, sizeof(pem) - 1) != NULL)
		return sgn_pubkey_from_pem((const char *)raw->ptr, raw->len,
		    out, eb);
	return sgn_pubkey_from_der(raw->ptr, raw->len, out, eb);
}

static sgn_err
check_key(struct pctx *c)
{
	const struct sgn_bundle *b = c->b;
	const struct sgn_pubkey *k = c->t->key;
	char hint[SGN_PUBKEY_HINT_LEN];
	struct sgn_errbuf tmp;
	sgn_key_type type;
	sgn_hash_alg hash;
	sgn_rsa_padding pad;
	sgn_err r;

	if (k == NULL)
		return fail(c, "material", SGN_ERR_POLICY, "the bundle is "
		    "signed with a key%s%.64s%s: give its public key",
		    b->key_hint != NULL ? " (hint " : "",
		    b->key_hint != NULL ? b->key_hint : "",
		    b->key_hint != NULL ? ")" : "");
	if (!sgn_pubkey_is_ecdsa(k))
		return fail(c, "key", SGN_ERR_UNSUPPORTED, "the given key is "
		    "%s; model signing keys are ECDSA P-256, P-384 or P-521",
		    sgn_pubkey_describe(k));
	sgn_errbuf_clear(&tmp);
	if (b->key_hint != NULL) {
		if ((r = sgn_pubkey_pem_hint(k, hint, &tmp)) != SGN_OK)
			return fail(c, "key", r, "%s", tmp.msg);
		if (strlen(b->key_hint) != SGN_PUBKEY_HINT_LEN - 1 ||
		    strncasecmp(b->key_hint, hint, SGN_PUBKEY_HINT_LEN - 1) !=
		    0)
			return fail(c, "key", SGN_ERR_VERIFY, "the bundle's "
			    "key hint %.80s does not match the given key "
			    "(hint %s)", b->key_hint, hint);
	} else {
		c->res->legacy |= SGN_PLAIN_NO_HINT;
	}
	if (b->key_raw.len > 0) {
		if ((r = raw_key(&b->key_raw, &c->raw_key, &tmp)) != SGN_OK)
			return fail(c, "key", r, "the bundle's "
			    "publicKey.rawBytes: %s", tmp.msg);
		if (!sgn_pubkey_equal(c->raw_key, k))
			return fail(c, "key", SGN_ERR_VERIFY, "the bundle's "
			    "public key (%s) is not the given key (%s)",
			    sgn_pubkey_describe(c->raw_key),
			    sgn_pubkey_describe(k));
	}
	if (b->key_details != NULL) {
		if (!sgn_key_details_parse(b->key_details, &type, &hash, &pad))
			return fail(c, "key", SGN_ERR_UNSUPPORTED, "unknown "
			    "keyDetails \"%.48s\"", b->key_details);
		if (type != sgn_pubkey_type(k))
			return fail(c, "key", SGN_ERR_VERIFY, "the bundle's "
			    "keyDetails %.48s do not fit the given key (%s)",
			    b->key_details, sgn_pubkey_describe(k));
	}
	c->key = k;
	return SGN_OK;
}

static void
set_identity(struct pctx *c)
{
	struct sgn_san *sans = NULL;
	size_t n = 0;

	if (sgn_cert_sans(c->leaf, &sans, &n, NULL) == SGN_OK && n > 0) {
		c->res->identity = strdup(sans[0].value);
		c->res->identity_type = sans[0].type;
		c->res->sans = sans;
		c->res->n_sans = n;
		return;
	}
	c->res->identity = strdup(sgn_cert_subject_cn(c->leaf));
	c->res->identity_type = SGN_SAN_NONE;
	sgn_sans_free(&sans, &n);
}

static sgn_err
check_chain(struct pctx *c)
{
	const struct sgn_bundle *b = c->b;
	struct sgn_cert **cas = NULL, **inter = NULL;
	struct sgn_errbuf tmp;
	struct sgn_time at;
	size_t n_cas = 0, n_inter = 0, i;
	sgn_err r;

	if (c->t->ca_pem == NULL)
		return fail(c, "material", SGN_ERR_POLICY, "the bundle is "
		    "signed with a certificate chain: give the CA "
		    "certificates to verify it against");
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_cert_from_der(b->certs[0].ptr, b->certs[0].len, &c->leaf,
	    &tmp)) != SGN_OK)
		return fail(c, "certificate", r == SGN_ERR_NOMEM ? r :
		    SGN_ERR_PARSE, "leaf: %s", tmp.msg);
	c->res->cert_not_before = sgn_cert_not_before(c->leaf);
	c->res->cert_not_after = sgn_cert_not_after(c->leaf);
	if (b->n_certs > 1 &&
	    (inter = calloc(b->n_certs - 1, sizeof(*inter))) == NULL)
		return fail(c, "certificate", SGN_ERR_NOMEM, "out of memory");
	for (i = 1; i < b->n_certs; i++) {
		sgn_errbuf_clear(&tmp);
		if ((r = sgn_cert_from_der(b->certs[i].ptr, b->certs[i].len,
		    &inter[i - 1], &tmp)) != SGN_OK) {
			r = fail(c, "certificate", r == SGN_ERR_NOMEM ? r :
			    SGN_ERR_PARSE, "chain certificate %zu: %s", i,
			    tmp.msg);
			goto out;
		}
		n_inter = i;
	}
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_certs_from_pem(c->t->ca_pem, c->t->ca_len,
	    SGN_PLAIN_MAX_CAS, &cas, &n_cas, &tmp)) != SGN_OK) {
		r = fail(c, "trust", r == SGN_ERR_NOMEM ? r : SGN_ERR_TRUST,
		    "CA certificates: %s", tmp.msg);
		goto out;
	}
	at = c->t->at != 0 ? sgn_time_from_sec(c->t->at) :
	    sgn_cert_not_before(c->leaf);
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_cert_verify_path(c->leaf, cas, n_cas, inter, n_inter, at,
	    &tmp)) != SGN_OK) {
		r = fail(c, "certificate", r, "%s", tmp.msg);
		goto out;
	}
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_cert_check_signing_usage(c->leaf, &tmp)) != SGN_OK) {
		r = fail(c, "certificate", r, "%s", tmp.msg);
		goto out;
	}
	c->key = sgn_cert_pubkey(c->leaf);
	if (!sgn_pubkey_is_ecdsa(c->key)) {
		r = fail(c, "certificate", SGN_ERR_UNSUPPORTED, "the leaf's "
		    "key is %s; model signing keys are ECDSA P-256, P-384 or "
		    "P-521", sgn_pubkey_describe(c->key));
		goto out;
	}
	set_identity(c);
	r = SGN_OK;
out:
	sgn_certs_free(&cas, &n_cas);
	sgn_certs_free(&inter, &n_inter);
	return r;
}

/* 1 when the signature verifies over msg with hash. */
static int
sig_ok(struct pctx *c, sgn_hash_alg hash, const struct sgn_buf *msg)
{
	return sgn_pubkey_verify(c->key, hash, msg->ptr, msg->len,
	    c->b->signature.ptr, c->b->signature.len, NULL) == SGN_OK;
}

static sgn_err
check_signature(struct pctx *c)
{
	const struct sgn_bundle *b = c->b;
	sgn_hash_alg h = sgn_pubkey_default_hash(c->key);
	struct sgn_buf pae;
	sgn_err r;
	int ok;

	sgn_buf_init(&pae, 0);
	if ((r = sgn_dsse_pae(b->payload_type, b->payload.ptr, b->payload.len,
	    &pae, c->eb)) != SGN_OK)
		goto out;
	ok = sig_ok(c, h, &pae);
	if (!ok) {
		/* model_signing 0.2 signed another PAE, with SHA-256. */
		pae.len = 0;
		if ((r = sgn_dsse_pae_compat(b->payload_type, b->payload.ptr,
		    b->payload.len, &pae, c->eb)) != SGN_OK)
			goto out;
		ok = sig_ok(c, SGN_HASH_SHA256, &pae) ||
		    (h != SGN_HASH_SHA256 && sig_ok(c, h, &pae));
		if (ok)
			c->res->legacy |= SGN_PLAIN_OLD_PAE;
	}
	if (!ok) {
		r = fail(c, "signature", SGN_ERR_VERIFY, "DSSE signature does "
		    "not verify with the %s", c->leaf != NULL ?
		    "leaf certificate's key" : "given key");
		goto out;
	}
	r = SGN_OK;
out:
	sgn_buf_reset(&pae);
	return r;
}

/* sgn_verify_plain() on whole structs of this version. */
static sgn_err
plain_whole(const struct sgn_bundle *b, const struct sgn_plain_trust *t,
    const uint8_t **payload, size_t *payload_len,
    struct sgn_verify_result *res, struct sgn_errbuf *eb)
{
	struct sgn_intoto_statement *st = NULL;
	struct sgn_errbuf tmp;
	struct pctx c;
	sgn_err r;

	if (payload != NULL)
		*payload = NULL;
	if (payload_len != NULL)
		*payload_len = 0;
	if (b == NULL || t == NULL || res == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "sgn_verify_plain: missing argument");
	if (t->key == NULL && t->ca_pem == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "verification "
		    "with a key or a certificate chain needs a public key or "
		    "CA certificates");
	memset(&c, 0, sizeof(c));
	c.b = b;
	c.t = t;
	c.res = res;
	c.eb = eb;
	res->bundle_version = b->version_minor;
	res->content = b->content;

	if (b->content != SGN_CONTENT_DSSE) {
		r = fail(&c, "envelope", SGN_ERR_UNSUPPORTED, "the bundle "
		    "holds a message signature, not a DSSE envelope");
		goto out;
	}
	if (strcmp(b->payload_type, SGN_INTOTO_PAYLOAD_TYPE) != 0) {
		r = fail(&c, "envelope", SGN_ERR_UNSUPPORTED, "DSSE payload "
		    "type \"%.64s\" is not %s", b->payload_type,
		    SGN_INTOTO_PAYLOAD_TYPE);
		goto out;
	}
	switch (b->material) {
	case SGN_MATERIAL_PUBLIC_KEY:
		r = check_key(&c);
		break;
	case SGN_MATERIAL_CHAIN:
		r = check_chain(&c);
		break;
	default:
		r = fail(&c, "material", SGN_ERR_POLICY, "the bundle carries "
		    "a single (Fulcio) certificate: it is a Sigstore keyless "
		    "bundle, verified with an identity and an issuer");
		break;
	}
	if (r != SGN_OK || (r = check_signature(&c)) != SGN_OK)
		goto out;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_intoto_parse(b->payload.ptr, b->payload.len, &st,
	    &tmp)) != SGN_OK) {
		r = fail(&c, "payload", r, "%s", tmp.msg);
		goto out;
	}
	if ((res->key_desc = strdup(sgn_pubkey_describe(c.key))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	res->verified = 1;
	if (payload != NULL)
		*payload = b->payload.ptr;
	if (payload_len != NULL)
		*payload_len = b->payload.len;
	r = SGN_OK;
out:
	if (r != SGN_OK && res->check[0] == '\0') {
		snprintf(res->check, sizeof(res->check), "input");
		snprintf(res->reason, sizeof(res->reason), "%s",
		    eb != NULL ? eb->msg : sgn_strerror(r));
	}
	sgn_intoto_free(&st);
	sgn_cert_free(&c.leaf);
	sgn_pubkey_free(&c.raw_key);
	return r;
}

sgn_err
sgn_verify_plain(const struct sgn_bundle *b,
    const struct sgn_plain_trust *t, const uint8_t **payload,
    size_t *payload_len, struct sgn_verify_result *res,
    struct sgn_errbuf *eb)
{
	struct sgn_verify_result full, *work;
	struct sgn_plain_trust pt;
	sgn_err r;

	if (payload != NULL)
		*payload = NULL;
	if (payload_len != NULL)
		*payload_len = 0;
	if ((r = sgn_vres_open(res, &full, &work, eb)) != SGN_OK)
		return r;
	if (t == NULL)
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "sgn_verify_plain: missing argument");
	else if ((r = sgn_sized_in(&pt, sizeof(pt), t, "sgn_plain_trust",
	    eb)) == SGN_OK)
		r = plain_whole(b, &pt, payload, payload_len, work, eb);
	sgn_vres_close(res, work);
	return r;
}
