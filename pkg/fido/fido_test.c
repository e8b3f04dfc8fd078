/*
 * Unit tests for pkg/fido: keys derived from a FIDO2 authenticator's
 * hmac-secret, against the software authenticator ("soft:DIR", a fresh
 * one in a temporary directory for each test), and the key-file parser.
 *
 * `make test-device` runs this binary with SIGNET_TEST_FIDO_DEVICE set to
 * a real authenticator (and SIGNET_TEST_FIDO_PIN to its PIN when it has
 * one): the tests that need no software knob run against it, touching
 * the key when asked; the others are skipped.  None of them changes a
 * real authenticator's PIN or spends its PIN retries.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include "fido.h"
#include "fido_int.h"
#include "testutil.h"

#define NAME	"release.key"
#define PIN	"4711-secret"
#define MSG	"a release, signed with a security key"

static char dir_a[64], dir_b[64];
static char dev_a[80], dev_b[80];
static int touches;
static char last_touch[32];
static struct sgn_secret env_pin;

static const char *
real_device(void)
{
	const char *d = getenv("SIGNET_TEST_FIDO_DEVICE");

	return d != NULL && *d != '\0' ? d : NULL;
}

static void
teardown(void)
{
	tu_rmtree(dir_a);
	tu_rmtree(dir_b);
}

/* A skipped test does not reach .fini: clean up first. */
static void
skip(const char *why)
{
	teardown();
	cr_skip_test("%s", why);
}

static void
soft_only(void)
{
	if (real_device() != NULL)
		skip("needs the software authenticator's knobs");
}

static void
setup(void)
{
	const char *pin = getenv("SIGNET_TEST_FIDO_PIN");

	dir_a[0] = dir_b[0] = '\0';
	touches = 0;
	if (pin != NULL && *pin != '\0') {
		env_pin.ptr = (uint8_t *)(uintptr_t)pin;
		env_pin.len = strlen(pin);
	}
	if (real_device() != NULL) {
		snprintf(dev_a, sizeof(dev_a), "%s", real_device());
		snprintf(dev_b, sizeof(dev_b), "%s", real_device());
		return;
	}
	tu_tmpdir("fido", dir_a, sizeof(dir_a));
	tu_tmpdir("fido", dir_b, sizeof(dir_b));
	snprintf(dev_a, sizeof(dev_a), "soft:%s", dir_a);
	snprintf(dev_b, sizeof(dev_b), "soft:%s", dir_b);
}

TestSuite(fido, .init = setup, .fini = teardown);

static void
on_touch(void *ctx, const char *what)
{
	int *n = ctx;

	(*n)++;
	snprintf(last_touch, sizeof(last_touch), "%s", what);
	if (real_device() != NULL)
		cr_log_info("touch the security key to %s", what);
}

static struct sgn_fido_opts
opts(const char *dev)
{
	struct sgn_fido_opts o;

	memset(&o, 0, sizeof(o));
	o.device = dev;
	o.name = NAME;
	o.touch_fn = on_touch;
	o.touch_ctx = &touches;
	if (real_device() != NULL && env_pin.ptr != NULL)
		o.pin = &env_pin;
	return o;
}

static struct sgn_secret
secret(const char *s)
{
	struct sgn_secret x;

	x.ptr = (uint8_t *)(uintptr_t)s;
	x.len = strlen(s);
	return x;
}

static void
write_text(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	cr_assert_eq(fputs(text, f) >= 0, 1);
	cr_assert_eq(fclose(f), 0);
}

static void
set_pin(const char *dev, const char *pin)
{
	struct sgn_fido_opts o = opts(dev);
	struct sgn_secret p = secret(pin);
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_set_pin(&o, &p, &eb), SGN_OK, "%s", eb.msg);
}

/* Generates a key; kf receives the key file, *pem the public key. */
static void
generate(const struct sgn_fido_opts *o, struct sgn_buf *kf, char **pem)
{
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	memset(kf, 0, sizeof(*kf));
	cr_assert_eq(sgn_fido_generate(o, kf, pem, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_not_null(*pem);
	cr_assert_gt(kf->len, 0);
}

static struct sgn_signer *
signer_for(const struct sgn_buf *kf, const struct sgn_fido_opts *o)
{
	struct sgn_signer *s = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_signer(kf->ptr, kf->len, o, &s, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_not_null(s);
	return s;
}

/* The error of a signing that must fail; its message in eb. */
static sgn_err
sign_fails(const struct sgn_buf *kf, const struct sgn_fido_opts *o,
    struct sgn_errbuf *eb)
{
	struct sgn_signer *s = NULL;
	sgn_err r;

	sgn_errbuf_clear(eb);
	r = sgn_fido_signer(kf->ptr, kf->len, o, &s, eb);
	cr_assert_neq(r, SGN_OK);
	cr_assert_null(s);
	cr_assert_neq(eb->msg[0], '\0');
	return r;
}

/* Signs MSG and checks the signature with OpenSSL alone against the PEM
 * public key: ECDSA P-256 over SHA-256, standard DER. */
static void
check_signs(struct sgn_signer *s, const char *pem, uint8_t **sigp,
    size_t *siglenp)
{
	const unsigned char *p;
	EVP_MD_CTX *ctx;
	EVP_PKEY *pk;
	ECDSA_SIG *es;
	BIO *bio;
	uint8_t *sig = NULL;
	size_t siglen = 0;
	char group[16];

	cr_assert_eq(sgn_signer_sign(s, (const uint8_t *)MSG, strlen(MSG),
	    &sig, &siglen, NULL), SGN_OK);
	cr_assert_not_null(bio = BIO_new_mem_buf(pem, -1));
	cr_assert_not_null(pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL));
	cr_assert_eq(EVP_PKEY_get_utf8_string_param(pk,
	    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL), 1);
	cr_assert_str_eq(group, "prime256v1");
	p = sig;
	cr_assert_not_null(es = d2i_ECDSA_SIG(NULL, &p, (long)siglen));
	cr_assert_eq(p, sig + siglen, "the signature is one DER SEQUENCE");
	ECDSA_SIG_free(es);
	cr_assert_not_null(ctx = EVP_MD_CTX_new());
	cr_assert_eq(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pk),
	    1);
	cr_assert_eq(EVP_DigestVerify(ctx, sig, siglen, (const uint8_t *)MSG,
	    strlen(MSG)), 1);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	BIO_free(bio);
	if (sigp != NULL) {
		*sigp = sig;
		*siglenp = siglen;
	} else {
		free(sig);
	}
}

static struct sgn_fido_key *
parse_ok(const struct sgn_buf *kf)
{
	struct sgn_fido_key *k = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_key_parse(kf->ptr, kf->len, &k, &eb), SGN_OK,
	    "%s", eb.msg);
	return k;
}

