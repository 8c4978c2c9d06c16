/* test_tui_layout.c - the dashboard's pure layout and format code. */
#include "unit.h"
#include <locale.h>
#include <stdio.h>
#include "lakewatch/tui_layout.h"

static bool all_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static void test_width(void **st)
{
	(void)st;
	assert_int_equal(lw_tui_width("abc", false), 3);
	assert_int_equal(lw_tui_width("caf\xc3\xa9", false), 4);
	assert_int_equal(lw_tui_width("caf\xc3\xa9", true), 4);
	/* CJK takes two columns */
	assert_int_equal(lw_tui_width("\xe6\x97\xa5", false), 2);
	/* invalid UTF-8: one column per bad byte */
	assert_int_equal(lw_tui_width("\xff\xfe", false), 2);
	assert_int_equal(lw_tui_width(NULL, false), 0);
}

static void test_fit(void **st)
{
	char b[64];
	(void)st;
	assert_int_equal(lw_tui_fit(b, sizeof b, "hello", 10, false), 5);
	assert_string_equal(b, "hello");
	assert_int_equal(lw_tui_fit(b, sizeof b, "hello world", 6, true), 6);
	assert_string_equal(b, "hello~");
	assert_int_equal(lw_tui_fit(b, sizeof b, "hello world", 6, false), 6);
	assert_string_equal(b, "hello\xe2\x80\xa6");
	/* control characters never reach the terminal */
	lw_tui_fit(b, sizeof b, "a\x1b[2Jb\n", 20, false);
	assert_string_equal(b, "a?[2Jb?");
	/* ascii: a multi-byte character becomes a single '?' */
	lw_tui_fit(b, sizeof b, "caf\xc3\xa9 \xe6\x97\xa5", 20, true);
	assert_string_equal(b, "caf? ?");
	assert_true(all_ascii(b));
	/* a wide character that does not fit whole is left out */
	assert_int_equal(lw_tui_fit(b, sizeof b, "a\xe6\x97\xa5\xe6\x97\xa5",
				    3, false), 2);
	assert_string_equal(b, "a\xe2\x80\xa6");
	/* tiny destination buffer: still terminated */
	lw_tui_fit(b, 4, "abcdefgh", 20, true);
	assert_true(strlen(b) < 4);
	assert_int_equal(lw_tui_fit(b, sizeof b, "abc", 0, true), 0);
	assert_string_equal(b, "");
}

static void test_glyphs(void **st)
{
	(void)st;
	for (int s = 0; s < LW_NSTATUS; s++) {
		assert_true(all_ascii(lw_tui_glyph(s, true)));
		assert_int_equal(lw_tui_width(lw_tui_glyph(s, false), false), 1);
		/* the text report's table too (core's model.h) */
		assert_string_equal(lw_tui_glyph(s, true),
				    lw_status_glyph(s, false));
		assert_string_equal(lw_tui_glyph(s, false),
				    lw_status_glyph(s, true));
		for (int t = 0; t < s; t++)
			assert_string_not_equal(lw_tui_glyph(s, true),
						lw_tui_glyph(t, true));
	}
}

/* The selected check's fields wrap at spaces and never lose text. */
static void test_wrap_part(void **st)
{
	const char *s = "schema ok: 3 columns, 2 required present";
	char b[64], all[128] = "";
	size_t used;

	(void)st;
	used = lw_tui_wrap_part(b, sizeof b, s, 12, true);
	assert_string_equal(b, "schema ok:");
	assert_int_equal(used, 10);
	/* every piece fits and, joined with spaces, gives the text back */
	while (*s) {
		used = lw_tui_wrap_part(b, sizeof b, s, 12, true);
		assert_true(used > 0);
		assert_true(lw_tui_width(b, true) <= 12);
		if (*all)
			strcat(all, " ");
		strcat(all, b);
		s += used;
		while (*s == ' ')
			s++;
	}
	assert_string_equal(all, "schema ok: 3 columns, 2 required present");
	/* a word longer than the width is split, not lost */
	used = lw_tui_wrap_part(b, sizeof b, "/a/very/long/path", 6, true);
	assert_int_equal(used, 6);
	assert_string_equal(b, "/a/ver");
	assert_int_equal(lw_tui_wrap_part(b, sizeof b, "", 6, true), 0);
	/* UTF-8 counts columns, not bytes */
	used = lw_tui_wrap_part(b, sizeof b, "\xe2\x9c\x93\xe2\x9c\x93 ab",
				3, false);
	assert_string_equal(b, "\xe2\x9c\x93\xe2\x9c\x93");
}

