/* keys.c - keys every screen shares (screens, poll, pause, theme, reload,
 * quit, back), mouse clicks, and the list movement every list uses. */
#include <stdio.h>
#include <string.h>
#include "app.h"

bool lw_keys_move(int ch, int *sel, int n, int page)
{
	int s = *sel;

	if (page < 1)
		page = 1;
	switch (ch) {
	case KEY_UP: case 'k': s--; break;
	case KEY_DOWN: case 'j': s++; break;
	case KEY_PPAGE: case CTRL('b'): s -= page; break;
	case KEY_NPAGE: case CTRL('f'): s += page; break;
	case KEY_HOME: case 'g': s = 0; break;
	case KEY_END: case 'G': s = n - 1; break;
	default: return false;
	}
	if (s >= n)
		s = n - 1;
	if (s < 0)
		s = 0;
	*sel = s;
	return true;
}

static void go(struct lw_app *a, enum lw_screen s)
{
	if (s == SCR_DETAIL && a->screen == SCR_DATASETS && a->nvis) {
		lw_detail_open(a, a->rows[a->vis[a->sel]].name);
		return;
	}
	if (s == SCR_DETAIL && a->det_name) {
		lw_detail_open(a, a->det_name);
		return;
	}
	if (s == SCR_EVENTS)
		lw_events_load(a);
	if (a->screen != s)
		a->back = a->screen;
	a->screen = s;
}

static void back(struct lw_app *a)
{
	switch (a->screen) {
	case SCR_HELP:
	case SCR_DETAIL:
		a->screen = a->back != a->screen ? a->back : SCR_OVERVIEW;
		if (a->screen == SCR_DETAIL || a->screen == SCR_HELP)
			a->screen = SCR_OVERVIEW;
		break;
	default:
		a->screen = SCR_OVERVIEW;
		break;
	}
	a->msg[0] = 0;
}

static void mouse(struct lw_app *a)
{
	MEVENT ev;
	bool dbl;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		lw_keys_handle(a, KEY_UP);
		return;
	}
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED) {
		lw_keys_handle(a, KEY_DOWN);
		return;
	}
#endif
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
			   BUTTON1_DOUBLE_CLICKED)))
		return;
	dbl = ev.bstate & BUTTON1_DOUBLE_CLICKED;
	for (int i = a->nhits - 1; i >= 0; i--) {
		const struct lw_hit *h = &a->hits[i];

		if (ev.y < h->y || ev.y >= h->y + h->h || ev.x < h->x ||
		    ev.x >= h->x + h->w)
			continue;
		switch (h->kind) {
		case HIT_TAB:
			go(a, (enum lw_screen)h->a);
			break;
		case HIT_MATRIX: case HIT_CONSUMER: case HIT_CHANGE:
			lw_overview_click(a, h, dbl);
			break;
		case HIT_ROW: case HIT_HEADER:
			lw_datasets_click(a, h, dbl);
			break;
		case HIT_EVENT:
			lw_events_click(a, h, dbl);
			break;
		}
		return;
	}
}

void lw_keys_handle(struct lw_app *a, int ch)
{
	bool small = a->W < LW_TUI_MIN_W || a->H < LW_TUI_MIN_H;

	a->dirty = true;
	if (a->editing && !small) {
		lw_filter_key(a, ch);
		return;
	}
	if (ch != KEY_MOUSE)
		a->msg[0] = 0;
	switch (ch) {
	case 'q': case 'Q': case CTRL('c'):
		a->quit = true;
		return;
	case KEY_MOUSE:
		if (!small)
			mouse(a);
		return;
	case 'r':
		lw_poller_now(&a->poller);
		lw_app_set_msg(a, false, "polling now");
		return;
	case 'p':
		lw_poller_pause(&a->poller, !a->ps.paused);
		a->ps.paused = !a->ps.paused;
		lw_app_set_msg(a, false, a->ps.paused ? "polling paused" :
			       "polling resumed");
		return;
	case 'R':
		lw_app_reload(a);
		return;
	case 't':
		lw_app_next_theme(a);
		return;
	}
	if (small)
		return;
	switch (ch) {
	case '1': go(a, SCR_OVERVIEW); return;
	case '2': go(a, SCR_DATASETS); return;
	case '3': go(a, SCR_DETAIL); return;
	case '4': go(a, SCR_EVENTS); return;
	case '?':
		if (a->screen == SCR_HELP)
			back(a);
		else
			go(a, SCR_HELP);
		return;
	case KEY_ESC: case KEY_BACKSPACE: case KEY_LEFT: case 'h':
		/* left/h go back only where they do not move */
		if ((ch == KEY_LEFT || ch == 'h') &&
		    a->screen == SCR_OVERVIEW)
			break;
		if (ch == KEY_BACKSPACE && a->screen == SCR_OVERVIEW)
			return;
		back(a);
		return;
	}
	switch (a->screen) {
	case SCR_OVERVIEW: lw_overview_key(a, ch); break;
	case SCR_DATASETS: lw_datasets_key(a, ch); break;
	case SCR_DETAIL: lw_detail_key(a, ch); break;
	case SCR_EVENTS: lw_events_key(a, ch); break;
	default: lw_help_key(a, ch); break;
	}
}
