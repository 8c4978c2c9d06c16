/* probe.c - the observe stage for one dataset: list, filter, partition,
 * and hand each file to its format. */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "lakewatch/probe.h"
#include "lakewatch/lake.h"
#include "lakewatch/format.h"
#include "lakewatch/util.h"

#define PREFETCH_BATCH 512	/* files whose tails are fetched together */
/* Files a stream format (CSV, JSON Lines, Avro) reads whole are fetched
 * side by side, whole, ahead of their streams (within the lake's
 * `parallel`): each up to WHOLE_FILE_MAX, together up to WHOLE_BATCH_MAX
 * per batch, which bounds the memory they hold. Bigger files, and those
 * past the budget, stream one at a time: their cost is bandwidth, not
 * round trips. */
#define WHOLE_FILE_MAX (8 << 20)
#define WHOLE_BATCH_MAX (64 << 20)

struct listing {
	const struct lw_dataset *ds;
	struct lw_obs *obs;
	size_t prefix_len;	/* strlen(ds->path) + 1, or 0 */
	pcre2_match_data *md;
	atomic_bool *cancel;	/* the lake's (lake.h), may be NULL */
};

/* Spark's rule: a path component starting with '_' or '.' is not data,
 * unless it is a key=value partition directory; nor is a *.crc file. */
static bool hidden(const char *rel)
{
	const char *c = rel;
	while (*c) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		if ((c[0] == '_' || c[0] == '.') && !memchr(c, '=', n))
			return true;
		if (!end)
			break;
		c = end + 1;
	}
	return lw_str_ends(rel, ".crc");
}

static bool re_match(const pcre2_code *re, pcre2_match_data *md,
		     const char *s)
{
	return pcre2_match(re, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, 0, md,
			   NULL) >= 0;
}

static int on_entry(void *ud, const struct lw_entry *e)
{
	struct listing *li = ud;
	const struct lw_dataset *ds = li->ds;
	const char *rel = e->path;
	if (li->cancel && atomic_load(li->cancel))
		return LW_ESTOP;	/* a long listing stops too */
	if (li->prefix_len && strlen(rel) >= li->prefix_len)
		rel += li->prefix_len;
	if (hidden(rel))
		return LW_OK;
	if (ds->include && !re_match(ds->include, li->md, rel))
		return LW_OK;
	if (ds->exclude && re_match(ds->exclude, li->md, rel))
		return LW_OK;
	struct lw_obs *o = li->obs;
	lw_xgrow((void **)&o->entries, &o->capentries, o->nentries,
		 sizeof *o->entries);
	struct lw_entry *c = &o->entries[o->nentries++];
	c->path = lw_xstrdup(e->path);
	c->size = e->size;
	c->mtime = e->mtime;
	c->mtime_nsec = e->mtime_nsec;
	c->tag = e->tag;
	return LW_OK;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct lw_entry *)a)->path,
		      ((const struct lw_entry *)b)->path);
}

/* Caller frees. */
char *lw_partition_kv(const char *path)
{
	struct lw_buf b;
	lw_buf_init(&b, 4096);
	const char *c = path;
	for (;;) {
		const char *end = strchr(c, '/');
		if (!end)
			break;	/* the last component is the file name */
		const char *eq = memchr(c, '=', (size_t)(end - c));
		if (eq && eq > c) {
			int rc = b.len ? lw_buf_addc(&b, '/') : LW_OK;
			if (rc == LW_OK)
				rc = lw_buf_add(&b, c, (size_t)(end - c));
			if (rc != LW_OK)
				break;	/* failed: no partition key */
		}
		c = end + 1;
	}
	/* a key past 4 KB is not cut short: the path has no partition */
	if (!b.len) {
		lw_buf_free(&b);
		return NULL;
	}
	return lw_buf_steal(&b);
}

/* "name=value/..." from a pattern's named groups; caller frees. */
static char *partition_re(const pcre2_code *re, pcre2_match_data *md,
			  const char *rel)
{
	if (pcre2_match(re, (PCRE2_SPTR)rel, PCRE2_ZERO_TERMINATED, 0, 0, md,
			NULL) < 0)
		return NULL;
	uint32_t count = 0, size = 0;
	PCRE2_SPTR table;
	pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	struct lw_buf b;
	lw_buf_init(&b, 4096);
	for (uint32_t i = 0; i < count; i++) {
		const unsigned char *ent = table + i * size;
		int g = (ent[0] << 8) | ent[1];
		if (ov[2 * g] == PCRE2_UNSET)
			continue;
		int rc = b.len ? lw_buf_addc(&b, '/') : LW_OK;
		if (rc == LW_OK)
			rc = lw_buf_addf(&b, "%s=%.*s", (const char *)ent + 2,
					 (int)(ov[2 * g + 1] - ov[2 * g]),
					 rel + ov[2 * g]);
		if (rc != LW_OK)
			break;	/* failed: no partition key, as above */
	}
	if (!b.len) {
		lw_buf_free(&b);
		return NULL;
	}
	return lw_buf_steal(&b);
}


