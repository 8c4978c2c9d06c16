/* tui.c - `lakewatch [tui]`: the dashboard's command-line options. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/cli.h"
#include "lakewatch/tui.h"
#include "lakewatch/util.h"

int lw_cmd_tui(int argc, char **argv)
{
	enum { O_THEME = 256, O_NO_COLOR, O_ASCII, O_HISTORY, O_INTERVAL };
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"theme", required_argument, NULL, O_THEME},
		{"no-color", no_argument, NULL, O_NO_COLOR},
		{"no-colour", no_argument, NULL, O_NO_COLOR},
		{"ascii", no_argument, NULL, O_ASCII},
		{"history", required_argument, NULL, O_HISTORY},
		{"interval", required_argument, NULL, O_INTERVAL},
		{NULL, 0, NULL, 0},
	};
	struct lw_tui_opts o;
	memset(&o, 0, sizeof o);
	int c;
	int64_t secs;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o.config = optarg; break;
		case O_THEME: o.theme = optarg; break;
		case O_NO_COLOR: o.no_color = true; break;
		case O_ASCII: o.ascii = true; break;
		case O_HISTORY: o.history = optarg; break;
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
			     "[--history FILE]\n"
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
#ifdef LW_NO_TUI	/* make NO_TUI=1 leaves tui/ out of the build */
	fprintf(stderr, "lakewatch: this build has no dashboard "
		"(built with NO_TUI=1); use `lakewatch check`\n");
	return LW_EXIT_USAGE;
#else
	return lw_tui_main(&o);
#endif
}
