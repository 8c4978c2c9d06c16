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
 *
 * Each listing is split at its folders (a partitioned dataset's date=...
 * or hour=... prefixes): one List Blobs with delimiter '/' gives the
 * files directly in it and its folders, then every folder is listed side
 * by side with the others (and with the other datasets' folders), within
 * "parallel", instead of one stream of pages after another. The blobs are
 * put back in the order one flat listing gives (by name: a file directly
 * in the folder sorts against a subfolder "p/" as against every name
 * below it), so what list() hands on is the same. A listing with more
 * than PARTS_MAX folders is listed flat (a request per folder would cost
 * more than it saves); list() splits a dataset listed on its own too.
 */
#include <assert.h>
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
/* Folders one listing is split into at most. */
#define PARTS_MAX 1000

/* One listing in progress. */
struct ahead {
	struct lw_az_listed *c;
	char *bprefix;		/* owned */
	char *marker, *prev;	/* owned */
	int64_t pages;
	bool active, keep;
	bool delim;		/* split: folders into pfx, files into c */
	char **pfx;		/* owned: the folders' blob prefixes */
	size_t npfx, cappfx;
	struct azreq q;
};

/* Free the blobs of c, leaving its prefix and error. */
static void blobs_clear(struct lw_az_listed *c)
{
	for (size_t j = 0; j < c->n; j++)
		free(c->b[j].name);
	free(c->b);
	c->b = NULL;
	c->n = c->cap = 0;
	c->total = 0;
}

void lw_az_listed_free(struct lw_az_listed *c)
{
	if (!c)
		return;
	blobs_clear(c);
	free(c->prefix);
	free(c);
}

/* See azure_int.h. */
void lw_az_lists_clear(struct lw_lake *l)
{
	for (size_t i = 0; i < l->nlists; i++) {
		blobs_clear(&l->lists[i]);
		free(l->lists[i].prefix);
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
	if (a->delim) {
		const char *const *p = lw_az_list_prefixes(a->q.parser, &n);
		if (*kept + (int64_t)n > LISTS_KEEP_MAX)
			return false;
		for (size_t i = 0; i < n; i++) {
			lw_xgrow((void **)&a->pfx, &a->cappfx, a->npfx,
				 sizeof *a->pfx);
			a->pfx[a->npfx++] = lw_xstrdup(p[i]);
		}
		*kept += (int64_t)n;
	}
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

/* Run the listings of as[0..n) a round of pages at a time; *kept counts
 * the blobs kept (against LISTS_KEEP_MAX). */
static void run_rounds(struct lw_lake *l, struct ahead *as, size_t n,
		       int64_t *kept)
{
	int64_t dl = lw_az_deadline(l);
	for (;;) {
		size_t queued = 0;
		for (size_t i = 0; i < n; i++) {
			if (!as[i].active)
				continue;
			lw_az_page_start(l, &as[i].q, as[i].bprefix,
					 as[i].marker, PAGE_SIZE, as[i].delim);
			lw_http_add(l->http, &as[i].q.r);
			queued++;
		}
		if (!queued)
			return;
		lw_http_run(l->http, dl);
		for (size_t i = 0; i < n; i++)
			if (as[i].active)
				page_done(l, &as[i], kept);
	}
}


static void ahead_init(struct ahead *a, struct lw_az_listed *c,
		       const char *bprefix, bool delim)
{
	a->c = c;
	a->bprefix = lw_xstrdup(bprefix);
	a->active = a->keep = true;
	a->delim = delim;
}

static void ahead_free(struct ahead *a)
{
	free(a->bprefix);
	free(a->marker);
	free(a->prev);
	for (size_t i = 0; i < a->npfx; i++)
		free(a->pfx[i]);
	free(a->pfx);
}

/* Whether listings are split at their folders: only where requests can
 * go side by side. Test builds only (-DLW_TESTING):
 * LAKEWATCH_AZ_LIST_FLAT=1 lists flat, so a test or bench/azure_parts.sh
 * compares the two in one run. */
static bool split_on(const struct lw_lake *l)
{
#ifdef LW_TESTING
	const char *f = getenv("LAKEWATCH_AZ_LIST_FLAT");
	if (f && !strcmp(f, "1"))
		return false;
#endif
	return l->parallel > 1;
}

static int blob_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lw_az_blob *)a)->name,
		      ((const struct lw_az_blob *)b)->name);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_blob(struct lw_az_listed *c, const struct lw_az_blob *b)
{
	lw_xgrow((void **)&c->b, &c->cap, c->n, sizeof *c->b);
	c->b[c->n++] = *b;
}

/* top's files (in top->c) and its folders' listings sub[0..n) (sorted by
 * folder) into top->c, in the order of one flat listing; the first error
 * among them stands. False when one could not be kept. */
