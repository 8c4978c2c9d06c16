/* config_lineage.c - what each dataset is made from and what writes it:
 * "upstream" (dataset ids) and "written_by" (pipeline or job names).
 *
 * Without "upstream", a dataset's upstream is its source's previous layer
 * (bronze -> silver -> gold -> Power BI: the nearest lower layer of the
 * same source that has datasets), which fits the lakehouse. A writer name
 * that is also a dataset (by name, or a run dataset whose path is the
 * pipeline's) is linked to it, so its status counts in the root cause.
 * Unknown ids and cycles are errors at file:line:col.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/config.h"
#include "lakewatch/util.h"
#include "config_int.h"

/* The longest cycle spelled out in a message; longer ones end in "...". */
#define CYCLE_NAMES_MAX 16

/* Index of the dataset named name, -1 when none. */
static int dataset_index(const struct lw_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->ndatasets; i++)
		if (strcmp(cfg->datasets[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The writer's dataset: one named like it, else a run dataset whose path
 * (pipeline, job) is it, else any dataset whose path is it. */
static int writer_index(const struct lw_config *cfg, const char *w)
{
	int i = dataset_index(cfg, w);
	for (int runs = 1; runs >= 0 && i < 0; runs--)
		for (size_t k = 0; i < 0 && k < cfg->ndatasets; k++)
			if (cfg->datasets[k].runs == runs &&
			    cfg->datasets[k].path &&
			    strcmp(cfg->datasets[k].path, w) == 0)
				i = (int)k;
	return i;
}

/* The same source's nearest lower layer that has datasets, all of them.
 * Run datasets (pipelines, jobs) have no layer: none for them, and none
 * of them for others (a writer is linked through "written_by"). */
static void default_upstream(struct lw_config *cfg, struct lw_dataset *ds)
{
	ds->upstream_default = !ds->runs;
	if (ds->source < 0 || ds->runs)
		return;
	for (int l = (int)ds->layer - 1; l >= 0 && !ds->nupstream; l--)
		for (size_t k = 0; k < cfg->ndatasets; k++) {
			const struct lw_dataset *o = &cfg->datasets[k];
			if (o->source == ds->source && (int)o->layer == l &&
			    !o->runs)
				ds->upstream[ds->nupstream++] = (int)k;
		}
}

/* "upstream": an array of dataset ids, each known and not the dataset. */
static void load_upstream(struct lw_cfgctx *cc, struct lw_config *cfg,
			  struct lw_dataset *ds, int self, const cJSON *node)
{
	ds->upstream = lw_xcalloc(cfg->ndatasets + 1, sizeof *ds->upstream);
	if (!node) {
		default_upstream(cfg, ds);
		return;
	}
	if (!cJSON_IsArray(node)) {
		lw_cfg_error(cc, node, "dataset \"%s\": \"upstream\" must be an "
			     "array of dataset ids", ds->name);
		return;
	}
	const cJSON *u;
	cJSON_ArrayForEach(u, node) {
		int i = cJSON_IsString(u) ? dataset_index(cfg, u->valuestring)
					  : -1;
		if (!cJSON_IsString(u))
			lw_cfg_error(cc, u, "dataset \"%s\": \"upstream\" entries "
				     "must be dataset ids (strings)", ds->name);
		else if (i < 0)
			lw_cfg_error(cc, u, "dataset \"%s\": unknown upstream "
				     "dataset \"%s\"", ds->name, u->valuestring);
		else if (i == self)
			lw_cfg_error(cc, u, "dataset \"%s\": a dataset cannot be "
				     "its own upstream", ds->name);
		else if (ds->nupstream < cfg->ndatasets)
			ds->upstream[ds->nupstream++] = i;
	}
}

/* "written_by": an array of non-empty names; linked to datasets. */
static void load_writers(struct lw_cfgctx *cc, struct lw_config *cfg,
			 struct lw_dataset *ds, int self, const cJSON *node)
{
	if (!node)
		return;
	if (!cJSON_IsArray(node)) {
		lw_cfg_error(cc, node, "dataset \"%s\": \"written_by\" must be "
			     "an array of pipeline or job names", ds->name);
		return;
	}
	size_t n = (size_t)cJSON_GetArraySize(node);
	ds->written_by = lw_xcalloc(n + 1, sizeof *ds->written_by);
	ds->writer_ds = lw_xcalloc(n + 1, sizeof *ds->writer_ds);
	const cJSON *w;
	cJSON_ArrayForEach(w, node) {
		if (!cJSON_IsString(w) || !w->valuestring[0]) {
			lw_cfg_error(cc, w, "dataset \"%s\": \"written_by\" entries "
				     "must be non-empty pipeline or job names",
				     ds->name);
			continue;
		}
		int i = writer_index(cfg, w->valuestring);
		if (i == self) {
			lw_cfg_error(cc, w, "dataset \"%s\": a dataset cannot be "
				     "written by itself", ds->name);
			continue;
		}
		ds->writer_ds[ds->nwritten_by] = i;
		ds->written_by[ds->nwritten_by++] = lw_xstrdup(w->valuestring);
	}
}

/* Depth-first search state: 0 unseen, 1 on the path, 2 done. */
struct walk {
	const struct lw_config *cfg;
	char *mark;
	int *path;
	size_t depth;
	int found;		/* cycles reported */
};

/* The edge ds -> e's k-th parent: upstream first, then linked writers. */
static int parent(const struct lw_dataset *ds, size_t k)
{
	if (k < ds->nupstream)
		return ds->upstream[k];
	k -= ds->nupstream;
	return k < ds->nwritten_by ? ds->writer_ds[k] : -2;
}

/* "a → b → c → a" from the path's entry of `to` to its end. */
static void report_cycle(struct lw_cfgctx *cc, struct walk *w,
			 const cJSON *datasets, int to)
{
	size_t from = w->depth;
	while (from > 0 && w->path[from - 1] != to)
		from--;
	from = from ? from - 1 : 0;
	char msg[CYCLE_NAMES_MAX * 80 + 16];
	size_t off = 0;
	for (size_t i = from; i < w->depth && off < sizeof msg - 8; i++) {
		if (i - from == CYCLE_NAMES_MAX) {
			off += (size_t)snprintf(msg + off, sizeof msg - off, "... → ");
			break;
		}
		off += (size_t)snprintf(msg + off, sizeof msg - off, "%.70s → ",
					w->cfg->datasets[w->path[i]].name);
	}
	if (off < sizeof msg)
		snprintf(msg + off, sizeof msg - off, "%.70s",
			 w->cfg->datasets[to].name);
	const struct lw_dataset *at = &w->cfg->datasets[w->path[w->depth - 1]];
	const cJSON *node = cJSON_GetObjectItemCaseSensitive(datasets, at->name);
	const cJSON *up = cJSON_GetObjectItemCaseSensitive(node, "upstream");
	lw_cfg_error(cc, up ? up : node, "dataset \"%s\": lineage cycle: %s "
		     "(upstream and written_by must not loop)", at->name, msg);
	w->found++;
}

/* Visit i and what it is made from; reports each back edge as a cycle. */
static void visit(struct lw_cfgctx *cc, struct walk *w, const cJSON *datasets,
		  int i)
{
	w->mark[i] = 1;
	w->path[w->depth++] = i;
	const struct lw_dataset *ds = &w->cfg->datasets[i];
	int p;
	for (size_t k = 0; (p = parent(ds, k)) != -2; k++) {
		if (p < 0)
			continue;
		if (w->mark[p] == 1)
			report_cycle(cc, w, datasets, p);
		else if (!w->mark[p])
			visit(cc, w, datasets, p);
	}
	w->depth--;
	w->mark[i] = 2;
}

/* See config_int.h. */
void lw_config_load_lineage(struct lw_cfgctx *cc, struct lw_config *cfg,
			    const cJSON *datasets)
{
	for (size_t i = 0; i < cfg->ndatasets; i++) {
		struct lw_dataset *ds = &cfg->datasets[i];
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(datasets,
								  ds->name);
		if (!cJSON_IsObject(m))
			continue;
		load_upstream(cc, cfg, ds, (int)i,
			      cJSON_GetObjectItemCaseSensitive(m, "upstream"));
		load_writers(cc, cfg, ds, (int)i,
			     cJSON_GetObjectItemCaseSensitive(m, "written_by"));
		lw_config_load_published(cc, ds,
			cJSON_GetObjectItemCaseSensitive(m, "published_as"));
	}
	struct walk w = {cfg, lw_xcalloc(cfg->ndatasets + 1, 1),
			 lw_xcalloc(cfg->ndatasets + 1, sizeof(int)), 0, 0};
	for (size_t i = 0; i < cfg->ndatasets; i++)
		if (!w.mark[i])
			visit(cc, &w, datasets, (int)i);
	free(w.mark);
	free(w.path);
}

/* See config_int.h. */
void lw_config_free_lineage(struct lw_dataset *ds)
{
	for (size_t i = 0; i < ds->nwritten_by; i++)
		free(ds->written_by[i]);
	free(ds->written_by);
	free(ds->writer_ds);
	free(ds->upstream);
	lw_config_free_published(ds);
}
