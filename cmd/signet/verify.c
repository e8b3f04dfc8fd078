/*
 * signet verify / verify-bundle / verify-blob: one implementation, three
 * spellings (signet's own, the Sigstore conformance suite's, cosign's).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bundle.h"
#include "cli.h"
#include "json.h"
#include "keyref.h"
#include "keys.h"
#include "manifest.h"
#include "model.h"
#include "trust.h"
#include "trustcli.h"
#include "verify.h"
#include "x509.h"

struct gh_flag {
	const char	*flag;
	unsigned	 oid;
	const char	*name;
};

/* cosign's GitHub workflow flags and the Fulcio extensions they check. */
static const struct gh_flag gh_flags[] = {
	{ "certificate-github-workflow-trigger", 2, "GitHub workflow trigger" },
	{ "certificate-github-workflow-sha", 3, "GitHub workflow SHA" },
	{ "certificate-github-workflow-name", 4, "GitHub workflow name" },
	{ "certificate-github-workflow-repository", 5,
	    "GitHub workflow repository" },
	{ "certificate-github-workflow-ref", 6, "GitHub workflow ref" },
};

static void
verify_usage(const char *verb, FILE *f)
{
	fprintf(f,
	    "usage: signet %s [options] FILE|sha256:HEX|MODEL_DIR\n"
	    "\n"
	    "Verifies a Sigstore bundle (v0.1-v0.3) for FILE, or for an\n"
	    "artifact known only by its SHA-256 digest, entirely offline.\n"
	    "For a model directory (or a file signed as a model), verifies\n"
	    "its OMS signature (default MODEL_DIR/model.sig), then every "
	    "file.\n"
	    "\n"
	    "  --bundle FILE            the bundle (verify: default "
	    "FILE.sigstore.json)\n"
	    "  --certificate-identity ID         expected SAN (email or URI)\n"
	    "  --certificate-identity-regexp RE  ... or a PCRE2 regexp "
	    "matching\n"
	    "                                    all of it (anchored)\n"
	    "  --certificate-oidc-issuer URL     expected OIDC issuer\n"
	    "  --certificate-oidc-issuer-regexp RE\n"
	    "  --certificate-github-workflow-{trigger,sha,name,repository,"
	    "ref} V\n"
	    "                           expected GitHub workflow claims\n"
	    "  --key PUB.pem            verify a managed-key bundle with this "
	    "key\n"
	    "  --trusted-root FILE      trusted_root.json to trust (TUF is not "
	    "used)\n"
	    "  --staging                Sigstore's staging trust instead\n"
	    "  (default: the newest trust in the TUF cache that verifies "
	    "now from\n"
	    "  the built-in root, else the built-in trusted root; never the "
	    "network)\n"
	    "  --offline-trust          fail (exit 2) rather than fall back "
	    "to the\n"
	    "                           built-in trusted root\n"
	    "  --trust-max-age DAYS     warn when the trust is older "
	    "(default 30;\n"
	    "                           0: never)\n"
	    "  --tuf-root ROOT.json, --cache-dir DIR  another TUF repository, "
	    "cache\n"
	    "  --json                   print one JSON result object on "
	    "stdout\n"
	    "  --require-tlog           with --key: a bundle signed offline "
	    "and\n"
	    "                           not logged fails (verify-blob and\n"
	    "                           verify-bundle always want a log "
	    "entry)\n"
	    "\n"
	    "Models (model_signing's spellings --signature, --identity,\n"
	    "--identity-provider, --public-key are accepted too):\n"
	    "  --certificate-chain CA.pem  the certificate method: trust "
	    "these CAs\n"
	    "  --ignore-paths P         leave P out too (repeatable)\n"
	    "  --ignore-unsigned-files  files the signature does not list are "
	    "not\n"
	    "                           an error\n"
	    "  --no-ignore-git-paths    do not leave out .git & co\n"
	    "  --allow-symlinks, --allow-external-symlinks, --jobs N, "
	    "--quiet\n"
	    "  --model                  FILE is a single-file model\n"
	    "  --record-digests         keep the files' digests for a later\n"
	    "                           sign --reuse-digests (verification\n"
	    "                           writes nothing otherwise)\n"
	    "  --manifest MERGED        take the files' digests from a merged\n"
	    "                           manifest (signet manifest merge): "
	    "the\n"
	    "                           files are checked against its plan\n"
	    "                           (list, sizes, times), not read\n"
	    "\n"
	    "Exit status: 0 verified, 1 verification failed, 2 usage error "
	    "or\n"
	    "the check could not be done.\n", verb);
}

