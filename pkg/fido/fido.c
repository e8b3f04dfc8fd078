/*
 * FIDO2-derived signing keys: talking to the authenticator through
 * libfido2 (makeCredential and getAssertion with hmac-secret, the PIN),
 * and turning its hmac-secret output into a signer.  The format and the
 * derivation are documented in fido.h; CTAP 2.1 is
 * https://fidoalliance.org/specs/fido-v2.1-ps-20210615/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "fido_int.h"

#define UP_FLAG		0x01	/* authenticator data flags */
#define UV_FLAG		0x04
#define MAX_PIN_TRIES	3	/* a fourth would block until replugged */

/* An open authenticator and what one operation needs of it. */
struct session {
	const struct sgn_fido_opts	*o;
	fido_dev_t			*dev;
	int				 has_pin;	/* clientPin: true */
	int				 has_uv;	/* built-in, enrolled */
	int				 pin_from_fn;
	int				 have_pin;
	char				 pin[SGN_FIDO_MAX_PIN + 1];
};

static const char *
key_name(const struct sgn_fido_opts *o)
{
	return o->name != NULL ? o->name : "the key";
}

static sgn_err
not_created(const struct sgn_fido_opts *o, const char *why,
    struct sgn_errbuf *eb)
{
	return sgn_errf(eb, SGN_ERR_VERIFY, "this authenticator did not "
	    "create the key%s%.200s (%s)", o->name != NULL ? " " : "",
	    o->name != NULL ? o->name : "", why);
}

/* Built-in verification serves when the key has it enrolled, unless the
 * caller gave the PIN. */
static int
use_builtin_uv(const struct session *s, int uv)
{
	return uv && s->has_uv && !(s->has_pin && s->o->pin != NULL);
}

/* Maps a libfido2 failure during what ("signing") to an error. */
static sgn_err
ctap_fail(struct sgn_errbuf *eb, const char *what, int rc)
{
	const char *lib = fido_strerr(rc);

	switch (rc) {
	case FIDO_ERR_TX:
	case FIDO_ERR_RX:
	case FIDO_ERR_RX_NOT_CBOR:
	case FIDO_ERR_RX_INVALID_CBOR:
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: lost contact with the "
		    "security key (was it removed?) (libfido2: %s)", what, lib);
	case FIDO_ERR_USER_ACTION_TIMEOUT:
	case FIDO_ERR_ACTION_TIMEOUT:
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: the security key was "
		    "not touched in time (libfido2: %s)", what, lib);
	case FIDO_ERR_OPERATION_DENIED:
	case FIDO_ERR_UP_REQUIRED:
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: the security key "
		    "refused: no touch (libfido2: %s)", what, lib);
	case FIDO_ERR_PIN_REQUIRED:
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "%s: the security "
		    "key needs its PIN (libfido2: %s)", what, lib);
	case FIDO_ERR_PIN_BLOCKED:
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: the PIN is blocked "
		    "after too many wrong attempts; only a reset of the "
		    "security key (which destroys its keys) unblocks it "
		    "(libfido2: %s)", what, lib);
	case FIDO_ERR_PIN_AUTH_BLOCKED:
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: too many wrong PINs in "
		    "a row: unplug the security key and plug it in again "
		    "(libfido2: %s)", what, lib);
	case FIDO_ERR_PIN_NOT_SET:
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: the security key has "
		    "no PIN set (libfido2: %s)", what, lib);
	case FIDO_ERR_PIN_POLICY_VIOLATION:
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: the security key "
		    "refuses this PIN (too short or too simple?) (libfido2: "
		    "%s)", what, lib);
	case FIDO_ERR_UV_BLOCKED:
	case FIDO_ERR_UV_INVALID:
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: user verification "
		    "failed (libfido2: %s)", what, lib);
	case FIDO_ERR_UNSUPPORTED_EXTENSION:
	case FIDO_ERR_UNSUPPORTED_ALGORITHM:
	case FIDO_ERR_UNSUPPORTED_OPTION:
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "%s: the security "
		    "key does not support the request (libfido2: %s)", what,
		    lib);
	default:
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: security key error "
		    "(libfido2: %s)", what, lib);
	}
}

