/* overview.c - screen 1: the health matrix (sources x layers), the
 * consumers panel (who is hurt, by which dataset and check) and the latest
 * status changes. Tab moves between the three panels; Enter opens the
 * datasets table filtered to a cell or consumer, or a change's dataset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "app.h"
#include "lakewatch/util.h"

#define MAX_CHANGES 50

struct ov_state {
	int panel;		/* 0 matrix, 1 consumers, 2 changes */
	int row, col, cons, chg;	/* selection in each panel */
	struct lw_hevent *chgs;	/* latest changes (owned) */
	size_t nchg;
};

/* Roll-up of a group, also before the first run (then only totals). */
static void rollup(const struct lw_app *a, int src, int layer, int cons,
		   struct lw_rollup *r)
{
	const struct lw_config *cfg = lw_app_cfg(a);

	memset(r, 0, sizeof *r);
	if (!cfg)
		return;
	if (a->run) {
		lw_rollup(cfg, a->run, src, layer, cons, r);
		return;
	}
	for (size_t i = 0; i < cfg->ndatasets; i++) {
		const struct lw_dataset *d = &cfg->datasets[i];

		if ((src < 0 || d->source == src) &&
		    (layer < 0 || (int)d->layer == layer) &&
		    (cons < 0 || lw_dataset_has_consumer(d, cons)))
			r->total++;
	}
}

/* Consumers, worst first (stable: config order within a status). */
static int cons_order(const struct lw_app *a, int *ord, struct lw_rollup *ru)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	int n = cfg ? (int)cfg->nconsumers : 0;

	for (int i = 0; i < n; i++) {
		ord[i] = i;
		rollup(a, -1, -1, i, &ru[i]);
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && ru[ord[j]].status >
		     ru[ord[j - 1]].status; j--) {
			int t = ord[j];

			ord[j] = ord[j - 1];
			ord[j - 1] = t;
		}
	return n;
}

/* The consumer's "why": the symptom, and for an impacted culprit its root
 * after an arrow, kept short so the root fits the line at 80 columns:
 * "gold.sales_daily ← bronze.orders stale 9h (fail at 6h)", or for a
 * failed run "powerbi.sales ← pl_load_sales failed 9h ago: Copy ...". */
static void root_why(const struct lw_app *a, char *why, size_t n,
		     const struct lw_ds_run *cd, const struct lw_result *cr)
{
	char r[300];
	const struct lw_ds_run *root = cd->root;

	if (!cd->impacted || !root) {
		lw_tui_run_why(why, n, cd, cr, lw_app_now());
		return;
	}
	/* a failed run names its pipeline, the run's age and its error */
	lw_tui_run_why(r, sizeof r, root, root->worst >= 0 &&
		       (size_t)root->worst < root->nresults ?
		       &root->results[root->worst] : NULL, lw_app_now());
	snprintf(why, n, "%s %s %s", cd->ds->name, a->ascii ? "<-" :
		 "\xe2\x86\x90", r);
}

/* "+N more" in a panel's bottom border (line y) when n of its rows do not
 * fit: at the smallest sizes nothing is hidden without saying so. */
static void more_marker(struct lw_app *a, int y, int n)
{
	char b[48];
	int w;

	if (n <= 0)
		return;
	snprintf(b, sizeof b, " +%d more ", n);
	w = (int)strlen(b);
	lw_draw_str(a, y, a->W - 2 - w, w, LW_R_TITLE, b);
}

