# shellcheck shell=sh
# expect.sh: sourced by the end-to-end scripts (regress.sh, e2e-model.sh,
# e2e-sign.sh, e2e-tuf.sh, e2e-tlog.sh, e2e-attest.sh, e2e-pkcs11.sh,
# e2e-cluster.sh, e2e-slurm.sh) and deps-test.sh; each ends with
# echo "$passed passed, $failed failed".
#
# expect NAME STATUS PATTERN -- COMMAND...: runs COMMAND, demands exit
# STATUS and output (stdout + stderr) matching the extended regexp
# PATTERN (empty: anything); counts into $passed and $failed.
#
# ok NAME, bad NAME: count a pass or a failure; bad shows the last
# $BAD_TAIL (default 8) lines of $tmp/out, when there is one.
#
# testbed_start [VAR=VALUE...]: with ROOT (the top of the tree), tmp (a
# temporary directory) and TB (the testbed's directory) set, starts the
# local Sigstore testbed (scripts/testbed) in $TB with those variables in
# its environment, stops it and removes $tmp and $TB on exit, and reads
# its env; if it does not start, prints its log and "0 passed, 1 failed"
# and exits 1.  The node scripts/deps.sh fetched comes first on PATH.
passed=0
failed=0

expect() {
	name=$1 want=$2 pat=$3
	shift 4
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL $name: exit $rc, wanted $want"
		printf '%s\n' "$out" | head -n 5 | sed 's/^/     /'
		failed=$((failed + 1))
	elif [ -n "$pat" ] && ! printf '%s\n' "$out" | grep -Eq -- "$pat"; then
		echo "FAIL $name: output lacks /$pat/"
		printf '%s\n' "$out" | head -n 5 | sed 's/^/     /'
		failed=$((failed + 1))
	else
		echo "ok   $name"
		passed=$((passed + 1))
	fi
}

# ok returns 0, always: CHECK && ok NAME || bad NAME relies on it.
ok() {
	echo "ok   $1"
	passed=$((passed + 1))
	return 0
}

bad() {
	echo "FAIL $1"
	if [ -n "${tmp:-}" ] && [ -f "$tmp/out" ]; then
		sed 's/^/     /' "$tmp/out" | tail -n "${BAD_TAIL:-8}"
	fi
	failed=$((failed + 1))
}

testbed_cleanup() {
	"$ROOT/scripts/testbed" stop "$TB" >/dev/null 2>&1
	rm -rf "$tmp" "$TB"
}

# shellcheck disable=SC2120 # VAR=VALUE arguments, when there are
testbed_start() {
	# shellcheck source=scripts/node-path.sh
	. "$ROOT/scripts/node-path.sh"
	trap testbed_cleanup EXIT INT TERM
	if ! env "$@" "$ROOT/scripts/testbed" start "$TB" >"$tmp/start.log" \
	    2>&1; then
		cat "$tmp/start.log"
		echo "0 passed, 1 failed"
		exit 1
	fi
	# The testbed writes its env when every service answers.
	# shellcheck source=/dev/null
	. "$TB/env"
}
