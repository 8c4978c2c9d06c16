/* runs.c - the runs of the pipeline or job that writes a dataset
 * (obs->runs: Data Factory, Synapse, Databricks).
 *
 *   "runs": {"failed": "fail", "cancelled": "warn",
 *            "consecutive_failures": {"warn": 2, "fail": 3},
 *            "max_age": {"warn": "26h", "fail": "2d"},
 *            "max_duration": {"warn": "2h", "fail": "4h"},
 *            "duration": {"min_points": 5, "sensitivity": 3}}
 *
 * The newest finished run failing (or timing out) gives "failed" (default
 * fail) naming the run, when it started, the failing activity or task and
 * its message; cancelled gives "cancelled" (default warn). Failures in a
 * row are held against consecutive_failures; the time since the last
 * successful run's end against max_age; a run in progress (or queued)
 * longer than max_duration is stuck; a run that takes unusually long
 * for its pipeline (learned from the successful runs seen, on by default:
 * runs_duration.c) warns, or fails when far out. The verdict is the
 * worst; the message leads with it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/limits.h"
#include "lakewatch/util.h"
#include "runs_int.h"

struct runs_cfg {
	enum lw_status failed, cancelled;	/* LW_PASS = ignore */
	struct lw_limit consecutive, max_age, max_duration;
	struct runs_duration duration;
};

static void *runs_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"failed", "cancelled",
		"consecutive_failures", "max_age", "max_duration", "duration",
		NULL};
	struct runs_cfg c = {.failed = LW_FAIL, .cancelled = LW_WARN};
	if (lw_cfg_object(cc, node, "runs") != LW_OK ||
	    lw_cfg_keys(cc, node, "runs", keys) != LW_OK)
		return NULL;
	int e = lw_cfg_severity(cc, node, "failed", "runs", true, &c.failed);
	e |= lw_cfg_severity(cc, node, "cancelled", "runs", true,
			     &c.cancelled);
	e |= lw_limit_get(cc, node, "consecutive_failures", "runs",
			  LW_U_COUNT, LW_DIR_MAX, &c.consecutive);
	e |= lw_limit_get(cc, node, "max_age", "runs", LW_U_DURATION,
			  LW_DIR_MAX, &c.max_age);
	e |= lw_limit_get(cc, node, "max_duration", "runs", LW_U_DURATION,
			  LW_DIR_MAX, &c.max_duration);
	e |= lw_runs_duration_parse(cc, node, &c.duration);
	if (e != LW_OK)
		return NULL;
	struct runs_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	return p;
}

static bool finished(enum lw_run_state s)
{
	return s == LW_RUN_SUCCEEDED || s == LW_RUN_FAILED ||
	       s == LW_RUN_TIMEDOUT || s == LW_RUN_CANCELLED;
}

static bool failure(enum lw_run_state s)
{
	return s == LW_RUN_FAILED || s == LW_RUN_TIMEDOUT;
}

/* One finding: its status and its sentence; the worst leads. */
struct finding {
	enum lw_status st;
	char text[LW_CHECK_MSG_MAX];
};

struct judged {
	struct finding f[5];
	int n;
	char meas[64];
	double value;
	bool has_value;
};

static void find(struct judged *j, enum lw_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void find(struct judged *j, enum lw_status st, const char *fmt, ...)
{
	va_list ap;
	if (j->n == 5)
		return;
	struct finding *f = &j->f[j->n++];
	f->st = st;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof f->text, fmt, ap);
	va_end(ap);
}

/* "failed (run abc, started 2026-12-02T03:12:00Z): Copy orders: 2200:
 * ErrorCode=UserErrorFileNotFound ..." */
static void say_failed(const struct lw_runs_facts *rf,
		       const struct lw_run_fact *r, char *buf, size_t n)
{
	char t[32], who[256];
	snprintf(buf, n, "last run of %s %s (run %.64s%s%s)%s%.120s%s%.80s%s"
		 "%.400s", lw_runs_label(rf, who, sizeof who),
		 r->state == LW_RUN_TIMEDOUT ? "timed out" : "failed",
		 r->run_id ? r->run_id : "?",
		 r->start >= 0 ? ", started " : "",
		 r->start >= 0 ? lw_time_fmt(r->start, t, sizeof t) : "",
		 r->failing ? ": " : "", r->failing ? r->failing : "",
		 r->error_code ? ": " : "", r->error_code ? r->error_code : "",
		 r->message ? ": " : "", r->message ? r->message : "");
}

