/* series.c - a metric's past for the anomaly rule, from the stored
 * observations (indexed by dataset and time: obs_series), with each
 * point's verdict from the same run's "anomaly" result (results_ds).
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
	char sql[640];
	snprintf(sql, sizeof sql, "SELECT o.at, %s, (SELECT max(r.status) "
		 "FROM results r WHERE r.dataset = o.dataset AND "
		 "r.check_name = 'anomaly' AND r.run = o.run) FROM "
		 "observations o WHERE o.dataset = ?1 AND o.at >= ?2 AND "
		 "o.ok = 1 AND (?3 = 0 OR o.run < ?3) ORDER BY o.at",
		 metric_sql[m]);
	int rc = sqlite3_prepare_v2(h->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "reading a series", err);
	return LW_OK;
}

/* *out is the caller's (free()). */
int lw_history_metric_series(struct lw_history *h, const char *dataset,
			     enum lw_metric m, int64_t since,
			     int64_t before_run, struct lw_point **out,
			     size_t *n, struct lw_err *err)
{
	struct lw_point *p = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	double last = -1;
	bool have_last = false;

	assert((unsigned)m < LW_NMETRICS);
	*out = NULL;
	*n = 0;
	int rc = prepare(h, m, &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, before_run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
			have_last = false;	/* unknown: no load across it */
			continue;
		}
		double v = sqlite3_column_double(st, 1);
		bool prev_ok = have_last;
		double prev = last;
		last = v;
		have_last = true;
		if (m == LW_M_LOAD) {
			if (!prev_ok)
				continue;
			v -= prev;
		}
		lw_xgrow((void **)&p, &cap, k, sizeof *p);
		p[k].t = sqlite3_column_int64(st, 0);
		p[k].v = v;
		p[k].flags = sqlite3_column_type(st, 2) != SQLITE_NULL &&
			     sqlite3_column_int(st, 2) >= LW_WARN ?
			     LW_PT_ANOMALOUS : 0;
		k++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(p);
		return lw_hist_dberr(h, rc, "reading a series", err);
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
