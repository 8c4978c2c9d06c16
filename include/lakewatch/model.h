/* model.h - the nouns every stage shares: statuses, layers, column types,
 * schemas, observations and check results.
 *
 * Data flows one way: a probe fills a struct lw_obs (observe), checks turn
 * it into struct lw_result rows (judge), the history stores both (record),
 * and reports and the dashboard read them (show).
 */
#ifndef LAKEWATCH_MODEL_H
#define LAKEWATCH_MODEL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <cJSON.h>

/* Ordered: a roll-up is the maximum. ERROR (could not observe or judge) is
 * worst, as in `soda scan` exit codes. */
enum lw_status { LW_PASS = 0, LW_WARN = 1, LW_FAIL = 2, LW_ERROR = 3 };
#define LW_NSTATUS 4
const char *lw_status_name(enum lw_status s);	/* "PASS" ... static */
int lw_status_parse(const char *s, enum lw_status *out); /* case-insensitive */
/* The one glyph of a status, the same in every report and the dashboard:
 * ✓ ! ✗ ⊘ with utf8, else one ASCII letter + ! X E. Static; an unknown
 * status gives ERROR's. */
const char *lw_status_glyph(enum lw_status s, bool utf8);

enum lw_layer { LW_BRONZE = 0, LW_SILVER, LW_GOLD, LW_POWERBI };
#define LW_NLAYERS 4
const char *lw_layer_name(enum lw_layer l);	/* "bronze" ... "powerbi" */
const char *lw_layer_title(enum lw_layer l);	/* "Bronze" ... "Power BI" */
int lw_layer_parse(const char *s, enum lw_layer *out);

/* The canonical column types users see everywhere (README "Column types"):
 * NULL is a column that can only hold nulls (Parquet's UNKNOWN logical
 * type, Delta's void, Avro's null, JSON null), VARIANT is semi-structured
 * (Delta and Parquet variant), UNKNOWN a type no mapping knows (shown as
 * "unknown"; only "any" matches it). */
enum lw_type {
	LW_T_UNKNOWN = 0, LW_T_STRING, LW_T_INT32, LW_T_INT64, LW_T_FLOAT,
	LW_T_DOUBLE, LW_T_BOOLEAN, LW_T_DATE, LW_T_TIMESTAMP, LW_T_DECIMAL,
	LW_T_BINARY, LW_T_LIST, LW_T_STRUCT, LW_T_MAP, LW_T_NULL, LW_T_VARIANT
};

struct lw_column {
	char *name;		/* owned */
	enum lw_type type;
	int precision, scale;	/* decimal only */
	bool nullable;
	char *physical;		/* owned, may be NULL: the format's own spelling
				 * ("INT64/TIMESTAMP(MICROS,true)", "BIGINT") */
};

struct lw_schema {
	struct lw_column *cols;	/* owned */
	size_t n, cap;
};

/* "decimal(10,2)", "int64", ... into buf; returns buf. */
const char *lw_type_fmt(const struct lw_column *c, char *buf, size_t n);
/* Parse "int64", "decimal(10,2)", "timestamp"... (as written in configs).
 * Aliases accepted: bigint, int, integer, long, text, varchar, bool, ... */
int lw_type_parse(const char *s, enum lw_type *t, int *precision, int *scale);
bool lw_column_same_type(const struct lw_column *a, const struct lw_column *b);

void lw_schema_init(struct lw_schema *s);
void lw_schema_free(struct lw_schema *s);
/* Append a column (name and physical copied). Returns the new column. */
struct lw_column *lw_schema_add(struct lw_schema *s, const char *name,
				enum lw_type t, const char *physical);
const struct lw_column *lw_schema_find(const struct lw_schema *s,
				       const char *name);
void lw_schema_copy(struct lw_schema *dst, const struct lw_schema *src);
/* JSON round trip used by history: [{"name":..,"type":"decimal(10,2)",
 * "nullable":true,"physical":..}]. Caller owns the cJSON. */
cJSON *lw_schema_to_json(const struct lw_schema *s);
int lw_schema_from_json(const cJSON *j, struct lw_schema *s);

/* One file as a lake lists it. */
struct lw_entry {
	char *path;		/* owned; relative to the lake root, '/'-separated */
	int64_t size;		/* bytes */
	int64_t mtime;		/* epoch seconds, UTC */
	int32_t mtime_nsec;	/* the sub-second part, 0 where the lake has
				 * none (fs has it) */
	uint64_t tag;		/* a hash of the lake's version tag (Azure's
				 * ETag), 0 where it has none: with path, size
				 * and mtime, the per-file cache's key */
};

