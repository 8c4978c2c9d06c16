/* test_csv.c - the CSV scanner (data-driven cases in tests/formats/csv.test,
 * each also fed in every chunking), type inference, and the plug-in over
 * a small in-test lake. */
#include "unit.h"
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
#include "lakewatch/csv.h"
#include "lakewatch/infer.h"
#include "lakewatch/format.h"
#include "lakewatch/cfgctx.h"
#include "lakewatch/util.h"
#include "../formats/cases.h"

static void schema_str(const struct lw_schema *sc, bool has, char *buf,
		       size_t n)
{
	size_t len = 0;

	if (!has) {
		snprintf(buf, n, "-");
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < sc->n && len < n; i++) {
		char tb[64];
		len += (size_t)snprintf(buf + len, n - len, "%s%s:%s",
					i ? " " : "", sc->cols[i].name,
					lw_type_fmt(&sc->cols[i], tb, sizeof(tb)));
	}
}

static void case_opts(const struct tcase *c, struct lw_csv_opts *o)
{
	const char *v;

	lw_csv_opts_default(o);
	if ((v = case_get(c, "delimiter")))
		o->delim = strcmp(v, "\\t") == 0 ? '\t' : v[0];
	if ((v = case_get(c, "quote")))
		o->quote = strcmp(v, "none") == 0 ? '\0' : v[0];
	if ((v = case_get(c, "header")))
		o->header = strcmp(v, "false") != 0;
}

/* Scan c's input cut at cuts[0..ncuts) (ascending offsets). */
static void run(const struct tcase *c, const size_t *cuts, size_t ncuts,
		struct outcome *out)
{
	struct lw_csv_opts o;
	struct lw_csv_scan s;
	struct lw_schema sc;
	const char *v;
	size_t at = 0;
	bool has;

	case_opts(c, &o);
	lw_csv_scan_init(&s, &o);
	if ((v = case_get(c, "head")))
		s.head_bytes = atoll(v);
	if ((v = case_get(c, "sample")))
		s.sample_rows = atoll(v);
	if ((v = case_get(c, "fieldmax")))
		s.field_max = atoll(v);
	if ((v = case_get(c, "sniff")))
		s.sniff_bytes = atoll(v);
	for (size_t i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : c->len;
		lw_csv_scan_feed(&s, c->input + at, to - at);
		at = to;
	}
	memset(out, 0, sizeof(*out));
	out->rc = lw_csv_scan_finish(&s, !case_get(c, "cut"));
	snprintf(out->msg, sizeof(out->msg), "%s", out->rc ? s.err.msg : "");
	out->rows = lw_csv_scan_rows(&s);
	lw_schema_init(&sc);
	has = lw_csv_scan_schema(&s, &sc);
	schema_str(&sc, has, out->schema, sizeof(out->schema));
	lw_schema_free(&sc);
	lw_csv_scan_free(&s);
}

static int check_case(const char *file, const struct tcase *c)
{
	return check_case_with(run, file, c);
}

static void test_cases(void **state)
{
	const char *file = "tests/formats/csv.test";
	size_t n;
	struct tcase *cs = cases_load(file, &n);
	int bad = 0;

	(void)state;
	assert_non_null(cs);
	assert_true(n >= 40);
	for (size_t i = 0; i < n; i++)
		bad += check_case(file, &cs[i]);
	cases_free(cs, n);
	assert_int_equal(bad, 0);
}

/* The driver itself must be able to fail: a wrong expectation is caught. */
static void test_cases_can_fail(void **state)
{
	struct tcase c = {.line = 1};

	(void)state;
	quiet = true;
	c.input = case_unescape("a\\n1\\n2\\n", &c.len);
	c.key[0] = strdup("rows");
	c.val[0] = strdup("3");
	c.n = 1;
	assert_int_equal(check_case("inline", &c), 1);
	free(c.val[0]);
	c.val[0] = strdup("2");
	assert_int_equal(check_case("inline", &c), 0);
	free(c.input);
	free(c.key[0]);
	free(c.val[0]);
	quiet = false;
}

/* --- type inference --------------------------------------------------------- */

