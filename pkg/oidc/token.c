/*
 * Identity tokens: JWTs (RFC 7519) in JWS compact serialization (RFC 7515
 * §7.1), split, decoded and read without verifying the signature.  Fulcio
 * verifies tokens; the checks here catch mistakes early with a message a
 * person can act on, and pick the claim the proof of possession signs
 * (REFERENCE §3.2, §12.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "json.h"
#include "oidc_int.h"

/* JWS algorithms Fulcio verifies ID tokens with (RFC 7518 §3.1, RFC
 * 8037).  HMAC needs a shared secret Fulcio does not have. */
static const char *const algs[] = {
	"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512", "EdDSA", NULL,
};

void
sgn_oidc_token_reset(struct sgn_oidc_token *t)
{
	size_t i;

	if (t == NULL)
		return;
	sgn_secret_reset(&t->jwt);
	free(t->issuer);
	free(t->subject);
	free(t->email);
	free(t->nonce);
	free(t->federated_issuer);
	for (i = 0; i < t->n_aud && i < SGN_OIDC_MAX_AUD; i++)
		free(t->aud[i]);
	memset(t, 0, sizeof(*t));
}

void
sgn_oidc_b64url(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i, k = 0, need;
	uint32_t v;

	need = n / 3 * 4 + (n % 3 != 0 ? n % 3 + 1 : 0) + 1;
	if (outlen == 0)
		return;
	out[0] = '\0';
	if (outlen < need)
		return;
	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[k++] = tab[v >> 18 & 63];
		out[k++] = tab[v >> 12 & 63];
		out[k++] = tab[v >> 6 & 63];
		out[k++] = tab[v & 63];
	}
	if (n - i > 0) {
		v = (uint32_t)p[i] << 16;
		if (n - i == 2)
			v |= (uint32_t)p[i + 1] << 8;
		out[k++] = tab[v >> 18 & 63];
		out[k++] = tab[v >> 12 & 63];
		if (n - i == 2)
			out[k++] = tab[v >> 6 & 63];
	}
	out[k] = '\0';
}

