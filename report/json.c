/* json.c - the machine-readable report. The layout is documented in
 * docs/report-json.md and its names are stable: add fields, never rename.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/incident.h"
#include "lakewatch/util.h"
#include "report_int.h"

#ifndef LW_VERSION
#define LW_VERSION "0.0.0"
#endif

/* The report's "report_version": bumped only when a field is renamed,
 * removed or changes type (adding fields keeps it), so consumers can
 * refuse a layout they do not know. docs/report-json.md documents it. */
#define REPORT_VERSION 1

/* Add s cleaned (redacted, valid UTF-8), or null. */
static void put_str(cJSON *o, const char *key, const char *s)
{
	char *c = lw_rep_clean(s, 0);
	if (c)
		cJSON_AddStringToObject(o, key, c);
	else
		cJSON_AddNullToObject(o, key);
	free(c);
}

/* Numbers where -1 means "unknown" become null. */
static void put_opt(cJSON *o, const char *key, int64_t v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, (double)v);
}

static void put_time(cJSON *o, const char *key, int64_t t)
{
	char buf[40];
	if (t < 0)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddStringToObject(o, key, lw_time_fmt(t, buf,
							   sizeof buf));
}

/* A cleaned deep copy: detail objects come from lakes and files, so their
 * strings (keys too) may hold anything. Caller owns the result. */
static cJSON *clean_copy(const cJSON *src, int depth)
{
	cJSON *dst;
	const cJSON *it;

	if (depth > 64)
		return cJSON_CreateNull();
	if (cJSON_IsString(src)) {
		char *c = lw_rep_clean(src->valuestring, 0);
		dst = cJSON_CreateString(c ? c : "");
		free(c);
		return dst;
	}
	if (cJSON_IsNumber(src))
		return cJSON_CreateNumber(src->valuedouble);
	if (cJSON_IsBool(src))
		return cJSON_CreateBool(cJSON_IsTrue(src));
	if (cJSON_IsArray(src)) {
		dst = cJSON_CreateArray();
		cJSON_ArrayForEach(it, src)
			cJSON_AddItemToArray(dst, clean_copy(it, depth + 1));
		return dst;
	}
	if (cJSON_IsObject(src)) {
		dst = cJSON_CreateObject();
		cJSON_ArrayForEach(it, src) {
			char *k = lw_rep_clean(it->string ? it->string : "",
					       0);
			cJSON_AddItemToObject(dst, k,
					      clean_copy(it, depth + 1));
			free(k);
		}
		return dst;
	}
	return cJSON_CreateNull();
}

static cJSON *counts_json(const int counts[LW_NSTATUS], int total)
{
	cJSON *c = cJSON_CreateObject();
	for (int s = 0; s < LW_NSTATUS; s++)
		cJSON_AddNumberToObject(c, lw_rep_status_key(s), counts[s]);
	cJSON_AddNumberToObject(c, "total", total);
	return c;
}

/* {"dataset", "check", "status", "message"}: d's worst check (else why
 * d was not observed), the shape of a culprit. Caller owns it. */
static cJSON *cause_json(const struct lw_ds_run *d, const struct lw_result *x)
{
	cJSON *c = cJSON_CreateObject();
	put_str(c, "dataset", d->ds->name);
	if (x) {
		put_str(c, "check", x->check);
		cJSON_AddStringToObject(c, "status", lw_status_name(x->status));
		put_str(c, "message", x->message);
	} else {
		put_str(c, "check", NULL);
		cJSON_AddStringToObject(c, "status", lw_status_name(d->status));
		put_str(c, "message", d->obs.ok ? NULL : d->obs.error);
	}
	return c;
}

static const struct lw_result *worst_of(const struct lw_ds_run *d)
{
	return d->worst >= 0 && (size_t)d->worst < d->nresults ?
	       &d->results[d->worst] : NULL;
}

