/*
 * tuf.c: the TUF client workflow (specification 1.0, sections 5.1-5.7)
 * and its cache.  The layout and the guarantees are described in tuf.h.
 *
 * The trusted state of an updater is rebuilt from the initial root on
 * every update() and load(): cached roots are verified one by one from
 * it, and the cached timestamp, snapshot, targets and delegated roles
 * against the root (and delegator) they end at.  Nothing read from the
 * cache is used before that.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core_int.h"
#include "http.h"
#include "json.h"
#include "tuf_int.h"

#define CACHE_MAGIC	"signet-tuf-cache 1\n"
/* the state file; delegated roles that would not fit are left out (and
 * fetched again when needed) */
#define CACHE_MAX	(64u * 1024 * 1024)
/* delegated roles kept by an updater, over all the searches it makes */
#define MAX_ROLES	256
#define MAX_NAME	512
#define MAX_STACK	1024

struct role_file {
	char		*name;
	struct tuf_meta	*m;	/* verified in this process, or NULL */
	uint8_t		*raw;	/* as cached or fetched */
	size_t		 len;
};

struct sgn_tuf {
	struct tuf_meta	*root0;
	sgn_tuf_fetch_fn fetch;
	void		*fetch_ctx;
	char		*from_dir;
	char		*url;
	struct sgn_http	*http;
	int		 own_http;
	int64_t		 now;
	int		 offline;
	int		 allow_expired;

	char		 dir[1024];	/* per-repository cache, or "" */
	int		 writable;
	char		 note[256];

	/* the trusted state */
	int		 ready;
	int64_t		 start;
	struct tuf_meta	*root;
	struct tuf_meta	*timestamp;
	struct tuf_meta	*snapshot;
	struct tuf_meta	*targets;
	struct role_file roles[MAX_ROLES];
	size_t		 nroles;
	int		 roles_dirty;
	int64_t		 last_update;
	int		 unchanged;
	int		 rotations;
	char		**prefetch;	/* NULL-terminated, or NULL */
	int		 locked;	/* update() holds the cache lock */
};

/* Fetching -------------------------------------------------------------- */

static sgn_err
fetch_dir(struct sgn_tuf *t, const char *path, size_t max, struct sgn_buf *b,
    int *found, struct sgn_errbuf *eb)
{
	char full[4096];
	struct stat st;
	uint8_t *p = NULL;
	size_t len = 0;
	int n;
	sgn_err r;

	n = snprintf(full, sizeof(full), "%s/%s", t->from_dir, path);
	if (n < 0 || (size_t)n >= sizeof(full))
		return sgn_errf(eb, SGN_ERR_IO, "%s: path too long", path);
	if (stat(full, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			*found = 0;
			return SGN_OK;
		}
		return sgn_errf(eb, SGN_ERR_IO, "%s: %s", full,
		    strerror(errno));
	}
	if ((r = sgn_file_read(full, max, &p, &len, eb)) != SGN_OK)
		return r;
	r = sgn_buf_append(b, p, len, eb);
	free(p);
	return r;
}

static sgn_err
fetch_http(struct sgn_tuf *t, const char *path, size_t max, struct sgn_buf *b,
    int *found, struct sgn_errbuf *eb)
{
#ifdef SGN_VERIFY_ONLY
	/* make VERIFY_ONLY=1: no network client is linked in. */
	(void)t;
	(void)path;
	(void)max;
	(void)b;
	(void)found;
	return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
	    "this signet was built to verify only");
#else
	struct sgn_http_request req;
	struct sgn_http_response res;
	char url[SGN_HTTP_MAX_URL];
	size_t ul = strlen(t->url);
	int n;
	sgn_err r;

	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	n = snprintf(url, sizeof(url), "%s%s%s", t->url,
	    ul > 0 && t->url[ul - 1] == '/' ? "" : "/", path);
	if (n < 0 || (size_t)n >= sizeof(url))
		return sgn_errf(eb, SGN_ERR_LIMIT, "%s: URL too long", path);
	req.method = "GET";
	req.url = url;
	if ((r = sgn_http_do(t->http, "TUF repository", &req, &res, eb)) !=
	    SGN_OK)
		goto out;
	if (res.status == 403 || res.status == 404) {
		*found = 0;
		r = SGN_OK;
		goto out;
	}
	if (res.status < 200 || res.status > 299) {
		r = sgn_errf(eb, SGN_ERR_HTTP_STATUS, "%s: HTTP status %ld",
		    url, res.status);
		goto out;
	}
	if (res.body.len > max) {
		r = sgn_errf(eb, SGN_ERR_LIMIT,
		    "%s: more than %zu bytes", path, max);
		goto out;
	}
	r = sgn_buf_append(b, res.body.ptr, res.body.len, eb);
out:
	sgn_http_response_reset(&res);
	return r;
#endif
}

/*
 * Reads repository file path, at most max bytes, into b (reset first).
 * *found = 0 when the repository does not have it.
 */
static sgn_err
repo_fetch(struct sgn_tuf *t, const char *path, size_t max, struct sgn_buf *b,
    int *found, struct sgn_errbuf *eb)
{
	sgn_err r;

	struct sgn_errbuf e;

	sgn_buf_reset(b);
	/* 0 would mean no cap to sgn_buf: one byte more is enough to see
	 * that an empty file is not */
	sgn_buf_init(b, max > 0 ? max : 1);
	sgn_errbuf_clear(&e);
	*found = 1;
	if (t->offline)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "%s: offline, not fetched", path);
	if (t->fetch != NULL)
		r = t->fetch(t->fetch_ctx, path, max, b, found, &e);
	else if (t->from_dir != NULL)
		r = fetch_dir(t, path, max, b, found, &e);
	else if (t->url != NULL)
		r = fetch_http(t, path, max, b, found, &e);
	else
		r = sgn_errf(&e, SGN_ERR_INVALID_ARGUMENT,
		    "no TUF repository given");
	if (r == SGN_OK && *found && b->len > max)
		r = SGN_ERR_LIMIT;
	/* endless data: one message whatever the transport */
	if (r == SGN_ERR_LIMIT)
		sgn_errf(eb, r, "%s: more than %zu bytes", path, max);
	else if (r != SGN_OK)
		sgn_errf(eb, r, "%s", e.msg);
	if (r != SGN_OK)
		sgn_buf_reset(b);
	return r;
}

/* Cache ----------------------------------------------------------------- */

/* name with every byte outside [A-Za-z0-9_.~-] percent-encoded, as
 * python-tuf quotes role names in URLs (urllib's quote(name, "")); no
 * '/' is left, and the result is only ever used after a prefix (a
 * version or a hash and a dot), so "." and ".." cannot come out alone */
static int
escape_name(const char *name, char *out, size_t outlen)
{
	static const char hx[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t o = 0;
	int keep;

	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    *p == '.' || *p == '~';
		if (o + 4 > outlen)
			return -1;
		if (keep)
			out[o++] = (char)*p;
		else {
			out[o++] = '%';
			out[o++] = hx[*p >> 4];
			out[o++] = hx[*p & 15];
		}
	}
	out[o] = '\0';
	return 0;
}

static int
mkdir_p(const char *path)
{
	char tmp[1024];
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return -1;
		tmp[i] = i == n ? '\0' : '/';
	}
	return 0;
}

