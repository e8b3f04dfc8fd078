/*
 * RFC 3161 requests: build a TimeStampReq, post it, check the reply's
 * status, imprint and nonce.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "http.h"
#include "tsa.h"
#include "tsa_client.h"

static sgn_err
build_request(const uint8_t *digest, uint64_t nonce, uint8_t **out,
    size_t *outlen, struct sgn_errbuf *eb)
{
	TS_REQ *req = NULL;
	TS_MSG_IMPRINT *mi = NULL;
	X509_ALGOR *alg = NULL;
	ASN1_INTEGER *n = NULL;
	BIGNUM *bn = NULL;
	unsigned char *der = NULL;
	uint8_t nb[8];
	int len, i;
	sgn_err r = SGN_ERR_CRYPTO;

	for (i = 0; i < 8; i++)
		nb[i] = (uint8_t)(nonce >> (56 - 8 * i));
	if ((req = TS_REQ_new()) == NULL || (mi = TS_MSG_IMPRINT_new()) ==
	    NULL || (alg = X509_ALGOR_new()) == NULL ||
	    (bn = BN_bin2bn(nb, 8, NULL)) == NULL ||
	    (n = BN_to_ASN1_INTEGER(bn, NULL)) == NULL)
		goto fail;
	if (X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL,
	    NULL) != 1 || TS_MSG_IMPRINT_set_algo(mi, alg) != 1 ||
	    TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)(uintptr_t)digest,
	    32) != 1 || TS_REQ_set_version(req, 1) != 1 ||
	    TS_REQ_set_msg_imprint(req, mi) != 1 ||
	    TS_REQ_set_nonce(req, n) != 1 ||
	    TS_REQ_set_cert_req(req, 1) != 1)
		goto fail;
	if ((len = i2d_TS_REQ(req, &der)) <= 0)
		goto fail;
	if ((*out = malloc((size_t)len)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(*out, der, (size_t)len);
	*outlen = (size_t)len;
	r = SGN_OK;
	goto out;
fail:
	r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "cannot build a timestamp "
	    "request");
out:
	OPENSSL_free(der);
	ASN1_INTEGER_free(n);
	BN_free(bn);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return r;
}

static uint64_t
nonce_of(const TS_TST_INFO *tst, int *ok)
{
	const ASN1_INTEGER *n = TS_TST_INFO_get_nonce(tst);
	uint64_t v = 0;

	*ok = n != NULL && ASN1_INTEGER_get_uint64(&v, n) == 1;
	ERR_clear_error();
	return v;
}

sgn_err
sgn_tsa_request(struct sgn_http *http, const char *url, const uint8_t *data,
    size_t data_len, uint8_t **respp, size_t *resp_len,
    struct sgn_errbuf *eb)
{
	struct sgn_http_request req;
	struct sgn_http_response res;
	struct sgn_tsa_info info;
	struct sgn_errbuf tmp;
	uint8_t digest[32], *der = NULL;
	const unsigned char *p;
	size_t der_len = 0;
	uint64_t nonce = 0;
	TS_RESP *resp = NULL;
	char text[160];
	int ok;
	sgn_err r;

	*respp = NULL;
	*resp_len = 0;
	memset(&res, 0, sizeof(res));
	if (RAND_bytes((unsigned char *)&nonce, sizeof(nonce)) != 1)
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "no randomness");
	nonce &= 0x7fffffffffffffffULL;	/* a positive INTEGER */
	if ((r = sgn_hash(SGN_HASH_SHA256, data, data_len, digest, eb)) !=
	    SGN_OK ||
	    (r = build_request(digest, nonce, &der, &der_len, eb)) != SGN_OK)
		return r;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers[req.n_headers++] =
	    "Content-Type: application/timestamp-query";
	req.headers[req.n_headers++] = "Accept: application/timestamp-reply";
	req.body = der;
	req.body_len = der_len;
	if ((r = sgn_http_do(http, "TSA", &req, &res, eb)) != SGN_OK)
		goto out;
	if (res.status < 200 || res.status > 299) {
		sgn_http_error_text(&res, text, sizeof(text));
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "TSA %.100s: HTTP %ld: "
		    "%s", url, res.status, text);
		goto out;
	}
	/* Parse strictly (status granted, SHA-2 imprint, exact DER). */
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_tsa_parse(res.body.ptr, res.body.len, &info, &tmp)) !=
	    SGN_OK) {
		r = sgn_errf(eb, r, "TSA %.100s: %s", url, tmp.msg);
		goto out;
	}
	if (info.imprint_alg != SGN_HASH_SHA256 || info.imprint_len != 32 ||
	    memcmp(info.imprint, digest, 32) != 0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "TSA %.100s: the timestamp "
		    "covers something else than the signature", url);
		goto out;
	}
	p = res.body.ptr;
	if ((resp = d2i_TS_RESP(NULL, &p, (long)res.body.len)) == NULL ||
	    TS_RESP_get_tst_info(resp) == NULL) {
		r = sgn_errf_ssl(eb, SGN_ERR_PARSE, "TSA %.100s: unreadable "
		    "reply", url);
		goto out;
	}
	if (nonce_of(TS_RESP_get_tst_info(resp), &ok) != nonce || !ok) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "TSA %.100s: the timestamp "
		    "does not carry our nonce", url);
		goto out;
	}
	*respp = sgn_buf_take(&res.body, resp_len);
	r = *respp != NULL ? SGN_OK : sgn_errf(eb, SGN_ERR_NOMEM,
	    "out of memory");
out:
	TS_RESP_free(resp);
	free(der);
	sgn_http_response_reset(&res);
	return r;
}
