/*
 * Unit tests for sgn_verify_plain(): OpenSSF model signing's key and
 * certificate methods.  Every key and certificate bundle model_signing
 * wrote in testdata/model-signing (v0.2.0, v1.0.0, v1.1.0, and the OMS
 * v1.0 vectors) verifies; each rule is broken once, on those bundles or
 * on bundles made here with OpenSSL (keys, CAs and leaves minted per
 * test).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <criterion/criterion.h>

#include "bundle.h"
#include "dsse.h"
#include "testutil.h"
#include "verify.h"

#define MS		"testdata/model-signing/"
#define SIGNED		MS "signed/"
#define KEYS		SIGNED "keys/certificate/"
#define OMS		MS "oms-spec/test-vectors/v1.0/"
#define KEY_V100	SIGNED "v1.0.0-elliptic-key/model.sig"
#define KEY_V110	SIGNED "v1.1.0-elliptic-key/model.sig"
#define CERT_V020	SIGNED "v0.2.0-certificate/model.sig"
#define CERT_V100	SIGNED "v1.0.0-certificate/model.sig"
#define CERT_V110	SIGNED "v1.1.0-certificate/model.sig"
#define MS_HINT		"e8450dec4eb99dae995da9af1bc2cc9f" \
			"76ed669ee2e744f57abba763df3e3f8e"
/* notBefore of the model_signing leaf */
#define LEAF_NB		"2025-05-02T23:36:28Z"

#define T2020		1577836800	/* 2020-01-01T00:00:00Z */
#define T2021		1609459200
#define T2022		1640995200
#define T2040		2208988800

static const char STATEMENT[] =
    "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":"
    "\"model\",\"digest\":{\"sha256\":\"61d4849d9d90076d6215f4d525f13d65"
    "74af8e3f67aef3e6f36fc40a14fdd226\"}}],\"predicateType\":"
    "\"https://model_signing/signature/v1.0\",\"predicate\":{}}";

/* Running the verifier ---------------------------------------------- */

struct run {
	sgn_err				 r;
	struct sgn_verify_result	 res;
	struct sgn_errbuf		 eb;
	const uint8_t			*payload;
	size_t				 payload_len;
};

static struct sgn_bundle *
parse_text(const char *json, size_t len)
{
	struct sgn_bundle *b = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_bundle_parse((const uint8_t *)json, len, &b, &eb),
	    SGN_OK, "%s", eb.msg);
	return b;
}

static struct sgn_bundle *
parse_file(const char *path)
{
	size_t len;
	uint8_t *p = tu_read(path, &len);
	struct sgn_bundle *b = parse_text((const char *)p, len);

	free(p);
	return b;
}

static void
run_bundle(const struct sgn_bundle *b, const struct sgn_plain_trust *t,
    struct run *o)
{
	memset(o, 0, sizeof(*o));
	o->res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	o->r = sgn_verify_plain(b, t, &o->payload, &o->payload_len, &o->res,
	    &o->eb);
}

static void
expect_fail(struct run *o, sgn_err code, const char *check,
    const char *want)
{
	cr_assert_eq(o->r, code, "got %s (%s), wanted %s", sgn_strerror(o->r),
	    o->eb.msg, sgn_strerror(code));
	cr_assert_eq(o->res.verified, 0);
	cr_assert_null(o->payload);
	cr_assert_str_eq(o->res.check, check, "check \"%s\" (%s)",
	    o->res.check, o->eb.msg);
	cr_assert(tu_has(o->eb.msg, want), "message \"%s\" lacks \"%s\"",
	    o->eb.msg, want);
	sgn_verify_result_reset(&o->res);
}

/* Verifies the bundle at path, or the JSON tree j when not NULL. */
static void
run_path(const char *path, cJSON *j, const struct sgn_plain_trust *t,
    struct run *o)
{
	struct sgn_bundle *b;

	if (j != NULL) {
		char *s = cJSON_PrintUnformatted(j);
		cr_assert_not_null(s);
		b = parse_text(s, strlen(s));
		free(s);
	} else {
		b = parse_file(path);
	}
	/* o->payload points into the bundle: compare it, never read it */
	run_bundle(b, t, o);
	sgn_bundle_free(&b);
}

static struct sgn_pubkey *
ms_key(void)
{
	size_t len;
	uint8_t *pem = tu_read(KEYS "signing-key-pub.pem", &len);
	struct sgn_pubkey *k = NULL;

	cr_assert_eq(sgn_pubkey_from_pem((const char *)pem, len, &k, NULL),
	    SGN_OK);
	free(pem);
	return k;
}

static void
key_trust(struct sgn_plain_trust *t, const struct sgn_pubkey *k)
{
	*t = (struct sgn_plain_trust)SGN_PLAIN_TRUST_INIT;
	t->key = k;
}

static void
ca_trust(struct sgn_plain_trust *t, const char *pem, size_t len)
{
	*t = (struct sgn_plain_trust)SGN_PLAIN_TRUST_INIT;
	t->ca_pem = pem;
	t->ca_len = len;
}