static int
parse_digest(const char *s, struct sgn_artifact *art)
{
	static const struct {
		const char	*prefix;
		sgn_hash_alg	 alg;
	} pfx[] = {
		{ "sha256:", SGN_HASH_SHA256 },
		{ "sha384:", SGN_HASH_SHA384 },
		{ "sha512:", SGN_HASH_SHA512 },
	};
	size_t i, pl, hl;

	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		pl = strlen(pfx[i].prefix);
		hl = 2 * sgn_hash_len(pfx[i].alg);
		if (strncmp(s, pfx[i].prefix, pl) != 0 || strlen(s) != pl + hl)
			continue;
		if (sgn_hex_decode(s + pl, hl, art->digest, hl / 2, NULL) !=
		    SGN_OK)
			return 0;
		art->digest_alg = pfx[i].alg;
		return 1;
	}
	return 0;
}

/* The hex digits a sha256:/sha384:/sha512: prefix of s asks for, or 0. */
static int
digest_prefix(const char *s)
{
	if (strncmp(s, "sha256:", 7) == 0)
		return 64;
	if (strncmp(s, "sha384:", 7) == 0)
		return 96;
	if (strncmp(s, "sha512:", 7) == 0)
		return 128;
	return 0;
}

static const char *
content_name(sgn_bundle_content c)
{
	return c == SGN_CONTENT_DSSE ? "DSSE envelope" : "message signature";
}

static void
print_text(const struct sgn_verify_result *res)
{
	char t[SGN_TIME_STRLEN], hex[65];
	size_t i;

	printf("Verified OK\n");
	printf("  bundle      v0.%d, %s\n", res->bundle_version,
	    content_name(res->content));
	if (res->identity != NULL) {
		printf("  signer      %s (%s)\n", res->identity,
		    res->identity_type == SGN_SAN_NONE ?
		    "certificate subject" :
		    sgn_san_type_name(res->identity_type));
		/* the certificate's other SANs: the policy may match any */
		for (i = 1; i < res->n_sans; i++)
			printf("  other SAN   %s (%s)\n", res->sans[i].value,
			    sgn_san_type_name(res->sans[i].type));
		if (res->issuer != NULL)
			printf("  issuer      %s\n", res->issuer);
	}
	if (res->key_desc != NULL)
		printf("  key         %s%s\n", res->key_desc,
		    res->identity == NULL ? " (given with --key)" :
		    res->issuer != NULL ? " (Fulcio certificate)" :
		    " (certificate chain given with --certificate-chain)");
	if (res->has_integrated_time) {
		sgn_time_format(sgn_time_from_sec(res->integrated_time), t);
		printf("  logged at   %s (transparency log time)\n", t);
	}
	for (i = 0; i < res->n_timestamps; i++) {
		sgn_time_format(res->timestamps[i], t);
		printf("  timestamp   %s (RFC 3161)\n", t);
	}
	/* timestamps that did not count, as sigstore-go ignores them */
	for (i = 0; i < res->n_ignored; i++)
		printf("  ignored     RFC 3161 timestamp %zu: %s\n",
		    res->ignored[i].index, res->ignored[i].reason);
	if (!res->has_log && res->identity == NULL &&
	    res->n_timestamps == 0)
		printf("  log entry   none (signed offline; `signet log` adds "
		    "one)\n");
	if (res->has_log) {
		sgn_hex_encode(res->log_id, 32, hex);
		printf("  log entry   %lld, %s, on %s\n",
		    (long long)res->log_index, res->entry_kind,
		    res->log_url != NULL ? res->log_url : hex);
	}
}

/* What --json adds about a verified artifact and its signer. */
struct json_extra {
	const struct sgn_bundle		*bundle;
	const struct sgn_artifact	*art;
	const struct sgn_pubkey		*key;	/* --key */
	int				 model;
};

