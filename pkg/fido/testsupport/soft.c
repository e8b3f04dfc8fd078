/*
 * The software CTAP2 authenticator of the tests ("soft:DIR").  TEST ONLY:
 * it keeps its secrets in plain files.  It is not part of libsignet nor
 * of the signet binary: it is built into $(BUILD)/test/libsignet-test.a,
 * linked (whole) into the unit tests and into the test binary
 * $(BUILD)/test/signet, where a constructor adds it to pkg/fido as the
 * device transport "soft:" (sgn_fido_transport_add()).  `make test`
 * checks that neither the production binary nor the library holds it or
 * libcbor (scripts/check-product.sh).
 *
 * It plugs into libfido2 below the CTAPHID framing, through the
 * transport functions of fido_dev_info_set(): libfido2 hands over each
 * command whole (CTAPHID INIT, or a CTAP2 CBOR request) and reads the
 * reply whole.  Everything above (CBOR requests, PIN protocols, the
 * hmac-secret encryption) is the real libfido2 code that talks to
 * hardware.  The commands follow CTAP 2.1
 * (https://fidoalliance.org/specs/fido-v2.1-ps-20210615/): 6.1
 * makeCredential, 6.2 getAssertion, 6.4 getInfo, 6.5 clientPIN and its
 * PIN/UV auth protocols 1 and 2, 12.5 hmac-secret.
 *
 * Requests come from libfido2 in this process, yet are parsed as if
 * hostile: libcbor (linked into the test programs) decodes them, every
 * member's type and length is checked.  Replies are written by a small
 * canonical CBOR encoder.
 */
/*
 * Its state, commands and knobs.
 *
 * The device string "soft:DIR" selects it; nothing else does, and it is
 * never listed.  It exists so that the unit tests and the CLI tests run
 * without hardware.  It keeps its secrets in plain files: never use it
 * for real keys.
 *
 * DIR must exist.  The authenticator keeps its state in DIR/state
 * (created at first use, rewritten atomically, mode 0600), so separate
 * processes see the same authenticator:
 *
 *   aaguid HEX       16 bytes
 *   master HEX       32 bytes, from which each credential is derived
 *   pin HEX          LEFT(SHA-256(PIN), 16), absent while no PIN is set
 *   retries N        PIN attempts left (8 after a right PIN)
 *   counter N        signature counter
 *
 * Credentials need no storage of their own (the tests recompute keys
 * from these formulas): with nonce 16 random bytes and HKDF(info, L) =
 * HKDF-SHA-256(IKM = master, salt = nonce, info, L),
 *
 *   credential id   = nonce || LEFT(HMAC-SHA-256(master, "softfido
 *                     credential id" || nonce || SHA-256(rpId)), 16)
 *   ES256 key       = HKDF("softfido credential key", 48) reduced to a
 *                     scalar as above
 *   CredRandom      = HKDF("softfido CredRandomWithUV", 32), or
 *                     HKDF("softfido CredRandomWithoutUV", 32)
 *
 * Each open is a power cycle (a new key-agreement key and PIN token, the
 * count of consecutive wrong PINs back to 0).  It answers CTAPHID INIT
 * and the CTAP2 commands getInfo (FIDO_2_0/FIDO_2_1, extension
 * hmac-secret, options rk=false up=true clientPin pinUvAuthToken),
 * makeCredential (ES256, "packed" self attestation, hmac-secret),
 * getAssertion (allow list, hmac-secret with either PIN protocol, user
 * presence and verification flags) and clientPIN (getRetries,
 * getKeyAgreement, setPIN, changePIN, getPinToken,
 * getPinUvAuthTokenUsingUvWithPermissions and ...UsingPinWithPermissions,
 * PIN protocols 1 and 2, retries that decrement and block).
 *
 * Test knobs, read at each open from DIR/knobs, one "name=value" a line
 * (the file is optional; unknown names are an error):
 *
 *   protocols=2,1    pinUvAuthProtocols advertised, in order: "2,1" (the
 *                    default, a CTAP 2.1 device), "1" (a CTAP 2.0
 *                    device: PIN protocol 1, getPinToken) or "2"
 *   presence=ok      "deny": no touch comes (CTAP2_ERR_USER_ACTION_
 *                    TIMEOUT); "skip": answers without the UP flag
 *   verification=ok  "skip": answers without the UV flag
 *   builtin_uv=0     1: built-in user verification (a fingerprint that
 *                    always matches)
 *   hmac_secret=1    0: the extension is not supported
 *   remove_on=CMD    the device disappears (every later transfer fails)
 *                    when it receives CMD: init, getInfo, makeCredential,
 *                    getAssertion or clientPin
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cbor.h>

#include "fido_int.h"

#define STATE_MAX	4096
#define KNOBS_MAX	4096
#define MAX_RETRIES	8
#define MAX_FAILS	3	/* consecutive wrong PINs per power cycle */

/* CTAPHID commands (libfido2 passes them without the 0x80 bit). */
#define HID_INIT	0x06
#define HID_CBOR	0x10

/* CTAP2 commands. */
#define CMD_MAKE_CRED	0x01
#define CMD_GET_ASSERT	0x02
#define CMD_GET_INFO	0x04
#define CMD_CLIENT_PIN	0x06
#define REMOVE_ON_INIT	0x100

/* CTAP2 status codes. */
#define ST_OK			0x00
#define ST_INVALID_COMMAND	0x01
#define ST_INVALID_PARAMETER	0x02
#define ST_INVALID_LENGTH	0x03
#define ST_CBOR_UNEXPECTED_TYPE	0x11
#define ST_INVALID_CBOR		0x12
#define ST_MISSING_PARAMETER	0x14
#define ST_UNSUPPORTED_ALG	0x26
#define ST_UNSUPPORTED_OPTION	0x2b
#define ST_INVALID_OPTION	0x2c
#define ST_NO_CREDENTIALS	0x2e
#define ST_USER_ACTION_TIMEOUT	0x2f
#define ST_PIN_INVALID		0x31
#define ST_PIN_BLOCKED		0x32
#define ST_PIN_AUTH_INVALID	0x33
#define ST_PIN_AUTH_BLOCKED	0x34
#define ST_PIN_NOT_SET		0x35
#define ST_PUAT_REQUIRED	0x36
#define ST_PIN_POLICY		0x37
#define ST_INVALID_SUBCOMMAND	0x3e
#define ST_UNAUTHORIZED_PERM	0x40
#define ST_OTHER		0x7f

/* Authenticator data flags. */
#define FLAG_UP		0x01
#define FLAG_UV		0x04
#define FLAG_AT		0x40
#define FLAG_ED		0x80

/* pinUvAuthToken permissions. */
#define PERM_MC		0x01
#define PERM_GA		0x02

#define COSE_ES256_ALG	(-7)
#define COSE_ECDH_ALG	(-25)

/* What a credential id carries: a nonce and a tag binding it to this
 * authenticator's master secret and to the relying party. */
#define NONCE_LEN	16
#define TAG_LEN		16
#define CRED_ID_LEN	(NONCE_LEN + TAG_LEN)

struct knobs {
	uint8_t	protos[2];	/* advertised PIN protocols, in order */
	size_t	nprotos;
	int	presence;	/* PRESENCE_* */
	int	uv_skip;
	int	builtin_uv;
	int	hmac_secret;
	int	remove_on;	/* a CTAP2 command, REMOVE_ON_INIT, or -1 */
};

enum { PRESENCE_OK, PRESENCE_DENY, PRESENCE_SKIP };

struct state {
	uint8_t		aaguid[16];
	uint8_t		master[32];
	int		has_pin;
	uint8_t		pin_hash[16];
	int		retries;
	uint32_t	counter;
};

