/* sender.c - deliver the outbox: render each due message through its
 * channel kind, POST it, classify the answer, and mark the message
 * delivered, rejected (reported, never retried), expired (older than
 * max_age) or due again later (exponential backoff, Retry-After, the
 * kind's min_interval_ms between two requests).
 *
 * At least once: a message is marked after its answer, so a crash
 * between the two sends it again; the notices' dedup keys make that
 * harmless. A channel's messages go oldest first and a newer one waits
 * for the older, so notices arrive in order.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lakewatch/notifier.h"
#include "lakewatch/http.h"
#include "lakewatch/log.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "notify_int.h"

#define BACKOFF_FIRST 10	/* seconds; doubles per attempt */
#define BACKOFF_MAX 3600
#define RETRY_AFTER_MAX (6 * 3600)	/* a service's own wait, honoured */
#define STALE_RUN 3600		/* a run unfinished this long was killed */
#define REQ_TIMEOUT_MS 10000

struct chan_stats {
	int64_t sent, failed, pending;
	int64_t last_req_ms;	/* monotonic, for min_interval_ms */
	bool failing;
};

struct lw_notify_sender {
	const struct lw_config *cfg;
	struct lw_history *h;
	struct lw_http *http;
	pthread_mutex_t lock;	/* stats and last_error */
	struct chan_stats *st;	/* one per cfg->notify channel */
	size_t nst;
	char last_error[256];
	/* messages given up on since the sender started (rejected or
	 * expired), for lw_notify_say_pending; the first few in words */
	char gaveup[4][320];
	size_t ngaveup;
	atomic_bool cancel;	/* lw_notify_sender_cancel: ends a request */
	lw_notify_log_cb log;	/* the event log (watch's stderr), or NULL */
	void *log_ud;
};

