/* last_load.c - rows written by the last Delta commit
 * (detail.delta.last_load_rows).
 *
 *   "last_load": {"min": {"warn": 100, "fail": 1}, "max": {"warn": 1e8}}
 *
 * Catches a load that ran but wrote (almost) nothing: the table's total row
 * count barely moves when one small batch is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/limits.h"
#include "lakewatch/util.h"

struct load_cfg {
	struct lw_limit min, max;
};

static void *load_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"min", "max", NULL};
	struct load_cfg c;
	if (lw_cfg_object(cc, node, "last_load") != LW_OK ||
	    lw_cfg_keys(cc, node, "last_load", keys) != LW_OK)
		return NULL;
	int a = lw_limit_get(cc, node, "min", "last_load", LW_U_COUNT,
			     LW_DIR_MIN, &c.min);
	int b = lw_limit_get(cc, node, "max", "last_load", LW_U_COUNT,
			     LW_DIR_MAX, &c.max);
	if (a != LW_OK || b != LW_OK)
		return NULL;
	if (!lw_limit_set(&c.min) && !lw_limit_set(&c.max)) {
		lw_cfg_error(cc, node, "last_load: give \"min\", \"max\" or "
			     "both");
		return NULL;
	}
	struct load_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	return p;
}

static void load_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		     struct lw_result *out)
{
	const struct load_cfg *c = cfgp;
	if (lw_check_unobserved("last_load", ctx, out))
		return;
	char thr[256], why[96], num[32], meas[48], what[96];
	char msg[LW_CHECK_MSG_MAX];
	lw_limits_fmt(&c->min, &c->max, LW_U_COUNT, thr, sizeof thr);
	const cJSON *d = lw_check_delta("last_load", thr, ctx, out);
	if (!d)
		return;
	const char *op = lw_json_str(d, "last_operation");
	double ver = -1, rows;
	lw_json_num(d, "version", &ver);
	if (ver >= 0)
		snprintf(what, sizeof what, "%.40s, version %.0f",
			 op ? op : "unknown operation", ver);
	else
		snprintf(what, sizeof what, "%.40s", op ? op :
			 "unknown operation");
	if (!lw_json_num(d, "last_load_rows", &rows) || rows < 0) {
		snprintf(msg, sizeof msg, "rows written by the last load "
			 "unknown: the last commit (%s) reports no output "
			 "rows", what);
		lw_check_result(out, "last_load", LW_ERROR, "unknown", thr,
				false, 0, msg);
		return;
	}
	enum lw_dir too;
	enum lw_status st = lw_limits_judge(&c->min, &c->max, rows,
					    LW_U_COUNT, &too, why, sizeof why);
	lw_unit_fmt(LW_U_COUNT, rows, num, sizeof num);
	snprintf(meas, sizeof meas, "%s row%s", num, rows == 1 ? "" : "s");
	snprintf(msg, sizeof msg, "last load (%s) wrote %s%s (%s)", what, meas,
		 st == LW_PASS ? ", within limits" : too == LW_DIR_MIN ?
		 ": too few" : ": too many", why);
	lw_check_result(out, "last_load", st, meas, thr, true, rows, msg);
}

static void load_free(void *cfg)
{
	free(cfg);
}

const struct lw_check_kind lw_check_last_load = {
	.name = "last_load",
	.parse = load_parse,
	.free = load_free,
	.run = load_run,
};
