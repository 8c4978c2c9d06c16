/* test_channels.c - the alertmanager, pagerduty, teams and slack channel
 * kinds: configs, what they render for each batch of notices.h (parsed
 * back and held to each service's published contract: required fields,
 * types, sizes), what each answer means, and that secrets go nowhere but
 * where the contract puts them. */
#include "unit.h"
#include "notices.h"
#include "lakewatch/cfgctx.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "../../notify/ch_util.h"

#define PD_KEY "R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY32"	/* 32 characters */
#define HOOK "http://127.0.0.1:9/hook/T000/B000/s3cr3tHookPath"

struct chan {
	const struct lw_channel_kind *k;
	void *state;
	struct lw_cfgctx cc;
};

/* Parse cfg (JSON text) as a channel of kind; rc is what parse returned. */
static int chan_open(struct chan *c, const char *kind, const char *cfg)
{
	memset(c, 0, sizeof *c);
	c->k = lw_channel_kind_find(kind);
	assert_non_null(c->k);
	cJSON *obj = cJSON_Parse(cfg);
	assert_non_null(obj);
	lw_cfgctx_init(&c->cc, "test.jsonc", NULL);
	int rc = c->k->parse(obj, &c->cc, &c->state);
	cJSON_Delete(obj);
	return rc;
}

static void chan_close(struct chan *c)
{
	if (c->state)
		c->k->free(c->state);
	lw_cfgctx_free(&c->cc);
}

/* A config error's text, for asserts (empty when none). */
static const char *errors(const struct chan *c)
{
	return c->cc.errors.data ? c->cc.errors.data : "";
}

static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 :
			(*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
		if (!n)
			return false;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

/* Render fixture `which` through c: *reqs, *n; every body valid UTF-8
 * JSON with the JSON content type and the secret hook path only in the
 * URL. Returns the first body parsed (caller deletes). */
static cJSON *render(struct chan *c, const char *which,
		     struct lw_notify_req **reqs, size_t *n)
{
	struct lwt_batch t;
	struct lw_err err;
	assert_true(lwt_make(&t, which));
	assert_int_equal(c->k->render(c->state, &t.b, reqs, n, &err), LW_OK);
	lwt_free(&t);
	cJSON *first = NULL;
	for (size_t i = 0; i < *n; i++) {
		struct lw_notify_req *r = &(*reqs)[i];
		assert_non_null(r->url);
		assert_int_equal(r->len, strlen(r->body));
		assert_true(valid_utf8(r->body));
		assert_null(strstr(r->body, "s3cr3tHookPath"));
		assert_null(strstr(r->body, "127.0.0.1:9"));
		assert_string_equal(r->headers[0], "Content-Type: application/json");
		cJSON *j = cJSON_Parse(r->body);
		assert_non_null(j);
		if (!first)
			first = j;
		else
			cJSON_Delete(j);
	}
	return first;
}

static const char *str_at(const cJSON *o, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	const cJSON *it = o;
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && it;
	     k = strtok_r(NULL, ".", &save))
		it = cJSON_IsArray(it) ? cJSON_GetArrayItem(it, atoi(k))
				       : cJSON_GetObjectItemCaseSensitive(it, k);
	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static const cJSON *at(const cJSON *o, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	const cJSON *it = o;
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && it;
	     k = strtok_r(NULL, ".", &save))
		it = cJSON_IsArray(it) ? cJSON_GetArrayItem(it, atoi(k))
				       : cJSON_GetObjectItemCaseSensitive(it, k);
	return it;
}

/* --- shared helpers ------------------------------------------------------ */

static void registry(void **st)
{
	(void)st;
	const char *names[] = {"alertmanager", "pagerduty", "slack", "teams"};
	for (size_t i = 0; i < 4; i++) {
		const struct lw_channel_kind *k = lw_channel_kind_find(names[i]);
		assert_non_null(k);
		assert_string_equal(k->name, names[i]);
		assert_non_null(k->parse);
		assert_non_null(k->render);
		assert_non_null(k->classify);
		assert_non_null(k->free);
	}
	assert_null(lw_channel_kind_find("email"));
	size_t n = 0;
	for (const struct lw_channel_kind *const *k = lw_channel_kinds(); *k; k++)
		n++;
	assert_true(n >= 4);
	assert_int_equal(lw_channel_kind_find("slack")->min_interval_ms, 1000);
	assert_int_equal(lw_channel_kind_find("alertmanager")->repost_s, 60);
	assert_int_equal(lw_channel_kind_find("pagerduty")->repost_s, 0);
}

