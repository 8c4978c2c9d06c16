/* series_batch.c - the anomaly rule's reads for a whole poll at once, and
 * the kept rows a handle has seen, decoded, between polls.
 *
 * A poll of 1,000 datasets read four rows per dataset (the kept row, the
 * observations since, their verdicts, the accepts): 4,000 statements and
 * 20 MB of kept points decoded again every poll. Here the first dataset's
 * read builds a batch for the metric: the kept rows' positions (not their
 * points), every dataset's observations since its row, their flagged
 * verdicts and the accepts, in four statements. The points of a kept row
 * come from the handle's memory (struct lw_hist_snapmem), which is trusted
 * only while the row in the database still has the same position: a row
 * rewritten by another process is read again. Exactly the points
 * lw_history_metric_series_kept would read (series.c uses both alike).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/util.h"
#include "history_int.h"

/* Kept points held in memory at most (24 bytes each: about 100 MB): past
 * it rows are read from the database each poll, as before. */
#define SNAPMEM_MAX_PTS 4000000

struct memrow {
	char *dataset;		/* owned */
	int m;
	struct lw_hist_snap sn;	/* owned */
};

struct lw_hist_snapmem {
	struct memrow *rows;	/* sorted by (dataset, m) */
	size_t n, cap, pts;
};

static int memcmp_key(const char *ds, int m, const struct memrow *r)
{
	int c = strcmp(ds, r->dataset);
	return c ? c : m - r->m;
}

/* Index of (ds, m) in mem, or where it goes (*found false). */
static size_t mem_find(const struct lw_hist_snapmem *mem, const char *ds,
		       int m, bool *found)
{
	size_t lo = 0, hi = mem ? mem->n : 0;
	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp_key(ds, m, &mem->rows[mid]);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

void lw_hist_snapmem_free(struct lw_history *h)
{
	struct lw_hist_snapmem *mem = h->snapmem;
	if (!mem)
		return;
	for (size_t i = 0; i < mem->n; i++) {
		free(mem->rows[i].dataset);
		lw_hist_snap_free(&mem->rows[i].sn);
	}
	free(mem->rows);
	free(mem);
	h->snapmem = NULL;
}

/* Borrowed from h until the next put or free; NULL when not held. */
const struct lw_hist_snap *lw_hist_snapmem_get(struct lw_history *h,
					       const char *dataset, int m)
{
	bool found;
	size_t i = mem_find(h->snapmem, dataset, m, &found);
	return found ? &h->snapmem->rows[i].sn : NULL;
}

/* Hold a copy of sn (flags as a kept row stores them: the verdicts'), or
 * forget the row when it does not fit. */
void lw_hist_snapmem_put(struct lw_history *h, const char *dataset, int m,
			 const struct lw_hist_snap *sn)
{
	if (!h->snapmem)
		h->snapmem = lw_xcalloc(1, sizeof *h->snapmem);
	struct lw_hist_snapmem *mem = h->snapmem;
	bool found;
	size_t i = mem_find(mem, dataset, m, &found);
	if (found) {
		mem->pts -= mem->rows[i].sn.n;
		lw_hist_snap_free(&mem->rows[i].sn);
		if (mem->pts + sn->n > SNAPMEM_MAX_PTS) {
			free(mem->rows[i].dataset);
			memmove(mem->rows + i, mem->rows + i + 1,
				(mem->n - i - 1) * sizeof *mem->rows);
			mem->n--;
			return;
		}
	} else {
		if (mem->pts + sn->n > SNAPMEM_MAX_PTS)
			return;
		lw_xgrow((void **)&mem->rows, &mem->cap, mem->n,
			 sizeof *mem->rows);
		memmove(mem->rows + i + 1, mem->rows + i,
			(mem->n - i) * sizeof *mem->rows);
		mem->rows[i].dataset = lw_xstrdup(dataset);
		mem->rows[i].m = m;
		mem->n++;
	}
	struct lw_hist_snap *d = &mem->rows[i].sn;
	*d = *sn;
	d->p = lw_xmalloc((sn->n + 1) * sizeof *d->p);
	for (size_t k = 0; k < sn->n; k++) {
		d->p[k] = sn->p[k];
		d->p[k].flags &= LW_PT_ANOMALOUS;
	}
	mem->pts += sn->n;
}

/* Whether a and b describe the same kept row (a's points aside). */
bool lw_hist_snap_same(const struct lw_hist_snap *a,
		       const struct lw_hist_snap *b)
{
	return a->have && b->have && a->since == b->since &&
	       a->last_at == b->last_at && a->last_run == b->last_run &&
	       a->picked == b->picked && a->season == b->season &&
	       a->have_last == b->have_last && a->n == b->n &&
	       (!a->have_last || a->last_v == b->last_v);
}

/* --- one poll's reads ---------------------------------------------- */

struct bds {
	char *dataset;		/* owned */
	struct lw_hist_snap meta;	/* the row's position; p NULL */
	size_t obs_lo, obs_hi, bad_lo, bad_hi, acc_lo, acc_hi;
	bool broken;		/* the batch cannot serve it: per dataset */
	bool used;
};

struct lw_series_batch {
	struct bds *ds;		/* sorted by dataset (SQLite's BINARY) */
	size_t n, cap;
	struct lw_hist_raw *obs;
	size_t nobs, capobs;
	int64_t *bad, *acc;
	size_t nbad, capbad, nacc, capacc;
};

void lw_hist_batch_free(struct lw_series_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->ds[i].dataset);
	free(b->ds);
	free(b->obs);
	free(b->bad);
	free(b->acc);
	free(b);
}

