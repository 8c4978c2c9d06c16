/* test_rollup.c - a group's status is its worst dataset; the culprit is the
 * first worst dataset in config order and its worst check. */
#include <stdio.h>
#include "unit.h"
#include "lakewatch/run.h"
#include "lakewatch/util.h"

/* Four datasets:            source layer   consumers  status  worst
 *   bronze.pos               0     bronze  {0}        WARN    1
 *   silver.sales             0     silver  {0,1}      FAIL    0
 *   gold.sales               1     gold    {1}        FAIL    1
 *   powerbi.sales            1     powerbi {}         PASS    -1   */
static struct lw_dataset ds[4];
static struct lw_ds_run dr[4];
static struct lw_run run;
static struct lw_config cfg;
static int cons0[] = {0}, cons01[] = {0, 1}, cons1[] = {1};

static void set_results(struct lw_ds_run *r, const enum lw_status *st,
			size_t n, int worst)
{
	r->results = lw_xcalloc(n ? n : 1, sizeof *r->results);
	r->nresults = n;
	r->status = LW_PASS;
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "check%zu", i);
		lw_result_set(&r->results[i], name, st[i], "", "", "%s %zu",
			      lw_status_name(st[i]), i);
		if (st[i] > r->status)
			r->status = st[i];
	}
	r->worst = worst;
}

static int setup(void **state)
{
	(void)state;
	static const char *names[] = {"bronze.pos", "silver.sales",
				      "gold.sales", "powerbi.sales"};
	static const int src[] = {0, 0, 1, 1};
	static int *cons[] = {cons0, cons01, cons1, NULL};
	static const size_t ncons[] = {1, 2, 1, 0};
	for (int i = 0; i < 4; i++) {
		ds[i].name = (char *)names[i];
		ds[i].source = src[i];
		ds[i].layer = (enum lw_layer)i;
		ds[i].consumers = cons[i];
		ds[i].nconsumers = ncons[i];
		dr[i].ds = &ds[i];
		lw_obs_init(&dr[i].obs);
	}
	enum lw_status a[] = {LW_PASS, LW_WARN};
	enum lw_status b[] = {LW_FAIL, LW_WARN};
	enum lw_status c[] = {LW_WARN, LW_FAIL, LW_FAIL};
	enum lw_status d[] = {LW_PASS};
	set_results(&dr[0], a, 2, 1);
	set_results(&dr[1], b, 2, 0);
	set_results(&dr[2], c, 3, 1);
	set_results(&dr[3], d, 1, -1);
	run.ds = dr;
	run.n = 4;
	cfg.datasets = ds;
	cfg.ndatasets = 4;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++) {
		for (size_t k = 0; k < dr[i].nresults; k++)
			lw_result_free(&dr[i].results[k]);
		free(dr[i].results);
		lw_obs_free(&dr[i].obs);
	}
	return 0;
}

static void test_all(void **state)
{
	(void)state;
	struct lw_rollup r;
	lw_rollup(&cfg, &run, -1, -1, -1, &r);
	assert_int_equal(r.status, LW_FAIL);
	assert_int_equal(r.total, 4);
	assert_int_equal(r.counts[LW_PASS], 1);
	assert_int_equal(r.counts[LW_WARN], 1);
	assert_int_equal(r.counts[LW_FAIL], 2);
	assert_int_equal(r.counts[LW_ERROR], 0);
	/* tie between silver.sales and gold.sales: the first one wins */
	assert_ptr_equal(r.culprit, &dr[1]);
	assert_ptr_equal(r.culprit_result, &dr[1].results[0]);
	assert_string_equal(r.culprit_result->message, "FAIL 0");
}

static void test_by_source(void **state)
{
	(void)state;
	struct lw_rollup r;
	lw_rollup(&cfg, &run, 1, -1, -1, &r);
	assert_int_equal(r.status, LW_FAIL);
	assert_int_equal(r.total, 2);
	assert_ptr_equal(r.culprit, &dr[2]);
	assert_ptr_equal(r.culprit_result, &dr[2].results[1]);
	lw_rollup(&cfg, &run, 7, -1, -1, &r);	/* no such source */
	assert_int_equal(r.status, LW_PASS);
	assert_int_equal(r.total, 0);
	assert_null(r.culprit);
	assert_null(r.culprit_result);
}

