/* layout_cells.c - what goes into the overview and the tables: health-matrix
 * cells, the consumers' "why" lines, table columns that fit the width,
 * scrolling, and row-count changes. */
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
