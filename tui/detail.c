/* detail.c - screen 3: one dataset. Every check with measured value,
 * thresholds and message; the observation; partitions with gaps marked;
 * the schema with added, removed and retyped columns marked; row-count and
 * age sparklines and the recent runs from history; the lineage (what it
 * is made from and written by, the root cause when it is impacted). It
 * scrolls as one document; Tab jumps to the next section. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "act.h"
#include "app.h"
#include "lakewatch/history_incidents.h"
#include "lakewatch/util.h"

#define NSEC 9	/* sections Tab stops at (the accepted schema is one) */

struct det_state {
	char *name;		/* owned: the dataset shown, NULL: none yet */
	int top, lines;		/* first line shown, lines in the document */
	int sec[NSEC];		/* first line of each section */
	struct lw_hpoint *series;	/* owned: its history */
	size_t nseries;
	/* the selected check, shown in full below the table: by name, so
	 * that it stays selected across runs; NULL: the worst one */
	char *check;
	int csel;		/* its row, as last drawn (-1: none) */
	int sel_line[2];	/* document lines of its row and block end */
	bool follow;		/* scroll the selected check into view */
	/* incidents (act.h): the prompt of the a m A U keys, which act on
	 * the selected check, and the accepted baseline (history) */
	struct lw_act act;
	struct lw_baseline base;
	bool has_base;
};

struct doc {
	struct lw_app *a;
	struct det_state *s;
	int y0, h, top, n;	/* n: lines so far */
	int nsec;
};

/* Screen row of the next document line, or -1 when it is scrolled away. */
static int line(struct doc *d)
{
	int n = d->n++;

	if (n < d->top || n >= d->top + d->h)
		return -1;
	return d->y0 + n - d->top;
}

