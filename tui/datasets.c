/* datasets.c - screen 2: every dataset in a table, sortable by any column,
 * with a live PCRE2 filter (/), a problems-only toggle (x) and the
 * source/layer/consumer filters the overview sets. Enter opens one. A
 * muted incident is hidden until its mute ends: a dataset's status leaves
 * its muted checks out (a dataset whose every problem is muted says
 * "muted" and is no problem for x), until M shows them. */
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

struct ds_state {
	struct lw_tui_row *rows;	/* one per dataset of the view config */
	size_t nrows;
	size_t *vis;		/* indexes into rows that pass the filters */
	size_t nvis;
	int sel, top;
	enum lw_tui_sort sort;
	bool sort_rev, problems;
	bool show_muted;	/* M: statuses with muted checks in them */
	int nmuted;		/* rows with a muted problem */
	int64_t next_unmute;	/* the first mute to end, 0: none */
	char filter[256];
	pcre2_code *filter_re;	/* owned */
	char filter_err[160];
	bool editing;		/* typing the filter: every key is ours */
	char filter_before[256];
	int f_source, f_layer, f_consumer;	/* -1: no such filter */
};

static char *sel_name(const struct ds_state *s);
static void refilter(struct lw_app *a, struct ds_state *s, char *keep);

static void clear_filters(struct ds_state *s)
{
	s->f_source = s->f_layer = s->f_consumer = -1;
}

/* Rows for the view config, from the displayed run; keeps the selected
 * dataset selected. */
static void rebuild(struct lw_app *a, void *st)
{
	struct ds_state *s = st;
	const struct lw_config *cfg = lw_app_cfg(a);
	int64_t now = lw_app_now();
	size_t n = cfg ? cfg->ndatasets : 0;
	char *keep = sel_name(s);	/* before the old rows go */

	free(s->rows);
	s->rows = n ? lw_xcalloc(n, sizeof *s->rows) : NULL;
	s->nrows = n;
	for (size_t i = 0; i < n; i++) {
		const struct lw_dataset *d = &cfg->datasets[i];
		struct lw_tui_row *r = &s->rows[i];

		r->ds = i;
		r->name = d->name;
		r->source = d->source >= 0 && (size_t)d->source <
			    cfg->nsources ? cfg->sources[d->source].title : "";
		r->layer = (int)d->layer;
		lw_tui_row_fill(r, lw_app_dsrun(a, i), now);
	}
	refilter(a, s, keep);
}

static bool row_passes(const struct lw_app *a, const struct ds_state *s,
		       const struct lw_tui_row *r, pcre2_match_data *md)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *d = &cfg->datasets[r->ds];

	if (s->problems && (!r->polled || r->status == LW_PASS))
		return false;
	if (s->f_source >= 0 && d->source != s->f_source)
		return false;
	if (s->f_layer >= 0 && (int)d->layer != s->f_layer)
		return false;
	if (s->f_consumer >= 0 && !lw_dataset_has_consumer(d, s->f_consumer))
		return false;
	if (s->filter_re && pcre2_match(s->filter_re, (PCRE2_SPTR)d->name,
					PCRE2_ZERO_TERMINATED, 0, 0, md,
					NULL) < 0)
		return false;
	return true;
}

/* The selected dataset's name (owned copy), to select it again. */
static char *sel_name(const struct ds_state *s)
{
	if (s->sel >= 0 && (size_t)s->sel < s->nvis && s->vis &&
	    s->vis[s->sel] < s->nrows)
		return lw_xstrdup(s->rows[s->vis[s->sel]].name);
	return NULL;
}

static void refilter_keep(struct lw_app *a, struct ds_state *s)
{
	refilter(a, s, sel_name(s));
}

/* One row's shown status: the worst of its checks that are not muted
 * (show_muted: of every check). Returns when its first mute ends, or 0. */
static int64_t row_mutes(const struct lw_app *a, struct lw_tui_row *r,
			 bool show_muted, int64_t now)
{
	const struct lw_ds_run *dr = lw_app_dsrun(a, r->ds);
	enum lw_status worst = LW_PASS;
	int64_t first = 0;

	r->status = r->status_all;
	r->nmuted = 0;
	if (!r->polled || !dr || r->status_all == LW_PASS)
		return 0;
	for (size_t i = 0; i < dr->nresults; i++) {
		const struct lw_result *res = &dr->results[i];
		int64_t until = res->status == LW_PASS ? 0 :
				lw_incidents_muted(a, r->name, res->check, now);

		if (until) {
			r->nmuted++;
			if (!first || until < first)
				first = until;
		} else if (res->status > worst)
			worst = res->status;
	}
	if (r->nmuted && !show_muted)
		r->status = worst;
	return first;
}

