/* row_count.c - the dataset's row count within limits.
 *
 *   "row_count": {"min": {"warn": 1000, "fail": 10}, "max": {"warn": 1e7}}
 *
 * An unknown count (rows -1: count_rows off, unreadable files, a format
 * that does not count) is ERROR, never a guess and never a pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/limits.h"
#include "lakewatch/config.h"
#include "lakewatch/util.h"

struct rows_cfg {
	struct lw_limit min, max;
};

static void *rows_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"min", "max", NULL};
	struct rows_cfg c;
	if (lw_cfg_object(cc, node, "row_count") != LW_OK ||
	    lw_cfg_keys(cc, node, "row_count", keys) != LW_OK)
		return NULL;
	int a = lw_limit_get(cc, node, "min", "row_count", LW_U_COUNT,
			     LW_DIR_MIN, &c.min);
	int b = lw_limit_get(cc, node, "max", "row_count", LW_U_COUNT,
			     LW_DIR_MAX, &c.max);
	if (a != LW_OK || b != LW_OK)
		return NULL;
	if (!lw_limit_set(&c.min) && !lw_limit_set(&c.max)) {
		lw_cfg_error(cc, node, "row_count: give \"min\", \"max\" or "
			     "both");
		return NULL;
	}
	struct rows_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	return p;
}

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
	else if (o->files == 0 && !lw_detail_get(o, "powerbi"))
		snprintf(buf, n, ": no files");
	else
		snprintf(buf, n, ": the format does not report row counts");
}

static void rows_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		     struct lw_result *out)
{
	const struct rows_cfg *c = cfgp;
	if (lw_check_unobserved("row_count", ctx, out))
		return;
	char thr[256], why[96], num[32], meas[48], msg[LW_CHECK_MSG_MAX];
	lw_limits_fmt(&c->min, &c->max, LW_U_COUNT, thr, sizeof thr);
	int64_t rows = ctx->obs->rows;
	if (rows < 0) {
		char r[600];
		unknown_reason(ctx, r, sizeof r);
		snprintf(msg, sizeof msg, "row count unknown%s", r);
		lw_check_result(out, "row_count", LW_ERROR, "unknown", thr,
				false, 0, msg);
		return;
	}
	enum lw_dir too;
	enum lw_status st = lw_limits_judge(&c->min, &c->max, (double)rows,
					    LW_U_COUNT, &too, why, sizeof why);
	lw_thousands_fmt(rows, num, sizeof num);
	snprintf(meas, sizeof meas, "%s row%s", num, rows == 1 ? "" : "s");
	if (st == LW_PASS)
		snprintf(msg, sizeof msg, "%s, within limits (%s)", meas,
			 why);
	else
		snprintf(msg, sizeof msg, "too %s rows: %s (%s)",
			 too == LW_DIR_MIN ? "few" : "many", meas, why);
	lw_check_result(out, "row_count", st, meas, thr, true, (double)rows,
			msg);
}

static void rows_free(void *cfg)
{
	free(cfg);
}

const struct lw_check_kind lw_check_row_count = {
	.name = "row_count",
	.parse = rows_parse,
	.free = rows_free,
	.run = rows_run,
};
