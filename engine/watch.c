/* watch.c - the loop of `lakewatch watch` (watch.h): wait until the
 * earliest dataset is due (plus jitter), poll every dataset due by then in
 * one lw_engine_poll, take the run, publish the exposition; take a new
 * config between polls; stop when asked, cancelling a poll in flight.
 *
 * Scheduling uses the monotonic clock: a test build's pinned LAKEWATCH_NOW
 * judges ages, it must not stop the loop from waking.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lakewatch/engine.h"
#include "lakewatch/notifier.h"
#include "lakewatch/util.h"
#include "watch_int.h"

/* A dataset due this close after the wake-up is polled with the others:
 * intervals that are equal stay together. */
#define DUE_SLACK 0.5

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t interval_of(const struct lw_config *cfg,
			   const struct lw_dataset *ds)
{
	int64_t iv = ds->interval > 0 ? ds->interval : cfg->interval;
	return iv > 0 ? iv : 300;
}

/* See watch_int.h. */
double lw_watch_jitter(unsigned *seed, double shortest)
{
	double max = shortest / 20 < 5 ? shortest / 20 : 5;
	return max * ((double)rand_r(seed) / RAND_MAX);
}

static double jitter(struct lw_watch *w, double shortest)
{
	return lw_watch_jitter(&w->seed, shortest);
}

/* Whether this watch polls the dataset at all (its shard). */
static bool mine(const struct lw_watch *w, const struct lw_dataset *ds)
{
	return lw_shard_has(ds->name, w->shard, w->nshards);
}

/* The monotonic time of the next poll: an hour on when no dataset is in
 * this watch's shard (a reload may bring some), so the loop never spins. */
static double next_wake(struct lw_watch *w)
{
	const struct lw_config *cfg = w->ref->cfg;
	double first = -1, shortest = -1;
	bool any = false;
	for (size_t i = 0; i < cfg->ndatasets; i++) {
		if (!mine(w, &cfg->datasets[i]))
			continue;
		any = true;
		double iv = (double)interval_of(cfg, &cfg->datasets[i]);
		if (first < 0 || w->next_due[i] < first)
			first = w->next_due[i];
		if (shortest < 0 || iv < shortest)
			shortest = iv;
	}
	if (!any)
		return mono() + 3600;
	if (first <= 0)
		return 0;	/* never polled: now */
	return first + jitter(w, shortest);
}

/* Mark what is due at t; the count. */
static size_t mark_due(struct lw_watch *w, double t)
{
	const struct lw_config *cfg = w->ref->cfg;
	size_t n = 0;
	for (size_t i = 0; i < cfg->ndatasets; i++)
		n += (w->due[i] = mine(w, &cfg->datasets[i]) &&
			w->next_due[i] <= t + DUE_SLACK);
	return n;
}

/* Called with mu held: a reload waiting is taken (its first poll polls
 * every dataset). */
static void take_config(struct lw_watch *w)
{
	if (!w->next_cfg)
		return;
	lw_watch_bank_lakes(w);
	struct lw_cfgref *old = w->ref;
	w->ref = w->next_cfg;
	w->next_cfg = NULL;
	lw_watch_reset_state(w);
	lw_cfgref_put(old);
}

