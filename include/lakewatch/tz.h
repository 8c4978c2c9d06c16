/* tz.h - IANA time zones without the C library's global TZ.
 *
 * setenv("TZ") + localtime_r is not thread-safe (the poll runs beside the
 * dashboard's thread, which calls localtime_r for the user's own clock), so
 * a zone is read once from the tz database (TZDIR, else /usr/share/zoneinfo,
 * a TZif file, RFC 8536) into an immutable struct lw_tz, and every
 * conversion is a pure function of it: any thread may use one at once.
 *
 * Wall-clock seconds ("wall"): the local date and time counted as if it were
 * UTC, i.e. t + the zone's offset at t. 2026-03-29 03:00 CEST is the wall
 * value of timegm("2026-03-29 03:00"). Day and hour periods, season buckets
 * and partition keys compare on the wall clock.
 *
 * A NULL zone is UTC everywhere.
 */
#ifndef LAKEWATCH_TZ_H
#define LAKEWATCH_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lakewatch/err.h"

struct lw_tz;

/* Load zone `name` ("Europe/Berlin", "UTC"). *out is the caller's
 * (lw_tz_free). LW_ENOTFOUND for an unknown zone, LW_EPARSE for a file
 * that is not a zone, LW_ECONFIG for a name that cannot be one ("../x");
 * err says which. */
int lw_tz_load(const char *name, struct lw_tz **out, struct lw_err *err);
void lw_tz_free(struct lw_tz *tz);
/* The zone's name as configured ("UTC" for NULL); owned by tz. */
const char *lw_tz_name(const struct lw_tz *tz);

/* Local broken-down time. */
struct lw_local {
	int year, mon, mday;	/* mon 1..12 */
	int hour, min, sec;
	int wday;		/* 0 = Monday .. 6 = Sunday */
	int32_t off;		/* seconds east of UTC */
	bool dst;
	const char *abbr;	/* "CET", "CEST", "UTC"; owned by tz */
};

/* Offset east of UTC in effect at t. */
int32_t lw_tz_offset(const struct lw_tz *tz, int64_t t);
/* Abbreviation in effect at t ("CEST"); owned by tz, "UTC" for NULL. */
const char *lw_tz_abbr(const struct lw_tz *tz, int64_t t);
/* t on the wall clock: t + offset. */
int64_t lw_tz_wall(const struct lw_tz *tz, int64_t t);
void lw_tz_local(const struct lw_tz *tz, int64_t t, struct lw_local *out);
/* The instant whose wall clock reads `wall`. A repeated wall time (the
 * fall-back hour) gives the earlier instant; a time in a gap (the
 * spring-forward hour, which never happens) gives LW_ENOTFOUND and *t the
 * instant just after the gap on that clock (02:30 -> 03:30 CEST). */
int lw_tz_from_wall(const struct lw_tz *tz, int64_t wall, int64_t *t);

/* Calendar arithmetic on wall seconds (proleptic Gregorian). */
int64_t lw_days_from_civil(int64_t y, int m, int d);
void lw_civil_from_days(int64_t days, int *y, int *m, int *d);

#endif
