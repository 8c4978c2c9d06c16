/* http.c - queued, retried, bounded HTTP requests over curl multi: the
 * client and its run loop (every transfer of a batch in flight at once).
 *
 * One multi handle per client keeps the connection cache, so a listing's
 * pages and 2,000 ranged GETs reuse a handful of connections (or HTTP/2
 * streams). Each attempt gets a fresh easy handle: that keeps the state of
 * a failed attempt from leaking into the next, and costs nothing next to a
 * round trip. The rest: http_req.c, http_attempt.c, http_retry.c, http_errors.c
 * (see http_int.h).
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "http_int.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static void global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int64_t lw_http_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Owner: caller (lw_http_free). */
struct lw_http *lw_http_new(const struct lw_http_opts *opts)
{
	struct lw_http *h = lw_xcalloc(1, sizeof(*h));
	pthread_once(&global_once, global_init);
	if (opts)
		h->o = *opts;
	else
		h->o.retries = -1;
	if (h->o.parallel <= 0)
		h->o.parallel = 16;
	if (h->o.timeout_ms <= 0)
		h->o.timeout_ms = 30000;
	if (h->o.connect_timeout_ms <= 0)
		h->o.connect_timeout_ms = 10000;
	if (h->o.retries < 0)
		h->o.retries = 4;
	if (h->o.backoff_ms <= 0)
		h->o.backoff_ms = 200;
	if (h->o.backoff_max_ms <= 0)
		h->o.backoff_max_ms = 30000;
	if (h->o.down_after == 0)
		h->o.down_after = 5;
	h->ca_bundle = lw_xstrdup(h->o.ca_bundle);
	h->o.ca_bundle = h->ca_bundle;
	h->rng = (uint64_t)lw_http_now_ms() * 6364136223846793005ULL ^
		 (uint64_t)getpid() ^ (uint64_t)(uintptr_t)h;
	h->multi = curl_multi_init();
	if (!h->multi) {
		fprintf(stderr, "lakewatch: curl_multi_init failed\n");
		abort();
	}
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
			  (long)h->o.parallel);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS,
			  (long)h->o.parallel * 2);
	return h;
}

void lw_http_free(struct lw_http *h)
{
	if (!h)
		return;
	curl_multi_cleanup(h->multi);
	free(h->ca_bundle);
	free(h);
}

void lw_http_stats(const struct lw_http *h, int64_t *requests,
		   int64_t *bytes_in)
{
	if (requests)
		*requests = h ? h->requests : 0;
	if (bytes_in)
		*bytes_in = h ? h->bytes_in : 0;
}

/* See http.h. */
void lw_http_faults(const struct lw_http *h, int64_t *retries,
		    int64_t *errors)
{
	*retries = h ? h->retries : 0;
	*errors = h ? h->errors : 0;
}

int64_t lw_http_connects(const struct lw_http *h)
{
	return h ? h->connects : 0;
}

/* See http_int.h. */
void lw_http_count(struct lw_http *h, CURL *e)
{
	long n = 0;
	if (curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &n) == CURLE_OK &&
	    n > 0)
		h->connects += n;
}

void lw_http_note(struct lw_http *h, const char *msg, bool transport)
{
	if (!transport) {
		h->fails_in_row = 0;
		return;
	}
	snprintf(h->fail_msg, sizeof(h->fail_msg), "%s", msg);
	if (h->fails_in_row++ == 0)
		h->fails_since = (int64_t)time(NULL);
	if (h->o.down_after > 0 && h->fails_in_row >= h->o.down_after)
		h->down = true;
}

bool lw_http_down(const struct lw_http *h, char *msg, size_t n)
{
	char hms[16];
	struct tm tm;
	time_t t;
	if (!h || !h->down)
		return false;
	if (msg && n) {
		t = (time_t)h->fails_since;
		localtime_r(&t, &tm);
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
		snprintf(msg, n, "%d connection failure%s in a row since %s "
			 "(the last: %s)", h->fails_in_row, h->fails_in_row ==
			 1 ? "" : "s", hms, h->fail_msg);
	}
	return true;
}

