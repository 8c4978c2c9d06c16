/* test_parquet_pages.c - the column reader against DuckDB.
 *
 * Expected values come from tests/fixtures/parquet/duck_rows.js, which
 * reads the same file with DuckDB (from node) at test time; the reader's
 * cells are compared with DuckDB's VARCHAR casts of the same columns.
 */
#include "unit.h"
#include <stdio.h>
#include <errno.h>
#include <math.h>
#include <glob.h>
#include <unistd.h>
#include <zlib.h>
#include "lakewatch/parquet.h"
#include "lakewatch/util.h"

/* ---- an in-test lake over local files ---------------------------------- */

struct lw_lake {
	struct lw_lake_base base;
	int reads;
	int64_t bytes;
};

static int tl_read(struct lw_lake *l, const char *path, int64_t off,
		   int64_t len, struct lw_buf *out, struct lw_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return lw_err_set(err, LW_ENOTFOUND, "%s: %s", path,
				  strerror(errno));
	fseek(f, 0, SEEK_END);
	int64_t n = ftell(f);
	int64_t a = off < 0 ? n + off : off;
	if (a < 0)
		a = 0;
	int64_t b = (len < 0 || off < 0) ? n : a + len;
	if (b > n)
		b = n;
	l->reads++;
	int rc = LW_OK;
	if (a < b) {
		size_t k = (size_t)(b - a);
		char *tmp = malloc(k);
		fseek(f, a, SEEK_SET);
		if (fread(tmp, 1, k, f) != k)
			rc = LW_EIO;
		else
			rc = lw_buf_add(out, tmp, k);
		l->bytes += (int64_t)k;
		free(tmp);
	}
	fclose(f);
	return rc ? lw_err_set(err, rc, "read failed") : LW_OK;
}

static const struct lw_lake_kind test_kind = { .name = "t",
					       .read = tl_read };

/* ---- DuckDB's view ----------------------------------------------------- */

/* Rows as DuckDB reads them, or NULL when node/DuckDB is not usable. */
static cJSON *duck_rows(const char *file, const char *const *exprs,
			size_t n)
{
	struct lw_buf cmd, out;
	lw_buf_init(&cmd, 1 << 16);
	lw_buf_init(&out, 64 << 20);
	assert_int_equal(lw_buf_addf(&cmd, "node tests/fixtures/parquet/duck_rows.js '%s'",
		    file), LW_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(lw_buf_addf(&cmd, " '%s'", exprs[i]), LW_OK);
	FILE *p = popen(cmd.data, "r");
	assert_non_null(p);
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, p)) > 0)
		assert_int_equal(lw_buf_add(&out, chunk, k), LW_OK);
	int st = pclose(p);
	if (st != 0)
		fail_msg("duck_rows.js failed (%d) for %s", st, file);
	cJSON *j = cJSON_Parse(out.data ? out.data : "");
	assert_non_null(j);
	lw_buf_free(&cmd);
	lw_buf_free(&out);
	return j;
}

#define DUCKDB "node node_modules/@duckdb/node-api"
static bool have_duckdb(void)
{
	return system("node -e \"require('./node_modules/@duckdb/node-api')\""
		      " >/dev/null 2>&1") == 0;
}

struct check {
	const char *file;
	cJSON *rows;
	const bool *hex;
	size_t row, ncells, nonnull, items;
};

static void hexs(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02X", p[i]);
	out[2 * n] = 0;
}

/* Compare one scalar cell with a JSON value (DuckDB's VARCHAR cast, or an
 * element of a to_json() list). */
