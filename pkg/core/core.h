/*
 * core: what every other module of libsignet shares.
 *
 * - One error enum (sgn_err) and a first-wins detail buffer (struct
 *   sgn_errbuf): a fallible function returns a code and, on failure, writes
 *   one line saying what failed and why.  The innermost message survives,
 *   because sgn_errf() writes only into an empty buffer.
 * - Byte buffers with a cap (struct sgn_buf), secrets that wipe themselves
 *   (struct sgn_secret), strict base64 and hex, RFC 3339 time, capped file
 *   reads and atomic file writes, streaming file digests.
 *
 * Nothing in pkg/ prints, exits or prompts: only cmd/ talks to people.
 */
#ifndef SGN_CORE_H
#define SGN_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * libsignet.so is built with -fvisibility=hidden: it exports what the
 * public headers declare between SGN_API_BEGIN and SGN_API_END and
 * nothing else (scripts/exports.sh checks the list).
 */
#if defined(__GNUC__)
#define SGN_API_BEGIN	_Pragma("GCC visibility push(default)")
#define SGN_API_END	_Pragma("GCC visibility pop")
#else
#define SGN_API_BEGIN
#define SGN_API_END
#endif

/*
 * Structs that grow.  A struct that callers allocate and the library
 * reads or fills (options, a policy, a result) may gain members in a later
 * version.  Each starts with `size_t size`, the caller's sizeof of it, set
 * by the struct's initialiser:
 *
 *	struct sgn_policy p = SGN_POLICY_INIT;
 *	struct sgn_tuf_opts o = { SGN_SIZED(struct sgn_tuf_opts), .url = u };
 *	p = (struct sgn_policy)SGN_POLICY_INIT;		(to clear it again)
 *
 * (C++ before C++20, which lacks designated initialisers: zero the struct
 * and set size = sizeof of it by hand.)
 *
 * A library function refuses such a struct (SGN_ERR_INVALID_ARGUMENT,
 * "struct sgn_policy: size 0: initialise it with SGN_POLICY_INIT") when
 * its size is 0 (the initialiser was forgotten), smaller than a size_t, or
 * larger than the library's own (a program built against a newer
 * signet).  It reads only the members within size, the others taking
 * their defaults (what 0 means for each: a program built against an older
 * signet gets the older behaviour), and writes only within size.  Members
 * are only ever appended, each starting at or after the previous version's
 * sizeof.  Records the library allocates (a bundle, a trusted root, SANs),
 * structs embedded in others and plain values (struct sgn_buf, sgn_time,
 * sgn_errbuf) carry no size and do not grow.
 */
#define SGN_SIZED(type)		.size = sizeof(type)
#define SGN_SIZED_INIT(type)	{ SGN_SIZED(type) }

SGN_API_BEGIN

/* Append new codes at the end; never renumber (they are part of the ABI). */
typedef enum sgn_err {
	SGN_OK = 0,
	SGN_ERR_INVALID_ARGUMENT,	/* caller bug */
	SGN_ERR_NOMEM,
	SGN_ERR_IO,
	SGN_ERR_LIMIT,		/* input exceeded a size or count cap */
	SGN_ERR_PARSE,		/* malformed input */
	SGN_ERR_UNSUPPORTED,	/* well-formed, unsupported alg or version */
	SGN_ERR_NETWORK,	/* transport failure */
	SGN_ERR_HTTP_STATUS,	/* non-2xx reply from a service */
	SGN_ERR_CRYPTO,		/* OpenSSL failure not caused by input */
	SGN_ERR_VERIFY,		/* a signature, proof or chain check failed */
	SGN_ERR_POLICY,		/* identity or issuer mismatch */
	SGN_ERR_FIDO,
	SGN_ERR_PIN_REQUIRED,
	SGN_ERR_INTERNAL,
	SGN_ERR_TRUST,		/* trust material missing or unusable */
} sgn_err;

/* Text for a code; never NULL. */
const char *sgn_strerror(sgn_err err);

/*
 * Process exit status for a code: 0 success; 1 the input failed
 * verification (including malformed or tampered input); 2 usage error or
 * the work could not be done (I/O, network, missing trust material).
 */
int sgn_err_exit_status(sgn_err err);

/* 512, not curl's 256: a message naming an expected and an actual
 * workflow identity (URIs of 100 bytes and more) must fit whole. */
#define SGN_ERRBUF_SIZE 512

struct sgn_errbuf {
	char	msg[SGN_ERRBUF_SIZE];
};

/* Empties the buffer. */
void sgn_errbuf_clear(struct sgn_errbuf *eb);

