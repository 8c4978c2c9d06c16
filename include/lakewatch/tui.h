/* tui.h - the ncurses dashboard (`lakewatch` and `lakewatch tui`).
 *
 * The dashboard loads the config itself so that it can reload it (R,
 * SIGHUP) and reads history (series, events) straight from SQLite. It
 * never polls itself: runs come from a struct lw_tui_source, which the
 * caller (cli/tui.c) wires to the engine's poll thread (poller.h). So the
 * dashboard never touches the network or the engine; lakes are only read
 * by the engine in the poll thread.
 */
#ifndef LAKEWATCH_TUI_H
#define LAKEWATCH_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lw_tui_opts {
	const char *config;	/* --config, or NULL: lw_config_locate() */
	int64_t interval;	/* --interval seconds, 0 = the config's */
	const char *theme;	/* --theme NAME, or NULL: config, then "dark" */
	bool no_color;		/* --no-color (NO_COLOR is read as well) */
	bool ascii;		/* --ascii: no UTF-8 glyphs even in UTF-8 */
	const char *history;	/* --history PATH, or NULL: the config's */
	bool no_history;	/* --no-history: neither read nor write it */
};

struct lw_cfgref;
struct lw_config;
struct lw_buf;
struct lw_history;
struct lw_run;

/* Where runs come from, as the poll thread's state for the header. */
struct lw_tui_progress {
	bool paused, running;
	size_t done, total;	/* datasets polled so far, of */
	int64_t next_at;	/* next poll, time(NULL) seconds */
};

/* What the dashboard asks of whoever polls. Every function is called from
 * the UI thread with ud and must return at once. */
struct lw_tui_source {
	void *ud;
	/* Start; write one byte to wake_fd whenever something changed (a run
	 * finished, progress). hist may be NULL. 0, or -1 on failure. */
	int (*start)(void *ud, int wake_fd, struct lw_history *hist,
		     int64_t interval);
	/* Quit, cancelling a poll. true: stopped and everything it held is
	 * freed; false: it did not stop in time (leave its data alone). */
	bool (*quit)(void *ud);
	/* A new or reloaded config: poll with it (a reference is taken)
	 * from now on, at once. */
	void (*reload)(void *ud, struct lw_cfgref *cfg);
	void (*poll_now)(void *ud);
	void (*pause)(void *ud, bool paused);
	void (*set_interval)(void *ud, int64_t secs);
	/* The history handle polls record into (owned by the dashboard). */
	void (*set_history)(void *ud, struct lw_history *h);
	/* The latest finished run not yet taken (false: none). The caller
	 * owns *run and the reference *cfg (the config it borrows from). */
	bool (*take)(void *ud, struct lw_run **run, struct lw_cfgref **cfg);
	void (*progress)(void *ud, struct lw_tui_progress *out);
	/* Load and validate the config at path, binding its plug-ins (the
	 * dashboard cannot: that is the engine's). Returns LW_OK and *out
	 * (the caller's), or an error with every problem in errors. */
	int (*load_config)(const char *path, struct lw_config **out,
			   struct lw_buf *errors);
	/* Whether notifications are failing to go out: true and one line
	 * in msg (redacted) for the header. May be NULL (nothing sends). */
	bool (*notify_failing)(void *ud, char *msg, size_t n);
};

/* Run the dashboard until the user quits (q, Ctrl-C, SIGTERM). Always
 * restores the terminal. Returns a process exit code: 0 after a normal
 * quit, 1 when the terminal could not be set up. Config, lake and history
 * errors are shown on screen, never fatal. */
int lw_tui_main(const struct lw_tui_opts *o,
		const struct lw_tui_source *src);

#endif
