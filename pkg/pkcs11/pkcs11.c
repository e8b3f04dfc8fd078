/*
 * PKCS#11 tokens: the module loaded by path on first use, a session on
 * the one token the URI names, a login with the caller's PIN, the key
 * found by label and id, and C_Sign over a digest (CKM_ECDSA, or
 * CKM_RSA_PKCS_PSS), behind the signer interface of pkg/keys.  The
 * public key is read from the token into an EVP_PKEY with OSSL_PARAM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#define CRYPTOKI_GNU 1
#include <p11-kit/pkcs11.h>

#include "core_int.h"
#include "keys_int.h"
#include "pkcs11.h"

#define MAX_SLOTS	256
#define MAX_KEYS	256
#define MAX_ATTR	4096

/* A loaded, initialised module. */
struct mod {
	void			*dl;
	struct ck_function_list	*f;
	int			 finalize;	/* we initialised it */
	char			 path[1024];
};

/* The signer's state: the module, a logged-in session and the key. */
struct key {
	struct mod		*m;
	ck_session_handle_t	 sess;
	ck_object_handle_t	 obj;
	sgn_key_type		 type;
	size_t			 half;	/* ECDSA: bytes of r and of s */
	struct ck_token_info	 ti;
	/* the PIN, kept (wiped at free) only for a key with
	 * CKA_ALWAYS_AUTHENTICATE: a login before each signature */
	struct sgn_secret	 pin;
	int			 always_auth;
};

static const char *
rv_name(ck_rv_t rv)
{
	switch (rv) {
	case CKR_PIN_INCORRECT:
		return "CKR_PIN_INCORRECT";
	case CKR_PIN_LOCKED:
		return "CKR_PIN_LOCKED";
	case CKR_USER_NOT_LOGGED_IN:
		return "CKR_USER_NOT_LOGGED_IN";
	case CKR_KEY_FUNCTION_NOT_PERMITTED:
		return "CKR_KEY_FUNCTION_NOT_PERMITTED";
	case CKR_MECHANISM_INVALID:
		return "CKR_MECHANISM_INVALID";
	case CKR_MECHANISM_PARAM_INVALID:
		return "CKR_MECHANISM_PARAM_INVALID";
	case CKR_TOKEN_NOT_PRESENT:
		return "CKR_TOKEN_NOT_PRESENT";
	case CKR_DEVICE_ERROR:
		return "CKR_DEVICE_ERROR";
	case CKR_GENERAL_ERROR:
		return "CKR_GENERAL_ERROR";
	case CKR_HOST_MEMORY:
		return "CKR_HOST_MEMORY";
	default:
		return NULL;
	}
}

static sgn_err
rv_err(struct sgn_errbuf *eb, sgn_err code, const char *call, ck_rv_t rv)
{
	const char *n = rv_name(rv);

	if (n != NULL)
		return sgn_errf(eb, code, "PKCS#11 %s failed: %s", call, n);
	return sgn_errf(eb, code, "PKCS#11 %s failed: CKR 0x%lx", call,
	    (unsigned long)rv);
}

static void
mod_close(struct mod **mp)
{
	struct mod *m;

	if (mp == NULL || (m = *mp) == NULL)
		return;
	if (m->finalize)
		(void)m->f->C_Finalize(NULL);
	sgn_dl_close_path(m->dl);
	free(m);
	*mp = NULL;
}

static sgn_err
mod_open(const char *path, struct mod **out, struct sgn_errbuf *eb)
{
	struct ck_c_initialize_args args;
	struct mod *m;
	CK_C_GetFunctionList gfl;
	void *sym;
	ck_rv_t rv;
	sgn_err r;

	*out = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	(void)snprintf(m->path, sizeof(m->path), "%s", path);
	if ((r = sgn_dl_open_path(path, "PKCS#11 module", &m->dl, eb)) !=
	    SGN_OK)
		goto out;
	if ((sym = sgn_dl_sym_path(m->dl, "C_GetFunctionList")) == NULL) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "%s is not a PKCS#11 "
		    "module (it has no C_GetFunctionList)", path);
		goto out;
	}
	memcpy(&gfl, &sym, sizeof(gfl));
	if ((rv = gfl(&m->f)) != CKR_OK || m->f == NULL) {
		r = rv_err(eb, SGN_ERR_UNSUPPORTED, "C_GetFunctionList", rv);
		goto out;
	}
	if (m->f->version.major != 2) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "%s: PKCS#11 version "
		    "%u.%u, not 2.x", path, m->f->version.major,
		    m->f->version.minor);
		goto out;
	}
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	rv = m->f->C_Initialize(&args);
	if (rv == CKR_OK)
		m->finalize = 1;
	else if (rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		r = rv_err(eb, SGN_ERR_UNSUPPORTED, "C_Initialize", rv);
		goto out;
	}
	*out = m;
	m = NULL;
	r = SGN_OK;
