/*
 * signet trust update / show / export, and trust_get(): the one place that
 * decides which trusted root and signing config a command uses.
 *
 * Sources, by precedence: a file given (--trusted-root, --signing-config:
 * TUF is not used for it); the TUF cache of the repository (the built-in
 * production or staging root, or --tuf-root), verified in this process
 * from that root (pkg/tuf); the built-in trusted root.  Verification never
 * touches the network; sign and log update the cache first when its
 * timestamp expired or it is a day old.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "http.h"
#include "trust.h"
#include "trustcli.h"
#include "tuf.h"

#define DAY			86400
#define DEFAULT_MAX_AGE_DAYS	30
#define MAX_AGE_DAYS_CAP	36500
/* sign and log update the cache when it is older than this */
#define REFRESH_AFTER		DAY

/* The repository chosen by the source options. */
struct tsrc {
	const char	*name;		/* "production", "staging", "custom" */
	int		 staging;
	int		 custom;	/* --tuf-root */
	const char	*url;		/* NULL: none */
	const char	*from;		/* --from DIR */
	const uint8_t	*root;
	size_t		 root_len;
	uint8_t		*root_buf;	/* owned, --tuf-root */
	int		 have_cache;
	char		 cache[1024];	/* parent of the repository dirs */
	char		 cache_note[256];
};

