#!/bin/sh
# fuzz-test.sh: scripts/fuzz.sh counts a harness that fails as failed, in
# replay and in run mode (run mode once took the status of the rm after
# the fuzzer and called every harness ok), against fake harnesses.
# Prints "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=scripts/expect.sh
. "$ROOT/scripts/expect.sh"

mkdir -p "$tmp/good" "$tmp/bad" "$tmp/corpus/x_fuzz"
echo seed >"$tmp/corpus/x_fuzz/seed1"
printf '#!/bin/sh\nexit 0\n' >"$tmp/good/x_fuzz"
printf '#!/bin/sh\necho "==1== ERROR: AddressSanitizer: boom"\nexit 99\n' \
    >"$tmp/bad/x_fuzz"
chmod +x "$tmp/good/x_fuzz" "$tmp/bad/x_fuzz"

for m in replay run; do
	expect "$m: a harness that passes is ok" 0 \
	    "x_fuzz: ok \(1 seeds\).*|1 passed, 0 failed" -- \
	    "$ROOT/scripts/fuzz.sh" "$m" "$tmp/good" "$tmp/corpus" 1
	expect "$m: a harness that fails is counted failed" 1 \
	    "x_fuzz: FAILED \(exit 99\)" -- \
	    "$ROOT/scripts/fuzz.sh" "$m" "$tmp/bad" "$tmp/corpus" 1
	expect "$m: its closing line says so" 1 "^0 passed, 1 failed$" -- \
	    "$ROOT/scripts/fuzz.sh" "$m" "$tmp/bad" "$tmp/corpus" 1
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
