/* incidents.c - incidents and their timeline in the history file, and the
 * acknowledgements and mutes people add to them.
 *
 * The engine writes incidents inside the transaction that records the run's
 * results (lw_hist_put_incidents, called from store.c); reads are plain
 * statements, each seeing one snapshot.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/history_incidents.h"
#include "lakewatch/util.h"
#include "history_int.h"

static enum lw_status col_status(sqlite3_stmt *st, int i)
{
	int v = sqlite3_column_int(st, i);
	return v >= LW_PASS && v <= LW_ERROR ? (enum lw_status)v : LW_ERROR;
}

/* --- writing (inside store.c's transaction) ------------------------- */

#define POINT_COLS 6	/* at, status, measured, threshold, message, value */

static void bind_point(sqlite3_stmt *st, int first,
		       const struct lw_inc_point *p)
{
	sqlite3_bind_int64(st, first, p->at);
	sqlite3_bind_int(st, first + 1, p->status);
	lw_hist_bind_text(st, first + 2, p->measured);
	lw_hist_bind_text(st, first + 3, p->threshold);
	lw_hist_bind_text(st, first + 4, p->message);
	if (p->has_value)
		sqlite3_bind_double(st, first + 5, p->value);
	else
		sqlite3_bind_null(st, first + 5);
}

/* Insert (id 0) or update one incident; *id receives its row id. */
static int put_one(struct lw_history *h, const struct lw_incident *inc,
		   int64_t *id, struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, inc->id ?
		"UPDATE incidents SET dataset=?1, check_name=?2, opened=?3, "
		"last_seen=?4, resolved=?5, worst=?6, current=?7, last_bad=?8, "
		"polls=?9, passes=?10, open_at=?11, open_status=?12, "
		"open_measured=?13, open_threshold=?14, open_message=?15, "
		"open_value=?16, worst_at=?17, worst_status=?18, "
		"worst_measured=?19, worst_threshold=?20, worst_message=?21, "
		"worst_value=?22, now_at=?23, now_status=?24, now_measured=?25,"
		" now_threshold=?26, now_message=?27, now_value=?28 "
		"WHERE id=?29" :
		"INSERT INTO incidents(dataset, check_name, opened, last_seen, "
		"resolved, worst, current, last_bad, polls, passes, open_at, "
		"open_status, open_measured, open_threshold, open_message, "
		"open_value, worst_at, worst_status, worst_measured, "
		"worst_threshold, worst_message, worst_value, now_at, "
		"now_status, now_measured, now_threshold, now_message, "
		"now_value) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,"
		"?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28)",
		&st, err);
	if (rc != LW_OK)
		return rc;
	lw_hist_bind_text(st, 1, inc->dataset);
	lw_hist_bind_text(st, 2, inc->check);
	sqlite3_bind_int64(st, 3, inc->opened);
	sqlite3_bind_int64(st, 4, inc->last_seen);
	if (inc->resolved)
		sqlite3_bind_int64(st, 5, inc->resolved);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int(st, 6, inc->worst);
	sqlite3_bind_int(st, 7, inc->current);
	sqlite3_bind_int(st, 8, inc->last_bad);
	sqlite3_bind_int64(st, 9, inc->polls);
	sqlite3_bind_int(st, 10, inc->passes);
	bind_point(st, 11, &inc->at_open);
	bind_point(st, 11 + POINT_COLS, &inc->at_worst);
	bind_point(st, 11 + 2 * POINT_COLS, &inc->now);
	if (inc->id)
		sqlite3_bind_int64(st, 29, inc->id);
	rc = lw_hist_step_done(h, st, err);
	*id = inc->id ? inc->id : sqlite3_last_insert_rowid(h->db);
	return rc;
}

/* One line of the incident's timeline. */
static int put_event(struct lw_history *h, int64_t run, int64_t id,
		     const struct lw_incident *inc, int ev, struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "INSERT INTO incident_events(incident, run, at, "
		      "dataset, check_name, kind, from_status, to_status, "
		      "message) VALUES (?,?,?,?,?,?,?,?,?)", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, run);
	sqlite3_bind_int64(st, 3, inc->last_seen);
	lw_hist_bind_text(st, 4, inc->dataset);
	lw_hist_bind_text(st, 5, inc->check);
	lw_hist_bind_text(st, 6, lw_inc_event_name((enum lw_inc_event)ev));
	sqlite3_bind_int(st, 7, inc->before);
	sqlite3_bind_int(st, 8, inc->current);
	lw_hist_bind_text(st, 9, inc->now.message);
	return lw_hist_step_done(h, st, err);
}

