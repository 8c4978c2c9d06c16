/* pipelines.c - screen 6: every pipeline and job a run dataset watches
 * (Data Factory and Synapse pipelines, Databricks jobs, Stream Analytics
 * jobs, Event Hubs namespaces), worst first: the status of its runs check,
 * its name and kind, the last run's state and age, and a strip of its runs
 * over the last 24 hours (layout_runs.c). Enter shows one pipeline's runs,
 * newest first, with the failing run in full (run id, start, duration,
 * the failing activity or task and its error, wrapped); a stream job shows
 * its jobState and metrics instead. The runs are the current run's
 * observation (obs->runs: the lake's lookback and max_runs) and those
 * history's pipeline_runs kept over the last 24 hours that the poll no
 * longer lists (lw_history_pipeline_runs); never the network. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "app.h"
#include "lakewatch/lake.h"
#include "lakewatch/util.h"

#define STRIP_SPAN (24 * 3600)	/* the strip's hours */
#define STRIP_CELLS 24

struct pl_row {
	size_t ds;		/* index into the config's datasets */
	int status;		/* enum lw_status, -1 not polled yet */
};

struct pl_state {
	struct pl_row *rows;	/* owned: rebuilt before each use */
	int nrows;
	int sel, top;
	char *open;		/* owned: the dataset whose runs are shown,
				 * NULL: the list */
	bool from_other;	/* opened from another view: Esc goes back
				 * there, not to the list */
	size_t ret_cur, ret_back;	/* that view, and where it returns
					 * to (a->cur, a->back then) */
	int rsel, rtop;		/* the runs pane's selected run */
	bool pick;		/* select the failing run at the next draw */
	/* the runs history kept of each run dataset over the strip's span
	 * (read at start and after each poll), owned */
	struct pl_hist *hist;
	size_t nhist;
};

struct pl_hist {
	char *ds;		/* owned: the dataset's name */
	struct lw_run_fact *v;	/* owned (lw_history_pipeline_runs_free) */
	size_t n;
};

/* A row's runs: the poll's and those only history still has, newest
 * first. v is owned, its strings borrowed from the run and the state
 * (valid until either changes: build, use, free within one call). */
struct pl_runs {
	struct lw_run_fact *v;
	size_t n, hist;		/* hist: of n, known from history only */
};

#define HIST_MAX 5000	/* runs of one pipeline read from history */

static void hist_free(struct pl_state *s)
{
	for (size_t i = 0; i < s->nhist; i++) {
		free(s->hist[i].ds);
		lw_history_pipeline_runs_free(s->hist[i].v, s->hist[i].n);
	}
	free(s->hist);
	s->hist = NULL;
	s->nhist = 0;
}

/* Read again what history kept of each run dataset's runs over the last
 * 24 hours (more than a poll's max_runs: a pipeline every 5 minutes has
 * 288 a day). A failure leaves that pipeline to the poll's runs. */
static void pl_on_history(struct lw_app *a, void *st)
{
	struct pl_state *s = st;
	const struct lw_config *cfg = lw_app_cfg(a);
	int64_t since = lw_app_now() - STRIP_SPAN;

	hist_free(s);
	if (!a->hist || !cfg)
		return;
	s->hist = lw_xcalloc(cfg->ndatasets + 1, sizeof *s->hist);
	for (size_t i = 0; i < cfg->ndatasets; i++) {
		const struct lw_dataset *d = &cfg->datasets[i];
		struct pl_hist *ph = &s->hist[s->nhist];
		struct lw_err err = { 0 };

		if (!d->runs || d->lake < 0 || (size_t)d->lake >= cfg->nlakes)
			continue;
		if (lw_history_pipeline_runs(a->hist, cfg->lakes[d->lake].name,
					     d->path, since, HIST_MAX, &ph->v,
					     &ph->n, &err) != LW_OK || !ph->n)
			continue;
		ph->ds = lw_xstrdup(d->name);
		s->nhist++;
	}
}

static int64_t run_time(const struct lw_run_fact *r)
{
	return r->start >= 0 ? r->start : r->end;
}

static int newest_first(const void *pa, const void *pb)
{
	int64_t x = run_time(pa), y = run_time(pb);

	return x != y ? (x < y ? 1 : -1) : 0;
}

