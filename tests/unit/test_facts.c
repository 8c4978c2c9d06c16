/* test_facts.c - the typed plug-in facts (struct lw_obs delta, parquet;
 * core/facts.c) against the detail JSON the same producers write: what a
 * producer sets must come back identically from its own detail, as it does
 * for a previous observation read from history. A renamed detail key fails
 * here instead of turning a check into "unknown". Also: no check reads
 * obs->detail (checks/ read the typed facts only). */
#include "unit.h"
#include <stdio.h>
#include <dirent.h>
#include <regex.h>
#include <sys/stat.h>
#include "lakewatch/format.h"
#include "lakewatch/lake.h"
#include "lakewatch/model.h"
#include "lakewatch/util.h"
#include "lakewatch/cfgctx.h"

static struct lw_lake *open_fs(const char *root)
{
	cJSON *cfg = cJSON_CreateObject();
	cJSON_AddStringToObject(cfg, "kind", "fs");
	cJSON_AddStringToObject(cfg, "root", root);
	struct lw_cfgctx cc;
	lw_cfgctx_init(&cc, "test", NULL);
	struct lw_lake *l = lw_lake_fs.open("t", cfg, &cc);
	lw_cfgctx_free(&cc);
	cJSON_Delete(cfg);
	assert_non_null(l);
	return l;
}

static void same_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_true(a == b);
	else
		assert_string_equal(a, b);
}

/* The history round trip: o's facts as lw_obs_from_json restores them. */
static void round_trip(const struct lw_obs *o, struct lw_obs *back)
{
	cJSON *j = lw_obs_to_json(o);
	assert_int_equal(lw_obs_from_json(j, back), LW_OK);
	cJSON_Delete(j);
}

static void same_delta(const struct lw_delta_facts *a,
		       const struct lw_delta_facts *b)
{
	assert_int_equal(a->present, b->present);
	assert_int_equal(a->has_version, b->has_version);
	if (a->has_version)
		assert_int_equal(a->version, b->version);
	assert_int_equal(a->has_last_commit, b->has_last_commit);
	if (a->has_last_commit)
		assert_int_equal(a->last_commit, b->last_commit);
	same_str(a->last_operation, b->last_operation);
	assert_int_equal(a->has_last_load_rows, b->has_last_load_rows);
	if (a->has_last_load_rows)
		assert_int_equal(a->last_load_rows, b->last_load_rows);
	assert_int_equal(a->has_live_files, b->has_live_files);
	if (a->has_live_files)
		assert_int_equal(a->live_files, b->live_files);
	assert_int_equal(a->has_checkpoint_version, b->has_checkpoint_version);
	if (a->has_checkpoint_version)
		assert_int_equal(a->checkpoint_version, b->checkpoint_version);
	assert_int_equal(a->has_checkpoint_time, b->has_checkpoint_time);
	if (a->has_checkpoint_time)
		assert_int_equal(a->checkpoint_time, b->checkpoint_time);
	assert_int_equal(a->rows_from, b->rows_from);
	assert_int_equal(a->files_without_stats, b->files_without_stats);
	assert_int_equal(a->has_footer_bound, b->has_footer_bound);
	if (a->has_footer_bound)
		assert_int_equal(a->footer_bound, b->footer_bound);
	assert_int_equal(a->footer_bound_hit, b->footer_bound_hit);
}

/* Every golden Delta table that loads: the facts the Delta format set are
 * the facts its detail gives back. */
static void delta_facts_round_trip(void **st)
{
	(void)st;
	char *root = lw_xasprintf("%s/delta", lw_testdata());
	DIR *d = opendir(root);
	if (!d) {
		free(root);
		skip();
		return;
	}
	struct lw_lake *lake = open_fs(root);
	struct dirent *de;
	int tables = 0, ops = 0, ckpts = 0, loads = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		struct lw_obs o, back;
		struct lw_err err;
		lw_obs_init(&o);
		lw_err_clear(&err);
		if (lw_format_delta.probe_table(lake, de->d_name, NULL, &o,
						&err) == LW_OK) {
			assert_true(o.delta.present);
			assert_true(o.delta.has_live_files);
			assert_int_equal(o.delta.live_files, o.files);
			round_trip(&o, &back);
			same_delta(&o.delta, &back.delta);
			assert_false(back.powerbi.present);
			tables++;
			ops += o.delta.last_operation != NULL;
			ckpts += o.delta.has_checkpoint_time;
			loads += o.delta.has_last_load_rows;
			lw_obs_free(&back);
		}
		lw_obs_free(&o);
	}
	closedir(d);
	lw_lake_fs.close(lake);
	free(root);
	print_message("facts: %d Delta tables (%d operations, %d checkpoints, "
		      "%d load counts)\n", tables, ops, ckpts, loads);
	assert_true(tables >= 50);
	assert_true(ops > 0 && ckpts > 0 && loads > 0);
}

/* Every Parquet file of the shared test data: the file-level facts are
 * those its detail gives back when filed under "parquet", as the probe
 * files them. */
