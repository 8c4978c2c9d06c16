/* probe.c - the observe stage for one dataset: list, filter, partition,
 * and hand each file to its format. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "lakewatch/probe.h"
#include "lakewatch/avro.h"
#include "lakewatch/util.h"

#define PREFETCH_BATCH 512	/* files whose tails are fetched together */

struct listing {
	const struct lw_dataset *ds;
	struct lw_obs *obs;
	size_t prefix_len;	/* strlen(ds->path) + 1, or 0 */
	pcre2_match_data *md;
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
			if (b.len)
				lw_buf_addc(&b, '/');
			lw_buf_add(&b, c, (size_t)(end - c));
		}
		c = end + 1;
	}
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
		if (b.len)
			lw_buf_addc(&b, '/');
		lw_buf_addf(&b, "%s=%.*s", (const char *)ent + 2,
			    (int)(ov[2 * g + 1] - ov[2 * g]), rel + ov[2 * g]);
	}
	if (!b.len) {
		lw_buf_free(&b);
		return NULL;
	}
	return lw_buf_steal(&b);
}

static bool key_is(const char *k, size_t n, const char *const *names)
{
	for (; *names; names++)
		if (strlen(*names) == n && strncasecmp(k, *names, n) == 0)
			return true;
	return false;
}

int64_t lw_partition_time(const char *key)
{
	static const char *const ys[] = {"year", "yyyy", "y", NULL};
	static const char *const ms[] = {"month", "mm", "m", NULL};
	static const char *const ds[] = {"day", "dd", "d", NULL};
	static const char *const hs[] = {"hour", "hh", "h", NULL};
	static const char *const mis[] = {"minute", "min", "mi", NULL};
	static const char *const ss[] = {"second", "ss", "s", NULL};
	int64_t base = -1;
	long v[6] = {-1, -1, -1, -1, -1, -1};
	const char *c = key;
	while (c && *c) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		const char *eq = memchr(c, '=', n);
		if (eq) {
			size_t kl = (size_t)(eq - c), vl = n - kl - 1;
			char val[64];
			if (vl < sizeof val) {
				memcpy(val, eq + 1, vl);
				val[vl] = '\0';
				int64_t t;
				char *e2;
				long num = strtol(val, &e2, 10);
				bool isnum = vl && *e2 == '\0';
				if (lw_time_parse(val, &t) == LW_OK)
					base = t;
				else if (isnum && key_is(c, kl, ys)) v[0] = num;
				else if (isnum && key_is(c, kl, ms)) v[1] = num;
				else if (isnum && key_is(c, kl, ds)) v[2] = num;
				else if (isnum && key_is(c, kl, hs)) v[3] = num;
				else if (isnum && key_is(c, kl, mis)) v[4] = num;
				else if (isnum && key_is(c, kl, ss)) v[5] = num;
			}
		}
		c = end ? end + 1 : NULL;
	}
	if (base < 0 && v[0] > 0 && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 &&
	    v[2] <= 31) {
		struct tm tm = {0};
		tm.tm_year = (int)v[0] - 1900;
		tm.tm_mon = (int)v[1] - 1;
		tm.tm_mday = (int)v[2];
		base = (int64_t)timegm(&tm);
	} else if (base < 0 && v[0] > 0 && v[1] >= 1 && v[1] <= 12) {
		struct tm tm = {0};	/* year/month only: monthly partitions */
		tm.tm_year = (int)v[0] - 1900;
		tm.tm_mon = (int)v[1] - 1;
		tm.tm_mday = 1;
		return (int64_t)timegm(&tm);
	}
	if (base < 0)
		return -1;
	/* hour=/minute=/second= beside a date that had no time of its own */
	if (base % 86400 == 0) {
		if (v[3] >= 0 && v[3] < 24) base += v[3] * 3600;
		if (v[4] >= 0 && v[4] < 60) base += v[4] * 60;
		if (v[5] >= 0 && v[5] < 60) base += v[5];
	}
	return base;
}

/* Sizes and row counts come from listings and file footers: a hostile
 * one claiming 2^62 rows twice must not overflow the sum. */
static int64_t add_sat(int64_t a, int64_t b)
{
	return b > INT64_MAX - a ? INT64_MAX : a + b;
}

