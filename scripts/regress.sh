#!/bin/sh
# regress.sh [SIGNET]: drives the signet binary end to end, as signify's
# regress/signify.sh does: good bundles verify (exit 0), tampered or
# malformed ones fail (exit 1) with a message that names the check, and
# usage errors or unusable inputs exit 2.  Prints "N passed, N failed".
set -u
SIGNET=${1:-build/signet}
case $SIGNET in /*) ;; *) SIGNET=$(pwd)/$SIGNET ;; esac
# The test binary: signet plus the software authenticator of the tests
# (device soft:DIR), which the product has not.  Cases that need a
# security key use it.
SIGNET_T=${SIGNET_TEST:-$(dirname "$SIGNET")/test/signet}
: "${ASAN_OPTIONS:=exitcode=99}"
export ASAN_OPTIONS
V=testdata/vectors
C=testdata/conformance
MK=testdata/model-signing/signed/keys/certificate/signing-key-pub.pem
MSK=testdata/model-signing/signed/keys/certificate/signing-key.pem
BEACON="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
GH=https://token.actions.githubusercontent.com
V2ID="https://github.com/tkgsn/sigstore-public-good-instance-test/.github/workflows/rekor-v2.yml@refs/heads/main"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# signet's own cache (digest records, trust) stays in the test's folder:
# a test never writes to the real ~/.cache.
SIGNET_CACHE_DIR=$tmp/cache
export SIGNET_CACHE_DIR
# shellcheck source=scripts/expect.sh
. "$(dirname "$0")/expect.sh"

# v1 VERB [OPTION...]: the Rekor v1 vector with its identity.
v1() {
	verb=$1
	shift
	"$SIGNET" "$verb" "$@" \
	    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
	    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
	    "$V/rekor-v1-hashedrekord/artifact"
}

# The three spellings verify the production vectors.
for verb in verify verify-bundle verify-blob; do
	expect "$verb v1 hashedrekord" 0 "Verified OK" -- v1 "$verb"
done
expect "v0.1 bundle" 0 "v0.1, message signature" -- "$SIGNET" verify \
    --bundle "$V/rekor-v1-bundle-v0.1/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-bundle-v0.1/artifact"
expect "dsse v1" 0 "DSSE envelope" -- "$SIGNET" verify \
    --bundle "$V/dsse-rekor-v1/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/dsse-rekor-v1/artifact"
expect "rekor v2 with timestamp" 0 "timestamp +2026-07-26T01:42:18Z" -- \
    "$SIGNET" verify --bundle "$V/rekor-v2-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$V2ID" --certificate-oidc-issuer "$GH" \
    "$V/rekor-v2-hashedrekord/artifact"
expect "regexp identity" 0 "Verified OK" -- "$SIGNET" verify-blob \
    --bundle "$V/rekor-v2-hashedrekord/bundle.sigstore.json" \
    --certificate-identity-regexp 'https://github\.com/tkgsn/.*' \
    --certificate-oidc-issuer-regexp 'https://token\.actions\..*' \
    "$V/rekor-v2-hashedrekord/artifact"
# Identity regexps are PCRE2, matched against the whole value: Perl
# classes keep their meaning inside brackets, a prefix is not a match,
# an invalid pattern is a usage error (exit 2) whatever the bundle, and
# a pattern that backtracks without end stops at the match limit (exit
# 2; `timeout` only keeps a regression from hanging the script).
# v2re [OPTION...]: the Rekor v2 vector with the options given.
v2re() {
	"$SIGNET" verify-blob \
	    --bundle "$V/rekor-v2-hashedrekord/bundle.sigstore.json" "$@" \
	    "$V/rekor-v2-hashedrekord/artifact"
}
expect "regexp: \\w and \\s inside brackets" 0 "Verified OK" -- v2re \
    --certificate-identity-regexp \
    'https://github\.com/tkgsn/[\w.-]+/\.github/workflows/[^\s]+@refs/heads/\w+' \
    --certificate-oidc-issuer "$GH"
expect "regexp: [^\\d]+ refuses a value with digits" 1 \
    "expected a match for the whole identity \(anchored\)" -- v2re \
    --certificate-identity-regexp 'https://github\.com/tkgsn/[^\d]+' \
    --certificate-oidc-issuer "$GH"
expect "regexp: a prefix is not a match" 1 \
    'identity mismatch: got https://github\.com/tkgsn/sigstore-public-good-instance-test/\.github/workflows/rekor-v2\.yml@refs/heads/main, expected a match for the whole identity \(anchored\) of https://github\\\.com/tkgsn/; add \.\* to match a prefix' \
    -- v2re --certificate-identity-regexp 'https://github\.com/tkgsn/' \
    --certificate-oidc-issuer "$GH"
expect "regexp: issuer prefix is not a match" 1 \
    'issuer mismatch: got https://token\.actions\.githubusercontent\.com, expected a match for the whole issuer \(anchored\) of https://token; add \.\* to match a prefix' \
    -- v2re --certificate-identity "$V2ID" \
    --certificate-oidc-issuer-regexp 'https://token'
for verb in verify verify-bundle verify-blob; do
	expect "$verb: unbalanced parenthesis in a regexp" 2 \
	    '^signet: '"$verb"': --certificate-identity-regexp: invalid regular expression "https://github\\\.com/\(tkgsn": missing closing parenthesis at offset 26$' \
	    -- "$SIGNET" "$verb" \
	    --bundle "$V/rekor-v2-hashedrekord/bundle.sigstore.json" \
	    --certificate-identity-regexp 'https://github\.com/(tkgsn' \
	    --certificate-oidc-issuer "$GH" "$V/rekor-v2-hashedrekord/artifact"
done
expect "regexp: unknown escape" 2 \
    '--certificate-oidc-issuer-regexp: invalid regular expression "https://token\\y": unrecognized character follows \\ at offset 14' \
    -- v2re --certificate-identity "$V2ID" \
    --certificate-oidc-issuer-regexp 'https://token\y'
printf '{}' > "$tmp/junk.json"
expect "regexp: invalid pattern before a malformed bundle" 2 \
    "invalid regular expression" -- "$SIGNET" verify --bundle "$tmp/junk.json" \
    --certificate-identity-regexp '[a' --certificate-oidc-issuer "$GH" \
    "$V/rekor-v2-hashedrekord/artifact"
expect "regexp: pathological identity pattern stops at the limit" 2 \
    '^signet: identity regexp: match limit hit by "\(\.\*\)\*' -- \
    timeout 5 "$SIGNET" verify \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity-regexp '(.*)*(.*)*(.*)*(.*)*(.*)*(.*)*\d' \
    --certificate-oidc-issuer "$GH" "$V/rekor-v1-hashedrekord/artifact"
expect "regexp: pathological issuer pattern stops at the limit" 2 \
    '^signet: issuer regexp: match limit hit' -- \
    timeout 5 "$SIGNET" verify-bundle \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$BEACON" \
    --certificate-oidc-issuer-regexp '(.*)*(.*)*(.*)*(.*)*(.*)*(.*)*\d' \
    "$V/rekor-v1-hashedrekord/artifact"
MS=testdata/model-signing/signed/v1.1.0-sigstore
MID='stefanb@us\.ibm\.com'
MIDP=https://sigstore.verify.ibm.com/oauth2
expect "model verify: regexp identity" 0 "Verified OK" -- \
    env SIGNET_CACHE_DIR="$tmp/cache" "$SIGNET" verify "$MS" \
    --certificate-identity-regexp '[\w.]+@us\.ibm\.com' \
    --identity-provider "$MIDP" --ignore-paths "$MS/ignore-me"
expect "model verify: a prefix is not a match" 1 \
    'expected a match for the whole identity \(anchored\) of stefanb; add' \
    -- env SIGNET_CACHE_DIR="$tmp/cache" "$SIGNET" verify "$MS" \
    --certificate-identity-regexp 'stefanb' \
    --identity-provider "$MIDP" --ignore-paths "$MS/ignore-me"
expect "model verify: invalid regexp" 2 \
    "--certificate-identity-regexp: invalid regular expression" -- \
    env SIGNET_CACHE_DIR="$tmp/cache" "$SIGNET" verify "$MS" \
    --certificate-identity-regexp "$MID(" \
    --identity-provider "$MIDP" --ignore-paths "$MS/ignore-me"
expect "model verify: pathological regexp stops at the limit" 2 \
    "identity regexp: match limit hit" -- \
    env SIGNET_CACHE_DIR="$tmp/cache" timeout 5 "$SIGNET" verify "$MS" \
    --certificate-identity-regexp '(.*)*(.*)*(.*)*(.*)*(.*)*(.*)*(.*)*\d' \
    --identity-provider "$MIDP" --ignore-paths "$MS/ignore-me"
expect "github workflow flags" 0 "Verified OK" -- "$SIGNET" verify-blob \
    --bundle "$V/rekor-v2-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$V2ID" --certificate-oidc-issuer "$GH" \
    --certificate-github-workflow-repository \
    tkgsn/sigstore-public-good-instance-test \
    --certificate-github-workflow-ref refs/heads/main \
    --certificate-github-workflow-trigger push \
    --certificate-github-workflow-sha \
    3069fcd0c32873ef580c02e20e955cdb776b1f4a \
    --certificate-github-workflow-name "Rekor v2 public-good test" \
    "$V/rekor-v2-hashedrekord/artifact"
expect "github workflow mismatch" 1 \
    "GitHub workflow ref mismatch: expected refs/heads/dev, got refs/heads/main" \
    -- "$SIGNET" verify-blob \
    --bundle "$V/rekor-v2-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$V2ID" --certificate-oidc-issuer "$GH" \
    --certificate-github-workflow-ref refs/heads/dev \
    "$V/rekor-v2-hashedrekord/artifact"
digest=$(sha256sum "$V/rekor-v1-hashedrekord/artifact" | cut -d' ' -f1)
expect "subject by digest" 0 "Verified OK" -- "$SIGNET" verify \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "sha256:$digest"
expect "subject by wrong digest" 1 "tlog body" -- "$SIGNET" verify \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "sha256:$(printf '%064d' 0)"
cp "$V/rekor-v1-hashedrekord/artifact" "$tmp/a.txt"
cp "$V/rekor-v1-hashedrekord/bundle.sigstore.json" "$tmp/a.txt.sigstore.json"
expect "default bundle path" 0 "Verified OK" -- "$SIGNET" verify \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$tmp/a.txt"
expect "managed key" 0 "given with --key" -- "$SIGNET" verify-bundle \
    --bundle "$C/bundle-verify/managed-key-happy-path/bundle.sigstore.json" \
    --key "$C/bundle-verify/managed-key-happy-path/key.pub" "$C/a.txt"
# --json: every outcome is one JSON object on stdout, usage errors and
# unusable trust material included; a verified result names the
# artifact's digest, a key's fingerprint, the GitHub workflow claims and
# the in-toto predicate type.
# json_one NAME STATUS JQ -- COMMAND...: exit STATUS, stdout exactly one
# JSON object, its .exit is STATUS, and the jq expression JQ holds
json_one() {
	name=$1 want=$2 cond=$3
	shift 4
	"$@" >"$tmp/json.out" 2>/dev/null
	rc=$?
	if [ "$rc" -eq "$want" ] &&
	    [ "$(jq -s 'length' <"$tmp/json.out" 2>/dev/null)" = 1 ] &&
	    jq -e ".exit == $want and ($cond)" <"$tmp/json.out" \
	    >/dev/null 2>&1; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name: exit $rc, wanted $want; /$cond/"
		head -c 400 "$tmp/json.out" | sed 's/^/     /'
		failed=$((failed + 1))
	fi
}
V1B=$V/rekor-v1-hashedrekord
for verb in verify verify-bundle verify-blob; do
	json_one "json: $verb usage error" 2 \
	    '.verified == false and .error.check == "usage" and
	    (.error.reason | test("give exactly one artifact"))' -- \
	    "$SIGNET" $verb --json --key x.pub
	json_one "json: $verb unknown option" 2 \
	    '.error.check == "usage" and (.error.reason | test("--nope"))' -- \
	    "$SIGNET" $verb --json --nope "$V1B/artifact"
done
printf '{"mediaType": 1}' > "$tmp/bad-root.json"
json_one "json: unusable trusted root" 2 \
    '.verified == false and .error.check == "trust" and
    (.error.reason | test("bad-root.json"))' -- "$SIGNET" verify --json \
    --trusted-root "$tmp/bad-root.json" --bundle "$V1B/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V1B/artifact"
json_one "json: missing key" 2 '.error.check == "key"' -- "$SIGNET" verify \
    --json --key "$tmp/none.pub" --bundle "$V1B/bundle.sigstore.json" \
    "$V1B/artifact"
json_one "json: missing bundle" 2 '.error.check == "bundle"' -- \
    "$SIGNET" verify --json --bundle "$tmp/none.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V1B/artifact"
json_one "json: a failed verification" 1 \
    '.verified == false and .error.check != null' -- "$SIGNET" verify \
    --json --bundle "$V1B/bundle.sigstore.json" \
    --certificate-identity bob@example.com --certificate-oidc-issuer "$GH" \
    "$V1B/artifact"
d=$(sha256sum "$V1B/artifact" | cut -d' ' -f1)
json_one "json: artifact digest and GitHub workflow claims" 0 \
    ".verified and .artifact.digest == \"sha256:$d\" and
    .signer.githubWorkflow.repository ==
    \"sigstore-conformance/extremely-dangerous-public-oidc-beacon\" and
    .signer.githubWorkflow.ref == \"refs/heads/main\" and
    .signer.githubWorkflow.trigger == \"workflow_dispatch\" and
    .predicateType == null" -- "$SIGNET" verify --json \
    --bundle "$V1B/bundle.sigstore.json" --certificate-identity "$BEACON" \
    --certificate-oidc-issuer "$GH" "$V1B/artifact"
json_one "json: the digest given is the artifact's" 0 \
    ".artifact.digest == \"sha256:$d\"" -- "$SIGNET" verify --json \
    --bundle "$V1B/bundle.sigstore.json" --certificate-identity "$BEACON" \
    --certificate-oidc-issuer "$GH" "sha256:$d"
json_one "json: in-toto predicate type" 0 \
    '.predicateType == "https://slsa.dev/provenance/v1"' -- "$SIGNET" verify \
    --json --bundle "$V/dsse-rekor-v1/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/dsse-rekor-v1/artifact"
# stdin is read once, by the verification: no digest of what is left
# shellcheck disable=SC2016 # sh -c expands its own arguments
json_one "json: an artifact on stdin has no second-read digest" 0 \
    '.verified and .artifact.digest == null' -- sh -c \
    '"$1" verify --json --bundle "$2" --certificate-identity "$3" \
    --certificate-oidc-issuer "$4" - < "$5"' sh "$SIGNET" \
    "$V1B/bundle.sigstore.json" "$BEACON" "$GH" "$V1B/artifact"
MKP=$C/bundle-verify/managed-key-happy-path
fp=$(openssl pkey -pubin -in "$MKP/key.pub" -outform DER | sha256sum |
    cut -d' ' -f1)
json_one "json: the key's fingerprint" 0 \
    ".signer.keyFingerprint == \"sha256:$fp\" and
    .signer.githubWorkflow == null" -- "$SIGNET" verify-bundle --json \
    --bundle "$MKP/bundle.sigstore.json" --key "$MKP/key.pub" "$C/a.txt"
expect "staging root" 0 "Verified OK" -- "$SIGNET" verify --staging \
    --bundle "$V/dsse-rekor-v2-staging/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$C/a.txt"
expect "production bundle under the staging root" 1 "trusted root" -- \
    v1 verify --staging

# RFC 3161 timestamps that do not verify are ignored, and named, as
# sigstore-go ignores them; the bundle needs some verified signing time.
# The sigstore-js vector's timestamp is by the production TSA over another
# signature.
other_ts=$(sed -n 's/.*"signedTimestamp": "\([^"]*\)".*/\1/p' \
    "$V/rekor-v2-hashedrekord-sigstorejs/bundle.sigstore.json")