/* Generation and signing ---------------------------------------------- */

Test(fido, generates_a_key_and_signs_with_it)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_fido_key *k;
	struct sgn_pubkey *pem_key = NULL;
	struct sgn_signer *s;
	struct sgn_buf kf;
	char *pem = NULL;

	generate(&o, &kf, &pem);
	cr_assert_eq(touches, 2, "one touch to create, one to read");
	k = parse_ok(&kf);
	cr_assert_str_eq(k->rp_id, SGN_FIDO_DEFAULT_RP_ID);
	cr_assert_eq(k->version, 1);
	cr_assert_gt(k->cred_id_len, 0);
	cr_assert_eq(sgn_pubkey_from_pem(pem, strlen(pem), &pem_key, NULL),
	    SGN_OK);
	cr_assert(sgn_pubkey_equal(k->pub, pem_key));
	touches = 0;
	s = signer_for(&kf, &o);
	cr_assert_eq(touches, 1);
	cr_assert_str_eq(last_touch, "sign");
	cr_assert(sgn_pubkey_equal(sgn_signer_pubkey(s), k->pub));
	check_signs(s, pem, NULL, NULL);
	sgn_signer_free(&s);
	sgn_pubkey_free(&pem_key);
	sgn_fido_key_free(&k);
	cr_assert_null(k);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, derives_the_same_key_at_every_signing)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_signer *s1, *s2;
	struct sgn_buf kf;
	char *pem = NULL;

	generate(&o, &kf, &pem);
	s1 = signer_for(&kf, &o);
	s2 = signer_for(&kf, &o);
	cr_assert(sgn_pubkey_equal(sgn_signer_pubkey(s1),
	    sgn_signer_pubkey(s2)));
	check_signs(s1, pem, NULL, NULL);
	check_signs(s2, pem, NULL, NULL);
	sgn_signer_free(&s1);
	sgn_signer_free(&s2);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, two_keys_on_one_authenticator_differ)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_fido_key *k1, *k2;
	struct sgn_buf kf1, kf2;
	char *pem1 = NULL, *pem2 = NULL;

	generate(&o, &kf1, &pem1);
	generate(&o, &kf2, &pem2);
	k1 = parse_ok(&kf1);
	k2 = parse_ok(&kf2);
	cr_assert_not(sgn_pubkey_equal(k1->pub, k2->pub));
	cr_assert_neq(memcmp(k1->salt, k2->salt, SGN_FIDO_SALT_LEN), 0);
	sgn_fido_key_free(&k1);
	sgn_fido_key_free(&k2);
	sgn_buf_reset(&kf1);
	sgn_buf_reset(&kf2);
	free(pem1);
	free(pem2);
}

Test(fido, records_the_relying_party_and_holds_signing_to_it)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_fido_key *k;
	struct sgn_signer *s;
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL;

	o.rp_id = "signet:release-team";
	generate(&o, &kf, &pem);
	k = parse_ok(&kf);
	cr_assert_str_eq(k->rp_id, "signet:release-team");
	s = signer_for(&kf, &o);
	sgn_signer_free(&s);
	o.rp_id = "signet:";
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "signet:release-team"), "%s", eb.msg);
	o.rp_id = NULL;
	s = signer_for(&kf, &o);
	sgn_signer_free(&s);
	sgn_fido_key_free(&k);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, refuses_an_unusable_relying_party_id)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL;

	memset(&kf, 0, sizeof(kf));
	o.rp_id = "signet release";
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_generate(&o, &kf, &pem, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_null(pem);
	cr_assert_eq(kf.len, 0);
	cr_assert_eq(touches, 0);
}

/* A derivation vector computed independently (Python: hmac, hashlib and
 * textbook P-256 arithmetic): secret 00..1f, credential id 40..5f. */
Test(fido, derives_the_documented_scalar)
{
	static const char want_d[] = "6903432a7c9bb6e852c40fbd6f03c3f3"
	    "153d6a09397134c33815221ac723abee";
	static const char want_x[] = "c432474cb6fea21a51b60660e66632fa"
	    "f8fd6e55a6cd91387f59ac7aab4d7dce";
	uint8_t sec[32], id[32], d[32], pt[65];
	char hex[65];
	struct sgn_signer *s = NULL;
	EVP_PKEY *pk;
	size_t i, n = 0;

	for (i = 0; i < 32; i++) {
		sec[i] = (uint8_t)i;
		id[i] = (uint8_t)(0x40 + i);
	}
	cr_assert_eq(sgn_fido_derive(sec, id, sizeof(id), d, NULL), SGN_OK);
	sgn_hex_encode(d, sizeof(d), hex);
	cr_assert_str_eq(hex, want_d);
	cr_assert_eq(sgn_signer_from_p256_scalar(d, &s, NULL), SGN_OK);
	pk = sgn_pubkey_evp(sgn_signer_pubkey(s));
	cr_assert_eq(EVP_PKEY_get_octet_string_param(pk,
	    OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &n), 1);
	cr_assert_eq(n, 65);
	sgn_hex_encode(pt + 1, 32, hex);
	cr_assert_str_eq(hex, want_x);
	/* Another credential id gives another key. */
	id[0] ^= 1;
	cr_assert_eq(sgn_fido_derive(sec, id, sizeof(id), d, NULL), SGN_OK);
	sgn_hex_encode(d, sizeof(d), hex);
	cr_assert_str_neq(hex, want_d);
	sgn_signer_free(&s);
}

/* No secret written ------------------------------------------------------ */

static int
has_bytes(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
	return n >= m && memmem(hay, n, needle, m) != NULL;
}