static sgn_err
wrong_pin(struct session *s, const char *what, struct sgn_errbuf *eb)
{
	int retries = -1;

	if (fido_dev_get_retry_count(s->dev, &retries) != FIDO_OK)
		retries = -1;
	if (retries == 0)
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: wrong PIN; no attempts "
		    "left: the PIN is now blocked (libfido2: %s)", what,
		    fido_strerr(FIDO_ERR_PIN_INVALID));
	if (retries > 0)
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: wrong PIN (%d attempt%s "
		    "left before the security key blocks it) (libfido2: %s)",
		    what, retries, retries == 1 ? "" : "s",
		    fido_strerr(FIDO_ERR_PIN_INVALID));
	return sgn_errf(eb, SGN_ERR_FIDO, "%s: wrong PIN (libfido2: %s)",
	    what, fido_strerr(FIDO_ERR_PIN_INVALID));
}

/* Copies a PIN into buf (NUL-terminated, as libfido2 wants it). */
static sgn_err
pin_copy(char buf[SGN_FIDO_MAX_PIN + 1], const struct sgn_secret *pin,
    const char *what, struct sgn_errbuf *eb)
{
	if (pin->ptr == NULL || pin->len == 0)
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "%s: empty PIN",
		    what);
	if (pin->len > SGN_FIDO_MAX_PIN)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "%s: the PIN is "
		    "longer than %d bytes", what, SGN_FIDO_MAX_PIN);
	if (memchr(pin->ptr, '\0', pin->len) != NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "%s: the PIN "
		    "holds a NUL byte", what);
	memcpy(buf, pin->ptr, pin->len);
	buf[pin->len] = '\0';
	return SGN_OK;
}

/* Gets the PIN: the caller's, or through pin_fn (again when wrong). */
static sgn_err
session_pin(struct session *s, int wrong, const char *what,
    struct sgn_errbuf *eb)
{
	struct sgn_secret got = { NULL, 0 };
	int retries = -1;
	sgn_err r;

	sgn_memzero(s->pin, sizeof(s->pin));
	s->have_pin = 0;
	if (!wrong && s->o->pin != NULL) {
		s->pin_from_fn = 0;
		if ((r = pin_copy(s->pin, s->o->pin, what, eb)) != SGN_OK)
			return r;
		s->have_pin = 1;
		return SGN_OK;
	}
	if (s->o->pin_fn == NULL)
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "%s: the security "
		    "key has a PIN and none was given", what);
	if (fido_dev_get_retry_count(s->dev, &retries) != FIDO_OK)
		retries = -1;
	r = s->o->pin_fn(s->o->pin_ctx, retries, wrong, &got, eb);
	if (r == SGN_OK)
		r = pin_copy(s->pin, &got, what, eb);
	sgn_secret_reset(&got);
	if (r != SGN_OK)
		return r;
	s->pin_from_fn = 1;
	s->have_pin = 1;
	return SGN_OK;
}

static void
session_close(struct session *s)
{
	if (s->dev != NULL) {
		fido_dev_close(s->dev);
		fido_dev_free(&s->dev);
	}
	sgn_memzero(s->pin, sizeof(s->pin));
	s->have_pin = 0;
}

