/*
 * RFC 3161 timestamp verification for Sigstore bundles.
 *
 * A bundle stores the TSA's whole TimeStampResp.  We parse it strictly
 * (definite-length DER throughout, granted status, one signer, a SHA-2
 * imprint), then check it against one TSA from the trusted root: the
 * signer must be the root's TSA leaf (Sigstore tokens embed no
 * certificates, so the leaf is supplied by us; if a token does embed some,
 * they are never what makes it trusted), the leaf must be a timestamping
 * end-entity certificate, its chain to the root's anchor must be valid at
 * genTime (RFC 3161 section 4.1: a token stays valid after its TSA
 * certificate expires), the imprint must be the hash of the data, and the
 * CMS signature and ESS signing-certificate(V2) attribute must check out.
 * The last two are OpenSSL's TS_RESP_verify_response(); everything before
 * it is done here first so that a failure names the check that failed.
 *
 * Specs: RFC 3161, RFC 5816 (ESSCertIDv2), RFC 5652 (CMS), X.690 (DER).
 * Sigstore: protocol REFERENCE.md section 9.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "tsa.h"
#include "x509.h"

/* Deepest DER nesting accepted (a response is about 10 levels deep). */
#define DER_MAX_DEPTH	32
/* Largest DER certificate accepted from a trusted root. */
#define CERT_MAX_BYTES	(64u * 1024)
/* Most fractional-second digits accepted in genTime (nanoseconds). */
#define FRAC_MAX_DIGITS	9

/* Stands in for a NULL data pointer of length 0. */
static const uint8_t empty[1];

/*
 * Reads one DER tag and length at p (n bytes left).  Rejects the
 * indefinite form and non-minimal lengths (X.690 10.1).  On success
 * *hdrp is the header size, *lenp the content length (which fits in the
 * n bytes), *consp whether the constructed bit is set and *classp, *tagp
 * the class bits and tag number.
 */
static int
der_header(const uint8_t *p, size_t n, size_t *hdrp, size_t *lenp,
    int *consp, unsigned *classp, unsigned long *tagp)
{
	size_t i = 0, len, k, nb;
	unsigned long tag;

	if (n < 2)
		return -1;
	*classp = p[0] & 0xc0u;
	*consp = (p[0] & 0x20u) != 0;
	tag = p[0] & 0x1fu;
	i = 1;
	if (tag == 0x1f) {
		/* High tag number form: base 128, minimal, >= 31. */
		tag = 0;
		do {
			if (i >= n || i > 4 || (i == 1 && p[i] == 0x80))
				return -1;
			tag = (tag << 7) | (p[i] & 0x7fu);
		} while (p[i++] & 0x80u);
		if (tag < 0x1f)
			return -1;
	}
	if (i >= n)
		return -1;
	if (p[i] < 0x80) {
		len = p[i++];
	} else {
		nb = p[i++] & 0x7fu;
		/* 0x80 is the indefinite form; cap at 4 length bytes. */
		if (nb == 0 || nb > 4 || nb > n - i || p[i] == 0)
			return -1;
		len = 0;
		for (k = 0; k < nb; k++)
			len = (len << 8) | p[i++];
		if (len < 0x80)
			return -1;
	}
	if (len > n - i)
		return -1;
	*hdrp = i;
	*lenp = len;
	*tagp = tag;
	return 0;
}

/*
 * Checks that (p, n) is exactly one DER element, recursively: definite
 * minimal lengths, constructed contents tiled exactly by their elements,
 * and the universal SEQUENCE/SET constructed while every other universal
 * type (strings included) is primitive, as DER requires.
 */
static int
der_check(const uint8_t *p, size_t n, int depth)
{
	size_t hdr, len, off, step;
	unsigned long tag;
	unsigned cls;
	int cons;

	if (depth > DER_MAX_DEPTH)
		return -1;
	if (der_header(p, n, &hdr, &len, &cons, &cls, &tag) != 0 ||
	    hdr + len != n)
		return -1;
	/* Universal class: no end-of-contents, strings primitive. */
	if (cls == 0 && (tag == 0 || cons != (tag == 16 || tag == 17)))
		return -1;
	for (off = hdr; cons && off < n; off += step) {
		if (der_header(p + off, n - off, &hdr, &len, &cons, &cls,
		    &tag) != 0)
			return -1;
		step = hdr + len;
		if (der_check(p + off, step, depth + 1) != 0)
			return -1;
		cons = 1;
	}
	return 0;
}

static int
digits(const char *s, size_t off, size_t cnt)
{
	size_t i;
	int v = 0;

	for (i = 0; i < cnt; i++)
		v = v * 10 + (s[off + i] - '0');
	return v;
}

