/* parquet.c - the "parquet" file format: rows, schema and row groups from
 * the footer, read from the file's tail (one suffix range, a second read
 * only for footers larger than LW_PQ_TAIL). Data pages are never read here.
 */
#include <stdio.h>
#include <string.h>
#include "lakewatch/parquet.h"
#include "lakewatch/format.h"
#include "lakewatch/util.h"

static const char *const phys_names[] = {
	"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE",
	"BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"
};

static const char *const conv_names[] = {
	"UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE",
	"TIME_MILLIS", "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS",
	"UINT_8", "UINT_16", "UINT_32", "UINT_64", "INT_8", "INT_16",
	"INT_32", "INT_64", "JSON", "BSON", "INTERVAL"
};
enum { CT_UTF8 = 0, CT_MAP = 1, CT_MAP_KV = 2, CT_LIST = 3, CT_ENUM = 4,
       CT_DECIMAL = 5, CT_DATE = 6, CT_TIME_MILLIS = 7, CT_TIME_MICROS = 8,
       CT_TS_MILLIS = 9, CT_TS_MICROS = 10, CT_UINT_32 = 13, CT_UINT_64 = 14,
       CT_JSON = 19, CT_BSON = 20, CT_INTERVAL = 21 };

static const char *unit_name(int u)
{
	return u == LW_PQ_MILLIS ? "MILLIS" : u == LW_PQ_MICROS ? "MICROS" :
	       u == LW_PQ_NANOS ? "NANOS" : "?";
}

/* The logical (or legacy converted) annotation as text, "" for none. */
static void annot_fmt(const struct lw_pq_schema_elem *e, char *b, size_t n)
{
	const struct lw_pq_logical *l = &e->logical;
	static const char *const simple[] = {
		[LW_PQ_LT_STRING] = "STRING", [LW_PQ_LT_MAP] = "MAP",
		[LW_PQ_LT_LIST] = "LIST", [LW_PQ_LT_ENUM] = "ENUM",
		[LW_PQ_LT_DATE] = "DATE", [LW_PQ_LT_UNKNOWN] = "UNKNOWN",
		[LW_PQ_LT_JSON] = "JSON", [LW_PQ_LT_BSON] = "BSON",
		[LW_PQ_LT_UUID] = "UUID", [LW_PQ_LT_FLOAT16] = "FLOAT16",
		[LW_PQ_LT_VARIANT] = "VARIANT",
		[LW_PQ_LT_GEOMETRY] = "GEOMETRY",
		[LW_PQ_LT_GEOGRAPHY] = "GEOGRAPHY",
	};
	switch (l->kind) {
	case LW_PQ_LT_NONE:
		if (e->converted_type == CT_DECIMAL)
			snprintf(b, n, "DECIMAL(%d,%d)", (int)e->precision,
				 (int)e->scale);
		else if (e->converted_type >= 0 && e->converted_type <=
			 CT_INTERVAL)
			snprintf(b, n, "%s", conv_names[e->converted_type]);
		else
			b[0] = 0;
		return;
	case LW_PQ_LT_DECIMAL:
		snprintf(b, n, "DECIMAL(%d,%d)", (int)l->precision,
			 (int)l->scale);
		return;
	case LW_PQ_LT_TIME:
	case LW_PQ_LT_TIMESTAMP:
		snprintf(b, n, "%s(%s,%s)", l->kind == LW_PQ_LT_TIME ?
			 "TIME" : "TIMESTAMP", unit_name(l->unit),
			 l->utc ? "utc" : "local");
		return;
	case LW_PQ_LT_INTEGER:
		snprintf(b, n, "INTEGER(%d,%s)", l->bit_width,
			 l->is_signed ? "signed" : "unsigned");
		return;
	case LW_PQ_LT_OTHER:
		snprintf(b, n, "OTHER");
		return;
	default:
		snprintf(b, n, "%s", simple[l->kind]);
	}
}

static void physical_fmt(const struct lw_pq_schema_elem *e, char *b,
			 size_t n)
{
	char a[64];
	int w;
	annot_fmt(e, a, sizeof a);
	if (e->num_children >= 0 && e->type < 0)
		w = snprintf(b, n, "group");
	else if (e->type == LW_PQ_FIXED_LEN_BYTE_ARRAY)
		w = snprintf(b, n, "FIXED_LEN_BYTE_ARRAY(%d)",
			     (int)e->type_length);
	else if (e->type >= 0 && e->type <= LW_PQ_FIXED_LEN_BYTE_ARRAY)
		w = snprintf(b, n, "%s", phys_names[e->type]);
	else
		w = snprintf(b, n, "TYPE%d", e->type);
	if (a[0] && w >= 0 && (size_t)w < n)
		snprintf(b + w, n - (size_t)w, "/%s", a);
}

