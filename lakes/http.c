/* http.c - queued, retried, bounded HTTP requests over curl multi.
 *
 * One multi handle per client keeps the connection cache, so a listing's
 * pages and 2,000 ranged GETs reuse a handful of connections (or HTTP/2
 * streams). Each attempt gets a fresh easy handle: that keeps the state of
 * a failed attempt from leaking into the next, and costs nothing next to a
 * round trip.
 */
#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "lakewatch/http.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

#define HDRS_MAX	(64 * LW_BUF_1K)
#define ERRBODY_MAX	(64 * LW_BUF_1K)
#define BODY_DEFAULT	(16 * LW_BUF_1M)

enum { ST_IDLE = 0, ST_WAITING, ST_RUNNING, ST_DONE };

struct lw_http {
	CURLM *multi;
	struct lw_http_opts o;
	char *ca_bundle;
	struct lw_http_req *waiting;	/* not started yet, or backing off */
	struct lw_http_req *runq;	/* in flight */
	int running;
	int64_t requests, bytes_in;
	uint64_t rng;
};

/* Per-attempt callback state lives in the request's private fields; the
 * write callback's verdict travels here. */
struct attempt {
	struct lw_http *h;
	struct lw_http_req *r;
	int cb_rc;			/* set when a callback stopped it */
	struct lw_err cb_err;
};

static void unlink_running(struct lw_http *h, struct lw_http_req *r);

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

void lw_http_req_init(struct lw_http_req *r)
{
	memset(r, 0, sizeof(*r));
	lw_buf_init(&r->resp, BODY_DEFAULT);
	lw_buf_init(&r->hdrs, HDRS_MAX);
}

/* Header lists carry Authorization (keys' signatures, bearer tokens):
 * scrubbed before they go back to the allocator. */
static void wipe_slist(struct curl_slist *l)
{
	for (; l; l = l->next)
		if (l->data)
			lw_secret_wipe(l->data, strlen(l->data));
}

static void free_attempt(struct lw_http_req *r)
{
	wipe_slist(r->priv_attempt);
	curl_slist_free_all(r->priv_attempt);
	r->priv_attempt = NULL;
}

void lw_http_req_free(struct lw_http_req *r)
{
	if (!r)
		return;
	if (r->priv_easy)
		curl_easy_cleanup(r->priv_easy);
	r->priv_easy = NULL;
	wipe_slist(r->priv_headers);
	curl_slist_free_all(r->priv_headers);
	r->priv_headers = NULL;
	free_attempt(r);
	/* a URL may hold a SAS, a body a client secret (Entra's form) */
	lw_secret_free(r->url);
	if (r->body)
		lw_secret_wipe(r->body, strlen(r->body));
	free(r->body);
	r->url = r->body = NULL;
	lw_buf_free(&r->resp);
	lw_buf_free(&r->hdrs);
}

void lw_http_req_reset(struct lw_http_req *r)
{
	free_attempt(r);
	lw_buf_reset(&r->resp);
	lw_buf_reset(&r->hdrs);
	r->status = 0;
	r->rc = LW_OK;
	lw_err_clear(&r->err);
	r->attempts = 0;
	r->body_bytes = 0;
	r->priv_state = ST_IDLE;
}

static struct curl_slist *slist_vaddf(struct curl_slist *l, const char *fmt,
				      va_list ap)
{
	char line[8192];
	struct curl_slist *n;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = curl_slist_append(l, line);
	if (!n) {
		fprintf(stderr, "lakewatch: out of memory\n");
		abort();
	}
	return n;
}

void lw_http_req_header(struct lw_http_req *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	r->priv_headers = slist_vaddf(r->priv_headers, fmt, ap);
	va_end(ap);
}

void lw_http_req_attempt_header(struct lw_http_req *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	r->priv_attempt = slist_vaddf(r->priv_attempt, fmt, ap);
	va_end(ap);
}

/* Owner: the caller's buf. */
const char *lw_http_resp_header(const struct lw_http_req *r,
				const char *name, char *buf, size_t n)
{
	const char *p = r->hdrs.data, *end;
	size_t nl = strlen(name);
	const char *found = NULL;
	size_t flen = 0;

	if (!p || !n)
		return NULL;
	end = p + r->hdrs.len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		if ((size_t)(le - p) > nl && p[nl] == ':' &&
		    strncasecmp(p, name, nl) == 0) {
			const char *v = p + nl + 1, *ve = le;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && isspace((unsigned char)ve[-1]))
				ve--;
			found = v;
			flen = (size_t)(ve - v);
		}
		p = eol ? eol + 1 : end;
	}
	if (!found)
		return NULL;
	if (flen >= n)
		flen = n - 1;
	memcpy(buf, found, flen);
	buf[flen] = '\0';
	return buf;
}