static void
cache_setup(struct sgn_tuf *t, const char *base, const uint8_t *root,
    size_t len)
{
	uint8_t d[32];
	char hex[65], sub[1100];
	struct stat st;
	int fd, n;

	t->dir[0] = '\0';
	t->writable = 0;
	if (base == NULL || base[0] == '\0') {
		snprintf(t->note, sizeof(t->note), "no cache directory");
		return;
	}
	if (t->offline) {
		/* reading only: nothing is created */
		snprintf(t->note, sizeof(t->note), "offline: the cache is "
		    "read, not written");
		if (sgn_hash(SGN_HASH_SHA256, root, len, d, NULL) != SGN_OK)
			return;
		sgn_hex_encode(d, sizeof(d), hex);
		n = snprintf(t->dir, sizeof(t->dir), "%s/%s", base, hex);
		if (n < 0 || (size_t)n >= sizeof(t->dir) ||
		    stat(t->dir, &st) != 0 || !S_ISDIR(st.st_mode))
			t->dir[0] = '\0';
		return;
	}
	if (sgn_hash(SGN_HASH_SHA256, root, len, d, NULL) != SGN_OK)
		return;
	sgn_hex_encode(d, sizeof(d), hex);
	n = snprintf(t->dir, sizeof(t->dir), "%s/%s", base, hex);
	if (n < 0 || (size_t)n >= sizeof(t->dir)) {
		t->dir[0] = '\0';
		snprintf(t->note, sizeof(t->note), "cache path too long");
		return;
	}
	if (mkdir_p(t->dir) == 0 &&
	    snprintf(sub, sizeof(sub), "%s/root", t->dir) > 0 &&
	    (mkdir(sub, 0700) == 0 || errno == EEXIST) &&
	    snprintf(sub, sizeof(sub), "%s/targets", t->dir) > 0 &&
	    (mkdir(sub, 0700) == 0 || errno == EEXIST) &&
	    snprintf(sub, sizeof(sub), "%s/lock", t->dir) > 0 &&
	    (fd = open(sub, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) >= 0) {
		close(fd);
		if (access(t->dir, W_OK) == 0) {
			t->writable = 1;
			return;
		}
	}
	snprintf(t->note, sizeof(t->note), "cache %s not writable (%s): "
	    "working in memory", t->dir, strerror(errno));
	if (stat(t->dir, &st) != 0 || !S_ISDIR(st.st_mode))
		t->dir[0] = '\0';
}

/* Takes the cache lock (shared or exclusive); *fdp = -1 without one. */
static sgn_err
cache_lock(struct sgn_tuf *t, int excl, int *fdp, struct sgn_errbuf *eb)
{
	char path[1100];
	int fd;

	*fdp = -1;
	if (t->dir[0] == '\0')
		return SGN_OK;
	snprintf(path, sizeof(path), "%s/lock", t->dir);
	fd = open(path, (t->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC |
	    O_NOFOLLOW);
	if (fd < 0)
		return SGN_OK;	/* read-only cache without a lock file */
	while (flock(fd, excl ? LOCK_EX : LOCK_SH | LOCK_NB) != 0) {
		if (!excl && errno == EWOULDBLOCK) {
			/* a reader does not wait for an update (it may be
			 * slow on the network): every file is replaced
			 * atomically, and what it reads is verified */
			close(fd);
			return SGN_OK;
		}
		if (errno != EINTR) {
			close(fd);
			return sgn_errf(eb, SGN_ERR_IO, "%s: %s", path,
			    strerror(errno));
		}
	}
	*fdp = fd;
	return SGN_OK;
}

static void
cache_unlock(int *fdp)
{
	if (*fdp >= 0) {
		flock(*fdp, LOCK_UN);
		close(*fdp);
	}
	*fdp = -1;
}

/* Reads a cache file; *p = NULL when it is not there or unreadable. */
static void
cache_read(struct sgn_tuf *t, const char *rel, size_t max, uint8_t **p,
    size_t *len)
{
	char path[2048];

	*p = NULL;
	*len = 0;
	if (t->dir[0] == '\0' ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", t->dir, rel) >=
	    sizeof(path))
		return;
	if (sgn_file_read(path, max, p, len, NULL) != SGN_OK)
		*p = NULL;
}

static void
cache_write(struct sgn_tuf *t, const char *rel, const uint8_t *p, size_t len)
{
	char path[2048];
	struct sgn_errbuf e;

	if (!t->writable ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", t->dir, rel) >=
	    sizeof(path))
		return;
	sgn_errbuf_clear(&e);
	if (sgn_file_write_atomic(path, p, len, 0600, &e) != SGN_OK) {
		/* a full or read-only disk is not a verification failure */
		t->writable = 0;
		snprintf(t->note, sizeof(t->note), "cache not written: %s; "
		    "working in memory", e.msg);
	}
}

static sgn_err
put_entry(struct sgn_buf *b, const char *name, const uint8_t *p, size_t n,
    struct sgn_errbuf *eb)
{
	sgn_err r;

	if ((r = sgn_buf_appendf(b, eb, "%s %zu\n", name, n)) != SGN_OK ||
	    (r = sgn_buf_append(b, p, n, eb)) != SGN_OK)
		return r;
	return sgn_buf_append(b, "\n", 1, eb);
}

/* The state file: CACHE_MAGIC, then entries "<name> <len>\n<bytes>\n". */
static void
state_save(struct sgn_tuf *t)
{
	struct sgn_buf b;
	char name[MAX_NAME + 8], num[32];
	size_t i;
	int n;

	if (!t->writable)
		return;
	sgn_buf_init(&b, 0);
	n = snprintf(num, sizeof(num), "%lld", (long long)t->last_update);
	if (sgn_buf_append(&b, CACHE_MAGIC, strlen(CACHE_MAGIC), NULL) !=
	    SGN_OK ||
	    put_entry(&b, "updated", (const uint8_t *)num, (size_t)n, NULL) !=
	    SGN_OK ||
	    put_entry(&b, "timestamp", t->timestamp->raw, t->timestamp->raw_len,
	    NULL) != SGN_OK ||
	    put_entry(&b, "snapshot", t->snapshot->raw, t->snapshot->raw_len,
	    NULL) != SGN_OK ||
	    put_entry(&b, "targets", t->targets->raw, t->targets->raw_len,
	    NULL) != SGN_OK)
		goto out;
	for (i = 0; i < t->nroles; i++) {
		/* a name the format cannot hold is fetched again instead */
		if (strpbrk(t->roles[i].name, " \n") != NULL ||
		    t->roles[i].len > CACHE_MAX - b.len - 2 * MAX_NAME)
			continue;
		snprintf(name, sizeof(name), "role:%s", t->roles[i].name);
		if (put_entry(&b, name, t->roles[i].raw, t->roles[i].len,
		    NULL) != SGN_OK)
			goto out;
	}
	cache_write(t, "meta", b.ptr, b.len);
out:
	sgn_buf_reset(&b);
}

/* Iterates the entries of a state file: 1 with the next one, 0 at the
 * end, -1 when malformed. */
static int
state_next(const uint8_t *p, size_t len, size_t *off, char *name,
    size_t namelen, const uint8_t **v, size_t *vlen)
{
	size_t i = *off, j, n = 0;

	if (i == len)
		return 0;
	for (j = i; j < len && p[j] != ' ' && p[j] != '\n'; j++)
		;
	if (j == len || p[j] != ' ' || j == i || j - i >= namelen)
		return -1;
	memcpy(name, p + i, j - i);
	name[j - i] = '\0';
	for (j++; j < len && p[j] >= '0' && p[j] <= '9'; j++) {
		if (n > CACHE_MAX)
			return -1;
		n = n * 10 + (size_t)(p[j] - '0');
	}
	if (j == len || p[j] != '\n' || n > len - j - 1 ||
	    len - j - 1 - n < 1 || p[j + 1 + n] != '\n')
		return -1;
	*v = p + j + 1;
	*vlen = n;
	*off = j + 2 + n;
	return 1;
}

/* Trusted state --------------------------------------------------------- */

static void
roles_clear(struct sgn_tuf *t)
{
	size_t i;

	for (i = 0; i < t->nroles; i++) {
		free(t->roles[i].name);
		free(t->roles[i].raw);
		sgn_tuf_meta_free(&t->roles[i].m);
	}
	t->nroles = 0;
}

static void
state_clear(struct sgn_tuf *t)
{
	t->ready = 0;
	sgn_tuf_meta_free(&t->root);
	sgn_tuf_meta_free(&t->timestamp);
	sgn_tuf_meta_free(&t->snapshot);
	sgn_tuf_meta_free(&t->targets);
	roles_clear(t);
	t->last_update = 0;
	t->unchanged = 0;
	t->rotations = 0;
}

static sgn_err
role_add(struct sgn_tuf *t, const char *name, const uint8_t *p, size_t n,
    struct sgn_errbuf *eb)
{
	struct role_file *rf;

	if (t->nroles == MAX_ROLES)
		return sgn_errf(eb, SGN_ERR_LIMIT, "more than %d delegated "
		    "roles", MAX_ROLES);
	rf = &t->roles[t->nroles];
	memset(rf, 0, sizeof(*rf));
	if ((rf->name = strdup(name)) == NULL ||
	    (rf->raw = malloc(n + 1)) == NULL) {
		free(rf->name);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	memcpy(rf->raw, p, n);
	rf->len = n;
	t->nroles++;
	return SGN_OK;
}

/*
 * Accepts (p, n) as root version t->root->version + 1 (5.3.4-5.3.5): a
 * threshold of the trusted root's root keys and of its own, the version
 * exactly one more.  Drops the timestamp and snapshot when their keys
 * change (5.3.11).
 */
static sgn_err
root_next(struct sgn_tuf *t, const uint8_t *p, size_t n, const char *what,
    struct sgn_errbuf *eb)
{
	struct tuf_meta *m = NULL;
	char w[96];
	int64_t want = t->root->version + 1;
	sgn_err r;

	if ((r = sgn_tuf_meta_parse(p, n, TUF_ROOT, what, &m, eb)) != SGN_OK)
		goto out;
	snprintf(w, sizeof(w), "%s (by the keys of root version %lld)", what,
	    (long long)t->root->version);
	if ((r = sgn_tuf_meta_verify(m, t->root->keys,
	    t->root->roles[TUF_ROOT].keyids, t->root->roles[TUF_ROOT].threshold,
	    w, eb)) != SGN_OK)
		goto out;
	snprintf(w, sizeof(w), "%s (by its own keys)", what);
	if ((r = sgn_tuf_meta_verify(m, m->keys, m->roles[TUF_ROOT].keyids,
	    m->roles[TUF_ROOT].threshold, w, eb)) != SGN_OK)
		goto out;
	if (m->version != want) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: version %lld, expected "
		    "%lld", what, (long long)m->version, (long long)want);
		goto out;
	}
	if (!sgn_tuf_role_equal(&m->roles[TUF_TIMESTAMP],
	    &t->root->roles[TUF_TIMESTAMP]) ||
	    !sgn_tuf_role_equal(&m->roles[TUF_SNAPSHOT],
	    &t->root->roles[TUF_SNAPSHOT])) {
		/* 5.3.11: recovers from a fast-forward attack */
		sgn_tuf_meta_free(&t->timestamp);
		sgn_tuf_meta_free(&t->snapshot);
	}
	sgn_tuf_meta_free(&t->root);
	t->root = m;
	m = NULL;
	r = SGN_OK;
out:
	sgn_tuf_meta_free(&m);
	return r;
}

/* The fileinfo meta[key] of a timestamp or snapshot. */
static sgn_err
meta_info(const struct tuf_meta *m, const char *key, const char *what,
    struct tuf_fileinfo *fi, struct sgn_errbuf *eb)
{
	const cJSON *meta, *e;
	char where[MAX_NAME + 64];
	sgn_err r;

	if ((r = sgn_json_get_object(m->signed_, "meta", SGN_JSON_REQUIRED,
	    what, &meta, eb)) != SGN_OK)
		return r;
	snprintf(where, sizeof(where), "%s.meta.%s", what, key);
	if ((e = sgn_json_member(meta, key)) == NULL)
		return sgn_errf(eb, SGN_ERR_VERIFY, "%s: not listed", where);
	return sgn_tuf_fileinfo_parse(e, 1, where, fi, eb);
}

/* Verifies a timestamp against the trusted root. */
static sgn_err
check_timestamp(struct sgn_tuf *t, struct tuf_meta *m, struct sgn_errbuf *eb)
{
	struct tuf_fileinfo fi;
	sgn_err r;

	if ((r = sgn_tuf_meta_verify(m, t->root->keys,
	    t->root->roles[TUF_TIMESTAMP].keyids,
	    t->root->roles[TUF_TIMESTAMP].threshold, "timestamp.json",
	    eb)) != SGN_OK)
		return r;
	return meta_info(m, "snapshot.json", "timestamp.json", &fi, eb);
}

/* Verifies a snapshot against the root and the trusted timestamp. */
static sgn_err
check_snapshot(struct sgn_tuf *t, struct tuf_meta *m, struct sgn_errbuf *eb)
{
	struct tuf_fileinfo fi;
	sgn_err r;

	if ((r = meta_info(t->timestamp, "snapshot.json", "timestamp.json",
	    &fi, eb)) != SGN_OK)
		return r;
	if ((r = sgn_tuf_fileinfo_check(&fi, m->raw, m->raw_len, 0,
	    "snapshot.json", eb)) != SGN_OK)
		return r;
	if ((r = sgn_tuf_meta_verify(m, t->root->keys,
	    t->root->roles[TUF_SNAPSHOT].keyids,
	    t->root->roles[TUF_SNAPSHOT].threshold, "snapshot.json", eb)) !=
	    SGN_OK)
		return r;
	if (m->version != fi.version)
		return sgn_errf(eb, SGN_ERR_VERIFY, "snapshot.json: version "
		    "%lld, but the timestamp lists %lld", (long long)m->version,
		    (long long)fi.version);
	return meta_info(m, "targets.json", "snapshot.json", &fi, eb);
}

/* Verifies the top-level targets against the root and the snapshot. */
static sgn_err
check_targets(struct sgn_tuf *t, struct tuf_meta *m, struct sgn_errbuf *eb)
{
	struct tuf_fileinfo fi;
	sgn_err r;

	if ((r = meta_info(t->snapshot, "targets.json", "snapshot.json", &fi,
	    eb)) != SGN_OK)
		return r;
	if ((r = sgn_tuf_fileinfo_check(&fi, m->raw, m->raw_len, 0,
	    "targets.json", eb)) != SGN_OK)
		return r;
	if ((r = sgn_tuf_meta_verify(m, t->root->keys,
	    t->root->roles[TUF_TARGETS].keyids,
	    t->root->roles[TUF_TARGETS].threshold, "targets.json", eb)) !=
	    SGN_OK)
		return r;
	if (m->version != fi.version)
		return sgn_errf(eb, SGN_ERR_VERIFY, "targets.json: version "
		    "%lld, but the snapshot lists %lld", (long long)m->version,
		    (long long)fi.version);
	return SGN_OK;
}

/*
 * Rebuilds the trusted state from the initial root and the cache: each
 * cached root verified from the previous one, then the cached timestamp,
 * snapshot and targets against it.  What does not verify is left out (an
 * update fetches it again).  Expiry is not checked here.
 */
static sgn_err
state_load(struct sgn_tuf *t, struct sgn_errbuf *eb)
{
	uint8_t *p = NULL;
	const uint8_t *v;
	size_t len, vlen, off;
	char rel[64], name[MAX_NAME + 8];
	struct tuf_meta *ts = NULL, *sn = NULL, *tg = NULL;
	int i, k;
	sgn_err r;

	/* without a writable cache, what this process verified before is
	 * the newest trusted state (a read-only cache never changes) */
	if (!t->writable && t->root != NULL)
		return SGN_OK;
	state_clear(t);
	if ((r = sgn_tuf_meta_parse(t->root0->raw, t->root0->raw_len, TUF_ROOT,
	    "root.json", &t->root, eb)) != SGN_OK)
		return r;
	for (i = 0; i < SGN_TUF_MAX_ROOT_ROTATIONS; i++) {
		snprintf(rel, sizeof(rel), "root/%lld.root.json",
		    (long long)t->root->version + 1);
		cache_read(t, rel, SGN_TUF_MAX_ROOT_BYTES, &p, &len);
		if (p == NULL)
			break;
		r = root_next(t, p, len, rel, NULL);
		free(p);
		p = NULL;
		if (r != SGN_OK)
			break;
	}
	cache_read(t, "meta", CACHE_MAX, &p, &len);
	if (p == NULL)
		return SGN_OK;
	if (len < strlen(CACHE_MAGIC) ||
	    memcmp(p, CACHE_MAGIC, strlen(CACHE_MAGIC)) != 0)
		goto out;
	off = strlen(CACHE_MAGIC);
	while ((k = state_next(p, len, &off, name, sizeof(name), &v,
	    &vlen)) == 1) {
		if (strcmp(name, "updated") == 0) {
			char num[32];

			if (vlen == 0 || vlen >= sizeof(num))
				goto out;
			memcpy(num, v, vlen);
			num[vlen] = '\0';
			if (sgn_json_parse_int64(num, &t->last_update) !=
			    SGN_OK)
				t->last_update = 0;
		} else if (strcmp(name, "timestamp") == 0 && ts == NULL) {
			if (sgn_tuf_meta_parse(v, vlen, TUF_TIMESTAMP,
			    "timestamp.json", &ts, NULL) != SGN_OK)
				goto out;
		} else if (strcmp(name, "snapshot") == 0 && sn == NULL) {
			if (sgn_tuf_meta_parse(v, vlen, TUF_SNAPSHOT,
			    "snapshot.json", &sn, NULL) != SGN_OK)
				goto out;
		} else if (strcmp(name, "targets") == 0 && tg == NULL) {
			if (sgn_tuf_meta_parse(v, vlen, TUF_TARGETS,
			    "targets.json", &tg, NULL) != SGN_OK)
				goto out;
		} else if (strncmp(name, "role:", 5) == 0) {
			if (role_add(t, name + 5, v, vlen, NULL) != SGN_OK)
				goto out;
		} else
			goto out;
	}
	if (k != 0 || ts == NULL || check_timestamp(t, ts, NULL) != SGN_OK)
		goto out;
	t->timestamp = ts;
	ts = NULL;
	if (sn == NULL || check_snapshot(t, sn, NULL) != SGN_OK)
		goto out;
	t->snapshot = sn;
	sn = NULL;
	if (tg == NULL || check_targets(t, tg, NULL) != SGN_OK)
		goto out;
	t->targets = tg;
	tg = NULL;
out:
	if (t->targets == NULL)
		roles_clear(t);
	free(p);
	sgn_tuf_meta_free(&ts);
	sgn_tuf_meta_free(&sn);
	sgn_tuf_meta_free(&tg);
	return SGN_OK;
}

static void
fill_role(struct sgn_tuf_role_info *ri, const struct tuf_meta *m,
    int64_t now)
{
	memset(ri, 0, sizeof(*ri));
	if (m == NULL)
		return;
	ri->present = 1;
	ri->version = m->version;
	ri->expires = m->expires;
	ri->expired = sgn_tuf_expired(m, now);
}

/* A caller's info (may be NULL): its size checked, cleared within it. */
static sgn_err
info_open(struct sgn_tuf_info *info, struct sgn_errbuf *eb)
{
	sgn_err r;

	if (info == NULL)
		return SGN_OK;
	if ((r = sgn_sized_check(info, sizeof(*info), "sgn_tuf_info", eb)) !=
	    SGN_OK)
		return r;
	memset((char *)info + sizeof(info->size), 0,
	    info->size - sizeof(info->size));
	return SGN_OK;
}

/* Fills an info checked by info_open(), within its size. */
static void
fill_info(const struct sgn_tuf *t, struct sgn_tuf_info *info)
{
	struct sgn_tuf_info full = SGN_TUF_INFO_INIT;

	if (info == NULL)
		return;
	fill_role(&full.root, t->root, t->start);
	fill_role(&full.timestamp, t->timestamp, t->start);
	fill_role(&full.snapshot, t->snapshot, t->start);
	fill_role(&full.targets, t->targets, t->start);
	full.last_update = t->last_update;
	full.unchanged = t->unchanged;
	full.root_rotations = t->rotations;
	full.in_memory = !t->writable;
	snprintf(full.cache_note, sizeof(full.cache_note), "%s", t->note);
	snprintf(full.cache_path, sizeof(full.cache_path), "%s", t->dir);
	sgn_sized_out(info, &full, sizeof(full));
}

static sgn_err
expired_err(const struct tuf_meta *m, const char *what, int64_t now,
    struct sgn_errbuf *eb)
{
	char ts[SGN_TIME_STRLEN];

	if (!sgn_tuf_expired(m, now))
		return SGN_OK;
	sgn_time_format(m->expires, ts);
	return sgn_errf(eb, SGN_ERR_VERIFY, "%s version %lld expired at %s",
	    what, (long long)m->version, ts);
}

/* Fetches, checks and parses a metadata file. */
static sgn_err
fetch_meta(struct sgn_tuf *t, const char *path, enum tuf_type type,
    const struct tuf_fileinfo *fi, size_t cap, struct tuf_meta **out,
    struct sgn_errbuf *eb)
{
	struct sgn_buf b;
	int found;
	sgn_err r;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	if (fi != NULL && fi->length >= 0 && (uint64_t)fi->length < cap)
		cap = (size_t)fi->length;
	if ((r = repo_fetch(t, path, cap, &b, &found, eb)) != SGN_OK)
		goto out;
	if (!found) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: not in the repository",
		    path);
		goto out;
	}
	if (fi != NULL && (r = sgn_tuf_fileinfo_check(fi, b.ptr, b.len, 0, path,
	    eb)) != SGN_OK)
		goto out;
	r = sgn_tuf_meta_parse(b.ptr, b.len, type, path, out, eb);
