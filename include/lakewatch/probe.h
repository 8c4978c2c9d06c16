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

/* Partition helpers, shared with table formats. */
/* The "k=v/k2=v2" key of path's key=value directory segments, or NULL
 * (none, or a key past 4 KB, which is never cut short). Caller frees. */
char *lw_partition_kv(const char *path);
/* Start time of the period a partition key names (date=2026-11-20,
 * year=2026/month=11/day=20/hour=03, dt=2026-11-20T03, ...), or -1. */
int64_t lw_partition_time(const char *key);
/* Record one file in obs's partition list (creating the partition). */
void lw_obs_add_partition(struct lw_obs *obs, const char *key, int64_t size,
			  int64_t rows);
/* Sort partitions and set newest_part_time. */
void lw_obs_finish_partitions(struct lw_obs *obs);

#endif
