/* test_fcache.c - the per-file observation cache: a file's stored form
 * (formats/fileobs.c) round trip and its refusal of corrupt rows, and the
 * history's cache (history/fcache.c): the key, scopes, deleted files,
 * restarts, retention, the entry cap and the migration to schema 5. */
#include "unit.h"
#include <stdio.h>
#include <sqlite3.h>
#include "lakewatch/format.h"
#include "lakewatch/history.h"
#include "lakewatch/history_cache.h"
#include "lakewatch/util.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/lw_test_fcache_XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_obs_round_trip(void **state)
{
	(void)state;
	struct lw_file_obs fo, back;
	struct lw_err err;
	lw_file_obs_init(&fo);
	fo.rows = 1234;
	fo.has_schema = true;
	lw_schema_add(&fo.schema, "id", LW_T_INT64, "INT64")->nullable = false;
	struct lw_column *c = lw_schema_add(&fo.schema, "amount", LW_T_DECIMAL,
					    NULL);
	c->precision = 10;
	c->scale = 2;
	fo.bytes_read = 999;
	fo.bytes_decompressed = 4096;
	fo.detail = cJSON_CreateObject();
	cJSON_AddNumberToObject(fo.detail, "row_groups", 3);
	fo.parquet.present = fo.parquet.has_row_groups = true;
	fo.parquet.row_groups = 3;
	fo.parquet.created_by = lw_xstrdup("parquet-cpp 1.0");
	fo.avro.present = fo.avro.has_blocks = true;
	fo.avro.blocks = 7;
	fo.avro.codec = lw_xstrdup("deflate");
	fo.warning = lw_xstrdup("line 3: invalid UTF-8");
	cJSON *j = lw_file_obs_to_json(&fo);
	char *t = cJSON_PrintUnformatted(j);
	UNIT_OK(lw_file_obs_from_json(t, &back, &err));
	assert_int_equal(back.rows, 1234);
	assert_true(back.has_schema);
	assert_int_equal(back.schema.n, 2);
	assert_string_equal(back.schema.cols[0].name, "id");
	assert_false(back.schema.cols[0].nullable);
	assert_string_equal(back.schema.cols[0].physical, "INT64");
	assert_true(lw_column_same_type(&back.schema.cols[1], &fo.schema.cols[1]));
	assert_int_equal(back.bytes_read, 0);	/* a cached file costs nothing */
	assert_int_equal(back.bytes_decompressed, 4096);
	assert_int_equal(cJSON_GetObjectItem(back.detail, "row_groups")->valueint, 3);
	assert_true(back.parquet.present && back.parquet.has_row_groups);
	assert_int_equal(back.parquet.row_groups, 3);
	assert_string_equal(back.parquet.created_by, "parquet-cpp 1.0");
	assert_true(back.avro.present && back.avro.has_blocks);
	assert_false(back.avro.has_empty_files);
	assert_int_equal(back.avro.blocks, 7);
	assert_string_equal(back.avro.codec, "deflate");
	assert_string_equal(back.warning, "line 3: invalid UTF-8");
	cJSON_free(t);
	cJSON_Delete(j);
	lw_file_obs_free(&back);
	/* unknown rows and no schema stay so */
	lw_file_obs_free(&fo);
	j = lw_file_obs_to_json(&fo);
	t = cJSON_PrintUnformatted(j);
	UNIT_OK(lw_file_obs_from_json(t, &back, &err));
	assert_int_equal(back.rows, -1);
	assert_false(back.has_schema);
	assert_null(back.detail);
	assert_false(back.parquet.present || back.avro.present);
	cJSON_free(t);
	cJSON_Delete(j);
	lw_file_obs_free(&back);
}

