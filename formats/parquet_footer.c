/* parquet_footer.c - decode FileMetaData (the footer) and find it in a file.
 *
 * Field ids follow parquet.thrift. Unknown fields are skipped, so newer
 * writers' additions (statistics, indexes, encryption details) pass.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/parquet.h"
#include "lakewatch/thrift.h"
#include "lakewatch/util.h"

/* Counts beyond these are refused: far more than any real footer holds. */
#define MAX_SCHEMA	100000
#define MAX_ROW_GROUPS	1000000
#define MAX_KV		100000

/* Memory the decoded footer may take: MEM_RATIO times its bytes, at least
 * MEM_MIN. Every list element costs at least one byte of footer, but an
 * empty ColumnChunk (1 byte) becomes a 100-byte struct and an empty string
 * a 32-byte allocation, so without a budget a 64 MB footer could ask for
 * gigabytes. Real footers stay well under 4 times their size. */
#define MEM_RATIO	8
#define MEM_MIN		((size_t)16 * 1024 * 1024)
#define STR_COST	32	/* an allocation's overhead, roughly */

/* The cursor every reader below gets: a struct lw_thrift first, so the
 * budget can be found from it. Only lw_parquet_meta_parse makes one. */
struct footer_cur {
	struct lw_thrift t;
	size_t mem, budget;
};

/* Account for n more bytes of decoded footer; LW_ETOOBIG past budget. */
static int charge(struct lw_thrift *t, size_t n)
{
	struct footer_cur *c = (struct footer_cur *)t;
	if (n > c->budget - c->mem)
		return lw_err_set(t->err, LW_ETOOBIG, "corrupt %s at byte %zu: "
				  "decoding it would take more than %zu MB "
				  "of memory", t->what, lw_thrift_pos(t),
				  c->budget >> 20);
	c->mem += n;
	return LW_OK;
}

/* A string, charged to the budget. */
static int rd_string(struct lw_thrift *t, char **out)
{
	size_t at = lw_thrift_pos(t);
	int rc = lw_thrift_string(t, out);
	return rc ? rc : charge(t, lw_thrift_pos(t) - at + STR_COST);
}

static int want(struct lw_thrift *t, const struct lw_thrift_field *f,
		int type, const char *name)
{
	if (f->type == type)
		return LW_OK;
	return lw_err_set(t->err, LW_EPARSE,
			  "corrupt %s at byte %zu: field %s has wrong type %d",
			  t->what, lw_thrift_pos(t), name, f->type);
}

static int rd_i64(struct lw_thrift *t, const struct lw_thrift_field *f,
		  int64_t *v)
{
	return lw_thrift_int(t, f->type, v);
}

static int rd_i32(struct lw_thrift *t, const struct lw_thrift_field *f,
		  int32_t *v)
{
	int64_t x;
	int rc = lw_thrift_int(t, f->type, &x);
	if (rc)
		return rc;
	if (x < INT32_MIN || x > INT32_MAX)
		return lw_err_set(t->err, LW_EPARSE,
				  "corrupt %s at byte %zu: i32 out of range",
				  t->what, lw_thrift_pos(t));
	*v = (int32_t)x;
	return LW_OK;
}

static int rd_int(struct lw_thrift *t, const struct lw_thrift_field *f,
		  int *v)
{
	int32_t x;
	int rc = rd_i32(t, f, &x);
	*v = x;
	return rc;
}

static int rd_str(struct lw_thrift *t, const struct lw_thrift_field *f,
		  const char *name, char **out)
{
	int rc = want(t, f, LW_TT_BINARY, name);
	if (rc)
		return rc;
	free(*out);	/* a repeated field keeps the last value */
	*out = NULL;
	return rd_string(t, out);
}

