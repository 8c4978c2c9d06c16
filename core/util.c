/* util.c - allocation, strings, time and durations. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include "lakewatch/init.h"
#include "lakewatch/util.h"
#include "lakewatch/tz.h"
#include "lakewatch/err.h"

static void oom(size_t n)
{
	fprintf(stderr, "lakewatch: out of memory (%zu bytes)\n", n);
	abort();
}

void *lw_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *lw_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *lw_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

void lw_xgrow(void **arr, size_t *cap, size_t need, size_t size)
{
	assert(arr && cap && size > 0);
	assert(*arr != NULL || *cap == 0);
	if (need < *cap)
		return;
	size_t c = *cap ? *cap : 8;
	while (c <= need)
		c *= 2;
	if (c > SIZE_MAX / size)
		oom(SIZE_MAX);
	*arr = lw_xrealloc(*arr, c * size);
	memset((char *)*arr + *cap * size, 0, (c - *cap) * size);
	*cap = c;
	assert(need < *cap);
}

/* Caller owns the copy. */
char *lw_xstrdup(const char *s)
{
	return s ? lw_xstrndup(s, strlen(s)) : NULL;
}

char *lw_xstrndup(const char *s, size_t n)
{
	assert(s != NULL || n == 0);
	char *p = lw_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Caller owns the result. */
char *lw_xasprintf(const char *fmt, ...)
{
	va_list ap, cp;
	va_start(ap, fmt);
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	char *p = lw_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void lw_sort(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *))
{
	assert(size > 0 && cmp != NULL);
	assert(base != NULL || n == 0);
	if (base && n > 1)
		qsort(base, n, size, cmp);
#ifndef NDEBUG
	/* a comparator that is not a consistent order leaves this unsorted */
	for (size_t i = 1; base && i < n; i++)
		assert(cmp((char *)base + (i - 1) * size,
			   (char *)base + i * size) <= 0);
#endif
}

bool lw_str_starts(const char *s, const char *prefix)
{
	assert(s && prefix);
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

uint64_t lw_hash64(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	return h ? h : 1;
}

bool lw_str_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/* See util.h. The LAKEWATCH_NOW override is compiled into test builds
 * only (-DLW_TESTING, see the Makefile): a shipped binary always reads
 * the clock, so an environment variable cannot make it misjudge ages. */
int64_t lw_now(void)
{
#ifdef LW_TESTING
	const char *e = getenv("LAKEWATCH_NOW");
	int64_t t;
	if (e && *e) {
		char *end;
		long long v = strtoll(e, &end, 10);
		if (*end == '\0')
			return v;
		if (lw_time_parse(e, &t) == LW_OK)
			return t;
	}
#endif
	return (int64_t)time(NULL);
}

int lw_duration_parse(const char *s, int64_t *secs)
{
	int64_t total = 0;
	int parts = 0;
	const char *p = s;
	while (*p == ' ')
		p++;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return LW_EPARSE;
		int64_t v = 0;
		while (isdigit((unsigned char)*p)) {
			if (v > INT64_MAX / 10 - 10)
				return LW_EPARSE;
			v = v * 10 + (*p++ - '0');
		}
		int64_t unit;
		switch (*p) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default: return LW_EPARSE;
		}
		p++;
		if (v > INT64_MAX / unit || total > INT64_MAX - v * unit)
			return LW_EPARSE;
		total += v * unit;
		parts++;
		while (*p == ' ')
			p++;
	}
	if (!parts)
		return LW_EPARSE;
	*secs = total;
	return LW_OK;
}

const char *lw_duration_fmt(int64_t secs, char *buf, size_t n)
{
	assert(buf && n > 0);
	const char *sign = secs < 0 ? "-" : "";
	if (secs < 0)
		secs = -secs;
	if (secs < 60)
		snprintf(buf, n, "%s%llds", sign, (long long)secs);
	else if (secs < 3600)
		snprintf(buf, n, "%s%lldm", sign, (long long)(secs / 60));
	else if (secs < 86400)
		snprintf(buf, n, "%s%lldh", sign, (long long)(secs / 3600));
	else if (secs % 86400 < 3600)
		snprintf(buf, n, "%s%lldd", sign, (long long)(secs / 86400));
	else
		snprintf(buf, n, "%s%lldd%lldh", sign, (long long)(secs / 86400),
			 (long long)(secs % 86400 / 3600));
	return buf;
}

