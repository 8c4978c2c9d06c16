/* last_load.c - rows written by the last Delta commit
 * (obs->delta.last_load_rows).
 *
 *   "last_load": {"min": {"warn": 100, "fail": 1}, "max": {"warn": 1e8}}
 *
 * Catches a load that ran but wrote (almost) nothing: the table's total row
 * count barely moves when one small batch is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/measure.h"
#include "lakewatch/util.h"

/* "WRITE, version 9": the commit the number comes from. */
static void commit_words(const struct lw_delta_facts *d, char *buf, size_t n)
{
	const char *op = d->last_operation;
	if (d->has_version && d->version >= 0)
		snprintf(buf, n, "%.40s, version %.0f",
			 op ? op : "unknown operation", (double)d->version);
	else
		snprintf(buf, n, "%.40s", op ? op : "unknown operation");
}

static bool load_measure(const struct lw_judge_ctx *ctx, const char *thr,
			 struct lw_measured *m, struct lw_result *out)
{
	const struct lw_delta_facts *d = &ctx->obs->delta;
	char num[32], msg[LW_CHECK_MSG_MAX];
	commit_words(d, m->what, sizeof m->what);
	if (!d->has_last_load_rows || d->last_load_rows < 0) {
		snprintf(msg, sizeof msg, "rows written by the last load "
			 "unknown: the last commit (%s) reports no output "
			 "rows", m->what);
		lw_check_result(out, "last_load", LW_ERROR, "unknown", thr,
				false, 0, msg);
		return false;
	}
	m->value = (double)d->last_load_rows;
	lw_unit_fmt(LW_U_COUNT, m->value, num, sizeof num);
	snprintf(m->meas, sizeof m->meas, "%s row%s", num,
		 m->value == 1 ? "" : "s");
	return true;
}

static void load_say(const struct lw_judge_ctx *ctx,
		     const struct lw_measured *m, enum lw_status st, int side,
		     const char *why, char *msg, size_t n)
{
	(void)ctx;
	snprintf(msg, n, "last load (%s) wrote %s%s (%s)", m->what, m->meas,
		 st == LW_PASS ? ", within limits" : side == 0 ?
		 ": too few" : ": too many", why);
}

static const struct lw_measure_rule load_rule = {
	.check = "last_load",
	.unit = LW_U_COUNT,
	.judge = LW_J_RANGE,
	.keys = {"min", "max"},
	.give = "give \"min\", \"max\" or both",
	.delta = true,
	.measure = load_measure,
	.say = load_say,
};

static void *load_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	return lw_measure_parse(&load_rule, node, cc);
}

const struct lw_check_kind lw_check_last_load = {
	.name = "last_load",
	.parse = load_parse,
	.free = lw_measure_free,
	.run = lw_measure_run,
};
