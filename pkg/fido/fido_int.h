/*
 * fido_int.h: shared by the files of pkg/fido.
 *
 * libfido2's public header is also called fido.h.  The Makefile puts the
 * project's header directories on the quote path only (-iquote), so
 * "fido.h" is this area's header and <fido.h> is libfido2's.
 */
#ifndef SGN_FIDO_INT_H
#define SGN_FIDO_INT_H

/*
 * libfido2 is loaded with dlopen() on first use, as pkg/http loads
 * libcurl: linked, it and the libraries it pulls in (libcbor, libudev,
 * libz) cost every run of signet about 0.35 ms at start-up, `signet
 * verify` included, which never touches a security key.  The calls
 * in this area keep libfido2's names: each name below is a macro for the
 * pointer loaded (sgn_fido_dl_load() must have succeeded).
 */
#include <fido.h>
/* libfido2 1.12's es256.h declares a function of EC_KEY (not called
 * here), a type OPENSSL_NO_DEPRECATED hides. */
typedef struct ec_key_st EC_KEY;
#include <fido/es256.h>

#include "fido.h"

#define SGN_FIDO_DL_SYMS(X) \
	X(es256_pk_free) \
	X(es256_pk_from_ptr) X(es256_pk_new) X(fido_assert_allow_cred) \
	X(fido_assert_count) X(fido_assert_flags) X(fido_assert_free) \
	X(fido_assert_hmac_secret_len) X(fido_assert_hmac_secret_ptr) \
	X(fido_assert_new) X(fido_assert_set_clientdata_hash) \
	X(fido_assert_set_extensions) X(fido_assert_set_hmac_salt) \
	X(fido_assert_set_rp) X(fido_assert_set_up) X(fido_assert_set_uv) \
	X(fido_assert_verify) X(fido_cbor_info_extensions_len) \
	X(fido_cbor_info_extensions_ptr) X(fido_cbor_info_free) \
	X(fido_cbor_info_new) X(fido_cred_flags) X(fido_cred_free) \
	X(fido_cred_id_len) X(fido_cred_id_ptr) X(fido_cred_new) \
	X(fido_cred_pubkey_len) X(fido_cred_pubkey_ptr) \
	X(fido_cred_set_clientdata_hash) X(fido_cred_set_extensions) \
	X(fido_cred_set_rp) X(fido_cred_set_type) X(fido_cred_set_user) \
	X(fido_cred_set_uv) X(fido_cred_type) X(fido_cred_verify) \
	X(fido_cred_verify_self) X(fido_cred_x5c_ptr) X(fido_dev_close) \
	X(fido_dev_free) X(fido_dev_get_assert) X(fido_dev_get_cbor_info) \
	X(fido_dev_get_retry_count) X(fido_dev_has_pin) X(fido_dev_has_uv) \
	X(fido_dev_info_free) X(fido_dev_info_manifest) \
	X(fido_dev_info_manufacturer_string) X(fido_dev_info_new) \
	X(fido_dev_info_path) X(fido_dev_info_product) \
	X(fido_dev_info_product_string) X(fido_dev_info_ptr) \
	X(fido_dev_info_set) X(fido_dev_info_vendor) X(fido_dev_io_handle) \
	X(fido_dev_is_fido2) X(fido_dev_make_cred) X(fido_dev_new) \
	X(fido_dev_new_with_info) X(fido_dev_open) X(fido_dev_open_with_info) \
	X(fido_dev_set_pin) X(fido_init) X(fido_strerr)

struct sgn_fido_dl {
#define SGN_FIDO_DL_PTR(f)	__typeof__(f) *f;
	SGN_FIDO_DL_SYMS(SGN_FIDO_DL_PTR)
#undef SGN_FIDO_DL_PTR
};

extern struct sgn_fido_dl sgn_fido_dl;

/* Loads libfido2 once (and calls fido_init()); SGN_ERR_FIDO when it
 * cannot be loaded or lacks a function. */
sgn_err	sgn_fido_dl_load(struct sgn_errbuf *eb);