/* "sha256:HEX" of the artifact (the bundle's digest was checked). */
static void
json_artifact(cJSON *o, const struct json_extra *xa)
{
	struct sgn_errbuf	eb;
	uint8_t			d[SGN_MAX_DIGEST];
	char			hex[2 * SGN_MAX_DIGEST + 1], s[160];
	const char		*alg;
	size_t			n;

	sgn_errbuf_clear(&eb);
	if (xa->art->path != NULL) {
		/* stdin was read by the verification: not again */
		if (strcmp(xa->art->path, "-") == 0 ||
		    sgn_hash_file(SGN_HASH_SHA256, xa->art->path, d, &eb) !=
		    SGN_OK)
			return;
		alg = "sha256";
		n = sgn_hash_len(SGN_HASH_SHA256);
	} else {
		memcpy(d, xa->art->digest, sizeof(d));
		n = sgn_hash_len(xa->art->digest_alg);
		alg = xa->art->digest_alg == SGN_HASH_SHA384 ? "sha384" :
		    xa->art->digest_alg == SGN_HASH_SHA512 ? "sha512" :
		    "sha256";
	}
	sgn_hex_encode(d, n, hex);
	snprintf(s, sizeof(s), "%s:%s", alg, hex);
	cJSON_AddStringToObject(o, "digest", s);
}

/* The GitHub workflow claims of the Fulcio certificate, when present. */
static void
json_github(cJSON *o, const struct sgn_bundle *b)
{
	static const struct {
		unsigned	 oid;
		const char	*name;
	} claims[] = {
		{ 2, "trigger" }, { 3, "sha" }, { 4, "name" },
		{ 5, "repository" }, { 6, "ref" },
	};
	struct sgn_cert	*leaf = NULL;
	cJSON		*gh = NULL;
	char		*v;
	size_t		 i;

	if (b->n_certs == 0 || sgn_cert_from_der(b->certs[0].ptr,
	    b->certs[0].len, &leaf, NULL) != SGN_OK)
		return;
	for (i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
		v = NULL;
		if (sgn_cert_fulcio_ext(leaf, claims[i].oid, &v, NULL) !=
		    SGN_OK || v == NULL)
			continue;
		if (gh == NULL)
			gh = cJSON_AddObjectToObject(o, "githubWorkflow");
		if (gh != NULL)
			cli_json_add_text(gh, claims[i].name, v);
		free(v);
	}
	sgn_cert_free(&leaf);
}

/* The in-toto statement's predicateType (a DSSE envelope of one). */
static void
json_predicate(cJSON *o, const struct sgn_bundle *b)
{
	cJSON		*st = NULL;
	const char	*pt = NULL;

	if (b->content != SGN_CONTENT_DSSE || b->payload_type == NULL ||
	    strcmp(b->payload_type, "application/vnd.in-toto+json") != 0)
		return;
	if (sgn_json_parse(b->payload.ptr, b->payload.len, "statement", &st,
	    NULL) == SGN_OK && sgn_json_get_string(st, "predicateType", 0,
	    "statement", &pt, NULL) == SGN_OK && pt != NULL)
		cli_json_add_text(o, "predicateType", pt);
	cJSON_Delete(st);
}

static void
json_extra(cJSON *o, cJSON *signer, const struct json_extra *xa)
{
	uint8_t	d[32];
	char	hex[65], s[80];

	if (!xa->model) {
		cJSON *x = cJSON_AddObjectToObject(o, "artifact");

		if (x != NULL)
			json_artifact(x, xa);
	}
	if (xa->key != NULL && sgn_hash(SGN_HASH_SHA256,
	    sgn_pubkey_spki_ptr(xa->key), sgn_pubkey_spki_len(xa->key), d,
	    NULL) == SGN_OK) {
		sgn_hex_encode(d, sizeof(d), hex);
		snprintf(s, sizeof(s), "sha256:%s", hex);
		cJSON_AddStringToObject(signer, "keyFingerprint", s);
	}
	if (xa->bundle != NULL) {
		json_github(signer, xa->bundle);
		json_predicate(o, xa->bundle);
	}
}

