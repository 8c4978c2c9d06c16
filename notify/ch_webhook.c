/* ch_webhook.c - the generic webhook: one POST of a documented JSON
 * payload per batch (docs/notify.md), optionally signed with
 * HMAC-SHA256 over "<timestamp>.<body>".
 *
 *   {"type": "webhook", "url": {"env": "HOOK_URL"},
 *    "secret": {"file": "/run/secrets/hook"},	// optional: signs
 *    "allow_insecure_http": false}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "lakewatch/notify.h"
#include "lakewatch/http.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

struct webhook {
	char *url;	/* owned, secret */
	char *key;	/* owned, secret; NULL: unsigned */
};

static void wh_free(void *p)
{
	struct webhook *w = p;
	if (!w)
		return;
	lw_secret_free(w->url);
	lw_secret_free(w->key);
	free(w);
}

/* *state is the channel's (wh_free). */
static int wh_parse(const cJSON *obj, struct lw_cfgctx *cc, void **state)
{
	static const char *const keys[] = {"url", "secret",
					   "allow_insecure_http", NULL};
	char what[200];
	bool insecure = false;
	if (lw_cfg_keys(cc, obj, "webhook channel", keys))
		return LW_ECONFIG;
	struct webhook *w = lw_xcalloc(1, sizeof *w);
	int rc = lw_cfg_secret(cc, obj, "url", true, &w->url);
	if (rc == LW_OK)
		lw_notify_secret_url(w->url);
	if (rc == LW_OK)
		rc = lw_cfg_secret(cc, obj, "secret", false, &w->key);
	if (rc == LW_OK)
		rc = lw_cfg_bool(cc, obj, "allow_insecure_http", false,
				 &insecure);
	snprintf(what, sizeof what, "channel \"%s\": \"url\"", obj->string);
	if (rc == LW_OK && strncmp(w->url, "https://", 8) &&
	    strncmp(w->url, "http://", 7))
		rc = lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(obj,
				  "url"), "%s must be an http(s):// URL", what);
	if (rc == LW_OK)
		rc = lw_http_cfg_secure(cc, cJSON_GetObjectItemCaseSensitive(
					obj, "url"), what, w->url, insecure);
	if (rc == LW_OK && w->key && strlen(w->key) < 16)
		rc = lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(obj,
				  "secret"), "channel \"%s\": \"secret\" must be "
				  "at least 16 characters", obj->string);
	if (rc != LW_OK) {
		wh_free(w);
		return rc;
	}
	*state = w;
	return LW_OK;
}

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void add_time(cJSON *o, const char *k, int64_t t)
{
	if (t > 0)
		cJSON_AddNumberToObject(o, k, (double)t);
	else
		cJSON_AddNullToObject(o, k);
}

/* consumers "a, b" as a list. */
static cJSON *consumer_list(const char *s)
{
	cJSON *a = cJSON_CreateArray();
	while (s && *s) {
		const char *e = strstr(s, ", ");
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *one = lw_xstrndup(s, n);
		cJSON_AddItemToArray(a, cJSON_CreateString(one));
		free(one);
		s = e ? e + 2 : NULL;
	}
	return a;
}

/* The payload (docs/notify.md); caller frees (cJSON_Delete). */
static cJSON *payload(const struct lw_notice_batch *b, int64_t now)
{
	cJSON *root = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	cJSON_AddNumberToObject(root, "version", 1);
	add_str(root, "config", b->config_name);
	add_str(root, "route", b->route);
	cJSON_AddNumberToObject(root, "sent_at", (double)now);
	for (size_t i = 0; i < b->n; i++) {
		const struct lw_notice *n = &b->v[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", lw_notice_kind_name(n->kind));
		cJSON_AddNumberToObject(o, "incident", (double)n->incident);
		add_str(o, "dedup_key", n->dedup_key);
		add_str(o, "dataset", n->dataset);
		add_str(o, "check", n->check);
		add_str(o, "source", n->source);
		add_str(o, "layer", n->layer);
		cJSON_AddItemToObject(o, "consumers",
				      consumer_list(n->consumers));
		cJSON_AddStringToObject(o, "status", lw_status_name(n->status));
		add_str(o, "summary", n->summary);
		add_str(o, "description", n->description);
		add_str(o, "value", n->value);
		add_str(o, "threshold", n->threshold);
		add_str(o, "root", n->root);
		add_time(o, "opened", n->opened);
		add_time(o, "at", n->at);
		add_time(o, "resolved", n->resolved);
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddItemToObject(root, "notices", arr);
	return root;
}

/* "sha256=<hex>" of HMAC(key, "<ts>.<body>") into out (80 bytes). */
static int sign(const char *key, const char *ts, const char *body,
		size_t len, char *out, size_t n)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mlen = 0;
	size_t tl = strlen(ts);
	char *msg = lw_xmalloc(tl + 1 + len);
	memcpy(msg, ts, tl);
	msg[tl] = '.';
	memcpy(msg + tl + 1, body, len);
	unsigned char *r = HMAC(EVP_sha256(), key, (int)strlen(key),
				(const unsigned char *)msg, tl + 1 + len, mac,
				&mlen);
	free(msg);
	if (!r || n < 8 + 2 * (size_t)mlen)
		return LW_EIO;
	strcpy(out, "sha256=");
	for (unsigned i = 0; i < mlen; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", mac[i]);
	return LW_OK;
}

/* *reqs is the caller's (lw_notify_req_free each, then free). */
static int wh_render(const void *state, const struct lw_notice_batch *b,
		     struct lw_notify_req **reqs, size_t *nreqs,
		     struct lw_err *err)
{
	const struct webhook *w = state;
	int64_t now = lw_now();
	cJSON *p = payload(b, now);
	char *body = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	if (!body)
		return lw_err_set(err, LW_ENOMEM, "webhook: out of memory");
	struct lw_notify_req *r = lw_xcalloc(1, sizeof *r);
	r->url = lw_xstrdup(w->url);
	r->body = lw_xstrdup(body);
	r->len = strlen(body);
	cJSON_free(body);
	char ts[32], sig[160];
	snprintf(ts, sizeof ts, "%lld", (long long)now);
	r->headers[r->nheaders++] = lw_xstrdup("Content-Type: "
					       "application/json");
	r->headers[r->nheaders++] = lw_xasprintf("X-Lakewatch-Timestamp: %s",
						 ts);
	if (w->key) {
		if (sign(w->key, ts, r->body, r->len, sig, sizeof sig)) {
			lw_notify_req_free(r);
			free(r);
			return lw_err_set(err, LW_EIO, "webhook: signing "
					  "failed");
		}
		r->headers[r->nheaders++] = lw_xasprintf(
			"X-Lakewatch-Signature: %s", sig);
	}
	*reqs = r;
	*nreqs = 1;
	return LW_OK;
}

/* 2xx taken; 408, 429, 5xx and no answer again later; other 4xx never. */
static enum lw_deliver wh_classify(const void *state, long status,
				   const char *body, size_t len)
{
	(void)state;
	(void)body;
	(void)len;
	if (status >= 200 && status < 300)
		return LW_DELIVERED;
	if (status == 0 || status == 408 || status == 429 || status >= 500)
		return LW_RETRY;
	return LW_REJECTED;
}

const struct lw_channel_kind lw_ch_webhook = {
	.name = "webhook",
	.parse = wh_parse,
	.free = wh_free,
	.render = wh_render,
	.classify = wh_classify,
	.min_interval_ms = 0,
};
