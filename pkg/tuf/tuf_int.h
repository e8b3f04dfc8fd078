/*
 * tuf_int.h: shared by the files of pkg/tuf (not installed).
 *
 * meta.c parses and verifies one metadata file (canonical JSON, keys,
 * signatures, roles); tuf.c runs the client workflow; cache.c keeps the
 * cache directory.
 */
#ifndef SGN_TUF_INT_H
#define SGN_TUF_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core.h"
#include "tuf.h"

enum tuf_type {
	TUF_ROOT = 1,
	TUF_TIMESTAMP,
	TUF_SNAPSHOT,
	TUF_TARGETS,
};

/* A role's keys: key IDs (unique) and a threshold. */
struct tuf_role {
	const cJSON	*keyids;	/* array of strings */
	int64_t		 threshold;
};

/* One parsed metadata file; the tree is owned. */
struct tuf_meta {
	enum tuf_type	 type;
	uint8_t		*raw;		/* the file as fetched */
	size_t		 raw_len;
	cJSON		*doc;
	const cJSON	*sigs;		/* "signatures" */
	const cJSON	*signed_;	/* "signed" */
	int64_t		 version;
	struct sgn_time	 expires;
	uint8_t		*canon;		/* canonical JSON of signed */
	size_t		 canon_len;
	/* root only */
	const cJSON	*keys;
	struct tuf_role	 roles[5];	/* by enum tuf_type */
	int		 consistent;
	/* targets only */
	const cJSON	*targets;	/* object, may be NULL */
	const cJSON	*delegations;	/* object, may be NULL */
};

/* Parses (buf, len) as metadata of type want (copies buf).  what names
 * the file in errors. */
sgn_err	tuf_meta_parse(const uint8_t *buf, size_t len, enum tuf_type want,
	    const char *what, struct tuf_meta **out, struct sgn_errbuf *eb);
void	tuf_meta_free(struct tuf_meta **mp);

/* OLPC canonical JSON of a parsed tree. */
sgn_err	tuf_canonical(struct sgn_buf *b, const cJSON *node,
	    struct sgn_errbuf *eb);

/*
 * Checks that m carries valid signatures from at least threshold distinct
 * key IDs of keyids, the keys taken from keys (an object key ID -> key).
 * SGN_ERR_VERIFY "<what>: signed by N of the M keys needed".
 */
sgn_err	tuf_meta_verify(const struct tuf_meta *m, const cJSON *keys,
	    const cJSON *keyids, int64_t threshold, const char *what,
	    struct sgn_errbuf *eb);

/* Parses a role object {"keyids": [...], "threshold": N}. */
sgn_err	tuf_role_parse(const cJSON *o, const char *where,
	    struct tuf_role *role, struct sgn_errbuf *eb);

/* 1 when the role's key IDs and threshold are the same in a and b. */
int	tuf_role_equal(const struct tuf_role *a, const struct tuf_role *b);

/* 1 when expires <= now. */
int	tuf_expired(const struct tuf_meta *m, int64_t now);

/* A "meta" entry (timestamp/snapshot): version, and optional length and
 * hashes. */
struct tuf_fileinfo {
	int64_t		 version;
	int64_t		 length;	/* -1 when absent */
	const cJSON	*hashes;	/* NULL when absent */
};

sgn_err	tuf_fileinfo_parse(const cJSON *o, int need_version,
	    const char *where, struct tuf_fileinfo *fi, struct sgn_errbuf *eb);

/* Checks (p, n) against fi's length and every listed hash (sha256,
 * sha384, sha512; another algorithm is SGN_ERR_UNSUPPORTED). */
sgn_err	tuf_fileinfo_check(const struct tuf_fileinfo *fi, const uint8_t *p,
	    size_t n, int need_hash, const char *what, struct sgn_errbuf *eb);

/* 1 when target name matches a delegation path pattern ('*' and '?' do
 * not match '/'). */
int	tuf_path_match(const char *pattern, const char *name);

#endif /* SGN_TUF_INT_H */