static void cmp_scalar(const struct check *ck, size_t col,
		       const struct lw_pq_value *v, const cJSON *j)
{
	char num[64], *hx;
	const char *s = cJSON_IsString(j) ? j->valuestring : NULL;
	if (cJSON_IsNumber(j)) {
		snprintf(num, sizeof num, "%.17g", j->valuedouble);
		s = num;
	} else if (cJSON_IsBool(j)) {
		s = cJSON_IsTrue(j) ? "true" : "false";
	}
	if (cJSON_IsNull(j) || !j) {
		if (v->kind != LW_PQV_NULL)
			fail_msg("%s row %zu col %zu: want null, got kind %d",
				 ck->file, ck->row, col, v->kind);
		return;
	}
	if (!s)
		fail_msg("%s row %zu col %zu: odd JSON", ck->file, ck->row,
			 col);
	switch (v->kind) {
	case LW_PQV_NULL:
		fail_msg("%s row %zu col %zu: got null, want %s", ck->file,
			 ck->row, col, s);
		break;
	case LW_PQV_BOOL:
		assert_string_equal(v->v.b ? "true" : "false", s);
		break;
	case LW_PQV_INT32:
		assert_int_equal(v->v.i32, strtoll(s, NULL, 10));
		break;
	case LW_PQV_INT64:
		assert_int_equal(v->v.i64, strtoll(s, NULL, 10));
		break;
	case LW_PQV_FLOAT:
		if ((float)strtod(s, NULL) != v->v.f)
			fail_msg("%s row %zu: float %g want %s", ck->file,
				 ck->row, v->v.f, s);
		break;
	case LW_PQV_DOUBLE:
		if (fabs(strtod(s, NULL) - v->v.d) > 1e-9 * fabs(v->v.d))
			fail_msg("%s row %zu: double %g want %s", ck->file,
				 ck->row, v->v.d, s);
		break;
	case LW_PQV_BYTES:
		if (ck->hex && ck->hex[col]) {
			hx = malloc(2 * v->v.bytes.len + 1);
			hexs(v->v.bytes.p, v->v.bytes.len, hx);
			if (strcmp(hx, s))
				fail_msg("%s row %zu: %s want %s", ck->file,
					 ck->row, hx, s);
			free(hx);
		} else if (strlen(s) != v->v.bytes.len ||
			   memcmp(s, v->v.bytes.p, v->v.bytes.len)) {
			fail_msg("%s row %zu col %zu: '%.*s' want '%s'",
				 ck->file, ck->row, col,
				 (int)v->v.bytes.len, v->v.bytes.p, s);
		}
		break;
	default:
		fail_msg("unexpected kind %d", v->kind);
	}
}

static int check_row(void *ud, const struct lw_pq_value *cells, size_t n)
{
	struct check *ck = ud;
	cJSON *row = cJSON_GetArrayItem(ck->rows, (int)ck->row);
	if (!row)
		fail_msg("%s: more rows than DuckDB's %d", ck->file,
			 cJSON_GetArraySize(ck->rows));
	assert_int_equal(n, ck->ncells);
	for (size_t c = 0; c < n; c++) {
		cJSON *j = cJSON_GetArrayItem(row, (int)c);
		const struct lw_pq_value *v = &cells[c];
		if (v->kind != LW_PQV_NULL)
			ck->nonnull++;
		if (v->kind != LW_PQV_LIST) {
			cmp_scalar(ck, c, v, j);
			continue;
		}
		/* A list: DuckDB gives to_json() text. */
		if (!cJSON_IsString(j))
			fail_msg("%s row %zu col %zu: got a list, want null",
				 ck->file, ck->row, c);
		cJSON *arr = cJSON_Parse(j->valuestring);
		assert_non_null(arr);
		if ((size_t)cJSON_GetArraySize(arr) != v->v.list.n)
			fail_msg("%s row %zu col %zu: %zu items, want %s",
				 ck->file, ck->row, c, v->v.list.n,
				 j->valuestring);
		for (size_t i = 0; i < v->v.list.n; i++)
			cmp_scalar(ck, c, &v->v.list.items[i],
				   cJSON_GetArrayItem(arr, (int)i));
		ck->items += v->v.list.n;
		cJSON_Delete(arr);
	}
	ck->row++;
	return LW_OK;
}

/* Read cols of file with lakewatch and compare with DuckDB's exprs over
 * ref, a file holding the same rows (DuckDB does not read every codec),
 * or over file itself when ref is NULL. */
static struct check compare_ref(const char *file, const char *ref,
				const char *const *cols,
				const char *const *exprs, const bool *hex,
				size_t n)
{
	struct lw_lake lake = { .base = { .kind = &test_kind } };
	struct lw_err err = {0};
	struct check ck = { .file = file, .hex = hex, .ncells = n };
	ck.rows = duck_rows(ref ? ref : file, exprs, n);
	int rc = lw_parquet_read_columns(&lake, file, NULL, cols, n,
					 check_row, &ck, &err);
	if (rc)
		fail_msg("%s: %s", file, err.msg);
	if (ck.row != (size_t)cJSON_GetArraySize(ck.rows))
		fail_msg("%s: %zu rows, DuckDB %d", file, ck.row,
			 cJSON_GetArraySize(ck.rows));
	cJSON_Delete(ck.rows);
	ck.rows = NULL;
	return ck;
}

static struct check compare(const char *file, const char *const *cols,
			    const char *const *exprs, const bool *hex,
			    size_t n)
{
	return compare_ref(file, NULL, cols, exprs, hex, n);
}

