/*
 * Signed notes and transparency-log checkpoints.
 *
 * A checkpoint is a C2SP signed note (https://c2sp.org/signed-note) whose
 * text follows https://c2sp.org/tlog-checkpoint:
 *
 *	<origin>\n<tree size>\n<base64 root hash>\n[<extension>\n ...]
 *	\n
 *	— <key name> <base64(4-byte key ID || signature)>\n ...
 *
 * The parser is strict (the note comes from a bundle, so it is hostile)
 * and keeps every signature line; sgn_checkpoint_verify() then picks the
 * lines of the one log key it is given and ignores the rest, as the
 * signed-note spec asks of verifiers (witness cosignatures and unknown
 * keys are not errors).  Key IDs follow REFERENCE section 8.3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "tlog.h"

/* U+2014 EM DASH and a space: how every signature line starts. */
static const char sig_prefix[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN	(sizeof(sig_prefix) - 1)

/* Key ID type bytes (C2SP signed-note and rekor-tiles). */
#define KEY_TYPE_ED25519	0x01
#define KEY_TYPE_RSA		0xff
static const char rsa_id_label[] = "PKIX-RSA-PKCS#1v1.5";

/*
 * Decodes one UTF-8 sequence from (p, n) into *cp and returns its length,
 * or 0 if it is malformed: truncated, overlong, a surrogate, or above
 * U+10FFFF (RFC 3629).
 */
static size_t
utf8_next(const uint8_t *p, size_t n, uint32_t *cp)
{
	uint32_t c, min;
	size_t len, i;

	if (n == 0)
		return 0;
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Unicode White_Space, as Go's unicode.IsSpace (the reference verifier). */
static int
is_space(uint32_t c)
{
	switch (c) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return 1;
	default:
		return c >= 0x2000 && c <= 0x200a;
	}
}

/* A key name: non-empty valid UTF-8 without whitespace or '+'. */
static int
valid_name(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	uint32_t c;
	size_t i, k;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i += k) {
		if ((k = utf8_next(p + i, n - i, &c)) == 0)
			return 0;
		if (c == '+' || c == 0 || is_space(c))
			return 0;
	}
	return 1;
}

/*
 * Strict unsigned decimal: 1 to 20 digits, no sign, no leading zero
 * (except "0" itself), no overflow.  Returns 1 on success.
 */
static int
parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20 || (s[0] == '0' && n > 1))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return 0;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

/*
 * Standard, padded base64 only (the signed-note and checkpoint specs use
 * Go's base64.StdEncoding): sgn_b64_decode() alone would also take the
 * URL-safe alphabet and missing padding.
 */
static sgn_err
b64_std(const char *s, size_t n, uint8_t **outp, size_t *outlenp,
    const char *what, struct sgn_errbuf *eb)
{
	size_t i;

	*outp = NULL;
	*outlenp = 0;
	if (n == 0 || n % 4 != 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "%s is not padded standard base64", what);
	for (i = 0; i < n; i++)
		if (s[i] == '-' || s[i] == '_')
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "%s is not standard base64", what);
	if (sgn_b64_decode(s, n, outp, outlenp, NULL) != SGN_OK)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "%s is not valid base64", what);
	return SGN_OK;
}

