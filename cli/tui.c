/* tui.c - `lakewatch [tui]`: the dashboard's command-line options, and the
 * wiring of the dashboard's run source (struct lw_tui_source) to the
 * engine's poll thread (poller.h). The dashboard itself knows neither. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lakewatch/cli.h"
#include "lakewatch/engine.h"
#include "lakewatch/history_outbox.h"
#include "lakewatch/log.h"
#include "lakewatch/poller.h"
#include "lakewatch/tui.h"
#include "lakewatch/util.h"

#ifndef LW_NO_TUI	/* make NO_TUI=1 leaves tui/ out of the build */

/* --no-cache: every poll of this dashboard reads every file */
static bool no_cache;

/* --- the run source: ud is a struct lw_poller ** (NULL until started) */
static int src_start(void *ud, int wake_fd, struct lw_history *hist,
		     int64_t interval)
{
	struct lw_poller **pp = ud;

	*pp = lw_poller_start(wake_fd, hist, interval);
	if (*pp && no_cache)
		lw_poller_set_no_cache(*pp, true);
	return *pp ? 0 : -1;
}

static bool src_quit(void *ud)
{
	struct lw_poller **pp = ud;
	bool joined = lw_poller_stop(*pp);

	*pp = NULL;
	return joined;
}

static void src_reload(void *ud, struct lw_cfgref *cfg)
{
	lw_poller_set_config(*(struct lw_poller **)ud, cfg);
}

static void src_poll_now(void *ud)
{
	lw_poller_now(*(struct lw_poller **)ud);
}

static void src_pause(void *ud, bool paused)
{
	lw_poller_pause(*(struct lw_poller **)ud, paused);
}

static void src_set_interval(void *ud, int64_t secs)
{
	lw_poller_set_interval(*(struct lw_poller **)ud, secs);
}

/* The dashboard's own state beside the poller; the poller comes first,
 * so ud is also a struct lw_poller ** for the functions above. */
struct dash_src {
	struct lw_poller *poller;
	struct lw_history *h;	/* borrowed: the dashboard's, or NULL */
};

static void src_set_history(void *ud, struct lw_history *h)
{
	((struct dash_src *)ud)->h = h;
	lw_poller_set_history(*(struct lw_poller **)ud, h);
}

/* The dashboard sends nothing (watch or check do, from the same
 * history); it shows when what they send is failing. */
static bool src_notify_failing(void *ud, char *msg, size_t n)
{
	struct lw_history *h = ((struct dash_src *)ud)->h;
	struct lw_err err;
	bool failing = false;
	if (h && lw_history_outbox_failing(h, msg, n, &failing, &err))
		return false;
	return failing;
}

static bool src_take(void *ud, struct lw_run **run, struct lw_cfgref **cfg)
{
	return lw_poller_take(*(struct lw_poller **)ud, run, cfg);
}

static void src_progress(void *ud, struct lw_tui_progress *out)
{
	struct lw_poller_state s;

	lw_poller_state(*(struct lw_poller **)ud, &s);
	out->paused = s.paused;
	out->running = s.running;
	out->done = s.done;
	out->total = s.total;
	out->next_at = s.next_at;
}

static int run_dashboard(const struct lw_tui_opts *o)
{
	struct dash_src ds = {NULL, NULL};
	const struct lw_tui_source src = {
		.ud = &ds,
		.start = src_start, .quit = src_quit, .reload = src_reload,
		.poll_now = src_poll_now, .pause = src_pause,
		.set_interval = src_set_interval,
		.set_history = src_set_history, .take = src_take,
		.progress = src_progress,
		.load_config = lw_config_load,
		.notify_failing = src_notify_failing,
	};

	return lw_tui_main(o, &src);
}
#endif

int lw_cmd_tui(int argc, char **argv)
{
	enum { O_THEME = 256, O_NO_COLOR, O_ASCII, O_INTERVAL, O_NO_CACHE };
	static const struct option opts[] = {
		LW_CLI_COMMON_OPTIONS,
		{"help", no_argument, NULL, 'h'},
		{"theme", required_argument, NULL, O_THEME},
		{"no-color", no_argument, NULL, O_NO_COLOR},
		{"no-colour", no_argument, NULL, O_NO_COLOR},
		{"ascii", no_argument, NULL, O_ASCII},
		{"interval", required_argument, NULL, O_INTERVAL},
		{"no-cache", no_argument, NULL, O_NO_CACHE},
		{NULL, 0, NULL, 0},
	};
	struct lw_tui_opts o;
	struct lw_cli_common co = {0};
	memset(&o, 0, sizeof o);
	int c, k;
	int64_t secs;
	while ((c = getopt_long(argc, argv, LW_CLI_COMMON_SHORT "h", opts,
				NULL)) != -1) {
		if ((k = lw_cli_common_opt(c, optarg, &co)) != 0) {
			if (k < 0)
				return 0;	/* --version */
			continue;
		}
		switch (c) {
		case O_THEME: o.theme = optarg; break;
		case O_NO_COLOR: o.no_color = true; break;
		case O_ASCII: o.ascii = true; break;
		case O_NO_CACHE: no_cache = true; break;
		case O_INTERVAL:
			if (lw_duration_parse(optarg, &secs) || secs < 1) {
				fprintf(stderr, "lakewatch: --interval: '%s' is not "
					"a duration such as 30s or 5m\n", optarg);
				return LW_EXIT_USAGE;
			}
			o.interval = secs;
			break;
		case 'h':
			puts("usage: lakewatch [tui] [--config FILE] [--theme NAME] "
			     "[--interval DUR]\n"
			     "                 [--no-color] [--ascii] "
			     "[--history FILE | --no-history] [--no-cache]\n"
			     "                 [--log FILE] [--version]\n"
			     "The on-call dashboard. Press ? inside for the keys.");
			return 0;
		default:
			return LW_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lakewatch: unexpected argument '%s'\n",
			argv[optind]);
		return LW_EXIT_USAGE;
	}
#ifdef LW_NO_TUI
	fprintf(stderr, "lakewatch: this build has no dashboard "
		"(built with NO_TUI=1); use `lakewatch check`\n");
	return LW_EXIT_USAGE;
#else
	/* curses on a pipe or file draws escape codes into it and waits for
	 * keys that never come */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "lakewatch: the dashboard needs a terminal "
			"(stdin and stdout); use `lakewatch check` for a "
			"report\n");
		return LW_EXIT_USAGE;
	}
	o.config = co.config;
	o.history = co.history;
	o.no_history = co.no_history;
	int rc = lw_cli_open_log("tui", &co);
	if (rc)
		return rc;
	rc = run_dashboard(&o);
	lw_log_close();
	return rc;
#endif
}