static int
print_json(const char *bundle_path, const struct sgn_verify_result *res,
    sgn_err r, const struct sgn_errbuf *eb, struct model_verify *mv,
    const struct json_extra *xa)
{
	cJSON *o, *x, *ts;
	char t[SGN_TIME_STRLEN], hex[65], ver[8];
	char *s;
	size_t i;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddBoolToObject(o, "verified", r == SGN_OK);
	cJSON_AddNumberToObject(o, "exit", sgn_err_exit_status(r));
	if (r != SGN_OK) {
		x = cJSON_AddObjectToObject(o, "error");
		cli_json_add_text(x, "check", res->check[0] != '\0' ?
		    res->check : "input");
		cli_json_add_text(x, "reason", res->reason[0] != '\0' ?
		    res->reason : eb->msg[0] != '\0' ? eb->msg :
		    sgn_strerror(r));
		cJSON_AddNumberToObject(x, "exitStatus",
		    sgn_err_exit_status(r));
	} else {
		cJSON_AddNullToObject(o, "error");
	}
	x = cJSON_AddObjectToObject(o, "bundle");
	cli_json_add_path(x, "path", bundle_path);
	if (res->bundle_version != 0) {
		snprintf(ver, sizeof(ver), "0.%d", res->bundle_version);
		cJSON_AddStringToObject(x, "version", ver);
		cJSON_AddStringToObject(x, "content",
		    res->content == SGN_CONTENT_DSSE ? "dsseEnvelope" :
		    "messageSignature");
	}
	x = cJSON_AddObjectToObject(o, "signer");
	if (res->identity != NULL) {
		cli_json_add_text(x, "identity", res->identity);
		cJSON_AddStringToObject(x, "identityType",
		    sgn_san_type_name(res->identity_type));
	}
	if (res->n_sans > 0) {
		cJSON *sans = cJSON_AddArrayToObject(x, "sans"), *san;

		for (i = 0; sans != NULL && i < res->n_sans; i++) {
			if ((san = cJSON_CreateObject()) == NULL ||
			    !cJSON_AddItemToArray(sans, san)) {
				cJSON_Delete(san);
				break;
			}
			cJSON_AddStringToObject(san, "type",
			    sgn_san_type_name(res->sans[i].type));
			cJSON_AddStringToObject(san, "value",
			    res->sans[i].value);
		}
	}
	if (res->issuer != NULL)
		cli_json_add_text(x, "issuer", res->issuer);
	if (res->key_desc != NULL)
		cli_json_add_text(x, "key", res->key_desc);
	if (res->cert_not_before.sec != 0) {
		sgn_time_format(res->cert_not_before, t);
		cJSON_AddStringToObject(x, "certificateNotBefore", t);
		sgn_time_format(res->cert_not_after, t);
		cJSON_AddStringToObject(x, "certificateNotAfter", t);
	}
	if (r == SGN_OK && xa != NULL)
		json_extra(o, x, xa);
	if (res->has_log) {
		x = cJSON_AddObjectToObject(o, "tlog");
		cJSON_AddNumberToObject(x, "logIndex",
		    (double)res->log_index);
		sgn_hex_encode(res->log_id, 32, hex);
		cJSON_AddStringToObject(x, "logId", hex);
		if (res->log_url != NULL)
			cli_json_add_text(x, "logUrl", res->log_url);
		cli_json_add_text(x, "kind", res->entry_kind);
		if (res->has_integrated_time) {
			sgn_time_format(
			    sgn_time_from_sec(res->integrated_time), t);
			cJSON_AddStringToObject(x, "integratedTime", t);
		} else {
			cJSON_AddNullToObject(x, "integratedTime");
		}
	} else {
		cJSON_AddNullToObject(o, "tlog");
	}
	ts = cJSON_AddArrayToObject(o, "timestamps");
	for (i = 0; ts != NULL && i < res->n_timestamps; i++) {
		sgn_time_format(res->timestamps[i], t);
		cJSON_AddItemToArray(ts, cJSON_CreateString(t));
	}
	ts = cJSON_AddArrayToObject(o, "ignoredTimestamps");
	for (i = 0; ts != NULL && i < res->n_ignored; i++) {
		if ((x = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(ts, x)) {
			cJSON_Delete(x);
			break;
		}
		cJSON_AddNumberToObject(x, "index",
		    (double)res->ignored[i].index);
		cJSON_AddStringToObject(x, "reason", res->ignored[i].reason);
	}
	if (mv != NULL) {
		x = cJSON_AddObjectToObject(o, "model");
		cli_json_add_path(x, "path", mv->model);
		if (mv->root_hex[0] != '\0') {
			char rd[80];

			snprintf(rd, sizeof(rd), "sha256:%s", mv->root_hex);
			cJSON_AddStringToObject(x, "rootDigest", rd);
			cJSON_AddNumberToObject(x, "entries",
			    (double)mv->n_files);
			cJSON_AddNumberToObject(x, "bytes", (double)mv->bytes);
		}
		if (mv->diffs != NULL) {
			cJSON_AddItemToObject(x, "differences", mv->diffs);
			mv->diffs = NULL;
		}
	}
	if ((s = cJSON_PrintUnformatted(o)) == NULL) {
		cJSON_Delete(o);
		return -1;
	}
	printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
	return 0;
}

/*
 * The one JSON object of --json when the verification could not even
 * start: a usage error, trust material or a key that cannot be used.
 */
static int
print_json_early(int rc, const char *check, const char *msg)
{
	cJSON	*o, *x;
	char	*s;

	if ((o = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddBoolToObject(o, "verified", 0);
	cJSON_AddNumberToObject(o, "exit", rc);
	if ((x = cJSON_AddObjectToObject(o, "error")) != NULL) {
		cli_json_add_text(x, "check", check);
		cli_json_add_text(x, "reason", msg[0] != '\0' ? msg :
		    "the check could not be done");
		cJSON_AddNumberToObject(x, "exitStatus", rc);
	}
	if ((s = cJSON_PrintUnformatted(o)) == NULL) {
		cJSON_Delete(o);
		return -1;
	}
	printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
	return 0;
}

/* A path on stderr, control characters escaped (names may hold them). */
static void
put_path(const char *p)
{
	for (; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n')
			fputs("\\n", stderr);
		else if (c < 0x20 || c == 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else if (c == '\\')
			fputs("\\\\", stderr);
		else
			fputc(c, stderr);
	}
}

/* Each file that differs, on stderr, after the one-line summary. */
static void
print_diffs(const struct model_verify *mv)
{
	const cJSON *d, *k, *p, *s, *e;
	size_t n = 0;

	cJSON_ArrayForEach(d, mv->diffs) {
		if (++n > 100) {
			fprintf(stderr, "  ... and %d more\n",
			    cJSON_GetArraySize(mv->diffs) - 100);
			break;
		}
		k = cJSON_GetObjectItemCaseSensitive(d, "kind");
		p = cJSON_GetObjectItemCaseSensitive(d, "path");
		s = cJSON_GetObjectItemCaseSensitive(d, "start");
		e = cJSON_GetObjectItemCaseSensitive(d, "end");
		fprintf(stderr, "  %-8s ", k->valuestring);
		put_path(p->valuestring);
		if (s != NULL && e != NULL)
			fprintf(stderr, " (shard %.0f-%.0f)",
			    cJSON_GetNumberValue(s), cJSON_GetNumberValue(e));
		fputc('\n', stderr);
	}
}

/* An invalid pattern is a usage error, found before any work is done. */
static int
regexp_usable(const char *verb, const char *flag, const char *pattern)
{
	struct sgn_errbuf eb;

	if (pattern == NULL)
		return 1;
	sgn_errbuf_clear(&eb);
	if (sgn_regex_check(pattern, &eb) == SGN_OK)
		return 1;
	cli_err("%s: --%s: %s", verb, flag, eb.msg);
	return 0;
}

/*
 * The verification; *stage names what is being done ("usage", "trust",
 * "key"), *printed is set once the output (JSON, help) is out.
 */
static int
verify_run(const char *verb, int argc, char **argv, const char **stage,
    int *printed)
{
	struct cli_args a;
	struct sgn_errbuf eb;
	struct sgn_artifact art;
	struct sgn_policy pol;
	struct sgn_verify_result res;
	struct trust_want tw;
	struct trust_got tg;
	struct sgn_verifier *v = NULL;
	struct sgn_bundle *b = NULL;
	struct sgn_pubkey *key = NULL;
	const char *subject, *bundle_path, *key_path, *tr;
	const char *const *cas;
	char *default_bundle = NULL;
	uint8_t *buf = NULL;
	struct sgn_buf ca;
	struct model_verify mv;
	size_t len, i, n_cas;
	int json, rc = 2, model = 0;
	sgn_err r;

	memset(&a, 0, sizeof(a));
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	pol = (struct sgn_policy)SGN_POLICY_INIT;
	res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	memset(&mv, 0, sizeof(mv));
	memset(&tw, 0, sizeof(tw));
	memset(&tg, 0, sizeof(tg));
	sgn_buf_init(&ca, 0);
	sgn_errbuf_clear(&eb);
	cli_add(&a, "bundle", 1);
	cli_add(&a, "certificate-chain", CLI_REPEAT);
	cli_add(&a, "model", 0);
	cli_add(&a, "require-tlog", 0);
	cli_add(&a, "quiet", 0);
	cli_add(&a, "record-digests", 0);
	cli_add(&a, "manifest", 1);
	model_opts_add(&a, 1);
	cli_add(&a, "certificate-identity", 1);
	cli_add(&a, "certificate-identity-regexp", 1);
	cli_add(&a, "certificate-oidc-issuer", 1);
	cli_add(&a, "certificate-oidc-issuer-regexp", 1);
	for (i = 0; i < sizeof(gh_flags) / sizeof(gh_flags[0]); i++)
		cli_add(&a, gh_flags[i].flag, 1);
	cli_add(&a, "key", 1);
	/* model_signing's spellings */
	cli_alias(&a, "signature", "bundle");
	cli_alias(&a, "identity", "certificate-identity");
	cli_alias(&a, "identity-provider", "certificate-oidc-issuer");
	cli_alias(&a, "public-key", "key");
	cli_add(&a, "trusted-root", 1);
	cli_add(&a, "staging", 0);
	trust_opts_add(&a, TRUST_OPTS_VERIFY);
	cli_add(&a, "json", 0);
	cli_add(&a, "help", 0);
	if (strcmp(verb, "verify-blob") == 0)
		cli_cosign_add(&a, 0);
	if (cli_parse(&a, verb, argc, argv) != 0)
		return 2;
	if (cli_flag(&a, "help")) {
		verify_usage(verb, stdout);
		*printed = 1;
		return 0;
	}
	json = cli_flag(&a, "json");
	if (strcmp(verb, "verify-blob") == 0) {
		const char *sp = cli_spelled(&a, "bundle");

		/* cosign's --signature is a detached signature, not the
		 * model_signing spelling of --bundle */
		if (sp != NULL && strcmp(sp, "signature") == 0) {
			cli_err("%s: --signature: detached signatures are not "
			    "supported; give the Sigstore bundle with "
			    "--bundle", verb);
			return 2;
		}
		if (cli_cosign_check(&a, verb) != 0)
			return 2;
	}
	if (cli_model_signing_words(&a, verb) != 0)
		return 2;
	if (a.n_pos != 1) {
		cli_err("%s: give exactly one artifact (a file or sha256:HEX)",
		    verb);
		verify_usage(verb, stderr);
		return 2;
	}
	subject = a.pos[0];
	if (!parse_digest(subject, &art))
		art.path = subject;
	model = cli_flag(&a, "model") || (art.path != NULL &&
	    model_is_dir(art.path));
	cas = cli_values(&a, "certificate-chain", &n_cas);
	bundle_path = cli_get(&a, "bundle");
	if (bundle_path == NULL) {
		if (strcmp(verb, "verify") != 0 || art.path == NULL) {
			cli_err("%s: --bundle is required", verb);
			return 2;
		}
		if (model)
			default_bundle = model_default_signature(art.path);
		else if (asprintf(&default_bundle, "%s.sigstore.json",
		    art.path) < 0)
			default_bundle = NULL;
		if (default_bundle == NULL) {
			cli_err("out of memory");
			return 2;
		}
		bundle_path = default_bundle;
	}

	/* Policy. */
	key_path = cli_get(&a, "key");
	pol.identity = cli_get(&a, "certificate-identity");
	pol.identity_regexp = cli_get(&a, "certificate-identity-regexp");
	pol.issuer = cli_get(&a, "certificate-oidc-issuer");
	pol.issuer_regexp = cli_get(&a, "certificate-oidc-issuer-regexp");
	if (n_cas > 0) {
		if (key_path != NULL || pol.identity != NULL ||
		    pol.identity_regexp != NULL || pol.issuer != NULL ||
		    pol.issuer_regexp != NULL) {
			cli_err("%s: --certificate-chain (the certificate "
			    "method) takes no --key, identity or issuer",
			    verb);
			goto out;
		}
		if (art.path == NULL) {
			cli_err("%s: --certificate-chain verifies models",
			    verb);
			goto out;
		}
		for (i = 0; i < n_cas; i++) {
			sgn_errbuf_clear(&eb);
			if (sgn_file_read(cas[i], SGN_MAX_TRUSTED_ROOT_BYTES,
			    &buf, &len, &eb) != SGN_OK ||
			    sgn_buf_append(&ca, buf, len, &eb) != SGN_OK ||
			    sgn_buf_append(&ca, "\n", 1, &eb) != SGN_OK) {
				cli_err("certificate chain %s: %s", cas[i],
				    eb.msg);
				goto out;
			}
			free(buf);
			buf = NULL;
		}
		model = 1;
	}
	for (i = 0; i < sizeof(gh_flags) / sizeof(gh_flags[0]); i++) {
		const char *val = cli_get(&a, gh_flags[i].flag);
		if (val != NULL)
			(void)sgn_policy_add_ext(&pol, gh_flags[i].oid, val,
			    gh_flags[i].name, NULL);
	}
	if (key_path != NULL) {
		if (pol.identity != NULL || pol.identity_regexp != NULL ||
		    pol.issuer != NULL || pol.issuer_regexp != NULL ||
		    pol.n_ext > 0) {
			cli_err("%s: --key verifies a managed-key bundle; it "
			    "takes no identity or issuer", verb);
			goto out;
		}
	} else if (n_cas == 0) {
		if ((pol.identity == NULL) == (pol.identity_regexp == NULL)) {
			cli_err("%s: give --certificate-identity or "
			    "--certificate-identity-regexp (or --key)", verb);
			goto out;
		}
		if ((pol.issuer == NULL) == (pol.issuer_regexp == NULL)) {
			cli_err("%s: give --certificate-oidc-issuer or "
			    "--certificate-oidc-issuer-regexp", verb);
			goto out;
		}
		if (!regexp_usable(verb, "certificate-identity-regexp",
		    pol.identity_regexp) ||
		    !regexp_usable(verb, "certificate-oidc-issuer-regexp",
		    pol.issuer_regexp))
			goto out;
	}
	tr = cli_get(&a, "trusted-root");
	if (tr != NULL && cli_flag(&a, "staging")) {
		cli_err("%s: --trusted-root and --staging exclude each other",
		    verb);
		goto out;
	}

	/* The artifact before its bundle: a missing one is not the
	 * bundle's problem, and sha256:... that is not a digest is named. */
	if (art.path != NULL && strcmp(art.path, "-") != 0) {
		struct stat st;

		if (stat(art.path, &st) != 0) {
			if (digest_prefix(art.path) != 0)
				cli_err("%s: %s is not a %d-hex-digit digest",
				    verb, art.path, digest_prefix(art.path));
			else
				cli_err("%s: %s", art.path, strerror(errno));
			*stage = "artifact";
			goto out;
		}
	}

	if (tr != NULL && (cli_get(&a, "tuf-root") != NULL ||
	    cli_flag(&a, "offline-trust"))) {
		cli_err("%s: --trusted-root skips TUF: it takes no --tuf-root "
		    "or --offline-trust", verb);
		goto out;
	}

	/*
	 * Trust material (trust_get: the file, the TUF cache verified now, or
	 * the built-in root; never the network) and key: without them the
	 * check cannot be done.
	 */
	*stage = "trust";
	tw.need_root = 1;
	if ((rc = trust_get(&a, verb, &tw, &tg)) != 0)
		goto out;
	rc = 2;
	if (key_path != NULL) {
		*stage = "key";
		sgn_errbuf_clear(&eb);
		if ((r = keyref_pubkey(key_path, &key, &eb)) != SGN_OK) {
			cli_err("key %s: %s", keyref_name(key_path),
			    eb.msg);
			rc = 2;
			goto out;
		}
		pol.key = key;
		/* signed offline and not logged yet: signet verify accepts
		 * it on its signature; cosign's and the conformance suite's
		 * spellings want a log entry, as cosign does */
		pol.unlogged_ok = strcmp(verb, "verify") == 0 &&
		    !cli_flag(&a, "require-tlog");
	}
	*stage = "trust";
	if ((r = sgn_verifier_new(tg.root, &v, &eb)) != SGN_OK) {
		rc = cli_fail(r, &eb);
		goto out;
	}

	/* The bundle. */
	sgn_errbuf_clear(&eb);
	r = sgn_file_read(bundle_path, model && art.path != NULL ?
	    sgn_manifest_signature_cap(art.path, bundle_path) :
	    SGN_MAX_BUNDLE_BYTES, &buf, &len, &eb);
	/* too large to read: the check could not be done (exit 2), as for
	 * any file that cannot be read; nothing in it was checked */
	if (r == SGN_ERR_LIMIT)
		r = SGN_ERR_IO;
	if (r == SGN_OK)
		r = sgn_bundle_parse(buf, len, &b, &eb);
	if (r == SGN_OK && art.path != NULL && !model)
		model = model_is_signature(b);
	if (r != SGN_OK) {
		snprintf(res.check, sizeof(res.check), "bundle");
		snprintf(res.reason, sizeof(res.reason), "%s", eb.msg);
	} else if (model) {
		mv.verb = verb;
		mv.model = art.path;
		mv.bundle_path = bundle_path;
		mv.bundle_bytes = buf;
		mv.bundle_len = len;
		mv.bundle = b;
		mv.verifier = v;
		mv.policy = &pol;
		mv.ca_pem = n_cas > 0 ? (const char *)ca.ptr : NULL;
		mv.ca_len = ca.len;
		mv.args = &a;
		mv.quiet = cli_flag(&a, "quiet") || json;
		sgn_errbuf_clear(&eb);
		r = model_verify(&mv, &res, &eb);
	} else {
		sgn_errbuf_clear(&eb);
		r = sgn_verify(v, b, &art, &pol, &res, &eb);
	}
	rc = sgn_err_exit_status(r);
	if (json) {
		struct json_extra xa;

		xa.bundle = b;
		xa.art = &art;
		xa.key = key;
		xa.model = model;
		*printed = 1;
		if (print_json(bundle_path, &res, r, &eb,
		    model ? &mv : NULL, &xa) != 0) {
			cli_err("out of memory");
			rc = 2;
		}
	} else if (r == SGN_OK) {
		if (res.legacy & SGN_PLAIN_OLD_PAE)
			cli_err("warning: signed over model_signing 0.2's "
			    "malformed DSSE encoding; sign again");
		if (res.legacy & SGN_PLAIN_NO_HINT)
			cli_err("warning: the bundle carries its public key "
			    "(model_signing before 1.1), not a key hint");
		print_text(&res);
		if (model)
			printf("  model       %s: %zu %s, %llu bytes, root "
			    "sha256:%s\n", mv.model, mv.n_files,
			    mv.n_files == 1 ? "entry" : "entries",
			    (unsigned long long)mv.bytes, mv.root_hex);
	} else if (rc == 1) {
		cli_err("verification failed: %s", eb.msg[0] != '\0' ? eb.msg :
		    sgn_strerror(r));
		print_diffs(&mv);
	} else {
		cli_err("%s", eb.msg[0] != '\0' ? eb.msg : sgn_strerror(r));
	}
out:
	cJSON_Delete(mv.diffs);
	sgn_buf_reset(&ca);
	sgn_verify_result_reset(&res);
	sgn_bundle_free(&b);
	sgn_verifier_free(&v);
	trust_got_reset(&tg);
	sgn_pubkey_free(&key);
	free(buf);
	free(default_bundle);
	return rc;
}

int
cmd_verify(const char *verb, int argc, char **argv)
{
	char		 msg[SGN_ERRBUF_SIZE];
	const char	*stage = "usage";
	int		 i, json = 0, printed = 0, rc;

	/* --json: every outcome, usage errors included, is one object */
	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
	if (json)
		cli_err_capture(msg, sizeof(msg));
	rc = verify_run(verb, argc, argv, &stage, &printed);
	cli_err_capture(NULL, 0);
	if (json && !printed && print_json_early(rc, stage, msg) != 0) {
		cli_err("out of memory");
		rc = 2;
	}
	return rc;
}
