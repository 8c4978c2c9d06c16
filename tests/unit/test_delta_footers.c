/* test_delta_footers.c - rows of Delta tables without stats, counted from
 * the data files' footers (formats/delta_footers.c).
 *
 * Delta Lake's golden tables are copied to a temporary directory and their
 * stats stripped by tests/e2e/strip_stats.py (the same helper the e2e case
 * uses); the footer count must equal the stats-based count of the
 * original, with and without deletion vectors, in full or in part.
 */
#include "unit.h"
#include <dirent.h>
#include <sys/stat.h>
#include "lakewatch/delta.h"
#include "lakewatch/format.h"
#include "lakewatch/lake.h"
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

/* A lake kind like fs that counts the tails it was asked to prefetch. */
static struct lw_lake_kind counting_fs;
static size_t prefetched, prefetch_calls;

static int count_prefetch(struct lw_lake *lake, const struct lw_entry *e,
			  size_t n, int64_t tail, struct lw_err *err)
{
	(void)lake, (void)e, (void)err;
	assert_true(tail > 0);
	prefetched += n;
	prefetch_calls++;
	return LW_OK;
}

static int probe(const char *root, const char *table, int64_t bound,
		 bool counting, struct lw_obs *o, struct lw_err *err)
{
	struct lw_lake *lake = open_fs(root);
	const struct lw_lake_kind *was = lw_lake_base(lake)->kind;
	counting_fs = lw_lake_fs;
	counting_fs.prefetch_tails = count_prefetch;
	if (counting)
		lw_lake_base(lake)->kind = &counting_fs;
	struct lw_delta_opts opts = {bound};
	lw_err_clear(err);
	lw_obs_init(o);
	int rc = lw_format_delta.probe_table(lake, table, &opts, o, err);
	lw_lake_base(lake)->kind = was;
	lw_lake_fs.close(lake);
	return rc;
}

static char *mktmp(void)
{
	char tmpl[] = "/tmp/lw-dstats-XXXXXX";
	char *t = mkdtemp(tmpl);
	assert_non_null(t);
	return lw_xstrdup(t);
}

static void rm_tmp(char *t)
{
	char *cmd = lw_xasprintf("rm -rf '%s'", t);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(t);
}

/* Strip src's stats into <tmp>/t; the number of adds stripped, -1 when
 * the table cannot be replayed from its commits alone. */
static long strip(const char *src, const char *tmp, const char *mode)
{
	char *cmd = lw_xasprintf("python3 tests/e2e/strip_stats.py '%s' "
				 "'%s/t' %s 2>/dev/null", src, tmp, mode);
	FILE *p = popen(cmd, "r");
	free(cmd);
	assert_non_null(p);
	long n = -1;
	if (fscanf(p, "%ld", &n) != 1)
		n = -1;
	if (pclose(p) != 0)
		n = -1;
	return n;
}

static int checked, mixed_checked, dv_checked;

static void check_stripped(const char *root, const char *name,
			   const char *mode)
{
	struct lw_obs orig, o;
	struct lw_err err;
	char *src = lw_xasprintf("%s/%s", root, name);
	int rc = probe(root, name, LW_DELTA_FOOTERS_DEFAULT, false, &orig,
		       &err);
	/* the reference: a table that loads, counted from stats alone */
	if (rc != LW_OK || orig.rows < 0 || orig.files == 0 ||
	    orig.delta.rows_from != LW_DROWS_STATS) {
		lw_obs_free(&orig);
		free(src);
		return;
	}
	char *tmp = mktmp();
	long n = strip(src, tmp, mode);
	if (n > 0) {
		prefetched = prefetch_calls = 0;
		rc = probe(tmp, "t", LW_DELTA_FOOTERS_DEFAULT, true, &o, &err);
		if (rc != LW_OK)
			fail_msg("%s (%s): %s", name, mode, err.msg);
		if (o.rows != orig.rows)
			fail_msg("%s (%s): %lld rows from footers, %lld from "
				 "stats", name, mode, (long long)o.rows,
				 (long long)orig.rows);
		assert_int_equal(o.files, orig.files);
		assert_int_equal(o.nferrs, 0);
		assert_int_equal(prefetched, o.delta.files_without_stats);
		assert_true(prefetch_calls >= (prefetched > 0));
		cJSON *d = cJSON_GetObjectItem(o.detail, "delta");
		const char *from = cJSON_GetStringValue(
			cJSON_GetObjectItem(d, "rows_from"));
		assert_non_null(from);
		if (strcmp(mode, "all") == 0) {
			assert_int_equal(o.delta.rows_from, LW_DROWS_FOOTERS);
			assert_string_equal(from, "footers");
			assert_int_equal(o.delta.files_without_stats, o.files);
			checked++;
		} else if (o.delta.rows_from == LW_DROWS_MIXED) {
			assert_string_equal(from, "mixed");
			mixed_checked++;
		}
		if (strstr(name, "deletion-vector") || strstr(name, "dv"))
			dv_checked++;
		lw_obs_free(&o);
	}
	rm_tmp(tmp);
	lw_obs_free(&orig);
	free(src);
}