/* 1 when hay holds x raw, in hex (either case) or in base64. */
static int
has_any_form(const uint8_t *hay, size_t n, const uint8_t *x, size_t m)
{
	char hex[129], *b64 = NULL;
	size_t i;
	int found;

	cr_assert_leq(m, 64);
	sgn_hex_encode(x, m, hex);
	found = has_bytes(hay, n, x, m) ||
	    has_bytes(hay, n, (uint8_t *)hex, 2 * m);
	for (i = 0; hex[i] != '\0'; i++)
		if (hex[i] >= 'a' && hex[i] <= 'f')
			hex[i] = (char)(hex[i] - 'a' + 'A');
	found = found || has_bytes(hay, n, (uint8_t *)hex, 2 * m);
	cr_assert_eq(sgn_b64_encode(x, m, &b64, NULL), SGN_OK);
	/* Without padding: the form inside a longer string too. */
	found = found || has_bytes(hay, n, (uint8_t *)b64, 4 * (m / 3));
	free(b64);
	return found;
}

static void
hkdf(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt, size_t saltlen,
    const char *info, uint8_t *out, size_t outlen)
{
	OSSL_PARAM p[5];
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)(uintptr_t)ikm, ikmlen);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)salt, saltlen);
	p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)info, strlen(info));
	p[4] = OSSL_PARAM_construct_end();
	cr_assert_eq(EVP_KDF_derive(ctx, out, outlen, p), 1);
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
}

/* The soft authenticator's master secret, from its state file. */
static void
soft_master(const char *dir, uint8_t master[32])
{
	char path[256];
	uint8_t *text;
	size_t len;
	const char *m;
	int ok;

	snprintf(path, sizeof(path), "%s/state", dir);
	cr_assert_eq(sgn_file_read(path, 4096, &text, &len, NULL), SGN_OK);
	m = strstr((char *)text, "\nmaster ");
	ok = m != NULL && sgn_hex_decode(m + 8, 64, master, 32, NULL) ==
	    SGN_OK;
	free(text);
	cr_assert(ok, "master secret in %s", path);
}

/* Every file of dir, searched for x. */
static int
dir_has(const char *dir, const uint8_t *x, size_t m)
{
	char path[256];
	struct dirent *e;
	uint8_t *p;
	size_t n;
	DIR *d;
	int found = 0;

	cr_assert_not_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		p = tu_read(path, &n);
		found = found || has_any_form(p, n, x, m);
		free(p);
	}
	closedir(d);
	return found;
}

/*
 * The derived private key is recomputed from the soft authenticator's
 * documented state (CredRandom = HKDF-SHA-256(master, nonce, "softfido
 * CredRandomWith[out]UV"), output = HMAC-SHA-256(CredRandom, salt)), and
 * checked against the recorded public key; then the key file, the public
 * key, the signature and the authenticator's files are searched for it
 * and for the hmac-secret output.
 */
static void
check_no_secret(int with_pin)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_secret pin = secret(PIN);
	struct sgn_fido_key *k;
	struct sgn_signer *s, *ds = NULL;
	struct sgn_buf kf;
	uint8_t master[32], cr[32], out[32], d[32], *sig = NULL;
	size_t siglen = 0, outlen = 0;
	char *pem = NULL;

	soft_only();
	if (with_pin) {
		set_pin(dev_a, PIN);
		o.pin = &pin;
	}
	generate(&o, &kf, &pem);
	k = parse_ok(&kf);
	cr_assert_eq(k->uv, with_pin);
	s = signer_for(&kf, &o);
	check_signs(s, pem, &sig, &siglen);
	sgn_signer_free(&s);

	soft_master(dir_a, master);
	hkdf(master, 32, k->cred_id, 16, with_pin ?
	    "softfido CredRandomWithUV" : "softfido CredRandomWithoutUV", cr,
	    32);
	cr_assert_not_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, cr,
	    32, k->salt, 32, out, 32, &outlen));
	cr_assert_eq(sgn_fido_derive(out, k->cred_id, k->cred_id_len, d,
	    NULL), SGN_OK);
	cr_assert_eq(sgn_signer_from_p256_scalar(d, &ds, NULL), SGN_OK);
	cr_assert(sgn_pubkey_equal(sgn_signer_pubkey(ds), k->pub),
	    "the test recomputes the derived key");

	cr_assert_not(has_any_form(kf.ptr, kf.len, d, 32));
	cr_assert_not(has_any_form(kf.ptr, kf.len, out, 32));
	cr_assert_not(has_bytes(k->cred_id, k->cred_id_len, d, 32));
	cr_assert_not(has_bytes(k->cred_id, k->cred_id_len, out, 32));
	cr_assert_not(has_any_form((uint8_t *)pem, strlen(pem), d, 32));
	cr_assert_not(has_any_form(sig, siglen, d, 32));
	cr_assert_not(has_any_form(sig, siglen, out, 32));
	cr_assert_not(dir_has(dir_a, d, 32));
	cr_assert_not(dir_has(dir_a, out, 32));
	cr_assert_not(has_bytes(kf.ptr, kf.len, (const uint8_t *)PIN,
	    strlen(PIN)));
	cr_assert_not(dir_has(dir_a, (const uint8_t *)PIN, strlen(PIN)));
	sgn_signer_free(&ds);
	sgn_fido_key_free(&k);
	sgn_buf_reset(&kf);
	free(sig);
	free(pem);
}

Test(fido, writes_no_secret_anywhere)
{
	check_no_secret(0);
}

Test(fido, writes_no_secret_anywhere_with_a_pin)
{
	check_no_secret(1);
}

/* PINs -------------------------------------------------------------------- */

struct pin_script {
	const char	*answers[12];
	int		 n;
	int		 calls;
	int		 retries[12];
	int		 wrong[12];
};

static sgn_err
pin_cb(void *ctx, int retries, int wrong, struct sgn_secret *pin,
    struct sgn_errbuf *eb)
{
	struct pin_script *p = ctx;
	int i = p->calls++;

	cr_assert_lt(i, 12);
	p->retries[i] = retries;
	p->wrong[i] = wrong;
	if (i >= p->n)
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "no PIN typed");
	return sgn_secret_set(pin, p->answers[i], strlen(p->answers[i]), eb);
}

