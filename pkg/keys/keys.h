/*
 * keys: public keys, signature verification, and signers.
 *
 * A struct sgn_pubkey wraps an OpenSSL EVP_PKEY and knows its kind: ECDSA
 * on P-256, P-384 or P-521, Ed25519, or RSA (PKCS#1 v1.5 or PSS).  Keys
 * are read from DER SubjectPublicKeyInfo, PEM "PUBLIC KEY", or (as some
 * trusted roots ship CT log keys) a bare PKCS#1 RSAPublicKey.
 *
 * A struct sgn_signer holds a private key (ephemeral, from PEM, or from
 * a cosign encrypted key file: scrypt and NaCl secretbox, cosign.c) and
 * signs with it; private key material is wiped when it is freed.
 *
 * Algorithm names follow the Sigstore algorithm registry and
 * sigstore_common.proto PublicKeyDetails.
 */
#ifndef SGN_KEYS_H
#define SGN_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

SGN_API_BEGIN

typedef enum sgn_key_type {
	SGN_KEY_UNKNOWN = 0,
	SGN_KEY_ECDSA_P256,
	SGN_KEY_ECDSA_P384,
	SGN_KEY_ECDSA_P521,
	SGN_KEY_ED25519,
	SGN_KEY_RSA,
} sgn_key_type;

/* RSA padding when a key is RSA. */
typedef enum sgn_rsa_padding {
	SGN_RSA_PKCS1V15 = 0,
	SGN_RSA_PSS,
} sgn_rsa_padding;

struct sgn_pubkey;

/* From DER SubjectPublicKeyInfo, or failing that a PKCS#1 RSAPublicKey. */
sgn_err	sgn_pubkey_from_der(const uint8_t *der, size_t len,
	    struct sgn_pubkey **out, struct sgn_errbuf *eb);
/* From PEM text ("PUBLIC KEY" or "RSA PUBLIC KEY"). */
sgn_err	sgn_pubkey_from_pem(const char *pem, size_t len,
	    struct sgn_pubkey **out, struct sgn_errbuf *eb);
void	sgn_pubkey_free(struct sgn_pubkey **kp);

sgn_key_type	sgn_pubkey_type(const struct sgn_pubkey *k);
/* 1 for ECDSA P-256, P-384 and P-521 keys. */
int		sgn_pubkey_is_ecdsa(const struct sgn_pubkey *k);
/* "ECDSA P-256", "Ed25519", "RSA-3072", ... */
const char	*sgn_pubkey_describe(const struct sgn_pubkey *k);
/* The hash a key signs with by default (none for Ed25519). */
sgn_hash_alg	sgn_pubkey_default_hash(const struct sgn_pubkey *k);
/* Sets the RSA padding used by verification (default PKCS#1 v1.5). */
void	sgn_pubkey_set_rsa_padding(struct sgn_pubkey *k, sgn_rsa_padding p);

/* DER SubjectPublicKeyInfo (owned by the key): the bytes the key was
 * read from, or OpenSSL's encoding when it was read in another form. */
const uint8_t	*sgn_pubkey_spki_ptr(const struct sgn_pubkey *k);
size_t		 sgn_pubkey_spki_len(const struct sgn_pubkey *k);
/* Raw 32-byte Ed25519 key, or NULL for other kinds. */
const uint8_t	*sgn_pubkey_ed25519_raw(const struct sgn_pubkey *k);

/* Borrowed EVP_PKEY (for x509/tsa glue inside the library). */
struct evp_pkey_st *sgn_pubkey_evp(const struct sgn_pubkey *k);
/*
 * Takes a reference on pkey.  spki, when not NULL, is the key's DER
 * SubjectPublicKeyInfo as found (in a certificate, say); without it the
 * key is encoded again, which OpenSSL 3 makes slow.
 */
sgn_err	sgn_pubkey_from_evp(struct evp_pkey_st *pkey, const uint8_t *spki,
	    size_t spki_len, struct sgn_pubkey **out, struct sgn_errbuf *eb);
/* 1 when a and b are the same public key (whatever their encodings). */
int	sgn_pubkey_equal(const struct sgn_pubkey *a,
	    const struct sgn_pubkey *b);

/*
 * Verifies sig over msg.  ECDSA and RSA hash msg with hash; Ed25519 signs
 * msg itself (pure) and requires hash == SGN_HASH_NONE (any other is
 * SGN_ERR_UNSUPPORTED).  Returns SGN_ERR_VERIFY (with a message) when the
 * signature is wrong or empty.
 */
sgn_err	sgn_pubkey_verify(const struct sgn_pubkey *k, sgn_hash_alg hash,
	    const uint8_t *msg, size_t msglen, const uint8_t *sig,
	    size_t siglen, struct sgn_errbuf *eb);

/*
 * Verifies sig over a precomputed digest (ECDSA and RSA only; a pure
 * Ed25519 signature cannot be checked against a digest:
 * SGN_ERR_UNSUPPORTED).
 */
