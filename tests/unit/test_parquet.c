/* test_parquet.c - footers of every file in ../shared/testdata/parquet
 * against EXPECTED.tsv (what DuckDB reports), the schema mapping, the
 * probe_file plug-in through an in-test lake, and truncation at every byte.
 */
#include "unit.h"
#include <stdio.h>
#include <errno.h>
#include "lakewatch/parquet.h"
#include "lakewatch/thrift.h"
#include "lakewatch/format.h"
#include "lakewatch/util.h"

/* ---- a tiny lake over a local directory or a memory buffer ------------- */

struct lw_lake {
	struct lw_lake_base base;
	const char *dir;	/* files under dir, or: */
	const uint8_t *mem;	/* one file in memory */
	size_t memlen;
	int reads;		/* read() calls */
	int64_t max_off_seen;	/* smallest suffix seen (as -off) */
	int64_t bytes;		/* bytes handed out */
};

static int tl_read(struct lw_lake *l, const char *path, int64_t off,
		   int64_t len, struct lw_buf *out, struct lw_err *err)
{
	uint8_t *data = NULL;
	size_t n;
	char *full = NULL;
	l->reads++;
	if (l->mem) {
		data = (uint8_t *)l->mem;
		n = l->memlen;
	} else {
		full = lw_xasprintf("%s/%s", l->dir, path);
		FILE *f = fopen(full, "rb");
		free(full);
		if (!f)
			return lw_err_set(err, LW_ENOTFOUND, "%s: %s", path,
					  strerror(errno));
		fseek(f, 0, SEEK_END);
		n = (size_t)ftell(f);
		fseek(f, 0, SEEK_SET);
		data = malloc(n ? n : 1);
		if (fread(data, 1, n, f) != n) {
			fclose(f);
			free(data);
			return lw_err_set(err, LW_EIO, "short read");
		}
		fclose(f);
	}
	int64_t a = off < 0 ? (int64_t)n + off : off;
	if (a < 0)
		a = 0;
	if (off < 0 && -off > l->max_off_seen)
		l->max_off_seen = -off;
	int64_t b = len < 0 || off < 0 ? (int64_t)n : a + len;
	if (b > (int64_t)n)
		b = (int64_t)n;
	int rc = LW_OK;
	if (a < b) {
		rc = lw_buf_add(out, data + a, (size_t)(b - a));
		l->bytes += b - a;
	}
	if (!l->mem)
		free(data);
	if (rc)
		return lw_err_set(err, rc, "buffer limit");
	return LW_OK;
}

static const struct lw_lake_kind test_kind = {
	.name = "test", .read = tl_read,
};

static void tl_init(struct lw_lake *l, const char *dir)
{
	memset(l, 0, sizeof *l);
	l->base.kind = &test_kind;
	l->dir = dir;
}

static char *pq_dir(void)
{
	return lw_xasprintf("%s/parquet", lw_testdata());
}

/* ---- EXPECTED.tsv ------------------------------------------------------ */

