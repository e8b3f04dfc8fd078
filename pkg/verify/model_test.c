/*
 * sgn_verify_model() on model_signing's signed vectors
 * (testdata/model-signing/signed): the key and certificate methods verify,
 * and a changed, added or removed file is reported in the result's
 * differences, after the signature and never instead of it.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <criterion/criterion.h>

#include "bundle.h"
#include "testutil.h"
#include "verify.h"

#define SIGNED	"testdata/model-signing/signed"
#define KEYS	SIGNED "/keys/certificate"

struct mfix {
	struct sgn_bundle		*b;
	struct sgn_pubkey		*key;
	struct sgn_policy		 pol;
	struct sgn_verify_model_opts	 o;
	struct sgn_verify_result	 res;
	struct sgn_verify_model_result	 vr;
	struct sgn_errbuf		 eb;
	char				 dir[64];	/* a copy, or "" */
	char				 path[128];
};

static struct mfix F;

static struct sgn_bundle *
load_bundle(const char *path)
{
	struct sgn_bundle	*b = NULL;
	struct sgn_errbuf	 eb;
	uint8_t			*buf;
	size_t			 len;

	sgn_errbuf_clear(&eb);
	buf = tu_read(path, &len);
	cr_assert_eq(sgn_bundle_parse(buf, len, &b, &eb), SGN_OK, "%s: %s",
	    path, eb.msg);
	free(buf);
	return b;
}

static struct sgn_pubkey *
load_key(const char *path)
{
	struct sgn_pubkey	*k = NULL;
	struct sgn_errbuf	 eb;
	uint8_t			*pem;
	size_t			 len;

	sgn_errbuf_clear(&eb);
	pem = tu_read(path, &len);
	cr_assert_eq(sgn_pubkey_from_pem((const char *)pem, len, &k, &eb),
	    SGN_OK, "%s: %s", path, eb.msg);
	free(pem);
	return k;
}

/* A fresh P-384 public key, made with OpenSSL alone. */
static struct sgn_pubkey *
other_key(void)
{
	struct sgn_pubkey	*k = NULL;
	struct sgn_errbuf	 eb;
	EVP_PKEY		*pk;
	BIO			*bio;
	char			*pem;
	long			 len;

	sgn_errbuf_clear(&eb);
	cr_assert_not_null(pk = EVP_EC_gen("P-384"));
	cr_assert_not_null(bio = BIO_new(BIO_s_mem()));
	cr_assert_eq(PEM_write_bio_PUBKEY(bio, pk), 1);
	len = BIO_get_mem_data(bio, &pem);
	cr_assert_eq(sgn_pubkey_from_pem(pem, (size_t)len, &k, &eb), SGN_OK,
	    "%s", eb.msg);
	BIO_free(bio);
	EVP_PKEY_free(pk);
	return k;
}

static void
put(const char *dir, const char *name, const void *p, size_t n)
{
	char	 path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	tu_write(path, p, n);
}

/* A writable copy of the v1.1.0 key vector's files (not its signature). */
static void
copy_key_vector(void)
{
	static const char *const files[] = { "ignore-me", "signme-1",
	    "signme-2" };
	char	 src[160];
	uint8_t	*buf;
	size_t	 len, i;

	tu_tmpdir("model", F.dir, sizeof(F.dir));
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(src, sizeof(src), SIGNED "/v1.1.0-elliptic-key/%s",
		    files[i]);
		buf = tu_read(src, &len);
		put(F.dir, files[i], buf, len);
		free(buf);
	}
	F.o.model = F.dir;
}

static void
setup_key(void)
{
	memset(&F, 0, sizeof(F));
	sgn_errbuf_clear(&F.eb);
	F.b = load_bundle(SIGNED "/v1.1.0-elliptic-key/model.sig");
	F.key = load_key(KEYS "/signing-key-pub.pem");
	F.pol.key = F.key;
	F.pol.unlogged_ok = 1;
	F.o.model = SIGNED "/v1.1.0-elliptic-key";
	F.o.signature_path = SIGNED "/v1.1.0-elliptic-key/model.sig";
	F.o.policy = &F.pol;
}

static void
teardown(void)
{
	tu_rmtree(F.dir);
	sgn_verify_model_result_reset(&F.vr);
	sgn_verify_result_reset(&F.res);
	sgn_bundle_free(&F.b);
	sgn_pubkey_free(&F.key);
}

static sgn_err
run(void)
{
	sgn_errbuf_clear(&F.eb);
	return sgn_verify_model(F.b, &F.o, &F.res, &F.vr, &F.eb);
}

Test(verify_model, a_model_signing_key_vector_verifies,
    .init = setup_key, .fini = teardown)
{
	cr_assert_eq(run(), SGN_OK, "%s", F.eb.msg);
	cr_assert_eq(F.res.verified, 1);
	cr_assert_eq(F.vr.n_diffs, 0);
	cr_assert_not_null(F.vr.signed_manifest);
	cr_assert_not_null(F.vr.actual);
	cr_assert_eq(F.vr.signed_manifest->n_entries,
	    F.vr.actual->n_entries);
	cr_assert_eq(memcmp(F.vr.signed_manifest->root, F.vr.actual->root,
	    32), 0);
	cr_assert(sgn_verify_model_is_signature(F.b));
}

