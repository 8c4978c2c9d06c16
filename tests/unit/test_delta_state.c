/* test_delta_state.c - a Delta snapshot's kept form (formats/
 * delta_state.c): what is saved comes back the same (files, partition
 * values with nulls, deletion vectors, footer counts, checkpoint, commit
 * info, the warning), and a corrupt form is refused whole. */
#include "unit.h"
#include <stdio.h>
#include "lakewatch/delta.h"
#include "lakewatch/util.h"

static void make(struct lw_delta_snapshot *s)
{
	struct lw_err err;
	lw_delta_snapshot_init(s);
	s->version = 12;
	s->commit_ms = 1796000000123;
	s->checkpoint_version = 10;
	s->checkpoint_time = 1796000000;
	s->checkpoint_size = 4567;
	s->checkpoint_name = lw_xstrdup("00000000000000000010.checkpoint.parquet");
	s->checkpoint_kind = lw_xstrdup("classic");
	s->commits_replayed = 2;
	s->protocol = cJSON_Parse("{\"minReaderVersion\": 1, \"minWriterVersion\": 2}");
	s->metadata = cJSON_Parse("{\"id\": \"x\", \"partitionColumns\": [\"d\"]}");
	s->commit_info = cJSON_Parse("{\"operation\": \"WRITE\"}");
	s->warn_path = lw_xstrdup("t/_delta_log/x");
	s->warn_msg = lw_xstrdup("something was worked around");
	static const char pv[] = "d\0002026-11-20\0e\0\x01\0";
	struct lw_delta_add a = {"d=2026-11-20/a.parquet", 100, 1796000000000,
				 50, NULL, NULL, -1, 0, pv, sizeof pv};
	UNIT_OK(lw_delta_add_file(s, &a, &err));
	struct lw_delta_add b = {"b%20c.parquet", 200, 1796000000001, -1,
				 "u", "abc", 4, 3, NULL, 0};
	UNIT_OK(lw_delta_add_file(s, &b, &err));
	size_t it = 0;
	struct lw_delta_file *f;
	while ((f = lw_delta_next_rw(s, &it)))
		if (f->num_records < 0) {	/* as lw_delta_count_footers */
			f->num_records = 9;
			f->rows_from_footer = true;
		}
}

static const struct lw_delta_file *find(const struct lw_delta_snapshot *s,
					const char *path)
{
	size_t it = 0;
	const struct lw_delta_file *f;
	while ((f = lw_delta_next(s, &it)))
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct lw_delta_snapshot s, r;
	struct lw_err err;
	make(&s);
	char *t = lw_delta_state_save(&s);
	assert_non_null(t);
	lw_delta_snapshot_init(&r);
	UNIT_OK(lw_delta_state_load(t, &r, &err));
	assert_int_equal(r.version, 12);
	assert_int_equal(r.commit_ms, 1796000000123);
	assert_int_equal(r.checkpoint_version, 10);
	assert_int_equal(r.checkpoint_time, 1796000000);
	assert_int_equal(r.checkpoint_size, 4567);
	assert_string_equal(r.checkpoint_name, s.checkpoint_name);
	assert_string_equal(r.checkpoint_kind, "classic");
	assert_int_equal(r.commits_replayed, 2);
	assert_true(cJSON_Compare(r.protocol, s.protocol, true));
	assert_true(cJSON_Compare(r.metadata, s.metadata, true));
	assert_true(cJSON_Compare(r.commit_info, s.commit_info, true));
	assert_string_equal(r.warn_msg, s.warn_msg);
	assert_int_equal(r.nlive, 2);
	const struct lw_delta_file *a = find(&r, "d=2026-11-20/a.parquet");
	const struct lw_delta_file *b = find(&r, "b%20c.parquet");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->size, 100);
	assert_int_equal(a->num_records, 50);
	assert_false(a->rows_from_footer);
	assert_memory_equal(a->pvals, "d\0002026-11-20\0e\0\x01\0\0", 18);
	assert_string_equal(a->key, find(&s, a->path)->key);
	assert_null(b->pvals);
	assert_int_equal(b->num_records, 9);
	assert_true(b->rows_from_footer);
	assert_int_equal(b->dv_cardinality, 3);
	assert_string_equal(b->key, find(&s, b->path)->key);
	/* the restored file is found by its key: a later remove drops it */
	lw_delta_remove_file(&r, "b%20c.parquet", "u", "abc", 4);
	assert_int_equal(r.nlive, 1);
	/* saved again, the same text */
	lw_delta_remove_file(&s, "b%20c.parquet", "u", "abc", 4);
	char *t1 = lw_delta_state_save(&s), *t2 = lw_delta_state_save(&r);
	assert_string_equal(t1, t2);
	free(t);
	free(t1);
	free(t2);
	lw_delta_snapshot_free(&s);
	lw_delta_snapshot_free(&r);
}

/* Every way the kept form can be broken is refused, never half-loaded. */
static void test_corrupt(void **state)
{
	(void)state;
	struct lw_delta_snapshot s;
	make(&s);
	char *t = lw_delta_state_save(&s);
	lw_delta_snapshot_free(&s);
	char *nl = strchr(t, '\n');
	char *second = strchr(nl + 1, '\n');
	size_t head = (size_t)(nl - t) + 1;
	struct { char *text; const char *why; } bad[] = {
		{lw_xstrdup(""), "no header line"},
		{lw_xstrdup("{}\n"), "bad header"},
		{lw_xasprintf("%.*s", (int)(second - t), t), "cut short"},
		{lw_xasprintf("%.*s", (int)head, t), "0 files, its header says 2"},
		{lw_xasprintf("%.*s[\"x\"]\n%s", (int)head, t, second + 1),
		 "bad file line"},
		{lw_xasprintf("%.*s[\"p\",\"k\",1,1,1,0,true,[\"odd\"]]\n%s",
			      (int)head, t, second + 1), "bad file line"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct lw_err err;
		lw_err_clear(&err);
		lw_delta_snapshot_init(&s);
		assert_int_equal(lw_delta_state_load(bad[i].text, &s, &err),
				 LW_EPARSE);
		if (!strstr(err.msg, bad[i].why))
			fail_msg("case %zu: %s", i, err.msg);
		assert_int_equal(s.version, -1);
		assert_int_equal(s.nlive, 0);
		assert_null(s.protocol);
		lw_delta_snapshot_free(&s);
		free(bad[i].text);
	}
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_corrupt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
