/*
 * Unit tests for pkg/core: errors, buffers, secure memory, base64, hex,
 * time, files.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "core.h"
#include "core_int.h"
#include "testutil.h"

Test(core, errf_keeps_the_first_message)
{
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_errf(&eb, SGN_ERR_PARSE, "inner %d", 1),
	    SGN_ERR_PARSE);
	sgn_errf(&eb, SGN_ERR_VERIFY, "outer");
	cr_assert_str_eq(eb.msg, "inner 1");
}

Test(core, errf_replaces_newlines)
{
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	sgn_errf(&eb, SGN_ERR_PARSE, "a\nb\tc");
	cr_assert_str_eq(eb.msg, "a b c");
}

Test(core, exit_status_maps_codes)
{
	cr_assert_eq(sgn_err_exit_status(SGN_OK), 0);
	cr_assert_eq(sgn_err_exit_status(SGN_ERR_VERIFY), 1);
	cr_assert_eq(sgn_err_exit_status(SGN_ERR_POLICY), 1);
	cr_assert_eq(sgn_err_exit_status(SGN_ERR_PARSE), 1);
	cr_assert_eq(sgn_err_exit_status(SGN_ERR_IO), 2);
	cr_assert_eq(sgn_err_exit_status(SGN_ERR_TRUST), 2);
	cr_assert_eq(sgn_err_exit_status(SGN_ERR_INVALID_ARGUMENT), 2);
}

/* Secure memory ---------------------------------------------------------- */

/* What /proc/self/smaps says of the mapping that holds p. */
struct vma {
	int	found;
	int	dd;		/* VmFlags dd: left out of core dumps */
	int	lo;		/* VmFlags lo: locked */
	long	locked_kb;
};

static struct vma
vma_of(const void *p)
{
	struct vma v = { 0, 0, 0, 0 };
	char line[512];
	uintptr_t a = (uintptr_t)p, lo, hi;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = a >= lo && a < hi;
			v.found |= in;
			continue;
		}
		if (!in)
			continue;
		if (strncmp(line, "Locked:", 7) == 0)
			v.locked_kb = strtol(line + 7, NULL, 10);
		else if (strncmp(line, "VmFlags:", 8) == 0) {
			v.dd = strstr(line, " dd") != NULL;
			v.lo = strstr(line, " lo") != NULL;
		}
	}
	fclose(f);
	return v;
}

/*
 * 1 when this process can lock a page (RLIMIT_MEMLOCK, CAP_IPC_LOCK; the
 * sanitizers turn mlock into a no-op that succeeds: asked of the kernel).
 */
static int
can_lock(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok;

	cr_assert_neq(p, MAP_FAILED);
	ok = mlock(p, pg) == 0 && vma_of(p).lo;
	munmap(p, pg);
	return ok;
}

/* 1 when the page that holds p is not mapped. */
static int
unmapped(const void *p)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char vec;
	void *page = (void *)((uintptr_t)p & ~(uintptr_t)(pg - 1));

	return mincore(page, 1, &vec) == -1 && errno == ENOMEM;
}

Test(core, secure_memory_is_locked_and_left_out_of_core_dumps)
{
	uint8_t *p = sgn_secure_alloc(5000);
	struct vma v;
	size_t i;

	cr_assert_not_null(p);
	for (i = 0; i < 5000; i++)
		p[i] = (uint8_t)i;
	v = vma_of(p);
	cr_assert(v.found);
	cr_assert(v.dd, "MADV_DONTDUMP not applied");
	if (can_lock()) {
		cr_assert(v.lo, "not locked");
		cr_assert_geq(v.locked_kb, 8);
	}
	/* the end of the secret too (5000 bytes past the header) */
	v = vma_of(p + 4999);
	cr_assert(v.dd);
	sgn_secure_free(p);
	cr_assert(unmapped(p), "still mapped after sgn_secure_free");
	sgn_secure_free(NULL);
	cr_assert_null(sgn_secure_alloc(SIZE_MAX));
	cr_assert_null(sgn_secure_alloc(SIZE_MAX - 4096));
}

