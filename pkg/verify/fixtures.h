/*
 * fixtures: a private Sigstore instance for the verify tests, made of
 * real cryptography and kept in memory (test-only; linked into
 * build/test/verify_test, never into libsignet).
 *
 * A world holds two Fulcio CAs (a P-384 root and intermediate as in
 * production, and a P-256 one), three CT logs (ECDSA P-256; RSA-2048
 * whose trusted-root rawBytes is a bare PKCS#1 RSAPublicKey, as the
 * staging root ships it; and one the trusted root does not list), Rekor
 * logs (v1 with ECDSA P-256; v2 with Ed25519 and with ECDSA P-256; a v1
 * log the trusted root does not list) and two RFC 3161 TSAs (the second
 * listed on demand).  From it:
 *
 * - fx_trusted_root() writes trusted_root.json (REFERENCE 2.1), with
 *   validity windows moved or entries dropped on demand;
 * - fx_leaf_new() issues Fulcio-profile leaf certificates (REFERENCE 3.4,
 *   3.5) with an embedded SCT signed over the precertificate TBS
 *   (REFERENCE 4);
 * - fx_bundle() mints a bundle (REFERENCE 1): the signature, the Rekor
 *   entry bodies byte for byte as Rekor stores them (5.1, 5.2, 6.2), a
 *   Merkle tree of a few hundred other leaves around the entry with its
 *   inclusion proof (7), a signed checkpoint (5.6, 8), the SET (5.5) and
 *   RFC 3161 timestamps (9).
 *
 * Everything is signed here with OpenSSL; nothing is taken from the
 * library under test but its byte-buffer type.  Failures abort the
 * calling Criterion test.  Times are Unix seconds; the world is centred
 * on FX_T0.
 */
#ifndef SGN_FIXTURES_H
#define SGN_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "keys.h"

#define FX_T0		1700000000	/* 2023-11-14T22:13:20Z */
#define FX_DAY		86400
#define FX_YEAR		(365 * FX_DAY)
/* Default start of every trusted-root validity window. */
#define FX_WINDOW_START	(FX_T0 - 90 * FX_DAY)
/* Defaults of a minted bundle: leaf valid [T0, T0 + 600], entry
 * integrated at T0 + 30, timestamps at T0 + 31. */
#define FX_LIFETIME	600
#define FX_IT		(FX_T0 + 30)
#define FX_TS		(FX_T0 + 31)
/* Rekor v1 global index = shard index + this. */
#define FX_SHARD_OFFSET	1000000

#define FX_ARTIFACT	"signet synthetic artifact\n"
#define FX_EMAIL	"signer@fx.test"
#define FX_ISSUER	"https://issuer.fx.test"
#define FX_GH_ISSUER	"https://token.actions.githubusercontent.com"
#define FX_GH_ID	"https://github.com/fx/repo/.github/workflows/" \
			"release.yml@refs/heads/main"
#define FX_GH_TRIGGER	"push"
#define FX_GH_SHA	"0f4d2c8e1a9b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
#define FX_GH_WORKFLOW	"Release"
#define FX_GH_REPO	"fx/repo"
#define FX_GH_REF	"refs/heads/main"
#define FX_INTOTO	"application/vnd.in-toto+json"

/* Keys ------------------------------------------------------------------ */

typedef enum fx_kt {
	FX_P256 = 0,
	FX_P384,
	FX_P521,
	FX_ED25519,
	FX_RSA2048,
	FX_RSA3072,
	FX_RSA4096,
} fx_kt;

struct fx_key {
	fx_kt		 type;
	EVP_PKEY	*pkey;
};

/*
 * A private key.  EC and Ed25519 keys are fresh; RSA keys come from
 * fixed PEM fixtures (generating them would cost seconds per forked
 * test), and which (0 or 1) picks one of two distinct keys of a size.
 */
struct fx_key	*fx_key_new(fx_kt type, int which);
void		 fx_key_free(struct fx_key **kp);
/* The public half as the library's key (free with sgn_pubkey_free). */
struct sgn_pubkey *fx_key_pub(const struct fx_key *k);
/* "PKIX_ECDSA_P256_SHA_256", ... as Rekor v2 records the key. */
const char	*fx_key_details(fx_kt type);

/* The world -------------------------------------------------------------- */

