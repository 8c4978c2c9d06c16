/* change.c - row count change since the previous observation, or from the
 * baseline history keeps (an accepted count, else the median of the last
 * passing polls) so that one bad poll does not become the new normal.
 *
 *   "change": {"drop": {"warn": 20, "fail": 50},
 *              "growth": {"warn": 200, "fail": 500}}
 *
 * Percentages of the previous count (numbers or "20%"). Without a previous
 * observation there is nothing to compare: PASS, and this one becomes the
 * baseline. From 0 rows no percentage exists: a table that was empty and
 * now has rows passes (the row_count check is the place for absolute
 * limits).
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include "lakewatch/limits.h"
#include "lakewatch/util.h"

struct change_cfg {
	struct lw_limit drop, growth;	/* percent, LW_DIR_MAX */
};

static void *change_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"drop", "growth", NULL};
	struct change_cfg c;
	if (lw_cfg_object(cc, node, "change") != LW_OK ||
	    lw_cfg_keys(cc, node, "change", keys) != LW_OK)
		return NULL;
	int a = lw_limit_get(cc, node, "drop", "change", LW_U_PERCENT,
			     LW_DIR_MAX, &c.drop);
	int b = lw_limit_get(cc, node, "growth", "change", LW_U_PERCENT,
			     LW_DIR_MAX, &c.growth);
	if (a != LW_OK || b != LW_OK)
		return NULL;
	if (!lw_limit_set(&c.drop) && !lw_limit_set(&c.growth)) {
		lw_cfg_error(cc, node, "change: give \"drop\", \"growth\" or "
			     "both");
		return NULL;
	}
	struct change_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	return p;
}

/* "drop warn 20%, fail 50%; growth warn 200%" into thr. */
static void change_thr(const struct change_cfg *c, char *thr, size_t n)
{
	char a[128], b[128];
	lw_limit_fmt(&c->drop, LW_U_PERCENT, a, sizeof a);
	lw_limit_fmt(&c->growth, LW_U_PERCENT, b, sizeof b);
	snprintf(thr, n, "%s%s%s%s%s",
		 lw_limit_set(&c->drop) ? "drop " : "", a,
		 lw_limit_set(&c->drop) && lw_limit_set(&c->growth) ? "; "
		 : "", lw_limit_set(&c->growth) ? "growth " : "", b);
}

static void change_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		       struct lw_result *out)
{
	const struct change_cfg *c = cfgp;
	if (lw_check_unobserved("change", ctx, out))
		return;
	char thr[300], why[96], was[32], now[32], pct_s[32];
	char meas[40], msg[LW_CHECK_MSG_MAX];
	change_thr(c, thr, sizeof thr);

	int64_t cur = ctx->obs->rows;
	if (cur < 0) {
		lw_check_result(out, "change", LW_ERROR, "unknown", thr, false,
				0, "row count unknown: cannot compare with "
				"the last poll");
		return;
	}
	lw_thousands_fmt(cur, now, sizeof now);
	/* A baseline equal to the last poll's count reads as it always did
	 * ("since last poll"): first polls and steady state keep their
	 * words. */
	bool base = ctx->has_baseline_rows &&
		    !(ctx->prev && ctx->prev->rows >= 0 &&
		      (double)ctx->prev->rows == ctx->baseline_rows);
	if (!base && (!ctx->prev || ctx->prev->rows < 0)) {
		snprintf(msg, sizeof msg, "%s; baseline recorded (%s rows)",
			 ctx->prev ? "previous row count unknown"
			 : "no previous observation", now);
		lw_check_result(out, "change", LW_PASS, "baseline", thr,
				false, 0, msg);
		return;
	}
	/* The baseline (history's accepted count or a median of passing
	 * polls) keeps a drop flagged until it recovers or is accepted. */
	double oldd = base ? ctx->baseline_rows : (double)ctx->prev->rows;
	int64_t old = oldd < 0 ? 0 : oldd > 9e18 ? INT64_MAX :
		      (int64_t)(oldd + 0.5);
	const char *since = base ? "from the baseline" : "since last poll";
	char from[160] = "";
	if (base)
		snprintf(from, sizeof from, "; baseline: %s", ctx->baseline_from ?
			 ctx->baseline_from : "accepted");
	lw_thousands_fmt(old, was, sizeof was);
	if (old == 0) {
		if (cur == 0)
			snprintf(msg, sizeof msg, "still 0 rows, as at the "
				 "%s", base ? "baseline" : "last poll");
		else
			snprintf(msg, sizeof msg, "was empty at the %s, "
				 "now %s rows (no percentage from 0)",
				 base ? "baseline" : "last poll", now);
		lw_check_result(out, "change", LW_PASS, cur ? "from 0" : "0%",
				thr, cur == 0, 0, msg);
		return;
	}
	double pct = ((double)cur - oldd) / oldd * 100.0;
	enum lw_status st = LW_PASS;
	lw_pct_fmt(pct < 0 ? -pct : pct, pct_s, sizeof pct_s);
	snprintf(meas, sizeof meas, "%s%s", pct < 0 ? "-" : pct > 0 ? "+" : "",
		 pct_s);
	if ((double)cur == oldd) {
		snprintf(msg, sizeof msg, "row count unchanged %s (%s%s)",
			 since, now, from);
	} else {
		const struct lw_limit *l = pct < 0 ? &c->drop : &c->growth;
		double mag = pct < 0 ? -pct : pct;
		st = lw_limit_eval(l, LW_DIR_MAX, mag);
		if (lw_limit_set(l))
			lw_limit_why(l, LW_DIR_MAX, st, LW_U_PERCENT, why,
				     sizeof why);
		else
			snprintf(why, sizeof why, "no %s limit",
				 pct < 0 ? "drop" : "growth");
		snprintf(msg, sizeof msg, "row count %s %s %s "
			 "(%s \xe2\x86\x92 %s; %s%s)", pct < 0 ? "dropped" :
			 "grew", pct_s, since, was, now, why, from);
	}
	lw_check_result(out, "change", st, meas, thr, true, pct, msg);
}

static void change_free(void *cfg)
{
	free(cfg);
}

const struct lw_check_kind lw_check_change = {
	.name = "change",
	.parse = change_parse,
	.free = change_free,
	.run = change_run,
};
