/*
 * keys_int.h: what the files of pkg/keys share and callers do not see.
 */
#ifndef SGN_KEYS_INT_H
#define SGN_KEYS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

/* The PEM labels of cosign's encrypted private keys (cosign.c). */
#define SGN_COSIGN_PEM_LABEL		"ENCRYPTED SIGSTORE PRIVATE KEY"
#define SGN_COSIGN_PEM_LABEL_OLD	"ENCRYPTED COSIGN PRIVATE KEY"

/*
 * Decrypts the body of a cosign key block (the JSON document the PEM
 * base64 wraps) into the PKCS#8 DER it holds.  The whole document is
 * checked before any work: SGN_ERR_PARSE when it is malformed,
 * SGN_ERR_UNSUPPORTED for another KDF or cipher, SGN_ERR_LIMIT for scrypt
 * parameters over signet's caps; then SGN_ERR_PIN_REQUIRED when password is
 * NULL, and SGN_ERR_VERIFY when the password is wrong (or the ciphertext
 * was altered: the two cannot be told apart).  *der comes from
 * OPENSSL_secure_malloc(); the caller frees it with
 * OPENSSL_secure_clear_free(*der, *dlen).
 */
sgn_err	sgn_cosign_decrypt(const uint8_t *body, size_t len,
	    const struct sgn_secret *password, uint8_t **der, size_t *dlen,
	    struct sgn_errbuf *eb);

/*
 * Signers whose key lives elsewhere (pkg/pkcs11: a token): the library's
 * areas plug them in behind the one signer interface.  sign_digest signs
 * a digest of hash (the key's default hash for whole messages, which the
 * signer hashes first) and returns a malloc'd signature in the form
 * sgn_signer_sign() promises (DER for ECDSA).  free releases ctx; it is
 * called once, when the signer is freed (and on failure here).
 */
struct sgn_signer_ext {
	sgn_err	(*sign_digest)(void *ctx, sgn_hash_alg hash,
		    const uint8_t *digest, size_t dlen, uint8_t **sig,
		    size_t *siglen, struct sgn_errbuf *eb);
	void	(*free)(void *ctx);
};

/* Takes pub and ctx, whatever the outcome.  Ed25519 keys are refused
 * (they sign messages, not digests). */
sgn_err	sgn_signer_external(const struct sgn_signer_ext *ops, void *ctx,
	    struct sgn_pubkey *pub, struct sgn_signer **out,
	    struct sgn_errbuf *eb);

#endif /* SGN_KEYS_INT_H */