static void clip(void **st)
{
	(void)st;
	char *s = lw_ch_clip("short", 10, false);
	assert_string_equal(s, "short");
	free(s);
	s = lw_ch_clip("0123456789abc", 10, false);	/* 7 + "…" */
	assert_string_equal(s, "0123456\xE2\x80\xA6");
	free(s);
	s = lw_ch_clip("ééééé", 8, false);	/* never half a character */
	assert_string_equal(s, "éé\xE2\x80\xA6");
	assert_true(strlen(s) <= 8);
	free(s);
	s = lw_ch_clip("a\xff" "b\xe2\x82", 64, false);
	assert_string_equal(s, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD");
	free(s);
	s = lw_ch_clip("<!channel> & <@U1>", 64, true);
	assert_string_equal(s, "&lt;!channel&gt; &amp; &lt;@U1&gt;");
	free(s);
	s = lw_ch_clip("&&&&&&", 12, true);	/* no entity cut in half */
	assert_string_equal(s, "&amp;\xE2\x80\xA6");
	free(s);
	s = lw_ch_clip(NULL, 8, false);
	assert_string_equal(s, "");
	free(s);
	char title[256];
	struct lwt_batch t;
	lwt_make(&t, "cascade");
	t.v[2].kind = LW_NOTICE_RESOLVED;
	assert_string_equal(lw_ch_title(&t.b, title, sizeof title),
			    "lakewatch demo: 2 opened, 1 resolved");
	char age[64];
	assert_string_equal(lw_ch_age(&t.v[0], age, sizeof age), "open for 10m");
	assert_string_equal(lw_ch_severity(LW_WARN), "warning");
	assert_string_equal(lw_ch_severity(LW_FAIL), "critical");
	assert_string_equal(lw_ch_severity(LW_ERROR), "error");
	assert_string_equal(lw_ch_severity(LW_PASS), "info");
}

/* --- alertmanager ---------------------------------------------------------- */

#define AM_CFG "{\"type\": \"alertmanager\", \"url\": \"http://127.0.0.1:9093/\"," \
	" \"labels\": {\"team\": \"data\"}, \"basic_auth\": {\"username\": \"lw\"," \
	" \"password\": \"am-password-1234\"}}"

static const cJSON *am_alert(const cJSON *arr, const char *dataset,
			     const char *severity)
{
	const cJSON *a;
	cJSON_ArrayForEach(a, arr)
		if (strcmp(str_at(a, "labels.dataset"), dataset) == 0 &&
		    strcmp(str_at(a, "labels.severity"), severity) == 0)
			return a;
	return NULL;
}

/* Every postable alert: labels a non-empty object of valid names with
 * string values, annotations strings, startsAt (and endsAt) RFC 3339. */
static void am_contract(const cJSON *arr)
{
	assert_true(cJSON_IsArray(arr));
	const cJSON *a, *l;
	cJSON_ArrayForEach(a, arr) {
		const cJSON *labels = at(a, "labels");
		assert_true(cJSON_IsObject(labels));
		assert_true(cJSON_GetArraySize(labels) > 0);
		cJSON_ArrayForEach(l, labels) {
			assert_true(cJSON_IsString(l));
			for (const char *p = l->string; *p; p++)
				assert_true(*p == '_' || (*p >= 'a' && *p <= 'z') ||
					    (*p >= 'A' && *p <= 'Z') ||
					    (p > l->string && *p >= '0' && *p <= '9'));
		}
		cJSON_ArrayForEach(l, at(a, "annotations"))
			assert_true(cJSON_IsString(l));
		int64_t t;
		assert_int_equal(lw_time_parse(str_at(a, "startsAt"), &t), LW_OK);
		if (at(a, "endsAt"))
			assert_int_equal(lw_time_parse(str_at(a, "endsAt"), &t), LW_OK);
		assert_string_equal(str_at(a, "labels.alertname"), "LakewatchCheck");
		assert_string_equal(str_at(a, "labels.lakewatch_config"), "demo");
		assert_string_equal(str_at(a, "labels.team"), "data");
	}
}

static void am_render(void **st)
{
	(void)st;
	struct chan c;
	struct lw_notify_req *r;
	size_t n;
	assert_int_equal(chan_open(&c, "alertmanager", AM_CFG), LW_OK);
	cJSON *j = render(&c, "opened", &r, &n);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].url, "http://127.0.0.1:9093/api/v2/alerts");
	assert_int_equal(r[0].nheaders, 2);	/* base64("lw:am-password-1234") */
	assert_string_equal(r[0].headers[1],
			    "Authorization: Basic bHc6YW0tcGFzc3dvcmQtMTIzNA==");
	am_contract(j);
	assert_int_equal(cJSON_GetArraySize(j), 1);
	const cJSON *a = cJSON_GetArrayItem(j, 0);
	assert_string_equal(str_at(a, "labels.dataset"), "gold.sales_daily");
	assert_string_equal(str_at(a, "labels.check"), "freshness");
	assert_string_equal(str_at(a, "labels.source"), "pos");
	assert_string_equal(str_at(a, "labels.layer"), "gold");
	assert_string_equal(str_at(a, "labels.consumer"), "finance, exec-dashboard");
	assert_string_equal(str_at(a, "labels.severity"), "critical");
	assert_string_equal(str_at(a, "annotations.summary"),
			    "gold.sales_daily freshness FAIL: 7h old");
	assert_string_equal(str_at(a, "annotations.value"), "7h");
	assert_string_equal(str_at(a, "annotations.threshold"), "6h");
	assert_null(at(a, "annotations.root"));
	assert_string_equal(str_at(a, "startsAt"), "2026-11-24T06:00:00Z");
	assert_null(at(a, "endsAt"));		/* firing: re-posted */
	/* the auth header's base64 is itself a registered secret */
	char msg[128] = "sent bHc6YW0tcGFzc3dvcmQtMTIzNA== there";
	lw_redact(msg);
	assert_null(strstr(msg, "bHc6"));
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);

	j = render(&c, "resolved", &r, &n);	/* PASS: every severity ends */
	am_contract(j);
	assert_int_equal(cJSON_GetArraySize(j), 3);
	a = am_alert(j, "gold.sales_daily", "critical");
	assert_non_null(a);
	assert_string_equal(str_at(a, "endsAt"), "2026-11-24T07:00:00Z");
	assert_string_equal(str_at(a, "startsAt"), "2026-11-24T06:00:00Z");
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);

	j = render(&c, "escalated", &r, &n);	/* to ERROR: ends the lower two */
	am_contract(j);
	assert_int_equal(cJSON_GetArraySize(j), 3);
	assert_null(at(am_alert(j, "gold.sales_daily", "error"), "endsAt"));
	assert_non_null(at(am_alert(j, "gold.sales_daily", "warning"), "endsAt"));
	assert_non_null(at(am_alert(j, "gold.sales_daily", "critical"), "endsAt"));
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);

	j = render(&c, "cascade", &r, &n);	/* one request for the batch */
	assert_int_equal(n, 1);
	am_contract(j);
	assert_int_equal(cJSON_GetArraySize(j), 3);
	assert_non_null(am_alert(j, "bronze.pos_raw", "warning"));
	a = am_alert(j, "gold.sales_daily", "critical");
	assert_string_equal(str_at(a, "annotations.root"), "bronze.pos_raw is stale");
	assert_string_equal(str_at(a, "labels.layer"), "gold");
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);
	chan_close(&c);
}

