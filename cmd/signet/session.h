/*
 * session.h: signing as `signet sign` signs (keyless, or with --key,
 * logged unless --offline), for the commands that sign something else
 * than a file (attest).  cmd/signet only.
 */
#ifndef SGN_CMD_SESSION_H
#define SGN_CMD_SESSION_H

#include "cli.h"
#include "sign.h"

struct sign_session;

/* Registers sign's identity, service, trust and key options. */
void	sign_session_opts(struct cli_args *a);
/* The checks of those options that need nothing opened: 0, or exit 2
 * after a message. */
int	sign_session_check(const struct cli_args *a, const char *verb);
/*
 * Opens what signing needs, as sign does: the key (its password first),
 * the services and trust, the identity and signing context, the question
 * about the public log.  Returns 0, or the exit status after a message.
 */
int	sign_session_open(const struct cli_args *a, const char *verb,
	    struct sign_session **out);
/* The library's view, for sgn_sign_statement(). */
void	sign_session_how(const struct sign_session *s,
	    struct sgn_sign_how *out);
/* 1 when signing with a key offline: the bundle is not logged. */
int	sign_session_unlogged(const struct sign_session *s);
/* Wipes the key and token; NULL is fine. */
void	sign_session_free(struct sign_session **sp);

#endif /* SGN_CMD_SESSION_H */