/* Generates with PIN protocol gen_protos, signs with sign_protos. */
static void
check_protocols(const char *gen_protos, const char *sign_protos)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_secret pin = secret(PIN);
	struct sgn_fido_key *k;
	struct sgn_signer *s;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	write_text(dir_a, "knobs", gen_protos);
	set_pin(dev_a, PIN);
	o.pin = &pin;
	generate(&o, &kf, &pem);
	k = parse_ok(&kf);
	cr_assert_eq(k->uv, 1, "a PIN is set: the key verifies the user");
	write_text(dir_a, "knobs", sign_protos);
	s = signer_for(&kf, &o);
	cr_assert(sgn_pubkey_equal(sgn_signer_pubkey(s), k->pub));
	check_signs(s, pem, NULL, NULL);
	sgn_signer_free(&s);
	sgn_fido_key_free(&k);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, works_with_pin_protocol_2)
{
	check_protocols("protocols=2\n", "protocols=2\n");
}

Test(fido, works_with_pin_protocol_1_on_a_ctap20_device)
{
	check_protocols("protocols=1\n", "protocols=1\n");
}

Test(fido, derives_the_same_key_whatever_the_pin_protocol)
{
	check_protocols("protocols=2,1\n", "protocols=1\n");
}

Test(fido, needs_the_pin_when_the_authenticator_has_one)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_secret pin = secret(PIN);
	struct sgn_errbuf eb;
	struct sgn_buf kf, none;
	char *pem = NULL;

	soft_only();
	set_pin(dev_a, PIN);
	memset(&none, 0, sizeof(none));
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_generate(&o, &none, &pem, &eb),
	    SGN_ERR_PIN_REQUIRED);
	cr_assert_null(pem);
	cr_assert_eq(none.len, 0);
	cr_assert_eq(touches, 0, "no touch asked for before the PIN");
	o.pin = &pin;
	generate(&o, &kf, &pem);
	o.pin = NULL;
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_PIN_REQUIRED);
	cr_assert(tu_has(eb.msg, "PIN"), "%s", eb.msg);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, asks_for_the_pin_through_the_callback)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct pin_script ps = { { PIN, PIN }, 2, 0, { 0 }, { 0 } };
	struct sgn_signer *s;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	set_pin(dev_a, PIN);
	o.pin_fn = pin_cb;
	o.pin_ctx = &ps;
	generate(&o, &kf, &pem);
	cr_assert_eq(ps.calls, 1, "one PIN for both operations");
	cr_assert_eq(ps.retries[0], 8);
	cr_assert_eq(ps.wrong[0], 0);
	s = signer_for(&kf, &o);
	cr_assert_eq(ps.calls, 2);
	check_signs(s, pem, NULL, NULL);
	sgn_signer_free(&s);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, reports_a_wrong_pin_with_the_attempts_left)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_secret pin = secret(PIN), bad = secret("1234");
	struct sgn_signer *s;
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	set_pin(dev_a, PIN);
	o.pin = &pin;
	generate(&o, &kf, &pem);
	o.pin = &bad;
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "wrong PIN (7 attempts left"), "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "FIDO_ERR_PIN_INVALID"), "%s", eb.msg);
	cr_assert_not(tu_has(eb.msg, "1234"), "%s", eb.msg);
	/* The right PIN restores the retries. */
	o.pin = &pin;
	s = signer_for(&kf, &o);
	sgn_signer_free(&s);
	o.pin = &bad;
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "7 attempts left"), "%s", eb.msg);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, asks_again_after_a_wrong_pin)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_secret pin = secret(PIN);
	struct pin_script ps = { { "0000", PIN }, 2, 0, { 0 }, { 0 } };
	struct sgn_signer *s;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	set_pin(dev_a, PIN);
	o.pin = &pin;
	generate(&o, &kf, &pem);
	o.pin = NULL;
	o.pin_fn = pin_cb;
	o.pin_ctx = &ps;
	s = signer_for(&kf, &o);
	cr_assert_eq(ps.calls, 2);
	cr_assert_eq(ps.wrong[0], 0);
	cr_assert_eq(ps.retries[0], 8);
	cr_assert_eq(ps.wrong[1], 1);
	cr_assert_eq(ps.retries[1], 7);
	check_signs(s, pem, NULL, NULL);
	sgn_signer_free(&s);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, stops_after_three_wrong_pins_in_a_row)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_secret pin = secret(PIN);
	struct pin_script ps = { { "0000", "1111", "2222", "3333" }, 4, 0,
	    { 0 }, { 0 } };
	struct sgn_signer *s;
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	set_pin(dev_a, PIN);
	o.pin = &pin;
	generate(&o, &kf, &pem);
	o.pin = NULL;
	o.pin_fn = pin_cb;
	o.pin_ctx = &ps;
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_FIDO);
	cr_assert_eq(ps.calls, 3, "three tries, then the key would block");
	cr_assert(tu_has(eb.msg, "unplug"), "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "FIDO_ERR_PIN_AUTH_BLOCKED"), "%s", eb.msg);
	/* A new power cycle (a new open) takes the right PIN again. */
	o.pin = &pin;
	o.pin_fn = NULL;
	s = signer_for(&kf, &o);
	sgn_signer_free(&s);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, blocks_the_pin_when_the_attempts_run_out)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_secret pin = secret(PIN), bad = secret("9999");
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL, want[32];
	int left;

	soft_only();
	set_pin(dev_a, PIN);
	o.pin = &pin;
	generate(&o, &kf, &pem);
	o.pin = &bad;
	for (left = 7; left >= 1; left--) {
		cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_FIDO);
		snprintf(want, sizeof(want), "(%d attempt%s left", left,
		    left == 1 ? "" : "s");
		cr_assert(tu_has(eb.msg, want), "%d: %s", left, eb.msg);
	}
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "blocked"), "%s", eb.msg);
	/* Even the right PIN is refused now. */
	o.pin = &pin;
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "FIDO_ERR_PIN_BLOCKED"), "%s", eb.msg);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, keeps_a_key_without_verification_after_a_pin_is_set)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_fido_key *k;
	struct sgn_signer *s;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	generate(&o, &kf, &pem);
	k = parse_ok(&kf);
	cr_assert_eq(k->uv, 0);
	set_pin(dev_a, PIN);
	/* Signing repeats the choice made at generation: no PIN. */
	s = signer_for(&kf, &o);
	cr_assert(sgn_pubkey_equal(sgn_signer_pubkey(s), k->pub));
	sgn_signer_free(&s);
	sgn_fido_key_free(&k);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, uses_built_in_user_verification)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct pin_script ps = { { PIN }, 0, 0, { 0 }, { 0 } };
	struct sgn_fido_key *k;
	struct sgn_signer *s;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	write_text(dir_a, "knobs", "builtin_uv=1\n");
	o.pin_fn = pin_cb;
	o.pin_ctx = &ps;
	generate(&o, &kf, &pem);
	k = parse_ok(&kf);
	cr_assert_eq(k->uv, 1);
	s = signer_for(&kf, &o);
	cr_assert(sgn_pubkey_equal(sgn_signer_pubkey(s), k->pub));
	cr_assert_eq(ps.calls, 0, "no PIN asked for");
	sgn_signer_free(&s);
	/* A CTAP 2.0 device asks with the uv option instead of a token. */
	write_text(dir_a, "knobs", "builtin_uv=1\nprotocols=1\n");
	s = signer_for(&kf, &o);
	cr_assert(sgn_pubkey_equal(sgn_signer_pubkey(s), k->pub));
	sgn_signer_free(&s);
	sgn_fido_key_free(&k);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, sets_and_changes_the_pin)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_secret old = secret(PIN), bad = secret("nope"),
	    next = secret("a-new-pin"), shorter = secret("123");
	struct sgn_signer *s;
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_set_pin(&o, &shorter, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	set_pin(dev_a, PIN);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_set_pin(&o, &next, &eb), SGN_ERR_PIN_REQUIRED);
	o.pin = &bad;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_set_pin(&o, &next, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "wrong PIN (7 attempts left"), "%s", eb.msg);
	o.pin = &old;
	generate(&o, &kf, &pem);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_set_pin(&o, &next, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_FIDO);
	o.pin = &next;
	s = signer_for(&kf, &o);
	sgn_signer_free(&s);
	sgn_buf_reset(&kf);
	free(pem);
}

