/* ch_slack.c - the "slack" channel: a Slack incoming webhook, one message
 * per batch with a "text" fallback (notifications, screen readers) and
 * Block Kit blocks: a header, a section per notice (at most SLACK_ITEMS,
 * then "and N more"), and a context line. Within Slack's limits: 50
 * blocks, 150 characters in a header, 3000 in a section's text; sections
 * share SLACK_TEXT_BUDGET bytes so the whole message stays under what
 * Slack takes (msg_blocks_too_long). Every text from a notice is escaped
 * (& < >) so it cannot mention @channel or forge a link. One message a
 * second per webhook: min_interval_ms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/cfgctx.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "ch_util.h"

#define SLACK_ITEMS 20		/* sections of notices in one message */
#define SLACK_HEADER_MAX 150	/* plain_text of a header block */
#define SLACK_SECTION_MAX 3000	/* a section's text */
#define SLACK_TEXT_BUDGET 10000	/* all sections together */
#define SLACK_FALLBACK_MAX 3000	/* the top-level "text" */

struct slack {
	char *url;		/* hooks.slack.com/services/...: a secret */
};

static void slack_free(void *state)
{
	struct slack *s = state;
	if (!s)
		return;
	lw_secret_free(s->url);
	free(s);
}

static int slack_parse(const cJSON *obj, struct lw_cfgctx *cc, void **state)
{
	static const char *const keys[] = {LW_CH_COMMON_KEYS, "url",
		"allow_insecure_http", NULL};
	bool insecure = false;
	char *url = NULL;
	if (lw_cfg_keys(cc, obj, "slack channel", keys) ||
	    lw_cfg_bool(cc, obj, "allow_insecure_http", false, &insecure) ||
	    lw_ch_cfg_url(cc, obj, "url", true, insecure, "slack", &url))
		return LW_ECONFIG;
	struct slack *s = lw_xcalloc(1, sizeof *s);
	s->url = url;
	*state = s;
	return LW_OK;
}

static const char *emoji_of(const struct lw_notice *n)
{
	if (n->kind == LW_NOTICE_TEST)
		return ":information_source:";
	if (n->kind == LW_NOTICE_RESOLVED)
		return ":white_check_mark:";
	return n->status == LW_WARN ? ":warning:" : n->status == LW_ERROR ?
		":x:" : ":red_circle:";
}

/* {"type": kind, "text": s} for a text object; s is copied. */
static cJSON *text_obj(const char *kind, const char *s)
{
	cJSON *t = cJSON_CreateObject();
	if (t && cJSON_AddStringToObject(t, "type", kind) &&
	    cJSON_AddStringToObject(t, "text", s))
		return t;
	cJSON_Delete(t);
	return NULL;
}

/* Adds {"type": type, key: obj} to blocks (obj is taken either way). */
static bool add_block(cJSON *blocks, const char *type, const char *key,
		      cJSON *obj)
{
	cJSON *b = cJSON_CreateObject();
	if (!obj || !b || !cJSON_AddItemToArray(blocks, b)) {
		cJSON_Delete(b);
		cJSON_Delete(obj);
		return false;
	}
	if (!cJSON_AddStringToObject(b, "type", type) ||
	    !cJSON_AddItemToObject(b, key, obj)) {
		cJSON_Delete(obj);
		return false;
	}
	return true;
}

/* One notice as mrkdwn within max bytes: each piece escaped and bounded
 * on its own, so no cut falls inside an escape. Caller frees. */
static char *section_text(const struct lw_notice *n, size_t max)
{
	char age[64];
	size_t small = 160, desc = max > 900 ? max - 900 : 16;
	char *sum = lw_ch_clip(n->summary, 300, true);
	char *ds = lw_ch_clip(n->dataset, small, true);
	char *ck = lw_ch_clip(n->check, small, true);
	char *val = lw_ch_clip(n->value, small, true);
	char *thr = lw_ch_clip(n->threshold, small, true);
	char *root = lw_ch_clip(n->root, small, true);
	char *msg = lw_ch_clip(n->description, desc, true);
	char *line = lw_xasprintf("%s *%s* %s\n`%s` %s · %s%s%s%s%s%s%s%s%s%s",
		emoji_of(n), lw_notice_kind_name(n->kind), sum, ds, ck,
		lw_status_name(n->status),
		*val ? " · value " : "", val, *thr ? " · threshold " : "", thr,
		*lw_ch_age(n, age, sizeof age) ? " · " : "", age,
		*root ? "\nroot cause: " : "", root,
		*msg ? "\n" : "");
	char *full = lw_xasprintf("%s%s%s", line, *msg ? "> " : "", msg);
	char *out = lw_ch_clip(full, max, false);
	free(sum), free(ds), free(ck), free(val), free(thr), free(root);
	free(msg), free(line), free(full);
	return out;
}