struct soft {
	char		*dir;
	struct state	 st;
	struct knobs	 k;
	EVP_PKEY	*ka;		/* key agreement, per power cycle */
	uint8_t		 token[32];	/* pinUvAuthToken */
	int		 token_set;
	unsigned	 token_perms;
	char		 token_rp[SGN_FIDO_MAX_RP_ID + 1];
	int		 fails;		/* consecutive wrong PINs */
	int		 removed;
	struct sgn_buf	 resp;		/* status byte, then CBOR */
};

/* A canonical CBOR writer (RFC 8949 4.2.1, as CTAP2 demands) --------- */

struct cw {
	struct sgn_buf	*b;
	int		 err;
};

static void
cw_put(struct cw *w, const void *p, size_t n)
{
	if (!w->err && sgn_buf_append(w->b, p, n, NULL) != SGN_OK)
		w->err = 1;
}

static void
cw_head(struct cw *w, unsigned major, uint64_t v)
{
	uint8_t h[9];
	size_t n, i;

	if (v < 24) {
		h[0] = (uint8_t)(major << 5 | v);
		n = 1;
	} else if (v <= 0xff) {
		h[0] = (uint8_t)(major << 5 | 24);
		n = 2;
	} else if (v <= 0xffff) {
		h[0] = (uint8_t)(major << 5 | 25);
		n = 3;
	} else if (v <= 0xffffffff) {
		h[0] = (uint8_t)(major << 5 | 26);
		n = 5;
	} else {
		h[0] = (uint8_t)(major << 5 | 27);
		n = 9;
	}
	for (i = 1; i < n; i++)
		h[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	cw_put(w, h, n);
}

static void
cw_int(struct cw *w, int64_t v)
{
	if (v >= 0)
		cw_head(w, 0, (uint64_t)v);
	else
		cw_head(w, 1, (uint64_t)(-1 - v));
}

static void
cw_bytes(struct cw *w, const uint8_t *p, size_t n)
{
	cw_head(w, 2, n);
	cw_put(w, p, n);
}

static void
cw_text(struct cw *w, const char *s)
{
	cw_head(w, 3, strlen(s));
	cw_put(w, s, strlen(s));
}

static void
cw_bool(struct cw *w, int v)
{
	uint8_t c = v ? 0xf5 : 0xf4;

	cw_put(w, &c, 1);
}

/* A COSE_Key for a P-256 point (x || y); alg -7 or -25. */
static void
cw_cose_p256(struct cw *w, const uint8_t xy[64], int64_t alg)
{
	cw_head(w, 5, 5);
	cw_int(w, 1);		/* kty: EC2 */
	cw_int(w, 2);
	cw_int(w, 3);		/* alg */
	cw_int(w, alg);
	cw_int(w, -1);		/* crv: P-256 */
	cw_int(w, 1);
	cw_int(w, -2);		/* x */
	cw_bytes(w, xy, 32);
	cw_int(w, -3);		/* y */
	cw_bytes(w, xy + 32, 32);
}

/* Reading requests (libcbor) -------------------------------------------- */

/* The value of an integer key in a map, or NULL. */
static const cbor_item_t *
map_int(const cbor_item_t *m, int64_t key)
{
	struct cbor_pair *p;
	size_t i, n;

	if (m == NULL || !cbor_isa_map(m))
		return NULL;
	p = cbor_map_handle(m);
	n = cbor_map_size(m);
	for (i = 0; i < n; i++) {
		if (key >= 0 && cbor_isa_uint(p[i].key) &&
		    cbor_get_int(p[i].key) == (uint64_t)key)
			return p[i].value;
		if (key < 0 && cbor_isa_negint(p[i].key) &&
		    cbor_get_int(p[i].key) == (uint64_t)(-1 - key))
			return p[i].value;
	}
	return NULL;
}

/* The value of a text key in a map, or NULL. */
static const cbor_item_t *
map_str(const cbor_item_t *m, const char *key)
{
	struct cbor_pair *p;
	size_t i, n, len = strlen(key);

	if (m == NULL || !cbor_isa_map(m))
		return NULL;
	p = cbor_map_handle(m);
	n = cbor_map_size(m);
	for (i = 0; i < n; i++)
		if (cbor_isa_string(p[i].key) &&
		    cbor_string_is_definite(p[i].key) &&
		    cbor_string_length(p[i].key) == len &&
		    memcmp(cbor_string_handle(p[i].key), key, len) == 0)
			return p[i].value;
	return NULL;
}

static int
get_bytes(const cbor_item_t *it, const uint8_t **p, size_t *n)
{
	if (it == NULL || !cbor_isa_bytestring(it) ||
	    !cbor_bytestring_is_definite(it))
		return -1;
	*p = cbor_bytestring_handle(it);
	*n = cbor_bytestring_length(it);
	if (*p == NULL && *n != 0)
		return -1;
	return 0;
}

/* A text string, copied NUL-terminated into out (size bytes). */
static int
get_text(const cbor_item_t *it, char *out, size_t size)
{
	size_t n;

	if (it == NULL || !cbor_isa_string(it) ||
	    !cbor_string_is_definite(it))
		return -1;
	n = cbor_string_length(it);
	if (n >= size || (n > 0 && cbor_string_handle(it) == NULL))
		return -1;
	if (n > 0)
		memcpy(out, cbor_string_handle(it), n);
	out[n] = '\0';
	return memchr(out, '\0', n) == NULL ? 0 : -1;
}

static int
get_uint(const cbor_item_t *it, uint64_t *v)
{
	if (it == NULL || !cbor_isa_uint(it))
		return -1;
	*v = cbor_get_int(it);
	return 0;
}

static int
get_bool(const cbor_item_t *it, int *v)
{
	if (it == NULL || !cbor_isa_float_ctrl(it) || !cbor_is_bool(it))
		return -1;
	*v = cbor_get_bool(it) ? 1 : 0;
	return 0;
}

/* Crypto ------------------------------------------------------------------ */

static int
sha256(const void *p, size_t n, uint8_t out[32])
{
	return EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

static int
hmac256(const uint8_t *key, size_t klen, const uint8_t *msg, size_t n,
    uint8_t out[32])
{
	size_t outlen = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, klen, msg, n,
	    out, 32, &outlen) == NULL || outlen != 32)
		return -1;
	return 0;
}

static int
hkdf256(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt,
    size_t saltlen, const char *info, uint8_t *out, size_t outlen)
{
	OSSL_PARAM params[5];
	EVP_KDF_CTX *kctx = NULL;
	EVP_KDF *kdf = NULL;
	int ok = -1;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)(uintptr_t)ikm, ikmlen);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)salt, saltlen);
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)info, strlen(info));
	params[4] = OSSL_PARAM_construct_end();
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) != NULL &&
	    (kctx = EVP_KDF_CTX_new(kdf)) != NULL &&
	    EVP_KDF_derive(kctx, out, outlen, params) == 1)
		ok = 0;
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return ok;
}

/* AES-256-CBC without padding; n a multiple of 16. */
static int
aes_cbc(int enc, const uint8_t key[32], const uint8_t iv[16],
    const uint8_t *in, size_t n, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx;
	int l1 = 0, l2 = 0, ok = -1;

	if (n == 0 || n % 16 != 0 || n > 4096 ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv, enc) ==
	    1 && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_CipherUpdate(ctx, out, &l1, in, (int)n) == 1 &&
	    EVP_CipherFinal_ex(ctx, out + l1, &l2) == 1 &&
	    (size_t)(l1 + l2) == n)
		ok = 0;
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

/*
 * The PIN/UV auth protocols (CTAP 2.1 6.5.6 and 6.5.7).  A shared secret
 * is 32 bytes (protocol 1: SHA-256(Z)) or 64 (protocol 2: an HMAC key,
 * then an AES key, both HKDF-SHA-256 of Z).
 */
static int
proto_kdf(int proto, const uint8_t z[32], uint8_t out[64], size_t *outlen)
{
	static const uint8_t zeros[32];

	if (proto == 1) {
		*outlen = 32;
		return sha256(z, 32, out);
	}
	*outlen = 64;
	if (hkdf256(z, 32, zeros, sizeof(zeros), "CTAP2 HMAC key", out,
	    32) != 0 || hkdf256(z, 32, zeros, sizeof(zeros),
	    "CTAP2 AES key", out + 32, 32) != 0)
		return -1;
	return 0;
}