static cJSON *
at(cJSON *j, const char *a, const char *b, const char *c)
{
	j = cJSON_GetObjectItemCaseSensitive(j, a);
	if (b != NULL)
		j = cJSON_GetObjectItemCaseSensitive(j, b);
	if (c != NULL)
		j = cJSON_GetObjectItemCaseSensitive(j, c);
	cr_assert_not_null(j, "no %s.%s.%s", a, b, c);
	return j;
}

static cJSON *
sig0(cJSON *j)
{
	return cJSON_GetArrayItem(at(j, "dsseEnvelope", "signatures", NULL),
	    0);
}

/* Flips one bit of byte pos of a base64 member of obj. */
static void
flip_b64(cJSON *obj, const char *key, size_t pos)
{
	cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, key);
	uint8_t *d = NULL;
	size_t n = 0;
	char *enc = NULL;

	cr_assert(cJSON_IsString(s));
	cr_assert_eq(sgn_b64_decode(s->valuestring, strlen(s->valuestring),
	    &d, &n, NULL), SGN_OK);
	cr_assert_lt(pos, n);
	d[pos] ^= 0x01;
	cr_assert_eq(sgn_b64_encode(d, n, &enc, NULL), SGN_OK);
	cJSON_ReplaceItemInObjectCaseSensitive(obj, key,
	    cJSON_CreateString(enc));
	free(d);
	free(enc);
}

/* Keys, certificates and bundles made here -------------------------- */

static EVP_PKEY *
gen_ec(const char *curve)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);

	cr_assert_not_null(k, "keygen %s", curve);
	return k;
}

static struct sgn_pubkey *
pub_of(EVP_PKEY *k)
{
	struct sgn_pubkey *pk = NULL;

	cr_assert_eq(sgn_pubkey_from_evp(k, NULL, 0, &pk, NULL), SGN_OK);
	return pk;
}

struct ext {
	int		 nid;
	const char	*value;
};

/* A certificate for key, issued by (issuer, issuer_key), or self-signed
 * when issuer is NULL; exts ends with a zero nid. */
static X509 *
mint(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
    int64_t nb, int64_t na, const struct ext *exts)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509V3_CTX ctx;

	cr_assert_not_null(x);
	cr_assert_not_null(name);
	cr_assert_eq(X509_set_version(x, X509_VERSION_3), 1);
	cr_assert_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++), 1);
	cr_assert_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0), 1);
	cr_assert_eq(X509_set_subject_name(x, name), 1);
	cr_assert_eq(X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name), 1);
	cr_assert_not_null(ASN1_TIME_set(X509_getm_notBefore(x),
	    (time_t)nb));
	cr_assert_not_null(ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na));
	cr_assert_eq(X509_set_pubkey(x, key), 1);
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	for (; exts != NULL && exts->nid != 0; exts++) {
		X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, &ctx,
		    exts->nid, exts->value);
		cr_assert_not_null(e, "extension %s", exts->value);
		cr_assert_eq(X509_add_ext(x, e, -1), 1);
		X509_EXTENSION_free(e);
	}
	cr_assert_gt(X509_sign(x, issuer_key != NULL ? issuer_key : key,
	    EVP_sha256()), 0);
	X509_NAME_free(name);
	return x;
}

static const struct ext CA_EXTS[] = {
	{ NID_basic_constraints, "critical,CA:TRUE" },
	{ NID_key_usage, "critical,keyCertSign,cRLSign" },
	{ NID_subject_key_identifier, "hash" },
	{ 0, NULL },
};

static char *
pem_of(X509 *x, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	cr_assert_not_null(bio);
	cr_assert_eq(PEM_write_bio_X509(bio, x), 1);
	n = BIO_get_mem_data(bio, &p);
	out = malloc((size_t)n + 1);
	cr_assert_not_null(out);
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	BIO_free(bio);
	return out;
}

static struct sgn_blob
der_of(X509 *x)
{
	struct sgn_blob b;
	unsigned char *p = NULL;
	int n = i2d_X509(x, &p);

	cr_assert_gt(n, 0);
	b.ptr = malloc((size_t)n);
	cr_assert_not_null(b.ptr);
	memcpy(b.ptr, p, (size_t)n);
	b.len = (size_t)n;
	OPENSSL_free(p);
	return b;
}

struct mk {
	EVP_PKEY	*key;		/* signs */
	const EVP_MD	*md;
	int		 compat;	/* model_signing 0.2's PAE */
	X509		**certs;	/* certificate method, or NULL */
	size_t		 n_certs;
	const char	*type;		/* payload type (in-toto if NULL) */
	const char	*payload;	/* STATEMENT if NULL */
};

