#!/bin/sh
# headers.sh CC "FLAGS" HEADER...: compiles each public header on its own,
# so that every header includes what it uses (libfido2's include_check).
set -u
cc=$1
flags=$2
shift 2
status=0
for h in "$@"; do
	# shellcheck disable=SC2086
	if ! printf '#include "%s"\n' "$(basename "$h")" |
	    $cc $flags -I"$(dirname "$h")" -std=c11 -Wall -Werror \
	    -fsyntax-only -x c -; then
		echo "headers: $h is not self-contained"
		status=1
	fi
done
[ "$status" -eq 0 ] && echo "headers: $# headers ok"
exit $status
