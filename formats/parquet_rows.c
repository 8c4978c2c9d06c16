/* parquet_rows.c - read a few columns of a Parquet file row by row
 * (lw_parquet_read_columns).
 *
 * For each row group, each requested column's chunk is read with one
 * range read, then its pages are decoded one at a time as rows are
 * assembled: levels and values are pulled lazily, so memory is the chunk
 * plus one decompressed page (plus the page a repeated cell started in).
 * Leaves repeated once (lists of primitives, map keys and values) come out
 * as lists; deeper nesting is refused.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/parquet.h"
#include "lakewatch/util.h"
#include "parquet_int.h"

#define MAX_ITEMS	(1024 * 1024)		/* items in one list cell */

/* ---- entries and cells ------------------------------------------------- */

/* Load the levels of the next entry. *eof when the chunk is done. */
static int peek(struct lw_pq_col *c, bool *eof, struct lw_err *err)
{
	uint32_t v;
	int rc;
	*eof = false;
	if (c->have)
		return LW_OK;
	while (c->page_left <= 0) {
		if ((rc = lw_pq_next_page(c, eof, err)) || *eof)
			return rc;
	}
	c->rep = c->def = 0;
	if (c->lf->max_rep) {
		if ((rc = lw_pq_rle_next(&c->reps, &v, err)))
			return lw_err_prefix(err, "column %s: repetition "
					     "levels", c->name);
		c->rep = (int)v;
	}
	if (c->lf->max_def) {
		if ((rc = lw_pq_rle_next(&c->defs, &v, err)))
			return lw_err_prefix(err, "column %s: definition "
					     "levels", c->name);
		c->def = (int)v;
	}
	if (c->rep > c->lf->max_rep || c->def > c->lf->max_def)
		return lw_pq_colerr(c, err, LW_EPARSE,
				    "level above the maximum");
	c->page_left--;
	c->have = true;
	return LW_OK;
}

/* Consume the loaded entry: its value, or null. */
static int take(struct lw_pq_col *c, struct lw_pq_value *v,
		struct lw_err *err)
{
	c->have = false;
	if (c->def < c->lf->max_def) {
		v->kind = LW_PQV_NULL;
		return LW_OK;
	}
	return lw_pq_next_value(c, v, err);
}

/* The cell of row row: a value, null, or a list (items owned by c). */
static int cell(struct lw_pq_col *c, int64_t row, struct lw_pq_value *out,
		struct lw_err *err)
{
	bool eof;
	int rc = peek(c, &eof, err);
	if (rc)
		return rc;
	if (eof)
		return lw_err_set(err, LW_EPARSE, "column %s: values end at "
				  "row %lld of the row group", c->name,
				  (long long)row);
	if (c->rep != 0)
		return lw_pq_colerr(c, err, LW_EPARSE,
				    "row does not start at repetition level 0");
	if (c->lf->max_rep == 0)
		return take(c, out, err);
	/* A repeated leaf: null, empty, or items until the next rep 0. */
	size_t n = 0;
	if (c->def < c->lf->def_parent) {
		c->have = false;
		out->kind = LW_PQV_NULL;
		return LW_OK;
	}
	out->kind = LW_PQV_LIST;
	if (c->def == c->lf->def_parent) {
		c->have = false;
	} else {
		lw_xgrow((void **)&c->items, &c->cap, 0, sizeof *c->items);
		if ((rc = take(c, &c->items[0], err)))
			return rc;
		n = 1;
		for (;;) {
			if ((rc = peek(c, &eof, err)))
				return rc;
			if (eof || c->rep == 0)
				break;
			if (n >= MAX_ITEMS)
				return lw_pq_colerr(c, err, LW_ETOOBIG,
						    "list with too many items");
			lw_xgrow((void **)&c->items, &c->cap, n,
				 sizeof *c->items);
			if ((rc = take(c, &c->items[n], err)))
				return rc;
			n++;
		}
	}
	out->v.list.items = c->items;
	out->v.list.n = n;
	return LW_OK;
}

