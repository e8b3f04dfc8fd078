/*
 * http_int.h: pkg/http's use of libcurl, as a table of its functions.
 * The client fills the table from the libcurl it loads (pkg/core's
 * loader); the tests hand the same code a table of their own, to make
 * libcurl fail where a real one rarely does.
 */
#ifndef SGN_HTTP_INT_H
#define SGN_HTTP_INT_H

#include <curl/curl.h>

#include "http.h"

/* The oldest libcurl signet works with: 7.85.0 brought
 * CURLOPT_PROTOCOLS_STR, the https-only rule. */
#define SGN_HTTP_CURL_MIN	0x075500
#define SGN_HTTP_CURL_MIN_STR	"7.85.0"

struct sgn_curl_api {
	CURLcode	 (*global_init)(long);
	curl_version_info_data *(*version_info)(CURLversion);
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_perform)(CURL *);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void		 (*easy_cleanup)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
	CURLU		*(*url)(void);
	CURLUcode	 (*url_set)(CURLU *, CURLUPart, const char *,
			    unsigned int);
	CURLUcode	 (*url_get)(const CURLU *, CURLUPart, char **,
			    unsigned int);
	void		 (*url_cleanup)(CURLU *);
	void		 (*free)(void *);
};

/*
 * The libcurl in api is one signet can rely on: version_info() says
 * SGN_HTTP_CURL_MIN or later, with TLS.  SGN_OK, or SGN_ERR_UNSUPPORTED
 * with the version found and the one needed in eb.
 */
sgn_err	sgn_http_curl_check(const struct sgn_curl_api *api,
	    struct sgn_errbuf *eb);

/*
 * One exchange through api, for a request whose URL passed the policy
 * (https: whether it is https).  Every option set is checked: an option
 * libcurl refuses ends the exchange before anything is sent, with
 * SGN_ERR_UNSUPPORTED naming it (a rule such as https-only must never
 * be dropped silently).  Otherwise as sgn_http_transport.
 */
sgn_err	sgn_http_curl_exchange(const struct sgn_curl_api *api,
	    const struct sgn_http_opts *o, const struct sgn_http_request *req,
	    int https, struct sgn_http_response *res, size_t max_body,
	    long timeout_ms, struct sgn_errbuf *eb);

#endif /* SGN_HTTP_INT_H */
