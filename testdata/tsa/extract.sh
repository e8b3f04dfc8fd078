#!/bin/sh
# extract.sh: regenerates the binary fixtures in testdata/tsa/ from the
# JSON vectors they come from (run from the repository root; needs jq and
# base64).  For each case it writes
#   response.der   rfc3161Timestamps[0].signedTimestamp, base64-decoded
#   data.bin       the timestamped bytes: messageSignature.signature, or
#                  dsseEnvelope.signatures[0].sig, base64-decoded
#   chainN.der     timestampAuthorities[0].certChain.certificates[N]
set -eu
out=testdata/tsa
cv=testdata/conformance/bundle-verify

one() {
	name=$1 bundle=$2 root=$3
	d=$out/$name
	mkdir -p "$d"
	rm -f "$d"/*.der "$d"/*.bin
	jq -r '.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp' \
	    "$bundle" | base64 -d > "$d/response.der"
	jq -r 'if .messageSignature then .messageSignature.signature
	    else .dsseEnvelope.signatures[0].sig end' "$bundle" |
	    base64 -d > "$d/data.bin"
	n=$(jq '.timestampAuthorities[0].certChain.certificates | length' \
	    "$root")
	i=0
	while [ "$i" -lt "$n" ]; do
		jq -r ".timestampAuthorities[0].certChain.certificates[$i].rawBytes" \
		    "$root" | base64 -d > "$d/chain$i.der"
		i=$((i + 1))
	done
}

one prod-rekor-v2-hashedrekord \
    testdata/vectors/rekor-v2-hashedrekord/bundle.sigstore.json \
    testdata/vectors/trusted_root.json
for c in rekor2-happy-path rekor2-timestamp-without-embedded-cert \
    rekor2-timestamp-with-expired-cert-chain intoto-with-custom-trust-root \
    rekor2-timestamp-payload-mismatch_fail \
    rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail \
    rekor2-timestamp-outside-tsa-cert-validity_fail \
    rekor2-timestamp-with-incorrect-time_fail; do
	one "$c" "$cv/$c/bundle.sigstore.json" "$cv/$c/trusted_root.json"
done

# Fuzz seeds: every response, plus a bare rejection without a token.
seeds=testdata/fuzz/tsa_fuzz
mkdir -p "$seeds"
for d in "$out"/*/; do
	n=$(basename "$d")
	cp "$d/response.der" "$seeds/$n.der"
done
printf '\060\005\060\003\002\001\002' > "$seeds/rejection-no-token.der"