static void test_expected_tsv(void **state)
{
	(void)state;
	char *dir = pq_dir();
	char *tsv = lw_xasprintf("%s/EXPECTED.tsv", dir);
	FILE *f = fopen(tsv, "r");
	assert_non_null(f);
	char line[4096];
	int files = 0, errors = 0;
	assert_non_null(fgets(line, sizeof line, f));	/* header */
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		char *fld[6] = {0};
		char *p = line;
		for (int i = 0; i < 6; i++) {
			fld[i] = p;
			char *tab = p ? strchr(p, '\t') : NULL;
			if (tab) {
				*tab = 0;
				p = tab + 1;
			} else {
				p = NULL;
			}
		}
		if (!fld[0] || !fld[0][0])
			continue;
		files++;
		struct lw_lake lake;
		tl_init(&lake, dir);
		struct lw_parquet_meta m;
		struct lw_err err = {0};
		int64_t cost;
		int rc = lw_parquet_read_meta(&lake, fld[0], -1, &m, &cost,
					      &err);
		bool want_err = !strcmp(fld[1], "error");
		/* DuckDB refuses two readable footers for reasons that are
		 * not about the footer (see README): we must read them. */
		bool readable = !strcmp(fld[0], "map_no_value.parquet") ||
			!strcmp(fld[0],
			"encrypt_columns_plaintext_footer.parquet.encrypted");
		if (want_err && !readable) {
			if (rc == LW_OK)
				fail_msg("%s: expected an error", fld[0]);
			if (strstr(fld[5], "encrypted") &&
			    !strstr(err.msg, "encrypted footer"))
				fail_msg("%s: message '%s'", fld[0], err.msg);
			assert_int_equal(rc, LW_EUNSUPPORTED);
			errors++;
			continue;
		}
		if (rc != LW_OK)
			fail_msg("%s: %s", fld[0], err.msg);
		if (!want_err) {
			if (m.num_rows != atoll(fld[1]) ||
			    (long long)m.nrgs != atoll(fld[2]) ||
			    (long long)m.nschema != atoll(fld[3]) ||
			    (long long)lw_parquet_leaf_count(&m) !=
			    atoll(fld[4]))
				fail_msg("%s: rows %lld rgs %zu schema %zu "
					 "leaves %zu; want %s %s %s %s", fld[0],
					 (long long)m.num_rows, m.nrgs,
					 m.nschema, lw_parquet_leaf_count(&m),
					 fld[1], fld[2], fld[3], fld[4]);
			const char *cb = m.created_by ? m.created_by : "";
			if (strcmp(cb, fld[5] ? fld[5] : ""))
				fail_msg("%s: created_by '%s' want '%s'",
					 fld[0], cb, fld[5]);
		} else {
			assert_true(m.nschema > 1);
		}
		/* Reading the footer never reads the whole of a big file. */
		assert_true(lake.max_off_seen <= LW_PQ_TAIL ||
			    lake.reads == 2);
		assert_true(cost == lake.bytes);
		/* Every file's schema maps to columns. */
		struct lw_schema s;
		lw_schema_init(&s);
		assert_int_equal(lw_parquet_schema(&m, &s, &err), LW_OK);
		assert_int_equal(s.n, (size_t)m.schema[0].num_children);
		lw_schema_free(&s);
		lw_parquet_meta_free(&m);
	}
	fclose(f);
	assert_true(files >= 60);
	assert_true(errors >= 6);
	free(tsv);
	free(dir);
}

/* ---- schema mapping ---------------------------------------------------- */

static struct lw_schema schema_of(const char *file)
{
	char *dir = pq_dir();
	struct lw_lake lake;
	struct lw_parquet_meta m;
	struct lw_err err = {0};
	struct lw_schema s;
	tl_init(&lake, dir);
	lw_schema_init(&s);
	if (lw_parquet_read_meta(&lake, file, -1, &m, NULL, &err))
		fail_msg("%s: %s", file, err.msg);
	assert_int_equal(lw_parquet_schema(&m, &s, &err), LW_OK);
	lw_parquet_meta_free(&m);
	free(dir);
	return s;
}

static void expect_col(const struct lw_schema *s, const char *name,
		       enum lw_type t, const char *physical)
{
	const struct lw_column *c = lw_schema_find(s, name);
	if (!c)
		fail_msg("no column %s", name);
	if (c->type != t)
		fail_msg("%s: type %d want %d (%s)", name, c->type, t,
			 c->physical);
	if (physical && strcmp(c->physical, physical))
		fail_msg("%s: physical %s want %s", name, c->physical,
			 physical);
}

