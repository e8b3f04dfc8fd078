/*
 * verify: the offline Sigstore verification pipeline and identity policy.
 *
 * Given a parsed bundle, the artifact (its bytes, a file, or only its
 * digest), a trusted root and a policy, sgn_verify() checks everything the
 * Sigstore client specification asks for, in this order:
 *
 *  1. verification material: a Fulcio certificate (a root certificate in
 *     the bundle is refused) or, with a managed key, the given key;
 *  2. transparency log entries: the log is in the trusted root; the
 *     canonicalized body matches the bundle's signature, key or
 *     certificate and digest; the SET verifies (Rekor v1); the inclusion
 *     proof verifies against a checkpoint signed by the log; the log's
 *     validity window holds and the integrated time is not in the future;
 *  3. RFC 3161 timestamps over the signature, from a TSA of the trusted
 *     root, within its validity window; a timestamp that does not verify
 *     is ignored (res->ignored says why), as sigstore-go does, but the
 *     bundle needs a verified signing time: a timestamp or a Rekor v1
 *     integrated time;
 *  4. the certificate at every verified signing time (never the clock
 *     alone): chain to a Fulcio CA of the trusted root, the CA's window,
 *     code-signing usage, an SCT from a trusted CT log;
 *  5. the signature over the artifact (or its digest), the bundle's digest
 *     hint, or for DSSE the signature over PAE and the in-toto subject;
 *  6. the identity policy: SAN and OIDC issuer, exact or by anchored
 *     regular expression, and GitHub workflow extensions.
 *
 * Nothing here touches the network.  A struct sgn_verifier holds a trusted
 * root and memoizes parsed signing certificates and their certificate-path
 * results (pure functions of immutable inputs: times, SCTs, signatures and
 * policy are checked on every call), so one verifier serves many bundles
 * signed with one certificate quickly; it is safe to use from several
 * threads.
 */
#ifndef SGN_VERIFY_H
#define SGN_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "core.h"
#include "keys.h"
#include "manifest.h"
#include "trust.h"
#include "x509.h"

