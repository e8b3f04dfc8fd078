/*
 * verify_int.h: what the files of pkg/verify share.
 */
#ifndef SGN_VERIFY_INT_H
#define SGN_VERIFY_INT_H

#include "verify.h"

/*
 * A caller's struct sgn_verify_result, whatever its size (core.h): open
 * checks res's size and clears it, and sets *work to the struct to fill,
 * res itself when it is whole, else full (a whole one); close hands over
 * to res what fits of *work and frees the rest.  Every public function
 * that fills a result calls both.
 */
sgn_err	sgn_vres_open(struct sgn_verify_result *res,
	    struct sgn_verify_result *full, struct sgn_verify_result **work,
	    struct sgn_errbuf *eb);
void	sgn_vres_close(struct sgn_verify_result *res,
	    struct sgn_verify_result *work);

#endif /* SGN_VERIFY_INT_H */
