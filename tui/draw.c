/* draw.c - drawing primitives (text, boxes, fills, click rectangles) and
 * colours from the theme. The frame around the views is in frame.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "app.h"
#include "lakewatch/util.h"

static chtype curses_attrs(unsigned a)
{
	chtype r = 0;

	if (a & LW_A_BOLD) r |= A_BOLD;
	if (a & LW_A_DIM) r |= A_DIM;
	if (a & LW_A_REVERSE) r |= A_REVERSE;
	if (a & LW_A_UNDERLINE) r |= A_UNDERLINE;
#ifdef A_ITALIC
	if (a & LW_A_ITALIC) r |= A_ITALIC;
#endif
	if (a & LW_A_STANDOUT) r |= A_STANDOUT;
	return r;
}

/* Map a theme colour to what the terminal has: 256 -> 16 -> 8. */
static int term_color(int c)
{
	if (c < 0)
		return -1;
	if (c >= COLORS)
		c = c < 16 && COLORS >= 8 ? c - 8 : lw_color_to8(c);
	return c < COLORS ? c : -1;
}

void lw_draw_setup_colors(struct lw_app *a)
{
	for (int r = 0; r < LW_R_NROLES; r++) {
		const struct lw_style *s = &a->theme.role[r];

		a->attr[r] = curses_attrs(s->attrs);
		if (a->color && COLOR_PAIRS > LW_R_NROLES) {
			int fg = term_color(s->fg), bg = term_color(s->bg);

			/* A grey an 8-colour terminal (TERM=xterm) lacks
			 * becomes black: invisible on the usual dark
			 * background, as is a foreground equal to the
			 * background. Use the terminal's own foreground;
			 * the role's attribute (dim, bold) still marks it. */
			if ((fg == COLOR_BLACK && s->fg != COLOR_BLACK) ||
			    (fg >= 0 && fg == bg))
				fg = -1;
			init_pair((short)(r + 1), (short)fg, (short)bg);
			a->attr[r] |= COLOR_PAIR(r + 1);
		}
	}
	bkgdset(' ' | a->attr[LW_R_NORMAL]);
}

int lw_status_role(enum lw_status s)
{
	switch (s) {
	case LW_PASS: return LW_R_PASS;
	case LW_WARN: return LW_R_WARN;
	case LW_FAIL: return LW_R_FAIL;
	default: return LW_R_ERROR;
	}
}

const char *lw_arrow(const struct lw_app *a)
{
	return a->ascii ? "->" : "\xe2\x86\x92";
}

int lw_draw_str(struct lw_app *a, int y, int x, int w, int role,
		const char *s)
{
	char buf[1024];
	int used;

	if (w <= 0 || y < 0 || y >= a->H || x >= a->W)
		return 0;
	if (x + w > a->W)
		w = a->W - x;
	used = lw_tui_fit(buf, sizeof buf, s, w, a->ascii);
	attrset(a->attr[role]);
	mvaddstr(y, x, buf);
	return used;
}

void lw_draw_fill(struct lw_app *a, int y, int x, int w, int role)
{
	if (w <= 0 || y < 0 || y >= a->H || x >= a->W)
		return;
	if (x + w > a->W)
		w = a->W - x;
	attrset(a->attr[role]);
	mvhline(y, x, ' ', w);
}

void lw_draw_text(struct lw_app *a, int y, int x, int w, int role,
		  const char *s)
{
	int used = lw_draw_str(a, y, x, w, role, s);

	if (used < w)
		lw_draw_fill(a, y, x + used, w - used, role);
}

void lw_draw_hit(struct lw_app *a, int y, int x, int h, int w, int kind,
		 int ia, int ib)
{
	if (a->nhits >= LW_MAX_HITS)
		return;
	a->hits[a->nhits++] = (struct lw_hit){ y, x, h, w, kind, ia, ib };
}

static void hline_s(struct lw_app *a, int y, int x, int w, const char *c)
{
	for (int i = 0; i < w && x + i < a->W; i++)
		mvaddstr(y, x + i, c);
}

void lw_draw_box(struct lw_app *a, int y, int x, int h, int w,
		 const char *title, bool focus)
{
	const char *hz = a->ascii ? "-" : "\xe2\x94\x80";
	const char *vt = a->ascii ? "|" : "\xe2\x94\x82";
	const char *tl = a->ascii ? "+" : "\xe2\x94\x8c";
	const char *tr = a->ascii ? "+" : "\xe2\x94\x90";
	const char *bl = a->ascii ? "+" : "\xe2\x94\x94";
	const char *br = a->ascii ? "+" : "\xe2\x94\x98";
	int role = focus ? LW_R_ACCENT : LW_R_BORDER;

	if (h < 2 || w < 4)
		return;
	attrset(a->attr[role]);
	mvaddstr(y, x, tl);
	hline_s(a, y, x + 1, w - 2, hz);
	mvaddstr(y, x + w - 1, tr);
	for (int i = 1; i < h - 1; i++) {
		mvaddstr(y + i, x, vt);
		mvaddstr(y + i, x + w - 1, vt);
	}
	mvaddstr(y + h - 1, x, bl);
	hline_s(a, y + h - 1, x + 1, w - 2, hz);
	mvaddstr(y + h - 1, x + w - 1, br);
	if (title) {
		char t[160];

		snprintf(t, sizeof t, " %s%s ", title, focus ? " *" : "");
		lw_draw_str(a, y, x + 2, w - 4, focus ? LW_R_ACCENT :
			    LW_R_TITLE, t);
	}
}
