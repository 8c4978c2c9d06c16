/* cli.h - the sub-commands behind main(). Each takes argv with the command
 * name at argv[0] and returns the process exit code. */
#ifndef LAKEWATCH_CLI_H
#define LAKEWATCH_CLI_H

#include <stdbool.h>

#define LW_EXIT_USAGE 4	/* bad usage or config: nothing was checked */

int lw_cmd_check(int argc, char **argv);
int lw_cmd_validate(int argc, char **argv);
int lw_cmd_tui(int argc, char **argv);
int lw_cmd_watch(int argc, char **argv);	/* cli/watch.c */
/* ack, mute, accept (cli/act.c): argv[0] says which. */
int lw_cmd_act(int argc, char **argv);
/* `notify test` (cli/notify.c). */
int lw_cmd_notify(int argc, char **argv);

/* The options `lakewatch --help` lists as common, taken by every command
 * from this one table so that help and parsing cannot drift apart. */
enum { LW_OPT_HISTORY = 1000, LW_OPT_NO_HISTORY, LW_OPT_LOG };
#define LW_CLI_COMMON_SHORT "c:V"
#define LW_CLI_COMMON_OPTIONS \
	{"config", required_argument, NULL, 'c'}, \
	{"history", required_argument, NULL, LW_OPT_HISTORY}, \
	{"no-history", no_argument, NULL, LW_OPT_NO_HISTORY}, \
	{"log", required_argument, NULL, LW_OPT_LOG}, \
	{"version", no_argument, NULL, 'V'}

struct lw_cli_common {
	const char *config;	/* --config, NULL: lw_config_locate() */
	const char *history;	/* --history, NULL: the config's */
	const char *log;	/* --log, NULL: none */
	bool no_history;	/* --no-history */
};

/* Take getopt's answer c (argument arg) if it is a common option: 1 when
 * it was (o updated), 0 when not, -1 after printing the version (the
 * command exits 0). o's strings point into argv. */
int lw_cli_common_opt(int c, const char *arg, struct lw_cli_common *o);
/* Open o's --log for command cmd ("check"); 0, or LW_EXIT_USAGE after
 * saying why on stderr. */
int lw_cli_open_log(const char *cmd, const struct lw_cli_common *o);
/* --shard K/N for command cmd into the 0-based *shard and *nshards; 0, or
 * LW_EXIT_USAGE after saying why on stderr. */
int lw_cli_shard_opt(const char *cmd, const char *arg, unsigned *shard,
		     unsigned *nshards);

struct lw_config;
/* Locate (--config, environment, usual places) and load the config; on a
 * problem print it and return LW_EXIT_USAGE. *cfg (and *path, when path
 * is non-NULL) are the caller's. */
int lw_cli_load_config(const char *given, struct lw_config **cfg,
		       char **path);

#endif
