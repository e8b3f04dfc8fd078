/*
 * Allocation-failure injection for the parsers of untrusted input: each
 * parse runs again and again with its Nth allocation failing (N = 0, 1,
 * ...), first once, then with every allocation after it failing too,
 * until a run sees no failure, which must then succeed.  libsignet's
 * malloc family comes here through -Wl,--wrap and cJSON's through its
 * hooks (pkg/core/testsupport/allocfail.c).  Every run with a failure
 * must return an error with a one-line message and no output: never a
 * crash, never a success with what was parsed so far.  Leaks on those
 * paths are found by LeakSanitizer in make check (run-tests.sh fails on
 * its report).
 * Inputs: the fixtures of the parsers' own tests (conformance bundles,
 * third_party/sigstore trust material, the TUF root, model signatures,
 * the checkpoints and identity tokens of the fuzzing seeds).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "allocfail.h"
#include "bundle.h"
#include "core.h"
#include "dsse.h"
#include "manifest.h"
#include "oidc.h"
#include "rekor.h"
#include "tlog.h"
#include "testutil.h"
#include "trust.h"
#include "tuf_int.h"

#define CONF	"testdata/conformance/bundle-verify/"
#define FUZZ	"testdata/fuzz/"
#define TP	"third_party/sigstore/"
#define MAX_RUNS	100000

/* A parse under test: parses (p, n), checks that an output is set exactly
 * on success, frees it and returns the code. */
typedef sgn_err (*parse_fn)(const uint8_t *p, size_t n,
    struct sgn_errbuf *eb);

/* Runs fn over the fixture at path with the Nth allocation failing (once,
 * or for good when sticky), for every N up to the first run that needs
 * fewer; returns the count of allocations of a whole parse. */
static long
inject_mode(const char *path, parse_fn fn, int sticky)
{
	struct sgn_errbuf eb;
	uint8_t *p;
	size_t n;
	long i;
	sgn_err r;

	p = tu_read(path, &n);
	tu_alloc_hooks();
	for (i = 0; i < MAX_RUNS; i++) {
		sgn_errbuf_clear(&eb);
		if (sticky)
			tu_alloc_fail_from(i);
		else
			tu_alloc_fail(i);
		r = fn(p, n, &eb);
		if (!tu_alloc_off()) {
			cr_assert_eq(r, SGN_OK, "%s: fails with no allocation "
			    "failed: %s", path, eb.msg);
			break;
		}
		cr_assert_neq(r, SGN_OK, "%s: allocation %ld failed, yet the "
		    "parse succeeded", path, i);
		cr_assert_neq(eb.msg[0], '\0', "%s: allocation %ld failed: "
		    "error %d without a message", path, i, (int)r);
		cr_assert_eq(strchr(eb.msg, '\n'), NULL, "%s: %s", path,
		    eb.msg);
	}
	cr_assert_lt(i, MAX_RUNS, "%s: no end", path);
	free(p);
	/* the injection reached the parser */
	cr_assert_gt(i, 0, "%s: no allocation counted", path);
	cr_log_info("%s: %ld allocations, each failed %s", path, i,
	    sticky ? "with all after it" : "once");
	return i;
}

/* Both: one allocation fails, then memory runs out for good. */
static void
inject(const char *path, parse_fn fn)
{
	cr_assert_eq(inject_mode(path, fn, 0), inject_mode(path, fn, 1),
	    "%s: a parse's allocations differ between runs", path);
}

static sgn_err
bundle(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct sgn_bundle *b = NULL;
	sgn_err r = sgn_bundle_parse(p, n, &b, eb);

	cr_assert_eq(r == SGN_OK, b != NULL, "bundle: %d with %p", (int)r,
	    (void *)b);
	sgn_bundle_free(&b);
	return r;
}

static sgn_err
trusted_root(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct sgn_trusted_root *t = NULL;
	sgn_err r = sgn_trusted_root_parse(p, n, &t, eb);

	cr_assert_eq(r == SGN_OK, t != NULL, "trusted root: %d", (int)r);
	sgn_trusted_root_free(&t);
	return r;
}

