/*
 * oidc: the identity token a keyless signature is bound to.
 *
 * Where a token comes from, in order (sgn_oidc_get_token):
 * 1. a token given by the caller (a JWT, or a file holding one), or a
 *    token file;
 * 2. the SIGSTORE_ID_TOKEN environment variable (also how GitLab CI hands
 *    over a token declared under `id_tokens`);
 * 3. ambient CI credentials, detected: GitHub Actions, GitLab, Buildkite,
 *    CircleCI, Google Cloud (metadata server);
 * 4. a person: OAuth 2.0 authorization code with PKCE (RFC 7636) on a
 *    loopback redirect (RFC 8252), its out-of-band variant, or the device
 *    authorization grant (RFC 8628).  Endpoints come from OpenID Connect
 *    Discovery 1.0.
 *
 * Tokens are JWTs (RFC 7519) in JWS compact form.  Their claims are read,
 * never trusted: Fulcio verifies the signature.  They serve to sign the
 * right claim in the proof of possession (email or sub) and to say early
 * and clearly what is wrong (expired, wrong audience, unsigned).
 *
 * Tokens, authorization codes and PKCE verifiers are bearer secrets: they
 * live in struct sgn_secret or wiped buffers, are wiped on every path, and
 * never appear in an error message.
 *
 * Nothing here prints, prompts or reads the process environment: the
 * caller passes callbacks (struct sgn_oidc_ui, struct sgn_oidc_env).
 * Child processes (CI agents, xdg-open) inherit the environment as is.
 */
#ifndef SGN_OIDC_H
#define SGN_OIDC_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "http.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SGN_OIDC_MAX_TOKEN		(16u * 1024)	/* bytes of a JWT */
#define SGN_OIDC_MAX_AUD		8		/* audiences kept */
#define SGN_OIDC_LEEWAY			60		/* seconds, exp/nbf */
#define SGN_OIDC_DEFAULT_ISSUER		"https://oauth2.sigstore.dev/auth"
#define SGN_OIDC_DEFAULT_CLIENT_ID	"sigstore"
#define SGN_OIDC_DEFAULT_AUDIENCE	"sigstore"

/*
 * A token and its (unverified) claims.  Zero-initialise it; release it
 * with sgn_oidc_token_reset().  Strings are malloc'd and owned by the
 * struct; email and nonce are NULL when the token has none.
 */
struct sgn_oidc_token {
	struct sgn_secret	 jwt;		/* the compact JWS, NUL-ended */
	char			*issuer;	/* iss */
	char			*subject;	/* sub */
	char			*email;		/* email, or NULL */
	int			 email_verified;
	char			*nonce;		/* nonce, or NULL */
	/* federated_claims.connector_id (Dex), or NULL: the issuer Fulcio
	 * then records in the certificate. */
	char			*federated_issuer;
	int64_t			 exp;
	int64_t			 iat;
	int64_t			 nbf;		/* 0 when absent */
	char			*aud[SGN_OIDC_MAX_AUD];
	size_t			 n_aud;
	/* Where the token came from: "token", "token-file", "env",
	 * "github-actions", "gitlab", "buildkite", "circleci", "google",
	 * "interactive", "oob" or "device". */
	char			 source[48];
};

/* Wipes the token, frees the claims and zeroes the struct.  NULL is a
 * no-op. */
void	sgn_oidc_token_reset(struct sgn_oidc_token *t);

/*
 * Parses a compact JWS (header.payload.signature: three non-empty
 * base64url segments without padding) of at most SGN_OIDC_MAX_TOKEN bytes
 * and reads its claims without verifying the signature.  *out is
 * overwritten (reset it first if it held a token) and, on success, owns a
 * copy of (jwt, len).
 *
 * Refused: other segment counts, bad base64url, JSON that is not an
 * object (strict JSON, duplicate keys refused), alg "none" or an
 * algorithm Fulcio cannot verify (SGN_ERR_UNSUPPORTED), a missing or
 * mistyped iss, sub, aud, exp or iat (SGN_ERR_PARSE), more than
 * SGN_OIDC_MAX_AUD audiences (SGN_ERR_LIMIT).  Then, with SGN_ERR_POLICY:
 * aud must contain audience (NULL means "sigstore"), and at time now
 * (seconds since the epoch; 0 means the current time) the token must not
 * have expired nor be before its nbf, with SGN_OIDC_LEEWAY seconds of
 * leeway.  Messages name the claim, never the token: "identity token
 * expired at 2026-01-02T03:04:05Z", "identity token audience is \"x\",
 * not \"sigstore\"".
 */
sgn_err	sgn_oidc_token_parse(const char *jwt, size_t len,
	    const char *audience, int64_t now, struct sgn_oidc_token *out,
	    struct sgn_errbuf *eb);

/*
 * The string the proof of possession signs (REFERENCE §3.2): the email
 * for a token that has an email claim, which then must have
 * email_verified true (else SGN_ERR_POLICY); else the subject.  *out
 * points into t.
 */
sgn_err	sgn_oidc_token_challenge(const struct sgn_oidc_token *t,
	    const char **out, struct sgn_errbuf *eb);

/*
 * How the library reaches a person.  Every callback is optional, but the
 * authorization code flow needs show_url or a browser, the device flow
 * show_url, and the out-of-band flow show_url and read_code.
 */
