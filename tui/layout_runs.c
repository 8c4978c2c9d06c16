/* layout_runs.c - the Pipelines screen's pure parts: a run state's letter
 * and the status strip of a pipeline's runs over the last hours (see
 * tui_layout.h). No terminal here, so the bucketing is unit-tested. */
#include <assert.h>
#include <stdio.h>
#include "lakewatch/tui_layout.h"
#include "lakewatch/util.h"

/* Letters by enum lw_run_state (model.h order). */
static const char letters[LW_NRUN_STATES] = {
	[LW_RUN_UNKNOWN] = '?', [LW_RUN_QUEUED] = 'Q',
	[LW_RUN_IN_PROGRESS] = 'R', [LW_RUN_SUCCEEDED] = 'S',
	[LW_RUN_FAILED] = 'F', [LW_RUN_TIMEDOUT] = 'T',
	[LW_RUN_CANCELLED] = 'C', [LW_RUN_SKIPPED] = 'K',
};

/* How bad a state is when several runs share a cell: a failure is never
 * hidden behind a later success in the same hour. */
static const int rank[LW_NRUN_STATES] = {
	[LW_RUN_SKIPPED] = 1, [LW_RUN_SUCCEEDED] = 2, [LW_RUN_UNKNOWN] = 3,
	[LW_RUN_QUEUED] = 4, [LW_RUN_IN_PROGRESS] = 5, [LW_RUN_CANCELLED] = 6,
	[LW_RUN_TIMEDOUT] = 7, [LW_RUN_FAILED] = 8,
};

/* Static data, no ownership. */
char lw_tui_run_letter(enum lw_run_state s)
{
	return (unsigned)s < LW_NRUN_STATES ? letters[s] : '?';
}

/* See tui_layout.h. dst is the caller's. */
int lw_tui_run_strip(char *dst, size_t n, const struct lw_run_fact *runs,
		     size_t nruns, int64_t now, int64_t span, int cells)
{
	int best[LW_TUI_STRIP_MAX], counted = 0;

	if (!dst || !n)
		return 0;
	if (cells > LW_TUI_STRIP_MAX)
		cells = LW_TUI_STRIP_MAX;
	if (cells > (int)n - 1)
		cells = (int)n - 1;
	if (cells <= 0 || span <= 0) {
		dst[0] = 0;
		return 0;
	}
	for (int i = 0; i < cells; i++)
		best[i] = -1;
	int64_t from = now - span;
	for (size_t k = 0; runs && k < nruns; k++) {
		const struct lw_run_fact *r = &runs[k];
		int64_t t = r->start >= 0 ? r->start : r->end;
		unsigned st = (unsigned)r->state < LW_NRUN_STATES ?
			      (unsigned)r->state : LW_RUN_UNKNOWN;

		if (t < 0 || t < from)
			continue;
		/* a start after now (a clock ahead of ours) is this hour's */
		int64_t i = t >= now ? cells - 1 : (t - from) * cells / span;
		assert(i >= 0 && i < cells);
		if (best[i] < 0 || rank[st] > rank[best[i]])
			best[i] = (int)st;
		counted++;
	}
	for (int i = 0; i < cells; i++)
		dst[i] = best[i] < 0 ? '.' : letters[best[i]];
	dst[cells] = 0;
	return counted;
}

/* See tui_layout.h. dst is the caller's. */
const char *lw_tui_run_why(char *dst, size_t n, const struct lw_ds_run *dr,
			   const struct lw_result *res, int64_t now)
{
	const struct lw_runs_facts *rf = dr ? &dr->obs.runs : NULL;
	const struct lw_run_fact *r = NULL;
	char age[32];

	/* the newest run that ended, when it failed: an older failure
	 * behind a later success is not why it fails now */
	for (size_t i = 0; rf && rf->present && i < rf->n; i++) {
		enum lw_run_state st = rf->runs[i].state;

		if (st == LW_RUN_QUEUED || st == LW_RUN_IN_PROGRESS)
			continue;
		if (st == LW_RUN_FAILED || st == LW_RUN_TIMEDOUT)
			r = &rf->runs[i];
		break;
	}
	if (!r || !n || dr->status == LW_PASS)
		return lw_tui_why(dst, n, dr, res);
	int64_t t = r->end >= 0 ? r->end : r->start;
	if (t >= 0)
		lw_duration_fmt(now > t ? now - t : 0, age, sizeof age);
	char who[256];
	snprintf(dst, n, "%s %s%s%s%s: %s%s%s", rf->pipeline || rf->name ?
		 lw_runs_label(rf, who, sizeof who) : dr->ds->name, r->state == LW_RUN_TIMEDOUT ? "timed out" :
		 "failed", t >= 0 ? " " : "", t >= 0 ? age : "",
		 t >= 0 ? " ago" : "", r->failing ? r->failing : "",
		 r->failing ? ": " : "", r->message ? r->message :
		 r->status ? r->status : "no message");
	return dst;
}