static void judge_last(const struct runs_cfg *c, const struct lw_runs_facts *rf,
		       struct judged *j)
{
	const struct lw_run_fact *last = NULL;
	int row = 0;
	char who[256];
	for (size_t i = 0; i < rf->n; i++) {
		if (!finished(rf->runs[i].state))
			continue;
		if (!last)
			last = &rf->runs[i];
		if (!failure(rf->runs[i].state))
			break;
		row++;
	}
	if (!last)
		return;
	snprintf(j->meas, sizeof j->meas, "%s", lw_run_state_name(last->state));
	char msg[LW_CHECK_MSG_MAX], why[96];
	if (failure(last->state)) {
		say_failed(rf, last, msg, sizeof msg);
		find(j, c->failed, "%s", msg);
	} else if (last->state == LW_RUN_CANCELLED) {
		find(j, c->cancelled, "last run of %s was cancelled (run %.64s)",
		     lw_runs_label(rf, who, sizeof who),
		     last->run_id ? last->run_id : "?");
	}
	/* N failures in a row: the limit is reached at N, not above it */
	const struct lw_limit *cl = &c->consecutive;
	if (lw_limit_set(cl) && row > 0) {
		enum lw_status st = cl->has_fail && row >= cl->fail ? LW_FAIL :
			cl->has_warn && row >= cl->warn ? LW_WARN : LW_PASS;
		bool f = st == LW_FAIL || (st == LW_PASS && !cl->has_warn);
		snprintf(why, sizeof why, "%s at %.0f", f ? "fail" : "warn",
			 f ? cl->fail : cl->warn);
		find(j, st, "%d failed run%s in a row (%s)", row,
		     row == 1 ? "" : "s", why);
	}
}

/* The time since the newest success ended, against max_age. */
static void judge_age(const struct runs_cfg *c, const struct lw_runs_facts *rf,
		      int64_t now, struct judged *j)
{
	int64_t ok = -1;
	char who[256];
	for (size_t i = 0; i < rf->n; i++)
		if (rf->runs[i].state == LW_RUN_SUCCEEDED) {
			int64_t t = rf->runs[i].end >= 0 ? rf->runs[i].end :
				rf->runs[i].start;
			if (t > ok)
				ok = t;
		}
	if (!lw_limit_set(&c->max_age))
		return;
	char d[32], why[96];
	if (ok < 0) {
		find(j, c->max_age.has_fail ? LW_FAIL : LW_WARN, "no successful "
		     "run of %s among the %zu runs seen",
		     lw_runs_label(rf, who, sizeof who), rf->n);
		return;
	}
	int64_t age = now - ok > 0 ? now - ok : 0;
	enum lw_status st = lw_limit_eval(&c->max_age, LW_DIR_MAX, (double)age);
	lw_limit_why(&c->max_age, LW_DIR_MAX, st, LW_U_DURATION, why,
		     sizeof why);
	find(j, st, "last successful run ended %s ago (%s)",
	     lw_duration_fmt(age, d, sizeof d), why);
	if (!j->has_value) {
		j->value = (double)age;
		j->has_value = true;
	}
}

/* The longest-running run in progress, against max_duration. */
static void judge_running(const struct runs_cfg *c,
			  const struct lw_runs_facts *rf, int64_t now,
			  struct judged *j)
{
	const struct lw_run_fact *r = NULL;
	for (size_t i = 0; i < rf->n; i++) {
		const struct lw_run_fact *x = &rf->runs[i];
		if ((x->state == LW_RUN_IN_PROGRESS || x->state ==
		     LW_RUN_QUEUED) && x->start >= 0 && (!r ||
		     x->start < r->start))
			r = x;
	}
	if (!r || !lw_limit_set(&c->max_duration))
		return;
	int64_t run = now - r->start > 0 ? now - r->start : 0;
	char d[32], why[96];
	enum lw_status st = lw_limit_eval(&c->max_duration, LW_DIR_MAX,
					  (double)run);
	lw_limit_why(&c->max_duration, LW_DIR_MAX, st, LW_U_DURATION, why,
		     sizeof why);
	find(j, st, "run %.64s %s for %s (%s)", r->run_id ? r->run_id : "?",
	     r->state == LW_RUN_QUEUED ? "queued" : st == LW_PASS ?
	     "in progress" : "stuck? in progress", lw_duration_fmt(run, d,
	     sizeof d), why);
}

