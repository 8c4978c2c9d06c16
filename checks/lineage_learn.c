/* lineage_learn.c - a Power BI dataset's upstream learned from the
 * service: its datasources (Get Datasources In Group, obs->powerbi.sources)
 * matched with the datasets' "published_as" (core/config_published.c).
 *
 * The config's "upstream" always wins (such a dataset is not even asked).
 * Without a match, or when the service refused (obs->powerbi.sources_error),
 * the layer rule stays and up_note says why. Matching is case-insensitive:
 * a SQL endpoint by server (a "tcp:" prefix and a ",port" suffix ignored)
 * and database, narrowed to the Power BI dataset's table when entries name
 * tables and one is it; a path when one is the other or lies under it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lakewatch/powerbi.h"
#include "lakewatch/run.h"
#include "lakewatch/util.h"

/* See run.h. */
const char *lw_up_from_name(enum lw_up_from f)
{
	static const char *const n[] = {"layer", "config", "service", "none"};
	return (unsigned)f < 4 ? n[f] : "layer";
}

/* See run.h. */
const char *lw_up_from_text(enum lw_up_from f)
{
	static const char *const n[] = {"previous layer", "from config",
		"from the service's datasources", "none (a pipeline or job)"};
	return (unsigned)f < 4 ? n[f] : n[0];
}

/* See run.h. */
const int *lw_ds_upstream(const struct lw_dataset *ds,
			  const struct lw_ds_run *dr, size_t *n)
{
	if (dr && dr->up_from == LW_UP_SERVICE) {
		*n = dr->nlearned;
		return dr->learned;
	}
	*n = ds->nupstream;
	return ds->upstream;
}

/* s without a "tcp:" prefix, its length without a ",port" suffix. */
static const char *server_part(const char *s, size_t *len)
{
	if (strncasecmp(s, "tcp:", 4) == 0)
		s += 4;
	const char *comma = strchr(s, ',');
	*len = comma ? (size_t)(comma - s) : strlen(s);
	return s;
}

static bool same_server(const char *a, const char *b)
{
	size_t la, lb;
	a = server_part(a, &la);
	b = server_part(b, &lb);
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* Length of p without trailing '/'. */
static size_t trimmed(const char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	return n;
}

/* a is b, or one lies under the other (on a '/' boundary). */
static bool same_or_under(const char *a, const char *b)
{
	size_t la = trimmed(a), lb = trimmed(b), m = la < lb ? la : lb;
	if (strncasecmp(a, b, m) != 0)
		return false;
	return la == lb || (la > lb ? a[m] : b[m]) == '/';
}

/* How entry p meets datasource s: 0 not at all, 1 its database or path,
 * 2 also the table wanted (table: the Power BI dataset's, may be NULL). */
static int meets(const struct lw_published *p,
		 const struct lw_powerbi_source *s, const char *table)
{
	if (p->server) {
		if (!s->server || !s->database ||
		    !same_server(p->server, s->server) ||
		    strcasecmp(p->database, s->database) != 0)
			return 0;
		return table && p->table && strcasecmp(table, p->table) == 0
			? 2 : 1;
	}
	return p->path && s->path && same_or_under(p->path, s->path);
}

/* The table option of a Power BI dataset, NULL when none. */
static const char *pbi_table(const struct lw_dataset *ds)
{
	const struct lw_pbi_opts *po = ds->format_name &&
		strcmp(ds->format_name, "powerbi") == 0 ? ds->format_opts : NULL;
	return po ? po->table : NULL;
}

/* How well cfg's dataset k meets one of sources (the best of its
 * entries and the sources). */
static int dataset_meets(const struct lw_dataset *k,
			 const struct lw_powerbi_facts *f, const char *table)
{
	int best = 0;
	for (size_t e = 0; e < k->npublished; e++)
		for (size_t s = 0; s < f->nsources; s++) {
			int m = meets(&k->published[e], &f->sources[s], table);
			best = m > best ? m : best;
		}
	return best;
}

/* The datasets dr's datasources name, into dr->learned; the best
 * matches only (a named table over the whole database). */
static void match(const struct lw_config *cfg, struct lw_ds_run *dr)
{
	const struct lw_powerbi_facts *f = &dr->obs.powerbi;
	const char *table = pbi_table(dr->ds);
	int *score = lw_xcalloc(cfg->ndatasets + 1, sizeof *score), top = 0;
	for (size_t k = 0; k < cfg->ndatasets; k++) {
		if (&cfg->datasets[k] == dr->ds)
			continue;
		score[k] = dataset_meets(&cfg->datasets[k], f, table);
		top = score[k] > top ? score[k] : top;
	}
	dr->learned = lw_xcalloc(cfg->ndatasets + 1, sizeof *dr->learned);
	for (size_t k = 0; top && k < cfg->ndatasets; k++)
		if (score[k] == top)
			dr->learned[dr->nlearned++] = (int)k;
	free(score);
}

/* dr's up_from, learned and up_note. */
static void learn_one(const struct lw_config *cfg, struct lw_ds_run *dr)
{
	const struct lw_dataset *ds = dr->ds;
	const struct lw_powerbi_facts *f = &dr->obs.powerbi;
	dr->up_from = ds->runs ? LW_UP_NONE : ds->upstream_default ?
		LW_UP_LAYER : LW_UP_CONFIG;
	if (dr->up_from != LW_UP_LAYER || !f->present)
		return;
	if (f->sources_error) {
		dr->up_note = lw_xasprintf("the service did not say its "
					   "datasources: %s", f->sources_error);
		return;
	}
	if (!f->has_sources)
		return;
	match(cfg, dr);
	if (dr->nlearned) {
		dr->up_from = LW_UP_SERVICE;
		return;
	}
	dr->up_note = f->nsources ?
		lw_xasprintf("no dataset's published_as is one of its %zu "
			     "datasources", f->nsources) :
		lw_xstrdup("the service lists no datasources");
}

/* See run.h. */
void lw_lineage_learn(const struct lw_config *cfg, struct lw_run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		struct lw_ds_run *dr = &run->ds[i];
		free(dr->learned);
		free(dr->up_note);
		dr->learned = NULL;
		dr->nlearned = 0;
		dr->up_note = NULL;
		if (dr->ds >= cfg->datasets &&
		    dr->ds < cfg->datasets + cfg->ndatasets)
			learn_one(cfg, dr);
	}
}
