/* test_tz.c - time zones from the tz database (core/tz.c): offsets and
 * abbreviations both ways across DST, wall-clock round trips, the gap and
 * the repeated hour, rules past the last transition, bad names. */
#include <time.h>
#include <unistd.h>
#include "unit.h"
#include "lakewatch/tz.h"
#include "lakewatch/anomaly.h"
#include "lakewatch/util.h"

/* Epoch of a UTC date and time. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
	return lw_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

static struct lw_tz *load(const char *name)
{
	struct lw_tz *tz = NULL;
	struct lw_err err = {0};
	int rc = lw_tz_load(name, &tz, &err);
	if (rc != LW_OK)
		fail_msg("%s: %s", name, err.msg);
	return tz;
}

static void test_civil(void **state)
{
	(void)state;
	assert_int_equal(lw_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(lw_days_from_civil(2000, 3, 1), 11017);
	for (int64_t d = -800000; d < 800000; d += 997) {
		int y, m, dd;
		lw_civil_from_days(d, &y, &m, &dd);
		assert_int_equal(lw_days_from_civil(y, m, dd), d);
	}
	struct tm tm = {.tm_year = 126, .tm_mon = 2, .tm_mday = 29};
	assert_int_equal(utc(2026, 3, 29, 0, 0), (int64_t)timegm(&tm));
}

static void test_berlin(void **state)
{
	(void)state;
	struct lw_tz *tz = load("Europe/Berlin");
	struct lw_local l;
	/* 2026-03-29: 02:00 CET -> 03:00 CEST, at 01:00Z */
	lw_tz_local(tz, utc(2026, 3, 29, 0, 59), &l);
	assert_int_equal(l.hour, 1);
	assert_string_equal(l.abbr, "CET");
	assert_false(l.dst);
	lw_tz_local(tz, utc(2026, 3, 29, 1, 0), &l);
	assert_int_equal(l.hour, 3);
	assert_string_equal(l.abbr, "CEST");
	assert_int_equal(l.off, 7200);
	assert_int_equal(l.wday, 6);	/* a Sunday */
	/* 2026-10-25: 03:00 CEST -> 02:00 CET, at 01:00Z */
	assert_string_equal(lw_tz_abbr(tz, utc(2026, 10, 25, 0, 59)), "CEST");
	assert_string_equal(lw_tz_abbr(tz, utc(2026, 10, 25, 1, 0)), "CET");
	assert_int_equal(lw_tz_offset(tz, utc(2026, 10, 25, 1, 0)), 3600);
	/* far beyond the file's transitions: the footer's rule */
	assert_int_equal(lw_tz_offset(tz, utc(2099, 7, 1, 12, 0)), 7200);
	assert_int_equal(lw_tz_offset(tz, utc(2099, 12, 1, 12, 0)), 3600);
	assert_int_equal(lw_tz_offset(tz, utc(2099, 3, 29, 0, 59)), 3600);
	assert_int_equal(lw_tz_offset(tz, utc(2099, 3, 29, 1, 0)), 7200);
	lw_tz_free(tz);
}

static void test_wall(void **state)
{
	(void)state;
	struct lw_tz *tz = load("Europe/Berlin");
	int64_t t;
	/* the spring day's 02:30 never happens: after the gap */
	assert_int_equal(lw_tz_from_wall(tz, utc(2026, 3, 29, 2, 30), &t),
			 LW_ENOTFOUND);
	assert_int_equal(t, utc(2026, 3, 29, 1, 30));	/* 03:30 CEST */
	assert_int_equal(lw_tz_from_wall(tz, utc(2026, 3, 29, 3, 0), &t), LW_OK);
	assert_int_equal(t, utc(2026, 3, 29, 1, 0));
	/* the fall day's 02:30 happens twice: the earlier, in CEST */
	assert_int_equal(lw_tz_from_wall(tz, utc(2026, 10, 25, 2, 30), &t), LW_OK);
	assert_int_equal(t, utc(2026, 10, 25, 0, 30));
	/* the spring day has 23 hours, the fall day 25 */
	int64_t a, b;
	assert_int_equal(lw_tz_from_wall(tz, utc(2026, 3, 29, 0, 0), &a), LW_OK);
	assert_int_equal(lw_tz_from_wall(tz, utc(2026, 3, 30, 0, 0), &b), LW_OK);
	assert_int_equal(b - a, 23 * 3600);
	assert_int_equal(lw_tz_from_wall(tz, utc(2026, 10, 25, 0, 0), &a), LW_OK);
	assert_int_equal(lw_tz_from_wall(tz, utc(2026, 10, 26, 0, 0), &b), LW_OK);
	assert_int_equal(b - a, 25 * 3600);
	for (int64_t s = utc(2026, 1, 1, 0, 0); s < utc(2027, 1, 1, 0, 0);
	     s += 1800) {	/* every instant round-trips */
		int64_t back;
		assert_int_equal(lw_tz_from_wall(tz, lw_tz_wall(tz, s), &back),
				 LW_OK);
		if (back != s)	/* only the repeated hour's second pass */
			assert_int_equal(back, s - 3600);
	}
	lw_tz_free(tz);
}