v2_ts=$(sed -n 's/.*"signedTimestamp":"\([^"]*\)".*/\1/p' \
    "$V/rekor-v2-hashedrekord/bundle.sigstore.json")
sed "s|\"rfc3161Timestamps\":\[\({[^]]*}\)\]|\"rfc3161Timestamps\":[\1,{\"signedTimestamp\":\"$other_ts\"}]|" \
    "$V/rekor-v2-hashedrekord/bundle.sigstore.json" > "$tmp/ts2.json"
sed "s|\"rfc3161Timestamps\":\[|\"rfc3161Timestamps\":[{\"signedTimestamp\":\"$other_ts\"},|" \
    "$V/rekor-v2-hashedrekord/bundle.sigstore.json" > "$tmp/ts2first.json"
sed "s|\"signedTimestamp\":\"[^\"]*\"|\"signedTimestamp\":\"$other_ts\"|" \
    "$V/rekor-v2-hashedrekord/bundle.sigstore.json" > "$tmp/ts1bad.json"
sed "s|\"verificationMaterial\": {|\"verificationMaterial\": {\"timestampVerificationData\": {\"rfc3161Timestamps\": [{\"signedTimestamp\": \"$v2_ts\"}]}, |" \
    "$V/rekor-v1-hashedrekord/bundle.sigstore.json" > "$tmp/v1ts.json"
