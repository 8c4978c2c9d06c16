/* cli.h - the sub-commands behind main(). Each takes argv with the command
 * name at argv[0] and returns the process exit code. */
#ifndef LAKEWATCH_CLI_H
#define LAKEWATCH_CLI_H

#define LW_EXIT_USAGE 4	/* bad usage or config: nothing was checked */

int lw_cmd_check(int argc, char **argv);
int lw_cmd_validate(int argc, char **argv);
int lw_cmd_tui(int argc, char **argv);
/* ack, mute, accept (cli/act.c): argv[0] says which. */
int lw_cmd_act(int argc, char **argv);

struct lw_config;
/* Locate (--config, environment, usual places) and load the config; on a
 * problem print it and return LW_EXIT_USAGE. *cfg (and *path, when path
 * is non-NULL) are the caller's. */
int lw_cli_load_config(const char *given, struct lw_config **cfg,
		       char **path);

#endif
