/* test_anomaly.c - the learned-threshold detector (checks/anomaly_model.c):
 * season buckets, trend, minimum points and change, direction, anomalous
 * points left out of training, accepted steps, arrival helpers. */
#include <math.h>
#include <stdio.h>
#include "unit.h"
#include "lakewatch/anomaly.h"
#include "lakewatch/config.h"
#include "lakewatch/err.h"
#include "lakewatch/tz.h"
#include "lakewatch/util.h"

#define DAY 86400
#define HOUR 3600
/* 2026-12-01T09:00:00Z, a Tuesday */
#define TUE9 1796115600

static struct lw_point pts[2000];

/* A small deterministic wobble, -1..1. */
static double wob(size_t i)
{
	return sin((double)i * 2.3) * 0.8 + cos((double)i * 0.7) * 0.2;
}

static struct lw_anomaly_params params(enum lw_season s)
{
	return (struct lw_anomaly_params){.season = s, .window = 42 * DAY,
		.min_points = 14, .sensitivity = 3, .direction = LW_AD_BOTH};
}

/* Hourly, 4 weeks before TUE9: 100 +- 5, Tuesdays 09:00 1000 +- 20. */
static size_t hourly_spiky(void)
{
	size_t n = 0;
	for (int64_t t = TUE9 - 28 * DAY; t < TUE9; t += HOUR, n++) {
		bool peak = lw_season_bucket(LW_SEAS_HOW, t) == 33;
		pts[n] = (struct lw_point){t, peak ? 1000 + 20 * wob(n) :
					   100 + 5 * wob(n), 0};
	}
	return n;
}

static void test_buckets(void **state)
{
	(void)state;
	char b[40];
	assert_int_equal(lw_season_bucket(LW_SEAS_HOUR, TUE9), 9);
	assert_int_equal(lw_season_bucket(LW_SEAS_DOW, TUE9), 1);
	assert_int_equal(lw_season_bucket(LW_SEAS_HOW, TUE9), 33);
	assert_int_equal(lw_season_bucket(LW_SEAS_NONE, TUE9), -1);
	/* the Sunday before, 23:00: last bucket of the week */
	assert_int_equal(lw_season_bucket(LW_SEAS_HOW, TUE9 - 34 * HOUR), 167);
	assert_string_equal(lw_season_bucket_fmt(LW_SEAS_HOW, 33, b, sizeof b),
			    "Tuesdays 09:00");
	assert_string_equal(lw_season_bucket_fmt(LW_SEAS_DOW, 6, b, sizeof b),
			    "Sundays");
	assert_string_equal(lw_season_bucket_fmt(LW_SEAS_NONE, -1, b, sizeof b),
			    "");
	assert_string_equal(lw_span_fmt(42 * DAY, b, sizeof b), "6 weeks");
	assert_string_equal(lw_span_fmt(9 * DAY, b, sizeof b), "9 days");
	assert_string_equal(lw_span_fmt(20 * HOUR, b, sizeof b), "20 hours");
	enum lw_season s;
	assert_int_equal(lw_season_parse("hour_of_week", &s), LW_OK);
	assert_int_equal(s, LW_SEAS_HOW);
	assert_int_not_equal(lw_season_parse("weekly", &s), LW_OK);
}

/* The Tuesday 09:00 peak is normal for its bucket, wrong for any other. */
static void test_hour_of_week(void **state)
{
	(void)state;
	size_t n = hourly_spiky();
	struct lw_anomaly_params p = params(LW_SEAS_HOW);
	struct lw_verdict v;
	lw_anomaly_judge(&p, pts, n, TUE9, 1005, &v);
	assert_int_equal(v.status, LW_PASS);
	assert_int_equal(v.bucket, 33);
	assert_true(v.lo < 1005 && v.hi > 1005 && v.lo > 700);
	lw_anomaly_judge(&p, pts, n, TUE9, 100, &v);	/* the peak missing */
	assert_int_equal(v.status, LW_FAIL);
	lw_anomaly_judge(&p, pts, n, TUE9 + HOUR, 1000, &v);	/* 10:00 */
	assert_int_equal(v.status, LW_FAIL);
	p = params(LW_SEAS_NONE);	/* without seasons the peak is a spike */
	lw_anomaly_judge(&p, pts, n, TUE9, 1005, &v);
	assert_int_equal(v.status, LW_FAIL);
	assert_int_equal(v.bucket, -1);
}