sgn_err	sgn_pubkey_verify_digest(const struct sgn_pubkey *k,
	    sgn_hash_alg hash, const uint8_t *digest, size_t dlen,
	    const uint8_t *sig, size_t siglen, struct sgn_errbuf *eb);

/* PEM text of a public key ("PUBLIC KEY"); *pem is malloc'd. */
sgn_err	sgn_pubkey_to_pem(const struct sgn_pubkey *k, char **pem,
	    struct sgn_errbuf *eb);

#define SGN_PUBKEY_HINT_LEN 65

/*
 * The key hint of OpenSSF model signing (model_signing's key method,
 * verificationMaterial.publicKey.hint): lowercase hex of the SHA-256 of
 * the key's PEM SubjectPublicKeyInfo text, header and footer lines and
 * final newline included, as PEM_write_bio_PUBKEY writes it for the
 * canonical DER (EC points uncompressed, whatever form the key was read
 * from).  hint receives 64 hex digits and a NUL.
 */
sgn_err	sgn_pubkey_pem_hint(const struct sgn_pubkey *k,
	    char hint[SGN_PUBKEY_HINT_LEN], struct sgn_errbuf *eb);

/* Signers ---------------------------------------------------------------- */

/*
 * A signer holds a private key (or reaches one) and signs.  One interface,
 * one implementation per kind of key: ephemeral keys, PEM and cosign key
 * files, and P-256 keys from a private scalar (pkg/fido derives them from
 * a security key's hmac-secret).  The private key never leaves the signer
 * and is wiped when it is freed.
 */
struct sgn_signer;

/* A fresh key in memory only (keyless signing) of type: ECDSA P-256 (what
 * keyless signing uses), P-384 or P-521, or Ed25519; any other type
 * (RSA, SGN_KEY_UNKNOWN) is SGN_ERR_UNSUPPORTED. */
sgn_err	sgn_signer_ephemeral(sgn_key_type type, struct sgn_signer **out,
	    struct sgn_errbuf *eb);

/*
 * An ECDSA P-256 key from its private scalar d (32 bytes, big-endian), for
 * keys derived rather than generated (pkg/fido).  d must lie in [1, n-1]
 * (n the group order): 0 or a value >= n is SGN_ERR_INVALID_ARGUMENT.
 * The public point is computed here.  d stays the caller's to wipe; the
 * copies made here are wiped.
 */
sgn_err	sgn_signer_from_p256_scalar(const uint8_t d[32],
	    struct sgn_signer **out, struct sgn_errbuf *eb);

/*
 * A private key from PEM text (at most SGN_MAX_KEY_FILE_BYTES): the first
 * block labelled "PRIVATE KEY" (PKCS#8), "EC PRIVATE KEY" (SEC1),
 * "ENCRYPTED PRIVATE KEY" (PKCS#8, PBES2 or PBES1), or cosign's
 * "ENCRYPTED SIGSTORE PRIVATE KEY" and older "ENCRYPTED COSIGN PRIVATE
 * KEY" (scrypt and secretbox over PKCS#8, below); text and other blocks
 * before it are skipped (key files often start with a text dump of the
 * key).  A SEC1 block may be encrypted the legacy way ("Proc-Type:
 * 4,ENCRYPTED").  An encrypted key needs passphrase (NULL when none was
 * given: SGN_ERR_PIN_REQUIRED, so that a caller can ask for one and try
 * again; an empty passphrase is a passphrase).  A wrong passphrase is
 * SGN_ERR_PIN_REQUIRED for the PKCS#8 and legacy encryptions, whose
 * padding check cannot tell it from a damaged key, and SGN_ERR_VERIFY
 * ("wrong password") for cosign's, whose authenticated encryption can.
 * A cosign key with scrypt parameters over the SGN_COSIGN_MAX_SCRYPT_*
 * caps is SGN_ERR_LIMIT, before any work.  The passphrase stays the
 * caller's to wipe; decrypted key bytes are wiped here.  Keys of the kinds
 * struct sgn_pubkey knows are accepted (ECDSA P-256, P-384, P-521,
 * Ed25519, RSA); EC keys must hold a public point that matches the
 * private scalar.
 */
sgn_err	sgn_signer_from_pem(const char *pem, size_t len,
	    const struct sgn_secret *passphrase, struct sgn_signer **out,
	    struct sgn_errbuf *eb);
void	sgn_signer_free(struct sgn_signer **sp);
/* The public half (owned by the signer). */
const struct sgn_pubkey *sgn_signer_pubkey(const struct sgn_signer *s);
/*
 * Signs msg (hashed with the key's default hash; Ed25519 signs it whole).
 * *sig is malloc'd: DER for ECDSA, raw for Ed25519.
 */
