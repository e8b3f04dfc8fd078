/*
 * trust: the Sigstore trusted root (trusted_root.json, protobuf-specs
 * sigstore_trustroot.proto TrustedRoot) and the public-good roots embedded
 * at build time from third_party/sigstore.
 *
 * A trusted root lists, each with a validity window:
 * - tlogs: transparency logs (Rekor v1 and v2 shards), keyed by log ID;
 * - certificateAuthorities: Fulcio CAs, each a chain whose last
 *   certificate is the trust anchor;
 * - ctlogs: certificate transparency logs for SCTs;
 * - timestampAuthorities: RFC 3161 TSAs (chain: signing leaf first).
 * Validity windows are closed intervals [start, end]; end absent means
 * open-ended.  Lists are multi-instance: select by ID, never by position.
 */
#ifndef SGN_TRUST_H
#define SGN_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "keys.h"
#include "x509.h"

#ifdef __cplusplus
extern "C" {
#endif

SGN_API_BEGIN

struct sgn_validity {
	struct sgn_time	start;
	struct sgn_time	end;
	int		has_start;
	int		has_end;
};

/* 1 when t lies in the closed interval. */
int	sgn_validity_contains(const struct sgn_validity *v, struct sgn_time t);

/* A transparency log (Rekor) or certificate transparency log instance. */
struct sgn_log {
	char			*base_url;
	char			*host;		/* base_url's, bare: no port */
	char			*authority;	/* host[:port] of base_url */
	struct sgn_pubkey	*key;
	sgn_hash_alg		 key_hash;	/* from keyDetails */
	uint8_t			 log_id[32];
	int			 has_checkpoint_key_id;
	uint8_t			 checkpoint_key_id[32];
	struct sgn_validity	 valid;
};

/* A certificate authority (Fulcio) or timestamp authority. */
struct sgn_authority {
	char			*uri;
	char			*organization;
	char			*common_name;
	struct sgn_cert		**chain;	/* anchor last */
	size_t			 chain_len;
	struct sgn_validity	 valid;
};

struct sgn_trusted_root;

/* At most this many entries in each list of a trusted root (tlogs,
 * ctlogs, certificate authorities, timestamp authorities). */
#define SGN_TRUSTED_ROOT_MAX_ENTRIES	64

/* Parses and validates a whole trusted root (at most
 * SGN_MAX_TRUSTED_ROOT_BYTES and SGN_TRUSTED_ROOT_MAX_ENTRIES entries in
 * each list).  Errors name the member at fault. */
sgn_err	sgn_trusted_root_parse(const uint8_t *buf, size_t len,
	    struct sgn_trusted_root **out, struct sgn_errbuf *eb);
/* Reads and parses a file.  An unreadable file is SGN_ERR_TRUST. */
sgn_err	sgn_trusted_root_load(const char *path,
	    struct sgn_trusted_root **out, struct sgn_errbuf *eb);
/* The public-good production (staging == 0) or staging root compiled in
 * from third_party/sigstore. */
sgn_err	sgn_trusted_root_embedded(int staging, struct sgn_trusted_root **out,
	    struct sgn_errbuf *eb);
void	sgn_trusted_root_free(struct sgn_trusted_root **rp);

const struct sgn_log *sgn_trusted_root_tlogs(const struct sgn_trusted_root *r,
	    size_t *n);
const struct sgn_log *sgn_trusted_root_ctlogs(
	    const struct sgn_trusted_root *r, size_t *n);
const struct sgn_authority *sgn_trusted_root_cas(
	    const struct sgn_trusted_root *r, size_t *n);
const struct sgn_authority *sgn_trusted_root_tsas(
	    const struct sgn_trusted_root *r, size_t *n);

/* The tlog or ctlog whose log ID is id (32 bytes), or NULL. */
const struct sgn_log *sgn_trusted_root_find_tlog(
	    const struct sgn_trusted_root *r, const uint8_t *id, size_t idlen);
const struct sgn_log *sgn_trusted_root_find_ctlog(
	    const struct sgn_trusted_root *r, const uint8_t *id, size_t idlen);

/*
 * 1 when one of logs[0 .. n-1] with this 32-byte log ID is valid at t: a
 * key may be listed more than once, with windows that follow each other.
 */
int	sgn_log_valid_at(const struct sgn_log *logs, size_t n,
	    const uint8_t *id, struct sgn_time t);

/* The embedded documents themselves (for `signet trusted-root`). */
const uint8_t *sgn_trusted_root_embedded_bytes(int staging, size_t *len);

/* Signing configuration (SigningConfig v0.2) ----------------------------- */

/* One service of a signing config. */
struct sgn_service {
	char			*url;
	uint32_t		 major;		/* majorApiVersion */
	struct sgn_validity	 valid;
	char			*operator_name;
};

typedef enum sgn_selector {
	SGN_SELECT_ANY = 1,
	SGN_SELECT_ALL,
	SGN_SELECT_EXACT,
} sgn_selector;

struct sgn_signing_config {
	struct sgn_service	*ca;
	size_t			 n_ca;
	struct sgn_service	*oidc;
	size_t			 n_oidc;
	struct sgn_service	*rekor;
	size_t			 n_rekor;
	struct sgn_service	*tsa;
	size_t			 n_tsa;
	sgn_selector		 rekor_selector;
	uint32_t		 rekor_count;
	sgn_selector		 tsa_selector;
	uint32_t		 tsa_count;
};

/* What a signing run uses, chosen from a config (pointers into it). */
#define SGN_MAX_SELECTED 8

struct sgn_selection {
	size_t				 size;	/* SGN_SELECTION_INIT */
	const struct sgn_service	*ca;
	const struct sgn_service	*oidc;		/* may be NULL */
	const struct sgn_service	*rekor[SGN_MAX_SELECTED];
	size_t				 n_rekor;
	const struct sgn_service	*tsa[SGN_MAX_SELECTED];
	size_t				 n_tsa;
};
#define SGN_SELECTION_INIT	SGN_SIZED_INIT(struct sgn_selection)

/* Parses and validates a signing config v0.2
 * (application/vnd.dev.sigstore.signingconfig.v0.2+json). */
sgn_err	sgn_signing_config_parse(const uint8_t *buf, size_t len,
	    struct sgn_signing_config **out, struct sgn_errbuf *eb);
sgn_err	sgn_signing_config_load(const char *path,
	    struct sgn_signing_config **out, struct sgn_errbuf *eb);
/* The production configs compiled in: Rekor v1 (rekor_v2 == 0, the
 * public-good default) or the opt-in one that adds the Rekor v2 shard. */
sgn_err	sgn_signing_config_embedded(int rekor_v2,
	    struct sgn_signing_config **out, struct sgn_errbuf *eb);
void	sgn_signing_config_free(struct sgn_signing_config **cp);

/*
 * Chooses services valid at now, as sigstore-go does: the services whose
 * API version signet speaks (Fulcio 1, OIDC 1, Rekor 1 and 2, TSA 1),
 * newest validity start first; one CA and one OIDC provider; for Rekor
 * and TSAs, the highest API version that has any, at most one per
 * operator, then the selector (ANY: one, ALL: all, EXACT: count, fewer is
 * an error).  No usable CA or Rekor is SGN_ERR_TRUST.
 */
sgn_err	sgn_signing_config_select(const struct sgn_signing_config *c,
	    struct sgn_time now, struct sgn_selection *sel,
	    struct sgn_errbuf *eb);

/*
 * Whether the trusted root knows every service of the selection: the CA,
 * each Rekor (a tlog of the root) and each TSA, matched by scheme and
 * authority (host[:port]) of their URLs; a CA or TSA of the root without
 * a URI matches any.  A service the root does not know is SGN_ERR_TRUST:
 * what it answered could not be checked, so nothing should be sent to it.
 */
sgn_err	sgn_selection_check_root(const struct sgn_selection *sel,
	    const struct sgn_trusted_root *root, struct sgn_errbuf *eb);

/* Host and authority (host[:port]) of an http(s) URL; malloc'd. */
sgn_err	sgn_url_host(const char *url, char **host, char **authority,
	    struct sgn_errbuf *eb);

SGN_API_END

#ifdef __cplusplus
}
#endif

#endif /* SGN_TRUST_H */
