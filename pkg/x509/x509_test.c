/*
 * Unit tests for pkg/x509: parsing, the Fulcio identity (SANs and the
 * 1.3.6.1.4.1.57264.1 extensions), the code-signing profile, path
 * validation and embedded SCTs.
 *
 * Two sources of certificates: the production leaf of the rekor-v1
 * hashedrekord vector with the CA chains and CT logs of the production
 * trusted root, and certificates generated here with OpenSSL, one per
 * rule, from a fixed template (see mk()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/asn1.h>
#include <openssl/ct.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <criterion/criterion.h>

#include "trust.h"
#include "x509.h"
#include "testutil.h"

#define V03	"testdata/vectors/rekor-v1-hashedrekord/bundle.sigstore.json"
#define ROOT	"testdata/vectors/trusted_root.json"
#define STAGING	"third_party/sigstore/staging_trusted_root.json"

#define SAN_URI	"https://github.com/sigstore-conformance/" \
		"extremely-dangerous-public-oidc-beacon/.github/workflows/" \
		"extremely-dangerous-oidc-beacon.yml@refs/heads/main"
#define GH_ISSUER "https://token.actions.githubusercontent.com"
#define CT_2022	"https://ctfe.sigstore.dev/2022"

/* Production material ----------------------------------------------- */

static struct sgn_trusted_root *
root_load(const char *path)
{
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;
	uint8_t *p;
	size_t len;

	p = tu_read(path, &len);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_trusted_root_parse(p, len, &r, &eb), SGN_OK, "%s: %s",
	    path, eb.msg);
	free(p);
	return r;
}

/* The Fulcio CA whose chain has n certificates (the production root has
 * the retired root-only CA and the current 2-certificate one). */
static const struct sgn_authority *
ca_with_chain(const struct sgn_trusted_root *r, size_t n)
{
	const struct sgn_authority *cas;
	size_t i, ncas;

	cas = sgn_trusted_root_cas(r, &ncas);
	for (i = 0; i < ncas; i++)
		if (cas[i].chain_len == n)
			return &cas[i];
	cr_assert_fail("no CA with a %zu-certificate chain", n);
	return NULL;
}

static const struct sgn_log *
ctlog_by_url(const struct sgn_trusted_root *r, const char *url)
{
	const struct sgn_log *logs;
	size_t i, n;

	logs = sgn_trusted_root_ctlogs(r, &n);
	for (i = 0; i < n; i++)
		if (logs[i].base_url != NULL &&
		    strcmp(logs[i].base_url, url) == 0)
			return &logs[i];
	cr_assert_fail("no ctlog %s", url);
	return NULL;
}

/* The DER leaf of the rekor-v1 hashedrekord bundle; malloc'd. */
static uint8_t *
prod_leaf_der(size_t *len)
{
	size_t blen;
	uint8_t *p = tu_read(V03, &blen), *der = NULL;
	cJSON *j = cJSON_ParseWithLength((const char *)p, blen), *c;

	cr_assert_not_null(j);
	c = cJSON_GetObjectItemCaseSensitive(j, "verificationMaterial");
	c = cJSON_GetObjectItemCaseSensitive(c, "certificate");
	c = cJSON_GetObjectItemCaseSensitive(c, "rawBytes");
	cr_assert(cJSON_IsString(c));
	cr_assert_eq(sgn_b64_decode(c->valuestring, strlen(c->valuestring),
	    &der, len, NULL), SGN_OK);
	cJSON_Delete(j);
	free(p);
	return der;
}

static struct sgn_cert *
prod_leaf(void)
{
	struct sgn_cert *c = NULL;
	struct sgn_errbuf eb;
	uint8_t *der;
	size_t len;

	der = prod_leaf_der(&len);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_from_der(der, len, &c, &eb), SGN_OK, "%s",
	    eb.msg);
	free(der);
	return c;
}

/* Generated certificates -------------------------------------------- */

/* notBefore of every generated certificate */
#define T0	1700000000

static EVP_PKEY *
gen_key(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	cr_assert_not_null(k);
	return k;
}

/* Set by a test before mk() meets an "SCT" entry. */
static STACK_OF(SCT) *sct_list;

static void
add_ext(X509 *x, X509V3_CTX *ctx, const char *name, const char *value)
{
	X509_EXTENSION *ext;

	if (strcmp(name, "SCT") == 0) {
		cr_assert_not_null(sct_list);
		ext = X509V3_EXT_i2d(NID_ct_precert_scts, 0, sct_list);
		cr_assert_not_null(ext);
		cr_assert_eq(X509_add_ext(x, ext, strcmp(value, "first") == 0 ?
		    0 : -1), 1);
		X509_EXTENSION_free(ext);
		return;
	}
	ext = X509V3_EXT_nconf(NULL, ctx, name, value);
	cr_assert_not_null(ext, "extension %s = %s", name, value);
	cr_assert_eq(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/*
 * A certificate for key, issued by issuer (signed with ikey), or
 * self-signed when issuer is NULL.  cn NULL leaves the subject empty, as
 * Fulcio does.  Every certificate gets a subject key identifier, and an
 * authority key identifier; exts is a NULL-terminated list of name, value
 * pairs in X509V3_EXT_nconf() syntax added in that order ("SCT" adds
 * sct_list as the embedded SCT extension, at the end or, with the value
 * "first", ahead of all others).  serial 0 picks the next one.
 */
static X509 *
mk(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey, long serial,
    const char *const *exts)
{
	static long next_serial = 1000;
	X509 *x = X509_new();
	X509_NAME *nm;
	X509V3_CTX ctx;
	size_t i;

	cr_assert_not_null(x);
	cr_assert_eq(X509_set_version(x, X509_VERSION_3), 1);
	cr_assert_eq(ASN1_INTEGER_set(X509_get_serialNumber(x),
	    serial != 0 ? serial : next_serial++), 1);
	nm = X509_get_subject_name(x);
	if (cn != NULL) {
		cr_assert_eq(X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC,
		    (const unsigned char *)"signet test", -1, -1, 0), 1);
		cr_assert_eq(X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
		    (const unsigned char *)cn, -1, -1, 0), 1);
	}
	cr_assert_eq(X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : nm), 1);
	cr_assert_not_null(ASN1_TIME_set(X509_getm_notBefore(x), T0));
	cr_assert_not_null(ASN1_TIME_set(X509_getm_notAfter(x), T0 + 600));
	cr_assert_eq(X509_set_pubkey(x, key), 1);
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	add_ext(x, &ctx, "subjectKeyIdentifier", "hash");
	add_ext(x, &ctx, "authorityKeyIdentifier", "keyid:always");
	for (i = 0; exts != NULL && exts[i] != NULL; i += 2)
		add_ext(x, &ctx, exts[i], exts[i + 1]);
	cr_assert_gt(X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()), 0);
	return x;
}

static struct sgn_cert *
wrap(X509 *x)
{
	struct sgn_cert *c = NULL;
	struct sgn_errbuf eb;
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);

	cr_assert_gt(n, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_from_der(der, (size_t)n, &c, &eb), SGN_OK,
	    "%s", eb.msg);
	OPENSSL_free(der);
	return c;
}

static const char *const CA_EXTS[] = {
	"basicConstraints", "critical,CA:TRUE",
	"keyUsage", "critical,keyCertSign,cRLSign",
	NULL,
};

/* A Fulcio-like leaf: critical email SAN, digitalSignature, codeSigning. */
#define LEAF_KU		"keyUsage", "critical,digitalSignature"
#define LEAF_EKU	"extendedKeyUsage", "codeSigning"
#define LEAF_SAN	"subjectAltName", "critical,email:alice@example.com"

/* A test CA and a leaf generator on it. */
struct pki {
	EVP_PKEY	*ca_key;
	X509		*ca;
	struct sgn_cert	*ca_cert;
};

static void
pki_init(struct pki *p, const char *cn)
{
	p->ca_key = gen_key();
	p->ca = mk(p->ca_key, cn, NULL, NULL, 0, CA_EXTS);
	p->ca_cert = wrap(p->ca);
}

static void
pki_fini(struct pki *p)
{
	sgn_cert_free(&p->ca_cert);
	X509_free(p->ca);
	EVP_PKEY_free(p->ca_key);
}

/* A leaf of p with a fresh key and the given extensions. */
static struct sgn_cert *
pki_leaf(const struct pki *p, const char *const *exts)
{
	EVP_PKEY *k = gen_key();
	X509 *x = mk(k, NULL, p->ca, p->ca_key, 0, exts);
	struct sgn_cert *c = wrap(x);

	X509_free(x);
	EVP_PKEY_free(k);
	return c;
}

static void
expect_err(sgn_err got, const struct sgn_errbuf *eb, sgn_err code,
    const char *want)
{
	cr_assert_eq(got, code, "got %d \"%s\"", got, eb->msg);
	cr_assert(tu_has(eb->msg, want), "message \"%s\" lacks \"%s\"",
	    eb->msg, want);
}

/* Parsing ----------------------------------------------------------- */

