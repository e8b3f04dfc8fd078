/*
 * libFuzzer harness for the loopback redirect server (redirect.c): every
 * input is one request head as a browser would send it to
 * http://127.0.0.1:PORT/, taken with the state FUZZ_STATE.  Whatever it
 * holds, the server answers it with an HTTP response, and it counts as
 * the sign-in only when it is GET /auth/callback with that state and a
 * code (or an error=, which fails with a message).  Seeds
 * (testdata/fuzz/redirect_fuzz/): the callback, a forged state, an error
 * reply, a missing code, other paths and methods, bad escapes, parameters
 * given twice.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oidc_int.h"

#define FUZZ_STATE	"Zm9vYmFyYmF6cXV4cXV1eHF1dXpxdXV6cXV1enF1dXo"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgn_errbuf	 eb;
	char			 reply[16];
	ssize_t			 n;
	int			 sv[2], done;
	sgn_err			 r = SGN_OK;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return 0;
	sgn_errbuf_clear(&eb);
	done = sgn_oidc_redirect_request(sv[0], (const char *)data, size,
	    FUZZ_STATE, &r, &eb);
	/* every request gets an answer */
	n = recv(sv[1], reply, sizeof(reply), MSG_DONTWAIT);
	if (n < 9 || memcmp(reply, "HTTP/1.1 ", 9) != 0)
		abort();
	if (done) {
		/* a failed sign-in says why; a good one came to the path,
		 * with the state */
		if (r != SGN_OK && eb.msg[0] == '\0')
			abort();
		if (r == SGN_OK && (size < 20 ||
		    memcmp(data, "GET /auth/callback?", 19) != 0 ||
		    memmem(data, size, FUZZ_STATE, strlen(FUZZ_STATE)) ==
		    NULL))
			abort();
	}
	close(sv[0]);
	close(sv[1]);
	return 0;
}
