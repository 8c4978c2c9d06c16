/* draw.c - drawing primitives (text, boxes, fills), colours from the theme,
 * and the frame around every screen: header, tabs, footer, the
 * "terminal too small" message. */
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

static const char *const tab_names[] = {
	"1 Overview", "2 Datasets", "3 Detail", "4 Events", "? Help"
};

static void draw_header(struct lw_app *a)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	char t[512], tm[32];
	int x, n;

	lw_draw_fill(a, 0, 0, a->W, LW_R_HEADER);
	n = snprintf(t, sizeof t, " lakewatch %s %s", a->ascii ? "-" :
		     "\xc2\xb7", cfg ? cfg->name : "(no config)");
	if (cfg && cfg->nlakes) {
		n += snprintf(t + n, sizeof t - n, "  lakes:");
		for (size_t i = 0; i < cfg->nlakes && n < 200; i++)
			n += snprintf(t + n, sizeof t - n, "%s%s",
				      i ? ", " : " ", cfg->lakes[i].name);
	}
	x = lw_draw_str(a, 0, 0, a->W, LW_R_HEADER, t);

	/* right side: poll state */
	if (a->ps.running) {
		snprintf(t, sizeof t, "polling %zu/%zu ", a->ps.done,
			 a->ps.total);
	} else {
		n = 0;
		t[0] = 0;
		if (a->run) {
			time_t f = (time_t)a->run->finished;
			struct tm lt;

			localtime_r(&f, &lt);
			strftime(tm, sizeof tm, "%H:%M:%S", &lt);
			n = snprintf(t, sizeof t, "last poll %s  ", tm);
		}
		if (a->ps.paused) {
			snprintf(t + n, sizeof t - n, "paused ");
		} else if (a->cfg) {
			int64_t left = a->ps.next_at - (int64_t)time(NULL);

			if (left < 0)
				left = 0;
			snprintf(t + n, sizeof t - n, "next in %d:%02d ",
				 (int)(left / 60), (int)(left % 60));
		}
	}
	n = lw_tui_width(t, a->ascii);
	if (a->W - n > x + 1)
		lw_draw_str(a, 0, a->W - n, n, LW_R_HEADER, t);

	/* second line: tabs, then the counts, then problems */
	lw_draw_fill(a, 1, 0, a->W, LW_R_NORMAL);
	x = 0;
	for (int i = 0; i < SCR_N; i++) {
		char b[32];
		int w;
		int active = (int)a->screen == i;

		snprintf(b, sizeof b, " %s ", tab_names[i]);
		w = lw_draw_str(a, 1, x, a->W - x, active ? LW_R_TAB_ACTIVE :
				LW_R_TAB, b);
		lw_draw_hit(a, 1, x, 1, w, HIT_TAB, i, 0);
		x += w + 1;
		if (x >= a->W)
			break;
	}
	if (a->run) {
		/* words when they fit, else glyph and count (never colour
		 * alone either way) */
		bool words = a->W - x >= 44;

		for (int s = 0; s < LW_NSTATUS && x < a->W; s++) {
			snprintf(t, sizeof t, words ? " %s %s %d" :
				 " %s%.0s%d", lw_tui_glyph(s, a->ascii),
				 lw_status_name(s), a->run->counts[s]);
			x += lw_draw_str(a, 1, x, a->W - x,
					 a->run->counts[s] ? lw_status_role(s) :
					 LW_R_DIM, t);
		}
	}
	(void)tm;
}

/* Problems that belong to no screen: config, history, theme. */
static int draw_notices(struct lw_app *a, int y)
{
	char t[512];

	if (a->cfg_errors) {
		const char *nl = strchr(a->cfg_errors, '\n');
		int n = nl ? (int)(nl - a->cfg_errors) : (int)strlen(
			a->cfg_errors);

		snprintf(t, sizeof t, "%s %.*s%s", a->cfg ?
			 "config reload failed (previous config kept):" :
			 "config error:", n > 400 ? 400 : n, a->cfg_errors,
			 nl && nl[1] ? " (more on the overview)" : "");
		lw_draw_text(a, y++, 0, a->W, LW_R_ERROR, t);
	}
	if (a->hist_error) {
		snprintf(t, sizeof t, "history unavailable: %s",
			 a->hist_error);
		lw_draw_text(a, y++, 0, a->W, LW_R_WARN, t);
	}
	if (a->run && a->run->history_error) {
		snprintf(t, sizeof t, "history: %s", a->run->history_error);
		lw_draw_text(a, y++, 0, a->W, LW_R_WARN, t);
	}
	return y;
}

static void draw_footer(struct lw_app *a)
{
	int y = a->H - 1, x;

	lw_draw_fill(a, y, 0, a->W, LW_R_FOOTER);
	if (a->editing) {
		char t[400];

		snprintf(t, sizeof t, "/%s", a->filter);
		x = lw_draw_str(a, y, 0, a->W - 1, LW_R_FOOTER, t);
		if (a->filter_err[0])
			lw_draw_str(a, y, x + 2, a->W - x - 2, LW_R_ERROR,
				    a->filter_err);
		else
			lw_draw_str(a, y, x + 2, a->W - x - 2, LW_R_FOOTER,
				    "(Enter keep, Esc clear)");
		move(y, x);	/* the cursor shows where typing goes */
		return;
	}
	if (a->msg[0]) {
		x = lw_draw_str(a, y, 0, a->W, a->msg_err ? LW_R_ERROR :
				LW_R_ACCENT, a->msg);
		lw_draw_str(a, y, x + 2, a->W - x - 2, LW_R_FOOTER,
			    lw_footer_keys(a));
		return;
	}
	lw_draw_str(a, y, 0, a->W, LW_R_FOOTER, lw_footer_keys(a));
}

void lw_draw_frame(struct lw_app *a)
{
	int y;

	a->nhits = 0;
	attrset(a->attr[LW_R_NORMAL]);
	erase();
	if (a->W < LW_TUI_MIN_W || a->H < LW_TUI_MIN_H) {
		char t[96];

		snprintf(t, sizeof t, "terminal too small (need %dx%d)",
			 LW_TUI_MIN_W, LW_TUI_MIN_H);
		lw_draw_str(a, a->H / 2, 0, a->W, LW_R_NORMAL, t);
		if (a->H / 2 + 1 < a->H)
			lw_draw_str(a, a->H / 2 + 1, 0, a->W, LW_R_DIM,
				    "q quits");
		curs_set(0);
		return;
	}
	draw_header(a);
	y = draw_notices(a, 2);
	curs_set(a->editing ? 1 : 0);
	switch (a->screen) {
	case SCR_OVERVIEW: lw_overview_draw(a, y, a->H - 1 - y); break;
	case SCR_DATASETS: lw_datasets_draw(a, y, a->H - 1 - y); break;
	case SCR_DETAIL: lw_detail_draw(a, y, a->H - 1 - y); break;
	case SCR_EVENTS: lw_events_draw(a, y, a->H - 1 - y); break;
	default: lw_help_draw(a, y, a->H - 1 - y); break;
	}
	draw_footer(a);
}