out:
	mod_close(&m);
	return r;
}

/* A blank-padded token field as a C string. */
static void
trim(const unsigned char *p, size_t n, char *out)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0'))
		n--;
	memcpy(out, p, n);
	out[n] = '\0';
}

static int
field_is(const unsigned char *p, size_t n, const char *want)
{
	char buf[65];

	if (want == NULL)
		return 1;
	trim(p, n, buf);
	return strcmp(buf, want) == 0;
}

/* The one slot whose token matches u. */
static sgn_err
find_slot(struct mod *m, const struct sgn_p11_uri *u, ck_slot_id_t *slot,
    struct ck_token_info *ti, struct sgn_errbuf *eb)
{
	ck_slot_id_t slots[MAX_SLOTS];
	struct ck_token_info t;
	unsigned long n = MAX_SLOTS, i, hits = 0;
	ck_rv_t rv;

	if ((rv = m->f->C_GetSlotList(1, slots, &n)) != CKR_OK)
		return rv_err(eb, SGN_ERR_UNSUPPORTED, "C_GetSlotList", rv);
	for (i = 0; i < n && i < MAX_SLOTS; i++) {
		if (u->has_slot_id && slots[i] != u->slot_id)
			continue;
		if (m->f->C_GetTokenInfo(slots[i], &t) != CKR_OK)
			continue;
		if (!field_is(t.label, sizeof(t.label), u->token) ||
		    !field_is(t.manufacturer_id, sizeof(t.manufacturer_id),
		    u->manufacturer) ||
		    !field_is(t.model, sizeof(t.model), u->model) ||
		    !field_is(t.serial_number, sizeof(t.serial_number),
		    u->serial))
			continue;
		if (hits++ == 0) {
			*slot = slots[i];
			*ti = t;
		}
	}
	if (hits == 0)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no token in %s "
		    "matches the URI%s%s", m->path, u->token != NULL ?
		    ": token=" : "", u->token != NULL ? u->token : "");
	if (hits > 1)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "%lu tokens "
		    "match the URI: name one with token= (signet key "
		    "list-pkcs11)", hits);
	return SGN_OK;
}

/* A wrong or locked PIN as an error (never the PIN). */
static sgn_err
login_err(ck_rv_t rv, const char *label, struct sgn_errbuf *eb)
{
	if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID ||
	    rv == CKR_PIN_LEN_RANGE)
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "token %s: wrong "
		    "PIN", label);
	if (rv == CKR_PIN_LOCKED)
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "token %s: the user "
		    "PIN is locked (too many wrong PINs): unlock it with the "
		    "SO PIN", label);
	return rv_err(eb, SGN_ERR_PIN_REQUIRED, "C_Login", rv);
}

/* Logs the user in; keep (may be NULL) receives a copy of the PIN. */
static sgn_err
login(struct mod *m, ck_session_handle_t sess, const struct ck_token_info *ti,
    sgn_p11_pin_fn pin_fn, void *pin_arg, struct sgn_secret *keep,
    struct sgn_errbuf *eb)
{
	struct sgn_secret pin;
	char label[33];
	ck_rv_t rv;
	sgn_err r;

	sgn_memzero(&pin, sizeof(pin));
	trim(ti->label, sizeof(ti->label), label);
	if (ti->flags & CKF_USER_PIN_LOCKED)
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "token %s: the user "
		    "PIN is locked (too many wrong PINs): unlock it with the "
		    "SO PIN", label);
	if (pin_fn == NULL)
		return sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "token %s needs a "
		    "PIN", label);
	if ((r = pin_fn(pin_arg, label, &pin, eb)) != SGN_OK)
		goto out;
	rv = m->f->C_Login(sess, CKU_USER, pin.ptr, pin.len);
	if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)
		r = keep != NULL ? sgn_secret_set(keep, pin.ptr, pin.len, eb) :
		    SGN_OK;
	else
		r = login_err(rv, label, eb);
out:
	sgn_secret_reset(&pin);
	return r;
}

/* Up to max objects of class matching u's label and id. */
static sgn_err
find(struct mod *m, ck_session_handle_t sess, ck_object_class_t cls,
    const char *label, const uint8_t *id, size_t idlen, int has_id,
    ck_object_handle_t *objs, unsigned long max, unsigned long *n,
    struct sgn_errbuf *eb)
{
	struct ck_attribute tmpl[3];
	unsigned long k = 0;
	ck_rv_t rv;

