/*
 * Unit tests for pkg/tsa: RFC 3161 responses from real Sigstore bundles
 * (testdata/tsa/, see its README), and synthetic ones made here with
 * OpenSSL's TS_RESP_CTX from an in-memory CA and TSA, to reach each check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core.h"
#include "tsa.h"
#include "testutil.h"

static void pki_setup(void);
static void pki_teardown(void);

TestSuite(tsa, .init = pki_setup, .fini = pki_teardown);

/* Real data ---------------------------------------------------------- */

struct fixture {
	uint8_t	*resp;
	size_t	 resp_len;
	uint8_t	*data;
	size_t	 data_len;
	uint8_t	*chain[4];
	size_t	 chain_len[4];
	size_t	 n;
};

static void
fixture_load(struct fixture *f, const char *name)
{
	char path[256];
	FILE *fp;

	memset(f, 0, sizeof(*f));
	snprintf(path, sizeof(path), "testdata/tsa/%s/response.der", name);
	f->resp = tu_read(path, &f->resp_len);
	snprintf(path, sizeof(path), "testdata/tsa/%s/data.bin", name);
	f->data = tu_read(path, &f->data_len);
	for (f->n = 0; f->n < 4; f->n++) {
		snprintf(path, sizeof(path), "testdata/tsa/%s/chain%zu.der",
		    name, f->n);
		if ((fp = fopen(path, "rb")) == NULL)
			break;
		fclose(fp);
		f->chain[f->n] = tu_read(path, &f->chain_len[f->n]);
	}
	cr_assert_gt(f->n, 0);
}

static void
fixture_free(struct fixture *f)
{
	size_t i;

	free(f->resp);
	free(f->data);
	for (i = 0; i < f->n; i++)
		free(f->chain[i]);
}

static sgn_err
fixture_verify(const struct fixture *f, struct sgn_tsa_info *info,
    struct sgn_errbuf *eb)
{
	sgn_errbuf_clear(eb);
	return sgn_tsa_verify(f->resp, f->resp_len, f->data, f->data_len,
	    (const uint8_t *const *)f->chain, f->chain_len, f->n, info, eb);
}

static void
verifies_at(const char *name, int64_t sec)
{
	struct fixture f;
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;

	fixture_load(&f, name);
	cr_assert_eq(fixture_verify(&f, &info, &eb), SGN_OK, "%s: %s", name,
	    eb.msg);
	cr_assert_eq(info.gen_time.sec, sec, "%s: genTime %lld", name,
	    (long long)info.gen_time.sec);
	cr_assert_eq(info.imprint_alg, SGN_HASH_SHA256);
	fixture_free(&f);
}

static void
fails_with(const char *name, sgn_err want, const char *msg)
{
	struct fixture f;
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;

	fixture_load(&f, name);
	cr_assert_eq(fixture_verify(&f, &info, &eb), want, "%s: %s", name,
	    eb.msg);
	cr_assert_str_eq(eb.msg, msg);
	cr_assert_eq(info.gen_time.sec, 0, "info is zeroed on failure");
	fixture_free(&f);
}

Test(tsa, verifies_the_production_rekor_v2_timestamp)
{
	struct fixture f;
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	char ts[SGN_TIME_STRLEN];

	fixture_load(&f, "prod-rekor-v2-hashedrekord");
	cr_assert_eq(fixture_verify(&f, &info, &eb), SGN_OK, "%s", eb.msg);
	sgn_time_format(info.gen_time, ts);
	cr_assert_str_eq(ts, "2026-07-26T01:42:18Z");
	cr_assert_eq(info.gen_time.sec, 1785030138);
	cr_assert_eq(info.gen_time.nsec, 0);
	cr_assert_eq(info.imprint_alg, SGN_HASH_SHA256);
	cr_assert_eq(info.imprint_len, 32);
	cr_assert_eq(info.imprint[0], 0x6b);
	cr_assert_eq(info.imprint[31], 0xff);
	cr_assert_eq(info.has_embedded_certs, 0);
	cr_assert_str_eq(info.policy, "1.3.6.1.4.1.57264.2");
	cr_assert_str_eq(info.serial_hex,
	    "5e9d7534f77670b14036856448709a98fa0b07f4");
	fixture_free(&f);
}