/* encrypt(): protocol 1 with a zero IV; protocol 2 with a random IV
 * that leads the output.  out holds n + 16 bytes. */
static int
proto_encrypt(int proto, const uint8_t *key, const uint8_t *in, size_t n,
    uint8_t *out, size_t *outlen)
{
	uint8_t iv[16];

	memset(iv, 0, sizeof(iv));
	if (proto == 1) {
		*outlen = n;
		return aes_cbc(1, key, iv, in, n, out);
	}
	if (RAND_bytes(iv, sizeof(iv)) != 1)
		return -1;
	memcpy(out, iv, sizeof(iv));
	*outlen = n + sizeof(iv);
	return aes_cbc(1, key + 32, iv, in, n, out + sizeof(iv));
}

static int
proto_decrypt(int proto, const uint8_t *key, const uint8_t *in, size_t n,
    uint8_t *out, size_t *outlen)
{
	uint8_t iv[16];

	memset(iv, 0, sizeof(iv));
	if (proto == 1) {
		*outlen = n;
		return aes_cbc(0, key, iv, in, n, out);
	}
	if (n < 32)
		return -1;
	memcpy(iv, in, sizeof(iv));
	*outlen = n - sizeof(iv);
	return aes_cbc(0, key + 32, iv, in + sizeof(iv), n - sizeof(iv), out);
}

/* verify(): the first 16 bytes (protocol 1) or all 32 (protocol 2) of
 * HMAC-SHA-256 under the first 32 bytes of key. */
static int
proto_verify(int proto, const uint8_t *key, const uint8_t *msg, size_t n,
    const uint8_t *sig, size_t siglen)
{
	uint8_t mac[32];
	size_t want = proto == 1 ? 16 : 32;
	int ok;

	if (siglen != want || hmac256(key, 32, msg, n, mac) != 0)
		return -1;
	ok = CRYPTO_memcmp(mac, sig, want) == 0 ? 0 : -1;
	sgn_memzero(mac, sizeof(mac));
	return ok;
}

static int
proto_supported(const struct soft *s, uint64_t proto)
{
	size_t i;

	for (i = 0; i < s->k.nprotos; i++)
		if (s->k.protos[i] == proto)
			return 1;
	return 0;
}

/* x || y of a P-256 key. */
static int
p256_xy(EVP_PKEY *k, uint8_t xy[64])
{
	uint8_t pt[65];
	size_t n = 0;

	if (EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pt,
	    sizeof(pt), &n) != 1 || n != sizeof(pt) || pt[0] != 0x04)
		return -1;
	memcpy(xy, pt + 1, 64);
	return 0;
}

/* The platform's key-agreement key, from its COSE_Key. */
static EVP_PKEY *
cose_to_pkey(const cbor_item_t *m)
{
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *k = NULL;
	const uint8_t *x, *y;
	uint8_t pt[65];
	uint64_t kty, crv;
	size_t xn, yn;
	const cbor_item_t *c;

	if (get_uint(map_int(m, 1), &kty) != 0 || kty != 2 ||
	    (c = map_int(m, -1)) == NULL || get_uint(c, &crv) != 0 ||
	    crv != 1 || get_bytes(map_int(m, -2), &x, &xn) != 0 ||
	    get_bytes(map_int(m, -3), &y, &yn) != 0 || xn != 32 || yn != 32)
		return NULL;
	pt[0] = 0x04;
	memcpy(pt + 1, x, 32);
	memcpy(pt + 33, y, 32);
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, (char *)(uintptr_t)"P-256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    pt, sizeof(pt));
	params[2] = OSSL_PARAM_construct_end();
	/* The import refuses points off the curve. */
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(ctx);
	return k;
}

/* The shared secret with the platform key in cose, for proto. */
static int
shared_secret(struct soft *s, int proto, const cbor_item_t *cose,
    uint8_t out[64], size_t *outlen)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *peer;
	uint8_t z[32];
	size_t zlen = sizeof(z);
	int ok = -1;

	if ((peer = cose_to_pkey(cose)) == NULL)
		return -1;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, s->ka, NULL)) != NULL &&
	    EVP_PKEY_derive_init(ctx) == 1 &&
	    EVP_PKEY_derive_set_peer(ctx, peer) == 1 &&
	    EVP_PKEY_derive(ctx, z, &zlen) == 1 && zlen == sizeof(z) &&
	    proto_kdf(proto, z, out, outlen) == 0)
		ok = 0;
	sgn_memzero(z, sizeof(z));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	return ok;
}

static int
new_key_agreement(struct soft *s)
{
	EVP_PKEY_free(s->ka);
	s->ka = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	return s->ka != NULL ? 0 : -1;
}

/* Credentials: everything derived from the master secret ------------- */

static int
cred_tag(const struct soft *s, const uint8_t nonce[NONCE_LEN],
    const uint8_t rp_hash[32], uint8_t tag[TAG_LEN])
{
	static const char label[] = "softfido credential id";
	uint8_t msg[sizeof(label) - 1 + NONCE_LEN + 32], mac[32];

	memcpy(msg, label, sizeof(label) - 1);
	memcpy(msg + sizeof(label) - 1, nonce, NONCE_LEN);
	memcpy(msg + sizeof(label) - 1 + NONCE_LEN, rp_hash, 32);
	if (hmac256(s->st.master, sizeof(s->st.master), msg, sizeof(msg),
	    mac) != 0)
		return -1;
	memcpy(tag, mac, TAG_LEN);
	return 0;
}

/* The credential's ES256 key. */
static int
cred_signer(const struct soft *s, const uint8_t nonce[NONCE_LEN],
    struct sgn_signer **out)
{
	uint8_t okm[48], d[32];
	int ok = -1;

	*out = NULL;
	if (hkdf256(s->st.master, sizeof(s->st.master), nonce, NONCE_LEN,
	    "softfido credential key", okm, sizeof(okm)) == 0 &&
	    sgn_fido_p256_reduce(okm, sizeof(okm), d) == 0 &&
	    sgn_signer_from_p256_scalar(d, out, NULL) == SGN_OK)
		ok = 0;
	sgn_memzero(okm, sizeof(okm));
	sgn_memzero(d, sizeof(d));
	return ok;
}

static int
cred_random(const struct soft *s, const uint8_t nonce[NONCE_LEN], int uv,
    uint8_t out[32])
{
	return hkdf256(s->st.master, sizeof(s->st.master), nonce, NONCE_LEN,
	    uv ? "softfido CredRandomWithUV" : "softfido CredRandomWithoutUV",
	    out, 32);
}

/* State and knobs ------------------------------------------------------- */

static sgn_err
state_save(const struct soft *s, struct sgn_errbuf *eb)
{
	char aaguid[33], master[65], pin[33], path[4096];
	struct sgn_buf b;
	sgn_err r;

	sgn_buf_init(&b, STATE_MAX);
	sgn_hex_encode(s->st.aaguid, sizeof(s->st.aaguid), aaguid);
	sgn_hex_encode(s->st.master, sizeof(s->st.master), master);
	sgn_hex_encode(s->st.pin_hash, sizeof(s->st.pin_hash), pin);
	if ((size_t)snprintf(path, sizeof(path), "%s/state", s->dir) >=
	    sizeof(path)) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "soft:%s: path too "
		    "long", s->dir);
		goto out;
	}
	if ((r = sgn_buf_appendf(&b, eb, "# signet software authenticator: "
	    "TEST ONLY, its secrets are in this file\naaguid %s\nmaster %s\n",
	    aaguid, master)) != SGN_OK ||
	    (s->st.has_pin && (r = sgn_buf_appendf(&b, eb, "pin %s\n",
	    pin)) != SGN_OK) ||
	    (r = sgn_buf_appendf(&b, eb, "retries %d\ncounter %lu\n",
	    s->st.retries, (unsigned long)s->st.counter)) != SGN_OK)
		goto out;
	r = sgn_file_write_atomic(path, b.ptr, b.len, 0600, eb);