static void text(struct doc *d, int role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void text(struct doc *d, int role, const char *fmt, ...)
{
	char b[1024];
	va_list ap;
	int y = line(d);

	if (y < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	lw_draw_str(d->a, y, 1, d->a->W - 2, role, b);
}

static void section(struct doc *d, const char *title)
{
	int y;

	if (d->n)
		line(d);	/* blank line between sections */
	if (d->nsec < NSEC)
		d->s->sec[d->nsec++] = d->n;
	y = line(d);
	if (y >= 0)
		lw_draw_text(d->a, y, 0, d->a->W, LW_R_TITLE, title);
}

static const char *when(int64_t t, char *b, size_t n, bool date)
{
	time_t tt = (time_t)t;
	struct tm lt;

	if (t < 0)
		return "-";
	localtime_r(&tt, &lt);
	strftime(b, n, date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &lt);
	return b;
}

/* Index of the selected check: by name, else the worst (first of the
 * worst status), -1 when there are none. */
static int pick_check(const struct det_state *s, const struct lw_ds_run *dr)
{
	int best = -1;

	for (size_t k = 0; k < dr->nresults; k++) {
		const struct lw_result *r = &dr->results[k];

		if (s->check && r->check && !strcmp(s->check, r->check))
			return (int)k;
		if (best < 0 || r->status > dr->results[best].status)
			best = (int)k;
	}
	return best;
}

/* One "label  value" field of the selected check, wrapped to the width
 * (never cut: this is where the whole value is read). */
static void field(struct doc *d, const char *label, int role, const char *v)
{
	int x = 16, w = d->a->W - x - 1;
	char part[1024];

	if (w < 10)
		w = 10;
	do {
		int y = line(d), used;

		used = lw_tui_wrap_part(part, sizeof part, v, w, d->a->ascii);
		if (y >= 0) {
			lw_draw_str(d->a, y, 4, x - 4, LW_R_DIM, label);
			lw_draw_str(d->a, y, x, w, role, part);
		}
		label = "";
		v += used;
		while (*v == ' ')
			v++;
	} while (*v);
}

/* The value's history for the check: age for freshness, rows for
 * row_count (the series the history keeps), else the dataset's status
 * over the recent runs. */
static void value_history(struct doc *d, const struct lw_result *r)
{
	const struct det_state *s = d->s;
	bool age = r->check && !strcmp(r->check, "freshness");
	bool rows = r->check && !strcmp(r->check, "row_count");
	/* sp: a sparkline of up to 200 cells of up to 4 bytes; b: it and a
	 * few words; strip: 40 status glyphs */
	char b[1100], sp[1024], strip[200], last[32];
	int64_t *v;
	size_t n = s->nseries;

	if (!d->a->hist || !n) {
		field(d, "history", LW_R_DIM, d->a->hist ?
		      "nothing recorded yet" : "no history file open");
		return;
	}
	if (age || rows) {
		int w = d->a->W - 40;

		v = lw_xcalloc(n, sizeof *v);
		for (size_t i = 0; i < n; i++)
			v[i] = age ? s->series[i].age : s->series[i].rows;
		lw_tui_spark(sp, sizeof sp, v, n, w < 8 ? 8 : w > 200 ? 200 :
			     w, d->a->ascii);
		if (v[n - 1] < 0)
			snprintf(last, sizeof last, "-");
		else if (age)
			lw_duration_fmt(v[n - 1], last, sizeof last);
		else
			lw_count_fmt(v[n - 1], last, sizeof last);
		free(v);
		snprintf(b, sizeof b, "%s %s now %s (%zu run%s)", age ? "age" :
			 "rows", sp, last, n, n == 1 ? "" : "s");
		field(d, "history", LW_R_SPARK, b);
		return;
	}
	strip[0] = 0;
	for (size_t i = n > 40 ? n - 40 : 0, k = 0; i < n; i++)
		k += (size_t)snprintf(strip + k, sizeof strip - k, "%s",
				      lw_tui_glyph(s->series[i].status,
						   d->a->ascii));
	snprintf(b, sizeof b, "status %s (%zu run%s)", strip, n,
		 n == 1 ? "" : "s");
	field(d, "history", LW_R_NORMAL, b);
}

/* The selected check in full, below the table. */
static void draw_selected(struct doc *d, const struct lw_result *r)
{
	char st[64];

	line(d);
	snprintf(st, sizeof st, "%s %s", lw_tui_glyph(r->status,
		 d->a->ascii), lw_status_name(r->status));
	field(d, r->check ? r->check : "check", lw_status_role(r->status),
	      st);
	field(d, "measured", LW_R_NORMAL, r->measured && *r->measured ?
	      r->measured : "-");
	field(d, "threshold", LW_R_NORMAL, r->threshold && *r->threshold ?
	      r->threshold : "-");
	field(d, "message", LW_R_NORMAL, r->message && *r->message ?
	      r->message : "-");
	value_history(d, r);
}

static void draw_checks(struct doc *d, const struct lw_ds_run *dr)
{
	struct lw_app *a = d->a;
	struct lw_tui_col c[] = {
		{ "status", 7, 7, 0 }, { "check", 10, 14, 0 },
		{ "measured", 8, 14, 1 }, { "thresholds", 10, 22, 2 },
		{ "message", 10, 200, 0 },
	};
	const char *mark = a->ascii ? ">" : "\xe2\x96\xb8";
	int y, sel = pick_check(d->s, dr);

	section(d, "Checks");
	lw_tui_columns(c, 5, a->W - 3, 4);
	y = line(d);
	if (y >= 0)
		for (int i = 0; i < 5; i++)
			lw_draw_str(a, y, 2 + c[i].x, c[i].w, LW_R_DIM,
				    c[i].title);
	d->s->csel = sel;
	for (size_t k = 0; k < dr->nresults; k++) {
		const struct lw_result *r = &dr->results[k];
		const char *v[5];
		char st[32];
		bool is = (int)k == sel;

		if (is)
			d->s->sel_line[0] = d->n;
		y = line(d);
		if (y < 0)
			continue;
		snprintf(st, sizeof st, "%s %s", lw_tui_glyph(r->status,
			 a->ascii), lw_status_name(r->status));
		v[0] = st;
		v[1] = r->check ? r->check : "";
		v[2] = r->measured ? r->measured : "";
		v[3] = r->threshold ? r->threshold : "";
		v[4] = r->message ? r->message : "";
		/* the selection is a marker, not only reverse video (which
		 * an ERROR cell also uses without colour) */
		if (is) {
			lw_draw_fill(a, y, 1, a->W - 2, LW_R_SELECTION);
			lw_draw_str(a, y, 1, 1, LW_R_SELECTION, mark);
		}
		for (int i = 0; i < 5; i++)
			if (c[i].w)
				lw_draw_str(a, y, 2 + c[i].x, c[i].w, is ?
					    LW_R_SELECTION : i == 0 ?
					    lw_status_role(r->status) :
					    LW_R_NORMAL, v[i]);
		lw_draw_hit(a, y, 1, 1, a->W - 2, HIT_ROW, (int)k, 0);
	}
	if (!dr->nresults)
		text(d, LW_R_DIM, "  no checks");
	if (sel >= 0) {
		draw_selected(d, &dr->results[sel]);
		d->s->sel_line[1] = d->n - 1;
	}
}

/* The most lineage lines drawn: the chain is cut with "..." after. */
#define LINEAGE_LINES 10
#define LINEAGE_DEPTH 6

/* "✗ FAIL  name" for cfg's dataset i (its status in this run). */
static void lineage_row(struct doc *d, int indent, const char *label, int i)
{
	struct lw_app *a = d->a;
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_ds_run *r = lw_app_dsrun(a, (size_t)i);
	int y = line(d);
	char t[400];

	if (y < 0)
		return;
	lw_draw_str(a, y, 2, 12, LW_R_DIM, label);
	snprintf(t, sizeof t, "%s %-5s %s", r ? lw_tui_glyph(r->status,
		 a->ascii) : "-", r ? lw_status_name(r->status) : "-",
		 cfg->datasets[i].name);
	lw_draw_str(a, y, 14 + indent, a->W - 15 - indent, r ?
		    lw_status_role(r->status) : LW_R_DIM, t);
}

/* The upstream chain of dataset i, depth first, indented per level;
 * *left lines may still be drawn ("..." marks a cut); seen stops a dataset
 * being shown twice; *first: the next row carries the label. */
static void lineage_up(struct doc *d, int i, int depth, int *left, char *seen,
		       bool *first)
{
	const struct lw_dataset *ds = &lw_app_cfg(d->a)->datasets[i];
	size_t nu;
	const int *up = lw_ds_upstream(ds, lw_app_dsrun(d->a, (size_t)i), &nu);

	for (size_t k = 0; k < nu; k++) {
		int u = up[k];
		if (seen[u])
			continue;
		if (*left <= 0 || depth >= LINEAGE_DEPTH) {
			if (*left >= 0)
				text(d, LW_R_DIM, "%*s...", 13 + 2 * depth, "");
			*left = *left > 0 ? *left - 1 : -1;
			return;
		}
		seen[u] = 1;
		(*left)--;
		lineage_row(d, 2 * depth, *first ? "upstream" : "", u);
		*first = false;
		lineage_up(d, u, depth + 1, left, seen, first);
	}
}

/* The run dataset whose runs `w` shows from this detail: the dataset
 * itself when it is one, else its root when that is one, else its first
 * failing linked writer that is one, else its first such writer; -1 when
 * none. */
static int runs_target(const struct lw_app *a, const struct lw_ds_run *dr)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *ds = dr->ds;
	int first = -1;

	if (ds->runs)
		return (int)(ds - cfg->datasets);
	if (dr->impacted && dr->root && dr->root->ds->runs)
		return (int)(dr->root->ds - cfg->datasets);
	for (size_t k = 0; k < ds->nwritten_by; k++) {
		int w = ds->writer_ds[k];
		const struct lw_ds_run *wr;

		if (w < 0 || !cfg->datasets[w].runs)
			continue;
		wr = lw_app_dsrun(a, (size_t)w);
		if (wr && wr->status >= LW_WARN)
			return w;
		if (first < 0)
			first = w;
	}
	return first;
}

/* What the dataset is made from and what writes it, with their statuses,
 * and, for an impacted dataset, its root cause first. */
static void draw_lineage(struct doc *d, const struct lw_ds_run *dr)
{
	struct lw_app *a = d->a;
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *ds = dr->ds;
	char t[600], why[400];

	section(d, "Lineage");
	if (dr->impacted && dr->root) {
		const struct lw_ds_run *r = dr->root;
		int y = line(d);
		const struct lw_result *res = r->worst >= 0 &&
			(size_t)r->worst < r->nresults ?
			&r->results[r->worst] : NULL;
		lw_tui_why(why, sizeof why, r, res);
		snprintf(t, sizeof t, "%s %s", lw_tui_glyph(r->status,
			 a->ascii), why);
		if (y >= 0) {
			lw_draw_str(a, y, 2, 12, LW_R_DIM, "root cause");
			lw_draw_str(a, y, 14, a->W - 15,
				    lw_status_role(r->status), t);
		}
	}
	char *seen = lw_xcalloc(cfg->ndatasets + 1, 1);
	int left = LINEAGE_LINES;
	seen[ds - cfg->datasets] = 1;
	bool first = true;
	lineage_up(d, (int)(ds - cfg->datasets), 0, &left, seen, &first);
	free(seen);
	size_t nu;
	lw_ds_upstream(ds, dr, &nu);
	if (!nu)
		text(d, LW_R_DIM, " upstream    none%s", ds->upstream_default ?
		     " (nothing in the previous layer of its source)" : "");
	if (dr->up_from != LW_UP_NONE && (nu || dr->up_note))
		text(d, LW_R_DIM, "%13s%s%s%s", "", lw_up_from_text(dr->up_from),
		     dr->up_note ? ": " : "", dr->up_note ? dr->up_note : "");
	for (size_t k = 0; k < ds->nwritten_by; k++) {
		int w = ds->writer_ds[k];
		if (w >= 0) {
			lineage_row(d, 0, k ? "" : "written by", w);
			continue;
		}
		int y = line(d);
		if (y < 0)
			continue;
		lw_draw_str(a, y, 2, 12, LW_R_DIM, k ? "" : "written by");
		snprintf(t, sizeof t, "%s  (not watched)", ds->written_by[k]);
		lw_draw_str(a, y, 14, a->W - 15, LW_R_NORMAL, t);
	}
	int rt = runs_target(a, dr);
	if (rt >= 0)
		text(d, LW_R_DIM, "%13sw: the runs of %s", "",
		     cfg->datasets[rt].name);
	if (!ds->nwritten_by)
		text(d, LW_R_DIM, " written by  not declared (\"written_by\")");
}

static void draw_obs(struct doc *d, const struct lw_ds_run *dr)
{
	const struct lw_obs *o = &dr->obs;
	char b1[32], b2[32], b3[32], b4[32];

	section(d, "Observation");
	if (!o->ok) {
		text(d, LW_R_ERROR, "  %s could not observe: %s",
		     lw_tui_glyph(LW_ERROR, d->a->ascii),
		     o->error ? o->error : "unknown error");
		return;
	}
	text(d, LW_R_NORMAL, "  observed %s in %.2fs, %s read",
	     when(o->at, b1, sizeof b1, true), dr->seconds,
	     lw_bytes_fmt(o->bytes_read, b2, sizeof b2));
	text(d, LW_R_NORMAL, "  files %s  bytes %s  empty %lld  rows %s",
	     lw_count_fmt(o->files, b1, sizeof b1),
	     lw_bytes_fmt(o->bytes, b2, sizeof b2), (long long)o->empty_files,
	     o->rows < 0 ? "unknown" : lw_count_fmt(o->rows, b3, sizeof b3));
	if (o->files > 0)
		text(d, LW_R_NORMAL, "  file sizes %s .. %s   newest %s   "
		     "oldest %s", lw_bytes_fmt(o->min_file_size, b1, sizeof b1),
		     lw_bytes_fmt(o->max_file_size, b2, sizeof b2),
		     when(o->newest_mtime, b3, sizeof b3, true),
		     when(o->oldest_mtime, b4, sizeof b4, true));
	if (dr->has_prev)
		text(d, LW_R_DIM, "  previous: %s  files %s  rows %s",
		     when(dr->prev.at, b1, sizeof b1, true),
		     lw_count_fmt(dr->prev.files, b2, sizeof b2),
		     dr->prev.rows < 0 ? "unknown" :
		     lw_count_fmt(dr->prev.rows, b3, sizeof b3));
	for (size_t i = 0; i < o->nferrs && i < 20; i++)
		text(d, LW_R_WARN, "  %s %s: %s", lw_tui_glyph(LW_WARN,
		     d->a->ascii), o->ferrs[i].path, o->ferrs[i].msg);
	if (o->nferrs > 20)
		text(d, LW_R_WARN, "  ... %zu more file problems",
		     o->nferrs - 20);
	if (o->detail) {
		const cJSON *it;

		cJSON_ArrayForEach(it, o->detail) {
			char *s;

			if (!it->string || !strcmp(it->string, "refreshes"))
				continue;
			s = cJSON_PrintUnformatted(it);
			text(d, LW_R_DIM, "  %s: %s", it->string, s ? s : "");
			free(s);
		}
	}
}

static void draw_parts(struct doc *d, const struct lw_obs *o)
{
	int64_t *t, gaps[16], period;
	size_t ng, k = 0, first;
	char b1[32], b2[32];

	if (!o->ok || !o->nparts)
		return;
	section(d, "Partitions");
	t = lw_xcalloc(o->nparts, sizeof *t);
	for (size_t i = 0; i < o->nparts; i++)
		t[i] = o->parts[i].time;
	period = lw_tui_part_gaps(t, o->nparts, gaps, 16, &ng);
	free(t);
	text(d, ng ? LW_R_FAIL : LW_R_NORMAL, "  %zu partitions%s%s%s  %s",
	     o->nparts, period ? ", one per " : "", period ?
	     lw_duration_fmt(period, b1, sizeof b1) : "", "",
	     ng ? "gaps found" : "no gaps");
	/* the last 12, with the missing periods between them marked */
	first = o->nparts > 12 ? o->nparts - 12 : 0;
	for (size_t i = first; i < o->nparts; i++) {
		const struct lw_partition *p = &o->parts[i];

		if (i > first && period && p->time >= 0 &&
		    o->parts[i - 1].time >= 0 &&
		    p->time - o->parts[i - 1].time > period * 3 / 2) {
			int64_t miss = (p->time - o->parts[i - 1].time) /
				       period - 1;

			text(d, LW_R_FAIL, "  %s missing %lld period%s after "
			     "%s", lw_tui_glyph(LW_FAIL, d->a->ascii),
			     (long long)miss, miss == 1 ? "" : "s",
			     o->parts[i - 1].key);
		}
		text(d, LW_R_NORMAL, "    %-30s files %-6s %s%s", p->key,
		     lw_count_fmt(p->files, b1, sizeof b1), p->rows < 0 ? "" :
		     "rows ", p->rows < 0 ? "" :
		     lw_count_fmt(p->rows, b2, sizeof b2));
		k++;
	}
	if (ng) {
		char b[400];
		int n = 0;

		for (size_t i = 0; i < ng && i < 16 && n < 300; i++) {
			time_t tt = (time_t)gaps[i];
			struct tm tm;
			char s[32];

			gmtime_r(&tt, &tm);
			strftime(s, sizeof s, period >= 86400 ? "%Y-%m-%d" :
				 "%Y-%m-%dT%H", &tm);
			n += snprintf(b + n, sizeof b - n, "%s%s", i ? ", " :
				      "", s);
		}
		text(d, LW_R_FAIL, "  missing (%zu): %s%s", ng, b,
		     ng > 16 ? ", ..." : "");
	}
	(void)k;
}

static void draw_schema(struct doc *d, const struct lw_ds_run *dr)
{
	const struct lw_obs *o = &dr->obs;
	const struct lw_schema *prev = dr->has_prev && dr->prev.has_schema ?
				       &dr->prev.schema : NULL;
	struct lw_tui_coldiff *df;
	size_t n, max;

	if (!o->ok || !o->has_schema)
		return;
	section(d, prev ? "Schema (marked against the previous observation)"
		: "Schema");
	max = o->schema.n + (prev ? prev->n : 0) + 1;
	df = lw_xcalloc(max, sizeof *df);
	n = lw_tui_schema_diff(&o->schema, prev, df, max);
	for (size_t i = 0; i < n; i++) {
		char t1[64], t2[64];
		static const char mark[] = " +-~";
		static const char *const word[] = { "", "added", "removed",
						    "retyped" };
		static const int role[] = { LW_R_NORMAL, LW_R_ADDED,
					    LW_R_REMOVED, LW_R_CHANGED };
		const struct lw_column *c = df[i].col;

		lw_type_fmt(c, t1, sizeof t1);
		if (df[i].kind == LW_COL_RETYPED) {
			lw_type_fmt(df[i].was, t2, sizeof t2);
			text(d, role[df[i].kind], "  %c %-28s %-16s retyped "
			     "(was %s)", mark[df[i].kind], c->name, t1, t2);
		} else {
			text(d, role[df[i].kind], "  %c %-28s %-16s %s",
			     mark[df[i].kind], c->name, t1, word[df[i].kind]);
		}
	}
	free(df);
}

/* The accepted schema (lw_history_baseline) beside the observed one,
 * only when they differ: each column with its accepted and observed type,
 * so what `A` would accept is plain. */
static void draw_accepted(struct doc *d, const struct lw_ds_run *dr)
{
	const struct det_state *s = d->s;
	const struct lw_obs *o = &dr->obs;
	struct lw_tui_coldiff *df;
	size_t n, max, ndiff = 0;

	if (!s->has_base || !s->base.has_schema || !o->ok || !o->has_schema)
		return;
	max = o->schema.n + s->base.schema.n + 1;
	df = lw_xcalloc(max, sizeof *df);
	n = lw_tui_schema_diff(&o->schema, &s->base.schema, df, max);
	for (size_t i = 0; i < n; i++)
		ndiff += df[i].kind != LW_COL_SAME;
	if (ndiff) {
		section(d, "Accepted schema beside the observed one");
		text(d, LW_R_DIM, "  accepted: %s; A accepts the observed one",
		     s->base.schema_from ? s->base.schema_from : "baseline");
		text(d, LW_R_DIM, "    %-28s %-16s %s", "column", "accepted",
		     "observed");
	}
	for (size_t i = 0; ndiff && i < n; i++) {
		static const int role[] = { LW_R_NORMAL, LW_R_ADDED,
					    LW_R_REMOVED, LW_R_CHANGED };
		char t1[64], t2[64];
		const struct lw_column *c = df[i].col;
		enum lw_coldiff k = df[i].kind;

		lw_type_fmt(k == LW_COL_RETYPED ? df[i].was : c, t1, sizeof t1);
		lw_type_fmt(c, t2, sizeof t2);
		text(d, role[k], "  %c %-28s %-16s %s", " +-~"[k], c->name,
		     k == LW_COL_ADDED ? "-" : t1, k == LW_COL_REMOVED ?
		     "- (removed)" : t2);
	}
	free(df);
}

/* The anomaly rule's result in this run that had a range for metric m
 * (its status colours the band), or NULL (borrowed from dr). */
static const struct lw_result *range_of(const struct lw_ds_run *dr, int m)
{
	for (size_t i = 0; dr && i < dr->nresults; i++) {
		const struct lw_result *r = &dr->results[i];

		if (r->has_range && r->range_metric &&
		    !strcmp(r->range_metric, lw_metric_name((enum lw_metric)m)))
			return r;
	}
	return NULL;
}

/* Metric m at point p[i] of the series: what the rule judged when it
 * judged it, else what the observation holds (load: the rows added since
 * the point before). False when unknown. */
static bool point_value(const struct lw_hpoint *p, size_t i, int m,
			double *v)
{
	const struct lw_hpoint *q = &p[i];
	int64_t x = -1;

	if (q->band_mask & (1u << m) && !isnan(q->band_v[m])) {
		*v = q->band_v[m];
		return true;
	}
	switch (m) {
	case LW_M_ROWS: x = q->rows; break;
	case LW_M_BYTES: x = q->bytes; break;
	case LW_M_FILES: x = q->files; break;
	case LW_M_COLUMNS: x = q->columns; break;
	case LW_M_LOAD:
		if (!i || q->rows < 0 || p[i - 1].rows < 0)
			return false;
		*v = (double)(q->rows - p[i - 1].rows);
		return true;
	default:
		return false;	/* arrival: only as the rule judged it */
	}
	*v = (double)x;
	return x >= 0;
}

/* A short number for the 13 columns beside a sparkline: 950, 58.1k, 1.2M
 * (bytes in binary units; arrival as the clock time into its period). */
static const char *short_fmt(int m, double v, char *buf, size_t n)
{
	static const char unit[] = "kMGTP";
	double base = m == LW_M_BYTES ? 1024 : 1000, a = fabs(v);
	int k = -1;

	if (m == LW_M_ARRIVAL) {
		long t = v < 0 ? 0 : (long)llround(v) / 60;
		snprintf(buf, n, "%02ld:%02ld", (t / 60) % 100, t % 60);
		return buf;
	}
	while (a >= 9999.5 && k < 4) {
		a /= base;
		v /= base;
		k++;
	}
	if (k < 0)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, a < 99.95 ? "%.1f%c" : "%.0f%c", v, unit[k]);
	return buf;
}