/* A key or certificate method bundle, as model_signing writes them. */
static struct sgn_bundle *
mk_bundle(const struct mk *m)
{
	const char *type = m->type != NULL ? m->type :
	    SGN_INTOTO_PAYLOAD_TYPE;
	const char *payload = m->payload != NULL ? m->payload : STATEMENT;
	struct sgn_blob certs[4];
	struct sgn_pubkey *pk = pub_of(m->key);
	struct sgn_bundle b, *out;
	struct sgn_buf pae, json;
	char hint[SGN_PUBKEY_HINT_LEN];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t sig[256];
	size_t siglen = sizeof(sig), i;

	sgn_buf_init(&pae, 0);
	sgn_buf_init(&json, 0);
	cr_assert_eq((m->compat ? sgn_dsse_pae_compat : sgn_dsse_pae)(type,
	    (const uint8_t *)payload, strlen(payload), &pae, NULL), SGN_OK);
	cr_assert_not_null(ctx);
	cr_assert_eq(EVP_DigestSignInit(ctx, NULL, m->md, NULL, m->key), 1);
	cr_assert_eq(EVP_DigestSign(ctx, sig, &siglen, pae.ptr, pae.len), 1);
	memset(&b, 0, sizeof(b));
	b.version_minor = 3;
	if (m->certs != NULL) {
		cr_assert_leq(m->n_certs, 4);
		for (i = 0; i < m->n_certs; i++)
			certs[i] = der_of(m->certs[i]);
		b.material = SGN_MATERIAL_CHAIN;
		b.certs = certs;
		b.n_certs = m->n_certs;
	} else {
		cr_assert_eq(sgn_pubkey_pem_hint(pk, hint, NULL), SGN_OK);
		b.material = SGN_MATERIAL_PUBLIC_KEY;
		b.key_hint = hint;
	}
	b.content = SGN_CONTENT_DSSE;
	b.payload.ptr = (uint8_t *)(uintptr_t)payload;
	b.payload.len = strlen(payload);
	b.payload_type = (char *)(uintptr_t)type;
	b.signature.ptr = sig;
	b.signature.len = siglen;
	b.keyid = (char *)(uintptr_t)"";
	cr_assert_eq(sgn_bundle_serialize(&b, &json, NULL), SGN_OK);
	out = parse_text((const char *)json.ptr, json.len);
	for (i = 0; m->certs != NULL && i < m->n_certs; i++)
		free(certs[i].ptr);
	sgn_buf_reset(&pae);
	sgn_buf_reset(&json);
	EVP_MD_CTX_free(ctx);
	sgn_pubkey_free(&pk);
	return out;
}

/* A CA and a P-256 leaf it issued (valid 2021 only) with leaf_exts. */
struct pki {
	EVP_PKEY	*ca_key;
	X509		*ca;
	EVP_PKEY	*leaf_key;
	X509		*leaf;
	char		*ca_pem;
	size_t		 ca_len;
};

static void
pki_new(struct pki *p, const struct ext *leaf_exts, EVP_PKEY *leaf_key)
{
	p->ca_key = gen_ec("P-384");
	p->ca = mint(p->ca_key, "test root", NULL, NULL, T2020, T2040,
	    CA_EXTS);
	p->leaf_key = leaf_key != NULL ? leaf_key : gen_ec("P-256");
	p->leaf = mint(p->leaf_key, "model signer", p->ca, p->ca_key, T2021,
	    T2022, leaf_exts);
	p->ca_pem = pem_of(p->ca, &p->ca_len);
}

static void
pki_free(struct pki *p)
{
	EVP_PKEY_free(p->ca_key);
	X509_free(p->ca);
	EVP_PKEY_free(p->leaf_key);
	X509_free(p->leaf);
	free(p->ca_pem);
}

static const struct ext LEAF_EXTS[] = {
	{ NID_key_usage, "critical,digitalSignature" },
	{ NID_ext_key_usage, "codeSigning" },
	{ NID_subject_alt_name, "email:signer@example.com" },
	{ 0, NULL },
};

/* Verifies a bundle signed by the pki's leaf; r is the outcome. */
static void
run_pki(struct pki *p, const struct sgn_plain_trust *t_in, struct run *o)
{
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct mk m;
	struct sgn_bundle *b;

	memset(&m, 0, sizeof(m));
	m.key = p->leaf_key;
	m.md = EVP_sha256();
	m.certs = &p->leaf;
	m.n_certs = 1;
	b = mk_bundle(&m);
	if (t_in != NULL)
		t = *t_in;
	else
		ca_trust(&t, p->ca_pem, p->ca_len);
	run_bundle(b, &t, o);
	sgn_bundle_free(&b);
}

/* The model_signing vectors ---------------------------------------- */

Test(plain, verifies_the_model_signing_key_bundles)
{
	static const struct {
		const char	*path;
		unsigned	 legacy;
	} v[] = {
		{ KEY_V100, SGN_PLAIN_NO_HINT },	/* rawBytes (PEM) */
		{ KEY_V110, 0 },			/* hint */
		{ OMS "valid/key.bundle.json", 0 },
	};
	struct sgn_pubkey *k = ms_key();
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;
	size_t i;

	key_trust(&t, k);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		run_path(v[i].path, NULL, &t, &o);
		cr_assert_eq(o.r, SGN_OK, "%s: %s", v[i].path, o.eb.msg);
		cr_assert_eq(o.res.verified, 1);
		cr_assert_str_eq(o.res.check, "");
		cr_assert_str_eq(o.res.key_desc, "ECDSA P-384");
		cr_assert_eq(o.res.legacy, v[i].legacy, "%s", v[i].path);
		cr_assert_eq(o.res.content, SGN_CONTENT_DSSE);
		cr_assert_eq(o.res.bundle_version, 3);
		cr_assert_null(o.res.identity);
		cr_assert_not_null(o.payload);
		sgn_verify_result_reset(&o.res);
	}
	sgn_pubkey_free(&k);
}

