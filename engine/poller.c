/* poller.c - the background thread that polls with lw_engine_poll().
 *
 * The UI never waits for a lake: it asks the poller (poll now, pause, new
 * config) through a mutex and a condition variable, and the poller tells the
 * UI that something changed by writing one byte to the UI's self-pipe (the
 * UI thread blocks in poll() on stdin and that pipe). Finished runs are
 * handed over whole; the UI owns them once taken.
 *
 * This is the only caller of lw_engine_poll() outside `lakewatch check`.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lakewatch/engine.h"
#include "lakewatch/poller.h"
#include "lakewatch/util.h"

struct lw_poller {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int wake_fd;		/* write end of the UI's self-pipe */
	/* guarded by mu: */
	struct lw_history *hist;	/* the poll thread's handle, may be NULL */
	struct lw_cfgref *cfg;	/* polled next; a reference */
	int64_t interval;
	bool paused, quit, now_req, running;
	bool no_cache;			/* lw_poller_set_no_cache */
	size_t done, total;
	int64_t next_at, started_at;	/* time(NULL) seconds */
	struct lw_run *result;		/* finished, not yet taken */
	struct lw_cfgref *result_cfg;
	atomic_bool cancel;		/* set by the UI thread to stop a poll */
};

static void wake(struct lw_poller *p)
{
	char c = 'w';

	/* Non-blocking pipe: when it is full the UI is awake anyway. */
	if (write(p->wake_fd, &c, 1) < 0 && errno != EAGAIN)
		return;
}

static void progress(void *ud, size_t done, size_t total,
		     const struct lw_ds_run *just_done)
{
	struct lw_poller *p = ud;

	(void)just_done;
	pthread_mutex_lock(&p->mu);
	p->done = done;
	p->total = total;
	pthread_mutex_unlock(&p->mu);
	wake(p);
}

/* One poll with the current config. Called and returns with mu held; drops
 * it while polling. */
static void poll_once(struct lw_poller *p, int64_t now)
{
	struct lw_cfgref *ref = lw_cfgref_get(p->cfg);
	struct lw_history *hist = p->hist;
	struct lw_run *run, *old;
	struct lw_cfgref *oldcfg;

	p->now_req = false;
	p->running = true;
	p->done = 0;
	p->total = ref->cfg->ndatasets;
	p->started_at = now;
	atomic_store(&p->cancel, false);
	struct lw_poll_opts po = {p->no_cache};	/* read under mu */
	pthread_mutex_unlock(&p->mu);
	wake(p);

	run = lw_engine_poll_opts(ref->cfg, hist, NULL, &po, progress, p,
				  &p->cancel);

	pthread_mutex_lock(&p->mu);
	p->running = false;
	p->next_at = (int64_t)time(NULL) + p->interval;
	old = p->result;
	oldcfg = p->result_cfg;
	p->result = run;
	p->result_cfg = ref;
	pthread_mutex_unlock(&p->mu);
	/* A run the UI never took is simply dropped. */
	if (old)
		lw_run_free(old);
	lw_cfgref_put(oldcfg);
	wake(p);
	pthread_mutex_lock(&p->mu);
}

static void *poll_thread(void *arg)
{
	struct lw_poller *p = arg;

	pthread_mutex_lock(&p->mu);
	while (!p->quit) {
		int64_t now = time(NULL);

		if (p->cfg && (p->now_req || (!p->paused && now >= p->next_at))) {
			poll_once(p, now);
			continue;
		}
		if (p->paused || !p->cfg) {
			pthread_cond_wait(&p->cv, &p->mu);
		} else {
			struct timespec ts = { .tv_sec = p->next_at };

			pthread_cond_timedwait(&p->cv, &p->mu, &ts);
		}
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The caller owns the poller and ends it with lw_poller_stop. */
struct lw_poller *lw_poller_start(int wake_fd, struct lw_history *hist,
				  int64_t interval)
{
	struct lw_poller *p = lw_xcalloc(1, sizeof *p);
	pthread_condattr_t ca;

	p->wake_fd = wake_fd;
	p->hist = hist;
	p->interval = interval > 0 ? interval : 300;
	p->next_at = 0;
	pthread_mutex_init(&p->mu, NULL);
	/* CLOCK_REALTIME (the default) so next_at can be in time() units. */
	pthread_condattr_init(&ca);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&p->th, NULL, poll_thread, p)) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
		free(p);
		return NULL;
	}
	return p;
}

bool lw_poller_stop(struct lw_poller *p)
{
	struct timespec ts;

	if (!p)
		return true;
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	atomic_store(&p->cancel, true);
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	/* A lake stuck in a long request must not keep the user waiting
	 * after the terminal is restored: give it a few seconds, then leave
	 * the thread to process exit. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 3;
	if (pthread_timedjoin_np(p->th, NULL, &ts))
		return false;
	if (p->result)
		lw_run_free(p->result);
	lw_cfgref_put(p->result_cfg);
	lw_cfgref_put(p->cfg);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
	return true;
}

void lw_poller_set_config(struct lw_poller *p, struct lw_cfgref *r)
{
	struct lw_cfgref *old;

	lw_cfgref_get(r);
	pthread_mutex_lock(&p->mu);
	old = p->cfg;
	p->cfg = r;
	p->now_req = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	lw_cfgref_put(old);
}

void lw_poller_now(struct lw_poller *p)
{
	pthread_mutex_lock(&p->mu);
	p->now_req = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void lw_poller_pause(struct lw_poller *p, bool paused)
{
	pthread_mutex_lock(&p->mu);
	p->paused = paused;
	if (!paused && p->next_at < (int64_t)time(NULL))
		p->next_at = time(NULL);
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void lw_poller_set_no_cache(struct lw_poller *p, bool no_cache)
{
	pthread_mutex_lock(&p->mu);
	p->no_cache = no_cache;
	pthread_mutex_unlock(&p->mu);
}

void lw_poller_set_interval(struct lw_poller *p, int64_t secs)
{
	pthread_mutex_lock(&p->mu);
	if (secs > 0 && secs != p->interval) {
		p->next_at += secs - p->interval;
		p->interval = secs;
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
}

void lw_poller_set_history(struct lw_poller *p, struct lw_history *h)
{
	pthread_mutex_lock(&p->mu);
	p->hist = h;
	pthread_mutex_unlock(&p->mu);
}

bool lw_poller_take(struct lw_poller *p, struct lw_run **run,
		    struct lw_cfgref **cfg)
{
	bool got;

	pthread_mutex_lock(&p->mu);
	got = p->result != NULL;
	*run = p->result;
	*cfg = p->result_cfg;
	p->result = NULL;
	p->result_cfg = NULL;
	pthread_mutex_unlock(&p->mu);
	return got;
}

void lw_poller_state(struct lw_poller *p, struct lw_poller_state *s)
{
	pthread_mutex_lock(&p->mu);
	s->paused = p->paused;
	s->running = p->running;
	s->done = p->done;
	s->total = p->total;
	s->next_at = p->next_at;
	pthread_mutex_unlock(&p->mu);
}
