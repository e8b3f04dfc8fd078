/*
 * fixtures: the private Sigstore instance behind synthetic_test.c (see
 * fixtures.h).  No Test()s here: every _test.c file of pkg/verify is linked
 * into build/test/verify_test, and this file is its minting library.
 *
 * Everything is built and signed with OpenSSL 3 EVP calls, independently
 * of the library under test: the Merkle tree follows the recursive
 * definitions of RFC 6962 section 2.1 (MTH and PATH), the checkpoint
 * follows C2SP signed-note, the SET payload and the entry bodies are
 * written as the canonical JSON Rekor stores, and the SCT is signed over
 * the precertificate TBS that OpenSSL re-encodes for us.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <openssl/bio.h>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core.h"
#include "fixtures.h"

#define FULCIO_ARC	"1.3.6.1.4.1.57264.1."
#define TSA_POLICY	"1.3.6.1.4.1.57264.2"
#define DEFAULT_TREE	317
#define V1_TREE_ID	"3904496407287907110"

static const char em_dash[] = "\xe2\x80\x94";

/* Small helpers ----------------------------------------------------------- */

static void *
xmalloc(size_t n)
{
	void *p = malloc(n > 0 ? n : 1);

	cr_assert_not_null(p, "out of memory");
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	cr_assert_not_null(p, "out of memory");
	return p;
}

/* Standard padded base64 (no newlines); malloc'd. */
static char *
b64(const uint8_t *p, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	cr_assert_lt(n, (size_t)1 << 30);
	cr_assert_geq(EVP_EncodeBlock((unsigned char *)out, p, (int)n), 0);
	return out;
}

static void
hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static size_t
digest(const EVP_MD *md, const void *p, size_t n, uint8_t *out)
{
	unsigned int len = 0;

	cr_assert_eq(EVP_Digest(p, n, out, &len, md, NULL), 1);
	return len;
}

void
fx_hexdigest(const EVP_MD *md, const void *p, size_t n, char *out)
{
	uint8_t d[EVP_MAX_MD_SIZE];

	hex(d, digest(md, p, n, d), out);
}

static void
sha256(const void *p, size_t n, uint8_t out[32])
{
	digest(EVP_sha256(), p, n, out);
}

static void
buf_add(struct sgn_buf *b, const void *p, size_t n)
{
	cr_assert_eq(sgn_buf_append(b, p, n, NULL), SGN_OK);
}