/* A partition seen in a dataset: "date=2026-11-20/hour=03" or the named
 * groups of a pattern, joined the same way. */
struct lw_partition {
	char *key;		/* owned: the canonical "k=v/k2=v2" */
	int64_t time;		/* start of the period the values name, or -1 */
	int64_t files, bytes, rows;	/* rows -1 when unknown */
};

/* A problem with one file that did not stop the dataset being observed. */
struct lw_file_error {
	char *path;		/* owned */
	char *msg;		/* owned */
};

/* Typed plug-in results: what the producers (formats/, lakes/) found that
 * checks judge. Each struct's `present` says the plug-in ran; a has_* flag
 * says a value that can be absent was seen. The same facts are written into
 * obs->detail for display, reports and history, and lw_obs_from_json
 * restores them from there (core/facts.c), so a previous observation has
 * them too. Checks read only these, never obs->detail: a renamed detail key
 * then breaks the round-trip test instead of silently making a check
 * "unknown". Strings are owned by the observation. */
/* One commit of a Delta log that loaded data, from its commitInfo: what
 * the anomaly rule's cold start trains from (checks/anomaly_cold.c). */
struct lw_delta_commit {
	int64_t version;
	int64_t at;		/* commit time, epoch seconds */
	int64_t rows;		/* rows it wrote (lw_delta_load_rows), -1 */
	int64_t files, bytes;	/* files and bytes it added, -1 unknown */
	int64_t net;		/* change of the table's row count;
				 * LW_DELTA_NET_UNKNOWN after an overwrite
				 * or an operation that does not say */
};
#define LW_DELTA_NET_UNKNOWN INT64_MIN
/* The most commits one observation keeps (the newest). */
#define LW_DELTA_COMMITS_MAX 1000

struct lw_delta_facts {		/* formats/delta*.c: detail.delta */
	bool present;		/* a Delta log was read */
	bool has_version, has_last_commit, has_last_load_rows, has_live_files;
	bool has_checkpoint_version, has_checkpoint_time;
	int64_t version;
	int64_t last_commit;	/* epoch seconds */
	char *last_operation;	/* owned, NULL: no commitInfo operation */
	int64_t last_load_rows;	/* rows the last commit wrote */
	int64_t live_files;
	int64_t checkpoint_version;
	int64_t checkpoint_time;	/* epoch seconds */
	/* Where the row count came from (detail rows_from), when it is
	 * known and the table has live files. */
	enum lw_delta_rows_from {
		LW_DROWS_NONE = 0, LW_DROWS_STATS, LW_DROWS_FOOTERS,
		LW_DROWS_MIXED
	} rows_from;
	int64_t files_without_stats;	/* live adds without numRecords */
	bool has_footer_bound;	/* footers were needed: the bound */
	int64_t footer_bound;
	bool footer_bound_hit;	/* more files lacked stats than the bound */
	/* The loads of the log read this poll, oldest first (owned, at
	 * most LW_DELTA_COMMITS_MAX). Training material for this poll only:
	 * not in detail, so not restored from history (the history keeps
	 * its own series of polls). */
	struct lw_delta_commit *commits;
	size_t ncommits;
};

struct lw_powerbi_refresh_facts {	/* detail.powerbi.refresh */
	bool present;		/* at least one refresh is known */
	char *status;		/* owned, may be NULL: Completed, Failed, ... */
	char *type;		/* owned, may be NULL: Scheduled, OnDemand... */
	char *error_code;	/* owned, may be NULL */
	bool has_started, has_ended, has_last_success;
	int64_t started, ended;	/* the newest refresh, epoch seconds */
	int64_t last_success;	/* newest Completed end, -1 when none */
};

/* One datasource of a Power BI dataset (Get Datasources In Group):
 * detail.powerbi.datasources[]. */
struct lw_powerbi_source {
	char *type;		/* owned, may be NULL: datasourceType */
	char *server, *database;	/* owned, may be NULL */
	char *path;		/* owned, may be NULL: connectionDetails url,
				 * else path */
};

/* The most datasources of one Power BI dataset kept. */
#define LW_PBI_SOURCES_MAX 64

struct lw_powerbi_facts {	/* lakes/powerbi*.c: detail.powerbi */
	bool present;		/* observed as a Power BI dataset */
	struct lw_powerbi_refresh_facts refresh;
	bool has_schedule;	/* detail.powerbi.schedule */
	bool schedule_disabled;	/* "enabled" is false */
	bool has_interval;
	int64_t interval;	/* seconds between scheduled refreshes */
	/* detail.powerbi.datasources: asked only of a dataset without a
	 * configured "upstream"; has_sources when the service answered. */
	bool has_sources;
	struct lw_powerbi_source *sources;	/* owned */
	size_t nsources;
	char *sources_error;	/* owned, may be NULL: why the service did
				 * not say (redacted) */
};
/* Free f's datasources and their error, and clear them (core/facts.c). */
void lw_powerbi_sources_free(struct lw_powerbi_facts *f);

