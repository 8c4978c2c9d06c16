/* log.c - an optional diagnostic log; every line is redacted. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include "lakewatch/log.h"
#include "lakewatch/err.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *logf;
static enum lw_log_level minlvl = LW_LOG_INFO;

int lw_log_open(const char *path, enum lw_log_level min)
{
	FILE *f = fopen(path, "a");
	if (!f)
		return LW_EIO;
	pthread_mutex_lock(&lock);
	if (logf)
		fclose(logf);
	logf = f;
	minlvl = min;
	pthread_mutex_unlock(&lock);
	return LW_OK;
}

void lw_log_close(void)
{
	pthread_mutex_lock(&lock);
	if (logf)
		fclose(logf);
	logf = NULL;
	pthread_mutex_unlock(&lock);
}

bool lw_log_enabled(enum lw_log_level lvl)
{
	return logf && lvl >= minlvl;
}

void lw_log(enum lw_log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	if (!logf || lvl < minlvl)
		return;
	char line[2048], ts[32];
	va_list ap;
	va_start(ap, fmt);
	lw_redact_vfmt(line, sizeof line, fmt, ap);	/* redact, then cut */
	va_end(ap);
	pthread_mutex_lock(&lock);
	if (logf) {
		fprintf(logf, "%s %s %s\n", lw_time_fmt((int64_t)time(NULL), ts,
			sizeof ts), names[lvl], line);
		fflush(logf);
	}
	pthread_mutex_unlock(&lock);
}
