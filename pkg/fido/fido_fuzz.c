/*
 * libFuzzer harness for the FIDO2 key-file parser of pkg/fido.  No input
 * may crash it; a file that parses must write back to bytes that parse to
 * the same key.  Seeds (testdata/fuzz/fido_fuzz/): key files made by the
 * software authenticator, and the parser's negative cases.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fido.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_fido_key	*k = NULL, *back = NULL;
	struct sgn_buf		 b;

	if (sgn_fido_key_parse(data, size, &k, NULL) != SGN_OK)
		return 0;
	memset(&b, 0, sizeof(b));
	if (sgn_fido_key_write(k, &b, NULL) != SGN_OK ||
	    sgn_fido_key_parse(b.ptr, b.len, &back, NULL) != SGN_OK ||
	    strcmp(k->rp_id, back->rp_id) != 0 ||
	    k->cred_id_len != back->cred_id_len ||
	    memcmp(k->cred_id, back->cred_id, k->cred_id_len) != 0 ||
	    memcmp(k->salt, back->salt, sizeof(k->salt)) != 0 ||
	    k->uv != back->uv || k->version != back->version ||
	    !sgn_pubkey_equal(k->pub, back->pub))
		abort();
	sgn_buf_reset(&b);
	sgn_fido_key_free(&back);
	sgn_fido_key_free(&k);
	return 0;
}
