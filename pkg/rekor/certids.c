/*
 * A monitor's light read of a certificate: the identities `signet tlog
 * watch` matches (subject alternative names, the Fulcio OIDC issuer and
 * extensions 1.3.6.1.4.1.57264.1.1 to .8), found by a strict walk of the
 * DER (ITU-T X.690) along RFC 5280's Certificate, with no allocation and
 * no OpenSSL.  A full parse (d2i_X509, the key decoded, the extensions
 * decoded) costs some 150 us; this walk a few.
 *
 * The walk is sure or it is not.  It is sure only of a certificate it
 * read whole that a full parse takes too (every length minimal and in
 * bounds, every element in its place, an X.509 v3 certificate, names of
 * UTF-8 (checked), printable or IA5 strings, valid times, an EC P-256,
 * P-384, P-521 or Ed25519 key of the right length) and whose identities
 * are plain: SANs of the three kinds Fulcio writes (email, URI, the
 * username otherName), text without control characters, no extension
 * twice, the two issuer extensions agreeing.  For anything else it says
 * unsure, and the caller parses the certificate fully, as before: a
 * malformed certificate is then reported by the full parse, never
 * skipped here.  What it does not check is the key's point (it is not
 * decoded): Rekor checked the entry's signature with that key.
 */
#include <string.h>

#include "rekor.h"

/* what is left to read */
struct der {
	const uint8_t	*p;
	size_t		 n;
};

/* One element: a low tag number and a definite, minimal length. */
static int
next(struct der *d, uint8_t *tag, struct der *v)
{
	size_t len, k, i;

	if (d->n < 2 || (d->p[0] & 0x1f) == 0x1f)
		return -1;
	*tag = d->p[0];
	len = d->p[1];
	i = 2;
	if (len & 0x80) {
		k = len & 0x7f;
		/* long form: 1 to 3 length bytes, no leading zero, and
		 * only for lengths of 128 and more */
		if (k == 0 || k > 3 || d->n < 2 + k || d->p[2] == 0)
			return -1;
		for (len = 0; i < 2 + k; i++)
			len = len << 8 | d->p[i];
		if (len < 128)
			return -1;
	}
	if (len > d->n - i)
		return -1;
	v->p = d->p + i;
	v->n = len;
	d->p += i + len;
	d->n -= i + len;
	return 0;
}

static int
next_is(struct der *d, uint8_t want, struct der *v)
{
	uint8_t tag;

	return next(d, &tag, v) == 0 && tag == want ? 0 : -1;
}

static int
oid_ok(const struct der *v)
{
	size_t i;

	if (v->n == 0 || v->n > 64 || (v->p[v->n - 1] & 0x80) != 0)
		return 0;
	/* each subidentifier minimal: it never starts with 0x80 */
	for (i = 0; i < v->n; i++)
		if (v->p[i] == 0x80 && (i == 0 || (v->p[i - 1] & 0x80) == 0))
			return 0;
	return 1;
}

static int
oid_is(const struct der *v, const uint8_t *o, size_t n)
{
	return v->n == n && memcmp(v->p, o, n) == 0;
}

/* Strict UTF-8: no overlong form, no surrogate, at most U+10FFFF. */
static int
utf8_ok(const uint8_t *p, size_t n)
{
	size_t i = 0, k, j;
	uint32_t c;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			k = 1;
			c = p[i] & 0x1fu;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			k = 2;
			c = p[i] & 0x0fu;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			k = 3;
			c = p[i] & 0x07u;
		} else
			return 0;
		if (n - i <= k)
			return 0;
		for (j = 1; j <= k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[i + j] & 0x3fu);
		}
		if ((k == 2 && c < 0x800) || (k == 3 && c < 0x10000) ||
		    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return 0;
		i += k + 1;
	}
	return 1;
}

/* The text of an identity: no control character (as the full parse's
 * reading), UTF-8, and not over 8192 bytes. */
static int
text_ok(const uint8_t *p, size_t n)
{
	size_t i;

	if (n > 8192)
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
	return utf8_ok(p, n);
}

/* INTEGER: not empty, minimal. */
static int
int_ok(const struct der *v)
{
	if (v->n == 0)
		return 0;
	if (v->n > 1 && ((v->p[0] == 0 && (v->p[1] & 0x80) == 0) ||
	    (v->p[0] == 0xff && (v->p[1] & 0x80) != 0)))
		return 0;
	return 1;
}

/* AlgorithmIdentifier: an OID and at most one parameter, NULL or an
 * OID (all that signature and key algorithms take). */
static int
algid_ok(struct der *d, struct der *oid, struct der *param)
{
	struct der a;
	uint8_t tag;

	param->p = NULL;
	param->n = 0;
	if (next_is(d, 0x30, &a) != 0 || next_is(&a, 0x06, oid) != 0 ||
	    !oid_ok(oid))
		return 0;
	if (a.n == 0)
		return 1;
	if (next(&a, &tag, param) != 0 || a.n != 0)
		return 0;
	if (tag == 0x05)
		return param->n == 0;
	return tag == 0x06 && oid_ok(param);
}

