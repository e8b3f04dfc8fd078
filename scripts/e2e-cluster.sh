#!/bin/sh
# e2e-cluster.sh [SIGNET]: hashing a model across machines, end to end,
# with plain processes standing in for the nodes (offline):
#   - plan + N parts (run in parallel) + merge give the root digest that
#     single-machine `signet digest` prints, in files and shards; and
#     `sign DIR --manifest` signs the very statement `sign DIR` signs;
#   - the part index from --part, SLURM_ARRAY_TASK_ID,
#     JOB_COMPLETION_INDEX and --part-env, and garbage refused;
#   - a killed worker (missing partial), a file changed between plan and
#     part, a partial of another plan, changed parameters, a duplicated
#     or overlapping partial, a forged unit digest (caught by
#     --spot-check, and by verify, which re-hashes) are refused, named.
# Prints "N passed, N failed".
set -u
SIGNET=${1:-build/signet}
case $SIGNET in /*) ;; *) SIGNET=$(pwd)/$SIGNET ;; esac
: "${ASAN_OPTIONS:=exitcode=99}"
export ASAN_OPTIONS
K=testdata/model-signing/signed/keys/certificate
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
SIGNET_CACHE_DIR=$tmp/cache
export SIGNET_CACHE_DIR
unset SLURM_ARRAY_TASK_ID JOB_COMPLETION_INDEX
# shellcheck source=scripts/expect.sh
. "$(dirname "$0")/expect.sh"

# reseal IN OUT JQ: an attacker's edit of a partial with a correct digest
# (SHA-256 of the JCS form without "digest"; jq -cS is JCS for these
# ASCII documents of strings).
reseal() {
	jq -cS "del(.digest) | $3" "$1" | tr -d '\n' > "$tmp/body"
	h=$(sha256sum < "$tmp/body" | cut -c1-64)
	{ printf '{"digest":"sha256:%s",' "$h"; cut -c2- "$tmp/body"; } \
	    | tr -d '\n' > "$2"
}

d=$tmp/data
mkdir -p "$d/shard-a" "$d/shard-b" "$d/.git"
i=0
while [ $i -lt 24 ]; do
	head -c $((i * 7919 + 1)) /dev/urandom > "$d/shard-a/f$i"
	i=$((i + 1))
done
head -c 3000000 /dev/urandom > "$d/shard-b/big.bin"
: > "$d/empty"
echo ref > "$d/.git/HEAD"

one=$("$SIGNET" digest "$d" --quiet)
expect "single-machine digest" 0 "^sha256:[0-9a-f]{64}$" -- echo "$one"

# --- files: plan, 4 parts in parallel, merge --------------------------------
expect "plan: 4 parts" 0 "26 units in 4 parts" -- \
    "$SIGNET" digest "$d" --plan "$tmp/plan.json" --parts 4
for i in 0 1 2 3; do
	"$SIGNET" digest "$d" --plan "$tmp/plan.json" --part $i \
	    --out "$tmp/p$i.json" --quiet &
done
wait
expect "merge with spot checks" 0 "merged 4 partials \(26 units, 5 spot" -- \
    "$SIGNET" manifest merge "$tmp/plan.json" "$tmp"/p[0-3].json \
    --spot-check 5 --model "$d" --out "$tmp/merged.json"
expect "... its root is the single-machine digest" 0 "^$one$" -- \
    jq -r .root "$tmp/merged.json"
expect "... and holds the audit data (plan, partial digests)" 0 \
    '^sha256:[0-9a-f]{64} 4$' -- \
    jq -r '"\(.plan) \(.partials | length)"' "$tmp/merged.json"
cp "$tmp/p2.json" "$tmp/p2.first"
"$SIGNET" digest "$d" --plan "$tmp/plan.json" --part 2 --out "$tmp/p2.json" \
    --quiet
expect "a rerun of a part gives the same file" 0 "" -- \
    cmp "$tmp/p2.json" "$tmp/p2.first"

# --- signing from the merged manifest ----------------------------------------
"$SIGNET" sign "$d" --key "$K/signing-key.pem" --offline --quiet
mv "$d/model.sig" "$tmp/one.sig"
expect "sign DIR --manifest (nothing hashed)" 0 "signed .*0 bytes hashed" -- \
    "$SIGNET" sign "$d" --manifest "$tmp/merged.json" \
    --key "$K/signing-key.pem" --offline
expect "... the same DSSE payload as sign DIR" 0 "" -- sh -c \
    "test \"\$(jq -r .dsseEnvelope.payload '$tmp/one.sig')\" = \
    \"\$(jq -r .dsseEnvelope.payload '$d/model.sig')\""
expect "... and it verifies (re-hashing the files)" 0 "Verified OK" -- \
    "$SIGNET" verify "$d" --key "$K/signing-key-pub.pem"
expect "... and with verify --manifest (not re-hashing)" 0 "Verified OK" -- \
    "$SIGNET" verify "$d" --manifest "$tmp/merged.json" \
    --key "$K/signing-key-pub.pem"
expect "verify --manifest refuses --record-digests" 2 "nothing is hashed" -- \
    "$SIGNET" verify "$d" --manifest "$tmp/merged.json" --record-digests \
    --key "$K/signing-key-pub.pem"
# what --manifest trusts: a file rewritten with its size and time kept
cp -p "$d/shard-a/f7" "$tmp/f7"
head -c "$(wc -c < "$tmp/f7")" /dev/zero > "$d/shard-a/f7"
touch -r "$tmp/f7" "$d/shard-a/f7"
expect "verify --manifest does not read files (documented)" 0 "Verified OK" \
    -- "$SIGNET" verify "$d" --manifest "$tmp/merged.json" \
    --key "$K/signing-key-pub.pem"
expect "... verify without it re-hashes and names the file" 1 "shard-a/f7" \
    -- "$SIGNET" verify "$d" --key "$K/signing-key-pub.pem"
cp -p "$tmp/f7" "$d/shard-a/f7"
rm -f "$d/model.sig"
expect "sign --manifest refuses hashing options" 2 "--hash: with --manifest" \
    -- "$SIGNET" sign "$d" --manifest "$tmp/merged.json" --hash blake2b \
    --key "$K/signing-key.pem" --offline

# --- shards, and the part from the environment ------------------------------
one_s=$("$SIGNET" digest "$d" --shard-size 1000000 --quiet)
"$SIGNET" digest "$d" --shard-size 1000000 --plan "$tmp/ps.json" --parts 4 \
    --quiet
expect "part from SLURM_ARRAY_TASK_ID" 0 "part 0 of 4" -- env \
    SLURM_ARRAY_TASK_ID=0 "$SIGNET" digest "$d" --plan "$tmp/ps.json" \
    --out "$tmp/s0.json"
expect "part from JOB_COMPLETION_INDEX" 0 "part 1 of 4" -- env \
    JOB_COMPLETION_INDEX=1 "$SIGNET" digest "$d" --plan "$tmp/ps.json" \
    --out "$tmp/s1.json"
expect "part from --part-env" 0 "part 2 of 4" -- env MY_INDEX=2 \
    "$SIGNET" digest "$d" --plan "$tmp/ps.json" --part-env MY_INDEX \
    --out "$tmp/s2.json"
expect "part from --part" 0 "part 3 of 4" -- "$SIGNET" digest "$d" \
    --plan "$tmp/ps.json" --part 3 --out "$tmp/s3.json"
expect "sharded merge is the single-machine digest" 0 "^$one_s$" -- sh -c \
    "'$SIGNET' manifest merge '$tmp/ps.json' '$tmp'/s[0-3].json --quiet \
    --spot-check 1000 --model '$d' --out '$tmp/ms.json' && \
    jq -r .root '$tmp/ms.json'"
expect "a garbage part index is refused" 2 \
    'SLURM_ARRAY_TASK_ID: "1x" is not a part number' -- env \
    SLURM_ARRAY_TASK_ID=1x "$SIGNET" digest "$d" --plan "$tmp/ps.json" \
    --out "$tmp/x.json"
expect "a part past the plan is refused" 2 "part 4, but the plan has 4" -- \
    "$SIGNET" digest "$d" --plan "$tmp/ps.json" --part 4 --out "$tmp/x.json"
expect "an unset --part-env is refused" 2 "--part-env NOPE: not set" -- \
    "$SIGNET" digest "$d" --plan "$tmp/ps.json" --part-env NOPE \
    --out "$tmp/x.json"
expect "no part index at all is refused" 2 "which part" -- \
    "$SIGNET" digest "$d" --plan "$tmp/ps.json" --out "$tmp/x.json"
expect "hashing options with a plan are refused" 2 "plan says how" -- \
    "$SIGNET" digest "$d" --plan "$tmp/ps.json" --part 0 --hash blake2b \
    --out "$tmp/x.json"
expect "... and nothing was written" 1 "" -- test -e "$tmp/x.json"

# --- faults -------------------------------------------------------------------
# merge PARTIAL... [OPTION...]: signet manifest merge of the 4-part plan
merge() {
	"$SIGNET" manifest merge "$tmp/plan.json" "$@"
}
expect "a killed worker: its part is named missing" 1 \
    "part 1 missing \(no partial: was its worker killed\?\)" -- \
    merge "$tmp/p0.json" "$tmp/p2.json" "$tmp/p3.json" --out "$tmp/m.json"
expect "a partial given twice is named" 1 \
    "p1.json: part 1 given twice \(also by .*p1.json\)" -- \
    merge "$tmp"/p[0-3].json "$tmp/p1.json" --out "$tmp/m.json"
"$SIGNET" digest "$d" --plan "$tmp/plan3.json" --parts 3 --quiet
"$SIGNET" digest "$d" --plan "$tmp/plan3.json" --part 1 \
    --out "$tmp/other.json" --quiet
expect "a partial of another plan is named" 1 \
    "other.json: made from another plan" -- \
    merge "$tmp/p0.json" "$tmp/other.json" "$tmp/p2.json" "$tmp/p3.json" \
    --out "$tmp/m.json"
reseal "$tmp/p1.json" "$tmp/p1-blake.json" '.params.hash = "blake2b"'
expect "a partial with changed parameters is named" 1 \
    "p1-blake.json: hashed with other parameters" -- \
    merge "$tmp/p0.json" "$tmp/p1-blake.json" "$tmp/p2.json" "$tmp/p3.json" \
    --out "$tmp/m.json"
reseal "$tmp/p1.json" "$tmp/p1-wide.json" \
    '.first = ((.first | tonumber) - 1 | tostring) | .digests = ["00"] + .digests'
expect "an overlapping partial is named" 1 \
    "p1-wide.json: part 1 covers units" -- \
    merge "$tmp/p0.json" "$tmp/p1-wide.json" "$tmp/p2.json" "$tmp/p3.json" \
    --out "$tmp/m.json"
expect "... and nothing was written" 1 "" -- test -e "$tmp/m.json"

# a forged unit digest: the first unit of part 0 ("empty")
reseal "$tmp/p0.json" "$tmp/p0-forged.json" \
    '.digests[0] = "0000000000000000000000000000000000000000000000000000000000000000"'
expect "a forged digest is caught by spot-checking every unit" 1 \
    "spot check: empty \(unit 0, part 0, .*p0-forged.json\)" -- \
    merge "$tmp/p0-forged.json" "$tmp"/p[1-3].json --spot-check 1000 \
    --model "$d" --out "$tmp/m.json"
expect "... passes a merge without spot checks" 0 "" -- \
    merge "$tmp/p0-forged.json" "$tmp"/p[1-3].json --spot-check 0 \
    --out "$tmp/forged.json"
expect "... is signed from the manifest, which trusts the partials" 0 "" -- \
    "$SIGNET" sign "$d" --manifest "$tmp/forged.json" \
    --key "$K/signing-key.pem" --offline --quiet
expect "... and verify, re-hashing the files, names it" 1 "empty" -- \
    "$SIGNET" verify "$d" --key "$K/signing-key-pub.pem"
expect "... verify --manifest with the honest merge refuses it" 1 \
    "1 file differs from the signature: .*empty" -- \
    "$SIGNET" verify "$d" --manifest "$tmp/merged.json" \
    --key "$K/signing-key-pub.pem"
rm -f "$d/model.sig"

# the tree changed between the plan and a part, or before signing
"$SIGNET" digest "$d" --plan "$tmp/plan1.json" --parts 1 --quiet
cp -p "$d/shard-a/f3" "$tmp/f3"
echo more >> "$d/shard-a/f3"
expect "a file grown since the plan is named" 2 \
    "shard-a/f3: changed since the plan \(size 23763, the plan has 23758" -- \
    "$SIGNET" digest "$d" --plan "$tmp/plan1.json" --part 0 \
    --out "$tmp/x.json"
cp -p "$tmp/f3" "$d/shard-a/f3"
touch -d '2001-02-03' "$d/shard-a/f5"
expect "a file touched since the plan is named" 2 \
    "shard-a/f5: changed since the plan \(modified at" -- \
    "$SIGNET" digest "$d" --plan "$tmp/plan1.json" --part 0 \
    --out "$tmp/x.json"
expect "sign --manifest checks sizes and times" 2 \
    "shard-a/f5: changed since the plan" -- "$SIGNET" sign "$d" \
    --manifest "$tmp/merged.json" --key "$K/signing-key.pem" --offline
expect "verify --manifest checks sizes and times" 2 \
    "shard-a/f5: changed since the plan" -- "$SIGNET" verify "$d" \
    --bundle "$tmp/one.sig" --manifest "$tmp/merged.json" \
    --key "$K/signing-key-pub.pem"
echo new > "$d/added"
expect "sign --manifest refuses a file added since the plan" 2 \
    "added: not in the plan" -- "$SIGNET" sign "$d" \
    --manifest "$tmp/merged.json" --key "$K/signing-key.pem" --offline
expect "... and wrote no signature" 1 "" -- test -e "$d/model.sig"

# --- examples/slurm, its array tasks run by hand (no Slurm here) -----------
ex=$tmp/ex
mkdir -p "$ex/work"
cp -R "$d" "$ex/data"
rm -f "$ex/data/added"
expect "examples/slurm: plan on the login node" 0 "in 3 parts" -- \
    "$SIGNET" digest "$ex/data" --plan "$ex/work/plan.json" --parts 3
for i in 0 1 2; do
	expect "examples/slurm: hash-part.sbatch as array task $i" 0 \
	    "part $i of 3" -- env PATH="$(dirname "$SIGNET"):$PATH" \
	    DATA="$ex/data" WORK="$ex/work" SLURM_ARRAY_TASK_ID=$i \
	    SLURM_CPUS_PER_TASK=1 sh examples/slurm/hash-part.sbatch
done
expect "examples/slurm: merge-sign.sbatch" 0 "signed .*-> .*model.sig" -- \
    env PATH="$(dirname "$SIGNET"):$PATH" DATA="$ex/data" WORK="$ex/work" \
    KEY="$K/signing-key.pem" SIGN_FLAGS=--offline SLURM_CPUS_PER_TASK=1 \
    sh examples/slurm/merge-sign.sbatch
expect "... and the dataset verifies" 0 "Verified OK" -- \
    "$SIGNET" verify "$ex/data" --key "$K/signing-key-pub.pem"

# --- examples/kubernetes, checked offline (no cluster here) ---------------
# scripts/k8s-check.py holds them to the batch/v1 Job schema they use,
# strictly; each way of breaking one must be caught.
KX=examples/kubernetes
expect "examples/kubernetes: both Jobs check" 0 "2 file\\(s\\) ok" -- \
    python3 scripts/k8s-check.py "$KX/hash-parts.yaml" "$KX/merge-sign.yaml"
k8s_bad() {
	name=$1 pat=$2 src=$3
	shift 3
	"$@" <"$KX/$src" >"$ex/k8s.yaml"
	expect "examples/kubernetes: $name" 1 "$pat" -- \
	    python3 scripts/k8s-check.py "$ex/k8s.yaml"
}
k8s_bad "a misspelt field is refused" "unknown field backofLimitPerIndex" \
    hash-parts.yaml sed 's/backoffLimitPerIndex/backofLimitPerIndex/'
k8s_bad "a container without its image is refused" \
    "missing required field image" hash-parts.yaml sed '/image:/d'
k8s_bad "more pods at once than parts is refused" \
    "parallelism 32 is more than completions 16" hash-parts.yaml \
    sed 's/parallelism: 16/parallelism: 32/'
k8s_bad "a per-index retry limit without Indexed is refused" \
    "backoffLimitPerIndex needs completionMode Indexed" hash-parts.yaml \
    sed '/completionMode:/d'
k8s_bad "a mount without its volume is refused" \
    "volume mount keys has no volume" merge-sign.yaml \
    sed 's/^        - name: keys$/        - name: key/'
k8s_bad "a Job that restarts forever is refused" \
    "restartPolicy must be Never or OnFailure" merge-sign.yaml \
    sed 's/restartPolicy: Never/restartPolicy: Always/'
printf 'spec: [\n' >"$ex/k8s-bad.yaml"
expect "examples/kubernetes: YAML that does not parse is exit 2" 2 \
    "k8s-bad.yaml: " -- python3 scripts/k8s-check.py "$ex/k8s-bad.yaml"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
