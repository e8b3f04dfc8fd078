/*
 * Helpers the token sources share (ambient.c, flows.c, token.c, oidc.c):
 * the caller's environment, status and sleep hooks, form encoding, the
 * wiping of parsed replies, URL checks.  They call nothing else of
 * pkg/oidc, so that no file of it depends on another in a cycle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oidc_int.h"

const char *
sgn_oidc_getenv(const struct sgn_oidc_ctx *c, const char *name)
{
	const char *v;

	if (c->env->getenv == NULL)
		return NULL;
	v = c->env->getenv(c->env->ctx, name);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

void
sgn_oidc_status(const struct sgn_oidc_ctx *c, const char *msg)
{
	if (c->ui->status != NULL)
		c->ui->status(c->ui->ctx, msg);
}

void
sgn_oidc_sleep(const struct sgn_oidc_ctx *c, long ms)
{
	struct timespec ts;

	if (c->env->sleep != NULL) {
		c->env->sleep(c->env->ctx, ms);
		return;
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

sgn_err
sgn_oidc_pct(struct sgn_buf *b, const char *s, struct sgn_errbuf *eb)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char ch;
	char esc[3];
	sgn_err r;

	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_' || ch == '~') {
			r = sgn_buf_append(b, s, 1, eb);
		} else {
			esc[0] = '%';
			esc[1] = hex[ch >> 4];
			esc[2] = hex[ch & 15];
			r = sgn_buf_append(b, esc, 3, eb);
		}
		if (r != SGN_OK)
			return r;
	}
	return SGN_OK;
}

sgn_err
sgn_oidc_form(struct sgn_buf *b, const char *key, const char *value,
    struct sgn_errbuf *eb)
{
	sgn_err r;

	if (b->len > 0 && (r = sgn_buf_append(b, "&", 1, eb)) != SGN_OK)
		return r;
	if ((r = sgn_buf_append(b, key, strlen(key), eb)) != SGN_OK ||
	    (r = sgn_buf_append(b, "=", 1, eb)) != SGN_OK)
		return r;
	return sgn_oidc_pct(b, value, eb);
}

void
sgn_oidc_json_wipe(cJSON *node)
{
	cJSON *ch;

	if (node == NULL)
		return;
	if (cJSON_IsString(node) && node->valuestring != NULL)
		sgn_memzero(node->valuestring, strlen(node->valuestring));
	for (ch = node->child; ch != NULL; ch = ch->next)
		sgn_oidc_json_wipe(ch);
}

int
sgn_oidc_url_ok(const char *url)
{
	size_t i, n;

	if (url == NULL || (n = strlen(url)) > SGN_OIDC_MAX_URL)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
			return 0;
	return sgn_http_url_allowed(url, 0);
}
