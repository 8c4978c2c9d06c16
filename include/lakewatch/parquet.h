/* parquet.h - Parquet footers (FileMetaData) and a small column reader.
 *
 * The footer is all the "parquet" file format needs: row counts, row groups,
 * the schema and created_by, read from the file's tail through the lake.
 * The column reader decodes data pages of a few flat (or once-repeated)
 * columns; the Delta helper uses it to read checkpoint files.
 * Everything here checks every length against the bytes it was given.
 */
#ifndef LAKEWATCH_PARQUET_H
#define LAKEWATCH_PARQUET_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "lakewatch/err.h"
#include "lakewatch/lake.h"
#include "lakewatch/model.h"

/* Physical types (parquet.thrift Type). */
enum lw_pq_type {
	LW_PQ_BOOLEAN = 0, LW_PQ_INT32 = 1, LW_PQ_INT64 = 2, LW_PQ_INT96 = 3,
	LW_PQ_FLOAT = 4, LW_PQ_DOUBLE = 5, LW_PQ_BYTE_ARRAY = 6,
	LW_PQ_FIXED_LEN_BYTE_ARRAY = 7
};

enum lw_pq_repetition { LW_PQ_REQUIRED = 0, LW_PQ_OPTIONAL = 1,
			LW_PQ_REPEATED = 2 };

/* LogicalType union members: the value is the thrift field id. */
enum lw_pq_logical_kind {
	LW_PQ_LT_NONE = 0, LW_PQ_LT_STRING = 1, LW_PQ_LT_MAP = 2,
	LW_PQ_LT_LIST = 3, LW_PQ_LT_ENUM = 4, LW_PQ_LT_DECIMAL = 5,
	LW_PQ_LT_DATE = 6, LW_PQ_LT_TIME = 7, LW_PQ_LT_TIMESTAMP = 8,
	LW_PQ_LT_INTEGER = 10, LW_PQ_LT_UNKNOWN = 11, LW_PQ_LT_JSON = 12,
	LW_PQ_LT_BSON = 13, LW_PQ_LT_UUID = 14, LW_PQ_LT_FLOAT16 = 15,
	LW_PQ_LT_VARIANT = 16, LW_PQ_LT_GEOMETRY = 17,
	LW_PQ_LT_GEOGRAPHY = 18,
	LW_PQ_LT_OTHER = 99	/* a member this reader does not know */
};

enum lw_pq_time_unit { LW_PQ_MILLIS = 1, LW_PQ_MICROS = 2, LW_PQ_NANOS = 3 };

struct lw_pq_logical {
	enum lw_pq_logical_kind kind;
	int unit;		/* TIME/TIMESTAMP: enum lw_pq_time_unit */
	bool utc;		/* TIME/TIMESTAMP: isAdjustedToUTC */
	int bit_width;		/* INTEGER */
	bool is_signed;		/* INTEGER */
	int32_t precision, scale;	/* DECIMAL */
};

/* One SchemaElement. Optional thrift fields absent from the file are -1. */
struct lw_pq_schema_elem {
	char *name;		/* owned, never NULL */
	int type;		/* enum lw_pq_type, -1 for groups */
	int32_t type_length;
	int repetition;		/* enum lw_pq_repetition, -1 absent (root) */
	int32_t num_children;	/* -1 absent (a leaf) */
	int converted_type;	/* ConvertedType value, -1 absent */
	int32_t scale, precision, field_id;
	struct lw_pq_logical logical;	/* kind LW_PQ_LT_NONE when absent */
};

struct lw_pq_column_chunk {
	char *file_path;	/* owned, NULL: this file */
	int64_t file_offset;
	bool has_meta;		/* false for encrypted column metadata */
	int type;		/* enum lw_pq_type */
	int32_t *encodings;	/* owned */
	size_t nencodings;
	char **path;		/* owned: path_in_schema */
	size_t npath;
	int codec;		/* CompressionCodec value */
	int64_t num_values;
	int64_t total_uncompressed_size, total_compressed_size;
	int64_t data_page_offset;
	int64_t dictionary_page_offset;	/* -1 absent */
};

struct lw_pq_row_group {
	int64_t num_rows, total_byte_size;
	struct lw_pq_column_chunk *cols;	/* owned */
	size_t ncols;
};

struct lw_pq_kv {
	char *key;		/* owned */
	char *value;		/* owned, may be NULL */
};

/* A decoded FileMetaData. Free with lw_parquet_meta_free(). */
struct lw_parquet_meta {
	int32_t version;
	struct lw_pq_schema_elem *schema;	/* owned; [0] is the root */
	size_t nschema;
	int64_t num_rows;
	struct lw_pq_row_group *rgs;		/* owned */
	size_t nrgs;
	struct lw_pq_kv *kv;			/* owned */
	size_t nkv;
	char *created_by;			/* owned, NULL when absent */
	int64_t footer_len;	/* the length word at the end of the file */
	int64_t file_size;	/* -1 when the reader could not tell */
};

