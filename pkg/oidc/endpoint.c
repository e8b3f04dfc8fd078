/*
 * Signing in, the parts every flow shares (REFERENCE §12.1-12.3):
 * OpenID Connect Discovery 1.0 (the issuer's endpoints come from
 * <issuer>/.well-known/openid-configuration, whose "issuer" must be the
 * issuer asked for, §4.3), PKCE S256 (RFC 7636) with state and nonce, and
 * the token endpoint: public clients (no secret) name themselves with
 * client_id in the form; with a secret, HTTP Basic (RFC 6749 §2.3.1).  The
 * ID token of the reply is the identity token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "json.h"
#include "oidc_int.h"

void
sgn_oidc_endpoints_reset(struct sgn_oidc_endpoints *ep)
{
	free(ep->issuer);
	free(ep->auth);
	free(ep->token);
	free(ep->device);
	memset(ep, 0, sizeof(*ep));
}

/* Discovery ------------------------------------------------------------- */

static size_t
trimmed_len(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && s[n - 1] == '/' ? n - 1 : n;
}

static sgn_err
endpoint(const cJSON *j, const char *key, int required, char **out,
    struct sgn_errbuf *eb)
{
	const char *v;
	sgn_err r;

	*out = NULL;
	if ((r = sgn_json_get_string(j, key, required, "OIDC discovery", &v,
	    eb)) != SGN_OK || v == NULL)
		return r;
	if (!sgn_oidc_url_ok(v))
		return sgn_errf(eb, SGN_ERR_POLICY, "OIDC discovery: %s "
		    "\"%.128s\" is not an https URL", key, v);
	if ((*out = strdup(v)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	return SGN_OK;
}

sgn_err
sgn_oidc_discover(const struct sgn_oidc_ctx *c, struct sgn_oidc_endpoints *ep,
    struct sgn_errbuf *eb)
{
	const char *iss = c->o.issuer, *v;
	struct sgn_http_request req;
	struct sgn_http_response res;
	struct sgn_errbuf why;
	const cJSON *methods, *m;
	struct sgn_buf u;
	cJSON *j = NULL;
	char text[160];
	int s256 = 0;
	sgn_err r;

	memset(ep, 0, sizeof(*ep));
	memset(&res, 0, sizeof(res));
	sgn_errbuf_clear(&why);
	if (iss != NULL && strlen(iss) > SGN_OIDC_MAX_URL)
		return sgn_errf(eb, SGN_ERR_LIMIT, "OIDC issuer: URL longer "
		    "than %d bytes", SGN_OIDC_MAX_URL);
	if ((r = sgn_http_url_check(iss, 0, &why)) != SGN_OK)
		return sgn_errf(eb, r, "OIDC issuer: %s", why.msg);
	if (c->http == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "OIDC: no HTTP "
		    "client");
	sgn_buf_init(&u, SGN_OIDC_MAX_URL + 64);
	if ((r = sgn_buf_appendf(&u, eb, "%.*s/.well-known/"
	    "openid-configuration", (int)trimmed_len(iss), iss)) != SGN_OK)
		goto out;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = (const char *)u.ptr;
	req.headers[req.n_headers++] = "Accept: application/json";
	if ((r = sgn_http_do(c->http, "OIDC discovery", &req, &res, eb)) !=
	    SGN_OK)
		goto out;
	if (res.status != 200) {
		sgn_http_error_text(&res, text, sizeof(text));
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "OIDC discovery at "
		    "%.128s: HTTP %ld%s%s", iss, res.status,
		    text[0] != '\0' ? ": " : "", text);
		goto out;
	}
	if (res.body.len > SGN_OIDC_MAX_REPLY) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "OIDC discovery document "
		    "larger than %u bytes", SGN_OIDC_MAX_REPLY);
		goto out;
	}
	if ((r = sgn_json_parse(res.body.ptr, res.body.len,
	    "OIDC discovery", &j, eb)) != SGN_OK)
		goto out;
	if (!cJSON_IsObject(j)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "OIDC discovery: not a JSON "
		    "object");
		goto out;
	}
	if ((r = sgn_json_get_string(j, "issuer", SGN_JSON_REQUIRED,
	    "OIDC discovery", &v, eb)) != SGN_OK)
		goto out;
	/* OpenID Connect Discovery §4.3: the same issuer, else a server
	 * could speak for another. */
	if (trimmed_len(v) != trimmed_len(iss) ||
	    strncmp(v, iss, trimmed_len(iss)) != 0) {
		r = sgn_errf(eb, SGN_ERR_POLICY, "OIDC discovery: issuer is "
		    "\"%.128s\", not \"%.128s\"", v, iss);
		goto out;
	}
	if ((ep->issuer = strdup(v)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = endpoint(j, "authorization_endpoint", SGN_JSON_REQUIRED,
	    &ep->auth, eb)) != SGN_OK ||
	    (r = endpoint(j, "token_endpoint", SGN_JSON_REQUIRED, &ep->token,
	    eb)) != SGN_OK ||
	    (r = endpoint(j, "device_authorization_endpoint",
	    SGN_JSON_OPTIONAL, &ep->device, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_json_get_array(j, "code_challenge_methods_supported",
	    SGN_JSON_OPTIONAL, "OIDC discovery", &methods, eb)) != SGN_OK)
		goto out;
	if (methods != NULL) {
		for (m = methods->child; m != NULL; m = m->next)
			if (cJSON_IsString(m) && m->valuestring != NULL &&
			    strcmp(m->valuestring, "S256") == 0)
				s256 = 1;
		if (!s256) {
			r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "OIDC issuer "
			    "%.128s does not support PKCE S256", iss);
			goto out;
		}
	}
	r = SGN_OK;
