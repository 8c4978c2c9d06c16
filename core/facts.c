/* facts.c - the typed plug-in results on an observation (struct lw_obs
 * delta, powerbi, parquet, avro; runs, metrics and stream in
 * facts_runs.c): restoring them from the detail JSON that
 * history stores, joining per-file strings, freeing.
 *
 * The readers here are the only place that knows the detail keys besides
 * the producers that write them; tests/unit/test_facts.c holds the two
 * together (producer facts == facts read back from the producer's detail).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/model.h"
#include "lakewatch/err.h"
#include "lakewatch/util.h"
#include "facts_int.h"

/* Longest joined list of distinct values (a dataset whose files were
 * written by many writers says so without growing without bound). */
#define JOIN_MAX 200

bool lw_fact_time_ok(int64_t t)
{
	return t > -1000000000000000LL && t < 1000000000000000LL;
}

/* obj[key] when it is an object, else NULL. Borrowed. */
static const cJSON *get_obj(const cJSON *obj, const char *key)
{
	const cJSON *n = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	return cJSON_IsObject(n) ? n : NULL;
}

/* A finite number at obj[key] that fits an int64 (history is read back from
 * a file: converting 1e300 would be undefined). */
static bool get_num(const cJSON *obj, const char *key, int64_t *out)
{
	const cJSON *n = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	if (!cJSON_IsNumber(n) || !isfinite(n->valuedouble) ||
	    !(n->valuedouble >= -9.2e18 && n->valuedouble <= 9.2e18))
		return false;
	*out = (int64_t)n->valuedouble;
	return true;
}

/* A time at obj[key]: epoch seconds or an ISO-8601 string. */
static bool get_time(const cJSON *obj, const char *key, int64_t *out)
{
	const cJSON *n = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	if (cJSON_IsNumber(n) && isfinite(n->valuedouble) &&
	    fabs(n->valuedouble) < 1e15) {
		*out = (int64_t)n->valuedouble;
		return true;
	}
	return cJSON_IsString(n) && lw_time_parse(n->valuestring, out) == LW_OK;
}

/* A copy of the string at obj[key], or NULL. Caller owns it. */
static char *get_str(const cJSON *obj, const char *key)
{
	const cJSON *n = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	return cJSON_IsString(n) ? lw_xstrdup(n->valuestring) : NULL;
}

static void delta_from(const cJSON *d, struct lw_delta_facts *f)
{
	if (!d)
		return;
	f->present = true;
	f->has_version = get_num(d, "version", &f->version);
	f->has_last_commit = get_time(d, "last_commit", &f->last_commit);
	f->last_operation = get_str(d, "last_operation");
	f->has_last_load_rows = get_num(d, "last_load_rows",
					&f->last_load_rows);
	f->has_live_files = get_num(d, "live_files", &f->live_files);
	f->has_checkpoint_version = get_num(d, "checkpoint_version",
					    &f->checkpoint_version);
	f->has_checkpoint_time = get_time(d, "checkpoint_time",
					  &f->checkpoint_time);
	const cJSON *rf = cJSON_GetObjectItemCaseSensitive(d, "rows_from");
	static const char *const from[] = {"", "stats", "footers", "mixed"};
	for (int i = 1; i < 4; i++)
		if (cJSON_IsString(rf) && strcmp(rf->valuestring, from[i]) == 0)
			f->rows_from = (enum lw_delta_rows_from)i;
	if (!get_num(d, "files_without_stats", &f->files_without_stats))
		f->files_without_stats = 0;
	f->has_footer_bound = get_num(d, "footer_rows_max_files",
				      &f->footer_bound);
	f->footer_bound_hit = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
		d, "footer_bound_reached"));
}

/* detail.powerbi.datasources (at most LW_PBI_SOURCES_MAX) and
 * datasources_error. */
static void sources_from(const cJSON *p, struct lw_powerbi_facts *f)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(p, "datasources"), *e;
	f->sources_error = get_str(p, "datasources_error");
	if (!cJSON_IsArray(a))
		return;
	f->has_sources = true;
	f->sources = lw_xcalloc(LW_PBI_SOURCES_MAX + 1, sizeof *f->sources);
	cJSON_ArrayForEach(e, a) {
		if (f->nsources == LW_PBI_SOURCES_MAX)
			break;
		if (!cJSON_IsObject(e))
			continue;
		struct lw_powerbi_source *s = &f->sources[f->nsources++];
		s->type = get_str(e, "type");
		s->server = get_str(e, "server");
		s->database = get_str(e, "database");
		s->path = get_str(e, "path");
	}
}