static void parquet_facts_round_trip(void **st)
{
	(void)st;
	char *root = lw_xasprintf("%s/parquet", lw_testdata());
	DIR *d = opendir(root);
	if (!d) {
		free(root);
		skip();
		return;
	}
	struct lw_lake *lake = open_fs(root);
	struct dirent *de;
	int files = 0;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct stat sb;
		char *full = lw_xasprintf("%s/%s", root, de->d_name);
		bool pq = n > 8 && strcmp(de->d_name + n - 8, ".parquet") == 0 &&
			  stat(full, &sb) == 0;
		free(full);
		if (!pq)
			continue;
		struct lw_entry e = {de->d_name, (int64_t)sb.st_size, 0};
		struct lw_file f = {lake, &e, true};
		struct lw_file_obs fo;
		struct lw_err err;
		lw_file_obs_init(&fo);
		lw_err_clear(&err);
		if (lw_format_parquet.probe_file(&f, NULL, &fo, &err) == LW_OK) {
			struct lw_obs o;
			lw_obs_init(&o);
			cJSON_AddItemToObject(lw_obs_detail(&o), "parquet",
					      cJSON_Duplicate(fo.detail, 1));
			lw_obs_facts_from_detail(&o);
			assert_true(fo.parquet.present && o.parquet.present);
			assert_true(fo.parquet.has_row_groups &&
				    o.parquet.has_row_groups);
			assert_int_equal(fo.parquet.row_groups,
					 o.parquet.row_groups);
			same_str(fo.parquet.created_by, o.parquet.created_by);
			lw_obs_free(&o);
			files++;
		}
		lw_file_obs_free(&fo);
	}
	closedir(d);
	lw_lake_fs.close(lake);
	free(root);
	assert_true(files >= 30);
}

/* Values a previous observation may hold in history: times as ISO-8601
 * strings, absent keys, numbers that do not fit. */
static void restore_from_history(void **st)
{
	(void)st;
	cJSON *j = cJSON_Parse("{\"detail\": {\"powerbi\": {\"refresh\": {"
		"\"status\": \"Completed\", \"type\": \"Scheduled\", "
		"\"started\": \"2026-11-25T10:00:00Z\", \"ended\": 1795600000},"
		" \"schedule\": {\"enabled\": false, \"interval\": 3600}}, "
		"\"delta\": {\"version\": 1e300, \"last_operation\": 7}, "
		"\"avro\": {\"codec\": \"deflate\", \"blocks\": 4}}}");
	struct lw_obs o;
	assert_int_equal(lw_obs_from_json(j, &o), LW_OK);
	cJSON_Delete(j);
	const struct lw_powerbi_facts *p = &o.powerbi;
	assert_true(p->present && p->refresh.present);
	assert_string_equal(p->refresh.status, "Completed");
	assert_string_equal(p->refresh.type, "Scheduled");
	assert_null(p->refresh.error_code);
	assert_true(p->refresh.has_started);
	assert_int_equal(p->refresh.started, 1795600800);
	assert_true(p->refresh.has_ended);
	assert_false(p->refresh.has_last_success);
	assert_true(p->has_schedule && p->schedule_disabled);
	assert_int_equal(p->interval, 3600);
	assert_true(o.delta.present);
	assert_false(o.delta.has_version);	/* 1e300 does not fit */
	assert_null(o.delta.last_operation);	/* not a string */
	assert_true(o.avro.present && o.avro.has_blocks);
	assert_false(o.avro.has_empty_files);
	assert_false(o.parquet.present);
	lw_obs_free(&o);
	assert_false(o.powerbi.present);	/* lw_obs_free clears them */
}

/* Per-file strings merge into distinct values, bounded; "" is a value. */
static void join_distinct(void **st)
{
	(void)st;
	char *l = NULL;
	lw_fact_join(&l, NULL);
	assert_null(l);
	/* a file without the value adds nothing, before or after one with it */
	lw_fact_join(&l, "");
	assert_null(l);
	lw_fact_join(&l, "parquet-mr");
	lw_fact_join(&l, "parquet-mr");
	lw_fact_join(&l, "");
	lw_fact_join(&l, "");
	lw_fact_join(&l, "parquet-cpp");
	lw_fact_join(&l, "parquet");	/* a prefix of a listed value */
	assert_string_equal(l, "parquet-mr, parquet-cpp, parquet");
	for (int i = 0; i < 100; i++) {
		char w[24];
		snprintf(w, sizeof w, "writer-%d", i);
		lw_fact_join(&l, w);
	}
	assert_true(strlen(l) < 230);
	free(l);
}

/* Checks judge the typed facts only: none reaches the detail JSON (no
 * ->detail, .detail or lw_obs_detail in checks/). */
static void checks_do_not_read_detail(void **st)
{
	(void)st;
	DIR *d = opendir("checks");
	assert_non_null(d);
	regex_t re;
	assert_int_equal(regcomp(&re, "(->|\\.)detail([^A-Za-z0-9_]|$)|"
				 "lw_obs_detail|lw_detail_get",
				 REG_EXTENDED | REG_NOSUB), 0);
	struct dirent *de;
	int files = 0;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 3 || strcmp(de->d_name + n - 2, ".c") != 0)
			continue;
		char *path = lw_xasprintf("checks/%s", de->d_name);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		char line[1024];
		int ln = 0;
		while (fgets(line, sizeof line, f)) {
			ln++;
			if (regexec(&re, line, 0, NULL, 0) == 0)
				fail_msg("%s:%d reads the detail JSON: %s",
					 path, ln, line);
		}
		fclose(f);
		free(path);
		files++;
	}
	closedir(d);
	regfree(&re);
	assert_true(files >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delta_facts_round_trip),
		cmocka_unit_test(parquet_facts_round_trip),
		cmocka_unit_test(restore_from_history),
		cmocka_unit_test(join_distinct),
		cmocka_unit_test(checks_do_not_read_detail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
