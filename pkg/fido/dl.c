/*
 * libfido2, loaded on first use (fido_int.h says why) by the loader of
 * pkg/core (core_int.h).  libfido2 has no call that tells its version:
 * that every function signet calls is there is the check.
 */
#include <stddef.h>

#define SGN_FIDO_DL_IMPL
#include "core_int.h"
#include "fido_int.h"

struct sgn_fido_dl sgn_fido_dl;

#define SGN_FIDO_DL_ENTRY(f)	{ #f, &sgn_fido_dl.f },
static const struct sgn_dl_sym syms[] = {
	SGN_FIDO_DL_SYMS(SGN_FIDO_DL_ENTRY)
};
#undef SGN_FIDO_DL_ENTRY

static const char *const sonames[] = { "libfido2.so.1", NULL };

static sgn_err
fido_dl_init(struct sgn_errbuf *eb)
{
	(void)eb;
	/* Debug output only when FIDO_DEBUG is set in the environment.  A
	 * device that claims CTAP2 and fails getInfo is not one to fall
	 * back to U2F with (hmac-secret needs CTAP2): it is gone. */
	sgn_fido_dl.fido_init(FIDO_DISABLE_U2F_FALLBACK);
	return SGN_OK;
}

static struct sgn_dl_lib lib = {
	.what = "libfido2",
	.sonames = sonames,
	.package = "libfido2-1",
	.syms = syms,
	.nsyms = sizeof(syms) / sizeof(syms[0]),
	.init = fido_dl_init,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

sgn_err
sgn_fido_dl_load(struct sgn_errbuf *eb)
{
	struct sgn_errbuf tmp;

	sgn_errbuf_clear(&tmp);
	if (sgn_dl_load(&lib, &tmp) != SGN_OK)
		return sgn_errf(eb, SGN_ERR_FIDO, "%s", tmp.msg);
	return SGN_OK;
}