out:
	sgn_buf_reset(&b);
	return r;
}

/* Update ---------------------------------------------------------------- */

static sgn_err
update_roots(struct sgn_tuf *t, struct sgn_errbuf *eb)
{
	struct sgn_buf b;
	char path[64];
	int i, found;
	sgn_err r = SGN_OK;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < SGN_TUF_MAX_ROOT_ROTATIONS; i++) {
		snprintf(path, sizeof(path), "%lld.root.json",
		    (long long)t->root->version + 1);
		if ((r = repo_fetch(t, path, SGN_TUF_MAX_ROOT_BYTES, &b, &found,
		    eb)) != SGN_OK)
			break;
		if (!found)
			break;
		if ((r = root_next(t, b.ptr, b.len, path, eb)) != SGN_OK)
			break;
		t->rotations++;
		/* 5.3.8: persisted as soon as it is trusted */
		snprintf(path, sizeof(path), "root/%lld.root.json",
		    (long long)t->root->version);
		cache_write(t, path, b.ptr, b.len);
	}
	sgn_buf_reset(&b);
	return r;
}

/*
 * 5.5 and 5.6, the step snapshot and targets share: file ("snapshot.json")
 * as the trusted referrer from (named from_name) lists it.  The trusted
 * copy old stays when it has that version and still checks (*outp NULL);
 * else the file is fetched (as "<version>.<file>" under consistent
 * snapshots) within the listed length, hashes and cap, parsed, checked
 * with check and handed over; the caller's rollback checks come next.
 */
