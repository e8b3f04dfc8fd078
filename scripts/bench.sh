#!/bin/sh
# bench.sh [BUILD]: verification speed, as figures and as ratios to a
# reference measured in the same run (machines here are shared and noisy).
#
# 1. Wall time of one `signet verify` process, start-up included, over a
#    production bundle (embedded trusted root), against one
#    `openssl dgst -sha256` process on the same artifact.
# 2. Verifications per second through the library in one process on one
#    core (pkg/verify/verify_bench.c), against raw ECDSA P-256 verifies.
#
# Goals (issue 2): one verification under 10 ms of wall time; 2,000
# verifications per second on one core.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/node-path.sh
. "$ROOT/scripts/node-path.sh"
RUNS=${BENCH_RUNS:-200}
C=testdata/conformance
V=testdata/vectors
BEACON="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
GH=https://token.actions.githubusercontent.com
V2ID="https://github.com/tkgsn/sigstore-public-good-instance-test/.github/workflows/rekor-v2.yml@refs/heads/main"
SIGNET=$BUILD/signet

ms() {
	# ms START END RUNS: milliseconds per run
	awk -v a="$1" -v b="$2" -v n="$3" \
	    'BEGIN { printf "%.2f", (b - a) / n / 1e6 }'
}

# time_loop RUNS CMD...: total nanoseconds for RUNS sequential runs
time_loop() {
	n=$1
	shift
	t0=$(date +%s%N)
	i=0
	while [ "$i" -lt "$n" ]; do
		"$@" >/dev/null 2>&1 || { echo "bench: $* failed" >&2; exit 1; }
		i=$((i + 1))
	done
	t1=$(date +%s%N)
	echo "$t0 $t1"
}

