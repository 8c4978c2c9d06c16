/* validate.c - `lakewatch validate`: load a config, report every problem. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/cli.h"
#include "lakewatch/config.h"
#include "lakewatch/util.h"

int lw_cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *cfgpath = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cfgpath = optarg; break;
		case 'h':
			puts("usage: lakewatch validate [--config FILE]\n"
			     "Checks the config (syntax, keys, references, "
			     "patterns) without polling any lake.\n"
			     "Exit 0 when valid, 4 otherwise.");
			return 0;
		default: return LW_EXIT_USAGE;
		}
	}
	if (optind < argc && !cfgpath)
		cfgpath = argv[optind];
	struct lw_config *cfg = NULL;
	char *path = NULL;
	int rc = lw_cli_load_config(cfgpath, &cfg, &path);
	if (rc)
		return rc;
	size_t checks = 0;
	for (size_t i = 0; i < cfg->ndatasets; i++)
		checks += cfg->datasets[i].nchecks;
	printf("%s: ok: %zu lakes, %zu sources, %zu consumers, %zu datasets, "
	       "%zu checks\n", path, cfg->nlakes, cfg->nsources,
	       cfg->nconsumers, cfg->ndatasets, checks);
	lw_config_free(cfg);
	free(path);
	return 0;
}
