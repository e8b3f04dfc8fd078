/*
 * signet tlog: audit transparency logs (Rekor v1 and Rekor v2 / C2SP
 * tlog-tiles).
 *
 *   info         fetch the log's checkpoint, verify it with the log's key
 *                from the trusted root, prove it consistent with the
 *                stored one, store it
 *   get          fetch an entry (or take it from a bundle) and verify its
 *                body, SET, inclusion proof and checkpoint
 *   consistency  prove two tree sizes (or the stored checkpoint and the
 *                latest) consistent
 *
 * Log keys come only from the trusted root: a log's own key endpoint is
 * never asked.  The stored checkpoint (one file per log) only moves
 * forward, after a proof; an inconsistency leaves it as it was and writes
 * the evidence beside it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "bundle.h"
#include "cli.h"
#include "http.h"
#include "keys.h"
#include "rekor.h"
#include "rekor_client.h"
#include "tlog.h"
#include "trust.h"
#include "trustcli.h"
#include "verify.h"
#include "x509.h"

#define MAX_LOGS	16

struct tlog_log {
	const struct sgn_log	*log;
	int			 v2;
	int			 retired;	/* its key's validity ended */
};

struct tctx {
	const char		*verb;
	struct cli_args		 a;
	struct sgn_trusted_root	*root;
	struct sgn_signing_config *config;	/* NULL: none available */
	struct sgn_http		*http;
	struct tlog_log		 logs[MAX_LOGS];
	size_t			 n_logs;
	int			 json;
	/* the log being worked on */
	struct sgn_rekor_log_info li;		/* v1 */
	struct sgn_rekor_tiles	 tiles;		/* v2 */
	struct sgn_tile_reader	*reader;	/* v2, latest tree */
	char			*latest_note;
	size_t			 latest_len;
	struct sgn_checkpoint	*latest;
	int			 tiles_disagree;	/* v2 */
	char			 state[4096];
	int			 lock;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: signet tlog info [--log URL] [options]\n"
	    "       signet tlog get (--index N | --uuid U | --bundle B) "
	    "[--log URL] [options]\n"
	    "       signet tlog consistency [--log URL] "
	    "[--from SIZE|CHECKPOINT_FILE] [--to SIZE] [options]\n"
	    "       signet tlog watch (--certificate-identity ID |\n"
	    "             --certificate-identity-regexp RE | --key-fingerprint "
	    "SHA256)...\n"
	    "             [--certificate-oidc-issuer URL |\n"
	    "             --certificate-oidc-issuer-regexp RE] [--log URL] "
	    "[--once]\n"
	    "             [--certificate-github-workflow-{trigger,sha,name,"
	    "repository,ref} V]\n"
	    "             [--interval SECONDS] [options]\n"
	    "\n"
	    "  --log URL              one log of the trusted root (default: "
	    "every\n"
	    "                         log of the trusted root, retired ones "
	    "too)\n"
	    "  --log-version 1|2      the log's API: Rekor v1, or Rekor v2 "
	    "tiles\n"
	    "                         (default: the signing config's\n"
	    "                         majorApiVersion for the log, else 2 "
	    "for an\n"
	    "                         Ed25519 log key, else 1)\n"
	    "  --signing-config FILE  signing_config.json (default: the TUF "
	    "cache's,\n"
	    "                         if any)\n"
	    "  --trusted-root FILE    trusted_root.json (default: the TUF "
	    "cache\n"
	    "                         verified offline, else the built-in "
	    "root,\n"
	    "                         as verify); --staging; --tuf-root,\n"
	    "                         --cache-dir, --offline-trust,\n"
	    "                         --trust-max-age as verify takes "
	    "them\n"
	    "  --state FILE           the stored checkpoint (default: one "
	    "file per\n"
	    "                         log under $SIGNET_CACHE_DIR/tlog,\n"
	    "                         $XDG_CACHE_HOME/signet/tlog or\n"
	    "                         ~/.cache/signet/tlog)\n"
	    "  --json                 JSON on stdout\n"
	    "\n"
	    "Exit status: 0 checked, 1 a proof or signature failed or the log "
	    "rewrote\nits history, 2 usage or the log could not be checked.\n");
}

static void
ctx_log_reset(struct tctx *c)
{
	sgn_rekor_log_info_reset(&c->li);
	sgn_tile_reader_free(&c->reader);
	free(c->latest_note);
	c->latest_note = NULL;
	c->latest_len = 0;
	c->tiles_disagree = 0;
	sgn_checkpoint_free(&c->latest);
	sgn_tlog_state_unlock(&c->lock);
	memset(&c->tiles, 0, sizeof(c->tiles));
}

static void
hexs(const uint8_t *p, size_t n, char *out)
{
	sgn_hex_encode(p, n, out);
}

/* Setup ------------------------------------------------------------------ */

static size_t
url_len(const char *u)
{
	size_t n = strlen(u);

	while (n > 0 && u[n - 1] == '/')
		n--;
	return n;
}

/*
 * The trusted root as verify takes it (trust_get: --trusted-root, the
 * TUF cache verified offline, or the built-in root): the logs' keys.
 * And, never from the network, the signing config (--signing-config, or
 * the TUF cache's): the logs' API versions.  Without one the version is
 * guessed from the log's key.
 */
static int
open_root(struct tctx *c)
{
	struct trust_want w;
	struct trust_got g;
	int rc;

	memset(&w, 0, sizeof(w));
	memset(&g, 0, sizeof(g));
	w.need_root = 1;
	w.need_config = 1;
	w.rekor_v2 = 1;		/* the config that lists the Rekor v2 logs */
	if ((rc = trust_get(&c->a, "tlog", &w, &g)) != 0)
		return rc;
	c->root = g.root;
	g.root = NULL;
	c->config = g.config;
	g.config = NULL;
	trust_got_reset(&g);
	return 0;
}

/*
 * The majorApiVersion the signing config gives the log at base_url (the
 * latest valid one when it is listed more than once), else 0.
 */
static uint32_t
config_version(const struct tctx *c, const char *base_url)
{
	const struct sgn_service *s;
	uint32_t v = 0;
	size_t i;

	if (c->config == NULL)
		return 0;
	for (i = 0; i < c->config->n_rekor; i++) {
		s = &c->config->rekor[i];
		if (url_len(s->url) == url_len(base_url) &&
		    strncmp(s->url, base_url, url_len(base_url)) == 0 &&
		    (s->major == 1 || s->major == 2))
			v = s->major;
	}
	return v;
}

static int
open_http(struct tctx *c)
{
	struct sgn_http_opts ho;
	struct sgn_errbuf eb;
	sgn_err r;

	if (c->http != NULL)
		return 0;
	memset(&ho, 0, sizeof(ho));
	sgn_errbuf_clear(&eb);
	if ((r = sgn_http_new(&ho, &c->http, &eb)) != SGN_OK)
		return cli_fail(r, &eb);
	return 0;
}

/*
 * The logs to audit: --log URL (a tlog of the trusted root with that
 * base URL), else every tlog, retired ones too, one per base URL.
 */
static int
select_logs(struct tctx *c)
{
	const struct sgn_log *tl;
	const char *want = cli_get(&c->a, "log"), *ver;
	struct sgn_time now = sgn_time_from_sec((int64_t)time(NULL));
	size_t n, i, j;
	uint64_t v = 0;
	uint32_t cv = 0;

	ver = cli_get(&c->a, "log-version");
	if (ver != NULL && (cli_u64(ver, 2, &v) != 0 || v < 1)) {
		cli_err("tlog %s: --log-version is 1 or 2", c->verb);
		return 2;
	}
	tl = sgn_trusted_root_tlogs(c->root, &n);
	for (i = 0; i < n; i++) {
		const struct sgn_log *l = &tl[i];
		int dup = 0, ended = l->valid.has_end &&
		    sgn_time_cmp(l->valid.end, now) < 0;

		/* a retired log (its key's validity ended) is still audited:
		 * its history up to its final checkpoint must hold */
		if (want != NULL && (url_len(want) != url_len(l->base_url) ||
		    strncmp(want, l->base_url, url_len(want)) != 0))
			continue;
		for (j = 0; j < c->n_logs; j++)
			if (strcmp(c->logs[j].log->base_url, l->base_url) ==
			    0) {
				/* the key valid now wins */
				if (sgn_validity_contains(&l->valid, now)) {
					c->logs[j].log = l;
					c->logs[j].retired = 0;
				}
				dup = 1;
			}
		if (dup)
			continue;
		if (c->n_logs == MAX_LOGS)
			break;
		/* --log-version, else the signing config, else the key */
		if (v == 0)
			cv = config_version(c, l->base_url);
		c->logs[c->n_logs].log = l;
		c->logs[c->n_logs].retired = ended;
		c->logs[c->n_logs].v2 = v != 0 ? v == 2 : cv != 0 ? cv == 2 :
		    sgn_pubkey_type(l->key) == SGN_KEY_ED25519;
		c->n_logs++;
	}
	if (c->n_logs == 0) {
		if (want != NULL)
			cli_err("tlog %s: %s is not a transparency log of the "
			    "trusted root", c->verb, want);
		else
			cli_err("tlog %s: the trusted root lists no "
			    "transparency log", c->verb);
		return 2;
	}
	return 0;
}

