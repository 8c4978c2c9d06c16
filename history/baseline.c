/* baseline.c - what the schema and change checks compare with, so a single
 * bad poll cannot move it: the schema a person accepted (else the first one
 * observed), and the row count a person accepted or the median of recent
 * passing polls. Also the accept and undo that people record.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/history_incidents.h"
#include "lakewatch/util.h"
#include "history_int.h"

/* Parse stored schema JSON text into s; false when it is not one. */
static bool schema_text(const unsigned char *txt, int len, struct lw_schema *s)
{
	cJSON *j = txt ? cJSON_ParseWithLength((const char *)txt, (size_t)len)
		   : NULL;
	bool ok = j && lw_schema_from_json(j, s) == LW_OK;
	cJSON_Delete(j);
	return ok;
}

/* Which accept is in force for dataset and the check that reads col
 * ("schema" or "rows"): the newest not undone with that column set. */
#define ACCEPT_SQL(col) "SELECT user, at, " col " FROM accepts WHERE " \
	"dataset = ?1 AND undone IS NULL AND " col " IS NOT NULL " \
	"ORDER BY id DESC LIMIT 1"

static int accepted_schema(struct lw_history *h, const char *dataset,
			   struct lw_baseline *b, struct lw_err *err)
{
	sqlite3_stmt *st;
	char when[32];
	int rc = lw_hist_prep(h, ACCEPT_SQL("schema"), &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && schema_text(sqlite3_column_text(st, 2),
					    sqlite3_column_bytes(st, 2),
					    &b->schema)) {
		b->has_schema = true;
		b->schema_from = lw_xasprintf("accepted by %s at %s",
			(const char *)sqlite3_column_text(st, 0),
			lw_time_fmt(sqlite3_column_int64(st, 1), when,
				    sizeof when));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "reading accepts", err);
	return LW_OK;
}

/* The first schema observed (before before_run), when none was accepted. */
static int first_schema(struct lw_history *h, const char *dataset,
			int64_t before_run, struct lw_baseline *b,
			struct lw_err *err)
{
	sqlite3_stmt *st;
	char when[32];
	/* json_valid first: one damaged old row must not stop every poll
	 * (prev_obs reports damage where it matters, in the newest row). */
	int rc = lw_hist_prep(h, "SELECT at, s FROM (SELECT at, run, id, CASE WHEN "
		      "json_valid(obs) THEN json_extract(obs, '$.schema') END "
		      "AS s FROM observations WHERE dataset = ?1 AND ok = 1 "
		      "AND (?2 = 0 OR run < ?2) AND "
		      LW_HIST_NOT_ABORTED("observations") ") WHERE s IS "
		      "NOT NULL "
		      "ORDER BY run, id LIMIT 1", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, before_run);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && schema_text(sqlite3_column_text(st, 1),
					    sqlite3_column_bytes(st, 1),
					    &b->schema)) {
		b->has_schema = true;
		b->schema_from = lw_xasprintf("first seen at %s",
			lw_time_fmt(sqlite3_column_int64(st, 0), when,
				    sizeof when));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "reading observations", err);
	return LW_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Median of the row counts of the last LW_BASELINE_POLLS observations whose
 * change check passed, made at or after `since`. */
static int median_rows(struct lw_history *h, const char *dataset,
		       int64_t before_run, int64_t since, struct lw_baseline *b,
		       struct lw_err *err)
{
	int64_t v[LW_BASELINE_POLLS];
	size_t k = 0;
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "SELECT o.rows FROM observations o JOIN results r ON "
		      "r.run = o.run AND r.dataset = o.dataset AND "
		      "r.check_name = 'change' AND r.status = 0 WHERE "
		      "o.dataset = ?1 AND o.ok = 1 AND o.rows IS NOT NULL AND "
		      "(?2 = 0 OR o.run < ?2) AND o.at >= ?3 AND "
		      LW_HIST_NOT_ABORTED("o") " "
		      "ORDER BY o.run DESC, o.id DESC LIMIT ?4", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, before_run);
	sqlite3_bind_int64(st, 3, since);
	sqlite3_bind_int(st, 4, LW_BASELINE_POLLS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < LW_BASELINE_POLLS)
		v[k++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return lw_hist_dberr(h, rc, "reading observations", err);
	if (!k)
		return LW_OK;
	lw_sort(v, k, sizeof *v, cmp_i64);
	b->has_rows = true;
	b->rows = k % 2 ? (double)v[k / 2] :
		  ((double)v[k / 2 - 1] + (double)v[k / 2]) / 2.0;
	b->rows_from = k == 1 ? lw_xstrdup("the last passing poll") :
		       lw_xasprintf("median of the last %zu passing polls", k);
	return LW_OK;
}

/* The accepted row count, or the median of passing polls since it. */
static int baseline_rows(struct lw_history *h, const char *dataset,
			 int64_t before_run, struct lw_baseline *b,
			 struct lw_err *err)
{
	sqlite3_stmt *st;
	char when[32];
	int64_t since = INT64_MIN, rows = -1;
	char *from = NULL;
	int rc = lw_hist_prep(h, ACCEPT_SQL("rows"), &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		since = sqlite3_column_int64(st, 1);
		rows = sqlite3_column_int64(st, 2);
		from = lw_xasprintf("accepted by %s at %s",
				    (const char *)sqlite3_column_text(st, 0),
				    lw_time_fmt(since, when, sizeof when));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		free(from);
		return lw_hist_dberr(h, rc, "reading accepts", err);
	}
	rc = median_rows(h, dataset, before_run, since, b, err);
	if (rc == LW_OK && !b->has_rows && from) {
		b->has_rows = true;
		b->rows = (double)rows;
		b->rows_from = from;
		from = NULL;
	}
	free(from);
	return rc;
}

