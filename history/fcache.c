/* fcache.c - the per-file observation cache (history_cache.h).
 *
 * A scope's keys are loaded into an open-addressed table at open (id,
 * path hash, size, mtime, nsec, tag: 48 bytes a file, no paths), a hit
 * fetches its one row by id and checks the path, and what was read is
 * written back in transactions of FLUSH_ROWS rows. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/history_cache.h"
#include "lakewatch/util.h"
#include "history_int.h"

#define FLUSH_ROWS 2000		/* rows per write transaction */
#define FLUSH_BYTES (8 << 20)	/* or this much observation text */

struct slot {
	int64_t id;		/* 0: empty */
	uint64_t phash;
	int64_t size, mtime, tag;
	int32_t nsec;
	bool used;		/* got or put this poll: not deleted */
};

struct pending {
	char *path, *obs;	/* owned */
	int64_t size, mtime, tag;
	int32_t nsec;
};

struct lw_fcache {
	struct lw_history *h;
	int64_t scope;
	struct slot *slots;	/* owned; nslots a power of two */
	size_t nslots, n;
	sqlite3_stmt *get;	/* owned: one row by id */
	char *text;		/* owned: the last observation got */
	struct pending *pend;	/* owned */
	size_t npend, cappend, pend_bytes;
	bool held;		/* lw_fcache_hold: a read transaction open */
	int rc;			/* the first write error, sticky */
	struct lw_err err;
};

static size_t find(const struct lw_fcache *fc, uint64_t ph)
{
	size_t m = fc->nslots - 1, i = (size_t)ph & m;
	while (fc->slots[i].id && fc->slots[i].phash != ph)
		i = (i + 1) & m;
	return i;
}

static void grow(struct lw_fcache *fc)
{
	size_t old = fc->nslots;
	struct slot *os = fc->slots;
	fc->nslots = old ? old * 2 : 1024;
	fc->slots = lw_xcalloc(fc->nslots, sizeof *fc->slots);
	for (size_t i = 0; i < old; i++)
		if (os[i].id)
			fc->slots[find(fc, os[i].phash)] = os[i];
	free(os);
}

static uint64_t phash(const char *path)
{
	return lw_hash64(path, strlen(path));
}

static int scope_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	const char **a = ud;	/* lake, path, fp, &now, &scope */
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h->db, "INSERT INTO file_cache_scope"
		"(lake, path, fp, seen) VALUES (?1, ?2, ?3, ?4) ON CONFLICT"
		"(lake, path, fp) DO UPDATE SET seen = excluded.seen "
		"RETURNING id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "preparing", err);
	sqlite3_bind_text(st, 1, a[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a[1], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a[2], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, *(const int64_t *)a[3]);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*(int64_t *)a[4] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? LW_OK : lw_hist_dberr(h, rc, "writing", err);
}

static int load_keys(struct lw_fcache *fc, struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(fc->h->db, "SELECT id, path, size, mtime, "
		"mtime_nsec, tag FROM file_cache WHERE scope = ?1", -1, &st,
		NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(fc->h, rc, "preparing", err);
	sqlite3_bind_int64(st, 1, fc->scope);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 1);
		if (!p)
			continue;
		if ((fc->n + 1) * 2 > fc->nslots)
			grow(fc);
		uint64_t ph = phash(p);
		struct slot *s = &fc->slots[find(fc, ph)];
		if (s->id)
			continue;	/* two paths, one hash: the first wins */
		s->id = sqlite3_column_int64(st, 0);
		s->phash = ph;
		s->size = sqlite3_column_int64(st, 2);
		s->mtime = sqlite3_column_int64(st, 3);
		s->nsec = (int32_t)sqlite3_column_int64(st, 4);
		s->tag = sqlite3_column_int64(st, 5);
		fc->n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? LW_OK :
	       lw_hist_dberr(fc->h, rc, "reading the file cache", err);
}

/* See history_cache.h. */
int lw_fcache_open(struct lw_history *h, const char *lake, const char *path,
		   const char *fp, int64_t now, struct lw_fcache **out,
		   struct lw_err *err)
{
	*out = NULL;
	struct lw_fcache *fc = lw_xcalloc(1, sizeof *fc);
	fc->h = h;
	grow(fc);
	const void *a[] = {lake, path, fp, &now, &fc->scope};
	int rc = lw_hist_tx(h, scope_fn, (void *)a, err);
	if (rc == LW_OK)
		rc = load_keys(fc, err);
	if (rc == LW_OK) {
		int r = sqlite3_prepare_v2(h->db, "SELECT path, obs FROM "
					   "file_cache WHERE id = ?1", -1,
					   &fc->get, NULL);
		if (r != SQLITE_OK)
			rc = lw_hist_dberr(h, r, "preparing", err);
	}
	if (rc != LW_OK) {
		lw_err_prefix(err, "file cache");
		lw_fcache_close(fc, false, NULL);
		return rc;
	}
	*out = fc;
	return LW_OK;
}