/* Owner: caller frees. */
char *lw_http_url_where(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	const char *at, *end;
	char *s;
	p = p ? p + 3 : (url ? url : "");
	end = p + strcspn(p, "?#");
	/* user:password@ in the authority part */
	at = memchr(p, '@', (size_t)(end - p));
	if (at && memchr(p, '/', (size_t)(at - p)) == NULL)
		p = at + 1;
	s = lw_xstrndup(p, (size_t)(end - p));
	lw_redact(s);
	return s;
}

/* Owner: caller frees. */
char *lw_http_escape(const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = lw_xmalloc(n * 3 + 1), *o = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' ||
		    c == '~' || (keep_slash && c == '/')) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

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
	/* an error answer: keep its start for the message */
	size_t keep = r->resp.max < ERRBODY_MAX ? r->resp.max : ERRBODY_MAX;
	if (!lw_buf_failed(&r->resp) && r->resp.len < keep) {
		size_t room = keep - r->resp.len;
		/* the start is all a message needs; it fits by construction */
		int rc = lw_buf_add(&r->resp, data, len < room ? len : room);
		assert(rc == LW_OK);
		(void)rc;
	}
	return len;
}

/* --- one attempt --- */

static uint64_t rnd(struct lw_http *h)
{
	h->rng ^= h->rng << 13;
	h->rng ^= h->rng >> 7;
	h->rng ^= h->rng << 17;
	return h->rng;
}

static void finish(struct lw_http *h, struct lw_http_req *r)
{
	(void)h;
	r->priv_state = ST_DONE;
	free_attempt(r);
	if (r->on_done)
		r->on_done(r->ud, r);
}

static void fail(struct lw_http *h, struct lw_http_req *r, int code,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail(struct lw_http *h, struct lw_http_req *r, int code,
		 const char *fmt, ...)
{
	char msg[LW_ERR_MSG];
	char *where = lw_http_url_where(r->url);
	va_list ap;
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
	finish(h, r);
}

static int start(struct lw_http *h, struct lw_http_req *r, int64_t deadline)
{
	struct attempt *a;
	struct curl_slist *all = NULL, *s;
	CURL *e;
	int64_t tmo = h->o.timeout_ms;

	free_attempt(r);
	lw_buf_reset(&r->resp);
	lw_buf_reset(&r->hdrs);
	r->status = 0;
	r->attempts++;
	if (r->prepare) {
		struct lw_err err;
		int rc;
		lw_err_clear(&err);
		rc = r->prepare(r->ud, r, r->attempts, &err);
		if (rc != LW_OK) {
			r->rc = rc;
			r->err = err;
			finish(h, r);
			return rc;
		}
	}
	e = curl_easy_init();
	a = lw_xcalloc(1, sizeof(*a));
	if (!e) {
		free(a);
		fail(h, r, LW_ENOMEM, "cannot make a curl handle");
		return LW_ENOMEM;
	}
	a->h = h;
	a->r = r;
	r->priv_easy = e;
	for (s = r->priv_headers; s; s = s->next)
		all = curl_slist_append(all, s->data);
	for (s = r->priv_attempt; s; s = s->next)
		all = curl_slist_append(all, s->data);
	/* curl adds "Expect: 100-continue" to POSTs; one round trip less */
	all = curl_slist_append(all, "Expect:");
	curl_slist_free_all(r->priv_attempt);
	r->priv_attempt = all;	/* freed with the attempt */

	if (deadline > 0) {
		int64_t left = deadline - lw_http_now_ms();
		if (left < tmo)
			tmo = left > 1 ? left : 1;
	}
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, a);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, all);
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
	r->priv_state = ST_RUNNING;
	r->priv_next = h->runq;
	h->runq = r;
	h->running++;
	h->requests++;
	curl_multi_add_handle(h->multi, e);
	return LW_OK;
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

static int curl_rc(CURLcode c)
{
	switch (c) {
	case CURLE_OPERATION_TIMEDOUT:
		return LW_ETIMEOUT;
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_WRITE_ERROR:
		return LW_EIO;
	default:
		return LW_ENET;
	}
}

static int status_rc(long s)
{
	switch (s) {
	case 401: return LW_EAUTH;
	case 403: return LW_EPERM;
	case 404: return LW_ENOTFOUND;
	case 408: case 504: return LW_ETIMEOUT;
	default: return LW_EIO;
	}
}

