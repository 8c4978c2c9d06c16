/* test_jsonl.c - the JSON Lines scanner (data-driven cases in
 * tests/formats/jsonl.test, each also fed in every chunking) and the
 * plug-in over a small in-test lake. */
#include "unit.h"
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
#include "lakewatch/jsonl.h"
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
		const struct lw_column *c = &sc->cols[i];
		char tb[64];
		len += (size_t)snprintf(buf + len, n - len, "%s%s:%s%s%s",
			i ? " " : "", c->name, lw_type_fmt(c, tb, sizeof(tb)),
			c->nullable ? "?" : "",
			c->physical && strcmp(c->physical, "mixed") == 0 ?
			"(mixed)" : "");
	}
}

static void run(const struct tcase *c, const size_t *cuts, size_t ncuts,
		struct outcome *out)
{
	struct lw_jsonl_scan s;
	struct lw_schema sc;
	const char *v;
	size_t at = 0;
	bool has;

	lw_jsonl_scan_init(&s);
	if ((v = case_get(c, "head")))
		s.head_bytes = atoll(v);
	if ((v = case_get(c, "sample")))
		s.sample_rows = atoll(v);
	if ((v = case_get(c, "maxline")))
		s.max_line = (size_t)atoll(v);
	for (size_t i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : c->len;
		lw_jsonl_scan_feed(&s, c->input + at, to - at);
		at = to;
	}
	memset(out, 0, sizeof(*out));
	out->rc = lw_jsonl_scan_finish(&s, !case_get(c, "cut"));
	snprintf(out->msg, sizeof(out->msg), "%s", out->rc ? s.err.msg : "");
	out->rows = lw_jsonl_scan_rows(&s);
	lw_schema_init(&sc);
	has = lw_jsonl_scan_schema(&s, &sc);
	schema_str(&sc, has, out->schema, sizeof(out->schema));
	lw_schema_free(&sc);
	lw_jsonl_scan_free(&s);
}

static int check_case(const char *file, const struct tcase *c)
{
	return check_case_with(run, file, c);
}

static void test_cases(void **state)
{
	const char *file = "tests/formats/jsonl.test";
	size_t n;
	struct tcase *cs = cases_load(file, &n);
	int bad = 0;

	(void)state;
	assert_non_null(cs);
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++)
		bad += check_case(file, &cs[i]);
	cases_free(cs, n);
	assert_int_equal(bad, 0);
}

static void test_cases_can_fail(void **state)
{
	struct tcase c = {.line = 1};

	(void)state;
	quiet = true;
	c.input = case_unescape("{\"a\":1}\\n", &c.len);
	c.key[0] = strdup("schema");
	c.val[0] = strdup("a:double");
	c.n = 1;
	assert_int_equal(check_case("inline", &c), 1);
	free(c.val[0]);
	c.val[0] = strdup("a:int64");
	assert_int_equal(check_case("inline", &c), 0);
	free(c.input);
	free(c.key[0]);
	free(c.val[0]);
	quiet = false;
}

/* The default 16 MiB limit, spelled in MiB, and lines that are exactly
 * at the limit. */
static void test_long_line(void **state)
{
	struct lw_jsonl_scan s;
	size_t n = LW_JSONL_MAX_LINE + 10;
	char *big = malloc(n);

	(void)state;
	memset(big, ' ', n);
	memcpy(big, "{\"a\":1}\n", 8);
	lw_jsonl_scan_init(&s);
	assert_int_equal(lw_jsonl_scan_feed(&s, big, n), LW_ETOOBIG);
	assert_string_equal(s.err.msg, "line 2 longer than 16 MiB");
	lw_jsonl_scan_free(&s);

	/* exactly max_line bytes before the LF is fine */
	lw_jsonl_scan_init(&s);
	s.max_line = 10;
	assert_int_equal(lw_jsonl_scan_feed(&s, "{\"a\":   1}\n", 11), LW_OK);
	assert_int_equal(lw_jsonl_scan_feed(&s, "{\"a\":    1}\n", 12),
			 LW_ETOOBIG);
	lw_jsonl_scan_free(&s);
	free(big);
}

/* --- the plug-in over an in-test lake ------------------------------------ */

#include "dirlake.h"

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

static int probe(struct lw_lake *l, const char *name, int64_t size,
		 bool count, struct lw_file_obs *fo, struct lw_err *err)
{
	struct lw_entry e = {(char *)name, size, 0};
	struct lw_file f = {l, &e, count};

	lw_file_obs_init(fo);
	lw_err_clear(err);
	return lw_format_jsonl.probe_file(&f, NULL, fo, err);
}

/* Invalid UTF-8 is found at its byte offset and line, in every chunking
 * (a line split across chunks included); valid multi-byte text, a BOM and
 * the strict forms' edges are not flagged. */
static void test_invalid_utf8(void **state)
{
	static const struct { const char *in; int64_t at, line; } cs[] = {
		{ "\xEF\xBB\xBF{\"a\":\"h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"}\n",
		  -1, -1 },
		{ "{\"a\":1}\n{\"a\":\"x\xFFy\"}\n", 15, 2 },
		{ "{\"a\":1}\n{\"a\":\"\xC3\"}\n", 14, 2 },	/* cut short */
		{ "{\"a\":\"\xC0\xAF\"}\n", 6, 1 },		/* overlong */
		{ "{\"a\":\"\xED\xA0\x80\"}\n", 6, 1 },	/* surrogate */
		{ "{\"a\":\"\xF4\x90\x80\x80\"}\n", 6, 1 },	/* > U+10FFFF */
		{ "{\"a\":1}\n{\"a\":\"\xFE\"}", 14, 2 },	/* last line, no LF */
	};
	(void)state;
	for (size_t i = 0; i < sizeof cs / sizeof *cs; i++) {
		size_t n = strlen(cs[i].in);
		for (size_t cut = 0; cut <= n; cut++) {
			struct lw_jsonl_scan sc;
			lw_jsonl_scan_init(&sc);
			lw_jsonl_scan_feed(&sc, cs[i].in, cut);
			lw_jsonl_scan_feed(&sc, cs[i].in + cut, n - cut);
			assert_int_equal(lw_jsonl_scan_finish(&sc, true), LW_OK);
			if (sc.bad_utf8_at != cs[i].at ||
			    sc.bad_utf8_line != cs[i].line)
				fail_msg("case %zu cut %zu: at %lld line %lld", i,
					 cut, (long long)sc.bad_utf8_at,
					 (long long)sc.bad_utf8_line);
			lw_jsonl_scan_free(&sc);
		}
	}
}

