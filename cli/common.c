/* common.c - the options every command takes (--config, --history,
 * --no-history, --log, --version), parsed in one place. */
#include <getopt.h>
#include <stdio.h>
#include "lakewatch/cli.h"
#include "lakewatch/engine.h"
#include "lakewatch/log.h"

/* Nothing owned: o points into argv. */
int lw_cli_common_opt(int c, const char *arg, struct lw_cli_common *o)
{
	switch (c) {
	case 'c': o->config = arg; return 1;
	case LW_OPT_HISTORY: o->history = arg; return 1;
	case LW_OPT_NO_HISTORY: o->no_history = true; return 1;
	case LW_OPT_LOG: o->log = arg; return 1;
	case 'V': printf("lakewatch %s\n", LW_VERSION); return -1;
	default: return 0;
	}
}

int lw_cli_open_log(const char *cmd, const struct lw_cli_common *o)
{
	if (!o->log || lw_log_open(o->log, LW_LOG_INFO) == 0)
		return 0;
	fprintf(stderr, "lakewatch %s: cannot open log %s\n", cmd, o->log);
	return LW_EXIT_USAGE;
}

int lw_cli_shard_opt(const char *cmd, const char *arg, unsigned *shard,
		     unsigned *nshards)
{
	const char *why;
	if (lw_shard_parse(arg, shard, nshards, &why) == LW_OK)
		return 0;
	fprintf(stderr, "lakewatch %s: --shard %s: %s\n", cmd, arg, why);
	return LW_EXIT_USAGE;
}