/* Services; 0 in an option means "the default one". */
enum fx_svc {
	FX_DEFAULT = 0,
	FX_CA_P384,	/* Fulcio, P-384 root + intermediate */
	FX_CA_P256,	/* a second Fulcio CA, P-256 */
	FX_CT_EC,	/* CT log, ECDSA P-256 */
	FX_CT_RSA,	/* CT log, RSA-2048, PKCS#1 rawBytes */
	FX_CT_OTHER,	/* CT log not in the trusted root */
	FX_REKOR_V1,	/* rekor.fx.test, ECDSA P-256 */
	FX_REKOR_V2_ED,	/* log2030-1.rekor.fx.test, Ed25519 */
	FX_REKOR_V2_EC,	/* log-ec.rekor.fx.test, ECDSA P-256 */
	FX_REKOR_OTHER,	/* a Rekor v1 log not in the trusted root */
	FX_TSA,
	FX_TSA2,	/* a second TSA, listed (after FX_TSA) on demand */
	FX_NSVC
};

#define FX_BIT(svc)	(1u << (svc))

struct fx_ca {
	struct fx_key	*root_key;
	struct fx_key	*int_key;
	X509		*root;
	X509		*inter;
	const char	*name;
	const char	*uri;
};

struct fx_log {
	struct fx_key	*key;
	const char	*base_url;
	const char	*name;		/* key name on checkpoint lines */
	char		 origin[96];	/* checkpoint origin */
	int		 v2;
	uint8_t		 log_id[32];	/* trusted-root logId.keyId */
	uint8_t		*spki;		/* DER SubjectPublicKeyInfo */
	size_t		 spki_len;
};

struct fx_tsa {
	struct fx_key	*root_key;
	struct fx_key	*key;
	X509		*root;
	X509		*leaf;	/* valid [T0 - 1 year, T0 + 1 year] */
};

#define FX_WITNESSES 3

struct fx_world {
	struct fx_ca	 ca_p384;
	struct fx_ca	 ca_p256;
	struct fx_log	 ct_ec;
	struct fx_log	 ct_rsa;
	struct fx_log	 ct_other;
	struct fx_log	 rekor_v1;
	struct fx_log	 rekor_v2_ed;
	struct fx_log	 rekor_v2_ec;
	struct fx_log	 rekor_other;
	struct fx_tsa	 tsa;
	struct fx_tsa	 tsa2;
	struct fx_key	*witness[FX_WITNESSES];	/* Ed25519 cosigners */
};

struct fx_world	*fx_world_new(void);
void		 fx_world_free(struct fx_world **wp);
const struct fx_ca *fx_world_ca(const struct fx_world *w, int svc);
const struct fx_log *fx_world_log(const struct fx_world *w, int svc);

/* Trusted root ------------------------------------------------------------ */

struct fx_window {
	int	 set;		/* else [FX_WINDOW_START, open) */
	int64_t	 start;
	int64_t	 end;
	int	 has_end;
};

struct fx_root_opts {
	struct fx_window win[FX_NSVC];
	unsigned	 drop;	/* FX_BIT(svc): leave the service out */
	unsigned	 add;	/* FX_BIT(FX_CT_OTHER | FX_REKOR_OTHER | */
				/* FX_TSA2): list them */
};

/* Sets svc's window to [FX_WINDOW_START, end]. */
void	fx_root_set_end(struct fx_root_opts *o, int svc, int64_t end);
/* trusted_root.json text (free with free()); o may be NULL. */
char	*fx_trusted_root(const struct fx_world *w,
	    const struct fx_root_opts *o);

/* Leaf certificates --------------------------------------------------- */

enum fx_san {
	FX_SAN_EMAIL = 0,
	FX_SAN_URI,
	FX_SAN_USERNAME,	/* otherName 1.3.6.1.4.1.57264.1.7 */
};