sed '/"timestampAuthorities": \[/,/^  \]/c\  "timestampAuthorities": []' \
    "$V/trusted_root.json" > "$tmp/root-no-tsa.json"
v2ts() {
	"$SIGNET" verify "$@" --certificate-identity "$V2ID" \
	    --certificate-oidc-issuer "$GH" "$V/rekor-v2-hashedrekord/artifact"
}
expect "second timestamp over another message" 0 \
    "ignored +RFC 3161 timestamp 1: message imprint does not match the signature" \
    -- v2ts --bundle "$tmp/ts2.json"
expect "first timestamp over another message" 0 \
    "ignored +RFC 3161 timestamp 0: message imprint does not match" \
    -- v2ts --bundle "$tmp/ts2first.json"
expect "json names the ignored timestamp" 0 \
    '"timestamps":\["2026-07-26T01:42:18Z"\],"ignoredTimestamps":\[\{"index":1,"reason":"message imprint does not match the signature"\}\]' \
    -- v2ts --json --bundle "$tmp/ts2.json"
expect "only timestamp over another message" 1 \
    "no timestamp verified \(timestamp 0: message imprint does not match the signature\)" \
    -- v2ts --bundle "$tmp/ts1bad.json"
expect "json: the only timestamp over another message" 1 \
    '"check":"timestamp".*"ignoredTimestamps":\[\{"index":0,' \
    -- v2ts --json --bundle "$tmp/ts1bad.json"
expect "bad timestamp beside an integrated time" 0 \
    "ignored +RFC 3161 timestamp 0: message imprint does not match" \
    -- "$SIGNET" verify --bundle "$tmp/v1ts.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-hashedrekord/artifact"
expect "trusted root without TSA, integrated time" 0 \
    "ignored +RFC 3161 timestamp 0: the trusted root lists no timestamp authority" \
    -- "$SIGNET" verify --bundle "$tmp/v1ts.json" \
    --trusted-root "$tmp/root-no-tsa.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-hashedrekord/artifact"
expect "trusted root without TSA, Rekor v2" 1 \
    "timestamp 0: the trusted root lists no timestamp authority" \
    -- v2ts --bundle "$V/rekor-v2-hashedrekord/bundle.sigstore.json" \
    --trusted-root "$tmp/root-no-tsa.json"

# Failures name what failed.
expect "identity mismatch" 1 \
    "certificate identity mismatch: expected https://example.com/x, got https://github.com/sigstore-conformance" \
    -- "$SIGNET" verify --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity https://example.com/x --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-hashedrekord/artifact"