static void test_by_layer(void **state)
{
	(void)state;
	struct lw_rollup r;
	lw_rollup(&cfg, &run, -1, LW_BRONZE, -1, &r);
	assert_int_equal(r.status, LW_WARN);
	assert_int_equal(r.total, 1);
	assert_int_equal(r.counts[LW_WARN], 1);
	assert_ptr_equal(r.culprit, &dr[0]);
	assert_string_equal(r.culprit_result->message, "WARN 1");
	lw_rollup(&cfg, &run, -1, LW_POWERBI, -1, &r);
	assert_int_equal(r.status, LW_PASS);
	assert_int_equal(r.counts[LW_PASS], 1);
	assert_null(r.culprit);	/* an all-PASS group has no culprit */
	/* layer and source together */
	lw_rollup(&cfg, &run, 0, LW_GOLD, -1, &r);
	assert_int_equal(r.total, 0);
}

static void test_by_consumer(void **state)
{
	(void)state;
	struct lw_rollup r;
	lw_rollup(&cfg, &run, -1, -1, 0, &r);
	assert_int_equal(r.total, 2);
	assert_int_equal(r.status, LW_FAIL);
	assert_ptr_equal(r.culprit, &dr[1]);
	lw_rollup(&cfg, &run, -1, -1, 1, &r);
	assert_int_equal(r.total, 2);
	assert_ptr_equal(r.culprit, &dr[1]);
	/* an ERROR is worse than any FAIL and becomes the culprit */
	enum lw_status old = dr[2].status;
	dr[2].status = LW_ERROR;
	lw_rollup(&cfg, &run, -1, -1, 1, &r);
	assert_int_equal(r.status, LW_ERROR);
	assert_ptr_equal(r.culprit, &dr[2]);
	assert_int_equal(r.counts[LW_ERROR], 1);
	/* a worst index out of range gives no culprit result, not a crash */
	dr[2].worst = 99;
	lw_rollup(&cfg, &run, -1, -1, 1, &r);
	assert_null(r.culprit_result);
	dr[2].worst = 1;
	dr[2].status = old;
}

static void test_empty(void **state)
{
	(void)state;
	struct lw_rollup r;
	struct lw_run empty = {0};
	lw_rollup(&cfg, &empty, -1, -1, -1, &r);
	assert_int_equal(r.status, LW_PASS);
	assert_int_equal(r.total, 0);
	lw_rollup(&cfg, NULL, -1, -1, -1, &r);
	assert_int_equal(r.total, 0);
}

/* Files unreadable: row_count ERRORs first, readable ERRORs after it
 * (the engine judges readable last); the culprit line names readable, the
 * cause, not the row count it left unknown. */
static void test_root_check_wins(void **state)
{
	(void)state;
	struct lw_dataset one = {.name = "bronze.x", .source = 0};
	struct lw_ds_run r1 = {.ds = &one};
	lw_obs_init(&r1.obs);
	enum lw_status st[] = {LW_PASS, LW_ERROR, LW_WARN, LW_ERROR};
	set_results(&r1, st, 4, 1);
	for (size_t i = 1; i < 4; i++)
		lw_result_free(&r1.results[i]);	/* named below */
	lw_result_set(&r1.results[1], "row_count", LW_ERROR, "unknown", "",
		      "row count unknown: 3 files could not be read");
	lw_result_set(&r1.results[2], "schema", LW_WARN, "", "",
		      "schema from 3 of 6 files; 3 unreadable");
	lw_result_set(&r1.results[3], "readable", LW_ERROR, "", "",
		      "a.parquet: not a Parquet file");
	r1.status = LW_ERROR;
	struct lw_run one_run = {.ds = &r1, .n = 1};
	struct lw_rollup r;
	lw_rollup(&cfg, &one_run, 0, -1, -1, &r);
	assert_int_equal(r.status, LW_ERROR);
	assert_ptr_equal(r.culprit, &r1);
	assert_string_equal(r.culprit_result->check, "readable");
	/* not at equal status: the worse check stays the culprit */
	r1.results[3].status = LW_WARN;
	lw_rollup(&cfg, &one_run, 0, -1, -1, &r);
	assert_string_equal(r.culprit_result->check, "row_count");
	for (size_t i = 0; i < r1.nresults; i++)
		lw_result_free(&r1.results[i]);
	free(r1.results);
	lw_obs_free(&r1.obs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all),
		cmocka_unit_test(test_by_source),
		cmocka_unit_test(test_by_layer),
		cmocka_unit_test(test_by_consumer),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_root_check_wins),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
