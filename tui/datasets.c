/* datasets.c - screen 2: every dataset in a table, sortable by any column,
 * with a live PCRE2 filter (/), a problems-only toggle (x) and the
 * source/layer/consumer filters the overview sets. Enter opens one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "lakewatch/util.h"

enum { C_STATUS, C_NAME, C_SOURCE, C_LAYER, C_AGE, C_ROWS, C_CHANGE,
       C_SCHEMA, C_FILES, C_N };

/* Columns map one to one onto the sort keys. */
static const struct lw_tui_col col_tmpl[C_N] = {
	[C_STATUS] = { "status", 7, 7, 0, false },
	[C_NAME] = { "dataset", 12, 40, 0, false },
	[C_SOURCE] = { "source", 6, 16, 4, false },
	[C_LAYER] = { "layer", 6, 8, 2, false },
	[C_AGE] = { "age", 5, 6, 1, true },
	[C_ROWS] = { "rows", 5, 7, 1, true },
	[C_CHANGE] = { "change", 6, 7, 3, true },
	[C_SCHEMA] = { "schema", 6, 6, 3, false },
	[C_FILES] = { "files", 5, 6, 5, true },
};

static char *sel_name(const struct lw_app *a);
static void refilter(struct lw_app *a, char *keep);

void lw_datasets_clear_filters(struct lw_app *a)
{
	a->f_source = a->f_layer = a->f_consumer = -1;
}

/* Rows for the view config, from the displayed run; keeps the selected
 * dataset selected. */
void lw_datasets_rebuild(struct lw_app *a)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	int64_t now = lw_app_now();
	size_t n = cfg ? cfg->ndatasets : 0;
	char *keep = sel_name(a);	/* before the old rows go */

	free(a->rows);
	a->rows = n ? lw_xcalloc(n, sizeof *a->rows) : NULL;
	a->nrows = n;
	for (size_t i = 0; i < n; i++) {
		const struct lw_dataset *d = &cfg->datasets[i];
		struct lw_tui_row *r = &a->rows[i];

		r->ds = i;
		r->name = d->name;
		r->source = d->source >= 0 && (size_t)d->source <
			    cfg->nsources ? cfg->sources[d->source].title : "";
		r->layer = (int)d->layer;
		lw_tui_row_fill(r, lw_app_dsrun(a, i), now);
	}
	refilter(a, keep);
}

static bool row_passes(const struct lw_app *a, const struct lw_tui_row *r,
		       pcre2_match_data *md)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *d = &cfg->datasets[r->ds];

	if (a->problems && (!r->polled || r->status == LW_PASS))
		return false;
	if (a->f_source >= 0 && d->source != a->f_source)
		return false;
	if (a->f_layer >= 0 && (int)d->layer != a->f_layer)
		return false;
	if (a->f_consumer >= 0 && !lw_dataset_has_consumer(d, a->f_consumer))
		return false;
	if (a->filter_re && pcre2_match(a->filter_re, (PCRE2_SPTR)d->name,
					PCRE2_ZERO_TERMINATED, 0, 0, md,
					NULL) < 0)
		return false;
	return true;
}

/* The selected dataset's name (owned copy), to select it again. */
static char *sel_name(const struct lw_app *a)
{
	if (a->sel >= 0 && (size_t)a->sel < a->nvis && a->vis &&
	    a->vis[a->sel] < a->nrows)
		return lw_xstrdup(a->rows[a->vis[a->sel]].name);
	return NULL;
}

void lw_datasets_refilter(struct lw_app *a)
{
	refilter(a, sel_name(a));
}

/* Sort, then list the rows that pass every filter; frees keep. */
static void refilter(struct lw_app *a, char *keep)
{
	pcre2_match_data *md = NULL;

	lw_tui_rows_sort(a->rows, a->nrows, a->sort, a->sort_rev);
	free(a->vis);
	a->vis = a->nrows ? lw_xcalloc(a->nrows, sizeof *a->vis) : NULL;
	a->nvis = 0;
	if (a->filter_re)
		md = pcre2_match_data_create_from_pattern(a->filter_re, NULL);
	for (size_t i = 0; i < a->nrows; i++)
		if (row_passes(a, &a->rows[i], md))
			a->vis[a->nvis++] = i;
	if (md)
		pcre2_match_data_free(md);
	a->sel = 0;
	for (size_t i = 0; keep && i < a->nvis; i++)
		if (!strcmp(a->rows[a->vis[i]].name, keep)) {
			a->sel = (int)i;
			break;
		}
	free(keep);
}

