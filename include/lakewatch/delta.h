/* delta.h - Delta Lake tables: the snapshot of a table rebuilt from its log.
 *
 * Follows PROTOCOL.md of delta-io: `_last_checkpoint` (or a listing of
 * `_delta_log/` when it is missing or corrupt) names the newest complete
 * checkpoint - classic, multi-part, or V2 (UUID-named, JSON or Parquet,
 * with sidecars) - and the JSON commits after it are replayed in order.
 * The last protocol and metaData win; add and remove actions are
 * reconciled by path and deletion-vector id. Only metadata is read: of
 * the data files, only the Parquet footers of live files whose add action
 * has no stats (lw_delta_count_footers). Everything goes through the lake
 * interface.
 */
#ifndef LAKEWATCH_DELTA_H
#define LAKEWATCH_DELTA_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <cJSON.h>
#include "lakewatch/err.h"
#include "lakewatch/lake.h"
#include "lakewatch/model.h"

/* Hard limits: a commit or JSON checkpoint larger than this is refused,
 * and so is a table with more live files (memory stays bounded). */
#define LW_DELTA_MAX_COMMIT	((size_t)256 * 1024 * 1024)
#define LW_DELTA_MAX_FILES	((size_t)20 * 1000 * 1000)

/* One live data file. */
struct lw_delta_file {
	char *path;		/* owned: add.path as logged (URL-encoded) */
	char *key;		/* owned: canonical path + "\n" + DV id */
	int64_t size;
	int64_t mtime_ms;	/* add.modificationTime */
	int64_t num_records;	/* stats.numRecords, -1 without stats */
	int64_t dv_cardinality;	/* rows the deletion vector hides, 0 none */
	bool rows_from_footer;	/* num_records was read from the data
				 * file's Parquet footer (no stats) */
	char *pvals;		/* owned, NULL when unpartitioned: the
				 * partitionValues as "k\0v\0k\0v\0\0"; a null
				 * value is stored as "\x01" */
};

/* What a table's log says at its latest version. */
struct lw_delta_snapshot {
	int64_t version;	/* -1 before loading */
	cJSON *protocol;	/* owned: the winning protocol action body */
	cJSON *metadata;	/* owned: the winning metaData action body */
	cJSON *commit_info;	/* owned, may be NULL: commitInfo of version */
	int64_t commit_ms;	/* time of the last commit, -1 unknown */
	int64_t checkpoint_version;	/* -1: no checkpoint used */
	int64_t checkpoint_time;	/* epoch s (checkpoint file mtime), -1 */
	char *checkpoint_kind;	/* owned: "classic", "multi-part",
				 * "v2-json", "v2-parquet", NULL */
	/* The checkpoint read (its first part): base name and size, so a
	 * kept snapshot sees it replaced (delta_state.c). */
	char *checkpoint_name;	/* owned, NULL: none */
	int64_t checkpoint_size;
	int64_t commits_replayed;	/* JSON commits applied */
	int64_t bytes_read;	/* what the log cost to read */
	/* A problem the load worked around (an unreadable checkpoint
	 * replaced by its commits): the file and what happened. Owned, NULL
	 * when there was none; the probe reports it as a warning. */
	char *warn_path, *warn_msg;
	/* Rows of live files without stats, counted from their footers
	 * (lw_delta_count_footers): how many lacked stats, the bound that
	 * applied (-1: footers not tried) and whether it stopped the count. */
	int64_t files_without_stats;
	int64_t footer_bound;
	bool footer_bound_hit;
	/* The commits read, oldest first (lw_delta_note_commit): those
	 * replayed, and before a checkpoint up to train_commits more of the
	 * newest, read for their commitInfo alone (its first 64 KiB). The
	 * caller sets train_commits after init (default
	 * LW_DELTA_TRAIN_DEFAULT; 0: only what is replayed anyway). */
	struct lw_delta_commit *commits;
	size_t ncommits, capcommits;
	int64_t train_commits;

	/* live files: open-addressing hash on key (internal layout) */
	struct lw_delta_file **slots;
	size_t nslots, nlive, nused;
};

void lw_delta_snapshot_init(struct lw_delta_snapshot *s);
void lw_delta_snapshot_free(struct lw_delta_snapshot *s);

/* Rebuild the latest snapshot of the table rooted at `table` (a lake path
 * without trailing '/'). Errors name the file and the version. */