/* See struct pl_runs; out->v is the caller's (free()). */
static void runs_of(const struct lw_app *a, const struct pl_state *s,
		    size_t ds, struct pl_runs *out)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_ds_run *dr = lw_app_dsrun(a, ds);
	const struct lw_runs_facts *rf = dr && dr->obs.runs.present ?
					 &dr->obs.runs : NULL;
	const struct pl_hist *ph = NULL;
	size_t n = rf ? rf->n : 0;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; cfg && i < s->nhist && !ph; i++)
		if (!strcmp(s->hist[i].ds, cfg->datasets[ds].name))
			ph = &s->hist[i];
	out->v = lw_xcalloc(n + (ph ? ph->n : 0) + 1, sizeof *out->v);
	for (size_t i = 0; i < n; i++)
		out->v[out->n++] = rf->runs[i];
	/* what the poll no longer returned (its max_runs, its lookback) */
	for (size_t k = 0; ph && k < ph->n; k++) {
		bool seen = false;

		for (size_t i = 0; i < n && !seen; i++)
			seen = rf->runs[i].run_id && ph->v[k].run_id &&
			       !strcmp(rf->runs[i].run_id, ph->v[k].run_id);
		if (!seen) {
			out->v[out->n++] = ph->v[k];
			out->hist++;
		}
	}
	/* the poll's come newest first already; merged, sort again (the
	 * poll's order is kept among equal times: qsort is not stable,
	 * so only when history added some) */
	if (out->hist)
		qsort(out->v, out->n, sizeof *out->v, newest_first);
}

/* A run dataset's own verdict: its runs check, else job_state, else its
 * worst result (borrowed from dr), or NULL. */
static const struct lw_result *own_result(const struct lw_ds_run *dr)
{
	static const char *const names[] = { "runs", "job_state" };

	if (!dr)
		return NULL;
	for (size_t n = 0; n < 2; n++)
		for (size_t i = 0; i < dr->nresults; i++)
			if (dr->results[i].check &&
			    !strcmp(dr->results[i].check, names[n]))
				return &dr->results[i];
	return dr->worst >= 0 && (size_t)dr->worst < dr->nresults ?
	       &dr->results[dr->worst] : NULL;
}

/* What the list calls run dataset i: a Databricks job by its name (the
 * poll's), else its pipeline, job id or stream job. Borrowed. */
static const char *row_name(const struct lw_app *a, size_t i)
{
	const struct lw_ds_run *dr = lw_app_dsrun(a, i);

	return dr && dr->obs.runs.name ? dr->obs.runs.name :
	       lw_app_cfg(a)->datasets[i].path;
}

static int row_cmp(const void *pa, const void *pb, void *ud)
{
	const struct pl_row *x = pa, *y = pb;
	const struct lw_app *a = ud;
	const struct lw_config *cfg = lw_app_cfg(a);

	int c;

	if (x->status != y->status)
		return y->status - x->status;
	c = strcmp(row_name(a, x->ds), row_name(a, y->ds));
	return c ? c : strcmp(cfg->datasets[x->ds].name,
			      cfg->datasets[y->ds].name);
}

/* The rows: the config's run datasets, worst first, then by pipeline or
 * job name (then dataset name). */
static void pl_build(const struct lw_app *a, struct pl_state *s)
{
	const struct lw_config *cfg = lw_app_cfg(a);

	free(s->rows);
	s->rows = NULL;
	s->nrows = 0;
	if (!cfg)
		return;
	s->rows = lw_xcalloc(cfg->ndatasets + 1, sizeof *s->rows);
	for (size_t i = 0; i < cfg->ndatasets; i++) {
		const struct lw_ds_run *dr;
		const struct lw_result *r;

		if (!cfg->datasets[i].runs)
			continue;
		dr = lw_app_dsrun(a, i);
		r = own_result(dr);
		s->rows[s->nrows].ds = i;
		s->rows[s->nrows++].status = !dr ? -1 : r ? (int)r->status :
					     (int)dr->status;
	}
	qsort_r(s->rows, (size_t)s->nrows, sizeof *s->rows, row_cmp,
		(void *)a);
	if (s->sel >= s->nrows)
		s->sel = s->nrows ? s->nrows - 1 : 0;
}