static void test_schema_types(void **state)
{
	(void)state;
	struct lw_schema s = schema_of("alltypes_plain.parquet");
	assert_int_equal(s.n, 11);
	expect_col(&s, "id", LW_T_INT32, "INT32");
	expect_col(&s, "bool_col", LW_T_BOOLEAN, "BOOLEAN");
	expect_col(&s, "bigint_col", LW_T_INT64, "INT64");
	expect_col(&s, "float_col", LW_T_FLOAT, "FLOAT");
	expect_col(&s, "double_col", LW_T_DOUBLE, "DOUBLE");
	expect_col(&s, "timestamp_col", LW_T_TIMESTAMP, "INT96");
	expect_col(&s, "string_col", LW_T_BINARY, "BYTE_ARRAY");
	assert_true(lw_schema_find(&s, "id")->nullable);
	lw_schema_free(&s);

	s = schema_of("int32_decimal.parquet");
	expect_col(&s, "value", LW_T_DECIMAL, "INT32/DECIMAL(4,2)");
	assert_int_equal(s.cols[0].precision, 4);
	assert_int_equal(s.cols[0].scale, 2);
	lw_schema_free(&s);

	s = schema_of("fixed_length_decimal.parquet");
	expect_col(&s, "value", LW_T_DECIMAL, NULL);
	assert_int_equal(s.cols[0].precision, 25);
	lw_schema_free(&s);

	s = schema_of("nested_maps.snappy.parquet");
	expect_col(&s, "a", LW_T_MAP, NULL);
	expect_col(&s, "b", LW_T_INT32, NULL);
	lw_schema_free(&s);

	s = schema_of("list_columns.parquet");
	expect_col(&s, "int64_list", LW_T_LIST, "group/LIST");
	expect_col(&s, "utf8_list", LW_T_LIST, NULL);
	lw_schema_free(&s);

	s = schema_of("nullable.impala.parquet");
	expect_col(&s, "nested_struct", LW_T_STRUCT, "group");
	expect_col(&s, "int_map", LW_T_MAP, NULL);
	lw_schema_free(&s);

	s = schema_of("int96_from_spark.parquet");
	expect_col(&s, "a", LW_T_TIMESTAMP, "INT96");
	lw_schema_free(&s);

	s = schema_of("byte_array_decimal.parquet");
	expect_col(&s, "value", LW_T_DECIMAL, NULL);
	lw_schema_free(&s);

	s = schema_of("repeated_primitive_no_list.parquet");
	expect_col(&s, "Int32_list", LW_T_LIST, NULL);
	lw_schema_free(&s);

	s = schema_of("binary.parquet");
	expect_col(&s, "foo", LW_T_BINARY, NULL);
	lw_schema_free(&s);
}

/* A timestamp with a logical type: the spelling the brief promises. */
static void test_schema_logical(void **state)
{
	(void)state;
	struct lw_schema s = schema_of("data_index_bloom_encoding_stats"
				       ".parquet");
	expect_col(&s, "String", LW_T_STRING, NULL);
	lw_schema_free(&s);
	s = schema_of("column_chunk_key_value_metadata.parquet");
	assert_int_equal(s.n, 2);
	lw_schema_free(&s);
}

/* ---- probe_file -------------------------------------------------------- */

static void test_probe_file(void **state)
{
	(void)state;
	char *dir = pq_dir();
	struct lw_lake lake;
	struct lw_entry e = { .path = "alltypes_tiny_pages.parquet",
			      .size = -1, .mtime = 0 };
	char *full = lw_xasprintf("%s/%s", dir, e.path);
	FILE *fp = fopen(full, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	e.size = ftell(fp);
	fclose(fp);
	free(full);

	tl_init(&lake, dir);
	struct lw_file f = { .lake = &lake, .entry = &e, .count_rows = true };
	struct lw_file_obs fo;
	memset(&fo, 0, sizeof fo);
	fo.rows = -1;
	lw_schema_init(&fo.schema);
	struct lw_err err = {0};
	assert_int_equal(lw_format_parquet.probe_file(&f, NULL, &fo, &err),
			 LW_OK);
	assert_int_equal(fo.rows, 7300);
	assert_true(fo.has_schema);
	assert_int_equal(fo.schema.n, 13);
	/* Only the tail was read: one request, at most LW_PQ_TAIL bytes. */
	assert_int_equal(lake.reads, 1);
	assert_true(fo.bytes_read <= LW_PQ_TAIL);
	assert_true(fo.bytes_read < e.size);
	assert_int_equal(fo.bytes_read, lake.bytes);
	cJSON *rg = cJSON_GetObjectItem(fo.detail, "row_groups");
	assert_non_null(rg);
	assert_int_equal((int)rg->valuedouble, 1);
	cJSON *cb = cJSON_GetObjectItem(fo.detail, "created_by");
	assert_non_null(cb);
	assert_true(lw_str_starts(cb->valuestring, "parquet-mr version"));
	assert_true(fo.parquet.present);
	assert_int_equal(fo.parquet.row_groups, 1);
	assert_string_equal(fo.parquet.created_by, cb->valuestring);
	lw_file_obs_free(&fo);
	assert_string_equal(lw_format_parquet.name, "parquet");
	assert_string_equal(lw_format_parquet.default_include, "\\.parquet$");
	assert_int_equal(lw_format_parquet.tail_hint, 65536);

	/* Errors name the file. */
	struct lw_entry e2 = { .path = "encrypt_columns_and_footer.parquet"
			       ".encrypted", .size = -1 };
	f.entry = &e2;
	memset(&fo, 0, sizeof fo);
	lw_schema_init(&fo.schema);
	assert_int_equal(lw_format_parquet.probe_file(&f, NULL, &fo, &err),
			 LW_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, e2.path));
	assert_non_null(strstr(err.msg, "encrypted footer"));
	lw_schema_free(&fo.schema);
	cJSON_Delete(fo.detail);
	free(dir);
}

