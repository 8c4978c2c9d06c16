/* freshness.c - how old is the newest data?
 *
 *   "freshness": {"warn": "2h", "fail": "6h", "from": "auto"}
 *
 * "from" picks the clock:
 *   mtime      the newest file's modification time;
 *   partition  the start of the newest partition's period (a daily partition
 *              is a day old at the end of its own day: give thresholds that
 *              include one period, e.g. "1d6h");
 *   data       the table's own time: the last Delta commit
 *              (obs->delta.last_commit) or the last successful Power BI
 *              refresh (obs->powerbi.refresh.last_success, or ended when
 *              the last refresh completed);
 *   auto       (default) the table's own time when the observation has one,
 *              else the newest file's mtime, else the newest partition.
 *              auto never prefers partition time over mtime: a partition
 *              names the start of a period, so with daily partitions and a
 *              "6h" threshold every afternoon would fail although the data
 *              is current.
 * With no warn/fail on a Power BI dataset that has a refresh schedule
 * (obs->powerbi.interval), one missed refresh is WARN and two are
 * FAIL, each with a grace of a tenth of the interval (at most 1h) for the
 * refresh itself to run. No time at all (no files) is FAIL "no data".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/config.h"
#include "lakewatch/limits.h"
#include "lakewatch/tz.h"
#include "lakewatch/util.h"

enum from { FROM_AUTO, FROM_MTIME, FROM_PARTITION, FROM_DATA };
static const char *const from_names[] = {"auto", "mtime", "partition", "data",
					 NULL};

struct fresh_cfg {
	struct lw_limit lim;	/* durations in seconds, LW_DIR_MAX */
	enum from from;
};

static void *fresh_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"warn", "fail", "from", NULL};
	struct fresh_cfg c = {0};
	if (lw_cfg_object(cc, node, "freshness") != LW_OK ||
	    lw_cfg_keys(cc, node, "freshness", keys) != LW_OK)
		return NULL;
	int rc = lw_limit_flat(cc, node, "freshness", LW_U_DURATION,
			       LW_DIR_MAX, &c.lim);
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(node, "from");
	if (f) {
		int i = 0;
		if (cJSON_IsString(f))
			for (; from_names[i]; i++)
				if (strcmp(f->valuestring, from_names[i]) == 0)
					break;
		if (!cJSON_IsString(f) || !from_names[i])
			rc = lw_cfg_error(cc, f, "freshness.from: expected "
					  "\"auto\", \"mtime\", \"partition\" "
					  "or \"data\"");
		else
			c.from = (enum from)i;
	}
	if (rc != LW_OK)
		return NULL;
	struct fresh_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	return p;
}

/* The table's own time: Delta commit or Power BI refresh. */
static bool data_time(const struct lw_obs *o, int64_t *t, const char **what)
{
	if (o->delta.present && o->delta.has_last_commit) {
		*t = o->delta.last_commit;
		*what = "last Delta commit";
		return true;
	}
	const struct lw_powerbi_refresh_facts *r = &o->powerbi.refresh;
	if (r->present) {
		if (r->has_last_success) {
			*t = r->last_success;
			*what = "last successful refresh";
			return true;
		}
		if (r->status && strcmp(r->status, "Completed") == 0 &&
		    r->has_ended) {
			*t = r->ended;
			*what = "last refresh";
			return true;
		}
	}
	return false;
}

/* Power BI refresh interval in seconds, or 0 when there is no schedule. */
static int64_t schedule_interval(const struct lw_obs *o)
{
	const struct lw_powerbi_facts *pb = &o->powerbi;
	if (!pb->has_schedule || pb->schedule_disabled || !pb->has_interval ||
	    pb->interval < 1 || pb->interval > 1000000000)
		return 0;
	return pb->interval;
}

/* The time freshness is judged by, as "from" picks it; false after filling
 * out when there is none (ERROR for a missing clock, FAIL for no data). */
static bool fresh_time(const struct fresh_cfg *c, const struct lw_obs *o,
		       const struct lw_judge_ctx *ctx, int64_t *tp, const char **whatp, const char **tailp,
		       struct lw_result *out)
{
	int64_t t = -1;
	const char *what = NULL, *tail = "old";
	bool have = false;

