#!/bin/sh
# exports.sh LIB LIST [CC "FLAGS" HEADER...]: the dynamic symbols LIB
# defines must be exactly the names in LIST (one a line, sorted), and all
# of them functions: no data symbols, const tables included (libfido2's
# diff_exports.sh).  With HEADERS (the public ones), LIST must also be
# exactly the functions they declare: nothing exported that is not
# public API, nothing declared public that is not exported.  After a
# deliberate change to the public API, regenerate LIST with
#   nm -D --defined-only LIB | awk '{print $3}' | LC_ALL=C sort > LIST
set -u
lib=$1
list=$2
shift 2
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
if [ $# -gt 2 ]; then
	cc=$1
	flags=$2
	shift 2
	# Declarations "sgn_name(", not function pointer types "sgn_err (*".
	for h in "$@"; do
		# shellcheck disable=SC2086
		$cc $flags -I"$(dirname "$h")" -E -P "$h" || echo "FAILED $h"
	done | grep -oE '\bsgn_[a-z0-9_]+[[:space:]]*\(([^*]|$)|FAILED .*' |
	    sed 's/[[:space:]]*(.*$//' | LC_ALL=C sort -u > "$tmp.decl"
	if grep '^FAILED' "$tmp.decl"; then
		status=1
	elif ! LC_ALL=C sort "$list" | diff -u "$tmp.decl" - > "$tmp.diff"
	then
		echo "exports: $list differs from the functions the public" \
		    "headers declare (- declared only, + listed only):"
		grep '^[-+][^-+]' "$tmp.diff"
		status=1
	fi
fi
n=$(wc -l < "$tmp.names")
rm -f "$tmp.names" "$tmp.diff" "$tmp.data" "$tmp.decl"
[ "$status" -eq 0 ] && echo "exports: $n functions, as $list lists" \
    "${cc:+and the public headers declare}"
exit $status