/* Read exactly n digits into *v; advance *pp. */
static int digits(const char **pp, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*pp)[i]))
			return LW_EPARSE;
		x = x * 10 + ((*pp)[i] - '0');
	}
	*pp += n;
	*v = x;
	return LW_OK;
}

static int expect(const char **pp, char c)
{
	if (**pp != c)
		return LW_EPARSE;
	(*pp)++;
	return LW_OK;
}

static bool valid_date(int y, int mo, int d)
{
	static const int mdays[] = {31,28,31,30,31,30,31,31,30,31,30,31};
	if (mo < 1 || mo > 12 || d < 1 || y < 1)
		return false;
	int md = mdays[mo - 1];
	if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		md = 29;
	return d <= md;
}

/* Time zone suffix: Z, +HH:MM, +HHMM, +HH, or nothing (UTC). */
static int tz_offset(const char **pp, int *off)
{
	const char *p = *pp;
	*off = 0;
	if (*p == 'Z' || *p == 'z') {
		*pp = p + 1;
		return LW_OK;
	}
	if (*p != '+' && *p != '-')
		return LW_OK;
	int sign = *p == '-' ? -1 : 1, h, m = 0;
	p++;
	if (digits(&p, 2, &h))
		return LW_EPARSE;
	if (*p == ':')
		p++;
	if (isdigit((unsigned char)*p) && digits(&p, 2, &m))
		return LW_EPARSE;
	if (h > 23 || m > 59)
		return LW_EPARSE;
	*off = sign * (h * 3600 + m * 60);
	*pp = p;
	return LW_OK;
}

int lw_time_parse(const char *s, int64_t *t)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, off = 0;
	if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) ||
	    expect(&p, '-') || digits(&p, 2, &d))
		return LW_EPARSE;
	if (!valid_date(y, mo, d))
		return LW_EPARSE;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h))
			return LW_EPARSE;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &mi))
				return LW_EPARSE;
			if (*p == ':') {
				p++;
				if (digits(&p, 2, &se))
					return LW_EPARSE;
				if (*p == '.' || *p == ',') {
					p++;
					if (!isdigit((unsigned char)*p))
						return LW_EPARSE;
					while (isdigit((unsigned char)*p))
						p++;
				}
			}
		}
		if (h > 23 || mi > 59 || se > 60)
			return LW_EPARSE;
		if (tz_offset(&p, &off))
			return LW_EPARSE;
	}
	if (*p)
		return LW_EPARSE;
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*t = (int64_t)timegm(&tm) - off;
	return LW_OK;
}

/* Two digits at p, or -1. */
static int two_digits(const char *p)
{
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* Which of the n three-letter names in names p starts with (any case, as
 * strptime), or -1. */
static int name3(const char *p, const char *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strncasecmp(p, names + 3 * i, 3))
			return i;
	return -1;
}

/* The IMF-fixdate every Last-Modified in a List Blobs page has ("Sun, 06
 * Nov 1994 08:49:37 GMT", RFC 9110 5.6.7), read without strptime: a
 * listing of 200,000 blobs spent a fifth of its CPU in strptime's
 * locale-aware month names. False when s is not exactly that form (the
 * caller falls back to strptime, so what is accepted does not change). */