Test(tsa, parses_the_production_response_without_a_chain)
{
	struct fixture f;
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t md[32];

	fixture_load(&f, "prod-rekor-v2-hashedrekord");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tsa_parse(f.resp, f.resp_len, &info, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(info.gen_time.sec, 1785030138);
	/* The imprint is the hash of the signature bytes. */
	cr_assert_eq(sgn_hash(SGN_HASH_SHA256, f.data, f.data_len, md, NULL),
	    SGN_OK);
	cr_assert_eq(memcmp(md, info.imprint, 32), 0);
	fixture_free(&f);
}

Test(tsa, verifies_conformance_rekor2_happy_path)
{
	verifies_at("rekor2-happy-path", 1749729740);
}

Test(tsa, verifies_conformance_timestamp_without_embedded_cert)
{
	verifies_at("rekor2-timestamp-without-embedded-cert", 1754507031);
}

Test(tsa, verifies_a_chain_that_expired_after_gen_time)
{
	verifies_at("rekor2-timestamp-with-expired-cert-chain", 1754580746);
}

Test(tsa, verifies_the_dsse_signature_timestamp_with_a_custom_root)
{
	struct fixture f;
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;

	verifies_at("intoto-with-custom-trust-root", 1675209600);
	/* Its serial is DER 04 de ad be ef: a negative INTEGER. */
	fixture_load(&f, "intoto-with-custom-trust-root");
	cr_assert_eq(sgn_tsa_parse(f.resp, f.resp_len, &info, &eb), SGN_OK);
	cr_assert_str_eq(info.serial_hex, "-21524111");
	fixture_free(&f);
}

Test(tsa, accepts_the_incorrect_time_case_whose_timestamp_is_valid)
{
	/* That bundle fails at the certificate, not at the timestamp. */
	verifies_at("rekor2-timestamp-with-incorrect-time_fail", 1752575611);
}

Test(tsa, rejects_conformance_payload_mismatch)
{
	fails_with("rekor2-timestamp-payload-mismatch_fail", SGN_ERR_VERIFY,
	    "timestamp: message imprint does not match the signature");
}

Test(tsa, rejects_conformance_untrusted_tsa_with_embedded_cert)
{
	struct fixture f;
	struct sgn_tsa_info info;

	fails_with("rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
	    SGN_ERR_VERIFY, "timestamp: not signed by the trusted TSA");
	fixture_load(&f,
	    "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail");
	cr_assert_eq(sgn_tsa_parse(f.resp, f.resp_len, &info, NULL), SGN_OK);
	cr_assert_eq(info.has_embedded_certs, 1);
	fixture_free(&f);
}

Test(tsa, rejects_conformance_timestamp_outside_tsa_cert_validity)
{
	fails_with("rekor2-timestamp-outside-tsa-cert-validity_fail",
	    SGN_ERR_VERIFY,
	    "timestamp: TSA certificate not valid at 2025-08-07T15:38:32Z");
}

Test(tsa, rejects_the_production_timestamp_against_another_tsa)
{
	struct fixture f, other;
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;

	fixture_load(&f, "prod-rekor-v2-hashedrekord");
	fixture_load(&other, "rekor2-happy-path");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tsa_verify(f.resp, f.resp_len, f.data, f.data_len,
	    (const uint8_t *const *)other.chain, other.chain_len, other.n,
	    &info, &eb), SGN_ERR_VERIFY);
	cr_assert_str_eq(eb.msg, "timestamp: not signed by the trusted TSA");
	fixture_free(&f);
	fixture_free(&other);
}

Test(tsa, rejects_the_production_timestamp_over_other_data)
{
	struct fixture f;
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;

	fixture_load(&f, "prod-rekor-v2-hashedrekord");
	f.data[10] ^= 1;
	cr_assert_eq(fixture_verify(&f, &info, &eb), SGN_ERR_VERIFY);
	cr_assert_str_eq(eb.msg,
	    "timestamp: message imprint does not match the signature");
	/* Nor over nothing. */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tsa_verify(f.resp, f.resp_len, NULL, 0,
	    (const uint8_t *const *)f.chain, f.chain_len, f.n, &info, &eb),
	    SGN_ERR_VERIFY);
	fixture_free(&f);
}

Test(tsa, rejects_bad_arguments)
{
	struct fixture f;
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;

	fixture_load(&f, "prod-rekor-v2-hashedrekord");
	cr_assert_eq(sgn_tsa_parse(f.resp, f.resp_len, NULL, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tsa_verify(f.resp, f.resp_len, f.data, f.data_len,
	    (const uint8_t *const *)f.chain, f.chain_len, 0, &info, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tsa_verify(f.resp, f.resp_len, NULL, 5,
	    (const uint8_t *const *)f.chain, f.chain_len, f.n, &info, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tsa_parse(NULL, 0, &info, NULL), SGN_ERR_PARSE);
	cr_assert_eq(sgn_tsa_parse(NULL, 5, &info, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_eq(sgn_tsa_parse(f.resp, SGN_TSA_MAX_RESPONSE + 1, &info,
	    NULL), SGN_ERR_LIMIT);
	/* A chain certificate that is not DER is unusable trust material. */
	f.chain_len[0] -= 1;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(fixture_verify(&f, &info, &eb), SGN_ERR_TRUST, "%s",
	    eb.msg);
	fixture_free(&f);
}

Test(tsa, rejects_truncated_responses)
{
	struct fixture f;
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	size_t n;
	sgn_err r;

	fixture_load(&f, "prod-rekor-v2-hashedrekord");
	for (n = 0; n < f.resp_len; n++) {
		sgn_errbuf_clear(&eb);
		r = sgn_tsa_parse(f.resp, n, &info, &eb);
		cr_assert_eq(r, SGN_ERR_PARSE, "length %zu: %d", n, r);
		cr_assert_neq(eb.msg[0], '\0');
	}
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tsa_verify(f.resp, f.resp_len - 1, f.data,
	    f.data_len, (const uint8_t *const *)f.chain, f.chain_len, f.n,
	    &info, &eb), SGN_ERR_PARSE);
	cr_assert_str_eq(eb.msg,
	    "timestamp: response is not exactly one DER element");
	fixture_free(&f);
}

Test(tsa, rejects_trailing_garbage_after_the_der)
{
	struct fixture f;
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t *p;
	static const uint8_t tails[][2] = { { 0x00, 0x00 }, { 0x30, 0x00 },
	    { 0x05, 0x00 } };
	size_t i;

	fixture_load(&f, "prod-rekor-v2-hashedrekord");
	p = malloc(f.resp_len + 2);
	cr_assert_not_null(p);
	memcpy(p, f.resp, f.resp_len);
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		memcpy(p + f.resp_len, tails[i], 2);
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_tsa_parse(p, f.resp_len + 2, &info, &eb),
		    SGN_ERR_PARSE);
		cr_assert_str_eq(eb.msg,
		    "timestamp: response is not exactly one DER element");
		cr_assert_eq(sgn_tsa_parse(p, f.resp_len + 1, &info, NULL),
		    SGN_ERR_PARSE);
	}
	free(p);
	fixture_free(&f);
}

Test(tsa, rejects_indefinite_and_non_minimal_lengths)
{
	struct fixture f;
	struct sgn_tsa_info info;
	uint8_t *p;

	fixture_load(&f, "prod-rekor-v2-hashedrekord");
	/* Outer header 30 82 02 c9: make it 30 83 00 02 c9. */
	cr_assert_eq(f.resp[0], 0x30);
	cr_assert_eq(f.resp[1], 0x82);
	p = malloc(f.resp_len + 1);
	cr_assert_not_null(p);
	p[0] = 0x30;
	p[1] = 0x83;
	p[2] = 0x00;
	memcpy(p + 3, f.resp + 2, f.resp_len - 2);
	cr_assert_eq(sgn_tsa_parse(p, f.resp_len + 1, &info, NULL),
	    SGN_ERR_PARSE);
	/* Indefinite form with an end-of-contents marker. */
	p[1] = 0x80;
	memcpy(p + 2, f.resp + 4, f.resp_len - 4);
	p[f.resp_len - 2] = 0;
	p[f.resp_len - 1] = 0;
	cr_assert_eq(sgn_tsa_parse(p, f.resp_len, &info, NULL),
	    SGN_ERR_PARSE);
	free(p);
	fixture_free(&f);
}

Test(tsa, rejects_minimal_and_malformed_responses)
{
	static const struct {
		const char	*der;
		size_t		 len;
		sgn_err		 want;
		const char	*msg;
	} cases[] = {
		/* status rejection, no token */
		{ "\x30\x05\x30\x03\x02\x01\x02", 7, SGN_ERR_PARSE,
		    "timestamp: TSA did not grant the request (status 2, "
		    "rejection)" },
		/* status waiting, with a status string */
		{ "\x30\x0a\x30\x08\x02\x01\x03\x30\x03\x0c\x01\x21", 12,
		    SGN_ERR_PARSE, "timestamp: TSA did not grant the request "
		    "(status 3, waiting): !" },
		/* granted but no token */
		{ "\x30\x05\x30\x03\x02\x01\x00", 7, SGN_ERR_PARSE, NULL },
		/* a lone end-of-contents */
		{ "\x00\x00", 2, SGN_ERR_PARSE, NULL },
		{ "\x30\x00", 2, SGN_ERR_PARSE, NULL },
		{ "\x30", 1, SGN_ERR_PARSE, NULL },
		/* length bytes beyond the input */
		{ "\x30\x84\xff\xff\xff\xff", 6, SGN_ERR_PARSE, NULL },
		/* a constructed OCTET STRING (BER only) */
		{ "\x30\x06\x24\x04\x04\x02\x00\x00", 8, SGN_ERR_PARSE,
		    "timestamp: response is not exactly one DER element" },
	};
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_tsa_parse((const uint8_t *)cases[i].der,
		    cases[i].len, &info, &eb), cases[i].want, "case %zu: %s",
		    i, eb.msg);
		cr_assert_neq(eb.msg[0], '\0');
		if (cases[i].msg != NULL)
			cr_assert_str_eq(eb.msg, cases[i].msg);
	}
}

