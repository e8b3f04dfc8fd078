#!/bin/sh
# exports.sh LIB LIST: the dynamic symbols LIB defines must be exactly the
# names in LIST (one a line, sorted), and all of them functions: no data
# symbols, const tables included (libfido2's diff_exports.sh).  After a
# deliberate change to the public API, regenerate LIST with
#   nm -D --defined-only LIB | awk '{print $3}' | sort > LIST
set -u
lib=$1
list=$2
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
status=0
if ! nm -D --defined-only "$lib" > "$tmp"; then
	echo "exports: cannot read the symbols of $lib"
	exit 1
fi
# Type T is a function in .text; anything else (D, B, R, V, ...) is data.
if awk 'NF == 3 && $2 != "T" { print "  " $3 " (" $2 ")"; bad = 1 }
    END { exit !bad }' "$tmp" > "$tmp.data"; then
	echo "exports: $lib exports data symbols:"
	cat "$tmp.data"
	status=1
fi
awk 'NF == 3 { print $3 }' "$tmp" | LC_ALL=C sort > "$tmp.names"
if ! LC_ALL=C sort "$list" | diff -u - "$tmp.names" > "$tmp.diff"; then
	echo "exports: $lib's exported set differs from $list" \
	    "(- missing, + new):"
	grep '^[-+][^-+]' "$tmp.diff"
	status=1
fi
n=$(wc -l < "$tmp.names")
rm -f "$tmp.names" "$tmp.diff" "$tmp.data"
[ "$status" -eq 0 ] && echo "exports: $n functions, as $list lists"
exit $status
