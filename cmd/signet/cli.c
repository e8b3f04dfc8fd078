/*
 * Option parsing and messages shared by the commands.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"

size_t
cli_add(struct cli_args *a, const char *name, int takes_value)
{
	struct cli_opt *o;

	if (a->n_opts >= CLI_MAX_OPTS) {
		a->too_many = 1;
		o = &a->opts[CLI_MAX_OPTS];
		memset(o, 0, sizeof(*o));
		o->name = name;
		return CLI_MAX_OPTS;
	}
	o = &a->opts[a->n_opts];
	o->name = name;
	o->takes_value = takes_value;
	o->value = NULL;
	o->seen = 0;
	o->n_values = 0;
	o->alias_of = NULL;
	o->spelled = NULL;
	return a->n_opts++;
}

void
cli_alias(struct cli_args *a, const char *alias, const char *name)
{
	a->opts[cli_add(a, alias, CLI_FLAG)].alias_of = name;
}

static struct cli_opt *
named(struct cli_args *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->n_opts; i++)
		if (strcmp(a->opts[i].name, name) == 0)
			return &a->opts[i];
	return NULL;
}

/*
 * The option spelled (name, len), an alias standing for its option;
 * *spelling is the registered name that was matched.
 */
static struct cli_opt *
find(struct cli_args *a, const char *name, size_t len, const char **spelling)
{
	size_t i, k;

	for (i = 0; i < a->n_opts; i++) {
		if (strlen(a->opts[i].name) != len)
			continue;
		for (k = 0; k < len; k++)
			if (a->opts[i].name[k] != name[k] &&
			    !(a->opts[i].name[k] == '-' && name[k] == '_'))
				break;
		if (k == len) {
			*spelling = a->opts[i].name;
			return a->opts[i].alias_of == NULL ? &a->opts[i] :
			    named(a, a->opts[i].alias_of);
		}
	}
	return NULL;
}

int
cli_parse(struct cli_args *a, const char *cmd, int argc, char **argv)
{
	int i, only_pos = 0;

	if (a->too_many) {
		cli_err("%s: internal error: more than %d options registered",
		    cmd, CLI_MAX_OPTS);
		return -1;
	}
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *eq, *spelling = NULL;
		struct cli_opt *o;
		size_t len;

		if (only_pos || arg[0] != '-' || strcmp(arg, "-") == 0) {
			if (a->n_pos >= sizeof(a->pos) / sizeof(a->pos[0])) {
				cli_err("%s: too many arguments", cmd);
				return -1;
			}
			a->pos[a->n_pos++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_pos = 1;
			continue;
		}
		/* -h is --help in every command that has one */
		if (strcmp(arg, "-h") == 0 && (o = named(a, "help")) != NULL) {
			o->seen = 1;
			o->spelled = "help";
			continue;
		}
		if (arg[1] != '-') {
			cli_err("%s: unknown option %s (options are spelled "
			    "--name)", cmd, arg);
			return -1;
		}
		eq = strchr(arg, '=');
		len = eq != NULL ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		if ((o = find(a, arg + 2, len, &spelling)) == NULL) {
			cli_err("%s: unknown option %.*s (see signet %s "
			    "--help)", cmd, (int)len + 2, arg, cmd);
			return -1;
		}
		if (o->seen && strcmp(o->spelled, spelling) != 0) {
			cli_err("%s: --%s and --%s are one option: give one",
			    cmd, o->spelled, spelling);
			return -1;
		}
		if (o->seen && o->takes_value != CLI_REPEAT) {
			cli_err("%s: --%s given twice", cmd, o->name);
			return -1;
		}
		o->seen = 1;
		o->spelled = spelling;
		if (!o->takes_value) {
			if (eq != NULL) {
				cli_err("%s: --%s takes no value", cmd,
				    o->name);
				return -1;
			}
			continue;
		}
		if (eq != NULL) {
			o->value = eq + 1;
		} else if (i + 1 < argc) {
			o->value = argv[++i];
		} else {
			cli_err("%s: --%s needs a value", cmd, o->name);
			return -1;
		}
		if (o->value[0] == '\0') {
			cli_err("%s: --%s needs a non-empty value", cmd,
			    o->name);
			return -1;
		}
		if (o->takes_value == CLI_REPEAT) {
			if (o->n_values == CLI_MAX_VALUES) {
				cli_err("%s: --%s given more than %d times",
				    cmd, o->name, CLI_MAX_VALUES);
				return -1;
			}
			o->values[o->n_values++] = o->value;
		}
	}
	return 0;
}

