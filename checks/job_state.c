/* job_state.c - the state of the Stream Analytics job behind a dataset
 * (obs->stream.job_state).
 *
 *   "job_state": {"Degraded": "warn", "Stopped": "fail", "other": "warn"}
 *
 * Running passes. By default Degraded, Starting, Restarting, Scaling and
 * Stopping are WARN; Stopped, Failed, Created (never started) and
 * Deleting are FAIL; any other state is "other" (default warn). Each can
 * be set to warn, fail or ignore. The last output time is in the message
 * (freshness judges it: it is the dataset's newest time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/limits.h"
#include "lakewatch/util.h"

static const char *const states[] = {"Running", "Degraded", "Starting",
	"Restarting", "Scaling", "Stopping", "Stopped", "Failed", "Created",
	"Deleting", "other", NULL};
#define NSTATES 11

struct job_state_cfg {
	enum lw_status st[NSTATES];	/* LW_PASS = fine or ignored */
};

static void *job_state_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	struct job_state_cfg c = {{LW_PASS, LW_WARN, LW_WARN, LW_WARN, LW_WARN,
				   LW_WARN, LW_FAIL, LW_FAIL, LW_FAIL, LW_FAIL,
				   LW_WARN}};
	if (lw_cfg_object(cc, node, "job_state") != LW_OK ||
	    lw_cfg_keys(cc, node, "job_state", states) != LW_OK)
		return NULL;
	int e = LW_OK;
	for (int i = 0; i < NSTATES; i++)
		e |= lw_cfg_severity(cc, node, states[i], "job_state", true,
				     &c.st[i]);
	if (e != LW_OK)
		return NULL;
	struct job_state_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	return p;
}

static int state_index(const char *s)
{
	for (int i = 0; i < NSTATES - 1; i++)
		if (strcmp(states[i], s) == 0)
			return i;
	return NSTATES - 1;
}

static void threshold(const struct job_state_cfg *c, char *thr, size_t n)
{
	size_t o = 0;
	thr[0] = '\0';
	for (int s = LW_FAIL; s >= LW_WARN; s--) {
		o += (size_t)snprintf(thr + o, n - o, "%s%s", o ? "; " : "",
				      s == LW_FAIL ? "fail" : "warn");
		int k = 0;
		for (int i = 0; i < NSTATES && o < n; i++)
			if ((int)c->st[i] == s)
				o += (size_t)snprintf(thr + o, n - o, "%s%s",
						      k++ ? ", " : " ",
						      states[i]);
		if (o >= n)
			break;
	}
}

static void job_state_run(const void *cfgp, const struct lw_judge_ctx *ctx,
			  struct lw_result *out)
{
	const struct job_state_cfg *c = cfgp;
	if (lw_check_unobserved("job_state", ctx, out))
		return;
	const struct lw_stream_facts *s = &ctx->obs->stream;
	char thr[300], msg[LW_CHECK_MSG_MAX], last[80] = "", d[32];
	threshold(c, thr, sizeof thr);
	if (!s->present || !s->job_state) {
		lw_check_result(out, "job_state", LW_ERROR, "", thr, false, 0,
				"no job state (not a streaming job on a "
				"streamanalytics lake)");
		return;
	}
	if (s->has_last_output)
		snprintf(last, sizeof last, "; last output %s ago",
			 lw_duration_fmt(ctx->now > s->last_output ? ctx->now -
					 s->last_output : 0, d, sizeof d));
	else
		snprintf(last, sizeof last, "; no output yet");
	int i = state_index(s->job_state);
	enum lw_status st = c->st[i];
	if (i == 0)
		snprintf(msg, sizeof msg, "job is Running%s", last);
	else
		snprintf(msg, sizeof msg, "job is %.64s, not Running%s%s",
			 s->job_state, last, st == LW_PASS ? " (ignored)" : "");
	lw_check_result(out, "job_state", st, s->job_state, thr, false, 0,
			msg);
}

static void job_state_free(void *cfg)
{
	free(cfg);
}

const struct lw_check_kind lw_check_job_state = {
	.name = "job_state",
	.parse = job_state_parse,
	.free = job_state_free,
	.run = job_state_run,
};