static struct slot *slot_of(struct lw_fcache *fc, const char *path)
{
	struct slot *s = &fc->slots[find(fc, phash(path))];
	return s->id ? s : NULL;
}

/* See history_cache.h. */
const char *lw_fcache_get(struct lw_fcache *fc, const struct lw_entry *e)
{
	struct slot *s = slot_of(fc, e->path);
	if (!s || s->size != e->size || s->mtime != e->mtime ||
	    s->nsec != e->mtime_nsec || s->tag != (int64_t)e->tag)
		return NULL;
	sqlite3_reset(fc->get);
	sqlite3_bind_int64(fc->get, 1, s->id);
	free(fc->text);
	fc->text = NULL;
	if (sqlite3_step(fc->get) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(fc->get, 0);
		const char *o = (const char *)sqlite3_column_text(fc->get, 1);
		if (p && o && strcmp(p, e->path) == 0)
			fc->text = lw_xstrdup(o);
	}
	sqlite3_reset(fc->get);
	if (fc->text)
		s->used = true;
	return fc->text;
}

/* See history_cache.h. Outside a transaction every lookup takes and drops
 * SQLite's file locks (two fcntl calls): a third of an unchanged poll. */
void lw_fcache_hold(struct lw_fcache *fc, bool start)
{
	if (start == fc->held)
		return;
	if (start) {
		pthread_mutex_lock(&fc->h->tx_lock);
		fc->held = sqlite3_exec(fc->h->db, "BEGIN", NULL, NULL,
					NULL) == SQLITE_OK;
		if (!fc->held)
			pthread_mutex_unlock(&fc->h->tx_lock);
		return;
	}
	sqlite3_exec(fc->h->db, "COMMIT", NULL, NULL, NULL);
	fc->held = false;
	pthread_mutex_unlock(&fc->h->tx_lock);
}

/* See history_cache.h. */
void lw_fcache_forget(struct lw_fcache *fc, const struct lw_entry *e)
{
	struct slot *s = slot_of(fc, e->path);
	if (s)
		s->used = false;
}