/*
 * Flips bits at every position.  Nothing may crash or leak, and a flipped
 * response may verify only if what it authenticates is unchanged: outside
 * the signature, status 0 may become 1 (grantedWithMods is a valid grant)
 * and an empty certificates [0] may become an empty crls [1].
 */
static void
corrupt_all(const char *name, uint8_t mask, size_t *verified)
{
	struct fixture f;
	struct sgn_tsa_info good, info;
	struct sgn_errbuf eb;
	size_t i;
	sgn_err r;

	fixture_load(&f, name);
	cr_assert_eq(fixture_verify(&f, &good, &eb), SGN_OK);
	for (i = 0; i < f.resp_len; i++) {
		f.resp[i] ^= mask;
		r = fixture_verify(&f, &info, &eb);
		if (r == SGN_OK) {
			(*verified)++;
			cr_assert_eq(memcmp(&info, &good, sizeof(info)), 0,
			    "%s: flip 0x%02x at %zu verified with other "
			    "content", name, mask, i);
		} else
			cr_assert_neq(eb.msg[0], '\0');
		f.resp[i] ^= mask;
	}
	fixture_free(&f);
}

Test(tsa, survives_corrupted_bytes_and_never_verifies_altered_content,
    .timeout = 120)
{
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };
	size_t i, verified = 0;

	for (i = 0; i < sizeof(masks); i++) {
		corrupt_all("prod-rekor-v2-hashedrekord", masks[i], &verified);
		corrupt_all("intoto-with-custom-trust-root", masks[i],
		    &verified);
	}
	/* Those two flips of 0x01, in each of the two responses. */
	cr_assert_eq(verified, 4, "%zu flips verified", verified);
}

/* Synthetic PKI ------------------------------------------------------ */

#define T2020	1577836800	/* 2020-01-01T00:00:00Z */
#define T2021	1609459200
#define T2022	1640995200
#define T2023	1672531200
#define GEN	1593561600	/* 2020-07-01T00:00:00Z */

struct cert_spec {
	const char	*cn;
	long		 serial;
	int64_t		 not_before;
	int64_t		 not_after;
	const char	*bc;	/* basicConstraints, or NULL */
	const char	*eku;	/* extendedKeyUsage, or NULL */
};

static EVP_PKEY *
gen_key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	cr_assert_not_null(k);
	return k;
}

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
	cr_assert_not_null(ext, "extension %s", value);
	cr_assert_eq(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/* issuer == NULL: self-signed with key. */
static X509 *
make_cert(const struct cert_spec *s, EVP_PKEY *key, X509 *issuer,
    EVP_PKEY *issuer_key)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();

	cr_assert_not_null(x);
	cr_assert_not_null(name);
	cr_assert_eq(X509_set_version(x, X509_VERSION_3), 1);
	cr_assert_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), s->serial),
	    1);
	cr_assert_not_null(ASN1_TIME_set(X509_getm_notBefore(x),
	    (time_t)s->not_before));
	cr_assert_not_null(ASN1_TIME_set(X509_getm_notAfter(x),
	    (time_t)s->not_after));
	cr_assert_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)s->cn, -1, -1, 0), 1);
	cr_assert_eq(X509_set_subject_name(x, name), 1);
	cr_assert_eq(X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name), 1);
	X509_NAME_free(name);
	cr_assert_eq(X509_set_pubkey(x, key), 1);
	if (s->bc != NULL)
		add_ext(x, issuer != NULL ? issuer : x, NID_basic_constraints,
		    s->bc);
	if (s->eku != NULL)
		add_ext(x, issuer != NULL ? issuer : x, NID_ext_key_usage,
		    s->eku);
	cr_assert_gt(X509_sign(x, issuer_key != NULL ? issuer_key : key,
	    EVP_sha256()), 0);
	return x;
}