Test(plain, verifies_the_model_signing_certificate_bundles)
{
	static const struct {
		const char	*path;
		unsigned	 legacy;
	} v[] = {
		/* signed over the 0.2 PAE, P-384 with SHA-256 */
		{ CERT_V020, SGN_PLAIN_OLD_PAE },
		{ CERT_V100, 0 },
		{ CERT_V110, 0 },
		{ OMS "valid/certificate.bundle.json", 0 },
	};
	size_t len, i;
	char *ca = (char *)tu_read(KEYS "ca-cert.pem", &len);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;
	char nb[SGN_TIME_STRLEN];

	ca_trust(&t, ca, len);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		run_path(v[i].path, NULL, &t, &o);
		cr_assert_eq(o.r, SGN_OK, "%s: %s", v[i].path, o.eb.msg);
		cr_assert_eq(o.res.verified, 1);
		cr_assert_str_eq(o.res.key_desc, "ECDSA P-384");
		cr_assert_eq(o.res.legacy, v[i].legacy, "%s", v[i].path);
		/* no SAN: the subject's CN */
		cr_assert_str_eq(o.res.identity, "intermediate-ca");
		cr_assert_eq(o.res.identity_type, SGN_SAN_NONE);
		sgn_time_format(o.res.cert_not_before, nb);
		cr_assert_str_eq(nb, LEAF_NB);
		sgn_verify_result_reset(&o.res);
	}
	free(ca);
}