	*n = 0;
	tmpl[k].type = CKA_CLASS;
	tmpl[k].value = &cls;
	tmpl[k++].value_len = sizeof(cls);
	if (label != NULL) {
		tmpl[k].type = CKA_LABEL;
		tmpl[k].value = (void *)(uintptr_t)label;
		tmpl[k++].value_len = strlen(label);
	}
	if (has_id) {
		tmpl[k].type = CKA_ID;
		tmpl[k].value = (void *)(uintptr_t)id;
		tmpl[k++].value_len = idlen;
	}
	if ((rv = m->f->C_FindObjectsInit(sess, tmpl, k)) != CKR_OK)
		return rv_err(eb, SGN_ERR_UNSUPPORTED, "C_FindObjectsInit",
		    rv);
	rv = m->f->C_FindObjects(sess, objs, max, n);
	(void)m->f->C_FindObjectsFinal(sess);
	if (rv != CKR_OK)
		return rv_err(eb, SGN_ERR_UNSUPPORTED, "C_FindObjects", rv);
	return SGN_OK;
}

/* A variable-length attribute of obj into a malloc'd buffer (NULL, 0
 * when the object lacks it). */
static sgn_err
attr(struct mod *m, ck_session_handle_t sess, ck_object_handle_t obj,
    ck_attribute_type_t type, uint8_t **out, size_t *len,
    struct sgn_errbuf *eb)
{
	struct ck_attribute a = { type, NULL, 0 };
	ck_rv_t rv;

	*out = NULL;
	*len = 0;
	rv = m->f->C_GetAttributeValue(sess, obj, &a, 1);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv ==
	    CKR_ATTRIBUTE_SENSITIVE || a.value_len == (unsigned long)-1)
		return SGN_OK;
	if (rv != CKR_OK)
		return rv_err(eb, SGN_ERR_UNSUPPORTED, "C_GetAttributeValue",
		    rv);
	if (a.value_len > MAX_ATTR)
		return sgn_errf(eb, SGN_ERR_LIMIT, "PKCS#11 attribute 0x%lx: "
		    "%lu bytes", (unsigned long)type, a.value_len);
	if ((a.value = malloc(a.value_len + 1)) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if ((rv = m->f->C_GetAttributeValue(sess, obj, &a, 1)) != CKR_OK) {
		free(a.value);
		return rv_err(eb, SGN_ERR_UNSUPPORTED, "C_GetAttributeValue",
		    rv);
	}
	((uint8_t *)a.value)[a.value_len] = '\0';
	*out = a.value;
	*len = a.value_len;
	return SGN_OK;
}

/* A CK_ULONG or CK_BBOOL attribute (-1 when absent). */
static long
attr_ulong(struct mod *m, ck_session_handle_t sess, ck_object_handle_t obj,
    ck_attribute_type_t type, int is_bool)
{
	unsigned long v = 0;
	unsigned char b = 0;
	struct ck_attribute a;

	a.type = type;
	a.value = is_bool ? (void *)&b : (void *)&v;
	a.value_len = is_bool ? sizeof(b) : sizeof(v);
	if (m->f->C_GetAttributeValue(sess, obj, &a, 1) != CKR_OK)
		return -1;
	return is_bool ? (long)b : (long)v;
}

static const uint8_t oid_p256[] = {
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07
};
static const uint8_t oid_p384[] = {
	0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22
};

/* An EC point as CKA_EC_POINT holds it: a DER OCTET STRING around the
 * uncompressed point (some modules give the point bare). */
static int
ec_point(const uint8_t *p, size_t n, size_t half, const uint8_t **pt)
{
	size_t want = 1 + 2 * half;

	if (n == want && p[0] == 0x04) {
		*pt = p;
		return 1;
	}
	if (want < 128 && n == want + 2 && p[0] == 0x04 && p[1] == want &&
	    p[2] == 0x04) {
		*pt = p + 2;
		return 1;
	}
	if (want >= 128 && n == want + 3 && p[0] == 0x04 && p[1] == 0x81 &&
	    p[2] == want && p[3] == 0x04) {
		*pt = p + 3;
		return 1;
	}
	return 0;
}

static sgn_err
ec_pubkey(const uint8_t *params, size_t plen, const uint8_t *point,
    size_t ptlen, EVP_PKEY **out, size_t *half, struct sgn_errbuf *eb)
{
	OSSL_PARAM_BLD *b = NULL;
	OSSL_PARAM *ps = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	const char *group;
	const uint8_t *pt;
	sgn_err r = SGN_ERR_CRYPTO;

	*out = NULL;
	if (plen == sizeof(oid_p256) && memcmp(params, oid_p256, plen) == 0) {
		group = "P-256";
		*half = 32;
	} else if (plen == sizeof(oid_p384) &&
	    memcmp(params, oid_p384, plen) == 0) {
		group = "P-384";
		*half = 48;
	} else
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "an EC key on a curve "
		    "other than P-256 and P-384");
	if (!ec_point(point, ptlen, *half, &pt))
		return sgn_errf(eb, SGN_ERR_PARSE, "the token's EC point is "
		    "malformed");
	if ((b = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pt,
	    1 + 2 * *half) != 1 ||
	    (ps = OSSL_PARAM_BLD_to_param(b)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, ps) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_PARSE, "the token's EC public "
		    "key");
		goto out;
	}
	r = SGN_OK;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(ps);
	OSSL_PARAM_BLD_free(b);
	return r;
}

