/*
 * builtin.c: the Sigstore TUF repositories compiled in from
 * third_party/sigstore/tuf (see its README), and the default cache
 * directory.
 */
#include <stdio.h>
#include <string.h>

#include "tuf.h"

extern const unsigned char sgn_embedded_production_root_json[];
extern const size_t sgn_embedded_production_root_json_len;
extern const unsigned char sgn_embedded_staging_root_json[];
extern const size_t sgn_embedded_staging_root_json_len;

const struct sgn_tuf_repo *
sgn_tuf_builtin(int staging)
{
	static struct sgn_tuf_repo repos[2];

	/* filled on each call: the lengths are not constant expressions */
	repos[0].name = "production";
	repos[0].url = SGN_TUF_PRODUCTION_URL;
	repos[0].root = sgn_embedded_production_root_json;
	repos[0].root_len = sgn_embedded_production_root_json_len;
	repos[1].name = "staging";
	repos[1].url = SGN_TUF_STAGING_URL;
	repos[1].root = sgn_embedded_staging_root_json;
	repos[1].root_len = sgn_embedded_staging_root_json_len;
	return &repos[staging ? 1 : 0];
}

sgn_err
sgn_tuf_default_cache_dir(
    const char *(*getenv_fn)(void *ctx, const char *name), void *ctx,
    char *out, size_t outlen, struct sgn_errbuf *eb)
{
	static const struct {
		const char	*var;
		const char	*suffix;
	} order[] = {
		{ "SIGNET_CACHE_DIR", "" },
		{ "XDG_CACHE_HOME", "/signet/tuf" },
		{ "HOME", "/.cache/signet/tuf" },
	};
	const char *v;
	size_t i;
	int n;

	if (outlen > 0)
		out[0] = '\0';
	for (i = 0; getenv_fn != NULL && i < sizeof(order) / sizeof(order[0]);
	    i++) {
		v = getenv_fn(ctx, order[i].var);
		/* XDG: a relative path is invalid and must be ignored */
		if (v == NULL || v[0] != '/')
			continue;
		n = snprintf(out, outlen, "%s%s", v, order[i].suffix);
		if (n < 0 || (size_t)n >= outlen) {
			if (outlen > 0)
				out[0] = '\0';
			return sgn_errf(eb, SGN_ERR_LIMIT,
			    "$%s: path too long", order[i].var);
		}
		return SGN_OK;
	}
	return sgn_errf(eb, SGN_ERR_TRUST, "no cache directory: none of "
	    "$SIGNET_CACHE_DIR, $XDG_CACHE_HOME, $HOME is set");
}