/* Hard limits: a footer or a page larger than this is refused. */
#define LW_PQ_MAX_FOOTER	((int64_t)64 * 1024 * 1024)
#define LW_PQ_MAX_PAGE		((int64_t)256 * 1024 * 1024)
#define LW_PQ_TAIL		65536

void lw_parquet_meta_free(struct lw_parquet_meta *m);

/* Decode FileMetaData from the footer bytes (the thrift struct that ends
 * 8 bytes before the end of the file; trailing bytes, such as the
 * signature of a plaintext footer in an encrypted file, are ignored).
 * On success the caller owns *m (lw_parquet_meta_free); on error *m is
 * left empty and err says what and at which byte. */
int lw_parquet_meta_parse(const void *footer, size_t n,
			  struct lw_parquet_meta *m, struct lw_err *err);

/* Look at the last bytes of a file (tail, n bytes, at least 8) and give
 * the footer length from its last 8 bytes. "PARE" (encrypted footer) is
 * LW_EUNSUPPORTED; other bad magic or a length that cannot fit in
 * file_size (-1 unknown) is LW_EPARSE. */
int lw_parquet_tail(const void *tail, size_t n, int64_t file_size,
		    int64_t *footer_len, struct lw_err *err);

/* Read and decode the footer of `path`: one suffix read of LW_PQ_TAIL
 * bytes, and a second only when the footer is larger. file_size may be
 * -1 when unknown. *bytes_read (may be NULL) gets what it cost. The caller
 * owns *m. Error messages do not name the file: callers prefix it. */
int lw_parquet_read_meta(struct lw_lake *lake, const char *path,
			 int64_t file_size, struct lw_parquet_meta *m,
			 int64_t *bytes_read, struct lw_err *err);

/* Schema elements without children (the leaf columns), root excluded. */
size_t lw_parquet_leaf_count(const struct lw_parquet_meta *m);

/* The top-level fields as lakewatch columns (canonical types, nullable,
 * physical spelled like "INT64/TIMESTAMP(MICROS,utc)"). Appends to out,
 * which the caller owns. LW_EPARSE when the schema tree is malformed. */
int lw_parquet_schema(const struct lw_parquet_meta *m, struct lw_schema *out,
		      struct lw_err *err);

/* ---- column reader ---------------------------------------------------- */

enum lw_pq_vkind {
	LW_PQV_NULL = 0, LW_PQV_BOOL, LW_PQV_INT32, LW_PQV_INT64,
	LW_PQV_FLOAT, LW_PQV_DOUBLE,
	LW_PQV_BYTES,	/* BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY and INT96 */
	LW_PQV_LIST	/* a repeated leaf: items of the kinds above */
};

/* One cell. Pointers are valid only during the row callback. */
struct lw_pq_value {
	enum lw_pq_vkind kind;
	union {
		bool b;
		int32_t i32;
		int64_t i64;
		float f;
		double d;
		struct { const uint8_t *p; size_t len; } bytes;
		struct { const struct lw_pq_value *items; size_t n; } list;
	} v;
};

/* Called once per row with ncells cells, one per requested column in the
 * order asked. A repeated leaf gives LW_PQV_LIST (n 0 for an empty list)
 * or LW_PQV_NULL (the list or one of its parents is null). Return LW_OK to
 * go on; LW_ESTOP stops and lw_parquet_read_columns returns LW_OK; any
 * other code stops and is returned. */
typedef int (*lw_parquet_row_cb)(void *ud, const struct lw_pq_value *cells,
				 size_t ncells);

/* Read columns of `path` row by row. columns are dotted paths: either the
 * full path_in_schema ("metaData.partitionColumns.list.element") or the
 * path with LIST wrappers left out ("metaData.partitionColumns"); map
 * keys and values are "<map>.key" and "<map>.value" ("add.partitionValues
 * .key"). A column missing from the file is always null. meta may be NULL:
 * the footer is read then. Only leaves repeated at most once are
 * supported. Codecs: UNCOMPRESSED, SNAPPY, GZIP, ZSTD; encodings: PLAIN,
 * PLAIN_DICTIONARY, RLE_DICTIONARY (and RLE for booleans); data pages v1
 * and v2. Anything else is LW_EUNSUPPORTED naming it. Memory is bounded by
 * one column chunk (at most LW_PQ_MAX_PAGE) per requested column. */
int lw_parquet_read_columns(struct lw_lake *lake, const char *path,
			    const struct lw_parquet_meta *meta,
			    const char *const *columns, size_t ncols,
			    lw_parquet_row_cb cb, void *ud,
			    struct lw_err *err);

/* Names for messages ("SNAPPY", "DELTA_BINARY_PACKED"); static strings. */
const char *lw_parquet_codec_name(int codec);
const char *lw_parquet_encoding_name(int enc);

#endif