Test(x509, parses_the_production_leaf)
{
	struct sgn_cert *c = prod_leaf();
	uint8_t *der, fp[32];
	size_t len;

	der = prod_leaf_der(&len);
	cr_assert_eq(sgn_cert_der_len(c), len);
	cr_assert_arr_eq(sgn_cert_der_ptr(c), der, len);
	cr_assert_eq(sgn_hash(SGN_HASH_SHA256, der, len, fp, NULL), SGN_OK);
	cr_assert_arr_eq(sgn_cert_fingerprint(c), fp, 32);
	/* 2024-03-19T17:26:26Z .. 17:36:26Z */
	cr_assert_eq(sgn_cert_not_before(c).sec, 1710869186);
	cr_assert_eq(sgn_cert_not_after(c).sec, 1710869786);
	cr_assert_eq(sgn_cert_not_before(c).nsec, 0);
	cr_assert_eq(sgn_pubkey_type(sgn_cert_pubkey(c)), SGN_KEY_ECDSA_P256);
	cr_assert_eq(sgn_cert_is_ca(c), 0);
	cr_assert_eq(sgn_cert_is_self_signed(c), 0);
	/* Fulcio leaves have an empty subject */
	cr_assert_str_eq(sgn_cert_subject_cn(c), "");
	cr_assert_not_null(sgn_cert_x509(c));
	free(der);
	sgn_cert_free(&c);
	cr_assert_null(c);
	sgn_cert_free(&c);
	sgn_cert_free(NULL);
}

Test(x509, shares_certificates_by_reference)
{
	struct sgn_cert *c = prod_leaf(), *d;

	d = sgn_cert_ref(c);
	cr_assert_eq(d, c);
	sgn_cert_free(&c);
	cr_assert_null(c);
	/* the other reference still holds it */
	cr_assert_eq(sgn_cert_not_before(d).sec, 1710869186);
	cr_assert_eq(sgn_pubkey_type(sgn_cert_pubkey(d)), SGN_KEY_ECDSA_P256);
	cr_assert_gt(sgn_cert_der_len(d), 0);
	sgn_cert_free(&d);
	cr_assert_null(d);
}

Test(x509, reads_the_production_ca_chain)
{
	struct sgn_trusted_root *r = root_load(ROOT);
	const struct sgn_authority *ca = ca_with_chain(r, 2);

	cr_assert_str_eq(sgn_cert_subject_cn(ca->chain[0]),
	    "sigstore-intermediate");
	cr_assert_str_eq(sgn_cert_subject_cn(ca->chain[1]), "sigstore");
	cr_assert_eq(sgn_cert_is_ca(ca->chain[0]), 1);
	cr_assert_eq(sgn_cert_is_ca(ca->chain[1]), 1);
	cr_assert_eq(sgn_cert_is_self_signed(ca->chain[0]), 0);
	cr_assert_eq(sgn_cert_is_self_signed(ca->chain[1]), 1);
	cr_assert_eq(sgn_pubkey_type(sgn_cert_pubkey(ca->chain[0])),
	    SGN_KEY_ECDSA_P384);
	sgn_trusted_root_free(&r);
}

Test(x509, rejects_trailing_data_after_der)
{
	struct sgn_cert *c = NULL;
	struct sgn_errbuf eb;
	uint8_t *der, *buf;
	size_t len;

	der = prod_leaf_der(&len);
	buf = malloc(len + 1);
	cr_assert_not_null(buf);
	memcpy(buf, der, len);
	buf[len] = 0;
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_from_der(buf, len + 1, &c, &eb), &eb,
	    SGN_ERR_PARSE, "trailing data after certificate");
	cr_assert_null(c);
	/* truncated */
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_from_der(der, len - 1, &c, &eb), &eb,
	    SGN_ERR_PARSE, "invalid certificate");
	cr_assert_null(c);
	free(buf);
	free(der);
}

Test(x509, rejects_empty_garbage_and_oversized_der)
{
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	struct sgn_cert *c = NULL;
	struct sgn_errbuf eb;
	uint8_t *big;

	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_from_der(junk, 0, &c, &eb), &eb, SGN_ERR_PARSE,
	    "empty certificate");
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_from_der(NULL, 10, &c, &eb), &eb, SGN_ERR_PARSE,
	    "empty certificate");
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_from_der(junk, sizeof(junk), &c, &eb), &eb,
	    SGN_ERR_PARSE, "invalid certificate");
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_from_der((const uint8_t *)"hello world", 11, &c,
	    &eb), &eb, SGN_ERR_PARSE, "invalid certificate");
	big = calloc(1, SGN_MAX_CERT_BYTES + 1);
	cr_assert_not_null(big);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_from_der(big, SGN_MAX_CERT_BYTES + 1, &c, &eb),
	    &eb, SGN_ERR_LIMIT, "certificate too large");
	cr_assert_null(c);
	free(big);
}

Test(x509, reads_pem_and_skips_other_blocks)
{
	struct sgn_cert *c = NULL, *leaf = prod_leaf();
	const struct sgn_pubkey *k = sgn_cert_pubkey(leaf);
	struct sgn_errbuf eb;
	char *pk, *cert, *both, *out;
	size_t n, outlen;

	pk = tu_pem_block("PUBLIC KEY", sgn_pubkey_spki_ptr(k),
	    sgn_pubkey_spki_len(k), NULL);
	cert = tu_pem_block("CERTIFICATE", sgn_cert_der_ptr(leaf),
	    sgn_cert_der_len(leaf), NULL);
	n = strlen(pk) + strlen(cert) + 16;
	both = malloc(n);
	cr_assert_not_null(both);
	snprintf(both, n, "junk\n%s%s", pk, cert);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_from_pem(both, strlen(both), &c, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(sgn_cert_der_len(c), sgn_cert_der_len(leaf));
	cr_assert_arr_eq(sgn_cert_der_ptr(c), sgn_cert_der_ptr(leaf),
	    sgn_cert_der_len(leaf));

	/* and writes it back */
	cr_assert_eq(sgn_cert_to_pem(c, &out, &outlen, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_eq(outlen, strlen(cert));
	cr_assert_str_eq(out, cert);
	free(out);
	sgn_cert_free(&c);

	/* no certificate at all */
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_from_pem(pk, strlen(pk), &c, &eb), &eb,
	    SGN_ERR_PARSE, "no PEM certificate found");
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_from_pem("", 0, &c, &eb), &eb, SGN_ERR_PARSE,
	    "invalid PEM size");
	cr_assert_null(c);
	free(pk);
	free(cert);
	free(both);
	sgn_cert_free(&leaf);
}

Test(x509, rejects_a_pem_certificate_block_that_is_not_a_certificate)
{
	struct sgn_cert *c = NULL;
	struct sgn_errbuf eb;
	char *pem = tu_pem_block("CERTIFICATE", (const uint8_t *)"garbage",
	    7, NULL);

	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_from_pem(pem, strlen(pem), &c, &eb), &eb,
	    SGN_ERR_PARSE, "invalid certificate");
	cr_assert_null(c);
	free(pem);
}

/* Validity ---------------------------------------------------------- */

Test(x509, valid_at_includes_both_ends)
{
	struct sgn_cert *c = prod_leaf();
	struct sgn_time nb = sgn_cert_not_before(c);
	struct sgn_time na = sgn_cert_not_after(c);
	struct sgn_time t;

	cr_assert_eq(sgn_cert_valid_at(c, nb), 1);
	cr_assert_eq(sgn_cert_valid_at(c, na), 1);
	cr_assert_eq(sgn_cert_valid_at(c, sgn_time_from_sec(1710869500)), 1);
	cr_assert_eq(sgn_cert_valid_at(c, sgn_time_from_sec(nb.sec - 1)), 0);
	cr_assert_eq(sgn_cert_valid_at(c, sgn_time_from_sec(na.sec + 1)), 0);
	/* whole seconds: the last fraction of the last second is in */
	t = na;
	t.nsec = 999999999;
	cr_assert_eq(sgn_cert_valid_at(c, t), 1);
	/* the integrated time of the vector */
	cr_assert_eq(sgn_cert_valid_at(c, sgn_time_from_sec(1710869186)), 1);
	sgn_cert_free(&c);
}

/* Identity ---------------------------------------------------------- */