Test(verify_model, a_changed_file_is_reported_in_the_differences,
    .init = setup_key, .fini = teardown)
{
	copy_key_vector();
	put(F.dir, "signme-1", "tampered\n", 9);
	cr_assert_eq(run(), SGN_ERR_VERIFY);
	cr_assert_eq(F.res.verified, 0);
	cr_assert_str_eq(F.res.check, "model");
	cr_assert_eq(F.vr.n_diffs, 1);
	cr_assert_eq(F.vr.diffs[0].kind, SGN_MANIFEST_CHANGED);
	cr_assert_str_eq(F.vr.diffs[0].entry->path, "signme-1");
	cr_assert(tu_has(F.eb.msg, "1 file differs from the signature: "
	    "changed signme-1"), "%s", F.eb.msg);
}

Test(verify_model, an_added_and_a_removed_file_are_both_reported,
    .init = setup_key, .fini = teardown)
{
	char	path[160];

	copy_key_vector();
	put(F.dir, "signme-3", "new\n", 4);
	snprintf(path, sizeof(path), "%s/signme-2", F.dir);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(run(), SGN_ERR_VERIFY);
	cr_assert_eq(F.vr.n_diffs, 2);
	cr_assert_eq(F.vr.diffs[0].kind, SGN_MANIFEST_MISSING);
	cr_assert_str_eq(F.vr.diffs[0].entry->path, "signme-2");
	cr_assert_eq(F.vr.diffs[1].kind, SGN_MANIFEST_EXTRA);
	cr_assert_str_eq(F.vr.diffs[1].entry->path, "signme-3");
	cr_assert(tu_has(F.eb.msg, "2 files differ"), "%s", F.eb.msg);
}

Test(verify_model, an_unchanged_copy_verifies,
    .init = setup_key, .fini = teardown)
{
	copy_key_vector();
	cr_assert_eq(run(), SGN_OK, "%s", F.eb.msg);
	cr_assert_eq(F.vr.n_diffs, 0);
}

Test(verify_model, another_key_fails_before_the_files_are_read,
    .init = setup_key, .fini = teardown)
{
	struct sgn_pubkey	*ca;

	copy_key_vector();
	put(F.dir, "signme-1", "tampered\n", 9);
	ca = other_key();
	F.pol.key = ca;
	cr_assert_eq(run(), SGN_ERR_VERIFY);
	cr_assert_str_neq(F.res.check, "model");
	cr_assert_eq(F.vr.n_diffs, 0);
	cr_assert_null(F.vr.actual, "the files were hashed anyway");
	sgn_pubkey_free(&ca);
}

Test(verify_model, the_certificate_method_verifies_against_its_ca,
    .init = setup_key, .fini = teardown)
{
	static const char *const ignore[] = { "ignore-me" };
	uint8_t	*ca;
	size_t	 len;

	sgn_bundle_free(&F.b);
	F.b = load_bundle(SIGNED "/v1.1.0-certificate/model.sig");
	ca = tu_read(KEYS "/ca-cert.pem", &len);
	F.o.model = SIGNED "/v1.1.0-certificate";
	F.o.signature_path = SIGNED "/v1.1.0-certificate/model.sig";
	F.o.ca_pem = (const char *)ca;
	F.o.ca_len = len;
	F.o.hashing.ignore = ignore;
	F.o.hashing.n_ignore = 1;
	cr_assert_eq(run(), SGN_OK, "%s", F.eb.msg);
	cr_assert_eq(F.vr.n_diffs, 0);
	free(ca);
}

Test(verify_model, a_directory_signature_refuses_a_single_file,
    .init = setup_key, .fini = teardown)
{
	F.o.model = SIGNED "/v1.1.0-elliptic-key/signme-1";
	cr_assert_eq(run(), SGN_ERR_VERIFY);
	cr_assert(tu_has(F.eb.msg, "the signature covers a directory"),
	    "%s", F.eb.msg);
}

Test(verify_model, a_fifo_as_the_model_cannot_be_checked,
    .init = setup_key, .fini = teardown)
{
	char	fifo[160];

	copy_key_vector();
	snprintf(fifo, sizeof(fifo), "%s/signme-3", F.dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	F.o.model = fifo;
	cr_assert_eq(run(), SGN_ERR_IO);
	cr_assert(tu_has(F.eb.msg, "not a regular file or a directory"),
	    "%s", F.eb.msg);
}

Test(verify_model, a_message_signature_is_not_a_model_signature,
    .init = setup_key, .fini = teardown)
{
	sgn_bundle_free(&F.b);
	F.b = load_bundle("testdata/vectors/rekor-v1-hashedrekord/"
	    "bundle.sigstore.json");
	cr_assert(!sgn_verify_model_is_signature(F.b));
	cr_assert_eq(run(), SGN_ERR_VERIFY);
	cr_assert(tu_has(F.eb.msg, "a model signature is a DSSE envelope"),
	    "%s", F.eb.msg);
}
