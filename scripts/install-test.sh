#!/bin/sh
# The sh -c scripts take their arguments as $1, $2: single quotes meant.
# shellcheck disable=SC2016
# install-test.sh MAKE BUILD: installs into a temporary DESTDIR with
# PREFIX=/opt/signet-test, then checks that signet.pc names that prefix,
# that only the public headers are installed, and that a small program
# built against the installed headers and signet.pc (-lsignet) compiles,
# links and runs.  Prints "N passed, N failed".
set -u
make=$1
build=$2
prefix=/opt/signet-test
passed=0
failed=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

check() {
	name=$1
	shift
	if "$@" > "$tmp/out" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name"
		tail -n 20 "$tmp/out"
	fi
}

check "make install into DESTDIR" "$make" -s install BUILD="$build" \
    PREFIX=$prefix DESTDIR="$tmp/root"
root=$tmp/root$prefix
pc=$root/lib/pkgconfig/signet.pc
check "signet.pc has the install prefix" grep -qx "prefix=$prefix" "$pc"
check "signet.pc has no build directory" sh -c \
    '! grep -q "$1" "$2"' sh "$build" "$pc"
# The public headers, and nothing else.
ls "$root/include/signet" > "$tmp/headers" 2>&1
printf '%s\n' bundle.h core.h keys.h manifest.h sign.h trust.h tuf.h \
    verify.h x509.h > "$tmp/want"
check "only the public headers are installed" diff -u "$tmp/want" \
    "$tmp/headers"

cat > "$tmp/prog.c" <<'PROG'
#include <stdio.h>
#include <string.h>

#include <signet/trust.h>
#include <signet/verify.h>

int
main(void)
{
	struct sgn_errbuf eb = { 0 };
	struct sgn_trusted_root *r = NULL;
	size_t n = 0;

	if (sgn_trusted_root_parse((const uint8_t *)"{}", 2, &r, &eb) !=
	    SGN_ERR_PARSE || eb.msg[0] == '\0')
		return 1;
	memset(&eb, 0, sizeof(eb));
	if (sgn_trusted_root_embedded(0, &r, &eb) != SGN_OK ||
	    sgn_trusted_root_tlogs(r, &n) == NULL || n == 0)
		return 1;
	sgn_trusted_root_free(&r);
	printf("%s %zu\n", sgn_strerror(SGN_ERR_VERIFY), n);
	return r == NULL ? 0 : 1;
}
PROG
export PKG_CONFIG_PATH="$root/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$tmp/root"
# shellcheck disable=SC2046
check "a program builds against the installed signet.pc" \
    cc -std=c11 -Wall -Werror -o "$tmp/prog" "$tmp/prog.c" \
    $(pkg-config --cflags --libs signet)
check "it links libsignet.so.0" sh -c \
    'readelf -d "$1" | grep -q "NEEDED.*\[libsignet\.so\.0\]"' sh "$tmp/prog"
check "it runs with the installed libsignet.so" sh -c \
    'LD_LIBRARY_PATH="$1/lib" "$2" | grep -Eq "^[a-z].* [1-9][0-9]*\$"' \
    sh "$root" "$tmp/prog"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