/* What watches it, in words: wide or short (the lake's kind). Static. */
static const char *kind_of(const struct lw_app *a, const struct lw_dataset *d,
			   bool wide)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_lake_base *lb = d->lake >= 0 && (size_t)d->lake <
		cfg->nlakes ? (const struct lw_lake_base *)
		cfg->lakes[d->lake].lake : NULL;
	const char *k = lb && lb->kind ? lb->kind->name : "";

	if (!strcmp(k, "datafactory"))
		return wide ? "Data Factory" : "ADF";
	if (!strcmp(k, "synapse"))
		return wide ? "Synapse" : "Syn";
	if (!strcmp(k, "databricks"))
		return wide ? "Databricks" : "Dbx";
	if (!strcmp(k, "streamanalytics"))
		return !strncmp(d->path, "eventhubs/", 10) ?
		       (wide ? "Event Hubs" : "EvHub") :
		       (wide ? "Stream job" : "ASA");
	return k;
}

static const char *local_time(int64_t t, char *b, size_t n)
{
	time_t tt = (time_t)t;
	struct tm lt;

	if (t < 0) {
		snprintf(b, n, "-");
		return b;
	}
	localtime_r(&tt, &lt);
	strftime(b, n, "%m-%d %H:%M", &lt);
	return b;
}

/* "2m", "-" (unknown). */
static const char *dur(int64_t secs, char *b, size_t n)
{
	if (secs < 0)
		snprintf(b, n, "-");
	else
		lw_duration_fmt(secs, b, n);
	return b;
}

/* Seconds since a run last changed: its end, else its start; -1. */
static int64_t run_age(const struct lw_run_fact *r, int64_t now)
{
	int64_t t = r->end >= 0 ? r->end : r->start;

	return t < 0 ? -1 : now - t > 0 ? now - t : 0;
}

/* The selection's mark (not only reverse video: monochrome keeps it). */
static const char *mark(const struct lw_app *a)
{
	return a->ascii ? ">" : "\xe2\x96\xb8";
}

/* The status cell ("✗ FAIL", "… pending"). */
static void status_text(const struct lw_app *a, int st, char *b, size_t n)
{
	if (st < 0)
		snprintf(b, n, "%s pending", a->ascii ? "~" : "\xe2\x80\xa6");
	else
		snprintf(b, n, "%s %s", lw_tui_glyph(st, a->ascii),
			 lw_status_name(st));
}

/* A strip letter's role: failures red, cancelled amber, running and
 * queued accent, successes green, the rest dim. */
static int letter_role(char c)
{
	switch (c) {
	case 'F': case 'T': return LW_R_FAIL;
	case 'C': return LW_R_WARN;
	case 'R': case 'Q': return LW_R_ACCENT;
	case 'S': return LW_R_PASS;
	default: return LW_R_DIM;
	}
}

/* The strip of dr's runs in w cells at (y, x): one cell per hour when w
 * is 24 or more, else 24h / w each. */
static void draw_strip(struct lw_app *a, int y, int x, int w,
		       const struct lw_ds_run *dr, const struct pl_runs *pr,
		       int64_t now)
{
	char b[LW_TUI_STRIP_MAX + 1];
	int cells = w < STRIP_CELLS ? w : STRIP_CELLS;

	if (!dr || !dr->obs.runs.present) {
		lw_draw_str(a, y, x, w, LW_R_DIM, dr && (dr->obs.stream.present
			    || dr->obs.metrics.present) ? "stream" : "-");
		return;
	}
	lw_tui_run_strip(b, sizeof b, pr->v, pr->n, now, STRIP_SPAN, cells);
	for (int i = 0; b[i]; i++) {
		char c[2] = { b[i], 0 };

		lw_draw_str(a, y, x + i, 1, letter_role(b[i]), c);
	}
}

enum { C_STATUS, C_NAME, C_KIND, C_LAST, C_AGE, C_STRIP, C_DATASET, NCOL };

/* The last run's state and age, or the stream job's state and the age
 * of its last output. */
static void last_text(const struct lw_ds_run *dr, const struct pl_runs *pr,
		      int64_t now, char *st, size_t sn, char *age, size_t an)
{
	snprintf(st, sn, "-");
	snprintf(age, an, "-");
	if (!dr)
		return;
	if (dr->obs.runs.present && pr->n) {
		const struct lw_run_fact *r = &pr->v[0];

		snprintf(st, sn, "%s", lw_run_state_name(r->state));
		dur(run_age(r, now), age, an);
	} else if (dr->obs.runs.present) {
		snprintf(st, sn, "no runs");
	} else if (dr->obs.stream.present) {
		snprintf(st, sn, "%s", dr->obs.stream.job_state ?
			 dr->obs.stream.job_state : "?");
		if (dr->obs.stream.has_last_output)
			dur(now - dr->obs.stream.last_output, age, an);
	} else if (!dr->obs.ok) {
		snprintf(st, sn, "error");
	}
}