static sgn_err
rsa_pubkey(const uint8_t *mod, size_t mlen, const uint8_t *exp, size_t elen,
    EVP_PKEY **out, struct sgn_errbuf *eb)
{
	OSSL_PARAM_BLD *b = NULL;
	OSSL_PARAM *ps = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *n = NULL, *e = NULL;
	sgn_err r = SGN_ERR_CRYPTO;

	*out = NULL;
	if ((n = BN_bin2bn(mod, (int)mlen, NULL)) == NULL ||
	    (e = BN_bin2bn(exp, (int)elen, NULL)) == NULL ||
	    (b = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, e) != 1 ||
	    (ps = OSSL_PARAM_BLD_to_param(b)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, ps) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_PARSE, "the token's RSA public "
		    "key");
		goto out;
	}
	if (BN_num_bits(n) < 2048) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "an RSA key of %d bits: "
		    "2048 or more needed", BN_num_bits(n));
		EVP_PKEY_free(*out);
		*out = NULL;
		goto out;
	}
	r = SGN_OK;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(ps);
	OSSL_PARAM_BLD_free(b);
	BN_free(n);
	BN_free(e);
	return r;
}

/*
 * The public key of obj (a private or a public key object): from the
 * public key object with the same id (else label), or for RSA from obj.
 */
static sgn_err
read_pubkey(struct mod *m, ck_session_handle_t sess, ck_object_handle_t obj,
    struct sgn_pubkey **out, size_t *half, struct sgn_errbuf *eb)
{
	ck_object_handle_t pubs[2], src = obj;
	uint8_t *id = NULL, *label = NULL, *a = NULL, *b = NULL;
	size_t idlen, lablen, alen, blen;
	unsigned long n = 0;
	EVP_PKEY *pkey = NULL;
	long kt, cls;
	sgn_err r;

	*out = NULL;
	*half = 0;
	kt = attr_ulong(m, sess, obj, CKA_KEY_TYPE, 0);
	cls = attr_ulong(m, sess, obj, CKA_CLASS, 0);
	if (kt != (long)CKK_EC && kt != (long)CKK_RSA) {
		r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "a key that is neither "
		    "EC nor RSA");
		goto out;
	}
	if (cls == (long)CKO_PRIVATE_KEY) {
		if ((r = attr(m, sess, obj, CKA_ID, &id, &idlen, eb)) !=
		    SGN_OK || (r = attr(m, sess, obj, CKA_LABEL, &label,
		    &lablen, eb)) != SGN_OK)
			goto out;
		if (id != NULL && idlen > 0)
			r = find(m, sess, CKO_PUBLIC_KEY, NULL, id, idlen, 1,
			    pubs, 2, &n, eb);
		else if (label != NULL && lablen > 0)
			r = find(m, sess, CKO_PUBLIC_KEY, (char *)label, NULL,
			    0, 0, pubs, 2, &n, eb);
		if (r != SGN_OK)
			goto out;
		if (n == 1)
			src = pubs[0];
		else if (kt == (long)CKK_EC) {
			r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no public "
			    "key object on the token for this key (same id "
			    "or label)");
			goto out;
		}
	}
	if (kt == (long)CKK_EC) {
		if ((r = attr(m, sess, src, CKA_EC_PARAMS, &a, &alen, eb)) !=
		    SGN_OK || (r = attr(m, sess, src, CKA_EC_POINT, &b, &blen,
		    eb)) != SGN_OK)
			goto out;
		if (a == NULL || b == NULL) {
			r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "the token does "
			    "not give the EC public key");
			goto out;
		}
		r = ec_pubkey(a, alen, b, blen, &pkey, half, eb);
	} else {
		if ((r = attr(m, sess, src, CKA_MODULUS, &a, &alen, eb)) !=
		    SGN_OK || (r = attr(m, sess, src, CKA_PUBLIC_EXPONENT, &b,
		    &blen, eb)) != SGN_OK)
			goto out;
		if (a == NULL || b == NULL || alen == 0 || blen == 0) {
			r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "the token does "
			    "not give the RSA public key");
			goto out;
		}
		r = rsa_pubkey(a, alen, b, blen, &pkey, eb);
	}
	if (r != SGN_OK)
		goto out;
	if ((r = sgn_pubkey_from_evp(pkey, NULL, 0, out, eb)) != SGN_OK)
		goto out;
	if (kt == (long)CKK_RSA)
		sgn_pubkey_set_rsa_padding(*out, SGN_RSA_PSS);