/* Metric m two rows high, each point against its own expected range
 * (the band the rule had for it then): a value outside its band stands
 * clear of the shade. Beside it the value now and the band now. */
static void draw_band(struct doc *d, const struct lw_hpoint *p, size_t n,
		      int m, int w, const struct lw_result *r)
{
	static const char *const label[LW_NMETRICS] = {
		"rows", "load", "bytes", "files", "cols", "lands"
	};
	char top[1024], bot[1024], lab[40], b1[24], b2[24];
	struct lw_tui_bpoint *bp = lw_xcalloc(n, sizeof *bp);
	int role = !r || r->status == LW_PASS ? LW_R_SPARK :
		   lw_status_role(r->status);
	const struct lw_hpoint *last = &p[n - 1];
	double v;

	for (size_t i = 0; i < n; i++) {
		bp[i].has_v = point_value(p, i, m, &bp[i].v);
		bp[i].has_band = p[i].band_mask & (1u << m);
		bp[i].lo = p[i].band_lo[m];
		bp[i].hi = p[i].band_hi[m];
	}
	lw_tui_spark_bands(top, bot, sizeof top, bp, n, w, d->a->ascii);
	snprintf(lab, sizeof lab, "%s %s", label[m], bp[n - 1].has_v ?
		 short_fmt(m, bp[n - 1].v, b1, sizeof b1) : "-");
	text(d, LW_R_SPARK, "  %-13.13s %s", lab, top);
	lab[0] = 0;
	if (last->band_mask & (1u << m))
		snprintf(lab, sizeof lab, "~%s%s%s", short_fmt(m, (v =
			 last->band_lo[m]) < 0 && m != LW_M_LOAD ? 0 : v, b1,
			 sizeof b1), d->a->ascii ? "-" : "\xe2\x80\x93",
			 short_fmt(m, last->band_hi[m], b2, sizeof b2));
	text(d, role, "  %-13s %s", lab, bot);
	free(bp);
}

