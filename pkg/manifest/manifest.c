/*
 * manifest.c: ordering, root digests, comparison and the state file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "manifest_int.h"

sgn_manifest_hash
sgn_manifest_hash_from_name(const char *name)
{
	if (name == NULL)
		return 0;
	if (strcmp(name, "sha256") == 0)
		return SGN_MANIFEST_SHA256;
	if (strcmp(name, "blake2b") == 0)
		return SGN_MANIFEST_BLAKE2B;
	if (strcmp(name, "blake3") == 0)
		return SGN_MANIFEST_BLAKE3;
	return 0;
}

const char *
sgn_manifest_hash_name(sgn_manifest_hash h)
{
	switch (h) {
	case SGN_MANIFEST_SHA256:
		return "sha256";
	case SGN_MANIFEST_BLAKE2B:
		return "blake2b";
	case SGN_MANIFEST_BLAKE3:
		return "blake3";
	}
	return "unknown";
}

size_t
sgn_manifest_digest_len(sgn_manifest_hash h)
{
	switch (h) {
	case SGN_MANIFEST_SHA256:
		return 32;
	case SGN_MANIFEST_BLAKE2B:
		return 64;
	case SGN_MANIFEST_BLAKE3:
		return 32;
	}
	return 0;
}

void
sgn_manifest_free(struct sgn_manifest **mp)
{
	struct sgn_manifest	*m;
	size_t			 i;

	if (mp == NULL || *mp == NULL)
		return;
	m = *mp;
	for (i = 0; i < m->n_entries; i++)
		free(m->entries[i].path);
	free(m->entries);
	for (i = 0; i < m->n_ignore; i++)
		free(m->ignore_paths[i]);
	free(m->ignore_paths);
	free(m->subject);
	free(m);
	*mp = NULL;
}

/*
 * Path components compared one by one is the byte order in which '/'
 * sorts before every other byte: at the first difference, a component
 * that ended ('/') is a prefix of the other one, hence smaller.
 */
int
sgn_manifest_path_cmp(const char *a, const char *b)
{
	const unsigned char	*x = (const unsigned char *)a;
	const unsigned char	*y = (const unsigned char *)b;
	int			 cx, cy;

	while (*x != '\0' && *x == *y) {
		x++;
		y++;
	}
	cx = *x == '/' ? 1 : *x == '\0' ? 0 : *x + 1;
	cy = *y == '/' ? 1 : *y == '\0' ? 0 : *y + 1;
	return cx - cy;
}

int
sgn_manifest_entry_cmp(const struct sgn_manifest_entry *a,
    const struct sgn_manifest_entry *b)
{
	int	c;

	c = sgn_manifest_path_cmp(a->path, b->path);
	if (c != 0 || !a->shard || !b->shard)
		return c;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return 0;
}

static int
ptr_cmp(const void *a, const void *b)
{
	const struct sgn_manifest_entry *const	*x = a;
	const struct sgn_manifest_entry *const	*y = b;

	return sgn_manifest_entry_cmp(*x, *y);
}

void
sgn_manifest_sort_ptrs(const struct sgn_manifest_entry **v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), ptr_cmp);
}

