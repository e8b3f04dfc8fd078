/*
 * core_int.h: internals of libsignet shared across its areas.
 *
 * The loader of the libraries signet opens with dlopen() on first use
 * (libcurl in pkg/http, libfido2 in pkg/fido), so that a run that never
 * reaches the network or a security key (`signet verify`) does not pay
 * for loading them and the libraries they pull in.  One loader for both:
 * versioned sonames only (an unversioned "libcurl.so" is a development
 * symlink, and may be any ABI), every function looked up before any is
 * used, then the library's own check of its version; a failure names the
 * Debian package to install, since dependency scanners cannot see a
 * dlopen().
 */
#ifndef SGN_CORE_INT_H
#define SGN_CORE_INT_H

#include <pthread.h>
#include <stddef.h>

#include "core.h"

/* A function to look up: name, and the function pointer to set (POSIX
 * guarantees that a data and a function pointer convert). */
struct sgn_dl_sym {
	const char	*name;
	void		*fnp;	/* the address of a function pointer */
};

struct sgn_dl_lib {
	const char		*what;		/* "libcurl", in messages */
	const char *const	*sonames;	/* NULL-terminated, versioned */
	const char		*package;	/* Debian package: "libcurl4" */
	const struct sgn_dl_sym	*syms;
	size_t			 nsyms;
	/*
	 * Called once every function is found: checks the version of the
	 * library loaded (SGN_ERR_UNSUPPORTED and a message when too old)
	 * and initialises it.  NULL when there is nothing to do.
	 */
	sgn_err			(*init)(struct sgn_errbuf *eb);
	/* The loader's state: lock = PTHREAD_MUTEX_INITIALIZER, the rest
	 * zero. */
	pthread_mutex_t		 lock;
	int			 done;
	sgn_err			 r;
	struct sgn_errbuf	 err;
};

/*
 * Loads lib once, whatever the number of threads, and returns the
 * outcome of that first load at every call (with its message in eb):
 * SGN_OK when every function pointer in lib->syms is set and lib->init
 * succeeded; SGN_ERR_UNSUPPORTED when no soname loads ("cannot load
 * libcurl (...): install the Debian package libcurl4"), a function is
 * missing, or init refuses; SGN_ERR_INVALID_ARGUMENT for a soname that
 * is not versioned ("libx.so.N"), which is never tried.
 */
sgn_err	sgn_dl_load(struct sgn_dl_lib *lib, struct sgn_errbuf *eb);

/*
 * Modules named by their path (PKCS#11 modules: the user or the token's
 * vendor says which file): path must be absolute (a bare name would be
 * looked up along LD_LIBRARY_PATH), a regular file, and load with
 * RTLD_NOW | RTLD_LOCAL.  what names it in messages ("PKCS#11 module").
 * SGN_ERR_UNSUPPORTED with dlerror()'s reason when it does not load,
 * SGN_ERR_INVALID_ARGUMENT for a relative path.  *sym receives name's
 * address, NULL when the module lacks it (the caller says what that
 * means).  sgn_dl_close_path() accepts NULL.
 */
sgn_err	sgn_dl_open_path(const char *path, const char *what, void **handle,
	    struct sgn_errbuf *eb);
void	*sgn_dl_sym_path(void *handle, const char *name);
void	sgn_dl_close_path(void *handle);

/*
 * Structs that grow (core.h).  name is the struct's tag ("sgn_policy"),
 * for messages; known is the library's sizeof of it.
 *
 * sgn_sized_check() refuses a struct s whose size is 0, smaller than a
 * size_t or larger than known (SGN_ERR_INVALID_ARGUMENT, naming the
 * struct and its initialiser).  sgn_sized_in() checks src so, then copies
 * the members within its size into dst (known bytes), zeroes the rest
 * (their defaults) and sets dst's size to known: the library then reads
 * dst whole.  sgn_sized_out() copies what fits of src (a whole struct of
 * known bytes) into dst, a checked struct of the caller, leaving dst's
 * size as it was.
 */
sgn_err	sgn_sized_check(const void *s, size_t known, const char *name,
	    struct sgn_errbuf *eb);
sgn_err	sgn_sized_in(void *dst, size_t known, const void *src,
	    const char *name, struct sgn_errbuf *eb);
void	sgn_sized_out(void *dst, const void *src, size_t known);
/* The size s was given (s is a struct that grows). */
size_t	sgn_sized_size(const void *s);
/* 1 when the struct s of type type holds member within its size. */
#define SGN_SIZED_HAS(s, type, member) \
	(sgn_sized_size(s) >= offsetof(type, member) + \
	    sizeof(((type *)0)->member))

/* The value of the hex digit c (either case), or -1. */
int	sgn_hex_digit(unsigned char c);

#endif /* SGN_CORE_INT_H */
