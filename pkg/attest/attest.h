/*
 * attest: in-toto attestations about artifacts and models, and SLSA
 * Provenance v1 predicates for the runs that produce them.
 *
 *  - an artifact's subject: a file is named by its base name and digested
 *    with SHA-256; a directory (a model, a dataset) by the name
 *    model_signing gives it (sgn_manifest_subject_name()) and its OMS root
 *    digest, the one `signet digest` prints (files method, SHA-256,
 *    DIR/model.sig left out);
 *  - an in-toto v1 statement (https://in-toto.io/Statement/v1) over such
 *    subjects and a predicate (a JSON object, parsed strictly);
 *  - a SLSA Provenance v1 predicate (https://slsa.dev/provenance/v1),
 *    built from a run's description and checked against the field rules
 *    of the specification (https://slsa.dev/spec/v1.0/provenance): the
 *    required fields, their types, digest sets of lower-case hex of the
 *    algorithm's length, RFC 3339 times, resource descriptors with a uri,
 *    a digest or content.  Fields the specification does not define are
 *    ignored, as it asks consumers to;
 *  - the verification of an attestation bundle against an artifact: the
 *    bundle verifies as sgn_verify() (or sgn_verify_plain() for a key
 *    bundle not logged yet) verifies it, the statement names the
 *    artifact's digest, and its predicate is returned.
 *
 * Signing is not here: the statement is signed with sgn_sign_statement()
 * (pkg/sign).  Nothing here touches the network or reads the environment
 * (the CI builder comes through a lookup the caller passes).
 */
#ifndef SGN_ATTEST_H
#define SGN_ATTEST_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "core.h"
#include "dsse.h"
#include "verify.h"

#define SGN_ATTEST_STATEMENT_V1	"https://in-toto.io/Statement/v1"
#define SGN_ATTEST_SLSA_V1	"https://slsa.dev/provenance/v1"
/* The buildType of the provenance signet writes (documented in the man
 * page: externalParameters.command and .parameters). */
#define SGN_ATTEST_BUILD_TYPE	"https://signet.dev/attest/run/v1"

/* The largest predicate file, statement or provenance read. */
#define SGN_ATTEST_MAX_PREDICATE	(4u * 1024 * 1024)
/* At most this many subjects (outputs) or dependencies (inputs). */
#define SGN_ATTEST_MAX_ITEMS		256
/* The longest URI or name written into a provenance. */
#define SGN_ATTEST_MAX_STRING		4096

/* An artifact as a subject, or an input as a dependency. */
struct sgn_attest_subject {
	char	*name;		/* malloc'd */
	uint8_t	 sha256[32];
	int	 dir;		/* a directory: the OMS root digest */
};

/*
 * The subject of the artifact at path: a regular file (SHA-256 of its
 * bytes, name its base name) or a directory (OMS root digest, name as
 * model_signing names it).  Anything else is SGN_ERR_IO.  Free s->name
 * with sgn_attest_subject_reset().
 */
sgn_err	sgn_attest_subject_of(const char *path, struct sgn_attest_subject *s,
	    struct sgn_errbuf *eb);
void	sgn_attest_subject_reset(struct sgn_attest_subject *s);

/*
 * Checks a predicate document: (json, len) is one JSON object (strict:
 * pkg/json's grammar, no duplicate key, finite numbers), at most
 * SGN_ATTEST_MAX_PREDICATE bytes; for type SGN_ATTEST_SLSA_V1 it must
 * also satisfy the SLSA v1 field rules (sgn_attest_slsa_check()).
 * SGN_ERR_PARSE (SGN_ERR_LIMIT when too large) with "predicate: ...".
 */
sgn_err	sgn_attest_predicate_check(const char *type, const uint8_t *json,
	    size_t len, struct sgn_errbuf *eb);

/*
 * Checks a SLSA Provenance v1 predicate (a JSON object's bytes) against
 * the specification's field rules; SGN_ERR_PARSE "provenance: <field>:
 * <rule>" for the first rule broken.
 */
sgn_err	sgn_attest_slsa_check(const uint8_t *json, size_t len,
	    struct sgn_errbuf *eb);

/*
 * Appends an in-toto v1 statement to out: the subjects (1 to
 * SGN_ATTEST_MAX_ITEMS, each with a sha256 digest), predicate type type
 * (a URI) and the predicate (json, len), checked first with
 * sgn_attest_predicate_check().
 */
sgn_err	sgn_attest_statement(const struct sgn_attest_subject *subjects,
	    size_t n, const char *type, const uint8_t *json, size_t len,
	    struct sgn_buf *out, struct sgn_errbuf *eb);

