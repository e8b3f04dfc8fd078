/*
 * Embedded SCTs (RFC 6962 sections 3.2 and 3.3).  For each SCT in the
 * leaf we rebuild the digitally-signed structure of a precert entry:
 *
 *   version(0) signature_type(0) timestamp(8) entry_type(1, 2 bytes)
 *   issuer_key_hash(32) u24-length TBSCertificate-without-SCT-extension
 *   u16-length extensions
 *
 * The TBS is the leaf's own DER with the SCT extension cut out and the
 * enclosing lengths re-encoded (see precert_tbs()).
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
sgn_scts_free(struct sgn_sct **sctsp, size_t *np)
{
	struct sgn_sct *scts;
	size_t i, n;

	if (sctsp == NULL)
		return;
	scts = *sctsp;
	n = np != NULL ? *np : 0;
	*sctsp = NULL;
	if (np != NULL)
		*np = 0;
	if (scts == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(scts[i].sig);
		free(scts[i].signed_data);
	}
	free(scts);
}

/* DER: one TLV at p[0..n); sets the header and content lengths. */
static int
der_tlv(const uint8_t *p, size_t n, uint8_t *tag, size_t *hdr, size_t *len)
{
	size_t i, k, l = 0;

	if (n < 2 || (p[0] & 0x1f) == 0x1f)
		return -1;
	*tag = p[0];
	if (p[1] < 0x80) {
		*hdr = 2;
		l = p[1];
	} else {
		k = p[1] & 0x7f;
		if (k == 0 || k > 3 || n < 2 + k)
			return -1;
		for (i = 0; i < k; i++)
			l = l << 8 | p[2 + i];
		*hdr = 2 + k;
	}
	if (l > n - *hdr)
		return -1;
	*len = l;
	return 0;
}

/* Writes a DER header for (tag, len) at out; returns its size. */
static size_t
der_hdr(uint8_t *out, uint8_t tag, size_t len)
{
	out[0] = tag;
	if (len < 0x80) {
		out[1] = (uint8_t)len;
		return 2;
	}
	if (len < 0x100) {
		out[1] = 0x81;
		out[2] = (uint8_t)len;
		return 3;
	}
	if (len < 0x10000) {
		out[1] = 0x82;
		out[2] = (uint8_t)(len >> 8);
		out[3] = (uint8_t)len;
		return 4;
	}
	out[1] = 0x83;
	out[2] = (uint8_t)(len >> 16);
	out[3] = (uint8_t)(len >> 8);
	out[4] = (uint8_t)len;
	return 5;
}

/*
 * The precertificate TBS: the leaf's TBSCertificate with the SCT-list
 * extension removed and the enclosing lengths re-encoded, every other
 * byte unchanged (RFC 6962 section 3.2).  Done on the DER itself:
 * OpenSSL's X509_dup() and i2d_re_X509_tbs() re-decode and re-encode the
 * whole certificate, which costs more than the rest of a verification.
 */
static sgn_err
precert_tbs(const uint8_t *der, size_t n, uint8_t **outp, size_t *outlen,
    struct sgn_errbuf *eb)
{
	/* 1.3.6.1.4.1.11129.2.4.2 */
	static const uint8_t sct_oid[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04,
	    0x01, 0xd6, 0x79, 0x02, 0x04, 0x02 };
	const uint8_t *tbs, *ext = NULL, *exts, *e, *cut = NULL;
	size_t h, l, tbs_len, off, ext_off = 0, exts_len, cut_len = 0;
	size_t new_exts, new_a3, new_tbs, pos;
	uint8_t tag, *out;

