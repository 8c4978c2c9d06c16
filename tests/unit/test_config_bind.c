/* test_config_bind.c - core parses a config without knowing any plug-in:
 * everything that names one goes through the binder, in file order, and is
 * freed through it; the engine's own binder is what lw_config_parse uses,
 * and lw_engine_poll always returns a run, cancelled or not. */
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include "unit.h"
#include "lakewatch/config.h"
#include "lakewatch/engine.h"
#include "lakewatch/util.h"

/* ---- a binder that only records what core asks of it ---- */
static struct lw_buf calls;
static int live;	/* handles and configs handed out, not yet freed */

static struct lw_lake *rec_open(const char *name, const cJSON *node,
				struct lw_cfgctx *cc)
{
	UNIT_OK(lw_buf_addf(&calls, "open %s;", name));
	if (strcmp(name, "broken") == 0) {
		lw_cfg_error(cc, node, "lake \"%s\": refused", name);
		return NULL;
	}
	live++;
	return (struct lw_lake *)lw_xstrdup(name);
}

static void rec_close(struct lw_lake *l)
{
	UNIT_OK(lw_buf_addf(&calls, "close %s;", (char *)l));
	live--;
	free(l);
}

static const char *rec_format(struct lw_dataset *ds, struct lw_lake *lake,
			      const cJSON *node, struct lw_cfgctx *cc)
{
	(void)cc;
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(node, "format");
	UNIT_OK(lw_buf_addf(&calls, "format %s %s %s;", ds->name,
		    lake ? (char *)lake : "-",
		    cJSON_IsString(f) ? f->valuestring : "-"));
	ds->format_opts = lw_xstrdup("opts");
	live++;
	return "\\.csv$";
}

static void rec_free_format(struct lw_dataset *ds)
{
	UNIT_OK(lw_buf_addf(&calls, "free_format %s;", ds->name));
	free(ds->format_opts);
	live--;
}

static bool rec_check(struct lw_check_inst *ci, const struct lw_dataset *ds,
		      const cJSON *node, struct lw_cfgctx *cc)
{
	UNIT_OK(lw_buf_addf(&calls, "check %s %s;", ds->name, node->string));
	if (strcmp(node->string, "bogus") == 0) {
		lw_cfg_error(cc, node, "no such check");
		return false;
	}
	ci->cfg = lw_xstrdup(node->string);
	live++;
	return true;
}

static void rec_free_check(struct lw_check_inst *ci)
{
	free(ci->cfg);
	live--;
}

static const char *const *rec_refs(const struct lw_check_inst *ci)
{
	static const char *const other[] = {"gone", NULL};
	return strcmp(ci->name, "reconcile") == 0 ? other : NULL;
}

static const struct lw_config_binder rec = {
	rec_open, rec_close, rec_format, rec_free_format, rec_check,
	rec_free_check, rec_refs,
};

static const char good[] =
	"{\"lakes\": {\"a\": {\"kind\": \"x\"}, \"b\": {}},\n"
	" \"sources\": {\"s\": \"S\"},\n"
	" \"defaults\": {\"layers\": {\"gold\": {\"checks\": {\"freshness\": {},"
	" \"files\": {}}}}},\n"
	" \"datasets\": {\n"
	"  \"d1\": {\"source\": \"s\", \"layer\": \"gold\", \"lake\": \"b\","
	" \"path\": \"p\", \"format\": \"csv\", \"checks\": {\"files\": null,"
	" \"row_count\": {}}},\n"
	"  \"d2\": {\"source\": \"s\", \"layer\": \"bronze\", \"lake\": \"a\","
	" \"path\": \"q\"}}}\n";

static void core_calls_binder_in_order(void **state)
{
	(void)state;
	struct lw_config *cfg = NULL;
	struct lw_buf errs;
	lw_buf_init(&errs, 1 << 16);
	lw_buf_init(&calls, 1 << 16);
	assert_int_equal(lw_config_parse_with(&rec, good, strlen(good),
					      "t.json", &cfg, &errs), LW_OK);
	assert_non_null(cfg);
	assert_string_equal(calls.data, "open a;open b;"
		"format d1 b csv;check d1 freshness;check d1 row_count;"
		"format d2 a -;");
	/* core keeps the plain parts: names, the default include pattern */
	assert_int_equal(cfg->nlakes, 2);
	assert_int_equal(cfg->datasets[0].nchecks, 2);
	assert_string_equal(cfg->datasets[0].checks[1].name, "row_count");
	assert_non_null(cfg->datasets[0].include);
	lw_buf_reset(&calls);
	lw_config_free(cfg);
	assert_string_equal(calls.data, "free_format d1;free_format d2;"
			    "close a;close b;");
	assert_int_equal(live, 0);
	lw_buf_free(&errs);
	lw_buf_free(&calls);
}

