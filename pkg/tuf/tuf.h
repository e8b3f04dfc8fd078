/*
 * tuf: a client of The Update Framework (TUF specification 1.0, client
 * workflow sections 5.1 to 5.7) for Sigstore's trust root, with a locked,
 * atomic, offline-first cache.
 *
 * An updater (struct sgn_tuf) starts from one trusted root.json (built in,
 * or given) and a repository: a mirror URL (fetched through pkg/http), a
 * local directory holding the same files a mirror serves (an air-gapped
 * copy: `<N>.root.json`, `timestamp.json`, `<V>.snapshot.json`,
 * `<V>.targets.json`, `<V>.<role>.json`, `targets/<sha256>.<name>`), or a
 * fetch callback.  Consistent snapshots are required (Sigstore's are).
 *
 * What it checks: signatures over the OLPC canonical JSON of `signed`
 * (unknown members kept) by ECDSA P-256 (DER), Ed25519 and RSA-PSS keys,
 * a threshold of distinct key IDs (key IDs are opaque labels; empty or
 * invalid signatures are skipped); the root chain N -> N+1 signed by a
 * threshold of both roots; version rollbacks; expiry against one start
 * time; lengths and hashes; delegations (pre-order depth-first search,
 * at most SGN_TUF_MAX_DELEGATIONS roles, `terminating`, path patterns in
 * which `*` does not cross `/`, `path_hash_prefixes`).
 *
 * Bytes handed out (targets, info) have always been verified in this
 * process against a chain that starts at the updater's initial root: the
 * cache is only a place to keep files, never a source of trust.
 *
 * Cache layout, one directory per repository, keyed by the sha256 of the
 * initial root (so a mirror that moves keeps its state and two
 * repositories never mix):
 *
 *	<cache_dir>/<sha256 hex of the initial root.json>/
 *	    lock			advisory lock (flock) of updates
 *	    root/<N>.root.json		each verified root after the initial
 *	    meta			the trusted timestamp, snapshot, targets
 *					and delegated roles and the time of
 *					the last successful update, in one file
 *	    targets/<sha256>.<name>	verified target files (name escaped)
 *
 * Every write is a temporary file, fsync, rename, made under the
 * exclusive lock; readers take the shared lock when it is free and never
 * wait for an update in progress (what they read is verified anyway).
 * Roots are persisted one by one as they verify (TUF 5.3.8); everything
 * else of an update is committed by the single rename of `meta`, so a
 * failed or interrupted update leaves the previous state usable.  Eight
 * processes updating at once serialise on the lock; the later ones find
 * an equal timestamp and stop.  A cache directory that cannot be created
 * or written is not an error: the updater works in memory and says so
 * (sgn_tuf_info.in_memory and .cache_note).
 *
 * Errors: SGN_ERR_VERIFY for a failed check (signature, threshold,
 * rollback, expired, hash or length mismatch, version), SGN_ERR_LIMIT for
 * oversized data, SGN_ERR_PARSE for malformed metadata (all exit 1);
 * SGN_ERR_NETWORK, SGN_ERR_HTTP_STATUS and SGN_ERR_IO when the repository
 * cannot be read, SGN_ERR_TRUST when nothing trusted is available offline
 * (exit 2).  A failure leaves the cache as it was.
 */
#ifndef SGN_TUF_H
#define SGN_TUF_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

SGN_API_BEGIN

/* Caps (python-tuf ngclient's).  A file over its cap is SGN_ERR_LIMIT. */
#define SGN_TUF_MAX_ROOT_BYTES		512000
#define SGN_TUF_MAX_ROOT_ROTATIONS	256
#define SGN_TUF_MAX_TIMESTAMP_BYTES	16384
/* snapshot and targets when the referring metadata lists no length */
#define SGN_TUF_MAX_SNAPSHOT_BYTES	2000000
#define SGN_TUF_MAX_TARGETS_BYTES	5000000
#define SGN_TUF_MAX_DELEGATIONS		32
/* the largest target file accepted, whatever length it declares */
#define SGN_TUF_MAX_TARGET_BYTES	(16u * 1024 * 1024)

