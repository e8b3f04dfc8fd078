#!/bin/sh
# e2e-attest.sh [SIGNET]: signet attest and verify-attestation end to end
# against the local Sigstore testbed (scripts/testbed), which this script
# starts and stops.
#
# Attestations about a file and a model directory, keyless and with a
# key, verified by signet and by an independent verifier (@sigstore/verify,
# scripts/testbed-server/verify.js: the DSSE signature, and for a file its
# in-toto subject); SLSA provenance of a command signet runs (inputs
# hashed before it, outputs after, nothing signed or logged when it
# fails); and every way verify-attestation must refuse.
# Prints "N passed, N failed".
set -u
SIGNET=${1:-build/signet}
case $SIGNET in /*) ;; *) SIGNET=$(pwd)/$SIGNET ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRV=$ROOT/scripts/testbed-server
: "${ASAN_OPTIONS:=exitcode=99}"
export ASAN_OPTIONS
tmp=$(mktemp -d)
TB=$tmp/testbed
SIGNET_CACHE_DIR=$tmp/cache
export SIGNET_CACHE_DIR
# shellcheck source=scripts/expect.sh
. "$ROOT/scripts/expect.sh"
testbed_start
# Nothing from the caller's environment may pick a token or a builder.
unset SIGSTORE_ID_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL CI GITHUB_ACTIONS \
    ACTIONS_ID_TOKEN_REQUEST_TOKEN GITLAB_CI BUILDKITE CIRCLECI \
    GCE_METADATA_HOST

# tok: a token for the testbed's identity
tok() {
	"$ROOT/scripts/testbed" token "$TB"
}

# The logs' sizes and every request the services had: unchanged when
# nothing was signed or logged.
services_state() {
	"$ROOT/scripts/testbed" state "$TB" |
	    jq -cS '{logs: .logs, requests: (.requests | del(.control))}'
}

EMAIL=$SIGNET_TESTBED_EMAIL
ISS=$SIGNET_TESTBED_OIDC_ISSUER
TR=$SIGNET_TESTBED_TRUSTED_ROOT
SC=$SIGNET_TESTBED_SIGNING_CONFIG
# A P-256 key: @sigstore/verify checks a DSSE signature with SHA-256,
# which is what signet signs with for P-256 (for P-384 it uses SHA-384).
KEY=$tmp/key.pem
PUB=$tmp/pub.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$KEY" 2>/dev/null && openssl pkey -in "$KEY" -pubout -out "$PUB"
T=https://example.com/eval/v1
SLSA=https://slsa.dev/provenance/v1

cd "$tmp" || exit 1
A=$tmp/weights.bin
head -c 50000 /dev/urandom > "$A"
M=$tmp/model
mkdir "$M" "$M/sub"
head -c 3000 /dev/urandom > "$M/a.bin"
echo config > "$M/sub/config.json"
printf '{"accuracy": 0.93, "dataset": "test-v1"}\n' > "$tmp/pred.json"

# attest NAME ARTIFACT [OPTION...]: keyless, into $tmp/NAME.json
attest() {
	name=$1 art=$2
	shift 2
	rm -f "$tmp/$name.json"
	"$SIGNET" attest "$art" --bundle "$tmp/$name.json" --trusted-root "$TR" \
	    --signing-config "$SC" "$@" >"$tmp/out" 2>&1
}

# va NAME ARTIFACT [OPTION...]: verify-attestation of $tmp/NAME.json
va() {
	name=$1 art=$2
	shift 2
	"$SIGNET" verify-attestation "$art" --bundle "$tmp/$name.json" \
	    --trusted-root "$TR" "$@" >"$tmp/out" 2>"$tmp/err"
}

# js NAME [FILE] [--key PUB]: @sigstore/verify accepts $tmp/NAME.json
js() {
	name=$1
	shift
	if [ "${1:-}" = --key ]; then
		(cd "$SRV" && node verify.js --trusted-root "$TR" \
		    --bundle "$tmp/$name.json" --key "$2" ${3:+"$3"}) \
		    >>"$tmp/out" 2>&1
	else
		(cd "$SRV" && node verify.js --trusted-root "$TR" \
		    --bundle "$tmp/$name.json" --certificate-identity "$EMAIL" \
		    --certificate-oidc-issuer "$ISS" ${1:+"$1"}) \
		    >>"$tmp/out" 2>&1
	fi
}

# vaid NAME ARTIFACT [OPTION...]: va, for the testbed's identity
vaid() {
	name=$1 art=$2
	shift 2
	va "$name" "$art" --certificate-identity "$EMAIL" \
	    --certificate-oidc-issuer "$ISS" "$@"
}

# A file, keyless -----------------------------------------------------

attest file "$A" --type "$T" --predicate "$tmp/pred.json" \
    --identity-token "$(tok)"
rc=$?
if [ "$rc" -eq 0 ] && vaid file "$A" --type "$T" &&
    jq -e '.accuracy == 0.93' "$tmp/out" >/dev/null && js file "$A"; then
	ok "a file attested keyless verifies with signet and @sigstore/verify"
else
	bad "a file attested keyless (exit $rc)"
fi
if jq -e '.dsseEnvelope.payloadType == "application/vnd.in-toto+json"' \
    "$tmp/file.json" >/dev/null &&
    jq -r '.dsseEnvelope.payload' "$tmp/file.json" | base64 -d |
    jq -e --arg d "$(sha256sum "$A" | cut -d' ' -f1)" \
    '._type == "https://in-toto.io/Statement/v1" and
    .subject[0].name == "weights.bin" and .subject[0].digest.sha256 == $d and
    .predicateType == "'"$T"'"' >/dev/null; then
	ok "the statement names the file by base name and SHA-256"
else
	bad "the statement names the file by base name and SHA-256"
fi
if vaid file "$A" --json && jq -e '.verified == true and
    .predicateType == "'"$T"'" and .identity == "'"$EMAIL"'" and
    .predicate.dataset == "test-v1"' "$tmp/out" >/dev/null; then
	ok "verify-attestation --json: the result and the predicate"
else
	bad "verify-attestation --json"
fi

# A model directory, keyless -------------------------------------------

attest dir "$M" --type "$T" --predicate "$tmp/pred.json" \
    --identity-token "$(tok)"
rc=$?
root=$("$SIGNET" digest "$M" | sed 's/^sha256://')
if [ "$rc" -eq 0 ] && vaid dir "$M" --type "$T" && js dir &&
    jq -r '.dsseEnvelope.payload' "$tmp/dir.json" | base64 -d |
    jq -e --arg d "$root" '.subject[0].name == "model" and
    .subject[0].digest.sha256 == $d' >/dev/null; then
	ok "a directory attested keyless: its OMS root (signet digest), verified by both"
else
	bad "a directory attested keyless (exit $rc)"
fi
echo more > "$M/sub/extra.txt"
vaid dir "$M"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "verification failed" "$tmp/err"; then
	ok "a file added to the directory: exit 1"
else
	bad "a file added to the directory (exit $rc, wanted 1)"
fi
rm -f "$M/sub/extra.txt"
"$SIGNET" attest "$M" --type "$T" --predicate "$tmp/pred.json" \
    --trusted-root "$TR" --signing-config "$SC" --identity-token "$(tok)" \
    --bundle "$M/att.json" >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$M/att.json" ] &&
    grep -q "inside" "$tmp/out"; then
	ok "a bundle inside the directory it is about is refused"
else
	bad "a bundle inside the directory (exit $rc, wanted 2)"
fi

# With a key: logged, and offline ---------------------------------------

attest key "$A" --type "$T" --predicate "$tmp/pred.json" --key "$KEY"
rc=$?
if [ "$rc" -eq 0 ] && va key "$A" --key "$PUB" --require-tlog &&
    js key --key "$PUB" "$A"; then
	ok "a file attested with a key, logged: verified by both"
else
	bad "a file attested with a key (exit $rc)"
fi
attest keydir "$M" --type "$T" --predicate "$tmp/pred.json" --key "$KEY"
rc=$?
if [ "$rc" -eq 0 ] && va keydir "$M" --key "$PUB" &&
    js keydir --key "$PUB"; then
	ok "a directory attested with a key, logged: verified by both"
else
	bad "a directory attested with a key (exit $rc)"
fi
before=$(services_state)
attest off "$A" --type "$T" --predicate "$tmp/pred.json" --key "$KEY" \
    --offline
rc=$?
if [ "$rc" -eq 0 ] && [ "$(services_state)" = "$before" ] &&
    va off "$A" --key "$PUB" && ! va off "$A" --key "$PUB" --require-tlog
then
	ok "--offline: no service asked; verifies with the key, not with --require-tlog"
else
	bad "--offline (exit $rc)"
fi

# Malformed predicates: a clear error, nothing signed -------------------

printf '{"a": 1, "a": 2}' > "$tmp/dup.json"
printf '[1]' > "$tmp/arr.json"
printf '{"buildDefinition": {}}' > "$tmp/slsa-bad.json"
for c in dup:predicate arr:not\ a\ JSON\ object; do
	f=${c%%:*} msg=${c#*:}
	attest "p$f" "$A" --type "$T" --predicate "$tmp/$f.json" \
	    --identity-token "$(tok)"
	rc=$?
	if [ "$rc" -eq 2 ] && [ ! -e "$tmp/p$f.json" ] &&
	    grep -q "$msg" "$tmp/out"; then
		ok "a predicate $f is refused (exit 2, nothing signed)"
	else
		bad "a predicate $f (exit $rc, wanted 2)"
	fi
done
attest pslsa "$A" --type "$SLSA" --predicate "$tmp/slsa-bad.json" \
    --identity-token "$(tok)"
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$tmp/pslsa.json" ] &&
    grep -q "buildDefinition.buildType: required" "$tmp/out"; then
	ok "a SLSA predicate that breaks the field rules is refused"
else
	bad "a malformed SLSA predicate (exit $rc, wanted 2)"
fi

# verify-attestation refuses -------------------------------------------

# refused NAME ARTIFACT CODE PATTERN [OPTION...]
refused() {
	name=$1 art=$2 code=$3 pat=$4
	shift 4
	va "$name" "$art" "$@"
	rc=$?
	if [ "$rc" -eq "$code" ] && grep -Eq -- "$pat" "$tmp/err"; then
		ok "verify-attestation refuses: $label"
	else
		cat "$tmp/err" >> "$tmp/out"
		bad "verify-attestation: $label (exit $rc, wanted $code /$pat/)"
	fi
}
# refused_id NAME ARTIFACT CODE PATTERN [OPTION...]: refused, for the
# testbed's identity
refused_id() {
	name=$1 art=$2 code=$3 pat=$4
	shift 4
	refused "$name" "$art" "$code" "$pat" --certificate-identity "$EMAIL" \
	    --certificate-oidc-issuer "$ISS" "$@"
}
head -c 100 /dev/urandom > "$tmp/other.bin"
label="another artifact"
refused_id file "$tmp/other.bin" 1 "verification failed"
label="another predicate type"
refused_id file "$A" 1 "predicateType: $T, not https://example.com/x" \
    --type https://example.com/x
label="another identity"
refused file "$A" 1 "verification failed" \
    --certificate-identity someone@example.com --certificate-oidc-issuer "$ISS"
label="another key"
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null |
    openssl pkey -pubout > "$tmp/other.pub"
refused key "$A" 1 "verification failed" --key "$tmp/other.pub"
# the predicate changed in the signed payload: the signature fails
jq --arg p "$(jq -r '.dsseEnvelope.payload' "$tmp/file.json" | base64 -d |
    sed 's/0.93/0.99/' | base64 -w0)" '.dsseEnvelope.payload = $p' \
    "$tmp/file.json" > "$tmp/tampered.json"
label="a tampered predicate"
refused_id tampered "$A" 1 "verification failed"
printf 'not json' > "$tmp/garbage.json"
label="a bundle that is not JSON (exit 1)"
refused_id garbage "$A" 1 "."
label="a missing artifact (exit 2)"
refused_id file "$tmp/none.bin" 2 "none.bin"
vaid file "$tmp/none.bin" --json
rc=$?
if [ "$rc" -eq 2 ] && jq -e '.verified == false and .check == "artifact" and
    (.error | test("none.bin"))' "$tmp/out" >/dev/null; then
	ok "verify-attestation --json: a missing artifact is one object too"
else
	bad "verify-attestation --json, a missing artifact (exit $rc)"
fi
label="a message signature is not an attestation"
"$SIGNET" sign "$A" --bundle "$tmp/msg.json" --trusted-root "$TR" \
    --signing-config "$SC" --identity-token "$(tok)" >"$tmp/out" 2>&1
refused_id msg "$A" 1 "not an attestation"

# SLSA provenance of a run ---------------------------------------------

mkdir "$tmp/ds"
echo "row 1" > "$tmp/ds/shard-0001.csv"
printf 'lr: 0.1\n' > "$tmp/params.yaml"
before=$(sha256sum "$tmp/ds/shard-0001.csv" | cut -d' ' -f1)
ds_root=$("$SIGNET" digest "$tmp/ds" | sed 's/^sha256://')
BASE=https://models.example/base@sha256:$(printf '%064d' 7)
rm -f "$tmp/prov.json"
# the command reads the dataset, writes the model, then changes an input
"$SIGNET" attest --provenance "$tmp/out-model" --input "$tmp/ds" \
    --input "$BASE" --parameters "$tmp/params.yaml" \
    --builder-id https://ci.example/runner/1 --bundle "$tmp/prov.json" \
    --trusted-root "$TR" --signing-config "$SC" --identity-token "$(tok)" \
    -- sh -c 'mkdir out-model && cp ds/shard-0001.csv out-model/w &&
    echo "row 2" >> ds/shard-0001.csv' >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && vaid prov "$tmp/out-model" --type "$SLSA" --json &&
    jq -e --arg ds "$ds_root" --arg m "$("$SIGNET" digest "$tmp/out-model" |
    sed 's/^sha256://')" '.verified and .digest == "sha256:" + $m and
    .predicate.buildDefinition.resolvedDependencies[0].name == "ds" and
    .predicate.buildDefinition.resolvedDependencies[0].digest.sha256 == $ds and
    .predicate.buildDefinition.resolvedDependencies[1].uri ==
	"https://models.example/base" and
    .predicate.buildDefinition.externalParameters.command[0] == "sh" and
    .predicate.buildDefinition.externalParameters.parameters.name ==
	"params.yaml" and
    .predicate.runDetails.builder.id == "https://ci.example/runner/1" and
    (.predicate.runDetails.metadata.startedOn | test("^[0-9-]+T[0-9:]+Z$")) and
    (.predicate.runDetails.metadata.finishedOn | test("Z$"))' \
    "$tmp/out" >/dev/null && js prov; then
	ok "provenance of a run: outputs, inputs, parameters, builder, times"
else
	bad "provenance of a run (exit $rc)"
fi
now_root=$("$SIGNET" digest "$tmp/ds" | sed 's/^sha256://')
if [ "$now_root" != "$ds_root" ] && vaid prov "$tmp/out-model" --json &&
    jq -e --arg ds "$ds_root" '.predicate.buildDefinition |
    .resolvedDependencies[0].digest.sha256 == $ds' "$tmp/out" >/dev/null; then
	ok "an input the command changed is recorded as it was before"
else
	bad "an input the command changed (before $ds_root, now $now_root)"
fi

# the token first: minting it is a request to the testbed too
token=$(tok)
before=$(services_state)
rm -f "$tmp/fail.json"
"$SIGNET" attest --provenance "$tmp/never" --input "$tmp/ds" \
    --builder-id https://ci.example/runner/1 --bundle "$tmp/fail.json" \
    --trusted-root "$TR" --signing-config "$SC" --identity-token "$token" \
    -- sh -c 'touch never; exit 7' >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 7 ] && [ ! -e "$tmp/fail.json" ] &&
    [ "$(services_state)" = "$before" ] &&
    grep -q "exited with status 7: no attestation" "$tmp/out"; then
	ok "a failing command: its exit status, no bundle, nothing logged"
else
	bad "a failing command (exit $rc, wanted 7)"
fi
"$SIGNET" attest --provenance "$tmp/missing" \
    --builder-id https://ci.example/runner/1 --bundle "$tmp/fail.json" \
    --trusted-root "$TR" --signing-config "$SC" --identity-token "$token" \
    -- true >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$tmp/fail.json" ] &&
    [ "$(services_state)" = "$before" ] && grep -q "missing" "$tmp/out"
then
	ok "an output the command did not make: exit 2, nothing signed"
else
	bad "an output the command did not make (exit $rc, wanted 2)"
fi
# with a key, the key and services are opened before the run (a wrong
# password fails first), but nothing is logged when the run fails
logs_before=$("$ROOT/scripts/testbed" state "$TB" | jq -cS .logs)
rm -f "$tmp/fail.json"
"$SIGNET" attest --provenance "$A" --key "$KEY" \
    --builder-id https://ci.example/runner/1 --bundle "$tmp/fail.json" \
    --trusted-root "$TR" --signing-config "$SC" -- false >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && [ ! -e "$tmp/fail.json" ] && [ "$("$ROOT/scripts/testbed" \
    state "$TB" | jq -cS .logs)" = "$logs_before" ]; then
	ok "a failing command with --key: its exit status, no bundle, no log entry"
else
	bad "a failing command with --key (exit $rc, wanted 1)"
fi
before=$(services_state)
# signet ignores ^C while it waits; the command must not: a shell that
# sends itself SIGINT dies of it (were it inherited as ignored, the shell
# would go on and exit 0, and the run would be attested)
"$SIGNET" attest --provenance "$A" \
    --builder-id https://ci.example/runner/1 --bundle "$tmp/fail.json" \
    --trusted-root "$TR" --signing-config "$SC" --identity-token "$token" \
    -- sh -c 'kill -INT $$; exit 0' >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 130 ] && [ ! -e "$tmp/fail.json" ] &&
    [ "$(services_state)" = "$before" ] &&
    grep -q "killed by signal 2: no attestation" "$tmp/out"; then
	ok "a command killed by SIGINT: exit 130, nothing signed"
else
	bad "a command killed by SIGINT (exit $rc, wanted 130)"
fi
rm -f "$tmp/fail.json"
mkdir -p "$tmp/d1/train" "$tmp/d2/train"
echo 1 > "$tmp/d1/train/x"
echo 2 > "$tmp/d2/train/x"
"$SIGNET" attest --provenance "$A" --input "$tmp/d1/train" \
    --input "$tmp/d2/train" \
    --builder-id https://ci.example/runner/1 --bundle "$tmp/fail.json" \
    --trusted-root "$TR" --signing-config "$SC" --identity-token "$token" \
    >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$tmp/fail.json" ] &&
    grep -q 'same name "train"' "$tmp/out"; then
	ok "two inputs of one name are refused (a policy could not tell them apart)"
else
	bad "two inputs of one name (exit $rc, wanted 2)"
fi
rm -f "$tmp/fail.json"
"$SIGNET" attest --provenance "$A" --bundle "$tmp/fail.json" \
    --trusted-root "$TR" --signing-config "$SC" --identity-token "$(tok)" \
    >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$tmp/fail.json" ] &&
    grep -q -- "--builder-id" "$tmp/out"; then
	ok "no CI system and no --builder-id: exit 2"
else
	bad "no builder (exit $rc, wanted 2)"
fi
rm -f "$tmp/gh.json"
GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com \
    GITHUB_REPOSITORY=o/r GITHUB_RUN_ID=99 GITHUB_RUN_ATTEMPT=1 \
    GITHUB_WORKFLOW_REF=o/r/.github/workflows/train.yml@refs/heads/main \
    "$SIGNET" attest --provenance "$A" --bundle "$tmp/gh.json" \
    --trusted-root "$TR" --signing-config "$SC" --identity-token "$(tok)" \
    >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && vaid gh "$A" --json && jq -e '.predicate.runDetails |
    .builder.id == "https://github.com/o/r/.github/workflows/train.yml@refs/heads/main" and
    .metadata.invocationId == "https://github.com/o/r/actions/runs/99/attempts/1"' \
    "$tmp/out" >/dev/null; then
	ok "in GitHub Actions the builder is the workflow at its ref"
else
	bad "the GitHub Actions builder (exit $rc)"
fi
# the source: a git working tree's commit and remote (no credentials)
mkdir "$tmp/repo"
(cd "$tmp/repo" && git init -q && git config user.email t@e &&
    git config user.name t && echo x > f && git add f &&
    git commit -qm x && git remote add origin \
    https://user:secret@git.example/o/r.git) >/dev/null 2>&1
commit=$(cd "$tmp/repo" && git rev-parse HEAD)
rm -f "$tmp/src.json"
(cd "$tmp/repo" && "$SIGNET" attest --provenance f \
    --builder-id https://ci.example/runner/1 --bundle "$tmp/src.json" \
    --trusted-root "$TR" --signing-config "$SC" \
    --identity-token "$(tok)") >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && vaid src "$tmp/repo/f" --json && jq -e --arg c "$commit" \
    '.predicate.buildDefinition.resolvedDependencies[-1] |
    .digest.gitCommit == $c and .uri == "git+https://git.example/o/r.git"' \
    "$tmp/out" >/dev/null && ! grep -q secret "$tmp/src.json"; then
	ok "the source: the tree's git commit and remote, without credentials"
else
	bad "the git source (exit $rc)"
fi

# an scp-like ssh remote is written as an ssh URL, without the user
(cd "$tmp/repo" && git remote set-url origin git@git.example:o/r.git)
rm -f "$tmp/src.json"
(cd "$tmp/repo" && "$SIGNET" attest --provenance f \
    --builder-id https://ci.example/runner/1 --bundle "$tmp/src.json" \
    --trusted-root "$TR" --signing-config "$SC" \
    --identity-token "$(tok)") >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && vaid src "$tmp/repo/f" --json && jq -e --arg c "$commit" \
    '.predicate.buildDefinition.resolvedDependencies[-1] |
    .digest.gitCommit == $c and .uri == "git+ssh://git.example/o/r.git"' \
    "$tmp/out" >/dev/null; then
	ok "an ssh remote (git@host:path) is recorded as git+ssh://host/path"
else
	bad "an ssh remote (exit $rc)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
