/* delta_files.c - a Delta snapshot's live-file set: an open-addressing
 * hash table keyed by the reconciliation key (canonical path plus the
 * deletion vector's id), so that a remove finds the add it cancels
 * however the path was spelt.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "lakewatch/delta.h"
#include "lakewatch/util.h"

/* A removed slot: keeps probe chains intact until the next rehash. */
static struct lw_delta_file tombstone;
#define TOMB (&tombstone)

/* s is the caller's; it owns nothing yet. */
void lw_delta_snapshot_init(struct lw_delta_snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->version = -1;
	s->commit_ms = -1;
	s->checkpoint_version = -1;
	s->checkpoint_time = -1;
	s->footer_bound = -1;
	s->train_commits = LW_DELTA_TRAIN_DEFAULT;
}

static void file_free(struct lw_delta_file *f)
{
	if (!f || f == TOMB)
		return;
	free(f->path);
	free(f->key);
	free(f->pvals);
	free(f);
}

/* Free what s owns; s is left empty (as after init). */
void lw_delta_snapshot_free(struct lw_delta_snapshot *s)
{
	for (size_t i = 0; i < s->nslots; i++)
		file_free(s->slots[i]);
	free(s->slots);
	cJSON_Delete(s->protocol);
	cJSON_Delete(s->metadata);
	cJSON_Delete(s->commit_info);
	free(s->checkpoint_kind);
	free(s->checkpoint_name);
	free(s->warn_path);
	free(s->warn_msg);
	free(s->commits);
	lw_delta_snapshot_init(s);
}

static uint64_t hash_str(const char *k)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

/* Slot holding key, or the slot where it would go (first tombstone seen
 * on the chain, else the empty slot ending it). */
static size_t find_slot(const struct lw_delta_snapshot *s, const char *key,
			bool *found)
{
	size_t mask = s->nslots - 1, i = hash_str(key) & mask;
	size_t tomb = (size_t)-1;
	*found = false;
	for (;;) {
		struct lw_delta_file *f = s->slots[i];
		if (!f)
			return tomb != (size_t)-1 ? tomb : i;
		if (f == TOMB) {
			if (tomb == (size_t)-1)
				tomb = i;
		} else if (strcmp(f->key, key) == 0) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

static void rehash(struct lw_delta_snapshot *s, size_t nslots)
{
	struct lw_delta_file **old = s->slots;
	size_t nold = s->nslots;
	s->slots = lw_xcalloc(nslots, sizeof *s->slots);
	s->nslots = nslots;
	s->nused = 0;
	for (size_t i = 0; i < nold; i++) {
		if (!old[i] || old[i] == TOMB)
			continue;
		bool found;
		size_t j = find_slot(s, old[i]->key, &found);
		s->slots[j] = old[i];
		s->nused++;
	}
	free(old);
}

static char hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (char)(c - '0');
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return (char)(c - 'a' + 10);
	return -1;
}

/* Caller frees. */
char *lw_delta_unescape(const char *p)
{
	size_t n = strlen(p);
	char *out = lw_xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 &&
		    hexval(p[i + 2]) >= 0) {
			*o++ = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
			i += 2;
		} else {
			*o++ = p[i];
		}
	}
	*o = '\0';
	return out;
}

/* Caller frees. */
char *lw_delta_file_key(const char *path, const char *dv_storage,
			const char *dv_path, int64_t dv_offset)
{
	/* "file:/x", "file:///x" and "/x" name the same file */
	if (lw_str_starts(path, "file://"))
		path += 7;
	else if (lw_str_starts(path, "file:"))
		path += 5;
	char *canon = lw_delta_unescape(path);
	char *key;
	if (dv_storage || dv_path)
		key = lw_xasprintf("%s\n%s%s@%lld", canon,
				   dv_storage ? dv_storage : "",
				   dv_path ? dv_path : "",
				   (long long)dv_offset);
	else
		key = lw_xstrdup(canon);
	free(canon);
	return key;
}

/* s owns a copy of the add (a later add of the same key replaces it). */
int lw_delta_add_file(struct lw_delta_snapshot *s,
		      const struct lw_delta_add *a, struct lw_err *err)
{
	if (!a->path || !*a->path)
		return lw_err_set(err, LW_EPARSE, "add action without a path");
	/* A deletion vector cannot hide more rows than the file holds, nor
	 * fewer than none: the log is corrupt, and clamping would count the
	 * file as empty and pass. */
	if (a->dv_cardinality < 0 ||
	    (a->num_records >= 0 && a->dv_cardinality > a->num_records))
		return lw_err_set(err, LW_EPARSE, "add %s: deletion vector "
				  "cardinality %lld but the file has "
				  "numRecords %lld (corrupt log)", a->path,
				  (long long)a->dv_cardinality,
				  (long long)a->num_records);
	struct lw_delta_file *f = lw_xcalloc(1, sizeof *f);
	f->path = lw_xstrdup(a->path);
	f->key = lw_delta_file_key(a->path, a->dv_storage, a->dv_path,
				   a->dv_offset);
	f->size = a->size;
	f->mtime_ms = a->mtime_ms;
	f->num_records = a->num_records;
	f->dv_cardinality = a->dv_cardinality;
	if (a->pvals && a->pvals_len > 1) {
		f->pvals = lw_xmalloc(a->pvals_len);
		memcpy(f->pvals, a->pvals, a->pvals_len);
	}
	return lw_delta_restore_file(s, f, err);
}

/* See delta.h: s takes f (and frees it on failure). */
int lw_delta_restore_file(struct lw_delta_snapshot *s, struct lw_delta_file *f,
			  struct lw_err *err)
{
	assert(f && f->path && f->key);
	if ((s->nused + 1) * 4 >= s->nslots * 3) {
		if (s->nlive >= LW_DELTA_MAX_FILES) {
			file_free(f);
			return lw_err_set(err, LW_ETOOBIG,
					  "more than %zu live files",
					  LW_DELTA_MAX_FILES);
		}
		size_t n = s->nslots ? s->nslots : 64;
		while ((s->nlive + 1) * 2 >= n)
			n *= 2;
		rehash(s, n);
	}
	bool found;
	size_t i = find_slot(s, f->key, &found);
	if (found) {
		file_free(s->slots[i]);	/* a later add of the same file wins */
	} else {
		if (!s->slots[i])
			s->nused++;
		s->nlive++;
	}
	s->slots[i] = f;
	return LW_OK;
}

/* Drop the live file the key of path and its DV names, if any. */
void lw_delta_remove_file(struct lw_delta_snapshot *s, const char *path,
			  const char *dv_storage, const char *dv_path,
			  int64_t dv_offset)
{
	if (!s->nslots || !path)
		return;
	char *key = lw_delta_file_key(path, dv_storage, dv_path, dv_offset);
	bool found;
	size_t i = find_slot(s, key, &found);
	free(key);
	if (found) {
		file_free(s->slots[i]);
		s->slots[i] = TOMB;
		s->nlive--;
	}
}

/* Owner: s. */
const struct lw_delta_file *lw_delta_next(const struct lw_delta_snapshot *s,
					  size_t *it)
{
	while (*it < s->nslots) {
		struct lw_delta_file *f = s->slots[(*it)++];
		if (f && f != TOMB)
			return f;
	}
	return NULL;
}

/* Owner: s. */
struct lw_delta_file *lw_delta_next_rw(struct lw_delta_snapshot *s,
				       size_t *it)
{
	while (*it < s->nslots) {
		struct lw_delta_file *f = s->slots[(*it)++];
		if (f && f != TOMB)
			return f;
	}
	return NULL;
}