static int rd_list(struct lw_thrift *t, const struct lw_thrift_field *f,
		   const char *name, int elem, uint32_t max, uint32_t *n)
{
	int et, rc = want(t, f, LW_TT_LIST, name);
	if (rc)
		return rc;
	if ((rc = lw_thrift_list_begin(t, &et, n)))
		return rc;
	if (et != elem && !(elem == LW_TT_I32 && (et == LW_TT_I16 ||
						  et == LW_TT_I64)))
		return lw_err_set(t->err, LW_EPARSE,
				  "corrupt %s at byte %zu: list %s has "
				  "elements of type %d", t->what,
				  lw_thrift_pos(t), name, et);
	if (*n > max)
		return lw_err_set(t->err, LW_ETOOBIG,
				  "%s: %s has %u entries (limit %u)", t->what,
				  name, *n, max);
	return LW_OK;
}

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
	int rc = want(t, f, LW_TT_STRUCT, "unit");
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
	int rc = want(t, f, LW_TT_STRUCT, "logicalType");
	if (rc || (rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &g)) &&
	       g.type != LW_TT_STOP) {
		switch (lt->kind) {
		case LW_PQ_LT_DECIMAL:
			if (g.id == 1)
				rc = rd_i32(t, &g, &lt->scale);
			else if (g.id == 2)
				rc = rd_i32(t, &g, &lt->precision);
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
	int rc = want(t, f, LW_TT_STRUCT, "logicalType");
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

static int rd_schema_elem(struct lw_thrift *t, struct lw_pq_schema_elem *e)
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
		case 1: rc = rd_int(t, &f, &e->type); break;
		case 2: rc = rd_i32(t, &f, &e->type_length); break;
		case 3: rc = rd_int(t, &f, &e->repetition); break;
		case 4: rc = rd_str(t, &f, "name", &e->name); break;
		case 5: rc = rd_i32(t, &f, &e->num_children); break;
		case 6: rc = rd_int(t, &f, &e->converted_type); break;
		case 7: rc = rd_i32(t, &f, &e->scale); break;
		case 8: rc = rd_i32(t, &f, &e->precision); break;
		case 9: rc = rd_i32(t, &f, &e->field_id); break;
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

static int rd_col_meta(struct lw_thrift *t, struct lw_pq_column_chunk *c)
{
	int16_t last = 0;
	struct lw_thrift_field f;
	uint32_t n;
	int64_t x;
	int rc;

	c->has_meta = true;
	if ((rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &f)) &&
	       f.type != LW_TT_STOP) {
		switch (f.id) {
		case 1: rc = rd_int(t, &f, &c->type); break;
		case 2:
			if (c->encodings)
				goto dup;
			if ((rc = rd_list(t, &f, "encodings", LW_TT_I32,
					  1000, &n)) ||
			    (rc = charge(t, (size_t)n * sizeof(int32_t) +
					 STR_COST)))
				break;
			c->encodings = lw_xcalloc(n ? n : 1, sizeof(int32_t));
			for (uint32_t i = 0; i < n && !rc; i++) {
				rc = lw_thrift_i64(t, &x);
				c->encodings[i] = (int32_t)x;
				c->nencodings = i + 1;
			}
			break;
		case 3:
			if (c->path)
				goto dup;
			if ((rc = rd_list(t, &f, "path_in_schema", LW_TT_BINARY,
					  1000, &n)) ||
			    (rc = charge(t, (size_t)n * sizeof(char *) +
					 STR_COST)))
				break;
			c->path = lw_xcalloc(n ? n : 1, sizeof(char *));
			for (uint32_t i = 0; i < n && !rc; i++) {
				rc = rd_string(t, &c->path[i]);
				if (!rc)
					c->npath = i + 1;
			}
			break;
		case 4: rc = rd_int(t, &f, &c->codec); break;
		case 5: rc = rd_i64(t, &f, &c->num_values); break;
		case 6: rc = rd_i64(t, &f, &c->total_uncompressed_size); break;
		case 7: rc = rd_i64(t, &f, &c->total_compressed_size); break;
		case 9: rc = rd_i64(t, &f, &c->data_page_offset); break;
		case 11: rc = rd_i64(t, &f, &c->dictionary_page_offset); break;
		default: rc = lw_thrift_skip(t, f.type);
		}
		if (rc)
			break;
	}
	lw_thrift_struct_end(t);
	return rc;
dup:
	lw_thrift_struct_end(t);
	return lw_err_set(t->err, LW_EPARSE, "corrupt %s at byte %zu: "
			  "repeated list field %d", t->what, lw_thrift_pos(t),
			  f.id);
}

static int rd_column_chunk(struct lw_thrift *t, struct lw_pq_column_chunk *c)
{
	int16_t last = 0;
	struct lw_thrift_field f;
	int rc;

	c->dictionary_page_offset = -1;
	c->type = -1;
	if ((rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &f)) &&
	       f.type != LW_TT_STOP) {
		switch (f.id) {
		case 1: rc = rd_str(t, &f, "file_path", &c->file_path); break;
		case 2: rc = rd_i64(t, &f, &c->file_offset); break;
		case 3:
			if (c->has_meta) {
				rc = lw_err_set(t->err, LW_EPARSE, "corrupt %s"
						": repeated meta_data", t->what);
				break;
			}
			if (!(rc = want(t, &f, LW_TT_STRUCT, "meta_data")))
				rc = rd_col_meta(t, c);
			break;
		default: rc = lw_thrift_skip(t, f.type);
		}
		if (rc)
			break;
	}
	lw_thrift_struct_end(t);
	return rc;
}