/* The trusted chain handed to sgn_tsa_verify(), as DER. */
struct chain {
	uint8_t	*der[4];
	size_t	 len[4];
	size_t	 n;
};

static void
chain_add(struct chain *c, X509 *x)
{
	int len;

	c->der[c->n] = NULL;
	len = i2d_X509(x, &c->der[c->n]);
	cr_assert_gt(len, 0);
	c->len[c->n++] = (size_t)len;
}

static void
chain_free(struct chain *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		OPENSSL_free(c->der[i]);
	c->n = 0;
}

/* A CA and its TSA leaf, valid 2020..2021, shared by most tests. */
static EVP_PKEY *ca_key, *tsa_key;
static X509 *ca, *tsa;
static struct chain trusted;

static const struct cert_spec ca_spec = {
	"Test TSA Root", 1, T2020, T2021, "critical,CA:TRUE", NULL
};
static const struct cert_spec tsa_spec = {
	"Test TSA", 2, T2020, T2021, "critical,CA:FALSE",
	"critical,timeStamping"
};

static void
pki_setup(void)
{
	ca_key = gen_key();
	tsa_key = gen_key();
	ca = make_cert(&ca_spec, ca_key, NULL, NULL);
	tsa = make_cert(&tsa_spec, tsa_key, ca, ca_key);
	memset(&trusted, 0, sizeof(trusted));
	chain_add(&trusted, tsa);
	chain_add(&trusted, ca);
}

static void
pki_teardown(void)
{
	chain_free(&trusted);
	X509_free(tsa);
	X509_free(ca);
	EVP_PKEY_free(tsa_key);
	EVP_PKEY_free(ca_key);
}

/* What the fake TSA does. */
struct tsa_opts {
	X509		*signer;	/* default tsa */
	EVP_PKEY	*key;		/* default tsa_key */
	X509		*embed[3];	/* extra certs to embed, if any */
	int		 cert_req;	/* embed the signer too */
	const EVP_MD	*imprint_md;	/* default SHA-256 */
	const EVP_MD	*ess_md;	/* NULL: ESS V1 (SHA-1) */
	int		 allow_sha1;
	int64_t		 sec;		/* genTime, default GEN */
	long		 usec;
	unsigned	 precision;	/* fractional digits */
};

static int
time_cb(TS_RESP_CTX *ctx, void *arg, long *sec, long *usec)
{
	const struct tsa_opts *o = arg;

	(void)ctx;
	*sec = (long)o->sec;
	*usec = o->usec;
	return 1;
}

/* Returns an OPENSSL_malloc'd DER TimeStampResp over data. */
static uint8_t *
make_response(const struct tsa_opts *in, const uint8_t *data, size_t n,
    size_t *lenp)
{
	struct tsa_opts o = *in;
	TS_RESP_CTX *c;
	TS_REQ *req;
	TS_MSG_IMPRINT *mi;
	X509_ALGOR *alg;
	ASN1_OBJECT *policy;
	STACK_OF(X509) *certs = NULL;
	TS_RESP *resp;
	BIO *bio;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	uint8_t *out = NULL;
	int len;
	size_t i;

	if (o.signer == NULL)
		o.signer = tsa;
	if (o.key == NULL)
		o.key = tsa_key;
	if (o.imprint_md == NULL)
		o.imprint_md = EVP_sha256();
	if (o.sec == 0)
		o.sec = GEN;

	cr_assert_not_null(c = TS_RESP_CTX_new());
	cr_assert_eq(TS_RESP_CTX_set_signer_cert(c, o.signer), 1);
	cr_assert_eq(TS_RESP_CTX_set_signer_key(c, o.key), 1);
	cr_assert_eq(TS_RESP_CTX_set_signer_digest(c, EVP_sha256()), 1);
	if (o.ess_md != NULL)
		cr_assert_eq(TS_RESP_CTX_set_ess_cert_id_digest(c, o.ess_md),
		    1);
	cr_assert_not_null(policy = OBJ_txt2obj("1.3.6.1.4.1.57264.2", 1));
	cr_assert_eq(TS_RESP_CTX_set_def_policy(c, policy), 1);
	ASN1_OBJECT_free(policy);
	cr_assert_eq(TS_RESP_CTX_add_md(c, EVP_sha256()), 1);
	cr_assert_eq(TS_RESP_CTX_add_md(c, EVP_sha384()), 1);
	cr_assert_eq(TS_RESP_CTX_add_md(c, EVP_sha512()), 1);
	if (o.allow_sha1)
		cr_assert_eq(TS_RESP_CTX_add_md(c, EVP_sha1()), 1);
	if (o.embed[0] != NULL) {
		cr_assert_not_null(certs = sk_X509_new_null());
		for (i = 0; i < 3 && o.embed[i] != NULL; i++)
			cr_assert_gt(sk_X509_push(certs, o.embed[i]), 0);
		cr_assert_eq(TS_RESP_CTX_set_certs(c, certs), 1);
		sk_X509_free(certs);
	}
	TS_RESP_CTX_set_time_cb(c, time_cb, &o);
	cr_assert_eq(TS_RESP_CTX_set_clock_precision_digits(c, o.precision),
	    1);

	cr_assert_eq(EVP_Digest(data, n, md, &mdlen, o.imprint_md, NULL), 1);
	cr_assert_not_null(req = TS_REQ_new());
	cr_assert_not_null(mi = TS_MSG_IMPRINT_new());
	cr_assert_not_null(alg = X509_ALGOR_new());
	cr_assert_eq(X509_ALGOR_set0(alg, OBJ_nid2obj(EVP_MD_get_type(
	    o.imprint_md)), V_ASN1_NULL, NULL), 1);
	cr_assert_eq(TS_MSG_IMPRINT_set_algo(mi, alg), 1);
	cr_assert_eq(TS_MSG_IMPRINT_set_msg(mi, md, (int)mdlen), 1);
	cr_assert_eq(TS_REQ_set_version(req, 1), 1);
	cr_assert_eq(TS_REQ_set_msg_imprint(req, mi), 1);
	cr_assert_eq(TS_REQ_set_cert_req(req, o.cert_req), 1);
	cr_assert_not_null(bio = BIO_new(BIO_s_mem()));
	cr_assert_eq(i2d_TS_REQ_bio(bio, req), 1);

	cr_assert_not_null(resp = TS_RESP_create_response(c, bio));
	len = i2d_TS_RESP(resp, &out);
	cr_assert_gt(len, 0);
	*lenp = (size_t)len;

	TS_RESP_free(resp);
	BIO_free(bio);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	TS_RESP_CTX_free(c);
	ERR_clear_error();
	return out;
}