/* Wrong or misbehaving authenticators ------------------------------------ */

Test(fido, refuses_a_different_authenticator)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	generate(&o, &kf, &pem);
	o.device = dev_b;
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_VERIFY);
	cr_assert(tu_has(eb.msg, "this authenticator did not create the key "
	    NAME), "%s", eb.msg);
	sgn_buf_reset(&kf);
	free(pem);
}

/* Replaces the value of member in a key file with value (JSON). */
static void
replace_member(struct sgn_buf *kf, const char *member, const char *value)
{
	struct sgn_buf out;
	char *p = (char *)kf->ptr, *start, *end;
	char key[64];

	snprintf(key, sizeof(key), "\"%s\": ", member);
	cr_assert_not_null(start = strstr(p, key));
	start += strlen(key);
	end = strchr(start, '\n');
	cr_assert_not_null(end);
	if (end[-1] == ',')
		end--;
	memset(&out, 0, sizeof(out));
	cr_assert_eq(sgn_buf_append(&out, p, (size_t)(start - p), NULL),
	    SGN_OK);
	cr_assert_eq(sgn_buf_append(&out, value, strlen(value), NULL),
	    SGN_OK);
	cr_assert_eq(sgn_buf_append(&out, end, strlen(end), NULL), SGN_OK);
	sgn_buf_reset(kf);
	*kf = out;
}

static char *
b64_of(const uint8_t *p, size_t n)
{
	char *b = NULL, *q;
	size_t len;

	cr_assert_eq(sgn_b64_encode(p, n, &b, NULL), SGN_OK);
	len = strlen(b) + 3;
	cr_assert_not_null(q = malloc(len));
	snprintf(q, len, "\"%s\"", b);
	free(b);
	return q;
}

Test(fido, refuses_a_key_file_that_records_another_public_key)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_signer *other = NULL;
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL, *v;

	generate(&o, &kf, &pem);
	cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ECDSA_P256, &other, NULL),
	    SGN_OK);
	v = b64_of(sgn_pubkey_spki_ptr(sgn_signer_pubkey(other)),
	    sgn_pubkey_spki_len(sgn_signer_pubkey(other)));
	replace_member(&kf, "publicKey", v);
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_VERIFY);
	cr_assert(tu_has(eb.msg, "did not create the key " NAME), "%s",
	    eb.msg);
	cr_assert(tu_has(eb.msg, "another public key"), "%s", eb.msg);
	free(v);
	sgn_signer_free(&other);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, refuses_a_key_file_with_another_salt)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	uint8_t salt[32];
	char *pem = NULL, *v;

	generate(&o, &kf, &pem);
	memset(salt, 0x5a, sizeof(salt));
	v = b64_of(salt, sizeof(salt));
	replace_member(&kf, "salt", v);
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_VERIFY);
	free(v);
	sgn_buf_reset(&kf);
	free(pem);
}

static void
check_removed(const char *cmd, int at_generation)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_secret pin = secret(PIN);
	struct sgn_errbuf eb;
	struct sgn_buf kf, none;
	char knob[64], *pem = NULL;

	soft_only();
	/* A new authenticator for each call. */
	tu_rmtree(dir_a);
	cr_assert_eq(mkdir(dir_a, 0700), 0);
	set_pin(dev_a, PIN);
	o.pin = &pin;
	snprintf(knob, sizeof(knob), "remove_on=%s\n", cmd);
	if (at_generation) {
		write_text(dir_a, "knobs", knob);
		memset(&none, 0, sizeof(none));
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_fido_generate(&o, &none, &pem, &eb),
		    SGN_ERR_FIDO);
		cr_assert_null(pem);
		cr_assert_eq(none.len, 0);
	} else {
		generate(&o, &kf, &pem);
		write_text(dir_a, "knobs", knob);
		cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_FIDO);
		sgn_buf_reset(&kf);
		free(pem);
	}
	cr_assert(tu_has(eb.msg, "lost contact"), "%s: %s", cmd, eb.msg);
}

Test(fido, reports_an_authenticator_removed_while_signing)
{
	check_removed("getAssertion", 0);
	check_removed("clientPin", 0);
}

Test(fido, reports_an_authenticator_removed_while_generating)
{
	check_removed("makeCredential", 1);
}