int
cli_u64(const char *s, uint64_t max, uint64_t *v)
{
	char			*end;
	unsigned long long	 x;

	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return -1;
	*v = (uint64_t)x;
	return 0;
}

const char *
cli_get(const struct cli_args *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->n_opts; i++)
		if (strcmp(a->opts[i].name, name) == 0)
			return a->opts[i].value;
	return NULL;
}

int
cli_flag(const struct cli_args *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->n_opts; i++)
		if (strcmp(a->opts[i].name, name) == 0)
			return a->opts[i].seen;
	return 0;
}

const char *const *
cli_values(const struct cli_args *a, const char *name, size_t *n)
{
	size_t i;

	for (i = 0; i < a->n_opts; i++)
		if (strcmp(a->opts[i].name, name) == 0) {
			*n = a->opts[i].n_values;
			return a->opts[i].values;
		}
	*n = 0;
	return NULL;
}

/* Where cli_err keeps its first message, when asked (--json). */
static char	*capture;
static size_t	 capture_len;

void
cli_err_capture(char *buf, size_t len)
{
	capture = buf;
	capture_len = len;
	if (buf != NULL && len > 0)
		buf[0] = '\0';
}

/* cosign's flags: why signet cannot honour each, or NULL (no effect). */
static const struct {
	const char	*name;
	int		 takes_value;
	int		 signing;	/* 1 sign-blob, 0 verify-blob */
	const char	*why;
} cosign_flags[] = {
	{ "new-bundle-format", CLI_FLAG, 1, NULL },
	{ "tlog-upload", CLI_VALUE, 1, NULL },	/* true only */
	{ "output-signature", CLI_VALUE, 1, "detached signatures are not "
	    "written: the bundle (--bundle) holds the signature" },
	{ "output-certificate", CLI_VALUE, 1, "the certificate is in the "
	    "bundle (--bundle)" },
	{ "output", CLI_VALUE, 1, "detached signatures are not written: "
	    "use --bundle" },
	{ "fulcio-url", CLI_VALUE, 1, "services come from the signing "
	    "config: use --signing-config" },
	{ "rekor-url", CLI_VALUE, 1, "services come from the signing config: "
	    "use --signing-config" },
	{ "timestamp-server-url", CLI_VALUE, 1, "services come from the "
	    "signing config: use --signing-config" },
	{ "issue-certificate", CLI_FLAG, 1, "a key's signature carries no "
	    "certificate here" },
	{ "new-bundle-format", CLI_FLAG, 0, NULL },
	{ "offline", CLI_FLAG, 0, NULL },	/* verification is offline */
	{ "use-signed-timestamps", CLI_FLAG, 0, NULL },
	{ "certificate", CLI_VALUE, 0, "a detached certificate is not "
	    "supported: the bundle (--bundle) holds it" },
	{ "rfc3161-timestamp", CLI_VALUE, 0, "a detached timestamp is not "
	    "supported: the bundle (--bundle) holds it" },
	{ "timestamp-certificate-chain", CLI_VALUE, 0, "TSA certificates "
	    "come from the trusted root (--trusted-root)" },
	{ "insecure-ignore-tlog", CLI_FLAG, 0, "the log entry is always "
	    "checked (a key bundle signed offline: signet verify --key)" },
	{ "insecure-ignore-sct", CLI_FLAG, 0, "the certificate's SCT is "
	    "always checked" },
	{ "rekor-url", CLI_VALUE, 0, "verification is offline: the bundle "
	    "holds the log entry" },
	{ "private-infrastructure", CLI_FLAG, 0, "the log entry is always "
	    "checked" },
};

void
cli_cosign_add(struct cli_args *a, int signing)
{
	size_t	i;

	for (i = 0; i < sizeof(cosign_flags) / sizeof(cosign_flags[0]); i++)
		if (cosign_flags[i].signing == signing)
			cli_add(a, cosign_flags[i].name,
			    cosign_flags[i].takes_value);
}