static struct bds *find_ds(struct lw_series_batch *b, const char *dataset)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(dataset, b->ds[mid].dataset);
		if (c == 0)
			return &b->ds[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The kept rows' positions for metric m, in dataset order. */
static int read_meta(struct lw_history *h, struct lw_series_batch *b, int m,
		     struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "SELECT dataset, since, last_at, last_run, "
			      "last_v, season, picked, length(pts) FROM "
			      "series_snap WHERE metric = ?1 ORDER BY dataset",
			      &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int(st, 1, m);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_int64(st, 7);
		lw_xgrow((void **)&b->ds, &b->cap, b->n, sizeof *b->ds);
		struct bds *d = &b->ds[b->n++];
		memset(d, 0, sizeof *d);
		d->dataset = lw_xstrdup((const char *)
					sqlite3_column_text(st, 0));
		d->meta.have = true;
		d->meta.since = sqlite3_column_int64(st, 1);
		d->meta.last_at = sqlite3_column_int64(st, 2);
		d->meta.last_run = sqlite3_column_int64(st, 3);
		d->meta.have_last = sqlite3_column_type(st, 4) != SQLITE_NULL;
		d->meta.last_v = sqlite3_column_double(st, 4);
		d->meta.season = sqlite3_column_int(st, 5);
		d->meta.picked = sqlite3_column_int64(st, 6);
		d->meta.n = len / LW_HIST_SNAP_PT_BYTES;
		/* a damaged row is read (and ignored) per dataset */
		d->broken = len % LW_HIST_SNAP_PT_BYTES != 0 ||
			    d->meta.n > LW_HIST_SNAP_MAX;
		if (b->n > 1 && strcmp(b->ds[b->n - 2].dataset,
				       d->dataset) >= 0)
			d->broken = true;	/* not in our order */
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? LW_OK :
	       lw_hist_dberr(h, rc, "reading kept series", err);
}

/* The dataset of the row in column 0, found walking forward from *cur
 * (rows come in dataset order); NULL when it has no kept row. */
static struct bds *walk(struct lw_series_batch *b, sqlite3_stmt *st,
			size_t *cur)
{
	const char *ds = (const char *)sqlite3_column_text(st, 0);
	while (*cur < b->n && strcmp(b->ds[*cur].dataset, ds) < 0)
		(*cur)++;
	return *cur < b->n && !strcmp(b->ds[*cur].dataset, ds) ?
	       &b->ds[*cur] : NULL;
}

/* The kept row of the dataset in column 0 of st, or NULL: *last first
 * (rows come grouped by dataset), else a search. */
static struct bds *row_ds(struct lw_series_batch *b, sqlite3_stmt *st,
			  struct bds **last)
{
	const char *ds = (const char *)sqlite3_column_text(st, 0);
	if (!ds)
		return NULL;
	if (!*last || strcmp((*last)->dataset, ds))
		*last = find_ds(b, ds);
	return *last;
}

/* A row read in any order, with its dataset: sorted in C rather than by
 * an ORDER BY, which made SQLite sort every row through a temporary
 * b-tree (a fifth of the batch's time). */
struct tagged {
	size_t ds;
	struct lw_hist_raw r;
};

static int cmp_tagged(const void *x, const void *y)
{
	const struct tagged *a = x, *b = y;
	if (a->ds != b->ds)
		return a->ds < b->ds ? -1 : 1;
	if (a->r.at != b->r.at)
		return a->r.at < b->r.at ? -1 : 1;
	return (a->r.run > b->r.run) - (a->r.run < b->r.run);
}

/* Sorted rows t[0..n) into the batch: b->obs (when obs) or b->bad, and
 * each dataset's range of them. */
static void place(struct lw_series_batch *b, struct tagged *t, size_t n,
		  bool obs)
{
	lw_sort(t, n, sizeof *t, cmp_tagged);
	if (obs)
		b->obs = lw_xmalloc((n + 1) * sizeof *b->obs);
	else
		b->bad = lw_xmalloc((n + 1) * sizeof *b->bad);
	for (size_t i = 0; i < n; i++) {
		struct bds *d = &b->ds[t[i].ds];
		bool first = i == 0 || t[i - 1].ds != t[i].ds;
		if (obs) {
			b->obs[i] = t[i].r;
			d->obs_lo = first ? i : d->obs_lo;
			d->obs_hi = i + 1;
		} else {
			b->bad[i] = t[i].r.run;
			d->bad_lo = first ? i : d->bad_lo;
			d->bad_hi = i + 1;
		}
	}
	if (obs)
		b->nobs = n;
	else
		b->nbad = n;
}

/* Every dataset's observations after its kept row, as series.c's read_from
 * reads them for one: the same conditions, and the same order (by time,
 * ties by run: the index's order there). The row's position comes along:
 * when it differs from read_meta's (rewritten in between) the dataset is
 * read per dataset. CROSS JOIN: the kept rows are the outer loop, each a
 * search of the covering index obs_metric. */
static int read_obs(struct lw_history *h, struct lw_series_batch *b, int m,
		    int64_t before_run, struct lw_err *err)
{
	char sql[768];
	sqlite3_stmt *st;
	snprintf(sql, sizeof sql, "SELECT s.dataset, s.last_at, s.last_run, "
		 "o.at, %s, o.run FROM series_snap s CROSS JOIN observations o "
		 "ON o.dataset = s.dataset AND o.at >= s.last_at WHERE s.metric "
		 "= ?1 AND o.ok = 1 AND (?2 = 0 OR o.run < ?2) AND (o.at > "
		 "s.last_at OR o.run > s.last_run) AND " LW_HIST_NOT_ABORTED("o"),
		 lw_hist_metric_sql(m));
	int rc = lw_hist_prep(h, sql, &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int(st, 1, m);
	sqlite3_bind_int64(st, 2, before_run);
	struct bds *last = NULL;
	struct tagged *t = NULL;
	size_t n = 0, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bds *d = row_ds(b, st, &last);
		if (!d)
			continue;	/* a row written since read_meta */
		if (sqlite3_column_int64(st, 1) != d->meta.last_at ||
		    sqlite3_column_int64(st, 2) != d->meta.last_run)
			d->broken = true;
		lw_xgrow((void **)&t, &cap, n, sizeof *t);
		struct lw_hist_raw *r = &t[n].r;
		t[n++].ds = (size_t)(d - b->ds);
		r->at = sqlite3_column_int64(st, 3);
		r->run = sqlite3_column_int64(st, 5);
		r->null = sqlite3_column_type(st, 4) == SQLITE_NULL;
		r->v = sqlite3_column_double(st, 4);
		/* a newer point from an older run (polls that overlapped):
		 * its verdict is outside read_bad's range */
		if (r->run <= d->meta.last_run)
			d->broken = true;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		place(b, t, n, true);
	free(t);
	return rc == SQLITE_DONE ? LW_OK :
	       lw_hist_dberr(h, rc, "reading a series", err);
}

/* The runs after each kept row whose "anomaly" verdict was WARN or FAIL
 * (the runs flag_points looks up for one dataset), ascending. */
static int read_bad(struct lw_history *h, struct lw_series_batch *b, int m,
		    struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "SELECT s.dataset, r.run FROM series_snap s "
			      "CROSS JOIN results r ON r.dataset = s.dataset AND "
			      "r.check_name = 'anomaly' AND r.run > s.last_run "
			      "WHERE s.metric = ?1 AND r.status IN (1, 2)", &st,
			      err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int(st, 1, m);
	struct bds *last = NULL;
	struct tagged *t = NULL;
	size_t n = 0, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bds *d = row_ds(b, st, &last);
		if (!d)
			continue;
		lw_xgrow((void **)&t, &cap, n, sizeof *t);
		memset(&t[n], 0, sizeof t[n]);
		t[n].ds = (size_t)(d - b->ds);
		t[n++].r.run = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		place(b, t, n, false);
	free(t);
	return rc == SQLITE_DONE ? LW_OK :
	       lw_hist_dberr(h, rc, "reading a series", err);
}

/* The accepts in force for the anomaly rule, per dataset in id order
 * (accept_points filters them by time). */
static int read_acc(struct lw_history *h, struct lw_series_batch *b,
		    struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "SELECT dataset, at FROM accepts WHERE undone "
			      "IS NULL AND (check_name IS NULL OR check_name = "
			      "'anomaly') ORDER BY dataset, id", &st, err);
	if (rc != LW_OK)
		return rc;
	size_t cur = 0;
	struct bds *last = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct bds *d = walk(b, st, &cur);
		if (!d)
			continue;
		if (d != last) {
			if (last)
				last->acc_hi = b->nacc;
			d->acc_lo = b->nacc;
			last = d;
		}
		lw_xgrow((void **)&b->acc, &b->capacc, b->nacc, sizeof *b->acc);
		b->acc[b->nacc++] = sqlite3_column_int64(st, 1);
	}
	if (last)
		last->acc_hi = b->nacc;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? LW_OK :
	       lw_hist_dberr(h, rc, "reading accepts", err);
}

