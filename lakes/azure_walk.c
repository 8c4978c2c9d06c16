/* azure_walk.c - the "azure" lake's list: List Blobs pages, PAGE_SIZE
 * blobs each, streamed into the expat page parser (azure_list.c) and
 * handed to the caller as lake entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lakewatch/util.h"
#include "azure_int.h"

#define PAGE_SIZE 5000
/* Blobs one listing may walk (4,000 full pages): the probe keeps every
 * entry, so a service (or stand-in) that never stops paging must not take
 * all the memory. Pages may come back short or even empty with a marker,
 * so pages are capped too; a repeated NextMarker is refused at once. */
#define LIST_MAX ((int64_t)20 * 1000 * 1000)
#define LIST_PAGES_MAX 10000

/* One listing in progress. */
struct walk {
	struct lw_lake *l;
	const char *prefix;	/* the lake path as the caller spelt it */
	char *full;		/* owned: its blob name */
	char *bprefix;		/* owned: full + "/", or "" */
	size_t rootlen;		/* blob name bytes before a lake path */
	bool same;		/* prefix is spelt as its blob name is */
	char *spelt;		/* owned: the last entry path respelt */
	lw_entry_cb cb;
	void *ud;
	int64_t total, dl;
};

/* A page of 5,000 names is well under 2 MiB: a larger one is hostile. */
#define LIST_PAGE_MAX ((int64_t)8 * (int64_t)LW_BUF_1M)

static int on_list_chunk(void *ud, const char *data, size_t len)
{
	struct azreq *q = ud;
	struct lw_err e;
	int rc;
	q->page_bytes += (int64_t)len;
	if (q->page_bytes > LIST_PAGE_MAX) {
		lw_err_set(&q->stream_err, LW_ETOOBIG, "a List Blobs page of "
			   "more than %d MiB (5,000 names take far less): "
			   "not read further", (int)(LIST_PAGE_MAX / LW_BUF_1M));
		return LW_ETOOBIG;
	}
	rc = lw_az_list_feed(q->parser, data, len, false, &e);
	return rc == LW_OK ? LW_OK : LW_EPARSE;
}

/* See azure_int.h. */
void lw_az_page_start(struct lw_lake *l, struct azreq *q, const char *bprefix,
		      const char *marker, int max, bool delim)
{
	char *p = lw_http_escape(bprefix, false);
	char *m = marker ? lw_http_escape(marker, false) : NULL;
	char *query = lw_xasprintf("restype=container&comp=list&include="
				   "metadata&maxresults=%d&prefix=%s%s%s%s", max,
				   p, delim ? "&delimiter=%2F" : "",
				   m ? "&marker=" : "", m ? m : "");
	lw_az_req_init(q, l, lw_az_url(l, NULL, query));
	free(p);
	free(m);
	free(query);
	q->parser = lw_az_list_new();
	q->r.on_chunk = on_list_chunk;
	lw_err_clear(&q->stream_err);
}

/* One List Blobs page; blobs stay in q->parser. */
static int list_page(struct lw_lake *l, struct azreq *q, const char *bprefix,
		     const char *marker, int max, int64_t dl,
		     struct lw_err *err)
{
	lw_az_page_start(l, q, bprefix, marker, max, false);
	return lw_az_page_end(l, q, lw_http_do(l->http, &q->r, dl, err), err);
}

/* See azure_int.h. */
int lw_az_page_end(struct lw_lake *l, struct azreq *q, int rc,
		   struct lw_err *err)
{
	struct lw_err perr;
	if (q->stream_err.code == LW_ETOOBIG) {
		char *where = lw_http_url_where(q->r.url);
		rc = lw_err_set(err, LW_ETOOBIG, "GET %s: %s", where,
				q->stream_err.msg);
		free(where);
		return rc;
	}
	/* LW_EPARSE from the page parser comes with a 2xx; before any answer
	 * (status 0) it is prepare()'s, such as a token that did not parse,
	 * and its own message must not turn into "answer is empty" */
	if (rc == LW_OK || (rc == LW_EPARSE && q->r.status >= 200 &&
			    q->r.status < 300)) {
		if (lw_az_list_feed(q->parser, "", 0, true, &perr) != LW_OK) {
			char *where = lw_http_url_where(q->r.url);
			rc = lw_err_set(err, LW_EPARSE, "GET %s: %s", where,
					perr.msg);
			free(where);
			return rc;
		}
		return LW_OK;
	}
	return lw_az_explain(l, q, "List Blobs", err);
}

/* Hand the files among blobs b[0..n) (a page, or a prefetched listing)
 * to the caller; returns what it returns. */
static int walk_blobs(struct walk *w, const struct lw_az_blob *b, size_t n)
{
	size_t blen = strlen(w->bprefix);
	int rc = LW_OK;

	for (size_t i = 0; i < n && rc == LW_OK; i++) {
		struct lw_entry e;
		w->total++;
		if (b[i].is_dir || strlen(b[i].name) <= w->rootlen ||
		    strncmp(b[i].name, w->bprefix, blen))
			continue;
		if (w->same) {
			e.path = b[i].name + w->rootlen;
		} else {
			free(w->spelt);
			w->spelt = lw_xasprintf("%s/%s", w->prefix,
						b[i].name + blen);
			e.path = w->spelt;
		}
		e.size = b[i].size;
		e.mtime = b[i].mtime;
		e.mtime_nsec = 0;
		e.tag = b[i].etag;
		lw_az_sizes_put(&w->l->sizes, b[i].name, b[i].size);
		rc = w->cb(w->ud, &e);
	}
	return rc;
}