int lw_delta_snapshot_load(struct lw_lake *lake, const char *table,
			   struct lw_delta_snapshot *s, struct lw_err *err);

/* Apply the actions of one newline-delimited JSON document. In a commit
 * (checkpoint false) adds and removes change the live set and commitInfo
 * is kept; in a checkpoint (true) removes are tombstones and ignored.
 * Sidecar actions are handed to sidecar_cb when set (V2 checkpoints).
 * The version is only used in messages. */
typedef int (*lw_delta_sidecar_cb)(void *ud, const char *path,
				   struct lw_err *err);
int lw_delta_apply_json(struct lw_delta_snapshot *s, const char *text,
			size_t len, int64_t version, bool checkpoint,
			lw_delta_sidecar_cb sidecar_cb, void *ud,
			struct lw_err *err);

/* One add action, from a JSON commit or a checkpoint row (strings are
 * copied; pvals as in struct lw_delta_file, may be NULL). */
struct lw_delta_add {
	const char *path;
	int64_t size, mtime_ms, num_records;
	const char *dv_storage, *dv_path;	/* NULL without DV */
	int64_t dv_offset;			/* -1 absent */
	int64_t dv_cardinality;
	const char *pvals;
	size_t pvals_len;			/* including the final '\0' */
};
int lw_delta_add_file(struct lw_delta_snapshot *s,
		      const struct lw_delta_add *a, struct lw_err *err);
void lw_delta_remove_file(struct lw_delta_snapshot *s, const char *path,
			  const char *dv_storage, const char *dv_path,
			  int64_t dv_offset);
/* Insert f (allocated, path and key set; s takes it, and frees it on
 * failure), replacing a file of the same key: a kept snapshot's files. */
int lw_delta_restore_file(struct lw_delta_snapshot *s, struct lw_delta_file *f,
			  struct lw_err *err);
/* Iterate live files: start with *it = 0; NULL at the end. */
const struct lw_delta_file *lw_delta_next(const struct lw_delta_snapshot *s,
					  size_t *it);
/* The same, for a caller that updates the files (footer row counts). */
struct lw_delta_file *lw_delta_next_rw(struct lw_delta_snapshot *s,
				       size_t *it);
/* The reconciliation key (canonical path: "file:" scheme dropped,
 * %-escapes decoded; plus the DV id). Caller frees. */
char *lw_delta_file_key(const char *path, const char *dv_storage,
			const char *dv_path, int64_t dv_offset);
/* Decode %XX escapes of a logged path (caller frees). */
char *lw_delta_unescape(const char *path);

/* Names in _delta_log/. */
enum lw_delta_log_kind {
	LW_DLOG_OTHER = 0, LW_DLOG_COMMIT, LW_DLOG_CHECKPOINT,
	LW_DLOG_MULTIPART, LW_DLOG_V2_JSON, LW_DLOG_V2_PARQUET,
	LW_DLOG_LAST_CHECKPOINT
};
struct lw_delta_log_name {
	enum lw_delta_log_kind kind;
	int64_t version;
	int part, parts;	/* multi-part only */
};
/* Classify a base name ("00000000000000000010.checkpoint.parquet"). */
void lw_delta_log_name(const char *base, struct lw_delta_log_name *out);

/* _last_checkpoint's content. */
struct lw_delta_last_cp {
	int64_t version;
	int64_t size;		/* -1 absent */
	int parts;		/* 0 absent */
	char *v2_path;		/* owned, NULL: v2Checkpoint.path */
};
/* Parse _last_checkpoint text. LW_EPARSE when it is not the object the
 * protocol describes (callers then fall back to a listing). */
int lw_delta_last_cp_parse(const char *text, size_t len,
			   struct lw_delta_last_cp *out, struct lw_err *err);
void lw_delta_last_cp_free(struct lw_delta_last_cp *c);

/* LW_OK when lakewatch can read the table's metadata under this protocol;
 * LW_EUNSUPPORTED naming the reader version or feature otherwise. */
int lw_delta_check_protocol(const cJSON *protocol, struct lw_err *err);
/* true when a reader feature is one lakewatch handles. */
bool lw_delta_reader_feature_known(const char *name);

/* metaData.schemaString into canonical columns (logical names, column
 * mapping resolved; partition columns included). Appends to out. */
