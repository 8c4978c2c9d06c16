/* fuzz_parquet_pages.c - a whole small Parquet file in memory, read
 * through an in-memory lake: the footer, then every leaf column (up to 8)
 * through the column reader. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "lakewatch/parquet.h"
#include "lakewatch/util.h"

struct lw_lake {
	struct lw_lake_base base;
	const uint8_t *data;
	size_t len;
};

static int mem_read(struct lw_lake *l, const char *path, int64_t off,
		    int64_t len, struct lw_buf *out, struct lw_err *err)
{
	(void)path;
	int64_t n = (int64_t)l->len;
	int64_t a = off < 0 ? n + off : off;
	if (a < 0)
		a = 0;
	if (a > n)
		a = n;
	int64_t b = (len < 0 || off < 0) ? n : a + len;
	if (b > n || b < a)
		b = n;
	if (b > a && lw_buf_add(out, l->data + a, (size_t)(b - a)))
		return lw_err_set(err, LW_ETOOBIG, "too big");
	return LW_OK;
}

static const struct lw_lake_kind mem_kind = { .name = "mem",
					      .read = mem_read };

static int row_cb(void *ud, const struct lw_pq_value *cells, size_t n)
{
	size_t *rows = ud;
	volatile size_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (cells[i].kind == LW_PQV_BYTES && cells[i].v.bytes.len)
			sum += cells[i].v.bytes.p[cells[i].v.bytes.len - 1];
		if (cells[i].kind == LW_PQV_LIST)
			for (size_t k = 0; k < cells[i].v.list.n; k++)
				sum += cells[i].v.list.items[k].kind;
		if (cells[i].kind == LW_PQV_LIST)
			*rows += cells[i].v.list.n;
	}
	/* Bound the work a hostile row count can ask for. */
	return ++*rows >= 200000 ? LW_ESTOP : LW_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_lake lake = { .base = { .kind = &mem_kind },
				.data = data, .len = size };
	struct lw_parquet_meta m;
	struct lw_err err;
	if (lw_parquet_read_meta(&lake, "f.parquet", (int64_t)size, &m, NULL,
				 &err))
		return 0;
	char *names[8];
	size_t n = 0;
	if (m.nrgs) {
		const struct lw_pq_row_group *g = &m.rgs[0];
		for (size_t c = 0; c < g->ncols && n < 8; c++) {
			const struct lw_pq_column_chunk *cc = &g->cols[c];
			size_t len = 1;
			for (size_t k = 0; k < cc->npath; k++)
				len += strlen(cc->path[k]) + 1;
			char *s = calloc(1, len);
			for (size_t k = 0; k < cc->npath; k++) {
				if (k)
					strcat(s, ".");
				strcat(s, cc->path[k]);
			}
			names[n++] = s;
		}
	}
	size_t rows = 0;
	lw_parquet_read_columns(&lake, "f.parquet", &m,
				(const char *const *)names, n, row_cb, &rows,
				&err);
	/* Each column alone as well: a bad one must not hide the others. */
	for (size_t i = 0; i < n; i++) {
		rows = 0;
		lw_parquet_read_columns(&lake, "f.parquet", &m,
					(const char *const *)&names[i], 1,
					row_cb, &rows, &err);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	lw_parquet_meta_free(&m);
	return 0;
}