static void pl_row_draw(struct lw_app *a, const struct pl_state *s,
			const struct lw_tui_col *c, int y,
			const struct pl_row *row, bool sel, int64_t now)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *d = &cfg->datasets[row->ds];
	const struct lw_ds_run *dr = lw_app_dsrun(a, row->ds);
	char v[NCOL][320];
	struct pl_runs pr;

	runs_of(a, s, row->ds, &pr);

	status_text(a, row->status, v[C_STATUS], sizeof v[0]);
	snprintf(v[C_NAME], sizeof v[0], "%s", row_name(a, row->ds));
	snprintf(v[C_KIND], sizeof v[0], "%s", kind_of(a, d, c[C_KIND].w >=
						     12));
	last_text(dr, &pr, now, v[C_LAST], sizeof v[0], v[C_AGE],
		  sizeof v[0]);
	snprintf(v[C_DATASET], sizeof v[0], "%s", d->name);
	if (sel) {
		lw_draw_fill(a, y, 0, a->W, LW_R_SELECTION);
		lw_draw_str(a, y, 0, 1, LW_R_SELECTION, mark(a));
	}
	for (int i = 0; i < NCOL; i++) {
		int role = sel ? LW_R_SELECTION : i == C_STATUS ?
			   (row->status < 0 ? LW_R_DIM :
			    lw_status_role(row->status)) : i == C_DATASET ?
			   LW_R_DIM : LW_R_NORMAL;

		if (!c[i].w)
			continue;
		if (i == C_STRIP)
			draw_strip(a, y, 1 + c[i].x, c[i].w, dr, &pr, now);
		else if (c[i].right)
			lw_draw_str(a, y, 1 + c[i].x + c[i].w - lw_tui_width(
				    v[i], a->ascii) , c[i].w, role, v[i]);
		else
			lw_draw_str(a, y, 1 + c[i].x, c[i].w, role, v[i]);
	}
	free(pr.v);
}

/* Draw text wrapped to w columns from (y, x), at most max lines; returns
 * the lines used. */
static int wrap_lines(struct lw_app *a, int y, int x, int w, int max,
		      int role, const char *text)
{
	int k = 0;

	while (text && *text && k < max) {
		char part[1024];
		size_t used = lw_tui_wrap_part(part, sizeof part, text, w,
					       a->ascii);

		/* the last line allowed keeps the rest, cut with "…" */
		if (k == max - 1 && text[used])
			lw_draw_str(a, y + k, x, w, role, text);
		else
			lw_draw_str(a, y + k, x, w, role, part);
		k++;
		text += used;
		while (*text == ' ')
			text++;
	}
	return k;
}

/* The strip's letters, as much of it as fits after column x. */
static void legend(struct lw_app *a, int y, int x)
{
	static const char *const forms[] = {
		"last 24h, oldest left: S ok  F failed  T timed out  C "
		"cancelled  R running  Q queued  . none",
		"24h: S ok F failed R running C cancelled . none",
		"S ok F failed R running . none",
	};

	for (size_t i = 0; i < 3; i++)
		if (x + (int)strlen(forms[i]) < a->W) {
			lw_draw_str(a, y, x, a->W - x, LW_R_DIM, forms[i]);
			return;
		}
}