static cJSON *group_json(const char *id, const char *title,
			 const struct lw_rollup *r)
{
	cJSON *g = cJSON_CreateObject(), *c;

	put_str(g, "id", id);
	put_str(g, "title", title ? title : id);
	cJSON_AddStringToObject(g, "status", lw_status_name(r->status));
	cJSON_AddItemToObject(g, "counts", counts_json(r->counts, r->total));
	if (!r->culprit || r->status == LW_PASS) {
		cJSON_AddNullToObject(g, "culprit");
		return g;
	}
	c = cause_json(r->culprit, r->culprit_result);
	cJSON_AddItemToObject(g, "culprit", c);
	/* the root, not the last symptom; only for an impacted culprit */
	if (r->culprit->impacted && r->culprit->root)
		cJSON_AddItemToObject(c, "root", cause_json(r->culprit->root,
					worst_of(r->culprit->root)));
	return g;
}

static void groups_json(cJSON *root, const struct lw_config *cfg,
			const struct lw_run *run)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "sources");
	struct lw_rollup r;

	for (size_t i = 0; i < cfg->nsources; i++) {
		lw_rollup(cfg, run, (int)i, -1, -1, &r);
		if (r.total)
			cJSON_AddItemToArray(arr, group_json(
				cfg->sources[i].id, cfg->sources[i].title,
				&r));
	}
	arr = cJSON_AddArrayToObject(root, "layers");
	for (int l = 0; l < LW_NLAYERS; l++) {
		lw_rollup(cfg, run, -1, l, -1, &r);
		if (r.total)
			cJSON_AddItemToArray(arr, group_json(
				lw_layer_name(l), lw_layer_title(l), &r));
	}
	arr = cJSON_AddArrayToObject(root, "consumers");
	for (size_t i = 0; i < cfg->nconsumers; i++) {
		lw_rollup(cfg, run, -1, -1, (int)i, &r);
		if (r.total)
			cJSON_AddItemToArray(arr, group_json(
				cfg->consumers[i].id,
				cfg->consumers[i].title, &r));
	}
}

static cJSON *obs_json(const struct lw_obs *o)
{
	cJSON *j = cJSON_CreateObject(), *a;

	cJSON_AddBoolToObject(j, "ok", o->ok);
	put_time(j, "at", o->at);
	put_str(j, "error", o->ok ? NULL : o->error);
	cJSON_AddNumberToObject(j, "files", (double)o->files);
	cJSON_AddNumberToObject(j, "empty_files", (double)o->empty_files);
	cJSON_AddNumberToObject(j, "bytes", (double)o->bytes);
	put_opt(j, "rows", o->rows);
	put_time(j, "newest", o->newest_mtime);
	put_time(j, "oldest", o->oldest_mtime);
	cJSON_AddNumberToObject(j, "partitions", (double)o->nparts);
	put_time(j, "newest_partition", o->newest_part_time);
	cJSON_AddNumberToObject(j, "bytes_read", (double)o->bytes_read);
	/* only for compressed files: other reports keep their shape */
	if (o->bytes_decompressed)
		cJSON_AddNumberToObject(j, "bytes_decompressed",
					(double)o->bytes_decompressed);
	if (o->has_schema) {
		cJSON *raw = lw_schema_to_json(&o->schema);
		cJSON_AddItemToObject(j, "schema", raw ? clean_copy(raw, 0) :
				      cJSON_CreateNull());
		cJSON_Delete(raw);
	} else {
		cJSON_AddNullToObject(j, "schema");
	}
	a = cJSON_AddArrayToObject(j, "file_errors");
	for (size_t i = 0; i < o->nferrs; i++) {
		cJSON *e = cJSON_CreateObject();
		put_str(e, "path", o->ferrs[i].path);
		put_str(e, "message", o->ferrs[i].msg);
		cJSON_AddItemToArray(a, e);
	}
	/* only when there are any: reports without them keep their shape */
	if (o->nfwarns)
		a = cJSON_AddArrayToObject(j, "file_warnings");
	for (size_t i = 0; i < o->nfwarns; i++) {
		cJSON *e = cJSON_CreateObject();
		put_str(e, "path", o->fwarns[i].path);
		put_str(e, "message", o->fwarns[i].msg);
		cJSON_AddItemToArray(a, e);
	}
	cJSON_AddItemToObject(j, "detail", o->detail ?
			      clean_copy(o->detail, 0) : cJSON_CreateObject());
	return j;
}