/* Name: RDNs of (OID, UTF8String | PrintableString | IA5String). */
static int
name_ok(struct der *d)
{
	struct der name, rdn, atv, oid, s;
	uint8_t tag;

	if (next_is(d, 0x30, &name) != 0)
		return 0;
	while (name.n > 0) {
		if (next_is(&name, 0x31, &rdn) != 0 || rdn.n == 0)
			return 0;
		while (rdn.n > 0) {
			if (next_is(&rdn, 0x30, &atv) != 0 ||
			    next_is(&atv, 0x06, &oid) != 0 || !oid_ok(&oid) ||
			    next(&atv, &tag, &s) != 0 || atv.n != 0)
				return 0;
			if (tag == 0x0c) {
				if (!utf8_ok(s.p, s.n))
					return 0;
			} else if (tag != 0x13 && tag != 0x16)
				return 0;
		}
	}
	return 1;
}

static int
digits(const uint8_t *p, size_t n, unsigned *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		*out = *out * 10 + (unsigned)(p[i] - '0');
	}
	return 1;
}

/* UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, a real date. */
static int
time_ok(struct der *d)
{
	static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	struct der t;
	uint8_t tag;
	unsigned y, mo, dd, h, mi, s;
	size_t yl;

	if (next(d, &tag, &t) != 0)
		return 0;
	if (tag == 0x17 && t.n == 13)
		yl = 2;
	else if (tag == 0x18 && t.n == 15)
		yl = 4;
	else
		return 0;
	if (t.p[t.n - 1] != 'Z' || !digits(t.p, yl, &y) ||
	    !digits(t.p + yl, 2, &mo) || !digits(t.p + yl + 2, 2, &dd) ||
	    !digits(t.p + yl + 4, 2, &h) || !digits(t.p + yl + 6, 2, &mi) ||
	    !digits(t.p + yl + 8, 2, &s))
		return 0;
	if (yl == 2)
		y += y < 50 ? 2000 : 1900;
	if (mo < 1 || mo > 12 || dd < 1 || dd > mdays[mo - 1] || h > 23 ||
	    mi > 59 || s > 59)
		return 0;
	/* 29 February only in a leap year */
	if (mo == 2 && dd == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return 0;
	return 1;
}

/* SubjectPublicKeyInfo of a key signet reads: EC P-256, P-384, P-521
 * (an uncompressed point) or Ed25519. */
static int
spki_ok(struct der *d)
{
	static const uint8_t ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
	    0x01 };
	static const uint8_t p256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03,
	    0x01, 0x07 };
	static const uint8_t p384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
	static const uint8_t p521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };
	static const uint8_t ed25519[] = { 0x2b, 0x65, 0x70 };
	struct der spki, oid, param, key;
	size_t want;

	if (next_is(d, 0x30, &spki) != 0 || !algid_ok(&spki, &oid, &param) ||
	    next_is(&spki, 0x03, &key) != 0 || spki.n != 0 || key.n < 1 ||
	    key.p[0] != 0)
		return 0;
	if (oid_is(&oid, ed25519, sizeof(ed25519)))
		return param.p == NULL && key.n == 1 + 32;
	if (!oid_is(&oid, ec, sizeof(ec)) || param.p == NULL)
		return 0;
	if (oid_is(&param, p256, sizeof(p256)))
		want = 65;
	else if (oid_is(&param, p384, sizeof(p384)))
		want = 97;
	else if (oid_is(&param, p521, sizeof(p521)))
		want = 133;
	else
		return 0;
	return key.n == 1 + want && key.p[1] == 0x04;
}

/* 1.3.6.1.4.1.57264.1.n, the Fulcio arc, less its last byte */
static const uint8_t fulcio_arc[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83,
    0xbf, 0x30, 0x01 };

/* GeneralNames: email, URI and the Fulcio username otherName (.1.7,
 * a UTF8String), nothing else. */
static int
sans_read(const struct der *ext, struct sgn_rekor_cert_ids *ids)
{
	struct der all = *ext, names, gn, oid, val, s;
	uint8_t tag;

	if (next_is(&all, 0x30, &names) != 0 || all.n != 0 || names.n == 0)
		return 0;
	while (names.n > 0) {
		if (next(&names, &tag, &gn) != 0 ||
		    ids->n_sans == SGN_REKOR_IDS_MAX_SANS)
			return 0;
		if (tag == 0x81 || tag == 0x86) {
			if (!text_ok(gn.p, gn.n))
				return 0;
			ids->sans[ids->n_sans].type = tag == 0x81 ?
			    SGN_REKOR_SAN_EMAIL : SGN_REKOR_SAN_URI;
			s = gn;
		} else if (tag == 0xa0) {
			if (next_is(&gn, 0x06, &oid) != 0 ||
			    oid.n != sizeof(fulcio_arc) + 1 ||
			    memcmp(oid.p, fulcio_arc, sizeof(fulcio_arc)) !=
			    0 || oid.p[sizeof(fulcio_arc)] != 7 ||
			    next_is(&gn, 0xa0, &val) != 0 || gn.n != 0 ||
			    next_is(&val, 0x0c, &s) != 0 || val.n != 0 ||
			    !text_ok(s.p, s.n))
				return 0;
			ids->sans[ids->n_sans].type = SGN_REKOR_SAN_OTHERNAME;
		} else
			return 0;
		ids->sans[ids->n_sans].value = (const char *)s.p;
		ids->sans[ids->n_sans].len = s.n;
		ids->n_sans++;
	}
	return 1;
}

