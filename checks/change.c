/* change.c - row count change since the previous observation.
 *
 *   "change": {"drop": {"warn": 20, "fail": 50},
 *              "growth": {"warn": 200, "fail": 500}}
 *
 * Percentages of the previous count (numbers or "20%"), or of the baseline
 * the engine hands over from history (the accepted count, or the median of
 * the last passing polls), so that one bad poll does not become the new
 * normal. Without a previous observation there is nothing to compare:
 * PASS, and this one becomes the baseline. From 0 rows no percentage exists: a table that was empty and
 * now has rows passes (the row_count check is the place for absolute
 * limits).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/measure.h"
#include "lakewatch/util.h"

/* Compare with history's baseline rather than the last poll? A baseline
 * equal to the last poll's count reads as it always did ("since last
 * poll"): first polls and steady state keep their words. */
static bool use_baseline(const struct lw_judge_ctx *ctx)
{
	return ctx->has_baseline_rows &&
	       !(ctx->prev && ctx->prev->rows >= 0 &&
		 (double)ctx->prev->rows == ctx->baseline_rows);
}

/* What the count is compared with, rounded to a count. */
static int64_t old_rows(const struct lw_judge_ctx *ctx)
{
	double d = use_baseline(ctx) ? ctx->baseline_rows :
		   (double)ctx->prev->rows;
	return d < 0 ? 0 : d > 9e18 ? INT64_MAX : (int64_t)(d + 0.5);
}

/* "; baseline: median of the last 5 passing polls" or "" into buf. */
static const char *baseline_note(const struct lw_judge_ctx *ctx, char *buf,
				 size_t n)
{
	buf[0] = 0;
	if (use_baseline(ctx))
		snprintf(buf, n, "; baseline: %s", ctx->baseline_from ?
			 ctx->baseline_from : "accepted");
	return buf;
}

/* The row counts before the percentage: no count, no previous one, or a
 * previous 0 are results of their own (false); else the signed change in
 * percent of the previous count. */
static bool change_measure(const struct lw_judge_ctx *ctx, const char *thr,
			   struct lw_measured *m, struct lw_result *out)
{
	char was[32], now[32], pct_s[32], msg[LW_CHECK_MSG_MAX];
	int64_t cur = ctx->obs->rows;
	if (cur < 0) {
		lw_check_result(out, "change", LW_ERROR, "unknown", thr, false,
				0, "row count unknown: cannot compare with "
				"the last poll");
		return false;
	}
	lw_thousands_fmt(cur, now, sizeof now);
	bool base = use_baseline(ctx);
	if (!base && (!ctx->prev || ctx->prev->rows < 0)) {
		snprintf(msg, sizeof msg, "%s; baseline recorded (%s rows)",
			 ctx->prev ? "previous row count unknown"
			 : "no previous observation", now);
		lw_check_result(out, "change", LW_PASS, "baseline", thr,
				false, 0, msg);
		return false;
	}
	int64_t old = old_rows(ctx);
	const char *at = base ? "baseline" : "last poll";
	lw_thousands_fmt(old, was, sizeof was);
	if (old == 0) {
		if (cur == 0)
			snprintf(msg, sizeof msg, "still 0 rows, as at the %s",
				 at);
		else
			snprintf(msg, sizeof msg, "was empty at the %s, "
				 "now %s rows (no percentage from 0)", at, now);
		lw_check_result(out, "change", LW_PASS, cur ? "from 0" : "0%",
				thr, cur == 0, 0, msg);
		return false;
	}
	double oldd = base ? ctx->baseline_rows : (double)old;
	double pct = ((double)cur - oldd) / oldd * 100.0;
	m->value = pct;
	lw_pct_fmt(pct < 0 ? -pct : pct, pct_s, sizeof pct_s);
	snprintf(m->meas, sizeof m->meas, "%s%s", pct < 0 ? "-" :
		 pct > 0 ? "+" : "", pct_s);
	const char *since = base ? "from the baseline" : "since last poll";
	char note[104];	/* what[160] holds since, now and this in full */
	baseline_note(ctx, note, sizeof note);
	if (cur == old)
		snprintf(m->what, sizeof m->what, "%s (%s%s)", since, now, note);
	else	/* "12.5% since last poll (8 → 9" */
		snprintf(m->what, sizeof m->what, "%s %s (%s "
			 "\xe2\x86\x92 %s", pct_s, since, was, now);
	return true;
}

static void change_say(const struct lw_judge_ctx *ctx,
		       const struct lw_measured *m, enum lw_status st,
		       int side, const char *why, char *msg, size_t n)
{
	char note[160];
	(void)st;
	if (ctx->obs->rows == old_rows(ctx))
		snprintf(msg, n, "row count unchanged %s", m->what);
	else
		snprintf(msg, n, "row count %s %s; %s%s)", side == 0 ?
			 "dropped" : "grew", m->what, why,
			 baseline_note(ctx, note, sizeof note));
}

static const struct lw_measure_rule change_rule = {
	.check = "change",
	.unit = LW_U_PERCENT,
	.judge = LW_J_SIGNED,
	.keys = {"drop", "growth"},
	.give = "give \"drop\", \"growth\" or both",
	.measure = change_measure,
	.say = change_say,
};

static void *change_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	return lw_measure_parse(&change_rule, node, cc);
}

const struct lw_check_kind lw_check_change = {
	.name = "change",
	.parse = change_parse,
	.free = lw_measure_free,
	.run = lw_measure_run,
};
