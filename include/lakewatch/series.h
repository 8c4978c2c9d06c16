/* series.h - a metric's past for one dataset, as the judge stage sees it.
 *
 * The history fills these (history/series.c), the engine hands them to
 * checks through struct lw_judge_ctx, and the anomaly detector
 * (anomaly.h) learns from them. Checks never do I/O: a series is data.
 */
#ifndef LAKEWATCH_SERIES_H
#define LAKEWATCH_SERIES_H

#include <stddef.h>
#include <stdint.h>

/* What the rule can watch: rows (the count), load (rows added since the
 * previous observation), bytes, files, columns (schema width), arrival
 * (when new data lands). In a series from the history, an arrival point
 * is (observation time, the newest file's time then); the anomaly check
 * turns those into "seconds into the day/hour it landed". */
enum lw_metric {
	LW_M_ROWS = 0, LW_M_LOAD, LW_M_BYTES, LW_M_FILES, LW_M_COLUMNS,
	LW_M_ARRIVAL
};
#define LW_NMETRICS 6
const char *lw_metric_name(enum lw_metric m);	/* "rows" ... static */
int lw_metric_parse(const char *s, enum lw_metric *out);

/* Point flags, from earlier verdicts and from people. */
#define LW_PT_ANOMALOUS 1u	/* judged WARN/FAIL: left out of training */
#define LW_PT_ACCEPTED 2u	/* accepted as the new normal (a step) */
#define LW_PT_HOLIDAY 4u	/* on a date of the dataset's "holidays":
				 * not learned from, never kept */

struct lw_point {
	int64_t t;		/* epoch seconds */
	double v;
	unsigned flags;
};

/* A metric's past for one dataset, oldest first. */
struct lw_series {
	const struct lw_point *pts;	/* borrowed from whoever filled it */
	size_t n;
	const char *source;	/* "history", "partitions": for messages */
	const char *error;	/* set when the past could not be read: the
				 * check says ERROR rather than "learning" */
	int season;		/* 0, or 1 + the enum lw_season (anomaly.h)
				 * that seasonality `auto` picked from these
				 * points lately (history/series.c keeps it
				 * for a day): the rule then fits that one
				 * rather than four to choose */
};

#endif