static const uint8_t sig[] = "an ECDSA signature would be here";

static sgn_err
verify_with(const uint8_t *resp, size_t len, const struct chain *c,
    struct sgn_tsa_info *info, struct sgn_errbuf *eb)
{
	sgn_errbuf_clear(eb);
	return sgn_tsa_verify(resp, len, sig, sizeof(sig),
	    (const uint8_t *const *)c->der, c->len, c->n, info, eb);
}

/* Makes a response with o and checks verify against c gives want/msg. */
static void
expect(const struct tsa_opts *o, const struct chain *c, sgn_err want,
    const char *msg)
{
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t *resp;
	size_t len;
	sgn_err r;

	resp = make_response(o, sig, sizeof(sig), &len);
	r = verify_with(resp, len, c, &info, &eb);
	cr_assert_eq(r, want, "got %d (%s)", r, eb.msg);
	if (msg != NULL)
		cr_assert_str_eq(eb.msg, msg);
	else
		cr_log_info("%s", eb.msg);
	OPENSSL_free(resp);
}

Test(tsa, verifies_a_synthetic_response_at_gen_time)
{
	struct tsa_opts o = { .ess_md = EVP_sha256() };
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t *resp;
	size_t len;

	/* The chain expired in 2021; genTime is what counts. */
	resp = make_response(&o, sig, sizeof(sig), &len);
	cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(info.gen_time.sec, GEN);
	cr_assert_eq(info.gen_time.nsec, 0);
	cr_assert_eq(info.imprint_alg, SGN_HASH_SHA256);
	cr_assert_eq(info.has_embedded_certs, 0);
	cr_assert_str_eq(info.policy, "1.3.6.1.4.1.57264.2");
	cr_assert_str_eq(info.serial_hex, "01");
	OPENSSL_free(resp);
}

Test(tsa, keeps_the_fraction_of_gen_time)
{
	struct tsa_opts o = { .usec = 250000, .precision = 3 };
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t *resp;
	size_t len;
	char ts[SGN_TIME_STRLEN];

	resp = make_response(&o, sig, sizeof(sig), &len);
	cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(info.gen_time.sec, GEN);
	cr_assert_eq(info.gen_time.nsec, 250000000);
	sgn_time_format(info.gen_time, ts);
	cr_assert_str_eq(ts, "2020-07-01T00:00:00.25Z");
	OPENSSL_free(resp);
}

Test(tsa, verifies_ess_signing_certificate_v1)
{
	struct tsa_opts o = { .ess_md = NULL };

	expect(&o, &trusted, SGN_OK, NULL);
}

Test(tsa, verifies_sha384_and_sha512_imprints)
{
	struct tsa_opts o = { .imprint_md = EVP_sha384() };
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t *resp;
	size_t len;

	resp = make_response(&o, sig, sizeof(sig), &len);
	cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(info.imprint_alg, SGN_HASH_SHA384);
	cr_assert_eq(info.imprint_len, 48);
	OPENSSL_free(resp);
	o.imprint_md = EVP_sha512();
	resp = make_response(&o, sig, sizeof(sig), &len);
	cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(info.imprint_alg, SGN_HASH_SHA512);
	OPENSSL_free(resp);
}

Test(tsa, refuses_sha1_imprints)
{
	struct tsa_opts o = { .imprint_md = EVP_sha1(), .allow_sha1 = 1 };
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t *resp;
	size_t len;

	resp = make_response(&o, sig, sizeof(sig), &len);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tsa_parse(resp, len, &info, &eb),
	    SGN_ERR_UNSUPPORTED);
	cr_assert_str_eq(eb.msg,
	    "timestamp: SHA-1 message imprints are not accepted");
	cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb),
	    SGN_ERR_UNSUPPORTED);
	OPENSSL_free(resp);
}

Test(tsa, rejects_a_rejection_status)
{
	/* The TSA does not take SHA-1: it answers rejection, no token. */
	struct tsa_opts o = { .imprint_md = EVP_sha1() };
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t *resp;
	size_t len;

	resp = make_response(&o, sig, sizeof(sig), &len);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tsa_parse(resp, len, &info, &eb), SGN_ERR_PARSE);
	cr_assert_not_null(strstr(eb.msg, "timestamp: TSA did not grant "
	    "the request (status 2, rejection)"), "%s", eb.msg);
	cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb),
	    SGN_ERR_PARSE);
	OPENSSL_free(resp);
}