/* ---- column chunks ----------------------------------------------------- */

/* Free the pages and copies kept for the row just handed out. */
static void retire_free(struct lw_pq_col *c)
{
	for (size_t i = 0; i < c->nretired; i++)
		free(c->retired[i]);
	c->nretired = 0;
	c->retired_bytes = 0;
}

static void col_reset(struct lw_pq_col *c)
{
	retire_free(c);
	lw_buf_free(&c->chunk);
	free(c->dict_buf);
	free(c->dict);
	free(c->page);
	c->dict_buf = NULL;
	c->dict = NULL;
	c->ndict = 0;
	c->page = NULL;
	c->page_left = 0;
	c->pos = 0;
	c->have = false;
}

/* Fetch the column chunk of row group g for c. */
static int load_chunk(struct lw_pq_reader *r, struct lw_pq_col *c,
		      const struct lw_pq_row_group *g, struct lw_err *err)
{
	if ((size_t)c->leaf >= g->ncols)
		return lw_err_set(err, LW_EPARSE, "row group has %zu columns, "
				  "the schema %zu leaves", g->ncols,
				  r->nleaves);
	const struct lw_pq_column_chunk *cc = &g->cols[c->leaf];
	c->cc = cc;
	if (!cc->has_meta)
		return lw_pq_colerr(c, err, LW_EUNSUPPORTED,
				    "encrypted column");
	if (cc->file_path)
		return lw_pq_colerr(c, err, LW_EUNSUPPORTED,
				    "column chunk in another file");
	if (cc->type != c->lf->type)
		return lw_pq_colerr(c, err, LW_EPARSE,
				    "chunk type differs from the schema");
	if (!lw_pq_codec_ok(cc->codec))
		return lw_err_set(err, LW_EUNSUPPORTED, "column %s: "
				  "compression codec %s is not supported",
				  c->name, lw_parquet_codec_name(cc->codec));
	int64_t start = cc->data_page_offset;
	if (cc->dictionary_page_offset > 0 &&
	    cc->dictionary_page_offset < start)
		start = cc->dictionary_page_offset;
	int64_t len = cc->total_compressed_size;
	if (start < 4 || len <= 0 || len > LW_PQ_MAX_PAGE ||
	    (r->m->file_size >= 0 && (start > r->m->file_size ||
				      len > r->m->file_size - start)))
		return lw_err_set(err, LW_EPARSE, "column %s: chunk at %lld "
				  "of %lld bytes lies outside the file",
				  c->name, (long long)start, (long long)len);
	lw_buf_init(&c->chunk, (size_t)len);
	const struct lw_lake_kind *k = lw_lake_base(r->lake)->kind;
	int rc = k->read(r->lake, r->path, start, len, &c->chunk, err);
	if (rc)
		return rc;
	if ((int64_t)c->chunk.len != len)
		return lw_err_set(err, LW_EPARSE, "column %s: chunk cut short "
				  "(%zu of %lld bytes)", c->name,
				  c->chunk.len, (long long)len);
	return LW_OK;
}


/* ---- row groups -------------------------------------------------------- */

/* Every requested column's chunk of row group g (number gi). */
static int load_group(struct lw_pq_reader *r, struct lw_pq_col *cols,
		      size_t ncols, const struct lw_pq_row_group *g,
		      size_t gi, struct lw_err *err)
{
	int rc = LW_OK;
	for (size_t j = 0; j < ncols && !rc; j++) {
		col_reset(&cols[j]);
		if (cols[j].leaf >= 0 &&
		    (rc = load_chunk(r, &cols[j], g, err)))
			lw_err_prefix(err, "row group %zu", gi);
	}
	return rc;
}