expect "issuer mismatch" 1 "certificate issuer mismatch" -- "$SIGNET" verify \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$BEACON" \
    --certificate-oidc-issuer https://accounts.google.com \
    "$V/rekor-v1-hashedrekord/artifact"
printf 'tampered' > "$tmp/other"
expect "wrong artifact" 1 "verification failed: tlog body" -- "$SIGNET" verify \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$tmp/other"
sed 's/"signedEntryTimestamp": "MEYCIQD/"signedEntryTimestamp": "MEYCIQE/' \
    "$V/rekor-v1-hashedrekord/bundle.sigstore.json" > "$tmp/set.json"
expect "tampered SET" 1 "SET" -- "$SIGNET" verify --bundle "$tmp/set.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-hashedrekord/artifact"
head -c 500 "$V/rekor-v1-hashedrekord/bundle.sigstore.json" > "$tmp/trunc.json"
expect "truncated bundle" 1 "invalid JSON" -- "$SIGNET" verify \
    --bundle "$tmp/trunc.json" --certificate-identity "$BEACON" \
    --certificate-oidc-issuer "$GH" "$V/rekor-v1-hashedrekord/artifact"
: > "$tmp/empty.json"
expect "empty bundle" 1 "bundle" -- "$SIGNET" verify --bundle "$tmp/empty.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-hashedrekord/artifact"
# Within the size cap, but 5 million values: cJSON would spend 400 MiB on
# them; the grammar pass counts them first (make bench shows the peak).
{ printf '['; yes 0, | head -c 16000000 | tr -d '\n'; printf '0]'; } \
    > "$tmp/zeros.json"
expect "a bundle of 5 million JSON values" 1 \
    "bundle: too many JSON values \(more than 262144\)" -- "$SIGNET" verify \
    --bundle "$tmp/zeros.json" --certificate-identity "$BEACON" \
    --certificate-oidc-issuer "$GH" "$V/rekor-v1-hashedrekord/artifact"
yes '[' | head -c 16000000 | tr -d '\n' > "$tmp/deep.json"
expect "a bundle nested 8 million deep" 1 "nesting too deep" -- "$SIGNET" \
    verify --bundle "$tmp/deep.json" --certificate-identity "$BEACON" \
    --certificate-oidc-issuer "$GH" "$V/rekor-v1-hashedrekord/artifact"
rm "$tmp/zeros.json" "$tmp/deep.json"

# JSON results.
expect "json success" 0 '^\{"verified":true,"exit":0,"error":null,.*"logIndex":79571823' \
    -- v1 verify --json
expect "json lists every SAN" 0 \
    '"signer":\{"identity":"https://github.com/[^"]*","identityType":"URI","sans":\[\{"type":"URI","value":"https://github.com/sigstore-conformance/' \
    -- v1 verify --json
expect "json failure" 1 '^\{"verified":false,"exit":1,"error":\{"check":"identity"' -- \
    "$SIGNET" verify --json \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity https://example.com/x --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-hashedrekord/artifact"
expect "json malformed bundle" 1 '"check":"bundle"' -- "$SIGNET" verify --json \
    --bundle "$tmp/trunc.json" --certificate-identity "$BEACON" \
    --certificate-oidc-issuer "$GH" "$V/rekor-v1-hashedrekord/artifact"

# --json output is valid UTF-8 whatever the paths: a byte that is not
# UTF-8 is written \xHH, and a backslash in a path \\.  jsonchk FIELD WANT
# SIGNET-ARGS...: runs signet verify --json, parses its output (python3)
# and prints whether the last path component of FIELD is WANT.
jsonchk() {
	field=$1 want=$2
	shift 2
	"$SIGNET" verify --json "$@" 2>/dev/null | python3 -c '
import json, sys
d = json.loads(sys.stdin.buffer.read().decode("utf-8", "strict"))
for k in sys.argv[1].split("."):
	d = d[k]
print("json", str(d).rsplit("/", 1)[-1] == sys.argv[2])' "$field" "$want"
}
nu=$(printf 'caf\351\\x.bin')
cp "$V/rekor-v1-hashedrekord/artifact" "$tmp/$nu"
cp "$V/rekor-v1-hashedrekord/bundle.sigstore.json" "$tmp/$nu.sigstore.json"
expect "json: a path that is not UTF-8" 0 "^json True$" -- jsonchk \
    bundle.path 'caf\xe9\\x.bin.sigstore.json' \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$tmp/$nu"
# UTF-8 as it is; an overlong '/', a surrogate and U+110000 escaped.
nu2=$(printf 'x\303\251\300\257\355\240\200\364\220\200\200.bin')
cp "$V/rekor-v1-hashedrekord/artifact" "$tmp/$nu2"
cp "$V/rekor-v1-hashedrekord/bundle.sigstore.json" "$tmp/$nu2.sigstore.json"
esc='\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80'
expect "json: strict UTF-8" 0 "^json True$" -- jsonchk bundle.path \
    "$(printf 'x\303\251')$esc.bin.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$tmp/$nu2"
expect "json: a reason that is not UTF-8" 0 "^json True$" -- jsonchk \
    error.reason 'caf\xe9\x.bin.none: No such file or directory' \
    --bundle "$tmp/$nu.none" --certificate-identity "$BEACON" \
    --certificate-oidc-issuer "$GH" "$tmp/$nu"

# Work that cannot be done: exit 2.
expect "missing bundle file" 2 "No such file" -- "$SIGNET" verify \
    --bundle "$tmp/nope.json" --certificate-identity "$BEACON" \
    --certificate-oidc-issuer "$GH" "$V/rekor-v1-hashedrekord/artifact"
expect "missing artifact" 2 "No such file" -- "$SIGNET" verify \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$tmp/nope"
expect "bundle is a directory" 2 "is a directory" -- "$SIGNET" verify \
    --bundle "$tmp" --certificate-identity "$BEACON" \
    --certificate-oidc-issuer "$GH" "$V/rekor-v1-hashedrekord/artifact"
# too large to be read: nothing was checked, so not a failed check
truncate -s 17000000 "$tmp/huge.json"
expect "oversized bundle" 2 \
    "huge.json: file exceeds the limit of 16777216 bytes" -- "$SIGNET" verify \
    --bundle "$tmp/huge.json" --certificate-identity "$BEACON" \
    --certificate-oidc-issuer "$GH" "$V/rekor-v1-hashedrekord/artifact"
expect "... also in --json" 2 '"check":"bundle".*exceeds the limit' -- \
    "$SIGNET" verify --json --bundle "$tmp/huge.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-hashedrekord/artifact"