/* v[0..n) (< 0 unknown) each with the band [lo, hi], into p. */
static struct lw_tui_bpoint *flat(struct lw_tui_bpoint *p, const int64_t *v,
				  size_t n, double lo, double hi)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (struct lw_tui_bpoint){.v = (double)v[i], .lo = lo,
			.hi = hi, .has_v = v[i] >= 0, .has_band = true};
	return p;
}

/* The band sparkline: earlier counts inside the band sit on the lower row,
 * an outlier on the upper one with the band shaded below it; unknown
 * values are blank; a band far above the values shades the upper row. */
static void test_spark_band(void **st)
{
	int64_t v[] = {50, 48, 52, 49, 51, 80}, u[] = {50, -1, 50};
	struct lw_tui_bpoint p[6];
	char top[256], bot[256];
	(void)st;
	lw_tui_spark_bands(top, bot, sizeof top, flat(p, v, 6, 43, 57), 6, 20,
			   true);
	assert_int_equal(strlen(top), 6);
	assert_int_equal(strlen(bot), 6);
	assert_int_equal(strspn(top, " "), 5);	/* the outlier, on top */
	assert_non_null(strchr("_.:-=+*#", top[5]));
	assert_int_equal(bot[5], '|');		/* the band below it */
	for (int i = 0; i < 5; i++)
		assert_non_null(strchr("_.:-=+*#", bot[i]));
	lw_tui_spark_bands(top, bot, sizeof top, p, 6, 20, false);
	assert_non_null(strstr(bot, "\xe2\x96\x91"));	/* U+2591 */
	assert_null(strstr(top, "\xe2\x96\x91"));
	lw_tui_spark_bands(top, bot, sizeof top, flat(p, u, 3, 40, 60), 3, 20,
			   true);
	assert_int_equal(bot[1], '|');	/* unknown: just the band */
	lw_tui_spark_bands(top, bot, sizeof top, flat(p, u, 3, 400, 600), 3,
			   20, true);
	assert_string_equal(top, "|||");	/* far above: band on top */
	lw_tui_spark_bands(top, bot, sizeof top, flat(p, v, 6, 43, 57), 6, 2,
			   true);
	assert_int_equal(strlen(bot), 2);	/* the last two */
	lw_tui_spark_bands(top, bot, sizeof top, flat(p, v, 6, 60, 40), 6, 20,
			   true);
	assert_null(strchr(top, '|'));	/* no range: no shade */
	assert_null(strchr(bot, '|'));
}

/* Each point against its own band: a season that alternates low (10 in
 * [8, 12]) and high (100 in [90, 110]) shades neither row beside its
 * marks, where one flat band would shade every low point's upper row; a
 * drop to 10 in a high slot stands below its band, shaded above it; a
 * point judged without a band has no shade; nothing known: blank. */
