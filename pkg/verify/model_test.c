/*
 * sgn_verify_model() on model_signing's signed vectors
 * (testdata/model-signing/signed): the key and certificate methods verify,
 * and a changed, added or removed file is reported in the result's
 * differences, after the signature and never instead of it.
 */
#include <sys/stat.h>

#include <stddef.h>
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
	F.pol = (struct sgn_policy)SGN_POLICY_INIT;
	F.o = (struct sgn_verify_model_opts)SGN_VERIFY_MODEL_OPTS_INIT;
	F.res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	F.vr = (struct sgn_verify_model_result)SGN_VERIFY_MODEL_RESULT_INIT;
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

/* Results are the caller's to reset between runs (verify.h). */
static sgn_err
run(void)
{
	sgn_verify_model_result_reset(&F.vr);
	sgn_verify_result_reset(&F.res);
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
	struct sgn_manifest_opts hashing = SGN_MANIFEST_OPTS_INIT;
	uint8_t	*ca;
	size_t	 len;

	sgn_bundle_free(&F.b);
	F.b = load_bundle(SIGNED "/v1.1.0-certificate/model.sig");
	ca = tu_read(KEYS "/ca-cert.pem", &len);
	F.o.model = SIGNED "/v1.1.0-certificate";
	F.o.signature_path = SIGNED "/v1.1.0-certificate/model.sig";
	F.o.ca_pem = (const char *)ca;
	F.o.ca_len = len;
	hashing.ignore = ignore;
	hashing.n_ignore = 1;
	F.o.hashing = &hashing;
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

/* Structs with a size (core.h) ---------------------------------------- */

/* 1 when p[from .. to) all hold the byte c. */
static int
all_bytes(const unsigned char *p, size_t from, size_t to, unsigned char c)
{
	for (; from < to; from++)
		if (p[from] != c)
			return 0;
	return 1;
}

Test(verify_model, a_struct_of_size_0_is_refused_naming_its_initialiser,
    .init = setup_key, .fini = teardown)
{
	/* each caller-allocated struct of the call, one at a time */
	F.pol.size = 0;
	cr_assert_eq(run(), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(F.eb.msg, "struct sgn_policy: size 0: initialise "
	    "it with SGN_POLICY_INIT");
	cr_assert_eq(F.res.verified, 0);
	cr_assert_null(F.vr.actual, "the files were hashed anyway");
	F.pol.size = sizeof(F.pol);
	F.o.size = 0;
	cr_assert_eq(run(), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(F.eb.msg, "struct sgn_verify_model_opts: size 0: "
	    "initialise it with SGN_VERIFY_MODEL_OPTS_INIT");
	F.o.size = sizeof(F.o);
	F.vr.size = 0;
	cr_assert_eq(run(), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(F.eb.msg, "struct sgn_verify_model_result: size 0: "
	    "initialise it with SGN_VERIFY_MODEL_RESULT_INIT");
	F.vr.size = sizeof(F.vr);
	F.res.size = 0;
	cr_assert_eq(run(), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(F.eb.msg, "struct sgn_verify_result: size 0: "
	    "initialise it with SGN_VERIFY_RESULT_INIT");
	/* nor smaller than the size member itself */
	F.res.size = sizeof(size_t) - 1;
	cr_assert_eq(run(), SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(F.eb.msg, "struct sgn_verify_result: size "),
	    "%s", F.eb.msg);
	cr_assert(tu_has(F.eb.msg, "initialise it with SGN_VERIFY_RESULT_"
	    "INIT"), "%s", F.eb.msg);
	F.res.size = sizeof(F.res);
	/* and all is well again */
	cr_assert_eq(run(), SGN_OK, "%s", F.eb.msg);
}

Test(verify_model, a_struct_larger_than_the_library_knows_is_refused,
    .init = setup_key, .fini = teardown)
{
	F.pol.size = sizeof(F.pol) + 8;
	cr_assert_eq(run(), SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(F.eb.msg, "struct sgn_policy: size"), "%s",
	    F.eb.msg);
	cr_assert(tu_has(F.eb.msg, "is larger than the"), "%s", F.eb.msg);
	cr_assert(tu_has(F.eb.msg, "built against a newer signet"), "%s",
	    F.eb.msg);
}

/*
 * An older caller's policy ends before unlogged_ok: the byte there is not
 * its own and is not read (the default, 0: a bundle needs a log entry or
 * a timestamp), whatever it holds.
 */
Test(verify_model, an_older_policy_reads_the_newer_members_as_defaults,
    .init = setup_key, .fini = teardown)
{
	cr_assert_eq(F.pol.unlogged_ok, 1);
	F.pol.size = offsetof(struct sgn_policy, unlogged_ok);
	cr_assert_eq(run(), SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(F.eb.msg, "a Sigstore signature needs a verifier"),
	    "%s", F.eb.msg);
	F.pol.size = sizeof(F.pol);
	cr_assert_eq(run(), SGN_OK, "%s", F.eb.msg);
}

/*
 * Older callers' results end early: the library writes nothing past their
 * size (the bytes there keep their canary) and frees what it made for the
 * members they do not have (key_desc here; LeakSanitizer would see it).
 */
Test(verify_model, an_older_result_is_filled_only_within_its_size,
    .init = setup_key, .fini = teardown)
{
	union {
		struct sgn_verify_result	r;
		unsigned char			raw[sizeof(struct
						    sgn_verify_result)];
	} res;
	union {
		struct sgn_verify_model_result	r;
		unsigned char			raw[sizeof(struct
						    sgn_verify_model_result)];
	} mr;
	size_t rs = offsetof(struct sgn_verify_result, identity);
	size_t ms = offsetof(struct sgn_verify_model_result, diffs);

	memset(res.raw, 0xa5, sizeof(res.raw));
	memset(mr.raw, 0xa5, sizeof(mr.raw));
	res.r.size = rs;
	mr.r.size = ms;
	sgn_errbuf_clear(&F.eb);
	cr_assert_eq(sgn_verify_model(F.b, &F.o, &res.r, &mr.r, &F.eb),
	    SGN_OK, "%s", F.eb.msg);
	cr_assert_eq(res.r.verified, 1);
	cr_assert_eq(res.r.bundle_version, 3);
	cr_assert(all_bytes(res.raw, rs, sizeof(res.raw), 0xa5),
	    "written past the caller's size");
	cr_assert_not_null(mr.r.signed_manifest);
	cr_assert_not_null(mr.r.actual);
	cr_assert(all_bytes(mr.raw, ms, sizeof(mr.raw), 0xa5),
	    "written past the caller's size");
	/* the resets, too, keep within the size */
	sgn_verify_result_reset(&res.r);
	sgn_verify_model_result_reset(&mr.r);
	cr_assert_eq(res.r.size, rs);
	cr_assert_eq(res.r.verified, 0);
	cr_assert_null(mr.r.actual);
	cr_assert(all_bytes(res.raw, rs, sizeof(res.raw), 0xa5));
	cr_assert(all_bytes(mr.raw, ms, sizeof(mr.raw), 0xa5));
}
