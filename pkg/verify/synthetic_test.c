/*
 * Synthetic tests for sgn_verify(): bundles minted on demand by a private
 * Sigstore instance (fixtures.h) reach whole classes of cases that the
 * conformance suite and the production vectors only sample: every key
 * type, both Rekor versions with every log key type, times at and across
 * every validity boundary, and tampering no recorded vector carries.
 *
 * Each positive case verifies against the world's trusted_root.json;
 * each negative case must fail in the named check with a message naming
 * the problem.  Criterion runs every test in its own process, so each
 * builds its own world (EC keys are fresh, RSA keys fixed fixtures).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <openssl/evp.h>

#include "bundle.h"
#include "fixtures.h"
#include "testutil.h"
#include "trust.h"
#include "verify.h"

static struct fx_world *W;

static void
setup(void)
{
	W = fx_world_new();
}

static void
teardown(void)
{
	fx_world_free(&W);
}

TestSuite(synthetic, .init = setup, .fini = teardown);

/* Harness ------------------------------------------------------------------ */

struct tcase {
	struct fx_root_opts		 root;
	struct fx_bundle_opts		 b;
	struct sgn_policy		 pol;
	const struct sgn_artifact	*art;	/* default: the bytes */
	int64_t				 now;	/* default: the clock */
};

struct outcome {
	sgn_err				 r;
	struct sgn_verify_result	 res;
	struct sgn_errbuf		 eb;
};

static void
tcase_init(struct tcase *t)
{
	memset(t, 0, sizeof(*t));
	t->pol = (struct sgn_policy)SGN_POLICY_INIT;
}

/* A keyless case signed by leaf l. */
static void
keyless(struct tcase *t, const struct fx_leaf *l)
{
	tcase_init(t);
	t->b.leaf = l;
}

/* Puts entry i on a log; a Rekor v2 entry needs an RFC 3161 time. */
static void
on_log(struct tcase *t, size_t i, int log)
{
	t->b.entry[i].log = log;
	if ((log == FX_REKOR_V2_ED || log == FX_REKOR_V2_EC) && t->b.n_ts == 0)
		t->b.n_ts = 1;
}

/* Verifies bundle text against root text. */
static void
verify_text(const char *root, const char *bundle, const struct tcase *t,
    struct outcome *o)
{
	struct sgn_trusted_root *tr = NULL;
	struct sgn_verifier *v = NULL;
	struct sgn_bundle *b = NULL;
	struct sgn_pubkey *own = NULL;
	struct sgn_policy pol = t->pol;
	struct sgn_artifact art;

	memset(o, 0, sizeof(*o));
	o->res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	cr_assert_eq(sgn_trusted_root_parse((const uint8_t *)root,
	    strlen(root), &tr, &o->eb), SGN_OK, "trusted root: %s", o->eb.msg);
	cr_assert_eq(sgn_verifier_new(tr, &v, NULL), SGN_OK);
	if (t->now != 0)
		sgn_verifier_set_now(v, t->now);
	if (t->b.leaf != NULL) {
		if (pol.identity == NULL && pol.identity_regexp == NULL)
			pol.identity = FX_EMAIL;
		if (pol.issuer == NULL && pol.issuer_regexp == NULL)
			pol.issuer = FX_ISSUER;
	} else if (pol.key == NULL) {
		pol.key = own = fx_key_pub(t->b.key);
	}
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	if (t->art != NULL) {
		art = *t->art;
	} else if (t->b.artifact != NULL) {
		art.data = t->b.artifact;
		art.len = t->b.artifact_len;
	} else {
		art.data = (const uint8_t *)FX_ARTIFACT;
		art.len = strlen(FX_ARTIFACT);
	}
	o->r = sgn_bundle_parse((const uint8_t *)bundle, strlen(bundle), &b,
	    &o->eb);
	if (o->r != SGN_OK)
		snprintf(o->res.check, sizeof(o->res.check), "bundle");
	else
		o->r = sgn_verify(v, b, &art, &pol, &o->res, &o->eb);
	sgn_bundle_free(&b);
	sgn_pubkey_free(&own);
	sgn_verifier_free(&v);
	sgn_trusted_root_free(&tr);
}

/* Mints the root and the bundle of t and verifies. */
static void
run(struct tcase *t, struct outcome *o)
{
	char *root = fx_trusted_root(W, &t->root);
	char *bundle = fx_bundle(W, &t->b);

	verify_text(root, bundle, t, o);
	free(root);
	free(bundle);
}

static void
check_ok(const struct outcome *o)
{
	cr_assert_eq(o->r, SGN_OK, "expected success: %s", o->eb.msg);
	cr_assert(o->res.verified);
	cr_assert_str_eq(o->res.check, "");
}

static void
check_fail(const struct outcome *o, const char *check, const char *needle)
{
	cr_assert_neq(o->r, SGN_OK, "verified; expected a failure in %s "
	    "naming \"%s\"", check, needle);
	cr_assert_eq(sgn_err_exit_status(o->r), 1, "not a verification "
	    "failure: %s", o->eb.msg);
	cr_assert(!o->res.verified);
	cr_assert_str_eq(o->res.check, check, "failed in \"%s\" (%s), "
	    "expected \"%s\"", o->res.check, o->eb.msg, check);
	cr_assert(tu_has(o->eb.msg, needle), "message \"%s\" does not name "
	    "\"%s\"", o->eb.msg, needle);
	cr_log_info("rejected as expected: %s", o->eb.msg);
}

static void
expect_ok(struct tcase *t)
{
	struct outcome o;

	run(t, &o);
	check_ok(&o);
	sgn_verify_result_reset(&o.res);
}

static void
expect_fail(struct tcase *t, const char *check, const char *needle)
{
	struct outcome o;

	run(t, &o);
	check_fail(&o, check, needle);
	sgn_verify_result_reset(&o.res);
}

/* The decoded canonicalizedBody of entry i of bundle text. */
static char *
body_of(const char *bundle, size_t i)
{
	struct sgn_bundle *b = NULL;
	char *s;

	cr_assert_eq(sgn_bundle_parse((const uint8_t *)bundle, strlen(bundle),
	    &b, NULL), SGN_OK);
	cr_assert_lt(i, b->n_entries);
	s = strndup((const char *)b->entries[i].body.ptr,
	    b->entries[i].body.len);
	cr_assert_not_null(s);
	sgn_bundle_free(&b);
	return s;
}

/* entries[i] of a parsed bundle. */
static cJSON *
entry_json(cJSON *bundle, int i)
{
	cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(bundle, "verificationMaterial"),
	    "tlogEntries"), i);

	cr_assert_not_null(e);
	return e;
}

/* Mints t's bundle, lets edit() change entry 0, and verifies. */
static void
run_edited(struct tcase *t, void (*edit)(cJSON *entry), struct outcome *o)
{
	char *root = fx_trusted_root(W, &t->root);
	char *bundle = fx_bundle(W, &t->b), *s;
	cJSON *j;

	cr_assert_not_null(j = cJSON_Parse(bundle));
	edit(entry_json(j, 0));
	cr_assert_not_null(s = cJSON_PrintUnformatted(j));
	verify_text(root, s, t, o);
	free(s);
	cJSON_Delete(j);
	free(bundle);
	free(root);
}

static void
expect_fail_edited(struct tcase *t, void (*edit)(cJSON *entry),
    const char *check, const char *needle)
{
	struct outcome o;

	run_edited(t, edit, &o);
	check_fail(&o, check, needle);
	sgn_verify_result_reset(&o.res);
}

/* 1. Managed keys of every type ------------------------------------------ */

static const char *
key_desc(fx_kt kt)
{
	switch (kt) {
	case FX_P256:
		return "ECDSA P-256";
	case FX_P384:
		return "ECDSA P-384";
	case FX_P521:
		return "ECDSA P-521";
	case FX_ED25519:
		return "Ed25519";
	case FX_RSA2048:
		return "RSA-2048";
	case FX_RSA3072:
		return "RSA-3072";
	case FX_RSA4096:
		return "RSA-4096";
	}
	return "?";
}

/*
 * A managed key of type kt signs over log: the bundle verifies with the
 * key, names it in a Rekor v2 body, and fails with another key of the
 * same type.
 */
