/* history_cache.h - the per-file observation cache, kept in the history.
 *
 * A poll reads a file only when it is new or changed: what a format saw in
 * a file (its stored form, lw_file_obs_to_json) is kept under the file's
 * key - path, size, mtime (with nanoseconds where the lake has them) and
 * the lake's tag (Azure's ETag) - within a scope: the lake, the dataset's
 * path and its fingerprint (config.h), so a change of format, options,
 * include/exclude or lakewatch version never trusts an old entry.
 *
 * One struct lw_fcache holds one scope's keys while its dataset is polled
 * (a few dozen bytes a file); observations are fetched one at a time.
 * Entries age out with history.retention (a scope not polled since) and
 * the oldest written go past history.cache_entries.
 */
#ifndef LAKEWATCH_HISTORY_CACHE_H
#define LAKEWATCH_HISTORY_CACHE_H

#include <stdint.h>
#include <stdbool.h>
#include "lakewatch/model.h"
#include "lakewatch/err.h"
#include "lakewatch/history.h"

struct lw_fcache;

/* Open the scope (lake, path, fp), creating it, marked seen at now, with
 * its keys loaded. Owner: the caller (lw_fcache_close). */
int lw_fcache_open(struct lw_history *h, const char *lake, const char *path,
		   const char *fp, int64_t now, struct lw_fcache **out,
		   struct lw_err *err);
/* The stored observation of e when e's key is the stored one, else NULL.
 * Owned by fc, valid until the next call on fc. */
const char *lw_fcache_get(struct lw_fcache *fc, const struct lw_entry *e);
/* A run of lw_fcache_get starts (true: one read transaction, other
 * writers on this handle wait) or ends (false). Nothing else is called
 * on the handle in between. */
void lw_fcache_hold(struct lw_fcache *fc, bool start);
/* The entry just got was unusable (corrupt): it is rewritten when e is
 * put again, deleted at close otherwise. */
void lw_fcache_forget(struct lw_fcache *fc, const struct lw_entry *e);
/* Keep obs (stored form) for e; written in batches. */
int lw_fcache_put(struct lw_fcache *fc, const struct lw_entry *e,
		  const char *obs, struct lw_err *err);
/* Write what is pending; when complete (the dataset was listed in full),
 * delete the entries neither got nor put: deleted files. Frees fc (NULL is
 * fine); returns the first write error. */
int lw_fcache_close(struct lw_fcache *fc, bool complete, struct lw_err *err);
/* What a table format kept in the scope (lake, path, fp) after its last
 * poll (a Delta snapshot, format.h probe_table_kept): *out is NULL when
 * nothing; the caller frees it. */
int lw_fcache_state_get(struct lw_history *h, const char *lake,
			const char *path, const char *fp, char **out,
			struct lw_err *err);
/* Keep state (NULL: forget it) in the scope, marked seen at now. */
int lw_fcache_state_put(struct lw_history *h, const char *lake,
			const char *path, const char *fp, int64_t now,
			const char *state, struct lw_err *err);
/* Bound the whole cache: scopes not seen since `before` go, then the
 * oldest written entries past max_entries. */
int lw_fcache_prune(struct lw_history *h, int64_t before, int64_t max_entries,
		    struct lw_err *err);
/* Entries in the cache (tests, --stats). */
int lw_fcache_count(struct lw_history *h, int64_t *n, struct lw_err *err);

#endif
