/* ch_pagerduty.c - the "pagerduty" channel: PagerDuty Events API v2
 * (POST /v2/enqueue), one event per notice. opened, escalated and
 * reminder trigger, resolved resolves, both under the notice's dedup key,
 * so a repeat (at-least-once delivery) updates the same PagerDuty alert.
 *
 * The contract puts the routing key in the body ("routing_key"): it is the
 * one place a secret goes into what a channel renders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "lakewatch/cfgctx.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "ch_util.h"

#define PD_URL "https://events.pagerduty.com/v2/enqueue"
#define PD_KEY_LEN 32		/* an Events API v2 integration key */
#define PD_SUMMARY_MAX 1024	/* the contract's bound on payload.summary */
#define PD_DEDUP_MAX 255	/* ... and on dedup_key */
#define PD_TEXT_MAX 8192	/* one custom detail */

struct pd {
	char *key;		/* routing key, a secret */
	char *url;
	char *source;		/* payload.source; NULL: the config's name */
};

static void pd_free(void *state)
{
	struct pd *p = state;
	if (!p)
		return;
	lw_secret_free(p->key);
	free(p->url);
	free(p->source);
	free(p);
}

static int pd_parse(const cJSON *obj, struct lw_cfgctx *cc, void **state)
{
	static const char *const keys[] = {LW_CH_COMMON_KEYS, "routing_key",
		"url", "source", "allow_insecure_http", NULL};
	bool insecure = false;
	const char *url = PD_URL, *source = NULL;
	char *key = NULL;
	if (lw_cfg_keys(cc, obj, "pagerduty channel", keys) ||
	    lw_cfg_bool(cc, obj, "allow_insecure_http", false, &insecure) ||
	    lw_cfg_str(cc, obj, "url", false, &url) ||
	    lw_cfg_str(cc, obj, "source", false, &source) ||
	    lw_ch_check_url(cc, cJSON_GetObjectItemCaseSensitive(obj, "url"),
			    "pagerduty: \"url\"", url, insecure) ||
	    lw_cfg_secret(cc, obj, "routing_key", true, &key))
		return LW_ECONFIG;
	if (strlen(key) != PD_KEY_LEN) {
		size_t n = strlen(key);
		lw_secret_free(key);
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(obj,
				    "routing_key"), "pagerduty: \"routing_key\" "
				    "has %zu characters; an Events API v2 "
				    "integration key has %d", n, PD_KEY_LEN);
	}
	struct pd *p = lw_xcalloc(1, sizeof *p);
	p->key = key;
	p->url = lw_xstrdup(url);
	p->source = source && *source ? lw_xstrdup(source) : NULL;
	*state = p;
	return LW_OK;
}

/* The notice's dedup key, or a stable stand-in when it is longer than the
 * contract allows ("lw-sha256:" and the hex of its SHA-256) or missing (a
 * test: one key per route and time). Caller frees. */
static char *dedup_key(const struct lw_notice_batch *b,
		       const struct lw_notice *n)
{
	if (!n->dedup_key || !*n->dedup_key)
		return lw_xasprintf("lakewatch-test/%s/%lld",
				    b->route ? b->route : "",
				    (long long)n->at);
	if (strlen(n->dedup_key) <= PD_DEDUP_MAX)
		return lw_xstrdup(n->dedup_key);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_Digest(n->dedup_key, strlen(n->dedup_key), md, &mdlen,
		   EVP_sha256(), NULL);
	char *out = lw_xmalloc(11 + 2 * mdlen + 1);
	memcpy(out, "lw-sha256:", 10);
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(out + 10 + 2 * i, 3, "%02x", md[i]);
	return out;
}

static bool add_opt(cJSON *o, const char *k, const char *v)
{
	return !v || !*v || lw_ch_add_str(o, k, v, PD_TEXT_MAX);
}

/* payload.custom_details: everything the notice knows, by name. */
static bool details(cJSON *d, const struct lw_notice_batch *b,
		    const struct lw_notice *n)
{
	char ts[32];
	return lw_ch_add_str(d, "notice", lw_notice_kind_name(n->kind), 32) &&
		lw_ch_add_str(d, "status", lw_status_name(n->status), 16) &&
		add_opt(d, "dataset", n->dataset) && add_opt(d, "check", n->check) &&
		add_opt(d, "source", n->source) && add_opt(d, "layer", n->layer) &&
		add_opt(d, "consumers", n->consumers) &&
		add_opt(d, "description", n->description) &&
		add_opt(d, "value", n->value) &&
		add_opt(d, "threshold", n->threshold) &&
		add_opt(d, "root", n->root) &&
		add_opt(d, "config", b->config_name) &&
		add_opt(d, "route", b->route) &&
		(!n->opened || cJSON_AddStringToObject(d, "opened",
				lw_time_fmt(n->opened, ts, sizeof ts)));
}

