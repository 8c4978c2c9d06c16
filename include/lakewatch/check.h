/* check.h - the rule plug-in interface (the judge stage).
 *
 * A check kind reads its own config object once (parse), then turns an
 * observation into one struct lw_result per run. Checks never do I/O: what
 * they compare against (the previous observation, another dataset's
 * observation for reconcile) is handed to them in the context.
 */
#ifndef LAKEWATCH_CHECK_H
#define LAKEWATCH_CHECK_H

#include <stdint.h>
#include <cJSON.h>
#include "lakewatch/model.h"
#include "lakewatch/cfgctx.h"
#include "lakewatch/series.h"

struct lw_dataset;
struct lw_tz;

struct lw_judge_ctx {
	const struct lw_dataset *ds;
	const struct lw_obs *obs;	/* this run's observation (ok) */
	const struct lw_obs *prev;	/* previous ok observation from history,
					 * NULL when there is none */
	int64_t now;			/* epoch seconds */
	/* Another dataset's observation in this run, by name (reconcile).
	 * NULL when that dataset was not polled; obs->ok false when it could
	 * not be observed. */
	const struct lw_obs *(*lookup)(void *ud, const char *dataset);
	void *lookup_ud;
	/* Baselines a single bad poll cannot move, filled by the engine from
	 * history (NULL / false without one): schema drift compares with the
	 * accepted schema (the last one a person accepted, else the first
	 * observed), change with the accepted row count or the median of
	 * recent passing polls. Without them the checks compare with prev. */
	const struct lw_schema *accepted_schema;
	const char *accepted_schema_from;	/* "first seen at ..." */
	bool has_baseline_rows;
	double baseline_rows;
	const char *baseline_from;	/* "median of the last 5 passing polls" */
	/* The dataset's past values of metric m observed at or after `since`
	 * (epoch seconds), oldest first, this run excluded (anomaly). NULL
	 * when there is no history; the series is borrowed until the dataset
	 * has been judged. The callback may be NULL. */
	const struct lw_series *(*series)(void *ud, const char *dataset,
					  enum lw_metric m, int64_t since);
	void *series_ud;
	/* The dataset's time zone from the config (ds->tz: its own
	 * "timezone", its source's or the top level's), borrowed; NULL is
	 * UTC. Days, hours and weeks are judged on its wall clock through
	 * lakewatch/tz.h, whose conversions do no I/O. */
	const struct lw_tz *tz;
};

struct lw_check_kind {
	const char *name;	/* the key in "checks": "freshness", ... */
	/* Validate node (the check's JSON value) into a config the kind owns.
	 * Returns NULL after reporting through cc. */
	void *(*parse)(const cJSON *node, struct lw_cfgctx *cc);
	void (*free)(void *cfg);
	/* Judge. Must always fill out (lw_result_set), never leave it empty. */
	void (*run)(const void *cfg, const struct lw_judge_ctx *ctx,
		    struct lw_result *out);
	/* Names of other datasets this check reads through lookup (reconcile),
	 * so config validation can say when one does not exist. Optional;
	 * returns a NULL-terminated array owned by cfg. */
	const char *const *(*refs)(const void *cfg);
};

const struct lw_check_kind *lw_check_kind_find(const char *name);
const char *lw_check_kind_names(void);	/* "freshness, row_count, ..." */

/* Thresholds shared by the kinds: a warn and a fail limit, either absent. */
struct lw_limit {
	bool has_warn, has_fail;
	double warn, fail;
};

#endif