/* See history_int.h. */
int lw_hist_put_incidents(struct lw_history *h, int64_t run,
			  const struct lw_incident *inc, const int *ev,
			  size_t n, int64_t *ids, struct lw_err *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!inc[i].dataset) {	/* no incident for this result */
			ids[i] = 0;
			continue;
		}
		int rc = put_one(h, &inc[i], &ids[i], err);
		if (rc == LW_OK && ev[i] != LW_INC_NONE)
			rc = put_event(h, run, ids[i], &inc[i], ev[i], err);
		if (rc != LW_OK)
			return rc;
	}
	return LW_OK;
}

/* --- reading -------------------------------------------------------- */

#define INC_COLS "id, dataset, check_name, opened, last_seen, resolved, " \
	"worst, current, last_bad, polls, passes, " \
	"open_at, open_status, open_measured, open_threshold, open_message, " \
	"open_value, worst_at, worst_status, worst_measured, " \
	"worst_threshold, worst_message, worst_value, now_at, now_status, " \
	"now_measured, now_threshold, now_message, now_value, acked_by, " \
	"acked_at, ack_note"

static void col_point(sqlite3_stmt *st, int first, struct lw_inc_point *p)
{
	p->at = sqlite3_column_int64(st, first);
	p->status = col_status(st, first + 1);
	p->measured = lw_hist_col_dup(st, first + 2);
	p->threshold = lw_hist_col_dup(st, first + 3);
	p->message = lw_hist_col_dup(st, first + 4);
	p->has_value = sqlite3_column_type(st, first + 5) != SQLITE_NULL;
	p->value = sqlite3_column_double(st, first + 5);
}

static void col_incident(sqlite3_stmt *st, struct lw_incident *inc)
{
	lw_incident_init(inc);
	inc->id = sqlite3_column_int64(st, 0);
	inc->dataset = lw_hist_col_dup(st, 1);
	inc->check = lw_hist_col_dup(st, 2);
	if (!inc->dataset)	/* NOT NULL in the schema; never NULL here */
		inc->dataset = lw_xstrdup("?");
	if (!inc->check)
		inc->check = lw_xstrdup("?");
	inc->opened = sqlite3_column_int64(st, 3);
	inc->last_seen = sqlite3_column_int64(st, 4);
	inc->resolved = sqlite3_column_int64(st, 5);
	inc->worst = col_status(st, 6);
	inc->current = col_status(st, 7);
	inc->last_bad = col_status(st, 8);
	inc->before = inc->current;
	inc->polls = sqlite3_column_int64(st, 9);
	inc->passes = sqlite3_column_int(st, 10);
	col_point(st, 11, &inc->at_open);
	col_point(st, 11 + POINT_COLS, &inc->at_worst);
	col_point(st, 11 + 2 * POINT_COLS, &inc->now);
	inc->acked_by = lw_hist_col_dup(st, 29);
	inc->acked_at = sqlite3_column_int64(st, 30);
	inc->ack_note = lw_hist_col_dup(st, 31);
}

void lw_incidents_free(struct lw_incident *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lw_incident_free(&v[i]);
	free(v);
}

/* Step st to the end, collecting incidents; finalizes st. *out is the
 * caller's (lw_incidents_free). */
static int collect(struct lw_history *h, sqlite3_stmt *st, int64_t now,
		   struct lw_incident **out, size_t *n, struct lw_err *err)
{
	struct lw_incident *v = NULL;
	size_t cap = 0, k = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)&v, &cap, k, sizeof *v);
		col_incident(st, &v[k++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		lw_incidents_free(v, k);
		return lw_hist_dberr(h, rc, "reading incidents", err);
	}
	for (size_t i = 0; i < k; i++) {
		rc = lw_history_muted_until(h, v[i].dataset, v[i].check, now,
					    &v[i].muted_until, err);
		if (rc != LW_OK) {
			lw_incidents_free(v, k);
			return rc;
		}
	}
	*out = v;
	*n = k;
	return LW_OK;
}

