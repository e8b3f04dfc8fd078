/*
 * sgn_sign_model() and sgn_sign_statement(): a copy of model_signing's
 * v1.1.0 key vector (testdata/model-signing/signed) is signed with its
 * key, offline; the manifest's root digest is the one model_signing signed
 * for the same files, and sgn_verify_model() verifies the bundle and
 * reports a file changed afterwards.
 */
#include <sys/stat.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "bundle.h"
#include "keys.h"
#include "manifest.h"
#include "sign.h"
#include "testutil.h"
#include "verify.h"
#include "x509.h"

#define VECTOR	"testdata/model-signing/signed/v1.1.0-elliptic-key"
#define KEYS	"testdata/model-signing/signed/keys/certificate/"

static const char *const files[] = { "ignore-me", "signme-1", "signme-2" };
static const char *const ignore[] = { "ignore-me" };

static char			 dir[64];
static char			 sig[96];
static struct sgn_signer	*signer;
static struct sgn_buf		 out;
static struct sgn_manifest	*man;
static struct sgn_errbuf	 eb;

static void
put(const char *name, const void *p, size_t n)
{
	char	 path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	tu_write(path, p, n);
}

static void
setup(void)
{
	char	 src[160];
	uint8_t	*buf;
	size_t	 len, i;

	sgn_errbuf_clear(&eb);
	sgn_buf_init(&out, 0);
	man = NULL;
	tu_tmpdir("signmodel", dir, sizeof(dir));
	snprintf(sig, sizeof(sig), "%s/model.sig", dir);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(src, sizeof(src), VECTOR "/%s", files[i]);
		buf = tu_read(src, &len);
		put(files[i], buf, len);
		free(buf);
	}
	buf = tu_read(KEYS "signing-key.pem", &len);
	cr_assert_eq(sgn_signer_from_pem((const char *)buf, len, NULL,
	    &signer, &eb), SGN_OK, "%s", eb.msg);
	sgn_memzero(buf, len);
	free(buf);
}

static void
teardown(void)
{
	tu_rmtree(dir);
	sgn_signer_free(&signer);
	sgn_buf_reset(&out);
	sgn_manifest_free(&man);
}

/* The manifest model_signing signed for the vector. */
static struct sgn_manifest *
reference_manifest(void)
{
	struct sgn_bundle	*b = NULL;
	struct sgn_manifest	*m = NULL;
	uint8_t			*buf;
	size_t			 len;

	buf = tu_read(VECTOR "/model.sig", &len);
	cr_assert_eq(sgn_bundle_parse(buf, len, &b, &eb), SGN_OK, "%s",
	    eb.msg);
	cr_assert_eq(sgn_manifest_parse_statement(b->payload.ptr,
	    b->payload.len, &m, &eb), SGN_OK, "%s", eb.msg);
	sgn_bundle_free(&b);
	free(buf);
	return m;
}

/* sgn_verify_model() of the signed copy with the signer's key. */
static sgn_err
verify_copy(struct sgn_verify_model_result *vr, const char *ca_pem,
    size_t ca_len)
{
	struct sgn_verify_model_opts	 o;
	struct sgn_verify_result	 res;
	struct sgn_policy		 pol;
	struct sgn_bundle		*b = NULL;
	sgn_err				 r;

	o = (struct sgn_verify_model_opts)SGN_VERIFY_MODEL_OPTS_INIT;
	res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	pol = (struct sgn_policy)SGN_POLICY_INIT;
	cr_assert_eq(sgn_bundle_parse(out.ptr, out.len, &b, &eb), SGN_OK,
	    "%s", eb.msg);
	pol.key = sgn_signer_pubkey(signer);
	pol.unlogged_ok = 1;
	o.model = dir;
	o.signature_path = sig;
	o.policy = &pol;
	o.ca_pem = ca_pem;
	o.ca_len = ca_len;
	sgn_errbuf_clear(&eb);
	r = sgn_verify_model(b, &o, &res, vr, &eb);
	sgn_verify_result_reset(&res);
	sgn_bundle_free(&b);
	return r;
}