static void
buf_str(struct sgn_buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_fmt(struct sgn_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_fmt(struct sgn_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	cr_assert_geq(n, 0);
	buf_add(b, s, (size_t)n);
	free(s);
}

/* The buffer's bytes as a malloc'd NUL-terminated string. */
static char *
buf_take(struct sgn_buf *b)
{
	size_t n;
	char *s;

	if (b->ptr == NULL)
		return xstrdup("");
	s = (char *)sgn_buf_take(b, &n);
	return s;
}

/* RFC 3339, whole seconds. */
static void
rfc3339(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	cr_assert_not_null(gmtime_r(&tt, &tm));
	cr_assert_gt(strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm), 0);
}

/* Keys ------------------------------------------------------------------- */

/*
 * Fixed RSA keys: two per size for managed-key tests, and a third
 * 2048-bit one for the RSA CT log.  Generated once with
 * `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:N`.
 */
static const char rsa2048a_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC4hNM2ku4TlyBa\n"
	"2rC5mAXYer4w+fVUlguQSeqJBiMmy6/91vcRMEu/kbw9vs/PU8bW2BAvA08IQB+j\n"
	"FXqgha00JylUpVCyjXziyTc/IAc71MKnPDUz2hqtfBV7HJjVZGmOEn7YmqkeQe4B\n"
	"tmkF5AThsTIwlhzZcfcXLEEsthnSGFXPvsQxEHvvuBj55fDc7iUT0hRvao+qP3A9\n"
	"97anePevuxn5eJMAw6X3s6qd53e2EW5DvyqD++PPI3uB3vNwMEecSWLTTMHhH5fn\n"
	"/o7KaYOBkHSc3IxGBHqY99jOHedHTMLHptRvI5byCt/9fstEo6M6zDaqFikbVd7g\n"
	"k5n6iIhbAgMBAAECggEADra4yP9KcNF6SQRrV0FiJfMTu4ATKh2U6nqaczbEEtHn\n"
	"RMyhgwNg5vPOGPZgR94cWwF7uOQAp13FqBGMZ8SBHUmKKC/OkY5qyQLWnvgE26aJ\n"
	"pyBL9ciMnAzrAZg0L8AEEsoyxz7+AWWsfwJ2uXuHUB/7Kpit0EEgPP7Qa6pRwMkB\n"
	"MrG/8I8VuQv6UE1K41DW9ydxzKFhm3r2egFQHxz8NELQs7thjC985MY+IUB1Iqfm\n"
	"Rg1AEvvkvKPJn0zHrm8aK/uvlgQzv5yISHF+dsfVKz/oN0Qf9QaAeskC/DKF/O43\n"
	"XeqPfT8GuU8ARFdK/9cOa0ucfNhPXFt6jan8rLwOIQKBgQDtW7UMWJhM622NGwYK\n"
	"eXZlEZkVNPDa7kz3dlIDw4L0xx7WymfVstkQTpSlbHuSrw08MI9IGUd29OKbbiwE\n"
	"ZjdDlZUrJKB3JbX/GodcJnQM7Z7pa9L/tVrLn/+/io+s1dLHpElj+hw3h13Eeb9k\n"
	"lIduP4SFRZNqI+vz/TUOR6fZ6QKBgQDHArx8Q4CYbYcGtqCmYhwI5mDsN97NFj/G\n"
	"CDiNWLBjDkeRVqRR8tmVKG2+xrOXSATV++Si0lxDraaOm/U2Zp2UFuBTbEIzOl66\n"
	"KcQPprAA9Xh6FkY7Skvy5t6KEWsMISE0P8fEhryGGV+I4h2upEC82d7GoU/jeiow\n"
	"+tsmKivhowKBgQDDUwNzDHkQW3DEfKeE+R1H4Kpz/CP0VcP6pGCrfjmHC1FCej/m\n"
	"aI4d0DycwOAT/n/Ktz9BmqPnrW/JbmlEmYUC1dZyMWrngZ36Ny+K0o4PkX+DINr6\n"
	"2JfGF32Tdwfyt+cDqRtH7atIutmb9IBe2ad1P0njjjTYVIU4PHdrr+Xd+QKBgDFZ\n"
	"4FwAcVdbceycRWJ9We5rEwYBJOM+7TmyuDN1Fui5lc3Y6o7X5lUy3WQ96jNNzMUz\n"
	"3hLyj6bI3VDoI/sFn3Yl5iNJ6XDCvNL1oIUxFNxoAyRjea8iUYs+7VjX0PAFFzLZ\n"
	"zjRSJVYr3KEZUbsJSHSMos4nGqSSmvvieY4RTyh5AoGBAI2fR+0NKt2lxRVC/q1J\n"
	"D7cSn9w4PjrNo2P1zpUwKyXdSiIiADGC5x4VCx9T06nIoWO/IH2KNOSuOOffvM/C\n"
	"4o3nwDbaceTfwZicBiJLBY0xjE7exMYdfshArIDPb+0ZcZA0nBPrC/mIZfCUZmrX\n"
	"gj8w3wDf/DAYcV4xh2VIXGZK\n"
	"-----END PRIVATE KEY-----\n";

static const char rsa2048b_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCaDLNwqXe6DoNz\n"
	"wg1ljklzlNhpzTCaXwQ6FNK4xmqpB+VWlGxN2HWUfwopf/ZdgGdjf5Rw9i9j4mp4\n"
	"/RLYtkHAmG/2qD3R5skN2TQvfL/QYGuivAKR9ydW0SFh8NBtmkei4BE3lt+dUQWv\n"
	"T9KM0k/3eMUl5l5nFdjeWvW47VBkRdH/Me2rh2OajltySw1PltjcGCiYwMxKzrcK\n"
	"2eU8wN7a8/OC/Hl8J3rShwy0X9rSDvbcJccjLJMgJJvJqArr8oYfsCrsfNVMLRof\n"
	"/wvjrBXZb4wCopVwoS5HLikiYBpfq1VmDHtL8v7OUlEKKt6XkgZOs/kS7BHYPNTC\n"
	"b6b2cO3dAgMBAAECggEAEdnRbEdy/IAkiuQsbb16dPaFSmNQ076ZbIqPrYIuh2ZH\n"
	"FMyPrUidPWcoPA1cNNMFiAHXZ2ybqrkoqdr3lV2vSlxPsxclTL6vwxdNhQgxaPnX\n"
	"Vyzupk/rwtNqiSEg4eZ8ERtiW1z0DhR+smUvSoqvYgegXscuXscpEYEcUsDLLUc8\n"
	"6z69Xnkw8jzuXz5uUVaMZ3hfrxaF71RNWKVaZHoRNMieFO1RE0Mh5kjI1sfiYO0o\n"
	"TpKI2UPcg1X3q3VMq++XBULVMa6c71Qki6AmGHw6bJMlTCzjXKKUWEVtFnTT463x\n"
	"mvns+zs39oEX2hf+tZueJ6VCCQY8R1qXm0V8Eb0KGQKBgQDHoxthakZuU9QionYW\n"
	"64ty7f0eXl0mFsv5lQVgJLAGZ5m7odHoNRhaYbfaQkikElBzrblGYlerYWXlDMuV\n"
	"z/F0m2gD8Lr3Wy7U3QWLlUKsQVWTACWobDeFCl1LmbadE1A3V92u64YYCDPJdRk2\n"
	"8dRYp734qNdpaTO0lDkDJFkyGQKBgQDFirqCET/DnabthhLAE0wjT4aYEkjZZ57n\n"
	"IJJSNwVnP/5BGQBc49gqf1UA7IRPWuRV1YLqBMIRqjdnIFbtzJEci3my2luDC4ui\n"
	"8LdjlMLugn/l+EJe7hT/89EZAHGnjZtQ/lRreQkBLY49csZFDS003IUrSsOAARzU\n"
	"kwCd9uq6ZQKBgQCjADQs998F2gBNPyT4Vd4IOvT+xMF9hgOJhvlapNnsgM5u+xMu\n"
	"a5u0wDCjTpeNDz8NFH1AUK+QSPgvaqEXcy+MrA7jmLyvlo3IU6Zhb79+ceHzIp2c\n"
	"xK8YO3wtbBZEbi6C4YUpeziDir7t8GRkDlP5Bwz/aKxpbvI+sP9T52vEkQKBgDEG\n"
	"qh0nvMSGtuwSL0sePvIwhX3uY8gZEHXaPpZK83tZhXeQheeH4JlDesw85uVu8GZh\n"
	"FBmSTrvlm9RrUUe5UnZcIzsBOF8AmYo55bnALNTW7HkdsRMwUWPolgd3db2YxmhG\n"
	"hpsZseNp8/hKKOzwRTzuUdqZtoVpQUd8qFWL91uFAoGBAK/Q1kr2H7HkoSjxbVyt\n"
	"I0B03AJIQNmRe2k2Npzuwch9WvnjY59Nfek8EQxXiOohwVPZFTcvHGBKtLn/PyFK\n"
	"j0EdHrVOnk9vNKZi+rv3xTxSQYWpmJlnGLOL0yZfokFIR/MsTq9arnpg8ds7WRkY\n"
	"4pELUmX0wuwjXpdnaiZkVPdf\n"
	"-----END PRIVATE KEY-----\n";

static const char rsa2048c_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCxFK2Kjv8zeEyq\n"
	"+mcFM6B7cOsB8nDK/jJ4hQtFDbOnZMla9G2YxgNyPw+1js5IRuT2Jiwdwb3QDhaK\n"
	"jEOLShi/TkpBLE49aWjLiFuBp7sF1z7NGYsn0mU8lWDnjcuVjCMQ0jB2u3B7EmGX\n"
	"3P/WmOWTYbn5cxSEfYKxrxYKnnKk9Uk0E6lLK1OojxfPbtJ8+b7Lg87CrsiOYfQh\n"
	"io+XOG5tq+qZp7+nuTzfT0o40TbFPcBjgvHJLJmVsIdaXg1wRbJV3fBnem197fJx\n"
	"VFtg8OfCY8egMpIv8XrPy8eEsFwmqHc/YU8y/X2RxcersGV+reHyw6vbqLiMvXBV\n"
	"eHqvINN/AgMBAAECggEAPJXlDDeBlAQQQx1aGvr/aMyI80kWEzWmYfqvEOivs1F1\n"
	"3NMtHix9aFywDL+3zx3GX3tO871iKmlvh+aWg3UOA4IPQL4eZL+IVb6pBDK1d7md\n"
	"qIGZTT4cWf6HwaGPanKgWrR3VWArC0iOMG2x8KOuRF8WyIR5nBzvFsjfIzHz6oDZ\n"
	"tEP6C34LjWcFFxOV0K1jvKb37M2ZfCZt53rLELYB7vEQOb/vd+7sgGXr8IbmtmxB\n"
	"j2t4IDkSbOkfI6t13dnTQsK6QOQrunNEqKDDnv1XE7wg17j9cZZkpQLMAGwgU5lH\n"
	"QWPtWCjRIb59S4Ysau9hPGlb9v3H231Lz74/C1pOAQKBgQDftWF//Xy+GzVSWdUy\n"
	"AOERQdgyiAx9TsGvXd55n8nsG1dWm/LOrqiDis+KPAJriaqpcRMuT5pRrHma+iQW\n"
	"6eSdlLKfDkBzA7hD3IK5Klq1aUGxcQOgQpRW40jI9tFRqO/ihivSiy5KDD33qVIP\n"
	"AuCUXTBzOYHQqb7PGtoTy546AQKBgQDKpEdrVx91eH8a93e4Jj+1Tn+1642Y3t34\n"
	"wwCGtGUz1dacfMzXK/g/FV54kA5VQY63kn4b0AIO8JnSzFnYRwd77JsQAFtKy5ou\n"
	"BSzsBZuXKoJSDqtca1p6PP9Kzne/YwbRfTRKigUzaZX1N6n1rT78ppu6dvbHWzWT\n"
	"rqCVwrANfwKBgBkBz5pdHbqqk/VWsWxbiM1DDQXpC2xeh2wxFBOIdyv7inHWEPhl\n"
	"sdSyiaysNKEMzJUQXNKKd3e1zgoy+CHPl4y9+JGrKC0zNz/uwHYuc+FfmMZbGcqq\n"
	"Zqan1ZURciist9Qcp31rrYr9f1fWB6RB8BTlrerTfN10fC3ulH4t/swBAoGBAJVC\n"
	"1jxxiwGLBQzG9U8WFV0l+hn07HKKzrOaZzvRiq3Yt+DCaFuhzpQg2FozuesAg/Ah\n"
	"nnQ8DhgVDyjfTtpoz1FvoXPy30vDlsiJFWKwar+5Fw78MSq9BIL/hQgD9t5pQa9y\n"
	"6t5wtY3+Gu/p1W3Z84hD7Hc3g2SqgVdLjItjQSxfAoGAV6ZqjZ47X8TM4Zw+XWfX\n"
	"LoiIV50xHUSRUaK2G+hPAliy7BnAQQWiYNA74Wd214OCfCOE3mvcAAHqPI8Un4Et\n"
	"F+5VH6aqua9s7BA4pjkaEDEhd54uFS3ICzG3vHNAws6SEK4Vte08SNv1fJpeYeAk\n"
	"y/QzzDZ++IBzrQeC8UsYUO4=\n"
	"-----END PRIVATE KEY-----\n";

static const char rsa3072a_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIG/gIBADANBgkqhkiG9w0BAQEFAASCBugwggbkAgEAAoIBgQDUGEbA86hVhiPU\n"
	"K6n8gTIfJSaUlnW05+blXoQVTgEVrsZUF0ytyqLOrIrewWr6DFgI5lPNkLptFU+n\n"
	"CQc6dLPzjTM6b7NfkbCVl2TgTu0dN+lOhVVcwjPzEWjcIbiqbabpVRlj+VRfAGmI\n"
	"BjYrypmywS+DIUyNqwwMTfx7oPZ4MJjcfWbnfJ+Cvf5MnhoCh1XITzM39hb1OkbK\n"
	"32Lzj1de48yecOBSt8ju75zcZCTKnDPnuD1M0v5JsYgDeGNXxsJRL6TWg/jvp4jy\n"
	"NSkZ16HR9HNrL03ts3kCFJYHJHHQ57brm9I7J8fRokf6c73Lk+UrLUEfWEfZ9oKw\n"
	"wSE0Q+oh52P2j82EdNDhEnJo2zho7YVn+pYiCuWFIbkS/tLNG1aZAViMCZd4gLtA\n"
	"ED5ohRvdfKtooGNGlL3wSF7MlBpsiVCpVIrEjSgfQi3KTIN5blej3FU4qFn1OKo+\n"
	"cMZWOuFj38ZxaKM3drPz6X6/Le8gF8C+SVMi4Mgvmbh2iW6N6RkCAwEAAQKCAYAL\n"
	"YB3zXV4q8B3d1FWyqE9C4mA2WfeIM2Pr62zUI7HlMtGKUxGWxKaExTZRijgtnxnd\n"
	"qFTYUqndDeaOw+oyVW4NYwZbXQBW4N6Ct3L+oN0Q0x3dS0NvzS6yG73vCJP5+BWa\n"
	"sCjDduzyh3ghhovDP4OM1dWxh8iuVH0577jZ/KEbgye/s64gPkvj3ELWYyhr+Ew+\n"
	"iRjrKHTExFJlsSOCgq6h9T/VQ6KUbS0Gu61DGM/sWgJirDwFcc+XrkDoRr21SICs\n"
	"gvq+i38Rye2I6IbU8s3sdpXKWPTBfl98v1BkDxkVRzk34bmfXr8eTrCC9EKF+wVB\n"
	"6eVRW993SApP+MUCbJQgIFM+3M835vvQjvyLC6K4Rcr+5yvCAtb3tGI/tivIIdfP\n"
	"uki3rVroaPYIN1UvC2zr/ToaOtpHhw6LYscebm7Zhi04NMvRUkuzt21FQfoBnSib\n"
	"8qHIbloNsn8E8a9sDx05xFsd3UJQHHM9HN4xjzvGZ0NmxqiX3HiqVMw+/M2T8QEC\n"
	"gcEA+RcGL/c1yVp6alS5ZPsL+zPgvV8ceWQRevFWs+LBwdnugFYfJWFinM19QO0S\n"
	"N+U7hSBx2uIYmGHGdvYwUPjRN50VXLrE50rTrqLLEZbTz4areGFUhOLUwbeJeeaT\n"
	"m1PKsmG7skdA7ieAutg+45h/mrtbpGR4IfRkqF6nT8WzD1TMx8+ItPrRMy2Fpr4P\n"
	"6At1kY0ZUTyf+6nhDQbbDlOmcr+VHO6X/r59/Wj92xfl0RfsBw0nBFPdZa1VTSyd\n"
	"SoGhAoHBANn6haGnFRA7xbZD8So37KI0SFLdu2+RGV8rB7psEJrd0vjJVz0TohbE\n"
	"IHjxHSzg5ge0cvjsHDxyK5VDHO+0Xtqr8ipAYVe92yVErReZnzwReWJwyYC1gRn8\n"
	"JGAJpRADat3zHft5dveaq9UDv9ZzRt9526QedTPS0LDpUNqScZBB70dDUCB1ycZ9\n"
	"m1f6ANEHPuxGOPx1hfhaOQdpdJXdqy7FYZnIws0FKtoEc1A1ZuwqTjHOBoA2NdGc\n"
	"FfoE3pwkeQKBwQC82wkU6vD75j60SeJ6vqDZ5/54dhlnrEhYl4yuPLm9GVfsM9/P\n"
	"fqO+0UorJNPQT1wuVmgclZoiRtersIL3kX9HFDFzKiRKXQBcAw/GGT4ktS1iyyDC\n"
	"1ByNd3OjWgAGH6SqVNFznPSM3KSMhZJBC4mMLouP+6Dd1adPxNxD7lgRwrC0uhQj\n"
	"a5ubmuMfhjEXNUEBhyJv5nBB5g48yzrhBOlJTRpoYjoZqiJqNOVr7RWQz/tjaURw\n"
	"0oklIyNurOng6KECgcAuuWSrogUB1c4ro6SuSA6RNmPKX30uDQxDOhYN/9wPVj1C\n"
	"1uW8UdkMyD2trwFx/UNRo3yBnxruWgq9lAU/3In4laLzK5myFSBEfNQdmvBnD9fV\n"
	"IhgPXtitmT6y115qcFEYAmUK4p59tMngf00/yrYGcTiDlYPJ+AaD5X9PWtS892Uz\n"
	"AVrLmnQF+Ca0VQKXy9XRD7xnYUm2UqCm1hQHi9yFygmBzWb0S4dD9HBDYS8OsILS\n"
	"ajc6hGRE6hBL539QOQECgcEAw4xDUjbUHNYYIT7FS+ha5KANxHKdSgZ006RtF81o\n"
	"9wIGCTDW0R918iqHKLPkw7lwYwn1O3GE/qgITyzE1qdWMBybczLpaKDvi6/pu4ev\n"
	"08wR+sLLjpVxAsKAYs3CYIgekvo9E8lX/MEcvziLYDoBfiEHKo7iqdCOOIchGlBv\n"
	"TVzCqlsxkzPDWBZD7TD693mL/TwLsObYQtaDwPtipTasTcWJnE/TqKCSHCgVQD5m\n"
	"BemZ7CLlej6jJ3Ks4nYt49Jc\n"
	"-----END PRIVATE KEY-----\n";

static const char rsa3072b_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIG/gIBADANBgkqhkiG9w0BAQEFAASCBugwggbkAgEAAoIBgQDGPgnQRd5hKtRL\n"
	"vatbbMZQmyesywlmgjUey9jHb1t7FR1Z0qtGB8d1TMURV3nrVpoV4tJpfS1lLnkz\n"
	"/PydWrp5AmGbouKJ3R6H3pJ6D5X15qmy2pK9OG6JBgpaXs998O2LSyf05mF6vpaE\n"
	"fPubT/eRAO5cpKSoCy+evmYeLj0Nmpkp7OfRR3cmZ2/sickANj06keEhCL7dzhd2\n"
	"3gNbAv4S8H3yfMlWuQKli7IM8B4AQICyScQRcC5NVGq5VwirNZYzPJg5p1COvVze\n"
	"Jw3A+Hv4HRheOhgUJvtGmd9/hD7j7LwiumRqitycNYiYgeK7VZ08/0yZ96dLAwQS\n"
	"fSQGov6C8KvjgrmRl1ch1TawQmg8F/XubpW7nIlkSLalYVkOpZCN2mlK3fvKQDLv\n"
	"UFwyEbBz/EJVwNoMDSi1nG2mUUiIfJWLNp6hnL27RdivqKjHRKKZM1EL3zd7FwAO\n"
	"LMhfcMRmC6dE3c/e6/VeeRfqVbjyJ7M5RoJMvLrFgq4DxK1jIq0CAwEAAQKCAYAH\n"
	"VOKIhxj5F3wn+/EDLdPsxbwzJgQoPB8KT0gqYgosVGTUPlgSvDVqd2cfY9CQvVBw\n"
	"CEY3XAeKgyw82bme+SzFzmp9NsoxhpG7PSZGKN7nK/txL6e3I0flPemym2iJlBg4\n"
	"61PkOQP4ZeWLq1Kj1RKHFJV8LCOhyl4dvRVqPtQHtYS+GfKd2QqFS1SGlzbtkNP1\n"
	"X1FH5zql2dogzYeqvULXwPird+V7VVbNeAvi8htt73TDAzri2TcBKaLTzW325QGj\n"
	"Iys65YUYv8JZFQj0mWc4Qz/ZYHuHuihWco7Gf6lBENiCMxJFHG3rq+k6cu16/an0\n"
	"3i/P3TLl7y5Pkd5C8a9jV8yOyiDqkOQuDaYCe37L4uQ3ULE7+gDoykDU+f3/Ild3\n"
	"pxs4hOQENPp2edIkoFaPqX0pMRJ0zwLhHPXUnhzfrFac1EyAD8vAYtPgeEaLtM09\n"
	"S30mLzRSdolkQ5r4fNmxdmqwW+CAjHo+AX9wNY4yZ5xw9+iGb/4AxEkztLrT4CEC\n"
	"gcEA5kuYJuRDZG2jkSl2Pdr0FMXvGN04RsItkZZw857Wb7J+hPsJWpnGb115HQa2\n"
	"i41UQqjEjFohehvAIfbKsYHYoAaEiwJfGdk2gKNGZfdvbbWAlbQow1sYkzjrDn5I\n"
	"h1ELVI3EFHg4POpQ+jpT7eqVYmmEUhwhcobRTXWv9vbosWRoVwiDUnUrk0kbg3Ed\n"
	"6vGA3IYTX0X6wddHIgDXttODEuF3O0bjA0QBW34tTNNupgb6vVPzeNnZXLgFYXTF\n"
	"3PiNAoHBANxekfS9MK2xfh3ej8LfccuvPNmzEjbjx7O0RXrslwkXI92+4jZJpZkz\n"
	"9jNniNNE5cUCrOjiYvkpx/CcjBp9Irb7l3rcigeX0E92UmYSHjwvRiNs67KZfPwj\n"
	"WUhgQVa8JpZsXx6Rb0F/9HIqKsHYIkb8aKcsdJeS/wPT8I9UTVOFQNutvebZODNH\n"
	"yBl6vhAEIfbnIJwp29MdW6CFRWI1x6Rty7iEpBe6/LNlOvipMft0C7tc1xbLrS23\n"
	"/lH+hP6aoQKBwEHMlYN/MrYuEU73fr47ogORbjg3dM3ayzROvKUO3Av7/uQ16b1G\n"
	"NIk7NtCRS3TiA5IsMEQ9uFTwOtw5bD59cAyA8DvbiJqVElp8zC90HBVHh56+Y+s1\n"
	"Svc9iwOQF176S/dzrfN/Seo1tL9aDQLsRJRiu5jOSswzMvgjyQwSDfgpTRqY5xSX\n"
	"P8UMXV0X48luCTh44m4VS4k43i0b+oZVNp0daHi6T0BunMisa3sI6hNr6RZRNz5v\n"
	"WAiC1565w5LYPQKBwQDaaZTp59VmYePowNzlvUbxJQb/kf88jfgxgTvYAMQVi2zN\n"
	"69ITEl1iAeFDw5sWIlRFNkigLTkBUUrMjKxD2MDecXAKoqjfq7UX/OLgLZbv+b7f\n"
	"f6YAByacVIC6PkSkLallL5X7GxQU7DggKvDj3U7j4mnrPyFz1YqRha8Ir/pQDGNj\n"
	"F8l/Es4j7UJDFqdoAmCTcTKd9NLeZFubNlu1Yi40J2phwH1O09KAD5YqPK/AVJ0I\n"
	"H5VDD63eAV28cLHqEuECgcEAmeaBs7FpFeGojciwMx5iOmFCQ7BCVv00Cd1RGQ0w\n"
	"Oo/QL0YPd/MX014G2d5v2i9Hk62x9jjT4a8mFo4PkeTo0EeNQ7sbIkB4jZnnKkes\n"
	"soKphHuZSuwYGfbSTV1SssyCRPw6OIStHKZ2ipZ3Pt91f0PGHMlRgBmmf0E95Dc/\n"
	"FINAKG4nVGKXYjmCwKGwsTYqj5NjGOBXoqqCrZSNmFhKMRsAVqDJmJWt88OBWPmM\n"
	"U0C2cWCsT8waTHS60kPmP57c\n"
	"-----END PRIVATE KEY-----\n";

static const char rsa4096a_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIJQwIBADANBgkqhkiG9w0BAQEFAASCCS0wggkpAgEAAoICAQC5FG7nlgSi6Ohe\n"
	"iIdhDm+0uhCuRw9pkCZJQfVGid4oP8EtOD8xUYU75SrM8z5WQV10IKwHIBcQryJf\n"
	"9Fuivri3Vix4XM9PaK9Bcg9ZQOpIRGuJ1R/w6liyW/FEigjWthZvhitNRPDKuUoM\n"
	"JP8LxGzdf4az/BD9+A/PQzOh/pIftjWL+7MsdYnFC3XPQvurEHAscphMxMMywbs0\n"
	"+rZxUVaetlME82YmsYi3rb9VUTAlg0vz0a1wMg4Vhso21AYtlrIKfilV9Sev4c1o\n"
	"WqIm1+ZgoydUXNmgoF/DHqvvPAlsR9WKfM+Odivb3GyrXLuqBs2uwvdM2jJTuH2w\n"
	"DuV3Wy3bNKJUf4jZ35rYqLRYhm20VrNq2OZjujTr7ZiZv4M0FSa2QN/PjUqE4DRs\n"
	"vfAxCs8UDtRXOnzTNZv1duppmQfNDobZF0HJGODF9bk1Bkx9NmYCwxCuY+bhaaKu\n"
	"JdYUV76kLRZm5hoRMosOyJgfz+QwWOyCUHTLv7N6LYvS/Wes9SVGgobFxD6x/ENu\n"
	"Z1wNOeHcWaQGF/HjgSUGsdfhxQAamzgVU55tdfPGXDeZJ68+k7DQ7GEHp9u6/1bZ\n"
	"YR3eorNOvgLbVKaOPXA+KGjqv1jMD/J5SnWDlOyn339tltZK+rCy7dCvC2j9bktm\n"
	"+uMqEaYyYV9KKQz6a+2KVMueq6GMFQIDAQABAoICAAESKiGXVGYZMegzFx1Y9B4t\n"
	"BBDeGdZ2rAGd5p+0qzElEjR6g8a4/Q0my2togRTg/IlfFuuw98P5IuBD2m+Es2GR\n"
	"wILYFO7290iYrYNyFuBurvLb7GaeiJWNEaKMIsiw03+3M31e8mGXXVB8aMWeEqog\n"
	"3bCR/3giIqrUtWKhmWKKw8Y122tt4Uy9LhPfAO2KGv96C3PHVf1XhOVmkl3uMKrK\n"
	"mhGbGuakw7UK5IaKJxawezG2EXSWsUs81aJKJWSowMmaHbbnTJrFdYI1h62ANa70\n"
	"TB7ln6kGvN1Ofz+4BauXBmUr5otMJTI2OrAwR6lzU+GTFSi/92IbFw6r2phwsXtO\n"
	"Zm1VUSYSu3Yo9iv6i0oFL7GulPiQHfpJV8KxvgH85oUJKTliQ+HPbeG663KTfTwS\n"
	"RAOufWzUlOQ/K8w1ly1yh/0/EyCwO4J9XlMjo8vLt1uo321vZO5c3LXQNX8hzZqN\n"
	"DHnHD2fDb1Y+poxS5lRJ+WPhXoEULTtPYGWKxztjzScUDLzeGMdtR/2cM9G8C8KP\n"
	"IDtnsxiZGDRGeFJSvHFa5zH1R80HB2ERCDQg20pBGUYFc9GTK+NDcYmDUm2rgNvi\n"
	"vmB17gz0n91UdBnhluR8LEf0BOEANECJXARF6uWOQ3R64H7AU4xi1KX6zvVf7xqG\n"
	"APfmN5p7lbzDrVaZTztpAoIBAQDct5hlHQjF6y2FGITOkR5qrcsF62RF0rP50Qkm\n"
	"lpzKCVB21+9ntW61g+Iiua/MDDSRnOtLhDKw35Tr6r+qfvxZoVG6QEMFcA8y9f4/\n"
	"QKeRiw1xEdlMpEtIN5fcTv3UbECRbLQ+jLmYe1Zu7Uly1mAvGgQaenJJxOAiBYcj\n"
	"2GpwBFXkIndPBcoRfF93iLIwO0WbSJhVm4bQGc88jtHgMPvpr/LifBPUwCswxpiV\n"
	"9GZnFT3RNLpiq/7/GH4XarWk/4/oqR0Id6c6J8+C4ZCHjriW/6xQy4/51lgdM6zk\n"
	"RmxHmBtzsTcY9Y29pY7xrHYlyPCsp3o0NiblFZF/r1lBMdOLAoIBAQDWqnODg0nY\n"
	"VKT3iG9FuNmAukJ/cc8tlCJpv3me/BxJrJIpmwMuNvELYHZDeGzB0G/SIDw2hLAV\n"
	"1gKaxicve9+g5i7VYb1pn7uDsX/xFBmos+uR1UZlWwjZloA3xqVuksspnTR9K4Yb\n"
	"z9U3F1dJBwQlH9qWFKKlNeRuTI6nC/gWjpZpTavc02SJgyq1eMKn1Fq48dVQbWIW\n"
	"4IdBAIU74zO6kzx1Be8O+HXvV0TMqdtsDtINtTrso7sVkzNEOx9MWpmj9QWTH8ug\n"
	"dXeFzE5wFHZR2pyHS98AQZLFXFie9e8pcKOxKVUU4jR2Cd8ZaWpgaEw+zxTuGalb\n"
	"YiHSO5+iX5LfAoIBAQCps4u7qqA1NIZSQDDUdiWR1kA0M/Fr8f4pBLzpa4HvoUu5\n"
	"pHtRHOGbNGSpWGW/GF9O2fzbmjAzaCSjY2GsoGg8Ldmdv40IYEl/YD30uixcrjJO\n"
	"jm+qCuRLCVt8q0tkiTr31UGcmiyU/bfOICmJ3yQi8vjWtvCqoXHHFsL6H4puyBaW\n"
	"Cp37JzNfUGZCjNqcVOZG54EgySzVUhLRt+nMWz1FRuATnVzOBlbu8LMfEMOvXFik\n"
	"QstP1HiCAH3qWUSCMXCfbW+CNCVihHt7YRzz7RsmFjyR/oGbkV88TKAQ/8h/H4dz\n"
	"43y+dwZdGy8VyAkrMh1CUp6WCFDNcFDngJW6l6nTAoIBAEr2fxw/7ruy42DlriXk\n"
	"5V+Eq9AhiD3cayAOk4QneiFoOCp7TWMIIKjeaK4rEZ+lEEeKpjxLncoiUAqIhAqa\n"
	"8X8YouY1GZYXB753b7xaTpORMQRePBUM80w4uFHB9udkL7o6gafsWQrBSy3P4tVH\n"
	"s/Ta6NRcJGgZJ8o0xeQj0+Dcrj3bt9aHo6Y5veJdZ2yARaYsHVfWuthOVC0o514A\n"
	"e4H+BLDA/7h0n4qTKR1ne46CpmvPC+KzUpO4McDz/HwHb3vIBshX5B4Gp1R8AjA1\n"
	"lRQEiYDdx+QpAf4Vv4TTUU9hXGhzjJicXcGStOwE2fcMtQOCAUccgv28iR8HXzmu\n"
	"snUCggEBANo5PN7ZlZabacFyU7+mJiw/pIeUuDZ31ZfMK4xhSG9Dz/MTUXgqh6NX\n"
	"nJ4e+YchAjZcI31bOEhY36Q7Hdef+Otv7d5qjfOo0EyDJ8lWOz45WzvgmIj+Ro7S\n"
	"VVdNzYNItuLCHfxIjESHMue2EYYF1Ve4R0vxnZEq7qf2CFiSFKBUC5ycvKQZU4oa\n"
	"ocZ7sI+ZRPUgQ7paobCTsDpi7sV2I4fcMxsYqx8b+yIqQuIHKvCV3eFpQfJSoo3R\n"
	"7SVEXeQzNnxj2fsJ83YvM0Mfdi+5rrTGHHihC4u7DJqeILU9sqjdriKp5eMMMqYR\n"
	"vk94KaQXz9LEypEc2zGl7zuJAqbI2xg=\n"
	"-----END PRIVATE KEY-----\n";

static const char rsa4096b_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIJQwIBADANBgkqhkiG9w0BAQEFAASCCS0wggkpAgEAAoICAQDJ2khiN5wzksAF\n"
	"9SBveju3CLmsqFatikhxsJOV+mt6SlVqnnak+SqznCqEtP4sVstfmq1gs424bGct\n"
	"sxFk/k+Cl+wj46n6KOMagPxYRroM3+fbIFpyhrc9H2iybYrCMdVwp9SLUzvV2Xpd\n"
	"jb9I6H35+0l/QkhWpb2y6FvE5tncKwVMYIld3y/LTn3Mq19Is2hOo3FGG3/csCgT\n"
	"h+3ZvHRlKJtBp6EgeZ8M3AudbEEx1CTGRE4BRfGQfpUGe2+Rcpg8jSZVklTZ0czl\n"
	"21FE+T5QKEI1N2gOPZO5+R297iTS2PcBkHEjGisAg7AfcK1SqWx8p2W231CcdR4e\n"
	"/x4lY55Jgh2zu7aq96j17sz/UtOlCIhlETPs0tGCI9J/JTN/d5FtYhWLfY9me0Tt\n"
	"fGHKeHdRzMElKgUUYX+ebuPh0dhPc8uv6MDB2Y/gNrnMlni//HHaWFyITwBaPA39\n"
	"d58VqIH1ALOi/+rn9L4DVzD8Iq6aQGfiO99lxXjwvJLIk7t565g0BhHvihVE0wke\n"
	"/dZ8NEkgnneWcM2C3eIko8O2ASrAUm358bdeEktJUz6g9a589rHcRtBcHmgT4Vjd\n"
	"mPkxQwtSgxtzuyhtJo9H1wPqzFB9uTQEVSD6361Eekty7nF2S/y2xYO2qDcy8rS1\n"
	"zqzfXS+BXuY//HHm6p6fpHccwD1zLwIDAQABAoICAA2TNA4C7mrbgjWEXEeTAWQY\n"
	"XqBZe+bU53VZ6jsKaeMCD8eJW7JRnYkRxhxBrdxeg/Psi592w9+0zqWYpuFTZxaB\n"
	"0BxDyeEskcVtCkuHiiimgEnQ3bRZEga2z4w8aLoRruiSKO2rzdjedOfIyiYFmL9Q\n"
	"oos/8mx9XgojrVRLMDip3gPadDKPeX/jSfuTROe3RRsQy+Pqook9gZx6pkjf7zYE\n"
	"apiaRPBRrZwoSlGuf53xxf1dh593TD0q/iu+7mxqOAnOdlcH7dPuU6jbvJX2azXp\n"
	"1zYMAV//zSkTM2hcFTbm54m/5JP3RRAWSyh6I/XstgKWIXWQhDPZfoqYHrdmATWS\n"
	"xDDvNMb5OIRgktAkpMCjnhwmumElNDDcC3wrDg9ATrGX2w2QAOXrS/+oOQwvV4+S\n"
	"4z9ukVYUaZgHemYZT+JsSwNB9akUFRDUnoC+gH6fPo0kysoXuLOk8J9xHcGQpiI5\n"
	"e8TemHiwTXuc6o/dWo/TwGleu/wyqttal5GstFr8tGgcTXEsPZPupGTTl4P62ZoP\n"
	"d+MA7PHrMsuJYgfx9WE3Seb8WGKBRyNJ2V66XioN1SUr7Obj4RREWlyvdYmUXeuq\n"
	"xvpp31rl99lbRlFxah7Z/92JH9jNzGAu1KUhCDf05+sngjjnpNJBoehsSpxcl1PS\n"
	"5Fgr4QMUER/tkvdyOuG5AoIBAQDswmkwfxnk6OQKYeJTbVETWeSN/fJQRNTB5WCY\n"
	"+njdJs1GDJMBEbUm3CGkYe9uMDKuTjuK5MQ3TyCcVFBHsbZ17WHX4ANpXtj90d6L\n"
	"SIopfok5oL73wfBUn0UC2ghcv56APXqUjj9sk28HEcOY4XGD4xBuQa3vfEOiotKL\n"
	"XaDs679anSsJpmijMFNFFRgjT8yIKGGg+cr5MIYakc8O/n6+eZH4VZ/7B3figCol\n"
	"vgd+1ZUIJ/JCiIPw0ARHDhHmT+ws0GeLO+RAhWy41gLZFkJuSScIrh1GNuMDvo2U\n"
	"qdL8Go/DytY6vshGL1DomrDh7cvYasGqbQX9Y8L4Yfb3NuCZAoIBAQDaQao9wFde\n"
	"OrwvkQddRIHhNzpUMOdWeWPdcsjYH68UgoDUPHc/rjmyZGJ3+gYOj8m9fW+hHVA1\n"
	"XDsyhI6ubKkvvHgA2g/qEeagiQ883ULDOp66T+7y434qrUhXqKOPyqatpn3Hqi6v\n"
	"8W5GS7maatfszQJo94wPxrdMPdWqJ47grhfBD1PPeB1Bg56BS6chdvd/wwZqIINK\n"
	"gCXqp2nk8K6eX6tOiepenIG49fUvyD21eYmKzNeXDAQjYOospTe0WZYZRMrpKdq/\n"
	"XrmgPuH0PX9yI8iXuxiEG0dmpUsDrlCB/LFVzeDt2Wu42qgPVj7oPPOEF1rgfEyi\n"
	"/QEMrjHTdicHAoIBAQC8Ad2Z/zRGzJFZlUUuTp6VKUsPXlsvVplEp6s/j5autwNG\n"
	"3vFVZgReKWwlpweEjo2QUNuDfgo6iYEx4tolNH/ZwXly/ZZ39DOHy0JXhHECZlL+\n"
	"CiHbiIwaBqe8jfsZ+6gX2bofgZ3n0GPYT0jtfAiyXHtNsqY2iI0E9xsORHln6gT4\n"
	"JdppPVXWUKevMgMK93FJphdwxythGiFDtAmitIFdLBi4BPaXVuTiXjgZ5H77Pwur\n"
	"gF0mbFWpwuXCru+T3l+DbrLqo9KrUch2NqvoS37RKRHwGKNygF9hN84iAYFjZIxJ\n"
	"RCc+WwWahjRPoZdYsYawAoZrmUuqXbAToWeGBHPxAoIBAQCII3N8RzB4D2z4wp70\n"
	"V1ooUBmrEEIMl3VqWUHcRY8g3PJc8EZ1y0gj9SfSrHsAtEHjV4280psIXbpzHWoe\n"
	"dJrnssirx1kr6PSRaEy/60fMnRELJ/blPG+jUSkRvJghhgeHw5UraQTsLE1bvbpN\n"
	"Dp4XEB2Tue18nbgR73QKSdh+Xzlj7BqcC9E730yMW9MpNZrV76Fdq2AZpWuBPeH4\n"
	"swRIt2YUfERbtYXZCFpi7qVHQENB99n2VsFyC+6l4Hypm0PcCSQEYl4XBpAE25R3\n"
	"k7CeUqG5uzNkm9titHHhHucK3cMDwYKu+fKOgJ1Zy7M7i2FeIG9IHWB0PhpcfX+I\n"
	"5mcbAoIBAA9AJ3QEZJdd0Y1yWBRIOXubnKHHkK6FnQgDiEf8AA4hmwZksr1ugLKM\n"
	"uW/S2eAnl3s8P6aj6Y8xAyBmsuH6MeK6thavGnvVS4lARjnyiWxD1zznRsO1VkPg\n"
	"nKBl8ICCG21znKwN7ohNzOJ4NLpmTc77HrbHz0Cin2ajP7QUpHJvlEE23VqIpqcR\n"
	"lDNu10Or0urLHArT0xLlxNj66ODurVda9JAoBSLk3mjMG1mTSzSS4jCETN3CflUC\n"
	"knw003e1Y+gQ/TSxbWZ8eUOIfRWaKpIa/5Aj7OUJk+wfHNqdqll0kqkekvkz0EMN\n"
	"d++9NHVsvKVNqV9MkES1vJLQ/dynieI=\n"
	"-----END PRIVATE KEY-----\n";

struct fx_key *
fx_key_new(fx_kt type, int which)
{
	struct fx_key *k = xmalloc(sizeof(*k));
	const char *pem = NULL;
	BIO *bio;

	k->type = type;
	k->pkey = NULL;
	switch (type) {
	case FX_P256:
		k->pkey = EVP_EC_gen("P-256");
		break;
	case FX_P384:
		k->pkey = EVP_EC_gen("P-384");
		break;
	case FX_P521:
		k->pkey = EVP_EC_gen("P-521");
		break;
	case FX_ED25519:
		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	case FX_RSA2048:
		pem = which == 0 ? rsa2048a_pem : which == 1 ? rsa2048b_pem :
		    rsa2048c_pem;
		break;
	case FX_RSA3072:
		pem = which == 0 ? rsa3072a_pem : rsa3072b_pem;
		break;
	case FX_RSA4096:
		pem = which == 0 ? rsa4096a_pem : rsa4096b_pem;
		break;
	}
	if (pem != NULL) {
		cr_assert_not_null(bio = BIO_new_mem_buf(pem, -1));
		k->pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	cr_assert_not_null(k->pkey, "key type %d", (int)type);
	return k;
}

void
fx_key_free(struct fx_key **kp)
{
	if (kp == NULL || *kp == NULL)
		return;
	EVP_PKEY_free((*kp)->pkey);
	free(*kp);
	*kp = NULL;
}

static uint8_t *
spki_of(EVP_PKEY *k, size_t *len)
{
	unsigned char *p = NULL;
	uint8_t *out;
	int n = i2d_PUBKEY(k, &p);

	cr_assert_gt(n, 0);
	out = xmalloc((size_t)n);
	memcpy(out, p, (size_t)n);
	OPENSSL_free(p);
	*len = (size_t)n;
	return out;
}

struct sgn_pubkey *
fx_key_pub(const struct fx_key *k)
{
	struct sgn_pubkey *pk = NULL;
	struct sgn_errbuf eb;
	uint8_t *spki;
	size_t len;

	sgn_errbuf_clear(&eb);
	spki = spki_of(k->pkey, &len);
	cr_assert_eq(sgn_pubkey_from_der(spki, len, &pk, &eb), SGN_OK, "%s",
	    eb.msg);
	free(spki);
	return pk;
}

static int
is_rsa(fx_kt t)
{
	return t == FX_RSA2048 || t == FX_RSA3072 || t == FX_RSA4096;
}

/* The hash a key signs with; NULL for pure Ed25519. */
static const EVP_MD *
sign_md(fx_kt t)
{
	switch (t) {
	case FX_P384:
		return EVP_sha384();
	case FX_P521:
		return EVP_sha512();
	case FX_ED25519:
		return NULL;
	default:
		return EVP_sha256();
	}
}

/* The digest recorded for a key's signatures (SHA-256 for Ed25519). */
static const EVP_MD *
digest_md(fx_kt t)
{
	const EVP_MD *md = sign_md(t);

	return md != NULL ? md : EVP_sha256();
}

static const char *
proto_hash(const EVP_MD *md)
{
	switch (EVP_MD_get_type(md)) {
	case NID_sha384:
		return "SHA2_384";
	case NID_sha512:
		return "SHA2_512";
	default:
		return "SHA2_256";
	}
}

static const char *
rekor_hash(const EVP_MD *md)
{
	switch (EVP_MD_get_type(md)) {
	case NID_sha384:
		return "sha384";
	case NID_sha512:
		return "sha512";
	default:
		return "sha256";
	}
}

const char *
fx_key_details(fx_kt type)
{
	switch (type) {
	case FX_P256:
		return "PKIX_ECDSA_P256_SHA_256";
	case FX_P384:
		return "PKIX_ECDSA_P384_SHA_384";
	case FX_P521:
		return "PKIX_ECDSA_P521_SHA_512";
	case FX_ED25519:
		return "PKIX_ED25519";
	case FX_RSA2048:
		return "PKIX_RSA_PKCS1V15_2048_SHA256";
	case FX_RSA3072:
		return "PKIX_RSA_PKCS1V15_3072_SHA256";
	case FX_RSA4096:
		return "PKIX_RSA_PKCS1V15_4096_SHA256";
	}
	return "PUBLIC_KEY_DETAILS_UNSPECIFIED";
}

/* A signature over msg: ECDSA (DER) or RSA PKCS#1 v1.5 hash msg with md;
 * Ed25519 (md NULL) signs msg itself. */
static uint8_t *
sign_raw(EVP_PKEY *k, const EVP_MD *md, const void *msg, size_t n,
    size_t *siglen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t *sig;
	size_t len = 0;

	cr_assert_not_null(c);
	cr_assert_eq(EVP_DigestSignInit(c, NULL, md, NULL, k), 1);
	cr_assert_eq(EVP_DigestSign(c, NULL, &len, msg, n), 1);
	sig = xmalloc(len);
	cr_assert_eq(EVP_DigestSign(c, sig, &len, msg, n), 1);
	EVP_MD_CTX_free(c);
	*siglen = len;
	return sig;
}

static void
ed25519_raw(EVP_PKEY *k, uint8_t out[32])
{
	size_t len = 32;

	cr_assert_eq(EVP_PKEY_get_raw_public_key(k, out, &len), 1);
	cr_assert_eq(len, 32);
}

/* Certificates ----------------------------------------------------------- */

static X509_NAME *
name_of(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	cr_assert_not_null(n);
	if (cn == NULL)
		return n;	/* Fulcio leaves: empty subject */
	cr_assert_eq(X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const unsigned char *)"fx", -1, -1, 0), 1);
	cr_assert_eq(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0), 1);
	return n;
}

