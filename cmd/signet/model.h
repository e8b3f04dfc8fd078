/*
 * model.h: models and datasets on the command line (cmd/signet only).
 */
#ifndef SGN_CMD_MODEL_H
#define SGN_CMD_MODEL_H

#include <cjson/cJSON.h>

#include "bundle.h"
#include "cli.h"
#include "manifest.h"
#include "sign.h"
#include "verify.h"

/* The hashing options of one command, and its progress bar. */
struct model_run {
	struct sgn_manifest_opts	 o;
	char				**ignore;	/* model-relative */
	size_t				 n_ignore;
	double				 start;
	int				 shown;
	int				 tty;	/* stderr is a terminal */
	double				 last;	/* last line (no terminal) */
};

/* 1 when path is a directory (following links). */
int	model_is_dir(const char *path);
/* MODEL/model.sig for a directory (as model_signing), FILE.sig for a
 * single-file model; malloc'd, NULL when out of memory. */
char	*model_default_signature(const char *model);
/* "512 bytes", "1.5 KiB", "7.6 MiB", ... */
void	model_human_size(uint64_t n, char *out, size_t len);

/* Registers the hashing options (verifying: the verifier's subset). */
void	model_opts_add(struct cli_args *a, int verifying);
/* Reads them for the model at model; prints and returns -1 on error. */
int	model_opts_read(const struct cli_args *a, const char *verb,
	    const char *model, struct model_run *mr);
void	model_run_reset(struct model_run *mr);
/* Unless quiet: a progress bar on stderr when it is a terminal, else a
 * progress line every 10 seconds. */
void	model_progress_enable(struct model_run *mr, int quiet);
void	model_progress_end(struct model_run *mr);
/* Builds the manifest; prints the error and returns 2 on failure. */
int	model_build(struct model_run *mr, const char *model,
	    struct sgn_manifest **out);

int	cmd_digest(int argc, char **argv);

/* Cluster hashing (cluster.c): digest's --plan, --parts, --part,
 * --part-env and --out; `signet manifest merge`. */
void	cluster_opts_add(struct cli_args *a);
int	cluster_digest(const struct cli_args *a, struct model_run *mr,
	    const char *model, int quiet);
int	cmd_manifest(int argc, char **argv);

/*
 * The digest state of a signature signed or verified here, kept in the
 * user's cache so that --reuse-digests can skip unchanged files.
 */
void	model_state_save(const uint8_t *sig, size_t len,
	    const struct sgn_manifest *m);
/* NULL (after a warning) when there is none. */
struct sgn_manifest *model_state_load(const char *sig_path);

/* How the artifacts of one `signet sign` are signed (sign.c). */
struct sgn_signing_ctx;
struct sgn_log_opts;

struct sign_how {
	struct sgn_signing_ctx		*ctx;		/* keyless, or NULL */
	struct sgn_signer		*signer;	/* --key */
	struct sgn_blob			*chain;		/* certificate method */
	size_t				 n_chain;
	const struct sgn_log_opts	*log;	/* --key logged; NULL offline */
};

/* The library's view of h, for sgn_sign_statement() and sgn_sign_model(). */
void	model_sign_how(const struct sign_how *h, struct sgn_sign_how *out);

/* Signing a model (model_sign.c). */

/* Registers sign's model options (hashing, --key, certificates), after
 * --bundle. */
void	model_sign_opts_add(struct cli_args *a);
/* 1 when the command signs a model: a directory, --model or --key. */
int	model_sign_wanted(const struct cli_args *a);
/*
 * --signing-certificate and --certificate-chain into h->chain (leaf
 * first); prints and returns -1 on error.
 */
int	model_chain_load(const struct cli_args *a, struct sign_how *h,
	    const char *verb);
void	model_chain_free(struct sign_how *h);
/*
 * Signs model into out_path (NULL: MODEL/model.sig, or FILE.sig) as h
 * says.  Returns the exit status.
 */
int	model_sign(const char *verb, const struct cli_args *a,
	    const char *model, const char *out_path,
	    const struct sign_how *h, int quiet);

/* Verifying a model (model_verify.c). */
struct model_verify {
	const char		*verb;
	const char		*model;		/* directory or file */
	const char		*bundle_path;
	const uint8_t		*bundle_bytes;
	size_t			 bundle_len;
	const struct sgn_bundle	*bundle;
	struct sgn_verifier	*verifier;
	const struct sgn_policy	*policy;	/* keyless, or .key */
	const char		*ca_pem;	/* certificate method */
	size_t			 ca_len;
	const struct cli_args	*args;		/* the hashing options */
	int			 quiet;
	/* results */
	cJSON			*diffs;		/* [{kind, path, ...}] */
	size_t			 n_files;
	uint64_t		 bytes;
	char			 root_hex[65];
};

/* 1 when b is a DSSE envelope over an OMS (model_signing) statement. */
int	model_is_signature(const struct sgn_bundle *b);
/*
 * Verifies the signature, then the files; fills res (and mv's results).
 * SGN_ERR_VERIFY with "model: N files differ ..." when files differ.
 */
sgn_err	model_verify(struct model_verify *mv, struct sgn_verify_result *res,
	    struct sgn_errbuf *eb);

#endif /* SGN_CMD_MODEL_H */