static void test_stripped_golden(void **state)
{
	(void)state;
	char *root = lw_xasprintf("%s/delta", lw_testdata());
	DIR *d = opendir(root);
	if (!d) {
		lw_needs(root);
		free(root);
		skip();
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "LICENSE.txt")) {
			check_stripped(root, de->d_name, "all");
			check_stripped(root, de->d_name, "odd");
		}
	closedir(d);
	print_message("delta footers: %d tables stripped whole, %d mixed, "
		      "%d with deletion vectors\n", checked, mixed_checked,
		      dv_checked);
	assert_true(checked >= 15);
	assert_true(mixed_checked >= 3);
	free(root);
}

/* A stripped copy of basic-with-inserts-updates in a new temp dir. */
static char *stripped_copy(const char *table)
{
	char *src = lw_xasprintf("%s/delta/%s", lw_testdata(), table);
	struct stat st;
	if (stat(src, &st) != 0) {
		lw_needs(src);
		free(src);
		skip();
	}
	char *tmp = mktmp();
	assert_true(strip(src, tmp, "all") > 0);
	free(src);
	return tmp;
}

/* More files lack stats than the bound: none is read, the count is
 * unknown and the observation says why. */
static void test_bound(void **state)
{
	(void)state;
	char *tmp = stripped_copy("basic-with-inserts-updates");
	struct lw_obs o;
	struct lw_err err;
	prefetched = 0;
	assert_int_equal(probe(tmp, "t", 1, true, &o, &err), LW_OK);
	assert_true(o.files > 1);
	assert_int_equal(o.rows, -1);
	assert_int_equal(prefetched, 0);
	assert_true(o.delta.footer_bound_hit);
	assert_int_equal(o.delta.footer_bound, 1);
	assert_int_equal(o.delta.files_without_stats, o.files);
	cJSON *d = cJSON_GetObjectItem(o.detail, "delta");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(d, "footer_bound_reached")));
	assert_null(cJSON_GetObjectItem(d, "rows_from"));
	lw_obs_free(&o);
	/* 0: footers never read */
	assert_int_equal(probe(tmp, "t", 0, true, &o, &err), LW_OK);
	assert_int_equal(o.rows, -1);
	assert_int_equal(prefetched, 0);
	lw_obs_free(&o);
	rm_tmp(tmp);
}

/* A live file whose footer is gone: a file error naming it, rows unknown. */
static void test_unreadable_footer(void **state)
{
	(void)state;
	char *tmp = stripped_copy("basic-with-inserts-updates");
	char *cmd = lw_xasprintf("cd '%s/t' && f=$(ls *.parquet | head -1) && "
				 "head -c 100 \"$f\" > x && mv x \"$f\"", tmp);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	struct lw_obs o;
	struct lw_err err;
	assert_int_equal(probe(tmp, "t", 1000, false, &o, &err), LW_OK);
	assert_int_equal(o.rows, -1);
	assert_int_equal(o.nferrs, 1);
	assert_non_null(strstr(o.ferrs[0].msg, "footer cannot be read"));
	assert_non_null(strstr(o.ferrs[0].path, ".parquet"));
	lw_obs_free(&o);
	/* gone altogether: said the same way on every lake kind */
	cmd = lw_xasprintf("cd '%s/t' && rm $(ls *.parquet | head -1)", tmp);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_int_equal(probe(tmp, "t", 1000, false, &o, &err), LW_OK);
	assert_int_equal(o.rows, -1);
	assert_int_equal(o.nferrs, 1);
	assert_string_equal(o.ferrs[0].msg, "no stats in the log, and the "
			    "live data file is missing from the lake");
	lw_obs_free(&o);
	rm_tmp(tmp);
}

