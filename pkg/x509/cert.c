/*
 * Certificates: parsing, accessors, Fulcio identity, path validation.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "x509.h"

struct sgn_cert {
	X509			*x;
	uint8_t			*der;
	size_t			 der_len;
	uint8_t			 fp[32];
	struct sgn_time		 nb;
	struct sgn_time		 na;
	struct sgn_pubkey	*key;
	char			 cn[128];
	int			 refs;
};

static sgn_err
asn1_to_time(const ASN1_TIME *a, struct sgn_time *t, struct sgn_errbuf *eb)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (a == NULL || ASN1_TIME_to_tm(a, &tm) != 1)
		return sgn_errf_ssl(eb, SGN_ERR_PARSE,
		    "invalid certificate time");
	t->sec = sgn_time_days_from_civil((int64_t)tm.tm_year + 1900,
	    (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday) * 86400 +
	    tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	t->nsec = 0;
	return SGN_OK;
}

static sgn_err
wrap(X509 *x, const uint8_t *in, size_t inlen, struct sgn_cert **out,
    struct sgn_errbuf *eb)
{
	struct sgn_cert *c;
	unsigned char *der = NULL, *spki = NULL;
	int slen;
	sgn_err r;
	EVP_PKEY *pk;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		X509_free(x);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	c->x = x;
	c->refs = 1;
	/* The input is exactly one DER certificate: keep its bytes. */
	if ((der = OPENSSL_memdup(in, inlen)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto fail;
	}
	c->der = der;
	c->der_len = inlen;
	if ((r = sgn_hash(SGN_HASH_SHA256, der, c->der_len, c->fp, eb)) !=
	    SGN_OK)
		goto fail;
	if ((r = asn1_to_time(X509_get0_notBefore(x), &c->nb, eb)) !=
	    SGN_OK ||
	    (r = asn1_to_time(X509_get0_notAfter(x), &c->na, eb)) != SGN_OK)
		goto fail;
	if ((pk = X509_get0_pubkey(x)) == NULL ||
	    (slen = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki)) <= 0) {
		r = sgn_errf_ssl(eb, SGN_ERR_PARSE,
		    "certificate has an unreadable public key");
		goto fail;
	}
	r = sgn_pubkey_from_evp(pk, spki, (size_t)slen, &c->key, eb);
	OPENSSL_free(spki);
	spki = NULL;
	if (r != SGN_OK)
		goto fail;
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, c->cn, (int)sizeof(c->cn)) < 0)
		c->cn[0] = '\0';
	ERR_clear_error();
	*out = c;
	return SGN_OK;
fail:
	sgn_cert_free(&c);
	return r;
}

sgn_err
sgn_cert_from_der(const uint8_t *der, size_t len, struct sgn_cert **out,
    struct sgn_errbuf *eb)
{
	const unsigned char *p = der;
	X509 *x;

	*out = NULL;
	if (der == NULL || len == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "empty certificate");
	if (len > SGN_MAX_CERT_BYTES)
		return sgn_errf(eb, SGN_ERR_LIMIT, "certificate too large");
	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_PARSE, "invalid certificate");
	if (p != der + len) {
		X509_free(x);
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "trailing data after certificate");
	}
	return wrap(x, der, len, out, eb);
}

sgn_err
sgn_cert_from_pem(const char *pem, size_t len, struct sgn_cert **out,
    struct sgn_errbuf *eb)
{
	static const char *const labels[] = { "CERTIFICATE" };
	uint8_t *der;
	size_t dlen;
	sgn_err r;

	*out = NULL;
	if ((r = sgn_pem_block(pem, len, labels, 1, "certificate", 1, NULL,
	    &der, &dlen, eb)) != SGN_OK)
		return r;
	r = sgn_cert_from_der(der, dlen, out, eb);
	free(der);
	return r;
}

sgn_err
sgn_certs_from_pem(const char *pem, size_t len, size_t max,
    struct sgn_cert ***certsp, size_t *np, struct sgn_errbuf *eb)
{
	struct sgn_cert **v = NULL, **nv;
	struct sgn_errbuf tmp;
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	unsigned long e;
	long dlen = 0;
	size_t n = 0, cap = 0, block = 0;
	BIO *bio = NULL;
	sgn_err r = SGN_ERR_PARSE;