static char *tp(const char *name)
{
	return lw_xasprintf("%s/parquet/%s", lw_testdata(), name);
}

/* ---- cases ------------------------------------------------------------- */

static void test_alltypes(void **state)
{
	(void)state;
	if (!have_duckdb())
		lw_skip_needs(DUCKDB);
	static const char *const cols[] = {
		"id", "bool_col", "tinyint_col", "smallint_col", "int_col",
		"bigint_col", "float_col", "double_col", "date_string_col",
		"string_col", "no_such_column"
	};
	static const char *const exprs[] = {
		"id", "bool_col", "tinyint_col", "smallint_col", "int_col",
		"bigint_col", "float_col", "double_col", "hex(date_string_col)",
		"hex(string_col)", "NULL"
	};
	static const bool hex[] = { [8] = true, [9] = true };
	/* PLAIN (plain), dictionaries (dictionary), snappy (snappy). */
	const char *files[] = { "alltypes_plain.parquet",
				"alltypes_dictionary.parquet",
				"alltypes_plain.snappy.parquet" };
	for (size_t i = 0; i < 3; i++) {
		char *f = tp(files[i]);
		struct check ck = compare(f, cols, exprs, hex, 11);
		assert_true(ck.row >= 2);
		assert_int_equal(ck.nonnull, ck.row * 10);
		free(f);
	}
}

static void test_v2_and_lists(void **state)
{
	(void)state;
	if (!have_duckdb())
		lw_skip_needs(DUCKDB);
	/* Data page v2, snappy, RLE booleans, a list with nulls. */
	static const char *const c1[] = { "a", "c", "d", "e" };
	static const char *const e1[] = { "a", "c", "d", "to_json(e)" };
	char *f = tp("datapage_v2.snappy.parquet");
	struct check ck = compare(f, c1, e1, NULL, 4);
	assert_int_equal(ck.row, 5);
	assert_true(ck.items >= 5);
	free(f);

	/* Lists through the full path too. */
	static const char *const c2[] = { "int64_list", "utf8_list.list.item" };
	static const char *const e2[] = { "to_json(int64_list)",
					  "to_json(utf8_list)" };
	f = tp("list_columns.parquet");
	ck = compare(f, c2, e2, NULL, 2);
	assert_int_equal(ck.row, 3);
	assert_true(ck.items > 3);
	free(f);

	/* Repeated primitives without a LIST annotation. */
	static const char *const c3[] = {
		"Int32_list", "String_list", "group_of_lists.Int32_list_in_group"
	};
	static const char *const e3[] = {
		"to_json(Int32_list)", "to_json(String_list)",
		"to_json(group_of_lists.Int32_list_in_group)"
	};
	f = tp("repeated_primitive_no_list.parquet");
	ck = compare(f, c3, e3, NULL, 3);
	assert_int_equal(ck.row, 4);
	free(f);

	/* An empty list. */
	static const char *const c4[] = { "emptylist" };
	static const char *const e4[] = { "to_json(emptylist)" };
	f = tp("null_list.parquet");
	ck = compare(f, c4, e4, NULL, 1);
	assert_int_equal(ck.row, 1);
	free(f);
}

static void test_codecs_and_nulls(void **state)
{
	(void)state;
	if (!have_duckdb())
		lw_skip_needs(DUCKDB);
	struct {
		const char *file, *col, *expr;
		size_t rows;
	} cases[] = {
		{ "nulls.snappy.parquet", "b_struct.b_c_int",
		  "b_struct.b_c_int", 8 },
		{ "concatenated_gzip_members.parquet", "long_col", "long_col",
		  513 },
		{ "rle_boolean_encoding.parquet", "datatype_boolean",
		  "datatype_boolean", 68 },
		{ "page_v2_empty_compressed.parquet", "integer_column",
		  "integer_column", 10 },
		{ "datapage_v2_empty_datapage.snappy.parquet", "value",
		  "value", 1 },
		{ "int32_with_null_pages.parquet", "int32_field",
		  "int32_field", 1000 },
		{ "rle-dict-snappy-checksum.parquet", "binary_field",
		  "hex(binary_field)", 1000 },
		{ "plain-dict-uncompressed-checksum.parquet", "long_field",
		  "long_field", 1000 },
		{ "dict-page-offset-zero.parquet", "l_partkey", "l_partkey",
		  39 },
		{ "fixed_length_decimal.parquet", "value",
		  "hex(to_binary(value))", 24 },
		{ "int96_from_spark.parquet", "a", "NULL", 0 },
		{ "alltypes_tiny_pages.parquet", "string_col", "string_col",
		  7300 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *f = tp(cases[i].file);
		bool hex[1] = { !strncmp(cases[i].expr, "hex(", 4) };
		if (!strcmp(cases[i].expr, "NULL") ||
		    strstr(cases[i].expr, "to_binary")) {
			free(f);
			continue;	/* DuckDB has no byte view of these */
		}
		struct check ck = compare(f, &cases[i].col, &cases[i].expr,
					  hex, 1);
		if (ck.row != cases[i].rows)
			fail_msg("%s: %zu rows", cases[i].file, ck.row);
		free(f);
	}
}

static bool same_value(const struct lw_pq_value *a,
		       const struct lw_pq_value *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case LW_PQV_NULL: return true;
	case LW_PQV_INT32: return a->v.i32 == b->v.i32;
	case LW_PQV_INT64: return a->v.i64 == b->v.i64;
	case LW_PQV_BYTES:
		return a->v.bytes.len == b->v.bytes.len &&
		       !memcmp(a->v.bytes.p, b->v.bytes.p, a->v.bytes.len);
	default: return false;
	}
}