Test(fido, reports_an_authenticator_gone_before_it_answers)
{
	check_removed("init", 0);
	check_removed("getInfo", 0);
}

Test(fido, reports_a_missing_touch)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_errbuf eb;
	struct sgn_buf kf, none;
	char *pem = NULL;

	soft_only();
	generate(&o, &kf, &pem);
	write_text(dir_a, "knobs", "presence=deny\n");
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "not touched in time"), "%s", eb.msg);
	free(pem);
	pem = NULL;
	memset(&none, 0, sizeof(none));
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_generate(&o, &none, &pem, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "not touched in time"), "%s", eb.msg);
	cr_assert_null(pem);
	sgn_buf_reset(&kf);
}

Test(fido, refuses_an_answer_without_the_presence_flag)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	generate(&o, &kf, &pem);
	write_text(dir_a, "knobs", "presence=skip\n");
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "user presence flag"), "%s", eb.msg);
	sgn_buf_reset(&kf);
	free(pem);
}

Test(fido, refuses_an_answer_without_the_verification_flag)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_secret pin = secret(PIN);
	struct sgn_errbuf eb;
	struct sgn_buf kf, none;
	char *pem = NULL;

	soft_only();
	set_pin(dev_a, PIN);
	o.pin = &pin;
	generate(&o, &kf, &pem);
	write_text(dir_a, "knobs", "verification=skip\n");
	cr_assert_eq(sign_fails(&kf, &o, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "user verification flag"), "%s", eb.msg);
	free(pem);
	pem = NULL;
	memset(&none, 0, sizeof(none));
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_generate(&o, &none, &pem, &eb), SGN_ERR_FIDO);
	cr_assert_null(pem);
	sgn_buf_reset(&kf);
}

Test(fido, refuses_an_authenticator_without_hmac_secret)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	write_text(dir_a, "knobs", "hmac_secret=0\n");
	memset(&kf, 0, sizeof(kf));
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_generate(&o, &kf, &pem, &eb),
	    SGN_ERR_UNSUPPORTED);
	cr_assert(tu_has(eb.msg, "hmac-secret"), "%s", eb.msg);
}

Test(fido, selects_the_software_authenticator_by_its_prefix_only)
{
	struct sgn_fido_opts o = opts(dir_a);
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char missing[96], *pem = NULL;

	soft_only();
	/* A bare directory is a (missing) device path, not the software
	 * authenticator: nothing is created there. */
	memset(&kf, 0, sizeof(kf));
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_generate(&o, &kf, &pem, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "cannot open the security key"), "%s",
	    eb.msg);
	cr_assert_neq(access(dev_a + 5, F_OK), -1);
	snprintf(missing, sizeof(missing), "%s/state", dir_a);
	cr_assert_eq(access(missing, F_OK), -1, "no state written");
	snprintf(missing, sizeof(missing), "soft:%s/nowhere", dir_a);
	o.device = missing;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_generate(&o, &kf, &pem, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "no such directory"), "%s", eb.msg);
}

Test(fido, refuses_unknown_knobs)
{
	struct sgn_fido_opts o = opts(dev_a);
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL;

	soft_only();
	write_text(dir_a, "knobs", "# comment\npresence=maybe\n");
	memset(&kf, 0, sizeof(kf));
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_generate(&o, &kf, &pem, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "presence"), "%s", eb.msg);
}

Test(fido, lists_devices_without_the_software_one)
{
	struct sgn_fido_device *list = NULL;
	size_t n = 99, i;

	cr_assert_eq(sgn_fido_list_devices(&list, &n, NULL), SGN_OK);
	for (i = 0; i < n; i++) {
		cr_assert_not_null(list[i].path);
		cr_assert_neq(strncmp(list[i].path, "soft:", 5), 0);
	}
	if (n == 0)
		cr_assert_null(list);
	/* the free leaves no dangling pointer or stale count behind */
	sgn_fido_devices_free(&list, &n);
	cr_assert_null(list);
	cr_assert_eq(n, 0);
	sgn_fido_devices_free(&list, &n);	/* and may be called again */
	sgn_fido_devices_free(NULL, NULL);
}

Test(fido, needs_a_device_when_none_is_connected)
{
	struct sgn_fido_opts o = opts(NULL);
	struct sgn_fido_device *list = NULL;
	struct sgn_errbuf eb;
	struct sgn_buf kf;
	char *pem = NULL;
	size_t n = 0, connected;

	cr_assert_eq(sgn_fido_list_devices(&list, &n, NULL), SGN_OK);
	connected = n;
	sgn_fido_devices_free(&list, &n);
	if (connected != 0)
		skip("a security key is connected");
	memset(&kf, 0, sizeof(kf));
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_generate(&o, &kf, &pem, &eb), SGN_ERR_FIDO);
	cr_assert(tu_has(eb.msg, "no security key found"), "%s", eb.msg);
}

/* Key-file parser --------------------------------------------------------- */

#define SALT_B64	"\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\""

/* A key file from member values (JSON text; NULL leaves one out). */
struct kf_fields {
	const char	*type, *version, *rp, *cred, *salt, *kdf, *uv, *pub;
	const char	*extra;
};

static char *pub_b64;

static void
kf_defaults(struct kf_fields *f)
{
	static const uint8_t spki_g[] = { 0x30, 0x59, 0x30, 0x13, 0x06, 0x07,
	    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
	    0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
	    0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6,
	    0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb,
	    0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
	    0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb,
	    0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31,
	    0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5 };

	if (pub_b64 == NULL)
		pub_b64 = b64_of(spki_g, sizeof(spki_g));
	f->type = "\"signet-fido2-key\"";
	f->version = "1";
	f->rp = "\"signet:\"";
	f->cred = "\"AQID\"";
	f->salt = SALT_B64;
	f->kdf = "\"signet fido2 p-256 signing key v1\"";
	f->uv = "true";
	f->pub = pub_b64;
	f->extra = NULL;
}

