/*
 * tuf-conformance-client: the client side of the TUF conformance suite's
 * CLI protocol (theupdateframework/tuf-conformance, CLIENT-CLI.md), over
 * pkg/tuf, so that the suite can be pointed at signet's TUF client:
 *
 *   tuf-conformance-client --metadata-dir DIR init ROOT.json
 *   tuf-conformance-client --metadata-dir DIR --metadata-url URL refresh
 *   tuf-conformance-client --metadata-dir DIR --metadata-url URL
 *       --target-name NAME... --target-base-url URL --target-dir DIR
 *       download
 *
 * DIR receives the trusted metadata under non-versioned names (root.json,
 * timestamp.json, ..., <quoted role>.json) after every successful
 * command; pkg/tuf's own cache lives in DIR/signet-cache (keyed by the
 * initial root kept there).  URLs may also be file:///path, a local copy.
 * A test tool: it is not part of the library or of signet, and it prints.
 * Exit status 0 on success, 1 on any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http.h"
#include "tuf.h"

#define MAX_TARGETS	64

struct urls {
	const char	*meta;
	const char	*targets;
	struct sgn_http	*http;
};

static sgn_err
get(struct urls *u, const char *base, const char *rel, size_t max,
    struct sgn_buf *out, int *found, struct sgn_errbuf *eb)
{
	struct sgn_http_request req;
	struct sgn_http_response res;
	char url[SGN_HTTP_MAX_URL];
	uint8_t *p = NULL;
	size_t n = 0;
	struct stat st;
	sgn_err r;

	if (strncmp(base, "file://", 7) == 0) {
		snprintf(url, sizeof(url), "%s/%s", base + 7, rel);
		if (stat(url, &st) != 0) {
			*found = 0;
			return SGN_OK;
		}
		if ((r = sgn_file_read(url, max, &p, &n, eb)) != SGN_OK)
			return r;
		r = sgn_buf_append(out, p, n, eb);
		free(p);
		return r;
	}
	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	snprintf(url, sizeof(url), "%s/%s", base, rel);
	req.method = "GET";
	req.url = url;
	if ((r = sgn_http_do(u->http, "repository", &req, &res, eb)) != SGN_OK)
		goto out;
	if (res.status == 403 || res.status == 404)
		*found = 0;
	else if (res.status != 200)
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "%s: HTTP %ld", url,
		    res.status);
	else if (res.body.len > max)
		r = SGN_ERR_LIMIT;
	else
		r = sgn_buf_append(out, res.body.ptr, res.body.len, eb);
out:
	sgn_http_response_reset(&res);
	return r;
}

/* metadata from the metadata URL, "targets/..." from the targets URL */
static sgn_err
fetch(void *ctx, const char *path, size_t max, struct sgn_buf *out,
    int *found, struct sgn_errbuf *eb)
{
	struct urls *u = ctx;

	if (strncmp(path, "targets/", 8) == 0) {
		if (u->targets == NULL)
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
			    "no --target-base-url");
		return get(u, u->targets, path + 8, max, out, found, eb);
	}
	if (u->meta == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "no --metadata-url");
	return get(u, u->meta, path, max, out, found, eb);
}

static void
quote(const char *s, char *out, size_t outlen)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s != '\0' && o + 4 < outlen; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == '.' || c == '~')
			out[o++] = (char)c;
		else {
			out[o++] = '%';
			out[o++] = hx[c >> 4];
			out[o++] = hx[c & 15];
		}
	}
	out[o] = '\0';
}

static int
write_file(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[4096];
	struct sgn_errbuf eb;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	sgn_errbuf_clear(&eb);
	if (sgn_file_write_atomic(path, p, n, 0644, &eb) != SGN_OK) {
		fprintf(stderr, "tuf-conformance-client: %s\n", eb.msg);
		return -1;
	}
	return 0;
}

/* DIR/<role>.json for every role the updater trusts */
static int
export(struct sgn_tuf *t, const char *dir, char **roles, int nroles)
{
	static const char *const top[] = { "root", "timestamp", "snapshot",
	    "targets" };
	const uint8_t *p;
	char name[1700], qn[1600];
	size_t n, i;
	int k;

	for (i = 0; i < 4; i++) {
		if ((p = sgn_tuf_metadata(t, top[i], &n)) == NULL)
			continue;
		snprintf(name, sizeof(name), "%s.json", top[i]);
		if (write_file(dir, name, p, n) != 0)
			return -1;
	}
	for (k = 0; k < nroles; k++) {
		if ((p = sgn_tuf_metadata(t, roles[k], &n)) == NULL)
			continue;
		quote(roles[k], qn, sizeof(qn));
		snprintf(name, sizeof(name), "%s.json", qn);
		if (write_file(dir, name, p, n) != 0)
			return -1;
	}
	return 0;
}

/* Adds the delegated role names a targets document lists to out. */
static int
role_names(const uint8_t *p, size_t n, char **out, int k, int max)
{
	const char *s = (const char *)p, *q, *e;
	char *name;
	int i, dup;

	/* a plain scan is enough here: the names come from verified
	 * metadata and only choose which verified roles to copy out; a
	 * name that is not a role is simply not found */
	while (k < max && (q = strstr(s, "\"name\"")) != NULL &&
	    (size_t)(q - (const char *)p) < n) {
		q = strchr(q + 6, '"');
		if (q == NULL || (e = strchr(q + 1, '"')) == NULL)
			break;
		s = e + 1;
		if ((name = strndup(q + 1, (size_t)(e - q - 1))) == NULL)
			break;
		for (i = 0, dup = 0; i < k; i++)
			dup |= strcmp(out[i], name) == 0;
		if (dup)
			free(name);
		else
			out[k++] = name;
	}
	return k;
}

