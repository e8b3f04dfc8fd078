#!/bin/sh
# e2e-tlog.sh [SIGNET]: signet tlog (info, get, consistency) end to end
# against the local Sigstore testbed (scripts/testbed), which this script
# starts with 70,000 entries in each log (tile levels 0 to 2, partial
# tiles) and stops.  Every lie the testbed can tell an auditor must be
# caught with exit 1 and the stored checkpoint left as it was; the
# conformance bundles' entries are re-verified offline.  State files live
# in a temporary directory (SIGNET_CACHE_DIR; HOME points nowhere).
# Prints "N passed, N failed".
# CHECK && ok NAME || bad NAME is if/else here: ok always returns 0.
# shellcheck disable=SC2015
set -u
SIGNET=${1:-build/signet}
case $SIGNET in /*) ;; *) SIGNET=$(pwd)/$SIGNET ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${ASAN_OPTIONS:=exitcode=99}"
export ASAN_OPTIONS
tmp=$(mktemp -d)
TB=$(mktemp -d)
# shellcheck source=scripts/expect.sh
. "$ROOT/scripts/expect.sh"

# the v2 log's 70,000 entries are make bench's synthetic ones (flat levels
# cached in the testbed's directory, scripts/testbed-server/lib/bigtree.js):
# every v2 check below runs on that tree too
testbed_start SIGNET_TESTBED_PREFILL=70000 \
    SIGNET_TESTBED_REKOR_V2_SYNTHETIC=70000
unset SIGSTORE_ID_TOKEN XDG_CACHE_HOME
export SIGNET_CACHE_DIR="$tmp/cache"
export HOME="$tmp/nohome"
TR=$SIGNET_TESTBED_TRUSTED_ROOT
R1=$SIGNET_TESTBED_REKOR_URL
R2=$SIGNET_TESTBED_REKOR_V2_URL

# run ARGS...: signet tlog ARGS with the testbed's trusted root; stdout in
# $tmp/out, stderr in $tmp/err (and appended to out), status in $rc
run() {
	"$SIGNET" tlog "$@" --trusted-root "$TR" >"$tmp/stdout" \
	    2>"$tmp/err"
	rc=$?
	cat "$tmp/stdout" "$tmp/err" >"$tmp/out"
}

# expect_rc NAME STATUS [TEXT]: the last run exited STATUS and said TEXT
expect_rc() {
	if [ "$rc" -ne "$2" ]; then
		bad "$1 (exit $rc, expected $2)"
	elif [ $# -ge 3 ] && ! grep -qF -- "$3" "$tmp/out"; then
		bad "$1 (no \"$3\")"
	else
		ok "$1"
	fi
}

fault() {
	"$ROOT/scripts/testbed" fault "$TB" "$@" >/dev/null
}

requests() {
	"$ROOT/scripts/testbed" state "$TB" | node -e '
	    let s = ""; process.stdin.on("data", (d) => { s += d; });
	    process.stdin.on("end", () => { const r = JSON.parse(s).requests;
	    console.log((r.rekor || 0) + (r.rekor2 || 0)); });'
}

# states: the stored checkpoints, to compare before and after a lie
states() {
	for f in "$SIGNET_CACHE_DIR"/tlog/*; do
		case $f in *.lock | *.inconsistent-*) continue ;; esac
		cat "$f"
	done 2>/dev/null | md5sum
}

sign() {
	"$SIGNET" sign "$tmp/artifact" --bundle "$tmp/$1.json" \
	    --identity-token "$("$ROOT/scripts/testbed" token "$TB")" \
	    --trusted-root "$TR" --signing-config "$2" >"$tmp/out" 2>&1
}

head -c 1000 /dev/urandom >"$tmp/artifact"

# --- info: first checkpoints, then consistency with them ---------------
run info
expect_rc "info stores the first checkpoint of each log" 0 \
    "first checkpoint stored"
n=$(find "$SIGNET_CACHE_DIR/tlog" -mindepth 1 -maxdepth 1 ! -name '.*' \
    ! -name '*.lock' | wc -l)
[ "$n" -eq 2 ] && ok "one state file per log" || bad "state files: $n"
grep -q "inactive shard tree ID .*, size 1000" "$tmp/out" &&
    ok "info verifies the inactive shard's signed tree head" ||
    bad "inactive shard"
[ ! -e "$HOME" ] && ok "nothing written under HOME" || bad "HOME written"

sign v1 "$SIGNET_TESTBED_SIGNING_CONFIG" && ok "signed into Rekor v1" ||
    bad "sign v1"
sign v2 "$SIGNET_TESTBED_SIGNING_CONFIG_V2" && ok "signed into Rekor v2" ||
    bad "sign v2"

run info --log "$R1"
expect_rc "info v1: consistent with the stored checkpoint of size 70000" 0 \
    "consistent with the stored checkpoint of size 70000"
run info --log "$R2" --json
expect_rc "info v2: consistent with the stored checkpoint" 0 \
    '"storedSize":70000'
node -e 'const o = JSON.parse(require("fs").readFileSync(process.argv[1],
    "utf8")); if (!o.consistent || o.size <= 70000) process.exit(1);' \
    "$tmp/stdout" && ok "info --json: stdout is one JSON object" ||
    bad "info --json"
run info
expect_rc "info again: consistent" 0 "consistent with the stored checkpoint"
grep -q "size 7000[0-9], .*: consistent" "$tmp/out" &&
    ok "the stored checkpoint advanced" || bad "not advanced"

# the log's API version comes from the signing config where it lists the
# log: a config calling the v2 log a Rekor v1 makes signet speak v1 to it
node -e 'const fs = require("fs"); const c = JSON.parse(fs.readFileSync(
    process.argv[1], "utf8")); for (const s of c.rekorTlogUrls)
    s.majorApiVersion = s.url.replace(/\/+$/, "") ===
    process.argv[2].replace(/\/+$/, "") ? 1 : 2;
    fs.writeFileSync(process.argv[3], JSON.stringify(c));' \
    "$SIGNET_TESTBED_SIGNING_CONFIG_V2" "$R2" "$tmp/sc-v1.json"
before=$(states)
run info --log "$R2" --signing-config "$tmp/sc-v1.json"
expect_rc "a signing config saying majorApiVersion 1 makes the log v1" 2 \
    "/api/v1/log"
[ "$(states)" = "$before" ] && ok "nothing stored from a log not checked" ||
    bad "stored from a log not checked"
run info --log "$R2" --signing-config "$tmp/sc-v1.json" --log-version 2 \
    --json
expect_rc "--log-version overrides the signing config" 0 '"version":2'
run info --log "$R2" --signing-config "$SIGNET_TESTBED_SIGNING_CONFIG_V2" \
    --json
expect_rc "the testbed's signing config: the v2 log is v2" 0 '"version":2'

# a retired log (its key's validity ended) is still audited, and said so
node -e 'const fs = require("fs"); const t = JSON.parse(fs.readFileSync(
    process.argv[1], "utf8")); for (const l of t.tlogs) if (l.baseUrl
    .replace(/\/+$/, "") === process.argv[2].replace(/\/+$/, ""))
    l.publicKey.validFor.end = new Date(Date.parse(
    l.publicKey.validFor.start) + 1000).toISOString();
    fs.writeFileSync(process.argv[3], JSON.stringify(t));' \
    "$TR" "$R2" "$tmp/tr-retired.json"
"$SIGNET" tlog info --trusted-root "$tmp/tr-retired.json" >"$tmp/out" 2>&1
rc=$?
expect_rc "info audits a retired log too" 0 "$R2 (retired): size"
grep -q "^$R1: size" "$tmp/out" && ok "the active log beside it" ||
    bad "the active log is missing"

# --- get ---------------------------------------------------------------
before=$(requests)
run get --bundle "$tmp/v1.json"
expect_rc "get --bundle v1 verifies offline" 0 "identity:    $SIGNET_TESTBED_EMAIL"
run get --bundle "$tmp/v2.json"
expect_rc "get --bundle v2 verifies offline" 0 "kind:        hashedrekord 0.0.2"
[ "$(requests)" -eq "$before" ] &&
    ok "get --bundle without --log makes no request" ||
    bad "get --bundle made requests"
run get --bundle "$tmp/v1.json" --log "$R1"
expect_rc "get --bundle --log: consistent with the stored checkpoint" 0 \
    "stored:      consistent with the stored checkpoint"

IDX=$(node -e 'const b = JSON.parse(require("fs").readFileSync(
    process.argv[1], "utf8")); console.log(
    b.verificationMaterial.tlogEntries[0].logIndex);' "$tmp/v1.json")
UUID=$(node -e 'const c = require("crypto"); const b = JSON.parse(
    require("fs").readFileSync(process.argv[1], "utf8")); const body =
    Buffer.from(b.verificationMaterial.tlogEntries[0].canonicalizedBody,
    "base64"); console.log(c.createHash("sha256").update(Buffer.from([0]))
    .update(body).digest("hex"));' "$tmp/v1.json")
run info --log "$R1"
TID=$(node -e 'console.log(BigInt(process.argv[1]).toString(16)
    .padStart(16, "0"))' "$(grep -o 'tree ID [0-9]*' "$tmp/out" | head -n 1 |
    cut -d' ' -f3)")
run get --index "$IDX" --log "$R1"
expect_rc "get --index (global index, past the inactive shard)" 0 \
    "log index:   $IDX"
run get --uuid "$UUID" --log "$R1" --json
expect_rc "get --uuid (64 hex digits) --json" 0 "\"logIndex\":\"$IDX\""
run get --uuid "$TID$UUID" --log "$R1"
expect_rc "get --uuid (80 hex digits, the active tree ID)" 0 "log index:   $IDX"
run get --uuid "0000000000000001$UUID" --log "$R1"
expect_rc "get --uuid with another tree ID is refused" 2 "not a shard"
run get --index 10 --log "$R1"
expect_rc "get --index in the inactive shard says so" 2 "inactive shard"
run get --uuid "xyz" --log "$R1"
expect_rc "get --uuid that is not hex is refused" 2 "64 or 80 hex digits"
IDX2=$(node -e 'const b = JSON.parse(require("fs").readFileSync(
    process.argv[1], "utf8")); console.log(
    b.verificationMaterial.tlogEntries[0].logIndex);' "$tmp/v2.json")
run get --index "$IDX2" --log "$R2"
expect_rc "get --index on Rekor v2 (entry bundle, proof from tiles)" 0 \
    "identity:    $SIGNET_TESTBED_EMAIL"
run get --uuid "$UUID" --log "$R2"
expect_rc "get --uuid on Rekor v2 is refused" 2 "no lookup by UUID"
run get --index 99999999 --log "$R2"
expect_rc "get --index past the tree" 2 "not below the tree size"
run get --index 1
expect_rc "get with two logs and no --log" 2 "give --log"

# --- consistency ---------------------------------------------------------
run consistency --log "$R1" --from 1000 --to 50000
expect_rc "consistency v1 between sizes 1000 and 50000" 0 \
    "consistent: size 1000"
run consistency --log "$R2" --from 1000
expect_rc "consistency v2 from size 1000 (tiles)" 0 "tiles fetched"
run consistency --log "$R2"
expect_rc "consistency v2 from the stored checkpoint" 0 "consistent: size"
# the stored v2 checkpoint (its origin is the host alone)
for f in "$SIGNET_CACHE_DIR"/tlog/*; do
	case $f in *.lock) continue ;; esac
	head -n 1 "$f" | grep -q ' - ' || cp "$f" "$tmp/cp.note"
done
run consistency --log "$R1" --from 5 --to 4
expect_rc "consistency --from above --to is refused" 2 "need --from"

# --- watch -----------------------------------------------------------------
# signas NAME CONFIG EMAIL: signs $tmp/artifact-NAME as EMAIL
signas() {
	head -c 100 /dev/urandom >"$tmp/artifact-$1"
	"$SIGNET" sign "$tmp/artifact-$1" --bundle "$tmp/$1.json" \
	    --identity-token "$("$ROOT/scripts/testbed" token "$TB" \
	    email="$3")" --trusted-root "$TR" --signing-config "$2" \
	    >"$tmp/out" 2>&1 || bad "sign $1 as $3"
}
V1C=$SIGNET_TESTBED_SIGNING_CONFIG
V2C=$SIGNET_TESTBED_SIGNING_CONFIG_V2
ISS=$SIGNET_TESTBED_OIDC_ISSUER
signas w1 "$V1C" alice@example.com
signas w2 "$V1C" bob@example.com
signas w3 "$V1C" alice@example.com
signas w4 "$V2C" alice@example.com
run watch --certificate-identity alice@example.com \
    --certificate-oidc-issuer "$ISS" --once --json
expect_rc "watch finds the identity's entries among the others" 0 \
    "2 matches"
n=$(grep -c . "$tmp/stdout")
node -e 'const l = require("fs").readFileSync(process.argv[1], "utf8")
    .trim().split("\n").map((x) => JSON.parse(x));
    if (l.length !== 3 || l.some((o) => o.identity !== "alice@example.com"))
    process.exit(1);' "$tmp/stdout" &&
    ok "watch --json: stdout holds only the 3 match objects" ||
    bad "watch --json stdout ($n lines)"
run watch --certificate-identity alice@example.com --once
expect_rc "watch again: each entry is reported once" 0 "0 matches"
[ ! -s "$tmp/stdout" ] && ok "watch again: no match printed" ||
    bad "watch again printed"
signas w5 "$V1C" bob@example.com
run watch --certificate-identity-regexp '^bob@example\.com$' \
    --certificate-oidc-issuer-regexp '^http://127\.0\.0\.1:[0-9]+$' \
    --log "$R1" --once
expect_rc "watch by identity and issuer regexps" 0 "1 matches"
signas w6 "$V1C" bob@example.com
run watch --certificate-identity-regexp 'bob' --log "$R1" --once
expect_rc "watch regexps are anchored: 'bob' is not bob@example.com" 0 \
    "0 matches"
signas w7 "$V2C" bob@example.com
FP=$(node -e 'const c = require("crypto"); const b = JSON.parse(
    require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(c.createHash("sha256").update(Buffer.from(
    b.verificationMaterial.certificate.rawBytes, "base64")).digest("hex"));' \
    "$tmp/w7.json")
run watch --key-fingerprint "$FP" --log "$R2" --once
expect_rc "watch by certificate fingerprint (Rekor v2)" 0 "1 matches"
signas w8 "$V1C" alice@example.com
before=$(states)
"$SIGNET" tlog watch --certificate-identity alice@example.com --log "$R1" \
    --once --trusted-root "$TR" >/dev/full 2>"$tmp/out"
rc=$?
expect_rc "watch whose output fails exits 2" 2 "stdout"
[ "$(states)" = "$before" ] &&
    ok "the checkpoint does not advance past unreported matches" ||
    bad "advanced although the output failed"
run watch --certificate-identity alice@example.com --log "$R1" --once
expect_rc "the next watch reports the match again" 0 "1 matches"
# Fulcio extensions (verify's GitHub workflow flags): one repository's
# workflow watched, with or without its identity; each run from a copy of
# the v1 log's stored checkpoint taken before the workflow signed
for f in "$SIGNET_CACHE_DIR"/tlog/*; do
	case $f in *.lock | *.inconsistent-*) continue ;; esac
	head -n 1 "$f" | grep -q ' - ' && cp "$f" "$tmp/gh-start"
done
GH_ID=https://github.com/signet-testbed/demo/.github/workflows/release.yml@refs/heads/main
ACTIONS_ID_TOKEN_REQUEST_URL=$SIGNET_TESTBED_GHA_URL \
    ACTIONS_ID_TOKEN_REQUEST_TOKEN=$SIGNET_TESTBED_GHA_TOKEN \
    "$SIGNET" sign "$tmp/artifact" --bundle "$tmp/gh.json" \
    --trusted-root "$TR" --signing-config "$V1C" >"$tmp/out" 2>&1 ||
    bad "sign in the GitHub workflow"
signas w9 "$V1C" alice@example.com
watch_gh() {
	cp "$tmp/gh-start" "$tmp/gh-state"
	run watch --log "$R1" --state "$tmp/gh-state" --once "$@"
}
watch_gh --certificate-github-workflow-repository signet-testbed/demo
expect_rc "watch a repository's workflow by its extension alone" 0 \
    "1 matches"
grep -qF "identity $GH_ID" "$tmp/out" &&
    ok "the match names the workflow's identity" || bad "workflow identity"
watch_gh --certificate-github-workflow-repository signet-testbed/other
expect_rc "watch another repository: not matched" 0 "0 matches"
watch_gh --certificate-github-workflow-repository signet-testbed/dem
expect_rc "extensions are matched whole: a prefix is not the repository" 0 \
    "0 matches"
watch_gh --certificate-identity "$GH_ID" \
    --certificate-oidc-issuer "$SIGNET_TESTBED_GHA_ISSUER" \
    --certificate-github-workflow-ref refs/heads/main \
    --certificate-github-workflow-trigger push
expect_rc "watch identity, issuer, ref and trigger together" 0 "1 matches"
watch_gh --certificate-identity "$GH_ID" \
    --certificate-github-workflow-ref refs/tags/v1
expect_rc "watch identity with another ref: not matched" 0 "0 matches"
watch_gh --certificate-identity alice@example.com \
    --certificate-github-workflow-repository signet-testbed/demo
expect_rc "an email identity lacks the workflow extension: not matched" 0 \
    "0 matches"
watch_gh --certificate-identity alice@example.com \
    --certificate-identity-regexp '^https://github\.com/signet-testbed/.*$'
expect_rc "watch an exact identity and a regexp at once (full parse)" 0 \
    "2 matches"
# the pre-filter only skips: bytes that occur elsewhere than in a SAN (the
# repository, in extension .1.5) pass it, and the parsed SANs refuse them
watch_gh --certificate-identity signet-testbed/demo
expect_rc "an identity found in the certificate but not as its SAN" 0 \
    "0 matches"
run info
expect_rc "the stored checkpoints catch up with the log" 0 "consistent"
run watch --once
expect_rc "watch without an identity is a usage error" 2 \
    "give --certificate-identity"
run watch --key-fingerprint abc --once
expect_rc "watch with a malformed fingerprint" 2 "SHA-256 in hex"

# --- lies: exit 1, the stored checkpoint unchanged ----------------------
lie() {
	name=$1 svc=$2 f=$3
	shift 3
	before=$(states)
	fault "$svc" "$f"
	run "$@"
	expect_rc "$name" 1 "$LIE_TEXT"
	[ "$(states)" = "$before" ] && ok "$name: stored checkpoint kept" ||
	    bad "$name: stored checkpoint changed"
	"$ROOT/scripts/testbed" reset "$TB" >/dev/null
}
LIE_TEXT="log inconsistency: two checkpoints of size"
lie "v1 history rewritten (fork)" rekor fork info --log "$R1"
ls "$SIGNET_CACHE_DIR"/tlog/*.inconsistent-* >/dev/null 2>&1 &&
    grep -q "# latest checkpoint" "$SIGNET_CACHE_DIR"/tlog/*.inconsistent-* &&
    ok "the evidence holds both checkpoints" || bad "no evidence"
LIE_TEXT="does not verify"
lie "v1 checkpoint signed by another key" rekor rogue_key info --log "$R1"
LIE_TEXT="the old tree is not an inactive shard"
lie "v1 shard that changes tree ID" rekor new_tree_id info --log "$R1"
LIE_TEXT="inclusion proof: computed root hash"
lie "v1 entry with a wrong inclusion proof" rekor bad_entry_proof \
    get --index "$IDX" --log "$R1"
LIE_TEXT="log inconsistency: two checkpoints of size"
lie "v2 history rewritten (fork)" rekor2 fork info --log "$R2"
LIE_TEXT="does not verify"
lie "v2 checkpoint signed by another key" rekor2 rogue_key info --log "$R2"
LIE_TEXT="the tiles hash to another root"
lie "v2 tile whose hashes disagree with the checkpoint" rekor2 bad_tile \
    info --log "$R2"
LIE_TEXT="the tiles hash to another root"
lie "v2 bad tile under get" rekor2 bad_tile get --index "$IDX2" --log "$R2"
# the real tiles do not hash to the forked root
sign v2b "$SIGNET_TESTBED_SIGNING_CONFIG_V2" || bad "sign v2 again"
LIE_TEXT="the tiles hash to another root"
lie "v2 fork after the log grew" rekor2 fork consistency --log "$R2" \
    --from "$tmp/cp.note"
run info
expect_rc "after the lies, the logs check again" 0 "consistent"

# a log that is down cannot be checked: 2, nothing stored
before=$(states)
fault rekor status status=503 count=10
run info --log "$R1"
expect_rc "a log that does not answer cannot be checked" 2
[ "$(states)" = "$before" ] && ok "nothing stored when unchecked" ||
    bad "stored when unchecked"
"$ROOT/scripts/testbed" reset "$TB" >/dev/null

# --- production data offline --------------------------------------------
CONF=$ROOT/testdata/conformance/bundle-verify
for d in "$CONF"/*/; do
	name=$(basename "$d")
	b=$d/bundle.sigstore.json
	[ -f "$b" ] || continue
	case $name in
	*_fail) continue ;;
	esac
	tr=$d/trusted_root.json
	[ -f "$tr" ] || tr=
	"$SIGNET" tlog get --bundle "$b" ${tr:+--trusted-root "$tr"} \
	    --state "$tmp/none" >"$tmp/out" 2>&1
	rc=$?
	expect_rc "conformance $name: entry re-verified offline" 0 "verified:"
