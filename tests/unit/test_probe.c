/* test_probe.c - the partition list the probe and the Delta format build:
 * files in any order, sums that cannot overflow. */
#include "unit.h"
#include <stdio.h>
#include "lakewatch/probe.h"
#include "lakewatch/model.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(partitions_any_order),
		cmocka_unit_test(partition_sums_saturate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
