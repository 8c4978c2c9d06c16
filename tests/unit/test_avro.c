/* test_avro.c - Avro container files written by avsc (npm), laid out as
 * Event Hubs Capture lays them out (tests/fixtures/avro/make.mjs writes
 * them into a temporary directory with the expected row counts). */
#include "unit.h"
#include <stdio.h>
#include <unistd.h>
#include "lakewatch/avro.h"
#include "lakewatch/format.h"
#include "lakewatch/probe.h"
#include "lakewatch/util.h"
#include "lakewatch/cfgctx.h"

static char *dir;		/* the fixtures */
static struct lw_lake *lake;
static cJSON *expected;

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/lw-avro-XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	dir = lw_xstrdup(tmpl);
	char *cmd = lw_xasprintf("node tests/fixtures/avro/make.mjs '%s' "
				 ">/dev/null", dir);
	int rc = system(cmd);
	free(cmd);
	if (rc != 0)
		return -1;
	char *p = lw_xasprintf("%s/expected.json", dir), *t = NULL;
	size_t n;
	if (lw_read_file(p, 1 << 20, &t, &n, NULL) != LW_OK)
		return -1;
	free(p);
	expected = cJSON_Parse(t);
	free(t);
	cJSON *cfg = cJSON_CreateObject();
	cJSON_AddStringToObject(cfg, "kind", "fs");
	cJSON_AddStringToObject(cfg, "root", dir);
	struct lw_cfgctx cc;
	lw_cfgctx_init(&cc, "test", NULL);
	lake = lw_lake_fs.open("t", cfg, &cc);
	lw_cfgctx_free(&cc);
	cJSON_Delete(cfg);
	return lake && expected ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = lw_xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	free(dir);
	lw_lake_fs.close(lake);
	cJSON_Delete(expected);
	return rc;
}

static int64_t fsize(const char *rel)
{
	char *p = lw_xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(p, "rb");
	free(p);
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	int64_t n = ftell(f);
	fclose(f);
	return n;
}

static int probe(const char *rel, struct lw_file_obs *fo, struct lw_err *err)
{
	struct lw_entry e = {(char *)rel, fsize(rel), 0};
	struct lw_file f = {lake, &e, true};
	lw_file_obs_init(fo);
	lw_err_clear(err);
	return lw_format_avro.probe_file(&f, NULL, fo, err);
}

static void test_capture_files(void **state)
{
	(void)state;
	const cJSON *x;
	int files = 0, empty = 0, codecs_seen = 0;
	bool seen[3] = {false, false, false};
	cJSON_ArrayForEach(x, expected) {
		const char *rel = cJSON_GetObjectItem(x, "path")->valuestring;
		const char *codec = cJSON_GetObjectItem(x, "codec")->valuestring;
		struct lw_file_obs fo;
		struct lw_err err;
		if (probe(rel, &fo, &err) != LW_OK)
			fail_msg("%s: %s", rel, err.msg);
		assert_int_equal(fo.rows,
				 cJSON_GetObjectItem(x, "rows")->valueint);
		assert_true(fo.has_schema);
		assert_non_null(fo.detail);
		assert_string_equal(cJSON_GetObjectItem(fo.detail,
					"codec")->valuestring, codec);
		int blocks = cJSON_GetObjectItem(fo.detail, "blocks")->valueint;
		int ef = cJSON_GetObjectItem(fo.detail, "empty_files")->valueint;
		assert_int_equal(ef, cJSON_IsTrue(cJSON_GetObjectItem(x,
								    "empty")));
		assert_int_equal(blocks == 0, ef == 1);
		/* the typed facts say the same as the detail */
		struct lw_obs o;
		lw_obs_init(&o);
		cJSON_AddItemToObject(lw_obs_detail(&o), "avro",
				      cJSON_Duplicate(fo.detail, 1));
		lw_obs_facts_from_detail(&o);
		assert_true(fo.avro.present && o.avro.present);
		assert_string_equal(fo.avro.codec, o.avro.codec);
		assert_true(fo.avro.has_blocks && o.avro.has_blocks);
		assert_int_equal(fo.avro.blocks, o.avro.blocks);
		assert_int_equal(fo.avro.empty_files, o.avro.empty_files);
		lw_obs_free(&o);
		if (fo.rows > 60)	/* 1 KB blocks: several per file */
			assert_true(blocks > 1);
		assert_true(fo.bytes_read > 0);
		assert_true(fo.bytes_read <= fsize(rel));
		empty += ef;
		files++;
		for (int i = 0; i < 3; i++)
			if (strcmp(codec, (const char *[]){"null", "deflate",
						"snappy"}[i]) == 0 && !seen[i]) {
				seen[i] = true;
				codecs_seen++;
			}
		if (lw_str_starts(rel, "shopns/")) {
			const struct lw_column *c;
			assert_int_equal(fo.schema.n, 6);
			c = lw_schema_find(&fo.schema, "SequenceNumber");
			assert_int_equal(c->type, LW_T_INT64);
			assert_false(c->nullable);
			c = lw_schema_find(&fo.schema, "Body");
			assert_int_equal(c->type, LW_T_BINARY);
			assert_true(c->nullable);
			c = lw_schema_find(&fo.schema, "Properties");
			assert_int_equal(c->type, LW_T_MAP);
		}
		lw_file_obs_free(&fo);
	}
	assert_int_equal(files, 13);
	assert_int_equal(empty, 2);
	assert_int_equal(codecs_seen, 3);
}