out:
	EVP_PKEY_free(pkey);
	free(id);
	free(label);
	free(a);
	free(b);
	return r;
}

/* r||s as a DER ECDSA-Sig-Value. */
static sgn_err
ecdsa_der(const uint8_t *raw, size_t half, uint8_t **sig, size_t *siglen,
    struct sgn_errbuf *eb)
{
	ECDSA_SIG *es = NULL;
	BIGNUM *br = NULL, *bs = NULL;
	unsigned char *der = NULL;
	int n;
	sgn_err r = SGN_ERR_CRYPTO;

	if ((es = ECDSA_SIG_new()) == NULL ||
	    (br = BN_bin2bn(raw, (int)half, NULL)) == NULL ||
	    (bs = BN_bin2bn(raw + half, (int)half, NULL)) == NULL ||
	    ECDSA_SIG_set0(es, br, bs) != 1) {
		BN_free(br);
		BN_free(bs);
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "ECDSA signature");
		goto out;
	}
	if ((n = i2d_ECDSA_SIG(es, &der)) <= 0) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "ECDSA signature");
		goto out;
	}
	if ((*sig = malloc((size_t)n)) == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(*sig, der, (size_t)n);
	*siglen = (size_t)n;
	r = SGN_OK;
out:
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	return r;
}

static sgn_err
key_sign_digest(void *ctx, sgn_hash_alg hash, const uint8_t *dig,
    size_t dlen, uint8_t **sigp, size_t *siglenp, struct sgn_errbuf *eb)
{
	struct key *k = ctx;
	struct ck_rsa_pkcs_pss_params pss;
	struct ck_mechanism mech;
	uint8_t *buf = NULL;
	unsigned long len = 0;
	ck_rv_t rv;
	sgn_err r;

	*sigp = NULL;
	*siglenp = 0;
	memset(&mech, 0, sizeof(mech));
	if (k->type == SGN_KEY_RSA) {
		memset(&pss, 0, sizeof(pss));
		if (hash == SGN_HASH_SHA256) {
			pss.hash_alg = CKM_SHA256;
			pss.mgf = CKG_MGF1_SHA256;
		} else if (hash == SGN_HASH_SHA384) {
			pss.hash_alg = CKM_SHA384;
			pss.mgf = CKG_MGF1_SHA384;
		} else {
			pss.hash_alg = CKM_SHA512;
			pss.mgf = CKG_MGF1_SHA512;
		}
		pss.s_len = dlen;
		mech.mechanism = CKM_RSA_PKCS_PSS;
		mech.parameter = &pss;
		mech.parameter_len = sizeof(pss);
	} else
		mech.mechanism = CKM_ECDSA;
	if ((rv = k->m->f->C_SignInit(k->sess, &mech, k->obj)) != CKR_OK)
		return rv_err(eb, SGN_ERR_UNSUPPORTED, "C_SignInit", rv);
	if (k->always_auth && (rv = k->m->f->C_Login(k->sess,
	    CKU_CONTEXT_SPECIFIC, k->pin.ptr, k->pin.len)) != CKR_OK) {
		char label[33];

		trim(k->ti.label, sizeof(k->ti.label), label);
		return login_err(rv, label, eb);
	}
	if ((rv = k->m->f->C_Sign(k->sess, (uint8_t *)(uintptr_t)dig, dlen,
	    NULL, &len)) != CKR_OK)
		return rv_err(eb, SGN_ERR_CRYPTO, "C_Sign", rv);
	if (len == 0 || len > 1024 || (buf = malloc(len)) == NULL) {
		/* end the operation the first call left open */
		(void)k->m->f->C_SignInit(k->sess, NULL, k->obj);
		return sgn_errf(eb, SGN_ERR_CRYPTO, "PKCS#11 C_Sign: a "
		    "signature of %lu bytes", len);
	}
	if ((rv = k->m->f->C_Sign(k->sess, (uint8_t *)(uintptr_t)dig, dlen,
	    buf, &len)) != CKR_OK) {
		r = rv_err(eb, SGN_ERR_CRYPTO, "C_Sign", rv);
		goto out;
	}
	if (k->type == SGN_KEY_RSA) {
		*sigp = buf;
		*siglenp = len;
		buf = NULL;
		r = SGN_OK;
		goto out;
	}
	if (len != 2 * k->half) {
		r = sgn_errf(eb, SGN_ERR_CRYPTO, "PKCS#11 C_Sign: an ECDSA "
		    "signature of %lu bytes, not %zu", len, 2 * k->half);
		goto out;
	}
	r = ecdsa_der(buf, k->half, sigp, siglenp, eb);
out:
	free(buf);
	return r;
}