static void test_spark_bands(void **st)
{
	struct lw_tui_bpoint p[8];
	char top[256], bot[256];
	(void)st;
	for (int i = 0; i < 6; i++)
		p[i] = (struct lw_tui_bpoint){.v = i % 2 ? 100 : 10,
			.lo = i % 2 ? 90 : 8, .hi = i % 2 ? 110 : 12,
			.has_v = true, .has_band = true};
	p[6] = (struct lw_tui_bpoint){.v = 10, .lo = 90, .hi = 110,
		.has_v = true, .has_band = true};
	p[7] = (struct lw_tui_bpoint){.v = 10, .has_v = true};
	lw_tui_spark_bands(top, bot, sizeof top, p, 8, 20, true);
	assert_int_equal(strlen(top), 8);
	assert_int_equal(strlen(bot), 8);
	for (int i = 0; i < 6; i++) {
		/* the mark in its row, the other row blank: no shade */
		assert_int_equal(i % 2 ? bot[i] : top[i], ' ');
		assert_non_null(strchr("_.:-=+*#", i % 2 ? top[i] : bot[i]));
	}
	assert_int_equal(top[6], '|');	/* the drop, clear of its band */
	assert_non_null(strchr("_.:-=+*#", bot[6]));
	assert_int_equal(top[7], ' ');	/* no band: no shade */
	assert_ptr_equal(strchr(top, '|'), top + 6);	/* the only shade */
	assert_null(strchr(bot, '|'));
	lw_tui_spark_bands(top, bot, sizeof top, p, 8, 20, false);
	assert_non_null(strstr(top, "\xe2\x96\x91"));	/* U+2591 */
	assert_null(strstr(bot, "\xe2\x96\x91"));
	p[0].has_v = p[0].has_band = false;
	lw_tui_spark_bands(top, bot, sizeof top, p, 1, 20, true);
	assert_string_equal(top, " ");	/* unknown, no band: blank */
	assert_string_equal(bot, " ");
	lw_tui_spark_bands(top, bot, sizeof top, p, 8, 3, true);
	assert_int_equal(strlen(top), 3);	/* the last three */
	assert_int_equal(top[1], '|');
}

static void test_spark(void **st)
{
	int64_t v[] = { 0, 10, -1, 5, 10 };
	int64_t flat[] = { 7, 7, 7 };
	char b[128];
	(void)st;
	lw_tui_spark(b, sizeof b, v, 5, 10, true);
	assert_string_equal(b, "_# =#");
	lw_tui_spark(b, sizeof b, v, 5, 2, true);	/* the last two */
	assert_string_equal(b, "_#");	/* rescaled to the window */
	lw_tui_spark(b, sizeof b, v, 5, 10, false);
	assert_int_equal(lw_tui_width(b, false), 5);
	assert_memory_equal(b, "\xe2\x96\x81", 3);	/* lowest block */
	assert_memory_equal(b + 3, "\xe2\x96\x88", 3);	/* full block */
	lw_tui_spark(b, sizeof b, flat, 3, 10, true);
	assert_string_equal(b, "---");
	lw_tui_spark(b, sizeof b, NULL, 0, 10, true);
	assert_string_equal(b, "");
}

static void test_cell(void **st)
{
	struct lw_rollup r = { 0 };
	char b[64];
	(void)st;
	lw_tui_cell(b, sizeof b, &r, true, 20, true);
	assert_string_equal(b, "-");
	r.total = 5;
	r.status = LW_FAIL;
	r.counts[LW_PASS] = 3;
	r.counts[LW_WARN] = 1;
	r.counts[LW_FAIL] = 1;
	lw_tui_cell(b, sizeof b, &r, false, 20, true);
	assert_string_equal(b, "pending");
	lw_tui_cell(b, sizeof b, &r, true, 20, true);
	assert_string_equal(b, "X FAIL 3p 1w 1f");
	lw_tui_cell(b, sizeof b, &r, true, 12, true);
	assert_string_equal(b, "X FAIL 2/5");
	lw_tui_cell(b, sizeof b, &r, true, 7, true);
	assert_string_equal(b, "X FAIL");
	lw_tui_cell(b, sizeof b, &r, true, 3, true);
	assert_string_equal(b, "X");
	lw_tui_cell(b, sizeof b, &r, true, 20, false);
	assert_string_equal(b, "\xe2\x9c\x97 FAIL 3p 1w 1f");
}

