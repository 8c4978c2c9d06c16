/* validate.c - `lakewatch validate`: load a config, report every problem. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/cli.h"
#include "lakewatch/config.h"
#include "lakewatch/log.h"
#include "lakewatch/util.h"

int lw_cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		LW_CLI_COMMON_OPTIONS,
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct lw_cli_common co = {0};
	int c, k;
	while ((c = getopt_long(argc, argv, LW_CLI_COMMON_SHORT "h", opts,
				NULL)) != -1) {
		if ((k = lw_cli_common_opt(c, optarg, &co)) != 0) {
			if (k < 0)
				return 0;	/* --version */
			continue;
		}
		switch (c) {
		case 'h':
			puts("usage: lakewatch validate [--config FILE] "
			     "[--log FILE]\n"
			     "Checks the config (syntax, keys, references, "
			     "patterns) without polling any lake.\n"
			     "--history and --no-history are accepted (no "
			     "history is read or written).\n"
			     "Exit 0 when valid, 4 otherwise.");
			return 0;
		default: return LW_EXIT_USAGE;
		}
	}
	if (optind < argc && !co.config)
		co.config = argv[optind];
	int rc = lw_cli_open_log("validate", &co);
	if (rc)
		return rc;
	struct lw_config *cfg = NULL;
	char *path = NULL;
	rc = lw_cli_load_config(co.config, &cfg, &path);
	if (rc) {
		lw_log_close();
		return rc;
	}
	size_t checks = 0;
	for (size_t i = 0; i < cfg->ndatasets; i++)
		checks += cfg->datasets[i].nchecks;
	printf("%s: ok: %zu lakes, %zu sources, %zu consumers, %zu datasets, "
	       "%zu checks\n", path, cfg->nlakes, cfg->nsources,
	       cfg->nconsumers, cfg->ndatasets, checks);
	lw_config_free(cfg);
	free(path);
	lw_log_close();
	return 0;
}