static sgn_err
fetch_listed(struct sgn_tuf *t, const struct tuf_meta *from,
    const char *from_name, const char *file, enum tuf_type type, size_t cap,
    struct tuf_meta *old,
    sgn_err (*check)(struct sgn_tuf *, struct tuf_meta *,
    struct sgn_errbuf *), struct tuf_meta **outp, struct sgn_errbuf *eb)
{
	struct tuf_fileinfo fi;
	char path[64];
	sgn_err r;

	*outp = NULL;
	if ((r = meta_info(from, file, from_name, &fi, eb)) != SGN_OK)
		return r;
	if (old != NULL && old->version == fi.version &&
	    check(t, old, NULL) == SGN_OK)
		return SGN_OK;
	if (t->root->consistent)
		snprintf(path, sizeof(path), "%lld.%s", (long long)fi.version,
		    file);
	else
		snprintf(path, sizeof(path), "%s", file);
	if ((r = fetch_meta(t, path, type, &fi, cap, outp, eb)) != SGN_OK ||
	    (r = check(t, *outp, eb)) != SGN_OK)
		sgn_tuf_meta_free(outp);
	return r;
}

static sgn_err
update_timestamp(struct sgn_tuf *t, struct sgn_errbuf *eb)
{
	struct tuf_meta *m = NULL;
	struct tuf_fileinfo nfi, ofi;
	sgn_err r;

	if ((r = fetch_meta(t, "timestamp.json", TUF_TIMESTAMP, NULL,
	    SGN_TUF_MAX_TIMESTAMP_BYTES, &m, eb)) != SGN_OK ||
	    (r = check_timestamp(t, m, eb)) != SGN_OK)
		goto out;
	if (t->timestamp != NULL) {
		if (m->version < t->timestamp->version) {
			r = sgn_errf(eb, SGN_ERR_VERIFY, "timestamp.json: "
			    "version %lld is older than the trusted %lld "
			    "(rollback)", (long long)m->version,
			    (long long)t->timestamp->version);
			goto out;
		}
		if (m->version == t->timestamp->version) {
			/* 5.4.3.2: nothing new; the trusted copy stays */
			t->unchanged = 1;
			r = SGN_OK;
			goto out;
		}
		if ((r = meta_info(m, "snapshot.json", "timestamp.json", &nfi,
		    eb)) != SGN_OK ||
		    (r = meta_info(t->timestamp, "snapshot.json",
		    "timestamp.json", &ofi, eb)) != SGN_OK)
			goto out;
		if (nfi.version < ofi.version) {
			r = sgn_errf(eb, SGN_ERR_VERIFY, "timestamp.json: "
			    "snapshot version %lld is older than the trusted "
			    "%lld (rollback)", (long long)nfi.version,
			    (long long)ofi.version);
			goto out;
		}
	}
	sgn_tuf_meta_free(&t->timestamp);
	t->timestamp = m;
	m = NULL;
	r = SGN_OK;
out:
	sgn_tuf_meta_free(&m);
	return r;
}