/* A resolved dependency: an input by name and SHA-256, or by URI. */
struct sgn_attest_dep {
	const char	*name;		/* or NULL */
	const char	*uri;		/* or NULL */
	const char	*alg;		/* "sha256", "gitCommit", or NULL */
	const char	*hex;		/* lower-case hex of alg's length */
};

/* What a run was: the parts of its SLSA v1 provenance. */
struct sgn_attest_run {
	const char		*build_type;	/* NULL: the default */
	const char		*builder_id;	/* a URI, required */
	const char		*invocation_id;	/* or NULL */
	int			 has_times;
	struct sgn_time		 started;
	struct sgn_time		 finished;
	/* externalParameters.command: the command run, or none (n 0) */
	const char *const	*command;
	size_t			 n_command;
	/* externalParameters.parameters: the parameters file, or NULL */
	const struct sgn_attest_dep *parameters;
	/* buildDefinition.resolvedDependencies: inputs, then the source */
	const struct sgn_attest_dep *deps;
	size_t			 n_deps;
};

/*
 * Appends the SLSA v1 provenance predicate of run to out, checked with
 * sgn_attest_slsa_check() before it is appended (a builder id that is not
 * a URI, a digest that is not hex of its length: SGN_ERR_PARSE).
 */
sgn_err	sgn_attest_provenance(const struct sgn_attest_run *run,
	    struct sgn_buf *out, struct sgn_errbuf *eb);

/* An environment lookup: getenv(), or a test's table. */
typedef const char *(*sgn_attest_getenv_fn)(void *ctx, const char *name);

/*
 * The builder id and invocation id a CI system's environment gives, as
 * malloc'd strings (NULL when not in a known CI system):
 *
 *  - GitHub Actions (GITHUB_ACTIONS=true): builder
 *    $GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF (the workflow file at its
 *    ref, as Fulcio's Build Signer URI), invocation
 *    $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID/
 *    attempts/$GITHUB_RUN_ATTEMPT;
 *  - GitLab CI (GITLAB_CI=true): builder and invocation $CI_JOB_URL;
 *  - Buildkite (BUILDKITE=true): $BUILDKITE_BUILD_URL, invocation
 *    $BUILDKITE_BUILD_URL#$BUILDKITE_JOB_ID;
 *  - CircleCI (CIRCLECI=true): $CIRCLE_BUILD_URL.
 *
 * A CI system whose variables are missing is SGN_ERR_INVALID_ARGUMENT
 * naming the variable.
 */
sgn_err	sgn_attest_builder_from_env(sgn_attest_getenv_fn get, void *ctx,
	    char **builder_id, char **invocation_id, struct sgn_errbuf *eb);

/* What sgn_attest_verify() found; sgn_attest_result_reset() frees it. */
struct sgn_attest_result {
	char				*predicate_type;
	char				*predicate;	/* JSON text */
	struct sgn_intoto_statement	*statement;
	const struct sgn_intoto_subject	*subject;	/* the artifact's */
};

void	sgn_attest_result_reset(struct sgn_attest_result *ar);

/*
 * Verifies the attestation bundle b for the artifact whose subject digest
 * is sha256 (sgn_attest_subject_of()):
 *
 *  1. b holds a DSSE envelope of payload type application/vnd.in-toto+json
 *     (a message signature is SGN_ERR_VERIFY "attestation: ...");
 *  2. its signature verifies as sgn_verify() checks it with v and policy,
 *     or, for a key policy with unlogged_ok and a bundle with neither log
 *     entry nor timestamp, as sgn_verify_plain() checks it;
 *  3. the payload is an in-toto statement (v1, or v0.1) with a subject
 *     whose sha256 digest is the artifact's ("subject: ...");
 *  4. its predicateType equals want_type when that is not NULL
 *     ("predicateType: ...");
 *  5. its predicate is a JSON object (absent: null) and, for SLSA v1
 *     provenance, satisfies sgn_attest_slsa_check().
 *
 * res is filled as sgn_verify() fills it; a failed step 1, 3, 4 or 5
 * sets res->check ("attestation", "subject", "predicateType",
 * "predicate") and res->reason.  Errors are as sgn_verify() returns them:
 * SGN_ERR_VERIFY, SGN_ERR_POLICY, SGN_ERR_PARSE when the attestation
 * failed; others when the check could not be done.
 */
sgn_err	sgn_attest_verify(struct sgn_verifier *v, const struct sgn_bundle *b,
	    const struct sgn_policy *policy, const uint8_t sha256[32],
	    const char *want_type, struct sgn_verify_result *res,
	    struct sgn_attest_result *ar, struct sgn_errbuf *eb);

#endif /* SGN_ATTEST_H */
