/*
 * pkcs11: keys on PKCS#11 tokens (HSMs, PIV applets, smart cards), named
 * by RFC 7512 URIs as cosign writes them, and signers over them.
 *
 * Private to libsignet (not installed): cmd/signet turns `--key pkcs11:...`
 * into a signer here.  The module (a shared object named by its path) is
 * loaded with dlopen() on first use; nothing here reads the environment
 * or prompts: the caller chooses the module and hands in the PIN through
 * a callback.  Left out of the verify-only build.
 */
#ifndef SGN_PKCS11_H
#define SGN_PKCS11_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "keys.h"

/* The longest URI read (the whole of one --key value). */
#define SGN_P11_MAX_URI		4096u
/* The longest attribute value once decoded. */
#define SGN_P11_MAX_ATTR	1024u

/* CKO_* object classes the URI's type= may name. */
typedef enum sgn_p11_type {
	SGN_P11_TYPE_ANY = 0,
	SGN_P11_TYPE_PRIVATE,
	SGN_P11_TYPE_PUBLIC,
} sgn_p11_type;

/*
 * A parsed URI.  Strings are NUL-terminated copies (NULL when absent);
 * id is bytes (has_id set when given, even empty).  pin_value is a
 * secret.
 */
struct sgn_p11_uri {
	/* path attributes: which token */
	char			*token;
	char			*manufacturer;
	char			*model;
	char			*serial;
	int			 has_slot_id;
	unsigned long		 slot_id;
	/* path attributes: which object */
	char			*object;
	uint8_t			*id;
	size_t			 id_len;
	int			 has_id;
	sgn_p11_type		 type;
	/* query attributes */
	char			*module_path;
	char			*pin_source;
	struct sgn_secret	 pin_value;
	int			 has_pin_value;
};

/*
 * Parses "pkcs11:PATH[?QUERY]" (RFC 7512): path attributes separated by
 * ';', query attributes by '&', each NAME=VALUE with the value
 * percent-decoded (a '%' must be followed by two hex digits).  Refused
 * (SGN_ERR_PARSE, one line naming the attribute, never a value): another
 * scheme, an unknown attribute (vendor "x-" ones included), an attribute
 * given twice, a path attribute in the query or a query one in the path,
 * an attribute without '=', an empty value, a character the RFC does not
 * allow unencoded, a NUL in a text value, a type other than private or
 * public, a slot-id that is not a decimal number.  Supported but not
 * matched yet (library-*, slot-description, slot-manufacturer,
 * module-name): SGN_ERR_UNSUPPORTED.  Over SGN_P11_MAX_URI bytes, or a
 * value over SGN_P11_MAX_ATTR: SGN_ERR_LIMIT.  u is reset first, and
 * left empty on failure.
 */
sgn_err	sgn_p11_uri_parse(const char *s, size_t len, struct sgn_p11_uri *u,
	    struct sgn_errbuf *eb);
/* Frees the strings and wipes the PIN; u is left empty. */
void	sgn_p11_uri_reset(struct sgn_p11_uri *u);
/*
 * The PIN for the token: called once, when the session needs a login.
 * label is the token's label (blank-trimmed).  Returns SGN_OK with pin
 * set, or an error (message in eb) that stops the work.
 */
typedef sgn_err	(*sgn_p11_pin_fn)(void *arg, const char *label,
		    struct sgn_secret *pin, struct sgn_errbuf *eb);

/*
 * A signer over the private key the URI names, in the module at
 * module_path (an absolute path).  Exactly one token must match the
 * token attributes, and on it exactly one private key with the object
 * attributes; the key must have CKA_SIGN.  ECDSA P-256 and P-384 keys
 * sign with CKM_ECDSA over the SHA-256 / SHA-384 digest (the raw r||s
 * re-encoded as DER); RSA keys of 2048 bits and more with CKM_RSA_PKCS_PSS
 * (SHA-256, MGF1-SHA-256, 32-byte salt), and their public key says PSS.
 * The public key is read from the token (the public key object with the
 * same id, or else label; for RSA the private object's modulus and
 * exponent will do).  Errors: SGN_ERR_UNSUPPORTED when the module cannot
 * be loaded or is not a PKCS#11 module, SGN_ERR_INVALID_ARGUMENT when
 * no (or more than one) token or key matches or the key cannot sign,
 * SGN_ERR_PIN_REQUIRED when the PIN is wrong or locked; never the PIN.
 */
sgn_err	sgn_p11_signer(const char *module_path, const struct sgn_p11_uri *u,
	    sgn_p11_pin_fn pin_fn, void *pin_arg, struct sgn_signer **out,
	    struct sgn_errbuf *eb);

/*
 * The public key of the key the URI names, as sgn_p11_signer() would
 * read it (no login unless the token requires one for public objects:
 * then pin_fn is asked).
 */
sgn_err	sgn_p11_pubkey(const char *module_path, const struct sgn_p11_uri *u,
	    sgn_p11_pin_fn pin_fn, void *pin_arg, struct sgn_pubkey **out,
	    struct sgn_errbuf *eb);

/* One signing key found by sgn_p11_list(). */
struct sgn_p11_entry {
	char		*token;		/* label, blank-trimmed */
	char		*label;		/* the key's CKA_LABEL, or NULL */
	char		*uri;		/* pkcs11:token=...;object=...;id=... */
	char		*kind;		/* "ECDSA P-256", "RSA-2048", ... */
};

/*
 * The tokens of the module and the private keys with CKA_SIGN on them
 * (a login per token that needs one, through pin_fn; a token whose PIN
 * is not given is listed without keys, tokens[] still names it).
 */
sgn_err	sgn_p11_list(const char *module_path, sgn_p11_pin_fn pin_fn,
	    void *pin_arg, struct sgn_p11_entry **entries, size_t *n,
	    char ***tokens, size_t *ntokens, struct sgn_errbuf *eb);
void	sgn_p11_list_free(struct sgn_p11_entry **entries, size_t n,
	    char ***tokens, size_t ntokens);

#endif /* SGN_PKCS11_H */
