/*
 * tuf_test: the TUF client against repositories generated here, and
 * against Sigstore's real root chains (testdata/tuf).
 *
 * The generator is independent of the code under test: it writes every
 * document twice as it goes, once as the JSON file a mirror serves and
 * once in OLPC canonical form (members in sorted order by construction,
 * only '"' and '\\' escaped), and signs the canonical form with OpenSSL
 * (ECDSA P-256, SHA-256, DER), as Sigstore's repository does: consistent
 * snapshots, root and targets 3 of 5 keys, one online key for timestamp
 * and snapshot, one delegation ("deleg", paths "delegated/ *"), PEM keys
 * with an unknown "x-tuf-on-ci-keyowner" member.  Of the three targets
 * keys that sign, one is Ed25519 and one RSA-PSS.
 *
 * Each attack of the TUF specification is a test that checks the error
 * and that the cache is byte for byte what it was before.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "http.h"
#include "testutil.h"
#include "tuf.h"
#include "tuf_int.h"

#define NOW	1800000000LL	/* 2027-01-15 */
#define DAY	86400LL
#define SPEC	"1.0.31"

/* Writer: the served JSON and the canonical form side by side ----------- */

struct w {
	struct sgn_buf	c;	/* canonical */
	struct sgn_buf	j;	/* as served */
};

static void
w_raw(struct w *w, const char *s)
{
	cr_assert_eq(sgn_buf_append(&w->c, s, strlen(s), NULL), SGN_OK);
	cr_assert_eq(sgn_buf_append(&w->j, s, strlen(s), NULL), SGN_OK);
}

static void
w_fmt(struct w *w, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	w_raw(w, tmp);
}

static void
w_str(struct w *w, const char *s)
{
	char e[8];

	sgn_buf_append(&w->c, "\"", 1, NULL);
	sgn_buf_append(&w->j, "\"", 1, NULL);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\') {
			sgn_buf_append(&w->c, "\\", 1, NULL);
			sgn_buf_append(&w->j, "\\", 1, NULL);
		}
		sgn_buf_append(&w->c, s, 1, NULL);
		if (*s == '\n')
			sgn_buf_append(&w->j, "\\n", 2, NULL);
		else if ((unsigned char)*s < 0x20) {
			snprintf(e, sizeof(e), "\\u%04x", (unsigned)*s);
			sgn_buf_append(&w->j, e, 6, NULL);
		} else
			sgn_buf_append(&w->j, s, 1, NULL);
	}
	sgn_buf_append(&w->c, "\"", 1, NULL);
	sgn_buf_append(&w->j, "\"", 1, NULL);
}

static void
w_key(struct w *w, const char *k)
{
	w_str(w, k);
	w_raw(w, ":");
}

static void
w_time(struct w *w, int64_t t)
{
	char s[SGN_TIME_STRLEN];

	sgn_time_format(sgn_time_from_sec(t), s);
	w_str(w, s);
}

static void
w_reset(struct w *w)
{
	sgn_buf_reset(&w->c);
	sgn_buf_reset(&w->j);
}

/* Keys ------------------------------------------------------------------- */

enum gkind {
	GK_ECDSA = 0,
	GK_ED25519,
	GK_RSA_PSS,
};

struct gkey {
	EVP_PKEY	*pk;
	enum gkind	 kind;
	char		 id[65];
	char		*pem;	/* PEM, or hex of the raw Ed25519 key */
};

static void
gkey_new(struct gkey *k, enum gkind kind)
{
	BIO *b;
	char *p;
	long n;
	uint8_t d[32], raw[32];
	size_t rl = sizeof(raw);

	k->kind = kind;
	if (kind == GK_ED25519)
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else if (kind == GK_RSA_PSS)
		k->pk = EVP_RSA_gen(2048);
	else
		k->pk = EVP_EC_gen("P-256");
	cr_assert_not_null(k->pk);
	if (kind == GK_ED25519) {
		cr_assert_eq(EVP_PKEY_get_raw_public_key(k->pk, raw, &rl), 1);
		k->pem = calloc(1, 65);
		sgn_hex_encode(raw, rl, k->pem);
	} else {
		b = BIO_new(BIO_s_mem());
		cr_assert_eq(PEM_write_bio_PUBKEY(b, k->pk), 1);
		n = BIO_get_mem_data(b, &p);
		k->pem = strndup(p, (size_t)n);
		BIO_free(b);
	}
	/* any label will do: key IDs are opaque */
	sgn_hash(SGN_HASH_SHA256, k->pem, strlen(k->pem), d, NULL);
	sgn_hex_encode(d, sizeof(d), k->id);
}

static void
gsig(struct gkey *k, const uint8_t *msg, size_t n, char *hex)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t sig[512];
	size_t sl = sizeof(sig);

	cr_assert_eq(EVP_DigestSignInit(ctx, &pctx, k->kind == GK_ED25519 ?
	    NULL : EVP_sha256(), NULL, k->pk), 1);
	if (k->kind == GK_RSA_PSS) {
		cr_assert_eq(EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING), 1);
		cr_assert_eq(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    RSA_PSS_SALTLEN_DIGEST), 1);
	}
	cr_assert_eq(EVP_DigestSign(ctx, sig, &sl, msg, n), 1);
	EVP_MD_CTX_free(ctx);
	sgn_hex_encode(sig, sl, hex);
}

/* The repository --------------------------------------------------------- */

#define MAXT	6

struct grepo {
	char		 dir[64];
	char		 cache[64];
	struct gkey	 keys[20];	/* 0-4 root, 5-9 targets, 10 online,
					 * 11 delegation, 12-19 spare */
	struct gkey	*rk[5];
	struct gkey	*tk[5];
	struct gkey	*snk;		/* snapshot */
	struct gkey	*tsk;		/* timestamp */
	struct gkey	*dk;
	int64_t		 root_v, ts_v, snap_v, targets_v, deleg_v;
	int64_t		 exp_root, exp_ts, exp_snap, exp_targets, exp_deleg;
	const char	*t_name[MAXT], *t_data[MAXT];
	int		 nt;
	const char	*d_name[MAXT], *d_data[MAXT];
	int		 nd;
	const char	*d_paths;
	uint8_t		*root1;
	size_t		 root1_len;
	uint8_t		*snap;		/* the last snapshot written */
	size_t		 snap_len;
};

static struct grepo G;

static void
put(const char *rel, const void *p, size_t n)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", G.dir, rel);
	tu_write(path, p, n);
}

/*
 * Signs w.c with each signer (NULL: an empty placeholder signature, as
 * Sigstore publishes for keys that have not signed) and writes
 * {"signatures":[...],"signed":w.j} to rel; returns the bytes.
 */
static uint8_t *
g_file(const char *rel, struct w *w, struct gkey **signers, int n,
    size_t *lenp)
{
	struct sgn_buf b;
	char hex[1100];
	int i;

	sgn_buf_init(&b, 0);
	sgn_buf_appendf(&b, NULL, "{\"signatures\":[");
	for (i = 0; i < n; i++) {
		if (signers[i] != NULL)
			gsig(signers[i], w->c.ptr, w->c.len, hex);
		sgn_buf_appendf(&b, NULL, "%s{\"keyid\":\"%s\",\"sig\":\"%s\"}",
		    i > 0 ? "," : "", signers[i] != NULL ? signers[i]->id :
		    G.tk[4]->id, signers[i] != NULL ? hex : "");
	}
	sgn_buf_appendf(&b, NULL, "],\"signed\":");
	sgn_buf_append(&b, w->j.ptr, w->j.len, NULL);
	sgn_buf_appendf(&b, NULL, "}");
	put(rel, b.ptr, b.len);
	w_reset(w);
	return sgn_buf_take(&b, lenp);
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp((*(struct gkey *const *)a)->id,
	    (*(struct gkey *const *)b)->id);
}

static void
w_keyobj(struct w *w, struct gkey *k)
{
	static const char *const type[] = { "ecdsa", "ed25519", "rsa" };
	static const char *const scheme[] = { "ecdsa-sha2-nistp256",
	    "ed25519", "rsassa-pss-sha256" };

	w_key(w, k->id);
	w_raw(w, "{");
	w_key(w, "keytype");
	w_str(w, type[k->kind]);
	w_raw(w, ",");
	w_key(w, "keyval");
	w_raw(w, "{");
	w_key(w, "public");
	w_str(w, k->pem);
	w_raw(w, "},");
	w_key(w, "scheme");
	w_str(w, scheme[k->kind]);
	w_raw(w, ",");
	w_key(w, "x-tuf-on-ci-keyowner");
	w_str(w, "@someone");
	w_raw(w, "}");
}

static void
w_role(struct w *w, const char *name, struct gkey **k, int n, int thr)
{
	int i;

	w_key(w, name);
	w_raw(w, "{\"keyids\":[");
	for (i = 0; i < n; i++) {
		w_raw(w, i > 0 ? "," : "");
		w_str(w, k[i]->id);
	}
	w_fmt(w, "],\"threshold\":%d}", thr);
}

/* Writes <root_v>.root.json signed by signers. */
static uint8_t *
g_root(struct gkey **signers, int n, size_t *lenp)
{
	struct gkey *all[12];
	struct w w;
	char rel[64];
	int i, na = 0, j;

	memset(&w, 0, sizeof(w));
	for (i = 0; i < 5; i++)
		all[na++] = G.rk[i];
	for (i = 0; i < 5; i++)
		all[na++] = G.tk[i];
	all[na++] = G.snk;
	all[na++] = G.tsk;
	qsort(all, (size_t)na, sizeof(all[0]), key_cmp);
	w_raw(&w, "{\"_type\":\"root\",\"consistent_snapshot\":true,"
	    "\"expires\":");
	w_time(&w, G.exp_root);
	w_raw(&w, ",\"keys\":{");
	for (i = j = 0; i < na; i++) {
		if (i > 0 && all[i] == all[i - 1])
			continue;
		w_raw(&w, j++ > 0 ? "," : "");
		w_keyobj(&w, all[i]);
	}
	w_raw(&w, "},\"roles\":{");
	w_role(&w, "root", G.rk, 5, 3);
	w_raw(&w, ",");
	w_role(&w, "snapshot", &G.snk, 1, 1);
	w_raw(&w, ",");
	w_role(&w, "targets", G.tk, 5, 3);
	w_raw(&w, ",");
	w_role(&w, "timestamp", &G.tsk, 1, 1);
	w_fmt(&w, "},\"spec_version\":\"%s\",\"version\":%lld}", SPEC,
	    (long long)G.root_v);
	snprintf(rel, sizeof(rel), "%lld.root.json", (long long)G.root_v);
	return g_file(rel, &w, signers, n, lenp);
}

static void
sha256_hex(const void *p, size_t n, char *hex)
{
	uint8_t d[32];

	sgn_hash(SGN_HASH_SHA256, p, n, d, NULL);
	sgn_hex_encode(d, sizeof(d), hex);
}