/* See azure_int.h. */
int lw_az_walk_prefix(struct lw_lake *l, const char *bprefix, int64_t dl,
		      lw_az_page_cb cb, void *ud, struct lw_err *err)
{
	char *marker = NULL, *prev = NULL;
	int64_t total = 0, pages = 0;
	int rc;

	do {
		struct azreq q;
		const char *next;
		rc = list_page(l, &q, bprefix, marker, PAGE_SIZE, dl, err);
		free(prev);
		prev = marker;
		marker = NULL;
		if (rc != LW_OK) {
			lw_az_req_free(&q);
			break;
		}
		size_t n;
		const struct lw_az_blob *b = lw_az_list_blobs(q.parser, &n);
		total += (int64_t)n;
		rc = cb(ud, b, n);
		next = lw_az_list_next_marker(q.parser);
		if (next && *next)
			marker = lw_xstrdup(next);
		lw_az_req_free(&q);
		if (rc == LW_OK && marker && prev && !strcmp(marker, prev))
			rc = lw_err_set(err, LW_EPARSE, "List Blobs of '%s' in "
					"%s: the service answered the same "
					"NextMarker twice (the listing would "
					"never end)", bprefix,
					l->base.display);
		else if (rc == LW_OK && marker &&
			 (total >= LIST_MAX || ++pages >= LIST_PAGES_MAX))
			rc = lw_err_set(err, LW_ETOOBIG, "List Blobs of '%s' in "
					"%s: more than %lld blobs or %d pages",
					bprefix, l->base.display,
					(long long)LIST_MAX, LIST_PAGES_MAX);
	} while (rc == LW_OK && marker);
	free(marker);
	free(prev);
	return rc;
}

static int walk_page_cb(void *ud, const struct lw_az_blob *b, size_t n)
{
	return walk_blobs(ud, b, n);
}

/* Every page under w->bprefix, following NextMarker. */
static int walk_pages(struct walk *w, struct lw_err *err)
{
	return lw_az_walk_prefix(w->l, w->bprefix, w->dl, walk_page_cb, w,
				 err);
}

/* See azure_int.h. */
char *lw_az_list_prefix(const char *full)
{
	return *full ? lw_xasprintf("%s/", full) : lw_xstrdup("");
}

/* No directory of that name: maybe a single blob. */
static int walk_single(struct walk *w, struct lw_err *err)
{
	struct lw_lake *l = w->l;
	struct azreq q;
	const struct lw_az_blob *b;
	size_t n;
	int rc = list_page(l, &q, w->full, NULL, 1, w->dl, err);

	if (rc == LW_OK) {
		b = lw_az_list_blobs(q.parser, &n);
		if (n == 1 && !strcmp(b[0].name, w->full) && !b[0].is_dir) {
			struct lw_entry e = {(char *)w->prefix, b[0].size,
					     b[0].mtime, 0, b[0].etag};
			lw_az_sizes_put(&l->sizes, w->full, b[0].size);
			rc = w->cb(w->ud, &e);
		} else {
			rc = lw_err_set(err, LW_ENOTFOUND, "no blobs under "
					"'%s' in container '%s' of %s",
					w->bprefix, l->container,
					l->base.display);
		}
	}
	lw_az_req_free(&q);
	return rc;
}

/* The lake's list: entries (owned by the callee, valid during cb only)
 * of every file under prefix. */
int lw_az_op_list(struct lw_lake *l, const char *prefix, lw_entry_cb cb,
		  void *ud, struct lw_err *err)
{
	struct walk w = {.l = l, .prefix = prefix, .cb = cb, .ud = ud};
	char *np;
	int rc;

	w.full = lw_az_blob_name(l, prefix);
	w.bprefix = lw_az_list_prefix(w.full);
	w.rootlen = *l->root ? strlen(l->root) + 1 : 0;
	/* entries start with prefix as the caller spelt it (the probe cuts
	 * strlen(prefix) + 1 bytes off them), even when the blob names do
	 * not ("a//b" lists "a/b/...") */
	np = lw_az_norm_path(lw_xstrdup(prefix));
	w.same = strcmp(np, prefix) == 0;
	free(np);
	w.dl = lw_az_deadline(l);

	/* a new observation starts with a listing: tails fetched for the
	 * previous one may be stale by now, and they cost memory */
	lw_az_tails_clear(l);
	/* listed already, side by side with the poll's other datasets
	 * (azure_lists.c): the same blobs, or the same error */
	struct lw_az_listed *c = lw_az_lists_take(l, prefix);
	if (!c)		/* split at its folders, listed side by side */
		c = lw_az_lists_split(l, prefix);
	if (c && c->rc != LW_OK) {
		rc = lw_err_set(err, c->rc, "%s", c->err.msg);
	} else if (c) {		/* total 0: maybe a single blob, below */
		rc = walk_blobs(&w, c->b, c->n);
		w.total = c->total;
	} else {
		rc = walk_pages(&w, err);
	}
	lw_az_listed_free(c);
	if (rc == LW_OK && w.total == 0 && *w.full)
		rc = walk_single(&w, err);
	free(w.full);
	free(w.bprefix);
	free(w.spelt);
	return rc;
}
