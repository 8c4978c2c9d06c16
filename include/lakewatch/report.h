/* report.h - the show stage for `lakewatch check`: text, JSON and JUnit.
 *
 * The JSON layout is documented in docs/report-json.md; its field names are
 * stable. Everything written passes through secret redaction.
 */
#ifndef LAKEWATCH_REPORT_H
#define LAKEWATCH_REPORT_H

#include <stdio.h>
#include <stdbool.h>
#include "lakewatch/run.h"

enum lw_report_format { LW_REPORT_TEXT = 0, LW_REPORT_JSON, LW_REPORT_JUNIT,
			 LW_REPORT_OPENMETRICS,	/* metrics.h, docs/metrics.md */
			 LW_REPORT_PROMETHEUS };	/* the same, text 0.0.4 */

struct lw_report_opts {
	bool color;		/* ANSI colour (only on a terminal, no NO_COLOR) */
	bool ascii;		/* no UTF-8 glyphs */
	bool verbose;		/* text: list passing checks too */
};

int lw_report_format_parse(const char *s, enum lw_report_format *out);
int lw_report_write(FILE *f, enum lw_report_format fmt,
		    const struct lw_config *cfg, const struct lw_run *run,
		    const struct lw_report_opts *o, struct lw_err *err);

/* Exit codes as `soda scan` uses them: 0 all pass, 1 warnings only, 2 any
 * failure, 3 any error. Statuses below fail_on count as passing. */
int lw_exit_code(const struct lw_run *run, enum lw_status fail_on);

#endif