/* The metrics the anomaly rule judged in the points shown or in this run
 * (bits of enum lw_metric). */
static unsigned judged_metrics(const struct lw_hpoint *p, size_t n,
			       const struct lw_ds_run *dr)
{
	unsigned mask = 0;

	for (size_t i = 0; i < n; i++)
		mask |= p[i].band_mask;
	for (int m = 0; m < LW_NMETRICS; m++)
		if (range_of(dr, m))
			mask |= 1u << m;
	return mask;
}

static void draw_history(struct doc *d, const struct lw_ds_run *dr)
{
	struct lw_app *a = d->a;
	const struct det_state *s = d->s;
	int64_t *rows, *age;
	char sp[1024], b1[32], b2[32];
	int w = a->W - 22;
	unsigned bands;

	section(d, "History");
	if (!a->hist) {
		text(d, LW_R_DIM, "  no history file open");
		return;
	}
	if (!s->nseries) {
		text(d, LW_R_DIM, "  nothing recorded yet");
		return;
	}
	bands = judged_metrics(s->series, s->nseries, dr);
	rows = lw_xcalloc(s->nseries, sizeof *rows);
	age = lw_xcalloc(s->nseries, sizeof *age);
	for (size_t i = 0; i < s->nseries; i++) {
		rows[i] = s->series[i].rows;
		age[i] = s->series[i].age;
	}
	if (w > 200)
		w = 200;
	if (!(bands & (1u << LW_M_ROWS))) {	/* no rule on it: as ever */
		lw_tui_spark(sp, sizeof sp, rows, s->nseries, w, a->ascii);
		text(d, LW_R_SPARK, "  rows %-8s %s",
		     rows[s->nseries - 1] < 0 ? "-" :
		     lw_count_fmt(rows[s->nseries - 1], b1, sizeof b1), sp);
	}
	for (int m = 0; m < LW_NMETRICS; m++)
		if (bands & (1u << m))
			draw_band(d, s->series, s->nseries, m, w,
				  range_of(dr, m));
	lw_tui_spark(sp, sizeof sp, age, s->nseries, w, a->ascii);
	text(d, LW_R_SPARK, "  age  %-8s %s",
	     age[s->nseries - 1] < 0 ? "-" :
	     lw_duration_fmt(age[s->nseries - 1], b2, sizeof b2), sp);
	if (bands)
		text(d, LW_R_DIM, "  %s the anomaly rule's expected range at "
		     "each poll (~ now)", a->ascii ? "|" : "\xe2\x96\x91");
	free(rows);
	free(age);

	section(d, "Recent runs");
	for (size_t k = 0; k < 10 && k < s->nseries; k++) {
		const struct lw_hpoint *p = &s->series[s->nseries - 1 - k];

		text(d, lw_status_role(p->status), "  %s  %s %-5s  rows %-8s "
		     "age %s%s", when(p->at, b1, sizeof b1, true),
		     lw_tui_glyph(p->status, a->ascii),
		     lw_status_name(p->status), p->rows < 0 ? "-" :
		     lw_count_fmt(p->rows, b2, sizeof b2), p->age < 0 ? "-" :
		     lw_duration_fmt(p->age, sp, sizeof sp),
		     p->aborted ? "  (aborted run)" : "");
	}
}