/* One segment: non-empty, URL-safe alphabet only, no padding. */
static sgn_err
segment(const char *s, size_t n, const char *what, uint8_t **out,
    size_t *outlen, struct sgn_errbuf *eb)
{
	size_t i;

	*out = NULL;
	*outlen = 0;
	if (n == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "identity token: empty %s",
		    what);
	for (i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return sgn_errf(eb, SGN_ERR_PARSE, "identity token: "
			    "%s is not base64url", what);
	}
	if (sgn_b64_decode(s, n, out, outlen, NULL) != SGN_OK)
		return sgn_errf(eb, SGN_ERR_PARSE, "identity token: %s is "
		    "not valid base64url", what);
	return SGN_OK;
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static sgn_err
claim_string(const cJSON *p, const char *key, int required, char **out,
    struct sgn_errbuf *eb)
{
	const cJSON *m = sgn_json_member(p, key);

	*out = NULL;
	if (m == NULL) {
		if (required)
			return sgn_errf(eb, SGN_ERR_PARSE, "identity token "
			    "has no \"%s\" claim", key);
		return SGN_OK;
	}
	if (!cJSON_IsString(m) || m->valuestring == NULL)
		return sgn_errf(eb, SGN_ERR_PARSE, "identity token claim "
		    "\"%s\" is not a string", key);
	if (m->valuestring[0] == '\0')
		return sgn_errf(eb, SGN_ERR_PARSE, "identity token claim "
		    "\"%s\" is empty", key);
	if (has_control(m->valuestring))
		return sgn_errf(eb, SGN_ERR_PARSE, "identity token claim "
		    "\"%s\" holds control characters", key);
	if ((*out = strdup(m->valuestring)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	return SGN_OK;
}

/* A NumericDate (RFC 7519 §2): a JSON number of seconds, maybe with a
 * fraction (dropped). */
static sgn_err
claim_time(const cJSON *p, const char *key, int required, int64_t *out,
    struct sgn_errbuf *eb)
{
	const cJSON *m = sgn_json_member(p, key);
	double d;

	*out = 0;
	if (m == NULL) {
		if (required)
			return sgn_errf(eb, SGN_ERR_PARSE, "identity token "
			    "has no \"%s\" claim", key);
		return SGN_OK;
	}
	if (!cJSON_IsNumber(m))
		return sgn_errf(eb, SGN_ERR_PARSE, "identity token claim "
		    "\"%s\" is not a number", key);
	d = m->valuedouble;
	/* Positive and exact in a double (years up to 285 million). */
	if (!(d >= 0 && d <= 9007199254740991.0))
		return sgn_errf(eb, SGN_ERR_PARSE, "identity token claim "
		    "\"%s\" is out of range", key);
	*out = (int64_t)d;
	return SGN_OK;
}

static sgn_err
claim_aud(const cJSON *p, struct sgn_oidc_token *t, struct sgn_errbuf *eb)
{
	const cJSON *m = sgn_json_member(p, "aud"), *e;

	if (m == NULL)
		return sgn_errf(eb, SGN_ERR_PARSE, "identity token has no "
		    "\"aud\" claim");
	if (cJSON_IsString(m)) {
		if (m->valuestring == NULL || m->valuestring[0] == '\0' ||
		    has_control(m->valuestring))
			return sgn_errf(eb, SGN_ERR_PARSE, "identity token "
			    "claim \"aud\" is empty or invalid");
		if ((t->aud[0] = strdup(m->valuestring)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		t->n_aud = 1;
		return SGN_OK;
	}
	if (!cJSON_IsArray(m))
		return sgn_errf(eb, SGN_ERR_PARSE, "identity token claim "
		    "\"aud\" is neither a string nor an array");
	for (e = m->child; e != NULL; e = e->next) {
		if (!cJSON_IsString(e) || e->valuestring == NULL ||
		    e->valuestring[0] == '\0' || has_control(e->valuestring))
			return sgn_errf(eb, SGN_ERR_PARSE, "identity token "
			    "claim \"aud\" holds an invalid audience");
		if (t->n_aud == SGN_OIDC_MAX_AUD)
			return sgn_errf(eb, SGN_ERR_LIMIT, "identity token has "
			    "more than %d audiences", SGN_OIDC_MAX_AUD);
		if ((t->aud[t->n_aud] = strdup(e->valuestring)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		t->n_aud++;
	}
	if (t->n_aud == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "identity token claim "
		    "\"aud\" is an empty array");
	return SGN_OK;
}

/* email_verified: a boolean (some providers send "true" as a string). */
static sgn_err
claim_verified(const cJSON *p, int *out, struct sgn_errbuf *eb)
{
	const cJSON *m = sgn_json_member(p, "email_verified");

	*out = 0;
	if (m == NULL)
		return SGN_OK;
	if (cJSON_IsBool(m)) {
		*out = cJSON_IsTrue(m) ? 1 : 0;
		return SGN_OK;
	}
	if (cJSON_IsString(m) && m->valuestring != NULL &&
	    (strcmp(m->valuestring, "true") == 0 ||
	    strcmp(m->valuestring, "false") == 0)) {
		*out = strcmp(m->valuestring, "true") == 0;
		return SGN_OK;
	}
	return sgn_errf(eb, SGN_ERR_PARSE, "identity token claim "
	    "\"email_verified\" is not a boolean");
}

static sgn_err
check_header(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	cJSON *h = NULL;
	const cJSON *alg;
	size_t i;
	sgn_err r;

	if ((r = sgn_json_parse(p, n, "identity token header", &h, eb)) !=
	    SGN_OK)
		return r;
	r = SGN_ERR_PARSE;
	if (!cJSON_IsObject(h)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "identity token header is "
		    "not a JSON object");
		goto out;
	}
	alg = sgn_json_member(h, "alg");
	if (alg == NULL || !cJSON_IsString(alg) || alg->valuestring == NULL) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "identity token header has "
		    "no \"alg\"");
		goto out;
	}
	if (strcasecmp(alg->valuestring, "none") == 0) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "identity token is not "
		    "signed (alg \"none\")");
		goto out;
	}
	for (i = 0; algs[i] != NULL; i++)
		if (strcmp(alg->valuestring, algs[i]) == 0)
			break;
	if (algs[i] == NULL) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "identity token "
		    "algorithm \"%.16s\" is not supported",
		    alg->valuestring);
		goto out;
	}
	r = SGN_OK;
out:
	cJSON_Delete(h);
	return r;
}

