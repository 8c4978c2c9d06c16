/* anomaly.h - learned thresholds: is this value unusual for this dataset at
 * this time of the day/week, given its own past?
 *
 * Pure functions over arrays the caller owns: no I/O, no globals, so the
 * `anomaly` check (checks/anomaly.c), its unit tests and the labelled
 * benchmark (bench/anomaly.c) all run the very same detector.
 *
 * The model, per judged point (time t, value v):
 *   - training points: the window before t, minus points flagged anomalous
 *     (an incident must not become the new normal); an accepted point
 *     starts a new level: older points are shifted onto it;
 *   - a robust linear trend (Tukey's three-group resistant line over the
 *     recent half of the window; a rate when season buckets differ in
 *     level), so growth is not an anomaly by itself;
 *   - per season bucket (hour of day, day of week, hour of week, or none):
 *     the median of the detrended values; the spread from leave-one-out
 *     deviations (each point against the median of the rest of its
 *     bucket), pooled over buckets, relative when buckets differ in level;
 *   - the range: expected +- sensitivity x scale, never narrower than the
 *     minimum absolute and relative change. Outside: WARN; twice as far
 *     out: FAIL. Only the configured direction counts.
 */
#ifndef LAKEWATCH_ANOMALY_H
#define LAKEWATCH_ANOMALY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lakewatch/model.h"
#include "lakewatch/series.h"

enum lw_season {
	LW_SEAS_NONE = 0, LW_SEAS_HOUR, LW_SEAS_DOW, LW_SEAS_HOW, LW_SEAS_AUTO
};
const char *lw_season_name(enum lw_season s);	/* "hour_of_week" ... */
int lw_season_parse(const char *s, enum lw_season *out);

/* Which way counts as an anomaly: bits, BOTH = DROP | SPIKE. */
enum lw_adir { LW_AD_DROP = 1, LW_AD_SPIKE = 2, LW_AD_BOTH = 3 };

struct lw_anomaly_params {
	enum lw_season season;	/* LW_SEAS_AUTO: chosen from the history */
	int64_t window;		/* seconds of history to learn from */
	size_t min_points;	/* fewer training points: learning (PASS) */
	double sensitivity;	/* robust standard deviations: 3 */
	double min_abs, min_pct;	/* smaller changes are never flagged */
	unsigned direction;	/* enum lw_adir bits */
};

struct lw_verdict {
	enum lw_status status;
	bool learning;		/* too few points: PASS, nothing judged */
	size_t trained;		/* training points used */
	size_t need;		/* min_points */
	enum lw_season season;	/* the one used (auto resolved) */
	int bucket;		/* season bucket of t, -1 for none */
	bool bucket_fallback;	/* the bucket had too few points: pooled */
	double expected, lo, hi;
	double score;		/* (v - expected) / scale, signed */
	double slope;		/* trend, value units per day */
	int64_t span;		/* seconds from oldest training point to t */
};

/* Judge value v at time t against hist[0..n) (oldest first; points at or
 * after t are ignored). Always fills out. */
void lw_anomaly_judge(const struct lw_anomaly_params *p,
		      const struct lw_point *hist, size_t n, int64_t t,
		      double v, struct lw_verdict *out);

/* lw_anomaly_judge on the wall clock of zone tz (NULL: UTC, the same as
 * lw_anomaly_judge): hist's times and t are real instants, shifted by the
 * zone's offset so hour-of-day, day-of-week and hour-of-week buckets are
 * local ones (checks/anomaly_tz.c). Within a repeated hour (fall back) the
 * shifted times are kept in order: the second pass counts as 02:59. */
struct lw_tz;
void lw_anomaly_judge_tz(const struct lw_anomaly_params *p,
			 const struct lw_tz *tz, const struct lw_point *hist,
			 size_t n, int64_t t, double v,
			 struct lw_verdict *out);

/* Mark the points of p[0..n) that fall on a date of hol (their local
 * date in zone tz; NULL: UTC) LW_PT_HOLIDAY, and clear the mark on the
 * rest: the judge then neither learns from them nor counts them. hol NULL
 * or empty marks none. Returns how many are marked. */
struct lw_holidays;
size_t lw_anomaly_mark_holidays(struct lw_point *p, size_t n,
				const struct lw_tz *tz,
				const struct lw_holidays *hol);

/* The seasonality auto picks for hist[0..n) within the window before t:
 * the finest one that explains clearly more spread than the coarser ones
 * and has every bucket filled at least twice; LW_SEAS_NONE otherwise. */
enum lw_season lw_anomaly_pick_season(const struct lw_point *hist, size_t n,
				      int64_t t, int64_t window);

/* Bucket of t under s (0..23, 0..6 Monday first, 0..167), -1 for none.
 * t is read on the UTC clock: pass a wall-clock time (lw_tz_wall) for a
 * zone's local buckets. */
int lw_season_bucket(enum lw_season s, int64_t t);
/* "Tuesdays 09:00", "09:00", "Tuesdays", "" into buf; returns buf. */
const char *lw_season_bucket_fmt(enum lw_season s, int bucket, char *buf,
				 size_t n);
/* "6 weeks", "9 days", "20 hours" into buf; returns buf. */
const char *lw_span_fmt(int64_t secs, char *buf, size_t n);

/* Arrival: from the times new data landed (newest file times, oldest
 * first, repeats allowed), one point per period that saw data: t = period
 * start, v = seconds into the period of its first landing. period is
 * 86400 or 3600. Writes at most max points into out; returns how many. */
size_t lw_arrival_points(const int64_t *landed, size_t n, int64_t period,
			 struct lw_point *out, size_t max);
/* 86400, or 3600 when data usually lands more than once every 6 hours. */
int64_t lw_arrival_period(const int64_t *landed, size_t n);

/* Cold start (checks/anomaly_cold.c): a past built from o's partitions for
 * metric m (rows: running totals; load, files, bytes: per partition), the
 * time and value to judge, when o has at least 3 partitions with times and
 * counts. *pts is the caller's (free()); false (nothing allocated) when
 * the partitions cannot serve. */
bool lw_anomaly_cold(const struct lw_obs *o, enum lw_metric m, int64_t now,
		     struct lw_point **pts, size_t *n, int64_t *at,
		     double *value);
/* The same from a Delta table's commits (o->delta.commits; rows: the row
 * count after each commit, walked back from the count now; load, files,
 * bytes: each load's, the newest one judged), when at least 3 serve. */
bool lw_anomaly_cold_delta(const struct lw_obs *o, enum lw_metric m,
			   int64_t now, struct lw_point **pts, size_t *n,
			   int64_t *at, double *value);
/* For arrival: the times of the Delta commits that loaded rows before
 * `before`, as series points (t and v both the commit time, as the history
 * keeps newest file times), oldest first. Returns how many; *pts is the
 * caller's (NULL when none). */
size_t lw_anomaly_cold_landings(const struct lw_obs *o, int64_t before,
				struct lw_point **pts);

/* The anomaly check's arrival part (checks/anomaly_arrival.c): judge when
 * this period's data landed, or how late it is, from s (newest file times
 * per observation). Fills out. */
struct lw_judge_ctx;
void lw_anomaly_arrival_run(const struct lw_anomaly_params *p,
			    const struct lw_series *s,
			    const struct lw_judge_ctx *ctx,
			    struct lw_result *out);

#endif