static void test_auto_season(void **state)
{
	(void)state;
	size_t n = hourly_spiky();
	assert_int_equal(lw_anomaly_pick_season(pts, n, TUE9, 42 * DAY),
			 LW_SEAS_HOW);
	struct lw_anomaly_params p = params(LW_SEAS_AUTO);
	struct lw_verdict v;
	lw_anomaly_judge(&p, pts, n, TUE9, 1005, &v);
	assert_int_equal(v.season, LW_SEAS_HOW);
	assert_int_equal(v.status, LW_PASS);
	/* daily, weekends at a third: day of week */
	n = 0;
	for (int64_t t = TUE9 - 35 * DAY; t < TUE9; t += DAY, n++) {
		int d = lw_season_bucket(LW_SEAS_DOW, t);
		pts[n] = (struct lw_point){t, (d >= 5 ? 300 : 900) +
					   10 * wob(n), 0};
	}
	assert_int_equal(lw_anomaly_pick_season(pts, n, TUE9, 42 * DAY),
			 LW_SEAS_DOW);
	/* flat noise: none */
	for (size_t i = 0; i < n; i++)
		pts[i].v = 500 + 10 * wob(i);
	assert_int_equal(lw_anomaly_pick_season(pts, n, TUE9, 42 * DAY),
			 LW_SEAS_NONE);
	/* too short for a weekly season even with the pattern */
	n = 0;
	for (int64_t t = TUE9 - 10 * DAY; t < TUE9; t += DAY, n++)
		pts[n] = (struct lw_point){t, lw_season_bucket(LW_SEAS_DOW, t)
					   >= 5 ? 300 : 900, 0};
	assert_int_equal(lw_anomaly_pick_season(pts, n, TUE9, 42 * DAY),
			 LW_SEAS_NONE);
}

/* Steady growth: the next step is expected, the old level is a drop. */
static void test_trend(void **state)
{
	(void)state;
	size_t n = 0;
	for (int64_t t = TUE9 - 30 * DAY; t < TUE9; t += DAY, n++)
		pts[n] = (struct lw_point){t, 1000 + 100 * (double)n +
					   5 * wob(n), 0};
	struct lw_anomaly_params p = params(LW_SEAS_NONE);
	struct lw_verdict v;
	lw_anomaly_judge(&p, pts, n, TUE9, 4000, &v);
	assert_int_equal(v.status, LW_PASS);
	assert_true(fabs(v.slope - 100) < 5);
	assert_true(fabs(v.expected - 4000) < 30);
	lw_anomaly_judge(&p, pts, n, TUE9, 2500, &v);
	assert_int_equal(v.status, LW_FAIL);
	assert_true(v.score < 0);
}

static void test_min_points(void **state)
{
	(void)state;
	for (size_t i = 0; i < 13; i++)
		pts[i] = (struct lw_point){TUE9 - (int64_t)(13 - i) * DAY,
					   100, 0};
	struct lw_anomaly_params p = params(LW_SEAS_NONE);
	struct lw_verdict v;
	lw_anomaly_judge(&p, pts, 13, TUE9, 1e9, &v);
	assert_true(v.learning);
	assert_int_equal(v.status, LW_PASS);
	assert_int_equal(v.trained, 13);
	assert_int_equal(v.need, 14);
	p.min_points = 3;	/* 3 points and auto: fitted all the same */
	p.season = LW_SEAS_AUTO;
	lw_anomaly_judge(&p, pts + 10, 3, TUE9, 1e9, &v);
	assert_false(v.learning);
	assert_int_equal(v.status, LW_FAIL);
	p.season = LW_SEAS_NONE;
	p.min_points = 13;
	lw_anomaly_judge(&p, pts, 13, TUE9, 1e9, &v);
	assert_false(v.learning);
	assert_int_equal(v.status, LW_FAIL);
	/* points outside the window do not count */
	p.window = 5 * DAY;
	lw_anomaly_judge(&p, pts, 13, TUE9, 100, &v);
	assert_true(v.learning);
	assert_int_equal(v.trained, 5);
}

static void test_min_change(void **state)
{
	(void)state;
	for (size_t i = 0; i < 20; i++)
		pts[i] = (struct lw_point){TUE9 - (int64_t)(20 - i) * DAY,
					   100, 0};
	struct lw_anomaly_params p = params(LW_SEAS_NONE);
	struct lw_verdict v;
	lw_anomaly_judge(&p, pts, 20, TUE9, 101, &v);
	assert_int_equal(v.status, LW_FAIL);	/* flat: any change */
	p.min_abs = 5;
	lw_anomaly_judge(&p, pts, 20, TUE9, 104, &v);
	assert_int_equal(v.status, LW_PASS);
	lw_anomaly_judge(&p, pts, 20, TUE9, 106, &v);
	assert_int_equal(v.status, LW_WARN);	/* beyond 5, within 10 */
	p.min_pct = 10;
	lw_anomaly_judge(&p, pts, 20, TUE9, 109, &v);
	assert_int_equal(v.status, LW_PASS);
	assert_true(fabs(v.hi - 110) < 1e-9 && fabs(v.lo - 90) < 1e-9);
	lw_anomaly_judge(&p, pts, 20, TUE9, 125, &v);
	assert_int_equal(v.status, LW_FAIL);	/* more than twice out */
}