static void poll_due(struct lw_watch *w, size_t ndue)
{
	const struct lw_config *cfg = w->ref->cfg;
	struct lw_filter f = {.layer = -1, .due = w->due, .shard = w->shard,
			      .nshards = w->nshards};
	size_t nmine = 0;
	for (size_t i = 0; i < cfg->ndatasets; i++)
		nmine += mine(w, &cfg->datasets[i]);
	char sh[48] = "";
	if (w->nshards > 1)
		snprintf(sh, sizeof sh, " in shard %u/%u", w->shard + 1,
			 w->nshards);
	lw_watch_logf(w, LW_LOG_INFO, NULL, NULL, "poll started: %zu of %zu "
		      "datasets due%s", ndue, nmine, sh);
	double t0 = mono();
	struct lw_run *run = lw_engine_poll(cfg, w->hist, &f, NULL, NULL,
					    &w->cancel);
	double secs = mono() - t0;
	for (size_t i = 0; i < run->n; i++) {
		size_t at = (size_t)(run->ds[i].ds - cfg->datasets);
		w->next_due[at] = t0 + (double)interval_of(cfg, run->ds[i].ds);
	}
	bool complete = run->n == ndue;
	lw_metrics_hist_observe(&w->polls, secs);
	lw_watch_take_run(w, run);	/* its events first; run is still held */
	if (w->notify)
		lw_notify_thread_kick(w->notify);	/* the outbox is committed */
	lw_watch_logf(w, run->history_error ? LW_LOG_ERROR : LW_LOG_INFO,
		      NULL, NULL, "poll finished%s in %.2fs: %zu datasets, "
		      "%d pass, %d warn, %d fail, %d error",
		      complete ? "" : " (cancelled)", secs, run->n,
		      run->counts[LW_PASS], run->counts[LW_WARN],
		      run->counts[LW_FAIL], run->counts[LW_ERROR]);
	lw_watch_publish(w);
	if (complete && !w->ready && w->srv)
		lw_serve_set_ready(w->srv, true);
	w->ready = w->ready || complete;
}

/* Wait, with mu held, until t (monotonic) or a stop or reload. */
static void wait_until(struct lw_watch *w, double t)
{
	struct timespec ts = {.tv_sec = (time_t)t,
			      .tv_nsec = (long)((t - (double)(time_t)t) * 1e9)};
	while (!w->quit && !w->next_cfg && mono() < t)
		pthread_cond_timedwait(&w->cv, &w->mu, &ts);
}

/* See watch.h. */
int lw_watch_run(struct lw_watch *w)
{
	pthread_mutex_lock(&w->mu);
	lw_watch_publish(w);	/* build info before the first poll */
	while (!w->quit) {
		take_config(w);
		double at = next_wake(w);
		if (at > mono()) {
			wait_until(w, at);
			continue;	/* woken early: stop, reload, or look again */
		}
		size_t ndue = mark_due(w, mono());
		pthread_mutex_unlock(&w->mu);
		if (ndue)
			poll_due(w, ndue);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return 0;
}

/* See watch.h. */
void lw_watch_set_shard(struct lw_watch *w, unsigned shard, unsigned nshards)
{
	assert(nshards == 0 || shard < nshards);
	w->shard = shard;
	w->nshards = nshards;
}

/* See watch.h. */
void lw_watch_set_notifier(struct lw_watch *w, struct lw_notify_thread *t)
{
	w->notify = t;
}

/* The caller owns the result (lw_watch_free). */
struct lw_watch *lw_watch_new(struct lw_cfgref *cfg, struct lw_history *hist,
			      struct lw_serve *srv, lw_watch_log_cb log,
			      void *ud)
{
	struct lw_watch *w = lw_xcalloc(1, sizeof *w);
	pthread_condattr_t ca;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&w->cancel, false);
	w->ref = cfg;
	w->hist = hist;
	w->srv = srv;
	w->log = log;
	w->ud = ud;
	w->seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	lw_watch_reset_state(w);
	return w;
}

void lw_watch_set_config(struct lw_watch *w, struct lw_cfgref *cfg)
{
	pthread_mutex_lock(&w->mu);
	lw_cfgref_put(w->next_cfg);	/* two reloads in a row: the last */
	w->next_cfg = cfg;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void lw_watch_stop(struct lw_watch *w)
{
	pthread_mutex_lock(&w->mu);
	w->quit = true;
	atomic_store(&w->cancel, true);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void lw_watch_free(struct lw_watch *w)
{
	if (!w)
		return;
	lw_watch_free_state(w);
	lw_cfgref_put(w->ref);
	lw_cfgref_put(w->next_cfg);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
