/* layout_rows.c - the datasets table's rows: filling one from a dataset's
 * run (age, rows, files, change, schema state) and sorting them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <time.h>
#include <math.h>
#include "lakewatch/util.h"
#include "lakewatch/tui_layout.h"

const char *lw_tui_schema_word(enum lw_tui_schema s)
{
	switch (s) {
	case LW_SCH_OK: return "ok";
	case LW_SCH_DRIFT: return "drift";
	case LW_SCH_BAD: return "bad";
	default: return "-";
	}
}

static int64_t detail_num(const cJSON *d, const char *a, const char *b)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(d, a);

	if (b)
		o = cJSON_GetObjectItemCaseSensitive(o, b);
	/* detail comes back from the history file: out of int64 range the
	 * conversion would be undefined */
	return cJSON_IsNumber(o) && o->valuedouble >= -9.2e18 &&
	       o->valuedouble <= 9.2e18 ? (int64_t)o->valuedouble : -1;
}

int64_t lw_tui_obs_age(const struct lw_obs *o, int64_t now)
{
	int64_t t = o->newest_mtime, d;
	const cJSON *pbi;

	if (!o->ok)
		return -1;
	d = detail_num(o->detail, "delta", "last_commit");
	if (d > t)
		t = d;
	pbi = cJSON_GetObjectItemCaseSensitive(o->detail, "powerbi");
	d = detail_num(pbi, "refresh", "last_success");
	if (d > t)
		t = d;
	if (t < 0)
		t = o->newest_part_time;
	if (t < 0)
		return -1;
	return now > t ? now - t : 0;
}

static bool schema_drifted(const struct lw_schema *a,
			   const struct lw_schema *b)
{
	struct lw_tui_coldiff d[256];
	size_t i, k;

	k = lw_tui_schema_diff(a, b, d, 256);
	for (i = 0; i < k; i++)
		if (d[i].kind != LW_COL_SAME)
			return true;
	return false;
}

void lw_tui_row_fill(struct lw_tui_row *r, const struct lw_ds_run *dr,
		     int64_t now)
{
	size_t i;

	r->polled = dr != NULL;
	r->status = r->status_all = LW_PASS;
	r->nmuted = 0;
	r->age = r->rows = r->files = -1;
	r->has_change = false;
	r->change = 0;
	r->schema = LW_SCH_NONE;
	if (!dr)
		return;
	r->status = r->status_all = dr->status;
	r->nmuted = 0;
	if (dr->obs.ok) {
		r->age = lw_tui_obs_age(&dr->obs, now);
		r->rows = dr->obs.rows;
		r->files = dr->obs.files;
		if (dr->has_prev && dr->prev.rows > 0 && dr->obs.rows >= 0) {
			r->has_change = true;
			r->change = ((double)dr->obs.rows -
				     (double)dr->prev.rows) * 100.0 /
				    (double)dr->prev.rows;
		}
		if (dr->obs.has_schema) {
			r->schema = LW_SCH_OK;
			if (dr->has_prev && dr->prev.has_schema &&
			    schema_drifted(&dr->obs.schema, &dr->prev.schema))
				r->schema = LW_SCH_DRIFT;
		}
	}
	for (i = 0; i < dr->nresults; i++) {
		const struct lw_result *res = &dr->results[i];

		if (!res->check || strcmp(res->check, "schema"))
			continue;
		if (res->status >= LW_FAIL)
			r->schema = LW_SCH_BAD;
		else if (res->status == LW_WARN && r->schema < LW_SCH_DRIFT)
			r->schema = LW_SCH_DRIFT;
	}
}

/* Unknown (-1) values sort after known ones in either direction. */
static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct lw_tui_row *a = pa, *b = pb;
	int by = *(const int *)arg, rev = by >= 100, c = 0;

	if (rev)
		by -= 100;
	if (a->polled != b->polled)
		return a->polled ? -1 : 1;
	switch (by) {
	case LW_SORT_STATUS:
		c = -cmp_i64(a->status, b->status);
		break;
	case LW_SORT_NAME:
		break;
	case LW_SORT_SOURCE:
		c = strcmp(a->source ? a->source : "",
			   b->source ? b->source : "");
		break;
	case LW_SORT_LAYER:
		c = cmp_i64(a->layer, b->layer);
		break;
	case LW_SORT_AGE:
	case LW_SORT_ROWS:
	case LW_SORT_FILES: {
		int64_t x = by == LW_SORT_AGE ? a->age : by == LW_SORT_ROWS ?
			    a->rows : a->files;
		int64_t y = by == LW_SORT_AGE ? b->age : by == LW_SORT_ROWS ?
			    b->rows : b->files;

		if ((x < 0) != (y < 0))
			return x < 0 ? 1 : -1;
		c = -cmp_i64(x, y);
		break;
	}
	case LW_SORT_CHANGE:
		if (a->has_change != b->has_change)
			return a->has_change ? -1 : 1;
		c = a->change < b->change ? -1 : a->change > b->change;
		break;
	case LW_SORT_SCHEMA:
		c = -cmp_i64(a->schema, b->schema);
		break;
	}
	if (rev)
		c = -c;
	if (!c)
		c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
	if (!c)
		c = cmp_i64((int64_t)a->ds, (int64_t)b->ds);
	if (rev && by == LW_SORT_NAME)
		c = -c;
	return c;
}

void lw_tui_rows_sort(struct lw_tui_row *r, size_t n, enum lw_tui_sort by,
		      bool reverse)
{
	int key = (int)by + (reverse ? 100 : 0);

	if (n > 1)
		qsort_r(r, n, sizeof *r, row_cmp, &key);
}
