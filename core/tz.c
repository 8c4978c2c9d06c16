/* tz.c - IANA zones from TZif files (RFC 8536), see tz.h.
 *
 * A small reader, not the C library's TZ: the version 2+ block (64-bit
 * transition times) and its footer, a POSIX TZ rule for the times after the
 * last transition ("CET-1CEST,M3.5.0,M10.5.0/3"). Leap-second records are
 * skipped (the "right/" zones are not what a business keeps its days in).
 * Everything loaded is immutable, so a zone is shared between threads.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/tz.h"
#include "lakewatch/util.h"

#define TZ_FILE_MAX (256 * 1024)	/* the largest real zone is ~4 KiB */
#define TZ_NAME_MAX 128
#define TZ_TYPES_MAX 256		/* RFC 8536: typecnt <= 256 */

struct tz_type {
	int32_t off;
	bool dst;
	char abbr[16];
};

/* The footer's rule; has_dst false: std all year. */
struct tz_rule {
	struct tz_type std, dst;
	bool has_dst;
	/* start/end: kind 'J' (1..365, no Feb 29), 'N' (0..365), 'M' */
	struct tz_date { char kind; int a, b, c; int32_t time; } start, end;
};

struct lw_tz {
	char *name;
	int64_t *trans;		/* ntrans transition times, ascending */
	unsigned char *idx;	/* type after each transition */
	size_t ntrans;
	struct tz_type types[TZ_TYPES_MAX];
	size_t ntypes;
	bool has_rule;
	struct tz_rule rule;
};

static const struct tz_type utc_type = {0, false, "UTC"};

int64_t lw_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void lw_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* --- POSIX TZ rules (the footer) --------------------------------------- */

/* Parse helpers advance *s and return LW_OK or LW_EPARSE. */
static int rule_name(const char **s, char *out, size_t n)
{
	const char *p = *s, *b, *e;
	if (*p == '<') {
		b = ++p;
		while (*p && *p != '>')
			p++;
		if (*p != '>')
			return LW_EPARSE;
		e = p++;
	} else {
		b = p;
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
			p++;
		e = p;
	}
	if (e - b < 3 || (size_t)(e - b) >= n)
		return LW_EPARSE;
	memcpy(out, b, (size_t)(e - b));
	out[e - b] = '\0';
	*s = p;
	return LW_OK;
}

/* [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536 extends POSIX's 24). */
static int rule_hms(const char **s, int32_t *out)
{
	const char *p = *s;
	int sign = 1, part[3] = {0, 0, 0}, np = 0;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	while (np < 3) {
		if (*p < '0' || *p > '9')
			return LW_EPARSE;
		int v = 0, dig = 0;
		while (*p >= '0' && *p <= '9' && dig < 3)
			v = v * 10 + (*p++ - '0'), dig++;
		part[np++] = v;
		if (*p != ':')
			break;
		p++;
	}
	if (part[0] > 167 || part[1] > 59 || part[2] > 59)
		return LW_EPARSE;
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	*s = p;
	return LW_OK;
}

static int rule_num(const char **s, int lo, int hi, int *out)
{
	const char *p = *s;
	int v = 0, dig = 0;
	while (*p >= '0' && *p <= '9' && dig < 4)
		v = v * 10 + (*p++ - '0'), dig++;
	if (!dig || v < lo || v > hi)
		return LW_EPARSE;
	*out = v;
	*s = p;
	return LW_OK;
}

static int rule_date(const char **s, struct tz_date *d)
{
	const char *p = *s;
	int rc;
	if (*p == 'M') {
		p++;
		d->kind = 'M';
		rc = rule_num(&p, 1, 12, &d->a);
		if (rc == LW_OK && *p++ == '.')
			rc = rule_num(&p, 1, 5, &d->b);
		else
			rc = LW_EPARSE;
		if (rc == LW_OK && *p++ == '.')
			rc = rule_num(&p, 0, 6, &d->c);
		else
			rc = LW_EPARSE;
	} else if (*p == 'J') {
		p++;
		d->kind = 'J';
		rc = rule_num(&p, 1, 365, &d->a);
	} else {
		d->kind = 'N';
		rc = rule_num(&p, 0, 365, &d->a);
	}
	d->time = 7200;
	if (rc == LW_OK && *p == '/') {
		p++;
		rc = rule_hms(&p, &d->time);
	}
	*s = p;
	return rc;
}

