/* incidents.c - screen 5: the open incidents from history, worst first,
 * with dataset, check, status, age, the consumers hurt, who acknowledged
 * it (and the note) and until when it is muted. Muted incidents are hidden
 * until M shows them. Enter opens the dataset's detail on that check; a,
 * m, A and U acknowledge, mute, accept and undo (act.h). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "act.h"
#include "app.h"
#include "lakewatch/history_incidents.h"
#include "lakewatch/util.h"

#define MAX_INCIDENTS 1000

struct inc_state {
	struct lw_incident *v;	/* owned: open incidents, worst first */
	size_t n;
	int *shown;		/* owned: indexes into v of the rows shown */
	/* cascades (lineage): per incident of v, the index in v of its
	 * root's incident it is grouped under (-1: none), and for a root
	 * how many are beneath it; both owned, n long */
	int *under, *below;
	int nshown, nmuted;
	int sel, top;
	bool show_muted;
	struct lw_act act;
};

/* Worst current status first, then worst ever, then the oldest. */
static int inc_cmp(const void *pa, const void *pb)
{
	const struct lw_incident *x = pa, *y = pb;

	if (x->current != y->current)
		return (int)y->current - (int)x->current;
	if (x->worst != y->worst)
		return (int)y->worst - (int)x->worst;
	if (x->opened != y->opened)
		return x->opened < y->opened ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The rows shown: every incident, or the unmuted ones. */
static void inc_filter(struct inc_state *s, int64_t now)
{
	free(s->shown);
	s->shown = lw_xcalloc(s->n ? s->n : 1, sizeof *s->shown);
	s->nshown = s->nmuted = 0;
	for (size_t i = 0; i < s->n; i++) {
		bool muted = s->v[i].muted_until > now;

		s->nmuted += muted;
		if (!muted || s->show_muted)
			s->shown[s->nshown++] = (int)i;
	}
	if (s->sel >= s->nshown)
		s->sel = s->nshown ? s->nshown - 1 : 0;
}

/* The root's name of the dataset's incidents in this run (impacted),
 * NULL when it is not impacted. Borrowed from the run. */
static const char *root_of(const struct lw_app *a, const char *dataset)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *ds = cfg ? lw_config_dataset(cfg, dataset) :
				      NULL;
	const struct lw_ds_run *dr = ds ?
		lw_app_dsrun(a, (size_t)(ds - cfg->datasets)) : NULL;

	return dr && dr->impacted && dr->root ? dr->root->ds->name : NULL;
}

/* Group a cascade into one entry: each impacted dataset's incidents move
 * beneath its root's first incident (worst first, as sorted), so the list
 * shows the root with the impacted under it. Reorders s->v; fills
 * s->under and s->below. */
static void inc_group(const struct lw_app *a, struct inc_state *s)
{
	size_t n = s->n;
	int *parent = lw_xcalloc(n + 1, sizeof *parent);
	struct lw_incident *v = lw_xcalloc(n + 1, sizeof *v);

	free(s->under);
	free(s->below);
	s->under = lw_xcalloc(n + 1, sizeof *s->under);
	s->below = lw_xcalloc(n + 1, sizeof *s->below);
	const char **root = lw_xcalloc(n + 1, sizeof *root);
	for (size_t i = 0; i < n; i++)
		root[i] = root_of(a, s->v[i].dataset);
	for (size_t i = 0; i < n; i++) {
		parent[i] = -1;
		for (size_t j = 0; root[i] && j < n; j++)
			if (!root[j] && !strcmp(s->v[j].dataset, root[i])) {
				parent[i] = (int)j;
				break;
			}
	}
	free(root);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (parent[i] >= 0)
			continue;
		size_t at = k;
		v[k] = s->v[i];
		s->under[k++] = -1;
		for (size_t j = 0; j < n; j++)
			if (parent[j] == (int)i) {
				v[k] = s->v[j];
				s->under[k++] = (int)at;
				s->below[at]++;
			}
	}
	assert(k == n);
	if (n)	/* moved, not copied: v is freed; s->v is NULL when empty */
		memcpy(s->v, v, n * sizeof *v);
	free(v);
	free(parent);
}