#ifdef __cplusplus
extern "C" {
#endif

SGN_API_BEGIN

/* What is being verified.  (Structs with a size: core.h.) */
struct sgn_artifact {
	size_t		 size;		/* SGN_ARTIFACT_INIT */
	const char	*path;		/* a file, or NULL */
	const uint8_t	*data;		/* bytes in memory, or NULL */
	size_t		 len;
	/* when neither path nor data is given: the artifact's digest */
	sgn_hash_alg	 digest_alg;
	uint8_t		 digest[SGN_MAX_DIGEST];
};
#define SGN_ARTIFACT_INIT	SGN_SIZED_INIT(struct sgn_artifact)

/* Exact match of one Fulcio extension 1.3.6.1.4.1.57264.1.<oid>. */
struct sgn_ext_match {
	unsigned	 oid;
	const char	*value;
	const char	*name;	/* for messages: "GitHub workflow ref" */
};

#define SGN_POLICY_MAX_EXT 16

struct sgn_policy {
	size_t			 size;		/* SGN_POLICY_INIT */
	/* keyless: exactly one of identity / identity_regexp, and one of
	 * issuer / issuer_regexp (regexps: sgn_regex_match()) */
	const char		*identity;
	const char		*identity_regexp;
	const char		*issuer;
	const char		*issuer_regexp;
	struct sgn_ext_match	 ext[SGN_POLICY_MAX_EXT];
	size_t			 n_ext;
	/* managed key: the bundle must be signed by this key */
	const struct sgn_pubkey	*key;
	/* managed key: a bundle with no log entry (signed offline, not
	 * logged yet) verifies on its signature and timestamps alone */
	int			 unlogged_ok;
};
#define SGN_POLICY_INIT		SGN_SIZED_INIT(struct sgn_policy)

/* Adds an exact extension match to a policy (SGN_ERR_LIMIT when full). */
sgn_err	sgn_policy_add_ext(struct sgn_policy *p, unsigned oid,
	    const char *value, const char *name, struct sgn_errbuf *eb);

#define SGN_VERIFY_MAX_TIMES 40

/* An RFC 3161 timestamp of the bundle that did not count, and why. */
struct sgn_verify_ignored {
	size_t	index;		/* in rfc3161Timestamps[] */
	char	reason[200];
};

/* Filled by sgn_verify(), sgn_verify_plain() and sgn_verify_model(). */
struct sgn_verify_result {
	size_t			 size;		/* SGN_VERIFY_RESULT_INIT */
	int			 verified;
	char			 check[32];	/* failed check, "" if none */
	char			 reason[SGN_ERRBUF_SIZE];
	int			 bundle_version;	/* minor: 1, 2, 3 */
	sgn_bundle_content	 content;
	char			*identity;	/* first SAN */
	sgn_san_type		 identity_type;
	struct sgn_san		*sans;		/* every SAN in order (email, */
	size_t			 n_sans;	/* URI, username) for output */
	char			*issuer;
	char			*key_desc;	/* e.g. "ECDSA P-256" */
	int			 has_log;
	int64_t			 log_index;
	uint8_t			 log_id[32];
	char			*log_url;
	char			 entry_kind[48];
	int			 has_integrated_time;
	int64_t			 integrated_time;
	struct sgn_time		 timestamps[SGN_VERIFY_MAX_TIMES];
	size_t			 n_timestamps;	/* verified RFC 3161 times */
	/* timestamps no TSA of the trusted root verified: not counted */
	struct sgn_verify_ignored ignored[SGN_BUNDLE_MAX_TIMESTAMPS];
	size_t			 n_ignored;
	struct sgn_time		 cert_not_before;
	struct sgn_time		 cert_not_after;
	unsigned		 legacy;	/* SGN_PLAIN_* forms */
};
#define SGN_VERIFY_RESULT_INIT	SGN_SIZED_INIT(struct sgn_verify_result)

/* Frees what res holds and clears it, its size kept (so that it can be
 * used again); a res whose size is 0 is left alone. */
void	sgn_verify_result_reset(struct sgn_verify_result *res);

struct sgn_verifier;

/* root is borrowed and must outlive the verifier. */
sgn_err	sgn_verifier_new(const struct sgn_trusted_root *root,
	    struct sgn_verifier **out, struct sgn_errbuf *eb);
void	sgn_verifier_free(struct sgn_verifier **vp);
/* Fixes "now" (for the future-time check); 0 restores the clock. */
void	sgn_verifier_set_now(struct sgn_verifier *v, int64_t now);
/* Turns the certificate memos off (benchmarks of the cold path). */
void	sgn_verifier_set_cache(struct sgn_verifier *v, int on);

/*
 * Verifies b for art under policy.  Returns SGN_OK when everything
 * verified; SGN_ERR_VERIFY, SGN_ERR_POLICY, SGN_ERR_PARSE or
 * SGN_ERR_UNSUPPORTED when the bundle failed (res->check and res->reason
 * say which check and why; eb holds "<check>: <reason>"); other codes
 * when the work could not be done (unreadable artifact, no trust).
 * art, policy and res are structs with a size (core.h): one whose size is
 * refused is SGN_ERR_INVALID_ARGUMENT (a refused res is left untouched).
 * res is cleared first (what it held is not freed: reset it before
 * reuse) and filled in either case; release it with
 * sgn_verify_result_reset.
 */
sgn_err	sgn_verify(struct sgn_verifier *v, const struct sgn_bundle *b,
	    const struct sgn_artifact *art, const struct sgn_policy *policy,
	    struct sgn_verify_result *res, struct sgn_errbuf *eb);

/*
 * Checks a signing certificate as the verifier does, at time at: chain to
 * a Fulcio CA of the trusted root, that CA's window, code-signing usage,
 * an SCT from a trusted CT log.  Signers call it on a fresh certificate
 * before they sign anything with it.  Fails with SGN_ERR_VERIFY and a
 * message naming the check.
 */
sgn_err	sgn_verify_certificate(struct sgn_verifier *v,
	    const struct sgn_cert *leaf, struct sgn_time at,
	    struct sgn_errbuf *eb);

/* OpenSSF model signing: the key and certificate methods ------------- */

/*
 * What a bundle of model_signing's key or certificate method is checked
 * against: the signer's public key (key method) or the CA certificates
 * (certificate method).  The bundle's material picks the method; giving
 * both is allowed.
 */
struct sgn_plain_trust {
	size_t			 size;	/* SGN_PLAIN_TRUST_INIT */
	const struct sgn_pubkey	*key;	/* key method, or NULL */
	/* certificate method: PEM text holding one or more CA certificates
	 * (self-signed roots; text between blocks is skipped), or NULL */
	const char		*ca_pem;
	size_t			 ca_len;
	/* certificate method: when to validate the chain, in Unix seconds;
	 * 0 is the leaf's notBefore, as model_signing does (so that expired
	 * certificates still verify) */
	int64_t			 at;
};
#define SGN_PLAIN_TRUST_INIT	SGN_SIZED_INIT(struct sgn_plain_trust)

/* Older forms sgn_verify_plain() accepted (sgn_verify_result.legacy),
 * for a caller to warn about as model_signing does. */
#define SGN_PLAIN_OLD_PAE	0x1	/* signed over model_signing 0.2's
					 * PAE (sgn_dsse_pae_compat()) */
#define SGN_PLAIN_NO_HINT	0x2	/* publicKey without a hint (rawBytes,
					 * model_signing before 1.1) */