Test(x509, reads_the_production_uri_san)
{
	struct sgn_cert *c = prod_leaf();
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_sans(c, &sans, &n, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(n, 1);
	cr_assert_eq(sans[0].type, SGN_SAN_URI);
	cr_assert_str_eq(sans[0].value, SAN_URI);
	cr_assert_str_eq(sgn_san_type_name(sans[0].type), "URI");
	/* the free leaves no dangling pointer or stale count behind */
	sgn_sans_free(&sans, &n);
	cr_assert_null(sans);
	cr_assert_eq(n, 0);
	sgn_sans_free(&sans, &n);	/* and may be called again */
	sgn_sans_free(NULL, NULL);
	sgn_cert_free(&c);
}

Test(x509, names_san_types)
{
	cr_assert_str_eq(sgn_san_type_name(SGN_SAN_EMAIL), "email");
	cr_assert_str_eq(sgn_san_type_name(SGN_SAN_URI), "URI");
	cr_assert_str_eq(sgn_san_type_name(SGN_SAN_OTHERNAME), "username");
	cr_assert_str_eq(sgn_san_type_name(SGN_SAN_NONE), "none");
}

Test(x509, reads_the_production_fulcio_extensions)
{
	struct sgn_cert *c = prod_leaf();
	struct sgn_errbuf eb;
	char *v = NULL;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_oidc_issuer(c, &v, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(v, GH_ISSUER);
	free(v);
	/* .5 is a raw string */
	cr_assert_eq(sgn_cert_fulcio_ext(c, 5, &v, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(v, "sigstore-conformance/"
	    "extremely-dangerous-public-oidc-beacon");
	free(v);
	/* .1 too (the legacy issuer) */
	cr_assert_eq(sgn_cert_fulcio_ext(c, 1, &v, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(v, GH_ISSUER);
	free(v);
	/* .8, .9 and .12 are DER UTF8Strings */
	cr_assert_eq(sgn_cert_fulcio_ext(c, 8, &v, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(v, GH_ISSUER);
	free(v);
	cr_assert_eq(sgn_cert_fulcio_ext(c, 9, &v, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(v, SAN_URI);
	free(v);
	cr_assert_eq(sgn_cert_fulcio_ext(c, 12, &v, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_str_eq(v, "https://github.com/sigstore-conformance/"
	    "extremely-dangerous-public-oidc-beacon");
	free(v);
	cr_assert_eq(sgn_cert_fulcio_ext(c, 11, &v, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_str_eq(v, "github-hosted");
	free(v);
	cr_assert_str_eq(eb.msg, "");
	sgn_cert_free(&c);
}

Test(x509, gives_null_for_an_absent_extension)
{
	struct sgn_cert *c = prod_leaf();
	struct sgn_errbuf eb;
	char *v = (char *)1;
	unsigned n;

	/* .23 (deployment environment) and .24 (token subject) are absent */
	for (n = 23; n <= 30; n++) {
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_cert_fulcio_ext(c, n, &v, &eb), SGN_OK);
		cr_assert_null(v, ".%u", n);
		cr_assert_str_eq(eb.msg, "");
	}
	/* .7 is only ever a SAN otherName type */
	cr_assert_eq(sgn_cert_fulcio_ext(c, 7, &v, &eb), SGN_OK);
	cr_assert_null(v);
	sgn_cert_free(&c);
}

Test(x509, reads_an_email_san)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_sans(c, &sans, &n, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(n, 1);
	cr_assert_eq(sans[0].type, SGN_SAN_EMAIL);
	cr_assert_str_eq(sans[0].value, "alice@example.com");
	sgn_sans_free(&sans, &n);
	cr_assert_eq(sgn_cert_check_code_signing(c, &eb), SGN_OK, "%s",
	    eb.msg);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, reads_the_otherName_username_san)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU,
	    "subjectAltName",
	    "critical,otherName:1.3.6.1.4.1.57264.1.7;UTF8:alice", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_sans(c, &sans, &n, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(n, 1);
	cr_assert_eq(sans[0].type, SGN_SAN_OTHERNAME);
	cr_assert_str_eq(sans[0].value, "alice");
	cr_assert_str_eq(sgn_san_type_name(sans[0].type), "username");
	sgn_sans_free(&sans, &n);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, keeps_san_order_and_skips_other_kinds)
{
	static const char *const exts[] = { "subjectAltName",
	    "DNS:example.com,email:bob@example.com,"
	    "otherName:1.2.3.4;UTF8:nobody,"
	    "otherName:1.3.6.1.4.1.57264.1.7;IA5STRING:notutf8,"
	    "URI:https://example.com/id,IP:127.0.0.1", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_sans(c, &sans, &n, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(n, 2);
	cr_assert_eq(sans[0].type, SGN_SAN_EMAIL);
	cr_assert_str_eq(sans[0].value, "bob@example.com");
	cr_assert_eq(sans[1].type, SGN_SAN_URI);
	cr_assert_str_eq(sans[1].value, "https://example.com/id");
	sgn_sans_free(&sans, &n);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, rejects_a_leaf_without_san)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_san *sans = (struct sgn_san *)1;
	struct sgn_errbuf eb;
	size_t n = 5;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_sans(c, &sans, &n, &eb), &eb, SGN_ERR_VERIFY,
	    "certificate has no subject alternative name");
	cr_assert_null(sans);
	cr_assert_eq(n, 0);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, rejects_a_san_without_a_fulcio_identity)
{
	static const char *const exts[] = { "subjectAltName",
	    "DNS:example.com,otherName:1.2.3.4;UTF8:alice", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_sans(c, &sans, &n, &eb), &eb, SGN_ERR_VERIFY,
	    "certificate has no email, URI or username identity");
	cr_assert_null(sans);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, rejects_a_leaf_with_two_san_extensions)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    "subjectAltName", "email:mallory@example.com", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_sans(c, &sans, &n, &eb), &eb, SGN_ERR_VERIFY,
	    "certificate has more than one subjectAltName extension");
	cr_assert_null(sans);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, rejects_a_malformed_san_extension)
{
	/* a NULL where the GeneralNames SEQUENCE belongs */
	static const char *const exts[] = { LEAF_KU, LEAF_EKU,
	    "2.5.29.17", "critical,DER:0500", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_sans(c, &sans, &n, &eb), &eb, SGN_ERR_VERIFY,
	    "subject alternative name");
	cr_assert_null(sans);
	/* OpenSSL marks the certificate invalid */
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_check_code_signing(c, &eb), &eb, SGN_ERR_VERIFY,
	    "certificate has invalid extensions");
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, caps_the_number_of_sans)
{
	char value[2048];
	const char *exts[] = { "subjectAltName", value, NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	size_t n = 0, off, i;

	pki_init(&p, "test CA");
	/* 64 names are fine */
	off = (size_t)snprintf(value, sizeof(value), "email:a0@example.com");
	for (i = 1; i < 64; i++)
		off += (size_t)snprintf(value + off, sizeof(value) - off,
		    ",email:a%zu@example.com", i);
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_sans(c, &sans, &n, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(n, 64);
	cr_assert_str_eq(sans[63].value, "a63@example.com");
	sgn_sans_free(&sans, &n);
	sgn_cert_free(&c);
	/* 65 are not */
	snprintf(value + off, sizeof(value) - off, ",email:a64@example.com");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	sans = NULL;
	expect_err(sgn_cert_sans(c, &sans, &n, &eb), &eb, SGN_ERR_VERIFY,
	    "certificate has an unusable subject alternative name");
	cr_assert_null(sans);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, rejects_a_san_with_control_characters)
{
	static const char *const exts[] = { "subjectAltName",
	    "URI:https://example.com/a\tb", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_sans(c, &sans, &n, &eb), &eb, SGN_ERR_VERIFY,
	    "malformed subject alternative name");
	cr_assert_null(sans);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, prefers_extension_8_and_falls_back_to_1)
{
	/* both, with one value, as Fulcio writes them */
	static const char *const both[] = {
	    "1.3.6.1.4.1.57264.1.1", "DER:68747470733a2f2f6e6577",
	    "1.3.6.1.4.1.57264.1.8", "ASN1:UTF8String:https://new", NULL };
	static const char *const legacy[] = {
	    "1.3.6.1.4.1.57264.1.1", "DER:68747470733a2f2f6f6c64", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_errbuf eb;
	char *v = NULL;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, both);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_oidc_issuer(c, &v, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(v, "https://new");
	free(v);
	sgn_cert_free(&c);

	c = pki_leaf(&p, legacy);
	cr_assert_eq(sgn_cert_oidc_issuer(c, &v, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(v, "https://old");
	free(v);
	sgn_cert_free(&c);

	/* neither: no issuer, and that is not an error */
	c = pki_leaf(&p, NULL);
	cr_assert_eq(sgn_cert_oidc_issuer(c, &v, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_null(v);
	sgn_cert_free(&c);
	pki_fini(&p);
}

/*
 * Regression: .1 and .8 naming two issuers were read as .8's alone, so a
 * certificate could name one issuer to signet and another to a client
 * that reads .1 (or the last of the two, as sigstore-go does).
 */
Test(x509, rejects_issuer_extensions_that_disagree)
{
	static const char *const order[2][5] = {
	    { "1.3.6.1.4.1.57264.1.1", "DER:68747470733a2f2f6f6c64",
	      "1.3.6.1.4.1.57264.1.8", "ASN1:UTF8String:https://new", NULL },
	    { "1.3.6.1.4.1.57264.1.8", "ASN1:UTF8String:https://new",
	      "1.3.6.1.4.1.57264.1.1", "DER:68747470733a2f2f6f6c64", NULL } };
	/* one value a prefix of the other is still another issuer */
	static const char *const prefix[] = {
	    "1.3.6.1.4.1.57264.1.1", "DER:68747470733a2f2f6e6577",
	    "1.3.6.1.4.1.57264.1.8", "ASN1:UTF8String:https://newer", NULL };
	/* a good .8 does not excuse a malformed .1 */
	static const char *const bad1[] = {
	    "1.3.6.1.4.1.57264.1.1", "DER:6874740a7073",
	    "1.3.6.1.4.1.57264.1.8", "ASN1:UTF8String:https://new", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_errbuf eb;
	char *v = (char *)1;
	size_t i;

	pki_init(&p, "test CA");
	for (i = 0; i < 2; i++) {
		c = pki_leaf(&p, order[i]);
		sgn_errbuf_clear(&eb);
		expect_err(sgn_cert_oidc_issuer(c, &v, &eb), &eb,
		    SGN_ERR_VERIFY, "certificate's OIDC issuer extensions "
		    "disagree: 1.3.6.1.4.1.57264.1.8 is \"https://new\", the "
		    "deprecated 1.3.6.1.4.1.57264.1.1 \"https://old\"");
		cr_assert_null(v);
		sgn_cert_free(&c);
	}
	c = pki_leaf(&p, prefix);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_oidc_issuer(c, &v, &eb), &eb, SGN_ERR_VERIFY,
	    "disagree");
	cr_assert_null(v);
	sgn_cert_free(&c);
	c = pki_leaf(&p, bad1);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_oidc_issuer(c, &v, &eb), &eb, SGN_ERR_VERIFY,
	    "certificate extension 1.3.6.1.4.1.57264.1.1 is malformed");
	cr_assert_null(v);
	sgn_cert_free(&c);
	pki_fini(&p);
}

static void
expect_bad_ext(const char *oid, const char *der, unsigned n)
{
	const char *exts[] = { oid, der, NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_errbuf eb;
	char want[96], *v = (char *)1;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	snprintf(want, sizeof(want), "certificate extension %s is malformed",
	    oid);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_fulcio_ext(c, n, &v, &eb), &eb, SGN_ERR_VERIFY,
	    want);
	cr_assert_null(v);
	if (n == 8 || n == 1) {
		sgn_errbuf_clear(&eb);
		expect_err(sgn_cert_oidc_issuer(c, &v, &eb), &eb,
		    SGN_ERR_VERIFY, want);
		cr_assert_null(v);
	}
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, rejects_extension_8_that_is_not_a_utf8string)
{
	/* an IA5String */
	expect_bad_ext("1.3.6.1.4.1.57264.1.8", "DER:1603616263", 8);
	/* raw bytes, as .1 would have them */
	expect_bad_ext("1.3.6.1.4.1.57264.1.8", "DER:68747470733a2f2f78", 8);
	/* a UTF8String followed by a stray byte */
	expect_bad_ext("1.3.6.1.4.1.57264.1.8", "DER:0c016100", 8);
	/* a UTF8String whose length runs past the end */
	expect_bad_ext("1.3.6.1.4.1.57264.1.8", "DER:0c0561", 8);
	/* a UTF8String with a control character */
	expect_bad_ext("1.3.6.1.4.1.57264.1.9", "DER:0c03610a62", 9);
	/* a BMPString */
	expect_bad_ext("1.3.6.1.4.1.57264.1.12", "DER:1e020061", 12);
}

Test(x509, rejects_a_raw_extension_with_control_characters)
{
	expect_bad_ext("1.3.6.1.4.1.57264.1.1", "DER:6874740a7073", 1);
	expect_bad_ext("1.3.6.1.4.1.57264.1.5", "DER:61006263", 5);
}

Test(x509, rejects_a_duplicated_fulcio_extension)
{
	static const char *const exts[] = {
	    "1.3.6.1.4.1.57264.1.9", "ASN1:UTF8String:https://a",
	    "1.3.6.1.4.1.57264.1.8", "ASN1:UTF8String:https://issuer",
	    "1.3.6.1.4.1.57264.1.9", "ASN1:UTF8String:https://b", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_errbuf eb;
	char *v = (char *)1;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_fulcio_ext(c, 9, &v, &eb), &eb, SGN_ERR_VERIFY,
	    "certificate has extension 1.3.6.1.4.1.57264.1.9 twice");
	cr_assert_null(v);
	/* the other extensions are still readable */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_fulcio_ext(c, 8, &v, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_str_eq(v, "https://issuer");
	free(v);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, rejects_a_duplicated_issuer_extension)
{
	static const char *const exts[] = {
	    "1.3.6.1.4.1.57264.1.8", "ASN1:UTF8String:https://a",
	    "1.3.6.1.4.1.57264.1.8", "ASN1:UTF8String:https://b", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_errbuf eb;
	char *v = (char *)1;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_oidc_issuer(c, &v, &eb), &eb, SGN_ERR_VERIFY,
	    "extension 1.3.6.1.4.1.57264.1.8 twice");
	cr_assert_null(v);
	sgn_cert_free(&c);
	pki_fini(&p);
}

/* Code-signing profile ---------------------------------------------- */

Test(x509, accepts_the_production_leaf_for_code_signing)
{
	struct sgn_cert *c = prod_leaf();
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_check_code_signing(c, &eb), SGN_OK, "%s",
	    eb.msg);
	sgn_cert_free(&c);
}

static void
expect_not_code_signing(const char *const *exts, const char *want)
{
	struct pki p;
	struct sgn_cert *c;
	struct sgn_errbuf eb;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_check_code_signing(c, &eb), &eb, SGN_ERR_VERIFY,
	    want);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, rejects_a_leaf_without_code_signing_eku)
{
	static const char *const none[] = { LEAF_KU, LEAF_SAN, NULL };
	static const char *const server[] = { LEAF_KU, LEAF_SAN,
	    "extendedKeyUsage", "serverAuth,emailProtection", NULL };

	expect_not_code_signing(none,
	    "signing certificate lacks the codeSigning extended key usage");
	expect_not_code_signing(server,
	    "lacks the codeSigning extended key usage");
}

Test(x509, rejects_a_leaf_without_digital_signature)
{
	static const char *const none[] = { LEAF_EKU, LEAF_SAN, NULL };
	static const char *const other[] = { LEAF_EKU, LEAF_SAN,
	    "keyUsage", "critical,keyEncipherment", NULL };

	expect_not_code_signing(none,
	    "signing certificate lacks the digitalSignature key usage");
	expect_not_code_signing(other,
	    "lacks the digitalSignature key usage");
}

Test(x509, rejects_a_ca_flagged_leaf_for_code_signing)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    "basicConstraints", "critical,CA:TRUE", NULL };

	expect_not_code_signing(exts,
	    "signing certificate is a CA certificate");
}

Test(x509, rejects_a_leaf_with_a_duplicated_extension_for_code_signing)
{
	/* OpenSSL flags a certificate with a repeated extension invalid */
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    LEAF_EKU, NULL };

	expect_not_code_signing(exts, "certificate has invalid extensions");
}

/* Issuers and paths ------------------------------------------------- */

Test(x509, recognises_self_signed_certificates)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    NULL };
	struct pki p;
	struct sgn_cert *c;
	EVP_PKEY *k = gen_key();
	X509 *x;

	pki_init(&p, "test CA");
	cr_assert_eq(sgn_cert_is_self_signed(p.ca_cert), 1);
	cr_assert_eq(sgn_cert_is_ca(p.ca_cert), 1);
	cr_assert_str_eq(sgn_cert_subject_cn(p.ca_cert), "test CA");
	c = pki_leaf(&p, exts);
	cr_assert_eq(sgn_cert_is_self_signed(c), 0);
	cr_assert_eq(sgn_cert_is_ca(c), 0);
	sgn_cert_free(&c);

	/* issuer == subject but signed by another key: not self-signed */
	x = mk(k, "test CA", NULL, p.ca_key, 0, CA_EXTS);
	c = wrap(x);
	cr_assert_eq(sgn_cert_is_self_signed(c), 0);
	sgn_cert_free(&c);
	X509_free(x);
	EVP_PKEY_free(k);
	pki_fini(&p);
}

Test(x509, tells_which_ca_issued_a_leaf)
{
	struct pki a, b;
	struct sgn_cert *c;

	pki_init(&a, "CA a");
	pki_init(&b, "CA b");
	c = pki_leaf(&a, NULL);
	cr_assert_eq(sgn_cert_issued_by(c, a.ca_cert), 1);
	cr_assert_eq(sgn_cert_issued_by(c, b.ca_cert), 0);
	cr_assert_eq(sgn_cert_issued_by(a.ca_cert, a.ca_cert), 1);
	cr_assert_eq(sgn_cert_issued_by(a.ca_cert, b.ca_cert), 0);
	sgn_cert_free(&c);
	pki_fini(&a);
	pki_fini(&b);
}

Test(x509, tells_a_same_name_ca_by_its_key_identifier)
{
	struct pki a, b;
	struct sgn_cert *c;

	pki_init(&a, "same name");
	pki_init(&b, "same name");
	c = pki_leaf(&a, NULL);
	cr_assert_eq(sgn_cert_issued_by(c, a.ca_cert), 1);
	cr_assert_eq(sgn_cert_issued_by(c, b.ca_cert), 0);
	sgn_cert_free(&c);
	pki_fini(&a);
	pki_fini(&b);
}

Test(x509, tells_the_production_intermediate_issued_the_leaf)
{
	struct sgn_trusted_root *r = root_load(ROOT);
	const struct sgn_authority *cur = ca_with_chain(r, 2);
	const struct sgn_authority *old = ca_with_chain(r, 1);
	struct sgn_cert *c = prod_leaf();

	cr_assert_eq(sgn_cert_issued_by(c, cur->chain[0]), 1);
	cr_assert_eq(sgn_cert_issued_by(c, cur->chain[1]), 0);
	cr_assert_eq(sgn_cert_issued_by(cur->chain[0], cur->chain[1]), 1);
	/* the retired root has the same name as the current one */
	cr_assert_eq(sgn_cert_issued_by(cur->chain[0], old->chain[0]), 0);
	cr_assert_eq(sgn_cert_issued_by(c, old->chain[0]), 0);
	sgn_cert_free(&c);
	sgn_trusted_root_free(&r);
}

Test(x509, verifies_the_production_chain)
{
	struct sgn_trusted_root *r = root_load(ROOT);
	const struct sgn_authority *ca = ca_with_chain(r, 2);
	struct sgn_cert *c = prod_leaf();
	struct sgn_errbuf eb;

	/* the leaf expired in 2024: times are not checked here */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_verify_chain(c, ca->chain, ca->chain_len, &eb),
	    SGN_OK, "%s", eb.msg);
	/* the intermediate alone may serve as the anchor */
	cr_assert_eq(sgn_cert_verify_chain(c, ca->chain, 1, &eb), SGN_OK,
	    "%s", eb.msg);
	sgn_cert_free(&c);
	sgn_trusted_root_free(&r);
}

Test(x509, does_not_verify_to_the_retired_ca)
{
	struct sgn_trusted_root *r = root_load(ROOT);
	const struct sgn_authority *ca = ca_with_chain(r, 1);
	struct sgn_cert *c = prod_leaf();
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_chain(c, ca->chain, ca->chain_len, &eb),
	    &eb, SGN_ERR_VERIFY,
	    "certificate chain does not verify to the trusted CA \"sigstore\"");
	sgn_cert_free(&c);
	sgn_trusted_root_free(&r);
}

Test(x509, does_not_verify_to_the_staging_root)
{
	struct sgn_trusted_root *r = root_load(STAGING);
	const struct sgn_authority *cas;
	struct sgn_cert *c = prod_leaf();
	struct sgn_errbuf eb;
	size_t i, n;

	cas = sgn_trusted_root_cas(r, &n);
	cr_assert_gt(n, 0);
	for (i = 0; i < n; i++) {
		sgn_errbuf_clear(&eb);
		expect_err(sgn_cert_verify_chain(c, cas[i].chain,
		    cas[i].chain_len, &eb), &eb, SGN_ERR_VERIFY,
		    "certificate chain does not verify to the trusted CA");
		/* nor to its intermediate alone */
		sgn_errbuf_clear(&eb);
		expect_err(sgn_cert_verify_chain(c, cas[i].chain, 1, &eb),
		    &eb, SGN_ERR_VERIFY, "does not verify");
	}
	sgn_cert_free(&c);
	sgn_trusted_root_free(&r);
}

Test(x509, refuses_an_empty_chain)
{
	struct sgn_cert *c = prod_leaf();
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_chain(c, NULL, 0, &eb), &eb, SGN_ERR_TRUST,
	    "empty CA chain");
	sgn_cert_free(&c);
}

Test(x509, verifies_a_generated_chain)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    NULL };
	struct pki root;
	EVP_PKEY *ik = gen_key(), *lk = gen_key();
	X509 *ix, *lx;
	struct sgn_cert *inter, *leaf, *chain[2];
	struct sgn_errbuf eb;

	pki_init(&root, "root");
	ix = mk(ik, "intermediate", root.ca, root.ca_key, 0, CA_EXTS);
	lx = mk(lk, NULL, ix, ik, 0, exts);
	inter = wrap(ix);
	leaf = wrap(lx);
	chain[0] = inter;
	chain[1] = root.ca_cert;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_verify_chain(leaf, chain, 2, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_eq(sgn_cert_verify_chain(leaf, chain, 1, &eb), SGN_OK, "%s",
	    eb.msg);
	/* without the intermediate there is no path to the root */
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_chain(leaf, &chain[1], 1, &eb), &eb,
	    SGN_ERR_VERIFY, "does not verify to the trusted CA \"root\"");
	cr_assert_eq(sgn_cert_issued_by(leaf, inter), 1);
	cr_assert_eq(sgn_cert_issued_by(leaf, root.ca_cert), 0);
	sgn_cert_free(&inter);
	sgn_cert_free(&leaf);
	X509_free(ix);
	X509_free(lx);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(lk);
	pki_fini(&root);
}

Test(x509, rejects_a_leaf_from_another_ca)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    NULL };
	struct pki a, b;
	struct sgn_cert *c;
	struct sgn_errbuf eb;

	pki_init(&a, "CA a");
	pki_init(&b, "CA b");
	c = pki_leaf(&b, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_chain(c, &a.ca_cert, 1, &eb), &eb,
	    SGN_ERR_VERIFY, "does not verify to the trusted CA \"CA a\"");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_verify_chain(c, &b.ca_cert, 1, &eb), SGN_OK,
	    "%s", eb.msg);
	sgn_cert_free(&c);
	pki_fini(&a);
	pki_fini(&b);
}

Test(x509, rejects_a_leaf_from_an_impostor_ca_of_the_same_name)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    NULL };
	struct pki real, fake;
	struct sgn_cert *c;
	struct sgn_errbuf eb;

	pki_init(&real, "sigstore");
	pki_init(&fake, "sigstore");
	c = pki_leaf(&fake, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_chain(c, &real.ca_cert, 1, &eb), &eb,
	    SGN_ERR_VERIFY, "does not verify to the trusted CA \"sigstore\"");
	sgn_cert_free(&c);
	pki_fini(&real);
	pki_fini(&fake);
}