static int
month_days(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/*
 * genTime as RFC 3161 section 2.4.2 and DER require it:
 * "YYYYMMDDhhmmss[.f]Z", the fraction without trailing zeros.  Computed
 * without the C library's timezone-dependent calls.
 */
static sgn_err
gen_time_parse(const ASN1_GENERALIZEDTIME *gt, struct sgn_time *t,
    struct sgn_errbuf *eb)
{
	const char *s;
	size_t n, i, nd;
	int Y, M, D, h, m, sec;
	int32_t nsec = 0;

	if (gt == NULL || ASN1_STRING_type(gt) != V_ASN1_GENERALIZEDTIME ||
	    ASN1_STRING_length(gt) < 15)
		goto bad;
	s = (const char *)ASN1_STRING_get0_data(gt);
	n = (size_t)ASN1_STRING_length(gt);
	for (i = 0; i < 14; i++)
		if (s[i] < '0' || s[i] > '9')
			goto bad;
	Y = digits(s, 0, 4);
	M = digits(s, 4, 2);
	D = digits(s, 6, 2);
	h = digits(s, 8, 2);
	m = digits(s, 10, 2);
	sec = digits(s, 12, 2);
	if (Y < 1 || M < 1 || M > 12 || D < 1 || D > month_days(Y, M) ||
	    h > 23 || m > 59 || sec > 59)
		goto bad;
	i = 14;
	if (s[i] == '.') {
		i++;
		for (nd = 0; i + nd < n && s[i + nd] >= '0' &&
		    s[i + nd] <= '9'; nd++)
			;
		if (nd == 0 || nd > FRAC_MAX_DIGITS || s[i + nd - 1] == '0')
			goto bad;
		for (; nd > 0; nd--, i++)
			nsec = nsec * 10 + (s[i] - '0');
		for (nd = i - 15; nd < FRAC_MAX_DIGITS; nd++)
			nsec *= 10;
	}
	if (i + 1 != n || s[i] != 'Z')
		goto bad;
	t->sec = sgn_time_days_from_civil(Y, (unsigned)M, (unsigned)D) *
	    86400 + h * 3600 + m * 60 + sec;
	t->nsec = nsec;
	return SGN_OK;
bad:
	return sgn_errf(eb, SGN_ERR_PARSE, "timestamp: malformed genTime");
}

static sgn_err
serial_hex(const ASN1_INTEGER *ai, char *out, size_t outsz,
    struct sgn_errbuf *eb)
{
	const uint8_t *p;
	size_t n, o = 0;
	int len;

	if (ai == NULL || (len = ASN1_STRING_length(ai)) < 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: missing serial number");
	p = ASN1_STRING_get0_data(ai);
	n = (size_t)len;
	while (n > 0 && *p == 0) {
		p++;
		n--;
	}
	if (2 * n + 2 > outsz)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: serial number too long");
	if (n == 0) {
		snprintf(out, outsz, "0");
		return SGN_OK;
	}
	if (ASN1_STRING_type(ai) == V_ASN1_NEG_INTEGER)
		out[o++] = '-';
	sgn_hex_encode(p, n, out + o);
	return SGN_OK;
}

static const char *
status_name(int64_t st)
{
	switch (st) {
	case TS_STATUS_REJECTION:
		return "rejection";
	case TS_STATUS_WAITING:
		return "waiting";
	case TS_STATUS_REVOCATION_WARNING:
		return "revocationWarning";
	case TS_STATUS_REVOCATION_NOTIFICATION:
		return "revocationNotification";
	default:
		return "unknown";
	}
}

static sgn_err
check_status(TS_RESP *resp, struct sgn_errbuf *eb)
{
	TS_STATUS_INFO *si;
	const ASN1_INTEGER *ai;
	const STACK_OF(ASN1_UTF8STRING) *text;
	const ASN1_UTF8STRING *s0;
	int64_t st;

	if ((si = TS_RESP_get_status_info(resp)) == NULL ||
	    (ai = TS_STATUS_INFO_get0_status(si)) == NULL ||
	    ASN1_INTEGER_get_int64(&st, ai) != 1)
		return sgn_errf_ssl(eb, SGN_ERR_PARSE,
		    "timestamp: malformed status");
	if (st == TS_STATUS_GRANTED || st == TS_STATUS_GRANTED_WITH_MODS)
		return SGN_OK;
	text = TS_STATUS_INFO_get0_text(si);
	if (text != NULL && sk_ASN1_UTF8STRING_num(text) > 0 &&
	    (s0 = sk_ASN1_UTF8STRING_value(text, 0)) != NULL &&
	    ASN1_STRING_length(s0) > 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: TSA did not grant the request (status %lld, "
		    "%s): %.*s", (long long)st, status_name(st),
		    ASN1_STRING_length(s0) > 80 ? 80 : ASN1_STRING_length(s0),
		    (const char *)ASN1_STRING_get0_data(s0));
	return sgn_errf(eb, SGN_ERR_PARSE,
	    "timestamp: TSA did not grant the request (status %lld, %s)",
	    (long long)st, status_name(st));
}

static int
null_or_absent(const X509_ALGOR *alg)
{
	int ptype;

	if (alg == NULL)
		return 0;
	X509_ALGOR_get0(NULL, &ptype, NULL, alg);
	return ptype == V_ASN1_UNDEF || ptype == V_ASN1_NULL;
}

static sgn_err
check_imprint_alg(TS_MSG_IMPRINT *mi, struct sgn_tsa_info *info,
    struct sgn_errbuf *eb)
{
	const ASN1_OBJECT *obj;
	const ASN1_OCTET_STRING *msg;
	X509_ALGOR *alg;
	char txt[64];

	if (mi == NULL || (alg = TS_MSG_IMPRINT_get_algo(mi)) == NULL ||
	    (msg = TS_MSG_IMPRINT_get_msg(mi)) == NULL)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: missing message imprint");
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	switch (OBJ_obj2nid(obj)) {
	case NID_sha256:
		info->imprint_alg = SGN_HASH_SHA256;
		break;
	case NID_sha384:
		info->imprint_alg = SGN_HASH_SHA384;
		break;
	case NID_sha512:
		info->imprint_alg = SGN_HASH_SHA512;
		break;
	case NID_sha1:
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "timestamp: SHA-1 message imprints are not accepted");
	default:
		if (obj == NULL || OBJ_obj2txt(txt, sizeof(txt), obj, 1) <= 0)
			snprintf(txt, sizeof(txt), "?");
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "timestamp: unsupported message imprint algorithm %s",
		    txt);
	}
	/* RFC 5754: parameters absent, or NULL as many encoders write. */
	if (!null_or_absent(alg))
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: message imprint algorithm has parameters");
	if (ASN1_STRING_length(msg) < 0 ||
	    (size_t)ASN1_STRING_length(msg) != sgn_hash_len(info->imprint_alg))
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: message imprint has the wrong length");
	info->imprint_len = sgn_hash_len(info->imprint_alg);
	memcpy(info->imprint, ASN1_STRING_get0_data(msg), info->imprint_len);
	return SGN_OK;
}

/*
 * The TSTInfo is DER inside the token's eContent OCTET STRING; OpenSSL
 * decodes it without checking that it fills the string.
 */
static sgn_err
check_tst_span(PKCS7 *token, struct sgn_errbuf *eb)
{
	PKCS7 *inner;
	ASN1_OCTET_STRING *os;

	if (!PKCS7_type_is_signed(token) || token->d.sign == NULL ||
	    (inner = token->d.sign->contents) == NULL ||
	    OBJ_obj2nid(inner->type) != NID_id_smime_ct_TSTInfo ||
	    inner->d.other == NULL ||
	    inner->d.other->type != V_ASN1_OCTET_STRING ||
	    (os = inner->d.other->value.octet_string) == NULL ||
	    ASN1_STRING_length(os) <= 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: token does not contain a TSTInfo");
	if (der_check(ASN1_STRING_get0_data(os),
	    (size_t)ASN1_STRING_length(os), 0) != 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: TSTInfo is not exactly one DER element");
	return SGN_OK;
}

/*
 * SHA-2 digest AlgorithmIdentifiers carry no parameters (RFC 5754: absent,
 * or NULL as many encoders write).  OpenSSL ignores them in the CMS
 * digestAlgorithms and the SignerInfo, so anything would pass.
 */
static int
check_digest_params(PKCS7 *token, PKCS7_SIGNER_INFO *si)
{
	STACK_OF(X509_ALGOR) *algs = token->d.sign->md_algs;
	X509_ALGOR *dig = NULL;
	int i;

	for (i = 0; i < sk_X509_ALGOR_num(algs); i++)
		if (!null_or_absent(sk_X509_ALGOR_value(algs, i)))
			return -1;
	PKCS7_SIGNER_INFO_get0_algs(si, NULL, &dig, NULL);
	return null_or_absent(dig) ? 0 : -1;
}

/* Parses resp into *respp and fills *info; see sgn_tsa_parse(). */
static sgn_err
parse_resp(const uint8_t *resp, size_t len, TS_RESP **respp,
    struct sgn_tsa_info *info, struct sgn_errbuf *eb)
{
	const unsigned char *p = resp;
	TS_RESP *r = NULL;
	TS_TST_INFO *tst;
	PKCS7 *token;
	STACK_OF(PKCS7_SIGNER_INFO) *sis;
	ASN1_OBJECT *pol;
	int64_t ver;
	sgn_err e;
	int plen;

	*respp = NULL;
	if (resp == NULL && len > 0)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "timestamp: no response");
	if (len == 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: empty response");
	if (len > SGN_TSA_MAX_RESPONSE)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "timestamp: response larger than %u bytes",
		    SGN_TSA_MAX_RESPONSE);
	/* Structure first: one definite-length DER element, no more. */
	if (der_check(resp, len, 0) != 0) {
		e = sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: response is not exactly one DER element");
		goto out;
	}
	if ((r = d2i_TS_RESP(NULL, &p, (long)len)) == NULL) {
		e = sgn_errf_ssl(eb, SGN_ERR_PARSE,
		    "timestamp: malformed TimeStampResp");
		goto out;
	}
	if (p != resp + len) {
		e = sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: trailing data after TimeStampResp");
		goto out;
	}
	if ((e = check_status(r, eb)) != SGN_OK)
		goto out;
	e = SGN_ERR_PARSE;
	if ((token = TS_RESP_get_token(r)) == NULL ||
	    (tst = TS_RESP_get_tst_info(r)) == NULL) {
		sgn_errf(eb, e, "timestamp: response carries no token");
		goto out;
	}
	if ((e = check_tst_span(token, eb)) != SGN_OK)
		goto out;
	e = SGN_ERR_PARSE;
	sis = PKCS7_get_signer_info(token);
	if (sis == NULL || sk_PKCS7_SIGNER_INFO_num(sis) != 1) {
		sgn_errf(eb, e, "timestamp: token must have exactly one "
		    "signer");
		goto out;
	}
	/*
	 * RFC 5652: SignedData version 3 (the content is not id-data), but
	 * PKCS#7 1.5 signers (OpenSSL's own TSA) write 1; SignerInfo version
	 * 1 (issuerAndSerialNumber, the only form OpenSSL's PKCS7 reads).
	 * OpenSSL checks neither.
	 */
	if (ASN1_INTEGER_get_int64(&ver, token->d.sign->version) != 1 ||
	    (ver != 1 && ver != 3) ||
	    ASN1_INTEGER_get_int64(&ver, sk_PKCS7_SIGNER_INFO_value(sis,
	    0)->version) != 1 || ver != 1) {
		sgn_errf(eb, e, "timestamp: unsupported CMS version");
		goto out;
	}
	if (check_digest_params(token, sk_PKCS7_SIGNER_INFO_value(sis,
	    0)) != 0) {
		sgn_errf(eb, e, "timestamp: CMS digest algorithm has "
		    "parameters");
		goto out;
	}
	if (TS_TST_INFO_get_version(tst) != 1) {
		sgn_errf(eb, e, "timestamp: unsupported TSTInfo version");
		goto out;
	}
	if ((e = check_imprint_alg(TS_TST_INFO_get_msg_imprint(tst), info,
	    eb)) != SGN_OK)
		goto out;
	if ((e = gen_time_parse(TS_TST_INFO_get_time(tst), &info->gen_time,
	    eb)) != SGN_OK)
		goto out;
	if ((e = serial_hex(TS_TST_INFO_get_serial(tst), info->serial_hex,
	    sizeof(info->serial_hex), eb)) != SGN_OK)
		goto out;
	e = SGN_ERR_PARSE;
	pol = TS_TST_INFO_get_policy_id(tst);
	if (pol == NULL ||
	    (plen = OBJ_obj2txt(info->policy, sizeof(info->policy), pol,
	    1)) <= 0 || (size_t)plen >= sizeof(info->policy)) {
		sgn_errf(eb, e, "timestamp: missing or oversized policy OID");
		goto out;
	}
	info->has_embedded_certs = token->d.sign->cert != NULL &&
	    sk_X509_num(token->d.sign->cert) > 0;
	*respp = r;
	r = NULL;
	e = SGN_OK;
out:
	TS_RESP_free(r);
	if (e != SGN_OK) {
		ERR_clear_error();
		memset(info, 0, sizeof(*info));
	}
	return e;
}

sgn_err
sgn_tsa_parse(const uint8_t *resp, size_t len, struct sgn_tsa_info *info,
    struct sgn_errbuf *eb)
{
	TS_RESP *r;
	sgn_err e;

	if (info == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "timestamp: no output");
	memset(info, 0, sizeof(*info));
	e = parse_resp(resp, len, &r, info, eb);
	TS_RESP_free(r);
	return e;
}

/* Verification ------------------------------------------------------- */

/* d2i's the trusted-root certificates into a new stack, leaf first. */
static sgn_err
load_chain(const uint8_t *const *der, const size_t *lens, size_t n,
    STACK_OF(X509) **outp, struct sgn_errbuf *eb)
{
	STACK_OF(X509) *sk;
	const unsigned char *p;
	X509 *x;
	size_t i;
	sgn_err e = SGN_ERR_TRUST;

	*outp = NULL;
	if ((sk = sk_X509_new_null()) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (der[i] == NULL || lens[i] == 0 ||
		    lens[i] > CERT_MAX_BYTES) {
			sgn_errf(eb, e, "timestamp: TSA certificate %zu of the "
			    "trusted root is missing or too large", i);
			goto out;
		}
		p = der[i];
		x = d2i_X509(NULL, &p, (long)lens[i]);
		if (x == NULL || p != der[i] + lens[i]) {
			X509_free(x);
			sgn_errf_ssl(eb, e, "timestamp: TSA certificate %zu of "
			    "the trusted root is malformed", i);
			goto out;
		}
		if (sk_X509_push(sk, x) <= 0) {
			X509_free(x);
			sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			e = SGN_ERR_NOMEM;
			goto out;
		}
	}
	*outp = sk;
	sk = NULL;
	e = SGN_OK;
out:
	sk_X509_pop_free(sk, X509_free);
	return e;
}

/*
 * The leaf profile (RFC 3161 section 2.3): exactly one extended key usage,
 * id-kp-timeStamping, critical; and not a CA.
 */
static sgn_err
check_leaf(X509 *leaf, struct sgn_errbuf *eb)
{
	EXTENDED_KEY_USAGE *eku = NULL;
	X509_EXTENSION *ext;
	int idx, crit = 0;
	sgn_err e = SGN_ERR_VERIFY;

	if (X509_get_extension_flags(leaf) & EXFLAG_INVALID) {
		sgn_errf(eb, e, "timestamp: TSA certificate has malformed "
		    "extensions");
		goto out;
	}
	if (X509_check_ca(leaf) != 0) {
		sgn_errf(eb, e, "timestamp: TSA certificate is a CA "
		    "certificate");
		goto out;
	}
	idx = X509_get_ext_by_NID(leaf, NID_ext_key_usage, -1);
	if (idx < 0 || X509_get_ext_by_NID(leaf, NID_ext_key_usage,
	    idx) >= 0 || (ext = X509_get_ext(leaf, idx)) == NULL) {
		sgn_errf(eb, e, "timestamp: TSA certificate lacks the "
		    "timeStamping extended key usage");
		goto out;
	}
	crit = X509_EXTENSION_get_critical(ext);
	eku = X509V3_EXT_d2i(ext);
	if (eku == NULL || sk_ASN1_OBJECT_num(eku) != 1 ||
	    OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)) != NID_time_stamp) {
		sgn_errf(eb, e, "timestamp: TSA certificate must have "
		    "timeStamping as its only extended key usage");
		goto out;
	}
	if (crit != 1) {
		sgn_errf(eb, e, "timestamp: TSA certificate's extended key "
		    "usage is not marked critical");
		goto out;
	}
	e = SGN_OK;
out:
	EXTENDED_KEY_USAGE_free(eku);
	ERR_clear_error();
	return e;
}