static void test_direction(void **state)
{
	(void)state;
	for (size_t i = 0; i < 20; i++)
		pts[i] = (struct lw_point){TUE9 - (int64_t)(20 - i) * DAY,
					   1000 + 20 * wob(i), 0};
	struct lw_anomaly_params p = params(LW_SEAS_NONE);
	struct lw_verdict v;
	p.direction = LW_AD_DROP;
	lw_anomaly_judge(&p, pts, 20, TUE9, 5000, &v);
	assert_int_equal(v.status, LW_PASS);
	assert_true(v.score > 3);
	lw_anomaly_judge(&p, pts, 20, TUE9, 100, &v);
	assert_int_equal(v.status, LW_FAIL);
	p.direction = LW_AD_SPIKE;
	lw_anomaly_judge(&p, pts, 20, TUE9, 100, &v);
	assert_int_equal(v.status, LW_PASS);
	lw_anomaly_judge(&p, pts, 20, TUE9, 5000, &v);
	assert_int_equal(v.status, LW_FAIL);
}

/* An incident's points flagged anomalous stay out: the range keeps its
 * width, and a repeat of the incident is still an anomaly. */
static void test_anomalous_excluded(void **state)
{
	(void)state;
	for (size_t i = 0; i < 30; i++)
		pts[i] = (struct lw_point){TUE9 - (int64_t)(30 - i) * DAY,
					   1000 + 20 * wob(i), 0};
	for (size_t i = 22; i < 27; i++)	/* five days of near-zero loads */
		pts[i].v = 10;
	struct lw_anomaly_params p = params(LW_SEAS_NONE);
	struct lw_verdict plain, flagged;
	lw_anomaly_judge(&p, pts, 30, TUE9, 10, &plain);
	for (size_t i = 22; i < 27; i++)
		pts[i].flags = LW_PT_ANOMALOUS;
	lw_anomaly_judge(&p, pts, 30, TUE9, 10, &flagged);
	assert_int_equal(flagged.trained, 25);
	assert_int_equal(plain.trained, 30);
	assert_true(flagged.hi - flagged.lo < plain.hi - plain.lo);
	assert_int_equal(flagged.status, LW_FAIL);
	/* more than a quarter flagged: the model, not the data, was off;
	 * everything is learned from again */
	for (size_t i = 15; i < 27; i++)
		pts[i].flags = LW_PT_ANOMALOUS;
	lw_anomaly_judge(&p, pts, 30, TUE9, 10, &flagged);
	assert_int_equal(flagged.trained, 30);
}

/* Holidays (a "holidays" calendar's local dates) are neither learned
 * from nor counted: a quiet holiday in the window does not widen the range
 * as an unflagged one does, and a drop on the point after it needs its own
 * confirmation (the holiday is not "the point before"). Marked by local
 * date: 23:30 UTC on Christmas Eve is Christmas in Berlin. */
static void test_holidays(void **state)
{
	(void)state;
	const int64_t xmas = 1798156800;	/* 2026-12-25T00:00:00Z */
	int32_t day = (int32_t)(xmas / DAY);
	struct lw_holidays cal = {&day, 1, true};
	for (size_t i = 0; i < 30; i++)
		pts[i] = (struct lw_point){xmas - (int64_t)(20 - i) * DAY +
					   9 * HOUR, 1000 + 20 * wob(i), 0};
	pts[20].v = 300;	/* Christmas: quiet, not wrong */
	struct lw_anomaly_params p = params(LW_SEAS_NONE);
	struct lw_verdict plain, marked;
	int64_t t = pts[29].t + DAY;
	lw_anomaly_judge(&p, pts, 30, t, 1000, &plain);
	assert_int_equal(lw_anomaly_mark_holidays(pts, 30, NULL, &cal), 1);
	assert_int_equal(pts[20].flags, LW_PT_HOLIDAY);
	lw_anomaly_judge(&p, pts, 30, t, 1000, &marked);
	assert_int_equal(plain.trained, 30);
	assert_int_equal(marked.trained, 29);
	assert_true(marked.hi - marked.lo <= plain.hi - plain.lo);
	assert_true(marked.lo > 900);
	/* the holiday is not the point before a drop */
	lw_anomaly_judge(&p, pts, 21, pts[20].t + 3600, 300, &marked);
	assert_int_equal(marked.trained, 20);
	/* cleared again when the calendar no longer has the day */
	struct lw_holidays none = {NULL, 0, true};
	assert_int_equal(lw_anomaly_mark_holidays(pts, 30, NULL, &none), 0);
	assert_int_equal(pts[20].flags, 0);
	/* local dates */
	struct lw_tz *tz;
	struct lw_err err;
	if (lw_tz_load("Europe/Berlin", &tz, &err) != LW_OK) {
		lw_skip_needs("tzdata");
		return;
	}
	struct lw_point eve = {xmas - 1800, 1, 0};	/* 23:30Z: 00:30 CET */
	assert_int_equal(lw_anomaly_mark_holidays(&eve, 1, tz, &cal), 1);
	assert_int_equal(lw_anomaly_mark_holidays(&eve, 1, NULL, &cal), 0);
	lw_tz_free(tz);
}

