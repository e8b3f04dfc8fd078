/*
 * sign_key.c: signatures made with a key of the signer's own (a key file,
 * an encrypted key, a FIDO2-derived key), offline, and logged later.
 *
 * Offline, a bundle carries the signature and a hint of the public key
 * (model_signing's: the SHA-256 of the key's PEM), and no log entry or
 * timestamp: nothing is sent anywhere.  sgn_log_bundle() later adds RFC
 * 3161 timestamps and transparency-log entries, on a connected machine,
 * with the public key, and verifies the result as a verifier would.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "dsse.h"
#include "keys.h"
#include "core_int.h"
#include "sign_int.h"
#include "trust.h"
#include "verify.h"

sgn_err
sgn_sign_file_key(struct sgn_signer *s, const char *path,
    struct sgn_buf *out, struct sgn_errbuf *eb)
{
	const struct sgn_pubkey	*pub = sgn_signer_pubkey(s);
	struct sgn_bundle_view	 b;
	char			 hint[SGN_PUBKEY_HINT_LEN];
	uint8_t			 digest[SGN_MAX_DIGEST], *sig = NULL;
	size_t			 sig_len = 0, dlen;
	sgn_hash_alg		 alg;
	sgn_err			 r;

	/* the curve's hash, which Rekor v2 demands of a key's entries */
	if (!sgn_pubkey_is_ecdsa(pub))
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "signing files with a "
		    "key: ECDSA P-256, P-384 or P-521 keys only, not %s",
		    sgn_pubkey_describe(pub));
	alg = sgn_pubkey_default_hash(pub);
	dlen = sgn_hash_len(alg);
	if ((r = sgn_hash_file(alg, path, digest, eb)) != SGN_OK ||
	    (r = sgn_pubkey_pem_hint(pub, hint, eb)) != SGN_OK ||
	    (r = sgn_signer_sign_digest(s, alg, digest, dlen, &sig, &sig_len,
	    eb)) != SGN_OK)
		goto out;
	memset(&b, 0, sizeof(b));
	b.material = SGN_MATERIAL_PUBLIC_KEY;
	b.key_hint = hint;
	b.content = SGN_CONTENT_MESSAGE_SIGNATURE;
	b.has_digest = 1;
	b.digest_alg = alg;
	b.digest = digest;
	b.digest_len = dlen;
	b.signature.ptr = sig;
	b.signature.len = sig_len;
	r = sgn_bundle_view_serialize(&b, out, eb);
out:
	free(sig);
	return r;
}

/* The first sha256 subject of a DSSE bundle's in-toto statement. */
static sgn_err
dsse_subject(const struct sgn_bundle *b, uint8_t digest[32],
    struct sgn_errbuf *eb)
{
	struct sgn_intoto_statement	*st = NULL;
	size_t				 i, k;
	sgn_err				 r;

	if ((r = sgn_intoto_parse(b->payload.ptr, b->payload.len, &st, eb)) !=
	    SGN_OK)
		return r;
	for (i = 0; i < st->n_subjects; i++)
		for (k = 0; k < st->subjects[i].n_digests; k++)
			if (st->subjects[i].digests[k].hash ==
			    SGN_HASH_SHA256) {
				memcpy(digest, st->subjects[i].digests[k].value,
				    32);
				sgn_intoto_free(&st);
				return SGN_OK;
			}
	sgn_intoto_free(&st);
	return sgn_errf(eb, SGN_ERR_PARSE, "in-toto statement: no subject "
	    "with a sha256 digest");
}

/* The signature is key's, before anything is sent to a service. */
static sgn_err
check_signed(const struct sgn_bundle *b, const struct sgn_pubkey *key,
    struct sgn_errbuf *eb)
{
	struct sgn_plain_trust		 t;
	struct sgn_verify_result	 res;
	struct sgn_errbuf		 tmp;
	char				 hint[SGN_PUBKEY_HINT_LEN];
	const uint8_t			*pl;
	size_t				 pl_len;
	sgn_err				 r;

	if (b->material != SGN_MATERIAL_PUBLIC_KEY)
		return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "only bundles signed "
		    "with a key are logged later (this one holds a "
		    "certificate)");
	if ((r = sgn_pubkey_pem_hint(key, hint, eb)) != SGN_OK)
		return r;
	if (b->key_hint != NULL && strlen(b->key_hint) == 64 &&
	    strcasecmp(b->key_hint, hint) != 0)
		return sgn_errf(eb, SGN_ERR_VERIFY, "the bundle was signed "
		    "with another key (hint %.64s, the key's is %s)",
		    b->key_hint, hint);
	sgn_errbuf_clear(&tmp);
	if (b->content == SGN_CONTENT_MESSAGE_SIGNATURE) {
		if (!b->has_digest)
			return sgn_errf(eb, SGN_ERR_PARSE, "the message "
			    "signature has no digest");
		if (sgn_pubkey_verify_digest(key, b->digest_alg, b->digest,
		    b->digest_len, b->signature.ptr, b->signature.len,
		    &tmp) != SGN_OK)
			return sgn_errf(eb, SGN_ERR_VERIFY, "the signature "
			    "does not verify with the key: %s", tmp.msg);
		return SGN_OK;
	}
	t = (struct sgn_plain_trust)SGN_PLAIN_TRUST_INIT;
	res = (struct sgn_verify_result)SGN_VERIFY_RESULT_INIT;
	t.key = key;
	r = sgn_verify_plain(b, &t, &pl, &pl_len, &res, &tmp);
	sgn_verify_result_reset(&res);
	if (r != SGN_OK)
		return sgn_errf(eb, SGN_ERR_VERIFY, "the signature does not "
		    "verify with the key: %s", tmp.msg);
	return SGN_OK;
}