/* Intermediates that restrict extended key usage must allow ours. */
static sgn_err
check_intermediates(STACK_OF(X509) *chain, struct sgn_errbuf *eb)
{
	X509 *x;
	int i, n = sk_X509_num(chain);

	for (i = 1; i < n - 1; i++) {
		x = sk_X509_value(chain, i);
		if ((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) &&
		    !(X509_get_extended_key_usage(x) &
		    (XKU_TIMESTAMP | XKU_ANYEKU)))
			return sgn_errf(eb, SGN_ERR_VERIFY,
			    "timestamp: TSA intermediate certificate %d does "
			    "not allow timestamping", i);
	}
	return SGN_OK;
}

/*
 * The token's one SignerInfo must name the trusted leaf (issuer and
 * serial).  Certificates the token embeds are not searched, so a token
 * signed by another TSA fails here even if it carries its own chain.
 */
static sgn_err
check_signer(PKCS7 *token, X509 *leaf, struct sgn_errbuf *eb)
{
	STACK_OF(X509) *only = NULL, *signers = NULL;
	sgn_err e = SGN_ERR_VERIFY;

	if ((only = sk_X509_new_null()) == NULL ||
	    sk_X509_push(only, leaf) <= 0) {
		e = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	signers = PKCS7_get0_signers(token, only, PKCS7_NOINTERN);
	if (signers == NULL || sk_X509_num(signers) != 1 ||
	    sk_X509_value(signers, 0) != leaf) {
		sgn_errf(eb, e, "timestamp: not signed by the trusted TSA");
		goto out;
	}
	e = SGN_OK;
out:
	sk_X509_free(signers);
	sk_X509_free(only);
	ERR_clear_error();
	return e;
}

/*
 * The SignerInfo's signature algorithm must fit the leaf's key (and name
 * the same digest, if it names one).  OpenSSL verifies with the key and
 * digest algorithm and ignores this field; we do not let it be anything.
 */
static sgn_err
check_sig_alg(PKCS7 *token, X509 *leaf, struct sgn_errbuf *eb)
{
	PKCS7_SIGNER_INFO *si;
	X509_ALGOR *dig = NULL, *sig = NULL;
	const ASN1_OBJECT *obj;
	EVP_PKEY *pk;
	int signid, mdnid = NID_undef, pknid = NID_undef, keyid;

	si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(token), 0);
	if (si == NULL || (pk = X509_get0_pubkey(leaf)) == NULL)
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "timestamp: cannot read the signer");
	PKCS7_SIGNER_INFO_get0_algs(si, NULL, &dig, &sig);
	if (dig == NULL || sig == NULL)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "timestamp: signer algorithms missing");
	X509_ALGOR_get0(&obj, NULL, NULL, sig);
	signid = OBJ_obj2nid(obj);
	keyid = EVP_PKEY_get_base_id(pk);
	if (OBJ_find_sigid_algs(signid, &mdnid, &pknid) != 1)
		pknid = signid;	/* a bare key OID, e.g. rsaEncryption */
	if (pknid == NID_rsassaPss && keyid == EVP_PKEY_RSA)
		pknid = EVP_PKEY_RSA;
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	if (signid == NID_undef || pknid != keyid ||
	    (mdnid != NID_undef && mdnid != OBJ_obj2nid(obj)))
		return sgn_errf(eb, SGN_ERR_VERIFY,
		    "timestamp: signature algorithm does not match the TSA "
		    "key");
	return SGN_OK;
}