/* Read the open incidents again (shown, after each run, after an act). */
static void inc_load(struct lw_app *a, void *st)
{
	struct inc_state *s = st;
	struct lw_err err = { 0 };
	int64_t now = lw_app_now();

	lw_incidents_free(s->v, s->n);
	s->v = NULL;
	s->n = 0;
	if (a->hist && lw_history_incidents(a->hist, NULL, true, now,
					    MAX_INCIDENTS, &s->v, &s->n,
					    &err) != LW_OK) {
		lw_app_set_msg(a, true, "history: %s", err.msg);
		s->v = NULL;
		s->n = 0;
	}
	if (s->n)
		qsort(s->v, s->n, sizeof *s->v, inc_cmp);
	inc_group(a, s);
	inc_filter(s, now);
	lw_datasets_mutes_changed(a);
}

/* The titles of dataset's consumers, "a, b", into b ("-": none). */
static const char *hurt(const struct lw_app *a, const char *dataset, char *b,
			size_t n)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *ds = cfg ? lw_config_dataset(cfg, dataset) :
				      NULL;
	size_t k = 0;

	snprintf(b, n, "-");
	for (size_t i = 0; ds && i < ds->nconsumers && k < n; i++) {
		int c = ds->consumers[i];

		if (c >= 0 && (size_t)c < cfg->nconsumers)
			k += snprintf(b + k, n - k, "%s%s", k ? ", " : "",
				      cfg->consumers[c].title);
	}
	return b;
}

static const char *local_time(int64_t t, char *b, size_t n)
{
	time_t tt = (time_t)t;
	struct tm lt;

	localtime_r(&tt, &lt);
	strftime(b, n, "%m-%d %H:%M", &lt);
	return b;
}

enum { C_STATUS, C_DATASET, C_CHECK, C_AGE, C_HURT, C_ACK, C_MUTE, NCOL };

/* under: grouped beneath its root's incident (drawn "└ name");
 * below: a root's count of the incidents beneath it ("+2 name": first, so
 * a narrow column cuts the name, not the count). */
static void inc_row(struct lw_app *a, const struct lw_tui_col *c, int y,
		    const struct lw_incident *inc, bool sel, int64_t now,
		    bool under, int below)
{
	char v[NCOL][320];
	int role;

	snprintf(v[C_STATUS], sizeof v[0], "%s %s",
		 lw_tui_glyph(inc->current, a->ascii),
		 lw_status_name(inc->current));
	if (under)
		snprintf(v[C_DATASET], sizeof v[0], "%s %s", a->ascii ? "`-" :
			 "\xe2\x94\x94", inc->dataset);
	else if (below)
		snprintf(v[C_DATASET], sizeof v[0], "+%d %s", below,
			 inc->dataset);
	else
		snprintf(v[C_DATASET], sizeof v[0], "%s", inc->dataset);
	snprintf(v[C_CHECK], sizeof v[0], "%s", inc->check);
	lw_incident_age_fmt(inc, now, v[C_AGE], sizeof v[0]);
	hurt(a, inc->dataset, v[C_HURT], sizeof v[0]);
	if (inc->acked_by)
		snprintf(v[C_ACK], sizeof v[0], "%s %s%s%s", a->ascii ? "ack" :
			 "\xe2\x9c\x93", inc->acked_by, inc->ack_note ? ": " :
			 "", inc->ack_note ? inc->ack_note : "");
	else
		snprintf(v[C_ACK], sizeof v[0], "-");
	if (inc->muted_until > now) {
		char t[32];

		snprintf(v[C_MUTE], sizeof v[0], "until %s",
			 local_time(inc->muted_until, t, sizeof t));
	} else {
		snprintf(v[C_MUTE], sizeof v[0], "-");
	}
	if (sel)
		lw_draw_fill(a, y, 0, a->W, LW_R_SELECTION);
	for (int i = 0; i < NCOL; i++) {
		if (!c[i].w)
			continue;
		role = sel ? LW_R_SELECTION : i == C_STATUS ?
		       lw_status_role(inc->current) : i == C_MUTE ||
		       (i == C_ACK && !inc->acked_by) ? LW_R_DIM : LW_R_NORMAL;
		lw_draw_str(a, y, 1 + c[i].x, c[i].w, role, v[i]);
	}
}

/* Below the table, the selected incident whole (the columns cut it at
 * 80 columns): since when, polls, worst, the message now, who
 * acknowledged it with the note, the mute. */
