/* probe.h - the observe stage for one dataset.
 *
 * Lists the dataset's files through its lake, keeps the ones that pass the
 * Spark rules (no _*, .*, *.crc) and the include/exclude patterns, derives
 * partitions from key=value segments or a named-group pattern, and hands
 * each file to the dataset's format. Or, for table formats and
 * observe-only lakes, hands the whole dataset over.
 */
#ifndef LAKEWATCH_PROBE_H
#define LAKEWATCH_PROBE_H

#include "lakewatch/config.h"

/* Fill obs (initialised by the caller) for ds. Never fails: a dataset that
 * cannot be observed has obs->ok false and obs->error naming what and
 * where. now is the observation time. */
void lw_probe_dataset(const struct lw_config *cfg, const struct lw_dataset *ds,
		      int64_t now, struct lw_obs *obs);

/* A per-file observation cache (the engine binds it to the history): a
 * file listed with the key it had when it was read (path, size, mtime,
 * the lake's tag) under the dataset's fingerprint is not read again. */
struct lw_entry;
struct lw_file_obs;
struct lw_probe_cache {
	/* ds's files are about to be read; false: no cache this time. */
	bool (*begin)(void *ud, const struct lw_dataset *ds);
	/* e was seen before with the same key: fill *fo (initialised by
	 * the caller, who frees it) and return true. */
	bool (*get)(void *ud, const struct lw_entry *e, struct lw_file_obs *fo);
	/* Optional: a run of get() calls starts (true) or ends (false), so
	 * the store can do them as one read. */
	void (*batch)(void *ud, bool start);
	/* e was read and gave *fo (borrowed): keep it. */
	void (*put)(void *ud, const struct lw_entry *e,
		    const struct lw_file_obs *fo);
	/* ds is done. complete: it was listed in full, so the entries
	 * neither got nor put are deleted files. */
	void (*end)(void *ud, bool complete);
	/* Table formats (probe_table_kept): what the last poll of ds kept
	 * (NULL: nothing; the caller frees it), and what to keep now
	 * (NULL: forget it). */
	char *(*state_get)(void *ud, const struct lw_dataset *ds);
	void (*state_put)(void *ud, const struct lw_dataset *ds,
			  const char *state);
	void *ud;
};

/* lw_probe_dataset, taking unchanged files from cache (NULL: none). */
void lw_probe_dataset_cached(const struct lw_config *cfg,
			     const struct lw_dataset *ds, int64_t now,
			     struct lw_obs *obs,
			     const struct lw_probe_cache *cache);

/* How partition keys are read from paths (the partitions themselves are
 * kept by model.h's lw_obs_add_partition). */
/* The "k=v/k2=v2" key of path's key=value directory segments, or NULL
 * (none, or a key past 4 KB, which is never cut short). Caller frees. */
char *lw_partition_kv(const char *path);
/* Event Hubs Capture's layout: "partition=P/date=YYYY-MM-DD/hour=hh/
 * minute=mm" for a path ending in P/YYYY/MM/DD/hh/mm/ss[.avro], else NULL.
 * Caller frees. (capture_path.c) */
char *lw_partition_capture(const char *path);

#endif