out:
	sgn_memzero(master, sizeof(master));
	sgn_memzero(pin, sizeof(pin));
	sgn_buf_reset(&b);
	return r;
}

static sgn_err
parse_ulong(const char *v, unsigned long max, unsigned long *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return SGN_ERR_PARSE;
	errno = 0;
	*out = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || *out > max)
		return SGN_ERR_PARSE;
	return SGN_OK;
}

/* Splits text into lines; calls fn(ctx, line) for each one that is not
 * blank or a comment. */
static sgn_err
each_line(char *text, sgn_err (*fn)(void *, char *, struct sgn_errbuf *),
    void *ctx, struct sgn_errbuf *eb)
{
	char *line = text, *nl;
	sgn_err r;

	for (; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line) - 1;
		else
			*nl = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if ((r = fn(ctx, line, eb)) != SGN_OK)
			return r;
	}
	return SGN_OK;
}

static sgn_err
state_line(void *ctx, char *line, struct sgn_errbuf *eb)
{
	struct soft *s = ctx;
	char *v = strchr(line, ' ');
	unsigned long n;

	if (v == NULL)
		goto bad;
	*v++ = '\0';
	if (strcmp(line, "aaguid") == 0) {
		if (sgn_hex_decode(v, strlen(v), s->st.aaguid,
		    sizeof(s->st.aaguid), NULL) != SGN_OK)
			goto bad;
	} else if (strcmp(line, "master") == 0) {
		if (sgn_hex_decode(v, strlen(v), s->st.master,
		    sizeof(s->st.master), NULL) != SGN_OK)
			goto bad;
	} else if (strcmp(line, "pin") == 0) {
		if (sgn_hex_decode(v, strlen(v), s->st.pin_hash,
		    sizeof(s->st.pin_hash), NULL) != SGN_OK)
			goto bad;
		s->st.has_pin = 1;
	} else if (strcmp(line, "retries") == 0) {
		if (parse_ulong(v, MAX_RETRIES, &n) != SGN_OK)
			goto bad;
		s->st.retries = (int)n;
	} else if (strcmp(line, "counter") == 0) {
		if (parse_ulong(v, UINT32_MAX, &n) != SGN_OK)
			goto bad;
		s->st.counter = (uint32_t)n;
	} else {
		goto bad;
	}
	return SGN_OK;
bad:
	return sgn_errf(eb, SGN_ERR_PARSE, "soft:%s: state: bad line \"%.40s\"",
	    s->dir, line);
}

static sgn_err
knob_line(void *ctx, char *line, struct sgn_errbuf *eb)
{
	struct soft *s = ctx;
	struct knobs *k = &s->k;
	char *v = strchr(line, '=');

	if (v == NULL)
		goto bad;
	*v++ = '\0';
	if (strcmp(line, "protocols") == 0) {
		if (strcmp(v, "2,1") == 0) {
			k->protos[0] = 2;
			k->protos[1] = 1;
			k->nprotos = 2;
		} else if (strcmp(v, "1") == 0 || strcmp(v, "2") == 0) {
			k->protos[0] = (uint8_t)(v[0] - '0');
			k->nprotos = 1;
		} else {
			goto bad;
		}
	} else if (strcmp(line, "presence") == 0) {
		if (strcmp(v, "ok") == 0)
			k->presence = PRESENCE_OK;
		else if (strcmp(v, "deny") == 0)
			k->presence = PRESENCE_DENY;
		else if (strcmp(v, "skip") == 0)
			k->presence = PRESENCE_SKIP;
		else
			goto bad;
	} else if (strcmp(line, "verification") == 0) {
		if (strcmp(v, "ok") != 0 && strcmp(v, "skip") != 0)
			goto bad;
		k->uv_skip = strcmp(v, "skip") == 0;
	} else if (strcmp(line, "builtin_uv") == 0 ||
	    strcmp(line, "hmac_secret") == 0) {
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			goto bad;
		if (line[0] == 'b')
			k->builtin_uv = v[0] == '1';
		else
			k->hmac_secret = v[0] == '1';
	} else if (strcmp(line, "remove_on") == 0) {
		if (strcmp(v, "init") == 0)
			k->remove_on = REMOVE_ON_INIT;
		else if (strcmp(v, "getInfo") == 0)
			k->remove_on = CMD_GET_INFO;
		else if (strcmp(v, "makeCredential") == 0)
			k->remove_on = CMD_MAKE_CRED;
		else if (strcmp(v, "getAssertion") == 0)
			k->remove_on = CMD_GET_ASSERT;
		else if (strcmp(v, "clientPin") == 0)
			k->remove_on = CMD_CLIENT_PIN;
		else
			goto bad;
	} else {
		goto bad;
	}
	return SGN_OK;
bad:
	return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "soft:%s: knobs: bad "
	    "line \"%.40s\"", s->dir, line);
}

/* Reads DIR/name (at most max bytes) into *textp; *textp = NULL when
 * the file does not exist. */
static sgn_err
read_text(const char *dir, const char *name, size_t max, char **textp,
    struct sgn_errbuf *eb)
{
	struct stat st;
	char path[4096];
	uint8_t *p = NULL;
	size_t len = 0;
	sgn_err r;

	*textp = NULL;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "soft:%s: path "
		    "too long", dir);
	if (stat(path, &st) != 0 && errno == ENOENT)
		return SGN_OK;
	if ((r = sgn_file_read(path, max, &p, &len, eb)) != SGN_OK)
		return r;
	if (memchr(p, '\0', len) != NULL) {
		sgn_memzero(p, len);
		free(p);
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: NUL byte", path);
	}
	*textp = (char *)p;
	return SGN_OK;
}

static void
soft_free(struct soft *s)
{
	if (s == NULL)
		return;
	EVP_PKEY_free(s->ka);
	sgn_buf_reset(&s->resp);
	free(s->dir);
	sgn_memzero(s, sizeof(*s));
	free(s);
}

/* Loads (or creates) the authenticator of dir: one power cycle. */
static sgn_err
soft_load(const char *dir, struct soft **out, struct sgn_errbuf *eb)
{
	struct soft *s = NULL;
	struct stat st;
	char *text = NULL;
	size_t len;
	sgn_err r;

	*out = NULL;
	if (*dir == '\0' || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return sgn_errf(eb, SGN_ERR_FIDO, "soft:%s: no such directory "
		    "(the software authenticator of the tests)", dir);
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->dir = strdup(dir)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	s->k.protos[0] = 2;
	s->k.protos[1] = 1;
	s->k.nprotos = 2;
	s->k.hmac_secret = 1;
	s->k.remove_on = -1;
	if ((r = read_text(dir, "knobs", KNOBS_MAX, &text, eb)) != SGN_OK ||
	    (text != NULL && (r = each_line(text, knob_line, s, eb)) !=
	    SGN_OK))
		goto out;
	free(text);
	text = NULL;
	if ((r = read_text(dir, "state", STATE_MAX, &text, eb)) != SGN_OK)
		goto out;
	if (text == NULL) {
		/* A new authenticator. */
		if (RAND_bytes(s->st.aaguid, sizeof(s->st.aaguid)) != 1 ||
		    RAND_bytes(s->st.master, sizeof(s->st.master)) != 1) {
			r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "no random bytes");
			goto out;
		}
		s->st.retries = MAX_RETRIES;
		if ((r = state_save(s, eb)) != SGN_OK)
			goto out;
	} else {
		s->st.retries = -1;
		if ((r = each_line(text, state_line, s, eb)) != SGN_OK)
			goto out;
		if (s->st.retries < 0) {
			r = sgn_errf(eb, SGN_ERR_PARSE, "soft:%s: state: no "
			    "retries", dir);
			goto out;
		}
	}
	if (new_key_agreement(s) != 0 ||
	    RAND_bytes(s->token, sizeof(s->token)) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "soft:%s: key agreement",
		    dir);
		goto out;
	}
	sgn_buf_init(&s->resp, 8192);
	*out = s;
	s = NULL;
	r = SGN_OK;
