/* test_parquet_footer.c - crafted footers whose enums are out of range.
 *
 * A small Thrift compact-protocol writer builds one FileMetaData: a root and
 * one leaf column "Handle", one row group with one column chunk. Each case
 * sets one field to a value parquet.thrift does not define; the footer
 * must be refused as corrupt, naming the column and the field (DuckDB
 * refuses these files too: tests/fuzz/corpus/parquet_footer/enum_*), while
 * the same footer with valid values and a newer writer's logical type
 * still parse.
 */
#include "unit.h"
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include "lakewatch/parquet.h"
#include "lakewatch/thrift.h"
#include "lakewatch/format.h"
#include "lakewatch/lake.h"
#include "lakewatch/cfgctx.h"
#include "lakewatch/util.h"

#define ABSENT INT_MIN

/* ---- a compact-protocol writer ---------------------------------------- */

static void w_varint(struct lw_buf *b, uint64_t v)
{
	for (; v > 0x7f; v >>= 7)
		UNIT_OK(lw_buf_addc(b, (char)(0x80 | (v & 0x7f))));
	UNIT_OK(lw_buf_addc(b, (char)v));
}

static void w_zz(struct lw_buf *b, int64_t v)
{
	w_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

/* A field header: short form for a small positive delta, else long. */
static void w_field(struct lw_buf *b, int *last, int id, int type)
{
	if (id > *last && id - *last <= 15) {
		UNIT_OK(lw_buf_addc(b, (char)((id - *last) << 4 | type)));
	} else {
		UNIT_OK(lw_buf_addc(b, (char)type));
		w_zz(b, id);
	}
	*last = id;
}

static void w_int(struct lw_buf *b, int *last, int id, int64_t v)
{
	if (v == ABSENT)
		return;
	w_field(b, last, id, LW_TT_I32);
	w_zz(b, v);
}

static void w_i64(struct lw_buf *b, int *last, int id, int64_t v)
{
	w_field(b, last, id, LW_TT_I64);
	w_zz(b, v);
}

static void w_str(struct lw_buf *b, int *last, int id, const char *s)
{
	w_field(b, last, id, LW_TT_BINARY);
	w_varint(b, strlen(s));
	UNIT_OK(lw_buf_adds(b, s));
}

static void w_list(struct lw_buf *b, int *last, int id, int elem, unsigned n)
{
	w_field(b, last, id, LW_TT_LIST);
	UNIT_OK(lw_buf_addc(b, (char)(n << 4 | elem)));	/* n < 15 here */
}

/* ---- the footer ------------------------------------------------------- */

struct spec {
	int type, repetition, converted;	/* the leaf SchemaElement */
	int lt_id;		/* LogicalType member id, ABSENT: none */
	int unit_id;		/* TIMESTAMP's TimeUnit member id, or ABSENT */
	int bit_width;		/* INTEGER's bitWidth */
	int encoding, codec, chunk_type;	/* the ColumnMetaData */
};

static const struct spec good = {
	.type = LW_PQ_INT64, .repetition = LW_PQ_OPTIONAL,
	.converted = ABSENT, .lt_id = LW_PQ_LT_TIMESTAMP,
	.unit_id = LW_PQ_MICROS, .bit_width = 64, .encoding = 0,
	.codec = 1, .chunk_type = LW_PQ_INT64
};

static void w_member(struct lw_buf *b, int *last, int id,
		     const struct spec *s)
{
	int in = 0, u = 0;
	w_field(b, last, id, LW_TT_STRUCT);
	if (id == LW_PQ_LT_TIMESTAMP) {
		w_field(b, &in, 1, LW_TT_TRUE);		/* isAdjustedToUTC */
		if (s->unit_id != ABSENT) {
			w_field(b, &in, 2, LW_TT_STRUCT);	/* unit */
			w_field(b, &u, s->unit_id, LW_TT_STRUCT);
			UNIT_OK(lw_buf_addc(b, 0));		/* the empty member */
			UNIT_OK(lw_buf_addc(b, 0));		/* end of TimeUnit */
		}
	} else if (id == LW_PQ_LT_INTEGER) {
		w_field(b, &in, 1, LW_TT_BYTE);
		UNIT_OK(lw_buf_addc(b, (char)s->bit_width));
		w_field(b, &in, 2, LW_TT_TRUE);
	}
	UNIT_OK(lw_buf_addc(b, 0));
}

static void w_leaf(struct lw_buf *b, const struct spec *s)
{
	int last = 0;
	w_int(b, &last, 1, s->type);
	w_int(b, &last, 3, s->repetition);
	w_str(b, &last, 4, "Handle");
	w_int(b, &last, 6, s->converted);
	if (s->lt_id != ABSENT) {
		int in = 0;
		w_field(b, &last, 10, LW_TT_STRUCT);
		w_member(b, &in, s->lt_id, s);
		UNIT_OK(lw_buf_addc(b, 0));
	}
	UNIT_OK(lw_buf_addc(b, 0));
}

static void w_chunk(struct lw_buf *b, const struct spec *s)
{
	int last = 0, m = 0;
	w_i64(b, &last, 2, 4);				/* file_offset */
	w_field(b, &last, 3, LW_TT_STRUCT);		/* meta_data */
	w_int(b, &m, 1, s->chunk_type);
	w_list(b, &m, 2, LW_TT_I32, 1);
	w_zz(b, s->encoding);
	w_list(b, &m, 3, LW_TT_BINARY, 1);
	w_varint(b, 6);
	UNIT_OK(lw_buf_adds(b, "Handle"));
	w_int(b, &m, 4, s->codec);
	for (int id = 5; id <= 7; id++)			/* counts and sizes */
		w_i64(b, &m, id, 0);
	w_i64(b, &m, 9, 4);				/* data_page_offset */
	UNIT_OK(lw_buf_addc(b, 0));
	UNIT_OK(lw_buf_addc(b, 0));
}

/* FileMetaData bytes for s into b. */
static void w_footer(struct lw_buf *b, const struct spec *s)
{
	int last = 0, r = 0, g = 0;
	w_int(b, &last, 1, 1);				/* version */
	w_list(b, &last, 2, LW_TT_STRUCT, 2);		/* schema */
	w_str(b, &r, 4, "schema");
	w_int(b, &r, 5, 1);				/* num_children */
	UNIT_OK(lw_buf_addc(b, 0));
	w_leaf(b, s);
	w_i64(b, &last, 3, 0);				/* num_rows */
	w_list(b, &last, 4, LW_TT_STRUCT, 1);		/* row_groups */
	w_list(b, &g, 1, LW_TT_STRUCT, 1);		/* columns */
	w_chunk(b, s);
	w_i64(b, &g, 2, 0);				/* total_byte_size */
	w_i64(b, &g, 3, 0);				/* num_rows */
	UNIT_OK(lw_buf_addc(b, 0));
	UNIT_OK(lw_buf_addc(b, 0));
}

/* Parse s's footer: LW_OK, or the error with its message in msg. */
static int parse(const struct spec *s, char *msg, size_t n)
{
	struct lw_buf b;
	struct lw_parquet_meta m;
	struct lw_err err = {0};
	lw_buf_init(&b, LW_BUF_1K);
	w_footer(&b, s);
	int rc = lw_parquet_meta_parse(b.data, b.len, &m, &err);
	if (rc == LW_OK)
		lw_parquet_meta_free(&m);
	snprintf(msg, n, "%s", rc ? err.msg : "");
	lw_buf_free(&b);
	return rc;
}

static void expect_corrupt(const struct spec *s, const char *what)
{
	char msg[1100], want[160];
	snprintf(want, sizeof want, "corrupt footer: column Handle has %s",
		 what);
	int rc = parse(s, msg, sizeof msg);
	if (rc != LW_EPARSE || !strstr(msg, want))
		fail_msg("want \"%s\", got %d \"%s\"", want, rc, msg);
}

/* ---- cases ------------------------------------------------------------- */

static void valid_footers_parse(void **st)
{
	(void)st;
	char msg[1100];
	struct spec s = good;
	if (parse(&s, msg, sizeof msg))
		fail_msg("%s", msg);
	s.lt_id = LW_PQ_LT_INTEGER;
	s.bit_width = 16;
	s.converted = 16;			/* INT_16 */
	assert_int_equal(parse(&s, msg, sizeof msg), LW_OK);
	s = good;
	s.lt_id = 19;		/* a newer writer's logical type */
	assert_int_equal(parse(&s, msg, sizeof msg), LW_OK);
	s.lt_id = 9;		/* reserved for INTERVAL: maybe one day */
	assert_int_equal(parse(&s, msg, sizeof msg), LW_OK);
	s = good;
	s.encoding = 9;		/* BYTE_STREAM_SPLIT, the last one */
	s.codec = 7;		/* LZ4_RAW, the last one */
	s.converted = 21;	/* INTERVAL, the last one */
	s.type = s.chunk_type = LW_PQ_FIXED_LEN_BYTE_ARRAY;
	s.lt_id = ABSENT;
	assert_int_equal(parse(&s, msg, sizeof msg), LW_OK);
}

static void schema_enums_out_of_range(void **st)
{
	(void)st;
	struct spec s = good;
	s.type = -7;
	expect_corrupt(&s, "physical type -7");
	s.type = 8;
	expect_corrupt(&s, "physical type 8");
	s = good;
	s.repetition = 3;
	expect_corrupt(&s, "repetition 3");
	s.repetition = -2;
	expect_corrupt(&s, "repetition -2");
	s = good;
	s.converted = 22;
	expect_corrupt(&s, "converted type 22");
	s.converted = -5;
	expect_corrupt(&s, "converted type -5");
}

static void logical_types_out_of_range(void **st)
{
	(void)st;
	struct spec s = good;
	s.lt_id = -3;
	expect_corrupt(&s, "logical type id -3");
	s.lt_id = 0;
	expect_corrupt(&s, "logical type id 0");
	s = good;
	s.unit_id = 4;
	expect_corrupt(&s, "time unit id 4");
	s.unit_id = -1;
	expect_corrupt(&s, "time unit id -1");
	s.unit_id = ABSENT;
	expect_corrupt(&s, "a TIMESTAMP logical type without a unit");
}

static void chunk_enums_out_of_range(void **st)
{
	(void)st;
	struct spec s = good;
	s.encoding = 10;
	expect_corrupt(&s, "encoding 10");
	s.encoding = -1;
	expect_corrupt(&s, "encoding -1");
	s = good;
	s.codec = 8;
	expect_corrupt(&s, "compression codec 8");
	s.codec = -4;
	expect_corrupt(&s, "compression codec -4");
	s = good;
	s.chunk_type = 12;
	expect_corrupt(&s, "physical type 12");
}

/* Through the parquet format plug-in, as the probe calls it: the error
 * names the file, then the column and the field. */
static void error_names_the_file(void **st)
{
	(void)st;
	char tmpl[] = "/tmp/lw-pqf-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	struct lw_buf b;
	lw_buf_init(&b, LW_BUF_1K);
	UNIT_OK(lw_buf_add(&b, "PAR1", 4));
	struct spec s = good;
	s.type = -7;
	w_footer(&b, &s);
	uint32_t flen = (uint32_t)(b.len - 4);
	uint8_t le[4] = { flen, flen >> 8, flen >> 16, flen >> 24 };
	UNIT_OK(lw_buf_add(&b, le, 4));
	UNIT_OK(lw_buf_add(&b, "PAR1", 4));
	char *path = lw_xasprintf("%s/bad.parquet", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
	fclose(f);

	cJSON *cfg = cJSON_CreateObject();
	cJSON_AddStringToObject(cfg, "kind", "fs");
	cJSON_AddStringToObject(cfg, "root", dir);
	struct lw_cfgctx cc;
	lw_cfgctx_init(&cc, "test", NULL);
	struct lw_lake *lake = lw_lake_fs.open("t", cfg, &cc);
	assert_non_null(lake);
	char rel[] = "bad.parquet";
	struct lw_entry e = { .path = rel, .size = (int64_t)b.len };
	struct lw_file file = { lake, &e, true };
	struct lw_file_obs fo;
	struct lw_err err = {0};
	lw_file_obs_init(&fo);
	assert_int_equal(lw_format_parquet.probe_file(&file, NULL, &fo, &err),
			 LW_EPARSE);
	assert_string_equal(err.msg, "bad.parquet: corrupt footer: column "
			    "Handle has physical type -7");
	lw_file_obs_free(&fo);
	lw_lake_fs.close(lake);
	lw_cfgctx_free(&cc);
	cJSON_Delete(cfg);
	unlink(path);
	rmdir(dir);
	free(path);
	lw_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_footers_parse),
		cmocka_unit_test(schema_enums_out_of_range),
		cmocka_unit_test(logical_types_out_of_range),
		cmocka_unit_test(chunk_enums_out_of_range),
		cmocka_unit_test(error_names_the_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