int
sgn_rekor_cert_ids(const uint8_t *der, size_t len,
    struct sgn_rekor_cert_ids *ids)
{
	static const uint8_t san_oid[] = { 0x55, 0x1d, 0x11 };
	struct der all, cert, tbs, v, oid, param, exts, ext, val, in;
	uint8_t tag;
	int have_san = 0;
	unsigned n;

	if (ids == NULL)
		return 0;
	memset(ids, 0, sizeof(*ids));
	if (der == NULL || len == 0 || len > SGN_REKOR_IDS_MAX_DER)
		return 0;
	all.p = der;
	all.n = len;
	/* Certificate: tbsCertificate, signatureAlgorithm, signature */
	if (next_is(&all, 0x30, &cert) != 0 || all.n != 0 ||
	    next_is(&cert, 0x30, &tbs) != 0 ||
	    !algid_ok(&cert, &oid, &param) ||
	    next_is(&cert, 0x03, &v) != 0 || cert.n != 0 || v.n < 1 ||
	    v.p[0] > 7 || (v.n == 1 && v.p[0] != 0))
		return 0;
	/* version [0] v3 (2), serial, signature, issuer, validity,
	 * subject, subjectPublicKeyInfo, extensions [3]; no unique IDs */
	if (next_is(&tbs, 0xa0, &in) != 0 || next_is(&in, 0x02, &v) != 0 ||
	    in.n != 0 || v.n != 1 || v.p[0] != 2 ||
	    next_is(&tbs, 0x02, &v) != 0 || !int_ok(&v) ||
	    !algid_ok(&tbs, &oid, &param) || !name_ok(&tbs) ||
	    next_is(&tbs, 0x30, &in) != 0 || !time_ok(&in) || !time_ok(&in) ||
	    in.n != 0 || !name_ok(&tbs) || !spki_ok(&tbs))
		return 0;
	if (tbs.n == 0)
		return 0;	/* no extensions: no SAN */
	if (next_is(&tbs, 0xa3, &in) != 0 || tbs.n != 0 ||
	    next_is(&in, 0x30, &exts) != 0 || in.n != 0 || exts.n == 0)
		return 0;
	while (exts.n > 0) {
		if (next_is(&exts, 0x30, &ext) != 0 ||
		    next_is(&ext, 0x06, &oid) != 0 || !oid_ok(&oid) ||
		    next(&ext, &tag, &val) != 0)
			return 0;
		if (tag == 0x01) {
			/* critical: DER leaves out the default FALSE */
			if (val.n != 1 || val.p[0] != 0xff ||
			    next(&ext, &tag, &val) != 0)
				return 0;
		}
		if (tag != 0x04 || ext.n != 0)
			return 0;
		if (oid_is(&oid, san_oid, sizeof(san_oid))) {
			if (have_san++ || !sans_read(&val, ids))
				return 0;
			continue;
		}
		if (oid.n != sizeof(fulcio_arc) + 1 ||
		    memcmp(oid.p, fulcio_arc, sizeof(fulcio_arc)) != 0)
			continue;
		n = oid.p[sizeof(fulcio_arc)];
		if (n < 1 || n > 8 || n == 7)
			continue;
		/* .1 to .6: the raw bytes; .8: one DER UTF8String */
		if (n == 8 && (next_is(&val, 0x0c, &in) != 0 || val.n != 0))
			return 0;
		if (n != 8)
			in = val;
		if (ids->ext[n] != NULL || !text_ok(in.p, in.n))
			return 0;
		ids->ext[n] = (const char *)in.p;
		ids->ext_len[n] = in.n;
	}
	if (!have_san || ids->n_sans == 0)
		return 0;
	/* the issuer: .8, else the legacy .1; two that differ are
	 * ambiguous, left to the full parse */
	if (ids->ext[8] != NULL && ids->ext[1] != NULL &&
	    (ids->ext_len[8] != ids->ext_len[1] ||
	    memcmp(ids->ext[8], ids->ext[1], ids->ext_len[1]) != 0))
		return 0;
	ids->issuer = ids->ext[8] != NULL ? ids->ext[8] : ids->ext[1];
	ids->issuer_len = ids->ext[8] != NULL ? ids->ext_len[8] :
	    ids->ext_len[1];
	return 1;
}