Test(plain, hands_back_the_authenticated_payload)
{
	struct sgn_bundle *b = parse_file(KEY_V110);
	struct sgn_pubkey *k = ms_key();
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	key_trust(&t, k);
	run_bundle(b, &t, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	cr_assert_eq(o.payload, b->payload.ptr);
	cr_assert_eq(o.payload_len, b->payload.len);
	cr_assert_eq(memcmp(o.payload, "{\n  \"_type\": \"https://in-toto.io/"
	    "Statement/v1\"", 45), 0);
	sgn_verify_result_reset(&o.res);
	sgn_bundle_free(&b);
	sgn_pubkey_free(&k);
}

/* Keys -------------------------------------------------------------- */

Test(plain, refuses_another_key_by_its_hint)
{
	EVP_PKEY *other = gen_ec("P-384");
	struct sgn_pubkey *k = pub_of(other);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	char hint[SGN_PUBKEY_HINT_LEN], want[160];
	struct run o;

	cr_assert_eq(sgn_pubkey_pem_hint(k, hint, NULL), SGN_OK);
	snprintf(want, sizeof(want), "key: the bundle's key hint " MS_HINT
	    " does not match the given key (hint %s)", hint);
	key_trust(&t, k);
	run_path(KEY_V110, NULL, &t, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "key", want);
	run_path(OMS "valid/key.bundle.json", NULL, &t, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "key", "does not match the given key");
	sgn_pubkey_free(&k);
	EVP_PKEY_free(other);
}

Test(plain, refuses_the_ca_certificates_rsa_key)
{
	size_t len;
	char *pem = (char *)tu_read(KEYS "ca-cert.pem", &len);
	struct sgn_cert *ca = NULL;
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	cr_assert_eq(sgn_cert_from_pem(pem, len, &ca, NULL), SGN_OK);
	key_trust(&t, sgn_cert_pubkey(ca));
	run_path(KEY_V110, NULL, &t, &o);
	expect_fail(&o, SGN_ERR_UNSUPPORTED, "key", "the given key is "
	    "RSA-3072; model signing keys are ECDSA");
	sgn_cert_free(&ca);
	free(pem);
}

Test(plain, refuses_a_raw_key_that_is_not_the_given_key)
{
	EVP_PKEY *other = gen_ec("P-384");
	struct sgn_pubkey *k = pub_of(other);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	key_trust(&t, k);
	run_path(KEY_V100, NULL, &t, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "key", "the bundle's public key "
	    "(ECDSA P-384) is not the given key (ECDSA P-384)");
	sgn_pubkey_free(&k);
	EVP_PKEY_free(other);
}

Test(plain, refuses_an_unreadable_raw_key)
{
	cJSON *j = tu_load_json(KEY_V100);
	struct sgn_pubkey *k = ms_key();
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	cJSON_ReplaceItemInObjectCaseSensitive(at(j, "verificationMaterial",
	    "publicKey", NULL), "rawBytes", cJSON_CreateString("AAAA"));
	key_trust(&t, k);
	run_path(NULL, j, &t, &o);
	expect_fail(&o, SGN_ERR_PARSE, "key", "publicKey.rawBytes: invalid "
	    "public key");
	cJSON_Delete(j);
	sgn_pubkey_free(&k);
}

Test(plain, refuses_a_wrong_key_when_the_bundle_names_none)
{
	cJSON *j = tu_load_json(KEY_V110);
	EVP_PKEY *other = gen_ec("P-384");
	struct sgn_pubkey *k = pub_of(other);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	cJSON_DeleteItemFromObjectCaseSensitive(at(j, "verificationMaterial",
	    "publicKey", NULL), "hint");
	key_trust(&t, k);
	run_path(NULL, j, &t, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "signature", "signature: DSSE "
	    "signature does not verify with the given key");
	cJSON_Delete(j);
	sgn_pubkey_free(&k);
	EVP_PKEY_free(other);
}

Test(plain, compares_hints_as_hex_of_one_length)
{
	cJSON *j = tu_load_json(KEY_V110);
	cJSON *pk = at(j, "verificationMaterial", "publicKey", NULL);
	struct sgn_pubkey *k = ms_key();
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	char upper[SGN_PUBKEY_HINT_LEN];
	struct run o;
	size_t i;

	for (i = 0; i < sizeof(upper); i++)
		upper[i] = (char)(MS_HINT[i] >= 'a' && MS_HINT[i] <= 'f' ?
		    MS_HINT[i] - 'a' + 'A' : MS_HINT[i]);
	key_trust(&t, k);
	cJSON_ReplaceItemInObjectCaseSensitive(pk, "hint",
	    cJSON_CreateString(upper));
	run_path(NULL, j, &t, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	/* a prefix of the hint is another hint */
	cJSON_ReplaceItemInObjectCaseSensitive(pk, "hint",
	    cJSON_CreateString("e8450dec"));
	run_path(NULL, j, &t, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "key", "key hint e8450dec does not "
	    "match");
	cJSON_Delete(j);
	sgn_pubkey_free(&k);
}

Test(plain, checks_key_details_against_the_key)
{
	cJSON *j = tu_load_json(KEY_V100);
	cJSON *pk = at(j, "verificationMaterial", "publicKey", NULL);
	struct sgn_pubkey *k = ms_key();
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	key_trust(&t, k);
	cJSON_ReplaceItemInObjectCaseSensitive(pk, "keyDetails",
	    cJSON_CreateString("PKIX_ECDSA_P256_SHA_256"));
	run_path(NULL, j, &t, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "key", "keyDetails "
	    "PKIX_ECDSA_P256_SHA_256 do not fit the given key (ECDSA P-384)");
	cJSON_ReplaceItemInObjectCaseSensitive(pk, "keyDetails",
	    cJSON_CreateString("PKIX_ECDSA_P384_SHA_999"));
	run_path(NULL, j, &t, &o);
	expect_fail(&o, SGN_ERR_UNSUPPORTED, "key", "unknown keyDetails");
	cJSON_Delete(j);
	sgn_pubkey_free(&k);
}

Test(plain, verifies_generated_keys_of_every_curve_with_the_curves_hash)
{
	static const char *const curves[] = { "P-256", "P-384", "P-521" };
	const EVP_MD *mds[3];
	size_t i, k;

	mds[0] = EVP_sha256();
	mds[1] = EVP_sha384();
	mds[2] = EVP_sha512();
	for (i = 0; i < 3; i++) {
		EVP_PKEY *key = gen_ec(curves[i]);
		struct sgn_pubkey *pk = pub_of(key);
		struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
		for (k = 0; k < 3; k++) {
			struct mk m;
			struct sgn_bundle *b;
			struct run o;
			memset(&m, 0, sizeof(m));
			m.key = key;
			m.md = mds[k];
			b = mk_bundle(&m);
			key_trust(&t, pk);
			run_bundle(b, &t, &o);
			if (k == i) {
				cr_assert_eq(o.r, SGN_OK, "%s: %s", curves[i],
				    o.eb.msg);
				cr_assert_eq(o.res.legacy, 0);
				sgn_verify_result_reset(&o.res);
			} else {
				/* another hash than the curve's */
				expect_fail(&o, SGN_ERR_VERIFY, "signature",
				    "does not verify with the given key");
			}
			sgn_bundle_free(&b);
		}
		sgn_pubkey_free(&pk);
		EVP_PKEY_free(key);
	}
}

Test(plain, accepts_the_v02_pae_with_sha256_or_the_curves_hash)
{
	EVP_PKEY *key = gen_ec("P-384");
	struct sgn_pubkey *pk = pub_of(key);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	const EVP_MD *mds[3];
	size_t i;

	mds[0] = EVP_sha256();
	mds[1] = EVP_sha384();
	mds[2] = EVP_sha512();
	key_trust(&t, pk);
	for (i = 0; i < 3; i++) {
		struct mk m;
		struct sgn_bundle *b;
		struct run o;
		memset(&m, 0, sizeof(m));
		m.key = key;
		m.md = mds[i];
		m.compat = 1;
		b = mk_bundle(&m);
		run_bundle(b, &t, &o);
		if (i < 2) {
			cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
			cr_assert_eq(o.res.legacy, SGN_PLAIN_OLD_PAE);
			sgn_verify_result_reset(&o.res);
		} else {
			expect_fail(&o, SGN_ERR_VERIFY, "signature",
			    "does not verify");
		}
		sgn_bundle_free(&b);
	}
	sgn_pubkey_free(&pk);
	EVP_PKEY_free(key);
}

/* Tampering --------------------------------------------------------- */

Test(plain, refuses_a_tampered_payload_or_signature)
{
	static const char *const files[] = { KEY_V110, KEY_V100, CERT_V110,
	    CERT_V020 };
	struct sgn_pubkey *k = ms_key();
	size_t len, i;
	char *ca = (char *)tu_read(KEYS "ca-cert.pem", &len);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	key_trust(&t, k);
	t.ca_pem = ca;
	t.ca_len = len;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *whose = i < 2 ? "the given key" :
		    "the leaf certificate's key";
		cJSON *j = tu_load_json(files[i]);
		/* inside a JSON string of the statement */
		flip_b64(at(j, "dsseEnvelope", NULL, NULL), "payload", 100);
		run_path(NULL, j, &t, &o);
		expect_fail(&o, SGN_ERR_VERIFY, "signature", whose);
		cJSON_Delete(j);
		j = tu_load_json(files[i]);
		/* the last byte of s */
		flip_b64(sig0(j), "sig", 70);
		run_path(NULL, j, &t, &o);
		expect_fail(&o, SGN_ERR_VERIFY, "signature", whose);
		cJSON_Delete(j);
	}
	free(ca);
	sgn_pubkey_free(&k);
}

Test(plain, refuses_a_payload_that_is_not_a_statement)
{
	EVP_PKEY *key = gen_ec("P-256");
	struct sgn_pubkey *pk = pub_of(key);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct sgn_bundle *b;
	struct mk m;
	struct run o;

	memset(&m, 0, sizeof(m));
	m.key = key;
	m.md = EVP_sha256();
	m.payload = "{\"_type\":\"https://in-toto.io/Statement/v1\"}";
	b = mk_bundle(&m);
	key_trust(&t, pk);
	run_bundle(b, &t, &o);
	expect_fail(&o, SGN_ERR_PARSE, "payload", "payload: ");
	sgn_bundle_free(&b);
	sgn_pubkey_free(&pk);
	EVP_PKEY_free(key);
}

/* Envelopes and materials ------------------------------------------- */

Test(plain, requires_one_signature_by_the_parser)
{
	cJSON *j = tu_load_json(KEY_V110);
	cJSON *sigs = at(j, "dsseEnvelope", "signatures", NULL);
	struct sgn_bundle *b = NULL;
	struct sgn_errbuf eb;
	char *s;

	cJSON_AddItemToArray(sigs, cJSON_Duplicate(sig0(j), 1));
	s = cJSON_PrintUnformatted(j);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_bundle_parse((const uint8_t *)s, strlen(s), &b, &eb),
	    SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "expected exactly one signature, found 2"),
	    "%s", eb.msg);
	cr_assert_null(b);
	free(s);
	cJSON_Delete(j);
}

