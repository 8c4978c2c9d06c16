/* test_pipeline_runs_read.c - reading the pipeline_runs table back for the
 * dashboard's Pipelines screen (lw_history_pipeline_runs,
 * history/pipeline_runs.c): one pipeline's runs over a window, newest
 * first, at most max, every field as recorded, more than one poll's runs. */
#include "unit.h"
#include <unistd.h>
#include "lakewatch/pipelines.h"
#include "lakewatch/history.h"
#include "lakewatch/util.h"

static char dir[64];

/* One poll recording runs rs[0..n) of lake's pipeline for dataset ds. */
static void poll(struct lw_history *h, int64_t at, const char *lake,
		 const char *pipeline, const char *ds,
		 const struct lw_run_fact *rs, size_t n)
{
	struct lw_err err;
	struct lw_obs o;
	struct lw_result r = {0};
	int64_t run;
	int counts[LW_NSTATUS] = {0};

	assert_int_equal(lw_history_begin_run(h, at, "t", &run, &err), LW_OK);
	lw_obs_init(&o);
	o.at = at;
	lw_cp_record_runs(&o, "datafactory", lake, pipeline, rs, n, false);
	lw_result_set(&r, "runs", LW_PASS, "m", "t", "x");
	assert_int_equal(lw_history_record(h, run, ds, &o, &r, 1, LW_PASS,
					   &err), LW_OK);
	counts[LW_PASS]++;
	assert_int_equal(lw_history_end_run(h, run, at, counts, &err), LW_OK);
	lw_obs_free(&o);
	lw_result_free(&r);
}

static void test_read_back(void **state)
{
	struct lw_history *h;
	struct lw_err err;
	struct lw_run_fact *v;
	size_t n;

	(void)state;
	strcpy(dir, "/tmp/lw_test_prread_XXXXXX");
	assert_non_null(mkdtemp(dir));
	char *p = lw_xasprintf("%s/h.db", dir);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	/* two polls that each saw two runs (max_runs 2): history has all
	 * four; another pipeline and another lake's namesake stay apart */
	struct lw_run_fact a[2] = {
		{.run_id = "r2", .state = LW_RUN_SUCCEEDED, .start = 2000,
		 .end = 2100, .duration = 100},
		{.run_id = "r1", .state = LW_RUN_SUCCEEDED, .start = 1000,
		 .end = 1100, .duration = 100},
	};
	struct lw_run_fact b[2] = {
		{.run_id = "r4", .state = LW_RUN_FAILED, .start = 4000,
		 .end = 4060, .duration = 60, .status = "Failed",
		 .message = "ErrorCode=UserErrorFileNotFound",
		 .failing = "Copy orders", .error_code = "2200"},
		{.run_id = "r3", .state = LW_RUN_IN_PROGRESS, .start = -1,
		 .end = 3000, .duration = -1},
	};
	struct lw_run_fact other = {.run_id = "x1", .state = LW_RUN_FAILED,
				    .start = 3500, .end = -1, .duration = -1};
	poll(h, 2200, "adf", "pl_load_sales", "adf.sales", a, 2);
	poll(h, 4100, "adf", "pl_load_sales", "adf.sales", b, 2);
	poll(h, 4100, "adf", "pl_other", "adf.other", &other, 1);
	poll(h, 4100, "adf2", "pl_load_sales", "adf2.sales", &other, 1);
	lw_history_close(h);

	assert_int_equal(lw_history_open(p, true, &h, &err), LW_OK);
	assert_int_equal(lw_history_pipeline_runs(h, "adf", "pl_load_sales", 0,
						  100, &v, &n, &err), LW_OK);
	assert_int_equal(n, 4);
	/* newest first; a run without a start by its end */
	assert_string_equal(v[0].run_id, "r4");
	assert_string_equal(v[1].run_id, "r3");
	assert_string_equal(v[2].run_id, "r2");
	assert_string_equal(v[3].run_id, "r1");
	assert_int_equal(v[0].state, LW_RUN_FAILED);
	assert_string_equal(v[0].status, "Failed");
	assert_int_equal(v[0].start, 4000);
	assert_int_equal(v[0].end, 4060);
	assert_int_equal(v[0].duration, 60);
	assert_string_equal(v[0].message, "ErrorCode=UserErrorFileNotFound");
	assert_string_equal(v[0].failing, "Copy orders");
	assert_string_equal(v[0].error_code, "2200");
	assert_int_equal(v[1].state, LW_RUN_IN_PROGRESS);
	assert_int_equal(v[1].start, -1);
	assert_int_equal(v[1].duration, -1);
	assert_null(v[1].message);
	lw_history_pipeline_runs_free(v, n);
	/* the window and the bound */
	assert_int_equal(lw_history_pipeline_runs(h, "adf", "pl_load_sales",
						  2000, 100, &v, &n, &err),
			 LW_OK);
	assert_int_equal(n, 3);
	assert_string_equal(v[2].run_id, "r2");
	lw_history_pipeline_runs_free(v, n);
	assert_int_equal(lw_history_pipeline_runs(h, "adf", "pl_load_sales", 0,
						  1, &v, &n, &err), LW_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].run_id, "r4");
	lw_history_pipeline_runs_free(v, n);
	/* nothing: NULL and 0 */
	assert_int_equal(lw_history_pipeline_runs(h, "adf", "pl_none", 0, 10,
						  &v, &n, &err), LW_OK);
	assert_int_equal(n, 0);
	assert_null(v);
	assert_int_equal(lw_history_pipeline_runs(h, "adf", "pl_load_sales", 0,
						  0, &v, &n, &err), LW_OK);
	assert_int_equal(n, 0);
	lw_history_close(h);
	free(p);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