/* Offset of the status INTEGER's value: 30 xx.. 30 03 02 01 <here>. */
static size_t
status_offset(const uint8_t *p, size_t len)
{
	size_t h = (p[1] & 0x80) ? 2 + (size_t)(p[1] & 0x7f) : 2;

	cr_assert_lt(h + 5, len);
	cr_assert_eq(memcmp(p + h, "\x30\x03\x02\x01", 4), 0);
	return h + 4;
}

Test(tsa, accepts_granted_with_mods_and_no_other_status)
{
	struct tsa_opts o = { 0 };
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t *resp;
	size_t len, off;
	uint8_t st;

	resp = make_response(&o, sig, sizeof(sig), &len);
	off = status_offset(resp, len);
	resp[off] = 1;
	cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb), SGN_OK,
	    "%s", eb.msg);
	/* A token with any other status is malformed. */
	for (st = 2; st < 8; st++) {
		resp[off] = st;
		cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb),
		    SGN_ERR_PARSE);
	}
	OPENSSL_free(resp);
}

Test(tsa, rejects_wrong_data)
{
	struct tsa_opts o = { 0 };
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t *resp;
	size_t len;

	resp = make_response(&o, (const uint8_t *)"other", 5, &len);
	cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb),
	    SGN_ERR_VERIFY);
	cr_assert_str_eq(eb.msg,
	    "timestamp: message imprint does not match the signature");
	OPENSSL_free(resp);
}

/*
 * OpenSSL will not sign with a leaf that lacks the timestamping profile,
 * so these trust a twin of the signing leaf (same key, issuer and serial)
 * whose extensions differ.
 */
static void
expect_twin_refused(const char *bc, const char *eku, const char *msg)
{
	struct cert_spec s = tsa_spec;
	struct tsa_opts o = { 0 };
	struct chain c = { 0 };
	X509 *twin;

	s.bc = bc;
	s.eku = eku;
	twin = make_cert(&s, tsa_key, ca, ca_key);
	chain_add(&c, twin);
	chain_add(&c, ca);
	expect(&o, &c, SGN_ERR_VERIFY, msg);
	chain_free(&c);
	X509_free(twin);
}

Test(tsa, refuses_a_leaf_whose_eku_is_not_critical)
{
	expect_twin_refused("critical,CA:FALSE", "timeStamping",
	    "timestamp: TSA certificate's extended key usage is not marked "
	    "critical");
}

Test(tsa, refuses_a_leaf_with_an_extra_eku)
{
	expect_twin_refused("critical,CA:FALSE",
	    "critical,timeStamping,codeSigning",
	    "timestamp: TSA certificate must have timeStamping as its only "
	    "extended key usage");
}

Test(tsa, refuses_a_leaf_with_another_eku)
{
	expect_twin_refused(NULL, "critical,codeSigning",
	    "timestamp: TSA certificate must have timeStamping as its only "
	    "extended key usage");
}

Test(tsa, refuses_a_leaf_without_eku)
{
	expect_twin_refused("critical,CA:FALSE", NULL,
	    "timestamp: TSA certificate lacks the timeStamping extended key "
	    "usage");
}

Test(tsa, refuses_a_ca_as_the_leaf)
{
	expect_twin_refused("critical,CA:TRUE", "critical,timeStamping",
	    "timestamp: TSA certificate is a CA certificate");
}

Test(tsa, refuses_a_tsa_cert_not_yet_valid_at_gen_time)
{
	struct tsa_opts o = { .sec = T2020 - 1 };

	expect(&o, &trusted, SGN_ERR_VERIFY,
	    "timestamp: TSA certificate not valid at 2019-12-31T23:59:59Z");
}

Test(tsa, refuses_a_tsa_cert_expired_at_gen_time)
{
	struct tsa_opts o = { .sec = T2021 + 1 };

	expect(&o, &trusted, SGN_ERR_VERIFY,
	    "timestamp: TSA certificate not valid at 2021-01-01T00:00:01Z");
}

Test(tsa, checks_validity_to_the_fraction_of_a_second)
{
	/* OpenSSL's rule: notBefore <= genTime < notAfter. */
	struct tsa_opts o = { .sec = T2020 };

	expect(&o, &trusted, SGN_OK, NULL);
	o.sec = T2021 - 1;
	o.usec = 900000;
	o.precision = 1;
	expect(&o, &trusted, SGN_OK, NULL);
	o.sec = T2021;
	o.usec = 0;
	expect(&o, &trusted, SGN_ERR_VERIFY,
	    "timestamp: TSA certificate not valid at 2021-01-01T00:00:00Z");
	o.sec = T2020 - 1;
	o.usec = 500000;
	expect(&o, &trusted, SGN_ERR_VERIFY,
	    "timestamp: TSA certificate not valid at 2019-12-31T23:59:59.5Z");
}

Test(tsa, refuses_a_root_expired_at_gen_time)
{
	struct cert_spec rs = ca_spec, ls = tsa_spec;
	struct tsa_opts o = { 0 };
	struct chain c = { 0 };
	X509 *root, *leaf;

	rs.not_after = GEN - 1;
	root = make_cert(&rs, ca_key, NULL, NULL);
	leaf = make_cert(&ls, tsa_key, root, ca_key);
	o.signer = leaf;
	chain_add(&c, leaf);
	chain_add(&c, root);
	expect(&o, &c, SGN_ERR_VERIFY,
	    "timestamp: TSA certificate not valid at 2020-07-01T00:00:00Z");
	chain_free(&c);
	X509_free(leaf);
	X509_free(root);
}

Test(tsa, refuses_a_token_signed_by_another_key)
{
	struct cert_spec s = tsa_spec;
	struct tsa_opts o = { 0 };
	EVP_PKEY *k = gen_key();
	X509 *other;

	s.serial = 3;
	other = make_cert(&s, k, ca, ca_key);
	o.signer = other;
	o.key = k;
	expect(&o, &trusted, SGN_ERR_VERIFY,
	    "timestamp: not signed by the trusted TSA");
	/* Embedding its certificate changes nothing. */
	o.cert_req = 1;
	o.embed[0] = ca;
	expect(&o, &trusted, SGN_ERR_VERIFY,
	    "timestamp: not signed by the trusted TSA");
	X509_free(other);
	EVP_PKEY_free(k);
}

