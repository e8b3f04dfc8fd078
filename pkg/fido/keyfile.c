/*
 * FIDO2 key files (their format is documented in fido.h) and the key
 * derivation: hmac-secret output -> HKDF-SHA-256 -> P-256 scalar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "fido_int.h"
#include "json.h"

/* base64 of SGN_FIDO_MAX_CRED_ID bytes, and of any P-256 SPKI form. */
#define MAX_CRED_ID_B64	(4 * ((SGN_FIDO_MAX_CRED_ID + 2) / 3))
#define MAX_PUBKEY_B64	256

static const char *const members[] = {
	"type", "version", "rpId", "credentialId", "salt", "kdf",
	"userVerification", "publicKey",
};

/* The order n of P-256 minus 1, big-endian. */
static const uint8_t p256_n_minus_1[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x50,
};

int
sgn_fido_p256_reduce(const uint8_t *in, size_t len, uint8_t d[32])
{
	BN_CTX *ctx = NULL;
	BIGNUM *a = NULL, *m = NULL, *rem = NULL;
	int ok = -1;

	if (len > 64 || (ctx = BN_CTX_secure_new()) == NULL ||
	    (a = BN_secure_new()) == NULL || (m = BN_new()) == NULL ||
	    (rem = BN_secure_new()) == NULL)
		goto out;
	BN_set_flags(a, BN_FLG_CONSTTIME);
	BN_set_flags(rem, BN_FLG_CONSTTIME);
	if (BN_bin2bn(in, (int)len, a) == NULL ||
	    BN_bin2bn(p256_n_minus_1, sizeof(p256_n_minus_1), m) == NULL ||
	    BN_mod(rem, a, m, ctx) != 1 || BN_add_word(rem, 1) != 1 ||
	    BN_bn2binpad(rem, d, 32) != 32)
		goto out;
	ok = 0;
out:
	BN_clear_free(a);
	BN_free(m);
	BN_clear_free(rem);
	BN_CTX_free(ctx);
	return ok;
}

sgn_err
sgn_fido_derive(const uint8_t secret[32], const uint8_t *cred_id,
    size_t cred_id_len, uint8_t d[32], struct sgn_errbuf *eb)
{
	static const char info[] = SGN_FIDO_KDF_INFO;
	OSSL_PARAM params[5];
	EVP_KDF_CTX *kctx = NULL;
	EVP_KDF *kdf = NULL;
	uint8_t ikm[32], okm[48];
	sgn_err r = SGN_ERR_CRYPTO;

	if (secret == NULL || cred_id == NULL || cred_id_len == 0 ||
	    cred_id_len > SGN_FIDO_MAX_CRED_ID)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "fido key derivation: bad arguments");
	/* OSSL_PARAM wants non-const pointers: a local copy. */
	memcpy(ikm, secret, sizeof(ikm));
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    ikm, sizeof(ikm));
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)cred_id, cred_id_len);
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)info, sizeof(info) - 1);
	params[4] = OSSL_PARAM_construct_end();
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
	    (kctx = EVP_KDF_CTX_new(kdf)) == NULL ||
	    EVP_KDF_derive(kctx, okm, sizeof(okm), params) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
		    "fido key derivation: HKDF failed");
		goto out;
	}
	if (sgn_fido_p256_reduce(okm, sizeof(okm), d) != 0) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
		    "fido key derivation: reduction failed");
		goto out;
	}
	r = SGN_OK;
out:
	sgn_memzero(ikm, sizeof(ikm));
	sgn_memzero(okm, sizeof(okm));
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return r;
}

/* Key files -------------------------------------------------------------- */

void
sgn_fido_key_free(struct sgn_fido_key **kp)
{
	struct sgn_fido_key *k;

	if (kp == NULL || (k = *kp) == NULL)
		return;
	free(k->rp_id);
	free(k->cred_id);
	sgn_pubkey_free(&k->pub);
	sgn_memzero(k, sizeof(*k));
	free(k);
	*kp = NULL;
}

