/* main.c - the command line: `lakewatch [tui]`, `check`, `validate`,
 * `ack`, `mute`, `accept`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lakewatch/cli.h"
#include "lakewatch/init.h"

static void usage(FILE *f)
{
	fputs(
"usage: lakewatch [COMMAND] [OPTIONS]\n"
"\n"
"Watch a lakehouse: poll each lake layer and Power BI, check schemas,\n"
"freshness and row counts, keep history, show health per source and consumer.\n"
"\n"
"Commands:\n"
"  tui        the on-call dashboard (default)\n"
"  check      poll once, print a report, exit with its status (for CI)\n"
"  watch      poll on the interval, record history, serve /metrics (headless)\n"
"  validate   check a config without polling\n"
"  ack DATASET [CHECK] [--note TEXT]\n"
"             acknowledge open incidents (they stay visible, marked)\n"
"  mute DATASET [CHECK] --for 2h|--until TIME\n"
"             hide incidents from the default views until then\n"
"  unmute DATASET [CHECK]\n"
"             end a mute now\n"
"  accept [--undo] DATASET [CHECK]\n"
"             accept the last observed schema/row count as the baseline\n"
"  notify test [--channel NAME]\n"
"             send a test notice to the notify channels now\n"
"\n"
"Common options:\n"
"  -c, --config FILE   config (else $LAKEWATCH_CONFIG, ./lakewatch.json,\n"
"                      $XDG_CONFIG_HOME/lakewatch/config.json)\n"
"      --history FILE  history database (else the config's history.path)\n"
"      --no-history    do not read or write history\n"
"      --log FILE      write a diagnostic log (secrets are redacted)\n"
"  -h, --help          this help; `lakewatch COMMAND --help` for more\n"
"  -V, --version       print the version\n"
"\n"
"Exit codes (check): 0 all pass, 1 warnings only, 2 any failure, 3 any error,\n"
"4 usage or configuration error (nothing was checked).\n", f);
}

int main(int argc, char **argv)
{
	lw_init();	/* also run at load; see init.h */
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 ||
			 strcmp(argv[1], "--help") == 0 ||
			 strcmp(argv[1], "help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && (strcmp(argv[1], "-V") == 0 ||
			 strcmp(argv[1], "--version") == 0 ||
			 strcmp(argv[1], "version") == 0)) {
		printf("lakewatch %s\n", LW_VERSION);
		return 0;
	}
	if (argc > 1 && argv[1][0] != '-') {
		const char *cmd = argv[1];
		if (strcmp(cmd, "check") == 0)
			return lw_cmd_check(argc - 1, argv + 1);
		if (strcmp(cmd, "validate") == 0)
			return lw_cmd_validate(argc - 1, argv + 1);
		if (strcmp(cmd, "ack") == 0 || strcmp(cmd, "mute") == 0 ||
		    strcmp(cmd, "unmute") == 0 || strcmp(cmd, "accept") == 0)
			return lw_cmd_act(argc - 1, argv + 1);
		if (strcmp(cmd, "notify") == 0)
			return lw_cmd_notify(argc - 1, argv + 1);
		if (strcmp(cmd, "tui") == 0)
			return lw_cmd_tui(argc - 1, argv + 1);
		if (strcmp(cmd, "watch") == 0)
			return lw_cmd_watch(argc - 1, argv + 1);
		fprintf(stderr, "lakewatch: unknown command '%s'\n\n", cmd);
		usage(stderr);
		return LW_EXIT_USAGE;
	}
	return lw_cmd_tui(argc, argv);
}