cli() {
	# cli NAME BUNDLE ARTIFACT IDENTITY
	set -- "$1" "$2" "$3" "$4"
	"$SIGNET" verify --bundle "$2" --certificate-identity "$4" \
	    --certificate-oidc-issuer "$GH" "$3" >/dev/null ||
	    { echo "bench: $1 does not verify" >&2; exit 1; }
	# warm the page cache, then interleave to share the noise
	time_loop 5 "$SIGNET" verify --bundle "$2" \
	    --certificate-identity "$4" --certificate-oidc-issuer "$GH" \
	    "$3" >/dev/null
	# shellcheck disable=SC2046 # time_loop prints figures to split
	set -- "$1" "$2" "$3" "$4" \
	    $(time_loop "$RUNS" openssl dgst -sha256 "$3") \
	    $(time_loop "$RUNS" "$SIGNET" verify --bundle "$2" \
	    --certificate-identity "$4" --certificate-oidc-issuer "$GH" "$3")
	ref=$(ms "$5" "$6" "$RUNS")
	own=$(ms "$7" "$8" "$RUNS")
	ratio=$(awk -v a="$own" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')
	printf '%-26s %6s ms per process (openssl dgst: %s ms; ratio %s)\n' \
	    "$1:" "$own" "$ref" "$ratio"
}

echo "== signet verify, one process each (start-up included), $RUNS runs"
cli "Rekor v1 bundle v0.3" "$C/bundle-verify/happy-path-v0.3/bundle.sigstore.json" \
    "$C/a.txt" "$BEACON"
cli "Rekor v2 bundle + RFC 3161" "$V/rekor-v2-hashedrekord/bundle.sigstore.json" \
    "$V/rekor-v2-hashedrekord/artifact" "$V2ID"
echo
echo "== through the library, one process, one core"
echo "Rekor v1 bundle v0.3:"
"$BUILD/bench/verify_bench" - \
    "$C/bundle-verify/happy-path-v0.3/bundle.sigstore.json" "$C/a.txt" \
    "$BEACON" "$GH" 2
echo "Rekor v2 bundle + RFC 3161 timestamp:"
"$BUILD/bench/verify_bench" - "$V/rekor-v2-hashedrekord/bundle.sigstore.json" \
    "$V/rekor-v2-hashedrekord/artifact" "$V2ID" "$GH" 2
echo
echo "== signet tlog from tiles in memory, one process, one core (issue 12)"
"$BUILD/bench/tlog_bench" "$V/rekor-v2-hashedrekord/bundle.sigstore.json"

# 5. Hostile input: peak memory of one `signet verify` refusing 16 MiB
#    bundles and model signatures built to cost memory (cJSON spends about
#    80 bytes on each JSON value).  Goal: under 64 MiB plus the size of
#    the input.
hz=$(mktemp -d)
trap 'rm -rf "$hz"' EXIT
python3 - "$hz" "$V/rekor-v1-hashedrekord" \
    testdata/model-signing/signed/v1.1.0-elliptic-key/model.sig <<'PY'
import base64, json, os, sys
d, vec, sig = sys.argv[1:4]
M = 16 << 20
def put(name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
def zeros(n, pad=0):
    one = b"0," + b" " * pad
    return b"[" + one * (n // len(one) - 1) + b"0]"
# the bundle: as many values as fit, nesting as deep as fits, and the
# worst that passes the value cap (2^18 values, each a 62-byte string)
put("zeros.json", zeros(M - 2))
put("deep.json", b"[" * M)
n = (1 << 18) - 1
put("strings.json", b"[" + b",".join([b'"' + b"a" * 61 + b'"'] * n) + b"]")
# a model: one file; model.sig of zeros, and a model.sig whose statement
# (the DSSE payload, 12 MiB) is zeros at one value per 24 bytes, the most
# a statement of its size may hold
os.makedirs(os.path.join(d, "model"))
put("model/w.bin", b"x")
put("model/model.sig", zeros(M - 2))
b = json.load(open(sig))
b["dsseEnvelope"]["payload"] = base64.b64encode(
    zeros(M * 3 // 4 - 4096, 22)).decode()
put("statement.sig", json.dumps(b).encode())
PY
# hostile NAME FILE CMD...: peak RSS of CMD, which must refuse FILE
hostile() {
	name=$1 f=$2
	shift 2
	if /usr/bin/time -f '%M' -o "$hz/rss" "$@" >/dev/null 2>&1; then
		echo "bench: $name was accepted" >&2
		exit 1
	fi
	awk -v rss="$(tail -n 1 "$hz/rss")" -v insz="$(wc -c < "$f")" \
	    -v name="$name" 'BEGIN {
		mib = rss / 1024; inp = insz / 1048576; budget = 64 + inp;
		printf "%-32s peak %6.1f MiB; budget 64 + %.1f MiB input = " \
		    "%.1f MiB: %s\n", name ":", mib, inp, budget,
		    mib <= budget ? "within" : "OVER" }'
}
echo
echo "== signet verify refusing hostile 16 MiB inputs: peak memory"
for f in zeros deep strings; do
	hostile "bundle ($f)" "$hz/$f.json" "$SIGNET" verify \
	    --bundle "$hz/$f.json" --certificate-identity "$BEACON" \
	    --certificate-oidc-issuer "$GH" "$V/rekor-v1-hashedrekord/artifact"
done
hostile "model.sig (zeros), 1-file model" "$hz/model/model.sig" \
    "$SIGNET" verify "$hz/model" \
    --key testdata/model-signing/signed/keys/certificate/signing-key-pub.pem
hostile "model.sig (statement of zeros)" "$hz/statement.sig" \
    "$SIGNET" verify "$hz/model" --signature "$hz/statement.sig" \
    --key testdata/model-signing/signed/keys/certificate/signing-key-pub.pem
rm -rf "$hz"

# 3. Keyless signing of a large file against the local testbed: wall time
#    as a ratio to sha256sum of the same file in the same run (goal: under
#    1.2), and peak memory (goal: under 32 MiB, whatever the file size).
SIZE_MB=${BENCH_SIGN_MB:-1024}
tb=$(mktemp -d)
trap 'scripts/testbed stop "$tb/tb" >/dev/null 2>&1; rm -rf "$tb"' EXIT
scripts/testbed start "$tb/tb" >/dev/null
# shellcheck source=/dev/null # written by scripts/testbed start
. "$tb/tb/env"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$tb/big"
sha256sum "$tb/big" >/dev/null	# both runs then read from the page cache
t0=$(date +%s%N)
sha256sum "$tb/big" >/dev/null
t1=$(date +%s%N)
tok=$(scripts/testbed token "$tb/tb")
/usr/bin/time -f '%e %M' -o "$tb/time" "$SIGNET" sign "$tb/big" --quiet \
    --bundle "$tb/big.json" --identity-token "$tok" \
    --trusted-root "$SIGNET_TESTBED_TRUSTED_ROOT" \
    --signing-config "$SIGNET_TESTBED_SIGNING_CONFIG"
t2=$(date +%s%N)
"$SIGNET" verify "$tb/big" --bundle "$tb/big.json" \
    --trusted-root "$SIGNET_TESTBED_TRUSTED_ROOT" \
    --certificate-identity "$SIGNET_TESTBED_EMAIL" \
    --certificate-oidc-issuer "$SIGNET_TESTBED_OIDC_ISSUER" >/dev/null
echo
echo "== signet sign of a $SIZE_MB MiB file (local testbed, Rekor v1 + TSA)"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v rss="$(cut -d' ' -f2 "$tb/time")" \
    'BEGIN { ref = (b - a) / 1e9; own = (c - b) / 1e9;
    printf "sha256sum: %.2f s; signet sign: %.2f s; ratio %.2f; " \
    "peak memory %.1f MiB\n", ref, own, own / ref, rss / 1024 }'

# 6. Trust through TUF (issue 9), against the testbed's TUF mirror.  One
#    `signet verify` process taking its trust from the TUF cache (the
#    cached metadata verified from the root at every run, then the trusted
#    root read and hashed), as a ratio to the same verification with that
#    trusted root given as a file (which costs what the built-in root
#    costs: one trusted_root.json parsed; a testbed bundle cannot verify
#    under the built-in production root).  Goal: at most 1.2.  Then an
#    update against an unchanged repository: the requests it makes (goal:
#    one, the timestamp) and its wall time (goal: under 50 ms).
TUFOPT="--tuf-root $SIGNET_TESTBED_TUF_ROOT --cache-dir $tb/tuf"
# shellcheck disable=SC2086
"$SIGNET" trust update --tuf-url "$SIGNET_TESTBED_TUF_URL" $TUFOPT >/dev/null
# shellcheck disable=SC2086
"$SIGNET" trust export $TUFOPT --trusted-root-out "$tb/tr.json"
head -c 1000 /dev/urandom > "$tb/small"
"$SIGNET" sign "$tb/small" --bundle "$tb/small.json" --quiet \
    --identity-token "$(scripts/testbed token "$tb/tb")" \
    --trusted-root "$tb/tr.json" \
    --signing-config "$SIGNET_TESTBED_SIGNING_CONFIG"
vfy() {
	# shellcheck disable=SC2068
	"$SIGNET" verify "$tb/small" --bundle "$tb/small.json" \
	    --certificate-identity "$SIGNET_TESTBED_EMAIL" \
	    --certificate-oidc-issuer "$SIGNET_TESTBED_OIDC_ISSUER" $@
}
# shellcheck disable=SC2086
vfy $TUFOPT --offline-trust >/dev/null 2>&1 ||
    { echo "bench: verify with trust from the TUF cache failed" >&2; exit 1; }
# shellcheck disable=SC2086
time_loop 5 vfy $TUFOPT --offline-trust >/dev/null
# shellcheck disable=SC2046,SC2086 # figures and options, split on purpose
set -- $(time_loop "$RUNS" vfy --trusted-root "$tb/tr.json") \
    $(time_loop "$RUNS" vfy $TUFOPT --offline-trust)
echo
echo "== trust through TUF (local testbed mirror), $RUNS runs"
awk -v ref="$(ms "$1" "$2" "$RUNS")" -v own="$(ms "$3" "$4" "$RUNS")" \
    'BEGIN { printf "verify, trust from the TUF cache: %.2f ms per " \
    "process; with the trusted root as a file: %.2f ms; ratio %.2f " \
    "(goal <= 1.2)\n", own, ref, own / ref }'
since=$(date +%s%3N)
# shellcheck disable=SC2086
"$SIGNET" trust update --tuf-url "$SIGNET_TESTBED_TUF_URL" $TUFOPT >/dev/null
nreq=$(curl -s "$SIGNET_TESTBED_CONTROL_URL/requests?service=tuf&since=$since" |
    jq length)
UPD=$((RUNS / 10 + 1))
# shellcheck disable=SC2046,SC2086 # figures and options, split on purpose
set -- $(time_loop "$UPD" "$SIGNET" trust update \
    --tuf-url "$SIGNET_TESTBED_TUF_URL" $TUFOPT)
echo "trust update, unchanged repository: $nreq request(s) (goal 1);" \
    "$(ms "$1" "$2" "$UPD") ms per process (goal < 50 ms)"

# 4. Hashing a model (signet digest), warm page cache: throughput next to
#    the machine's limit measured in the same run (single-core `openssl
#    speed -evp sha256` at 16 KiB blocks, times the cores signet uses) and
#    next to sha256sum of the same files; files per second on a directory
#    of 100,000 small files; peak memory of each.  Goals (issue 4): at
#    least 85% of the limit on the large files, 50,000 small files a
#    second, peak memory under 64 MiB.  Best of five runs each.
MODEL_MB=${BENCH_MODEL_MB:-1024 768 512 256}
SMALL=${BENCH_SMALL_FILES:-100000}
md=$(mktemp -d)
trap 'scripts/testbed stop "$tb/tb" >/dev/null 2>&1; rm -rf "$tb" "$md"' EXIT
mkdir -p "$md/large" "$md/small"
total=0
for s in $MODEL_MB; do
	head -c $((s * 1024 * 1024)) /dev/urandom > "$md/large/w$s.bin"
	total=$((total + s * 1024 * 1024))
done
# d000/f00000 ... d099/f99999, 64 to 575 bytes each, the same every run
"$BUILD/tools/mkfiles" -p 1000 -r "$md/small" "$SMALL"
cat "$md"/large/* >/dev/null
cores=$(nproc)
# best TIMEFILE CMD...: best wall time (s) and its peak RSS (KiB) of
# $BENCH_BEST runs (default 5: the machine is shared)
best() {
	out=$1
	shift
	: > "$out.all"
	for i in $(seq "${BENCH_BEST:-5}"); do
		b0=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$out.one" "$@" >/dev/null
		b1=$(date +%s%N)
		echo "$(awk -v a="$b0" -v b="$b1" 'BEGIN { print (b - a) / 1e9 }'
		    ) $(cat "$out.one")" >> "$out.all"
	done
	sort -n "$out.all" | head -n 1 > "$out"
}
speed=$(openssl speed -seconds 3 -bytes 16384 -evp sha256 2>/dev/null |
    awk '/^sha256/ { sub(/k$/, "", $2); print $2 * 1000 }')
best "$md/t-large" "$SIGNET" digest --quiet "$md/large"
t0=$(date +%s%N)
sha256sum "$md"/large/* >/dev/null
t1=$(date +%s%N)
best "$md/t-small" "$SIGNET" digest --quiet "$md/small"
echo
echo "== signet digest of a model (warm cache, $cores cores, best of ${BENCH_BEST:-5})"
awk -v total="$total" -v speed="$speed" -v cores="$cores" \
    -v sum="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')" \
    -v t="$(cut -d' ' -f1 "$md/t-large")" \
    -v rss="$(cut -d' ' -f2 "$md/t-large")" -v files="$(echo "$MODEL_MB" |
    wc -w)" 'BEGIN {
	limit = speed * cores;
	printf "large files (%d, %.0f MiB): %.3f s, %.0f MB/s; limit %.0f " \
	    "MB/s (openssl speed %.0f MB/s x %d cores): %.0f%% of the " \
	    "limit; sha256sum %.2f s (signet %.1fx faster); peak memory " \
	    "%.1f MiB\n", files, total / 1048576, t, total / t / 1e6,
	    limit / 1e6, speed / 1e6, cores, 100 * (total / t) / limit, sum,
	    sum / t, rss / 1024 }'
awk -v n="$SMALL" -v t="$(cut -d' ' -f1 "$md/t-small")" \
    -v rss="$(cut -d' ' -f2 "$md/t-small")" 'BEGIN {
	if (t < 0.01) t = 0.01;
	printf "small files (%d): %.3f s, %.0f files/s; peak memory " \
	    "%.1f MiB\n", n, t, n / t, rss / 1024 }'

# 7. signet tlog consistency between sizes 1,000 and 1,000,000 on the
#    testbed's Rekor v2 log (issue 12): a log of 1,000,000 synthetic
#    entries (scripts/testbed-server/lib/bigtree.js), its levels built
#    once and cached in $BUILD/bench/tree; tiles fetched and hashed per
#    second, and the requests made next to the fewest tiles the proof and
#    the two roots need.
BIGN=1000000
tt=$(mktemp -d)
trap 'scripts/testbed stop "$tb/tb" >/dev/null 2>&1;
    scripts/testbed stop "$tt/tb" >/dev/null 2>&1; rm -rf "$tb" "$md" "$tt"' \
    EXIT
mkdir -p "$BUILD/bench/tree"
t0=$(date +%s%N)
node scripts/testbed-server/lib/bigtree.js build "$BIGN" "$BUILD/bench/tree"
t1=$(date +%s%N)
SIGNET_TESTBED_REKOR_V2_SYNTHETIC=$BIGN \
    SIGNET_TESTBED_TREE_CACHE="$BUILD/bench/tree" \
    scripts/testbed start "$tt/tb" >/dev/null
(
	# shellcheck source=/dev/null # written by scripts/testbed start
	. "$tt/tb/env"
	t2=$(date +%s%N)
	rc=0
	"$SIGNET" tlog consistency --log "$SIGNET_TESTBED_REKOR_V2_URL" \
	    --from 1000 --to "$BIGN" --state "$tt/state" \
	    --trusted-root "$SIGNET_TESTBED_TRUSTED_ROOT" >"$tt/out" 2>&1 ||
	    rc=$?
	t3=$(date +%s%N)
	req=$(scripts/testbed state "$tt/tb" | node -e '
	    let s = ""; process.stdin.on("data", (d) => { s += d; });
	    process.stdin.on("end", () => {
	    console.log(JSON.parse(s).requests.rekor2 || 0); });')
	min=$(node scripts/testbed-server/lib/bigtree.js min-tiles 1000 "$BIGN")
	tiles=$(grep -o '[0-9]* tiles fetched' "$tt/out" | cut -d' ' -f1)
	echo
	echo "== signet tlog consistency 1,000 -> $BIGN (testbed Rekor v2)"
	if [ "$rc" -ne 0 ]; then
		sed 's/^/  /' "$tt/out"
		echo "consistency failed (exit $rc)"
	else
		awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" \
		    -v tiles="${tiles:-0}" -v req="$req" -v min="$min" 'BEGIN {
			s = (d - c) / 1e9;
			printf "tree of %d entries: %.1f s to build or read " \
			    "the cache; consistency %.0f ms (one process), " \
			    "%d tiles fetched and hashed, %.0f tiles a " \
			    "second of the whole process; %d requests (checkpoint included) for " \
			    "%d tiles at least\n", '"$BIGN"', (b - a) / 1e9,
			    s * 1e3, tiles, tiles / s, req, min }'
	fi
)
scripts/testbed stop "$tt/tb" >/dev/null 2>&1

# 8. Hashing across machines (issue 14), plain processes on this machine.
#    a. BENCH_CLUSTER_MB MiB (default 4096) in 4,000 files hashed as 8
#       parts by 8 processes (plan, parts, merge) against one `signet
#       digest` process; goal: at least 0.9 of its throughput.
#    b. Plan time for BENCH_PLAN_FILES files (goal: 1,000,000 in under
#       10 s warm); creating a million files takes minutes here, so the
#       default is 200,000 and the figure is scaled, as the output says.
#    c. Merge time and peak memory for 1,000,000 units (one file in
#       1-byte shards: the units, not the files, are what a merge
#       handles); goal: under 5 s and 512 MiB.
cluster_bench() {
	cb=$(mktemp -d)
	mb=${BENCH_CLUSTER_MB:-4096}
	nplan=${BENCH_PLAN_FILES:-200000}
	echo
	echo "== hashing across machines: plan, 8 parts, merge (issue 14)"
	python3 - "$cb/data" "$mb" <<'PY'
import os, sys
d, mb = sys.argv[1], int(sys.argv[2])
size = mb * 1048576 // 4000
blk = os.urandom(size)
for i in range(4000):
    sub = os.path.join(d, "d%02d" % (i % 40))
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "f%04d" % i), "wb") as f:
        f.write(blk[i % 251:] + blk[:i % 251])
PY
	"$SIGNET" digest "$cb/data" --quiet >/dev/null	# warm the cache
	t0=$(date +%s%N)
	one=$("$SIGNET" digest "$cb/data" --quiet)
	t1=$(date +%s%N)
	"$SIGNET" digest "$cb/data" --plan "$cb/plan.json" --parts 8 --quiet
	t2=$(date +%s%N)
	for i in 0 1 2 3 4 5 6 7; do
		"$SIGNET" digest "$cb/data" --plan "$cb/plan.json" --part "$i" \
		    --out "$cb/p$i.json" --jobs 1 --quiet &
	done
	wait
	t3=$(date +%s%N)
	"$SIGNET" manifest merge "$cb/plan.json" "$cb"/p[0-7].json \
	    --out "$cb/merged.json" --quiet
	t4=$(date +%s%N)
	root=$(jq -r .root "$cb/merged.json")
	[ "$root" = "$one" ] || echo "bench: merged root $root is not $one"
	awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" \
	    -v mb="$mb" 'BEGIN {
		s1 = (b - a) / 1e9; s8 = (e - b) / 1e9;
		printf "%d MiB, 4,000 files: one process %.2f s (%.0f MiB/s); " \
		    "plan + 8 parts + merge %.2f s (plan %.2f, parts %.2f, " \
		    "merge %.2f); throughput ratio %.2f (goal >= 0.90)\n",
		    mb, s1, mb / s1, s8, (c - b) / 1e9, (d - c) / 1e9,
		    (e - d) / 1e9, s1 / s8 }'
	rm -rf "$cb/data"
	python3 - "$cb/many" "$nplan" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for k in range(0, n, 1000):
    sub = os.path.join(d, "d%04d" % (k // 1000))
    os.makedirs(sub)
    for i in range(k, min(n, k + 1000)):
        os.close(os.open(os.path.join(sub, "f%07d" % i),
            os.O_CREAT | os.O_WRONLY, 0o644))
PY
	"$SIGNET" digest "$cb/many" --plan "$cb/many.json" --quiet	# warm
	t0=$(date +%s%N)
	"$SIGNET" digest "$cb/many" --plan "$cb/many.json" --parts 64 --quiet
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" -v n="$nplan" 'BEGIN {
		s = (b - a) / 1e9;
		printf "plan of %d files (scaled down from 1,000,000: creating " \
		    "them takes minutes here): %.2f s warm, %.1f s per " \
		    "million (goal < 10 s)\n", n, s, s * 1e6 / n }'
	rm -rf "$cb/many"
	mkdir "$cb/units"
	head -c 1000000 /dev/urandom > "$cb/units/u"
	"$SIGNET" digest "$cb/units" --shard-size 1 --plan "$cb/u.json" \
	    --parts 8 --quiet
	for i in 0 1 2 3 4 5 6 7; do
		"$SIGNET" digest "$cb/units" --plan "$cb/u.json" --part "$i" \
		    --out "$cb/u$i.json" --jobs 1 --quiet &
	done
	wait
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$cb/rss" "$SIGNET" manifest merge \
	    "$cb/u.json" "$cb"/u[0-7].json --out "$cb/um.json" --quiet ||
	    echo "bench: merge of 1,000,000 units failed"
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" -v rss="$(tail -n 1 "$cb/rss")" 'BEGIN {
		printf "merge of 1,000,000 units (8 partials): %.2f s, peak " \
		    "%.0f MiB (goals < 5 s, < 512 MiB)\n", (b - a) / 1e9,
		    rss / 1024 }'
	rm -rf "$cb"
}
cluster_bench