/* Sizes and row counts come from listings and file footers: a hostile
 * one claiming 2^62 rows twice must not overflow the sum. */
static int64_t add_sat(int64_t a, int64_t b)
{
	return b > INT64_MAX - a ? INT64_MAX : a + b;
}

/* Numbers add up across files; strings keep each distinct value, so a
 * dataset whose files differ (codecs, writers) says so. */
static void merge_detail(struct lw_obs *obs, const cJSON *fd, const char *fmt)
{
	cJSON *d = lw_obs_detail(obs);
	cJSON *dst = cJSON_GetObjectItemCaseSensitive(d, fmt);
	if (!dst)
		dst = cJSON_AddObjectToObject(d, fmt);
	const cJSON *m;
	cJSON_ArrayForEach(m, fd) {
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(dst, m->string);
		if (cJSON_IsNumber(m) && cJSON_IsNumber(cur))
			cJSON_SetNumberValue(cur, cur->valuedouble + m->valuedouble);
		else if (cJSON_IsString(m) && cJSON_IsString(cur)) {
			/* the typed facts' join (lw_fact_join), so the detail and
			 * the facts restored from it agree */
			char *list = lw_xstrdup(cur->valuestring);
			lw_fact_join(&list, m->valuestring);
			if (strcmp(list, cur->valuestring) != 0)
				cJSON_ReplaceItemInObjectCaseSensitive(dst,
					m->string, cJSON_CreateString(list));
			free(list);
		} else if (cur)
			cJSON_ReplaceItemInObjectCaseSensitive(dst, m->string,
				cJSON_Duplicate(m, 1));
		else
			cJSON_AddItemToObject(dst, m->string, cJSON_Duplicate(m, 1));
	}
}

/* The typed side of merge_detail: the same facts, for the checks. */
static void merge_facts(struct lw_obs *obs, const struct lw_file_obs *fo)
{
	const struct lw_parquet_facts *pf = &fo->parquet;
	const struct lw_avro_facts *af = &fo->avro;
	if (pf->present) {
		obs->parquet.present = true;
		if (pf->has_row_groups) {
			obs->parquet.has_row_groups = true;
			obs->parquet.row_groups = add_sat(
				obs->parquet.row_groups, pf->row_groups);
		}
		lw_fact_join(&obs->parquet.created_by, pf->created_by);
	}
	if (af->present) {
		obs->avro.present = true;
		lw_fact_join(&obs->avro.codec, af->codec);
		if (af->has_blocks) {
			obs->avro.has_blocks = true;
			obs->avro.blocks = add_sat(obs->avro.blocks,
						   af->blocks);
		}
		if (af->has_empty_files) {
			obs->avro.has_empty_files = true;
			obs->avro.empty_files = add_sat(obs->avro.empty_files,
							af->empty_files);
		}
	}
}

static bool same_columns(const struct lw_schema *a, const struct lw_schema *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->cols[i].name, b->cols[i].name) != 0 ||
		    !lw_column_same_type(&a->cols[i], &b->cols[i]))
			return false;
	return true;
}

static void tally(struct lw_obs *o, const struct lw_entry *e)
{
	o->files++;
	o->bytes = add_sat(o->bytes, e->size);
	if (e->size == 0)
		o->empty_files++;
	if (o->min_file_size < 0 || e->size < o->min_file_size)
		o->min_file_size = e->size;
	if (e->size > o->max_file_size)
		o->max_file_size = e->size;
	if (e->mtime > o->newest_mtime)
		o->newest_mtime = e->mtime;
	if (o->oldest_mtime < 0 || e->mtime < o->oldest_mtime)
		o->oldest_mtime = e->mtime;
}

/* Read e through its format into *fo (initialised); 0 or the error, once
 * recorded against the file. */
