/* delta.c - the "delta" table format: a snapshot of the table's log turned
 * into an observation.
 *
 * Files, bytes and rows are those of the live files; rows are the sum of
 * stats.numRecords minus deletion-vector cardinalities. A live file
 * without stats is counted from its Parquet footer (delta_footers.c,
 * at most format_options.footer_rows_max_files per poll); rows stay
 * unknown (-1) when one is still not counted - never guessed. detail
 * rows_from says where the count came from: stats, footers or mixed. The time of the
 * last commit is the table's newest_mtime, so freshness works unchanged.
 * detail "delta" holds the keys listed in docs/DESIGN.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/delta.h"
#include "lakewatch/format.h"
#include "lakewatch/util.h"
#include "lakewatch/buf.h"

/* A JSON number as int64, dflt when it is not a whole number in range
 * (converting an out-of-range double is undefined behaviour). */
static int64_t num_i64(double d, int64_t dflt)
{
	if (!(d >= -9.2e18 && d <= 9.2e18))
		return dflt;
	return (int64_t)d;
}

static bool metric(const cJSON *m, const char *k, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, k);
	char *end;
	if (cJSON_IsNumber(v)) {
		*out = num_i64(v->valuedouble, 0);
		return true;
	}
	if (cJSON_IsString(v) && v->valuestring[0]) {
		long long x = strtoll(v->valuestring, &end, 10);
		if (!*end) {
			*out = x;
			return true;
		}
	}
	return false;
}

/* WRITE, CREATE TABLE AS SELECT and streaming appends report
 * numOutputRows; MERGE inserts plus updates; UPDATE its updated rows.
 * DELETE, OPTIMIZE (no new data) and the rest report none. */
int64_t lw_delta_load_rows(const cJSON *ci)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(ci,
							  "operationMetrics");
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(ci, "operation");
	int64_t a, b;
	if (!cJSON_IsObject(m))
		return -1;
	if (cJSON_IsString(op) && strcmp(op->valuestring, "OPTIMIZE") == 0)
		return -1;
	if (metric(m, "numOutputRows", &a))
		return a;
	bool ha = metric(m, "numTargetRowsInserted", &a);
	bool hb = metric(m, "numTargetRowsUpdated", &b);
	if (ha || hb) {
		a = ha ? a : 0;
		b = hb ? b : 0;
		/* metrics are the writer's strings: nonsense must not
		 * overflow (and a negative one is no count) */
		if (a < 0 || b < 0 || a > INT64_MAX - b)
			return -1;
		return a + b;
	}
	if (metric(m, "numUpdatedRows", &a))
		return a;
	return -1;
}

/* Hive-style escaping keeps "k=v/k2=v2" splittable whatever the values
 * hold ('/', '=', '%', control characters). */
static int add_escaped(struct lw_buf *b, const char *v)
{
	int rc = LW_OK;
	for (; *v && rc == LW_OK; v++) {
		unsigned char c = (unsigned char)*v;
		if (c < 0x20 || c == '/' || c == '=' || c == '%' || c == 0x7f)
			rc = lw_buf_addf(b, "%%%02X", c);
		else
			rc = lw_buf_addc(b, (char)c);
	}
	return rc;
}

static const char *pval_get(const char *pv, const char *k)
{
	while (pv && *pv) {
		const char *v = pv + strlen(pv) + 1;
		if (strcmp(pv, k) == 0)
			return v;
		pv = v + strlen(v) + 1;
	}
	return NULL;
}

/* "k=v/k2=v2" in partitionColumns order, logical names. b is reset.
 * LW_ETOOBIG when the key passes b's max (then b is failed, see buf.h). */
