/* watch_state.c - what `watch` knows between polls: the latest
 * observation of every dataset (a poll only holds the datasets that were
 * due), the events a new poll brings (status changes, incidents), and the
 * exposition made from it all. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/incident.h"
#include "lakewatch/lake.h"
#include "lakewatch/util.h"
#include "lakewatch/notifier.h"
#include "watch_int.h"

#define EXPOSITION_MAX ((size_t)256 * 1024 * 1024)

void lw_watch_logf(struct lw_watch *w, enum lw_log_level lvl,
		   const char *dataset, const char *check, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (w->log)
		w->log(w->ud, lvl, dataset, check, msg);
}

static const struct lw_result *find_result(const struct lw_ds_run *dr,
					   const char *check)
{
	for (size_t i = 0; dr && i < dr->nresults; i++)
		if (dr->results[i].check && !strcmp(dr->results[i].check, check))
			return &dr->results[i];
	return NULL;
}

static enum lw_log_level level_of(enum lw_status s)
{
	return s == LW_PASS ? LW_LOG_INFO : s == LW_WARN ? LW_LOG_WARN :
	       LW_LOG_ERROR;
}

/* Each check whose status differs from the dataset's last poll (a check
 * seen for the first time is news only when it does not pass). */
static void log_changes(struct lw_watch *w, const struct lw_ds_run *dr,
			const struct lw_ds_run *old)
{
	for (size_t i = 0; i < dr->nresults; i++) {
		const struct lw_result *r = &dr->results[i];
		const char *check = r->check ? r->check : "?";
		const struct lw_result *p = find_result(old, check);
		if (p ? p->status == r->status : r->status == LW_PASS)
			continue;
		lw_watch_logf(w, level_of(r->status), dr->ds->name, check,
			      "status %s (was %s): %s", lw_status_name(r->status),
			      p ? lw_status_name(p->status) : "unknown",
			      r->message ? r->message : "");
	}
}

static void log_incidents(struct lw_watch *w, const struct lw_ds_run *dr)
{
	static const char *const what[] = {
		[LW_INC_OPENED] = "opened", [LW_INC_ESCALATED] = "escalated",
		[LW_INC_DEESCALATED] = "de-escalated",
		[LW_INC_RESOLVED] = "resolved",
	};
	for (size_t i = 0; i < dr->ninc; i++) {
		int ev = dr->inc_ev[i];
		if (ev <= LW_INC_NONE || ev > LW_INC_RESOLVED || !what[ev])
			continue;
		const struct lw_incident *inc = &dr->inc[i];
		lw_watch_logf(w, ev == LW_INC_RESOLVED ? LW_LOG_INFO :
			      level_of(inc->current), dr->ds->name,
			      inc->check, "incident %s: %s (worst %s)", what[ev],
			      lw_status_name(inc->current),
			      lw_status_name(inc->worst));
	}
}

/* Free the runs no slot points at any more. */
static void drop_unused(struct lw_watch *w, size_t nds)
{
	size_t k = 0;
	for (size_t r = 0; r < w->nruns; r++) {
		bool used = false;
		for (size_t i = 0; i < nds && !used; i++)
			used = w->latest[i].run == w->runs[r];
		if (used)
			w->runs[k++] = w->runs[r];
		else
			lw_run_free(w->runs[r]);
	}
	w->nruns = k;
}

/* See watch_int.h. */
void lw_watch_take_run(struct lw_watch *w, struct lw_run *run)
{
	const struct lw_config *cfg = w->ref->cfg;
	for (size_t i = 0; i < run->n; i++) {
		const struct lw_ds_run *dr = &run->ds[i];
		size_t at = (size_t)(dr->ds - cfg->datasets);
		assert(at < cfg->ndatasets);
		struct watch_slot *s = &w->latest[at];
		log_changes(w, dr, s->run ? &s->run->ds[s->i] : NULL);
		log_incidents(w, dr);
		s->run = run;
		s->i = i;
	}
	if (run->history_error)
		lw_watch_logf(w, LW_LOG_ERROR, NULL, NULL, "%s",
			      run->history_error);
	drop_unused(w, cfg->ndatasets);
	/* held even when no slot points at it (a poll cancelled before its
	 * first dataset): the caller still reads it; the next take frees it */
	w->runs = lw_xrealloc(w->runs, (w->nruns + 1) * sizeof *w->runs);
	w->runs[w->nruns++] = run;
}

