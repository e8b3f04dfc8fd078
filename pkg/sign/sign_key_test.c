/*
 * Unit tests for signing with a key offline (sgn_sign_file_key()) and for
 * what sgn_log_bundle() checks before it sends anything: bundles already
 * logged are left alone, and a bundle is logged only with the key that
 * signed it.  The logging itself runs against the local testbed in
 * scripts/e2e-sign.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "bundle.h"
#include "keys.h"
#include "sign.h"
#include "sign_int.h"
#include "testutil.h"
#include "trust.h"
#include "verify.h"

#define KEYS	"testdata/model-signing/signed/keys/certificate/"
#define MK	"testdata/conformance/bundle-verify/managed-key-happy-path/"
#define A_TXT	"testdata/conformance/a.txt"

static struct sgn_pubkey *
pub_of(const char *path)
{
	struct sgn_pubkey	*k = NULL;
	uint8_t			*pem;
	size_t			 len;

	pem = tu_read(path, &len);
	cr_assert_eq(sgn_pubkey_from_pem((char *)pem, len, &k, NULL), SGN_OK);
	free(pem);
	return k;
}

/* Verifies bundle bytes for A_TXT with key; unlogged_ok as given. */
static sgn_err
check(const struct sgn_buf *b, const struct sgn_pubkey *key, int unlogged,
    struct sgn_errbuf *eb)
{
	struct sgn_trusted_root		*root = NULL;
	struct sgn_verifier		*v = NULL;
	struct sgn_bundle		*pb = NULL;
	struct sgn_verify_result	 res;
	struct sgn_artifact		 art;
	struct sgn_policy		 pol;
	sgn_err				 r;

	res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	pol = (struct sgn_policy)SGN_POLICY_INIT;
	art.path = A_TXT;
	pol.key = key;
	pol.unlogged_ok = unlogged;
	sgn_errbuf_clear(eb);
	cr_assert_eq(sgn_trusted_root_embedded(0, &root, NULL), SGN_OK);
	cr_assert_eq(sgn_verifier_new(root, &v, NULL), SGN_OK);
	cr_assert_eq(sgn_bundle_parse(b->ptr, b->len, &pb, eb), SGN_OK, "%s",
	    eb->msg);
	r = sgn_verify(v, pb, &art, &pol, &res, eb);
	sgn_verify_result_reset(&res);
	sgn_bundle_free(&pb);
	sgn_verifier_free(&v);
	sgn_trusted_root_free(&root);
	return r;
}

Test(sign_key, offline_bundles_carry_the_hint_and_no_log)
{
	static const sgn_key_type types[] = {
		SGN_KEY_ECDSA_P256, SGN_KEY_ECDSA_P384, SGN_KEY_ECDSA_P521,
	};
	static const char *const algs[] = {
		"SHA2_256", "SHA2_384", "SHA2_512",
	};
	struct sgn_signer	*s = NULL;
	struct sgn_bundle	*pb = NULL;
	struct sgn_buf		 b;
	struct sgn_errbuf	 eb;
	char			 hint[SGN_PUBKEY_HINT_LEN];
	size_t			 i;

	for (i = 0; i < 3; i++) {
		sgn_buf_init(&b, 0);
		cr_assert_eq(sgn_signer_ephemeral(types[i], &s, NULL), SGN_OK);
		cr_assert_eq(sgn_sign_file_key(s, A_TXT, &b, &eb), SGN_OK,
		    "%s", eb.msg);
		cr_assert(tu_has((char *)b.ptr, algs[i]), "%s", b.ptr);
		cr_assert_eq(sgn_bundle_parse(b.ptr, b.len, &pb, NULL), SGN_OK);
		cr_assert_eq(pb->material, SGN_MATERIAL_PUBLIC_KEY);
		cr_assert_eq(pb->n_entries, 0);
		cr_assert_eq(pb->n_timestamps, 0);
		cr_assert_eq(sgn_pubkey_pem_hint(sgn_signer_pubkey(s), hint,
		    NULL), SGN_OK);
		cr_assert_str_eq(pb->key_hint, hint);
		sgn_bundle_free(&pb);
		/* the key's own verifier accepts it unlogged, only so */
		cr_assert_eq(check(&b, sgn_signer_pubkey(s), 1, &eb), SGN_OK,
		    "%s", eb.msg);
		cr_assert_eq(check(&b, sgn_signer_pubkey(s), 0, &eb),
		    SGN_ERR_VERIFY);
		cr_assert(tu_has(eb.msg, "no transparency log entry"), "%s",
		    eb.msg);
		sgn_signer_free(&s);
		sgn_buf_reset(&b);
	}
}

