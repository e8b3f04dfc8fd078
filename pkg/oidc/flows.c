/*
 * A person signs in (REFERENCE §12.1-12.3), one of three ways:
 *
 * - authorization code with PKCE S256 (RFC 7636), state and nonce, on a
 *   loopback redirect (RFC 8252 §7.3, redirect.c);
 * - the same with the out-of-band redirect urn:ietf:wg:oauth:2.0:oob: the
 *   person pastes the code;
 * - the device authorization grant (RFC 8628), polling at the interval
 *   given, slower on slow_down (§3.5), until expires_in.
 *
 * Discovery, PKCE and the token endpoint are in endpoint.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "oidc_int.h"

#define OOB_REDIRECT	"urn:ietf:wg:oauth:2.0:oob"
#define DEVICE_GRANT	"urn:ietf:params:oauth:grant-type:device_code"
#define MAX_POLLS	2000	/* device flow */

/* The flows ------------------------------------------------------------- */

static sgn_err
flow_code(const struct sgn_oidc_ctx *c, const struct sgn_oidc_endpoints *ep,
    const struct sgn_oidc_pkce *p, struct sgn_oidc_token *out,
    struct sgn_errbuf *eb)
{
	struct sgn_secret code = { NULL, 0 };
	int (*opener)(void *, const char *);
	struct sgn_buf u;
	char redirect[128];
	int lfd = -1, port = 0, shown = 0;
	sgn_err r;

	sgn_buf_init(&u, 0);
	if (strcmp(c->o.redirect_host, "127.0.0.1") != 0 &&
	    strcmp(c->o.redirect_host, "localhost") != 0)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "the redirect "
		    "host must be 127.0.0.1 or localhost");
	if (c->ui->show_url == NULL && !c->o.have_browser)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "signing in "
		    "needs a way to show a URL or a browser");
	if ((r = sgn_oidc_lb_open(&lfd, &port, eb)) != SGN_OK)
		return r;
	snprintf(redirect, sizeof(redirect), "http://%s:%d/auth/callback",
	    c->o.redirect_host, port);
	if ((r = sgn_oidc_auth_url(c, ep, p, redirect, &u, eb)) != SGN_OK)
		goto out;
	if (c->ui->show_url != NULL) {
		c->ui->show_url(c->ui->ctx, (const char *)u.ptr, NULL);
		shown = 1;
	}
	if (c->o.have_browser) {
		opener = c->ui->open_browser != NULL ? c->ui->open_browser :
		    sgn_oidc_xdg_open;
		if (opener(c->ui->ctx, (const char *)u.ptr) == 0)
			shown = 1;
		else
			sgn_oidc_status(c, "could not open a browser");
	}
	if (!shown) {
		r = sgn_errf(eb, SGN_ERR_IO, "could not open a browser, and "
		    "there is no way to show the URL");
		goto out;
	}
	sgn_oidc_status(c, "waiting for the sign-in in the browser");
	if ((r = sgn_oidc_lb_wait(c, lfd, p->state, &code, eb)) != SGN_OK)
		goto out;
	close(lfd);
	lfd = -1;
	r = sgn_oidc_redeem(c, ep, p, &code, redirect, "interactive", out, eb);
out:
	if (lfd >= 0)
		close(lfd);
	sgn_secret_reset(&code);
	sgn_buf_reset(&u);
	return r;
}

static sgn_err
flow_oob(const struct sgn_oidc_ctx *c, const struct sgn_oidc_endpoints *ep,
    const struct sgn_oidc_pkce *p, struct sgn_oidc_token *out,
    struct sgn_errbuf *eb)
{
	struct sgn_secret code = { NULL, 0 }, trimmed = { NULL, 0 };
	struct sgn_buf u;
	const uint8_t *s;
	size_t n, i;
	sgn_err r;

	if (c->ui->show_url == NULL || c->ui->read_code == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "the "
		    "out-of-band sign-in needs a way to show a URL and to "
		    "read a code");
	sgn_buf_init(&u, 0);
	if ((r = sgn_oidc_auth_url(c, ep, p, OOB_REDIRECT, &u, eb)) != SGN_OK)
		goto out;
	c->ui->show_url(c->ui->ctx, (const char *)u.ptr, NULL);
	if ((r = c->ui->read_code(c->ui->ctx, &code)) != SGN_OK) {
		r = sgn_errf(eb, r, "no authorization code was entered");
		goto out;
	}
	s = code.ptr;
	n = code.len;
	while (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' ||
	    s[0] == '\n')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n == 0 || n > SGN_OIDC_MAX_CODE) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "the authorization code is "
		    "empty or too long");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e) {
			r = sgn_errf(eb, SGN_ERR_PARSE, "the authorization "
			    "code holds characters a code cannot have");
			goto out;
		}
	if ((r = sgn_secret_set(&trimmed, s, n, eb)) != SGN_OK)
		goto out;
	r = sgn_oidc_redeem(c, ep, p, &trimmed, OOB_REDIRECT, "oob", out, eb);
