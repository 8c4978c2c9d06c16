/* parquet_schema_elem.c - decode one SchemaElement of the footer: its
 * scalar fields and the LogicalType union with its members (DECIMAL, TIME,
 * TIMESTAMP, INTEGER and the empty ones). Every enum is checked against
 * parquet.thrift: a value out of range is a corrupt footer naming the
 * column, not an "unknown" type that passes.
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

/* TimeUnit union: the member's id is the unit (MILLIS, MICROS, NANOS);
 * any other id is noted in bad. */
static int rd_unit(struct lw_thrift *t, const struct lw_thrift_field *f,
		   int *unit, struct lw_pqf_bad *bad)
{
	int16_t last = 0;
	struct lw_thrift_field g;
	int rc = lw_pqf_want(t, f, LW_TT_STRUCT, "unit");
	if (rc || (rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &g)) &&
	       g.type != LW_TT_STOP) {
		if (g.id >= LW_PQ_MILLIS && g.id <= LW_PQ_NANOS)
			*unit = g.id;
		else
			lw_pqf_bad_note(bad, "time unit id %d", g.id);
		if ((rc = lw_thrift_skip(t, g.type)))
			break;
	}
	lw_thrift_struct_end(t);
	return rc;
}

/* What a TIME or TIMESTAMP member requires (its unit), noted in bad. */
static void check_lt_member(const struct lw_pq_logical *lt,
			    struct lw_pqf_bad *bad)
{
	if ((lt->kind == LW_PQ_LT_TIME || lt->kind == LW_PQ_LT_TIMESTAMP) &&
	    lt->unit == 0)
		lw_pqf_bad_note(bad, "a %s logical type without a unit",
				lt->kind == LW_PQ_LT_TIME ? "TIME" : "TIMESTAMP");
}

/* TIME, TIMESTAMP, INTEGER and DECIMAL members. */
static int rd_lt_member(struct lw_thrift *t, const struct lw_thrift_field *f,
			struct lw_pq_logical *lt, struct lw_pqf_bad *bad)
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
				rc = rd_unit(t, &g, &lt->unit, bad);
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
	if (!rc)
		check_lt_member(lt, bad);
	return rc;
}

/* The LogicalType union: its member's field id is the kind (the last one
 * wins). Ids past the known ones, and 9 (reserved for INTERVAL), may be a
 * newer writer's types (LW_PQ_LT_OTHER); ids below 1 cannot be any, and
 * are noted in bad. */
static int rd_logical(struct lw_thrift *t, const struct lw_thrift_field *f,
		      struct lw_pq_logical *lt, struct lw_pqf_bad *bad)
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
			rc = rd_lt_member(t, &g, lt, bad);
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
			if (g.id < 1)
				lw_pqf_bad_note(bad, "logical type id %d",
						g.id);
			lt->kind = LW_PQ_LT_OTHER;
			rc = lw_thrift_skip(t, g.type);
		}
		if (rc)
			break;
	}
	lw_thrift_struct_end(t);
	return rc;
}

/* The element's enums against parquet.thrift's ranges (-1: absent);
 * the first bad one, or one noted while decoding, is the error. */
static int check_elem(struct lw_thrift *t, const struct lw_pq_schema_elem *e,
		      struct lw_pqf_bad *bad)
{
	struct lw_pqf_bad scalar = {{0}};
	if (e->type < -1 || e->type > LW_PQ_FIXED_LEN_BYTE_ARRAY)
		lw_pqf_bad_note(&scalar, "physical type %d", e->type);
	if (e->repetition < -1 || e->repetition > LW_PQ_REPEATED)
		lw_pqf_bad_note(&scalar, "repetition %d", e->repetition);
	if (e->converted_type < -1 || e->converted_type > LW_PQ_CT_MAX)
		lw_pqf_bad_note(&scalar, "converted type %d",
				e->converted_type);
	return lw_pqf_bad_error(t, scalar.what[0] ? &scalar : bad, e->name);
}

int lw_pqf_schema_elem(struct lw_thrift *t, struct lw_pq_schema_elem *e)
{
	int16_t last = 0;
	struct lw_thrift_field f;
	struct lw_pqf_bad bad = {{0}};
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
		case 10: rc = rd_logical(t, &f, &e->logical, &bad); break;
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
	if (!rc)
		rc = check_elem(t, e, &bad);
	return rc;
}
