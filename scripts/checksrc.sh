#!/bin/sh
# checksrc.sh: the project's source rules (CONTRIBUTING.md), grep-based.
# Fails on banned functions, case-insensitive cJSON lookups, valueint,
# C++ comments, lines over 80 columns, and printing or exiting in pkg/.
set -u
cd "$(dirname "$0")/.." || exit 2
status=0
files=$(find pkg cmd -name '*.[ch]' | sort)

check() {
	# check DESCRIPTION PATTERN [FILES...]
	desc=$1
	pat=$2
	shift 2
	out=$(grep -nE "$pat" "$@" /dev/null | grep -v 'checksrc: allow')
	if [ -n "$out" ]; then
		echo "checksrc: $desc:"
		echo "$out" | sed 's/^/  /'
		status=1
	fi
}

# shellcheck disable=SC2086
check "banned function" \
    '(^|[^a-z_])(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok|rand)[[:space:]]*\(' \
    $files
# shellcheck disable=SC2086
check "case-insensitive cJSON lookup" 'cJSON_GetObjectItem[[:space:]]*\(' $files
# shellcheck disable=SC2086
check "cJSON valueint (use sgn_json_get_int64)" 'valueint' $files
# A "//" that is not part of a URL, outside string literals.
# shellcheck disable=SC2086 # $files: names from find, without spaces
cxx=$(grep -nE '^[^"]*(^|[^:"])//' $files /dev/null |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*\*')
if [ -n "$cxx" ]; then
	echo "checksrc: C++ comment:"
	echo "$cxx" | sed 's/^/  /'
	status=1
fi
# shellcheck disable=SC2046 # names from find, without spaces
check "memset on a secret (use sgn_memzero)" \
    'memset[[:space:]]*\([^,]*(secret|pin|token|passw|priv)' \
    $(find pkg cmd -name '*.c' | sort)
lib=$(find pkg -name '*.c' ! -name '*_test.c' ! -name '*_fuzz.c' \
    ! -name '*_bench.c' ! -name '*_tool.c' | sort)
# shellcheck disable=SC2086
check "printing or exiting inside pkg/" \
    '(^|[^a-z_])(printf|fprintf|puts|fputs|perror|exit|abort)[[:space:]]*\(' \
    $lib

long=$(for f in $files; do
	expand -t 8 "$f" | awk -v f="$f" 'length($0) > 80 {
	    printf "  %s:%d: %d columns\n", f, NR, length($0) }'
done)
if [ -n "$long" ]; then
	echo "checksrc: lines over 80 columns:"
	echo "$long"
	status=1
fi
[ "$status" -eq 0 ] && echo "checksrc: ok"
exit $status
