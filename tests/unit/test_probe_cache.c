/* test_probe_cache.c - the probe's side of the per-file cache (struct
 * lw_probe_cache): which files it asks for, what it keeps, that a cached
 * file is not read and adds up the same, that a listing cut short deletes
 * nothing; and the dataset fingerprint (what invalidates the cache). */
#include "unit.h"
#include <stdio.h>
#include <unistd.h>
#include "lakewatch/engine.h"
#include "lakewatch/format.h"
#include "lakewatch/probe.h"
#include "lakewatch/util.h"

#define MAXF 8
struct fake {
	char *path[MAXF], *obs[MAXF];	/* what was put */
	int64_t size[MAXF];
	size_t n;
	int begins, gets, hits, puts, batches_open, ends;
	bool last_complete, serve;	/* serve: answer gets from what was put */
};

static bool f_begin(void *ud, const struct lw_dataset *ds)
{
	(void)ds;
	((struct fake *)ud)->begins++;
	return true;
}

static bool f_get(void *ud, const struct lw_entry *e, struct lw_file_obs *fo)
{
	struct fake *f = ud;
	struct lw_err err;
	assert_int_equal(f->batches_open, 1);	/* inside a batch */
	assert_true(e->size > 0);		/* empty files are not read */
	f->gets++;
	for (size_t i = 0; f->serve && i < f->n; i++)
		if (!strcmp(f->path[i], e->path) && f->size[i] == e->size) {
			UNIT_OK(lw_file_obs_from_json(f->obs[i], fo, &err));
			f->hits++;
			return true;
		}
	return false;
}

static void f_batch(void *ud, bool start)
{
	((struct fake *)ud)->batches_open += start ? 1 : -1;
}

static void f_put(void *ud, const struct lw_entry *e,
		  const struct lw_file_obs *fo)
{
	struct fake *f = ud;
	assert_true(f->n < MAXF);
	cJSON *j = lw_file_obs_to_json(fo);
	f->obs[f->n] = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	f->path[f->n] = lw_xstrdup(e->path);
	f->size[f->n++] = e->size;
	f->puts++;
}

static void f_end(void *ud, bool complete)
{
	struct fake *f = ud;
	f->ends++;
	f->last_complete = complete;
}

static char dir[64];

static int setup(void **st)
{
	(void)st;
	strcpy(dir, "/tmp/lw-probe-cache-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char *cmd = lw_xasprintf("mkdir %s/d && printf 'a,b\\n1,x\\n2,y\\n' > "
				 "%s/d/f1.csv && printf 'a,b\\n3,z\\n' > "
				 "%s/d/f2.csv && : > %s/d/empty.csv", dir, dir,
				 dir, dir);
	int rc = system(cmd);
	free(cmd);
	return rc;
}

static int teardown(void **st)
{
	(void)st;
	char *cmd = lw_xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc;
}

static struct lw_config *config(const char *extra)
{
	char *text = lw_xasprintf(
		"{\"name\": \"t\", \"lakes\": {\"l\": {\"kind\": \"fs\", "
		"\"root\": \"%s\"}}, \"sources\": {\"s\": {}}, \"datasets\": "
		"{\"bronze.d\": {\"source\": \"s\", \"layer\": \"bronze\", "
		"\"lake\": \"l\", \"path\": \"d\", \"format\": \"csv\"%s}}}",
		dir, extra);
	struct lw_config *cfg = NULL;
	struct lw_buf errs;
	lw_buf_init(&errs, LW_BUF_1M);
	if (lw_config_parse(text, strlen(text), "t.json", &cfg, &errs) != LW_OK)
		fail_msg("%s", errs.data ? errs.data : "config");
	lw_buf_free(&errs);
	free(text);
	return cfg;
}

static void poll(struct lw_config *cfg, struct fake *f, struct lw_obs *o,
		 const char *path)
{
	struct lw_probe_cache pc = {f_begin, f_get, f_batch, f_put, f_end,
				    NULL, NULL, f};
	struct lw_dataset *ds = &cfg->datasets[0];
	char *keep = ds->path;
	if (path)
		ds->path = (char *)path;
	lw_obs_init(o);
	lw_probe_dataset_cached(cfg, ds, 0, o, &pc);
	ds->path = keep;
	assert_int_equal(f->batches_open, 0);
}

static void test_probe_uses_cache(void **st)
{
	(void)st;
	struct lw_config *cfg = config("");
	struct fake f = {0};
	struct lw_obs a, b;
	poll(cfg, &f, &a, NULL);
	assert_true(a.ok);
	assert_int_equal(a.files, 3);
	assert_int_equal(a.rows, 3);
	assert_int_equal(f.gets, 2);
	assert_int_equal(f.puts, 2);
	assert_int_equal(a.files_read, 2);
	assert_int_equal(a.files_cached, 0);
	assert_true(f.ends == 1 && f.last_complete);
	/* from the cache: nothing read, the same observation */
	f.serve = true;
	poll(cfg, &f, &b, NULL);
	assert_int_equal(f.hits, 2);
	assert_int_equal(f.puts, 2);		/* nothing new to keep */
	assert_int_equal(b.files_read, 0);
	assert_int_equal(b.files_cached, 2);
	assert_int_equal(b.bytes_read, 0);
	assert_true(a.bytes_read > 0);
	assert_int_equal(b.rows, a.rows);
	assert_int_equal(b.files, a.files);
	assert_int_equal(b.schema.n, a.schema.n);
	for (size_t i = 0; i < a.schema.n; i++)
		assert_true(lw_column_same_type(&a.schema.cols[i],
						&b.schema.cols[i]));
	assert_int_equal(b.nparts, a.nparts);
	lw_obs_free(&a);
	lw_obs_free(&b);
	/* a listing that fails deletes nothing */
	poll(cfg, &f, &a, "missing");
	assert_false(a.ok);
	assert_true(f.ends == 3 && !f.last_complete);
	lw_obs_free(&a);
	for (size_t i = 0; i < f.n; i++) {
		free(f.path[i]);
		cJSON_free(f.obs[i]);
	}
	lw_config_free(cfg);
}

/* The fingerprint: the same for the same config, another for a format
 * option, include, exclude, count_rows or format; not for a check. */
static void test_fingerprint(void **st)
{
	(void)st;
	static const char *const other[] = {
		", \"format_options\": {\"delimiter\": \";\"}",
		", \"include\": \"\\\\.csv$\"",
		", \"exclude\": \"tmp\"",
		", \"count_rows\": false",
	};
	struct lw_config *base = config(""), *same = config(
		", \"checks\": {\"row_count\": {\"min\": 1}}");
	assert_int_equal(strlen(base->datasets[0].fingerprint), 16);
	assert_string_equal(base->datasets[0].fingerprint,
			    same->datasets[0].fingerprint);
	for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
		struct lw_config *c = config(other[i]);
		assert_string_not_equal(base->datasets[0].fingerprint,
					c->datasets[0].fingerprint);
		lw_config_free(c);
	}
	lw_config_free(base);
	lw_config_free(same);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_uses_cache, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fingerprint, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