sgn_err	sgn_signer_sign(struct sgn_signer *s, const uint8_t *msg,
	    size_t len, uint8_t **sig, size_t *siglen, struct sgn_errbuf *eb);
/* Signs a digest computed with hash (ECDSA and RSA only). */
sgn_err	sgn_signer_sign_digest(struct sgn_signer *s, sgn_hash_alg hash,
	    const uint8_t *digest, size_t dlen, uint8_t **sig, size_t *siglen,
	    struct sgn_errbuf *eb);

/* cosign key files ------------------------------------------------------ */

/*
 * cosign's encrypted private keys, as `cosign generate-key-pair`,
 * sigstore/sigstore's cryptoutils and sigstore-rs write them: a PEM block
 * labelled "ENCRYPTED SIGSTORE PRIVATE KEY" (older cosign: "ENCRYPTED
 * COSIGN PRIVATE KEY") around the JSON of go-securesystemslib's
 * encrypted package,
 *
 *	{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},
 *	"salt":"<32 bytes>"},"cipher":{"name":"nacl/secretbox",
 *	"nonce":"<24 bytes>"},"ciphertext":"<secretbox of PKCS#8 DER>"}
 *
 * with bytes in padded standard base64.  The secretbox key is the 32 bytes
 * of scrypt(password, salt, N, r, p); the ciphertext is NaCl's
 * XSalsa20-Poly1305 box, tag first, over the key's PKCS#8 DER.
 *
 * Written with the parameters cosign writes (go-securesystemslib's
 * "standard" level, N=65536 r=8 p=1), which go-securesystemslib (cosign,
 * sigstore/sigstore) and sigstore-rs both read: the first accepts only
 * N=32768, 65536 or 131072 with r=8 p=1, the second only N=32768 or 65536.
 * Read with any parameters within the caps below, so that a hostile file
 * cannot make signet allocate gigabytes or spin for minutes.
 */
#define SGN_COSIGN_SCRYPT_N		65536u
#define SGN_COSIGN_SCRYPT_R		8u
#define SGN_COSIGN_SCRYPT_P		1u
#define SGN_COSIGN_MAX_SCRYPT_N		(1u << 20)	/* a power of two */
#define SGN_COSIGN_MAX_SCRYPT_R		32u
#define SGN_COSIGN_MAX_SCRYPT_P		16u
#define SGN_COSIGN_MAX_SCRYPT_MEM	(256u << 20)	/* 128 * N * r bytes */
#define SGN_COSIGN_MAX_SCRYPT_WORK	(1u << 22)	/* N * r * p */

/*
 * A fresh ECDSA P-256 key (cosign's default) as cosign writes it: priv_pem
 * receives the "ENCRYPTED SIGSTORE PRIVATE KEY" PEM text (fresh random salt
 * and nonce), pub_pem the "PUBLIC KEY" PEM text (SubjectPublicKeyInfo).
 * Both buffers are reset first and hold NUL-terminated text on success;
 * on failure both are empty.  password must not be NULL; an empty one is
 * allowed (cosign allows it: the key is still encrypted, under the empty
 * password), and it may be at most 1024 bytes, as sgn_signer_from_pem()
 * reads.  It stays the caller's to wipe; the key's plaintext bytes and the
 * derived key are wiped here.  Writing the files is the caller's: cosign
 * writes the private key with mode 0600 (the public one 0644) and asks
 * before overwriting an existing private key.
 */
sgn_err	sgn_cosign_key_generate(const struct sgn_secret *password,
	    struct sgn_buf *priv_pem, struct sgn_buf *pub_pem,
	    struct sgn_errbuf *eb);

/* PEM ------------------------------------------------------------------ */

/*
 * The DER of the first PEM block of (pem, len) whose label is one of
 * labels[0 .. n-1] ("CERTIFICATE", "PUBLIC KEY").  Blocks with other labels
 * before it are skipped when skip is set, refused otherwise.  what names
 * the block in messages ("no PEM <what> found").  *which (may be NULL) is
 * the index of the label found; *der is malloc'd.  SGN_ERR_PARSE when
 * there is no such block.
 */
sgn_err	sgn_pem_block(const char *pem, size_t len, const char *const *labels,
	    size_t n, const char *what, int skip, size_t *which, uint8_t **der,
	    size_t *dlen, struct sgn_errbuf *eb);

/* Sigstore PublicKeyDetails names ------------------------------------- */

/*
 * Maps a PublicKeyDetails name to the key type, hash and RSA padding it
 * implies.  Returns 0 for unknown or unsupported names.
 */
int	sgn_key_details_parse(const char *name, sgn_key_type *type,
	    sgn_hash_alg *hash, sgn_rsa_padding *pad);
/* The canonical name for a key as Rekor v2 records it. */
const char *sgn_key_details_name(const struct sgn_pubkey *k);

SGN_API_END

#ifdef __cplusplus
}
#endif

#endif /* SGN_KEYS_H */