/* See history_incidents.h. */
int lw_history_open_incidents(struct lw_history *h, const char *dataset,
			      const char *check, int64_t now,
			      struct lw_incident **out, size_t *n,
			      struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "SELECT " INC_COLS " FROM incidents WHERE "
		      "resolved IS NULL AND dataset = ?1 AND (?2 IS NULL OR "
		      "check_name = ?2) ORDER BY id", &st, err);

	*out = NULL;
	*n = 0;
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	if (check)
		sqlite3_bind_text(st, 2, check, -1, SQLITE_TRANSIENT);
	return collect(h, st, now, out, n, err);
}

/* See history_incidents.h. */
int lw_history_incidents(struct lw_history *h, const char *dataset,
			 bool open_only, int64_t now, size_t max,
			 struct lw_incident **out, size_t *n,
			 struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "SELECT " INC_COLS " FROM incidents WHERE "
		      "(?1 IS NULL OR dataset = ?1) AND (?2 = 0 OR resolved IS "
		      "NULL) ORDER BY id DESC LIMIT ?3", &st, err);

	*out = NULL;
	*n = 0;
	if (rc != LW_OK)
		return rc;
	if (dataset)
		sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, open_only);
	sqlite3_bind_int64(st, 3, max > INT32_MAX ? INT32_MAX : (int64_t)max);
	return collect(h, st, now, out, n, err);
}

void lw_hinc_events_free(struct lw_hinc_event *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].dataset);
		free(v[i].check);
		free(v[i].kind);
		free(v[i].message);
	}
	free(v);
}

/* See history_incidents.h. *out is the caller's (lw_hinc_events_free). */
int lw_history_incident_events(struct lw_history *h, int64_t incident,
			       size_t max, struct lw_hinc_event **out,
			       size_t *n, struct lw_err *err)
{
	struct lw_hinc_event *v = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "SELECT id, incident, at, dataset, check_name, kind, "
		      "from_status, to_status, message FROM incident_events "
		      "WHERE ?1 = 0 OR incident = ?1 ORDER BY at DESC, id DESC "
		      "LIMIT ?2", &st, err);

	*out = NULL;
	*n = 0;
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, incident);
	sqlite3_bind_int64(st, 2, max > INT32_MAX ? INT32_MAX : (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)&v, &cap, k, sizeof *v);
		struct lw_hinc_event *e = &v[k++];
		e->id = sqlite3_column_int64(st, 0);
		e->incident = sqlite3_column_int64(st, 1);
		e->at = sqlite3_column_int64(st, 2);
		e->dataset = lw_hist_col_dup(st, 3);
		e->check = lw_hist_col_dup(st, 4);
		e->kind = lw_hist_col_dup(st, 5);
		e->from = col_status(st, 6);
		e->to = col_status(st, 7);
		e->message = lw_hist_col_dup(st, 8);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		lw_hinc_events_free(v, k);
		return lw_hist_dberr(h, rc, "reading incident events", err);
	}
	*out = v;
	*n = k;
	return LW_OK;
}

/* See history_incidents.h. */
int lw_history_muted_until(struct lw_history *h, const char *dataset,
			   const char *check, int64_t now, int64_t *until,
			   struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "SELECT max(until) FROM mutes WHERE dataset = ?1 AND "
		      "(check_name IS NULL OR check_name = ?2) AND until > ?3",
		      &st, err);

	*until = 0;
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, check ? check : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*until = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "reading mutes", err);
	return LW_OK;
}

/* --- people's actions ----------------------------------------------- */

struct ack_ud {
	const char *dataset, *check, *user, *note;
	int64_t at;
	struct lw_incident *v;	/* what was acked, filled inside */
	size_t n;
};