static void
managed(fx_kt kt, int log)
{
	struct fx_key *k = fx_key_new(kt, 0), *other = fx_key_new(kt, 1);
	struct sgn_pubkey *pk = fx_key_pub(other);
	struct tcase t;
	struct outcome o;
	char *bundle, *body;

	tcase_init(&t);
	t.b.key = k;
	on_log(&t, 0, log);
	run(&t, &o);
	check_ok(&o);
	cr_assert_str_eq(o.res.key_desc, key_desc(kt));
	cr_assert_eq(o.res.has_integrated_time, log == FX_REKOR_V1);
	sgn_verify_result_reset(&o.res);
	if (log != FX_REKOR_V1) {
		bundle = fx_bundle(W, &t.b);
		body = body_of(bundle, 0);
		cr_assert(tu_has(body, fx_key_details(kt)), "%s", body);
		cr_assert(tu_has(body, "\"publicKey\":{\"rawBytes\""));
		free(body);
		free(bundle);
	}
	t.pol.key = pk;
	expect_fail(&t, "tlog body", "not the given key");
	sgn_pubkey_free(&pk);
	fx_key_free(&other);
	fx_key_free(&k);
}

Test(synthetic, managed_p256_key_on_rekor_v1)
{
	managed(FX_P256, FX_REKOR_V1);
}

Test(synthetic, managed_p384_key_on_rekor_v1)
{
	managed(FX_P384, FX_REKOR_V1);
}

Test(synthetic, managed_p521_key_on_rekor_v1)
{
	managed(FX_P521, FX_REKOR_V1);
}

Test(synthetic, managed_ed25519_key_on_rekor_v1)
{
	managed(FX_ED25519, FX_REKOR_V1);
}

Test(synthetic, managed_rsa2048_key_on_rekor_v1)
{
	managed(FX_RSA2048, FX_REKOR_V1);
}

Test(synthetic, managed_rsa3072_key_on_rekor_v1)
{
	managed(FX_RSA3072, FX_REKOR_V1);
}

Test(synthetic, managed_rsa4096_key_on_rekor_v1)
{
	managed(FX_RSA4096, FX_REKOR_V1);
}

/* Rekor v2 refuses pure Ed25519 for hashedrekord: no Ed25519 case. */
Test(synthetic, managed_p256_key_on_rekor_v2)
{
	managed(FX_P256, FX_REKOR_V2_ED);
	managed(FX_P256, FX_REKOR_V2_EC);
}

Test(synthetic, managed_p384_key_on_rekor_v2)
{
	managed(FX_P384, FX_REKOR_V2_ED);
	managed(FX_P384, FX_REKOR_V2_EC);
}

Test(synthetic, managed_p521_key_on_rekor_v2)
{
	managed(FX_P521, FX_REKOR_V2_ED);
}

Test(synthetic, managed_rsa2048_key_on_rekor_v2)
{
	managed(FX_RSA2048, FX_REKOR_V2_ED);
}

Test(synthetic, managed_rsa3072_key_on_rekor_v2)
{
	managed(FX_RSA3072, FX_REKOR_V2_EC);
}

Test(synthetic, managed_rsa4096_key_on_rekor_v2)
{
	managed(FX_RSA4096, FX_REKOR_V2_ED);
}

/* The log names the given key, but another key made the signature. */
Test(synthetic, managed_key_signature_by_another_key_fails)
{
	static const fx_kt kts[] = { FX_P256, FX_ED25519, FX_RSA2048 };
	struct tcase t;
	size_t i;

	for (i = 0; i < sizeof(kts) / sizeof(kts[0]); i++) {
		struct fx_key *k = fx_key_new(kts[i], 0);
		struct fx_key *other = fx_key_new(kts[i], 1);

		tcase_init(&t);
		t.b.key = k;
		t.b.sign_key = other;
		expect_fail(&t, "signature", "does not verify");
		if (kts[i] != FX_ED25519) {
			on_log(&t, 0, FX_REKOR_V2_EC);
			expect_fail(&t, "signature", "does not verify");
		}
		fx_key_free(&other);
		fx_key_free(&k);
	}
}

Test(synthetic, managed_key_bundle_needs_the_key)
{
	struct fx_key *k = fx_key_new(FX_P256, 0);
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct sgn_pubkey *pk = fx_key_pub(k);
	struct tcase t;

	/* A keyless bundle is not verified with --key. */
	keyless(&t, l);
	t.pol.key = pk;
	expect_fail(&t, "material", "not a managed key");
	sgn_pubkey_free(&pk);
	fx_leaf_free(&l);
	fx_key_free(&k);
}

Test(synthetic, rekor_v2_key_details_of_another_key_type_fails)
{
	struct fx_key *k = fx_key_new(FX_RSA2048, 0);
	struct tcase t;

	tcase_init(&t);
	t.b.key = k;
	on_log(&t, 0, FX_REKOR_V2_ED);
	t.b.entry[0].key_details = "PKIX_ECDSA_P256_SHA_256";
	expect_fail(&t, "tlog body", "key details");
	fx_key_free(&k);
}

/*
 * Regression: a Rekor v2 body whose keyDetails names another key than the
 * one it records (PKIX_RSA_PKCS1V15_4096_SHA256 for a 2048-bit key) was
 * accepted when only the key type was compared.  Rekor v2 derives
 * keyDetails from the key and sigstore-go rebuilds the body from the key
 * (REFERENCE 6.2), so such a body was never logged for this key.
 */
Test(synthetic, rekor_v2_key_details_of_another_key_size_fails)
{
	struct fx_key *k = fx_key_new(FX_RSA2048, 0);
	struct tcase t;

	tcase_init(&t);
	t.b.key = k;
	on_log(&t, 0, FX_REKOR_V2_ED);
	t.b.entry[0].key_details = "PKIX_RSA_PKCS1V15_4096_SHA256";
	expect_fail(&t, "tlog body", "key details");
	fx_key_free(&k);
}

/* 2. Keyless: key types, CAs, CT logs ------------------------------------ */

static void
keyless_case(fx_kt kt, int ca, int log)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;
	struct outcome o;

	memset(&lo, 0, sizeof(lo));
	lo.key_type = kt;
	lo.ca = ca;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	on_log(&t, 0, log);
	run(&t, &o);
	check_ok(&o);
	cr_assert_str_eq(o.res.identity, FX_EMAIL);
	cr_assert_eq(o.res.identity_type, SGN_SAN_EMAIL);
	cr_assert_str_eq(o.res.issuer, FX_ISSUER);
	cr_assert_str_eq(o.res.key_desc, key_desc(kt));
	cr_assert_eq(o.res.cert_not_before.sec, FX_T0);
	cr_assert_eq(o.res.cert_not_after.sec, FX_T0 + FX_LIFETIME);
	if (log == FX_REKOR_V1) {
		cr_assert(o.res.has_integrated_time);
		cr_assert_eq(o.res.integrated_time, FX_IT);
		cr_assert_eq(o.res.n_timestamps, 0);
	} else {
		cr_assert(!o.res.has_integrated_time);
		cr_assert_eq(o.res.n_timestamps, 1);
		cr_assert_eq(o.res.timestamps[0].sec, FX_TS);
	}
	sgn_verify_result_reset(&o.res);
	fx_leaf_free(&l);
}

Test(synthetic, keyless_p256_leaf_under_p384_ca)
{
	keyless_case(FX_P256, FX_CA_P384, FX_REKOR_V1);
	keyless_case(FX_P256, FX_CA_P384, FX_REKOR_V2_ED);
	keyless_case(FX_P256, FX_CA_P384, FX_REKOR_V2_EC);
}

Test(synthetic, keyless_p384_leaf_under_p384_ca)
{
	keyless_case(FX_P384, FX_CA_P384, FX_REKOR_V1);
	keyless_case(FX_P384, FX_CA_P384, FX_REKOR_V2_ED);
}

Test(synthetic, keyless_p256_leaf_under_p256_ca)
{
	keyless_case(FX_P256, FX_CA_P256, FX_REKOR_V1);
	keyless_case(FX_P256, FX_CA_P256, FX_REKOR_V2_EC);
}

Test(synthetic, keyless_p384_leaf_under_p256_ca)
{
	keyless_case(FX_P384, FX_CA_P256, FX_REKOR_V1);
	keyless_case(FX_P384, FX_CA_P256, FX_REKOR_V2_ED);
}

Test(synthetic, keyless_leaf_from_a_ca_missing_from_the_root_fails)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	memset(&lo, 0, sizeof(lo));
	lo.ca = FX_CA_P256;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	t.root.drop = FX_BIT(FX_CA_P256);
	expect_fail(&t, "certificate", "does not verify to the trusted CA");
	fx_leaf_free(&l);
}

Test(synthetic, sct_from_the_rsa_ct_log_verifies)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	memset(&lo, 0, sizeof(lo));
	lo.ct = FX_CT_RSA;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	expect_ok(&t);
	on_log(&t, 0, FX_REKOR_V2_ED);
	expect_ok(&t);
	/* ... and only while the RSA log is trusted */
	t.root.drop = FX_BIT(FX_CT_RSA);
	expect_fail(&t, "SCT", "no embedded SCT comes from a CT log");
	fx_leaf_free(&l);
}

