/* help.c - the help view (?): every key. The line of view keys comes from
 * the registry (each view's key and summary), so a new view shows up here
 * without an edit to this file. */
#include <stdio.h>
#include <string.h>
#include "app.h"

#define VIEW_KEYS ""	/* marks the row built from the registry */

static const char *const help[][2] = {
	{ NULL, "Screens" },
	{ VIEW_KEYS, NULL },
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
	{ NULL, "Incidents (5) and the detail's selected check" },
	{ "a, m", "acknowledge with a note; mute for 30m, 2h, 1d (hidden "
		  "until then); statuses do not change" },
	{ "A, U", "accept the observed schema / row count as the baseline "
		  "(asks first); undo the last accept" },
	{ "M, n N", "incidents: show muted ones too; detail: next / previous "
		    "check" },
	{ NULL, "Statuses" },
	{ "PASS WARN FAIL ERROR", "always a glyph and a word, never colour "
				  "alone; ERROR = could not observe" },
};

/* "1 2 3 4" and "overview, datasets, ...": the views with a summary
 * (help itself has its own line). */
static void view_keys(char *keys, size_t kn, char *what, size_t wn)
{
	size_t k = 0, w = 0;

	keys[0] = what[0] = 0;
	for (size_t i = 0; i < lw_nviews; i++) {
		const struct lw_view_ops *v = lw_views[i];

		if (!v->summary)
			continue;
		if (k < kn)
			k += snprintf(keys + k, kn - k, "%s%c", k ? " " : "",
				      v->key);
		if (w < wn)
			w += snprintf(what + w, wn - w, "%s%s", w ? ", " : "",
				      v->summary);
	}
}

static void help_draw(struct lw_app *a, void *st, int y0, int h)
{
	int n = (int)(sizeof help / sizeof help[0]), y = y0;

	(void)st;
	for (int i = 0; i < n && y < y0 + h; i++) {
		char line[40], keys[32], what[256];
		const char *text = help[i][1];

		if (!help[i][0]) {
			lw_draw_text(a, y++, 0, a->W, LW_R_TITLE, text);
			continue;
		}
		if (!strcmp(help[i][0], VIEW_KEYS)) {
			view_keys(keys, sizeof keys, what, sizeof what);
			snprintf(line, sizeof line, "  %s", keys);
			text = what;
		} else {
			snprintf(line, sizeof line, "  %s", help[i][0]);
		}
		lw_draw_str(a, y, 0, 24, LW_R_KEY, line);
		lw_draw_str(a, y, 24, a->W - 25, LW_R_NORMAL, text);
		y++;
	}
}

/* No state of its own: NULL, which the app's free(NULL) gives back. */
static void *help_init(struct lw_app *a)
{
	(void)a;
	return NULL;
}

const struct lw_view_ops lw_view_help = {
	.name = "Help",
	.key = '?',
	.flags = LW_VIEW_RETURNS | LW_VIEW_TOGGLES,
	.footer = " Esc back  q quit",
	.init = help_init,
	.draw = help_draw,
};