/* The incidents an ack is for: the open ones, else the newest resolved. */
static int ack_targets(struct lw_history *h, struct ack_ud *a,
		       struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_history_open_incidents(h, a->dataset, a->check, a->at,
					   &a->v, &a->n, err);
	if (rc != LW_OK || a->n)
		return rc;
	rc = lw_hist_prep(h, "SELECT " INC_COLS " FROM incidents WHERE dataset = ?1 "
		  "AND (?2 IS NULL OR check_name = ?2) ORDER BY id DESC "
		  "LIMIT 1", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, a->dataset, -1, SQLITE_TRANSIENT);
	if (a->check)
		sqlite3_bind_text(st, 2, a->check, -1, SQLITE_TRANSIENT);
	rc = collect(h, st, a->at, &a->v, &a->n, err);
	if (rc == LW_OK && !a->n)
		rc = lw_err_set(err, LW_ENOTFOUND, "%s%s%s: no incident to "
				"acknowledge (nothing has failed since history "
				"began)", a->dataset, a->check ? " " : "",
				a->check ? a->check : "");
	return rc;
}

static int ack_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	struct ack_ud *a = ud;
	lw_incidents_free(a->v, a->n);	/* a retry starts over */
	a->v = NULL;
	a->n = 0;
	int rc = ack_targets(h, a, err);
	for (size_t i = 0; rc == LW_OK && i < a->n; i++) {
		struct lw_incident *inc = &a->v[i];
		sqlite3_stmt *st;
		rc = lw_hist_prep(h, "INSERT INTO acks(incident, dataset, check_name, "
			  "user, at, note) VALUES (?,?,?,?,?,?)", &st, err);
		if (rc != LW_OK)
			break;
		sqlite3_bind_int64(st, 1, inc->id);
		lw_hist_bind_text(st, 2, inc->dataset);
		lw_hist_bind_text(st, 3, inc->check);
		lw_hist_bind_text(st, 4, a->user);
		sqlite3_bind_int64(st, 5, a->at);
		lw_hist_bind_text(st, 6, a->note);
		if ((rc = lw_hist_step_done(h, st, err)) != LW_OK ||
		    (rc = lw_hist_prep(h, "UPDATE incidents SET acked_by = ?, "
			       "acked_at = ?, ack_note = ? WHERE id = ?", &st,
			       err)) != LW_OK)
			break;
		lw_hist_bind_text(st, 1, a->user);
		sqlite3_bind_int64(st, 2, a->at);
		lw_hist_bind_text(st, 3, a->note);
		sqlite3_bind_int64(st, 4, inc->id);
		if ((rc = lw_hist_step_done(h, st, err)) != LW_OK ||
		    (rc = lw_hist_prep(h, "INSERT INTO incident_events(incident, at, "
			       "dataset, check_name, kind, from_status, "
			       "to_status, message) VALUES (?,?,?,?,"
			       "'acknowledged',?,?,?)", &st, err)) != LW_OK)
			break;
		sqlite3_bind_int64(st, 1, inc->id);
		sqlite3_bind_int64(st, 2, a->at);
		lw_hist_bind_text(st, 3, inc->dataset);
		lw_hist_bind_text(st, 4, inc->check);
		sqlite3_bind_int(st, 5, inc->current);
		sqlite3_bind_int(st, 6, inc->current);
		char *msg = lw_xasprintf("by %s%s%s", a->user,
					 a->note ? ": " : "",
					 a->note ? a->note : "");
		lw_hist_bind_text(st, 7, msg);
		free(msg);
		rc = lw_hist_step_done(h, st, err);
		free(inc->acked_by);
		inc->acked_by = lw_xstrdup(a->user);
		inc->acked_at = a->at;
	}
	return rc;
}

/* See history_incidents.h. *out is the caller's (lw_incidents_free). */
int lw_history_ack(struct lw_history *h, const char *dataset,
		   const char *check, const char *user, const char *note,
		   int64_t at, struct lw_incident **out, size_t *n,
		   struct lw_err *err)
{
	struct ack_ud a = {dataset, check, user, note, at, NULL, 0};
	assert(dataset && user);
	int rc = lw_hist_tx(h, ack_fn, &a, err);
	if (rc != LW_OK) {
		lw_incidents_free(a.v, a.n);
		a.v = NULL;
		a.n = 0;
	}
	*out = a.v;
	*n = a.n;
	return rc;
}

struct mute_ud {
	const char *dataset, *check, *user;
	int64_t at, until;
};

