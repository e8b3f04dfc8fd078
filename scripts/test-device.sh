#!/bin/sh
# test-device.sh FIDO_TEST [PKCS11_TEST]: runs pkg/fido's unit tests
# (build/test/fido_test) against a real FIDO2 authenticator instead of the
# software one, and pkg/pkcs11's token tests (build/test/pkcs11_test)
# against a real PKCS#11 token.
#
#   SIGNET_TEST_FIDO_DEVICE=/dev/hidrawN   the authenticator (libfido2 path;
#                                          `signet key list-devices` shows it)
#   SIGNET_TEST_FIDO_PIN=...               its PIN, when it has one
#
# Tests that need the software authenticator's knobs (wrong PINs, removal,
# denied touches, PIN protocol choice, a second authenticator) are skipped:
# nothing here changes the key's PIN or spends its PIN retries.  Each
# generation creates a credential on the key (non-resident: nothing is
# stored on it).  Touch the key whenever it blinks.
#
# PKCS#11:
#   SIGNET_TEST_PKCS11_URI='pkcs11:token=...;object=...'   an ECDSA key
#   SIGNET_TEST_PKCS11_RSA='pkcs11:...'      an RSA key (optional)
#   SIGNET_TEST_PKCS11_MODULE=/path/to/module.so   (default: p11-kit proxy)
#   SIGNET_TEST_PKCS11_PIN=...               the user PIN
# The wrong-PIN test is skipped (it would spend a retry).
#
# Record each run here (model, firmware from `fido2-token -I`, date, result):
#   (none yet: the development machines have no security key)
set -u
bin=${1:-build/test/fido_test}
p11bin=${2:-build/test/pkcs11_test}
status=0
ran=0
if [ -n "${SIGNET_TEST_PKCS11_URI:-}" ]; then
	ran=1
	echo "test-device: PKCS#11 token tests"
	unset SIGNET_TEST_PKCS11_SPEND_PIN
	"$p11bin" --jobs=1 --verbose=1 --filter 'pkcs11_token/*' || status=1
fi
if [ -z "${SIGNET_TEST_FIDO_DEVICE:-}" ]; then
	[ "$ran" -eq 1 ] && exit $status
	echo "test-device: skipped: set SIGNET_TEST_FIDO_DEVICE=/dev/hidrawN" \
	    "(and SIGNET_TEST_FIDO_PIN when the key has a PIN), or" \
	    "SIGNET_TEST_PKCS11_URI for a PKCS#11 token"
	exit 0
fi
if [ ! -e "$SIGNET_TEST_FIDO_DEVICE" ]; then
	echo "test-device: $SIGNET_TEST_FIDO_DEVICE: no such device" >&2
	exit 2
fi
echo "test-device: $SIGNET_TEST_FIDO_DEVICE: touch the key whenever it blinks"
# One test at a time: the key serves one request at a time.
"$bin" --jobs=1 --verbose=1 || status=1
exit $status
