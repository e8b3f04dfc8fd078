#!/bin/sh
# deps.sh: install every Debian package that building and testing signet
# need.  Idempotent: packages already present are left alone, and nothing
# is downloaded when nothing is missing.  Run as root, or as a user with
# sudo.
#
#   scripts/deps.sh          install what is missing
#   scripts/deps.sh --check  exit 1 (and list them) if anything is missing
set -eu

PKGS="make gcc pkg-config ca-certificates openssl
libssl-dev libcurl4-openssl-dev libcjson-dev libfido2-dev libcriterion-dev
clang libclang-rt-14-dev"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	echo "deps.sh: missing packages:$missing" >&2
	exit 1
fi

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
# The package lists may be stale on a fresh machine: refresh once, then
# install.  --no-install-recommends keeps the set small and predictable.
$SUDO apt-get update -qq >/dev/null || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