/* sorted by name, as canonical JSON wants */
static void
w_targets(struct w *w, const char **name, const char **data, int n)
{
	int order[MAXT], i, j, t;
	char hex[65];

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(name[order[j]], name[order[i]]) < 0) {
				t = order[i];
				order[i] = order[j];
				order[j] = t;
			}
	w_raw(w, "{");
	for (i = 0; i < n; i++) {
		t = order[i];
		sha256_hex(data[t], strlen(data[t]), hex);
		w_raw(w, i > 0 ? "," : "");
		w_key(w, name[t]);
		w_fmt(w, "{\"hashes\":{\"sha256\":\"%s\"},\"length\":%zu}", hex,
		    strlen(data[t]));
	}
	w_raw(w, "}");
}

static void
g_target_files(const char **name, const char **data, int n)
{
	char hex[65], rel[512];
	const char *slash;
	int i;

	for (i = 0; i < n; i++) {
		sha256_hex(data[i], strlen(data[i]), hex);
		slash = strrchr(name[i], '/');
		if (slash != NULL) {
			tu_sh("mkdir -p %s/targets/%.*s", G.dir,
			    (int)(slash - name[i]), name[i]);
			snprintf(rel, sizeof(rel), "targets/%.*s/%s.%s",
			    (int)(slash - name[i]), name[i], hex, slash + 1);
		} else
			snprintf(rel, sizeof(rel), "targets/%s.%s", hex,
			    name[i]);
		put(rel, data[i], strlen(data[i]));
	}
}

static void
g_deleg(struct gkey **signers, int n)
{
	struct w w;
	char rel[64];

	memset(&w, 0, sizeof(w));
	w_raw(&w, "{\"_type\":\"targets\",\"expires\":");
	w_time(&w, G.exp_deleg);
	w_fmt(&w, ",\"spec_version\":\"%s\",\"targets\":", SPEC);
	w_targets(&w, G.d_name, G.d_data, G.nd);
	w_fmt(&w, ",\"version\":%lld}", (long long)G.deleg_v);
	snprintf(rel, sizeof(rel), "%lld.deleg.json", (long long)G.deleg_v);
	free(g_file(rel, &w, signers, n, NULL));
	g_target_files(G.d_name, G.d_data, G.nd);
}

static void
g_targets(struct gkey **signers, int n)
{
	struct w w;
	char rel[64];

	memset(&w, 0, sizeof(w));
	w_raw(&w, "{\"_type\":\"targets\",\"delegations\":{\"keys\":{");
	w_keyobj(&w, G.dk);
	w_raw(&w, "},\"roles\":[{\"keyids\":[");
	w_str(&w, G.dk->id);
	w_raw(&w, "],\"name\":\"deleg\",\"paths\":[");
	w_str(&w, G.d_paths);
	w_raw(&w, "],\"terminating\":true,\"threshold\":1}]},\"expires\":");
	w_time(&w, G.exp_targets);
	w_fmt(&w, ",\"spec_version\":\"%s\",\"targets\":", SPEC);
	w_targets(&w, G.t_name, G.t_data, G.nt);
	w_fmt(&w, ",\"version\":%lld}", (long long)G.targets_v);
	snprintf(rel, sizeof(rel), "%lld.targets.json",
	    (long long)G.targets_v);
	free(g_file(rel, &w, signers, n, NULL));
	g_target_files(G.t_name, G.t_data, G.nt);
}

static void
g_snapshot(struct gkey **signers, int n)
{
	struct w w;
	char rel[64];

	memset(&w, 0, sizeof(w));
	w_raw(&w, "{\"_type\":\"snapshot\",\"expires\":");
	w_time(&w, G.exp_snap);
	w_fmt(&w, ",\"meta\":{\"deleg.json\":{\"version\":%lld},"
	    "\"targets.json\":{\"version\":%lld}},\"spec_version\":\"%s\","
	    "\"version\":%lld}", (long long)G.deleg_v, (long long)G.targets_v,
	    SPEC, (long long)G.snap_v);
	snprintf(rel, sizeof(rel), "%lld.snapshot.json", (long long)G.snap_v);
	free(G.snap);
	G.snap = g_file(rel, &w, signers, n, &G.snap_len);
}

static void
g_timestamp(struct gkey **signers, int n)
{
	struct w w;
	char hex[65];

	memset(&w, 0, sizeof(w));
	sha256_hex(G.snap, G.snap_len, hex);
	w_raw(&w, "{\"_type\":\"timestamp\",\"expires\":");
	w_time(&w, G.exp_ts);
	w_fmt(&w, ",\"meta\":{\"snapshot.json\":{\"hashes\":{\"sha256\":"
	    "\"%s\"},\"length\":%zu,\"version\":%lld}},\"spec_version\":"
	    "\"%s\",\"version\":%lld}", hex, G.snap_len, (long long)G.snap_v,
	    SPEC, (long long)G.ts_v);
	free(g_file("timestamp.json", &w, signers, n, NULL));
}

/* Targets signed by 3 of the 5 keys, with two empty placeholders. */
static void
g_publish(void)
{
	struct gkey *tsig[5] = { G.tk[0], G.tk[1], G.tk[2], NULL, NULL };

	g_deleg(&G.dk, 1);
	g_targets(tsig, 5);
	g_snapshot(&G.snk, 1);
	g_timestamp(&G.tsk, 1);
}

static void
g_root_default(void)
{
	struct gkey *rsig[5] = { G.rk[0], G.rk[1], G.rk[2], NULL, NULL };

	free(G.root1);
	G.root1 = g_root(rsig, 5, &G.root1_len);
}

static void
setup(void)
{
	int i;

	memset(&G, 0, sizeof(G));
	snprintf(G.dir, sizeof(G.dir), "/tmp/tuf_repo.XXXXXX");
	snprintf(G.cache, sizeof(G.cache), "/tmp/tuf_cache.XXXXXX");
	cr_assert_not_null(mkdtemp(G.dir));
	cr_assert_not_null(mkdtemp(G.cache));
	tu_sh("mkdir -p %s/targets", G.dir);
	/* the targets keys that sign are of the three kinds */
	for (i = 0; i < 20; i++)
		gkey_new(&G.keys[i], i == 5 ? GK_ED25519 : i == 6 ? GK_RSA_PSS :
		    GK_ECDSA);
	for (i = 0; i < 5; i++) {
		G.rk[i] = &G.keys[i];
		G.tk[i] = &G.keys[5 + i];
	}
	G.snk = G.tsk = &G.keys[10];
	G.dk = &G.keys[11];
	G.root_v = G.ts_v = G.snap_v = G.targets_v = G.deleg_v = 1;
	G.exp_root = NOW + 365 * DAY;
	G.exp_ts = NOW + 7 * DAY;
	G.exp_snap = G.exp_targets = G.exp_deleg = NOW + 365 * DAY;
	G.t_name[0] = "trusted_root.json";
	G.t_data[0] = "{\"mediaType\":\"trusted root v1\"}\n";
	G.t_name[1] = "signing_config.v0.2.json";
	G.t_data[1] = "{\"mediaType\":\"signing config v1\"}\n";
	G.nt = 2;
	G.d_name[0] = "delegated/file.txt";
	G.d_data[0] = "delegated file\n";
	G.d_name[1] = "other/evil.txt";
	G.d_data[1] = "outside the delegated paths\n";
	G.d_name[2] = "delegated/sub/deep.txt";
	G.d_data[2] = "'*' does not cross '/'\n";
	G.nd = 3;
	G.d_paths = "delegated/*";
	g_root_default();
	g_publish();
}

static void
teardown(void)
{
	int i;

	tu_sh("chattr -R -i %s 2>/dev/null; chmod -R u+w %s %s 2>/dev/null; "
	    "rm -rf %s %s", G.cache, G.cache, G.dir, G.cache, G.dir);
	for (i = 0; i < 20; i++) {
		EVP_PKEY_free(G.keys[i].pk);
		free(G.keys[i].pem);
	}
	free(G.root1);
	free(G.snap);
}

TestSuite(tuf, .init = setup, .fini = teardown);

/* The client ------------------------------------------------------------- */

struct fetch_log {
	char		 paths[64][128];
	int		 n;
	const char	*kill_on;	/* SIGKILL the process at this path */
};

static sgn_err
fetch_cb(void *ctx, const char *path, size_t max, struct sgn_buf *out,
    int *found, struct sgn_errbuf *eb)
{
	struct fetch_log *log = ctx;
	char full[512];
	uint8_t *p = NULL;
	size_t n = 0;
	sgn_err r;

	if (log->n < 64)
		snprintf(log->paths[log->n++], 128, "%s", path);
	if (log->kill_on != NULL && strcmp(path, log->kill_on) == 0) {
		/* half a file in the cache's way, then gone mid-download */
		raise(SIGKILL);
	}
	snprintf(full, sizeof(full), "%s/%s", G.dir, path);
	if (access(full, F_OK) != 0) {
		*found = 0;
		return SGN_OK;
	}
	if ((r = sgn_file_read(full, max, &p, &n, eb)) != SGN_OK)
		return r;
	r = sgn_buf_append(out, p, n, eb);
	free(p);
	return r;
}

static struct sgn_tuf *
updater(int64_t now, int offline, struct fetch_log *log)
{
	struct sgn_tuf_opts o;
	struct sgn_tuf *t = NULL;
	struct sgn_errbuf eb;

	o = (struct sgn_tuf_opts)SGN_TUF_OPTS_INIT;
	sgn_errbuf_clear(&eb);
	o.root = G.root1;
	o.root_len = G.root1_len;
	if (log != NULL) {
		o.fetch = fetch_cb;
		o.fetch_ctx = log;
	} else if (!offline)
		o.from_dir = G.dir;
	o.cache_dir = G.cache;
	o.now = now;
	o.offline = offline;
	cr_assert_eq(sgn_tuf_new(&o, &t, &eb), SGN_OK, "%s", eb.msg);
	return t;
}

/* update() with a fresh updater; the error text in msg */
static sgn_err
update_at(int64_t now, struct sgn_tuf_info *info, char *msg)
{
	struct sgn_tuf *t = updater(now, 0, NULL);
	struct sgn_errbuf eb;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	r = sgn_tuf_update(t, info, &eb);
	snprintf(msg, SGN_ERRBUF_SIZE, "%s", eb.msg);
	sgn_tuf_free(&t);
	return r;
}

static void
update_ok(struct sgn_tuf_info *info)
{
	char msg[SGN_ERRBUF_SIZE];

	cr_assert_eq(update_at(NOW, info, msg), SGN_OK, "%s", msg);
}

/* Every file of the cache and its sha256, one line each. */
static char *
cache_state(void)
{
	char cmd[256];
	struct sgn_buf b;
	char line[512];
	FILE *f;

	sgn_buf_init(&b, 0);
	snprintf(cmd, sizeof(cmd), "cd %s && find . -type f ! -name lock "
	    "-print0 | sort -z | xargs -0 -r sha256sum", G.cache);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		sgn_buf_append(&b, line, strlen(line), NULL);
	pclose(f);
	sgn_buf_append(&b, "", 0, NULL);
	return (char *)sgn_buf_take(&b, NULL);
}

static void
expect_fail_unchanged(const char *before, sgn_err want, const char *text)
{
	char msg[SGN_ERRBUF_SIZE], *after;
	sgn_err r = update_at(NOW, NULL, msg);

	cr_assert_eq(r, want, "got %d: %s", r, msg);
	cr_assert(tu_has(msg, text), "message \"%s\" lacks \"%s\"", msg, text);
	after = cache_state();
	cr_assert_str_eq(after, before, "the cache changed");
	free(after);
}