struct lw_parquet_facts {	/* formats/parquet.c, summed by the probe */
	bool present;
	bool has_row_groups;
	int64_t row_groups;
	char *created_by;	/* owned, may be NULL: distinct writers,
				 * ", "-joined */
};

struct lw_avro_facts {		/* formats/avro.c, summed by the probe */
	bool present;
	char *codec;		/* owned, may be NULL: distinct codecs */
	bool has_blocks, has_empty_files;	/* only when rows are counted */
	int64_t blocks, empty_files;
};

/* Pipeline and job runs (lakes/cp*.c: Data Factory, Synapse, Databricks):
 * detail.runs. The service's own status is kept as it said it; `state` is
 * the same in every service's words, what checks judge. */
enum lw_run_state {
	LW_RUN_UNKNOWN = 0, LW_RUN_QUEUED, LW_RUN_IN_PROGRESS,
	LW_RUN_SUCCEEDED, LW_RUN_FAILED, LW_RUN_TIMEDOUT, LW_RUN_CANCELLED,
	LW_RUN_SKIPPED
};
#define LW_NRUN_STATES 8
/* "Queued", "InProgress", "Succeeded", "Failed", "TimedOut", "Cancelled",
 * "Skipped", "Unknown": static. */
const char *lw_run_state_name(enum lw_run_state s);
/* The name back (exact spelling); LW_RUN_UNKNOWN for anything else. */
enum lw_run_state lw_run_state_parse(const char *s);

struct lw_run_fact {
	char *run_id;		/* owned */
	enum lw_run_state state;
	char *status;		/* owned, may be NULL: the service's words
				 * ("Failed", "TERMINATED/TIMEDOUT") */
	int64_t start, end;	/* epoch seconds, -1 when absent */
	int64_t duration;	/* seconds, -1 when unknown */
	char *message;		/* owned, may be NULL */
	char *failing;		/* owned, may be NULL: the failing activity or
				 * task */
	char *error_code;	/* owned, may be NULL */
};

struct lw_runs_facts {		/* detail.runs */
	bool present;		/* the service was asked for this pipeline */
	char *service;		/* owned: "datafactory", "synapse",
				 * "databricks" */
	char *pipeline;		/* owned: the pipeline name or job id */
	char *name;		/* owned, may be NULL: the job's name when
				 * pipeline is its id (Databricks) */
	char *lake;		/* owned, may be NULL: the lake's config name
				 * (history keys runs by lake and pipeline) */
	struct lw_run_fact *runs;	/* owned: newest first */
	size_t n;
	bool truncated;		/* more runs than were kept */
};

/* What a message calls rf's pipeline or job, into buf (returned): "name
 * (job ID)" for a named job, else the pipeline's name or id, else "the
 * pipeline". (core/facts_runs.c) */
const char *lw_runs_label(const struct lw_runs_facts *rf, char *buf,
			  size_t n);

/* Azure Monitor metrics (lakes/cp*.c): detail.metrics. A value absent
 * from a point is NAN. */
struct lw_metric_point {
	int64_t t;		/* epoch seconds: the start of the interval */
	double average, maximum, minimum, total, count;
};

struct lw_metric_fact {
	char *name;		/* owned: "OutputWatermarkDelaySeconds" */
	char *unit;		/* owned, may be NULL: "Seconds", "Count" */
	char *error;		/* owned, may be NULL: the service's error for
				 * this metric inside its 200 answer */
	struct lw_metric_point *pts;	/* owned, oldest first */
	size_t n;
};

struct lw_metrics_facts {	/* detail.metrics */
	bool present;
	int64_t from, to;	/* the window asked for, epoch seconds */
	struct lw_metric_fact *m;	/* owned */
	size_t n;
};

struct lw_stream_facts {	/* detail.stream: a Stream Analytics job */
	bool present;
	char *job_state;	/* owned, may be NULL: Running, Degraded, ... */
	bool has_last_output;
	int64_t last_output;	/* lastOutputEventTime, epoch seconds */
};

/* What a probe saw of one dataset at one moment. */
struct lw_obs {
	bool ok;		/* false: could not observe; error says why */
	char *error;		/* owned, NULL when ok */
	int64_t at;		/* when observed, epoch seconds */

