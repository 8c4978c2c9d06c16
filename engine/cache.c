/* cache.c - the per-file observation cache wired between the probe and the
 * history (cache_int.h). A stored entry that does not parse is never
 * used: the file is read again, rewritten, and the dataset's cache_note
 * says so. A cache that cannot be written costs the next poll a read, so
 * it is logged and noted, never the poll's error. */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/format.h"
#include "lakewatch/history_cache.h"
#include "lakewatch/lake.h"
#include "lakewatch/log.h"
#include "lakewatch/probe.h"
#include "lakewatch/util.h"
#include "cache_int.h"

struct bind {
	const struct lw_config *cfg;
	struct lw_history *h;
	int64_t now;
	bool no_read;
	struct lw_obs *obs;
	struct lw_fcache *fc;	/* owned while a dataset is read */
	struct lw_file_obs_memo memo;	/* owned: the last schema got */
};

static void note(struct bind *b, const char *fmt, const char *a,
		 const char *m)
{
	lw_log(LW_LOG_WARN, fmt, a, m);
	if (!b->obs->cache_note)
		b->obs->cache_note = lw_xasprintf(fmt, a, m);
}

/* The lake of a scope: its name and where it is (secrets left out), so a
 * lake pointed at another root or container starts afresh. Caller frees. */
static char *lake_key(const struct bind *b, const struct lw_dataset *ds)
{
	const struct lw_lake_ref *l = &b->cfg->lakes[ds->lake];
	return lw_xasprintf("%s %s", l->name, lw_lake_base(l->lake)->display);
}

static bool b_begin(void *ud, const struct lw_dataset *ds)
{
	struct bind *b = ud;
	struct lw_err err;
	lw_err_clear(&err);
	char *lk = lake_key(b, ds);
	int rc = lw_fcache_open(b->h, lk, ds->path, ds->fingerprint, b->now,
				&b->fc, &err);
	free(lk);
	if (rc != LW_OK) {
		if (err.code != LW_EPERM)	/* a read-only history */
			note(b, "file cache of %s not used: %s", ds->name, err.msg);
		return false;
	}
	return true;
}

static bool b_get(void *ud, const struct lw_entry *e, struct lw_file_obs *fo)
{
	struct bind *b = ud;
	if (b->no_read)
		return false;
	const char *text = lw_fcache_get(b->fc, e);
	if (!text)
		return false;
	struct lw_err err;
	lw_err_clear(&err);
	if (lw_file_obs_from_memo(text, &b->memo, fo, &err) == LW_OK)
		return true;
	b->obs->cache_bad++;
	lw_fcache_forget(b->fc, e);
	note(b, "file cache: %s: %s; read again", e->path, err.msg);
	return false;
}

static void b_batch(void *ud, bool start)
{
	struct bind *b = ud;
	if (!b->no_read)
		lw_fcache_hold(b->fc, start);
}

static void b_put(void *ud, const struct lw_entry *e,
		  const struct lw_file_obs *fo)
{
	struct bind *b = ud;
	cJSON *j = lw_file_obs_to_json(fo);
	char *t = cJSON_PrintUnformatted(j);
	struct lw_err err;
	lw_err_clear(&err);
	if (t && lw_fcache_put(b->fc, e, t, &err) != LW_OK)
		note(b, "file cache of %s not written: %s", e->path, err.msg);
	cJSON_free(t);
	cJSON_Delete(j);
}

static void b_end(void *ud, bool complete)
{
	struct bind *b = ud;
	struct lw_err err;
	lw_err_clear(&err);
	if (lw_fcache_close(b->fc, complete, &err) != LW_OK)
		note(b, "%s%s", "", err.msg);
	b->fc = NULL;
}

static char *b_state_get(void *ud, const struct lw_dataset *ds)
{
	struct bind *b = ud;
	char *st = NULL;
	struct lw_err err;
	lw_err_clear(&err);
	if (b->no_read)
		return NULL;
	char *lk = lake_key(b, ds);
	if (lw_fcache_state_get(b->h, lk, ds->path, ds->fingerprint, &st,
				&err) != LW_OK)
		note(b, "file cache of %s not used: %s", ds->name, err.msg);
	free(lk);
	return st;
}

static void b_state_put(void *ud, const struct lw_dataset *ds,
			const char *state)
{
	struct bind *b = ud;
	struct lw_err err;
	lw_err_clear(&err);
	char *lk = lake_key(b, ds);
	if (lw_fcache_state_put(b->h, lk, ds->path, ds->fingerprint, b->now,
				state, &err) != LW_OK && err.code != LW_EPERM)
		note(b, "file cache of %s not written: %s", ds->name, err.msg);
	free(lk);
}

/* See cache_int.h. */
void lw_engine_observe(const struct lw_config *cfg, struct lw_history *hist,
		       const struct lw_dataset *ds, int64_t now,
		       struct lw_obs *obs, bool no_read)
{
	if (!hist || cfg->cache_entries <= 0) {
		lw_probe_dataset(cfg, ds, now, obs);
		return;
	}
	struct bind b = {cfg, hist, now, no_read, obs, NULL, {NULL, {0}}};
	lw_schema_init(&b.memo.schema);
	struct lw_probe_cache pc = {b_begin, b_get, b_batch, b_put, b_end,
				   b_state_get, b_state_put, &b};
	lw_probe_dataset_cached(cfg, ds, now, obs, &pc);
	lw_fcache_close(b.fc, false, NULL);	/* never left open */
	lw_file_obs_memo_free(&b.memo);
}

/* See cache_int.h. */
void lw_engine_cache_prune(const struct lw_config *cfg,
			   struct lw_history *hist, int64_t now)
{
	struct lw_err err;
	lw_err_clear(&err);
	if (hist && lw_fcache_prune(hist, cfg->retention > 0 ?
				    now - cfg->retention : INT64_MIN,
				    cfg->cache_entries, &err) != LW_OK)
		lw_log(LW_LOG_WARN, "file cache not pruned: %s", err.msg);
}