static void test_los_angeles(void **state)
{
	(void)state;
	struct lw_tz *tz = load("America/Los_Angeles");
	struct lw_local l;
	/* 2026-03-08 02:00 PST -> 03:00 PDT at 10:00Z; 11-01 back at 09:00Z */
	lw_tz_local(tz, utc(2026, 3, 8, 9, 59), &l);
	assert_int_equal(l.hour, 1);
	assert_string_equal(l.abbr, "PST");
	lw_tz_local(tz, utc(2026, 3, 8, 10, 0), &l);
	assert_int_equal(l.hour, 3);
	assert_string_equal(l.abbr, "PDT");
	assert_int_equal(l.off, -7 * 3600);
	assert_int_equal(lw_tz_offset(tz, utc(2026, 11, 1, 8, 59)), -7 * 3600);
	assert_int_equal(lw_tz_offset(tz, utc(2026, 11, 1, 9, 0)), -8 * 3600);
	/* 2026-01-01 05:00Z is 21:00 on Wednesday 2025-12-31 */
	lw_tz_local(tz, utc(2026, 1, 1, 5, 0), &l);
	assert_int_equal(l.year, 2025);
	assert_int_equal(l.mday, 31);
	assert_int_equal(l.hour, 21);
	assert_int_equal(l.wday, 2);
	lw_tz_free(tz);
}

static void test_utc(void **state)
{
	(void)state;
	struct lw_tz *tz = load("UTC");
	struct lw_local l;
	int64_t t = utc(2026, 7, 1, 12, 34);
	lw_tz_local(tz, t, &l);
	assert_int_equal(l.hour, 12);
	assert_int_equal(l.min, 34);
	assert_int_equal(l.off, 0);
	assert_string_equal(l.abbr, "UTC");
	assert_string_equal(lw_tz_name(tz), "UTC");
	lw_tz_free(tz);
	lw_tz_local(NULL, t, &l);	/* NULL is UTC */
	assert_int_equal(l.hour, 12);
	assert_string_equal(lw_tz_abbr(NULL, t), "UTC");
	assert_int_equal(lw_tz_wall(NULL, t), t);
	assert_string_equal(lw_tz_name(NULL), "UTC");
}

static void test_bad(void **state)
{
	(void)state;
	static const struct { const char *name; int rc; } cases[] = {
		{"Europe/Berlim", LW_ENOTFOUND},
		{"Mars/Olympus", LW_ENOTFOUND},
		{"../../etc/passwd", LW_ECONFIG},
		{"/etc/localtime", LW_ECONFIG},
		{"", LW_ECONFIG},
		{"Europe/Ber lin", LW_ECONFIG},
		{"Europe", LW_ENOTFOUND},	/* a folder, not a zone */
		{"zone.tab", LW_ECONFIG},	/* not a zone name at all */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct lw_tz *tz = (struct lw_tz *)1;
		struct lw_err err = {0};
		int rc = lw_tz_load(cases[i].name, &tz, &err);
		if (rc != cases[i].rc)
			fail_msg("%s: rc %d (%s)", cases[i].name, rc, err.msg);
		assert_null(tz);
		assert_non_null(strstr(err.msg, cases[i].name));
	}
	/* a file of the database that is not a zone */
	struct lw_tz *tz = NULL;
	struct lw_err err = {0};
	assert_int_equal(lw_tz_load("tzdata.zi", &tz, &err), LW_ECONFIG);
	assert_int_equal(lw_tz_load("leapseconds", &tz, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "not a TZif"));
	assert_null(tz);
}