static void draw_matrix(struct lw_app *a, const struct ov_state *o, int y,
			int h, bool focus)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	int ns = (int)cfg->nsources, srcw = 8, cw, x0 = 1, top;

	lw_draw_box(a, y, 0, h, a->W, "Health by source and layer", focus);
	for (int s = 0; s < ns; s++) {
		int w = lw_tui_width(cfg->sources[s].title, a->ascii);

		if (w > srcw)
			srcw = w;
	}
	if (srcw > 24)
		srcw = 24;
	cw = (a->W - 2 - srcw - 1) / LW_NLAYERS;
	if (cw < 3)
		cw = 3;
	lw_draw_str(a, y + 1, x0, srcw, LW_R_TITLE, "Source");
	for (int l = 0; l < LW_NLAYERS; l++)
		lw_draw_str(a, y + 1, x0 + srcw + 1 + l * cw, cw - 1,
			    LW_R_TITLE, lw_layer_title(l));
	h -= 3;
	top = lw_tui_scroll(o->row, 0, h, ns);
	for (int i = 0; i < h && top + i < ns; i++) {
		int s = top + i, yy = y + 2 + i;

		lw_draw_str(a, yy, x0, srcw, LW_R_NORMAL,
			    cfg->sources[s].title);
		for (int l = 0; l < LW_NLAYERS; l++) {
			struct lw_rollup r;
			char c[96];
			int x = x0 + srcw + 1 + l * cw;
			bool sel = focus && s == o->row && l == o->col;

			rollup(a, s, l, -1, &r);
			lw_tui_cell(c, sizeof c, &r, a->run != NULL, cw - 1,
				    a->ascii);
			if (sel) {
				/* a marker, not only reverse video (an
				 * ERROR cell is bold reverse without
				 * colour) */
				lw_tui_cell(c, sizeof c, &r, a->run != NULL,
					    cw - 2, a->ascii);
				lw_draw_fill(a, yy, x, cw - 1,
					     LW_R_SELECTION);
				lw_draw_str(a, yy, x, 1, LW_R_SELECTION,
					    a->ascii ? ">" : "\xe2\x96\xb8");
				lw_draw_str(a, yy, x + 1, cw - 2,
					    LW_R_SELECTION, c);
			}
			else
				lw_draw_str(a, yy, x, cw - 1, r.total &&
					    a->run ? lw_status_role(r.status) :
					    LW_R_DIM, c);
			lw_draw_hit(a, yy, x, 1, cw - 1, HIT_MATRIX, s, l);
		}
	}
	if (!ns)
		lw_draw_str(a, y + 2, x0, a->W - 2, LW_R_DIM,
			    "no sources in the config");
	more_marker(a, y + h + 2, ns - (h > 0 ? h : 0));
}

static void draw_consumers(struct lw_app *a, const struct ov_state *o,
			   int y, int h, bool focus)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	int n = (int)cfg->nconsumers, *ord, top;
	struct lw_rollup *ru;

	lw_draw_box(a, y, 0, h, a->W, "Consumers", focus);
	if (!n) {
		lw_draw_str(a, y + 1, 1, a->W - 2, LW_R_DIM,
			    "no consumers in the config");
		return;
	}
	ord = lw_xcalloc((size_t)n, sizeof *ord);
	ru = lw_xcalloc((size_t)n, sizeof *ru);
	cons_order(a, ord, ru);
	h -= 2;
	top = lw_tui_scroll(o->cons, 0, h, n);
	for (int i = 0; i < h && top + i < n; i++) {
		int k = top + i, c = ord[k], yy = y + 1 + i, x = 1;
		const struct lw_rollup *r = &ru[c];
		bool sel = focus && k == o->cons;
		char t[600], why[400];
		const struct lw_ds_run *cd;
		const struct lw_result *cr;
		const char *dash = a->ascii ? "-" : "\xe2\x80\x94";

		if (!a->run)
			snprintf(t, sizeof t, "%s %-7s", "?", "pending");
		else
			snprintf(t, sizeof t, "%s %-5s", lw_tui_glyph(
				 r->status, a->ascii),
				 lw_status_name(r->status));
		if (sel)
			lw_draw_fill(a, yy, 1, a->W - 2, LW_R_SELECTION);
		x += lw_draw_str(a, yy, x, a->W - 2, sel ? LW_R_SELECTION :
				 a->run ? lw_status_role(r->status) :
				 LW_R_DIM, t);
		x++;
		snprintf(t, sizeof t, " %s", cfg->consumers[c].title);
		x += lw_draw_str(a, yy, x, a->W - 1 - x, sel ?
				 LW_R_SELECTION : LW_R_NORMAL, t);
		why[0] = 0;
		cd = r->culprit;
		cr = r->culprit_result;
		lw_incidents_culprit(a, c, &cd, &cr);	/* muted: left out */
		if (a->run && cd)
			root_why(a, why, sizeof why, cd, cr);
		if (why[0]) {
			snprintf(t, sizeof t, " %s %s", dash, why);
			lw_draw_str(a, yy, x, a->W - 1 - x, sel ?
				    LW_R_SELECTION : lw_status_role(r->status),
				    t);
		}
		lw_draw_hit(a, yy, 1, 1, a->W - 2, HIT_CONSUMER, c, k);
	}
	more_marker(a, y + h + 1, n - (h > 0 ? h : 0));
	free(ord);
	free(ru);
}

