/*
 * cli: what the signet commands share: option parsing, messages, exit
 * codes.  Only cmd/ prints.
 */
#ifndef SGN_CLI_H
#define SGN_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#define CLI_MAX_OPTS	64
#define CLI_MAX_VALUES	64

/* takes_value: */
#define CLI_FLAG	0
#define CLI_VALUE	1
#define CLI_REPEAT	2	/* may be given several times */

/*
 * One long option: "--name VALUE", "--name=VALUE", or a flag.  An
 * underscore in a given option name stands for a dash (model_signing's
 * spellings, such as --public_key).
 */
struct cli_opt {
	const char	*name;
	int		 takes_value;
	const char	*value;		/* set by cli_parse: the last one */
	int		 seen;
	const char	*values[CLI_MAX_VALUES];	/* CLI_REPEAT */
	size_t		 n_values;
	const char	*alias_of;	/* another spelling of that option */
	const char	*spelled;	/* the spelling given (cli_parse) */
};

struct cli_args {
	/* one spare slot past the last: where registrations beyond
	 * CLI_MAX_OPTS land, never searched; cli_parse then refuses */
	struct cli_opt	 opts[CLI_MAX_OPTS + 1];
	size_t		 n_opts;
	int		 too_many;	/* cli_add past CLI_MAX_OPTS */
	const char	*pos[16];
	size_t		 n_pos;
};

/*
 * Registers an option; returns its index.  Past CLI_MAX_OPTS the option
 * is not registered and cli_parse fails (exit 2), whatever argv holds.
 */
size_t	cli_add(struct cli_args *a, const char *name, int takes_value);
/*
 * Registers alias as another spelling of the option name (registered
 * before): giving either sets name; giving both is an error.
 */
void	cli_alias(struct cli_args *a, const char *alias, const char *name);
/* Parses argv; on error prints a message and returns -1 (exit 2). */
int	cli_parse(struct cli_args *a, const char *cmd, int argc, char **argv);
const char *cli_get(const struct cli_args *a, const char *name);
int	cli_flag(const struct cli_args *a, const char *name);
/* A decimal option value of at most max (digits only); -1 otherwise. */
int	cli_u64(const char *s, uint64_t max, uint64_t *v);
/* The values of a CLI_REPEAT option. */
const char *const *cli_values(const struct cli_args *a, const char *name,
	    size_t *n);

/*
 * cosign's flags for sign-blob (signing set) and verify-blob: those that
 * change nothing here are accepted; those signet cannot honour are
 * registered so that cli_cosign_check() refuses them by name.
 */
void	cli_cosign_add(struct cli_args *a, int signing);
/* Prints and returns -1 when a flag signet cannot honour was given. */
int	cli_cosign_check(const struct cli_args *a, const char *verb);
/*
 * model_signing's method words ("sign key DIR", "verify sigstore DIR"):
 * prints the signet spelling to use and returns -1 when the first of two
 * arguments is one (and no such file exists); 0 otherwise.
 */
int	cli_model_signing_words(const struct cli_args *a, const char *verb);
/* The spelling an option was given with (NULL when not given). */
const char *cli_spelled(const struct cli_args *a, const char *name);

/* "signet: <msg>" on stderr. */
void	cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* From now on cli_err also keeps its first message in buf (for --json);
 * NULL stops it. */
void	cli_err_capture(char *buf, size_t len);
/* Prints eb (or the code's text) and returns the exit status. */
int	cli_fail(sgn_err r, const struct sgn_errbuf *eb);

/*
 * --json strings are valid UTF-8 whatever the bytes they come from.  A
 * byte that is not part of valid UTF-8 (RFC 3629) is written as the four
 * characters \xHH (lower-case hex); in a path (path set) a backslash is
 * also doubled, so that the path's bytes can be recovered.  Returns a
 * malloc'd string, NULL when out of memory.
 */
char	*cli_json_escape(const char *s, int path);
/* cJSON_AddStringToObject of the escaped path or text; 0, or -1 (and
 * nothing added) when out of memory or for NULL. */
struct cJSON;
int	cli_json_add_path(struct cJSON *o, const char *name, const char *path);
int	cli_json_add_text(struct cJSON *o, const char *name, const char *text);

int	cmd_verify(const char *verb, int argc, char **argv);
int	cmd_sign(const char *verb, int argc, char **argv);
int	cmd_log(int argc, char **argv);
int	cmd_key(int argc, char **argv);
int	cmd_tlog(int argc, char **argv);
int	cmd_attest(int argc, char **argv);
int	cmd_verify_attestation(int argc, char **argv);

#endif /* SGN_CLI_H */