/* Canonical type of one element; precision/scale set for decimals. */
static enum lw_type elem_type(const struct lw_pq_schema_elem *e, int *prec,
			      int *scale)
{
	const struct lw_pq_logical *l = &e->logical;
	int ct = e->converted_type;

	if (e->num_children >= 0 && e->type < 0) {
		if (l->kind == LW_PQ_LT_VARIANT)	/* metadata + value */
			return LW_T_VARIANT;
		if (l->kind == LW_PQ_LT_MAP || ct == CT_MAP || ct == CT_MAP_KV)
			return LW_T_MAP;
		if (l->kind == LW_PQ_LT_LIST || ct == CT_LIST ||
		    e->repetition == LW_PQ_REPEATED)
			return LW_T_LIST;
		return LW_T_STRUCT;
	}
	if (e->repetition == LW_PQ_REPEATED)
		return LW_T_LIST;	/* a bare repeated primitive */
	if (l->kind == LW_PQ_LT_UNKNOWN)
		return LW_T_NULL;
	if (l->kind == LW_PQ_LT_DECIMAL || (l->kind == LW_PQ_LT_NONE &&
					    ct == CT_DECIMAL)) {
		*prec = l->kind ? l->precision : e->precision;
		*scale = l->kind ? l->scale : e->scale;
		return LW_T_DECIMAL;
	}
	switch (e->type) {
	case LW_PQ_BOOLEAN:
		return LW_T_BOOLEAN;
	case LW_PQ_INT32:
		if (l->kind == LW_PQ_LT_DATE || ct == CT_DATE)
			return LW_T_DATE;
		if ((l->kind == LW_PQ_LT_INTEGER && !l->is_signed &&
		     l->bit_width == 32) || ct == CT_UINT_32)
			return LW_T_INT64;
		return LW_T_INT32;
	case LW_PQ_INT64:
		if (l->kind == LW_PQ_LT_TIMESTAMP || ct == CT_TS_MILLIS ||
		    ct == CT_TS_MICROS)
			return LW_T_TIMESTAMP;
		return LW_T_INT64;
	case LW_PQ_INT96:
		return LW_T_TIMESTAMP;
	case LW_PQ_FLOAT:
		return LW_T_FLOAT;
	case LW_PQ_DOUBLE:
		return LW_T_DOUBLE;
	case LW_PQ_BYTE_ARRAY:
		if (l->kind == LW_PQ_LT_STRING || l->kind == LW_PQ_LT_ENUM ||
		    l->kind == LW_PQ_LT_JSON || (l->kind == LW_PQ_LT_NONE &&
		    (ct == CT_UTF8 || ct == CT_ENUM || ct == CT_JSON)))
			return LW_T_STRING;
		return LW_T_BINARY;
	case LW_PQ_FIXED_LEN_BYTE_ARRAY:
		if (l->kind == LW_PQ_LT_UUID)
			return LW_T_STRING;
		if (l->kind == LW_PQ_LT_FLOAT16)
			return LW_T_FLOAT;
		return LW_T_BINARY;
	default:
		return LW_T_UNKNOWN;
	}
}

/* Index just past the subtree rooted at i (the tree was checked). */
static size_t subtree_end(const struct lw_parquet_meta *m, size_t i)
{
	size_t pending = 1;
	while (pending && i < m->nschema) {
		pending--;
		if (m->schema[i].num_children > 0)
			pending += (size_t)m->schema[i].num_children;
		i++;
	}
	return i;
}

int lw_parquet_schema(const struct lw_parquet_meta *m, struct lw_schema *out,
		      struct lw_err *err)
{
	char phys[160];
	if (m->nschema == 0)
		return lw_err_set(err, LW_EPARSE, "footer has no schema");
	int32_t nkids = m->schema[0].num_children;
	size_t i = 1;
	for (int32_t k = 0; k < nkids; k++) {
		if (i >= m->nschema)
			return lw_err_set(err, LW_EPARSE, "schema ends early");
		const struct lw_pq_schema_elem *e = &m->schema[i];
		int prec = 0, scale = 0;
		enum lw_type t = elem_type(e, &prec, &scale);
		physical_fmt(e, phys, sizeof phys);
		struct lw_column *c = lw_schema_add(out, e->name, t, phys);
		c->precision = prec;
		c->scale = scale;
		c->nullable = e->repetition != LW_PQ_REQUIRED;
		i = subtree_end(m, i);
	}
	return LW_OK;
}

static int pq_probe_file(const struct lw_file *f, const void *opts,
			 struct lw_file_obs *out, struct lw_err *err)
{
	struct lw_parquet_meta m;
	int64_t cost = 0;
	int64_t size = f->entry->size >= 0 ? f->entry->size : -1;
	(void)opts;

	int rc = lw_parquet_read_meta(f->lake, f->entry->path, size, &m,
				      &cost, err);
	out->bytes_read += cost;
	if (!rc) {
		rc = lw_parquet_schema(&m, &out->schema, err);
		if (rc)
			lw_parquet_meta_free(&m);
	}
	if (rc) {
		lw_err_prefix(err, "%s", f->entry->path);
		return rc;
	}
	out->has_schema = true;
	out->rows = m.num_rows;
	if (!out->detail)
		out->detail = cJSON_CreateObject();
	cJSON_AddNumberToObject(out->detail, "row_groups", (double)m.nrgs);
	cJSON_AddStringToObject(out->detail, "created_by",
				m.created_by ? m.created_by : "");
	out->parquet.present = true;
	out->parquet.has_row_groups = true;
	out->parquet.row_groups = (int64_t)m.nrgs;
	out->parquet.created_by = lw_xstrdup(m.created_by ? m.created_by : "");
	lw_parquet_meta_free(&m);
	return LW_OK;
}

const struct lw_format lw_format_parquet = {
	.name = "parquet",
	.probe_file = pq_probe_file,
	.default_include = "\\.parquet$",
	.tail_hint = LW_PQ_TAIL,
};