out:
	if (text != NULL) {
		len = strlen(text);
		sgn_memzero(text, len);
		free(text);
	}
	soft_free(s);
	return r;
}

/* CTAP2 commands ------------------------------------------------------- */

static uint8_t
cmd_get_info(struct soft *s, struct cw *w)
{
	int ctap21 = proto_supported(s, 2);
	size_t i, nopt = 3;

	nopt += s->k.builtin_uv ? 1 : 0;
	nopt += ctap21 ? 1 : 0;
	cw_head(w, 5, s->k.hmac_secret ? 6 : 5);
	cw_int(w, 1);				/* versions */
	cw_head(w, 4, ctap21 ? 2 : 1);
	cw_text(w, "FIDO_2_0");
	if (ctap21)
		cw_text(w, "FIDO_2_1");
	if (s->k.hmac_secret) {
		cw_int(w, 2);			/* extensions */
		cw_head(w, 4, 1);
		cw_text(w, "hmac-secret");
	}
	cw_int(w, 3);				/* aaguid */
	cw_bytes(w, s->st.aaguid, sizeof(s->st.aaguid));
	cw_int(w, 4);				/* options */
	cw_head(w, 5, nopt);
	cw_text(w, "rk");
	cw_bool(w, 0);
	cw_text(w, "up");
	cw_bool(w, 1);
	if (s->k.builtin_uv) {
		cw_text(w, "uv");
		cw_bool(w, 1);
	}
	cw_text(w, "clientPin");
	cw_bool(w, s->st.has_pin);
	if (ctap21) {
		cw_text(w, "pinUvAuthToken");
		cw_bool(w, 1);
	}
	cw_int(w, 5);				/* maxMsgSize */
	cw_int(w, 1200);
	cw_int(w, 6);				/* pinUvAuthProtocols */
	cw_head(w, 4, s->k.nprotos);
	for (i = 0; i < s->k.nprotos; i++)
		cw_int(w, s->k.protos[i]);
	return ST_OK;
}

/*
 * User verification for makeCredential or getAssertion (CTAP 2.1 6.1.2
 * steps 5-11, 6.2.2 steps 5-9): a pinUvAuthParam over the client data
 * hash, or the uv option with built-in verification.  *uv is set when
 * the user was verified.
 */
static uint8_t
check_uv(struct soft *s, const cbor_item_t *param, const cbor_item_t *proto,
    const cbor_item_t *opts, const uint8_t *cdh, size_t cdhlen,
    const char *rp_id, unsigned perm, int *uv)
{
	const uint8_t *p;
	uint64_t pv;
	size_t n;
	int opt_uv = 0;
	const cbor_item_t *o;

	*uv = 0;
	if ((o = map_str(opts, "uv")) != NULL && get_bool(o, &opt_uv) != 0)
		return ST_CBOR_UNEXPECTED_TYPE;
	if (param != NULL) {
		if (proto == NULL)
			return ST_MISSING_PARAMETER;
		if (get_uint(proto, &pv) != 0 || get_bytes(param, &p, &n) != 0)
			return ST_CBOR_UNEXPECTED_TYPE;
		if (!proto_supported(s, pv))
			return ST_INVALID_PARAMETER;
		if (!s->token_set || proto_verify((int)pv, s->token, cdh,
		    cdhlen, p, n) != 0 || (s->token_perms & perm) == 0)
			return ST_PIN_AUTH_INVALID;
		if (s->token_rp[0] != '\0' && strcmp(s->token_rp, rp_id) != 0)
			return ST_PIN_AUTH_INVALID;
		(void)snprintf(s->token_rp, sizeof(s->token_rp), "%s", rp_id);
		*uv = 1;
		return ST_OK;
	}
	if (opt_uv) {
		if (!s->k.builtin_uv)
			return ST_INVALID_OPTION;
		*uv = 1;
		return ST_OK;
	}
	/* makeCredential on a protected authenticator needs verification;
	 * getAssertion does with user presence alone. */
	if (perm == PERM_MC && (s->st.has_pin || s->k.builtin_uv))
		return ST_PUAT_REQUIRED;
	return ST_OK;
}

/* The user's touch: no answer when denied. */
static uint8_t
presence(const struct soft *s, uint8_t *flags)
{
	if (s->k.presence == PRESENCE_DENY)
		return ST_USER_ACTION_TIMEOUT;
	if (s->k.presence == PRESENCE_OK)
		*flags |= FLAG_UP;
	return ST_OK;
}

static void
put_counter(uint8_t *p, uint32_t c)
{
	p[0] = (uint8_t)(c >> 24);
	p[1] = (uint8_t)(c >> 16);
	p[2] = (uint8_t)(c >> 8);
	p[3] = (uint8_t)c;
}

/* Signs authData || clientDataHash with the credential's key. */
static int
cred_sign(struct sgn_signer *key, const struct sgn_buf *ad,
    const uint8_t *cdh, size_t cdhlen, uint8_t **sig, size_t *siglen)
{
	struct sgn_buf msg;
	int ok = -1;

	sgn_buf_init(&msg, 0);
	if (sgn_buf_append(&msg, ad->ptr, ad->len, NULL) == SGN_OK &&
	    sgn_buf_append(&msg, cdh, cdhlen, NULL) == SGN_OK &&
	    sgn_signer_sign(key, msg.ptr, msg.len, sig, siglen, NULL) ==
	    SGN_OK)
		ok = 0;
	sgn_buf_reset(&msg);
	return ok;
}