static void pl_list_draw(struct lw_app *a, struct pl_state *s, int y0, int h)
{
	struct lw_tui_col c[NCOL] = {
		{ "status", 7, 7, 0, false, 0, 0 },
		{ "pipeline / job", 12, 28, 0, false, 0, 0 },
		{ "kind", 5, 12, 3, false, 0, 0 },
		{ "last run", 10, 10, 1, false, 0, 0 },
		{ "age", 4, 6, 2, true, 0, 0 },
		{ "last 24h", STRIP_CELLS, STRIP_CELLS, 0, false, 0, 0 },
		{ "dataset", 14, 30, 4, false, 0, 0 },
	};
	int64_t now = lw_app_now();
	int info = h >= 10 ? 3 : 0, vis = h - 2 - info;
	char t[200];

	snprintf(t, sizeof t, " %d pipelines and jobs, worst first", s->nrows);
	int x = lw_draw_str(a, y0, 0, a->W, LW_R_ACCENT, t);
	legend(a, y0, x + 3);
	lw_tui_columns(c, NCOL, a->W - 2, C_NAME);
	for (int i = 0; i < NCOL; i++)
		if (c[i].w)
			lw_draw_str(a, y0 + 1, 1 + c[i].x + (c[i].right ?
				    c[i].w - (int)strlen(c[i].title) : 0),
				    c[i].w, LW_R_TITLE, c[i].title);
	if (!s->nrows) {
		lw_draw_str(a, y0 + 2, 1, a->W - 2, LW_R_DIM,
			    "no pipelines or jobs in the config (lakes of kind "
			    "datafactory, synapse, databricks, "
			    "streamanalytics)");
		return;
	}
	s->top = lw_tui_scroll(s->sel, s->top, vis, s->nrows);
	for (int i = 0; i < vis && s->top + i < s->nrows; i++) {
		int k = s->top + i;

		pl_row_draw(a, s, c, y0 + 2 + i, &s->rows[k], k == s->sel,
			    now);
		lw_draw_hit(a, y0 + 2 + i, 0, 1, a->W, HIT_ROW, k, 0);
	}
	if (info) {
		const struct lw_ds_run *dr = lw_app_dsrun(a,
					     s->rows[s->sel].ds);
		const struct lw_result *r = own_result(dr);

		if (r && r->message)
			wrap_lines(a, y0 + h - 2, 1, a->W - 2, 2,
				   lw_status_role(r->status), r->message);
	}
}

/* The run to show first in a failing pipeline: the newest failed or
 * timed-out one, else the newest. */
static int failing_run(const struct pl_runs *pr)
{
	for (size_t i = 0; i < pr->n; i++)
		if (pr->v[i].state == LW_RUN_FAILED ||
		    pr->v[i].state == LW_RUN_TIMEDOUT)
			return (int)i;
	return 0;
}

/* The selected run in full: id, state, start, duration; the failing
 * activity or task with its error code; its message, wrapped. Returns
 * the lines used (at most max). */
static int run_info(struct lw_app *a, int y, int max,
		    const struct lw_run_fact *r, int64_t now)
{
	char t[1200], b1[32], b2[32], b3[32];
	int k = 0, w = a->W - 2;

	snprintf(t, sizeof t, "run %s  %s  started %s  took %s  (%s ago)",
		 r->run_id ? r->run_id : "?", r->status ? r->status :
		 lw_run_state_name(r->state), local_time(r->start, b1,
							  sizeof b1),
		 dur(r->duration, b2, sizeof b2), dur(run_age(r, now), b3,
						      sizeof b3));
	k += wrap_lines(a, y + k, 1, w, max - k, r->state == LW_RUN_FAILED ||
			r->state == LW_RUN_TIMEDOUT ? LW_R_FAIL : LW_R_NORMAL,
			t);
	if (r->failing && k < max) {
		snprintf(t, sizeof t, "failing %s%s%s", r->failing,
			 r->error_code ? "  code " : "", r->error_code ?
			 r->error_code : "");
		k += wrap_lines(a, y + k, 1, w, max - k, LW_R_NORMAL, t);
	}
	if (r->message && k < max) {
		snprintf(t, sizeof t, "error %s", r->message);
		k += wrap_lines(a, y + k, 1, w, max - k, LW_R_NORMAL, t);
	}
	return k;
}

/* A stream job or namespace: its jobState, last output and each metric's
 * newest point. */