static void
expect_bad_issuer(const char *const *iexts, const char *want)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    NULL };
	struct pki root;
	EVP_PKEY *ik = gen_key(), *lk = gen_key();
	X509 *ix, *lx;
	struct sgn_cert *leaf, *chain[2];
	struct sgn_errbuf eb;

	pki_init(&root, "root");
	ix = mk(ik, "intermediate", root.ca, root.ca_key, 0, iexts);
	lx = mk(lk, NULL, ix, ik, 0, exts);
	chain[0] = wrap(ix);
	chain[1] = root.ca_cert;
	leaf = wrap(lx);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_chain(leaf, chain, 2, &eb), &eb,
	    SGN_ERR_VERIFY, want);
	sgn_cert_free(&chain[0]);
	sgn_cert_free(&leaf);
	X509_free(ix);
	X509_free(lx);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(lk);
	pki_fini(&root);
}

Test(x509, rejects_an_intermediate_that_is_not_a_ca)
{
	static const char *const not_ca[] = {
	    "basicConstraints", "critical,CA:FALSE",
	    "keyUsage", "critical,keyCertSign,cRLSign", NULL };
	static const char *const no_bc[] = {
	    "keyUsage", "critical,keyCertSign,cRLSign", NULL };

	expect_bad_issuer(not_ca, "invalid CA certificate");
	expect_bad_issuer(no_bc, "does not verify to the trusted CA");
}

