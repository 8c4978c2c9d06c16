/* http.h - a small HTTP client over libcurl's multi interface.
 *
 * Shared by the remote lake kinds (azure, powerbi) and Entra ID tokens.
 * One client holds one curl multi handle, so connections (and HTTP/2
 * streams) are reused across every request it runs. Requests are queued and
 * run with at most `parallel` in flight. Failures that may pass (408, 429,
 * 500, 502, 503, 504, connection errors, timeouts, truncated bodies) are
 * retried with exponential backoff and jitter, honouring Retry-After, a
 * bounded number of times. TLS verification is always on.
 *
 * A client is used by one thread at a time.
 */
#ifndef LAKEWATCH_HTTP_H
#define LAKEWATCH_HTTP_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "lakewatch/buf.h"
#include "lakewatch/err.h"

struct lw_http;
struct lw_http_req;

struct lw_http_opts {
	int parallel;		/* requests in flight; 0 = 16 */
	int64_t timeout_ms;	/* one attempt, connect to last byte; 0 = 30 s */
	int64_t connect_timeout_ms;	/* 0 = 10 s */
	int retries;		/* extra attempts after the first; -1 = 4 */
	int64_t backoff_ms;	/* first backoff; 0 = 200 ms (doubles) */
	int64_t backoff_max_ms;	/* cap, also for Retry-After; 0 = 30 s */
	const char *ca_bundle;	/* PEM file of extra trusted CAs, or NULL */
	int down_after;		/* transport failures in a row after which the
				 * server is taken as down and every request
				 * fails at once; 0 = 5, < 0 = never */
	const atomic_bool *cancel;	/* borrowed, or NULL: once true,
				 * lw_http_run ends within 100 ms and every
				 * request it held fails with LW_ESTOP
				 * ("cancelled"); another thread may set it */
};

/* Called before every attempt (first and retries): add the headers that
 * depend on the attempt (dates, signatures, bearer tokens, a Range that
 * resumes a stream) with lw_http_req_header(). Return LW_OK, or an error
 * (with err filled) to give up on the request. */
typedef int (*lw_http_prepare_cb)(void *ud, struct lw_http_req *r,
				  int attempt, struct lw_err *err);
/* Body bytes of a 2xx answer, as they arrive. Not LW_OK: stop (the request
 * ends with that code). */
typedef int (*lw_http_chunk_cb)(void *ud, const char *data, size_t len);
/* Called once when a request has finished (ok or not), in the thread that
 * runs lw_http_run(). */
typedef void (*lw_http_done_cb)(void *ud, struct lw_http_req *r);

struct lw_http_req {
	/* --- set by the caller (lw_http_req_init clears it) --- */
	const char *method;	/* "GET" (default), "HEAD", "POST" */
	char *url;		/* owned (lw_http_req_free) */
	char *body;		/* owned, request body (POST), may be NULL */
	size_t body_len;
	size_t max_body;	/* ceiling of resp; 0 = 16 MiB */
	lw_http_prepare_cb prepare;
	lw_http_chunk_cb on_chunk;	/* set: 2xx bodies go here, not resp */
	lw_http_done_cb on_done;
	void *ud;
	bool no_retry;		/* one attempt only */

	/* --- results --- */
	long status;		/* last HTTP status, 0 when none arrived */
	int rc;			/* LW_OK for a 2xx answer */
	struct lw_err err;	/* rc != LW_OK: "GET host/path: 503 ..." */
	struct lw_buf resp;	/* body (2xx without on_chunk, or error
				 * bodies, at most 64 KiB) */
	struct lw_buf hdrs;	/* last answer's headers, "Name: value\r\n" */
	int attempts;
	int64_t body_bytes;	/* body bytes received over all attempts */

	/* --- private --- */
	void *priv_headers;	/* struct curl_slist *: fixed headers */
	void *priv_attempt;	/* struct curl_slist *: this attempt's */
	void *priv_easy;
	struct lw_http_req *priv_next;
	int64_t priv_ready_ms;
	int priv_state;
};

