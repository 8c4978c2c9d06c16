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

/* See history_int.h. */
const char *lw_hist_metric_sql(int m)
{
	assert(m >= 0 && m < LW_NMETRICS);
	return metric_sql[m];
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Flag the points whose run is in bad[0..k) (ascending). run[i] is point
 * i's run. */
static void mark_bad(struct lw_point *p, const int64_t *run, size_t n,
		     const int64_t *bad, size_t k)
{
	for (size_t i = 0; i < n && k; i++)
		if (bsearch(&run[i], bad, k, sizeof *bad, cmp_i64))
			p[i].flags |= LW_PT_ANOMALOUS;
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
	mark_bad(p, run, n, bad, k);
	free(bad);
	return LW_OK;
}

/* Accepts in force for dataset's anomaly rule (`lakewatch accept DATASET
 * [anomaly]`, not undone) make the level they accepted the new normal: the
 * run of anomalous points just before each accept (the step it accepted)
 * loses its flag and its first point is marked LW_PT_ACCEPTED, so the
 * detector rebases older points onto the new level at once
 * (anomaly_model.c, rebase). An accept with no flagged point before it
 * marks the last point at or before it: that level is normal. One accept
 * at time `at`, n > 0. */
static void accept_one(struct lw_point *p, size_t n, int64_t at)
{
	size_t i = n;
	if (at < p[0].t)
		return;		/* older than the series */
	while (i > 0 && p[i - 1].t > at)
		i--;
	if (i == 0)
		return;		/* accepted before the first point */
	size_t j = i;	/* the flagged run ending at point i - 1 */
	while (j > 0 && (p[j - 1].flags & LW_PT_ANOMALOUS))
		p[--j].flags &= ~LW_PT_ANOMALOUS;
	p[j < i ? j : i - 1].flags |= LW_PT_ACCEPTED;
}

/* The accepts of dataset, in id order, onto p[0..n), n > 0. */
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
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		accept_one(p, n, sqlite3_column_int64(st, 0));
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

/* One observation (value v, or none) into *pt, continuing from *sc
 * (load: the difference from the last known count); false when it gives
 * no point. */
static bool scan_one(struct scan *sc, enum lw_metric m, int64_t at,
		     int64_t run, bool null, double v, struct lw_point *pt)
{
	sc->at = at;
	sc->run = run;
	if (null) {
		sc->have_last = false;	/* unknown: no load across it */
		return false;
	}
	double prev = sc->last;
	bool prev_ok = sc->have_last;
	sc->last = v;
	sc->have_last = true;
	if (m == LW_M_LOAD) {
		if (!prev_ok)
			return false;
		v -= prev;
	}
	*pt = (struct lw_point){at, v, 0};
	return true;
}

/* Rows into points, continuing from *sc and leaving it where the rows
 * end. *p and *runs are the caller's. */
static int read_points(sqlite3_stmt *st, enum lw_metric m, struct scan *sc,
		       struct lw_point **p, int64_t **runs, size_t *n)
{
	size_t cap = 0, rcap = 0, k = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lw_point pt;
		int64_t run = sqlite3_column_int64(st, 2);
		if (!scan_one(sc, m, sqlite3_column_int64(st, 0), run,
			      sqlite3_column_type(st, 1) == SQLITE_NULL,
			      sqlite3_column_double(st, 1), &pt))
			continue;
		lw_xgrow((void **)p, &cap, k, sizeof **p);
		lw_xgrow((void **)runs, &rcap, k, sizeof **runs);
		(*p)[k] = pt;
		(*runs)[k] = run;
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

/* The hour (0..23) at which dataset's kept row is rewritten each day:
 * datasets created together do not all rewrite at the same poll, and each
 * rewrites once a day (a 1,000-dataset history: about 42 rows a poll). */
static int64_t stagger(const char *dataset)
{
	uint32_t x = 2166136261u;	/* FNV-1a */
	for (const unsigned char *c = (const unsigned char *)dataset; *c; c++)
		x = (x ^ *c) * 16777619u;
	return (int64_t)(x % 24) * 3600;
}

/* Whether a kept row picked at `picked` is a day old at t: t has passed
 * the dataset's hour of the day since (at most 24 hours, never a day's
 * polls of two picks). */
static int64_t day_of(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

static bool day_old(const char *dataset, int64_t picked, int64_t t)
{
	int64_t off = stagger(dataset);
	return day_of(t - off) != day_of(picked - off);
}

/* Rewrite the kept row from p[0..n) and sc, with a fresh pick of the
 * seasonality, and hold it in the handle's memory. A cache: when it cannot
 * be written the poll goes on. */
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
	if (lw_hist_snap_store(h, dataset, (int)m, &sn, &err) == LW_OK)
		lw_hist_snapmem_put(h, dataset, (int)m, &sn);
	return season;
}

/* The window: kept row sn's points from `since` on (when use) and the new
 * points tp[0..tk) after them, which *sc ends; the kept row rewritten when
 * stale; the accepts applied (part's, or read when part is NULL). Frees
 * tp; sn is not read after the row is rewritten (it may be the handle's
 * memory of it). *out is the caller's. */
static int finish(struct lw_history *h, const char *dataset,
		  enum lw_metric m, int64_t since,
		  const struct lw_hist_snap *sn, bool use,
		  const struct scan *sc, struct lw_point *tp, size_t tk,
		  const struct lw_hist_batch_part *part,
		  const struct lw_series_cache *cal, struct lw_point **out,
		  size_t *n, int *season, struct lw_err *err)
{
	size_t sn_n = use ? sn->n : 0, lo = 0;
	while (lo < sn_n && sn->p[lo].t < since)
		lo++;
	size_t k = sn_n - lo + tk;
	struct lw_point *p = lw_xmalloc((k + 1) * sizeof *p);
	if (sn_n > lo)
		memcpy(p, sn->p + lo, (sn_n - lo) * sizeof *p);
	if (tk)
		memcpy(p + sn_n - lo, tp, tk * sizeof *p);
	free(tp);
	/* the dataset's holidays: the season is picked without them, as
	 * the rule learns without them (never kept in the row) */
	if (cal && m != LW_M_ARRIVAL)
		lw_anomaly_mark_holidays(p, k, cal->tz, cal->holidays);
	bool stale = !use || tk >= 48 ||
		     (k && day_old(dataset, sn->picked, p[k - 1].t));
	*season = stale ? keep(h, dataset, m, since, sc, p, k) : sn->season;
	int rc = LW_OK;
	if (k && part)
		for (size_t i = 0; i < part->nacc; i++)
			accept_one(p, k, part->acc[i]);
	else if (k)
		rc = accept_points(h, dataset, p, k, err);
	if (rc != LW_OK) {
		free(p);
		return rc;
	}
	*out = p;
	*n = k;
	return LW_OK;
}

/* lw_history_metric_series_kept with the calendar of cal (NULL: none). */
static int kept_read(struct lw_history *h, const char *dataset,
		     enum lw_metric m, int64_t since, int64_t before_run,
		     const struct lw_series_cache *cal, struct lw_point **out,
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
	if (sn.have)	/* the next poll's batch finds it in memory */
		lw_hist_snapmem_put(h, dataset, (int)m, &sn);
	bool use = sn.have && sn.since <= since &&
		   (before_run == 0 || sn.last_run < before_run);
	struct scan sc = {since, -1, 0, false};
	if (use)
		sc = (struct scan){sn.last_at, sn.last_run, sn.last_v,
				   sn.have_last};
	rc = read_from(h, dataset, m, before_run, &sc, &tp, &tk, err);
	if (rc == LW_OK)
		rc = finish(h, dataset, m, since, &sn, use, &sc, tp, tk, NULL,
			    cal, out, n, season, err);
	lw_hist_snap_free(&sn);
	return rc;
}

/* See history.h. */
int lw_history_metric_series_kept(struct lw_history *h, const char *dataset,
				  enum lw_metric m, int64_t since,
				  int64_t before_run, struct lw_point **out,
				  size_t *n, int *season, struct lw_err *err)
{
	return kept_read(h, dataset, m, since, before_run, NULL, out, n,
			 season, err);
}

/* The same from the poll's batch: the kept row from the handle's memory
 * when it is still the row in the database (else read), the observations
 * after it, their verdicts and the accepts from part. *served false (and
 * nothing read) when the batch cannot give exactly what
 * lw_history_metric_series_kept would: then the caller asks it. */
static int kept_batch(struct lw_history *h, const char *dataset,
		      enum lw_metric m, int64_t since, int64_t before_run,
		      const struct lw_hist_batch_part *part,
		      const struct lw_series_cache *cal,
		      struct lw_point **out, size_t *n, int *season,
		      bool *served, struct lw_err *err)
{
	const struct lw_hist_snap *sn = lw_hist_snapmem_get(h, dataset, m);
	struct lw_hist_snap loaded = {0};
	*served = false;
	if (!sn || !lw_hist_snap_same(sn, part->meta)) {
		int rc = lw_hist_snap_load(h, dataset, (int)m, &loaded, err);
		if (rc != LW_OK)
			return rc;
		if (!lw_hist_snap_same(&loaded, part->meta)) {
			lw_hist_snap_free(&loaded);
			return LW_OK;	/* rewritten meanwhile */
		}
		lw_hist_snapmem_put(h, dataset, (int)m, &loaded);
		sn = &loaded;
	}
	if (sn->since > since || (before_run && sn->last_run >= before_run)) {
		lw_hist_snap_free(&loaded);
		return LW_OK;	/* the window is wider: read it whole */
	}
	struct scan sc = {sn->last_at, sn->last_run, sn->last_v,
			  sn->have_last};
	struct lw_point *tp = lw_xmalloc((part->nobs + 1) * sizeof *tp);
	int64_t *runs = lw_xmalloc((part->nobs + 1) * sizeof *runs);
	size_t tk = 0;
	for (size_t i = 0; i < part->nobs; i++) {
		const struct lw_hist_raw *r = &part->obs[i];
		if (scan_one(&sc, m, r->at, r->run, r->null, r->v, &tp[tk]))
			runs[tk++] = r->run;
	}
	mark_bad(tp, runs, tk, part->bad, part->nbad);
	free(runs);
	*served = true;
	int rc = finish(h, dataset, m, since, sn, true, &sc, tp, tk, part,
			cal, out, n, season, err);
	lw_hist_snap_free(&loaded);
	return rc;
}

void lw_series_cache_init(struct lw_series_cache *c, struct lw_history *h,
			  int64_t before_run)
{
	memset(c, 0, sizeof *c);
	c->h = h;
	c->before_run = before_run;
}

/* The kept series of dataset's metric m, from the poll's batch when it
 * serves (built at the first read of m), else read alone. */
static int cache_read(struct lw_series_cache *c, const char *dataset,
		      enum lw_metric m, int64_t since, int *season,
		      struct lw_err *err)
{
	struct lw_hist_batch_part part;
	size_t n = 0;
	bool served = false;
	int rc = LW_OK;
	if (!c->batch_tried[m]) {
		c->batch_tried[m] = true;
		c->batch[m] = lw_hist_batch_build(c->h, (int)m, c->before_run);
	}
	if (lw_hist_batch_part(c->batch[m], dataset, &part))
		rc = kept_batch(c->h, dataset, m, since, c->before_run, &part,
				c, &c->pts[m], &n, season, &served, err);
	if (rc == LW_OK && !served)
		rc = kept_read(c->h, dataset, m, since, c->before_run, c,
			       &c->pts[m], &n, season, err);
	c->s[m].n = rc == LW_OK ? n : 0;
	return rc;
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
	memset(&c->s[m], 0, sizeof c->s[m]);
	int season = 0;
	if (cache_read(c, dataset, m, since, &season, &err) != LW_OK) {
		snprintf(c->error[m], sizeof c->error[m], "history: %s",
			 err.msg);
		c->s[m].error = c->error[m];
	}
	c->s[m].pts = c->pts[m];
	c->s[m].source = "history";
	c->s[m].season = season;
	c->since[m] = since;
	c->have[m] = true;
	return &c->s[m];
}

/* One dataset's series gone; the poll's batches stay. */
void lw_series_cache_clear(struct lw_series_cache *c)
{
	for (int m = 0; m < LW_NMETRICS; m++) {
		free(c->pts[m]);
		c->pts[m] = NULL;
		c->have[m] = false;
		memset(&c->s[m], 0, sizeof c->s[m]);
	}
}

void lw_series_cache_done(struct lw_series_cache *c)
{
	lw_series_cache_clear(c);
	for (int m = 0; m < LW_NMETRICS; m++) {
		lw_hist_batch_free(c->batch[m]);
		c->batch[m] = NULL;
		c->batch_tried[m] = false;
	}
}