static void draw_changes(struct lw_app *a, const struct ov_state *o, int y,
			 int h, bool focus)
{
	int top;

	lw_draw_box(a, y, 0, h, a->W, "Latest status changes", focus);
	h -= 2;
	if (!o->nchg) {
		lw_draw_str(a, y + 1, 1, a->W - 2, LW_R_DIM, a->hist ?
			    "no status changes recorded yet" :
			    "no history: status changes are not available");
		return;
	}
	top = lw_tui_scroll(o->chg, 0, h, (int)o->nchg);
	for (int i = 0; i < h && top + i < (int)o->nchg; i++) {
		const struct lw_hevent *e = &o->chgs[top + i];
		int yy = y + 1 + i, x = 1, role;
		bool sel = focus && top + i == o->chg;
		time_t t = (time_t)e->at;
		struct tm lt;
		char b[600], ts[32];

		localtime_r(&t, &lt);
		strftime(ts, sizeof ts, "%m-%d %H:%M", &lt);
		if (sel)
			lw_draw_fill(a, yy, 1, a->W - 2, LW_R_SELECTION);
		snprintf(b, sizeof b, "%s  %-24s ", ts, e->dataset);
		x += lw_draw_str(a, yy, x, a->W - 2, sel ? LW_R_SELECTION :
				 LW_R_NORMAL, b);
		role = sel ? LW_R_SELECTION : lw_status_role(e->to);
		snprintf(b, sizeof b, "%s %s %s %s", lw_hevent_from_name(e),
			 lw_arrow(a), lw_tui_glyph(e->to, a->ascii),
			 lw_status_name(e->to));
		x += lw_draw_str(a, yy, x, a->W - 1 - x, role, b);
		snprintf(b, sizeof b, "  %s%s%s", e->check ? e->check : "",
			 e->check && e->message ? ": " : "",
			 e->message ? e->message : "");
		lw_draw_str(a, yy, x, a->W - 1 - x, sel ? LW_R_SELECTION :
			    LW_R_DIM, b);
		lw_draw_hit(a, yy, 1, 1, a->W - 2, HIT_CHANGE, top + i, 0);
	}
}

static void draw_cfg_errors(struct lw_app *a, int y, int h)
{
	const char *p = a->cfg_errors;

	lw_draw_box(a, y, 0, h, a->W, a->cfg ? "Config reload failed "
		    "(previous config kept; fix it and press R)" :
		    "Config error (fix it and press R)", true);
	for (int i = 1; i < h - 1 && p && *p; i++) {
		const char *nl = strchr(p, '\n');
		char line[512];
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		snprintf(line, sizeof line, "%.*s", (int)(n > 500 ? 500 : n),
			 p);
		lw_draw_str(a, y + i, 1, a->W - 2, LW_R_ERROR, line);
		p = nl ? nl + 1 : NULL;
	}
}

static void ov_draw(struct lw_app *a, void *st, int y0, int h)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct ov_state *o = st;
	int mh, chh, rest;

	if (a->cfg_errors) {
		int eh = 2;

		for (const char *p = a->cfg_errors; *p; p++)
			eh += *p == '\n';
		if (eh < 3)
			eh = 3;
		if (eh > h / 2)
			eh = h / 2;
		draw_cfg_errors(a, y0, eh);
		y0 += eh;
		h -= eh;
	}
	if (!cfg || h < 6)
		return;
	/* Matrix and consumers get what they need, up to a share each; the
	 * changes panel takes the rest (at least 3 lines). */
	mh = (int)cfg->nsources + 3;
	chh = (int)cfg->nconsumers + 2;
	if (chh < 3)
		chh = 3;
	if (mh < 4)
		mh = 4;
	if (mh > h * 2 / 5)
		mh = h * 2 / 5 > 4 ? h * 2 / 5 : 4;
	if (chh > h * 3 / 10)
		chh = h * 3 / 10 > 3 ? h * 3 / 10 : 3;
	rest = h - mh - chh;
	if (rest < 3) {
		chh += rest;
		rest = 0;
	}
	draw_matrix(a, o, y0, mh, o->panel == 0);
	draw_consumers(a, o, y0 + mh, chh, o->panel == 1);
	if (rest >= 3)
		draw_changes(a, o, y0 + mh + chh, rest, o->panel == 2);
}

/* The run dataset behind a culprit: the culprit itself when it watches a
 * pipeline or job, else its root when that does (an impacted dataset
 * whose cascade starts at a failed run); NULL otherwise. Borrowed. */
static const struct lw_ds_run *run_cause(const struct lw_ds_run *cd)
{
	if (cd && cd->ds && cd->ds->runs)
		return cd;
	if (cd && cd->impacted && cd->root && cd->root->ds &&
	    cd->root->ds->runs)
		return cd->root;
	return NULL;
}

/* Enter on a consumer: a hurt one opens the detail of the dataset that
 * pulls it down with that check selected and expanded (the diagnosis in
 * two keys from opening: Tab, Enter) or, when a failed run is the root of
 * it, that pipeline's runs with the failing run and its error (the
 * Pipelines screen); a passing one, or `d` (list), its datasets. */