sgn_err
sgn_log_bundle(const struct sgn_log_opts *opts, const struct sgn_pubkey *key,
    const uint8_t *bundle, size_t len, struct sgn_buf *out, int *already,
    struct sgn_errbuf *eb)
{
	struct sgn_log_opts		 lo;
	const struct sgn_log_opts	*o = &lo;
	struct sgn_selection		 sel;
	struct sgn_bundle		*b = NULL;
	struct sgn_bundle_view		 nb;
	struct sgn_log_target		 t;
	struct sgn_blob			 new_ts[SGN_MAX_SELECTED];
	struct sgn_tlog_entry		 entries[SGN_MAX_SELECTED];
	struct sgn_verifier		*v = NULL;
	struct sgn_artifact		 art;
	struct sgn_policy		 pol;
	struct sgn_buf			 pae, env;
	char				*pem = NULL;
	uint8_t				 pae_digest[SGN_MAX_DIGEST];
	size_t				 n_ts = 0, n_new = 0, n_entries = 0, i;
	sgn_err				 r;

	*already = 0;
	memset(entries, 0, sizeof(entries));
	sgn_buf_init(&pae, 0);
	sgn_buf_init(&env, 0);
	if (opts == NULL) {
		r = sgn_errf(eb, SGN_ERR_INVALID_ARGUMENT,
		    "log: missing options");
		goto out;
	}
	if ((r = sgn_sized_in(&lo, sizeof(lo), opts, "sgn_log_opts", eb)) !=
	    SGN_OK || (lo.services != NULL && (r = sgn_sized_in(&sel,
	    sizeof(sel), lo.services, "sgn_selection", eb)) != SGN_OK))
		goto out;
	if (lo.services != NULL)
		lo.services = &sel;
	if ((r = sgn_bundle_parse(bundle, len, &b, eb)) != SGN_OK)
		goto out;
	if (b->n_entries > 0) {
		*already = 1;
		goto out;
	}
	if ((r = check_signed(b, key, eb)) != SGN_OK ||
	    (r = sgn_pubkey_to_pem(key, &pem, eb)) != SGN_OK)
		goto out;
	memset(&t, 0, sizeof(t));
	t.http = o->http;
	t.services = o->services;
	t.verifier_pem = pem;
	t.verifier_der = sgn_pubkey_spki_ptr(key);
	t.verifier_der_len = sgn_pubkey_spki_len(key);
	t.key_details = sgn_key_details_name(key);
	t.hash = b->content == SGN_CONTENT_DSSE ?
	    sgn_pubkey_default_hash(key) : b->digest_alg;
	t.status = o->status;
	t.status_ctx = o->status_ctx;
	/* timestamps already there stay; ours are added */
	n_ts = b->n_timestamps;
	art = (struct sgn_artifact)SGN_ARTIFACT_INIT;
	art.digest_alg = SGN_HASH_SHA256;
	if (b->content == SGN_CONTENT_DSSE) {
		if ((r = dsse_subject(b, art.digest, eb)) != SGN_OK ||
		    (r = sgn_dsse_pae(b->payload_type, b->payload.ptr,
		    b->payload.len, &pae, eb)) != SGN_OK ||
		    (r = sgn_hash(t.hash, pae.ptr, pae.len, pae_digest, eb)) !=
		    SGN_OK ||
		    (r = sgn_sign_envelope_json(b->payload.ptr,
		    b->payload.len, b->signature.ptr, b->signature.len, &env,
		    eb)) != SGN_OK)
			goto out;
	} else {
		art.digest_alg = b->digest_alg;
		memcpy(art.digest, b->digest, b->digest_len);
	}
	if ((r = sgn_sign_timestamps(&t, b->signature.ptr, b->signature.len,
	    new_ts, &n_new, eb)) != SGN_OK ||
	    (r = sgn_sign_log(&t, b->signature.ptr, b->signature.len,
	    b->content == SGN_CONTENT_DSSE ? pae_digest : b->digest,
	    b->content == SGN_CONTENT_DSSE ? (const char *)env.ptr : NULL,
	    entries, &n_entries, eb)) != SGN_OK)
		goto out;
	if (n_ts + n_new > SGN_BUNDLE_MAX_TIMESTAMPS) {
		r = sgn_errf(eb, SGN_ERR_LIMIT, "more than %d timestamps",
		    SGN_BUNDLE_MAX_TIMESTAMPS);
		goto out;
	}
	if ((r = sgn_bundle_view_of(b, &nb, eb)) != SGN_OK)
		goto out;
	for (i = 0; i < n_new; i++) {
		nb.ts_buf[n_ts].ptr = new_ts[i].ptr;
		nb.ts_buf[n_ts++].len = new_ts[i].len;
	}
	nb.n_timestamps = n_ts;
	nb.entries = entries;
	nb.n_entries = n_entries;
	/* verified as any verifier would, before it is handed over */
	pol = (struct sgn_policy)SGN_POLICY_INIT;
	pol.key = key;
	if ((r = sgn_verifier_new(o->root, &v, eb)) == SGN_OK)
		r = sgn_sign_emit(v, &nb, &art, &pol,
		    "the logged bundle does not verify", out, eb);
out:
	for (i = 0; i < n_new; i++)
		free(new_ts[i].ptr);
	for (i = 0; i < n_entries; i++)
		sgn_tlog_entry_reset(&entries[i]);
	sgn_verifier_free(&v);
	sgn_bundle_free(&b);
	sgn_buf_reset(&pae);
	sgn_buf_reset(&env);
	free(pem);
	return r;
}