#define SGN_PLAIN_MAX_CAS	4096

/*
 * Verifies a DSSE bundle signed by a plain key or by a certificate chain,
 * with no transparency log (OpenSSF model signing's key and certificate
 * methods; any tlogEntries or timestamps are not looked at):
 *
 *  - the envelope's payload type is application/vnd.in-toto+json;
 *  - key method (publicKey): the hint, when present, is the given key's
 *    (sgn_pubkey_pem_hint()); rawBytes, when present, is the given key;
 *    keyDetails, when present, names the given key's type;
 *  - certificate method (x509CertificateChain, leaf first): the leaf
 *    chains to one of the given CA certificates, with the bundle's other
 *    certificates as untrusted intermediates, at trust->at; the leaf has
 *    digitalSignature key usage or codeSigning extended key usage;
 *  - the key is ECDSA P-256, P-384 or P-521 and the DSSE signature over
 *    PAE verifies with the curve's hash (SHA-256, SHA-384, SHA-512), or,
 *    failing that, over model_signing 0.2's PAE with SHA-256 or the
 *    curve's hash;
 *  - the payload is an in-toto statement (sgn_intoto_parse()).
 *
 * On success *payload and *payload_len point to the authenticated
 * payload inside b.  Errors and the result are as sgn_verify() gives
 * them; res->identity is the leaf's first SAN, or else its subject CN.
 */
sgn_err	sgn_verify_plain(const struct sgn_bundle *b,
	    const struct sgn_plain_trust *trust, const uint8_t **payload,
	    size_t *payload_len, struct sgn_verify_result *res,
	    struct sgn_errbuf *eb);

/* OpenSSF model signing: a model against its signature -------------- */

/* 1 when b is a DSSE envelope over an OMS (model_signing) statement. */
int	sgn_verify_model_is_signature(const struct sgn_bundle *b);

/* What sgn_verify_model() checks a model's signature and files with. */
struct sgn_verify_model_opts {
	size_t			 size;	/* SGN_VERIFY_MODEL_OPTS_INIT */
	const char		*model;		/* a directory or one file */
	/* the signature's path, left out of the walk when it lies inside
	 * the model directory; may be NULL */
	const char		*signature_path;
	/*
	 * Sigstore signatures (a log entry or a timestamp) are checked
	 * with verifier and policy against the statement's subject
	 * digest; with ca_pem, or with policy->key and
	 * policy->unlogged_ok on a bundle that has neither, with
	 * sgn_verify_plain() (key or certificate method).
	 */
	struct sgn_verifier	*verifier;
	const struct sgn_policy	*policy;
	const char		*ca_pem;	/* certificate method */
	size_t			 ca_len;
	/*
	 * The verifier's own hashing options, or NULL for the defaults:
	 * flags, jobs, read_size, progress and paths to ignore (added to
	 * the signature's list).  method, hash, shard_size, only, reuse and
	 * signature_path are the signature's, or set from the fields here:
	 * whatever they hold is not used.  (A pointer: a struct that grows
	 * is never embedded in another.)
	 */
	const struct sgn_manifest_opts *hashing;
	int			 ignore_unsigned;	/* signed files only */
	/*
	 * When set, a merged manifest (`signet manifest merge`) whose
	 * digests stand for the files': they are not read, only walked and
	 * checked against its plan (sgn_manifest_merged_load()), so this
	 * trusts whoever hashed the partials.  Not with ignore_unsigned or
	 * hashing.ignore.
	 */
	const uint8_t		*merged;
	size_t			 merged_len;
};
#define SGN_VERIFY_MODEL_OPTS_INIT \
	SGN_SIZED_INIT(struct sgn_verify_model_opts)

