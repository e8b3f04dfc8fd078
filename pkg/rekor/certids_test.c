/*
 * Unit tests for sgn_rekor_cert_ids(), the light read `signet tlog
 * watch` matches identities on: certificates made here with plain
 * OpenSSL calls, with identities where an attacker would put them, and
 * the rule that when the read is sure it reads what the full parse
 * (sgn_cert_from_der(), sgn_cert_sans(), sgn_cert_oidc_issuer()) reads,
 * checked on a real Fulcio certificate and on every one-byte corruption
 * of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <criterion/criterion.h>

#include "rekor.h"
#include "x509.h"
#include "testutil.h"

#define V2_CERT	"testdata/vectors/rekor-v2-hashedrekord/bundle.sigstore.json"
#define ARC	"1.3.6.1.4.1.57264.1."

/* A certificate under construction: subject CN, SANs, extensions. */
struct mk {
	const char	*cn;
	const char	*email, *email2, *uri, *dns, *username;
	const char	*ext1, *ext8, *ext5;	/* Fulcio extensions */
	const char	*other_ext;		/* 1.2.3.4, raw text */
	int		 no_san, two_sans;
};

static void
add_raw_ext(X509 *x, const char *oid, const uint8_t *p, size_t n)
{
	ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e;

	cr_assert(o != NULL && os != NULL);
	cr_assert_eq(ASN1_OCTET_STRING_set(os, p, (int)n), 1);
	e = X509_EXTENSION_create_by_OBJ(NULL, o, 0, os);
	cr_assert_not_null(e);
	cr_assert_eq(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(o);
}

static void
add_gen(GENERAL_NAMES *g, int type, const char *v)
{
	GENERAL_NAME *n = GENERAL_NAME_new();
	ASN1_IA5STRING *s = ASN1_IA5STRING_new();

	cr_assert(n != NULL && s != NULL);
	cr_assert_eq(ASN1_STRING_set(s, v, (int)strlen(v)), 1);
	GENERAL_NAME_set0_value(n, type, s);
	cr_assert_eq(sk_GENERAL_NAME_push(g, n) > 0, 1);
}

static void
add_username(GENERAL_NAMES *g, const char *v)
{
	GENERAL_NAME *n = GENERAL_NAME_new();
	ASN1_TYPE *t = ASN1_TYPE_new();
	ASN1_UTF8STRING *s = ASN1_UTF8STRING_new();

	cr_assert(n != NULL && t != NULL && s != NULL);
	cr_assert_eq(ASN1_STRING_set(s, v, (int)strlen(v)), 1);
	ASN1_TYPE_set(t, V_ASN1_UTF8STRING, s);
	cr_assert_eq(GENERAL_NAME_set0_othername(n,
	    OBJ_txt2obj(ARC "7", 1), t), 1);
	cr_assert_eq(sk_GENERAL_NAME_push(g, n) > 0, 1);
}

static void
add_sans(X509 *x, const struct mk *m)
{
	GENERAL_NAMES *g = sk_GENERAL_NAME_new_null();

	cr_assert_not_null(g);
	if (m->email != NULL)
		add_gen(g, GEN_EMAIL, m->email);
	if (m->dns != NULL)
		add_gen(g, GEN_DNS, m->dns);
	if (m->uri != NULL)
		add_gen(g, GEN_URI, m->uri);
	if (m->email2 != NULL)
		add_gen(g, GEN_EMAIL, m->email2);
	if (m->username != NULL)
		add_username(g, m->username);
	cr_assert_eq(X509_add1_ext_i2d(x, NID_subject_alt_name, g, 0,
	    X509V3_ADD_APPEND), 1);
	GENERAL_NAMES_free(g);
}

/* A signed v3 certificate with an EC P-256 key: DER, malloc'd. */
static uint8_t *
make_cert(const struct mk *m, size_t *len)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();
	unsigned char *der = NULL;
	uint8_t u8[256];
	int n;

	cr_assert(k != NULL && x != NULL && nm != NULL);
	cr_assert_eq(X509_set_version(x, X509_VERSION_3), 1);
	cr_assert_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), 4242), 1);
	if (m->cn != NULL)
		cr_assert_eq(X509_NAME_add_entry_by_txt(nm, "CN",
		    MBSTRING_UTF8, (const unsigned char *)m->cn, -1, -1, 0),
		    1);
	cr_assert_eq(X509_set_subject_name(x, nm), 1);
	cr_assert_eq(X509_set_issuer_name(x, nm), 1);
	cr_assert_not_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	cr_assert_not_null(X509_gmtime_adj(X509_getm_notAfter(x), 600));
	cr_assert_eq(X509_set_pubkey(x, k), 1);
	if (!m->no_san)
		add_sans(x, m);
	if (m->two_sans)
		add_sans(x, m);
	if (m->ext1 != NULL)
		add_raw_ext(x, ARC "1", (const uint8_t *)m->ext1,
		    strlen(m->ext1));
	if (m->ext5 != NULL)
		add_raw_ext(x, ARC "5", (const uint8_t *)m->ext5,
		    strlen(m->ext5));
	if (m->other_ext != NULL)
		add_raw_ext(x, "1.2.3.4", (const uint8_t *)m->other_ext,
		    strlen(m->other_ext));
	if (m->ext8 != NULL) {
		/* a DER UTF8String */
		size_t l = strlen(m->ext8);

		cr_assert(l < 128);
		u8[0] = 0x0c;
		u8[1] = (uint8_t)l;
		memcpy(u8 + 2, m->ext8, l);
		add_raw_ext(x, ARC "8", u8, l + 2);
	}
	cr_assert(X509_sign(x, k, EVP_sha256()) > 0);
	n = i2d_X509(x, &der);
	cr_assert(n > 0);
	*len = (size_t)n;
	X509_NAME_free(nm);
	X509_free(x);
	EVP_PKEY_free(k);
	return der;
}