done
for name in checkpoint-wrong-roothash_fail invalid-checkpoint-signature_fail \
    set-invalid-signature_fail rekor2-checkpoint-missing-log-signature_fail \
    rekor2-checkpoint-no-matching-signature_fail; do
	d=$CONF/$name
	tr=$d/trusted_root.json
	[ -f "$tr" ] || tr=
	"$SIGNET" tlog get --bundle "$d/bundle.sigstore.json" \
	    ${tr:+--trusted-root "$tr"} --state "$tmp/none" >"$tmp/out" 2>&1
	rc=$?
	expect_rc "conformance $name: refused offline" 1
done

# --- a retired log that keeps growing -------------------------------------
# Both logs retired now (their keys' validity ends this instant): a retired
# log that stays at its final checkpoint passes; one that takes entries
# after its end (lie keeps_growing: the testbed logs one more entry before
# it answers) is a finding, exit 1, the stored checkpoint kept and the
# evidence written, whether a checkpoint was stored after the end (v1, v2)
# or none was (v1: its newest entry's integrated time)
node -e 'const fs = require("fs"); const t = JSON.parse(fs.readFileSync(
    process.argv[1], "utf8")); const now = new Date().toISOString();
    for (const l of t.tlogs) l.publicKey.validFor.end = now;
    fs.writeFileSync(process.argv[2], JSON.stringify(t));' \
    "$TR" "$tmp/tr-ended.json"