/* Every row's shown status, and when the first mute ends. */
static void apply_mutes(struct lw_app *a, struct ds_state *s)
{
	int64_t now = lw_app_now();

	s->nmuted = 0;
	s->next_unmute = 0;
	for (size_t i = 0; i < s->nrows; i++) {
		int64_t t = row_mutes(a, &s->rows[i], s->show_muted, now);

		s->nmuted += s->rows[i].nmuted > 0;
		if (t && (!s->next_unmute || t < s->next_unmute))
			s->next_unmute = t;
	}
}

/* Sort, then list the rows that pass every filter; frees keep. */
static void refilter(struct lw_app *a, struct ds_state *s, char *keep)
{
	pcre2_match_data *md = NULL;

	apply_mutes(a, s);
	lw_tui_rows_sort(s->rows, s->nrows, s->sort, s->sort_rev);
	free(s->vis);
	s->vis = s->nrows ? lw_xcalloc(s->nrows, sizeof *s->vis) : NULL;
	s->nvis = 0;
	if (s->filter_re)
		md = pcre2_match_data_create_from_pattern(s->filter_re, NULL);
	for (size_t i = 0; i < s->nrows; i++)
		if (row_passes(a, s, &s->rows[i], md))
			s->vis[s->nvis++] = i;
	if (md)
		pcre2_match_data_free(md);
	s->sel = 0;
	for (size_t i = 0; keep && i < s->nvis; i++)
		if (!strcmp(s->rows[s->vis[i]].name, keep)) {
			s->sel = (int)i;
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
		else if (r->nmuted && r->status == LW_PASS &&
			 r->status_all != LW_PASS)
			snprintf(b, n, "%s", "muted");
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
	if (c == C_STATUS && r->nmuted && r->status == LW_PASS &&
	    r->status_all != LW_PASS)
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

static void draw_chips(struct lw_app *a, const struct ds_state *s, int y)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	char t[700];
	int n = 0;

	if (s->filter[0])
		n += snprintf(t + n, sizeof t - n, "filter /%s/  ", s->filter);
	if (s->f_source >= 0 && cfg && (size_t)s->f_source < cfg->nsources)
		n += snprintf(t + n, sizeof t - n, "source: %s  ",
			      cfg->sources[s->f_source].title);
	if (s->f_layer >= 0)
		n += snprintf(t + n, sizeof t - n, "layer: %s  ",
			      lw_layer_title(s->f_layer));
	if (s->f_consumer >= 0 && cfg &&
	    (size_t)s->f_consumer < cfg->nconsumers)
		n += snprintf(t + n, sizeof t - n, "consumer: %s  ",
			      cfg->consumers[s->f_consumer].title);
	if (s->problems)
		n += snprintf(t + n, sizeof t - n, "problems only  ");
	if (s->nmuted)
		n += snprintf(t + n, sizeof t - n, "%d muted %s (M %s)  ",
			      s->nmuted, s->show_muted ? "shown" : "hidden",
			      s->show_muted ? "hides" : "shows");
	snprintf(t + n, sizeof t - n, "%zu of %zu datasets%s", s->nvis,
		 s->nrows, n ? "  (c clears)" : "");
	lw_draw_text(a, y, 0, a->W, LW_R_ACCENT, t);
}

static void ds_draw(struct lw_app *a, void *st, int y0, int h)
{
	struct ds_state *s = st;
	struct lw_tui_col col[C_N];
	int vis;

	/* a mute that ended since the rows were made is over: show it */
	if (s->next_unmute && lw_app_now() >= s->next_unmute)
		refilter_keep(a, s);
	memcpy(col, col_tmpl, sizeof col);
	lw_tui_columns(col, C_N, a->W - 1, C_NAME);
	draw_chips(a, s, y0);
	/* header with the sort mark */
	lw_draw_fill(a, y0 + 1, 0, a->W, LW_R_TITLE);
	for (int c = 0; c < C_N; c++) {
		char t[64];

		if (!col[c].w)
			continue;
		snprintf(t, sizeof t, "%s%s", col[c].title, (int)s->sort == c ?
			 (s->sort_rev ? (a->ascii ? "^" : "\xe2\x96\xb2") :
			  (a->ascii ? "v" : "\xe2\x96\xbc")) : "");
		lw_draw_str(a, y0 + 1, col[c].x + (col[c].right ? col[c].w -
			    lw_tui_width(t, a->ascii) : 0), col[c].w,
			    (int)s->sort == c ? LW_R_ACCENT : LW_R_TITLE, t);
		lw_draw_hit(a, y0 + 1, col[c].x, 1, col[c].w, HIT_HEADER, c,
			    0);
	}
	vis = h - 2;
	if (vis < 1)
		return;
	if (!s->nvis) {
		lw_draw_str(a, y0 + 2, 1, a->W - 2, LW_R_DIM,
			    s->nrows ? "no dataset matches the filters" :
			    "no datasets");
		return;
	}
	if (s->sel >= (int)s->nvis)
		s->sel = (int)s->nvis - 1;
	s->top = lw_tui_scroll(s->sel, s->top, vis, (int)s->nvis);
	for (int i = 0; i < vis && s->top + i < (int)s->nvis; i++) {
		int k = s->top + i, y = y0 + 2 + i;
		const struct lw_tui_row *r = &s->rows[s->vis[k]];
		bool sel = k == s->sel;

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

static void set_sort(struct lw_app *a, struct ds_state *s, int c)
{
	if ((int)s->sort == c)
		s->sort_rev = !s->sort_rev;
	else {
		s->sort = (enum lw_tui_sort)c;
		s->sort_rev = false;
	}
	refilter_keep(a, s);
}

static void open_sel(struct lw_app *a, const struct ds_state *s)
{
	if (s->nvis && s->sel >= 0 && s->sel < (int)s->nvis)
		lw_detail_open(a, s->rows[s->vis[s->sel]].name);
}

static bool filter_key(struct lw_app *a, struct ds_state *s, int ch);

static bool ds_key(struct lw_app *a, void *st, int ch)
{
	struct ds_state *s = st;

	if (s->editing)
		return filter_key(a, s, ch);
	switch (ch) {
	case '\n': case '\r': case KEY_ENTER:
		open_sel(a, s);
		return true;
	case '/':
		s->editing = true;
		snprintf(s->filter_before, sizeof s->filter_before, "%s",
			 s->filter);
		return true;
	case 'x':
		s->problems = !s->problems;
		refilter_keep(a, s);
		return true;
	case 'M':
		s->show_muted = !s->show_muted;
		refilter_keep(a, s);
		return true;
	case 's':
		s->sort = (enum lw_tui_sort)((s->sort + 1) % LW_SORT_N);
		s->sort_rev = false;
		refilter_keep(a, s);
		return true;
	case 'S':
		s->sort_rev = !s->sort_rev;
		refilter_keep(a, s);
		return true;
	case 'c':
		clear_filters(s);
		s->filter[0] = 0;
		if (s->filter_re)
			pcre2_code_free(s->filter_re);
		s->filter_re = NULL;
		s->problems = false;
		refilter_keep(a, s);
		return true;
	}
	if (ch >= KEY_F(1) && ch < KEY_F(1) + C_N) {
		set_sort(a, s, ch - KEY_F(1));
		return true;
	}
	return lw_keys_move(ch, &s->sel, (int)s->nvis, a->H - 6);
}

/* Compile the filter as typed; a pattern that does not compile keeps the
 * last good one and says why. */
static void filter_changed(struct lw_app *a, struct ds_state *s)
{
	int ec;
	PCRE2_SIZE off;
	pcre2_code *re = NULL;

	s->filter_err[0] = 0;
	if (s->filter[0]) {
		re = pcre2_compile((PCRE2_SPTR)s->filter,
				   PCRE2_ZERO_TERMINATED, PCRE2_CASELESS |
				   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec,
				   &off, NULL);
		if (!re) {
			char m[120];

			pcre2_get_error_message(ec, (PCRE2_UCHAR *)m, sizeof m);
			snprintf(s->filter_err, sizeof s->filter_err,
				 "at %zu: %s", (size_t)off, m);
			return;
		}
	}
	if (s->filter_re)
		pcre2_code_free(s->filter_re);
	s->filter_re = re;
	refilter_keep(a, s);
}

static bool filter_key(struct lw_app *a, struct ds_state *s, int ch)
{
	size_t n = strlen(s->filter);

	switch (ch) {
	case KEY_ESC:
		s->editing = false;
		s->filter[0] = 0;
		filter_changed(a, s);
		return true;
	case '\n': case '\r': case KEY_ENTER:
		s->editing = false;
		if (s->filter_err[0]) {
			snprintf(s->filter, sizeof s->filter, "%s",
				 s->filter_before);
			filter_changed(a, s);
		}
		return true;
	case KEY_BACKSPACE: case 127: case CTRL('h'):
		if (!n) {
			s->editing = false;
			return true;
		}
		/* drop a whole UTF-8 character */
		while (n > 0 && ((unsigned char)s->filter[n - 1] & 0xc0) ==
		       0x80)
			n--;
		if (n > 0)
			n--;
		s->filter[n] = 0;
		filter_changed(a, s);
		return true;
	case CTRL('u'):
		s->filter[0] = 0;
		filter_changed(a, s);
		return true;
	}
	if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && n + 1 < sizeof s->filter) {
		s->filter[n] = (char)ch;
		s->filter[n + 1] = 0;
		filter_changed(a, s);
		return true;
	}
	return true;	/* everything else is swallowed while typing */
}

static void ds_click(struct lw_app *a, void *st, const struct lw_hit *h,
		     bool dbl)
{
	struct ds_state *s = st;

	if (h->kind == HIT_HEADER) {
		set_sort(a, s, h->a);
	} else if (h->kind == HIT_ROW) {
		bool was = s->sel == h->a;

		s->sel = h->a;
		if (dbl || was)
			open_sel(a, s);
	}
}

/* Typing a filter: the filter line replaces the footer. */
static bool ds_footer(struct lw_app *a, void *st, int y)
{
	const struct ds_state *s = st;
	char t[400];
	int x;

	if (!s->editing)
		return false;
	snprintf(t, sizeof t, "/%s", s->filter);
	x = lw_draw_str(a, y, 0, a->W - 1, LW_R_FOOTER, t);
	if (s->filter_err[0])
		lw_draw_str(a, y, x + 2, a->W - x - 2, LW_R_ERROR,
			    s->filter_err);
	else
		lw_draw_str(a, y, x + 2, a->W - x - 2, LW_R_FOOTER,
			    "(Enter keep, Esc clear)");
	move(y, x);	/* the cursor shows where typing goes */
	return true;
}

static bool ds_captures(const struct lw_app *a, const void *st)
{
	(void)a;
	return ((const struct ds_state *)st)->editing;
}

/* Borrowed from the rows (valid until the next rebuild), or NULL. */
static const char *ds_selected(const struct lw_app *a, const void *st)
{
	const struct ds_state *s = st;

	(void)a;
	if (s->sel >= 0 && (size_t)s->sel < s->nvis && s->vis &&
	    s->vis[s->sel] < s->nrows)
		return s->rows[s->vis[s->sel]].name;
	return NULL;
}

/* See view.h. */
void lw_datasets_mutes_changed(struct lw_app *a)
{
	struct ds_state *s = a->vst ? lw_app_state(a, &lw_view_datasets) :
			     NULL;

	if (s)
		refilter_keep(a, s);
}

void lw_datasets_show(struct lw_app *a, int source, int layer, int consumer)
{
	struct ds_state *s = lw_app_state(a, &lw_view_datasets);

	clear_filters(s);
	s->f_source = source;
	s->f_layer = layer;
	s->f_consumer = consumer;
	lw_app_show(a, &lw_view_datasets);
	refilter_keep(a, s);
}

void lw_datasets_search(struct lw_app *a)
{
	struct ds_state *s = lw_app_state(a, &lw_view_datasets);

	/* a new search over every dataset: Esc comes back to none */
	clear_filters(s);
	s->filter[0] = 0;
	s->filter_before[0] = 0;
	lw_app_show(a, &lw_view_datasets);
	refilter_keep(a, s);
	s->editing = true;
}

/* The caller (the app) owns the state; ds_free gives it back. */
static void *ds_init(struct lw_app *a)
{
	struct ds_state *s = lw_xcalloc(1, sizeof *s);

	(void)a;
	clear_filters(s);
	s->sort = LW_SORT_STATUS;
	return s;
}

static void ds_free(void *st)
{
	struct ds_state *s = st;

	if (!s)
		return;
	free(s->rows);
	free(s->vis);
	if (s->filter_re)
		pcre2_code_free(s->filter_re);
	free(s);
}

const struct lw_view_ops lw_view_datasets = {
	.name = "Datasets",
	.key = '2',
	.summary = "datasets",
	.footer = " / filter  x problems  M muted  s/S sort  c clear  "
		  "Enter open  Esc back  r poll  ? help  q quit",
	.init = ds_init,
	.free = ds_free,
	.draw = ds_draw,
	.handle_key = ds_key,
	.click = ds_click,
	.on_run = rebuild,
	.selected = ds_selected,
	.captures = ds_captures,
	.draw_footer = ds_footer,
};