/* An accepted step is the new normal: older points move onto it. */
static void test_accepted_step(void **state)
{
	(void)state;
	for (size_t i = 0; i < 30; i++)
		pts[i] = (struct lw_point){TUE9 - (int64_t)(30 - i) * DAY,
					   (i < 25 ? 1000 : 2000) + 20 * wob(i),
					   0};
	struct lw_anomaly_params p = params(LW_SEAS_NONE);
	struct lw_verdict v;
	for (size_t i = 25; i < 30; i++)
		pts[i].flags = LW_PT_ANOMALOUS;	/* judged so at the time */
	lw_anomaly_judge(&p, pts, 30, TUE9, 2000, &v);
	assert_int_equal(v.status, LW_FAIL);
	pts[25].flags = LW_PT_ACCEPTED;	/* a person accepted the first */
	for (size_t i = 26; i < 30; i++)
		pts[i].flags = 0;
	lw_anomaly_judge(&p, pts, 30, TUE9, 2000, &v);
	assert_int_equal(v.status, LW_PASS);
	assert_true(fabs(v.expected - 2000) < 50);
	lw_anomaly_judge(&p, pts, 30, TUE9, 1000, &v);	/* the old level */
	assert_int_equal(v.status, LW_FAIL);
}

/* A table whose growth doubles for its last 12 days: the line
 * through the window lags it, every newest point sits above the fit, and
 * the expected level follows them instead of flagging each poll. */
static void test_speeding_trend(void **state)
{
	(void)state;
	size_t n = 0;
	for (int64_t t = TUE9 - 42 * DAY; t < TUE9; t += DAY, n++)
		pts[n] = (struct lw_point){t, 1e6 + 4e4 * (double)n +
					   (n > 30 ? 4e4 * (double)(n - 30)
					    : 0) + 2000 * wob(n), 0};
	double now = 1e6 + 4e4 * 42.0 + 4e4 * 12;
	struct lw_anomaly_params p = params(LW_SEAS_NONE);
	p.min_pct = 1;
	struct lw_verdict v;
	lw_anomaly_judge(&p, pts, n, TUE9, now, &v);
	assert_int_equal(v.status, LW_PASS);
	assert_true(v.expected < now && v.hi > now);
	lw_anomaly_judge(&p, pts, n, TUE9, now * 0.6, &v);	/* truncated */
	assert_true(v.status >= LW_WARN);
}

/* An accepted +60% step on a series with quiet weekends: the older points
 * are scaled onto the new level (a ratio), so Sundays are expected at
 * +60% of a Sunday, not at a weekday's gain. */
static void test_accepted_step_ratio(void **state)
{
	(void)state;
	size_t n = 0;
	for (int64_t t = TUE9 - 42 * DAY; t < TUE9; t += DAY, n++) {
		bool we = lw_season_bucket(LW_SEAS_DOW, t) >= 5;
		pts[n] = (struct lw_point){t, (we ? 450 : 1000) *
					   (n >= 35 ? 1.6 : 1.0) *
					   (1 + 0.02 * wob(n)), 0};
	}
	pts[35].flags = LW_PT_ACCEPTED;
	struct lw_anomaly_params p = params(LW_SEAS_DOW);
	struct lw_verdict v;
	int64_t sun = TUE9 - 2 * DAY;	/* judged as if it were next */
	lw_anomaly_judge(&p, pts, n - 2, sun, 720, &v);
	assert_int_equal(v.status, LW_PASS);
	assert_true(fabs(v.expected - 720) < 30);
	p.season = LW_SEAS_AUTO;	/* the season is chosen after rebasing */
	lw_anomaly_judge(&p, pts, n - 2, sun, 720, &v);
	assert_int_equal(v.season, LW_SEAS_DOW);
	assert_int_equal(v.status, LW_PASS);
}

