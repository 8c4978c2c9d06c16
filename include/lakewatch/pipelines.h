/* pipelines.h - the Azure control plane: lake kinds "datafactory",
 * "synapse", "databricks" and "streamanalytics" (lakes/cp*.c), and the
 * parsers of their answers (pure functions, so they can be fuzzed and
 * unit-tested).
 *
 * A dataset on such a lake names what writes it: a pipeline (Data Factory,
 * Synapse: "pipeline" or "path"), a job id (Databricks: "job_id"), or a
 * streaming job / an Event Hubs namespace ("job", or "path"
 * "eventhubs/NAMESPACE"). Its observation is typed facts: obs->runs (the
 * recent runs, newest first), obs->stream (the job's state) and
 * obs->metrics (Azure Monitor metrics), all written to obs->detail first and
 * read back from it (core/facts_runs.c), as history restores them.
 */
#ifndef LAKEWATCH_PIPELINES_H
#define LAKEWATCH_PIPELINES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "lakewatch/err.h"
#include "lakewatch/model.h"

/* Runs parsed from one or more pages, and the next page's token. */
struct lw_cp_page {
	struct lw_run_fact *runs;	/* owned */
	size_t n, cap;
	char *next;		/* owned: continuationToken / next_page_token,
				 * NULL when this was the last page */
	char *name;		/* owned, may be NULL: Databricks: the
				 * run_name of the first run that has one
				 * (a job run's name is its job's) */
};

/* Free p's runs and token and clear it. */
void lw_cp_page_free(struct lw_cp_page *p);
/* Free one run's strings. */
void lw_run_fact_free(struct lw_run_fact *r);

/* queryPipelineRuns (Data Factory 2018-06-01 and Synapse 2020-12-01, the
 * same shape): {"value": [{"runId", "pipelineName", "runStart", "runEnd",
 * "durationInMs", "status", "message"}], "continuationToken"}. Runs are
 * appended to p (at most max in p); p->next is replaced. */
int lw_cp_parse_pipeline_runs(const char *json, size_t len, size_t max,
			      struct lw_cp_page *p, struct lw_err *err);
/* queryActivityruns: the first activity whose status is Failed: its name,
 * error.errorCode and error.message (each caller-owned, may be NULL).
 * LW_ENOTFOUND when no activity failed. */
int lw_cp_parse_activity_error(const char *json, size_t len, char **activity,
			       char **code, char **message,
			       struct lw_err *err);
/* Databricks Jobs API 2.1 runs/list: {"runs": [{"run_id", "state":
 * {"life_cycle_state", "result_state", "state_message"}, "start_time",
 * "end_time" (ms), "run_duration", "tasks": [...]}], "has_more",
 * "next_page_token"}. As lw_cp_parse_pipeline_runs. */
int lw_cp_parse_databricks_runs(const char *json, size_t len, size_t max,
				struct lw_cp_page *p, struct lw_err *err);
/* Databricks Jobs API 2.1 jobs/get: {"job_id", "settings": {"name"}}:
 * the job's name into *name (caller's; NULL when it has none). */
int lw_cp_parse_databricks_job(const char *json, size_t len, char **name,
			       struct lw_err *err);
/* Map a Databricks life_cycle_state / result_state onto a run state. */
enum lw_run_state lw_cp_databricks_state(const char *life, const char *result);
/* Map a Data Factory / Synapse status (Queued, InProgress, Succeeded,
 * Failed, Canceling, Cancelled). */
enum lw_run_state lw_cp_pipeline_state(const char *status);

/* A streaming job resource: properties.jobState and
 * properties.lastOutputEventTime (-1 when absent). *state is the
 * caller's. */
int lw_cp_parse_stream_job(const char *json, size_t len, char **state,
			   int64_t *last_output, struct lw_err *err);
/* Azure Monitor metrics (2018-01-01): {"value": [{"name": {"value"},
 * "unit", "timeseries": [{"data": [{"timeStamp", "average", "maximum",
 * "minimum", "total", "count"}]}], "errorCode", "errorMessage"}]}. Metrics
 * are appended to out (a metric with an errorCode other than "Success"
 * keeps its message in ->error). Several time series (dimensions) are
 * merged point by point into one. */
int lw_cp_parse_metrics(const char *json, size_t len,
			struct lw_metrics_facts *out, struct lw_err *err);

/* An error body of ARM ({"error": {"code", "message"}}), Synapse (the
 * same, or {"code", "message"}) or Databricks ({"error_code",
 * "message"}). Caller owns both; false when the body is none of these. */
bool lw_cp_parse_error(const char *json, size_t len, char **code,
		       char **message);

/* Record on obs (detail.runs, detail.stream, detail.metrics, then the
 * typed facts read back from them): runs rs[0..n) newest first; the
 * newest successful end becomes obs->newest_mtime, so freshness judges a
 * pipeline by its last success. */
void lw_cp_record_runs(struct lw_obs *obs, const char *service,
		       const char *lake, const char *pipeline,
		       const struct lw_run_fact *rs,
		       size_t n, bool truncated);
/* Name the job whose id detail.runs.pipeline is (Databricks): detail.runs
 * "name" and obs->runs.name. name NULL or empty: nothing is recorded. */
void lw_cp_record_runs_name(struct lw_obs *obs, const char *name);
void lw_cp_record_stream(struct lw_obs *obs, const char *state,
			 int64_t last_output);
void lw_cp_record_metrics(struct lw_obs *obs, const struct lw_metrics_facts *m);

#endif
