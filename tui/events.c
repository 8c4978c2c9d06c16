/* events.c - screen 4: the timeline of status changes from history, newest
 * first: when each dataset went red and when it recovered. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "app.h"
#include "lakewatch/history_incidents.h"
#include "lakewatch/util.h"

#define MAX_EVENTS 1000

struct ev_state {
	struct lw_hevent *ev;	/* owned, newest first */
	size_t nev;
	int sel, top;
};

/* Reload the timeline (at start, after each run, and when shown). */
static void ev_load(struct lw_app *a, void *st)
{
	struct ev_state *s = st;
	struct lw_err err = { 0 };

	lw_hevents_free(s->ev, s->nev);
	s->ev = NULL;
	s->nev = 0;
	if (!a->hist)
		return;
	/* status changes and incident events (history_incidents.h) */
	if (lw_history_timeline(a->hist, NULL, MAX_EVENTS, &s->ev, &s->nev,
				&err) != LW_OK) {
		lw_app_set_msg(a, true, "history: %s", err.msg);
		s->ev = NULL;
		s->nev = 0;
	}
	if (s->sel >= (int)s->nev)
		s->sel = s->nev ? (int)s->nev - 1 : 0;
}

static void ev_draw(struct lw_app *a, void *st, int y0, int h)
{
	struct ev_state *s = st;
	int vis = h - 1;

	lw_draw_text(a, y0, 0, a->W, LW_R_TITLE,
		     " when                 dataset                        "
		     "change            why");
	if (!s->nev) {
		lw_draw_str(a, y0 + 1, 1, a->W - 2, LW_R_DIM, a->hist ?
			    "no status changes recorded yet" :
			    "no history: the timeline is not available");
		return;
	}
	s->top = lw_tui_scroll(s->sel, s->top, vis, (int)s->nev);
	for (int i = 0; i < vis && s->top + i < (int)s->nev; i++) {
		int k = s->top + i, y = y0 + 1 + i, x = 1, role;
		const struct lw_hevent *e = &s->ev[k];
		bool sel = k == s->sel;
		time_t tt = (time_t)e->at;
		struct tm lt;
		char ts[32], b[600];

		localtime_r(&tt, &lt);
		strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &lt);
		if (sel)
			lw_draw_fill(a, y, 0, a->W, LW_R_SELECTION);
		snprintf(b, sizeof b, "%s  %-30s ", ts, e->dataset);
		x += lw_draw_str(a, y, x, a->W - 2, sel ? LW_R_SELECTION :
				 LW_R_NORMAL, b);
		/* recovered or worse: a word, not just a colour */
		snprintf(b, sizeof b, "%s %s %s %-5s %s ",
			 lw_hevent_from_name(e), lw_arrow(a),
			 lw_tui_glyph(e->to, a->ascii), lw_status_name(e->to),
			 e->to < e->from ? "recovered" : "        ");
		role = sel ? LW_R_SELECTION : lw_status_role(e->to);
		x += lw_draw_str(a, y, x, a->W - 1 - x, role, b);
		snprintf(b, sizeof b, "%s%s%s", e->check ? e->check : "",
			 e->check && e->message ? ": " : "",
			 e->message ? e->message : "");
		lw_draw_str(a, y, x, a->W - 1 - x, sel ? LW_R_SELECTION :
			    LW_R_DIM, b);
		lw_draw_hit(a, y, 0, 1, a->W, HIT_EVENT, k, 0);
	}
}

static bool ev_key(struct lw_app *a, void *st, int ch)
{
	struct ev_state *s = st;

	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (s->nev)
			lw_detail_open(a, s->ev[s->sel].dataset);
		return true;
	}
	return lw_keys_move(ch, &s->sel, (int)s->nev, a->H - 5);
}

static void ev_click(struct lw_app *a, void *st, const struct lw_hit *h,
		     bool dbl)
{
	struct ev_state *s = st;
	bool was = s->sel == h->a;

	s->sel = h->a;
	if ((dbl || was) && h->a < (int)s->nev)
		lw_detail_open(a, s->ev[h->a].dataset);
}

/* The caller (the app) owns the state; ev_free gives it back. */
static void *ev_init(struct lw_app *a)
{
	(void)a;
	return lw_xcalloc(1, sizeof(struct ev_state));
}

static void ev_free(void *st)
{
	struct ev_state *s = st;

	if (!s)
		return;
	lw_hevents_free(s->ev, s->nev);
	free(s);
}

const struct lw_view_ops lw_view_events = {
	.name = "Events",
	.key = '4',
	.summary = "events",
	.footer = " arrows move  Enter open  Esc back  r poll  ? help  "
		  "q quit",
	.init = ev_init,
	.free = ev_free,
	.draw = ev_draw,
	.handle_key = ev_key,
	.click = ev_click,
	.enter = ev_load,
	.on_history = ev_load,
};
