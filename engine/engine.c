/* engine.c - one poll: observe every selected dataset, then judge each, then
 * record the lot. Judging waits for all observations because a check may
 * compare two datasets (reconcile). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lakewatch/engine.h"
#include "lakewatch/engine_incidents.h"
#include "lakewatch/format.h"
#include "lakewatch/lake.h"
#include "lakewatch/probe.h"
#include "lakewatch/check.h"
#include "lakewatch/util.h"
#include "cache_int.h"

/* The published FNV-1a 64 (offset basis 14695981039346656037), so anyone
 * can compute a dataset's shard in any language. Not lw_hash64: that
 * fingerprint's basis is its own, and the cache keys stored with it must
 * not move. */
static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

bool lw_shard_has(const char *name, unsigned shard, unsigned nshards)
{
	if (nshards <= 1)
		return true;
	return fnv1a64(name) % nshards == shard;
}

int lw_shard_parse(const char *s, unsigned *shard, unsigned *nshards,
		   const char **why)
{
	char *end;
	errno = 0;
	unsigned long k = strtoul(s, &end, 10);
	if (end == s || *end != '/' || *s == '-' || errno) {
		*why = "takes K/N, like 2/3 (the second of three shards)";
		return LW_EPARSE;
	}
	const char *t = end + 1;
	unsigned long n = strtoul(t, &end, 10);
	if (end == t || *end || *t == '-' || errno) {
		*why = "takes K/N, like 2/3 (the second of three shards)";
		return LW_EPARSE;
	}
	if (n < 1 || n > 1024 || k < 1 || k > n) {
		*why = "needs 1 <= K <= N <= 1024";
		return LW_EPARSE;
	}
	*shard = (unsigned)(k - 1);
	*nshards = (unsigned)n;
	return LW_OK;
}

bool lw_filter_match(const struct lw_config *cfg, const struct lw_filter *f,
		     const struct lw_dataset *ds)
{
	if (!f)
		return true;
	if (!lw_shard_has(ds->name, f->shard, f->nshards))
		return false;
	if (f->due && !f->due[ds - cfg->datasets])
		return false;
	if (f->source && (ds->source < 0 ||
			  strcmp(cfg->sources[ds->source].id, f->source) != 0))
		return false;
	if (f->layer >= 0 && (int)ds->layer != f->layer)
		return false;
	if (f->consumer) {
		int c = lw_config_consumer_index(cfg, f->consumer);
		if (c < 0 || !lw_dataset_has_consumer(ds, c))
			return false;
	}
	if (f->dataset) {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(
			f->dataset, NULL);
		int r = pcre2_match(f->dataset, (PCRE2_SPTR)ds->name,
				    PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
		pcre2_match_data_free(md);
		if (r < 0)
			return false;
	}
	return true;
}

/* The UI thread sets the flag; this thread only reads it. */
static bool cancelled(atomic_bool *cancel)
{
	return cancel && atomic_load(cancel);
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct lookup {
	const struct lw_run *run;
};

static const struct lw_obs *lookup_obs(void *ud, const char *name)
{
	const struct lw_run *run = ((struct lookup *)ud)->run;
	for (size_t i = 0; i < run->n; i++)
		if (strcmp(run->ds[i].ds->name, name) == 0)
			return &run->ds[i].obs;	/* failed ones too: say why */
	for (size_t i = 0; i < run->naux; i++)
		if (strcmp(run->aux[i].ds->name, name) == 0)
			return &run->aux[i].obs;
	return NULL;
}

static bool in_run(const struct lw_ds_run *a, size_t n,
		   const struct lw_dataset *ds)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].ds == ds)
			return true;
	return false;
}

/* The datasets that selected checks compare with but the filter left out:
 * they are observed too (and only observed). */
static void select_aux(const struct lw_config *cfg, struct lw_run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		const struct lw_dataset *ds = run->ds[i].ds;
		for (size_t j = 0; j < ds->nchecks; j++) {
			const struct lw_check_inst *ci = &ds->checks[j];
			const char *const *r = ci->kind->refs ?
				ci->kind->refs(ci->cfg) : NULL;
			for (; r && *r; r++) {
				const struct lw_dataset *o =
					lw_config_dataset(cfg, *r);
				if (!o || in_run(run->ds, run->n, o) ||
				    in_run(run->aux, run->naux, o))
					continue;
				run->aux = lw_xrealloc(run->aux, (run->naux + 1) *
						       sizeof *run->aux);
				memset(&run->aux[run->naux], 0, sizeof *run->aux);
				run->aux[run->naux].ds = o;
				lw_obs_init(&run->aux[run->naux].obs);
				lw_obs_init(&run->aux[run->naux].prev);
				run->naux++;
			}
		}
	}
}