sleep 2
runr() {
	"$SIGNET" tlog "$@" --trusted-root "$tmp/tr-ended.json" \
	    >"$tmp/stdout" 2>"$tmp/err"
	rc=$?
	cat "$tmp/stdout" "$tmp/err" >"$tmp/out"
}
runr info --log "$R2" --state "$tmp/ret2"
expect_rc "retired v2 log: its checkpoint stored after its end" 0 \
    "$R2 (retired): size"
runr info --log "$R2" --state "$tmp/ret2"
expect_rc "retired v2 log that does not grow passes" 0 \
    "consistent with the stored checkpoint"
runr info --log "$R1" --state "$tmp/ret1"
expect_rc "retired v1 log, newest entry before its end: stored" 0 \
    "first checkpoint stored"
runr info --log "$R1" --state "$tmp/ret1"
expect_rc "retired v1 log that does not grow passes" 0 \
    "consistent with the stored checkpoint"
before=$(md5sum <"$tmp/ret2")
fault rekor2 keeps_growing
runr info --log "$R2" --state "$tmp/ret2"
expect_rc "retired v2 log that keeps growing: a finding" 1 \
    "grew past the checkpoint stored after its end"
[ "$(md5sum <"$tmp/ret2")" = "$before" ] &&
    ok "retired v2 log grown: stored checkpoint kept" ||
    bad "retired v2 log grown: stored checkpoint changed"