/* Read the dataset's series again (after a run, or when opened). */
static void read_series(struct lw_app *a, struct det_state *s)
{
	struct lw_err err = { 0 };

	free(s->series);
	s->series = NULL;
	s->nseries = 0;
	if (!a->hist || !s->name)
		return;
	if (lw_history_series(a->hist, s->name, 120, &s->series,
			      &s->nseries, &err) != LW_OK) {
		lw_app_set_msg(a, true, "history: %s", err.msg);
		s->series = NULL;
		s->nseries = 0;
	}
}

/* Read the accepted baseline again (opened, after a run or an act). */
static void read_base(struct lw_app *a, struct det_state *s)
{
	struct lw_err err = { 0 };

	lw_baseline_free(&s->base);
	s->has_base = false;
	if (!a->hist || !s->name)
		return;
	if (lw_history_baseline(a->hist, s->name, 0, &s->base, &err) != LW_OK)
		lw_baseline_free(&s->base);
	else
		s->has_base = true;
}

void lw_detail_open(struct lw_app *a, const char *name)
{
	struct det_state *s = lw_app_state(a, &lw_view_detail);

	if (!name)
		return;
	if (!s->name || strcmp(s->name, name)) {
		char *n = lw_xstrdup(name);

		free(s->name);
		s->name = n;
		s->top = 0;
		free(s->check);		/* a new dataset: its worst check */
		s->check = NULL;
		s->follow = true;
	}
	read_series(a, s);
	read_base(a, s);
	lw_app_show(a, &lw_view_detail);
}