Test(x509, rejects_an_intermediate_without_key_cert_sign)
{
	static const char *const exts[] = {
	    "basicConstraints", "critical,CA:TRUE",
	    "keyUsage", "critical,digitalSignature", NULL };

	expect_bad_issuer(exts, "does not verify to the trusted CA");
}

Test(x509, rejects_an_unknown_critical_extension)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    "1.3.6.1.4.1.99999.1", "critical,DER:0500", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_errbuf eb;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_chain(c, &p.ca_cert, 1, &eb), &eb,
	    SGN_ERR_VERIFY, "unhandled critical extension");
	sgn_cert_free(&c);
	pki_fini(&p);
}

/* SCTs -------------------------------------------------------------- */

Test(x509, reads_the_production_sct)
{
	struct sgn_trusted_root *r = root_load(ROOT);
	const struct sgn_authority *ca = ca_with_chain(r, 2);
	const struct sgn_log *ct = ctlog_by_url(r, CT_2022);
	struct sgn_cert *c = prod_leaf();
	struct sgn_sct *scts = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_scts(c, ca->chain[0], &scts, &n, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(n, 1);
	cr_assert_arr_eq(scts[0].log_id, ct->log_id, 32);
	cr_assert_eq(sgn_trusted_root_find_ctlog(r, scts[0].log_id, 32), ct);
	cr_assert_eq(scts[0].hash, SGN_HASH_SHA256);
	cr_assert_eq(scts[0].is_rsa, 0);
	/* logged within the leaf's ten minutes */
	cr_assert_geq(scts[0].timestamp_ms, 1710869186000ull);
	cr_assert_leq(scts[0].timestamp_ms, 1710869786000ull);
	cr_assert(sgn_validity_contains(&ct->valid,
	    sgn_time_from_sec((int64_t)(scts[0].timestamp_ms / 1000))));
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_pubkey_verify(ct->key, SGN_HASH_SHA256,
	    scts[0].signed_data, scts[0].signed_len, scts[0].sig,
	    scts[0].sig_len, &eb), SGN_OK, "%s", eb.msg);
	/* the free leaves no dangling pointer or stale count behind */
	sgn_scts_free(&scts, &n);
	cr_assert_null(scts);
	cr_assert_eq(n, 0);
	sgn_scts_free(&scts, &n);	/* and may be called again */
	sgn_scts_free(NULL, NULL);
	sgn_cert_free(&c);
	sgn_trusted_root_free(&r);
}

