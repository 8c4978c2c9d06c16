/* series.c - a metric's past for the anomaly rule, from the stored
 * observations (the covering index obs_metric: dataset, time, values),
 * with each point's verdict from the same run's "anomaly" result
 * (results_verdict) and the accepts in force (accepts).
 *
 * The judge stage reads through lw_history_metric_series_kept: the window
 * up to the last poll comes from one kept row (series_snap.c), only the
 * observations since then from the index, so a poll's cost does not grow
 * with the window.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/anomaly.h"
#include "lakewatch/util.h"
#include "history_int.h"

/* Column 1 per metric; load is computed from rows. ORDER BY at alone lets
 * the covering index obs_metric serve the query without a sort (ties come
 * in run order, the index's next key among ok rows). */
static const char *const metric_sql[LW_NMETRICS] = {
	"o.rows", "o.rows", "o.bytes", "o.files",
	"json_array_length(o.obs, '$.schema')", "o.newest"
};

/* The statement for metric m; the handle owns it. ?2 and ?4 say
 * where to start: at ?2 or later, and at ?2 itself only runs after ?4 (a
 * kept series continues after its last observation; -1 reads all). */
static int prepare(struct lw_history *h, enum lw_metric m, sqlite3_stmt **st,
		   struct lw_err *err)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT o.at, %s, o.run FROM observations o "
		 "WHERE o.dataset = ?1 AND o.at >= ?2 AND o.ok = 1 AND "
		 "(?3 = 0 OR o.run < ?3) AND (o.at > ?2 OR o.run > ?4) AND "
		 LW_HIST_NOT_ABORTED("o") " ORDER BY o.at", metric_sql[m]);
	return lw_hist_stmt(h, LW_ST_SERIES + (int)m, sql, st, err);
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
	int rc = lw_hist_stmt(h, LW_ST_FLAGS, "SELECT run FROM results WHERE "
			      "dataset = ?1 AND check_name = 'anomaly' AND "
			      "run >= ?2 AND status IN (1, 2)", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, lo);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)&bad, &cap, k, sizeof *bad);
		bad[k++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
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
	int rc = lw_hist_stmt(h, LW_ST_ACCEPTS, "SELECT at FROM accepts WHERE "
			      "dataset = ?1 AND undone IS NULL AND "
			      "(check_name IS NULL OR check_name = 'anomaly') "
			      "AND at >= ?2 ORDER BY id", &st, err);
	if (rc != LW_OK)
		return rc;
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
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "reading accepts", err);
	return LW_OK;
}

/* Where a read of the observations stopped: the last row's time and run,
 * and the last known count (the base of the next load). */
struct scan {
	int64_t at, run;
	double last;
	bool have_last;
};

/* Rows into points (load: differences of consecutive known counts),
 * continuing from *sc and leaving it where the rows end. *p and *runs are
 * the caller's. */
static int read_points(sqlite3_stmt *st, enum lw_metric m, struct scan *sc,
		       struct lw_point **p, int64_t **runs, size_t *n)
{
	size_t cap = 0, rcap = 0, k = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sc->at = sqlite3_column_int64(st, 0);
		sc->run = sqlite3_column_int64(st, 2);
		if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
			sc->have_last = false;	/* unknown: no load across it */
			continue;
		}
		double v = sqlite3_column_double(st, 1), prev = sc->last;
		bool prev_ok = sc->have_last;
		sc->last = v;
		sc->have_last = true;
		if (m == LW_M_LOAD) {
			if (!prev_ok)
				continue;
			v -= prev;
		}
		lw_xgrow((void **)p, &cap, k, sizeof **p);
		lw_xgrow((void **)runs, &rcap, k, sizeof **runs);
		(*p)[k] = (struct lw_point){sc->at, v, 0};
		(*runs)[k] = sc->run;
		k++;
	}
	*n = k;
	return rc;
}

/* The observations from *sc on (at sc->at or later, at sc->at itself only
 * after run sc->run) as flagged points; *sc moves to where they end. *out
 * is the caller's (free()). */
static int read_from(struct lw_history *h, const char *dataset,
		     enum lw_metric m, int64_t before_run, struct scan *sc,
		     struct lw_point **out, size_t *n, struct lw_err *err)
{
	struct lw_point *p = NULL;
	int64_t *runs = NULL;
	sqlite3_stmt *st;
	size_t k = 0;
	*out = NULL;
	*n = 0;
	int rc = prepare(h, m, &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, sc->at);
	sqlite3_bind_int64(st, 3, before_run);
	sqlite3_bind_int64(st, 4, sc->run);
	rc = read_points(st, m, sc, &p, &runs, &k);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		rc = lw_hist_dberr(h, rc, "reading a series", err);
	else
		rc = k ? flag_points(h, dataset, p, runs, k, err) : LW_OK;
	free(runs);
	if (rc != LW_OK) {
		free(p);
		return rc;
	}
	*out = p;
	*n = k;
	return LW_OK;
}