/* The path of the only authenticator connected, into path. */
static sgn_err
only_device(char *path, size_t size, struct sgn_errbuf *eb)
{
	fido_dev_info_t *list;
	struct sgn_buf names;
	size_t n = 0, i;
	int rc;
	sgn_err r;

	if ((list = fido_dev_info_new(SGN_FIDO_MAX_DEVICES)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if ((rc = fido_dev_info_manifest(list, SGN_FIDO_MAX_DEVICES, &n)) !=
	    FIDO_OK) {
		r = ctap_fail(eb, "listing security keys", rc);
		goto out;
	}
	if (n == 0) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "no security key found: plug "
		    "one in, or name its device");
		goto out;
	}
	if (n > 1) {
		sgn_buf_init(&names, 0);
		for (i = 0; i < n && i < 4; i++)
			(void)sgn_buf_appendf(&names, NULL, "%s%s",
			    i > 0 ? ", " : "",
			    fido_dev_info_path(fido_dev_info_ptr(list, i)));
		r = sgn_errf(eb, SGN_ERR_FIDO, "%zu security keys found (%s%s):"
		    " name the one to use", n, names.ptr != NULL ?
		    (const char *)names.ptr : "", n > 4 ? ", ..." : "");
		sgn_buf_reset(&names);
		goto out;
	}
	if ((size_t)snprintf(path, size, "%s", fido_dev_info_path(
	    fido_dev_info_ptr(list, 0))) >= size) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "security key path too long");
		goto out;
	}
	r = SGN_OK;
out:
	fido_dev_info_free(&list, SGN_FIDO_MAX_DEVICES);
	return r;
}

/* Device transports a program added (fido_int.h), by prefix. */
struct transport {
	char			prefix[16];	/* "name:" */
	sgn_fido_open_fn	open;
};

static struct transport transports[SGN_FIDO_MAX_TRANSPORTS];
static size_t ntransports;

/*
 * The length of the "name:" that p begins with (1 to 15 lowercase
 * letters and a colon), or 0.
 */
static size_t
scheme_len(const char *p)
{
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz");

	return n >= 1 && n < sizeof(transports[0].prefix) - 1 && p[n] == ':' ?
	    n + 1 : 0;
}

/* libfido2's own device strings that begin with a name and a colon. */
static int
libfido2_scheme(const char *p, size_t n)
{
	return (n == 4 && strncmp(p, "nfc:", 4) == 0) ||
	    (n == 5 && strncmp(p, "pcsc:", 5) == 0) ||
	    (n == 8 && strncmp(p, "windows:", 8) == 0);
}

sgn_err
sgn_fido_transport_add(const char *prefix, sgn_fido_open_fn open,
    struct sgn_errbuf *eb)
{
	size_t n, i;

	if (prefix == NULL || open == NULL ||
	    (n = scheme_len(prefix)) == 0 || prefix[n] != '\0' ||
	    libfido2_scheme(prefix, n))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "device "
		    "transport prefix: 1 to 15 lowercase letters and a colon, "
		    "not one of libfido2's");
	for (i = 0; i < ntransports; i++)
		if (strcmp(transports[i].prefix, prefix) == 0)
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "device "
			    "transport %s: added twice", prefix);
	if (ntransports == SGN_FIDO_MAX_TRANSPORTS)
		return sgn_errf(eb, SGN_ERR_LIMIT, "more than %d device "
		    "transports", SGN_FIDO_MAX_TRANSPORTS);
	memcpy(transports[ntransports].prefix, prefix, n + 1);
	transports[ntransports].open = open;
	ntransports++;
	return SGN_OK;
}

/* Opens the authenticator o names, without reading its capabilities. */
static sgn_err
dev_open(const struct sgn_fido_opts *o, fido_dev_t **out,
    struct sgn_errbuf *eb)
{
	fido_dev_t *dev;
	char path[1024];
	const char *p = o->device;
	size_t i, n;
	int rc;
	sgn_err r;