static sgn_err
target(struct sgn_tuf *t, const char *name, char **data, char *msg)
{
	struct sgn_errbuf eb;
	uint8_t *p = NULL;
	size_t n = 0;
	sgn_err r;

	sgn_errbuf_clear(&eb);
	r = sgn_tuf_get_target(t, name, &p, &n, &eb);
	snprintf(msg, SGN_ERRBUF_SIZE, "%s", eb.msg);
	if (data != NULL)
		*data = (char *)p;
	else
		free(p);
	return r;
}

/* The happy paths -------------------------------------------------------- */

Test(tuf, updates_and_fetches_targets_from_a_local_copy)
{
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	struct sgn_tuf *t;
	char msg[SGN_ERRBUF_SIZE], *data = NULL;

	t = updater(NOW, 0, NULL);
	cr_assert_eq(sgn_tuf_update(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.root.version, 1);
	cr_assert_eq(info.timestamp.version, 1);
	cr_assert_eq(info.snapshot.version, 1);
	cr_assert_eq(info.targets.version, 1);
	cr_assert_eq(info.timestamp.expires.sec, NOW + 7 * DAY);
	cr_assert_eq(info.last_update, NOW);
	cr_assert_eq(info.in_memory, 0);
	cr_assert(tu_has(info.cache_path, G.cache));
	cr_assert_eq(target(t, "trusted_root.json", &data, msg), SGN_OK, "%s",
	    msg);
	cr_assert_str_eq(data, G.t_data[0]);
	free(data);
	cr_assert_eq(target(t, "delegated/file.txt", &data, msg), SGN_OK,
	    "%s", msg);
	cr_assert_str_eq(data, G.d_data[0]);
	free(data);
	cr_assert_eq(target(t, "nothing.json", NULL, msg), SGN_ERR_TRUST);
	cr_assert_str_eq(msg, "nothing.json: no such target");
	sgn_tuf_free(&t);
}

Test(tuf, trusted_metadata_is_given_as_published)
{
	struct sgn_tuf *t;
	char msg[SGN_ERRBUF_SIZE], path[512];
	const uint8_t *p;
	uint8_t *want;
	size_t n, wl;

	t = updater(NOW, 0, NULL);
	cr_assert_null(sgn_tuf_metadata(t, "timestamp", &n));
	cr_assert_eq(sgn_tuf_update(t, NULL, NULL), SGN_OK);
	snprintf(path, sizeof(path), "%s/timestamp.json", G.dir);
	want = tu_read(path, &wl);
	p = sgn_tuf_metadata(t, "timestamp", &n);
	cr_assert(p != NULL && n == wl && memcmp(p, want, n) == 0);
	free(want);
	p = sgn_tuf_metadata(t, "root", &n);
	cr_assert(p != NULL && n == G.root1_len &&
	    memcmp(p, G.root1, n) == 0);
	/* a delegated role only once verified */
	cr_assert_null(sgn_tuf_metadata(t, "deleg", &n));
	cr_assert_eq(target(t, "delegated/file.txt", NULL, msg), SGN_OK, "%s",
	    msg);
	snprintf(path, sizeof(path), "%s/1.deleg.json", G.dir);
	want = tu_read(path, &wl);
	p = sgn_tuf_metadata(t, "deleg", &n);
	cr_assert(p != NULL && n == wl && memcmp(p, want, n) == 0);
	free(want);
	cr_assert_null(sgn_tuf_metadata(t, "nope", &n));
	cr_assert_eq(n, 0);
	sgn_tuf_free(&t);
}

Test(tuf, offline_serves_only_what_verifies_from_the_initial_root)
{
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	struct sgn_tuf *t;
	struct sgn_errbuf eb;
	char msg[SGN_ERRBUF_SIZE], *data = NULL;

	/* nothing cached yet: no trust offline */
	t = updater(NOW, 1, NULL);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tuf_load(t, NULL, &eb), SGN_ERR_TRUST);
	sgn_tuf_free(&t);

	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "trusted_root.json", NULL, msg), SGN_OK, "%s",
	    msg);
	cr_assert_eq(target(t, "delegated/file.txt", NULL, msg), SGN_OK,
	    "%s", msg);
	sgn_tuf_free(&t);

	/* offline, no repository at all: from the cache */
	t = updater(NOW + DAY, 1, NULL);
	cr_assert_eq(sgn_tuf_load(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.last_update, NOW);
	cr_assert_eq(target(t, "trusted_root.json", &data, msg), SGN_OK, "%s",
	    msg);
	cr_assert_str_eq(data, G.t_data[0]);
	free(data);
	cr_assert_eq(target(t, "delegated/file.txt", &data, msg), SGN_OK,
	    "%s", msg);
	cr_assert_str_eq(data, G.d_data[0]);
	free(data);
	/* never downloaded: offline cannot get it */
	cr_assert_eq(target(t, "signing_config.v0.2.json", NULL, msg),
	    SGN_ERR_TRUST);
	cr_assert(tu_has(msg, "not in the cache (offline)"), "%s", msg);
	sgn_tuf_free(&t);
}

Test(tuf, offline_refuses_a_tampered_cache)
{
	struct sgn_tuf *t;
	struct sgn_errbuf eb;
	char msg[SGN_ERRBUF_SIZE], *data = NULL;

	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "trusted_root.json", NULL, msg), SGN_OK, "%s",
	    msg);
	sgn_tuf_free(&t);
	/* a cached target changed: not handed out, even offline */
	tu_sh("cd %s/*/targets && for f in *trusted_root.json; do "
	    "printf 'evil' > \"$f\"; done", G.cache);
	t = updater(NOW, 1, NULL);
	cr_assert_eq(target(t, "trusted_root.json", &data, msg),
	    SGN_ERR_TRUST, "%s", msg);
	cr_assert_null(data);
	sgn_tuf_free(&t);
	/* the cached targets metadata changed (a target added): the
	 * signature fails, nothing is trusted */
	tu_sh("cd %s/* && sed -i 's/\"signing_config.v0.2.json\"/"
	    "\"signing_config.v0.3.json\"/' meta", G.cache);
	t = updater(NOW, 1, NULL);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tuf_load(t, NULL, &eb), SGN_ERR_TRUST, "%s", eb.msg);
	cr_assert_eq(target(t, "trusted_root.json", NULL, msg), SGN_ERR_TRUST);
	sgn_tuf_free(&t);
}

Test(tuf, offline_load_checks_expiry_unless_asked_not_to)
{
	struct sgn_tuf_opts o;
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	struct sgn_tuf *t = NULL;
	struct sgn_errbuf eb;

	update_ok(NULL);
	t = updater(NOW + 8 * DAY, 1, NULL);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tuf_load(t, NULL, &eb), SGN_ERR_VERIFY);
	cr_assert(tu_has(eb.msg, "timestamp.json version 1 expired at"), "%s",
	    eb.msg);
	sgn_tuf_free(&t);

	o = (struct sgn_tuf_opts)SGN_TUF_OPTS_INIT;
	o.root = G.root1;
	o.root_len = G.root1_len;
	o.cache_dir = G.cache;
	o.now = NOW + 8 * DAY;
	o.offline = 1;
	o.allow_expired = 1;
	cr_assert_eq(sgn_tuf_new(&o, &t, NULL), SGN_OK);
	cr_assert_eq(sgn_tuf_load(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.timestamp.expired, 1);
	cr_assert_eq(info.targets.expired, 0);
	cr_assert_eq(info.last_update, NOW);
	sgn_tuf_free(&t);
}

Test(tuf, an_unchanged_repository_costs_one_timestamp_request)
{
	struct fetch_log log;
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	struct sgn_tuf *t;

	update_ok(NULL);
	memset(&log, 0, sizeof(log));
	t = updater(NOW + 60, 0, &log);
	cr_assert_eq(sgn_tuf_update(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.unchanged, 1);
	cr_assert_eq(info.last_update, NOW + 60);
	/* the root probe (5.3) and the timestamp, nothing else */
	cr_assert_eq(log.n, 2);
	cr_assert_str_eq(log.paths[0], "2.root.json");
	cr_assert_str_eq(log.paths[1], "timestamp.json");
	sgn_tuf_free(&t);
}

/* The attacks ------------------------------------------------------------ */

Test(tuf, arbitrary_target_fails_its_hash)
{
	struct sgn_tuf *t;
	char msg[SGN_ERRBUF_SIZE], hex[65], rel[128], *before, *after;
	char *data = NULL;

	update_ok(NULL);
	before = cache_state();
	/* same length, other bytes */
	sha256_hex(G.t_data[0], strlen(G.t_data[0]), hex);
	snprintf(rel, sizeof(rel), "targets/%s.trusted_root.json", hex);
	put(rel, "{\"mediaType\":\"trusted root v6\"}\n",
	    strlen(G.t_data[0]));
	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "trusted_root.json", &data, msg),
	    SGN_ERR_VERIFY, "%s", msg);
	cr_assert_str_eq(msg, "trusted_root.json: sha256 hash mismatch");
	cr_assert_null(data);
	sgn_tuf_free(&t);
	after = cache_state();
	/* the update refreshed only the time of the last update */
	cr_assert(!tu_has(after, "trusted_root.json"), "%s", after);
	free(before);
	free(after);
}

/*
 * With the targets it needs named (prefetch), an update commits only
 * when they check: a tampered new target leaves the old state and its
 * targets usable.  A name the repository does not list is skipped.
 */
Test(tuf, an_update_commits_only_with_its_targets_checked)
{
	static const char *const want[] = { "trusted_root.json",
	    "not-listed.json", NULL };
	struct sgn_tuf_opts o;
	struct sgn_tuf *t = NULL;
	struct sgn_errbuf eb;
	char msg[SGN_ERRBUF_SIZE], hex[65], rel[128], *before, *after;
	char *data = NULL;

	o = (struct sgn_tuf_opts)SGN_TUF_OPTS_INIT;
	o.root = G.root1;
	o.root_len = G.root1_len;
	o.from_dir = G.dir;
	o.cache_dir = G.cache;
	o.now = NOW;
	o.prefetch = want;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tuf_new(&o, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_tuf_update(t, NULL, &eb), SGN_OK, "%s", eb.msg);
	sgn_tuf_free(&t);
	before = cache_state();
	/* the first target was fetched and cached by the update itself */
	cr_assert(tu_has(before, "trusted_root.json"), "%s", before);
	/* a new version of the target, served with other bytes */
	G.t_data[0] = "{\"mediaType\":\"trusted root, second\"}\n";
	G.targets_v = G.snap_v = G.ts_v = 2;
	g_publish();
	sha256_hex(G.t_data[0], strlen(G.t_data[0]), hex);
	snprintf(rel, sizeof(rel), "targets/%s.trusted_root.json", hex);
	put(rel, "{\"mediaType\":\"trusted root, forged\"}\n",
	    strlen(G.t_data[0]));
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tuf_new(&o, &t, &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(sgn_tuf_update(t, NULL, &eb), SGN_ERR_VERIFY, "%s",
	    eb.msg);
	cr_assert_str_eq(eb.msg, "trusted_root.json: sha256 hash mismatch");
	sgn_tuf_free(&t);
	after = cache_state();
	cr_assert_str_eq(after, before);
	/* the old state still serves its target offline */
	t = updater(NOW, 1, NULL);
	cr_assert_eq(target(t, "trusted_root.json", &data, msg), SGN_OK,
	    "%s", msg);
	cr_assert_str_neq(data, G.t_data[0]);
	free(data);
	sgn_tuf_free(&t);
	free(before);
	free(after);
}

Test(tuf, endless_target_is_cut_at_its_length)
{
	struct sgn_tuf *t;
	char msg[SGN_ERRBUF_SIZE], hex[65], rel[128], big[4096], *after;

	sha256_hex(G.t_data[0], strlen(G.t_data[0]), hex);
	snprintf(rel, sizeof(rel), "targets/%s.trusted_root.json", hex);
	memset(big, 'A', sizeof(big));
	put(rel, big, sizeof(big));
	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "trusted_root.json", NULL, msg), SGN_ERR_LIMIT,
	    "%s", msg);
	cr_assert(tu_has(msg, "more than"), "%s", msg);
	sgn_tuf_free(&t);
	after = cache_state();
	cr_assert(!tu_has(after, "trusted_root.json"), "%s", after);
	free(after);
}