/* Cells come in (plain, split) pairs that must be equal. */
static int same_pairs(void *ud, const struct lw_pq_value *cells, size_t n)
{
	size_t *rows = ud;
	for (size_t i = 0; i + 1 < n; i += 2)
		if (!same_value(&cells[i], &cells[i + 1]))
			fail_msg("row %zu: pair %zu differs", *rows, i / 2);
	(*rows)++;
	return LW_OK;
}

/* DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT. */
static void test_newer_encodings(void **state)
{
	(void)state;
	if (!have_duckdb())
		lw_skip_needs(DUCKDB);
	char *f = tp("delta_binary_packed.parquet");
	static const char *const c1[] = { "bitwidth0", "bitwidth1",
		"bitwidth7", "bitwidth31", "bitwidth32", "bitwidth33",
		"bitwidth63", "bitwidth64", "int_value" };
	struct check ck = compare(f, c1, c1, NULL, 9);
	assert_int_equal(ck.row, 200);
	free(f);

	f = tp("delta_length_byte_array.parquet");
	static const char *const c2[] = { "FRUIT" };
	ck = compare(f, c2, c2, NULL, 1);
	assert_int_equal(ck.row, 1000);
	free(f);

	f = tp("delta_encoding_optional_column.parquet");
	static const char *const c3[] = { "c_customer_sk", "c_birth_year",
					  "c_first_sales_date_sk" };
	ck = compare(f, c3, c3, NULL, 3);
	assert_int_equal(ck.row, 100);
	free(f);

	f = tp("byte_stream_split.zstd.parquet");
	static const char *const c4[] = { "f32", "f64" };
	ck = compare(f, c4, c4, NULL, 2);
	assert_int_equal(ck.row, 300);
	free(f);

	f = tp("byte_stream_split_extended.gzip.parquet");
	static const char *const c5[] = { "float_byte_stream_split",
		"double_byte_stream_split", "int32_plain", "int64_plain",
		"flba5_plain" };
	static const char *const e5[] = { "float_byte_stream_split",
		"double_byte_stream_split", "int32_plain", "int64_plain",
		"hex(flba5_plain)" };
	static const bool h5[] = { [4] = true };
	ck = compare(f, c5, e5, h5, 5);
	assert_int_equal(ck.row, 200);
	/* DuckDB reads BYTE_STREAM_SPLIT only for floats: the other
	 * types' split columns must equal their plain twins. */
	static const char *const pairs[] = {
		"int32_plain", "int32_byte_stream_split",
		"int64_plain", "int64_byte_stream_split",
		"flba5_plain", "flba5_byte_stream_split",
		"decimal_plain", "decimal_byte_stream_split",
		"float16_plain", "float16_byte_stream_split" };
	struct lw_lake lake = { .base = { .kind = &test_kind } };
	struct lw_err err = {0};
	size_t rows = 0;
	if (lw_parquet_read_columns(&lake, f, NULL, pairs, 10, same_pairs,
				    &rows, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(rows, 200);
	free(f);

	f = tp("datapage_v2.snappy.parquet");
	static const char *const c6[] = { "b" };
	ck = compare(f, c6, c6, NULL, 1);
	assert_int_equal(ck.row, 5);
	free(f);
}

/* LZ4 in both legacy forms (Hadoop-framed, raw block), LZ4_RAW, and
 * DELTA_BYTE_ARRAY, in the files of ../shared/testdata/parquet. */
static void test_lz4_and_delta_byte_array(void **state)
{
	(void)state;
	if (!have_duckdb())
		lw_skip_needs(DUCKDB);
	static const char *const c3[] = { "c0", "c1", "v11" };
	static const char *const e3[] = { "c0", "hex(c1)", "v11" };
	static const bool h3[] = { [1] = true };
	/* DuckDB reads no legacy LZ4: its reading of the LZ4_RAW twin
	 * (the same rows, parquet-testing says) is the reference. */
	const char *small[] = { "hadoop_lz4_compressed.parquet",
				"non_hadoop_lz4_compressed.parquet",
				"lz4_raw_compressed.parquet" };
	char *ref = tp("lz4_raw_compressed.parquet");
	for (size_t i = 0; i < 3; i++) {
		char *f = tp(small[i]);
		struct check ck = compare_ref(f, ref, c3, e3, h3, 3);
		assert_int_equal(ck.row, 4);
		assert_int_equal(ck.nonnull, 12);
		free(f);
	}
	static const char *const ca[] = { "a" };
	const char *larger[] = { "hadoop_lz4_compressed_larger.parquet",
				 "lz4_raw_compressed_larger.parquet" };
	free(ref);
	ref = tp("lz4_raw_compressed_larger.parquet");
	for (size_t i = 0; i < 2; i++) {
		char *f = tp(larger[i]);
		struct check ck = compare_ref(f, ref, ca, ca, NULL, 1);
		assert_int_equal(ck.row, 10000);
		free(f);
	}
	free(ref);
	static const char *const cd[] = { "c_customer_id", "c_salutation",
		"c_first_name", "c_last_name", "c_preferred_cust_flag",
		"c_birth_country", "c_login", "c_email_address" };
	char *f = tp("delta_byte_array.parquet");
	struct check ck = compare(f, cd, cd, NULL, 8);
	assert_int_equal(ck.row, 1000);
	assert_true(ck.nonnull > 1000);
	free(f);
}

/* Files DuckDB writes at test time: v1 and v2 pages, every codec we
 * support (brotli, and lz4, which DuckDB writes as LZ4_RAW, too), lists
 * with nulls and empties, a map. */
static void test_duckdb_written(void **state)
{
	(void)state;
	if (!have_duckdb())
		lw_skip_needs(DUCKDB);
	char dir[] = "/tmp/lw_pq_seedsXXXXXX";
	assert_non_null(mkdtemp(dir));
	char *cmd = lw_xasprintf("node tests/fixtures/parquet/make_seeds.js "
				 "'%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	static const char *const cols[] = { "a", "b", "s", "t", "d", "l",
					    "m.key", "m.value" };
	static const char *const exprs[] = { "a", "b", "s", "t", "d",
		"to_json(l)", "to_json(map_keys(m))",
		"to_json(map_values(m))" };
	const char *names[] = { "plain_v1.parquet", "snappy_v1.parquet",
				"gzip_v2.parquet", "zstd_v2.parquet",
				"brotli_v1.parquet", "lz4_v2.parquet" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *f = lw_xasprintf("%s/%s", dir, names[i]);
		struct check ck = compare(f, cols, exprs, NULL, 8);
		assert_int_equal(ck.row, 9);
		assert_true(ck.items >= 9 + 6);
		unlink(f);
		free(f);
	}
	rmdir(dir);
}

static int count_row(void *ud, const struct lw_pq_value *cells, size_t n)
{
	(void)cells;
	(void)n;
	int *k = ud;
	return ++*k == 3 ? LW_ESTOP : LW_OK;
}

static int fail_row(void *ud, const struct lw_pq_value *cells, size_t n)
{
	(void)ud;
	(void)cells;
	(void)n;
	return LW_EPARSE;
}

static void expect_err(const char *file, const char *col, int code,
		       const char *msg)
{
	struct lw_lake lake = { .base = { .kind = &test_kind } };
	struct lw_err err = {0};
	int k = 0;
	char *f = tp(file);
	int rc = lw_parquet_read_columns(&lake, f, NULL, &col, 1, count_row,
					 &k, &err);
	if (rc != code || !strstr(err.msg, msg))
		fail_msg("%s: rc %d '%s', want %d '%s'", file, rc, err.msg,
			 code, msg);
	assert_non_null(strstr(err.msg, file));	/* names the file */
	free(f);
}

static void test_errors(void **state)
{
	(void)state;
	expect_err("nested_lists.snappy.parquet", "a", LW_EUNSUPPORTED,
		   "nested");
	expect_err("encrypt_columns_and_footer.parquet.encrypted", "x",
		   LW_EUNSUPPORTED, "encrypted footer");

	/* LW_ESTOP stops early and is not an error. */
	struct lw_lake lake = { .base = { .kind = &test_kind } };
	struct lw_err err = {0};
	int k = 0;
	const char *col = "id";
	char *f = tp("alltypes_plain.parquet");
	assert_int_equal(lw_parquet_read_columns(&lake, f, NULL, &col, 1,
						 count_row, &k, &err), LW_OK);
	assert_int_equal(k, 3);
	/* Another code from the callback comes back. */
	assert_int_equal(lw_parquet_read_columns(&lake, f, NULL, &col, 1,
						 fail_row, &k, &err),
			 LW_EPARSE);
	assert_non_null(strstr(err.msg, "callback"));
	free(f);
}

/* The reader on corrupt copies of a small file: errors, never crashes. */
static void test_corrupt_pages(void **state)
{
	(void)state;
	char *f = tp("alltypes_plain.snappy.parquet");
	char *data;
	size_t n;
	struct lw_err err = {0};
	assert_int_equal(lw_read_file(f, 1 << 20, &data, &n, &err), LW_OK);
	char tmp[] = "/tmp/lw_pq_XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	close(fd);
	static const char *const cols[] = { "id", "string_col", "bool_col",
					    "double_col" };
	int failures = 0;
	for (size_t i = 4; i < n - 8; i += 3) {
		char save = data[i];
		data[i] ^= 0x5a;
		FILE *o = fopen(tmp, "wb");
		fwrite(data, 1, n, o);
		fclose(o);
		struct lw_lake lake = { .base = { .kind = &test_kind } };
		int k = 0;
		if (lw_parquet_read_columns(&lake, tmp, NULL, cols, 4,
					    count_row, &k, &err))
			failures++;
		data[i] = save;
	}
	assert_true(failures > 0);
	unlink(tmp);
	free(data);
	free(f);
}

/* Hostile pages from the fuzz seed corpus: each must end with an error
 * naming the problem, at once. */
static void test_hostile_pages(void **state)
{
	(void)state;
	/* DELTA_LENGTH_BYTE_ARRAY claiming 2^62 lengths in zero-width
	 * miniblocks (2 bytes per million): walking them never ended */
	static const char *f = "tests/fuzz/corpus/parquet_pages/"
			       "delta_len_claims_2e62.parquet";
	static const char *const col[] = { "s" };
	struct lw_lake lake = { .base = { .kind = &test_kind } };
	struct lw_err err = {0};
	int k = 0;
	assert_int_equal(lw_parquet_read_columns(&lake, f, NULL, col, 1,
						 count_row, &k, &err),
			 LW_EPARSE);
	assert_non_null(strstr(err.msg, "column s: delta encoding claims "
			       "4611686018427387904 values in a page of 1"));
	assert_int_equal(k, 0);
}

/* A page header whose type is none of the four kinds is a corrupt
 * header naming the column, not a page silently skipped: the first page
 * header of alltypes_plain (a dictionary page, type 2) patched to 7, -6. */
static void test_bad_page_type(void **state)
{
	(void)state;
	char *f = tp("alltypes_plain.parquet");
	char *data;
	size_t n;
	struct lw_err err = {0};
	assert_int_equal(lw_read_file(f, 1 << 20, &data, &n, &err), LW_OK);
	assert_true((uint8_t)data[4] == 0x15 && data[5] == 0x04);
	static const struct { char zz; const char *msg; } cases[] = {
		{ 0x0e, "column id: corrupt page header: page type 7" },
		{ 0x0b, "column id: corrupt page header: page type -6" },
	};
	char tmp[] = "/tmp/lw_pq_XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		data[5] = cases[i].zz;
		FILE *o = fopen(tmp, "wb");
		fwrite(data, 1, n, o);
		fclose(o);
		struct lw_lake lake = { .base = { .kind = &test_kind } };
		static const char *const col[] = { "id" };
		int k = 0;
		int rc = lw_parquet_read_columns(&lake, tmp, NULL, col, 1,
						 count_row, &k, &err);
		if (rc != LW_EPARSE || !strstr(err.msg, cases[i].msg))
			fail_msg("rc %d '%s', want '%s'", rc, err.msg,
				 cases[i].msg);
	}
	unlink(tmp);
	free(data);
	free(f);
}

/* Thrift compact helpers for hand-made files. */
static void put_varint(struct lw_buf *b, uint64_t v)
{
	for (; v > 0x7f; v >>= 7)
		assert_int_equal(lw_buf_addc(b, (char)(0x80 | (v & 0x7f))), LW_OK);
	assert_int_equal(lw_buf_addc(b, (char)v), LW_OK);
}

static void put_i(struct lw_buf *b, uint8_t hdr, int64_t v)
{
	assert_int_equal(lw_buf_addc(b, (char)hdr), LW_OK);
	put_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

/* Pages without entries, each a few KB of GZIP that inflates to 32 MB,
 * before the only row: every one was kept until the row was handed out,
 * so a small file could hold any amount of memory. Now refused past
 * 256 MB. */
static void test_retired_pages_capped(void **state)
{
	(void)state;
	const int64_t usize = 32 << 20;
	const int npages = 10;
	uint8_t *zeros = calloc(1, (size_t)usize);
	uLongf zl = compressBound((uLong)usize);
	uint8_t *z = malloc(zl);
	z_stream zs = {0};
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 31, 9,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = zeros;
	zs.avail_in = (uInt)usize;
	zs.next_out = z;
	zs.avail_out = (uInt)zl;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	zl = zs.total_out;
	deflateEnd(&zs);
	free(zeros);

	struct lw_buf b;
	lw_buf_init(&b, 64 << 20);
	assert_int_equal(lw_buf_add(&b, "PAR1", 4), LW_OK);
	for (int i = 0; i < npages; i++) {
		put_i(&b, 0x15, 0);			/* 1: DATA_PAGE */
		put_i(&b, 0x15, usize);			/* 2: usize */
		put_i(&b, 0x15, (int64_t)zl);		/* 3: csize */
		assert_int_equal(lw_buf_addc(&b, 0x2c), LW_OK);			/* 5: header */
		put_i(&b, 0x15, 0);			/* no values */
		put_i(&b, 0x15, 0);			/* PLAIN */
		put_i(&b, 0x15, 3);
		put_i(&b, 0x15, 3);
		assert_int_equal(lw_buf_addc(&b, 0), LW_OK);
		assert_int_equal(lw_buf_addc(&b, 0), LW_OK);
		assert_int_equal(lw_buf_add(&b, z, zl), LW_OK);
	}
	int64_t chunk = (int64_t)b.len - 4;
	size_t foot = b.len;
	put_i(&b, 0x15, 1);				/* version */
	assert_int_equal(lw_buf_addc(&b, 0x19), LW_OK); assert_int_equal(lw_buf_addc(&b, 0x2c), LW_OK);	/* schema, 2 */
	assert_int_equal(lw_buf_addc(&b, 0x48), LW_OK); assert_int_equal(lw_buf_addc(&b, 1), LW_OK); assert_int_equal(lw_buf_addc(&b, 'r'), LW_OK);
	put_i(&b, 0x15, 1); assert_int_equal(lw_buf_addc(&b, 0), LW_OK);		/* 1 child */
	put_i(&b, 0x15, 1); put_i(&b, 0x25, 0);		/* INT32 REQUIRED */
	assert_int_equal(lw_buf_addc(&b, 0x18), LW_OK); assert_int_equal(lw_buf_addc(&b, 1), LW_OK); assert_int_equal(lw_buf_addc(&b, 'x'), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 0), LW_OK);
	put_i(&b, 0x16, 1);				/* num_rows */
	assert_int_equal(lw_buf_addc(&b, 0x19), LW_OK); assert_int_equal(lw_buf_addc(&b, 0x1c), LW_OK);	/* row groups */
	assert_int_equal(lw_buf_addc(&b, 0x19), LW_OK); assert_int_equal(lw_buf_addc(&b, 0x1c), LW_OK);	/* columns */
	put_i(&b, 0x26, 4);				/* file_offset */
	assert_int_equal(lw_buf_addc(&b, 0x1c), LW_OK);				/* meta_data */
	put_i(&b, 0x15, 1);
	assert_int_equal(lw_buf_addc(&b, 0x19), LW_OK); assert_int_equal(lw_buf_addc(&b, 0x15), LW_OK); assert_int_equal(lw_buf_addc(&b, 0), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 0x19), LW_OK); assert_int_equal(lw_buf_addc(&b, 0x18), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 1), LW_OK); assert_int_equal(lw_buf_addc(&b, 'x'), LW_OK);
	put_i(&b, 0x15, 2);				/* GZIP */
	put_i(&b, 0x16, 1);
	put_i(&b, 0x16, chunk);
	put_i(&b, 0x16, chunk);
	put_i(&b, 0x26, 4);				/* data page */
	assert_int_equal(lw_buf_addc(&b, 0), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 0), LW_OK);				/* chunk */
	put_i(&b, 0x16, 0); put_i(&b, 0x16, 1);		/* rg sizes */
	assert_int_equal(lw_buf_addc(&b, 0), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 0), LW_OK);
	uint32_t fl = (uint32_t)(b.len - foot);
	uint8_t le[4] = { (uint8_t)fl, (uint8_t)(fl >> 8),
			  (uint8_t)(fl >> 16), (uint8_t)(fl >> 24) };
	assert_int_equal(lw_buf_add(&b, le, 4), LW_OK);
	assert_int_equal(lw_buf_add(&b, "PAR1", 4), LW_OK);
	free(z);

	char tmp[] = "/tmp/lw_pq_XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
	close(fd);
	lw_buf_free(&b);
	static const char *const col[] = { "x" };
	struct lw_lake lake = { .base = { .kind = &test_kind } };
	struct lw_err err = {0};
	int k = 0;
	assert_int_equal(lw_parquet_read_columns(&lake, tmp, NULL, col, 1,
						 count_row, &k, &err),
			 LW_ETOOBIG);
	assert_non_null(strstr(err.msg, "column x: one row spans more than "
			       "256 MB of pages"));
	unlink(tmp);
}