truncate -s 16777216 "$tmp/huge.json"
expect "a bundle of exactly the limit is read (and fails as JSON)" 1 \
    "invalid JSON" -- "$SIGNET" verify --bundle "$tmp/huge.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-hashedrekord/artifact"
# a model's signature may take what any bundle may, plus room for the
# entries of the model's files: 20 MiB of "[0,0,..." for a small model is
# refused before it is read (it took 846 MB to refuse before)
mkdir "$tmp/sm"
printf x > "$tmp/sm/w.bin"
{ printf '['; yes 0, | head -c 31500000 | tr -d '\n'; printf '0]'; } \
    > "$tmp/sm/model.sig"
expect "a 20 MiB model signature of a one-file model" 2 \
    "model.sig: file exceeds the limit of 1677[0-9]{4} bytes" -- \
    "$SIGNET" verify "$tmp/sm" --key "$MK"
head -c 16000000 "$tmp/sm/model.sig" > "$tmp/sm/m2.sig"
expect "... within the limit, too many JSON values" 1 \
    "too many JSON values" -- "$SIGNET" verify "$tmp/sm" \
    --signature "$tmp/sm/m2.sig" --key "$MK"
rm -r "$tmp/sm"
truncate -s 300000000 "$tmp/huge.json"
expect "an oversized model signature" 2 "exceeds the limit" -- "$SIGNET" \
    verify --model "$V/rekor-v1-hashedrekord/artifact" --bundle "$tmp/huge.json" \
    --key "$MK"
expect "log: an oversized bundle" 2 "exceeds the limit" -- "$SIGNET" log \
    --key "$MK" "$tmp/huge.json"
rm "$tmp/huge.json"
expect "missing trusted root" 2 "trusted root" -- v1 verify \
    --trusted-root "$tmp/nope.json"
printf '{"mediaType": "x"}' > "$tmp/badroot.json"
expect "unusable trusted root" 2 "unsupported media type" -- v1 verify \
    --trusted-root "$tmp/badroot.json"
expect "unusable key" 2 "key" -- "$SIGNET" verify-bundle \
    --bundle "$C/bundle-verify/managed-key-happy-path/bundle.sigstore.json" \
    --key "$tmp/badroot.json" "$C/a.txt"

# Special files where a file is meant: refused at once with exit 2, never
# waited on (a FIFO with no writer would block open() and read() forever;
# timeout turns a regression into a failure instead of a hang).
MKB=$C/bundle-verify/managed-key-happy-path
mkfifo "$tmp/fifo"
expect "a FIFO as the bundle" 2 "fifo: not a regular file" -- \
    timeout 10 "$SIGNET" verify --bundle "$tmp/fifo" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-hashedrekord/artifact"
expect "a FIFO as the artifact" 2 "fifo: not a regular file" -- \
    timeout 10 "$SIGNET" verify \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$tmp/fifo"
expect "a FIFO as the key" 2 "fifo: not a regular file" -- \
    timeout 10 "$SIGNET" verify-bundle --bundle "$MKB/bundle.sigstore.json" \
    --key "$tmp/fifo" "$C/a.txt"
expect "a FIFO as the signing key" 2 "fifo: not a regular file" -- \
    timeout 10 "$SIGNET" sign --offline --key "$tmp/fifo" \
    --bundle "$tmp/never.json" "$C/a.txt"
expect "a FIFO as the artifact to sign" 2 "fifo: not a regular file" -- \
    timeout 10 "$SIGNET" sign --offline --key "$MSK" \
    --bundle "$tmp/never.json" "$tmp/fifo"
expect "... writes no bundle" 1 "" -- test -e "$tmp/never.json"
mkdir "$tmp/fm"
printf x > "$tmp/fm/w.bin"
mkfifo "$tmp/fm/model.sig"
expect "a FIFO as a model's signature" 2 "model.sig: not a regular file" -- \
    timeout 10 "$SIGNET" verify "$tmp/fm" --key "$MK"
expect "... given with --signature" 2 "model.sig: not a regular file" -- \
    timeout 10 "$SIGNET" verify --model "$tmp/fm/w.bin" \
    --signature "$tmp/fm/model.sig" --key "$MK"
expect "a FIFO as the model" 2 "fifo: not a regular file or a directory" -- \
    timeout 10 "$SIGNET" verify --model "$tmp/fifo" --key "$MK" --signature \
    testdata/model-signing/signed/v1.1.0-elliptic-key/model.sig
expect "a character device as the artifact" 2 "null: not a regular file" -- \
    timeout 10 "$SIGNET" verify \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    /dev/null
expect "a character device as the bundle" 2 "null: not a regular file" -- \
    timeout 10 "$SIGNET" verify --bundle /dev/null \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-hashedrekord/artifact"
expect "a directory as the key" 2 "is a directory" -- \
    timeout 10 "$SIGNET" verify-bundle --bundle "$MKB/bundle.sigstore.json" \
    --key "$tmp" "$C/a.txt"
# shellcheck disable=SC2016 # sh -c expands its own arguments
expect "stdin stays allowed for the artifact" 0 "Verified OK" -- sh -c \
    'cat "$3" | timeout 10 "$1" verify --bundle "$2" \
    --certificate-identity "$4" --certificate-oidc-issuer "$5" -' sh \
    "$SIGNET" "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    "$V/rekor-v1-hashedrekord/artifact" "$BEACON" "$GH"

# Usage errors: exit 2.
expect "no arguments" 2 "usage" -- "$SIGNET"
expect "unknown command" 2 "unknown command" -- "$SIGNET" frobnicate
expect "unknown option" 2 "unknown option --frob" -- v1 verify --frob
expect "option twice" 2 "given twice" -- v1 verify --json --json
expect "no identity" 2 "certificate-identity" -- "$SIGNET" verify \
    --bundle x --certificate-oidc-issuer "$GH" file
expect "no issuer" 2 "certificate-oidc-issuer" -- "$SIGNET" verify \
    --bundle x --certificate-identity "$BEACON" file
expect "key and identity" 2 "takes no identity" -- "$SIGNET" verify \
    --bundle x --key k --certificate-identity "$BEACON" file
expect "staging and trusted root" 2 "exclude each other" -- v1 verify \
    --staging --trusted-root x

# The built-in roots' date (their age is counted from it) is the newest
# validFor start of the embedded file, whatever third_party/sigstore holds.
for s in "" staging_; do
	f=third_party/sigstore/${s}trusted_root.json
	flag=${s:+--staging}
	day=$(jq -r '[.. | .validFor? // empty | .start? // empty] | max' "$f")
	expect "trust show $flag: the built-in root's date is its newest start" \
	    0 "^$day\$" -- sh -c "'$SIGNET' trust show --json $flag |
	    jq -er 'select(.source == \"built-in\") | .as_of'"
	expect "trust show $flag: the text says the same date" 0 \
	    "^  as of      $day " -- "$SIGNET" trust show ${flag:+"$flag"}
