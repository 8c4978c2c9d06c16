/* test_pipelines.c - the control-plane kinds' pure parts (pipelines.h:
 * pipeline runs, activity errors, Databricks runs, streaming jobs, Azure
 * Monitor metrics, error bodies), the typed facts they record against the
 * same facts read back from history's JSON (core/facts_runs.c), and the
 * pipeline_runs table (history/pipeline_runs.c, schema step 4 -> 5). */
#include "unit.h"
#include <math.h>
#include <unistd.h>
#include <sqlite3.h>
#include "lakewatch/pipelines.h"
#include "lakewatch/history.h"
#include "lakewatch/util.h"

#define J(s) s, strlen(s)

static const char *adf_page1 =
	"{\"value\": [{\"runId\": \"r2\", \"pipelineName\": \"pl\", \"runStart\":"
	" \"2026-12-02T03:12:00.1234567Z\", \"runEnd\": \"2026-12-02T03:14:00Z\","
	" \"durationInMs\": 120000, \"status\": \"Failed\", \"message\": "
	"\"Operation on target Copy orders failed\"}, {\"runId\": \"r1\", "
	"\"status\": \"Succeeded\", \"runStart\": \"2026-12-01T03:00:00Z\", "
	"\"runEnd\": \"2026-12-01T03:10:00Z\"}, {\"status\": \"Failed\"}], "
	"\"continuationToken\": \"+RID:~abc==\"}";

static void test_pipeline_runs(void **state)
{
	(void)state;
	struct lw_cp_page p = {0};
	struct lw_err err;
	assert_int_equal(lw_cp_parse_pipeline_runs(J(adf_page1), 50, &p, &err),
			 LW_OK);
	assert_int_equal(p.n, 2);	/* the one without a runId is left out */
	assert_string_equal(p.next, "+RID:~abc==");
	assert_string_equal(p.runs[0].run_id, "r2");
	assert_int_equal(p.runs[0].state, LW_RUN_FAILED);
	assert_int_equal(p.runs[0].duration, 120);
	assert_int_equal(p.runs[0].end - p.runs[0].start, 120);
	assert_int_equal(p.runs[1].state, LW_RUN_SUCCEEDED);
	assert_int_equal(p.runs[1].duration, 600);	/* from start and end */
	/* the last page has no token; max bounds what is kept */
	assert_int_equal(lw_cp_parse_pipeline_runs(J("{\"value\": [{\"runId\":"
		" \"r0\", \"status\": \"InProgress\"}]}"), 2, &p, &err), LW_OK);
	assert_int_equal(p.n, 2);
	assert_null(p.next);
	lw_cp_page_free(&p);
	assert_int_equal(lw_cp_parse_pipeline_runs(J("{\"value\": 3}"), 5, &p,
						   &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "\"value\" array"));
	assert_int_equal(lw_cp_parse_pipeline_runs(J("{\"value\": ["), 5, &p,
						   &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "malformed JSON"));
	lw_cp_page_free(&p);
	assert_int_equal(lw_cp_pipeline_state("Canceling"), LW_RUN_IN_PROGRESS);
	assert_int_equal(lw_cp_pipeline_state("Cancelled"), LW_RUN_CANCELLED);
	assert_int_equal(lw_cp_pipeline_state("Queued"), LW_RUN_QUEUED);
	assert_int_equal(lw_cp_pipeline_state("what"), LW_RUN_UNKNOWN);
}

static void test_activity_error(void **state)
{
	(void)state;
	char *a, *c, *m;
	struct lw_err err;
	assert_int_equal(lw_cp_parse_activity_error(J("{\"value\": [{\"activityName"
		"\": \"Lookup\", \"status\": \"Succeeded\"}, {\"activityName\": "
		"\"Copy orders\", \"status\": \"Failed\", \"error\": {\"errorCode\": "
		"\"2200\", \"message\": \"ErrorCode=UserErrorFileNotFound\", "
		"\"failureType\": \"UserError\"}}]}"), &a, &c, &m, &err), LW_OK);
	assert_string_equal(a, "Copy orders");
	assert_string_equal(c, "2200");
	assert_string_equal(m, "ErrorCode=UserErrorFileNotFound");
	free(a);
	free(c);
	free(m);
	assert_int_equal(lw_cp_parse_activity_error(J("{\"value\": []}"), &a, &c,
						    &m, &err), LW_ENOTFOUND);
	assert_null(a);
}

