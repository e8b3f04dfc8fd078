/*
 * libFuzzer harness for sgn_verify_plain() (OpenSSF model signing's key
 * and certificate methods): every input is a candidate bundle, verified
 * against model_signing's test key and root CA
 * (testdata/model-signing/signed/keys/certificate/).  The verifier must
 * never crash; a bundle it accepts must be verified, name its key, and
 * hand back its payload; a refusal must say why.  Seeds
 * (testdata/fuzz/plain_fuzz/): model_signing's key and certificate
 * bundles and the OMS v1.0 vectors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* signing-key-pub.pem (its PEM block) */
static const char pub_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEsu6rZGBTjxtvRWPMixT+3HyndV0J0Ybt\n"
    "aHZUcO4DEK+OJHO/4e32bb/fbJKSpRgcBsIpKLcVijUomyFOERbd7u+BTPSUjGZD\n"
    "Qq6J7lTvp/EAXQGOKxW9RP0MGX3qAkvi\n"
    "-----END PUBLIC KEY-----\n";

/* ca-cert.pem */
static const char ca_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIID9DCCAlygAwIBAgIUMqXRfD5TlsabbQzC0slV583dfHowDQYJKoZIhvcNAQEL\n"
    "BQAwEjEQMA4GA1UEAxMHcm9vdC1jYTAeFw0yNTA1MDIyMzM2MjhaFw0zNTA0MzAy\n"
    "MzM2MjhaMBIxEDAOBgNVBAMTB3Jvb3QtY2EwggGiMA0GCSqGSIb3DQEBAQUAA4IB\n"
    "jwAwggGKAoIBgQC/xiBPWRmrpY4j9XZCaED6T6/uObidGuCGAsjAEusms7M7qvTP\n"
    "pStAW7IfZlx+50fUwbiSuBbZRhvX8rBjh9ta9zKioK0pFydrNWOeWXBG0EDiRYiz\n"
    "lf7kH28H3Fp9M0wE1oNSCwb90yB6YIUnTUMuylgJtsvWe/dZMDu4mPgyTUk9ufyE\n"
    "phTwLPew73USo6RPDn7IJdoEhh5/zlCGv5BewAzXfUN+OLk5tfZGU4CHcNHE98/N\n"
    "DHTdGAtXJ50OZz9GcIa/kMTlzI3xOVylD5p//wXowbHcGKjwlVvIEmen5Hz30pxA\n"
    "TkMYxg2QRmH/AX2vKktTp4NDdvstNA16e4UwHPaQDnE5pINXLnixsLMMTZcbnSzY\n"
    "hMCVDFXSbhv5dzZ671iopWaNQQloNephR71+PtGpGomcwJ0/UNjxoHu+iFOdXx6q\n"
    "poYUj/IGZNZ5S7OEr5SrHzCutckLIIdSjZSQDxS7nqXjRJY0P2kY2zcLDGBzq/It\n"
    "5NjO/ZC62d1KWVMCAwEAAaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8E\n"
    "BAMCAgQwHQYDVR0OBBYEFBBCw8dXtjNLnmpoacShTy1l742lMA0GCSqGSIb3DQEB\n"
    "CwUAA4IBgQAcFEsJPeo7UhTcbX2cHVssGj3MUmcVZ6Ta+ysiYpz2q3sVtdeeK51D\n"
    "nD2g8hzP53rmd6+XOgqcjPkFJR2387sDdwptfVQincoSo6KFa7CZ76w8zJfBGNBp\n"
    "/rb2wygAM7/HRG6TfgD/wrgqfUBZ+VgNIzAbpSRvqRYrSeEfh1oJpeZA0OOgpldX\n"
    "CGCGJbNWQIhX/J608mg2g2CiVO5ALT0d2VMjffymAL7rXx71UoZaOXlGbkB7Ykg7\n"
    "Y1DgLBNGJ7IOpHMYCHggx3haKXs3Hk9bMGLJI5YRVi8b4lyksdOwvxLKqHLBIRbg\n"
    "FQOYTT34nUwWv8uvA7X1tlSVVUtLMG+couscKcorQI6nuY44KqkwwK0v+fSmHyh7\n"
    "UZOSTNdeWSMdMCJi+HLbbFcanW8WyHQ9qACmq2YIjMs6QH+xrKQkn7ARbpnrZnhq\n"
    "F11pOL1EvJG/qooceoDcJDm4I1HNwd4UYmWOIJ+oaGBw3r8OA2mPKQ7r8yVE+SuX\n"
    "fLFGLv//rKc=\n"
    "-----END CERTIFICATE-----\n";

static struct sgn_pubkey *key;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_bundle *b = NULL;
	struct sgn_plain_trust t;
	struct sgn_verify_result res = SGN_VERIFY_RESULT_INIT;
	struct sgn_errbuf eb;
	const uint8_t *payload = NULL;
	size_t plen = 0;
	sgn_err r;

	if (key == NULL && sgn_pubkey_from_pem(pub_pem, sizeof(pub_pem) - 1,
	    &key, NULL) != SGN_OK)
		abort();
	if (sgn_bundle_parse(data, size, &b, NULL) != SGN_OK)
		return 0;
	t = (struct sgn_plain_trust)SGN_PLAIN_TRUST_INIT;
	t.key = key;
	t.ca_pem = ca_pem;
	t.ca_len = sizeof(ca_pem) - 1;
	sgn_errbuf_clear(&eb);
	r = sgn_verify_plain(b, &t, &payload, &plen, &res, &eb);
	if (r == SGN_OK && (!res.verified || res.key_desc == NULL ||
	    payload != b->payload.ptr || plen != b->payload.len))
		abort();
	if (r != SGN_OK && (res.verified || payload != NULL ||
	    eb.msg[0] == '\0' || res.check[0] == '\0'))
		abort();
	sgn_verify_result_reset(&res);
	sgn_bundle_free(&b);
	return 0;
}
