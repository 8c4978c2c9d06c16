/* azure_lists.c - prefetch_lists: the List Blobs of a poll's datasets on
 * one lake, side by side (each dataset's pages in turn, the datasets at
 * once, within the client's "parallel"), kept for the list() calls that
 * follow one dataset at a time (azure_walk.c takes them).
 *
 * What is kept is what list() would have seen: every blob of every page
 * in order, or the error a page ended with (named by the same code). A
 * listing that would end for reasons list() words itself - a repeated
 * NextMarker, too many pages or blobs - or that would take more than
 * LISTS_KEEP_MAX blobs of memory is dropped, and list() walks it as
 * before, so results do not depend on the prefetch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lakewatch/util.h"
#include "azure_int.h"

#define PAGE_SIZE 5000
/* Blobs kept ahead for a whole poll, across its datasets. */
#define LISTS_KEEP_MAX ((int64_t)1000 * 1000)
/* As azure_walk.c: more pages than this is its error, not ours. */
#define LIST_PAGES_MAX 10000

/* One listing in progress. */
struct ahead {
	struct lw_az_listed *c;
	char *bprefix;		/* owned */
	char *marker, *prev;	/* owned */
	int64_t pages;
	bool active, keep;
	struct azreq q;
};

void lw_az_listed_free(struct lw_az_listed *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->b[i].name);
	free(c->b);
	free(c->prefix);
	free(c);
}

/* See azure_int.h. */
void lw_az_lists_clear(struct lw_lake *l)
{
	for (size_t i = 0; i < l->nlists; i++) {
		struct lw_az_listed *c = &l->lists[i];
		for (size_t j = 0; j < c->n; j++)
			free(c->b[j].name);
		free(c->b);
		free(c->prefix);
	}
	free(l->lists);
	l->lists = NULL;
	l->nlists = 0;
}

/* Owner: the caller. The first listing made ahead of prefix, moved out
 * of l (a dataset listed twice in one poll lists again the second time). */
struct lw_az_listed *lw_az_lists_take(struct lw_lake *l, const char *prefix)
{
	for (size_t i = 0; i < l->nlists; i++) {
		if (!l->lists[i].prefix || strcmp(l->lists[i].prefix, prefix))
			continue;
		struct lw_az_listed *c = lw_xmalloc(sizeof *c);
		*c = l->lists[i];
		memset(&l->lists[i], 0, sizeof l->lists[i]);
		return c;
	}
	return NULL;
}

/* Keep the blobs of a's page; false when the memory bound says stop. */
static bool keep_page(struct ahead *a, int64_t *kept)
{
	size_t n;
	const struct lw_az_blob *b = lw_az_list_blobs(a->q.parser, &n);
	if (*kept + (int64_t)n > LISTS_KEEP_MAX)
		return false;
	struct lw_az_listed *c = a->c;
	for (size_t i = 0; i < n; i++) {
		lw_xgrow((void **)&c->b, &c->cap, c->n, sizeof *c->b);
		c->b[c->n] = b[i];
		c->b[c->n++].name = lw_xstrdup(b[i].name);
	}
	c->total += (int64_t)n;
	*kept += (int64_t)n;
	return true;
}

/* a's page is done (its request's rc): keep it, queue nothing more, or
 * go on from its NextMarker. */
static void page_done(struct lw_lake *l, struct ahead *a, int64_t *kept)
{
	int rc = a->q.r.rc;
	struct lw_err err;
	lw_err_clear(&err);
	if (rc != LW_OK && rc != LW_ESTOP)
		err = a->q.r.err;
	rc = lw_az_page_end(l, &a->q, rc, &err);
	a->active = false;
	if (rc != LW_OK) {
		a->c->rc = rc;
		a->c->err = err;
	} else if (!keep_page(a, kept)) {
		a->keep = false;
	} else {
		const char *next = lw_az_list_next_marker(a->q.parser);
		free(a->prev);
		a->prev = a->marker;
		a->marker = next && *next ? lw_xstrdup(next) : NULL;
		if (a->marker && ((a->prev && !strcmp(a->marker, a->prev)) ||
				  ++a->pages >= LIST_PAGES_MAX))
			a->keep = false;	/* list() says why */
		else
			a->active = a->marker != NULL;
	}
	lw_az_req_free(&a->q);
}

/* Run the listings of as[0..n) a round of pages at a time. */
static void run_rounds(struct lw_lake *l, struct ahead *as, size_t n)
{
	int64_t kept = 0, dl = lw_az_deadline(l);
	for (;;) {
		size_t queued = 0;
		for (size_t i = 0; i < n; i++) {
			if (!as[i].active)
				continue;
			lw_az_page_start(l, &as[i].q, as[i].bprefix,
					 as[i].marker, PAGE_SIZE);
			lw_http_add(l->http, &as[i].q.r);
			queued++;
		}
		if (!queued)
			return;
		lw_http_run(l->http, dl);
		for (size_t i = 0; i < n; i++)
			if (as[i].active)
				page_done(l, &as[i], &kept);
	}
}

/* The lake's prefetch_lists: list prefixes[0..n) now, side by side, and
 * keep the listings (owner: l) for the list() calls of this poll. */
int lw_az_op_prefetch_lists(struct lw_lake *l, const char *const *prefixes,
			    size_t n, struct lw_err *err)
{
	(void)err;
	lw_az_lists_clear(l);
	if (!n)
		return LW_OK;
	struct ahead *as = lw_xcalloc(n, sizeof *as);
	l->lists = lw_xcalloc(n, sizeof *l->lists);
	l->nlists = n;
	for (size_t i = 0; i < n; i++) {
		char *full = lw_az_blob_name(l, prefixes[i]);
		as[i].c = &l->lists[i];
		as[i].c->prefix = lw_xstrdup(prefixes[i]);
		as[i].bprefix = lw_az_list_prefix(full);
		as[i].active = as[i].keep = true;
		free(full);
	}
	run_rounds(l, as, n);
	for (size_t i = 0; i < n; i++) {
		if (!as[i].keep) {	/* list() walks it itself */
			struct lw_az_listed *c = as[i].c;
			for (size_t j = 0; j < c->n; j++)
				free(c->b[j].name);
			free(c->b);
			free(c->prefix);
			memset(c, 0, sizeof *c);
		}
		free(as[i].bprefix);
		free(as[i].marker);
		free(as[i].prev);
	}
	free(as);
	return LW_OK;
}
