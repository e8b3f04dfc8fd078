# shellcheck shell=sh
# node-path.sh: sourced, with ROOT set to the top of the tree, by every
# script that runs node.  When the machine's node is too old for the
# testbed's engines range, scripts/deps.sh fetches one into
# scripts/testbed-server/.node/: it comes first on PATH (and so for every
# program these scripts start).
if [ -x "$ROOT/scripts/testbed-server/.node/bin/node" ]; then
	PATH=$ROOT/scripts/testbed-server/.node/bin:$PATH
	export PATH
fi
