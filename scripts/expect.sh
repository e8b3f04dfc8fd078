# expect.sh: sourced by the end-to-end scripts (regress.sh, e2e-model.sh).
#
# expect NAME STATUS PATTERN -- COMMAND...: runs COMMAND, demands exit
# STATUS and output (stdout + stderr) matching the extended regexp
# PATTERN (empty: anything); counts into $passed and $failed.
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
