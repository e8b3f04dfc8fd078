#!/bin/sh
# purity.sh CC "FLAGS" FILE...: the verifier cannot reach the network.
# Each FILE (pkg/verify/*.c) must include, directly or through other
# headers, no client header (http.h, rekor_client.h, tsa_client.h,
# fulcio.h, oidc.h, fido.h, tuf.h, sign.h), and its preprocessed text
# must declare nothing that takes a struct sgn_http (every network client
# of libsignet does).
set -u
cc=$1
flags=$2
shift 2
clients='http.h rekor_client.h tsa_client.h fulcio.h oidc.h fido.h tuf.h sign.h'
status=0
for f in "$@"; do
	# shellcheck disable=SC2086,SC1003
	if ! deps=$($cc $flags -MM "$f" | tr -d '\\' | tr ' ' '\n'); then
		echo "purity: cannot read the includes of $f"
		status=1
		continue
	fi
	for h in $clients; do
		if printf '%s\n' "$deps" | grep -q "/$h\$"; then
			echo "purity: $f includes the client header $h"
			status=1
		fi
	done
	# shellcheck disable=SC2086
	if $cc $flags -E -P "$f" | grep -q 'struct sgn_http\b'; then
		echo "purity: $f sees a declaration using struct sgn_http"
		status=1
	fi
done
[ "$status" -eq 0 ] && echo "purity: $# files of the verifier include no" \
    "network client"
exit $status