Test(sign_model, signs_the_root_model_signing_signed_and_verifies,
    .init = setup, .fini = teardown)
{
	struct sgn_sign_how		 how;
	struct sgn_manifest_opts	 mo;
	struct sgn_manifest		*ref;
	struct sgn_verify_model_result	 vr;

	how = (struct sgn_sign_how)SGN_SIGN_HOW_INIT;
	mo = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	vr = (struct sgn_verify_model_result)SGN_VERIFY_MODEL_RESULT_INIT;
	how.signer = signer;
	mo.signature_path = sig;
	/* as the vector was signed */
	mo.ignore = ignore;
	mo.n_ignore = 1;
	cr_assert_eq(sgn_sign_model(&how, dir, &mo, &out, &man, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_not_null(man);
	ref = reference_manifest();
	cr_assert_eq(man->n_entries, ref->n_entries);
	cr_assert_eq(memcmp(man->root, ref->root, 32), 0,
	    "not the root model_signing signed for the same files");
	sgn_manifest_free(&ref);
	cr_assert_eq(verify_copy(&vr, NULL, 0), SGN_OK, "%s", eb.msg);
	cr_assert_eq(vr.n_diffs, 0);
	sgn_verify_model_result_reset(&vr);
}

Test(sign_model, a_file_changed_after_signing_is_a_difference,
    .init = setup, .fini = teardown)
{
	struct sgn_sign_how		 how;
	struct sgn_manifest_opts	 mo;
	struct sgn_verify_model_result	 vr;

	how = (struct sgn_sign_how)SGN_SIGN_HOW_INIT;
	mo = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	vr = (struct sgn_verify_model_result)SGN_VERIFY_MODEL_RESULT_INIT;
	how.signer = signer;
	mo.signature_path = sig;
	mo.method = SGN_MANIFEST_SHARDS;
	mo.shard_size = 4;
	cr_assert_eq(sgn_sign_model(&how, dir, &mo, &out, NULL, &eb),
	    SGN_OK, "%s", eb.msg);
	put("signme-2", "changed\n", 8);
	cr_assert_eq(verify_copy(&vr, NULL, 0), SGN_ERR_VERIFY);
	cr_assert_gt(vr.n_diffs, 0);
	cr_assert_eq(vr.diffs[0].kind, SGN_MANIFEST_CHANGED);
	cr_assert_str_eq(vr.diffs[0].entry->path, "signme-2");
	cr_assert(vr.diffs[0].entry->shard);
	cr_assert(tu_has(eb.msg, "changed signme-2 (shard 0-4)"), "%s",
	    eb.msg);
	sgn_verify_model_result_reset(&vr);
}

/* The DER of the certificate of a PEM file, as a blob. */
static struct sgn_blob
cert_blob(const char *path)
{
	struct sgn_cert	*c = NULL;
	struct sgn_blob	 b;
	uint8_t		*pem;
	size_t		 len;

	pem = tu_read(path, &len);
	cr_assert_eq(sgn_cert_from_pem((const char *)pem, len, &c, NULL),
	    SGN_OK, "%s", path);
	b.len = sgn_cert_der_len(c);
	cr_assert_not_null(b.ptr = malloc(b.len));
	memcpy(b.ptr, sgn_cert_der_ptr(c), b.len);
	sgn_cert_free(&c);
	free(pem);
	return b;
}

Test(sign_model, the_certificate_method_verifies_against_the_ca,
    .init = setup, .fini = teardown)
{
	struct sgn_sign_how		 how;
	struct sgn_manifest_opts	 mo;
	struct sgn_verify_model_result	 vr;
	struct sgn_blob			 chain[2];
	uint8_t				*ca;
	size_t				 ca_len;

	how = (struct sgn_sign_how)SGN_SIGN_HOW_INIT;
	mo = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	vr = (struct sgn_verify_model_result)SGN_VERIFY_MODEL_RESULT_INIT;
	chain[0] = cert_blob(KEYS "signing-key-cert.pem");
	chain[1] = cert_blob(KEYS "int-ca-cert.pem");
	how.signer = signer;
	how.chain = chain;
	how.n_chain = 2;
	mo.signature_path = sig;
	cr_assert_eq(sgn_sign_model(&how, dir, &mo, &out, NULL, &eb),
	    SGN_OK, "%s", eb.msg);
	ca = tu_read(KEYS "ca-cert.pem", &ca_len);
	cr_assert_eq(verify_copy(&vr, (const char *)ca, ca_len), SGN_OK,
	    "%s", eb.msg);
	sgn_verify_model_result_reset(&vr);
	/* the leaf alone does not chain to the root: refused before a file
	 * is read */
	sgn_buf_reset(&out);
	how.n_chain = 1;
	cr_assert_eq(sgn_sign_model(&how, dir, &mo, &out, NULL, &eb),
	    SGN_OK, "%s", eb.msg);
	cr_assert_eq(verify_copy(&vr, (const char *)ca, ca_len),
	    SGN_ERR_VERIFY);
	cr_assert_null(vr.actual, "files hashed for a bad signature");
	sgn_verify_model_result_reset(&vr);
	free(ca);
	free(chain[0].ptr);
	free(chain[1].ptr);
}

Test(sign_model, needs_a_way_to_sign_and_a_model,
    .init = setup, .fini = teardown)
{
	struct sgn_sign_how		 how;
	struct sgn_manifest_opts	 mo;

	how = (struct sgn_sign_how)SGN_SIGN_HOW_INIT;
	mo = (struct sgn_manifest_opts)SGN_MANIFEST_OPTS_INIT;
	mo.signature_path = sig;
	cr_assert_eq(sgn_sign_model(&how, dir, &mo, &out, &man, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_null(man);
	cr_assert_eq(out.len, 0);
	how.signer = signer;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_sign_model(&how, "/nonexistent/model", &mo, &out,
	    &man, &eb), SGN_ERR_IO, "%s", eb.msg);
	cr_assert_null(man);
	cr_assert_eq(out.len, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_sign_statement(&how, (const uint8_t *)"{}", 2, &out,
	    &eb) == SGN_OK, 0);
	cr_assert_eq(out.len, 0);
}

/* Structs with a size (core.h) ------------------------------------------ */

Test(sign_model, a_how_of_size_0_is_refused_before_the_model_is_hashed,
    .init = setup, .fini = teardown)
{
	struct sgn_sign_how		 how = SGN_SIGN_HOW_INIT;
	struct sgn_manifest_opts	 mo = SGN_MANIFEST_OPTS_INIT;

	how.signer = signer;
	how.size = 0;
	mo.signature_path = sig;
	cr_assert_eq(sgn_sign_model(&how, dir, &mo, &out, &man, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "struct sgn_sign_how: size 0: initialise "
	    "it with SGN_SIGN_HOW_INIT");
	cr_assert_null(man);
	cr_assert_eq(out.len, 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_sign_statement(&how, (const uint8_t *)"{}", 2, &out,
	    &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "struct sgn_sign_how: size 0: initialise "
	    "it with SGN_SIGN_HOW_INIT");
	cr_assert_eq(out.len, 0);
}

/*
 * An older caller's how ends before log: what lies there (here log
 * options that would be refused) is not read, and the model is signed
 * offline.
 */
Test(sign_model, an_older_how_reads_the_newer_members_as_defaults,
    .init = setup, .fini = teardown)
{
	struct sgn_sign_how		 how = SGN_SIGN_HOW_INIT;
	struct sgn_manifest_opts	 mo = SGN_MANIFEST_OPTS_INIT;
	struct sgn_log_opts		 lo = SGN_LOG_OPTS_INIT;
	struct sgn_bundle		*b = NULL;

	lo.size = 0;
	how.signer = signer;
	how.log = &lo;
	mo.signature_path = sig;
	cr_assert_eq(sgn_sign_model(&how, dir, &mo, &out, &man, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "struct sgn_log_opts: size 0: initialise "
	    "it with SGN_LOG_OPTS_INIT");
	cr_assert_eq(out.len, 0);
	sgn_manifest_free(&man);
	how.size = offsetof(struct sgn_sign_how, log);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_sign_model(&how, dir, &mo, &out, &man, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(sgn_bundle_parse(out.ptr, out.len, &b, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_eq(b->n_entries, 0, "logged");
	sgn_bundle_free(&b);
}
