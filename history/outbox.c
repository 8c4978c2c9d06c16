/* outbox.c - the notification outbox: messages grouped by run, route and
 * channel, their notices, what the sender did, and what was announced.
 *
 * Writes of the engine happen inside store.c's record transaction
 * (lw_hist_put_outbox); the sender's marks are transactions of their own.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/history_outbox.h"
#include "lakewatch/util.h"
#include "history_int.h"

/* Static storage. */
const char *lw_outbox_state_name(enum lw_outbox_state s)
{
	switch (s) {
	case LW_OUTBOX_PENDING: return "pending";
	case LW_OUTBOX_DELIVERED: return "delivered";
	case LW_OUTBOX_REJECTED: return "rejected";
	case LW_OUTBOX_EXPIRED: return "expired";
	}
	return "?";
}

/* --- writing (inside store.c's transaction) ------------------------- */

/* The message of (run, route, channel) that notices may still join: not
 * tried yet (a run taken as killed may have been sent while it went on);
 * created when there is none. */
static int msg_id(struct lw_history *h, int64_t run, const char *route,
		  const char *channel, int64_t now, int64_t *id,
		  struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "SELECT id FROM outbox WHERE run=?1 AND route=?2 AND "
		      "channel=?3 AND state=0 AND attempts=0 ORDER BY id DESC "
		      "LIMIT 1", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, run);
	lw_hist_bind_text(st, 2, route);
	lw_hist_bind_text(st, 3, channel);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (s == SQLITE_ROW)
		return LW_OK;
	if (s != SQLITE_DONE)
		return lw_hist_dberr(h, s, "finding the outbox message", err);
	if ((rc = lw_hist_prep(h, "INSERT INTO outbox(run, route, channel, created, "
		       "next_at) VALUES (?1,?2,?3,?4,?4)", &st, err)) != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, run);
	lw_hist_bind_text(st, 2, route);
	lw_hist_bind_text(st, 3, channel);
	sqlite3_bind_int64(st, 4, now);
	if ((rc = lw_hist_step_done(h, st, err)) != LW_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(h->db);
	return LW_OK;
}

static int put_notice(struct lw_history *h, int64_t msg,
		      const struct lw_incident *inc, int64_t inc_id,
		      const struct lw_outbox_item *it, struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "INSERT INTO outbox_notices(msg, incident, dataset, "
		      "check_name, kind, notice) VALUES (?,?,?,?,?,?)", &st,
		      err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, msg);
	sqlite3_bind_int64(st, 2, inc_id);
	lw_hist_bind_text(st, 3, inc->dataset);
	lw_hist_bind_text(st, 4, inc->check);
	lw_hist_bind_text(st, 5, it->kind);
	lw_hist_bind_text(st, 6, it->notice);
	return lw_hist_step_done(h, st, err);
}

static int put_announced(struct lw_history *h, int64_t inc_id,
			 const struct lw_outbox_item *it, int64_t now,
			 struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, it->announce > 0 ?
		      "INSERT INTO notify_sent(incident, route, channel, "
		      "first_at, last_at) VALUES (?1,?2,?3,?4,?4) ON CONFLICT "
		      "DO UPDATE SET last_at=?4" :
		      "DELETE FROM notify_sent WHERE incident=?1 AND route=?2 "
		      "AND channel=?3", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, inc_id);
	lw_hist_bind_text(st, 2, it->route);
	lw_hist_bind_text(st, 3, it->channel);
	if (it->announce > 0)
		sqlite3_bind_int64(st, 4, now);
	return lw_hist_step_done(h, st, err);
}

/* See history_int.h. Items are added in their order, so a message's
 * notices keep the order the engine made them in. */
