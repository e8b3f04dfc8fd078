#!/bin/sh
# check-product.sh [BUILD]: test code is not product.  The production
# binary $BUILD/signet and the library ($BUILD/libsignet.a, .so) must not
# hold the software authenticator of the tests (pkg/fido/testsupport) nor
# libcbor, which only it uses: no such symbol (nm) and no such string
# (the "soft:" device, its labels, libcbor's function names, its source
# file), nor the unit tests' helpers (pkg/core/testsupport: tu_*, the
# allocation-failure wrappers).  The test binary $BUILD/test/signet and
# the unit test $BUILD/test/core_test must hold them, which shows that the
# patterns find what they look for.  Prints "N passed, N failed".
set -u
BUILD=${1:-build}
passed=0
failed=0

# Symbols: the authenticator's functions, libcbor's (not libfido2's
# fido_cbor_*), the unit tests' helpers (pkg/core/testsupport: tu_*, the
# allocation-failure wrappers).  Strings: the same, and what only it says.
SYMS='(^|[^a-z_])(soft_[a-z_]+|sgn_fido_soft[a-z_]*|cbor_[a-z_]+|tu_[a-z_]+)$'
SYMS="$SYMS|^__(wrap|real)_"
STRS='soft:|softfido|software authenticator|testsupport|(^|[^a-z_])cbor_[a-z]'

found() {
	{ nm -a "$1" 2>/dev/null | awk '{ print $NF }' | grep -E "$SYMS"
	  strings -a "$1" | grep -E "$STRS"; } | sort -u | head -n 5
}

result() {
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		echo "ok $2"
	else
		failed=$((failed + 1))
		echo "FAIL $2"
	fi
}

for f in "$BUILD/signet" "$BUILD/libsignet.a" "$BUILD/libsignet.so"; do
	if [ ! -f "$f" ]; then
		result fail "$f: missing"
		continue
	fi
	hits=$(found "$f")
	if [ -z "$hits" ]; then
		result ok "$f: no software authenticator, no libcbor"
	else
		printf '%s\n' "$hits" | sed 's/^/    /'
		result fail "$f: holds test code"
	fi
done
if [ -f "$BUILD/test/signet" ] && [ -n "$(found "$BUILD/test/signet")" ]
then
	result ok "$BUILD/test/signet: the patterns find the test code"
else
	result fail "$BUILD/test/signet: the patterns find no test code"
fi
# The unit tests hold the helpers of pkg/core/testsupport (tu_*) and the
# allocation-failure wrappers: the patterns find those too.
if [ -f "$BUILD/test/core_test" ]; then
	hits=$(nm -a "$BUILD/test/core_test" 2>/dev/null | awk '{ print $NF }' |
	    grep -E "$SYMS" | grep -Ex 'tu_read|__wrap_malloc' | sort -u)
	if [ "$(printf '%s\n' "$hits" | grep -c .)" -eq 2 ]; then
		result ok "$BUILD/test/core_test: the patterns find the helpers"
	else
		result fail "$BUILD/test/core_test: no test helpers found"
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