/* The state file of a log: --state, or one per log in the cache dir. */
static int
state_path(struct tctx *c, const struct tlog_log *tl, int create)
{
	const char *opt = cli_get(&c->a, "state"), *base, *x, *home;
	char name[SGN_TLOG_STATE_NAME], id[600], hex[65], dir[3500], *p;
	int n;

	if (opt != NULL) {
		if (strlen(opt) >= sizeof(c->state) - 16) {
			cli_err("--state: path too long");
			return 2;
		}
		snprintf(c->state, sizeof(c->state), "%s", opt);
		return 0;
	}
	base = getenv("SIGNET_CACHE_DIR");
	if (base != NULL && base[0] != '\0')
		n = snprintf(dir, sizeof(dir), "%s/tlog", base);
	else if ((x = getenv("XDG_CACHE_HOME")) != NULL && x[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/signet/tlog", x);
	else if ((home = getenv("HOME")) != NULL && home[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/.cache/signet/tlog", home);
	else {
		cli_err("no cache directory: set SIGNET_CACHE_DIR or give "
		    "--state");
		return 2;
	}
	if (n < 0 || (size_t)n >= sizeof(dir)) {
		cli_err("cache directory path too long");
		return 2;
	}
	if (create) {
		for (p = strchr(dir + 1, '/'); p != NULL;
		    p = strchr(p + 1, '/')) {
			*p = '\0';
			(void)mkdir(dir, 0700);
			*p = '/';
		}
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			cli_err("%s: %s", dir, strerror(errno));
			return 2;
		}
	}
	/* one file per log: its host and key ID (a v1 tree ID is in the
	 * checkpoint's origin) */
	hexs(tl->log->log_id, 32, hex);
	snprintf(id, sizeof(id), "%s %s", tl->log->authority, hex);
	sgn_tlog_state_name(id, name);
	snprintf(c->state, sizeof(c->state), "%s/%s", dir, name);
	return 0;
}

/* Fetching and verifying ------------------------------------------------- */

/*
 * The log's latest checkpoint, verified with its key from the trusted
 * root; for v1 the log info must agree with it, for v2 the tiles must
 * hash to its root.
 */
static sgn_err
fetch_latest(struct tctx *c, const struct tlog_log *tl,
    struct sgn_errbuf *eb)
{
	struct sgn_buf b;
	uint8_t root[32];
	sgn_err r;

	memset(&b, 0, sizeof(b));
	if (!tl->v2) {
		if ((r = sgn_rekor_v1_log_info(c->http, tl->log->base_url,
		    &c->li, eb)) != SGN_OK)
			return r;
		if ((c->latest_note = strdup(c->li.active.checkpoint)) ==
		    NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		c->latest_len = c->li.active.checkpoint_len;
		if ((r = sgn_rekor_checkpoint_verify(tl->log, 0,
		    c->li.active.tree_id, c->latest_note, c->latest_len,
		    &c->latest, eb)) != SGN_OK)
			return r;
		if (c->latest->size != c->li.active.tree_size ||
		    memcmp(c->latest->root, c->li.active.root, 32) != 0)
			return sgn_errf(eb, SGN_ERR_VERIFY, "%s: the log info "
			    "(size %llu) disagrees with its signed tree head "
			    "(size %llu)", tl->log->base_url,
			    (unsigned long long)c->li.active.tree_size,
			    (unsigned long long)c->latest->size);
		return SGN_OK;
	}
	c->tiles.http = c->http;
	c->tiles.prefix = tl->log->base_url;
	if ((r = sgn_rekor_tiles_get(&c->tiles, "checkpoint", &b, eb)) !=
	    SGN_OK)
		return r;
	if (b.len > SGN_NOTE_MAX_BYTES) {
		sgn_buf_reset(&b);
		return sgn_errf(eb, SGN_ERR_LIMIT, "checkpoint too long");
	}
	c->latest_note = (char *)sgn_buf_take(&b, &c->latest_len);
	if (c->latest_note == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if ((r = sgn_rekor_checkpoint_verify(tl->log, 1, NULL, c->latest_note,
	    c->latest_len, &c->latest, eb)) != SGN_OK)
		return r;
	if ((r = sgn_tile_reader_new(c->latest->size, sgn_rekor_tiles_fetch,
	    &c->tiles, &c->reader, eb)) != SGN_OK)
		return r;
	if (c->latest->size == 0)
		return SGN_OK;
	/* the tiles on the right edge are the checkpoint's tree */
	if ((r = sgn_tile_root(c->reader, c->latest->size, root, eb)) !=
	    SGN_OK)
		return r;
	c->tiles_disagree = memcmp(root, c->latest->root, 32) != 0;
	return SGN_OK;
}

/* After fetch_latest(): a v2 log whose tiles are not its checkpoint's
 * tree fails (info first compares the checkpoint with the stored one). */
static sgn_err
tiles_check(const struct tctx *c, const struct tlog_log *tl,
    struct sgn_errbuf *eb)
{
	if (tl->v2 && c->tiles_disagree)
		return sgn_errf(eb, SGN_ERR_VERIFY, "%s: the tiles hash to "
		    "another root than the checkpoint of size %llu",
		    tl->log->base_url, (unsigned long long)c->latest->size);
	return SGN_OK;
}

/*
 * A consistency proof from size m to the latest checkpoint (m <= its
 * size), from the log (v1; the reply's root must be the checkpoint's) or
 * from the tiles (v2).
 */
static sgn_err
proof_to_latest(struct tctx *c, const struct tlog_log *tl, uint64_t m,
    uint8_t (*proof)[32], size_t *n, struct sgn_errbuf *eb)
{
	uint8_t root[32];
	sgn_err r;

	*n = 0;
	if (m == 0 || m >= c->latest->size)
		return SGN_OK;
	if (tl->v2)
		return sgn_tile_consistency_proof(c->reader, m, proof, n, eb);
	if ((r = sgn_rekor_v1_proof(c->http, tl->log->base_url,
	    c->li.active.tree_id, m, c->latest->size, root, proof, n, eb)) !=
	    SGN_OK)
		return r;
	if (memcmp(root, c->latest->root, 32) != 0)
		return sgn_errf(eb, SGN_ERR_VERIFY, "%s: the consistency "
		    "proof is for another root than the checkpoint's",
		    tl->log->base_url);
	return SGN_OK;
}

/* Writes both checkpoints and the proof next to the state file. */
static void
write_evidence(struct tctx *c, const char *old, size_t old_len,
    const char *new, size_t new_len, const uint8_t (*proof)[32], size_t n,
    char *path, size_t pathlen)
{
	struct sgn_buf b;
	struct sgn_errbuf eb;
	char hex[65];
	size_t i;

	memset(&b, 0, sizeof(b));
	snprintf(path, pathlen, "%s.inconsistent-%lld", c->state,
	    (long long)time(NULL));
	sgn_errbuf_clear(&eb);
	(void)sgn_buf_appendf(&b, &eb, "# signet tlog: log inconsistency\n"
	    "# stored checkpoint\n%.*s# latest checkpoint\n%.*s"
	    "# consistency proof (%zu hashes)\n", (int)old_len, old,
	    (int)new_len, new, n);
	for (i = 0; i < n; i++) {
		hexs(proof[i], 32, hex);
		(void)sgn_buf_appendf(&b, &eb, "%s\n", hex);
	}
	if (eb.msg[0] != '\0' ||
	    sgn_file_write_atomic(path, b.ptr, b.len, 0600, &eb) != SGN_OK)
		snprintf(path, pathlen, "(not written: %s)", eb.msg);
	sgn_buf_reset(&b);
}

/*
 * Checks the latest checkpoint against the stored one (loaded, verified
 * with the log's key).  *stored_size is its size, 0 when none.  With
 * store set, the latest is stored when it is consistent and larger.
 * Returns SGN_OK or the failure (an inconsistency writes evidence).
 */
static sgn_err
check_stored(struct tctx *c, const struct tlog_log *tl, int store,
    uint64_t *stored_size, struct sgn_errbuf *eb)
{
	uint8_t *note = NULL, proof[SGN_TLOG_MAX_PROOF][32];
	size_t len = 0, n = 0;
	struct sgn_checkpoint *old = NULL;
	struct sgn_errbuf tmp;
	char evidence[4200];
	const char *dash_old, *dash_new;
	size_t i;
	sgn_err r;

	*stored_size = 0;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_tlog_state_load(c->state, &note, &len, eb)) != SGN_OK)
		return r;
	if (note == NULL)
		goto store;
	if ((r = sgn_rekor_checkpoint_verify(tl->log, tl->v2, NULL,
	    (const char *)note, len, &old, &tmp)) != SGN_OK) {
		r = sgn_errf(eb, SGN_ERR_IO, "stored checkpoint %s: %s",
		    c->state, tmp.msg);
		goto out;
	}
	*stored_size = old->size;
	if (strcmp(old->origin, c->latest->origin) != 0) {
		/*
		 * v1: another tree ID.  A log that was sharded lists the
		 * old tree among its inactive shards; otherwise the log's
		 * history is gone.
		 */
		dash_old = strstr(old->origin, " - ");
		dash_new = strstr(c->latest->origin, " - ");
		for (i = 0; !tl->v2 && dash_old != NULL && dash_new != NULL &&
		    i < c->li.n_inactive; i++)
			if (strcmp(dash_old + 3, c->li.inactive[i].tree_id) ==
			    0)
				break;
		if (tl->v2 || dash_old == NULL || dash_new == NULL ||
		    i == c->li.n_inactive) {
			write_evidence(c, (const char *)note, len,
			    c->latest_note, c->latest_len, NULL, 0, evidence,
			    sizeof(evidence));
			r = sgn_errf(eb, SGN_ERR_VERIFY, "log inconsistency: "
			    "%s was \"%.80s\" and is now \"%.80s\", and the "
			    "old tree is not an inactive shard (evidence: "
			    "%s)", tl->log->base_url, old->origin,
			    c->latest->origin, evidence);
			goto out;
		}
		/* sharded: the stored tree must be the shard's prefix */
		if (old->size != c->li.inactive[i].tree_size ||
		    memcmp(old->root, c->li.inactive[i].root, 32) != 0) {
			r = sgn_errf(eb, SGN_ERR_NETWORK, "%s: the stored "
			    "checkpoint of tree %s (size %llu) cannot be "
			    "proved against the shard's final size %llu",
			    tl->log->base_url, c->li.inactive[i].tree_id,
			    (unsigned long long)old->size,
			    (unsigned long long)c->li.inactive[i].tree_size);
			goto out;
		}
		goto store;
	}
	if (old->size > c->latest->size) {
		write_evidence(c, (const char *)note, len, c->latest_note,
		    c->latest_len, NULL, 0, evidence, sizeof(evidence));
		r = sgn_errf(eb, SGN_ERR_VERIFY, "log inconsistency: %s shows "
		    "size %llu, smaller than the stored checkpoint's %llu "
		    "(evidence: %s)", tl->log->base_url,
		    (unsigned long long)c->latest->size,
		    (unsigned long long)old->size, evidence);
		goto out;
	}
	if ((r = proof_to_latest(c, tl, old->size, proof, &n, eb)) != SGN_OK)
		goto out;
	if ((r = sgn_tlog_checkpoints_consistent(old, c->latest,
	    (const uint8_t (*)[32])proof, n, &tmp)) != SGN_OK) {
		write_evidence(c, (const char *)note, len, c->latest_note,
		    c->latest_len, (const uint8_t (*)[32])proof, n, evidence,
		    sizeof(evidence));
		r = sgn_errf(eb, r, "%s: %s (evidence: %s)",
		    tl->log->base_url, tmp.msg, evidence);
		goto out;
	}
store:
	r = SGN_OK;
	if (store && c->latest->size > 0 && c->latest->size >= *stored_size)
		r = sgn_tlog_state_store(c->state, c->latest_note,
		    c->latest_len, eb);
out:
	sgn_checkpoint_free(&old);
	free(note);
	return r;
}

/*
 * A retired log (its key's validity ended) is frozen at its final
 * checkpoint; one that keeps growing signs entries its key no longer
 * covers.  After check_stored(), before anything is stored:
 *  - a checkpoint stored after the end (by its file's time) and a log
 *    larger now: it grew after its end;
 *  - else (no checkpoint stored since the end), Rekor v1: its newest
 *    entry, verified, integrated after the end.  Rekor v2 entries carry
 *    no time: the first checkpoint stored after the end is the final
 *    one, and any growth past it is caught by the first rule.
 * A finding is SGN_ERR_VERIFY with the evidence written as for an
 * inconsistency (both checkpoints); *found is set (for --json).
 */
static sgn_err
retired_check(struct tctx *c, const struct tlog_log *tl, int *found,
    struct sgn_errbuf *eb)
{
	struct sgn_tlog_entry ent;
	struct sgn_rekor_body *body = NULL;
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf tmp;
	struct stat st;
	uint8_t *note = NULL;
	char evidence[4200], end[SGN_TIME_STRLEN], at[SGN_TIME_STRLEN];
	const char *what = NULL;
	int64_t idx, itime = 0;
	uint64_t size = 0, offset = 0;
	size_t len = 0, got = 0, k;
	sgn_err r;

	*found = 0;
	if (!tl->retired || c->latest->size == 0)
		return SGN_OK;
	memset(&ent, 0, sizeof(ent));
	sgn_errbuf_clear(&tmp);
	sgn_time_format(tl->log->valid.end, end);
	if ((r = sgn_tlog_state_load(c->state, &note, &len, eb)) != SGN_OK)
		return r;
	/* check_stored() verified it */
	if (note != NULL && sgn_checkpoint_parse((const char *)note, len, &cp,
	    &tmp) == SGN_OK)
		size = cp->size;
	if (note != NULL && stat(c->state, &st) == 0 &&
	    (int64_t)st.st_mtime >= tl->log->valid.end.sec) {
		if (c->latest->size > size)
			what = "grew past the checkpoint stored after its end";
	} else if (!tl->v2 && c->latest->size > size) {
		for (k = 0; k < c->li.n_inactive; k++)
			offset += c->li.inactive[k].tree_size;
		idx = (int64_t)(offset + c->latest->size - 1);
		if ((r = sgn_rekor_v1_entries_retrieve(c->http,
		    tl->log->base_url, &idx, 1, &ent, &got, eb)) != SGN_OK)
			goto out;
		if (got != 1 || ent.log_index != idx) {
			r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "%s did not "
			    "return its newest entry %lld", tl->log->base_url,
			    (long long)idx);
			goto out;
		}
		sgn_checkpoint_free(&cp);
		r = sgn_rekor_entry_verify(tl->log, &ent, &body, &cp, &tmp);
		if (r != SGN_OK && r != SGN_ERR_PARSE &&
		    r != SGN_ERR_UNSUPPORTED) {
			r = sgn_errf(eb, r, "%s", tmp.msg);
			goto out;
		}
		/* proved in the tree of the checkpoint audited (its body may
		 * be of a kind signet does not read) */
		if ((uint64_t)ent.tree_size != c->latest->size ||
		    memcmp(ent.root_hash, c->latest->root, 32) != 0) {
			r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: its newest entry "
			    "is proved in a tree of size %lld, not the "
			    "checkpoint's %llu", tl->log->base_url,
			    (long long)ent.tree_size,
			    (unsigned long long)c->latest->size);
			goto out;
		}
		itime = ent.integrated_time;
		if (itime > tl->log->valid.end.sec)
			what = "holds an entry integrated after its end";
	}
	r = SGN_OK;
	if (what == NULL)
		goto out;
	*found = 1;
	write_evidence(c, note != NULL ? (const char *)note : "",
	    note != NULL ? len : 0, c->latest_note, c->latest_len, NULL, 0,
	    evidence, sizeof(evidence));
	at[0] = '\0';
	if (itime > 0)
		sgn_time_format(sgn_time_from_sec(itime), at);
	r = sgn_errf(eb, SGN_ERR_VERIFY, "retired log %s %s (its key's "
	    "validity ended %s): size %llu%s%s, stored %llu (evidence: %s)",
	    tl->log->base_url, what, end,
	    (unsigned long long)c->latest->size, at[0] != '\0' ?
	    ", newest entry integrated " : "", at, (unsigned long long)size,
	    evidence);
out:
	sgn_rekor_body_free(&body);
	sgn_checkpoint_free(&cp);
	sgn_tlog_entry_reset(&ent);
	free(note);
	return r;
}

/* tlog info -------------------------------------------------------------- */

static int
info_one(struct tctx *c, const struct tlog_log *tl)
{
	struct sgn_errbuf eb;
	struct sgn_checkpoint *sh = NULL;
	uint64_t stored = 0;
	char hex[65];
	cJSON *o = NULL, *arr;
	size_t i;
	sgn_err r;
	int rc, found = 0;

	sgn_errbuf_clear(&eb);
	if ((rc = state_path(c, tl, 1)) != 0)
		return rc;
	if ((r = sgn_tlog_state_lock(c->state, &c->lock, &eb)) != SGN_OK ||
	    (r = fetch_latest(c, tl, &eb)) != SGN_OK ||
	    (r = check_stored(c, tl, 0, &stored, &eb)) != SGN_OK ||
	    (r = tiles_check(c, tl, &eb)) != SGN_OK ||
	    (r = retired_check(c, tl, &found, &eb)) != SGN_OK ||
	    (r = check_stored(c, tl, 1, &stored, &eb)) != SGN_OK)
		goto fail;
	if (c->json && (o = cJSON_CreateObject()) == NULL)
		goto nomem;
	hexs(c->latest->root, 32, hex);
	if (c->json) {
		cJSON_AddStringToObject(o, "log", tl->log->base_url);
		cJSON_AddNumberToObject(o, "version", tl->v2 ? 2 : 1);
		cJSON_AddBoolToObject(o, "retired", tl->retired);
		cli_json_add_text(o, "origin", c->latest->origin);
		cJSON_AddNumberToObject(o, "size", (double)c->latest->size);
		cJSON_AddStringToObject(o, "root", hex);
		if (!tl->v2)
			cJSON_AddStringToObject(o, "treeId",
			    c->li.active.tree_id);
		if (stored > 0)
			cJSON_AddNumberToObject(o, "storedSize",
			    (double)stored);
		else
			cJSON_AddNullToObject(o, "storedSize");
		cJSON_AddTrueToObject(o, "consistent");
		cli_json_add_path(o, "state", c->state);
	} else {
		printf("%s%s: size %llu, root %s", tl->log->base_url,
		    tl->retired ? " (retired)" : "",
		    (unsigned long long)c->latest->size, hex);
		if (!tl->v2)
			printf(", tree ID %s", c->li.active.tree_id);
		if (stored > 0)
			printf(": consistent with the stored checkpoint of "
			    "size %llu\n", (unsigned long long)stored);
		else
			printf(": first checkpoint stored\n");
	}
	/* inactive shards: their final checkpoints, with the same key */
	arr = c->json ? cJSON_AddArrayToObject(o, "inactiveShards") : NULL;
	for (i = 0; !tl->v2 && i < c->li.n_inactive; i++) {
		const struct sgn_rekor_shard *s = &c->li.inactive[i];

		if ((r = sgn_rekor_checkpoint_verify(tl->log, 0, s->tree_id,
		    s->checkpoint, s->checkpoint_len, &sh, &eb)) != SGN_OK)
			goto fail;
		if (sh->size != s->tree_size ||
		    memcmp(sh->root, s->root, 32) != 0) {
			r = sgn_errf(&eb, SGN_ERR_VERIFY, "%s: inactive shard "
			    "%s disagrees with its signed tree head",
			    tl->log->base_url, s->tree_id);
			goto fail;
		}
		hexs(sh->root, 32, hex);
		if (c->json) {
			cJSON *so = cJSON_CreateObject();

			cJSON_AddItemToArray(arr, so);
			cJSON_AddStringToObject(so, "treeId", s->tree_id);
			cJSON_AddNumberToObject(so, "size", (double)sh->size);
			cJSON_AddStringToObject(so, "root", hex);
		} else
			printf("%s: inactive shard tree ID %s, size %llu, root "
			    "%s: signed tree head verified\n",
			    tl->log->base_url, s->tree_id,
			    (unsigned long long)sh->size, hex);
		sgn_checkpoint_free(&sh);
	}
	if (c->json) {
		char *s = cJSON_PrintUnformatted(o);

		if (s == NULL)
			goto nomem;
		printf("%s\n", s);
		free(s);
	}
	cJSON_Delete(o);
	ctx_log_reset(c);
	return 0;
nomem:
	r = sgn_errf(&eb, SGN_ERR_NOMEM, "out of memory");
fail:
	cJSON_Delete(o);
	o = NULL;
	/* --json: the finding on stdout too */
	if (found && c->json && (o = cJSON_CreateObject()) != NULL) {
		char *s;

		cJSON_AddStringToObject(o, "log", tl->log->base_url);
		cJSON_AddNumberToObject(o, "version", tl->v2 ? 2 : 1);
		cJSON_AddTrueToObject(o, "retired");
		cJSON_AddNumberToObject(o, "size", (double)c->latest->size);
		cJSON_AddStringToObject(o, "finding", "grew after its end");
		cli_json_add_text(o, "error", eb.msg);
		if ((s = cJSON_PrintUnformatted(o)) != NULL)
			printf("%s\n", s);
		free(s);
		cJSON_Delete(o);
	}
	sgn_checkpoint_free(&sh);
	ctx_log_reset(c);
	return cli_fail(r, &eb);
}

static int
cmd_info(struct tctx *c)
{
	size_t i;
	int rc, worst = 0;

	if (c->a.n_pos != 0) {
		usage(stderr);
		return 2;
	}
	if ((rc = open_http(c)) != 0)
		return rc;
	if (cli_get(&c->a, "state") != NULL && c->n_logs > 1) {
		cli_err("tlog info: --state names one log's file: give --log");
		return 2;
	}
	for (i = 0; i < c->n_logs; i++) {
		rc = info_one(c, &c->logs[i]);
		/* a failed proof (1) outranks a log that could not be
		 * checked (2) */
		if (rc == 1 || (rc == 2 && worst == 0))
			worst = rc;
	}
	return worst;
}

/* tlog get --------------------------------------------------------------- */

static void
add_or_print(cJSON *o, const char *label, const char *key, const char *v)
{
	if (v == NULL)
		return;
	if (o != NULL)
		cli_json_add_text(o, key, v);
	else
		printf("%-12s %s\n", label, v);
}

/* Prints what an entry says: kind, signer, digest, time, index. */
static int
print_entry(struct tctx *c, const char *url, int64_t log_index,
    int64_t integrated_time, const struct sgn_rekor_body *body,
    const struct sgn_checkpoint *cp)
{
	struct sgn_cert *cert = NULL;
	struct sgn_pubkey *key = NULL;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf eb;
	size_t n_sans = 0;
	char *issuer = NULL, buf[200], hex[2 * SGN_MAX_DIGEST + 1];
	char ts[SGN_TIME_STRLEN], idx[32];
	uint8_t fp[32];
	cJSON *o = NULL;

	sgn_errbuf_clear(&eb);
	if (c->json && (o = cJSON_CreateObject()) == NULL)
		return cli_fail(SGN_ERR_NOMEM, NULL);
	add_or_print(o, "log:", "log", url);
	snprintf(idx, sizeof(idx), "%lld", (long long)log_index);
	add_or_print(o, "log index:", "logIndex", idx);
	snprintf(buf, sizeof(buf), "%s %s", body->kind_name,
	    body->api_version);
	add_or_print(o, "kind:", "kind", buf);
	if (body->verifier_is_cert && sgn_cert_from_der(body->verifier,
	    body->verifier_len, &cert, &eb) == SGN_OK) {
		if (sgn_cert_sans(cert, &sans, &n_sans, &eb) == SGN_OK &&
		    n_sans > 0)
			add_or_print(o, "identity:", "identity",
			    sans[0].value);
		if (sgn_cert_oidc_issuer(cert, &issuer, &eb) == SGN_OK)
			add_or_print(o, "issuer:", "issuer", issuer);
		hexs(sgn_cert_fingerprint(cert), 32, hex);
		snprintf(buf, sizeof(buf), "sha256:%s", hex);
		add_or_print(o, "certificate:", "certificateFingerprint",
		    buf);
	} else if (!body->verifier_is_cert && sgn_pubkey_from_der(
	    body->verifier, body->verifier_len, &key, &eb) == SGN_OK &&
	    sgn_hash(SGN_HASH_SHA256, sgn_pubkey_spki_ptr(key),
	    sgn_pubkey_spki_len(key), fp, NULL) == SGN_OK) {
		hexs(fp, 32, hex);
		snprintf(buf, sizeof(buf), "sha256:%s", hex);
		add_or_print(o, "key:", "keyFingerprint", buf);
	} else
		add_or_print(o, "signer:", "signer", "(unreadable verifier)");
	if (body->digest_len > 0) {
		hexs(body->digest, body->digest_len, hex);
		snprintf(buf, sizeof(buf), "%s:%s", sgn_hash_name(body->hash),
		    hex);
		add_or_print(o, "digest:", "digest", buf);
	}
	if (integrated_time > 0) {
		sgn_time_format(sgn_time_from_sec(integrated_time), ts);
		add_or_print(o, "integrated:", "integratedTime", ts);
	}
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)cp->size);
	add_or_print(o, "tree size:", "treeSize", buf);
	if (o != NULL)
		cJSON_AddTrueToObject(o, "verified");
	else
		printf("%-12s %s\n", "verified:", "body, inclusion proof, "
		    "signed checkpoint");
	if (o != NULL) {
		char *s = cJSON_PrintUnformatted(o);

		if (s != NULL)
			printf("%s\n", s);
		free(s);
		cJSON_Delete(o);
	}
	sgn_sans_free(&sans, &n_sans);
	free(issuer);
	sgn_cert_free(&cert);
	sgn_pubkey_free(&key);
	return 0;
}