static int rd_row_group(struct lw_thrift *t, struct lw_pq_row_group *g)
{
	int16_t last = 0;
	struct lw_thrift_field f;
	uint32_t n;
	int rc;

	if ((rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &f)) &&
	       f.type != LW_TT_STOP) {
		switch (f.id) {
		case 1:
			if (g->cols) {
				rc = lw_err_set(t->err, LW_EPARSE, "corrupt %s"
						": repeated columns", t->what);
				break;
			}
			if ((rc = rd_list(t, &f, "columns", LW_TT_STRUCT,
					  MAX_SCHEMA, &n)) ||
			    (rc = charge(t, (size_t)n * sizeof *g->cols)))
				break;
			g->cols = lw_xcalloc(n ? n : 1, sizeof *g->cols);
			for (uint32_t i = 0; i < n && !rc; i++) {
				g->ncols = i + 1;
				rc = rd_column_chunk(t, &g->cols[i]);
			}
			break;
		case 2: rc = rd_i64(t, &f, &g->total_byte_size); break;
		case 3: rc = rd_i64(t, &f, &g->num_rows); break;
		default: rc = lw_thrift_skip(t, f.type);
		}
		if (rc)
			break;
	}
	lw_thrift_struct_end(t);
	return rc;
}

static int rd_kv(struct lw_thrift *t, struct lw_pq_kv *kv)
{
	int16_t last = 0;
	struct lw_thrift_field f;
	int rc;

	if ((rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &f)) &&
	       f.type != LW_TT_STOP) {
		if (f.id == 1)
			rc = rd_str(t, &f, "key", &kv->key);
		else if (f.id == 2)
			rc = rd_str(t, &f, "value", &kv->value);
		else
			rc = lw_thrift_skip(t, f.type);
		if (rc)
			break;
	}
	lw_thrift_struct_end(t);
	if (!rc && !kv->key)
		kv->key = lw_xstrdup("");
	return rc;
}

