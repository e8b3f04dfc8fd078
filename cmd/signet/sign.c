/*
 * signet sign / sign-bundle / sign-blob: keyless signing, in signet's
 * spelling, the conformance suite's and cosign's.
 */
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "http.h"
#include "keyref.h"
#include "model.h"
#include "oidc.h"
#include "session.h"
#include "sign.h"
#include "trust.h"
#include "trustcli.h"

struct sign_run {
	struct sgn_oidc_opts	 oo;
	struct sgn_http		*http;
	struct sgn_oidc_token	 tok;
	int			 quiet;
	sgn_err			 id_err;	/* a token that failed */
	char			 id_msg[SGN_ERRBUF_SIZE];
};

/* The options that choose the services and the trust in their answers. */
#define SERVICES_HELP \
	"  --signing-config FILE    services to use (default: Sigstore's " \
	"public\n" \
	"                           good instance, Rekor v1, through TUF)\n" \
	"  --rekor-v2               the public good instance with Rekor " \
	"v2\n" \
	"  --trusted-root FILE      trust material to check answers " \
	"against\n" \
	"                           (default: from TUF; with both files " \
	"TUF is\n" \
	"                           not used)\n" \
	"  --staging                Sigstore's staging instance (TUF)\n" \
	"  --tuf-url URL, --tuf-root ROOT.json, --cache-dir DIR\n" \
	"                           the TUF repository and cache (see " \
	"signet\n" \
	"                           trust); updated first when a day " \
	"old\n"

static void
sign_usage(const char *verb, FILE *f)
{
	if (strcmp(verb, "sign-bundle") == 0) {
		fprintf(f, "usage: signet sign-bundle [--in-toto] "
		    "--identity-token TOKEN --bundle OUT\n"
		    "       [--trusted-root TR] [--signing-config SC] FILE\n");
		return;
	}
	fprintf(f,
	    "usage: signet %s [options] FILE...\n"
	    "\n"
	    "Signs each FILE keyless: an OIDC identity, a short-lived Fulcio\n"
	    "certificate, a signature, RFC 3161 timestamps and a Rekor entry,\n"
	    "all in a Sigstore bundle v0.3 (default FILE.sigstore.json).\n"
	    "\n"
	    "  --bundle OUT             the bundle (one FILE only)\n"
	    "  --in-toto                FILE is an in-toto statement: sign it "
	    "as\n"
	    "                           a DSSE envelope\n"
	    "  --identity-token T       an OIDC token, or a file holding one\n"
	    "                           (also SIGSTORE_ID_TOKEN)\n"
	    "  --identity-token-file F  a file holding the token\n"
	    "  --oidc-provider NAME     token, env, github-actions, gitlab, "
	    "buildkite,\n"
	    "                           circleci, google, interactive, "
	    "device, oob\n"
	    "  --oidc-disable-ambient-providers\n"
	    "  --oidc-issuer URL        default %s\n"
	    "  --oidc-client-id ID      default %s\n"
	    "  --oauth-device           device authorization flow\n"
	    "  --oauth-force-oob        paste the authorization code\n"
	    SERVICES_HELP
	    "  --ca-bundle FILE         CA certificates for the services' "
	    "TLS\n"
	    "  --timeout SECONDS        per request to a service (default "
	    "30)\n"
	    "  --quiet                  no progress messages\n"
	    "  --yes                    on a terminal, do not ask before "
	    "the\n"
	    "                           identity goes into the public log\n"
	    "\n"
	    "With a key instead of an identity:\n"
	    "  --key KEY                a private key file (PEM, or cosign's "
	    "encrypted\n"
	    "                           format; password from "
	    "SIGNET_PASSWORD,\n"
	    "                           COSIGN_PASSWORD or the terminal),\n"
	    "                           fido2:NAME.key, or a PKCS#11 key:\n"
	    "                           'pkcs11:token=T;object=L[?...]' "
	    "(RFC 7512;\n"
	    "                           PIN from pin-source, SIGNET_PIN or "
	    "the\n"
	    "                           terminal); the bundle is "
	    "timestamped and\n"
	    "                           logged (Rekor) as a managed-key "
	    "bundle\n"
	    "  --device PATH            fido2: the authenticator (also\n"
	    "                           SIGNET_FIDO2_DEVICE; default the "
	    "only one)\n"
	    "  --pin-file FILE          fido2: its PIN (also SIGNET_PIN, or "
	    "the\n"
	    "                           terminal)\n"
	    "  --offline                no network at all: not timestamped, "
	    "not\n"
	    "                           logged (`signet log` does it later)\n"
	    "\n"
	    "Models: a DIRECTORY (or a FILE with --model) is signed as one "
	    "OMS\n"
	    "manifest in a DSSE envelope (default DIRECTORY/model.sig), as\n"
	    "model_signing does:\n"
	    "  --key KEY                sign with this key (model_signing's "
	    "key\n"
	    "                           method; logged unless --offline)\n"
	    "  --signing-certificate C  with --key: the certificate method\n"
	    "  --certificate-chain F    its chain (repeatable)\n"
	    "  --ignore-paths P         leave P out (repeatable, recorded)\n"
	    "  --no-ignore-git-paths    include .git, .gitattributes, ...\n"
	    "  --allow-symlinks         hash symlink targets inside the "
	    "model\n"
	    "  --allow-external-symlinks  ... and outside it\n"
	    "  --hash sha256|blake2b, --shards, --shard-size N, --jobs N\n"
	    "  --private-key, --signature  model_signing's --key, --bundle\n"
	    "  --reuse-digests OLD.sig  hash again only files changed since "
	    "OLD.sig\n"
	    "                           was signed (or verified with\n"
	    "                           --record-digests) here\n"
	    "\n"
	    "Exit status: 0 signed, 2 the signing could not be done (no "
	    "bundle is\n"
	    "written then).\n", verb, SGN_OIDC_DEFAULT_ISSUER,
	    SGN_OIDC_DEFAULT_CLIENT_ID);
}