static unsigned cls(const char *s)
{
	return lw_infer_classify(s, strlen(s));
}

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(cls(""), 0);
	assert_int_equal(cls("0"), LW_INFER_INT);
	assert_int_equal(cls("-17"), LW_INFER_INT);
	assert_int_equal(cls("+0042"), LW_INFER_INT);
	assert_int_equal(cls("1.5"), LW_INFER_DOUBLE);
	assert_int_equal(cls(".5"), LW_INFER_DOUBLE);
	assert_int_equal(cls("5."), LW_INFER_DOUBLE);
	assert_int_equal(cls("1e10"), LW_INFER_DOUBLE);
	assert_int_equal(cls("1e"), LW_INFER_STRING);
	assert_int_equal(cls("."), LW_INFER_STRING);
	assert_int_equal(cls("-"), LW_INFER_STRING);
	assert_int_equal(cls("1 "), LW_INFER_STRING);
	assert_int_equal(cls("99999999999999999999"), LW_INFER_DOUBLE);
	assert_int_equal(cls("True"), LW_INFER_BOOL);
	assert_int_equal(cls("false"), LW_INFER_BOOL);
	assert_int_equal(cls("yes"), LW_INFER_STRING);
	assert_int_equal(cls("2024-02-29"), LW_INFER_DATE);
	assert_int_equal(cls("2023-02-29"), LW_INFER_STRING);
	assert_int_equal(cls("2026-04-31"), LW_INFER_STRING);
	assert_int_equal(cls("2026-1-01"), LW_INFER_STRING);
	assert_int_equal(cls("2026-11-20T03:00:00Z"), LW_INFER_TIMESTAMP);
	assert_int_equal(cls("2026-11-20T03:00"), LW_INFER_TIMESTAMP);
	assert_int_equal(cls("2026-11-20 03:00:00.123456"), LW_INFER_TIMESTAMP);
	assert_int_equal(cls("2026-11-20T03:00:00-0530"), LW_INFER_TIMESTAMP);
	assert_int_equal(cls("2026-11-20T03:00:00+01"), LW_INFER_TIMESTAMP);
	assert_int_equal(cls("2026-11-20T24:00:00"), LW_INFER_STRING);
	assert_int_equal(cls("2026-11-20T03:00:00X"), LW_INFER_STRING);
	assert_int_equal(cls("2026-11-20T03:00:00."), LW_INFER_STRING);
	assert_int_equal(cls("2026-11-20x"), LW_INFER_STRING);
}

static void test_infer_type(void **state)
{
	(void)state;
	assert_int_equal(lw_infer_type(0), LW_T_STRING);
	assert_int_equal(lw_infer_type(LW_INFER_INT), LW_T_INT64);
	assert_int_equal(lw_infer_type(LW_INFER_INT | LW_INFER_DOUBLE),
			 LW_T_DOUBLE);
	assert_int_equal(lw_infer_type(LW_INFER_BOOL), LW_T_BOOLEAN);
	assert_int_equal(lw_infer_type(LW_INFER_BOOL | LW_INFER_INT),
			 LW_T_STRING);
	assert_int_equal(lw_infer_type(LW_INFER_DATE), LW_T_DATE);
	assert_int_equal(lw_infer_type(LW_INFER_DATE | LW_INFER_TIMESTAMP),
			 LW_T_TIMESTAMP);
	assert_int_equal(lw_infer_type(LW_INFER_DATE | LW_INFER_INT),
			 LW_T_STRING);
	assert_int_equal(lw_infer_type(LW_INFER_INT | LW_INFER_STRING),
			 LW_T_STRING);
}

/* --- the plug-in over an in-test lake ------------------------------------------ */

#include "dirlake.h"

static struct lw_lake *t_lake(size_t chunk)
{
	struct lw_lake *l = calloc(1, sizeof(*l));
	l->base.kind = &t_kind;
	snprintf(l->dir, sizeof(l->dir), "/tmp/lw_test_csv_XXXXXX");
	assert_non_null(mkdtemp(l->dir));
	l->chunk = chunk;
	return l;
}