void lw_obs_add_partition(struct lw_obs *obs, const char *key, int64_t size,
			  int64_t rows)
{
	/* Files usually come grouped, so only the last partition is
	 * looked at: searching them all made a table with many partitions
	 * in hash order (Delta's live set) quadratic. Duplicates are merged
	 * by lw_obs_finish_partitions. */
	size_t i = obs->nparts;
	if (i > 0 && strcmp(obs->parts[i - 1].key, key) != 0)
		i = 0;
	struct lw_partition *p;
	if (i > 0) {
		p = &obs->parts[i - 1];
	} else {
		lw_xgrow((void **)&obs->parts, &obs->capparts, obs->nparts,
			 sizeof *obs->parts);
		p = &obs->parts[obs->nparts++];
		p->key = lw_xstrdup(key);
		p->time = lw_partition_time(key);
		p->files = p->bytes = p->rows = 0;
	}
	p->files++;
	p->bytes = add_sat(p->bytes, size);
	if (rows < 0 || p->rows < 0)
		p->rows = -1;
	else
		p->rows = add_sat(p->rows, rows);
}

static int cmp_part(const void *a, const void *b)
{
	return strcmp(((const struct lw_partition *)a)->key,
		      ((const struct lw_partition *)b)->key);
}

void lw_obs_finish_partitions(struct lw_obs *obs)
{
	lw_sort(obs->parts, obs->nparts, sizeof *obs->parts, cmp_part);
	/* merge duplicates that were not adjacent when added */
	size_t w = 0;
	for (size_t r = 0; r < obs->nparts; r++) {
		if (w && strcmp(obs->parts[w - 1].key, obs->parts[r].key) == 0) {
			struct lw_partition *d = &obs->parts[w - 1];
			d->files += obs->parts[r].files;
			d->bytes = add_sat(d->bytes, obs->parts[r].bytes);
			d->rows = d->rows < 0 || obs->parts[r].rows < 0 ? -1 :
				  add_sat(d->rows, obs->parts[r].rows);
			free(obs->parts[r].key);
			continue;
		}
		obs->parts[w++] = obs->parts[r];
	}
	obs->nparts = w;
	obs->newest_part_time = -1;
	for (size_t i = 0; i < obs->nparts; i++)
		if (obs->parts[i].time > obs->newest_part_time)
			obs->newest_part_time = obs->parts[i].time;
}

/* "a, b" when s is not yet among cur's comma-separated values; a few
 * values at most, so a lake of many writers stays one short line. An
 * empty string is a file that lacks the value (a footer without
 * created_by), not a value: it adds nothing, and an empty cur takes s as
 * it is. Returns an owned string to replace cur with, or NULL to keep cur. */
