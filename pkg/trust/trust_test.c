/*
 * Unit tests for pkg/trust: the embedded public-good roots, look-ups by
 * log ID, closed validity windows, URL hosts, and every validation rule
 * of sgn_trusted_root_parse(), each broken by editing the production
 * trusted root with cJSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "trust.h"
#include "testutil.h"

#define ROOT	"testdata/vectors/trusted_root.json"
#define PROD	"third_party/sigstore/trusted_root.json"
#define STAGING	"third_party/sigstore/staging_trusted_root.json"

#define REKOR_V1_ID	"wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0="
#define REKOR_V2_ID	"zxGZFVvd0FEmjR8WrFwMdcAJ9vtaY/QXf44Y1wUeP6A="
#define CT_2022_ID	"3T0wasbHETJjGR4cmWc3AqJKXrjePK3/h4pygC8p7o4="

static void
b64(const char *s, uint8_t *out, size_t outlen)
{
	uint8_t *p = NULL;
	size_t n = 0;

	cr_assert_eq(sgn_b64_decode(s, strlen(s), &p, &n, NULL), SGN_OK);
	cr_assert_eq(n, outlen, "%s: %zu bytes", s, n);
	memcpy(out, p, n);
	free(p);
}

static struct sgn_time
t3339(const char *s)
{
	struct sgn_time t;

	cr_assert_eq(sgn_time_parse_rfc3339(s, strlen(s), &t, NULL), SGN_OK,
	    "%s", s);
	return t;
}

static struct sgn_time
plus_ns(struct sgn_time t, int32_t ns)
{
	t.nsec += ns;
	if (t.nsec >= 1000000000) {
		t.nsec -= 1000000000;
		t.sec++;
	} else if (t.nsec < 0) {
		t.nsec += 1000000000;
		t.sec--;
	}
	return t;
}

static struct sgn_trusted_root *
embedded(int staging)
{
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_trusted_root_embedded(staging, &r, &eb), SGN_OK,
	    "%s", eb.msg);
	cr_assert_not_null(r);
	return r;
}

static void
expect_counts(const struct sgn_trusted_root *r, size_t tl, size_t ct,
    size_t ca, size_t tsa)
{
	size_t n;

	sgn_trusted_root_tlogs(r, &n);
	cr_assert_eq(n, tl, "tlogs: %zu", n);
	sgn_trusted_root_ctlogs(r, &n);
	cr_assert_eq(n, ct, "ctlogs: %zu", n);
	sgn_trusted_root_cas(r, &n);
	cr_assert_eq(n, ca, "CAs: %zu", n);
	sgn_trusted_root_tsas(r, &n);
	cr_assert_eq(n, tsa, "TSAs: %zu", n);
}

/* The embedded roots ------------------------------------------------ */

Test(trust, parses_the_embedded_production_root)
{
	struct sgn_trusted_root *r = embedded(0);

	expect_counts(r, 2, 2, 2, 1);
	sgn_trusted_root_free(&r);
	cr_assert_null(r);
	sgn_trusted_root_free(&r);
	sgn_trusted_root_free(NULL);
}

Test(trust, parses_the_embedded_staging_root)
{
	struct sgn_trusted_root *r = embedded(1);

	expect_counts(r, 4, 4, 1, 1);
	sgn_trusted_root_free(&r);
}

Test(trust, embeds_the_third_party_files_byte_for_byte)
{
	static const char *const files[] = { PROD, STAGING };
	int staging;

	for (staging = 0; staging <= 1; staging++) {
		size_t len, elen;
		uint8_t *p = tu_read(files[staging], &len);
		const uint8_t *e = sgn_trusted_root_embedded_bytes(staging,
		    &elen);

		cr_assert_eq(elen, len, "%s", files[staging]);
		cr_assert_arr_eq(e, p, len);
		free(p);
	}
}

Test(trust, loads_the_vector_root_from_a_file)
{
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_trusted_root_load(ROOT, &r, &eb), SGN_OK, "%s",
	    eb.msg);
	expect_counts(r, 2, 2, 2, 1);
	sgn_trusted_root_free(&r);
}

Test(trust, finds_the_rekor_v1_log_by_its_id)
{
	struct sgn_trusted_root *r = embedded(0);
	const struct sgn_log *l;
	uint8_t id[32], h[32];

	b64(REKOR_V1_ID, id, 32);
	l = sgn_trusted_root_find_tlog(r, id, 32);
	cr_assert_not_null(l);
	cr_assert_arr_eq(l->log_id, id, 32);
	cr_assert_str_eq(l->base_url, "https://rekor.sigstore.dev");
	cr_assert_str_eq(l->host, "rekor.sigstore.dev");
	cr_assert_str_eq(l->authority, "rekor.sigstore.dev");
	cr_assert_eq(sgn_pubkey_type(l->key), SGN_KEY_ECDSA_P256);
	cr_assert_eq(l->key_hash, SGN_HASH_SHA256);
	cr_assert_eq(l->has_checkpoint_key_id, 0);
	cr_assert_eq(l->valid.has_start, 1);
	cr_assert_eq(l->valid.has_end, 0);
	cr_assert_eq(sgn_time_cmp(l->valid.start,
	    t3339("2021-01-12T11:53:27Z")), 0);
	/* Rekor v1 log IDs are H(SPKI) */
	cr_assert_eq(sgn_hash(SGN_HASH_SHA256, sgn_pubkey_spki_ptr(l->key),
	    sgn_pubkey_spki_len(l->key), h, NULL), SGN_OK);
	cr_assert_arr_eq(h, id, 32);
	/* a tlog ID is not a ctlog ID */
	cr_assert_null(sgn_trusted_root_find_ctlog(r, id, 32));
	sgn_trusted_root_free(&r);
}

