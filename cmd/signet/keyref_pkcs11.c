/*
 * --key pkcs11:... (RFC 7512) and signet key list-pkcs11: keys on PKCS#11
 * tokens.  The module: the URI's module-path, else $SIGNET_PKCS11_MODULE,
 * else p11-kit's proxy module (every module p11-kit is configured with).
 * The PIN: the URI's pin-source (a file, plain path or file: URI, its
 * trailing newline dropped), its pin-value (with a warning), $SIGNET_PIN,
 * or the terminal; wiped after the login, never in a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "keyref.h"
#include "keys.h"
#include "pkcs11.h"

#ifndef SGN_P11_PROXY_MODULE
#define SGN_P11_PROXY_MODULE	"/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so"
#endif

/* The longest PIN file read. */
#define MAX_PIN_FILE	1024u

struct pin_ctx {
	const struct sgn_p11_uri	*u;
	const char			*pin_file;	/* --pin-file */
};

static sgn_err
pin_from_file(const char *path, struct sgn_secret *pin, struct sgn_errbuf *eb)
{
	uint8_t *p = NULL;
	size_t len = 0;
	sgn_err r;

	if (strncmp(path, "file:", 5) == 0) {
		path += 5;
		/* file: URIs, with an empty authority or none */
		if (strncmp(path, "//", 2) == 0)
			path += 2;
		if (path[0] != '/')
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
			    "pin-source: a file: URI names a local absolute "
			    "path (file:/path or file:///path)");
	}
	if ((r = sgn_file_read(path, MAX_PIN_FILE, &p, &len, eb)) != SGN_OK)
		return r;
	if (len > 0 && p[len - 1] == '\n')
		len--;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	r = sgn_secret_set(pin, p, len, eb);
	sgn_memzero(p, len);
	free(p);
	return r;
}

static sgn_err
get_pin(void *arg, const char *label, struct sgn_secret *pin,
    struct sgn_errbuf *eb)
{
	const struct pin_ctx *c = arg;
	const char *env;
	char prompt[128];
	sgn_err r;

	if (c->u != NULL && c->u->pin_source != NULL)
		return pin_from_file(c->u->pin_source, pin, eb);
	if (c->pin_file != NULL)
		return pin_from_file(c->pin_file, pin, eb);
	if (c->u != NULL && c->u->has_pin_value)
		return sgn_secret_set(pin, c->u->pin_value.ptr,
		    c->u->pin_value.len, eb);
	if ((env = getenv("SIGNET_PIN")) != NULL)
		return sgn_secret_set(pin, env, strlen(env), eb);
	(void)snprintf(prompt, sizeof(prompt), "PIN for token %s", label);
	r = keyref_read_secret(prompt, pin, eb);
	if (r == SGN_ERR_PIN_REQUIRED) {
		sgn_errbuf_clear(eb);
		return sgn_errf(eb, r, "token %s needs its PIN: give "
		    "pin-source in the URI, set SIGNET_PIN or run on a "
		    "terminal", label);
	}
	return r;
}

static const char *
module_of(const struct sgn_p11_uri *u, const char *given)
{
	const char *env;

	if (u != NULL && u->module_path != NULL)
		return u->module_path;
	if (given != NULL)
		return given;
	if ((env = getenv("SIGNET_PKCS11_MODULE")) != NULL && env[0] != '\0')
		return env;
	return SGN_P11_PROXY_MODULE;
}

static sgn_err
parse(const char *ref, struct sgn_p11_uri *u, struct sgn_errbuf *eb)
{
	sgn_err r;

	if ((r = sgn_p11_uri_parse(ref, strlen(ref), u, eb)) != SGN_OK)
		return r;
	if (u->has_pin_value)
		fprintf(stderr, "signet: warning: pin-value puts the PIN on "
		    "the command line (process list, shell history): use "
		    "pin-source or SIGNET_PIN\n");
	return SGN_OK;
}

/*
 * Opens the key ref names on its token: its signer (signer != NULL) or
 * its public key.
 */
static sgn_err
open_key(const char *ref, struct sgn_signer **signer,
    struct sgn_pubkey **pubkey, struct sgn_errbuf *eb)
{
	struct sgn_p11_uri u;
	struct pin_ctx c;
	sgn_err r;

	if ((r = parse(ref, &u, eb)) != SGN_OK)
		return r;
	memset(&c, 0, sizeof(c));
	c.u = &u;
	if (signer != NULL)
		r = sgn_p11_signer(module_of(&u, NULL), &u, get_pin, &c,
		    signer, eb);
	else
		r = sgn_p11_pubkey(module_of(&u, NULL), &u, get_pin, &c,
		    pubkey, eb);
	sgn_p11_uri_reset(&u);
	return r;
}

sgn_err
keyref_pkcs11_signer(const char *ref, struct sgn_signer **out,
    struct sgn_errbuf *eb)
{
	*out = NULL;
	return open_key(ref, out, NULL, eb);
}

sgn_err
keyref_pkcs11_pubkey(const char *ref, struct sgn_pubkey **out,
    struct sgn_errbuf *eb)
{
	*out = NULL;
	return open_key(ref, NULL, out, eb);
}

int
key_pkcs11_list(const struct cli_args *a)
{
	struct sgn_p11_entry *e = NULL;
	struct sgn_errbuf eb;
	struct pin_ctx c;
	const char *mod = module_of(NULL, cli_get(a, "module"));
	char **tokens = NULL;
	size_t n = 0, nt = 0, i;
	int login;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	memset(&c, 0, sizeof(c));
	c.pin_file = cli_get(a, "pin-file");
	/* the private keys with a PIN; without one, the public halves */
	login = c.pin_file != NULL || getenv("SIGNET_PIN") != NULL;
	if ((r = sgn_p11_list(mod, login ? get_pin : NULL, &c, &e, &n,
	    &tokens, &nt, &eb)) != SGN_OK)
		return cli_fail(r, &eb);
	if (nt == 0)
		fprintf(stderr, "signet: no token in %s\n", mod);
	for (i = 0; i < nt; i++)
		printf("token\t%s\n", tokens[i]);
	for (i = 0; i < n; i++)
		printf("key\t%s\t%s\t%s%s%s\n", e[i].kind, e[i].token,
		    e[i].uri, cli_get(a, "module") != NULL ?
		    "?module-path=" : "", cli_get(a, "module") != NULL ?
		    cli_get(a, "module") : "");
	if (!login && n > 0)
		fprintf(stderr, "signet: keys found from their public halves "
		    "(no PIN given: SIGNET_PIN or --pin-file lists the "
		    "private keys)\n");
	sgn_p11_list_free(&e, n, &tokens, nt);
	return 0;
}
