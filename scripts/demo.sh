#!/bin/sh
# demo.sh [SIGNET]: a guided run of signet.
#
# 1. Keyless signing against the local Sigstore testbed (started here and
#    stopped at the end): a person signs in through the device flow (the
#    demo opens the sign-in page the way a browser would), then a sample
#    model directory is signed as one OpenSSF Model Signing manifest
#    (model.sig, as model_signing writes it) and verified file by file; a
#    single model file is signed with Rekor v2 and an RFC 3161 timestamp;
#    a changed file is named when the model is verified again.  The trust
#    (trusted root, signing configs) comes from the testbed's TUF
#    repository: `signet trust update`, then sign and verify use the
#    cache (in a temporary SIGNET_CACHE_DIR).
# 2. Offline verification of real production bundles shipped in
#    testdata/: each kind verifies, a tampered bundle and a wrong identity
#    are refused with the reason, one result is shown as JSON.
set -u
SIGNET=${1:-build/signet}
case $SIGNET in /*) ;; *) SIGNET=$(pwd)/$SIGNET ;; esac
V=testdata/vectors
C=testdata/conformance
BEACON="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
GH=https://token.actions.githubusercontent.com
V2ID="https://github.com/tkgsn/sigstore-public-good-instance-test/.github/workflows/rekor-v2.yml@refs/heads/main"
tmp=$(mktemp -d)
trap 'scripts/testbed stop "$tmp/testbed" >/dev/null 2>&1; rm -rf "$tmp"' \
    EXIT INT TERM
status=0

step() {
	# step TITLE EXPECTED_EXIT COMMAND...
	title=$1 want=$2
	shift 2
	printf '\n\033[1m== %s\033[0m\n$ signet' "$title"
	for a in "$@"; do
		case $a in
		"$SIGNET") ;;
		eyJ*) printf ' <identity token>' ;;	# a secret: never shown
		*" "*) printf " '%s'" "$a" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
	printf '\n'
	"$@"
	rc=$?
	echo "(exit status $rc)"
	[ "$rc" -eq "$want" ] || { echo "demo: expected exit $want"; status=1; }
}

printf '\033[1m#### Part 1: keyless signing against a local Sigstore testbed\033[0m\n'
if ! scripts/testbed start "$tmp/testbed" >"$tmp/start.log" 2>&1; then
	cat "$tmp/start.log"
	exit 1
fi
# shellcheck source=/dev/null # written by scripts/testbed start
. "$tmp/testbed/env"
echo "Testbed up on 127.0.0.1: OIDC $SIGNET_TESTBED_OIDC_ISSUER,"
echo "Fulcio $SIGNET_TESTBED_FULCIO_URL, Rekor v1 $SIGNET_TESTBED_REKOR_URL,"
echo "Rekor v2 $SIGNET_TESTBED_REKOR_V2_URL, TSA $SIGNET_TESTBED_TSA_URL,"
echo "and a TUF mirror $SIGNET_TESTBED_TUF_URL serving its trust"
SIGNET_CACHE_DIR=$tmp/cache
export SIGNET_CACHE_DIR
TUF="--tuf-url $SIGNET_TESTBED_TUF_URL --tuf-root $SIGNET_TESTBED_TUF_ROOT"
# shellcheck disable=SC2086
step "Fetch the testbed's trust through TUF (its root, as a client ships it)" 0 \
    "$SIGNET" trust update $TUF
step "What verify will trust, and why" 0 "$SIGNET" trust show \
    --tuf-root "$SIGNET_TESTBED_TUF_ROOT"

M=$tmp/models
mkdir -p "$M/llm-7b"
head -c 4000000 /dev/urandom > "$M/model.safetensors"
head -c 3000000 /dev/urandom > "$M/llm-7b/weights-00001.bin"
head -c 3000000 /dev/urandom > "$M/llm-7b/weights-00002.bin"
printf '{"architecture": "demo", "layers": 2}\n' > "$M/llm-7b/config.json"
printf '{"vocab": ["a", "b"]}\n' > "$M/llm-7b/tokenizer.json"

# The person: opens the device-flow URL that signet prints.
play_person() {
	i=0
	url=""
	while [ -z "$url" ] && [ $i -lt 200 ]; do
		url=$(grep -o 'http://127.0.0.1:[0-9]*/device[^ ]*' \
		    "$tmp/sign.log" 2>/dev/null | head -n 1)
		sleep 0.1
		i=$((i + 1))
	done
	echo "(the demo opens $url, as the person would in a browser)"
	curl -s -o /dev/null "$url"
}

printf '\n\033[1m== Sign the model directory llm-7b keyless (device-flow sign-in)\033[0m\n'
echo "\$ signet sign --oauth-device --tuf-url ... --tuf-root ... llm-7b"
# shellcheck disable=SC2086
"$SIGNET" sign --oauth-device --oidc-issuer "$SIGNET_TESTBED_OIDC_ISSUER" \
    $TUF "$M/llm-7b" </dev/null >"$tmp/sign.log" 2>&1 &