done
expect "trust show: an argument is refused" 2 \
    "trust show: unexpected argument x" -- "$SIGNET" trust show x
expect "trust export: an argument is refused" 2 \
    "trust export: unexpected argument x" -- "$SIGNET" trust export x
expect "digest needs --bundle" 2 "bundle is required" -- "$SIGNET" verify \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "sha256:$digest"
expect "two artifacts" 2 "exactly one artifact" -- "$SIGNET" verify \
    --bundle x --certificate-identity "$BEACON" \
    --certificate-oidc-issuer "$GH" a b
expect "help" 0 "Exit status" -- "$SIGNET" verify --help
expect "version" 0 "^signet [0-9]" -- "$SIGNET" version

# Keys and logging: usage errors.
expect "key without a command" 2 "usage: signet key" -- "$SIGNET" key
expect "key: an unknown command" 2 "unknown command" -- "$SIGNET" key frob
expect "key generate: --device needs --fido2" 2 "go with --fido2" -- \
    "$SIGNET" key generate --device /dev/null -o "$tmp/k"
expect "log without --key" 2 "give --key" -- "$SIGNET" log "$tmp/b.json"
expect "sign --offline needs a key" 2 "keyless signing needs Fulcio" -- \
    "$SIGNET" sign --offline "$V/rekor-v1-hashedrekord/artifact"
expect "sign --signing-certificate signs models" 2 "signs models" -- \
    "$SIGNET" sign --key x.pem --signing-certificate c.pem \
    "$V/rekor-v1-hashedrekord/artifact"
expect "fido2: a missing key file" 2 "fido2-missing.key" -- "$SIGNET" sign \
    --offline --key "fido2:$tmp/fido2-missing.key" \
    "$V/rekor-v1-hashedrekord/artifact"

# A write that fails (past RLIMIT_FSIZE, or on a full disk) is exit 2 and
# leaves nothing behind: no temporary file, no target.  SIGXFSZ would
# kill signet before it could clean up; it ignores the signal.
mkdir "$tmp/wm" "$tmp/out"
printf x > "$tmp/wm/w.bin"
expect "a signature written past ulimit -f" 2 "out/m.sig: File too large" -- \
    sh -c 'ulimit -f 1; exec "$@"' sh "$SIGNET" sign "$tmp/wm" --key "$MSK" \
    --offline --bundle "$tmp/out/m.sig"
expect "... leaves no file behind" 0 "^$" -- ls -A "$tmp/out"
expect "a key written past ulimit -f" 2 "k.key: File too large" -- \
    env SIGNET_PASSWORD=pw sh -c 'ulimit -f 1; exec "$@"' sh "$SIGNET" key \
    generate -o "$tmp/out/k"
expect "... leaves no file behind" 0 "^$" -- ls -A "$tmp/out"
# a full disk: a 64 KiB tmpfs, filled (root only; said when skipped)
if mount -t tmpfs -o size=64k tmpfs "$tmp/out" 2>/dev/null; then
	cat /dev/zero > "$tmp/out/fill" 2>/dev/null
	expect "a signature written to a full disk" 2 \
	    "m.sig: No space left on device" -- "$SIGNET" sign "$tmp/wm" \
	    --key "$MSK" --offline --bundle "$tmp/out/m.sig"
	expect "... leaves no file behind" 0 "^fill$" -- ls -A "$tmp/out"
	umount "$tmp/out"
else
	echo "skip a signature written to a full disk: cannot mount a tmpfs"
fi

# Service URLs: a "loopback" host that is a user name for another host is
# refused (exit 2) before anything is sent.  evil.invalid never resolves,
# so that a regression fails without reaching anyone.
(cd "$tmp" && SIGNET_PASSWORD=pw "$SIGNET" key generate -o svc) \
    >/dev/null 2>&1
svc() {
	printf '{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json",'
	printf '"caUrls":[{"url":"%s","majorApiVersion":1,' "$1"
	printf '"validFor":{"start":"2022-04-13T20:06:15Z"}}],'
	printf '"rekorTlogUrls":[{"url":"%s","majorApiVersion":1,' "$2"
	printf '"validFor":{"start":"2021-01-12T11:53:27Z"}}],'
	printf '"rekorTlogConfig":{"selector":"ANY"}}\n'
}
svc https://fulcio.invalid 'http://localhost:80@evil.invalid' \
    >"$tmp/sc-rekor.json"
svc 'http://[::1]:@evil.invalid/' https://rekor.invalid >"$tmp/sc-ca.json"
expect "sign: a Rekor URL with a user name" 2 \
    "Rekor: refusing a URL with a user name or password" -- \
    env SIGNET_PASSWORD=pw "$SIGNET" sign --key "$tmp/svc.key" \
    --signing-config "$tmp/sc-rekor.json" --bundle "$tmp/svc.json" \
    "$V/rekor-v1-hashedrekord/artifact"
expect "sign: nothing signed for a refused URL" 1 "" -- \
    test -e "$tmp/svc.json"
expect "sign: a Fulcio URL with an empty user name" 2 \
    "Fulcio: refusing a URL with a user name or password" -- \
    "$SIGNET" sign --identity-token x.y.z --signing-config "$tmp/sc-ca.json" \
    "$V/rekor-v1-hashedrekord/artifact"
expect "sign: --oidc-issuer with a user name" 2 \
    "oidc-issuer: refusing a URL with a user name or password" -- \
    "$SIGNET" sign --oidc-issuer 'http://127.0.0.1@evil.invalid' \
    "$V/rekor-v1-hashedrekord/artifact"
expect "log: a Rekor URL with a user name" 2 \
    "Rekor: refusing a URL with a user name or password" -- \
    "$SIGNET" log --key "$tmp/svc.pub" --signing-config "$tmp/sc-rekor.json" \
    "$V/rekor-v1-hashedrekord/bundle.sigstore.json"

# Without libcurl, no URL can be checked: refused (exit 2), nothing sent.
# libcurl is hidden by a bind mount in a mount namespace (root only).
curl_so=$(ldconfig -p 2>/dev/null |
    awk '$1 == "libcurl.so.4" { print $NF; exit }')
nocurl() {
	# shellcheck disable=SC2016 # sh -c expands its own arguments
	unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' \
	    _ "$(readlink -f "$curl_so")" "$@"
}
if [ -n "$curl_so" ] && nocurl true 2>/dev/null; then
	expect "sign: no libcurl, no URL check" 2 \
	    "cannot check URL: cannot load libcurl .*Debian package libcurl4$" -- \
	    nocurl "$SIGNET" sign --oidc-issuer https://oauth2.invalid \
	    "$V/rekor-v1-hashedrekord/artifact"