	if (c->from == FROM_DATA || c->from == FROM_AUTO) {
		have = data_time(o, &t, &what);
		if (have)
			tail = "ago";
		else if (c->from == FROM_DATA) {
			lw_check_result(out, "freshness", LW_ERROR, "", "",
				false, 0, "no data time: \"from\": \"data\" "
				"needs a Delta table (detail.delta.last_commit)"
				" or a Power BI refresh time");
			return false;
		}
	}
	if (!have && (c->from == FROM_MTIME || c->from == FROM_AUTO) &&
	    o->newest_mtime >= 0) {
		t = o->newest_mtime;
		/* Power BI has no files: its time is the newest row's
		 * timestamp column (push and streaming datasets). */
		what = o->powerbi.present ? "newest row" :
			"newest file";
		have = true;
	}
	if (!have && (c->from == FROM_PARTITION || c->from == FROM_AUTO) &&
	    o->newest_part_time >= 0) {
		t = o->newest_part_time;
		/* keys are local (Capture's UTC): the instant they name */
		if (ctx->tz && !(ctx->ds && ctx->ds->part_mode ==
				 LW_PART_CAPTURE))
			(void)lw_tz_from_wall(ctx->tz, t, &t);
		what = "newest partition";
		have = true;
	}
	if (!have) {
		if (c->from == FROM_PARTITION && (o->files > 0 || o->nparts)) {
			lw_check_result(out, "freshness", LW_ERROR, "", "",
				false, 0, "no partition times: set "
				"\"partitions\" on the dataset, or use "
				"\"from\": \"mtime\"");
			return false;
		}
		lw_check_result(out, "freshness", LW_FAIL, "no data", "",
				false, 0, "no data: no files found, so there "
				"is nothing to be fresh");
		return false;
	}
	*tp = t;
	*whatp = what;
	*tailp = tail;
	return true;
}

static void fresh_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		      struct lw_result *out)
{
	const struct fresh_cfg *c = cfgp;
	if (lw_check_unobserved("freshness", ctx, out))
		return;
	const struct lw_obs *o = ctx->obs;
	int64_t t;
	const char *what, *tail;
	char msg[LW_CHECK_MSG_MAX];
	if (!fresh_time(c, o, ctx, &t, &what, &tail, out))
		return;
	struct lw_limit lim = c->lim;
	int64_t iv = 0;
	char thr[160], why[96], age_s[32], ivs[32];
	if (!lw_limit_set(&lim)) {
		iv = schedule_interval(o);
		if (!iv) {
			lw_check_result(out, "freshness", LW_ERROR, "", "",
				false, 0, "no thresholds: set \"warn\"/\"fail\""
				" (only Power BI datasets with a refresh "
				"schedule have defaults)");
			return;
		}
		int64_t grace = iv / 10 < 3600 ? iv / 10 : 3600;
		lim.has_warn = lim.has_fail = true;
		lim.warn = (double)(iv + grace);
		lim.fail = (double)(2 * iv + grace);
	}
	int64_t age = ctx->now - t;
	if (age < 0)	/* clock skew: data from the future is fresh */
		age = 0;
	enum lw_status st = lw_limit_eval(&lim, LW_DIR_MAX, (double)age);
	lw_duration_fmt(age, age_s, sizeof age_s);
	lw_limit_fmt(&lim, LW_U_DURATION, thr, sizeof thr);
	if (iv) {
		size_t l = strlen(thr);
		snprintf(thr + l, sizeof thr - l, " (refresh every %s)",
			 lw_duration_fmt(iv, ivs, sizeof ivs));
		if (st == LW_PASS)
			snprintf(msg, sizeof msg, "fresh: %s %s %s (refresh "
				 "scheduled every %s)", what, age_s, tail, ivs);
		else
			snprintf(msg, sizeof msg, "stale: %s %s %s: %s "
				 "scheduled refresh%s missed (refresh every "
				 "%s)", what, age_s, tail,
				 st == LW_FAIL ? "2 or more" : "1",
				 st == LW_FAIL ? "es" : "", ivs);
	} else {
		lw_limit_why(&lim, LW_DIR_MAX, st, LW_U_DURATION, why,
			     sizeof why);
		snprintf(msg, sizeof msg, "%s: %s %s %s (%s)",
			 st == LW_FAIL ? "stale" : st == LW_WARN ?
			 "getting stale" : "fresh", what, age_s, tail, why);
	}
	lw_check_result(out, "freshness", st, age_s, thr, true, (double)age,
			msg);
}

static void fresh_free(void *cfg)
{
	free(cfg);
}

const struct lw_check_kind lw_check_freshness = {
	.name = "freshness",
	.parse = fresh_parse,
	.free = fresh_free,
	.run = fresh_run,
};
