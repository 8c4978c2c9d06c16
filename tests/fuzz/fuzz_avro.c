/* fuzz_avro.c - the Avro container reader: header, block walk with sync
 * checks, schema mapping, Capture path keys. Input: one file's bytes. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/avro.h"
#include "lakewatch/probe.h"
#include "lakewatch/util.h"

struct mem {
	const uint8_t *p;
	size_t n;
};

static int rd(void *ud, int64_t off, int64_t len, struct lw_buf *out,
	      struct lw_err *err)
{
	struct mem *m = ud;
	if (off < 0 || (size_t)off > m->n)
		return lw_err_set(err, LW_EIO, "read past the end");
	if (len < 0 || (uint64_t)len > m->n - (size_t)off)
		len = (int64_t)(m->n - (size_t)off);
	return lw_buf_add(out, m->p + off, (size_t)len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = {data, size};
	struct lw_avro_info info;
	struct lw_err err;
	int rc = lw_avro_scan(rd, &m, (int64_t)size, true, &info, &err);
	if (rc == LW_OK) {
		struct lw_schema s;
		lw_schema_init(&s);
		lw_avro_schema(info.hdr.schema, &s, &err);
		lw_schema_free(&s);
	}
	lw_avro_info_free(&info);
	char *p = lw_xstrndup((const char *)data, size < 120 ? size : 120);
	free(lw_partition_capture(p));
	free(p);
	return 0;
}