int lw_hist_put_outbox(struct lw_history *h, int64_t run,
		       const struct lw_incident *inc, const int64_t *ids,
		       size_t ninc, const struct lw_outbox_item *items,
		       size_t nitems, int64_t now, struct lw_err *err)
{
	int rc = LW_OK;
	for (size_t i = 0; i < nitems && rc == LW_OK; i++) {
		const struct lw_outbox_item *it = &items[i];
		assert(it->inc < ninc);
		int64_t msg = 0, id = ids[it->inc];
		rc = msg_id(h, run, it->route, it->channel, now, &msg, err);
		if (rc == LW_OK)
			rc = put_notice(h, msg, &inc[it->inc], id, it, err);
		if (rc == LW_OK && it->announce)
			rc = put_announced(h, id, it, now, err);
	}
	return rc;
}

/* --- reads ---------------------------------------------------------- */

/* See history_outbox.h. */
int lw_history_announced(struct lw_history *h, const char *dataset,
			 struct lw_announced **out, size_t *n,
			 struct lw_err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = lw_hist_prep(h, "SELECT s.incident, s.route, s.channel, s.last_at "
		      "FROM notify_sent s JOIN incidents i ON i.id=s.incident "
		      "WHERE i.dataset=?1 ORDER BY s.incident", &st, err);
	if (rc != LW_OK)
		return rc;
	lw_hist_bind_text(st, 1, dataset);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)out, &cap, *n, sizeof **out);
		struct lw_announced *a = &(*out)[(*n)++];
		a->incident = sqlite3_column_int64(st, 0);
		a->route = lw_hist_col_dup(st, 1);
		a->channel = lw_hist_col_dup(st, 2);
		a->last_at = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		lw_announced_free(*out, *n);
		*out = NULL;
		*n = 0;
		return lw_hist_dberr(h, s, "reading notify_sent", err);
	}
	return LW_OK;
}

void lw_announced_free(struct lw_announced *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].route);
		free(v[i].channel);
	}
	free(v);
}

void lw_outbox_msgs_free(struct lw_outbox_msg *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].config);
		free(v[i].route);
		free(v[i].channel);
		free(v[i].error);
		for (size_t k = 0; k < v[i].n; k++) {
			free(v[i].v[k].dataset);
			free(v[i].v[k].check);
			free(v[i].v[k].kind);
			free(v[i].v[k].notice);
		}
		free(v[i].v);
	}
	free(v);
}

static int load_notices(struct lw_history *h, struct lw_outbox_msg *m,
			struct lw_err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc = lw_hist_prep(h, "SELECT incident, dataset, check_name, kind, notice "
		      "FROM outbox_notices WHERE msg=?1 ORDER BY id", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, m->id);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)&m->v, &cap, m->n, sizeof *m->v);
		struct lw_outbox_notice *o = &m->v[m->n++];
		o->incident = sqlite3_column_int64(st, 0);
		o->dataset = lw_hist_col_dup(st, 1);
		o->check = lw_hist_col_dup(st, 2);
		o->kind = lw_hist_col_dup(st, 3);
		o->notice = lw_hist_col_dup(st, 4);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE)
		return lw_hist_dberr(h, s, "reading outbox notices", err);
	return LW_OK;
}

static void read_msg(sqlite3_stmt *st, struct lw_outbox_msg *m)
{
	m->id = sqlite3_column_int64(st, 0);
	m->run = sqlite3_column_int64(st, 1);
	m->route = lw_hist_col_dup(st, 2);
	m->channel = lw_hist_col_dup(st, 3);
	m->created = sqlite3_column_int64(st, 4);
	m->state = (enum lw_outbox_state)sqlite3_column_int(st, 5);
	m->attempts = sqlite3_column_int(st, 6);
	m->next_at = sqlite3_column_int64(st, 7);
	m->error = lw_hist_col_dup(st, 8);
	m->config = lw_hist_col_dup(st, 9);
}