struct fx_leaf_opts {
	fx_kt		 key_type;	/* default P-256 */
	int		 ca;		/* FX_CA_P384 (default), FX_CA_P256 */
	enum fx_san	 san_type;
	const char	*san;		/* default FX_EMAIL */
	const char	*issuer;	/* default FX_ISSUER */
	int		 issuer_legacy_only;	/* .1 only, no .8 */
	const char	*issuer_legacy;	/* .1 when it is not the issuer */
	enum fx_san	 san2_type;	/* a second SAN, after the first */
	const char	*san2;
	int		 github;	/* .2-.6 and some of .9-.22 */
	int64_t		 not_before;	/* default FX_T0 */
	int64_t		 lifetime;	/* default FX_LIFETIME */
	int		 ct;		/* SCT log: FX_CT_EC (default), ... */
	int		 ct2;		/* a second SCT from this log */
	int64_t		 sct_time;	/* seconds; default not_before */
	int		 sct_at;	/* SCT list at index sct_at - 1 */
					/* among the extensions; 0: last */
	int		 no_sct;
	int		 no_eku;
	int		 is_ca;		/* basicConstraints CA:TRUE */
	const char	*subject;	/* a subject CN; default empty */
};

struct fx_leaf {
	struct fx_key	*key;
	X509		*cert;
	uint8_t		*der;
	size_t		 der_len;
	const struct fx_ca *ca;
};

/* o may be NULL. */
struct fx_leaf	*fx_leaf_new(const struct fx_world *w,
		    const struct fx_leaf_opts *o);
void		 fx_leaf_free(struct fx_leaf **lp);

/* Bundles ---------------------------------------------------------------- */

enum fx_tamper {
	FX_TAMPER_NONE = 0,
	FX_TAMPER_PROOF_HASH,	/* flip a bit of hashes[tamper_at] */
	FX_TAMPER_SET,		/* flip a bit of the SET */
};

struct fx_entry_opts {
	int		 log;		/* FX_REKOR_V1 (default), ... */
	int64_t		 integrated_time;	/* v1; default FX_IT */
	int		 no_set;	/* v1: no inclusion promise */
	int		 no_proof;	/* no inclusion proof */
	uint64_t	 tree_size;	/* default 317 */
	uint64_t	 index;		/* shard index, with index_set */
	int		 index_set;	/* else 2/3 into the tree */
	/* checkpoint */
	int		 witnesses_before;
	int		 witnesses_after;
	int		 wrong_hint;	/* the log's line has another hint */
	int		 bad_cp_sig;	/* the log's line signs other text */
	int		 cp_key;	/* the log's line is this log's */
					/* key and hint (0: the entry's) */
	const char	*origin;	/* override */
	const char	*cp_ext;	/* an extension line */
	/* what the entry says */
	const char	*kv_version;	/* kindVersion.version override */
	const struct fx_leaf *body_leaf;	/* record this certificate */
	const struct fx_key *body_key;	/* record this public key */
	const char	*key_details;	/* v2 keyDetails override */
	int		 set_over_shard_index;	/* SET signs the wrong index */
	int		 tamper;	/* enum fx_tamper */
	size_t		 tamper_at;
	/* out: the number of hashes in the inclusion proof */
	size_t		 proof_len;
};

#define FX_MAX_ENTRIES		4
#define FX_MAX_TIMESTAMPS	4

struct fx_bundle_opts {
	int		 version;	/* 1, 2 or 3 (default) */
	int		 dsse;		/* a DSSE envelope, else a message */
	const struct fx_leaf *leaf;	/* keyless signer, or */
	const struct fx_key *key;	/* managed key */
	const struct fx_key *sign_key;	/* sign with this key instead */
	const uint8_t	*artifact;	/* default FX_ARTIFACT */
	size_t		 artifact_len;
	const char	*payload;	/* DSSE; default: names the artifact */
	const char	*payload_type;	/* DSSE; default in-toto */
	int		 chain_intermediate;	/* v0.1/v0.2 chain */
	int		 chain_root;
	struct fx_entry_opts entry[FX_MAX_ENTRIES];
	size_t		 n_entries;	/* default 1 */
	int64_t		 ts[FX_MAX_TIMESTAMPS];	/* genTimes; 0: FX_TS */
	size_t		 n_ts;
	int		 ts_over_artifact;	/* imprint of the wrong bytes */
	unsigned	 ts_other_bytes;	/* bit i: timestamp i too */
	unsigned	 ts_by_tsa2;	/* bit i: timestamp i by FX_TSA2 */
};

/* Bundle JSON text (free with free()).  Fills entry[].proof_len. */
char	*fx_bundle(const struct fx_world *w, struct fx_bundle_opts *o);

/* Lowercase hex digest of (p, n) into out (2 * 64 + 1 bytes). */
void	fx_hexdigest(const EVP_MD *md, const void *p, size_t n, char *out);

#endif /* SGN_FIXTURES_H */
