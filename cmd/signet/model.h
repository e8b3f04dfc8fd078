/*
 * model.h: models and datasets on the command line (cmd/signet only).
 */
#ifndef SGN_CMD_MODEL_H
#define SGN_CMD_MODEL_H

#include "cli.h"
#include "manifest.h"

/* The hashing options of one command, and its progress bar. */
struct model_run {
	struct sgn_manifest_opts	 o;
	char				**ignore;	/* model-relative */
	size_t				 n_ignore;
	double				 start;
	int				 shown;
};

/* Registers the hashing options (verifying: the verifier's subset). */
void	model_opts_add(struct cli_args *a, int verifying);
/* Reads them for the model at model; prints and returns -1 on error. */
int	model_opts_read(const struct cli_args *a, const char *verb,
	    const char *model, struct model_run *mr);
void	model_run_reset(struct model_run *mr);
/* A progress bar on stderr when it is a terminal and not quiet. */
void	model_progress_enable(struct model_run *mr, int quiet);
void	model_progress_end(struct model_run *mr);
/* Builds the manifest; prints the error and returns 2 on failure. */
int	model_build(struct model_run *mr, const char *model,
	    struct sgn_manifest **out);

int	cmd_digest(int argc, char **argv);

#endif /* SGN_CMD_MODEL_H */
