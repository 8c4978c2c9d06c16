/* metrics.c - the Prometheus exposition of one poll (metrics.h): the
 * family table, the sample writer both formats share, the poll-duration
 * histogram, and lw_metrics_render.
 *
 * The two formats differ only in the metadata lines and the end:
 *   Prometheus text 0.0.4  # HELP and # TYPE under the sample name
 *                          (counters keep their _total);
 *   OpenMetrics 1.0.0      # HELP, # TYPE and # UNIT under the family name
 *                          (a counter's family drops the _total its sample
 *                          keeps), and "# EOF" last.
 * Samples are written identically. No sample carries a timestamp: the
 * scrape's time is used (and node_exporter's textfile collector refuses
 * them).
 */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "metrics_int.h"

#define G MX_GAUGE
#define C MX_COUNTER
const struct mx_family lw_mx_families[MX_NFAMILIES] = {
	[MX_BUILD_INFO] = {"lakewatch_build_info", G, NULL,
		"Build information: always 1, the version as a label."},
	[MX_LAST_POLL] = {"lakewatch_last_poll_timestamp_seconds", G,
		"seconds", "When the last completed poll finished."},
	[MX_POLL_DURATION] = {"lakewatch_poll_duration_seconds",
		MX_HISTOGRAM, "seconds", "How long polls took."},
	[MX_CHECK_STATUS] = {"lakewatch_check_status", G, NULL,
		"Status of one check of one dataset: 0 PASS, 1 WARN, 2 FAIL, "
		"3 ERROR."},
	[MX_INCIDENT_OPEN] = {"lakewatch_incident_open", G, NULL,
		"1 while the check has an open incident, else 0."},
	[MX_INCIDENT_ACK] = {"lakewatch_incident_acknowledged", G, NULL,
		"1 when the check's open incident is acknowledged, else 0."},
	[MX_DS_STATUS] = {"lakewatch_dataset_status", G, NULL,
		"Worst check status of the dataset: 0 PASS, 1 WARN, 2 FAIL, "
		"3 ERROR."},
	[MX_DS_ROWS] = {"lakewatch_dataset_rows", G, NULL,
		"Rows in the dataset, when they were counted."},
	[MX_DS_BYTES] = {"lakewatch_dataset_bytes", G, "bytes",
		"Size of the dataset's files."},
	[MX_DS_FILES] = {"lakewatch_dataset_files", G, NULL,
		"Files in the dataset."},
	[MX_DS_AGE] = {"lakewatch_dataset_age_seconds", G, "seconds",
		"Age of the dataset's newest data, by the clock freshness uses "
		"by default."},
	[MX_DS_SCHEMA] = {"lakewatch_dataset_schema_columns", G, NULL,
		"Columns in the dataset's schema."},
	[MX_DS_LAST_SUCCESS] = {
		"lakewatch_dataset_last_success_timestamp_seconds", G,
		"seconds", "When the dataset was last observed successfully."},
	[MX_SOURCE_STATUS] = {"lakewatch_source_status", G, NULL,
		"Worst status of the data source's datasets."},
	[MX_CONSUMER_STATUS] = {"lakewatch_consumer_status", G, NULL,
		"Worst status of the datasets the consumer uses."},
	[MX_LAKE_REQUESTS] = {"lakewatch_lake_requests_total", C, NULL,
		"Requests made to the lake."},
	[MX_LAKE_BYTES] = {"lakewatch_lake_read_bytes_total", C, "bytes",
		"Bytes read from the lake."},
	[MX_LAKE_RETRIES] = {"lakewatch_lake_retries_total", C, NULL,
		"Requests to the lake that were retried."},
	[MX_LAKE_ERRORS] = {"lakewatch_lake_errors_total", C, NULL,
		"Requests to the lake that failed."},
	[MX_NOTIFY_SENT] = {"lakewatch_notify_sent_total", C, NULL,
		"Notifications the channel delivered."},
	[MX_NOTIFY_FAILED] = {"lakewatch_notify_failed_total", C, NULL,
		"Failed delivery attempts of the channel, and messages it gave up on."},
	[MX_NOTIFY_PENDING] = {"lakewatch_notify_pending", G, NULL,
		"Notifications waiting in the outbox for the channel."},
};
#undef G
#undef C

/* Seconds; a poll of the demo lake is well under 0.1 s, a cold Azure poll
 * of thousands of datasets minutes. */
const double lw_metrics_bounds[LW_METRICS_NBUCKETS] = {
	0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
};

/* Counts are kept per bucket (not cumulative): the renderer sums them.
 * A NaN is not a duration and is dropped; a negative one (clock steps)
 * counts as 0. */
void lw_metrics_hist_observe(struct lw_metrics_hist *h, double seconds)
{
	size_t i = 0;

	assert(h != NULL);
	if (isnan(seconds))
		return;
	if (seconds < 0)
		seconds = 0;
	while (i < LW_METRICS_NBUCKETS && seconds > lw_metrics_bounds[i])
		i++;
	h->counts[i]++;
	h->sum += seconds;
	h->count++;
}

/* See metrics_int.h. Go's and Python's clients write bounds this way;
 * OpenMetrics wants "1.0", not "1". */