else
	echo "skip sign: no libcurl, no URL check (needs unshare -m)"
fi
# Without libfido2, the same: the package to install, exit 2.
fido_so=$(ldconfig -p 2>/dev/null |
    awk '$1 == "libfido2.so.1" { print $NF; exit }')
if [ -n "$fido_so" ] && [ -n "$curl_so" ] && nocurl true 2>/dev/null; then
	# shellcheck disable=SC2016 # sh -c expands its own arguments
	expect "key list-devices: no libfido2 names its package" 2 \
	    "cannot load libfido2 .*Debian package libfido2-1$" -- \
	    unshare -m sh -c 'mount --bind /dev/null "$1" && shift &&
	    exec "$@"' _ "$(readlink -f "$fido_so")" "$SIGNET" key list-devices
else
	echo "skip key list-devices: no libfido2 (needs unshare -m)"
fi

# A model signed offline with a key, then given a name that is not UTF-8.
mkdir "$tmp/m"
echo hi >"$tmp/m/a.txt"
expect "json: a model without a signature" 0 "^json True$" -- jsonchk \
    error.exitStatus 2 --key "$tmp/svc.pub" "$tmp/m"
SIGNET_PASSWORD=pw "$SIGNET" sign --key "$tmp/svc.key" --offline --quiet \
    "$tmp/m" >/dev/null 2>&1
mu=$tmp/$(printf 'm\351')
mv "$tmp/m" "$mu"
expect "json: a model path that is not UTF-8" 0 "^json True$" -- jsonchk \
    model.path 'm\xe9' --key "$tmp/svc.pub" "$mu"

# Secrets stay out of core dumps: signet sign is undumpable before it
# reads a key.  It waits here for its key on standard input (a FIFO held
# open with nothing written) while the test looks: the /proc files of an
# undumpable process belong to root, those of any other to its user
# (nobody, when the test runs as root).  Before signet runs, the process
# is a shell or setpriv (another comm), so only signet itself can pass.
undumpable() {
	d=$(mktemp -d)
	# the artifact and the bundle's directory pass the checks made
	# before the key is read
	chmod 777 "$d"
	echo artifact > "$d/artifact"
	mkfifo -m 666 "$d/key"
	as=
	[ "$(id -u)" -eq 0 ] &&
	    as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	$as "$SIGNET" sign --offline --key - --bundle "$d/b.json" \
	    "$d/artifact" <"$d/key" >/dev/null 2>&1 &
	pid=$!
	exec 3>"$d/key"
	owner=none
	i=0
	while [ "$i" -lt 200 ]; do
		if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = signet ] &&
		    [ "$(stat -c %u "/proc/$pid/status" 2>/dev/null)" = 0 ]
		then
			owner=0
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	[ "$owner" = none ] &&
	    owner=$(stat -c %u "/proc/$pid/status" 2>/dev/null)
	exec 3>&-
	wait "$pid"
	rm -rf "$d"
	echo "owner $owner"
}
expect "sign: no core dump while a key is read" 0 "^owner 0$" -- undumpable

# One CLI: -h everywhere, `signet help CMD`, an exit-status section in
# each help, the same exit status for the same trust-root error.
for c in verify verify-bundle verify-blob sign sign-bundle sign-blob log \
    digest key trust tlog; do
	"$SIGNET" "$c" --help > "$tmp/help.long" 2>&1
	expect "$c -h is $c --help" 0 "^usage: signet $c" -- "$SIGNET" "$c" -h
	"$SIGNET" "$c" -h > "$tmp/help.short" 2>&1
	expect "signet help $c prints $c's help" 0 "" -- sh -c "
	    '$SIGNET' help '$c' > '$tmp/help.cmd' 2>&1 &&
	    cmp -s '$tmp/help.cmd' '$tmp/help.long' &&
	    cmp -s '$tmp/help.short' '$tmp/help.long'"
done
for c in "trust update" "trust show" "trust export" "tlog info" "tlog get" \
    "tlog consistency" "tlog watch"; do
	# shellcheck disable=SC2086
	expect "$c -h prints its help" 0 "^usage: signet ${c%% *}" -- \
	    "$SIGNET" $c -h
done
expect "log --help has the exit-status section" 0 \
    "Exit status: 0 every bundle logged.*" -- "$SIGNET" log --help
expect "signet help of an unknown command" 2 'unknown command "frob"' -- \
    "$SIGNET" help frob
# cosign's spellings: a detached signature is refused with what to use,
# flags that change nothing are accepted, the others refused by name
expect "verify-blob --signature: detached signatures are not supported" 2 \
    "detached signatures are not supported; give the Sigstore bundle with --bundle" \
    -- "$SIGNET" verify-blob --signature "$tmp/x.sig" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V1B/artifact"
expect "verify-blob: cosign flags that change nothing" 0 "Verified OK" -- \
    v1 verify-blob --new-bundle-format --offline --use-signed-timestamps
for f in --insecure-ignore-tlog --insecure-ignore-sct \
    "--certificate $tmp/c.pem" "--rekor-url https://rekor.example"; do
	# shellcheck disable=SC2086
	expect "verify-blob ${f%% *} is refused by name" 2 \
	    "verify-blob: ${f%% *} is not supported" -- v1 verify-blob $f
done
echo blob > "$tmp/blob"
expect "sign-blob: --new-bundle-format --tlog-upload=true change nothing" 0 \
    "Verified OK" -- sh -c "'$SIGNET' sign-blob --new-bundle-format \
    --tlog-upload=true --yes --key '$MSK' --offline --bundle '$tmp/blob.json' \
    '$tmp/blob' && '$SIGNET' verify --key '$MK' --bundle '$tmp/blob.json' \
    '$tmp/blob'"
for f in --tlog-upload=false "--output-signature $tmp/s" \
    "--fulcio-url https://f.example" "--rekor-url https://r.example"; do
	# shellcheck disable=SC2086
	expect "sign-blob ${f%%[ =]*} is refused by name" 2 \
	    "sign-blob: ${f%% *} is not supported" -- "$SIGNET" sign-blob $f \
	    --key "$MSK" --offline --bundle "$tmp/no.json" "$tmp/blob"
done
# Keys: messages that name the real problem; fido2: takes --device and
# --pin-file in sign as in key generate
expect "sign --key with a public key says so" 2 \
    "a public key: signing needs the private key" -- "$SIGNET" sign \
    --key "$MK" --offline --bundle "$tmp/no.json" "$tmp/blob"