static void am_resolved_worst(void **st)
{
	(void)st;
	struct chan c;
	struct lw_notify_req *r;
	size_t n;
	struct lw_err err;
	struct lwt_batch t;
	assert_int_equal(chan_open(&c, "alertmanager", AM_CFG), LW_OK);
	lwt_make(&t, "resolved");
	t.v[0].status = LW_FAIL;	/* the severity it fired with */
	assert_int_equal(c.k->render(c.state, &t.b, &r, &n, &err), LW_OK);
	cJSON *j = cJSON_Parse(r[0].body);
	assert_int_equal(cJSON_GetArraySize(j), 1);
	assert_string_equal(str_at(j, "0.labels.severity"), "critical");
	assert_string_equal(str_at(j, "0.endsAt"), "2026-11-24T07:00:00Z");
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);
	lwt_make(&t, "test");		/* a test alert ends itself */
	assert_int_equal(c.k->render(c.state, &t.b, &r, &n, &err), LW_OK);
	j = cJSON_Parse(r[0].body);
	assert_string_equal(str_at(j, "0.labels.severity"), "info");
	assert_string_equal(str_at(j, "0.endsAt"), "2026-11-24T06:05:00Z");
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);
	chan_close(&c);
}

static void am_hostile_long(void **st)
{
	(void)st;
	struct chan c;
	struct lw_notify_req *r;
	size_t n;
	assert_int_equal(chan_open(&c, "alertmanager", AM_CFG), LW_OK);
	cJSON *j = render(&c, "hostile", &r, &n);
	am_contract(j);
	assert_string_equal(str_at(j, "0.labels.dataset"),
			    "gold.\"quoted\"\\back\nline <!channel>");
	assert_non_null(strstr(str_at(j, "0.annotations.summary"), "Zürich ✓ 日本"));
	assert_non_null(strstr(str_at(j, "0.annotations.description"),
			       "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes"));
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);
	j = render(&c, "long", &r, &n);
	am_contract(j);
	assert_true(strlen(str_at(j, "0.annotations.description")) <= 4096);
	assert_true(strlen(str_at(j, "0.annotations.summary")) <= 4096);
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);
	chan_close(&c);
}