/* A footer bigger than the first suffix read needs exactly one more. */
static void test_big_footer(void **state)
{
	(void)state;
	/* A file: PAR1, then a FileMetaData with a 100 KB created_by. */
	size_t cb = 100000;
	struct lw_buf b;
	lw_buf_init(&b, 1 << 20);
	assert_int_equal(lw_buf_add(&b, "PAR1", 4), LW_OK);
	size_t start = b.len;
	/* field 1 version i32 = 1 */
	assert_int_equal(lw_buf_addc(&b, 0x15), LW_OK); assert_int_equal(lw_buf_addc(&b, 2), LW_OK);
	/* field 2 schema: list of 1 struct {4: name "r"} */
	assert_int_equal(lw_buf_addc(&b, 0x19), LW_OK); assert_int_equal(lw_buf_addc(&b, 0x1c), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 0x48), LW_OK); assert_int_equal(lw_buf_addc(&b, 1), LW_OK); assert_int_equal(lw_buf_addc(&b, 'r'), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 0), LW_OK);
	/* field 3 num_rows i64 = 42 (zigzag 84) */
	assert_int_equal(lw_buf_addc(&b, 0x16), LW_OK); assert_int_equal(lw_buf_addc(&b, 84), LW_OK);
	/* field 6 created_by: delta 3, binary */
	assert_int_equal(lw_buf_addc(&b, 0x38), LW_OK);
	assert_int_equal(lw_buf_addc(&b, (char)(0x80 | (cb & 0x7f))), LW_OK);
	assert_int_equal(lw_buf_addc(&b, (char)(0x80 | ((cb >> 7) & 0x7f))), LW_OK);
	assert_int_equal(lw_buf_addc(&b, (char)(cb >> 14)), LW_OK);
	for (size_t i = 0; i < cb; i++)
		assert_int_equal(lw_buf_addc(&b, 'x'), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 0), LW_OK);
	uint32_t flen = (uint32_t)(b.len - start);
	uint8_t le[4] = { flen, flen >> 8, flen >> 16, flen >> 24 };
	assert_int_equal(lw_buf_add(&b, le, 4), LW_OK);
	assert_int_equal(lw_buf_add(&b, "PAR1", 4), LW_OK);

	struct lw_lake lake;
	tl_init(&lake, NULL);
	lake.mem = (const uint8_t *)b.data;
	lake.memlen = b.len;
	struct lw_parquet_meta m;
	struct lw_err err = {0};
	int64_t cost;
	int rc = lw_parquet_read_meta(&lake, "big.parquet", (int64_t)b.len,
				      &m, &cost, &err);
	if (rc)
		fail_msg("%s", err.msg);
	assert_int_equal(lake.reads, 2);
	assert_int_equal(m.num_rows, 42);
	assert_int_equal(strlen(m.created_by), cb);
	assert_int_equal(m.nschema, 1);
	lw_parquet_meta_free(&m);
	lw_buf_free(&b);
}

/* FileMetaData bytes: a one-element schema, then `rgs` row groups of
 * `cols` empty ColumnChunks (one byte each in the footer). */