static void test_databricks(void **state)
{
	(void)state;
	struct lw_cp_page p = {0};
	struct lw_err err;
	assert_int_equal(lw_cp_parse_databricks_runs(J("{\"runs\": [{\"job_id\": "
		"123, \"run_id\": 991, \"run_name\": \"gold_daily\", \"state\": {\"life_cycle_state\": "
		"\"TERMINATED\", \"result_state\": \"TIMEDOUT\", \"state_message\":"
		" \"Run timed out\"}, \"start_time\": 1796000000000, \"end_time\": "
		"1796014400000, \"run_duration\": 14400000, \"tasks\": [{\"task_key\":"
		" \"bronze\", \"state\": {\"life_cycle_state\": \"TERMINATED\", "
		"\"result_state\": \"SUCCESS\"}}, {\"task_key\": \"gold\", \"state\":"
		" {\"life_cycle_state\": \"TERMINATED\", \"result_state\": "
		"\"TIMEDOUT\", \"state_message\": \"Task gold timed out after 4h\"}}"
		"]}, {\"run_id\": 992, \"state\": {\"life_cycle_state\": "
		"\"RUNNING\"}, \"start_time\": 1796020000000, \"end_time\": 0}], "
		"\"has_more\": true, \"next_page_token\": \"CAEQ\"}"), 50, &p, &err),
		LW_OK);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.next, "CAEQ");
	assert_string_equal(p.runs[0].run_id, "991");
	assert_int_equal(p.runs[0].state, LW_RUN_TIMEDOUT);
	assert_string_equal(p.runs[0].status, "TERMINATED/TIMEDOUT");
	assert_string_equal(p.runs[0].failing, "gold");
	assert_string_equal(p.runs[0].message, "Task gold timed out after 4h");
	assert_int_equal(p.runs[0].duration, 14400);
	assert_int_equal(p.runs[1].state, LW_RUN_IN_PROGRESS);
	assert_int_equal(p.runs[1].end, -1);
	assert_string_equal(p.name, "gold_daily");	/* the job's name */
	/* has_more false: no next page even with a token */
	assert_int_equal(lw_cp_parse_databricks_runs(J("{\"has_more\": false, "
		"\"next_page_token\": \"x\"}"), 50, &p, &err), LW_OK);
	assert_null(p.next);
	assert_int_equal(lw_cp_parse_databricks_runs(J("{\"runs\": {}}"), 50, &p,
						     &err), LW_EPARSE);
	lw_cp_page_free(&p);
	/* jobs/get: settings.name, for a job without runs in the lookback */
	char *name;
	assert_int_equal(lw_cp_parse_databricks_job(J("{\"job_id\": 126, "
		"\"settings\": {\"name\": \"nightly_export\"}}"), &name, &err),
		LW_OK);
	assert_string_equal(name, "nightly_export");
	free(name);
	assert_int_equal(lw_cp_parse_databricks_job(J("{\"job_id\": 126}"),
						    &name, &err), LW_OK);
	assert_null(name);
	assert_int_equal(lw_cp_parse_databricks_job(J("[1]"), &name, &err),
			 LW_EPARSE);
	/* recorded beside the runs, read back, and what messages call it */
	struct lw_obs o;
	char who[256];
	lw_obs_init(&o);
	lw_cp_record_runs(&o, "databricks", "dbx", "126", NULL, 0, false);
	assert_string_equal(lw_runs_label(&o.runs, who, sizeof who), "126");
	lw_cp_record_runs_name(&o, "nightly_export");
	assert_string_equal(o.runs.name, "nightly_export");
	assert_string_equal(lw_runs_label(&o.runs, who, sizeof who),
			    "nightly_export (job 126)");
	cJSON *j = lw_obs_to_json(&o);
	struct lw_obs back;
	assert_int_equal(lw_obs_from_json(j, &back), LW_OK);
	cJSON_Delete(j);
	assert_string_equal(back.runs.name, "nightly_export");
	lw_obs_free(&back);
	lw_obs_free(&o);
	static const struct { const char *l, *r; enum lw_run_state s; } m[] = {
		{"PENDING", NULL, LW_RUN_QUEUED}, {"QUEUED", NULL, LW_RUN_QUEUED},
		{"BLOCKED", NULL, LW_RUN_QUEUED},
		{"RUNNING", NULL, LW_RUN_IN_PROGRESS},
		{"TERMINATING", NULL, LW_RUN_IN_PROGRESS},
		{"SKIPPED", NULL, LW_RUN_SKIPPED},
		{"INTERNAL_ERROR", NULL, LW_RUN_FAILED},
		{"TERMINATED", "SUCCESS", LW_RUN_SUCCEEDED},
		{"TERMINATED", "FAILED", LW_RUN_FAILED},
		{"TERMINATED", "UPSTREAM_FAILED", LW_RUN_FAILED},
		{"TERMINATED", "CANCELED", LW_RUN_CANCELLED},
		{"TERMINATED", "MAXIMUM_CONCURRENT_RUNS_REACHED", LW_RUN_SKIPPED},
		{"TERMINATED", NULL, LW_RUN_UNKNOWN}, {NULL, NULL, LW_RUN_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof m / sizeof *m; i++)
		assert_int_equal(lw_cp_databricks_state(m[i].l, m[i].r), m[i].s);
}