	*out = NULL;
	/*
	 * "name:..." is a transport a program added, or one of libfido2's;
	 * any other is unknown, not a path for libfido2 to guess at.
	 */
	if (p != NULL && (n = scheme_len(p)) > 0 && !libfido2_scheme(p, n)) {
		for (i = 0; i < ntransports; i++)
			if (strncmp(p, transports[i].prefix, n) == 0 &&
			    transports[i].prefix[n] == '\0')
				break;
		if (i == ntransports)
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "unknown "
			    "device %.*s (a security key's device path is "
			    "needed: signet key list-devices)", (int)n, p);
		if ((r = sgn_fido_dl_load(eb)) != SGN_OK)
			return r;
		return transports[i].open(p + n, out, eb);
	}
	if ((r = sgn_fido_dl_load(eb)) != SGN_OK)
		return r;
	if (p == NULL) {
		if ((r = only_device(path, sizeof(path), eb)) != SGN_OK)
			return r;
		p = path;
	}
	if ((dev = fido_dev_new()) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if ((rc = fido_dev_open(dev, p)) != FIDO_OK) {
		fido_dev_free(&dev);
		return sgn_errf(eb, SGN_ERR_FIDO, "%s: cannot open the "
		    "security key (libfido2: %s)", p, fido_strerr(rc));
	}
	*out = dev;
	return SGN_OK;
}

static sgn_err
session_open(const struct sgn_fido_opts *o, struct session *s,
    struct sgn_errbuf *eb)
{
	fido_cbor_info_t *ci = NULL;
	char **ext;
	size_t i, n;
	int rc, hmac = 0;
	sgn_err r;

	memset(s, 0, sizeof(*s));
	s->o = o;
	if ((r = dev_open(o, &s->dev, eb)) != SGN_OK)
		return r;
	if (!fido_dev_is_fido2(s->dev)) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "the security key speaks "
		    "U2F only; FIDO2 with hmac-secret is needed");
		goto out;
	}
	if ((ci = fido_cbor_info_new()) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = fido_dev_get_cbor_info(s->dev, ci)) != FIDO_OK) {
		r = ctap_fail(eb, "reading the security key's capabilities",
		    rc);
		goto out;
	}
	ext = fido_cbor_info_extensions_ptr(ci);
	n = fido_cbor_info_extensions_len(ci);
	for (i = 0; i < n; i++)
		if (strcmp(ext[i], "hmac-secret") == 0)
			hmac = 1;
	if (!hmac) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "the security key does "
		    "not support the hmac-secret extension");
		goto out;
	}
	s->has_pin = fido_dev_has_pin(s->dev);
	s->has_uv = fido_dev_has_uv(s->dev);
	r = SGN_OK;
out:
	fido_cbor_info_free(&ci);
	if (r != SGN_OK)
		session_close(s);
	return r;
}

/*
 * libfido2 reports some transport failures (during the key agreement
 * that precedes a PIN or hmac-secret) as FIDO_ERR_INTERNAL: a getInfo
 * tells a device that is gone from one that failed.
 */
static int
probe(struct session *s, int rc)
{
	fido_cbor_info_t *ci;
	int prc;

	if ((ci = fido_cbor_info_new()) == NULL)
		return rc;
	prc = fido_dev_get_cbor_info(s->dev, ci);
	fido_cbor_info_free(&ci);
	return prc == FIDO_ERR_TX || prc == FIDO_ERR_RX ? prc : rc;
}

/* One CTAP operation, run again when a PIN from pin_fn was wrong. */
typedef int (*fido_op)(struct session *, void *, const char *);

/*
 * Runs op, with user verification when uv is set: the PIN (the caller's,
 * or asked for), or built-in verification (use_builtin_uv(), which op's
 * request asks for with its uv option).
 */
