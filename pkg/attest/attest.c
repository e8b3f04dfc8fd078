/*
 * Attestations: an artifact's subject, in-toto v1 statements, and the
 * checks made on every predicate: strict JSON, one object, finite numbers.
 * The in-toto attestation framework:
 * https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
 */
#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "attest.h"
#include "attest_int.h"
#include "json.h"
#include "manifest.h"

void
sgn_attest_subject_reset(struct sgn_attest_subject *s)
{
	if (s == NULL)
		return;
	free(s->name);
	memset(s, 0, sizeof(*s));
}

sgn_err
sgn_attest_subject_of(const char *path, struct sgn_attest_subject *s,
    struct sgn_errbuf *eb)
{
	struct sgn_manifest_opts	 o;
	struct sgn_manifest		*m = NULL;
	struct stat			 st;
	const char			*base;
	char				*sig = NULL;
	size_t				 n;
	sgn_err				 r = SGN_ERR_IO;

	if (path == NULL || s == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "attest: no artifact");
	memset(s, 0, sizeof(*s));
	if (stat(path, &st) != 0)
		return sgn_errf(eb, SGN_ERR_IO, "%s: %s", path,
		    strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		/* as `signet digest DIR`: DIR/model.sig is left out */
		o = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
		n = strlen(path);
		if (asprintf(&sig, "%s%smodel.sig", path,
		    n > 0 && path[n - 1] == '/' ? "" : "/") < 0) {
			sig = NULL;
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		o.signature_path = sig;
		if ((r = sgn_manifest_build(path, &o, &m, eb)) != SGN_OK)
			goto out;
		memcpy(s->sha256, m->root, sizeof(s->sha256));
		s->name = m->subject;
		m->subject = NULL;
		s->dir = 1;
	} else if (S_ISREG(st.st_mode)) {
		if ((r = sgn_hash_file(SGN_HASH_SHA256, path, s->sha256,
		    eb)) != SGN_OK)
			goto out;
		base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 :
		    path;
		if ((s->name = strdup(base)) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
	} else {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: neither a regular file nor "
		    "a directory", path);
		goto out;
	}
	r = SGN_OK;
out:
	if (r != SGN_OK)
		sgn_attest_subject_reset(s);
	sgn_manifest_free(&m);
	free(sig);
	return r;
}

/* Every number in the tree is finite (cJSON turns 1e999 into inf). */
static int
numbers_finite(const cJSON *n, int depth)
{
	const cJSON *c;

	if (depth > 1000)
		return 0;
	if (cJSON_IsNumber(n) && !isfinite(n->valuedouble))
		return 0;
	for (c = n->child; c != NULL; c = c->next)
		if (!numbers_finite(c, depth + 1))
			return 0;
	return 1;
}

sgn_err
attest_parse_object(const uint8_t *json, size_t len, const char *what,
    cJSON **out, struct sgn_errbuf *eb)
{
	cJSON	*t = NULL;
	sgn_err	 r;

	*out = NULL;
	if (len > SGN_ATTEST_MAX_PREDICATE)
		return sgn_errf(eb, SGN_ERR_LIMIT, "%s: larger than %u bytes",
		    what, SGN_ATTEST_MAX_PREDICATE);
	if ((r = sgn_json_parse(json, len, what, &t, eb)) != SGN_OK)
		return r == SGN_ERR_NOMEM || r == SGN_ERR_LIMIT ? r :
		    SGN_ERR_PARSE;
	if (!cJSON_IsObject(t)) {
		cJSON_Delete(t);
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: not a JSON object",
		    what);
	}
	if (!numbers_finite(t, 0)) {
		cJSON_Delete(t);
		return sgn_errf(eb, SGN_ERR_PARSE, "%s: a number out of "
		    "range", what);
	}
	*out = t;
	return SGN_OK;
}

sgn_err
sgn_attest_predicate_check(const char *type, const uint8_t *json,
    size_t len, struct sgn_errbuf *eb)
{
	cJSON	*t = NULL;
	sgn_err	 r;

	if (json == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "predicate: none");
	if ((r = attest_parse_object(json, len, "predicate", &t, eb)) !=
	    SGN_OK)
		return r;
	if (type != NULL && strcmp(type, SGN_ATTEST_SLSA_V1) == 0)
		r = attest_slsa_check_tree(t, eb);
	cJSON_Delete(t);
	return r;
}

int
attest_is_uri(const char *s)
{
	size_t	i;

	/* RFC 3986 scheme ":" and something after it */
	if (s == NULL || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; s[i] != '\0' && s[i] != ':'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
		    s[i] == '-' || s[i] == '.'))
			return 0;
	if (s[i] != ':' || s[i + 1] == '\0')
		return 0;
	for (; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

sgn_err
attest_print(const cJSON *t, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	char	*s;
	sgn_err	 r;

	if ((s = cJSON_PrintUnformatted(t)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	r = sgn_buf_append(out, s, strlen(s), eb);
	free(s);
	return r;
}

sgn_err
sgn_attest_statement(const struct sgn_attest_subject *subjects, size_t n,
    const char *type, const uint8_t *json, size_t len, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	cJSON	*st = NULL, *pred = NULL, *arr, *o, *d;
	char	 hex[65];
	size_t	 i;
	sgn_err	 r;

	if (subjects == NULL || n == 0 || out == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "statement: no subject");
	if (n > SGN_ATTEST_MAX_ITEMS)
		return sgn_errf(eb, SGN_ERR_LIMIT, "statement: more than %d "
		    "subjects", SGN_ATTEST_MAX_ITEMS);
	if (!attest_is_uri(type) || strlen(type) > SGN_ATTEST_MAX_STRING)
		return sgn_errf(eb, SGN_ERR_PARSE, "predicate type: not a "
		    "URI");
	if ((r = sgn_attest_predicate_check(type, json, len, eb)) != SGN_OK)
		return r;
	if ((r = attest_parse_object(json, len, "predicate", &pred, eb)) !=
	    SGN_OK)
		return r;
	r = SGN_ERR_NOMEM;
	if ((st = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(st, "_type", SGN_ATTEST_STATEMENT_V1) ==
	    NULL || (arr = cJSON_AddArrayToObject(st, "subject")) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (subjects[i].name == NULL || subjects[i].name[0] == '\0') {
			r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
			    "statement: a subject without a name");
			goto out;
		}
		sgn_hex_encode(subjects[i].sha256, 32, hex);
		if ((o = cJSON_CreateObject()) == NULL)
			goto out;
		cJSON_AddItemToArray(arr, o);
		if (cJSON_AddStringToObject(o, "name", subjects[i].name) ==
		    NULL || (d = cJSON_AddObjectToObject(o, "digest")) ==
		    NULL || cJSON_AddStringToObject(d, "sha256", hex) == NULL)
			goto out;
	}
	if (cJSON_AddStringToObject(st, "predicateType", type) == NULL)
		goto out;
	cJSON_AddItemToObject(st, "predicate", pred);
	pred = NULL;
	r = attest_print(st, out, eb);
out:
	if (r == SGN_ERR_NOMEM)
		(void)sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	cJSON_Delete(pred);
	cJSON_Delete(st);
	return r;
}