/*
 * The entry's checkpoint against the stored one, when there is one:
 * equal sizes offline; otherwise with a proof from the log (online only).
 */
static sgn_err
entry_vs_stored(struct tctx *c, const struct tlog_log *tl,
    const struct sgn_checkpoint *ecp, int online, int *checked,
    struct sgn_errbuf *eb)
{
	uint8_t *note = NULL, proof[SGN_TLOG_MAX_PROOF][32], root[32];
	struct sgn_checkpoint *old = NULL;
	struct sgn_errbuf tmp;
	const struct sgn_checkpoint *small, *big;
	size_t len = 0, n = 0;
	sgn_err r;

	*checked = -1;
	sgn_errbuf_clear(&tmp);
	if (state_path(c, tl, 0) != 0)
		return sgn_errf(eb, SGN_ERR_IO, "no state file");
	if ((r = sgn_tlog_state_load(c->state, &note, &len, eb)) != SGN_OK ||
	    note == NULL)
		goto out;
	*checked = 0;
	if ((r = sgn_rekor_checkpoint_verify(tl->log, tl->v2, NULL,
	    (const char *)note, len, &old, &tmp)) != SGN_OK) {
		r = sgn_errf(eb, SGN_ERR_IO, "stored checkpoint %s: %s",
		    c->state, tmp.msg);
		goto out;
	}
	if (strcmp(old->origin, ecp->origin) != 0)
		goto out;	/* another shard */
	small = old->size <= ecp->size ? old : ecp;
	big = old->size <= ecp->size ? ecp : old;
	if (small->size != big->size && small->size > 0) {
		if (!online)
			goto out;
		c->tiles.http = c->http;
		c->tiles.prefix = tl->log->base_url;
		if (tl->v2) {
			struct sgn_tile_reader *rd = NULL;

			if ((r = sgn_tile_reader_new(big->size,
			    sgn_rekor_tiles_fetch, &c->tiles, &rd, eb)) !=
			    SGN_OK)
				goto out;
			r = sgn_tile_consistency_proof(rd, small->size, proof,
			    &n, eb);
			sgn_tile_reader_free(&rd);
		} else {
			r = sgn_rekor_v1_proof(c->http, tl->log->base_url,
			    NULL, small->size, big->size, root, proof, &n, eb);
			if (r == SGN_OK && memcmp(root, big->root, 32) != 0)
				r = sgn_errf(eb, SGN_ERR_VERIFY, "the "
				    "consistency proof is for another root");
		}
		if (r != SGN_OK)
			goto out;
	}
	if ((r = sgn_tlog_checkpoints_consistent(old, ecp,
	    (const uint8_t (*)[32])proof, n, &tmp)) != SGN_OK) {
		r = sgn_errf(eb, r, "%s: the entry's checkpoint and the stored "
		    "one: %s", tl->log->base_url, tmp.msg);
		goto out;
	}
	*checked = 1;
out:
	sgn_checkpoint_free(&old);
	free(note);
	return r;
}

