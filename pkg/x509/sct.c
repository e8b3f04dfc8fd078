/*
 * Embedded SCTs (RFC 6962 sections 3.2 and 3.3).  For each SCT in the
 * leaf we rebuild the digitally-signed structure of a precert entry:
 *
 *   version(0) signature_type(0) timestamp(8) entry_type(1, 2 bytes)
 *   issuer_key_hash(32) u24-length TBSCertificate-without-SCT-extension
 *   u16-length extensions
 *
 * The TBS must be re-encoded after the extension is removed
 * (i2d_re_X509_tbs): X509_delete_ext() leaves OpenSSL's cached encoding.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "x509.h"

#define MAX_SCTS 16

void
sgn_scts_free(struct sgn_sct *scts, size_t n)
{
	size_t i;

	if (scts == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(scts[i].sig);
		free(scts[i].signed_data);
	}
	free(scts);
}

static sgn_err
precert_tbs(X509 *leaf, unsigned char **tbs, int *tbs_len,
    struct sgn_errbuf *eb)
{
	X509 *dup;
	X509_EXTENSION *ext;
	int idx;

	*tbs = NULL;
	if ((dup = X509_dup(leaf)) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
	idx = X509_get_ext_by_NID(dup, NID_ct_precert_scts, -1);
	if (idx < 0) {
		X509_free(dup);
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "certificate has no embedded SCT");
	}
	ext = X509_delete_ext(dup, idx);
	X509_EXTENSION_free(ext);
	*tbs_len = i2d_re_X509_tbs(dup, tbs);
	X509_free(dup);
	if (*tbs_len <= 0)
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
		    "cannot encode the precertificate");
	return SGN_OK;
}

static void
put_u(uint8_t *p, uint64_t v, int bytes)
{
	int i;

	for (i = bytes - 1; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

sgn_err
sgn_cert_scts(const struct sgn_cert *leafc, const struct sgn_cert *issuerc,
    struct sgn_sct **sctsp, size_t *np, struct sgn_errbuf *eb)
{
	X509 *leaf = sgn_cert_x509(leafc), *issuer = sgn_cert_x509(issuerc);
	STACK_OF(SCT) *list = NULL;
	struct sgn_sct *scts = NULL;
	unsigned char *tbs = NULL, *spki = NULL;
	uint8_t ikh[32];
	int tbs_len = 0, spki_len, cnt, i, crit = -1;
	size_t n = 0;
	sgn_err r = SGN_ERR_VERIFY;

	*sctsp = NULL;
	*np = 0;
	list = X509_get_ext_d2i(leaf, NID_ct_precert_scts, &crit, NULL);
	if (list == NULL) {
		ERR_clear_error();
		return sgn_errf(eb, SGN_ERR_VERIFY, crit == -1 ?
		    "certificate has no embedded SCT" :
		    "certificate has a malformed SCT list");
	}
	cnt = sk_SCT_num(list);
	if (cnt <= 0 || cnt > MAX_SCTS) {
		r = sgn_errf(eb, SGN_ERR_VERIFY,
		    "certificate has %d embedded SCTs", cnt);
		goto out;
	}
	if ((r = precert_tbs(leaf, &tbs, &tbs_len, eb)) != SGN_OK)
		goto out;
	if (tbs_len > 0xffffff) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "certificate too large");
		goto out;
	}
	spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &spki);
	if (spki_len <= 0) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
		    "cannot encode issuer key");
		goto out;
	}
	if ((r = sgn_hash(SGN_HASH_SHA256, spki, (size_t)spki_len, ikh,
	    eb)) != SGN_OK)
		goto out;
	if ((scts = calloc((size_t)cnt, sizeof(*scts))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < cnt; i++) {
		SCT *s = sk_SCT_value(list, i);
		struct sgn_sct *o = &scts[n];
		unsigned char *id = NULL, *ext = NULL, *sig = NULL;
		size_t idlen, extlen, siglen, off;
		int nid;

		if (SCT_get_version(s) != SCT_VERSION_V1) {
			r = sgn_errf(eb, SGN_ERR_VERIFY,
			    "unsupported SCT version");
			goto out;
		}
		idlen = SCT_get0_log_id(s, &id);
		extlen = SCT_get0_extensions(s, &ext);
		siglen = SCT_get0_signature(s, &sig);
		nid = SCT_get_signature_nid(s);
		if (idlen != 32 || extlen > 0xffff || siglen == 0 ||
		    sig == NULL) {
			r = sgn_errf(eb, SGN_ERR_VERIFY, "malformed SCT");
			goto out;
		}
		if (nid == NID_ecdsa_with_SHA256) {
			o->is_rsa = 0;
		} else if (nid == NID_sha256WithRSAEncryption) {
			o->is_rsa = 1;
		} else {
			r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
			    "unsupported SCT signature algorithm");
			goto out;
		}
		o->hash = SGN_HASH_SHA256;
		memcpy(o->log_id, id, 32);
		o->timestamp_ms = SCT_get_timestamp(s);
		if ((o->sig = malloc(siglen)) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		memcpy(o->sig, sig, siglen);
		o->sig_len = siglen;
		o->signed_len = 1 + 1 + 8 + 2 + 32 + 3 + (size_t)tbs_len +
		    2 + extlen;
		if ((o->signed_data = malloc(o->signed_len)) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		n++;
		off = 0;
		o->signed_data[off++] = 0;	/* v1 */
		o->signed_data[off++] = 0;	/* certificate_timestamp */
		put_u(o->signed_data + off, o->timestamp_ms, 8);
		off += 8;
		put_u(o->signed_data + off, 1, 2);	/* precert_entry */
		off += 2;
		memcpy(o->signed_data + off, ikh, 32);
		off += 32;
		put_u(o->signed_data + off, (uint64_t)tbs_len, 3);
		off += 3;
		memcpy(o->signed_data + off, tbs, (size_t)tbs_len);
		off += (size_t)tbs_len;
		put_u(o->signed_data + off, extlen, 2);
		off += 2;
		if (extlen > 0)
			memcpy(o->signed_data + off, ext, extlen);
	}
	*sctsp = scts;
	*np = n;
	scts = NULL;
	r = SGN_OK;
out:
	sgn_scts_free(scts, n);
	SCT_LIST_free(list);
	OPENSSL_free(tbs);
	OPENSSL_free(spki);
	ERR_clear_error();
	return r;
}