static void am_config(void **st)
{
	(void)st;
	struct chan c;
	assert_int_equal(chan_open(&c, "alertmanager", "{\"url\": "
		"\"http://am.example.com:9093\"}"), LW_ECONFIG);
	assert_non_null(strstr(errors(&c), "plain http://"));
	chan_close(&c);
	assert_int_equal(chan_open(&c, "alertmanager", "{\"url\": "
		"\"https://am.example.com\", \"labels\": {\"severity\": \"x\"}}"),
		LW_ECONFIG);
	assert_non_null(strstr(errors(&c), "label 'severity' is set by lakewatch"));
	chan_close(&c);
	assert_int_equal(chan_open(&c, "alertmanager", "{\"url\": "
		"\"https://am.example.com\", \"labels\": {\"1bad\": \"x\"}}"),
		LW_ECONFIG);
	assert_non_null(strstr(errors(&c), "'1bad'"));
	chan_close(&c);
	assert_int_equal(chan_open(&c, "alertmanager", "{\"url\": "
		"\"https://am.example.com\", \"bearer_token\": \"tok-abcdefgh-1\","
		" \"basic_auth\": {\"username\": \"u\", \"password\": \"p\"}}"),
		LW_ECONFIG);
	assert_non_null(strstr(errors(&c), "not both"));
	assert_null(strstr(errors(&c), "tok-abcdefgh-1"));
	chan_close(&c);
	assert_int_equal(chan_open(&c, "alertmanager", "{\"url\": "
		"\"https://am.example.com\", \"lables\": {}}"), LW_ECONFIG);
	assert_non_null(strstr(errors(&c), "unknown key \"lables\""));
	chan_close(&c);
	assert_int_equal(chan_open(&c, "alertmanager", "{\"url\": "
		"\"ftp://am.example.com\"}"), LW_ECONFIG);
	assert_non_null(strstr(errors(&c), "http:// or https://"));
	chan_close(&c);
	/* a secret URL from the environment, and a bearer token */
	setenv("LW_TEST_AM_URL", "https://am.example.com/api/v2/alerts", 1);
	assert_int_equal(chan_open(&c, "alertmanager", "{\"url\": {\"env\": "
		"\"LW_TEST_AM_URL\"}, \"bearer_token\": \"tok-abcdefgh-2\"}"), LW_OK);
	struct lw_notify_req *r;
	size_t n;
	cJSON *j = render(&c, "opened", &r, &n);
	assert_string_equal(r[0].url, "https://am.example.com/api/v2/alerts");
	assert_string_equal(r[0].headers[1], "Authorization: Bearer tok-abcdefgh-2");
	assert_null(strstr(r[0].body, "tok-abcdefgh-2"));
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);
	chan_close(&c);
}

/* --- pagerduty -------------------------------------------------------------- */

#define PD_CFG "{\"type\": \"pagerduty\", \"routing_key\": \"" PD_KEY "\"," \
	" \"url\": \"http://127.0.0.1:9/v2/enqueue\"}"

/* An Events v2 event: routing_key (32), event_action, dedup_key (<= 255);
 * a trigger's payload has summary (<= 1024), source, a severity of the
 * enum, an ISO 8601 timestamp. */
static void pd_contract(const cJSON *ev)
{
	assert_string_equal(str_at(ev, "routing_key"), PD_KEY);
	const char *act = str_at(ev, "event_action");
	assert_non_null(act);
	assert_true(strcmp(act, "trigger") == 0 || strcmp(act, "resolve") == 0);
	const char *dk = str_at(ev, "dedup_key");
	assert_non_null(dk);
	assert_true(strlen(dk) > 0 && strlen(dk) <= 255);
	if (strcmp(act, "resolve") == 0) {
		assert_null(at(ev, "payload"));
		return;
	}
	const char *sum = str_at(ev, "payload.summary");
	assert_non_null(sum);
	assert_true(strlen(sum) <= 1024);
	assert_non_null(str_at(ev, "payload.source"));
	const char *sev = str_at(ev, "payload.severity");
	assert_non_null(sev);
	assert_true(strcmp(sev, "critical") == 0 || strcmp(sev, "error") == 0 ||
		    strcmp(sev, "warning") == 0 || strcmp(sev, "info") == 0);
	int64_t t;
	assert_int_equal(lw_time_parse(str_at(ev, "payload.timestamp"), &t), LW_OK);
	assert_true(cJSON_IsObject(at(ev, "payload.custom_details")));
}

/* Each request's event, checked; returns the events as an array. */
static cJSON *pd_events(struct lw_notify_req *r, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(r[i].url, "http://127.0.0.1:9/v2/enqueue");
		cJSON *ev = cJSON_Parse(r[i].body);
		pd_contract(ev);
		/* the key is in the body once: at routing_key, where the
		 * contract puts it */
		const char *p = strstr(r[i].body, PD_KEY);
		assert_non_null(p);
		assert_null(strstr(p + 1, PD_KEY));
		cJSON_AddItemToArray(arr, ev);
	}
	return arr;
}