grep -q "# latest checkpoint" "$tmp"/ret2.inconsistent-* 2>/dev/null &&
    ok "retired v2 log grown: the evidence holds both checkpoints" ||
    bad "retired v2 log grown: no evidence"
"$ROOT/scripts/testbed" reset "$TB" >/dev/null
runr info --log "$R2" --state "$tmp/ret2" --json
expect_rc "retired v2 log grown, --json: exit 1" 1 "grew past"
node -e 'const o = JSON.parse(require("fs").readFileSync(process.argv[1],
    "utf8")); if (o.finding !== "grew after its end" || !o.retired)
    process.exit(1);' "$tmp/stdout" &&
    ok "retired v2 log grown, --json: the finding on stdout" ||
    bad "retired v2 log grown, --json: $(cat "$tmp/stdout")"
runr watch --certificate-identity-regexp '.*' --log "$R2" \
    --state "$tmp/ret2" --once
expect_rc "watch on a retired v2 log that grew: a finding" 1 "grew past"
[ "$(md5sum <"$tmp/ret2")" = "$before" ] &&
    ok "watch on a grown retired log: stored checkpoint kept" ||
    bad "watch on a grown retired log: stored checkpoint changed"
fault rekor keeps_growing
runr info --log "$R1" --state "$tmp/ret1b"
expect_rc "retired v1 log, none stored, an entry after its end: a finding" 1 \
    "holds an entry integrated after its end"