static int64_t t_write(struct lw_lake *l, const char *name, const char *data,
		       size_t n)
{
	char full[512];
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", l->dir, name);
	f = fopen(full, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
	return (int64_t)n;
}

static void t_free(struct lw_lake *l, const char *name)
{
	char full[512];

	snprintf(full, sizeof(full), "%s/%s", l->dir, name);
	unlink(full);
	rmdir(l->dir);
	free(l);
}

static int probe(struct lw_lake *l, const char *name, int64_t size,
		 bool count, const void *opts, struct lw_file_obs *fo,
		 struct lw_err *err)
{
	struct lw_entry e = {(char *)name, size, 0};
	struct lw_file f = {l, &e, count};

	lw_file_obs_init(fo);
	lw_err_clear(err);
	return lw_format_csv.probe_file(&f, opts, fo, err);
}

/* A file of `rows` records well past the head, with a quoted newline in
 * every 7th record. */
static char *big_csv(int rows, size_t *n)
{
	struct lw_buf b;

	lw_buf_init(&b, 64 * LW_BUF_1M);
	assert_int_equal(lw_buf_adds(&b, "order_id,amount,paid,day,note\r\n"), LW_OK);
	for (int i = 0; i < rows; i++)
		assert_int_equal(lw_buf_addf(&b, "%d,%d.%02d,%s,2026-11-%02d,%s\r\n", i, i % 977,
			    i % 100, i % 3 ? "true" : "false", 1 + i % 28,
			    i % 7 ? "plain" : "\"two\nlines, \"\"quoted\"\"\""), LW_OK);
	*n = b.len;
	return lw_buf_steal(&b);
}

static void test_plugin_count(void **state)
{
	struct lw_lake *l = t_lake(4093);
	struct lw_file_obs fo;
	struct lw_err err;
	size_t n;
	char *data = big_csv(50000, &n);
	int64_t size = t_write(l, "big.csv", data, n);
	char sch[4096];

	(void)state;
	assert_true(size > 10 * LW_CSV_HEAD_BYTES);
	assert_int_equal(probe(l, "big.csv", size, true, NULL, &fo, &err),
			 LW_OK);
	assert_int_equal(fo.rows, 50000);
	assert_int_equal(fo.bytes_read, size);
	assert_true(fo.has_schema);
	schema_str(&fo.schema, fo.has_schema, sch, sizeof(sch));
	assert_string_equal(sch, "order_id:int64 amount:double paid:boolean "
			    "day:date note:string");
	assert_string_equal(fo.schema.cols[0].physical, "csv");
	lw_file_obs_free(&fo);

	/* schema only: the head, nothing more, and no row count */
	assert_int_equal(probe(l, "big.csv", size, false, NULL, &fo, &err),
			 LW_OK);
	assert_int_equal(fo.rows, -1);
	assert_int_equal(fo.bytes_read, LW_CSV_HEAD_BYTES);
	schema_str(&fo.schema, fo.has_schema, sch, sizeof(sch));
	assert_string_equal(sch, "order_id:int64 amount:double paid:boolean "
			    "day:date note:string");
	lw_file_obs_free(&fo);
	free(data);
	t_free(l, "big.csv");
}

static void test_plugin_errors(void **state)
{
	struct lw_lake *l = t_lake(65536);
	struct lw_file_obs fo;
	struct lw_err err;
	size_t n = 4 * 1024 * 1024;
	char *data = malloc(n);
	uint32_t x = 12345;
	int64_t size;

	(void)state;
	/* a big binary file: found in the head, streaming stops early */
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (char)(x >> 24 | 1);	/* no NUL: the sniffer decides */
	}
	size = t_write(l, "x.csv", data, n);
	assert_int_equal(probe(l, "x.csv", size, true, NULL, &fo, &err),
			 LW_EPARSE);
	assert_non_null(strstr(err.msg, "binary data at byte"));
	assert_non_null(strstr(err.msg, "not CSV"));
	assert_true(fo.bytes_read < size);
	lw_file_obs_free(&fo);

	/* unterminated quote at the very end of a streamed file */
	size = t_write(l, "x.csv", "a,b\n1,2\n3,\"oops\n4,5\n", 20);
	assert_int_equal(probe(l, "x.csv", size, true, NULL, &fo, &err),
			 LW_EPARSE);
	assert_string_equal(err.msg, "line 3: unterminated quote");
	lw_file_obs_free(&fo);

	/* the same file, head only: the whole file fits, so it is checked */
	assert_int_equal(probe(l, "x.csv", size, false, NULL, &fo, &err),
			 LW_EPARSE);
	lw_file_obs_free(&fo);

	/* a missing file is the lake's error */
	assert_int_equal(probe(l, "nope.csv", 10, true, NULL, &fo, &err),
			 LW_ENOTFOUND);
	lw_file_obs_free(&fo);
	free(data);
	t_free(l, "x.csv");
}