static void pd_render(void **st)
{
	(void)st;
	struct chan c;
	struct lw_notify_req *r;
	size_t n;
	assert_int_equal(chan_open(&c, "pagerduty", PD_CFG), LW_OK);
	cJSON_Delete(render(&c, "opened", &r, &n));
	cJSON *evs = pd_events(r, n);
	assert_int_equal(n, 1);
	assert_string_equal(str_at(evs, "0.event_action"), "trigger");
	assert_string_equal(str_at(evs, "0.dedup_key"), "demo/gold.sales_daily/freshness/41");
	assert_string_equal(str_at(evs, "0.payload.severity"), "critical");
	assert_string_equal(str_at(evs, "0.payload.component"), "gold.sales_daily");
	assert_string_equal(str_at(evs, "0.payload.group"), "pos");
	assert_string_equal(str_at(evs, "0.payload.class"), "freshness");
	assert_string_equal(str_at(evs, "0.payload.source"), "demo");
	assert_string_equal(str_at(evs, "0.payload.timestamp"), "2026-11-24T06:10:00Z");
	assert_string_equal(str_at(evs, "0.payload.custom_details.threshold"), "6h");
	cJSON_Delete(evs);
	lw_ch_reqs_free(r, n);

	cJSON_Delete(render(&c, "resolved", &r, &n));
	evs = pd_events(r, n);
	assert_string_equal(str_at(evs, "0.event_action"), "resolve");
	assert_string_equal(str_at(evs, "0.dedup_key"), "demo/gold.sales_daily/freshness/41");
	cJSON_Delete(evs);
	lw_ch_reqs_free(r, n);

	cJSON_Delete(render(&c, "cascade", &r, &n));	/* one event a notice */
	evs = pd_events(r, n);
	assert_int_equal(n, 3);
	assert_string_equal(str_at(evs, "0.payload.severity"), "warning");
	assert_string_equal(str_at(evs, "2.dedup_key"), "demo/gold.sales_daily/freshness/52");
	assert_string_equal(str_at(evs, "2.payload.custom_details.root"),
			    "bronze.pos_raw is stale");
	cJSON_Delete(evs);
	lw_ch_reqs_free(r, n);

	cJSON_Delete(render(&c, "escalated", &r, &n));
	evs = pd_events(r, n);
	assert_string_equal(str_at(evs, "0.event_action"), "trigger");
	assert_string_equal(str_at(evs, "0.payload.severity"), "error");
	cJSON_Delete(evs);
	lw_ch_reqs_free(r, n);

	cJSON_Delete(render(&c, "test", &r, &n));	/* trigger, then resolve */
	evs = pd_events(r, n);
	assert_int_equal(n, 2);
	assert_string_equal(str_at(evs, "0.payload.severity"), "info");
	assert_string_equal(str_at(evs, "1.event_action"), "resolve");
	assert_string_equal(str_at(evs, "0.dedup_key"), str_at(evs, "1.dedup_key"));
	cJSON_Delete(evs);
	lw_ch_reqs_free(r, n);

	cJSON_Delete(render(&c, "long", &r, &n));
	evs = pd_events(r, n);
	assert_true(strlen(str_at(evs, "0.payload.summary")) <= 1024);
	assert_true(strlen(str_at(evs, "0.payload.summary")) > 1000);
	cJSON_Delete(evs);
	lw_ch_reqs_free(r, n);

	cJSON_Delete(render(&c, "hostile", &r, &n));
	evs = pd_events(r, n);
	assert_string_equal(str_at(evs, "0.payload.component"),
			    "gold.\"quoted\"\\back\nline <!channel>");
	cJSON_Delete(evs);
	lw_ch_reqs_free(r, n);
	chan_close(&c);
}

