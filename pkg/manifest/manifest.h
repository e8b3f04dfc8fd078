/*
 * manifest: model and dataset manifests in the OpenSSF Model Signing
 * (OMS v1.0) format that model_signing (sigstore/model-transparency)
 * writes and reads.
 *
 * A manifest lists every regular file under a model directory (or the
 * one file of a single-file model, named ".") with its digest, or, with
 * the "shards" method, one entry per shard "path:start:end" of at most
 * shard_size bytes (empty files give no shard).  Entries are ordered as
 * the reference orders them: path components compared one by one as
 * byte strings, then shards by start and end as numbers.  The root digest
 * is SHA-256 over the raw entry digests concatenated in that order.
 *
 * sgn_manifest_build() walks the tree once (symlinks, devices, FIFOs and
 * sockets refused unless allowed; no link is followed out of the model
 * directory unless asked), then hashes files and shards on a pool of
 * worker threads with bounded buffers: memory does not grow with the
 * size of the model, only with its number of entries.  Files are opened
 * beneath the model directory without following symlinks in their path,
 * and must still be the file the walk saw.
 *
 * The statement (an in-toto v1 statement with predicate type
 * https://model_signing/signature/v1.0) is written and read here too,
 * including the older https://model_signing/Digests/v0.1 statements of
 * model_signing v0.2.
 */
#ifndef SGN_MANIFEST_H
#define SGN_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

SGN_API_BEGIN

#define SGN_OMS_PREDICATE_V1	"https://model_signing/signature/v1.0"
#define SGN_OMS_PREDICATE_V02	"https://model_signing/Digests/v0.1"
#define SGN_MANIFEST_DEFAULT_SHARD	1000000000ULL
#define SGN_MANIFEST_MAX_ENTRIES	(16u * 1024 * 1024)
#define SGN_MANIFEST_MAX_IGNORE		1024
#define SGN_MANIFEST_MAX_JOBS		256

typedef enum sgn_manifest_method {
	SGN_MANIFEST_FILES = 1,
	SGN_MANIFEST_SHARDS,
} sgn_manifest_method;

typedef enum sgn_manifest_hash {
	SGN_MANIFEST_SHA256 = 1,
	SGN_MANIFEST_BLAKE2B,	/* BLAKE2b-512, as Python's hashlib.blake2b */
	SGN_MANIFEST_BLAKE3,	/* read from statements; not computed */
} sgn_manifest_hash;

/* "sha256", "blake2b", "blake3"; 0 for anything else. */
sgn_manifest_hash sgn_manifest_hash_from_name(const char *name);
const char *sgn_manifest_hash_name(sgn_manifest_hash h);

struct sgn_manifest_entry {
	char		*path;		/* POSIX, relative; "." for one file */
	int		 shard;		/* 1: [start, end) of path */
	uint64_t	 start;
	uint64_t	 end;
	uint8_t		 digest[SGN_MAX_DIGEST];
	size_t		 digest_len;
	/* what the walk saw (0 when read from a statement) */
	uint64_t	 size;
	int64_t		 mtime_ns;
	int64_t		 ctime_ns;
	uint64_t	 dev;
	uint64_t	 ino;
};

/* A manifest: read-only for callers. */
struct sgn_manifest {
	sgn_manifest_method	 method;
	sgn_manifest_hash	 hash;
	uint64_t		 shard_size;
	int			 allow_symlinks;
	int			 legacy;	/* v0.2 Digests/v0.1 */
	char			**ignore_paths;	/* as recorded */
	size_t			 n_ignore;
	char			*subject;	/* the subject's name */
	struct sgn_manifest_entry *entries;	/* in manifest order */
	size_t			 n_entries;
	uint8_t			 root[32];	/* SHA-256 root digest */
	uint64_t		 total_bytes;	/* bytes hashed or reused */
	uint64_t		 reused_bytes;	/* bytes taken from `reuse` */
};

void	sgn_manifest_free(struct sgn_manifest **mp);

/* Flags of struct sgn_manifest_opts. */
#define SGN_MANIFEST_ALLOW_SYMLINKS	0x01u	/* hash link targets */
#define SGN_MANIFEST_EXTERNAL_LINKS	0x02u	/* ... even outside the tree */
#define SGN_MANIFEST_KEEP_GIT		0x04u	/* do not ignore .git & co */
/*
 * Hash large files through memory mappings instead of read(2): no copy,
 * about 5% faster when the files are in the page cache.  A file that
 * shrinks while it is mapped raises SIGBUS: set this only when the
 * caller handles that signal (the CLI does: a one-line error, exit 2).
 */
#define SGN_MANIFEST_MMAP		0x08u

/*
 * Progress, called from the thread that called sgn_manifest_build about
 * ten times a second while hashing, and once at the end.
 */
typedef void (*sgn_manifest_progress_fn)(void *ctx, uint64_t bytes_done,
    uint64_t bytes_total, uint64_t files_done, uint64_t files_total);

