/* series.c - a metric's past for the anomaly rule, from the stored
 * observations (the covering index obs_metric: dataset, time, values),
 * with each point's verdict from the same run's "anomaly" result
 * (results_verdict).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/util.h"
#include "history_int.h"

/* Column 1 per metric; load is computed from rows. ORDER BY at alone lets
 * the covering index obs_metric serve the query without a sort (ties come
 * in run order, the index's next key among ok rows). */
static const char *const metric_sql[LW_NMETRICS] = {
	"o.rows", "o.rows", "o.bytes", "o.files",
	"json_array_length(o.obs, '$.schema')", "o.newest"
};

/* The statement for metric m; the caller finalizes it. */
static int prepare(struct lw_history *h, enum lw_metric m, sqlite3_stmt **st,
		   struct lw_err *err)
{
	char sql[400];
	snprintf(sql, sizeof sql, "SELECT o.at, %s, o.run FROM observations o "
		 "WHERE o.dataset = ?1 AND o.at >= ?2 AND o.ok = 1 AND "
		 "(?3 = 0 OR o.run < ?3) ORDER BY o.at", metric_sql[m]);
	int rc = sqlite3_prepare_v2(h->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "reading a series", err);
	return LW_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Flag the points whose run's "anomaly" result was WARN or FAIL. The
 * flagged runs are few: read them once (an index-only range scan of
 * results_verdict) rather than look each point's run up. run[i] is point
 * i's run. */
static int flag_points(struct lw_history *h, const char *dataset,
		       struct lw_point *p, const int64_t *run, size_t n,
		       struct lw_err *err)
{
	sqlite3_stmt *st;
	int64_t *bad = NULL, lo = INT64_MAX;
	size_t cap = 0, k = 0;
	for (size_t i = 0; i < n; i++)
		lo = run[i] < lo ? run[i] : lo;
	int rc = sqlite3_prepare_v2(h->db, "SELECT run FROM results WHERE "
				    "dataset = ?1 AND check_name = 'anomaly' "
				    "AND run >= ?2 AND status IN (1, 2)", -1,
				    &st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "reading a series", err);
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, lo);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)&bad, &cap, k, sizeof *bad);
		bad[k++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(bad);
		return lw_hist_dberr(h, rc, "reading a series", err);
	}
	lw_sort(bad, k, sizeof *bad, cmp_i64);
	for (size_t i = 0; i < n && k; i++)
		if (bsearch(&run[i], bad, k, sizeof *bad, cmp_i64))
			p[i].flags |= LW_PT_ANOMALOUS;
	free(bad);
	return LW_OK;
}

/* Accepts in force for dataset's anomaly rule (`lakewatch accept DATASET
 * [anomaly]`, not undone) make the level they accepted the new normal: the
 * run of anomalous points just before each accept (the step it accepted)
 * loses its flag and its first point is marked LW_PT_ACCEPTED, so the
 * detector rebases older points onto the new level at once
 * (anomaly_model.c, rebase). An accept with no flagged point before it
 * marks the last point at or before it: that level is normal. */
static int accept_points(struct lw_history *h, const char *dataset,
			 struct lw_point *p, size_t n, struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h->db, "SELECT at FROM accepts WHERE "
				    "dataset = ?1 AND undone IS NULL AND "
				    "(check_name IS NULL OR check_name = "
				    "'anomaly') AND at >= ?2 ORDER BY id", -1,
				    &st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "reading accepts", err);
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, p[0].t);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t at = sqlite3_column_int64(st, 0);
		size_t i = n;
		while (i > 0 && p[i - 1].t > at)
			i--;
		if (i == 0)
			continue;	/* accepted before the first point */
		size_t j = i;	/* the flagged run ending at point i - 1 */
		while (j > 0 && (p[j - 1].flags & LW_PT_ANOMALOUS))
			p[--j].flags &= ~LW_PT_ANOMALOUS;
		p[j < i ? j : i - 1].flags |= LW_PT_ACCEPTED;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "reading accepts", err);
	return LW_OK;
}

/* Rows into points (load: differences of consecutive known counts). *p
 * and *runs are the caller's. */
static int read_points(sqlite3_stmt *st, enum lw_metric m,
		       struct lw_point **p, int64_t **runs, size_t *n)
{
	size_t cap = 0, rcap = 0, k = 0;
	double last = 0;
	bool have_last = false;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
			have_last = false;	/* unknown: no load across it */
			continue;
		}
		double v = sqlite3_column_double(st, 1), prev = last;
		bool prev_ok = have_last;
		last = v;
		have_last = true;
		if (m == LW_M_LOAD) {
			if (!prev_ok)
				continue;
			v -= prev;
		}
		lw_xgrow((void **)p, &cap, k, sizeof **p);
		lw_xgrow((void **)runs, &rcap, k, sizeof **runs);
		(*p)[k] = (struct lw_point){sqlite3_column_int64(st, 0), v, 0};
		(*runs)[k] = sqlite3_column_int64(st, 2);
		k++;
	}
	*n = k;
	return rc;
}

/* *out is the caller's (free()). */
int lw_history_metric_series(struct lw_history *h, const char *dataset,
			     enum lw_metric m, int64_t since,
			     int64_t before_run, struct lw_point **out,
			     size_t *n, struct lw_err *err)
{
	struct lw_point *p = NULL;
	int64_t *runs = NULL;
	sqlite3_stmt *st;
	size_t k = 0;

	assert((unsigned)m < LW_NMETRICS);
	*out = NULL;
	*n = 0;
	int rc = prepare(h, m, &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, before_run);
	rc = read_points(st, m, &p, &runs, &k);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		rc = lw_hist_dberr(h, rc, "reading a series", err);
	else
		rc = k ? flag_points(h, dataset, p, runs, k, err) : LW_OK;
	if (rc == LW_OK && k)
		rc = accept_points(h, dataset, p, k, err);
	free(runs);
	if (rc != LW_OK) {
		free(p);
		return rc;
	}
	*out = p;
	*n = k;
	return LW_OK;
}

void lw_series_cache_init(struct lw_series_cache *c, struct lw_history *h,
			  int64_t before_run)
{
	memset(c, 0, sizeof *c);
	c->h = h;
	c->before_run = before_run;
}

/* Borrowed from the cache. */
const struct lw_series *lw_series_cache_get(void *ud, const char *dataset,
					    enum lw_metric m, int64_t since)
{
	struct lw_series_cache *c = ud;
	if (!c || !c->h || (unsigned)m >= LW_NMETRICS)
		return NULL;
	if (c->have[m] && c->since[m] <= since)
		return &c->s[m];
	free(c->pts[m]);
	c->pts[m] = NULL;
	struct lw_err err;
	size_t n = 0;
	memset(&c->s[m], 0, sizeof c->s[m]);
	if (lw_history_metric_series(c->h, dataset, m, since, c->before_run,
				     &c->pts[m], &n, &err) != LW_OK) {
		snprintf(c->error[m], sizeof c->error[m], "history: %s",
			 err.msg);
		c->s[m].error = c->error[m];
	}
	c->s[m].pts = c->pts[m];
	c->s[m].n = n;
	c->s[m].source = "history";
	c->since[m] = since;
	c->have[m] = true;
	return &c->s[m];
}

void lw_series_cache_clear(struct lw_series_cache *c)
{
	for (int m = 0; m < LW_NMETRICS; m++)
		free(c->pts[m]);
	lw_series_cache_init(c, c->h, c->before_run);
}