out:
	if (r != SGN_OK)
		sgn_oidc_endpoints_reset(ep);
	cJSON_Delete(j);
	sgn_http_response_reset(&res);
	sgn_buf_reset(&u);
	return r;
}

/* PKCE, state, nonce ---------------------------------------------------- */

sgn_err
sgn_oidc_pkce_new(struct sgn_oidc_pkce *p, struct sgn_errbuf *eb)
{
	uint8_t rnd[32], dig[32];
	sgn_err r = SGN_ERR_CRYPTO;

	memset(p, 0, sizeof(*p));
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "random bytes");
		goto out;
	}
	sgn_oidc_b64url(rnd, sizeof(rnd), p->verifier, sizeof(p->verifier));
	/* RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
	if ((r = sgn_hash(SGN_HASH_SHA256, p->verifier, strlen(p->verifier),
	    dig, eb)) != SGN_OK)
		goto out;
	sgn_oidc_b64url(dig, sizeof(dig), p->challenge, sizeof(p->challenge));
	if (RAND_bytes(rnd, 24) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "random bytes");
		goto out;
	}
	sgn_oidc_b64url(rnd, 24, p->state, sizeof(p->state));
	if (RAND_bytes(rnd, 24) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "random bytes");
		goto out;
	}
	sgn_oidc_b64url(rnd, 24, p->nonce, sizeof(p->nonce));
	r = SGN_OK;
out:
	sgn_memzero(rnd, sizeof(rnd));
	return r;
}

/* Talking to the token endpoint ----------------------------------------- */

/* Posts a form (client authentication added) to url. */
sgn_err
sgn_oidc_post_form(const struct sgn_oidc_ctx *c, const char *what,
    const char *url, struct sgn_buf *form, struct sgn_http_response *res,
    struct sgn_errbuf *eb)
{
	struct sgn_http_request req;
	struct sgn_buf cred, auth;
	char *b64 = NULL;
	sgn_err r;

