/* http_retry.c - after a transfer: done, failed, or tried again after a
 * backoff with jitter that honours Retry-After. */
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>

#include "lakewatch/secret.h"
#include "lakewatch/log.h"
#include "lakewatch/util.h"
#include "http_int.h"

int64_t lw_http_retry_after(const char *v, int64_t now)
{
	int64_t t;
	if (!v)
		return -1;
	while (*v == ' ')
		v++;
	if (isdigit((unsigned char)*v)) {
		char *end;
		long long s = strtoll(v, &end, 10);
		while (*end == ' ')
			end++;
		if (*end || s < 0)
			return -1;
		return s > 86400 ? 86400 : (int64_t)s;
	}
	if (lw_time_parse_http(v, &t) != LW_OK)
		return -1;
	return t > now ? t - now : 0;
}

static uint64_t rnd(struct lw_http *h)
{
	h->rng ^= h->rng << 13;
	h->rng ^= h->rng >> 7;
	h->rng ^= h->rng << 17;
	return h->rng;
}

static bool retry_status(long s)
{
	return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 ||
	       s == 504;
}

static bool retry_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_COULDNT_RESOLVE_HOST:	/* DNS hiccups pass */
		return true;
	default:
		return false;
	}
}

/* A failure that says the server is not there (refused, reset, hung up
 * before answering, timed out), as against a bad answer. */
static bool connection_failure(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return true;
	default:
		return false;
	}
}

static void schedule_retry(struct lw_http *h, struct lw_http_req *r,
			   int64_t delay)
{
	h->retries++;
	r->priv_ready_ms = lw_http_now_ms() + delay;
	r->priv_state = ST_WAITING;
	r->priv_next = h->waiting;
	h->waiting = r;
}

/* How long to wait before attempt number r->attempts + 1. */
static int64_t backoff(struct lw_http *h, struct lw_http_req *r)
{
	char v[128];
	int64_t d, ra;
	int shift = r->attempts - 1;
	if (shift > 20)
		shift = 20;
	d = h->o.backoff_ms << shift;
	if (d > h->o.backoff_max_ms)
		d = h->o.backoff_max_ms;
	d = d / 2 + (int64_t)(rnd(h) % (uint64_t)(d / 2 + 1));	/* jitter */
	ra = lw_http_retry_after(lw_http_resp_header(r, "Retry-After", v,
						     sizeof(v)),
				  (int64_t)time(NULL));
	if (ra >= 0) {
		ra *= 1000;
		if (ra > h->o.backoff_max_ms)
			ra = h->o.backoff_max_ms;
		/* a little jitter on top, so retries do not arrive at once */
		d = ra + (int64_t)(rnd(h) % 100);
	}
	return d;
}

/* Count a failed attempt toward h's breaker and say when it trips. A
 * request the poll's deadline cut short (its timeout was capped to the
 * time left) says nothing of the server: it must not trip the breaker, or
 * the poll reads "unreachable" where it ran out of time; it leaves the
 * failure count as it was. */
static void transport_failed(struct lw_http *h, CURLcode c, const char *msg,
			     long status, int64_t deadline)
{
	bool was_down = h->down;
	bool cut = c == CURLE_OPERATION_TIMEDOUT && deadline &&
		lw_http_now_ms() + 100 >= deadline;	/* curl's clock */
	if (!cut)
		lw_http_note(h, msg, status == 0 && connection_failure(c));
	if (h->down && !was_down) {
		char why[200];
		lw_http_down(h, why, sizeof(why));
		lw_log(LW_LOG_ERROR, "server taken as down: %s; the "
		       "requests left fail at once", why);
	}
}

void lw_http_complete(struct lw_http *h, CURLMsg *m, int64_t deadline)
{
	CURL *e = m->easy_handle;
	CURLcode c = m->data.result;
	struct attempt *a = NULL;
	struct lw_http_req *r;
	char msg[512];
	bool retry = false;
	int rc = LW_OK;

	curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&a);
	r = a->r;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	lw_http_count(h, e);
	curl_multi_remove_handle(h->multi, e);
	curl_easy_cleanup(e);
	r->priv_easy = NULL;
	h->running--;
	lw_http_unlink_running(h, r);

	if (a->cb_rc != LW_OK) {
		/* a callback stopped it: its verdict stands */
		int cbrc = a->cb_rc;
		free(a);
		if (cbrc == LW_ETOOBIG)
			lw_http_fail(h, r, cbrc, "answer larger than %zu bytes",
			     r->resp.max);
		else if (cbrc == LW_ESTOP) {
			r->rc = cbrc;
			lw_http_finish(h, r);
		} else
			lw_http_fail(h, r, cbrc, "stopped while reading the answer");
		return;
	}
	if (a->err_cut && r->status >= 300)
		c = CURLE_OK;	/* its status and the body's start stand */
	free(a);
	if (c != CURLE_OK) {
		lw_http_curl_msg(r, c, msg, sizeof(msg));
		rc = lw_http_curl_rc(c);
		retry = retry_curl(c);
		transport_failed(h, c, msg, r->status, deadline);
		if (h->down)
			retry = false;
	} else if (r->status >= 200 && r->status < 300) {
		lw_http_note(h, "", false);
		r->rc = LW_OK;
		lw_http_finish(h, r);
		return;
	} else {
		lw_http_note(h, "", false);
		snprintf(msg, sizeof(msg), "HTTP %ld", r->status);
		rc = lw_http_status_rc(r->status);
		retry = retry_status(r->status);
	}
	if (retry && !r->no_retry && r->attempts <= h->o.retries) {
		int64_t d = backoff(h, r);
		if (!deadline || lw_http_now_ms() + d < deadline) {
			char *w = lw_http_url_where(r->url);
			lw_log(LW_LOG_WARN, "%s %s: %s; attempt %d of %d in "
			       "%lld ms", r->method ? r->method : "GET", w, msg,
			       r->attempts + 1, h->o.retries + 1, (long long)d);
			free(w);
			schedule_retry(h, r, d);
			return;
		}
	}
	lw_http_fail(h, r, rc, "%s", msg);
}

