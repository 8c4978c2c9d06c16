/* test_probe.c - the partition list the probe and the Delta format build:
 * files in any order, sums that cannot overflow. */
#include "unit.h"
#include "lakewatch/engine.h"
#include <stdio.h>
#include "lakewatch/probe.h"
#include "lakewatch/model.h"
#include "lakewatch/config.h"
#include "lakewatch/util.h"
#include <unistd.h>

/* Files of many partitions in hash order (as a Delta live set comes):
 * every partition once, with all its files, sorted. */
static void partitions_any_order(void **st)
{
	(void)st;
	struct lw_obs o;
	char key[64];
	const int n = 20000;
	lw_obs_init(&o);
	for (int pass = 0; pass < 3; pass++)
		for (int i = 0; i < n; i++) {
			int k = (i * 7919) % n;	/* scattered */
			snprintf(key, sizeof key, "date=2026-01-01/h=%05d", k);
			lw_obs_add_partition(&o, key, 10, pass == 2 && k == 5
							  ? -1 : 1);
		}
	lw_obs_finish_partitions(&o);
	assert_int_equal(o.nparts, n);
	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof key, "date=2026-01-01/h=%05d", i);
		assert_string_equal(o.parts[i].key, key);
		assert_int_equal(o.parts[i].files, 3);
		assert_int_equal(o.parts[i].bytes, 30);
		assert_int_equal(o.parts[i].rows, i == 5 ? -1 : 3);
	}
	lw_obs_free(&o);
}

/* Sizes and row counts from listings and footers are the files' word:
 * sums saturate at INT64_MAX instead of overflowing. */
static void partition_sums_saturate(void **st)
{
	(void)st;
	struct lw_obs o;
	lw_obs_init(&o);
	lw_obs_add_partition(&o, "p=1", INT64_MAX - 5, INT64_MAX - 1);
	lw_obs_add_partition(&o, "p=2", 1, 1);
	lw_obs_add_partition(&o, "p=1", 100, 100);	/* not adjacent */
	lw_obs_add_partition(&o, "p=1", 100, 100);
	lw_obs_finish_partitions(&o);
	assert_int_equal(o.nparts, 2);
	assert_true(o.parts[0].bytes == INT64_MAX);
	assert_true(o.parts[0].rows == INT64_MAX);
	assert_int_equal(o.parts[0].files, 3);
	assert_int_equal(o.parts[1].bytes, 1);
	lw_obs_free(&o);
}

/* Probe a dataset of the given shared Parquet files (symlinked into a temp
 * dir, in this order of names) and return the merged "created_by". */
static char *probe_created_by(const char *first, const char *second)
{
	char tmpl[] = "/tmp/lw-probe-XXXXXX";
	char *t = mkdtemp(tmpl);
	assert_non_null(t);
	char *cmd = lw_xasprintf("mkdir %s/d && ln -s \"$PWD/%s/parquet/%s\" "
				 "%s/d/a.parquet && ln -s \"$PWD/%s/parquet/%s\" "
				 "%s/d/b.parquet", t, lw_testdata(), first, t,
				 lw_testdata(), second, t);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	char *text = lw_xasprintf(
		"{\"name\": \"t\", \"lakes\": {\"l\": {\"kind\": \"fs\", "
		"\"root\": \"%s\"}}, \"sources\": {\"s\": {\"title\": \"S\"}},"
		" \"consumers\": {\"c\": {\"title\": \"C\"}}, \"datasets\": "
		"{\"silver.d\": {\"source\": \"s\", \"layer\": \"silver\", "
		"\"lake\": \"l\", \"path\": \"d\", \"format\": \"parquet\", "
		"\"consumers\": [\"c\"]}}}", t);
	struct lw_config *cfg = NULL;
	struct lw_buf errs;
	lw_buf_init(&errs, LW_BUF_1M);
	if (lw_config_parse(text, strlen(text), "t.json", &cfg, &errs) != LW_OK)
		fail_msg("%s", errs.data ? errs.data : "config");
	struct lw_obs o;
	lw_obs_init(&o);
	lw_probe_dataset(cfg, lw_config_dataset(cfg, "silver.d"), 0, &o);
	assert_true(o.ok);
	assert_int_equal(o.files, 2);
	const cJSON *pq = cJSON_GetObjectItem(o.detail, "parquet");
	const cJSON *cb = cJSON_GetObjectItem(pq, "created_by");
	assert_true(cJSON_IsString(cb));
	char *res = lw_xstrdup(cb->valuestring);
	lw_obs_free(&o);
	lw_config_free(cfg);
	lw_buf_free(&errs);
	free(text);
	cmd = lw_xasprintf("rm -rf '%s'", t);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return res;
}

/* One file with a created_by, one without (its detail is ""): the merge
 * ends, in either order, and the value is the one writer, no stray comma. */
static void created_by_missing_in_one_file(void **st)
{
	(void)st;
	char *a = probe_created_by("alltypes_plain.parquet",
				   "rle_boolean_encoding.parquet");
	char *b = probe_created_by("rle_boolean_encoding.parquet",
				   "alltypes_plain.parquet");
	assert_true(a[0] != '\0' && a[0] != ',');
	assert_string_equal(a, b);
	assert_null(strchr(a, ','));
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(partitions_any_order),
		cmocka_unit_test(partition_sums_saturate),
		cmocka_unit_test(created_by_missing_in_one_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
