/*
 * mkfiles: makes many small files for the tests and the benchmark, fast
 * and the same on every run (a shell loop spawning a process a file took
 * minutes for 100,000).
 *
 *   mkfiles [-p PER_DIR] [-r] DIR N
 *
 * Makes DIR (and its parents) and N files in it named f0 .. f(N-1), the
 * number zero-padded to the width of N - 1 ("f00000" .. "f99999" for
 * 100000).  With -p, the files go PER_DIR to a directory, d000, d001, ...
 * of DIR.  A file holds its own number as text ("00042"); with -r,
 * 64 + i % 512 bytes of a pseudo-random stream seeded with its number i
 * (splitmix64), the same on every run.  Exits 0, or 2 with a one-line
 * message.  A test tool: never installed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILES	10000000UL

static void
die(const char *what, const char *path)
{
	fprintf(stderr, "mkfiles: %s: %s\n", path, what != NULL ? what :
	    strerror(errno));
	exit(2);
}

static int
count(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || *out > max ? -1 : 0;
}

/* mkdir -p */
static void
mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			die(NULL, path);
		*p = '/';
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die(NULL, path);
}

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
put(const char *path, const uint8_t *p, size_t n)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0)
		die(NULL, path);
	if (write(fd, p, n) != (ssize_t)n)
		die("short write", path);
	if (close(fd) != 0)
		die(NULL, path);
}

int
main(int argc, char **argv)
{
	char path[PATH_MAX], name[32];
	uint8_t buf[576];
	unsigned long n, per = 0, i;
	uint64_t s, v;
	size_t len, k;
	int c, width, rnd = 0;

	while ((c = getopt(argc, argv, "p:r")) != -1) {
		switch (c) {
		case 'p':
			if (count(optarg, MAX_FILES, &per) != 0 || per == 0)
				die("bad -p", optarg);
			break;
		case 'r':
			rnd = 1;
			break;
		default:
			fprintf(stderr, "usage: mkfiles [-p PER_DIR] [-r] DIR "
			    "N\n");
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: mkfiles [-p PER_DIR] [-r] DIR N\n");
		return 2;
	}
	if (count(argv[optind + 1], MAX_FILES, &n) != 0)
		die("bad count", argv[optind + 1]);
	if (strlen(argv[optind]) + 32 >= sizeof(path))
		die("path too long", argv[optind]);
	(void)snprintf(path, sizeof(path), "%s", argv[optind]);
	mkdirs(path);
	(void)snprintf(name, sizeof(name), "%lu", n > 0 ? n - 1 : 0);
	width = (int)strlen(name);
	for (i = 0; i < n; i++) {
		if (per != 0 && i % per == 0) {
			(void)snprintf(path, sizeof(path), "%s/d%03lu",
			    argv[optind], i / per);
			mkdirs(path);
		}
		(void)snprintf(name, sizeof(name), "%0*lu", width, i);
		if (per != 0)
			(void)snprintf(path, sizeof(path), "%s/d%03lu/f%s",
			    argv[optind], i / per, name);
		else
			(void)snprintf(path, sizeof(path), "%s/f%s",
			    argv[optind], name);
		if (!rnd) {
			put(path, (const uint8_t *)name, strlen(name));
			continue;
		}
		len = 64 + i % 512;
		s = i;
		for (k = 0, v = 0; k < len; k++) {
			if (k % 8 == 0)
				v = splitmix64(&s);
			buf[k] = (uint8_t)(v >> (8 * (k % 8)));
		}
		put(path, buf, len);
	}
	return 0;
}