/* Sigstore's mirrors (constants; the tests never contact them). */
#define SGN_TUF_PRODUCTION_URL	"https://tuf-repo-cdn.sigstore.dev"
#define SGN_TUF_STAGING_URL	"https://tuf-repo-cdn.sigstage.dev"

/* Sigstore's targets. */
#define SGN_TUF_TARGET_TRUSTED_ROOT	"trusted_root.json"
#define SGN_TUF_TARGET_SIGNING_CONFIG	"signing_config.v0.2.json"
#define SGN_TUF_TARGET_SIGNING_CONFIG_REKOR_V2 \
	"signing_config_rekor_v2.v0.2.json"

/* A built-in repository: its initial root.json and mirror. */
struct sgn_tuf_repo {
	const char	*name;		/* "production", "staging" */
	const char	*url;
	const uint8_t	*root;		/* root.json as published */
	size_t		 root_len;
};

/* The built-in production (staging == 0) or staging repository; static
 * storage, never NULL. */
const struct sgn_tuf_repo *sgn_tuf_builtin(int staging);

/*
 * A fetcher reads one file of the repository, path relative to its base
 * ("timestamp.json", "16.root.json", "targets/<hex>.trusted_root.json"),
 * into out, at most max bytes (more is SGN_ERR_LIMIT, stop reading).  A
 * file that does not exist (HTTP 403 or 404, ENOENT) is SGN_OK with
 * *found = 0; any other failure an error (SGN_ERR_NETWORK, _HTTP_STATUS,
 * _IO).  out is initialised by the caller with the cap.
 */
typedef sgn_err (*sgn_tuf_fetch_fn)(void *ctx, const char *path, size_t max,
    struct sgn_buf *out, int *found, struct sgn_errbuf *eb);

struct sgn_http;

struct sgn_tuf_opts {
	size_t		 size;		/* SGN_TUF_OPTS_INIT */
	/* The initial trusted root (required): copied. */
	const uint8_t	*root;
	size_t		 root_len;
	/*
	 * The repository, one of: fetch (a callback), from_dir (a local
	 * copy), url (a mirror: http(s) through pkg/http, policy of
	 * sgn_http_url_check).  None is fine with offline.
	 */
	sgn_tuf_fetch_fn fetch;
	void		*fetch_ctx;
	const char	*from_dir;
	const char	*url;
	/* For url: the client to use (not owned), or NULL for a new one. */
	struct sgn_http	*http;
	/*
	 * The parent of the per-repository cache directories (created with
	 * mode 0700 when missing), or NULL to work in memory.
	 */
	const char	*cache_dir;
	/* The start time of every expiry check, Unix seconds; 0 = now. */
	int64_t		 now;
	/* Never fetch: get_target() and load() read the cache only, and
	 * nothing is created or written there. */
	int		 offline;
	/*
	 * For load() only: accept cached metadata whose timestamp, snapshot
	 * or targets have expired (every signature, version and hash is
	 * still checked).  An air-gapped machine decides by the age of the
	 * last update instead (sgn_tuf_info.last_update).  The root chain
	 * must still end in a root that verifies; its expiry is reported.
	 */
	int		 allow_expired;
	/*
	 * For update(): targets to download and check before the update
	 * commits (NULL-terminated; copied).  One the repository lists
	 * that cannot be fetched or fails its length or hashes fails the
	 * update, and the cache keeps its previous state whole; one it does
	 * not list is skipped (get_target() then says so).
	 */
	const char *const *prefetch;
};
#define SGN_TUF_OPTS_INIT	SGN_SIZED_INIT(struct sgn_tuf_opts)

/* Embedded in struct sgn_tuf_info: fixed, it never grows (core.h). */
struct sgn_tuf_role_info {
	int		present;
	int64_t		version;
	struct sgn_time	expires;
	int		expired;	/* at the start time */
};

