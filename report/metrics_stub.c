/* STAND-IN: the integrator deletes this file at merge (report/metrics.c, the metrics lane's renderer, replaces it).
 * metrics_stub.c - a minimal lw_metrics_render (metrics.h) so the watch
 * lane builds and tests: lakewatch_build_info, lakewatch_check_status and
 * lakewatch_poll_duration_seconds only, named as the series contract says.
 */
#include <stdio.h>
#include "lakewatch/metrics.h"

const double lw_metrics_bounds[LW_METRICS_NBUCKETS] = {
	0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
};

void lw_metrics_hist_observe(struct lw_metrics_hist *h, double seconds)
{
	size_t i = 0;
	while (i < LW_METRICS_NBUCKETS && seconds > lw_metrics_bounds[i])
		i++;
	h->counts[i]++;		/* per bucket; made cumulative when written */
	h->sum += seconds;
	h->count++;
}

/* A label value with \\, " and newline escaped. */
static int label(struct lw_buf *out, const char *v)
{
	int rc = LW_OK;
	for (; *v && rc == LW_OK; v++)
		rc = *v == '\\' ? lw_buf_adds(out, "\\\\") :
		     *v == '"' ? lw_buf_adds(out, "\\\"") :
		     *v == '\n' ? lw_buf_adds(out, "\\n") : lw_buf_addc(out, *v);
	return rc;
}

static int check_status(const struct lw_metrics_in *in, struct lw_buf *out)
{
	int rc = lw_buf_adds(out, "# HELP lakewatch_check_status Status of a "
			     "check: 0 PASS, 1 WARN, 2 FAIL, 3 ERROR.\n"
			     "# TYPE lakewatch_check_status gauge\n");
	for (size_t i = 0; in->run && i < in->run->n && rc == LW_OK; i++) {
		const struct lw_ds_run *dr = &in->run->ds[i];
		for (size_t j = 0; j < dr->nresults && rc == LW_OK; j++) {
			if ((rc = lw_buf_adds(out, "lakewatch_check_status{"
					      "dataset=\"")) ||
			    (rc = label(out, dr->ds->name)) ||
			    (rc = lw_buf_adds(out, "\",check=\"")) ||
			    (rc = label(out, dr->results[j].check ?
					dr->results[j].check : "?")))
				break;
			rc = lw_buf_addf(out, "\"} %d\n", (int)dr->results[j].status);
		}
	}
	return rc;
}

static int poll_hist(const struct lw_metrics_hist *h, struct lw_buf *out)
{
	int rc = lw_buf_adds(out, "# HELP lakewatch_poll_duration_seconds "
			     "Duration of a poll.\n# TYPE "
			     "lakewatch_poll_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (size_t i = 0; i < LW_METRICS_NBUCKETS && rc == LW_OK; i++) {
		cum += h ? h->counts[i] : 0;
		rc = lw_buf_addf(out, "lakewatch_poll_duration_seconds_bucket"
				 "{le=\"%g\"} %llu\n", lw_metrics_bounds[i],
				 (unsigned long long)cum);
	}
	if (rc == LW_OK)
		rc = lw_buf_addf(out, "lakewatch_poll_duration_seconds_bucket"
				 "{le=\"+Inf\"} %llu\n"
				 "lakewatch_poll_duration_seconds_sum %.6f\n"
				 "lakewatch_poll_duration_seconds_count %llu\n",
				 (unsigned long long)(h ? h->count : 0),
				 h ? h->sum : 0.0,
				 (unsigned long long)(h ? h->count : 0));
	return rc;
}

/* See metrics.h. */
int lw_metrics_render(const struct lw_metrics_in *in, enum lw_metrics_fmt fmt,
		      struct lw_buf *out)
{
	int rc;
	if ((rc = lw_buf_addf(out, "# HELP lakewatch_build_info lakewatch's "
			      "version.\n# TYPE lakewatch_build_info gauge\n"
			      "lakewatch_build_info{version=\"%s\"} 1\n",
			      LW_VERSION)) ||
	    (rc = check_status(in, out)) ||
	    (rc = poll_hist(in->polls, out)))
		return rc;
	if (fmt == LW_METRICS_OPENMETRICS)
		rc = lw_buf_adds(out, "# EOF\n");
	return rc;
}
