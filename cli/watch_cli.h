/* watch_cli.h - the parts of `lakewatch watch` in cli/ (watch.c,
 * watch_log.c). */
#ifndef LAKEWATCH_WATCH_CLI_H
#define LAKEWATCH_WATCH_CLI_H

#include <stdbool.h>
#include "lakewatch/log.h"

struct lw_watch_logger {
	bool json;		/* --log-format json */
};

/* The event sink (watch.h's lw_watch_log_cb): one redacted line on
 * stderr. ud: a struct lw_watch_logger. */
void lw_watch_log_event(void *ud, enum lw_log_level lvl, const char *dataset,
			const char *check, const char *msg);

#endif
