/* history.h - the record stage: runs, observations, results and status
 * changes in SQLite.
 *
 * WAL mode and a busy timeout, so a dashboard and a `lakewatch check` in CI
 * can share one file. The schema carries a version; opening migrates older
 * files forward and refuses newer ones with a clear message.
 */
#ifndef LAKEWATCH_HISTORY_H
#define LAKEWATCH_HISTORY_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "lakewatch/model.h"
#include "lakewatch/err.h"

struct lw_history;

/* Open (creating when missing) and migrate. readonly: never write. */
int lw_history_open(const char *path, bool readonly, struct lw_history **out,
		    struct lw_err *err);
void lw_history_close(struct lw_history *h);

int lw_history_begin_run(struct lw_history *h, int64_t started,
			 const char *config_name, int64_t *run_id,
			 struct lw_err *err);
/* Store one dataset's observation and results in the run, and a status
 * change event when its status differs from its last recorded one.
 * Power BI refreshes found in obs->detail["refreshes"] (objects with
 * "requestId") are kept in their own table, each once. */
int lw_history_record(struct lw_history *h, int64_t run_id,
		      const char *dataset, const struct lw_obs *obs,
		      const struct lw_result *res, size_t nres,
		      enum lw_status status, struct lw_err *err);
int lw_history_end_run(struct lw_history *h, int64_t run_id,
		       int64_t finished, const int counts[LW_NSTATUS],
		       struct lw_err *err);
/* The newest ok observation of dataset recorded before run_id (0 = any).
 * *found false when there is none; o is then untouched. o is the caller's
 * to lw_obs_free(). */
int lw_history_prev_obs(struct lw_history *h, const char *dataset,
			int64_t before_run, struct lw_obs *o, bool *found,
			struct lw_err *err);
/* Delete runs older than `before` (epoch seconds) and what hangs on them. */
int lw_history_prune(struct lw_history *h, int64_t before, struct lw_err *err);

/* --- reads for the dashboard and reports; arrays are the caller's --- */
struct lw_hpoint {
	int64_t at;		/* observation time */
	int64_t rows;		/* -1 unknown */
	int64_t age;		/* seconds since newest data, -1 unknown */
	enum lw_status status;
	int64_t run_id;
};
/* The last `max` points of dataset, oldest first. Free with free(). */
int lw_history_series(struct lw_history *h, const char *dataset, size_t max,
		      struct lw_hpoint **out, size_t *n, struct lw_err *err);

struct lw_hevent {
	int64_t at;
	char *dataset;		/* owned */
	enum lw_status from, to;
	char *check;		/* owned: the worst check at `to`, may be NULL */
	char *message;		/* owned, may be NULL */
};
/* Status changes, newest first, at most max; dataset NULL = all. */
int lw_history_events(struct lw_history *h, const char *dataset, size_t max,
		      struct lw_hevent **out, size_t *n, struct lw_err *err);
void lw_hevents_free(struct lw_hevent *ev, size_t n);

struct lw_hrun {
	int64_t id, started, finished;
	int counts[LW_NSTATUS];
};
int lw_history_runs(struct lw_history *h, size_t max, struct lw_hrun **out,
		    size_t *n, struct lw_err *err);

#endif