/* See history_incidents.h. b is the caller's (lw_baseline_free). */
int lw_history_baseline(struct lw_history *h, const char *dataset,
			int64_t before_run, struct lw_baseline *b,
			struct lw_err *err)
{
	lw_baseline_init(b);
	int rc = accepted_schema(h, dataset, b, err);
	if (rc == LW_OK && !b->has_schema)
		rc = first_schema(h, dataset, before_run, b, err);
	if (rc == LW_OK)
		rc = baseline_rows(h, dataset, before_run, b, err);
	if (rc != LW_OK)
		lw_baseline_free(b);
	return rc;
}

/* --- accept and undo ------------------------------------------------ */

struct accept_ud {
	const char *dataset, *check, *user;
	int64_t at;
	char *what;		/* filled inside; caller's */
};

static bool wants(const char *check, const char *name)
{
	return !check || strcmp(check, name) == 0;
}

static int accept_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	struct accept_ud *a = ud;
	struct lw_obs o;
	bool found = false;
	char *schema = NULL, n[32];
	sqlite3_stmt *st;

	free(a->what);
	a->what = NULL;
	int rc = lw_history_prev_obs(h, a->dataset, 0, &o, &found, err);
	if (rc != LW_OK)
		return rc;
	if (!found)
		return lw_err_set(err, LW_ENOTFOUND, "%s: no observation recorded "
				  "yet to accept (run `lakewatch check` first)",
				  a->dataset);
	bool s = wants(a->check, "schema") && o.has_schema;
	bool r = wants(a->check, "change") && o.rows >= 0;
	if (s) {
		cJSON *j = lw_schema_to_json(&o.schema);
		schema = j ? cJSON_PrintUnformatted(j) : NULL;
		cJSON_Delete(j);
	}
	/* The anomaly rule takes an accept as "this level is the new
	 * normal" (history/series.c): nothing to copy, the time is enough. */
	bool an = a->check && strcmp(a->check, "anomaly") == 0;
	if (an)
		a->what = lw_xasprintf("the current level as normal for the "
				       "anomaly rule");
	else if (s && r)
		a->what = lw_xasprintf("schema of %zu columns and %s rows",
				       o.schema.n, lw_count_fmt(o.rows, n, sizeof n));
	else if (s)
		a->what = lw_xasprintf("schema of %zu columns", o.schema.n);
	else if (r)
		a->what = lw_xasprintf("%s rows", lw_count_fmt(o.rows, n, sizeof n));
	rc = s || r || an ? lw_hist_prep(h, "INSERT INTO accepts(dataset, check_name, user, "
			   "at, schema, rows) VALUES (?,?,?,?,?,?)", &st, err)
		    : lw_err_set(err, LW_ENOTFOUND, "%s: the last observation "
				 "has no %s to accept", a->dataset,
				 a->check && strcmp(a->check, "change") == 0 ?
				 "row count" : a->check ? "schema" :
				 "schema or row count");
	if (rc == LW_OK) {
		lw_hist_bind_text(st, 1, a->dataset);
		lw_hist_bind_text(st, 2, a->check);
		lw_hist_bind_text(st, 3, a->user);
		sqlite3_bind_int64(st, 4, a->at);
		lw_hist_bind_text(st, 5, s ? schema : NULL);
		if (r)
			sqlite3_bind_int64(st, 6, o.rows);
		else
			sqlite3_bind_null(st, 6);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		rc = rc == SQLITE_DONE ? LW_OK :
		     lw_hist_dberr(h, rc, "writing", err);
	}
	if (schema)
		cJSON_free(schema);
	lw_obs_free(&o);
	return rc;
}

/* See history_incidents.h. */
int lw_history_accept(struct lw_history *h, const char *dataset,
		      const char *check, const char *user, int64_t at,
		      char **what, struct lw_err *err)
{
	struct accept_ud a = {dataset, check, user, at, NULL};
	assert(dataset && user);
	int rc = lw_hist_tx(h, accept_fn, &a, err);
	if (rc != LW_OK) {
		free(a.what);
		a.what = NULL;
	}
	*what = a.what;
	return rc;
}

struct undo_ud {
	const char *dataset, *check;
	int64_t at;
};

static int undo_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	struct undo_ud *u = ud;
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "UPDATE accepts SET undone = ?3 WHERE id = (SELECT id "
		      "FROM accepts WHERE dataset = ?1 AND undone IS NULL AND "
		      "(?2 IS NULL OR check_name IS NULL OR check_name = ?2) "
		      "ORDER BY id DESC LIMIT 1)", &st, err);
	if (rc != LW_OK)
		return rc;
	lw_hist_bind_text(st, 1, u->dataset);
	lw_hist_bind_text(st, 2, u->check);
	sqlite3_bind_int64(st, 3, u->at);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "writing", err);
	if (sqlite3_changes(h->db) == 0)
		return lw_err_set(err, LW_ENOTFOUND, "%s%s%s: no accepted "
				  "baseline to undo", u->dataset,
				  u->check ? " " : "", u->check ? u->check : "");
	return LW_OK;
}

/* See history_incidents.h. */
int lw_history_accept_undo(struct lw_history *h, const char *dataset,
			   const char *check, int64_t at, struct lw_err *err)
{
	struct undo_ud u = {dataset, check, at};
	assert(dataset);
	return lw_hist_tx(h, undo_fn, &u, err);
}
