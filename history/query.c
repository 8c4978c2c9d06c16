/* query.c - reading the history back: the previous observation (for change
 * and drift checks), series and events (for the dashboard), runs.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/util.h"
#include "history_int.h"

static int prep(struct lw_history *h, const char *sql, sqlite3_stmt **st,
		struct lw_err *err)
{
	assert(h && h->db && sql && st);
	int rc = sqlite3_prepare_v2(h->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "reading", err);
	return LW_OK;
}

static int64_t col_opt(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return -1;
	return sqlite3_column_int64(st, i);
}

static enum lw_status col_status(sqlite3_stmt *st, int i)
{
	int v = sqlite3_column_int(st, i);
	/* A value out of range can only come from a damaged or hand-edited
	 * file; say ERROR rather than index past a table. */
	return v >= LW_PASS && v <= LW_ERROR ? (enum lw_status)v : LW_ERROR;
}

/* sqlite wants an int64 LIMIT; size_t may not fit. */
static int64_t lim(size_t max)
{
	return max > (size_t)INT32_MAX ? INT32_MAX : (int64_t)max;
}

/* o is overwritten when *found; the caller frees it with lw_obs_free. */
int lw_history_prev_obs(struct lw_history *h, const char *dataset,
			int64_t before_run, struct lw_obs *o, bool *found,
			struct lw_err *err)
{
	sqlite3_stmt *st;
	struct lw_obs tmp;
	cJSON *j;
	int rc;

	*found = false;
	rc = prep(h, "SELECT obs FROM observations WHERE dataset = ?1 AND "
		  "ok = 1 AND obs IS NOT NULL AND (?2 = 0 OR run < ?2) AND "
		  LW_HIST_NOT_ABORTED("observations") " "
		  "ORDER BY run DESC, id DESC LIMIT 1", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, before_run);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return LW_OK;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return lw_hist_dberr(h, rc, "reading", err);
	}
	j = cJSON_ParseWithLength((const char *)sqlite3_column_text(st, 0),
				  (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	if (!j)
		return lw_err_set(err, LW_EPARSE, "%s: %s: stored observation "
				  "is not JSON", h->path, dataset);
	lw_obs_init(&tmp);
	rc = lw_obs_from_json(j, &tmp);
	cJSON_Delete(j);
	if (rc != LW_OK) {
		lw_obs_free(&tmp);
		return lw_err_set(err, LW_EPARSE, "%s: %s: stored observation "
				  "is not readable", h->path, dataset);
	}
	*o = tmp;
	*found = true;
	return LW_OK;
}

/* *out is the caller's (free()). */
int lw_history_series(struct lw_history *h, const char *dataset, size_t max,
		      struct lw_hpoint **out, size_t *n, struct lw_err *err)
{
	struct lw_hpoint *p = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	rc = prep(h, "SELECT at, rows, age, status, run, " LW_HIST_NOT_ABORTED(
		  "observations") ", bytes, files, "
		  "CASE WHEN json_valid(obs) THEN json_array_length(obs, "
		  "'$.schema') END FROM observations "
		  "WHERE dataset = ? ORDER BY at DESC, id DESC LIMIT ?", &st,
		  err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, lim(max));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)&p, &cap, k, sizeof *p);
		p[k].at = sqlite3_column_int64(st, 0);
		p[k].rows = col_opt(st, 1);
		p[k].age = col_opt(st, 2);
		p[k].status = col_status(st, 3);
		p[k].run_id = sqlite3_column_int64(st, 4);
		p[k].aborted = sqlite3_column_int(st, 5) == 0;
		p[k].bytes = col_opt(st, 6);
		p[k].files = col_opt(st, 7);
		p[k].columns = col_opt(st, 8);
		k++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(p);
		return lw_hist_dberr(h, rc, "reading", err);
	}
	/* Newest first came out of the index; the dashboard wants oldest
	 * first, left to right. */
	for (size_t i = 0; i < k / 2; i++) {
		struct lw_hpoint t = p[i];
		p[i] = p[k - 1 - i];
		p[k - 1 - i] = t;
	}
	rc = lw_hist_read_bands(h, dataset, p, k, err);
	if (rc != LW_OK) {
		free(p);
		return rc;
	}
	*out = p;
	*n = k;
	return LW_OK;
}

/* *out is the caller's (lw_hevents_free). */
int lw_history_events(struct lw_history *h, const char *dataset, size_t max,
		      struct lw_hevent **out, size_t *n, struct lw_err *err)
{
	struct lw_hevent *ev = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	rc = prep(h, dataset ?
		  "SELECT at, dataset, from_status, to_status, check_name, "
		  "message FROM events WHERE dataset = ?1 "
		  "ORDER BY at DESC, id DESC LIMIT ?2" :
		  "SELECT at, dataset, from_status, to_status, check_name, "
		  "message FROM events ORDER BY at DESC, id DESC LIMIT ?2",
		  &st, err);
	if (rc != LW_OK)
		return rc;
	if (dataset)
		sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, lim(max));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)&ev, &cap, k, sizeof *ev);
		ev[k].at = sqlite3_column_int64(st, 0);
		ev[k].dataset = lw_hist_col_dup(st, 1);
		if (!ev[k].dataset)
			ev[k].dataset = lw_xstrdup("");
		ev[k].from_new = sqlite3_column_int(st, 2) == LW_HIST_FROM_NEW;
		ev[k].from = ev[k].from_new ? LW_PASS : col_status(st, 2);
		ev[k].to = col_status(st, 3);
		ev[k].check = lw_hist_col_dup(st, 4);
		ev[k].message = lw_hist_col_dup(st, 5);
		k++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		lw_hevents_free(ev, k);
		return lw_hist_dberr(h, rc, "reading", err);
	}
	*out = ev;
	*n = k;
	return LW_OK;
}

const char *lw_hevent_from_name(const struct lw_hevent *e)
{
	return e->from_new ? "new" : lw_status_name(e->from);
}

void lw_hevents_free(struct lw_hevent *ev, size_t n)
{
	if (!ev)
		return;
	for (size_t i = 0; i < n; i++) {
		free(ev[i].dataset);
		free(ev[i].check);
		free(ev[i].message);
	}
	free(ev);
}

/* Newest first; *out is the caller's (free()). A run still going (or one
 * that died) has finished 0; one known to have died has aborted set. */
int lw_history_runs(struct lw_history *h, size_t max, struct lw_hrun **out,
		    size_t *n, struct lw_err *err)
{
	struct lw_hrun *r = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	rc = prep(h, "SELECT id, started, finished, n_pass, n_warn, n_fail, "
		  "n_error, aborted, pid FROM runs ORDER BY started DESC, "
		  "id DESC LIMIT ?", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, lim(max));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)&r, &cap, k, sizeof *r);
		r[k].id = sqlite3_column_int64(st, 0);
		r[k].started = sqlite3_column_int64(st, 1);
		r[k].finished = sqlite3_column_int64(st, 2);
		for (int i = 0; i < LW_NSTATUS; i++)
			r[k].counts[i] = sqlite3_column_int(st, 3 + i);
		r[k].aborted = sqlite3_column_int64(st, 7);
		r[k].pid = sqlite3_column_int64(st, 8);
		k++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(r);
		return lw_hist_dberr(h, rc, "reading", err);
	}
	*out = r;
	*n = k;
	return LW_OK;
}