/* See model.h. */
void lw_powerbi_sources_free(struct lw_powerbi_facts *f)
{
	for (size_t i = 0; i < f->nsources; i++) {
		free(f->sources[i].type);
		free(f->sources[i].server);
		free(f->sources[i].database);
		free(f->sources[i].path);
	}
	free(f->sources);
	free(f->sources_error);
	f->sources = NULL;
	f->nsources = 0;
	f->has_sources = false;
	f->sources_error = NULL;
}

static void powerbi_from(const cJSON *p, struct lw_powerbi_facts *f)
{
	if (!p)
		return;
	f->present = true;
	const cJSON *r = get_obj(p, "refresh");
	if (r) {
		struct lw_powerbi_refresh_facts *rf = &f->refresh;
		rf->present = true;
		rf->status = get_str(r, "status");
		rf->type = get_str(r, "type");
		rf->error_code = get_str(r, "error_code");
		rf->has_started = get_time(r, "started", &rf->started);
		rf->has_ended = get_time(r, "ended", &rf->ended);
		rf->has_last_success = get_time(r, "last_success",
						&rf->last_success);
	}
	const cJSON *s = get_obj(p, "schedule");
	if (s) {
		f->has_schedule = true;
		f->schedule_disabled = cJSON_IsFalse(
			cJSON_GetObjectItemCaseSensitive(s, "enabled"));
		f->has_interval = get_num(s, "interval", &f->interval);
	}
	sources_from(p, f);
}

static void parquet_from(const cJSON *p, struct lw_parquet_facts *f)
{
	if (!p)
		return;
	f->present = true;
	f->has_row_groups = get_num(p, "row_groups", &f->row_groups);
	f->created_by = get_str(p, "created_by");
}

static void avro_from(const cJSON *a, struct lw_avro_facts *f)
{
	if (!a)
		return;
	f->present = true;
	f->codec = get_str(a, "codec");
	f->has_blocks = get_num(a, "blocks", &f->blocks);
	f->has_empty_files = get_num(a, "empty_files", &f->empty_files);
}

void lw_obs_facts_from_detail(struct lw_obs *o)
{
	lw_obs_facts_free(o);
	delta_from(get_obj(o->detail, "delta"), &o->delta);
	powerbi_from(get_obj(o->detail, "powerbi"), &o->powerbi);
	parquet_from(get_obj(o->detail, "parquet"), &o->parquet);
	avro_from(get_obj(o->detail, "avro"), &o->avro);
	lw_facts_runs_from(o);
}

void lw_obs_facts_free(struct lw_obs *o)
{
	free(o->delta.last_operation);
	free(o->delta.commits);
	free(o->powerbi.refresh.status);
	free(o->powerbi.refresh.type);
	free(o->powerbi.refresh.error_code);
	lw_powerbi_sources_free(&o->powerbi);
	free(o->parquet.created_by);
	free(o->avro.codec);
	memset(&o->delta, 0, sizeof o->delta);
	memset(&o->powerbi, 0, sizeof o->powerbi);
	memset(&o->parquet, 0, sizeof o->parquet);
	memset(&o->avro, 0, sizeof o->avro);
	lw_facts_runs_free(o);
}

/* Whether s is one of the ", "-separated values of list. */
static bool listed(const char *list, const char *s)
{
	size_t n = strlen(s);
	for (const char *p = list;; p += 2) {
		const char *e = strstr(p, ", ");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, s, n) == 0)
			return true;
		if (!e)
			return false;
		p = e;
	}
}

/* *list is owned by the caller before and after. An empty s is a file
 * that lacks the value (a footer without created_by), not a value: it adds
 * nothing, and an empty list takes s as it is (no leading comma). */
void lw_fact_join(char **list, const char *s)
{
	if (!s || !*s)
		return;
	if (!*list || !**list) {
		free(*list);
		*list = lw_xstrdup(s);
		return;
	}
	if (listed(*list, s) || strlen(*list) > JOIN_MAX)
		return;
	char *j = lw_xasprintf("%s, %s", *list, s);
	free(*list);
	*list = j;
}