static void empty_chunks_footer(struct lw_buf *b, int rgs, uint32_t cols)
{
	assert_int_equal(lw_buf_addc(b, 0x29), LW_OK); assert_int_equal(lw_buf_addc(b, 0x1c), LW_OK);	/* 2: schema, 1 */
	assert_int_equal(lw_buf_addc(b, 0x48), LW_OK); assert_int_equal(lw_buf_addc(b, 1), LW_OK); assert_int_equal(lw_buf_addc(b, 'r'), LW_OK);
	assert_int_equal(lw_buf_addc(b, 0), LW_OK);
	assert_int_equal(lw_buf_addc(b, 0x29), LW_OK);				/* 4: row_groups */
	assert_int_equal(lw_buf_addc(b, (char)(rgs << 4 | 0x0c)), LW_OK);
	for (int g = 0; g < rgs; g++) {
		assert_int_equal(lw_buf_addc(b, 0x19), LW_OK); assert_int_equal(lw_buf_addc(b, (char)0xfc), LW_OK); /* 1: cols */
		for (uint32_t v = cols; ; v >>= 7) {
			assert_int_equal(lw_buf_addc(b, (char)(v > 0x7f ? 0x80 | (v & 0x7f) : v)), LW_OK);
			if (v <= 0x7f)
				break;
		}
		for (uint32_t i = 0; i < cols; i++)
			assert_int_equal(lw_buf_addc(b, 0), LW_OK);	/* an empty struct */
		assert_int_equal(lw_buf_addc(b, 0), LW_OK);		/* end of the row group */
	}
	assert_int_equal(lw_buf_addc(b, 0), LW_OK);
}

/* A footer whose decoded form would dwarf it: each empty ColumnChunk is
 * one byte in the file and a 100-byte struct in memory. Refused once it
 * passes the budget (8x the footer, at least 16 MB), not allocated. */
static void test_footer_budget(void **state)
{
	(void)state;
	struct lw_buf b;
	struct lw_parquet_meta m;
	struct lw_err err = {0};
	lw_buf_init(&b, 4 << 20);
	empty_chunks_footer(&b, 1, 1000);	/* small: fine */
	assert_int_equal(lw_parquet_meta_parse(b.data, b.len, &m, &err),
			 LW_OK);
	assert_int_equal(m.nrgs, 1);
	assert_int_equal(m.rgs[0].ncols, 1000);
	lw_parquet_meta_free(&m);
	lw_buf_reset(&b);
	empty_chunks_footer(&b, 3, 100000);	/* 300 KB -> 30 MB */
	assert_int_equal(lw_parquet_meta_parse(b.data, b.len, &m, &err),
			 LW_ETOOBIG);
	assert_non_null(strstr(err.msg, "more than 16 MiB of memory"));
	assert_null(m.rgs);
	lw_buf_free(&b);
}

/* Cut a small file at every length: always an error, never a crash. */
static void test_truncation(void **state)
{
	(void)state;
	char *path = lw_xasprintf("%s/parquet/alltypes_plain.snappy.parquet",
				  lw_testdata());
	char *data;
	size_t n;
	struct lw_err err = {0};
	assert_int_equal(lw_read_file(path, 1 << 20, &data, &n, &err), LW_OK);
	assert_true(n > 100);
	for (size_t cut = 0; cut < n; cut++) {
		struct lw_lake lake;
		tl_init(&lake, NULL);
		lake.mem = (const uint8_t *)data;
		lake.memlen = cut;
		struct lw_parquet_meta m;
		int rc = lw_parquet_read_meta(&lake, "t.parquet", -1, &m, NULL,
					      &err);
		if (rc == LW_OK)
			fail_msg("cut at %zu of %zu read fine", cut, n);
		assert_true(err.msg[0] != 0);
	}
	/* A file cut from the front keeps its tail: with the true size
	 * known, the footer length no longer fits. */
	for (size_t cut = 1; cut < n; cut += 7) {
		struct lw_lake lake;
		tl_init(&lake, NULL);
		lake.mem = (const uint8_t *)data + cut;
		lake.memlen = n - cut;
		struct lw_parquet_meta m;
		int rc = lw_parquet_read_meta(&lake, "t.parquet", -1, &m, NULL,
					      &err);
		if (rc == LW_OK) {
			/* Only possible while the footer is intact and
			 * the start magic check does not apply. */
			lw_parquet_meta_free(&m);
			fail_msg("front cut %zu read fine", cut);
		}
	}
	/* Every single-byte corruption of the footer: no crash. */
	for (size_t i = n > 600 ? n - 600 : 0; i < n; i++) {
		char save = data[i];
		for (int v = 0; v < 256; v += 51) {
			data[i] = (char)v;
			struct lw_parquet_meta m;
			if (!lw_parquet_meta_parse(data, n, &m, &err))
				lw_parquet_meta_free(&m);
		}
		data[i] = save;
	}
	free(data);
	free(path);
}