Test(synthetic, sct_outside_the_ct_log_window_fails)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;
	int ct[] = { FX_CT_EC, FX_CT_RSA };
	size_t i;

	for (i = 0; i < 2; i++) {
		memset(&lo, 0, sizeof(lo));
		lo.ct = ct[i];
		l = fx_leaf_new(W, &lo);
		keyless(&t, l);
		fx_root_set_end(&t.root, ct[i], FX_T0 - 1);
		expect_fail(&t, "SCT", "outside the validity of CT log");
		/* an SCT after the end of the window, not only before */
		t.root.win[ct[i]].start = FX_T0 + 1;
		t.root.win[ct[i]].has_end = 0;
		expect_fail(&t, "SCT", "outside the validity of CT log");
		fx_leaf_free(&l);
	}
}

Test(synthetic, sct_from_an_unknown_ct_log_only_fails)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	memset(&lo, 0, sizeof(lo));
	lo.ct = FX_CT_OTHER;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	expect_fail(&t, "SCT", "no embedded SCT comes from a CT log");
	/* once the root lists that log, the same leaf verifies */
	t.root.add = FX_BIT(FX_CT_OTHER);
	expect_ok(&t);
	fx_leaf_free(&l);
}

Test(synthetic, sct_from_an_unknown_and_a_trusted_ct_log_verifies)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	memset(&lo, 0, sizeof(lo));
	lo.ct = FX_CT_OTHER;
	lo.ct2 = FX_CT_EC;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	expect_ok(&t);
	fx_leaf_free(&l);
}

/* The precertificate TBS drops the SCT list wherever it sits. */
Test(synthetic, sct_list_before_other_extensions_verifies)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;
	int at;

	for (at = 1; at <= 7; at += 3) {
		memset(&lo, 0, sizeof(lo));
		lo.sct_at = at;
		lo.ct = at == 4 ? FX_CT_RSA : FX_CT_EC;
		l = fx_leaf_new(W, &lo);
		keyless(&t, l);
		expect_ok(&t);
		fx_leaf_free(&l);
	}
}

Test(synthetic, leaf_without_sct_fails)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	memset(&lo, 0, sizeof(lo));
	lo.no_sct = 1;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	expect_fail(&t, "SCT", "no embedded SCT");
	on_log(&t, 0, FX_REKOR_V2_EC);
	expect_fail(&t, "SCT", "no embedded SCT");
	fx_leaf_free(&l);
}

/* 3. Rekor v2 logs and checkpoints ------------------------------------ */

Test(synthetic, rekor_v2_ed25519_log_verifies)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	struct outcome o;

	keyless(&t, l);
	on_log(&t, 0, FX_REKOR_V2_ED);
	run(&t, &o);
	check_ok(&o);
	cr_assert_str_eq(o.res.log_url, W->rekor_v2_ed.base_url);
	cr_assert_arr_eq(o.res.log_id, W->rekor_v2_ed.log_id, 32);
	cr_assert_str_eq(o.res.entry_kind, "hashedrekord 0.0.2");
	cr_assert_eq(o.res.log_index, 317 * 2 / 3);
	sgn_verify_result_reset(&o.res);
	fx_leaf_free(&l);
}

Test(synthetic, rekor_v2_ecdsa_log_verifies)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	struct outcome o;

	keyless(&t, l);
	on_log(&t, 0, FX_REKOR_V2_EC);
	run(&t, &o);
	check_ok(&o);
	cr_assert_str_eq(o.res.log_url, W->rekor_v2_ec.base_url);
	sgn_verify_result_reset(&o.res);
	fx_leaf_free(&l);
}

Test(synthetic, rekor_v1_entry_reports_the_global_index)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	struct outcome o;

	keyless(&t, l);
	run(&t, &o);
	check_ok(&o);
	cr_assert_eq(o.res.log_index, FX_SHARD_OFFSET + 317 * 2 / 3);
	cr_assert_str_eq(o.res.entry_kind, "hashedrekord 0.0.1");
	sgn_verify_result_reset(&o.res);
	fx_leaf_free(&l);
}

Test(synthetic, checkpoint_with_witness_lines_verifies)
{
	static const int logs[] = { FX_REKOR_V1, FX_REKOR_V2_ED,
	    FX_REKOR_V2_EC };
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	size_t i;

	for (i = 0; i < 3; i++) {
		keyless(&t, l);
		on_log(&t, 0, logs[i]);
		t.b.entry[0].witnesses_before = 2;
		expect_ok(&t);
		t.b.entry[0].witnesses_before = 0;
		t.b.entry[0].witnesses_after = 3;
		expect_ok(&t);
		t.b.entry[0].witnesses_before = 1;
		t.b.entry[0].witnesses_after = 2;
		expect_ok(&t);
	}
	fx_leaf_free(&l);
}

Test(synthetic, checkpoint_with_a_wrong_key_hint_fails)
{
	static const int logs[] = { FX_REKOR_V1, FX_REKOR_V2_ED,
	    FX_REKOR_V2_EC };
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	size_t i;

	for (i = 0; i < 3; i++) {
		keyless(&t, l);
		on_log(&t, 0, logs[i]);
		t.b.entry[0].wrong_hint = 1;
		t.b.entry[0].witnesses_after = 1;
		expect_fail(&t, "checkpoint", "no signature from");
	}
	fx_leaf_free(&l);
}

Test(synthetic, checkpoint_with_a_bad_log_signature_fails)
{
	static const int logs[] = { FX_REKOR_V1, FX_REKOR_V2_ED,
	    FX_REKOR_V2_EC };
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	size_t i;

	for (i = 0; i < 3; i++) {
		keyless(&t, l);
		on_log(&t, 0, logs[i]);
		t.b.entry[0].bad_cp_sig = 1;
		t.b.entry[0].witnesses_before = 1;
		expect_fail(&t, "checkpoint", "does not verify");
	}
	fx_leaf_free(&l);
}

Test(synthetic, rekor_v2_checkpoint_origin_mismatch_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	on_log(&t, 0, FX_REKOR_V2_ED);
	t.b.entry[0].origin = "log2030-2.rekor.fx.test";
	expect_fail(&t, "checkpoint", "origin");
	on_log(&t, 0, FX_REKOR_V2_EC);
	/* the origin is the baseUrl's host, without its port */
	t.b.entry[0].origin = "log-ec.rekor.fx.test:8443";
	expect_fail(&t, "checkpoint", "origin");
	fx_leaf_free(&l);
}

/* What a private Rekor v1 deployment writes: its pod's name, not a URL. */
#define POD_ORIGIN	"rekor-00001-deployment-7f9c6b5d4-q2x8z - " \
			"6364295127946722345"

/*
 * Regression: a Rekor v1 checkpoint's origin is "<hostname> - <tree ID>"
 * with the server's own hostname, a pod name in private deployments, and
 * sigstore-go verifies such bundles; signet failed them ("origin ... is
 * not log https://...").  The log is the one whose key signed the note.
 */
Test(synthetic, rekor_v1_checkpoint_with_a_pod_name_origin_verifies)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].origin = POD_ORIGIN;
	expect_ok(&t);
	/* nor is the origin of another log's host held against it */
	t.b.entry[0].origin = "rekor.other.test - 42";
	expect_ok(&t);
	fx_leaf_free(&l);
}

/* The attacker's side: with any origin, only the log's key counts. */
Test(synthetic, rekor_v1_checkpoint_signed_by_another_key_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].origin = POD_ORIGIN;
	/* another log's key, with that key's hint */
	t.b.entry[0].cp_key = FX_REKOR_OTHER;
	expect_fail(&t, "checkpoint", "no signature from");
	/* a v2 log of the trusted root is still not this entry's log */
	t.b.entry[0].cp_key = FX_REKOR_V2_EC;
	expect_fail(&t, "checkpoint", "no signature from");
	/* the log's hint over a signature that does not verify */
	t.b.entry[0].cp_key = 0;
	t.b.entry[0].bad_cp_sig = 1;
	expect_fail(&t, "checkpoint", "does not verify");
	/* the log's signature under another key's hint */
	t.b.entry[0].bad_cp_sig = 0;
	t.b.entry[0].wrong_hint = 1;
	expect_fail(&t, "checkpoint", "no signature from");
	fx_leaf_free(&l);
}

/* Rekor v1 shards share the log's key and host, not its tree ID. */
Test(synthetic, rekor_v1_checkpoint_of_another_shard_verifies)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].origin = "rekor.fx.test - 42";
	expect_ok(&t);
	fx_leaf_free(&l);
}