static sgn_err
signing_config(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct sgn_signing_config *c = NULL;
	sgn_err r = sgn_signing_config_parse(p, n, &c, eb);

	cr_assert_eq(r == SGN_OK, c != NULL, "signing config: %d", (int)r);
	sgn_signing_config_free(&c);
	return r;
}

static sgn_err
tuf_root(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct tuf_meta *m = NULL;
	sgn_err r = sgn_tuf_meta_parse(p, n, TUF_ROOT, "root.json", &m, eb);

	cr_assert_eq(r == SGN_OK, m != NULL, "TUF root: %d", (int)r);
	sgn_tuf_meta_free(&m);
	return r;
}

static sgn_err
rekor_body(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct sgn_rekor_body *b = NULL;
	sgn_err r = sgn_rekor_body_parse(p, n, &b, eb);

	cr_assert_eq(r == SGN_OK, b != NULL, "Rekor body: %d", (int)r);
	sgn_rekor_body_free(&b);
	return r;
}

/* The body of the first tlog entry of a bundle. */
static sgn_err
rekor_body_in(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct sgn_bundle *b = NULL;
	sgn_err r;

	/* the bundle is the carrier, parsed without injection */
	tu_alloc_pause(1);
	cr_assert_eq(sgn_bundle_parse(p, n, &b, NULL), SGN_OK);
	cr_assert_gt(b->n_entries, 0);
	tu_alloc_pause(0);
	r = rekor_body(b->entries[0].body.ptr, b->entries[0].body.len, eb);
	tu_alloc_pause(1);
	sgn_bundle_free(&b);
	tu_alloc_pause(0);
	return r;
}

static void
entry_check(sgn_err r, struct sgn_tlog_entry *e)
{
	if (r != SGN_OK)
		cr_assert(e->body.ptr == NULL && e->hashes == NULL &&
		    e->checkpoint == NULL && e->set.ptr == NULL,
		    "a failed entry parse left data behind");
	else
		cr_assert_not_null(e->body.ptr);
	sgn_tlog_entry_reset(e);
}

static sgn_err
rekor_v1_entry(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct sgn_tlog_entry e;
	sgn_err r = sgn_rekor_v1_entry_parse(p, n, &e, eb);

	entry_check(r, &e);
	return r;
}

static sgn_err
tlog_entry(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct sgn_tlog_entry e;
	sgn_err r = sgn_tlog_entry_parse(p, n, &e, eb);

	entry_check(r, &e);
	return r;
}

static sgn_err
statement(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct sgn_intoto_statement *s = NULL;
	sgn_err r = sgn_intoto_parse(p, n, &s, eb);

	cr_assert_eq(r == SGN_OK, s != NULL, "statement: %d", (int)r);
	sgn_intoto_free(&s);
	return r;
}

/* The DSSE payload of a model signature: a model-signing statement. */
static sgn_err
manifest_statement(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct sgn_bundle *b = NULL;
	struct sgn_manifest *m = NULL;
	sgn_err r;

	/* the bundle is the carrier, parsed without injection */
	tu_alloc_pause(1);
	cr_assert_eq(sgn_bundle_parse(p, n, &b, NULL), SGN_OK);
	cr_assert_eq(b->content, SGN_CONTENT_DSSE);
	tu_alloc_pause(0);
	r = sgn_manifest_parse_statement(b->payload.ptr, b->payload.len, &m,
	    eb);
	cr_assert_eq(r == SGN_OK, m != NULL, "manifest: %d", (int)r);
	sgn_manifest_free(&m);
	tu_alloc_pause(1);
	sgn_bundle_free(&b);
	tu_alloc_pause(0);
	return r;
}

