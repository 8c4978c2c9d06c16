/* azure_from.c - the "azure" lake's list_from: the names in a folder that
 * sort after a point, for a log read from a known version (Delta's
 * _delta_log/ after its last checkpoint, or after the version the
 * previous poll reached).
 *
 * List Blobs has a prefix and an opaque marker but no start-after, so a
 * point that is a number (Delta's 20-digit zero-padded versions) is
 * reached by prefix. The walk lists the block of ten numbers holding it
 * ("0000000000000001234" for 12345), then the blocks after it for as long
 * as each ends full - a name starting with its last number is listed: a
 * log's versions are contiguous, so a block that stops short is where the
 * log ends. A block after an aligned boundary is the parent block (ten
 * times wider: "1240" becomes "124"); after two full blocks in a row at
 * one width the parent is listed again from its start, its names seen
 * already skipped, so a log far ahead of its point costs a request per
 * digit, not per ten versions. Past RANGES_MAX blocks the rest of the
 * folder is listed whole. An unchanged log costs one small page instead
 * of its whole history.
 *
 * Only names that start with digits are reached that way: for a Delta log
 * that is every commit, checkpoint and compacted log (_last_checkpoint,
 * _sidecars/ and the like are read or listed by name, not from here).
 * Any other point lists the folder whole and filters.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lakewatch/util.h"
#include "azure_int.h"

#define KEY_MAX 40		/* digits of a point walked by blocks */
#define RANGES_MAX 12		/* blocks before the rest is listed whole */

/* One list_from in progress. */
struct from {
	struct lw_lake *l;
	const char *dir;	/* the folder as the caller spelt it */
	size_t blen;		/* bytes of its blob prefix ("root/dir/") */
	char *hi;		/* owned: the greatest name handed on by the
				 * blocks before this one (at first: after) */
	char *top;		/* owned: the greatest name of this block */
	const char *maxv;	/* this block's last number, NULL: none */
	size_t keylen;		/* digits of a number */
	bool full;		/* a name of this block starts with maxv */
	bool any;		/* anything in the folder was listed */
	lw_entry_cb cb;
	void *ud;
};

/* A page of blobs: hand on the folder's direct children after f->hi. */
static int from_page(void *ud, const struct lw_az_blob *b, size_t n)
{
	struct from *f = ud;
	int rc = LW_OK;

	for (size_t i = 0; i < n && rc == LW_OK; i++) {
		if (b[i].is_dir || strlen(b[i].name) <= f->blen ||
		    strchr(b[i].name + f->blen, '/'))
			continue;	/* a folder, or below one */
		const char *name = b[i].name + f->blen;
		f->any = true;
		if (f->maxv && strncmp(name, f->maxv, f->keylen) == 0)
			f->full = true;
		if (strcmp(name, f->hi) <= 0)
			continue;	/* before the point, or seen already */
		if (!f->top || strcmp(name, f->top) > 0) {
			free(f->top);
			f->top = lw_xstrdup(name);
		}
		char *path = *f->dir ? lw_xasprintf("%s/%s", f->dir, name) :
				       lw_xstrdup(name);
		struct lw_entry e = {path, b[i].size, b[i].mtime, 0,
				     b[i].etag};
		lw_az_sizes_put(&f->l->sizes, b[i].name, b[i].size);
		rc = f->cb(f->ud, &e);
		free(path);
	}
	return rc;
}

/* p (*k digits) becomes the block after it: its successor, widened to
 * the parent block where that is aligned (a trailing 0), or after two
 * full blocks in a row at one width (the parent then starts before p:
 * from_page skips what was seen). False when no block follows. */
static bool next_block(char *p, size_t *k, int *row)
{
	size_t i = *k;
	while (i > 0 && p[i - 1] == '9')
		p[--i] = '0';
	if (i == 0)
		return false;	/* all nines: the numbers end here */
	p[i - 1]++;
	if (++*row >= 2 && *k > 1) {
		p[--*k] = '\0';
		*row = 0;
		return true;
	}
	while (*k > 1 && p[*k - 1] == '0') {
		p[--*k] = '\0';
		*row = 0;
	}
	return true;
}

static bool numeric(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > KEY_MAX)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The blocks from the one holding number `after` on (see the top). */
static int walk_blocks(struct from *f, const char *bprefix,
		       const char *after, int64_t dl, struct lw_err *err)
{
	size_t len = strlen(after), k = len - 1;
	char p[KEY_MAX + 1], maxv[KEY_MAX + 1];
	int row = 0, rc = LW_OK;

	assert(len >= 2 && len <= KEY_MAX);
	memcpy(p, after, k);
	p[k] = '\0';
	f->keylen = len;
	for (int blocks = 0;; blocks++) {
		if (blocks >= RANGES_MAX) {	/* far behind: the rest whole */
			f->maxv = NULL;
			return lw_az_walk_prefix(f->l, bprefix, dl, from_page,
						 f, err);
		}
		memcpy(maxv, p, k);
		memset(maxv + k, '9', len - k);
		maxv[len] = '\0';
		f->maxv = maxv;
		f->full = false;
		char *q = lw_xasprintf("%s%s", bprefix, p);
		rc = lw_az_walk_prefix(f->l, q, dl, from_page, f, err);
		free(q);
		if (f->top) {	/* blocks ascend: later ones start above */
			free(f->hi);
			f->hi = f->top;
			f->top = NULL;
		}
		if (rc != LW_OK || !f->full || !next_block(p, &k, &row))
			break;
	}
	f->maxv = NULL;
	return rc;
}

/* Whether to walk `after` by blocks. Test builds only (-DLW_TESTING):
 * LAKEWATCH_AZ_LIST_WHOLE=1 lists the folder whole instead, what a Delta
 * log cost before list_from, so bench/delta_azure.sh compares the two in
 * one run. */
static bool by_blocks(const char *after)
{
#ifdef LW_TESTING
	const char *w = getenv("LAKEWATCH_AZ_LIST_WHOLE");
	if (w && !strcmp(w, "1"))
		return false;
#endif
	return numeric(after);
}

/* The lake's list_from: entries (owned by the callee, valid during cb
 * only) of the files directly in dir whose names sort after `after`.
 * Nothing at all in the folder (from the point's block on) is
 * LW_ENOTFOUND, as a missing folder is on the other kinds: the caller
 * then lists it whole, or says it is gone. */
int lw_az_op_list_from(struct lw_lake *l, const char *dir, const char *after,
		       lw_entry_cb cb, void *ud, struct lw_err *err)
{
	char *full = lw_az_blob_name(l, dir);
	char *bprefix = lw_az_list_prefix(full);
	struct from f = {.l = l, .dir = dir, .blen = strlen(bprefix),
			 .hi = lw_xstrdup(after), .cb = cb, .ud = ud};
	int64_t dl = lw_az_deadline(l);
	int rc;

	if (by_blocks(after))
		rc = walk_blocks(&f, bprefix, after, dl, err);
	else
		rc = lw_az_walk_prefix(l, bprefix, dl, from_page, &f, err);
	if (rc == LW_OK && !f.any)
		rc = lw_err_set(err, LW_ENOTFOUND, "no blobs under '%s' from "
				"'%s' on in container '%s' of %s", bprefix,
				after, l->container, l->base.display);
	free(f.hi);
	free(f.top);
	free(bprefix);
	free(full);
	return rc;
}
