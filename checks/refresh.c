/* refresh.c - the last Power BI refresh (obs->powerbi.refresh).
 *
 *   "refresh": {"in_progress": {"warn": "2h", "fail": "4h"},
 *               "disabled": "warn"}
 *
 * Completed passes; Failed is FAIL naming the error code; Unknown means in
 * progress, judged by how long it has run against "in_progress"; Disabled
 * gives the "disabled" status (warn|fail|ignore, default warn). No refresh
 * information is ERROR.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/limits.h"
#include "lakewatch/util.h"

struct refresh_cfg {
	struct lw_limit running;	/* seconds, LW_DIR_MAX */
	enum lw_status disabled;	/* LW_PASS = ignore */
};

static void *refresh_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"in_progress", "disabled", NULL};
	struct refresh_cfg c = {.disabled = LW_WARN};
	if (lw_cfg_object(cc, node, "refresh") != LW_OK ||
	    lw_cfg_keys(cc, node, "refresh", keys) != LW_OK)
		return NULL;
	int a = lw_limit_get(cc, node, "in_progress", "refresh",
			     LW_U_DURATION, LW_DIR_MAX, &c.running);
	int b = lw_cfg_severity(cc, node, "disabled", "refresh", true,
				&c.disabled);
	if (a != LW_OK || b != LW_OK)
		return NULL;
	struct refresh_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	return p;
}

/* What every verdict needs: the threshold text, and "; last success 3h
 * ago" (or "") for the messages. */
struct refresh_say {
	const struct refresh_cfg *c;
	const struct lw_judge_ctx *ctx;
	const struct lw_powerbi_refresh_facts *r;
	int64_t started, ended;		/* -1 when unknown */
	char thr[160];
	char ok_s[64];
};

static void refresh_completed(const struct refresh_say *v,
			      struct lw_result *out)
{
	char msg[LW_CHECK_MSG_MAX], d1[32];
	const char *type = v->r->type;
	/* "Scheduled" -> "last scheduled refresh" */
	char ty[40] = "";
	size_t i = 0;
	for (; type && type[i] && i < sizeof ty - 2; i++)
		ty[i] = (char)tolower((unsigned char)type[i]);
	if (i)
		ty[i++] = ' ';
	ty[i] = '\0';
	int64_t at = v->ended >= 0 ? v->ended : v->started;
	int64_t now = v->ctx->now;
	if (at >= 0)
		snprintf(msg, sizeof msg, "last %srefresh completed %s ago",
			 ty, lw_duration_fmt(now - at > 0 ? now - at : 0, d1,
					     sizeof d1));
	else
		snprintf(msg, sizeof msg, "last %srefresh completed", ty);
	lw_check_result(out, "refresh", LW_PASS, "Completed", v->thr, false,
			0, msg);
}

static void refresh_failed(const struct refresh_say *v, struct lw_result *out)
{
	char msg[LW_CHECK_MSG_MAX], d1[32];
	const char *code = v->r->error_code;
	snprintf(msg, sizeof msg, "last refresh failed: %s%s%s",
		 code ? code : "no error code given",
		 v->started >= 0 ? ", started " : "",
		 v->started >= 0 ? lw_time_fmt(v->started, d1, sizeof d1) : "");
	size_t l = strlen(msg);
	snprintf(msg + l, sizeof msg - l, "%s", v->ok_s[0] ? v->ok_s :
		 "; no successful refresh known");
	lw_check_result(out, "refresh", LW_FAIL, "Failed", v->thr, false, 0,
			msg);
}

/* Unknown: in progress, judged by how long it has run. */
static void refresh_running(const struct refresh_say *v,
			    struct lw_result *out)
{
	const struct lw_limit *lim = &v->c->running;
	char msg[LW_CHECK_MSG_MAX], d1[32], why[64];
	if (v->started < 0) {
		bool judged = lw_limit_set(lim);
		snprintf(msg, sizeof msg, "refresh in progress, start time "
			 "unknown%s%s", judged ? ": cannot judge how long it "
			 "has run" : "", v->ok_s);
		lw_check_result(out, "refresh", judged ? LW_ERROR : LW_PASS,
				"in progress", v->thr, false, 0, msg);
		return;
	}
	int64_t now = v->ctx->now;
	int64_t run = now - v->started > 0 ? now - v->started : 0;
	enum lw_status s = lw_limit_eval(lim, LW_DIR_MAX, (double)run);
	lw_duration_fmt(run, d1, sizeof d1);
	if (lw_limit_set(lim))
		lw_limit_why(lim, LW_DIR_MAX, s, LW_U_DURATION, why,
			     sizeof why);
	else
		snprintf(why, sizeof why, "no in_progress limit");
	snprintf(msg, sizeof msg, "refresh %sin progress for %s (%s)%s",
		 s == LW_PASS ? "" : "stuck? ", d1, why, v->ok_s);
	lw_check_result(out, "refresh", s, d1, v->thr, true, (double)run, msg);
}

static void refresh_run(const void *cfgp, const struct lw_judge_ctx *ctx,
			struct lw_result *out)
{
	const struct refresh_cfg *c = cfgp;
	if (lw_check_unobserved("refresh", ctx, out))
		return;
	const struct lw_powerbi_refresh_facts *r = &ctx->obs->powerbi.refresh;
	struct refresh_say v = {c, ctx, r, r->has_started ? r->started : -1,
				r->has_ended ? r->ended : -1, "", ""};
	char msg[LW_CHECK_MSG_MAX], d2[32], lim[96];
	lw_limit_fmt(&c->running, LW_U_DURATION, lim, sizeof lim);
	snprintf(v.thr, sizeof v.thr, "%s%s%sdisabled %s", lim[0] ?
		 "in progress " : "", lim, lim[0] ? "; " : "",
		 c->disabled == LW_PASS ? "ignored" : c->disabled == LW_WARN
		 ? "warn" : "fail");
	const char *st = r->present ? r->status : NULL;
	if (!st) {
		lw_check_result(out, "refresh", LW_ERROR, "", v.thr, false, 0,
				"no refresh information (not a Power BI "
				"dataset, or it was never refreshed)");
		return;
	}
	int64_t success = r->has_last_success ? r->last_success : -1;
	if (success >= 0)
		snprintf(v.ok_s, sizeof v.ok_s, "; last success %s ago",
			 lw_duration_fmt(ctx->now - success > 0 ?
					 ctx->now - success : 0, d2,
					 sizeof d2));
	if (strcmp(st, "Completed") == 0) {
		refresh_completed(&v, out);
	} else if (strcmp(st, "Failed") == 0) {
		refresh_failed(&v, out);
	} else if (strcmp(st, "Disabled") == 0) {
		snprintf(msg, sizeof msg, "refresh is disabled%s%s", v.ok_s,
			 c->disabled == LW_PASS ? " (ignored)" : "");
		lw_check_result(out, "refresh", c->disabled, "Disabled", v.thr,
				false, 0, msg);
	} else if (strcmp(st, "Unknown") == 0) {
		refresh_running(&v, out);
	} else {
		snprintf(msg, sizeof msg, "unknown refresh status \"%.64s\"",
			 st);
		lw_check_result(out, "refresh", LW_ERROR, "", v.thr, false, 0,
				msg);
	}
}

static void refresh_free(void *cfg)
{
	free(cfg);
}

const struct lw_check_kind lw_check_refresh = {
	.name = "refresh",
	.parse = refresh_parse,
	.free = refresh_free,
	.run = refresh_run,
};
