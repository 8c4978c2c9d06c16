/* stmt.c - the statement helpers every history file uses: prepare, step a
 * write to its end, copy a text column; failures mapped through
 * lw_hist_dberr so each names what it was doing. */
#include <assert.h>
#include "lakewatch/util.h"
#include "history_int.h"

/* *st is the caller's to finalize when LW_OK. */
int lw_hist_prep(struct lw_history *h, const char *sql, sqlite3_stmt **st,
		 struct lw_err *err)
{
	assert(h && h->db && sql && st);
	int rc = sqlite3_prepare_v2(h->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "preparing", err);
	return LW_OK;
}

/* Steps st (a write) to its end and finalizes it, whatever happens. */
int lw_hist_step_done(struct lw_history *h, sqlite3_stmt *st,
		      struct lw_err *err)
{
	assert(st != NULL);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "writing", err);
	return LW_OK;
}

/* Column i as an owned string (caller frees), or NULL for SQL NULL. */
char *lw_hist_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? lw_xstrdup((const char *)s) : NULL;
}