Test(tuf, empty_target_is_served_and_capped)
{
	struct sgn_tuf *t;
	char msg[SGN_ERRBUF_SIZE], hex[65], rel[128], *data = NULL;
	uint8_t *p = NULL;
	size_t n = 1;

	G.t_name[2] = "empty";
	G.t_data[2] = "";
	G.nt = 3;
	G.targets_v = G.snap_v = G.ts_v = 2;
	g_publish();
	t = updater(NOW, 0, NULL);
	cr_assert_eq(sgn_tuf_get_target(t, "empty", &p, &n, NULL), SGN_OK);
	cr_assert_eq(n, 0);
	free(p);
	sgn_tuf_free(&t);
	/* served with bytes where none are listed: refused */
	tu_sh("rm -rf %s/*", G.cache);
	sha256_hex("", 0, hex);
	snprintf(rel, sizeof(rel), "targets/%s.empty", hex);
	put(rel, "x", 1);
	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "empty", &data, msg), SGN_ERR_LIMIT, "%s", msg);
	cr_assert(tu_has(msg, "more than 0 bytes"), "%s", msg);
	cr_assert_null(data);
	sgn_tuf_free(&t);
}

Test(tuf, endless_timestamp_and_root_are_refused)
{
	char *before = NULL, big[SGN_TUF_MAX_TIMESTAMP_BYTES + 100];

	update_ok(NULL);
	before = cache_state();
	memset(big, ' ', sizeof(big));
	big[0] = '{';
	big[sizeof(big) - 1] = '}';
	put("timestamp.json", big, sizeof(big));
	expect_fail_unchanged(before, SGN_ERR_LIMIT,
	    "timestamp.json: more than 16384 bytes");
	free(before);
	before = cache_state();
	{
		size_t n = SGN_TUF_MAX_ROOT_BYTES + 1;
		char *r = malloc(n);

		memset(r, ' ', n);
		put("2.root.json", r, n);
		free(r);
	}
	expect_fail_unchanged(before, SGN_ERR_LIMIT,
	    "2.root.json: more than 512000 bytes");
	free(before);
}

Test(tuf, endless_snapshot_is_cut_at_the_listed_length)
{
	char *before, rel[64];
	uint8_t *p;
	size_t n;

	update_ok(NULL);
	before = cache_state();
	G.snap_v = G.ts_v = 2;
	g_snapshot(&G.snk, 1);
	g_timestamp(&G.tsk, 1);
	/* the snapshot grows after the timestamp named its length */
	n = G.snap_len + 1000;
	p = calloc(1, n);
	memcpy(p, G.snap, G.snap_len);
	memset(p + G.snap_len, ' ', 1000);
	snprintf(rel, sizeof(rel), "2.snapshot.json");
	put(rel, p, n);
	free(p);
	expect_fail_unchanged(before, SGN_ERR_LIMIT,
	    "2.snapshot.json: more than");
	free(before);
}

Test(tuf, timestamp_rollback_is_refused)
{
	char *before;

	G.ts_v = 2;
	g_timestamp(&G.tsk, 1);
	update_ok(NULL);
	before = cache_state();
	G.ts_v = 1;
	g_timestamp(&G.tsk, 1);
	expect_fail_unchanged(before, SGN_ERR_VERIFY, "timestamp.json: "
	    "version 1 is older than the trusted 2 (rollback)");
	free(before);
}

Test(tuf, snapshot_rollback_is_refused)
{
	char *before;

	G.snap_v = G.ts_v = 2;
	g_snapshot(&G.snk, 1);
	g_timestamp(&G.tsk, 1);
	update_ok(NULL);
	before = cache_state();
	/* a new timestamp that points back at snapshot 1 */
	G.snap_v = 1;
	g_snapshot(&G.snk, 1);
	G.ts_v = 3;
	g_timestamp(&G.tsk, 1);
	expect_fail_unchanged(before, SGN_ERR_VERIFY, "timestamp.json: "
	    "snapshot version 1 is older than the trusted 2 (rollback)");
	free(before);
}

Test(tuf, targets_rollback_is_refused)
{
	struct gkey *tsig[3] = { G.tk[0], G.tk[1], G.tk[2] };
	char *before;

	G.targets_v = G.snap_v = G.ts_v = 2;
	g_targets(tsig, 3);
	g_snapshot(&G.snk, 1);
	g_timestamp(&G.tsk, 1);
	update_ok(NULL);
	before = cache_state();
	/* a new snapshot listing the old targets */
	G.targets_v = 1;
	G.snap_v = G.ts_v = 3;
	g_snapshot(&G.snk, 1);
	g_timestamp(&G.tsk, 1);
	expect_fail_unchanged(before, SGN_ERR_VERIFY, "snapshot.json: "
	    "targets.json: version 1 is older than the trusted 2 (rollback)");
	free(before);
}

Test(tuf, snapshot_dropping_a_role_is_refused)
{
	struct w w;
	char *before;

	update_ok(NULL);
	before = cache_state();
	G.snap_v = G.ts_v = 2;
	memset(&w, 0, sizeof(w));
	w_raw(&w, "{\"_type\":\"snapshot\",\"expires\":");
	w_time(&w, G.exp_snap);
	w_fmt(&w, ",\"meta\":{\"targets.json\":{\"version\":1}},"
	    "\"spec_version\":\"%s\",\"version\":2}", SPEC);
	free(G.snap);
	G.snap = g_file("2.snapshot.json", &w, &G.snk, 1, &G.snap_len);
	g_timestamp(&G.tsk, 1);
	expect_fail_unchanged(before, SGN_ERR_VERIFY,
	    "snapshot.json: deleg.json: no longer listed (rollback)");
	free(before);
}

Test(tuf, expired_timestamp_is_a_freeze)
{
	char *before, msg[SGN_ERRBUF_SIZE];

	G.exp_ts = NOW + DAY;
	g_timestamp(&G.tsk, 1);
	update_ok(NULL);
	before = cache_state();
	/* the mirror keeps serving the same timestamp: a day later it has
	 * expired, and the equal version does not hide that */
	cr_assert_eq(update_at(NOW + 2 * DAY, NULL, msg), SGN_ERR_VERIFY,
	    "%s", msg);
	cr_assert(tu_has(msg, "timestamp.json version 1 expired at "
	    "2027-01-16T"), "%s", msg);
	free(before);
	/* and a first update against an expired one */
	G.exp_ts = NOW - 1;
	G.ts_v = 2;
	g_timestamp(&G.tsk, 1);
	before = cache_state();
	expect_fail_unchanged(before, SGN_ERR_VERIFY,
	    "timestamp.json version 2 expired at");
	free(before);
}

Test(tuf, expired_root_is_a_freeze)
{
	struct gkey *rsig[3] = { G.rk[0], G.rk[1], G.rk[2] };
	char *before, msg[SGN_ERRBUF_SIZE];

	update_ok(NULL);
	before = cache_state();
	G.root_v = 2;
	G.exp_root = NOW - 10;
	free(g_root(rsig, 3, NULL));
	cr_assert_eq(update_at(NOW, NULL, msg), SGN_ERR_VERIFY, "%s", msg);
	cr_assert(tu_has(msg, "root.json version 2 expired at"), "%s", msg);
	free(before);
}

Test(tuf, fast_forward_by_an_unlisted_key_is_refused)
{
	struct gkey *evil = &G.keys[12];
	char *before;

	update_ok(NULL);
	before = cache_state();
	G.ts_v = 1000000;
	g_timestamp(&evil, 1);
	expect_fail_unchanged(before, SGN_ERR_VERIFY,
	    "timestamp.json: signed by 0 of the 1 keys needed");
	free(before);
}

Test(tuf, fast_forward_recovers_when_the_timestamp_key_rotates)
{
	struct gkey *rsig[3] = { G.rk[0], G.rk[1], G.rk[2] };
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	char msg[SGN_ERRBUF_SIZE];

	/* the online key leaked: version 1000000 is accepted */
	G.ts_v = 1000000;
	g_timestamp(&G.tsk, 1);
	update_ok(&info);
	cr_assert_eq(info.timestamp.version, 1000000);
	/* the honest repository cannot go on ... */
	G.ts_v = 2;
	g_timestamp(&G.tsk, 1);
	cr_assert_eq(update_at(NOW, NULL, msg), SGN_ERR_VERIFY, "%s", msg);
	cr_assert(tu_has(msg, "(rollback)"), "%s", msg);
	/* ... until root 2 rotates the timestamp key (5.3.11) */
	G.tsk = &G.keys[13];
	G.root_v = 2;
	free(g_root(rsig, 3, NULL));
	g_timestamp(&G.tsk, 1);
	update_ok(&info);
	cr_assert_eq(info.root.version, 2);
	cr_assert_eq(info.timestamp.version, 2);
}

Test(tuf, mix_and_match_is_refused)
{
	char *before, src[512], dst[512];

	update_ok(NULL);
	before = cache_state();
	/* snapshot 2 lists targets 2, but 2.targets.json is the old one */
	G.targets_v = G.snap_v = G.ts_v = 2;
	g_snapshot(&G.snk, 1);
	g_timestamp(&G.tsk, 1);
	snprintf(src, sizeof(src), "%s/1.targets.json", G.dir);
	snprintf(dst, sizeof(dst), "%s/2.targets.json", G.dir);
	tu_sh("cp %s %s", src, dst);
	expect_fail_unchanged(before, SGN_ERR_VERIFY,
	    "targets.json: version 1, but the snapshot lists 2");
	free(before);
}

Test(tuf, threshold_not_met_is_refused)
{
	struct gkey *tsig[5] = { G.tk[0], G.tk[1], NULL, NULL, NULL };
	struct gkey *rsig[4] = { G.rk[0], G.rk[1], &G.keys[12], NULL };
	char *before;

	update_ok(NULL);
	before = cache_state();
	G.targets_v = G.snap_v = G.ts_v = 2;
	g_targets(tsig, 5);
	g_snapshot(&G.snk, 1);
	g_timestamp(&G.tsk, 1);
	expect_fail_unchanged(before, SGN_ERR_VERIFY,
	    "targets.json: signed by 2 of the 3 keys needed");
	/* a root signed by 2 root keys and a key that is not one */
	G.root_v = 2;
	free(g_root(rsig, 4, NULL));
	expect_fail_unchanged(before, SGN_ERR_VERIFY, "2.root.json (by the "
	    "keys of root version 1): signed by 2 of the 3 keys needed");
	free(before);
}

