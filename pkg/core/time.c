/*
 * Time: RFC 3339 parsing (as protobuf JSON writes google.protobuf.Timestamp
 * and TUF writes "expires") and formatting, without the C library's
 * locale- and timezone-dependent calls.
 */
#include <stdio.h>
#include <string.h>

#include "core.h"

int
sgn_time_cmp(struct sgn_time a, struct sgn_time b)
{
	if (a.sec != b.sec)
		return a.sec < b.sec ? -1 : 1;
	if (a.nsec != b.nsec)
		return a.nsec < b.nsec ? -1 : 1;
	return 0;
}

struct sgn_time
sgn_time_from_sec(int64_t sec)
{
	struct sgn_time t;

	t.sec = sec;
	t.nsec = 0;
	return t;
}

/* Howard Hinnant's days_from_civil. */
int64_t
sgn_time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *yp, unsigned *mp, unsigned *dp)
{
	int64_t era, doe, yoe, y, doy, mp0;
	unsigned d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp0 = (5 * doy + 2) / 153;
	d = (unsigned)(doy - (153 * mp0 + 2) / 5 + 1);
	m = (unsigned)(mp0 < 10 ? mp0 + 3 : mp0 - 9);
	*yp = y + (m <= 2);
	*mp = m;
	*dp = d;
}

static int
digits(const char *s, size_t n, size_t off, size_t cnt, int *v)
{
	size_t i;
	int acc = 0;

	if (off + cnt > n)
		return -1;
	for (i = 0; i < cnt; i++) {
		char c = s[off + i];
		if (c < '0' || c > '9')
			return -1;
		acc = acc * 10 + (c - '0');
	}
	*v = acc;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

sgn_err
sgn_time_parse_rfc3339(const char *s, size_t n, struct sgn_time *t,
    struct sgn_errbuf *eb)
{
	int Y, M, D, h, m, sec, oh = 0, om = 0;
	size_t p = 19;
	int32_t nsec = 0;
	int64_t days, total, off = 0;

	if (s == NULL || digits(s, n, 0, 4, &Y) || n < 20 || s[4] != '-' ||
	    digits(s, n, 5, 2, &M) || s[7] != '-' || digits(s, n, 8, 2, &D) ||
	    (s[10] != 'T' && s[10] != 't') || digits(s, n, 11, 2, &h) ||
	    s[13] != ':' || digits(s, n, 14, 2, &m) || s[16] != ':' ||
	    digits(s, n, 17, 2, &sec))
		goto bad;
	if (Y < 1 || M < 1 || M > 12 || D < 1 || D > days_in_month(Y, M) ||
	    h > 23 || m > 59 || sec > 60)
		goto bad;
	if (sec == 60)	/* leap second: clamp, as Go and protobuf do not */
		sec = 59;
	if (p < n && s[p] == '.') {
		size_t nd = 0;
		int32_t scale = 100000000;
		p++;
		while (p < n && s[p] >= '0' && s[p] <= '9') {
			if (nd == 9)
				goto bad;
			nsec += (int32_t)(s[p] - '0') * scale;
			scale /= 10;
			nd++;
			p++;
		}
		if (nd == 0)
			goto bad;
	}
	if (p < n && (s[p] == 'Z' || s[p] == 'z')) {
		p++;
	} else if (p < n && (s[p] == '+' || s[p] == '-')) {
		int sign = s[p] == '-' ? -1 : 1;
		if (digits(s, n, p + 1, 2, &oh) || p + 3 >= n ||
		    s[p + 3] != ':' || digits(s, n, p + 4, 2, &om) ||
		    oh > 23 || om > 59)
			goto bad;
		off = sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
		p += 6;
	} else {
		goto bad;
	}
	if (p != n)
		goto bad;
	days = sgn_time_days_from_civil(Y, (unsigned)M, (unsigned)D);
	total = days * 86400 + (int64_t)h * 3600 + (int64_t)m * 60 + sec -
	    off;
	t->sec = total;
	t->nsec = nsec;
	return SGN_OK;
bad:
	return sgn_errf(eb, SGN_ERR_PARSE, "invalid RFC 3339 time \"%.*s\"",
	    (int)(n > 40 ? 40 : n), s == NULL ? "" : s);
}

void
sgn_time_format(struct sgn_time t, char out[SGN_TIME_STRLEN])
{
	int64_t days = t.sec / 86400, rem = t.sec % 86400, y;
	unsigned m, d;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (t.nsec != 0) {
		char frac[16];
		int len;
		snprintf(frac, sizeof(frac), "%09d", (int)t.nsec);
		len = 9;
		while (len > 0 && frac[len - 1] == '0')
			frac[--len] = '\0';
		snprintf(out, SGN_TIME_STRLEN,
		    "%04lld-%02u-%02uT%02d:%02d:%02d.%.9sZ", (long long)y, m, d,
		    (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60),
		    frac);
	} else {
		snprintf(out, SGN_TIME_STRLEN,
		    "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
		    (int)(rem / 3600), (int)(rem % 3600 / 60),
		    (int)(rem % 60));
	}
}