	*certsp = NULL;
	*np = 0;
	if (pem == NULL || len == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "no PEM certificate found");
	if (len > SGN_MAX_CERT_PEM_BYTES)
		return sgn_errf(eb, SGN_ERR_LIMIT, "PEM certificates larger "
		    "than %u bytes", SGN_MAX_CERT_PEM_BYTES);
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
	for (;;) {
		if (PEM_read_bio(bio, &name, &header, &data, &dlen) != 1) {
			e = ERR_peek_last_error();
			if (ERR_GET_LIB(e) == ERR_LIB_PEM &&
			    ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
				ERR_clear_error();
				break;
			}
			r = sgn_errf_ssl(eb, SGN_ERR_PARSE,
			    "PEM block %zu: malformed", block + 1);
			goto out;
		}
		block++;
		if (strcmp(name, "CERTIFICATE") == 0) {
			if (n == max) {
				r = sgn_errf(eb, SGN_ERR_LIMIT,
				    "more than %zu PEM certificates", max);
				goto out;
			}
			if (n == cap) {
				cap = cap == 0 ? 4 : cap * 2;
				if ((nv = realloc(v, cap * sizeof(*v))) ==
				    NULL) {
					r = sgn_errf(eb, SGN_ERR_NOMEM,
					    "out of memory");
					goto out;
				}
				v = nv;
			}
			sgn_errbuf_clear(&tmp);
			if ((r = sgn_cert_from_der(data, (size_t)dlen, &v[n],
			    &tmp)) != SGN_OK) {
				r = sgn_errf(eb, r, "PEM certificate %zu: %s",
				    n + 1, tmp.msg);
				goto out;
			}
			n++;
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
		name = header = NULL;
		data = NULL;
	}
	if (n == 0) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "no PEM certificate found");
		goto out;
	}
	*certsp = v;
	*np = n;
	v = NULL;
	n = 0;
	r = SGN_OK;
out:
	sgn_certs_free(&v, &n);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(bio);
	return r;
}

void
sgn_certs_free(struct sgn_cert ***certsp, size_t *np)
{
	struct sgn_cert **certs;
	size_t i, n;

	if (certsp == NULL)
		return;
	certs = *certsp;
	n = np != NULL ? *np : 0;
	*certsp = NULL;
	if (np != NULL)
		*np = 0;
	if (certs == NULL)
		return;
	for (i = 0; i < n; i++)
		sgn_cert_free(&certs[i]);
	free(certs);
}