int
sgn_fido_rp_id_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > SGN_FIDO_MAX_RP_ID)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* Decodes a required base64 member of at most maxb64 characters. */
static sgn_err
get_b64(const cJSON *root, const char *key, size_t maxb64, uint8_t **out,
    size_t *outlen, struct sgn_errbuf *eb)
{
	const char *s;
	sgn_err r;

	*out = NULL;
	*outlen = 0;
	if ((r = sgn_json_get_string(root, key, SGN_JSON_REQUIRED, "key file",
	    &s, eb)) != SGN_OK)
		return r;
	if (strlen(s) > maxb64)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "key file: %s: longer than %zu characters", key, maxb64);
	return sgn_json_get_bytes(root, key, SGN_JSON_REQUIRED, "key file",
	    out, outlen, eb);
}

static sgn_err
check_members(const cJSON *root, struct sgn_errbuf *eb)
{
	const cJSON *m;
	size_t i;

	for (m = root->child; m != NULL; m = m->next) {
		for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
			if (strcmp(m->string, members[i]) == 0)
				break;
		if (i == sizeof(members) / sizeof(members[0]))
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "key file: unknown member \"%.40s\"", m->string);
	}
	return SGN_OK;
}

sgn_err
sgn_fido_key_parse(const uint8_t *p, size_t len, struct sgn_fido_key **out,
    struct sgn_errbuf *eb)
{
	struct sgn_fido_key *k = NULL;
	struct sgn_errbuf tmp;
	const cJSON *m;
	cJSON *root = NULL;
	const char *s;
	uint8_t *salt = NULL, *spki = NULL;
	size_t salt_len = 0, spki_len = 0;
	int64_t version;
	sgn_err r = SGN_ERR_PARSE;

	*out = NULL;
	if (p == NULL || len == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "key file: empty");
	if (len > SGN_FIDO_MAX_KEY_FILE)
		return sgn_errf(eb, SGN_ERR_LIMIT,
		    "key file: larger than %d bytes", SGN_FIDO_MAX_KEY_FILE);
	if ((r = sgn_json_parse(p, len, "key file", &root, eb)) != SGN_OK)
		goto out;
	if (!cJSON_IsObject(root)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "key file: not a JSON object");
		goto out;
	}
	if ((r = sgn_json_get_string(root, "type", SGN_JSON_REQUIRED,
	    "key file", &s, eb)) != SGN_OK)
		goto out;
	if (strcmp(s, SGN_FIDO_KEY_TYPE) != 0) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "key file: type \"%.40s\" is "
		    "not \"" SGN_FIDO_KEY_TYPE "\"", s);
		goto out;
	}
	/* The version before anything else: another version may have
	 * other members. */
	m = sgn_json_member(root, "version");
	if (m == NULL || !cJSON_IsNumber(m)) {
		r = sgn_errf(eb, SGN_ERR_PARSE,
		    "key file: version: missing or not a number");
		goto out;
	}
	if ((r = sgn_json_get_int64(root, "version", SGN_JSON_REQUIRED,
	    "key file", &version, NULL, eb)) != SGN_OK)
		goto out;
	if (version != SGN_FIDO_KEY_VERSION) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "key file: version "
		    "%lld is not supported (this signet reads version %d)",
		    (long long)version, SGN_FIDO_KEY_VERSION);
		goto out;
	}
	if ((r = check_members(root, eb)) != SGN_OK)
		goto out;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	k->version = SGN_FIDO_KEY_VERSION;
	if ((r = sgn_json_get_string(root, "kdf", SGN_JSON_REQUIRED,
	    "key file", &s, eb)) != SGN_OK)
		goto out;
	if (strcmp(s, SGN_FIDO_KDF_INFO) != 0) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "key file: kdf "
		    "\"%.60s\" is not supported", s);
		goto out;
	}
	if ((r = sgn_json_get_string(root, "rpId", SGN_JSON_REQUIRED,
	    "key file", &s, eb)) != SGN_OK)
		goto out;
	if (strlen(s) > SGN_FIDO_MAX_RP_ID) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "key file: rpId: longer than "
		    "%d bytes", SGN_FIDO_MAX_RP_ID);
		goto out;
	}
	if (!sgn_fido_rp_id_ok(s)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "key file: rpId: not "
		    "printable ASCII without spaces");
		goto out;
	}
	if ((k->rp_id = strdup(s)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = get_b64(root, "credentialId", MAX_CRED_ID_B64, &k->cred_id,
	    &k->cred_id_len, eb)) != SGN_OK)
		goto out;
	if (k->cred_id_len > SGN_FIDO_MAX_CRED_ID) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "key file: credentialId: "
		    "longer than %d bytes", SGN_FIDO_MAX_CRED_ID);
		goto out;
	}
	if ((r = get_b64(root, "salt", 4 * ((SGN_FIDO_SALT_LEN + 2) / 3),
	    &salt, &salt_len, eb)) != SGN_OK)
		goto out;
	if (salt_len != SGN_FIDO_SALT_LEN) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "key file: salt: %zu bytes, "
		    "not %d", salt_len, SGN_FIDO_SALT_LEN);
		goto out;
	}
	memcpy(k->salt, salt, SGN_FIDO_SALT_LEN);
	if ((r = sgn_json_get_bool(root, "userVerification",
	    SGN_JSON_REQUIRED, "key file", &k->uv, eb)) != SGN_OK)
		goto out;
	if ((r = get_b64(root, "publicKey", MAX_PUBKEY_B64, &spki, &spki_len,
	    eb)) != SGN_OK)
		goto out;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_pubkey_from_der(spki, spki_len, &k->pub, &tmp)) !=
	    SGN_OK) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "key file: publicKey: %s",
		    tmp.msg);
		goto out;
	}
	if (sgn_pubkey_type(k->pub) != SGN_KEY_ECDSA_P256) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "key file: publicKey: %s, "
		    "not ECDSA P-256", sgn_pubkey_describe(k->pub));
		goto out;
	}
	*out = k;
	k = NULL;
	r = SGN_OK;
