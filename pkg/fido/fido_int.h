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
 * verify` included, which never touches a security key.  libcbor's
 * functions (for the software authenticator) are looked up through
 * libfido2's handle, so they come from the libcbor libfido2 was built
 * with.  The calls in this area keep libfido2's names: each name below is
 * a macro for the pointer loaded (sgn_fido_dl_load() must have
 * succeeded).
 */
#include <fido.h>
/* libfido2 1.12's es256.h declares a function of EC_KEY (not called
 * here), a type OPENSSL_NO_DEPRECATED hides. */
typedef struct ec_key_st EC_KEY;
#include <fido/es256.h>
#include <cbor.h>

#include "fido.h"

#define SGN_FIDO_DL_SYMS(X) \
	X(cbor_array_handle) X(cbor_array_size) X(cbor_bytestring_handle) \
	X(cbor_bytestring_is_definite) X(cbor_bytestring_length) \
	X(cbor_decref) X(cbor_get_bool) X(cbor_get_int) X(cbor_is_bool) \
	X(cbor_isa_array) X(cbor_isa_bytestring) X(cbor_isa_float_ctrl) \
	X(cbor_isa_map) X(cbor_isa_negint) X(cbor_isa_string) X(cbor_isa_uint) \
	X(cbor_load) X(cbor_map_handle) X(cbor_map_size) X(cbor_string_handle) \
	X(cbor_string_is_definite) X(cbor_string_length) X(es256_pk_free) \
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
#define cbor_array_handle SGN_DL(cbor_array_handle)
#define cbor_array_size SGN_DL(cbor_array_size)
#define cbor_bytestring_handle SGN_DL(cbor_bytestring_handle)
#define cbor_bytestring_is_definite SGN_DL(cbor_bytestring_is_definite)
#define cbor_bytestring_length SGN_DL(cbor_bytestring_length)
#define cbor_decref SGN_DL(cbor_decref)
#define cbor_get_bool SGN_DL(cbor_get_bool)
#define cbor_get_int SGN_DL(cbor_get_int)
#define cbor_is_bool SGN_DL(cbor_is_bool)
#define cbor_isa_array SGN_DL(cbor_isa_array)
#define cbor_isa_bytestring SGN_DL(cbor_isa_bytestring)
#define cbor_isa_float_ctrl SGN_DL(cbor_isa_float_ctrl)
#define cbor_isa_map SGN_DL(cbor_isa_map)
#define cbor_isa_negint SGN_DL(cbor_isa_negint)
#define cbor_isa_string SGN_DL(cbor_isa_string)
#define cbor_isa_uint SGN_DL(cbor_isa_uint)
#define cbor_load SGN_DL(cbor_load)
#define cbor_map_handle SGN_DL(cbor_map_handle)
#define cbor_map_size SGN_DL(cbor_map_size)
#define cbor_string_handle SGN_DL(cbor_string_handle)
#define cbor_string_is_definite SGN_DL(cbor_string_is_definite)
#define cbor_string_length SGN_DL(cbor_string_length)
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
 * Opens the software authenticator whose state lives in dir (the part of
 * "soft:DIR" after the prefix).  *out is an open libfido2 device, to
 * close and free as usual.
 */
sgn_err	sgn_fido_soft_open(const char *dir, fido_dev_t **out,
	    struct sgn_errbuf *eb);

#endif /* SGN_FIDO_INT_H */