void lw_detail_open_check(struct lw_app *a, const char *name,
			  const char *check)
{
	struct det_state *s = lw_app_state(a, &lw_view_detail);
	char *c = check ? lw_xstrdup(check) : NULL;

	lw_detail_open(a, name);
	free(s->check);
	s->check = c;
	s->follow = true;
}

/* The shown dataset's ds_run in the displayed run, NULL when it has none.
 * Borrowed from the app. */
static const struct lw_ds_run *shown_run(const struct lw_app *a,
					 const struct det_state *s)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *ds = cfg && s->name ?
				      lw_config_dataset(cfg, s->name) : NULL;

	return ds ? lw_app_dsrun(a, (size_t)(ds - cfg->datasets)) : NULL;
}

/* Select the check `by` rows away from the selected one (n/N, a click). */
static void select_check(struct lw_app *a, struct det_state *s, int to)
{
	const struct lw_ds_run *dr = shown_run(a, s);

	if (!dr || !dr->nresults)
		return;
	/* n past the last check comes round to the first, N the other way */
	if (to < 0)
		to = (int)dr->nresults - 1;
	if (to >= (int)dr->nresults)
		to = 0;
	free(s->check);
	s->check = dr->results[to].check ?
		   lw_xstrdup(dr->results[to].check) : NULL;
	s->follow = true;
}