static sgn_err
session_run(struct session *s, int uv, const char *what, fido_op op,
    void *arg, struct sgn_errbuf *eb)
{
	int use_pin = 0, attempt, rc;
	sgn_err r;

	if (uv && !use_builtin_uv(s, uv)) {
		if (!s->has_pin)
			return sgn_errf(eb, SGN_ERR_FIDO, "%s: %s needs user "
			    "verification, and the security key has no PIN "
			    "set", what, key_name(s->o));
		use_pin = 1;
	}
	for (attempt = 0;; attempt++) {
		if (use_pin && (!s->have_pin || attempt > 0) &&
		    (r = session_pin(s, attempt > 0, what, eb)) != SGN_OK)
			return r;
		if (s->o->touch_fn != NULL)
			s->o->touch_fn(s->o->touch_ctx, what);
		rc = op(s, arg, use_pin ? s->pin : NULL);
		if (rc == FIDO_OK)
			return SGN_OK;
		if (rc == FIDO_ERR_INTERNAL)
			rc = probe(s, rc);
		/* The credential id is bound to the authenticator that
		 * made it: any other knows nothing of it. */
		if (rc == FIDO_ERR_NO_CREDENTIALS)
			return not_created(s->o, "it does not know the "
			    "credential", eb);
		if (rc != FIDO_ERR_PIN_INVALID || !use_pin)
			return ctap_fail(eb, what, rc);
		if (!s->pin_from_fn || attempt + 1 >= MAX_PIN_TRIES)
			return wrong_pin(s, what, eb);
		/* Asks again (pin_fn learns the attempts left). */
	}
}

static int
op_make_cred(struct session *s, void *arg, const char *pin)
{
	return fido_dev_make_cred(s->dev, arg, pin);
}

static int
op_get_assert(struct session *s, void *arg, const char *pin)
{
	return fido_dev_get_assert(s->dev, arg, pin);
}

/*
 * One assertion with hmac-secret for the credential, and the key derived
 * from it.  pk, when not NULL, is the credential's public key: the
 * assertion's signature is checked too (at generation).
 */
static sgn_err
derive_signer(struct session *s, const char *rp_id, const uint8_t *cred_id,
    size_t cred_id_len, const uint8_t salt[SGN_FIDO_SALT_LEN], int uv,
    const char *what, const es256_pk_t *pk, struct sgn_signer **out,
    struct sgn_errbuf *eb)
{
	fido_assert_t *as = NULL;
	uint8_t cdh[32], *secret = NULL, *d;
	uint8_t flags;
	int rc;
	sgn_err r;

	*out = NULL;
	/* The hmac-secret output and the key derived from it (32 bytes
	 * each): locked, and left out of core dumps. */
	if ((secret = sgn_secure_alloc(64)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	d = secret + 32;
	if ((as = fido_assert_new()) == NULL) {
		sgn_secure_free(secret);
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	}
	if (RAND_bytes(cdh, sizeof(cdh)) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "no random bytes");
		goto out;
	}
	if ((rc = fido_assert_set_clientdata_hash(as, cdh, sizeof(cdh))) !=
	    FIDO_OK || (rc = fido_assert_set_rp(as, rp_id)) != FIDO_OK ||
	    (rc = fido_assert_allow_cred(as, cred_id, cred_id_len)) !=
	    FIDO_OK ||
	    (rc = fido_assert_set_extensions(as, FIDO_EXT_HMAC_SECRET)) !=
	    FIDO_OK ||
	    (rc = fido_assert_set_hmac_salt(as, salt, SGN_FIDO_SALT_LEN)) !=
	    FIDO_OK || (rc = fido_assert_set_up(as, FIDO_OPT_TRUE)) !=
	    FIDO_OK) {
		r = ctap_fail(eb, what, rc);
		goto out;
	}
	/* Built-in verification is asked for with the uv option; the PIN
	 * path sends a PIN token instead. */
	if (use_builtin_uv(s, uv) &&
	    (rc = fido_assert_set_uv(as, FIDO_OPT_TRUE)) != FIDO_OK) {
		r = ctap_fail(eb, what, rc);
		goto out;
	}
	if ((r = session_run(s, uv, what, op_get_assert, as, eb)) != SGN_OK)
		goto out;
	if (fido_assert_count(as) != 1) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "%s: the security key returned "
		    "%zu assertions, not one", what, fido_assert_count(as));
		goto out;
	}
	flags = fido_assert_flags(as, 0);
	if ((flags & UP_FLAG) == 0) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "%s: the security key did not "
		    "confirm a touch (user presence flag clear)", what);
		goto out;
	}
	if (uv && (flags & UV_FLAG) == 0) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "%s: the security key did not "
		    "verify the user (user verification flag clear)", what);
		goto out;
	}
	if (pk != NULL && (rc = fido_assert_verify(as, 0, COSE_ES256, pk)) !=
	    FIDO_OK) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "%s: the security key's "
		    "assertion does not verify (libfido2: %s)", what,
		    fido_strerr(rc));
		goto out;
	}
	if (fido_assert_hmac_secret_ptr(as, 0) == NULL ||
	    fido_assert_hmac_secret_len(as, 0) != 32) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "%s: the security key returned "
		    "no hmac-secret output", what);
		goto out;
	}
	memcpy(secret, fido_assert_hmac_secret_ptr(as, 0), 32);
	if ((r = sgn_fido_derive(secret, cred_id, cred_id_len, d, eb)) !=
	    SGN_OK)
		goto out;
	r = sgn_signer_from_p256_scalar(d, out, eb);