struct sgn_manifest_opts {
	size_t			 size;		/* SGN_MANIFEST_OPTS_INIT */
	sgn_manifest_method	 method;	/* 0: files */
	sgn_manifest_hash	 hash;		/* 0: sha256 */
	uint64_t		 shard_size;	/* 0: 1,000,000,000 */
	unsigned		 flags;
	/*
	 * Paths relative to the model directory whose subtrees are left
	 * out; recorded in the statement.  The signature file is given
	 * apart: when it lies inside the model directory, its path is
	 * left out and recorded.  Only that path: another name for the
	 * same file (a hard link) is hashed like any other file.
	 */
	const char *const	*ignore;
	size_t			 n_ignore;
	const char		*signature_path;
	unsigned		 jobs;		/* 0: one per online CPU */
	size_t			 read_size;	/* 0: the default (1 MiB) */
	/*
	 * When set, only these paths are hashed (verification with
	 * --ignore-unsigned-files): files on disk that it does not list
	 * are not read.
	 */
	const struct sgn_manifest *only;
	/*
	 * When set, a file whose size, modification and change times,
	 * device and inode equal those of an entry of `reuse` (built with
	 * the same method, hash and shard size) takes that entry's
	 * digests instead of being read again.
	 */
	const struct sgn_manifest *reuse;
	sgn_manifest_progress_fn progress;
	void			*progress_ctx;
};
#define SGN_MANIFEST_OPTS_INIT	SGN_SIZED_INIT(struct sgn_manifest_opts)

/*
 * Walks and hashes the model at model_path (a directory, or one regular
 * file) into a new manifest, with opts (NULL: the defaults; a struct
 * with a size, core.h).  Fails with SGN_ERR_IO for unreadable files,
 * SGN_ERR_UNSUPPORTED for refused file types and links (the message names
 * the path), SGN_ERR_LIMIT for more than SGN_MANIFEST_MAX_ENTRIES entries.
 */
sgn_err	sgn_manifest_build(const char *model_path,
	    const struct sgn_manifest_opts *opts, struct sgn_manifest **out,
	    struct sgn_errbuf *eb);

/*
 * The most bytes a signature of the model at model_path can take: what
 * any bundle may (SGN_MAX_BUNDLE_BYTES), plus room for the entries of
 * every file, link or special file the model holds (its name escaped and
 * the resource around it, base64; a shard per 4 KiB of its size, except
 * for the signature at sig_path, which may be NULL), at most
 * SGN_MAX_MODEL_BUNDLE_BYTES.  A verifier reads no more of a model
 * signature than this: the work a hostile signature costs is then in
 * proportion to the model it claims to sign.  Walks the tree without
 * reading a file or following a link out of it; a tree it cannot walk
 * gives the most (sgn_manifest_build() reports why).
 */
size_t	sgn_manifest_signature_cap(const char *model_path,
	    const char *sig_path);

/* The subject name the reference writes for model_path. */
sgn_err	sgn_manifest_subject_name(const char *model_path, char **out,
	    struct sgn_errbuf *eb);

/* Recomputes m->root from the entries. */
sgn_err	sgn_manifest_compute_root(struct sgn_manifest *m,
	    struct sgn_errbuf *eb);

/*
 * Appends the in-toto statement for m (subject m->subject) to out, with
 * the keys in the order model_signing v1.1 writes them.
 */
sgn_err	sgn_manifest_statement(const struct sgn_manifest *m,
	    struct sgn_buf *out, struct sgn_errbuf *eb);

/*
 * Parses an OMS statement (v1.0, or a v0.2 Digests/v0.1 one), strictly:
 * resource names must be relative paths without "." or ".." components
 * (except the single-file name "."), digests hex of the algorithm's size,
 * no name twice; for v1.0 the subject's sha256 must equal the root digest
 * of the resources ("manifest is inconsistent").
 */
sgn_err	sgn_manifest_parse_statement(const uint8_t *json, size_t len,
	    struct sgn_manifest **out, struct sgn_errbuf *eb);

/* Differences between the signed manifest and the one on disk. */
typedef enum sgn_manifest_diff_kind {
	SGN_MANIFEST_MISSING = 1,	/* signed, not on disk */
	SGN_MANIFEST_EXTRA,		/* on disk, not signed */
	SGN_MANIFEST_CHANGED,		/* digest differs */
} sgn_manifest_diff_kind;

typedef void (*sgn_manifest_diff_fn)(void *ctx, sgn_manifest_diff_kind kind,
    const struct sgn_manifest_entry *e);

/*
 * Compares the entries of signed and actual (both in manifest order);
 * calls fn for each difference and returns how many there were.
 */
size_t	sgn_manifest_compare(const struct sgn_manifest *signed_m,
	    const struct sgn_manifest *actual, sgn_manifest_diff_fn fn,
	    void *ctx);

/*
 * A record of a manifest with what the walk saw of each file, for
 * incremental re-signing: a text format, one line per entry.
 */
sgn_err	sgn_manifest_state_write(const struct sgn_manifest *m,
	    struct sgn_buf *out, struct sgn_errbuf *eb);
sgn_err	sgn_manifest_state_read(const uint8_t *buf, size_t len,
	    struct sgn_manifest **out, struct sgn_errbuf *eb);

