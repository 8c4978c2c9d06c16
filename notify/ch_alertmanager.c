/* ch_alertmanager.c - the "alertmanager" channel: Alertmanager API v2,
 * POST /api/v2/alerts with an array of postable alerts (labels,
 * annotations, startsAt, endsAt), one request per batch.
 *
 * Alertmanager knows an alert by its label set. The severity label is in
 * it, so a severity change is a different alert: an escalated notice also
 * ends the lower severities the incident may have fired with, and a
 * resolved notice ends the severity it carries (every severity when it
 * carries PASS). Firing alerts go without endsAt: Alertmanager then ends
 * them resolve_timeout (default 5m) after the last post, so the sender
 * re-posts open incidents while they fire (docs/notify-channels.md).
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "lakewatch/cfgctx.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "ch_util.h"

#define AM_PATH "/api/v2/alerts"
#define AM_LABEL_MAX 1024	/* bytes of one label value */
#define AM_TEXT_MAX 4096	/* bytes of one annotation */
#define AM_TEST_SECS 300	/* a test alert ends itself after 5 min */

struct am {
	char *url;		/* ends in /api/v2/alerts; a secret */
	char *auth;		/* "Authorization: ..." or NULL; a secret */
	char *alertname;
	cJSON *labels;		/* the static labels, owned */
};

/* The labels lakewatch sets itself; static labels may not take them. */
static const char *const own_labels[] = {
	"alertname", "dataset", "check", "source", "layer", "consumer",
	"severity", "lakewatch_config", NULL,
};

static void am_free(void *state)
{
	struct am *a = state;
	if (!a)
		return;
	lw_secret_free(a->url);
	lw_secret_free(a->auth);
	free(a->alertname);
	cJSON_Delete(a->labels);
	free(a);
}

/* Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*, "__" reserved. */
static bool label_name_ok(const char *s)
{
	if (!*s || (s[0] >= '0' && s[0] <= '9') || lw_str_starts(s, "__"))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static int parse_labels(struct lw_cfgctx *cc, const cJSON *obj, struct am *a)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(obj, "labels");
	a->labels = cJSON_CreateObject();
	if (!l)
		return LW_OK;
	if (!cJSON_IsObject(l))
		return lw_cfg_error(cc, l, "alertmanager: \"labels\" must be an "
				    "object of label names to strings");
	const cJSON *it;
	cJSON_ArrayForEach(it, l) {
		if (!label_name_ok(it->string))
			return lw_cfg_error(cc, it, "alertmanager: label name "
					    "'%s' is not [a-zA-Z_][a-zA-Z0-9_]* "
					    "(or starts with __)", it->string);
		for (size_t i = 0; own_labels[i]; i++)
			if (strcmp(own_labels[i], it->string) == 0)
				return lw_cfg_error(cc, it, "alertmanager: label "
						    "'%s' is set by lakewatch",
						    it->string);
		if (!cJSON_IsString(it) || !*it->valuestring)
			return lw_cfg_error(cc, it, "alertmanager: label '%s' "
					    "must be a non-empty string",
					    it->string);
		lw_ch_add_str(a->labels, it->string, it->valuestring,
			      AM_LABEL_MAX);
	}
	return LW_OK;
}

/* "Authorization: Basic base64(user:password)" or "... Bearer token";
 * the header is registered as a secret (its base64 form is not the
 * password the config gave). */