Test(trust, finds_the_rekor_v2_log_by_its_id)
{
	struct sgn_trusted_root *r = embedded(0);
	const struct sgn_log *l;
	uint8_t id[32];

	b64(REKOR_V2_ID, id, 32);
	l = sgn_trusted_root_find_tlog(r, id, 32);
	cr_assert_not_null(l);
	cr_assert_str_eq(l->host, "log2025-1.rekor.sigstore.dev");
	cr_assert_eq(sgn_pubkey_type(l->key), SGN_KEY_ED25519);
	cr_assert_eq(l->key_hash, SGN_HASH_NONE);
	cr_assert_eq(sgn_time_cmp(l->valid.start,
	    t3339("2025-09-23T00:00:00Z")), 0);
	sgn_trusted_root_free(&r);
}

Test(trust, finds_ct_logs_by_their_id)
{
	struct sgn_trusted_root *r = embedded(0);
	const struct sgn_log *l;
	uint8_t id[32];

	b64(CT_2022_ID, id, 32);
	l = sgn_trusted_root_find_ctlog(r, id, 32);
	cr_assert_not_null(l);
	cr_assert_str_eq(l->base_url, "https://ctfe.sigstore.dev/2022");
	cr_assert_str_eq(l->host, "ctfe.sigstore.dev");
	cr_assert_eq(sgn_pubkey_type(l->key), SGN_KEY_ECDSA_P256);
	cr_assert_null(sgn_trusted_root_find_tlog(r, id, 32));
	sgn_trusted_root_free(&r);
}

Test(trust, finds_nothing_for_unknown_or_short_ids)
{
	struct sgn_trusted_root *r = embedded(0);
	uint8_t id[32];

	b64(REKOR_V1_ID, id, 32);
	cr_assert_null(sgn_trusted_root_find_tlog(r, id, 31));
	cr_assert_null(sgn_trusted_root_find_tlog(r, id, 33));
	cr_assert_null(sgn_trusted_root_find_tlog(r, id, 0));
	id[31] ^= 1;
	cr_assert_null(sgn_trusted_root_find_tlog(r, id, 32));
	memset(id, 0, sizeof(id));
	cr_assert_null(sgn_trusted_root_find_tlog(r, id, 32));
	cr_assert_null(sgn_trusted_root_find_ctlog(r, id, 32));
	sgn_trusted_root_free(&r);
}

Test(trust, reads_the_production_authorities)
{
	struct sgn_trusted_root *r = embedded(0);
	const struct sgn_authority *cas, *tsas;
	size_t n, i;

	cas = sgn_trusted_root_cas(r, &n);
	for (i = 0; i < n; i++) {
		cr_assert_str_eq(cas[i].uri, "https://fulcio.sigstore.dev");
		cr_assert_str_eq(cas[i].organization, "sigstore.dev");
		cr_assert_str_eq(cas[i].common_name, "sigstore");
		cr_assert_eq(sgn_cert_is_self_signed(
		    cas[i].chain[cas[i].chain_len - 1]), 1);
	}
	cr_assert_eq(cas[0].chain_len, 1);
	cr_assert_eq(cas[1].chain_len, 2);
	cr_assert_str_eq(sgn_cert_subject_cn(cas[1].chain[0]),
	    "sigstore-intermediate");
	cr_assert_eq(cas[0].valid.has_end, 1);
	cr_assert_eq(cas[1].valid.has_end, 0);

	tsas = sgn_trusted_root_tsas(r, &n);
	cr_assert_str_eq(tsas[0].uri,
	    "https://timestamp.sigstore.dev/api/v1/timestamp");
	cr_assert_str_eq(tsas[0].common_name, "sigstore-tsa-selfsigned");
	cr_assert_eq(tsas[0].chain_len, 2);
	/* signing leaf first, anchor last */
	cr_assert_eq(sgn_cert_is_ca(tsas[0].chain[0]), 0);
	cr_assert_eq(sgn_cert_is_self_signed(tsas[0].chain[1]), 1);
	sgn_trusted_root_free(&r);
}

/* Validity windows -------------------------------------------------- */

Test(trust, validity_includes_the_exact_end)
{
	struct sgn_trusted_root *r = embedded(0);
	const struct sgn_authority *cas;
	struct sgn_time end = t3339("2022-12-31T23:59:59.999Z");
	struct sgn_time start = t3339("2021-03-07T03:20:29Z");
	size_t n;

	cas = sgn_trusted_root_cas(r, &n);
	/* the retired root-only CA: 2021-03-07 .. 2022-12-31T23:59:59.999Z */
	cr_assert_eq(cas[0].chain_len, 1);
	cr_assert_eq(sgn_time_cmp(cas[0].valid.end, end), 0);
	cr_assert_eq(cas[0].valid.end.nsec, 999000000);
	cr_assert_eq(sgn_validity_contains(&cas[0].valid, end), 1);
	cr_assert_eq(sgn_validity_contains(&cas[0].valid, plus_ns(end, 1)),
	    0);
	cr_assert_eq(sgn_validity_contains(&cas[0].valid, plus_ns(end, -1)),
	    1);
	cr_assert_eq(sgn_validity_contains(&cas[0].valid,
	    t3339("2023-01-01T00:00:00Z")), 0);
	cr_assert_eq(sgn_validity_contains(&cas[0].valid, start), 1);
	cr_assert_eq(sgn_validity_contains(&cas[0].valid,
	    plus_ns(start, -1)), 0);
	/* the current CA is open-ended */
	cr_assert_eq(sgn_validity_contains(&cas[1].valid,
	    t3339("9999-12-31T23:59:59.999999999Z")), 1);
	cr_assert_eq(sgn_validity_contains(&cas[1].valid,
	    t3339("2022-04-13T20:06:14Z")), 0);
	sgn_trusted_root_free(&r);
}