static bool merge(struct ahead *top, struct ahead *sub, size_t n)
{
	struct lw_az_listed *c = top->c, files = *c;
	size_t fi = 0;

	for (size_t j = 0; j < n; j++) {
		if (!sub[j].keep)
			return false;
		if (sub[j].c->rc != LW_OK && c->rc == LW_OK) {
			c->rc = sub[j].c->rc;
			c->err = sub[j].c->err;
		}
	}
	if (c->rc != LW_OK) {
		blobs_clear(c);
		return true;
	}
	c->b = NULL;	/* the files move to files, then back in order */
	c->n = c->cap = 0;
	c->total = files.total;
	lw_sort(files.b, files.n, sizeof *files.b, blob_cmp);
	for (size_t j = 0; j < n; j++) {
		struct lw_az_listed *s = sub[j].c;
		/* "p/x" sorts against a file as "p/" does */
		while (fi < files.n &&
		       strcmp(files.b[fi].name, sub[j].bprefix) < 0)
			add_blob(c, &files.b[fi++]);
		for (size_t k = 0; k < s->n; k++)
			add_blob(c, &s->b[k]);
		c->total += s->total;
		s->n = 0;	/* names moved to c */
	}
	while (fi < files.n)
		add_blob(c, &files.b[fi++]);
	free(files.b);
	return true;
}

/* The sub-listings of top (its folders, or itself flat again when it has
 * more than PARTS_MAX) into sub from *k on. */
static void add_subs(struct ahead *top, const char *bprefix,
		     struct ahead *sub, struct lw_az_listed *subc, size_t *k)
{
	if (top->npfx > PARTS_MAX) {
		blobs_clear(top->c);
		ahead_init(&sub[*k], &subc[*k], bprefix, false);
		++*k;
		return;
	}
	lw_sort(top->pfx, top->npfx, sizeof *top->pfx, str_cmp);
	for (size_t j = 0; j < top->npfx; j++, ++*k)
		ahead_init(&sub[*k], &subc[*k], top->pfx[j], false);
}

/* The listings of blob prefixes bp[0..n) into out[0..n) (zeroed by the
 * caller), each split at its folders, every folder of every one listed
 * side by side; ok[i] false where one could not be kept. */
static void list_split(struct lw_lake *l, char *const *bp, size_t n,
		       struct lw_az_listed *out, bool *ok)
{
	int64_t kept = 0;
	size_t nsub = 0, k = 0;
	struct ahead *top = lw_xcalloc(n, sizeof *top);
	size_t *first = lw_xcalloc(n + 1, sizeof *first);

	for (size_t i = 0; i < n; i++)
		ahead_init(&top[i], &out[i], bp[i], split_on(l));
	run_rounds(l, top, n, &kept);
	for (size_t i = 0; i < n; i++)
		if (top[i].keep && out[i].rc == LW_OK && top[i].npfx)
			nsub += top[i].npfx > PARTS_MAX ? 1 : top[i].npfx;
	struct ahead *sub = lw_xcalloc(nsub + 1, sizeof *sub);
	struct lw_az_listed *subc = lw_xcalloc(nsub + 1, sizeof *subc);
	for (size_t i = 0; i < n; i++) {
		first[i] = k;
		if (top[i].keep && out[i].rc == LW_OK && top[i].npfx)
			add_subs(&top[i], bp[i], sub, subc, &k);
	}
	first[n] = k;
	assert(k == nsub);
	run_rounds(l, sub, nsub, &kept);
	for (size_t i = 0; i < n; i++) {
		ok[i] = top[i].keep;
		if (ok[i] && first[i + 1] > first[i])
			ok[i] = merge(&top[i], sub + first[i],
				      first[i + 1] - first[i]);
		ahead_free(&top[i]);
	}
	for (size_t j = 0; j < nsub; j++) {
		ahead_free(&sub[j]);
		blobs_clear(&subc[j]);
	}
	free(sub);
	free(subc);
	free(top);
	free(first);
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
	char **bp = lw_xcalloc(n, sizeof *bp);
	bool *ok = lw_xcalloc(n, sizeof *ok);
	l->lists = lw_xcalloc(n, sizeof *l->lists);
	l->nlists = n;
	for (size_t i = 0; i < n; i++) {
		char *full = lw_az_blob_name(l, prefixes[i]);
		bp[i] = lw_az_list_prefix(full);
		free(full);
	}
	list_split(l, bp, n, l->lists, ok);
	for (size_t i = 0; i < n; i++) {
		if (ok[i])
			l->lists[i].prefix = lw_xstrdup(prefixes[i]);
		else	/* list() walks it itself */
			blobs_clear(&l->lists[i]);
		free(bp[i]);
	}
	free(bp);
	free(ok);
	return LW_OK;
}

/* See azure_int.h. */
struct lw_az_listed *lw_az_lists_split(struct lw_lake *l, const char *prefix)
{
	if (!split_on(l))
		return NULL;
	struct lw_az_listed *c = lw_xcalloc(1, sizeof *c);
	char *full = lw_az_blob_name(l, prefix);
	char *bp = lw_az_list_prefix(full);
	bool ok;
	list_split(l, &bp, 1, c, &ok);
	free(full);
	free(bp);
	if (!ok) {
		lw_az_listed_free(c);
		return NULL;
	}
	c->prefix = lw_xstrdup(prefix);
	return c;
}