/*
 * A store holding only the anchor, with the verification time set.  The
 * anchor need not be self-signed (it is trusted because the trusted root
 * says so), hence X509_V_FLAG_PARTIAL_CHAIN.
 */
static sgn_err
make_store(X509 *anchor, time_t when, X509_STORE **outp,
    struct sgn_errbuf *eb)
{
	X509_STORE *st;

	*outp = NULL;
	if ((st = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(st, anchor) != 1 ||
	    X509_STORE_set_flags(st, X509_V_FLAG_PARTIAL_CHAIN) != 1) {
		X509_STORE_free(st);
		return sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
		    "timestamp: cannot set up a certificate store");
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(st), when);
	*outp = st;
	return SGN_OK;
}

/*
 * Validates leaf -> intermediates -> anchor at time when, which is genTime
 * rounded down.  OpenSSL takes a certificate as valid for notBefore <= t <
 * notAfter, in whole seconds, so this is exactly that test for genTime
 * itself, fraction included.
 */
static sgn_err
chain_valid_at(X509_STORE *st, X509 *leaf, STACK_OF(X509) *untrusted,
    time_t when, struct sgn_time gen, struct sgn_errbuf *eb)
{
	X509_STORE_CTX *ctx;
	char ts[SGN_TIME_STRLEN];
	int rc, err;
	sgn_err e = SGN_ERR_VERIFY;

	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, st, leaf, untrusted) != 1 ||
	    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_TIMESTAMP_SIGN) !=
	    1) {
		e = sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
		    "timestamp: cannot set up chain validation");
		goto out;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), when);
	rc = X509_verify_cert(ctx);
	if (rc == 1) {
		e = SGN_OK;
		goto out;
	}
	err = X509_STORE_CTX_get_error(ctx);
	if (err == X509_V_ERR_CERT_NOT_YET_VALID ||
	    err == X509_V_ERR_CERT_HAS_EXPIRED) {
		sgn_time_format(gen, ts);
		sgn_errf(eb, e, "timestamp: TSA certificate not valid at %s",
		    ts);
	} else {
		sgn_errf(eb, e, "timestamp: TSA certificate chain does not "
		    "verify: %s", X509_verify_cert_error_string(err));
	}
