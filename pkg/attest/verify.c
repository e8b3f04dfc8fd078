/*
 * Verifying an attestation bundle against an artifact: the DSSE bundle
 * verifies as any Sigstore bundle (pkg/verify), its in-toto statement
 * names the artifact's digest, and its predicate is checked and returned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "attest.h"
#include "attest_int.h"
#include "dsse.h"
#include "json.h"

#define INTOTO_PAYLOAD_TYPE	"application/vnd.in-toto+json"

void
sgn_attest_result_reset(struct sgn_attest_result *ar)
{
	if (ar == NULL)
		return;
	free(ar->predicate_type);
	free(ar->predicate);
	sgn_intoto_free(&ar->statement);
	memset(ar, 0, sizeof(*ar));
}

/* A failed attestation check: res says which, eb says why. */
static sgn_err
fail(struct sgn_verify_result *res, const char *check, sgn_err code,
    struct sgn_errbuf *eb, const char *msg)
{
	snprintf(res->check, sizeof(res->check), "%s", check);
	snprintf(res->reason, sizeof(res->reason), "%s", msg);
	res->verified = 0;
	return sgn_errf(eb, code, "%s: %s", check, msg);
}

sgn_err
sgn_attest_verify(struct sgn_verifier *v, const struct sgn_bundle *b,
    const struct sgn_policy *policy, const uint8_t sha256[32],
    const char *want_type, struct sgn_verify_result *res,
    struct sgn_attest_result *ar, struct sgn_errbuf *eb)
{
	struct sgn_plain_trust		 t;
	struct sgn_artifact		 art;
	struct sgn_errbuf		 e2;
	const uint8_t			*pl;
	const cJSON			*pred;
	cJSON				*st = NULL;
	char				 msg[SGN_ERRBUF_SIZE], hex[65];
	size_t				 pl_len;
	sgn_err				 r;

	if (b == NULL || policy == NULL || sha256 == NULL || res == NULL ||
	    ar == NULL)
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "attestation: missing argument");
	memset(ar, 0, sizeof(*ar));
	if (b->content != SGN_CONTENT_DSSE)
		return fail(res, "attestation", SGN_ERR_VERIFY, eb,
		    "the bundle holds a message signature, not an "
		    "attestation (a DSSE envelope)");
	if (b->payload_type == NULL ||
	    strcmp(b->payload_type, INTOTO_PAYLOAD_TYPE) != 0)
		return fail(res, "attestation", SGN_ERR_VERIFY, eb,
		    "the envelope's payload is not an in-toto statement");

	/* the signature, exactly as verify checks it */
	if (policy->key != NULL && policy->unlogged_ok &&
	    b->n_entries == 0 && b->n_timestamps == 0) {
		t = (struct sgn_plain_trust)SGN_PLAIN_TRUST_INIT;
		t.key = policy->key;
		r = sgn_verify_plain(b, &t, &pl, &pl_len, res, eb);
	} else {
		if (v == NULL)
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
			    "attestation: a Sigstore bundle needs a verifier");
		art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
		art.digest_alg = SGN_HASH_SHA256;
		memcpy(art.digest, sha256, 32);
		r = sgn_verify(v, b, &art, policy, res, eb);
	}
	if (r != SGN_OK)
		return r;
	res->verified = 0;	/* until the statement is checked too */
	pl = b->payload.ptr;
	pl_len = b->payload.len;

	/* the statement: strict, and naming this artifact */
	sgn_errbuf_clear(&e2);
	if ((r = sgn_intoto_parse(pl, pl_len, &ar->statement, &e2)) !=
	    SGN_OK) {
		r = fail(res, "statement", r == SGN_ERR_NOMEM ? r :
		    SGN_ERR_PARSE, eb, e2.msg);
		goto out;
	}
	sgn_hex_encode(sha256, 32, hex);
	if ((ar->subject = sgn_intoto_find(ar->statement, SGN_HASH_SHA256,
	    sha256, 32)) == NULL) {
		snprintf(msg, sizeof(msg), "the attestation is not about "
		    "this artifact (sha256:%s is none of its %zu subject%s)",
		    hex, ar->statement->n_subjects,
		    ar->statement->n_subjects == 1 ? "" : "s");
		r = fail(res, "subject", SGN_ERR_VERIFY, eb, msg);
		goto out;
	}
	if (ar->statement->predicate_type == NULL ||
	    ar->statement->predicate_type[0] == '\0') {
		r = fail(res, "predicateType", SGN_ERR_PARSE, eb,
		    "the statement has no predicate type");
		goto out;
	}
	if (want_type != NULL &&
	    strcmp(ar->statement->predicate_type, want_type) != 0) {
		snprintf(msg, sizeof(msg), "%s, not %s",
		    ar->statement->predicate_type, want_type);
		r = fail(res, "predicateType", SGN_ERR_VERIFY, eb, msg);
		goto out;
	}
	sgn_errbuf_clear(&e2);
	if ((r = attest_parse_object(pl, pl_len, "statement", &st, &e2)) !=
	    SGN_OK) {
		r = fail(res, "statement", r == SGN_ERR_NOMEM ? r :
		    SGN_ERR_PARSE, eb, e2.msg);
		goto out;
	}
	pred = sgn_json_member(st, "predicate");
	if (pred != NULL && !cJSON_IsObject(pred)) {
		r = fail(res, "predicate", SGN_ERR_PARSE, eb,
		    "not a JSON object");
		goto out;
	}
	if (strcmp(ar->statement->predicate_type, SGN_ATTEST_SLSA_V1) == 0) {
		sgn_errbuf_clear(&e2);
		if (pred == NULL)
			r = fail(res, "predicate", SGN_ERR_PARSE, eb,
			    "a SLSA provenance without its predicate");
		else if ((r = attest_slsa_check_tree(pred, &e2)) != SGN_OK)
			r = fail(res, "predicate", r, eb, e2.msg);
		if (r != SGN_OK)
			goto out;
	}
	ar->predicate = pred != NULL ? cJSON_PrintUnformatted(pred) :
	    strdup("null");
	ar->predicate_type = strdup(ar->statement->predicate_type);
	if (ar->predicate == NULL || ar->predicate_type == NULL) {
		r = sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		goto out;
	}
	res->verified = 1;
	r = SGN_OK;
out:
	cJSON_Delete(st);
	if (r != SGN_OK)
		sgn_attest_result_reset(ar);
	return r;
}
