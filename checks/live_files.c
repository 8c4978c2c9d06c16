/* live_files.c - number of live files in a Delta table
 * (detail.delta.live_files).
 *
 *   "live_files": {"max": {"warn": 10000, "fail": 50000}}
 *
 * Many small files make every read slow; the fix is OPTIMIZE. A "min" is
 * accepted too (a table that lost its files).
 */
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/limits.h"
#include "lakewatch/util.h"

struct live_cfg {
	struct lw_limit min, max;
};

static void *live_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"min", "max", NULL};
	struct live_cfg c;
	if (lw_cfg_object(cc, node, "live_files") != LW_OK ||
	    lw_cfg_keys(cc, node, "live_files", keys) != LW_OK)
		return NULL;
	int a = lw_limit_get(cc, node, "min", "live_files", LW_U_COUNT,
			     LW_DIR_MIN, &c.min);
	int b = lw_limit_get(cc, node, "max", "live_files", LW_U_COUNT,
			     LW_DIR_MAX, &c.max);
	if (a != LW_OK || b != LW_OK)
		return NULL;
	if (!lw_limit_set(&c.min) && !lw_limit_set(&c.max)) {
		lw_cfg_error(cc, node, "live_files: give \"max\", \"min\" or "
			     "both");
		return NULL;
	}
	struct live_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	return p;
}

static void live_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		     struct lw_result *out)
{
	const struct live_cfg *c = cfgp;
	if (lw_check_unobserved("live_files", ctx, out))
		return;
	char thr[256], why[96], num[32], meas[48], msg[LW_CHECK_MSG_MAX];
	lw_limits_fmt(&c->min, &c->max, LW_U_COUNT, thr, sizeof thr);
	const cJSON *d = lw_check_delta("live_files", thr, ctx, out);
	if (!d)
		return;
	double n;
	if (!lw_json_num(d, "live_files", &n) || n < 0) {
		lw_check_result(out, "live_files", LW_ERROR, "unknown", thr,
				false, 0, "live file count unknown: the Delta "
				"log was not read to the end");
		return;
	}
	enum lw_dir too;
	enum lw_status st = lw_limits_judge(&c->min, &c->max, n, LW_U_COUNT,
					    &too, why, sizeof why);
	lw_unit_fmt(LW_U_COUNT, n, num, sizeof num);
	snprintf(meas, sizeof meas, "%s file%s", num, n == 1 ? "" : "s");
	if (st == LW_PASS)
		snprintf(msg, sizeof msg, "%s live in the Delta table, within "
			 "limits (%s)", meas, why);
	else if (too == LW_DIR_MAX)
		snprintf(msg, sizeof msg, "too many live files: %s (%s); "
			 "compact the table with OPTIMIZE", meas, why);
	else
		snprintf(msg, sizeof msg, "too few live files: %s (%s)", meas,
			 why);
	lw_check_result(out, "live_files", st, meas, thr, true, n, msg);
}

static void live_free(void *cfg)
{
	free(cfg);
}

const struct lw_check_kind lw_check_live_files = {
	.name = "live_files",
	.parse = live_parse,
	.free = live_free,
	.run = live_run,
};
