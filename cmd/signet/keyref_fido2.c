/*
 * FIDO2-derived keys on the command line: signet key generate --fido2,
 * signet key list-devices, and --key fido2:NAME.key.
 *
 * The authenticator is --device PATH (key generate, sign) or
 * $SIGNET_FIDO2_DEVICE, else the only one connected.  The PIN comes from
 * --pin-file (key generate, sign), $SIGNET_PIN, or the terminal (no echo),
 * and
 * is wiped after use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fido.h"
#include "keyref.h"

struct fido_ui {
	struct sgn_secret	pin;	/* from the environment or a file */
};

#ifndef SGN_VERIFY_ONLY
/* make VERIFY_ONLY=1: a key file's public key only, no authenticator. */
static sgn_err
ask_pin(void *ctx, int retries, int wrong, struct sgn_secret *pin,
    struct sgn_errbuf *eb)
{
	char	prompt[128];

	(void)ctx;
	if (retries >= 0)
		(void)snprintf(prompt, sizeof(prompt), "%sPIN of the security "
		    "key (%d tries left)", wrong ? "Wrong PIN. " : "",
		    retries);
	else
		(void)snprintf(prompt, sizeof(prompt), "%sPIN of the security "
		    "key", wrong ? "Wrong PIN. " : "");
	return keyref_read_secret(prompt, pin, eb);
}

static void
touch(void *ctx, const char *what)
{
	(void)ctx;
	fprintf(stderr, "signet: touch the security key (%s)\n", what);
}

/* Options from the environment (and --device, --rp-id, --pin-file). */
static sgn_err
fido_opts(const struct cli_args *a, struct fido_ui *ui,
    struct sgn_fido_opts *o, const char *name, struct sgn_errbuf *eb)
{
	const char	*pin = getenv("SIGNET_PIN"), *f;
	uint8_t		*buf = NULL;
	size_t		 len;
	sgn_err		 r;

	memset(o, 0, sizeof(*o));
	o->device = getenv("SIGNET_FIDO2_DEVICE");
	o->name = name;
	if (a != NULL && cli_get(a, "device") != NULL)
		o->device = cli_get(a, "device");
	if (a != NULL)
		o->rp_id = cli_get(a, "rp-id");
	if (a != NULL && (f = cli_get(a, "pin-file")) != NULL) {
		if ((r = sgn_file_read(f, 256, &buf, &len, eb)) != SGN_OK)
			return r;
		while (len > 0 && (buf[len - 1] == '\n' ||
		    buf[len - 1] == '\r'))
			len--;
		r = sgn_secret_set(&ui->pin, buf, len, eb);
		sgn_memzero(buf, len);
		free(buf);
		if (r != SGN_OK)
			return r;
		o->pin = &ui->pin;
	} else if (pin != NULL) {
		if ((r = sgn_secret_set(&ui->pin, pin, strlen(pin), eb)) !=
		    SGN_OK)
			return r;
		o->pin = &ui->pin;
	}
	o->pin_fn = ask_pin;
	o->pin_ctx = ui;
	o->touch_fn = touch;
	o->touch_ctx = ui;
	return SGN_OK;
}

sgn_err
keyref_fido2_signer(const char *keyfile, const struct cli_args *a,
    struct sgn_signer **out, struct sgn_errbuf *eb)
{
	struct sgn_fido_opts	 o;
	struct fido_ui		 ui;
	uint8_t			*buf = NULL;
	size_t			 len;
	sgn_err			 r;

	memset(&ui, 0, sizeof(ui));
	if ((r = sgn_file_read(keyfile, SGN_FIDO_MAX_KEY_FILE, &buf, &len,
	    eb)) == SGN_OK &&
	    (r = fido_opts(a, &ui, &o, keyfile, eb)) == SGN_OK)
		r = sgn_fido_signer(buf, len, &o, out, eb);
	sgn_secret_reset(&ui.pin);
	free(buf);
	return r;
}
#endif

sgn_err
keyref_fido2_pubkey(const char *keyfile, struct sgn_pubkey **out,
    struct sgn_errbuf *eb)
{
	struct sgn_fido_key	*k = NULL;
	uint8_t			*buf = NULL;
	size_t			 len;
	sgn_err			 r;

	if ((r = sgn_file_read(keyfile, SGN_FIDO_MAX_KEY_FILE, &buf, &len,
	    eb)) == SGN_OK &&
	    (r = sgn_fido_key_parse(buf, len, &k, eb)) == SGN_OK)
		r = sgn_pubkey_from_der(sgn_pubkey_spki_ptr(k->pub),
		    sgn_pubkey_spki_len(k->pub), out, eb);
	sgn_fido_key_free(&k);
	free(buf);
	return r;
}

#ifndef SGN_VERIFY_ONLY
int
key_fido2_generate(const struct cli_args *a, const char *name, int force)
{
	struct sgn_fido_opts	 o;
	struct fido_ui		 ui;
	struct sgn_errbuf	 eb;
	struct sgn_buf		 kf, pub;
	char			*kpath = NULL, *ppath = NULL, *pem = NULL;
	int			 rc = 2;
	sgn_err			 r;

	memset(&ui, 0, sizeof(ui));
	sgn_buf_init(&kf, 0);
	sgn_buf_init(&pub, 0);
	sgn_errbuf_clear(&eb);
	if (key_file_names(name, force, &kpath, &ppath) != 0)
		goto out;
	if ((r = fido_opts(a, &ui, &o, kpath, &eb)) != SGN_OK ||
	    (r = sgn_fido_generate(&o, &kf, &pem, &eb)) != SGN_OK ||
	    (r = sgn_buf_append(&pub, pem, strlen(pem), &eb)) != SGN_OK ||
	    (r = key_file_put(kpath, &kf, 0600, force, &eb)) != SGN_OK ||
	    (r = key_file_put(ppath, &pub, 0644, force, &eb)) != SGN_OK) {
		cli_err("key generate --fido2: %s", eb.msg);
		goto out;
	}
	fprintf(stderr, "signet: wrote %s (a FIDO2 credential: nothing "
	    "secret) and %s; sign with --key fido2:%s\n", kpath, ppath,
	    kpath);
	rc = 0;
out:
	sgn_secret_reset(&ui.pin);
	sgn_buf_reset(&kf);
	sgn_buf_reset(&pub);
	free(pem);
	free(kpath);
	free(ppath);
	return rc;
}

int
key_fido2_list(const struct cli_args *a)
{
	struct sgn_fido_device	*list = NULL;
	struct sgn_errbuf	 eb;
	size_t			 n = 0, i;
	sgn_err			 r;

	(void)a;
	sgn_errbuf_clear(&eb);
	if ((r = sgn_fido_list_devices(&list, &n, &eb)) != SGN_OK)
		return cli_fail(r, &eb);
	if (n == 0)
		fprintf(stderr, "signet: no FIDO2 authenticator found\n");
	for (i = 0; i < n; i++)
		printf("%s\t%04x:%04x\t%s %s\n", list[i].path,
		    list[i].vendor_id, list[i].product_id,
		    list[i].manufacturer != NULL ? list[i].manufacturer : "",
		    list[i].product != NULL ? list[i].product : "");
	sgn_fido_devices_free(&list, &n);
	return 0;
}
#endif /* !SGN_VERIFY_ONLY */
