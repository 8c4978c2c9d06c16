/* log.h - a diagnostic log, off unless --log FILE or $LAKEWATCH_LOG is set.
 * Lines are redacted (secret.h) before they are written. Thread-safe. */
#ifndef LAKEWATCH_LOG_H
#define LAKEWATCH_LOG_H

#include <stdbool.h>

enum lw_log_level { LW_LOG_DEBUG = 0, LW_LOG_INFO, LW_LOG_WARN, LW_LOG_ERROR };

int lw_log_open(const char *path, enum lw_log_level min);	/* LW_OK or LW_EIO */
void lw_log_close(void);
/* Whether a line of level lvl would be written (skip costly set-up). */
bool lw_log_enabled(enum lw_log_level lvl);
void lw_log(enum lw_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