Test(core, secrets_live_in_secure_memory)
{
	struct sgn_secret s = { NULL, 0 };
	struct vma v;
	uint8_t *was;

	cr_assert_eq(sgn_secret_set(&s, "hunter2", 7, NULL), SGN_OK);
	cr_assert_eq(s.len, 7);
	cr_assert_str_eq((char *)s.ptr, "hunter2");
	v = vma_of(s.ptr);
	cr_assert(v.dd, "a secret would be in a core dump");
	if (can_lock())
		cr_assert(v.lo, "a secret could be swapped out");
	was = s.ptr;
	sgn_secret_reset(&s);
	cr_assert_null(s.ptr);
	cr_assert_eq(s.len, 0);
	cr_assert(unmapped(was));
	/* empty secrets too */
	cr_assert_eq(sgn_secret_set(&s, "", 0, NULL), SGN_OK);
	cr_assert_str_eq((char *)s.ptr, "");
	cr_assert(vma_of(s.ptr).dd);
	sgn_secret_reset(&s);
}

Test(core, process_set_undumpable_turns_off_core_dumps)
{
	cr_assert_eq(prctl(PR_GET_DUMPABLE, 0L, 0L, 0L, 0L), 1,
	    "the test starts dumpable");
	cr_assert_eq(sgn_process_set_undumpable(), 0);
	cr_assert_eq(prctl(PR_GET_DUMPABLE, 0L, 0L, 0L, 0L), 0);
}

Test(core, buf_refuses_to_grow_past_its_cap)
{
	struct sgn_buf b;

	sgn_buf_init(&b, 8);
	cr_assert_eq(sgn_buf_append(&b, "12345678", 8, NULL), SGN_OK);
	cr_assert_eq(sgn_buf_append(&b, "9", 1, NULL), SGN_ERR_LIMIT);
	cr_assert_eq(b.len, 8);
	cr_assert_eq(b.ptr[8], 0);
	sgn_buf_reset(&b);
	cr_assert_null(b.ptr);
}

static void
b64_roundtrip(const char *in, const char *want)
{
	char *enc;
	uint8_t *dec;
	size_t n;

	cr_assert_eq(sgn_b64_encode((const uint8_t *)in, strlen(in), &enc,
	    NULL), SGN_OK);
	cr_assert_str_eq(enc, want);
	cr_assert_eq(sgn_b64_decode(enc, strlen(enc), &dec, &n, NULL),
	    SGN_OK);
	cr_assert_eq(n, strlen(in));
	cr_assert_eq(memcmp(dec, in, n), 0);
	free(enc);
	free(dec);
}

Test(core, b64_round_trips_rfc4648_vectors)
{
	b64_roundtrip("", "");
	b64_roundtrip("f", "Zg==");
	b64_roundtrip("fo", "Zm8=");
	b64_roundtrip("foo", "Zm9v");
	b64_roundtrip("foob", "Zm9vYg==");
	b64_roundtrip("fooba", "Zm9vYmE=");
	b64_roundtrip("foobar", "Zm9vYmFy");
}

static sgn_err
b64(const char *s)
{
	uint8_t *out = NULL;
	size_t n;
	sgn_err r = sgn_b64_decode(s, strlen(s), &out, &n, NULL);

	free(out);
	return r;
}

Test(core, b64_accepts_unpadded_url_safe_and_wrapped)
{
	cr_assert_eq(b64("Zm9v\nYg==\n"), SGN_OK);
	cr_assert_eq(b64("Zm9v\r\nYg=="), SGN_OK);
	cr_assert_eq(b64("Zg"), SGN_OK);
	cr_assert_eq(b64("Zm8"), SGN_OK);
	cr_assert_eq(b64("-_8="), SGN_OK);
}

Test(core, b64_rejects_bad_input)
{
	cr_assert_eq(b64("INVALID!!!BASE64!!!ENCODING===="), SGN_ERR_PARSE);
	cr_assert_eq(b64("Zg="), SGN_ERR_PARSE);	/* short padding */
	cr_assert_eq(b64("Z==="), SGN_ERR_PARSE);
	cr_assert_eq(b64("Zm9v Yg=="), SGN_ERR_PARSE);
	cr_assert_eq(b64("Zm9v\tYg=="), SGN_ERR_PARSE);
	cr_assert_eq(b64("Zh=="), SGN_ERR_PARSE);	/* trailing bits */
	cr_assert_eq(b64("+-8="), SGN_ERR_PARSE);	/* mixed alphabet */
	cr_assert_eq(b64("Zm=v"), SGN_ERR_PARSE);
	cr_assert_eq(b64("Z"), SGN_ERR_PARSE);
}

Test(core, hex_decodes_exact_lengths_only)
{
	uint8_t out[2];
	char s[5];

	cr_assert_eq(sgn_hex_decode("a0Cf", 4, out, 2, NULL), SGN_OK);
	cr_assert_eq(out[0], 0xa0);
	cr_assert_eq(out[1], 0xcf);
	cr_assert_eq(sgn_hex_decode("a0c", 3, out, 2, NULL), SGN_ERR_PARSE);
	cr_assert_eq(sgn_hex_decode("a0cg", 4, out, 2, NULL), SGN_ERR_PARSE);
	sgn_hex_encode(out, 2, s);
	cr_assert_str_eq(s, "a0cf");
}