/* See watch_int.h. */
void lw_watch_reset_state(struct lw_watch *w)
{
	for (size_t r = 0; r < w->nruns; r++)
		lw_run_free(w->runs[r]);
	free(w->runs);
	w->runs = NULL;
	w->nruns = 0;
	free(w->latest);
	free(w->next_due);
	free(w->due);
	size_t n = w->ref->cfg->ndatasets;
	w->latest = lw_xcalloc(n + 1, sizeof *w->latest);
	w->next_due = lw_xcalloc(n + 1, sizeof *w->next_due);	/* all due */
	w->due = lw_xcalloc(n + 1, sizeof *w->due);
}

static struct watch_lake_acc *acc_of(struct lw_watch *w, const char *name)
{
	for (size_t i = 0; i < w->nacc; i++)
		if (!strcmp(w->acc[i].name, name))
			return &w->acc[i];
	w->acc = lw_xrealloc(w->acc, (w->nacc + 1) * sizeof *w->acc);
	w->acc[w->nacc] = (struct watch_lake_acc){.name = lw_xstrdup(name)};
	return &w->acc[w->nacc++];
}

/* l's counters now; what its kind does not count stays -1 (left out of
 * the exposition). */
static void lake_now(struct lw_lake *l, struct lw_metrics_lake *m)
{
	m->requests = m->bytes = m->retries = m->errors = -1;
	const struct lw_lake_kind *k = l ? lw_lake_base(l)->kind : NULL;
	if (k && k->stats)
		k->stats(l, &m->requests, &m->bytes);
	if (k && k->faults)
		k->faults(l, &m->retries, &m->errors);
}

/* a + b where -1 is "not counted" */
static int64_t add_known(int64_t a, int64_t b)
{
	return a < 0 ? b : b < 0 ? a : a + b;
}

/* Before a config is replaced: its lakes' counters join the totals. */
void lw_watch_bank_lakes(struct lw_watch *w)
{
	const struct lw_config *cfg = w->ref->cfg;
	for (size_t i = 0; i < cfg->nlakes; i++) {
		struct lw_metrics_lake m;
		lake_now(cfg->lakes[i].lake, &m);
		struct watch_lake_acc *a = acc_of(w, cfg->lakes[i].name);
		a->requests += m.requests > 0 ? m.requests : 0;
		a->bytes += m.bytes > 0 ? m.bytes : 0;
		a->retries += m.retries > 0 ? m.retries : 0;
		a->errors += m.errors > 0 ? m.errors : 0;
	}
}

/* The latest of every dataset as one run (borrowing everything from the
 * held runs): what the renderer reads. Free comp->ds only. */
static bool composite(struct lw_watch *w, struct lw_run *comp)
{
	const struct lw_config *cfg = w->ref->cfg;
	memset(comp, 0, sizeof *comp);
	comp->ds = lw_xcalloc(cfg->ndatasets + 1, sizeof *comp->ds);
	for (size_t i = 0; i < cfg->ndatasets; i++) {
		const struct watch_slot *s = &w->latest[i];
		if (!s->run)
			continue;
		const struct lw_ds_run *dr = &s->run->ds[s->i];
		comp->ds[comp->n++] = *dr;
		comp->counts[dr->status]++;
		if (dr->status > comp->status)
			comp->status = dr->status;
		if (s->run->finished >= comp->finished) {
			comp->id = s->run->id;
			comp->started = s->run->started;
			comp->finished = s->run->finished;
		}
	}
	return comp->n > 0;
}