int
main(int argc, char **argv)
{
	const char *mdir = NULL, *cmd = NULL, *tdir = NULL, *arg = NULL;
	const char *names[MAX_TARGETS];
	char cache[4096], initial[4200], *roles[256], qn[1600], out[5000];
	struct sgn_tuf_opts o;
	struct sgn_tuf *t = NULL;
	struct sgn_http_opts ho;
	struct sgn_errbuf eb;
	struct urls u;
	uint8_t *root = NULL, *p = NULL;
	size_t rlen = 0, n;
	int i, nnames = 0, nroles = 0, status = 1, updated = 0;
	sgn_err r;

	memset(&u, 0, sizeof(u));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--metadata-dir") == 0 && i + 1 < argc)
			mdir = argv[++i];
		else if (strcmp(argv[i], "--metadata-url") == 0 &&
		    i + 1 < argc)
			u.meta = argv[++i];
		else if (strcmp(argv[i], "--target-name") == 0 &&
		    i + 1 < argc && nnames < MAX_TARGETS)
			names[nnames++] = argv[++i];
		else if (strcmp(argv[i], "--target-base-url") == 0 &&
		    i + 1 < argc)
			u.targets = argv[++i];
		else if (strcmp(argv[i], "--target-dir") == 0 && i + 1 < argc)
			tdir = argv[++i];
		else if (cmd == NULL)
			cmd = argv[i];
		else if (arg == NULL)
			arg = argv[i];
		else
			cmd = NULL;
	}
	if (mdir == NULL || cmd == NULL) {
		fprintf(stderr, "usage: tuf-conformance-client --metadata-dir "
		    "DIR [...] init ROOT | refresh | download\n");
		return 1;
	}
	sgn_errbuf_clear(&eb);
	snprintf(cache, sizeof(cache), "%s/signet-cache", mdir);
	snprintf(initial, sizeof(initial), "%s/initial_root.json", cache);
	if (strcmp(cmd, "init") == 0) {
		if (arg == NULL || (mkdir(cache, 0700) != 0 &&
		    errno != EEXIST) ||
		    sgn_file_read(arg, SGN_TUF_MAX_ROOT_BYTES, &root, &rlen,
		    &eb) != SGN_OK ||
		    write_file(cache, "initial_root.json", root, rlen) != 0 ||
		    write_file(mdir, "root.json", root, rlen) != 0)
			goto out;
		status = 0;
		goto out;
	}
	if (sgn_file_read(initial, SGN_TUF_MAX_ROOT_BYTES, &root, &rlen,
	    &eb) != SGN_OK)
		goto out;
	memset(&ho, 0, sizeof(ho));
	ho.max_body = SGN_TUF_MAX_TARGET_BYTES;
	ho.max_attempts = 1;
	if (sgn_http_new(&ho, &u.http, &eb) != SGN_OK)
		goto out;
	o = (struct sgn_tuf_opts)SGN_TUF_OPTS_INIT;
	o.root = root;
	o.root_len = rlen;
	o.fetch = fetch;
	o.fetch_ctx = &u;
	o.cache_dir = cache;
	if (sgn_tuf_new(&o, &t, &eb) != SGN_OK)
		goto out;
	if ((r = sgn_tuf_update(t, NULL, &eb)) != SGN_OK)
		goto out;
	updated = 1;
	if (strcmp(cmd, "download") == 0) {
		if (tdir == NULL || nnames == 0) {
			sgn_errf(&eb, SGN_ERR_INVALID_ARGUMENT,
			    "download needs --target-name and --target-dir");
			goto out;
		}
		for (i = 0; i < nnames; i++) {
			if (sgn_tuf_get_target(t, names[i], &p, &n, &eb) !=
			    SGN_OK)
				goto out;
			quote(names[i], qn, sizeof(qn));
			snprintf(out, sizeof(out), "%s", qn);
			if (write_file(tdir, out, p, n) != 0)
				goto out;
			free(p);
			p = NULL;
		}
	} else if (strcmp(cmd, "refresh") != 0) {
		sgn_errf(&eb, SGN_ERR_INVALID_ARGUMENT, "unknown command %s",
		    cmd);
		goto out;
	}
	status = 0;
out:
	if (updated) {
		/* what the update trusts, also when a download then fails */
		const uint8_t *tg = sgn_tuf_metadata(t, "targets", &n);

		if (tg != NULL)
			nroles = role_names(tg, n, roles, 0, 256);
		/* and the roles those delegate to, breadth first */
		for (i = 0; i < nroles; i++)
			if ((tg = sgn_tuf_metadata(t, roles[i], &n)) != NULL)
				nroles = role_names(tg, n, roles, nroles, 256);
		if (export(t, mdir, roles, nroles) != 0)
			status = 1;
	}
	if (status != 0 && eb.msg[0] != '\0')
		fprintf(stderr, "tuf-conformance-client: %s\n", eb.msg);
	for (i = 0; i < nroles; i++)
		free(roles[i]);
	free(p);
	free(root);
	sgn_tuf_free(&t);
	sgn_http_free(&u.http);
	return status;
}