/* Make a client. opts may be NULL (defaults). Caller owns it
 * (lw_http_free). Never fails except on out-of-memory (aborts). */
struct lw_http *lw_http_new(const struct lw_http_opts *opts);
void lw_http_free(struct lw_http *h);

void lw_http_req_init(struct lw_http_req *r);
void lw_http_req_free(struct lw_http_req *r);
/* Reset results and this-attempt headers so r can be queued again; the
 * fixed headers and url stay. */
void lw_http_req_reset(struct lw_http_req *r);
/* A header for every attempt ("x-ms-version: 2021-12-02"). Copied. */
void lw_http_req_header(struct lw_http_req *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A header for this attempt only (call from prepare). Copied. */
void lw_http_req_attempt_header(struct lw_http_req *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The value of a response header of r's last answer (case-insensitive
 * name), copied into buf; NULL when absent. */
const char *lw_http_resp_header(const struct lw_http_req *r,
				const char *name, char *buf, size_t n);

/* Queue r (not owned: it must live until it is done). */
void lw_http_add(struct lw_http *h, struct lw_http_req *r);
/* Run every queued request to completion. deadline_ms is an absolute
 * monotonic time (lw_http_now_ms()) after which requests still pending
 * fail with LW_ETIMEOUT; 0 = none. Returns LW_OK, or LW_ETIMEOUT when the
 * deadline passed. Each request's own rc says how it went. */
int lw_http_run(struct lw_http *h, int64_t deadline_ms);
/* Add r and run it alone. Returns r->rc; err gets r->err on failure. */
int lw_http_do(struct lw_http *h, struct lw_http_req *r, int64_t deadline_ms,
	       struct lw_err *err);

int64_t lw_http_now_ms(void);	/* monotonic milliseconds */
/* Whether h took its server as down (a run of down_after connection
 * failures or timeouts without an answer between them); when it did and
 * msg is not NULL, msg gets "12 connection failures in a row since
 * 03:12:05". */
bool lw_http_down(const struct lw_http *h, char *msg, size_t n);
/* Forget the run of failures: the next poll tries the server again. */
void lw_http_revive(struct lw_http *h);
/* Requests sent (attempts) and body bytes received since lw_http_new. */
void lw_http_stats(const struct lw_http *h, int64_t *requests,
		   int64_t *bytes_in);
/* Connections opened since lw_http_new: every new one curl made, its own
 * reconnects (a reused connection the server had closed) included; a
 * request over a kept connection adds none. */
int64_t lw_http_connects(const struct lw_http *h);
/* Since lw_http_new: retries scheduled (an attempt after the first), and
 * requests that ended in failure for good (a transport error, or an
 * answer other than 2xx after the retries; a 404 is an answer — a blob
 * that is not there — and is not counted). */
void lw_http_faults(const struct lw_http *h, int64_t *retries,
		    int64_t *errors);

/* "host/path" of url: no scheme, user, query or fragment, so it can go in
 * messages (queries carry SAS signatures). Caller frees. */
char *lw_http_url_where(const char *url);
/* Whether url may be sent a secret: https://, or http:// to a loopback
 * host (localhost, 127.x, [::1]: Azurite, stand-ins) or to a link-local
 * one (169.254.x: the IMDS endpoint, plain HTTP by design). */
bool lw_http_url_private(const char *url);
/* Config check for a URL that secrets go to (node: where it was given,
 * what: "lake \"adls\": \"endpoint\""): plain http:// elsewhere is a
 * config error, unless allow ("allow_insecure_http": true), then a
 * warning on stderr. Returns LW_OK or LW_ECONFIG. */
struct lw_cfgctx;
struct cJSON;
int lw_http_cfg_secure(struct lw_cfgctx *cc, const struct cJSON *node,
		       const char *what, const char *url, bool allow);
/* Percent-encode s for a URL path (keep_slash) or a query value. Caller
 * frees. Unreserved characters stay as they are. */
char *lw_http_escape(const char *s, bool keep_slash);
/* Seconds of a Retry-After value (delta-seconds or an HTTP date); -1. */
int64_t lw_http_retry_after(const char *v, int64_t now);

#endif