Test(tuf, duplicate_key_ids_count_once)
{
	struct gkey *tsig[3] = { G.tk[0], G.tk[0], G.tk[0] };
	char *before;

	update_ok(NULL);
	before = cache_state();
	G.targets_v = G.snap_v = G.ts_v = 2;
	g_targets(tsig, 3);
	g_snapshot(&G.snk, 1);
	g_timestamp(&G.tsk, 1);
	expect_fail_unchanged(before, SGN_ERR_VERIFY,
	    "targets.json: signed by 1 of the 3 keys needed");
	free(before);
}

Test(tuf, root_rotating_all_keys_needs_the_old_ones)
{
	struct gkey *nsig[5];
	char *before;
	int i;

	update_ok(NULL);
	before = cache_state();
	/* root 2 with five new keys, signed only by them */
	for (i = 0; i < 5; i++)
		nsig[i] = G.rk[i] = &G.keys[14 + i];
	G.root_v = 2;
	free(g_root(nsig, 5, NULL));
	expect_fail_unchanged(before, SGN_ERR_VERIFY, "2.root.json (by the "
	    "keys of root version 1): signed by 0 of the 3 keys needed");
	free(before);
}

Test(tuf, root_rotation_signed_by_old_and_new_keys_is_followed)
{
	struct gkey *sig[6];
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	char path[512];
	int i;

	/* root 2: three old keys replaced; signed by 3 old and 3 new */
	sig[0] = G.rk[0];
	sig[1] = G.rk[1];
	sig[2] = G.rk[2];
	for (i = 0; i < 3; i++)
		G.rk[i] = sig[3 + i] = &G.keys[14 + i];
	G.root_v = 2;
	free(g_root(sig, 6, NULL));
	/* root 3 signed by the new keys only: 2's threshold is met */
	G.root_v = 3;
	free(g_root(&sig[3], 3, NULL));
	update_ok(&info);
	cr_assert_eq(info.root.version, 3);
	cr_assert_eq(info.root_rotations, 2);
	snprintf(path, sizeof(path), "%s/%s/root/3.root.json", G.cache,
	    strrchr(info.cache_path, '/') + 1);
	cr_assert_eq(access(path, F_OK), 0, "%s", path);
	/* and offline, the chain is verified again from root 1 */
	{
		struct sgn_tuf *t = updater(NOW, 1, NULL);

		cr_assert_eq(sgn_tuf_load(t, &info, NULL), SGN_OK);
		cr_assert_eq(info.root.version, 3);
		sgn_tuf_free(&t);
	}
}

Test(tuf, root_with_a_skipped_version_is_refused)
{
	struct gkey *rsig[3] = { G.rk[0], G.rk[1], G.rk[2] };
	char *before, src[512];

	update_ok(NULL);
	before = cache_state();
	G.root_v = 3;
	free(g_root(rsig, 3, NULL));
	snprintf(src, sizeof(src), "%s/3.root.json", G.dir);
	tu_sh("mv %s %s/2.root.json", src, G.dir);
	expect_fail_unchanged(before, SGN_ERR_VERIFY,
	    "2.root.json: version 3, expected 2");
	free(before);
}

Test(tuf, equal_timestamp_version_keeps_the_trusted_copy)
{
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;

	update_ok(NULL);
	/* same version, other content (names snapshot 2): ignored */
	G.snap_v = 2;
	g_snapshot(&G.snk, 1);
	g_timestamp(&G.tsk, 1);
	update_ok(&info);
	cr_assert_eq(info.unchanged, 1);
	cr_assert_eq(info.timestamp.version, 1);
	cr_assert_eq(info.snapshot.version, 1);
}

Test(tuf, delegation_cannot_sign_outside_its_paths)
{
	struct sgn_tuf *t;
	char msg[SGN_ERRBUF_SIZE], *before, *after;

	update_ok(NULL);
	before = cache_state();
	t = updater(NOW, 0, NULL);
	/* "deleg" lists it, but may sign only delegated/ *: not found */
	cr_assert_eq(target(t, "other/evil.txt", NULL, msg), SGN_ERR_TRUST);
	cr_assert_str_eq(msg, "other/evil.txt: no such target");
	/* '*' stops at '/' */
	cr_assert_eq(target(t, "delegated/sub/deep.txt", NULL, msg),
	    SGN_ERR_TRUST);
	cr_assert_str_eq(msg, "delegated/sub/deep.txt: no such target");
	sgn_tuf_free(&t);
	after = cache_state();
	cr_assert_str_eq(after, before);
	free(before);
	free(after);
}

Test(tuf, delegated_role_below_its_threshold_is_refused)
{
	struct gkey *evil = &G.keys[12];
	struct sgn_tuf *t;
	char msg[SGN_ERRBUF_SIZE];

	g_deleg(&evil, 1);
	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "delegated/file.txt", NULL, msg),
	    SGN_ERR_VERIFY);
	cr_assert_str_eq(msg, "deleg.json: signed by 0 of the 1 keys needed");
	sgn_tuf_free(&t);
}

Test(tuf, cached_role_is_verified_against_its_current_delegator)
{
	struct gkey *tsig[3] = { G.tk[0], G.tk[1], G.tk[2] };
	struct sgn_tuf *t;
	char msg[SGN_ERRBUF_SIZE];

	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "delegated/file.txt", NULL, msg), SGN_OK, "%s",
	    msg);
	sgn_tuf_free(&t);
	/* targets 2 gives "deleg" another key; deleg.json stays version 1,
	 * signed by the old key, in the cache and in the repository */
	G.dk = &G.keys[12];
	G.targets_v = G.snap_v = G.ts_v = 2;
	g_targets(tsig, 3);
	g_snapshot(&G.snk, 1);
	g_timestamp(&G.tsk, 1);
	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "delegated/file.txt", NULL, msg),
	    SGN_ERR_VERIFY, "%s", msg);
	cr_assert_str_eq(msg, "deleg.json: signed by 0 of the 1 keys needed");
	sgn_tuf_free(&t);
	/* and offline, the cached copy is not used either */
	t = updater(NOW, 1, NULL);
	cr_assert_eq(target(t, "delegated/file.txt", NULL, msg),
	    SGN_ERR_TRUST, "%s", msg);
	cr_assert_str_eq(msg, "deleg.json: not in the cache (offline)");
	sgn_tuf_free(&t);
}

Test(tuf, target_hashes_that_are_not_hex_are_refused)
{
	struct gkey *tsig[3] = { G.tk[0], G.tk[1], G.tk[2] };
	struct w w;
	struct sgn_tuf *t;
	char msg[SGN_ERRBUF_SIZE];

	/* a hash that would name a file outside the cache */
	memset(&w, 0, sizeof(w));
	w_fmt(&w, "{\"_type\":\"targets\",\"expires\":\"2030-01-01T00:00:00Z\","
	    "\"spec_version\":\"%s\",\"targets\":{\"t\":{\"hashes\":"
	    "{\"sha256\":\"../../../../../../../../../../../../../../tmp/"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"},\"length\":1}},"
	    "\"version\":2}", SPEC);
	free(g_file("2.targets.json", &w, tsig, 3, NULL));
	G.targets_v = G.snap_v = G.ts_v = 2;
	g_snapshot(&G.snk, 1);
	g_timestamp(&G.tsk, 1);
	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "t", NULL, msg), SGN_ERR_PARSE, "%s", msg);
	cr_assert_str_eq(msg, "t: bad sha256 hash");
	sgn_tuf_free(&t);
}

Test(tuf, path_patterns_match_like_fnmatch_with_pathname)
{
	static const struct {
		const char	*pat, *name;
		int		 match;
	} c[] = {
		{ "delegated/*", "delegated/file.txt", 1 },
		{ "delegated/*", "delegated/sub/deep.txt", 0 },
		{ "delegated/*/*", "delegated/sub/deep.txt", 1 },
		{ "*", "a", 1 },
		{ "*", "a/b", 0 },
		{ "*.py", "foo.py", 1 },
		{ "*.py", "dir/foo.py", 0 },
		{ "foo-?.tgz", "foo-1.tgz", 1 },
		{ "foo-?.tgz", "foo-12.tgz", 0 },
		{ "a*b*c", "abxbyc", 1 },
		{ "a*b*c", "abxbycd", 0 },
		{ "*/", "a/", 1 },
		{ "", "", 1 },
		{ "?", "/", 0 },
		{ "a/b", "a/b", 1 },
		{ "a/b", "a/c", 0 },
	};
	char pat[200], name[300];
	size_t i;
	int n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		cr_assert_eq(sgn_tuf_path_match(c[i].pat, c[i].name),
		    c[i].match, "%s ~ %s", c[i].pat, c[i].name);
	/* no exponential backtracking: "*a*a*...*b" against "aaaa...a" */
	for (n = 0; n < 60; n++)
		memcpy(pat + 2 * n, "*a", 2);
	memcpy(pat + 120, "b", 2);
	memset(name, 'a', 290);
	name[290] = '\0';
	cr_assert_eq(sgn_tuf_path_match(pat, name), 0);
}

Test(tuf, bad_target_names_are_refused)
{
	static const char *const bad[] = { "", "../x", "a/../b", "/etc/passwd",
	    "a//b", "a\\b", "a b", "./a", "a?b" };
	struct sgn_tuf *t = updater(NOW, 0, NULL);
	char msg[SGN_ERRBUF_SIZE];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(target(t, bad[i], NULL, msg),
		    SGN_ERR_INVALID_ARGUMENT, "%s", bad[i]);
	sgn_tuf_free(&t);
}

/* Over HTTP: pkg/http with a transport that serves the repository. */
static sgn_err
serve_dir(void *ctx, const struct sgn_http_request *req,
    struct sgn_http_response *res, size_t max_body, long timeout_ms,
    struct sgn_errbuf *eb)
{
	const char *base = "http://127.0.0.1:9/tuf/";
	struct fetch_log *log = ctx;
	char path[512];
	uint8_t *p = NULL;
	size_t n = 0;

	(void)timeout_ms;
	cr_assert_str_eq(req->method, "GET");
	cr_assert(strncmp(req->url, base, strlen(base)) == 0, "%s", req->url);
	if (log->n < 64)
		snprintf(log->paths[log->n++], 128, "%s",
		    req->url + strlen(base));
	snprintf(path, sizeof(path), "%s/%s", G.dir, req->url + strlen(base));
	if (access(path, F_OK) != 0) {
		res->status = 404;
		return SGN_OK;
	}
	if (sgn_file_read(path, max_body, &p, &n, eb) != SGN_OK)
		return SGN_ERR_LIMIT;
	res->status = 200;
	sgn_buf_init(&res->body, max_body);
	sgn_buf_append(&res->body, p, n, eb);
	free(p);
	return SGN_OK;
}

