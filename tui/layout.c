/* layout.c - pure layout and formatting for the dashboard (no curses):
 * text width and fitting, glyphs, sparklines, matrix cells, consumer
 * "why" lines, table columns, sorting, partition gaps and schema drift. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <time.h>
#include <math.h>
#include "lakewatch/util.h"
#include "lakewatch/tui_layout.h"

static const char *const status_word[LW_NSTATUS] = {
	"PASS", "WARN", "FAIL", "ERROR"
};

/* Decode one UTF-8 code point at *p (NUL-terminated). Invalid or
 * overlong sequences give U+FFFD and consume one byte, so every byte is
 * accounted for and we never read past the NUL. */
static uint32_t next_cp(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint32_t c = p[0];
	int len, i;

	if (c < 0x80) {
		*pp = p + 1;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) { len = 2; c &= 0x1f; }
	else if (c >= 0xe0 && c <= 0xef) { len = 3; c &= 0x0f; }
	else if (c >= 0xf0 && c <= 0xf4) { len = 4; c &= 0x07; }
	else goto bad;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*pp = p + len;
	return c;
bad:
	*pp = p + 1;
	return 0xfffd;
}

/* Columns one code point takes, and whether it must be drawn as '?'. */
static int cp_width(uint32_t c, bool ascii, bool *subst)
{
	int w;

	*subst = false;
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
	    (ascii && c >= 0x80)) {
		*subst = true;
		return 1;
	}
	if (c < 0x80)
		return 1;
	w = wcwidth((wchar_t)c);
	if (w < 0) {
		*subst = true;
		return 1;
	}
	return w;
}

int lw_tui_width(const char *s, bool ascii)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int w = 0;
	bool sub;

	while (*p)
		w += cp_width(next_cp(&p), ascii, &sub);
	return w;
}

int lw_tui_fit(char *dst, size_t n, const char *s, int width, bool ascii)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const char *ell = ascii ? "~" : "\xe2\x80\xa6";
	size_t o = 0, ellen = strlen(ell);
	int used = 0, room;
	bool cut, sub;

	if (!n)
		return 0;
	if (width < 0)
		width = 0;
	cut = lw_tui_width(s, ascii) > width;
	room = cut ? width - 1 : width;
	while (*p) {
		const unsigned char *start = p;
		uint32_t c = next_cp(&p);
		int w = cp_width(c, ascii, &sub);
		size_t blen = sub ? 1 : (size_t)(p - start);

		if (used + w > room || o + blen + ellen + 1 > n)
			break;
		if (sub)
			dst[o] = '?';
		else
			memcpy(dst + o, start, blen);
		o += blen;
		used += w;
	}
	if (cut && width > 0 && o + ellen + 1 <= n) {
		memcpy(dst + o, ell, ellen);
		o += ellen;
		used++;
	}
	dst[o] = 0;
	return used;
}

const char *lw_tui_glyph(enum lw_status s, bool ascii)
{
	static const char *const u[LW_NSTATUS] = {
		"\xe2\x9c\x93", "!", "\xe2\x9c\x97", "\xe2\x8a\x98"
	};
	static const char *const a[LW_NSTATUS] = { "+", "!", "X", "E" };

	if ((unsigned)s >= LW_NSTATUS)
		return "?";
	return ascii ? a[s] : u[s];
}

const char *lw_tui_spark(char *dst, size_t n, const int64_t *v, size_t nv,
			 int width, bool ascii)
{
	static const char ramp[] = "_.:-=+*#";
	size_t first, i, o = 0;
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	if (!n)
		return dst;
	dst[0] = 0;
	if (width <= 0 || !v)
		return dst;
	first = nv > (size_t)width ? nv - (size_t)width : 0;
	for (i = first; i < nv; i++) {
		if (v[i] < 0)
			continue;
		if (v[i] < lo) lo = v[i];
		if (v[i] > hi) hi = v[i];
	}
	for (i = first; i < nv; i++) {
		int lvl;

		if (o + 4 >= n)
			break;
		if (v[i] < 0) {
			dst[o++] = ' ';
			continue;
		}
		if (hi == lo)
			lvl = 3;
		else
			lvl = (int)((double)(v[i] - lo) * 7.0 /
				    (double)(hi - lo) + 0.5);
		if (ascii) {
			dst[o++] = ramp[lvl];
		} else {
			/* U+2581..U+2588: e2 96 81..88 */
			dst[o++] = (char)0xe2;
			dst[o++] = (char)0x96;
			dst[o++] = (char)(0x81 + lvl);
		}
	}
	dst[o] = 0;
	return dst;
}

const char *lw_tui_cell(char *dst, size_t n, const struct lw_rollup *r,
			bool polled, int width, bool ascii)
{
	static const char letter[LW_NSTATUS] = { 'p', 'w', 'f', 'e' };
	char t[96];
	int st, k, len;

	if (!n)
		return dst;
	if (r->total == 0) {
		lw_tui_fit(dst, n, "-", width, ascii);
		return dst;
	}
	if (!polled) {
		lw_tui_fit(dst, n, "pending", width, ascii);
		return dst;
	}
	st = r->status;
	if (st < 0 || st >= LW_NSTATUS)
		st = LW_ERROR;
	/* Tier 1: every non-zero count. */
	len = snprintf(t, sizeof t, "%s %s", lw_tui_glyph(st, ascii),
		       status_word[st]);
	for (k = 0; k < LW_NSTATUS; k++)
		if (r->counts[k] > 0 && len < (int)sizeof t)
			len += snprintf(t + len, sizeof t - len, " %d%c",
					r->counts[k], letter[k]);
	if (lw_tui_width(t, ascii) <= width)
		goto out;
	/* Tier 2: not passing of total. */
	snprintf(t, sizeof t, "%s %s %d/%d", lw_tui_glyph(st, ascii),
		 status_word[st], r->total - r->counts[LW_PASS], r->total);
	if (lw_tui_width(t, ascii) <= width)
		goto out;
	snprintf(t, sizeof t, "%s %s", lw_tui_glyph(st, ascii),
		 status_word[st]);
	if (lw_tui_width(t, ascii) <= width)
		goto out;
	snprintf(t, sizeof t, "%s", lw_tui_glyph(st, ascii));
out:
	lw_tui_fit(dst, n, t, width, ascii);
	return dst;
}