struct sgn_oidc_ui {
	/* "Open this URL" (and, in the device flow, "enter this code"):
	 * always called in the interactive flows, so that a person can
	 * open the URL elsewhere.  user_code is NULL outside the device
	 * flow. */
	void	 (*show_url)(void *ctx, const char *url,
		    const char *user_code);
	/* Launches a browser on url (when the options say there is one);
	 * returns 0 when one was launched.  Default: sgn_oidc_xdg_open(). */
	int	 (*open_browser)(void *ctx, const char *url);
	/* Reads the authorization code a person pastes (out-of-band flow)
	 * into code, which the library wipes. */
	sgn_err	 (*read_code)(void *ctx, struct sgn_secret *code);
	/* One line of progress ("waiting for the browser"). */
	void	 (*status)(void *ctx, const char *msg);
	void	*ctx;
};

/*
 * The environment, injected.  Every callback is optional: without getenv
 * no variable is set (so no ambient provider is detected); the others
 * have defaults that use the system.
 */
struct sgn_oidc_env {
	/* The value of an environment variable, or NULL. */
	const char *(*getenv)(void *ctx, const char *name);
	/* Runs argv without a shell, stdin from /dev/null, and appends its
	 * standard output to out, whose max the library set.  Fails when
	 * the command cannot start, exits with a status other than 0, runs
	 * longer than timeout_ms, or prints more than out->max bytes.
	 * Default: posix_spawn, argv[0] looked up in getenv("PATH"), the
	 * process's environment passed on (CI agents read their own
	 * credentials from it), the first line of standard error in the
	 * message. */
	sgn_err	 (*run)(void *ctx, char *const argv[], long timeout_ms,
		    struct sgn_buf *out, struct sgn_errbuf *eb);
	/* Appends a small file (out->max caps it) to out; used for
	 * /sys/class/dmi/id/product_name.  Default: read(2). */
	sgn_err	 (*read_file)(void *ctx, const char *path,
		    struct sgn_buf *out, struct sgn_errbuf *eb);
	/* Waits ms milliseconds (device-flow polling).  Default:
	 * nanosleep. */
	void	 (*sleep)(void *ctx, long ms);
	void	*ctx;
};

struct sgn_oidc_opts {
	const char	*issuer;	/* default SGN_OIDC_DEFAULT_ISSUER */
	const char	*client_id;	/* default "sigstore" */
	const char	*client_secret;	/* default none (public client) */
	/* The audience ambient tokens are requested for and every token is
	 * checked against.  Default "sigstore" for ambient and given
	 * tokens, client_id for the interactive flows. */
	const char	*audience;
	/* Forces one source: "token", "env", "github-actions", "gitlab",
	 * "buildkite", "circleci", "google", "interactive", "device",
	 * "oob".  NULL: the resolution order above. */
	const char	*provider;
	/* A JWT (base64url and two dots, surrounding whitespace allowed),
	 * or else the name of a file holding one. */
	const char	*token;
	const char	*token_file;	/* a file holding a JWT */
	int		 disable_ambient;
	int		 force_oob;	/* out-of-band code paste */
	int		 force_device;	/* RFC 8628 device flow */
	int		 have_terminal;
	int		 have_browser;
	/* How long a person has (interactive flows); default 300 s. */
	long		 timeout_s;
	int64_t		 now;		/* 0: the current time */
	/* Host of the loopback redirect URI: "127.0.0.1" (default) or
	 * "localhost"; the server listens on 127.0.0.1 either way. */
	const char	*redirect_host;
};

/*
 * Gets an identity token (see the order at the top).  o, env and ui may be
 * NULL (all defaults).  The first source found is used; a detected source
 * that fails is an error, not a reason to try the next one.  With
 * o->provider only that source is tried.  An ambient provider named while
 * ambient providers are disabled is SGN_ERR_INVALID_ARGUMENT.
 *
 * The interactive flow is the device flow with force_device, or when
 * there is neither a terminal nor a browser; the out-of-band flow with
 * force_oob; else the authorization code flow on a loopback redirect.
 *
 * Every token goes through sgn_oidc_token_parse() before it is returned
 * in *out (zeroed on entry; reset by the caller with
 * sgn_oidc_token_reset()), with
 * out->source saying where it came from.  Tokens from the interactive
 * flows must also carry the issuer discovered and the nonce sent.
 * Errors: SGN_ERR_NETWORK and SGN_ERR_HTTP_STATUS from services,
 * SGN_ERR_IO from files and commands, SGN_ERR_POLICY for a token or reply
 * that does not match (state, nonce, issuer, audience, expiry, a denied
 * authorization), and those of sgn_oidc_token_parse().
 */
sgn_err	sgn_oidc_get_token(struct sgn_http *http,
	    const struct sgn_oidc_opts *o, const struct sgn_oidc_env *env,
	    const struct sgn_oidc_ui *ui, struct sgn_oidc_token *out,
	    struct sgn_errbuf *eb);

/*
 * An open_browser callback: runs `xdg-open url` (found in the process's
 * PATH) with its output discarded, and returns 0 when it exited with
 * status 0, or is still running after two seconds (some browsers keep
 * xdg-open waiting; it is then left to finish on its own).  Only https
 * URLs and http to loopback addresses are opened.  ctx is unused.
 */
int	sgn_oidc_xdg_open(void *ctx, const char *url);

#ifdef __cplusplus
}
#endif

#endif /* SGN_OIDC_H */
