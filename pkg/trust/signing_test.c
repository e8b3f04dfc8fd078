/*
 * Unit tests for the signing config v0.2 and service selection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "testutil.h"
#include "trust.h"

static struct sgn_time
at(const char *s)
{
	struct sgn_time t;

	cr_assert_eq(sgn_time_parse_rfc3339(s, strlen(s), &t, NULL), SGN_OK);
	return t;
}

static struct sgn_signing_config *
parse(const char *json, sgn_err want, const char *msg)
{
	struct sgn_signing_config *c = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signing_config_parse((const uint8_t *)json,
	    strlen(json), &c, &eb), want, "%s", eb.msg);
	if (msg != NULL)
		cr_assert(tu_has(eb.msg, msg), "\"%s\" lacks \"%s\"", eb.msg,
		    msg);
	return c;
}

Test(signing, embedded_production_config_selects_rekor_v1)
{
	struct sgn_signing_config *c = NULL;
	struct sgn_selection s = SGN_SELECTION_INIT;

	cr_assert_eq(sgn_signing_config_embedded(0, &c, NULL), SGN_OK);
	cr_assert_eq(sgn_signing_config_select(c,
	    at("2026-11-26T00:00:00Z"), &s, NULL), SGN_OK);
	cr_assert_str_eq(s.ca->url, "https://fulcio.sigstore.dev");
	cr_assert_str_eq(s.oidc->url, "https://oauth2.sigstore.dev/auth");
	cr_assert_eq(s.n_rekor, 1);
	cr_assert_str_eq(s.rekor[0]->url, "https://rekor.sigstore.dev");
	cr_assert_eq(s.rekor[0]->major, 1);
	cr_assert_eq(s.n_tsa, 1);
	cr_assert_str_eq(s.tsa[0]->url,
	    "https://timestamp.sigstore.dev/api/v1/timestamp");
	sgn_signing_config_free(&c);
	cr_assert_null(c);
}

Test(signing, rekor_v2_config_prefers_the_highest_version)
{
	struct sgn_signing_config *c = NULL;
	struct sgn_selection s = SGN_SELECTION_INIT;

	cr_assert_eq(sgn_signing_config_embedded(1, &c, NULL), SGN_OK);
	cr_assert_eq(sgn_signing_config_select(c,
	    at("2026-11-26T00:00:00Z"), &s, NULL), SGN_OK);
	cr_assert_eq(s.n_rekor, 1);
	cr_assert_eq(s.rekor[0]->major, 2);
	cr_assert_str_eq(s.rekor[0]->url,
	    "https://log2025-1.rekor.sigstore.dev");
	/* Before the v2 shard's validity: Rekor v1. */
	cr_assert_eq(sgn_signing_config_select(c,
	    at("2025-06-01T00:00:00Z"), &s, NULL), SGN_OK);
	cr_assert_eq(s.rekor[0]->major, 1);
	sgn_signing_config_free(&c);
}

#define HEAD "{\"mediaType\": " \
    "\"application/vnd.dev.sigstore.signingconfig.v0.2+json\", "
#define SVC(u, v, start, op) "{\"url\": \"" u "\", \"majorApiVersion\": " \
    #v ", \"validFor\": {\"start\": \"" start "\"}, \"operator\": \"" op \
    "\"}"

Test(signing, applies_selectors_and_one_service_per_operator)
{
	struct sgn_signing_config *c;
	struct sgn_selection s = SGN_SELECTION_INIT;
	struct sgn_errbuf eb;

	c = parse(HEAD "\"caUrls\": [" SVC("https://ca", 1,
	    "2020-01-01T00:00:00Z", "a") "], \"rekorTlogUrls\": [" SVC(
	    "https://r1", 1,
	    "2020-01-01T00:00:00Z", "a") ", " SVC("https://r2", 1,
	    "2021-01-01T00:00:00Z", "a") ", " SVC("https://r3", 1,
	    "2020-06-01T00:00:00Z", "b") ", " SVC("https://r9", 9,
	    "2020-06-01T00:00:00Z", "c") "], \"rekorTlogConfig\": "
	    "{\"selector\": \"ALL\"}, \"tsaUrls\": [" SVC("https://t1", 1,
	    "2020-01-01T00:00:00Z", "a") ", " SVC("https://t2/", 1,
	    "2020-01-01T00:00:00Z", "b") "], \"tsaConfig\": {\"selector\": "
	    "\"EXACT\", \"count\": 3}}", SGN_OK, NULL);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signing_config_select(c, at("2022-01-01T00:00:00Z"),
	    &s, &eb), SGN_ERR_TRUST);
	cr_assert(tu_has(eb.msg, "3 tsa services wanted, 2 usable"), "%s",
	    eb.msg);
	c->tsa_count = 2;
	cr_assert_eq(sgn_signing_config_select(c, at("2022-01-01T00:00:00Z"),
	    &s, NULL), SGN_OK);
	/* newest first, one per operator, unknown versions skipped */
	cr_assert_eq(s.n_rekor, 2);
	cr_assert_str_eq(s.rekor[0]->url, "https://r2");
	cr_assert_str_eq(s.rekor[1]->url, "https://r3");
	cr_assert_eq(s.n_tsa, 2);
	cr_assert_str_eq(s.tsa[1]->url, "https://t2");	/* slash dropped */
	cr_assert_null(s.oidc);
	sgn_signing_config_free(&c);
}