	int64_t files, bytes, empty_files;
	int64_t min_file_size, max_file_size;	/* -1 with no files */
	int64_t newest_mtime, oldest_mtime;	/* -1 with no files */
	int64_t rows;		/* -1 = unknown (never guessed) */
	int64_t bytes_read;	/* what observing cost */
	int64_t bytes_decompressed;	/* what compressed files gave */

	bool has_schema;
	struct lw_schema schema;

	struct lw_partition *parts;	/* owned, sorted by key */
	size_t nparts, capparts;
	int64_t newest_part_time;	/* -1 when no partition has a time */

	struct lw_entry *entries;	/* owned: the files counted */
	size_t nentries, capentries;

	struct lw_file_error *ferrs;	/* owned */
	size_t nferrs, capferrs;
	/* Problems that did not stop a file being read (a Delta checkpoint
	 * replaced by its commits, ...): the dataset is WARN. Owned. */
	struct lw_file_error *fwarns;
	size_t nfwarns, capfwarns;

	/* Format- or kind-specific facts (parquet created_by and row groups,
	 * delta version and last operation, Power BI refreshes, avro codec).
	 * Owned. Stored in history as-is and shown in the detail view. The
	 * keys each plug-in writes are documented in docs/DESIGN.md
	 * ("Observation detail keys"). */
	cJSON *detail;

	/* The same plug-in results, typed, for the checks (see above). */
	struct lw_delta_facts delta;
	struct lw_powerbi_facts powerbi;
	struct lw_parquet_facts parquet;
	struct lw_avro_facts avro;
	/* What this poll cost in files (not stored, not reported: --stats
	 * says them): taken from the per-file cache, and read. */
	int64_t files_cached, files_read;
	int64_t cache_bad;	/* stored entries unusable (read again) */
	char *cache_note;	/* owned, may be NULL: the first such problem,
				 * or why the cache could not be written */
	struct lw_runs_facts runs;
	struct lw_metrics_facts metrics;
	struct lw_stream_facts stream;
};

void lw_obs_init(struct lw_obs *o);
void lw_obs_free(struct lw_obs *o);
void lw_obs_fail(struct lw_obs *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));	/* ok=false, error set */
void lw_obs_add_ferr(struct lw_obs *o, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void lw_obs_add_fwarn(struct lw_obs *o, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Detail object, created on first use; owned by o. */
cJSON *lw_obs_detail(struct lw_obs *o);
/* Start time of the period a partition key names (date=2026-11-20,
 * year=2026/month=11/day=20/hour=03, dt=2026-11-20T03, ...), or -1. */
int64_t lw_partition_time(const char *key);
/* Record one file in obs's partition list (creating the partition). Probes
 * and table formats both call it (obs_partitions.c). */
void lw_obs_add_partition(struct lw_obs *obs, const char *key, int64_t size,
			  int64_t rows);
/* Sort partitions, merge duplicates and set newest_part_time. */
void lw_obs_finish_partitions(struct lw_obs *obs);
/* History round trip (entries are not stored, only counts). */
cJSON *lw_obs_to_json(const struct lw_obs *o);
int lw_obs_from_json(const cJSON *j, struct lw_obs *o);
/* Typed facts (core/facts.c). lw_obs_facts_from_detail fills o's facts from
 * o->detail, as lw_obs_from_json does; lw_obs_facts_free frees their
 * strings and clears them (lw_obs_free calls it). */
void lw_obs_facts_from_detail(struct lw_obs *o);
void lw_obs_facts_free(struct lw_obs *o);
/* Epoch seconds a fact may hold: |t| < 1e15, as history reads them back. */
bool lw_fact_time_ok(int64_t t);
/* Append s to the ", "-joined distinct values in *list (owned; NULL at
 * first), up to about 200 characters: how per-file strings merge. */
void lw_fact_join(char **list, const char *s);

/* One check's verdict on one dataset. */
struct lw_result {
	char *check;		/* owned: "freshness", "row_count", ... */
	enum lw_status status;
	char *measured;		/* owned: "7h", "12,034 rows" */
	char *threshold;	/* owned: "warn 2h, fail 6h" */
	char *message;		/* owned: one line a person can act on */
	double value;		/* measured number when has_value */
	bool has_value;
	/* The range the anomaly rule expected for value (has_range), and of
	 * which metric ("rows", "load", ...; static): the dashboard draws it
	 * behind a sparkline. Stored per observation in
	 * history (history/bands.c). */
	bool has_range;
	double range_lo, range_hi;
	const char *range_metric;
};

void lw_result_set(struct lw_result *r, const char *check,
		   enum lw_status st, const char *measured,
		   const char *threshold, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void lw_result_free(struct lw_result *r);

#endif