out:
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return e;
}

/* OpenSSL's own check: CMS signature, ESS attribute, imprint, version. */
static sgn_err
ts_verify(TS_RESP *resp, X509_STORE *st, STACK_OF(X509) *chain,
    const uint8_t *data, size_t data_len, struct sgn_errbuf *eb)
{
	TS_VERIFY_CTX *vc = NULL;
	STACK_OF(X509) *certs = NULL;
	BIO *bio = NULL;
	int i, last;
	sgn_err e = SGN_ERR_CRYPTO;

	if ((vc = TS_VERIFY_CTX_new()) == NULL ||
	    (certs = sk_X509_new_null()) == NULL) {
		sgn_errf_ssl(eb, e, "timestamp: cannot set up verification");
		goto out;
	}
	/* The leaf and intermediates; the ctx takes the stack. */
	last = sk_X509_num(chain) > 1 ? sk_X509_num(chain) - 1 : 1;
	for (i = 0; i < last; i++)
		if (X509_add_cert(certs, sk_X509_value(chain, i),
		    X509_ADD_FLAG_UP_REF) != 1) {
			sgn_errf_ssl(eb, e, "timestamp: cannot set up "
			    "verification");
			goto out;
		}
	TS_VERIFY_CTX_set_certs(vc, certs);
	certs = NULL;
	if (X509_STORE_up_ref(st) != 1) {
		sgn_errf_ssl(eb, e, "timestamp: cannot set up verification");
		goto out;
	}
	TS_VERIFY_CTX_set_store(vc, st);
	if ((bio = BIO_new_mem_buf(data_len > 0 ? data : empty,
	    (int)data_len)) == NULL) {
		sgn_errf_ssl(eb, e, "timestamp: cannot set up verification");
		goto out;
	}
	TS_VERIFY_CTX_set_data(vc, bio);
	bio = NULL;
	TS_VERIFY_CTX_add_flags(vc, TS_VFY_VERSION | TS_VFY_SIGNATURE |
	    TS_VFY_DATA);
	if (TS_RESP_verify_response(vc, resp) != 1) {
		e = sgn_errf_ssl(eb, SGN_ERR_VERIFY, "timestamp: token "
		    "signature does not verify with the trusted TSA "
		    "certificate");
		goto out;
	}
	e = SGN_OK;
out:
	BIO_free(bio);
	sk_X509_pop_free(certs, X509_free);
	TS_VERIFY_CTX_free(vc);
	ERR_clear_error();
	return e;
}

