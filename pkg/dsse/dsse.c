/*
 * DSSE pre-authentication encoding and in-toto statements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsse.h"
#include "json.h"

sgn_err
sgn_dsse_pae(const char *type, const uint8_t *payload, size_t len,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	sgn_err r;

	if ((r = sgn_buf_appendf(out, eb, "DSSEv1 %zu %s %zu ", strlen(type),
	    type, len)) != SGN_OK)
		return r;
	return sgn_buf_append(out, payload, len, eb);
}

sgn_err
sgn_dsse_pae_compat(const char *type, const uint8_t *payload, size_t len,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	static const char hex[] = "0123456789abcdef";
	char chunk[256];
	size_t i, n = 0;
	uint8_t quote = '\'';
	sgn_err r;

	if (len > 0 && memchr(payload, '\'', len) != NULL &&
	    memchr(payload, '"', len) == NULL)
		quote = '"';
	if ((r = sgn_buf_appendf(out, eb, "DSSEV1 %zu %s %zu b%c",
	    strlen(type), type, len, quote)) != SGN_OK)
		return r;
	for (i = 0; i < len; i++) {
		uint8_t c = payload[i];
		/* At most 4 bytes per input byte. */
		if (n + 4 > sizeof(chunk)) {
			if ((r = sgn_buf_append(out, chunk, n, eb)) != SGN_OK)
				return r;
			n = 0;
		}
		if (c == quote || c == '\\') {
			chunk[n++] = '\\';
			chunk[n++] = (char)c;
		} else if (c == '\t' || c == '\n' || c == '\r') {
			chunk[n++] = '\\';
			chunk[n++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
		} else if (c < 0x20 || c >= 0x7f) {
			chunk[n++] = '\\';
			chunk[n++] = 'x';
			chunk[n++] = hex[c >> 4];
			chunk[n++] = hex[c & 0x0f];
		} else {
			chunk[n++] = (char)c;
		}
	}
	chunk[n++] = (char)quote;
	return sgn_buf_append(out, chunk, n, eb);
}

void
sgn_intoto_free(struct sgn_intoto_statement **sp)
{
	struct sgn_intoto_statement *s;
	size_t i, k;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	for (i = 0; i < s->n_subjects; i++) {
		struct sgn_intoto_subject *sub = &s->subjects[i];
		for (k = 0; k < sub->n_digests; k++)
			free(sub->digests[k].alg);
		free(sub->digests);
		free(sub->name);
	}
	free(s->subjects);
	free(s->type);
	free(s->predicate_type);
	free(s);
	*sp = NULL;
}

static sgn_err
parse_subject(const cJSON *o, const char *where,
    struct sgn_intoto_subject *sub, struct sgn_errbuf *eb)
{
	const cJSON *dm, *d;
	const char *name;
	size_t n, i = 0;
	sgn_err r;

	if (!cJSON_IsObject(o))
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: expected an object",
		    where);
	if ((r = sgn_json_get_string(o, "name", SGN_JSON_OPTIONAL, where,
	    &name, eb)) != SGN_OK ||
	    (r = sgn_json_get_object(o, "digest", SGN_JSON_REQUIRED, where,
	    &dm, eb)) != SGN_OK)
		return r;
	if (name != NULL && (sub->name = strdup(name)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	n = (size_t)cJSON_GetArraySize(dm);
	if (n == 0 || n > SGN_INTOTO_MAX_DIGESTS)
		return sgn_errf(eb, SGN_ERR_PARSE, "%s.digest: %zu digests",
		    where, n);
	if ((sub->digests = calloc(n, sizeof(*sub->digests))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	cJSON_ArrayForEach(d, dm) {
		struct sgn_intoto_digest *dg = &sub->digests[i];
		if (!cJSON_IsString(d))
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s.digest.%.32s: expected a string", where,
			    d->string);
		if ((dg->alg = strdup(d->string)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		sub->n_digests = ++i;
		dg->hash = sgn_hash_from_name(d->string);
		if (dg->hash == SGN_HASH_NONE)
			continue;
		dg->len = sgn_hash_len(dg->hash);
		if ((r = sgn_hex_decode(d->valuestring, strlen(d->valuestring),
		    dg->value, dg->len, NULL)) != SGN_OK)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s.digest.%s: not %zu hex digits", where,
			    d->string, 2 * dg->len);
	}
	return SGN_OK;
}

sgn_err
sgn_intoto_parse(const uint8_t *payload, size_t len,
    struct sgn_intoto_statement **out, struct sgn_errbuf *eb)
{
	static const char W[] = "in-toto statement";
	struct sgn_intoto_statement *s = NULL;
	cJSON *root = NULL;
	const cJSON *subs, *o;
	const char *type, *pt;
	size_t n, i = 0;
	char w[64];
	sgn_err r;

	*out = NULL;
	/* subjects are a list (a model's files in v0.2 statements) */
	if ((r = sgn_json_parse_max(payload, len, W,
	    sgn_json_list_max_values(len), &root, eb)) != SGN_OK)
		return r;
	if (!cJSON_IsObject(root)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "%s: expected an object", W);
		goto out;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = sgn_json_get_string(root, "_type", SGN_JSON_REQUIRED, W,
	    &type, eb)) != SGN_OK ||
	    (r = sgn_json_get_string(root, "predicateType", SGN_JSON_OPTIONAL,
	    W, &pt, eb)) != SGN_OK ||
	    (r = sgn_json_get_array(root, "subject", SGN_JSON_REQUIRED, W,
	    &subs, eb)) != SGN_OK)
		goto out;
	if (strcmp(type, "https://in-toto.io/Statement/v1") != 0 &&
	    strcmp(type, "https://in-toto.io/Statement/v0.1") != 0) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "%s: unsupported _type \"%.64s\"", W, type);
		goto out;
	}
	if ((s->type = strdup(type)) == NULL ||
	    (pt != NULL && (s->predicate_type = strdup(pt)) == NULL)) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	n = (size_t)cJSON_GetArraySize(subs);
	if (n == 0 || n > SGN_INTOTO_MAX_SUBJECTS) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "%s: %zu subjects", W, n);
		goto out;
	}
	if ((s->subjects = calloc(n, sizeof(*s->subjects))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(o, subs) {
		snprintf(w, sizeof(w), "%s.subject[%zu]", W, i);
		s->n_subjects = i + 1;
		if ((r = parse_subject(o, w, &s->subjects[i], eb)) != SGN_OK)
			goto out;
		i++;
	}
	*out = s;
	s = NULL;
	r = SGN_OK;
out:
	sgn_intoto_free(&s);
	cJSON_Delete(root);
	return r;
}

const struct sgn_intoto_subject *
sgn_intoto_find(const struct sgn_intoto_statement *s, sgn_hash_alg alg,
    const uint8_t *digest, size_t len)
{
	size_t i, k;

	if (alg == SGN_HASH_NONE || len != sgn_hash_len(alg))
		return NULL;
	for (i = 0; i < s->n_subjects; i++) {
		const struct sgn_intoto_subject *sub = &s->subjects[i];
		for (k = 0; k < sub->n_digests; k++)
			if (sub->digests[k].hash == alg &&
			    sub->digests[k].len == len &&
			    memcmp(sub->digests[k].value, digest, len) == 0)
				return sub;
	}
	return NULL;
}
