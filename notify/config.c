/* config.c - the "notify" section: channels (each read by its kind) and
 * routes (which incidents go to which channels, how often reminded).
 *
 *   "notify": {
 *     "channels": {"oncall": {"type": "webhook", "url": {"env": "HOOK"}}},
 *     "routes": [{"name": "gold", "match": {"layer": "gold",
 *                 "severity": "fail"}, "channels": ["oncall"],
 *                 "repeat": "4h"}],
 *     "max_age": "24h"
 *   }
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/notifier.h"
#include "lakewatch/util.h"

#define DEFAULT_MAX_AGE (24 * 3600)

/* "webhook, slack, ..." into buf. */
static const char *kind_names(char *buf, size_t n)
{
	const struct lw_channel_kind *const *k = lw_channel_kinds();
	size_t used = 0;
	buf[0] = 0;
	for (; *k && used + 2 < n; k++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s",
					 used ? ", " : "", (*k)->name);
	return buf;
}

static void parse_channel(struct lw_notify_cfg *nc, const cJSON *m,
			  struct lw_cfgctx *cc)
{
	char names[200];
	const char *type = NULL;
	if (!cJSON_IsObject(m)) {
		lw_cfg_error(cc, m, "channel \"%s\" must be an object with "
			     "\"type\"", m->string);
		return;
	}
	if (lw_cfg_str(cc, m, "type", true, &type) != LW_OK || !type)
		return;
	const struct lw_channel_kind *k = lw_channel_kind_find(type);
	if (!k) {
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(m, "type"),
			     "channel \"%s\": unknown type \"%s\" (known: %s)",
			     m->string, type, kind_names(names, sizeof names));
		return;
	}
	/* "type" is ours: the kind sees only its own keys (and rejects any
	 * other), so it is taken out while the kind looks */
	cJSON *obj = (cJSON *)m;
	cJSON *t = cJSON_DetachItemFromObjectCaseSensitive(obj, "type");
	void *state = NULL;
	int before = cc->nerrors;
	int rc = k->parse(m, cc, &state);
	cJSON_AddItemToObject(obj, "type", t);
	if (rc != LW_OK || cc->nerrors != before) {
		if (cc->nerrors == before)
			lw_cfg_error(cc, m, "channel \"%s\" is not valid",
				     m->string);
		if (state && k->free)
			k->free(state);
		return;
	}
	struct lw_notify_channel *c = &nc->channels[nc->nchannels++];
	c->name = lw_xstrdup(m->string);
	c->kind = k;
	c->state = state;
}

/* One "match" key naming an id in a list (source, consumer). */
static void match_named(struct lw_cfgctx *cc, const cJSON *match,
			const char *key, const struct lw_config *cfg,
			bool consumer, const char *route, int *out)
{
	const char *s = NULL;
	*out = -1;
	if (lw_cfg_str(cc, match, key, false, &s) != LW_OK || !s)
		return;
	*out = consumer ? lw_config_consumer_index(cfg, s) :
		lw_config_source_index(cfg, s);
	if (*out < 0)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(match, key),
			     "route \"%s\": unknown %s \"%s\"", route, key, s);
}

static void parse_match(struct lw_cfgctx *cc, const cJSON *match,
			const struct lw_config *cfg, struct lw_notify_route *r)
{
	static const char *const keys[] = {"consumer", "source", "layer",
					   "severity", NULL};
	const char *s = NULL;
	r->source = r->consumer = r->layer = -1;
	r->severity = LW_WARN;
	if (!match)
		return;
	if (!cJSON_IsObject(match)) {
		lw_cfg_error(cc, match, "route \"%s\": \"match\" must be an "
			     "object", r->name);
		return;
	}
	lw_cfg_keys(cc, match, "route match", keys);
	match_named(cc, match, "consumer", cfg, true, r->name, &r->consumer);
	match_named(cc, match, "source", cfg, false, r->name, &r->source);
	if (lw_cfg_str(cc, match, "layer", false, &s) == LW_OK && s) {
		enum lw_layer l;
		if (lw_layer_parse(s, &l) != LW_OK)
			lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(match,
				     "layer"), "route \"%s\": unknown layer "
				     "\"%s\" (known: bronze, silver, gold, "
				     "powerbi)", r->name, s);
		else
			r->layer = (int)l;
	}
	s = NULL;
	if (lw_cfg_str(cc, match, "severity", false, &s) == LW_OK && s) {
		enum lw_status st;
		if (lw_status_parse(s, &st) != LW_OK || st == LW_PASS)
			lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(match,
				     "severity"), "route \"%s\": severity must "
				     "be warn, fail or error, not \"%s\"",
				     r->name, s);
		else
			r->severity = st;
	}
}