/* Describe a transport failure naming the host, so a DNS or TLS problem
 * says where to look. */
static void curl_msg(struct lw_http_req *r, CURLcode c, char *buf, size_t n)
{
	char *where = lw_http_url_where(r->url);
	char *slash = strchr(where, '/');
	if (slash)
		*slash = '\0';
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(buf, n, "cannot resolve host '%s' (DNS)", where);
		break;
	case CURLE_COULDNT_CONNECT:
		snprintf(buf, n, "cannot connect to '%s'", where);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
		snprintf(buf, n, "TLS with '%s' failed: %s (check the "
			 "certificate, or set \"ca_bundle\")", where,
			 curl_easy_strerror(c));
		break;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(buf, n, "no complete answer from '%s' in time", where);
		break;
	case CURLE_PARTIAL_FILE:
		snprintf(buf, n, "answer from '%s' was cut short", where);
		break;
	default:
		snprintf(buf, n, "%s (host '%s')", curl_easy_strerror(c), where);
	}
	free(where);
}

static void schedule_retry(struct lw_http *h, struct lw_http_req *r,
			   int64_t delay)
{
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

static void complete(struct lw_http *h, CURLMsg *m, int64_t deadline)
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
	curl_multi_remove_handle(h->multi, e);
	curl_easy_cleanup(e);
	r->priv_easy = NULL;
	h->running--;
	unlink_running(h, r);

	if (a->cb_rc != LW_OK) {
		/* a callback stopped it: its verdict stands */
		int cbrc = a->cb_rc;
		free(a);
		if (cbrc == LW_ETOOBIG)
			fail(h, r, cbrc, "answer larger than %zu bytes",
			     r->resp.max);
		else if (cbrc == LW_ESTOP) {
			r->rc = cbrc;
			finish(h, r);
		} else
			fail(h, r, cbrc, "stopped while reading the answer");
		return;
	}
	free(a);
	if (c != CURLE_OK) {
		curl_msg(r, c, msg, sizeof(msg));
		rc = curl_rc(c);
		retry = retry_curl(c);
	} else if (r->status >= 200 && r->status < 300) {
		r->rc = LW_OK;
		finish(h, r);
		return;
	} else {
		snprintf(msg, sizeof(msg), "HTTP %ld", r->status);
		rc = status_rc(r->status);
		retry = retry_status(r->status);
	}
	if (retry && !r->no_retry && r->attempts <= h->o.retries) {
		int64_t d = backoff(h, r);
		if (!deadline || lw_http_now_ms() + d < deadline) {
			schedule_retry(h, r, d);
			return;
		}
	}
	fail(h, r, rc, "%s", msg);
}

void lw_http_add(struct lw_http *h, struct lw_http_req *r)
{
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

static void unlink_running(struct lw_http *h, struct lw_http_req *r)
{
	struct lw_http_req **pp = &h->runq;
	while (*pp && *pp != r)
		pp = &(*pp)->priv_next;
	if (*pp)
		*pp = r->priv_next;
	r->priv_next = NULL;
}

/* Stop everything still queued or running with a timeout error. */
static void expire_all(struct lw_http *h)
{
	struct lw_http_req *r;

	while ((r = h->waiting)) {
		h->waiting = r->priv_next;
		r->priv_next = NULL;
		fail(h, r, LW_ETIMEOUT, "not done before the poll timeout");
	}
	while ((r = h->runq)) {
		struct attempt *a = NULL;
		CURL *e = r->priv_easy;
		h->runq = r->priv_next;
		r->priv_next = NULL;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&a);
		curl_multi_remove_handle(h->multi, e);
		curl_easy_cleanup(e);
		r->priv_easy = NULL;
		free(a);
		h->running--;
		fail(h, r, LW_ETIMEOUT, "not done before the poll timeout");
	}
}

int lw_http_run(struct lw_http *h, int64_t deadline)
{
	int timed_out = 0;

	while (h->waiting || h->running) {
		int64_t now = lw_http_now_ms(), wait = 1000;
		struct lw_http_req **pp, *r;
		CURLMsg *m;
		int still, left;

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
				start(h, r, deadline);
			} else {
				pp = &r->priv_next;
			}
		}
		curl_multi_perform(h->multi, &still);
		while ((m = curl_multi_info_read(h->multi, &left)))
			if (m->msg == CURLMSG_DONE)
				complete(h, m, deadline);
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
	if (timed_out) {
		expire_all(h);
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