void
sgn_cert_free(struct sgn_cert **cp)
{
	struct sgn_cert *c;

	if (cp == NULL || (c = *cp) == NULL)
		return;
	*cp = NULL;
	if (__atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	X509_free(c->x);
	OPENSSL_free(c->der);
	sgn_pubkey_free(&c->key);
	free(c);
}

struct sgn_cert *
sgn_cert_ref(struct sgn_cert *c)
{
	__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	return c;
}

const uint8_t *
sgn_cert_der_ptr(const struct sgn_cert *c)
{
	return c->der;
}

size_t
sgn_cert_der_len(const struct sgn_cert *c)
{
	return c->der_len;
}

const uint8_t *
sgn_cert_fingerprint(const struct sgn_cert *c)
{
	return c->fp;
}

struct sgn_time
sgn_cert_not_before(const struct sgn_cert *c)
{
	return c->nb;
}

struct sgn_time
sgn_cert_not_after(const struct sgn_cert *c)
{
	return c->na;
}

const struct sgn_pubkey *
sgn_cert_pubkey(const struct sgn_cert *c)
{
	return c->key;
}

int
sgn_cert_is_ca(const struct sgn_cert *c)
{
	return (X509_get_extension_flags(c->x) & EXFLAG_CA) != 0;
}

int
sgn_cert_is_self_signed(const struct sgn_cert *c)
{
	int r = X509_self_signed(c->x, 1) == 1;

	ERR_clear_error();
	return r;
}

int
sgn_cert_issued_by(const struct sgn_cert *leaf, const struct sgn_cert *issuer)
{
	/* Names and key identifiers only: path validation checks the
	 * signature. */
	int r = X509_check_issued(issuer->x, leaf->x) == X509_V_OK;

	ERR_clear_error();
	return r;
}

const char *
sgn_cert_subject_cn(const struct sgn_cert *c)
{
	return c->cn;
}

int
sgn_cert_valid_at(const struct sgn_cert *c, struct sgn_time t)
{
	/* Certificate times have whole seconds; compare at that grain. */
	return t.sec >= c->nb.sec && t.sec <= c->na.sec;
}

sgn_err
sgn_cert_to_pem(const struct sgn_cert *c, char **pem, size_t *len,
    struct sgn_errbuf *eb)
{
	BIO *bio;
	BUF_MEM *bm = NULL;
	char *p;

	*pem = NULL;
	*len = 0;
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
	if (PEM_write_bio_X509(bio, c->x) != 1 ||
	    BIO_get_mem_ptr(bio, &bm) != 1 || bm == NULL) {
		BIO_free(bio);
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "cannot write PEM");
	}
	if ((p = malloc(bm->length + 1)) == NULL) {
		BIO_free(bio);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	memcpy(p, bm->data, bm->length);
	p[bm->length] = '\0';
	*pem = p;
	*len = bm->length;
	BIO_free(bio);
	return SGN_OK;
}

struct x509_st *
sgn_cert_x509(const struct sgn_cert *c)
{
	return c->x;
}

/* Identity -------------------------------------------------------------- */

const char *
sgn_san_type_name(sgn_san_type t)
{
	switch (t) {
	case SGN_SAN_EMAIL:
		return "email";
	case SGN_SAN_URI:
		return "URI";
	case SGN_SAN_OTHERNAME:
		return "username";
	default:
		return "none";
	}
}

void
sgn_sans_free(struct sgn_san **sansp, size_t *np)
{
	struct sgn_san *sans;
	size_t i, n;

	if (sansp == NULL)
		return;
	sans = *sansp;
	n = np != NULL ? *np : 0;
	*sansp = NULL;
	if (np != NULL)
		*np = 0;
	if (sans == NULL)
		return;
	for (i = 0; i < n; i++)
		free(sans[i].value);
	free(sans);
}

/* A printable copy of an ASN.1 string: no NUL, no control characters. */
static char *
text_of(const unsigned char *p, int len)
{
	char *s;
	int i;

	if (p == NULL || len < 0 || len > 8192)
		return NULL;
	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return NULL;
	if ((s = malloc((size_t)len + 1)) == NULL)
		return NULL;
	memcpy(s, p, (size_t)len);
	s[len] = '\0';
	return s;
}

static const char FULCIO_ARC[] = "1.3.6.1.4.1.57264.1.";

sgn_err
sgn_cert_sans(const struct sgn_cert *c, struct sgn_san **sansp, size_t *np,
    struct sgn_errbuf *eb)
{
	GENERAL_NAMES *gens;
	struct sgn_san *sans = NULL;
	size_t n = 0;
	int crit = -1, i, cnt;
	char oid[64];
	sgn_err r = SGN_ERR_VERIFY;

	*sansp = NULL;
	*np = 0;
	gens = X509_get_ext_d2i(c->x, NID_subject_alt_name, &crit, NULL);
	if (gens == NULL) {
		ERR_clear_error();
		return sgn_errf(eb, SGN_ERR_VERIFY, crit == -2 ?
		    "certificate has more than one subjectAltName extension" :
		    crit >= 0 ? "certificate has a malformed subject "
		    "alternative name" :
		    "certificate has no subject alternative name");
	}
	cnt = sk_GENERAL_NAME_num(gens);
	if (cnt <= 0 || cnt > 64 ||
	    (sans = calloc((size_t)cnt, sizeof(*sans))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_VERIFY,
		    "certificate has an unusable subject alternative name");
		goto out;
	}
	for (i = 0; i < cnt; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const ASN1_STRING *s = NULL;
		sgn_san_type t = SGN_SAN_NONE;
		int type;

		if (g->type == GEN_EMAIL) {
			s = g->d.rfc822Name;
			t = SGN_SAN_EMAIL;
		} else if (g->type == GEN_URI) {
			s = g->d.uniformResourceIdentifier;
			t = SGN_SAN_URI;
		} else if (g->type == GEN_OTHERNAME) {
			ASN1_OBJECT *obj = NULL;
			ASN1_TYPE *val = NULL;
			GENERAL_NAME_get0_otherName(g, &obj, &val);
			if (obj == NULL || val == NULL ||
			    OBJ_obj2txt(oid, sizeof(oid), obj, 1) <= 0 ||
			    strcmp(oid, "1.3.6.1.4.1.57264.1.7") != 0)
				continue;
			type = ASN1_TYPE_get(val);
			if (type != V_ASN1_UTF8STRING)
				continue;
			s = val->value.utf8string;
			t = SGN_SAN_OTHERNAME;
		} else {
			continue;
		}
		sans[n].type = t;
		if ((sans[n].value = text_of(ASN1_STRING_get0_data(s),
		    ASN1_STRING_length(s))) == NULL) {
			r = sgn_errf(eb, SGN_ERR_VERIFY, "certificate has a "
			    "malformed subject alternative name");
			goto out;
		}
		n++;
	}
	if (n == 0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY,
		    "certificate has no email, URI or username identity");
		goto out;
	}
	*sansp = sans;
	*np = n;
	sans = NULL;
	r = SGN_OK;
out:
	sgn_sans_free(&sans, &n);
	GENERAL_NAMES_free(gens);
	return r;
}

