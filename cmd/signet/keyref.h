/*
 * keyref.h: keys named on the command line (cmd/signet only).
 */
#ifndef SGN_CMD_KEYREF_H
#define SGN_CMD_KEYREF_H

#include "core.h"
#include "keys.h"

/*
 * A signer for ref: "fido2:NAME.key" (a FIDO2-derived key: the
 * authenticator, a touch, the PIN where set), "pkcs11:..." (a key on a
 * PKCS#11 token, RFC 7512), or a private key file,
 * asking for its password when it is encrypted.
 */
struct cli_args;
/* a: the command's --device and --pin-file (fido2:), or NULL. */
sgn_err	keyref_signer(const char *ref, const struct cli_args *a,
	    struct sgn_signer **out, struct sgn_errbuf *eb);
/* The public key of ref: a PEM public key, "fido2:NAME.key", or
 * "pkcs11:..." (read from the token; not in the verify-only build). */
sgn_err	keyref_pubkey(const char *ref, struct sgn_pubkey **out,
	    struct sgn_errbuf *eb);
/* A password: $SIGNET_PASSWORD, $COSIGN_PASSWORD, or the terminal. */
sgn_err	keyref_password(const char *what, struct sgn_secret *out,
	    struct sgn_errbuf *eb);
/* A line from stdin, its end of line dropped; the copy is wiped. */
sgn_err	keyref_read_line(struct sgn_secret *out, struct sgn_errbuf *eb);
/* A line from the terminal, not echoed. */
sgn_err	keyref_read_secret(const char *prompt, struct sgn_secret *out,
	    struct sgn_errbuf *eb);

/* ref as messages may show it: a pkcs11: URI without its query values
 * (a pin-value), anything else as is.  A static buffer. */
const char *keyref_name(const char *ref);

/* PKCS#11 (keyref_pkcs11.c): ref is the whole "pkcs11:..." URI. */
sgn_err	keyref_pkcs11_signer(const char *ref, struct sgn_signer **out,
	    struct sgn_errbuf *eb);
sgn_err	keyref_pkcs11_pubkey(const char *ref, struct sgn_pubkey **out,
	    struct sgn_errbuf *eb);
/* signet key list-pkcs11 [--module M] [--pin-file F]; exit status. */
int	key_pkcs11_list(const struct cli_args *a);

/* FIDO2 (keyref_fido2.c). */
sgn_err	keyref_fido2_signer(const char *keyfile, const struct cli_args *a,
	    struct sgn_signer **out, struct sgn_errbuf *eb);
sgn_err	keyref_fido2_pubkey(const char *keyfile, struct sgn_pubkey **out,
	    struct sgn_errbuf *eb);

/* key.c: NAME.key and NAME.pub (-1 after a message when one exists and
 * force is not set); a key file created afresh, or replaced with force. */
/* keyfile.c */
int	key_file_names(const char *name, int force, char **key, char **pub);
sgn_err	key_file_put(const char *path, const struct sgn_buf *b,
	    unsigned mode, int force, struct sgn_errbuf *eb);

/* signet key generate --fido2 and list-devices; exit statuses. */
int	key_fido2_generate(const struct cli_args *a, const char *name,
	    int force);
int	key_fido2_list(const struct cli_args *a);

#endif /* SGN_CMD_KEYREF_H */