static int read_file(struct lw_lake *lake, const struct lw_dataset *ds,
		     const struct lw_entry *e, struct lw_file_obs *fo,
		     struct lw_obs *obs)
{
	struct lw_file f = {lake, e, ds->count_rows};
	struct lw_err err;
	lw_err_clear(&err);
	obs->files_read++;
	if (ds->format->probe_file(&f, ds->format_opts, fo, &err) == LW_OK)
		return LW_OK;
	/* the file is named once, by the error record */
	const char *m = err.msg;
	size_t pl = strlen(e->path);
	if (strncmp(m, e->path, pl) == 0 && m[pl] == ':' && m[pl + 1] == ' ')
		m += pl + 2;
	lw_obs_add_ferr(obs, e->path, "%s", *m ? m : lw_rc_name(err.code));
	return err.code ? err.code : LW_EIO;
}

/* What one file saw, added to the observation. */
static void add_file(struct lw_obs *obs, const struct lw_dataset *ds,
		     const struct lw_entry *e, const struct lw_file_obs *fo,
		     int64_t *newest_schema_mtime, int *variants)
{
	if (fo->has_schema) {
		if (obs->has_schema && !same_columns(&obs->schema, &fo->schema))
			(*variants)++;
		if (!obs->has_schema || e->mtime >= *newest_schema_mtime) {
			lw_schema_free(&obs->schema);
			lw_schema_copy(&obs->schema, &fo->schema);
			obs->has_schema = true;
			*newest_schema_mtime = e->mtime;
		}
	}
	if (fo->detail)
		merge_detail(obs, fo->detail, ds->format->name);
	merge_facts(obs, fo);
	if (fo->warning)
		lw_obs_add_fwarn(obs, e->path, "%s", fo->warning);
}

/* Add one file to the observation: *cached when the cache had it (NULL:
 * read it now, and keep what it gave in the cache). */
static void probe_file(struct lw_lake *lake, const struct lw_dataset *ds,
		       struct listing *li, const struct lw_entry *e,
		       struct lw_file_obs *cached,
		       const struct lw_probe_cache *cache,
		       int64_t *newest_schema_mtime, int *variants)
{
	struct lw_obs *obs = li->obs;
	tally(obs, e);
	const char *rel = e->path + (li->prefix_len &&
		strlen(e->path) >= li->prefix_len ? li->prefix_len : 0);
	char *pkey = ds->part_mode == LW_PART_KV ? lw_partition_kv(rel) :
		     ds->part_mode == LW_PART_REGEX ?
		     partition_re(ds->part_re, li->md, rel) :
		     ds->part_mode == LW_PART_CAPTURE ?
		     lw_partition_capture(rel) : NULL;
	int64_t rows = 0;
	if (e->size > 0) {
		struct lw_file_obs fo, *use = cached;
		if (!use) {
			use = &fo;
			lw_file_obs_init(&fo);
			if (read_file(lake, ds, e, &fo, obs) != LW_OK)
				use = NULL;
			else if (cache)
				cache->put(cache->ud, e, &fo);
		} else
			obs->files_cached++;
		rows = use ? use->rows : -1;
		if (use)
			add_file(obs, ds, e, use, newest_schema_mtime, variants);
		if (!cached) {
			obs->bytes_read += fo.bytes_read;
			obs->bytes_decompressed = add_sat(obs->bytes_decompressed,
							  fo.bytes_decompressed);
			lw_file_obs_free(&fo);
		} else
			obs->bytes_decompressed = add_sat(obs->bytes_decompressed,
							  cached->bytes_decompressed);
	}
	if (rows < 0 || obs->rows < 0)
		obs->rows = -1;
	else
		obs->rows = add_sat(obs->rows, rows);
	if (pkey) {
		lw_obs_add_partition(obs, pkey, e->size, rows);
		free(pkey);
	}
}

/* Entries the listing passed over (FIFOs, sockets, dangling symlinks) are
 * not data, but a silent skip hides them: the count and the first one go
 * into the detail. */
static void note_skipped(struct lw_lake *lake, struct lw_obs *obs)
{
	const struct lw_lake_kind *k = lw_lake_base(lake)->kind;
	int64_t n = 0;
	const char *first = NULL, *what = NULL;
	if (!k->skipped)
		return;
	k->skipped(lake, &n, &first, &what);
	if (n <= 0 || !first)
		return;
	cJSON *sk = cJSON_AddObjectToObject(lw_obs_detail(obs),
					    "skipped_entries");
	cJSON_AddNumberToObject(sk, "count", (double)n);
	cJSON_AddStringToObject(sk, "first", first);
	cJSON_AddStringToObject(sk, "kind", what ? what : "special file");
}

