/*
 * Fulcio v2 client.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fulcio.h"
#include "http.h"
#include "json.h"

void
sgn_fulcio_chain_free(struct sgn_cert ***chainp, size_t *np)
{
	sgn_certs_free(chainp, np);
}

/* The token's copy in the request tree, wiped before the tree is freed. */
static void
wipe_token(cJSON *root)
{
	cJSON	*c, *t;

	c = cJSON_GetObjectItemCaseSensitive(root, "credentials");
	t = cJSON_GetObjectItemCaseSensitive(c, "oidcIdentityToken");
	if (cJSON_IsString(t) && t->valuestring != NULL)
		sgn_memzero(t->valuestring, strlen(t->valuestring));
}

/*
 * The request: the public key, its proof of possession, and the token in
 * credentials.oidcIdentityToken (Fulcio's API field; servers built on
 * @sigstore/mock read only that one) as well as in the Authorization
 * header.  The printed copy holding the token is wiped.
 */
static sgn_err
request_body(struct sgn_signer *signer, const char *challenge,
    const char *token, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	cJSON *root = NULL, *pkr, *pk, *cred;
	char *pem = NULL, *pop = NULL, *s = NULL;
	uint8_t *sig = NULL;
	size_t siglen = 0;
	sgn_err r;

	if ((r = sgn_pubkey_to_pem(sgn_signer_pubkey(signer), &pem, eb)) !=
	    SGN_OK ||
	    (r = sgn_signer_sign(signer, (const uint8_t *)challenge,
	    strlen(challenge), &sig, &siglen, eb)) != SGN_OK ||
	    (r = sgn_b64_encode(sig, siglen, &pop, eb)) != SGN_OK)
		goto out;
	r = SGN_ERR_NOMEM;
	if ((root = cJSON_CreateObject()) == NULL ||
	    (cred = cJSON_AddObjectToObject(root, "credentials")) == NULL ||
	    cJSON_AddStringToObject(cred, "oidcIdentityToken", token) ==
	    NULL ||
	    (pkr = cJSON_AddObjectToObject(root, "publicKeyRequest")) ==
	    NULL ||
	    (pk = cJSON_AddObjectToObject(pkr, "publicKey")) == NULL ||
	    cJSON_AddStringToObject(pk, "algorithm",
	    sgn_pubkey_type(sgn_signer_pubkey(signer)) == SGN_KEY_ED25519 ?
	    "ED25519" : sgn_pubkey_type(sgn_signer_pubkey(signer)) ==
	    SGN_KEY_RSA ? "RSA_PSS" : "ECDSA") == NULL ||
	    cJSON_AddStringToObject(pk, "content", pem) == NULL ||
	    cJSON_AddStringToObject(pkr, "proofOfPossession", pop) == NULL ||
	    (s = cJSON_PrintUnformatted(root)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	r = sgn_buf_append(out, s, strlen(s), eb);
out:
	wipe_token(root);
	cJSON_Delete(root);
	if (s != NULL) {
		sgn_memzero(s, strlen(s));
		free(s);
	}
	free(pem);
	free(pop);
	free(sig);
	return r;
}

static sgn_err
parse_reply(const struct sgn_http_response *res, const char *url,
    struct sgn_cert ***chainp, size_t *np, struct sgn_errbuf *eb)
{
	cJSON *root = NULL;
	const cJSON *emb, *det, *ch, *certs, *c;
	struct sgn_cert **chain = NULL;
	struct sgn_errbuf tmp;
	size_t n, i = 0;
	sgn_err r;

	sgn_errbuf_clear(&tmp);
	if ((r = sgn_json_parse(res->body.ptr, res->body.len, "Fulcio reply",
	    &root, &tmp)) != SGN_OK)
		return sgn_errf(eb, r, "Fulcio %.100s: %s", url, tmp.msg);
	if ((r = sgn_json_get_object(root, "signedCertificateEmbeddedSct",
	    SGN_JSON_OPTIONAL, "Fulcio reply", &emb, &tmp)) != SGN_OK ||
	    (r = sgn_json_get_object(root, "signedCertificateDetachedSct",
	    SGN_JSON_OPTIONAL, "Fulcio reply", &det, &tmp)) != SGN_OK)
		goto fail;
	if (emb == NULL) {
		r = sgn_errf(&tmp, SGN_ERR_UNSUPPORTED, det != NULL ?
		    "detached SCTs are not supported" :
		    "no signedCertificateEmbeddedSct");
		goto fail;
	}
	if ((r = sgn_json_get_object(emb, "chain", SGN_JSON_REQUIRED,
	    "Fulcio reply", &ch, &tmp)) != SGN_OK ||
	    (r = sgn_json_get_array(ch, "certificates", SGN_JSON_REQUIRED,
	    "Fulcio reply.chain", &certs, &tmp)) != SGN_OK)
		goto fail;
	n = (size_t)cJSON_GetArraySize(certs);
	if (n == 0 || n > SGN_FULCIO_MAX_CHAIN) {
		r = sgn_errf(&tmp, SGN_ERR_PARSE, "%zu certificates", n);
		goto fail;
	}
	if ((chain = calloc(n, sizeof(*chain))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(c, certs) {
		if (!cJSON_IsString(c)) {
			r = sgn_errf(&tmp, SGN_ERR_PARSE,
			    "certificate %zu is not a string", i);
			goto fail;
		}
		if ((r = sgn_cert_from_pem(c->valuestring,
		    strlen(c->valuestring), &chain[i], &tmp)) != SGN_OK)
			goto fail;
		i++;
	}
	*chainp = chain;
	*np = n;
	chain = NULL;
	r = SGN_OK;
	goto out;
fail:
	r = sgn_errf(eb, r, "Fulcio %.100s: %s", url, tmp.msg);
out:
	sgn_fulcio_chain_free(&chain, &i);
	cJSON_Delete(root);
	return r;
}

sgn_err
sgn_fulcio_request(struct sgn_http *http, const char *base_url,
    const char *token, struct sgn_signer *signer, const char *challenge,
    struct sgn_cert ***chain, size_t *n, struct sgn_errbuf *eb)
{
	struct sgn_http_request req;
	struct sgn_http_response res;
	struct sgn_buf body, auth;
	char url[1024], text[200];
	sgn_err r;

	*chain = NULL;
	*n = 0;
	memset(&res, 0, sizeof(res));
	sgn_buf_init(&body, 0);
	sgn_buf_init(&auth, 16384);
	if ((size_t)snprintf(url, sizeof(url), "%s/api/v2/signingCert",
	    base_url) >= sizeof(url))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "Fulcio URL too long");
	/* "Bearer" with a capital B: Fulcio strips it case-sensitively. */
	if ((r = request_body(signer, challenge, token, &body, eb)) !=
	    SGN_OK ||
	    (r = sgn_buf_appendf(&auth, NULL, "Authorization: Bearer %s",
	    token)) != SGN_OK) {
		r = sgn_errf(eb, r, "cannot build the Fulcio request");
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers[req.n_headers++] = "Content-Type: application/json";
	req.headers[req.n_headers++] = "Accept: application/json";
	req.headers[req.n_headers++] = (const char *)auth.ptr;
	req.body = body.ptr;
	req.body_len = body.len;
	if ((r = sgn_http_do(http, "Fulcio", &req, &res, eb)) != SGN_OK)
		goto out;
	if (res.status < 200 || res.status > 299) {
		sgn_http_error_text(&res, text, sizeof(text));
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "Fulcio %.100s: HTTP "
		    "%ld: %s", base_url, res.status, text);
		goto out;
	}
	r = parse_reply(&res, base_url, chain, n, eb);
out:
	sgn_buf_reset(&auth);	/* wipes the token */
	sgn_buf_reset(&body);
	sgn_http_response_reset(&res);
	return r;
}