sgn_err
sgn_cert_fulcio_ext(const struct sgn_cert *c, unsigned n, char **value,
    struct sgn_errbuf *eb)
{
	char oid[64];
	ASN1_OBJECT *obj;
	X509_EXTENSION *ext;
	const ASN1_OCTET_STRING *os;
	const unsigned char *p;
	int idx, len;
	char *s = NULL;

	*value = NULL;
	snprintf(oid, sizeof(oid), "%s%u", FULCIO_ARC, n);
	if ((obj = OBJ_txt2obj(oid, 1)) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_INTERNAL, "bad OID %s", oid);
	idx = X509_get_ext_by_OBJ(c->x, obj, -1);
	if (idx >= 0 && X509_get_ext_by_OBJ(c->x, obj, idx) >= 0) {
		ASN1_OBJECT_free(obj);
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "certificate has extension %s twice", oid);
	}
	ASN1_OBJECT_free(obj);
	if (idx < 0)
		return SGN_OK;
	ext = X509_get_ext(c->x, idx);
	os = X509_EXTENSION_get_data(ext);
	p = ASN1_STRING_get0_data(os);
	len = ASN1_STRING_length(os);
	if (n <= 6) {
		s = text_of(p, len);
	} else {
		const unsigned char *q = p;
		ASN1_UTF8STRING *u = d2i_ASN1_UTF8STRING(NULL, &q, len);
		if (u != NULL && q == p + len)
			s = text_of(ASN1_STRING_get0_data(u),
			    ASN1_STRING_length(u));
		ASN1_UTF8STRING_free(u);
		ERR_clear_error();
	}
	if (s == NULL)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "certificate extension %s is malformed", oid);
	*value = s;
	return SGN_OK;
}

sgn_err
sgn_cert_oidc_issuer(const struct sgn_cert *c, char **value,
    struct sgn_errbuf *eb)
{
	char *v8 = NULL, *v1 = NULL;
	sgn_err r;

	*value = NULL;
	if ((r = sgn_cert_fulcio_ext(c, 8, &v8, eb)) != SGN_OK ||
	    (r = sgn_cert_fulcio_ext(c, 1, &v1, eb)) != SGN_OK)
		goto out;
	/*
	 * Fulcio writes both with one value.  Two different issuers make
	 * the identity ambiguous: a policy reading one and a client
	 * reading the other (sigstore-go keeps whichever comes last)
	 * would not agree on who signed.
	 */
	if (v8 != NULL && v1 != NULL && strcmp(v8, v1) != 0) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "certificate's OIDC issuer "
		    "extensions disagree: %s8 is \"%.100s\", the deprecated "
		    "%s1 \"%.100s\"", FULCIO_ARC, v8, FULCIO_ARC, v1);
		goto out;
	}
	if (v8 != NULL) {
		*value = v8;
		v8 = NULL;
	} else {
		*value = v1;
		v1 = NULL;
	}
	r = SGN_OK;
out:
	free(v8);
	free(v1);
	return r;
}

sgn_err
sgn_cert_check_code_signing(const struct sgn_cert *c, struct sgn_errbuf *eb)
{
	uint32_t flags = X509_get_extension_flags(c->x);

	if ((flags & EXFLAG_INVALID) != 0)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "certificate has invalid extensions");
	if ((flags & EXFLAG_CA) != 0)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "signing certificate is a CA certificate");
	if ((flags & EXFLAG_KUSAGE) == 0 ||
	    (X509_get_key_usage(c->x) & KU_DIGITAL_SIGNATURE) == 0)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "signing certificate lacks the digitalSignature key usage");
	if ((flags & EXFLAG_XKUSAGE) == 0 ||
	    (X509_get_extended_key_usage(c->x) & XKU_CODE_SIGN) == 0)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "signing certificate lacks the codeSigning extended key "
		    "usage");
	return SGN_OK;
}

