/* bands.c - the anomaly rule's expected range at each observation it
 * judged, kept beside the observation (table anomaly_bands, schema step
 * 9 -> 10), so the dashboard draws each past point against the band the
 * rule had for it then: Tuesday 09:00's band, not today's.
 *
 * Written in the run's recording transaction (store.c record_fn), pruned
 * with the run (store.c prune_fn), read for the detail's series
 * (query.c lw_history_series).
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include "lakewatch/util.h"
#include "history_int.h"

/* The range of x, when it has one of a metric the history knows and it
 * is finite: *m its metric. */
static bool has_band(const struct lw_result *x, enum lw_metric *m)
{
	return x->has_range && x->range_metric &&
		lw_metric_parse(x->range_metric, m) == LW_OK &&
		isfinite(x->range_lo) && isfinite(x->range_hi);
}

/* See history_int.h. One statement for all of res: it is prepared only
 * when a result has a band, and reset between rows (every recorded
 * dataset comes through here). */
int lw_hist_put_bands(struct lw_history *h, int64_t run, const char *dataset,
		      const struct lw_result *res, size_t n,
		      struct lw_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = LW_OK;
	for (size_t i = 0; i < n && rc == LW_OK; i++) {
		const struct lw_result *x = &res[i];
		enum lw_metric m;

		if (!has_band(x, &m))
			continue;
		/* OR REPLACE: a dataset judged twice in one run (two rules
		 * on one metric) keeps the last range */
		if (!st && (rc = lw_hist_prep(h, "INSERT OR REPLACE INTO "
				"anomaly_bands(dataset, run, metric, lo, hi, "
				"v) VALUES (?,?,?,?,?,?)", &st, err)) != LW_OK)
			return rc;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, run);
		sqlite3_bind_text(st, 3, lw_metric_name(m), -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 4, x->range_lo);
		sqlite3_bind_double(st, 5, x->range_hi);
		if (x->has_value && isfinite(x->value))
			sqlite3_bind_double(st, 6, x->value);
		else
			sqlite3_bind_null(st, 6);
		int src = sqlite3_step(st);
		if (src != SQLITE_DONE)
			rc = lw_hist_dberr(h, src, "writing", err);
	}
	sqlite3_finalize(st);
	return rc;
}

static int cmp_run(const void *a, const void *b)
{
	const struct lw_hpoint *x = a, *y = b;
	return x->run_id < y->run_id ? -1 : x->run_id > y->run_id;
}

/* The point of p[0..n) (sorted by run) whose run is run, or NULL. */
static struct lw_hpoint *point_of(struct lw_hpoint *p, size_t n, int64_t run)
{
	struct lw_hpoint key = {.run_id = run};
	return bsearch(&key, p, n, sizeof *p, cmp_run);
}

/* See history_int.h. One range scan of the primary key from the oldest
 * point's run: the detail's points are the dataset's recent runs. */
int lw_hist_read_bands(struct lw_history *h, const char *dataset,
		       struct lw_hpoint *p, size_t n, struct lw_err *err)
{
	sqlite3_stmt *st;
	int64_t first = INT64_MAX;
	int rc;

	assert(!n || p);
	for (size_t i = 0; i < n; i++) {
		p[i].band_mask = 0;
		for (int m = 0; m < LW_NMETRICS; m++)
			p[i].band_v[m] = NAN;
		if (p[i].run_id < first)
			first = p[i].run_id;
	}
	if (!n)
		return LW_OK;
	rc = lw_hist_prep(h, "SELECT run, metric, lo, hi, v FROM anomaly_bands "
			  "WHERE dataset = ?1 AND run >= ?2 ORDER BY run", &st,
			  err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, first);
	/* the caller's order (oldest first) is by time; look up by run */
	struct lw_hpoint *byrun = lw_xmalloc(n * sizeof *byrun);
	for (size_t i = 0; i < n; i++)
		byrun[i] = p[i];
	qsort(byrun, n, sizeof *byrun, cmp_run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		enum lw_metric m;
		const char *name = (const char *)sqlite3_column_text(st, 1);
		struct lw_hpoint *q = point_of(byrun, n,
					       sqlite3_column_int64(st, 0));
		if (!q || !name || lw_metric_parse(name, &m) != LW_OK)
			continue;	/* a later lakewatch's metric: skip */
		q->band_mask |= 1u << m;
		q->band_lo[m] = sqlite3_column_double(st, 2);
		q->band_hi[m] = sqlite3_column_double(st, 3);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			q->band_v[m] = sqlite3_column_double(st, 4);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {	/* back into the caller's order */
		for (size_t i = 0; i < n; i++)
			p[i] = *point_of(byrun, n, p[i].run_id);
	}
	free(byrun);
	if (rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "reading", err);
	return LW_OK;
}
