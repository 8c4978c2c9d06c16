/* app.h - the dashboard's private state, shared by the tui/ files only.
 *
 * Threads: the UI thread owns everything here except struct lw_poller's
 * guarded fields (mutex), which the poll thread reads and writes. Configs
 * are reference-counted (struct lw_cfgref) because a run borrows its
 * datasets from the config it was polled with, and a reload may replace
 * the current config while a poll or a displayed run still uses the old.
 */
#ifndef LAKEWATCH_TUI_APP_H
#define LAKEWATCH_TUI_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <curses.h>
#include "lakewatch/config.h"
#include "lakewatch/run.h"
#include "lakewatch/history.h"
#include "lakewatch/theme.h"
#include "lakewatch/tui.h"
#include "lakewatch/tui_layout.h"

struct lw_cfgref {
	struct lw_config *cfg;	/* owned: freed with the last reference */
	int refs;		/* guarded by the poller mutex */
};

struct lw_poller {
	pthread_t th;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int wake_fd;		/* write end of the UI's self-pipe */
	/* guarded by mu: */
	struct lw_history *hist;	/* the poll thread's handle, may be NULL */
	struct lw_cfgref *cfg;	/* polled next; a reference */
	int64_t interval;
	bool paused, quit, now_req, running;
	size_t done, total;
	int64_t next_at, started_at;	/* time(NULL) seconds */
	struct lw_run *result;		/* finished, not yet taken */
	struct lw_cfgref *result_cfg;
	atomic_bool cancel;
};

void lw_cfgref_put(struct lw_poller *p, struct lw_cfgref *r);
struct lw_cfgref *lw_cfgref_get(struct lw_poller *p, struct lw_cfgref *r);
int lw_poller_start(struct lw_poller *p, int wake_fd,
		    struct lw_history *hist, int64_t interval);
/* false: the thread did not end in time (leave its data alone). */
bool lw_poller_stop(struct lw_poller *p);
/* Replace the config the next polls use, and poll at once. */
void lw_poller_set_config(struct lw_poller *p, struct lw_cfgref *r);
void lw_poller_now(struct lw_poller *p);
void lw_poller_pause(struct lw_poller *p, bool paused);
void lw_poller_set_interval(struct lw_poller *p, int64_t secs);
/* Give the poll thread a history handle (used from the next poll on). */
void lw_poller_set_history(struct lw_poller *p, struct lw_history *h);
/* Hand over a finished run (NULL when none): the caller owns *run and the
 * reference *cfg. */
bool lw_poller_take(struct lw_poller *p, struct lw_run **run,
		    struct lw_cfgref **cfg);

struct lw_pstate {		/* a copy of the poller state for drawing */
	bool paused, running;
	size_t done, total;
	int64_t next_at;
};
void lw_poller_state(struct lw_poller *p, struct lw_pstate *s);

enum lw_screen { SCR_OVERVIEW = 0, SCR_DATASETS, SCR_DETAIL, SCR_EVENTS,
		 SCR_HELP, SCR_N };

/* A clickable rectangle recorded while drawing. */
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
	char *bindir;		/* owned: where the binary lives, or NULL */
	char *cfg_path;		/* owned, NULL until located */
	struct lw_cfgref *cfg;	/* current config, NULL if never loaded */
	char *cfg_errors;	/* owned: last load failure, NULL when fine */
	bool cfg_reloaded;	/* a reload after the first load succeeded */

	struct lw_run *run;	/* owned: the run on screen */
	struct lw_cfgref *run_cfg;	/* its config */
	struct lw_history *hist;	/* the UI's read-only handle */
	struct lw_history *hist_w;	/* the poll thread's, closed here */
	char *hist_error;	/* owned */
	struct lw_poller poller;
	struct lw_pstate ps;
	int wake[2];		/* self-pipe: poll thread and signals */

	bool utf8, ascii, color;
	struct lw_theme theme;
	char **themes;		/* owned list of names */
	size_t nthemes;
	size_t theme_idx;
	chtype attr[LW_R_NROLES];
	char msg[256];		/* one-line notice in the footer */
	bool msg_err;

	enum lw_screen screen, back;
	int W, H;
	bool dirty, quit;

	/* overview */
	int ov_panel;		/* 0 matrix, 1 consumers, 2 changes */
	int ov_row, ov_col, ov_cons, ov_chg;
	struct lw_hevent *chg;	/* latest changes (owned) */
	size_t nchg;

	/* datasets */
	struct lw_tui_row *rows;	/* one per dataset of the view config */
	size_t nrows;
	size_t *vis;		/* indexes into rows that pass the filters */
	size_t nvis;
	int sel, top;
	enum lw_tui_sort sort;
	bool sort_rev, problems;
	char filter[256];
	pcre2_code *filter_re;	/* owned */
	char filter_err[160];
	bool editing;
	char filter_before[256];
	int f_source, f_layer, f_consumer;	/* -1: no such filter */

	/* detail */
	char *det_name;		/* owned */
	int det_top, det_lines, det_sec[6];
	struct lw_hpoint *series;	/* owned */
	size_t nseries;
	int64_t series_run;	/* run id the series was read after */

	/* events */
	struct lw_hevent *ev;	/* owned */
	size_t nev;
	int ev_sel, ev_top;

	struct lw_hit hits[LW_MAX_HITS];
	int nhits;
};

/* The config the screen shows: the displayed run's, else the current. */
const struct lw_config *lw_app_cfg(const struct lw_app *a);
const struct lw_ds_run *lw_app_dsrun(const struct lw_app *a, size_t ds);
int64_t lw_app_now(void);

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
void lw_draw_frame(struct lw_app *a);

/* screens */
void lw_overview_draw(struct lw_app *a, int y0, int h);
bool lw_overview_key(struct lw_app *a, int ch);
void lw_overview_click(struct lw_app *a, const struct lw_hit *h, bool dbl);
void lw_datasets_rebuild(struct lw_app *a);
void lw_datasets_refilter(struct lw_app *a);
void lw_datasets_draw(struct lw_app *a, int y0, int h);
bool lw_datasets_key(struct lw_app *a, int ch);
void lw_datasets_click(struct lw_app *a, const struct lw_hit *h, bool dbl);
void lw_datasets_clear_filters(struct lw_app *a);
bool lw_filter_key(struct lw_app *a, int ch);
void lw_detail_open(struct lw_app *a, const char *name);
void lw_detail_refresh(struct lw_app *a);
void lw_detail_draw(struct lw_app *a, int y0, int h);
bool lw_detail_key(struct lw_app *a, int ch);
void lw_events_load(struct lw_app *a);
void lw_events_draw(struct lw_app *a, int y0, int h);
bool lw_events_key(struct lw_app *a, int ch);
void lw_events_click(struct lw_app *a, const struct lw_hit *h, bool dbl);
void lw_help_draw(struct lw_app *a, int y0, int h);
bool lw_help_key(struct lw_app *a, int ch);
const char *lw_footer_keys(const struct lw_app *a);

/* keys.c: keys every screen shares; list movement helper */
void lw_keys_handle(struct lw_app *a, int ch);
/* Move a selection for a navigation key; false when ch is not one. */
bool lw_keys_move(int ch, int *sel, int n, int page);
void lw_app_reload(struct lw_app *a);
void lw_app_next_theme(struct lw_app *a);
void lw_app_set_msg(struct lw_app *a, bool err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define KEY_ESC 27
#ifndef CTRL
#define CTRL(x) ((x) & 0x1f)
#endif

#endif
