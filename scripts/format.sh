#!/bin/sh
# format.sh [--check] [BASE]: clang-format-14 (.clang-format) on the C
# lines of pkg/ and cmd/ that differ between the merge base of BASE
# (default main) and HEAD, committed or not: make format.  Never the whole
# tree: .clang-format cannot express KNF's aligned declarations
# (CONTRIBUTING.md), so on BASE itself it changes nothing.
#   --check  in a clean git work tree, run it and demand the tree stays
#            clean (the changes it made are shown, then undone); says it
#            skipped outside a work tree or with local changes.
set -u
cd "$(dirname "$0")/.." || exit 2
check=0
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
base=${1:-main}

if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	[ "$check" -eq 1 ] || { echo "format: not a git work tree" >&2; exit 2; }
	echo "format-check: skipped (not a git work tree)"
	exit 0
fi
if ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
	if git rev-parse -q --verify "origin/$base^{commit}" >/dev/null; then
		base=origin/$base
	else
		echo "format: no branch $base to compare with" >&2
		exit 2
	fi
fi
mb=$(git merge-base "$base" HEAD) || exit 2

if [ "$check" -eq 1 ]; then
	if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
		echo "format-check: skipped (local changes)"
		exit 0
	fi
fi

git clang-format --binary clang-format-14 --extensions c,h --quiet --force "$mb" \
    -- pkg cmd >/dev/null
rc=$?
if [ "$check" -eq 0 ]; then
	exit "$rc"
fi
changed=$(git status --porcelain --untracked-files=no)
if [ -n "$changed" ]; then
	git --no-pager diff | head -n 60
	# The tree was clean: undo exactly what make format wrote.
	git diff --name-only -z | xargs -0 git checkout --
	echo "format-check: make format changes the lines above" \
	    "(run make format and commit)"
	exit 1
fi
echo "format-check: ok (make format changes nothing)"
