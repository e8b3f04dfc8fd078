/*
 * fido: signing keys derived from a FIDO2 authenticator (a security key).
 *
 * A FIDO2 authenticator signs its own authenticator data, never a digest
 * chosen by the caller, so neither Fulcio nor Rekor could check a
 * signature it made.  signet therefore uses the authenticator's
 * hmac-secret extension (CTAP 2.1, section 12.5) as a key store: a
 * credential made with hmac-secret returns, for a given 32-byte salt, the
 * same 32 secret bytes at every assertion, and signet derives an ordinary
 * ECDSA P-256 key from them.  The key exists only in memory while
 * signing, needs the authenticator and a touch (and its PIN when one is
 * set), and makes standard signatures that every Sigstore verifier
 * accepts.  libfido2 (https://developers.yubico.com/libfido2/) speaks
 * CTAP2 to the device.
 *
 * Derivation (version 1, SGN_FIDO_KDF_INFO):
 *
 *   output = hmac-secret(credential, salt)      32 bytes; the device
 *            computes HMAC-SHA-256(CredRandom, salt), CredRandom being
 *            the credential's secret for assertions with user
 *            verification, or its other secret for assertions without
 *   okm    = HKDF-SHA-256(IKM = output, salt = credential id,
 *                         info = "signet fido2 p-256 signing key v1",
 *                         L = 48)                       (RFC 5869)
 *   d      = (okm mod (n - 1)) + 1,  okm read big-endian, n the order of
 *            P-256: FIPS 186-5 A.2.1, key generation with extra random
 *            bits.  Every okm gives a valid scalar, so there is no retry
 *            loop; the bias is below 2^-128.
 *   public key = d.G, recorded in the key file.
 *
 * The credential id as HKDF salt binds the key to the credential (it is
 * not secret, and HKDF's salt need not be).  Whether the assertion
 * verified the user selects which CredRandom the device uses, so signing
 * always repeats the choice made at generation (the key file's
 * "userVerification"); a different choice would give a different key.
 *
 * Key file (what `signet key generate --fido2` writes as NAME.key): JSON,
 * at most SGN_FIDO_MAX_KEY_FILE bytes, every member required, no other
 * member allowed:
 *
 *   {
 *     "type": "signet-fido2-key",
 *     "version": 1,
 *     "rpId": "signet:",                 relying-party id, 1-255 bytes of
 *                                        printable ASCII, no space
 *     "credentialId": "<base64>",        1-1023 bytes
 *     "salt": "<base64>",                exactly 32 bytes, random, chosen
 *                                        for this credential
 *     "kdf": "signet fido2 p-256 signing key v1",
 *     "userVerification": true,          whether signing verifies the
 *                                        user (PIN or built-in)
 *     "publicKey": "<base64>"            DER SubjectPublicKeyInfo of the
 *                                        derived ECDSA P-256 key
 *   }
 *
 * Nothing in it is secret: the credential id, salt and relying-party id
 * are useless without the authenticator that made the credential.  A
 * version other than 1 or another "kdf" is SGN_ERR_UNSUPPORTED; anything
 * else malformed is SGN_ERR_PARSE (SGN_ERR_LIMIT past a cap).
 *
 * Secrets (the PIN, the hmac-secret output, the derived scalar) are wiped
 * on every path; none is ever written or put in an error message.
 */
#ifndef SGN_FIDO_H
#define SGN_FIDO_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "keys.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SGN_FIDO_KEY_TYPE		"signet-fido2-key"
#define SGN_FIDO_KEY_VERSION		1
#define SGN_FIDO_KDF_INFO		"signet fido2 p-256 signing key v1"
/* OpenSSH's credentials use "ssh:"; a non-domain id keeps WebAuthn
 * (browsers) from ever asking for these credentials. */
#define SGN_FIDO_DEFAULT_RP_ID		"signet:"
#define SGN_FIDO_MAX_KEY_FILE		8192
#define SGN_FIDO_MAX_CRED_ID		1023	/* CTAP 2.1 6.1.2 */
#define SGN_FIDO_MAX_RP_ID		255
#define SGN_FIDO_SALT_LEN		32
#define SGN_FIDO_MAX_PIN		63	/* bytes, CTAP 2.1 6.5.1 */
#define SGN_FIDO_MAX_DEVICES		64

/* Key files -------------------------------------------------------------- */

/* A parsed key file: a plain record, read-only for callers. */
struct sgn_fido_key {
	uint32_t		 version;
	char			*rp_id;
	uint8_t			*cred_id;
	size_t			 cred_id_len;
	uint8_t			 salt[SGN_FIDO_SALT_LEN];
	int			 uv;	/* userVerification */
	struct sgn_pubkey	*pub;	/* ECDSA P-256 */
};

/*
 * Parses a key file (p, len) strictly as documented above.  *out is
 * freed with sgn_fido_key_free().
 */
sgn_err	sgn_fido_key_parse(const uint8_t *p, size_t len,
	    struct sgn_fido_key **out, struct sgn_errbuf *eb);

/*
 * Appends the key file for k to out (JSON, one member a line, a final
 * newline).  The bytes parse back to k.  The caller writes them (mode
 * 0600, atomically: sgn_file_write_atomic()).
 */