out:
	sgn_secure_free(secret);	/* wipes both */
	/* libfido2 wipes the decrypted hmac-secret output when freeing. */
	fido_assert_free(&as);
	return r;
}

sgn_err
sgn_fido_generate(const struct sgn_fido_opts *o, struct sgn_buf *keyfile,
    char **pub_pem, struct sgn_errbuf *eb)
{
	struct session s;
	struct sgn_fido_key k;
	struct sgn_signer *signer = NULL;
	const struct sgn_pubkey *pub;
	fido_cred_t *cred = NULL;
	es256_pk_t *pk = NULL;
	const char *rp_id;
	const unsigned char *id;
	uint8_t cdh[32], user_id[16];
	int rc, uv;
	sgn_err r;

	*pub_pem = NULL;
	memset(&k, 0, sizeof(k));
	rp_id = o->rp_id != NULL ? o->rp_id : SGN_FIDO_DEFAULT_RP_ID;
	if (!sgn_fido_rp_id_ok(rp_id))
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "relying-party "
		    "id: 1 to %d bytes of printable ASCII without spaces",
		    SGN_FIDO_MAX_RP_ID);
	if ((r = session_open(o, &s, eb)) != SGN_OK)
		return r;
	uv = s.has_pin || s.has_uv;
	if ((cred = fido_cred_new()) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (RAND_bytes(cdh, sizeof(cdh)) != 1 ||
	    RAND_bytes(user_id, sizeof(user_id)) != 1 ||
	    RAND_bytes(k.salt, sizeof(k.salt)) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "no random bytes");
		goto out;
	}
	if ((rc = fido_cred_set_type(cred, COSE_ES256)) != FIDO_OK ||
	    (rc = fido_cred_set_clientdata_hash(cred, cdh, sizeof(cdh))) !=
	    FIDO_OK ||
	    (rc = fido_cred_set_rp(cred, rp_id, NULL)) != FIDO_OK ||
	    (rc = fido_cred_set_user(cred, user_id, sizeof(user_id),
	    "signet", NULL, NULL)) != FIDO_OK ||
	    (rc = fido_cred_set_extensions(cred, FIDO_EXT_HMAC_SECRET)) !=
	    FIDO_OK) {
		r = ctap_fail(eb, "creating the key", rc);
		goto out;
	}
	if (use_builtin_uv(&s, uv) &&
	    (rc = fido_cred_set_uv(cred, FIDO_OPT_TRUE)) != FIDO_OK) {
		r = ctap_fail(eb, "creating the key", rc);
		goto out;
	}
	if ((r = session_run(&s, uv, "create the key", op_make_cred, cred,
	    eb)) != SGN_OK)
		goto out;
	/* The attestation is checked for consistency only (its signature
	 * over what the device returned, the relying party, the flags and
	 * the hmac-secret extension): the key is trusted through its file,
	 * not through the device's maker. */
	rc = fido_cred_x5c_ptr(cred) != NULL ? fido_cred_verify(cred) :
	    fido_cred_verify_self(cred);
	if (rc != FIDO_OK) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "create the key: the security "
		    "key's answer does not verify (libfido2: %s)",
		    fido_strerr(rc));
		goto out;
	}
	if (uv && (fido_cred_flags(cred) & UV_FLAG) == 0) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "create the key: the security "
		    "key did not verify the user");
		goto out;
	}
	if (fido_cred_type(cred) != COSE_ES256 || fido_cred_id_len(cred) ==
	    0 || fido_cred_id_len(cred) > SGN_FIDO_MAX_CRED_ID) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "create the key: the security "
		    "key returned an unusable credential");
		goto out;
	}
	if ((pk = es256_pk_new()) == NULL ||
	    (rc = es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(cred),
	    fido_cred_pubkey_len(cred))) != FIDO_OK) {
		r = sgn_errf(eb, SGN_ERR_FIDO, "create the key: unusable "
		    "credential public key");
		goto out;
	}
	if ((r = derive_signer(&s, rp_id, fido_cred_id_ptr(cred),
	    fido_cred_id_len(cred), k.salt, uv, "read the key", pk, &signer,
	    eb)) != SGN_OK)
		goto out;
	pub = sgn_signer_pubkey(signer);
	k.version = SGN_FIDO_KEY_VERSION;
	k.rp_id = (char *)(uintptr_t)rp_id;
	id = fido_cred_id_ptr(cred);
	k.cred_id = (uint8_t *)(uintptr_t)id;
	k.cred_id_len = fido_cred_id_len(cred);
	k.uv = uv;
	if ((r = sgn_pubkey_from_der(sgn_pubkey_spki_ptr(pub),
	    sgn_pubkey_spki_len(pub), &k.pub, eb)) != SGN_OK ||
	    (r = sgn_pubkey_to_pem(k.pub, pub_pem, eb)) != SGN_OK ||
	    (r = sgn_fido_key_write(&k, keyfile, eb)) != SGN_OK)
		goto out;
	r = SGN_OK;
