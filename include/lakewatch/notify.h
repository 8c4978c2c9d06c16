/* notify.h - the show stage that tells people: notices about incidents
 * (opened, escalated, reminded, resolved), rendered by one channel kind
 * each and sent from an outbox kept in the history (notify/).
 *
 * Delivery is at least once: a notice is written to the outbox in the same
 * transaction as the incident change that caused it, and sent after the
 * commit; dedup keys make a repeat harmless to the receiver. Channels are
 * plug-ins behind struct lw_channel_kind: they turn a batch of notices
 * into HTTP requests and say what an answer means; the sender does the
 * sending, retries, Retry-After and rate limits for all of them.
 */
#ifndef LAKEWATCH_NOTIFY_H
#define LAKEWATCH_NOTIFY_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <cJSON.h>
#include "lakewatch/model.h"
#include "lakewatch/cfgctx.h"
#include "lakewatch/err.h"

enum lw_notice_kind {
	LW_NOTICE_OPENED = 0,
	LW_NOTICE_ESCALATED,
	LW_NOTICE_REMINDER,	/* still open and unacknowledged after repeat */
	LW_NOTICE_RESOLVED,
	LW_NOTICE_TEST,		/* `lakewatch notify test` */
};
const char *lw_notice_kind_name(enum lw_notice_kind k);	/* "opened" */

/* One incident's news. Strings are borrowed from whoever built the batch
 * (the sender, from an outbox row). */
struct lw_notice {
	int64_t incident;		/* history id; 0 for a test */
	enum lw_notice_kind kind;
	const char *dedup_key;		/* stable per incident:
					 * "<config>/<dataset>/<check>/<id>" */
	const char *dataset, *check;
	const char *source, *layer;	/* ids; may be NULL */
	const char *consumers;		/* consumer names, ", "-joined; may be "" */
	enum lw_status status;		/* now (the worst for an escalation) */
	const char *summary;		/* one line, < 150 chars:
					 * "gold.sales_daily freshness FAIL: 7h old" */
	const char *description;	/* the check's message */
	const char *value, *threshold;	/* may be NULL */
	const char *root;		/* the root cause in words; may be NULL */
	int64_t opened;			/* epoch seconds */
	int64_t at;			/* when this news happened */
	int64_t resolved;		/* 0 while open */
};

/* What one route sends at once: everything that opened, escalated,
 * reminded or resolved together in one poll (a cascade is one batch). */
struct lw_notice_batch {
	const char *config_name;	/* the config's name */
	const char *route;		/* the route's name */
	const struct lw_notice *v;
	size_t n;
};

/* An HTTP request a channel wants sent (POST). All owned. */
#define LW_NOTIFY_MAX_HEADERS 8
struct lw_notify_req {
	char *url;
	char *headers[LW_NOTIFY_MAX_HEADERS];	/* "Name: value" */
	size_t nheaders;
	char *body;
	size_t len;
};
void lw_notify_req_free(struct lw_notify_req *r);	/* members only */

enum lw_deliver {
	LW_DELIVERED = 0,	/* the service took it */
	LW_RETRY,		/* try again later (5xx, 429, timeouts) */
	LW_REJECTED,		/* it never will (400, 404...): reported,
				 * not retried */
};

/* A channel kind: "alertmanager", "pagerduty", "teams", "slack",
 * "webhook". State is what parse made of the channel's config object. */
struct lw_channel_kind {
	const char *name;
	/* Read the channel's object ("type" is taken out while parse
	 * runs, so reject every key not yours); secrets (URLs, routing
	 * keys) through lw_cfg_secret, secret URLs also through
	 * lw_notify_secret_url. *state is owned by the channel until
	 * free. */
	int (*parse)(const cJSON *obj, struct lw_cfgctx *cc, void **state);
	void (*free)(void *state);
	/* One batch into requests: *reqs (caller frees each with
	 * lw_notify_req_free, then the array) of *nreqs. */
	int (*render)(const void *state, const struct lw_notice_batch *b,
		      struct lw_notify_req **reqs, size_t *nreqs,
		      struct lw_err *err);
	/* What the answer to one request means. status is 0 when no answer
	 * came (connection refused, timeout). */
	enum lw_deliver (*classify)(const void *state, long status,
				    const char *body, size_t len);
	int min_interval_ms;	/* between two requests (Slack: 1000) */
	int repost_s;		/* while an incident is open, send its last
				 * notice again every repost_s seconds
				 * (Alertmanager: 60, it ends alerts not
				 * re-sent); 0: news and reminders only */
};

/* A URL that is a secret (a webhook's path is its key): registers it and
 * the "host/path" form that HTTP messages and logs name (notice.c). Call
 * from parse for every secret URL. */
void lw_notify_secret_url(const char *url);

/* The channel kind called name, or NULL (notify/channels.c). Static. */
const struct lw_channel_kind *lw_channel_kind_find(const char *name);
/* Every kind, NULL-terminated, for messages ("known: ..."). Static. */
const struct lw_channel_kind *const *lw_channel_kinds(void);

#endif