static int rd_file_meta(struct lw_thrift *t, struct lw_parquet_meta *m)
{
	int16_t last = 0;
	struct lw_thrift_field f;
	uint32_t n;
	int rc;
	bool seen_schema = false;

	if ((rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &f)) &&
	       f.type != LW_TT_STOP) {
		switch (f.id) {
		case 1: rc = rd_i32(t, &f, &m->version); break;
		case 2:
			if (m->schema)
				goto dup;
			if ((rc = rd_list(t, &f, "schema", LW_TT_STRUCT,
					  MAX_SCHEMA, &n)) ||
			    (rc = charge(t, (size_t)n * sizeof *m->schema)))
				break;
			seen_schema = true;
			m->schema = lw_xcalloc(n ? n : 1, sizeof *m->schema);
			for (uint32_t i = 0; i < n && !rc; i++) {
				m->nschema = i + 1;
				rc = rd_schema_elem(t, &m->schema[i]);
			}
			break;
		case 3: rc = rd_i64(t, &f, &m->num_rows); break;
		case 4:
			if (m->rgs)
				goto dup;
			if ((rc = rd_list(t, &f, "row_groups", LW_TT_STRUCT,
					  MAX_ROW_GROUPS, &n)) ||
			    (rc = charge(t, (size_t)n * sizeof *m->rgs)))
				break;
			m->rgs = lw_xcalloc(n ? n : 1, sizeof *m->rgs);
			for (uint32_t i = 0; i < n && !rc; i++) {
				m->nrgs = i + 1;
				rc = rd_row_group(t, &m->rgs[i]);
			}
			break;
		case 5:
			if (m->kv)
				goto dup;
			if ((rc = rd_list(t, &f, "key_value_metadata",
					  LW_TT_STRUCT, MAX_KV, &n)) ||
			    (rc = charge(t, (size_t)n * sizeof *m->kv)))
				break;
			m->kv = lw_xcalloc(n ? n : 1, sizeof *m->kv);
			for (uint32_t i = 0; i < n && !rc; i++) {
				m->nkv = i + 1;
				rc = rd_kv(t, &m->kv[i]);
			}
			break;
		case 6: rc = rd_str(t, &f, "created_by", &m->created_by); break;
		default: rc = lw_thrift_skip(t, f.type);
		}
		if (rc)
			break;
	}
	lw_thrift_struct_end(t);
	if (!rc && (!seen_schema || m->nschema == 0))
		rc = lw_err_set(t->err, LW_EPARSE, "corrupt %s: no schema",
				t->what);
	if (!rc && m->num_rows < 0)
		rc = lw_err_set(t->err, LW_EPARSE, "corrupt %s: num_rows %lld",
				t->what, (long long)m->num_rows);
	return rc;
dup:
	lw_thrift_struct_end(t);
	return lw_err_set(t->err, LW_EPARSE, "corrupt %s at byte %zu: "
			  "repeated field %d", t->what, lw_thrift_pos(t), f.id);
}

void lw_parquet_meta_free(struct lw_parquet_meta *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nschema; i++)
		free(m->schema[i].name);
	free(m->schema);
	for (size_t i = 0; i < m->nrgs; i++) {
		struct lw_pq_row_group *g = &m->rgs[i];
		for (size_t j = 0; j < g->ncols; j++) {
			struct lw_pq_column_chunk *c = &g->cols[j];
			free(c->file_path);
			free(c->encodings);
			for (size_t k = 0; k < c->npath; k++)
				free(c->path[k]);
			free(c->path);
		}
		free(g->cols);
	}
	free(m->rgs);
	for (size_t i = 0; i < m->nkv; i++) {
		free(m->kv[i].key);
		free(m->kv[i].value);
	}
	free(m->kv);
	free(m->created_by);
	memset(m, 0, sizeof *m);
	m->file_size = -1;
}

/* Checks that num_children describes one tree that uses every element. */
static int check_tree(const struct lw_parquet_meta *m, size_t *i, int depth,
		      struct lw_err *err)
{
	const struct lw_pq_schema_elem *e = &m->schema[*i];
	if (depth > 64)
		return lw_err_set(err, LW_EPARSE, "schema nested too deep");
	(*i)++;
	for (int32_t k = 0; k < e->num_children; k++) {
		if (*i >= m->nschema)
			return lw_err_set(err, LW_EPARSE, "schema element '%s' "
					  "claims %d children but the schema "
					  "ends", e->name,
					  (int)e->num_children);
		int rc = check_tree(m, i, depth + 1, err);
		if (rc)
			return rc;
	}
	return LW_OK;
}

int lw_parquet_meta_parse(const void *footer, size_t n,
			  struct lw_parquet_meta *m, struct lw_err *err)
{
	struct footer_cur c;
	memset(m, 0, sizeof *m);
	m->file_size = -1;
	lw_thrift_init(&c.t, footer, n, "footer", err);
	c.mem = 0;
	c.budget = n > MEM_MIN / MEM_RATIO ? n * MEM_RATIO : MEM_MIN;
	int rc = rd_file_meta(&c.t, m);
	size_t i = 0;
	if (!rc)
		rc = check_tree(m, &i, 0, err);
	if (!rc && i != m->nschema)
		rc = lw_err_set(err, LW_EPARSE, "corrupt footer: %zu schema "
				"elements outside the tree",
				m->nschema - i);
	if (rc)
		lw_parquet_meta_free(m);
	return rc;
}

