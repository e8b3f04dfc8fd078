/*
 * Memory for secrets, kept out of swap and core dumps where the system
 * allows, and a process that cannot be dumped while it holds them.
 *
 * - sgn_secure_alloc() gives each secret whole pages of its own (mmap),
 *   locked in RAM (mlock) and marked MADV_DONTDUMP.  Neither is fatal:
 *   RLIMIT_MEMLOCK may be small, and the undumpable process covers what
 *   is not locked.
 * - sgn_process_set_undumpable() is prctl(PR_SET_DUMPABLE, 0): no core
 *   file, and /proc/PID/mem and ptrace closed to other processes of the
 *   same user.  Keys inside OpenSSL (EVP_PKEY, ephemeral or decrypted)
 *   live in OpenSSL's heap and stack buffers on the stack, where they
 *   cannot be locked one by one: only this protects them.
 */
#include <sys/mman.h>
#include <sys/prctl.h>

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

/* The mapping's length, kept in front of the secret (16: the alignment
 * malloc gives). */
#define SECURE_HDR	16

void *
sgn_secure_alloc(size_t n)
{
	long	 pg = sysconf(_SC_PAGESIZE);
	size_t	 page = pg > 0 ? (size_t)pg : 4096, len;
	uint8_t	*base;

	if (n > SIZE_MAX - SECURE_HDR - page)
		return NULL;
	len = (n + SECURE_HDR + page - 1) / page * page;
	base = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	/* Best effort, both: see above. */
	(void)madvise(base, len, MADV_DONTDUMP);
	(void)mlock(base, len);
	memcpy(base, &len, sizeof(len));
	return base + SECURE_HDR;
}

void
sgn_secure_free(void *p)
{
	uint8_t	*base;
	size_t	 len;

	if (p == NULL)
		return;
	base = (uint8_t *)p - SECURE_HDR;
	memcpy(&len, base, sizeof(len));
	sgn_memzero(base, len);
	(void)munlock(base, len);
	(void)munmap(base, len);
}

int
sgn_process_set_undumpable(void)
{
	return prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) == 0 ? 0 : -1;
}