/* A lake whose server is down or whose poll deadline passed: the dataset
 * fails with that one message, not an error per file (true then). */
static bool lake_gone(struct lw_lake *lake, struct lw_obs *obs)
{
	const struct lw_lake_kind *k = lw_lake_base(lake)->kind;
	char msg[512];
	atomic_bool *cancel = lw_lake_base(lake)->cancel;
	if (cancel && atomic_load(cancel)) {	/* `watch` stopping */
		lw_obs_fail(obs, "poll cancelled");
		return true;
	}
	if (!k->gone || !k->gone(lake, msg, sizeof msg))
		return false;
	lw_obs_fail(obs, "%s", msg);
	return true;
}

/* One batch of files: what the cache had of each, and the rest. */
struct batch {
	struct lw_file_obs got[PREFETCH_BATCH];
	bool hit[PREFETCH_BATCH];
	struct lw_entry miss[PREFETCH_BATCH];	/* shallow copies */
	size_t nmiss;
};

static void batch_lookup(struct batch *b, const struct lw_entry *e, size_t n,
			 const struct lw_probe_cache *cache)
{
	assert(n <= PREFETCH_BATCH);
	b->nmiss = 0;
	if (cache && cache->batch)
		cache->batch(cache->ud, true);
	for (size_t j = 0; j < n; j++) {
		lw_file_obs_init(&b->got[j]);
		b->hit[j] = cache && e[j].size > 0 &&
			    cache->get(cache->ud, &e[j], &b->got[j]);
		if (!b->hit[j] && e[j].size > 0)
			b->miss[b->nmiss++] = e[j];
	}
	if (cache && cache->batch)
		cache->batch(cache->ud, false);
}

static void batch_clear(struct batch *b, size_t n)
{
	for (size_t j = 0; j < n; j++)
		lw_file_obs_free(&b->got[j]);
}

#ifdef LW_TESTING
/* Test builds only: LAKEWATCH_WHOLE_PREFETCH=0 streams every file of a
 * stream format one at a time, as before, so a test can time both ways. */
static bool whole_ahead(void)
{
	const char *v = getenv("LAKEWATCH_WHOLE_PREFETCH");
	return !v || strcmp(v, "0") != 0;
}
#else
static bool whole_ahead(void)
{
	return true;
}
#endif

/* Prefetch the next batch from e[0..n): a tail format's tails, or the
 * small files a stream format reads whole (remote lakes fetch them side
 * by side; the reads and streams after are served from memory). */
static void prefetch_batch(struct lw_lake *lake, const struct lw_dataset *ds,
			   const struct lw_entry *e, size_t n)
{
	const struct lw_lake_kind *k = lw_lake_base(lake)->kind;
	struct lw_err err;
	if (!k->prefetch_tails)
		return;
	if (ds->format->tail_hint > 0) {
		k->prefetch_tails(lake, e, n, ds->format->tail_hint, &err);
		return;
	}
	if (!whole_ahead())
		return;
	struct lw_entry *whole = lw_xmalloc((n + 1) * sizeof *whole);
	size_t m = 0;
	int64_t total = 0, largest = 0;
	for (size_t i = 0; i < n; i++) {
		if (e[i].size <= 0 || e[i].size > WHOLE_FILE_MAX ||
		    total + e[i].size > WHOLE_BATCH_MAX)
			continue;
		whole[m++] = e[i];	/* paths borrowed */
		total += e[i].size;
		if (e[i].size > largest)
			largest = e[i].size;
	}
	/* the tail asked for is the largest file, so each comes whole */
	if (m > 1)
		k->prefetch_tails(lake, whole, m, largest, &err);
	free(whole);
}