static struct lw_result *add_result(struct lw_ds_run *dr)
{
	dr->results = lw_xrealloc(dr->results, (dr->nresults + 1) *
				  sizeof *dr->results);
	struct lw_result *r = &dr->results[dr->nresults++];
	memset(r, 0, sizeof *r);
	return r;
}

/* Files that could not be read make the dataset ERROR: its totals are
 * incomplete, and a silent PASS would hide that. */
static void judge_readable(struct lw_ds_run *dr)
{
	const struct lw_obs *o = &dr->obs;
	if (!o->nferrs && o->nfwarns) {	/* read, but not as they should be */
		char measured[64];
		snprintf(measured, sizeof measured, "%zu file%s with problems",
			 o->nfwarns, o->nfwarns == 1 ? "" : "s");
		lw_result_set(add_result(dr), "readable", LW_WARN, measured,
			      "every file read as written", "%s: %s%s",
			      o->fwarns[0].path, o->fwarns[0].msg,
			      o->nfwarns > 1 ? " (and more files)" : "");
	}
	if (!o->nferrs)
		return;
	char measured[64], threshold[] = "every file readable";
	snprintf(measured, sizeof measured, "%zu of %lld files unreadable",
		 o->nferrs, (long long)o->files);
	lw_result_set(add_result(dr), "readable", LW_ERROR, measured, threshold,
		      "%s: %s%s", o->ferrs[0].path, o->ferrs[0].msg,
		      o->nferrs > 1 ? " (and more files)" : "");
}

static void judge(struct lw_ds_run *dr, struct lookup *lk, int64_t now,
		  struct lw_series_cache *sc)
{
	const struct lw_dataset *ds = dr->ds;
	if (!dr->obs.ok) {
		const char *why = dr->obs.error ? dr->obs.error : "unknown error";
		for (size_t i = 0; i < ds->nchecks; i++)
			lw_result_set(add_result(dr), ds->checks[i].name, LW_ERROR,
				      "not observed", "", "not judged: %s", why);
		if (!ds->nchecks)
			lw_result_set(add_result(dr), "observe", LW_ERROR,
				      "not observed", "", "%s", why);
	} else {
		struct lw_judge_ctx ctx = {ds, &dr->obs,
			dr->has_prev ? &dr->prev : NULL, now, lookup_obs, lk};
		lw_engine_baseline_ctx(dr, &ctx);
		ctx.series = lw_series_cache_get;
		ctx.series_ud = sc;
		ctx.tz = ds->tz;
		sc->holidays = ds->holidays;	/* the series marks them */
		sc->tz = ds->tz;
		for (size_t i = 0; i < ds->nchecks; i++) {
			struct lw_result *r = add_result(dr);
			ds->checks[i].kind->run(ds->checks[i].cfg, &ctx, r);
			if (!r->check)	/* a kind that forgot: never a silent PASS */
				lw_result_set(r, ds->checks[i].name, LW_ERROR, "",
					      "", "check gave no result");
		}
		judge_readable(dr);
		lw_series_cache_clear(sc);
	}
	dr->status = LW_PASS;
	dr->worst = -1;
	for (size_t i = 0; i < dr->nresults; i++)
		if (dr->worst < 0 || dr->results[i].status > dr->status) {
			dr->status = dr->results[i].status;
			dr->worst = (int)i;
		}
	if (dr->worst >= 0 && dr->status == LW_PASS)
		dr->worst = 0;
}

static void note_history_error(struct lw_run *run, const struct lw_err *err)
{
	if (!run->history_error)
		run->history_error = lw_xasprintf("history: %s", err->msg);
}

#ifdef LW_TESTING
/* Test builds only: LAKEWATCH_CRASH_AFTER_RECORD=N kills this process
 * (SIGKILL, as kill -9 or a crash would) once N datasets are recorded, so
 * a test can leave a run with partial results behind. */
