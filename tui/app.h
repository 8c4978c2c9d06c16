/* app.h - the dashboard's shared state, for the tui/ files only.
 *
 * struct lw_app holds what every view shares; each view's own state lives
 * in its file (view.h). Runs come from a struct lw_tui_source (tui.h), never
 * from the engine: the dashboard includes run and history headers only.
 *
 * Threads: everything here belongs to the UI thread. Configs are
 * reference-counted (struct lw_cfgref) because a run borrows its datasets
 * from the config it was polled with, and a reload may replace the current
 * config while a poll or a displayed run still uses the old.
 */
#ifndef LAKEWATCH_TUI_APP_H
#define LAKEWATCH_TUI_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <curses.h>
#include "lakewatch/cfgref.h"
#include "lakewatch/config.h"
#include "lakewatch/history.h"
#include "lakewatch/run.h"
#include "lakewatch/theme.h"
#include "lakewatch/tui.h"
#include "lakewatch/tui_layout.h"
#include "view.h"

/* A clickable rectangle recorded while drawing. HIT_TAB is the app's (a
 * tab: a = view index); every other kind belongs to the view shown, whose
 * click hook gets it. */
struct lw_hit {
	int y, x, h, w;
	int kind;		/* HIT_* */
	int a, b;		/* what was under it (row, column, ...) */
};
enum { HIT_TAB = 1, HIT_MATRIX, HIT_CONSUMER, HIT_CHANGE, HIT_ROW,
       HIT_HEADER, HIT_EVENT };
#define LW_MAX_HITS 512

struct lw_app {
	const struct lw_tui_opts *opts;
	const struct lw_tui_source *src;	/* borrowed; NULL: no polling */
	char *bindir;		/* owned: where the binary lives, or NULL */
	char *cfg_path;		/* owned, NULL until located */
	struct lw_cfgref *cfg;	/* current config, NULL if never loaded */
	char *cfg_errors;	/* owned: last load failure, NULL when fine */

	struct lw_run *run;	/* owned: the run on screen */
	struct lw_cfgref *run_cfg;	/* its config */
	struct lw_history *hist;	/* the UI's read-only handle */
	struct lw_history *hist_w;	/* the poll thread's, closed here */
	char *hist_error;	/* owned */
	struct lw_tui_progress ps;	/* the source's, as last drawn */
	int wake[2];		/* self-pipe: poll thread and signals */

	bool utf8, ascii, color;
	struct lw_theme theme;
	char **themes;		/* owned list of names */
	size_t nthemes;
	size_t theme_idx;
	chtype attr[LW_R_NROLES];
	char msg[256];		/* one-line notice in the footer */
	bool msg_err;

	/* focus: the view shown and the one Esc returns to (indexes into
	 * lw_views); vst[i] is view i's state (owned) */
	size_t cur, back;
	void **vst;
	int W, H;
	bool dirty, quit;

	struct lw_hit hits[LW_MAX_HITS];
	int nhits;
};

/* The config the screen shows: the displayed run's, else the current. */
const struct lw_config *lw_app_cfg(const struct lw_app *a);
const struct lw_ds_run *lw_app_dsrun(const struct lw_app *a, size_t ds);
int64_t lw_app_now(void);

/* views.c: the app side of the views */
/* Make every view's state (vst); lw_app_views_free gives it back. */
void lw_app_views_init(struct lw_app *a);
void lw_app_views_free(struct lw_app *a);
/* The view shown, and a view's state (borrowed). */
const struct lw_view_ops *lw_app_view(const struct lw_app *a);
void *lw_app_state(const struct lw_app *a, const struct lw_view_ops *v);
bool lw_app_showing(const struct lw_app *a, const struct lw_view_ops *v);
/* Show v; Esc then returns to the view shown until now. */
void lw_app_show(struct lw_app *a, const struct lw_view_ops *v);
/* Tell every view: new run or config / history may have news. */
void lw_app_views_on_run(struct lw_app *a);
void lw_app_views_on_history(struct lw_app *a);

/* draw.c */
void lw_draw_setup_colors(struct lw_app *a);
void lw_draw_text(struct lw_app *a, int y, int x, int w, int role,
		  const char *s);
/* Draw s at (y, x) in at most w columns without padding; returns the
 * columns used. */
int lw_draw_str(struct lw_app *a, int y, int x, int w, int role,
		const char *s);
void lw_draw_box(struct lw_app *a, int y, int x, int h, int w,
		 const char *title, bool focus);
void lw_draw_fill(struct lw_app *a, int y, int x, int w, int role);
void lw_draw_hit(struct lw_app *a, int y, int x, int h, int w, int kind,
		 int ia, int ib);
int lw_status_role(enum lw_status s);
const char *lw_arrow(const struct lw_app *a);
/* frame.c: header, tabs, notices, the view, footer */
void lw_draw_frame(struct lw_app *a);

/* keys.c: keys every screen shares; list movement helper */
void lw_keys_handle(struct lw_app *a, int ch);
/* Move a selection for a navigation key; false when ch is not one. */
bool lw_keys_move(int ch, int *sel, int n, int page);
/* app_load.c: themes, config, history at start; reload the config
 * (a broken one is shown and the old one kept) */
void lw_app_first_load(struct lw_app *a);
void lw_app_reload(struct lw_app *a);
void lw_app_next_theme(struct lw_app *a);
void lw_app_set_msg(struct lw_app *a, bool err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define KEY_ESC 27
#ifndef CTRL
#define CTRL(x) ((x) & 0x1f)
#endif

#endif
