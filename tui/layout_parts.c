/* layout_parts.c - the detail's partitions (period and missing ones) and
 * schema drift against the previous observation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <time.h>
#include <math.h>
#include "lakewatch/util.h"
#include "lakewatch/tui_layout.h"

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_time(const void *a, const void *b)
{
	return cmp_i64(*(const int64_t *)a, *(const int64_t *)b);
}

static int64_t add_month(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	tm.tm_mon++;
	return (int64_t)timegm(&tm);
}

int64_t lw_tui_part_gaps(const int64_t *times, size_t n, int64_t *gaps,
			 size_t max, size_t *ngaps)
{
	int64_t *t, step = 0;
	size_t k = 0, i;
	bool month = false;

	*ngaps = 0;
	if (!times || n < 2)
		return 0;
	t = malloc(n * sizeof *t);
	if (!t)
		return 0;
	for (i = 0; i < n; i++)
		if (times[i] >= 0)
			t[k++] = times[i];
	lw_sort(t, k, sizeof *t, cmp_time);
	/* distinct */
	for (i = 1, n = k ? 1 : 0; i < k; i++)
		if (t[i] != t[n - 1])
			t[n++] = t[i];
	for (i = 1; i < n; i++)
		if (!step || t[i] - t[i - 1] < step)
			step = t[i] - t[i - 1];
	if (!step) {
		free(t);
		return 0;
	}
	if (step >= 28 * 86400 && step <= 31 * 86400) {
		month = true;
		step = 30 * 86400;
	} else if (step % 3600 == 0 && step % 86400 && step < 86400) {
		/* whole hours: keep */
	} else if (step > 86400 * 6 && step < 86400 * 8) {
		step = 7 * 86400;
	}
	for (i = 1; i < n; i++) {
		if (month) {
			int64_t x = add_month(t[i - 1]);
			int guard = 0;

			for (; x < t[i] && guard < 100000; guard++) {
				if (*ngaps < max)
					gaps[*ngaps] = x;
				(*ngaps)++;
				x = add_month(x);
			}
			continue;
		}
		int64_t missing = (t[i] - t[i - 1]) / step - 1;

		for (int64_t m = 1; m <= missing; m++) {
			if (*ngaps < max)
				gaps[*ngaps] = t[i - 1] + m * step;
			(*ngaps)++;
			if (*ngaps >= max) {
				*ngaps += (size_t)(missing - m);
				break;
			}
		}
	}
	free(t);
	return step;
}

static const struct lw_column *find_col(const struct lw_schema *s,
					const char *name)
{
	size_t i;

	for (i = 0; s && i < s->n; i++)
		if (s->cols[i].name && name && !strcmp(s->cols[i].name, name))
			return &s->cols[i];
	return NULL;
}

static bool same_type(const struct lw_column *a, const struct lw_column *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == LW_T_DECIMAL)
		return a->precision == b->precision && a->scale == b->scale;
	return true;
}

size_t lw_tui_schema_diff(const struct lw_schema *now,
			  const struct lw_schema *prev,
			  struct lw_tui_coldiff *out, size_t max)
{
	size_t i, k = 0;

	for (i = 0; now && i < now->n && k < max; i++) {
		const struct lw_column *c = &now->cols[i], *w;

		out[k].col = c;
		out[k].was = NULL;
		out[k].kind = LW_COL_SAME;
		if (prev) {
			w = find_col(prev, c->name);
			if (!w) {
				out[k].kind = LW_COL_ADDED;
			} else if (!same_type(c, w)) {
				out[k].kind = LW_COL_RETYPED;
				out[k].was = w;
			}
		}
		k++;
	}
	for (i = 0; prev && i < prev->n && k < max; i++) {
		if (find_col(now, prev->cols[i].name))
			continue;
		out[k].col = &prev->cols[i];
		out[k].was = NULL;
		out[k].kind = LW_COL_REMOVED;
		k++;
	}
	return k;
}
