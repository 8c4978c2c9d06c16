/* thread.c - the sender thread for `watch`: its own history handle, a
 * pass over the outbox every second or when kicked (a poll committed).
 * A pass starts requests for PASS_MS; each request runs until its answer
 * or its own timeout (10 s), so an endpoint slower than a pass is still
 * delivered. A stop cuts the request in flight (its message stays as it
 * was: sent again at the next start), then flushes what is due (the last
 * poll's notices) for at most FLUSH_MS, so stop answers within a few
 * seconds. Polling never waits for it: a slow or dead endpoint only
 * slows this thread.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lakewatch/cfgref.h"
#include "lakewatch/http.h"
#include "lakewatch/log.h"
#include "lakewatch/notifier.h"
#include "lakewatch/util.h"

#define PASS_MS 4000	/* one pass; also the longest a stop waits */
#define IDLE_MS 1000	/* between passes when nobody kicks */
#define FLUSH_MS 3000	/* the pass at stop: every request ends by then */

struct lw_notify_thread {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, kicked;
	struct lw_cfgref *cfg;		/* held: what s sends for */
	struct lw_cfgref *next;		/* held: a reload not yet taken */
	struct lw_history *h;		/* owned, this thread's only */
	struct lw_notify_sender *s;	/* owned, used by the thread only */
	struct lw_notify_stats stats;	/* owned: the last pass's copy */
	lw_notify_log_cb log;		/* each sender's event log */
	void *log_ud;
};

/* A sender over the thread's config and history, logging where told. */
static struct lw_notify_sender *new_sender(struct lw_notify_thread *t)
{
	struct lw_notify_sender *s = lw_notify_sender_new(t->cfg->cfg, t->h);
	lw_notify_sender_set_log(s, t->log, t->log_ud);
	return s;
}

/* Take a pending reload: a new sender over the new config. Called by the
 * thread with mu held; the old config's reference goes back. */
static void take_reload(struct lw_notify_thread *t)
{
	if (!t->next)
		return;
	lw_notify_sender_free(t->s);
	free(t->stats.v);
	memset(&t->stats, 0, sizeof t->stats);
	lw_cfgref_put(t->cfg);
	t->cfg = t->next;
	t->next = NULL;
	t->s = new_sender(t);
}

static void wait_kick(struct lw_notify_thread *t)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (IDLE_MS % 1000) * 1000000L;
	ts.tv_sec += IDLE_MS / 1000 + ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	while (!t->stop && !t->kicked && !t->next)
		if (pthread_cond_timedwait(&t->cv, &t->mu, &ts))
			break;
	t->kicked = false;
}

static void *run(void *ud)
{
	struct lw_notify_thread *t = ud;
	pthread_mutex_lock(&t->mu);
	while (!t->stop) {
		take_reload(t);
		struct lw_notify_sender *s = t->s;
		pthread_mutex_unlock(&t->mu);
		lw_notify_deliver_until(s, lw_http_now_ms() + PASS_MS, 0);
		struct lw_notify_stats st;
		lw_notify_sender_stats(s, &st);
		pthread_mutex_lock(&t->mu);
		free(t->stats.v);
		t->stats = st;
		wait_kick(t);
	}
	take_reload(t);
	pthread_mutex_unlock(&t->mu);
	/* stopping: what the last poll enqueued goes now, bounded */
	lw_notify_sender_cancel(t->s, false);
	int64_t end = lw_http_now_ms() + FLUSH_MS;
	lw_notify_deliver_until(t->s, end, end);
	return NULL;
}

/* Owned by the caller until lw_notify_thread_stop; cfg gets a reference
 * of its own. */
struct lw_notify_thread *lw_notify_thread_start(struct lw_cfgref *cfg,
						const char *history_path,
						lw_notify_log_cb log, void *ud,
						struct lw_err *err)
{
	struct lw_notify_thread *t = lw_xcalloc(1, sizeof *t);
	if (lw_history_open(history_path, false, &t->h, err) != LW_OK) {
		lw_err_prefix(err, "notify");
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	t->cfg = lw_cfgref_get(cfg);
	t->log = log;
	t->log_ud = ud;
	t->s = new_sender(t);
	if (pthread_create(&t->th, NULL, run, t)) {
		lw_err_set(err, LW_EIO, "notify: cannot start the sender "
			   "thread");
		lw_notify_sender_free(t->s);
		lw_cfgref_put(t->cfg);
		lw_history_close(t->h);
		pthread_mutex_destroy(&t->mu);
		pthread_cond_destroy(&t->cv);
		free(t);
		return NULL;
	}
	return t;
}

void lw_notify_thread_kick(struct lw_notify_thread *t)
{
	pthread_mutex_lock(&t->mu);
	t->kicked = true;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

/* The thread takes its own reference to cfg. */
void lw_notify_thread_reload(struct lw_notify_thread *t,
			     struct lw_cfgref *cfg)
{
	pthread_mutex_lock(&t->mu);
	lw_cfgref_put(t->next);
	t->next = lw_cfgref_get(cfg);
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

void lw_notify_thread_stop(struct lw_notify_thread *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = true;
	lw_notify_sender_cancel(t->s, true);	/* a slow request ends */
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->th, NULL);
	lw_notify_sender_free(t->s);
	lw_history_close(t->h);
	lw_cfgref_put(t->cfg);
	lw_cfgref_put(t->next);
	free(t->stats.v);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t);
}

/* out->v is the caller's (free); its names borrow from the thread's
 * config, valid until the next reload is taken. */
void lw_notify_thread_stats(struct lw_notify_thread *t,
			    struct lw_notify_stats *out)
{
	pthread_mutex_lock(&t->mu);
	*out = t->stats;
	out->v = lw_xcalloc(t->stats.n + 1, sizeof *out->v);
	for (size_t i = 0; i < t->stats.n; i++) {
		out->v[i] = t->stats.v[i];
		out->v[i].channel = lw_xstrdup(t->stats.v[i].channel);
	}
	pthread_mutex_unlock(&t->mu);
}

/* Frees what lw_notify_thread_stats copied; st itself is the caller's. */
void lw_notify_stats_free(struct lw_notify_stats *st)
{
	for (size_t i = 0; st && i < st->n; i++)
		free((char *)st->v[i].channel);
	if (st)
		free(st->v);
}

bool lw_notify_thread_failing(struct lw_notify_thread *t, char *msg,
			      size_t n)
{
	pthread_mutex_lock(&t->mu);
	bool failing = t->stats.failing > 0;
	if (failing)
		snprintf(msg, n, "notify: %d channel%s failing: %s",
			 t->stats.failing, t->stats.failing == 1 ? "" : "s",
			 t->stats.last_error);
	pthread_mutex_unlock(&t->mu);
	return failing;
}