sgn_err
sgn_cert_check_signing_usage(const struct sgn_cert *c, struct sgn_errbuf *eb)
{
	uint32_t flags = X509_get_extension_flags(c->x);

	if ((flags & EXFLAG_INVALID) != 0)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "certificate has invalid extensions");
	if ((flags & EXFLAG_KUSAGE) != 0 &&
	    (X509_get_key_usage(c->x) & KU_DIGITAL_SIGNATURE) != 0)
		return SGN_OK;
	if ((flags & EXFLAG_XKUSAGE) != 0 &&
	    (X509_get_extended_key_usage(c->x) & XKU_CODE_SIGN) != 0)
		return SGN_OK;
	return sgn_errf(eb, SGN_ERR_VERIFY, "leaf has neither "
	    "digitalSignature key usage nor codeSigning extended key usage");
}

/* Paths ----------------------------------------------------------------- */

sgn_err
sgn_cert_verify_chain(const struct sgn_cert *leaf,
    struct sgn_cert *const *chain, size_t n, struct sgn_errbuf *eb)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *untrusted = NULL;
	X509_VERIFY_PARAM *param;
	size_t i;
	int err;
	sgn_err r = SGN_ERR_VERIFY;

	if (n == 0)
		return sgn_errf(eb, SGN_ERR_TRUST, "empty CA chain");
	if ((store = X509_STORE_new()) == NULL ||
	    (untrusted = sk_X509_new_null()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL) {
		r = sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (X509_STORE_add_cert(store, chain[n - 1]->x) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "cannot add trust anchor");
		goto out;
	}
	for (i = 0; i + 1 < n; i++) {
		if (sk_X509_push(untrusted, chain[i]->x) <= 0) {
			r = sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	if (X509_STORE_CTX_init(ctx, store, leaf->x, untrusted) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "verify init failed");
		goto out;
	}
	param = X509_STORE_CTX_get0_param(ctx);
	/*
	 * Times are checked by the caller at each verified signing time;
	 * the anchor may be an intermediate when a trusted root lists no
	 * self-signed root.
	 */
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME |
	    X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_X509_STRICT);
	if (X509_verify_cert(ctx) != 1) {
		err = X509_STORE_CTX_get_error(ctx);
		r = sgn_errf(eb, SGN_ERR_VERIFY,
		    "certificate chain does not verify to the trusted CA "
		    "\"%s\": %s", sgn_cert_subject_cn(chain[n - 1]),
		    X509_verify_cert_error_string(err));
		ERR_clear_error();
		goto out;
	}
	r = SGN_OK;
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_STORE_free(store);
	return r;
}

sgn_err
sgn_cert_verify_path(const struct sgn_cert *leaf,
    struct sgn_cert *const *anchors, size_t n_anchors,
    struct sgn_cert *const *untrusted, size_t n_untrusted,
    struct sgn_time at, struct sgn_errbuf *eb)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *chain = NULL;
	char t[SGN_TIME_STRLEN];
	size_t i;
	int err, depth;
	sgn_err r = SGN_ERR_VERIFY;

	if (n_anchors == 0)
		return sgn_errf(eb, SGN_ERR_TRUST, "no CA certificate given");
	if ((store = X509_STORE_new()) == NULL ||
	    (chain = sk_X509_new_null()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL) {
		r = sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n_anchors; i++) {
		if (X509_STORE_add_cert(store, anchors[i]->x) != 1) {
			r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
			    "cannot add a CA certificate");
			goto out;
		}
	}
	for (i = 0; i < n_untrusted; i++) {
		if (sk_X509_push(chain, untrusted[i]->x) <= 0) {
			r = sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	if (X509_STORE_CTX_init(ctx, store, leaf->x, chain) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "verify init failed");
		goto out;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx),
	    (time_t)at.sec);
	if (X509_verify_cert(ctx) != 1) {
		err = X509_STORE_CTX_get_error(ctx);
		depth = X509_STORE_CTX_get_error_depth(ctx);
		sgn_time_format(at, t);
		r = sgn_errf(eb, SGN_ERR_VERIFY, "chain does not verify "
		    "against the given CA certificates at %s: %s (depth %d)",
		    t, X509_verify_cert_error_string(err), depth);
		ERR_clear_error();
		goto out;
	}
	r = SGN_OK;
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(chain);
	X509_STORE_free(store);
	return r;
}
