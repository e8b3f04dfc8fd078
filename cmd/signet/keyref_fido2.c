/*
 * FIDO2-derived keys on the command line.  Not yet available: a clear
 * error until pkg/fido lands.
 */
#include "cli.h"
#include "keyref.h"

sgn_err
keyref_fido2_signer(const char *keyfile, struct sgn_signer **out,
    struct sgn_errbuf *eb)
{
	*out = NULL;
	return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "fido2:%s: FIDO2 keys are "
	    "not supported yet", keyfile);
}

sgn_err
keyref_fido2_pubkey(const char *keyfile, struct sgn_pubkey **out,
    struct sgn_errbuf *eb)
{
	*out = NULL;
	return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "fido2:%s: FIDO2 keys are "
	    "not supported yet", keyfile);
}

int
key_fido2_generate(const struct cli_args *a, const char *name, int force)
{
	(void)a;
	(void)force;
	cli_err("key generate --fido2 -o %s: FIDO2 keys are not supported "
	    "yet", name);
	return 2;
}

int
key_fido2_list(const struct cli_args *a)
{
	(void)a;
	cli_err("key list-devices: FIDO2 keys are not supported yet");
	return 2;
}
