/*
 * Where an identity token comes from: the resolution order of
 * sgn_oidc_get_token() (a given token, SIGSTORE_ID_TOKEN, ambient CI
 * credentials, a person).  The helpers the sources share are in util.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oidc_int.h"

static const struct sgn_oidc_env no_env;
static const struct sgn_oidc_ui no_ui;

/* Sources by name ---------------------------------------------------- */

enum kind { K_GIVEN, K_ENV, K_AMBIENT, K_INTERACTIVE, K_FLOW };

static const struct {
	const char		*name;
	enum kind		 kind;
	enum sgn_oidc_flow	 flow;
} sources[] = {
	{ "token",		K_GIVEN,	SGN_OIDC_FLOW_CODE },
	{ "env",		K_ENV,		SGN_OIDC_FLOW_CODE },
	{ "github-actions",	K_AMBIENT,	SGN_OIDC_FLOW_CODE },
	{ "gitlab",		K_AMBIENT,	SGN_OIDC_FLOW_CODE },
	{ "buildkite",		K_AMBIENT,	SGN_OIDC_FLOW_CODE },
	{ "circleci",		K_AMBIENT,	SGN_OIDC_FLOW_CODE },
	{ "google",		K_AMBIENT,	SGN_OIDC_FLOW_CODE },
	{ "interactive",	K_INTERACTIVE,	SGN_OIDC_FLOW_CODE },
	{ "device",		K_FLOW,		SGN_OIDC_FLOW_DEVICE },
	{ "oob",		K_FLOW,		SGN_OIDC_FLOW_OOB },
};

static sgn_err
choose_flow(const struct sgn_oidc_ctx *c, enum sgn_oidc_flow *flow,
    struct sgn_errbuf *eb)
{
	if (c->o.force_device && c->o.force_oob)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "choose the "
		    "device flow or the out-of-band flow, not both");
	if (c->o.force_device)
		*flow = SGN_OIDC_FLOW_DEVICE;
	else if (c->o.force_oob)
		*flow = SGN_OIDC_FLOW_OOB;
	else if (!c->o.have_terminal && !c->o.have_browser)
		*flow = SGN_OIDC_FLOW_DEVICE;
	else
		*flow = SGN_OIDC_FLOW_CODE;
	return SGN_OK;
}

/*
 * Without a token, a sign-in flow starts by itself only for a person at a
 * terminal: never in CI (CI set, as every CI system sets it) or without
 * a terminal, where it would wait for nobody.  A flow named (--oidc-
 * provider, device or oob forced) is started anyway.
 */
static sgn_err
person_present(const struct sgn_oidc_ctx *c, struct sgn_errbuf *eb)
{
	const char *ci = sgn_oidc_getenv(c, "CI");

	if (c->o.force_device || c->o.force_oob)
		return SGN_OK;
	if (ci != NULL && strcmp(ci, "false") != 0 && strcmp(ci, "0") != 0)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no identity "
		    "token, and CI is set: no sign-in flow is started (give "
		    "a token, or name a flow with --oidc-provider)");
	if (!c->o.have_terminal)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no identity "
		    "token, and no terminal to sign in on (give a token, or "
		    "name a flow with --oidc-provider)");
	return SGN_OK;
}

static sgn_err
forced(const struct sgn_oidc_ctx *c, struct sgn_oidc_token *out,
    struct sgn_errbuf *eb)
{
	const char *name = c->o.provider;
	enum sgn_oidc_flow flow;
	size_t i;
	int found = 0;
	sgn_err r;

	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (strcmp(name, sources[i].name) == 0)
			break;
	if (i == sizeof(sources) / sizeof(sources[0]))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "unknown OIDC "
		    "provider \"%.32s\" (token, env, github-actions, gitlab, "
		    "buildkite, circleci, google, interactive, device, oob)",
		    name);
	switch (sources[i].kind) {
	case K_GIVEN:
		if (c->o.token == NULL && c->o.token_file == NULL)
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "OIDC "
			    "provider \"token\" needs a token or a token "
			    "file");
		return sgn_oidc_given(c, out, eb);
	case K_ENV:
		if ((r = sgn_oidc_from_env(c, &found, out, eb)) != SGN_OK)
			return r;
		if (!found)
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
			    "SIGSTORE_ID_TOKEN is not set");
		return SGN_OK;
	case K_AMBIENT:
		if (c->o.disable_ambient)
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "OIDC "
			    "provider \"%s\" is ambient, and ambient "
			    "providers are disabled", name);
		return sgn_oidc_ambient(c, name, 1, &found, out, eb);
	case K_INTERACTIVE:
		if ((r = choose_flow(c, &flow, eb)) != SGN_OK)
			return r;
		return sgn_oidc_interactive(c, flow, out, eb);
	case K_FLOW:
		return sgn_oidc_interactive(c, sources[i].flow, out, eb);
	}
	return sgn_errf(eb, SGN_ERR_INTERNAL, "unhandled OIDC provider");
}

sgn_err
sgn_oidc_get_token(struct sgn_http *http, const struct sgn_oidc_opts *o,
    const struct sgn_oidc_env *env, const struct sgn_oidc_ui *ui,
    struct sgn_oidc_token *out, struct sgn_errbuf *eb)
{
	struct sgn_oidc_ctx c;
	enum sgn_oidc_flow flow;
	size_t i;
	int found = 0;
	sgn_err r;

	if (out == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no token");
	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if (o != NULL)
		c.o = *o;
	if (c.o.issuer == NULL)
		c.o.issuer = SGN_OIDC_DEFAULT_ISSUER;
	if (c.o.client_id == NULL || c.o.client_id[0] == '\0')
		c.o.client_id = SGN_OIDC_DEFAULT_CLIENT_ID;
	if (c.o.client_secret != NULL && c.o.client_secret[0] == '\0')
		c.o.client_secret = NULL;
	if (c.o.timeout_s <= 0)
		c.o.timeout_s = 300;
	if (c.o.timeout_s > 3600)
		c.o.timeout_s = 3600;
	if (c.o.redirect_host == NULL)
		c.o.redirect_host = "127.0.0.1";
	if (c.o.token != NULL && c.o.token[0] == '\0')
		c.o.token = NULL;
	if (c.o.token_file != NULL && c.o.token_file[0] == '\0')
		c.o.token_file = NULL;
	c.http = http;
	c.env = env != NULL ? env : &no_env;
	c.ui = ui != NULL ? ui : &no_ui;
	c.now = c.o.now;
	c.audience = c.o.audience != NULL && c.o.audience[0] != '\0' ?
	    c.o.audience : SGN_OIDC_DEFAULT_AUDIENCE;

	if (c.o.provider != NULL && c.o.provider[0] != '\0')
		return forced(&c, out, eb);
	if (c.o.token != NULL || c.o.token_file != NULL)
		return sgn_oidc_given(&c, out, eb);
	if ((r = sgn_oidc_from_env(&c, &found, out, eb)) != SGN_OK || found)
		return r;
	if (!c.o.disable_ambient) {
		for (i = 0; sgn_oidc_ambient_names[i] != NULL; i++) {
			r = sgn_oidc_ambient(&c, sgn_oidc_ambient_names[i], 0,
			    &found, out, eb);
			if (r != SGN_OK || found)
				return r;
		}
	}
	if ((r = person_present(&c, eb)) != SGN_OK ||
	    (r = choose_flow(&c, &flow, eb)) != SGN_OK)
		return r;
	return sgn_oidc_interactive(&c, flow, out, eb);
}
