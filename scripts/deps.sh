#!/bin/sh
# deps.sh: install every Debian package that building and testing signet
# need, and the testbed's Node and Node packages.  Idempotent: packages
# already present are left alone, and nothing is downloaded when nothing
# is missing.  Run as root, or as a user with sudo.
#
#   scripts/deps.sh                  install what is missing
#   scripts/deps.sh --check          exit 1 (and list them) if anything is
#                                    missing; installs nothing
#   scripts/deps.sh --check --build  the same for building only (make,
#                                    make install): no test tools, no Node
#   scripts/deps.sh --node           print the node the testbed runs
#                                    (exit 1 if none satisfies its engines)
#
# The Node part (the local Sigstore testbed, scripts/testbed): curl and jq
# for its self-test; a node that satisfies the "engines" range of
# scripts/testbed-server/package.json, else one fetched from the npm
# registry (the node-linux-ARCH package, pinned below with its sha512)
# into scripts/testbed-server/.node/, with apt's nodejs and npm only as
# the means to fetch it; then `npm ci` in scripts/testbed-server when
# node_modules is missing or stale against package-lock.json.
# SIGNET_DEPS_NODE=0 skips the Node part.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRV=$ROOT/scripts/testbed-server
LOCAL_NODE=$SRV/.node/bin/node
NODE_PART=${SIGNET_DEPS_NODE:-1}

# The Node fetched when none on the machine is recent enough (Debian 12's
# nodejs is 18.19): it must satisfy the engines range of package.json.
NODE_PIN=22.23.5
NODE_SHA512_x64=3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==
NODE_SHA512_arm64=e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==

mode=install
build_only=0
for a in "$@"; do
	case $a in
	--check) mode=check ;;
	--build) build_only=1 ;;
	--node) mode=node ;;
	*)
		echo "usage: scripts/deps.sh [--check [--build] | --node]" >&2
		exit 2
		;;
	esac
done
if [ "$build_only" -eq 1 ]; then
	NODE_PART=0
fi

# What `make` and `make install` need.
BUILD_PKGS="make gcc pkg-config libssl-dev libcurl4-openssl-dev
libcjson-dev libfido2-dev libcbor-dev libsodium-dev libpcre2-dev
libp11-kit-dev"
# What the tests, checks, fuzzing and benchmarks add: the PKCS#11 tests'
# SoftHSM2 token and its tools (scripts/e2e-pkcs11.sh), a one-machine
# Slurm (munged, slurmctld, slurmd: scripts/e2e-slurm.sh), PyYAML for the
# offline check of the Kubernetes examples (scripts/k8s-check.py).
TEST_PKGS="ca-certificates openssl libcriterion-dev clang libclang-rt-14-dev
time shellcheck clang-format-14 git p11-kit softhsm2 opensc gnutls-bin
slurm-wlm python3-yaml"