Test(trust, validity_of_a_closed_ct_log)
{
	struct sgn_trusted_root *r = embedded(0);
	const struct sgn_log *l;
	struct sgn_time end = t3339("2022-10-31T23:59:59.999Z");
	uint8_t id[32];

	b64("CGCS8ChS/2hF0dFrJ4ScRWcYrBY9wzjSbea8IgY2b3I=", id, 32);
	l = sgn_trusted_root_find_ctlog(r, id, 32);
	cr_assert_not_null(l);
	cr_assert_str_eq(l->base_url, "https://ctfe.sigstore.dev/test");
	cr_assert_eq(sgn_validity_contains(&l->valid, end), 1);
	cr_assert_eq(sgn_validity_contains(&l->valid, plus_ns(end, 1)), 0);
	cr_assert_eq(sgn_validity_contains(&l->valid,
	    t3339("2021-03-14T00:00:00Z")), 1);
	cr_assert_eq(sgn_validity_contains(&l->valid,
	    t3339("2021-03-13T23:59:59.999999999Z")), 0);
	sgn_trusted_root_free(&r);
}

Test(trust, validity_without_bounds_contains_everything)
{
	struct sgn_validity v;

	memset(&v, 0, sizeof(v));
	cr_assert_eq(sgn_validity_contains(&v, sgn_time_from_sec(0)), 1);
	cr_assert_eq(sgn_validity_contains(&v, sgn_time_from_sec(-1)), 1);
	v.has_end = 1;
	v.end = sgn_time_from_sec(100);
	cr_assert_eq(sgn_validity_contains(&v, sgn_time_from_sec(-5)), 1);
	cr_assert_eq(sgn_validity_contains(&v, sgn_time_from_sec(100)), 1);
	cr_assert_eq(sgn_validity_contains(&v, sgn_time_from_sec(101)), 0);
	v.has_start = 1;
	v.start = sgn_time_from_sec(100);
	cr_assert_eq(sgn_validity_contains(&v, sgn_time_from_sec(100)), 1);
	cr_assert_eq(sgn_validity_contains(&v, sgn_time_from_sec(99)), 0);
}

/* Staging ----------------------------------------------------------- */

Test(trust, loads_the_staging_pkcs1_rsa_ct_key)
{
	struct sgn_trusted_root *r = embedded(1);
	const struct sgn_log *l;
	uint8_t id[32];

	b64("G3wUKk6ZK6ffHh/FdCRUE2wVekyzHEEIpSG4savnv0w=", id, 32);
	l = sgn_trusted_root_find_ctlog(r, id, 32);
	cr_assert_not_null(l);
	cr_assert_str_eq(l->base_url, "https://ctfe.sigstage.dev/test");
	cr_assert_eq(sgn_pubkey_type(l->key), SGN_KEY_RSA);
	cr_assert_str_eq(sgn_pubkey_describe(l->key), "RSA-4096");
	cr_assert_eq(l->key_hash, SGN_HASH_SHA256);
	cr_assert_str_eq(sgn_key_details_name(l->key),
	    "PKIX_RSA_PKCS1V15_4096_SHA256");
	/* stored re-encoded as a SubjectPublicKeyInfo */
	cr_assert_gt(sgn_pubkey_spki_len(l->key), 526);
	sgn_trusted_root_free(&r);
}

/* URLs -------------------------------------------------------------- */

static void
expect_host(const char *url, const char *host, const char *auth)
{
	char *h = NULL, *a = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_url_host(url, &h, &a, &eb), SGN_OK, "%s: %s", url,
	    eb.msg);
	cr_assert_str_eq(h, host, "%s", url);
	cr_assert_str_eq(a, auth, "%s", url);
	free(h);
	free(a);
}

static void
expect_bad_url(const char *url, const char *want)
{
	char *h = (char *)1, *a = (char *)1;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_url_host(url, &h, &a, &eb), SGN_ERR_PARSE,
	    "accepted %s", url);
	cr_assert_null(h);
	cr_assert_null(a);
	cr_assert(tu_has(eb.msg, want), "%s: message \"%s\" lacks \"%s\"",
	    url, eb.msg, want);
}

Test(trust, takes_the_host_of_a_url)
{
	expect_host("https://rekor.sigstore.dev", "rekor.sigstore.dev",
	    "rekor.sigstore.dev");
	expect_host("https://rekor.sigstore.dev/", "rekor.sigstore.dev",
	    "rekor.sigstore.dev");
	expect_host("http://localhost:8000", "localhost", "localhost:8000");
	expect_host("https://log2025-1.rekor.sigstore.dev/api/v2?x=1#y",
	    "log2025-1.rekor.sigstore.dev", "log2025-1.rekor.sigstore.dev");
	expect_host("https://ctfe.sigstore.dev/2022", "ctfe.sigstore.dev",
	    "ctfe.sigstore.dev");
	expect_host("http://127.0.0.1:3000/path", "127.0.0.1",
	    "127.0.0.1:3000");
	expect_host("https://example.com?q", "example.com", "example.com");
	expect_host("https://example.com#frag", "example.com", "example.com");
}

Test(trust, drops_ipv6_brackets_from_the_host_only)
{
	/* As Go's url.Hostname(): a Rekor v2 origin is the bare address;
	 * the authority keeps the RFC 3986 IP-literal form. */
	expect_host("http://[::1]:8080/api", "::1", "[::1]:8080");
	expect_host("https://[2001:db8::7]", "2001:db8::7",
	    "[2001:db8::7]");
	expect_bad_url("https://[]/x", "bad URL host");
}