static void pd_dedup_and_config(void **st)
{
	(void)st;
	struct chan c;
	struct lw_notify_req *r, *r2;
	size_t n, n2;
	struct lw_err err;
	struct lwt_batch t;
	char longkey[400];
	memset(longkey, 'k', sizeof longkey - 1);
	longkey[sizeof longkey - 1] = '\0';
	assert_int_equal(chan_open(&c, "pagerduty", PD_CFG), LW_OK);
	lwt_make(&t, "opened");
	t.v[0].dedup_key = longkey;	/* over 255: a stable hash */
	assert_int_equal(c.k->render(c.state, &t.b, &r, &n, &err), LW_OK);
	assert_int_equal(c.k->render(c.state, &t.b, &r2, &n2, &err), LW_OK);
	cJSON *a = pd_events(r, n), *b = pd_events(r2, n2);
	assert_true(lw_str_starts(str_at(a, "0.dedup_key"), "lw-sha256:"));
	assert_int_equal(strlen(str_at(a, "0.dedup_key")), 10 + 64);
	assert_string_equal(str_at(a, "0.dedup_key"), str_at(b, "0.dedup_key"));
	cJSON_Delete(a);
	cJSON_Delete(b);
	lw_ch_reqs_free(r, n);
	lw_ch_reqs_free(r2, n2);
	chan_close(&c);

	/* a wrong-length key is refused without printing it */
	assert_int_equal(chan_open(&c, "pagerduty", "{\"routing_key\": "
		"\"short-key-abcdefgh\"}"), LW_ECONFIG);
	assert_non_null(strstr(errors(&c), "has 18 characters"));
	assert_null(strstr(errors(&c), "short-key-abcdefgh"));
	chan_close(&c);
	assert_int_equal(chan_open(&c, "pagerduty", "{}"), LW_ECONFIG);
	assert_non_null(strstr(errors(&c), "routing_key"));
	chan_close(&c);
	assert_int_equal(chan_open(&c, "pagerduty", "{\"routing_key\": \"" PD_KEY
		"\", \"url\": \"http://pd.example.com/v2/enqueue\"}"), LW_ECONFIG);
	chan_close(&c);
	/* the default endpoint */
	assert_int_equal(chan_open(&c, "pagerduty", "{\"routing_key\": \"" PD_KEY
		"\", \"source\": \"lakewatch-prod\"}"), LW_OK);
	lwt_make(&t, "opened");
	assert_int_equal(c.k->render(c.state, &t.b, &r, &n, &err), LW_OK);
	assert_string_equal(r[0].url, "https://events.pagerduty.com/v2/enqueue");
	a = cJSON_Parse(r[0].body);
	assert_string_equal(str_at(a, "payload.source"), "lakewatch-prod");
	cJSON_Delete(a);
	lw_ch_reqs_free(r, n);
	chan_close(&c);
}

/* --- teams ---------------------------------------------------------------- */

#define TEAMS_CFG "{\"type\": \"teams\", \"url\": \"" HOOK "\"}"

/* The Workflows envelope around an Adaptive Card; returns the card. */
static const cJSON *teams_card(const cJSON *msg)
{
	assert_string_equal(str_at(msg, "type"), "message");
	const cJSON *atts = at(msg, "attachments");
	assert_true(cJSON_IsArray(atts));
	assert_int_equal(cJSON_GetArraySize(atts), 1);
	assert_string_equal(str_at(msg, "attachments.0.contentType"),
			    "application/vnd.microsoft.card.adaptive");
	const cJSON *card = at(msg, "attachments.0.content");
	assert_string_equal(str_at(card, "type"), "AdaptiveCard");
	assert_string_equal(str_at(card, "version"), "1.4");
	assert_true(cJSON_IsArray(at(card, "body")));
	const cJSON *it, *f;
	cJSON_ArrayForEach(it, at(card, "body")) {
		const char *type = str_at(it, "type");
		assert_non_null(type);
		if (strcmp(type, "TextBlock") == 0)
			assert_non_null(str_at(it, "text"));
		else if (strcmp(type, "FactSet") == 0)
			cJSON_ArrayForEach(f, at(it, "facts")) {
				assert_non_null(str_at(f, "title"));
				assert_non_null(str_at(f, "value"));
			}
		else
			fail_msg("unexpected element %s", type);
	}
	return card;
}

static int count_type(const cJSON *arr, const char *type)
{
	int n = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
		n += strcmp(str_at(it, "type"), type) == 0;
	return n;
}

static void teams_render(void **st)
{
	(void)st;
	struct chan c;
	struct lw_notify_req *r;
	size_t n;
	assert_int_equal(chan_open(&c, "teams", TEAMS_CFG), LW_OK);
	cJSON *j = render(&c, "cascade", &r, &n);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].url, HOOK);
	const cJSON *card = teams_card(j);
	assert_int_equal(count_type(at(card, "body"), "FactSet"), 3);
	assert_string_equal(str_at(card, "body.0.text"), "lakewatch demo: 3 opened");
	assert_non_null(strstr(r[0].body, "bronze.pos_raw is stale"));
	assert_non_null(strstr(r[0].body, "\"title\":\"Age\",\"value\":\"open for 10m\""));
	assert_non_null(strstr(r[0].body, "\"value\":\"7h / 6h\""));
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);

	j = render(&c, "many", &r, &n);		/* 10 shown, and 50 more */
	card = teams_card(j);
	assert_int_equal(count_type(at(card, "body"), "FactSet"), 10);
	assert_non_null(strstr(r[0].body, "\"and 50 more\""));
	assert_true(r[0].len < 28 * 1024);
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);

	j = render(&c, "long", &r, &n);
	teams_card(j);
	assert_true(r[0].len < 28 * 1024);
	assert_null(strstr(r[0].body, "\xEF\xBF\xBD"));	/* cut between characters */
	assert_non_null(strstr(r[0].body, "é\xE2\x80\xA6"));
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);

	j = render(&c, "hostile", &r, &n);
	teams_card(j);
	assert_non_null(strstr(r[0].body, "Zürich ✓ 日本"));
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);

	j = render(&c, "resolved", &r, &n);
	card = teams_card(j);
	assert_string_equal(str_at(card, "body.1.color"), "Good");
	assert_non_null(strstr(r[0].body, "was open 1h"));
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);
	chan_close(&c);

	assert_int_equal(chan_open(&c, "teams", "{}"), LW_ECONFIG);
	assert_non_null(strstr(errors(&c), "\"url\""));
	chan_close(&c);
	assert_int_equal(chan_open(&c, "teams", "{\"url\": "
		"\"http://prod-00.westeurope.logic.azure.com/workflows/x?sig=abcdefgh12345\"}"),
		LW_ECONFIG);
	assert_null(strstr(errors(&c), "sig=abcdefgh12345"));
	chan_close(&c);
}

