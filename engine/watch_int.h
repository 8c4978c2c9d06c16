/* watch_int.h - the parts of engine/watch*.c: the loop's state. */
#ifndef LAKEWATCH_WATCH_INT_H
#define LAKEWATCH_WATCH_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include "lakewatch/watch.h"
#include "lakewatch/metrics.h"
#include "lakewatch/run.h"

/* The latest run that observed one dataset, and its place in that run. */
struct watch_slot {
	struct lw_run *run;		/* held in watch->runs, NULL: not yet */
	size_t i;
};

/* A lake's counters from configs that were replaced (by name), so the
 * exposition's counters never go back on a reload. */
struct watch_lake_acc {
	char *name;			/* owned */
	int64_t requests, bytes, retries, errors;
};

struct lw_watch {
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* CLOCK_MONOTONIC */
	/* guarded by mu: */
	struct lw_cfgref *next_cfg;	/* a reload waiting for the loop */
	bool quit;
	atomic_bool cancel;		/* read by the poll between datasets */
	/* the loop thread's alone: */
	struct lw_cfgref *ref;		/* polled now */
	struct lw_history *hist;	/* borrowed */
	struct lw_serve *srv;		/* borrowed */
	struct lw_notify_thread *notify;	/* borrowed, may be NULL */
	lw_watch_log_cb log;
	void *ud;
	double *next_due;		/* monotonic seconds, per dataset */
	bool *due;
	struct watch_slot *latest;	/* per dataset of ref */
	struct lw_run **runs;		/* owned: every run a slot points at */
	size_t nruns;
	struct watch_lake_acc *acc;	/* owned */
	size_t nacc;
	struct lw_metrics_hist polls;
	bool ready;
	unsigned seed;			/* jitter */
	unsigned shard, nshards;	/* --shard: 0 of 0 is every dataset */
};

/* printf into the event callback. */
void lw_watch_logf(struct lw_watch *w, enum lw_log_level lvl,
		   const char *dataset, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* watch_state.c: take run in (its datasets become the latest), logging
 * status changes and incident events. run becomes w's. */
/* Seconds added to a wake-up: up to 5% of the shortest interval, at most
 * 5 s, drawn from *seed, so many watchers started together do not hit a
 * lake at the same second for ever. */
double lw_watch_jitter(unsigned *seed, double shortest);
void lw_watch_take_run(struct lw_watch *w, struct lw_run *run);
/* Forget every run and slot (a new config): lake counters are kept. */
void lw_watch_reset_state(struct lw_watch *w);
/* Render both formats from the latest state and publish them. */
void lw_watch_publish(struct lw_watch *w);
void lw_watch_free_state(struct lw_watch *w);
/* Before a config is replaced: its lakes' counters join the totals. */
void lw_watch_bank_lakes(struct lw_watch *w);

#endif