/*
 * The log of a bundle's entry: any tlog of the trusted root with that
 * log ID, retired shards included (their entries stay verifiable), and
 * with --log only that log.
 */
static const struct tlog_log *
log_by_id(struct tctx *c, const uint8_t id[32], struct tlog_log *out)
{
	const struct sgn_log *tl;
	const char *want = cli_get(&c->a, "log");
	size_t n, i;

	tl = sgn_trusted_root_tlogs(c->root, &n);
	for (i = 0; i < n; i++) {
		if (memcmp(tl[i].log_id, id, 32) != 0)
			continue;
		if (want != NULL && (url_len(want) !=
		    url_len(tl[i].base_url) || strncmp(want, tl[i].base_url,
		    url_len(want)) != 0))
			continue;
		out->log = &tl[i];
		out->v2 = c->n_logs == 1 && c->logs[0].log == &tl[i] ?
		    c->logs[0].v2 : sgn_pubkey_type(tl[i].key) ==
		    SGN_KEY_ED25519;
		return out;
	}
	return NULL;
}

static int
get_bundle(struct tctx *c, const char *path, int online)
{
	struct sgn_bundle *b = NULL;
	struct sgn_rekor_body *body = NULL;
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf eb;
	uint8_t *buf = NULL;
	size_t len = 0, i;
	const struct tlog_log *tl;
	struct tlog_log one;
	int checked, rc = 0;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	if ((r = sgn_file_read(path, SGN_MAX_BUNDLE_BYTES, &buf, &len,
	    &eb)) != SGN_OK) {
		cli_err("%s", eb.msg);
		return 2;
	}
	if ((r = sgn_bundle_parse(buf, len, &b, &eb)) != SGN_OK) {
		cli_err("%s: %s", path, eb.msg);
		rc = 2;
		goto out;
	}
	if (b->n_entries == 0) {
		cli_err("%s: the bundle has no transparency log entry", path);
		rc = 1;
		goto out;
	}
	for (i = 0; i < b->n_entries; i++) {
		const struct sgn_tlog_entry *e = &b->entries[i];

		if ((tl = log_by_id(c, e->log_id, &one)) == NULL) {
			cli_err("%s: entry %zu is from a log that is not %s",
			    path, i, cli_get(&c->a, "log") != NULL ?
			    cli_get(&c->a, "log") : "in the trusted root");
			rc = 1;
			goto out;
		}
		sgn_errbuf_clear(&eb);
		if ((r = sgn_rekor_entry_verify(tl->log, e, &body, &cp,
		    &eb)) != SGN_OK ||
		    (r = entry_vs_stored(c, tl, cp, online, &checked,
		    &eb)) != SGN_OK) {
			rc = cli_fail(r, &eb);
			goto out;
		}
		print_entry(c, tl->log->base_url, e->log_index,
		    e->integrated_time, body, cp);
		if (checked == 1 && !c->json)
			printf("%-12s %s\n", "stored:", "consistent with the "
			    "stored checkpoint");
		else if (checked == 0 && !c->json)
			printf("%-12s %s\n", "stored:", "not compared (the "
			    "stored checkpoint is of another tree or size: "
			    "give --log)");
		sgn_rekor_body_free(&body);
		sgn_checkpoint_free(&cp);
	}
out:
	sgn_rekor_body_free(&body);
	sgn_checkpoint_free(&cp);
	sgn_bundle_free(&b);
	free(buf);
	return rc;
}

/* A 16-hex-digit tree ID prefix as the decimal tree ID. */
static int
uuid_tree_id(const char *uuid, char *out, size_t outlen)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 16; i++) {
		char ch = uuid[i];
		unsigned d = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0') :
		    ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10) :
		    ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10) : 99;

		if (d > 15)
			return -1;
		v = v << 4 | d;
	}
	snprintf(out, outlen, "%llu", (unsigned long long)v);
	return 0;
}