static void
key_free(void *ctx)
{
	struct key *k = ctx;

	if (k == NULL)
		return;
	if (k->m != NULL && k->sess != 0) {
		(void)k->m->f->C_Logout(k->sess);
		(void)k->m->f->C_CloseSession(k->sess);
	}
	mod_close(&k->m);
	sgn_secret_reset(&k->pin);
	free(k);
}

static const struct sgn_signer_ext key_ext = { key_sign_digest, key_free };

/* Opens a session on the token of u, logged in when login is set and the
 * token needs one (CKF_LOGIN_REQUIRED). */
static sgn_err
open_session(const char *module, const struct sgn_p11_uri *u, int do_login,
    sgn_p11_pin_fn pin_fn, void *pin_arg, struct key **out,
    struct sgn_errbuf *eb)
{
	struct key *k;
	ck_slot_id_t slot = 0;
	ck_rv_t rv;
	sgn_err r;

	*out = NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if ((r = mod_open(module, &k->m, eb)) != SGN_OK ||
	    (r = find_slot(k->m, u, &slot, &k->ti, eb)) != SGN_OK)
		goto out;
	if ((rv = k->m->f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL,
	    NULL, &k->sess)) != CKR_OK) {
		r = rv_err(eb, SGN_ERR_UNSUPPORTED, "C_OpenSession", rv);
		goto out;
	}
	if (do_login && (k->ti.flags & CKF_LOGIN_REQUIRED) &&
	    (r = login(k->m, k->sess, &k->ti, pin_fn, pin_arg, &k->pin, eb)) !=
	    SGN_OK)
		goto out;
	*out = k;
	k = NULL;
	r = SGN_OK;
out:
	key_free(k);
	return r;
}

sgn_err
sgn_p11_signer(const char *module_path, const struct sgn_p11_uri *u,
    sgn_p11_pin_fn pin_fn, void *pin_arg, struct sgn_signer **out,
    struct sgn_errbuf *eb)
{
	ck_object_handle_t objs[2];
	struct sgn_pubkey *pub = NULL;
	struct key *k = NULL;
	unsigned long n = 0;
	sgn_err r;

	*out = NULL;
	if (u->type == SGN_P11_TYPE_PUBLIC)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "pkcs11 URI: "
		    "type=public names a public key: signing needs the "
		    "private key");
	if (u->object == NULL && !u->has_id)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "pkcs11 URI: "
		    "name the key with object= or id=");
	if ((r = open_session(module_path, u, 1, pin_fn, pin_arg, &k, eb)) !=
	    SGN_OK)
		goto out;
	if ((r = find(k->m, k->sess, CKO_PRIVATE_KEY, u->object, u->id,
	    u->id_len, u->has_id, objs, 2, &n, eb)) != SGN_OK)
		goto out;
	if (n == 0) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "no private key on "
		    "the token matches the URI%s%s", u->object != NULL ?
		    ": object=" : "", u->object != NULL ? u->object : "");
		goto out;
	}
	if (n > 1) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "more than one "
		    "private key matches the URI: add id=");
		goto out;
	}
	k->obj = objs[0];
	if (attr_ulong(k->m, k->sess, k->obj, CKA_SIGN, 1) != 1) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "the key cannot "
		    "sign (CKA_SIGN is not set)");
		goto out;
	}
	if ((r = read_pubkey(k->m, k->sess, k->obj, &pub, &k->half, eb)) !=
	    SGN_OK)
		goto out;
	k->type = sgn_pubkey_type(pub);
	/* PIV signature keys and the like: a login before each signature */
	k->always_auth = attr_ulong(k->m, k->sess, k->obj,
	    CKA_ALWAYS_AUTHENTICATE, 1) == 1;
	if (k->always_auth && k->pin.ptr == NULL) {
		r = sgn_errf(eb, SGN_ERR_PIN_REQUIRED, "the key needs a PIN at "
		    "each signature, and the token asked for none");
		goto out;
	}
	if (!k->always_auth)
		sgn_secret_reset(&k->pin);
	r = sgn_signer_external(&key_ext, k, pub, out, eb);
	k = NULL;
	pub = NULL;
out:
	sgn_pubkey_free(&pub);
	key_free(k);
	return r;
}

sgn_err
sgn_p11_pubkey(const char *module_path, const struct sgn_p11_uri *u,
    sgn_p11_pin_fn pin_fn, void *pin_arg, struct sgn_pubkey **out,
    struct sgn_errbuf *eb)
{
	ck_object_handle_t objs[2];
	struct key *k = NULL;
	unsigned long n = 0;
	size_t half;
	sgn_err r;

