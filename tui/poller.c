/* poller.c - the background thread that polls with lw_engine_poll().
 *
 * The UI never waits for a lake: it asks the poller (poll now, pause, new
 * config) through a mutex and a condition variable, and the poller tells the
 * UI that something changed by writing one byte to the UI's self-pipe (the
 * UI thread blocks in poll() on stdin and that pipe). Finished runs are
 * handed over whole; the UI owns them once taken.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "app.h"
#include "lakewatch/engine.h"
#include "lakewatch/util.h"

static void wake(struct lw_poller *p)
{
	char c = 'w';

	/* Non-blocking pipe: when it is full the UI is awake anyway. */
	if (write(p->wake_fd, &c, 1) < 0 && errno != EAGAIN)
		return;
}

/* Takes a reference; the caller gives it back with lw_cfgref_put. */
struct lw_cfgref *lw_cfgref_get(struct lw_poller *p, struct lw_cfgref *r)
{
	if (!r)
		return NULL;
	pthread_mutex_lock(&p->mu);
	r->refs++;
	pthread_mutex_unlock(&p->mu);
	return r;
}

void lw_cfgref_put(struct lw_poller *p, struct lw_cfgref *r)
{
	bool last;

	if (!r)
		return;
	pthread_mutex_lock(&p->mu);
	last = --r->refs == 0;
	pthread_mutex_unlock(&p->mu);
	if (last) {
		lw_config_free(r->cfg);
		free(r);
	}
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

static void *poll_thread(void *arg)
{
	struct lw_poller *p = arg;

	pthread_mutex_lock(&p->mu);
	while (!p->quit) {
		int64_t now = time(NULL);

		if (p->cfg && (p->now_req || (!p->paused && now >= p->next_at))) {
			struct lw_cfgref *ref = p->cfg;
			struct lw_history *hist = p->hist;
			struct lw_run *run, *old;
			struct lw_cfgref *oldcfg;

			ref->refs++;
			p->now_req = false;
			p->running = true;
			p->done = 0;
			p->total = ref->cfg->ndatasets;
			p->started_at = now;
			atomic_store(&p->cancel, false);
			pthread_mutex_unlock(&p->mu);
			wake(p);

			run = lw_engine_poll(ref->cfg, hist, NULL, progress, p,
					     &p->cancel);

			pthread_mutex_lock(&p->mu);
			p->running = false;
			p->next_at = (int64_t)time(NULL) + p->interval;
			old = p->result;
			oldcfg = p->result_cfg;
			p->result = run;
			p->result_cfg = ref;
			p->next_at = (int64_t)time(NULL) + p->interval;
			pthread_mutex_unlock(&p->mu);
			/* A run the UI never took is simply dropped. */
			if (old)
				lw_run_free(old);
			lw_cfgref_put(p, oldcfg);
			wake(p);
			pthread_mutex_lock(&p->mu);
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

int lw_poller_start(struct lw_poller *p, int wake_fd,
		    struct lw_history *hist, int64_t interval)
{
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
	if (pthread_create(&p->th, NULL, poll_thread, p))
		return -1;
	p->started = true;
	return 0;
}

bool lw_poller_stop(struct lw_poller *p)
{
	if (!p->started)
		return true;
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	atomic_store(&p->cancel, true);
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	{
		/* A lake stuck in a long request must not keep the user
		 * waiting after the terminal is restored: give it a few
		 * seconds, then leave the thread to process exit. */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 3;
		if (pthread_timedjoin_np(p->th, NULL, &ts)) {
			p->started = false;
			return false;
		}
	}
	p->started = false;
	if (p->result)
		lw_run_free(p->result);
	p->result = NULL;
	lw_cfgref_put(p, p->result_cfg);
	p->result_cfg = NULL;
	lw_cfgref_put(p, p->cfg);
	p->cfg = NULL;
	return true;
}

void lw_poller_set_config(struct lw_poller *p, struct lw_cfgref *r)
{
	struct lw_cfgref *old;

	lw_cfgref_get(p, r);
	pthread_mutex_lock(&p->mu);
	old = p->cfg;
	p->cfg = r;
	p->now_req = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	lw_cfgref_put(p, old);
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

void lw_poller_state(struct lw_poller *p, struct lw_pstate *s)
{
	pthread_mutex_lock(&p->mu);
	s->paused = p->paused;
	s->running = p->running;
	s->done = p->done;
	s->total = p->total;
	s->next_at = p->next_at;
	pthread_mutex_unlock(&p->mu);
}
