#!/bin/sh
# regress.sh [SIGNET]: drives the signet binary end to end, as signify's
# regress/signify.sh does: good bundles verify (exit 0), tampered or
# malformed ones fail (exit 1) with a message that names the check, and
# usage errors or unusable inputs exit 2.  Prints "N passed, N failed".
set -u
SIGNET=${1:-build/signet}
case $SIGNET in /*) ;; *) SIGNET=$(pwd)/$SIGNET ;; esac
: "${ASAN_OPTIONS:=exitcode=99}"
export ASAN_OPTIONS
V=testdata/vectors
C=testdata/conformance
BEACON="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
GH=https://token.actions.githubusercontent.com
V2ID="https://github.com/tkgsn/sigstore-public-good-instance-test/.github/workflows/rekor-v2.yml@refs/heads/main"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
expect "staging root" 0 "Verified OK" -- "$SIGNET" verify --staging \
    --bundle "$V/dsse-rekor-v2-staging/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$C/a.txt"
expect "production bundle under the staging root" 1 "trusted root" -- \
    v1 verify --staging

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
head -c 17000000 /dev/zero > "$tmp/huge.json"
expect "oversized bundle" 1 "limit" -- "$SIGNET" verify --bundle "$tmp/huge.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH" \
    "$V/rekor-v1-hashedrekord/artifact"

# JSON results.
expect "json success" 0 '^\{"verified":true,"error":null,.*"logIndex":79571823' \
    -- v1 verify --json
expect "json failure" 1 '^\{"verified":false,"error":\{"check":"identity"' -- \
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
expect "missing trusted root" 2 "trusted root" -- v1 verify \
    --trusted-root "$tmp/nope.json"
printf '{"mediaType": "x"}' > "$tmp/badroot.json"
expect "unusable trusted root" 2 "unsupported media type" -- v1 verify \
    --trusted-root "$tmp/badroot.json"
expect "unusable key" 2 "key" -- "$SIGNET" verify-bundle \
    --bundle "$C/bundle-verify/managed-key-happy-path/bundle.sigstore.json" \
    --key "$tmp/badroot.json" "$C/a.txt"

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
	unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' \
	    _ "$(readlink -f "$curl_so")" "$@"
}
if [ -n "$curl_so" ] && nocurl true 2>/dev/null; then
	expect "sign: no libcurl, no URL check" 2 \
	    "oidc-issuer: cannot check URL: cannot load libcurl" -- \
	    nocurl "$SIGNET" sign --oidc-issuer https://oauth2.invalid \
	    "$V/rekor-v1-hashedrekord/artifact"
else
	echo "skip sign: no libcurl, no URL check (needs unshare -m)"
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
# reads a key.  It waits here on a FIFO for its key file while the test
# looks: the /proc files of an undumpable process belong to root, those
# of any other to its user (nobody, when the test runs as root).
undumpable() {
	d=$(mktemp -d)
	chmod 755 "$d"
	mkfifo -m 666 "$d/key"
	as=
	[ "$(id -u)" -eq 0 ] &&
	    as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	$as "$SIGNET" sign --offline --key "$d/key" --bundle "$d/b.json" \
	    "$d/artifact" >/dev/null 2>&1 &
	pid=$!
	# Opening the FIFO waits for signet to open it (at most 20 s).
	owner=$(timeout 20 sh -c 'exec 3>"$1" && stat -c %u "/proc/$2/status"' \
	    _ "$d/key" "$pid")
	wait "$pid"
	rm -rf "$d"
	echo "owner $owner"
}
expect "sign: no core dump while a key is read" 0 "^owner 0$" -- undumpable

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