/* A certificate with everything but extensions and signature; issuer
 * NULL: self-issued. */
static X509 *
cert_start(EVP_PKEY *pub, const char *cn, X509 *issuer, int64_t nb,
    int64_t na)
{
	X509 *x = X509_new();
	X509_NAME *name = name_of(cn);
	uint8_t rnd[8];
	uint64_t serial = 0;
	size_t i;

	cr_assert_not_null(x);
	cr_assert_eq(RAND_bytes(rnd, sizeof(rnd)), 1);
	for (i = 0; i < sizeof(rnd); i++)
		serial = serial << 8 | rnd[i];
	serial = (serial >> 2) | 1;	/* positive and non-zero */
	cr_assert_eq(X509_set_version(x, X509_VERSION_3), 1);
	cr_assert_eq(ASN1_INTEGER_set_uint64(X509_get_serialNumber(x),
	    serial), 1);
	cr_assert_not_null(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb));
	cr_assert_not_null(ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na));
	cr_assert_eq(X509_set_subject_name(x, name), 1);
	cr_assert_eq(X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name), 1);
	X509_NAME_free(name);
	cr_assert_eq(X509_set_pubkey(x, pub), 1);
	return x;
}

/* An extension in X509V3_EXT_nconf() syntax. */
static void
ext_conf(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
	cr_assert_not_null(ext, "extension %s", value);
	cr_assert_eq(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/* Fulcio extension 1.3.6.1.4.1.57264.1.<arc> holding (val, n). */
static void
ext_fulcio(X509 *x, unsigned arc, const uint8_t *val, size_t n)
{
	char oid[64];
	ASN1_OBJECT *o;
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e;

	snprintf(oid, sizeof(oid), FULCIO_ARC "%u", arc);
	cr_assert_not_null(o = OBJ_txt2obj(oid, 1));
	cr_assert_not_null(os);
	cr_assert_eq(ASN1_OCTET_STRING_set(os, val, (int)n), 1);
	cr_assert_not_null(e = X509_EXTENSION_create_by_OBJ(NULL, o, 0, os));
	cr_assert_eq(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(o);
}

/* .1-.6: the raw string. */
static void
ext_raw(X509 *x, unsigned arc, const char *s)
{
	ext_fulcio(x, arc, (const uint8_t *)s, strlen(s));
}

/* .8 and up: a DER UTF8String, encoded by hand. */
static void
ext_utf8(X509 *x, unsigned arc, const char *s)
{
	uint8_t der[300];
	size_t n = strlen(s), h;

	cr_assert_lt(n, 256);
	der[0] = 0x0c;
	if (n < 0x80) {
		der[1] = (uint8_t)n;
		h = 2;
	} else {
		der[1] = 0x81;
		der[2] = (uint8_t)n;
		h = 3;
	}
	memcpy(der + h, s, n);
	ext_fulcio(x, arc, der, h + n);
}

/* One more name of a subjectAltName. */
static void
push_san(GENERAL_NAMES *gens, enum fx_san type, const char *value)
{
	GENERAL_NAME *g = GENERAL_NAME_new();

	cr_assert_not_null(g);
	if (type == FX_SAN_USERNAME) {
		ASN1_OBJECT *oid = OBJ_txt2obj(FULCIO_ARC "7", 1);
		ASN1_UTF8STRING *u = ASN1_UTF8STRING_new();
		ASN1_TYPE *t = ASN1_TYPE_new();

		cr_assert_not_null(oid);
		cr_assert_not_null(u);
		cr_assert_not_null(t);
		cr_assert_eq(ASN1_STRING_set(u, value, -1), 1);
		ASN1_TYPE_set(t, V_ASN1_UTF8STRING, u);
		cr_assert_eq(GENERAL_NAME_set0_othername(g, oid, t), 1);
	} else {
		ASN1_IA5STRING *s = ASN1_IA5STRING_new();

		cr_assert_not_null(s);
		cr_assert_eq(ASN1_STRING_set(s, value, -1), 1);
		GENERAL_NAME_set0_value(g, type == FX_SAN_EMAIL ? GEN_EMAIL :
		    GEN_URI, s);
	}
	cr_assert_gt(sk_GENERAL_NAME_push(gens, g), 0);
}

/* A critical subjectAltName with one name, or two when value2 is set. */
static void
ext_san(X509 *x, enum fx_san type, const char *value, enum fx_san type2,
    const char *value2)
{
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();

	cr_assert_not_null(gens);
	push_san(gens, type, value);
	if (value2 != NULL)
		push_san(gens, type2, value2);
	cr_assert_eq(X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 1,
	    X509V3_ADD_DEFAULT), 1);
	GENERAL_NAMES_free(gens);
}

static void
cert_sign(X509 *x, const struct fx_key *k)
{
	cr_assert_gt(X509_sign(x, k->pkey, sign_md(k->type)), 0);
}

static uint8_t *
cert_der(X509 *x, size_t *len)
{
	unsigned char *p = NULL;
	uint8_t *out;
	int n = i2d_X509(x, &p);

	cr_assert_gt(n, 0);
	out = xmalloc((size_t)n);
	memcpy(out, p, (size_t)n);
	OPENSSL_free(p);
	*len = (size_t)n;
	return out;
}

static char *
cert_b64(X509 *x)
{
	size_t n;
	uint8_t *der = cert_der(x, &n);
	char *s = b64(der, n);

	free(der);
	return s;
}

/* PEM text of a certificate or a public key, malloc'd. */
static char *
pem_of(X509 *x, EVP_PKEY *k)
{
	BIO *bio = BIO_new(BIO_s_mem());
	BUF_MEM *bm = NULL;
	char *s;

	cr_assert_not_null(bio);
	if (x != NULL)
		cr_assert_eq(PEM_write_bio_X509(bio, x), 1);
	else
		cr_assert_eq(PEM_write_bio_PUBKEY(bio, k), 1);
	BIO_get_mem_ptr(bio, &bm);
	s = xmalloc(bm->length + 1);
	memcpy(s, bm->data, bm->length);
	s[bm->length] = '\0';
	BIO_free(bio);
	return s;
}

/* The world -------------------------------------------------------------- */

static void
ca_init(struct fx_ca *ca, fx_kt kt, const char *name, const char *uri)
{
	char cn[64];

	ca->name = name;
	ca->uri = uri;
	ca->root_key = fx_key_new(kt, 0);
	ca->int_key = fx_key_new(kt, 0);
	snprintf(cn, sizeof(cn), "%s-root", name);
	ca->root = cert_start(ca->root_key->pkey, cn, NULL,
	    FX_T0 - 5 * FX_YEAR, FX_T0 + 10 * FX_YEAR);
	ext_conf(ca->root, NULL, NID_basic_constraints, "critical,CA:TRUE");
	ext_conf(ca->root, NULL, NID_key_usage, "critical,keyCertSign,cRLSign");
	ext_conf(ca->root, NULL, NID_subject_key_identifier, "hash");
	cert_sign(ca->root, ca->root_key);
	snprintf(cn, sizeof(cn), "%s-intermediate", name);
	ca->inter = cert_start(ca->int_key->pkey, cn, ca->root,
	    FX_T0 - 2 * FX_YEAR, FX_T0 + 5 * FX_YEAR);
	ext_conf(ca->inter, ca->root, NID_basic_constraints,
	    "critical,CA:TRUE,pathlen:0");
	ext_conf(ca->inter, ca->root, NID_key_usage,
	    "critical,keyCertSign,cRLSign");
	ext_conf(ca->inter, ca->root, NID_ext_key_usage, "codeSigning");
	ext_conf(ca->inter, ca->root, NID_subject_key_identifier, "hash");
	ext_conf(ca->inter, ca->root, NID_authority_key_identifier,
	    "keyid:always");
	cert_sign(ca->inter, ca->root_key);
}

static void
ca_fini(struct fx_ca *ca)
{
	X509_free(ca->root);
	X509_free(ca->inter);
	fx_key_free(&ca->root_key);
	fx_key_free(&ca->int_key);
}

/*
 * The C2SP signed-note key ID of a log key (REFERENCE 8.3): Ed25519
 * H(name || 0x0A || 0x01 || raw key), ECDSA H(SPKI).
 */
static void
note_key_id(const struct fx_log *log, uint8_t id[32])
{
	struct sgn_buf b;
	uint8_t raw[32];

	if (log->key->type != FX_ED25519) {
		sha256(log->spki, log->spki_len, id);
		return;
	}
	sgn_buf_init(&b, 0);
	ed25519_raw(log->key->pkey, raw);
	buf_str(&b, log->name);
	buf_add(&b, "\n\x01", 2);
	buf_add(&b, raw, 32);
	sha256(b.ptr, b.len, id);
	sgn_buf_reset(&b);
}

static void
log_init(struct fx_log *log, fx_kt kt, int which, const char *url,
    const char *name, int v2)
{
	log->key = fx_key_new(kt, which);
	log->base_url = url;
	log->name = name;
	log->v2 = v2;
	log->spki = spki_of(log->key->pkey, &log->spki_len);
	if (v2)
		snprintf(log->origin, sizeof(log->origin), "%s", name);
	else
		snprintf(log->origin, sizeof(log->origin), "%s - %s", name,
		    V1_TREE_ID);
	/* CT and Rekor v1: H(SPKI); Rekor v2: the note key ID. */
	note_key_id(log, log->log_id);
}

static void
log_fini(struct fx_log *log)
{
	fx_key_free(&log->key);
	free(log->spki);
}

static void
tsa_init(struct fx_tsa *t, const char *root_cn, const char *cn)
{
	t->root_key = fx_key_new(FX_P384, 0);
	t->key = fx_key_new(FX_P384, 0);
	t->root = cert_start(t->root_key->pkey, root_cn, NULL,
	    FX_T0 - 5 * FX_YEAR, FX_T0 + 10 * FX_YEAR);
	ext_conf(t->root, NULL, NID_basic_constraints, "critical,CA:TRUE");
	ext_conf(t->root, NULL, NID_key_usage, "critical,keyCertSign,cRLSign");
	ext_conf(t->root, NULL, NID_subject_key_identifier, "hash");
	cert_sign(t->root, t->root_key);
	t->leaf = cert_start(t->key->pkey, cn, t->root,
	    FX_T0 - FX_YEAR, FX_T0 + FX_YEAR);
	ext_conf(t->leaf, t->root, NID_basic_constraints, "critical,CA:FALSE");
	ext_conf(t->leaf, t->root, NID_key_usage,
	    "critical,digitalSignature");
	ext_conf(t->leaf, t->root, NID_ext_key_usage, "critical,timeStamping");
	ext_conf(t->leaf, t->root, NID_subject_key_identifier, "hash");
	ext_conf(t->leaf, t->root, NID_authority_key_identifier,
	    "keyid:always");
	cert_sign(t->leaf, t->root_key);
}

static void
tsa_fini(struct fx_tsa *t)
{
	X509_free(t->root);
	X509_free(t->leaf);
	fx_key_free(&t->root_key);
	fx_key_free(&t->key);
}

struct fx_world *
fx_world_new(void)
{
	struct fx_world *w = xmalloc(sizeof(*w));
	size_t i;

	memset(w, 0, sizeof(*w));
	ca_init(&w->ca_p384, FX_P384, "fx-fulcio", "https://fulcio.fx.test");
	ca_init(&w->ca_p256, FX_P256, "fx-fulcio-p256",
	    "https://fulcio-p256.fx.test");
	log_init(&w->ct_ec, FX_P256, 0, "https://ctfe.fx.test/ec",
	    "ctfe.fx.test", 0);
	log_init(&w->ct_rsa, FX_RSA2048, 2, "https://ctfe.fx.test/rsa",
	    "ctfe.fx.test", 0);
	log_init(&w->ct_other, FX_P256, 0, "https://ctfe.other.test",
	    "ctfe.other.test", 0);
	log_init(&w->rekor_v1, FX_P256, 0, "https://rekor.fx.test",
	    "rekor.fx.test", 0);
	log_init(&w->rekor_v2_ed, FX_ED25519, 0,
	    "https://log2030-1.rekor.fx.test", "log2030-1.rekor.fx.test", 1);
	log_init(&w->rekor_v2_ec, FX_P256, 0,
	    "https://log-ec.rekor.fx.test:8443/", "log-ec.rekor.fx.test", 1);
	log_init(&w->rekor_other, FX_P256, 0, "https://rekor.other.test",
	    "rekor.other.test", 0);
	tsa_init(&w->tsa, "fx-tsa-root", "fx-tsa");
	tsa_init(&w->tsa2, "fx-tsa2-root", "fx-tsa2");
	for (i = 0; i < FX_WITNESSES; i++)
		w->witness[i] = fx_key_new(FX_ED25519, 0);
	return w;
}

void
fx_world_free(struct fx_world **wp)
{
	struct fx_world *w;
	size_t i;

	if (wp == NULL || (w = *wp) == NULL)
		return;
	ca_fini(&w->ca_p384);
	ca_fini(&w->ca_p256);
	log_fini(&w->ct_ec);
	log_fini(&w->ct_rsa);
	log_fini(&w->ct_other);
	log_fini(&w->rekor_v1);
	log_fini(&w->rekor_v2_ed);
	log_fini(&w->rekor_v2_ec);
	log_fini(&w->rekor_other);
	tsa_fini(&w->tsa);
	tsa_fini(&w->tsa2);
	for (i = 0; i < FX_WITNESSES; i++)
		fx_key_free(&w->witness[i]);
	free(w);
	*wp = NULL;
}

const struct fx_ca *
fx_world_ca(const struct fx_world *w, int svc)
{
	switch (svc) {
	case FX_DEFAULT:
	case FX_CA_P384:
		return &w->ca_p384;
	case FX_CA_P256:
		return &w->ca_p256;
	}
	cr_assert_fail("service %d is not a CA", svc);
	return NULL;
}

const struct fx_log *
fx_world_log(const struct fx_world *w, int svc)
{
	switch (svc) {
	case FX_CT_EC:
		return &w->ct_ec;
	case FX_CT_RSA:
		return &w->ct_rsa;
	case FX_CT_OTHER:
		return &w->ct_other;
	case FX_DEFAULT:
	case FX_REKOR_V1:
		return &w->rekor_v1;
	case FX_REKOR_V2_ED:
		return &w->rekor_v2_ed;
	case FX_REKOR_V2_EC:
		return &w->rekor_v2_ec;
	case FX_REKOR_OTHER:
		return &w->rekor_other;
	}
	cr_assert_fail("service %d is not a log", svc);
	return NULL;
}

/* Trusted root ------------------------------------------------------------ */

void
fx_root_set_end(struct fx_root_opts *o, int svc, int64_t end)
{
	o->win[svc].set = 1;
	o->win[svc].start = FX_WINDOW_START;
	o->win[svc].end = end;
	o->win[svc].has_end = 1;
}

static void
add_b64(cJSON *obj, const char *key, const uint8_t *p, size_t n)
{
	char *s = b64(p, n);

	cr_assert_not_null(cJSON_AddStringToObject(obj, key, s));
	free(s);
}

static void
add_str(cJSON *obj, const char *key, const char *s)
{
	cr_assert_not_null(cJSON_AddStringToObject(obj, key, s));
}

static cJSON *
add_obj(cJSON *obj, const char *key)
{
	cJSON *o = cJSON_AddObjectToObject(obj, key);

	cr_assert_not_null(o);
	return o;
}

static cJSON *
add_arr(cJSON *obj, const char *key)
{
	cJSON *a = cJSON_AddArrayToObject(obj, key);

	cr_assert_not_null(a);
	return a;
}

static cJSON *
push_obj(cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();

	cr_assert_not_null(o);
	cr_assert(cJSON_AddItemToArray(arr, o));
	return o;
}

static void
add_validity(cJSON *obj, const struct fx_root_opts *o, int svc)
{
	const struct fx_window *w = o != NULL && o->win[svc].set ?
	    &o->win[svc] : NULL;
	cJSON *vf = add_obj(obj, "validFor");
	char t[32];

	rfc3339(w != NULL ? w->start : FX_WINDOW_START, t);
	add_str(vf, "start", t);
	if (w != NULL && w->has_end) {
		rfc3339(w->end, t);
		add_str(vf, "end", t);
	}
}

static int
listed(const struct fx_root_opts *o, int svc)
{
	unsigned drop = o != NULL ? o->drop : 0;
	unsigned add = o != NULL ? o->add : 0;

	if ((drop & FX_BIT(svc)) != 0)
		return 0;
	if (svc == FX_CT_OTHER || svc == FX_REKOR_OTHER || svc == FX_TSA2)
		return (add & FX_BIT(svc)) != 0;
	return 1;
}

static void
root_log(cJSON *arr, const struct fx_world *w, const struct fx_root_opts *o,
    int svc)
{
	const struct fx_log *log = fx_world_log(w, svc);
	cJSON *e, *pk;

	if (!listed(o, svc))
		return;
	e = push_obj(arr);
	add_str(e, "baseUrl", log->base_url);
	add_str(e, "hashAlgorithm", "SHA2_256");
	pk = add_obj(e, "publicKey");
	if (svc == FX_CT_RSA) {
		/* As the staging root ships it: a bare PKCS#1 RSAPublicKey. */
		unsigned char *p = NULL;
		int n = i2d_PublicKey(log->key->pkey, &p);

		cr_assert_gt(n, 0);
		add_b64(pk, "rawBytes", p, (size_t)n);
		OPENSSL_free(p);
		add_str(pk, "keyDetails", "PKCS1_RSA_PKCS1V5");
	} else {
		add_b64(pk, "rawBytes", log->spki, log->spki_len);
		add_str(pk, "keyDetails", fx_key_details(log->key->type));
	}
	add_validity(pk, o, svc);
	add_b64(add_obj(e, "logId"), "keyId", log->log_id, 32);
}

static void
root_authority(cJSON *arr, const struct fx_root_opts *o, int svc,
    const char *org, const char *cn, const char *uri, X509 *first,
    X509 *anchor)
{
	cJSON *e, *s, *certs;
	char *der;

	if (!listed(o, svc))
		return;
	e = push_obj(arr);
	s = add_obj(e, "subject");
	add_str(s, "organization", org);
	add_str(s, "commonName", cn);
	add_str(e, "uri", uri);
	certs = add_arr(add_obj(e, "certChain"), "certificates");
	der = cert_b64(first);
	add_str(push_obj(certs), "rawBytes", der);
	free(der);
	der = cert_b64(anchor);
	add_str(push_obj(certs), "rawBytes", der);
	free(der);
	add_validity(e, o, svc);
}

char *
fx_trusted_root(const struct fx_world *w, const struct fx_root_opts *o)
{
	cJSON *root = cJSON_CreateObject(), *a;
	char *s;

	cr_assert_not_null(root);
	add_str(root, "mediaType",
	    "application/vnd.dev.sigstore.trustedroot+json;version=0.1");
	a = add_arr(root, "tlogs");
	root_log(a, w, o, FX_REKOR_V1);
	root_log(a, w, o, FX_REKOR_V2_ED);
	root_log(a, w, o, FX_REKOR_V2_EC);
	root_log(a, w, o, FX_REKOR_OTHER);
	a = add_arr(root, "certificateAuthorities");
	root_authority(a, o, FX_CA_P384, "fx", w->ca_p384.name,
	    w->ca_p384.uri, w->ca_p384.inter, w->ca_p384.root);
	root_authority(a, o, FX_CA_P256, "fx", w->ca_p256.name,
	    w->ca_p256.uri, w->ca_p256.inter, w->ca_p256.root);
	a = add_arr(root, "ctlogs");
	root_log(a, w, o, FX_CT_EC);
	root_log(a, w, o, FX_CT_RSA);
	root_log(a, w, o, FX_CT_OTHER);
	a = add_arr(root, "timestampAuthorities");
	root_authority(a, o, FX_TSA, "fx", "fx-tsa",
	    "https://tsa.fx.test/api/v1/timestamp", w->tsa.leaf, w->tsa.root);
	root_authority(a, o, FX_TSA2, "fx", "fx-tsa2",
	    "https://tsa2.fx.test/api/v1/timestamp", w->tsa2.leaf,
	    w->tsa2.root);
	cr_assert_not_null(s = cJSON_PrintUnformatted(root));
	cJSON_Delete(root);
	return s;
}

/* Leaf certificates --------------------------------------------------- */

static void
put_be(uint8_t *p, uint64_t v, size_t bytes)
{
	size_t i;

	for (i = bytes; i > 0; i--) {
		p[i - 1] = (uint8_t)v;
		v >>= 8;
	}
}

/*
 * An RFC 6962 v1 SCT for a precertificate entry: the log signs
 *   0x00 0x00 timestamp(8) 0x00 0x01 issuer_key_hash(32)
 *   u24 length || TBS || u16 extensions length (0)
 * with ECDSA P-256 or RSA PKCS#1 v1.5, both over SHA-256.
 */
static SCT *
make_sct(const struct fx_log *ct, uint64_t ms, const uint8_t ikh[32],
    const uint8_t *tbs, size_t tbs_len)
{
	size_t n = 2 + 8 + 2 + 32 + 3 + tbs_len + 2, siglen;
	uint8_t *d = xmalloc(n), *sig;
	SCT *s = SCT_new();

	cr_assert_not_null(s);
	cr_assert_lt(tbs_len, 1u << 24);
	d[0] = 0;		/* v1 */
	d[1] = 0;		/* certificate_timestamp */
	put_be(d + 2, ms, 8);
	put_be(d + 10, 1, 2);	/* precert_entry */
	memcpy(d + 12, ikh, 32);
	put_be(d + 44, tbs_len, 3);
	memcpy(d + 47, tbs, tbs_len);
	put_be(d + 47 + tbs_len, 0, 2);
	sig = sign_raw(ct->key->pkey, EVP_sha256(), d, n, &siglen);
	cr_assert_eq(SCT_set_version(s, SCT_VERSION_V1), 1);
	cr_assert_eq(SCT_set1_log_id(s, ct->log_id, 32), 1);
	SCT_set_timestamp(s, ms);
	cr_assert_eq(SCT_set_signature_nid(s, is_rsa(ct->key->type) ?
	    NID_sha256WithRSAEncryption : NID_ecdsa_with_SHA256), 1);
	cr_assert_eq(SCT_set1_signature(s, sig, siglen), 1);
	free(sig);
	free(d);
	return s;
}

/* Adds the embedded SCT list, signed over the TBS as it stands. */
static void
add_scts(const struct fx_world *w, X509 *x, const struct fx_ca *ca,
    const struct fx_leaf_opts *o, int64_t nb)
{
	STACK_OF(SCT) *list = sk_SCT_new_null();
	X509_EXTENSION *ext;
	unsigned char *tbs = NULL, *spki = NULL;
	uint8_t ikh[32];
	uint64_t ms;
	int tbs_len, spki_len;

	cr_assert_not_null(list);
	/* The precertificate TBS: signed once so that the signature
	 * algorithm is in place, then re-encoded without the SCT list. */
	cert_sign(x, ca->int_key);
	cr_assert_gt(tbs_len = i2d_re_X509_tbs(x, &tbs), 0);
	cr_assert_gt(spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(
	    ca->inter), &spki), 0);
	sha256(spki, (size_t)spki_len, ikh);
	ms = (uint64_t)(o->sct_time != 0 ? o->sct_time : nb) * 1000 + 123;
	cr_assert_gt(sk_SCT_push(list, make_sct(fx_world_log(w, o->ct != 0 ?
	    o->ct : FX_CT_EC), ms, ikh, tbs, (size_t)tbs_len)), 0);
	if (o->ct2 != 0)
		cr_assert_gt(sk_SCT_push(list, make_sct(fx_world_log(w,
		    o->ct2), ms, ikh, tbs, (size_t)tbs_len)), 0);
	cr_assert_not_null(ext = X509V3_EXT_i2d(NID_ct_precert_scts, 0,
	    list));
	cr_assert_eq(X509_add_ext(x, ext, o->sct_at - 1), 1);
	X509_EXTENSION_free(ext);
	SCT_LIST_free(list);
	OPENSSL_free(tbs);
	OPENSSL_free(spki);
}

struct fx_leaf *
fx_leaf_new(const struct fx_world *w, const struct fx_leaf_opts *in)
{
	static const struct fx_leaf_opts none;
	const struct fx_leaf_opts *o = in != NULL ? in : &none;
	const struct fx_ca *ca = fx_world_ca(w, o->ca);
	struct fx_leaf *l = xmalloc(sizeof(*l));
	const char *issuer = o->issuer != NULL ? o->issuer : FX_ISSUER;
	int64_t nb = o->not_before != 0 ? o->not_before : FX_T0;
	X509 *x;

	l->ca = ca;
	l->key = fx_key_new(o->key_type, 0);
	x = cert_start(l->key->pkey, o->subject, ca->inter, nb, nb +
	    (o->lifetime != 0 ? o->lifetime : FX_LIFETIME));
	ext_conf(x, ca->inter, NID_key_usage, "critical,digitalSignature");
	if (!o->no_eku)
		ext_conf(x, ca->inter, NID_ext_key_usage, "codeSigning");
	if (o->is_ca)
		ext_conf(x, ca->inter, NID_basic_constraints,
		    "critical,CA:TRUE");
	ext_conf(x, ca->inter, NID_subject_key_identifier, "hash");
	ext_conf(x, ca->inter, NID_authority_key_identifier, "keyid:always");
	ext_san(x, o->san_type, o->san != NULL ? o->san : FX_EMAIL,
	    o->san2_type, o->san2);
	ext_raw(x, 1, o->issuer_legacy != NULL ? o->issuer_legacy : issuer);
	if (o->github) {
		ext_raw(x, 2, FX_GH_TRIGGER);
		ext_raw(x, 3, FX_GH_SHA);
		ext_raw(x, 4, FX_GH_WORKFLOW);
		ext_raw(x, 5, FX_GH_REPO);
		ext_raw(x, 6, FX_GH_REF);
	}
	if (!o->issuer_legacy_only)
		ext_utf8(x, 8, issuer);
	if (o->github) {
		ext_utf8(x, 9, FX_GH_ID);
		ext_utf8(x, 11, "github-hosted");
		ext_utf8(x, 12, "https://github.com/" FX_GH_REPO);
		ext_utf8(x, 13, FX_GH_SHA);
		ext_utf8(x, 14, FX_GH_REF);
		ext_utf8(x, 20, FX_GH_TRIGGER);
	}
	if (!o->no_sct)
		add_scts(w, x, ca, o, nb);
	cert_sign(x, ca->int_key);
	l->cert = x;
	l->der = cert_der(x, &l->der_len);
	return l;
}

void
fx_leaf_free(struct fx_leaf **lp)
{
	if (lp == NULL || *lp == NULL)
		return;
	X509_free((*lp)->cert);
	fx_key_free(&(*lp)->key);
	free((*lp)->der);
	free(*lp);
	*lp = NULL;
}

/* Merkle trees (RFC 6962 section 2.1, recursive definitions) ----------- */

static void
leaf_hash(const void *p, size_t n, uint8_t out[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	static const uint8_t zero = 0x00;

	cr_assert_not_null(c);
	cr_assert_eq(EVP_DigestInit_ex(c, EVP_sha256(), NULL), 1);
	cr_assert_eq(EVP_DigestUpdate(c, &zero, 1), 1);
	cr_assert_eq(EVP_DigestUpdate(c, p, n), 1);
	cr_assert_eq(EVP_DigestFinal_ex(c, out, NULL), 1);
	EVP_MD_CTX_free(c);
}

static void
node_hash(const uint8_t l[32], const uint8_t r[32], uint8_t out[32])
{
	uint8_t in[65];

	in[0] = 0x01;
	memcpy(in + 1, l, 32);
	memcpy(in + 33, r, 32);
	sha256(in, sizeof(in), out);
}

/* The largest power of two below n (n >= 2). */
static size_t
split(size_t n)
{
	size_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* MTH(D[0:n]) over leaf hashes. */
static void
mth(const uint8_t (*lh)[32], size_t n, uint8_t out[32])
{
	uint8_t l[32], r[32];
	size_t k;

	if (n == 1) {
		memcpy(out, lh[0], 32);
		return;
	}
	k = split(n);
	mth(lh, k, l);
	mth(lh + k, n - k, r);
	node_hash(l, r, out);
}

/* PATH(m, D[0:n]), appended leaf side first. */
static void
audit_path(const uint8_t (*lh)[32], size_t n, size_t m,
    uint8_t (*out)[32], size_t *len)
{
	size_t k;

	if (n == 1)
		return;
	k = split(n);
	if (m < k) {
		audit_path(lh, k, m, out, len);
		mth(lh + k, n - k, out[(*len)++]);
	} else {
		audit_path(lh + k, n - k, m - k, out, len);
		mth(lh, k, out[(*len)++]);
	}
}

/* Checkpoints (C2SP signed-note, tlog-checkpoint) ----------------------- */

static void
sig_line(struct sgn_buf *note, const char *name, const uint8_t hint[4],
    const uint8_t *prefix, size_t prefix_len, const uint8_t *sig,
    size_t sig_len)
{
	uint8_t *blob = xmalloc(4 + prefix_len + sig_len);
	char *enc;

	memcpy(blob, hint, 4);
	if (prefix_len > 0)
		memcpy(blob + 4, prefix, prefix_len);
	memcpy(blob + 4 + prefix_len, sig, sig_len);
	enc = b64(blob, 4 + prefix_len + sig_len);
	buf_fmt(note, "%s %s %s\n", em_dash, name, enc);
	free(enc);
	free(blob);
}

/* A witness cosignature line (C2SP tlog-cosignature, key type 0x04). */
static void
witness_line(struct sgn_buf *note, const struct fx_world *w, int i,
    const struct sgn_buf *text)
{
	struct sgn_buf msg, idb;
	char name[32];
	uint8_t raw[32], id[32], ts[8], *sig;
	uint64_t t = FX_T0 + 100;
	size_t siglen;

	cr_assert_lt(i, FX_WITNESSES);
	snprintf(name, sizeof(name), "witness%d.fx.test", i + 1);
	ed25519_raw(w->witness[i]->pkey, raw);
	sgn_buf_init(&idb, 0);
	buf_str(&idb, name);
	buf_add(&idb, "\n\x04", 2);
	buf_add(&idb, raw, 32);
	sha256(idb.ptr, idb.len, id);
	sgn_buf_reset(&idb);
	sgn_buf_init(&msg, 0);
	buf_fmt(&msg, "cosignature/v1\ntime %llu\n", (unsigned long long)t);
	buf_add(&msg, text->ptr, text->len);
	sig = sign_raw(w->witness[i]->pkey, NULL, msg.ptr, msg.len, &siglen);
	put_be(ts, t, 8);
	sig_line(note, name, id, ts, 8, sig, siglen);
	free(sig);
	sgn_buf_reset(&msg);
}

static char *
make_checkpoint(const struct fx_world *w, const struct fx_log *log,
    const struct fx_entry_opts *e, uint64_t size, const uint8_t root[32])
{
	struct sgn_buf text, note;
	uint8_t id[32], *sig;
	size_t siglen;
	char *r64 = b64(root, 32);
	int i;

	sgn_buf_init(&text, 0);
	sgn_buf_init(&note, 0);
	buf_fmt(&text, "%s\n%llu\n%s\n", e->origin != NULL ? e->origin :
	    log->origin, (unsigned long long)size, r64);
	free(r64);
	if (e->cp_ext != NULL)
		buf_fmt(&text, "%s\n", e->cp_ext);
	buf_add(&note, text.ptr, text.len);
	buf_str(&note, "\n");
	for (i = 0; i < e->witnesses_before; i++)
		witness_line(&note, w, i, &text);
	if (e->cp_key != 0)
		log = fx_world_log(w, e->cp_key);
	note_key_id(log, id);
	if (e->wrong_hint)
		id[0] ^= 0xff;
	if (e->bad_cp_sig) {
		struct sgn_buf other;

		sgn_buf_init(&other, 0);
		buf_add(&other, text.ptr, text.len);
		buf_str(&other, "tampered\n");
		sig = sign_raw(log->key->pkey, sign_md(log->key->type),
		    other.ptr, other.len, &siglen);
		sgn_buf_reset(&other);
	} else {
		sig = sign_raw(log->key->pkey, sign_md(log->key->type),
		    text.ptr, text.len, &siglen);
	}
	sig_line(&note, log->name, id, NULL, 0, sig, siglen);
	free(sig);
	for (i = 0; i < e->witnesses_after; i++)
		witness_line(&note, w, e->witnesses_before + i, &text);
	sgn_buf_reset(&text);
	return buf_take(&note);
}

/* Bundles ---------------------------------------------------------------- */

/* What was signed, shared by every entry of a bundle. */
struct mint {
	const struct fx_world	*w;
	const struct fx_bundle_opts *o;
	const struct fx_key	*signer;	/* whose key the bundle names */
	X509			*cert;		/* or NULL (managed key) */
	const uint8_t		*art;
	size_t			 art_len;
	uint8_t			*sig;
	size_t			 sig_len;
	/* DSSE */
	const char		*ptype;
	char			*payload;
	size_t			 payload_len;
	uint8_t			*pae;
	size_t			 pae_len;
};

/* A default in-toto statement naming the artifact by SHA-256. */
static char *
default_statement(const uint8_t *art, size_t n)
{
	struct sgn_buf b;
	char h[2 * 64 + 1];

	fx_hexdigest(EVP_sha256(), art, n, h);
	sgn_buf_init(&b, 0);
	buf_fmt(&b, "{\"_type\":\"https://in-toto.io/Statement/v1\","
	    "\"subject\":[{\"name\":\"artifact\",\"digest\":{\"sha256\":"
	    "\"%s\"}}],\"predicateType\":\"https://slsa.dev/provenance/v1\","
	    "\"predicate\":{\"buildDefinition\":{\"buildType\":"
	    "\"https://fx.test/build\"}}}", h);
	return buf_take(&b);
}

/* PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body */
static void
make_pae(struct mint *m)
{
	struct sgn_buf b;

	sgn_buf_init(&b, 0);
	buf_fmt(&b, "DSSEv1 %zu %s %zu ", strlen(m->ptype), m->ptype,
	    m->payload_len);
	buf_add(&b, m->payload, m->payload_len);
	m->pae = sgn_buf_take(&b, &m->pae_len);
}

/* The verifier an entry records: its key type, and PEM (v1) or DER. */
struct recorded {
	fx_kt	 kt;
	X509	*cert;
	EVP_PKEY *pkey;
};

static void
recorded_of(const struct mint *m, const struct fx_entry_opts *e,
    struct recorded *r)
{
	if (e->body_leaf != NULL) {
		r->kt = e->body_leaf->key->type;
		r->cert = e->body_leaf->cert;
		r->pkey = e->body_leaf->key->pkey;
	} else if (e->body_key != NULL) {
		r->kt = e->body_key->type;
		r->cert = NULL;
		r->pkey = e->body_key->pkey;
	} else {
		r->kt = m->signer->type;
		r->cert = m->cert;
		r->pkey = m->signer->pkey;
	}
}

/* Rekor v1 bodies (REFERENCE 5.1, 5.2): keys sorted, no whitespace. */
static char *
body_v1(const struct mint *m, const struct fx_entry_opts *e)
{
	struct recorded r;
	struct sgn_buf b;
	char *pem, *pem64, *sig64, h[2 * 64 + 1], eh[2 * 64 + 1];
	const EVP_MD *md;

	recorded_of(m, e, &r);
	pem = pem_of(r.cert, r.pkey);
	pem64 = b64((const uint8_t *)pem, strlen(pem));
	sig64 = b64(m->sig, m->sig_len);
	sgn_buf_init(&b, 0);
	if (m->o->dsse) {
		struct sgn_buf env;
		char *p64 = b64((const uint8_t *)m->payload, m->payload_len);

		/* Rekor hashes its own serialization of the envelope. */
		sgn_buf_init(&env, 0);
		buf_fmt(&env, "{\"payload\":\"%s\",\"payloadType\":\"%s\","
		    "\"signatures\":[{\"sig\":\"%s\"}]}", p64, m->ptype,
		    sig64);
		fx_hexdigest(EVP_sha256(), env.ptr, env.len, eh);
		sgn_buf_reset(&env);
		free(p64);
		fx_hexdigest(EVP_sha256(), m->payload, m->payload_len, h);
		buf_fmt(&b, "{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\","
		    "\"spec\":{\"envelopeHash\":{\"algorithm\":\"sha256\","
		    "\"value\":\"%s\"},\"payloadHash\":{\"algorithm\":"
		    "\"sha256\",\"value\":\"%s\"},\"signatures\":[{"
		    "\"signature\":\"%s\",\"verifier\":\"%s\"}]}}", eh, h,
		    sig64, pem64);
	} else {
		md = digest_md(m->signer->type);
		fx_hexdigest(md, m->art, m->art_len, h);
		buf_fmt(&b, "{\"apiVersion\":\"0.0.1\",\"kind\":"
		    "\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{"
		    "\"algorithm\":\"%s\",\"value\":\"%s\"}},\"signature\":{"
		    "\"content\":\"%s\",\"publicKey\":{\"content\":\"%s\"}}}}",
		    rekor_hash(md), h, sig64, pem64);
	}
	free(pem);
	free(pem64);
	free(sig64);
	return buf_take(&b);
}

/* Rekor v2 hashedrekord 0.0.2 (REFERENCE 6.2); DSSE is logged as a
 * hashedrekord over PAE. */
static char *
body_v2(const struct mint *m, const struct fx_entry_opts *e)
{
	struct recorded r;
	struct sgn_buf b;
	const EVP_MD *md;
	uint8_t d[EVP_MAX_MD_SIZE], *der;
	size_t dl, derlen;
	char *d64, *sig64, *ver64;

	recorded_of(m, e, &r);
	md = digest_md(r.kt);
	if (m->o->dsse)
		dl = digest(md, m->pae, m->pae_len, d);
	else
		dl = digest(md, m->art, m->art_len, d);
	if (r.cert != NULL)
		der = cert_der(r.cert, &derlen);
	else
		der = spki_of(r.pkey, &derlen);
	d64 = b64(d, dl);
	sig64 = b64(m->sig, m->sig_len);
	ver64 = b64(der, derlen);
	sgn_buf_init(&b, 0);
	buf_fmt(&b, "{\"apiVersion\":\"0.0.2\",\"kind\":\"hashedrekord\","
	    "\"spec\":{\"hashedRekordV002\":{\"data\":{\"algorithm\":\"%s\","
	    "\"digest\":\"%s\"},\"signature\":{\"content\":\"%s\","
	    "\"verifier\":{\"keyDetails\":\"%s\",\"%s\":{\"rawBytes\":"
	    "\"%s\"}}}}}}", proto_hash(md), d64, sig64,
	    e->key_details != NULL ? e->key_details : fx_key_details(r.kt),
	    r.cert != NULL ? "x509Certificate" : "publicKey", ver64);
	free(der);
	free(d64);
	free(sig64);
	free(ver64);
	return buf_take(&b);
}

static void
add_int_str(cJSON *obj, const char *key, long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", v);
	add_str(obj, key, s);
}

/* The SET (REFERENCE 5.5): ECDSA over the RFC 8785 form of
 * {body, integratedTime, logID, logIndex}. */
static uint8_t *
make_set(const struct fx_log *log, const char *body64, int64_t it,
    int64_t index, size_t *len)
{
	struct sgn_buf p;
	char id[65];
	uint8_t *sig;

	hex(log->log_id, 32, id);
	sgn_buf_init(&p, 0);
	buf_fmt(&p, "{\"body\":\"%s\",\"integratedTime\":%lld,\"logID\":"
	    "\"%s\",\"logIndex\":%lld}", body64, (long long)it, id,
	    (long long)index);
	sig = sign_raw(log->key->pkey, EVP_sha256(), p.ptr, p.len, len);
	sgn_buf_reset(&p);
	return sig;
}

static void
add_entry(cJSON *arr, const struct mint *m, struct fx_entry_opts *e)
{
	const struct fx_log *log = fx_world_log(m->w, e->log);
	cJSON *o = push_obj(arr), *kv, *p, *hs;
	uint64_t size = e->tree_size != 0 ? e->tree_size : DEFAULT_TREE;
	uint64_t idx = e->index_set ? e->index : size * 2 / 3;
	int64_t global = (int64_t)idx + (log->v2 ? 0 : FX_SHARD_OFFSET);
	int64_t it = e->integrated_time != 0 ? e->integrated_time : FX_IT;
	uint8_t (*lh)[32], (*path)[32], root[32];
	size_t plen = 0, i;
	char *body, *body64, *cp, *s;

	cr_assert_lt(idx, size);
	body = log->v2 ? body_v2(m, e) : body_v1(m, e);
	body64 = b64((const uint8_t *)body, strlen(body));

	/* A tree of random entries around ours. */
	lh = xmalloc((size_t)size * 32);
	path = xmalloc(64 * 32);
	cr_assert_eq(RAND_bytes((uint8_t *)lh, (int)size * 32), 1);
	for (i = 0; i < size; i++)
		leaf_hash(lh[i], 32, lh[i]);
	leaf_hash(body, strlen(body), lh[idx]);
	mth((const uint8_t (*)[32])lh, (size_t)size, root);
	audit_path((const uint8_t (*)[32])lh, (size_t)size, (size_t)idx, path,
	    &plen);
	e->proof_len = plen;

	add_int_str(o, "logIndex", global);
	add_b64(add_obj(o, "logId"), "keyId", log->log_id, 32);
	kv = add_obj(o, "kindVersion");
	add_str(kv, "kind", log->v2 || !m->o->dsse ? "hashedrekord" : "dsse");
	add_str(kv, "version", e->kv_version != NULL ? e->kv_version :
	    log->v2 ? "0.0.2" : "0.0.1");
	if (!log->v2) {
		add_int_str(o, "integratedTime", it);
		if (!e->no_set) {
			size_t sl;
			uint8_t *set = make_set(log, body64, it,
			    e->set_over_shard_index ? (int64_t)idx : global,
			    &sl);
			if (e->tamper == FX_TAMPER_SET)
				set[sl / 2] ^= 0x01;
			add_b64(add_obj(o, "inclusionPromise"),
			    "signedEntryTimestamp", set, sl);
			free(set);
		}
	}
	if (!e->no_proof) {
		p = add_obj(o, "inclusionProof");
		add_int_str(p, "logIndex", (long long)idx);
		add_b64(p, "rootHash", root, 32);
		add_int_str(p, "treeSize", (long long)size);
		hs = add_arr(p, "hashes");
		if (e->tamper == FX_TAMPER_PROOF_HASH) {
			cr_assert_lt(e->tamper_at, plen);
			path[e->tamper_at][7] ^= 0x01;
		}
		for (i = 0; i < plen; i++) {
			s = b64(path[i], 32);
			cr_assert(cJSON_AddItemToArray(hs,
			    cJSON_CreateString(s)));
			free(s);
		}
		cp = make_checkpoint(m->w, log, e, size, root);
		add_str(add_obj(p, "checkpoint"), "envelope", cp);
		free(cp);
	}
	add_str(o, "canonicalizedBody", body64);
	free(lh);
	free(path);
	free(body);
	free(body64);
}

static int
ts_time_cb(TS_RESP_CTX *ctx, void *arg, long *sec, long *usec)
{
	const int64_t *t = arg;

	(void)ctx;
	*sec = (long)*t;
	*usec = 0;
	return 1;
}

/* An RFC 3161 TimeStampResp (DER) by t over SHA-256(data) at gen. */
static uint8_t *
make_timestamp(const struct fx_tsa *t, int64_t gen, const uint8_t *data,
    size_t n, size_t *lenp)
{
	TS_RESP_CTX *c = TS_RESP_CTX_new();
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_OBJECT *policy;
	TS_RESP *resp;
	BIO *bio = BIO_new(BIO_s_mem());
	uint8_t md[32], *out;
	unsigned char *der = NULL;
	int len;

	cr_assert_not_null(c);
	cr_assert_not_null(req);
	cr_assert_not_null(mi);
	cr_assert_not_null(alg);
	cr_assert_not_null(bio);
	cr_assert_eq(TS_RESP_CTX_set_signer_cert(c, t->leaf), 1);
	cr_assert_eq(TS_RESP_CTX_set_signer_key(c, t->key->pkey), 1);
	cr_assert_eq(TS_RESP_CTX_set_signer_digest(c, EVP_sha384()), 1);
	cr_assert_eq(TS_RESP_CTX_set_ess_cert_id_digest(c, EVP_sha256()), 1);
	cr_assert_not_null(policy = OBJ_txt2obj(TSA_POLICY, 1));
	cr_assert_eq(TS_RESP_CTX_set_def_policy(c, policy), 1);
	ASN1_OBJECT_free(policy);
	cr_assert_eq(TS_RESP_CTX_add_md(c, EVP_sha256()), 1);
	cr_assert_eq(TS_RESP_CTX_set_accuracy(c, 1, 0, 0), 1);
	TS_RESP_CTX_set_time_cb(c, ts_time_cb, &gen);

	sha256(data, n, md);
	cr_assert_eq(X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256),
	    V_ASN1_NULL, NULL), 1);
	cr_assert_eq(TS_MSG_IMPRINT_set_algo(mi, alg), 1);
	cr_assert_eq(TS_MSG_IMPRINT_set_msg(mi, md, 32), 1);
	cr_assert_eq(TS_REQ_set_version(req, 1), 1);
	cr_assert_eq(TS_REQ_set_msg_imprint(req, mi), 1);
	cr_assert_eq(TS_REQ_set_cert_req(req, 0), 1);
	cr_assert_eq(i2d_TS_REQ_bio(bio, req), 1);
	cr_assert_not_null(resp = TS_RESP_create_response(c, bio));
	cr_assert_eq(ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(
	    TS_RESP_get_status_info(resp))), 0, "the TSA refused");
	cr_assert_gt(len = i2d_TS_RESP(resp, &der), 0);
	out = xmalloc((size_t)len);
	memcpy(out, der, (size_t)len);
	*lenp = (size_t)len;
	OPENSSL_free(der);
	TS_RESP_free(resp);
	BIO_free(bio);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	TS_RESP_CTX_free(c);
	ERR_clear_error();
	return out;
}