Test(signing, requires_a_usable_ca_and_log)
{
	struct sgn_signing_config *c;
	struct sgn_selection s = SGN_SELECTION_INIT;
	struct sgn_errbuf eb;

	c = parse(HEAD "\"caUrls\": [" SVC("https://ca", 1,
	    "2030-01-01T00:00:00Z", "a") "], \"rekorTlogUrls\": [" SVC(
	    "https://r", 1, "2020-01-01T00:00:00Z", "a") "]}", SGN_OK, NULL);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signing_config_select(c, at("2026-01-01T00:00:00Z"),
	    &s, &eb), SGN_ERR_TRUST);
	cr_assert(tu_has(eb.msg, "no usable certificate authority"));
	sgn_signing_config_free(&c);
	c = parse(HEAD "\"caUrls\": [" SVC("https://ca", 1,
	    "2020-01-01T00:00:00Z", "a") "]}", SGN_OK, NULL);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signing_config_select(c, at("2026-01-01T00:00:00Z"),
	    &s, &eb), SGN_ERR_TRUST);
	cr_assert(tu_has(eb.msg, "no usable transparency log"));
	sgn_signing_config_free(&c);
}

Test(signing, rejects_malformed_configs)
{
	parse("{\"mediaType\": \"application/vnd.dev.sigstore.signingconfig."
	    "v0.1+json\"}", SGN_ERR_UNSUPPORTED, "v0.2 only");
	parse(HEAD "\"caUrls\": [{\"url\": \"https://x\"}]}", SGN_ERR_PARSE,
	    "missing \"majorApiVersion\"");
	parse(HEAD "\"caUrls\": [" SVC("ftp://x", 1, "2020-01-01T00:00:00Z",
	    "a") "]}", SGN_ERR_PARSE, "not an http(s) URL");
	parse(HEAD "\"tsaConfig\": {\"selector\": \"SOME\"}}",
	    SGN_ERR_UNSUPPORTED, "unsupported \"SOME\"");
	parse(HEAD "\"tsaConfig\": {\"selector\": \"EXACT\"}}", SGN_ERR_PARSE,
	    "EXACT needs a count");
	parse(HEAD "\"caUrls\": {}}", SGN_ERR_PARSE, "expected an array");
}

/* A selection of one CA, one Rekor and one TSA at the URLs given. */
static void
select3(struct sgn_selection *s, struct sgn_service *svc, const char *ca,
    const char *rekor, const char *tsa)
{
	*s = (struct sgn_selection)SGN_SELECTION_INIT;
	memset(svc, 0, 3 * sizeof(*svc));
	svc[0].url = (char *)(uintptr_t)ca;
	svc[1].url = (char *)(uintptr_t)rekor;
	svc[2].url = (char *)(uintptr_t)tsa;
	s->ca = &svc[0];
	s->rekor[0] = &svc[1];
	s->n_rekor = 1;
	if (tsa != NULL) {
		s->tsa[0] = &svc[2];
		s->n_tsa = 1;
	}
}

static void
check_root(const struct sgn_selection *s, const struct sgn_trusted_root *r,
    sgn_err want, const char *msg)
{
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_selection_check_root(s, r, &eb), want, "%s", eb.msg);
	if (msg != NULL)
		cr_assert(tu_has(eb.msg, msg), "\"%s\" lacks \"%s\"", eb.msg,
		    msg);
}

Test(signing, embedded_configs_belong_to_the_production_root_only)
{
	struct sgn_signing_config *c = NULL;
	struct sgn_trusted_root *prod = NULL, *stage = NULL;
	struct sgn_selection s = SGN_SELECTION_INIT;
	int v2;

	cr_assert_eq(sgn_trusted_root_embedded(0, &prod, NULL), SGN_OK);
	cr_assert_eq(sgn_trusted_root_embedded(1, &stage, NULL), SGN_OK);
	for (v2 = 0; v2 <= 1; v2++) {
		cr_assert_eq(sgn_signing_config_embedded(v2, &c, NULL),
		    SGN_OK);
		cr_assert_eq(sgn_signing_config_select(c,
		    at("2026-11-26T00:00:00Z"), &s, NULL), SGN_OK);
		check_root(&s, prod, SGN_OK, NULL);
		/* the public-good services under the staging root */
		check_root(&s, stage, SGN_ERR_TRUST,
		    "no certificate authority at https://fulcio.sigstore.dev");
		sgn_signing_config_free(&c);
	}
	sgn_trusted_root_free(&stage);
	sgn_trusted_root_free(&prod);
}

