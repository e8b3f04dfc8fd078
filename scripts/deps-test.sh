#!/bin/sh
# deps-test.sh: what scripts/deps.sh and the Makefile do about missing
# packages, against fake dpkg-query, apt-get, sudo, npm and node first on
# PATH (so nothing is ever installed, and the machine's packages do not
# matter): make, make install and make of a single file only check and
# stop with the list of what is missing; make deps and make test install
# first, before config.mk is made; the build never looks at node; and the
# engines range check (semver_ok) decides as npm does.
# Prints "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$ROOT" || exit 2
# shellcheck source=scripts/expect.sh
. "$ROOT/scripts/expect.sh"

# The fakes.  dpkg-query calls every package in $tmp/missing absent until
# apt-get "installs" it; apt-get and npm log their arguments and fail when
# $tmp/apt-fails exists; node logs that it ran.
mkdir -p "$tmp/bin"
real_dpkg_query=$(command -v dpkg-query)
cat >"$tmp/bin/dpkg-query" <<EOF
#!/bin/sh
for p; do :; done
if grep -qx "\$p" "$tmp/missing" 2>/dev/null; then
	exit 1
fi
exec "$real_dpkg_query" "\$@"
EOF
cat >"$tmp/bin/apt-get" <<EOF
#!/bin/sh
echo "apt-get \$*" >>"$tmp/log"
[ -f "$tmp/apt-fails" ] && exit 100
if [ "\$1" != update ]; then
	for p; do sed -i "/^\$p\\\$/d" "$tmp/missing"; done
fi
exit 0
EOF
cat >"$tmp/bin/npm" <<EOF
#!/bin/sh
echo "npm \$*" >>"$tmp/log"
exit 1
EOF
cat >"$tmp/bin/node" <<EOF
#!/bin/sh
echo "node \$*" >>"$tmp/log"
exit 1
EOF
cat >"$tmp/bin/sudo" <<'EOF'
#!/bin/sh
exec "$@"
EOF
chmod +x "$tmp/bin/"*
FAKEPATH=$tmp/bin:$PATH

# fresh PACKAGE...: a new build directory, those packages missing, an
# empty log
fresh() {
	rm -rf "$tmp/b" "$tmp/d" "$tmp/log" "$tmp/apt-fails"
	: >"$tmp/missing"
	for p; do echo "$p" >>"$tmp/missing"; done
}

# mk ARGS...: make in the tree, with the fakes, into $tmp/b; SIGNET_DEPS_NODE=0
# (the Node part has its own case) unless the caller set it
mk() {
	PATH=$FAKEPATH SIGNET_DEPS_NODE=${SIGNET_DEPS_NODE:-0} \
	    make --no-print-directory BUILD="$tmp/b" "$@"
}

# nothing_installed: neither apt-get nor npm ran, no config.mk was made
nothing_installed() {
	[ ! -s "$tmp/log" ] && [ ! -f "$tmp/b/config.mk" ]
}

# shellcheck disable=SC2016 # the backquotes of the message
msg='missing Debian packages: libcjson-dev libsodium-dev; run `make deps` \(as root\) or install them'

fresh libcjson-dev libsodium-dev
expect "make stops with the list of missing packages" 2 "$msg" -- mk
expect "make installed nothing" 0 "" -- nothing_installed

fresh libcjson-dev libsodium-dev
expect "make install stops with the list, installs nothing" 2 "$msg" -- \
    mk install DESTDIR="$tmp/d"
expect "make install installed nothing" 0 "" -- nothing_installed
expect "make install wrote nothing" 1 "" -- test -e "$tmp/d"

fresh libcjson-dev libsodium-dev
expect "make of one object stops with the list" 2 "$msg" -- \
    mk "$tmp/b/obj/pkg/core/buf.o"
expect "make of one object installed nothing" 0 "" -- nothing_installed