Test(trust, refuses_urls_it_cannot_use)
{
	expect_bad_url("ftp://rekor.sigstore.dev", "not an http(s) URL");
	expect_bad_url("rekor.sigstore.dev", "not an http(s) URL");
	expect_bad_url("HTTPS//x", "not an http(s) URL");
	expect_bad_url("", "not an http(s) URL");
	expect_bad_url("https://", "bad URL host");
	expect_bad_url("https:///path", "bad URL host");
	expect_bad_url("http://?q", "bad URL host");
	expect_bad_url("https://user@rekor.sigstore.dev", "bad URL host");
	expect_bad_url("https://user:pw@host:443/", "bad URL host");
	expect_bad_url("https://:8080", "bad URL host");
	expect_bad_url("http://[::1", "bad URL host");
}

/* Validation rules -------------------------------------------------- */

static sgn_err
parse_text(const char *s, struct sgn_trusted_root **r,
    struct sgn_errbuf *eb)
{
	sgn_errbuf_clear(eb);
	return sgn_trusted_root_parse((const uint8_t *)s, strlen(s), r, eb);
}

static sgn_err
parse_tree(const cJSON *j, struct sgn_trusted_root **r,
    struct sgn_errbuf *eb)
{
	char *s = cJSON_PrintUnformatted(j);
	sgn_err e;

	cr_assert_not_null(s);
	e = parse_text(s, r, eb);
	free(s);
	return e;
}

/* Applies mutate to the production root and expects code and want. */
static void
expect_reject(void (*mutate)(cJSON *), sgn_err code, const char *want)
{
	cJSON *j = tu_load_json(ROOT);
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;

	mutate(j);
	cr_assert_eq(parse_tree(j, &r, &eb), code, "got \"%s\"", eb.msg);
	cr_assert_null(r);
	cr_assert(tu_has(eb.msg, want), "message \"%s\" lacks \"%s\"",
	    eb.msg, want);
	cJSON_Delete(j);
}

/* Applies mutate and expects the root to parse; returns it. */
static struct sgn_trusted_root *
expect_accept(void (*mutate)(cJSON *))
{
	cJSON *j = tu_load_json(ROOT);
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;

	mutate(j);
	cr_assert_eq(parse_tree(j, &r, &eb), SGN_OK, "%s", eb.msg);
	cJSON_Delete(j);
	return r;
}

static cJSON *
get(cJSON *j, const char *k)
{
	cJSON *x = cJSON_GetObjectItemCaseSensitive(j, k);

	cr_assert_not_null(x, "no %s", k);
	return x;
}

static cJSON *
item(cJSON *j, const char *list, int i)
{
	cJSON *x = cJSON_GetArrayItem(get(j, list), i);

	cr_assert_not_null(x, "no %s[%d]", list, i);
	return x;
}

static void
set_str(cJSON *obj, const char *k, const char *v)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, k) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, k,
		    cJSON_CreateString(v));
	else
		cJSON_AddStringToObject(obj, k, v);
}

static cJSON *
tlog0_key(cJSON *j)
{
	return get(item(j, "tlogs", 0), "publicKey");
}

static cJSON *
ca_certs(cJSON *j, int i)
{
	return get(get(item(j, "certificateAuthorities", i), "certChain"),
	    "certificates");
}

static void
mt_unknown(cJSON *j)
{
	set_str(j, "mediaType",
	    "application/vnd.dev.sigstore.trustedroot+json;version=0.3");
}

static void
mt_missing(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(j, "mediaType");
}

static void
mt_number(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(j, "mediaType",
	    cJSON_CreateNumber(1));
}

static void
mt_bundle(cJSON *j)
{
	set_str(j, "mediaType",
	    "application/vnd.dev.sigstore.bundle.v0.3+json");
}

Test(trust, rejects_an_unknown_media_type)
{
	expect_reject(mt_unknown, SGN_ERR_UNSUPPORTED,
	    "trusted root: unsupported media type \"application/vnd.dev."
	    "sigstore.trustedroot+json;version=0.3\"");
	expect_reject(mt_bundle, SGN_ERR_UNSUPPORTED,
	    "unsupported media type");
	expect_reject(mt_missing, SGN_ERR_PARSE,
	    "trusted root: missing \"mediaType\"");
	expect_reject(mt_number, SGN_ERR_PARSE,
	    "trusted root.mediaType: expected a string");
}

static void
mt_v01(cJSON *j)
{
	set_str(j, "mediaType",
	    "application/vnd.dev.sigstore.trustedroot.v0.1+json");
}