/* The top-level text: the title, then one summary a line. Caller frees. */
static char *fallback_text(const struct lw_notice_batch *b, const char *title)
{
	char *acc = lw_ch_clip(title, SLACK_HEADER_MAX, true);
	for (size_t i = 0; i < b->n && strlen(acc) < SLACK_FALLBACK_MAX; i++) {
		char *s = lw_ch_clip(b->v[i].summary, 300, true);
		char *next = lw_xasprintf("%s\n%s %s", acc,
				lw_notice_kind_name(b->v[i].kind), s);
		free(s), free(acc);
		acc = next;
	}
	char *out = lw_ch_clip(acc, SLACK_FALLBACK_MAX, false);
	free(acc);
	return out;
}

static bool add_sections(cJSON *blocks, const struct lw_notice_batch *b)
{
	size_t shown = b->n < SLACK_ITEMS ? b->n : SLACK_ITEMS;
	size_t each = shown ? SLACK_TEXT_BUDGET / shown : SLACK_SECTION_MAX;
	if (each > SLACK_SECTION_MAX)
		each = SLACK_SECTION_MAX;
	bool ok = true;
	for (size_t i = 0; ok && i < shown; i++) {
		char *t = section_text(&b->v[i], each);
		ok = add_block(blocks, "section", "text", text_obj("mrkdwn", t));
		free(t);
	}
	if (ok && b->n > shown) {
		char more[64];
		snprintf(more, sizeof more, "_and %zu more_", b->n - shown);
		ok = add_block(blocks, "section", "text", text_obj("mrkdwn", more));
	}
	return ok;
}

static bool add_header(cJSON *blocks, const char *title)
{
	char *head = lw_ch_clip(title, SLACK_HEADER_MAX, false);
	cJSON *h = text_obj("plain_text", head);
	free(head);
	if (h && !cJSON_AddBoolToObject(h, "emoji", 1))
		cJSON_Delete(h), h = NULL;
	return add_block(blocks, "header", "text", h);
}

static bool add_context(cJSON *blocks, const struct lw_notice_batch *b)
{
	char *cfg = lw_ch_clip(b->config_name, 200, true);
	char *route = lw_ch_clip(b->route, 200, true);
	char *ctx = lw_xasprintf("lakewatch%s%s%s%s", *cfg ? " · config " : "",
				 cfg, *route ? " · route " : "", route);
	cJSON *elems = cJSON_CreateArray(), *t = text_obj("mrkdwn", ctx);
	free(cfg), free(route), free(ctx);
	if (!elems || !t || !cJSON_AddItemToArray(elems, t)) {
		cJSON_Delete(t);
		cJSON_Delete(elems);
		return false;
	}
	return add_block(blocks, "context", "elements", elems);
}

static cJSON *message_json(const struct lw_notice_batch *b)
{
	char title[256];
	lw_ch_title(b, title, sizeof title);
	cJSON *msg = cJSON_CreateObject();
	cJSON *blocks = msg ? cJSON_AddArrayToObject(msg, "blocks") : NULL;
	char *fb = fallback_text(b, title);
	bool ok = blocks && cJSON_AddStringToObject(msg, "text", fb) &&
		add_header(blocks, title) && add_sections(blocks, b) &&
		add_context(blocks, b);
	free(fb);
	if (!ok) {
		cJSON_Delete(msg);
		return NULL;
	}
	return msg;
}

static int slack_render(const void *state, const struct lw_notice_batch *b,
			struct lw_notify_req **reqs, size_t *nreqs,
			struct lw_err *err)
{
	const struct slack *s = state;
	cJSON *msg = message_json(b);
	struct lw_notify_req *r = lw_xcalloc(1, sizeof *r);
	int rc = msg ? lw_ch_req_json(r, s->url, msg) : LW_ENOMEM;
	cJSON_Delete(msg);
	if (rc != LW_OK) {
		lw_ch_reqs_free(r, 1);
		return lw_err_set(err, rc, "slack: cannot build the message of "
				  "route \"%s\"", b->route);
	}
	*reqs = r;
	*nreqs = 1;
	return LW_OK;
}

/* 200 "ok" delivered; 429 and 5xx retried; 400 (invalid_payload,
 * no_text), 403 (action_prohibited), 404 (channel_not_found, no_service)
 * and 410 (channel_is_archived) rejected. A 200 with a body other than
 * "ok" is not Slack's answer (a captive portal, a proxy's page): retried;
 * an empty or absent body is taken as delivered. */
static enum lw_deliver slack_classify(const void *state, long status,
				      const char *body, size_t len)
{
	(void)state;
	while (body && len && (body[len - 1] == '\n' || body[len - 1] == ' ' ||
			       body[len - 1] == '\r'))
		len--;
	if (status == 200 && body && len &&
	    !(len == 2 && memcmp(body, "ok", 2) == 0))
		return LW_RETRY;
	return lw_ch_classify_http(status);
}

const struct lw_channel_kind lw_ch_slack = {
	.name = "slack",
	.parse = slack_parse,
	.free = slack_free,
	.render = slack_render,
	.classify = slack_classify,
	.min_interval_ms = 1000,
};