int lw_delta_schema(const char *schema_string, struct lw_schema *out,
		    struct lw_err *err);
/* Logical name of a physical column name under column mapping, or NULL
 * (then the physical name is the logical one). Pointer into the cJSON. */
const char *lw_delta_logical_name(const cJSON *schema_json,
				  const char *physical);

/* Read the checkpoint `name` (a base name under <table>/_delta_log/) of
 * the given kind into s. multi-part: name is part 1; the others are
 * derived. */
int lw_delta_read_checkpoint(struct lw_lake *lake, const char *table,
			     const struct lw_delta_log_name *ln,
			     const char *name, struct lw_delta_snapshot *s,
			     struct lw_err *err);

/* Fill obs from a snapshot (files, bytes, rows, schema, times,
 * partitions, entries, detail "delta"). table is the lake path of the
 * table (entries get "<table>/<file>"). */
int lw_delta_fill_obs(const struct lw_delta_snapshot *s, const char *table,
		      struct lw_obs *obs, struct lw_err *err);

/* format_options of "delta". footer_rows_max_files bounds the Parquet
 * footers read per poll to count the rows of live files whose add action
 * has no stats.numRecords; 0 never reads one. */
#define LW_DELTA_FOOTERS_DEFAULT 1000
/* training_commits: how many commits before the checkpoint are read for
 * the anomaly rule's cold start; -1 (the default) is LW_DELTA_TRAIN_DEFAULT
 * when the dataset has an anomaly check (the engine sets for_anomaly when
 * it binds one) and 0 otherwise, so tables nobody trains on cost nothing
 * more. */
struct lw_delta_opts {
	int64_t footer_rows_max_files;
	int64_t training_commits;
	bool for_anomaly;
};

/* Count the rows of every live file without stats from its Parquet
 * footer (suffix reads through the lake, prefetched concurrently where
 * the lake can), minus its deletion vector. When more files lack stats
 * than max_files, none is read and the count stays unknown (the
 * snapshot says why). A footer that cannot be read is a file error on
 * obs; a deletion vector hiding more rows than the footer holds is a
 * corrupt log (LW_EPARSE naming the file). */
int lw_delta_count_footers(struct lw_lake *lake, const char *table,
			   struct lw_delta_snapshot *s, int64_t max_files,
			   struct lw_obs *obs, struct lw_err *err);

/* A snapshot kept between polls (delta_state.c): its stored form, NULL
 * when it has more live files than LW_DELTA_STATE_MAX_FILES (the cache
 * stays bounded; such a table is read from its log each poll). Caller
 * frees. */
#define LW_DELTA_STATE_MAX_FILES ((size_t)500 * 1000)
char *lw_delta_state_save(const struct lw_delta_snapshot *s);
/* Back from text into s (initialised); LW_EPARSE naming what is wrong
 * (s is then empty again). */
int lw_delta_state_load(const char *text, struct lw_delta_snapshot *s,
			struct lw_err *err);
/* Bring the kept snapshot s forward: list the log from its checkpoint (or
 * version) on and replay only the commits after s->version. *full is set
 * (s emptied) when that cannot give what a full load gives: the lake
 * cannot list from a point, a newer checkpoint appeared, or the one s
 * was built on is gone or replaced; the caller then loads in full. */
int lw_delta_snapshot_advance(struct lw_lake *lake, const char *table,
			      struct lw_delta_snapshot *s, bool *full,
			      struct lw_err *err);

/* Rows written by the last load from operationMetrics, -1 when the
 * operation reports none. */
int64_t lw_delta_load_rows(const cJSON *commit_info);

/* Commits of the log kept for the anomaly rule's cold start
 * (formats/delta_commits.c). A point from one commitInfo (false when it
 * has no usable time); note the snapshot's current commit_info as version's
 * (kept at most LW_DELTA_COMMITS_MAX, the newest; callers go in version
 * order, so the list stays oldest first). */
#define LW_DELTA_TRAIN_DEFAULT 60
#define LW_DELTA_TRAIN_MAX ((int64_t)LW_DELTA_COMMITS_MAX)
bool lw_delta_commit_point(const cJSON *ci, int64_t commit_ms,
			   int64_t version, struct lw_delta_commit *out);
void lw_delta_note_commit(struct lw_delta_snapshot *s, int64_t version);

#endif