static uint8_t
cmd_make_cred(struct soft *s, const cbor_item_t *req, struct cw *w)
{
	const cbor_item_t *rp, *params, *ext, *opts, *it;
	struct sgn_signer *key = NULL;
	struct sgn_buf ad;
	struct cw adw;
	const uint8_t *cdh;
	const uint8_t *spki;
	static const uint8_t idlen[2] = { 0, CRED_ID_LEN };
	uint8_t rp_hash[32], id[CRED_ID_LEN], flags = 0, cnt[4], *sig = NULL;
	char rp_id[SGN_FIDO_MAX_RP_ID + 1];
	size_t cdhlen, i, n, siglen = 0;
	int uv = 0, hmac = 0, rk = 0, es256 = 0;
	uint8_t st;

	sgn_buf_init(&ad, 0);
	adw.b = &ad;
	adw.err = 0;
	rp = map_int(req, 2);
	params = map_int(req, 4);
	if (map_int(req, 1) == NULL || rp == NULL ||
	    map_int(req, 3) == NULL || params == NULL) {
		st = ST_MISSING_PARAMETER;
		goto out;
	}
	if (get_bytes(map_int(req, 1), &cdh, &cdhlen) != 0 ||
	    get_text(map_str(rp, "id"), rp_id, sizeof(rp_id)) != 0 ||
	    !cbor_isa_map(map_int(req, 3)) || !cbor_isa_array(params)) {
		st = ST_CBOR_UNEXPECTED_TYPE;
		goto out;
	}
	n = cbor_array_size(params);
	for (i = 0; i < n; i++) {
		it = map_str(cbor_array_handle(params)[i], "alg");
		if (it != NULL && cbor_isa_negint(it) && cbor_get_int(it) == 6)
			es256 = 1;
	}
	if (!es256) {
		st = ST_UNSUPPORTED_ALG;
		goto out;
	}
	opts = map_int(req, 7);
	if ((it = map_str(opts, "rk")) != NULL && get_bool(it, &rk) != 0) {
		st = ST_CBOR_UNEXPECTED_TYPE;
		goto out;
	}
	if (rk) {
		st = ST_UNSUPPORTED_OPTION;
		goto out;
	}
	if (map_str(opts, "up") != NULL) {
		st = ST_INVALID_OPTION;
		goto out;
	}
	if ((st = check_uv(s, map_int(req, 8), map_int(req, 9), opts, cdh,
	    cdhlen, rp_id, PERM_MC, &uv)) != ST_OK ||
	    (st = presence(s, &flags)) != ST_OK)
		goto out;
	ext = map_int(req, 6);
	if ((it = map_str(ext, "hmac-secret")) != NULL &&
	    s->k.hmac_secret && get_bool(it, &hmac) != 0) {
		st = ST_CBOR_UNEXPECTED_TYPE;
		goto out;
	}
	st = ST_OTHER;
	if (RAND_bytes(id, NONCE_LEN) != 1 ||
	    sha256(rp_id, strlen(rp_id), rp_hash) != 0 ||
	    cred_tag(s, id, rp_hash, id + NONCE_LEN) != 0 ||
	    cred_signer(s, id, &key) != 0)
		goto out;
	spki = sgn_pubkey_spki_ptr(sgn_signer_pubkey(key));
	if (sgn_pubkey_spki_len(sgn_signer_pubkey(key)) != 91 ||
	    spki[26] != 0x04)
		goto out;
	s->st.counter++;
	if (state_save(s, NULL) != SGN_OK)
		goto out;
	if (uv && !s->k.uv_skip)
		flags |= FLAG_UV;
	flags |= FLAG_AT | (hmac ? FLAG_ED : 0);
	put_counter(cnt, s->st.counter);
	cw_put(&adw, rp_hash, sizeof(rp_hash));
	cw_put(&adw, &flags, 1);
	cw_put(&adw, cnt, sizeof(cnt));
	cw_put(&adw, s->st.aaguid, sizeof(s->st.aaguid));
	cw_put(&adw, idlen, sizeof(idlen));
	cw_put(&adw, id, sizeof(id));
	cw_cose_p256(&adw, spki + 27, COSE_ES256_ALG);
	if (hmac) {
		cw_head(&adw, 5, 1);
		cw_text(&adw, "hmac-secret");
		cw_bool(&adw, 1);
	}
	if (adw.err || cred_sign(key, &ad, cdh, cdhlen, &sig, &siglen) != 0)
		goto out;
	cw_head(w, 5, 3);
	cw_int(w, 1);
	cw_text(w, "packed");
	cw_int(w, 2);
	cw_bytes(w, ad.ptr, ad.len);
	cw_int(w, 3);
	cw_head(w, 5, 2);
	cw_text(w, "alg");
	cw_int(w, COSE_ES256_ALG);
	cw_text(w, "sig");
	cw_bytes(w, sig, siglen);
	st = ST_OK;
out:
	free(sig);
	sgn_signer_free(&key);
	sgn_buf_reset(&ad);
	return st;
}

/* The hmac-secret output for the credential (CTAP 2.1 12.5). */
static uint8_t
hmac_secret(struct soft *s, const cbor_item_t *in, const uint8_t *nonce,
    int uv, struct cw *ext)
{
	const uint8_t *enc, *auth;
	uint8_t shared[64], salt[64], cr[32], out[64], outenc[80];
	size_t enclen, authlen, slen, saltlen, outlen = 0;
	uint64_t proto = 1;
	uint8_t st = ST_OTHER;

	if (map_int(in, 1) == NULL || map_int(in, 2) == NULL ||
	    map_int(in, 3) == NULL)
		return ST_MISSING_PARAMETER;
	if (get_bytes(map_int(in, 2), &enc, &enclen) != 0 ||
	    get_bytes(map_int(in, 3), &auth, &authlen) != 0 ||
	    (map_int(in, 4) != NULL && get_uint(map_int(in, 4), &proto) != 0))
		return ST_CBOR_UNEXPECTED_TYPE;
	if (!proto_supported(s, proto))
		return ST_INVALID_PARAMETER;
	if (shared_secret(s, (int)proto, map_int(in, 1), shared, &slen) !=
	    0) {
		st = ST_INVALID_PARAMETER;
		goto out;
	}
	if (proto_verify((int)proto, shared, enc, enclen, auth, authlen) !=
	    0) {
		st = ST_PIN_AUTH_INVALID;
		goto out;
	}
	if (enclen > sizeof(salt) + 16 || proto_decrypt((int)proto, shared,
	    enc, enclen, salt, &saltlen) != 0 ||
	    (saltlen != 32 && saltlen != 64)) {
		st = ST_INVALID_LENGTH;
		goto out;
	}
	if (cred_random(s, nonce, uv, cr) != 0 ||
	    hmac256(cr, sizeof(cr), salt, 32, out) != 0 ||
	    (saltlen == 64 && hmac256(cr, sizeof(cr), salt + 32, 32,
	    out + 32) != 0) ||
	    proto_encrypt((int)proto, shared, out, saltlen, outenc,
	    &outlen) != 0)
		goto out;
	cw_head(ext, 5, 1);
	cw_text(ext, "hmac-secret");
	cw_bytes(ext, outenc, outlen);
	st = ST_OK;
out:
	sgn_memzero(shared, sizeof(shared));
	sgn_memzero(salt, sizeof(salt));
	sgn_memzero(cr, sizeof(cr));
	sgn_memzero(out, sizeof(out));
	return st;
}

static uint8_t
cmd_get_assert(struct soft *s, const cbor_item_t *req, struct cw *w)
{
	const cbor_item_t *allow, *opts, *it, *hs;
	struct sgn_signer *key = NULL;
	struct sgn_buf ad, extbuf;
	struct cw adw, extw;
	const uint8_t *cdh, *id, *found = NULL;
	uint8_t rp_hash[32], tag[TAG_LEN], flags = 0, cnt[4], *sig = NULL;
	char rp_id[SGN_FIDO_MAX_RP_ID + 1], type[16];
	size_t cdhlen, idlen, i, n, siglen = 0;
	int uv = 0, up = 1, rk = 0;
	uint8_t st;

	sgn_buf_init(&ad, 0);
	sgn_buf_init(&extbuf, 0);
	adw.b = &ad;
	adw.err = 0;
	extw.b = &extbuf;
	extw.err = 0;
	if (map_int(req, 1) == NULL || map_int(req, 2) == NULL) {
		st = ST_MISSING_PARAMETER;
		goto out;
	}
	if (get_text(map_int(req, 1), rp_id, sizeof(rp_id)) != 0 ||
	    get_bytes(map_int(req, 2), &cdh, &cdhlen) != 0) {
		st = ST_CBOR_UNEXPECTED_TYPE;
		goto out;
	}
	opts = map_int(req, 5);
	if (((it = map_str(opts, "up")) != NULL && get_bool(it, &up) != 0) ||
	    ((it = map_str(opts, "rk")) != NULL && get_bool(it, &rk) != 0)) {
		st = ST_CBOR_UNEXPECTED_TYPE;
		goto out;
	}
	if (rk) {
		st = ST_INVALID_OPTION;
		goto out;
	}
	st = ST_OTHER;
	if (sha256(rp_id, strlen(rp_id), rp_hash) != 0)
		goto out;
	allow = map_int(req, 3);
	n = allow != NULL && cbor_isa_array(allow) ? cbor_array_size(allow) :
	    0;
	for (i = 0; i < n && found == NULL; i++) {
		it = cbor_array_handle(allow)[i];
		if (get_text(map_str(it, "type"), type, sizeof(type)) != 0 ||
		    strcmp(type, "public-key") != 0 ||
		    get_bytes(map_str(it, "id"), &id, &idlen) != 0 ||
		    idlen != CRED_ID_LEN)
			continue;
		if (cred_tag(s, id, rp_hash, tag) != 0)
			goto out;
		if (CRYPTO_memcmp(tag, id + NONCE_LEN, TAG_LEN) == 0)
			found = id;
	}
	if (found == NULL) {
		st = ST_NO_CREDENTIALS;
		goto out;
	}
	if ((st = check_uv(s, map_int(req, 6), map_int(req, 7), opts, cdh,
	    cdhlen, rp_id, PERM_GA, &uv)) != ST_OK)
		goto out;
	if (up && (st = presence(s, &flags)) != ST_OK)
		goto out;
	hs = map_str(map_int(req, 4), "hmac-secret");
	if (hs != NULL && s->k.hmac_secret && (st = hmac_secret(s, hs, found,
	    uv, &extw)) != ST_OK)
		goto out;
	st = ST_OTHER;
	if (cred_signer(s, found, &key) != 0)
		goto out;
	s->st.counter++;
	if (state_save(s, NULL) != SGN_OK)
		goto out;
	if (uv && !s->k.uv_skip)
		flags |= FLAG_UV;
	if (extbuf.len > 0)
		flags |= FLAG_ED;
	put_counter(cnt, s->st.counter);
	cw_put(&adw, rp_hash, sizeof(rp_hash));
	cw_put(&adw, &flags, 1);
	cw_put(&adw, cnt, sizeof(cnt));
	if (extbuf.len > 0)
		cw_put(&adw, extbuf.ptr, extbuf.len);
	if (adw.err || extw.err ||
	    cred_sign(key, &ad, cdh, cdhlen, &sig, &siglen) != 0)
		goto out;
	cw_head(w, 5, 3);
	cw_int(w, 1);
	cw_head(w, 5, 2);
	cw_text(w, "id");
	cw_bytes(w, found, CRED_ID_LEN);
	cw_text(w, "type");
	cw_text(w, "public-key");
	cw_int(w, 2);
	cw_bytes(w, ad.ptr, ad.len);
	cw_int(w, 3);
	cw_bytes(w, sig, siglen);
	st = ST_OK;
out:
	free(sig);
	sgn_signer_free(&key);
	sgn_buf_reset(&ad);
	sgn_buf_reset(&extbuf);
	return st;
}