static void
kf_build(const struct kf_fields *f, struct sgn_buf *b)
{
	const char *names[] = { "type", "version", "rpId", "credentialId",
	    "salt", "kdf", "userVerification", "publicKey" };
	const char *vals[] = { f->type, f->version, f->rp, f->cred, f->salt,
	    f->kdf, f->uv, f->pub };
	size_t i;
	int first = 1;

	memset(b, 0, sizeof(*b));
	cr_assert_eq(sgn_buf_appendf(b, NULL, "{"), SGN_OK);
	for (i = 0; i < 8; i++) {
		if (vals[i] == NULL)
			continue;
		cr_assert_eq(sgn_buf_appendf(b, NULL, "%s\"%s\": %s",
		    first ? "" : ", ", names[i], vals[i]), SGN_OK);
		first = 0;
	}
	if (f->extra != NULL)
		cr_assert_eq(sgn_buf_appendf(b, NULL, ", %s", f->extra),
		    SGN_OK);
	cr_assert_eq(sgn_buf_appendf(b, NULL, "}\n"), SGN_OK);
}

static sgn_err
kf_parse(const struct kf_fields *f, struct sgn_errbuf *eb)
{
	struct sgn_fido_key *k = NULL;
	struct sgn_buf b;
	sgn_err r;

	kf_build(f, &b);
	sgn_errbuf_clear(eb);
	r = sgn_fido_key_parse(b.ptr, b.len, &k, eb);
	if (r != SGN_OK)
		cr_assert_null(k);
	sgn_fido_key_free(&k);
	sgn_buf_reset(&b);
	return r;
}

Test(fido, parses_a_minimal_key_file_and_writes_it_back)
{
	struct kf_fields f;
	struct sgn_fido_key *k = NULL, *back = NULL;
	struct sgn_buf b, out;
	static const uint8_t zeros[32];

	kf_defaults(&f);
	kf_build(&f, &b);
	cr_assert_eq(sgn_fido_key_parse(b.ptr, b.len, &k, NULL), SGN_OK);
	cr_assert_str_eq(k->rp_id, "signet:");
	cr_assert_eq(k->cred_id_len, 3);
	cr_assert_eq(k->cred_id[2], 3);
	cr_assert_eq(memcmp(k->salt, zeros, 32), 0);
	cr_assert_eq(k->uv, 1);
	memset(&out, 0, sizeof(out));
	cr_assert_eq(sgn_fido_key_write(k, &out, NULL), SGN_OK);
	cr_assert_eq(sgn_fido_key_parse(out.ptr, out.len, &back, NULL),
	    SGN_OK);
	cr_assert_str_eq(back->rp_id, k->rp_id);
	cr_assert_eq(back->cred_id_len, k->cred_id_len);
	cr_assert_eq(memcmp(back->cred_id, k->cred_id, k->cred_id_len), 0);
	cr_assert_eq(back->uv, k->uv);
	cr_assert(sgn_pubkey_equal(back->pub, k->pub));
	sgn_fido_key_free(&k);
	sgn_fido_key_free(&back);
	sgn_buf_reset(&b);
	sgn_buf_reset(&out);
}

Test(fido, parser_refuses_other_versions)
{
	struct kf_fields f;
	struct sgn_errbuf eb;

	kf_defaults(&f);
	f.version = "2";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_UNSUPPORTED);
	cr_assert(tu_has(eb.msg, "version 2"), "%s", eb.msg);
	f.version = "0";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_UNSUPPORTED);
	f.version = "\"1\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	f.version = "1.5";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	f.version = NULL;
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
}

Test(fido, parser_refuses_another_kdf_or_type)
{
	struct kf_fields f;
	struct sgn_errbuf eb;

	kf_defaults(&f);
	f.kdf = "\"signet fido2 p-256 signing key v2\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_UNSUPPORTED);
	kf_defaults(&f);
	f.type = "\"signet-fido2-keys\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "type"), "%s", eb.msg);
}

Test(fido, parser_refuses_missing_members)
{
	struct kf_fields f;
	struct sgn_errbuf eb;
	const char **fields[8];
	size_t i;

	kf_defaults(&f);
	fields[0] = &f.type;
	fields[1] = &f.version;
	fields[2] = &f.rp;
	fields[3] = &f.cred;
	fields[4] = &f.salt;
	fields[5] = &f.kdf;
	fields[6] = &f.uv;
	fields[7] = &f.pub;
	for (i = 0; i < 8; i++) {
		kf_defaults(&f);
		*fields[i] = NULL;
		cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE, "member %zu",
		    i);
		kf_defaults(&f);
		*fields[i] = "null";
		cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE, "null %zu", i);
	}
}

Test(fido, parser_refuses_unknown_and_duplicate_members)
{
	struct kf_fields f;
	struct sgn_errbuf eb;

	kf_defaults(&f);
	f.extra = "\"device\": \"/dev/hidraw0\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "unknown member \"device\""), "%s", eb.msg);
	kf_defaults(&f);
	f.extra = "\"salt\": " SALT_B64;
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
}

Test(fido, parser_refuses_bad_base64)
{
	struct kf_fields f;
	struct sgn_errbuf eb;

	kf_defaults(&f);
	f.cred = "\"AQ!D\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "credentialId"), "%s", eb.msg);
	f.cred = "\"AQJ=\"";		/* non-zero trailing bits */
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	f.cred = "\"A QID\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	f.cred = "\"\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	kf_defaults(&f);
	f.salt = "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE, "31 bytes");
	f.salt = "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE, "33 bytes");
	kf_defaults(&f);
	f.pub = "\"aGVsbG8=\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "publicKey"), "%s", eb.msg);
	f.pub = "17";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
}

Test(fido, parser_refuses_oversized_fields)
{
	struct kf_fields f;
	struct sgn_errbuf eb;
	uint8_t big[1024];
	char *v, rp[300];

	memset(big, 7, sizeof(big));
	kf_defaults(&f);
	v = b64_of(big, SGN_FIDO_MAX_CRED_ID);
	f.cred = v;
	cr_assert_eq(kf_parse(&f, &eb), SGN_OK, "%s", eb.msg);
	free(v);
	v = b64_of(big, SGN_FIDO_MAX_CRED_ID + 1);
	f.cred = v;
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_LIMIT);
	free(v);
	kf_defaults(&f);
	v = b64_of(big, 300);
	f.pub = v;
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_LIMIT);
	free(v);
	kf_defaults(&f);
	v = b64_of(big, 60);
	f.salt = v;
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_LIMIT);
	free(v);
	kf_defaults(&f);
	memset(rp, 'a', sizeof(rp));
	rp[0] = '"';
	rp[SGN_FIDO_MAX_RP_ID + 2] = '"';
	rp[SGN_FIDO_MAX_RP_ID + 3] = '\0';
	f.rp = rp;
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_LIMIT);
	rp[SGN_FIDO_MAX_RP_ID + 1] = '"';
	rp[SGN_FIDO_MAX_RP_ID + 2] = '\0';
	cr_assert_eq(kf_parse(&f, &eb), SGN_OK, "%s", eb.msg);
}