Test(sign_key, another_key_does_not_verify_an_offline_bundle)
{
	struct sgn_signer	*s = NULL, *t = NULL;
	struct sgn_buf		 b;
	struct sgn_errbuf	 eb;

	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ECDSA_P256, &s, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ECDSA_P256, &t, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_sign_file_key(s, A_TXT, &b, &eb), SGN_OK);
	cr_assert_eq(check(&b, sgn_signer_pubkey(t), 1, &eb), SGN_ERR_VERIFY);
	sgn_signer_free(&s);
	sgn_signer_free(&t);
	sgn_buf_reset(&b);
}

Test(sign_key, only_ecdsa_keys_sign_files)
{
	struct sgn_signer	*s = NULL;
	struct sgn_buf		 b;
	struct sgn_errbuf	 eb;

	sgn_buf_init(&b, 0);
	cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ED25519, &s, NULL), SGN_OK);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_sign_file_key(s, A_TXT, &b, &eb),
	    SGN_ERR_UNSUPPORTED);
	cr_assert(tu_has(eb.msg, "ECDSA"), "%s", eb.msg);
	cr_assert_eq(b.len, 0);
	sgn_signer_free(&s);
}

/* log options with no services: nothing can be sent anywhere */
static void
no_services(struct sgn_log_opts *o, struct sgn_selection *sel,
    struct sgn_trusted_root **root)
{
	*o = (struct sgn_log_opts)SGN_LOG_OPTS_INIT;
	*sel = (struct sgn_selection)SGN_SELECTION_INIT;
	cr_assert_eq(sgn_trusted_root_embedded(0, root, NULL), SGN_OK);
	o->root = *root;
	o->services = sel;
}

static sgn_err
log_file(const char *bundle, const struct sgn_pubkey *key, int *already,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	struct sgn_log_opts	 o = SGN_LOG_OPTS_INIT;
	struct sgn_selection	 sel = SGN_SELECTION_INIT;
	struct sgn_trusted_root	*root = NULL;
	uint8_t			*buf;
	size_t			 len;
	sgn_err			 r;

	no_services(&o, &sel, &root);
	buf = tu_read(bundle, &len);
	sgn_errbuf_clear(eb);
	r = sgn_log_bundle(&o, key, buf, len, out, already, eb);
	free(buf);
	sgn_trusted_root_free(&root);
	return r;
}

Test(sign_key, a_logged_bundle_is_left_alone)
{
	struct sgn_pubkey	*k = pub_of(MK "key.pub");
	struct sgn_buf		 out;
	struct sgn_errbuf	 eb;
	int			 already = 0;

	sgn_buf_init(&out, 0);
	cr_assert_eq(log_file(MK "bundle.sigstore.json", k, &already, &out,
	    &eb), SGN_OK, "%s", eb.msg);
	cr_assert_eq(already, 1);
	cr_assert_eq(out.len, 0);
	sgn_pubkey_free(&k);
}

Test(sign_key, only_the_signing_key_logs_a_bundle)
{
	struct sgn_pubkey	*k = pub_of(KEYS "signing-key-pub.pem");
	struct sgn_pubkey	*other = pub_of(MK "key.pub");
	struct sgn_buf		 out;
	struct sgn_errbuf	 eb;
	int			 already = 1;

	sgn_buf_init(&out, 0);
	/* model_signing's key method: the hint is another key's */
	cr_assert_eq(log_file("testdata/model-signing/signed/"
	    "v1.1.0-elliptic-key/model.sig", other, &already, &out, &eb),
	    SGN_ERR_VERIFY);
	cr_assert(tu_has(eb.msg, "signed with another key"), "%s", eb.msg);
	cr_assert_eq(already, 0);
	cr_assert_eq(out.len, 0);
	/* the right key passes every check; with no services configured,
	 * the result has no entry and is not handed over */
	cr_assert_neq(log_file("testdata/model-signing/signed/"
	    "v1.1.0-elliptic-key/model.sig", k, &already, &out, &eb),
	    SGN_OK);
	cr_assert(tu_has(eb.msg, "the logged bundle does not verify"), "%s",
	    eb.msg);
	cr_assert_eq(out.len, 0);
	/* a certificate-method bundle is never logged later */
	cr_assert_eq(log_file("testdata/model-signing/signed/"
	    "v1.1.0-certificate/model.sig", k, &already, &out, &eb),
	    SGN_ERR_UNSUPPORTED);
	cr_assert(tu_has(eb.msg, "holds a certificate"), "%s", eb.msg);
	sgn_pubkey_free(&k);
	sgn_pubkey_free(&other);
}