static void test_plugin(void **state)
{
	struct lw_lake l = {{&t_kind, NULL, NULL}, "", 4091, 0};
	struct lw_file_obs fo;
	struct lw_err err;
	struct lw_buf b;
	char sch[1024], full[512];
	int64_t size;

	(void)state;
	snprintf(l.dir, sizeof(l.dir), "/tmp/lw_test_jsonl_XXXXXX");
	assert_non_null(mkdtemp(l.dir));
	lw_buf_init(&b, 64 * LW_BUF_1M);
	for (int i = 0; i < 40000; i++)
		assert_int_equal(lw_buf_addf(&b, "{\"id\":%d,\"amount\":%d.5,\"tags\":[\"a\"],"
			    "\"who\":{\"n\":\"x\"},\"note\":%s}\n", i, i % 50,
			    i % 2 ? "null" : "\"hi\""), LW_OK);
	/* a late record with another type does not change the sampled schema
	 * but does count */
	assert_int_equal(lw_buf_adds(&b, "{\"id\":\"late\"}\n"), LW_OK);
	size = t_write(&l, "e.jsonl", b.data, b.len);

	assert_int_equal(probe(&l, "e.jsonl", size, true, &fo, &err), LW_OK);
	assert_int_equal(fo.rows, 40001);
	assert_int_equal(fo.bytes_read, size);
	schema_str(&fo.schema, fo.has_schema, sch, sizeof(sch));
	assert_string_equal(sch, "id:int64 amount:double tags:list "
			    "who:struct note:string?");
	assert_string_equal(fo.schema.cols[0].physical, "integer");
	lw_file_obs_free(&fo);

	assert_int_equal(probe(&l, "e.jsonl", size, false, &fo, &err), LW_OK);
	assert_int_equal(fo.rows, -1);
	assert_int_equal(fo.bytes_read, LW_JSONL_HEAD_BYTES);
	schema_str(&fo.schema, fo.has_schema, sch, sizeof(sch));
	assert_string_equal(sch, "id:int64 amount:double tags:list "
			    "who:struct note:string?");
	lw_file_obs_free(&fo);

	/* a bad line deep in the file: found by streaming, reading stops */
	lw_buf_reset(&b);
	for (int i = 0; i < 20000; i++)
		assert_int_equal(lw_buf_addf(&b, "{\"id\":%d}\n", i), LW_OK);
	assert_int_equal(lw_buf_adds(&b, "{\"id\":1,}\n"), LW_OK);
	for (int i = 0; i < 20000; i++)
		assert_int_equal(lw_buf_addf(&b, "{\"id\":%d}\n", i), LW_OK);
	size = t_write(&l, "e.jsonl", b.data, b.len);
	assert_int_equal(probe(&l, "e.jsonl", size, true, &fo, &err),
			 LW_EPARSE);
	assert_string_equal(err.msg, "line 20001, column 9: malformed JSON "
			    "at '}'");
	assert_true(fo.bytes_read < size);
	lw_file_obs_free(&fo);

	/* invalid UTF-8: the rows count, the file gets a warning naming the
	 * byte and the line */
	lw_buf_reset(&b);
	UNIT_OK(lw_buf_adds(&b, "{\"id\":1}\n{\"id\":2,\"n\":\"M\xFCller\"}\n{\"id\":3}\n"));
	size = t_write(&l, "e.jsonl", b.data, b.len);
	assert_int_equal(probe(&l, "e.jsonl", size, true, &fo, &err), LW_OK);
	assert_int_equal(fo.rows, 3);
	assert_non_null(fo.warning);
	assert_string_equal(fo.warning, "invalid UTF-8 at byte 23 (line 2)");
	lw_file_obs_free(&fo);

	/* missing file: the lake's error */
	assert_int_equal(probe(&l, "none.jsonl", 5, true, &fo, &err),
			 LW_ENOTFOUND);
	lw_file_obs_free(&fo);

	lw_buf_free(&b);
	snprintf(full, sizeof(full), "%s/e.jsonl", l.dir);
	unlink(full);
	rmdir(l.dir);
}

static void test_options(void **state)
{
	struct lw_cfgctx cc;
	void *opts = (void *)1;
	cJSON *j;

	(void)state;
	lw_cfgctx_init(&cc, "t.json", NULL);
	assert_int_equal(lw_format_jsonl.options(NULL, &opts, &cc), LW_OK);
	assert_null(opts);
	j = cJSON_Parse("{}");
	assert_int_equal(lw_format_jsonl.options(j, &opts, &cc), LW_OK);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"delimiter\": \",\"}");
	assert_int_equal(lw_format_jsonl.options(j, &opts, &cc), LW_ECONFIG);
	assert_non_null(strstr(cc.errors.data, "delimiter"));
	lw_format_jsonl.free_options(opts);
	cJSON_Delete(j);
	lw_cfgctx_free(&cc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_cases_can_fail),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_plugin),
		cmocka_unit_test(test_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
