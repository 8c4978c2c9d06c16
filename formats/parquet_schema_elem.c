/* parquet_schema_elem.c - decode one SchemaElement of the footer: its
 * scalar fields and the LogicalType union with its members (DECIMAL, TIME,
 * TIMESTAMP, INTEGER and the empty ones).
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/util.h"
#include "parquet_footer_int.h"

/* An empty struct (the union members that carry nothing). */
static int rd_empty(struct lw_thrift *t, const struct lw_thrift_field *f)
{
	return lw_thrift_skip(t, f->type);
}

/* TimeUnit union: the member's id is the unit. */
static int rd_unit(struct lw_thrift *t, const struct lw_thrift_field *f,
		   int *unit)
{
	int16_t last = 0;
	struct lw_thrift_field g;
	int rc = lw_pqf_want(t, f, LW_TT_STRUCT, "unit");
	if (rc || (rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &g)) &&
	       g.type != LW_TT_STOP) {
		if (g.id >= 1 && g.id <= 3)
			*unit = g.id;
		if ((rc = lw_thrift_skip(t, g.type)))
			break;
	}
	lw_thrift_struct_end(t);
	return rc;
}

/* TIME, TIMESTAMP, INTEGER and DECIMAL members. */
static int rd_lt_member(struct lw_thrift *t, const struct lw_thrift_field *f,
			struct lw_pq_logical *lt)
{
	int16_t last = 0;
	struct lw_thrift_field g;
	int64_t x;
	int rc = lw_pqf_want(t, f, LW_TT_STRUCT, "logicalType");
	if (rc || (rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &g)) &&
	       g.type != LW_TT_STOP) {
		switch (lt->kind) {
		case LW_PQ_LT_DECIMAL:
			if (g.id == 1)
				rc = lw_pqf_i32(t, &g, &lt->scale);
			else if (g.id == 2)
				rc = lw_pqf_i32(t, &g, &lt->precision);
			else
				rc = lw_thrift_skip(t, g.type);
			break;
		case LW_PQ_LT_TIME:
		case LW_PQ_LT_TIMESTAMP:
			if (g.id == 1 && g.type == LW_TT_TRUE)
				lt->utc = g.bval;
			else if (g.id == 2)
				rc = rd_unit(t, &g, &lt->unit);
			else
				rc = lw_thrift_skip(t, g.type);
			break;
		case LW_PQ_LT_INTEGER:
			if (g.id == 1) {
				rc = lw_thrift_int(t, g.type, &x);
				lt->bit_width = (int)x;
			} else if (g.id == 2 && g.type == LW_TT_TRUE) {
				lt->is_signed = g.bval;
			} else {
				rc = lw_thrift_skip(t, g.type);
			}
			break;
		default:
			rc = lw_thrift_skip(t, g.type);
		}
		if (rc)
			break;
	}
	lw_thrift_struct_end(t);
	return rc;
}

static int rd_logical(struct lw_thrift *t, const struct lw_thrift_field *f,
		      struct lw_pq_logical *lt)
{
	int16_t last = 0;
	struct lw_thrift_field g;
	int rc = lw_pqf_want(t, f, LW_TT_STRUCT, "logicalType");
	if (rc || (rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &g)) &&
	       g.type != LW_TT_STOP) {
		memset(lt, 0, sizeof *lt);
		switch (g.id) {
		case LW_PQ_LT_DECIMAL: case LW_PQ_LT_TIME:
		case LW_PQ_LT_TIMESTAMP: case LW_PQ_LT_INTEGER:
			lt->kind = g.id;
			rc = rd_lt_member(t, &g, lt);
			break;
		case LW_PQ_LT_STRING: case LW_PQ_LT_MAP: case LW_PQ_LT_LIST:
		case LW_PQ_LT_ENUM: case LW_PQ_LT_DATE: case LW_PQ_LT_UNKNOWN:
		case LW_PQ_LT_JSON: case LW_PQ_LT_BSON: case LW_PQ_LT_UUID:
		case LW_PQ_LT_FLOAT16: case LW_PQ_LT_VARIANT:
		case LW_PQ_LT_GEOMETRY: case LW_PQ_LT_GEOGRAPHY:
			lt->kind = g.id;
			rc = rd_empty(t, &g);
			break;
		default:
			lt->kind = LW_PQ_LT_OTHER;
			rc = lw_thrift_skip(t, g.type);
		}
		if (rc)
			break;
	}
	lw_thrift_struct_end(t);
	return rc;
}

int lw_pqf_schema_elem(struct lw_thrift *t, struct lw_pq_schema_elem *e)
{
	int16_t last = 0;
	struct lw_thrift_field f;
	int rc;

	e->type = e->repetition = e->converted_type = -1;
	e->type_length = e->num_children = -1;
	e->scale = e->precision = e->field_id = -1;
	if ((rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &f)) &&
	       f.type != LW_TT_STOP) {
		switch (f.id) {
		case 1: rc = lw_pqf_int(t, &f, &e->type); break;
		case 2: rc = lw_pqf_i32(t, &f, &e->type_length); break;
		case 3: rc = lw_pqf_int(t, &f, &e->repetition); break;
		case 4: rc = lw_pqf_str(t, &f, "name", &e->name); break;
		case 5: rc = lw_pqf_i32(t, &f, &e->num_children); break;
		case 6: rc = lw_pqf_int(t, &f, &e->converted_type); break;
		case 7: rc = lw_pqf_i32(t, &f, &e->scale); break;
		case 8: rc = lw_pqf_i32(t, &f, &e->precision); break;
		case 9: rc = lw_pqf_i32(t, &f, &e->field_id); break;
		case 10: rc = rd_logical(t, &f, &e->logical); break;
		default: rc = lw_thrift_skip(t, f.type);
		}
		if (rc)
			break;
	}
	lw_thrift_struct_end(t);
	if (!rc && !e->name)
		rc = lw_err_set(t->err, LW_EPARSE,
				"corrupt %s at byte %zu: schema element "
				"without a name", t->what, lw_thrift_pos(t));
	if (!rc && e->num_children < -1)
		rc = lw_err_set(t->err, LW_EPARSE, "corrupt %s: schema "
				"element '%s' has %d children", t->what,
				e->name, (int)e->num_children);
	return rc;
}
