/* limits.h - what the check kinds (checks/) share.
 *
 * Limits in the form {"warn": x, "fail": y} (a bare value means fail) over
 * counts, sizes ("128KB", powers of 1024), durations ("6h") and percentages
 * ("0.5%"): reading them from the config, judging a value against them and
 * writing them for people ("warn 2h, fail 6h", "fail below 10"). Also
 * message helpers, so every kind words things the same way. Checks read the
 * typed facts of an observation (obs->delta, obs->powerbi, ...), never
 * obs->detail.
 */
#ifndef LAKEWATCH_LIMITS_H
#define LAKEWATCH_LIMITS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <cJSON.h>
#include "lakewatch/buf.h"
#include "lakewatch/check.h"
#include "lakewatch/cfgctx.h"
#include "lakewatch/model.h"

enum lw_unit { LW_U_COUNT, LW_U_SIZE, LW_U_DURATION, LW_U_PERCENT };
/* LW_DIR_MIN: too small is bad (value < limit); LW_DIR_MAX: too big. */
enum lw_dir { LW_DIR_MIN, LW_DIR_MAX };

/* Largest limit value accepted from a config (about 285 years in seconds,
 * 8 PB in bytes): every limit fits an int64 with room to spare. */
#define LW_LIMIT_MAX 9e15

/* Messages are one line; lists of names are cut well before this. */
#define LW_CHECK_MSG_MAX 900

/* "512", "512B", "128KB", "1.5MB", "2GiB" (powers of 1024, case-insensitive,
 * optional space before the unit). LW_OK or LW_EPARSE. */
int lw_size_parse(const char *s, int64_t *out);
/* "0.5%", "20%" or "20" into 0.5, 20, 20. LW_OK or LW_EPARSE. */
int lw_percent_parse(const char *s, double *out);

/* Formatters write into buf and return it. */
const char *lw_thousands_fmt(int64_t v, char *buf, size_t n);	/* 12,034 */
/* Sizes go through lw_bytes_fmt (util.h): 1.5MiB, one formatter for
 * every message, report and screen. */
const char *lw_pct_fmt(double v, char *buf, size_t n);		/* 34%, 0.25% */
const char *lw_unit_fmt(enum lw_unit u, double v, char *buf, size_t n);

/* One limit value from node: a number, or a string in the unit's spelling
 * (size, duration, percent). Negative values are refused. `what` names the
 * value in messages ("row_count.min.warn"). */
int lw_limit_value(struct lw_cfgctx *cc, const cJSON *node, const char *what,
		   enum lw_unit u, double *out);
/* obj[key] as a limit: a bare value (= fail) or {"warn": v, "fail": v}
 * (unknown keys are errors; at least one of the two; warn must be reached
 * before fail). Absent key: *out is cleared and LW_OK. `what` is the
 * prefix for messages ("row_count"). */
int lw_limit_get(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		 const char *what, enum lw_unit u, enum lw_dir d,
		 struct lw_limit *out);
/* The "warn" and "fail" keys of obj itself (freshness, checkpoint_age). The
 * caller checks the other keys with lw_cfg_keys. */
int lw_limit_flat(struct lw_cfgctx *cc, const cJSON *obj, const char *what,
		  enum lw_unit u, enum lw_dir d, struct lw_limit *out);
static inline bool lw_limit_set(const struct lw_limit *l)
{
	return l->has_warn || l->has_fail;
}

/* PASS, WARN (min: v < warn; max: v > warn) or FAIL likewise. */
enum lw_status lw_limit_eval(const struct lw_limit *l, enum lw_dir d,
			     double v);
/* "warn 2h, fail 6h"; "" when neither is set. */
const char *lw_limit_fmt(const struct lw_limit *l, enum lw_unit u, char *buf,
			 size_t n);
/* The bound that decided st, for messages: "fail at 6h", "warn below 1,000",
 * "fail above 5,000". For PASS the first bound that would trip ("warn at
 * 2h"). Durations and percentages say "at", counts and sizes "below" or
 * "above". */
const char *lw_limit_why(const struct lw_limit *l, enum lw_dir d,
			 enum lw_status st, enum lw_unit u, char *buf,
			 size_t n);

/* Judge v against an optional min and max limit (either may be NULL or
 * unset). *too is set to "too few"/"too many"-style direction: LW_DIR_MIN
 * when the min limit decided, LW_DIR_MAX when the max did. why gets
 * lw_limit_why() of the deciding bound, or of the nearest when PASS. */
enum lw_status lw_limits_judge(const struct lw_limit *min,
			       const struct lw_limit *max, double v,
			       enum lw_unit u, enum lw_dir *too, char *why,
			       size_t n);
/* "min warn 1,000, fail 10; max warn 10,000,000" (either part optional). */
const char *lw_limits_fmt(const struct lw_limit *min,
			  const struct lw_limit *max, enum lw_unit u,
			  char *buf, size_t n);

/* obj[key] one of "warn", "fail" or (when allow_ignore) "ignore", into
 * LW_WARN, LW_FAIL, LW_PASS. Absent: *out untouched. */
int lw_cfg_severity(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		    const char *what, bool allow_ignore, enum lw_status *out);
/* Check that node is an object (messages name `what`); LW_OK or an error. */
int lw_cfg_object(struct lw_cfgctx *cc, const cJSON *node, const char *what);

/* The dataset's name for messages ("dataset" when the context has none). */
const char *lw_ctx_name(const struct lw_judge_ctx *ctx);
/* Fill out with ERROR when the observation is missing or not ok; returns
 * true when it did (the kind then returns). */
bool lw_check_unobserved(const char *check, const struct lw_judge_ctx *ctx,
			 struct lw_result *out);
/* The observation's Delta facts, or NULL after filling out with ERROR "not
 * a Delta table" (the Delta rules: last_load, operations, live_files,
 * checkpoint_age). Borrowed from ctx->obs. */
const struct lw_delta_facts *lw_check_delta(const char *check,
					    const char *threshold,
					    const struct lw_judge_ctx *ctx,
					    struct lw_result *out);
/* lw_result_set plus value: has_value is set from has. */
void lw_check_result(struct lw_result *out, const char *check,
		     enum lw_status st, const char *measured,
		     const char *threshold, bool has, double value,
		     const char *msg);
/* Append names[0..n) as "a, b, c and 4 more", showing at most `show`.
 * LW_OK, or the buffer's failure (see buf.h). */
int lw_names_add(struct lw_buf *b, const char *const *names, size_t n,
		 size_t show) LW_BUF_MUST_USE;
/* A check message built in b (max LW_CHECK_MSG_MAX): its text, or, when
 * an append failed, a fixed note saying so, never a silently short text.
 * Points into b or at a static string. */
const char *lw_check_msg(const struct lw_buf *b);

#endif
