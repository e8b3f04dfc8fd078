#!/bin/sh
# deps.sh: install every Debian package that building and testing signet
# need, and the testbed's Node packages.  Idempotent: packages already
# present are left alone, and nothing is downloaded when nothing is
# missing.  Run as root, or as a user with sudo.
#
#   scripts/deps.sh          install what is missing
#   scripts/deps.sh --check  exit 1 (and list them) if anything is missing
#
# The Node part (the local Sigstore testbed, scripts/testbed): curl and jq
# for its self-test, nodejs and npm from apt only if `node` is absent, then
# `npm ci` in scripts/testbed-server when node_modules is missing or stale
# against package-lock.json.  SIGNET_DEPS_NODE=0 skips the Node part.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRV=$ROOT/scripts/testbed-server
NODE_PART=${SIGNET_DEPS_NODE:-1}

PKGS="make gcc pkg-config ca-certificates openssl
libssl-dev libcurl4-openssl-dev libcjson-dev libfido2-dev libcbor-dev
libcriterion-dev libsodium-dev libpcre2-dev
clang libclang-rt-14-dev time
libp11-kit-dev p11-kit softhsm2 opensc gnutls-bin"
# scripts/e2e-slurm.sh: a one-machine Slurm (munged, slurmctld, slurmd)
PKGS="$PKGS slurm-wlm"
if [ "$NODE_PART" != 0 ]; then
	PKGS="$PKGS curl jq"
	if ! command -v node >/dev/null 2>&1; then
		PKGS="$PKGS nodejs npm"
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

if [ -z "$missing" ] && [ "$node_stale" -eq 0 ]; then
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	[ -n "$missing" ] && echo "deps.sh: missing packages:$missing" >&2
	[ "$node_stale" -eq 1 ] &&
	    echo "deps.sh: scripts/testbed-server/node_modules is missing or stale" >&2
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
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ "$node_stale" -eq 1 ]; then
	echo "deps.sh: npm ci in scripts/testbed-server" >&2
	if ! (cd "$SRV" && npm ci --no-audit --no-fund --loglevel=error \
	    >/dev/null); then
		echo "deps.sh: npm ci failed in $SRV" >&2
		exit 2
	fi
	lock_hash >"$STAMP"
fi
