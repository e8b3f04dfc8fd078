#!/bin/sh
# run-tests.sh TEST_BIN...: runs each Criterion unit-test binary, then the
# CLI regress script, the conformance suite and the signing and TUF
# end-to-end tests against $BUILD/signet (those that need a security key
# against the test binary $BUILD/test/signet), checks that $BUILD/signet
# and libsignet hold no test code (check-product.sh), and prints one
# closing line "N passed, N failed" (tests counted across all of them).  Exit status 0
# only if everything passed.
set -u
BUILD=${BUILD:-build}
passed=0
failed=0
status=0

for t in "$@"; do
	name=$(basename "$t")
	out=$("$t" 2>&1)
	rc=$?
	line=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -n 1)
	tested=$(printf '%s' "$line" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
	pass=$(printf '%s' "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	if [ -z "$tested" ] || [ -z "$pass" ]; then
		printf '%s\n' "$out"
		echo "$name: no Criterion summary (exit $rc)"
		failed=$((failed + 1))
		status=1
		continue
	fi
	# Criterion counts a test whose child leaked (LeakSanitizer) or hit
	# a sanitizer report as passed: such a report fails the binary.
	if printf '%s\n' "$out" | grep -Eq \
	    'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:'; then
		printf '%s\n' "$out" | grep -E -A 15 \
		    'ERROR: [A-Za-z]+Sanitizer|runtime error:' | head -n 60
		echo "$name: sanitizer report"
		pass=$((pass - 1))
		[ "$pass" -lt 0 ] && pass=0
		rc=1
	fi
	passed=$((passed + pass))
	failed=$((failed + tested - pass))
	if [ "$rc" -ne 0 ] || [ "$tested" -ne "$pass" ]; then
		printf '%s\n' "$out" | grep -v '^\[----\]   ' | tail -n 40
		status=1
	fi
	echo "$name: $line"
done

# End-to-end scripts print their own "N passed, N failed" line (e2e-sign
# e2e-tuf, e2e-tlog, e2e-attest and e2e-pkcs11 start and stop their own
# local Sigstore testbed).
for s in product regress e2e-model e2e-cluster e2e-slurm conformance \
    e2e-sign e2e-tuf e2e-tlog e2e-attest e2e-pkcs11; do
	case $s in
	product) [ -x scripts/check-product.sh ] || continue
		out=$(scripts/check-product.sh "$BUILD" 2>&1) ;;
	regress) [ -x scripts/regress.sh ] || continue
		out=$(scripts/regress.sh "$BUILD/signet" 2>&1) ;;
	e2e-model) [ -x scripts/e2e-model.sh ] || continue
		out=$(scripts/e2e-model.sh "$BUILD/signet" 2>&1) ;;
	e2e-cluster) [ -x scripts/e2e-cluster.sh ] || continue
		out=$(scripts/e2e-cluster.sh "$BUILD/signet" 2>&1) ;;
	e2e-slurm) [ -x scripts/e2e-slurm.sh ] || continue
		out=$(scripts/e2e-slurm.sh "$BUILD/signet" 2>&1) ;;
	e2e-sign) [ -x scripts/e2e-sign.sh ] || continue
		out=$(scripts/e2e-sign.sh "$BUILD/signet" 2>&1) ;;
	e2e-tuf) [ -x scripts/e2e-tuf.sh ] || continue
		out=$(scripts/e2e-tuf.sh "$BUILD/signet" 2>&1) ;;
	e2e-tlog) [ -x scripts/e2e-tlog.sh ] || continue
		out=$(scripts/e2e-tlog.sh "$BUILD/signet" 2>&1) ;;
	e2e-attest) [ -x scripts/e2e-attest.sh ] || continue
		out=$(scripts/e2e-attest.sh "$BUILD/signet" 2>&1) ;;
	e2e-pkcs11) [ -x scripts/e2e-pkcs11.sh ] || continue
		out=$(scripts/e2e-pkcs11.sh "$BUILD/signet" 2>&1) ;;
	conformance) [ -x scripts/conformance ] || continue
		out=$(scripts/conformance "$BUILD/signet" \
		    testdata/conformance/bundle-verify 2>&1) ;;
	esac
	rc=$?
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' |
	    tail -n 1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out" | tail -n 40
		echo "$s: no summary (exit $rc)"
		failed=$((failed + 1))
		status=1
		continue
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
		# each failure with the indented lines that explain it
		printf '%s\n' "$out" | awk '/FAIL|fail/ { ctx = 1; print; next }
		    ctx && /^     / { print; next } { ctx = 0 }' | head -n 80
		status=1
	fi
	echo "$s: $line"
done

echo "$passed passed, $failed failed"
exit $status