static sgn_err
checkpoint(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct sgn_checkpoint *c = NULL;
	sgn_err r = sgn_checkpoint_parse((const char *)p, n, &c, eb);

	cr_assert_eq(r == SGN_OK, c != NULL, "checkpoint: %d", (int)r);
	sgn_checkpoint_free(&c);
	return r;
}

/* An identity token, at 2026-01-01 for the audience "sigstore". */
static sgn_err
jwt(const uint8_t *p, size_t n, struct sgn_errbuf *eb)
{
	struct sgn_oidc_token t;
	sgn_err r;

	memset(&t, 0, sizeof(t));
	r = sgn_oidc_token_parse((const char *)p, n, NULL, 1767225600, &t,
	    eb);
	if (r != SGN_OK)
		cr_assert(t.jwt.ptr == NULL && t.issuer == NULL &&
		    t.subject == NULL && t.email == NULL && t.n_aud == 0,
		    "a failed token parse left data behind");
	sgn_oidc_token_reset(&t);
	return r;
}

Test(allocfail, bundle_parse_fails_cleanly_at_every_allocation)
{
	inject(CONF "happy-path-v0.3/bundle.sigstore.json", bundle);
	inject(CONF "happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
	    bundle);
	inject(CONF "rekor2-happy-path/bundle.sigstore.json", bundle);
	inject(CONF "happy-path-v0.1/bundle.sigstore.json", bundle);
}

Test(allocfail, trusted_root_parse_fails_cleanly_at_every_allocation)
{
	inject(TP "trusted_root.json", trusted_root);
}

Test(allocfail, signing_config_parse_fails_cleanly_at_every_allocation)
{
	inject(TP "signing_config.v0.2.json", signing_config);
	inject(TP "signing_config_rekor_v2.v0.2.json", signing_config);
}

Test(allocfail, tuf_metadata_parse_fails_cleanly_at_every_allocation)
{
	inject(TP "tuf/production_root.json", tuf_root);
}

Test(allocfail, rekor_entry_parse_fails_cleanly_at_every_allocation)
{
	inject(CONF "happy-path-v0.3/bundle.sigstore.json", rekor_body_in);
	inject(CONF "happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
	    rekor_body_in);
	inject(CONF "intoto-with-custom-trust-root/bundle.sigstore.json",
	    rekor_body_in);
	inject(CONF "rekor2-happy-path/bundle.sigstore.json", rekor_body_in);
	inject(CONF "rekor2-dsse-happy-path/bundle.sigstore.json",
	    rekor_body_in);
	inject(FUZZ "entry_fuzz/v1-reply-hashedrekord-0.0.1.json",
	    rekor_v1_entry);
	inject(FUZZ "entry_fuzz/tle-hashedrekord-0.0.2.json", tlog_entry);
}

Test(allocfail, statement_parse_fails_cleanly_at_every_allocation)
{
	inject("testdata/conformance/statement.json", statement);
	inject(FUZZ "intoto_fuzz/happy-path-intoto-in-dsse-v3.json",
	    statement);
}

Test(allocfail, manifest_statement_parse_fails_cleanly_at_every_allocation)
{
	inject("testdata/model-signing/signed/v1.0.0-elliptic-key/model.sig",
	    manifest_statement);
}

Test(allocfail, checkpoint_parse_fails_cleanly_at_every_allocation)
{
	inject(FUZZ "tlog_fuzz/log2025-1.rekor.sigstore.dev.note", checkpoint);
	inject(FUZZ "tlog_fuzz/log2025-alpha3.rekor.sigstage.dev-witnessed."
	    "note", checkpoint);
	inject(FUZZ "tlog_fuzz/rekor.sigstore.dev-extension-line.note",
	    checkpoint);
}

Test(allocfail, identity_token_parse_fails_cleanly_at_every_allocation)
{
	inject(FUZZ "oidc_fuzz/sigstore-dex.jwt", jwt);
	inject(FUZZ "oidc_fuzz/es256-multi-aud.jwt", jwt);
	inject(FUZZ "oidc_fuzz/github-actions.jwt", jwt);
}