/* A file (or shard) that differs; entry points into the result's
 * manifests. */
struct sgn_verify_model_diff {
	sgn_manifest_diff_kind			 kind;
	const struct sgn_manifest_entry		*entry;
};

/* What sgn_verify_model() found; sgn_verify_model_result_reset() frees
 * it. */
struct sgn_verify_model_result {
	size_t				 size;	/* ..._RESULT_INIT */
	struct sgn_manifest		*signed_manifest;	/* or NULL */
	struct sgn_manifest		*actual;	/* on disk, or NULL */
	struct sgn_verify_model_diff	*diffs;		/* in manifest order */
	size_t				 n_diffs;
};
#define SGN_VERIFY_MODEL_RESULT_INIT \
	SGN_SIZED_INIT(struct sgn_verify_model_result)

/* Frees what mr holds and clears it, its size kept. */
void	sgn_verify_model_result_reset(struct sgn_verify_model_result *mr);

/*
 * Verifies the model at o->model against the bundle b, as model_signing
 * does: b must be a DSSE envelope over an OMS statement (v1.0, or v0.2);
 * first who signed the statement (o says how, above), then the files on
 * disk, hashed as the statement says they were (method, hash, shard size,
 * symlinks; blake3 is SGN_ERR_UNSUPPORTED), against the signed manifest.
 *
 * res is filled as sgn_verify() fills it; a failed model check sets
 * res->check to "model" (or "statement") and res->reason.  mres receives
 * the manifests and, when files differ, every difference: then the
 * error is SGN_ERR_VERIFY with "model: N files differ from the signature:
 * KIND PATH, ...".  A model that is neither a regular file nor a
 * directory, or that cannot be read, is SGN_ERR_IO; a refused file type
 * or link, or a model whose shape (file or directory) is not the one
 * signed, is SGN_ERR_VERIFY; out of memory is SGN_ERR_NOMEM, never a pass.
 */
sgn_err	sgn_verify_model(const struct sgn_bundle *b,
	    const struct sgn_verify_model_opts *o,
	    struct sgn_verify_result *res, struct sgn_verify_model_result *mres,
	    struct sgn_errbuf *eb);

/*
 * Identity regular expressions: PCRE2 syntax (a superset of what Go's
 * RE2 takes for identity patterns), matched against the WHOLE value
 * (anchored at both ends), UTF-8, with ASCII \d \w \s \b as in Go.
 * Patterns are at most SGN_REGEX_MAX_PATTERN bytes.
 *
 * sgn_regex_match() sets *matched to 1 when pattern matches all of s,
 * else 0.  Errors: SGN_ERR_INVALID_ARGUMENT for a pattern that is too
 * long or does not compile (PCRE2's message and the offset), and for a
 * match that hits the backtracking limits ("match limit hit": the
 * pattern must be simplified; no verdict on s); SGN_ERR_PARSE when s
 * is not valid UTF-8; SGN_ERR_NOMEM.  sgn_regex_check() only compiles
 * the pattern, with the same pattern errors.
 */
#define SGN_REGEX_MAX_PATTERN	4096
sgn_err	sgn_regex_check(const char *pattern, struct sgn_errbuf *eb);
sgn_err	sgn_regex_match(const char *pattern, const char *s, int *matched,
	    struct sgn_errbuf *eb);

/*
 * A pattern compiled once for many values (a log monitor matches every
 * certificate's SANs): the syntax, limits and errors are those of
 * sgn_regex_match(), which is sgn_regex_new(), sgn_regex_exec() on
 * strlen(s) bytes and sgn_regex_free().  s need not be NUL-terminated;
 * len bytes are matched, a NUL among them being a character.  An
 * sgn_regex keeps its match data: one thread at a time.
 * sgn_regex_free() takes NULL and clears *re.
 */
struct sgn_regex;
sgn_err	sgn_regex_new(const char *pattern, struct sgn_regex **re,
	    struct sgn_errbuf *eb);
sgn_err	sgn_regex_exec(struct sgn_regex *re, const char *s, size_t len,
	    int *matched, struct sgn_errbuf *eb);
void	sgn_regex_free(struct sgn_regex **re);

SGN_API_END

#ifdef __cplusplus
}
#endif

#endif /* SGN_VERIFY_H */