static void stream_draw(struct lw_app *a, int y, int h,
			const struct lw_ds_run *dr, int64_t now)
{
	const struct lw_stream_facts *sf = &dr->obs.stream;
	const struct lw_metrics_facts *mf = &dr->obs.metrics;
	char t[600], b[32];
	int k = 0;

	if (sf->present) {
		snprintf(t, sizeof t, "job state %s  last output %s%s",
			 sf->job_state ? sf->job_state : "?",
			 sf->has_last_output ? dur(now - sf->last_output, b,
						   sizeof b) : "unknown",
			 sf->has_last_output ? " ago" : "");
		lw_draw_str(a, y + k++, 1, a->W - 2, sf->job_state &&
			    !strcmp(sf->job_state, "Running") ? LW_R_NORMAL :
			    LW_R_WARN, t);
	}
	if (k < h)
		lw_draw_str(a, y + k++, 1, a->W - 2, LW_R_TITLE, mf->present ?
			    "metric (newest point)" : "no metrics");
	for (size_t i = 0; mf->present && i < mf->n && k < h; i++) {
		const struct lw_metric_fact *m = &mf->m[i];
		const struct lw_metric_point *p = m->n ? &m->pts[m->n - 1] :
						  NULL;
		int n = snprintf(t, sizeof t, "%s ", m->name);

		if (m->error)
			snprintf(t + n, sizeof t - n, " error: %s", m->error);
		else if (!p)
			snprintf(t + n, sizeof t - n, " no points");
		else {
			const char *nm[] = { "avg", "max", "min", "total" };
			double v[] = { p->average, p->maximum, p->minimum,
				       p->total };

			for (int j = 0; j < 4; j++)
				if (!isnan(v[j]) && (size_t)n < sizeof t)
					n += snprintf(t + n, sizeof t - n,
						      " %s %g", nm[j], v[j]);
			if ((size_t)n < sizeof t)
				snprintf(t + n, sizeof t - n, " %s (%s ago)",
					 m->unit ? m->unit : "",
					 dur(now - p->t, b, sizeof b));
		}
		lw_draw_str(a, y + k++, 1, a->W - 2, m->error ? LW_R_WARN :
			    LW_R_NORMAL, t);
	}
}

/* Run ids of a pipeline differ at their end: a narrow column keeps the
 * tail ("…cccc-000000000009"). */
static void tail_fit(const struct lw_app *a, char *dst, size_t n,
		     const char *id, int w)
{
	size_t len = strlen(id);

	if (w < 2 || lw_tui_width(id, a->ascii) <= w || len < (size_t)w) {
		snprintf(dst, n, "%s", id);
		return;
	}
	snprintf(dst, n, "%s%s", a->ascii ? "~" : "\xe2\x80\xa6",
		 id + len - (size_t)(w - 1));
}

enum { R_STATE, R_ID, R_START, R_TOOK, R_FAILING, R_MSG, NRCOL };

static void runs_table(struct lw_app *a, struct pl_state *s, int y, int h,
		       const struct pl_runs *pr, int64_t now)
{
	struct lw_tui_col c[NRCOL] = {
		{ "state", 12, 12, 0, false, 0, 0 },
		{ "run id", 10, 38, 0, false, 0, 0 },
		{ "started", 11, 11, 0, false, 0, 0 },
		{ "took", 4, 6, 1, true, 0, 0 },
		{ "failing", 10, 24, 2, false, 0, 0 },
		{ "message", 12, 60, 3, false, 0, 0 },
	};
	int vis = h - 1;

	(void)now;
	if (h < 2)
		return;
	lw_tui_columns(c, NRCOL, a->W - 2, R_ID);
	for (int i = 0; i < NRCOL; i++)
		if (c[i].w)
			lw_draw_str(a, y, 1 + c[i].x, c[i].w, LW_R_TITLE,
				    c[i].title);
	s->rtop = lw_tui_scroll(s->rsel, s->rtop, vis, (int)pr->n);
	for (int i = 0; i < vis && s->rtop + i < (int)pr->n; i++) {
		int k = s->rtop + i, yy = y + 1 + i;
		const struct lw_run_fact *r = &pr->v[k];
		bool sel = k == s->rsel;
		char v[NRCOL][320];
		char l = lw_tui_run_letter(r->state);

		snprintf(v[R_STATE], sizeof v[0], "%c %s", l,
			 lw_run_state_name(r->state));
		tail_fit(a, v[R_ID], sizeof v[0], r->run_id ? r->run_id : "?",
			 c[R_ID].w);
		local_time(r->start, v[R_START], sizeof v[0]);
		dur(r->duration, v[R_TOOK], sizeof v[0]);
		snprintf(v[R_FAILING], sizeof v[0], "%s", r->failing ?
			 r->failing : "");
		snprintf(v[R_MSG], sizeof v[0], "%s", r->message ?
			 r->message : "");
		if (sel) {
			lw_draw_fill(a, yy, 0, a->W, LW_R_SELECTION);
			lw_draw_str(a, yy, 0, 1, LW_R_SELECTION, mark(a));
		}
		for (int j = 0; j < NRCOL; j++) {
			int role = sel ? LW_R_SELECTION : j == R_STATE ?
				   letter_role(l) : j == R_MSG ? LW_R_DIM :
				   LW_R_NORMAL;

			if (!c[j].w)
				continue;
			lw_draw_str(a, yy, 1 + c[j].x + (c[j].right ? c[j].w -
				    lw_tui_width(v[j], a->ascii) : 0), c[j].w,
				    role, v[j]);
		}
		lw_draw_hit(a, yy, 0, 1, a->W, HIT_ROW, k, 1);
	}
}

