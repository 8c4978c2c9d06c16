/* ch_teams.c - the "teams" channel: a Microsoft Teams Workflows webhook
 * ("When a Teams webhook request is received"; the Office 365 connectors
 * are retired), posted one message per batch: an Adaptive Card 1.4 with a
 * title, then per notice its summary and a FactSet (dataset, check,
 * status, value / threshold, age), at most TEAMS_ITEMS of them and "and N
 * more" for the rest, which keeps the card far below Teams' 28 KB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/cfgctx.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "ch_util.h"

#define TEAMS_ITEMS 10		/* notices shown in one card */
#define TEAMS_LINE_MAX 300	/* bytes of a summary or fact */
#define TEAMS_DESC_MAX 1000	/* bytes of a message */

struct teams {
	char *url;		/* the Workflows URL: its sig= is a secret */
};

static void teams_free(void *state)
{
	struct teams *t = state;
	if (!t)
		return;
	lw_secret_free(t->url);
	free(t);
}

static int teams_parse(const cJSON *obj, struct lw_cfgctx *cc, void **state)
{
	static const char *const keys[] = {LW_CH_COMMON_KEYS, "url",
		"allow_insecure_http", NULL};
	bool insecure = false;
	char *url = NULL;
	if (lw_cfg_keys(cc, obj, "teams channel", keys) ||
	    lw_cfg_bool(cc, obj, "allow_insecure_http", false, &insecure) ||
	    lw_ch_cfg_url(cc, obj, "url", true, insecure, "teams", &url))
		return LW_ECONFIG;
	struct teams *t = lw_xcalloc(1, sizeof *t);
	t->url = url;
	*state = t;
	return LW_OK;
}

static cJSON *text_block(const char *text, size_t max, const char *weight,
			 const char *color, bool subtle)
{
	cJSON *tb = cJSON_CreateObject();
	bool ok = tb && cJSON_AddStringToObject(tb, "type", "TextBlock") &&
		lw_ch_add_str(tb, "text", text, max) &&
		cJSON_AddBoolToObject(tb, "wrap", 1) &&
		(!weight || cJSON_AddStringToObject(tb, "weight", weight)) &&
		(!color || cJSON_AddStringToObject(tb, "color", color)) &&
		(!subtle || cJSON_AddBoolToObject(tb, "isSubtle", 1));
	if (!ok) {
		cJSON_Delete(tb);
		return NULL;
	}
	return tb;
}

static bool fact(cJSON *facts, const char *title, const char *value)
{
	if (!value || !*value)
		return true;
	cJSON *f = cJSON_CreateObject();
	if (!f || !cJSON_AddItemToArray(facts, f))
		return cJSON_Delete(f), false;
	return cJSON_AddStringToObject(f, "title", title) &&
		lw_ch_add_str(f, "value", value, TEAMS_LINE_MAX);
}

/* Adaptive Card colours: resolved and tests "Good", WARN "Warning",
 * FAIL and ERROR "Attention". */
static const char *color_of(const struct lw_notice *n)
{
	if (n->kind == LW_NOTICE_RESOLVED || n->kind == LW_NOTICE_TEST ||
	    n->status == LW_PASS)
		return "Good";
	return n->status == LW_WARN ? "Warning" : "Attention";
}

/* The summary line, the FactSet and the message of one notice. */
static bool notice_facts(cJSON *body, const struct lw_notice *n,
			 const char *head, const char *st, const char *vt,
			 const char *age)
{
	cJSON *tb = text_block(head, TEAMS_LINE_MAX, "Bolder", color_of(n), false);
	if (!tb || !cJSON_AddItemToArray(body, tb))
		return cJSON_Delete(tb), false;
	cJSON_AddBoolToObject(tb, "separator", 1);
	cJSON *fs = cJSON_CreateObject();
	if (!fs || !cJSON_AddItemToArray(body, fs))
		return cJSON_Delete(fs), false;
	cJSON *facts = cJSON_AddArrayToObject(fs, "facts");
	bool ok = cJSON_AddStringToObject(fs, "type", "FactSet") && facts &&
		fact(facts, "Dataset", n->dataset) &&
		fact(facts, "Check", n->check) && fact(facts, "Status", st) &&
		fact(facts, "Value / threshold", vt) &&
		fact(facts, "Age", age) &&
		fact(facts, "Consumers", n->consumers) &&
		fact(facts, "Root cause", n->root);
	if (ok && n->description && *n->description) {
		cJSON *d = text_block(n->description, TEAMS_DESC_MAX, NULL,
				      NULL, true);
		ok = d && cJSON_AddItemToArray(body, d);
		if (!ok)
			cJSON_Delete(d);
	}
	return ok;
}

/* One notice into body. Pieces are clipped before they are joined, so
 * no cut splits a character. */