static void inc_info(struct lw_app *a, const struct inc_state *s, int x,
		     int y, int64_t now)
{
	const struct lw_incident *inc = &s->v[x];
	char t[900], b1[32], b2[32];
	const char *msg = inc->now.message ? inc->now.message :
			  inc->at_open.message;

	snprintf(t, sizeof t, "#%lld %s %s: %s for %s (%lld poll%s, worst "
		 "%s)%s%s", (long long)inc->id, inc->dataset, inc->check,
		 lw_status_name(inc->current),
		 lw_incident_age_fmt(inc, now, b1, sizeof b1),
		 (long long)inc->polls, inc->polls == 1 ? "" : "s",
		 lw_status_name(inc->worst), msg ? ": " : "", msg ? msg : "");
	lw_draw_str(a, y, 1, a->W - 2, LW_R_NORMAL, t);
	if (inc->acked_by)
		snprintf(t, sizeof t, "acknowledged by %s at %s%s%s",
			 inc->acked_by, local_time(inc->acked_at, b1,
						   sizeof b1),
			 inc->ack_note ? ": " : "", inc->ack_note ?
			 inc->ack_note : "");
	else
		snprintf(t, sizeof t, "not acknowledged (a)");
	if (inc->muted_until > now)
		snprintf(t + strlen(t), sizeof t - strlen(t), "; muted until "
			 "%s", local_time(inc->muted_until, b2, sizeof b2));
	/* the cascade: what it is grouped under, or what is beneath it */
	if (s->under[x] >= 0)
		snprintf(t + strlen(t), sizeof t - strlen(t), "; impacted: "
			 "root %s #%lld", s->v[s->under[x]].dataset,
			 (long long)s->v[s->under[x]].id);
	else if (s->below[x])
		snprintf(t + strlen(t), sizeof t - strlen(t), "; root of %d "
			 "impacted", s->below[x]);
	lw_draw_str(a, y + 1, 1, a->W - 2, LW_R_DIM, t);
}

static void inc_draw(struct lw_app *a, void *st, int y0, int h)
{
	struct inc_state *s = st;
	struct lw_tui_col c[NCOL] = {
		{ "status", 7, 7, 0, false, 0, 0 },
		{ "dataset", 14, 30, 0, false, 0, 0 },
		{ "check", 9, 14, 1, false, 0, 0 },
		{ "age", 5, 6, 1, false, 0, 0 },
		{ "consumers hurt", 8, 26, 1, false, 0, 0 },
		{ "acknowledged", 12, 30, 2, false, 0, 0 },
		{ "muted", 11, 17, 3, false, 0, 0 },
	};
	int64_t now = lw_app_now();
	char t[200];
	int vis = h - 2 - (h >= 8 ? 3 : 0);	/* rows; 3: info below */

	snprintf(t, sizeof t, " %d open incident%s, worst first", s->nshown,
		 s->nshown == 1 ? "" : "s");
	if (s->nmuted)
		snprintf(t + strlen(t), sizeof t - strlen(t), "  (%d muted %s;"
			 " M %s them)", s->nmuted, s->show_muted ? "shown" :
			 "hidden", s->show_muted ? "hides" : "shows");
	lw_draw_str(a, y0, 0, a->W, LW_R_ACCENT, t);
	lw_tui_columns(c, NCOL, a->W - 2, C_DATASET);
	for (int i = 0; i < NCOL; i++)
		if (c[i].w)
			lw_draw_str(a, y0 + 1, 1 + c[i].x, c[i].w, LW_R_TITLE,
				    c[i].title);
	if (!s->nshown) {
		lw_draw_str(a, y0 + 2, 1, a->W - 2, LW_R_DIM, !a->hist ?
			    "no history: incidents are not available" :
			    s->nmuted ? "every open incident is muted" :
			    "no open incidents");
		return;
	}
	s->top = lw_tui_scroll(s->sel, s->top, vis, s->nshown);
	for (int i = 0; i < vis && s->top + i < s->nshown; i++) {
		int k = s->top + i;

		int x = s->shown[k];
		inc_row(a, c, y0 + 2 + i, &s->v[x], k == s->sel, now,
			s->under[x] >= 0, s->below[x]);
		lw_draw_hit(a, y0 + 2 + i, 0, 1, a->W, HIT_ROW, k, 0);
	}
	if (h >= 8)
		inc_info(a, s, s->shown[s->sel], y0 + h - 2, now);
}

/* The incident selected, or NULL (borrowed). */
static const struct lw_incident *current(const struct inc_state *s)
{
	if (s->sel < 0 || s->sel >= s->nshown)
		return NULL;
	return &s->v[s->shown[s->sel]];
}

/* Until when dataset's check is muted at now (by the incidents last read),
 * 0: not muted. */