Test(plain, requires_an_in_toto_payload_type)
{
	cJSON *j = tu_load_json(KEY_V110);
	struct sgn_pubkey *k = ms_key();
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	cJSON_ReplaceItemInObjectCaseSensitive(at(j, "dsseEnvelope", NULL,
	    NULL), "payloadType", cJSON_CreateString("application/json"));
	key_trust(&t, k);
	run_path(NULL, j, &t, &o);
	expect_fail(&o, SGN_ERR_UNSUPPORTED, "envelope", "DSSE payload type "
	    "\"application/json\" is not application/vnd.in-toto+json");
	cJSON_Delete(j);
	sgn_pubkey_free(&k);
}

Test(plain, refuses_a_message_signature)
{
	struct sgn_pubkey *k = ms_key();
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	key_trust(&t, k);
	run_path("testdata/vectors/rekor-v1-hashedrekord/bundle.sigstore.json",
	    NULL, &t, &o);
	expect_fail(&o, SGN_ERR_UNSUPPORTED, "envelope",
	    "a message signature, not a DSSE envelope");
	sgn_pubkey_free(&k);
}

Test(plain, asks_for_the_trust_the_bundle_needs)
{
	struct sgn_pubkey *k = ms_key();
	size_t len;
	char *ca = (char *)tu_read(KEYS "ca-cert.pem", &len);
	struct sgn_plain_trust t;
	struct run o;

	ca_trust(&t, ca, len);
	run_path(KEY_V110, NULL, &t, &o);
	expect_fail(&o, SGN_ERR_POLICY, "material", "signed with a key "
	    "(hint " MS_HINT "): give its public key");
	key_trust(&t, k);
	run_path(CERT_V110, NULL, &t, &o);
	expect_fail(&o, SGN_ERR_POLICY, "material", "give the CA "
	    "certificates");
	/* a Sigstore keyless bundle is not either method's */
	t.ca_pem = ca;
	t.ca_len = len;
	run_path(SIGNED "v1.1.0-sigstore/model.sig", NULL, &t, &o);
	expect_fail(&o, SGN_ERR_POLICY, "material", "Sigstore keyless "
	    "bundle");
	t = (struct sgn_plain_trust)SGN_PLAIN_TRUST_INIT;
	memset(&o, 0, sizeof(o));
	o.r = sgn_verify_plain(NULL, &t, NULL, NULL, &o.res, &o.eb);
	cr_assert_eq(o.r, SGN_ERR_INVALID_ARGUMENT);
	o.r = sgn_verify_plain(NULL, NULL, NULL, NULL, &o.res, &o.eb);
	cr_assert_eq(o.r, SGN_ERR_INVALID_ARGUMENT);
	free(ca);
	sgn_pubkey_free(&k);
}