static sgn_err
read_claims(const uint8_t *p, size_t n, struct sgn_oidc_token *t,
    struct sgn_errbuf *eb)
{
	cJSON *c = NULL;
	const cJSON *fed;
	sgn_err r;

	if ((r = sgn_json_parse(p, n, "identity token payload", &c, eb)) !=
	    SGN_OK)
		return r;
	if (!cJSON_IsObject(c)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "identity token payload is "
		    "not a JSON object");
		goto out;
	}
	if ((r = claim_string(c, "iss", 1, &t->issuer, eb)) != SGN_OK ||
	    (r = claim_string(c, "sub", 1, &t->subject, eb)) != SGN_OK ||
	    (r = claim_aud(c, t, eb)) != SGN_OK ||
	    (r = claim_time(c, "exp", 1, &t->exp, eb)) != SGN_OK ||
	    (r = claim_time(c, "iat", 1, &t->iat, eb)) != SGN_OK ||
	    (r = claim_time(c, "nbf", 0, &t->nbf, eb)) != SGN_OK ||
	    (r = claim_string(c, "email", 0, &t->email, eb)) != SGN_OK ||
	    (r = claim_verified(c, &t->email_verified, eb)) != SGN_OK ||
	    (r = claim_string(c, "nonce", 0, &t->nonce, eb)) != SGN_OK)
		goto out;
	/* Dex (oauth2.sigstore.dev) federates: Fulcio names the upstream
	 * provider as the issuer. */
	fed = sgn_json_member(c, "federated_claims");
	if (fed != NULL && cJSON_IsObject(fed) &&
	    (r = claim_string(fed, "connector_id", 0, &t->federated_issuer,
	    eb)) != SGN_OK)
		goto out;
	r = SGN_OK;
out:
	cJSON_Delete(c);
	return r;
}

static sgn_err
check_audience(const struct sgn_oidc_token *t, const char *audience,
    struct sgn_errbuf *eb)
{
	char list[160];
	size_t i, k = 0;
	int n;

	for (i = 0; i < t->n_aud; i++)
		if (strcmp(t->aud[i], audience) == 0)
			return SGN_OK;
	list[0] = '\0';
	for (i = 0; i < t->n_aud && k < sizeof(list); i++) {
		n = snprintf(list + k, sizeof(list) - k, "%s\"%.48s\"",
		    i > 0 ? ", " : "", t->aud[i]);
		if (n < 0)
			break;
		k += (size_t)n;
	}
	return sgn_errf(eb, SGN_ERR_POLICY, "identity token audience is %s, "
	    "not \"%.64s\"", list, audience);
}

static sgn_err
check_time(const struct sgn_oidc_token *t, int64_t now,
    struct sgn_errbuf *eb)
{
	char when[SGN_TIME_STRLEN];

	if (now <= 0)
		now = (int64_t)time(NULL);
	if (t->exp < now - SGN_OIDC_LEEWAY) {
		sgn_time_format(sgn_time_from_sec(t->exp), when);
		return sgn_errf(eb, SGN_ERR_POLICY, "identity token expired "
		    "at %s", when);
	}
	if (t->nbf != 0 && t->nbf > now + SGN_OIDC_LEEWAY) {
		sgn_time_format(sgn_time_from_sec(t->nbf), when);
		return sgn_errf(eb, SGN_ERR_POLICY, "identity token is not "
		    "valid before %s", when);
	}
	return SGN_OK;
}

