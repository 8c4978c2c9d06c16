/* thrift.h - a reader for Thrift's compact protocol over a bounded buffer.
 *
 * Parquet stores its footer and page headers as compact-protocol structs.
 * The cursor advances over [p, end); every step returns LW_OK or an error
 * code (with err filled in, naming the byte offset), so steps chain with
 * `if ((rc = ...)) return rc;`. No length is trusted before it is checked
 * against the bytes left, and nesting is limited, so hostile input can
 * neither read out of bounds nor recurse without end.
 */
#ifndef LAKEWATCH_THRIFT_H
#define LAKEWATCH_THRIFT_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "lakewatch/err.h"

/* Compact-protocol type ids. */
enum lw_thrift_type {
	LW_TT_STOP = 0, LW_TT_TRUE = 1, LW_TT_FALSE = 2, LW_TT_BYTE = 3,
	LW_TT_I16 = 4, LW_TT_I32 = 5, LW_TT_I64 = 6, LW_TT_DOUBLE = 7,
	LW_TT_BINARY = 8, LW_TT_LIST = 9, LW_TT_SET = 10, LW_TT_MAP = 11,
	LW_TT_STRUCT = 12
};

#define LW_THRIFT_MAX_DEPTH 32

struct lw_thrift {
	const uint8_t *start, *p, *end;
	int depth;		/* structs/containers open now */
	struct lw_err *err;	/* where errors go (may be NULL) */
	const char *what;	/* named in messages: "footer", "page header" */
};

/* One field header inside a struct. */
struct lw_thrift_field {
	int type;		/* enum lw_thrift_type; LW_TT_STOP at the end */
	int16_t id;
	bool bval;		/* the value of a bool field (in the header) */
};

void lw_thrift_init(struct lw_thrift *t, const void *p, size_t n,
		    const char *what, struct lw_err *err);
/* Bytes consumed so far. */
size_t lw_thrift_pos(const struct lw_thrift *t);

int lw_thrift_varint(struct lw_thrift *t, uint64_t *v);
int lw_thrift_byte(struct lw_thrift *t, int8_t *v);
int lw_thrift_i16(struct lw_thrift *t, int16_t *v);
int lw_thrift_i32(struct lw_thrift *t, int32_t *v);
int lw_thrift_i64(struct lw_thrift *t, int64_t *v);
int lw_thrift_double(struct lw_thrift *t, double *v);
/* A binary/string: *p points into the buffer (not NUL-terminated). */
int lw_thrift_binary(struct lw_thrift *t, const uint8_t **p, size_t *n);
/* Same, copied into a new NUL-terminated string the caller frees. */
int lw_thrift_string(struct lw_thrift *t, char **out);

/* Structs: begin (depth check), then fields until type LW_TT_STOP, then
 * end. *last is the previous field id (start it at 0). */
int lw_thrift_struct_begin(struct lw_thrift *t);
int lw_thrift_field_next(struct lw_thrift *t, int16_t *last,
			 struct lw_thrift_field *f);
void lw_thrift_struct_end(struct lw_thrift *t);
/* List or set header: element type and count (count checked against the
 * bytes left). Bool elements are one byte each (1 true). */
int lw_thrift_list_begin(struct lw_thrift *t, int *elem_type, uint32_t *n);
/* Read a bool list element. */
int lw_thrift_list_bool(struct lw_thrift *t, bool *v);

/* Skip a value of the given type (a field's value or a container element;
 * for a bool field pass LW_TT_TRUE: nothing follows the header). */
int lw_thrift_skip(struct lw_thrift *t, int type);
/* Int fields may be written as any integer width; read one as i64. */
int lw_thrift_int(struct lw_thrift *t, int type, int64_t *v);

#endif