/* PASS: "last run succeeded 3h ago (took 12m)". */
static void say_pass(const struct lw_runs_facts *rf, int64_t now, char *msg,
		     size_t n)
{
	char who[256];
	for (size_t i = 0; i < rf->n; i++) {
		const struct lw_run_fact *r = &rf->runs[i];
		if (!finished(r->state))
			continue;
		char a[32], b[32];
		int64_t at = r->end >= 0 ? r->end : r->start;
		snprintf(msg, n, "last run of %s %s %s ago%s%s%s",
			 lw_runs_label(rf, who, sizeof who), r->state ==
			 LW_RUN_CANCELLED ? "was cancelled" : "succeeded",
			 lw_duration_fmt(at >= 0 && now > at ? now - at : 0, a,
					 sizeof a), r->duration >= 0 ?
			 " (took " : "", r->duration >= 0 ? lw_runs_dur_fmt(
			 r->duration, b, sizeof b) : "", r->duration >= 0 ?
			 ")" : "");
		return;
	}
	snprintf(msg, n, "%zu run%s of %s, none finished yet", rf->n,
		 rf->n == 1 ? "" : "s", lw_runs_label(rf, who, sizeof who));
}

static void threshold(const struct runs_cfg *c, char *thr, size_t n)
{
	char a[96], b[96], d[96];
	static const char *const sev[] = {"ignored", "warn", "fail", "?"};
	lw_limit_fmt(&c->consecutive, LW_U_COUNT, a, sizeof a);
	lw_limit_fmt(&c->max_age, LW_U_DURATION, b, sizeof b);
	lw_limit_fmt(&c->max_duration, LW_U_DURATION, d, sizeof d);
	snprintf(thr, n, "failed %s%s%s%s%s%s%s", sev[c->failed],
		 a[0] ? "; in a row " : "", a, b[0] ? "; max_age " : "", b,
		 d[0] ? "; max_duration " : "", d);
}

/* Every finding that is not PASS, worst first, "; "-joined. */
static enum lw_status join(const struct judged *j, char *msg, size_t n)
{
	enum lw_status worst = LW_PASS;
	for (int i = 0; i < j->n; i++)
		if (j->f[i].st > worst)
			worst = j->f[i].st;
	size_t o = 0;
	msg[0] = '\0';
	for (int s = LW_FAIL; s >= LW_WARN; s--)
		for (int i = 0; i < j->n && o < n; i++)
			if ((int)j->f[i].st == s)
				o += (size_t)snprintf(msg + o, n - o, "%s%s",
						      o ? "; " : "", j->f[i].text);
	return worst;
}

static void runs_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		     struct lw_result *out)
{
	const struct runs_cfg *c = cfgp;
	if (lw_check_unobserved("runs", ctx, out))
		return;
	const struct lw_runs_facts *rf = &ctx->obs->runs;
	char thr[400], msg[LW_CHECK_MSG_MAX], who[256];
	threshold(c, thr, sizeof thr);
	if (!rf->present) {
		lw_check_result(out, "runs", LW_ERROR, "", thr, false, 0,
				"no run information (not a pipeline or job on a "
				"datafactory, synapse or databricks lake)");
		return;
	}
	if (!rf->n) {
		snprintf(msg, sizeof msg, "no runs of %s in the lake's lookback",
			 lw_runs_label(rf, who, sizeof who));
		lw_check_result(out, "runs", c->max_age.has_fail ? LW_FAIL :
				LW_WARN, "none", thr, false, 0, msg);
		return;
	}
	struct judged j = {.n = 0};
	judge_last(c, rf, &j);
	judge_age(c, rf, ctx->now, &j);
	judge_running(c, rf, ctx->now, &j);
	enum lw_status dst;
	char dmsg[LW_CHECK_MSG_MAX];
	lw_runs_duration_judge(&c->duration, rf, ctx->now, &dst, dmsg,
			       sizeof dmsg);
	if (dst != LW_PASS)
		find(&j, dst, "%s", dmsg);
	enum lw_status st = join(&j, msg, sizeof msg);
	if (st == LW_PASS)
		say_pass(rf, ctx->now, msg, sizeof msg);
	if (!j.meas[0])
		snprintf(j.meas, sizeof j.meas, "%s", lw_run_state_name(
			 rf->runs[0].state));
	lw_check_result(out, "runs", st, j.meas, thr, j.has_value, j.value,
			msg);
}

static void runs_free(void *cfg)
{
	free(cfg);
}

const struct lw_check_kind lw_check_runs = {
	.name = "runs",
	.parse = runs_parse,
	.free = runs_free,
	.run = runs_run,
};