Test(tsa, refuses_another_tsa_with_its_own_embedded_chain)
{
	struct cert_spec rs = ca_spec, ls = tsa_spec;
	struct tsa_opts o = { .cert_req = 1 };
	EVP_PKEY *rk = gen_key(), *lk = gen_key();
	X509 *root, *leaf;

	rs.cn = "Other Root";
	root = make_cert(&rs, rk, NULL, NULL);
	leaf = make_cert(&ls, lk, root, rk);
	o.signer = leaf;
	o.key = lk;
	o.embed[0] = root;
	expect(&o, &trusted, SGN_ERR_VERIFY,
	    "timestamp: not signed by the trusted TSA");
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(lk);
	EVP_PKEY_free(rk);
}

Test(tsa, refuses_an_impostor_with_the_trusted_issuer_and_serial)
{
	/*
	 * Same issuer name and serial as the trusted leaf, another key,
	 * embedded in the token: the trusted leaf's key is what is used.
	 */
	struct cert_spec rs = ca_spec;
	struct tsa_opts o = { .cert_req = 1 };
	EVP_PKEY *rk = gen_key(), *lk = gen_key();
	X509 *root, *leaf;

	root = make_cert(&rs, rk, NULL, NULL);
	leaf = make_cert(&tsa_spec, lk, root, rk);
	o.signer = leaf;
	o.key = lk;
	o.embed[0] = root;
	expect(&o, &trusted, SGN_ERR_VERIFY, NULL);
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(lk);
	EVP_PKEY_free(rk);
}

Test(tsa, refuses_a_token_whose_ess_attribute_names_another_cert)
{
	/*
	 * A twin of the signing leaf (same key, issuer, serial and profile,
	 * other validity) is trusted: the signature verifies with its key,
	 * but the ESS signing-certificate hash names the real leaf.
	 */
	struct cert_spec s = tsa_spec;
	struct tsa_opts o = { .ess_md = EVP_sha256() };
	struct chain c = { 0 };
	X509 *twin;

	s.not_after = T2022;
	twin = make_cert(&s, tsa_key, ca, ca_key);
	chain_add(&c, twin);
	chain_add(&c, ca);
	expect(&o, &c, SGN_ERR_VERIFY, NULL);
	o.ess_md = NULL;
	expect(&o, &c, SGN_ERR_VERIFY, NULL);
	chain_free(&c);
	X509_free(twin);
}

Test(tsa, refuses_a_signature_algorithm_that_does_not_fit)
{
	static const uint8_t ecdsa_sha256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48,
	    0xce, 0x3d, 0x04, 0x03, 0x02 };
	struct tsa_opts o = { 0 };
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t *resp, *p;
	size_t len;

	resp = make_response(&o, sig, sizeof(sig), &len);
	p = memmem(resp, len, ecdsa_sha256, sizeof(ecdsa_sha256));
	cr_assert_not_null(p);
	/* ecdsa-with-SHA384 over a SHA-256 digest. */
	p[9] = 0x03;
	cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb),
	    SGN_ERR_VERIFY);
	cr_assert_str_eq(eb.msg, "timestamp: signature algorithm does not "
	    "match the TSA key");
	/* An OID nobody assigned, 1.2.840.10045.4.3.11. */
	p[9] = 0x0b;
	cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb),
	    SGN_ERR_VERIFY);
	OPENSSL_free(resp);
}

Test(tsa, rejects_unexpected_cms_versions)
{
	struct fixture f;
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;

	fixture_load(&f, "prod-rekor-v2-hashedrekord");
	/* SignedData version at offset 34 (3), SignerInfo's at 248 (1). */
	cr_assert_eq(f.resp[34], 3);
	cr_assert_eq(f.resp[248], 1);
	f.resp[34] = 2;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tsa_parse(f.resp, f.resp_len, &info, &eb),
	    SGN_ERR_PARSE);
	cr_assert_str_eq(eb.msg, "timestamp: unsupported CMS version");
	f.resp[34] = 1;
	cr_assert_eq(sgn_tsa_parse(f.resp, f.resp_len, &info, NULL), SGN_OK);
	f.resp[34] = 3;
	f.resp[248] = 3;
	cr_assert_eq(sgn_tsa_parse(f.resp, f.resp_len, &info, NULL),
	    SGN_ERR_PARSE);
	fixture_free(&f);
}