static sgn_err
update_snapshot(struct sgn_tuf *t, struct sgn_errbuf *eb)
{
	struct tuf_meta *m = NULL;
	struct tuf_fileinfo ofi, nfi;
	const cJSON *ometa, *e;
	char where[MAX_NAME + 32];
	sgn_err r;

	if ((r = fetch_listed(t, t->timestamp, "timestamp.json",
	    "snapshot.json", TUF_SNAPSHOT, SGN_TUF_MAX_SNAPSHOT_BYTES,
	    t->snapshot, check_snapshot, &m, eb)) != SGN_OK || m == NULL)
		return r;
	if (t->snapshot != NULL) {
		/* 5.5.5: no role dropped, no version going back */
		ometa = sgn_json_member(t->snapshot->signed_, "meta");
		for (e = ometa->child; e != NULL; e = e->next) {
			snprintf(where, sizeof(where), "snapshot.json: %.*s",
			    MAX_NAME, e->string);
			if ((r = sgn_tuf_fileinfo_parse(e, 1, where, &ofi,
			    eb)) != SGN_OK)
				goto out;
			if (sgn_json_member(sgn_json_member(m->signed_, "meta"),
			    e->string) == NULL) {
				r = sgn_errf(eb, SGN_ERR_VERIFY,
				    "%s: no longer listed (rollback)", where);
				goto out;
			}
			if ((r = meta_info(m, e->string, "snapshot.json", &nfi,
			    eb)) != SGN_OK)
				goto out;
			if (nfi.version < ofi.version) {
				r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: version "
				    "%lld is older than the trusted %lld "
				    "(rollback)", where, (long long)nfi.version,
				    (long long)ofi.version);
				goto out;
			}
		}
	}
	sgn_tuf_meta_free(&t->snapshot);
	t->snapshot = m;
	m = NULL;
	r = SGN_OK;
out:
	sgn_tuf_meta_free(&m);
	return r;
}

static sgn_err
update_targets(struct sgn_tuf *t, struct sgn_errbuf *eb)
{
	struct tuf_meta *m = NULL;
	sgn_err r;

	if ((r = fetch_listed(t, t->snapshot, "snapshot.json",
	    "targets.json", TUF_TARGETS, SGN_TUF_MAX_TARGETS_BYTES,
	    t->targets, check_targets, &m, eb)) != SGN_OK || m == NULL)
		return r;
	sgn_tuf_meta_free(&t->targets);
	t->targets = m;
	return SGN_OK;
}

/* Drops cached delegated roles the new snapshot no longer lists at their
 * version; they are fetched again when needed. */
static void
roles_prune(struct sgn_tuf *t)
{
	struct tuf_fileinfo fi;
	char key[MAX_NAME + 8];
	size_t i, j;

	for (i = j = 0; i < t->nroles; i++) {
		struct role_file *rf = &t->roles[i];
		struct tuf_meta *m = NULL;

		snprintf(key, sizeof(key), "%s.json", rf->name);
		if (meta_info(t->snapshot, key, "snapshot.json", &fi, NULL) ==
		    SGN_OK && sgn_tuf_meta_parse(rf->raw, rf->len, TUF_TARGETS,
		    key, &m, NULL) == SGN_OK && m->version == fi.version) {
			sgn_tuf_meta_free(&m);
			t->roles[j++] = *rf;
			continue;
		}
		sgn_tuf_meta_free(&m);
		free(rf->name);
		free(rf->raw);
		sgn_tuf_meta_free(&rf->m);
	}
	t->nroles = j;
}

static sgn_err	target_get(struct sgn_tuf *, const char *, uint8_t **,
		    size_t *, int *, struct sgn_errbuf *);

/*
 * The targets the caller needs, fetched and checked before the update
 * commits: a bad or missing one leaves the previous state in use.  The
 * target files are named by their hashes, so writing them first changes
 * nothing for a reader of the old state.
 */
static sgn_err
prefetch(struct sgn_tuf *t, struct sgn_errbuf *eb)
{
	struct sgn_errbuf tmp;
	uint8_t *p;
	size_t i, n;
	int absent;
	sgn_err r;

	for (i = 0; t->prefetch != NULL && t->prefetch[i] != NULL; i++) {
		absent = 0;
		sgn_errbuf_clear(&tmp);
		t->locked = 1;
		r = target_get(t, t->prefetch[i], &p, &n, &absent, &tmp);
		t->locked = 0;
		if (r == SGN_OK) {
			free(p);
			continue;
		}
		if (absent)
			continue;
		return sgn_errf(eb, r, "%s", tmp.msg);
	}
	return SGN_OK;
}

