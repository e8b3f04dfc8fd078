#!/bin/sh
# e2e-pkcs11.sh [SIGNET]: --key pkcs11:... end to end against SoftHSM2.
#
# A token is initialised in a temporary directory (SOFTHSM2_CONF), and
# pkcs11-tool (opensc) makes ECDSA P-256, P-384 and RSA-2048 key pairs on
# it, and p11tool (GnuTLS) an ECDSA key that may not sign (CKA_SIGN
# false) and the PEM public keys.  Each ECDSA key
# signs a file and a model directory offline; the signatures verify with
# signet (the public key read from the token, and exported as PEM) and
# with plain OpenSSL (the file itself; the model's DSSE envelope over its
# PAE); the file bundles are then logged to the local Sigstore testbed
# and verified by signet and @sigstore/verify.  The refusals: a wrong PIN
# (exit 2, nothing written, the PIN in no message), a missing object, a
# key without CKA_SIGN, a module that is not PKCS#11, a URI with an
# unknown or a duplicate attribute.  The token tests of pkcs11_test run
# against the same token (RSA-PSS signing included).
# Prints "N passed, N failed".
set -u
SIGNET=${1:-build/signet}
case $SIGNET in /*) ;; *) SIGNET=$(pwd)/$SIGNET ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRV=$ROOT/scripts/testbed-server
UNIT=${SIGNET_PKCS11_UNIT:-$(dirname "$SIGNET")/test/pkcs11_test}
: "${ASAN_OPTIONS:=exitcode=99}"
export ASAN_OPTIONS
MOD=${SIGNET_TEST_SOFTHSM:-/usr/lib/softhsm/libsofthsm2.so}
tmp=$(mktemp -d)
TB=$tmp/testbed
SIGNET_CACHE_DIR=$tmp/cache
export SIGNET_CACHE_DIR
# shellcheck source=scripts/expect.sh
. "$ROOT/scripts/expect.sh"
# The testbed starts last, after the token tests (see below); stopping
# one that never started does nothing.
trap testbed_cleanup EXIT INT TERM
# shellcheck source=scripts/node-path.sh
. "$ROOT/scripts/node-path.sh"

for t in softhsm2-util pkcs11-tool p11tool openssl jq; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "FAIL $t is missing (scripts/deps.sh installs it)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
if [ ! -f "$MOD" ]; then
	echo "FAIL $MOD is missing (Debian package softhsm2)"
	echo "0 passed, 1 failed"
	exit 1
fi

# Nothing from the caller's environment may pick a module or a PIN.
unset SIGNET_PKCS11_MODULE SIGNET_PIN SIGNET_TEST_PKCS11_URI
mkdir -p "$tmp/tokens"
SOFTHSM2_CONF=$tmp/softhsm2.conf
export SOFTHSM2_CONF
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\n%s\n' \
    "$tmp" "log.level = ERROR" > "$SOFTHSM2_CONF"
PIN=271828
printf '%s\n' "$PIN" > "$tmp/pin"
p11() {
	pkcs11-tool --module "$MOD" --token-label signet-test --login \
	    --pin "$PIN" "$@" >>"$tmp/setup.log" 2>&1
}
if ! softhsm2-util --init-token --free --label signet-test \
    --so-pin 31415926 --pin "$PIN" >"$tmp/setup.log" 2>&1 ||
    ! p11 --keypairgen --key-type EC:prime256v1 --label p256 --id 01 ||
    ! p11 --keypairgen --key-type EC:secp384r1 --label p384 --id 02 ||
    ! p11 --keypairgen --key-type rsa:2048 --label rsa --id 03 ||
    ! p11 --keypairgen --key-type EC:prime256v1 --label alwaysauth --id 05 \
    --always-auth ||
    ! GNUTLS_PIN=$PIN p11tool --provider "$MOD" --login --generate-privkey \
    ecdsa --curve secp256r1 --label nosign --mark-decrypt \
    "pkcs11:token=signet-test" >>"$tmp/setup.log" 2>&1; then
	cat "$tmp/setup.log"
	echo "0 passed, 1 failed"
	exit 1
fi
# the public keys as PEM, exported by another PKCS#11 client (GnuTLS)
for k in p256:01 p384:02 rsa:03; do
	GNUTLS_PIN=$PIN p11tool --provider "$MOD" --login --export-pubkey \
	    "pkcs11:token=signet-test;object=${k%%:*};type=private" \
	    2>>"$tmp/setup.log" | openssl pkey -pubin -out "$tmp/${k#*:}.pem" \
	    2>>"$tmp/setup.log"
done
SIGNET_PKCS11_MODULE=$MOD
export SIGNET_PKCS11_MODULE
U="pkcs11:token=signet-test"

A=$tmp/artifact.bin
head -c 100000 /dev/urandom > "$A"

# listing
if "$SIGNET" key list-pkcs11 --pin-file "$tmp/pin" >"$tmp/out" 2>&1 &&
    grep -q "^key	ECDSA P-256	signet-test	$U;object=p256;id=%01$" \
    "$tmp/out" && grep -q "ECDSA P-384	signet-test	$U;object=p384;id=%02" \
    "$tmp/out" && grep -q "RSA-2048	signet-test	$U;object=rsa;id=%03" \
    "$tmp/out" && ! grep -q nosign "$tmp/out" && ! grep -q "$PIN" "$tmp/out"
then
	ok "key list-pkcs11 lists the signing keys with their URIs"
else
	bad "key list-pkcs11 lists the signing keys with their URIs"
fi

# b64file FILE: base64 from stdin, decoded into FILE
b64file() {
	base64 -d > "$1"
}

# pae TYPE PAYLOADFILE: DSSE's pre-authentication encoding
pae() {
	printf 'DSSEv1 %d %s %d ' "$(printf %s "$1" | wc -c)" "$1" \
	    "$(wc -c < "$2")"
	cat "$2"
}

for k in p256:01:sha256 p384:02:sha384; do
	name=${k%%:*}
	rest=${k#*:}
	id=${rest%%:*}
	md=${rest#*:}
	ref="$U;object=$name?pin-source=file:$tmp/pin"
	rm -f "$tmp/$name.json"
	if unshare -rn "$SIGNET" sign "$A" --key "$ref" --offline \
	    --bundle "$tmp/$name.json" >"$tmp/out" 2>&1 &&
	    "$SIGNET" verify "$A" --bundle "$tmp/$name.json" \
	    --key "$U;object=$name" >>"$tmp/out" 2>&1 &&
	    "$SIGNET" verify "$A" --bundle "$tmp/$name.json" \
	    --key "$tmp/$id.pem" >>"$tmp/out" 2>&1; then
		ok "$name signs a file offline; signet verifies it (token, PEM)"
	else
		bad "$name signs a file offline; signet verifies it (token, PEM)"
	fi
	jq -r .messageSignature.signature "$tmp/$name.json" |
	    b64file "$tmp/$name.sig"
	if openssl dgst -"$md" -verify "$tmp/$id.pem" -signature \
	    "$tmp/$name.sig" "$A" >"$tmp/out" 2>&1; then
		ok "$name: the file's signature verifies with plain OpenSSL"
	else
		bad "$name: the file's signature verifies with plain OpenSSL"
	fi
	M=$tmp/model-$name
	mkdir -p "$M/sub"
	head -c 70000 /dev/urandom > "$M/weights.bin"
	echo '{"a":1}' > "$M/sub/config.json"
	if SIGNET_PIN=$PIN unshare -rn "$SIGNET" sign "$M" --key "$U;id=%$id" \
	    --offline >"$tmp/out" 2>&1 &&
	    "$SIGNET" verify "$M" --key "$U;object=$name" >>"$tmp/out" 2>&1 &&
	    "$SIGNET" verify "$M" --key "$tmp/$id.pem" >>"$tmp/out" 2>&1 &&
	    [ "$(jq -r .verificationMaterial.publicKey.hint \
	    "$M/model.sig")" = "$(sha256sum < "$tmp/$id.pem" |
	    cut -d' ' -f1)" ]; then
		ok "$name signs a model offline (key method, hint of the PEM)"
	else
		bad "$name signs a model offline (key method, hint of the PEM)"
	fi
	jq -r .dsseEnvelope.payload "$M/model.sig" | b64file "$tmp/payload"
	jq -r '.dsseEnvelope.signatures[0].sig' "$M/model.sig" |
	    b64file "$tmp/msig"
	pae "$(jq -r .dsseEnvelope.payloadType "$M/model.sig")" \
	    "$tmp/payload" > "$tmp/pae"
	if openssl dgst -"$md" -verify "$tmp/$id.pem" -signature "$tmp/msig" \
	    "$tmp/pae" >"$tmp/out" 2>&1 &&
	    jq -e '.predicateType == "https://model_signing/signature/v1.0"' \
	    "$tmp/payload" >/dev/null; then
		ok "$name: the model's envelope verifies with plain OpenSSL"
	else
		bad "$name: the model's envelope verifies with plain OpenSSL"
	fi
done

# a PIV-like key: CKA_ALWAYS_AUTHENTICATE, a login before each signature
rm -f "$tmp/aa.json"
if SIGNET_PIN=$PIN "$SIGNET" sign "$A" --key "$U;object=alwaysauth" \
    --offline --bundle "$tmp/aa.json" >"$tmp/out" 2>&1 &&
    "$SIGNET" verify "$A" --bundle "$tmp/aa.json" \
    --key "$U;object=alwaysauth" >>"$tmp/out" 2>&1; then
	ok "a key with CKA_ALWAYS_AUTHENTICATE signs (context-specific login)"
else
	bad "a key with CKA_ALWAYS_AUTHENTICATE signs (context-specific login)"
fi
# no module named: p11-kit's proxy, which loads Debian's softhsm2.module
if [ -f /usr/share/p11-kit/modules/softhsm2.module ]; then
	rm -f "$tmp/proxy.json"
	if env -u SIGNET_PKCS11_MODULE SIGNET_PIN=$PIN "$SIGNET" sign "$A" \
	    --key "$U;object=p256" --offline --bundle "$tmp/proxy.json" \
	    >"$tmp/out" 2>&1 &&
	    "$SIGNET" verify "$A" --bundle "$tmp/proxy.json" \
	    --key "$tmp/01.pem" >>"$tmp/out" 2>&1; then
		ok "without a module named, p11-kit's proxy reaches the token"
	else
		bad "without a module named, p11-kit's proxy reaches the token"
	fi
fi

# cosign's verb
rm -f "$tmp/blob.json"
if SIGNET_PIN=$PIN unshare -rn "$SIGNET" sign-blob "$A" \
    --key "$U;object=p384" --offline --bundle "$tmp/blob.json" \
    >"$tmp/out" 2>&1 &&
    "$SIGNET" verify "$A" --bundle "$tmp/blob.json" --key "$tmp/02.pem" \
    >>"$tmp/out" 2>&1; then
	ok "sign-blob --key pkcs11: signs; the bundle verifies with the PEM"
else
	bad "sign-blob --key pkcs11: signs; the bundle verifies with the PEM"
fi

# model_signing's pkcs11-certificate method: a certificate for the token's
# key, issued by the model_signing test CA, verified against its root
K=$ROOT/testdata/model-signing/signed/keys/certificate
printf '%s\n' "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=codeSigning" "basicConstraints=critical,CA:FALSE" \
    > "$tmp/ext.cnf"
openssl x509 -new -force_pubkey "$tmp/01.pem" -subj /CN=token-key \
    -CA "$K/int-ca-cert.pem" -CAkey "$K/int-ca-priv.pem" -days 30 \
    -extfile "$tmp/ext.cnf" -out "$tmp/tok-cert.pem" >"$tmp/out" 2>&1
M=$tmp/model-p256
if SIGNET_PIN=$PIN unshare -rn "$SIGNET" sign "$M" --key "$U;object=p256" \
    --offline --signing-certificate "$tmp/tok-cert.pem" \
    --certificate-chain "$K/int-ca-cert.pem" --signature "$tmp/cert.sig" \
    >>"$tmp/out" 2>&1 &&
    "$SIGNET" verify "$M" --signature "$tmp/cert.sig" --certificate-chain \
    "$K/ca-cert.pem" >>"$tmp/out" 2>&1 && grep -q "token-key" "$tmp/out"
then
	ok "a model signed with the certificate method verifies to the root"
else
	bad "a model signed with the certificate method verifies to the root"
fi
rm -f "$tmp/cert2.sig"
SIGNET_PIN=$PIN "$SIGNET" sign "$M" --key "$U;object=p384" --offline \
    --signing-certificate "$tmp/tok-cert.pem" --certificate-chain \
    "$K/int-ca-cert.pem" --signature "$tmp/cert2.sig" >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$tmp/cert2.sig" ]; then
	ok "a certificate for another key than the token's is refused"
else
	bad "a certificate for another key than the token's is refused ($rc)"
fi

# refusals: exit 2, a clear message, nothing written, no PIN shown
# refused NAME PATTERN SIGNET-ARGS...
refused() {
	name=$1
	pat=$2
	shift 2
	rm -f "$tmp/no.json"
	"$@" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q -- "$pat" "$tmp/out" &&
	    [ ! -e "$tmp/no.json" ] && ! grep -q 4242 "$tmp/out" &&
	    ! grep -q "$PIN" "$tmp/out"; then
		ok "$name"
	else
		echo "exit $rc" >>"$tmp/out"
		bad "$name"
	fi
}
refused "a wrong PIN: exit 2, nothing written, the PIN not shown" \
    "token signet-test: wrong PIN" env SIGNET_PIN=424242 "$SIGNET" sign \
    "$A" --key "$U;object=p256" --offline --bundle "$tmp/no.json"
refused "a wrong pin-value: a warning, exit 2, the PIN not shown" \
    "warning: pin-value puts the PIN on the command line" "$SIGNET" sign \
    "$A" --key "$U;object=p256?pin-value=424242" --offline \
    --bundle "$tmp/no.json"
refused "no PIN and no terminal: exit 2" "needs its PIN" "$SIGNET" sign \
    "$A" --key "$U;object=p256" --offline --bundle "$tmp/no.json" \
    </dev/null
refused "a pin-source file: URI with a host" "names a local absolute path" \
    "$SIGNET" sign "$A" --key \
    "$U;object=p256?pin-source=file://localhost$tmp/pin" --offline \
    --bundle "$tmp/no.json"
refused "a missing pin-source file" "No such file" "$SIGNET" sign "$A" \
    --key "$U;object=p256?pin-source=$tmp/nopin" --offline \
    --bundle "$tmp/no.json"
refused "a missing object" "no private key on the token matches" \
    env SIGNET_PIN=$PIN "$SIGNET" sign "$A" --key "$U;object=nothere" \
    --offline --bundle "$tmp/no.json"
refused "a missing token" "no token in .* matches the URI" \
    env SIGNET_PIN=$PIN "$SIGNET" sign "$A" --key \
    "pkcs11:token=other;object=p256" --offline --bundle "$tmp/no.json"
refused "a key without CKA_SIGN" "the key cannot sign (CKA_SIGN" \
    env SIGNET_PIN=$PIN "$SIGNET" sign "$A" --key "$U;object=nosign" \
    --offline --bundle "$tmp/no.json"
LIBC=$(ldd "$SIGNET" | awk '/libc\.so/ { print $3 }')
refused "a module that is not PKCS#11 (libc)" \
    "is not a PKCS#11 module (it has no C_GetFunctionList)" \
    env SIGNET_PIN=$PIN "$SIGNET" sign "$A" --key \
    "$U;object=p256?module-path=$LIBC" --offline --bundle "$tmp/no.json"
refused "a module path that is not absolute" "give an absolute path" \
    env SIGNET_PIN=$PIN "$SIGNET" sign "$A" --key \
    "$U;object=p256?module-path=libsofthsm2.so" --offline \
    --bundle "$tmp/no.json"
refused "a URI with an unknown attribute" \
    'pkcs11 URI: unknown attribute "label"' env SIGNET_PIN=$PIN "$SIGNET" \
    sign "$A" --key "$U;label=p256" --offline --bundle "$tmp/no.json"
refused "a URI with a duplicate attribute" "object given twice" \
    env SIGNET_PIN=$PIN "$SIGNET" sign "$A" --key \
    "$U;object=p256;object=p384" --offline --bundle "$tmp/no.json"
refused "a pin-value never reaches the message" "object given twice" \
    "$SIGNET" sign "$A" --key \
    "$U;object=p256;object=p384?pin-value=424242" --offline \
    --bundle "$tmp/no.json"
refused "verify --key pkcs11: with a missing object" \
    "no key on the token matches" env SIGNET_PIN=$PIN "$SIGNET" verify \
    "$A" --bundle \
    "$tmp/p256.json" --key "$U;object=nothere"
refused "RSA keys sign neither files nor models yet (pkg/sign)" \
    "ECDSA P-256, P-384 or P-521 keys only, not RSA-2048" \
    env SIGNET_PIN=$PIN "$SIGNET" sign "$A" --key "$U;object=rsa" \
    --offline --bundle "$tmp/no.json"
# SoftHSM2 has no retry counter: it never sets CKF_USER_PIN_LOCKED, so
# the lock-out is not exercised here (make test-device with a real token).

# the token tests of pkcs11_test: signer, public key, RSA-PSS
if [ -x "$UNIT" ]; then
	if SIGNET_TEST_PKCS11_URI="$U;object=p256" SIGNET_TEST_PKCS11_PIN=$PIN \
	    SIGNET_TEST_PKCS11_MODULE=$MOD SIGNET_TEST_PKCS11_RSA="$U;object=rsa" \
	    SIGNET_TEST_PKCS11_SPEND_PIN=1 \
	    "$UNIT" --filter 'pkcs11_token/*' >"$tmp/out" 2>&1 &&
	    grep -q "Tested: 3 | Passing: 3 | Failing: 0" "$tmp/out"; then
		ok "pkcs11_test's token tests pass on SoftHSM2 (ECDSA, RSA-PSS)"
	else
		bad "pkcs11_test's token tests pass on SoftHSM2 (ECDSA, RSA-PSS)"
	fi
fi

# logged to the local testbed, then verified by signet and @sigstore/verify
if [ "${SIGNET_PKCS11_NO_TESTBED:-0}" = 1 ]; then
	:
elif ! "$ROOT/scripts/testbed" start "$TB" >"$tmp/out" 2>&1; then
	bad "the local testbed starts"
else
	# the testbed writes its env when every service answers
	# shellcheck source=/dev/null
	. "$TB/env"
	TR=$SIGNET_TESTBED_TRUSTED_ROOT
	for k in p256:01 p384:02; do
		name=${k%%:*}
		id=${k#*:}
		cp "$tmp/$name.json" "$tmp/$name-logged.json"
		if "$SIGNET" log --key "$U;object=$name" --trusted-root "$TR" \
		    --signing-config "$SIGNET_TESTBED_SIGNING_CONFIG" \
		    "$tmp/$name-logged.json" >"$tmp/out" 2>&1 &&
		    "$SIGNET" verify "$A" --bundle "$tmp/$name-logged.json" \
		    --trusted-root "$TR" --key "$U;object=$name" \
		    --require-tlog >>"$tmp/out" 2>&1 &&
		    (cd "$SRV" && node verify.js --trusted-root "$TR" \
		    --bundle "$tmp/$name-logged.json" --key "$tmp/$id.pem" \
		    "$A") >>"$tmp/out" 2>&1; then
			ok "$name: logged with log --key pkcs11:, verified by signet and @sigstore/verify"
		else
			bad "$name: logged with log --key pkcs11:, verified by signet and @sigstore/verify"
		fi
	done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