static void test_plugin_options(void **state)
{
	struct lw_cfgctx cc;
	void *opts = NULL;
	cJSON *j;
	struct lw_csv_opts *o;
	struct lw_lake *l = t_lake(3);
	struct lw_file_obs fo;
	struct lw_err err;
	int64_t size;
	char sch[256];

	(void)state;
	lw_cfgctx_init(&cc, "t.json", NULL);
	assert_int_equal(lw_format_csv.options(NULL, &opts, &cc), LW_OK);
	o = opts;
	assert_int_equal(o->delim, ',');
	assert_int_equal(o->quote, '"');
	assert_true(o->header);
	lw_format_csv.free_options(opts);

	j = cJSON_Parse("{\"delimiter\": \"tab\", \"header\": false, "
			"\"quote\": \"'\"}");
	assert_int_equal(lw_format_csv.options(j, &opts, &cc), LW_OK);
	o = opts;
	assert_int_equal(o->delim, '\t');
	assert_int_equal(o->quote, '\'');
	assert_false(o->header);
	assert_int_equal(cc.nerrors, 0);
	size = t_write(l, "t.tsv", "1\t'a\tb'\n2\tc\n", 12);
	assert_int_equal(probe(l, "t.tsv", size, true, opts, &fo, &err), LW_OK);
	assert_int_equal(fo.rows, 2);
	schema_str(&fo.schema, fo.has_schema, sch, sizeof(sch));
	assert_string_equal(sch, "column1:int64 column2:string");
	lw_file_obs_free(&fo);
	lw_format_csv.free_options(opts);
	cJSON_Delete(j);

	j = cJSON_Parse("{\"delimiter\": \"\\t\"}");
	assert_int_equal(lw_format_csv.options(j, &opts, &cc), LW_OK);
	assert_int_equal(((struct lw_csv_opts *)opts)->delim, '\t');
	lw_format_csv.free_options(opts);
	cJSON_Delete(j);

	j = cJSON_Parse("{\"delimter\": \";\"}");
	assert_int_equal(lw_format_csv.options(j, &opts, &cc), LW_ECONFIG);
	assert_int_equal(cc.nerrors, 1);
	assert_non_null(strstr(cc.errors.data, "delimter"));
	lw_format_csv.free_options(opts);
	cJSON_Delete(j);

	j = cJSON_Parse("{\"delimiter\": \";;\"}");
	assert_int_equal(lw_format_csv.options(j, &opts, &cc), LW_ECONFIG);
	lw_format_csv.free_options(opts);
	cJSON_Delete(j);

	j = cJSON_Parse("{\"delimiter\": \"'\", \"quote\": \"'\"}");
	assert_int_equal(lw_format_csv.options(j, &opts, &cc), LW_ECONFIG);
	lw_format_csv.free_options(opts);
	cJSON_Delete(j);

	j = cJSON_Parse("{\"header\": \"yes\"}");
	assert_int_equal(lw_format_csv.options(j, &opts, &cc), LW_ECONFIG);
	lw_format_csv.free_options(opts);
	cJSON_Delete(j);

	j = cJSON_Parse("[1]");
	assert_int_equal(lw_format_csv.options(j, &opts, &cc), LW_ECONFIG);
	lw_format_csv.free_options(opts);
	cJSON_Delete(j);
	lw_cfgctx_free(&cc);
	t_free(l, "t.tsv");
}

/* Header only, and counting straight across 1000s of chunk boundaries. */
static void test_scan_sizes(void **state)
{
	struct lw_csv_scan s;
	size_t n;
	char *data = big_csv(3000, &n);
	int64_t rows[4];
	size_t steps[4] = {1, 2, 7, 65536};

	(void)state;
	for (int k = 0; k < 4; k++) {
		lw_csv_scan_init(&s, NULL);
		for (size_t at = 0; at < n; at += steps[k])
			assert_int_equal(lw_csv_scan_feed(&s, data + at,
				at + steps[k] > n ? n - at : steps[k]), LW_OK);
		assert_int_equal(lw_csv_scan_finish(&s, true), LW_OK);
		rows[k] = lw_csv_scan_rows(&s);
		lw_csv_scan_free(&s);
	}
	assert_int_equal(rows[0], 3000);
	assert_int_equal(rows[1], 3000);
	assert_int_equal(rows[2], 3000);
	assert_int_equal(rows[3], 3000);
	free(data);

	/* header names are cut at LW_CSV_NAME_MAX, other cells are not */
	data = malloc(3000);
	memset(data, 'x', 3000);
	lw_csv_scan_init(&s, NULL);
	lw_csv_scan_feed(&s, data, 3000);
	lw_csv_scan_feed(&s, "\n1\n", 3);
	assert_int_equal(lw_csv_scan_finish(&s, true), LW_OK);
	{
		struct lw_schema sc;
		lw_schema_init(&sc);
		assert_true(lw_csv_scan_schema(&s, &sc));
		assert_int_equal(strlen(sc.cols[0].name), LW_CSV_NAME_MAX);
		assert_int_equal(sc.cols[0].type, LW_T_INT64);
		lw_schema_free(&sc);
	}
	lw_csv_scan_free(&s);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_cases_can_fail),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_infer_type),
		cmocka_unit_test(test_scan_sizes),
		cmocka_unit_test(test_plugin_count),
		cmocka_unit_test(test_plugin_errors),
		cmocka_unit_test(test_plugin_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