static void binder_errors_keep_file_order(void **state)
{
	(void)state;
	static const char bad[] =
		"{\"lakes\": {\"broken\": {}},\n"
		" \"sources\": {\"s\": \"S\"},\n"
		" \"datasets\": {\"d\": {\"source\": \"s\", \"layer\": \"gold\",\n"
		"  \"lake\": \"broken\", \"path\": \"p\",\n"
		"  \"checks\": {\"bogus\": {}, \"reconcile\": {}}}}}\n";
	struct lw_config *cfg = NULL;
	struct lw_buf errs;
	lw_buf_init(&errs, 1 << 16);
	lw_buf_init(&calls, 1 << 16);
	assert_int_equal(lw_config_parse_with(&rec, bad, strlen(bad), "t.json",
					      &cfg, &errs), LW_ECONFIG);
	assert_null(cfg);
	/* the broken lake is not reported again by the dataset; the refs of
	 * a bound check are checked by core */
	assert_string_equal(errs.data,
		"t.json:1:12: lake \"broken\": refused\n"
		"t.json:3:15: dataset \"d\": check \"reconcile\" names unknown "
		"dataset \"gone\"\n"
		"t.json:5:14: no such check\n");
	assert_int_equal(live, 0);
	lw_buf_free(&errs);
	lw_buf_free(&calls);
}

/* ---- the engine's binder and one poll over an fs lake ---- */
static char dir[64];

static struct lw_config *fs_config(void)
{
	snprintf(dir, sizeof dir, "/tmp/lw-bind.XXXXXX");
	assert_non_null(mkdtemp(dir));
	char *sub = lw_xasprintf("%s/t", dir), *f = lw_xasprintf("%s/t/a.csv", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	FILE *fp = fopen(f, "w");
	assert_non_null(fp);
	fputs("id\n1\n2\n", fp);
	fclose(fp);
	char *text = lw_xasprintf(
		"{\"lakes\": {\"l\": {\"kind\": \"fs\", \"root\": \"%s\"}},"
		" \"sources\": {\"s\": \"S\"}, \"datasets\": {\"t\": {\"source\":"
		" \"s\", \"layer\": \"bronze\", \"lake\": \"l\", \"path\": \"t\","
		" \"format\": \"csv\", \"checks\": {\"row_count\": {\"min\": 1}}}}}",
		dir);
	struct lw_config *cfg = NULL;
	struct lw_buf errs;
	lw_buf_init(&errs, 1 << 16);
	int rc = lw_config_parse(text, strlen(text), "t.json", &cfg, &errs);
	if (rc)
		fprintf(stderr, "%s", errs.data);
	assert_int_equal(rc, LW_OK);
	lw_buf_free(&errs);
	free(text);
	free(f);
	free(sub);
	return cfg;
}

static void poll_returns_run_cancelled_or_not(void **state)
{
	(void)state;
	struct lw_config *cfg = fs_config();
	char *sub = lw_xasprintf("%s/t", dir), *f = lw_xasprintf("%s/t/a.csv", dir);
	atomic_bool cancel = false;
	struct lw_run *run = lw_engine_poll(cfg, NULL, NULL, NULL, NULL, &cancel);
	assert_non_null(run);
	assert_int_equal(run->n, 1);
	assert_true(run->ds[0].obs.ok);
	assert_int_equal(run->ds[0].obs.rows, 2);
	assert_int_equal(run->status, LW_PASS);
	lw_run_free(run);
	atomic_store(&cancel, true);
	run = lw_engine_poll(cfg, NULL, NULL, NULL, NULL, &cancel);
	assert_non_null(run);
	assert_int_equal(run->n, 0);	/* never observed: left out */
	lw_run_free(run);
	unlink(f);
	rmdir(sub);
	rmdir(dir);
	free(f);
	free(sub);
	lw_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(core_calls_binder_in_order),
		cmocka_unit_test(binder_errors_keep_file_order),
		cmocka_unit_test(poll_returns_run_cancelled_or_not),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
