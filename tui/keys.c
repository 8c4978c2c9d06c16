/* keys.c - keys every view shares (views, poll, pause, theme, reload,
 * quit, back), mouse clicks, and the list movement every list uses. The
 * rest go to the view shown (its handle_key and click hooks). */
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

/* Show view i by its key or tab: its enter hook first (which may show it
 * itself, as the detail does). */
static void go(struct lw_app *a, size_t i)
{
	const struct lw_view_ops *v = lw_views[i];

	if (v->enter)
		v->enter(a, a->vst[i]);
	lw_app_show(a, v);
}

static void back(struct lw_app *a)
{
	if (lw_app_view(a)->flags & LW_VIEW_RETURNS) {
		a->cur = a->back != a->cur ? a->back : 0;
		if (lw_views[a->cur]->flags & LW_VIEW_RETURNS)
			a->cur = 0;
	} else {
		a->cur = 0;
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
		const struct lw_view_ops *v = lw_app_view(a);

		if (ev.y < h->y || ev.y >= h->y + h->h || ev.x < h->x ||
		    ev.x >= h->x + h->w)
			continue;
		if (h->kind == HIT_TAB) {
			if (h->a >= 0 && (size_t)h->a < lw_nviews)
				go(a, (size_t)h->a);
		} else if (v->click) {
			v->click(a, a->vst[a->cur], h, dbl);
		}
		return;
	}
}

/* Keys that work everywhere, even in a terminal too small to draw in;
 * true when ch was one. */
static bool global_key(struct lw_app *a, int ch, bool small)
{
	switch (ch) {
	case 'q': case 'Q': case CTRL('c'):
		a->quit = true;
		return true;
	case KEY_MOUSE:
		if (!small)
			mouse(a);
		return true;
	case 'r':
		if (a->src)
			a->src->poll_now(a->src->ud);
		lw_app_set_msg(a, false, "polling now");
		return true;
	case 'p':
		if (a->src)
			a->src->pause(a->src->ud, !a->ps.paused);
		a->ps.paused = !a->ps.paused;
		lw_app_set_msg(a, false, a->ps.paused ? "polling paused" :
			       "polling resumed");
		return true;
	case 'R':
		lw_app_reload(a);
		return true;
	case 't':
		lw_app_next_theme(a);
		return true;
	}
	return false;
}

void lw_keys_handle(struct lw_app *a, int ch)
{
	bool small = a->W < LW_TUI_MIN_W || a->H < LW_TUI_MIN_H;
	const struct lw_view_ops *v = lw_app_view(a), *to;
	bool home = a->cur == 0;

	a->dirty = true;
	if (v->captures && v->captures(a, a->vst[a->cur]) && !small) {
		v->handle_key(a, a->vst[a->cur], ch);
		return;
	}
	if (ch != KEY_MOUSE)
		a->msg[0] = 0;
	if (global_key(a, ch, small) || small)
		return;
	to = lw_view_for_key(ch);
	if (to) {
		if (to == v && (v->flags & LW_VIEW_TOGGLES))
			back(a);
		else
			go(a, lw_view_index(to));
		return;
	}
	if (ch == '/' && v != &lw_view_datasets) {
		/* the dataset filter from every screen: never let the
		 * letters typed next run as commands */
		lw_datasets_search(a);
		return;
	}
	switch (ch) {
	case KEY_ESC: case KEY_BACKSPACE: case KEY_LEFT: case 'h':
		/* left/h go back only where they do not move */
		if ((ch == KEY_LEFT || ch == 'h') && home)
			break;
		if (ch == KEY_BACKSPACE && home)
			return;
		/* a view with a pane of its own closes that first */
		if (v->back && v->back(a, a->vst[a->cur]))
			return;
		back(a);
		return;
	}
	if (v->handle_key)
		v->handle_key(a, a->vst[a->cur], ch);
}
