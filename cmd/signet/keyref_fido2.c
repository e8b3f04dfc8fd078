/*
 * FIDO2-derived keys on the command line.  Not yet available: a clear
 * error until pkg/fido lands.
 */
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
