/* measure.h - one generic rule: a limit on a measured number.
 *
 * row_count, last_load, live_files, checkpoint_age and the percentage half
 * of change are the same rule over a different number: read two limits (or
 * one flat "warn"/"fail") from the config, measure the number from the
 * observation, judge it, word the verdict. A kind is a struct
 * lw_measure_rule saying what differs plus a parse wrapper; the reading,
 * threshold text, judging and result live once, in checks/measure.c.
 */
#ifndef LAKEWATCH_MEASURE_H
#define LAKEWATCH_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include "lakewatch/limits.h"

/* How the number meets the two limits. */
enum lw_judge {
	LW_J_RANGE,	/* limits[0] is a minimum, limits[1] a maximum */
	LW_J_SIGNED,	/* both maxima on the magnitude: limits[0] for a
			 * negative number, limits[1] for a positive one
			 * (change: drop, growth) */
};

/* What a rule measured, for judging and for its own message. */
struct lw_measured {
	double value;		/* the number judged (and the result's value) */
	char meas[64];		/* the measured text: "42 rows", "2d", "+34%" */
	char what[160];		/* the rule's context for say(), may be "" */
};

struct lw_measure_rule {
	const char *check;	/* config key and result name: "row_count" */
	enum lw_unit unit;	/* of limits and thresholds */
	enum lw_judge judge;
	/* Config keys of limits[0] and limits[1] ("min", "max"), or both
	 * NULL for a flat {"warn": .., "fail": ..}: one maximum, limits[1]. */
	const char *keys[2];
	const char *give;	/* config error when no limit is given,
				 * after "check: " */
	bool delta;		/* a Delta rule: ERROR "not a Delta table"
				 * on any other observation */
	/* Measure the observed number into m. When there is none to judge
	 * (unknown, a baseline...) fill out instead (thr is the threshold
	 * text for it) and return false. */
	bool (*measure)(const struct lw_judge_ctx *ctx, const char *thr,
			struct lw_measured *m, struct lw_result *out);
	/* The message for a judged number: side is the limit that decided
	 * (or the nearest, when st is PASS); why its lw_limit_why() text. */
	void (*say)(const struct lw_judge_ctx *ctx, const struct lw_measured *m,
		    enum lw_status st, int side, const char *why, char *msg,
		    size_t n);
};

/* The config of one instance; owned by the check (lw_measure_free). */
struct lw_measure_cfg {
	const struct lw_measure_rule *rule;	/* static */
	struct lw_limit limits[2];
};

/* Parse node for rule (a kind's parse calls this with its rule). Returns
 * NULL after reporting through cc. */
void *lw_measure_parse(const struct lw_measure_rule *rule, const cJSON *node,
		       struct lw_cfgctx *cc);
/* A struct lw_check_kind run and free for every measure rule. */
void lw_measure_run(const void *cfg, const struct lw_judge_ctx *ctx,
		    struct lw_result *out);
void lw_measure_free(void *cfg);

#endif