static void crash_after(size_t recorded)
{
	const char *e = getenv("LAKEWATCH_CRASH_AFTER_RECORD");
	if (e && *e && strtoul(e, NULL, 10) == recorded)
		raise(SIGKILL);
}
#else
static void crash_after(size_t recorded)
{
	(void)recorded;
}
#endif

#ifdef LW_TESTING
/* Test builds only: LAKEWATCH_LIST_PREFETCH=0 lists one dataset after
 * another, as before, so a test can time both ways in one run. */
static bool list_ahead(void)
{
	const char *e = getenv("LAKEWATCH_LIST_PREFETCH");
	return !e || strcmp(e, "0") != 0;
}
#else
static bool list_ahead(void)
{
	return true;
}
#endif

/* The file datasets of each lake that can list ahead are listed side by
 * side now (prefetch_lists) and observed one by one after, in config
 * order, from those listings. */
static void prefetch_lists(const struct lw_config *cfg, struct lw_run *run)
{
	const char **prefixes = lw_xcalloc(run->n + 1, sizeof *prefixes);
	for (size_t i = 0; i < cfg->nlakes && list_ahead(); i++) {
		struct lw_lake *l = cfg->lakes[i].lake;
		const struct lw_lake_kind *k = l ? lw_lake_base(l)->kind : NULL;
		size_t n = 0;
		if (!k || !k->prefetch_lists || k->observe)
			continue;
		for (size_t j = 0; j < run->n; j++) {
			const struct lw_dataset *ds = run->ds[j].ds;
			if (ds->lake == (int)i && ds->format &&
			    ds->format->probe_file)
				prefixes[n++] = ds->path;
		}
		struct lw_err err;
		if (n > 1)	/* errors: each list() meets its own */
			(void)k->prefetch_lists(l, prefixes, n, &err);
	}
	free(prefixes);
}

static void record(const struct lw_config *cfg, struct lw_history *hist,
		   struct lw_run *run, int64_t now)
{
	struct lw_err err;
	for (size_t i = 0; i < run->n && !run->history_error; i++) {
		struct lw_ds_run *dr = &run->ds[i];
		if (lw_engine_record_notify(cfg, hist, run->id, dr, now, &err))
			note_history_error(run, &err);
		crash_after(i + 1);
	}
	if (!run->history_error &&
	    lw_history_end_run(hist, run->id, run->finished, run->counts, &err))
		note_history_error(run, &err);
}

/* A cancelled poll judges and records only the datasets it observed: the
 * rest were never looked at, and an ERROR "poll cancelled" for each would
 * open incidents whenever `watch` is stopped or restarted mid-poll. They
 * are the tail of run->ds (observed in order). */
static void drop_cancelled(struct lw_run *run, atomic_bool *cancel)
{
	if (!cancelled(cancel))
		return;
	size_t keep = run->n;
	while (keep > 0 && !run->ds[keep - 1].obs.ok &&
	       run->ds[keep - 1].obs.error &&
	       strcmp(run->ds[keep - 1].obs.error, "poll cancelled") == 0)
		keep--;
	for (size_t i = keep; i < run->n; i++) {
		lw_obs_free(&run->ds[i].obs);
		lw_obs_free(&run->ds[i].prev);
		lw_ds_run_free_incidents(&run->ds[i]);
		memset(&run->ds[i], 0, sizeof run->ds[i]);
	}
	run->n = keep;
}

/* Owned by the caller (lw_run_free); never NULL. */
struct lw_run *lw_engine_poll(const struct lw_config *cfg,
			      struct lw_history *hist,
			      const struct lw_filter *filter,
			      lw_progress_cb progress, void *ud,
			      atomic_bool *cancel)
{
	return lw_engine_poll_opts(cfg, hist, filter, NULL, progress, ud,
				   cancel);
}

/* Owned by the caller (lw_run_free); never NULL. */
/* Observe every selected dataset (and the aux ones a check compares
 * with), each remote lake's deadline being for the whole poll; with its
 * previous observation and baselines from hist. */