static bool notice_items(cJSON *body, const struct lw_notice *n)
{
	char age[64], st[48];
	char *sum = lw_ch_clip(n->summary, TEAMS_LINE_MAX - 16, false);
	char *head = lw_xasprintf("%s: %s", lw_notice_kind_name(n->kind), sum);
	char *v = lw_ch_clip(n->value, TEAMS_LINE_MAX / 2, false);
	char *t = lw_ch_clip(n->threshold, TEAMS_LINE_MAX / 2 - 4, false);
	char *vt = lw_xasprintf("%s%s%s", v, *v && *t ? " / " : "", t);
	snprintf(st, sizeof st, "%s (%s)", lw_status_name(n->status),
		 lw_ch_severity(n->status));
	bool ok = notice_facts(body, n, head, st, vt, lw_ch_age(n, age, sizeof age));
	free(sum), free(head), free(v), free(t), free(vt);
	return ok;
}

/* The Adaptive Card of a batch. */
static cJSON *card_json(const struct lw_notice_batch *b)
{
	char title[256], more[64], foot[512];	/* foot fits 2 x 200 */
	cJSON *card = cJSON_CreateObject();
	cJSON *body = card ? cJSON_AddArrayToObject(card, "body") : NULL;
	bool ok = body &&
		cJSON_AddStringToObject(card, "$schema",
			"http://adaptivecards.io/schemas/adaptive-card.json") &&
		cJSON_AddStringToObject(card, "type", "AdaptiveCard") &&
		cJSON_AddStringToObject(card, "version", "1.4");
	cJSON *t = ok ? text_block(lw_ch_title(b, title, sizeof title), 256,
				   "Bolder", NULL, false) : NULL;
	ok = t && cJSON_AddItemToArray(body, t) &&
		cJSON_AddStringToObject(t, "size", "Medium");
	for (size_t i = 0; ok && i < b->n && i < TEAMS_ITEMS; i++)
		ok = notice_items(body, &b->v[i]);
	if (ok && b->n > TEAMS_ITEMS) {
		snprintf(more, sizeof more, "and %zu more", b->n - TEAMS_ITEMS);
		cJSON *m = text_block(more, sizeof more, "Bolder", NULL, false);
		ok = m && cJSON_AddItemToArray(body, m);
	}
	char *cfg = lw_ch_clip(b->config_name, 200, false);
	char *route = lw_ch_clip(b->route, 200, false);
	snprintf(foot, sizeof foot, "lakewatch%s%s%s%s", *cfg ? " · config " : "",
		 cfg, *route ? " · route " : "", route);
	free(cfg), free(route);
	cJSON *f = ok ? text_block(foot, sizeof foot, NULL, NULL, true) : NULL;
	ok = f && cJSON_AddItemToArray(body, f);
	if (!ok) {
		cJSON_Delete(card);
		return NULL;
	}
	return card;
}

static int teams_render(const void *state, const struct lw_notice_batch *b,
			struct lw_notify_req **reqs, size_t *nreqs,
			struct lw_err *err)
{
	const struct teams *t = state;
	cJSON *msg = cJSON_CreateObject(), *att = cJSON_CreateObject();
	cJSON *atts = msg ? cJSON_AddArrayToObject(msg, "attachments") : NULL;
	bool ok = atts && att && cJSON_AddItemToArray(atts, att);
	if (!ok)
		cJSON_Delete(att);	/* not in msg */
	ok = ok && cJSON_AddStringToObject(msg, "type", "message") &&
		cJSON_AddStringToObject(att, "contentType",
			"application/vnd.microsoft.card.adaptive") &&
		cJSON_AddNullToObject(att, "contentUrl");
	cJSON *card = ok ? card_json(b) : NULL;
	if (card && !cJSON_AddItemToObject(att, "content", card))
		cJSON_Delete(card), card = NULL;
	ok = ok && card;
	struct lw_notify_req *r = lw_xcalloc(1, sizeof *r);
	int rc = ok ? lw_ch_req_json(r, t->url, msg) : LW_ENOMEM;
	cJSON_Delete(msg);
	if (rc != LW_OK) {
		lw_ch_reqs_free(r, 1);
		return lw_err_set(err, rc, "teams: cannot build the card of "
				  "route \"%s\"", b->route);
	}
	*reqs = r;
	*nreqs = 1;
	return LW_OK;
}

/* 200 or 202 (Workflows accept and run later) delivered; 429 and 5xx
 * retried; 400 (a card the flow cannot take), 401, 403, 404 rejected. */
static enum lw_deliver teams_classify(const void *state, long status,
				      const char *body, size_t len)
{
	(void)state, (void)body, (void)len;
	return lw_ch_classify_http(status);
}

const struct lw_channel_kind lw_ch_teams = {
	.name = "teams",
	.parse = teams_parse,
	.free = teams_free,
	.render = teams_render,
	.classify = teams_classify,
	.min_interval_ms = 0,
};
