/* live_files.c - number of live files in a Delta table
 * (obs->delta.live_files).
 *
 *   "live_files": {"max": {"warn": 10000, "fail": 50000}}
 *
 * Many small files make every read slow; the fix is OPTIMIZE. A "min" is
 * accepted too (a table that lost its files).
 */
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/measure.h"
#include "lakewatch/util.h"

static bool live_measure(const struct lw_judge_ctx *ctx, const char *thr,
			 struct lw_measured *m, struct lw_result *out)
{
	const struct lw_delta_facts *d = &ctx->obs->delta;
	char num[32];
	if (!d->has_live_files || d->live_files < 0) {
		lw_check_result(out, "live_files", LW_ERROR, "unknown", thr,
				false, 0, "live file count unknown: the Delta "
				"log was not read to the end");
		return false;
	}
	m->value = (double)d->live_files;
	lw_unit_fmt(LW_U_COUNT, m->value, num, sizeof num);
	snprintf(m->meas, sizeof m->meas, "%s file%s", num,
		 m->value == 1 ? "" : "s");
	return true;
}

static void live_say(const struct lw_judge_ctx *ctx,
		     const struct lw_measured *m, enum lw_status st, int side,
		     const char *why, char *msg, size_t n)
{
	(void)ctx;
	if (st == LW_PASS)
		snprintf(msg, n, "%s live in the Delta table, within limits "
			 "(%s)", m->meas, why);
	else if (side == 1)
		snprintf(msg, n, "too many live files: %s (%s); compact the "
			 "table with OPTIMIZE", m->meas, why);
	else
		snprintf(msg, n, "too few live files: %s (%s)", m->meas, why);
}

static const struct lw_measure_rule live_rule = {
	.check = "live_files",
	.unit = LW_U_COUNT,
	.judge = LW_J_RANGE,
	.keys = {"min", "max"},
	.give = "give \"max\", \"min\" or both",
	.delta = true,
	.measure = live_measure,
	.say = live_say,
};

static void *live_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	return lw_measure_parse(&live_rule, node, cc);
}

const struct lw_check_kind lw_check_live_files = {
	.name = "live_files",
	.parse = live_parse,
	.free = lw_measure_free,
	.run = lw_measure_run,
};