static void test_why(void **st)
{
	struct lw_dataset ds = { .name = "gold.sales_daily" };
	struct lw_ds_run dr = { .ds = &ds, .status = LW_FAIL };
	struct lw_result res = { .check = "freshness", .status = LW_FAIL,
				 .measured = "7h",
				 .threshold = "warn 2h, fail 6h",
				 .message = "newest data is 7h old" };
	char b[200];
	(void)st;
	lw_tui_why(b, sizeof b, &dr, &res);
	assert_string_equal(b, "gold.sales_daily stale 7h (warn 2h, fail 6h)");
	res.measured = "9 columns";	/* says nothing: the message does */
	res.check = "schema";
	res.message = "column amount is string, expected decimal(10,2)";
	lw_tui_why(b, sizeof b, &dr, &res);
	assert_string_equal(b, "gold.sales_daily schema: column amount is "
			    "string, expected decimal(10,2)");
	res.status = LW_ERROR;	/* not judged: say why, not the measure */
	res.check = "freshness";
	res.measured = "not observed";
	res.message = "no such directory";
	lw_tui_why(b, sizeof b, &dr, &res);
	assert_string_equal(b, "gold.sales_daily freshness: no such directory");
	dr.status = LW_ERROR;
	dr.obs.ok = false;
	dr.obs.error = "permission denied";
	lw_tui_why(b, sizeof b, &dr, NULL);
	assert_string_equal(b, "gold.sales_daily: permission denied");
	dr.status = LW_PASS;
	lw_tui_why(b, sizeof b, &dr, &res);
	assert_string_equal(b, "");
}

static void test_columns(void **st)
{
	struct lw_tui_col c[] = {
		{ "status", 7, 7, 0 }, { "dataset", 10, 30, 0 },
		{ "source", 6, 14, 2 }, { "age", 5, 6, 1 },
		{ "files", 5, 6, 3 },
	};
	int sum;
	(void)st;
	assert_int_equal(lw_tui_columns(c, 5, 100, 1), 5);
	sum = 0;
	for (int i = 0; i < 5; i++)
		sum += c[i].w;
	assert_int_equal(sum + 4, 100);	/* flex takes the rest */
	assert_int_equal(c[2].w, 14);
	assert_int_equal(c[1].x, 8);
	/* narrow: drop the least important (files, then source) */
	assert_int_equal(lw_tui_columns(c, 5, 30, 1), 3);
	assert_int_equal(c[4].w, 0);
	assert_int_equal(c[2].w, 0);
	assert_true(c[1].w >= 10);
	assert_int_equal(c[3].x, c[1].x + c[1].w + 1);
	assert_true(c[3].x + c[3].w <= 30);
	/* absurdly narrow: one column, clipped */
	lw_tui_columns(c, 5, 3, 1);
	assert_true(c[1].w <= 3);
}

static void test_scroll(void **st)
{
	(void)st;
	assert_int_equal(lw_tui_scroll(0, 0, 10, 100), 0);
	assert_int_equal(lw_tui_scroll(15, 0, 10, 100), 6);
	assert_int_equal(lw_tui_scroll(3, 6, 10, 100), 3);
	assert_int_equal(lw_tui_scroll(99, 95, 10, 100), 90);
	assert_int_equal(lw_tui_scroll(2, 50, 10, 5), 0);
}

static void test_change(void **st)
{
	char b[32];
	(void)st;
	assert_string_equal(lw_tui_change(b, sizeof b, 110, 100), "+10%");
	assert_string_equal(lw_tui_change(b, sizeof b, 97, 100), "-3.0%");
	assert_string_equal(lw_tui_change(b, sizeof b, 100, 100), "0%");
	assert_string_equal(lw_tui_change(b, sizeof b, 5, 0), "new");
	assert_string_equal(lw_tui_change(b, sizeof b, -1, 100), "-");
}

