/* tui.c - `lakewatch [tui]`: the dashboard's command-line options. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lakewatch/cli.h"
#include "lakewatch/log.h"
#include "lakewatch/tui.h"
#include "lakewatch/util.h"

/* Weak while the dashboard can be left out of a build (make NO_TUI=1). */
int lw_tui_main(const struct lw_tui_opts *o) __attribute__((weak));

int lw_cmd_tui(int argc, char **argv)
{
	enum { O_THEME = 256, O_NO_COLOR, O_ASCII, O_INTERVAL };
	static const struct option opts[] = {
		LW_CLI_COMMON_OPTIONS,
		{"help", no_argument, NULL, 'h'},
		{"theme", required_argument, NULL, O_THEME},
		{"no-color", no_argument, NULL, O_NO_COLOR},
		{"no-colour", no_argument, NULL, O_NO_COLOR},
		{"ascii", no_argument, NULL, O_ASCII},
		{"interval", required_argument, NULL, O_INTERVAL},
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
			     "[--history FILE | --no-history]\n"
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
	if (!lw_tui_main) {
		fprintf(stderr, "lakewatch: this build has no dashboard "
			"(built with NO_TUI=1); use `lakewatch check`\n");
		return LW_EXIT_USAGE;
	}
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
	rc = lw_tui_main(&o);
	lw_log_close();
	return rc;
}