static int64_t
start_time(const struct sgn_tuf *t)
{
	return t->now != 0 ? t->now : (int64_t)time(NULL);
}

sgn_err
sgn_tuf_update(struct sgn_tuf *t, struct sgn_tuf_info *info,
    struct sgn_errbuf *eb)
{
	int fd = -1;
	sgn_err r;

	if ((r = info_open(info, eb)) != SGN_OK)
		return r;
	if (t == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no updater");
	if (t->offline)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "offline: no update");
	/* 5.1: one start time for every expiry check */
	t->start = start_time(t);
	t->unchanged = 0;
	t->rotations = 0;
	if ((r = cache_lock(t, 1, &fd, eb)) != SGN_OK)
		return r;
	if ((r = state_load(t, eb)) != SGN_OK ||
	    (r = update_roots(t, eb)) != SGN_OK ||
	    (r = expired_err(t->root, "root.json", t->start, eb)) != SGN_OK ||
	    (r = update_timestamp(t, eb)) != SGN_OK ||
	    (r = expired_err(t->timestamp, "timestamp.json", t->start, eb)) !=
	    SGN_OK ||
	    (r = update_snapshot(t, eb)) != SGN_OK ||
	    (r = expired_err(t->snapshot, "snapshot.json", t->start, eb)) !=
	    SGN_OK ||
	    (r = update_targets(t, eb)) != SGN_OK ||
	    (r = expired_err(t->targets, "targets.json", t->start, eb)) !=
	    SGN_OK)
		goto out;
	roles_prune(t);
	if ((r = prefetch(t, eb)) != SGN_OK)
		goto out;
	t->last_update = t->start;
	/* the one commit of the update: a single rename */
	state_save(t);
	t->ready = 1;
	fill_info(t, info);
	r = SGN_OK;
out:
	cache_unlock(&fd);
	if (r != SGN_OK)
		t->ready = 0;
	return r;
}

sgn_err
sgn_tuf_load(struct sgn_tuf *t, struct sgn_tuf_info *info,
    struct sgn_errbuf *eb)
{
	int fd = -1;
	sgn_err r;