	*out = NULL;
	if (u->object == NULL && !u->has_id)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "pkcs11 URI: "
		    "name the key with object= or id=");
	if ((r = open_session(module_path, u, 0, pin_fn, pin_arg, &k, eb)) !=
	    SGN_OK)
		goto out;
	if (u->type != SGN_P11_TYPE_PRIVATE && (r = find(k->m, k->sess,
	    CKO_PUBLIC_KEY, u->object, u->id, u->id_len, u->has_id, objs, 2,
	    &n, eb)) != SGN_OK)
		goto out;
	if (n == 0 && u->type != SGN_P11_TYPE_PUBLIC && (r = find(k->m,
	    k->sess, CKO_PRIVATE_KEY, u->object, u->id, u->id_len,
	    u->has_id, objs, 2, &n, eb)) != SGN_OK)
		goto out;
	/* a token that hides its public keys until a login */
	if (n == 0 && (k->ti.flags & CKF_LOGIN_REQUIRED) && pin_fn != NULL) {
		if ((r = login(k->m, k->sess, &k->ti, pin_fn, pin_arg, NULL,
		    eb)) != SGN_OK)
			goto out;
		if (u->type != SGN_P11_TYPE_PRIVATE && (r = find(k->m,
		    k->sess, CKO_PUBLIC_KEY, u->object, u->id, u->id_len,
		    u->has_id, objs, 2, &n, eb)) != SGN_OK)
			goto out;
		if (n == 0 && u->type != SGN_P11_TYPE_PUBLIC && (r = find(k->m,
		    k->sess, CKO_PRIVATE_KEY, u->object, u->id, u->id_len,
		    u->has_id, objs, 2, &n, eb)) != SGN_OK)
			goto out;
	}
	if (n != 1) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, n == 0 ? "no key "
		    "on the token matches the URI" : "more than one key "
		    "matches the URI: add id=");
		goto out;
	}
	r = read_pubkey(k->m, k->sess, objs[0], out, &half, eb);
out:
	key_free(k);
	return r;
}

/* Listing ---------------------------------------------------------------- */

static sgn_err
pct(struct sgn_buf *b, const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	static const char hex[] = "0123456789abcdef";
	char e[3];
	size_t i;
	sgn_err r;

	for (i = 0; i < n; i++) {
		if ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' &&
		    p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
		    p[i] == '-' || p[i] == '.' || p[i] == '_' || p[i] == '~')
			r = sgn_buf_append(b, &p[i], 1, eb);
		else {
			e[0] = '%';
			e[1] = hex[p[i] >> 4];
			e[2] = hex[p[i] & 15];
			r = sgn_buf_append(b, e, 3, eb);
		}
		if (r != SGN_OK)
			return r;
	}
	return SGN_OK;
}