static void test_thrift(void **state)
{
	(void)state;
	struct lw_thrift t;
	struct lw_err err = {0};
	uint64_t v;
	/* A 10-byte varint that does not stop. */
	uint8_t bad[11];
	memset(bad, 0xff, sizeof bad);
	lw_thrift_init(&t, bad, sizeof bad, "x", &err);
	assert_int_equal(lw_thrift_varint(&t, &v), LW_EPARSE);
	/* zigzag: 3 -> -2, 4 -> 2 */
	uint8_t z[] = { 3, 4, 0xac, 0x02 };
	int32_t i;
	lw_thrift_init(&t, z, sizeof z, "x", &err);
	assert_int_equal(lw_thrift_i32(&t, &i), LW_OK);
	assert_int_equal(i, -2);
	assert_int_equal(lw_thrift_i32(&t, &i), LW_OK);
	assert_int_equal(i, 2);
	assert_int_equal(lw_thrift_varint(&t, &v), LW_OK);
	assert_int_equal(v, 300);
	assert_int_equal(lw_thrift_varint(&t, &v), LW_EPARSE);
	/* A list claiming more elements than bytes. */
	uint8_t l[] = { 0xf5, 0x80, 0x80, 0x04 };
	int et;
	uint32_t cnt;
	lw_thrift_init(&t, l, sizeof l, "x", &err);
	assert_int_equal(lw_thrift_list_begin(&t, &et, &cnt), LW_EPARSE);
	/* Nesting without end: struct field in struct field... */
	uint8_t deep[200];
	memset(deep, 0x1c, sizeof deep);
	lw_thrift_init(&t, deep, sizeof deep, "x", &err);
	assert_int_equal(lw_thrift_skip(&t, LW_TT_STRUCT), LW_EPARSE);
	assert_non_null(strstr(err.msg, "deep"));
	/* Skipping unknown fields of every kind: {1: true, 2: i32 5,
	 * 3: binary "ab", 4: list<i32> [1,2], 5: map<i32,binary> {1:"c"},
	 * 6: double, 7: struct {}, 20 (long form): byte} then stop. */
	uint8_t s[] = { 0x11, 0x15, 10, 0x18, 2, 'a', 'b', 0x19, 0x25, 2, 4,
			0x1b, 1, 0x58, 2, 1, 'c', 0x17, 0, 0, 0, 0, 0, 0,
			0xf0, 0x3f, 0x1c, 0, 0x03, 40, 7, 0, 0xff };
	lw_thrift_init(&t, s, sizeof s, "x", &err);
	assert_int_equal(lw_thrift_skip(&t, LW_TT_STRUCT), LW_OK);
	assert_int_equal(lw_thrift_pos(&t), sizeof s - 1);
	for (size_t k = 0; k + 1 < sizeof s; k++) {
		lw_thrift_init(&t, s, k, "x", &err);
		assert_int_not_equal(lw_thrift_skip(&t, LW_TT_STRUCT), LW_OK);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thrift),
		cmocka_unit_test(test_expected_tsv),
		cmocka_unit_test(test_schema_types),
		cmocka_unit_test(test_schema_logical),
		cmocka_unit_test(test_probe_file),
		cmocka_unit_test(test_big_footer),
		cmocka_unit_test(test_footer_budget),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