# semver_ok VERSION RANGE: VERSION (1.2.3, a leading v allowed) satisfies
# the npm range RANGE, as "engines" writes them: alternatives joined by
# ||, each a space-separated conjunction of ^X.Y.Z, ~X.Y.Z, >=, >, <=, <,
# = or a bare version, where a bare X or X.Y matches that major (minor).
semver_ok() {
	printf '%s\n' "$2" | awk -v ver="$1" '
	function norm(v, a, n) {
		sub(/^v/, "", v)
		sub(/[-+].*$/, "", v)
		n = split(v, a, ".")
		P[1] = a[1] + 0
		P[2] = (n >= 2 && a[2] != "x") ? a[2] + 0 : -1
		P[3] = (n >= 3 && a[3] != "x") ? a[3] + 0 : -1
		if (a[1] !~ /^[0-9]+$/)
			bad = 1
	}
	# cmp against P (missing parts count as 0): -1, 0, 1
	function cmp(i) {
		for (i = 1; i <= 3; i++) {
			if (V[i] < (P[i] < 0 ? 0 : P[i]))
				return -1
			if (V[i] > (P[i] < 0 ? 0 : P[i]))
				return 1
		}
		return 0
	}
	function term(t, op, c) {
		op = t
		sub(/[0-9vx].*$/, "", op)
		sub(/^[^0-9vx]*/, "", t)
		norm(t)
		if (bad)
			return 0
		c = cmp()
		if (op == ">=")
			return c >= 0
		if (op == ">")
			return c > 0
		if (op == "<=")
			return c <= 0
		if (op == "<")
			return c < 0
		if (op == "^") {
			if (c < 0 || V[1] != P[1])
				return 0
			if (P[1] == 0 && P[2] >= 0 && V[2] != P[2])
				return 0
			return 1
		}
		if (op == "~")
			return c >= 0 && V[1] == P[1] &&
			    (P[2] < 0 || V[2] == P[2])
		if (op == "=" || op == "") {
			if (V[1] != P[1])
				return 0
			if (P[2] >= 0 && V[2] != P[2])
				return 0
			if (P[3] >= 0 && V[3] != P[3])
				return 0
			return 1
		}
		bad = 1
		return 0
	}
	{
		norm(ver)
		if (bad || P[2] < 0 || P[3] < 0)
			exit 1
		V[1] = P[1]; V[2] = P[2]; V[3] = P[3]
		n = split($0, alt, /\|\|/)
		for (i = 1; i <= n; i++) {
			# ">= 20" is ">=20"
			s = alt[i]
			gsub(/>= +/, ">=", s)
			gsub(/<= +/, "<=", s)
			gsub(/> +/, ">", s)
			gsub(/< +/, "<", s)
			gsub(/= +/, "=", s)
			gsub(/\^ +/, "^", s)
			gsub(/~ +/, "~", s)
			m = split(s, t, " ")
			if (m == 0)
				continue
			all = 1
			for (j = 1; j <= m; j++)
				if (!term(t[j]))
					all = 0
			if (bad)
				exit 2
			if (all)
				exit 0
		}
		exit 1
	}'
}

# The engines range of the testbed ("node" under "engines").
node_range() {
	awk '/"engines"/ { e = 1 }
	    e && /"node"/ { sub(/^[^:]*: *"/, ""); sub(/".*$/, ""); print;
	    exit }' "$SRV/package.json"
}

# find_node: print the node the testbed runs (the fetched one first), if
# one satisfies the range.
find_node() {
	range=$(node_range)
	[ -n "$range" ] || { echo "deps.sh: no engines.node in package.json" >&2;
	    return 2; }
	for n in "$LOCAL_NODE" "$(command -v node 2>/dev/null || true)"; do
		if [ -z "$n" ] || [ ! -x "$n" ]; then
			continue
		fi
		v=$("$n" --version 2>/dev/null) || continue
		if semver_ok "$v" "$range"; then
			echo "$n"
			return 0
		fi
	done
	return 1
}

if [ "$mode" = node ]; then
	find_node
	exit
fi

PKGS=$BUILD_PKGS
node_missing=0
if [ "$build_only" -eq 0 ]; then
	PKGS="$PKGS $TEST_PKGS"
fi
if [ "$NODE_PART" != 0 ]; then
	PKGS="$PKGS curl jq"
	if ! find_node >/dev/null; then
		node_missing=1
		# apt's node (18 on Debian 12) is too old to run the testbed;
		# its npm fetches the pinned one.
		command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
	fi
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

# node_modules is current when its stamp holds the hash of the lock file.
lock_hash() {
	cat "$SRV/package.json" "$SRV/package-lock.json" | sha256sum | cut -d' ' -f1
}
STAMP=$SRV/node_modules/.signet-lock.sha256
node_stale=0
if [ "$NODE_PART" != 0 ]; then
	if [ ! -d "$SRV/node_modules" ] || [ ! -f "$STAMP" ] ||
	    [ "$(cat "$STAMP")" != "$(lock_hash)" ]; then
		node_stale=1
	fi