Test(fido, parser_refuses_a_file_past_the_cap)
{
	struct sgn_fido_key *k = NULL;
	struct sgn_errbuf eb;
	struct kf_fields f;
	struct sgn_buf b;
	char *pad;

	kf_defaults(&f);
	cr_assert_not_null(pad = malloc(SGN_FIDO_MAX_KEY_FILE));
	memset(pad, ' ', SGN_FIDO_MAX_KEY_FILE - 1);
	pad[SGN_FIDO_MAX_KEY_FILE - 1] = '\0';
	kf_build(&f, &b);
	cr_assert_eq(sgn_buf_append(&b, pad, strlen(pad), NULL), SGN_OK);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_key_parse(b.ptr, b.len, &k, &eb),
	    SGN_ERR_LIMIT);
	cr_assert_null(k);
	sgn_buf_reset(&b);
	free(pad);
}

Test(fido, parser_refuses_bad_values)
{
	struct kf_fields f;
	struct sgn_errbuf eb;
	struct sgn_fido_key *k = NULL;
	struct sgn_signer *p384 = NULL;
	char *v;

	kf_defaults(&f);
	f.rp = "\"signet release\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	f.rp = "\"\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	f.rp = "\"sign\\u00e9t:\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	kf_defaults(&f);
	f.uv = "\"true\"";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	f.uv = "1";
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	kf_defaults(&f);
	cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ECDSA_P384, &p384, NULL),
	    SGN_OK);
	v = b64_of(sgn_pubkey_spki_ptr(sgn_signer_pubkey(p384)),
	    sgn_pubkey_spki_len(sgn_signer_pubkey(p384)));
	f.pub = v;
	cr_assert_eq(kf_parse(&f, &eb), SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "not ECDSA P-256"), "%s", eb.msg);
	free(v);
	sgn_signer_free(&p384);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_key_parse((const uint8_t *)"[]", 2, &k, &eb),
	    SGN_ERR_PARSE);
	cr_assert_eq(sgn_fido_key_parse((const uint8_t *)"", 0, &k, &eb),
	    SGN_ERR_PARSE);
	cr_assert_eq(sgn_fido_key_parse((const uint8_t *)"{} {}", 5, &k,
	    &eb), SGN_ERR_PARSE);
	cr_assert_null(k);
}

/* Device transports (fido_int.h): how the tests reach "soft:" ---------- */

static sgn_err
never_open(const char *rest, fido_dev_t **out, struct sgn_errbuf *eb)
{
	(void)rest;
	*out = NULL;
	return sgn_errf(eb, SGN_ERR_INTERNAL, "never_open reached");
}

static sgn_err
try_device(const char *dev, struct sgn_errbuf *eb)
{
	struct sgn_fido_opts o;
	struct sgn_buf kf;
	char *pem = NULL;
	sgn_err r;

	memset(&o, 0, sizeof(o));
	o.device = dev;
	memset(&kf, 0, sizeof(kf));
	sgn_errbuf_clear(eb);
	r = sgn_fido_generate(&o, &kf, &pem, eb);
	cr_assert_null(pem);
	cr_assert_eq(kf.len, 0);
	sgn_buf_reset(&kf);
	return r;
}

Test(fido, transport_prefixes_are_a_name_and_a_colon)
{
	static const char *const bad[] = {
		"", ":", "soft", "Soft:", "/dev/hidraw0:", "so ft:", "soft::",
		"soft:x", "abcdefghijklmnop:", "nfc:", "pcsc:", "windows:",
	};
	struct sgn_errbuf eb;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_fido_transport_add(bad[i], never_open, &eb),
		    SGN_ERR_INVALID_ARGUMENT, "%s", bad[i]);
	}
	cr_assert_eq(sgn_fido_transport_add("mock:", NULL, NULL),
	    SGN_ERR_INVALID_ARGUMENT);
	/* The test support added "soft:" at start-up: not a second time. */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_fido_transport_add("soft:", never_open, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "added twice"), "%s", eb.msg);
}

Test(fido, transports_are_capped)
{
	static const char *const names[] = { "aa:", "bb:", "cc:", "dd:" };
	struct sgn_errbuf eb;
	size_t i, added = 1;	/* "soft:" */

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		sgn_errbuf_clear(&eb);
		if (added < SGN_FIDO_MAX_TRANSPORTS) {
			cr_assert_eq(sgn_fido_transport_add(names[i],
			    never_open, &eb), SGN_OK, "%s", eb.msg);
			added++;
		} else {
			cr_assert_eq(sgn_fido_transport_add(names[i],
			    never_open, &eb), SGN_ERR_LIMIT);
		}
	}
	cr_assert_eq(added, SGN_FIDO_MAX_TRANSPORTS);
	cr_assert_eq(try_device("aa:x", &eb), SGN_ERR_INTERNAL);
	cr_assert(tu_has(eb.msg, "never_open reached"), "%s", eb.msg);
}

Test(fido, unknown_transports_are_unknown_devices)
{
	static const char *const unknown[] = {
		"mock:/tmp/x", "softx:/tmp/x", "sof:/tmp/x", "fido:",
	};
	struct sgn_errbuf eb;
	size_t i;

	cr_assert_eq(sgn_fido_transport_add("mocks:", never_open, NULL),
	    SGN_OK);
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		cr_assert_eq(try_device(unknown[i], &eb),
		    SGN_ERR_INVALID_ARGUMENT, "%s", unknown[i]);
		cr_assert(tu_has(eb.msg, "unknown device"), "%s: %s",
		    unknown[i], eb.msg);
	}
	/* A prefix matches whole: "mocks:" does not take "mock:". */
	cr_assert_eq(try_device("mocks:y", &eb), SGN_ERR_INTERNAL);
}
