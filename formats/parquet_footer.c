/* parquet_footer.c - decode FileMetaData (the footer): row groups, column
 * chunks, key/value metadata, and the schema tree's shape. The schema
 * elements are parquet_schema_elem.c, the field readers parquet_footer_rd.c,
 * finding the footer in a file parquet_tail.c.
 *
 * Field ids follow parquet.thrift. Unknown fields are skipped, so newer
 * writers' additions (statistics, indexes, encryption details) pass.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/parquet.h"
#include "lakewatch/thrift.h"
#include "lakewatch/util.h"
#include "parquet_footer_int.h"
#include "parquet_int.h"

/* Counts beyond these are refused: far more than any real footer holds. */
#define MAX_SCHEMA	100000
#define MAX_ROW_GROUPS	1000000
#define MAX_KV		100000
/* The chunk's enums against parquet.thrift's ranges; the error names the
 * column by its path_in_schema. bad holds what decoding noted. */
static int check_col_meta(struct lw_thrift *t,
			  const struct lw_pq_column_chunk *c,
			  struct lw_pqf_bad *bad)
{
	struct lw_pqf_bad scalar = {{0}};
	struct lw_buf name;
	if (c->type < -1 || c->type > LW_PQ_FIXED_LEN_BYTE_ARRAY)
		lw_pqf_bad_note(&scalar, "physical type %d", c->type);
	if (c->codec < LW_PQC_UNCOMPRESSED || c->codec > LW_PQC_LZ4_RAW)
		lw_pqf_bad_note(&scalar, "compression codec %d", c->codec);
	if (scalar.what[0])
		bad = &scalar;
	if (!bad->what[0])
		return LW_OK;
	lw_buf_init(&name, LW_BUF_1K);
	for (size_t i = 0; i < c->npath; i++)
		if (lw_buf_addf(&name, "%s%s", i ? "." : "", c->path[i]))
			break;	/* a long path is cut, still a name */
	int rc = lw_pqf_bad_error(t, bad, c->npath ? name.data :
				  "(without path_in_schema)");
	lw_buf_free(&name);
	return rc;
}