static char *join_distinct(const char *cur, const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return NULL;	/* also: strstr(p, "") would never advance */
	if (cur[0] == '\0')
		return lw_xstrdup(s);
	for (const char *p = cur; (p = strstr(p, s)) != NULL; p += n)
		if ((p == cur || (p >= cur + 2 && p[-2] == ',' && p[-1] == ' ')) &&
		    (p[n] == '\0' || p[n] == ','))
			return NULL;
	if (strlen(cur) > 200)
		return NULL;
	return lw_xasprintf("%s, %s", cur, s);
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
		char *joined;
		if (cJSON_IsNumber(m) && cJSON_IsNumber(cur))
			cJSON_SetNumberValue(cur, cur->valuedouble + m->valuedouble);
		else if (cJSON_IsString(m) && cJSON_IsString(cur)) {
			if ((joined = join_distinct(cur->valuestring,
						    m->valuestring))) {
				cJSON_ReplaceItemInObjectCaseSensitive(dst,
					m->string, cJSON_CreateString(joined));
				free(joined);
			}
		} else if (cur)
			cJSON_ReplaceItemInObjectCaseSensitive(dst, m->string,
				cJSON_Duplicate(m, 1));
		else
			cJSON_AddItemToObject(dst, m->string, cJSON_Duplicate(m, 1));
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

/* Read one file through its format and add it to the observation. */
static void probe_file(struct lw_lake *lake, const struct lw_dataset *ds,
		       struct listing *li, const struct lw_entry *e,
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
		     lw_avro_capture_key(rel) : NULL;
	int64_t rows = 0;
	if (e->size > 0) {
		struct lw_file f = {lake, e, ds->count_rows};
		struct lw_file_obs fo;
		struct lw_err err;
		lw_file_obs_init(&fo);
		lw_err_clear(&err);
		if (ds->format->probe_file(&f, ds->format_opts, &fo, &err)) {
			/* the file is named once, by the error record */
			const char *m = err.msg;
			size_t pl = strlen(e->path);
			if (strncmp(m, e->path, pl) == 0 && m[pl] == ':' &&
			    m[pl + 1] == ' ')
				m += pl + 2;
			lw_obs_add_ferr(obs, e->path, "%s", *m ? m :
					lw_rc_name(err.code));
			rows = -1;
		} else {
			rows = fo.rows;
			if (fo.has_schema) {
				if (obs->has_schema && !same_columns(&obs->schema,
								     &fo.schema))
					(*variants)++;
				if (!obs->has_schema || e->mtime >= *newest_schema_mtime) {
					lw_schema_free(&obs->schema);
					lw_schema_copy(&obs->schema, &fo.schema);
					obs->has_schema = true;
					*newest_schema_mtime = e->mtime;
				}
			}
			if (fo.detail)
				merge_detail(obs, fo.detail, ds->format->name);
			if (fo.warning)
				lw_obs_add_fwarn(obs, e->path, "%s",
						 fo.warning);
		}
		obs->bytes_read += fo.bytes_read;
		lw_file_obs_free(&fo);
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

static void probe_files(const struct lw_config *cfg,
			const struct lw_dataset *ds, struct lw_obs *obs)
{
	struct lw_lake *lake = cfg->lakes[ds->lake].lake;
	const struct lw_lake_kind *k = lw_lake_base(lake)->kind;
	struct listing li = {ds, obs, *ds->path ? strlen(ds->path) + 1 : 0,
			     pcre2_match_data_create(64, NULL)};
	struct lw_err err;
	lw_err_clear(&err);
	int rc = k->list ? k->list(lake, ds->path, on_entry, &li, &err) :
		 lw_err_set(&err, LW_EUNSUPPORTED, "lake kind %s cannot list "
			    "files", k->name);
	if (rc) {
		lw_obs_fail(obs, "%s", err.msg[0] ? err.msg : lw_rc_name(rc));
		pcre2_match_data_free(li.md);
		return;
	}
	note_skipped(lake, obs);
	lw_sort(obs->entries, obs->nentries, sizeof *obs->entries, cmp_entry);
	obs->rows = 0;
	int64_t newest_schema = -1;
	int variants = 0;
	for (size_t i = 0; i < obs->nentries; i++) {
		/* Remote tails arrive concurrently, a batch at a time, so
		 * memory stays bounded however many files a dataset has. */
		if (i % PREFETCH_BATCH == 0 && k->prefetch_tails &&
		    ds->format->tail_hint > 0) {
			size_t n = obs->nentries - i < PREFETCH_BATCH ?
				   obs->nentries - i : PREFETCH_BATCH;
			k->prefetch_tails(lake, obs->entries + i, n,
					  ds->format->tail_hint, &err);
		}
		probe_file(lake, ds, &li, &obs->entries[i], &newest_schema,
			   &variants);
	}
	if (variants)
		cJSON_AddNumberToObject(lw_obs_detail(obs), "schema_variants",
					variants);
	if (!obs->nentries)
		obs->rows = 0;
	lw_obs_finish_partitions(obs);
	pcre2_match_data_free(li.md);
}

void lw_probe_dataset(const struct lw_config *cfg, const struct lw_dataset *ds,
		      int64_t now, struct lw_obs *obs)
{
	obs->at = now;
	if (ds->lake < 0 || (size_t)ds->lake >= cfg->nlakes) {
		lw_obs_fail(obs, "dataset %s has no lake", ds->name);
		return;
	}
	struct lw_lake *lake = cfg->lakes[ds->lake].lake;
	const struct lw_lake_kind *k = lw_lake_base(lake)->kind;
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
		struct lw_err err;
		lw_err_clear(&err);
		if (ds->format->probe_table(lake, ds->path, ds->format_opts, obs,
					    &err) != LW_OK)
			lw_obs_fail(obs, "%s", err.msg[0] ? err.msg :
				    "could not read the table");
		return;
	}
	probe_files(cfg, ds, obs);
}
