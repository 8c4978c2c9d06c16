/* load.c - find and load the config for a sub-command, printing every
 * problem to stderr, as each command would otherwise repeat. */
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/cli.h"
#include "lakewatch/engine.h"

/* *cfg is the caller's (lw_config_free); *path too when path is non-NULL.
 * Returns 0, or LW_EXIT_USAGE after saying why on stderr. */
int lw_cli_load_config(const char *given, struct lw_config **cfg, char **path)
{
	struct lw_err err;
	char *p = lw_config_locate(given, &err);
	*cfg = NULL;
	if (!p) {
		fprintf(stderr, "lakewatch: %s\n", err.msg);
		return LW_EXIT_USAGE;
	}
	struct lw_buf errors;
	lw_buf_init(&errors, LW_BUF_1M);
	int rc = lw_config_load(p, cfg, &errors);
	if (rc)
		fputs(errors.data ? errors.data : "invalid config\n", stderr);
	/* valid, but a run over it would check nothing and pass */
	if (rc == 0 && (*cfg)->ndatasets == 0) {
		fprintf(stderr, "lakewatch: %s: no datasets: nothing to "
			"check\n", p);
		lw_config_free(*cfg);
		*cfg = NULL;
		rc = LW_ECONFIG;
	}
	lw_buf_free(&errors);
	if (rc == 0 && path)
		*path = p;
	else
		free(p);
	return rc ? LW_EXIT_USAGE : 0;
}