static int mute_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	struct mute_ud *m = ud;
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "INSERT INTO mutes(dataset, check_name, user, at, "
		      "until) VALUES (?,?,?,?,?)", &st, err);
	if (rc != LW_OK)
		return rc;
	lw_hist_bind_text(st, 1, m->dataset);
	lw_hist_bind_text(st, 2, m->check);
	lw_hist_bind_text(st, 3, m->user);
	sqlite3_bind_int64(st, 4, m->at);
	sqlite3_bind_int64(st, 5, m->until);
	return lw_hist_step_done(h, st, err);
}

/* See history_incidents.h. */
int lw_history_mute(struct lw_history *h, const char *dataset,
		    const char *check, const char *user, int64_t at,
		    int64_t until, struct lw_err *err)
{
	struct mute_ud m = {dataset, check, user, at, until};
	assert(dataset && user);
	return lw_hist_tx(h, mute_fn, &m, err);
}

struct unmute_ud {
	const char *dataset, *check, *user;
	int64_t at;
	int ended;	/* mutes ended, filled inside */
};

/* End now the mutes of dataset in force at `at`: every one (check NULL) or
 * those of that check alone (a mute of every check is not one of them). */
static int unmute_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	struct unmute_ud *m = ud;
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "UPDATE mutes SET until = ?1, ended_by = ?2, "
		      "ended_at = ?1 WHERE dataset = ?3 AND until > ?1 AND "
		      "(?4 IS NULL OR check_name = ?4)", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, m->at);
	lw_hist_bind_text(st, 2, m->user);
	lw_hist_bind_text(st, 3, m->dataset);
	lw_hist_bind_text(st, 4, m->check);
	rc = sqlite3_step(st);
	m->ended = rc == SQLITE_DONE ? sqlite3_changes(h->db) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "writing", err);
	return LW_OK;
}

/* See history_incidents.h. */
int lw_history_unmute(struct lw_history *h, const char *dataset,
		      const char *check, const char *user, int64_t at,
		      int *ended, struct lw_err *err)
{
	struct unmute_ud m = {dataset, check, user, at, 0};
	assert(dataset && user);
	int rc = lw_hist_tx(h, unmute_fn, &m, err);
	*ended = rc == LW_OK ? m.ended : 0;
	if (rc == LW_OK && !m.ended)
		rc = lw_err_set(err, LW_ENOTFOUND, "%s%s%s is not muted",
				dataset, check ? " " : "", check ? check : "");
	return rc;
}

/* See history_incidents.h. *out is the caller's (lw_hevents_free). */
int lw_history_timeline(struct lw_history *h, const char *dataset,
			size_t max, struct lw_hevent **out, size_t *n,
			struct lw_err *err)
{
	struct lw_hevent *v = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "SELECT at, dataset, from_status, to_status, "
		      "check_name, message, id, 0 AS src FROM events WHERE "
		      "?1 IS NULL OR dataset = ?1 UNION ALL SELECT at, dataset, "
		      "from_status, to_status, check_name, 'incident #' || "
		      "incident || ' ' || kind || coalesce(': ' || message, ''),"
		      " id, 1 AS src FROM incident_events WHERE ?1 IS NULL OR "
		      "dataset = ?1 ORDER BY at DESC, src DESC, id DESC LIMIT ?2",
		      &st, err);

	*out = NULL;
	*n = 0;
	if (rc != LW_OK)
		return rc;
	if (dataset)
		sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, max > INT32_MAX ? INT32_MAX : (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)&v, &cap, k, sizeof *v);
		struct lw_hevent *e = &v[k++];
		e->at = sqlite3_column_int64(st, 0);
		e->dataset = lw_hist_col_dup(st, 1);
		e->from_new = sqlite3_column_int(st, 2) == LW_HIST_FROM_NEW;
		e->from = e->from_new ? LW_PASS : col_status(st, 2);
		e->to = col_status(st, 3);
		e->check = lw_hist_col_dup(st, 4);
		e->message = lw_hist_col_dup(st, 5);
		if (!e->dataset)
			e->dataset = lw_xstrdup("?");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		lw_hevents_free(v, k);
		return lw_hist_dberr(h, rc, "reading events", err);
	}
	*out = v;
	*n = k;
	return LW_OK;
}