static int64_t muted_until(const struct inc_state *s, const char *dataset,
			   const char *check, int64_t now)
{
	for (size_t i = 0; s && check && i < s->n; i++)
		if (s->v[i].muted_until > now &&
		    !strcmp(s->v[i].dataset, dataset) &&
		    !strcmp(s->v[i].check, check))
			return s->v[i].muted_until;
	return 0;
}

static bool is_muted(const struct inc_state *s, const char *dataset,
		     const char *check, int64_t now)
{
	return muted_until(s, dataset, check, now) != 0;
}

/* See view.h. */
int64_t lw_incidents_muted(const struct lw_app *a, const char *dataset,
			   const char *check, int64_t now)
{
	return muted_until(lw_app_state(a, &lw_view_incidents), dataset,
			   check, now);
}

/* See view.h. The worst result of consumer's datasets in the run whose
 * incident is not muted; the rollup's own culprit when it is not. */
void lw_incidents_culprit(const struct lw_app *a, int consumer,
			  const struct lw_ds_run **dr,
			  const struct lw_result **res)
{
	const struct inc_state *s = lw_app_state(a, &lw_view_incidents);
	int64_t now = lw_app_now();
	const struct lw_ds_run *bd = NULL;
	const struct lw_result *br = NULL;

	if (!*dr || !*res || !is_muted(s, (*dr)->ds->name, (*res)->check, now))
		return;
	for (size_t i = 0; a->run && i < a->run->n; i++) {
		const struct lw_ds_run *d = &a->run->ds[i];

		if (!d->ds || !lw_dataset_has_consumer(d->ds, consumer))
			continue;
		for (size_t k = 0; k < d->nresults; k++) {
			const struct lw_result *r = &d->results[k];

			if (r->status != LW_PASS && (!br || r->status >
			    br->status) && !is_muted(s, d->ds->name, r->check,
						     now)) {
				bd = d;
				br = r;
			}
		}
	}
	*dr = bd;
	*res = br;
}

static bool inc_key(struct lw_app *a, void *st, int ch)
{
	struct inc_state *s = st;
	const struct lw_incident *inc = current(s);

	if (lw_act_busy(&s->act)) {
		lw_act_key(a, &s->act, ch);
		return true;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (inc)
			lw_detail_open_check(a, inc->dataset, inc->check);
		return true;
	}
	if (ch == 'M') {
		s->show_muted = !s->show_muted;
		inc_filter(s, lw_app_now());
		return true;
	}
	if (lw_act_start(a, &s->act, ch, inc ? inc->dataset : NULL,
			 inc ? inc->check : NULL, inc ? inc->id : 0))
		return true;
	return lw_keys_move(ch, &s->sel, s->nshown, a->H - 6);
}

static void inc_click(struct lw_app *a, void *st, const struct lw_hit *h,
		      bool dbl)
{
	struct inc_state *s = st;
	bool was = s->sel == h->a;

	if (h->kind != HIT_ROW || h->a >= s->nshown)
		return;
	s->sel = h->a;
	if (dbl || was)
		lw_detail_open_check(a, current(s)->dataset,
				     current(s)->check);
}

static const char *inc_selected(const struct lw_app *a, const void *st)
{
	const struct lw_incident *inc = current(st);

	(void)a;
	return inc ? inc->dataset : NULL;
}

static bool inc_captures(const struct lw_app *a, const void *st)
{
	(void)a;
	return lw_act_busy(&((const struct inc_state *)st)->act);
}

static bool inc_footer(struct lw_app *a, void *st, int y)
{
	return lw_act_draw_footer(a, &((struct inc_state *)st)->act, y);
}

/* The caller (the app) owns the state; inc_free gives it back. */
static void *inc_init(struct lw_app *a)
{
	(void)a;
	return lw_xcalloc(1, sizeof(struct inc_state));
}

static void inc_free(void *st)
{
	struct inc_state *s = st;

	if (!s)
		return;
	lw_incidents_free(s->v, s->n);
	free(s->shown);
	free(s->under);
	free(s->below);
	free(s);
}

const struct lw_view_ops lw_view_incidents = {
	.name = "Incidents",
	.key = '5',
	.summary = "incidents",
	.footer = " Enter open  a ack  m mute  A accept  U undo  M muted  "
		  "Esc back  ? help",
	.init = inc_init,
	.free = inc_free,
	.draw = inc_draw,
	.handle_key = inc_key,
	.click = inc_click,
	.enter = inc_load,
	.on_history = inc_load,
	.selected = inc_selected,
	.captures = inc_captures,
	.draw_footer = inc_footer,
};