static void observe_all(const struct lw_config *cfg, struct lw_history *hist,
			struct lw_run *run, bool no_cache,
			lw_progress_cb progress, void *ud, atomic_bool *cancel)
{
	struct lw_err err;
	for (size_t i = 0; i < cfg->nlakes; i++) {
		struct lw_lake *l = cfg->lakes[i].lake;
		if (l)	/* a dataset in flight stops on cancel too */
			lw_lake_base(l)->cancel = cancel;
		if (l && lw_lake_base(l)->kind->begin_poll)
			lw_lake_base(l)->kind->begin_poll(l);
	}
	if (!cancelled(cancel))
		prefetch_lists(cfg, run);
	for (size_t i = 0; i < run->n; i++) {
		struct lw_ds_run *dr = &run->ds[i];
		lw_obs_init(&dr->obs);
		lw_obs_init(&dr->prev);
		double t0 = mono();
		if (cancelled(cancel))
			lw_obs_fail(&dr->obs, "poll cancelled");
		else
			lw_engine_observe(cfg, hist, dr->ds, lw_now(),
					  &dr->obs, no_cache);
		dr->seconds = mono() - t0;
		bool found = false;
		if (hist && lw_history_prev_obs(hist, dr->ds->name, run->id,
						&dr->prev, &found, &err))
			note_history_error(run, &err);
		dr->has_prev = found;
		if (hist && lw_engine_baseline(hist, dr, run->id, &err))
			note_history_error(run, &err);
		if (progress)
			progress(ud, i + 1, run->n, dr);
	}
	drop_cancelled(run, cancel);
	select_aux(cfg, run);
	for (size_t i = 0; i < run->naux; i++)
		if (!cancelled(cancel))
			lw_engine_observe(cfg, hist, run->aux[i].ds, lw_now(),
					  &run->aux[i].obs, no_cache);
		else
			lw_obs_fail(&run->aux[i].obs, "poll cancelled");
	for (size_t i = 0; i < cfg->nlakes; i++)
		if (cfg->lakes[i].lake)
			lw_lake_base(cfg->lakes[i].lake)->cancel = NULL;
}

/* Judge every dataset, mark lineage, and step the incidents. */
static void judge_all(const struct lw_config *cfg, struct lw_history *hist,
		      struct lw_run *run, int64_t now)
{
	struct lw_err err;
	struct lookup lk = {run};
	struct lw_series_cache sc;	/* the anomaly rule's past, per dataset */
	lw_series_cache_init(&sc, hist, run->id);
	for (size_t i = 0; i < run->n; i++) {
		judge(&run->ds[i], &lk, now, &sc);
		run->counts[run->ds[i].status]++;
		if (run->ds[i].status > run->status)
			run->status = run->ds[i].status;
	}
	lw_series_cache_done(&sc);
	lw_lineage_mark(cfg, run);	/* impacted and root; no status change */
	if (hist && !run->history_error &&
	    lw_engine_incidents(cfg, hist, run, now, &err))
		note_history_error(run, &err);
}

struct lw_run *lw_engine_poll_opts(const struct lw_config *cfg,
				   struct lw_history *hist,
				   const struct lw_filter *filter,
				   const struct lw_poll_opts *opts,
				   lw_progress_cb progress, void *ud,
				   atomic_bool *cancel)
{
	struct lw_run *run = lw_xcalloc(1, sizeof *run);
	run->started = lw_now();
	run->ds = lw_xcalloc(cfg->ndatasets + 1, sizeof *run->ds);
	for (size_t i = 0; i < cfg->ndatasets; i++)
		if (lw_filter_match(cfg, filter, &cfg->datasets[i]))
			run->ds[run->n++].ds = &cfg->datasets[i];
	struct lw_err err;
	if (hist && lw_history_begin_run(hist, run->started, cfg->name, &run->id,
					 &err)) {
		note_history_error(run, &err);
		hist = NULL;
	}
	run->naborted = lw_history_found_aborted(hist, &run->aborted);
	observe_all(cfg, hist, run, opts && opts->no_cache, progress, ud,
		    cancel);
	int64_t now = lw_now();
	judge_all(cfg, hist, run, now);
	run->finished = lw_now();
	if (hist) {
		record(cfg, hist, run, now);
		if (!run->history_error && cfg->retention > 0 &&
		    lw_history_prune(hist, now - cfg->retention, &err))
			note_history_error(run, &err);
		lw_engine_cache_prune(cfg, hist, now);
	}
	if (run->history_error)
		run->status = LW_ERROR;
	return run;
}