	memset(res, 0, sizeof(*res));
	sgn_buf_init(&cred, 0);
	sgn_buf_init(&auth, 0);
	if ((r = sgn_oidc_form(form, "client_id", c->o.client_id, eb)) !=
	    SGN_OK)
		goto out;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers[req.n_headers++] =
	    "Content-Type: application/x-www-form-urlencoded";
	req.headers[req.n_headers++] = "Accept: application/json";
	if (c->o.client_secret != NULL) {
		/* RFC 6749 §2.3.1: both parts form-encoded first. */
		if ((r = sgn_oidc_pct(&cred, c->o.client_id, eb)) != SGN_OK ||
		    (r = sgn_buf_append(&cred, ":", 1, eb)) != SGN_OK ||
		    (r = sgn_oidc_pct(&cred, c->o.client_secret, eb)) !=
		    SGN_OK ||
		    (r = sgn_b64_encode(cred.ptr, cred.len, &b64, eb)) !=
		    SGN_OK ||
		    (r = sgn_buf_appendf(&auth, eb, "Authorization: Basic %s",
		    b64)) != SGN_OK)
			goto out;
		req.headers[req.n_headers++] = (const char *)auth.ptr;
	}
	req.body = form->ptr;
	req.body_len = form->len;
	r = sgn_http_do(c->http, what, &req, res, eb);
out:
	if (b64 != NULL) {
		sgn_memzero(b64, strlen(b64));
		free(b64);
	}
	sgn_buf_reset(&cred);
	sgn_buf_reset(&auth);
	return r;
}

/*
 * A token endpoint reply.  200: the id_token becomes *out.  An OAuth error
 * (RFC 6749 §5.2) leaves its code in code and its description in desc and
 * returns SGN_ERR_HTTP_STATUS without a message (the caller decides, the
 * device flow keeps polling on some).
 */
