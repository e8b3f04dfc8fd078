#!/bin/sh
# verify-only.sh MAKE DIR: builds `make VERIFY_ONLY=1 BUILD=DIR` and checks
# that DIR/signet verifies (the conformance suite's verification cases)
# and does nothing else: no libcurl, libfido2 or libcbor in it, no network
# client or authenticator code linked, the other commands refused with
# exit 2.  Prints "N passed, N failed".
set -u
make=$1
dir=$2
bin=$dir/signet
passed=0
failed=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

ok() {
	passed=$((passed + 1))
}

fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}

if ! "$make" -s VERIFY_ONLY=1 BUILD="$dir" "$bin" > "$tmp/build" 2>&1; then
	tail -n 30 "$tmp/build"
	fail "make VERIFY_ONLY=1 BUILD=$dir $bin"
	echo "$passed passed, $failed failed"
	exit 1
fi
ok

# Neither linked (NEEDED) nor loadable (the dlopen names), nor our code
# for them: pkg/http, the fido loader and authenticators, signing.
if readelf -d "$bin" | grep -Ei 'NEEDED.*(curl|fido|cbor)'; then
	fail "$bin links libcurl, libfido2 or libcbor"
else
	ok
fi
if grep -aEq 'libcurl\.so|libfido2\.so|libcbor\.so' "$bin"; then
	fail "$bin names libcurl, libfido2 or libcbor (dlopen)"
else
	ok
fi
nm "$bin" | awk '{ print $NF }' | grep -E '^(curl_|fido_|cbor_|sgn_http_|sgn_fido_(dl|signer|soft|list_devices|generate)|sgn_oidc_|sgn_fulcio_|sgn_sign_|sgn_rekor_upload|sgn_tsa_request|sgn_p11_)' \
    > "$tmp/syms"
if [ -s "$tmp/syms" ]; then
	fail "$bin has network or FIDO2 symbols: $(head -n 5 "$tmp/syms" |
	    tr '\n' ' ')"
else
	ok
fi

# The verification suite.
out=$(scripts/conformance "$bin" testdata/conformance/bundle-verify 2>&1)
line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' |
    tail -n 1)
case $line in
[1-9]*" passed, 0 failed") ok ;;
*)	printf '%s\n' "$out" | tail -n 20
	fail "conformance on $bin: ${line:-no summary}" ;;
esac

# The rest is refused: exit 2 and one line saying why.
export HOME="$tmp/home" SIGNET_CACHE_DIR="$tmp/cache"
mkdir -p "$HOME"
for args in "sign README.md" "sign-blob README.md" "sign-bundle" \
    "log x.sigstore.json" "key generate" "key list-devices" \
    "key list-pkcs11" "tlog info" \
    "trust update"; do
	# shellcheck disable=SC2086
	"$bin" $args > "$tmp/out" 2> "$tmp/err" < /dev/null
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
	    grep -q 'this signet was built to verify only' "$tmp/err"; then
		ok
	else
		fail "signet $args: exit $rc: $(head -n 2 "$tmp/err")"
	fi
done
# A PKCS#11 key: not in this build (the exported PEM is the way).
"$bin" verify README.md --bundle x.sigstore.json --key \
    'pkcs11:token=t;object=k' > "$tmp/out" 2> "$tmp/err" < /dev/null
rc=$?
if [ "$rc" -eq 2 ] && grep -q 'not available in the verify-only build' \
    "$tmp/err"; then
	ok
else
	fail "verify --key pkcs11: exit $rc: $(head -n 2 "$tmp/err")"
fi
# Trust from what is at hand still works (the built-in root here).
if "$bin" trust show > "$tmp/out" 2>&1 && grep -qi 'built-in' "$tmp/out"
then
	ok
else
	fail "signet trust show: $(head -n 3 "$tmp/out")"
fi
echo "verify-only: $bin is $(wc -c < "$bin") bytes (full: $(wc -c \
    < build/signet 2>/dev/null || echo '?'))"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
