/*
 * libfido2, loaded on first use (fido_int.h says why).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define SGN_FIDO_DL_IMPL
#include "fido_int.h"

struct sgn_fido_dl sgn_fido_dl;

static int dl_ok;
static char dl_err[200];
static pthread_once_t dl_once = PTHREAD_ONCE_INIT;

static void
dl_load(void)
{
	static const char *const names[] = { "libfido2.so.1", "libfido2.so" };
	void *h = NULL;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]) && h == NULL; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(dl_err, sizeof(dl_err), "cannot load libfido2: %s",
		    dlerror());
		return;
	}
	/* POSIX guarantees that data and function pointers convert. */
#define SGN_FIDO_DL_SYM(f) \
	*(void **)(&sgn_fido_dl.f) = dlsym(h, #f); \
	if (sgn_fido_dl.f == NULL) { \
		snprintf(dl_err, sizeof(dl_err), "libfido2 lacks %s", #f); \
		return; \
	}
	SGN_FIDO_DL_SYMS(SGN_FIDO_DL_SYM)
#undef SGN_FIDO_DL_SYM
	/* Debug output only when FIDO_DEBUG is set in the environment.  A
	 * device that claims CTAP2 and fails getInfo is not one to fall
	 * back to U2F with (hmac-secret needs CTAP2): it is gone. */
	sgn_fido_dl.fido_init(FIDO_DISABLE_U2F_FALLBACK);
	dl_ok = 1;
}

sgn_err
sgn_fido_dl_load(struct sgn_errbuf *eb)
{
	pthread_once(&dl_once, dl_load);
	if (!dl_ok)
		return sgn_errf(eb, SGN_ERR_FIDO, "%s", dl_err);
	return SGN_OK;
}
