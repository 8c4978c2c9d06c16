/* measure.c - the generic "limit on a measured number" rule (measure.h):
 * config, threshold text, judging and the result, once for every kind
 * built on it (row_count, last_load, live_files, checkpoint_age, change).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/measure.h"
#include "lakewatch/util.h"

static bool flat(const struct lw_measure_rule *r)
{
	return !r->keys[0];
}

static enum lw_dir dir_of(const struct lw_measure_rule *r, int side)
{
	return r->judge == LW_J_RANGE && side == 0 ? LW_DIR_MIN : LW_DIR_MAX;
}

/* Owned by the caller (lw_measure_free). */
void *lw_measure_parse(const struct lw_measure_rule *r, const cJSON *node,
		       struct lw_cfgctx *cc)
{
	struct lw_measure_cfg c = {.rule = r};
	const char *keys[] = {r->keys[0], r->keys[1], NULL};
	if (flat(r)) {
		keys[0] = "warn";
		keys[1] = "fail";
	}
	if (lw_cfg_object(cc, node, r->check) != LW_OK ||
	    lw_cfg_keys(cc, node, r->check, keys) != LW_OK)
		return NULL;
	if (flat(r)) {
		if (lw_limit_flat(cc, node, r->check, r->unit, LW_DIR_MAX,
				  &c.limits[1]) != LW_OK)
			return NULL;
	} else {
		int a = lw_limit_get(cc, node, r->keys[0], r->check, r->unit,
				     dir_of(r, 0), &c.limits[0]);
		int b = lw_limit_get(cc, node, r->keys[1], r->check, r->unit,
				     dir_of(r, 1), &c.limits[1]);
		if (a != LW_OK || b != LW_OK)
			return NULL;
	}
	if (!lw_limit_set(&c.limits[0]) && !lw_limit_set(&c.limits[1])) {
		lw_cfg_error(cc, node, "%s: %s", r->check, r->give);
		return NULL;
	}
	struct lw_measure_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	return p;
}

void lw_measure_free(void *cfg)
{
	free(cfg);
}

/* "warn 1d, fail 3d" (flat) or "min warn 1,000, fail 10; max fail 1e7"
 * with the rule's own key names ("drop 20%; growth 200%"). */
static void threshold(const struct lw_measure_cfg *c, char *thr, size_t n)
{
	const struct lw_measure_rule *r = c->rule;
	char a[128], b[128];
	if (flat(r)) {
		lw_limit_fmt(&c->limits[1], r->unit, thr, n);
		return;
	}
	bool s0 = lw_limit_set(&c->limits[0]), s1 = lw_limit_set(&c->limits[1]);
	lw_limit_fmt(&c->limits[0], r->unit, a, sizeof a);
	lw_limit_fmt(&c->limits[1], r->unit, b, sizeof b);
	snprintf(thr, n, "%s%s%s%s%s%s%s", s0 ? r->keys[0] : "", s0 ? " " : "",
		 a, s0 && s1 ? "; " : "", s1 ? r->keys[1] : "", s1 ? " " : "",
		 b);
}

/* Judge m->value against the limits; *side and why say which decided. */
static enum lw_status judge(const struct lw_measure_cfg *c, double v,
			    int *side, char *why, size_t n)
{
	const struct lw_measure_rule *r = c->rule;
	if (r->judge == LW_J_RANGE) {
		enum lw_dir too;
		enum lw_status st = lw_limits_judge(&c->limits[0],
						    &c->limits[1], v, r->unit,
						    &too, why, n);
		*side = too == LW_DIR_MIN ? 0 : 1;
		return st;
	}
	*side = v < 0 ? 0 : 1;
	const struct lw_limit *l = &c->limits[*side];
	double mag = v < 0 ? -v : v;
	enum lw_status st = lw_limit_eval(l, LW_DIR_MAX, mag);
	if (lw_limit_set(l))
		lw_limit_why(l, LW_DIR_MAX, st, r->unit, why, n);
	else
		snprintf(why, n, "no %s limit", r->keys[*side]);
	return st;
}

void lw_measure_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		    struct lw_result *out)
{
	const struct lw_measure_cfg *c = cfgp;
	const struct lw_measure_rule *r = c->rule;
	if (lw_check_unobserved(r->check, ctx, out))
		return;
	char thr[300], why[96], msg[LW_CHECK_MSG_MAX];
	threshold(c, thr, sizeof thr);
	if (r->delta && !lw_check_delta(r->check, thr, ctx, out))
		return;
	struct lw_measured m = {0};
	if (!r->measure(ctx, thr, &m, out))
		return;
	int side;
	enum lw_status st = judge(c, m.value, &side, why, sizeof why);
	r->say(ctx, &m, st, side, why, msg, sizeof msg);
	lw_check_result(out, r->check, st, m.meas, thr, true, m.value, msg);
}
