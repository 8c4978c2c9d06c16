/* avro.h - Avro object container files, as Event Hubs Capture writes them.
 *
 * The header gives the schema (avro.schema, JSON) and the codec
 * (avro.codec); the row count is the sum of the block counts, read
 * without decompressing anything: each block's bytes are skipped by their
 * size and the 16-byte sync marker after them is checked. Capture's path
 * layout {namespace}/{eventhub}/{partition}/{YYYY}/{MM}/{DD}/{hh}/{mm}/{ss}
 * becomes the partition key "partition=P/date=YYYY-MM-DD/hour=hh/minute=mm"
 * (lw_partition_time gives the start of that minute).
 */
#ifndef LAKEWATCH_AVRO_H
#define LAKEWATCH_AVRO_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <cJSON.h>
#include "lakewatch/err.h"
#include "lakewatch/buf.h"
#include "lakewatch/model.h"

#define LW_AVRO_MAX_HEADER	((size_t)16 * 1024 * 1024)
#define LW_AVRO_WINDOW		((size_t)64 * 1024)

struct lw_avro_header {
	cJSON *schema;		/* owned: avro.schema parsed */
	char codec[32];		/* avro.codec, "null" when absent */
	uint8_t sync[16];
	int64_t len;		/* header bytes, sync marker included */
};

void lw_avro_header_free(struct lw_avro_header *h);

/* Parse a header from the first n bytes of a file. When the bytes end
 * before the header does: LW_ETOOBIG if !at_eof (read more and call
 * again), LW_EPARSE ("truncated header") if at_eof. On success the
 * caller owns h (lw_avro_header_free). Errors give the byte offset. */
int lw_avro_header_parse(const uint8_t *p, size_t n, bool at_eof,
			 struct lw_avro_header *h, struct lw_err *err);

/* Where bytes come from: append [off, off+len) (clamped to the file) to
 * out. The lake's read, or memory in tests and fuzzing. */
typedef int (*lw_avro_read_fn)(void *ud, int64_t off, int64_t len,
			       struct lw_buf *out, struct lw_err *err);

struct lw_avro_info {
	struct lw_avro_header hdr;	/* owned */
	int64_t blocks, rows;		/* rows -1 when not counted */
	int64_t bytes_read;
};

/* Read the header and, when count_rows, walk every block of a file of
 * `size` bytes. Errors name the offset ("offset 1234: sync marker
 * mismatch after block 3"); the caller adds the file name. The caller
 * owns info->hdr even on error (free with lw_avro_info_free). */
int lw_avro_scan(lw_avro_read_fn rd, void *ud, int64_t size,
		 bool count_rows, struct lw_avro_info *info,
		 struct lw_err *err);
void lw_avro_info_free(struct lw_avro_info *info);

/* The record schema's fields as canonical columns: unions with null are
 * nullable, logical types date, timestamp-millis/micros (and local-),
 * decimal and uuid are honoured. Appends to out. LW_EPARSE for a schema
 * that is not valid Avro. */
int lw_avro_schema(const cJSON *schema, struct lw_schema *out,
		   struct lw_err *err);

#endif