/* A peak at 09:00 Berlin time every day, across the spring change: on the
 * local clock it stays in one hour bucket; on UTC's it moves from 08:00 to
 * 07:00 and the model, judging summer's 07:00Z, expects winter's level. */
static void test_anomaly_local_hours(void **state)
{
	(void)state;
	struct lw_tz *tz = load("Europe/Berlin");
	static struct lw_point pts[24 * 30];
	size_t n = 0;
	int64_t t0 = utc(2026, 3, 15, 0, 0), now = utc(2026, 4, 10, 7, 0);
	for (int64_t t = t0; t < now; t += 3600, n++) {
		struct lw_local l;
		lw_tz_local(tz, t, &l);
		pts[n] = (struct lw_point){t, (l.hour == 9 ? 1000 : 100) +
					   (double)(n % 5), 0};
	}
	struct lw_anomaly_params p = {.season = LW_SEAS_HOUR,
		.window = 14 * 86400, .min_points = 14, .sensitivity = 3,
		.direction = LW_AD_BOTH};
	struct lw_verdict v;
	lw_anomaly_judge_tz(&p, tz, pts, n, now, 1002, &v);	/* 09:00 CEST */
	assert_int_equal(v.status, LW_PASS);
	assert_int_equal(v.bucket, 9);
	lw_anomaly_judge_tz(&p, tz, pts, n, now, 100, &v);	/* peak missing */
	assert_int_equal(v.status, LW_FAIL);
	lw_anomaly_judge_tz(&p, NULL, pts, n, now, 1002, &v);	/* UTC */
	assert_int_equal(v.bucket, 7);
	lw_tz_free(tz);
}

/* Southern hemisphere, past the file's transitions: the footer's rule with
 * DST across the new year. */
static void test_sydney_rule(void **state)
{
	(void)state;
	struct lw_tz *tz = load("Australia/Sydney");
	assert_int_equal(lw_tz_offset(tz, utc(2090, 1, 15, 0, 0)), 11 * 3600);
	assert_int_equal(lw_tz_offset(tz, utc(2090, 7, 15, 0, 0)), 10 * 3600);
	assert_string_equal(lw_tz_abbr(tz, utc(2090, 12, 31, 20, 0)), "AEDT");
	lw_tz_free(tz);
}

/* Truncations (every length in the headers, then a spread) and flipped
 * bytes across a real zone file: an error or a zone, never a crash or a
 * read past the end (ASan). */
static void test_damaged_files(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t n = 0;
	struct lw_err err = {0};
	assert_int_equal(lw_read_file("/usr/share/zoneinfo/Europe/Berlin",
				      1 << 20, &buf, &n, &err), LW_OK);
	char dir[] = "/tmp/lw-tz-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/Zone", dir);
	setenv("TZDIR", dir, 1);
	size_t ok = 0;
	for (size_t len = 0; len <= n; len += len < 120 ? 1 : 29) {
		if (len + 29 > n && len < n)
			len = n;	/* and the whole file, last */
		for (int flip = -1; flip < (len == n ? (int)n : 0);
		     flip += flip < 0 ? 1 : 7) {
			FILE *f = fopen(path, "wb");
			assert_non_null(f);
			if (flip >= 0)
				buf[flip] ^= 0x5a;
			fwrite(buf, 1, len, f);
			if (flip >= 0)
				buf[flip] ^= 0x5a;
			fclose(f);
			struct lw_tz *tz = NULL;
			int rc = lw_tz_load("Zone", &tz, &err);
			if (rc == LW_OK) {
				ok++;
				(void)lw_tz_offset(tz, utc(2026, 3, 29, 1, 0));
				(void)lw_tz_offset(tz, utc(2200, 7, 1, 0, 0));
				(void)lw_tz_abbr(tz, -(INT64_C(1) << 40));
			} else {
				assert_int_equal(rc, LW_EPARSE);
			}
			lw_tz_free(tz);
		}
	}
	unsetenv("TZDIR");
	unlink(path);
	rmdir(dir);
	free(buf);
	assert_true(ok >= 1);	/* at least the whole file */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_berlin),
		cmocka_unit_test(test_wall),
		cmocka_unit_test(test_los_angeles),
		cmocka_unit_test(test_utc),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_anomaly_local_hours),
		cmocka_unit_test(test_sydney_rule),
		cmocka_unit_test(test_damaged_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