/* Commit 0 of a one-file table whose add has a deletion vector hiding
 * card rows and no stats. */
static void write_dv_log(const char *log, int64_t size, int card)
{
	FILE *f = fopen(log, "w");
	assert_non_null(f);
	fprintf(f, "{\"protocol\":{\"minReaderVersion\":1,"
		"\"minWriterVersion\":2}}\n"
		"{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":"
		"\"parquet\"},\"schemaString\":\"{\\\"type\\\":\\\"struct\\\","
		"\\\"fields\\\":[]}\",\"partitionColumns\":[]}}\n"
		"{\"add\":{\"path\":\"a.parquet\",\"size\":%lld,"
		"\"modificationTime\":0,\"dataChange\":true,"
		"\"deletionVector\":{\"storageType\":\"u\",\"pathOrInlineDv\":"
		"\"ab\",\"offset\":1,\"sizeInBytes\":4,\"cardinality\":%d}}}\n",
		(long long)size, card);
	fclose(f);
}

/* A deletion vector hiding more rows than the footer holds is a corrupt
 * log, not an empty file. */
static void test_dv_beyond_footer(void **state)
{
	(void)state;
	char *src = lw_xasprintf("%s/parquet/alltypes_plain.parquet",
				 lw_testdata());	/* 8 rows */
	struct stat st;
	if (stat(src, &st) != 0) {
		lw_needs(src);
		free(src);
		skip();
	}
	char *tmp = mktmp();
	char *cmd = lw_xasprintf("mkdir -p '%s/t/_delta_log' && cp '%s' "
				 "'%s/t/a.parquet'", tmp, src, tmp);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	char *log = lw_xasprintf("%s/t/_delta_log/00000000000000000000.json",
				 tmp);
	struct lw_obs o;
	struct lw_err err;
	write_dv_log(log, st.st_size, 9);
	assert_int_equal(probe(tmp, "t", 1000, false, &o, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "a.parquet"));
	assert_non_null(strstr(err.msg, "corrupt log"));
	lw_obs_free(&o);
	/* 3 hidden: 5 rows, from the footer */
	write_dv_log(log, st.st_size, 3);
	assert_int_equal(probe(tmp, "t", 1000, false, &o, &err), LW_OK);
	assert_int_equal(o.rows, 5);
	assert_int_equal(o.delta.rows_from, LW_DROWS_FOOTERS);
	lw_obs_free(&o);
	free(log);
	free(src);
	rm_tmp(tmp);
}

/* format_options: the bound is an integer from 0; typos are errors. */
static void test_options(void **state)
{
	(void)state;
	const char *bad[] = {"{\"footer_rows_max_files\": -1}",
			     "{\"footer_rows_max_files\": \"x\"}",
			     "{\"footer_rows_max\": 5}"};
	void *opts = NULL;
	struct lw_cfgctx cc;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cJSON *j = cJSON_Parse(bad[i]);
		lw_cfgctx_init(&cc, "test", NULL);
		assert_int_not_equal(lw_format_delta.options(j, &opts, &cc),
				     LW_OK);
		lw_format_delta.free_options(opts);
		lw_cfgctx_free(&cc);
		cJSON_Delete(j);
	}
	cJSON *j = cJSON_Parse("{\"footer_rows_max_files\": 7}");
	lw_cfgctx_init(&cc, "test", NULL);
	assert_int_equal(lw_format_delta.options(j, &opts, &cc), LW_OK);
	assert_int_equal(((struct lw_delta_opts *)opts)->footer_rows_max_files,
			 7);
	lw_format_delta.free_options(opts);
	assert_int_equal(lw_format_delta.options(NULL, &opts, &cc), LW_OK);
	assert_int_equal(((struct lw_delta_opts *)opts)->footer_rows_max_files,
			 LW_DELTA_FOOTERS_DEFAULT);
	lw_format_delta.free_options(opts);
	lw_cfgctx_free(&cc);
	cJSON_Delete(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stripped_golden),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_unreadable_footer),
		cmocka_unit_test(test_dv_beyond_footer),
		cmocka_unit_test(test_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
