/* checkpoint_age.c - how old is the Delta table's last checkpoint
 * (obs->delta.checkpoint_time)?
 *
 *   "checkpoint_age": {"warn": "1d", "fail": "3d"}
 *
 * Without a recent checkpoint every reader replays the JSON log from the
 * last one; a table with no checkpoint at all is WARN.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/measure.h"
#include "lakewatch/util.h"

static bool ckpt_measure(const struct lw_judge_ctx *ctx, const char *thr,
			 struct lw_measured *m, struct lw_result *out)
{
	const struct lw_delta_facts *d = &ctx->obs->delta;
	bool ver = d->has_version && d->version >= 0;
	bool cver = d->has_checkpoint_version && d->checkpoint_version >= 0;
	char msg[LW_CHECK_MSG_MAX], vs[48];
	if (!d->has_checkpoint_time) {
		if (ver)
			snprintf(vs, sizeof vs, " (table at version %.0f)",
				 (double)d->version);
		else
			vs[0] = '\0';
		snprintf(msg, sizeof msg, "no checkpoint yet%s: readers replay "
			 "the whole log", vs);
		lw_check_result(out, "checkpoint_age", LW_WARN, "none", thr,
				false, 0, msg);
		return false;
	}
	int64_t t = d->checkpoint_time;
	int64_t age = ctx->now - t > 0 ? ctx->now - t : 0;
	m->value = (double)age;
	lw_duration_fmt(age, m->meas, sizeof m->meas);
	/* what: " (version 20 of 25)" */
	if (cver && ver)
		snprintf(m->what, sizeof m->what, " (version %.0f of %.0f)",
			 (double)d->checkpoint_version, (double)d->version);
	else if (cver)
		snprintf(m->what, sizeof m->what, " (version %.0f)",
			 (double)d->checkpoint_version);
	return true;
}

static void ckpt_say(const struct lw_judge_ctx *ctx,
		     const struct lw_measured *m, enum lw_status st, int side,
		     const char *why, char *msg, size_t n)
{
	(void)ctx;
	(void)side;
	snprintf(msg, n, "%slast checkpoint%s %s old (%s)",
		 st == LW_PASS ? "" : "old checkpoint: ", m->what, m->meas,
		 why);
}

static const struct lw_measure_rule ckpt_rule = {
	.check = "checkpoint_age",
	.unit = LW_U_DURATION,
	.judge = LW_J_RANGE,
	.keys = {NULL, NULL},	/* flat: {"warn": "1d", "fail": "3d"} */
	.give = "give \"warn\", \"fail\" or both",
	.delta = true,
	.measure = ckpt_measure,
	.say = ckpt_say,
};

static void *ckpt_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	return lw_measure_parse(&ckpt_rule, node, cc);
}

const struct lw_check_kind lw_check_checkpoint_age = {
	.name = "checkpoint_age",
	.parse = ckpt_parse,
	.free = lw_measure_free,
	.run = lw_measure_run,
};