static void parse_route_channels(struct lw_cfgctx *cc, const cJSON *arr,
				 const cJSON *chs, struct lw_notify_cfg *nc,
				 struct lw_notify_route *r)
{
	if (!cJSON_IsArray(arr) || !cJSON_GetArraySize(arr)) {
		lw_cfg_error(cc, arr, "route \"%s\": \"channels\" must be a "
			     "non-empty list of channel names", r->name);
		return;
	}
	r->channels = lw_xcalloc((size_t)cJSON_GetArraySize(arr),
				 sizeof *r->channels);
	const cJSON *c;
	cJSON_ArrayForEach(c, arr) {
		int i = cJSON_IsString(c) ?
			lw_notify_channel_index(nc, c->valuestring) : -1;
		if (i < 0 && cJSON_IsString(c) && chs &&
		    cJSON_GetObjectItemCaseSensitive(chs, c->valuestring))
			continue;	/* declared, but invalid: said there */
		if (i < 0)
			lw_cfg_error(cc, c, "route \"%s\": unknown channel "
				     "%s%s%s", r->name, cJSON_IsString(c) ?
				     "\"" : "", cJSON_IsString(c) ?
				     c->valuestring : "(not a string)",
				     cJSON_IsString(c) ? "\"" : "");
		else
			r->channels[r->nchannels++] = (size_t)i;
	}
}

static void parse_route(struct lw_notify_cfg *nc, const struct lw_config *cfg,
			const cJSON *m, const cJSON *declared, size_t idx,
			struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"name", "match", "channels",
					   "repeat", NULL};
	if (!cJSON_IsObject(m)) {
		lw_cfg_error(cc, m, "a route must be an object with "
			     "\"channels\"");
		return;
	}
	lw_cfg_keys(cc, m, "route", keys);
	struct lw_notify_route *r = &nc->routes[nc->nroutes++];
	const char *name = NULL;
	lw_cfg_str(cc, m, "name", false, &name);
	r->name = name ? lw_xstrdup(name) : lw_xasprintf("route%zu", idx + 1);
	for (size_t i = 0; i + 1 < nc->nroutes; i++)
		if (!strcmp(nc->routes[i].name, r->name))
			lw_cfg_error(cc, m, "route \"%s\" is named twice",
				     r->name);
	parse_match(cc, cJSON_GetObjectItemCaseSensitive(m, "match"), cfg, r);
	const cJSON *chs = cJSON_GetObjectItemCaseSensitive(m, "channels");
	if (!chs)
		lw_cfg_error(cc, m, "route \"%s\": missing \"channels\"",
			     r->name);
	else
		parse_route_channels(cc, chs, declared, nc, r);
	lw_cfg_duration(cc, m, "repeat", false, &r->repeat);
	if (r->repeat < 0)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(m, "repeat"),
			     "route \"%s\": \"repeat\" must not be negative",
			     r->name);
}

/* Owned by the caller (lw_notify_cfg_free); NULL after errors. */
struct lw_notify_cfg *lw_notify_cfg_parse(const struct lw_config *cfg,
					  const cJSON *node,
					  struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"channels", "routes", "max_age",
					   NULL};
	int before = cc->nerrors;
	lw_cfg_keys(cc, node, "notify", keys);	/* and read on: every error */
	struct lw_notify_cfg *nc = lw_xcalloc(1, sizeof *nc);
	nc->max_age = DEFAULT_MAX_AGE;
	const cJSON *chs = cJSON_GetObjectItemCaseSensitive(node, "channels");
	const cJSON *routes = cJSON_GetObjectItemCaseSensitive(node, "routes");
	if (chs && !cJSON_IsObject(chs))
		lw_cfg_error(cc, chs, "\"channels\" must be an object of "
			     "name: {\"type\": ...}");
	else if (chs) {
		nc->channels = lw_xcalloc((size_t)cJSON_GetArraySize(chs) + 1,
					  sizeof *nc->channels);
		const cJSON *m;
		cJSON_ArrayForEach(m, chs)
			parse_channel(nc, m, cc);
	}
	if (routes && !cJSON_IsArray(routes))
		lw_cfg_error(cc, routes, "\"routes\" must be a list of "
			     "{\"match\": ..., \"channels\": [...]}");
	else if (routes) {
		nc->routes = lw_xcalloc((size_t)cJSON_GetArraySize(routes) + 1,
					sizeof *nc->routes);
		const cJSON *m;
		size_t i = 0;
		cJSON_ArrayForEach(m, routes)
			parse_route(nc, cfg, m, cJSON_IsObject(chs) ? chs : NULL,
				    i++, cc);
	}
	lw_cfg_duration(cc, node, "max_age", false, &nc->max_age);
	if (nc->max_age < 60)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(node,
			     "max_age"), "notify: \"max_age\" must be at least "
			     "1m");
	if (cc->nerrors != before) {
		lw_notify_cfg_free(nc);
		return NULL;
	}
	return nc;
}

void lw_notify_cfg_free(struct lw_notify_cfg *nc)
{
	if (!nc)
		return;
	for (size_t i = 0; i < nc->nchannels; i++) {
		struct lw_notify_channel *c = &nc->channels[i];
		if (c->kind->free && c->state)
			c->kind->free(c->state);
		free(c->name);
	}
	free(nc->channels);
	for (size_t i = 0; i < nc->nroutes; i++) {
		free(nc->routes[i].name);
		free(nc->routes[i].channels);
	}
	free(nc->routes);
	free(nc);
}

int lw_notify_channel_index(const struct lw_notify_cfg *nc, const char *name)
{
	for (size_t i = 0; nc && i < nc->nchannels; i++)
		if (!strcmp(nc->channels[i].name, name))
			return (int)i;
	return -1;
}