static int
get_v1(struct tctx *c, const struct tlog_log *tl, const char *uuid,
    uint64_t index)
{
	struct sgn_tlog_entry e;
	struct sgn_rekor_body *body = NULL;
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf eb;
	uint64_t offset = 0;
	uint8_t leaf[32], want[32];
	char tid[24];
	size_t i, ulen = uuid != NULL ? strlen(uuid) : 0;
	int checked, rc = 0;
	sgn_err r;

	memset(&e, 0, sizeof(e));
	sgn_errbuf_clear(&eb);
	if ((r = fetch_latest(c, tl, &eb)) != SGN_OK)
		goto fail;
	for (i = 0; i < c->li.n_inactive; i++)
		offset += c->li.inactive[i].tree_size;
	if (uuid != NULL) {
		if ((ulen != 64 && ulen != 80) || sgn_hex_decode(uuid + ulen -
		    64, 64, want, 32, NULL) != SGN_OK) {
			cli_err("tlog get: --uuid takes 64 or 80 hex digits");
			rc = 2;
			goto out;
		}
		if (ulen == 80) {
			if (uuid_tree_id(uuid, tid, sizeof(tid)) != 0) {
				cli_err("tlog get: --uuid takes 64 or 80 hex "
				    "digits");
				rc = 2;
				goto out;
			}
			if (strcmp(tid, c->li.active.tree_id) != 0) {
				for (i = 0; i < c->li.n_inactive; i++)
					if (strcmp(tid,
					    c->li.inactive[i].tree_id) == 0)
						break;
				cli_err("tlog get: the UUID names tree %s, %s "
				    "of %s", tid, i < c->li.n_inactive ?
				    "an inactive shard (not served)" :
				    "not a shard", tl->log->base_url);
				rc = 2;
				goto out;
			}
		}
	} else if (index < offset) {
		cli_err("tlog get: index %llu is in an inactive shard of %s "
		    "(the active shard starts at %llu)",
		    (unsigned long long)index, tl->log->base_url,
		    (unsigned long long)offset);
		rc = 2;
		goto out;
	}
	if ((r = sgn_rekor_v1_entry_get(c->http, tl->log->base_url, uuid,
	    (int64_t)index, &e, &eb)) != SGN_OK)
		goto fail;
	if (uuid != NULL) {
		sgn_tlog_leaf_hash(e.body.ptr, e.body.len, leaf);
		if (memcmp(leaf, want, 32) != 0) {
			r = sgn_errf(&eb, SGN_ERR_VERIFY, "%s returned an "
			    "entry whose leaf hash is not the UUID",
			    tl->log->base_url);
			goto fail;
		}
	} else if (e.log_index != (int64_t)index) {
		r = sgn_errf(&eb, SGN_ERR_VERIFY, "%s returned entry %lld for "
		    "index %llu", tl->log->base_url, (long long)e.log_index,
		    (unsigned long long)index);
		goto fail;
	}
	/* global index = the inactive shards' sizes + the tree's index */
	if (e.log_index < 0 || (uint64_t)e.log_index != offset +
	    (uint64_t)e.proof_index) {
		r = sgn_errf(&eb, SGN_ERR_VERIFY, "%s: log index %lld is not "
		    "shard offset %llu + tree index %lld", tl->log->base_url,
		    (long long)e.log_index, (unsigned long long)offset,
		    (long long)e.proof_index);
		goto fail;
	}
	if ((r = sgn_rekor_entry_verify(tl->log, &e, &body, &cp, &eb)) !=
	    SGN_OK)
		goto fail;
	if (strcmp(cp->origin, c->latest->origin) != 0) {
		r = sgn_errf(&eb, SGN_ERR_VERIFY, "%s: the entry's checkpoint "
		    "is of \"%.80s\", not the active tree \"%.80s\"",
		    tl->log->base_url, cp->origin, c->latest->origin);
		goto fail;
	}
	if ((r = entry_vs_stored(c, tl, cp, 1, &checked, &eb)) != SGN_OK)
		goto fail;
	print_entry(c, tl->log->base_url, e.log_index, e.integrated_time,
	    body, cp);
	goto out;
fail:
	rc = cli_fail(r, &eb);
out:
	sgn_tlog_entry_reset(&e);
	sgn_rekor_body_free(&body);
	sgn_checkpoint_free(&cp);
	ctx_log_reset(c);
	return rc;
}

static int
get_v2(struct tctx *c, const struct tlog_log *tl, uint64_t index)
{
	struct sgn_tile_entry ents[SGN_TILE_WIDTH];
	struct sgn_rekor_body *body = NULL;
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf eb, tmp;
	struct sgn_buf b;
	uint8_t leaf[32], proof[SGN_TLOG_MAX_PROOF][32];
	uint64_t t, w;
	char path[128];
	size_t n;
	int checked, rc = 0;
	sgn_err r;

	memset(&b, 0, sizeof(b));
	sgn_errbuf_clear(&eb);
	sgn_errbuf_clear(&tmp);
	if ((r = fetch_latest(c, tl, &eb)) != SGN_OK ||
	    (r = tiles_check(c, tl, &eb)) != SGN_OK)
		goto fail;
	if (index >= c->latest->size) {
		cli_err("tlog get: index %llu is not below the tree size %llu "
		    "of %s", (unsigned long long)index,
		    (unsigned long long)c->latest->size, tl->log->base_url);
		rc = 2;
		goto out;
	}
	t = index / SGN_TILE_WIDTH;
	w = c->latest->size - t * SGN_TILE_WIDTH;
	if (w > SGN_TILE_WIDTH)
		w = SGN_TILE_WIDTH;
	if ((r = sgn_tile_path(-1, t, (unsigned)w, path, sizeof(path),
	    &eb)) != SGN_OK || (r = sgn_rekor_tiles_get(&c->tiles, path, &b,
	    &eb)) != SGN_OK)
		goto fail;
	if ((r = sgn_tile_entries_parse(b.ptr, b.len, (size_t)w, ents,
	    &tmp)) != SGN_OK) {
		r = sgn_errf(&eb, r, "%s %s: %s", tl->log->base_url, path,
		    tmp.msg);
		goto fail;
	}
	n = (size_t)(index % SGN_TILE_WIDTH);
	sgn_tlog_leaf_hash(ents[n].ptr, ents[n].len, leaf);
	if ((r = sgn_tile_inclusion_proof(c->reader, index, proof, &n,
	    &eb)) != SGN_OK)
		goto fail;
	if ((r = sgn_tlog_verify_inclusion(index, c->latest->size, leaf,
	    (const uint8_t (*)[32])proof, n, c->latest->root, &tmp)) !=
	    SGN_OK) {
		r = sgn_errf(&eb, r, "%s: entry %llu: %s", tl->log->base_url,
		    (unsigned long long)index, tmp.msg);
		goto fail;
	}
	n = (size_t)(index % SGN_TILE_WIDTH);
	if ((r = sgn_rekor_body_parse(ents[n].ptr, ents[n].len, &body,
	    &tmp)) != SGN_OK) {
		r = sgn_errf(&eb, r, "%s: entry %llu: %s", tl->log->base_url,
		    (unsigned long long)index, tmp.msg);
		goto fail;
	}
	cp = c->latest;
	c->latest = NULL;
	if ((r = entry_vs_stored(c, tl, cp, 1, &checked, &eb)) != SGN_OK)
		goto fail;
	print_entry(c, tl->log->base_url, (int64_t)index, 0, body, cp);
	goto out;
fail:
	rc = cli_fail(r, &eb);
out:
	sgn_buf_reset(&b);
	sgn_rekor_body_free(&body);
	sgn_checkpoint_free(&cp);
	ctx_log_reset(c);
	return rc;
}

static int
cmd_get(struct tctx *c)
{
	const char *idx = cli_get(&c->a, "index"), *uuid = cli_get(&c->a,
	    "uuid"), *bundle = cli_get(&c->a, "bundle");
	uint64_t index = 0;
	int rc;

	if (c->a.n_pos != 0 || (idx != NULL) + (uuid != NULL) +
	    (bundle != NULL) != 1) {
		cli_err("tlog get: give one of --index, --uuid, --bundle");
		return 2;
	}
	if (idx != NULL && cli_u64(idx, INT64_MAX, &index) != 0) {
		cli_err("tlog get: --index takes a log index");
		return 2;
	}
	/* --bundle is offline unless --log names a log to ask */
	if (bundle != NULL) {
		if (cli_get(&c->a, "log") != NULL && (rc = open_http(c)) != 0)
			return rc;
		return get_bundle(c, bundle, cli_get(&c->a, "log") != NULL);
	}
	if (c->n_logs != 1) {
		cli_err("tlog get: the trusted root has %zu logs: give --log",
		    c->n_logs);
		return 2;
	}
	if ((rc = open_http(c)) != 0)
		return rc;
	if (state_path(c, &c->logs[0], 0) != 0)
		return 2;
	if (c->logs[0].v2) {
		if (uuid != NULL) {
			cli_err("tlog get: a Rekor v2 log has no lookup by "
			    "UUID: give --index");
			return 2;
		}
		return get_v2(c, &c->logs[0], index);
	}
	return get_v1(c, &c->logs[0], uuid, index);
}

/* tlog consistency ------------------------------------------------------- */

/* The root of the first s leaves, unauthenticated (the caller proves it
 * consistent with the latest checkpoint). */
static sgn_err
root_at(struct tctx *c, const struct tlog_log *tl, uint64_t s,
    uint8_t out[32], struct sgn_errbuf *eb)
{
	uint8_t proof[SGN_TLOG_MAX_PROOF][32];
	size_t n;

	if (s == c->latest->size) {
		memcpy(out, c->latest->root, 32);
		return SGN_OK;
	}
	if (tl->v2)
		return sgn_tile_root(c->reader, s, out, eb);
	return sgn_rekor_v1_proof(c->http, tl->log->base_url,
	    c->li.active.tree_id, 1, s, out, proof, &n, eb);
}

/* Proves the tree of size s with root (from root_at) a prefix of the
 * latest checkpoint. */
static sgn_err
prove_size(struct tctx *c, const struct tlog_log *tl, uint64_t s,
    const uint8_t root[32], struct sgn_errbuf *eb)
{
	uint8_t proof[SGN_TLOG_MAX_PROOF][32];
	struct sgn_errbuf tmp;
	size_t n = 0;
	sgn_err r;

	if ((r = proof_to_latest(c, tl, s, proof, &n, eb)) != SGN_OK)
		return r;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_tlog_verify_consistency(s, c->latest->size,
	    (const uint8_t (*)[32])proof, n, root, c->latest->root, &tmp)) !=
	    SGN_OK)
		return sgn_errf(eb, r, "log inconsistency: %s: size %llu is "
		    "not a prefix of the signed tree of size %llu: %s",
		    tl->log->base_url, (unsigned long long)s,
		    (unsigned long long)c->latest->size, tmp.msg);
	return SGN_OK;
}