/*
 * Checks pinHashEnc against the PIN (CTAP 2.1 6.5.5.5): a wrong PIN costs
 * a retry and the key-agreement key; the third in a row blocks until
 * the next power cycle, the last retry blocks the PIN.
 */
static uint8_t
check_pin_hash(struct soft *s, int proto, const uint8_t *shared,
    const cbor_item_t *phe)
{
	const uint8_t *p;
	uint8_t hash[48];
	size_t n, hlen = 0;
	int match;

	if (get_bytes(phe, &p, &n) != 0)
		return ST_CBOR_UNEXPECTED_TYPE;
	if (!s->st.has_pin)
		return ST_PIN_NOT_SET;
	if (s->st.retries == 0)
		return ST_PIN_BLOCKED;
	if (s->fails >= MAX_FAILS)
		return ST_PIN_AUTH_BLOCKED;
	s->st.retries--;
	if (state_save(s, NULL) != SGN_OK)
		return ST_OTHER;
	match = n <= sizeof(hash) && proto_decrypt(proto, shared, p, n, hash,
	    &hlen) == 0 && hlen == 16 &&
	    CRYPTO_memcmp(hash, s->st.pin_hash, 16) == 0;
	sgn_memzero(hash, sizeof(hash));
	if (!match) {
		if (new_key_agreement(s) != 0)
			return ST_OTHER;
		s->fails++;
		if (s->st.retries == 0)
			return ST_PIN_BLOCKED;
		if (s->fails >= MAX_FAILS)
			return ST_PIN_AUTH_BLOCKED;
		return ST_PIN_INVALID;
	}
	s->st.retries = MAX_RETRIES;
	s->fails = 0;
	return state_save(s, NULL) == SGN_OK ? ST_OK : ST_OTHER;
}

/* Sets the PIN from newPinEnc (64 bytes, NUL-padded). */
static uint8_t
store_new_pin(struct soft *s, int proto, const uint8_t *shared,
    const uint8_t *enc, size_t enclen)
{
	uint8_t padded[96];
	size_t n = 0, len;
	uint8_t st = ST_OK;

	if (enclen > sizeof(padded) || proto_decrypt(proto, shared, enc,
	    enclen, padded, &n) != 0 || n != 64) {
		st = ST_INVALID_PARAMETER;
		goto out;
	}
	for (len = 0; len < n && padded[len] != 0; len++)
		;
	if (len < 4 || len > SGN_FIDO_MAX_PIN) {
		st = ST_PIN_POLICY;
		goto out;
	}
	if (sha256(padded, len, padded + 64) != 0) {
		st = ST_OTHER;
		goto out;
	}
	memcpy(s->st.pin_hash, padded + 64, 16);
	s->st.has_pin = 1;
	s->st.retries = MAX_RETRIES;
	s->token_set = 0;
	if (state_save(s, NULL) != SGN_OK)
		st = ST_OTHER;
out:
	sgn_memzero(padded, sizeof(padded));
	return st;
}

static uint8_t
cmd_client_pin(struct soft *s, const cbor_item_t *req, struct cw *w)
{
	const cbor_item_t *ka = map_int(req, 3), *it;
	const uint8_t *auth, *npe, *phe;
	uint8_t shared[64], msg[256], enc[64];
	size_t slen = 0, authlen, npelen, phelen, enclen = 0;
	uint64_t proto = 0, sub, perms;
	uint8_t st = ST_OTHER;

	if (get_uint(map_int(req, 2), &sub) != 0)
		return ST_MISSING_PARAMETER;
	if (sub == 0x01) {			/* getRetries */
		cw_head(w, 5, 1);
		cw_int(w, 3);
		cw_int(w, s->st.retries);
		return ST_OK;
	}
	if (get_uint(map_int(req, 1), &proto) != 0)
		return ST_MISSING_PARAMETER;
	if (!proto_supported(s, proto))
		return ST_INVALID_PARAMETER;
	if (sub == 0x02) {			/* getKeyAgreement */
		if (p256_xy(s->ka, msg) != 0)
			return ST_OTHER;
		cw_head(w, 5, 1);
		cw_int(w, 1);
		cw_cose_p256(w, msg, COSE_ECDH_ALG);
		return ST_OK;
	}
	if (sub == 0x06 && !s->k.builtin_uv)
		return ST_INVALID_SUBCOMMAND;
	if ((sub == 0x06 || sub == 0x09) && !proto_supported(s, 2))
		return ST_INVALID_SUBCOMMAND;
	if (sub != 0x03 && sub != 0x04 && sub != 0x05 && sub != 0x06 &&
	    sub != 0x09)
		return ST_INVALID_SUBCOMMAND;
	if (ka == NULL)
		return ST_MISSING_PARAMETER;
	if (shared_secret(s, (int)proto, ka, shared, &slen) != 0)
		return ST_INVALID_PARAMETER;
	switch (sub) {
	case 0x03:				/* setPIN */
	case 0x04:				/* changePIN */
		if (get_bytes(map_int(req, 4), &auth, &authlen) != 0 ||
		    get_bytes(map_int(req, 5), &npe, &npelen) != 0 ||
		    (sub == 0x04 && get_bytes(map_int(req, 6), &phe,
		    &phelen) != 0)) {
			st = ST_MISSING_PARAMETER;
			break;
		}
		if (sub == 0x03 && s->st.has_pin) {
			st = ST_PIN_AUTH_INVALID;
			break;
		}
		if (sub == 0x04 && !s->st.has_pin) {
			st = ST_PIN_NOT_SET;
			break;
		}
		if (sub == 0x04 && s->st.retries == 0) {
			st = ST_PIN_BLOCKED;
			break;
		}
		/* pinUvAuthParam covers newPinEnc (|| pinHashEnc). */
		if (npelen > 128 || (sub == 0x04 && phelen > 64)) {
			st = ST_INVALID_PARAMETER;
			break;
		}
		memcpy(msg, npe, npelen);
		if (sub == 0x04)
			memcpy(msg + npelen, phe, phelen);
		if (proto_verify((int)proto, shared, msg, npelen +
		    (sub == 0x04 ? phelen : 0), auth, authlen) != 0) {
			st = ST_PIN_AUTH_INVALID;
			break;
		}
		if (sub == 0x04 && (st = check_pin_hash(s, (int)proto, shared,
		    map_int(req, 6))) != ST_OK)
			break;
		st = store_new_pin(s, (int)proto, shared, npe, npelen);
		break;
	default:				/* 0x05, 0x06, 0x09: tokens */
		perms = PERM_MC | PERM_GA;
		s->token_rp[0] = '\0';
		if (sub != 0x05) {
			if (get_uint(map_int(req, 9), &perms) != 0 ||
			    perms == 0) {
				st = ST_MISSING_PARAMETER;
				break;
			}
			if ((perms & ~(uint64_t)(PERM_MC | PERM_GA)) != 0) {
				st = ST_UNAUTHORIZED_PERM;
				break;
			}
			if ((it = map_int(req, 10)) != NULL &&
			    get_text(it, s->token_rp, sizeof(s->token_rp)) !=
			    0) {
				st = ST_CBOR_UNEXPECTED_TYPE;
				break;
			}
		}
		if (sub != 0x06 && (st = check_pin_hash(s, (int)proto, shared,
		    map_int(req, 6))) != ST_OK)
			break;
		if (sub == 0x06 && s->k.presence == PRESENCE_DENY) {
			st = ST_USER_ACTION_TIMEOUT;
			break;
		}
		if (RAND_bytes(s->token, sizeof(s->token)) != 1 ||
		    proto_encrypt((int)proto, shared, s->token,
		    sizeof(s->token), enc, &enclen) != 0) {
			st = ST_OTHER;
			break;
		}
		s->token_set = 1;
		s->token_perms = (unsigned)perms;
		cw_head(w, 5, 1);
		cw_int(w, 2);
		cw_bytes(w, enc, enclen);
		st = ST_OK;
		break;
	}
	sgn_memzero(shared, sizeof(shared));
	sgn_memzero(msg, sizeof(msg));
	sgn_memzero(enc, sizeof(enc));
	return st;
}

