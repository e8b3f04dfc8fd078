/*
 * signet verify-attestation: an attestation bundle against its artifact,
 * offline: the bundle verifies as signet verify verifies it, its in-toto
 * statement names the artifact's digest (a file's SHA-256, a directory's
 * OMS root), the predicate type is the one asked for, and the predicate
 * is printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "attest.h"
#include "cli.h"
#include "keyref.h"
#include "trustcli.h"
#include "verify.h"

static void
va_usage(FILE *f)
{
	fprintf(f,
	    "usage: signet verify-attestation ARTIFACT --bundle B [--type "
	    "URI]\n"
	    "       (--certificate-identity ID | "
	    "--certificate-identity-regexp RE)\n"
	    "       (--certificate-oidc-issuer URL | "
	    "--certificate-oidc-issuer-regexp RE)\n"
	    "       | --key PUB.pem [--require-tlog]\n"
	    "       [--trusted-root TR | --staging] [--json]\n"
	    "\n"
	    "Verifies the attestation bundle B (a DSSE envelope over an "
	    "in-toto\n"
	    "statement) as signet verify verifies a bundle, checks that one "
	    "of its\n"
	    "subjects is ARTIFACT (a file: its SHA-256; a directory: its OMS "
	    "root\n"
	    "digest), that its predicate type is URI when --type is given, "
	    "and that a\n"
	    "SLSA v1 provenance follows the specification's field rules; "
	    "then prints\n"
	    "the predicate (--json: one object with the result and the "
	    "predicate).\n"
	    "\n"
	    "Exit status: 0 verified, 1 verification failed, 2 usage error "
	    "or the\n"
	    "check could not be done.\n");
}

/* --json: one object, whatever happened. */
static int
print_json(const char *artifact, const struct sgn_attest_subject *s,
    const struct sgn_verify_result *res, const struct sgn_attest_result *ar,
    sgn_err r, const struct sgn_errbuf *eb)
{
	cJSON	*o, *p = NULL;
	char	 hex[65], dg[80], *txt;
	int	 rc = -1;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	if (cJSON_AddBoolToObject(o, "verified", r == SGN_OK) == NULL ||
	    cli_json_add_path(o, "artifact", artifact) != 0)
		goto out;
	if (s != NULL && s->name != NULL) {
		sgn_hex_encode(s->sha256, 32, hex);
		snprintf(dg, sizeof(dg), "sha256:%s", hex);
		if (cJSON_AddStringToObject(o, "digest", dg) == NULL)
			goto out;
	}
	if (r != SGN_OK) {
		if (cli_json_add_text(o, "check", res->check[0] != '\0' ?
		    res->check : "attestation") != 0 ||
		    cli_json_add_text(o, "error", eb->msg[0] != '\0' ?
		    eb->msg : sgn_strerror(r)) != 0)
			goto out;
	} else {
		if (cli_json_add_text(o, "subject", ar->subject->name) != 0 ||
		    cli_json_add_text(o, "predicateType",
		    ar->predicate_type) != 0)
			goto out;
		if (res->identity != NULL &&
		    cli_json_add_text(o, "identity", res->identity) != 0)
			goto out;
		if (res->issuer != NULL &&
		    cli_json_add_text(o, "issuer", res->issuer) != 0)
			goto out;
		if (res->has_log && cJSON_AddNumberToObject(o, "logIndex",
		    (double)res->log_index) == NULL)
			goto out;
		if ((p = cJSON_Parse(ar->predicate)) == NULL)
			goto out;
		cJSON_AddItemToObject(o, "predicate", p);
	}
	if ((txt = cJSON_Print(o)) == NULL)
		goto out;
	printf("%s\n", txt);
	free(txt);
	rc = 0;
out:
	cJSON_Delete(o);
	return rc;
}

/*
 * The verification; *stage names what is being done ("usage",
 * "artifact", "trust", "key", "bundle"), *printed is set once the output
 * (JSON, help) is out.
 */
