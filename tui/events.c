/* events.c - screen 4: the timeline of status changes from history, newest
 * first: when each dataset went red and when it recovered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* An incident event from the timeline ("incident #12 opened: why"): its
 * kind ("opened") into kind and the rest ("#12: why") into why; false for
 * a status change. */
static bool inc_event(const char *msg, char *kind, size_t kn, char *why,
		      size_t wn)
{
	const char *p, *k;
	long long id;
	char *end;

	if (!msg || strncmp(msg, "incident #", 10))
		return false;
	id = strtoll(msg + 10, &end, 10);
	for (k = end; *k == ' '; k++)
		;
	p = k + strcspn(k, ":");
	snprintf(kind, kn, "%.*s", (int)(p - k), k);
	snprintf(why, wn, "#%lld%s", id, p);
	return true;
}

/* Columns that fit the width: the reason (why) keeps room at 80 columns;
 * the time shortens to "12-02 09:14" and the dataset is cut first. */
static void ev_columns(struct lw_tui_col *c, int width)
{
	static const struct lw_tui_col def[4] = {
		{ "when", 11, 19, 2, false, 0, 0 },
		{ "dataset", 20, 30, 1, false, 0, 0 },
		{ "change", 14, 24, 0, false, 0, 0 },
		{ "why", 24, 400, 0, false, 0, 0 },
	};

	memcpy(c, def, sizeof def);
	lw_tui_columns(c, 4, width, 3);
}

static void ev_row(struct lw_app *a, const struct lw_tui_col *c, int y,
		   const struct lw_hevent *e, bool sel)
{
	time_t tt = (time_t)e->at;
	struct tm lt;
	char b[600], ts[32], kind[32], why[400];
	bool rec = e->to < e->from, room = c[2].w >= 24;
	bool inc = inc_event(e->message, kind, sizeof kind, why, sizeof why);
	const char *word = inc ? kind : rec ? "recovered" : "";

	localtime_r(&tt, &lt);
	strftime(ts, sizeof ts, c[0].w >= 19 ? "%Y-%m-%d %H:%M:%S" :
		 "%m-%d %H:%M", &lt);
	if (sel)
		lw_draw_fill(a, y, 0, a->W, LW_R_SELECTION);
	lw_draw_str(a, y, 1 + c[0].x, c[0].w, sel ? LW_R_SELECTION :
		    LW_R_NORMAL, ts);
	lw_draw_str(a, y, 1 + c[1].x, c[1].w, sel ? LW_R_SELECTION :
		    LW_R_NORMAL, e->dataset);
	/* recovered or worse: a word, not just a colour (in the reason
	 * when the change column is narrow) */
	snprintf(b, sizeof b, "%s %s %s %s%s%s", lw_hevent_from_name(e),
		 lw_arrow(a), lw_tui_glyph(e->to, a->ascii),
		 lw_status_name(e->to), *word && room ? " " : "",
		 room ? word : "");
	lw_draw_str(a, y, 1 + c[2].x, c[2].w, sel ? LW_R_SELECTION :
		    lw_status_role(e->to), b);
	/* an incident event: "opened" in the change column (or first in
	 * the reason when that is narrow), "#12: why" as the reason */
	snprintf(b, sizeof b, "%s%s%s%s%s", *word && !room ? word : "",
		 *word && !room ? "; " : "", e->check ? e->check : "",
		 e->check && e->message ? inc ? " " : ": " : "",
		 inc ? why : e->message ? e->message : "");
	lw_draw_str(a, y, 1 + c[3].x, c[3].w, sel ? LW_R_SELECTION :
		    LW_R_DIM, b);
}

static void ev_draw(struct lw_app *a, void *st, int y0, int h)
{
	struct ev_state *s = st;
	struct lw_tui_col c[4];
	int vis = h - 1;

	ev_columns(c, a->W - 2);
	lw_draw_fill(a, y0, 0, a->W, LW_R_TITLE);
	for (int i = 0; i < 4; i++)
		lw_draw_str(a, y0, 1 + c[i].x, c[i].w, LW_R_TITLE,
			    c[i].title);
	if (!s->nev) {
		lw_draw_str(a, y0 + 1, 1, a->W - 2, LW_R_DIM, a->hist ?
			    "no status changes recorded yet" :
			    "no history: the timeline is not available");
		return;
	}
	s->top = lw_tui_scroll(s->sel, s->top, vis, (int)s->nev);
	for (int i = 0; i < vis && s->top + i < (int)s->nev; i++) {
		int k = s->top + i, y = y0 + 1 + i;

		ev_row(a, c, y, &s->ev[k], k == s->sel);
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