Test(plain, rejects_every_oms_invalid_bundle)
{
	static const char *const parse_fails[] = {
	    OMS "invalid/empty.bundle.json",
	    OMS "invalid/missing-envelope.bundle.json",
	    OMS "invalid/missing-verification-material.bundle.json" };
	struct sgn_pubkey *k = ms_key();
	size_t len, i;
	char *ca = (char *)tu_read(KEYS "ca-cert.pem", &len);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	for (i = 0; i < sizeof(parse_fails) / sizeof(parse_fails[0]); i++) {
		size_t n;
		uint8_t *p = tu_read(parse_fails[i], &n);
		struct sgn_bundle *b = NULL;
		cr_assert_eq(sgn_bundle_parse(p, n, &b, NULL), SGN_ERR_PARSE,
		    "%s", parse_fails[i]);
		cr_assert_null(b);
		free(p);
	}
	key_trust(&t, k);
	t.ca_pem = ca;
	t.ca_len = len;
	/* a Fulcio certificate without tlogEntries */
	run_path(OMS "invalid/missing-tlog-entries.bundle.json", NULL, &t,
	    &o);
	expect_fail(&o, SGN_ERR_POLICY, "material", "Sigstore keyless");
	/* the key vector's signature over another statement */
	run_path(OMS "invalid-payload/wrong-predicate.bundle.json", NULL, &t,
	    &o);
	expect_fail(&o, SGN_ERR_VERIFY, "signature", "does not verify");
	free(ca);
	sgn_pubkey_free(&k);
}

/* Certificates ------------------------------------------------------ */

Test(plain, refuses_an_unknown_ca)
{
	struct pki p;
	size_t len;
	char *other;
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	pki_new(&p, LEAF_EXTS, NULL);
	other = pem_of(p.ca, &len);
	ca_trust(&t, other, len);
	run_path(CERT_V110, NULL, &t, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "certificate", "certificate: chain "
	    "does not verify against the given CA certificates at " LEAF_NB
	    ": unable to get local issuer certificate");
	free(other);
	pki_free(&p);
}

Test(plain, refuses_an_intermediate_as_trust_anchor)
{
	size_t len;
	char *inter = (char *)tu_read(KEYS "int-ca-cert.pem", &len);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	ca_trust(&t, inter, len);
	run_path(CERT_V110, NULL, &t, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "certificate", "chain does not "
	    "verify against the given CA certificates");
	free(inter);
}

Test(plain, needs_the_intermediate_from_the_bundle)
{
	cJSON *j = tu_load_json(CERT_V110);
	size_t len;
	char *ca = (char *)tu_read(KEYS "ca-cert.pem", &len);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	cJSON_DeleteItemFromArray(at(j, "verificationMaterial",
	    "x509CertificateChain", "certificates"), 1);
	ca_trust(&t, ca, len);
	run_path(NULL, j, &t, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "certificate", "unable to get local "
	    "issuer certificate");
	cJSON_Delete(j);
	free(ca);
}

Test(plain, refuses_an_unreadable_chain_certificate)
{
	cJSON *j = tu_load_json(CERT_V110);
	cJSON *certs = at(j, "verificationMaterial", "x509CertificateChain",
	    "certificates");
	size_t len;
	char *ca = (char *)tu_read(KEYS "ca-cert.pem", &len);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	ca_trust(&t, ca, len);
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetArrayItem(certs, 1),
	    "rawBytes", cJSON_CreateString("MAA="));
	run_path(NULL, j, &t, &o);
	expect_fail(&o, SGN_ERR_PARSE, "certificate", "chain certificate 1: ");
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetArrayItem(certs, 0),
	    "rawBytes", cJSON_CreateString("MAA="));
	run_path(NULL, j, &t, &o);
	expect_fail(&o, SGN_ERR_PARSE, "certificate", "leaf: ");
	cJSON_Delete(j);
	free(ca);
}