static int parse_auth(struct lw_cfgctx *cc, const cJSON *obj, struct am *a)
{
	static const char *const bkeys[] = {"username", "password", NULL};
	const cJSON *ba = cJSON_GetObjectItemCaseSensitive(obj, "basic_auth");
	char *token = NULL;
	if (lw_cfg_secret(cc, obj, "bearer_token", false, &token))
		return LW_ECONFIG;
	if (ba && token) {
		lw_secret_free(token);
		return lw_cfg_error(cc, ba, "alertmanager: give \"basic_auth\" "
				    "or \"bearer_token\", not both");
	}
	if (token) {
		a->auth = lw_xasprintf("Authorization: Bearer %s", token);
		lw_secret_free(token);
	} else if (ba) {
		const char *user = NULL;
		char *pw = NULL;
		if (!cJSON_IsObject(ba))
			return lw_cfg_error(cc, ba, "alertmanager: \"basic_auth\" "
					    "must be {\"username\", \"password\"}");
		if (lw_cfg_keys(cc, ba, "basic_auth", bkeys) ||
		    lw_cfg_str(cc, ba, "username", true, &user) ||
		    lw_cfg_secret(cc, ba, "password", true, &pw))
			return LW_ECONFIG;
		char *up = lw_xasprintf("%s:%s", user, pw);
		size_t n = strlen(up);
		unsigned char *b64 = lw_xmalloc((n + 2) / 3 * 4 + 1);
		EVP_EncodeBlock(b64, (const unsigned char *)up, (int)n);
		lw_secret_register((char *)b64);
		a->auth = lw_xasprintf("Authorization: Basic %s", b64);
		lw_secret_free(up);
		lw_secret_free((char *)b64);
		lw_secret_free(pw);
	}
	if (a->auth)
		lw_secret_register(a->auth);
	return LW_OK;
}

static int am_parse(const cJSON *obj, struct lw_cfgctx *cc, void **state)
{
	static const char *const keys[] = {LW_CH_COMMON_KEYS, "url",
		"basic_auth", "bearer_token", "labels", "alertname",
		"allow_insecure_http", NULL};
	bool insecure = false;
	const char *alertname = "LakewatchCheck";
	char *url = NULL;
	if (lw_cfg_keys(cc, obj, "alertmanager channel", keys) ||
	    lw_cfg_bool(cc, obj, "allow_insecure_http", false, &insecure) ||
	    lw_cfg_str(cc, obj, "alertname", false, &alertname) ||
	    lw_ch_cfg_url(cc, obj, "url", true, insecure, "alertmanager",
			  &url))
		return LW_ECONFIG;
	struct am *a = lw_xcalloc(1, sizeof *a);
	size_t n = strlen(url);
	while (n && url[n - 1] == '/')
		url[--n] = '\0';
	a->url = lw_str_ends(url, AM_PATH) ? lw_xstrdup(url)
					   : lw_xasprintf("%s%s", url, AM_PATH);
	lw_secret_register(a->url);
	lw_secret_free(url);
	a->alertname = lw_xstrdup(alertname);
	if (!*alertname)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(obj, "alertname"),
			     "alertmanager: \"alertname\" may not be empty");
	if (!*alertname || parse_labels(cc, obj, a) || parse_auth(cc, obj, a)) {
		am_free(a);
		return LW_ECONFIG;
	}
	*state = a;
	return LW_OK;
}

static bool add_label(cJSON *labels, const char *k, const char *v)
{
	if (!v || !*v)		/* an empty label is no label */
		return true;
	return lw_ch_add_str(labels, k, v, AM_LABEL_MAX);
}