static int
span_is(const char *p, size_t n, const char *s)
{
	return p != NULL && strlen(s) == n && memcmp(p, s, n) == 0;
}

/*
 * The rule: a sure read reads what the full parse reads (SANs in order,
 * the issuer), and the full parse takes the certificate.
 */
static void
agrees_with_full_parse(const uint8_t *der, size_t len,
    const struct sgn_rekor_cert_ids *ids)
{
	struct sgn_cert *c = NULL;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	char *iss = NULL;
	size_t n = 0, i;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_from_der(der, len, &c, &eb), SGN_OK,
	    "sure of a certificate the full parse refuses: %s", eb.msg);
	cr_assert_eq(sgn_cert_sans(c, &sans, &n, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(n, ids->n_sans);
	for (i = 0; i < n; i++) {
		cr_assert_eq((int)sans[i].type, ids->sans[i].type);
		cr_assert(span_is(ids->sans[i].value, ids->sans[i].len,
		    sans[i].value), "SAN %zu: %s", i, sans[i].value);
	}
	cr_assert_eq(sgn_cert_oidc_issuer(c, &iss, &eb), SGN_OK, "%s",
	    eb.msg);
	if (iss == NULL)
		cr_assert_null(ids->issuer);
	else
		cr_assert(span_is(ids->issuer, ids->issuer_len, iss));
	free(iss);
	sgn_sans_free(&sans, &n);
	sgn_cert_free(&c);
}

static uint8_t *
fulcio_cert(size_t *len)
{
	static const char k[] = "\"rawBytes\":\"";
	size_t blen, i, j;
	uint8_t *b = tu_read(V2_CERT, &blen), *der = NULL;

	for (i = 0; i + sizeof(k) - 1 <= blen; i++)
		if (memcmp(b + i, k, sizeof(k) - 1) == 0)
			break;
	cr_assert(i + sizeof(k) - 1 <= blen);
	i += sizeof(k) - 1;
	for (j = i; j < blen && b[j] != '"'; j++)
		;
	cr_assert(j < blen);
	cr_assert_eq(sgn_b64_decode((const char *)b + i, j - i, &der, len,
	    NULL), SGN_OK);
	free(b);
	return der;
}

Test(rekor, cert_ids_reads_a_fulcio_certificate_as_the_full_parse_does)
{
	struct sgn_rekor_cert_ids ids;
	size_t len;
	uint8_t *der = fulcio_cert(&len);

	cr_assert_eq(sgn_rekor_cert_ids(der, len, &ids), 1);
	cr_assert_eq(ids.n_sans, 1);
	cr_assert_not_null(ids.issuer);
	agrees_with_full_parse(der, len, &ids);
	free(der);
}

/* Where the key's point (the last 65 bytes of the SPKI) lies in der. */
static size_t
point_at(const uint8_t *der, size_t len)
{
	struct sgn_cert *c = NULL;
	struct sgn_errbuf eb;
	const struct sgn_pubkey *k;
	const uint8_t *spki;
	size_t n, i;

	cr_assert_eq(sgn_cert_from_der(der, len, &c, &eb), SGN_OK);
	k = sgn_cert_pubkey(c);
	spki = sgn_pubkey_spki_ptr(k);
	n = sgn_pubkey_spki_len(k);
	for (i = 0; i + n <= len; i++)
		if (memcmp(der + i, spki, n) == 0)
			break;
	cr_assert(i + n <= len && n > 65);
	sgn_cert_free(&c);
	return i + n - 65;
}

/*
 * Every one-byte corruption of a real certificate: whenever the light
 * read is sure, the full parse takes the certificate and reads the same
 * identities; a corruption it is unsure of goes to the full parse.  The
 * one exception, the key's point (not decoded by the light read): its
 * corruptions leave the identities as they were, so a watched identity
 * still goes to the full parse, which reports the certificate.
 */
Test(rekor, cert_ids_is_never_sure_of_what_the_full_parse_reads_otherwise)
{
	struct sgn_rekor_cert_ids ids, orig;
	struct sgn_cert *c = NULL;
	struct sgn_errbuf eb;
	size_t len, i, sure = 0, unsure = 0, pt, k;
	uint8_t *der = fulcio_cert(&len), *d = malloc(len);
	static const uint8_t flips[] = { 0x01, 0x80, 0xff };
	size_t f;

	cr_assert_not_null(d);
	cr_assert_eq(sgn_rekor_cert_ids(der, len, &orig), 1);
	pt = point_at(der, len);
	for (i = 0; i < len; i++)
		for (f = 0; f < sizeof(flips); f++) {
			memcpy(d, der, len);
			d[i] ^= flips[f];
			if (sgn_rekor_cert_ids(d, len, &ids) != 1) {
				unsure++;
				continue;
			}
			sure++;
			if (i < pt + 1 || i >= pt + 65) {
				agrees_with_full_parse(d, len, &ids);
				continue;
			}
			/* the point: the same identities, whatever the full
			 * parse makes of the key */
			cr_assert_eq(ids.n_sans, orig.n_sans);
			for (k = 0; k < ids.n_sans; k++)
				cr_assert(ids.sans[k].len ==
				    orig.sans[k].len && memcmp(
				    ids.sans[k].value, orig.sans[k].value,
				    ids.sans[k].len) == 0);
			cr_assert(ids.issuer_len == orig.issuer_len &&
			    memcmp(ids.issuer, orig.issuer,
			    ids.issuer_len) == 0);
		}
	/* truncated */
	for (i = 0; i < len; i++)
		cr_assert_eq(sgn_rekor_cert_ids(der, i, &ids), 0);
	cr_assert(sure > 0 && unsure > 0);
	/* one point off the curve: the full parse refuses it */
	memcpy(d, der, len);
	d[len > 0 ? pt + 40 : 0] ^= 1;
	cr_assert_eq(sgn_rekor_cert_ids(d, len, &ids), 1);
	sgn_errbuf_clear(&eb);
	cr_assert_neq(sgn_cert_from_der(d, len, &c, &eb), SGN_OK);
	free(d);
	free(der);
}

Test(rekor, cert_ids_refuses_malformed_der_and_the_full_parse_does_too)
{
	struct sgn_rekor_cert_ids ids;
	struct sgn_cert *c = NULL;
	struct sgn_errbuf eb;
	size_t len;
	uint8_t *der = fulcio_cert(&len), *d = malloc(len + 2);

	cr_assert_not_null(d);
	/* a byte after the certificate */
	memcpy(d, der, len);
	d[len] = 0;
	cr_assert_eq(sgn_rekor_cert_ids(d, len + 1, &ids), 0);
	cr_assert_neq(sgn_cert_from_der(d, len + 1, &c, &eb), SGN_OK);
	/* the outer length one too long */
	memcpy(d, der, len);
	cr_assert_eq(d[1], 0x82);
	d[3]++;
	cr_assert_eq(sgn_rekor_cert_ids(d, len, &ids), 0);
	cr_assert_neq(sgn_cert_from_der(d, len, &c, &eb), SGN_OK);
	/* a length in a longer form than needed */
	d[0] = 0x30;
	d[1] = 0x83;
	d[2] = 0x00;
	memcpy(d + 3, der + 2, len - 2);
	cr_assert_eq(sgn_rekor_cert_ids(d, len + 1, &ids), 0);
	/* garbage, empty */
	cr_assert_eq(sgn_rekor_cert_ids((const uint8_t *)"\x30\x00", 2, &ids),
	    0);
	cr_assert_eq(sgn_rekor_cert_ids(der, 0, &ids), 0);
	cr_assert_eq(sgn_rekor_cert_ids(NULL, 10, &ids), 0);
	sgn_cert_free(&c);
	free(d);
	free(der);
}

Test(rekor, cert_ids_reads_the_san_not_the_subject_or_other_extensions)
{
	struct sgn_rekor_cert_ids ids;
	struct mk m = { .cn = "victim@example.com", .email =
	    "attacker@example.com", .other_ext = "victim@example.com",
	    .ext5 = "victim@example.com" };
	size_t len, i;
	uint8_t *der = make_cert(&m, &len);

	cr_assert_eq(sgn_rekor_cert_ids(der, len, &ids), 1);
	cr_assert_eq(ids.n_sans, 1);
	cr_assert(span_is(ids.sans[0].value, ids.sans[0].len,
	    "attacker@example.com"));
	for (i = 0; i < ids.n_sans; i++)
		cr_assert(!span_is(ids.sans[i].value, ids.sans[i].len,
		    "victim@example.com"));
	/* the repository extension is an extension, not an identity */
	cr_assert(span_is(ids.ext[5], ids.ext_len[5], "victim@example.com"));
	cr_assert_null(ids.issuer);
	agrees_with_full_parse(der, len, &ids);
	free(der);
}

Test(rekor, cert_ids_reads_every_san_in_order_with_its_kind)
{
	struct sgn_rekor_cert_ids ids;
	struct mk m = { .email = "a@example.com", .uri =
	    "https://example.com/wf@refs/heads/main", .email2 =
	    "b@example.com", .username = "carol!example.com" };
	size_t len;
	uint8_t *der = make_cert(&m, &len);

	cr_assert_eq(sgn_rekor_cert_ids(der, len, &ids), 1);
	cr_assert_eq(ids.n_sans, 4);
	cr_assert_eq(ids.sans[0].type, SGN_REKOR_SAN_EMAIL);
	cr_assert_eq(ids.sans[1].type, SGN_REKOR_SAN_URI);
	cr_assert_eq(ids.sans[2].type, SGN_REKOR_SAN_EMAIL);
	cr_assert(span_is(ids.sans[2].value, ids.sans[2].len,
	    "b@example.com"));
	cr_assert_eq(ids.sans[3].type, SGN_REKOR_SAN_OTHERNAME);
	cr_assert(span_is(ids.sans[3].value, ids.sans[3].len,
	    "carol!example.com"));
	agrees_with_full_parse(der, len, &ids);
	free(der);
}

/* A DNS name is not an identity the full parse reads: the light read is
 * unsure and leaves the certificate to it, never matches the DNS name. */
Test(rekor, cert_ids_leaves_a_dns_san_to_the_full_parse)
{
	struct sgn_rekor_cert_ids ids;
	struct sgn_cert *c = NULL;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	struct mk m = { .email = "a@example.com", .dns = "victim.example" };
	size_t len, n = 0;
	uint8_t *der = make_cert(&m, &len);

	cr_assert_eq(sgn_rekor_cert_ids(der, len, &ids), 0);
	cr_assert_eq(sgn_cert_from_der(der, len, &c, &eb), SGN_OK);
	cr_assert_eq(sgn_cert_sans(c, &sans, &n, &eb), SGN_OK);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(sans[0].value, "a@example.com");
	sgn_sans_free(&sans, &n);
	sgn_cert_free(&c);
	free(der);
}

Test(rekor, cert_ids_leaves_two_san_extensions_to_the_full_parse)
{
	struct sgn_rekor_cert_ids ids;
	struct mk m = { .email = "a@example.com", .two_sans = 1 };
	size_t len;
	uint8_t *der = make_cert(&m, &len);

	cr_assert_eq(sgn_rekor_cert_ids(der, len, &ids), 0);
	free(der);
}

Test(rekor, cert_ids_without_a_san_is_unsure)
{
	struct sgn_rekor_cert_ids ids;
	struct mk m = { .cn = "a@example.com", .no_san = 1 };
	size_t len;
	uint8_t *der = make_cert(&m, &len);

	cr_assert_eq(sgn_rekor_cert_ids(der, len, &ids), 0);
	free(der);
}

Test(rekor, cert_ids_takes_the_issuer_from_8_else_1)
{
	struct sgn_rekor_cert_ids ids;
	struct mk m1 = { .email = "a@example.com", .ext1 =
	    "https://issuer.example" };
	struct mk both = { .email = "a@example.com", .ext1 =
	    "https://issuer.example", .ext8 = "https://issuer.example" };
	size_t len;
	uint8_t *der = make_cert(&m1, &len);

	cr_assert_eq(sgn_rekor_cert_ids(der, len, &ids), 1);
	cr_assert(span_is(ids.issuer, ids.issuer_len,
	    "https://issuer.example"));
	agrees_with_full_parse(der, len, &ids);
	free(der);
	der = make_cert(&both, &len);
	cr_assert_eq(sgn_rekor_cert_ids(der, len, &ids), 1);
	cr_assert(span_is(ids.issuer, ids.issuer_len,
	    "https://issuer.example"));
	agrees_with_full_parse(der, len, &ids);
	free(der);
}

/* .1 and .8 that disagree: ambiguous, left to the full parse (which
 * reads no issuer from them) */
Test(rekor, cert_ids_leaves_conflicting_issuers_to_the_full_parse)
{
	struct sgn_rekor_cert_ids ids;
	struct sgn_cert *c = NULL;
	struct sgn_errbuf eb;
	char *iss = NULL;
	struct mk m = { .email = "a@example.com", .ext1 =
	    "https://good.example", .ext8 = "https://evil.example" };
	size_t len;
	uint8_t *der = make_cert(&m, &len);

	cr_assert_eq(sgn_rekor_cert_ids(der, len, &ids), 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_from_der(der, len, &c, &eb), SGN_OK);
	cr_assert_eq(sgn_cert_oidc_issuer(c, &iss, &eb), SGN_ERR_VERIFY);
	cr_assert_null(iss);
	sgn_cert_free(&c);
	free(der);
}

Test(rekor, cert_ids_leaves_control_characters_to_the_full_parse)
{
	struct sgn_rekor_cert_ids ids;
	struct mk m = { .email = "a@example.com\n" };
	size_t len;
	uint8_t *der = make_cert(&m, &len);

	cr_assert_eq(sgn_rekor_cert_ids(der, len, &ids), 0);
	free(der);
}