static int
cmd_consistency(struct tctx *c)
{
	const struct tlog_log *tl;
	const char *from = cli_get(&c->a, "from"), *to = cli_get(&c->a, "to");
	struct sgn_checkpoint *fcp = NULL;
	struct sgn_errbuf eb;
	uint8_t *note = NULL, r_from[32], r_to[32];
	uint64_t fsize = 0, tsize = 0, stored = 0;
	size_t len = 0, i;
	char h1[65], h2[65];
	int rc, from_is_size = 0;
	sgn_err r;

	if (c->a.n_pos != 0) {
		usage(stderr);
		return 2;
	}
	if (c->n_logs != 1) {
		cli_err("tlog consistency: the trusted root has %zu logs: "
		    "give --log", c->n_logs);
		return 2;
	}
	tl = &c->logs[0];
	if (to != NULL && (cli_u64(to, INT64_MAX, &tsize) != 0 || tsize ==
	    0)) {
		cli_err("tlog consistency: --to takes a tree size");
		return 2;
	}
	if (from != NULL) {
		for (i = 0; from[i] >= '0' && from[i] <= '9'; i++)
			;
		from_is_size = i > 0 && from[i] == '\0';
		if (from_is_size && (cli_u64(from, INT64_MAX, &fsize) != 0 ||
		    fsize == 0)) {
			cli_err("tlog consistency: --from takes a tree size or "
			    "a checkpoint file");
			return 2;
		}
	}
	if ((rc = open_http(c)) != 0 || (rc = state_path(c, tl, 0)) != 0)
		return rc;
	sgn_errbuf_clear(&eb);
	if ((r = fetch_latest(c, tl, &eb)) != SGN_OK ||
	    (r = tiles_check(c, tl, &eb)) != SGN_OK)
		goto fail;
	if (!from_is_size) {
		if (from != NULL)
			r = sgn_file_read(from, SGN_NOTE_MAX_BYTES, &note,
			    &len, &eb);
		else
			r = sgn_tlog_state_load(c->state, &note, &len, &eb);
		if (r != SGN_OK)
			goto fail;
		if (note == NULL) {
			cli_err("tlog consistency: no stored checkpoint of %s "
			    "(%s): run signet tlog info, or give --from",
			    tl->log->base_url, c->state);
			rc = 2;
			goto out;
		}
		if ((r = sgn_rekor_checkpoint_verify(tl->log, tl->v2,
		    tl->v2 ? NULL : c->li.active.tree_id, (const char *)note,
		    len, &fcp, &eb)) != SGN_OK)
			goto fail;
		fsize = fcp->size;
		memcpy(r_from, fcp->root, 32);
		stored = 1;
	}
	if (tsize == 0)
		tsize = c->latest->size;
	if (fsize > tsize || tsize > c->latest->size) {
		if (fcp != NULL && fsize > c->latest->size)
			r = sgn_errf(&eb, SGN_ERR_VERIFY, "log inconsistency: "
			    "%s shows size %llu, smaller than the checkpoint's "
			    "%llu", tl->log->base_url,
			    (unsigned long long)c->latest->size,
			    (unsigned long long)fsize);
		else
			r = sgn_errf(&eb, SGN_ERR_INVALID_ARGUMENT, "tlog "
			    "consistency: need --from %llu <= --to %llu <= "
			    "the log's size %llu", (unsigned long long)fsize,
			    (unsigned long long)tsize,
			    (unsigned long long)c->latest->size);
		goto fail;
	}
	if (fsize == 0) {
		cli_err("tlog consistency: the checkpoint is of an empty "
		    "tree");
		rc = 2;
		goto out;
	}
	if ((!stored && (r = root_at(c, tl, fsize, r_from, &eb)) != SGN_OK) ||
	    (r = prove_size(c, tl, fsize, r_from, &eb)) != SGN_OK ||
	    (r = root_at(c, tl, tsize, r_to, &eb)) != SGN_OK ||
	    (r = prove_size(c, tl, tsize, r_to, &eb)) != SGN_OK)
		goto fail;
	hexs(r_from, 32, h1);
	hexs(r_to, 32, h2);
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		char *s;

		if (o == NULL) {
			r = sgn_errf(&eb, SGN_ERR_NOMEM, "out of memory");
			goto fail;
		}
		cJSON_AddStringToObject(o, "log", tl->log->base_url);
		cJSON_AddNumberToObject(o, "fromSize", (double)fsize);
		cJSON_AddStringToObject(o, "fromRoot", h1);
		cJSON_AddNumberToObject(o, "toSize", (double)tsize);
		cJSON_AddStringToObject(o, "toRoot", h2);
		cJSON_AddNumberToObject(o, "signedSize",
		    (double)c->latest->size);
		cJSON_AddTrueToObject(o, "consistent");
		if (tl->v2) {
			size_t nt = sgn_tile_reader_fetches(c->reader);

			cJSON_AddNumberToObject(o, "tiles", (double)nt);
		}
		if ((s = cJSON_PrintUnformatted(o)) != NULL)
			printf("%s\n", s);
		free(s);
		cJSON_Delete(o);
	} else {
		printf("%s: consistent: size %llu (root %s) and size %llu "
		    "(root %s) are prefixes of the signed tree of size %llu\n",
		    tl->log->base_url, (unsigned long long)fsize, h1,
		    (unsigned long long)tsize, h2,
		    (unsigned long long)c->latest->size);
		if (tl->v2)
			printf("%s: %zu tiles fetched, %zu requests\n",
			    tl->log->base_url,
			    sgn_tile_reader_fetches(c->reader),
			    c->tiles.requests);
	}
	rc = 0;
	goto out;
fail:
	rc = cli_fail(r, &eb);
out:
	free(note);
	sgn_checkpoint_free(&fcp);
	ctx_log_reset(c);
	return rc;
}

/* tlog watch ------------------------------------------------------------- */

/* verify's GitHub workflow flags: Fulcio extensions 1.3.6.1.4.1.57264.1.n */
static const struct {
	const char	*flag;
	unsigned	 oid;
} watch_exts[] = {
	{ "certificate-github-workflow-trigger", 2 },
	{ "certificate-github-workflow-sha", 3 },
	{ "certificate-github-workflow-name", 4 },
	{ "certificate-github-workflow-repository", 5 },
	{ "certificate-github-workflow-ref", 6 },
};
#define N_WATCH_EXTS	(sizeof(watch_exts) / sizeof(watch_exts[0]))

struct watch {
	const char *const	*ids, *const *id_res, *const *fps;
	size_t			 n_ids, n_id_res, n_fps;
	const char		*issuer, *issuer_re;
	/* the extension values wanted, by watch_exts[] (NULL: any) */
	const char		*ext[N_WATCH_EXTS];
	const char		*ext_set[N_WATCH_EXTS];	/* the non-NULL */
	size_t			 n_ext;
	uint64_t		 scanned, matches, other_kinds, unparsable;
	uint64_t		 prefiltered;
	/* the regexps, compiled once */
	struct sgn_regex	**id_rx, *issuer_rx;
};

/*
 * 0 when no certificate with these DER bytes can match, without parsing
 * it: only exact strings can be looked for in the bytes (a SAN equal to
 * an identity, an extension equal to its value hold those bytes); a
 * regexp or a fingerprint needs the parsed certificate.
 */
static int
cert_may_match(const struct watch *w, const uint8_t *der, size_t len)
{
	size_t i;

	if (w->n_id_res > 0 || w->n_fps > 0)
		return 1;
	if (w->n_ids > 0 && !sgn_rekor_der_holds(der, len, w->ids, w->n_ids))
		return 0;
	/* every extension asked for must hold, each its own value */
	for (i = 0; i < w->n_ext; i++)
		if (!sgn_rekor_der_holds(der, len, &w->ext_set[i], 1))
			return 0;
	return 1;
}

/*
 * 1 in *m when s (len bytes) is one of the identities or matches one of
 * the regexps.  A value that is not UTF-8 matches no regexp.
 */
static sgn_err
id_matches(const struct watch *w, const char *s, size_t len, int *m,
    struct sgn_errbuf *eb)
{
	struct sgn_errbuf tmp;
	size_t i;
	sgn_err r;

	*m = 0;
	for (i = 0; i < w->n_ids && !*m; i++)
		*m = strlen(w->ids[i]) == len && memcmp(w->ids[i], s, len) ==
		    0;
	for (i = 0; i < w->n_id_res && !*m; i++) {
		sgn_errbuf_clear(&tmp);
		if ((r = sgn_regex_exec(w->id_rx[i], s, len, m, &tmp)) !=
		    SGN_OK && r != SGN_ERR_PARSE)
			return sgn_errf(eb, r, "%s", tmp.msg);
	}
	return SGN_OK;
}

/* 1 in *m when the issuer (NULL: none) is the one asked for, if any. */
static sgn_err
issuer_matches(const struct watch *w, const char *s, size_t len, int *m,
    struct sgn_errbuf *eb)
{
	struct sgn_errbuf tmp;
	sgn_err r;

	*m = 1;
	if (w->issuer != NULL)
		*m = s != NULL && strlen(w->issuer) == len &&
		    memcmp(w->issuer, s, len) == 0;
	else if (w->issuer_re != NULL) {
		*m = 0;
		sgn_errbuf_clear(&tmp);
		if (s != NULL && (r = sgn_regex_exec(w->issuer_rx, s, len, m,
		    &tmp)) != SGN_OK && r != SGN_ERR_PARSE)
			return sgn_errf(eb, r, "%s", tmp.msg);
	}
	return SGN_OK;
}

/*
 * The certificate read lightly (sgn_rekor_cert_ids()): *may is 0 when it
 * surely does not match (its SANs, issuer and extensions are not those
 * watched), else 1, when the full parse decides (and reports a
 * certificate it cannot read).  The same decision as watch_body()'s
 * without a fingerprint watched.
 */
static sgn_err
cert_light(const struct watch *w, const uint8_t *der, size_t len, int *may,
    struct sgn_errbuf *eb)
{
	struct sgn_rekor_cert_ids ids;
	struct sgn_errbuf tmp;
	size_t i;
	int who = 0, iss_ok, hit;

	*may = 1;
	if (w->n_fps > 0 || !sgn_rekor_cert_ids(der, len, &ids))
		return SGN_OK;
	sgn_errbuf_clear(&tmp);
	/* an error (a regexp's match limit) is the full parse's to report */
	for (i = 0; i < ids.n_sans && !who; i++) {
		if (id_matches(w, ids.sans[i].value, ids.sans[i].len, &hit,
		    &tmp) != SGN_OK)
			return SGN_OK;
		who = hit;
	}
	if (w->n_ids + w->n_id_res > 0 ? !who : w->n_ext == 0) {
		*may = 0;
		return SGN_OK;
	}
	if (issuer_matches(w, ids.issuer, ids.issuer_len, &iss_ok, &tmp) !=
	    SGN_OK)
		return SGN_OK;
	*may = iss_ok;
	for (i = 0; i < N_WATCH_EXTS && *may; i++) {
		unsigned n = watch_exts[i].oid;

		if (w->ext[i] != NULL)
			*may = ids.ext[n] != NULL &&
			    strlen(w->ext[i]) == ids.ext_len[n] &&
			    memcmp(w->ext[i], ids.ext[n], ids.ext_len[n]) == 0;
	}
	(void)eb;
	return SGN_OK;
}

/* 1 when the certificate's extensions are those asked for. */
static int
exts_match(const struct watch *w, const struct sgn_cert *cert)
{
	struct sgn_errbuf tmp;
	char *v;
	size_t i;
	int m;

	for (i = 0; i < N_WATCH_EXTS; i++) {
		if (w->ext[i] == NULL)
			continue;
		v = NULL;
		sgn_errbuf_clear(&tmp);
		m = sgn_cert_fulcio_ext(cert, watch_exts[i].oid, &v, &tmp) ==
		    SGN_OK && v != NULL && strcmp(v, w->ext[i]) == 0;
		free(v);
		if (!m)
			return 0;
	}
	return 1;
}

