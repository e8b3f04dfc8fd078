#!/bin/sh
# e2e-model.sh [SIGNET]: models and datasets end to end, offline.
#   - every signed vector of model_signing (key, certificate and Sigstore
#     methods, v0.2.0 to v1.1.0) and the OMS v1.0 spec vectors verify;
#   - a changed, added or removed file, a wrong identity, key or CA fail
#     with exit 1 and a message naming what differs;
#   - signet signs directories with a key and with a certificate chain,
#     in files and shards, sha256 and blake2b, and verifies what it wrote;
#   - signet digest, incremental re-signing (--reuse-digests), walk
#     refusals and usage errors.
# Keyless model signing runs in e2e-sign.sh, against the local testbed.
# Prints "N passed, N failed".
set -u
SIGNET=${1:-build/signet}
case $SIGNET in /*) ;; *) SIGNET=$(pwd)/$SIGNET ;; esac
: "${ASAN_OPTIONS:=exitcode=99}"
export ASAN_OPTIONS
S=testdata/model-signing/signed
K=$S/keys/certificate
OMS=testdata/model-signing/oms-spec/test-vectors/v1.0
ID=stefanb@us.ibm.com
IDP=https://sigstore.verify.ibm.com/oauth2
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
SIGNET_CACHE_DIR=$tmp/cache
export SIGNET_CACHE_DIR
# shellcheck source=scripts/expect.sh
. "$(dirname "$0")/expect.sh"

# copy VECTOR: a writable copy of a signed vector directory.
copy() {
	rm -rf "${tmp:?}/$1"
	cp -R "$S/$1" "$tmp/$1"
	chmod -R u+w "$tmp/$1"
	echo "$tmp/$1"
}

# --- model_signing's signed vectors --------------------------------------
for v in v1.0.0 v1.1.0; do
	expect "$v sigstore method verifies" 0 \
	    "Verified OK.*|model .*root sha256:61d4849d" -- \
	    "$SIGNET" verify "$S/$v-sigstore" --identity "$ID" \
	    --identity-provider "$IDP" --ignore-paths "$S/$v-sigstore/ignore-me"
	expect "$v certificate method verifies" 0 "certificate chain" -- \
	    "$SIGNET" verify "$S/$v-certificate" \
	    --certificate-chain "$K/ca-cert.pem" \
	    --ignore-paths "$S/$v-certificate/ignore-me"
done
expect "v0.2.0 certificate method (Digests/v0.1, old PAE)" 0 \
    "malformed DSSE encoding" -- "$SIGNET" verify "$S/v0.2.0-certificate" \
    --certificate-chain "$K/ca-cert.pem"
expect "v1.1.0 key method (hint)" 0 "ECDSA P-384 \(given with --key\)" -- \
    "$SIGNET" verify "$S/v1.1.0-elliptic-key" \
    --public-key "$K/signing-key-pub.pem"
expect "v1.0.0 key method, single-file model (rawBytes)" 0 \
    "not a key hint" -- "$SIGNET" verify "$S/v1.0.0-elliptic-key/signme-1" \
    --signature "$S/v1.0.0-elliptic-key/model.sig" \
    --public-key "$K/signing-key-pub.pem"
expect "a single-file signature is not a directory's" 1 \
    "covers a single file" -- "$SIGNET" verify "$S/v1.0.0-elliptic-key" \
    --key "$K/signing-key-pub.pem"
expect "v1.1.0 recorded ignore_paths need no flag" 0 "Verified OK" -- \
    "$SIGNET" verify "$S/v1.1.0-certificate" \
    --certificate-chain "$K/ca-cert.pem"
expect "--json gives the model and its root" 0 \
    '"model":\{"path":.*"rootDigest":"sha256:61d4849d' -- \
    "$SIGNET" verify "$S/v1.1.0-sigstore" --identity "$ID" \
    --identity-provider "$IDP" --json

# The OMS v1.0 spec's vectors (signed over a copy of the 1.1.0 model).
m=$tmp/oms-model
mkdir -p "$m"
cp "$S/v1.1.0-elliptic-key/signme-1" "$S/v1.1.0-elliptic-key/signme-2" "$m/"
chmod u+w "$m"/*
expect "OMS valid key vector" 0 "Verified OK" -- "$SIGNET" verify "$m" \
    --bundle "$OMS/valid/key.bundle.json" --key "$K/signing-key-pub.pem"
expect "OMS valid certificate vector" 0 "Verified OK" -- "$SIGNET" verify \
    "$m" --bundle "$OMS/valid/certificate.bundle.json" \
    --certificate-chain "$K/ca-cert.pem"
expect "OMS valid sigstore vector" 0 "Verified OK" -- "$SIGNET" verify \
    "$S/v1.1.0-sigstore" --bundle "$OMS/valid/sigstore.bundle.json" \
    --identity "$ID" --identity-provider "$IDP"
for f in "$OMS"/invalid/*.json; do
	expect "OMS invalid $(basename "$f")" 1 "" -- "$SIGNET" verify "$m" \
	    --bundle "$f" --key "$K/signing-key-pub.pem"
done
expect "OMS invalid-payload wrong-predicate" 1 "" -- "$SIGNET" verify "$m" \
    --bundle "$OMS/invalid-payload/wrong-predicate.bundle.json" \
    --key "$K/signing-key-pub.pem"

# --- tampering ---------------------------------------------------------------
d=$(copy v1.1.0-sigstore)
printf 'X' | dd of="$d/signme-2" bs=1 seek=3 conv=notrunc 2>/dev/null
expect "a changed file is named" 1 "changed +signme-2" -- "$SIGNET" verify \
    "$d" --identity "$ID" --identity-provider "$IDP"
d=$(copy v1.1.0-sigstore)
echo new > "$d/added"
expect "an added file is named" 1 "extra +added" -- "$SIGNET" verify "$d" \
    --identity "$ID" --identity-provider "$IDP"
expect "--ignore-unsigned-files accepts it" 0 "Verified OK" -- \
    "$SIGNET" verify "$d" --identity "$ID" --identity-provider "$IDP" \
    --ignore-unsigned-files
rm "$d/signme-1"
expect "a removed file is named, even with --ignore-unsigned-files" 1 \
    "missing +signme-1" -- "$SIGNET" verify "$d" --identity "$ID" \
    --identity-provider "$IDP" --ignore-unsigned-files
d=$(copy v1.1.0-sigstore)
expect "a wrong identity" 1 "identity" -- "$SIGNET" verify "$d" \
    --identity someone@example.com --identity-provider "$IDP"
expect "a wrong issuer" 1 "issuer" -- "$SIGNET" verify "$d" \
    --identity "$ID" --identity-provider https://accounts.google.com
openssl x509 -in "$K/ca-cert.pem" -pubkey -noout > "$tmp/ca-pub.pem"
expect "a wrong key (the CA's, RSA)" 1 "RSA" -- "$SIGNET" verify \
    "$S/v1.1.0-elliptic-key" --key "$tmp/ca-pub.pem"
openssl ecparam -name secp384r1 -genkey -noout 2>/dev/null |
    openssl pkey -pubout > "$tmp/other-pub.pem"
expect "a wrong key (P-384)" 1 "key hint .* does not match" -- \
    "$SIGNET" verify "$S/v1.1.0-elliptic-key" --key "$tmp/other-pub.pem"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$tmp/other-ca.key" -out "$tmp/other-ca.pem" -days 2 \
    -subj /CN=other-ca 2>/dev/null
expect "a wrong CA" 1 "chain does not verify" -- "$SIGNET" verify \
    "$S/v1.1.0-certificate" --certificate-chain "$tmp/other-ca.pem"
expect "a message-signature bundle is not a model signature" 1 \
    "DSSE envelope" -- "$SIGNET" verify "$m" --model --bundle \
    testdata/vectors/rekor-v1-hashedrekord/bundle.sigstore.json \
    --certificate-identity x --certificate-oidc-issuer y
expect "no signature file" 2 "model.sig" -- "$SIGNET" verify "$m" \
    --key "$K/signing-key-pub.pem"

# --- signing with a key and with a certificate ------------------------------
mk=$tmp/model
mkdir -p "$mk/weights" "$mk/.git"
head -c 300000 /dev/urandom > "$mk/weights/a.bin"
head -c 5000 /dev/urandom > "$mk/weights/b.bin"
echo '{"arch": "tiny"}' > "$mk/config.json"
echo ref > "$mk/.git/HEAD"
expect "sign DIR --key" 0 "signed .*3 files.*-> .*model/model.sig" -- \
    "$SIGNET" sign "$mk" --key "$K/signing-key.pem" --offline
expect "... verifies with the public key" 0 "3 entries" -- \
    "$SIGNET" verify "$mk" --key "$K/signing-key-pub.pem"
expect "... is model_signing's key method (hint, no log)" 0 "" -- \
    grep -Eq '"hint":[[:space:]]*"e8450dec' "$mk/model.sig"
jq -r .dsseEnvelope.payload "$mk/model.sig" | base64 -d > "$tmp/stmt.json"
expect "... and records what it left out" 0 \
    '^\[".git",".gitattributes",".github",".gitignore","model.sig"\]$' -- \
    jq -c '.predicate.serialization.ignore_paths | sort' "$tmp/stmt.json"
expect "... with the OMS predicate and the root as subject" 0 \
    "^https://model_signing/signature/v1.0 model [0-9a-f]{64}$" -- \
    jq -r '"\(.predicateType) \(.subject[0].name) \(.subject[0].digest.sha256)"' \
    "$tmp/stmt.json"
expect "... but not with --require-tlog: it is not logged" 1 \
    "no transparency log entry" -- "$SIGNET" verify "$mk" \
    --key "$K/signing-key-pub.pem" --require-tlog
expect "... not with another key" 1 "hint" -- "$SIGNET" verify "$mk" \
    --key "$tmp/other-pub.pem"
# tar keeps hard links: another name for model.sig, its content free to
# carry anything in an extra JSON key, is an unsigned file like any other
ln "$mk/model.sig" "$mk/notes.json"
expect "a hard link to the signature is an extra, unsigned file" 1 \
    "differs from the signature: extra notes.json" -- "$SIGNET" verify \
    "$mk" --key "$K/signing-key-pub.pem"
rm "$mk/notes.json"
expect "sign DIR --key --signing-certificate --certificate-chain" 0 \
    "signed" -- "$SIGNET" sign "$mk" --key "$K/signing-key.pem" --offline \
    --signing-certificate "$K/signing-key-cert.pem" \
    --certificate-chain "$K/int-ca-cert.pem" --signature "$tmp/cert.sig"
expect "... verifies against the root CA" 0 "certificate chain" -- \
    "$SIGNET" verify "$mk" --signature "$tmp/cert.sig" \
    --certificate-chain "$K/ca-cert.pem"
expect "a certificate that is not the key's" 2 "" -- "$SIGNET" sign "$mk" \
    --key "$tmp/other-ca.key" --signing-certificate "$K/signing-key-cert.pem" \
    --bundle "$tmp/bad.sig"
expect "... leaves no signature behind" 1 "" -- test -e "$tmp/bad.sig"
expect "sign with shards and blake2b" 0 "signed .*shards" -- "$SIGNET" sign \
    "$mk" --key "$K/signing-key.pem" --offline --shard-size 65536 --hash blake2b \
    --bundle "$tmp/shards.sig"
expect "... verifies (hashing as the signature says)" 0 "8 entries" -- \
    "$SIGNET" verify "$mk" --bundle "$tmp/shards.sig" \
    --key "$K/signing-key-pub.pem"
# 16 zero bytes: random data that already holds them is not a worry
dd if=/dev/zero of="$mk/weights/a.bin" bs=1 count=16 seek=70000 \
    conv=notrunc 2>/dev/null
expect "... names the changed shard" 1 \
    "changed +weights/a.bin \(shard 65536-131072\)" -- "$SIGNET" verify \
    "$mk" --bundle "$tmp/shards.sig" --key "$K/signing-key-pub.pem"

# a single-file model: sign and verify agree on FILE.sig
sf=$tmp/single
mkdir -p "$sf"
head -c 3000 /dev/urandom > "$sf/w.bin"
expect "sign --model FILE writes FILE.sig" 0 "-> .*single/w.bin.sig" -- \
    "$SIGNET" sign --model "$sf/w.bin" --key "$K/signing-key.pem" --offline
expect "verify --model FILE reads FILE.sig" 0 "1 entry" -- \
    "$SIGNET" verify --model "$sf/w.bin" --key "$K/signing-key-pub.pem"
expect "--private-key and --key are one option" 2 "are one option" -- \
    "$SIGNET" sign --model "$sf/w.bin" --key "$K/signing-key.pem" \
    --private-key "$K/signing-key.pem" --offline

# --- signet digest ------------------------------------------------------------
expect "digest of model_signing's model" 0 \
    "^sha256:61d4849d9d90076d6215f4d525f13d6574af8e3f67aef3e6f36fc40a14fdd226$" \
    -- "$SIGNET" digest "$S/v1.0.0-certificate" --ignore-paths \
    "$S/v1.0.0-certificate/model.sig"
expect "digest leaves out DIR/model.sig, as sign and verify do" 0 \
    "^sha256:61d4849d9d90076d6215f4d525f13d6574af8e3f67aef3e6f36fc40a14fdd226$" \
    -- "$SIGNET" digest "$S/v1.0.0-certificate"
expect "digest of a single file" 0 "^sha256:afa48c8674afe334b8a7dea34f7b4" \
    -- "$SIGNET" digest "$S/v1.0.0-elliptic-key/signme-1"
expect "digest --manifest lists every file" 0 "^signme-2:32dcb1f8" -- \
    "$SIGNET" digest --manifest --signature "$S/v1.1.0-sigstore/model.sig" \
    "$S/v1.1.0-sigstore"

# --- incremental re-signing ---------------------------------------------------
r=$tmp/big
mkdir -p "$r"
for i in 1 2 3 4; do head -c 2000000 /dev/urandom > "$r/part$i"; done
"$SIGNET" sign "$r" --key "$K/signing-key.pem" --offline --quiet --bundle "$tmp/old.sig"
expect "re-signing an unchanged model reuses every digest" 0 \
    "0 bytes hashed, 7.6 MiB reused" -- "$SIGNET" sign "$r" \
    --key "$K/signing-key.pem" --offline --reuse-digests "$tmp/old.sig" \
    --bundle "$tmp/r1.sig"
sleep 0.01
head -c 2000000 /dev/urandom > "$r/part3"
expect "after a change, only the changed file is hashed" 0 \
    "1.9 MiB hashed, 5.7 MiB reused" -- "$SIGNET" sign "$r" \
    --key "$K/signing-key.pem" --offline --reuse-digests "$tmp/old.sig" \
    --bundle "$tmp/r2.sig"
expect "... and the new signature verifies" 0 "Verified OK" -- \
    "$SIGNET" verify "$r" --bundle "$tmp/r2.sig" --key "$K/signing-key-pub.pem"
cp "$tmp/old.sig" "$tmp/unseen.sig"
echo >> "$tmp/unseen.sig"
expect "a signature never seen here: everything is hashed" 0 \
    "no digest state.*hashing every file" -- "$SIGNET" sign "$r" \
    --key "$K/signing-key.pem" --offline --reuse-digests "$tmp/unseen.sig" \
    --bundle "$tmp/r3.sig"
cp "$S/v1.1.0-sigstore/model.sig" "$tmp/theirs.sig"
# verification writes nothing, unless asked (--record-digests)
expect "verify keeps no digest state unless asked" 0 \
    "no digest state.*hashing every file" -- sh -c "
    SIGNET_CACHE_DIR='$tmp/vcache' '$SIGNET' verify '$S/v1.1.0-sigstore' \
    --identity '$ID' --identity-provider '$IDP' --bundle '$tmp/theirs.sig' \
    >/dev/null 2>&1 && [ ! -e '$tmp/vcache' ] &&
    SIGNET_CACHE_DIR='$tmp/vcache' '$SIGNET' sign '$S/v1.1.0-sigstore' \
    --key '$K/signing-key.pem' --offline --reuse-digests '$tmp/theirs.sig' \
    --bundle '$tmp/r5.sig' --ignore-paths '$S/v1.1.0-sigstore/ignore-me'"
"$SIGNET" verify "$S/v1.1.0-sigstore" --identity "$ID" \
    --identity-provider "$IDP" --bundle "$tmp/theirs.sig" \
    --record-digests >/dev/null 2>&1
expect "a verified signature's digests are reused" 0 "reused" -- \
    "$SIGNET" sign "$S/v1.1.0-sigstore" --key "$K/signing-key.pem" --offline \
    --reuse-digests "$tmp/theirs.sig" --bundle "$tmp/r4.sig" \
    --ignore-paths "$S/v1.1.0-sigstore/ignore-me"

# Long hashing without a terminal: a progress line every 10 s (files,
# bytes, rate); --quiet silences it.  The hashing process is stopped for
# 10.5 s right after it starts (its clock runs on): a sparse 2 GiB file
# is still being hashed when it goes on.
progress_run() {
	"$SIGNET" digest --jobs 1 "$@" "$tmp/slow" >/dev/null 2>"$tmp/prog.err" &
	p=$!
	sleep 0.5
	kill -STOP $p
	sleep 10.5
	kill -CONT $p
	wait $p || return
	if grep -Eq '^signet: hashing: [0-9]+ of 1 files, [0-9.]+ [KMG]iB of 2\.0 GiB, [0-9.]+ [KMG]iB/s, [0-9]+ s$' \
	    "$tmp/prog.err"; then
		echo line
	else
		echo none
	fi
}
mkdir -p "$tmp/slow"
truncate -s 2G "$tmp/slow/big"
expect "without a terminal, a progress line every 10 s" 0 "^line$" -- \
    progress_run
expect "--quiet: no progress line" 0 "^none$" -- progress_run --quiet
rm -rf "$tmp/slow"

# no command creates $HOME; the digest states are pruned to a bound
expect "no command creates \$HOME" 0 "^absent$" -- sh -c "
    unset SIGNET_CACHE_DIR XDG_CACHE_HOME; HOME='$tmp/no-home' \
    '$SIGNET' sign '$r' --key '$K/signing-key.pem' --offline --quiet \
    --bundle '$tmp/r6.sig' && { [ -e '$tmp/no-home' ] && echo present ||
    echo absent; }"
mkdir -p "$tmp/prune/digests"
i=0
while [ $i -lt 70 ]; do
	f=$(printf '%064x' $i)
	echo old > "$tmp/prune/digests/$f"
	touch -d "2020-01-01 00:00:$((i % 60))" "$tmp/prune/digests/$f"
	i=$((i + 1))
done
echo mine > "$tmp/prune/digests/keep-me"
expect "the digest states are pruned to 64, the newest kept" 0 "^64 1 1$" \
    -- sh -c "SIGNET_CACHE_DIR='$tmp/prune' '$SIGNET' sign '$r' \
    --key '$K/signing-key.pem' --offline --quiet --bundle '$tmp/r7.sig' &&
    n=\$(ls '$tmp/prune/digests' | grep -c '^[0-9a-f]\{64\}\$') &&
    new=\$(sha256sum < '$tmp/r7.sig' | cut -d' ' -f1) &&
    echo \$n \$(ls '$tmp/prune/digests' | grep -c \$new) \
    \$(ls '$tmp/prune/digests' | grep -c keep-me)"

ln -s config.json "$mk/alias"
expect "a symlink the signature's policy refuses fails verification" 1 \
    "alias: is a symlink" -- "$SIGNET" verify "$mk" \
    --key "$K/signing-key-pub.pem"
rm "$mk/alias"
mkfifo "$mk/pipe"
expect "a FIFO in a signed model fails verification, without waiting" 1 \
    "pipe: is a FIFO" -- timeout 10 "$SIGNET" verify "$mk" \
    --key "$K/signing-key-pub.pem"
expect "... and is refused when signing" 2 "pipe: is a FIFO" -- \
    timeout 10 "$SIGNET" sign "$mk" --key "$K/signing-key.pem" --offline \
    --bundle "$tmp/fifo.sig"
rm "$mk/pipe"

# --- the walk and usage -------------------------------------------------------
w=$tmp/walk
mkdir -p "$w"
echo x > "$w/file"
ln -s file "$w/link"
expect "symlinks are refused by default" 2 "link: is a symlink" -- \
    "$SIGNET" digest "$w"
expect "... hashed under their name with --allow-symlinks" 0 "^link:" -- \
    "$SIGNET" digest --manifest --allow-symlinks "$w"
ln -s /etc/hostname "$w/out"
expect "links out of the model are refused" 2 "outside the model" -- \
    "$SIGNET" digest --allow-symlinks "$w"
rm "$w/out" "$w/link"
mkfifo "$w/fifo"
expect "FIFOs are refused" 2 "fifo: is a FIFO" -- "$SIGNET" digest "$w"
rm "$w/fifo"
truncate -s 3G "$w/sparse"
( sleep 0.4; truncate -s 4096 "$w/sparse" ) &
expect "a file that shrinks while it is hashed: one line, exit 2" 2 \
    "shrank while it was being hashed|changed size" -- "$SIGNET" digest \
    --jobs 1 "$w"
wait
rm "$w/sparse"
expect "--shard-size takes a number" 2 "--shard-size" -- "$SIGNET" digest \
    --shard-size 12x "$w"
expect "--jobs takes a number" 2 "--jobs" -- "$SIGNET" digest --jobs 0 "$w"
expect "--hash takes sha256 or blake2b" 2 "--hash" -- "$SIGNET" digest \
    --hash md5 "$w"
expect "a missing model" 2 "No such file" -- "$SIGNET" digest "$tmp/none"
expect "--key with --in-toto" 2 "alone" -- "$SIGNET" sign --in-toto \
    --key "$K/signing-key.pem" --offline "$w"
expect "--certificate-chain without --signing-certificate" 2 \
    "needs --signing-certificate" -- "$SIGNET" sign "$w" \
    --key "$K/signing-key.pem" --offline --certificate-chain "$K/int-ca-cert.pem"
expect "an unreadable key" 2 "key" -- "$SIGNET" sign "$w" \
    --key "$tmp/none.pem"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