static const char *check_word(const char *check)
{
	if (!check)
		return "";
	if (!strcmp(check, "freshness"))
		return "stale";
	if (!strcmp(check, "row_count"))
		return "rows";
	if (!strcmp(check, "change"))
		return "row change";
	return check;
}

/* Checks whose measured value says it all ("stale 7h (warn 2h)"); for the
 * others (schema, files, partitions, refresh, ...) the message does. */
static bool measure_speaks(const char *check)
{
	static const char *const numeric[] = {"freshness", "row_count",
		"change", "last_load", "live_files", "checkpoint_age", NULL};
	for (const char *const *c = numeric; check && *c; c++)
		if (!strcmp(check, *c))
			return true;
	return false;
}

const char *lw_tui_why(char *dst, size_t n, const struct lw_ds_run *dr,
		       const struct lw_result *res)
{
	const char *name = dr && dr->ds && dr->ds->name ? dr->ds->name : "?";

	if (!n)
		return dst;
	dst[0] = 0;
	if (!dr || dr->status == LW_PASS)
		return dst;
	if (!res) {
		snprintf(dst, n, "%s: %s", name,
			 !dr->obs.ok && dr->obs.error ? dr->obs.error :
			 status_word[dr->status < LW_NSTATUS ?
				     dr->status : LW_ERROR]);
	} else if (res->status != LW_ERROR && res->measured &&
		   *res->measured && measure_speaks(res->check)) {
		if (res->threshold && *res->threshold)
			snprintf(dst, n, "%s %s %s (%s)", name,
				 check_word(res->check), res->measured,
				 res->threshold);
		else
			snprintf(dst, n, "%s %s %s", name,
				 check_word(res->check), res->measured);
	} else {
		snprintf(dst, n, "%s %s: %s", name,
			 res->check ? res->check : "check",
			 res->message ? res->message : "");
	}
	return dst;
}

int lw_tui_columns(struct lw_tui_col *c, size_t n, int width, int flex)
{
	bool *on = calloc(n ? n : 1, sizeof *on);
	size_t i, shown = n;
	int used, left;

	if (!on)
		return 0;
	for (i = 0; i < n; i++)
		on[i] = true;
	for (;;) {
		size_t worst = n;

		used = 0;
		for (i = 0; i < n; i++)
			if (on[i])
				used += c[i].min + 1;
		used -= shown ? 1 : 0;
		if (used <= width || shown <= 1)
			break;
		for (i = 0; i < n; i++)
			if (on[i] && (int)i != flex &&
			    (worst == n || c[i].prio > c[worst].prio))
				worst = i;
		if (worst == n)
			break;
		on[worst] = false;
		shown--;
	}
	for (i = 0; i < n; i++)
		c[i].w = on[i] ? c[i].min : 0;
	left = width - used;
	/* The flex column (names) first reaches its preferred width: it is
	 * what people read; then the others, most important first. */
	if (flex >= 0 && (size_t)flex < n && on[flex] && left > 0 &&
	    c[flex].pref > c[flex].w) {
		int want = c[flex].pref - c[flex].w;

		if (want > left)
			want = left;
		c[flex].w += want;
		left -= want;
	}
	for (int p = 0; left > 0 && p < 100; p++)
		for (i = 0; i < n && left > 0; i++) {
			int want;

			if (!on[i] || (int)i == flex || c[i].prio != p)
				continue;
			want = c[i].pref - c[i].w;
			if (want > left)
				want = left;
			if (want > 0) {
				c[i].w += want;
				left -= want;
			}
		}
	if (flex >= 0 && (size_t)flex < n && on[flex] && left > 0)
		c[flex].w += left;
	if (shown == 1)
		for (i = 0; i < n; i++)
			if (on[i] && c[i].w > width)
				c[i].w = width;
	used = 0;
	for (i = 0; i < n; i++) {
		c[i].x = used;
		if (on[i])
			used += c[i].w + 1;
	}
	free(on);
	return (int)shown;
}

int lw_tui_scroll(int sel, int top, int visible, int total)
{
	if (visible <= 0 || total <= 0)
		return 0;
	if (sel < top)
		top = sel;
	if (sel >= top + visible)
		top = sel - visible + 1;
	if (top > total - visible)
		top = total - visible;
	if (top < 0)
		top = 0;
	return top;
}

const char *lw_tui_change(char *dst, size_t n, int64_t rows, int64_t prev)
{
	double pct;

	if (rows < 0 || prev < 0) {
		snprintf(dst, n, "-");
	} else if (prev == 0) {
		snprintf(dst, n, rows ? "new" : "0%%");
	} else {
		pct = ((double)rows - (double)prev) * 100.0 / (double)prev;
		if (pct == 0)
			snprintf(dst, n, "0%%");
		else if (fabs(pct) >= 10 || fabs(pct) < 0.05)
			snprintf(dst, n, "%+.0f%%", pct);
		else
			snprintf(dst, n, "%+.1f%%", pct);
	}
	return dst;
}

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
	r->status = LW_PASS;
	r->age = r->rows = r->files = -1;
	r->has_change = false;
	r->change = 0;
	r->schema = LW_SCH_NONE;
	if (!dr)
		return;
	r->status = dr->status;
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