static struct lw_tui_row mk(const char *name, int st, int64_t age,
			    int64_t rows)
{
	struct lw_tui_row r = { .name = name, .source = "s", .polled = true,
				.status = st, .age = age, .rows = rows,
				.files = 1 };
	return r;
}

static void test_sort(void **st)
{
	struct lw_tui_row r[4];
	(void)st;
	r[0] = mk("b", LW_PASS, 10, 5);
	r[1] = mk("a", LW_FAIL, -1, 50);
	r[2] = mk("c", LW_WARN, 99, -1);
	r[3] = mk("d", LW_PASS, 50, 7);
	r[3].polled = false;
	lw_tui_rows_sort(r, 4, LW_SORT_STATUS, false);
	assert_string_equal(r[0].name, "a");
	assert_string_equal(r[1].name, "c");
	assert_string_equal(r[2].name, "b");
	assert_string_equal(r[3].name, "d");	/* not polled: last */
	lw_tui_rows_sort(r, 4, LW_SORT_NAME, false);
	assert_string_equal(r[0].name, "a");
	assert_string_equal(r[2].name, "c");
	lw_tui_rows_sort(r, 4, LW_SORT_NAME, true);
	assert_string_equal(r[0].name, "c");
	assert_string_equal(r[2].name, "a");
	lw_tui_rows_sort(r, 4, LW_SORT_AGE, false);	/* oldest first */
	assert_string_equal(r[0].name, "c");
	assert_string_equal(r[1].name, "b");
	assert_string_equal(r[2].name, "a");	/* unknown age last */
	lw_tui_rows_sort(r, 4, LW_SORT_ROWS, true);
	assert_string_equal(r[0].name, "b");
	assert_string_equal(r[1].name, "a");
	assert_string_equal(r[2].name, "c");	/* unknown last either way */
}

static void test_row_fill(void **st)
{
	struct lw_dataset ds = { .name = "x" };
	struct lw_result res[2] = {
		{ .check = "freshness", .status = LW_PASS },
		{ .check = "schema", .status = LW_FAIL },
	};
	struct lw_ds_run dr = { .ds = &ds, .status = LW_FAIL,
				.results = res, .nresults = 2 };
	struct lw_tui_row r = { 0 };
	(void)st;
	dr.obs.ok = true;
	dr.obs.newest_mtime = 1000;
	dr.obs.newest_part_time = -1;
	dr.obs.rows = 150;
	dr.obs.files = 3;
	dr.has_prev = true;
	dr.prev.ok = true;
	dr.prev.rows = 100;
	lw_tui_row_fill(&r, &dr, 4600);
	assert_true(r.polled);
	assert_int_equal(r.age, 3600);
	assert_int_equal(r.rows, 150);
	assert_int_equal(r.files, 3);
	assert_true(r.has_change);
	assert_true(r.change > 49.9 && r.change < 50.1);
	assert_int_equal(r.schema, LW_SCH_BAD);
	lw_tui_row_fill(&r, NULL, 0);
	assert_false(r.polled);
	assert_int_equal(r.rows, -1);
}

static void test_part_gaps(void **st)
{
	int64_t d = 86400, t[] = { 10 * d, 11 * d, 14 * d, 12 * d, -1 };
	int64_t g[8];
	size_t n;
	(void)st;
	assert_int_equal(lw_tui_part_gaps(t, 5, g, 8, &n), d);
	assert_int_equal(n, 1);
	assert_int_equal(g[0], 13 * d);
	int64_t h[] = { 0, 3600, 4 * 3600 };
	assert_int_equal(lw_tui_part_gaps(h, 3, g, 1, &n), 3600);
	assert_int_equal(n, 2);		/* counted beyond max */
	assert_int_equal(g[0], 7200);
	int64_t one[] = { 5 };
	assert_int_equal(lw_tui_part_gaps(one, 1, g, 8, &n), 0);
	assert_int_equal(n, 0);
	/* months: 2026-01-01, 2026-02-01, 2026-04-01 -> March missing */
	int64_t m[] = { 1767225600, 1769904000, 1775001600 };
	assert_true(lw_tui_part_gaps(m, 3, g, 8, &n) > 0);
	assert_int_equal(n, 1);
	assert_int_equal(g[0], 1772323200);
}