/* Row row of row group gi: each column's cell into cells, then cb. */
static int emit_row(struct lw_pq_col *cols, size_t ncols,
		    struct lw_pq_value *cells, int64_t row, size_t gi,
		    lw_parquet_row_cb cb, void *ud, struct lw_err *err)
{
	int rc = LW_OK;
	for (size_t j = 0; j < ncols && !rc; j++) {
		if (cols[j].leaf < 0)
			cells[j].kind = LW_PQV_NULL;
		else
			rc = cell(&cols[j], row, &cells[j], err);
	}
	if (rc) {
		lw_err_prefix(err, "row group %zu", gi);
		return rc;
	}
	lw_err_clear(err);
	rc = cb(ud, cells, ncols);
	for (size_t j = 0; j < ncols; j++)
		retire_free(&cols[j]);
	/* the callback's own message says what; add where */
	if (rc && rc != LW_ESTOP && err && err->msg[0])
		lw_err_prefix(err, "row %lld of row group %zu",
			      (long long)row, gi);
	else if (rc && rc != LW_ESTOP)
		lw_err_set(err, rc, "row callback stopped at row %lld of row "
			   "group %zu (%s)", (long long)row, gi,
			   lw_rc_name(rc));
	return rc;
}

static int read_all(struct lw_pq_reader *r, struct lw_pq_col *cols,
		    size_t ncols, lw_parquet_row_cb cb, void *ud,
		    struct lw_err *err)
{
	const struct lw_parquet_meta *m = r->m;
	struct lw_pq_value *cells = lw_xcalloc(ncols ? ncols : 1,
					       sizeof *cells);
	int rc = LW_OK;
	for (size_t gi = 0; gi < m->nrgs && !rc; gi++) {
		const struct lw_pq_row_group *g = &m->rgs[gi];
		rc = load_group(r, cols, ncols, g, gi, err);
		if (g->num_rows < 0)
			rc = lw_err_set(err, LW_EPARSE, "row group %zu has "
					"%lld rows", gi,
					(long long)g->num_rows);
		for (int64_t row = 0; row < g->num_rows && !rc; row++)
			rc = emit_row(cols, ncols, cells, row, gi, cb, ud,
				      err);
	}
	free(cells);
	return rc;
}

/* Rows go to cb with cells owned by the reader (valid during cb only);
 * meta (NULL: read here) stays the caller's. */
int lw_parquet_read_columns(struct lw_lake *lake, const char *path,
			    const struct lw_parquet_meta *meta,
			    const char *const *columns, size_t ncols,
			    lw_parquet_row_cb cb, void *ud,
			    struct lw_err *err)
{
	struct lw_parquet_meta own;
	struct lw_pq_reader r = { .lake = lake, .path = path, .err = err };
	struct lw_pq_col *cols = NULL;
	int rc = LW_OK;

	if (!meta) {
		if ((rc = lw_parquet_read_meta(lake, path, -1, &own, NULL,
					       err)))
			return lw_err_prefix(err, "%s", path);
		meta = &own;
	}
	r.m = meta;
	if ((rc = lw_pq_build_leaves(&r)))
		goto out;
	cols = lw_xcalloc(ncols ? ncols : 1, sizeof *cols);
	for (size_t j = 0; j < ncols && !rc; j++) {
		struct lw_pq_col *c = &cols[j];
		c->name = columns[j];
		c->leaf = lw_pq_find_leaf(&r, columns[j]);
		lw_buf_init(&c->chunk, 0);
		if (c->leaf < 0)
			continue;
		c->lf = &r.leaves[c->leaf];
		if (c->lf->max_rep > 1)
			rc = lw_err_set(err, LW_EUNSUPPORTED, "column %s: "
					"nested repetition (%d levels) is not "
					"supported", c->name, c->lf->max_rep);
	}
	if (!rc)
		rc = read_all(&r, cols, ncols, cb, ud, err);
	if (rc == LW_ESTOP)
		rc = LW_OK;
	else if (rc)
		lw_err_prefix(err, "%s", path);
out:
	for (size_t j = 0; cols && j < ncols; j++) {
		col_reset(&cols[j]);
		free(cols[j].items);
		free(cols[j].retired);
		free(cols[j].dba_prev);
	}
	free(cols);
	lw_pq_free_leaves(&r);
	if (meta == &own)
		lw_parquet_meta_free(&own);
	return rc;
}