/* After drawing: scroll so that the selected check's row and its block
 * are on screen (once per selection change, then the user scrolls). */
static void follow(struct lw_app *a, struct det_state *s, int h)
{
	int top = s->top;

	if (!s->follow || s->csel < 0)
		return;
	s->follow = false;
	if (s->sel_line[1] >= top + h)
		top = s->sel_line[1] - h + 1;
	if (s->sel_line[0] < top)
		top = s->sel_line[0] > 0 ? s->sel_line[0] - 1 : 0;
	if (top != s->top) {
		s->top = top;
		a->dirty = true;
	}
}

/* The header line: status, name, source / layer, path, description. */
static void draw_title(struct lw_app *a, const struct lw_config *cfg,
		       const struct lw_dataset *ds, const struct lw_ds_run *dr,
		       int y)
{
	char t[600];

	snprintf(t, sizeof t, " %s %s  %s  %s / %s  %s%s%s", dr ?
		 lw_tui_glyph(dr->status, a->ascii) : "-", dr ?
		 lw_status_name(dr->status) : "pending", ds->name,
		 (size_t)ds->source < cfg->nsources ?
		 cfg->sources[ds->source].title : "?",
		 lw_layer_title(ds->layer), ds->path ? ds->path : "",
		 ds->description ? "  " : "",
		 ds->description ? ds->description : "");
	lw_draw_text(a, y, 0, a->W, dr ? lw_status_role(dr->status) :
		     LW_R_DIM, t);
}

static void det_draw(struct lw_app *a, void *st, int y0, int h)
{
	struct det_state *s = st;
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *ds = NULL;
	const struct lw_ds_run *dr = NULL;
	struct doc d = { a, s, y0 + 1, h - 1, s->top, 0, 0 };
	char t[600];

	if (!s->name) {
		lw_draw_str(a, y0 + 1, 1, a->W - 2, LW_R_DIM,
			    "no dataset selected: pick one on the Datasets "
			    "screen (2) and press Enter");
		return;
	}
	if (cfg)
		ds = lw_config_dataset(cfg, s->name);
	if (ds)
		dr = lw_app_dsrun(a, (size_t)(ds - cfg->datasets));
	if (!ds) {
		snprintf(t, sizeof t, "%s is not in the config", s->name);
		lw_draw_text(a, y0, 0, a->W, LW_R_WARN, t);
		return;
	}
	draw_title(a, cfg, ds, dr, y0);
	memset(s->sec, 0, sizeof s->sec);
	if (dr) {
		draw_checks(&d, dr);
		/* an impacted dataset's root cause right below its checks;
		 * otherwise its lineage comes last */
		if (dr->impacted)
			draw_lineage(&d, dr);
		draw_obs(&d, dr);
		draw_parts(&d, &dr->obs);
		draw_schema(&d, dr);
		draw_accepted(&d, dr);
	} else {
		text(&d, LW_R_DIM, "not polled yet");
	}
	draw_history(&d, dr);
	if (dr && !dr->impacted)
		draw_lineage(&d, dr);
	s->lines = d.n;
	follow(a, s, d.h);
	if (s->top > 0 && s->top > d.n - d.h) {
		/* content shrank (resize, new run): scroll back in */
		s->top = d.n - d.h > 0 ? d.n - d.h : 0;
		a->dirty = true;
	}
}