/* Filled by update(), load() and info_get() (within its size). */
struct sgn_tuf_info {
	size_t		 size;		/* SGN_TUF_INFO_INIT */
	struct sgn_tuf_role_info root, timestamp, snapshot, targets;
	/* Unix seconds of the last successful update of the cache (or of
	 * this updater in memory); 0 when unknown. */
	int64_t		 last_update;
	/* 1 when the last update() found the same timestamp version. */
	int		 unchanged;
	/* Roots verified by the last update() or load(). */
	int		 root_rotations;
	/* 1 when nothing is written to disk; cache_note says why. */
	int		 in_memory;
	char		 cache_note[256];
	/* The per-repository cache directory ("" in memory). */
	char		 cache_path[1024];
};
#define SGN_TUF_INFO_INIT	SGN_SIZED_INIT(struct sgn_tuf_info)

struct sgn_tuf;

/* Validates opts and the initial root (parsed, self-signed by a threshold
 * of its own root keys; its expiry is not checked), sets up the cache
 * directory (in memory when it cannot be used).  Nothing is fetched. */
sgn_err	sgn_tuf_new(const struct sgn_tuf_opts *opts, struct sgn_tuf **out,
	    struct sgn_errbuf *eb);
void	sgn_tuf_free(struct sgn_tuf **tp);

/*
 * The client workflow (5.1-5.6) under the cache's exclusive lock: loads
 * the cached state (verified from the initial root), walks the root
 * chain, then timestamp, snapshot and top-level targets; commits the new
 * state to the cache.  Fails with offline set (SGN_ERR_INVALID_ARGUMENT).
 * info (may be NULL) receives the result.
 */
sgn_err	sgn_tuf_update(struct sgn_tuf *t, struct sgn_tuf_info *info,
	    struct sgn_errbuf *eb);

/*
 * Offline: verifies the cached state from the initial root under the
 * shared lock (roots, timestamp, snapshot, targets; expiry per
 * allow_expired).  SGN_ERR_TRUST when the cache holds no complete state.
 */
sgn_err	sgn_tuf_load(struct sgn_tuf *t, struct sgn_tuf_info *info,
	    struct sgn_errbuf *eb);

/*
 * The verified bytes of target name (5.7): looked up through the
 * delegations, read from the cache when its sha256 matches, else
 * downloaded (not when offline), checked against the declared length and
 * every listed hash, and cached.  Runs load() (offline) or update() first
 * when neither has succeeded on t.  *outp is malloc'd (NUL-terminated,
 * not counted).  An unknown name is SGN_ERR_TRUST "<name>: no such
 * target"; a search through more than SGN_TUF_MAX_DELEGATIONS roles (the
 * top-level targets included) SGN_ERR_LIMIT.
 */
sgn_err	sgn_tuf_get_target(struct sgn_tuf *t, const char *name,
	    uint8_t **outp, size_t *lenp, struct sgn_errbuf *eb);

/* The state of the last successful update() or load(); SGN_ERR_TRUST
 * when there was none. */
sgn_err	sgn_tuf_info_get(const struct sgn_tuf *t, struct sgn_tuf_info *info,
	    struct sgn_errbuf *eb);

/*
 * The trusted metadata of role ("root", "timestamp", "snapshot",
 * "targets", or a delegated role this updater verified) byte for byte as
 * the repository published it, after a successful update() or load();
 * NULL when there is none.  Owned by t, valid until the next call on t.
 */
const uint8_t *sgn_tuf_metadata(const struct sgn_tuf *t, const char *role,
	    size_t *lenp);

/*
 * The default parent cache directory: $SIGNET_CACHE_DIR, else
 * $XDG_CACHE_HOME/signet/tuf, else $HOME/.cache/signet/tuf, each only
 * when absolute (getenv is the caller's lookup, NULL for unset).
 * SGN_ERR_TRUST when none is set (then pass NULL: in memory),
 * SGN_ERR_LIMIT when it does not fit in out.
 */
sgn_err	sgn_tuf_default_cache_dir(
	    const char *(*getenv_fn)(void *ctx, const char *name), void *ctx,
	    char *out, size_t outlen, struct sgn_errbuf *eb);

SGN_API_END

#ifdef __cplusplus
}
#endif

#endif /* SGN_TUF_H */