static void enter_consumer(struct lw_app *a, const struct ov_state *o,
			   bool list)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	int *ord = lw_xcalloc(cfg->nconsumers, sizeof *ord);
	struct lw_rollup *ru = lw_xcalloc(cfg->nconsumers, sizeof *ru);
	const struct lw_rollup *r;
	const struct lw_ds_run *cd, *cause;
	const struct lw_result *cr;

	cons_order(a, ord, ru);
	r = &ru[ord[o->cons]];
	cd = r->culprit;
	cr = r->culprit_result;
	lw_incidents_culprit(a, ord[o->cons], &cd, &cr);  /* as drawn */
	cause = a->run ? run_cause(cd) : NULL;
	if (!list && cause)
		lw_pipelines_open(a, cause->ds->name);
	else if (!list && a->run && r->culprit && r->culprit->ds)
		lw_detail_open_check(a, r->culprit->ds->name,
				     r->culprit_result ?
				     r->culprit_result->check : NULL);
	else
		lw_datasets_show(a, -1, -1, ord[o->cons]);
	free(ord);
	free(ru);
}

static void enter(struct lw_app *a, const struct ov_state *o, bool list)
{
	const struct lw_config *cfg = lw_app_cfg(a);

	if (!cfg)
		return;
	if (o->panel == 0 && cfg->nsources) {
		lw_datasets_show(a, o->row, o->col, -1);
	} else if (o->panel == 1 && cfg->nconsumers) {
		enter_consumer(a, o, list);
	} else if (o->panel == 2 && o->nchg) {
		lw_detail_open(a, o->chgs[o->chg].dataset);
	}
}

static bool ov_key(struct lw_app *a, void *st, int ch)
{
	struct ov_state *o = st;
	const struct lw_config *cfg = lw_app_cfg(a);
	int ns = cfg ? (int)cfg->nsources : 0;
	int nc = cfg ? (int)cfg->nconsumers : 0;

	switch (ch) {
	case '\t':
		o->panel = (o->panel + 1) % 3;
		return true;
	case KEY_BTAB:
		o->panel = (o->panel + 2) % 3;
		return true;
	case '\n': case '\r': case KEY_ENTER:
		enter(a, o, false);
		return true;
	case 'd':
		enter(a, o, true);
		return true;
	}
	if (o->panel == 0) {
		if (ch == KEY_LEFT || ch == 'h') {
			if (o->col > 0)
				o->col--;
			return true;
		}
		if (ch == KEY_RIGHT || ch == 'l') {
			if (o->col < LW_NLAYERS - 1)
				o->col++;
			return true;
		}
		return lw_keys_move(ch, &o->row, ns, 5);
	}
	if (o->panel == 1)
		return lw_keys_move(ch, &o->cons, nc, 5);
	return lw_keys_move(ch, &o->chg, (int)o->nchg, 10);
}

static void ov_click(struct lw_app *a, void *st, const struct lw_hit *h,
		     bool dbl)
{
	struct ov_state *o = st;

	if (h->kind == HIT_MATRIX) {
		o->panel = 0;
		o->row = h->a;
		o->col = h->b;
		if (dbl)
			lw_datasets_show(a, h->a, h->b, -1);
	} else if (h->kind == HIT_CONSUMER) {
		o->panel = 1;
		o->cons = h->b;
		if (dbl)
			enter_consumer(a, o, false);
	} else if (h->kind == HIT_CHANGE) {
		o->panel = 2;
		o->chg = h->a;
		if (dbl && h->a < (int)o->nchg)
			lw_detail_open(a, o->chgs[h->a].dataset);
	}
}

/* The latest status changes, again (no message: the events view says when
 * history cannot be read). */
static void ov_on_history(struct lw_app *a, void *st)
{
	struct ov_state *o = st;
	struct lw_err err = { 0 };

	lw_hevents_free(o->chgs, o->nchg);
	o->chgs = NULL;
	o->nchg = 0;
	if (a->hist && lw_history_events(a->hist, NULL, MAX_CHANGES, &o->chgs,
					 &o->nchg, &err) != LW_OK) {
		o->chgs = NULL;
		o->nchg = 0;
	}
	if (o->chg >= (int)o->nchg)
		o->chg = o->nchg ? (int)o->nchg - 1 : 0;
}

/* The caller (the app) owns the state; ov_free gives it back. */
static void *ov_init(struct lw_app *a)
{
	(void)a;
	return lw_xcalloc(1, sizeof(struct ov_state));
}

static void ov_free(void *st)
{
	struct ov_state *o = st;

	if (!o)
		return;
	lw_hevents_free(o->chgs, o->nchg);
	free(o);
}

const struct lw_view_ops lw_view_overview = {
	.name = "Overview",
	.key = '1',
	.summary = "overview",
	/* fits 80 columns; help (?) has every key */
	.footer = " Tab panel  Enter open  d datasets  / find  r poll  "
		  "p pause  ? help  q quit",
	.init = ov_init,
	.free = ov_free,
	.draw = ov_draw,
	.handle_key = ov_key,
	.click = ov_click,
	.on_history = ov_on_history,
};
