#!/bin/sh
# fuzz.sh replay BUILD_DIR CORPUS_DIR: runs every libFuzzer harness in
#   BUILD_DIR once over each file of CORPUS_DIR/<harness>/ (no mutation).
# fuzz.sh run BUILD_DIR CORPUS_DIR SECONDS: fuzzes each harness for
#   SECONDS, adding new inputs to a scratch copy of its corpus.
# Prints "N passed, N failed" (one per harness).
set -u
mode=$1
bin=$2
corpus=$3
secs=${4:-60}
passed=0
failed=0
: "${ASAN_OPTIONS:=exitcode=99}"
export ASAN_OPTIONS
for h in "$bin"/*_fuzz; do
	[ -x "$h" ] || continue
	name=$(basename "$h")
	dir=$corpus/$name
	if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir")" ]; then
		echo "fuzz: $name has no seed corpus in $dir"
		failed=$((failed + 1))
		continue
	fi
	if [ "$mode" = replay ]; then
		out=$("$h" -runs=0 "$dir" 2>&1)
		rc=$?
	else
		scratch=$(mktemp -d)
		cp "$dir"/* "$scratch"/
		out=$("$h" -max_total_time="$secs" -timeout=10 \
		    -rss_limit_mb=2048 "$scratch" "$dir" 2>&1)
		rc=$?
		rm -rf "$scratch"
	fi
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "fuzz: $name: ok ($(find "$dir" -mindepth 1 -maxdepth 1 \
		    ! -name '.*' | wc -l) seeds)"
	else
		failed=$((failed + 1))
		printf '%s\n' "$out" | tail -n 30
		echo "fuzz: $name: FAILED (exit $rc)"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