static struct sgn_time
t3339(const char *s)
{
	struct sgn_time t = { 0, 0 };

	cr_assert_eq(sgn_time_parse_rfc3339(s, strlen(s), &t, NULL), SGN_OK,
	    "%s", s);
	return t;
}

Test(core, time_parses_rfc3339)
{
	struct sgn_time t;
	char buf[SGN_TIME_STRLEN];

	t = t3339("1970-01-01T00:00:00Z");
	cr_assert_eq(t.sec, 0);
	t = t3339("2024-03-19T17:26:26Z");
	cr_assert_eq(t.sec, 1710869186);
	t = t3339("2022-12-31T23:59:59.999Z");
	cr_assert_eq(t.sec, 1672531199);
	cr_assert_eq(t.nsec, 999000000);
	t = t3339("2022-05-11T19:09:02.663975009Z");
	cr_assert_eq(t.nsec, 663975009);
	t = t3339("2024-03-19T19:26:26+02:00");
	cr_assert_eq(t.sec, 1710869186);
	sgn_time_format(t3339("2022-12-31T23:59:59.999Z"), buf);
	cr_assert_str_eq(buf, "2022-12-31T23:59:59.999Z");
	sgn_time_format(sgn_time_from_sec(1710869186), buf);
	cr_assert_str_eq(buf, "2024-03-19T17:26:26Z");
}

Test(core, time_rejects_bad_input)
{
	const char *bad[] = { "", "2024-03-19", "2024-03-19T17:26:26",
	    "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
	    "2024-03-19T24:00:00Z", "2024-03-19T17:26:26.Z",
	    "2024-03-19T17:26:26.1234567890Z", "2024-03-19T17:26:26Zjunk",
	    "0000-01-01T00:00:00Z" };
	struct sgn_time t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(sgn_time_parse_rfc3339(bad[i], strlen(bad[i]),
		    &t, NULL), SGN_ERR_PARSE, "%s", bad[i]);
	cr_assert_lt(sgn_time_cmp(t3339("2024-01-01T00:00:00.1Z"),
	    t3339("2024-01-01T00:00:00.2Z")), 0);
}

Test(core, file_read_honours_the_cap)
{
	char path[] = "/tmp/sgn-core-XXXXXX";
	int fd = mkstemp(path);
	uint8_t *p;
	size_t n;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "hello", 5), 5);
	close(fd);
	cr_assert_eq(sgn_file_read(path, 5, &p, &n, NULL), SGN_OK);
	cr_assert_eq(n, 5);
	cr_assert_str_eq((char *)p, "hello");
	free(p);
	cr_assert_eq(sgn_file_read(path, 4, &p, &n, NULL), SGN_ERR_LIMIT);
	cr_assert_null(p);
	unlink(path);
	cr_assert_eq(sgn_file_read(path, 4, &p, &n, NULL), SGN_ERR_IO);
}

Test(core, special_files_are_refused_without_waiting)
{
	char dir[] = "/tmp/sgn-core-dir-XXXXXX";
	char fifo[64], reg[64];
	const char *bad[] = { fifo, "/dev/null", "/dev/zero", dir };
	const char *why[] = { "fifo: not a regular file",
	    "/dev/null: not a regular file", "/dev/zero: not a regular file",
	    "is a directory" };
	struct sgn_errbuf eb;
	uint8_t *p, d[32];
	size_t n, i;
	int fd;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(reg, sizeof(reg), "%s/reg", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	/* a FIFO with no writer would block open() forever: alarm() turns
	 * a regression into a failed test */
	alarm(10);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_file_read(bad[i], 100, &p, &n, &eb),
		    SGN_ERR_IO, "%s", bad[i]);
		cr_assert(tu_has(eb.msg, why[i]), "%s", eb.msg);
		sgn_errbuf_clear(&eb);
		cr_assert_eq(sgn_hash_file(SGN_HASH_SHA256, bad[i], d, &eb),
		    SGN_ERR_IO, "%s", bad[i]);
		cr_assert(tu_has(eb.msg, why[i]), "%s", eb.msg);
		cr_assert_eq(sgn_file_open_read(bad[i], &fd, NULL),
		    SGN_ERR_IO);
		cr_assert_eq(fd, -1);
	}
	alarm(0);
	/* a regular file is handed over in blocking mode */
	cr_assert_eq(sgn_file_write_atomic(reg, "abc", 3, 0644, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_file_open_read(reg, &fd, NULL), SGN_OK);
	cr_assert_geq(fd, 0);
	cr_assert_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	cr_assert_eq(sgn_hash_file(SGN_HASH_SHA256, reg, d, NULL), SGN_OK);
	cr_assert_eq(d[0], 0xba);
	/* "-" is stdin, whatever it is */
	cr_assert_eq(sgn_file_open_read("-", &fd, NULL), SGN_OK);
	cr_assert_eq(fd, STDIN_FILENO);
	cr_assert_eq(unlink(reg), 0);
	cr_assert_eq(unlink(fifo), 0);
	cr_assert_eq(rmdir(dir), 0);
}