static void test_stream_and_errors(void **state)
{
	(void)state;
	char *s, *c, *m;
	int64_t last;
	struct lw_err err;
	assert_int_equal(lw_cp_parse_stream_job(J("{\"name\": \"asa\", "
		"\"properties\": {\"jobState\": \"Degraded\", "
		"\"lastOutputEventTime\": \"2026-12-02T11:20:00Z\"}}"), &s, &last,
		&err), LW_OK);
	assert_string_equal(s, "Degraded");
	int64_t want;
	assert_int_equal(lw_time_parse("2026-12-02T11:20:00Z", &want), LW_OK);
	assert_int_equal(last, want);
	free(s);
	assert_int_equal(lw_cp_parse_stream_job(J("{\"properties\": {}}"), &s,
						&last, &err), LW_EPARSE);
	assert_true(lw_cp_parse_error(J("{\"error\": {\"code\": "
		"\"AuthorizationFailed\", \"message\": \"does not have "
		"authorization to perform action 'x/read'\"}}"), &c, &m));
	assert_string_equal(c, "AuthorizationFailed");
	assert_non_null(strstr(m, "x/read"));
	free(c);
	free(m);
	assert_true(lw_cp_parse_error(J("{\"error_code\": \"PERMISSION_DENIED\","
					" \"message\": \"no\"}"), &c, &m));
	assert_string_equal(c, "PERMISSION_DENIED");
	free(c);
	free(m);
	assert_false(lw_cp_parse_error(J("<html>"), &c, &m));
}

static const char *metrics_json =
	"{\"cost\": 0, \"timespan\": \"x\", \"interval\": \"PT5M\", \"value\": ["
	"{\"name\": {\"value\": \"OutputWatermarkDelaySeconds\"}, \"unit\": "
	"\"Seconds\", \"timeseries\": [{\"data\": [{\"timeStamp\": "
	"\"2026-12-02T11:50:00Z\", \"maximum\": 10, \"average\": 4}]}, {\"data\":"
	" [{\"timeStamp\": \"2026-12-02T11:50:00Z\", \"maximum\": 30, "
	"\"average\": 8}, {\"timeStamp\": \"2026-12-02T11:45:00Z\", \"maximum\":"
	" 1}]}], \"errorCode\": \"Success\"}, {\"name\": {\"value\": "
	"\"ThrottledRequests\"}, \"errorCode\": \"BadRequest\", \"errorMessage\":"
	" \"not supported\", \"timeseries\": []}]}";