static char *
strndup_s(const char *s, size_t n)
{
	char *p;

	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Checks the whole note: valid UTF-8 and no control character but \n. */
static sgn_err
check_text(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	uint32_t c;
	size_t i, k;

	for (i = 0; i < n; i += k) {
		if ((k = utf8_next(p + i, n - i, &c)) == 0)
			return sgn_errf(eb, SGN_ERR_PARSE, "signed note: "
			    "invalid UTF-8 at offset %zu", i);
		if (c < 0x20 && c != '\n')
			return sgn_errf(eb, SGN_ERR_PARSE, "signed note: "
			    "control character 0x%02x at offset %zu",
			    (unsigned)c, i);
	}
	return SGN_OK;
}

/* One signature line (without its "\n"), number no (from 1). */
static sgn_err
parse_sig(const char *line, size_t n, size_t no, struct sgn_note_sig *sig,
    struct sgn_errbuf *eb)
{
	const char *name, *sp, *b;
	uint8_t *raw = NULL;
	size_t namelen, blen, rawlen;
	char what[48];
	sgn_err r;

	if (n < SIG_PREFIX_LEN ||
	    memcmp(line, sig_prefix, SIG_PREFIX_LEN) != 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "signed note: signature "
		    "line %zu does not start with an em dash and a space", no);
	name = line + SIG_PREFIX_LEN;
	n -= SIG_PREFIX_LEN;
	if ((sp = memchr(name, ' ', n)) == NULL)
		return sgn_errf(eb, SGN_ERR_PARSE, "signed note: signature "
		    "line %zu has no space between key name and signature",
		    no);
	namelen = (size_t)(sp - name);
	b = sp + 1;
	blen = n - namelen - 1;
	if (!valid_name(name, namelen))
		return sgn_errf(eb, SGN_ERR_PARSE, "signed note: signature "
		    "line %zu has an empty key name or one with whitespace "
		    "or '+'", no);
	(void)snprintf(what, sizeof(what), "signed note: signature line %zu",
	    no);
	if ((r = b64_std(b, blen, &raw, &rawlen, what, eb)) != SGN_OK)
		return r;
	if (rawlen <= 4) {
		free(raw);
		return sgn_errf(eb, SGN_ERR_PARSE, "signed note: signature "
		    "line %zu holds %zu bytes, too short for a key hint and "
		    "a signature", no, rawlen);
	}
	if ((sig->name = strndup_s(name, namelen)) == NULL) {
		free(raw);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	memcpy(sig->hint, raw, 4);
	sig->sig_len = rawlen - 4;
	memmove(raw, raw + 4, sig->sig_len);
	sig->sig = raw;
	return SGN_OK;
}

/* The signature block: one or more lines, each ending in "\n". */
static sgn_err
parse_sigs(const char *p, size_t n, struct sgn_checkpoint *cp,
    struct sgn_errbuf *eb)
{
	const char *nl;
	size_t count = 0, i, no;
	sgn_err r;

	if (n == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "signed note: no "
		    "signatures after the blank line");
	if (p[n - 1] != '\n')
		return sgn_errf(eb, SGN_ERR_PARSE, "signed note: last "
		    "signature line does not end with a newline (truncated?)");
	for (i = 0; i < n; i++)
		if (p[i] == '\n' && ++count > SGN_NOTE_MAX_SIGS)
			return sgn_errf(eb, SGN_ERR_LIMIT, "signed note: more "
			    "than %d signature lines", SGN_NOTE_MAX_SIGS);
	if ((cp->sigs = calloc(count, sizeof(*cp->sigs))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	/* memchr always finds a newline: the block ends with one. */
	for (no = 1; n > 0; no++) {
		nl = memchr(p, '\n', n);
		if ((r = parse_sig(p, (size_t)(nl - p), no,
		    &cp->sigs[cp->n_sigs], eb)) != SGN_OK)
			return r;
		cp->n_sigs++;
		n -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	return SGN_OK;
}

/*
 * The next line of (*pp, *np) without its "\n" into (line, len); 0 when
 * nothing is left.  The note text always ends in "\n".
 */
static int
next_line(const char **pp, size_t *np, const char **line, size_t *len)
{
	const char *nl;

	if (*np == 0)
		return 0;
	nl = memchr(*pp, '\n', *np);
	*line = *pp;
	*len = nl == NULL ? *np : (size_t)(nl - *pp);
	*pp += *len + (nl == NULL ? 0 : 1);
	*np -= *len + (nl == NULL ? 0 : 1);
	return 1;
}

/* The checkpoint body: origin, size, root hash, extension lines. */
static sgn_err
parse_body(const char *p, size_t n, struct sgn_checkpoint *cp,
    struct sgn_errbuf *eb)
{
	const char *line, *rest;
	uint8_t *root = NULL;
	size_t len, rootlen, left, count = 0;
	sgn_err r;

	if (!next_line(&p, &n, &line, &len) || len == 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "checkpoint: missing origin line");
	if ((cp->origin = strndup_s(line, len)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (!next_line(&p, &n, &line, &len) || len == 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "checkpoint: missing tree size line");
	if (!parse_u64(line, len, &cp->size))
		return sgn_errf(eb, SGN_ERR_PARSE, "checkpoint: tree size "
		    "\"%.*s\" is not a decimal number without leading zeros",
		    (int)(len < 24 ? len : 24), line);
	if (!next_line(&p, &n, &line, &len) || len == 0)
		return sgn_errf(eb, SGN_ERR_PARSE,
		    "checkpoint: missing root hash line");
	if ((r = b64_std(line, len, &root, &rootlen, "checkpoint: root hash",
	    eb)) != SGN_OK)
		return r;
	if (rootlen != SGN_TLOG_HASH_LEN) {
		free(root);
		return sgn_errf(eb, SGN_ERR_PARSE, "checkpoint: root hash is "
		    "%zu bytes, expected %d", rootlen, SGN_TLOG_HASH_LEN);
	}
	memcpy(cp->root, root, SGN_TLOG_HASH_LEN);
	free(root);

	/* Extension lines: count them first, then copy. */
	for (rest = p, left = n; next_line(&rest, &left, &line, &len);) {
		if (len == 0)
			return sgn_errf(eb, SGN_ERR_PARSE,
			    "checkpoint: empty extension line");
		if (++count > SGN_CHECKPOINT_MAX_EXT)
			return sgn_errf(eb, SGN_ERR_LIMIT, "checkpoint: more "
			    "than %d extension lines", SGN_CHECKPOINT_MAX_EXT);
	}
	if (count == 0)
		return SGN_OK;
	if ((cp->ext = calloc(count, sizeof(*cp->ext))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	while (next_line(&p, &n, &line, &len)) {
		if ((cp->ext[cp->n_ext] = strndup_s(line, len)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		cp->n_ext++;
	}
	return SGN_OK;
}

sgn_err
sgn_checkpoint_parse(const char *note, size_t len,
    struct sgn_checkpoint **out, struct sgn_errbuf *eb)
{
	struct sgn_checkpoint *cp = NULL;
	size_t split, i;
	sgn_err r = SGN_ERR_PARSE;

	if (out == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "checkpoint: no output");
	*out = NULL;
	if (note == NULL && len > 0)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "checkpoint: no input");
	if (len > SGN_NOTE_MAX_BYTES)
		return sgn_errf(eb, SGN_ERR_LIMIT, "signed note: %zu bytes, "
		    "more than the limit of %u", len, SGN_NOTE_MAX_BYTES);
	if (len == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "signed note: empty");
	if ((r = check_text((const uint8_t *)note, len, eb)) != SGN_OK)
		return r;

	/* The last "\n\n" separates the text from the signatures. */
	for (i = len - 1; i > 0; i--)
		if (note[i] == '\n' && note[i - 1] == '\n')
			break;
	if (i == 0)
		return sgn_errf(eb, SGN_ERR_PARSE, "signed note: no blank "
		    "line before signatures (no signatures)");
	split = i - 1;

	if ((cp = calloc(1, sizeof(*cp))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	cp->text_len = split + 1;
	if ((cp->text = (uint8_t *)strndup_s(note, cp->text_len)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = parse_sigs(note + split + 2, len - split - 2, cp, eb)) !=
	    SGN_OK)
		goto out;
	if ((r = parse_body(note, cp->text_len, cp, eb)) != SGN_OK)
		goto out;
	*out = cp;
	cp = NULL;
	r = SGN_OK;
out:
	sgn_checkpoint_free(&cp);
	return r;
}

void
sgn_checkpoint_free(struct sgn_checkpoint **cpp)
{
	struct sgn_checkpoint *cp;
	size_t i;

	if (cpp == NULL || (cp = *cpp) == NULL)
		return;
	free(cp->origin);
	for (i = 0; i < cp->n_ext; i++)
		free(cp->ext[i]);
	free(cp->ext);
	free(cp->text);
	for (i = 0; i < cp->n_sigs; i++) {
		free(cp->sigs[i].name);
		free(cp->sigs[i].sig);
	}
	free(cp->sigs);
	free(cp);
	*cpp = NULL;
}

/* SHA-256 over up to four concatenated parts. */
static sgn_err
sha256_parts(const void *const *parts, const size_t *lens, size_t n,
    uint8_t out[SGN_TLOG_HASH_LEN], struct sgn_errbuf *eb)
{
	EVP_MD_CTX *ctx;
	unsigned int mdlen = 0;
	size_t i;
	sgn_err r = SGN_ERR_CRYPTO;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return sgn_errf_ssl(eb, SGN_ERR_NOMEM, "out of memory");
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "key ID: digest failed");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (lens[i] > 0 &&
		    EVP_DigestUpdate(ctx, parts[i], lens[i]) != 1) {
			r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO,
			    "key ID: digest failed");
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(ctx, out, &mdlen) != 1 ||
	    mdlen != SGN_TLOG_HASH_LEN) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "key ID: digest failed");
		goto out;
	}
	r = SGN_OK;
out:
	EVP_MD_CTX_free(ctx);
	return r;
}

sgn_err
sgn_note_key_id(const char *name, const struct sgn_pubkey *key,
    uint8_t id[SGN_TLOG_HASH_LEN], struct sgn_errbuf *eb)
{
	const void *parts[4];
	size_t lens[4];
	uint8_t type, label[1 + sizeof(rsa_id_label) - 1];
	const uint8_t *spki;
	size_t spki_len;

	if (key == NULL || id == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "key ID: no key");
	spki = sgn_pubkey_spki_ptr(key);
	spki_len = sgn_pubkey_spki_len(key);
	switch (sgn_pubkey_type(key)) {
	case SGN_KEY_ECDSA_P256:
	case SGN_KEY_ECDSA_P384:
	case SGN_KEY_ECDSA_P521:
		/* Rekor's ECDSA IDs hash the SPKI alone, without the name. */
		parts[0] = spki;
		lens[0] = spki_len;
		return sha256_parts(parts, lens, 1, id, eb);
	case SGN_KEY_ED25519:
	case SGN_KEY_RSA:
		break;
	default:
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED,
		    "key ID: unsupported key type for a signed note");
	}
	if (name == NULL || !valid_name(name, strlen(name)))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "key ID: key "
		    "name is empty or has whitespace or '+'");
	parts[0] = name;
	lens[0] = strlen(name);
	parts[1] = "\n";
	lens[1] = 1;
	if (sgn_pubkey_type(key) == SGN_KEY_ED25519) {
		type = KEY_TYPE_ED25519;
		parts[2] = &type;
		lens[2] = 1;
		if ((parts[3] = sgn_pubkey_ed25519_raw(key)) == NULL)
			return sgn_errf(eb, SGN_ERR_INTERNAL,
			    "key ID: Ed25519 key without raw bytes");
		lens[3] = 32;
		return sha256_parts(parts, lens, 4, id, eb);
	}
	/* RSA: 0xff, then a label naming the algorithm, then the SPKI. */
	label[0] = KEY_TYPE_RSA;
	memcpy(label + 1, rsa_id_label, sizeof(rsa_id_label) - 1);
	parts[2] = label;
	lens[2] = sizeof(label);
	parts[3] = spki;
	lens[3] = spki_len;
	return sha256_parts(parts, lens, 4, id, eb);
}

sgn_err
sgn_checkpoint_verify(const struct sgn_checkpoint *cp, const char *key_name,
    const struct sgn_pubkey *key, struct sgn_errbuf *eb)
{
	struct sgn_errbuf inner;
	const struct sgn_note_sig *s;
	uint8_t id[SGN_TLOG_HASH_LEN];
	sgn_hash_alg hash;
	const char *who = key_name != NULL ? key_name : "the log";
	size_t i, matched = 0;
	sgn_err r;

	if (cp == NULL || key == NULL || cp->text == NULL ||
	    (cp->sigs == NULL && cp->n_sigs > 0))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "checkpoint: missing argument");
	switch (sgn_pubkey_type(key)) {
	case SGN_KEY_ED25519:
		hash = SGN_HASH_NONE;
		break;
	case SGN_KEY_ECDSA_P256:
	case SGN_KEY_ECDSA_P384:
	case SGN_KEY_ECDSA_P521:
	case SGN_KEY_RSA:
		hash = SGN_HASH_SHA256;
		break;
	default:
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "checkpoint: "
		    "unsupported key type for log key %.100s", who);
	}
	/* Without a name, lines are matched by key ID alone: only ECDSA IDs
	 * leave the name out, so only they can be matched that way. */
	if (key_name == NULL && (hash == SGN_HASH_NONE ||
	    sgn_pubkey_type(key) == SGN_KEY_RSA))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "checkpoint: "
		    "this key type needs the log's key name");
	if ((r = sgn_note_key_id(key_name != NULL ? key_name : "log", key,
	    id, eb)) != SGN_OK)
		return r;
	for (i = 0; i < cp->n_sigs; i++) {
		s = &cp->sigs[i];
		if (s->name == NULL || (key_name != NULL &&
		    strcmp(s->name, key_name) != 0) ||
		    memcmp(s->hint, id, sizeof(s->hint)) != 0)
			continue;
		matched++;
		/* A line that claims to be the log's must verify. */
		if (hash == SGN_HASH_NONE && s->sig_len != 64)
			return sgn_errf(eb, SGN_ERR_VERIFY, "checkpoint "
			    "signature by %.100s does not verify", who);
		sgn_errbuf_clear(&inner);
		r = sgn_pubkey_verify(key, hash, cp->text, cp->text_len,
		    s->sig, s->sig_len, &inner);
		if (r == SGN_ERR_VERIFY)
			return sgn_errf(eb, SGN_ERR_VERIFY, "checkpoint "
			    "signature by %.100s does not verify", who);
		if (r != SGN_OK)
			return sgn_errf(eb, r, "checkpoint signature by "
			    "%.100s: %s", who, inner.msg);
	}
	if (matched == 0)
		return sgn_errf(eb, SGN_ERR_VERIFY, "checkpoint has no "
		    "signature from %s%.100s", key_name != NULL ? "log key " :
		    "", who);
	return SGN_OK;
}

int
sgn_checkpoint_origin_matches(const struct sgn_checkpoint *cp,
    const char *host)
{
	const char *o, *id;
	size_t hl;
	uint64_t tree;

	if (cp == NULL || cp->origin == NULL || host == NULL ||
	    host[0] == '\0')
		return 0;
	o = cp->origin;
	hl = strlen(host);
	if (strcmp(o, host) == 0)
		return 1;
	/* Rekor v1: "<host> - <tree ID>". */
	if (strncmp(o, host, hl) != 0 || strncmp(o + hl, " - ", 3) != 0)
		return 0;
	id = o + hl + 3;
	return parse_u64(id, strlen(id), &tree);
}