out:
	if (r != SGN_OK) {
		free(*pub_pem);
		*pub_pem = NULL;
	}
	sgn_pubkey_free(&k.pub);
	sgn_signer_free(&signer);
	es256_pk_free(&pk);
	fido_cred_free(&cred);
	session_close(&s);
	return r;
}

sgn_err
sgn_fido_signer(const uint8_t *keyfile, size_t len,
    const struct sgn_fido_opts *o, struct sgn_signer **out,
    struct sgn_errbuf *eb)
{
	struct session s;
	struct sgn_fido_key *k = NULL;
	struct sgn_signer *signer = NULL;
	sgn_err r;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	if ((r = sgn_fido_key_parse(keyfile, len, &k, eb)) != SGN_OK)
		return r;
	if (o->rp_id != NULL && strcmp(o->rp_id, k->rp_id) != 0) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "%s was made for "
		    "relying party \"%s\", not \"%.100s\"", key_name(o),
		    k->rp_id, o->rp_id);
		goto out;
	}
	if ((r = session_open(o, &s, eb)) != SGN_OK)
		goto out;
	if ((r = derive_signer(&s, k->rp_id, k->cred_id, k->cred_id_len,
	    k->salt, k->uv, "sign", NULL, &signer, eb)) != SGN_OK)
		goto out;
	if (!sgn_pubkey_equal(sgn_signer_pubkey(signer), k->pub)) {
		r = not_created(o, "it derives another public key", eb);
		goto out;
	}
	*out = signer;
	signer = NULL;
	r = SGN_OK;