/* See history_int.h. Read in one transaction, so the four statements see
 * the same history. */
struct lw_series_batch *lw_hist_batch_build(struct lw_history *h, int m,
					    int64_t before_run)
{
	struct lw_series_batch *b = lw_xcalloc(1, sizeof *b);
	struct lw_err err;
	assert(m >= 0 && m < LW_NMETRICS);
	pthread_mutex_lock(&h->tx_lock);
	bool tx = sqlite3_get_autocommit(h->db) &&
		  sqlite3_exec(h->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	int rc = read_meta(h, b, m, &err);
	if (rc == LW_OK)
		rc = read_obs(h, b, m, before_run, &err);
	if (rc == LW_OK)
		rc = read_bad(h, b, m, &err);
	if (rc == LW_OK)
		rc = read_acc(h, b, &err);
	if (tx)
		sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
	pthread_mutex_unlock(&h->tx_lock);
	if (rc != LW_OK) {	/* per dataset then, which reports it */
		lw_hist_batch_free(b);
		return NULL;
	}
	return b;
}

/* See history_int.h. */
bool lw_hist_batch_part(struct lw_series_batch *b, const char *dataset,
			struct lw_hist_batch_part *out)
{
	struct bds *d = b ? find_ds(b, dataset) : NULL;
	if (!d || d->broken || d->used)
		return false;
	d->used = true;	/* its row may be rewritten now */
	out->meta = &d->meta;
	out->obs = b->obs + d->obs_lo;
	out->nobs = d->obs_hi - d->obs_lo;
	out->bad = b->bad + d->bad_lo;
	out->nbad = d->bad_hi - d->bad_lo;
	out->acc = b->acc + d->acc_lo;
	out->nacc = d->acc_hi - d->acc_lo;
	return true;
}