expect "verify --key with a private key says so" 2 \
    "a private key: give the public key" -- "$SIGNET" verify --key "$MSK" \
    --bundle "$tmp/blob.json" "$tmp/blob"
mkdir -p "$tmp/authn"
(cd "$tmp" && "$SIGNET_T" key generate --fido2 --device "soft:$tmp/authn" \
    -o fk >/dev/null 2>&1)
# Test code is not product: soft: is an unknown device to signet itself,
# by --device as by SIGNET_FIDO2_DEVICE, and nothing is signed.
expect "signet has no software authenticator: soft: is unknown" 2 \
    "unknown device soft:" -- "$SIGNET" sign --key "fido2:$tmp/fk.key" \
    --device "soft:$tmp/authn" --offline --bundle "$tmp/soft.json" \
    "$tmp/blob"
expect "SIGNET_FIDO2_DEVICE=soft: is unknown to signet too" 2 \
    "unknown device soft:" -- env SIGNET_FIDO2_DEVICE="soft:$tmp/authn" \
    "$SIGNET" sign --key "fido2:$tmp/fk.key" --offline \
    --bundle "$tmp/soft.json" "$tmp/blob"
expect "signet: nothing signed through soft:" 1 "" -- \
    test -e "$tmp/soft.json"
expect "a FIDO2 key file without fido2: says so" 2 \
    "a FIDO2 key file: give --key fido2:$tmp/fk.key" -- "$SIGNET" sign \
    --key "$tmp/fk.key" --offline --bundle "$tmp/no.json" "$tmp/blob"
expect "verify: a FIDO2 key file without fido2: says so" 2 \
    "a FIDO2 key file: give --key fido2:" -- "$SIGNET" verify \
    --key "$tmp/fk.key" --bundle "$tmp/blob.json" "$tmp/blob"
expect "sign --key fido2: --device signs" 0 "Verified OK" -- sh -c "
    env -u SIGNET_FIDO2_DEVICE '$SIGNET_T' sign --key 'fido2:$tmp/fk.key' \
    --device 'soft:$tmp/authn' --offline --bundle '$tmp/fk.json' \
    '$tmp/blob' && '$SIGNET' verify --key '$tmp/fk.pub' \
    --bundle '$tmp/fk.json' '$tmp/blob'"
expect "sign --key fido2: --pin-file reads the file" 2 \
    "$tmp/no-pin: No such file" -- "$SIGNET_T" sign \
    --key "fido2:$tmp/fk.key" --device "soft:$tmp/authn" \
    --pin-file "$tmp/no-pin" --offline --bundle "$tmp/no.json" "$tmp/blob"
expect "--device goes with fido2: only" 2 "go with --key fido2:" -- \
    "$SIGNET" sign --key "$MSK" --device /dev/null --offline \
    --bundle "$tmp/no.json" "$tmp/blob"
# Messages name the real problem
expect "a missing artifact is named, not its default bundle" 2 \
    "^signet: $tmp/nope: No such file or directory$" -- "$SIGNET" verify \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$tmp/nope"
expect "sha256:abc is not a 64-hex-digit digest" 2 \
    "sha256:abc is not a 64-hex-digit digest" -- "$SIGNET" verify \
    --key "$MK" --bundle "$tmp/blob.json" sha256:abc
expect "sha512: with a SHA-256's digits" 2 "is not a 128-hex-digit digest" \
    -- "$SIGNET" verify-bundle --key "$MK" --bundle "$tmp/blob.json" \
    "sha512:$d"
expect "model_signing's verify sigstore DIR: signet's spelling" 2 \
    "signet's is: signet verify $tmp --certificate-identity ID" -- \
    "$SIGNET" verify sigstore "$tmp"
expect "model_signing's verify key DIR: signet's spelling" 2 \
    "signet's is: signet verify $tmp --key PUB.pem" -- \
    "$SIGNET" verify key "$tmp" --public_key "$MK"
expect "model_signing's sign key DIR: signet's spelling" 2 \
    "signet's is: signet sign $tmp --key KEY" -- \
    "$SIGNET" sign key "$tmp" --private_key "$MSK"
expect "model_signing's sign certificate DIR: signet's spelling" 2 \
    "signet sign $tmp --key KEY --signing-certificate CERT" -- \
    "$SIGNET" sign certificate "$tmp"
# The man page: every line renders (a line that begins with "." is a
# roff request: only the man macros are used), groff has no warning, and
# each option of each command's --help is in it.
manpage() {
	src=$(dirname "$0")/../cmd/signet/signet.1
	bad=$(grep -n "^[.']" "$src" | grep -Ev \
	    "^[0-9]+:[.'](B|BI|BR|I|IB|IR|RB|RI|PP|TP|TQ|SH|SS|TH|EX|EE|br|RS|RE|IP)( |$)")
	[ -z "$bad" ] || { echo "not a man macro: $bad"; return 1; }
	LC_ALL=C MANWIDTH=250 MANROFFOPT=-rHY=0 man --warnings -l "$src" \
	    2>"$tmp/man.err" | col -b | tr '\n' ' ' | tr -s ' ' > "$tmp/man.txt"
	[ -s "$tmp/man.err" ] && { cat "$tmp/man.err"; return 1; }
	missing=
	for c in verify verify-bundle verify-blob sign sign-bundle sign-blob \
	    log digest key; do
		for o in $("$SIGNET" "$c" --help 2>&1 |
		    grep -o -- '--[a-z0-9][a-z0-9_-]*' | sort -u); do
			grep -qF -- "$o" "$tmp/man.txt" ||
			    missing="$missing $c:$o"
		done
	done
	[ -z "$missing" ] || { echo "not in the man page:$missing"; return 1; }
	echo "man page ok"
}
if command -v man >/dev/null 2>&1 && command -v col >/dev/null 2>&1; then
	expect "the man page renders whole and lists every option" 0 \
	    "^man page ok$" -- manpage
fi
printf '{"mediaType": 1}' > "$tmp/tr-bad.json"
echo data > "$tmp/tr-art"
expect "trust root error: verify exits 2" 2 "trusted root" -- \
    "$SIGNET" verify --trusted-root "$tmp/tr-bad.json" --key "$MK" \
    --bundle "$tmp/tr-art" "$tmp/tr-art"
expect "trust root error: sign exits 2" 2 "trusted root" -- \
    "$SIGNET" sign --trusted-root "$tmp/tr-bad.json" --identity-token \
    x.y.z --bundle "$tmp/tr-out.json" "$tmp/tr-art"
expect "trust root error: log exits 2" 2 "trusted root" -- \
    "$SIGNET" log --trusted-root "$tmp/tr-bad.json" --key "$MK" \
    "$tmp/tr-art"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