/* Orders two entry paths as the reference does (<0, 0, >0). */
int	sgn_manifest_path_cmp(const char *a, const char *b);

/*
 * Cluster hashing: a manifest computed across many machines, byte for
 * byte the one sgn_manifest_build() gives on one (cluster.c has the
 * formats).
 *
 * A plan is one walk of the tree with opts (nothing is read): the files
 * with their size and modification time, the parameters that shape the
 * manifest (method, hash, shard size, recorded ignore list, symlink
 * flags), the subject name, and the work units (the manifest's entries,
 * in its order) split into parts of about equal bytes.  Its digest is
 * SHA-256 over its JCS serialization without its "digest" member.
 */
#define SGN_MANIFEST_MAX_PARTS		65536
/* the most bytes of a plan, partial or merged manifest document */
#define SGN_MANIFEST_MAX_PLAN_BYTES	(1024u * 1024 * 1024)

struct sgn_manifest_plan;

/*
 * Walks model_path as sgn_manifest_build() would with opts and plans
 * n_parts parts (0: one per 16 GiB of work, at least 1; at most
 * SGN_MANIFEST_MAX_PARTS).  Free the plan with sgn_manifest_plan_free().
 */
sgn_err	sgn_manifest_plan_make(const char *model_path,
	    const struct sgn_manifest_opts *opts, size_t n_parts,
	    struct sgn_manifest_plan **out, struct sgn_errbuf *eb);
/* Appends the plan document (JSON) to out. */
sgn_err	sgn_manifest_plan_write(const struct sgn_manifest_plan *p,
	    struct sgn_buf *out, struct sgn_errbuf *eb);
/*
 * Parses a plan document strictly (at most SGN_MANIFEST_MAX_PLAN_BYTES;
 * unknown members, files out of order, parts that do not tile the units
 * and a digest that does not match are refused).
 */
sgn_err	sgn_manifest_plan_parse(const uint8_t *buf, size_t len,
	    struct sgn_manifest_plan **out, struct sgn_errbuf *eb);
void	sgn_manifest_plan_free(struct sgn_manifest_plan **pp);
size_t	sgn_manifest_plan_parts(const struct sgn_manifest_plan *p);
size_t	sgn_manifest_plan_units(const struct sgn_manifest_plan *p);
/* The plan's SHA-256 digest (32 bytes, owned by p). */
const uint8_t *sgn_manifest_plan_digest(const struct sgn_manifest_plan *p);

/*
 * Hashes part `part` of plan p under model_path and appends the partial
 * document (plan digest, part, parameters, each unit's digest, its own
 * digest; no time: a rerun gives the same bytes) to out.  Each file is
 * checked against the plan (size, modification time) before and after
 * it is hashed: a change is SGN_ERR_IO naming the file.  run (may be
 * NULL) gives jobs, read_size, SGN_MANIFEST_MMAP and progress; its other
 * fields are ignored.
 */
sgn_err	sgn_manifest_part_hash(const char *model_path,
	    const struct sgn_manifest_plan *p, size_t part,
	    const struct sgn_manifest_opts *run, struct sgn_buf *out,
	    struct sgn_errbuf *eb);

struct sgn_manifest_merge_opts {
	size_t				 size;	/* SGN_..._MERGE_OPTS_INIT */
	/* re-hash this many units chosen at random (all when at least
	 * their number) under model_path; 0: none */
	size_t				 spot_check;
	const char			*model_path;
	const struct sgn_manifest_opts	*run;		/* as above */
};
#define SGN_MANIFEST_MERGE_OPTS_INIT \
	SGN_SIZED_INIT(struct sgn_manifest_merge_opts)

/*
 * Merges the n partials (names[i] names partials[i] in errors) of plan p
 * into a merged manifest document appended to out: every partial must
 * carry p's digest and parameters and its part's exact unit range, and
 * every part must come exactly once (SGN_ERR_VERIFY naming the partial or
 * the missing part otherwise); then mo->spot_check units are re-hashed
 * and compared (SGN_ERR_VERIFY naming the unit and its partial).
 */
sgn_err	sgn_manifest_merge(const struct sgn_manifest_plan *p,
	    const uint8_t *const *partials, const size_t *lens,
	    const char *const *names, size_t n,
	    const struct sgn_manifest_merge_opts *mo, struct sgn_buf *out,
	    struct sgn_errbuf *eb);

/*
 * The manifest of model_path from a merged manifest document, without
 * hashing: the document is checked whole (its digest, its plan digest,
 * its root), then the tree is walked with the plan's parameters
 * (signature_path left out, as sgn_manifest_build() does) and must hold
 * exactly the plan's files with their sizes and modification times; the
 * digests are the merged ones.  File contents are not read.
 */
sgn_err	sgn_manifest_merged_load(const uint8_t *buf, size_t len,
	    const char *model_path, const char *signature_path,
	    struct sgn_manifest **out, struct sgn_errbuf *eb);

SGN_API_END

#ifdef __cplusplus
}
#endif

#endif /* SGN_MANIFEST_H */
