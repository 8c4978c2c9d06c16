/* view.h - the dashboard's screens as views (tig's model), tui/ only.
 *
 * Each screen is one file that defines one `const struct lw_view_ops` and
 * keeps its own state (a struct private to that file, made by init and
 * owned by the app). The app (app.h) keeps only what every view shares:
 * config and run, history handles, theme, size, the focus (which view is
 * shown and which one Esc returns to) and the run source. The tabs, the
 * number keys, the footer hints and the key, mouse and new-data dispatch
 * all come from the registry table lw_views[] (views.c).
 *
 * Adding a view (say incidents):
 *   1. write tui/incidents.c: a file-private `struct incidents_state`,
 *      and `const struct lw_view_ops lw_view_incidents = { .name =
 *      "Incidents", .key = '5', .summary = "incidents", .footer = "...",
 *      .init, .free, .draw, ... }` with the hooks it needs (name, key,
 *      footer, init and draw are required; the key must not be one of
 *      the shared keys q Q r p R t h /; see below for when each hook is
 *      called);
 *   2. declare it below (extern const struct lw_view_ops lw_view_...);
 *   3. add one line to the table in tui/views.c, where it should tab.
 * No other view changes: the Makefile builds every .c file in tui/; the
 * tab, the key, the footer hints and the help's line of view keys
 * (summary) come from the table; and tests/unit/test_tui_views.c checks
 * every entry (required fields, unique keys that are not shared keys,
 * init/free round trip).
 * Other views reach a view only through the entry points it declares
 * here (lw_detail_open, lw_datasets_show), never through its state.
 */
#ifndef LAKEWATCH_TUI_VIEW_H
#define LAKEWATCH_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lw_app;
struct lw_hit;

enum {
	/* Esc returns to the view this one was opened from (not to the
	 * first view), unless that one also has this flag. */
	LW_VIEW_RETURNS = 1 << 0,
	/* Its key pressed while it is shown closes it again (as Esc). */
	LW_VIEW_TOGGLES = 1 << 1,
};

struct lw_view_ops {
	const char *name;	/* tab title: "Overview" (tab shows "1 ...") */
	int key;		/* the key that shows it: '1', '?' */
	unsigned flags;		/* LW_VIEW_* */
	const char *footer;	/* key hints for the footer (static) */
	const char *summary;	/* for the help's line of view keys:
				 * "dataset detail"; NULL: left out */

	/* The view's state, zeroed and set up; owned by the app, given
	 * back to free (which may be NULL when there is nothing to free
	 * but the state itself; the app frees that). */
	void *(*init)(struct lw_app *a);
	void (*free)(void *st);

	/* Draw rows y0 .. y0+h-1 (between header/notices and footer). */
	void (*draw)(struct lw_app *a, void *st, int y0, int h);
	/* A key the shared keys (keys.c) did not take; true when used. */
	bool (*handle_key)(struct lw_app *a, void *st, int ch);
	/* A click on a rectangle this view recorded (lw_draw_hit). */
	void (*click)(struct lw_app *a, void *st, const struct lw_hit *h,
		      bool dbl);
	/* It is about to be shown by its key or tab (the view shown until
	 * now is still lw_app_view(a)). */
	void (*enter)(struct lw_app *a, void *st);
	/* The displayed run or the config changed (the old config is still
	 * alive during the call). */
	void (*on_run)(struct lw_app *a, void *st);
	/* History may hold new entries: at start and after each run. */
	void (*on_history)(struct lw_app *a, void *st);
	/* The dataset this view has selected, or NULL (borrowed). */
	const char *(*selected)(const struct lw_app *a, const void *st);
	/* true while the view takes every key itself (typing a filter). */
	bool (*captures)(const struct lw_app *a, const void *st);
	/* Esc (Backspace, Left) was pressed: true when the view took it
	 * itself (closed a pane of its own); false: back to the view it
	 * was opened from, as for every view. */
	bool (*back)(struct lw_app *a, void *st);
	/* Draw the footer line y itself; false: the usual footer. */
	bool (*draw_footer)(struct lw_app *a, void *st, int y);
};

/* views.c: the registry, in tab order; the first view is home. */
extern const struct lw_view_ops *const lw_views[];
extern const size_t lw_nviews;

extern const struct lw_view_ops lw_view_overview;
extern const struct lw_view_ops lw_view_datasets;
extern const struct lw_view_ops lw_view_detail;
extern const struct lw_view_ops lw_view_events;
extern const struct lw_view_ops lw_view_incidents;
extern const struct lw_view_ops lw_view_pipelines;
extern const struct lw_view_ops lw_view_help;

/* Index of v in lw_views (asserts it is there). */
size_t lw_view_index(const struct lw_view_ops *v);
/* The view for a key, or NULL. */
const struct lw_view_ops *lw_view_for_key(int key);

/* Entry points other views use. */
/* Show the detail of a dataset (name is copied). */
void lw_detail_open(struct lw_app *a, const char *name);
/* Show the detail of a dataset with one of its checks selected and
 * expanded (check NULL: its worst check); both are copied. The detail's
 * a, m, A, U keys act on the selected check. */
void lw_detail_open_check(struct lw_app *a, const char *name,
			  const char *check);
/* Show the Pipelines screen with the runs of run dataset name (copied),
 * the failing run selected and in full; Esc returns to the view shown
 * until now. (pipelines.c) */
void lw_pipelines_open(struct lw_app *a, const char *name);
/* Show the whole datasets table with its name filter being typed (the
 * `/` key on every screen). */
void lw_datasets_search(struct lw_app *a);
/* A consumer's culprit (a roll-up's culprit and its result, borrowed from
 * the run) with muted incidents left out: replaced by the worst unmuted
 * problem of that consumer's datasets, or both NULL when every one is
 * muted. Statuses stay as they are. (incidents.c) */
struct lw_ds_run;
struct lw_result;
void lw_incidents_culprit(const struct lw_app *a, int consumer,
			  const struct lw_ds_run **dr,
			  const struct lw_result **res);
/* Until when dataset's check is muted by the open incidents last read from
 * history, or 0 when it is not muted at now. (incidents.c) */
int64_t lw_incidents_muted(const struct lw_app *a, const char *dataset,
			   const char *check, int64_t now);
/* The open incidents were read again: the datasets table marks its muted
 * problems anew. (datasets.c) */
void lw_datasets_mutes_changed(struct lw_app *a);
/* Show the datasets table filtered to a source, layer and consumer (each
 * -1 for any); the name filter and problems toggle are kept. */
void lw_datasets_show(struct lw_app *a, int source, int layer,
		      int consumer);

#endif