# The build needs no test package and no node: with Criterion, shellcheck
# and clang missing and a node that fails when run, config.mk is made.
fresh libcriterion-dev shellcheck clang
# shellcheck disable=SC2016 # sh -c expands its own arguments
expect "the build needs no test package" 0 "" -- \
    env SIGNET_DEPS_NODE=1 sh -c 'PATH=$0 make --no-print-directory \
    BUILD="$1" "$1/config.mk"' "$FAKEPATH" "$tmp/b"
expect "the build never ran node, apt-get or npm" 1 "" -- test -s "$tmp/log"

# make deps and make test install first, then make config.mk (its
# --check --build would fail had the install not run first).
fresh libcjson-dev
expect "make deps installs what is missing, then config.mk is made" 0 "" -- \
    mk deps "$tmp/b/config.mk"
expect "apt-get installed the missing package" 0 "" -- \
    grep -q 'apt-get install .*libcjson-dev' "$tmp/log"
expect "config.mk was made" 0 "" -- test -s "$tmp/b/config.mk"

fresh libcjson-dev
: >"$tmp/apt-fails"
expect "make test installs first, and stops when that fails" 2 \
    "could not install" -- mk test
expect "make test tried apt-get" 0 "" -- \
    grep -q 'apt-get install .*libcjson-dev' "$tmp/log"
expect "make test made no config.mk before deps" 1 "" -- \
    test -e "$tmp/b/config.mk"

fresh libcjson-dev
expect "make -n test installs nothing (and the check stops it)" 2 \
    "missing Debian packages: libcjson-dev; run" -- \
    mk -n test
expect "make -n test ran no apt-get" 1 "" -- test -s "$tmp/log"

fresh libcjson-dev
expect "deps.sh --check lists, installs nothing" 1 "$msg|libcjson-dev" -- \
    env PATH="$FAKEPATH" SIGNET_DEPS_NODE=0 scripts/deps.sh --check
expect "deps.sh --check ran no apt-get" 1 "" -- test -s "$tmp/log"
expect "deps.sh rejects an unknown option" 2 "usage" -- \
    env PATH="$FAKEPATH" scripts/deps.sh --instal

# The engines range check, the function deps.sh runs.
eval "$(sed -n '/^semver_ok()/,/^}/p' scripts/deps.sh)"
R=$(sed -n 's/.*"node": "\(.*\)".*/\1/p' scripts/testbed-server/package.json)
expect "package.json engines is the pinned packages' range" 0 "" -- \
    test "$R" = '^22.22.2 || ^24.15.0 || >=26.0.0'
for c in "v22.22.2 0" "v22.23.5 0" "v24.15.0 0" "v26.0.0 0" "v31.2.3 0" \
    "v18.19.0 1" "v20.20.2 1" "v22.22.1 1" "v23.11.0 1" "v24.14.9 1" \
    "v25.9.0 1" "v2.22.2 1" "v220.0.0 0" "junk 1" "v22 1"; do
	v=${c% *}
	expect "node $v against the engines range: ${c#* }" "${c#* }" "" -- \
	    semver_ok "$v" "$R"
done
expect "a bare major is that major" 0 "" -- semver_ok v20.1.0 '18 || 20 || >=22'
expect "a bare major is only that major" 1 "" -- semver_ok v21.1.0 '18 || 20 || >=22'
expect "a conjunction needs every term" 1 "" -- \
    semver_ok v14.16.0 '>=16 || 14 >=14.17'
expect "a spaced operator" 0 "" -- semver_ok v20.0.0 '>= 20'
expect "a caret on 0.x keeps the minor" 1 "" -- semver_ok v0.3.0 '^0.2.3'
expect "an operator it does not know is an error" 2 "" -- \
    semver_ok v1.2.3 '!1'
# The pinned node satisfies the range.
pin=$(sed -n 's/^NODE_PIN=//p' scripts/deps.sh)
expect "the pinned node $pin satisfies the range" 0 "" -- semver_ok "$pin" "$R"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