static void test_logical_types(void **state)
{
	(void)state;
	struct lw_file_obs fo;
	struct lw_err err;
	assert_int_equal(probe("typed/typed.avro", &fo, &err), LW_OK);
	const struct lw_column *c = lw_schema_find(&fo.schema, "day");
	assert_int_equal(c->type, LW_T_DATE);
	c = lw_schema_find(&fo.schema, "at");
	assert_int_equal(c->type, LW_T_TIMESTAMP);
	assert_string_equal(c->physical, "long/timestamp-micros");
	c = lw_schema_find(&fo.schema, "ms");
	assert_int_equal(c->type, LW_T_TIMESTAMP);
	assert_true(c->nullable);
	c = lw_schema_find(&fo.schema, "amount");
	assert_int_equal(c->type, LW_T_DECIMAL);
	assert_int_equal(c->precision, 10);
	assert_int_equal(c->scale, 2);
	assert_int_equal(lw_schema_find(&fo.schema, "id")->type, LW_T_STRING);
	assert_int_equal(lw_schema_find(&fo.schema, "kind")->type, LW_T_STRING);
	assert_int_equal(lw_schema_find(&fo.schema, "tags")->type, LW_T_LIST);
	lw_file_obs_free(&fo);
}

static void test_capture_partitions(void **state)
{
	(void)state;
	char *k = lw_partition_capture("shopns/clicks/3/2026/11/20/03/05/00.avro");
	assert_string_equal(k, "partition=3/date=2026-11-20/hour=03/minute=05");
	int64_t t;
	assert_int_equal(lw_time_parse("2026-11-20T03:05:00Z", &t), LW_OK);
	assert_int_equal(lw_partition_time(k), t);
	free(k);
	k = lw_partition_capture("3/2026/11/20/03/05/00");
	assert_non_null(k);
	free(k);
	assert_null(lw_partition_capture("2026/11/20/03/05/00.avro"));
	assert_null(lw_partition_capture("x/clicks/3/2026/11/20/03/5/00.avro"));
	assert_null(lw_partition_capture("a/b/c/2026/11/20/03/05/00.avro"));
	assert_null(lw_partition_capture(""));
}

/* ---- bad files ------------------------------------------------------- */

static char *copy_bytes(const char *rel, size_t *n)
{
	char *p = lw_xasprintf("%s/%s", dir, rel), *t = NULL;
	assert_int_equal(lw_read_file(p, 1 << 24, &t, n, NULL), LW_OK);
	free(p);
	return t;
}

static void put(const char *rel, const char *data, size_t n)
{
	char *p = lw_xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
	free(p);
}

static const char *big = "shopns/clicks/0/2026/11/20/03/25/00.avro";

