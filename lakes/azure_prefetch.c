/* azure_prefetch.c - prefetch_tails: every file's tail fetched at once,
 * so that 2,000 Parquet footers cost 2,000 concurrent small GETs and no
 * more, and the tails kept (sorted by path) for the reads that follow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lakewatch/util.h"
#include "azure_int.h"

/* Free every prefetched tail of l. */
void lw_az_tails_clear(struct lw_lake *l)
{
	for (size_t i = 0; i < l->ntails; i++) {
		free(l->tails[i].path);
		lw_buf_free(&l->tails[i].data);
	}
	free(l->tails);
	l->tails = NULL;
	l->ntails = 0;
}

static int tail_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tail *)a)->path,
		      ((const struct tail *)b)->path);
}

/* Owner: l (until the next listing or prefetch). */
struct tail *lw_az_tail_find(struct lw_lake *l, const char *path)
{
	struct tail key = {.path = (char *)path};
	if (!l->ntails)
		return NULL;
	return bsearch(&key, l->tails, l->ntails, sizeof(*l->tails),
		       tail_cmp);
}

/* Set up t and its request q for entry e, and queue the request unless
 * the file is empty. */
static void tail_start(struct lw_lake *l, struct tail *t, struct azreq *q,
		       const struct lw_entry *e, int64_t tail)
{
	char *name = lw_az_blob_name(l, e->path);
	t->path = lw_xstrdup(e->path);
	t->size = e->size;
	t->off = e->size > tail ? e->size - tail : 0;
	lw_buf_init(&t->data, (size_t)tail + 1);
	t->rc = LW_OK;
	lw_err_clear(&t->err);
	lw_az_sizes_put(&l->sizes, name, e->size);
	lw_az_req_init(q, l, lw_az_url(l, name, NULL));
	free(name);
	q->t = t;
	if (e->size <= 0)
		return;		/* nothing to fetch */
	snprintf(q->range, sizeof(q->range), "bytes=%lld-%lld",
		 (long long)t->off, (long long)e->size - 1);
	q->r.max_body = (size_t)tail + 1;
	lw_http_add(l->http, &q->r);
}

/* The lake's prefetch_tails: the last tail bytes of each of e[0..n),
 * kept by l (owner) until the next listing or prefetch. */
int lw_az_op_prefetch(struct lw_lake *l, const struct lw_entry *e, size_t n,
		      int64_t tail, struct lw_err *err)
{
	struct azreq *qs;
	int rc;

	lw_az_tails_clear(l);
	if (!n || tail <= 0)
		return LW_OK;
	l->tails = lw_xcalloc(n, sizeof(*l->tails));
	qs = lw_xcalloc(n, sizeof(*qs));
	for (size_t i = 0; i < n; i++)
		tail_start(l, &l->tails[i], &qs[i], &e[i], tail);
	rc = lw_http_run(l->http, lw_az_deadline(l));
	for (size_t i = 0; i < n; i++) {
		struct tail *t = qs[i].t;
		if (e[i].size > 0) {
			t->rc = qs[i].r.rc;
			if (t->rc != LW_OK && t->rc != LW_ETOOBIG &&
			    qs[i].r.status != 416)
				t->rc = lw_az_explain(l, &qs[i], "Get Blob",
						      &t->err);
			if (t->rc == LW_OK && (int64_t)qs[i].r.resp.len !=
			    t->size - t->off)
				t->rc = lw_err_set(&t->err, LW_EIO, "%s: Get "
					"Blob gave %zu bytes for %s, where the "
					"listing's %lld-byte blob holds %lld",
					t->path, qs[i].r.resp.len, qs[i].range,
					(long long)t->size,
					(long long)(t->size - t->off));
			if (t->rc == LW_OK) {
				/* hand the body over without a copy */
				lw_buf_free(&t->data);
				t->data = qs[i].r.resp;
				lw_buf_init(&qs[i].r.resp, 1);
			}
		}
		lw_az_req_free(&qs[i]);
	}
	free(qs);
	lw_sort(l->tails, n, sizeof(*l->tails), tail_cmp);
	l->ntails = n;
	if (rc != LW_OK)
		return lw_err_set(err, rc, "%s: reading %zu file tails took "
				  "longer than the poll timeout",
				  l->base.display, n);
	return LW_OK;
}