/* v0.2 adds checkpointKeyId */
static void
mt_v02(cJSON *j)
{
	cJSON *cid = cJSON_CreateObject();

	set_str(j, "mediaType",
	    "application/vnd.dev.sigstore.trustedroot.v0.2+json");
	cJSON_AddStringToObject(cid, "keyId",
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
	cJSON_AddItemToObject(item(j, "tlogs", 1), "checkpointKeyId", cid);
	cJSON_AddStringToObject(item(j, "tlogs", 1), "operator",
	    "sigstore.dev");
}

Test(trust, accepts_the_three_media_type_spellings)
{
	struct sgn_trusted_root *r;
	const struct sgn_log *l;
	size_t n;
	int i;

	r = expect_accept(mt_v01);
	expect_counts(r, 2, 2, 2, 1);
	sgn_trusted_root_free(&r);
	r = expect_accept(mt_v02);
	l = sgn_trusted_root_tlogs(r, &n);
	cr_assert_eq(l[0].has_checkpoint_key_id, 0);
	cr_assert_eq(l[1].has_checkpoint_key_id, 1);
	for (i = 0; i < 32; i++)
		cr_assert_eq(l[1].checkpoint_key_id[i], i);
	sgn_trusted_root_free(&r);
}

static void
no_tlogs(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(j, "tlogs");
}

Test(trust, rejects_a_document_that_is_not_an_object)
{
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;

	cr_assert_eq(parse_text("[]", &r, &eb), SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "trusted root: expected a JSON object"),
	    "%s", eb.msg);
	cr_assert_eq(parse_text("{\"mediaType\": ", &r, &eb), SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "trusted root: invalid JSON"), "%s", eb.msg);
	cr_assert_eq(parse_text("", &r, &eb), SGN_ERR_PARSE);
	cr_assert_null(r);
	/* and a root without tlogs is fine for the parser */
	r = expect_accept(no_tlogs);
	expect_counts(r, 0, 2, 2, 1);
	sgn_trusted_root_free(&r);
}

Test(trust, rejects_duplicate_keys)
{
	cJSON *j = tu_load_json(ROOT);
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;
	char *s = cJSON_PrintUnformatted(j), *d;
	size_t n;

	cr_assert_not_null(s);
	cr_assert_eq(s[0], '{');
	n = strlen(s) + 32;
	d = malloc(n);
	cr_assert_not_null(d);
	/* a second, empty "tlogs" that cJSON would silently shadow */
	snprintf(d, n, "{\"tlogs\":[],%s", s + 1);
	cr_assert_eq(parse_text(d, &r, &eb), SGN_ERR_PARSE);
	cr_assert(tu_has(eb.msg, "trusted root: duplicate key \"tlogs\""),
	    "%s", eb.msg);
	cr_assert_null(r);
	free(d);
	free(s);
	cJSON_Delete(j);
}

Test(trust, rejects_an_oversized_document)
{
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;
	uint8_t *big = malloc(SGN_MAX_TRUSTED_ROOT_BYTES + 1);

	cr_assert_not_null(big);
	memset(big, ' ', SGN_MAX_TRUSTED_ROOT_BYTES + 1);
	big[0] = '{';
	big[SGN_MAX_TRUSTED_ROOT_BYTES] = '}';
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_trusted_root_parse(big, SGN_MAX_TRUSTED_ROOT_BYTES +
	    1, &r, &eb), SGN_ERR_LIMIT);
	cr_assert(tu_has(eb.msg, "trusted root too large"), "%s", eb.msg);
	cr_assert_null(r);
	free(big);
}

static void
tlog_no_start(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(get(tlog0_key(j), "validFor"),
	    "start");
}

static void
tlog_no_valid_for(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(tlog0_key(j), "validFor");
}

static void
tlog_end_only(cJSON *j)
{
	cJSON *vf = get(tlog0_key(j), "validFor");

	cJSON_DeleteItemFromObjectCaseSensitive(vf, "start");
	cJSON_AddStringToObject(vf, "end", "2030-01-01T00:00:00Z");
}

static void
ctlog_no_start(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(get(get(item(j, "ctlogs", 1),
	    "publicKey"), "validFor"), "start");
}

Test(trust, rejects_a_log_without_a_start_of_validity)
{
	expect_reject(tlog_no_start, SGN_ERR_PARSE,
	    "trusted root.tlogs[0].publicKey: missing \"start\"");
	expect_reject(tlog_end_only, SGN_ERR_PARSE,
	    "trusted root.tlogs[0].publicKey: missing \"start\"");
	expect_reject(tlog_no_valid_for, SGN_ERR_PARSE,
	    "trusted root.tlogs[0].publicKey: missing \"validFor\"");
	expect_reject(ctlog_no_start, SGN_ERR_PARSE,
	    "trusted root.ctlogs[1].publicKey: missing \"start\"");
}

static void
tlog_end_before_start(cJSON *j)
{
	cJSON_AddStringToObject(get(tlog0_key(j), "validFor"), "end",
	    "2021-01-12T11:53:26.999Z");
}

static void
tlog_end_equals_start(cJSON *j)
{
	cJSON_AddStringToObject(get(tlog0_key(j), "validFor"), "end",
	    "2021-01-12T11:53:27Z");
}

static void
ca_end_before_start(cJSON *j)
{
	set_str(get(item(j, "certificateAuthorities", 1), "validFor"), "end",
	    "2022-04-13T20:06:14Z");
}

static void
bad_start_time(cJSON *j)
{
	set_str(get(tlog0_key(j), "validFor"), "start", "2021-01-12 11:53:27");
}

Test(trust, rejects_a_window_that_ends_before_it_starts)
{
	struct sgn_trusted_root *r;
	const struct sgn_log *l;
	size_t n;

	expect_reject(tlog_end_before_start, SGN_ERR_PARSE,
	    "trusted root.tlogs[0].publicKey: validity ends before it starts");
	expect_reject(ca_end_before_start, SGN_ERR_PARSE,
	    "trusted root.certificateAuthorities[1]: validity ends before it "
	    "starts");
	expect_reject(bad_start_time, SGN_ERR_PARSE,
	    "trusted root.tlogs[0].publicKey.start");
	/* a one-instant window is allowed */
	r = expect_accept(tlog_end_equals_start);
	l = sgn_trusted_root_tlogs(r, &n);
	cr_assert_eq(sgn_validity_contains(&l[0].valid, l[0].valid.start), 1);
	cr_assert_eq(sgn_validity_contains(&l[0].valid,
	    plus_ns(l[0].valid.start, 1)), 0);
	sgn_trusted_root_free(&r);
}