void lw_http_revive(struct lw_http *h)
{
	if (!h)
		return;
	h->down = false;
	h->fails_in_row = 0;
}

void lw_http_add(struct lw_http *h, struct lw_http_req *r)
{
	assert(h != NULL && r != NULL && r->url != NULL);
	/* a request in flight or queued must not be queued twice */
	assert(r->priv_state != ST_RUNNING && r->priv_state != ST_WAITING);
	lw_http_req_reset(r);
	if (r->max_body)
		r->resp.max = r->max_body;
	r->priv_ready_ms = 0;
	r->priv_state = ST_WAITING;
	/* append, so requests start in the order they were added */
	r->priv_next = NULL;
	if (!h->waiting) {
		h->waiting = r;
	} else {
		struct lw_http_req *t = h->waiting;
		while (t->priv_next)
			t = t->priv_next;
		t->priv_next = r;
	}
}

void lw_http_unlink_running(struct lw_http *h, struct lw_http_req *r)
{
	struct lw_http_req **pp = &h->runq;
	while (*pp && *pp != r)
		pp = &(*pp)->priv_next;
	assert(*pp == r);	/* only a running request is unlinked */
	if (*pp)
		*pp = r->priv_next;
	r->priv_next = NULL;
}

/* Fail every request queued or in flight with code and why. */
static void fail_all(struct lw_http *h, int code, const char *why)
{
	struct lw_http_req *r;

	while ((r = h->waiting)) {
		h->waiting = r->priv_next;
		r->priv_next = NULL;
		lw_http_fail(h, r, code, "%s", why);
	}
	while ((r = h->runq)) {
		struct attempt *a = NULL;
		CURL *e = r->priv_easy;
		h->runq = r->priv_next;
		r->priv_next = NULL;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&a);
		lw_http_count(h, e);
		curl_multi_remove_handle(h->multi, e);
		curl_easy_cleanup(e);
		r->priv_easy = NULL;
		free(a);
		h->running--;
		lw_http_fail(h, r, code, "%s", why);
	}
}

int lw_http_run(struct lw_http *h, int64_t deadline)
{
	int timed_out = 0, cancelled = 0;

	while (h->waiting || h->running) {
		int64_t now = lw_http_now_ms(), wait = h->o.cancel ? 100 : 1000;
		struct lw_http_req **pp, *r;
		CURLMsg *m;
		int still, left;

		if (h->o.cancel && atomic_load(h->o.cancel)) {
			cancelled = 1;
			break;
		}
		if (deadline && now >= deadline) {
			timed_out = 1;
			break;
		}
		/* start what is ready, oldest first, within parallel */
		pp = &h->waiting;
		while ((r = *pp) && h->running < h->o.parallel) {
			if (r->priv_ready_ms <= now) {
				*pp = r->priv_next;
				r->priv_next = NULL;
				lw_http_start(h, r, deadline);
			} else {
				pp = &r->priv_next;
			}
		}
		curl_multi_perform(h->multi, &still);
		while ((m = curl_multi_info_read(h->multi, &left)))
			if (m->msg == CURLMSG_DONE)
				lw_http_complete(h, m, deadline);
		for (r = h->waiting; r; r = r->priv_next) {
			int64_t d = r->priv_ready_ms - now;
			if (h->running >= h->o.parallel)
				break;
			if (d < wait)
				wait = d;
		}
		if (deadline && deadline - now < wait)
			wait = deadline - now;
		if (wait < 0)
			wait = 0;
		if (h->waiting || h->running)
			curl_multi_poll(h->multi, NULL, 0, (int)wait, NULL);
	}
	if (cancelled) {
		fail_all(h, LW_ESTOP, "cancelled");
		return LW_ESTOP;
	}
	if (timed_out) {
		fail_all(h, LW_ETIMEOUT, "not done before the poll timeout");
		return LW_ETIMEOUT;
	}
	return LW_OK;
}

int lw_http_do(struct lw_http *h, struct lw_http_req *r, int64_t deadline,
	       struct lw_err *err)
{
	lw_http_add(h, r);
	lw_http_run(h, deadline);
	if (r->rc != LW_OK && r->rc != LW_ESTOP && err)
		*err = r->err;
	return r->rc;
}