/* The runs pane: the pipeline's title and verdict, the selected run in
 * full (at first the failing one), then its runs newest first; a stream
 * job its state and metrics. */
static void pl_runs_draw(struct lw_app *a, struct pl_state *s, int y0, int h)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *d = lw_config_dataset(cfg, s->open);
	const struct lw_ds_run *dr = d ? lw_app_dsrun(a, (size_t)(d -
					 cfg->datasets)) : NULL;
	const struct lw_result *res = own_result(dr);
	int64_t now = lw_app_now();
	char t[1200], st[64], who[256];
	int y = y0;

	if (!d) {
		lw_draw_str(a, y0, 1, a->W - 2, LW_R_DIM, "no such pipeline in "
			    "the config (Esc: the list)");
		return;
	}
	status_text(a, dr ? (res ? (int)res->status : (int)dr->status) : -1,
		    st, sizeof st);
	snprintf(t, sizeof t, "%s  %s  %s  (dataset %s, lake %s)", st,
		 dr && dr->obs.runs.name ? lw_runs_label(&dr->obs.runs, who,
		 sizeof who) : d->path, kind_of(a, d, true), d->name,
		 d->lake >= 0 &&
		 (size_t)d->lake < cfg->nlakes ? cfg->lakes[d->lake].name :
		 "?");
	lw_draw_str(a, y++, 0, a->W, res ? lw_status_role(res->status) :
		    LW_R_ACCENT, t);
	if (!dr) {
		lw_draw_str(a, y, 1, a->W - 2, LW_R_DIM, "not polled yet");
		return;
	}
	if (res && res->message && res->status != LW_PASS)
		y += wrap_lines(a, y, 1, a->W - 2, 2, LW_R_DIM, res->message);
	if (!dr->obs.ok && dr->obs.error)
		y += wrap_lines(a, y, 1, a->W - 2, 3, LW_R_ERROR,
				dr->obs.error);
	if (!dr->obs.runs.present) {
		stream_draw(a, y, y0 + h - y, dr, now);
		return;
	}
	struct pl_runs pr;
	runs_of(a, s, (size_t)(d - cfg->datasets), &pr);
	if (!pr.n) {
		lw_draw_str(a, y, 1, a->W - 2, LW_R_DIM, "no runs in the "
			    "lake's lookback");
		free(pr.v);
		return;
	}
	if (s->pick) {	/* a passing pipeline's old failure: not first */
		s->rsel = res && res->status != LW_PASS ? failing_run(&pr) : 0;
		s->pick = false;
	}
	if (s->rsel >= (int)pr.n)
		s->rsel = (int)pr.n - 1;
	/* the selected run before the table: its error is what was asked */
	int left = y0 + h - y, max = left - 4 > 7 ? 7 : left - 4;
	y += run_info(a, y, max > 1 ? max : 1, &pr.v[s->rsel], now);
	int k = snprintf(t, sizeof t, "%zu run%s, newest first", pr.n,
			 pr.n == 1 ? "" : "s");
	if (pr.hist)
		snprintf(t + k, sizeof t - k, " (%zu from history: the last "
			 "poll no longer lists them)", pr.hist);
	else if (dr->obs.runs.truncated)
		snprintf(t + k, sizeof t - k, " (the poll kept max_runs)");
	lw_draw_str(a, y++, 0, a->W, LW_R_ACCENT, t);
	runs_table(a, s, y, y0 + h - y, &pr, now);
	free(pr.v);
}

static void pl_draw(struct lw_app *a, void *st, int y0, int h)
{
	struct pl_state *s = st;

	pl_build(a, s);
	if (s->open)
		pl_runs_draw(a, s, y0, h);
	else
		pl_list_draw(a, s, y0, h);
}

/* Show the runs of dataset name (copied). */
static void open_runs(struct pl_state *s, const char *name)
{
	free(s->open);
	s->open = lw_xstrdup(name);
	s->rsel = s->rtop = 0;
	s->pick = true;
}

/* See view.h. */
void lw_pipelines_open(struct lw_app *a, const char *name)
{
	struct pl_state *s = lw_app_state(a, &lw_view_pipelines);

	open_runs(s, name);
	s->from_other = !lw_app_showing(a, &lw_view_pipelines);
	s->ret_cur = a->cur;
	s->ret_back = a->back;
	lw_app_show(a, &lw_view_pipelines);
}