/* *out is the caller's (free()). */
int lw_history_metric_series(struct lw_history *h, const char *dataset,
			     enum lw_metric m, int64_t since,
			     int64_t before_run, struct lw_point **out,
			     size_t *n, struct lw_err *err)
{
	struct scan sc = {since, -1, 0, false};
	assert((unsigned)m < LW_NMETRICS);
	int rc = read_from(h, dataset, m, before_run, &sc, out, n, err);
	if (rc == LW_OK && *n)
		rc = accept_points(h, dataset, *out, *n, err);
	if (rc != LW_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Hours (0..11) by which dataset's kept row is rewritten before a day is
 * up: datasets created together do not all rewrite at the same poll. */
static int64_t stagger(const char *dataset)
{
	uint32_t x = 2166136261u;	/* FNV-1a */
	for (const unsigned char *c = (const unsigned char *)dataset; *c; c++)
		x = (x ^ *c) * 16777619u;
	return (int64_t)(x % 12) * 3600;
}

/* Rewrite the kept row from p[0..n) and sc, with a fresh pick of the
 * seasonality. A cache: when it cannot be written the poll goes on. */
static int keep(struct lw_history *h, const char *dataset, enum lw_metric m,
		int64_t since, const struct scan *sc, struct lw_point *p,
		size_t n)
{
	struct lw_err err;
	int season = 0;
	if (h->readonly || n > LW_HIST_SNAP_MAX)
		return 0;	/* nothing kept: the rule picks itself */
	if (m != LW_M_ARRIVAL && n) {
		int64_t t = p[n - 1].t + 1;
		season = 1 + (int)lw_anomaly_pick_season(p, n, t, t - since);
	}
	struct lw_hist_snap sn = {true, since, sc->at, sc->run,
		n ? p[n - 1].t : since, sc->last, sc->have_last, season, p, n};
	(void)lw_hist_snap_store(h, dataset, (int)m, &sn, &err);
	return season;
}

/* See history.h. */
int lw_history_metric_series_kept(struct lw_history *h, const char *dataset,
				  enum lw_metric m, int64_t since,
				  int64_t before_run, struct lw_point **out,
				  size_t *n, int *season, struct lw_err *err)
{
	struct lw_hist_snap sn;
	struct lw_point *tp;
	size_t tk;
	assert((unsigned)m < LW_NMETRICS);
	*out = NULL;
	*n = 0;
	*season = 0;
	int rc = lw_hist_snap_load(h, dataset, (int)m, &sn, err);
	if (rc != LW_OK)
		return rc;
	bool use = sn.have && sn.since <= since &&
		   (before_run == 0 || sn.last_run < before_run);
	struct scan sc = {since, -1, 0, false};
	if (use)
		sc = (struct scan){sn.last_at, sn.last_run, sn.last_v,
				   sn.have_last};
	else
		sn.n = 0;
	rc = read_from(h, dataset, m, before_run, &sc, &tp, &tk, err);
	if (rc != LW_OK) {
		lw_hist_snap_free(&sn);
		return rc;
	}
	size_t lo = 0;	/* the kept points still in the window, then new */
	while (lo < sn.n && sn.p[lo].t < since)
		lo++;
	size_t k = sn.n - lo + tk;
	struct lw_point *p = lw_xmalloc((k + 1) * sizeof *p);
	if (sn.n > lo)
		memcpy(p, sn.p + lo, (sn.n - lo) * sizeof *p);
	if (tk)
		memcpy(p + sn.n - lo, tp, tk * sizeof *p);
	free(tp);
	bool stale = !use || tk >= 48 || (k && p[k - 1].t - sn.picked >=
					  86400 - stagger(dataset));
	*season = stale ? keep(h, dataset, m, since, &sc, p, k) : sn.season;
	lw_hist_snap_free(&sn);
	rc = k ? accept_points(h, dataset, p, k, err) : LW_OK;
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
	int season = 0;
	if (lw_history_metric_series_kept(c->h, dataset, m, since,
					  c->before_run, &c->pts[m], &n,
					  &season, &err) != LW_OK) {
		snprintf(c->error[m], sizeof c->error[m], "history: %s",
			 err.msg);
		c->s[m].error = c->error[m];
	}
	c->s[m].pts = c->pts[m];
	c->s[m].n = n;
	c->s[m].source = "history";
	c->s[m].season = season;
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
