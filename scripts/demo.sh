#!/bin/sh
# demo.sh [SIGNET]: a guided run of signet on the production bundles
# shipped in testdata/: each kind of bundle verifies, a tampered one and a
# wrong identity are refused with the reason, and one result is shown as
# JSON.  (Keyless signing against a local Sigstore testbed joins this
# demo when the signing issue lands.)
set -u
SIGNET=${1:-build/signet}
V=testdata/vectors
C=testdata/conformance
BEACON="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
GH=https://token.actions.githubusercontent.com
V2ID="https://github.com/tkgsn/sigstore-public-good-instance-test/.github/workflows/rekor-v2.yml@refs/heads/main"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

step() {
	# step TITLE EXPECTED_EXIT COMMAND...
	title=$1 want=$2
	shift 2
	printf '\n\033[1m== %s\033[0m\n$ signet' "$title"
	for a in "$@"; do
		case $a in
		"$SIGNET") ;;
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
