/*
 * signet key generate / list-devices: key files for signing with a key.
 *
 *   signet key generate [-o NAME]              cosign's encrypted format
 *   signet key generate --fido2 [-o NAME]      a FIDO2-derived key
 *   signet key list-devices                    FIDO2 authenticators
 *   signet key list-pkcs11 [--module M]        keys on PKCS#11 tokens
 *
 * Private key files are created with mode 0600 and never overwritten
 * without --force; passwords and PINs are wiped after use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "keyref.h"
#include "keys.h"

static void
key_usage(FILE *f)
{
	fprintf(f,
	    "usage: signet key generate [--fido2] [-o NAME] [--force]\n"
	    "       signet key list-devices\n"
	    "       signet key list-pkcs11 [--module PATH] [--pin-file F]\n"
	    "\n"
	    "generate writes NAME.key (default: signet) and NAME.pub:\n"
	    "  without --fido2, a P-256 key in cosign's encrypted format\n"
	    "  (ENCRYPTED SIGSTORE PRIVATE KEY), its password from\n"
	    "  SIGNET_PASSWORD, COSIGN_PASSWORD or the terminal (asked "
	    "twice);\n"
	    "  with --fido2, a key derived from a FIDO2 authenticator's\n"
	    "  hmac-secret: NAME.key holds nothing secret, and signing needs\n"
	    "  the authenticator, a touch, and its PIN where one is set.\n"
	    "\n"
	    "  -o, --output NAME        the files' name (NAME.key, NAME.pub)\n"
	    "  --force                  replace existing files\n"
	    "  --fido2                  derive the key from an authenticator\n"
	    "  --device PATH            which authenticator (default: the "
	    "only one)\n"
	    "  --rp-id ID               relying-party id (default: signet)\n"
	    "  --pin-file F             the PIN (also SIGNET_PIN; else the "
	    "terminal)\n"
	    "\n"
	    "list-pkcs11 lists the tokens of a PKCS#11 module (default:\n"
	    "  SIGNET_PKCS11_MODULE, else p11-kit's proxy) and their keys,\n"
	    "  each with the pkcs11: URI to give to --key.\n"
	    "\n"
	    "Sign with `signet sign --key NAME.key` (or --key "
	    "fido2:NAME.key);\n"
	    "verify with `signet verify --key NAME.pub`.\n");
}

/* A password for a new key: the environment, or asked twice. */
static sgn_err
new_password(const char *what, struct sgn_secret *pw, struct sgn_errbuf *eb)
{
	struct sgn_secret	again;
	char			prompt[512];
	sgn_err			r;

	if (getenv("SIGNET_PASSWORD") != NULL ||
	    getenv("COSIGN_PASSWORD") != NULL)
		return keyref_password(what, pw, eb);
	memset(&again, 0, sizeof(again));
	(void)snprintf(prompt, sizeof(prompt), "Password for %s", what);
	if ((r = keyref_read_secret(prompt, pw, eb)) != SGN_OK) {
		if (r == SGN_ERR_PIN_REQUIRED) {
			sgn_errbuf_clear(eb);
			r = sgn_errf(eb, r, "no terminal to ask for a "
			    "password: set SIGNET_PASSWORD (or "
			    "COSIGN_PASSWORD)");
		}
		return r;
	}
	if ((r = keyref_read_secret("The same password again", &again,
	    eb)) != SGN_OK)
		goto out;
	if (again.len != pw->len || (pw->len > 0 &&
	    memcmp(again.ptr, pw->ptr, pw->len) != 0))
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "the passwords "
		    "differ");
out:
	sgn_secret_reset(&again);
	return r;
}

static int
generate_cosign(const char *name, int force)
{
	struct sgn_secret	 pw;
	struct sgn_buf		 priv, pub;
	struct sgn_errbuf	 eb;
	char			*kpath = NULL, *ppath = NULL;
	int			 rc = 2;
	sgn_err			 r;

	memset(&pw, 0, sizeof(pw));
	sgn_buf_init(&priv, 0);
	sgn_buf_init(&pub, 0);
	sgn_errbuf_clear(&eb);
	if (key_file_names(name, force, &kpath, &ppath) != 0)
		goto out;
	if ((r = new_password(kpath, &pw, &eb)) != SGN_OK ||
	    (r = sgn_cosign_key_generate(&pw, &priv, &pub, &eb)) != SGN_OK ||
	    (r = key_file_put(kpath, &priv, 0600, force, &eb)) != SGN_OK ||
	    (r = key_file_put(ppath, &pub, 0644, force, &eb)) != SGN_OK) {
		cli_err("key generate: %s", eb.msg);
		goto out;
	}
	fprintf(stderr, "signet: wrote %s (encrypted, cosign's format) and "
	    "%s\n", kpath, ppath);
	rc = 0;
out:
	sgn_secret_reset(&pw);
	sgn_buf_reset(&priv);
	sgn_buf_reset(&pub);
	free(kpath);
	free(ppath);
	return rc;
}

int
cmd_key(int argc, char **argv)
{
	static char	 output[] = "--output";
	struct cli_args	 a;
	const char	*sub, *name;
	char		*args[64];
	int		 i, n;

	if (argc < 1 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "help") == 0) {
		key_usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	sub = argv[0];
	/* -o is the one short option: cosign's and ssh-keygen's habit */
	if (argc > (int)(sizeof(args) / sizeof(args[0]))) {
		cli_err("key: too many arguments");
		return 2;
	}
	for (i = 1, n = 0; i < argc; i++)
		args[n++] = strcmp(argv[i], "-o") == 0 ? output : argv[i];
	memset(&a, 0, sizeof(a));
	cli_add(&a, "output", CLI_VALUE);
	cli_add(&a, "force", CLI_FLAG);
	cli_add(&a, "fido2", CLI_FLAG);
	cli_add(&a, "device", CLI_VALUE);
	cli_add(&a, "rp-id", CLI_VALUE);
	cli_add(&a, "pin-file", CLI_VALUE);
	cli_add(&a, "module", CLI_VALUE);
	cli_add(&a, "help", CLI_FLAG);
	if (cli_parse(&a, "key", n, args) != 0)
		return 2;
	if (cli_flag(&a, "help")) {
		key_usage(stdout);
		return 0;
	}
	if (a.n_pos != 0) {
		cli_err("key %s: unexpected argument %s", sub, a.pos[0]);
		return 2;
	}
	name = cli_get(&a, "output") != NULL ? cli_get(&a, "output") :
	    "signet";
	if (cli_get(&a, "module") != NULL && strcmp(sub, "list-pkcs11") != 0) {
		cli_err("key %s: --module goes with list-pkcs11", sub);
		return 2;
	}
	if (strcmp(sub, "generate") == 0) {
		if (cli_flag(&a, "fido2"))
			return key_fido2_generate(&a, name,
			    cli_flag(&a, "force"));
		if (cli_get(&a, "device") != NULL ||
		    cli_get(&a, "rp-id") != NULL ||
		    cli_get(&a, "pin-file") != NULL) {
			cli_err("key generate: --device, --rp-id and "
			    "--pin-file go with --fido2");
			return 2;
		}
		return generate_cosign(name, cli_flag(&a, "force"));
	}
	if (strcmp(sub, "list-devices") == 0)
		return key_fido2_list(&a);
	if (strcmp(sub, "list-pkcs11") == 0)
		return key_pkcs11_list(&a);
	cli_err("key: unknown command \"%s\" (generate, list-devices, "
	    "list-pkcs11)", sub);
	return 2;
}