static int part_key(const struct lw_delta_file *f, const cJSON *pcols,
		     const cJSON *schema_json, struct lw_buf *b)
{
	const cJSON *c;
	lw_buf_reset(b);
	cJSON_ArrayForEach(c, pcols) {
		if (!cJSON_IsString(c))
			continue;
		const char *logical = c->valuestring;
		const char *phys = NULL;
		/* under column mapping partitionValues use physical names */
		const cJSON *fields = cJSON_GetObjectItemCaseSensitive(
			schema_json, "fields");
		const cJSON *fl;
		cJSON_ArrayForEach(fl, fields) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(fl,
									  "name");
			if (!cJSON_IsString(n) ||
			    strcmp(n->valuestring, logical) != 0)
				continue;
			const cJSON *md = cJSON_GetObjectItemCaseSensitive(
				fl, "metadata");
			const cJSON *pn = cJSON_GetObjectItemCaseSensitive(
				md, "delta.columnMapping.physicalName");
			if (cJSON_IsString(pn))
				phys = pn->valuestring;
		}
		const char *v = phys ? pval_get(f->pvals, phys) : NULL;
		if (!v)
			v = pval_get(f->pvals, logical);
		int rc = b->len ? lw_buf_addc(b, '/') : LW_OK;
		if (rc == LW_OK)
			rc = add_escaped(b, logical);
		if (rc == LW_OK)
			rc = lw_buf_addc(b, '=');
		if (rc == LW_OK && (!v || strcmp(v, "\x01") == 0))
			rc = lw_buf_adds(b, "__HIVE_DEFAULT_PARTITION__");
		else if (rc == LW_OK)
			rc = add_escaped(b, v);
		if (rc != LW_OK)
			return rc;
	}
	return LW_OK;
}

static char *entry_path(const char *table, const char *logged)
{
	char *p = lw_delta_unescape(logged);
	if (strchr(p, ':') || p[0] == '/')
		return p;	/* absolute: kept as logged, decoded */
	char *full = *table ? lw_xasprintf("%s/%s", table, p) : lw_xstrdup(p);
	free(p);
	return full;
}

static void add_entry(struct lw_obs *o, char *path, int64_t size,
		      int64_t mtime)
{
	lw_xgrow((void **)&o->entries, &o->capentries, o->nentries,
		 sizeof *o->entries);
	struct lw_entry *e = &o->entries[o->nentries++];
	e->path = path;
	e->size = size;
	e->mtime = mtime;
}

/* The typed side of detail.delta (struct lw_delta_facts), for the checks:
 * the same values, under the same conditions as the keys are written. */
static void delta_facts(const struct lw_delta_snapshot *s, const char *op,
			int64_t load_rows, struct lw_obs *o)
{
	struct lw_delta_facts *f = &o->delta;
	free(f->last_operation);
	free(f->commits);
	memset(f, 0, sizeof *f);
	if (s->ncommits) {
		f->commits = lw_xmalloc(s->ncommits * sizeof *f->commits);
		memcpy(f->commits, s->commits, s->ncommits * sizeof *f->commits);
		f->ncommits = s->ncommits;
	}
	f->present = true;
	f->has_version = true;
	f->version = s->version;
	f->has_last_commit = s->commit_ms >= 0 &&
			     lw_fact_time_ok(s->commit_ms / 1000);
	f->last_commit = s->commit_ms / 1000;
	f->last_operation = op ? lw_xstrdup(op) : NULL;
	f->has_last_load_rows = load_rows >= 0;
	f->last_load_rows = load_rows;
	f->has_live_files = true;
	f->live_files = o->files;
	f->has_checkpoint_version = f->has_checkpoint_time =
		s->checkpoint_version >= 0;
	f->checkpoint_version = s->checkpoint_version;
	f->has_checkpoint_time = f->has_checkpoint_time &&
				 lw_fact_time_ok(s->checkpoint_time);
	f->checkpoint_time = s->checkpoint_time;
	f->files_without_stats = s->files_without_stats;
	f->has_footer_bound = s->footer_bound >= 0;
	f->footer_bound = s->footer_bound;
	f->footer_bound_hit = s->footer_bound_hit;
}

