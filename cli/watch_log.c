/* watch_log.c - `lakewatch watch`'s event log: one line per event on
 * stderr, as text or JSON (--log-format), every field redacted, for
 * journald, Docker and Kubernetes to collect. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cJSON.h>
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "watch_cli.h"

static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;

static const char *level_name(enum lw_log_level l)
{
	static const char *const n[] = {"debug", "info", "warn", "error"};
	return l <= LW_LOG_ERROR ? n[l] : "error";
}

/* "2026-12-02T13:20:00.123Z" from the real clock (never a test's pinned
 * time: these say when the event happened). */
static void stamp(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + k, n - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

static char *redacted(const char *s)
{
	return s ? lw_redact_dup(s) : NULL;
}

static void put_line(const char *line)
{
	pthread_mutex_lock(&out_mu);
	fputs(line, stderr);
	fputc('\n', stderr);
	fflush(stderr);
	pthread_mutex_unlock(&out_mu);
}

static void json_line(const char *ts, enum lw_log_level lvl, const char *ds,
		      const char *check, const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "time", ts);
	cJSON_AddStringToObject(o, "level", level_name(lvl));
	if (ds)
		cJSON_AddStringToObject(o, "dataset", ds);
	if (check)
		cJSON_AddStringToObject(o, "check", check);
	cJSON_AddStringToObject(o, "message", msg);
	char *s = cJSON_PrintUnformatted(o);
	if (s) {
		lw_redact(s);
		put_line(s);
	}
	free(s);
	cJSON_Delete(o);
}

/* The lw_watch_log_cb of watch.h; ud is a struct lw_watch_logger. */
void lw_watch_log_event(void *ud, enum lw_log_level lvl, const char *dataset,
			const char *check, const char *msg)
{
	const struct lw_watch_logger *lg = ud;
	char ts[40];
	stamp(ts, sizeof ts);
	char *d = redacted(dataset), *c = redacted(check), *m = redacted(msg);
	for (char *p = m; p && *p; p++)	/* one event, one line */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (lg && lg->json) {
		json_line(ts, lvl, d, c, m ? m : "");
	} else {
		char *line = lw_xasprintf("%s %-5s %s%s%s%s%s", ts,
			level_name(lvl), d ? "dataset=" : "", d ? d : "",
			c ? " check=" : "", c ? c : "", "");
		char *full = lw_xasprintf("%s%s%s", line, d || c ? ": " : "",
					  m ? m : "");
		put_line(full);
		free(line);
		free(full);
	}
	free(d);
	free(c);
	free(m);
}