/* One event; action "trigger" or "resolve" (which carries no payload). */
static cJSON *event_json(const struct pd *p, const struct lw_notice_batch *b,
			 const struct lw_notice *n, const char *action)
{
	char ts[32];
	char *dk = dedup_key(b, n);
	cJSON *ev = cJSON_CreateObject();
	bool ok = ev && cJSON_AddStringToObject(ev, "routing_key", p->key) &&
		cJSON_AddStringToObject(ev, "event_action", action) &&
		cJSON_AddStringToObject(ev, "dedup_key", dk) &&
		cJSON_AddStringToObject(ev, "client", "lakewatch");
	free(dk);
	if (ok && strcmp(action, "trigger") == 0) {
		cJSON *pl = cJSON_AddObjectToObject(ev, "payload");
		const char *src = p->source ? p->source :
			b->config_name && *b->config_name ? b->config_name :
			"lakewatch";
		const char *sum = n->summary && *n->summary ? n->summary :
			n->dataset ? n->dataset : "lakewatch";
		ok = pl && lw_ch_add_str(pl, "summary", sum, PD_SUMMARY_MAX) &&
			lw_ch_add_str(pl, "source", src, PD_TEXT_MAX) &&
			cJSON_AddStringToObject(pl, "severity",
						lw_ch_severity(n->status)) &&
			cJSON_AddStringToObject(pl, "timestamp",
				lw_time_fmt(n->at ? n->at : lw_now(), ts,
					    sizeof ts)) &&
			add_opt(pl, "component", n->dataset) &&
			add_opt(pl, "group", n->source) &&
			add_opt(pl, "class", n->check);
		cJSON *d = ok ? cJSON_AddObjectToObject(pl, "custom_details") : NULL;
		ok = d && details(d, b, n);
	}
	if (!ok) {
		cJSON_Delete(ev);
		return NULL;
	}
	return ev;
}

/* Adds one request for n's event to r[*k]. */
static int add_event(const struct pd *p, const struct lw_notice_batch *b,
		     const struct lw_notice *n, const char *action,
		     struct lw_notify_req *r, size_t *k)
{
	cJSON *ev = event_json(p, b, n, action);
	int rc = ev ? lw_ch_req_json(&r[*k], p->url, ev) : LW_ENOMEM;
	cJSON_Delete(ev);
	(*k)++;			/* freed with the rest on failure */
	return rc;
}

static int pd_render(const void *state, const struct lw_notice_batch *b,
		     struct lw_notify_req **reqs, size_t *nreqs,
		     struct lw_err *err)
{
	const struct pd *p = state;
	/* a test is a trigger and its resolve: nobody is left paged */
	struct lw_notify_req *r = lw_xcalloc(2 * b->n + 1, sizeof *r);
	size_t k = 0;
	int rc = LW_OK;
	for (size_t i = 0; rc == LW_OK && i < b->n; i++) {
		const struct lw_notice *n = &b->v[i];
		bool resolve = n->kind == LW_NOTICE_RESOLVED;
		rc = add_event(p, b, n, resolve ? "resolve" : "trigger", r, &k);
		if (rc == LW_OK && n->kind == LW_NOTICE_TEST)
			rc = add_event(p, b, n, "resolve", r, &k);
	}
	if (rc != LW_OK) {
		lw_ch_reqs_free(r, k);
		return lw_err_set(err, rc, "pagerduty: cannot build the events "
				  "of route \"%s\"", b->route);
	}
	*reqs = r;
	*nreqs = k;
	return LW_OK;
}

/* 202 delivered; 400 "invalid event" rejected; 429 (the rate limit) and
 * 5xx retried. */
static enum lw_deliver pd_classify(const void *state, long status,
				   const char *body, size_t len)
{
	(void)state, (void)body, (void)len;
	return lw_ch_classify_http(status);
}

const struct lw_channel_kind lw_ch_pagerduty = {
	.name = "pagerduty",
	.parse = pd_parse,
	.free = pd_free,
	.render = pd_render,
	.classify = pd_classify,
	.min_interval_ms = 0,
};
