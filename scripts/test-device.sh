#!/bin/sh
# test-device.sh FIDO_TEST: runs pkg/fido's unit tests (build/test/fido_test)
# against a real FIDO2 authenticator instead of the software one.
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
# Record each run here (model, firmware from `fido2-token -I`, date, result):
#   (none yet: the development machines have no security key)
set -u
bin=${1:-build/test/fido_test}
if [ -z "${SIGNET_TEST_FIDO_DEVICE:-}" ]; then
	echo "test-device: skipped: set SIGNET_TEST_FIDO_DEVICE=/dev/hidrawN" \
	    "(and SIGNET_TEST_FIDO_PIN when the key has a PIN)"
	exit 0
fi
if [ ! -e "$SIGNET_TEST_FIDO_DEVICE" ]; then
	echo "test-device: $SIGNET_TEST_FIDO_DEVICE: no such device" >&2
	exit 2
fi
echo "test-device: $SIGNET_TEST_FIDO_DEVICE: touch the key whenever it blinks"
# One test at a time: the key serves one request at a time.
exec "$bin" --jobs=1 --verbose=1