/* "CET-1CEST,M3.5.0,M10.5.0/3" into r. An empty footer: no rule. */
static int rule_parse(const char *s, struct tz_rule *r)
{
	int32_t o;
	memset(r, 0, sizeof *r);
	if (rule_name(&s, r->std.abbr, sizeof r->std.abbr) ||
	    rule_hms(&s, &o))
		return LW_EPARSE;
	r->std.off = -o;	/* POSIX counts west of Greenwich */
	if (!*s)
		return LW_OK;
	if (rule_name(&s, r->dst.abbr, sizeof r->dst.abbr))
		return LW_EPARSE;
	r->has_dst = true;
	r->dst.dst = true;
	r->dst.off = r->std.off + 3600;
	if (*s && *s != ',') {
		if (rule_hms(&s, &o))
			return LW_EPARSE;
		r->dst.off = -o;
	}
	if (*s++ != ',' || rule_date(&s, &r->start) || *s++ != ',' ||
	    rule_date(&s, &r->end) || *s)
		return LW_EPARSE;
	return LW_OK;
}

/* Day (since 1970) of rule date d in year y. */
static int64_t rule_day(const struct tz_date *d, int64_t y)
{
	int64_t jan1 = lw_days_from_civil(y, 1, 1);
	if (d->kind == 'J')
		return jan1 + d->a - 1 + (leap(y) && d->a >= 60);
	if (d->kind == 'N')
		return jan1 + d->a;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				    30, 31};
	int64_t first = lw_days_from_civil(y, d->a, 1);
	int dow1 = (int)(((first + 4) % 7 + 7) % 7);	/* 0 = Sunday */
	int day = 1 + (d->c - dow1 + 7) % 7 + (d->b - 1) * 7;
	int len = mdays[d->a - 1] + (d->a == 2 && leap(y));
	while (day > len)
		day -= 7;
	return first + day - 1;
}

static const struct tz_type *rule_type(const struct tz_rule *r, int64_t t)
{
	if (!r->has_dst)
		return &r->std;
	int y, m, d;
	lw_civil_from_days(floordiv(t + r->std.off, 86400), &y, &m, &d);
	/* transitions happen at a wall time of the offset they leave */
	int64_t on = rule_day(&r->start, y) * 86400 + r->start.time -
		     r->std.off;
	int64_t off = rule_day(&r->end, y) * 86400 + r->end.time - r->dst.off;
	bool in = on < off ? (t >= on && t < off) : !(t >= off && t < on);
	return in ? &r->dst : &r->std;
}

/* --- TZif -------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct hdr { uint32_t isut, isstd, leap, time, type, chars; };

/* Header at p (44 bytes); the data block's size for 4- or 8-byte times. */
static int read_hdr(const unsigned char *p, size_t left, size_t tsz,
		    struct hdr *h, size_t *block)
{
	if (left < 44 || memcmp(p, "TZif", 4) != 0)
		return LW_EPARSE;
	uint32_t *f[6] = {&h->isut, &h->isstd, &h->leap, &h->time, &h->type,
			  &h->chars};
	for (int i = 0; i < 6; i++)
		*f[i] = be32(p + 20 + 4 * i);
	if (h->type < 1 || h->type > TZ_TYPES_MAX || h->time > 100000 ||
	    h->leap > 10000 || h->chars > 4096 ||
	    (h->isut && h->isut != h->type) || (h->isstd && h->isstd != h->type))
		return LW_EPARSE;
	*block = (size_t)h->time * (tsz + 1) + (size_t)h->type * 6 + h->chars +
		 (size_t)h->leap * (tsz + 4) + h->isstd + h->isut;
	return 44 + *block <= left ? LW_OK : LW_EPARSE;
}