Test(synthetic, rekor_v1_checkpoint_with_an_extension_line_verifies)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].cp_ext = "Timestamp: 1700000030123456789";
	expect_ok(&t);
	fx_leaf_free(&l);
}

Test(synthetic, entry_only_from_an_untrusted_log_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	on_log(&t, 0, FX_REKOR_V2_ED);
	t.root.drop = FX_BIT(FX_REKOR_V2_ED);
	expect_fail(&t, "tlog", "no entry comes from a transparency log");
	on_log(&t, 0, FX_REKOR_OTHER);
	expect_fail(&t, "tlog", "no entry comes from a transparency log");
	t.root.add = FX_BIT(FX_REKOR_OTHER);
	expect_ok(&t);
	fx_leaf_free(&l);
}

/* 4. Times --------------------------------------------------------------- */

Test(synthetic, integrated_time_at_the_log_window_end_verifies)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	fx_root_set_end(&t.root, FX_REKOR_V1, FX_IT);
	expect_ok(&t);
	fx_root_set_end(&t.root, FX_REKOR_V1, FX_IT - 1);
	expect_fail(&t, "tlog", "outside the validity of log");
	/* and the start is inclusive too */
	t.root.win[FX_REKOR_V1].start = FX_IT;
	t.root.win[FX_REKOR_V1].has_end = 0;
	expect_ok(&t);
	t.root.win[FX_REKOR_V1].start = FX_IT + 1;
	expect_fail(&t, "tlog", "outside the validity of log");
	fx_leaf_free(&l);
}

Test(synthetic, integrated_time_at_the_ca_window_end_verifies)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;
	int ca[] = { FX_CA_P384, FX_CA_P256 };
	size_t i;

	for (i = 0; i < 2; i++) {
		memset(&lo, 0, sizeof(lo));
		lo.ca = ca[i];
		l = fx_leaf_new(W, &lo);
		keyless(&t, l);
		fx_root_set_end(&t.root, ca[i], FX_IT);
		expect_ok(&t);
		fx_root_set_end(&t.root, ca[i], FX_IT - 1);
		expect_fail(&t, "certificate",
		    "outside the validity of the Fulcio CA");
		fx_leaf_free(&l);
	}
}

Test(synthetic, integrated_time_at_the_leaf_bounds_verifies)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].integrated_time = FX_T0;
	expect_ok(&t);
	t.b.entry[0].integrated_time = FX_T0 + FX_LIFETIME;
	expect_ok(&t);
	fx_leaf_free(&l);
}

Test(synthetic, leaf_not_yet_valid_at_the_integrated_time_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].integrated_time = FX_T0 - 1;
	expect_fail(&t, "certificate", "not valid at signing time");
	fx_leaf_free(&l);
}

Test(synthetic, leaf_expired_at_the_integrated_time_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].integrated_time = FX_T0 + FX_LIFETIME + 1;
	expect_fail(&t, "certificate", "not valid at signing time");
	/* a good RFC 3161 time does not excuse a bad integrated time */
	t.b.n_ts = 1;
	expect_fail(&t, "certificate", "not valid at signing time");
	fx_leaf_free(&l);
}

Test(synthetic, integrated_time_in_the_future_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.now = FX_IT - 3600;
	expect_fail(&t, "tlog", "in the future");
	t.now = FX_IT + 3600;
	expect_ok(&t);
	fx_leaf_free(&l);
}

Test(synthetic, tsa_time_at_the_tsa_window_end_verifies)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	on_log(&t, 0, FX_REKOR_V2_ED);
	fx_root_set_end(&t.root, FX_TSA, FX_TS);
	expect_ok(&t);
	fx_root_set_end(&t.root, FX_TSA, FX_TS - 1);
	expect_fail(&t, "timestamp", "outside the validity of TSA");
	fx_leaf_free(&l);
}

Test(synthetic, tsa_leaf_expired_at_gen_time_fails)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	/* Everything else is valid two years on; the TSA leaf is not. */
	memset(&lo, 0, sizeof(lo));
	lo.not_before = FX_T0 + 2 * FX_YEAR;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	on_log(&t, 0, FX_REKOR_V2_ED);
	t.b.ts[0] = FX_T0 + 2 * FX_YEAR + 31;
	expect_fail(&t, "timestamp", "not valid at");
	fx_leaf_free(&l);
}

Test(synthetic, tsa_time_outside_the_leaf_validity_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	on_log(&t, 0, FX_REKOR_V2_EC);
	t.b.ts[0] = FX_T0 + FX_LIFETIME + 1;
	expect_fail(&t, "certificate", "not valid at signing time");
	t.b.ts[0] = FX_T0 + FX_LIFETIME;
	expect_ok(&t);
	fx_leaf_free(&l);
}

Test(synthetic, timestamp_over_other_bytes_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	on_log(&t, 0, FX_REKOR_V2_ED);
	t.b.ts_over_artifact = 1;
	expect_fail(&t, "timestamp", "imprint");
	fx_leaf_free(&l);
}

Test(synthetic, timestamp_from_a_tsa_missing_from_the_root_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	on_log(&t, 0, FX_REKOR_V2_ED);
	t.root.drop = FX_BIT(FX_TSA);
	expect_fail(&t, "timestamp", "no timestamp authority");
	fx_leaf_free(&l);
}

/* Verifies t and checks that timestamp idx alone was ignored, why. */
static void
expect_ok_ignoring(struct tcase *t, size_t idx, const char *why,
    size_t verified)
{
	struct outcome o;

	run(t, &o);
	check_ok(&o);
	cr_assert_eq(o.res.n_timestamps, verified);
	cr_assert_eq(o.res.n_ignored, 1, "%zu ignored", o.res.n_ignored);
	cr_assert_eq(o.res.ignored[0].index, idx);
	cr_assert_str_eq(o.res.ignored[0].reason, why);
	sgn_verify_result_reset(&o.res);
}

#define IMPRINT	"message imprint does not match the signature"
#define NOT_OURS "not signed by a TSA of the trusted root"

/*
 * Regression: sigstore-go and sigstore-python count the timestamps that
 * verify against a threshold of 1 and ignore the rest; a bundle whose
 * second timestamp is over another message failed here ("timestamp 1:
 * message imprint does not match the signature").
 */
Test(synthetic, a_timestamp_over_another_message_is_ignored)
{
	static const int logs[] = { FX_REKOR_V1, FX_REKOR_V2_ED };
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	size_t i;

	for (i = 0; i < 2; i++) {
		keyless(&t, l);
		on_log(&t, 0, logs[i]);
		t.b.n_ts = 2;
		t.b.ts[0] = FX_TS;
		t.b.ts[1] = FX_TS + 1;
		t.b.ts_other_bytes = 2;
		expect_ok_ignoring(&t, 1, IMPRINT, 1);
		/* the first one, too */
		t.b.ts_other_bytes = 1;
		expect_ok_ignoring(&t, 0, IMPRINT, 1);
	}
	fx_leaf_free(&l);
}

/* With no timestamp verified and no integrated time, the bundle fails
 * naming every timestamp and why. */
Test(synthetic, every_timestamp_bad_and_no_other_time_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct fx_key *k = fx_key_new(FX_P256, 0);
	struct tcase t;

	keyless(&t, l);
	on_log(&t, 0, FX_REKOR_V2_ED);
	t.b.n_ts = 2;
	t.b.ts_other_bytes = 1;
	t.b.ts_by_tsa2 = 2;
	expect_fail(&t, "timestamp", "no timestamp verified (timestamp 0: "
	    IMPRINT "; timestamp 1: " NOT_OURS ")");
	/* a Rekor v1 entry without its promise gives no time either */
	on_log(&t, 0, FX_REKOR_V1);
	t.b.entry[0].no_set = 1;
	expect_fail(&t, "timestamp", "timestamp 0: " IMPRINT "; timestamp 1: "
	    NOT_OURS);
	/* with its promise, the integrated time is the signing time */
	t.b.entry[0].no_set = 0;
	{
		struct outcome o;

		run(&t, &o);
		check_ok(&o);
		cr_assert(o.res.has_integrated_time);
		cr_assert_eq(o.res.n_timestamps, 0);
		cr_assert_eq(o.res.n_ignored, 2);
		cr_assert_str_eq(o.res.ignored[0].reason, IMPRINT);
		cr_assert_str_eq(o.res.ignored[1].reason, NOT_OURS);
		sgn_verify_result_reset(&o.res);
	}
	/* a managed key too: a bad timestamp is no signing time */
	tcase_init(&t);
	t.b.key = k;
	t.b.entry[0].no_set = 1;
	t.b.n_ts = 1;
	t.b.ts_other_bytes = 1;
	expect_fail(&t, "timestamp", "timestamp 0: " IMPRINT);
	t.b.ts_other_bytes = 0;
	expect_ok(&t);
	fx_key_free(&k);
	fx_leaf_free(&l);
}