Test(sign_key, a_tampered_signature_is_not_logged)
{
	struct sgn_signer	*s = NULL;
	struct sgn_bundle	*pb = NULL;
	struct sgn_log_opts	 o = SGN_LOG_OPTS_INIT;
	struct sgn_selection	 sel = SGN_SELECTION_INIT;
	struct sgn_trusted_root	*root = NULL;
	struct sgn_buf		 b, out;
	struct sgn_errbuf	 eb;
	int			 already;

	sgn_buf_init(&b, 0);
	sgn_buf_init(&out, 0);
	cr_assert_eq(sgn_signer_ephemeral(SGN_KEY_ECDSA_P256, &s, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_sign_file_key(s, A_TXT, &b, &eb), SGN_OK);
	cr_assert_eq(sgn_bundle_parse(b.ptr, b.len, &pb, NULL), SGN_OK);
	pb->digest[0] ^= 1;	/* another artifact's digest */
	sgn_buf_reset(&b);
	cr_assert_eq(sgn_bundle_serialize(pb, &b, NULL), SGN_OK);
	no_services(&o, &sel, &root);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_log_bundle(&o, sgn_signer_pubkey(s), b.ptr, b.len,
	    &out, &already, &eb), SGN_ERR_VERIFY);
	cr_assert(tu_has(eb.msg, "does not verify with the key"), "%s",
	    eb.msg);
	sgn_trusted_root_free(&root);
	sgn_bundle_free(&pb);
	sgn_signer_free(&s);
	sgn_buf_reset(&b);
}

/*
 * Verifiers ignore a timestamp that does not verify (as sigstore-go does);
 * the last check before a signer hands a bundle over does not: a TSA that
 * answered with a token over something else, or one the trusted root
 * does not list, fails the signing.
 */
Test(sign_key, a_bundle_with_a_timestamp_that_does_not_verify_is_not_emitted)
{
	struct sgn_pubkey	*k = pub_of(MK "key.pub");
	struct sgn_trusted_root	*root = NULL;
	struct sgn_verifier	*v = NULL;
	struct sgn_bundle	*pb = NULL;
	struct sgn_bundle_view	 bv;
	struct sgn_artifact	 art;
	struct sgn_policy	 pol;
	struct sgn_blob		 ts[2], *orig;
	struct sgn_buf		 out;
	struct sgn_errbuf	 eb;
	uint8_t			*buf;
	size_t			 len;

	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	pol = (struct sgn_policy)SGN_POLICY_INIT;
	art.path = A_TXT;
	pol.key = k;
	sgn_buf_init(&out, 0);
	cr_assert_eq(sgn_trusted_root_embedded(0, &root, NULL), SGN_OK);
	cr_assert_eq(sgn_verifier_new(root, &v, NULL), SGN_OK);
	buf = tu_read(MK "bundle.sigstore.json", &len);
	cr_assert_eq(sgn_bundle_parse(buf, len, &pb, NULL), SGN_OK);
	/* as it is (an integrated time, a timestamp): handed over */
	cr_assert_eq(sgn_bundle_view_of(pb, &bv, NULL), SGN_OK);
	cr_assert_eq(sgn_sign_emit(v, &bv, &art, &pol, "bundle", &out, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_gt(out.len, 0);
	sgn_buf_reset(&out);
	/* plus a production timestamp over another signature: not */
	cr_assert_eq(pb->n_timestamps, 1);
	orig = pb->timestamps;
	ts[0] = orig[0];
	ts[1].ptr = tu_read("testdata/tsa/prod-rekor-v2-hashedrekord/"
	    "response.der", &ts[1].len);
	pb->timestamps = ts;
	pb->n_timestamps = 2;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_bundle_view_of(pb, &bv, NULL), SGN_OK);
	cr_assert_eq(sgn_sign_emit(v, &bv, &art, &pol, "bundle", &out, &eb),
	    SGN_ERR_VERIFY);
	cr_assert_str_eq(eb.msg, "bundle: timestamp 1 does not verify: "
	    "message imprint does not match the signature");
	cr_assert_eq(out.len, 0);
	pb->timestamps = orig;
	pb->n_timestamps = 1;
	free(ts[1].ptr);
	sgn_bundle_free(&pb);
	free(buf);
	sgn_verifier_free(&v);
	sgn_trusted_root_free(&root);
	sgn_pubkey_free(&k);
}

/* Options with a size (core.h): keyless signing's too. */
Test(sign_key, signing_options_of_size_0_are_refused_naming_their_initialiser)
{
	struct sgn_sign_opts		 so = SGN_SIGN_OPTS_INIT;
	struct sgn_selection		 sel = SGN_SELECTION_INIT;
	struct sgn_trusted_root		*root = NULL;
	struct sgn_signing_ctx		*c = NULL;
	struct sgn_errbuf		 eb;

	cr_assert_eq(sgn_trusted_root_embedded(0, &root, NULL), SGN_OK);
	so.root = root;
	so.services = &sel;
	so.size = 0;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signing_ctx_new(&so, &c, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "struct sgn_sign_opts: size 0: initialise "
	    "it with SGN_SIGN_OPTS_INIT");
	cr_assert_null(c);
	/* and the selection it points to */
	so.size = sizeof(so);
	sel.size = 0;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signing_ctx_new(&so, &c, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "struct sgn_selection: size 0: initialise "
	    "it with SGN_SELECTION_INIT");
	cr_assert_null(c);
	sgn_trusted_root_free(&root);
}
