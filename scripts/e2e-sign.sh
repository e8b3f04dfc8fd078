#!/bin/sh
# e2e-sign.sh [SIGNET]: keyless signing end to end against the local
# Sigstore testbed (scripts/testbed), which this script starts and stops.
#
# Every bundle signet writes is verified by signet and by an independent
# verifier (@sigstore/verify, scripts/testbed-server/verify.js); bundles
# sigstore-js signs verify with signet.  Each ambient provider, both
# interactive flows (this script plays the person's browser), token
# errors, and service faults (a retry or a clear error, never a bundle).
# Prints "N passed, N failed".
# CHECK && ok NAME || bad NAME is if/else here: ok always returns 0.
# shellcheck disable=SC2015
set -u
SIGNET=${1:-build/signet}
case $SIGNET in /*) ;; *) SIGNET=$(pwd)/$SIGNET ;; esac
# The test binary: signet plus the software authenticator of the tests
# (device soft:DIR), for the FIDO2 cases.
SIGNET_T=${SIGNET_TEST:-$(dirname "$SIGNET")/test/signet}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRV=$ROOT/scripts/testbed-server
: "${ASAN_OPTIONS:=exitcode=99}"
export ASAN_OPTIONS
tmp=$(mktemp -d)
TB=$tmp/testbed
# signet's own cache (digest records, trust) stays in the test's folder:
# a test never writes to the real ~/.cache.
SIGNET_CACHE_DIR=$tmp/cache
export SIGNET_CACHE_DIR
# shellcheck source=scripts/expect.sh
. "$ROOT/scripts/expect.sh"
testbed_start
# Nothing from the caller's environment may pick a token.
# CI (set by CI runners) and GITHUB_ACTIONS change what a sign-in may
# do: the tests that need them set them.
unset SIGSTORE_ID_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL CI GITHUB_ACTIONS \
    ACTIONS_ID_TOKEN_REQUEST_TOKEN GITLAB_CI BUILDKITE CIRCLECI \
    GCE_METADATA_HOST

tok() {
	"$ROOT/scripts/testbed" token "$TB" "$@"
}

fault() {
	"$ROOT/scripts/testbed" fault "$TB" "$@" >/dev/null
}

reset() {
	"$ROOT/scripts/testbed" reset "$TB" >/dev/null
}

A=$tmp/artifact.bin
head -c 100000 /dev/urandom > "$A"
DIGEST=$(sha256sum "$A" | cut -d' ' -f1)
EMAIL=$SIGNET_TESTBED_EMAIL
ISS=$SIGNET_TESTBED_OIDC_ISSUER
TR=$SIGNET_TESTBED_TRUSTED_ROOT

# sign NAME CONFIG [OPTION...]: signet sign $A into $tmp/NAME.json
sign() {
	name=$1 cfg=$2
	shift 2
	rm -f "$tmp/$name.json"
	"$SIGNET" sign "$A" --bundle "$tmp/$name.json" --trusted-root "$TR" \
	    --signing-config "$cfg" "$@" >"$tmp/out" 2>&1
}

# verified NAME IDENTITY ISSUER [FILE]: both verifiers accept the bundle
verified() {
	file=${4:-$A}
	"$SIGNET" verify "$file" --bundle "$tmp/$1.json" --trusted-root "$TR" \
	    --certificate-identity "$2" --certificate-oidc-issuer "$3" \
	    >>"$tmp/out" 2>&1 &&
	    (cd "$SRV" && node verify.js --trusted-root "$TR" \
	    --bundle "$tmp/$1.json" --certificate-identity "$2" \
	    --certificate-oidc-issuer "$3" "$file") >>"$tmp/out" 2>&1
}

# signed_ok NAME: exit 0, a bundle, and both verifiers accept it
signed_ok() {
	if [ "$rc" -eq 0 ] && [ -s "$tmp/$1.json" ] &&
	    verified "$1" "${2:-$EMAIL}" "${3:-$ISS}"; then
		ok "$1"
	else
		bad "$1 (exit $rc)"
	fi
}

# refused NAME PATTERN: exit 2, no bundle, the message matches PATTERN
refused() {
	if [ "$rc" -eq 2 ] && [ ! -e "$tmp/$1.json" ] &&
	    grep -Eq -- "$2" "$tmp/out" &&
	    [ -z "$(find "$tmp" -maxdepth 1 -name "*$1.json.tmp*")" ]; then
		ok "$1"
	else
		bad "$1 (exit $rc, wanted 2 and /$2/, no bundle)"
	fi
}

V1=$SIGNET_TESTBED_SIGNING_CONFIG
V2=$SIGNET_TESTBED_SIGNING_CONFIG_V2

# Rekor v1 and v2, files and in-toto statements ---------------------------

sign v1-file "$V1" --identity-token "$(tok)"; rc=$?
signed_ok v1-file
grep -q '"mediaType":	"application/vnd.dev.sigstore.bundle.v0.3+json"' \
    "$tmp/v1-file.json" && grep -q '"certificate":' "$tmp/v1-file.json" &&
    ok "v1 bundle is v0.3 with a leaf certificate" ||
    bad "v1 bundle is v0.3 with a leaf certificate"
sign v2-file "$V2" --identity-token "$(tok)"; rc=$?
signed_ok v2-file
grep -q '"hashedrekord"' "$tmp/v2-file.json" &&
    grep -q '"version":	"0.0.2"' "$tmp/v2-file.json" &&
    grep -q '"rfc3161Timestamps"' "$tmp/v2-file.json" &&
    ok "v2 bundle has hashedrekord 0.0.2 and a timestamp" ||
    bad "v2 bundle has hashedrekord 0.0.2 and a timestamp"

printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"%s"}}],"predicateType":"https://example.com/p","predicate":{}}' \
    "$DIGEST" > "$tmp/stmt.json"
for v in 1 2; do
	cfg=$V1
	[ $v = 2 ] && cfg=$V2
	rm -f "$tmp/v$v-intoto.json"
	"$SIGNET" sign-bundle --in-toto --identity-token "$(tok)" \
	    --bundle "$tmp/v$v-intoto.json" --trusted-root "$TR" \
	    --signing-config "$cfg" "$tmp/stmt.json" >"$tmp/out" 2>&1
	rc=$?
	signed_ok "v$v-intoto"
done

# A model directory: one OMS manifest in a DSSE envelope (model.sig), with
# Rekor v1 and v2, through sign and through the conformance sign-bundle.
M=$tmp/model
mkdir -p "$M/layers"
head -c 200000 /dev/urandom > "$M/layers/0.bin"
echo '{"layers": 1}' > "$M/config.json"
for v in 1 2; do
	cfg=$V1
	[ $v = 2 ] && cfg=$V2
	rm -f "$M/model.sig"
	"$SIGNET" sign "$M" --identity-token "$(tok)" --trusted-root "$TR" \
	    --signing-config "$cfg" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "signed .*2 files" "$tmp/out" &&
	    "$SIGNET" verify "$M" --trusted-root "$TR" \
	    --certificate-identity "$EMAIL" --certificate-oidc-issuer "$ISS" \
	    >>"$tmp/out" 2>&1 && grep -q "2 entries" "$tmp/out"; then
		ok "v$v keyless model signature (DIR/model.sig)"
	else
		bad "v$v keyless model signature (exit $rc)"
	fi
done
echo changed >> "$M/config.json"
if "$SIGNET" verify "$M" --trusted-root "$TR" --certificate-identity \
    "$EMAIL" --certificate-oidc-issuer "$ISS" >"$tmp/out" 2>&1; then
	bad "a changed file fails the keyless model signature"
elif [ $? -eq 1 ] && grep -q "changed *config.json" "$tmp/out"; then
	ok "a changed file fails the keyless model signature"
else
	bad "a changed file fails the keyless model signature"
fi
rm -f "$tmp/model-cb.json"
"$SIGNET" sign-bundle --identity-token "$(tok)" --bundle "$tmp/model-cb.json" \
    --trusted-root "$TR" --signing-config "$V1" "$M" >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && "$SIGNET" verify-bundle --bundle "$tmp/model-cb.json" \
    --certificate-identity "$EMAIL" --certificate-oidc-issuer "$ISS" \
    --trusted-root "$TR" "$M" >>"$tmp/out" 2>&1; then
	ok "sign-bundle and verify-bundle take a directory"
else
	bad "sign-bundle and verify-bundle take a directory (exit $rc)"
fi

# Keys: offline signing (no network at all), logging later -------------

KEY=$ROOT/testdata/model-signing/signed/keys/certificate/signing-key.pem
PUB=$ROOT/testdata/model-signing/signed/keys/certificate/signing-key-pub.pem
# verified_key NAME [PUBKEY]: signet (log entry required) and
# @sigstore/verify accept $tmp/NAME.json for $A
verified_key() {
	pk=${2:-$PUB}
	"$SIGNET" verify "$A" --bundle "$tmp/$1.json" --trusted-root "$TR" \
	    --key "$pk" --require-tlog >>"$tmp/out" 2>&1 &&
	    (cd "$SRV" && node verify.js --trusted-root "$TR" \
	    --bundle "$tmp/$1.json" --key "$pk" "$A") >>"$tmp/out" 2>&1
}
rm -f "$tmp/off.json"
if unshare -rn "$SIGNET" sign "$A" --key "$KEY" --offline \
    --bundle "$tmp/off.json" >"$tmp/out" 2>&1 &&
    ! grep -q 'tlogEntries.*index' "$tmp/off.json" &&
    ! grep -q rfc3161 "$tmp/off.json"; then
	ok "--offline signs in a network namespace with no network"
else
	bad "--offline signs in a network namespace with no network"
fi
if unshare -rn "$SIGNET" sign "$A" --key "$KEY" --bundle "$tmp/no.json" \
    --trusted-root "$TR" --signing-config "$V1" >"$tmp/out" 2>&1; then
	bad "without --offline, signing with a key needs the network"
elif grep -q "no network: sign with --offline and log it later with signet log" \
    "$tmp/out" && [ ! -e "$tmp/no.json" ]; then
	ok "without --offline, signing with a key needs the network"
else
	bad "without --offline, signing with a key needs the network (hint)"
fi
"$SIGNET" verify "$A" --bundle "$tmp/off.json" --key "$PUB" >"$tmp/out" 2>&1 &&
    grep -q "signed offline" "$tmp/out" &&
    ! "$SIGNET" verify "$A" --bundle "$tmp/off.json" --key "$PUB" \
    --require-tlog >>"$tmp/out" 2>&1 &&
    ok "an offline bundle verifies with the key, not with --require-tlog" ||
    bad "an offline bundle verifies with the key, not with --require-tlog"
for v in 1 2; do
	cfg=$V1
	[ $v = 2 ] && cfg=$V2
	cp "$tmp/off.json" "$tmp/logged-v$v.json"
	"$SIGNET" log --key "$PUB" --trusted-root "$TR" --signing-config \
	    "$cfg" "$tmp/logged-v$v.json" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "logged and timestamped" "$tmp/out" &&
	    verified_key "logged-v$v"; then
		ok "signet log adds a Rekor v$v entry and a timestamp"
	else
		bad "signet log adds a Rekor v$v entry and a timestamp (exit $rc)"
	fi
done
cp "$tmp/logged-v1.json" "$tmp/again.json"
"$SIGNET" log --key "$PUB" --trusted-root "$TR" --signing-config "$V1" \
    "$tmp/again.json" >"$tmp/out" 2>&1 && grep -q "already logged" \
    "$tmp/out" && cmp -s "$tmp/again.json" "$tmp/logged-v1.json" &&
    ok "a logged bundle is left alone" || bad "a logged bundle is left alone"
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null |
    openssl pkey -pubout > "$tmp/other.pub"
cp "$tmp/off.json" "$tmp/wrongkey.json"
if "$SIGNET" log --key "$tmp/other.pub" --trusted-root "$TR" \
    --signing-config "$V1" "$tmp/wrongkey.json" >"$tmp/out" 2>&1; then
	bad "signet log refuses a key that did not sign the bundle"
elif grep -q "another key" "$tmp/out" && cmp -s "$tmp/wrongkey.json" \
    "$tmp/off.json"; then
	ok "signet log refuses a key that did not sign the bundle"
else
	bad "signet log refuses a key that did not sign the bundle"
fi
rm -f "$tmp/online.json"
"$SIGNET" sign "$A" --key "$KEY" --bundle "$tmp/online.json" \
    --trusted-root "$TR" --signing-config "$V2" >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && verified_key online &&
    ok "sign --key signs and logs in one go (Rekor v2)" ||
    bad "sign --key signs and logs in one go (Rekor v2, exit $rc)"
# a model signed offline, logged later; model_signing's key method either way
MK=$tmp/model-key
mkdir -p "$MK"
head -c 50000 /dev/urandom > "$MK/w.bin"
unshare -rn "$SIGNET" sign "$MK" --key "$KEY" --offline --quiet \
    >"$tmp/out" 2>&1 &&
    "$SIGNET" log --key "$PUB" --trusted-root "$TR" --signing-config \
    "$V1" "$MK/model.sig" >>"$tmp/out" 2>&1 &&
    "$SIGNET" verify "$MK" --key "$PUB" --trusted-root "$TR" \
    --require-tlog >>"$tmp/out" 2>&1 &&
    grep -q "dsse 0.0.1" "$tmp/out" &&
    ok "a model signed offline, logged later, verifies with its log entry" ||
    bad "a model signed offline, logged later, verifies with its log entry"

# cosign-format key files: signet's own, and one cosign wrote
(cd "$tmp" && SIGNET_PASSWORD=s3cret "$SIGNET" key generate -o rel \
    >"$tmp/out" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ "$(stat -c %a "$tmp/rel.key")" = 600 ] &&
    grep -q "BEGIN ENCRYPTED SIGSTORE PRIVATE KEY" "$tmp/rel.key" &&
    ! (cd "$tmp" && SIGNET_PASSWORD=x "$SIGNET" key generate -o rel) \
    >>"$tmp/out" 2>&1; then
	ok "key generate: cosign's format, mode 0600, never overwritten"
else
	bad "key generate: cosign's format, mode 0600, never overwritten"
fi
rm -f "$tmp/enc.json"
SIGNET_PASSWORD=s3cret unshare -rn "$SIGNET" sign "$A" --key "$tmp/rel.key" \
    --offline --bundle "$tmp/enc.json" >"$tmp/out" 2>&1 &&
    "$SIGNET" log --key "$tmp/rel.pub" --trusted-root "$TR" \
    --signing-config "$V1" "$tmp/enc.json" >>"$tmp/out" 2>&1 &&
    verified_key enc "$tmp/rel.pub" &&
    ok "an encrypted key file: offline, logged, verified by both" ||
    bad "an encrypted key file: offline, logged, verified by both"
# a key cosign wrote (password "hello"): signed and logged in one go; its
# public key, as Rekor recorded it, verifies the bundle and has its hint
rm -f "$tmp/cosign.json"
COSIGN_PASSWORD=hello "$SIGNET" sign "$A" --key \
    "$ROOT/testdata/keys/cosign-sigstore-label.key" --trusted-root "$TR" \
    --signing-config "$V1" --bundle "$tmp/cosign.json" >"$tmp/out" 2>&1
jq -r '.verificationMaterial.tlogEntries[0].canonicalizedBody' \
    "$tmp/cosign.json" 2>/dev/null | base64 -d 2>/dev/null |
    jq -r .spec.signature.publicKey.content 2>/dev/null |
    base64 -d > "$tmp/cosign.pub" 2>/dev/null
if [ -s "$tmp/cosign.pub" ] && verified_key cosign "$tmp/cosign.pub" &&
    [ "$(sha256sum < "$tmp/cosign.pub" | cut -d' ' -f1)" = \
    "$(jq -r .verificationMaterial.publicKey.hint "$tmp/cosign.json")" ]
then
	ok "a key cosign wrote signs and logs"
else
	bad "a key cosign wrote signs and logs"
fi

# A FIDO2-derived key, on the software authenticator (soft:DIR, test
# only): generated, signed offline, logged later, verified by both.
mkdir -p "$tmp/authn" "$tmp/other-authn"
(cd "$tmp" && "$SIGNET_T" key generate --fido2 --device "soft:$tmp/authn" \
    -o fk) >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && grep -q '"signet-fido2-key"' "$tmp/fk.key" &&
    [ "$(stat -c %a "$tmp/fk.key")" = 600 ] &&
    ok "key generate --fido2 writes fk.key (nothing secret) and fk.pub" ||
    bad "key generate --fido2 writes fk.key (nothing secret) and fk.pub"
rm -f "$tmp/fido.json"
SIGNET_FIDO2_DEVICE=soft:$tmp/authn unshare -rn "$SIGNET_T" sign "$A" \
    --key "fido2:$tmp/fk.key" --offline --bundle "$tmp/fido.json" \
    >"$tmp/out" 2>&1 &&
    "$SIGNET" log --key "fido2:$tmp/fk.key" --trusted-root "$TR" \
    --signing-config "$V2" "$tmp/fido.json" >>"$tmp/out" 2>&1 &&
    verified_key fido "$tmp/fk.pub" &&
    ok "a FIDO2 key signs offline; logged later; verified by both" ||
    bad "a FIDO2 key signs offline; logged later; verified by both"
if SIGNET_FIDO2_DEVICE=soft:$tmp/other-authn "$SIGNET_T" sign "$A" \
    --key "fido2:$tmp/fk.key" --offline --bundle "$tmp/fido2.json" \
    >"$tmp/out" 2>&1; then
	bad "another authenticator cannot sign with the key"
elif grep -q "this authenticator did not create the key" "$tmp/out" &&
    [ ! -e "$tmp/fido2.json" ]; then
	ok "another authenticator cannot sign with the key"
else
	bad "another authenticator cannot sign with the key"
fi

# sign-blob (cosign's spelling), several files share one certificate
rm -f "$tmp/blob.json"
"$SIGNET" sign-blob "$A" --yes --bundle "$tmp/blob.json" \
    --identity-token "$(tok)" --trusted-root "$TR" \
    --signing-config "$V1" >"$tmp/out" 2>&1
rc=$?
signed_ok blob
mkdir -p "$tmp/many"
for i in 1 2 3 4; do echo "file $i" > "$tmp/many/f$i"; done
"$SIGNET" sign "$tmp/many/f1" "$tmp/many/f2" "$tmp/many/f3" "$tmp/many/f4" \
    --identity-token "$(tok)" --trusted-root "$TR" --signing-config "$V1" \
    >"$tmp/out" 2>&1
rc=$?
n=$(grep -c "Fulcio certificate" "$tmp/out")
if [ "$rc" -eq 0 ] && [ "$n" -eq 1 ] &&
    [ "$(find "$tmp/many" -maxdepth 1 -name '*.sigstore.json' |
    wc -l)" -eq 4 ] &&
    "$SIGNET" verify "$tmp/many/f3" --trusted-root "$TR" \
    --certificate-identity "$EMAIL" --certificate-oidc-issuer "$ISS" \
    >>"$tmp/out" 2>&1; then
	ok "four files, one certificate"
else
	bad "four files, one certificate ($n certificates, exit $rc)"
fi

# Nothing public, nothing lost: every input and output is checked before
# a token is asked or a service contacted ---------------------------------

# requests: what the services have been asked so far (per service; the
# control API that answers is left out)
requests() {
	"$ROOT/scripts/testbed" state "$TB" | jq -c ".requests | del(.control)"
}
# untouched NAME BEFORE: refused (exit 2, no bundle, the message matches
# $want) and no service was asked anything since BEFORE
untouched() {
	if [ "$rc" -eq 2 ] && grep -Eq -- "$want" "$tmp/out" &&
	    [ "$(requests)" = "$2" ]; then
		ok "$1"
	else
		bad "$1 (exit $rc, wanted 2, /$want/, no request)"
	fi
}
T=$(tok)
cp "$A" "$tmp/self.bin"
before=$(requests)
"$SIGNET" sign "$tmp/self.bin" --bundle "$tmp/self.bin" --identity-token "$T" \
    --trusted-root "$TR" --signing-config "$V1" >"$tmp/out" 2>&1
rc=$?
want="is $tmp/self.bin, the file to sign"
if cmp -s "$A" "$tmp/self.bin"; then
	untouched "--bundle FILE (the input itself) is refused, FILE kept" \
	    "$before"
else
	bad "--bundle FILE (the input itself) is refused, FILE kept"
fi
ln -sf "$tmp/self.bin" "$tmp/self-link.json"
"$SIGNET" sign "$tmp/self.bin" --bundle "$tmp/self-link.json" \
    --identity-token "$T" --trusted-root "$TR" --signing-config "$V1" \
    >"$tmp/out" 2>&1
rc=$?
want="the file to sign"
untouched "a --bundle that is a link to FILE is refused" "$before"
"$SIGNET" sign "$A" --bundle "$tmp/no/such/dir/a.json" --identity-token "$T" \
    --trusted-root "$TR" --signing-config "$V1" >"$tmp/out" 2>&1
rc=$?
want="bundle $tmp/no/such/dir/a.json: directory $tmp/no/such/dir: No such"
untouched "a bundle in a missing directory: refused before signing" "$before"
mkdir -p "$tmp/adir"
"$SIGNET" sign "$A" --bundle "$tmp/adir" --identity-token "$T" \
    --trusted-root "$TR" --signing-config "$V1" >"$tmp/out" 2>&1
rc=$?
want="bundle $tmp/adir: is a directory"
untouched "a bundle that is a directory: refused before signing" "$before"
mkdir -p "$tmp/pre"
for i in 1 3; do echo "file $i" > "$tmp/pre/f$i"; done
"$SIGNET" sign "$tmp/pre/f1" "$tmp/pre/f2" "$tmp/pre/f3" --identity-token "$T" \
    --trusted-root "$TR" --signing-config "$V1" >"$tmp/out" 2>&1
rc=$?
want="$tmp/pre/f2: No such file"
if [ -z "$(find "$tmp/pre" -mindepth 1 -maxdepth 1 -name '*sigstore*')" ]
then
	untouched "a missing file among several: none signed, nothing sent" \
	    "$before"
else
	bad "a missing file among several: none signed, nothing sent"
fi
"$SIGNET" sign "$tmp/pre/f1" "$tmp/pre/f1" --identity-token "$T" \
    --trusted-root "$TR" --signing-config "$V1" >"$tmp/out" 2>&1
rc=$?
want="would have the same bundle"
untouched "one file given twice: refused" "$before"
"$SIGNET" sign "$tmp/pre" "$tmp/pre/f1" --identity-token "$T" \
    --trusted-root "$TR" --signing-config "$V1" >"$tmp/out" 2>&1
rc=$?
want="$tmp/pre is a directory: a model is signed alone"
untouched "a directory among files: a model is signed alone" "$before"
# a Rekor the trusted root does not know (another port of the same host)
jq '.rekorTlogUrls[0].url |= sub(":[0-9]+"; ":1")' "$V1" > "$tmp/other-rekor.json"
"$SIGNET" sign "$A" --bundle "$tmp/or.json" --identity-token "$T" \
    --trusted-root "$TR" --signing-config "$tmp/other-rekor.json" \
    >"$tmp/out" 2>&1
rc=$?
want="no transparency log at http://127.0.0.1:1.*do not belong together"
untouched "a config's Rekor unknown to the trusted root: refused first" \
    "$before"
jq '.tsaUrls[0].url |= sub(":[0-9]+"; ":1")' "$V1" > "$tmp/other-tsa.json"
"$SIGNET" sign "$A" --bundle "$tmp/ot.json" --identity-token "$T" \
    --trusted-root "$TR" --signing-config "$tmp/other-tsa.json" \
    >"$tmp/out" 2>&1
rc=$?
want="no timestamp authority at http://127.0.0.1:1"
untouched "a config's TSA unknown to the trusted root: refused first" \
    "$before"
"$SIGNET" log --key "$PUB" --trusted-root "$TR" --signing-config \
    "$tmp/other-rekor.json" "$tmp/off.json" >"$tmp/out" 2>&1
rc=$?
want="do not belong together"
untouched "signet log: a Rekor unknown to the trusted root: refused" "$before"
# several files, one fails later: the others keep their bundles
mkdir -p "$tmp/later"
for i in 1 2 3; do echo "later $i" > "$tmp/later/f$i"; done
fault rekor status status=400 count=1 message="refused for the test"
"$SIGNET" sign "$tmp/later/f1" "$tmp/later/f2" "$tmp/later/f3" \
    --identity-token "$(tok)" --trusted-root "$TR" --signing-config "$V1" \
    >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$tmp/later/f1.sigstore.json" ] &&
    grep -q "1 of 3 files not signed: $tmp/later/f1\$" "$tmp/out" &&
    "$SIGNET" verify "$tmp/later/f2" --trusted-root "$TR" \
    --certificate-identity "$EMAIL" --certificate-oidc-issuer "$ISS" \
    >>"$tmp/out" 2>&1 &&
    "$SIGNET" verify "$tmp/later/f3" --trusted-root "$TR" \
    --certificate-identity "$EMAIL" --certificate-oidc-issuer "$ISS" \
    >>"$tmp/out" 2>&1; then
	ok "one of three fails later: the others are signed, the summary names it"
else
	bad "one of three fails later: the others are signed (exit $rc)"
fi
reset
# Fulcio servers that read the token from the body only
fault fulcio body_token_only count=5
sign body-token "$V1" --identity-token "$(tok)"; rc=$?
signed_ok body-token
reset
# CI: no sign-in flow without a person; GitHub's missing permission named
GITHUB_ACTIONS=true sign gha-permission "$V1"; rc=$?
refused gha-permission 'GitHub Actions: the workflow needs "permissions: id-token: write"'
CI=true sign ci-no-flow "$V1" --oidc-issuer "$ISS"; rc=$?
refused ci-no-flow "CI is set"
before=$(requests)
sign no-terminal "$V1" --oidc-issuer "$ISS" </dev/null; rc=$?
want="no terminal"
untouched "no token and no terminal: no sign-in flow starts" "$before"
# The public log, said once on a terminal (script(1) gives one)
rm -f "$tmp/tty.json"
T=$(tok)
before=$(requests)
printf 'n\n' | script -qec "'$SIGNET' sign '$A' --bundle '$tmp/tty.json' \
    --identity-token '$T' --trusted-root '$TR' --signing-config '$V1'" \
    /dev/null >"$tmp/out" 2>&1
rc=$?
want="public transparency log"
if [ ! -e "$tmp/tty.json" ]; then
	untouched "on a terminal, no: not signed, nothing sent" "$before"
else
	bad "on a terminal, no: not signed, nothing sent"
fi
printf 'y\n' | script -qec "'$SIGNET' sign '$A' --bundle '$tmp/tty.json' \
    --identity-token '$T' --trusted-root '$TR' --signing-config '$V1'" \
    /dev/null >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$tmp/tty.json" ] &&
    [ "$(grep -c 'public transparency log' "$tmp/out")" -eq 1 ]; then
	ok "on a terminal, yes: signed, the notice said once"
else
	bad "on a terminal, yes: signed, the notice said once (exit $rc)"
fi
rm -f "$tmp/tty.json"
script -qec "'$SIGNET' sign '$A' --bundle '$tmp/tty.json' --yes \
    --identity-token '$(tok)' --trusted-root '$TR' --signing-config '$V1'" \
    /dev/null </dev/null >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$tmp/tty.json" ] &&
    ! grep -q 'public transparency log' "$tmp/out"; then
	ok "--yes: no question on a terminal"
else
	bad "--yes: no question on a terminal (exit $rc)"
fi

# sigstore-js signs, signet verifies -------------------------------------

tok > "$tmp/token"
for v in 1 2; do
	cfg=$V1
	[ $v = 2 ] && cfg=$V2
	for kind in file dsse; do
		name=js-v$v-$kind
		if [ $kind = file ]; then
			(cd "$SRV" && node sign.js --signing-config "$cfg" \
			    --token-file "$tmp/token" --out "$tmp/$name.json" \
			    "$A") >"$tmp/out" 2>&1
		else
			(cd "$SRV" && node sign.js --signing-config "$cfg" \
			    --token-file "$tmp/token" --out "$tmp/$name.json" \
			    --dsse "$tmp/stmt.json") >"$tmp/out" 2>&1
		fi
		if "$SIGNET" verify "$A" --bundle "$tmp/$name.json" \
		    --trusted-root "$TR" --certificate-identity "$EMAIL" \
		    --certificate-oidc-issuer "$ISS" >>"$tmp/out" 2>&1 &&
		    ! "$SIGNET" verify "$A" --bundle "$tmp/$name.json" \
		    --trusted-root "$TR" --certificate-identity bob@example.com \
		    --certificate-oidc-issuer "$ISS" >>"$tmp/out" 2>&1; then
			ok "$name: sigstore-js bundle verifies with signet"
		else
			bad "$name: sigstore-js bundle verifies with signet"
		fi
	done
done

# Token sources ----------------------------------------------------------

tok > "$tmp/tokfile"
sign token-file "$V1" --identity-token-file "$tmp/tokfile"; rc=$?
signed_ok token-file
sign token-as-path "$V1" --identity-token "$tmp/tokfile"; rc=$?
signed_ok token-as-path
SIGSTORE_ID_TOKEN=$(tok) sign env-token "$V1"; rc=$?
signed_ok env-token
GITLAB_CI=true SIGSTORE_ID_TOKEN=$(tok) sign gitlab "$V1" \
    --oidc-provider gitlab; rc=$?
signed_ok gitlab
ACTIONS_ID_TOKEN_REQUEST_URL=$SIGNET_TESTBED_GHA_URL \
    ACTIONS_ID_TOKEN_REQUEST_TOKEN=$SIGNET_TESTBED_GHA_TOKEN \
    sign github "$V1"; rc=$?
gha_id=$(grep -o 'https://github.com/[^ ]*' "$tmp/out" | head -n 1)
signed_ok github "${gha_id:-none}" "$SIGNET_TESTBED_GHA_ISSUER"
GCE_METADATA_HOST=$SIGNET_TESTBED_GCE_METADATA_HOST sign google "$V1" \
    --oidc-provider google; rc=$?
signed_ok google "signer@signet-testbed.iam.gserviceaccount.com" \
    "$SIGNET_TESTBED_GCE_ISSUER"
mkdir -p "$tmp/bin"
tok > "$tmp/ci-token"
printf '#!/bin/sh\ncat %s\n' "$tmp/ci-token" > "$tmp/bin/buildkite-agent"
printf '#!/bin/sh\ncat %s\n' "$tmp/ci-token" > "$tmp/bin/circleci"
chmod +x "$tmp/bin/buildkite-agent" "$tmp/bin/circleci"
PATH=$tmp/bin:$PATH BUILDKITE=true sign buildkite "$V1"; rc=$?
signed_ok buildkite
PATH=$tmp/bin:$PATH CIRCLECI=true sign circleci "$V1"; rc=$?
signed_ok circleci
ACTIONS_ID_TOKEN_REQUEST_URL=$SIGNET_TESTBED_GHA_URL \
    ACTIONS_ID_TOKEN_REQUEST_TOKEN=$SIGNET_TESTBED_GHA_TOKEN \
    sign no-ambient "$V1" --oidc-disable-ambient-providers \
    --oidc-provider github-actions; rc=$?
refused no-ambient "disabled|ambient"
ACTIONS_ID_TOKEN_REQUEST_URL=$SIGNET_TESTBED_GHA_URL \
    ACTIONS_ID_TOKEN_REQUEST_TOKEN=$SIGNET_TESTBED_GHA_TOKEN \
    sign forced-token "$V1" --oidc-provider token \
    --identity-token "$(tok)"; rc=$?
signed_ok forced-token

# Token errors
sign expired "$V1" --identity-token "$(tok expires_in=-600)"; rc=$?
refused expired "expired"
sign audience "$V1" --identity-token "$(tok aud=not-sigstore)"; rc=$?
refused audience "audience"
sign rogue "$V1" --identity-token "$(tok key=rogue)"; rc=$?
refused rogue "Fulcio .*HTTP 401"
sign unverified "$V1" --identity-token "$(tok email_verified=false)"; rc=$?
refused unverified "email_verified"

# Interactive flows: this script plays the person -------------------------

# browse NAME MODE: waits for signet's URL and opens it (curl follows the
# redirect to signet's loopback server; oob: pastes the code shown).
interactive() {
	name=$1 mode=$2
	shift 2
	rm -f "$tmp/$name.json" "$tmp/in"
	mkfifo "$tmp/in"
	"$SIGNET" sign "$A" --bundle "$tmp/$name.json" --trusted-root "$TR" \
	    --signing-config "$V1" --oidc-issuer "$ISS" "$@" \
	    <"$tmp/in" >"$tmp/out" 2>&1 &
	pid=$!
	exec 9>"$tmp/in"
	url=""
	i=0
	while [ -z "$url" ] && [ $i -lt 100 ]; do
		url=$(grep -o 'http://127.0.0.1:[0-9]*/[^ ]*' "$tmp/out" |
		    head -n 1)
		sleep 0.1
		i=$((i + 1))
	done
	case $mode in
	browser) curl -s -L -o /dev/null "$url" ;;
	device) curl -s -o /dev/null "$url" ;;
	oob) code=$(curl -s "$url" | sed -n 's/.*id="code">\([^<]*\)<.*/\1/p')
		echo "$code" >&9 ;;
	esac
	exec 9>&-
	wait $pid
	rc=$?
	rm -f "$tmp/in"
}
interactive browser browser --oidc-provider interactive
signed_ok browser
interactive oob oob --oauth-force-oob
signed_ok oob
interactive device device --oauth-device
signed_ok device
fault oidc deny path=/device method=GET
interactive device-denied device --oauth-device
refused device-denied "denied|access_denied"
reset