size_t lw_parquet_leaf_count(const struct lw_parquet_meta *m)
{
	size_t n = 0;
	for (size_t i = 1; i < m->nschema; i++)
		if (m->schema[i].num_children <= 0)
			n++;
	return n;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int lw_parquet_tail(const void *tail, size_t n, int64_t file_size,
		    int64_t *footer_len, struct lw_err *err)
{
	const uint8_t *p = tail;
	if (n < 8 || (file_size >= 0 && file_size < 12))
		return lw_err_set(err, LW_EPARSE, "truncated: %lld bytes is "
				  "too short for a Parquet file",
				  (long long)(file_size >= 0 ? file_size :
					      (int64_t)n));
	const uint8_t *magic = p + n - 4;
	if (!memcmp(magic, "PARE", 4))
		return lw_err_set(err, LW_EUNSUPPORTED, "encrypted footer "
				  "(PARE): cannot be read without keys");
	if (memcmp(magic, "PAR1", 4))
		return lw_err_set(err, LW_EPARSE, "not a Parquet file: bad "
				  "magic at the end (truncated or not "
				  "Parquet)");
	int64_t len = le32(p + n - 8);
	if (len < 2)
		return lw_err_set(err, LW_EPARSE, "corrupt: footer length "
				  "%lld", (long long)len);
	if (file_size >= 0 && len + 12 > file_size)
		return lw_err_set(err, LW_EPARSE, "corrupt or truncated: "
				  "footer length %lld does not fit in %lld "
				  "bytes", (long long)len,
				  (long long)file_size);
	if (len > LW_PQ_MAX_FOOTER)
		return lw_err_set(err, LW_ETOOBIG, "footer of %lld bytes is "
				  "over the %lld limit", (long long)len,
				  (long long)LW_PQ_MAX_FOOTER);
	*footer_len = len;
	return LW_OK;
}

int lw_parquet_read_meta(struct lw_lake *lake, const char *path,
			 int64_t file_size, struct lw_parquet_meta *m,
			 int64_t *bytes_read, struct lw_err *err)
{
	const struct lw_lake_kind *k = lw_lake_base(lake)->kind;
	struct lw_buf b;
	int64_t flen, got;
	int rc;

	memset(m, 0, sizeof *m);
	m->file_size = -1;
	if (bytes_read)
		*bytes_read = 0;
	lw_buf_init(&b, LW_PQ_TAIL);
	if ((rc = k->read(lake, path, -LW_PQ_TAIL, -1, &b, err)))
		goto out;
	got = (int64_t)b.len;
	if (bytes_read)
		*bytes_read += got;
	/* A short answer to a suffix read is the whole file. */
	if (got < LW_PQ_TAIL) {
		if (file_size >= 0 && file_size != got) {
			rc = lw_err_set(err, LW_EPARSE, "truncated: read %lld "
					"of %lld bytes", (long long)got,
					(long long)file_size);
			goto out;
		}
		file_size = got;
	}
	if ((rc = lw_parquet_tail(b.data, b.len, file_size, &flen, err)))
		goto out;
	if (got == file_size && memcmp(b.data, "PAR1", 4)) {
		rc = lw_err_set(err, LW_EPARSE, "not a Parquet file: bad "
				"magic at the start");
		goto out;
	}
	if (flen + 8 > got) {
		lw_buf_free(&b);
		lw_buf_init(&b, (size_t)flen + 8);
		if ((rc = k->read(lake, path, -(flen + 8), -1, &b, err)))
			goto out;
		if (bytes_read)
			*bytes_read += (int64_t)b.len;
		if ((int64_t)b.len != flen + 8) {
			rc = lw_err_set(err, LW_EPARSE, "truncated: footer of "
					"%lld bytes but the file has %zu",
					(long long)flen, b.len);
			goto out;
		}
	}
	rc = lw_parquet_meta_parse(b.data + b.len - 8 - flen, (size_t)flen,
				   m, err);
	if (!rc) {
		m->footer_len = flen;
		m->file_size = file_size;
	}
out:
	lw_buf_free(&b);
	return rc;
}