static const char *
env_lookup(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

void
trust_opts_add(struct cli_args *a, int which)
{
	cli_add(a, "tuf-root", CLI_VALUE);
	cli_add(a, "cache-dir", CLI_VALUE);
	if (which == TRUST_OPTS_SIGN)
		cli_add(a, "tuf-url", CLI_VALUE);
	if (which == TRUST_OPTS_VERIFY) {
		cli_add(a, "offline-trust", CLI_FLAG);
		cli_add(a, "trust-max-age", CLI_VALUE);
	}
}

static void
tsrc_reset(struct tsrc *s)
{
	free(s->root_buf);
	memset(s, 0, sizeof(*s));
}

/*
 * The repository and the cache from the options: --tuf-root ROOT.json (a
 * repository of one's own) or the built-in production (--staging: staging)
 * root; --tuf-url (a mirror of it) or the built-in mirror; --from DIR (a
 * copy on disk); --cache-dir or the default.  remote: a repository to
 * read is needed (update).  0, or the exit status.
 */
static int
tsrc_open(const struct cli_args *a, const char *verb, int remote,
    struct tsrc *s)
{
	const struct sgn_tuf_repo	*b;
	struct sgn_errbuf		 eb;
	const char			*root_path, *dir;
	sgn_err				 r;

	memset(s, 0, sizeof(*s));
	sgn_errbuf_clear(&eb);
	s->staging = cli_flag(a, "staging");
	root_path = cli_get(a, "tuf-root");
	s->from = cli_get(a, "from");
	s->url = cli_get(a, "tuf-url");
	if (root_path != NULL && s->staging) {
		cli_err("%s: --tuf-root and --staging exclude each other "
		    "(--tuf-root names the repository)", verb);
		return 2;
	}
	if (s->from != NULL && s->url != NULL) {
		cli_err("%s: --from and --tuf-url exclude each other", verb);
		return 2;
	}
	if (root_path != NULL) {
		if ((r = sgn_file_read(root_path, SGN_TUF_MAX_ROOT_BYTES,
		    &s->root_buf, &s->root_len, &eb)) != SGN_OK) {
			cli_err("%s: --tuf-root %s: %s", verb, root_path,
			    eb.msg);
			return 2;
		}
		s->root = s->root_buf;
		s->custom = 1;
		s->name = "custom";
		if (remote && s->url == NULL && s->from == NULL) {
			cli_err("%s: --tuf-root needs --tuf-url or --from "
			    "(where the repository is)", verb);
			return 2;
		}
	} else {
		b = sgn_tuf_builtin(s->staging);
		s->root = b->root;
		s->root_len = b->root_len;
		s->name = b->name;
		if (s->url == NULL && s->from == NULL)
			s->url = b->url;
	}
	if ((dir = cli_get(a, "cache-dir")) != NULL) {
		if (strlen(dir) >= sizeof(s->cache)) {
			cli_err("%s: --cache-dir: path too long", verb);
			return 2;
		}
		snprintf(s->cache, sizeof(s->cache), "%s", dir);
		s->have_cache = 1;
	} else if (sgn_tuf_default_cache_dir(env_lookup, NULL, s->cache,
	    sizeof(s->cache), &eb) == SGN_OK) {
		s->have_cache = 1;
	} else {
		snprintf(s->cache_note, sizeof(s->cache_note), "%s",
		    eb.msg[0] != '\0' ? eb.msg : "no cache directory (set "
		    "SIGNET_CACHE_DIR, XDG_CACHE_HOME or HOME)");
	}
	return 0;
}

/* 1 when the cache holds a directory for this repository. */
static int
tsrc_cached(const struct tsrc *s)
{
	uint8_t		 md[32];
	char		 hex[65], path[1200];
	struct stat	 st;

	if (!s->have_cache ||
	    sgn_hash(SGN_HASH_SHA256, s->root, s->root_len, md, NULL) !=
	    SGN_OK)
		return 0;
	sgn_hex_encode(md, sizeof(md), hex);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", s->cache, hex) >=
	    sizeof(path))
		return 0;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *const wanted[] = {
	SGN_TUF_TARGET_TRUSTED_ROOT,
	SGN_TUF_TARGET_SIGNING_CONFIG,
	SGN_TUF_TARGET_SIGNING_CONFIG_REKOR_V2,
	NULL
};

static sgn_err
tsrc_tuf(const struct tsrc *s, int offline, struct sgn_http *http,
    struct sgn_tuf **t, struct sgn_errbuf *eb)
{
	struct sgn_tuf_opts o = SGN_TUF_OPTS_INIT;

	o.root = s->root;
	o.root_len = s->root_len;
	o.cache_dir = s->have_cache ? s->cache : NULL;
	/* an update commits only with the targets signet uses checked */
	o.prefetch = wanted;
	if (offline) {
		o.offline = 1;
		/* judged by the age of the last update instead */
		o.allow_expired = 1;
	} else if (s->from != NULL) {
		o.from_dir = s->from;
	} else {
		o.url = s->url;
		o.http = http;
	}
	return sgn_tuf_new(&o, t, eb);
}

static int
expired_any(const struct sgn_tuf_info *i)
{
	return i->root.expired || i->timestamp.expired ||
	    i->snapshot.expired || i->targets.expired;
}

static void
newest(const struct sgn_validity *v, int64_t *sec)
{
	if (v->has_start && v->start.sec > *sec)
		*sec = v->start.sec;
}

/*
 * The date of a built-in trusted root, from which its age is counted:
 * the newest validFor start in it (a log, CA or TSA that starts then was
 * in it no earlier), read from the file itself so that nothing here needs
 * an edit when third_party/sigstore is updated.  0 when it has none.
 */
static int64_t
root_date(const struct sgn_trusted_root *r)
{
	const struct sgn_log		*l;
	const struct sgn_authority	*x;
	int64_t				 sec = 0;
	size_t				 n, i;

	l = sgn_trusted_root_tlogs(r, &n);
	for (i = 0; i < n; i++)
		newest(&l[i].valid, &sec);
	l = sgn_trusted_root_ctlogs(r, &n);
	for (i = 0; i < n; i++)
		newest(&l[i].valid, &sec);
	x = sgn_trusted_root_cas(r, &n);
	for (i = 0; i < n; i++)
		newest(&x[i].valid, &sec);
	x = sgn_trusted_root_tsas(r, &n);
	for (i = 0; i < n; i++)
		newest(&x[i].valid, &sec);
	return sec;
}

static void
fmt_sec(int64_t sec, char out[SGN_TIME_STRLEN])
{
	sgn_time_format(sgn_time_from_sec(sec), out);
}

/* "" or " --staging" or " --tuf-url URL --tuf-root FILE": the remedy. */
static const char *
update_hint(const struct cli_args *a)
{
	if (cli_get(a, "tuf-root") != NULL)
		return " --tuf-url URL --tuf-root ROOT.json";
	return cli_flag(a, "staging") ? " --staging" : "";
}

static void
warn_age(const struct cli_args *a, const struct trust_got *g, int64_t now)
{
	char	 t[SGN_TIME_STRLEN];
	int64_t	 age;

	if (g->max_age_days == 0 || g->as_of == 0)
		return;
	age = now - g->as_of;
	if (age <= (int64_t)g->max_age_days * DAY)
		return;
	fmt_sec(g->as_of, t);
	cli_err("warning: %s %s is %lld days old (over --trust-max-age %llu):"
	    " run `signet trust update%s`",
	    g->root_from == TRUST_FROM_BUILTIN ? "the built-in trusted root "
	    "of" : "the trust last updated", t, (long long)(age / DAY),
	    (unsigned long long)g->max_age_days, update_hint(a));
}

/* The verified bytes of target name, parsed as a trusted root or config. */
static sgn_err
get_root(struct sgn_tuf *t, struct sgn_trusted_root **root,
    struct sgn_errbuf *eb)
{
	uint8_t	*p = NULL;
	size_t	 n;
	sgn_err	 r;

	if ((r = sgn_tuf_get_target(t, SGN_TUF_TARGET_TRUSTED_ROOT, &p, &n,
	    eb)) == SGN_OK)
		r = sgn_trusted_root_parse(p, n, root, eb);
	free(p);
	return r;
}

static sgn_err
get_config(struct sgn_tuf *t, const char *name,
    struct sgn_signing_config **cfg, struct sgn_errbuf *eb)
{
	uint8_t	*p = NULL;
	size_t	 n;
	sgn_err	 r;

	if ((r = sgn_tuf_get_target(t, name, &p, &n, eb)) == SGN_OK)
		r = sgn_signing_config_parse(p, n, cfg, eb);
	free(p);
	return r;
}

/* verify, show: the cache verified offline, else the built-in root. */
static int
from_cache(const struct cli_args *a, const char *verb,
    const struct trust_want *w, int want_root, int want_cfg, struct tsrc *s,
    struct trust_got *g)
{
	struct sgn_errbuf	 eb;
	struct sgn_tuf		*t = NULL;
	int			 failed = 0, rc = 2;
	sgn_err			 r;

	sgn_errbuf_clear(&eb);
	g->info = (struct sgn_tuf_info)SGN_TUF_INFO_INIT;
	if (!s->have_cache) {
		snprintf(g->note, sizeof(g->note), "%s", s->cache_note);
	} else if (!tsrc_cached(s)) {
		snprintf(g->note, sizeof(g->note), "no TUF cache of the %s "
		    "repository in %s", s->name, s->cache);
	} else if ((r = tsrc_tuf(s, 1, NULL, &t, &eb)) != SGN_OK ||
	    (r = sgn_tuf_load(t, &g->info, &eb)) != SGN_OK ||
	    (want_root && (r = get_root(t, &g->root, &eb)) != SGN_OK)) {
		failed = 1;
		snprintf(g->note, sizeof(g->note), "the TUF cache in %s does "
		    "not verify: %s", s->cache, eb.msg);
	} else {
		g->have_info = 1;
		if (want_root) {
			g->root_from = TRUST_FROM_CACHE;
			g->as_of = g->info.last_update;
		}
		/*
		 * Offline, a signing config is extra (tlog reads the logs'
		 * API versions from it): one the cache lacks is no error.
		 */
		sgn_errbuf_clear(&eb);
		if (want_cfg && get_config(t, w->rekor_v2 ?
		    SGN_TUF_TARGET_SIGNING_CONFIG_REKOR_V2 :
		    SGN_TUF_TARGET_SIGNING_CONFIG, &g->config, &eb) == SGN_OK)
			g->config_from = TRUST_FROM_CACHE;
		rc = 0;
		goto out;
	}
	if (!want_root) {
		/* only a config was asked for: none, without a fallback */
		rc = 0;
		goto out;
	}
	if (cli_flag(a, "offline-trust")) {
		cli_err("%s: --offline-trust: no verified trust: %s; run "
		    "`signet trust update%s`", verb, g->note, update_hint(a));
		goto out;
	}
	if (s->custom) {
		cli_err("%s: --tuf-root: no verified trust: %s; run `signet "
		    "trust update%s`", verb, g->note, update_hint(a));
		goto out;
	}
	if (failed)
		cli_err("warning: %s; using the built-in trusted root",
		    g->note);
	sgn_errbuf_clear(&eb);
	if ((r = sgn_trusted_root_embedded(s->staging, &g->root, &eb)) !=
	    SGN_OK) {
		cli_err("trusted root: %s", eb.msg);
		goto out;
	}
	g->root_from = TRUST_FROM_BUILTIN;
	g->as_of = root_date(g->root);
	rc = 0;
out:
	sgn_tuf_free(&t);
	return rc;
}

/* The targets w wants from t into g. */
static sgn_err
targets_from(struct sgn_tuf *t, const struct trust_want *w, int want_root,
    int want_cfg, struct trust_got *g, struct sgn_errbuf *eb)
{
	sgn_err	r;

	if (want_root && g->root == NULL &&
	    (r = get_root(t, &g->root, eb)) != SGN_OK)
		return r;
	if (want_cfg && g->config == NULL &&
	    (r = get_config(t, w->rekor_v2 ?
	    SGN_TUF_TARGET_SIGNING_CONFIG_REKOR_V2 :
	    SGN_TUF_TARGET_SIGNING_CONFIG, &g->config, eb)) != SGN_OK)
		return r;
	return SGN_OK;
}

/*
 * sign, log: the cache, updated first when its timestamp (or any role)
 * expired or it is REFRESH_AFTER old, or when a target it lists is not
 * cached.  A repository that cannot be read with a valid cache is a
 * warning; with none, or when the repository fails a check, an error.
 */
static int
from_repo(const struct trust_want *w, int want_root, int want_cfg,
    struct tsrc *s, struct trust_got *g)
{
	struct sgn_errbuf	 eb, ueb;
	struct sgn_tuf		*off = NULL, *on = NULL, *use;
	struct sgn_tuf_info	 ci;
	char			 t[SGN_TIME_STRLEN];
	int64_t			 now = (int64_t)time(NULL);
	int			 cached = 0, valid, stale, rc = 2;
	sgn_err			 r;

	ci = (struct sgn_tuf_info)SGN_TUF_INFO_INIT;
	sgn_errbuf_clear(&eb);
	sgn_errbuf_clear(&ueb);
	if (tsrc_cached(s) && tsrc_tuf(s, 1, NULL, &off, &eb) == SGN_OK &&
	    sgn_tuf_load(off, &ci, &eb) == SGN_OK)
		cached = 1;
	valid = cached && !expired_any(&ci);
	stale = !valid || ci.last_update == 0 ||
	    now - ci.last_update >= REFRESH_AFTER || now < ci.last_update;
	use = off;
	g->info = ci;
	/* fresh: the cache as it is, if it holds every target wanted */
	if (!stale) {
		sgn_errbuf_clear(&eb);
		if ((r = targets_from(off, w, want_root, want_cfg, g, &eb)) ==
		    SGN_OK)
			goto done;
		if (r != SGN_ERR_TRUST) {
			cli_err("trust: %s", eb.msg);
			goto out;
		}
		/* all from one state: nothing of this one is kept */
		if (want_root)
			sgn_trusted_root_free(&g->root);
		if (want_cfg)
			sgn_signing_config_free(&g->config);
	}
	if ((r = tsrc_tuf(s, 0, w->http, &on, &ueb)) == SGN_OK)
		r = sgn_tuf_update(on, &g->info, &ueb);
	if (r == SGN_OK) {
		use = on;
	} else if (sgn_err_exit_status(r) == 1) {
		cli_err("trust: the TUF repository %s failed a check: %s",
		    s->url != NULL ? s->url : s->name, ueb.msg);
		goto out;
	} else if (valid) {
		fmt_sec(ci.last_update, t);
		cli_err("warning: could not update the trust (%s); using the "
		    "TUF cache of %s", ueb.msg, t);
		g->info = ci;
	} else {
		cli_err("trust: no valid trust: %s%s", ueb.msg, cached ?
		    "; the TUF cache has expired" : " (and no TUF cache)");
		goto out;
	}
	sgn_errbuf_clear(&eb);
	if (targets_from(use, w, want_root, want_cfg, g, &eb) != SGN_OK) {
		cli_err("trust: %s", eb.msg);
		goto out;
	}
done:
	g->have_info = 1;
	g->as_of = g->info.last_update;
	if (want_root)
		g->root_from = use == on ? TRUST_FROM_UPDATE :
		    TRUST_FROM_CACHE;
	if (want_cfg)
		g->config_from = use == on ? TRUST_FROM_UPDATE :
		    TRUST_FROM_CACHE;
	rc = 0;
out:
	sgn_tuf_free(&on);
	sgn_tuf_free(&off);
	return rc;
}

int
trust_get(const struct cli_args *a, const char *verb,
    const struct trust_want *w, struct trust_got *g)
{
	struct sgn_errbuf	 eb;
	struct tsrc		 s;
	const char		*tr, *sc, *ma;
	int			 want_root, want_cfg, rc = 2;

	memset(g, 0, sizeof(*g));
	memset(&s, 0, sizeof(s));
	sgn_errbuf_clear(&eb);
	g->max_age_days = DEFAULT_MAX_AGE_DAYS;
	if ((ma = cli_get(a, "trust-max-age")) != NULL &&
	    cli_u64(ma, MAX_AGE_DAYS_CAP, &g->max_age_days) != 0) {
		cli_err("%s: --trust-max-age takes days, 0 (never warn) to %d",
		    verb, MAX_AGE_DAYS_CAP);
		return 2;
	}
	tr = w->need_root ? cli_get(a, "trusted-root") : NULL;
	sc = w->need_config ? cli_get(a, "signing-config") : NULL;
	/* A file given: TUF is not used for it. */
	if (tr != NULL) {
		if (sgn_trusted_root_load(tr, &g->root, &eb) != SGN_OK) {
			cli_err("trusted root %s: %s", tr, eb.msg);
			goto out;
		}
		g->root_from = TRUST_FROM_FILE;
		g->file = tr;
	}
	if (sc != NULL) {
		sgn_errbuf_clear(&eb);
		if (sgn_signing_config_load(sc, &g->config, &eb) != SGN_OK) {
			cli_err("signing config: %s", eb.msg);
			goto out;
		}
		g->config_from = TRUST_FROM_FILE;
	}
	want_root = w->need_root && tr == NULL;
	want_cfg = w->need_config && sc == NULL;
	if (!want_root && !want_cfg) {
		rc = 0;
		goto out;
	}
	if ((rc = tsrc_open(a, verb, w->online, &s)) != 0)
		goto out;
	g->repo = s.name;
	g->url = s.url;
	rc = w->online ? from_repo(w, want_root, want_cfg, &s, g) :
	    from_cache(a, verb, w, want_root, want_cfg, &s, g);
	if (rc == 0 && !w->quiet)
		warn_age(a, g, (int64_t)time(NULL));
out:
	tsrc_reset(&s);
	if (rc != 0)
		trust_got_reset(g);
	return rc;
}

void
trust_got_reset(struct trust_got *g)
{
	sgn_trusted_root_free(&g->root);
	sgn_signing_config_free(&g->config);
	memset(g, 0, sizeof(*g));
}

/* signet trust ------------------------------------------------------------ */

static void
trust_usage(FILE *f)
{
	fprintf(f,
	    "usage: signet trust update [SOURCE] [--tuf-url URL | --from "
	    "DIR]\n"
	    "       signet trust show [SOURCE] [--trusted-root FILE] "
	    "[--json]\n"
	    "           [--offline-trust] [--trust-max-age DAYS]\n"
	    "       signet trust export --trusted-root-out FILE\n"
	    "           [--signing-config-out FILE] [SOURCE] [--from DIR]\n"
	    "\n"
	    "Keeps Sigstore's trusted root and signing config fresh through\n"
	    "The Update Framework (TUF), in a cache verified from the root\n"
	    "built into signet.\n"
	    "\n"
	    "  update   run the TUF client workflow against the repository\n"
	    "           (or the copy in --from DIR) and download the trusted\n"
	    "           root and signing configs into the cache\n"
	    "  show     which trust `signet verify` uses and why, its\n"
	    "           versions, age, logs, CAs and TSAs (offline)\n"
	    "  export   write the verified targets from the cache, byte for\n"
	    "           byte as published\n"
	    "\n"
	    "SOURCE (the repository, and its cache):\n"
	    "  --staging              Sigstore's staging repository\n"
	    "  --tuf-root ROOT.json   a repository of one's own, trusted "
	    "from\n"
	    "                         this root\n"
	    "  --cache-dir DIR        default $SIGNET_CACHE_DIR, else\n"
	    "                         $XDG_CACHE_HOME/signet/tuf, else\n"
	    "                         ~/.cache/signet/tuf\n"
	    "  --tuf-url URL          a mirror (default: Sigstore's)\n"
	    "  --from DIR             a copy of the repository on disk\n"
	    "                         (the files a mirror serves)\n"
	    "  --ca-bundle FILE, --timeout SECONDS  for the mirror\n"
	    "\n"
	    "Exit status: 0 done; 1 the repository failed a check (bad\n"
	    "signature, rollback, freeze, hash or length mismatch, "
	    "expired);\n"
	    "2 could not check (no network, usage, unwritable cache).\n");
}

static void
trust_src_opts(struct cli_args *a)
{
	cli_add(a, "staging", CLI_FLAG);
	cli_add(a, "tuf-url", CLI_VALUE);
	cli_add(a, "tuf-root", CLI_VALUE);
	cli_add(a, "cache-dir", CLI_VALUE);
	cli_add(a, "from", CLI_VALUE);
	cli_add(a, "ca-bundle", CLI_VALUE);
	cli_add(a, "timeout", CLI_VALUE);
	cli_add(a, "help", CLI_FLAG);
}

static void
print_role(const char *name, const struct sgn_tuf_role_info *ri)
{
	char t[SGN_TIME_STRLEN];

	if (!ri->present)
		return;
	sgn_time_format(ri->expires, t);
	printf("  %-10s version %lld, expires %s%s\n", name,
	    (long long)ri->version, t, ri->expired ? " (EXPIRED)" : "");
}

/*
 * The update: the workflow, then every Sigstore target downloaded and
 * parsed (a bad one fails the update).  The Rekor v2 config is optional.
 */
static int
do_update(const struct cli_args *a, const char *verb, struct tsrc *s,
    int print)
{
#ifndef SGN_VERIFY_ONLY
	struct sgn_http_opts	 ho;
	uint64_t		 sec;
#endif
	struct sgn_errbuf	 eb;
	struct sgn_http		*http = NULL;
	struct sgn_tuf		*t = NULL;
	struct sgn_tuf_info	 info;
	struct sgn_trusted_root	*root = NULL;
	struct sgn_signing_config *cfg = NULL;
	int			 have_v2 = 0, rc = 2;
	sgn_err			 r;

	info = (struct sgn_tuf_info)SGN_TUF_INFO_INIT;
	sgn_errbuf_clear(&eb);
#ifdef SGN_VERIFY_ONLY
	/* make VERIFY_ONLY=1: no network client; a local copy (--from) */
	if (s->url != NULL) {
		cli_err("%s: this signet was built to verify only: give "
		    "--from DIR", verb);
		goto out;
	}
#else
	memset(&ho, 0, sizeof(ho));
	if (s->url != NULL) {
		ho.ca_bundle = cli_get(a, "ca-bundle");
		if (cli_get(a, "timeout") != NULL) {
			if (cli_u64(cli_get(a, "timeout"), 3600, &sec) != 0 ||
			    sec < 1) {
				cli_err("%s: --timeout takes seconds, 1 to "
				    "3600", verb);
				goto out;
			}
			ho.timeout_ms = (long)sec * 1000;
		}
		if ((r = sgn_http_new(&ho, &http, &eb)) != SGN_OK) {
			rc = cli_fail(r, &eb);
			goto out;
		}
	}
#endif
	if ((r = tsrc_tuf(s, 0, http, &t, &eb)) != SGN_OK ||
	    (r = sgn_tuf_update(t, &info, &eb)) != SGN_OK ||
	    (r = get_root(t, &root, &eb)) != SGN_OK ||
	    (r = get_config(t, SGN_TUF_TARGET_SIGNING_CONFIG, &cfg, &eb)) !=
	    SGN_OK) {
		cli_err("trust update: %s", eb.msg[0] != '\0' ? eb.msg :
		    sgn_strerror(r));
		rc = sgn_err_exit_status(r);
		goto out;
	}
	sgn_signing_config_free(&cfg);
	sgn_errbuf_clear(&eb);
	r = get_config(t, SGN_TUF_TARGET_SIGNING_CONFIG_REKOR_V2, &cfg, &eb);
	if (r == SGN_OK) {
		have_v2 = 1;
	} else if (r != SGN_ERR_TRUST || strstr(eb.msg, "no such target") ==
	    NULL) {
		cli_err("trust update: %s", eb.msg);
		rc = sgn_err_exit_status(r);
		goto out;
	}
	/* a cache asked for by name must be written; the default one (in
	 * a home that may be read-only) is best effort */
	if (info.in_memory && print && (cli_get(a, "cache-dir") != NULL ||
	    getenv("SIGNET_CACHE_DIR") != NULL)) {
		cli_err("%s: the TUF cache %s cannot be written: %s", verb,
		    s->cache, info.cache_note);
		goto out;
	}
	if (info.in_memory)
		cli_err("warning: the TUF cache is not written (%s): the "
		    "update lasts for this run only", info.cache_note);
	if (print) {
		printf("signet: trust updated from %s (%s repository)%s\n",
		    s->from != NULL ? s->from : s->url, s->name,
		    info.unchanged ? ": unchanged" : "");
		print_role("root", &info.root);
		print_role("timestamp", &info.timestamp);
		print_role("snapshot", &info.snapshot);
		print_role("targets", &info.targets);
		printf("  verified   %s, %s%s%s\n", SGN_TUF_TARGET_TRUSTED_ROOT,
		    SGN_TUF_TARGET_SIGNING_CONFIG, have_v2 ? ", " : "",
		    have_v2 ? SGN_TUF_TARGET_SIGNING_CONFIG_REKOR_V2 : "");
		printf("  cache      %s\n", info.in_memory ?
		    "none (in memory)" : info.cache_path);
	}
	rc = 0;
out:
	sgn_signing_config_free(&cfg);
	sgn_trusted_root_free(&root);
	sgn_tuf_free(&t);
#ifndef SGN_VERIFY_ONLY
	sgn_http_free(&http);
#endif
	return rc;
}

/*
 * What trust update, show and export begin with: parses argv into a
 * (whose options the caller added) as verb, answers --help, and refuses
 * positional arguments (none of them takes any).  -1 to go on, else the
 * exit status.
 */
static int
trust_parse(struct cli_args *a, const char *verb, int argc, char **argv)
{
	if (cli_parse(a, verb, argc, argv) != 0)
		return 2;
	if (cli_flag(a, "help")) {
		trust_usage(stdout);
		return 0;
	}
	if (a->n_pos != 0) {
		cli_err("%s: unexpected argument %s", verb, a->pos[0]);
		return 2;
	}
	return -1;
}

static int
trust_update(int argc, char **argv)
{
	struct cli_args	a;
	struct tsrc	s;
	int		rc;

	memset(&a, 0, sizeof(a));
	trust_src_opts(&a);
	if ((rc = trust_parse(&a, "trust update", argc, argv)) != -1)
		return rc;
	if ((rc = tsrc_open(&a, "trust update", 1, &s)) == 0)
		rc = do_update(&a, "trust update", &s, 1);
	tsrc_reset(&s);
	return rc;
}

static const char *
from_name(int from)
{
	switch (from) {
	case TRUST_FROM_FILE:
		return "file";
	case TRUST_FROM_CACHE:
		return "cache";
	case TRUST_FROM_UPDATE:
		return "update";
	case TRUST_FROM_BUILTIN:
		return "built-in";
	default:
		return "none";
	}
}

static void
validity_text(const struct sgn_validity *v, char *out, size_t n)
{
	char s[SGN_TIME_STRLEN], e[SGN_TIME_STRLEN];

	if (v->has_start)
		sgn_time_format(v->start, s);
	else
		snprintf(s, sizeof(s), "-");
	if (v->has_end)
		sgn_time_format(v->end, e);
	else
		snprintf(e, sizeof(e), "open");
	snprintf(out, n, "%s .. %s", s, e);
}

static int
json_validity(cJSON *o, const struct sgn_validity *v)
{
	char t[SGN_TIME_STRLEN];

	if (v->has_start) {
		sgn_time_format(v->start, t);
		if (cJSON_AddStringToObject(o, "start", t) == NULL)
			return -1;
	}
	if (v->has_end) {
		sgn_time_format(v->end, t);
		if (cJSON_AddStringToObject(o, "end", t) == NULL)
			return -1;
	}
	return 0;
}

static int
json_role(cJSON *o, const char *name, const struct sgn_tuf_role_info *ri)
{
	char	 t[SGN_TIME_STRLEN];
	cJSON	*r;

	if (!ri->present)
		return 0;
	sgn_time_format(ri->expires, t);
	if ((r = cJSON_AddObjectToObject(o, name)) == NULL ||
	    cJSON_AddNumberToObject(r, "version", (double)ri->version) ==
	    NULL || cJSON_AddStringToObject(r, "expires", t) == NULL ||
	    cJSON_AddBoolToObject(r, "expired", ri->expired) == NULL)
		return -1;
	return 0;
}

static int
json_logs(cJSON *o, const char *name, const struct sgn_log *l, size_t n)
{
	cJSON	*arr, *e;
	size_t	 i;

	if ((arr = cJSON_AddArrayToObject(o, name)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((e = cJSON_CreateObject()) == NULL)
			return -1;
		cJSON_AddItemToArray(arr, e);
		if (cli_json_add_text(e, "url", l[i].base_url) != 0 ||
		    json_validity(e, &l[i].valid) != 0)
			return -1;
	}
	return 0;
}

static int
json_auths(cJSON *o, const char *name, const struct sgn_authority *x,
    size_t n)
{
	cJSON	*arr, *e;
	size_t	 i;

	if ((arr = cJSON_AddArrayToObject(o, name)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((e = cJSON_CreateObject()) == NULL)
			return -1;
		cJSON_AddItemToArray(arr, e);
		if ((x[i].uri != NULL &&
		    cli_json_add_text(e, "uri", x[i].uri) != 0) ||
		    (x[i].common_name != NULL &&
		    cli_json_add_text(e, "name", x[i].common_name) != 0) ||
		    json_validity(e, &x[i].valid) != 0)
			return -1;
	}
	return 0;
}

static int
show_json(const struct trust_got *g, int64_t now)
{
	const struct sgn_log		*l;
	const struct sgn_authority	*x;
	char				 t[SGN_TIME_STRLEN], *s = NULL;
	cJSON				*o;
	size_t				 n;
	int				 rc = -1;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	if (cJSON_AddStringToObject(o, "source", from_name(g->root_from)) ==
	    NULL)
		goto out;
	if (g->file != NULL && cli_json_add_path(o, "file", g->file) != 0)
		goto out;
	if (g->repo != NULL &&
	    cJSON_AddStringToObject(o, "repository", g->repo) == NULL)
		goto out;
	if (g->url != NULL && cli_json_add_text(o, "url", g->url) != 0)
		goto out;
	if (g->note[0] != '\0' && cli_json_add_text(o, "note", g->note) != 0)
		goto out;
	if (g->have_info) {
		if (cli_json_add_path(o, "cache", g->info.cache_path) != 0 ||
		    json_role(o, "root", &g->info.root) != 0 ||
		    json_role(o, "timestamp", &g->info.timestamp) != 0 ||
		    json_role(o, "snapshot", &g->info.snapshot) != 0 ||
		    json_role(o, "targets", &g->info.targets) != 0)
			goto out;
	}
	if (g->as_of != 0) {
		fmt_sec(g->as_of, t);
		if (cJSON_AddStringToObject(o, "as_of", t) == NULL ||
		    cJSON_AddNumberToObject(o, "age_days",
		    (double)((now - g->as_of) / DAY)) == NULL)
			goto out;
	}
	if (cJSON_AddNumberToObject(o, "max_age_days",
	    (double)g->max_age_days) == NULL)
		goto out;
	l = sgn_trusted_root_tlogs(g->root, &n);
	if (json_logs(o, "tlogs", l, n) != 0)
		goto out;
	l = sgn_trusted_root_ctlogs(g->root, &n);
	if (json_logs(o, "ctlogs", l, n) != 0)
		goto out;
	x = sgn_trusted_root_cas(g->root, &n);
	if (json_auths(o, "certificate_authorities", x, n) != 0)
		goto out;
	x = sgn_trusted_root_tsas(g->root, &n);
	if (json_auths(o, "timestamp_authorities", x, n) != 0)
		goto out;
	if ((s = cJSON_Print(o)) == NULL)
		goto out;
	printf("%s\n", s);
	rc = 0;
out:
	free(s);
	cJSON_Delete(o);
	return rc;
}

static void
show_text(const struct trust_got *g, int64_t now)
{
	const struct sgn_log		*l;
	const struct sgn_authority	*x;
	char				 t[SGN_TIME_STRLEN], v[160];
	size_t				 n, i;

	switch (g->root_from) {
	case TRUST_FROM_FILE:
		printf("trust: the file %s (--trusted-root: TUF not used)\n",
		    g->file);
		break;
	case TRUST_FROM_CACHE:
		printf("trust: the TUF cache of the %s repository, verified "
		    "now from its root\n", g->repo);
		break;
	default:
		printf("trust: the built-in %s trusted root (%s)\n",
		    g->repo != NULL && strcmp(g->repo, "staging") == 0 ?
		    "staging" : "production", g->note);
		break;
	}
	if (g->url != NULL && g->root_from == TRUST_FROM_CACHE)
		printf("  mirror     %s\n", g->url);
	if (g->have_info) {
		printf("  cache      %s\n", g->info.cache_path);
		print_role("root", &g->info.root);
		print_role("timestamp", &g->info.timestamp);
		print_role("snapshot", &g->info.snapshot);
		print_role("targets", &g->info.targets);
	}
	if (g->as_of != 0) {
		fmt_sec(g->as_of, t);
		printf("  as of      %s (%lld days ago; --trust-max-age "
		    "%llu)\n", t, (long long)((now - g->as_of) / DAY),
		    (unsigned long long)g->max_age_days);
	}
	l = sgn_trusted_root_tlogs(g->root, &n);
	for (i = 0; i < n; i++) {
		validity_text(&l[i].valid, v, sizeof(v));
		printf("  tlog       %s  %s\n", l[i].base_url, v);
	}
	l = sgn_trusted_root_ctlogs(g->root, &n);
	for (i = 0; i < n; i++) {
		validity_text(&l[i].valid, v, sizeof(v));
		printf("  ctlog      %s  %s\n", l[i].base_url, v);
	}
	x = sgn_trusted_root_cas(g->root, &n);
	for (i = 0; i < n; i++) {
		validity_text(&x[i].valid, v, sizeof(v));
		printf("  ca         %s  %s\n", x[i].uri != NULL ? x[i].uri :
		    "-", v);
	}
	x = sgn_trusted_root_tsas(g->root, &n);
	for (i = 0; i < n; i++) {
		validity_text(&x[i].valid, v, sizeof(v));
		printf("  tsa        %s  %s\n", x[i].uri != NULL ? x[i].uri :
		    "-", v);
	}
}

static int
trust_show(int argc, char **argv)
{
	struct cli_args		a;
	struct trust_want	w;
	struct trust_got	g;
	int			rc, json;

	memset(&a, 0, sizeof(a));
	memset(&w, 0, sizeof(w));
	cli_add(&a, "staging", CLI_FLAG);
	cli_add(&a, "trusted-root", CLI_VALUE);
	cli_add(&a, "json", CLI_FLAG);
	cli_add(&a, "help", CLI_FLAG);
	trust_opts_add(&a, TRUST_OPTS_VERIFY);
	if ((rc = trust_parse(&a, "trust show", argc, argv)) != -1)
		return rc;
	json = cli_flag(&a, "json");
	w.need_root = 1;
	w.quiet = json;
	if ((rc = trust_get(&a, "trust show", &w, &g)) != 0)
		return rc;
	if (json) {
		if (show_json(&g, (int64_t)time(NULL)) != 0) {
			cli_err("out of memory");
			rc = 2;
		}
	} else {
		show_text(&g, (int64_t)time(NULL));
	}
	trust_got_reset(&g);
	return rc;
}

/* Writes target name of t to path, byte for byte. */
static int
export_one(struct sgn_tuf *t, const char *name, const char *path)
{
	struct sgn_errbuf	 eb;
	uint8_t			*p = NULL;
	size_t			 n;
	sgn_err			 r;

	sgn_errbuf_clear(&eb);
	if ((r = sgn_tuf_get_target(t, name, &p, &n, &eb)) != SGN_OK) {
		cli_err("trust export: %s", eb.msg);
		return sgn_err_exit_status(r);
	}
	r = sgn_file_write_atomic(path, p, n, 0644, &eb);
	free(p);
	if (r != SGN_OK) {
		cli_err("trust export: %s", eb.msg);
		return 2;
	}
	return 0;
}

static int
trust_export(int argc, char **argv)
{
	struct cli_args		 a;
	struct sgn_errbuf	 eb;
	struct tsrc		 s;
	struct sgn_tuf		*t = NULL;
	struct sgn_tuf_info	 info = SGN_TUF_INFO_INIT;
	const char		*tro, *sco;
	int			 rc = 2;
	sgn_err			 r;

	memset(&a, 0, sizeof(a));
	memset(&s, 0, sizeof(s));
	sgn_errbuf_clear(&eb);
	trust_src_opts(&a);
	cli_add(&a, "trusted-root-out", CLI_VALUE);
	cli_add(&a, "signing-config-out", CLI_VALUE);
	if ((rc = trust_parse(&a, "trust export", argc, argv)) != -1)
		return rc;
	tro = cli_get(&a, "trusted-root-out");
	sco = cli_get(&a, "signing-config-out");
	if (tro == NULL) {
		cli_err("trust export: give --trusted-root-out FILE (and "
		    "--signing-config-out FILE)");
		return 2;
	}
	if (cli_get(&a, "tuf-url") != NULL) {
		cli_err("trust export: reads the cache (offline): run `signet "
		    "trust update --tuf-url` first, or give --from DIR");
		return 2;
	}
	if ((rc = tsrc_open(&a, "trust export", 0, &s)) != 0)
		goto out;
	/* --from DIR: update from the copy first, with every check */
	if (s.from != NULL && (rc = do_update(&a, "trust export", &s, 0)) !=
	    0)
		goto out;
	rc = 2;
	if (!s.have_cache) {
		cli_err("trust export: %s", s.cache_note);
		goto out;
	}
	if ((r = tsrc_tuf(&s, 1, NULL, &t, &eb)) != SGN_OK ||
	    (r = sgn_tuf_load(t, &info, &eb)) != SGN_OK) {
		cli_err("trust export: no verified trust in the TUF cache "
		    "(%s): %s; run `signet trust update%s`", s.cache, eb.msg,
		    update_hint(&a));
		rc = sgn_err_exit_status(r);
		goto out;
	}
	if (expired_any(&info))
		cli_err("warning: the cached TUF metadata has expired (last "
		    "update %lld days ago): run `signet trust update%s`",
		    (long long)(((int64_t)time(NULL) - info.last_update) /
		    DAY), update_hint(&a));
	if ((rc = export_one(t, SGN_TUF_TARGET_TRUSTED_ROOT, tro)) != 0)
		goto out;
	if (sco != NULL &&
	    (rc = export_one(t, SGN_TUF_TARGET_SIGNING_CONFIG, sco)) != 0)
		goto out;
	rc = 0;
out:
	sgn_tuf_free(&t);
	tsrc_reset(&s);
	return rc;
}

int
cmd_trust(int argc, char **argv)
{
	if (argc < 1) {
		trust_usage(stderr);
		return 2;
	}
	if (strcmp(argv[0], "update") == 0)
		return trust_update(argc - 1, argv + 1);
	if (strcmp(argv[0], "show") == 0)
		return trust_show(argc - 1, argv + 1);
	if (strcmp(argv[0], "export") == 0)
		return trust_export(argc - 1, argv + 1);
	if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "-h") == 0) {
		trust_usage(stdout);
		return 0;
	}
	cli_err("trust: unknown command \"%s\" (update, show, export)",
	    argv[0]);
	return 2;
}