static const char *const rows_from_names[] = {
	[LW_DROWS_STATS] = "stats", [LW_DROWS_FOOTERS] = "footers",
	[LW_DROWS_MIXED] = "mixed",
};

/* Where a known count of a table with live files came from. */
static enum lw_delta_rows_from rows_from(const struct lw_obs *o,
					 int64_t from_footers)
{
	if (o->rows < 0 || o->files == 0)
		return LW_DROWS_NONE;
	if (from_footers == 0)
		return LW_DROWS_STATS;
	return from_footers == o->files ? LW_DROWS_FOOTERS : LW_DROWS_MIXED;
}

/* detail.delta's row-source keys, after delta_facts filled o->delta. */
static void rows_from_detail(const struct lw_obs *o, cJSON *d)
{
	const struct lw_delta_facts *f = &o->delta;
	if (f->rows_from != LW_DROWS_NONE)
		cJSON_AddStringToObject(d, "rows_from",
					rows_from_names[f->rows_from]);
	cJSON_AddNumberToObject(d, "files_without_stats",
				(double)f->files_without_stats);
	if (f->has_footer_bound)
		cJSON_AddNumberToObject(d, "footer_rows_max_files",
					(double)f->footer_bound);
	if (f->footer_bound_hit)
		cJSON_AddBoolToObject(d, "footer_bound_reached", 1);
}

static cJSON *copy_or_empty_array(const cJSON *a)
{
	return cJSON_IsArray(a) ? cJSON_Duplicate(a, true)
				: cJSON_CreateArray();
}

/* The table's schema from its metaData (partition columns the schema
 * lost added as strings) into o. */
static int fill_schema(const struct lw_delta_snapshot *s, const char *table,
		       struct lw_obs *o, struct lw_err *err)
{
	const cJSON *md = s->metadata;
	const cJSON *ss = cJSON_GetObjectItemCaseSensitive(md, "schemaString");
	const cJSON *pcols = cJSON_GetObjectItemCaseSensitive(md,
							      "partitionColumns");
	/* Early writers left schemaString out: the schema is then unknown
	 * rather than empty, so schema rules do not see every column go. */
	if (cJSON_IsString(ss)) {
		struct lw_schema sch;
		lw_schema_init(&sch);
		int rc = lw_delta_schema(ss->valuestring, &sch, err);
		if (rc != LW_OK) {
			lw_schema_free(&sch);
			/* the snapshot's version: the metaData in force there */
			lw_err_prefix(err, "table %s, metaData at version %lld",
				      *table ? table : "(lake root)",
				      (long long)s->version);
			return rc;
		}
		const cJSON *c;
		cJSON_ArrayForEach(c, pcols)	/* one the schema lost */
			if (cJSON_IsString(c) &&
			    !lw_schema_find(&sch, c->valuestring))
				lw_schema_add(&sch, c->valuestring,
					      LW_T_STRING, "string")->nullable =
					true;
		lw_schema_free(&o->schema);
		o->schema = sch;
		o->has_schema = true;
	}
	return LW_OK;
}

/* Files, sizes, rows (stats, else footers; unknown when any file has
 * neither), times, entries and partitions of the live files into o.
 * *from_footers counts the rows the footers gave. */
static int fill_files(const struct lw_delta_snapshot *s, const char *table,
		      struct lw_obs *o, int64_t *from_footers,
		      struct lw_err *err)
{
	const cJSON *md = s->metadata;
	const cJSON *ss = cJSON_GetObjectItemCaseSensitive(md, "schemaString");
	const cJSON *pcols = cJSON_GetObjectItemCaseSensitive(md,
							      "partitionColumns");
	cJSON *schema_json = cJSON_IsString(ss) ? cJSON_Parse(ss->valuestring)
						: NULL;
	bool partitioned = cJSON_GetArraySize(pcols) > 0;
	struct lw_buf kb;
	lw_buf_init(&kb, LW_BUF_1M);