static int
fp_listed(const struct watch *w, const uint8_t fp[32])
{
	char hex[65];
	size_t i;

	hexs(fp, 32, hex);
	for (i = 0; i < w->n_fps; i++)
		if (strcasecmp(w->fps[i], hex) == 0 ||
		    (strncmp(w->fps[i], "sha256:", 7) == 0 &&
		    strcasecmp(w->fps[i] + 7, hex) == 0))
			return 1;
	return 0;
}

/* Matches one parsed body and prints it when it matches. */
static sgn_err
watch_body(struct tctx *c, struct watch *w, const struct tlog_log *tl,
    int64_t index, int64_t itime, const struct sgn_rekor_body *body,
    struct sgn_errbuf *eb)
{
	struct sgn_cert *cert = NULL;
	struct sgn_pubkey *key = NULL;
	struct sgn_san *sans = NULL;
	struct sgn_errbuf tmp;
	size_t n_sans = 0, i;
	char *issuer = NULL, hex[2 * SGN_MAX_DIGEST + 1], fph[65];
	char digest[2 * SGN_MAX_DIGEST + 16], ts[SGN_TIME_STRLEN];
	const char *who = NULL;
	uint8_t fp[32];
	int m = 0, iss_ok = 1, may;
	sgn_err r = SGN_OK;

	sgn_errbuf_clear(&tmp);
	fph[0] = '\0';
	if (body->verifier_is_cert && !cert_may_match(w, body->verifier,
	    body->verifier_len)) {
		w->prefiltered++;
		goto out;
	}
	if (body->verifier_is_cert) {
		if ((r = cert_light(w, body->verifier, body->verifier_len,
		    &may, eb)) != SGN_OK)
			goto out;
		if (!may) {
			w->prefiltered++;
			goto out;
		}
		if (sgn_cert_from_der(body->verifier, body->verifier_len, &cert,
		    &tmp) != SGN_OK)
			goto unparsable;
		memcpy(fp, sgn_cert_fingerprint(cert), 32);
		hexs(fp, 32, fph);
		m = fp_listed(w, fp);
		if (!m && sgn_hash(SGN_HASH_SHA256, sgn_pubkey_spki_ptr(
		    sgn_cert_pubkey(cert)), sgn_pubkey_spki_len(
		    sgn_cert_pubkey(cert)), fp, NULL) == SGN_OK)
			m = fp_listed(w, fp);
		if (sgn_cert_sans(cert, &sans, &n_sans, &tmp) == SGN_OK)
			for (i = 0; i < n_sans && who == NULL; i++) {
				int hit;

				if ((r = id_matches(w, sans[i].value,
				    strlen(sans[i].value), &hit, eb)) !=
				    SGN_OK)
					goto out;
				if (hit)
					who = sans[i].value;
			}
		(void)sgn_cert_oidc_issuer(cert, &issuer, &tmp);
		if ((r = issuer_matches(w, issuer, issuer != NULL ?
		    strlen(issuer) : 0, &iss_ok, eb)) != SGN_OK)
			goto out;
		/* an identity, or with none asked for the extensions alone,
		 * under the issuer and the extensions asked for */
		if (w->n_ids + w->n_id_res > 0 ? who != NULL : w->n_ext > 0)
			m = m || (iss_ok && exts_match(w, cert));
		if (who == NULL && n_sans > 0)
			who = sans[0].value;
	} else {
		if (sgn_pubkey_from_der(body->verifier, body->verifier_len,
		    &key, &tmp) != SGN_OK || sgn_hash(SGN_HASH_SHA256,
		    sgn_pubkey_spki_ptr(key), sgn_pubkey_spki_len(key), fp,
		    NULL) != SGN_OK)
			goto unparsable;
		hexs(fp, 32, fph);
		m = fp_listed(w, fp);
	}
	if (!m)
		goto out;
	w->matches++;
	hexs(body->digest, body->digest_len, hex);
	snprintf(digest, sizeof(digest), "%s:%s", sgn_hash_name(body->hash),
	    hex);
	ts[0] = '\0';
	if (itime > 0)
		sgn_time_format(sgn_time_from_sec(itime), ts);
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		char *line, idx[32];

		if (o == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		snprintf(idx, sizeof(idx), "%lld", (long long)index);
		cJSON_AddStringToObject(o, "log", tl->log->base_url);
		cJSON_AddStringToObject(o, "logIndex", idx);
		cJSON_AddStringToObject(o, "kind", body->kind_name);
		if (who != NULL)
			cli_json_add_text(o, "identity", who);
		if (issuer != NULL)
			cli_json_add_text(o, "issuer", issuer);
		cJSON_AddStringToObject(o, body->verifier_is_cert ?
		    "certificateFingerprint" : "keyFingerprint", fph);
		cJSON_AddStringToObject(o, "digest", digest);
		if (ts[0] != '\0')
			cJSON_AddStringToObject(o, "integratedTime", ts);
		if ((line = cJSON_PrintUnformatted(o)) != NULL)
			printf("%s\n", line);
		free(line);
		cJSON_Delete(o);
	} else
		printf("match: %s index %lld %s %s %s%s%s digest %s%s%s\n",
		    tl->log->base_url, (long long)index, body->kind_name,
		    who != NULL ? "identity" : "key",
		    who != NULL ? who : fph, issuer != NULL ? " issuer " : "",
		    issuer != NULL ? issuer : "", digest,
		    ts[0] != '\0' ? " integrated " : "", ts);
	goto out;
unparsable:
	w->unparsable++;
	fprintf(stderr, "signet: %s: entry %lld: cannot read its verifier: "
	    "%s\n", tl->log->base_url, (long long)index, tmp.msg);
out:
	sgn_sans_free(&sans, &n_sans);
	free(issuer);
	sgn_cert_free(&cert);
	sgn_pubkey_free(&key);
	return r;
}

/* One body: matched, or counted as another kind or unparsable. */
static sgn_err
watch_entry(struct tctx *c, struct watch *w, const struct tlog_log *tl,
    int64_t index, int64_t itime, const uint8_t *p, size_t len,
    struct sgn_errbuf *eb)
{
	struct sgn_rekor_body *body = NULL;
	struct sgn_errbuf tmp;
	sgn_err r;

	w->scanned++;
	sgn_errbuf_clear(&tmp);
	if ((r = sgn_rekor_body_parse(p, len, &body, &tmp)) != SGN_OK) {
		if (r == SGN_ERR_UNSUPPORTED)
			w->other_kinds++;
		else {
			w->unparsable++;
			fprintf(stderr, "signet: %s: entry %lld cannot be "
			    "parsed: %s\n", tl->log->base_url,
			    (long long)index, tmp.msg);
		}
		return SGN_OK;
	}
	r = watch_body(c, w, tl, index, itime, body, eb);
	sgn_rekor_body_free(&body);
	return r;
}

/* Rekor v1: entries [from, to) of the active tree, 10 a request, each
 * with its SET and inclusion proof verified. */
static sgn_err
scan_v1(struct tctx *c, struct watch *w, const struct tlog_log *tl,
    uint64_t from, uint64_t to, struct sgn_errbuf *eb)
{
	struct sgn_tlog_entry ents[SGN_REKOR_RETRIEVE_MAX];
	int64_t idx[SGN_REKOR_RETRIEVE_MAX];
	struct sgn_rekor_body *body = NULL;
	struct sgn_checkpoint *cp = NULL;
	struct sgn_errbuf tmp;
	uint64_t offset = 0, i;
	size_t n, got = 0, k;
	sgn_err r = SGN_OK;

	for (k = 0; k < c->li.n_inactive; k++)
		offset += c->li.inactive[k].tree_size;
	for (i = from; i < to && r == SGN_OK; i += n) {
		n = to - i < SGN_REKOR_RETRIEVE_MAX ? (size_t)(to - i) :
		    SGN_REKOR_RETRIEVE_MAX;
		for (k = 0; k < n; k++)
			idx[k] = (int64_t)(offset + i + k);
		if ((r = sgn_rekor_v1_entries_retrieve(c->http,
		    tl->log->base_url, idx, n, ents, &got, eb)) != SGN_OK)
			return r;
		if (got != n)
			r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "%s returned %zu "
			    "of entries %lld to %lld", tl->log->base_url, got,
			    (long long)idx[0], (long long)idx[n - 1]);
		for (k = 0; k < got && r == SGN_OK; k++) {
			const struct sgn_tlog_entry *e = &ents[k];

			if (e->log_index != idx[k]) {
				r = sgn_errf(eb, SGN_ERR_VERIFY, "%s returned "
				    "entry %lld for %lld", tl->log->base_url,
				    (long long)e->log_index,
				    (long long)idx[k]);
				break;
			}
			sgn_errbuf_clear(&tmp);
			r = sgn_rekor_entry_verify(tl->log, e, &body, &cp,
			    &tmp);
			if (r == SGN_ERR_UNSUPPORTED || r == SGN_ERR_PARSE) {
				/* proved in the log, of a kind signet cannot
				 * read: counted by watch_entry() */
				r = SGN_OK;
			} else if (r != SGN_OK) {
				r = sgn_errf(eb, r, "%s", tmp.msg);
				break;
			}
			sgn_rekor_body_free(&body);
			sgn_checkpoint_free(&cp);
			r = watch_entry(c, w, tl, e->log_index,
			    e->integrated_time, e->body.ptr, e->body.len, eb);
		}
		for (k = 0; k < got; k++)
			sgn_tlog_entry_reset(&ents[k]);
	}
	return r;
}

/* Rekor v2: entry bundles, each leaf proved in the latest tree. */
static sgn_err
scan_v2(struct tctx *c, struct watch *w, const struct tlog_log *tl,
    uint64_t from, uint64_t to, struct sgn_errbuf *eb)
{
	struct sgn_tile_entry ents[SGN_TILE_WIDTH];
	uint8_t leaf[32], proof[SGN_TLOG_MAX_PROOF][32];
	struct sgn_errbuf tmp;
	struct sgn_buf b;
	uint64_t t, wd, i;
	char path[128];
	size_t n;
	sgn_err r = SGN_OK;

	memset(&b, 0, sizeof(b));
	for (t = from / SGN_TILE_WIDTH; t * SGN_TILE_WIDTH < to &&
	    r == SGN_OK; t++) {
		wd = c->latest->size - t * SGN_TILE_WIDTH;
		if (wd > SGN_TILE_WIDTH)
			wd = SGN_TILE_WIDTH;
		sgn_errbuf_clear(&tmp);
		if ((r = sgn_tile_path(-1, t, (unsigned)wd, path, sizeof(path),
		    eb)) != SGN_OK || (r = sgn_rekor_tiles_get(&c->tiles, path,
		    &b, eb)) != SGN_OK)
			break;
		if ((r = sgn_tile_entries_parse(b.ptr, b.len, (size_t)wd, ents,
		    &tmp)) != SGN_OK) {
			r = sgn_errf(eb, r, "%s %s: %s", tl->log->base_url,
			    path, tmp.msg);
			break;
		}
		for (i = t * SGN_TILE_WIDTH; i < t * SGN_TILE_WIDTH + wd &&
		    i < to && r == SGN_OK; i++) {
			const struct sgn_tile_entry *e =
			    &ents[i % SGN_TILE_WIDTH];

			if (i < from)
				continue;
			sgn_tlog_leaf_hash(e->ptr, e->len, leaf);
			if ((r = sgn_tile_inclusion_proof(c->reader, i, proof,
			    &n, eb)) != SGN_OK)
				break;
			if ((r = sgn_tlog_verify_inclusion(i, c->latest->size,
			    leaf, (const uint8_t (*)[32])proof, n,
			    c->latest->root, &tmp)) != SGN_OK) {
				r = sgn_errf(eb, r, "%s: entry %llu: %s",
				    tl->log->base_url, (unsigned long long)i,
				    tmp.msg);
				break;
			}
			r = watch_entry(c, w, tl, (int64_t)i, 0, e->ptr,
			    e->len, eb);
		}
	}
	sgn_buf_reset(&b);
	return r;
}