Test(signing, a_service_the_root_does_not_know_is_refused)
{
	struct sgn_trusted_root *prod = NULL;
	struct sgn_service svc[3];
	struct sgn_selection s = SGN_SELECTION_INIT;

	cr_assert_eq(sgn_trusted_root_embedded(0, &prod, NULL), SGN_OK);
	select3(&s, svc, "https://fulcio.sigstore.dev/",
	    "https://rekor.sigstore.dev/api", "https://timestamp.sigstore.dev/"
	    "api/v1/timestamp");
	check_root(&s, prod, SGN_OK, NULL);
	/* host names are case-insensitive; the path does not matter */
	select3(&s, svc, "https://FULCIO.sigstore.dev",
	    "https://rekor.sigstore.dev", NULL);
	check_root(&s, prod, SGN_OK, NULL);
	/* another Rekor: same domain, another host */
	select3(&s, svc, "https://fulcio.sigstore.dev",
	    "https://evil.rekor.sigstore.dev", NULL);
	check_root(&s, prod, SGN_ERR_TRUST,
	    "no transparency log at https://evil.rekor.sigstore.dev");
	/* another port is another service */
	select3(&s, svc, "https://fulcio.sigstore.dev",
	    "https://rekor.sigstore.dev:8443", NULL);
	check_root(&s, prod, SGN_ERR_TRUST, "no transparency log");
	/* plain http to the same host is not the log of the root */
	select3(&s, svc, "https://fulcio.sigstore.dev",
	    "http://rekor.sigstore.dev", NULL);
	check_root(&s, prod, SGN_ERR_TRUST, "no transparency log");
	/* a TSA elsewhere */
	select3(&s, svc, "https://fulcio.sigstore.dev",
	    "https://rekor.sigstore.dev", "https://tsa.example.com/ts");
	check_root(&s, prod, SGN_ERR_TRUST,
	    "no timestamp authority at https://tsa.example.com/ts");
	/* a CA elsewhere */
	select3(&s, svc, "https://fulcio.example.com",
	    "https://rekor.sigstore.dev", NULL);
	check_root(&s, prod, SGN_ERR_TRUST, "no certificate authority");
	/* a URL whose authority hides another host */
	select3(&s, svc, "https://fulcio.sigstore.dev",
	    "https://rekor.sigstore.dev@evil.example", NULL);
	check_root(&s, prod, SGN_ERR_TRUST, "no transparency log");
	sgn_trusted_root_free(&prod);
}

/* A selection with a size (core.h) --------------------------------------- */

Test(signing, a_selection_of_size_0_is_refused_naming_its_initialiser)
{
	struct sgn_signing_config *c = NULL;
	struct sgn_selection s = SGN_SELECTION_INIT;
	struct sgn_errbuf eb;

	cr_assert_eq(sgn_signing_config_embedded(0, &c, NULL), SGN_OK);
	s.size = 0;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_signing_config_select(c,
	    at("2026-11-26T00:00:00Z"), &s, &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "struct sgn_selection: size 0: initialise "
	    "it with SGN_SELECTION_INIT");
	cr_assert_null(s.ca);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_selection_check_root(&s, NULL, &eb),
	    SGN_ERR_INVALID_ARGUMENT);
	cr_assert_str_eq(eb.msg, "struct sgn_selection: size 0: initialise "
	    "it with SGN_SELECTION_INIT");
	sgn_signing_config_free(&c);
}

/* An older caller's selection ends before the TSAs: nothing is written
 * past it, and what lies there is not read. */
Test(signing, an_older_selection_is_filled_and_read_within_its_size)
{
	struct sgn_signing_config *c = NULL;
	struct sgn_trusted_root *r = NULL;
	union {
		struct sgn_selection	s;
		unsigned char		raw[sizeof(struct sgn_selection)];
	} u;
	size_t size = offsetof(struct sgn_selection, tsa), i;
	struct sgn_errbuf eb;

	cr_assert_eq(sgn_signing_config_embedded(0, &c, NULL), SGN_OK);
	cr_assert_eq(sgn_trusted_root_embedded(0, &r, NULL), SGN_OK);
	memset(u.raw, 0xa5, sizeof(u.raw));
	u.s.size = size;
	cr_assert_eq(sgn_signing_config_select(c,
	    at("2026-11-26T00:00:00Z"), &u.s, NULL), SGN_OK);
	cr_assert_str_eq(u.s.ca->url, "https://fulcio.sigstore.dev");
	cr_assert_eq(u.s.n_rekor, 1);
	for (i = size; i < sizeof(u.raw); i++)
		cr_assert_eq(u.raw[i], 0xa5, "byte %zu written", i);
	/* the garbage where the TSAs would be is not looked at */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_selection_check_root(&u.s, r, &eb), SGN_OK, "%s",
	    eb.msg);
	sgn_trusted_root_free(&r);
	sgn_signing_config_free(&c);
}