fi

if [ -z "$missing" ] && [ "$node_stale" -eq 0 ] && [ "$node_missing" -eq 0 ]
then
	exit 0
fi
if [ "$mode" = check ]; then
	if [ -n "$missing" ]; then
		echo "deps.sh: missing Debian packages:$missing;" \
		    "run \`make deps\` (as root) or install them" >&2
	fi
	if [ "$node_missing" -eq 1 ]; then
		echo "deps.sh: no node satisfies \"$(node_range)\"" \
		    "(scripts/testbed-server/package.json engines);" \
		    "run \`make deps\`" >&2
	fi
	if [ "$node_stale" -eq 1 ]; then
		echo "deps.sh: scripts/testbed-server/node_modules is missing" \
		    "or stale; run \`make deps\`" >&2
	fi
	exit 1
fi

if [ -n "$missing" ]; then
	echo "deps.sh: installing:$missing" >&2
	SUDO=""
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1; then
			SUDO="sudo"
		else
			echo "deps.sh: need root (or sudo) to install:$missing" >&2
			exit 2
		fi
	fi
	export DEBIAN_FRONTEND=noninteractive
	# The package lists may be stale on a fresh machine: refresh once,
	# then install.  --no-install-recommends keeps the set small and
	# predictable.
	$SUDO apt-get update -qq >/dev/null || true
	# shellcheck disable=SC2086 # a list of package names, split on purpose
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# fetch_node: the pinned node-linux-ARCH from the npm registry, its sha512
# checked against the pin, unpacked into scripts/testbed-server/.node/.
fetch_node() {
	case $(uname -m) in
	x86_64 | amd64) arch=x64; sum=$NODE_SHA512_x64 ;;
	aarch64 | arm64) arch=arm64; sum=$NODE_SHA512_arm64 ;;
	*)
		echo "deps.sh: no pinned Node for $(uname -m): install a node" \
		    "that satisfies \"$(node_range)\"" >&2
		return 2
		;;
	esac
	echo "deps.sh: fetching node-linux-$arch@$NODE_PIN from the npm registry" >&2
	t=$(mktemp -d)
	if ! (cd "$t" && npm pack --silent "node-linux-$arch@$NODE_PIN" \
	    >/dev/null 2>"$t/err"); then
		cat "$t/err" >&2
		rm -rf "$t"
		echo "deps.sh: npm pack node-linux-$arch@$NODE_PIN failed" >&2
		return 2
	fi
	got=$(openssl dgst -sha512 -binary "$t/node-linux-$arch-$NODE_PIN.tgz" |
	    base64 -w0)
	if [ "$got" != "$sum" ]; then
		rm -rf "$t"
		echo "deps.sh: node-linux-$arch-$NODE_PIN.tgz: sha512 differs" \
		    "from the pin" >&2
		return 2
	fi
	mkdir -p "$t/x"
	tar -xzf "$t/node-linux-$arch-$NODE_PIN.tgz" -C "$t/x" package/bin/node
	rm -rf "$SRV/.node"
	mkdir -p "$SRV/.node/bin"
	mv "$t/x/package/bin/node" "$LOCAL_NODE"
	rm -rf "$t"
}

if [ "$node_missing" -eq 1 ]; then
	fetch_node
	if ! find_node >/dev/null; then
		echo "deps.sh: $LOCAL_NODE does not satisfy \"$(node_range)\"" >&2
		exit 2
	fi
fi

if [ "$node_stale" -eq 1 ]; then
	echo "deps.sh: npm ci in scripts/testbed-server" >&2
	# npm runs under the node the testbed runs.
	nodedir=$(dirname "$(find_node)")
	if ! (cd "$SRV" && PATH=$nodedir:$PATH npm ci --no-audit --no-fund \
	    --loglevel=error >/dev/null); then
		echo "deps.sh: npm ci failed in $SRV" >&2
		exit 2
	fi
	lock_hash >"$STAMP"
fi