static void test_bad_files(void **state)
{
	(void)state;
	size_t n;
	char *t = copy_bytes(big, &n);
	struct lw_file_obs fo;
	struct lw_err err;

	put("bad1.avro", t, n - 100);			/* truncated */
	assert_int_equal(probe("bad1.avro", &fo, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "bad1.avro"));
	assert_non_null(strstr(err.msg, "truncated"));
	assert_non_null(strstr(err.msg, "offset"));
	lw_file_obs_free(&fo);

	t[n - 3] ^= 0x55;				/* last sync marker */
	put("bad2.avro", t, n);
	assert_int_equal(probe("bad2.avro", &fo, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "sync marker mismatch"));
	char want[64];
	snprintf(want, sizeof want, "offset %zu", n - 16);
	assert_non_null(strstr(err.msg, want));
	lw_file_obs_free(&fo);
	t[n - 3] ^= 0x55;

	t[0] = 'X';					/* magic */
	put("bad3.avro", t, n);
	assert_int_equal(probe("bad3.avro", &fo, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "bad magic"));
	lw_file_obs_free(&fo);
	t[0] = 'O';

	put("bad4.avro", t, 30);			/* header cut */
	assert_int_equal(probe("bad4.avro", &fo, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "truncated header"));
	lw_file_obs_free(&fo);
	free(t);
}

struct mem {
	const char *p;
	size_t n;
	int reads;
};

static int mem_read(void *ud, int64_t off, int64_t len, struct lw_buf *out,
		    struct lw_err *err)
{
	struct mem *m = ud;
	m->reads++;
	if (off < 0 || (size_t)off > m->n)
		return lw_err_set(err, LW_EIO, "read past the end");
	if (len < 0 || (size_t)(off + len) > m->n)
		len = (int64_t)m->n - off;
	return lw_buf_add(out, m->p + off, (size_t)len);
}

/* Blocks larger than the window are skipped, not read. */
static void test_skips_big_blocks(void **state)
{
	(void)state;
	/* hand-made file: 1 field long schema, 2 blocks of 300 KB each */
	const char *schema = "{\"type\":\"record\",\"name\":\"r\",\"fields\":"
			     "[{\"name\":\"a\",\"type\":\"long\"}]}";
	struct lw_buf b;
	lw_buf_init(&b, 1 << 22);
	assert_int_equal(lw_buf_add(&b, "Obj\x01", 4), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 2 << 1 >> 0), LW_OK);	/* 2 entries: zigzag(2)=4 */
	b.data[b.len - 1] = 4;
	size_t sl = strlen(schema);
	assert_int_equal(lw_buf_addc(&b, 22), LW_OK);		/* "avro.schema" len 11 -> 22 */
	assert_int_equal(lw_buf_add(&b, "avro.schema", 11), LW_OK);
	uint8_t v[4];
	size_t vn = 0;
	for (uint64_t z = sl << 1; ; z >>= 7) {
		v[vn++] = (uint8_t)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
		if (z <= 0x7f)
			break;
	}
	assert_int_equal(lw_buf_add(&b, v, vn), LW_OK);
	assert_int_equal(lw_buf_add(&b, schema, sl), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 20), LW_OK);
	assert_int_equal(lw_buf_add(&b, "avro.codec", 10), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 8), LW_OK);
	assert_int_equal(lw_buf_add(&b, "null", 4), LW_OK);
	assert_int_equal(lw_buf_addc(&b, 0), LW_OK);
	const char sync[16] = "0123456789abcdef";
	assert_int_equal(lw_buf_add(&b, sync, 16), LW_OK);
	for (int blk = 0; blk < 2; blk++) {
		uint64_t count = 1000, size = 300000;
		uint8_t h[20];
		size_t hn = 0;
		for (uint64_t z = count << 1; ; z >>= 7) {
			h[hn++] = (uint8_t)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
			if (z <= 0x7f)
				break;
		}
		for (uint64_t z = size << 1; ; z >>= 7) {
			h[hn++] = (uint8_t)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
			if (z <= 0x7f)
				break;
		}
		assert_int_equal(lw_buf_add(&b, h, hn), LW_OK);
		for (size_t i = 0; i < size; i++)
			assert_int_equal(lw_buf_addc(&b, 'x'), LW_OK);
		assert_int_equal(lw_buf_add(&b, sync, 16), LW_OK);
	}
	struct mem m = {b.data, b.len, 0};
	struct lw_avro_info info;
	struct lw_err err;
	assert_int_equal(lw_avro_scan(mem_read, &m, (int64_t)b.len, true,
				      &info, &err), LW_OK);
	assert_int_equal(info.rows, 2000);
	assert_int_equal(info.blocks, 2);
	assert_true(info.bytes_read < 300000);	/* the blocks were skipped */
	assert_string_equal(info.hdr.codec, "null");
	lw_avro_info_free(&info);
	lw_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_files),
		cmocka_unit_test(test_logical_types),
		cmocka_unit_test(test_capture_partitions),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_skips_big_blocks),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
