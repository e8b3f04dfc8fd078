/*
 * Key references on the command line: a private key file (PEM: PKCS#8,
 * SEC1, encrypted PKCS#8, or cosign's encrypted format) for signing, a
 * public key file for verifying and logging.  Passwords come from
 * $SIGNET_PASSWORD, $COSIGN_PASSWORD or the terminal (no echo), and are
 * wiped after use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "keyref.h"
#include "keys.h"

sgn_err
keyref_read_line(struct sgn_secret *out, struct sgn_errbuf *eb)
{
	char	line[1024];
	sgn_err	r;

	if (fgets(line, sizeof(line), stdin) == NULL) {
		sgn_memzero(line, sizeof(line));
		return sgn_errf(eb, SGN_ERR_IO, "nothing read");
	}
	r = sgn_secret_set(out, line, strcspn(line, "\r\n"), eb);
	sgn_memzero(line, sizeof(line));
	return r;
}

/* A line from the terminal without echo into out. */
sgn_err
keyref_read_secret(const char *prompt, struct sgn_secret *out,
    struct sgn_errbuf *eb)
{
	struct termios	 old, quiet;
	sgn_err		 r;

	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "%s: no terminal to "
		    "ask on", prompt);
	fprintf(stderr, "%s: ", prompt);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return sgn_errf(eb, SGN_ERR_IO, "terminal: cannot read");
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	r = keyref_read_line(out, eb);
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return r;
}

sgn_err
keyref_password(const char *what, struct sgn_secret *out,
    struct sgn_errbuf *eb)
{
	const char	*env = getenv("SIGNET_PASSWORD");
	char		 prompt[512];
	sgn_err		 r;

	if (env == NULL)
		env = getenv("COSIGN_PASSWORD");
	if (env != NULL)
		return sgn_secret_set(out, env, strlen(env), eb);
	(void)snprintf(prompt, sizeof(prompt), "Password for %s", what);
	r = keyref_read_secret(prompt, out, eb);
	if (r == SGN_ERR_PIN_REQUIRED) {
		sgn_errbuf_clear(eb);
		return sgn_errf(eb, r, "%s is encrypted: set SIGNET_PASSWORD "
		    "(or COSIGN_PASSWORD) or run on a terminal", what);
	}
	return r;
}

const char *
keyref_name(const char *ref)
{
	static char buf[512];
	const char *q;

	if (strncmp(ref, "pkcs11:", 7) != 0 || (q = strchr(ref, '?')) ==
	    NULL)
		return ref;
	(void)snprintf(buf, sizeof(buf), "%.*s?...", (int)(q - ref), ref);
	return buf;
}

/* A FIDO2 key file (signet key generate --fido2) given without fido2:. */
static int
is_fido2_file(const uint8_t *p, size_t len)
{
	return memmem(p, len, "\"signet-fido2-key\"", 18) != NULL;
}

static int
has(const uint8_t *p, size_t len, const char *s)
{
	return memmem(p, len, s, strlen(s)) != NULL;
}

#ifndef SGN_VERIFY_ONLY
sgn_err
keyref_signer(const char *ref, const struct cli_args *a,
    struct sgn_signer **out, struct sgn_errbuf *eb)
{
	struct sgn_secret	 pw;
	uint8_t			*pem = NULL;
	size_t			 len;
	sgn_err			 r;

	memset(&pw, 0, sizeof(pw));
	if (strncmp(ref, "fido2:", 6) == 0)
		return keyref_fido2_signer(ref + 6, a, out, eb);
	if (a != NULL && (cli_get(a, "device") != NULL ||
	    cli_get(a, "pin-file") != NULL))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "--device and "
		    "--pin-file go with --key fido2:NAME.key");
	if (strncmp(ref, "pkcs11:", 7) == 0)
		return keyref_pkcs11_signer(ref, out, eb);
	if ((r = sgn_file_read(ref, SGN_MAX_KEY_FILE_BYTES, &pem, &len,
	    eb)) != SGN_OK)
		return r;
	if (is_fido2_file(pem, len))
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "a FIDO2 key file: "
		    "give --key fido2:%s", ref);
	else if (has(pem, len, "-----BEGIN PUBLIC KEY-----") &&
	    !has(pem, len, "PRIVATE KEY-----"))
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "a public key: "
		    "signing needs the private key (the public key goes to "
		    "verify --key and log --key)");
	else
		r = sgn_signer_from_pem((const char *)pem, len, NULL, out, eb);
	if (r == SGN_ERR_PIN_REQUIRED) {
		sgn_errbuf_clear(eb);
		if ((r = keyref_password(ref, &pw, eb)) == SGN_OK)
			r = sgn_signer_from_pem((const char *)pem, len, &pw,
			    out, eb);
	}
	sgn_secret_reset(&pw);
	sgn_memzero(pem, len);
	free(pem);
	return r;
}
#endif

sgn_err
keyref_pubkey(const char *ref, struct sgn_pubkey **out, struct sgn_errbuf *eb)
{
	uint8_t	*pem = NULL;
	size_t	 len;
	sgn_err	 r;

	if (strncmp(ref, "fido2:", 6) == 0)
		return keyref_fido2_pubkey(ref + 6, out, eb);
	if (strncmp(ref, "pkcs11:", 7) == 0) {
#ifdef SGN_VERIFY_ONLY
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "PKCS#11 keys are not "
		    "available in the verify-only build: give the public key "
		    "as a PEM file");
#else
		return keyref_pkcs11_pubkey(ref, out, eb);
#endif
	}
	if ((r = sgn_file_read(ref, SGN_MAX_KEY_FILE_BYTES, &pem, &len,
	    eb)) != SGN_OK)
		return r;
	if (is_fido2_file(pem, len))
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "a FIDO2 key file: "
		    "give --key fido2:%s", ref);
	else if (has(pem, len, "PRIVATE KEY-----"))
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "a private key: "
		    "give the public key (NAME.pub)");
	else
		r = sgn_pubkey_from_pem((const char *)pem, len, out, eb);
	sgn_memzero(pem, len);
	free(pem);
	return r;
}