[ ! -s "$tmp/ret1b" ] && ok "retired v1 log grown: nothing stored" ||
    bad "retired v1 log grown: a checkpoint stored"
"$ROOT/scripts/testbed" reset "$TB" >/dev/null
before=$(md5sum <"$tmp/ret1")
runr info --log "$R1" --state "$tmp/ret1"
expect_rc "retired v1 log grown past its stored checkpoint: a finding" 1 \
    "grew past the checkpoint stored after its end"
[ "$(md5sum <"$tmp/ret1")" = "$before" ] &&
    ok "retired v1 log grown: stored checkpoint kept" ||
    bad "retired v1 log grown: stored checkpoint changed"

# --- watch regexps on adversarial certificates --------------------------
# Self-signed certificates logged as they are (Rekor checks the signature,
# not the chain): the identity where an attacker would put it other than
# a SAN, several SANs, a DNS SAN, issuer extensions that disagree.  Watch
# settles most certificates on a light read of the DER and must report
# exactly what the full parse reports.
for f in "$SIGNET_CACHE_DIR"/tlog/*; do
	case $f in *.lock | *.inconsistent-*) continue ;; esac
	head -n 1 "$f" | grep -q ' - ' && cp "$f" "$tmp/adv-start"
done
# advcert NAME CN EXTENSION-LINES...: logs a hashedrekord under it in R1
advcert() {
	name=$1 cn=$2
	shift 2
	printf '[req]\ndistinguished_name=dn\nprompt=no\nx509_extensions=v3\n' \
	    >"$tmp/adv.cnf"
	printf '[dn]\nCN=%s\n[v3]\n' "$cn" >>"$tmp/adv.cnf"
	printf '%s\n' "$@" >>"$tmp/adv.cnf"
	head -c 64 /dev/urandom >"$tmp/adv.art"
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -keyout "$tmp/adv.key" -out "$tmp/adv.pem" -days 1 \
	    -config "$tmp/adv.cnf" >/dev/null 2>&1 &&
	    sig=$(openssl dgst -sha256 -sign "$tmp/adv.key" "$tmp/adv.art" |
	    base64 | tr -d '\n') &&
	    dig=$(sha256sum "$tmp/adv.art" | cut -d' ' -f1) &&
	    pem=$(base64 <"$tmp/adv.pem" | tr -d '\n') &&
	    curl -sf -X POST -H 'Content-Type: application/json' -d \
	    "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{
	    \"data\":{\"hash\":{\"algorithm\":\"sha256\",\"value\":\"$dig\"}},
	    \"signature\":{\"content\":\"$sig\",\"publicKey\":{
	    \"content\":\"$pem\"}}}}" "$R1/api/v1/log/entries" >/dev/null ||
	    bad "log the $name certificate"
}
hexof() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
advcert subject victim@example.com \
    "subjectAltName=email:attacker@example.com" \
    "1.2.3.4=ASN1:UTF8String:victim@example.com" \
    "1.3.6.1.4.1.57264.1.5=DER:$(hexof victim@example.com)"
advcert dns nobody "subjectAltName=DNS:victim.example.com,email:o@example.com"
advcert multi nobody "subjectAltName=email:a@example.com,\
URI:https://victim.example/x,email:victim@example.com"
advcert conflict nobody "subjectAltName=email:victim2@example.com" \
    "1.3.6.1.4.1.57264.1.1=DER:$(hexof https://good.example)" \
    "1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:https://evil.example"
advcert issuer nobody "subjectAltName=email:victim3@example.com" \
    "1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:https://good.example"
watch_adv() {
	cp "$tmp/adv-start" "$tmp/adv-state"
	run watch --log "$R1" --state "$tmp/adv-state" --once "$@"
}
watch_adv --certificate-identity-regexp '.*victim@example\.com'
expect_rc "regexp: not the subject nor another extension, the third SAN" 0 \
    "scanned, 1 matches"
grep -q "identity victim@example.com" "$tmp/out" &&
    ok "regexp: the match names the SAN it matched" || bad "SAN named"
watch_adv --certificate-identity-regexp 'attacker@example\.com'
expect_rc "regexp: the SAN of a certificate naming someone else elsewhere" 0 \
    "scanned, 1 matches"
watch_adv --certificate-identity-regexp 'victim\.example\.com'
expect_rc "regexp: a DNS SAN is not an identity" 0 "scanned, 0 matches"
watch_adv --certificate-identity-regexp 'https://victim\.example/.*'
expect_rc "regexp: a URI SAN among email SANs" 0 "scanned, 1 matches"
watch_adv --certificate-identity-regexp 'victim2@example\.com'
expect_rc "regexp: issuer extensions that disagree, no issuer asked" 0 \
    "scanned, 1 matches"
watch_adv --certificate-identity-regexp 'victim2@example\.com' \
    --certificate-oidc-issuer-regexp 'https://good\.example'
expect_rc "regexp: issuer extensions that disagree match no issuer" 0 \
    "scanned, 0 matches"
watch_adv --certificate-identity-regexp 'victim3@example\.com' \
    --certificate-oidc-issuer-regexp 'https://(good|other)\.example'
expect_rc "regexp: identity and issuer (.8) both matched" 0 \
    "scanned, 1 matches"
watch_adv --certificate-identity-regexp 'victim3@example\.com' \
    --certificate-oidc-issuer-regexp 'https://evil\.example'
expect_rc "regexp: another issuer is not matched" 0 "scanned, 0 matches"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