Test(x509, rebuilds_the_signed_data_of_the_production_sct)
{
	struct sgn_trusted_root *r = root_load(ROOT);
	const struct sgn_authority *ca = ca_with_chain(r, 2);
	struct sgn_cert *c = prod_leaf();
	const struct sgn_pubkey *ik = sgn_cert_pubkey(ca->chain[0]);
	struct sgn_sct *scts = NULL;
	uint8_t ikh[32];
	const uint8_t *d;
	size_t n = 0, tbs_len, i;

	cr_assert_eq(sgn_cert_scts(c, ca->chain[0], &scts, &n, NULL), SGN_OK);
	d = scts[0].signed_data;
	cr_assert_eq(d[0], 0);		/* v1 */
	cr_assert_eq(d[1], 0);		/* certificate_timestamp */
	for (i = 0; i < 8; i++)
		cr_assert_eq(d[2 + i],
		    (uint8_t)(scts[0].timestamp_ms >> (56 - 8 * i)));
	cr_assert_eq(d[10], 0);		/* precert_entry */
	cr_assert_eq(d[11], 1);
	cr_assert_eq(sgn_hash(SGN_HASH_SHA256, sgn_pubkey_spki_ptr(ik),
	    sgn_pubkey_spki_len(ik), ikh, NULL), SGN_OK);
	cr_assert_arr_eq(d + 12, ikh, 32);
	tbs_len = (size_t)d[44] << 16 | (size_t)d[45] << 8 | d[46];
	cr_assert_eq(scts[0].signed_len, 47 + tbs_len + 2);
	cr_assert_eq(d[47], 0x30);	/* the TBSCertificate SEQUENCE */
	/* shorter than the whole certificate: no SCT list, no signature */
	cr_assert_lt(tbs_len, sgn_cert_der_len(c) - scts[0].sig_len);
	cr_assert_eq(d[47 + tbs_len], 0);	/* no extensions */
	cr_assert_eq(d[48 + tbs_len], 0);
	sgn_scts_free(&scts, &n);
	sgn_cert_free(&c);
	sgn_trusted_root_free(&r);
}

Test(x509, rejects_a_tampered_sct)
{
	struct sgn_trusted_root *r = root_load(ROOT);
	const struct sgn_authority *ca = ca_with_chain(r, 2);
	const struct sgn_log *ct = ctlog_by_url(r, CT_2022);
	struct sgn_cert *c = prod_leaf();
	struct sgn_sct *scts = NULL;
	struct sgn_errbuf eb;
	size_t n = 0, i;

	cr_assert_eq(sgn_cert_scts(c, ca->chain[0], &scts, &n, NULL), SGN_OK);
	/* one byte in each region: header, timestamp, key hash, TBS */
	for (i = 0; i < scts[0].signed_len; i += scts[0].signed_len / 7 + 1) {
		scts[0].signed_data[i] ^= 0x01;
		sgn_errbuf_clear(&eb);
		expect_err(sgn_pubkey_verify(ct->key, SGN_HASH_SHA256,
		    scts[0].signed_data, scts[0].signed_len, scts[0].sig,
		    scts[0].sig_len, &eb), &eb, SGN_ERR_VERIFY,
		    "invalid ECDSA P-256 signature");
		scts[0].signed_data[i] ^= 0x01;
	}
	scts[0].sig[scts[0].sig_len - 1] ^= 0x01;
	sgn_errbuf_clear(&eb);
	expect_err(sgn_pubkey_verify(ct->key, SGN_HASH_SHA256,
	    scts[0].signed_data, scts[0].signed_len, scts[0].sig,
	    scts[0].sig_len, &eb), &eb, SGN_ERR_VERIFY,
	    "invalid ECDSA P-256 signature");
	scts[0].sig[scts[0].sig_len - 1] ^= 0x01;
	/* the other production CT log's key does not verify it either */
	sgn_errbuf_clear(&eb);
	expect_err(sgn_pubkey_verify(ctlog_by_url(r,
	    "https://ctfe.sigstore.dev/test")->key, SGN_HASH_SHA256,
	    scts[0].signed_data, scts[0].signed_len, scts[0].sig,
	    scts[0].sig_len, &eb), &eb, SGN_ERR_VERIFY, "invalid");
	sgn_scts_free(&scts, &n);
	sgn_cert_free(&c);
	sgn_trusted_root_free(&r);
}

Test(x509, rejects_an_sct_rebuilt_with_the_wrong_issuer)
{
	struct sgn_trusted_root *r = root_load(ROOT);
	const struct sgn_authority *ca = ca_with_chain(r, 2);
	const struct sgn_log *ct = ctlog_by_url(r, CT_2022);
	struct sgn_cert *c = prod_leaf();
	struct sgn_sct *scts = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	/* the root, not the intermediate that issued the leaf */
	cr_assert_eq(sgn_cert_scts(c, ca->chain[1], &scts, &n, NULL), SGN_OK);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_pubkey_verify(ct->key, SGN_HASH_SHA256,
	    scts[0].signed_data, scts[0].signed_len, scts[0].sig,
	    scts[0].sig_len, &eb), &eb, SGN_ERR_VERIFY, "invalid");
	sgn_scts_free(&scts, &n);
	sgn_cert_free(&c);
	sgn_trusted_root_free(&r);
}

Test(x509, rejects_a_leaf_without_an_sct)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_sct *scts = (struct sgn_sct *)1;
	struct sgn_errbuf eb;
	size_t n = 3;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_scts(c, p.ca_cert, &scts, &n, &eb), &eb,
	    SGN_ERR_VERIFY, "certificate has no embedded SCT");
	cr_assert_null(scts);
	cr_assert_eq(n, 0);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, rejects_a_malformed_sct_list)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    "1.3.6.1.4.1.11129.2.4.2", "DER:0403000501", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_sct *scts = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_scts(c, p.ca_cert, &scts, &n, &eb), &eb,
	    SGN_ERR_VERIFY, "certificate has a malformed SCT list");
	cr_assert_null(scts);
	sgn_cert_free(&c);
	pki_fini(&p);
}

/* A v1 SCT with the given log ID length, signature NID and timestamp. */
static SCT *
mk_sct(size_t idlen, int nid, uint64_t ts, const uint8_t *ext,
    size_t extlen)
{
	static const uint8_t sig[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02,
	    0x01, 0x01 };
	SCT *s = SCT_new();
	unsigned char *id = OPENSSL_malloc(idlen), *sg;

	cr_assert(s != NULL && id != NULL);
	memset(id, 0xab, idlen);
	cr_assert_eq(SCT_set_version(s, SCT_VERSION_V1), 1);
	cr_assert_eq(SCT_set0_log_id(s, id, idlen), 1);
	SCT_set_timestamp(s, ts);
	cr_assert_eq(SCT_set_signature_nid(s, nid), 1);
	sg = OPENSSL_memdup(sig, sizeof(sig));
	cr_assert_not_null(sg);
	SCT_set0_signature(s, sg, sizeof(sig));
	if (extlen > 0)
		cr_assert_eq(SCT_set1_extensions(s, ext, extlen), 1);
	return s;
}

static void
sct_list_reset(void)
{
	SCT_LIST_free(sct_list);
	sct_list = sk_SCT_new_null();
	cr_assert_not_null(sct_list);
}

static void
sct_push(SCT *s)
{
	cr_assert_gt(sk_SCT_push(sct_list, s), 0);
}

static void
sct_fini(void)
{
	SCT_LIST_free(sct_list);
	sct_list = NULL;
}