static void test_schema_diff(void **st)
{
	struct lw_column a[] = {
		{ .name = "id", .type = LW_T_INT64 },
		{ .name = "amount", .type = LW_T_DECIMAL, .precision = 10,
		  .scale = 2 },
		{ .name = "new", .type = LW_T_STRING },
	};
	struct lw_column b[] = {
		{ .name = "id", .type = LW_T_INT64 },
		{ .name = "amount", .type = LW_T_DECIMAL, .precision = 12,
		  .scale = 2 },
		{ .name = "gone", .type = LW_T_STRING },
	};
	struct lw_schema now = { a, 3, 3 }, prev = { b, 3, 3 };
	struct lw_tui_coldiff d[8];
	(void)st;
	assert_int_equal(lw_tui_schema_diff(&now, &prev, d, 8), 4);
	assert_int_equal(d[0].kind, LW_COL_SAME);
	assert_int_equal(d[1].kind, LW_COL_RETYPED);
	assert_ptr_equal(d[1].was, &b[1]);
	assert_int_equal(d[2].kind, LW_COL_ADDED);
	assert_int_equal(d[3].kind, LW_COL_REMOVED);
	assert_string_equal(d[3].col->name, "gone");
	assert_int_equal(lw_tui_schema_diff(&now, NULL, d, 8), 3);
	assert_int_equal(d[2].kind, LW_COL_SAME);
	assert_int_equal(lw_tui_schema_diff(&now, &prev, d, 2), 2);
}

/* The Pipelines screen's strip: one cell per hour over 24 hours, oldest
 * left; a cell's worst run wins; runs before the span or without a time
 * are left out; a start after now is the last hour's. */
static void test_run_strip(void **st)
{
	const int64_t now = 1000000, H = 3600;
	struct lw_run_fact r[] = {
		{ .state = LW_RUN_SUCCEEDED, .start = now - 30 * 60, .end = -1 },
		{ .state = LW_RUN_FAILED, .start = now - 9 * H + 5, .end = -1 },
		{ .state = LW_RUN_SUCCEEDED, .start = now - 9 * H + 60,
		  .end = -1 },
		{ .state = LW_RUN_IN_PROGRESS, .start = now - 5 * H + 1,
		  .end = -1 },
		{ .state = LW_RUN_SUCCEEDED, .start = now - 25 * H, .end = -1 },
		{ .state = LW_RUN_CANCELLED, .start = -1, .end = now - 24 * H },
		{ .state = LW_RUN_QUEUED, .start = -1, .end = -1 },
		{ .state = LW_RUN_TIMEDOUT, .start = now + 50, .end = -1 },
	};
	char b[128];

	(void)st;
	assert_int_equal(lw_tui_run_strip(b, sizeof b, r, 8, now, 24 * H, 24),
			 6);
	/* cell 0: [now-24h, now-23h) holds the cancelled run's end; cell
	 * 15 the failure that beat a success; 19 the running one; 23 the
	 * last hour: a success and the time-out from a clock ahead */
	assert_string_equal(b, "C..............F...R...T");
	assert_int_equal(lw_tui_run_strip(b, sizeof b, r, 1, now, 24 * H, 24),
			 1);
	assert_string_equal(b, ".......................S");
	/* nothing: every cell '.' */
	assert_int_equal(lw_tui_run_strip(b, sizeof b, NULL, 0, now, 24 * H,
					  6), 0);
	assert_string_equal(b, "......");
	/* the buffer bounds the cells, never overflows */
	assert_int_equal(lw_tui_run_strip(b, 5, r, 1, now, 24 * H, 24), 1);
	assert_string_equal(b, "...S");
	assert_int_equal(lw_tui_run_strip(b, sizeof b, r, 1, now, 24 * H, 0),
			 0);
	assert_string_equal(b, "");
	/* letters distinguish every state without colour */
	const char *want = "?QRSFTCK";
	for (int s = 0; s < LW_NRUN_STATES; s++)
		assert_int_equal(lw_tui_run_letter(s), want[s]);
	assert_int_equal(lw_tui_run_letter(99), '?');
}