/* A line for the diagnostic log (--log) and the event log, redacted. */
static void say(struct lw_notify_sender *s, enum lw_log_level lvl,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(struct lw_notify_sender *s, enum lw_log_level lvl,
		const char *fmt, ...)
{
	char line[600];
	va_list ap;
	va_start(ap, fmt);
	lw_redact_vfmt(line, sizeof line, fmt, ap);
	va_end(ap);
	lw_log(lvl, "%s", line);
	if (s->log)
		s->log(s->log_ud, lvl, line);
}

/* Owned by the caller (lw_notify_sender_free). */
struct lw_notify_sender *lw_notify_sender_new(const struct lw_config *cfg,
					      struct lw_history *h)
{
	struct lw_notify_sender *s = lw_xcalloc(1, sizeof *s);
	struct lw_http_opts o = {.parallel = 1, .timeout_ms = REQ_TIMEOUT_MS,
				 .connect_timeout_ms = 5000, .retries = 0,
				 .down_after = -1};
	s->cfg = cfg;
	s->h = h;
	atomic_init(&s->cancel, false);
	o.cancel = &s->cancel;
	s->http = lw_http_new(&o);
	pthread_mutex_init(&s->lock, NULL);
	s->nst = cfg->notify ? cfg->notify->nchannels : 0;
	s->st = lw_xcalloc(s->nst + 1, sizeof *s->st);
	return s;
}

void lw_notify_sender_free(struct lw_notify_sender *s)
{
	if (!s)
		return;
	lw_http_free(s->http);
	pthread_mutex_destroy(&s->lock);
	free(s->st);
	free(s);
}

/* The answer in words, redacted, into out: "503: body..." or "no answer
 * (timed out)". Never the URL: a webhook's path is its secret. */
static void answer_text(const struct lw_http_req *r, char *out, size_t n)
{
	if (!r->status) {
		snprintf(out, n, "no answer (%s)", r->rc == LW_ETIMEOUT ?
			 "timed out" : "connection failed");
		return;
	}
	char body[160] = "";
	if (r->resp.data && r->resp.len) {
		size_t k = r->resp.len < sizeof body - 1 ? r->resp.len :
			sizeof body - 1;
		memcpy(body, r->resp.data, k);
		body[k] = 0;
		for (char *p = body; *p; p++)
			if (*p == '\n' || *p == '\r' || *p == '\t')
				*p = ' ';
	}
	lw_redact_fmt(out, n, "%ld%s%s", r->status, *body ? ": " : "", body);
}

/* When the channel may make its next request (monotonic ms): its last
 * one plus the kind's min_interval_ms; 0 when it may now. */
static int64_t next_req_at(const struct chan_stats *cs, int min_ms)
{
	if (min_ms <= 0 || !cs->last_req_ms)
		return 0;
	return cs->last_req_ms + min_ms;
}

/* Wait out the kind's min_interval_ms since the channel's last request,
 * at most until deadline_ms (0: no limit). */
static void pace(struct chan_stats *cs, int min_ms, int64_t deadline_ms)
{
	int64_t now = lw_http_now_ms(), at = next_req_at(cs, min_ms);
	if (at <= now)
		return;
	if (deadline_ms && at > deadline_ms)
		at = deadline_ms;
	if (at > now) {
		struct timespec ts = {(at - now) / 1000,
				      ((at - now) % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
}

/* POST one request, ended at deadline_ms (0: only the request timeout);
 * *retry_after gets a Retry-After in seconds, or -1. */
static enum lw_deliver post(struct lw_notify_sender *s,
			    const struct lw_notify_channel *c,
			    struct chan_stats *cs, struct lw_notify_req *q,
			    int64_t deadline_ms, int64_t *retry_after,
			    char *answer, size_t n)
{
	struct lw_http_req r;
	struct lw_err err;
	char v[64];
	lw_http_req_init(&r);
	r.method = "POST";
	r.url = q->url;
	r.body = q->body;
	r.body_len = q->len;
	r.max_body = 64 * 1024;
	r.no_retry = true;
	q->url = q->body = NULL;	/* r owns them now */
	for (size_t i = 0; i < q->nheaders; i++)
		lw_http_req_header(&r, "%s", q->headers[i]);
	pace(cs, c->kind->min_interval_ms, deadline_ms);
	lw_http_do(s->http, &r, deadline_ms, &err);
	cs->last_req_ms = lw_http_now_ms();
	const char *ra = lw_http_resp_header(&r, "Retry-After", v, sizeof v);
	*retry_after = ra ? lw_http_retry_after(ra, lw_now()) : -1;
	answer_text(&r, answer, n);
	enum lw_deliver d = c->kind->classify(c->state, r.status,
					      r.resp.data ? r.resp.data : "",
					      r.resp.len);
	lw_http_req_free(&r);
	return d;
}

/* Render b through channel c and send every request; the worst outcome
 * wins (a retry sends them all again: at least once). */
static enum lw_deliver send_batch(struct lw_notify_sender *s, size_t ci,
				  const struct lw_notice_batch *b,
				  int64_t deadline_ms, int64_t *retry_after,
				  char *answer, size_t n)
{
	const struct lw_notify_channel *c = &s->cfg->notify->channels[ci];
	struct lw_notify_req *reqs = NULL;
	size_t nreqs = 0;
	struct lw_err err;
	enum lw_deliver worst = LW_DELIVERED;
	*retry_after = -1;
	if (c->kind->render(c->state, b, &reqs, &nreqs, &err) != LW_OK) {
		lw_redact_fmt(answer, n, "could not render: %s", err.msg);
		return LW_REJECTED;
	}
	for (size_t i = 0; i < nreqs; i++) {
		int64_t ra = -1;
		enum lw_deliver d = worst == LW_DELIVERED ?
			post(s, c, &s->st[ci], &reqs[i], deadline_ms, &ra,
			     answer, n) : worst;
		if (ra > *retry_after)
			*retry_after = ra;
		if (d > worst)	/* DELIVERED < RETRY < REJECTED */
			worst = d;
		lw_notify_req_free(&reqs[i]);
	}
	free(reqs);
	return worst;
}

static int64_t backoff(int attempts, int64_t retry_after)
{
	int64_t b = BACKOFF_FIRST;
	for (int i = 1; i < attempts && b < BACKOFF_MAX; i++)
		b *= 2;
	if (b > BACKOFF_MAX)
		b = BACKOFF_MAX;
	if (retry_after > b)
		b = retry_after < RETRY_AFTER_MAX ? retry_after :
			RETRY_AFTER_MAX;
	return b;
}

static void note(struct lw_notify_sender *s, size_t ci, bool ok,
		 const char *what, bool gaveup)
{
	pthread_mutex_lock(&s->lock);
	if (gaveup && s->ngaveup++ < sizeof s->gaveup / sizeof *s->gaveup)
		snprintf(s->gaveup[s->ngaveup - 1], sizeof *s->gaveup, "%s",
			 what);
	if (ok) {
		s->st[ci].sent++;
		s->st[ci].failing = false;
	} else {
		s->st[ci].failed++;
		s->st[ci].failing = true;
		snprintf(s->last_error, sizeof s->last_error, "%s", what);
	}
	pthread_mutex_unlock(&s->lock);
}

/* Send one due message and mark it. true when it is done with
 * (delivered, rejected): the channel's next message may go. A message
 * whose channel may not make a request before start_by (Slack's one a
 * second) is left for the next pass, untried: waiting is not a failure.
 * The requests end at end_by (0: each its own timeout). */
static bool deliver_one(struct lw_notify_sender *s, size_t ci,
			const struct lw_outbox_msg *m, int64_t start_by,
			int64_t end_by)
{
	struct lw_notice_batch b;
	struct lw_err err;
	char answer[200], line[320];
	int64_t ra;
	const struct lw_notify_channel *c = &s->cfg->notify->channels[ci];
	if (next_req_at(&s->st[ci], c->kind->min_interval_ms) >= start_by)
		return false;
	struct lw_notify_decoded *d = lw_notify_decode(s->cfg, m, &b);
	enum lw_deliver r = send_batch(s, ci, &b, end_by, &ra, answer,
				       sizeof answer);
	lw_notify_decoded_free(d);
	if (r != LW_DELIVERED && atomic_load(&s->cancel))
		return false;	/* cut short by a stop: untouched, sent again
				 * (at least once) */
	int64_t now = lw_now();
	int attempts = m->attempts + 1;
	enum lw_outbox_state st = r == LW_DELIVERED ? LW_OUTBOX_DELIVERED :
		r == LW_REJECTED ? LW_OUTBOX_REJECTED : LW_OUTBOX_PENDING;
	int64_t next = st == LW_OUTBOX_PENDING ? now + backoff(attempts, ra) :
		now;
	lw_redact_fmt(line, sizeof line, "notify: channel \"%s\": message %lld"
		      " (%zu notices) %s: %s", m->channel, (long long)m->id,
		      m->n, r == LW_DELIVERED ? "delivered" : r == LW_REJECTED ?
		      "rejected, not retried" : "failed, will retry", answer);
	say(s, r == LW_DELIVERED ? LW_LOG_INFO : LW_LOG_WARN, "%s", line);
	note(s, ci, r == LW_DELIVERED, line, r == LW_REJECTED);
	if (lw_history_outbox_mark(s->h, m->id, st, attempts, next,
				   r == LW_DELIVERED ? NULL : answer, now,
				   &err) != LW_OK)
		say(s, LW_LOG_ERROR, "notify: %s", err.msg);
	return st != LW_OUTBOX_PENDING;
}

/* Expire m when it is past max_age. true when it was. */
static bool expire(struct lw_notify_sender *s, const struct lw_outbox_msg *m,
		   int64_t now)
{
	struct lw_err err;
	if (now - m->created <= s->cfg->notify->max_age)
		return false;
	say(s, LW_LOG_WARN, "notify: channel \"%s\": message %lld expired "
	       "after %d attempts (last: %s)", m->channel, (long long)m->id,
	       m->attempts, m->error ? m->error : "never sent");
	char what[300];
	snprintf(what, sizeof what, "notify: channel \"%s\": message %lld "
		 "expired (last: %s)", m->channel, (long long)m->id,
		 m->error ? m->error : "never sent");
	int ci = lw_notify_channel_index(s->cfg->notify, m->channel);
	if (ci >= 0)
		note(s, (size_t)ci, false, what, true);
	if (lw_history_outbox_mark(s->h, m->id, LW_OUTBOX_EXPIRED, m->attempts,
				   m->next_at, m->error, now, &err) != LW_OK)
		say(s, LW_LOG_ERROR, "notify: %s", err.msg);
	return true;
}

/* One pass over the channels' oldest messages, starting none after
 * start_by; true when any was done with (so the next of its channel may
 * be due). */
static bool pass(struct lw_notify_sender *s, int64_t start_by, int64_t end_by)
{
	struct lw_outbox_msg *m = NULL;
	size_t n = 0;
	struct lw_err err;
	bool progressed = false;
	int64_t now = lw_now();
	if (lw_history_outbox_heads(s->h, now - STALE_RUN, &m, &n, &err)) {
		say(s, LW_LOG_ERROR, "notify: %s", err.msg);
		return false;
	}
	for (size_t i = 0; i < n && lw_http_now_ms() < start_by &&
	     !atomic_load(&s->cancel); i++) {
		int ci = lw_notify_channel_index(s->cfg->notify, m[i].channel);
		if (expire(s, &m[i], now)) {
			progressed = true;
			continue;
		}
		if (ci < 0 || m[i].next_at > now)
			continue;	/* not configured now: waits (reload) */
		progressed |= deliver_one(s, (size_t)ci, &m[i], start_by,
					  end_by);
	}
	lw_outbox_msgs_free(m, n);
	return progressed;
}

static size_t count_pending(struct lw_notify_sender *s)
{
	char **names = NULL;
	int64_t *counts = NULL;
	size_t n = 0, total = 0;
	struct lw_err err;
	if (lw_history_outbox_pending(s->h, &names, &counts, &n, &err))
		say(s, LW_LOG_ERROR, "notify: %s", err.msg);
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->nst; i++)
		s->st[i].pending = 0;
	for (size_t i = 0; i < n; i++) {
		int ci = lw_notify_channel_index(s->cfg->notify, names[i]);
		if (ci >= 0)
			s->st[ci].pending = counts[i];
		total += (size_t)counts[i];
		free(names[i]);
	}
	pthread_mutex_unlock(&s->lock);
	free(names);
	free(counts);
	return total;
}

/* See notifier.h. */
void lw_notify_sender_set_log(struct lw_notify_sender *s, lw_notify_log_cb cb,
			      void *ud)
{
	s->log = cb;
	s->log_ud = ud;
}

/* See notifier.h. */
void lw_notify_sender_cancel(struct lw_notify_sender *s, bool on)
{
	atomic_store(&s->cancel, on);
}

/* See notifier.h. */
size_t lw_notify_deliver_until(struct lw_notify_sender *s, int64_t start_by,
			       int64_t end_by)
{
	if (!s->cfg->notify)
		return 0;
	while (lw_http_now_ms() < start_by && pass(s, start_by, end_by))
		;
	return count_pending(s);
}

/* See notifier.h. */
size_t lw_notify_deliver(struct lw_notify_sender *s, int64_t deadline_ms)
{
	return lw_notify_deliver_until(s, deadline_ms, deadline_ms);
}

/* See notifier.h. */
void lw_notify_say_pending(struct lw_notify_sender *s, FILE *f)
{
	struct lw_outbox_msg *m = NULL;
	size_t n = 0;
	struct lw_err err;
	if (!s->cfg->notify)
		return;
	size_t shown = s->ngaveup < sizeof s->gaveup / sizeof *s->gaveup ?
		s->ngaveup : sizeof s->gaveup / sizeof *s->gaveup;
	for (size_t i = 0; i < shown; i++)
		fprintf(f, "lakewatch: %s\n", s->gaveup[i]);
	if (s->ngaveup > shown)
		fprintf(f, "lakewatch: notify: %zu more messages given up on "
			"(see the log)\n", s->ngaveup - shown);
	count_pending(s);
	if (lw_history_outbox_heads(s->h, lw_now() + 1, &m, &n, &err) ==
	    LW_OK)
		for (size_t i = 0; i < n; i++) {
			int ci = lw_notify_channel_index(s->cfg->notify,
							 m[i].channel);
			char line[400];
			lw_redact_fmt(line, sizeof line, "lakewatch: notify: "
				      "channel \"%s\": %lld message(s) not "
				      "delivered yet (last: %s); they are "
				      "kept and sent later", m[i].channel,
				      ci >= 0 ? (long long)s->st[ci].pending :
				      1LL, m[i].error ? m[i].error :
				      "not tried yet");
			fprintf(f, "%s\n", line);
		}
	lw_outbox_msgs_free(m, n);
}

/* See notifier.h. */
void lw_notify_sender_stats(struct lw_notify_sender *s,
			    struct lw_notify_stats *out)
{
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&s->lock);
	out->v = lw_xcalloc(s->nst + 1, sizeof *out->v);
	out->n = s->nst;
	for (size_t i = 0; i < s->nst; i++) {
		out->v[i].channel = s->cfg->notify->channels[i].name;
		out->v[i].sent = s->st[i].sent;
		out->v[i].failed = s->st[i].failed;
		out->v[i].pending = s->st[i].pending;
		out->failing += s->st[i].failing;
	}
	snprintf(out->last_error, sizeof out->last_error, "%s",
		 out->failing ? s->last_error : "");
	pthread_mutex_unlock(&s->lock);
}

/* See notifier.h. */
enum lw_deliver lw_notify_send_test(const struct lw_config *cfg, size_t ci,
				    char *answer, size_t n)
{
	struct lw_notify_sender *s = lw_notify_sender_new(cfg, NULL);
	struct lw_notice nt = {0};
	char summary[150];
	int64_t now = lw_now(), ra;
	snprintf(summary, sizeof summary, "lakewatch test notice from %s",
		 cfg->name);
	nt.kind = LW_NOTICE_TEST;
	nt.dedup_key = "lakewatch-test";
	nt.dataset = "lakewatch.test";
	nt.check = "notify";
	nt.consumers = "";
	nt.status = LW_WARN;
	nt.summary = summary;
	nt.description = "a test from `lakewatch notify test`: no incident";
	nt.opened = nt.at = now;
	struct lw_notice_batch b = {cfg->name, "test", &nt, 1};
	enum lw_deliver d = send_batch(s, ci, &b, lw_http_now_ms() +
				       REQ_TIMEOUT_MS, &ra, answer, n);
	lw_notify_sender_free(s);
	return d;
}