#ifndef SGN_FIDO_DL_IMPL
#define SGN_DL(f)	(*sgn_fido_dl.f)
#define es256_pk_free SGN_DL(es256_pk_free)
#define es256_pk_from_ptr SGN_DL(es256_pk_from_ptr)
#define es256_pk_new SGN_DL(es256_pk_new)
#define fido_assert_allow_cred SGN_DL(fido_assert_allow_cred)
#define fido_assert_count SGN_DL(fido_assert_count)
#define fido_assert_flags SGN_DL(fido_assert_flags)
#define fido_assert_free SGN_DL(fido_assert_free)
#define fido_assert_hmac_secret_len SGN_DL(fido_assert_hmac_secret_len)
#define fido_assert_hmac_secret_ptr SGN_DL(fido_assert_hmac_secret_ptr)
#define fido_assert_new SGN_DL(fido_assert_new)
#define fido_assert_set_clientdata_hash SGN_DL(fido_assert_set_clientdata_hash)
#define fido_assert_set_extensions SGN_DL(fido_assert_set_extensions)
#define fido_assert_set_hmac_salt SGN_DL(fido_assert_set_hmac_salt)
#define fido_assert_set_rp SGN_DL(fido_assert_set_rp)
#define fido_assert_set_up SGN_DL(fido_assert_set_up)
#define fido_assert_set_uv SGN_DL(fido_assert_set_uv)
#define fido_assert_verify SGN_DL(fido_assert_verify)
#define fido_cbor_info_extensions_len SGN_DL(fido_cbor_info_extensions_len)
#define fido_cbor_info_extensions_ptr SGN_DL(fido_cbor_info_extensions_ptr)
#define fido_cbor_info_free SGN_DL(fido_cbor_info_free)
#define fido_cbor_info_new SGN_DL(fido_cbor_info_new)
#define fido_cred_flags SGN_DL(fido_cred_flags)
#define fido_cred_free SGN_DL(fido_cred_free)
#define fido_cred_id_len SGN_DL(fido_cred_id_len)
#define fido_cred_id_ptr SGN_DL(fido_cred_id_ptr)
#define fido_cred_new SGN_DL(fido_cred_new)
#define fido_cred_pubkey_len SGN_DL(fido_cred_pubkey_len)
#define fido_cred_pubkey_ptr SGN_DL(fido_cred_pubkey_ptr)
#define fido_cred_set_clientdata_hash SGN_DL(fido_cred_set_clientdata_hash)
#define fido_cred_set_extensions SGN_DL(fido_cred_set_extensions)
#define fido_cred_set_rp SGN_DL(fido_cred_set_rp)
#define fido_cred_set_type SGN_DL(fido_cred_set_type)
#define fido_cred_set_user SGN_DL(fido_cred_set_user)
#define fido_cred_set_uv SGN_DL(fido_cred_set_uv)
#define fido_cred_type SGN_DL(fido_cred_type)
#define fido_cred_verify SGN_DL(fido_cred_verify)
#define fido_cred_verify_self SGN_DL(fido_cred_verify_self)
#define fido_cred_x5c_ptr SGN_DL(fido_cred_x5c_ptr)
#define fido_dev_close SGN_DL(fido_dev_close)
#define fido_dev_free SGN_DL(fido_dev_free)
#define fido_dev_get_assert SGN_DL(fido_dev_get_assert)
#define fido_dev_get_cbor_info SGN_DL(fido_dev_get_cbor_info)
#define fido_dev_get_retry_count SGN_DL(fido_dev_get_retry_count)
#define fido_dev_has_pin SGN_DL(fido_dev_has_pin)
#define fido_dev_has_uv SGN_DL(fido_dev_has_uv)
#define fido_dev_info_free SGN_DL(fido_dev_info_free)
#define fido_dev_info_manifest SGN_DL(fido_dev_info_manifest)
#define fido_dev_info_manufacturer_string \
	SGN_DL(fido_dev_info_manufacturer_string)
#define fido_dev_info_new SGN_DL(fido_dev_info_new)
#define fido_dev_info_path SGN_DL(fido_dev_info_path)
#define fido_dev_info_product SGN_DL(fido_dev_info_product)
#define fido_dev_info_product_string SGN_DL(fido_dev_info_product_string)
#define fido_dev_info_ptr SGN_DL(fido_dev_info_ptr)
#define fido_dev_info_set SGN_DL(fido_dev_info_set)
#define fido_dev_info_vendor SGN_DL(fido_dev_info_vendor)
#define fido_dev_io_handle SGN_DL(fido_dev_io_handle)
#define fido_dev_is_fido2 SGN_DL(fido_dev_is_fido2)
#define fido_dev_make_cred SGN_DL(fido_dev_make_cred)
#define fido_dev_new SGN_DL(fido_dev_new)
#define fido_dev_new_with_info SGN_DL(fido_dev_new_with_info)
#define fido_dev_open SGN_DL(fido_dev_open)
#define fido_dev_open_with_info SGN_DL(fido_dev_open_with_info)
#define fido_dev_set_pin SGN_DL(fido_dev_set_pin)
#define fido_init SGN_DL(fido_init)
#define fido_strerr SGN_DL(fido_strerr)
#endif /* SGN_FIDO_DL_IMPL */

/*
 * d = (in mod (n - 1)) + 1 for the P-256 order n, in read big-endian
 * (len >= 40 bytes keeps the bias below 2^-64; 48 below 2^-128).
 * Returns 0, or -1 on an OpenSSL failure.  The copies are wiped.
 */
int	sgn_fido_p256_reduce(const uint8_t *in, size_t len, uint8_t d[32]);

/* 1 when s is a relying-party id we accept: 1 to SGN_FIDO_MAX_RP_ID bytes
 * of printable ASCII without space. */
int	sgn_fido_rp_id_ok(const char *s);

/*
 * Device transports a program adds: a device string "PREFIX:REST" whose
 * prefix was added goes to open(REST) instead of to libfido2, which must
 * return an open libfido2 device (closed and freed as usual).  The
 * library has none of its own; the test binaries add the software
 * authenticator of the tests (pkg/fido/testsupport/soft.c).  prefix: 1 to
 * 15 lowercase letters, then ':', and not one of libfido2's own ("nfc:",
 * "pcsc:", "windows:").  At most SGN_FIDO_MAX_TRANSPORTS, added before
 * any other call of pkg/fido (not thread-safe).  SGN_ERR_INVALID_ARGUMENT
 * for a bad or taken prefix, SGN_ERR_LIMIT past the cap.
 */
#define SGN_FIDO_MAX_TRANSPORTS	4

typedef sgn_err (*sgn_fido_open_fn)(const char *rest, fido_dev_t **out,
	    struct sgn_errbuf *eb);

sgn_err	sgn_fido_transport_add(const char *prefix, sgn_fido_open_fn open,
	    struct sgn_errbuf *eb);

#endif /* SGN_FIDO_INT_H */