/*
 * The checks of sgn_tsa_verify() on a parsed response and a chain of
 * OpenSSL certificates (leaf first, anchor last).
 */
static sgn_err
verify_parsed(TS_RESP *r, STACK_OF(X509) *chain, const uint8_t *data,
    size_t data_len, struct sgn_tsa_info *info, struct sgn_errbuf *eb)
{
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE *st = NULL;
	X509 *leaf = sk_X509_value(chain, 0);
	uint8_t md[SGN_MAX_DIGEST];
	struct sgn_errbuf diag;
	time_t when;
	int i;
	sgn_err e;

	if ((e = check_leaf(leaf, eb)) != SGN_OK ||
	    (e = check_intermediates(chain, eb)) != SGN_OK ||
	    (e = check_signer(TS_RESP_get_token(r), leaf, eb)) != SGN_OK ||
	    (e = check_sig_alg(TS_RESP_get_token(r), leaf, eb)) != SGN_OK)
		goto out;
	when = (time_t)info->gen_time.sec;
	if ((int64_t)when != info->gen_time.sec) {
		e = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "timestamp: genTime out of range");
		goto out;
	}
	if ((e = sgn_hash(info->imprint_alg, data_len > 0 ? data :
	    empty, data_len, md, eb)) != SGN_OK)
		goto out;
	if (CRYPTO_memcmp(md, info->imprint, info->imprint_len) != 0) {
		e = sgn_errf(eb, SGN_ERR_VERIFY, "timestamp: message imprint "
		    "does not match the signature");
		goto out;
	}
	/*
	 * OpenSSL's check validates the chain, from trusted-root
	 * certificates only, at genTime (the store's time), then the CMS
	 * signature and the ESS attribute.  Each chain signature is an
	 * expensive P-384 verification, so the chain is validated once, and
	 * again on its own only to name the reason of a failure.
	 */
	if ((e = make_store(sk_X509_value(chain, sk_X509_num(chain) - 1),
	    when, &st, eb)) != SGN_OK)
		goto out;
	sgn_errbuf_clear(&diag);
	if ((e = ts_verify(r, st, chain, data, data_len, &diag)) == SGN_OK)
		goto out;
	if ((untrusted = sk_X509_new_null()) == NULL) {
		e = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 1; i < sk_X509_num(chain) - 1; i++)
		if (sk_X509_push(untrusted, sk_X509_value(chain, i)) <= 0) {
			e = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
	if (chain_valid_at(st, leaf, untrusted, when, info->gen_time, eb) ==
	    SGN_OK)
		sgn_errf(eb, e, "%s", diag.msg);
out:
	X509_STORE_free(st);
	sk_X509_free(untrusted);
	return e;
}

