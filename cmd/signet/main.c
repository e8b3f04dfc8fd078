/*
 * signet: a Sigstore signing and verification client.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "model.h"
#include "trustcli.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: signet <command> [options]\n"
	    "\n"
	    "Commands:\n"
	    "  verify FILE|sha256:HEX [--bundle B]\n"
	    "         (--certificate-identity ID |\n"
	    "         --certificate-identity-regexp RE)\n"
	    "         (--certificate-oidc-issuer URL |\n"
	    "         --certificate-oidc-issuer-regexp RE) | --key PUB.pem\n"
	    "         [--trusted-root TR | --staging] [--json]\n"
	    "                    verify a Sigstore bundle, offline\n"
	    "  verify-bundle     the same, with the conformance suite's flags\n"
	    "  verify-blob       the same, with cosign's flags\n"
	    "  sign FILE...      sign keyless: OIDC identity, Fulcio, Rekor, "
	    "TSA\n"
	    "  sign-bundle       the same, with the conformance suite's flags\n"
	    "  sign-blob         the same, with cosign's flags\n"
	    "  digest MODEL      the OMS root digest of a model directory\n"
	    "  attest ARTIFACT   sign an in-toto attestation (--predicate), "
	    "or\n"
	    "                    SLSA provenance of a run (--provenance)\n"
	    "  verify-attestation ARTIFACT --bundle B\n"
	    "                    verify one, print its predicate\n"
	    "  manifest merge PLAN PARTIAL...\n"
	    "                    merge a model's digests hashed across "
	    "machines\n"
	    "  log BUNDLE...     log bundles signed offline with a key\n"
	    "  key generate      a key file (cosign's format, or --fido2)\n"
	    "  key list-devices  FIDO2 authenticators\n"
	    "  key list-pkcs11   keys on PKCS#11 tokens (HSMs, smart cards)\n"
	    "  trust update|show|export\n"
	    "                    Sigstore's trust root through TUF: refresh "
	    "the\n"
	    "                    cache, show what verify uses, export it\n"
	    "  tlog info|get|consistency|watch\n"
	    "                    audit transparency logs (Rekor v1 and v2)\n"
	    "  version           print the version\n"
	    "  help              this text\n"
	    "\n"
	    "Exit status: 0 verified, 1 verification failed, 2 usage error or\n"
	    "the check could not be done.  `signet <command> --help` for "
	    "more.\n");
}

int
main(int argc, char **argv)
{
	static char help[] = "--help";
	struct sigaction sa;
	const char *cmd;
	char *hargv[4];

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	/* signet reads no openssl.cnf: its behaviour must not depend on the
	 * machine's OpenSSL configuration (and loading it costs time). */
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1) {
		cli_err("cannot initialise OpenSSL");
		return 2;
	}
	/*
	 * A write past RLIMIT_FSIZE raises SIGXFSZ, whose default kills the
	 * process before a temporary file can be removed: ignored, write()
	 * fails with EFBIG instead, and the write is undone like any other
	 * that fails (a full disk, ENOSPC).
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGXFSZ, &sa, NULL);
	/* signet help CMD: that command's help, as CMD --help */
	if (strcmp(argv[1], "help") == 0 && argc == 3 &&
	    strcmp(argv[2], "help") != 0) {
		hargv[0] = argv[0];
		hargv[1] = argv[2];
		hargv[2] = help;
		hargv[3] = NULL;
		argv = hargv;
	}
	cmd = argv[1];
	/*
	 * Commands that may hold a secret (an identity token, a password, a
	 * PIN, a private or derived key) cannot be dumped from the start,
	 * before any secret enters memory: see pkg/core/secure.c.
	 */
	if ((strncmp(cmd, "sign", 4) == 0 || strcmp(cmd, "key") == 0 ||
	    strcmp(cmd, "log") == 0 || strcmp(cmd, "attest") == 0) &&
	    sgn_process_set_undumpable() != 0) {
		cli_err("cannot keep secrets out of core dumps: %s",
		    strerror(errno));
		return 2;
	}
	if (strcmp(cmd, "verify") == 0 || strcmp(cmd, "verify-bundle") == 0 ||
	    strcmp(cmd, "verify-blob") == 0)
		return cmd_verify(cmd, argc - 2, argv + 2);
	if (strcmp(cmd, "verify-attestation") == 0)
		return cmd_verify_attestation(argc - 2, argv + 2);
#ifdef SGN_VERIFY_ONLY
	/* make VERIFY_ONLY=1: no network client, no FIDO2 linked in. */
	if (strncmp(cmd, "sign", 4) == 0 || strcmp(cmd, "key") == 0 ||
	    strcmp(cmd, "log") == 0 || strcmp(cmd, "tlog") == 0 ||
	    strcmp(cmd, "attest") == 0) {
		cli_err("%s: this signet was built to verify only", cmd);
		return 2;
	}
#else
	if (strcmp(cmd, "sign") == 0 || strcmp(cmd, "sign-bundle") == 0 ||
	    strcmp(cmd, "sign-blob") == 0)
		return cmd_sign(cmd, argc - 2, argv + 2);
	if (strcmp(cmd, "key") == 0)
		return cmd_key(argc - 2, argv + 2);
	if (strcmp(cmd, "attest") == 0)
		return cmd_attest(argc - 2, argv + 2);
	if (strcmp(cmd, "log") == 0)
		return cmd_log(argc - 2, argv + 2);
	if (strcmp(cmd, "tlog") == 0)
		return cmd_tlog(argc - 2, argv + 2);
#endif
	if (strcmp(cmd, "trust") == 0)
		return cmd_trust(argc - 2, argv + 2);
	if (strcmp(cmd, "digest") == 0)
		return cmd_digest(argc - 2, argv + 2);
	if (strcmp(cmd, "manifest") == 0)
		return cmd_manifest(argc - 2, argv + 2);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("signet %s\n", SGN_VERSION);
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	cli_err("unknown command \"%s\"", cmd);
	usage(stderr);
	return 2;
}