sgn_err
sgn_oidc_token_reply(const struct sgn_oidc_ctx *c,
    struct sgn_http_response *res, const char *source, const char *audience,
    char *code, size_t codelen, char *desc, size_t desclen,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	const char *v, *e;
	cJSON *j = NULL;
	sgn_err r;

	code[0] = desc[0] = '\0';
	if (res->body.len > SGN_OIDC_MAX_REPLY)
		return sgn_errf(eb, SGN_ERR_LIMIT, "OIDC token reply larger "
		    "than %u bytes", SGN_OIDC_MAX_REPLY);
	if (res->status != 200) {
		if (res->body.ptr != NULL && sgn_json_parse(res->body.ptr,
		    res->body.len, "OIDC token reply", &j, NULL) == SGN_OK &&
		    sgn_json_get_string(j, "error", SGN_JSON_REQUIRED, "", &e,
		    NULL) == SGN_OK) {
			snprintf(code, codelen, "%s", e);
			if (sgn_json_get_string(j, "error_description",
			    SGN_JSON_OPTIONAL, "", &v, NULL) == SGN_OK &&
			    v != NULL)
				snprintf(desc, desclen, "%s", v);
		} else {
			sgn_http_error_text(res, desc, desclen);
		}
		sgn_oidc_json_wipe(j);
		cJSON_Delete(j);
		return SGN_ERR_HTTP_STATUS;
	}
	if ((r = sgn_json_parse(res->body.ptr, res->body.len,
	    "OIDC token reply", &j, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_json_get_string(j, "id_token", SGN_JSON_REQUIRED,
	    "OIDC token reply", &v, eb)) != SGN_OK)
		goto out;
	r = sgn_oidc_accept(c, v, strlen(v), source, audience, out, eb);
out:
	sgn_oidc_json_wipe(j);
	cJSON_Delete(j);
	return r;
}

/* The token is for this issuer and, when we sent one, this nonce. */
sgn_err
sgn_oidc_check_token(const struct sgn_oidc_endpoints *ep, const char *nonce,
    const struct sgn_oidc_token *t, struct sgn_errbuf *eb)
{
	if (trimmed_len(t->issuer) != trimmed_len(ep->issuer) ||
	    strncmp(t->issuer, ep->issuer, trimmed_len(ep->issuer)) != 0)
		return sgn_errf(eb, SGN_ERR_POLICY, "identity token issuer is "
		    "\"%.128s\", not \"%.128s\"", t->issuer, ep->issuer);
	if (nonce == NULL)
		return SGN_OK;
	if (t->nonce == NULL || strlen(t->nonce) != strlen(nonce) ||
	    CRYPTO_memcmp(t->nonce, nonce, strlen(nonce)) != 0)
		return sgn_errf(eb, SGN_ERR_POLICY, "identity token nonce "
		    "does not match the sign-in request");
	return SGN_OK;
}

const char *
sgn_oidc_audience(const struct sgn_oidc_ctx *c)
{
	return c->o.audience != NULL && c->o.audience[0] != '\0' ?
	    c->o.audience : c->o.client_id;
}

/* Exchanges an authorization code (RFC 6749 §4.1.3, RFC 7636 §4.5). */
sgn_err
sgn_oidc_redeem(const struct sgn_oidc_ctx *c,
    const struct sgn_oidc_endpoints *ep, const struct sgn_oidc_pkce *p,
    const struct sgn_secret *code, const char *redirect_uri,
    const char *source, struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	struct sgn_http_response res;
	struct sgn_buf form;
	char ecode[64], desc[160];
	sgn_err r;

	memset(&res, 0, sizeof(res));
	sgn_buf_init(&form, 0);
	if ((r = sgn_oidc_form(&form, "grant_type", "authorization_code",
	    eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&form, "code", (const char *)code->ptr,
	    eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&form, "redirect_uri", redirect_uri, eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&form, "code_verifier", p->verifier, eb)) !=
	    SGN_OK)
		goto out;
	if ((r = sgn_oidc_post_form(c, "OIDC token endpoint", ep->token,
	    &form, &res, eb)) != SGN_OK)
		goto out;
	r = sgn_oidc_token_reply(c, &res, source, sgn_oidc_audience(c), ecode,
	    sizeof(ecode), desc, sizeof(desc), out, eb);
	if (r == SGN_ERR_HTTP_STATUS) {
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "OIDC token endpoint: "
		    "HTTP %ld: %.64s%s%.160s", res.status,
		    ecode[0] != '\0' ? ecode : "error",
		    desc[0] != '\0' ? ": " : "", desc);
		goto out;
	}
	if (r != SGN_OK)
		goto out;
	if ((r = sgn_oidc_check_token(ep, p->nonce, out, eb)) != SGN_OK)
		sgn_oidc_token_reset(out);
out:
	sgn_http_response_reset(&res);
	sgn_buf_reset(&form);
	return r;
}

/* The authorization request URL (RFC 6749 §4.1.1, OIDC Core §3.1.2.1). */
sgn_err
sgn_oidc_auth_url(const struct sgn_oidc_ctx *c,
    const struct sgn_oidc_endpoints *ep, const struct sgn_oidc_pkce *p,
    const char *redirect_uri, struct sgn_buf *u,
    struct sgn_errbuf *eb)
{
	struct sgn_buf q;
	sgn_err r;

	sgn_buf_init(&q, SGN_OIDC_MAX_URL);
	if ((r = sgn_oidc_form(&q, "response_type", "code", eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&q, "client_id", c->o.client_id, eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&q, "scope", SGN_OIDC_SCOPE, eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&q, "redirect_uri", redirect_uri, eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&q, "code_challenge", p->challenge, eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&q, "code_challenge_method", "S256", eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&q, "state", p->state, eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&q, "nonce", p->nonce, eb)) != SGN_OK)
		goto out;
	sgn_buf_init(u, 2 * SGN_OIDC_MAX_URL);
	r = sgn_buf_appendf(u, eb, "%s%c%s", ep->auth,
	    strchr(ep->auth, '?') != NULL ? '&' : '?', (const char *)q.ptr);
out:
	sgn_buf_reset(&q);
	return r;
}