Test(tuf, updates_over_http_from_a_mirror)
{
	struct sgn_tuf_opts o;
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	struct sgn_http_opts ho;
	struct sgn_http *h = NULL;
	struct sgn_tuf *t = NULL;
	struct fetch_log log;
	char msg[SGN_ERRBUF_SIZE], *data = NULL;

	memset(&ho, 0, sizeof(ho));
	memset(&log, 0, sizeof(log));
	cr_assert_eq(sgn_http_new(&ho, &h, NULL), SGN_OK);
	sgn_http_set_transport(h, serve_dir, &log);
	o = (struct sgn_tuf_opts)SGN_TUF_OPTS_INIT;
	o.root = G.root1;
	o.root_len = G.root1_len;
	o.url = "http://127.0.0.1:9/tuf";
	o.http = h;
	o.cache_dir = G.cache;
	o.now = NOW;
	cr_assert_eq(sgn_tuf_new(&o, &t, NULL), SGN_OK);
	cr_assert_eq(sgn_tuf_update(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.targets.version, 1);
	cr_assert_eq(target(t, "delegated/file.txt", &data, msg), SGN_OK,
	    "%s", msg);
	cr_assert_str_eq(data, G.d_data[0]);
	free(data);
	cr_assert_str_eq(log.paths[0], "2.root.json");
	cr_assert_str_eq(log.paths[1], "timestamp.json");
	cr_assert_str_eq(log.paths[2], "1.snapshot.json");
	cr_assert_str_eq(log.paths[3], "1.targets.json");
	cr_assert_str_eq(log.paths[4], "1.deleg.json");
	cr_assert(tu_has(log.paths[5], "targets/delegated/"), "%s",
	    log.paths[5]);
	cr_assert(tu_has(log.paths[5], ".file.txt"), "%s", log.paths[5]);
	sgn_tuf_free(&t);
	sgn_http_free(&h);
}

/* Writes targets (version targets_v) with the given delegation roles
 * (JSON array text, keys: the delegation key) and republishes. */
static void
g_targets_roles(const char *roles)
{
	struct gkey *tsig[3] = { G.tk[0], G.tk[1], G.tk[2] };
	struct w w;
	char rel[64];

	memset(&w, 0, sizeof(w));
	w_raw(&w, "{\"_type\":\"targets\",\"delegations\":{\"keys\":{");
	w_keyobj(&w, G.dk);
	w_fmt(&w, "},\"roles\":%s},\"expires\":", roles);
	w_time(&w, G.exp_targets);
	w_fmt(&w, ",\"spec_version\":\"%s\",\"targets\":{},\"version\":%lld}",
	    SPEC, (long long)G.targets_v);
	snprintf(rel, sizeof(rel), "%lld.targets.json",
	    (long long)G.targets_v);
	free(g_file(rel, &w, tsig, 3, NULL));
}

/* A delegated role "name" listing the delegated targets and delegating
 * further with roles. */
static void
g_role(const char *name, const char *roles)
{
	struct w w;
	char rel[128];

	memset(&w, 0, sizeof(w));
	w_raw(&w, "{\"_type\":\"targets\",");
	if (roles != NULL) {
		w_raw(&w, "\"delegations\":{\"keys\":{");
		w_keyobj(&w, G.dk);
		w_fmt(&w, "},\"roles\":%s},", roles);
	}
	w_raw(&w, "\"expires\":");
	w_time(&w, G.exp_deleg);
	w_fmt(&w, ",\"spec_version\":\"%s\",\"targets\":", SPEC);
	w_targets(&w, G.d_name, G.d_data, G.nd);
	w_raw(&w, ",\"version\":1}");
	snprintf(rel, sizeof(rel), "1.%s.json", name);
	free(g_file(rel, &w, &G.dk, 1, NULL));
}

static void
g_snapshot_roles(const char *names)
{
	struct w w;

	memset(&w, 0, sizeof(w));
	w_raw(&w, "{\"_type\":\"snapshot\",\"expires\":");
	w_time(&w, G.exp_snap);
	w_raw(&w, ",\"meta\":{");
	w_raw(&w, names);
	w_fmt(&w, "\"targets.json\":{\"version\":%lld}},"
	    "\"spec_version\":\"%s\",\"version\":%lld}",
	    (long long)G.targets_v, SPEC, (long long)G.snap_v);
	free(G.snap);
	G.snap = g_file("1.snapshot.json", &w, &G.snk, 1, &G.snap_len);
	g_timestamp(&G.tsk, 1);
}

static char *
role_json(const char *name, const char *paths, int terminating)
{
	static char buf[4][512];
	static int k;
	char *b = buf[k++ % 4];

	snprintf(b, 512, "{\"keyids\":[\"%s\"],\"name\":\"%s\",%s,"
	    "\"terminating\":%s,\"threshold\":1}", G.dk->id, name, paths,
	    terminating ? "true" : "false");
	return b;
}

Test(tuf, delegations_are_searched_in_order_and_terminating_stops)
{
	struct sgn_tuf *t;
	char roles[2048], msg[SGN_ERRBUF_SIZE], *data = NULL;
	const char *a, *b;

	/* "a" (terminating, paths x/ *) has no x/f; "b" has it, but the
	 * search must not get there */
	G.d_name[0] = "y/f";
	G.d_data[0] = "y\n";
	G.nd = 1;
	g_role("a", NULL);
	G.d_name[0] = "x/f";
	G.d_data[0] = "x from b\n";
	g_target_files(G.d_name, G.d_data, 1);
	g_role("b", NULL);
	a = role_json("a", "\"paths\":[\"x/*\"]", 1);
	b = role_json("b", "\"paths\":[\"x/*\"]", 0);
	snprintf(roles, sizeof(roles), "[%s,%s]", a, b);
	g_targets_roles(roles);
	g_snapshot_roles("\"a.json\":{\"version\":1},"
	    "\"b.json\":{\"version\":1},");
	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "x/f", NULL, msg), SGN_ERR_TRUST, "%s", msg);
	cr_assert_str_eq(msg, "x/f: no such target");
	sgn_tuf_free(&t);
	/* the same, "a" not terminating: found in "b" */
	a = role_json("a", "\"paths\":[\"x/*\"]", 0);
	snprintf(roles, sizeof(roles), "[%s,%s]", a, b);
	G.targets_v = 2;
	g_targets_roles(roles);
	G.ts_v = 2;
	g_snapshot_roles("\"a.json\":{\"version\":1},"
	    "\"b.json\":{\"version\":1},");
	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "x/f", &data, msg), SGN_OK, "%s", msg);
	cr_assert_str_eq(data, "x from b\n");
	free(data);
	sgn_tuf_free(&t);
}

Test(tuf, path_hash_prefixes_select_the_role)
{
	struct sgn_tuf *t;
	char roles[2048], prefix[80], hex[65], msg[SGN_ERRBUF_SIZE];
	char *data = NULL;

	G.d_name[0] = "bin/tool";
	G.d_data[0] = "tool\n";
	G.nd = 1;
	g_target_files(G.d_name, G.d_data, 1);
	g_role("h", NULL);
	sha256_hex("bin/tool", 8, hex);
	snprintf(prefix, sizeof(prefix), "\"path_hash_prefixes\":[\"%.4s\"]",
	    hex);
	snprintf(roles, sizeof(roles), "[%s]", role_json("h", prefix, 0));
	g_targets_roles(roles);
	g_snapshot_roles("\"h.json\":{\"version\":1},");
	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "bin/tool", &data, msg), SGN_OK, "%s", msg);
	cr_assert_str_eq(data, "tool\n");
	free(data);
	sgn_tuf_free(&t);
	/* another prefix: the role is not asked */
	snprintf(prefix, sizeof(prefix), "\"path_hash_prefixes\":[\"%c\"]",
	    hex[0] == '0' ? '1' : '0');
	snprintf(roles, sizeof(roles), "[%s]", role_json("h", prefix, 0));
	G.targets_v = G.ts_v = 2;
	g_targets_roles(roles);
	g_snapshot_roles("\"h.json\":{\"version\":1},");
	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "bin/tool", NULL, msg), SGN_ERR_TRUST, "%s",
	    msg);
	sgn_tuf_free(&t);
}

Test(tuf, unusual_role_names_are_quoted_in_requests)
{
	struct fetch_log log;
	struct sgn_tuf *t;
	char roles[2048], msg[SGN_ERRBUF_SIZE], *data = NULL;
	int i, seen = 0;

	/* as tuf-conformance's test_unusual_role_name: quote(role, "") */
	G.d_name[0] = "f";
	G.d_data[0] = "f\n";
	G.nd = 1;
	g_target_files(G.d_name, G.d_data, 1);
	snprintf(roles, sizeof(roles), "[%s]",
	    role_json("../a/b ~.x", "\"paths\":[\"*\"]", 0));
	g_targets_roles(roles);
	g_snapshot_roles("\"../a/b ~.x.json\":{\"version\":1},");
	g_role("..%2Fa%2Fb%20~.x", NULL);
	memset(&log, 0, sizeof(log));
	t = updater(NOW, 0, &log);
	cr_assert_eq(target(t, "f", &data, msg), SGN_OK, "%s", msg);
	cr_assert_str_eq(data, "f\n");
	free(data);
	for (i = 0; i < log.n; i++)
		seen += strcmp(log.paths[i], "1...%2Fa%2Fb%20~.x.json") == 0;
	cr_assert_eq(seen, 1);
	sgn_tuf_free(&t);
}

