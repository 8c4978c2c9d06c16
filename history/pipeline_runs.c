/* pipeline_runs.c - the pipeline and job runs a control-plane lake saw
 * (obs->runs), kept in history's pipeline_runs table: each run stored
 * once under (lake, pipeline, run id), and rewritten only when what is
 * known of it changes (it finished, failed, its failing activity became
 * known). The services forget runs after 45-60 days; history keeps them
 * for its retention.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/util.h"
#include "history_int.h"

static void bind_opt(sqlite3_stmt *st, int idx, int64_t v)
{
	if (v < 0)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_int64(st, idx, v);
}

/* The upsert: a changed state, end, duration or message rewrites the row
 * (first_seen stays); an unchanged run is not written at all. */
static const char *const upsert_sql =
	"INSERT INTO pipeline_runs(lake, pipeline, run_id, service, dataset,"
	" state, status, started, ended, duration, message, failing,"
	" error_code, first_seen, updated)"
	" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?14)"
	" ON CONFLICT(lake, pipeline, run_id) DO UPDATE SET"
	" state = excluded.state, status = excluded.status,"
	" started = excluded.started, ended = excluded.ended,"
	" duration = excluded.duration, message = excluded.message,"
	" failing = excluded.failing, error_code = excluded.error_code,"
	" dataset = excluded.dataset, updated = excluded.updated"
	" WHERE state IS NOT excluded.state OR status IS NOT excluded.status"
	" OR ended IS NOT excluded.ended OR duration IS NOT excluded.duration"
	" OR message IS NOT excluded.message OR failing IS NOT excluded.failing"
	" OR error_code IS NOT excluded.error_code";

static int put_one(struct lw_history *h, sqlite3_stmt *st,
		   const struct lw_runs_facts *rf, const char *dataset,
		   const struct lw_run_fact *r, int64_t at, struct lw_err *err)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	lw_hist_bind_text(st, 1, rf->lake ? rf->lake : "");
	lw_hist_bind_text(st, 2, rf->pipeline);
	lw_hist_bind_text(st, 3, r->run_id);
	lw_hist_bind_text(st, 4, rf->service);
	lw_hist_bind_text(st, 5, dataset);
	lw_hist_bind_text(st, 6, lw_run_state_name(r->state));
	lw_hist_bind_text(st, 7, r->status);
	bind_opt(st, 8, r->start);
	bind_opt(st, 9, r->end);
	bind_opt(st, 10, r->duration);
	lw_hist_bind_text(st, 11, r->message);
	lw_hist_bind_text(st, 12, r->failing);
	lw_hist_bind_text(st, 13, r->error_code);
	sqlite3_bind_int64(st, 14, at);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "writing", err);
	return LW_OK;
}

/* See history_int.h. */
int lw_hist_put_pipeline_runs(struct lw_history *h, const char *dataset,
			      const struct lw_obs *obs, struct lw_err *err)
{
	const struct lw_runs_facts *rf = &obs->runs;
	assert(h && dataset && obs);
	if (!rf->present || !rf->n || !rf->pipeline)
		return LW_OK;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h->db, upsert_sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "preparing", err);
	rc = LW_OK;
	for (size_t i = 0; i < rf->n && rc == LW_OK; i++)
		if (rf->runs[i].run_id && *rf->runs[i].run_id)
			rc = put_one(h, st, rf, dataset, &rf->runs[i], obs->at,
				     err);
	sqlite3_finalize(st);
	return rc;
}

/* Read back for the dashboard's Pipelines screen (tui/pipelines.c): the
 * runs kept of one pipeline over a window, newest first. A run without a
 * start counts by its end. */
static const char *const runs_sql =
	"SELECT run_id, state, status, started, ended, duration, message,"
	" failing, error_code FROM pipeline_runs"
	" WHERE lake = ?1 AND pipeline = ?2 AND coalesce(started, ended) >= ?3"
	" ORDER BY coalesce(started, ended) DESC, run_id DESC LIMIT ?4";

static int64_t col_opt(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 :
	       sqlite3_column_int64(st, i);
}

/* One row into r (its strings owned by r). */
static void read_run(sqlite3_stmt *st, struct lw_run_fact *r)
{
	char *state = lw_hist_col_dup(st, 1);

	r->run_id = lw_hist_col_dup(st, 0);
	r->state = state ? lw_run_state_parse(state) : LW_RUN_UNKNOWN;
	free(state);
	r->status = lw_hist_col_dup(st, 2);
	r->start = col_opt(st, 3);
	r->end = col_opt(st, 4);
	r->duration = col_opt(st, 5);
	r->message = lw_hist_col_dup(st, 6);
	r->failing = lw_hist_col_dup(st, 7);
	r->error_code = lw_hist_col_dup(st, 8);
}

/* See history.h. *out is the caller's (lw_history_pipeline_runs_free). */
int lw_history_pipeline_runs(struct lw_history *h, const char *lake,
			     const char *pipeline, int64_t since, size_t max,
			     struct lw_run_fact **out, size_t *n,
			     struct lw_err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	assert(h && lake && pipeline && out && n);
	*out = NULL;
	*n = 0;
	if (!max)
		return LW_OK;
	rc = lw_hist_prep(h, runs_sql, &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, lake, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, pipeline, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, since);
	sqlite3_bind_int64(st, 4, max > (size_t)INT32_MAX ? INT32_MAX :
			   (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = lw_xrealloc(*out, cap * sizeof **out);
		}
		memset(&(*out)[*n], 0, sizeof **out);
		read_run(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		lw_history_pipeline_runs_free(*out, *n);
		*out = NULL;
		*n = 0;
		return lw_hist_dberr(h, rc, "reading", err);
	}
	return LW_OK;
}

void lw_history_pipeline_runs_free(struct lw_run_fact *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++) {
		free(r[i].run_id);
		free(r[i].status);
		free(r[i].message);
		free(r[i].failing);
		free(r[i].error_code);
	}
	free(r);
}