sgn_err
sgn_tsa_verify(const uint8_t *resp, size_t len, const uint8_t *data,
    size_t data_len, const uint8_t *const *chain_der,
    const size_t *chain_len, size_t chain_n, struct sgn_tsa_info *info,
    struct sgn_errbuf *eb)
{
	TS_RESP *r = NULL;
	STACK_OF(X509) *chain = NULL;
	sgn_err e;

	if (info == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "timestamp: no output");
	memset(info, 0, sizeof(*info));
	if ((data == NULL && data_len > 0) || data_len > INT_MAX ||
	    chain_der == NULL || chain_len == NULL || chain_n == 0 ||
	    chain_n > SGN_TSA_MAX_CHAIN)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "timestamp: invalid arguments");
	if ((e = parse_resp(resp, len, &r, info, eb)) != SGN_OK ||
	    (e = load_chain(chain_der, chain_len, chain_n, &chain,
	    eb)) != SGN_OK ||
	    (e = verify_parsed(r, chain, data, data_len, info, eb)) != SGN_OK)
		memset(info, 0, sizeof(*info));
	sk_X509_pop_free(chain, X509_free);
	TS_RESP_free(r);
	return e;
}

sgn_err
sgn_tsa_verify_certs(const uint8_t *resp, size_t len, const uint8_t *data,
    size_t data_len, struct sgn_cert *const *certs, size_t chain_n,
    struct sgn_tsa_info *info, struct sgn_errbuf *eb)
{
	TS_RESP *r = NULL;
	STACK_OF(X509) *chain = NULL;
	size_t i;
	sgn_err e;