# Faults: a retry, or a clear error and no bundle --------------------------

fault fulcio status status=500 count=1
sign retry-500 "$V1" --identity-token "$(tok)"; rc=$?
signed_ok retry-500
fault rekor status status=429 retryAfter=1 count=1
sign retry-429 "$V1" --identity-token "$(tok)"; rc=$?
signed_ok retry-429
fault rekor2 status status=503 count=2
sign retry-503-v2 "$V2" --identity-token "$(tok)"; rc=$?
signed_ok retry-503-v2
fault fulcio status status=500 count=10
sign fulcio-down "$V1" --identity-token "$(tok)"; rc=$?
refused fulcio-down "Fulcio .*HTTP 500"
reset
fault rekor delay seconds=5 count=10
sign rekor-timeout "$V1" --identity-token "$(tok)" --timeout 1; rc=$?
refused rekor-timeout "Rekor.*(timed out|Timeout)"
reset
fault fulcio status status=400 message="bad request from the test"
sign fulcio-400 "$V1" --identity-token "$(tok)"; rc=$?
refused fulcio-400 "Fulcio .*HTTP 400: bad request from the test"
# A connection closed mid-reply is a transport error: retried.
fault fulcio truncate
sign retry-truncated "$V1" --identity-token "$(tok)"; rc=$?
signed_ok retry-truncated
for f in "fulcio garbage" "fulcio truncate mode=short" "rekor garbage" \
    "rekor2 garbage" "tsa garbage" "tsa truncate mode=short"; do
	reset
	# shellcheck disable=SC2086 # a fault and its key=value words
	fault $f
	# shellcheck disable=SC2086 # the same words, split on purpose
	set -- $f
	cfg=$V1
	[ "$1" = rekor2 ] && cfg=$V2
	sign "$1-$2" "$cfg" --identity-token "$(tok)"; rc=$?
	case $1 in
	fulcio) want=Fulcio ;; tsa) want=TSA ;; *) want=Rekor ;;
	esac
	refused "$1-$2" "$want"