Test(x509, rebuilds_the_precertificate_without_the_sct_extension,
    .fini = sct_fini)
{
	/* the SCT list in the middle: the other extensions keep their order */
	static const char *const with[] = { LEAF_KU, "SCT", "", LEAF_EKU,
	    LEAF_SAN, NULL };
	static const char *const without[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    NULL };
	static const uint8_t ext[] = { 0xde, 0xad, 0xbe };
	struct pki p;
	EVP_PKEY *k = gen_key();
	X509 *a, *b;
	struct sgn_cert *c;
	struct sgn_sct *scts = NULL;
	struct sgn_errbuf eb;
	unsigned char *tbs = NULL;
	const uint8_t *d;
	size_t n = 0, off;
	int tbs_len;

	pki_init(&p, "test CA");
	sct_list_reset();
	sct_push(mk_sct(32, NID_ecdsa_with_SHA256, 0x0102030405060708ull,
	    NULL, 0));
	sct_push(mk_sct(32, NID_sha256WithRSAEncryption, 42, ext,
	    sizeof(ext)));
	a = mk(k, NULL, p.ca, p.ca_key, 77, with);
	b = mk(k, NULL, p.ca, p.ca_key, 77, without);
	tbs_len = i2d_re_X509_tbs(b, &tbs);
	cr_assert_gt(tbs_len, 0);
	c = wrap(a);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_scts(c, p.ca_cert, &scts, &n, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(n, 2);

	cr_assert_eq(scts[0].is_rsa, 0);
	cr_assert_eq(scts[0].timestamp_ms, 0x0102030405060708ull);
	cr_assert_eq(scts[0].log_id[0], 0xab);
	cr_assert_eq(scts[0].sig_len, 8);
	cr_assert_eq(scts[1].is_rsa, 1);
	cr_assert_eq(scts[1].hash, SGN_HASH_SHA256);
	cr_assert_eq(scts[1].timestamp_ms, 42);

	d = scts[0].signed_data;
	cr_assert_eq(d[2], 0x01);
	cr_assert_eq(d[9], 0x08);
	off = 44;
	cr_assert_eq((size_t)d[off] << 16 | (size_t)d[off + 1] << 8 |
	    d[off + 2], (size_t)tbs_len);
	cr_assert_arr_eq(d + off + 3, tbs, (size_t)tbs_len);
	cr_assert_eq(scts[0].signed_len, 47 + (size_t)tbs_len + 2);

	/* the SCT's own extensions close the structure */
	d = scts[1].signed_data;
	off = 47 + (size_t)tbs_len;
	cr_assert_eq(scts[1].signed_len, off + 2 + sizeof(ext));
	cr_assert_eq(d[off], 0);
	cr_assert_eq(d[off + 1], sizeof(ext));
	cr_assert_arr_eq(d + off + 2, ext, sizeof(ext));

	sgn_scts_free(&scts, &n);
	sgn_cert_free(&c);
	OPENSSL_free(tbs);
	X509_free(a);
	X509_free(b);
	EVP_PKEY_free(k);
	pki_fini(&p);
}

/*
 * Builds the same leaf with and without the SCT list (same key, serial,
 * times, other extensions) and checks that the TBS inside the SCT's
 * signed data is OpenSSL's re-encoding of the leaf without it.
 */
static void
check_precert(const char *const *with, const char *const *without,
    size_t nscts)
{
	struct pki p;
	EVP_PKEY *k = gen_key();
	X509 *a, *b;
	struct sgn_cert *c;
	struct sgn_sct *scts = NULL;
	struct sgn_errbuf eb;
	unsigned char *tbs = NULL;
	size_t n = 0, i;
	int tbs_len;

	pki_init(&p, "test CA");
	a = mk(k, NULL, p.ca, p.ca_key, 78, with);
	b = mk(k, NULL, p.ca, p.ca_key, 78, without);
	tbs_len = i2d_re_X509_tbs(b, &tbs);
	cr_assert_gt(tbs_len, 0);
	c = wrap(a);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_scts(c, p.ca_cert, &scts, &n, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(n, nscts);
	for (i = 0; i < n; i++) {
		const uint8_t *d = scts[i].signed_data;

		cr_assert_eq((size_t)d[44] << 16 | (size_t)d[45] << 8 | d[46],
		    (size_t)tbs_len, "SCT %zu", i);
		cr_assert_arr_eq(d + 47, tbs, (size_t)tbs_len, "SCT %zu", i);
	}
	sgn_scts_free(&scts, &n);
	sgn_cert_free(&c);
	OPENSSL_free(tbs);
	X509_free(a);
	X509_free(b);
	EVP_PKEY_free(k);
	pki_fini(&p);
}

Test(x509, rebuilds_the_precertificate_with_the_sct_list_first,
    .fini = sct_fini)
{
	static const char *const with[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    "SCT", "first", NULL };
	static const char *const without[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    NULL };

	sct_list_reset();
	sct_push(mk_sct(32, NID_ecdsa_with_SHA256, 5, NULL, 0));
	check_precert(with, without, 1);
}

Test(x509, rebuilds_the_precertificate_with_the_sct_list_last,
    .fini = sct_fini)
{
	static const char *const with[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    "SCT", "", NULL };
	static const char *const without[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    NULL };

	sct_list_reset();
	sct_push(mk_sct(32, NID_ecdsa_with_SHA256, 5, NULL, 0));
	sct_push(mk_sct(32, NID_ecdsa_with_SHA256, 6, NULL, 0));
	check_precert(with, without, 2);
}

Test(x509, rebuilds_the_precertificate_when_lengths_shrink_below_128,
    .fini = sct_fini)
{
	/* only the key identifiers stay: about 64 bytes of extensions, from
	 * about 180 with the list (a long-form length becomes short) */
	static const uint8_t ext[40] = { 1 };
	static const char *const with[] = { "SCT", "", NULL };

	sct_list_reset();
	sct_push(mk_sct(32, NID_ecdsa_with_SHA256, 7, ext, sizeof(ext)));
	check_precert(with, NULL, 1);
}

Test(x509, rebuilds_the_precertificate_when_lengths_shrink_below_256,
    .fini = sct_fini)
{
	/* about 370 bytes of extensions with the list, 250 without */
	static const uint8_t ext[40] = { 2 };
	static const char *const with[] = { "subjectAltName",
	    "critical,URI:https://example.com/" SAN_URI, "SCT", "", NULL };
	static const char *const without[] = { "subjectAltName",
	    "critical,URI:https://example.com/" SAN_URI, NULL };

	sct_list_reset();
	sct_push(mk_sct(32, NID_ecdsa_with_SHA256, 8, ext, sizeof(ext)));
	check_precert(with, without, 1);
}

Test(x509, rebuilds_the_precertificate_of_a_large_leaf, .fini = sct_fini)
{
	/* many SCTs and a long SAN: lengths in the thousands */
	static const uint8_t ext[200] = { 3 };
	static const char *const with[] = { LEAF_KU, "SCT", "", LEAF_EKU,
	    "subjectAltName", "critical,URI:https://example.com/" SAN_URI
	    SAN_URI SAN_URI SAN_URI SAN_URI SAN_URI SAN_URI SAN_URI, NULL };
	static const char *const without[] = { LEAF_KU, LEAF_EKU,
	    "subjectAltName", "critical,URI:https://example.com/" SAN_URI
	    SAN_URI SAN_URI SAN_URI SAN_URI SAN_URI SAN_URI SAN_URI, NULL };
	int i;

	sct_list_reset();
	for (i = 0; i < 16; i++)
		sct_push(mk_sct(32, NID_ecdsa_with_SHA256, (uint64_t)i, ext,
		    sizeof(ext)));
	check_precert(with, without, 16);
}

Test(x509, hashes_the_issuer_key_into_the_sct_signed_data,
    .fini = sct_fini)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    "SCT", "", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_sct *scts = NULL;
	const struct sgn_pubkey *ik;
	uint8_t ikh[32];
	size_t n = 0;

	pki_init(&p, "test CA");
	sct_list_reset();
	sct_push(mk_sct(32, NID_ecdsa_with_SHA256, 1, NULL, 0));
	c = pki_leaf(&p, exts);
	cr_assert_eq(sgn_cert_scts(c, p.ca_cert, &scts, &n, NULL), SGN_OK);
	ik = sgn_cert_pubkey(p.ca_cert);
	cr_assert_eq(sgn_hash(SGN_HASH_SHA256, sgn_pubkey_spki_ptr(ik),
	    sgn_pubkey_spki_len(ik), ikh, NULL), SGN_OK);
	cr_assert_arr_eq(scts[0].signed_data + 12, ikh, 32);
	sgn_scts_free(&scts, &n);
	sgn_cert_free(&c);
	pki_fini(&p);
}

static void
expect_bad_scts(sgn_err code, const char *want)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, LEAF_SAN,
	    "SCT", "", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_sct *scts = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;

	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_scts(c, p.ca_cert, &scts, &n, &eb), &eb, code,
	    want);
	cr_assert_null(scts);
	cr_assert_eq(n, 0);
	sgn_cert_free(&c);
	pki_fini(&p);
}

Test(x509, rejects_too_many_scts, .fini = sct_fini)
{
	int i;

	sct_list_reset();
	for (i = 0; i < 17; i++)
		sct_push(mk_sct(32, NID_ecdsa_with_SHA256, (uint64_t)i, NULL,
		    0));
	expect_bad_scts(SGN_ERR_VERIFY, "certificate has 17 embedded SCTs");
}