	if ((r = info_open(info, eb)) != SGN_OK)
		return r;
	if (t == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no updater");
	t->start = start_time(t);
	if ((r = cache_lock(t, 0, &fd, eb)) != SGN_OK)
		return r;
	if ((r = state_load(t, eb)) != SGN_OK)
		goto out;
	if (t->targets == NULL) {
		r = sgn_errf(eb, SGN_ERR_TRUST, "the TUF cache holds no "
		    "verified metadata%s%s", t->dir[0] != '\0' ? " in " : "",
		    t->dir);
		goto out;
	}
	if (!t->allow_expired &&
	    ((r = expired_err(t->root, "root.json", t->start, eb)) != SGN_OK ||
	    (r = expired_err(t->timestamp, "timestamp.json", t->start, eb)) !=
	    SGN_OK ||
	    (r = expired_err(t->snapshot, "snapshot.json", t->start, eb)) !=
	    SGN_OK ||
	    (r = expired_err(t->targets, "targets.json", t->start, eb)) !=
	    SGN_OK))
		goto out;
	t->ready = 1;
	fill_info(t, info);
	r = SGN_OK;
out:
	cache_unlock(&fd);
	if (r != SGN_OK)
		t->ready = 0;
	return r;
}

/* Targets (5.7) ---------------------------------------------------------- */

/* A target name: printable ASCII path, no empty, "." or ".."
 * component, nothing a URL or a file system would reinterpret. */
static int
name_ok(const char *name)
{
	const char *p, *c = name;
	size_t n = strlen(name);

	if (n == 0 || n > MAX_NAME)
		return 0;
	for (p = name;; p++) {
		if (*p == '/' || *p == '\0') {
			if (p == c || (p - c == 1 && c[0] == '.') ||
			    (p - c == 2 && c[0] == '.' && c[1] == '.'))
				return 0;
			if (*p == '\0')
				return 1;
			c = p + 1;
			continue;
		}
		if (*p <= ' ' || *p >= 0x7f || *p == '\\' || *p == '%' ||
		    *p == '?' || *p == '#')
			return 0;
	}
}

static int
role_matches(const cJSON *role, const char *name)
{
	const cJSON *paths, *p;
	uint8_t d[32];
	char hex[65];

	if ((paths = sgn_json_member(role, "paths")) != NULL) {
		for (p = paths->child; p != NULL; p = p->next)
			if (sgn_tuf_path_match(p->valuestring, name))
				return 1;
		return 0;
	}
	paths = sgn_json_member(role, "path_hash_prefixes");
	if (sgn_hash(SGN_HASH_SHA256, name, strlen(name), d, NULL) != SGN_OK)
		return 0;
	sgn_hex_encode(d, sizeof(d), hex);
	for (p = paths->child; p != NULL; p = p->next)
		if (strncmp(hex, p->valuestring, strlen(p->valuestring)) == 0)
			return 1;
	return 0;
}

/*
 * The verified metadata of delegated role name, delegated by parent with
 * the role object: from the cache of this updater when it verifies
 * against the current delegator and the snapshot's version, else fetched.
 */
static sgn_err
get_role(struct sgn_tuf *t, const struct tuf_meta *parent, const cJSON *role,
    const struct tuf_meta **out, struct sgn_errbuf *eb)
{
	const cJSON *keys = sgn_json_member(parent->delegations, "keys");
	const char *name = sgn_json_member(role, "name")->valuestring;
	struct role_file *rf = NULL;
	struct tuf_meta *m = NULL;
	struct tuf_fileinfo fi;
	struct tuf_role tr;
	char key[MAX_NAME + 8], esc[3 * MAX_NAME + 1], path[4 * MAX_NAME];
	size_t i;
	sgn_err r;

	*out = NULL;
	if (strlen(name) > MAX_NAME || escape_name(name, esc, sizeof(esc)) != 0)
		return sgn_errf(eb, SGN_ERR_LIMIT, "role name too long");
	snprintf(key, sizeof(key), "%s.json", name);
	if ((r = sgn_tuf_role_parse(role, key, &tr, eb)) != SGN_OK ||
	    (r = meta_info(t->snapshot, key, "snapshot.json", &fi, eb)) !=
	    SGN_OK)
		return r;
	for (i = 0; i < t->nroles; i++)
		if (strcmp(t->roles[i].name, name) == 0)
			rf = &t->roles[i];
	if (rf != NULL) {
		/* re-verified against its current delegator every time */
		sgn_tuf_meta_free(&rf->m);
		if (sgn_tuf_meta_parse(rf->raw, rf->len, TUF_TARGETS, key, &m,
		    NULL) == SGN_OK &&
		    sgn_tuf_fileinfo_check(&fi, m->raw, m->raw_len, 0, key,
		    NULL) == SGN_OK && m->version == fi.version &&
		    sgn_tuf_meta_verify(m, keys, tr.keyids, tr.threshold, key,
		    NULL) == SGN_OK &&
		    (t->allow_expired || !sgn_tuf_expired(m, t->start))) {
			rf->m = m;
			*out = m;
			return SGN_OK;
		}
		sgn_tuf_meta_free(&m);
	}
	if (t->offline)
		return sgn_errf(eb, SGN_ERR_TRUST, "%s: not in the cache "
		    "(offline)", key);
	if (t->root->consistent)
		snprintf(path, sizeof(path), "%lld.%s.json",
		    (long long)fi.version, esc);
	else
		snprintf(path, sizeof(path), "%s.json", esc);
	if ((r = fetch_meta(t, path, TUF_TARGETS, &fi,
	    SGN_TUF_MAX_TARGETS_BYTES, &m, eb)) != SGN_OK ||
	    (r = sgn_tuf_meta_verify(m, keys, tr.keyids, tr.threshold, key,
	    eb)) != SGN_OK)
		goto out;
	if (m->version != fi.version) {
		r = sgn_errf(eb, SGN_ERR_VERIFY, "%s: version %lld, but the "
		    "snapshot lists %lld", key, (long long)m->version,
		    (long long)fi.version);
		goto out;
	}
	if ((r = expired_err(m, key, t->start, eb)) != SGN_OK)
		goto out;
	if (rf == NULL) {
		if ((r = role_add(t, name, m->raw, m->raw_len, eb)) != SGN_OK)
			goto out;
		rf = &t->roles[t->nroles - 1];
	} else {
		uint8_t *raw = malloc(m->raw_len + 1);

		if (raw == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		memcpy(raw, m->raw, m->raw_len);
		free(rf->raw);
		rf->raw = raw;
		rf->len = m->raw_len;
	}
	t->roles_dirty = 1;
	rf->m = m;
	*out = m;
	m = NULL;
	r = SGN_OK;
out:
	sgn_tuf_meta_free(&m);
	return r;
}

struct visit {
	const struct tuf_meta	*parent;	/* NULL for "targets" */
	const cJSON		*role;
};

/* 5.7.3: pre-order depth-first search of the delegations for name. */
static sgn_err
find_target(struct sgn_tuf *t, const char *name, const cJSON **out,
    int *absent, struct sgn_errbuf *eb)
{
	struct visit *stack = NULL, v;
	const char *visited[SGN_TUF_MAX_DELEGATIONS];
	const struct tuf_meta *m;
	const cJSON *roles, *role, *ti;
	size_t n = 0, nvisited = 0, i, first;
	int seen;
	sgn_err r;

	*out = NULL;
	if ((stack = calloc(MAX_STACK, sizeof(*stack))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	stack[n++] = (struct visit){ NULL, NULL };
	while (n > 0) {
		if (nvisited == SGN_TUF_MAX_DELEGATIONS) {
			r = sgn_errf(eb, SGN_ERR_LIMIT, "%s: not found in the "
			    "first %d roles searched", name,
			    SGN_TUF_MAX_DELEGATIONS);
			goto out;
		}
		v = stack[--n];
		const char *rn = v.parent == NULL ? "targets" :
		    sgn_json_member(v.role, "name")->valuestring;
		for (i = 0, seen = 0; i < nvisited; i++)
			if (strcmp(visited[i], rn) == 0)
				seen = 1;
		if (seen)
			continue;
		if (v.parent == NULL)
			m = t->targets;
		else if ((r = get_role(t, v.parent, v.role, &m, eb)) !=
		    SGN_OK)
			goto out;
		visited[nvisited++] = rn;
		if ((ti = sgn_json_member(m->targets, name)) != NULL) {
			*out = ti;
			r = SGN_OK;
			goto out;
		}
		if (m->delegations == NULL)
			continue;
		roles = sgn_json_member(m->delegations, "roles");
		first = n;
		for (role = roles->child; role != NULL; role = role->next) {
			int term = 0;

			if (!role_matches(role, name))
				continue;
			if (n == MAX_STACK) {
				r = sgn_errf(eb, SGN_ERR_LIMIT,
				    "too many delegations");
				goto out;
			}
			stack[n++] = (struct visit){ m, role };
			(void)sgn_json_get_bool(role, "terminating",
			    SGN_JSON_OPTIONAL, "role", &term, NULL);
			if (term) {
				/* nothing after a terminating role */
				memmove(stack, stack + first,
				    (n - first) * sizeof(*stack));
				n -= first;
				first = 0;
				break;
			}
		}
		/* pushed in order: reverse to visit the first one first */
		for (i = 0; i < (n - first) / 2; i++) {
			v = stack[first + i];
			stack[first + i] = stack[n - 1 - i];
			stack[n - 1 - i] = v;
		}
	}
	if (absent != NULL)
		*absent = 1;
	r = sgn_errf(eb, SGN_ERR_TRUST, "%s: no such target", name);
out:
	free(stack);
	return r;
}

/* Commits delegated roles fetched by get_target() when the cache still
 * holds the state this updater loaded. */
static void
roles_persist(struct sgn_tuf *t)
{
	uint8_t *p = NULL;
	const uint8_t *v;
	size_t len, off, vlen;
	char name[MAX_NAME + 8];
	int fd = -1;

	if (!t->roles_dirty || !t->writable)
		return;
	if (cache_lock(t, 1, &fd, NULL) != SGN_OK)
		return;
	cache_read(t, "meta", CACHE_MAX, &p, &len);
	off = strlen(CACHE_MAGIC);
	if (p != NULL && len >= off && memcmp(p, CACHE_MAGIC, off) == 0) {
		while (state_next(p, len, &off, name, sizeof(name), &v,
		    &vlen) == 1) {
			if (strcmp(name, "timestamp") == 0) {
				if (vlen == t->timestamp->raw_len &&
				    memcmp(v, t->timestamp->raw, vlen) == 0)
					state_save(t);
				break;
			}
		}
	}
	free(p);
	cache_unlock(&fd);
	t->roles_dirty = 0;
}

sgn_err
sgn_tuf_get_target(struct sgn_tuf *t, const char *name, uint8_t **outp,
    size_t *lenp, struct sgn_errbuf *eb)
{
	sgn_err r;

	*outp = NULL;
	*lenp = 0;
	if (t == NULL || name == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no target");
	if (!name_ok(name))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "\"%.64s\": not a valid target name", name);
	if (!t->ready && (r = t->offline ? sgn_tuf_load(t, NULL, eb) :
	    sgn_tuf_update(t, NULL, eb)) != SGN_OK)
		return r;
	return target_get(t, name, outp, lenp, NULL, eb);
}

/*
 * A target of the trusted state: from the cache when its copy matches,
 * else fetched and checked.  Under update() (t->locked) the cache lock
 * is held already and the roles found on the way are committed with the
 * update.  *absent (may be NULL) is set when no role lists the name.
 */
static sgn_err
target_get(struct sgn_tuf *t, const char *name, uint8_t **outp,
    size_t *lenp, int *absent, struct sgn_errbuf *eb)
{
	const cJSON *ti;
	struct tuf_fileinfo fi;
	const cJSON *h;
	struct sgn_buf b;
	char esc[3 * MAX_NAME + 1], rel[4 * MAX_NAME], path[4 * MAX_NAME];
	const char *hash, *slash;
	uint8_t *p = NULL;
	size_t len = 0;
	int found, fd = -1;
	sgn_err r;

	*outp = NULL;
	*lenp = 0;
	memset(&b, 0, sizeof(b));
	if (!name_ok(name))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "\"%.64s\": not a valid target name", name);
	if ((r = find_target(t, name, &ti, absent, eb)) != SGN_OK)
		goto out;
	if (!t->locked)
		roles_persist(t);
	if ((r = sgn_tuf_fileinfo_parse(ti, 0, name, &fi, eb)) != SGN_OK)
		goto out;
	if ((uint64_t)fi.length > SGN_TUF_MAX_TARGET_BYTES) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "%s: %lld bytes, more than "
		    "the %u allowed", name, (long long)fi.length,
		    SGN_TUF_MAX_TARGET_BYTES);
		goto out;
	}
	if ((h = sgn_json_member(fi.hashes, "sha256")) == NULL)
		h = fi.hashes->child;
	hash = h->valuestring;
	/* the hash names files: hex of the right length, before any use */
	if (sgn_hash_from_name(h->string) == SGN_HASH_NONE ||
	    strlen(hash) != 2 * sgn_hash_len(sgn_hash_from_name(h->string)) ||
	    strspn(hash, "0123456789abcdefABCDEF") != strlen(hash)) {
		r = sgn_errf(eb, SGN_ERR_PARSE, "%s: bad %.16s hash", name,
		    h->string);
		goto out;
	}
	if (escape_name(name, esc, sizeof(esc)) != 0) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "%s: name too long", name);
		goto out;
	}
	snprintf(rel, sizeof(rel), "targets/%s.%s", hash, esc);
	/* a cached copy only when it matches the listed hashes */
	cache_read(t, rel, (size_t)fi.length, &p, &len);
	if (p != NULL && sgn_tuf_fileinfo_check(&fi, p, len, 1, name, NULL) ==
	    SGN_OK) {
		*outp = p;
		*lenp = len;
		p = NULL;
		r = SGN_OK;
		goto out;
	}
	free(p);
	p = NULL;
	if (t->offline) {
		r = sgn_errf(eb, SGN_ERR_TRUST, "%s: not in the cache "
		    "(offline)", name);
		goto out;
	}
	/* 5.7.4: targets/<hash>.<name>, the hash before the base name */
	slash = strrchr(name, '/');
	if (t->root->consistent && slash != NULL)
		snprintf(path, sizeof(path), "targets/%.*s/%s.%s",
		    (int)(slash - name), name, hash, slash + 1);
	else if (t->root->consistent)
		snprintf(path, sizeof(path), "targets/%s.%s", hash, name);
	else
		snprintf(path, sizeof(path), "targets/%s", name);
	if ((r = repo_fetch(t, path, (size_t)fi.length, &b, &found, eb)) !=
	    SGN_OK)
		goto out;
	if (!found) {
		r = sgn_errf(eb, SGN_ERR_IO, "%s: not in the repository", path);
		goto out;
	}
	if ((r = sgn_tuf_fileinfo_check(&fi, b.ptr, b.len, 1, name, eb)) !=
	    SGN_OK)
		goto out;
	if (t->locked) {
		cache_write(t, rel, b.ptr, b.len);
	} else if (cache_lock(t, 1, &fd, NULL) == SGN_OK) {
		cache_write(t, rel, b.ptr, b.len);
		cache_unlock(&fd);
	}
	*outp = sgn_buf_take(&b, lenp);
	r = SGN_OK;