	o->files = o->bytes = o->empty_files = 0;
	o->rows = 0;
	o->min_file_size = o->max_file_size = -1;
	o->oldest_mtime = -1;
	bool rows_known = true;
	*from_footers = 0;
	size_t it = 0;
	const struct lw_delta_file *f;
	while ((f = lw_delta_next(s, &it))) {
		o->files++;
		/* sizes are checked >= 0 when added; a log claiming
		 * exabytes must not overflow the sum */
		o->bytes = f->size > INT64_MAX - o->bytes ? INT64_MAX
							   : o->bytes + f->size;
		if (o->min_file_size < 0 || f->size < o->min_file_size)
			o->min_file_size = f->size;
		if (f->size > o->max_file_size)
			o->max_file_size = f->size;
		int64_t rows = -1;
		if (f->num_records >= 0) {
			*from_footers += f->rows_from_footer;
			rows = f->num_records - f->dv_cardinality;
			if (rows < 0)
				rows = 0;
			if (rows == 0)
				o->empty_files++;
			if (rows > INT64_MAX - o->rows)
				rows_known = false;	/* nonsense stats */
			else
				o->rows += rows;
		} else {
			rows_known = false;
		}
		int64_t mt = f->mtime_ms >= 0 ? f->mtime_ms / 1000 : -1;
		if (mt >= 0 && (o->oldest_mtime < 0 || mt < o->oldest_mtime))
			o->oldest_mtime = mt;
		add_entry(o, entry_path(table, f->path), f->size, mt);
		if (partitioned) {
			if (part_key(f, pcols, schema_json, &kb) != LW_OK) {
				lw_buf_free(&kb);
				cJSON_Delete(schema_json);
				return lw_err_set(err, LW_ETOOBIG, "%s: partition "
						  "values longer than %zu bytes",
						  f->path, LW_BUF_1M);
			}
			lw_obs_add_partition(o, kb.data ? kb.data : "",
					     f->size, rows);
		}
	}
	if (!rows_known)
		o->rows = -1;
	if (partitioned)
		lw_obs_finish_partitions(o);
	lw_buf_free(&kb);
	cJSON_Delete(schema_json);
	o->newest_mtime = s->commit_ms >= 0 ? s->commit_ms / 1000 : -1;
	o->bytes_read += s->bytes_read;
	return LW_OK;
}

/* The detail JSON ("delta": version, last commit and operation,
 * protocol, checkpoint, partition columns) and the typed facts. */
