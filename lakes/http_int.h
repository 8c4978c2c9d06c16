/* http_int.h - the HTTP client's internals, shared by its files only:
 * http.c (the client and its run loop over curl multi), http_req.c
 * (request objects: headers, answers, URL helpers), http_attempt.c (one
 * attempt: curl set-up and the callbacks), http_retry.c (retry or not,
 * backoff, Retry-After) and http_errors.c (naming what went wrong).
 * The public API is include/lakewatch/http.h.
 */
#ifndef LAKEWATCH_HTTP_INT_H
#define LAKEWATCH_HTTP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <curl/curl.h>

#include "lakewatch/err.h"
#include "lakewatch/http.h"

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
	int64_t connects;	/* connections curl opened, its own
				 * reconnects included (lw_http_count) */
	int64_t retries, errors;	/* lw_http_faults */
	uint64_t rng;
	/* the dead-server breaker: failures in a row, since when (wall) */
	int fails_in_row;
	int64_t fails_since;
	bool down;
	char fail_msg[256];	/* the last failure ("cannot connect to ..") */
};

/* Per-attempt callback state lives in the request's private fields; the
 * write callback's verdict travels here. */
struct attempt {
	struct lw_http *h;
	struct lw_http_req *r;
	int cb_rc;			/* set when a callback stopped it */
	bool err_cut;			/* an error answer's body was cut at
					 * ERRBODY_MAX: its status stands */
	struct lw_err cb_err;
};

/* http_req.c: drop the attempt's own header list (scrubbed). */
void lw_http_attempt_free(struct lw_http_req *r);
/* http_attempt.c: start r's next attempt on h's multi handle (LW_OK), or
 * finish r with the reason it could not start. */
int lw_http_start(struct lw_http *h, struct lw_http_req *r, int64_t deadline);
/* http_attempt.c: r is done (r->rc, r->err set): on_done runs. */
void lw_http_finish(struct lw_http *h, struct lw_http_req *r);
/* http_attempt.c: finish r with code and "METHOD where: message". */
void lw_http_fail(struct lw_http *h, struct lw_http_req *r, int code,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* http_retry.c: a transfer curl says is done: finish, fail or retry. */
void lw_http_complete(struct lw_http *h, CURLMsg *m, int64_t deadline);
/* http.c: count a transport failure (transport) or an answer toward
 * the dead-server breaker. */
void lw_http_note(struct lw_http *h, const char *msg, bool transport);
/* http.c: add the connections attempt e opened to h's count
 * (CURLINFO_NUM_CONNECTS: a transfer that lost its reused connection and
 * reconnected counts both); call before the easy handle is cleaned up. */
void lw_http_count(struct lw_http *h, CURL *e);
/* http.c: take r off h's in-flight list. */
void lw_http_unlink_running(struct lw_http *h, struct lw_http_req *r);
/* http_errors.c: LW_* codes for curl results and HTTP statuses, and a
 * message for a transport failure naming the host (into buf). */
int lw_http_curl_rc(CURLcode c);
int lw_http_status_rc(long s);
void lw_http_curl_msg(struct lw_http_req *r, CURLcode c, char *buf, size_t n);

#endif