out:
	sgn_secret_reset(&code);
	sgn_secret_reset(&trimmed);
	sgn_buf_reset(&u);
	return r;
}

static sgn_err
flow_device(const struct sgn_oidc_ctx *c, const struct sgn_oidc_endpoints *ep,
    const struct sgn_oidc_pkce *p, struct sgn_oidc_token *out,
    struct sgn_errbuf *eb)
{
	struct sgn_http_response res;
	struct sgn_buf form;
	struct sgn_secret device_code = { NULL, 0 };
	cJSON *j = NULL;
	const char *dc, *uc, *uri, *full;
	char user_code[72], show[SGN_OIDC_MAX_URL + 1], ecode[64], desc[160];
	char text[160];
	int64_t expires = 0, interval = 0, elapsed = 0;
	int have_interval = 0, polls;
	size_t i;
	sgn_err r;

	memset(&res, 0, sizeof(res));
	sgn_buf_init(&form, 0);
	if (ep->device == NULL)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "OIDC issuer %.128s "
		    "has no device authorization endpoint", ep->issuer);
	if (c->ui->show_url == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "the device "
		    "sign-in needs a way to show a URL and a code");
	/* RFC 8628 §3.1, with PKCE (REFERENCE §12.3). */
	if ((r = sgn_oidc_form(&form, "scope", SGN_OIDC_SCOPE, eb)) != SGN_OK ||
	    (r = sgn_oidc_form(&form, "code_challenge", p->challenge, eb)) !=
	    SGN_OK ||
	    (r = sgn_oidc_form(&form, "code_challenge_method", "S256",
	    eb)) != SGN_OK)
		goto out;
	if ((r = sgn_oidc_post_form(c, "OIDC device authorization",
	    ep->device, &form, &res, eb)) != SGN_OK)
		goto out;
	if (res.status != 200) {
		sgn_http_error_text(&res, text, sizeof(text));
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "OIDC device "
		    "authorization: HTTP %ld%s%s", res.status,
		    text[0] != '\0' ? ": " : "", text);
		goto out;
	}
	if (res.body.len > SGN_OIDC_MAX_REPLY) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "OIDC device authorization "
		    "reply larger than %u bytes", SGN_OIDC_MAX_REPLY);
		goto out;
	}
	/* RFC 8628 §3.2. */
	if ((r = sgn_json_parse(res.body.ptr, res.body.len,
	    "OIDC device authorization", &j, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(j, "device_code", SGN_JSON_REQUIRED,
	    "OIDC device authorization", &dc, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(j, "user_code", SGN_JSON_REQUIRED,
	    "OIDC device authorization", &uc, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(j, "verification_uri", SGN_JSON_OPTIONAL,
	    "OIDC device authorization", &uri, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(j, "verification_uri_complete",
	    SGN_JSON_OPTIONAL, "OIDC device authorization", &full, eb)) !=
	    SGN_OK ||
	    (r = sgn_json_get_int64(j, "expires_in", SGN_JSON_REQUIRED,
	    "OIDC device authorization", &expires, NULL, eb)) != SGN_OK ||
	    (r = sgn_json_get_int64(j, "interval", SGN_JSON_OPTIONAL,
	    "OIDC device authorization", &interval, &have_interval, eb)) !=
	    SGN_OK)
		goto out;
	/* Google's pre-standard spelling. */
	if (uri == NULL && (r = sgn_json_get_string(j, "verification_url",
	    SGN_JSON_REQUIRED, "OIDC device authorization", &uri, eb)) !=
	    SGN_OK)
		goto out;
	if (strlen(uc) >= sizeof(user_code)) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "OIDC device authorization: "
		    "user code longer than %zu bytes", sizeof(user_code) - 1);
		goto out;
	}
	for (i = 0; uc[i] != '\0'; i++)
		if ((unsigned char)uc[i] < 0x20 || uc[i] == 0x7f) {
			r = sgn_errf(eb, SGN_ERR_PARSE, "OIDC device "
			    "authorization: user code holds control "
			    "characters");
			goto out;
		}
	if (full != NULL && !sgn_oidc_url_ok(full))
		full = NULL;
	if (!sgn_oidc_url_ok(uri)) {
		r = sgn_errf(eb, SGN_ERR_POLICY, "OIDC device authorization: "
		    "verification URI is not an https URL");
		goto out;
	}
	if (expires <= 0) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "OIDC device authorization: "
		    "expires_in is not positive");
		goto out;
	}
	if (!have_interval || interval <= 0)
		interval = 5;		/* RFC 8628 §3.2 */
	if (interval > 300)
		interval = 300;
	if (expires > 3600)
		expires = 3600;
	if ((r = sgn_secret_set(&device_code, dc, strlen(dc), eb)) != SGN_OK)
		goto out;
	snprintf(user_code, sizeof(user_code), "%s", uc);
	snprintf(show, sizeof(show), "%s", full != NULL ? full : uri);
	sgn_oidc_json_wipe(j);
	cJSON_Delete(j);
	j = NULL;
	sgn_http_response_reset(&res);

	c->ui->show_url(c->ui->ctx, show, user_code);
	sgn_oidc_status(c, "waiting for the sign-in on the other device");
	for (polls = 0; polls < MAX_POLLS; polls++) {
		if (elapsed + interval > expires) {
			r = sgn_errf(eb, SGN_ERR_POLICY, "the device sign-in "
			    "was not completed within %lld s",
			    (long long)expires);
			goto out;
		}
		sgn_oidc_sleep(c, (long)interval * 1000);
		elapsed += interval;
		/* RFC 8628 §3.4. */
		sgn_buf_reset(&form);
		if ((r = sgn_oidc_form(&form, "grant_type", DEVICE_GRANT,
		    eb)) != SGN_OK ||
		    (r = sgn_oidc_form(&form, "device_code",
		    (const char *)device_code.ptr, eb)) != SGN_OK ||
		    (r = sgn_oidc_form(&form, "code_verifier", p->verifier,
		    eb)) != SGN_OK)
			goto out;
		sgn_http_response_reset(&res);
		if ((r = sgn_oidc_post_form(c, "OIDC token endpoint",
		    ep->token, &form, &res, eb)) != SGN_OK)
			goto out;
		r = sgn_oidc_token_reply(c, &res, "device",
		    sgn_oidc_audience(c), ecode, sizeof(ecode), desc,
		    sizeof(desc), out, eb);
		if (r == SGN_OK) {
			if ((r = sgn_oidc_check_token(ep, NULL, out,
			    eb)) != SGN_OK)
				sgn_oidc_token_reset(out);
			goto out;
		}
		if (r != SGN_ERR_HTTP_STATUS)
			goto out;
		/* RFC 8628 §3.5. */
		if (strcmp(ecode, "authorization_pending") == 0)
			continue;
		if (strcmp(ecode, "slow_down") == 0) {
			interval += 5;
			if (interval > 300)
				interval = 300;
			continue;
		}
		if (strcmp(ecode, "access_denied") == 0) {
			r = sgn_errf(eb, SGN_ERR_POLICY, "the device sign-in "
			    "was denied");
			goto out;
		}
		if (strcmp(ecode, "expired_token") == 0) {
			r = sgn_errf(eb, SGN_ERR_POLICY, "the device sign-in "
			    "expired before it was completed");
			goto out;
		}
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "OIDC token endpoint: "
		    "HTTP %ld: %.64s%s%.160s", res.status,
		    ecode[0] != '\0' ? ecode : "error",
		    desc[0] != '\0' ? ": " : "", desc);
		goto out;
	}
	r = sgn_errf(eb, SGN_ERR_POLICY, "the device sign-in was not "
	    "completed after %d polls", MAX_POLLS);
out:
	sgn_oidc_json_wipe(j);
	cJSON_Delete(j);
	sgn_http_response_reset(&res);
	sgn_buf_reset(&form);
	sgn_secret_reset(&device_code);
	return r;
}

sgn_err
sgn_oidc_interactive(const struct sgn_oidc_ctx *c, enum sgn_oidc_flow flow,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	struct sgn_oidc_endpoints ep;
	struct sgn_oidc_pkce p;
	sgn_err r = SGN_ERR_INTERNAL;

	memset(&ep, 0, sizeof(ep));
	memset(&p, 0, sizeof(p));
	if ((r = sgn_oidc_discover(c, &ep, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_oidc_pkce_new(&p, eb)) != SGN_OK)
		goto out;
	switch (flow) {
	case SGN_OIDC_FLOW_CODE:
		r = flow_code(c, &ep, &p, out, eb);
		break;
	case SGN_OIDC_FLOW_OOB:
		r = flow_oob(c, &ep, &p, out, eb);
		break;
	case SGN_OIDC_FLOW_DEVICE:
		r = flow_device(c, &ep, &p, out, eb);
		break;
	}
out:
	sgn_memzero(&p, sizeof(p));
	sgn_oidc_endpoints_reset(&ep);
	return r;
}
