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

/* Parses and validates a whole trusted root (at most
 * SGN_MAX_TRUSTED_ROOT_BYTES).  Errors name the member at fault. */
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

/* The embedded documents themselves (for `signet trusted-root`). */
const uint8_t *sgn_trusted_root_embedded_bytes(int staging, size_t *len);

/* Host and authority (host[:port]) of an http(s) URL; malloc'd. */
sgn_err	sgn_url_host(const char *url, char **host, char **authority,
	    struct sgn_errbuf *eb);

#ifdef __cplusplus
}
#endif

#endif /* SGN_TRUST_H */
