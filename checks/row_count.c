/* row_count.c - the dataset's row count within limits.
 *
 *   "row_count": {"min": {"warn": 1000, "fail": 10}, "max": {"warn": 1e7}}
 *
 * An unknown count (rows -1: count_rows off, unreadable files, a format
 * that does not count) is ERROR, never a guess and never a pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/measure.h"
#include "lakewatch/config.h"
#include "lakewatch/util.h"

/* Why rows is unknown, in words, into buf. */
static void unknown_reason(const struct lw_judge_ctx *ctx, char *buf,
			   size_t n)
{
	const struct lw_obs *o = ctx->obs;
	if (ctx->ds && !ctx->ds->count_rows)
		snprintf(buf, n, ": \"count_rows\" is false for %s",
			 lw_ctx_name(ctx));
	else if (o->nferrs)
		snprintf(buf, n, ": %zu file%s could not be read (%s: %s)",
			 o->nferrs, o->nferrs == 1 ? "" : "s",
			 o->ferrs[0].path, o->ferrs[0].msg);
	else if (o->delta.present && o->delta.footer_bound_hit)
		snprintf(buf, n, ": %lld of %lld add actions lack stats, and "
			 "the bound of %lld footers was reached (format_options."
			 "footer_rows_max_files)",
			 (long long)o->delta.files_without_stats,
			 (long long)o->files,
			 (long long)(o->delta.has_footer_bound ?
				     o->delta.footer_bound : 0));
	else if (o->files == 0 && !o->powerbi.present)
		snprintf(buf, n, ": no files");
	else
		snprintf(buf, n, ": the format does not report row counts");
}

static bool rows_measure(const struct lw_judge_ctx *ctx, const char *thr,
			 struct lw_measured *m, struct lw_result *out)
{
	int64_t rows = ctx->obs->rows;
	char num[32];
	if (rows < 0) {
		char r[600], msg[LW_CHECK_MSG_MAX];
		unknown_reason(ctx, r, sizeof r);
		snprintf(msg, sizeof msg, "row count unknown%s", r);
		lw_check_result(out, "row_count", LW_ERROR, "unknown", thr,
				false, 0, msg);
		return false;
	}
	m->value = (double)rows;
	lw_thousands_fmt(rows, num, sizeof num);
	snprintf(m->meas, sizeof m->meas, "%s row%s", num,
		 rows == 1 ? "" : "s");
	return true;
}

static void rows_say(const struct lw_judge_ctx *ctx,
		     const struct lw_measured *m, enum lw_status st, int side,
		     const char *why, char *msg, size_t n)
{
	(void)ctx;
	if (st == LW_PASS)
		snprintf(msg, n, "%s, within limits (%s)", m->meas, why);
	else
		snprintf(msg, n, "too %s rows: %s (%s)",
			 side == 0 ? "few" : "many", m->meas, why);
}

static const struct lw_measure_rule rows_rule = {
	.check = "row_count",
	.unit = LW_U_COUNT,
	.judge = LW_J_RANGE,
	.keys = {"min", "max"},
	.give = "give \"min\", \"max\" or both",
	.measure = rows_measure,
	.say = rows_say,
};

static void *rows_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	return lw_measure_parse(&rows_rule, node, cc);
}

const struct lw_check_kind lw_check_row_count = {
	.name = "row_count",
	.parse = rows_parse,
	.free = lw_measure_free,
	.run = lw_measure_run,
};