static cJSON *result_json(const struct lw_result *x,
			  const struct lw_incident *inc)
{
	cJSON *c = cJSON_CreateObject();

	put_str(c, "check", x->check);
	cJSON_AddStringToObject(c, "status", lw_status_name(x->status));
	put_str(c, "measured", x->measured);
	put_str(c, "threshold", x->threshold);
	put_str(c, "message", x->message);
	/* NaN and infinities are not JSON. */
	if (x->has_value && x->value == x->value && x->value < 1e308 &&
	    x->value > -1e308)
		cJSON_AddNumberToObject(c, "value", x->value);
	else
		cJSON_AddNullToObject(c, "value");
	cJSON_AddItemToObject(c, "incident", lw_rep_incident_json(inc));
	return c;
}

/* "upstream" (and where from), "written_by", "impacted" and, when
 * impacted, "root". */
static void lineage_json(cJSON *j, const struct lw_config *cfg,
			 const struct lw_ds_run *d)
{
	const struct lw_dataset *ds = d->ds;
	cJSON *a = cJSON_AddArrayToObject(j, "upstream");
	size_t nu;
	const int *up = lw_ds_upstream(ds, d, &nu);
	for (size_t i = 0; i < nu; i++) {
		int u = up[i];
		if (u >= 0 && (size_t)u < cfg->ndatasets) {
			char *n = lw_rep_clean(cfg->datasets[u].name, 0);
			cJSON_AddItemToArray(a, cJSON_CreateString(n));
			free(n);
		}
	}
	put_str(j, "upstream_from", lw_up_from_name(d->up_from));
	if (d->up_note)
		put_str(j, "upstream_note", d->up_note);
	a = cJSON_AddArrayToObject(j, "written_by");
	for (size_t i = 0; i < ds->nwritten_by; i++) {
		char *n = lw_rep_clean(ds->written_by[i], 0);
		cJSON_AddItemToArray(a, cJSON_CreateString(n));
		free(n);
	}
	cJSON_AddBoolToObject(j, "impacted", d->impacted);
	if (d->impacted && d->root)
		put_str(j, "root", d->root->ds->name);
}

/* One entry per root of this run's impacted datasets, config order:
 * {"root", "status", "incident", "impacted": [names]}: a cascade is one
 * incident with the impacted datasets beneath it. */
static void cascades_json(cJSON *top, const struct lw_run *run)
{
	cJSON *arr = cJSON_AddArrayToObject(top, "cascades");
	for (size_t i = 0; i < run->n; i++) {
		const struct lw_ds_run *r = &run->ds[i];
		cJSON *imp = NULL;
		for (size_t k = 0; k < run->n; k++) {
			if (run->ds[k].root != r || !run->ds[k].impacted)
				continue;
			if (!imp) {
				cJSON *e = cJSON_CreateObject();
				put_str(e, "root", r->ds->name);
				cJSON_AddStringToObject(e, "status",
						lw_status_name(r->status));
				const struct lw_incident *inc = r->worst >= 0 ?
					lw_rep_incident(r, (size_t)r->worst) :
					NULL;
				if (inc)
					cJSON_AddNumberToObject(e, "incident",
								(double)inc->id);
				else
					cJSON_AddNullToObject(e, "incident");
				imp = cJSON_AddArrayToObject(e, "impacted");
				cJSON_AddItemToArray(arr, e);
			}
			char *n = lw_rep_clean(run->ds[k].ds->name, 0);
			cJSON_AddItemToArray(imp, cJSON_CreateString(n));
			free(n);
		}
	}
}