/* The v2+ data block at p (after its header) into tz. */
static int read_block(struct lw_tz *tz, const unsigned char *p,
		      const struct hdr *h)
{
	tz->ntrans = h->time;
	tz->trans = lw_xcalloc(h->time + 1, sizeof *tz->trans);
	tz->idx = lw_xcalloc(h->time + 1, 1);
	for (size_t i = 0; i < h->time; i++) {
		tz->trans[i] = be64(p + 8 * i);
		if (i && tz->trans[i] <= tz->trans[i - 1])
			return LW_EPARSE;
	}
	p += 8 * (size_t)h->time;
	for (size_t i = 0; i < h->time; i++)
		if ((tz->idx[i] = p[i]) >= h->type)
			return LW_EPARSE;
	p += h->time;
	const unsigned char *chars = p + 6 * (size_t)h->type;
	tz->ntypes = h->type;
	for (size_t i = 0; i < h->type; i++, p += 6) {
		int32_t off = (int32_t)be32(p);
		unsigned ai = p[5];
		if (off < -26 * 3600 || off > 26 * 3600 || p[4] > 1 ||
		    ai >= h->chars)
			return LW_EPARSE;
		tz->types[i].off = off;
		tz->types[i].dst = p[4];
		size_t al = strnlen((const char *)chars + ai, h->chars - ai);
		if (al >= sizeof tz->types[i].abbr)
			al = sizeof tz->types[i].abbr - 1;
		memcpy(tz->types[i].abbr, chars + ai, al);
		tz->types[i].abbr[al] = '\0';
	}
	return LW_OK;
}

/* Whole file: skip the v1 block, read the v2 one and the footer. */
static int parse_tzif(struct lw_tz *tz, const unsigned char *b, size_t n)
{
	struct hdr h;
	size_t blk;
	if (read_hdr(b, n, 4, &h, &blk) != LW_OK)
		return LW_EPARSE;
	if (b[4] < '2')
		return LW_EUNSUPPORTED;	/* v1 only: no 64-bit data, no rule */
	const unsigned char *p = b + 44 + blk;
	size_t left = n - 44 - blk;
	if (read_hdr(p, left, 8, &h, &blk) != LW_OK ||
	    read_block(tz, p + 44, &h) != LW_OK)
		return LW_EPARSE;
	p += 44 + blk;
	left -= 44 + blk;
	if (left < 2 || p[0] != '\n')
		return LW_EPARSE;
	const unsigned char *nl = memchr(p + 1, '\n', left - 1);
	if (!nl)
		return LW_EPARSE;
	size_t fl = (size_t)(nl - p - 1);
	if (!fl)
		return LW_OK;
	char foot[128];
	if (fl >= sizeof foot)
		return LW_EPARSE;
	memcpy(foot, p + 1, fl);
	foot[fl] = '\0';
	if (rule_parse(foot, &tz->rule) != LW_OK)
		return LW_EPARSE;
	tz->has_rule = true;
	return LW_OK;
}

/* A name the database could hold: no absolute path, no "..". */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > TZ_NAME_MAX || s[0] == '/' || s[n - 1] == '/' ||
	    strstr(s, "..") || strstr(s, "//"))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
			return false;
	return true;
}