/* A run dataset's "why" names its pipeline, the newest failed or timed-out
 * run's age, the failing activity and the error; without such a run it is
 * lw_tui_why's. */
static void test_run_why(void **st)
{
	struct lw_dataset ds = { .name = "adf.load_sales" };
	struct lw_run_fact runs[] = {
		{ .run_id = "r3", .state = LW_RUN_IN_PROGRESS, .start = 9000,
		  .end = -1 },
		{ .run_id = "r2", .state = LW_RUN_FAILED, .start = 100,
		  .end = 400, .failing = "Copy orders",
		  .message = "ErrorCode=UserErrorFileNotFound" },
	};
	struct lw_ds_run dr = { .ds = &ds, .status = LW_FAIL };
	struct lw_result res = { .check = "runs", .status = LW_FAIL,
				 .message = "last run failed" };
	char b[200];

	(void)st;
	dr.obs.runs.present = true;
	dr.obs.runs.pipeline = "pl_load_sales";
	dr.obs.runs.runs = runs;
	dr.obs.runs.n = 2;
	lw_tui_run_why(b, sizeof b, &dr, &res, 400 + 9 * 3600);
	assert_string_equal(b, "pl_load_sales failed 9h ago: Copy orders: "
			    "ErrorCode=UserErrorFileNotFound");
	runs[1].state = LW_RUN_TIMEDOUT;
	runs[1].failing = NULL;
	runs[1].message = NULL;
	runs[1].end = -1;
	lw_tui_run_why(b, sizeof b, &dr, &res, 100 + 120);
	assert_string_equal(b, "pl_load_sales timed out 2m ago: no message");
	runs[1].state = LW_RUN_SUCCEEDED;	/* ended well: the check's */
	lw_tui_run_why(b, sizeof b, &dr, &res, 9100);
	assert_string_equal(b, "adf.load_sales runs: last run failed");
	runs[1].state = LW_RUN_FAILED;
	runs[0].state = LW_RUN_CANCELLED;	/* a failure behind it: too */
	lw_tui_run_why(b, sizeof b, &dr, &res, 9100);
	assert_string_equal(b, "adf.load_sales runs: last run failed");
	runs[0].state = LW_RUN_IN_PROGRESS;
	dr.obs.runs.n = 1;	/* no failed run: the check's words */
	lw_tui_run_why(b, sizeof b, &dr, &res, 9100);
	assert_string_equal(b, "adf.load_sales runs: last run failed");
	dr.obs.runs.n = 2;
	dr.status = LW_PASS;
	lw_tui_run_why(b, sizeof b, &dr, &res, 9100);
	assert_string_equal(b, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test(test_wrap_part),
		cmocka_unit_test(test_spark),
		cmocka_unit_test(test_spark_band),
		cmocka_unit_test(test_spark_bands),
		cmocka_unit_test(test_cell),
		cmocka_unit_test(test_why),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_scroll),
		cmocka_unit_test(test_change),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_row_fill),
		cmocka_unit_test(test_part_gaps),
		cmocka_unit_test(test_schema_diff),
		cmocka_unit_test(test_run_strip),
		cmocka_unit_test(test_run_why),
	};
	/* wcwidth needs a UTF-8 locale; C.UTF-8 is always there on glibc. */
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