out:
	sgn_signer_free(&signer);
	sgn_fido_key_free(&k);
	session_close(&s);
	return r;
}

sgn_err
sgn_fido_set_pin(const struct sgn_fido_opts *o,
    const struct sgn_secret *new_pin, struct sgn_errbuf *eb)
{
	struct session s;
	char npin[SGN_FIDO_MAX_PIN + 1], opin[SGN_FIDO_MAX_PIN + 1];
	int rc;
	sgn_err r;

	if (new_pin == NULL || new_pin->len < 4)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "set the PIN: "
		    "the new PIN must have at least 4 bytes");
	if ((r = session_open(o, &s, eb)) != SGN_OK)
		return r;
	sgn_memzero(npin, sizeof(npin));
	sgn_memzero(opin, sizeof(opin));
	if ((r = pin_copy(npin, new_pin, "set the PIN", eb)) != SGN_OK)
		goto out;
	if (s.has_pin && o->pin == NULL) {
		r = sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "set the PIN: the "
		    "security key has a PIN: the current one is needed to "
		    "change it");
		goto out;
	}
	if (s.has_pin && (r = pin_copy(opin, o->pin, "set the PIN", eb)) !=
	    SGN_OK)
		goto out;
	rc = fido_dev_set_pin(s.dev, npin, s.has_pin ? opin : NULL);
	if (rc == FIDO_ERR_PIN_INVALID)
		r = wrong_pin(&s, "change the PIN", eb);
	else if (rc != FIDO_OK)
		r = ctap_fail(eb, "set the PIN", rc);
	else
		r = SGN_OK;
out:
	sgn_memzero(npin, sizeof(npin));
	sgn_memzero(opin, sizeof(opin));
	session_close(&s);
	return r;
}

/* Listing ---------------------------------------------------------------- */

void
sgn_fido_devices_free(struct sgn_fido_device **listp, size_t *np)
{
	struct sgn_fido_device *list;
	size_t i, n;

	if (listp == NULL)
		return;
	list = *listp;
	n = np != NULL ? *np : 0;
	*listp = NULL;
	if (np != NULL)
		*np = 0;
	if (list == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(list[i].path);
		free(list[i].manufacturer);
		free(list[i].product);
	}
	free(list);
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

sgn_err
sgn_fido_list_devices(struct sgn_fido_device **listp, size_t *np,
    struct sgn_errbuf *eb)
{
	struct sgn_fido_device *list = NULL;
	fido_dev_info_t *di;
	const fido_dev_info_t *d;
	size_t n = 0, i;
	int rc;
	sgn_err r;

	*listp = NULL;
	*np = 0;
	if ((r = sgn_fido_dl_load(eb)) != SGN_OK)
		return r;
	if ((di = fido_dev_info_new(SGN_FIDO_MAX_DEVICES)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if ((rc = fido_dev_info_manifest(di, SGN_FIDO_MAX_DEVICES, &n)) !=
	    FIDO_OK) {
		r = ctap_fail(eb, "listing security keys", rc);
		goto out;
	}
	if (n > 0 && (list = calloc(n, sizeof(*list))) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		d = fido_dev_info_ptr(di, i);
		list[i].path = dup_or_empty(fido_dev_info_path(d));
		list[i].manufacturer = dup_or_empty(
		    fido_dev_info_manufacturer_string(d));
		list[i].product = dup_or_empty(
		    fido_dev_info_product_string(d));
		list[i].vendor_id = (uint16_t)fido_dev_info_vendor(d);
		list[i].product_id = (uint16_t)fido_dev_info_product(d);
		if (list[i].path == NULL || list[i].manufacturer == NULL ||
		    list[i].product == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	*listp = list;
	*np = n;
	list = NULL;
	r = SGN_OK;
out:
	sgn_fido_devices_free(&list, &n);
	fido_dev_info_free(&di, SGN_FIDO_MAX_DEVICES);
	return r;
}