static void probe_files(const struct lw_config *cfg,
			const struct lw_dataset *ds, struct lw_obs *obs,
			const struct lw_probe_cache *cache)
{
	struct lw_lake *lake = cfg->lakes[ds->lake].lake;
	const struct lw_lake_kind *k = lw_lake_base(lake)->kind;
	struct listing li = {ds, obs, *ds->path ? strlen(ds->path) + 1 : 0,
			     pcre2_match_data_create(64, NULL),
			     lw_lake_base(lake)->cancel};
	struct lw_err err;
	lw_err_clear(&err);
	if (cache && !cache->begin(cache->ud, ds))
		cache = NULL;
	int rc = k->list ? k->list(lake, ds->path, on_entry, &li, &err) :
		 lw_err_set(&err, LW_EUNSUPPORTED, "lake kind %s cannot list "
			    "files", k->name);
	if (rc) {
		if (cache)
			cache->end(cache->ud, false);
		if (!lake_gone(lake, obs))
			lw_obs_fail(obs, "%s", err.msg[0] ? err.msg :
				    lw_rc_name(rc));
		pcre2_match_data_free(li.md);
		return;
	}
	note_skipped(lake, obs);
	lw_sort(obs->entries, obs->nentries, sizeof *obs->entries, cmp_entry);
	obs->rows = 0;
	int64_t newest_schema = -1;
	int variants = 0;
	struct batch *b = lw_xcalloc(1, sizeof *b);
	for (size_t i = 0; i < obs->nentries; i += PREFETCH_BATCH) {
		size_t n = obs->nentries - i < PREFETCH_BATCH ?
			   obs->nentries - i : PREFETCH_BATCH;
		if (lake_gone(lake, obs))
			break;
		batch_lookup(b, obs->entries + i, n, cache);
		/* Remote tails arrive concurrently, a batch at a time, so
		 * memory stays bounded however many files a dataset has;
		 * cached files are not fetched at all. */
		if (b->nmiss)
			prefetch_batch(lake, ds, b->miss, b->nmiss);
		size_t j = 0;
		for (; j < n && (j == 0 || !lake_gone(lake, obs)); j++)
			probe_file(lake, ds, &li, &obs->entries[i + j],
				   b->hit[j] ? &b->got[j] : NULL, cache,
				   &newest_schema, &variants);
		batch_clear(b, n);
		if (j < n)
			break;
	}
	free(b);
	if (cache)
		cache->end(cache->ud, obs->ok);
	if (variants)
		cJSON_AddNumberToObject(lw_obs_detail(obs), "schema_variants",
					variants);
	if (!obs->nentries)
		obs->rows = 0;
	lw_obs_finish_partitions(obs);
	pcre2_match_data_free(li.md);
}

/* A table format reads its own log; from what it kept last time when it
 * can (a Delta snapshot advanced by the commits after it). */
static void probe_table(struct lw_lake *lake, const struct lw_dataset *ds,
			struct lw_obs *obs, const struct lw_probe_cache *cache)
{
	const struct lw_format *f = ds->format;
	struct lw_err err;
	lw_err_clear(&err);
	bool kept = cache && f->probe_table_kept && cache->state_get;
	char *state = kept ? cache->state_get(cache->ud, ds) : NULL;
	char *keep = NULL;
	int rc = kept ? f->probe_table_kept(lake, ds->path, ds->format_opts,
					    state, &keep, obs, &err) :
		 f->probe_table(lake, ds->path, ds->format_opts, obs, &err);
	if (rc != LW_OK)
		lw_obs_fail(obs, "%s", err.msg[0] ? err.msg :
			    "could not read the table");
	if (kept && (rc == LW_OK || state))
		cache->state_put(cache->ud, ds, rc == LW_OK ? keep : NULL);
	free(state);
	free(keep);
}

void lw_probe_dataset(const struct lw_config *cfg, const struct lw_dataset *ds,
		      int64_t now, struct lw_obs *obs)
{
	lw_probe_dataset_cached(cfg, ds, now, obs, NULL);
}

void lw_probe_dataset_cached(const struct lw_config *cfg,
			     const struct lw_dataset *ds, int64_t now,
			     struct lw_obs *obs,
			     const struct lw_probe_cache *cache)
{
	obs->at = now;
	if (ds->lake < 0 || (size_t)ds->lake >= cfg->nlakes) {
		lw_obs_fail(obs, "dataset %s has no lake", ds->name);
		return;
	}
	struct lw_lake *lake = cfg->lakes[ds->lake].lake;
	const struct lw_lake_kind *k = lw_lake_base(lake)->kind;
	if (lake_gone(lake, obs))
		return;
	if (k->observe) {
		if (k->observe(lake, ds, obs) != LW_OK && obs->ok)
			lw_obs_fail(obs, "%s: could not observe %s",
				    lw_lake_base(lake)->display, ds->path);
		return;
	}
	if (!ds->format) {
		lw_obs_fail(obs, "dataset %s has no format", ds->name);
		return;
	}
	if (!ds->format->probe_file && !ds->format->probe_table) {
		lw_obs_fail(obs, "format %s cannot read files", ds->format->name);
		return;
	}
	if (ds->format->probe_table) {
		probe_table(lake, ds, obs, cache);
		return;
	}
	probe_files(cfg, ds, obs, cache);
}
