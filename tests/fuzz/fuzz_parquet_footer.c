/* fuzz_parquet_footer.c - the bytes are a file's tail: find the footer
 * (magic, length), decode FileMetaData, map the schema. Also decodes the
 * bytes as bare footer bytes, so seeds need no framing. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "lakewatch/parquet.h"

static void use(const struct lw_parquet_meta *m)
{
	struct lw_schema s;
	struct lw_err err;
	lw_schema_init(&s);
	lw_parquet_schema(m, &s, &err);
	lw_schema_free(&s);
	(void)lw_parquet_leaf_count(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_parquet_meta m;
	struct lw_err err;
	int64_t flen;

	if (!lw_parquet_meta_parse(data, size, &m, &err)) {
		use(&m);
		lw_parquet_meta_free(&m);
	}
	if (!lw_parquet_tail(data, size, (int64_t)size, &flen, &err) &&
	    (size_t)flen + 8 <= size &&
	    !lw_parquet_meta_parse(data + size - 8 - flen, (size_t)flen, &m,
				   &err)) {
		use(&m);
		lw_parquet_meta_free(&m);
	}
	return 0;
}
