/*
 * libFuzzer harness for TUF metadata.  The first byte chooses what the
 * rest of the input is:
 *   0-3	a root, timestamp, snapshot or targets file: parsed, put in
 *		canonical form, a root checked against its own keys, a
 *		targets file's delegations asked for a path;
 *   4		root 16 of the built-in production repository, served by a
 *		fetcher (the public workflow: chain step, then timestamp);
 *   5		the timestamp of that repository;
 *   other	an initial root given to sgn_tuf_new().
 * Seeds (testdata/fuzz/tuf_fuzz/): Sigstore's roots 1, 9 and 15 and
 * timestamp 762, and a snapshot and a targets file with a delegation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tuf.h"
#include "tuf_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct serve {
	const uint8_t	*p;
	size_t		 n;
	const char	*as;
};

static sgn_err
serve(void *ctx, const char *path, size_t max, struct sgn_buf *out,
    int *found, struct sgn_errbuf *eb)
{
	struct serve *s = ctx;

	if (strcmp(path, s->as) != 0) {
		*found = 0;
		return SGN_OK;
	}
	if (s->n > max)
		return SGN_ERR_LIMIT;
	return sgn_buf_append(out, s->p, s->n, eb);
}

static void
workflow(const uint8_t *p, size_t n, const char *as)
{
	const struct sgn_tuf_repo *repo = sgn_tuf_builtin(0);
	struct sgn_tuf_opts o;
	struct sgn_tuf *t = NULL;
	struct serve s = { p, n, as };

	o = (struct sgn_tuf_opts)SGN_TUF_OPTS_INIT;
	o.root = repo->root;
	o.root_len = repo->root_len;
	o.fetch = serve;
	o.fetch_ctx = &s;
	o.now = 1780000000;
	if (sgn_tuf_new(&o, &t, NULL) != SGN_OK)
		abort();
	(void)sgn_tuf_update(t, NULL, NULL);
	sgn_tuf_free(&t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tuf_meta *m = NULL;
	struct sgn_tuf_opts o;
	struct sgn_tuf *t = NULL;
	const cJSON *roles, *r;

	if (size < 1)
		return 0;
	switch (data[0]) {
	case 0:
	case 1:
	case 2:
	case 3:
		if (sgn_tuf_meta_parse(data + 1, size - 1,
		    (enum tuf_type)(data[0] + 1), "fuzz", &m, NULL) != SGN_OK) {
			if (m != NULL)
				abort();
			return 0;
		}
		if (m->canon == NULL || m->canon_len == 0)
			abort();
		if (m->type == TUF_ROOT)
			(void)sgn_tuf_meta_verify(m, m->keys,
			    m->roles[TUF_ROOT].keyids,
			    m->roles[TUF_ROOT].threshold, "fuzz", NULL);
		if (m->type == TUF_TARGETS && m->delegations != NULL) {
			roles = sgn_json_member(m->delegations, "roles");
			for (r = roles->child; r != NULL; r = r->next) {
				const cJSON *ps = sgn_json_member(r, "paths");

				for (ps = ps != NULL ? ps->child : NULL;
				    ps != NULL; ps = ps->next)
					(void)sgn_tuf_path_match(
					    ps->valuestring, "a/b.json");
			}
		}
		sgn_tuf_meta_free(&m);
		break;
	case 4:
		workflow(data + 1, size - 1, "16.root.json");
		break;
	case 5:
		workflow(data + 1, size - 1, "timestamp.json");
		break;
	default:
		o = (struct sgn_tuf_opts)SGN_TUF_OPTS_INIT;
		o.root = data + 1;
		o.root_len = size - 1;
		o.offline = 1;
		if (sgn_tuf_new(&o, &t, NULL) == SGN_OK)
			sgn_tuf_free(&t);
		else if (t != NULL)
			abort();
		break;
	}
	return 0;
}