sgn_err	sgn_fido_key_write(const struct sgn_fido_key *k, struct sgn_buf *out,
	    struct sgn_errbuf *eb);

void	sgn_fido_key_free(struct sgn_fido_key **kp);

/*
 * The derivation above: d from an hmac-secret output and a credential
 * id.  Exposed for tests and for other implementations of the format;
 * the caller wipes secret and d.
 */
sgn_err	sgn_fido_derive(const uint8_t secret[32], const uint8_t *cred_id,
	    size_t cred_id_len, uint8_t d[32], struct sgn_errbuf *eb);

/* Authenticators ------------------------------------------------------- */

/*
 * Asks for the authenticator's PIN (cmd/ prompts; pkg/ never does).
 * retries: the attempts the authenticator has left (-1 when unknown);
 * wrong: 1 when the previous PIN given was wrong.  Fills pin (the library
 * wipes and resets it) and returns SGN_OK, or an error that ends the
 * operation (SGN_ERR_PIN_REQUIRED when no PIN can be had).
 */
typedef sgn_err (*sgn_fido_pin_fn)(void *ctx, int retries, int wrong,
	    struct sgn_secret *pin, struct sgn_errbuf *eb);

/*
 * Called just before an operation that waits for a touch.  what says why:
 * "create the key", "read the key" (generation touches twice) or "sign".
 */
typedef void (*sgn_fido_touch_fn)(void *ctx, const char *what);

struct sgn_fido_opts {
	/*
	 * The authenticator: a libfido2 device path ("/dev/hidraw3"), NULL
	 * for the only one connected (an error when there is none or more
	 * than one).  "name:..." is one of libfido2's ("nfc:", "pcsc:"),
	 * a transport the program added, or an unknown device
	 * (SGN_ERR_INVALID_ARGUMENT): the library has no software
	 * authenticator.
	 */
	const char		*device;
	/* Generation: the relying-party id (NULL: SGN_FIDO_DEFAULT_RP_ID).
	 * Signing: NULL, or the id the key file must name. */
	const char		*rp_id;
	/* The key in messages ("release.key"); NULL: "the key". */
	const char		*name;
	/* The PIN when known (SIGNET_PIN, --pin-file); NULL: asked through
	 * pin_fn when the authenticator needs one.  Never modified. */
	const struct sgn_secret	*pin;
	sgn_fido_pin_fn		 pin_fn;
	void			*pin_ctx;
	sgn_fido_touch_fn	 touch_fn;
	void			*touch_ctx;
};

/* A connected authenticator, as libfido2 lists them. */
struct sgn_fido_device {
	char		*path;
	char		*manufacturer;
	char		*product;
	uint16_t	 vendor_id;
	uint16_t	 product_id;
};

/*
 * The FIDO authenticators connected (at most SGN_FIDO_MAX_DEVICES); *list
 * (NULL when *n is 0) is freed with sgn_fido_devices_free().  Software
 * authenticators are never listed.
 */
sgn_err	sgn_fido_list_devices(struct sgn_fido_device **list, size_t *n,
	    struct sgn_errbuf *eb);
/* Frees the *np devices of *listp and clears *listp and *np (either may
 * be NULL). */
void	sgn_fido_devices_free(struct sgn_fido_device **listp, size_t *np);

/*
 * Creates a credential with hmac-secret on the authenticator (ES256, not
 * resident, user presence required; user verification when the
 * authenticator has a PIN set or built-in verification), then makes one
 * assertion to derive the key and record its public key.  Touches twice.
 * Appends the key file to keyfile and sets *pub_pem (malloc'd "PUBLIC
 * KEY" PEM).  Errors: SGN_ERR_PIN_REQUIRED (a PIN is needed, none given
 * and no pin_fn), SGN_ERR_UNSUPPORTED (no hmac-secret), SGN_ERR_FIDO
 * (libfido2's failure, named in the message: wrong PIN with the attempts
 * left, no touch, device lost, ...).
 */
sgn_err	sgn_fido_generate(const struct sgn_fido_opts *o,
	    struct sgn_buf *keyfile, char **pub_pem, struct sgn_errbuf *eb);

/*
 * A signer for a key file: one assertion with hmac-secret (a touch, and
 * the PIN when the key was made with user verification), the key
 * derived, its public key compared with the one recorded.  Free the
 * signer as soon as the signing is done: it holds the private key.  A
 * key made without user verification never uses the PIN (it would
 * change the hmac-secret output).
 * Errors: those of sgn_fido_generate() and sgn_fido_key_parse();
 * SGN_ERR_VERIFY "this authenticator did not create <name>" when the
 * authenticator does not know the credential or derives another key.
 */
sgn_err	sgn_fido_signer(const uint8_t *keyfile, size_t len,
	    const struct sgn_fido_opts *o, struct sgn_signer **out,
	    struct sgn_errbuf *eb);

/*
 * Sets the PIN of an authenticator that has none, or changes it when
 * o->pin holds the current PIN.  new_pin: 4 to 63 bytes.
 */
sgn_err	sgn_fido_set_pin(const struct sgn_fido_opts *o,
	    const struct sgn_secret *new_pin, struct sgn_errbuf *eb);

#ifdef __cplusplus
}
#endif

#endif /* SGN_FIDO_H */