/* A corrupt row is refused with a reason, never half-used. */
static void test_obs_corrupt(void **state)
{
	(void)state;
	static const struct { const char *text, *why; } bad[] = {
		{"", "not a JSON object"},
		{"{\"rows\": 3", "not a JSON object"},
		{"[1, 2]", "not a JSON object"},
		{"{}", "no row count"},
		{"{\"rows\": \"3\"}", "no row count"},
		{"{\"rows\": 2.5}", "no row count"},
		{"{\"rows\": -7}", "no row count"},
		{"{\"rows\": 1e300}", "no row count"},
		{"{\"rows\": 1, \"inflated\": -1}", "bad decompressed size"},
		{"{\"rows\": 1, \"schema\": {}}", "bad schema"},
		{"{\"rows\": 1, \"schema\": [{\"name\": \"a\", \"type\": \"nope\"}]}",
		 "bad schema"},
		{"{\"rows\": 1, \"detail\": []}", "bad detail"},
		{"{\"rows\": 1, \"parquet\": 5}", "bad facts"},
		{"{\"rows\": 1, \"avro\": {\"codec\": 5}}", "bad facts"},
		{"{\"rows\": 1, \"warning\": false}", "bad facts"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct lw_file_obs fo;
		struct lw_err err;
		lw_err_clear(&err);
		assert_int_equal(lw_file_obs_from_json(bad[i].text, &fo, &err),
				 LW_EPARSE);
		char want[128];
		snprintf(want, sizeof want, "stored observation: %s", bad[i].why);
		assert_string_equal(err.msg, want);
		assert_int_equal(fo.rows, -1);
		assert_false(fo.has_schema);
		assert_null(fo.detail);
		lw_file_obs_free(&fo);
	}
}

static char *stored(int64_t rows, const char *col)
{
	struct lw_file_obs fo;
	lw_file_obs_init(&fo);
	fo.rows = rows;
	fo.has_schema = true;
	lw_schema_add(&fo.schema, col, LW_T_STRING, "BYTE_ARRAY");
	lw_schema_add(&fo.schema, "n", LW_T_INT64, NULL);
	cJSON *j = lw_file_obs_to_json(&fo);
	char *t = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	lw_file_obs_free(&fo);
	return t;
}

/* The files of a dataset share their columns: the memo copies a schema
 * equal to the last one instead of parsing it, and gives what a parse
 * gives; a broken rest is still refused; another schema replaces it. */
static void test_obs_memo(void **state)
{
	(void)state;
	struct lw_file_obs_memo m = {NULL, {0}};
	struct lw_file_obs fo;
	struct lw_err err;
	lw_schema_init(&m.schema);
	/* a name that spells the key: escaped in JSON, never taken for it */
	const char *odd = "x\",\"schema\":[";
	char *a = stored(5, odd), *b = stored(7, odd), *c = stored(9, "y");
	UNIT_OK(lw_file_obs_from_memo(a, &m, &fo, &err));
	assert_non_null(m.schema_text);
	const char *kept = m.schema_text;	/* a parse would replace it */
	lw_file_obs_free(&fo);
	for (int pass = 0; pass < 2; pass++) {	/* from the memo, twice */
		UNIT_OK(lw_file_obs_from_memo(b, &m, &fo, &err));
		assert_int_equal(fo.rows, 7);
		assert_true(fo.has_schema);
		assert_int_equal(fo.schema.n, 2);
		assert_string_equal(fo.schema.cols[0].name, odd);
		assert_string_equal(fo.schema.cols[0].physical, "BYTE_ARRAY");
		assert_int_equal(fo.schema.cols[1].type, LW_T_INT64);
		assert_ptr_equal(m.schema_text, kept);
		lw_file_obs_free(&fo);
	}
	/* the rest broken, the schema the remembered one: refused */
	char *bad = lw_xasprintf("{\"rows\":\"7\"%s", strstr(b, ",\"schema\":["));
	lw_err_clear(&err);
	assert_int_equal(lw_file_obs_from_memo(bad, &m, &fo, &err), LW_EPARSE);
	assert_string_equal(err.msg, "stored observation: no row count");
	assert_false(fo.has_schema);
	lw_file_obs_free(&fo);
	UNIT_OK(lw_file_obs_from_memo(c, &m, &fo, &err));
	assert_string_equal(fo.schema.cols[0].name, "y");
	assert_non_null(strstr(m.schema_text, "\"y\""));
	lw_file_obs_free(&fo);
	lw_file_obs_memo_free(&m);
	cJSON_free(a);
	cJSON_free(b);
	cJSON_free(c);
	free(bad);
}

static struct lw_history *open_hist(void)
{
	char *p = lw_xasprintf("%s/h.db", dir);
	struct lw_history *h;
	struct lw_err err;
	UNIT_OK(lw_history_open(p, false, &h, &err));
	free(p);
	return h;
}

static int64_t count(struct lw_history *h)
{
	int64_t n = -1;
	struct lw_err err;
	UNIT_OK(lw_fcache_count(h, &n, &err));
	return n;
}

static void put(struct lw_fcache *fc, const struct lw_entry *e, const char *o)
{
	struct lw_err err;
	UNIT_OK(lw_fcache_put(fc, e, o, &err));
}

/* The key is path, size, mtime with nanoseconds and the lake's tag, in
 * the scope of lake, path and fingerprint; it survives a restart. */
static void test_key(void **state)
{
	(void)state;
	struct lw_history *h = open_hist();
	struct lw_fcache *fc;
	struct lw_err err;
	struct lw_entry a = {"d/a.csv", 10, 1796000000, 5, 0};
	struct lw_entry b = {"d/b.csv", 20, 1796000001, 0, 77};
	UNIT_OK(lw_fcache_open(h, "lake", "d", "fp1", 1000, &fc, &err));
	assert_null(lw_fcache_get(fc, &a));
	put(fc, &a, "{\"rows\":1}");
	put(fc, &b, "{\"rows\":2}");
	UNIT_OK(lw_fcache_close(fc, true, &err));
	lw_history_close(h);

	h = open_hist();	/* a restart */
	UNIT_OK(lw_fcache_open(h, "lake", "d", "fp1", 1001, &fc, &err));
	assert_string_equal(lw_fcache_get(fc, &a), "{\"rows\":1}");
	assert_string_equal(lw_fcache_get(fc, &b), "{\"rows\":2}");
	struct lw_entry x = a;
	x.mtime_nsec = 6;
	assert_null(lw_fcache_get(fc, &x));
	x = a;
	x.size = 11;
	assert_null(lw_fcache_get(fc, &x));
	x = a;
	x.mtime++;
	assert_null(lw_fcache_get(fc, &x));
	x = b;
	x.tag = 78;		/* a new ETag, same size and second */
	assert_null(lw_fcache_get(fc, &x));
	x = b;
	x.path = "d/c.csv";
	assert_null(lw_fcache_get(fc, &x));
	UNIT_OK(lw_fcache_close(fc, true, &err));
	/* another fingerprint, lake or path is another scope */
	static const char *const other[][3] = {
		{"lake", "d", "fp2"}, {"lake2", "d", "fp1"}, {"lake", "e", "fp1"}};
	for (size_t i = 0; i < 3; i++) {
		UNIT_OK(lw_fcache_open(h, other[i][0], other[i][1], other[i][2],
				       1002, &fc, &err));
		assert_null(lw_fcache_get(fc, &a));
		UNIT_OK(lw_fcache_close(fc, true, &err));
	}
	assert_int_equal(count(h), 2);
	lw_history_close(h);
}

/* Entries neither got nor put are deleted files - only when the listing
 * was complete; a re-read replaces the old row. */
static void test_deleted(void **state)
{
	(void)state;
	struct lw_history *h = open_hist();
	struct lw_fcache *fc;
	struct lw_err err;
	struct lw_entry a = {"d/a.csv", 10, 1796000000, 0, 0};
	struct lw_entry b = {"d/b.csv", 20, 1796000001, 0, 0};
	UNIT_OK(lw_fcache_open(h, "lake", "d", "fp", 1000, &fc, &err));
	put(fc, &a, "{\"rows\":1}");
	put(fc, &b, "{\"rows\":2}");
	UNIT_OK(lw_fcache_close(fc, true, &err));
	/* a listing cut short deletes nothing */
	UNIT_OK(lw_fcache_open(h, "lake", "d", "fp", 1001, &fc, &err));
	assert_non_null(lw_fcache_get(fc, &a));
	UNIT_OK(lw_fcache_close(fc, false, &err));
	assert_int_equal(count(h), 2);
	/* b gone, a changed: one row, the new one */
	UNIT_OK(lw_fcache_open(h, "lake", "d", "fp", 1002, &fc, &err));
	a.size = 11;
	assert_null(lw_fcache_get(fc, &a));
	put(fc, &a, "{\"rows\":3}");
	UNIT_OK(lw_fcache_close(fc, true, &err));
	assert_int_equal(count(h), 1);
	UNIT_OK(lw_fcache_open(h, "lake", "d", "fp", 1003, &fc, &err));
	assert_string_equal(lw_fcache_get(fc, &a), "{\"rows\":3}");
	/* forgotten (it did not parse) and not put again: deleted */
	lw_fcache_forget(fc, &a);
	UNIT_OK(lw_fcache_close(fc, true, &err));
	assert_int_equal(count(h), 0);
	lw_history_close(h);
}

/* Retention drops scopes not polled since; the cap keeps the newest
 * written entries. */
static void test_prune(void **state)
{
	(void)state;
	struct lw_history *h = open_hist();
	struct lw_fcache *fc;
	struct lw_err err;
	char path[32];
	UNIT_OK(lw_fcache_open(h, "lake", "old", "fp", 1000, &fc, &err));
	struct lw_entry e = {"old/x", 1, 1, 0, 0};
	put(fc, &e, "{\"rows\":1}");
	UNIT_OK(lw_fcache_close(fc, true, &err));
	UNIT_OK(lw_fcache_open(h, "lake", "new", "fp", 5000, &fc, &err));
	for (int i = 0; i < 10; i++) {
		snprintf(path, sizeof path, "new/f%02d", i);
		struct lw_entry f = {path, 1, 1, 0, 0};
		put(fc, &f, "{\"rows\":1}");
	}
	UNIT_OK(lw_fcache_close(fc, true, &err));
	assert_int_equal(count(h), 11);
	UNIT_OK(lw_fcache_prune(h, 2000, 100, &err));
	assert_int_equal(count(h), 10);		/* "old" not seen since 1000 */
	UNIT_OK(lw_fcache_prune(h, 2000, 4, &err));
	assert_int_equal(count(h), 4);
	UNIT_OK(lw_fcache_open(h, "lake", "new", "fp", 5001, &fc, &err));
	for (int i = 0; i < 10; i++) {
		snprintf(path, sizeof path, "new/f%02d", i);
		struct lw_entry f = {path, 1, 1, 0, 0};
		assert_true((lw_fcache_get(fc, &f) != NULL) == (i >= 6));
	}
	UNIT_OK(lw_fcache_close(fc, false, &err));
	lw_history_close(h);
}

/* More entries than one write transaction holds, and a table that grows. */
static void test_many(void **state)
{
	(void)state;
	struct lw_history *h = open_hist();
	struct lw_fcache *fc;
	struct lw_err err;
	char path[32];
	UNIT_OK(lw_fcache_open(h, "lake", "m", "fp", 1000, &fc, &err));
	for (int i = 0; i < 5000; i++) {
		snprintf(path, sizeof path, "m/%05d", i);
		struct lw_entry f = {path, i, 1, 0, 0};
		put(fc, &f, "{\"rows\":1}");
	}
	UNIT_OK(lw_fcache_close(fc, true, &err));
	UNIT_OK(lw_fcache_open(h, "lake", "m", "fp", 1001, &fc, &err));
	int hits = 0;
	for (int i = 0; i < 5000; i++) {
		snprintf(path, sizeof path, "m/%05d", i);
		struct lw_entry f = {path, i, 1, 0, 0};
		hits += lw_fcache_get(fc, &f) != NULL;
	}
	assert_int_equal(hits, 5000);
	UNIT_OK(lw_fcache_close(fc, true, &err));
	assert_int_equal(count(h), 5000);
	lw_history_close(h);
}

static int sql_int(const char *p, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int v = -1;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* A version-5 file gets the cache's tables (schema step 6). */
static void test_migrate_v5(void **state)
{
	(void)state;
	char *p = lw_xasprintf("%s/v4.db", dir);
	struct lw_history *h;
	struct lw_err err;
	UNIT_OK(lw_history_open(p, false, &h, &err));
	lw_history_close(h);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE file_cache; DROP TABLE "
				      "file_cache_scope; DROP INDEX runs_aborted; "
				      "DROP INDEX runs_open; ALTER TABLE runs "
				      "DROP COLUMN pid; ALTER TABLE runs DROP "
				      "COLUMN pid_start; ALTER TABLE runs DROP "
				      "COLUMN host; ALTER TABLE runs DROP COLUMN "
				      "aborted; ALTER TABLE mutes DROP COLUMN "
				      "ended_by; ALTER TABLE mutes DROP COLUMN "
				      "ended_at; DROP TABLE pipeline_runs; "
				      "PRAGMA user_version=5",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_master WHERE "
				 "name LIKE 'file_cache%'"), 0);
	UNIT_OK(lw_history_open(p, false, &h, &err));
	lw_history_close(h);
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 10);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_master WHERE "
				 "name IN ('file_cache', 'file_cache_scope')"), 2);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_obs_round_trip),
		cmocka_unit_test(test_obs_corrupt),
		cmocka_unit_test(test_obs_memo),
		cmocka_unit_test_setup_teardown(test_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v5, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