/* How many runs the pane lists. */
static int open_count(const struct lw_app *a, const struct pl_state *s)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *d = s->open && cfg ?
				     lw_config_dataset(cfg, s->open) : NULL;
	struct pl_runs pr;

	if (!d)
		return 0;
	runs_of(a, s, (size_t)(d - cfg->datasets), &pr);
	free(pr.v);
	return (int)pr.n;
}

static bool pl_key(struct lw_app *a, void *st, int ch)
{
	struct pl_state *s = st;

	pl_build(a, s);
	if (s->open) {
		if (ch == 'o' || ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			lw_detail_open(a, s->open);
			return true;
		}
		return lw_keys_move(ch, &s->rsel, open_count(a, s), a->H / 2);
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (s->nrows)
			open_runs(s, lw_app_cfg(a)->datasets[
				  s->rows[s->sel].ds].name);
		s->from_other = false;
		return true;
	}
	if (ch == 'o' && s->nrows) {
		lw_detail_open(a, lw_app_cfg(a)->datasets[
			       s->rows[s->sel].ds].name);
		return true;
	}
	return lw_keys_move(ch, &s->sel, s->nrows, a->H - 8);
}

/* Esc in the runs pane closes it: back to the list, or to the view it
 * was opened from (the detail's `w`: that detail, whose own Esc then goes
 * where it went before). */
static bool pl_back(struct lw_app *a, void *st)
{
	struct pl_state *s = st;

	if (!s->open)
		return false;
	free(s->open);
	s->open = NULL;
	if (!s->from_other)
		return true;
	if (s->ret_cur != 0) {	/* the overview is where Esc goes anyway */
		a->cur = s->ret_cur;
		a->back = s->ret_back;
		a->msg[0] = 0;
		return true;
	}
	return false;
}

static void pl_click(struct lw_app *a, void *st, const struct lw_hit *h,
		     bool dbl)
{
	struct pl_state *s = st;

	if (h->kind != HIT_ROW)
		return;
	if (h->b == 1) {	/* a run in the pane */
		s->rsel = h->a;
		return;
	}
	if (h->a >= s->nrows)
		return;
	bool was = s->sel == h->a;
	s->sel = h->a;
	if (dbl || was) {
		open_runs(s, lw_app_cfg(a)->datasets[s->rows[s->sel].ds].name);
		s->from_other = false;
	}
}

/* Shown by its key: the list (a pane opened before is closed). */
static void pl_enter(struct lw_app *a, void *st)
{
	struct pl_state *s = st;

	(void)a;
	free(s->open);
	s->open = NULL;
	s->from_other = false;
}

static const char *pl_selected(const struct lw_app *a, const void *st)
{
	const struct pl_state *s = st;
	const struct lw_config *cfg = lw_app_cfg(a);

	if (s->open)
		return s->open;
	if (!cfg || s->sel < 0 || s->sel >= s->nrows ||
	    s->rows[s->sel].ds >= cfg->ndatasets)
		return NULL;
	return cfg->datasets[s->rows[s->sel].ds].name;
}

static bool pl_footer(struct lw_app *a, void *st, int y)
{
	const struct pl_state *s = st;

	if (!s->open || a->msg[0])
		return false;
	lw_draw_str(a, y, 0, a->W, LW_R_FOOTER, " j k run  Enter detail  Esc "
		    "back  r poll  ? help  q quit");
	return true;
}

/* The caller (the app) owns the state; pl_free gives it back. */
static void *pl_init(struct lw_app *a)
{
	(void)a;
	return lw_xcalloc(1, sizeof(struct pl_state));
}

static void pl_free(void *st)
{
	struct pl_state *s = st;

	if (!s)
		return;
	free(s->rows);
	free(s->open);
	hist_free(s);
	free(s);
}

const struct lw_view_ops lw_view_pipelines = {
	.name = "Pipelines",
	.key = '6',
	.summary = "pipelines",
	.footer = " Enter runs  o detail  / find  r poll  Esc back  ? help  "
		  "q quit",
	.init = pl_init,
	.free = pl_free,
	.draw = pl_draw,
	.handle_key = pl_key,
	.click = pl_click,
	.enter = pl_enter,
	.on_history = pl_on_history,
	.back = pl_back,
	.selected = pl_selected,
	.draw_footer = pl_footer,
};
