/* tui.h - the ncurses dashboard (`lakewatch` and `lakewatch tui`).
 *
 * The dashboard loads the config itself so that it can reload it (R,
 * SIGHUP), polls in a background thread through lw_engine_poll(), and reads
 * history (series, events) straight from SQLite. It never touches the
 * network itself: lakes are only read by the engine in the poll thread.
 */
#ifndef LAKEWATCH_TUI_H
#define LAKEWATCH_TUI_H

#include <stdbool.h>
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

/* Run the dashboard until the user quits (q, Ctrl-C, SIGTERM). Always
 * restores the terminal. Returns a process exit code: 0 after a normal
 * quit, 1 when the terminal could not be set up. Config, lake and history
 * errors are shown on screen, never fatal. */
int lw_tui_main(const struct lw_tui_opts *o);

#endif