sgn_err
sgn_oidc_token_parse(const char *jwt, size_t len, const char *audience,
    int64_t now, struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	struct sgn_oidc_token t;
	const char *d1, *d2;
	uint8_t *hdr = NULL, *pay = NULL, *sig = NULL;
	size_t hlen = 0, plen = 0, slen = 0;
	sgn_err r = SGN_ERR_PARSE;

	memset(&t, 0, sizeof(t));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (jwt == NULL || out == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no identity "
		    "token");
	if (audience == NULL)
		audience = SGN_OIDC_DEFAULT_AUDIENCE;
	if (len > SGN_OIDC_MAX_TOKEN)
		return sgn_errf(eb, SGN_ERR_LIMIT, "identity token is longer "
		    "than %u bytes", SGN_OIDC_MAX_TOKEN);
	if (len == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "identity token is empty");
	/* Exactly three segments: JWE (five) and anything else refused. */
	d1 = memchr(jwt, '.', len);
	d2 = d1 != NULL ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - jwt)) :
	    NULL;
	if (d1 == NULL || d2 == NULL || memchr(d2 + 1, '.',
	    len - (size_t)(d2 + 1 - jwt)) != NULL) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "identity token is not a JWT "
		    "(header.payload.signature)");
		goto out;
	}
	if ((r = segment(jwt, (size_t)(d1 - jwt), "header", &hdr, &hlen,
	    eb)) != SGN_OK ||
	    (r = segment(d1 + 1, (size_t)(d2 - d1 - 1), "payload", &pay,
	    &plen, eb)) != SGN_OK ||
	    (r = segment(d2 + 1, len - (size_t)(d2 + 1 - jwt), "signature",
	    &sig, &slen, eb)) != SGN_OK)
		goto out;
	if ((r = check_header(hdr, hlen, eb)) != SGN_OK ||
	    (r = read_claims(pay, plen, &t, eb)) != SGN_OK ||
	    (r = check_audience(&t, audience, eb)) != SGN_OK ||
	    (r = check_time(&t, now, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_secret_set(&t.jwt, jwt, len, eb)) != SGN_OK)
		goto out;
	*out = t;
	memset(&t, 0, sizeof(t));
	r = SGN_OK;
out:
	sgn_oidc_token_reset(&t);
	if (hdr != NULL) {
		sgn_memzero(hdr, hlen);
		free(hdr);
	}
	if (pay != NULL) {
		sgn_memzero(pay, plen);
		free(pay);
	}
	if (sig != NULL) {
		sgn_memzero(sig, slen);
		free(sig);
	}
	return r;
}

sgn_err
sgn_oidc_token_challenge(const struct sgn_oidc_token *t, const char **out,
    struct sgn_errbuf *eb)
{
	*out = NULL;
	if (t == NULL || t->subject == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no identity "
		    "token");
	if (t->email != NULL) {
		if (!t->email_verified)
			return sgn_errf(eb, SGN_ERR_POLICY, "identity token "
			    "email \"%.128s\" is not verified "
			    "(email_verified is not true)", t->email);
		*out = t->email;
		return SGN_OK;
	}
	*out = t->subject;
	return SGN_OK;
}

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

sgn_err
sgn_oidc_accept(const struct sgn_oidc_ctx *c, const char *raw, size_t len,
    const char *source, const char *audience, struct sgn_oidc_token *out,
    struct sgn_errbuf *eb)
{
	sgn_err r;

	while (len > 0 && is_space(raw[0])) {
		raw++;
		len--;
	}
	while (len > 0 && is_space(raw[len - 1]))
		len--;
	if (len == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: empty identity token",
		    source);
	if ((r = sgn_oidc_token_parse(raw, len, audience, c->now, out, eb)) !=
	    SGN_OK)
		return r;
	snprintf(out->source, sizeof(out->source), "%s", source);
	return SGN_OK;
}