Test(x509, accepts_sixteen_scts, .fini = sct_fini)
{
	static const char *const exts[] = { "SCT", "", NULL };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_sct *scts = NULL;
	struct sgn_errbuf eb;
	size_t n = 0;
	int i;

	sct_list_reset();
	for (i = 0; i < 16; i++)
		sct_push(mk_sct(32, NID_ecdsa_with_SHA256, (uint64_t)i, NULL,
		    0));
	pki_init(&p, "test CA");
	c = pki_leaf(&p, exts);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_scts(c, p.ca_cert, &scts, &n, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(n, 16);
	cr_assert_eq(scts[15].timestamp_ms, 15);
	sgn_scts_free(&scts, &n);
	sgn_cert_free(&c);
	pki_fini(&p);
}

/* Model signing: CA bundles, paths at a time, signing usage --------- */

Test(x509, reads_every_certificate_of_a_pem_bundle)
{
	struct pki a, b;
	struct sgn_cert **certs = NULL;
	struct sgn_errbuf eb;
	const struct sgn_pubkey *k;
	char *ca, *cb, *pk, *all;
	size_t n = 0, len;

	pki_init(&a, "CA a");
	pki_init(&b, "CA b");
	k = sgn_cert_pubkey(a.ca_cert);
	ca = tu_pem_block("CERTIFICATE", sgn_cert_der_ptr(a.ca_cert),
	    sgn_cert_der_len(a.ca_cert), NULL);
	cb = tu_pem_block("CERTIFICATE", sgn_cert_der_ptr(b.ca_cert),
	    sgn_cert_der_len(b.ca_cert), NULL);
	pk = tu_pem_block("PUBLIC KEY", sgn_pubkey_spki_ptr(k),
	    sgn_pubkey_spki_len(k), NULL);
	len = strlen(ca) + strlen(cb) + strlen(pk) + 64;
	all = malloc(len);
	cr_assert_not_null(all);
	snprintf(all, len, "CA a:\n%s%sand CA b:\n%sthe end\n", ca, pk, cb);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_certs_from_pem(all, strlen(all), 8, &certs, &n, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(sgn_cert_subject_cn(certs[0]), "CA a");
	cr_assert_str_eq(sgn_cert_subject_cn(certs[1]), "CA b");
	/* the free leaves no dangling pointer or stale count behind */
	sgn_certs_free(&certs, &n);
	cr_assert_null(certs);
	cr_assert_eq(n, 0);
	sgn_certs_free(&certs, &n);	/* and may be called again */
	sgn_certs_free(NULL, NULL);
	/* at most max */
	sgn_errbuf_clear(&eb);
	expect_err(sgn_certs_from_pem(all, strlen(all), 1, &certs, &n, &eb),
	    &eb, SGN_ERR_LIMIT, "more than 1 PEM certificates");
	cr_assert_null(certs);
	cr_assert_eq(n, 0);
	/* none */
	sgn_errbuf_clear(&eb);
	expect_err(sgn_certs_from_pem(pk, strlen(pk), 8, &certs, &n, &eb),
	    &eb, SGN_ERR_PARSE, "no PEM certificate found");
	sgn_errbuf_clear(&eb);
	expect_err(sgn_certs_from_pem("", 0, 8, &certs, &n, &eb), &eb,
	    SGN_ERR_PARSE, "no PEM certificate found");
	sgn_errbuf_clear(&eb);
	expect_err(sgn_certs_from_pem(all, SGN_MAX_CERT_PEM_BYTES + 1, 8,
	    &certs, &n, &eb), &eb, SGN_ERR_LIMIT, "PEM certificates larger");
	free(all);
	free(ca);
	free(cb);
	free(pk);
	pki_fini(&a);
	pki_fini(&b);
}

Test(x509, refuses_a_bad_block_in_a_pem_bundle)
{
	static const char bad64[] = "-----BEGIN CERTIFICATE-----\n"
	    "!!!!\n-----END CERTIFICATE-----\n";
	struct sgn_cert **certs = NULL;
	struct sgn_errbuf eb;
	char *junk = tu_pem_block("CERTIFICATE", (const uint8_t *)"garbage",
	    7, NULL);
	size_t n = 0;

	sgn_errbuf_clear(&eb);
	expect_err(sgn_certs_from_pem(junk, strlen(junk), 8, &certs, &n, &eb),
	    &eb, SGN_ERR_PARSE, "PEM certificate 1: invalid certificate");
	sgn_errbuf_clear(&eb);
	expect_err(sgn_certs_from_pem(bad64, sizeof(bad64) - 1, 8, &certs, &n,
	    &eb), &eb, SGN_ERR_PARSE, "PEM block 1: malformed");
	cr_assert_null(certs);
	free(junk);
}

Test(x509, verifies_a_path_to_self_signed_anchors_at_a_time)
{
	static const char *const exts[] = { LEAF_KU, LEAF_EKU, NULL };
	struct pki root, other;
	EVP_PKEY *ik = gen_key(), *lk = gen_key();
	X509 *ix, *lx;
	struct sgn_cert *inter, *leaf, *anchors[2];
	struct sgn_errbuf eb;

	pki_init(&root, "root");
	pki_init(&other, "other");
	ix = mk(ik, "intermediate", root.ca, root.ca_key, 0, CA_EXTS);
	lx = mk(lk, "leaf", ix, ik, 0, exts);
	inter = wrap(ix);
	leaf = wrap(lx);
	anchors[0] = other.ca_cert;
	anchors[1] = root.ca_cert;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_cert_verify_path(leaf, anchors, 2, &inter, 1,
	    sgn_time_from_sec(T0 + 1), &eb), SGN_OK, "%s", eb.msg);
	/* every validity period counts, at that time */
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_path(leaf, anchors, 2, &inter, 1,
	    sgn_time_from_sec(T0 + 601), &eb), &eb, SGN_ERR_VERIFY,
	    "chain does not verify against the given CA certificates at "
	    "2023-11-14T22:23:21Z: certificate has expired");
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_path(leaf, anchors, 2, &inter, 1,
	    sgn_time_from_sec(T0 - 1), &eb), &eb, SGN_ERR_VERIFY,
	    "not yet valid");
	/* the intermediate is needed, and cannot be an anchor itself */
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_path(leaf, anchors, 2, NULL, 0,
	    sgn_time_from_sec(T0 + 1), &eb), &eb, SGN_ERR_VERIFY,
	    "unable to get local issuer certificate");
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_path(leaf, &inter, 1, NULL, 0,
	    sgn_time_from_sec(T0 + 1), &eb), &eb, SGN_ERR_VERIFY,
	    "chain does not verify");
	/* another root is not this one */
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_path(leaf, anchors, 1, &inter, 1,
	    sgn_time_from_sec(T0 + 1), &eb), &eb, SGN_ERR_VERIFY,
	    "chain does not verify");
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_verify_path(leaf, NULL, 0, &inter, 1,
	    sgn_time_from_sec(T0 + 1), &eb), &eb, SGN_ERR_TRUST,
	    "no CA certificate given");
	sgn_cert_free(&inter);
	sgn_cert_free(&leaf);
	X509_free(ix);
	X509_free(lx);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(lk);
	pki_fini(&root);
	pki_fini(&other);
}

Test(x509, signing_usage_is_digital_signature_or_code_signing)
{
	static const char *const both[] = { LEAF_KU, LEAF_EKU, NULL };
	static const char *const ku[] = { LEAF_KU, NULL };
	static const char *const eku[] = { "keyUsage",
	    "critical,keyAgreement", LEAF_EKU, NULL };
	static const char *const ca_leaf[] = { "basicConstraints",
	    "critical,CA:TRUE", LEAF_KU, NULL };
	static const char *const neither[] = { "keyUsage",
	    "critical,keyEncipherment", "extendedKeyUsage", "serverAuth",
	    NULL };
	static const char *const none[] = { NULL };
	const char *const *ok[] = { both, ku, eku, ca_leaf };
	struct pki p;
	struct sgn_cert *c;
	struct sgn_errbuf eb;
	size_t i;

	pki_init(&p, "CA");
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		c = pki_leaf(&p, ok[i]);
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_cert_check_signing_usage(c, &eb), SGN_OK,
		    "%zu: %s", i, eb.msg);
		sgn_cert_free(&c);
	}
	c = pki_leaf(&p, neither);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_check_signing_usage(c, &eb), &eb, SGN_ERR_VERIFY,
	    "leaf has neither digitalSignature key usage nor codeSigning "
	    "extended key usage");
	sgn_cert_free(&c);
	c = pki_leaf(&p, none);
	sgn_errbuf_clear(&eb);
	expect_err(sgn_cert_check_signing_usage(c, &eb), &eb, SGN_ERR_VERIFY,
	    "leaf has neither");
	sgn_cert_free(&c);
	pki_fini(&p);
}