/* See history_outbox.h. */
int lw_history_outbox_heads(struct lw_history *h, int64_t stale_before,
			    struct lw_outbox_msg **out, size_t *n,
			    struct lw_err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = lw_hist_prep(h, "SELECT o.id, o.run, o.route, o.channel, o.created, "
		      "o.state, o.attempts, o.next_at, o.last_error, r.config "
		      "FROM outbox o LEFT JOIN runs r ON r.id=o.run WHERE "
		      "o.id IN (SELECT min(id) FROM outbox WHERE state=0 GROUP "
		      "BY channel) AND (r.finished IS NOT NULL OR r.id IS NULL "
		      "OR r.started < ?1) ORDER BY o.id", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, stale_before);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)out, &cap, *n, sizeof **out);
		struct lw_outbox_msg *m = &(*out)[(*n)++];
		memset(m, 0, sizeof *m);
		read_msg(st, m);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE)
		rc = lw_hist_dberr(h, s, "reading the outbox", err);
	for (size_t i = 0; i < *n && rc == LW_OK; i++)
		rc = load_notices(h, &(*out)[i], err);
	if (rc != LW_OK) {
		lw_outbox_msgs_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

struct mark_ud {
	int64_t id;
	enum lw_outbox_state state;
	int attempts;
	int64_t next_at, at;
	const char *error;
};

static int mark_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	const struct mark_ud *m = ud;
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "UPDATE outbox SET state=?2, attempts=?3, next_at=?4,"
		      " last_error=?5, done_at=CASE WHEN ?2 != 0 THEN ?6 END "
		      "WHERE id=?1", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, m->id);
	sqlite3_bind_int(st, 2, (int)m->state);
	sqlite3_bind_int(st, 3, m->attempts);
	sqlite3_bind_int64(st, 4, m->next_at);
	lw_hist_bind_text(st, 5, m->error);
	sqlite3_bind_int64(st, 6, m->at);
	return lw_hist_step_done(h, st, err);
}

/* See history_outbox.h. */
int lw_history_outbox_mark(struct lw_history *h, int64_t id,
			   enum lw_outbox_state state, int attempts,
			   int64_t next_at, const char *error, int64_t at,
			   struct lw_err *err)
{
	struct mark_ud m = {id, state, attempts, next_at, at, error};
	return lw_hist_tx(h, mark_fn, &m, err);
}

/* See history_outbox.h. */
int lw_history_outbox_pending(struct lw_history *h, char ***names,
			      int64_t **counts, size_t *n, struct lw_err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0, ccap = 0;
	*names = NULL;
	*counts = NULL;
	*n = 0;
	int rc = lw_hist_prep(h, "SELECT channel, count(*) FROM outbox WHERE state=0 "
		      "GROUP BY channel ORDER BY channel", &st, err);
	if (rc != LW_OK)
		return rc;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		lw_xgrow((void **)names, &cap, *n, sizeof **names);
		lw_xgrow((void **)counts, &ccap, *n, sizeof **counts);
		(*names)[*n] = lw_hist_col_dup(st, 0);
		(*counts)[*n] = sqlite3_column_int64(st, 1);
		(*n)++;
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		for (size_t i = 0; i < *n; i++)
			free((*names)[i]);
		free(*names);
		free(*counts);
		*names = NULL;
		*counts = NULL;
		*n = 0;
		return lw_hist_dberr(h, s, "reading the outbox", err);
	}
	return LW_OK;
}

/* See history_outbox.h. */
int lw_history_outbox_failing(struct lw_history *h, char *msg, size_t n,
			      bool *failing, struct lw_err *err)
{
	sqlite3_stmt *st;
	*failing = false;
	int rc = lw_hist_prep(h, "SELECT o.channel, o.last_error, (SELECT count(*) "
		      "FROM outbox WHERE state=0 AND channel=o.channel) FROM "
		      "outbox o WHERE o.state=0 AND o.attempts>0 ORDER BY o.id "
		      "LIMIT 1", &st, err);
	if (rc != LW_OK)
		return rc;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		const unsigned char *ch = sqlite3_column_text(st, 0);
		const unsigned char *e = sqlite3_column_text(st, 1);
		snprintf(msg, n, "notify: channel \"%s\": %lld message(s) "
			 "waiting, last: %s", ch ? (const char *)ch : "?",
			 (long long)sqlite3_column_int64(st, 2),
			 e ? (const char *)e : "?");
		*failing = true;
	}
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return lw_hist_dberr(h, s, "reading the outbox", err);
	return LW_OK;
}