static int render(const struct lw_metrics_in *in, enum lw_metrics_fmt fmt,
		  struct lw_buf *out)
{
	lw_buf_init(out, EXPOSITION_MAX);
	int rc = lw_metrics_render(in, fmt, out);
	if (rc == LW_OK && !out->data)
		rc = lw_buf_adds(out, "");
	return rc;
}

/* The sender's per-channel counters into *out (the caller frees each
 * channel name, then the array; the names are the stats' copies). */
static size_t notify_counters(struct lw_watch *w,
			      struct lw_metrics_channel **out)
{
	struct lw_notify_stats st = {0};
	*out = NULL;
	if (!w->notify)
		return 0;
	lw_notify_thread_stats(w->notify, &st);
	*out = lw_xcalloc(st.n + 1, sizeof **out);
	for (size_t i = 0; i < st.n; i++)
		(*out)[i] = (struct lw_metrics_channel){
			.channel = st.v[i].channel,	/* taken over */
			.sent = st.v[i].sent, .failed = st.v[i].failed,
			.pending = st.v[i].pending};
	free(st.v);
	return st.n;
}

/* See watch_int.h. */
void lw_watch_publish(struct lw_watch *w)
{
	if (!w->srv)
		return;
	const struct lw_config *cfg = w->ref->cfg;
	struct lw_run comp;
	bool any = composite(w, &comp);
	struct lw_metrics_lake *lakes = lw_xcalloc(cfg->nlakes + 1,
						   sizeof *lakes);
	for (size_t i = 0; i < cfg->nlakes; i++) {
		const struct watch_lake_acc *a = acc_of(w, cfg->lakes[i].name);
		lake_now(cfg->lakes[i].lake, &lakes[i]);
		lakes[i].lake = cfg->lakes[i].name;
		lakes[i].requests = add_known(lakes[i].requests, a->requests);
		lakes[i].bytes = add_known(lakes[i].bytes, a->bytes);
		if (lakes[i].retries >= 0)	/* a kind that counts them */
			lakes[i].retries += a->retries;
		if (lakes[i].errors >= 0)
			lakes[i].errors += a->errors;
	}
	struct lw_metrics_channel *chans = NULL;
	size_t nchans = notify_counters(w, &chans);
	struct lw_metrics_in in = {
		.cfg = cfg, .run = any ? &comp : NULL,
		.lakes = lakes, .nlakes = cfg->nlakes, .polls = &w->polls,
		.channels = chans, .nchannels = nchans, .now = lw_now(),
	};
	struct lw_buf prom, om;
	struct lw_err err;
	lw_err_clear(&err);
	int rc = render(&in, LW_METRICS_PROMETHEUS, &prom);
	if (rc == LW_OK)
		rc = render(&in, LW_METRICS_OPENMETRICS, &om);
	else
		lw_buf_init(&om, 0);
	if (rc == LW_OK)
		rc = lw_serve_publish(w->srv, prom.data, prom.len, om.data,
				      om.len, &err);
	if (rc)
		lw_watch_logf(w, LW_LOG_ERROR, NULL, NULL, "metrics: %s",
			      err.msg[0] ? err.msg : rc == LW_ETOOBIG ?
			      "exposition larger than 256 MiB" : lw_rc_name(rc));
	lw_buf_free(&prom);
	lw_buf_free(&om);
	free(lakes);
	for (size_t i = 0; i < nchans; i++)
		free((char *)chans[i].channel);
	free(chans);
	free(comp.ds);
}

void lw_watch_free_state(struct lw_watch *w)
{
	for (size_t r = 0; r < w->nruns; r++)
		lw_run_free(w->runs[r]);
	free(w->runs);
	free(w->latest);
	free(w->next_due);
	free(w->due);
	for (size_t i = 0; i < w->nacc; i++)
		free(w->acc[i].name);
	free(w->acc);
}