void lw_mx_float_fmt(double v, char *buf, size_t n)
{
	if (isinf(v)) {
		snprintf(buf, n, "%s", v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (isnan(v)) {
		snprintf(buf, n, "NaN");
		return;
	}
	int k = snprintf(buf, n, "%.15g", v);
	if (k > 0 && (size_t)k + 2 < n && !strpbrk(buf, ".e"))
		memcpy(buf + k, ".0", 3);
}

/* The family's metadata lines. */
static int family_header(struct lw_mx *m, enum mx_fam f)
{
	const struct mx_family *fa = &lw_mx_families[f];
	size_t len = strlen(fa->name);
	int rc;

	/* HELP is written unescaped: it must need no escape in either */
	assert(!strpbrk(fa->help, "\\\"\n"));
	if (m->fmt == LW_METRICS_OPENMETRICS && fa->type == MX_COUNTER) {
		assert(len > 6 && strcmp(fa->name + len - 6, "_total") == 0);
		len -= 6;
	}
	static const char *const types[] = {"gauge", "counter", "histogram"};
	rc = lw_buf_addf(m->out, "# HELP %.*s %s\n# TYPE %.*s %s\n",
			 (int)len, fa->name, fa->help, (int)len, fa->name,
			 types[fa->type]);
	if (rc == LW_OK && fa->unit && m->fmt == LW_METRICS_OPENMETRICS)
		rc = lw_buf_addf(m->out, "# UNIT %.*s %s\n", (int)len,
				 fa->name, fa->unit);
	return rc;
}

/* See metrics_int.h. */
int lw_mx_sample(struct lw_mx *m, enum mx_fam f, const char *suffix)
{
	int rc;

	/* families come in enum order, each once: both formats need a
	 * family's samples together */
	assert(f < MX_NFAMILIES && (!m->cur_open || f >= m->cur));
	if (!m->cur_open || m->cur != f) {
		if ((rc = family_header(m, f)) != LW_OK)
			return rc;
		m->cur = f;
		m->cur_open = true;
	}
	m->nlab = 0;
	rc = lw_buf_adds(m->out, lw_mx_families[f].name);
	if (rc == LW_OK && suffix && *suffix)
		rc = lw_buf_adds(m->out, suffix);
	return rc;
}

/* See metrics_int.h. Plain appends, not lw_buf_addf: a render of
 * 10,000 datasets writes 200,000 samples, and formatting was most of it. */
int lw_mx_label(struct lw_mx *m, const char *key, const char *val)
{
	int rc = lw_buf_addc(m->out, m->nlab++ ? ',' : '{');
	if (rc == LW_OK && (rc = lw_buf_adds(m->out, key)) == LW_OK &&
	    (rc = lw_buf_add(m->out, "=\"", 2)) == LW_OK &&
	    (rc = lw_buf_adds(m->out, val ? val : "")) == LW_OK)
		rc = lw_buf_addc(m->out, '"');
	return rc;
}

static int sample_end(struct lw_mx *m)
{
	return m->nlab ? lw_buf_add(m->out, "} ", 2) : lw_buf_addc(m->out, ' ');
}

/* See metrics_int.h. */
int lw_mx_int(struct lw_mx *m, int64_t v)
{
	char num[24], *p = num + sizeof num;
	/* negate as unsigned: INT64_MIN has no positive int64_t */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int rc = sample_end(m);

	*--p = '\n';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	if (rc == LW_OK)
		rc = lw_buf_add(m->out, p, (size_t)(num + sizeof num - p));
	return rc;
}

/* See metrics_int.h. */
int lw_mx_double(struct lw_mx *m, double v)
{
	char num[40];
	int rc = sample_end(m);

	if (isfinite(v))
		snprintf(num, sizeof num, "%.9g", v);
	else
		lw_mx_float_fmt(v, num, sizeof num);
	if (rc == LW_OK)
		rc = lw_buf_addf(m->out, "%s\n", num);
	return rc;
}

/* See metrics.h. The families in enum mx_fam order; nothing is left
 * half-written that a caller could mistake for whole: on failure the
 * buffer is failed (buf.h) and the error returned. */
int lw_metrics_render(const struct lw_metrics_in *in, enum lw_metrics_fmt fmt,
		      struct lw_buf *out)
{
	struct lw_mx m = {.in = in, .fmt = fmt, .out = out};
	int rc;

	if (!in || !in->cfg || !out ||
	    (fmt != LW_METRICS_PROMETHEUS && fmt != LW_METRICS_OPENMETRICS))
		return LW_ECONFIG;
	lw_mx_labels(&m);
	if ((rc = lw_mx_polls(&m)) == LW_OK &&
	    (rc = lw_mx_checks(&m)) == LW_OK &&
	    (rc = lw_mx_datasets(&m)) == LW_OK &&
	    (rc = lw_mx_groups(&m)) == LW_OK &&
	    (rc = lw_mx_lakes(&m)) == LW_OK &&
	    (rc = lw_mx_channels(&m)) == LW_OK &&
	    fmt == LW_METRICS_OPENMETRICS)
		rc = lw_buf_adds(out, "# EOF\n");
	lw_mx_free_labels(&m);
	return rc;
}