static cJSON *dataset_json(const struct lw_config *cfg,
			   const struct lw_ds_run *d)
{
	const struct lw_dataset *ds = d->ds;
	cJSON *j = cJSON_CreateObject(), *a;

	put_str(j, "name", ds->name);
	put_str(j, "description", ds->description);
	put_str(j, "source", ds->source >= 0 &&
		(size_t)ds->source < cfg->nsources ?
		cfg->sources[ds->source].id : NULL);
	cJSON_AddStringToObject(j, "layer", lw_layer_name(ds->layer));
	a = cJSON_AddArrayToObject(j, "consumers");
	for (size_t i = 0; i < ds->nconsumers; i++) {
		int c = ds->consumers[i];
		if (c >= 0 && (size_t)c < cfg->nconsumers) {
			char *id = lw_rep_clean(cfg->consumers[c].id, 0);
			cJSON_AddItemToArray(a, cJSON_CreateString(id));
			free(id);
		}
	}
	cJSON_AddStringToObject(j, "status", lw_status_name(d->status));
	lineage_json(j, cfg, d);
	cJSON_AddNumberToObject(j, "seconds", d->seconds);
	cJSON_AddItemToObject(j, "observation", obs_json(&d->obs));
	a = cJSON_AddArrayToObject(j, "checks");
	const struct lw_incident *root_inc = d->impacted && d->root &&
		d->root->worst >= 0 ? lw_rep_incident(d->root,
						      (size_t)d->root->worst) :
		NULL;
	for (size_t i = 0; i < d->nresults; i++) {
		cJSON *c = result_json(&d->results[i], lw_rep_incident(d, i));
		cJSON *inc = cJSON_GetObjectItemCaseSensitive(c, "incident");
		/* grouped under the root's incident: one entry per cascade */
		if (root_inc && cJSON_IsObject(inc))
			cJSON_AddNumberToObject(inc, "root_incident",
						(double)root_inc->id);
		cJSON_AddItemToArray(a, c);
	}
	return j;
}

/* See report_int.h. */
int lw_rep_json(struct lw_buf *b, const struct lw_config *cfg,
		const struct lw_run *run)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	char *text;
	int rc, total = 0;

	cJSON_AddStringToObject(root, "lakewatch", LW_VERSION);
	cJSON_AddNumberToObject(root, "report_version", REPORT_VERSION);
	put_str(root, "config", cfg->name);
	put_str(root, "config_file", cfg->file);
	cJSON_AddNumberToObject(root, "run", (double)run->id);
	put_time(root, "started", run->started);
	put_time(root, "finished", run->finished);
	cJSON_AddStringToObject(root, "status", lw_status_name(run->status));
	for (int s = 0; s < LW_NSTATUS; s++)
		total += run->counts[s];
	cJSON_AddItemToObject(root, "counts", counts_json(run->counts,
							  total));
	put_str(root, "history_error", run->history_error);
	if (run->naborted) {
		cJSON *ab = cJSON_AddArrayToObject(root, "aborted_runs");
		for (size_t i = 0; i < run->naborted; i++)
			cJSON_AddItemToArray(ab, cJSON_CreateNumber(
				(double)run->aborted[i]));
	}
	groups_json(root, cfg, run);
	arr = cJSON_AddArrayToObject(root, "datasets");
	for (size_t i = 0; i < run->n; i++)
		cJSON_AddItemToArray(arr, dataset_json(cfg, &run->ds[i]));
	cascades_json(root, run);

	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return LW_ENOMEM;
	rc = lw_buf_adds(b, text);
	if (rc == LW_OK)
		rc = lw_buf_addc(b, '\n');
	cJSON_free(text);
	return rc;
}