/*
 * Formats a message into eb if eb is non-NULL and still empty, and returns
 * err, so that callers can write `return sgn_errf(eb, SGN_ERR_PARSE, ...)`.
 * Newlines and control characters in the result are replaced by spaces.
 */
sgn_err sgn_errf(struct sgn_errbuf *eb, sgn_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Like sgn_errf(), and appends ": <reason>" from the OpenSSL error queue,
 * which it then clears (the queue is always cleared, even when eb is full).
 */
sgn_err sgn_errf_ssl(struct sgn_errbuf *eb, sgn_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Buffers ------------------------------------------------------------- */

/*
 * A growable byte buffer that refuses to grow past max bytes
 * (SGN_ERR_LIMIT).  Zero-initialise it, or use sgn_buf_init() to set max.
 * The data is always followed by a NUL byte that is not counted in len.
 */
struct sgn_buf {
	uint8_t	*ptr;
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* 0 means SIZE_MAX / 2 */
};

void	sgn_buf_init(struct sgn_buf *b, size_t max);
sgn_err	sgn_buf_append(struct sgn_buf *b, const void *p, size_t n,
	    struct sgn_errbuf *eb);
sgn_err	sgn_buf_appendf(struct sgn_buf *b, struct sgn_errbuf *eb,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Frees the storage (wiping it first) and resets the buffer. */
void	sgn_buf_reset(struct sgn_buf *b);
/* Hands the storage to the caller (who frees it with free()). */
uint8_t	*sgn_buf_take(struct sgn_buf *b, size_t *lenp);

/* Overwrites n bytes in a way the compiler cannot elide. */
void	sgn_memzero(void *p, size_t n);

/*
 * Memory for secrets: pages of their own, locked in RAM and left out of
 * core dumps (mlock, MADV_DONTDUMP) where the system allows (RLIMIT_MEMLOCK
 * may be small: not being able to lock is not an error).  NULL when out
 * of memory.  sgn_secure_free() wipes, unlocks and unmaps; NULL is fine.
 */
void	*sgn_secure_alloc(size_t n);
void	 sgn_secure_free(void *p);

/*
 * prctl(PR_SET_DUMPABLE, 0): no core dump of the process, and no ptrace
 * or /proc/PID/mem for other processes of the same user.  Called before a
 * secret enters memory; it also covers what cannot be locked (keys in
 * OpenSSL's heap, stack buffers).  Returns 0, or -1 (errno set).
 */
int	 sgn_process_set_undumpable(void);

/* Secrets: in sgn_secure_alloc() memory, wiped on reset. */
struct sgn_secret {
	uint8_t	*ptr;
	size_t	 len;
};

sgn_err	sgn_secret_set(struct sgn_secret *s, const void *p, size_t n,
	    struct sgn_errbuf *eb);
void	sgn_secret_reset(struct sgn_secret *s);

/* Encodings ----------------------------------------------------------- */

/*
 * Strict base64 decode of (s, n).  Accepts the standard alphabet or the
 * URL-safe one (not both in one string), with canonical padding or none.
 * Line breaks (CR and LF, anywhere) are dropped first, for wrapped
 * base64 as PEM bodies and some writers have it; any other whitespace
 * (spaces, tabs), padding that is partial or not at the end, and non-zero
 * trailing bits are rejected, so a byte string has exactly two accepted
 * unwrapped encodings per alphabet: padded and unpadded.  Empty input
 * decodes to zero bytes.  *outp is malloc'd (NUL-terminated, not counted)
 * and owned by the caller.
 */
sgn_err	sgn_b64_decode(const char *s, size_t n, uint8_t **outp,
	    size_t *outlenp, struct sgn_errbuf *eb);

/* Standard padded base64; *outp is a malloc'd NUL-terminated string. */
sgn_err	sgn_b64_encode(const uint8_t *p, size_t n, char **outp,
	    struct sgn_errbuf *eb);

/* Decodes exactly outlen bytes of hex (either case) from (s, n). */
sgn_err	sgn_hex_decode(const char *s, size_t n, uint8_t *out, size_t outlen,
	    struct sgn_errbuf *eb);

/* Lowercase hex of (p, n) into out, which must hold 2 * n + 1 bytes. */
void	sgn_hex_encode(const uint8_t *p, size_t n, char *out);

/* Time ------------------------------------------------------------------ */

/* A point in time: seconds since the Unix epoch plus nanoseconds. */
struct sgn_time {
	int64_t	sec;
	int32_t	nsec;
};

/* -1, 0 or 1 as a is before, equal to or after b. */
int	sgn_time_cmp(struct sgn_time a, struct sgn_time b);
struct sgn_time sgn_time_from_sec(int64_t sec);

/*
 * Parses an RFC 3339 time in UTC ("Z" or "+00:00"-style offsets) with 0 to
 * 9 fractional digits, years 0001-9999.
 */
sgn_err	sgn_time_parse_rfc3339(const char *s, size_t n, struct sgn_time *t,
	    struct sgn_errbuf *eb);

/* "2024-03-19T17:26:26Z" (fraction printed only when non-zero). */
#define SGN_TIME_STRLEN 64
void	sgn_time_format(struct sgn_time t, char out[SGN_TIME_STRLEN]);

/* Days-from-civil for a proleptic Gregorian date (UTC). */
int64_t	sgn_time_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Files ----------------------------------------------------------------- */

/*
 * Opens path for reading into *fdp, or gives STDIN_FILENO for "-" (not to
 * be closed).  Anything but a regular file is refused without waiting (a
 * FIFO is opened with O_NONBLOCK, which is cleared for the file kept):
 * SGN_ERR_IO "<path>: not a regular file" ("<path>: is a directory").
 */
sgn_err	sgn_file_open_read(const char *path, int *fdp,
	    struct sgn_errbuf *eb);

/*
 * Reads a whole regular file (or stdin for "-", which may be a pipe) of at
 * most max bytes, opened with sgn_file_open_read().  *outp is malloc'd and
 * NUL-terminated (not counted in *lenp).  A file over max is SGN_ERR_LIMIT.
 */
sgn_err	sgn_file_read(const char *path, size_t max, uint8_t **outp,
	    size_t *lenp, struct sgn_errbuf *eb);

/*
 * Writes (p, n) to path atomically: a temporary file in the same
 * directory, fsync, rename.  On failure nothing is left behind.
 */
sgn_err	sgn_file_write_atomic(const char *path, const void *p, size_t n,
	    unsigned mode, struct sgn_errbuf *eb);

/*
 * Creates path, which must not exist, and writes (p, n) to it: for key
 * files, which are never overwritten by accident.  The file is opened with
 * O_CREAT | O_EXCL | O_NOFOLLOW and mode (0600 for a private key; the
 * umask still applies), written and fsynced.  An existing path, even a
 * dangling symbolic link, is SGN_ERR_IO "<path>: already exists" (replace
 * a file on purpose with sgn_file_write_atomic()).  On failure nothing is
 * left behind.
 */
sgn_err	sgn_file_create(const char *path, const void *p, size_t n,
	    unsigned mode, struct sgn_errbuf *eb);

/* Digests --------------------------------------------------------------- */

typedef enum sgn_hash_alg {
	SGN_HASH_NONE = 0,
	SGN_HASH_SHA256,
	SGN_HASH_SHA384,
	SGN_HASH_SHA512,
} sgn_hash_alg;

#define SGN_MAX_DIGEST 64

size_t	sgn_hash_len(sgn_hash_alg alg);
/* OpenSSL's EVP_MD for alg, or NULL (library-internal glue). */
const struct evp_md_st *sgn_hash_evp(sgn_hash_alg alg);
/* "sha256", "sha384", "sha512" */
const char *sgn_hash_name(sgn_hash_alg alg);
/* Protobuf enum names: "SHA2_256", ... */
const char *sgn_hash_proto_name(sgn_hash_alg alg);
sgn_hash_alg sgn_hash_from_name(const char *name);
sgn_hash_alg sgn_hash_from_proto_name(const char *name);

sgn_err	sgn_hash(sgn_hash_alg alg, const void *p, size_t n, uint8_t *out,
	    struct sgn_errbuf *eb);

/* Streams a file through the digest in constant memory; the file is
 * opened with sgn_file_open_read() (a regular file, or stdin for "-"). */
sgn_err	sgn_hash_file(sgn_hash_alg alg, const char *path, uint8_t *out,
	    struct sgn_errbuf *eb);

/* Caps ------------------------------------------------------------------ */

#define SGN_MAX_BUNDLE_BYTES		(16u * 1024 * 1024)
/* a model's signature lists every file: never more than this, and when
 * verifying, no more than the model needs (sgn_manifest_signature_cap) */
#define SGN_MAX_MODEL_BUNDLE_BYTES	(256u * 1024 * 1024)
#define SGN_MAX_TRUSTED_ROOT_BYTES	(4u * 1024 * 1024)
#define SGN_MAX_KEY_FILE_BYTES		(64u * 1024)

SGN_API_END

#ifdef __cplusplus
}
#endif

#endif /* SGN_CORE_H */
