/*
 * OpenSSF model signing's key and certificate methods (see sign.h): a
 * DSSE bundle signed by a key of the caller's, with no service involved.
 */
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "bundle_int.h"
#include "dsse.h"
#include "keys.h"
#include "sign.h"
#include "verify.h"
#include "x509.h"

/* The leaf is the signer's and may sign; the rest are certificates. */
static sgn_err
check_certs(const struct sgn_pubkey *pub, const struct sgn_blob *certs,
    size_t n, struct sgn_cert **leafp, struct sgn_errbuf *eb)
{
	struct sgn_cert *leaf = NULL, *c = NULL;
	struct sgn_errbuf tmp;
	size_t i;
	sgn_err r;

	*leafp = NULL;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_cert_from_der(certs[0].ptr, certs[0].len, &leaf,
	    &tmp)) != SGN_OK)
		return sgn_errf(eb, r, "signing certificate: %s", tmp.msg);
	if (!sgn_pubkey_equal(sgn_cert_pubkey(leaf), pub)) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "signing "
		    "certificate: its public key (%s) is not the private "
		    "key's (%s)", sgn_pubkey_describe(sgn_cert_pubkey(leaf)),
		    sgn_pubkey_describe(pub));
		goto out;
	}
	if ((r = sgn_cert_check_signing_usage(leaf, &tmp)) != SGN_OK) {
		r = sgn_errf(eb, r, "signing certificate: %s", tmp.msg);
		goto out;
	}
	for (i = 1; i < n; i++) {
		sgn_errbuf_clear(&tmp);
		if ((r = sgn_cert_from_der(certs[i].ptr, certs[i].len, &c,
		    &tmp)) != SGN_OK) {
			r = sgn_errf(eb, r, "certificate chain: certificate "
			    "%zu: %s", i, tmp.msg);
			goto out;
		}
		sgn_cert_free(&c);
	}
	*leafp = leaf;
	leaf = NULL;
	r = SGN_OK;
out:
	sgn_cert_free(&leaf);
	return r;
}

/* Parses the new bundle back and checks its signature. */
static sgn_err
check_result(const struct sgn_buf *json, const struct sgn_pubkey *pub,
    const struct sgn_cert *leaf, struct sgn_errbuf *eb)
{
	struct sgn_bundle *b = NULL;
	struct sgn_verify_result res;
	struct sgn_plain_trust t;
	struct sgn_errbuf tmp;
	struct sgn_buf pae;
	const struct sgn_pubkey *k;
	sgn_err r;

	res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	sgn_buf_init(&pae, 0);
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_bundle_parse(json->ptr, json->len, &b, &tmp)) != SGN_OK) {
		r = sgn_errf(eb, SGN_ERR_INTERNAL, "the new bundle does not "
		    "parse: %s", tmp.msg);
		goto out;
	}
	if (leaf == NULL) {
		t = (struct sgn_plain_trust)SGN_PLAIN_TRUST_INIT;
		t.key = pub;
		if ((r = sgn_verify_plain(b, &t, NULL, NULL, &res, &tmp)) !=
		    SGN_OK || res.legacy != 0) {
			r = sgn_errf(eb, SGN_ERR_CRYPTO, "the new bundle does "
			    "not verify: %s", tmp.msg);
			goto out;
		}
	} else {
		k = sgn_cert_pubkey(leaf);
		if ((r = sgn_dsse_pae(b->payload_type, b->payload.ptr,
		    b->payload.len, &pae, eb)) != SGN_OK)
			goto out;
		if ((r = sgn_pubkey_verify(k, sgn_pubkey_default_hash(k),
		    pae.ptr, pae.len, b->signature.ptr, b->signature.len,
		    &tmp)) != SGN_OK) {
			r = sgn_errf(eb, SGN_ERR_CRYPTO, "the new signature "
			    "does not verify with the certificate's key: %s",
			    tmp.msg);
			goto out;
		}
	}
	r = SGN_OK;
out:
	sgn_verify_result_reset(&res);
	sgn_buf_reset(&pae);
	sgn_bundle_free(&b);
	return r;
}

sgn_err
sgn_sign_intoto_plain(struct sgn_signer *s, const struct sgn_blob *certs,
    size_t n_certs, const uint8_t *statement, size_t len,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	struct sgn_intoto_statement *st = NULL;
	const struct sgn_pubkey *pub;
	struct sgn_cert *leaf = NULL;
	struct sgn_bundle_view b;
	struct sgn_buf pae, json;
	char hint[SGN_PUBKEY_HINT_LEN];
	uint8_t *sig = NULL;
	size_t siglen = 0;
	sgn_err r;

	sgn_buf_init(&pae, 0);
	sgn_buf_init(&json, SGN_MAX_MODEL_BUNDLE_BYTES);
	if (s == NULL || statement == NULL || out == NULL ||
	    (certs == NULL) != (n_certs == 0))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "sgn_sign_intoto_plain: missing argument");
	if (n_certs > SGN_BUNDLE_MAX_CHAIN)
		return sgn_errf(eb, SGN_ERR_LIMIT, "certificate chain: more "
		    "than %d certificates", SGN_BUNDLE_MAX_CHAIN);
	pub = sgn_signer_pubkey(s);
	if (!sgn_pubkey_is_ecdsa(pub))
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "model signing signs "
		    "with ECDSA P-256, P-384 or P-521 keys, not %s",
		    sgn_pubkey_describe(pub));
	if ((r = sgn_intoto_parse(statement, len, &st, eb)) != SGN_OK)
		goto out;
	memset(&b, 0, sizeof(b));
	if (certs != NULL) {
		if ((r = check_certs(pub, certs, n_certs, &leaf, eb)) !=
		    SGN_OK)
			goto out;
		b.material = SGN_MATERIAL_CHAIN;
		/* The view only reads them: lend them. */
		if ((r = sgn_bundle_view_certs(&b, certs, n_certs, eb)) !=
		    SGN_OK)
			goto out;
	} else {
		if ((r = sgn_pubkey_pem_hint(pub, hint, eb)) != SGN_OK)
			goto out;
		b.material = SGN_MATERIAL_PUBLIC_KEY;
		b.key_hint = hint;
	}
	if ((r = sgn_dsse_pae(SGN_INTOTO_PAYLOAD_TYPE, statement, len, &pae,
	    eb)) != SGN_OK ||
	    (r = sgn_signer_sign(s, pae.ptr, pae.len, &sig, &siglen, eb)) !=
	    SGN_OK)
		goto out;
	b.content = SGN_CONTENT_DSSE;
	b.payload.ptr = statement;
	b.payload.len = len;
	b.payload_type = SGN_INTOTO_PAYLOAD_TYPE;
	b.signature.ptr = sig;
	b.signature.len = siglen;
	b.keyid = "";
	if ((r = sgn_bundle_view_serialize(&b, &json, eb)) != SGN_OK ||
	    (r = check_result(&json, pub, leaf, eb)) != SGN_OK)
		goto out;
	r = sgn_buf_append(out, json.ptr, json.len, eb);
out:
	free(sig);
	sgn_cert_free(&leaf);
	sgn_intoto_free(&st);
	sgn_buf_reset(&pae);
	sgn_buf_reset(&json);
	return r;
}