/* The incident keys (act.h) on the selected check (n / N choose it).
 * true when ch was one of them, or the prompt took it. */
static bool det_act_key(struct lw_app *a, struct det_state *s, int ch)
{
	const struct lw_ds_run *dr = shown_run(a, s);
	int k = dr ? pick_check(s, dr) : -1;
	const char *chk = k >= 0 ? dr->results[k].check : NULL;
	const struct lw_incident *inc = k >= 0 ?
					lw_ds_run_incident(dr, (size_t)k) : NULL;

	if (lw_act_busy(&s->act)) {
		lw_act_key(a, &s->act, ch);
		return true;
	}
	if (!lw_act_start(a, &s->act, ch, s->name, chk, inc ? inc->id : 0))
		return false;
	if (chk && !s->check)	/* the selection stays on what was acted on */
		s->check = lw_xstrdup(chk);
	return true;
}

/* `w`: the Pipelines screen's runs pane of runs_target(); Esc comes back
 * here. false (the key unused) when the dataset has none. */
static bool open_runs(struct lw_app *a, struct det_state *s)
{
	const struct lw_ds_run *dr = shown_run(a, s);
	int rt = dr ? runs_target(a, dr) : -1;

	if (rt < 0)
		return false;
	lw_pipelines_open(a, lw_app_cfg(a)->datasets[rt].name);
	return true;
}

static bool det_key(struct lw_app *a, void *st, int ch)
{
	struct det_state *s = st;
	int page = a->H - 6, max = s->lines - page;

	if (det_act_key(a, s, ch))
		return true;
	if (max < 0)
		max = 0;
	switch (ch) {
	case 'w':	/* the runs of the pipeline behind it (Lineage) */
		return open_runs(a, s);
	case 'n':
		select_check(a, s, s->csel + 1);
		return true;
	case 'N':
		select_check(a, s, s->csel - 1);
		return true;
	case '\t':
		for (int i = 0; i < NSEC; i++)
			if (s->sec[i] > s->top) {
				s->top = s->sec[i] > max ? max :
					     s->sec[i];
				return true;
			}
		s->top = 0;
		return true;
	case KEY_UP: case 'k':
		if (s->top > 0) s->top--;
		return true;
	case KEY_DOWN: case 'j':
		if (s->top < max) s->top++;
		return true;
	case KEY_PPAGE: case CTRL('b'):
		s->top = s->top > page ? s->top - page : 0;
		return true;
	case KEY_NPAGE: case CTRL('f'): case ' ':
		s->top = s->top + page < max ? s->top + page : max;
		return true;
	case KEY_HOME: case 'g':
		s->top = 0;
		return true;
	case KEY_END: case 'G':
		s->top = max;
		return true;
	}
	return false;
}

/* Shown by its key or tab: the dataset selected in the view shown until
 * now (the datasets table), else the one shown last, else none. */
static void det_enter(struct lw_app *a, void *st)
{
	const struct det_state *s = st;
	const struct lw_view_ops *from = lw_app_view(a);
	const char *name = NULL;

	if (from->selected)
		name = from->selected(a, a->vst[a->cur]);
	if (!name)
		name = s->name;
	if (name)
		lw_detail_open(a, name);
}

/* A click on a check row selects it and shows it in full. */
static void det_click(struct lw_app *a, void *st, const struct lw_hit *h,
		      bool dbl)
{
	(void)dbl;
	if (h->kind == HIT_ROW)
		select_check(a, st, h->a);
}

static void det_on_history(struct lw_app *a, void *st)
{
	if (lw_app_showing(a, &lw_view_detail)) {
		read_series(a, st);
		read_base(a, st);
	}
}

/* The incident prompt (act.h) takes every key and the footer line. */
static bool det_captures(const struct lw_app *a, const void *st)
{
	(void)a;
	return lw_act_busy(&((const struct det_state *)st)->act);
}

static bool det_footer(struct lw_app *a, void *st, int y)
{
	return lw_act_draw_footer(a, &((struct det_state *)st)->act, y);
}

/* The caller (the app) owns the state; det_free gives it back. */
static void *det_init(struct lw_app *a)
{
	struct det_state *s = lw_xcalloc(1, sizeof *s);

	(void)a;
	lw_baseline_init(&s->base);
	return s;
}

static void det_free(void *st)
{
	struct det_state *s = st;

	if (!s)
		return;
	free(s->name);
	free(s->series);
	free(s->check);
	lw_baseline_free(&s->base);
	free(s);
}

const struct lw_view_ops lw_view_detail = {
	.name = "Detail",
	.key = '3',
	.summary = "dataset detail",
	.flags = LW_VIEW_RETURNS,
	.footer = " arrows scroll  n N check  w runs  a ack  m mute  "
		  "A accept  U undo  Esc back",
	.init = det_init,
	.free = det_free,
	.draw = det_draw,
	.handle_key = det_key,
	.enter = det_enter,
	.click = det_click,
	.on_history = det_on_history,
	.captures = det_captures,
	.draw_footer = det_footer,
};
