/* text.c - the report a person reads in a terminal or a CI log.
 *
 * A header, one line per data source, layer and consumer, then every check
 * that did not pass (all checks with verbose). The status word is always
 * written out: colour and glyphs only repeat it. Lines wrap at 80 columns.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include "lakewatch/util.h"
#include "report_int.h"

#define WIDTH 80

struct tw {
	struct lw_buf *b;
	const struct lw_report_opts *o;
	int flags;		/* lw_rep_clean flags for this terminal */
	const char *dash;	/* " — " or " - " */
	int rc;			/* first failure; later adds skipped */
};

static void add(struct tw *t, const char *s)
{
	if (t->rc == LW_OK)
		t->rc = lw_buf_adds(t->b, s);
}

static void addf(struct tw *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void addf(struct tw *t, const char *fmt, ...)
{
	va_list ap;
	if (t->rc != LW_OK)
		return;
	va_start(ap, fmt);
	t->rc = lw_buf_vaddf(t->b, fmt, ap);
	va_end(ap);
}

/* Columns s takes: code points, close enough for the text we write. */
static int width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* core's one table (model.h): the dashboard draws the same glyphs */
static const char *glyph(const struct tw *t, enum lw_status s)
{
	return lw_status_glyph(s, !t->o->ascii);
}

/* "✗ FAIL", coloured when asked. Returns the columns written. */
static int status_word(struct tw *t, enum lw_status s)
{
	static const char *const col[LW_NSTATUS] = {"32", "33", "31", "1;35"};
	const char *w;

	if ((unsigned)s > LW_ERROR)
		s = LW_ERROR;
	w = lw_status_name(s);
	if (t->o->color)
		addf(t, "\033[%sm%s %s\033[0m", col[s], glyph(t, s), w);
	else
		addf(t, "%s %s", glyph(t, s), w);
	return width(glyph(t, s)) + 1 + width(w);
}

/* The status word padded to one width so that what follows lines up. */
static int badge(struct tw *t, enum lw_status s)
{
	int col = status_word(t, s);
	for (; col < 8; col++)
		add(t, " ");
	return col;
}

/* Append raw (uncleaned) text at column col, wrapping at WIDTH with
 * continuation lines indented by indent. Ends the line. */
static void wrap(struct tw *t, int col, int indent, const char *raw)
{
	char *s = lw_rep_clean(raw ? raw : "", t->flags);
	char *p = s;
	bool first = true;

	while (*p == ' ')
		p++;
	while (*p) {
		char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		char save = p[n];
		int w;

		p[n] = '\0';
		w = width(p);
		if (!first && col + 1 + w > WIDTH) {
			add(t, "\n");
			for (col = 0; col < indent; col++)
				add(t, " ");
		} else if (!first) {
			add(t, " ");
			col++;
		}
		add(t, p);
		col += w;
		first = false;
		p[n] = save;
		p += n;
		while (*p == ' ')
			p++;
	}
	add(t, "\n");
	free(s);
}

/* "gold.sales_daily freshness: stale 7h (limit 2h)"; caller frees. */
static char *culprit_text(const struct lw_rollup *r)
{
	const struct lw_ds_run *d = r->culprit;
	const struct lw_result *x = r->culprit_result;

	if (!d)
		return NULL;
	if (x)
		return lw_xasprintf("%s %s: %s", d->ds->name,
				    x->check ? x->check : "?",
				    x->message ? x->message :
				    lw_status_name(x->status));
	if (!d->obs.ok && d->obs.error)
		return lw_xasprintf("%s: %s", d->ds->name, d->obs.error);
	return lw_xasprintf("%s: %s", d->ds->name, lw_status_name(d->status));
}

/* "5 datasets<after>: 3 pass, 1 warn, 1 fail" (one status: no list). */
static void counts_text(char *buf, size_t n, const int counts[LW_NSTATUS],
			int total, const char *after)
{
	size_t k = (size_t)snprintf(buf, n, "%d dataset%s%s", total,
				    total == 1 ? "" : "s", after);
	bool first = true;

	for (int s = 0; s < LW_NSTATUS && k < n; s++) {
		if (!counts[s] || counts[s] == total)
			continue;
		k += (size_t)snprintf(buf + k, n - k, "%s%d %s",
				      first ? ": " : ", ", counts[s],
				      lw_rep_status_key((enum lw_status)s));
		first = false;
	}
}

/* "  ✗ Sales & accounting — FAIL — gold.sales_daily freshness: ..." */
static void group_line(struct tw *t, const char *title,
		       const struct lw_rollup *r)
{
	static const char *const col[LW_NSTATUS] = {"32", "33", "31", "1;35"};
	enum lw_status s = (unsigned)r->status > LW_ERROR ? LW_ERROR :
			   r->status;
	char cnt[160];
	char *what, *line;

	if (t->o->color)
		addf(t, "  \033[%sm%s\033[0m ", col[s], glyph(t, s));
	else
		addf(t, "  %s ", glyph(t, s));
	counts_text(cnt, sizeof cnt, r->counts, r->total, "");
	what = s == LW_PASS ? NULL : culprit_text(r);
	if (what && r->culprit->impacted && r->culprit->root) {
		/* the root, not the last symptom */
		char *cause = lw_ds_cause(r->culprit->root);
		char *with = lw_xasprintf("%s%s%s", what, t->o->ascii ?
					  " <- " : " \xe2\x86\x90 ", cause);
		free(cause);
		free(what);
		what = with;
	}
	if (!what) {
		what = lw_xstrdup(cnt);
	} else if (r->total - r->counts[LW_PASS] > 1) {
		char *more = lw_xasprintf("%s (+%d more)", what,
					  r->total - r->counts[LW_PASS] - 1);
		free(what);
		what = more;
	}
	line = lw_xasprintf("%s%s%s%s%s", title, t->dash, lw_status_name(s),
			    t->dash, what);
	wrap(t, 2 + width(glyph(t, s)) + 1, 6, line);
	free(line);
	free(what);
}

static void groups(struct tw *t, const struct lw_config *cfg,
		   const struct lw_run *run)
{
	struct lw_rollup r;
	bool head = false;

	for (size_t i = 0; i < cfg->nsources; i++) {
		lw_rollup(cfg, run, (int)i, -1, -1, &r);
		if (r.total == 0)
			continue;
		if (!head)
			add(t, "\nData sources\n");
		head = true;
		group_line(t, cfg->sources[i].title ? cfg->sources[i].title :
			   cfg->sources[i].id, &r);
	}
	head = false;
	for (int l = 0; l < LW_NLAYERS; l++) {
		lw_rollup(cfg, run, -1, l, -1, &r);
		if (r.total == 0)
			continue;
		if (!head)
			add(t, "\nLayers\n");
		head = true;
		group_line(t, lw_layer_title((enum lw_layer)l), &r);
	}
	head = false;
	for (size_t i = 0; i < cfg->nconsumers; i++) {
		lw_rollup(cfg, run, -1, -1, (int)i, &r);
		if (r.total == 0)
			continue;
		if (!head)
			add(t, "\nConsumers\n");
		head = true;
		group_line(t, cfg->consumers[i].title ?
			   cfg->consumers[i].title : cfg->consumers[i].id, &r);
	}
}

static void check_line(struct tw *t, const struct lw_ds_run *d,
		       const struct lw_result *x, size_t k)
{
	char *line, *note = lw_rep_incident_note(d, k);
	int col;
	/* an impacted dataset's problems name their root */
	bool root = d->impacted && d->root && x->status != LW_PASS;

	add(t, "  ");
	col = 2 + badge(t, x->status);
	line = lw_xasprintf("%s %s: %s%s%s%s%s", d->ds->name,
			    x->check ? x->check : "?",
			    x->message ? x->message : "", note ? "; " : "",
			    note ? note : "", root ? "; root: " : "",
			    root ? d->root->ds->name : "");
	free(note);
	wrap(t, col, col, line);
	free(line);
	if (t->o->verbose && (x->measured || x->threshold)) {
		line = lw_xasprintf("measured %s; limits %s",
				    x->measured ? x->measured : "-",
				    x->threshold ? x->threshold : "-");
		for (int i = 0; i < col; i++)
			add(t, " ");
		wrap(t, col, col, line);
		free(line);
	}
}

/* Problems with single files that did not stop the observation. The
 * first is already the engine's "readable" result; list the next few. */
static void file_errors(struct tw *t, const struct lw_ds_run *d)
{
	size_t last = d->obs.nferrs < 4 ? d->obs.nferrs : 4;

	for (size_t i = 1; i < last; i++) {
		char *line = lw_xasprintf("also %s: %s",
					  d->obs.ferrs[i].path,
					  d->obs.ferrs[i].msg);
		add(t, "          ");
		wrap(t, 10, 12, line);
		free(line);
	}
	if (d->obs.nferrs > last)
		addf(t, "          (%zu more file problems)\n",
		     d->obs.nferrs - last);
}

static void checks(struct tw *t, const struct lw_run *run)
{
	bool head = false;
	size_t muted = 0;

	for (size_t i = 0; i < run->n; i++) {
		const struct lw_ds_run *d = &run->ds[i];
		bool any = false;

		for (size_t k = 0; k < d->nresults; k++) {
			const struct lw_result *x = &d->results[k];
			if (x->status == LW_PASS && !t->o->verbose)
				continue;
			/* Muted: out of the default view until the mute
			 * ends; counted below so it is never silent. */
			if (!t->o->verbose && lw_rep_muted(d, k)) {
				muted++;
				continue;
			}
			if (!head)
				add(t, t->o->verbose ? "\nChecks\n" :
				    "\nProblems\n");
			head = true;
			check_line(t, d, x, k);
			any = true;
		}
		/* A dataset that is not passing without a result to say why
		 * (should not happen, but never hide it). */
		if (!d->nresults && (d->status != LW_PASS || t->o->verbose)) {
			struct lw_result x = {.check = "observe",
					      .status = d->status,
					      .message = d->obs.error};
			if (!head)
				add(t, t->o->verbose ? "\nChecks\n" :
				    "\nProblems\n");
			head = true;
			check_line(t, d, &x, SIZE_MAX);
			any = true;
		}
		if (any && d->obs.nferrs)
			file_errors(t, d);
	}
	if (muted)
		addf(t, "%s%zu muted problem%s not shown (-v shows %s)\n",
		     head ? "" : "\n", muted, muted == 1 ? "" : "s",
		     muted == 1 ? "it" : "them");
	else if (!head && run->history_error)
		/* the run is ERROR: it was judged but not recorded */
		add(t, "\nEvery check passed, but the run could not be "
		    "recorded (see the history error above): the next run "
		    "compares with an older one.\n");
	else if (!head)
		add(t, "\nAll checks passed.\n");
}

/* Runs this one found aborted: a dead CI job or dashboard is news, and
 * why its partial results are not in the baselines. */
static void aborted_note(struct tw *t, const struct lw_run *run)
{
	char ids[200] = "";
	size_t k = 0;
	if (!run->naborted)
		return;
	for (size_t i = 0; i < run->naborted && k + 24 < sizeof ids; i++)
		k += (size_t)snprintf(ids + k, sizeof ids - k, "%s%lld",
				      i ? ", " : "", (long long)run->aborted[i]);
	addf(t, "  Found aborted: run%s %s%s (its process is gone: killed or "
	     "crashed); its partial results are left out of baselines\n",
	     run->naborted == 1 ? "" : "s", ids,
	     k + 24 >= sizeof ids ? ", ..." : "");
}

/* See report_int.h. */
int lw_rep_text(struct lw_buf *b, const struct lw_config *cfg,
		const struct lw_run *run, const struct lw_report_opts *o)
{
	struct tw t = {b, o, LW_CLEAN_CTRL | (o->ascii ? LW_CLEAN_ASCII : 0),
		       o->ascii ? " - " : " \xe2\x80\x94 ", LW_OK};
	char when[32], dur[32], after[48], cnt[160], *name;

	lw_time_fmt(run->started, when, sizeof when);
	lw_duration_fmt(run->finished > run->started ?
			run->finished - run->started : 0, dur, sizeof dur);
	name = lw_rep_clean(cfg->name ? cfg->name : "lakewatch", t.flags);
	addf(&t, "%s%s%s%s", name, t.dash, when, t.dash);
	free(name);
	status_word(&t, run->status);
	snprintf(after, sizeof after, " checked in %s", dur);
	counts_text(cnt, sizeof cnt, run->counts,
		    run->counts[0] + run->counts[1] + run->counts[2] +
		    run->counts[3], after);
	addf(&t, "\n%s\n", cnt);
	if (run->history_error) {
		add(&t, "  ");
		int col = 2 + badge(&t, LW_ERROR);
		/* The engine's message already starts "history: ". */
		wrap(&t, col, col, run->history_error);
	}
	aborted_note(&t, run);
	groups(&t, cfg, run);
	checks(&t, run);
	return t.rc;
}