/* One postable alert for n at severity st; ends (epoch) is 0 for firing. */
static cJSON *alert_json(const struct am *a, const struct lw_notice_batch *b,
			 const struct lw_notice *n, enum lw_status st,
			 int64_t ends)
{
	char ts[32];
	cJSON *al = cJSON_CreateObject();
	cJSON *lab = cJSON_AddObjectToObject(al, "labels");
	cJSON *ann = cJSON_AddObjectToObject(al, "annotations");
	bool ok = lab && ann && add_label(lab, "alertname", a->alertname) &&
		add_label(lab, "dataset", n->dataset) &&
		add_label(lab, "check", n->check) &&
		add_label(lab, "source", n->source) &&
		add_label(lab, "layer", n->layer) &&
		add_label(lab, "consumer", n->consumers) &&
		add_label(lab, "severity", lw_ch_severity(st)) &&
		add_label(lab, "lakewatch_config", b->config_name);
	const cJSON *it;
	cJSON_ArrayForEach(it, a->labels)
		ok = ok && cJSON_AddStringToObject(lab, it->string,
						   it->valuestring);
	ok = ok && lw_ch_add_str(ann, "summary", n->summary, AM_TEXT_MAX) &&
		lw_ch_add_str(ann, "description", n->description, AM_TEXT_MAX) &&
		(!n->value || lw_ch_add_str(ann, "value", n->value, AM_TEXT_MAX)) &&
		(!n->threshold || lw_ch_add_str(ann, "threshold", n->threshold,
						AM_TEXT_MAX)) &&
		(!n->root || lw_ch_add_str(ann, "root", n->root, AM_TEXT_MAX)) &&
		(!n->dedup_key || lw_ch_add_str(ann, "dedup_key", n->dedup_key,
						AM_TEXT_MAX)) &&
		lw_ch_add_str(ann, "notice", lw_notice_kind_name(n->kind), 32);
	int64_t starts = n->opened ? n->opened : n->at;
	ok = ok && cJSON_AddStringToObject(al, "startsAt",
				lw_time_fmt(starts, ts, sizeof ts));
	if (ends)
		ok = ok && cJSON_AddStringToObject(al, "endsAt",
				lw_time_fmt(ends < starts ? starts : ends, ts,
					    sizeof ts));
	if (!ok) {
		cJSON_Delete(al);
		return NULL;
	}
	return al;
}

/* The alerts of one notice (see the top: what each kind ends). */
static bool notice_alerts(const struct am *a, const struct lw_notice_batch *b,
			  const struct lw_notice *n, cJSON *arr)
{
	int64_t at = n->at ? n->at : lw_now();
	enum lw_status lo = LW_WARN, hi = LW_ERROR;
	switch (n->kind) {
	case LW_NOTICE_RESOLVED:
		if (n->status != LW_PASS)
			lo = hi = n->status;
		for (int s = lo; s <= (int)hi; s++)
			if (!cJSON_AddItemToArray(arr, alert_json(a, b, n, s,
					n->resolved ? n->resolved : at)))
				return false;
		return true;
	case LW_NOTICE_ESCALATED:
		for (int s = LW_WARN; s < (int)n->status; s++)
			if (!cJSON_AddItemToArray(arr, alert_json(a, b, n, s, at)))
				return false;
		break;
	case LW_NOTICE_TEST:
		return cJSON_AddItemToArray(arr, alert_json(a, b, n, n->status,
						at + AM_TEST_SECS));
	case LW_NOTICE_OPENED:
	case LW_NOTICE_REMINDER:
		break;
	}
	return cJSON_AddItemToArray(arr, alert_json(a, b, n, n->status, 0));
}

static int am_render(const void *state, const struct lw_notice_batch *b,
		     struct lw_notify_req **reqs, size_t *nreqs,
		     struct lw_err *err)
{
	const struct am *a = state;
	cJSON *arr = cJSON_CreateArray();
	bool ok = arr != NULL;
	for (size_t i = 0; ok && i < b->n; i++)
		ok = notice_alerts(a, b, &b->v[i], arr);
	struct lw_notify_req *r = lw_xcalloc(1, sizeof *r);
	int rc = ok ? lw_ch_req_json(r, a->url, arr) : LW_ENOMEM;
	if (rc == LW_OK && a->auth)
		rc = lw_ch_req_header(r, a->auth);
	cJSON_Delete(arr);
	if (rc != LW_OK) {
		lw_ch_reqs_free(r, 1);
		return lw_err_set(err, rc, "alertmanager: cannot build the "
				  "alerts of route \"%s\"", b->route);
	}
	*reqs = r;
	*nreqs = 1;
	return LW_OK;
}

/* 200 is the one success; 400 (a bad alert) is never taken on a retry. */
static enum lw_deliver am_classify(const void *state, long status,
				   const char *body, size_t len)
{
	(void)state, (void)body, (void)len;
	return lw_ch_classify_http(status);
}

const struct lw_channel_kind lw_ch_alertmanager = {
	.name = "alertmanager",
	.parse = am_parse,
	.free = am_free,
	.render = am_render,
	.classify = am_classify,
	.min_interval_ms = 0,
	.repost_s = 60,		/* Prometheus' resend delay; < resolve_timeout */
};
