/*
 * libFuzzer harness for the PEM and DER parsers of certificates and
 * public keys: every input goes to sgn_cert_from_pem, sgn_certs_from_pem,
 * sgn_pubkey_from_pem, sgn_cert_from_der and sgn_pubkey_from_der.  What
 * parses must round-trip: a certificate's DER parses again to the same
 * key, a public key's SubjectPublicKeyInfo parses again to an equal key.
 * (Private keys: keys_fuzz.)
 * Seeds (testdata/fuzz/pem_fuzz/): certificates, chains and public keys
 * of testdata/ (PEM and DER).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "keys.h"
#include "x509.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
cert_again(const struct sgn_cert *c)
{
	struct sgn_cert *back = NULL;

	if (c == NULL || sgn_cert_der_ptr(c) == NULL ||
	    sgn_cert_der_len(c) == 0 ||
	    sgn_cert_from_der(sgn_cert_der_ptr(c), sgn_cert_der_len(c), &back,
	    NULL) != SGN_OK || sgn_cert_der_len(back) != sgn_cert_der_len(c) ||
	    memcmp(sgn_cert_der_ptr(back), sgn_cert_der_ptr(c),
	    sgn_cert_der_len(c)) != 0)
		abort();
	if (sgn_cert_pubkey(c) != NULL && (sgn_cert_pubkey(back) == NULL ||
	    !sgn_pubkey_equal(sgn_cert_pubkey(c), sgn_cert_pubkey(back))))
		abort();
	sgn_cert_free(&back);
}

static void
key_again(const struct sgn_pubkey *k)
{
	struct sgn_pubkey *back = NULL;

	if (k == NULL || sgn_pubkey_from_der(sgn_pubkey_spki_ptr(k),
	    sgn_pubkey_spki_len(k), &back, NULL) != SGN_OK ||
	    !sgn_pubkey_equal(k, back))
		abort();
	sgn_pubkey_free(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *pem = (const char *)data;
	struct sgn_cert *c = NULL, **cs = NULL;
	struct sgn_pubkey *k = NULL;
	struct sgn_errbuf eb;
	size_t n = 0, i;

	sgn_errbuf_clear(&eb);
	if (sgn_cert_from_pem(pem, size, &c, &eb) == SGN_OK)
		cert_again(c);
	else if (c != NULL || eb.msg[0] == '\0')
		abort();
	sgn_cert_free(&c);
	sgn_errbuf_clear(&eb);
	if (sgn_certs_from_pem(pem, size, 4, &cs, &n, &eb) == SGN_OK) {
		if (n == 0 || n > 4 || cs == NULL)
			abort();
		for (i = 0; i < n; i++)
			cert_again(cs[i]);
	} else if (cs != NULL || n != 0 || eb.msg[0] == '\0') {
		abort();
	}
	sgn_certs_free(&cs, &n);
	sgn_errbuf_clear(&eb);
	if (sgn_pubkey_from_pem(pem, size, &k, &eb) == SGN_OK)
		key_again(k);
	else if (k != NULL || eb.msg[0] == '\0')
		abort();
	sgn_pubkey_free(&k);
	if (sgn_cert_from_der(data, size, &c, NULL) == SGN_OK)
		cert_again(c);
	sgn_cert_free(&c);
	if (sgn_pubkey_from_der(data, size, &k, NULL) == SGN_OK)
		key_again(k);
	sgn_pubkey_free(&k);
	return 0;
}