static void test_metrics(void **state)
{
	(void)state;
	struct lw_metrics_facts f = {0};
	struct lw_err err;
	assert_int_equal(lw_cp_parse_metrics(J(metrics_json), &f, &err), LW_OK);
	assert_int_equal(f.n, 2);
	const struct lw_metric_fact *m = &f.m[0];
	assert_string_equal(m->name, "OutputWatermarkDelaySeconds");
	assert_int_equal(m->n, 2);	/* two series merged, sorted by time */
	assert_true(m->pts[0].t < m->pts[1].t);
	assert_true(m->pts[1].maximum == 30 && m->pts[1].average == 6);
	assert_true(isnan(m->pts[0].total));
	assert_null(m->error);
	assert_string_equal(f.m[1].error, "BadRequest: not supported");
	struct lw_obs o = {.metrics = f};
	lw_obs_facts_free(&o);
	assert_int_equal(lw_cp_parse_metrics(J("{\"error\": {}}"), &f, &err),
			 LW_EPARSE);
}

/* What the lake records is what history gives back. */
static void test_round_trip(void **state)
{
	(void)state;
	struct lw_cp_page p = {0};
	struct lw_metrics_facts f = {.from = 100, .to = 3700};
	struct lw_err err;
	struct lw_obs o, back;
	lw_obs_init(&o);
	lw_obs_init(&back);
	o.at = 1796000000;
	assert_int_equal(lw_cp_parse_pipeline_runs(J(adf_page1), 50, &p, &err),
			 LW_OK);
	p.runs[0].failing = lw_xstrdup("Copy orders");
	p.runs[0].error_code = lw_xstrdup("2200");
	lw_cp_record_runs(&o, "datafactory", "adf", "pl", p.runs, p.n, true);
	assert_int_equal(lw_cp_parse_metrics(J(metrics_json), &f, &err), LW_OK);
	lw_cp_record_metrics(&o, &f);
	lw_cp_record_stream(&o, "Running", 1795999000);
	cJSON *j = lw_obs_to_json(&o);
	assert_int_equal(lw_obs_from_json(j, &back), LW_OK);
	cJSON_Delete(j);
	const struct lw_runs_facts *a = &o.runs, *b = &back.runs;
	assert_true(a->present && b->present && b->truncated);
	assert_string_equal(b->service, "datafactory");
	assert_string_equal(b->lake, "adf");
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->runs[i].run_id, b->runs[i].run_id);
		assert_int_equal(a->runs[i].state, b->runs[i].state);
		assert_int_equal(a->runs[i].start, b->runs[i].start);
		assert_int_equal(a->runs[i].end, b->runs[i].end);
		assert_int_equal(a->runs[i].duration, b->runs[i].duration);
	}
	assert_string_equal(b->runs[0].failing, "Copy orders");
	assert_string_equal(b->runs[0].message,
			    "Operation on target Copy orders failed");
	assert_int_equal(back.newest_mtime, o.newest_mtime);	/* r1's end */
	assert_int_equal(back.metrics.n, 2);
	assert_int_equal(back.metrics.from, 100);
	assert_true(back.metrics.m[0].pts[1].maximum == 30);
	assert_true(isnan(back.metrics.m[0].pts[1].total));
	assert_string_equal(back.stream.job_state, "Running");
	assert_int_equal(back.stream.last_output, 1795999000);
	lw_cp_page_free(&p);
	struct lw_obs tmp = {.metrics = f};
	lw_obs_facts_free(&tmp);
	lw_obs_free(&o);
	lw_obs_free(&back);
}