static bool http_fixdate(const char *s, int64_t *t)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const char wday[] = "SunMonTueWedThuFriSat";
	int d, c, y, h, mi, se, m;
	if (strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' ||
	    s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
	    strcmp(s + 25, " GMT"))
		return false;
	if (name3(s, wday, 7) < 0)
		return false;
	m = name3(s + 8, mon, 12) + 1;
	d = two_digits(s + 5);
	c = two_digits(s + 12);
	y = two_digits(s + 14);
	h = two_digits(s + 17);
	mi = two_digits(s + 20);
	se = two_digits(s + 23);
	if (m < 1 || d < 1 || d > 31 || c < 0 || y < 0 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || se < 0 || se > 60)
		return false;
	y += c * 100;
	*t = (lw_days_from_civil(y, m, d) * 24 + h) * 3600 + mi * 60 + se;
	return true;
}

int lw_time_parse_http(const char *s, int64_t *t)
{
	struct tm tm = {0};
	if (http_fixdate(s, t))
		return LW_OK;
	const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end || *end)
		return LW_EPARSE;
	*t = (int64_t)timegm(&tm);
	return LW_OK;
}

const char *lw_time_fmt(int64_t t, char *buf, size_t n)
{
	assert(buf && n >= 21);	/* util.h: at least 21 bytes */
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, n, "@%lld", (long long)t);
	return buf;
}

/* The value as printed: whole numbers for the base unit and from 10 up,
 * one decimal below 10 ("512B", "1.5KiB", "5.0GiB", "12MiB"). */
static double shown(double v, int u)
{
	if (u > 0 && v < 9.95)
		return round(v * 10) / 10;
	return round(v);
}

/* One rule for every scaled number, so a value and its limit read alike:
 * step up while the printed value would reach the next unit (1023.97KiB
 * prints as 1.0MiB, 9.97GiB as 10GiB, never "1024KiB" or "10.0GiB"). */
static const char *scaled(double v, const char *const *units, double step,
			  char *buf, size_t n)
{
	int u = 0;
	assert(buf && n > 0 && units && units[0]);
	while (units[u + 1] && shown(v, u) >= step) {
		v /= step;
		u++;
	}
	if (u > 0 && v < 9.95)
		snprintf(buf, n, "%.1f%s", v, units[u]);
	else
		snprintf(buf, n, "%.0f%s", v, units[u]);
	return buf;
}

const char *lw_count_fmt(int64_t v, char *buf, size_t n)
{
	static const char *const u[] = {"", "k", "M", "G", "T", NULL};
	if (v < 0)
		return snprintf(buf, n, "?"), buf;
	return scaled((double)v, u, 1000.0, buf, n);
}

const char *lw_bytes_fmt(int64_t v, char *buf, size_t n)
{
	static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB", NULL};
	if (v < 0)
		return snprintf(buf, n, "?"), buf;
	return scaled((double)v, u, 1024.0, buf, n);
}

/* *out is the caller's (NUL-terminated). */
int lw_read_file(const char *path, size_t max, char **out, size_t *len,
		 struct lw_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return lw_err_set(err, errno == ENOENT ? LW_ENOTFOUND :
				  errno == EACCES ? LW_EPERM : LW_EIO,
				  "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return lw_err_set(err, LW_EIO, "%s: is a directory", path);
	}
	size_t cap = 4096, n = 0;
	char *p = lw_xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max) {
				free(p);
				fclose(f);
				return lw_err_set(err, LW_ETOOBIG,
					"%s: larger than %zu bytes", path, max);
			}
			cap *= 2;
			p = lw_xrealloc(p, cap);
		}
		size_t r = fread(p + n, 1, cap - n - 1, f);
		if (r == 0)
			break;
		n += r;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad || n > max) {
		free(p);
		return lw_err_set(err, bad ? LW_EIO : LW_ETOOBIG, "%s: %s", path,
				  bad ? "read error" : "file too large");
	}
	p[n] = '\0';
	*out = p;
	if (len)
		*len = n;
	return LW_OK;
}

/* The libraries are linked per folder without --whole-archive, so the
 * process-wide set-up (init.c) hangs off this file, which every binary
 * that uses lakewatch links for lw_xmalloc: it runs before main() or
 * LLVMFuzzerTestOneInput(). */
__attribute__((constructor)) static void init_at_load(void)
{
	lw_init();
}