static int flush_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	struct lw_fcache *fc = ud;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h->db, "INSERT OR REPLACE INTO file_cache"
		"(scope, path, size, mtime, mtime_nsec, tag, obs) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "preparing", err);
	for (size_t i = 0; i < fc->npend && rc == SQLITE_OK; i++) {
		const struct pending *p = &fc->pend[i];
		sqlite3_bind_int64(st, 1, fc->scope);
		sqlite3_bind_text(st, 2, p->path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, p->size);
		sqlite3_bind_int64(st, 4, p->mtime);
		sqlite3_bind_int64(st, 5, p->nsec);
		sqlite3_bind_int64(st, 6, p->tag);
		sqlite3_bind_text(st, 7, p->obs, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK :
		     sqlite3_errcode(h->db);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? LW_OK : lw_hist_dberr(h, rc, "writing", err);
}

static void flush(struct lw_fcache *fc)
{
	if (fc->npend && fc->rc == LW_OK)
		fc->rc = lw_hist_tx(fc->h, flush_fn, fc, &fc->err);
	for (size_t i = 0; i < fc->npend; i++) {
		free(fc->pend[i].path);
		free(fc->pend[i].obs);
	}
	fc->npend = 0;
	fc->pend_bytes = 0;
}

/* See history_cache.h. */
int lw_fcache_put(struct lw_fcache *fc, const struct lw_entry *e,
		  const char *obs, struct lw_err *err)
{
	struct slot *s = slot_of(fc, e->path);
	if (s)
		s->used = true;	/* replaced by the new row */
	lw_xgrow((void **)&fc->pend, &fc->cappend, fc->npend,
		 sizeof *fc->pend);
	struct pending *p = &fc->pend[fc->npend++];
	p->path = lw_xstrdup(e->path);
	p->obs = lw_xstrdup(obs);
	p->size = e->size;
	p->mtime = e->mtime;
	p->nsec = e->mtime_nsec;
	p->tag = (int64_t)e->tag;
	fc->pend_bytes += strlen(obs);
	if (fc->npend >= FLUSH_ROWS || fc->pend_bytes >= FLUSH_BYTES)
		flush(fc);
	if (fc->rc != LW_OK && err)
		*err = fc->err;
	return fc->rc;
}

static int gone_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	struct lw_fcache *fc = ud;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h->db, "DELETE FROM file_cache WHERE "
				    "id = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "preparing", err);
	for (size_t i = 0; i < fc->nslots && rc == SQLITE_OK; i++) {
		if (!fc->slots[i].id || fc->slots[i].used)
			continue;
		sqlite3_bind_int64(st, 1, fc->slots[i].id);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK :
		     sqlite3_errcode(h->db);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? LW_OK : lw_hist_dberr(h, rc, "writing", err);
}

static bool any_gone(const struct lw_fcache *fc)
{
	for (size_t i = 0; i < fc->nslots; i++)
		if (fc->slots[i].id && !fc->slots[i].used)
			return true;
	return false;
}

/* See history_cache.h. */
int lw_fcache_close(struct lw_fcache *fc, bool complete, struct lw_err *err)
{
	if (!fc)
		return LW_OK;
	lw_fcache_hold(fc, false);
	flush(fc);
	if (complete && fc->rc == LW_OK && fc->get && any_gone(fc))
		fc->rc = lw_hist_tx(fc->h, gone_fn, fc, &fc->err);
	int rc = fc->rc;
	if (rc != LW_OK && err) {
		*err = fc->err;
		lw_err_prefix(err, "file cache");
	}
	sqlite3_finalize(fc->get);
	free(fc->pend);
	free(fc->slots);
	free(fc->text);
	free(fc);
	return rc;
}

static int prune_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	const int64_t *a = ud;	/* before, max_entries */
	static const char *const sql[] = {
		"DELETE FROM file_cache WHERE scope IN (SELECT id FROM "
		"file_cache_scope WHERE seen < ?1)",
		"DELETE FROM file_cache_scope WHERE seen < ?1",
		/* ids grow with each write: the oldest written go first */
		"DELETE FROM file_cache WHERE id <= (SELECT id FROM file_cache "
		"ORDER BY id DESC LIMIT 1 OFFSET ?2)",
	};
	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
		sqlite3_stmt *st;
		int rc = sqlite3_prepare_v2(h->db, sql[i], -1, &st, NULL);
		if (rc != SQLITE_OK)
			return lw_hist_dberr(h, rc, "preparing", err);
		sqlite3_bind_int64(st, 1, a[0]);
		if (i == 2)
			sqlite3_bind_int64(st, 2, a[1]);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return lw_hist_dberr(h, rc, "pruning the file cache",
					     err);
	}
	return LW_OK;
}

/* See history_cache.h. */
int lw_fcache_prune(struct lw_history *h, int64_t before, int64_t max_entries,
		    struct lw_err *err)
{
	assert(max_entries >= 0);
	int64_t a[] = {before, max_entries};
	return lw_hist_tx(h, prune_fn, a, err);
}

/* See history_cache.h. */
int lw_fcache_count(struct lw_history *h, int64_t *n, struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h->db, "SELECT count(*) FROM file_cache",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "preparing", err);
	rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? LW_OK : lw_hist_dberr(h, rc, "reading", err);
}

/* See history_cache.h. */
int lw_fcache_state_get(struct lw_history *h, const char *lake,
			const char *path, const char *fp, char **out,
			struct lw_err *err)
{
	sqlite3_stmt *st;
	*out = NULL;
	int rc = sqlite3_prepare_v2(h->db, "SELECT state FROM file_cache_scope "
				    "WHERE lake = ?1 AND path = ?2 AND fp = ?3",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "preparing", err);
	sqlite3_bind_text(st, 1, lake, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, fp, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
		*out = lw_xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? LW_OK :
	       lw_hist_dberr(h, rc, "reading the file cache", err);
}

struct state_put {
	const char *lake, *path, *fp, *state;
	int64_t now;
};

static int state_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	const struct state_put *a = ud;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h->db, "INSERT INTO file_cache_scope"
		"(lake, path, fp, seen, state) VALUES (?1, ?2, ?3, ?4, ?5) "
		"ON CONFLICT(lake, path, fp) DO UPDATE SET seen = "
		"excluded.seen, state = excluded.state", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "preparing", err);
	sqlite3_bind_text(st, 1, a->lake, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, a->now);
	if (a->state)
		sqlite3_bind_text(st, 5, a->state, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? LW_OK : lw_hist_dberr(h, rc, "writing", err);
}

/* See history_cache.h. */
int lw_fcache_state_put(struct lw_history *h, const char *lake,
			const char *path, const char *fp, int64_t now,
			const char *state, struct lw_err *err)
{
	struct state_put a = {lake, path, fp, state, now};
	return lw_hist_tx(h, state_fn, &a, err);
}
