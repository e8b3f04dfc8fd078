/*
 * The loader of libcurl and libfido2 (core_int.h says why and how).
 */
#include <sys/stat.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "core_int.h"

/* "libNAME.so.N...": a soname with its major version. */
static int
versioned(const char *so)
{
	const char *p = strstr(so, ".so.");

	return strncmp(so, "lib", 3) == 0 && p != NULL && p[4] >= '0' &&
	    p[4] <= '9';
}

static sgn_err
load(struct sgn_dl_lib *lib, struct sgn_errbuf *eb)
{
	void *h = NULL, *p;
	const char *why = "no soname";
	size_t i;
	sgn_err r;

	for (i = 0; lib->sonames[i] != NULL; i++)
		if (!versioned(lib->sonames[i]))
			return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "cannot "
			    "load %s: %s is not a versioned soname", lib->what,
			    lib->sonames[i]);
	for (i = 0; lib->sonames[i] != NULL && h == NULL; i++)
		if ((h = dlopen(lib->sonames[i], RTLD_NOW | RTLD_LOCAL)) ==
		    NULL && (why = dlerror()) == NULL)
			why = "unknown error";
	if (h == NULL)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "cannot load %s (%s): "
		    "install the Debian package %s", lib->what, why,
		    lib->package);
	for (i = 0; i < lib->nsyms; i++) {
		if ((p = dlsym(h, lib->syms[i].name)) == NULL) {
			r = sgn_errf(eb, SGN_ERR_UNSUPPORTED, "%s lacks %s: it "
			    "is too old for signet (Debian package %s)",
			    lib->what, lib->syms[i].name, lib->package);
			goto fail;
		}
		memcpy(lib->syms[i].fnp, &p, sizeof(p));
	}
	if (lib->init != NULL && (r = lib->init(eb)) != SGN_OK)
		goto fail;
	return SGN_OK;
fail:
	/* The pointers set so far are never used: the load failed. */
	dlclose(h);
	return r;
}

sgn_err
sgn_dl_load(struct sgn_dl_lib *lib, struct sgn_errbuf *eb)
{
	sgn_err r;

	pthread_mutex_lock(&lib->lock);
	if (!lib->done) {
		sgn_errbuf_clear(&lib->err);
		lib->r = load(lib, &lib->err);
		lib->done = 1;
	}
	r = lib->r;
	pthread_mutex_unlock(&lib->lock);
	if (r != SGN_OK)
		return sgn_errf(eb, r, "%s", lib->err.msg);
	return SGN_OK;
}

sgn_err
sgn_dl_open_path(const char *path, const char *what, void **handle,
    struct sgn_errbuf *eb)
{
	struct stat st;
	const char *why;

	*handle = NULL;
	if (path == NULL || path[0] != '/')
		return sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT, "%s %s: give an "
		    "absolute path", what, path == NULL ? "(none)" : path);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "%s %s: no such "
		    "file", what, path);
	if ((*handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		if ((why = dlerror()) == NULL)
			why = "unknown error";
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "cannot load %s (%s)",
		    what, why);
	}
	return SGN_OK;
}

void *
sgn_dl_sym_path(void *handle, const char *name)
{
	return handle == NULL ? NULL : dlsym(handle, name);
}

void
sgn_dl_close_path(void *handle)
{
	if (handle != NULL)
		dlclose(handle);
}