Test(tsa, verifies_a_token_embedding_the_trusted_tsa_certs)
{
	struct tsa_opts o = { .cert_req = 1, .ess_md = EVP_sha256() };
	struct sgn_tsa_info info;
	struct sgn_errbuf eb;
	uint8_t *resp;
	size_t len;

	o.embed[0] = ca;
	resp = make_response(&o, sig, sizeof(sig), &len);
	cr_assert_eq(verify_with(resp, len, &trusted, &info, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(info.has_embedded_certs, 1);
	OPENSSL_free(resp);
}

Test(tsa, verifies_a_self_signed_leaf_that_is_its_own_anchor)
{
	struct cert_spec s = tsa_spec;
	struct tsa_opts o = { 0 };
	struct chain c = { 0 };
	X509 *self;

	s.cn = "Self TSA";
	self = make_cert(&s, tsa_key, NULL, NULL);
	o.signer = self;
	chain_add(&c, self);
	expect(&o, &c, SGN_OK, NULL);
	/* The anchor alone is not a chain for another leaf. */
	o.signer = NULL;
	expect(&o, &c, SGN_ERR_VERIFY,
	    "timestamp: not signed by the trusted TSA");
	chain_free(&c);
	X509_free(self);
}

static void
with_intermediate(const char *ieku, sgn_err want, const char *msg)
{
	struct cert_spec is = ca_spec, ls = tsa_spec;
	struct tsa_opts o = { 0 };
	struct chain c = { 0 }, gap = { 0 };
	EVP_PKEY *ik = gen_key();
	X509 *inter, *leaf;

	is.cn = "Test TSA Intermediate";
	is.serial = 10;
	is.eku = ieku;
	inter = make_cert(&is, ik, ca, ca_key);
	ls.serial = 11;
	leaf = make_cert(&ls, tsa_key, inter, ik);
	o.signer = leaf;
	chain_add(&c, leaf);
	chain_add(&c, inter);
	chain_add(&c, ca);
	expect(&o, &c, want, msg);
	/* Without the intermediate there is no path to the anchor. */
	chain_add(&gap, leaf);
	chain_add(&gap, ca);
	expect(&o, &gap, SGN_ERR_VERIFY, NULL);
	chain_free(&gap);
	chain_free(&c);
	X509_free(leaf);
	X509_free(inter);
	EVP_PKEY_free(ik);
}

Test(tsa, verifies_through_an_intermediate)
{
	with_intermediate(NULL, SGN_OK, NULL);
	with_intermediate("timeStamping", SGN_OK, NULL);
}

Test(tsa, refuses_an_intermediate_that_forbids_timestamping)
{
	with_intermediate("serverAuth", SGN_ERR_VERIFY,
	    "timestamp: TSA intermediate certificate 1 does not allow "
	    "timestamping");
}

Test(tsa, rejects_corrupted_synthetic_responses)
{
	struct tsa_opts o = { .cert_req = 1, .ess_md = EVP_sha256() };
	struct sgn_tsa_info good, info;
	struct sgn_errbuf eb;
	uint8_t *resp;
	size_t len, i, verified = 0;

	o.embed[0] = ca;
	resp = make_response(&o, sig, sizeof(sig), &len);
	cr_assert_eq(verify_with(resp, len, &trusted, &good, &eb), SGN_OK);
	for (i = 0; i < len; i += 3) {
		resp[i] ^= 0x40;
		if (verify_with(resp, len, &trusted, &info, &eb) == SGN_OK) {
			verified++;
			cr_assert_eq(memcmp(&info, &good, sizeof(info)), 0);
		}
		resp[i] ^= 0x40;
	}
	/*
	 * Flips inside the embedded certificates go unnoticed: they are
	 * never trusted for anything.  Elsewhere at most the status flips.
	 */
	cr_assert_lt(verified, len / 3 / 2, "%zu flips verified", verified);
	OPENSSL_free(resp);
}

/* Which TSA a token claims -------------------------------------------- */

static struct sgn_cert *
cert_of(X509 *x)
{
	struct sgn_cert *c = NULL;
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);

	cr_assert_gt(n, 0);
	cr_assert_eq(sgn_cert_from_der(der, (size_t)n, &c, NULL), SGN_OK);
	OPENSSL_free(der);
	return c;
}

/*
 * The token says who signed it (SignerInfo issuer and serial, ESS
 * signing certificate): a verifier with several TSAs reports the failure
 * of that one, whatever the order it tries them in.
 */
Test(tsa, tells_which_tsa_a_token_names)
{
	static const EVP_MD *(*const ess[])(void) = { NULL, EVP_sha256,
	    EVP_sha384 };
	struct cert_spec s = tsa_spec;
	struct tsa_opts o = { 0 };
	struct sgn_cert *mine = cert_of(tsa), *root = cert_of(ca);
	struct sgn_cert *other_c;
	struct fixture f;
	EVP_PKEY *k = gen_key();
	X509 *other;
	uint8_t *resp;
	size_t len, i;

	s.serial = 3;
	other = make_cert(&s, k, ca, ca_key);
	other_c = cert_of(other);
	for (i = 0; i < 3; i++) {
		o.ess_md = ess[i] != NULL ? ess[i]() : NULL;
		resp = make_response(&o, sig, sizeof(sig), &len);
		cr_assert_eq(sgn_tsa_names_signer(resp, len, mine), 1);
		/* same issuer, another serial and key */
		cr_assert_eq(sgn_tsa_names_signer(resp, len, other_c), 0);
		cr_assert_eq(sgn_tsa_names_signer(resp, len, root), 0);
		/* over other data it still names its signer */
		OPENSSL_free(resp);
		resp = make_response(&o, (const uint8_t *)"x", 1, &len);
		cr_assert_eq(sgn_tsa_names_signer(resp, len, mine), 1);
		/* what does not parse names nobody */
		cr_assert_eq(sgn_tsa_names_signer(resp, len - 1, mine), 0);
		cr_assert_eq(sgn_tsa_names_signer(resp, len, NULL), 0);
		OPENSSL_free(resp);
	}
	/* the other TSA's token names it, not ours */
	o.signer = other;
	o.key = k;
	resp = make_response(&o, sig, sizeof(sig), &len);
	cr_assert_eq(sgn_tsa_names_signer(resp, len, other_c), 1);
	cr_assert_eq(sgn_tsa_names_signer(resp, len, mine), 0);
	OPENSSL_free(resp);
	cr_assert_eq(sgn_tsa_names_signer(NULL, 0, mine), 0);
	/* a production token names the production TSA leaf only */
	fixture_load(&f, "prod-rekor-v2-hashedrekord");
	sgn_cert_free(&other_c);
	cr_assert_eq(sgn_cert_from_der(f.chain[0], f.chain_len[0], &other_c,
	    NULL), SGN_OK);
	cr_assert_eq(sgn_tsa_names_signer(f.resp, f.resp_len, other_c), 1);
	cr_assert_eq(sgn_tsa_names_signer(f.resp, f.resp_len, mine), 0);
	fixture_free(&f);
	sgn_cert_free(&other_c);
	sgn_cert_free(&mine);
	sgn_cert_free(&root);
	X509_free(other);
	EVP_PKEY_free(k);
}
