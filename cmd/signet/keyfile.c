/*
 * The files `signet key generate` writes, whatever the kind of key
 * (key.c for cosign's, keyref_fido2.c for FIDO2-derived ones): NAME.key
 * and NAME.pub, never overwritten without --force.  Apart so that key.c
 * and keyref_fido2.c depend on it and not on each other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "keyref.h"

/* Writes path: created afresh, or replaced with --force. */
sgn_err
key_file_put(const char *path, const struct sgn_buf *b, unsigned mode,
    int force, struct sgn_errbuf *eb)
{
	if (force)
		return sgn_file_write_atomic(path, b->ptr, b->len, mode, eb);
	return sgn_file_create(path, b->ptr, b->len, mode, eb);
}

/* NAME.key and NAME.pub, or a clear error when one exists already. */
int
key_file_names(const char *name, int force, char **key, char **pub)
{
	*key = *pub = NULL;
	if (asprintf(key, "%s.key", name) < 0 ||
	    asprintf(pub, "%s.pub", name) < 0) {
		cli_err("out of memory");
		return -1;
	}
	if (!force && (access(*key, F_OK) == 0 || access(*pub, F_OK) == 0)) {
		cli_err("key generate: %s or %s exists already (--force "
		    "replaces them)", *key, *pub);
		return -1;
	}
	return 0;
}
