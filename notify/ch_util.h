/* ch_util.h - what the channel kinds (ch_*.c) share: bounded, valid
 * UTF-8 text for JSON fields, the status -> severity words, the secret URL
 * key, and turning a cJSON body into a request. Internal to notify/. */
#ifndef LAKEWATCH_CH_UTIL_H
#define LAKEWATCH_CH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <cJSON.h>
#include "lakewatch/notify.h"

/* Keys every channel object may hold besides its kind's own: the notify
 * lane reads them (the channel's name, its kind). A kind's allowed list
 * starts with these. */
#define LW_CH_COMMON_KEYS "type", "name"

/* s as valid UTF-8 of at most max bytes (max >= 4): invalid bytes become
 * U+FFFD, a cut ends in "…" on a character boundary. With slack, & < >
 * become &amp; &lt; &gt; (Slack's mrkdwn escaping, so a message cannot
 * mention @channel or forge a link). NULL gives "". Caller frees. */
char *lw_ch_clip(const char *s, size_t max, bool slack);

/* cJSON_AddStringToObject of lw_ch_clip(s, max, false); false on OOM. */
bool lw_ch_add_str(cJSON *obj, const char *key, const char *s, size_t max);

/* "warning" (WARN), "critical" (FAIL), "error" (ERROR), "info" (PASS:
 * tests and resolves), the words Alertmanager routes on and PagerDuty's
 * severity enum holds. Static. */
const char *lw_ch_severity(enum lw_status st);

/* A batch's headline into out: "lakewatch sales: 2 opened, 1 resolved"
 * (the config's name, then the count of each kind of notice in it). */
const char *lw_ch_title(const struct lw_notice_batch *b, char *out, size_t n);
/* How long the incident has been open ("open for 7h"), or was ("was open
 * 2h"); "" for a test. Into buf. */
const char *lw_ch_age(const struct lw_notice *n, char *buf, size_t sz);

/* Read the secret URL at key (a string, {"env"} or {"file"}): http(s)://
 * only, and plain http:// only to loopback (or with "allow_insecure_http",
 * read by the caller). what names the channel in messages; the URL is
 * never printed. Caller frees *out (lw_secret_free). */
int lw_ch_cfg_url(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		  bool required, bool allow_http, const char *what,
		  char **out);

/* The check of lw_ch_cfg_url for a URL that is not a secret (what names
 * it in messages). LW_OK or LW_ECONFIG. */
int lw_ch_check_url(struct lw_cfgctx *cc, const cJSON *node,
		    const char *what, const char *url, bool allow_http);

/* Fill r: a copy of url, "Content-Type: application/json", the body
 * printed from json (not freed here). Returns LW_OK or LW_ENOMEM. */
int lw_ch_req_json(struct lw_notify_req *r, const char *url,
		   const cJSON *json);
/* Add a header ("Name: value", copied); LW_ETOOBIG past the maximum. */
int lw_ch_req_header(struct lw_notify_req *r, const char *h);

/* Free an array of n requests (each member, then the array). */
void lw_ch_reqs_free(struct lw_notify_req *v, size_t n);

/* The HTTP status classes every kind starts from: 2xx delivered; 0 (no
 * answer), 408, 425, 429 and 5xx retried; anything else rejected. */
enum lw_deliver lw_ch_classify_http(long status);

#endif