static sgn_err
list_token(struct mod *m, ck_slot_id_t slot, sgn_p11_pin_fn pin_fn,
    void *pin_arg, const char *label, struct sgn_p11_entry **entries,
    size_t *n, struct sgn_errbuf *eb)
{
	ck_object_handle_t objs[MAX_KEYS];
	struct ck_token_info ti;
	struct sgn_p11_entry *e, *grown;
	struct sgn_pubkey *pub = NULL;
	struct sgn_buf b;
	ck_session_handle_t sess = 0;
	uint8_t *id = NULL, *lab = NULL;
	size_t idlen, lablen, half, len;
	unsigned long nobj = 0, i;
	ck_object_class_t cls;
	ck_rv_t rv;
	sgn_err r;

	memset(&b, 0, sizeof(b));
	if ((rv = m->f->C_GetTokenInfo(slot, &ti)) != CKR_OK)
		return rv_err(eb, SGN_ERR_UNSUPPORTED, "C_GetTokenInfo", rv);
	if ((rv = m->f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL,
	    &sess)) != CKR_OK)
		return rv_err(eb, SGN_ERR_UNSUPPORTED, "C_OpenSession", rv);
	/* without a PIN, the public halves of the key pairs */
	if ((ti.flags & CKF_LOGIN_REQUIRED) && pin_fn != NULL &&
	    (r = login(m, sess, &ti, pin_fn, pin_arg, NULL, eb)) != SGN_OK)
		goto out;
	cls = (ti.flags & CKF_LOGIN_REQUIRED) && pin_fn == NULL ?
	    CKO_PUBLIC_KEY : CKO_PRIVATE_KEY;
	if ((r = find(m, sess, cls, NULL, NULL, 0, 0, objs, MAX_KEYS, &nobj,
	    eb)) != SGN_OK)
		goto out;
	for (i = 0; i < nobj; i++) {
		if (attr_ulong(m, sess, objs[i], cls == CKO_PRIVATE_KEY ?
		    CKA_SIGN : CKA_VERIFY, 1) != 1)
			continue;
		free(id);
		free(lab);
		id = lab = NULL;
		sgn_pubkey_free(&pub);
		sgn_buf_reset(&b);
		if ((r = attr(m, sess, objs[i], CKA_ID, &id, &idlen, eb)) !=
		    SGN_OK || (r = attr(m, sess, objs[i], CKA_LABEL, &lab,
		    &lablen, eb)) != SGN_OK)
			goto out;
		if (read_pubkey(m, sess, objs[i], &pub, &half, eb) != SGN_OK)
			sgn_errbuf_clear(eb);
		if ((r = sgn_buf_append(&b, "pkcs11:token=", 13, eb)) !=
		    SGN_OK || (r = pct(&b, (const uint8_t *)label,
		    strlen(label), eb)) != SGN_OK)
			goto out;
		if (lab != NULL && lablen > 0 && ((r = sgn_buf_append(&b,
		    ";object=", 8, eb)) != SGN_OK || (r = pct(&b, lab, lablen,
		    eb)) != SGN_OK))
			goto out;
		if (id != NULL && idlen > 0 && ((r = sgn_buf_append(&b,
		    ";id=", 4, eb)) != SGN_OK || (r = pct(&b, id, idlen,
		    eb)) != SGN_OK))
			goto out;
		if ((grown = reallocarray(*entries, *n + 1,
		    sizeof(**entries))) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		*entries = grown;
		e = &grown[(*n)++];
		memset(e, 0, sizeof(*e));
		e->token = strdup(label);
		e->label = lab != NULL && memchr(lab, '\0', lablen) == NULL ?
		    strdup((char *)lab) : NULL;
		e->uri = (char *)sgn_buf_take(&b, &len);
		e->kind = strdup(pub != NULL ? sgn_pubkey_describe(pub) :
		    "unsupported key");
		if (e->token == NULL || e->uri == NULL || e->kind == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	r = SGN_OK;
out:
	sgn_pubkey_free(&pub);
	sgn_buf_reset(&b);
	free(id);
	free(lab);
	(void)m->f->C_Logout(sess);
	(void)m->f->C_CloseSession(sess);
	return r;
}

sgn_err
sgn_p11_list(const char *module_path, sgn_p11_pin_fn pin_fn, void *pin_arg,
    struct sgn_p11_entry **entries, size_t *n, char ***tokens,
    size_t *ntokens, struct sgn_errbuf *eb)
{
	ck_slot_id_t slots[MAX_SLOTS];
	struct ck_token_info ti;
	struct mod *m = NULL;
	char label[33], **grown;
	unsigned long ns = MAX_SLOTS, i;
	ck_rv_t rv;
	sgn_err r;

	*entries = NULL;
	*n = 0;
	*tokens = NULL;
	*ntokens = 0;
	if ((r = mod_open(module_path, &m, eb)) != SGN_OK)
		goto out;
	if ((rv = m->f->C_GetSlotList(1, slots, &ns)) != CKR_OK) {
		r = rv_err(eb, SGN_ERR_UNSUPPORTED, "C_GetSlotList", rv);
		goto out;
	}
	for (i = 0; i < ns && i < MAX_SLOTS; i++) {
		if (m->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		trim(ti.label, sizeof(ti.label), label);
		if ((grown = reallocarray(*tokens, *ntokens + 1,
		    sizeof(*grown))) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		*tokens = grown;
		if ((grown[*ntokens] = strdup(label)) == NULL) {
			r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
			goto out;
		}
		(*ntokens)++;
		if (!(ti.flags & CKF_TOKEN_INITIALIZED))
			continue;
		if ((r = list_token(m, slots[i], pin_fn, pin_arg, label,
		    entries, n, eb)) != SGN_OK)
			goto out;
	}
	r = SGN_OK;
out:
	if (r != SGN_OK)
		sgn_p11_list_free(entries, *n, tokens, *ntokens);
	mod_close(&m);
	return r;
}

void
sgn_p11_list_free(struct sgn_p11_entry **entries, size_t n, char ***tokens,
    size_t ntokens)
{
	size_t i;

	if (entries != NULL && *entries != NULL) {
		for (i = 0; i < n; i++) {
			free((*entries)[i].token);
			free((*entries)[i].label);
			free((*entries)[i].uri);
			free((*entries)[i].kind);
		}
		free(*entries);
		*entries = NULL;
	}
	if (tokens != NULL && *tokens != NULL) {
		for (i = 0; i < ntokens; i++)
			free((*tokens)[i]);
		free(*tokens);
		*tokens = NULL;
	}
}