out:
	sgn_buf_reset(&b);
	return r;
}

sgn_err
sgn_tuf_info_get(const struct sgn_tuf *t, struct sgn_tuf_info *info,
    struct sgn_errbuf *eb)
{
	sgn_err r;

	if ((r = info_open(info, eb)) != SGN_OK)
		return r;
	if (t == NULL || !t->ready)
		return sgn_errf(eb, SGN_ERR_TRUST, "no verified TUF state "
		    "(update or load first)");
	fill_info(t, info);
	return SGN_OK;
}

const uint8_t *
sgn_tuf_metadata(const struct sgn_tuf *t, const char *role, size_t *lenp)
{
	const struct tuf_meta *m = NULL;
	size_t i;

	*lenp = 0;
	if (t == NULL || role == NULL || !t->ready)
		return NULL;
	if (strcmp(role, "root") == 0)
		m = t->root;
	else if (strcmp(role, "timestamp") == 0)
		m = t->timestamp;
	else if (strcmp(role, "snapshot") == 0)
		m = t->snapshot;
	else if (strcmp(role, "targets") == 0)
		m = t->targets;
	else
		for (i = 0; i < t->nroles; i++)
			if (strcmp(t->roles[i].name, role) == 0)
				m = t->roles[i].m;	/* or NULL */
	if (m == NULL)
		return NULL;
	*lenp = m->raw_len;
	return m->raw;
}

/* Life cycle ------------------------------------------------------------- */

sgn_err
sgn_tuf_new(const struct sgn_tuf_opts *opts, struct sgn_tuf **out,
    struct sgn_errbuf *eb)
{
	struct sgn_tuf_opts oo;
	const struct sgn_tuf_opts *o = &oo;
	struct sgn_tuf *t = NULL;
#ifndef SGN_VERIFY_ONLY
	struct sgn_http_opts ho;
#endif
	size_t i, n;
	int nsrc;
	sgn_err r = SGN_ERR_NOMEM;

	*out = NULL;
	if (opts == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "no initial TUF root");
	if ((r = sgn_sized_in(&oo, sizeof(oo), opts, "sgn_tuf_opts", eb)) !=
	    SGN_OK)
		return r;
	if (o->root == NULL || o->root_len == 0)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "no initial TUF root");
	nsrc = (o->fetch != NULL) + (o->from_dir != NULL) + (o->url != NULL);
	if (nsrc > 1)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "one TUF repository: a URL, a directory or a fetcher");
	if (o->root_len > SGN_TUF_MAX_ROOT_BYTES)
		return sgn_errf(eb, SGN_ERR_LIMIT, "initial root.json: more "
		    "than %d bytes", SGN_TUF_MAX_ROOT_BYTES);
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = sgn_tuf_meta_parse(o->root, o->root_len, TUF_ROOT,
	    "initial root.json", &t->root0, eb)) != SGN_OK ||
	    (r = sgn_tuf_meta_verify(t->root0, t->root0->keys,
	    t->root0->roles[TUF_ROOT].keyids,
	    t->root0->roles[TUF_ROOT].threshold, "initial root.json", eb)) !=
	    SGN_OK)
		goto out;
	t->fetch = o->fetch;
	t->fetch_ctx = o->fetch_ctx;
	t->now = o->now;
	t->offline = o->offline;
	t->allow_expired = o->allow_expired;
	for (n = 0; o->prefetch != NULL && o->prefetch[n] != NULL; n++)
		;
	if (n > 0 && (t->prefetch = calloc(n + 1, sizeof(char *))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((t->prefetch[i] = strdup(o->prefetch[i])) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
	if ((o->from_dir != NULL &&
	    (t->from_dir = strdup(o->from_dir)) == NULL) ||
	    (o->url != NULL && (t->url = strdup(o->url)) == NULL)) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (o->url != NULL && !o->offline) {
#ifdef SGN_VERIFY_ONLY
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "this signet was built to verify only");
		goto out;
#else
		if (o->http != NULL)
			t->http = o->http;
		else {
			memset(&ho, 0, sizeof(ho));
			ho.max_body = SGN_TUF_MAX_TARGET_BYTES;
			if ((r = sgn_http_new(&ho, &t->http, eb)) != SGN_OK)
				goto out;
			t->own_http = 1;
		}
#endif
	}
	cache_setup(t, o->cache_dir, o->root, o->root_len);
	*out = t;
	t = NULL;
	r = SGN_OK;
out:
	sgn_tuf_free(&t);
	return r;
}

void
sgn_tuf_free(struct sgn_tuf **tp)
{
	struct sgn_tuf *t;
	size_t i;

	if (tp == NULL || (t = *tp) == NULL)
		return;
	state_clear(t);
	sgn_tuf_meta_free(&t->root0);
#ifndef SGN_VERIFY_ONLY
	if (t->own_http)
		sgn_http_free(&t->http);
#endif
	for (i = 0; t->prefetch != NULL && t->prefetch[i] != NULL; i++)
		free(t->prefetch[i]);
	free(t->prefetch);
	free(t->from_dir);
	free(t->url);
	free(t);
	*tp = NULL;
}