static void
add_material(cJSON *vm, const struct mint *m)
{
	const struct fx_bundle_opts *o = m->o;
	const struct fx_leaf *l = o->leaf;
	cJSON *certs;
	char *s;

	if (l == NULL) {
		size_t n;
		uint8_t *spki = spki_of(m->signer->pkey, &n), h[32];

		sha256(spki, n, h);
		free(spki);
		add_b64(add_obj(vm, "publicKey"), "hint", h, 32);
		return;
	}
	if (o->version == 3) {
		add_b64(add_obj(vm, "certificate"), "rawBytes", l->der,
		    l->der_len);
		return;
	}
	certs = add_arr(add_obj(vm, "x509CertificateChain"), "certificates");
	add_b64(push_obj(certs), "rawBytes", l->der, l->der_len);
	if (o->chain_intermediate) {
		s = cert_b64(l->ca->inter);
		add_str(push_obj(certs), "rawBytes", s);
		free(s);
	}
	if (o->chain_root) {
		s = cert_b64(l->ca->root);
		add_str(push_obj(certs), "rawBytes", s);
		free(s);
	}
}

char *
fx_bundle(const struct fx_world *w, struct fx_bundle_opts *o)
{
	static const char *const media[] = { NULL,
	    "application/vnd.dev.sigstore.bundle+json;version=0.1",
	    "application/vnd.dev.sigstore.bundle+json;version=0.2",
	    "application/vnd.dev.sigstore.bundle.v0.3+json" };
	struct mint m;
	const struct fx_key *sk;
	cJSON *b = cJSON_CreateObject(), *vm, *arr, *c;
	uint8_t d[EVP_MAX_MD_SIZE];
	size_t i, n, dl;
	char *s;

	cr_assert_not_null(b);
	cr_assert((o->leaf == NULL) != (o->key == NULL),
	    "a bundle needs a leaf or a key");
	if (o->version == 0)
		o->version = 3;
	cr_assert(o->version >= 1 && o->version <= 3);
	if (o->n_entries == 0)
		o->n_entries = 1;
	cr_assert_leq(o->n_entries, FX_MAX_ENTRIES);
	cr_assert_leq(o->n_ts, FX_MAX_TIMESTAMPS);
	memset(&m, 0, sizeof(m));
	m.w = w;
	m.o = o;
	m.signer = o->leaf != NULL ? o->leaf->key : o->key;
	m.cert = o->leaf != NULL ? o->leaf->cert : NULL;
	m.art = o->artifact != NULL ? o->artifact :
	    (const uint8_t *)FX_ARTIFACT;
	m.art_len = o->artifact != NULL ? o->artifact_len :
	    strlen(FX_ARTIFACT);
	sk = o->sign_key != NULL ? o->sign_key : m.signer;
	if (o->dsse) {
		m.ptype = o->payload_type != NULL ? o->payload_type :
		    FX_INTOTO;
		m.payload = o->payload != NULL ? xstrdup(o->payload) :
		    default_statement(m.art, m.art_len);
		m.payload_len = strlen(m.payload);
		make_pae(&m);
		m.sig = sign_raw(sk->pkey, sign_md(sk->type), m.pae,
		    m.pae_len, &m.sig_len);
	} else {
		m.sig = sign_raw(sk->pkey, sign_md(sk->type), m.art,
		    m.art_len, &m.sig_len);
	}

	add_str(b, "mediaType", media[o->version]);
	vm = add_obj(b, "verificationMaterial");
	add_material(vm, &m);
	arr = add_arr(vm, "tlogEntries");
	for (i = 0; i < o->n_entries; i++)
		add_entry(arr, &m, &o->entry[i]);
	if (o->n_ts > 0) {
		arr = add_arr(add_obj(vm, "timestampVerificationData"),
		    "rfc3161Timestamps");
		for (i = 0; i < o->n_ts; i++) {
			int other = o->ts_over_artifact ||
			    (o->ts_other_bytes & (1u << i)) != 0;
			uint8_t *ts = make_timestamp((o->ts_by_tsa2 &
			    (1u << i)) != 0 ? &w->tsa2 : &w->tsa, o->ts[i] !=
			    0 ? o->ts[i] : FX_TS, other ? m.art : m.sig,
			    other ? m.art_len : m.sig_len, &n);
			add_b64(push_obj(arr), "signedTimestamp", ts, n);
			free(ts);
		}
	}
	if (o->dsse) {
		c = add_obj(b, "dsseEnvelope");
		add_b64(c, "payload", (const uint8_t *)m.payload,
		    m.payload_len);
		add_str(c, "payloadType", m.ptype);
		add_b64(push_obj(add_arr(c, "signatures")), "sig", m.sig,
		    m.sig_len);
	} else {
		const EVP_MD *md = digest_md(sk->type);

		c = add_obj(b, "messageSignature");
		dl = digest(md, m.art, m.art_len, d);
		vm = add_obj(c, "messageDigest");
		add_str(vm, "algorithm", proto_hash(md));
		add_b64(vm, "digest", d, dl);
		add_b64(c, "signature", m.sig, m.sig_len);
	}
	cr_assert_not_null(s = cJSON_PrintUnformatted(b));
	cJSON_Delete(b);
	free(m.sig);
	free(m.payload);
	free(m.pae);
	return s;
}