int
cli_cosign_check(const struct cli_args *a, const char *verb)
{
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof(cosign_flags) / sizeof(cosign_flags[0]); i++)
		if (cosign_flags[i].why != NULL &&
		    cli_flag(a, cosign_flags[i].name)) {
			cli_err("%s: --%s is not supported: %s", verb,
			    cosign_flags[i].name, cosign_flags[i].why);
			return -1;
		}
	if ((v = cli_get(a, "tlog-upload")) != NULL &&
	    strcmp(v, "true") != 0) {
		cli_err("%s: --tlog-upload=%s is not supported: keyless "
		    "signatures are always logged (with a key: --offline, "
		    "and signet log later)", verb, v);
		return -1;
	}
	return 0;
}

int
cli_model_signing_words(const struct cli_args *a, const char *verb)
{
	static const struct {
		const char	*word;
		const char	*sign;
		const char	*verify;
	} w[] = {
		{ "sigstore", "", " --certificate-identity ID "
		    "--certificate-oidc-issuer URL" },
		{ "key", " --key KEY", " --key PUB.pem" },
		{ "certificate", " --key KEY --signing-certificate CERT "
		    "--certificate-chain CA.pem",
		    " --certificate-chain CA.pem" },
		{ "pkcs11-key", NULL, NULL },
		{ "pkcs11-certificate", NULL, NULL },
	};
	struct stat	st;
	size_t		i;
	int		sign = strncmp(verb, "sign", 4) == 0;

	if (a->n_pos != 2 || stat(a->pos[0], &st) == 0)
		return 0;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		if (strcmp(a->pos[0], w[i].word) != 0)
			continue;
		if (w[i].sign == NULL)
			cli_err("%s: \"%s\" is model_signing's method word; "
			    "signet has no PKCS#11 method", verb, w[i].word);
		else
			cli_err("%s: \"%s %s\" is model_signing's spelling; "
			    "signet's is: signet %s %s%s", verb, w[i].word,
			    a->pos[1], sign ? "sign" : "verify", a->pos[1],
			    sign ? w[i].sign : w[i].verify);
		return -1;
	}
	return 0;
}

const char *
cli_spelled(const struct cli_args *a, const char *name)
{
	size_t	i;

	for (i = 0; i < a->n_opts; i++)
		if (strcmp(a->opts[i].name, name) == 0)
			return a->opts[i].seen ? a->opts[i].spelled : NULL;
	return NULL;
}

void
cli_err(const char *fmt, ...)
{
	va_list ap;

	if (capture != NULL && capture_len > 0 && capture[0] == '\0') {
		va_start(ap, fmt);
		(void)vsnprintf(capture, capture_len, fmt, ap);
		va_end(ap);
	}
	fputs("signet: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_fail(sgn_err r, const struct sgn_errbuf *eb)
{
	cli_err("%s", eb != NULL && eb->msg[0] != '\0' ? eb->msg :
	    sgn_strerror(r));
	return sgn_err_exit_status(r);
}

/*
 * The length of the valid UTF-8 sequence at p (1 to 4), or 0 (RFC 3629:
 * no overlong forms, no surrogates, nothing past U+10FFFF).  p is
 * NUL-ended: a NUL ends a sequence early, and is not read past.
 */
static size_t
utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] > 0x9f))
			return 0;
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80 ||
		    (p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

char *
cli_json_escape(const char *s, int path)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k = 0, l;
	char *out;

	if (n > (SIZE_MAX - 1) / 4 || (out = malloc(4 * n + 1)) == NULL)
		return NULL;
	while (*p != '\0') {
		if (path && *p == '\\') {
			out[k++] = '\\';
			out[k++] = '\\';
			p++;
		} else if ((l = utf8_len(p)) == 0) {
			(void)snprintf(out + k, 5, "\\x%02x", *p);
			k += 4;
			p++;
		} else {
			memcpy(out + k, p, l);
			k += l;
			p += l;
		}
	}
	out[k] = '\0';
	return out;
}

static int
json_add(cJSON *o, const char *name, const char *s, int path)
{
	char	*e;
	int	 rc;

	/* Nothing added for NULL, as cJSON_AddStringToObject does. */
	if (s == NULL || (e = cli_json_escape(s, path)) == NULL)
		return -1;
	rc = cJSON_AddStringToObject(o, name, e) != NULL ? 0 : -1;
	free(e);
	return rc;
}

int
cli_json_add_path(cJSON *o, const char *name, const char *path)
{
	return json_add(o, name, path, 1);
}

int
cli_json_add_text(cJSON *o, const char *name, const char *text)
{
	return json_add(o, name, text, 0);
}