/* A TSA the trusted root does not list vouches for nothing. */
Test(synthetic, a_timestamp_from_a_tsa_not_in_the_root_is_ignored)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.n_ts = 1;
	t.b.ts_by_tsa2 = 1;
	/* Rekor v1 with its promise: the integrated time suffices */
	expect_ok_ignoring(&t, 0, NOT_OURS, 0);
	/* without it there is no signing time */
	t.b.entry[0].no_set = 1;
	expect_fail(&t, "timestamp", "timestamp 0: " NOT_OURS);
	/* unless another timestamp verifies */
	t.b.n_ts = 2;
	t.b.ts[1] = FX_TS + 1;
	expect_ok_ignoring(&t, 0, NOT_OURS, 1);
	/* Rekor v2 likewise */
	on_log(&t, 0, FX_REKOR_V2_EC);
	expect_ok_ignoring(&t, 0, NOT_OURS, 1);
	t.b.n_ts = 1;
	expect_fail(&t, "timestamp", "timestamp 0: " NOT_OURS);
	/* listed, it counts */
	t.root.add = FX_BIT(FX_TSA2);
	expect_ok(&t);
	fx_leaf_free(&l);
}

/* No TSA at all in the trusted root: timestamps are ignored, as
 * sigstore-go ignores them, and the integrated time verifies. */
Test(synthetic, a_trusted_root_without_tsa_ignores_timestamps)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.n_ts = 1;
	t.root.drop = FX_BIT(FX_TSA);
	expect_ok_ignoring(&t, 0, "the trusted root lists no timestamp "
	    "authority", 0);
	t.b.entry[0].no_set = 1;
	expect_fail(&t, "timestamp", "timestamp 0: the trusted root lists no "
	    "timestamp authority");
	fx_leaf_free(&l);
}

/*
 * Regression: with several TSAs in the trusted root the reason reported
 * was the last one tried ("not signed by the trusted TSA"), not that of
 * the TSA the token names.
 */
Test(synthetic, several_tsas_report_the_one_the_token_names)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.root.add = FX_BIT(FX_TSA2);
	t.b.n_ts = 1;
	t.b.ts_other_bytes = 1;
	/* by the TSA listed first, then by the one listed last */
	expect_ok_ignoring(&t, 0, IMPRINT, 0);
	t.b.ts_by_tsa2 = 1;
	expect_ok_ignoring(&t, 0, IMPRINT, 0);
	/* the named TSA's window, not the other's signer check */
	t.b.ts_other_bytes = 0;
	t.b.ts_by_tsa2 = 0;
	fx_root_set_end(&t.root, FX_TSA, FX_TS - 1);
	expect_ok_ignoring(&t, 0, "time 2023-11-14T22:13:51Z is outside the "
	    "validity of TSA https://tsa.fx.test/api/v1/timestamp", 0);
	/* and the bundle's failure says the same */
	on_log(&t, 0, FX_REKOR_V2_ED);
	t.b.ts_other_bytes = 1;
	fx_root_set_end(&t.root, FX_TSA, FX_T0 + FX_YEAR);
	expect_fail(&t, "timestamp", "timestamp 0: " IMPRINT);
	fx_leaf_free(&l);
}

Test(synthetic, rekor_v2_without_timestamp_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct fx_key *k = fx_key_new(FX_P256, 0);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].log = FX_REKOR_V2_ED;
	expect_fail(&t, "timestamp", "needs a verified RFC 3161 timestamp");
	t.b.entry[0].log = FX_REKOR_V2_EC;
	expect_fail(&t, "timestamp", "needs a verified RFC 3161 timestamp");
	/* managed keys too: the log's window needs a verified time */
	tcase_init(&t);
	t.b.key = k;
	t.b.entry[0].log = FX_REKOR_V2_ED;
	expect_fail(&t, "timestamp", "needs a verified RFC 3161 timestamp");
	fx_key_free(&k);
	fx_leaf_free(&l);
}

Test(synthetic, rekor_v1_without_set_takes_the_tsa_time)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	struct outcome o;

	keyless(&t, l);
	t.b.entry[0].no_set = 1;
	t.b.n_ts = 1;
	run(&t, &o);
	check_ok(&o);
	cr_assert(!o.res.has_integrated_time);
	cr_assert_eq(o.res.n_timestamps, 1);
	cr_assert_eq(o.res.timestamps[0].sec, FX_TS);
	sgn_verify_result_reset(&o.res);
	/* an integratedTime without its SET is not a signing time */
	t.b.entry[0].integrated_time = FX_T0 - FX_DAY;
	expect_ok(&t);
	fx_leaf_free(&l);
}

Test(synthetic, rekor_v1_without_set_or_timestamp_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].no_set = 1;
	expect_fail(&t, "timestamp", "needs a verified RFC 3161 timestamp");
	fx_leaf_free(&l);
}

/* Trap 1: the SET covers the global logIndex, not the shard's. */
Test(synthetic, set_over_the_shard_index_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].set_over_shard_index = 1;
	expect_fail(&t, "SET", "does not verify");
	t.b.entry[0].set_over_shard_index = 0;
	t.b.entry[0].tamper = FX_TAMPER_SET;
	expect_fail(&t, "SET", "does not verify");
	fx_leaf_free(&l);
}

/* 5. Structure ----------------------------------------------------------- */

Test(synthetic, root_certificate_in_a_v01_chain_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.version = 1;
	t.b.chain_intermediate = 1;
	t.b.chain_root = 1;
	expect_fail(&t, "certificate", "root certificate");
	t.b.version = 2;
	expect_fail(&t, "certificate", "root certificate");
	fx_leaf_free(&l);
}

Test(synthetic, older_bundle_versions_verify)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct fx_key *k = fx_key_new(FX_P384, 0);
	struct tcase t;

	keyless(&t, l);
	t.b.version = 1;
	expect_ok(&t);
	t.b.chain_intermediate = 1;
	expect_ok(&t);
	/* v0.1 needs the promise, not the proof */
	t.b.entry[0].no_proof = 1;
	expect_ok(&t);
	t.b.version = 2;
	t.b.entry[0].no_proof = 0;
	expect_ok(&t);
	tcase_init(&t);
	t.b.key = k;
	t.b.version = 2;
	expect_ok(&t);
	fx_key_free(&k);
	fx_leaf_free(&l);
}

Test(synthetic, bundle_version_rules_are_enforced)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.version = 1;
	t.b.entry[0].no_set = 1;
	t.b.n_ts = 1;
	expect_fail(&t, "bundle", "inclusion promise");
	t.b.version = 2;
	t.b.entry[0].no_set = 0;
	t.b.entry[0].no_proof = 1;
	expect_fail(&t, "bundle", "inclusion proof");
	fx_leaf_free(&l);
}

Test(synthetic, entry_from_an_unknown_log_is_skipped)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	struct outcome o;

	keyless(&t, l);
	t.b.n_entries = 2;
	on_log(&t, 0, FX_REKOR_OTHER);
	on_log(&t, 1, FX_REKOR_V1);
	run(&t, &o);
	check_ok(&o);
	cr_assert_str_eq(o.res.log_url, W->rekor_v1.base_url);
	sgn_verify_result_reset(&o.res);
	/* even when the unknown entry is broken */
	t.b.entry[0].tamper = FX_TAMPER_SET;
	expect_ok(&t);
	fx_leaf_free(&l);
}

Test(synthetic, two_trusted_entries_with_one_tampered_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	size_t bad;

	for (bad = 0; bad < 2; bad++) {
		keyless(&t, l);
		t.b.n_entries = 2;
		on_log(&t, 0, FX_REKOR_V1);
		on_log(&t, 1, FX_REKOR_V2_ED);
		expect_ok(&t);
		t.b.entry[bad].tamper = FX_TAMPER_PROOF_HASH;
		t.b.entry[bad].tamper_at = 2;
		expect_fail(&t, "inclusion proof", "does not match");
	}
	/* two entries in the same log */
	keyless(&t, l);
	t.b.n_entries = 2;
	t.b.entry[1].index = 5;
	t.b.entry[1].index_set = 1;
	expect_ok(&t);
	t.b.entry[1].tamper = FX_TAMPER_SET;
	expect_fail(&t, "SET", "does not verify");
	fx_leaf_free(&l);
}

Test(synthetic, kind_version_mismatch_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].kv_version = "0.0.2";
	expect_fail(&t, "tlog body", "kindVersion");
	on_log(&t, 0, FX_REKOR_V2_ED);
	t.b.entry[0].kv_version = "0.0.1";
	expect_fail(&t, "tlog body", "kindVersion");
	fx_leaf_free(&l);
}