static void
details_mismatch(cJSON *j)
{
	set_str(tlog0_key(j), "keyDetails", "PKIX_ED25519");
}

static void
details_rsa_on_ec(cJSON *j)
{
	set_str(get(item(j, "ctlogs", 0), "publicKey"), "keyDetails",
	    "PKIX_RSA_PKCS1V15_2048_SHA256");
}

static void
details_unknown(cJSON *j)
{
	set_str(tlog0_key(j), "keyDetails", "ML_DSA_65");
}

static void
details_absent(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(tlog0_key(j), "keyDetails");
}

static void
details_p256_on_ed25519(cJSON *j)
{
	set_str(get(item(j, "tlogs", 1), "publicKey"), "keyDetails",
	    "PKIX_ECDSA_P256_SHA_256");
}

Test(trust, rejects_key_details_that_do_not_match_the_key)
{
	struct sgn_trusted_root *r;
	size_t n;

	expect_reject(details_mismatch, SGN_ERR_PARSE,
	    "trusted root.tlogs[0].publicKey: keyDetails PKIX_ED25519 does "
	    "not match a ECDSA P-256 key");
	expect_reject(details_p256_on_ed25519, SGN_ERR_PARSE,
	    "does not match a Ed25519 key");
	expect_reject(details_rsa_on_ec, SGN_ERR_PARSE,
	    "trusted root.ctlogs[0].publicKey: keyDetails "
	    "PKIX_RSA_PKCS1V15_2048_SHA256 does not match");
	expect_reject(details_unknown, SGN_ERR_UNSUPPORTED,
	    "trusted root.tlogs[0].publicKey: unsupported keyDetails "
	    "ML_DSA_65");
	/* absent keyDetails: the key's own default hash */
	r = expect_accept(details_absent);
	cr_assert_eq(sgn_trusted_root_tlogs(r, &n)[0].key_hash,
	    SGN_HASH_SHA256);
	sgn_trusted_root_free(&r);
}

static void
log_id_31(cJSON *j)
{
	/* 31 bytes */
	set_str(get(item(j, "tlogs", 0), "logId"), "keyId",
	    "wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgA==");
}

static void
log_id_33(cJSON *j)
{
	set_str(get(item(j, "ctlogs", 1), "logId"), "keyId",
	    "3T0wasbHETJjGR4cmWc3AqJKXrjePK3/h4pygC8p7o4A");
}

static void
log_id_missing(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(item(j, "tlogs", 0), "logId");
}

static void
log_id_bad_b64(cJSON *j)
{
	set_str(get(item(j, "tlogs", 0), "logId"), "keyId", "not base64!");
}

static void
checkpoint_id_short(cJSON *j)
{
	cJSON *cid = cJSON_CreateObject();

	cJSON_AddStringToObject(cid, "keyId", "AAEC");
	cJSON_AddItemToObject(item(j, "tlogs", 1), "checkpointKeyId", cid);
}

Test(trust, rejects_log_ids_that_are_not_32_bytes)
{
	expect_reject(log_id_31, SGN_ERR_PARSE,
	    "trusted root.tlogs[0].logId.keyId: 31 bytes, expected 32");
	expect_reject(log_id_33, SGN_ERR_PARSE,
	    "trusted root.ctlogs[1].logId.keyId: 33 bytes, expected 32");
	expect_reject(log_id_missing, SGN_ERR_PARSE,
	    "trusted root.tlogs[0]: missing \"logId\"");
	expect_reject(log_id_bad_b64, SGN_ERR_PARSE,
	    "trusted root.tlogs[0].keyId");
	expect_reject(checkpoint_id_short, SGN_ERR_PARSE,
	    "trusted root.tlogs[1].checkpointKeyId: 3 bytes, expected 32");
}

static void
key_bad_b64(cJSON *j)
{
	set_str(tlog0_key(j), "rawBytes", "MFkw*EwYH");
}

static void
key_missing(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(tlog0_key(j), "rawBytes");
}

static void
key_empty(cJSON *j)
{
	set_str(tlog0_key(j), "rawBytes", "");
}

static void
key_garbage(cJSON *j)
{
	/* valid base64 of bytes that are no key */
	set_str(tlog0_key(j), "rawBytes", "aGVsbG8gd29ybGQ=");
}

static void
no_public_key(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(item(j, "tlogs", 0),
	    "publicKey");
}

Test(trust, rejects_an_unusable_log_key)
{
	expect_reject(key_bad_b64, SGN_ERR_PARSE,
	    "trusted root.tlogs[0].publicKey.rawBytes: ");
	expect_reject(key_missing, SGN_ERR_PARSE,
	    "trusted root.tlogs[0].publicKey: missing \"rawBytes\"");
	expect_reject(key_empty, SGN_ERR_PARSE,
	    "trusted root.tlogs[0].publicKey");
	expect_reject(no_public_key, SGN_ERR_PARSE,
	    "trusted root.tlogs[0]: missing \"publicKey\"");
	expect_reject(key_garbage, SGN_ERR_PARSE, "invalid public key");
}

/*
 * BUG (pkg/trust/trust.c, parse_log): the header promises "Errors name
 * the member at fault", but after sgn_pubkey_from_der() has written
 * "invalid public key: ..." the wrapping sgn_errf(eb, r, "%s: unusable
 * key", w) is dropped (first message wins), so the error does not say
 * which log's key is broken.  The same happens in parse_authority for
 * "%s: unusable certificate".
 */
Test(trust, names_the_log_whose_key_is_unusable)
{
	expect_reject(key_garbage, SGN_ERR_PARSE, "trusted root.tlogs[0]");
}