Test(core, atomic_write_replaces_the_file)
{
	char dir[] = "/tmp/sgn-core-dir-XXXXXX";
	char path[64];
	uint8_t *p;
	size_t n;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	cr_assert_eq(sgn_file_write_atomic(path, "one", 3, 0644, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_file_write_atomic(path, "two!", 4, 0644, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_file_read(path, 100, &p, &n, NULL), SGN_OK);
	cr_assert_str_eq((char *)p, "two!");
	free(p);
	unlink(path);
	cr_assert_eq(rmdir(dir), 0);	/* no temporary left behind */
}

Test(core, a_write_that_fails_leaves_nothing_behind)
{
	char dir[] = "/tmp/sgn-core-dir-XXXXXX";
	char path[64], big[4096];
	struct sgn_errbuf eb;
	struct rlimit rl = { 1024, 1024 };
	struct stat st;

	/* past RLIMIT_FSIZE write() fails with EFBIG once SIGXFSZ is
	 * ignored, as signet's main() does (Criterion forks each test) */
	cr_assert_neq(signal(SIGXFSZ, SIG_IGN), SIG_ERR);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	memset(big, 'x', sizeof(big));
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_file_write_atomic(path, big, sizeof(big), 0644, &eb),
	    SGN_ERR_IO);
	cr_assert(tu_has(eb.msg, "File too large"), "%s", eb.msg);
	cr_assert_neq(lstat(path, &st), 0);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_file_create(path, big, sizeof(big), 0600, &eb),
	    SGN_ERR_IO);
	cr_assert(tu_has(eb.msg, "File too large"), "%s", eb.msg);
	cr_assert_neq(lstat(path, &st), 0);
	/* an existing file is left as it was */
	cr_assert_eq(sgn_file_write_atomic(path, "old", 3, 0644, NULL),
	    SGN_OK);
	cr_assert_eq(sgn_file_write_atomic(path, big, sizeof(big), 0644,
	    NULL), SGN_ERR_IO);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_size, 3);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(rmdir(dir), 0);	/* no temporary left behind */
}

Test(core, create_writes_a_new_file_with_its_mode_and_never_replaces_one)
{
	char dir[] = "/tmp/sgn-core-dir-XXXXXX";
	char path[64], link_path[64];
	struct sgn_errbuf eb;
	struct stat st;
	mode_t old = umask(022);
	uint8_t *p;
	size_t n;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/key", dir);
	snprintf(link_path, sizeof(link_path), "%s/link", dir);
	cr_assert_eq(sgn_file_create(path, "secret", 6, 0600, NULL), SGN_OK);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600);
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_file_create(path, "other", 5, 0600, &eb),
	    SGN_ERR_IO);
	cr_assert(tu_has(eb.msg, "already exists"), "%s", eb.msg);
	cr_assert_eq(sgn_file_read(path, 100, &p, &n, NULL), SGN_OK);
	cr_assert_str_eq((char *)p, "secret");
	free(p);
	/* a symbolic link, dangling or not, is not followed */
	cr_assert_eq(symlink("nowhere", link_path), 0);
	cr_assert_eq(sgn_file_create(link_path, "x", 1, 0600, NULL),
	    SGN_ERR_IO);
	cr_assert_eq(lstat(link_path, &st), 0);
	cr_assert(S_ISLNK(st.st_mode));
	cr_assert_eq(unlink(link_path), 0);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(rmdir(dir), 0);
	umask(old);
}