Test(synthetic, body_recording_another_certificate_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct fx_leaf *other = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].body_leaf = other;
	expect_fail(&t, "tlog body", "not the bundle's certificate");
	on_log(&t, 0, FX_REKOR_V2_ED);
	expect_fail(&t, "tlog body", "not the bundle's certificate");
	t.b.dsse = 1;
	expect_fail(&t, "tlog body", "not the bundle's certificate");
	on_log(&t, 0, FX_REKOR_V1);
	expect_fail(&t, "tlog body", "not the bundle's certificate");
	fx_leaf_free(&other);
	fx_leaf_free(&l);
}

Test(synthetic, body_recording_a_key_for_a_certificate_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].body_key = l->key;
	expect_fail(&t, "tlog body", "records a public key");
	on_log(&t, 0, FX_REKOR_V2_EC);
	expect_fail(&t, "tlog body", "records a public key");
	fx_leaf_free(&l);
}

/* 6. Identities ---------------------------------------------------------- */

Test(synthetic, email_identity)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	expect_ok(&t);
	t.pol.identity = "other@fx.test";
	expect_fail(&t, "identity", "identity mismatch");
	t.pol.identity = FX_EMAIL;
	t.pol.issuer = "https://other-issuer.fx.test";
	expect_fail(&t, "issuer", "issuer mismatch");
	fx_leaf_free(&l);
}

Test(synthetic, uri_identity_with_github_extensions)
{
	static const struct {
		unsigned	 oid;
		const char	*good;
		const char	*name;
	} exts[] = {
		{ 2, FX_GH_TRIGGER, "GitHub workflow trigger" },
		{ 3, FX_GH_SHA, "GitHub workflow SHA" },
		{ 4, FX_GH_WORKFLOW, "GitHub workflow name" },
		{ 5, FX_GH_REPO, "GitHub workflow repository" },
		{ 6, FX_GH_REF, "GitHub workflow ref" },
		{ 12, "https://github.com/" FX_GH_REPO, "source repository" },
	};
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;
	struct outcome o;
	size_t i, k;

	memset(&lo, 0, sizeof(lo));
	lo.san_type = FX_SAN_URI;
	lo.san = FX_GH_ID;
	lo.issuer = FX_GH_ISSUER;
	lo.github = 1;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	t.pol.identity = FX_GH_ID;
	t.pol.issuer = FX_GH_ISSUER;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		cr_assert_eq(sgn_policy_add_ext(&t.pol, exts[i].oid,
		    exts[i].good, exts[i].name, NULL), SGN_OK);
	run(&t, &o);
	check_ok(&o);
	cr_assert_eq(o.res.identity_type, SGN_SAN_URI);
	cr_assert_str_eq(o.res.identity, FX_GH_ID);
	sgn_verify_result_reset(&o.res);
	/* each extension, wrong in turn */
	for (k = 0; k < sizeof(exts) / sizeof(exts[0]); k++) {
		t.pol.n_ext = 0;
		for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
			cr_assert_eq(sgn_policy_add_ext(&t.pol, exts[i].oid,
			    i == k ? "something-else" : exts[i].good,
			    exts[i].name, NULL), SGN_OK);
		expect_fail(&t, "identity", exts[k].name);
	}
	/* an extension the certificate does not carry */
	t.pol.n_ext = 0;
	cr_assert_eq(sgn_policy_add_ext(&t.pol, 23, "production",
	    "deployment environment", NULL), SGN_OK);
	expect_fail(&t, "identity", "(absent)");
	fx_leaf_free(&l);
}

Test(synthetic, username_identity)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;
	struct outcome o;

	memset(&lo, 0, sizeof(lo));
	lo.san_type = FX_SAN_USERNAME;
	lo.san = "fx-user";
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	t.pol.identity = "fx-user";
	run(&t, &o);
	check_ok(&o);
	cr_assert_eq(o.res.identity_type, SGN_SAN_OTHERNAME);
	cr_assert_str_eq(o.res.identity, "fx-user");
	sgn_verify_result_reset(&o.res);
	t.pol.identity = "fx-user2";
	expect_fail(&t, "identity", "identity mismatch");
	fx_leaf_free(&l);
}

Test(synthetic, issuer_only_in_the_legacy_extension)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;
	struct outcome o;

	memset(&lo, 0, sizeof(lo));
	lo.issuer_legacy_only = 1;
	lo.issuer = "https://legacy.fx.test";
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	t.pol.issuer = "https://legacy.fx.test";
	run(&t, &o);
	check_ok(&o);
	cr_assert_str_eq(o.res.issuer, "https://legacy.fx.test");
	sgn_verify_result_reset(&o.res);
	t.pol.issuer = FX_ISSUER;
	expect_fail(&t, "issuer", "issuer mismatch");
	fx_leaf_free(&l);
}

/*
 * Regression: a certificate naming one issuer in .8 and another in the
 * deprecated .1 verified as .8's; now it fails whichever the policy
 * names.  The same issuer in both (what Fulcio writes) verifies.
 */
Test(synthetic, issuer_extensions_that_disagree_fail)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	memset(&lo, 0, sizeof(lo));
	lo.issuer_legacy = "https://attacker.fx.test";
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	expect_fail(&t, "issuer", "OIDC issuer extensions disagree: "
	    "1.3.6.1.4.1.57264.1.8 is \"" FX_ISSUER "\", the deprecated "
	    "1.3.6.1.4.1.57264.1.1 \"https://attacker.fx.test\"");
	t.pol.issuer = "https://attacker.fx.test";
	expect_fail(&t, "issuer", "disagree");
	t.pol.issuer = NULL;
	t.pol.issuer_regexp = "https://.*";
	expect_fail(&t, "issuer", "disagree");
	fx_leaf_free(&l);

	lo.issuer_legacy = FX_ISSUER;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	expect_ok(&t);
	fx_leaf_free(&l);
}

/*
 * Every SAN goes out with the result, and into a mismatch message; the
 * policy matches any of them, as cosign does (Fulcio issues one).
 */
Test(synthetic, every_san_is_reported_and_any_may_match)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;
	struct outcome o;

	memset(&lo, 0, sizeof(lo));
	lo.san_type = FX_SAN_URI;
	lo.san = FX_GH_ID;
	lo.san2_type = FX_SAN_EMAIL;
	lo.san2 = FX_EMAIL;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	run(&t, &o);
	check_ok(&o);
	cr_assert_str_eq(o.res.identity, FX_GH_ID);
	cr_assert_eq(o.res.identity_type, SGN_SAN_URI);
	cr_assert_eq(o.res.n_sans, 2);
	cr_assert_eq(o.res.sans[0].type, SGN_SAN_URI);
	cr_assert_str_eq(o.res.sans[0].value, FX_GH_ID);
	cr_assert_eq(o.res.sans[1].type, SGN_SAN_EMAIL);
	cr_assert_str_eq(o.res.sans[1].value, FX_EMAIL);
	sgn_verify_result_reset(&o.res);
	t.pol.identity = FX_GH_ID;
	expect_ok(&t);
	t.pol.identity = "someone@fx.test";
	run(&t, &o);
	check_fail(&o, "identity", "expected someone@fx.test, got " FX_GH_ID
	    ", " FX_EMAIL);
	/* the result lists them on failure too */
	cr_assert_eq(o.res.n_sans, 2);
	sgn_verify_result_reset(&o.res);
	fx_leaf_free(&l);
}

/* Long values: DER lengths in long form in the SAN and in .8. */
Test(synthetic, long_identity_and_issuer)
{
	char san[200], iss[180];
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;
	struct outcome o;

	snprintf(san, sizeof(san), "https://github.com/fx/%0150d", 7);
	snprintf(iss, sizeof(iss), "https://issuer.fx.test/%0140d", 9);
	memset(&lo, 0, sizeof(lo));
	lo.san_type = FX_SAN_URI;
	lo.san = san;
	lo.issuer = iss;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	t.pol.identity = san;
	t.pol.issuer = iss;
	run(&t, &o);
	check_ok(&o);
	cr_assert_str_eq(o.res.issuer, iss);
	sgn_verify_result_reset(&o.res);
	fx_leaf_free(&l);
}