static void
hash_sha384(cJSON *j)
{
	set_str(item(j, "tlogs", 0), "hashAlgorithm", "SHA2_384");
}

static void
hash_number(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(item(j, "ctlogs", 0),
	    "hashAlgorithm", cJSON_CreateNumber(1));
}

static void
hash_absent(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(item(j, "tlogs", 0),
	    "hashAlgorithm");
}

Test(trust, rejects_a_log_hash_other_than_sha256)
{
	struct sgn_trusted_root *r;

	expect_reject(hash_sha384, SGN_ERR_UNSUPPORTED,
	    "trusted root.tlogs[0]: unsupported log hash algorithm SHA2_384");
	expect_reject(hash_number, SGN_ERR_PARSE,
	    "trusted root.ctlogs[0].hashAlgorithm: expected a string");
	r = expect_accept(hash_absent);
	sgn_trusted_root_free(&r);
}

static void
tlog_no_url(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(item(j, "tlogs", 1),
	    "baseUrl");
}

static void
tlog_ftp_url(cJSON *j)
{
	set_str(item(j, "tlogs", 0), "baseUrl", "ftp://rekor.sigstore.dev");
}

static void
tlog_userinfo_url(cJSON *j)
{
	set_str(item(j, "tlogs", 0), "baseUrl", "https://u@rekor.sigstore.dev");
}

static void
ctlog_no_url(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(item(j, "ctlogs", 0),
	    "baseUrl");
}

Test(trust, requires_a_usable_base_url_for_tlogs)
{
	struct sgn_trusted_root *r;
	const struct sgn_log *l;
	size_t n;

	expect_reject(tlog_no_url, SGN_ERR_PARSE,
	    "trusted root.tlogs[1]: missing \"baseUrl\"");
	expect_reject(tlog_ftp_url, SGN_ERR_PARSE,
	    "not an http(s) URL: ftp://rekor.sigstore.dev");
	expect_reject(tlog_userinfo_url, SGN_ERR_PARSE, "bad URL host");
	/* CT logs need none */
	r = expect_accept(ctlog_no_url);
	l = sgn_trusted_root_ctlogs(r, &n);
	cr_assert_null(l[0].base_url);
	cr_assert_null(l[0].host);
	cr_assert_null(l[0].authority);
	sgn_trusted_root_free(&r);
}

static void
chain_garbage(cJSON *j)
{
	set_str(cJSON_GetArrayItem(ca_certs(j, 1), 0), "rawBytes",
	    "aGVsbG8gd29ybGQ=");
}

static void
chain_bad_b64(cJSON *j)
{
	set_str(cJSON_GetArrayItem(ca_certs(j, 1), 1), "rawBytes", "MII*");
}

static void
chain_empty(cJSON *j)
{
	cJSON *c = ca_certs(j, 0);

	while (cJSON_GetArraySize(c) > 0)
		cJSON_DeleteItemFromArray(c, 0);
}

static void
chain_not_object(cJSON *j)
{
	cJSON_AddItemToArray(ca_certs(j, 0), cJSON_CreateString("x"));
}

static void
chain_too_long(cJSON *j)
{
	cJSON *c = ca_certs(j, 0);
	int i;

	for (i = 0; i < 8; i++)
		cJSON_AddItemToArray(c, cJSON_Duplicate(cJSON_GetArrayItem(c,
		    0), 1));
}

static void
chain_eight(cJSON *j)
{
	cJSON *c = ca_certs(j, 0);
	int i;

	for (i = 0; i < 7; i++)
		cJSON_AddItemToArray(c, cJSON_Duplicate(cJSON_GetArrayItem(c,
		    0), 1));
}

static void
no_cert_chain(cJSON *j)
{
	cJSON_DeleteItemFromObjectCaseSensitive(item(j,
	    "timestampAuthorities", 0), "certChain");
}

static void
tsa_garbage(cJSON *j)
{
	set_str(cJSON_GetArrayItem(get(get(item(j, "timestampAuthorities", 0),
	    "certChain"), "certificates"), 0), "rawBytes", "AAAA");
}

Test(trust, rejects_an_unusable_certificate_chain)
{
	struct sgn_trusted_root *r;
	const struct sgn_authority *cas;
	size_t n;

	expect_reject(chain_garbage, SGN_ERR_PARSE, "invalid certificate");
	expect_reject(tsa_garbage, SGN_ERR_PARSE, "invalid certificate");
	expect_reject(chain_bad_b64, SGN_ERR_PARSE,
	    "trusted root.certificateAuthorities[1].certChain.certificates[1]"
	    ".rawBytes");
	expect_reject(chain_empty, SGN_ERR_PARSE,
	    "trusted root.certificateAuthorities[0].certChain: 0 "
	    "certificates");
	expect_reject(chain_too_long, SGN_ERR_PARSE,
	    "trusted root.certificateAuthorities[0].certChain: 9 "
	    "certificates");
	expect_reject(chain_not_object, SGN_ERR_PARSE,
	    "trusted root.certificateAuthorities[0].certChain.certificates[1]:"
	    " expected an object");
	expect_reject(no_cert_chain, SGN_ERR_PARSE,
	    "trusted root.timestampAuthorities[0]: missing \"certChain\"");
	r = expect_accept(chain_eight);
	cas = sgn_trusted_root_cas(r, &n);
	cr_assert_eq(cas[0].chain_len, 8);
	sgn_trusted_root_free(&r);
}

/* See the BUG note above names_the_log_whose_key_is_unusable. */
Test(trust, names_the_authority_whose_certificate_is_unusable)
{
	expect_reject(chain_garbage, SGN_ERR_PARSE,
	    "trusted root.certificateAuthorities[1].certChain.certificates[0]");
}