/*
 * One pass over one log: the latest checkpoint verified and proved
 * consistent with the stored one, every entry since scanned and its
 * matches printed, and only then the latest stored.
 */
static int
watch_one(struct tctx *c, struct watch *w, const struct tlog_log *tl)
{
	struct sgn_errbuf eb;
	uint8_t *note = NULL;
	size_t len = 0;
	uint64_t stored = 0;
	int rc, found;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	w->scanned = w->matches = w->other_kinds = w->unparsable = 0;
	w->prefiltered = 0;
	if ((rc = state_path(c, tl, 1)) != 0)
		return rc;
	if ((r = sgn_tlog_state_lock(c->state, &c->lock, &eb)) != SGN_OK ||
	    (r = fetch_latest(c, tl, &eb)) != SGN_OK ||
	    (r = check_stored(c, tl, 0, &stored, &eb)) != SGN_OK ||
	    (r = tiles_check(c, tl, &eb)) != SGN_OK ||
	    (r = retired_check(c, tl, &found, &eb)) != SGN_OK)
		goto fail;
	if ((r = sgn_tlog_state_load(c->state, &note, &len, &eb)) != SGN_OK)
		goto fail;
	if (note == NULL) {
		if ((r = check_stored(c, tl, 1, &stored, &eb)) != SGN_OK)
			goto fail;
		fprintf(stderr, "signet: %s: no stored checkpoint: watching "
		    "from size %llu on\n", tl->log->base_url,
		    (unsigned long long)c->latest->size);
		goto done;
	}
	if (stored < c->latest->size) {
		r = tl->v2 ? scan_v2(c, w, tl, stored, c->latest->size, &eb) :
		    scan_v1(c, w, tl, stored, c->latest->size, &eb);
		if (r != SGN_OK)
			goto fail;
	}
	/* the checkpoint moves only once the matches are out */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		r = sgn_errf(&eb, SGN_ERR_IO, "stdout: %s", strerror(errno));
		goto fail;
	}
	if ((r = check_stored(c, tl, 1, &stored, &eb)) != SGN_OK)
		goto fail;
	fprintf(stderr, "signet: %s: sizes %llu to %llu: %llu entries "
	    "scanned, %llu matches, %llu of other kinds, %llu unparsable\n",
	    tl->log->base_url, (unsigned long long)stored,
	    (unsigned long long)c->latest->size,
	    (unsigned long long)w->scanned, (unsigned long long)w->matches,
	    (unsigned long long)w->other_kinds,
	    (unsigned long long)w->unparsable);
done:
	free(note);
	ctx_log_reset(c);
	return 0;
fail:
	free(note);
	ctx_log_reset(c);
	return cli_fail(r, &eb);
}

static int
cmd_watch(struct tctx *c)
{
	struct watch w;
	struct sgn_errbuf eb;
	const char *iv = cli_get(&c->a, "interval");
	uint64_t interval = 60;
	size_t i;
	int rc, worst;

	memset(&w, 0, sizeof(w));
	w.ids = cli_values(&c->a, "certificate-identity", &w.n_ids);
	w.id_res = cli_values(&c->a, "certificate-identity-regexp",
	    &w.n_id_res);
	w.fps = cli_values(&c->a, "key-fingerprint", &w.n_fps);
	w.issuer = cli_get(&c->a, "certificate-oidc-issuer");
	w.issuer_re = cli_get(&c->a, "certificate-oidc-issuer-regexp");
	for (i = 0; i < N_WATCH_EXTS; i++)
		if ((w.ext[i] = cli_get(&c->a, watch_exts[i].flag)) != NULL)
			w.ext_set[w.n_ext++] = w.ext[i];
	if (c->a.n_pos != 0 || w.n_ids + w.n_id_res + w.n_fps + w.n_ext ==
	    0) {
		cli_err("tlog watch: give --certificate-identity, "
		    "--certificate-identity-regexp, --key-fingerprint or a "
		    "--certificate-github-workflow-* flag");
		return 2;
	}
	if (w.issuer != NULL && w.issuer_re != NULL) {
		cli_err("tlog watch: --certificate-oidc-issuer and "
		    "--certificate-oidc-issuer-regexp exclude each other");
		return 2;
	}
	sgn_errbuf_clear(&eb);
	if (w.n_id_res > 0 && (w.id_rx = calloc(w.n_id_res,
	    sizeof(*w.id_rx))) == NULL) {
		cli_err("out of memory");
		return 2;
	}
	rc = 2;
	for (i = 0; i < w.n_id_res; i++)
		if (sgn_regex_new(w.id_res[i], &w.id_rx[i], &eb) != SGN_OK) {
			cli_err("--certificate-identity-regexp: %s", eb.msg);
			goto out;
		}
	if (w.issuer_re != NULL && sgn_regex_new(w.issuer_re, &w.issuer_rx,
	    &eb) != SGN_OK) {
		cli_err("--certificate-oidc-issuer-regexp: %s", eb.msg);
		goto out;
	}
	for (i = 0; i < w.n_fps; i++) {
		const char *f = strncmp(w.fps[i], "sha256:", 7) == 0 ?
		    w.fps[i] + 7 : w.fps[i];
		uint8_t d[32];

		if (strlen(f) != 64 || sgn_hex_decode(f, 64, d, 32, NULL) !=
		    SGN_OK) {
			cli_err("--key-fingerprint takes a SHA-256 in hex");
			goto out;
		}
	}
	if (iv != NULL && (cli_u64(iv, 86400, &interval) != 0 ||
	    interval == 0)) {
		cli_err("tlog watch: --interval takes 1 to 86400 seconds");
		goto out;
	}
	if (cli_get(&c->a, "state") != NULL && c->n_logs > 1) {
		cli_err("tlog watch: --state names one log's file: give --log");
		goto out;
	}
	if ((rc = open_http(c)) != 0)
		goto out;
	for (;;) {
		worst = 0;
		for (i = 0; i < c->n_logs; i++) {
			rc = watch_one(c, &w, &c->logs[i]);
			if (rc == 1 || (rc == 2 && worst == 0))
				worst = rc;
		}
		if (cli_flag(&c->a, "once") || worst == 1)
			break;
		sleep((unsigned)interval);
	}
	rc = worst;
out:
	for (i = 0; i < w.n_id_res && w.id_rx != NULL; i++)
		sgn_regex_free(&w.id_rx[i]);
	free(w.id_rx);
	sgn_regex_free(&w.issuer_rx);
	return rc;
}

/* Dispatch --------------------------------------------------------------- */

int
cmd_tlog(int argc, char **argv)
{
	struct tctx c;
	const char *verb;
	size_t i;
	int rc, offline;

	if (argc < 1 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "help") == 0) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	memset(&c, 0, sizeof(c));
	c.lock = -1;
	verb = c.verb = argv[0];
	if (strcmp(verb, "info") != 0 && strcmp(verb, "get") != 0 &&
	    strcmp(verb, "consistency") != 0 && strcmp(verb, "watch") != 0) {
		cli_err("tlog: unknown command \"%s\"", verb);
		usage(stderr);
		return 2;
	}
	cli_add(&c.a, "log", CLI_VALUE);
	cli_add(&c.a, "log-version", CLI_VALUE);
	cli_add(&c.a, "trusted-root", CLI_VALUE);
	cli_add(&c.a, "signing-config", CLI_VALUE);
	cli_add(&c.a, "staging", CLI_FLAG);
	trust_opts_add(&c.a, TRUST_OPTS_VERIFY);
	cli_add(&c.a, "state", CLI_VALUE);
	cli_add(&c.a, "json", CLI_FLAG);
	cli_add(&c.a, "help", CLI_FLAG);
	if (strcmp(verb, "get") == 0) {
		cli_add(&c.a, "index", CLI_VALUE);
		cli_add(&c.a, "uuid", CLI_VALUE);
		cli_add(&c.a, "bundle", CLI_VALUE);
	} else if (strcmp(verb, "consistency") == 0) {
		cli_add(&c.a, "from", CLI_VALUE);
		cli_add(&c.a, "to", CLI_VALUE);
	} else if (strcmp(verb, "watch") == 0) {
		cli_add(&c.a, "certificate-identity", CLI_REPEAT);
		cli_add(&c.a, "certificate-identity-regexp", CLI_REPEAT);
		cli_add(&c.a, "key-fingerprint", CLI_REPEAT);
		cli_add(&c.a, "certificate-oidc-issuer", CLI_VALUE);
		cli_add(&c.a, "certificate-oidc-issuer-regexp", CLI_VALUE);
		for (i = 0; i < N_WATCH_EXTS; i++)
			cli_add(&c.a, watch_exts[i].flag, CLI_VALUE);
		cli_add(&c.a, "once", CLI_FLAG);
		cli_add(&c.a, "interval", CLI_VALUE);
	}
	if (cli_parse(&c.a, "tlog", argc - 1, argv + 1) != 0)
		return 2;
	if (cli_flag(&c.a, "help")) {
		usage(stdout);
		return 0;
	}
	c.json = cli_flag(&c.a, "json");
	/* an offline bundle picks its logs by log ID (log_by_id) */
	offline = strcmp(verb, "get") == 0 && cli_get(&c.a, "bundle") !=
	    NULL && cli_get(&c.a, "log") == NULL;
	if ((rc = open_root(&c)) != 0 || (!offline &&
	    (rc = select_logs(&c)) != 0))
		goto out;
	if (strcmp(verb, "info") == 0)
		rc = cmd_info(&c);
	else if (strcmp(verb, "get") == 0)
		rc = cmd_get(&c);
	else if (strcmp(verb, "watch") == 0)
		rc = cmd_watch(&c);
	else
		rc = cmd_consistency(&c);
out:
	ctx_log_reset(&c);
	sgn_http_free(&c.http);
	sgn_trusted_root_free(&c.root);
	sgn_signing_config_free(&c.config);
	return rc;
}