Test(synthetic, regexp_identity)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	memset(&lo, 0, sizeof(lo));
	lo.san_type = FX_SAN_URI;
	lo.san = FX_GH_ID;
	lo.issuer = FX_GH_ISSUER;
	lo.github = 1;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	t.pol.identity_regexp = "https://github\\.com/fx/[^/]+/\\.github/"
	    "workflows/.*@refs/heads/(main|master)";
	t.pol.issuer_regexp = "https://token\\.actions\\."
	    "githubusercontent\\.com";
	expect_ok(&t);
	/* anchored: a pattern matching only part of the SAN fails */
	t.pol.identity_regexp = "https://github\\.com/fx/repo";
	expect_fail(&t, "identity", "expected a match for");
	t.pol.identity_regexp = ".*@refs/heads/dev";
	expect_fail(&t, "identity", "expected a match for");
	t.pol.identity_regexp = ".*";
	t.pol.issuer_regexp = "https://token\\.actions";
	expect_fail(&t, "issuer", "expected a match for");
	fx_leaf_free(&l);
}

/*
 * Regexps take certificate values as UTF-8 code points: a name with é or
 * an issuer in Japanese counts one character per code point.  Bytes that
 * are not UTF-8 (the legacy issuer extension is raw bytes) fail the
 * check (exit 1), never read past, whatever the pattern.
 */
Test(synthetic, regexp_on_utf8_and_malformed_values)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	memset(&lo, 0, sizeof(lo));
	lo.san_type = FX_SAN_EMAIL;
	lo.san = "jos\xc3\xa9@example.com";
	lo.issuer = "https://idp.example/\xe6\x97\xa5\xe6\x9c\xac";
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	t.pol.identity_regexp = "jos.@example\\.com";
	t.pol.issuer_regexp = "https://idp\\.example/.{2}";
	expect_ok(&t);
	t.pol.identity_regexp = "jos..@example\\.com";
	expect_fail(&t, "identity", "expected a match for the whole identity");
	/* ASCII classes: é is not a \w */
	t.pol.identity_regexp = "\\w+@example\\.com";
	expect_fail(&t, "identity", "expected a match for the whole identity");
	t.pol.identity_regexp = ".*";
	t.pol.issuer_regexp = "https://idp\\.example/.{6}";
	expect_fail(&t, "issuer", "expected a match for the whole issuer");
	fx_leaf_free(&l);

	memset(&lo, 0, sizeof(lo));
	lo.issuer_legacy_only = 1;
	lo.issuer = "https://idp.example/\xff\xfe";
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	t.pol.identity = FX_EMAIL;
	t.pol.issuer_regexp = ".*";
	expect_fail(&t, "issuer", "the value is not valid UTF-8 at byte 20");
	fx_leaf_free(&l);
}

/* 7. DSSE ---------------------------------------------------------------- */

static char *
statement(const char *subjects)
{
	char *s = NULL;

	cr_assert_geq(asprintf(&s, "{\"_type\":\"https://in-toto.io/"
	    "Statement/v1\",\"subject\":[%s],\"predicateType\":"
	    "\"https://fx.test/predicate/v1\",\"predicate\":{}}", subjects),
	    0);
	return s;
}

Test(synthetic, dsse_with_the_artifact_as_second_subject)
{
	static const int logs[] = { FX_REKOR_V1, FX_REKOR_V2_ED,
	    FX_REKOR_V2_EC };
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	struct outcome o;
	char h1[129], h2[129], subj[600], *st;
	size_t i;

	fx_hexdigest(EVP_sha256(), "other", 5, h1);
	fx_hexdigest(EVP_sha256(), FX_ARTIFACT, strlen(FX_ARTIFACT), h2);
	snprintf(subj, sizeof(subj), "{\"name\":\"other\",\"digest\":"
	    "{\"sha256\":\"%s\"}},{\"name\":\"artifact\",\"digest\":"
	    "{\"sha256\":\"%s\",\"gitCommit\":\"%.40s\"}}", h1, h2, h1);
	st = statement(subj);
	for (i = 0; i < 3; i++) {
		keyless(&t, l);
		on_log(&t, 0, logs[i]);
		t.b.dsse = 1;
		t.b.payload = st;
		run(&t, &o);
		check_ok(&o);
		cr_assert_eq(o.res.content, SGN_CONTENT_DSSE);
		cr_assert_str_eq(o.res.entry_kind, i == 0 ? "dsse 0.0.1" :
		    "hashedrekord 0.0.2");
		sgn_verify_result_reset(&o.res);
	}
	free(st);
	/* a statement that does not name the artifact */
	snprintf(subj, sizeof(subj), "{\"name\":\"other\",\"digest\":"
	    "{\"sha256\":\"%s\"}}", h1);
	st = statement(subj);
	t.b.payload = st;
	expect_fail(&t, "subject", "not among");
	free(st);
	fx_leaf_free(&l);
}

Test(synthetic, dsse_subject_with_only_sha512)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct fx_key *k = fx_key_new(FX_P384, 0);
	struct sgn_artifact art;
	struct tcase t;
	char h[129], subj[400], *st, path[] = "/tmp/signet-fx-XXXXXX";
	int fd;

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, FX_ARTIFACT, strlen(FX_ARTIFACT)),
	    (ssize_t)strlen(FX_ARTIFACT));
	cr_assert_eq(close(fd), 0);
	fx_hexdigest(EVP_sha512(), FX_ARTIFACT, strlen(FX_ARTIFACT), h);
	snprintf(subj, sizeof(subj), "{\"name\":\"artifact\",\"digest\":"
	    "{\"sha512\":\"%s\"}}", h);
	st = statement(subj);
	keyless(&t, l);
	t.b.dsse = 1;
	t.b.payload = st;
	expect_ok(&t);
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	art.path = path;
	t.art = &art;
	expect_ok(&t);
	on_log(&t, 0, FX_REKOR_V2_ED);
	expect_ok(&t);
	/* a SHA-256 digest alone cannot show a SHA-512 subject */
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	art.digest_alg = SGN_HASH_SHA256;
	cr_assert_eq(EVP_Digest(FX_ARTIFACT, strlen(FX_ARTIFACT), art.digest,
	    NULL, EVP_sha256(), NULL), 1);
	expect_fail(&t, "subject", "not among");
	/* a managed P-384 key over a SHA-512 subject, from the file */
	tcase_init(&t);
	t.b.key = k;
	t.b.dsse = 1;
	t.b.payload = st;
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	art.path = path;
	t.art = &art;
	expect_ok(&t);
	cr_assert_eq(unlink(path), 0);
	free(st);
	fx_key_free(&k);
	fx_leaf_free(&l);
}

Test(synthetic, dsse_payload_type_not_in_toto_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.dsse = 1;
	t.b.payload_type = "application/vnd.fx.note+json";
	t.b.payload = "{\"note\":\"not a statement\"}";
	expect_fail(&t, "subject", "not an in-toto statement");
	on_log(&t, 0, FX_REKOR_V2_EC);
	expect_fail(&t, "subject", "not an in-toto statement");
	fx_leaf_free(&l);
}

Test(synthetic, dsse_signed_by_another_key_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct fx_key *k = fx_key_new(FX_P256, 0);
	struct tcase t;

	keyless(&t, l);
	t.b.dsse = 1;
	t.b.sign_key = k;
	expect_fail(&t, "signature", "does not verify");
	fx_key_free(&k);
	fx_leaf_free(&l);
}

/* 8. Leaf profile -------------------------------------------------------- */

Test(synthetic, leaf_without_code_signing_eku_fails)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	memset(&lo, 0, sizeof(lo));
	lo.no_eku = 1;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	expect_fail(&t, "certificate", "codeSigning");
	fx_leaf_free(&l);
}

Test(synthetic, ca_flagged_leaf_fails)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	/* With a subject, the chain holds and the leaf check refuses it. */
	memset(&lo, 0, sizeof(lo));
	lo.is_ca = 1;
	lo.subject = "fx-leaf";
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	expect_fail(&t, "certificate", "is a CA certificate");
	fx_leaf_free(&l);
	/* Fulcio's empty subject: a CA must have a subject (RFC 5280
	 * 4.1.2.6), so the chain itself fails. */
	lo.subject = NULL;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	t.root.drop = FX_BIT(FX_CA_P256);
	expect_fail(&t, "certificate", "Subject name empty");
	fx_leaf_free(&l);
}

/*
 * Regression: when the trusted root lists several CAs, the path-validation
 * error reported must be the one of the CA that issued the leaf, not of
 * the last CA tried ("... \"fx-fulcio-p256-root\": unable to get local
 * issuer certificate" named neither the issuing CA nor the problem).
 */
Test(synthetic, chain_failure_names_the_issuing_ca)
{
	struct fx_leaf_opts lo;
	struct fx_leaf *l;
	struct tcase t;

	memset(&lo, 0, sizeof(lo));
	lo.is_ca = 1;
	l = fx_leaf_new(W, &lo);
	keyless(&t, l);
	expect_fail(&t, "certificate", "\"fx-fulcio-root\"");
	expect_fail(&t, "certificate", "Subject name empty");
	fx_leaf_free(&l);
}