/* Copies entry 0 of list until it has n entries. */
static void
grow(cJSON *j, const char *list, int n)
{
	cJSON *a = get(j, list);

	while (cJSON_GetArraySize(a) < n)
		cJSON_AddItemToArray(a, cJSON_Duplicate(cJSON_GetArrayItem(a,
		    0), 1));
}

static void
tlogs_64(cJSON *j)
{
	grow(j, "tlogs", 64);
}

static void
tlogs_65(cJSON *j)
{
	grow(j, "tlogs", 65);
}

static void
ctlogs_65(cJSON *j)
{
	grow(j, "ctlogs", 65);
}

static void
cas_65(cJSON *j)
{
	grow(j, "certificateAuthorities", 65);
}

static void
tsas_65(cJSON *j)
{
	grow(j, "timestampAuthorities", 65);
}

Test(trust, caps_every_list_at_64_entries)
{
	struct sgn_trusted_root *r;

	r = expect_accept(tlogs_64);
	expect_counts(r, 64, 2, 2, 1);
	sgn_trusted_root_free(&r);
	expect_reject(tlogs_65, SGN_ERR_LIMIT, "trusted root: too many tlogs");
	expect_reject(ctlogs_65, SGN_ERR_LIMIT,
	    "trusted root: too many ctlogs");
	expect_reject(cas_65, SGN_ERR_LIMIT,
	    "trusted root: too many certificateAuthorities");
	expect_reject(tsas_65, SGN_ERR_LIMIT,
	    "trusted root: too many timestampAuthorities");
}

static void
tlogs_not_array(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(j, "tlogs",
	    cJSON_CreateObject());
}

static void
tlog_not_object(cJSON *j)
{
	cJSON_AddItemToArray(get(j, "tlogs"), cJSON_CreateNumber(1));
}

static void
ca_not_object(cJSON *j)
{
	cJSON_InsertItemInArray(get(j, "certificateAuthorities"), 0,
	    cJSON_CreateArray());
}

static void
empty_lists(cJSON *j)
{
	cJSON_ReplaceItemInObjectCaseSensitive(j, "tlogs",
	    cJSON_CreateArray());
	cJSON_ReplaceItemInObjectCaseSensitive(j, "timestampAuthorities",
	    cJSON_CreateNull());
}

Test(trust, checks_the_shape_of_each_list)
{
	struct sgn_trusted_root *r;

	expect_reject(tlogs_not_array, SGN_ERR_PARSE,
	    "trusted root.tlogs: expected an array");
	expect_reject(tlog_not_object, SGN_ERR_PARSE,
	    "trusted root.tlogs[2]: expected an object");
	expect_reject(ca_not_object, SGN_ERR_PARSE,
	    "trusted root.certificateAuthorities[0]: expected an object");
	r = expect_accept(empty_lists);
	expect_counts(r, 0, 2, 2, 0);
	sgn_trusted_root_free(&r);
}

/* Files ------------------------------------------------------------- */

Test(trust, load_of_a_missing_file_is_a_trust_error)
{
	struct sgn_trusted_root *r = (struct sgn_trusted_root *)1;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_trusted_root_load("testdata/no/such/root.json", &r,
	    &eb), SGN_ERR_TRUST, "%s", eb.msg);
	cr_assert_null(r);
	cr_assert(tu_has(eb.msg, "testdata/no/such/root.json"), "%s", eb.msg);
}

Test(trust, load_of_an_unusable_file_is_a_trust_error)
{
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;

	/* not JSON */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_trusted_root_load(
	    "testdata/vectors/dsse-rekor-v1/artifact", &r, &eb),
	    SGN_ERR_TRUST);
	cr_assert(tu_has(eb.msg, "trusted root"), "%s", eb.msg);
	cr_assert_null(r);
	/* JSON, but a bundle */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_trusted_root_load(
	    "testdata/vectors/rekor-v1-hashedrekord/bundle.sigstore.json", &r,
	    &eb), SGN_ERR_TRUST);
	cr_assert(tu_has(eb.msg, "unsupported media type"), "%s", eb.msg);
	cr_assert_null(r);
}

Test(trust, load_of_a_directory_is_a_trust_error)
{
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_trusted_root_load("testdata", &r, &eb),
	    SGN_ERR_TRUST, "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "is a directory"), "%s", eb.msg);
	cr_assert_null(r);
}

/*
 * BUG (pkg/trust/trust.c, sgn_trusted_root_load): only SGN_ERR_IO from
 * sgn_file_read() is mapped to SGN_ERR_TRUST.  A trusted root file larger
 * than SGN_MAX_TRUSTED_ROOT_BYTES comes back as SGN_ERR_LIMIT, whose exit
 * status is 1 ("the input failed verification"), although every other
 * unusable trusted root (unreadable, not JSON, invalid) is SGN_ERR_TRUST
 * (exit status 2, "the work could not be done").
 */
Test(trust, load_of_an_oversized_file_is_a_trust_error)
{
	char path[] = "/tmp/signet-trust-test-XXXXXX";
	struct sgn_trusted_root *r = NULL;
	struct sgn_errbuf eb;
	int fd = mkstemp(path);
	sgn_err e;

	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, SGN_MAX_TRUSTED_ROOT_BYTES + 1), 0);
	close(fd);
	sgn_errbuf_clear(&eb);
	e = sgn_trusted_root_load(path, &r, &eb);
	unlink(path);
	cr_assert_eq(e, SGN_ERR_TRUST, "%d: %s", e, eb.msg);
	cr_assert_null(r);
}
