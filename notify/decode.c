/* decode.c - an outbox message back into the batch a channel renders:
 * each notice's JSON (written by plan.c) read into struct lw_notice, its
 * incident id and dedup key from the outbox row.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/util.h"
#include "notify_int.h"

struct lw_notify_decoded {
	cJSON **docs;
	char **keys;
	struct lw_notice *v;
	size_t n;
};

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	       v->valuedouble < 9e18 ? (int64_t)v->valuedouble : 0;
}

static enum lw_notice_kind kind_of(const char *s)
{
	static const enum lw_notice_kind all[] = {
		LW_NOTICE_OPENED, LW_NOTICE_ESCALATED, LW_NOTICE_REMINDER,
		LW_NOTICE_RESOLVED, LW_NOTICE_TEST};
	for (size_t i = 0; s && i < sizeof all / sizeof *all; i++)
		if (!strcmp(lw_notice_kind_name(all[i]), s))
			return all[i];
	return LW_NOTICE_OPENED;
}

static void fill(struct lw_notice *nt, const cJSON *o,
		 const struct lw_outbox_notice *on)
{
	nt->incident = on->incident;
	nt->kind = kind_of(on->kind);
	nt->dataset = on->dataset;
	nt->check = on->check;
	nt->source = str(o, "source");
	nt->layer = str(o, "layer");
	nt->consumers = str(o, "consumers") ? str(o, "consumers") : "";
	int64_t st = num(o, "status");
	nt->status = st <= LW_ERROR ? (enum lw_status)st : LW_ERROR;
	nt->summary = str(o, "summary") ? str(o, "summary") : on->dataset;
	nt->description = str(o, "description");
	nt->value = str(o, "value");
	nt->threshold = str(o, "threshold");
	nt->root = str(o, "root");
	nt->opened = num(o, "opened");
	nt->at = num(o, "at");
	nt->resolved = num(o, "resolved");
}

/* The caller frees the result (lw_notify_decoded_free) after b is used:
 * b borrows from it and from m. */
struct lw_notify_decoded *lw_notify_decode(const struct lw_config *cfg,
					   const struct lw_outbox_msg *m,
					   struct lw_notice_batch *b)
{
	struct lw_notify_decoded *d = lw_xcalloc(1, sizeof *d);
	size_t n = m->n ? m->n : 1;
	d->docs = lw_xcalloc(n, sizeof *d->docs);
	d->keys = lw_xcalloc(n, sizeof *d->keys);
	d->v = lw_xcalloc(n, sizeof *d->v);
	const char *config = m->config ? m->config : cfg->name;
	for (size_t i = 0; i < m->n; i++) {
		const struct lw_outbox_notice *on = &m->v[i];
		d->docs[i] = cJSON_Parse(on->notice ? on->notice : "{}");
		fill(&d->v[i], d->docs[i], on);
		d->keys[i] = lw_xasprintf("%s/%s/%s/%lld", config,
					  on->dataset, on->check,
					  (long long)on->incident);
		d->v[i].dedup_key = d->keys[i];
	}
	d->n = m->n;
	b->config_name = config;
	b->route = m->route;
	b->v = d->v;
	b->n = d->n;
	return d;
}

void lw_notify_decoded_free(struct lw_notify_decoded *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		cJSON_Delete(d->docs[i]);
		free(d->keys[i]);
	}
	free(d->docs);
	free(d->keys);
	free(d->v);
	free(d);
}