Test(plain, accepts_a_ca_file_with_text_and_other_roots)
{
	struct pki p;
	size_t len, olen;
	char *ca = (char *)tu_read(KEYS "ca-cert.pem", &len);
	char *other, *both;
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	pki_new(&p, LEAF_EXTS, NULL);
	other = pem_of(p.ca, &olen);
	both = malloc(olen + len + 64);
	cr_assert_not_null(both);
	snprintf(both, olen + len + 64, "Some root:\n%sThe model's root:\n%s",
	    other, ca);
	ca_trust(&t, both, strlen(both));
	run_path(CERT_V110, NULL, &t, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	/* and the minted chain too */
	run_pki(&p, &t, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	cr_assert_str_eq(o.res.identity, "signer@example.com");
	cr_assert_eq(o.res.identity_type, SGN_SAN_EMAIL);
	cr_assert_str_eq(o.res.key_desc, "ECDSA P-256");
	sgn_verify_result_reset(&o.res);
	free(both);
	free(other);
	free(ca);
	pki_free(&p);
}

Test(plain, refuses_ca_text_without_a_certificate)
{
	static const char junk[] = "no certificates here\n";
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	ca_trust(&t, junk, sizeof(junk) - 1);
	run_path(CERT_V110, NULL, &t, &o);
	expect_fail(&o, SGN_ERR_TRUST, "trust", "CA certificates: no PEM "
	    "certificate found");
}

Test(plain, requires_digital_signature_or_code_signing_usage)
{
	static const struct ext none[] = {
		{ NID_basic_constraints, "critical,CA:FALSE" },
		{ 0, NULL },
	};
	static const struct ext wrong[] = {
		{ NID_key_usage, "critical,keyEncipherment" },
		{ NID_ext_key_usage, "serverAuth,emailProtection" },
		{ 0, NULL },
	};
	static const struct ext ku[] = {
		{ NID_key_usage, "critical,digitalSignature" },
		{ 0, NULL },
	};
	static const struct ext eku[] = {
		{ NID_key_usage, "critical,keyAgreement" },
		{ NID_ext_key_usage, "codeSigning" },
		{ 0, NULL },
	};
	struct pki p;
	struct run o;

	pki_new(&p, none, NULL);
	run_pki(&p, NULL, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "certificate", "certificate: leaf "
	    "has neither digitalSignature key usage nor codeSigning extended "
	    "key usage");
	pki_free(&p);
	pki_new(&p, wrong, NULL);
	run_pki(&p, NULL, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "certificate", "leaf has neither");
	pki_free(&p);
	pki_new(&p, ku, NULL);
	run_pki(&p, NULL, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	/* no SAN: the CN */
	cr_assert_str_eq(o.res.identity, "model signer");
	sgn_verify_result_reset(&o.res);
	pki_free(&p);
	pki_new(&p, eku, NULL);
	run_pki(&p, NULL, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	pki_free(&p);
}

Test(plain, ignores_expiry_unless_given_a_time)
{
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct pki p;
	struct run o;

	/* the leaf expired in 2022 */
	pki_new(&p, LEAF_EXTS, NULL);
	run_pki(&p, NULL, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	ca_trust(&t, p.ca_pem, p.ca_len);
	t.at = (int64_t)time(NULL);
	run_pki(&p, &t, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "certificate", "certificate has "
	    "expired");
	/* before the CA's time */
	t.at = T2020 - 1;
	run_pki(&p, &t, &o);
	expect_fail(&o, SGN_ERR_VERIFY, "certificate", "certificate is not "
	    "yet valid");
	t.at = T2021 + 10;
	run_pki(&p, &t, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	sgn_verify_result_reset(&o.res);
	pki_free(&p);
}

Test(plain, refuses_a_leaf_that_is_not_ecdsa)
{
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	struct sgn_bundle *b;
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct pki p;
	struct mk m;
	struct run o;

	cr_assert_not_null(rsa);
	pki_new(&p, LEAF_EXTS, rsa);
	memset(&m, 0, sizeof(m));
	m.key = p.leaf_key;
	m.md = EVP_sha256();
	m.certs = &p.leaf;
	m.n_certs = 1;
	b = mk_bundle(&m);
	ca_trust(&t, p.ca_pem, p.ca_len);
	run_bundle(b, &t, &o);
	expect_fail(&o, SGN_ERR_UNSUPPORTED, "certificate", "the leaf's key "
	    "is RSA-2048");
	sgn_bundle_free(&b);
	pki_free(&p);
}

/* The trust is a struct with a size (core.h) -------------------------- */

Test(plain, a_trust_of_size_0_is_refused_naming_its_initialiser)
{
	struct sgn_pubkey *k = ms_key();
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	key_trust(&t, k);
	t.size = 0;
	run_path(KEY_V110, NULL, &t, &o);
	cr_assert_eq(o.r, SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(o.eb.msg, "struct sgn_plain_trust: size 0: "
	    "initialise it with SGN_PLAIN_TRUST_INIT");
	cr_assert_eq(o.res.verified, 0);
	cr_assert_null(o.payload);
	sgn_verify_result_reset(&o.res);
	sgn_pubkey_free(&k);
}

/* An older caller's trust ends before at: the time there (one at which
 * the chain is not valid) is not theirs, and the default, the leaf's
 * notBefore, is used. */
Test(plain, an_older_trust_reads_the_newer_members_as_defaults)
{
	size_t len;
	char *ca = (char *)tu_read(KEYS "ca-cert.pem", &len);
	struct sgn_plain_trust t = SGN_PLAIN_TRUST_INIT;
	struct run o;

	ca_trust(&t, ca, len);
	t.at = 1;	/* 1970: before any of the certificates */
	run_path(CERT_V110, NULL, &t, &o);
	cr_assert_neq(o.r, SGN_OK, "at was not read");
	cr_assert(tu_has(o.eb.msg, "certificate is not yet valid"), "%s",
	    o.eb.msg);
	sgn_verify_result_reset(&o.res);
	t.size = offsetof(struct sgn_plain_trust, at);
	run_path(CERT_V110, NULL, &t, &o);
	cr_assert_eq(o.r, SGN_OK, "%s", o.eb.msg);
	cr_assert_eq(o.res.verified, 1);
	sgn_verify_result_reset(&o.res);
	free(ca);
}