int
sgn_manifest_path_under(const char *p, const char *ig)
{
	size_t	n = strlen(ig);

	return strncmp(p, ig, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

int
sgn_manifest_path_ok(const char *p, int single_ok)
{
	const char	*c, *e;
	size_t		 n;

	if (single_ok && strcmp(p, ".") == 0)
		return 1;
	if (*p == '\0' || *p == '/')
		return 0;
	for (c = p; ; c = e + 1) {
		e = strchr(c, '/');
		n = e != NULL ? (size_t)(e - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		if (e == NULL)
			break;
	}
	return sgn_manifest_utf8_ok(p, strlen(p));
}

int
sgn_manifest_utf8_ok(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k, len;
	uint32_t		 cp;

	while (i < n) {
		if (p[i] == 0)
			return 0;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = p[i] & 0x1fu;
		} else if ((p[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = p[i] & 0x0fu;
		} else if ((p[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = p[i] & 0x07u;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3fu);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

sgn_err
sgn_manifest_compute_root(struct sgn_manifest *m, struct sgn_errbuf *eb)
{
	EVP_MD_CTX	*ctx;
	size_t		 i;
	sgn_err		 r = SGN_OK;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	if (EVP_DigestInit_ex2(ctx, EVP_sha256(), NULL) != 1) {
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "root digest");
		goto out;
	}
	for (i = 0; i < m->n_entries; i++) {
		if (EVP_DigestUpdate(ctx, m->entries[i].digest,
		    m->entries[i].digest_len) != 1) {
			r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "root digest");
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(ctx, m->root, NULL) != 1)
		r = sgn_errf_ssl(eb, SGN_ERR_CRYPTO, "root digest");
out:
	EVP_MD_CTX_free(ctx);
	return r;
}

/* Sorted pointers to the entries of m (NULL for an empty manifest). */
static const struct sgn_manifest_entry **
sorted(const struct sgn_manifest *m)
{
	const struct sgn_manifest_entry	**v;
	size_t				  i;

	if (m->n_entries == 0)
		return NULL;
	if ((v = calloc(m->n_entries, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < m->n_entries; i++)
		v[i] = &m->entries[i];
	sgn_manifest_sort_ptrs(v, m->n_entries);
	return v;
}

size_t
sgn_manifest_compare(const struct sgn_manifest *sm,
    const struct sgn_manifest *am, sgn_manifest_diff_fn fn, void *ctx)
{
	const struct sgn_manifest_entry	**s, **a;
	size_t				  i = 0, j = 0, n = 0;
	int				  c;

	s = sorted(sm);
	a = sorted(am);
	if ((s == NULL && sm->n_entries > 0) ||
	    (a == NULL && am->n_entries > 0)) {
		/* out of memory: say that everything differs, never less */
		free(s);
		free(a);
		return sm->n_entries + am->n_entries + 1;
	}
	while (i < sm->n_entries || j < am->n_entries) {
		if (i == sm->n_entries)
			c = 1;
		else if (j == am->n_entries)
			c = -1;
		else
			c = sgn_manifest_entry_cmp(s[i], a[j]);
		if (c < 0) {
			if (fn != NULL)
				fn(ctx, SGN_MANIFEST_MISSING, s[i]);
			i++;
			n++;
		} else if (c > 0) {
			if (fn != NULL)
				fn(ctx, SGN_MANIFEST_EXTRA, a[j]);
			j++;
			n++;
		} else {
			if (s[i]->digest_len != a[j]->digest_len ||
			    memcmp(s[i]->digest, a[j]->digest,
			    s[i]->digest_len) != 0) {
				if (fn != NULL)
					fn(ctx, SGN_MANIFEST_CHANGED, s[i]);
				n++;
			}
			i++;
			j++;
		}
	}
	free(s);
	free(a);
	return n;
}

/* State files ----------------------------------------------------------- */

#define STATE_MAGIC	"signet-manifest-state 1\n"
#define STATE_MAX_LINE	(2 * 4096 + 512)

sgn_err
sgn_manifest_state_write(const struct sgn_manifest *m, struct sgn_buf *out,
    struct sgn_errbuf *eb)
{
	const struct sgn_manifest_entry	*e;
	char				 hex[2 * SGN_MAX_DIGEST + 1];
	char				*name;
	uint8_t				 sum[32];
	size_t				 i, n, start = out->len;
	sgn_err				 r;

	sgn_hex_encode(m->root, sizeof(m->root), hex);
	r = sgn_buf_appendf(out, eb, "%s%s %s %" PRIu64 " %d %s\n",
	    STATE_MAGIC, m->method == SGN_MANIFEST_SHARDS ? "shards" : "files",
	    sgn_manifest_hash_name(m->hash), m->shard_size,
	    m->allow_symlinks ? 1 : 0, hex);
	for (i = 0; r == SGN_OK && i < m->n_entries; i++) {
		e = &m->entries[i];
		n = strlen(e->path);
		if ((name = malloc(2 * n + 1)) == NULL)
			return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
		sgn_hex_encode((const uint8_t *)e->path, n, name);
		sgn_hex_encode(e->digest, e->digest_len, hex);
		r = sgn_buf_appendf(out, eb, "%d %" PRIu64 " %" PRIu64 " %"
		    PRIu64 " %" PRId64 " %" PRId64 " %" PRIu64 " %" PRIu64
		    " %s %s\n", e->shard, e->start, e->end, e->size,
		    e->mtime_ns, e->ctime_ns, e->dev, e->ino, hex, name);
		free(name);
	}
	if (r != SGN_OK)
		return r;
	/* a checksum of the whole record, against torn or edited files */
	if ((r = sgn_hash(SGN_HASH_SHA256, out->ptr + start, out->len - start,
	    sum, eb)) != SGN_OK)
		return r;
	sgn_hex_encode(sum, sizeof(sum), hex);
	return sgn_buf_appendf(out, eb, "end %s\n", hex);
}

/* Reads one space-terminated token from *pp (before end). */
static int
token(const char **pp, const char *end, const char **tok, size_t *n)
{
	const char	*p = *pp, *s = *pp;

	while (p < end && *p != ' ' && *p != '\n')
		p++;
	if (p == s || p == end)
		return -1;
	*tok = s;
	*n = (size_t)(p - s);
	*pp = p + 1;
	return 0;
}

static int
tok_u64(const char **pp, const char *end, uint64_t *v)
{
	const char		*t;
	size_t			 n, i;
	unsigned long long	 x = 0;

	if (token(pp, end, &t, &n) != 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return -1;
		if (x > (ULLONG_MAX - (unsigned)(t[i] - '0')) / 10)
			return -1;
		x = x * 10 + (unsigned)(t[i] - '0');
	}
	*v = (uint64_t)x;
	return 0;
}

static int
tok_i64(const char **pp, const char *end, int64_t *v)
{
	uint64_t	x;
	int		neg = 0;

	if (*pp < end && **pp == '-') {
		neg = 1;
		(*pp)++;
	}
	if (tok_u64(pp, end, &x) != 0 || x > (uint64_t)INT64_MAX)
		return -1;
	*v = neg ? -(int64_t)x : (int64_t)x;
	return 0;
}

static int
tok_hex(const char **pp, const char *end, uint8_t *out, size_t max,
    size_t *len)
{
	const char	*t;
	size_t		 n;

	if (token(pp, end, &t, &n) != 0 || n % 2 != 0 || n / 2 > max)
		return -1;
	if (sgn_hex_decode(t, n, out, n / 2, NULL) != SGN_OK)
		return -1;
	*len = n / 2;
	return 0;
}

static int
read_entry(const char **pp, const char *end, const struct sgn_manifest *m,
    struct sgn_manifest_entry *e)
{
	uint64_t	shard;
	uint8_t		name[4096];
	size_t		nlen;

	if (tok_u64(pp, end, &shard) != 0 || shard > 1 ||
	    tok_u64(pp, end, &e->start) != 0 ||
	    tok_u64(pp, end, &e->end) != 0 ||
	    tok_u64(pp, end, &e->size) != 0 ||
	    tok_i64(pp, end, &e->mtime_ns) != 0 ||
	    tok_i64(pp, end, &e->ctime_ns) != 0 ||
	    tok_u64(pp, end, &e->dev) != 0 ||
	    tok_u64(pp, end, &e->ino) != 0 ||
	    tok_hex(pp, end, e->digest, sizeof(e->digest),
	    &e->digest_len) != 0 ||
	    tok_hex(pp, end, name, sizeof(name) - 1, &nlen) != 0 ||
	    (*pp)[-1] != '\n')
		return -1;
	e->shard = (int)shard;
	if ((e->shard != 0) != (m->method == SGN_MANIFEST_SHARDS) ||
	    e->digest_len != sgn_manifest_digest_len(m->hash) ||
	    e->end < e->start)
		return -1;
	name[nlen] = '\0';
	if (strlen((const char *)name) != nlen ||
	    !sgn_manifest_path_ok((const char *)name, 1))
		return -1;
	if ((e->path = strdup((const char *)name)) == NULL)
		return -1;
	return 0;
}

sgn_err
sgn_manifest_state_read(const uint8_t *buf, size_t len,
    struct sgn_manifest **out, struct sgn_errbuf *eb)
{
	struct sgn_manifest	*m;
	const char		*p = (const char *)buf, *end = p + len, *t;
	const char		*nl;
	uint8_t			 root[32], sum[32], want[32];
	uint64_t		 v, lines = 0;
	size_t			 n, cap = 0, rl;
	void			*nv;
	sgn_err			 r = SGN_OK;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return sgn_errf(eb, SGN_ERR_NOMEM, "out of memory");
	/* the last line: "end <sha256 of the rest>" */
	if (len < strlen(STATE_MAGIC) + 69 ||
	    memcmp(p, STATE_MAGIC, strlen(STATE_MAGIC)) != 0 ||
	    memcmp(end - 69, "end ", 4) != 0 || end[-1] != '\n' ||
	    sgn_hex_decode(end - 65, 64, sum, sizeof(sum), NULL) != SGN_OK ||
	    sgn_hash(SGN_HASH_SHA256, buf, len - 69, want, NULL) != SGN_OK ||
	    memcmp(sum, want, sizeof(sum)) != 0)
		goto bad;
	end -= 69;
	p += strlen(STATE_MAGIC);
	if (token(&p, end, &t, &n) != 0)
		goto bad;
	if (n == 5 && memcmp(t, "files", 5) == 0)
		m->method = SGN_MANIFEST_FILES;
	else if (n == 6 && memcmp(t, "shards", 6) == 0)
		m->method = SGN_MANIFEST_SHARDS;
	else
		goto bad;
	if (token(&p, end, &t, &n) != 0)
		goto bad;
	if (n == 6 && memcmp(t, "sha256", 6) == 0)
		m->hash = SGN_MANIFEST_SHA256;
	else if (n == 7 && memcmp(t, "blake2b", 7) == 0)
		m->hash = SGN_MANIFEST_BLAKE2B;
	else
		goto bad;
	if (tok_u64(&p, end, &m->shard_size) != 0 ||
	    tok_u64(&p, end, &v) != 0 || v > 1 ||
	    tok_hex(&p, end, root, sizeof(root), &rl) != 0 ||
	    rl != sizeof(root) || p[-1] != '\n')
		goto bad;
	m->allow_symlinks = (int)v;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    nl - p > STATE_MAX_LINE)
			goto bad;
		if (++lines > SGN_MANIFEST_MAX_ENTRIES) {
			r = sgn_errf(eb, SGN_ERR_LIMIT,
			    "digest state: more than %u entries",
			    SGN_MANIFEST_MAX_ENTRIES);
			goto out;
		}
		if (m->n_entries == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			if ((nv = realloc(m->entries,
			    cap * sizeof(*m->entries))) == NULL) {
				r = sgn_errf(eb, SGN_ERR_NOMEM,
				    "out of memory");
				goto out;
			}
			m->entries = nv;
		}
		memset(&m->entries[m->n_entries], 0, sizeof(*m->entries));
		if (read_entry(&p, nl + 1, m, &m->entries[m->n_entries]) != 0)
			goto bad;
		m->n_entries++;
	}
	if ((r = sgn_manifest_compute_root(m, eb)) != SGN_OK)
		goto out;
	if (memcmp(root, m->root, sizeof(root)) != 0)
		goto bad;
	*out = m;
	m = NULL;
	goto out;
bad:
	r = sgn_errf(eb, SGN_ERR_PARSE, "digest state: malformed");
out:
	sgn_manifest_free(&m);
	return r;
}