static void fill_detail(const struct lw_delta_snapshot *s, struct lw_obs *o,
			int64_t from_footers)
{
	const cJSON *pcols = cJSON_GetObjectItemCaseSensitive(s->metadata,
							      "partitionColumns");
	cJSON *d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "version", (double)s->version);
	if (s->commit_ms >= 0)
		cJSON_AddNumberToObject(d, "last_commit",
					(double)(s->commit_ms / 1000));
	const cJSON *ci = s->commit_info;
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(ci, "operation");
	if (cJSON_IsString(op))
		cJSON_AddStringToObject(d, "last_operation", op->valuestring);
	const cJSON *om = cJSON_GetObjectItemCaseSensitive(ci,
							   "operationMetrics");
	if (cJSON_IsObject(om))
		cJSON_AddItemToObject(d, "operation_metrics",
				      cJSON_Duplicate(om, true));
	int64_t lr = lw_delta_load_rows(ci);
	if (lr >= 0)
		cJSON_AddNumberToObject(d, "last_load_rows", (double)lr);
	cJSON_AddNumberToObject(d, "live_files", (double)o->files);
	cJSON *p = cJSON_AddObjectToObject(d, "protocol");
	const cJSON *pr = s->protocol;
	const cJSON *mr = cJSON_GetObjectItemCaseSensitive(pr,
							   "minReaderVersion");
	const cJSON *mw = cJSON_GetObjectItemCaseSensitive(pr,
							   "minWriterVersion");
	cJSON_AddNumberToObject(p, "min_reader",
				cJSON_IsNumber(mr) ? mr->valuedouble : -1);
	cJSON_AddNumberToObject(p, "min_writer",
				cJSON_IsNumber(mw) ? mw->valuedouble : -1);
	cJSON_AddItemToObject(p, "reader_features", copy_or_empty_array(
		cJSON_GetObjectItemCaseSensitive(pr, "readerFeatures")));
	cJSON_AddItemToObject(p, "writer_features", copy_or_empty_array(
		cJSON_GetObjectItemCaseSensitive(pr, "writerFeatures")));
	/* no checkpoint yet: the keys are left out (checkpoint_age then
	 * judges the table by its age, as its own rule decides) */
	if (s->checkpoint_version >= 0) {
		cJSON_AddNumberToObject(d, "checkpoint_version",
					(double)s->checkpoint_version);
		cJSON_AddNumberToObject(d, "checkpoint_time",
					(double)s->checkpoint_time);
		cJSON_AddStringToObject(d, "checkpoint_kind",
					s->checkpoint_kind ? s->checkpoint_kind
							   : "classic");
	}
	cJSON_AddItemToObject(d, "partition_columns",
			      copy_or_empty_array(pcols));
	cJSON_AddNumberToObject(d, "commits_replayed",
				(double)s->commits_replayed);
	cJSON *det = lw_obs_detail(o);
	cJSON_DeleteItemFromObjectCaseSensitive(det, "delta");
	cJSON_AddItemToObject(det, "delta", d);
	delta_facts(s, cJSON_IsString(op) ? op->valuestring : NULL, lr, o);
	o->delta.rows_from = rows_from(o, from_footers);
	rows_from_detail(o, d);
}


/* See delta.h. Fills o from the snapshot; o's strings are its own. */
int lw_delta_fill_obs(const struct lw_delta_snapshot *s, const char *table,
		      struct lw_obs *o, struct lw_err *err)
{
	int64_t from_footers = 0;
	int rc = fill_schema(s, table, o, err);
	if (rc == LW_OK)
		rc = fill_files(s, table, o, &from_footers, err);
	if (rc == LW_OK)
		fill_detail(s, o, from_footers);
	return rc;
}

/* The snapshot s (loaded) into obs: footers counted, observation filled. */
static int observe(struct lw_lake *lake, const char *path, const void *opts,
		   struct lw_delta_snapshot *s, struct lw_obs *obs,
		   struct lw_err *err)
{
	const struct lw_delta_opts *o = opts;
	int64_t bound = o ? o->footer_rows_max_files
			  : LW_DELTA_FOOTERS_DEFAULT;
	int rc = lw_delta_count_footers(lake, path, s, bound, obs, err);
	if (rc == LW_OK)
		rc = lw_delta_fill_obs(s, path, obs, err);
	if (rc == LW_OK && s->warn_path)
		lw_obs_add_fwarn(obs, s->warn_path, "%s", s->warn_msg);
	return rc;
}

/* Commits older than the checkpoint to read for the anomaly rule's cold
 * start: format_options.training_commits, else a default when the dataset
 * has an anomaly check, else none. */
static int train_commits(const void *opts)
{
	const struct lw_delta_opts *o = opts;
	if (!o)
		return 0;
	return o->training_commits >= 0 ? (int)o->training_commits :
	       o->for_anomaly ? LW_DELTA_TRAIN_DEFAULT : 0;
}

static int probe_table(struct lw_lake *lake, const char *path,
		       const void *opts, struct lw_obs *obs,
		       struct lw_err *err)
{
	struct lw_delta_snapshot s;
	lw_delta_snapshot_init(&s);
	if (opts)	/* else the snapshot's default */
		s.train_commits = train_commits(opts);
	int rc = lw_delta_snapshot_load(lake, path, &s, err);
	if (rc == LW_OK)
		rc = observe(lake, path, opts, &s, obs, err);
	if (rc != LW_OK)
		obs->bytes_read += s.bytes_read;
	lw_delta_snapshot_free(&s);
	return rc;
}