/* ---- Delta checkpoints ------------------------------------------------- */

static bool has_leaf(const char *file, const char *dotted)
{
	struct lw_lake lake = { .base = { .kind = &test_kind } };
	struct lw_parquet_meta m;
	struct lw_err err = {0};
	bool found = false;
	if (lw_parquet_read_meta(&lake, file, -1, &m, NULL, &err))
		fail_msg("%s: %s", file, err.msg);
	for (size_t g = 0; g < m.nrgs && !found && g < 1; g++)
		for (size_t c = 0; c < m.rgs[g].ncols; c++) {
			const struct lw_pq_column_chunk *cc =
				&m.rgs[g].cols[c];
			char buf[512] = "";
			for (size_t k = 0; k < cc->npath; k++) {
				if (k)
					strcat(buf, ".");
				strncat(buf, cc->path[k], 100);
			}
			if (!strcmp(buf, dotted))
				found = true;
		}
	lw_parquet_meta_free(&m);
	return found;
}

static void test_delta_checkpoints(void **state)
{
	(void)state;
	if (!have_duckdb())
		lw_skip_needs(DUCKDB);
	char *pat = lw_xasprintf("%s/delta/*/_delta_log/*.checkpoint.parquet",
				 lw_testdata());
	glob_t g;
	assert_int_equal(glob(pat, 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 5);
	size_t adds = 0, dvs = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *f = g.gl_pathv[i];
		const char *cols[] = {
			"add.path", "add.size", "add.dataChange",
			"remove.path", "metaData.partitionColumns",
			"protocol.minReaderVersion",
			"add.partitionValues.key", "add.partitionValues.value",
			"add.deletionVector.cardinality",
			"metaData.format.provider"
		};
		const char *exprs[] = {
			"add.path", "add.size", "add.dataChange",
			"remove.path", "to_json(metaData.partitionColumns)",
			"protocol.minReaderVersion",
			"to_json(map_keys(add.partitionValues))",
			"to_json(map_values(add.partitionValues))",
			"add.deletionVector.cardinality",
			"metaData.format.provider"
		};
		bool dv = has_leaf(f, "add.deletionVector.cardinality");
		if (!dv)
			exprs[8] = "NULL";
		struct check ck = compare(f, cols, exprs, NULL, 10);
		assert_true(ck.row > 0);
		adds += ck.row;
		dvs += dv;
	}
	assert_true(adds > 20);
	assert_true(dvs >= 1);
	globfree(&g);
	free(pat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alltypes),
		cmocka_unit_test(test_v2_and_lists),
		cmocka_unit_test(test_codecs_and_nulls),
		cmocka_unit_test(test_newer_encodings),
		cmocka_unit_test(test_lz4_and_delta_byte_array),
		cmocka_unit_test(test_duckdb_written),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_corrupt_pages),
		cmocka_unit_test(test_hostile_pages),
		cmocka_unit_test(test_bad_page_type),
		cmocka_unit_test(test_retired_pages_capped),
		cmocka_unit_test(test_delta_checkpoints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