/* Multi-instance trusted roots ------------------------------------------ */

/*
 * The trusted root text with member[0] of array listed twice: a copy
 * whose window ended at end goes first, or last when last is set.
 */
static char *
root_with_ended_twin(const char *root, const char *array, int64_t end,
    int last)
{
	cJSON *j, *arr, *twin, *vf;
	char *s, t[32];
	time_t tt = (time_t)end;
	struct tm tm;

	cr_assert_not_null(j = cJSON_Parse(root));
	cr_assert_not_null(arr = cJSON_GetObjectItemCaseSensitive(j, array));
	cr_assert_not_null(twin = cJSON_Duplicate(cJSON_GetArrayItem(arr, 0),
	    1));
	cr_assert_not_null(gmtime_r(&tt, &tm));
	cr_assert_gt(strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm), 0);
	vf = cJSON_GetObjectItemCaseSensitive(twin, "validFor");
	cr_assert_not_null(vf);
	cr_assert_not_null(cJSON_AddStringToObject(vf, "end", t));
	if (last)
		cr_assert(cJSON_AddItemToArray(arr, twin));
	else
		cr_assert(cJSON_InsertItemInArray(arr, 0, twin));
	cr_assert_not_null(s = cJSON_PrintUnformatted(j));
	cJSON_Delete(j);
	return s;
}

static void
expect_ok_with_twin(struct tcase *t, const char *array, int last)
{
	char *root = fx_trusted_root(W, &t->root);
	char *twin = root_with_ended_twin(root, array, FX_T0 - FX_DAY, last);
	char *bundle = fx_bundle(W, &t->b);
	struct outcome o;

	verify_text(twin, bundle, t, &o);
	check_ok(&o);
	sgn_verify_result_reset(&o.res);
	free(bundle);
	free(twin);
	free(root);
}

/* Control for the two below: the ended twin listed last is harmless. */
Test(synthetic, ca_and_tsa_listed_twice_with_the_ended_instance_last)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	expect_ok_with_twin(&t, "certificateAuthorities", 1);
	on_log(&t, 0, FX_REKOR_V2_ED);
	expect_ok_with_twin(&t, "certificateAuthorities", 1);
	expect_ok_with_twin(&t, "timestampAuthorities", 1);
	fx_leaf_free(&l);
}

/*
 * Regression: a trusted root may list one Fulcio CA twice (REFERENCE 2.1:
 * lists are multi-instance, select by what verifies, never by position).
 * The first instance whose chain verified used to decide, so an ended
 * window there failed a signing time that the later instance covers.
 */
Test(synthetic, ca_listed_twice_with_an_ended_instance_first_verifies)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	expect_ok_with_twin(&t, "certificateAuthorities", 0);
	fx_leaf_free(&l);
}

/*
 * Regression: the same for a TSA listed twice, the ended instance
 * first.
 */
Test(synthetic, tsa_listed_twice_with_an_ended_instance_first_verifies)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	on_log(&t, 0, FX_REKOR_V2_ED);
	expect_ok_with_twin(&t, "timestampAuthorities", 0);
	fx_leaf_free(&l);
}

/* 9. A large tree -------------------------------------------------------- */

/* RFC 9162 2.1.3.2 in closed form: the audit path of leaf i in a tree of
 * n leaves has bitlen(i ^ (n - 1)) + popcount(i >> that) hashes. */
static size_t
path_len(uint64_t i, uint64_t n)
{
	uint64_t x = i ^ (n - 1), rest;
	size_t inner = 0, border = 0;

	while (x != 0) {
		inner++;
		x >>= 1;
	}
	for (rest = i >> inner; rest != 0; rest >>= 1)
		border += (size_t)(rest & 1);
	return inner + border;
}

Test(synthetic, large_tree_inclusion_proof)
{
	static const int logs[] = { FX_REKOR_V1, FX_REKOR_V2_ED };
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	size_t i;

	for (i = 0; i < 2; i++) {
		keyless(&t, l);
		on_log(&t, 0, logs[i]);
		t.b.entry[0].tree_size = 1500;
		t.b.entry[0].index = 1029;
		t.b.entry[0].index_set = 1;
		expect_ok(&t);
		cr_assert_eq(t.b.entry[0].proof_len, path_len(1029, 1500));
		cr_assert_eq(t.b.entry[0].proof_len, 10);
		t.b.entry[0].index = 700;
		expect_ok(&t);
		cr_assert_eq(t.b.entry[0].proof_len, 11);
		/* the last leaf of an unbalanced tree: a short path */
		t.b.entry[0].index = 1499;
		expect_ok(&t);
		cr_assert_eq(t.b.entry[0].proof_len, path_len(1499, 1500));
		t.b.entry[0].index = 0;
		t.b.entry[0].tree_size = 1024;
		expect_ok(&t);
		cr_assert_eq(t.b.entry[0].proof_len, 10);
	}
	fx_leaf_free(&l);
}

Test(synthetic, large_tree_with_a_wrong_sibling_fails)
{
	static const int logs[] = { FX_REKOR_V1, FX_REKOR_V2_EC };
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	size_t i, k;

	for (i = 0; i < 2; i++) {
		for (k = 0; k < 11; k += 5) {
			keyless(&t, l);
			on_log(&t, 0, logs[i]);
			t.b.entry[0].tree_size = 1500;
			t.b.entry[0].index = 700;
			t.b.entry[0].index_set = 1;
			t.b.entry[0].tamper = FX_TAMPER_PROOF_HASH;
			t.b.entry[0].tamper_at = k;
			expect_fail(&t, "inclusion proof", "does not match");
		}
	}
	fx_leaf_free(&l);
}

/* Every leaf of every small tree, the edges included. */
Test(synthetic, small_trees_every_index_verifies)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	uint64_t n, i;

	for (n = 1; n <= 9; n++) {
		for (i = 0; i < n; i++) {
			keyless(&t, l);
			on_log(&t, 0, i % 2 == 0 ? FX_REKOR_V1 :
			    FX_REKOR_V2_ED);
			t.b.entry[0].tree_size = n;
			t.b.entry[0].index = i;
			t.b.entry[0].index_set = 1;
			expect_ok(&t);
			cr_assert_eq(t.b.entry[0].proof_len, path_len(i, n));
		}
	}
	fx_leaf_free(&l);
}

static void
drop_last_hash(cJSON *e)
{
	cJSON *h = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(e, "inclusionProof"), "hashes");

	cr_assert_eq(cJSON_GetArraySize(h), 11);
	cJSON_DeleteItemFromArray(h, 10);
}

/* A proof one hash short fails. */
Test(synthetic, large_tree_proof_of_the_wrong_shape_fails)
{
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;

	keyless(&t, l);
	t.b.entry[0].tree_size = 1500;
	t.b.entry[0].index = 700;
	t.b.entry[0].index_set = 1;
	expect_fail_edited(&t, drop_last_hash, "inclusion proof",
	    "10 hashes, expected 11");
	fx_leaf_free(&l);
}

static void
set_proof_field(cJSON *e, const char *key, const char *val)
{
	cr_assert(cJSON_ReplaceItemInObjectCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(e, "inclusionProof"), key,
	    cJSON_CreateString(val)));
}

static void
grow_tree_size(cJSON *e)
{
	set_proof_field(e, "treeSize", "318");
}

static void
other_root_hash(cJSON *e)
{
	set_proof_field(e, "rootHash",
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
}

static void
other_proof_index(cJSON *e)
{
	set_proof_field(e, "logIndex", "210");
}

/* The proof must agree with the checkpoint that signs its tree. */
Test(synthetic, proof_disagreeing_with_its_checkpoint_fails)
{
	static const int logs[] = { FX_REKOR_V1, FX_REKOR_V1,
	    FX_REKOR_V2_ED };
	struct fx_leaf *l = fx_leaf_new(W, NULL);
	struct tcase t;
	size_t i;

	for (i = 0; i < 3; i++) {
		keyless(&t, l);
		on_log(&t, 0, logs[i]);
		/* the origin is not compared for v1: the rest still is */
		if (i == 1)
			t.b.entry[0].origin = POD_ORIGIN;
		expect_fail_edited(&t, grow_tree_size, "inclusion proof",
		    "tree size 318 is not the checkpoint's 317");
		expect_fail_edited(&t, other_root_hash, "inclusion proof",
		    "root hash is not the checkpoint's");
	}
	/* Rekor v2: the proof is for the entry's own index */
	expect_fail_edited(&t, other_proof_index, "inclusion proof",
	    "proof index 210 is not the entry's log index 211");
	fx_leaf_free(&l);
}