/* From the snapshot kept by the last poll: only the commits after it are
 * read (lw_delta_snapshot_advance), or the whole log when that cannot
 * give the same answer. A table that trains the anomaly rule from its
 * commits is read in full: advancing replays only the new commits, and
 * the cold start needs the older ones every poll until history holds
 * enough points. */
static int probe_table_kept(struct lw_lake *lake, const char *path,
			    const void *opts, const char *state, char **keep,
			    struct lw_obs *obs, struct lw_err *err)
{
	if (train_commits(opts) > 0) {
		*keep = NULL;
		return probe_table(lake, path, opts, obs, err);
	}
	struct lw_delta_snapshot s;
	struct lw_err e2;
	bool full = true;
	int rc = LW_OK;
	*keep = NULL;
	lw_delta_snapshot_init(&s);
	lw_err_clear(&e2);
	if (state && lw_delta_state_load(state, &s, &e2) != LW_OK) {
		obs->cache_bad++;
		if (!obs->cache_note)
			obs->cache_note = lw_xasprintf("%s: %s; read in full",
						       path, e2.msg);
	} else if (state)
		rc = lw_delta_snapshot_advance(lake, path, &s, &full, err);
	if (rc == LW_OK && full)
		rc = lw_delta_snapshot_load(lake, path, &s, err);
	if (rc == LW_OK)
		rc = observe(lake, path, opts, &s, obs, err);
	if (rc != LW_OK)
		obs->bytes_read += s.bytes_read;
	else
		*keep = lw_delta_state_save(&s);
	lw_delta_snapshot_free(&s);
	return rc;
}

/* format_options: {"footer_rows_max_files": N, "training_commits": N};
 * *opts is the dataset's (delta_free_options). */
static int delta_options(const cJSON *node, void **opts,
			 struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"footer_rows_max_files",
					   "training_commits", NULL};
	struct lw_delta_opts *o = lw_xcalloc(1, sizeof *o);
	o->footer_rows_max_files = LW_DELTA_FOOTERS_DEFAULT;
	o->training_commits = -1;
	*opts = o;
	if (!node || cJSON_IsNull(node))
		return LW_OK;
	int rc = lw_cfg_keys(cc, node, "format_options", keys);
	if (rc == LW_OK)
		rc = lw_cfg_int(cc, node, "footer_rows_max_files", false,
				&o->footer_rows_max_files);
	if (rc == LW_OK &&
	    cJSON_GetObjectItemCaseSensitive(node, "training_commits")) {
		rc = lw_cfg_int(cc, node, "training_commits", false,
				&o->training_commits);
		if (rc == LW_OK && (o->training_commits < 0 ||
				    o->training_commits > LW_DELTA_TRAIN_MAX))
			rc = lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(
				node, "training_commits"), "format_options."
				"training_commits must be 0 to %lld (commits "
				"read for the anomaly rule's cold start)",
				(long long)LW_DELTA_TRAIN_MAX);
	}
	if (rc == LW_OK && (o->footer_rows_max_files < 0 ||
			    o->footer_rows_max_files >
			    (int64_t)LW_DELTA_MAX_FILES))
		rc = lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(node,
				  "footer_rows_max_files"), "format_options."
				  "footer_rows_max_files must be 0 to %zu "
				  "(footers read per poll)",
				  LW_DELTA_MAX_FILES);
	return rc;
}

static void delta_free_options(void *opts)
{
	free(opts);
}

const struct lw_format lw_format_delta = {
	.name = "delta",
	.options = delta_options,
	.free_options = delta_free_options,
	.probe_table = probe_table,
	.probe_table_kept = probe_table_kept,
};
