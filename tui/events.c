/* events.c - screen 4: the timeline of status changes from history, newest
 * first: when each dataset went red and when it recovered. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "app.h"
#include "lakewatch/history_incidents.h"

#define MAX_EVENTS 1000

/* Reload the timeline and the overview's latest changes. */
void lw_events_load(struct lw_app *a)
{
	struct lw_err err = { 0 };

	lw_hevents_free(a->ev, a->nev);
	a->ev = NULL;
	a->nev = 0;
	lw_hevents_free(a->chg, a->nchg);
	a->chg = NULL;
	a->nchg = 0;
	if (!a->hist)
		return;
	/* status changes and incident events (history_incidents.h) */
	if (lw_history_timeline(a->hist, NULL, MAX_EVENTS, &a->ev, &a->nev,
				&err) != LW_OK) {
		lw_app_set_msg(a, true, "history: %s", err.msg);
		a->ev = NULL;
		a->nev = 0;
	}
	if (lw_history_events(a->hist, NULL, 50, &a->chg, &a->nchg,
			      &err) != LW_OK) {
		a->chg = NULL;
		a->nchg = 0;
	}
	if (a->ev_sel >= (int)a->nev)
		a->ev_sel = a->nev ? (int)a->nev - 1 : 0;
	if (a->ov_chg >= (int)a->nchg)
		a->ov_chg = a->nchg ? (int)a->nchg - 1 : 0;
}

void lw_events_draw(struct lw_app *a, int y0, int h)
{
	int vis = h - 1;

	lw_draw_text(a, y0, 0, a->W, LW_R_TITLE,
		     " when                 dataset                        "
		     "change            why");
	if (!a->nev) {
		lw_draw_str(a, y0 + 1, 1, a->W - 2, LW_R_DIM, a->hist ?
			    "no status changes recorded yet" :
			    "no history: the timeline is not available");
		return;
	}
	a->ev_top = lw_tui_scroll(a->ev_sel, a->ev_top, vis, (int)a->nev);
	for (int i = 0; i < vis && a->ev_top + i < (int)a->nev; i++) {
		int k = a->ev_top + i, y = y0 + 1 + i, x = 1, role;
		const struct lw_hevent *e = &a->ev[k];
		bool sel = k == a->ev_sel;
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
			 lw_status_name(e->from), lw_arrow(a),
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

bool lw_events_key(struct lw_app *a, int ch)
{
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (a->nev)
			lw_detail_open(a, a->ev[a->ev_sel].dataset);
		return true;
	}
	return lw_keys_move(ch, &a->ev_sel, (int)a->nev, a->H - 5);
}

void lw_events_click(struct lw_app *a, const struct lw_hit *h, bool dbl)
{
	bool was = a->ev_sel == h->a;

	a->ev_sel = h->a;
	if ((dbl || was) && h->a < (int)a->nev)
		lw_detail_open(a, a->ev[h->a].dataset);
}