	*outp = NULL;
	*outlen = 0;
	/* Certificate ::= SEQUENCE { tbsCertificate, ... } */
	if (der_tlv(der, n, &tag, &off, &l) != 0 || tag != 0x30 ||
	    der_tlv(der + off, l, &tag, &h, &l) != 0 || tag != 0x30)
		goto bad;
	tbs = der + off + h;
	tbs_len = l;
	/* Find [3] Extensions among the TBS fields. */
	for (off = 0; off < tbs_len; off += h + l) {
		if (der_tlv(tbs + off, tbs_len - off, &tag, &h, &l) != 0)
			goto bad;
		if (tag == 0xa3) {
			ext = tbs + off;
			ext_off = off;
			if (off + h + l != tbs_len)
				goto bad;
			break;
		}
	}
	if (ext == NULL)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "certificate has no embedded SCT");
	exts = ext + h;
	if (der_tlv(exts, l, &tag, &h, &exts_len) != 0 || tag != 0x30 ||
	    h + exts_len != l)
		goto bad;
	exts += h;
	for (off = 0; off < exts_len; off += h + l) {
		e = exts + off;
		if (der_tlv(e, exts_len - off, &tag, &h, &l) != 0 ||
		    tag != 0x30)
			goto bad;
		if (l >= sizeof(sct_oid) &&
		    memcmp(e + h, sct_oid, sizeof(sct_oid)) == 0) {
			if (cut != NULL)
				goto bad;	/* twice */
			cut = e;
			cut_len = h + l;
		}
	}
	if (cut == NULL)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "certificate has no embedded SCT");
	new_exts = exts_len - cut_len;
	new_a3 = new_exts + (new_exts < 0x80 ? 2 : new_exts < 0x100 ? 3 :
	    new_exts < 0x10000 ? 4 : 5);
	new_tbs = ext_off + new_a3 + (new_a3 < 0x80 ? 2 : new_a3 < 0x100 ?
	    3 : new_a3 < 0x10000 ? 4 : 5);
	if (new_tbs > 0xffffff)
		goto bad;
	if ((out = malloc(new_tbs + 5)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	pos = der_hdr(out, 0x30, new_tbs);
	memcpy(out + pos, tbs, ext_off);
	pos += ext_off;
	pos += der_hdr(out + pos, 0xa3, new_a3);
	pos += der_hdr(out + pos, 0x30, new_exts);
	memcpy(out + pos, exts, (size_t)(cut - exts));
	pos += (size_t)(cut - exts);
	memcpy(out + pos, cut + cut_len, exts_len - (size_t)(cut - exts) -
	    cut_len);
	pos += exts_len - (size_t)(cut - exts) - cut_len;
	*outp = out;
	*outlen = pos;
	return SGN_OK;
bad:
	return sgn_errf(eb, SGN_ERR_PARSE,
	    "certificate: malformed DER around the extensions");
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
	unsigned char *spki = NULL;
	uint8_t ikh[32], *tbs = NULL;
	int spki_len, cnt, i, crit = -1;
	size_t n = 0, tbs_len = 0;
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
	if ((r = precert_tbs(sgn_cert_der_ptr(leafc), sgn_cert_der_len(leafc),
	    &tbs, &tbs_len, eb)) != SGN_OK)
		goto out;
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
		/* Counted from here on, so that cleanup frees its buffers. */
		n++;
		if ((o->sig = malloc(siglen)) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		memcpy(o->sig, sig, siglen);
		o->sig_len = siglen;
		o->signed_len = 1 + 1 + 8 + 2 + 32 + 3 + tbs_len + 2 + extlen;
		if ((o->signed_data = malloc(o->signed_len)) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		off = 0;
		o->signed_data[off++] = 0;	/* v1 */
		o->signed_data[off++] = 0;	/* certificate_timestamp */
		put_u(o->signed_data + off, o->timestamp_ms, 8);
		off += 8;
		put_u(o->signed_data + off, 1, 2);	/* precert_entry */
		off += 2;
		memcpy(o->signed_data + off, ikh, 32);
		off += 32;
		put_u(o->signed_data + off, tbs_len, 3);
		off += 3;
		memcpy(o->signed_data + off, tbs, tbs_len);
		off += tbs_len;
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
	sgn_scts_free(&scts, &n);
	SCT_LIST_free(list);
	free(tbs);
	OPENSSL_free(spki);
	ERR_clear_error();
	return r;
}