/* --- slack ---------------------------------------------------------------- */

#define SLACK_CFG "{\"type\": \"slack\", \"url\": \"" HOOK "\"}"

/* text, blocks (<= 50) of known types, header <= 150, texts <= 3000. */
static void slack_contract(const cJSON *msg)
{
	const char *text = str_at(msg, "text");
	assert_non_null(text);
	assert_true(*text && strlen(text) <= 3000);
	const cJSON *blocks = at(msg, "blocks"), *b, *e;
	assert_true(cJSON_IsArray(blocks));
	assert_true(cJSON_GetArraySize(blocks) <= 50);
	cJSON_ArrayForEach(b, blocks) {
		const char *type = str_at(b, "type");
		if (strcmp(type, "header") == 0) {
			assert_string_equal(str_at(b, "text.type"), "plain_text");
			assert_true(strlen(str_at(b, "text.text")) <= 150);
		} else if (strcmp(type, "section") == 0) {
			assert_string_equal(str_at(b, "text.type"), "mrkdwn");
			assert_true(strlen(str_at(b, "text.text")) <= 3000);
			assert_true(strlen(str_at(b, "text.text")) > 0);
		} else if (strcmp(type, "context") == 0) {
			assert_true(cJSON_GetArraySize(at(b, "elements")) <= 10);
			cJSON_ArrayForEach(e, at(b, "elements"))
				assert_true(strlen(str_at(e, "text")) <= 3000);
		} else
			fail_msg("unexpected block %s", type);
	}
}

static void slack_render(void **st)
{
	(void)st;
	struct chan c;
	struct lw_notify_req *r;
	size_t n;
	assert_int_equal(chan_open(&c, "slack", SLACK_CFG), LW_OK);
	cJSON *j = render(&c, "cascade", &r, &n);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].url, HOOK);
	slack_contract(j);
	assert_string_equal(str_at(j, "blocks.0.type"), "header");
	assert_string_equal(str_at(j, "blocks.0.text.text"), "lakewatch demo: 3 opened");
	assert_int_equal(count_type(at(j, "blocks"), "section"), 3);
	assert_non_null(strstr(str_at(j, "blocks.3.text.text"), "root cause: bronze.pos_raw is stale"));
	assert_non_null(strstr(str_at(j, "text"), "silver.sales_clean freshness FAIL"));
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);

	j = render(&c, "hostile", &r, &n);	/* no mention, no forged link */
	slack_contract(j);
	assert_null(strstr(r[0].body, "<!channel>"));
	assert_null(strstr(r[0].body, "<@U123>"));
	assert_null(strstr(r[0].body, "<https://evil"));
	assert_non_null(strstr(r[0].body, "&lt;!channel&gt;"));
	assert_non_null(strstr(r[0].body, "Zürich ✓ 日本"));
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);

	j = render(&c, "many", &r, &n);
	slack_contract(j);
	assert_int_equal(count_type(at(j, "blocks"), "section"), 21);
	assert_non_null(strstr(r[0].body, "_and 40 more_"));
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);

	j = render(&c, "long", &r, &n);
	slack_contract(j);
	assert_null(strstr(r[0].body, "\xEF\xBF\xBD"));
	assert_non_null(strstr(r[0].body, "é\xE2\x80\xA6"));
	assert_true(strlen(str_at(j, "blocks.1.text.text")) > 2500);
	cJSON_Delete(j);
	lw_ch_reqs_free(r, n);
	chan_close(&c);

	assert_int_equal(chan_open(&c, "slack", "{\"url\": 42}"), LW_ECONFIG);
	chan_close(&c);
}

/* --- answers --------------------------------------------------------------- */

