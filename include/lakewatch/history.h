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
#include "lakewatch/series.h"

struct lw_history;

/* Open (creating when missing) and migrate. readonly: never write. */
int lw_history_open(const char *path, bool readonly, struct lw_history **out,
		    struct lw_err *err);
void lw_history_close(struct lw_history *h);

/* Begin a run (recording this process and host as its owner). Runs
 * without an end whose process on this host is gone are marked aborted
 * first, here and when a history is opened read-write. */
int lw_history_begin_run(struct lw_history *h, int64_t started,
			 const char *config_name, int64_t *run_id,
			 struct lw_err *err);
/* The ids of the runs h marked aborted since it was opened (or since
 * the last call), oldest mark first, taken from h: *ids is the caller's
 * (free()), NULL when none. */
size_t lw_history_found_aborted(struct lw_history *h, int64_t **ids);
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
/* The newest ok observation of dataset recorded before run_id (0 = any),
 * not in an aborted run.
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
	bool aborted;		/* the run died before its end (left out of
				 * baselines and the anomaly rule) */
	int64_t bytes, files;	/* -1 unknown */
	int64_t columns;	/* schema width, -1 unknown */
	/* What the anomaly rule judged at this observation, per metric
	 * (enum lw_metric): bit m of band_mask set when it had an expected
	 * range [band_lo[m], band_hi[m]] for the value band_v[m] (the
	 * value it judged; NAN when it had none). Learning, cold-started
	 * and unjudged points have no band. */
	unsigned band_mask;
	double band_lo[LW_NMETRICS], band_hi[LW_NMETRICS];
	double band_v[LW_NMETRICS];
};
/* The last `max` points of dataset, oldest first. Free with free(). */
int lw_history_series(struct lw_history *h, const char *dataset, size_t max,
		      struct lw_hpoint **out, size_t *n, struct lw_err *err);

/* events.from_status of a dataset's first observation: it changed from
 * nothing, not from PASS. */
#define LW_HIST_FROM_NEW (-1)

struct lw_hevent {
	int64_t at;
	char *dataset;		/* owned */
	enum lw_status from, to;	/* from is LW_PASS when from_new */
	bool from_new;		/* the dataset's first observation */
	char *check;		/* owned: the worst check at `to`, may be NULL */
	char *message;		/* owned, may be NULL */
};
/* Status changes, newest first, at most max; dataset NULL = all. */
int lw_history_events(struct lw_history *h, const char *dataset, size_t max,
		      struct lw_hevent **out, size_t *n, struct lw_err *err);
void lw_hevents_free(struct lw_hevent *ev, size_t n);
/* What e changed from, in words: "new" for a first observation, else the
 * status name. Static storage. */
const char *lw_hevent_from_name(const struct lw_hevent *e);

struct lw_hrun {
	int64_t id, started, finished;
	int counts[LW_NSTATUS];
	/* when the run was found dead (its process gone: kill -9, a crash),
	 * 0 when not; such a run has no finish and feeds no baseline */
	int64_t aborted;
	int64_t pid;		/* the process that ran it, 0 unknown */
};
int lw_history_runs(struct lw_history *h, size_t max, struct lw_hrun **out,
		    size_t *n, struct lw_err *err);

/* --- pipeline and job runs kept (history/pipeline_runs.c) --- */
/* The runs kept of a control-plane lake's pipeline or job (lake: the
 * lake's config name; pipeline: the dataset's pipeline, job id or job, as
 * obs->runs names it) that started at or after since (a run without a
 * start: that ended), newest first, at most max. For the dashboard, which
 * reads more than one poll's max_runs this way. *out is the caller's, to
 * lw_history_pipeline_runs_free(); NULL when none. */
int lw_history_pipeline_runs(struct lw_history *h, const char *lake,
			     const char *pipeline, int64_t since, size_t max,
			     struct lw_run_fact **out, size_t *n,
			     struct lw_err *err);
void lw_history_pipeline_runs_free(struct lw_run_fact *r, size_t n);

/* --- metric series for the anomaly rule (history/series.c) --- */
/* Values of metric m for dataset from ok observations at or after `since`
 * and recorded before run before_run (0 = any), oldest first. A point is
 * flagged LW_PT_ANOMALOUS when that run's "anomaly" result was WARN or
 * FAIL. *out is the caller's (free()). */
int lw_history_metric_series(struct lw_history *h, const char *dataset,
			     enum lw_metric m, int64_t since,
			     int64_t before_run, struct lw_point **out,
			     size_t *n, struct lw_err *err);

/* The same series, kept between polls (the series_snap table): the points
 * of the window up to the last poll come from one row, only the
 * observations since from the index, and the row is rewritten about once a
 * day (or every 48 new points) together with the seasonality `auto` picks
 * from it: *season as in struct lw_series (0 when none was picked). A
 * read-only history reads the row and never writes it. One difference
 * from lw_history_metric_series: when the window has moved on since the
 * row was written, the load's first point in it counts from the
 * observation just before the window. *out is the caller's (free()). */
int lw_history_metric_series_kept(struct lw_history *h, const char *dataset,
				  enum lw_metric m, int64_t since,
				  int64_t before_run, struct lw_point **out,
				  size_t *n, int *season, struct lw_err *err);

/* The judge context's series callback over one history and run: each
 * metric is read once per dataset and kept until lw_series_cache_clear.
 * The first read of a metric reads it for every dataset of the poll at
 * once (series_batch.c), kept until lw_series_cache_done. */
struct lw_series_batch;
struct lw_holidays;
struct lw_tz;
struct lw_series_cache {
	struct lw_history *h;
	int64_t before_run;
	struct lw_point *pts[LW_NMETRICS];	/* owned */
	struct lw_series s[LW_NMETRICS];
	int64_t since[LW_NMETRICS];
	bool have[LW_NMETRICS];
	char error[LW_NMETRICS][LW_ERR_MSG + 16];
	struct lw_series_batch *batch[LW_NMETRICS];	/* owned */
	bool batch_tried[LW_NMETRICS];
	/* The dataset's "holidays" and zone, set by the caller before its
	 * reads (NULL: none, UTC): points on them are marked LW_PT_HOLIDAY
	 * and the kept seasonality is picked without them. */
	const struct lw_holidays *holidays;
	const struct lw_tz *tz;
};
void lw_series_cache_init(struct lw_series_cache *c, struct lw_history *h,
			  int64_t before_run);
/* Borrowed until lw_series_cache_clear; ud is the cache. One dataset per
 * cache between clears. */
const struct lw_series *lw_series_cache_get(void *ud, const char *dataset,
					    enum lw_metric m, int64_t since);
void lw_series_cache_clear(struct lw_series_cache *c);
/* The end of the poll: frees the batches too (clear, then init again for
 * another poll). */
void lw_series_cache_done(struct lw_series_cache *c);

#endif