/* libfido2 plumbing ------------------------------------------------------ */

static void
reply_status(struct soft *s, uint8_t st)
{
	s->resp.len = 0;
	(void)sgn_buf_append(&s->resp, &st, 1, NULL);
}

static void
dispatch(struct soft *s, const uint8_t *buf, size_t len)
{
	struct cbor_load_result res;
	cbor_item_t *req = NULL;
	struct cw w;
	uint8_t st;

	s->resp.len = 0;
	w.b = &s->resp;
	w.err = 0;
	cw_put(&w, "\x00", 1);
	if (len > 1) {
		req = cbor_load(buf + 1, len - 1, &res);
		if (req == NULL || res.read != len - 1 || !cbor_isa_map(req)) {
			reply_status(s, ST_INVALID_CBOR);
			goto out;
		}
	}
	switch (buf[0]) {
	case CMD_GET_INFO:
		st = cmd_get_info(s, &w);
		break;
	case CMD_MAKE_CRED:
		st = req == NULL ? ST_MISSING_PARAMETER :
		    cmd_make_cred(s, req, &w);
		break;
	case CMD_GET_ASSERT:
		st = req == NULL ? ST_MISSING_PARAMETER :
		    cmd_get_assert(s, req, &w);
		break;
	case CMD_CLIENT_PIN:
		st = req == NULL ? ST_MISSING_PARAMETER :
		    cmd_client_pin(s, req, &w);
		break;
	default:
		st = ST_INVALID_COMMAND;
		break;
	}
	if (w.err)
		st = ST_OTHER;
	if (st != ST_OK)
		reply_status(s, st);
out:
	if (req != NULL)
		cbor_decref(&req);
}

static int
soft_tx(fido_dev_t *d, uint8_t cmd, const unsigned char *buf, size_t len)
{
	struct soft *s = fido_dev_io_handle(d);

	if (s == NULL || s->removed || len > INT32_MAX)
		return -1;
	if (cmd == HID_INIT) {
		if (s->k.remove_on == REMOVE_ON_INIT || len != 8) {
			s->removed = 1;
			return -1;
		}
		/* nonce, channel, CTAPHID 2, version 1.0.0, caps CBOR|NMSG */
		s->resp.len = 0;
		if (sgn_buf_append(&s->resp, buf, 8, NULL) != SGN_OK ||
		    sgn_buf_append(&s->resp, "\x00\x00\x00\x01\x02\x01\x00"
		    "\x00\x0c", 9, NULL) != SGN_OK)
			return -1;
		return (int)len;
	}
	if (cmd != HID_CBOR || len < 1) {
		reply_status(s, ST_INVALID_COMMAND);
		return (int)len;
	}
	if (s->k.remove_on == buf[0]) {
		s->removed = 1;
		return -1;
	}
	dispatch(s, buf, len);
	return (int)len;
}

static int
soft_rx(fido_dev_t *d, uint8_t cmd, unsigned char *buf, size_t len, int ms)
{
	struct soft *s = fido_dev_io_handle(d);

	(void)cmd;
	(void)ms;
	if (s == NULL || s->removed || s->resp.len > len ||
	    s->resp.len > INT32_MAX)
		return -1;
	memcpy(buf, s->resp.ptr, s->resp.len);
	return (int)s->resp.len;
}

static void *
soft_io_open(const char *path)
{
	struct soft *s = NULL;

	if (soft_load(path, &s, NULL) != SGN_OK)
		return NULL;
	return s;
}

static void
soft_io_close(void *h)
{
	soft_free(h);
}

/* Transfers go through soft_tx and soft_rx; these are never called. */
static int
soft_io_read(void *h, unsigned char *buf, size_t len, int ms)
{
	(void)h;
	(void)buf;
	(void)len;
	(void)ms;
	return -1;
}

static int
soft_io_write(void *h, const unsigned char *buf, size_t len)
{
	(void)h;
	(void)buf;
	(void)len;
	return -1;
}

static sgn_err
soft_open(const char *dir, fido_dev_t **out, struct sgn_errbuf *eb)
{
	static const fido_dev_io_t io = {
		soft_io_open, soft_io_close, soft_io_read, soft_io_write,
	};
	static const fido_dev_transport_t tr = { soft_rx, soft_tx };
	struct soft *probe = NULL;
	fido_dev_info_t *di = NULL;
	fido_dev_t *dev = NULL;
	int rc;
	sgn_err r;

	*out = NULL;
	if ((r = sgn_fido_dl_load(eb)) != SGN_OK)
		return r;
	/* A first load reports a missing directory or bad knobs in words
	 * (libfido2's open would only fail). */
	if ((r = soft_load(dir, &probe, eb)) != SGN_OK)
		return r;
	soft_free(probe);
	if ((di = fido_dev_info_new(1)) == NULL ||
	    fido_dev_info_set(di, 0, dir, "signet", "software authenticator "
	    "(test only)", &io, &tr) != FIDO_OK ||
	    (dev = fido_dev_new_with_info(fido_dev_info_ptr(di, 0))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = fido_dev_open_with_info(dev)) != FIDO_OK) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "soft:%s: cannot open the "
		    "software authenticator: lost contact (libfido2: %s)", dir,
		    fido_strerr(rc));
		goto out;
	}
	*out = dev;
	dev = NULL;
	r = SGN_OK;
out:
	fido_dev_free(&dev);
	fido_dev_info_free(&di, 1);
	return r;
}

/*
 * Adds "soft:" to pkg/fido when a test program starts.  A failure (the
 * prefix taken) leaves "soft:" an unknown device: the tests then fail.
 */
static void soft_register(void) __attribute__((constructor));

static void
soft_register(void)
{
	(void)sgn_fido_transport_add("soft:", soft_open, NULL);
}