static void fmt_cell(const struct lw_app *a, const struct lw_tui_row *r,
		     int c, char *b, size_t n)
{
	char t[32];

	b[0] = 0;
	switch (c) {
	case C_STATUS:
		if (!r->polled)
			snprintf(b, n, "%s", "-");
		else
			snprintf(b, n, "%s %s", lw_tui_glyph(r->status,
				 a->ascii), lw_status_name(r->status));
		break;
	case C_NAME: snprintf(b, n, "%s", r->name); break;
	case C_SOURCE: snprintf(b, n, "%s", r->source); break;
	case C_LAYER: snprintf(b, n, "%s", lw_layer_name(r->layer)); break;
	case C_AGE:
		snprintf(b, n, "%s", r->age < 0 ? "-" :
			 lw_duration_fmt(r->age, t, sizeof t));
		break;
	case C_ROWS:
		snprintf(b, n, "%s", r->rows < 0 ? "-" :
			 lw_count_fmt(r->rows, t, sizeof t));
		break;
	case C_CHANGE:
		if (!r->has_change)
			snprintf(b, n, "-");
		else if (r->change == 0)
			snprintf(b, n, "0%%");
		else if (r->change >= 10 || r->change <= -10)
			snprintf(b, n, "%+.0f%%", r->change);
		else
			snprintf(b, n, "%+.1f%%", r->change);
		break;
	case C_SCHEMA: snprintf(b, n, "%s", lw_tui_schema_word(r->schema));
		break;
	case C_FILES:
		snprintf(b, n, "%s", r->files < 0 ? "-" :
			 lw_count_fmt(r->files, t, sizeof t));
		break;
	}
}

static int cell_role(const struct lw_tui_row *r, int c)
{
	if (!r->polled)
		return LW_R_DIM;
	if (c == C_STATUS)
		return lw_status_role(r->status);
	if (c == C_SCHEMA)
		return r->schema == LW_SCH_BAD ? LW_R_FAIL :
		       r->schema == LW_SCH_DRIFT ? LW_R_CHANGED : LW_R_NORMAL;
	if (c == C_CHANGE && r->has_change && (r->change <= -20 ||
					      r->change >= 200))
		return LW_R_WARN;
	return LW_R_NORMAL;
}

static void draw_chips(struct lw_app *a, int y)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	char t[700];
	int n = 0;

	if (a->filter[0])
		n += snprintf(t + n, sizeof t - n, "filter /%s/  ", a->filter);
	if (a->f_source >= 0 && cfg && (size_t)a->f_source < cfg->nsources)
		n += snprintf(t + n, sizeof t - n, "source: %s  ",
			      cfg->sources[a->f_source].title);
	if (a->f_layer >= 0)
		n += snprintf(t + n, sizeof t - n, "layer: %s  ",
			      lw_layer_title(a->f_layer));
	if (a->f_consumer >= 0 && cfg &&
	    (size_t)a->f_consumer < cfg->nconsumers)
		n += snprintf(t + n, sizeof t - n, "consumer: %s  ",
			      cfg->consumers[a->f_consumer].title);
	if (a->problems)
		n += snprintf(t + n, sizeof t - n, "problems only  ");
	snprintf(t + n, sizeof t - n, "%zu of %zu datasets%s", a->nvis,
		 a->nrows, n ? "  (c clears)" : "");
	lw_draw_text(a, y, 0, a->W, LW_R_ACCENT, t);
}

void lw_datasets_draw(struct lw_app *a, int y0, int h)
{
	struct lw_tui_col col[C_N];
	int vis;

	memcpy(col, col_tmpl, sizeof col);
	lw_tui_columns(col, C_N, a->W - 1, C_NAME);
	draw_chips(a, y0);
	/* header with the sort mark */
	lw_draw_fill(a, y0 + 1, 0, a->W, LW_R_TITLE);
	for (int c = 0; c < C_N; c++) {
		char t[64];

		if (!col[c].w)
			continue;
		snprintf(t, sizeof t, "%s%s", col[c].title, (int)a->sort == c ?
			 (a->sort_rev ? (a->ascii ? "^" : "\xe2\x96\xb2") :
			  (a->ascii ? "v" : "\xe2\x96\xbc")) : "");
		lw_draw_str(a, y0 + 1, col[c].x + (col[c].right ? col[c].w -
			    lw_tui_width(t, a->ascii) : 0), col[c].w,
			    (int)a->sort == c ? LW_R_ACCENT : LW_R_TITLE, t);
		lw_draw_hit(a, y0 + 1, col[c].x, 1, col[c].w, HIT_HEADER, c,
			    0);
	}
	vis = h - 2;
	if (vis < 1)
		return;
	if (!a->nvis) {
		lw_draw_str(a, y0 + 2, 1, a->W - 2, LW_R_DIM,
			    a->nrows ? "no dataset matches the filters" :
			    "no datasets");
		return;
	}
	if (a->sel >= (int)a->nvis)
		a->sel = (int)a->nvis - 1;
	a->top = lw_tui_scroll(a->sel, a->top, vis, (int)a->nvis);
	for (int i = 0; i < vis && a->top + i < (int)a->nvis; i++) {
		int k = a->top + i, y = y0 + 2 + i;
		const struct lw_tui_row *r = &a->rows[a->vis[k]];
		bool sel = k == a->sel;

		if (sel)
			lw_draw_fill(a, y, 0, a->W, LW_R_SELECTION);
		for (int c = 0; c < C_N; c++) {
			char b[512];
			int x = col[c].x;

			if (!col[c].w)
				continue;
			fmt_cell(a, r, c, b, sizeof b);
			if (col[c].right) {
				int w = lw_tui_width(b, a->ascii);

				if (w < col[c].w)
					x += col[c].w - w;
			}
			lw_draw_str(a, y, x, col[c].w, sel ? LW_R_SELECTION :
				    cell_role(r, c), b);
		}
		lw_draw_hit(a, y, 0, 1, a->W, HIT_ROW, k, 0);
	}
}