Test(core, hash_computes_sha256)
{
	uint8_t d[32];
	char hex[65];

	cr_assert_eq(sgn_hash(SGN_HASH_SHA256, "abc", 3, d, NULL), SGN_OK);
	sgn_hex_encode(d, 32, hex);
	cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

/* The loader of dlopen()ed libraries (core_int.h) ---------------------- */

static size_t (*dl_strlen)(const char *);
static int (*dl_missing)(void);
static int dl_inits;

static sgn_err
dl_init_ok(struct sgn_errbuf *eb)
{
	(void)eb;
	dl_inits++;
	return SGN_OK;
}

static sgn_err
dl_init_old(struct sgn_errbuf *eb)
{
	dl_inits++;
	return sgn_errf(eb, SGN_ERR_UNSUPPORTED, "libc 0.1 is too old");
}

Test(core, dl_loads_a_library_once_and_resolves_its_functions)
{
	static const char *const so[] = { "libsignet-none.so.7",
	    "libc.so.6", NULL };
	static const struct sgn_dl_sym syms[] = {
		{ "strlen", &dl_strlen },
	};
	static struct sgn_dl_lib lib = {
		.what = "libc", .sonames = so, .package = "libc6",
		.syms = syms, .nsyms = 1, .init = dl_init_ok,
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};

	dl_inits = 0;
	cr_assert_eq(sgn_dl_load(&lib, NULL), SGN_OK);
	cr_assert_eq(sgn_dl_load(&lib, NULL), SGN_OK);
	cr_assert_eq(dl_inits, 1);
	cr_assert_not_null(dl_strlen);
	cr_assert_eq(dl_strlen("signet"), 6);
}

Test(core, dl_never_tries_an_unversioned_soname)
{
	/* libc.so is a linker script: dlopen() would fail anyway, but
	 * the loader refuses before trying. */
	static const char *const so[] = { "libc.so.6", "libc.so", NULL };
	static const struct sgn_dl_sym syms[] = {
		{ "strlen", &dl_strlen },
	};
	static struct sgn_dl_lib lib = {
		.what = "libc", .sonames = so, .package = "libc6",
		.syms = syms, .nsyms = 1,
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct sgn_errbuf eb;

	dl_strlen = NULL;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_dl_load(&lib, &eb), SGN_ERR_INVALID_ARGUMENT);
	cr_assert(tu_has(eb.msg, "libc.so is not a versioned soname"), "%s",
	    eb.msg);
	cr_assert_null(dl_strlen);
}

Test(core, dl_names_the_package_when_nothing_loads)
{
	static const char *const so[] = { "libsignet-none.so.7", NULL };
	static struct sgn_dl_lib lib = {
		.what = "libnone", .sonames = so, .package = "libnone7",
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct sgn_errbuf eb;

	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_dl_load(&lib, &eb), SGN_ERR_UNSUPPORTED);
	cr_assert(tu_has(eb.msg, "cannot load libnone (libsignet-none.so.7"),
	    "%s", eb.msg);
	cr_assert(tu_has(eb.msg, "install the Debian package libnone7"), "%s",
	    eb.msg);
	/* The outcome stays: the same error at the next call. */
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_dl_load(&lib, &eb), SGN_ERR_UNSUPPORTED);
	cr_assert(tu_has(eb.msg, "cannot load libnone"), "%s", eb.msg);
}

Test(core, dl_refuses_a_library_without_a_function_or_too_old)
{
	static const char *const so[] = { "libc.so.6", NULL };
	static const struct sgn_dl_sym syms[] = {
		{ "strlen", &dl_strlen },
		{ "sgn_no_such_function", &dl_missing },
	};
	static struct sgn_dl_lib lib = {
		.what = "libc", .sonames = so, .package = "libc6",
		.syms = syms, .nsyms = 2, .init = dl_init_ok,
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};
	static struct sgn_dl_lib old = {
		.what = "libc", .sonames = so, .package = "libc6",
		.syms = syms, .nsyms = 1, .init = dl_init_old,
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct sgn_errbuf eb;

	dl_inits = 0;
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_dl_load(&lib, &eb), SGN_ERR_UNSUPPORTED);
	cr_assert(tu_has(eb.msg, "libc lacks sgn_no_such_function: it is too "
	    "old for signet (Debian package libc6)"), "%s", eb.msg);
	cr_assert_eq(dl_inits, 0, "init only once every function is found");
	sgn_errbuf_clear(&eb);
	cr_assert_eq(sgn_dl_load(&old, &eb), SGN_ERR_UNSUPPORTED);
	cr_assert(tu_has(eb.msg, "libc 0.1 is too old"), "%s", eb.msg);
	cr_assert_eq(dl_inits, 1);
	cr_assert_eq(sgn_dl_load(&old, NULL), SGN_ERR_UNSUPPORTED);
	cr_assert_eq(dl_inits, 1);
}
