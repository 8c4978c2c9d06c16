/* checkpoint_age.c - how old is the Delta table's last checkpoint
 * (detail.delta.checkpoint_time)?
 *
 *   "checkpoint_age": {"warn": "1d", "fail": "3d"}
 *
 * Without a recent checkpoint every reader replays the JSON log from the
 * last one; a table with no checkpoint at all is WARN.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/limits.h"
#include "lakewatch/util.h"

struct ckpt_cfg {
	struct lw_limit lim;	/* seconds, LW_DIR_MAX */
};

static void *ckpt_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"warn", "fail", NULL};
	struct ckpt_cfg c;
	if (lw_cfg_object(cc, node, "checkpoint_age") != LW_OK ||
	    lw_cfg_keys(cc, node, "checkpoint_age", keys) != LW_OK)
		return NULL;
	if (lw_limit_flat(cc, node, "checkpoint_age", LW_U_DURATION,
			  LW_DIR_MAX, &c.lim) != LW_OK)
		return NULL;
	if (!lw_limit_set(&c.lim)) {
		lw_cfg_error(cc, node, "checkpoint_age: give \"warn\", "
			     "\"fail\" or both");
		return NULL;
	}
	struct ckpt_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	return p;
}

static void ckpt_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		     struct lw_result *out)
{
	const struct ckpt_cfg *c = cfgp;
	if (lw_check_unobserved("checkpoint_age", ctx, out))
		return;
	char thr[128], why[64], age_s[32], msg[LW_CHECK_MSG_MAX], vs[48];
	lw_limit_fmt(&c->lim, LW_U_DURATION, thr, sizeof thr);
	const cJSON *d = lw_check_delta("checkpoint_age", thr, ctx, out);
	if (!d)
		return;
	double ver = -1, cver = -1;
	lw_json_num(d, "version", &ver);
	lw_json_num(d, "checkpoint_version", &cver);
	int64_t t;
	if (!lw_json_time(d, "checkpoint_time", &t)) {
		if (ver >= 0)
			snprintf(vs, sizeof vs, " (table at version %.0f)",
				 ver);
		else
			vs[0] = '\0';
		snprintf(msg, sizeof msg, "no checkpoint yet%s: readers replay "
			 "the whole log", vs);
		lw_check_result(out, "checkpoint_age", LW_WARN, "none", thr,
				false, 0, msg);
		return;
	}
	int64_t age = ctx->now - t > 0 ? ctx->now - t : 0;
	enum lw_status st = lw_limit_eval(&c->lim, LW_DIR_MAX, (double)age);
	lw_duration_fmt(age, age_s, sizeof age_s);
	lw_limit_why(&c->lim, LW_DIR_MAX, st, LW_U_DURATION, why, sizeof why);
	if (cver >= 0 && ver >= 0)
		snprintf(vs, sizeof vs, " (version %.0f of %.0f)", cver, ver);
	else if (cver >= 0)
		snprintf(vs, sizeof vs, " (version %.0f)", cver);
	else
		vs[0] = '\0';
	snprintf(msg, sizeof msg, "%slast checkpoint%s %s old (%s)",
		 st == LW_PASS ? "" : "old checkpoint: ", vs, age_s, why);
	lw_check_result(out, "checkpoint_age", st, age_s, thr, true,
			(double)age, msg);
}

static void ckpt_free(void *cfg)
{
	free(cfg);
}

const struct lw_check_kind lw_check_checkpoint_age = {
	.name = "checkpoint_age",
	.parse = ckpt_parse,
	.free = ckpt_free,
	.run = ckpt_run,
};
