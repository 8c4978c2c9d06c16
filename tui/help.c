/* help.c - the help screen (?) and the footer's per-screen key hints. */
#include <stdio.h>
#include "app.h"

static const char *const help[][2] = {
	{ NULL, "Screens" },
	{ "1 2 3 4", "overview, datasets, dataset detail, events" },
	{ "?", "this help" },
	{ "Esc", "back (and close help); clears a filter being typed" },
	{ NULL, "Moving" },
	{ "arrows, h j k l", "move the selection / scroll" },
	{ "PgUp PgDn", "a page up or down" },
	{ "Home End, g G", "first, last" },
	{ "Tab, Shift-Tab", "next panel (overview), next section (detail)" },
	{ "Enter", "open: a matrix cell or consumer lists its datasets; a "
		   "dataset or change opens its detail" },
	{ "mouse", "click selects, click again (or double-click) opens; "
		   "click a column title to sort" },
	{ NULL, "Datasets" },
	{ "/", "filter by name (PCRE2, case-insensitive), live; Enter keeps, "
	       "Esc clears" },
	{ "x", "problems only (not passing)" },
	{ "s, S", "sort by the next column, reverse the order" },
	{ "F1..F9", "sort by that column" },
	{ "c", "clear every filter" },
	{ NULL, "Polling and display" },
	{ "r", "poll now" },
	{ "p", "pause or resume polling" },
	{ "R", "reload the config (SIGHUP does the same)" },
	{ "t", "next theme" },
	{ "q, Ctrl-C", "quit" },
	{ NULL, "Statuses" },
	{ "PASS WARN FAIL ERROR", "always a glyph and a word, never colour "
				  "alone; ERROR = could not observe" },
};

void lw_help_draw(struct lw_app *a, int y0, int h)
{
	int n = (int)(sizeof help / sizeof help[0]), y = y0;

	for (int i = 0; i < n && y < y0 + h; i++) {
		char line[40];

		if (!help[i][0]) {
			lw_draw_text(a, y++, 0, a->W, LW_R_TITLE, help[i][1]);
			continue;
		}
		snprintf(line, sizeof line, "  %s", help[i][0]);
		lw_draw_str(a, y, 0, 24, LW_R_KEY, line);
		lw_draw_str(a, y, 24, a->W - 25, LW_R_NORMAL, help[i][1]);
		y++;
	}
}

bool lw_help_key(struct lw_app *a, int ch)
{
	(void)a;
	(void)ch;
	return false;
}

const char *lw_footer_keys(const struct lw_app *a)
{
	switch (a->screen) {
	case SCR_OVERVIEW:
		return " Tab panel  arrows move  Enter open  r poll  p pause  "
		       "R reload  t theme  ? help  q quit";
	case SCR_DATASETS:
		return " / filter  x problems  s/S sort  c clear  Enter open  "
		       "Esc back  r poll  ? help  q quit";
	case SCR_DETAIL:
		return " arrows scroll  Tab section  Esc back  r poll  "
		       "? help  q quit";
	case SCR_EVENTS:
		return " arrows move  Enter open  Esc back  r poll  ? help  "
		       "q quit";
	default:
		return " Esc back  q quit";
	}
}