/* A noisy series (spread above 15% of its level): one point just outside
 * the range is not a WARN; two in a row are, and one far out is a FAIL. */
static void test_noisy(void **state)
{
	(void)state;
	size_t n = 0;
	for (int64_t t = TUE9 - 30 * DAY; t < TUE9; t += DAY, n++)
		pts[n] = (struct lw_point){t, 30 + 8 * wob(n), 0};
	struct lw_anomaly_params p = params(LW_SEAS_NONE);
	struct lw_verdict v;
	lw_anomaly_judge(&p, pts, n, TUE9, 30, &v);
	double warn = v.hi + 1;
	assert_true(warn < v.expected + 2 * (v.hi - v.expected));
	lw_anomaly_judge(&p, pts, n, TUE9, warn, &v);
	assert_int_equal(v.status, LW_PASS);
	pts[n - 1].v = 1000;	/* the point before was out too */
	lw_anomaly_judge(&p, pts, n, TUE9, 30, &v);
	warn = v.hi + 1;
	assert_true(warn < v.expected + 2 * (v.hi - v.expected));
	lw_anomaly_judge(&p, pts, n, TUE9, warn, &v);
	assert_int_equal(v.status, LW_WARN);
	pts[n - 1].v = 30;
	lw_anomaly_judge(&p, pts, n, TUE9, 200, &v);
	assert_int_equal(v.status, LW_FAIL);
}

static void test_arrival(void **state)
{
	(void)state;
	/* polled hourly; data lands daily at 03:10 (newest file time seen
	 * again at every poll until the next landing) */
	int64_t l[24 * 5];
	size_t n = 0;
	for (int64_t t = TUE9 - 5 * DAY; t < TUE9; t += HOUR) {
		int64_t day = t - t % DAY;
		int64_t land = day + 3 * HOUR + 600;
		l[n++] = t >= land ? land : land - DAY;
	}
	assert_int_equal(lw_arrival_period(l, n), DAY);
	struct lw_point a[16];
	size_t k = lw_arrival_points(l, n, DAY, a, 16);
	assert_int_equal(k, 6);	/* the day before the first poll, then 5 */
	for (size_t i = 0; i < k; i++) {
		assert_int_equal(a[i].v, 3 * HOUR + 600);
		assert_int_equal(a[i].t % DAY, 0);
	}
	/* landing every 20 minutes: hourly periods */
	for (size_t i = 0; i < 20; i++)
		l[i] = TUE9 + (int64_t)i * 1200;
	assert_int_equal(lw_arrival_period(l, 20), HOUR);
	assert_int_equal(lw_arrival_points(l, 20, HOUR, a, 16), 7);
	assert_int_equal(lw_arrival_points(l, 20, HOUR, a, 3), 3);
}

/* A bucket with a single point of 0 in a multiplicative series: the fit
 * stays finite and still judges. */
static void test_zero_bucket(void **state)
{
	(void)state;
	size_t n = hourly_spiky(), k = 0;
	bool kept = false;
	for (size_t i = 0; i < n; i++) {
		if (lw_season_bucket(LW_SEAS_HOW, pts[i].t) == 50) {
			if (kept)
				continue;
			kept = true;
			pts[i].v = 0;
		}
		pts[k++] = pts[i];
	}
	struct lw_anomaly_params p = params(LW_SEAS_HOW);
	struct lw_verdict v;
	lw_anomaly_judge(&p, pts, k, TUE9, 1005, &v);
	assert_false(v.learning);
	assert_true(isfinite(v.expected) && isfinite(v.lo) && isfinite(v.hi));
	assert_int_equal(v.status, LW_PASS);
	lw_anomaly_judge(&p, pts, k, TUE9, 100, &v);
	assert_int_equal(v.status, LW_FAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_hour_of_week),
		cmocka_unit_test(test_auto_season),
		cmocka_unit_test(test_trend),
		cmocka_unit_test(test_min_points),
		cmocka_unit_test(test_min_change),
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_anomalous_excluded),
		cmocka_unit_test(test_holidays),
		cmocka_unit_test(test_accepted_step),
		cmocka_unit_test(test_speeding_trend),
		cmocka_unit_test(test_accepted_step_ratio),
		cmocka_unit_test(test_noisy),
		cmocka_unit_test(test_arrival),
		cmocka_unit_test(test_zero_bucket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