done
for f in "fulcio wrong_identity:another|for mallory" \
    "fulcio wrong_issuer:issuer" "fulcio bad_sct:SCT" "fulcio no_sct:SCT" \
    "fulcio untrusted_ca:trusted root|chain" \
    "rekor bad_proof:inclusion proof" "rekor bad_set:SET" \
    "rekor bad_checkpoint:checkpoint" \
    "rekor wrong_body:tlog body" "rekor wrong_time:future|certificate" \
    "rekor2 bad_proof:inclusion proof" "rekor2 bad_checkpoint:checkpoint" \
    "rekor2 wrong_origin:origin" "rekor2 wrong_body:tlog body" \
    "tsa wrong_imprint:TSA" "tsa wrong_nonce:nonce" \
    "tsa bad_signature:timestamp" "tsa wrong_time:certificate|timestamp" \
    "tsa rejection:TSA"; do
	reset
	spec=${f%%:*}
	want=${f#*:}
	# shellcheck disable=SC2086 # a fault and its key=value words
	fault $spec
	# shellcheck disable=SC2086 # the same words, split on purpose
	set -- $spec
	cfg=$V1
	[ "$1" = rekor2 ] && cfg=$V2
	sign "$1-$2" "$cfg" --identity-token "$(tok)"; rc=$?
	refused "$1-$2" "$want"
done
reset
# A Rekor v1 checkpoint's origin is the server's own name (a pod name in
# private deployments), not the log's URL: signed by the log's key, it is
# the log's, as sigstore-go has it (Rekor v2 stays strict, above).
fault rekor wrong_origin
sign rekor-v1-other-origin "$V1" --identity-token "$(tok)"; rc=$?
signed_ok rekor-v1-other-origin
reset

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