static int rd_col_meta(struct lw_thrift *t, struct lw_pq_column_chunk *c)
{
	int16_t last = 0;
	struct lw_thrift_field f;
	struct lw_pqf_bad bad = {{0}};
	uint32_t n;
	int64_t x;
	int rc;

	c->has_meta = true;
	if ((rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &f)) &&
	       f.type != LW_TT_STOP) {
		switch (f.id) {
		case 1: rc = lw_pqf_int(t, &f, &c->type); break;
		case 2:
			if (c->encodings)
				goto dup;
			if ((rc = lw_pqf_list(t, &f, "encodings", LW_TT_I32,
					  1000, &n)) ||
			    (rc = lw_pqf_charge(t, (size_t)n * sizeof(int32_t) +
					 STR_COST)))
				break;
			c->encodings = lw_xcalloc(n ? n : 1, sizeof(int32_t));
			for (uint32_t i = 0; i < n && !rc; i++) {
				rc = lw_thrift_i64(t, &x);
				if (x < LW_PQE_PLAIN ||
				    x > LW_PQE_BYTE_STREAM_SPLIT)
					lw_pqf_bad_note(&bad, "encoding %lld",
							(long long)x);
				c->encodings[i] = (int32_t)x;
				c->nencodings = i + 1;
			}
			break;
		case 3:
			if (c->path)
				goto dup;
			if ((rc = lw_pqf_list(t, &f, "path_in_schema", LW_TT_BINARY,
					  1000, &n)) ||
			    (rc = lw_pqf_charge(t, (size_t)n * sizeof(char *) +
					 STR_COST)))
				break;
			c->path = lw_xcalloc(n ? n : 1, sizeof(char *));
			for (uint32_t i = 0; i < n && !rc; i++) {
				rc = lw_pqf_string(t, &c->path[i]);
				if (!rc)
					c->npath = i + 1;
			}
			break;
		case 4: rc = lw_pqf_int(t, &f, &c->codec); break;
		case 5: rc = lw_pqf_i64(t, &f, &c->num_values); break;
		case 6: rc = lw_pqf_i64(t, &f, &c->total_uncompressed_size); break;
		case 7: rc = lw_pqf_i64(t, &f, &c->total_compressed_size); break;
		case 9: rc = lw_pqf_i64(t, &f, &c->data_page_offset); break;
		case 11: rc = lw_pqf_i64(t, &f, &c->dictionary_page_offset); break;
		default: rc = lw_thrift_skip(t, f.type);
		}
		if (rc)
			break;
	}
	lw_thrift_struct_end(t);
	return rc ? rc : check_col_meta(t, c, &bad);
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
		case 1: rc = lw_pqf_str(t, &f, "file_path", &c->file_path); break;
		case 2: rc = lw_pqf_i64(t, &f, &c->file_offset); break;
		case 3:
			if (c->has_meta) {
				rc = lw_err_set(t->err, LW_EPARSE, "corrupt %s"
						": repeated meta_data", t->what);
				break;
			}
			if (!(rc = lw_pqf_want(t, &f, LW_TT_STRUCT, "meta_data")))
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
			if ((rc = lw_pqf_list(t, &f, "columns", LW_TT_STRUCT,
					  MAX_SCHEMA, &n)) ||
			    (rc = lw_pqf_charge(t, (size_t)n * sizeof *g->cols)))
				break;
			g->cols = lw_xcalloc(n ? n : 1, sizeof *g->cols);
			for (uint32_t i = 0; i < n && !rc; i++) {
				g->ncols = i + 1;
				rc = rd_column_chunk(t, &g->cols[i]);
			}
			break;
		case 2: rc = lw_pqf_i64(t, &f, &g->total_byte_size); break;
		case 3: rc = lw_pqf_i64(t, &f, &g->num_rows); break;
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
			rc = lw_pqf_str(t, &f, "key", &kv->key);
		else if (f.id == 2)
			rc = lw_pqf_str(t, &f, "value", &kv->value);
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
		case 1: rc = lw_pqf_i32(t, &f, &m->version); break;
		case 2:
			if (m->schema)
				goto dup;
			if ((rc = lw_pqf_list(t, &f, "schema", LW_TT_STRUCT,
					  MAX_SCHEMA, &n)) ||
			    (rc = lw_pqf_charge(t, (size_t)n * sizeof *m->schema)))
				break;
			seen_schema = true;
			m->schema = lw_xcalloc(n ? n : 1, sizeof *m->schema);
			for (uint32_t i = 0; i < n && !rc; i++) {
				m->nschema = i + 1;
				rc = lw_pqf_schema_elem(t, &m->schema[i]);
			}
			break;
		case 3: rc = lw_pqf_i64(t, &f, &m->num_rows); break;
		case 4:
			if (m->rgs)
				goto dup;
			if ((rc = lw_pqf_list(t, &f, "row_groups", LW_TT_STRUCT,
					  MAX_ROW_GROUPS, &n)) ||
			    (rc = lw_pqf_charge(t, (size_t)n * sizeof *m->rgs)))
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
			if ((rc = lw_pqf_list(t, &f, "key_value_metadata",
					  LW_TT_STRUCT, MAX_KV, &n)) ||
			    (rc = lw_pqf_charge(t, (size_t)n * sizeof *m->kv)))
				break;
			m->kv = lw_xcalloc(n ? n : 1, sizeof *m->kv);
			for (uint32_t i = 0; i < n && !rc; i++) {
				m->nkv = i + 1;
				rc = rd_kv(t, &m->kv[i]);
			}
			break;
		case 6: rc = lw_pqf_str(t, &f, "created_by", &m->created_by); break;
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
