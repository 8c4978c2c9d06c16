/* help.c - the help view (?): every key. The line of view keys comes from
 * the registry (each view's key and summary), so a new view shows up here
 * without an edit to this file. */
#include <stdio.h>
#include <string.h>
#include "app.h"
#include "lakewatch/util.h"

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
	{ "Enter", "open: a matrix cell lists its datasets; a hurt consumer "
		   "opens the detail of the dataset that pulls it down, its "
		   "failing check selected (or, when a failed pipeline run is "
		   "the root, that run and its error); a dataset or change "
		   "opens its detail" },
	{ "mouse", "click selects, click again (or double-click) opens; "
		   "click a column title to sort" },
	{ "d", "overview consumers: list the consumer's datasets" },
	{ "n, N", "detail: select the next, previous check (shown in full "
		  "below the table)" },
	{ NULL, "Datasets" },
	{ "/", "filter by name (PCRE2, case-insensitive), live; Enter keeps, "
	       "Esc clears; on every screen (opens the datasets table)" },
	{ "x", "problems only (not passing; muted ones are hidden)" },
	{ "M", "datasets: muted checks count in the status again (a "
	       "dataset whose every problem is muted says \"muted\")" },
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
	{ NULL, "Pipelines (6)" },
	{ "rows", "each pipeline or job a run dataset watches, worst first: "
		  "its runs check, last run and age, and its runs over the "
		  "last 24 hours, one cell per hour, oldest left" },
	{ "strip", "S succeeded, F failed, T timed out, C cancelled, R "
		   "running, Q queued, K skipped, ? unknown, . no run; a cell "
		   "shows its worst run" },
	{ "Enter, o", "the pipeline's runs, newest first, the failing run in "
		      "full (id, start, duration, activity, error); a stream "
		      "job's state and metrics; o: its dataset's detail" },
	{ "j k, Esc", "runs pane: select a run; close the pane" },
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

/* Its state: the first line shown (help scrolls as one document). */
struct help_state {
	int top, lines, page;
};

/* Line n of the document at screen row y0 + n - top when visible. */
static void help_line(struct lw_app *a, const struct help_state *s, int y0,
		      int h, int n, const char *key, int role,
		      const char *text)
{
	int y = y0 + n - s->top;

	if (n < s->top || y >= y0 + h)
		return;
	if (!key) {
		lw_draw_text(a, y, 0, a->W, LW_R_TITLE, text);
		return;
	}
	lw_draw_str(a, y, 0, 24, LW_R_KEY, key);
	lw_draw_str(a, y, 24, a->W - 25, role, text);
}

static void help_draw(struct lw_app *a, void *st, int y0, int h)
{
	struct help_state *s = st;
	int n = (int)(sizeof help / sizeof help[0]), k = 0, full = h;

	/* the last row says where we are when it does not all fit (the
	 * count is the last draw's: a first draw that learns it redraws) */
	if (s->lines > full)
		h--;
	/* keys move top against the last draw's count: clamp to this one's
	 * (G asks for the end whatever the count was then) */
	if (s->lines > h && s->top > s->lines - h)
		s->top = s->lines - h;

	for (int i = 0; i < n; i++) {
		char line[40], keys[32], what[256], part[512];
		const char *text = help[i][1];

		if (!help[i][0]) {
			help_line(a, s, y0, h, k++, NULL, 0, text);
			continue;
		}
		if (!strcmp(help[i][0], VIEW_KEYS)) {
			view_keys(keys, sizeof keys, what, sizeof what);
			snprintf(line, sizeof line, "  %s", keys);
			text = what;
		} else {
			snprintf(line, sizeof line, "  %s", help[i][0]);
		}
		/* long texts wrap (never cut at 80 columns) */
		do {
			size_t used = lw_tui_wrap_part(part, sizeof part,
						       text, a->W - 25,
						       a->ascii);

			help_line(a, s, y0, h, k++, line, LW_R_NORMAL, part);
			line[0] = 0;
			text += used;
			while (*text == ' ')
				text++;
		} while (*text);
	}
	if ((k > full) != (s->lines > full))
		a->dirty = true;
	s->lines = k;
	s->page = h;
	if (k > full && h < full) {
		char m[64];

		snprintf(m, sizeof m, " lines %d-%d of %d, j k PgUp PgDn "
			 "scroll ", s->top + 1, s->top + h < k ? s->top + h :
			 k, k);
		lw_draw_str(a, y0 + h, a->W - 1 - (int)strlen(m),
			    (int)strlen(m), LW_R_DIM, m);
	}
}

static bool help_key(struct lw_app *a, void *st, int ch)
{
	struct help_state *s = st;
	int max = s->lines - s->page, top = s->top;

	(void)a;
	if (max < 0)
		max = 0;
	/* End goes to the last line; the draw clamps it to the last page */
	if (!lw_keys_move(ch, &top, ch == 'G' || ch == KEY_END ?
			  (s->lines > 0 ? s->lines : 1) : max + 1,
			  s->page - 1))
		return false;
	s->top = top;
	return true;
}

/* Shown again: from the top. */
static void help_enter(struct lw_app *a, void *st)
{
	struct help_state *s = st;

	(void)a;
	s->top = 0;
}

/* The caller (the app) owns the state (freed by the app). */
static void *help_init(struct lw_app *a)
{
	(void)a;
	return lw_xcalloc(1, sizeof(struct help_state));
}

const struct lw_view_ops lw_view_help = {
	.name = "Help",
	.key = '?',
	.flags = LW_VIEW_RETURNS | LW_VIEW_TOGGLES,
	.footer = " j k PgUp PgDn scroll  Esc back  q quit",
	.init = help_init,
	.draw = help_draw,
	.handle_key = help_key,
	.enter = help_enter,
};
