/*
 * trustcli: where the commands get their trust from (cmd/signet/trust.c).
 * One function, trust_get(), decides for verify, sign, log and `signet
 * trust show`: a file given (--trusted-root, --signing-config), else the
 * TUF cache verified from the built-in (or --tuf-root) root, else the
 * built-in trusted root.
 */
#ifndef SGN_TRUSTCLI_H
#define SGN_TRUSTCLI_H

#include <stdint.h>

#include "cli.h"
#include "trust.h"
#include "tuf.h"

/* Which options trust_opts_add() registers. */
#define TRUST_OPTS_VERIFY	1	/* --tuf-root --cache-dir
					 * --offline-trust --trust-max-age */
#define TRUST_OPTS_SIGN		2	/* --tuf-url --tuf-root --cache-dir */

/* Where the trusted root in use came from. */
#define TRUST_FROM_NONE		0
#define TRUST_FROM_FILE		1	/* --trusted-root / --signing-config */
#define TRUST_FROM_CACHE	2	/* the TUF cache, verified now */
#define TRUST_FROM_UPDATE	3	/* the TUF repository, updated now */
#define TRUST_FROM_BUILTIN	4	/* compiled in */

struct sgn_http;

struct trust_want {
	/*
	 * 0: never touch the network (verify, show): the cache, verified
	 * offline, else the built-in root.  1: sign and log: update the
	 * cache first when its timestamp expired or it is a day old.
	 */
	int		 online;
	int		 need_root;
	int		 need_config;
	int		 rekor_v2;	/* the Rekor v2 signing config */
	int		 quiet;		/* no warning about the trust's age */
	struct sgn_http	*http;		/* online: the client (not owned) */
};

struct trust_got {
	struct sgn_trusted_root		*root;
	struct sgn_signing_config	*config;
	int				 root_from;	/* TRUST_FROM_* */
	int				 config_from;
	const char			*file;		/* --trusted-root */
	/* TUF: the repository and the state used (have_info) */
	const char			*repo;		/* "production", ... */
	const char			*url;
	int				 have_info;
	struct sgn_tuf_info		 info;
	/* Unix seconds the trust in use dates from (0: unknown) */
	int64_t				 as_of;
	uint64_t			 max_age_days;
	/* why the cache was not used ("" when it was) */
	char				 note[512];
};

void	trust_opts_add(struct cli_args *a, int which);
/*
 * Fills g (release with trust_got_reset) as w asks; prints the warnings
 * and errors.  Returns 0, or the exit status (1 or 2) on failure.
 */
int	trust_get(const struct cli_args *a, const char *verb,
	    const struct trust_want *w, struct trust_got *g);
void	trust_got_reset(struct trust_got *g);

int	cmd_trust(int argc, char **argv);

#endif /* SGN_TRUSTCLI_H */