static void set_sort(struct lw_app *a, int c)
{
	if ((int)a->sort == c)
		a->sort_rev = !a->sort_rev;
	else {
		a->sort = (enum lw_tui_sort)c;
		a->sort_rev = false;
	}
	lw_datasets_refilter(a);
}

static void open_sel(struct lw_app *a)
{
	if (a->nvis && a->sel >= 0 && a->sel < (int)a->nvis)
		lw_detail_open(a, a->rows[a->vis[a->sel]].name);
}

bool lw_datasets_key(struct lw_app *a, int ch)
{
	switch (ch) {
	case '\n': case '\r': case KEY_ENTER:
		open_sel(a);
		return true;
	case '/':
		a->editing = true;
		snprintf(a->filter_before, sizeof a->filter_before, "%s",
			 a->filter);
		return true;
	case 'x':
		a->problems = !a->problems;
		lw_datasets_refilter(a);
		return true;
	case 's':
		a->sort = (enum lw_tui_sort)((a->sort + 1) % LW_SORT_N);
		a->sort_rev = false;
		lw_datasets_refilter(a);
		return true;
	case 'S':
		a->sort_rev = !a->sort_rev;
		lw_datasets_refilter(a);
		return true;
	case 'c':
		lw_datasets_clear_filters(a);
		a->filter[0] = 0;
		if (a->filter_re)
			pcre2_code_free(a->filter_re);
		a->filter_re = NULL;
		a->problems = false;
		lw_datasets_refilter(a);
		return true;
	}
	if (ch >= KEY_F(1) && ch < KEY_F(1) + C_N) {
		set_sort(a, ch - KEY_F(1));
		return true;
	}
	return lw_keys_move(ch, &a->sel, (int)a->nvis, a->H - 6);
}

/* Compile the filter as typed; a pattern that does not compile keeps the
 * last good one and says why. */
static void filter_changed(struct lw_app *a)
{
	int ec;
	PCRE2_SIZE off;
	pcre2_code *re = NULL;

	a->filter_err[0] = 0;
	if (a->filter[0]) {
		re = pcre2_compile((PCRE2_SPTR)a->filter,
				   PCRE2_ZERO_TERMINATED, PCRE2_CASELESS |
				   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec,
				   &off, NULL);
		if (!re) {
			char m[120];

			pcre2_get_error_message(ec, (PCRE2_UCHAR *)m, sizeof m);
			snprintf(a->filter_err, sizeof a->filter_err,
				 "at %zu: %s", (size_t)off, m);
			return;
		}
	}
	if (a->filter_re)
		pcre2_code_free(a->filter_re);
	a->filter_re = re;
	lw_datasets_refilter(a);
}

bool lw_filter_key(struct lw_app *a, int ch)
{
	size_t n = strlen(a->filter);

	switch (ch) {
	case KEY_ESC:
		a->editing = false;
		a->filter[0] = 0;
		filter_changed(a);
		return true;
	case '\n': case '\r': case KEY_ENTER:
		a->editing = false;
		if (a->filter_err[0]) {
			snprintf(a->filter, sizeof a->filter, "%s",
				 a->filter_before);
			filter_changed(a);
		}
		return true;
	case KEY_BACKSPACE: case 127: case CTRL('h'):
		if (!n) {
			a->editing = false;
			return true;
		}
		/* drop a whole UTF-8 character */
		while (n > 0 && ((unsigned char)a->filter[n - 1] & 0xc0) ==
		       0x80)
			n--;
		if (n > 0)
			n--;
		a->filter[n] = 0;
		filter_changed(a);
		return true;
	case CTRL('u'):
		a->filter[0] = 0;
		filter_changed(a);
		return true;
	}
	if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && n + 1 < sizeof a->filter) {
		a->filter[n] = (char)ch;
		a->filter[n + 1] = 0;
		filter_changed(a);
		return true;
	}
	return true;	/* everything else is swallowed while typing */
}

void lw_datasets_click(struct lw_app *a, const struct lw_hit *h, bool dbl)
{
	if (h->kind == HIT_HEADER) {
		set_sort(a, h->a);
	} else if (h->kind == HIT_ROW) {
		bool was = a->sel == h->a;

		a->sel = h->a;
		if (dbl || was)
			open_sel(a);
	}
}