Test(tuf, delegation_cycles_end)
{
	struct sgn_tuf *t;
	char roles[2048], msg[SGN_ERRBUF_SIZE];
	const char *c1, *c2;

	/* c1 -> c2 -> c1 -> ...: each visited once, then not found */
	G.nd = 0;
	c1 = role_json("c1", "\"paths\":[\"*\"]", 0);
	c2 = role_json("c2", "\"paths\":[\"*\"]", 0);
	snprintf(roles, sizeof(roles), "[%s]", c2);
	g_role("c1", roles);
	snprintf(roles, sizeof(roles), "[%s]", c1);
	g_role("c2", roles);
	snprintf(roles, sizeof(roles), "[%s]", c1);
	g_targets_roles(roles);
	g_snapshot_roles("\"c1.json\":{\"version\":1},"
	    "\"c2.json\":{\"version\":1},");
	t = updater(NOW, 0, NULL);
	cr_assert_eq(target(t, "loop", NULL, msg), SGN_ERR_TRUST, "%s", msg);
	cr_assert_str_eq(msg, "loop: no such target");
	sgn_tuf_free(&t);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* targets -> r0 -> r1 -> ... -> r<last>, the target "deep" in r<last> */
static sgn_err
deep_chain(int last, char *msg)
{
	struct sgn_tuf *t;
	char roles[1024], names[4096], rn[16], next[16], sorted[40][16];
	int i, len = 0;
	sgn_err r;

	cr_assert(last < 40);
	G.d_name[0] = "deep";
	G.d_data[0] = "deep\n";
	for (i = last; i >= 0; i--) {
		snprintf(rn, sizeof(rn), "r%d", i);
		snprintf(next, sizeof(next), "r%d", i + 1);
		G.nd = i == last;
		snprintf(roles, sizeof(roles), "[%s]",
		    role_json(next, "\"paths\":[\"*\"]", 0));
		g_role(rn, i == last ? NULL : roles);
		snprintf(sorted[i], sizeof(sorted[i]), "r%d.json", i);
	}
	/* canonical order of the snapshot's meta */
	qsort(sorted, (size_t)last + 1, sizeof(sorted[0]), str_cmp);
	for (i = 0; i <= last; i++)
		len += snprintf(names + len, sizeof(names) - (size_t)len,
		    "\"%s\":{\"version\":1},", sorted[i]);
	g_target_files(G.d_name, G.d_data, 1);
	snprintf(roles, sizeof(roles), "[%s]",
	    role_json("r0", "\"paths\":[\"*\"]", 0));
	g_targets_roles(roles);
	g_snapshot_roles(names);
	t = updater(NOW, 0, NULL);
	r = target(t, "deep", NULL, msg);
	sgn_tuf_free(&t);
	return r;
}

Test(tuf, delegation_search_finds_the_32nd_role)
{
	char msg[SGN_ERRBUF_SIZE];

	/* targets and r0 .. r30: 32 roles */
	cr_assert_eq(deep_chain(30, msg), SGN_OK, "%s", msg);
}

Test(tuf, delegation_search_stops_after_32_roles)
{
	char msg[SGN_ERRBUF_SIZE];

	cr_assert_eq(deep_chain(31, msg), SGN_ERR_LIMIT, "%s", msg);
	cr_assert_str_eq(msg, "deep: not found in the first 32 roles searched");
}

/* The cache -------------------------------------------------------------- */

Test(tuf, eight_processes_updating_at_once_all_succeed)
{
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	struct sgn_tuf *t;
	pid_t pid[8];
	char *state;
	int i, st;

	/* a newer repository than the one the cache starts from */
	update_ok(NULL);
	G.targets_v = G.snap_v = G.ts_v = 2;
	G.t_data[0] = "{\"mediaType\":\"trusted root v2\"}\n";
	g_publish();
	for (i = 0; i < 8; i++) {
		pid[i] = fork();
		cr_assert_neq(pid[i], -1);
		if (pid[i] == 0) {
			struct sgn_tuf *c = updater(NOW, 0, NULL);
			uint8_t *p = NULL;
			size_t n;
			int ok;

			ok = sgn_tuf_update(c, NULL, NULL) == SGN_OK &&
			    sgn_tuf_get_target(c, "trusted_root.json", &p, &n,
			    NULL) == SGN_OK && n == strlen(G.t_data[0]) &&
			    memcmp(p, G.t_data[0], n) == 0;
			_exit(ok ? 0 : 1);
		}
	}
	for (i = 0; i < 8; i++) {
		cr_assert_eq(waitpid(pid[i], &st, 0), pid[i]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "process %d failed", i);
	}
	state = cache_state();
	cr_assert(!tu_has(state, ".tmp"), "%s", state);
	free(state);
	t = updater(NOW, 1, NULL);
	cr_assert_eq(sgn_tuf_load(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.timestamp.version, 2);
	cr_assert_eq(info.targets.version, 2);
	sgn_tuf_free(&t);
}

Test(tuf, readers_do_not_wait_for_an_update, .timeout = 20)
{
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	struct sgn_tuf *t;
	char path[1200];
	int fd;

	update_ok(&info);
	/* an update in progress elsewhere holds the lock */
	snprintf(path, sizeof(path), "%s/lock", info.cache_path);
	fd = open(path, O_RDWR);
	cr_assert_geq(fd, 0);
	cr_assert_eq(flock(fd, LOCK_EX), 0);
	t = updater(NOW, 1, NULL);
	cr_assert_eq(sgn_tuf_load(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.targets.version, 1);
	sgn_tuf_free(&t);
	close(fd);
}

Test(tuf, an_unusable_cache_directory_means_in_memory)
{
	struct sgn_tuf_opts o;
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	struct sgn_tuf *t = NULL;
	char msg[SGN_ERRBUF_SIZE];

	o = (struct sgn_tuf_opts)SGN_TUF_OPTS_INIT;
	o.root = G.root1;
	o.root_len = G.root1_len;
	o.from_dir = G.dir;
	o.cache_dir = "/dev/null/signet";
	o.now = NOW;
	cr_assert_eq(sgn_tuf_new(&o, &t, NULL), SGN_OK);
	cr_assert_eq(sgn_tuf_update(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.in_memory, 1);
	cr_assert(tu_has(info.cache_note, "working in memory"), "%s",
	    info.cache_note);
	cr_assert_eq(target(t, "trusted_root.json", NULL, msg), SGN_OK, "%s",
	    msg);
	/* the same updater keeps what it verified: a newer timestamp is
	 * taken, and going back to the old one is a rollback */
	G.ts_v = 2;
	g_timestamp(&G.tsk, 1);
	cr_assert_eq(sgn_tuf_update(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.timestamp.version, 2);
	G.ts_v = 1;
	g_timestamp(&G.tsk, 1);
	cr_assert_eq(sgn_tuf_update(t, &info, NULL), SGN_ERR_VERIFY);
	sgn_tuf_free(&t);
	/* and with none at all */
	o.cache_dir = NULL;
	cr_assert_eq(sgn_tuf_new(&o, &t, NULL), SGN_OK);
	cr_assert_eq(sgn_tuf_update(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.in_memory, 1);
	cr_assert_str_eq(info.cache_path, "");
	sgn_tuf_free(&t);
}

Test(tuf, a_read_only_cache_is_read_and_not_written)
{
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	struct sgn_tuf *t;
	char msg[SGN_ERRBUF_SIZE], *before, *after;

	char cmd[256];

	update_ok(NULL);
	G.ts_v = 2;
	g_timestamp(&G.tsk, 1);
	if (geteuid() == 0) {
		/* root writes through modes: make it immutable instead */
		snprintf(cmd, sizeof(cmd), "chattr -R +i %s 2>/dev/null",
		    G.cache);
		if (system(cmd) != 0)
			cr_skip_test("root, and no chattr +i on this file "
			    "system");
	} else
		tu_sh("chmod -R a-w %s", G.cache);
	before = cache_state();
	t = updater(NOW, 0, NULL);
	cr_assert_eq(sgn_tuf_update(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.in_memory, 1);
	cr_assert_eq(info.timestamp.version, 2);
	cr_assert_eq(target(t, "trusted_root.json", NULL, msg), SGN_OK, "%s",
	    msg);
	sgn_tuf_free(&t);
	after = cache_state();
	cr_assert_str_eq(after, before);
	free(before);
	free(after);
}

Test(tuf, an_interrupted_update_leaves_a_usable_cache)
{
	struct fetch_log log;
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	struct sgn_tuf *t;
	char *before, *after, path[1200];
	pid_t pid;
	int st;

	update_ok(&info);
	before = cache_state();
	G.targets_v = G.snap_v = G.ts_v = 2;
	g_publish();
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		memset(&log, 0, sizeof(log));
		log.kill_on = "2.targets.json";
		t = updater(NOW, 0, &log);
		(void)sgn_tuf_update(t, NULL, NULL);
		_exit(3);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	after = cache_state();
	cr_assert_str_eq(after, before);
	free(after);
	/* and a write cut short by a crash leaves its temporary file */
	snprintf(path, sizeof(path), "%s/meta.tmpAbCdEf", info.cache_path);
	tu_sh("head -c 100 %s/meta > %s", info.cache_path, path);
	t = updater(NOW, 1, NULL);
	cr_assert_eq(sgn_tuf_load(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.timestamp.version, 1);
	sgn_tuf_free(&t);
	update_ok(&info);
	cr_assert_eq(info.timestamp.version, 2);
	cr_assert_eq(info.targets.version, 2);
	free(before);
}

/* The conformance suite's client (conformance_tool.c) ------------------- */

static int
tool(const char *args)
{
	const char *b = getenv("BUILD");
	char bin[256], cmd[2048];
	int st;

	snprintf(bin, sizeof(bin), "%s/tools/tuf-conformance-client",
	    b != NULL && b[0] != '\0' ? b : "build");
	if (access(bin, X_OK) != 0)
		cr_skip_test("%s not built (make %s)", bin, bin);
	snprintf(cmd, sizeof(cmd), "%s --metadata-dir %s/md %s 2>/dev/null",
	    bin, G.cache, args);
	st = system(cmd);
	cr_assert(WIFEXITED(st), "%s", cmd);
	return WEXITSTATUS(st);
}

Test(tuf, conformance_client_speaks_the_suite_protocol)
{
	char args[1024], a[512], b[512];

	tu_sh("mkdir -p %s/md %s/td", G.cache, G.cache);
	snprintf(a, sizeof(a), "%s/root1.json", G.cache);
	{
		FILE *f = fopen(a, "wb");

		cr_assert_not_null(f);
		fwrite(G.root1, 1, G.root1_len, f);
		fclose(f);
	}
	snprintf(args, sizeof(args), "init %s", a);
	cr_assert_eq(tool(args), 0);
	snprintf(args, sizeof(args), "--metadata-url file://%s refresh",
	    G.dir);
	cr_assert_eq(tool(args), 0);
	tu_sh("cmp %s/timestamp.json %s/md/timestamp.json", G.dir, G.cache);
	tu_sh("cmp %s/1.targets.json %s/md/targets.json", G.dir, G.cache);
	snprintf(args, sizeof(args), "--metadata-url file://%s "
	    "--target-base-url file://%s/targets --target-dir %s/td "
	    "--target-name delegated/file.txt --target-name trusted_root.json "
	    "download", G.dir, G.dir, G.cache);
	cr_assert_eq(tool(args), 0);
	tu_sh("printf '%%s' '%s' | cmp - %s/td/delegated%%2Ffile.txt",
	    G.d_data[0], G.cache);
	tu_sh("cmp %s/1.deleg.json %s/md/deleg.json", G.dir, G.cache);
	/* cached: served again with the repository's copy gone */
	tu_sh("rm -rf %s/targets", G.dir);
	cr_assert_eq(tool(args), 0);
	/* a bad target fails the download */
	G.ts_v = 2;
	G.targets_v = G.snap_v = 2;
	G.t_data[0] = "{\"mediaType\":\"trusted root v2\"}\n";
	g_publish();
	snprintf(b, sizeof(b), "%s/targets", G.dir);
	tu_sh("cd %s && for f in *trusted_root.json; do printf x >> $f; done",
	    b);
	cr_assert_eq(tool(args), 1);
	/* and a rollback fails the refresh, the trusted files stay */
	G.ts_v = 1;
	g_timestamp(&G.tsk, 1);
	snprintf(args, sizeof(args), "--metadata-url file://%s refresh",
	    G.dir);
	cr_assert_eq(tool(args), 1);
	tu_sh("grep -q '\"version\":2}' %s/md/timestamp.json", G.cache);
}

/* Sigstore's real roots --------------------------------------------------- */

static sgn_err
chain_from(const char *dir, int start, int64_t now, char *msg, char *cache)
{
	struct sgn_tuf_opts o;
	struct sgn_tuf *t = NULL;
	struct sgn_errbuf eb;
	char path[256];
	uint8_t *root;
	size_t len;
	sgn_err r;

	snprintf(path, sizeof(path), "%s/%d.root.json", dir, start);
	root = tu_read(path, &len);
	o = (struct sgn_tuf_opts)SGN_TUF_OPTS_INIT;
	o.root = root;
	o.root_len = len;
	o.from_dir = dir;
	o.cache_dir = cache;
	o.now = now;
	sgn_errbuf_clear(&eb);
	r = sgn_tuf_new(&o, &t, &eb);
	if (r == SGN_OK)
		r = sgn_tuf_update(t, NULL, &eb);
	snprintf(msg, SGN_ERRBUF_SIZE, "%s", eb.msg);
	sgn_tuf_free(&t);
	free(root);
	return r;
}

/* 2026-08-25: root 15 and timestamp 762 are valid */
#define VECTORS_NOW	1787616000LL

Test(tuf, production_root_chain_verifies_to_15_from_any_version)
{
	char msg[SGN_ERRBUF_SIZE], path[512], dir[256];
	uint8_t *a, *b;
	size_t al, bl;
	int s;

	/*
	 * Every start works, root 1 included: root 2 is signed under root
	 * 1's key IDs by its hex-encoded P-256 keys (keytype
	 * "ecdsa-sha2-nistp256"), which clients without that key format
	 * (tuf-js) cannot read; the protocol's tools/tuf_check.py agrees.
	 */
	for (s = 15; s >= 1; s--) {
		tu_sh("rm -rf %s/*", G.cache);
		/* the chain and the timestamp verify; the snapshot is not
		 * part of the vectors */
		cr_assert_eq(chain_from("testdata/tuf/production", s,
		    VECTORS_NOW, msg, G.cache), SGN_ERR_IO, "from %d: %s", s,
		    msg);
		cr_assert_str_eq(msg, "165.snapshot.json: not in the "
		    "repository", "from %d", s);
	}
	/* persisted as verified from root 1: the last is root 15 */
	a = tu_read("testdata/tuf/production/15.root.json", &al);
	tu_sh("cd %s && ls */root/15.root.json > /dev/null", G.cache);
	tu_sh("cmp -s testdata/tuf/production/15.root.json "
	    "%s/*/root/15.root.json", G.cache);
	/* one byte of root 2 changed: the chain stops at root 1 */
	snprintf(dir, sizeof(dir), "%s/chain", G.dir);
	tu_sh("mkdir %s && cp testdata/tuf/production/*.json %s/ && "
	    "sed -i 's/\"expires\": \"2022/\"expires\": \"2032/' "
	    "%s/2.root.json", dir, dir, dir);
	tu_sh("rm -rf %s/*", G.cache);
	cr_assert_eq(chain_from(dir, 1, VECTORS_NOW, msg, G.cache),
	    SGN_ERR_VERIFY, "%s", msg);
	cr_assert_str_eq(msg, "2.root.json (by the keys of root version 1): "
	    "signed by 0 of the 3 keys needed");
	/* the built-in root is the newest */
	b = tu_read("third_party/sigstore/tuf/production_root.json", &bl);
	cr_assert(al == bl && memcmp(a, b, al) == 0);
	cr_assert_eq(sgn_tuf_builtin(0)->root_len, al);
	cr_assert(memcmp(sgn_tuf_builtin(0)->root, a, al) == 0);
	cr_assert_str_eq(sgn_tuf_builtin(0)->url,
	    "https://tuf-repo-cdn.sigstore.dev");
	free(a);
	free(b);
	(void)path;
}

Test(tuf, production_timestamp_expiry_is_checked)
{
	char msg[SGN_ERRBUF_SIZE];

	/* a day after timestamp 762 expired (root 15 still valid) */
	cr_assert_eq(chain_from("testdata/tuf/production", 14,
	    1787616000LL + 4 * DAY, msg, G.cache), SGN_ERR_VERIFY, "%s", msg);
	cr_assert(tu_has(msg, "timestamp.json version 762 expired at "
	    "2026-08-28T19:25:56Z"), "%s", msg);
	/* after root 15 expired: stops there */
	cr_assert_eq(chain_from("testdata/tuf/production", 14, NOW, msg,
	    G.cache), SGN_ERR_VERIFY, "%s", msg);
	cr_assert(tu_has(msg, "root.json version 15 expired at "
	    "2026-11-20T13:58:18Z"), "%s", msg);
}

Test(tuf, staging_root_chain_verifies_to_the_built_in_root)
{
	char msg[SGN_ERRBUF_SIZE];
	const struct sgn_tuf_repo *st = sgn_tuf_builtin(1);
	uint8_t *a;
	size_t al;
	int s;

	/* no timestamp in the vectors: the update stops after the chain */
	for (s = 14; s >= 1; s--) {
		tu_sh("rm -rf %s/*", G.cache);
		cr_assert_eq(chain_from("testdata/tuf/staging", s,
		    1760000000LL, msg, G.cache), SGN_ERR_IO, "from %d: %s", s,
		    msg);
		cr_assert_str_eq(msg, "timestamp.json: not in the repository");
	}
	tu_sh("cmp -s testdata/tuf/staging/14.root.json %s/*/root/14.root.json",
	    G.cache);
	a = tu_read("testdata/tuf/staging/14.root.json", &al);
	cr_assert(st->root_len == al && memcmp(st->root, a, al) == 0);
	cr_assert_str_eq(st->url, "https://tuf-repo-cdn.sigstage.dev");
	free(a);
}

Test(tuf, built_in_roots_are_self_signed)
{
	struct sgn_tuf_opts o;
	struct sgn_tuf *t = NULL;
	struct sgn_errbuf eb;
	int s;

	for (s = 0; s < 2; s++) {
		o = (struct sgn_tuf_opts)SGN_TUF_OPTS_INIT;
		o.root = sgn_tuf_builtin(s)->root;
		o.root_len = sgn_tuf_builtin(s)->root_len;
		o.offline = 1;
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_tuf_new(&o, &t, &eb), SGN_OK, "%s", eb.msg);
		sgn_tuf_free(&t);
	}
}

/* ctx: "NAME=value" strings, NULL-terminated */
static const char *
fake_env(void *ctx, const char *name)
{
	const char *const *e = ctx;
	size_t n = strlen(name);

	for (; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

Test(tuf, default_cache_dir_follows_the_environment)
{
	const char *all[] = { "HOME=/home/u", "XDG_CACHE_HOME=/x",
	    "SIGNET_CACHE_DIR=/s", NULL };
	const char *xdg[] = { "HOME=/home/u", "XDG_CACHE_HOME=/x", NULL };
	const char *rel[] = { "HOME=/home/u", "XDG_CACHE_HOME=x", NULL };
	const char *none[] = { "HOME=relative", NULL };
	char out[256];

	cr_assert_eq(sgn_tuf_default_cache_dir(fake_env, all, out,
	    sizeof(out), NULL), SGN_OK);
	cr_assert_str_eq(out, "/s");
	cr_assert_eq(sgn_tuf_default_cache_dir(fake_env, xdg, out,
	    sizeof(out), NULL), SGN_OK);
	cr_assert_str_eq(out, "/x/signet/tuf");
	/* a relative XDG_CACHE_HOME is ignored, as the spec says */
	cr_assert_eq(sgn_tuf_default_cache_dir(fake_env, rel, out,
	    sizeof(out), NULL), SGN_OK);
	cr_assert_str_eq(out, "/home/u/.cache/signet/tuf");
	cr_assert_eq(sgn_tuf_default_cache_dir(fake_env, none, out,
	    sizeof(out), NULL), SGN_ERR_TRUST);
	cr_assert_str_eq(out, "");
	cr_assert_eq(sgn_tuf_default_cache_dir(fake_env, all, out, 2, NULL),
	    SGN_ERR_LIMIT);
}

/* Structs with a size (core.h) ------------------------------------------ */

Test(tuf, options_and_info_of_size_0_are_refused_naming_their_initialiser)
{
	struct sgn_tuf_opts o = SGN_TUF_OPTS_INIT;
	struct sgn_tuf_info info = SGN_TUF_INFO_INIT;
	struct sgn_tuf *t = NULL;
	struct sgn_errbuf eb;

	o.root = G.root1;
	o.root_len = G.root1_len;
	o.from_dir = G.dir;
	o.now = NOW;
	o.size = 0;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tuf_new(&o, &t, &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "struct sgn_tuf_opts: size 0: initialise "
	    "it with SGN_TUF_OPTS_INIT");
	cr_assert_null(t);
	o.size = sizeof(o);
	cr_assert_eq(sgn_tuf_new(&o, &t, NULL), SGN_OK);
	info.size = 0;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tuf_update(t, &info, &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "struct sgn_tuf_info: size 0: initialise "
	    "it with SGN_TUF_INFO_INIT");
	info.size = sizeof(info);
	cr_assert_eq(sgn_tuf_update(t, &info, NULL), SGN_OK);
	cr_assert_eq(info.targets.version, 1);
	sgn_tuf_free(&t);
}

/* An older caller's options end before offline: the 1 there is not
 * theirs, and the update goes ahead. */
Test(tuf, older_options_read_the_newer_members_as_defaults)
{
	struct sgn_tuf_opts o = SGN_TUF_OPTS_INIT;
	struct sgn_tuf *t = NULL;
	struct sgn_errbuf eb;

	o.root = G.root1;
	o.root_len = G.root1_len;
	o.from_dir = G.dir;
	o.now = NOW;
	o.offline = 1;
	cr_assert_eq(sgn_tuf_new(&o, &t, NULL), SGN_OK);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tuf_update(t, NULL, &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "offline: no update");
	sgn_tuf_free(&t);
	o.size = offsetof(struct sgn_tuf_opts, offline);
	cr_assert_eq(sgn_tuf_new(&o, &t, NULL), SGN_OK);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_tuf_update(t, NULL, &eb), SGN_OK, "%s", eb.msg);
	sgn_tuf_free(&t);
}

/* An older caller's info ends before cache_note: nothing is written past
 * it. */
Test(tuf, an_older_info_is_filled_only_within_its_size)
{
	union {
		struct sgn_tuf_info	i;
		unsigned char		raw[sizeof(struct sgn_tuf_info)];
	} u;
	size_t size = offsetof(struct sgn_tuf_info, cache_note), i;
	struct sgn_tuf *t = updater(NOW, 0, NULL);

	memset(u.raw, 0xa5, sizeof(u.raw));
	u.i.size = size;
	cr_assert_eq(sgn_tuf_update(t, &u.i, NULL), SGN_OK);
	cr_assert_eq(u.i.size, size);
	cr_assert_eq(u.i.root.version, 1);
	cr_assert_eq(u.i.targets.version, 1);
	cr_assert_eq(u.i.last_update, NOW);
	for (i = size; i < sizeof(u.raw); i++)
		cr_assert_eq(u.raw[i], 0xa5, "byte %zu written", i);
	memset(u.raw, 0xa5, sizeof(u.raw));
	u.i.size = size;
	cr_assert_eq(sgn_tuf_info_get(t, &u.i, NULL), SGN_OK);
	cr_assert_eq(u.i.timestamp.version, 1);
	for (i = size; i < sizeof(u.raw); i++)
		cr_assert_eq(u.raw[i], 0xa5, "byte %zu written", i);
	sgn_tuf_free(&t);
}
