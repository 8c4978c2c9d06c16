/* series_snap.c - the anomaly rule's series kept between polls: one row
 * per dataset and metric (table series_snap, schema 4) holding the
 * window's points, packed, and where in the observations they stop.
 *
 * Points are packed 20 bytes each, little-endian whatever the host: the
 * time (int64), the value (IEEE double bits) and the flags (uint32). The
 * flags stored are the verdicts' (LW_PT_ANOMALOUS) only; accepts are
 * applied after reading (series.c), so an accept taken back is honoured.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/util.h"
#include "history_int.h"

#define PT_BYTES LW_HIST_SNAP_PT_BYTES

static void put64(unsigned char *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *b)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

void lw_hist_snap_free(struct lw_hist_snap *sn)
{
	free(sn->p);
	memset(sn, 0, sizeof *sn);
}

/* Decode blob b (len bytes) into sn->p; false when the length is not a
 * whole number of points or exceeds the cap (then the row is ignored and
 * rebuilt, never trusted). */
static bool decode(const unsigned char *b, size_t len, struct lw_hist_snap *sn)
{
	if (len % PT_BYTES || len / PT_BYTES > LW_HIST_SNAP_MAX)
		return false;
	sn->n = len / PT_BYTES;
	sn->p = lw_xmalloc((sn->n + 1) * sizeof *sn->p);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* the host's order is the row's: each field is one load, not eight
	 * shifts (a poll decodes a thousand points per dataset) */
	for (size_t i = 0; i < sn->n; i++, b += PT_BYTES) {
		uint32_t f;
		memcpy(&sn->p[i].t, b, 8);
		memcpy(&sn->p[i].v, b + 8, 8);
		memcpy(&f, b + 16, 4);
		sn->p[i].flags = f;
	}
	return true;
#endif
	for (size_t i = 0; i < sn->n; i++, b += PT_BYTES) {
		uint64_t v = get64(b + 8);
		double d;
		memcpy(&d, &v, sizeof d);
		sn->p[i].t = (int64_t)get64(b);
		sn->p[i].v = d;
		sn->p[i].flags = (unsigned)(get64(b + 16) & 0xffffffffu);
	}
	return true;
}

/* Fill *sn from the row of dataset/metric m; sn->have false when there is
 * none (or it is damaged). sn->p is the caller's (lw_hist_snap_free). */
int lw_hist_snap_load(struct lw_history *h, const char *dataset, int m,
		      struct lw_hist_snap *sn, struct lw_err *err)
{
	sqlite3_stmt *st;
	memset(sn, 0, sizeof *sn);
	int rc = lw_hist_stmt(h, LW_ST_SNAP_LOAD, "SELECT since, last_at, "
			      "last_run, last_v, season, picked, pts FROM "
			      "series_snap WHERE dataset = ?1 AND metric = ?2",
			      &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, m);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *b = sqlite3_column_blob(st, 6);
		size_t len = (size_t)sqlite3_column_bytes(st, 6);
		sn->since = sqlite3_column_int64(st, 0);
		sn->last_at = sqlite3_column_int64(st, 1);
		sn->last_run = sqlite3_column_int64(st, 2);
		sn->have_last = sqlite3_column_type(st, 3) != SQLITE_NULL;
		sn->last_v = sqlite3_column_double(st, 3);
		sn->season = sqlite3_column_int(st, 4);
		sn->picked = sqlite3_column_int64(st, 5);
		sn->have = (b || !len) && decode(b, len, sn);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		lw_hist_snap_free(sn);
		return lw_hist_dberr(h, rc, "reading a kept series", err);
	}
	return LW_OK;
}

/* Write sn (its points p[0..n)) as the row of dataset/metric m. */
int lw_hist_snap_store(struct lw_history *h, const char *dataset, int m,
		       const struct lw_hist_snap *sn, struct lw_err *err)
{
	sqlite3_stmt *st;
	assert(sn->n <= LW_HIST_SNAP_MAX);
	unsigned char *b = lw_xmalloc(sn->n * PT_BYTES + 1), *q = b;
	for (size_t i = 0; i < sn->n; i++, q += PT_BYTES) {
		uint64_t v;
		memcpy(&v, &sn->p[i].v, sizeof v);
		put64(q, (uint64_t)sn->p[i].t);
		put64(q + 8, v);
		unsigned f = sn->p[i].flags & LW_PT_ANOMALOUS;
		for (int k = 0; k < 4; k++)
			q[16 + k] = (unsigned char)(f >> (8 * k));
	}
	struct lw_err perr;
	int rc = lw_hist_stmt(h, LW_ST_SNAP_STORE, "INSERT OR REPLACE INTO "
			      "series_snap(dataset, metric, since, last_at, "
			      "last_run, last_v, season, picked, pts) VALUES "
			      "(?1,?2,?3,?4,?5,?6,?7,?8,?9)", &st, &perr);
	if (rc != LW_OK) {
		free(b);
		*err = perr;
		return rc;
	}
	{
		sqlite3_bind_text(st, 1, dataset, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, m);
		sqlite3_bind_int64(st, 3, sn->since);
		sqlite3_bind_int64(st, 4, sn->last_at);
		sqlite3_bind_int64(st, 5, sn->last_run);
		if (sn->have_last)
			sqlite3_bind_double(st, 6, sn->last_v);
		else
			sqlite3_bind_null(st, 6);
		sqlite3_bind_int(st, 7, sn->season);
		sqlite3_bind_int64(st, 8, sn->picked);
		sqlite3_bind_blob(st, 9, b, (int)(sn->n * PT_BYTES),
				  SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	free(b);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "keeping a series", err);
	return LW_OK;
}