static char dir[64];

static int64_t sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* One poll of dataset "bronze.sales" whose pipeline had runs r1 (state
 * s1) and r2 (Succeeded). */
static void poll(struct lw_history *h, int64_t at, enum lw_run_state s1,
		 const char *msg)
{
	struct lw_err err;
	struct lw_obs o;
	struct lw_result r = {0};
	int64_t run;
	int counts[LW_NSTATUS] = {0};
	assert_int_equal(lw_history_begin_run(h, at, "t", &run, &err), LW_OK);
	lw_obs_init(&o);
	o.at = at;
	struct lw_run_fact rs[2] = {
		{.run_id = "r1", .state = s1, .start = 1000, .end = -1,
		 .duration = -1, .message = (char *)msg},
		{.run_id = "r2", .state = LW_RUN_SUCCEEDED, .start = 500,
		 .end = 600, .duration = 100},
	};
	lw_cp_record_runs(&o, "datafactory", "adf", "pl_load_sales", rs, 2,
			  false);
	lw_result_set(&r, "runs", LW_PASS, "m", "t", "x");
	assert_int_equal(lw_history_record(h, run, "bronze.sales", &o, &r, 1,
					   LW_PASS, &err), LW_OK);
	counts[LW_PASS]++;
	assert_int_equal(lw_history_end_run(h, run, at, counts, &err), LW_OK);
	lw_obs_free(&o);
	lw_result_free(&r);
}

/* Each run once; rewritten only when it changed; first_seen kept. */
static void test_history_runs(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/lw_test_pipelines_XXXXXX");
	assert_non_null(mkdtemp(dir));
	char *p = lw_xasprintf("%s/h.db", dir);
	struct lw_history *h;
	struct lw_err err;
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	poll(h, 2000, LW_RUN_IN_PROGRESS, NULL);
	poll(h, 2300, LW_RUN_IN_PROGRESS, NULL);	/* unchanged */
	assert_int_equal(sql_int(p, "SELECT count(*) FROM pipeline_runs"), 2);
	assert_int_equal(sql_int(p, "SELECT updated FROM pipeline_runs WHERE "
				 "run_id = 'r1'"), 2000);
	poll(h, 2600, LW_RUN_FAILED, "Copy orders failed");
	lw_history_close(h);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM pipeline_runs"), 2);
	assert_int_equal(sql_int(p, "SELECT updated FROM pipeline_runs WHERE "
				 "run_id = 'r1' AND state = 'Failed' AND message "
				 "= 'Copy orders failed' AND lake = 'adf' AND "
				 "pipeline = 'pl_load_sales' AND first_seen = "
				 "2000"), 2600);
	assert_int_equal(sql_int(p, "SELECT updated FROM pipeline_runs WHERE "
				 "run_id = 'r2'"), 2000);
	/* retention: runs not seen changing since before the cut go */
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(lw_history_prune(h, 2500, &err), LW_OK);
	lw_history_close(h);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM pipeline_runs"), 1);
	free(p);
}

/* A version-4 file gets the table, its data kept. */
static void test_migrate_v4(void **state)
{
	(void)state;
	char *p = lw_xasprintf("%s/v4.db", dir);
	struct lw_history *h;
	struct lw_err err;
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	poll(h, 2000, LW_RUN_SUCCEEDED, NULL);
	lw_history_close(h);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE pipeline_runs; "
				      "PRAGMA user_version=8", NULL, NULL,
				      NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_master WHERE "
				 "name = 'pipeline_runs'"), 0);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	poll(h, 2100, LW_RUN_SUCCEEDED, NULL);
	lw_history_close(h);
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 10);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM observations"), 2);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM pipeline_runs"), 2);
	free(p);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipeline_runs),
		cmocka_unit_test(test_activity_error),
		cmocka_unit_test(test_databricks),
		cmocka_unit_test(test_stream_and_errors),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_history_runs),
		cmocka_unit_test(test_migrate_v4),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