out:
	sgn_fido_key_free(&k);
	free(salt);
	free(spki);
	cJSON_Delete(root);
	return r;
}

sgn_err
sgn_fido_key_write(const struct sgn_fido_key *k, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	struct sgn_buf b;
	char *id = NULL, *salt = NULL, *pub = NULL;
	sgn_err r;

	if (k == NULL || k->rp_id == NULL || !sgn_fido_rp_id_ok(k->rp_id) ||
	    k->cred_id == NULL || k->cred_id_len == 0 ||
	    k->cred_id_len > SGN_FIDO_MAX_CRED_ID || k->pub == NULL ||
	    sgn_pubkey_type(k->pub) != SGN_KEY_ECDSA_P256)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "key file: incomplete or invalid key");
	/* Built aside, then appended whole: out never holds half a file. */
	sgn_buf_init(&b, SGN_FIDO_MAX_KEY_FILE);
	if ((r = sgn_b64_encode(k->cred_id, k->cred_id_len, &id, eb)) !=
	    SGN_OK ||
	    (r = sgn_b64_encode(k->salt, sizeof(k->salt), &salt, eb)) !=
	    SGN_OK ||
	    (r = sgn_b64_encode(sgn_pubkey_spki_ptr(k->pub),
	    sgn_pubkey_spki_len(k->pub), &pub, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_buf_appendf(&b, eb, "{\n  \"type\": \"%s\",\n"
	    "  \"version\": %d,\n  \"rpId\": ", SGN_FIDO_KEY_TYPE,
	    SGN_FIDO_KEY_VERSION)) != SGN_OK ||
	    (r = sgn_jcs_string(&b, k->rp_id, strlen(k->rp_id), eb)) !=
	    SGN_OK ||
	    (r = sgn_buf_appendf(&b, eb, ",\n  \"credentialId\": \"%s\",\n"
	    "  \"salt\": \"%s\",\n  \"kdf\": \"%s\",\n"
	    "  \"userVerification\": %s,\n  \"publicKey\": \"%s\"\n}\n", id,
	    salt, SGN_FIDO_KDF_INFO, k->uv ? "true" : "false", pub)) !=
	    SGN_OK)
		goto out;
	r = sgn_buf_append(out, b.ptr, b.len, eb);
out:
	sgn_buf_reset(&b);
	free(id);
	free(salt);
	free(pub);
	return r;
}