int lw_tz_load(const char *name, struct lw_tz **out, struct lw_err *err)
{
	*out = NULL;
	if (!name_ok(name))
		return lw_err_set(err, LW_ECONFIG, "\"%s\" is not a time zone "
				  "name (like \"Europe/Berlin\" or \"UTC\")",
				  name);
	const char *dir = getenv("TZDIR");
	char *path = lw_xasprintf("%s/%s", dir && *dir ? dir :
				  "/usr/share/zoneinfo", name);
	char *buf = NULL;
	size_t n = 0;
	struct lw_err rerr = {0};
	int rc = lw_read_file(path, TZ_FILE_MAX, &buf, &n, &rerr);
	if (rc != LW_OK) {
		rc = rc == LW_ENOTFOUND || rc == LW_EIO ? LW_ENOTFOUND : rc;
		lw_err_set(err, rc, "unknown time zone \"%s\" (no %s; is "
			   "tzdata installed?)", name, path);
		free(path);
		return rc;
	}
	struct lw_tz *tz = lw_xcalloc(1, sizeof *tz);
	tz->name = lw_xstrdup(name);
	rc = parse_tzif(tz, (const unsigned char *)buf, n);
	free(buf);
	if (rc != LW_OK) {
		lw_err_set(err, LW_EPARSE, "time zone \"%s\": %s is not a "
			   "TZif zone file%s", name, path, rc ==
			   LW_EUNSUPPORTED ? " of version 2 or later" : "");
		free(path);
		lw_tz_free(tz);
		return LW_EPARSE;
	}
	free(path);
	*out = tz;
	return LW_OK;
}

void lw_tz_free(struct lw_tz *tz)
{
	if (!tz)
		return;
	free(tz->name);
	free(tz->trans);
	free(tz->idx);
	free(tz);
}

/* Static or owned by tz. */
const char *lw_tz_name(const struct lw_tz *tz)
{
	return tz ? tz->name : "UTC";
}

/* The type in effect at t; borrowed from tz. */
static const struct tz_type *type_at(const struct lw_tz *tz, int64_t t)
{
	if (!tz)
		return &utc_type;
	if (!tz->ntrans || t < tz->trans[0]) {
		/* RFC 8536: type 0 before the first transition; a zone of
		 * no transitions at all is its footer's rule */
		return !tz->ntrans && tz->has_rule ? rule_type(&tz->rule, t) :
		       &tz->types[0];
	}
	if (t >= tz->trans[tz->ntrans - 1] && tz->has_rule)
		return rule_type(&tz->rule, t);
	size_t lo = 0, hi = tz->ntrans;	/* last transition <= t */
	while (hi - lo > 1) {
		size_t m = lo + (hi - lo) / 2;
		if (tz->trans[m] <= t)
			lo = m;
		else
			hi = m;
	}
	return &tz->types[tz->idx[lo]];
}

int32_t lw_tz_offset(const struct lw_tz *tz, int64_t t)
{
	return type_at(tz, t)->off;
}

/* Owned by tz (or static). */
const char *lw_tz_abbr(const struct lw_tz *tz, int64_t t)
{
	return type_at(tz, t)->abbr;
}

int64_t lw_tz_wall(const struct lw_tz *tz, int64_t t)
{
	return t + type_at(tz, t)->off;
}

void lw_tz_local(const struct lw_tz *tz, int64_t t, struct lw_local *out)
{
	const struct tz_type *ty = type_at(tz, t);
	int64_t w = t + ty->off, day = floordiv(w, 86400);
	int64_t s = w - day * 86400;
	lw_civil_from_days(day, &out->year, &out->mon, &out->mday);
	out->hour = (int)(s / 3600);
	out->min = (int)(s / 60 % 60);
	out->sec = (int)(s % 60);
	out->wday = (int)(((day + 3) % 7 + 7) % 7);	/* 1970-01-01: Thu */
	out->off = ty->off;
	out->dst = ty->dst;
	out->abbr = ty->abbr;
}

int lw_tz_from_wall(const struct lw_tz *tz, int64_t wall, int64_t *t)
{
	/* Offsets a day either side: zones do not change twice in two days. */
	int64_t a = wall - lw_tz_offset(tz, wall - 86400);
	int64_t b = wall - lw_tz_offset(tz, wall + 86400);
	bool va = lw_tz_wall(tz, a) == wall, vb = lw_tz_wall(tz, b) == wall;
	if (va && vb)
		*t = a < b ? a : b;
	else if (va || vb)
		*t = va ? a : b;
	else {
		*t = a;	/* before-gap offset: lands past the gap */
		return LW_ENOTFOUND;
	}
	return LW_OK;
}
