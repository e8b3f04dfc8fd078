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

#endif /* SGN_KEYS_INT_H */