static void classify(void **st)
{
	(void)st;
	static const struct { const char *kind; long status; const char *body;
			      enum lw_deliver want; } t[] = {
		{"alertmanager", 200, "", LW_DELIVERED},
		{"alertmanager", 400, "{\"code\":400,\"message\":\"start time must be before end time\"}", LW_REJECTED},
		{"alertmanager", 500, "", LW_RETRY},
		{"alertmanager", 503, "", LW_RETRY},
		{"alertmanager", 0, NULL, LW_RETRY},
		{"alertmanager", 404, "", LW_REJECTED},
		{"pagerduty", 202, "{\"status\":\"success\"}", LW_DELIVERED},
		{"pagerduty", 400, "{\"status\":\"invalid event\"}", LW_REJECTED},
		{"pagerduty", 429, "", LW_RETRY},
		{"pagerduty", 500, "", LW_RETRY},
		{"pagerduty", 502, "", LW_RETRY},
		{"pagerduty", 0, NULL, LW_RETRY},
		{"teams", 200, "", LW_DELIVERED},
		{"teams", 202, "", LW_DELIVERED},
		{"teams", 429, "", LW_RETRY},
		{"teams", 400, "{\"error\":{\"code\":\"InvalidRequestContent\"}}", LW_REJECTED},
		{"teams", 401, "", LW_REJECTED},
		{"teams", 504, "", LW_RETRY},
		{"slack", 200, "ok", LW_DELIVERED},
		{"slack", 200, "ok\n", LW_DELIVERED},
		{"slack", 200, "", LW_DELIVERED},
		{"slack", 200, "<html>portal</html>", LW_RETRY},
		{"slack", 429, "", LW_RETRY},
		{"slack", 400, "invalid_payload", LW_REJECTED},
		{"slack", 400, "no_text", LW_REJECTED},
		{"slack", 403, "action_prohibited", LW_REJECTED},
		{"slack", 404, "channel_not_found", LW_REJECTED},
		{"slack", 410, "channel_is_archived", LW_REJECTED},
		{"slack", 500, "rollup_error", LW_RETRY},
		{"slack", 0, NULL, LW_RETRY},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const struct lw_channel_kind *k = lw_channel_kind_find(t[i].kind);
		enum lw_deliver got = k->classify(NULL, t[i].status, t[i].body,
				t[i].body ? strlen(t[i].body) : 0);
		if (got != t[i].want)
			fail_msg("%s %ld %s: got %d, want %d", t[i].kind,
				 t[i].status, t[i].body ? t[i].body : "(none)",
				 got, t[i].want);
	}
}

/* Nothing of a secret in what a config error says, nor in a render error. */
static void secrets(void **st)
{
	(void)st;
	struct chan c;
	setenv("LW_TEST_SLACK", "http://hooks.example.com/services/T1/B2/zzSECRETzz", 1);
	assert_int_equal(chan_open(&c, "slack", "{\"url\": {\"env\": "
		"\"LW_TEST_SLACK\"}}"), LW_ECONFIG);
	assert_null(strstr(errors(&c), "zzSECRETzz"));
	assert_non_null(strstr(errors(&c), "slack: \"url\""));
	chan_close(&c);
	/* registered: a message that quotes it is redacted */
	char msg[200];
	lw_redact_fmt(msg, sizeof msg, "POST %s failed", getenv("LW_TEST_SLACK"));
	assert_null(strstr(msg, "zzSECRETzz"));
	unsetenv("LW_TEST_SLACK");
	assert_int_equal(chan_open(&c, "slack", "{\"url\": {\"env\": "
		"\"LW_TEST_SLACK\"}}"), LW_ECONFIG);
	assert_non_null(strstr(errors(&c), "LW_TEST_SLACK is not set"));
	chan_close(&c);
	/* every kind: the URL and key in no body's text */
	const char *cfgs[][2] = {{"slack", SLACK_CFG}, {"teams", TEAMS_CFG},
		{"pagerduty", "{\"routing_key\": \"" PD_KEY "\", \"url\": \"" HOOK "\"}"},
		{"alertmanager", "{\"url\": \"" HOOK "\"}"}};
	const char *which[] = {"opened", "resolved", "cascade", "hostile", "test"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(chan_open(&c, cfgs[i][0], cfgs[i][1]), LW_OK);
		for (size_t w = 0; w < 5; w++) {
			struct lw_notify_req *r;
			size_t n;
			cJSON_Delete(render(&c, which[w], &r, &n));	/* checks HOOK */
			for (size_t q = 0; q < n; q++)
				if (strcmp(cfgs[i][0], "pagerduty") != 0)
					assert_null(strstr(r[q].body, PD_KEY));
			lw_ch_reqs_free(r, n);
		}
		chan_close(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registry),
		cmocka_unit_test(clip),
		cmocka_unit_test(am_render),
		cmocka_unit_test(am_resolved_worst),
		cmocka_unit_test(am_hostile_long),
		cmocka_unit_test(am_config),
		cmocka_unit_test(pd_render),
		cmocka_unit_test(pd_dedup_and_config),
		cmocka_unit_test(teams_render),
		cmocka_unit_test(slack_render),
		cmocka_unit_test(classify),
		cmocka_unit_test(secrets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