static int
va_run(int argc, char **argv, const char **stage, int *printed)
{
	struct cli_args			 a;
	struct sgn_errbuf		 eb;
	struct sgn_policy		 pol;
	struct sgn_verify_result	 res;
	struct sgn_attest_result	 ar;
	struct sgn_attest_subject	 s;
	struct trust_want		 tw;
	struct trust_got		 tg;
	struct sgn_verifier		*v = NULL;
	struct sgn_bundle		*b = NULL;
	struct sgn_pubkey		*key = NULL;
	const char			*bpath, *key_path, *type;
	cJSON				*pt;
	char				*txt;
	uint8_t				*buf = NULL;
	size_t				 len;
	int				 json, rc = 2;
	sgn_err				 r;

	memset(&a, 0, sizeof(a));
	pol = (struct sgn_policy)SGN_POLICY_INIT;
	res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	memset(&ar, 0, sizeof(ar));
	memset(&s, 0, sizeof(s));
	memset(&tw, 0, sizeof(tw));
	memset(&tg, 0, sizeof(tg));
	sgn_errbuf_clear(&eb);
	cli_add(&a, "bundle", CLI_VALUE);
	cli_add(&a, "type", CLI_VALUE);
	cli_add(&a, "certificate-identity", CLI_VALUE);
	cli_add(&a, "certificate-identity-regexp", CLI_VALUE);
	cli_add(&a, "certificate-oidc-issuer", CLI_VALUE);
	cli_add(&a, "certificate-oidc-issuer-regexp", CLI_VALUE);
	cli_add(&a, "key", CLI_VALUE);
	cli_add(&a, "require-tlog", CLI_FLAG);
	cli_add(&a, "trusted-root", CLI_VALUE);
	cli_add(&a, "staging", CLI_FLAG);
	trust_opts_add(&a, TRUST_OPTS_VERIFY);
	cli_add(&a, "json", CLI_FLAG);
	cli_add(&a, "help", CLI_FLAG);
	if (cli_parse(&a, "verify-attestation", argc, argv) != 0)
		return 2;
	if (cli_flag(&a, "help")) {
		va_usage(stdout);
		*printed = 1;
		return 0;
	}
	json = cli_flag(&a, "json");
	bpath = cli_get(&a, "bundle");
	type = cli_get(&a, "type");
	key_path = cli_get(&a, "key");
	if (a.n_pos != 1 || bpath == NULL) {
		cli_err("verify-attestation: give one ARTIFACT and --bundle");
		va_usage(stderr);
		return 2;
	}
	pol.identity = cli_get(&a, "certificate-identity");
	pol.identity_regexp = cli_get(&a, "certificate-identity-regexp");
	pol.issuer = cli_get(&a, "certificate-oidc-issuer");
	pol.issuer_regexp = cli_get(&a, "certificate-oidc-issuer-regexp");
	if (key_path != NULL) {
		if (pol.identity != NULL || pol.identity_regexp != NULL ||
		    pol.issuer != NULL || pol.issuer_regexp != NULL) {
			cli_err("verify-attestation: --key takes no identity "
			    "or issuer");
			return 2;
		}
	} else if ((pol.identity == NULL) == (pol.identity_regexp == NULL) ||
	    (pol.issuer == NULL) == (pol.issuer_regexp == NULL)) {
		cli_err("verify-attestation: give one of "
		    "--certificate-identity(-regexp) and one of "
		    "--certificate-oidc-issuer(-regexp), or --key");
		return 2;
	} else if ((pol.identity_regexp != NULL &&
	    sgn_regex_check(pol.identity_regexp, &eb) != SGN_OK) ||
	    (pol.issuer_regexp != NULL &&
	    sgn_regex_check(pol.issuer_regexp, &eb) != SGN_OK)) {
		cli_err("verify-attestation: %s", eb.msg);
		return 2;
	}
	if (cli_get(&a, "trusted-root") != NULL && cli_flag(&a, "staging")) {
		cli_err("verify-attestation: --trusted-root and --staging "
		    "exclude each other");
		return 2;
	}

	/* the artifact first: a missing one is not the bundle's fault */
	*stage = "artifact";
	if ((r = sgn_attest_subject_of(a.pos[0], &s, &eb)) != SGN_OK) {
		cli_err("verify-attestation: %s", eb.msg);
		goto out;
	}
	*stage = "trust";
	tw.need_root = 1;
	if (trust_get(&a, "verify-attestation", &tw, &tg) != 0)
		goto out;
	if (key_path != NULL) {
		*stage = "key";
		if ((r = keyref_pubkey(key_path, &key, &eb)) != SGN_OK) {
			cli_err("key %s: %s", keyref_name(key_path), eb.msg);
			goto out;
		}
		pol.key = key;
		pol.unlogged_ok = !cli_flag(&a, "require-tlog");
	}
	if ((r = sgn_verifier_new(tg.root, &v, &eb)) != SGN_OK) {
		rc = cli_fail(r, &eb);
		goto out;
	}
	*stage = "bundle";
	sgn_errbuf_clear(&eb);
	r = sgn_file_read(bpath, SGN_MAX_BUNDLE_BYTES, &buf, &len, &eb);
	if (r != SGN_OK) {
		/* unreadable or too large: nothing was checked */
		cli_err("verify-attestation: %s", eb.msg);
		goto out;
	}
	if ((r = sgn_bundle_parse(buf, len, &b, &eb)) == SGN_OK) {
		sgn_errbuf_clear(&eb);
		r = sgn_attest_verify(v, b, &pol, s.sha256, type, &res, &ar,
		    &eb);
	} else {
		snprintf(res.check, sizeof(res.check), "bundle");
	}
	rc = sgn_err_exit_status(r);
	if (json) {
		*printed = 1;
		if (print_json(a.pos[0], &s, &res, &ar, r, &eb) != 0) {
			cli_err("out of memory");
			rc = 2;
		}
	} else if (r == SGN_OK) {
		/* the predicate on stdout, indented; who and what on stderr */
		if ((pt = cJSON_Parse(ar.predicate)) == NULL ||
		    (txt = cJSON_Print(pt)) == NULL) {
			cJSON_Delete(pt);
			cli_err("out of memory");
			rc = 2;
			goto out;
		}
		cJSON_Delete(pt);
		printf("%s\n", txt);
		free(txt);
		fprintf(stderr, "signet: verified: %s attestation about %s "
		    "(sha256 subject \"%s\"), signed by %s\n",
		    ar.predicate_type, a.pos[0], ar.subject->name,
		    res.identity != NULL ? res.identity : key_path != NULL ?
		    key_path : "?");
		if (fflush(stdout) != 0)
			rc = 2;
	} else if (rc == 1) {
		cli_err("verification failed: %s", eb.msg[0] != '\0' ?
		    eb.msg : sgn_strerror(r));
	} else {
		cli_err("verify-attestation: %s", eb.msg[0] != '\0' ?
		    eb.msg : sgn_strerror(r));
	}
out:
	sgn_attest_result_reset(&ar);
	sgn_verify_result_reset(&res);
	sgn_attest_subject_reset(&s);
	sgn_bundle_free(&b);
	sgn_verifier_free(&v);
	trust_got_reset(&tg);
	sgn_pubkey_free(&key);
	free(buf);
	return rc;
}

int
cmd_verify_attestation(int argc, char **argv)
{
	cJSON		*o;
	char		 msg[SGN_ERRBUF_SIZE], *txt;
	const char	*stage = "usage";
	int		 i, json = 0, printed = 0, rc;

	/* --json: every outcome, usage errors included, is one object */
	msg[0] = '\0';
	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
	if (json)
		cli_err_capture(msg, sizeof(msg));
	rc = va_run(argc, argv, &stage, &printed);
	cli_err_capture(NULL, 0);
	if (!json || printed)
		return rc;
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddBoolToObject(o, "verified", 0) == NULL ||
	    cli_json_add_text(o, "check", stage) != 0 ||
	    cli_json_add_text(o, "error", msg[0] != '\0' ? msg :
	    "the check could not be done") != 0 ||
	    (txt = cJSON_Print(o)) == NULL) {
		cJSON_Delete(o);
		cli_err("out of memory");
		return 2;
	}
	printf("%s\n", txt);
	free(txt);
	cJSON_Delete(o);
	return rc;
}
