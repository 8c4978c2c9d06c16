/* http_attempt.c - one attempt of a request: the curl easy handle set-up
 * and its write/header callbacks, and how a request finishes. */
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

/* --- callbacks --- */

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
	struct lw_http_req *r = ud;
	size_t len = size * n;
	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0)
		lw_buf_reset(&r->hdrs);	/* a new answer (after 100, redirect) */
	/* Header lines are kept whole or not at all: one past the limit is
	 * dropped (never cut, and never failing the buffer), so lookups see
	 * only complete lines. */
	if (len <= r->hdrs.max - r->hdrs.len) {
		int rc = lw_buf_add(&r->hdrs, data, len);
		assert(rc == LW_OK);
		(void)rc;
	}
	return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	struct attempt *a = ud;
	struct lw_http_req *r = a->r;
	size_t len = size * n;
	long code = 0;
	int rc;

	curl_easy_getinfo(r->priv_easy, CURLINFO_RESPONSE_CODE, &code);
	a->h->bytes_in += (int64_t)len;
	r->body_bytes += (int64_t)len;
	if (code >= 200 && code < 300) {
		if (r->on_chunk) {
			rc = r->on_chunk(r->ud, data, len);
			if (rc != LW_OK) {
				a->cb_rc = rc;
				return 0;
			}
			return len;
		}
		if (lw_buf_add(&r->resp, data, len) != LW_OK) {
			a->cb_rc = LW_ETOOBIG;
			return 0;
		}
		return len;
	}
	/* an error answer: keep its start for the message, and stop reading
	 * there (a 500 with a 2 GB body is still a 500) */
	size_t keep = r->resp.max < ERRBODY_MAX ? r->resp.max : ERRBODY_MAX;
	if (!lw_buf_failed(&r->resp) && r->resp.len < keep) {
		size_t room = keep - r->resp.len;
		/* the start is all a message needs; it fits by construction */
		int rc = lw_buf_add(&r->resp, data, len < room ? len : room);
		assert(rc == LW_OK);
		(void)rc;
		if (len <= room)
			return len;
	}
	a->err_cut = true;
	return 0;
}

void lw_http_finish(struct lw_http *h, struct lw_http_req *r)
{
	(void)h;
	r->priv_state = ST_DONE;
	lw_http_attempt_free(r);
	if (r->on_done)
		r->on_done(r->ud, r);
}

void lw_http_fail(struct lw_http *h, struct lw_http_req *r, int code,
		  const char *fmt, ...)
{
	char msg[LW_ERR_MSG];
	char *where = lw_http_url_where(r->url);
	va_list ap;
	if (r->status != 404)
		h->errors++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->attempts > 1)
		lw_err_set(&r->err, code, "%s %s: %s (after %d attempts)",
			   r->method ? r->method : "GET", where, msg,
			   r->attempts);
	else
		lw_err_set(&r->err, code, "%s %s: %s",
			   r->method ? r->method : "GET", where, msg);
	r->rc = code;
	free(where);
	lw_log(LW_LOG_ERROR, "request failed: %s", r->err.msg);
	lw_http_finish(h, r);
}

/* The attempt's header list: the request's headers, then this attempt's
 * own (a fresh signature or token), then "Expect:" (curl adds
 * "Expect: 100-continue" to POSTs; one round trip less). The lists it
 * came from are scrubbed (lw_http_attempt_free) as they go. */
static struct curl_slist *attempt_headers(struct lw_http_req *r)
{
	struct curl_slist *all = NULL, *s;
	for (s = r->priv_headers; s; s = s->next)
		all = curl_slist_append(all, s->data);
	for (s = r->priv_attempt; s; s = s->next)
		all = curl_slist_append(all, s->data);
	all = curl_slist_append(all, "Expect:");
	lw_http_attempt_free(r);
	r->priv_attempt = all;	/* freed with the attempt */
	return all;
}

/* Everything an easy handle needs that is the same for every method. */
static void set_options(struct lw_http *h, CURL *e, struct attempt *a,
			struct curl_slist *hdrs, int64_t tmo)
{
	struct lw_http_req *r = a->r;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, a);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)tmo);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)h->o.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->ca_bundle)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_bundle);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
			 (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "lakewatch/" LW_VERSION);
}

/* HEAD, POST (with the body) or another verb; GET is curl's default. */
static void set_method(CURL *e, const struct lw_http_req *r)
{
	if (r->method && strcmp(r->method, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (r->method && strcmp(r->method, "POST") == 0) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)r->body_len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS,
				 r->body ? r->body : "");
	} else if (r->method && strcmp(r->method, "GET") != 0) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	}
}

int lw_http_start(struct lw_http *h, struct lw_http_req *r, int64_t deadline)
{
	struct attempt *a;
	CURL *e;
	int64_t tmo = h->o.timeout_ms;

	assert(h != NULL && r != NULL && r->url != NULL);
	assert(r->priv_state != ST_RUNNING);
	lw_http_attempt_free(r);
	lw_buf_reset(&r->resp);
	lw_buf_reset(&r->hdrs);
	r->status = 0;
	if (h->down) {
		/* the server is down: no attempt pays the whole schedule */
		char why[160];
		lw_http_down(h, why, sizeof(why));
		lw_http_fail(h, r, LW_ENET, "server unreachable: %s", why);
		return LW_ENET;
	}
	r->attempts++;
	if (lw_log_enabled(LW_LOG_DEBUG)) {
		char *w = lw_http_url_where(r->url);
		lw_log(LW_LOG_DEBUG, "%s %s (attempt %d)", r->method ?
		       r->method : "GET", w, r->attempts);
		free(w);
	}
	if (r->prepare) {
		struct lw_err err;
		int rc;
		lw_err_clear(&err);
		rc = r->prepare(r->ud, r, r->attempts, &err);
		if (rc != LW_OK) {
			r->rc = rc;
			r->err = err;
			lw_http_finish(h, r);
			return rc;
		}
	}
	e = curl_easy_init();
	a = lw_xcalloc(1, sizeof(*a));
	if (!e) {
		free(a);
		lw_http_fail(h, r, LW_ENOMEM, "cannot make a curl handle");
		return LW_ENOMEM;
	}
	a->h = h;
	a->r = r;
	r->priv_easy = e;
	if (deadline > 0) {
		int64_t left = deadline - lw_http_now_ms();
		if (left < tmo)
			tmo = left > 1 ? left : 1;
	}
	set_options(h, e, a, attempt_headers(r), tmo);
	set_method(e, r);
	r->priv_state = ST_RUNNING;
	r->priv_next = h->runq;
	h->runq = r;
	h->running++;
	h->requests++;
	curl_multi_add_handle(h->multi, e);
	return LW_OK;
}
