/*
 * libFuzzer harness for sgn_signer_from_pem(): every input is read twice,
 * as a candidate private key file and as the JSON body of a cosign key
 * (wrapped here in an "ENCRYPTED SIGSTORE PRIVATE KEY" block, so that
 * mutations reach the document's parser without first having to keep
 * the base64 valid).  Each is read as the CLI reads a key: without a
 * passphrase first, then, when the key asks for one, with the fixed
 * password "hello" (the password of cosign's test keys among the seeds).
 * A refusal must say why and hand back nothing; a key it accepts must
 * sign, and the signature must verify with the key's public half.  Seeds
 * (testdata/fuzz/keys_fuzz/): the key files of testdata/keys, cosign keys
 * under "hello" with cosign's and with cheap scrypt parameters (*.json:
 * their bodies), plain and encrypted PKCS#8 and SEC1 keys, and
 * model_signing's test keys.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t msg[] = "fuzz";

static void
one(const char *pem, size_t len)
{
	static char pw_text[] = "hello";
	struct sgn_secret pw = { (uint8_t *)pw_text, sizeof(pw_text) - 1 };
	struct sgn_signer *s = NULL;
	const struct sgn_pubkey *pk;
	struct sgn_errbuf eb;
	uint8_t *sig = NULL;
	size_t siglen = 0;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	r = sgn_signer_from_pem(pem, len, NULL, &s, &eb);
	if (r == SGN_ERR_PIN_REQUIRED) {
		if (s != NULL || eb.msg[0] == '\0')
			abort();
		sgn_errbuf_clear(&eb);
		r = sgn_signer_from_pem(pem, len, &pw, &s, &eb);
	}
	if (r != SGN_OK) {
		if (s != NULL || eb.msg[0] == '\0')
			abort();
		return;
	}
	if (s == NULL || (pk = sgn_signer_pubkey(s)) == NULL)
		abort();
	if (sgn_signer_sign(s, msg, sizeof(msg) - 1, &sig, &siglen, &eb) !=
	    SGN_OK || sgn_pubkey_verify(pk, sgn_pubkey_default_hash(pk), msg,
	    sizeof(msg) - 1, sig, siglen, &eb) != SGN_OK)
		abort();
	free(sig);
	sgn_signer_free(&s);
}

/* data as the body of a cosign PEM block (64-column base64). */
static void
as_cosign_body(const uint8_t *data, size_t size)
{
	static const char head[] = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE "
	    "KEY-----\n";
	static const char tail[] = "-----END ENCRYPTED SIGSTORE PRIVATE "
	    "KEY-----\n";
	struct sgn_buf pem;
	char *b64 = NULL;
	size_t n, i;

	if (size == 0 || sgn_b64_encode(data, size, &b64, NULL) != SGN_OK)
		return;
	sgn_buf_init(&pem, 0);
	n = strlen(b64);
	if (sgn_buf_append(&pem, head, sizeof(head) - 1, NULL) != SGN_OK)
		goto out;
	for (i = 0; i < n; i += 64)
		if (sgn_buf_append(&pem, b64 + i, n - i < 64 ? n - i : 64,
		    NULL) != SGN_OK || sgn_buf_append(&pem, "\n", 1, NULL) !=
		    SGN_OK)
			goto out;
	if (sgn_buf_append(&pem, tail, sizeof(tail) - 1, NULL) != SGN_OK)
		goto out;
	one((const char *)pem.ptr, pem.len);
out:
	sgn_buf_reset(&pem);
	free(b64);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one((const char *)data, size);
	as_cosign_body(data, size);
	return 0;
}