/* UI callbacks ----------------------------------------------------------- */

static void
ui_show_url(void *ctx, const char *url, const char *user_code)
{
	(void)ctx;
	if (user_code != NULL)
		fprintf(stderr, "To sign in, open %s\nand enter the code %s\n",
		    url, user_code);
	else
		fprintf(stderr, "To sign in, open this URL in a browser:\n"
		    "%s\n", url);
}

static sgn_err
ui_read_code(void *ctx, struct sgn_secret *code)
{
	(void)ctx;
	fprintf(stderr, "Enter the verification code: ");
	fflush(stderr);
	return keyref_read_line(code, NULL);
}

static void
ui_status(void *ctx, const char *msg)
{
	const struct sign_run *run = ctx;

	if (!run->quiet)
		fprintf(stderr, "signet: %s\n", msg);
}

static const char *
env_get(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static int
have_browser(void)
{
	const char *path = getenv("PATH");
	char buf[4096], *dir, *save = NULL;

	if (getenv("DISPLAY") == NULL && getenv("WAYLAND_DISPLAY") == NULL)
		return 0;
	if (path == NULL || strlen(path) >= sizeof(buf))
		return 0;
	snprintf(buf, sizeof(buf), "%s", path);
	for (dir = strtok_r(buf, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		char f[4200];
		snprintf(f, sizeof(f), "%s/xdg-open", dir);
		if (access(f, X_OK) == 0)
			return 1;
	}
	return 0;
}

/*
 * The identity for the signing context: a token (fetched again when a
 * certificate must be renewed), what the proof of possession signs, and
 * what the certificate must say.
 */
static sgn_err
get_identity(void *ctx, struct sgn_sign_identity *id, struct sgn_errbuf *eb)
{
	struct sign_run *run = ctx;
	struct sgn_oidc_env env;
	struct sgn_oidc_ui ui;
	sgn_err r;

	memset(&env, 0, sizeof(env));
	env.getenv = env_get;
	memset(&ui, 0, sizeof(ui));
	ui.show_url = ui_show_url;
	ui.open_browser = run->oo.have_browser ? sgn_oidc_xdg_open : NULL;
	ui.read_code = ui_read_code;
	ui.status = ui_status;
	ui.ctx = run;
	sgn_oidc_token_reset(&run->tok);
	/* a token that could not be had is not asked for again per file */
	if (run->id_err != SGN_OK)
		return sgn_errf(eb, run->id_err, "%s", run->id_msg);
	if ((r = sgn_oidc_get_token(run->http, &run->oo, &env, &ui, &run->tok,
	    eb)) != SGN_OK) {
		run->id_err = r;
		snprintf(run->id_msg, sizeof(run->id_msg), "%s",
		    eb != NULL ? eb->msg : sgn_strerror(r));
		return r;
	}
	id->token = (const char *)run->tok.jwt.ptr;
	if ((r = sgn_oidc_token_challenge(&run->tok, &id->challenge, eb)) !=
	    SGN_OK)
		return r;
	/* An email token must yield a certificate for that email. */
	id->expect_san = run->tok.email;
	id->expect_issuer = run->tok.federated_issuer != NULL ?
	    run->tok.federated_issuer : run->tok.issuer;
	if (!run->quiet)
		fprintf(stderr, "signet: identity token from %s for %s\n",
		    run->tok.source, run->tok.email != NULL ? run->tok.email :
		    run->tok.subject);
	return SGN_OK;
}

static char *
read_text(const char *path, size_t max, size_t *len, struct sgn_errbuf *eb)
{
	uint8_t *p = NULL;

	if (sgn_file_read(path, max, &p, len, eb) != SGN_OK)
		return NULL;
	return (char *)p;
}

/* Trust, services and http: what keyless signing and logging need. */
struct services {
	struct sgn_trusted_root		*root;
	struct sgn_signing_config	*cfg;
	struct sgn_selection		 sel;
	struct sgn_http			*http;
};

static void
services_reset(struct services *sv)
{
	sgn_http_free(&sv->http);
	sgn_signing_config_free(&sv->cfg);
	sgn_trusted_root_free(&sv->root);
	memset(sv, 0, sizeof(*sv));
}

/*
 * A service URL under the policy sgn_http_do applies (https; http to
 * loopback only; no user name or password), checked before anything is
 * fetched or sent.
 */
static int
service_url_check(const char *what, const char *url)
{
	struct sgn_errbuf	 eb;
	sgn_err			 r;

	sgn_errbuf_clear(&eb);
	if ((r = sgn_http_url_check(url, 0, &eb)) == SGN_OK)
		return 0;
	cli_err("%s: %s", what, eb.msg);
	return -1;
}

static int
services_check(const struct sgn_selection *sel)
{
	size_t	i;

	if (sel->ca != NULL &&
	    service_url_check("signing config: Fulcio", sel->ca->url) != 0)
		return -1;
	if (sel->oidc != NULL && service_url_check("signing config: OIDC "
	    "provider", sel->oidc->url) != 0)
		return -1;
	for (i = 0; i < sel->n_rekor; i++)
		if (service_url_check("signing config: Rekor",
		    sel->rekor[i]->url) != 0)
			return -1;
	for (i = 0; i < sel->n_tsa; i++)
		if (service_url_check("signing config: TSA",
		    sel->tsa[i]->url) != 0)
			return -1;
	return 0;
}

/*
 * Trust and services through trust_get() (cmd/signet/trust.c): files
 * given, else Sigstore's TUF repository, updated first when stale.  A
 * signing config given is checked before any trust is fetched.
 */
static int
services_trust(const struct cli_args *a, const char *verb, struct services *sv,
    int need_root, int need_config)
{
	struct trust_want	w;
	struct trust_got	g;
	int			rc;

	memset(&w, 0, sizeof(w));
	w.online = 1;
	w.need_root = need_root;
	w.need_config = need_config;
	w.rekor_v2 = cli_flag(a, "rekor-v2");
	w.http = sv->http;
	if ((rc = trust_get(a, verb, &w, &g)) != 0)
		return -1;
	if (need_root) {
		sv->root = g.root;
		g.root = NULL;
	}
	if (need_config) {
		sv->cfg = g.config;
		g.config = NULL;
	}
	trust_got_reset(&g);
	return 0;
}

static int
services_open(const struct cli_args *a, const char *verb, struct services *sv)
{
	struct sgn_http_opts	 ho;
	struct sgn_errbuf	 eb;
	uint64_t		 t;
	int			 config_file;
	sgn_err			 r;

	memset(&ho, 0, sizeof(ho));
	sgn_errbuf_clear(&eb);
	if (cli_get(a, "signing-config") != NULL && cli_flag(a, "rekor-v2")) {
		cli_err("%s: --signing-config and --rekor-v2 exclude each "
		    "other", verb);
		return -1;
	}
	ho.ca_bundle = cli_get(a, "ca-bundle");
	if (cli_get(a, "timeout") != NULL) {
		if (cli_u64(cli_get(a, "timeout"), 3600, &t) != 0 || t < 1) {
			cli_err("%s: --timeout takes seconds, 1 to 3600", verb);
			return -1;
		}
		ho.timeout_ms = (long)t * 1000;
	}
	if ((r = sgn_http_new(&ho, &sv->http, &eb)) != SGN_OK) {
		cli_fail(r, &eb);
		return -1;
	}
	config_file = cli_get(a, "signing-config") != NULL;
	if (services_trust(a, verb, sv, !config_file, 1) != 0)
		return -1;
	sgn_errbuf_clear(&eb);
	sv->sel = (struct sgn_selection)SGN_SELECTION_INIT;
	if ((r = sgn_signing_config_select(sv->cfg,
	    sgn_time_from_sec((int64_t)time(NULL)), &sv->sel, &eb)) !=
	    SGN_OK) {
		cli_err("signing config: %s", eb.msg);
		return -1;
	}
	if (services_check(&sv->sel) != 0)
		return -1;
	if (config_file && services_trust(a, verb, sv, 1, 0) != 0)
		return -1;
	/* every service of the config is one the trusted root knows */
	if (sgn_selection_check_root(&sv->sel, sv->root, &eb) != SGN_OK) {
		cli_err("signing config: %s", eb.msg);
		return -1;
	}
	return 0;
}

static void
services_opts(struct cli_args *a)
{
	cli_add(a, "signing-config", CLI_VALUE);
	cli_add(a, "rekor-v2", CLI_FLAG);
	cli_add(a, "trusted-root", CLI_VALUE);
	cli_add(a, "staging", CLI_FLAG);
	cli_add(a, "ca-bundle", CLI_VALUE);
	cli_add(a, "timeout", CLI_VALUE);
	trust_opts_add(a, TRUST_OPTS_SIGN);
}

/*
 * Keyless signing on a terminal: the identity goes into a public log,
 * for good; said once, and confirmed (as cosign does; --yes skips it).
 * No question without a terminal.  0 to go on.
 */
static int
public_log_confirm(const struct services *sv)
{
	struct sgn_secret	 line;
	const char		*ans;
	int			 yes;

	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return 0;
	fprintf(stderr, "signet: the identity of your token (an email "
	    "address or a workload) goes into the\n"
	    "certificate, and the certificate and signature into a public "
	    "transparency log\n(%s); it cannot be removed later.\n"
	    "Continue? [y/N] ", sv->sel.n_rekor > 0 ? sv->sel.rekor[0]->url :
	    "Rekor");
	fflush(stderr);
	memset(&line, 0, sizeof(line));
	if (keyref_read_line(&line, NULL) != SGN_OK) {
		cli_err("not signed");
		return -1;
	}
	ans = (const char *)line.ptr;
	yes = ans != NULL && ((line.len == 1 && (ans[0] == 'y' ||
	    ans[0] == 'Y')) || (line.len == 3 && memcmp(ans, "yes", 3) == 0));
	sgn_secret_reset(&line);
	if (!yes) {
		cli_err("not signed");
		return -1;
	}
	return 0;
}

/* Logging with the services, progress on stderr. */
static void
log_opts(const struct services *sv, struct sign_run *run,
    struct sgn_log_opts *lo)
{
	*lo = (struct sgn_log_opts)SGN_LOG_OPTS_INIT;
	lo->root = sv->root;
	lo->services = &sv->sel;
	lo->http = sv->http;
	lo->status = ui_status;
	lo->status_ctx = run;
}

/* Before anything is asked or sent ----------------------------------- */

/* One artifact of a run and its bundle. */
struct sign_item {
	const char	*file;
	char		*dest;		/* malloc'd */
	int		 failed;
};

/*
 * dest's directory exists and is writable: the bundle can be created
 * (sgn_file_write_atomic writes a temporary file beside it).
 */
static int
dest_writable(const char *dest)
{
	struct stat	 st;
	char		*copy, *dir;
	int		 rc = -1;

	if (stat(dest, &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_err("bundle %s: is a directory", dest);
		return -1;
	}
	if ((copy = strdup(dest)) == NULL) {
		cli_err("out of memory");
		return -1;
	}
	dir = dirname(copy);
	if (stat(dir, &st) != 0)
		cli_err("bundle %s: directory %s: %s", dest, dir,
		    strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		cli_err("bundle %s: %s is not a directory", dest, dir);
	else if (access(dir, W_OK | X_OK) != 0)
		cli_err("bundle %s: cannot write in %s: %s", dest, dir,
		    strerror(errno));
	else
		rc = 0;
	free(copy);
	return rc;
}

/* 1 when a and b name one existing file. */
static int
same_file(const char *a, const char *b)
{
	struct stat	sa, sb;

	if (strcmp(a, b) == 0)
		return 1;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * Every input and output of the run, before a password, a token or a
 * service is asked for: each FILE a readable regular file (a model: a
 * directory, or a file with --model), each bundle creatable, and no bundle
 * an input or the bundle of another file.  Prints; -1 on the first
 * problem.
 */
static int
sign_preflight(const char *verb, struct sign_item *it, size_t n, int model)
{
	struct sgn_errbuf	eb;
	size_t			i, k;
	int			fd;

	for (i = 0; i < n; i++) {
		sgn_errbuf_clear(&eb);
		if (model && model_is_dir(it[i].file)) {
			if (access(it[i].file, R_OK | X_OK) != 0) {
				cli_err("%s: %s", it[i].file, strerror(errno));
				return -1;
			}
		} else if (strcmp(it[i].file, "-") != 0) {
			if (sgn_file_open_read(it[i].file, &fd, &eb) !=
			    SGN_OK) {
				if (model_is_dir(it[i].file))
					cli_err("%s: %s is a directory: a "
					    "model is signed alone (signet "
					    "sign %s)", verb, it[i].file,
					    it[i].file);
				else
					cli_err("%s", eb.msg);
				return -1;
			}
			(void)close(fd);
		}
		if (dest_writable(it[i].dest) != 0)
			return -1;
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < n; k++) {
			if (same_file(it[i].dest, it[k].file)) {
				cli_err("%s: the bundle %s is %s, the file "
				    "to sign: it would be replaced; give "
				    "another --bundle", verb, it[i].dest,
				    it[k].file);
				return -1;
			}
			if (k > i && same_file(it[i].dest, it[k].dest)) {
				cli_err("%s: %s and %s would have the same "
				    "bundle %s", verb, it[i].file, it[k].file,
				    it[i].dest);
				return -1;
			}
		}
	return 0;
}

/* Signing one artifact, whichever way --------------------------------- */

static sgn_err
then_log(const struct sign_how *h, struct sgn_buf *out, struct sgn_errbuf *eb)
{
	struct sgn_buf	logged;
	int		already;
	sgn_err		r;

	if (h->log == NULL)
		return SGN_OK;
	sgn_buf_init(&logged, 0);
	r = sgn_log_bundle(h->log, sgn_signer_pubkey(h->signer), out->ptr,
	    out->len, &logged, &already, eb);
	if (r == SGN_OK) {
		sgn_buf_reset(out);
		*out = logged;
	} else
		sgn_buf_reset(&logged);
	return r;
}

static sgn_err
sign_file(const struct sign_how *h, const char *path, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	sgn_err	r;

	if (h->ctx != NULL)
		return sgn_sign_file(h->ctx, path, out, eb);
	if ((r = sgn_sign_file_key(h->signer, path, out, eb)) != SGN_OK)
		return r;
	return then_log(h, out, eb);
}

/*
 * How to sign, from the options signer_opts() registered and --key: the
 * key (its password asked first, and with model its certificate chain),
 * the services and trust, and for keyless signing the identity and the
 * signing context.  Returns 0, or the exit status (after a message).
 */
static int
signer_open(const struct cli_args *a, const char *verb, int model,
    struct sign_how *how, struct sign_run *run, struct services *sv,
    struct sgn_log_opts *lo)
{
	struct sgn_sign_opts	 so;
	struct sgn_errbuf	 eb;
	const char		*key = cli_get(a, "key");
	int			 offline = cli_flag(a, "offline"), rc = 2;
	sgn_err			 r;

	sgn_errbuf_clear(&eb);
	run->quiet = cli_flag(a, "quiet");
	if (key != NULL) {
		/* the key first: a wrong password fails before any work */
		if ((r = keyref_signer(key, a, &how->signer, &eb)) !=
		    SGN_OK) {
			cli_err("key %s: %s", keyref_name(key), eb.msg);
			return rc;
		}
		if (model && model_chain_load(a, how, verb) != 0)
			return rc;
	}
	/* the certificate method is never logged (as model_signing) */
	if (key == NULL || (!offline && how->chain == NULL)) {
		if (services_open(a, verb, sv) != 0)
			return rc;
	}
	if (key != NULL && sv->http != NULL) {
		log_opts(sv, run, lo);
		how->log = lo;
	} else if (key == NULL) {
		run->oo.token = cli_get(a, "identity-token");
		run->oo.token_file = cli_get(a, "identity-token-file");
		run->oo.provider = cli_get(a, "oidc-provider");
		run->oo.disable_ambient =
		    cli_flag(a, "oidc-disable-ambient-providers");
		run->oo.issuer = cli_get(a, "oidc-issuer");
		run->oo.client_id = cli_get(a, "oidc-client-id");
		run->oo.force_device = cli_flag(a, "oauth-device");
		run->oo.force_oob = cli_flag(a, "oauth-force-oob");
		run->oo.have_terminal = isatty(STDIN_FILENO) &&
		    isatty(STDERR_FILENO);
		run->oo.have_browser = have_browser();
		if (run->oo.issuer == NULL && sv->sel.oidc != NULL)
			run->oo.issuer = sv->sel.oidc->url;
		run->http = sv->http;
		so = (struct sgn_sign_opts)SGN_SIGN_OPTS_INIT;
		so.root = sv->root;
		so.services = &sv->sel;
		so.http = sv->http;
		so.identity = get_identity;
		so.identity_ctx = run;
		so.status = ui_status;
		so.status_ctx = run;
		if ((r = sgn_signing_ctx_new(&so, &how->ctx, &eb)) != SGN_OK)
			return cli_fail(r, &eb);
		if (!cli_flag(a, "yes") && public_log_confirm(sv) != 0)
			return rc;
	}
	return 0;
}

/* The options of signer_open(), but --key. */
static void
signer_opts(struct cli_args *a)
{
	cli_add(a, "identity-token", 1);
	cli_add(a, "identity-token-file", 1);
	cli_add(a, "oidc-provider", 1);
	cli_add(a, "oidc-disable-ambient-providers", 0);
	cli_add(a, "oidc-issuer", 1);
	cli_add(a, "oidc-client-id", 1);
	cli_add(a, "oauth-device", 0);
	cli_add(a, "oauth-force-oob", 0);
	services_opts(a);
	cli_add(a, "offline", 0);
	cli_add(a, "quiet", 0);
	cli_add(a, "yes", 0);	/* no question about the public log */
	cli_add(a, "device", CLI_VALUE);	/* --key fido2: */
	cli_add(a, "pin-file", CLI_VALUE);
}

int
cmd_sign(const char *verb, int argc, char **argv)
{
	struct cli_args a;
	struct sign_run run;
	struct sgn_errbuf eb;
	struct services sv;
	struct sgn_log_opts lo;
	struct sign_how how;
	struct sgn_sign_how lib_how;
	struct sign_item *items = NULL;
	const char *out_path, *key;
	char *stmt = NULL;
	size_t i, len, n_items = 0, n_failed = 0;
	int intoto, model, offline, rc = 2;
	sgn_err r;

	memset(&a, 0, sizeof(a));
	memset(&run, 0, sizeof(run));
	memset(&sv, 0, sizeof(sv));
	memset(&how, 0, sizeof(how));
	sgn_errbuf_clear(&eb);
	cli_add(&a, "bundle", 1);
	cli_add(&a, "in-toto", 0);
	signer_opts(&a);
	cli_add(&a, "help", 0);
	model_sign_opts_add(&a);
	if (strcmp(verb, "sign-blob") == 0)
		cli_cosign_add(&a, 1);
	if (cli_parse(&a, verb, argc, argv) != 0)
		return 2;
	if (strcmp(verb, "sign-blob") == 0 && cli_cosign_check(&a, verb) != 0)
		return 2;
	if (cli_flag(&a, "help")) {
		sign_usage(verb, stdout);
		return 0;
	}
	if (a.n_pos == 0) {
		cli_err("%s: give a file to sign", verb);
		sign_usage(verb, stderr);
		return 2;
	}
	if (cli_model_signing_words(&a, verb) != 0)
		return 2;
	out_path = cli_get(&a, "bundle");
	model = model_sign_wanted(&a);
	key = cli_get(&a, "key");
	offline = cli_flag(&a, "offline");
	intoto = cli_flag(&a, "in-toto");
	run.quiet = cli_flag(&a, "quiet");
	if (model && (a.n_pos != 1 || intoto)) {
		cli_err("%s: a model is signed alone: give one directory (or "
		    "file with --model), without --in-toto", verb);
		return 2;
	}
	if (offline && key == NULL) {
		cli_err("%s: --offline signs with a key (--key): keyless "
		    "signing needs Fulcio", verb);
		return 2;
	}
	if (cli_get(&a, "signing-certificate") != NULL && !model) {
		cli_err("%s: --signing-certificate signs models (the "
		    "certificate method): give a directory, or --model", verb);
		return 2;
	}
	if (out_path != NULL && a.n_pos != 1) {
		cli_err("%s: --bundle names one bundle: give one file", verb);
		return 2;
	}
	if (strcmp(verb, "sign-bundle") == 0 && out_path == NULL) {
		cli_err("%s: --bundle is required", verb);
		return 2;
	}
	if (cli_get(&a, "oidc-issuer") != NULL &&
	    service_url_check("--oidc-issuer", cli_get(&a, "oidc-issuer")) !=
	    0)
		return 2;

	/* every input and output, before anything is asked or sent */
	if ((items = calloc(a.n_pos, sizeof(*items))) == NULL) {
		cli_err("out of memory");
		return 2;
	}
	for (n_items = 0; n_items < a.n_pos; n_items++) {
		struct sign_item *it = &items[n_items];

		it->file = a.pos[n_items];
		if (out_path != NULL)
			it->dest = strdup(out_path);
		else if (model)
			it->dest = model_default_signature(it->file);
		else if (asprintf(&it->dest, "%s.sigstore.json", it->file) < 0)
			it->dest = NULL;
		if (it->dest == NULL) {
			cli_err("out of memory");
			goto out;
		}
	}
	if (sign_preflight(verb, items, n_items, model) != 0)
		goto out;

	if ((rc = signer_open(&a, verb, model, &how, &run, &sv, &lo)) != 0)
		goto out;
	rc = 2;

	if (model) {
		rc = model_sign(verb, &a, items[0].file, items[0].dest, &how,
		    run.quiet);
		goto out;
	}
	model_sign_how(&how, &lib_how);
	/* each file; one that fails leaves the others signed */
	for (i = 0; i < n_items; i++) {
		const char *file = items[i].file, *dest = items[i].dest;
		struct sgn_buf bundle;

		sgn_buf_init(&bundle, 0);
		sgn_errbuf_clear(&eb);
		if (intoto) {
			free(stmt);
			if ((stmt = read_text(file, 16u * 1024 * 1024, &len,
			    &eb)) == NULL)
				r = SGN_ERR_IO;
			else
				r = sgn_sign_statement(&lib_how,
				    (const uint8_t *)stmt, len, &bundle, &eb);
		} else {
			r = sign_file(&how, file, &bundle, &eb);
		}
		if (r == SGN_OK)
			r = sgn_file_write_atomic(dest, bundle.ptr, bundle.len,
			    0644, &eb);
		sgn_buf_reset(&bundle);
		if (r != SGN_OK) {
			cli_err("%s: %s", file, eb.msg);
			if (r == SGN_ERR_NETWORK && how.log != NULL)
				cli_err("no network: sign with --offline and "
				    "log it later with signet log");
			items[i].failed = 1;
			n_failed++;
			continue;
		}
		if (!run.quiet)
			fprintf(stderr, "signet: signed %s -> %s%s\n", file,
			    dest, how.signer != NULL && how.log == NULL ?
			    " (offline: not logged; `signet log` it later)" :
			    "");
	}
	if (n_failed > 0) {
		/* Any failure is "the work could not be done". */
		if (n_items > 1) {
			fprintf(stderr, "signet: %zu of %zu files not signed:",
			    n_failed, n_items);
			for (i = 0; i < n_items; i++)
				if (items[i].failed)
					fprintf(stderr, " %s", items[i].file);
			fprintf(stderr, "\n");
		}
		rc = 2;
		goto out;
	}
	rc = 0;
out:
	for (i = 0; items != NULL && i < n_items; i++)
		free(items[i].dest);
	free(items);
	free(stmt);
	sgn_signing_ctx_free(&how.ctx);
	sgn_signer_free(&how.signer);
	model_chain_free(&how);
	sgn_oidc_token_reset(&run.tok);
	services_reset(&sv);
	return rc;
}

/* A signing session for other commands (attest) ----------------------- */

struct sign_session {
	struct sign_run		run;
	struct services		sv;
	struct sgn_log_opts	lo;
	struct sign_how		how;
};

void
sign_session_opts(struct cli_args *a)
{
	signer_opts(a);
	cli_add(a, "key", CLI_VALUE);
}

int
sign_session_check(const struct cli_args *a, const char *verb)
{
	if (cli_flag(a, "offline") && cli_get(a, "key") == NULL) {
		cli_err("%s: --offline signs with a key (--key): keyless "
		    "signing needs Fulcio", verb);
		return 2;
	}
	if (cli_get(a, "oidc-issuer") != NULL &&
	    service_url_check("--oidc-issuer", cli_get(a, "oidc-issuer")) !=
	    0)
		return 2;
	return 0;
}

int
sign_session_open(const struct cli_args *a, const char *verb,
    struct sign_session **out)
{
	struct sign_session	*s;
	int			 rc;

	*out = NULL;
	if ((rc = sign_session_check(a, verb)) != 0)
		return rc;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		cli_err("out of memory");
		return 2;
	}
	if ((rc = signer_open(a, verb, 0, &s->how, &s->run, &s->sv,
	    &s->lo)) != 0) {
		sign_session_free(&s);
		return rc;
	}
	*out = s;
	return 0;
}

void
sign_session_how(const struct sign_session *s, struct sgn_sign_how *out)
{
	model_sign_how(&s->how, out);
}

int
sign_session_unlogged(const struct sign_session *s)
{
	return s->how.signer != NULL && s->how.log == NULL;
}

void
sign_session_free(struct sign_session **sp)
{
	struct sign_session	*s;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	sgn_signing_ctx_free(&s->how.ctx);
	sgn_signer_free(&s->how.signer);
	model_chain_free(&s->how);
	sgn_oidc_token_reset(&s->run.tok);
	services_reset(&s->sv);
	free(s);
	*sp = NULL;
}

/* signet log ------------------------------------------------------------- */

static void
log_usage(FILE *f)
{
	fprintf(f,
	    "usage: signet log --key PUB.pem|fido2:NAME.key [options] "
	    "BUNDLE...\n"
	    "\n"
	    "Adds RFC 3161 timestamps and a transparency-log entry (Rekor v1\n"
	    "or v2, from the signing config) to bundles signed offline with\n"
	    "the key, verifies each result, and rewrites each bundle in\n"
	    "place, atomically.  Bundles already logged are left alone.\n"
	    "\n"
	    "  --key PUB.pem            the signer's public key (or "
	    "fido2:NAME.key)\n"
	    SERVICES_HELP
	    "  --ca-bundle FILE         CA certificates for the services' "
	    "TLS\n"
	    "  --timeout SECONDS        per request to a service (default "
	    "30)\n"
	    "  --quiet                  no progress messages\n"
	    "\n"
	    "Exit status: 0 every bundle logged (or already logged), 1 a "
	    "bundle\n"
	    "failed its verification (a wrong key, a log answer that does "
	    "not\n"
	    "verify), 2 usage error or the logging could not be done (the "
	    "bundle\n"
	    "is left as it was).\n");
}

int
cmd_log(int argc, char **argv)
{
	struct cli_args		 a;
	struct services		 sv;
	struct sgn_log_opts	 lo;
	struct sign_run		 run;
	struct sgn_pubkey	*key = NULL;
	struct sgn_errbuf	 eb;
	struct sgn_buf		 out;
	uint8_t			*buf = NULL;
	size_t			 i, len;
	int			 already, rc = 2;
	sgn_err			 r;

	memset(&a, 0, sizeof(a));
	memset(&sv, 0, sizeof(sv));
	memset(&run, 0, sizeof(run));
	sgn_errbuf_clear(&eb);
	cli_add(&a, "key", CLI_VALUE);
	services_opts(&a);
	cli_add(&a, "quiet", CLI_FLAG);
	cli_add(&a, "help", CLI_FLAG);
	if (cli_parse(&a, "log", argc, argv) != 0)
		return 2;
	if (cli_flag(&a, "help")) {
		log_usage(stdout);
		return 0;
	}
	if (a.n_pos == 0 || cli_get(&a, "key") == NULL) {
		cli_err("log: give --key and at least one bundle");
		log_usage(stderr);
		return 2;
	}
	run.quiet = cli_flag(&a, "quiet");
	if ((r = keyref_pubkey(cli_get(&a, "key"), &key, &eb)) != SGN_OK) {
		cli_err("key %s: %s", keyref_name(cli_get(&a, "key")),
		    eb.msg);
		goto out;
	}
	for (i = 0; i < a.n_pos; i++) {
		sgn_buf_init(&out, 0);
		sgn_errbuf_clear(&eb);
		r = sgn_file_read(a.pos[i], SGN_MAX_MODEL_BUNDLE_BYTES, &buf,
		    &len, &eb);
		if (r == SGN_ERR_LIMIT)		/* not read: not done */
			r = SGN_ERR_IO;
		/* the services (and trust, maybe fetched) once there is a
		 * bundle to log */
		if (r == SGN_OK && sv.http == NULL) {
			if (services_open(&a, "log", &sv) != 0) {
				free(buf);
				goto out;
			}
			log_opts(&sv, &run, &lo);
		}
		if (r == SGN_OK)
			r = sgn_log_bundle(&lo, key, buf, len, &out, &already,
			    &eb);
		if (r == SGN_OK && !already)
			r = sgn_file_write_atomic(a.pos[i], out.ptr, out.len,
			    0644, &eb);
		free(buf);
		buf = NULL;
		sgn_buf_reset(&out);
		if (r != SGN_OK) {
			cli_err("%s: %s", a.pos[i], eb.msg);
			rc = sgn_err_exit_status(r) == 1 ? 1 : 2;
			goto out;
		}
		if (!run.quiet)
			fprintf(stderr, "signet: %s %s\n", a.pos[i], already ?
			    "was already logged: left alone" :
			    "logged and timestamped");
	}
	rc = 0;
out:
	sgn_pubkey_free(&key);
	services_reset(&sv);
	return rc;
}