pid=$!
play_person
wait $pid
rc=$?
sed "s|$M/||g" "$tmp/sign.log"
echo "(exit status $rc)"
[ "$rc" -eq 0 ] || status=1
step "Verify the model: the signature, then every file" 0 "$SIGNET" verify \
    "$M/llm-7b" --tuf-root "$SIGNET_TESTBED_TUF_ROOT" \
    --certificate-identity "$SIGNET_TESTBED_EMAIL" \
    --certificate-oidc-issuer "$SIGNET_TESTBED_OIDC_ISSUER"
step "Its root digest, as model_signing digest prints it" 0 "$SIGNET" digest \
    --signature "$M/llm-7b/model.sig" "$M/llm-7b"
step "Sign one model file with Rekor v2 (hashedrekord 0.0.2 + RFC 3161)" 0 \
    "$SIGNET" sign "$M/model.safetensors" --bundle "$M/model.v2.json" \
    --identity-token "$(scripts/testbed token "$tmp/testbed")" \
    --rekor-v2 --tuf-url "$SIGNET_TESTBED_TUF_URL" \
    --tuf-root "$SIGNET_TESTBED_TUF_ROOT"
step "Verify the Rekor v2 bundle" 0 "$SIGNET" verify "$M/model.safetensors" \
    --bundle "$M/model.v2.json" --tuf-root "$SIGNET_TESTBED_TUF_ROOT" \
    --certificate-identity "$SIGNET_TESTBED_EMAIL" \
    --certificate-oidc-issuer "$SIGNET_TESTBED_OIDC_ISSUER"
echo tampered >> "$M/llm-7b/config.json"
echo extra > "$M/llm-7b/notes.txt"
step "Files changed or added after signing are named" 1 "$SIGNET" verify \
    "$M/llm-7b" --tuf-root "$SIGNET_TESTBED_TUF_ROOT" \
    --certificate-identity "$SIGNET_TESTBED_EMAIL" \
    --certificate-oidc-issuer "$SIGNET_TESTBED_OIDC_ISSUER"
scripts/testbed stop "$tmp/testbed" >/dev/null
echo
echo "Testbed stopped."

printf '\n\033[1m#### Part 2: offline verification of real production bundles\033[0m\n'
step "A keyless v0.3 bundle logged in Rekor v1 (production, 2024)" 0 \
    "$SIGNET" verify "$V/rekor-v1-hashedrekord/artifact" \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH"
step "A v0.1 bundle (certificate chain, inclusion promise)" 0 \
    "$SIGNET" verify "$V/rekor-v1-bundle-v0.1/artifact" \
    --bundle "$V/rekor-v1-bundle-v0.1/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH"
step "An in-toto attestation in a DSSE envelope" 0 \
    "$SIGNET" verify "$V/dsse-rekor-v1/artifact" \
    --bundle "$V/dsse-rekor-v1/bundle.sigstore.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH"
step "Rekor v2 (no log time: an RFC 3161 timestamp dates the signature)" 0 \
    "$SIGNET" verify "$V/rekor-v2-hashedrekord/artifact" \
    --bundle "$V/rekor-v2-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$V2ID" --certificate-oidc-issuer "$GH"
MS=testdata/model-signing/signed
step "A model signed by model_signing 1.1 (Sigstore production, 2025)" 0 \
    "$SIGNET" verify "$MS/v1.1.0-sigstore" \
    --certificate-identity stefanb@us.ibm.com \
    --certificate-oidc-issuer https://sigstore.verify.ibm.com/oauth2 \
    --ignore-paths "$MS/v1.1.0-sigstore/ignore-me"
digest=$(sha256sum "$C/a.txt" | cut -d' ' -f1)
step "A managed key, the artifact given by its digest" 0 \
    "$SIGNET" verify-bundle \
    --bundle "$C/bundle-verify/managed-key-happy-path/bundle.sigstore.json" \
    --key "$C/bundle-verify/managed-key-happy-path/key.pub" "sha256:$digest"
step "The wrong identity is refused" 1 \
    "$SIGNET" verify "$V/rekor-v1-hashedrekord/artifact" \
    --bundle "$V/rekor-v1-hashedrekord/bundle.sigstore.json" \
    --certificate-identity https://github.com/someone/else \
    --certificate-oidc-issuer "$GH"
sed 's/"signedEntryTimestamp": "MEYCIQD/"signedEntryTimestamp": "MEYCIQE/' \
    "$V/rekor-v1-hashedrekord/bundle.sigstore.json" > "$tmp/tampered.json"
step "A bundle whose signed entry timestamp was altered is refused" 1 \
    "$SIGNET" verify "$V/rekor-v1-hashedrekord/artifact" \
    --bundle "$tmp/tampered.json" \
    --certificate-identity "$BEACON" --certificate-oidc-issuer "$GH"
step "The same result for machines" 0 \
    "$SIGNET" verify "$V/rekor-v2-hashedrekord/artifact" --json \
    --bundle "$V/rekor-v2-hashedrekord/bundle.sigstore.json" \
    --certificate-identity "$V2ID" --certificate-oidc-issuer "$GH"
echo
if [ "$status" -eq 0 ]; then
	echo "demo: every step behaved as expected"
else
	echo "demo: some steps did not behave as expected"
fi
exit $status