	if (info == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "timestamp: no output");
	memset(info, 0, sizeof(*info));
	if ((data == NULL && data_len > 0) || data_len > INT_MAX ||
	    certs == NULL || chain_n == 0 || chain_n > SGN_TSA_MAX_CHAIN)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "timestamp: invalid arguments");
	if ((chain = sk_X509_new_null()) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	for (i = 0; i < chain_n; i++)
		if (X509_add_cert(chain, sgn_cert_x509(certs[i]),
		    X509_ADD_FLAG_UP_REF) != 1) {
			sk_X509_pop_free(chain, X509_free);
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		}
	if ((e = parse_resp(resp, len, &r, info, eb)) != SGN_OK ||
	    (e = verify_parsed(r, chain, data, data_len, info, eb)) != SGN_OK)
		memset(info, 0, sizeof(*info));
	sk_X509_pop_free(chain, X509_free);
	TS_RESP_free(r);
	return e;
}

/* The ESS signing-certificate attribute nid of si, decoded, or NULL. */
static void *
ess_attr(PKCS7_SIGNER_INFO *si, int nid)
{
	ASN1_TYPE *a = PKCS7_get_signed_attribute(si, nid);
	const unsigned char *p;
	long n;
	void *v;

	if (a == NULL || a->type != V_ASN1_SEQUENCE ||
	    a->value.sequence == NULL)
		return NULL;
	p = ASN1_STRING_get0_data(a->value.sequence);
	n = ASN1_STRING_length(a->value.sequence);
	if (nid == NID_id_smime_aa_signingCertificateV2)
		v = d2i_ESS_SIGNING_CERT_V2(NULL, &p, n);
	else
		v = d2i_ESS_SIGNING_CERT(NULL, &p, n);
	return v;
}

int
sgn_tsa_names_signer(const uint8_t *resp, size_t len,
    const struct sgn_cert *leaf)
{
	struct sgn_tsa_info info;
	TS_RESP *r = NULL;
	PKCS7_SIGNER_INFO *si;
	PKCS7_ISSUER_AND_SERIAL *ias;
	ESS_SIGNING_CERT *ss = NULL;
	ESS_SIGNING_CERT_V2 *ss2 = NULL;
	STACK_OF(X509) *only = NULL;
	X509 *x;
	int named = 0;

	if (leaf == NULL || (x = sgn_cert_x509(leaf)) == NULL ||
	    parse_resp(resp, len, &r, &info, NULL) != SGN_OK)
		goto out;
	/* parse_resp() made sure of exactly one signer. */
	si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(
	    TS_RESP_get_token(r)), 0);
	if (si == NULL)
		goto out;
	ias = si->issuer_and_serial;
	if (ias != NULL && ias->issuer != NULL && ias->serial != NULL &&
	    X509_NAME_cmp(ias->issuer, X509_get_issuer_name(x)) == 0 &&
	    ASN1_INTEGER_cmp(ias->serial, X509_get0_serialNumber(x)) == 0) {
		named = 1;
		goto out;
	}
	ss = ess_attr(si, NID_id_smime_aa_signingCertificate);
	ss2 = ess_attr(si, NID_id_smime_aa_signingCertificateV2);
	if ((ss == NULL && ss2 == NULL) ||
	    (only = sk_X509_new_null()) == NULL ||
	    sk_X509_push(only, x) <= 0)
		goto out;
	named = OSSL_ESS_check_signing_certs(ss, ss2, only, 1) == 1;
out:
	sk_X509_free(only);
	ESS_SIGNING_CERT_free(ss);
	ESS_SIGNING_CERT_V2_free(ss2);
	TS_RESP_free(r);
	ERR_clear_error();
	return named;
}
