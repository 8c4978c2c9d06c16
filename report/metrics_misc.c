/* metrics_misc.c - the families that are not per dataset: build info and
 * polls, data source and consumer roll-ups, lake request counters and
 * notification channels. A counter given as negative is one the caller
 * does not keep (metrics.h) and is left out.
 */
#include <math.h>
#include <stdlib.h>
#include "metrics_int.h"

#ifndef LW_VERSION
#define LW_VERSION "0.0.0"
#endif

/* The histogram: cumulative buckets, +Inf and _count the same total. */
static int poll_histogram(struct lw_mx *m, const struct lw_metrics_hist *h)
{
	char le[40];
	uint64_t cum = 0;
	int rc = LW_OK;

	for (size_t i = 0; i <= LW_METRICS_NBUCKETS && rc == LW_OK; i++) {
		cum += h->counts[i];
		lw_mx_float_fmt(i < LW_METRICS_NBUCKETS ? lw_metrics_bounds[i]
				: INFINITY, le, sizeof le);
		if ((rc = lw_mx_sample(m, MX_POLL_DURATION, "_bucket")) ==
		    LW_OK && (rc = lw_mx_label(m, "le", le)) == LW_OK)
			rc = lw_mx_int(m, (int64_t)cum);
	}
	if (rc == LW_OK &&
	    (rc = lw_mx_sample(m, MX_POLL_DURATION, "_sum")) == LW_OK)
		rc = lw_mx_double(m, h->sum);
	if (rc == LW_OK &&
	    (rc = lw_mx_sample(m, MX_POLL_DURATION, "_count")) == LW_OK)
		rc = lw_mx_int(m, (int64_t)cum);
	return rc;
}

/* See metrics_int.h: build info, the last poll's end, poll durations. */
int lw_mx_polls(struct lw_mx *m)
{
	char *ver = lw_mx_escape(LW_VERSION);
	int rc;

	if ((rc = lw_mx_sample(m, MX_BUILD_INFO, "")) == LW_OK &&
	    (rc = lw_mx_label(m, "version", ver)) == LW_OK)
		rc = lw_mx_int(m, 1);
	free(ver);
	if (rc == LW_OK && m->in->run && m->in->run->finished > 0 &&
	    (rc = lw_mx_sample(m, MX_LAST_POLL, "")) == LW_OK)
		rc = lw_mx_int(m, m->in->run->finished);
	if (rc == LW_OK && m->in->polls)
		rc = poll_histogram(m, m->in->polls);
	return rc;
}

/* See metrics_int.h: the worst status of each data source and consumer
 * that has datasets in the run (a filtered run has no others). */
int lw_mx_groups(struct lw_mx *m)
{
	const struct lw_config *cfg = m->in->cfg;
	const struct lw_run *run = m->in->run;
	struct lw_rollup r;
	int rc = LW_OK;

	for (size_t s = 0; run && s < cfg->nsources && rc == LW_OK; s++) {
		lw_rollup(cfg, run, (int)s, -1, -1, &r);
		if (r.total &&
		    (rc = lw_mx_sample(m, MX_SOURCE_STATUS, "")) == LW_OK &&
		    (rc = lw_mx_label(m, "source", m->sources[s])) == LW_OK)
			rc = lw_mx_int(m, r.status);
	}
	for (size_t c = 0; run && c < cfg->nconsumers && rc == LW_OK; c++) {
		lw_rollup(cfg, run, -1, -1, (int)c, &r);
		if (r.total &&
		    (rc = lw_mx_sample(m, MX_CONSUMER_STATUS, "")) == LW_OK &&
		    (rc = lw_mx_label(m, "consumer", m->consumers[c])) ==
		    LW_OK)
			rc = lw_mx_int(m, r.status);
	}
	return rc;
}

/* One sample of a family labelled key=name (escaped here: lakes and
 * channels are few), unless v is negative (not kept). */
static int named_sample(struct lw_mx *m, enum mx_fam f, const char *key,
			const char *name, int64_t v)
{
	if (v < 0)
		return LW_OK;
	char *e = lw_mx_escape(name);
	int rc = lw_mx_sample(m, f, "");
	if (rc == LW_OK && (rc = lw_mx_label(m, key, e)) == LW_OK)
		rc = lw_mx_int(m, v);
	free(e);
	return rc;
}

/* See metrics_int.h: requests, bytes, retries, errors of each lake. */
int lw_mx_lakes(struct lw_mx *m)
{
	const struct lw_metrics_lake *l = m->in->lakes;
	size_t n = l ? m->in->nlakes : 0;
	int rc = LW_OK;

	for (int f = MX_LAKE_REQUESTS; f <= MX_LAKE_ERRORS; f++)
		for (size_t i = 0; i < n && rc == LW_OK; i++) {
			int64_t v = f == MX_LAKE_REQUESTS ? l[i].requests :
				    f == MX_LAKE_BYTES ? l[i].bytes :
				    f == MX_LAKE_RETRIES ? l[i].retries :
				    l[i].errors;
			rc = named_sample(m, f, "lake", l[i].lake, v);
		}
	return rc;
}

/* See metrics_int.h: sent, failed, pending of each channel. */
int lw_mx_channels(struct lw_mx *m)
{
	const struct lw_metrics_channel *c = m->in->channels;
	size_t n = c ? m->in->nchannels : 0;
	int rc = LW_OK;

	for (int f = MX_NOTIFY_SENT; f <= MX_NOTIFY_PENDING; f++)
		for (size_t i = 0; i < n && rc == LW_OK; i++) {
			int64_t v = f == MX_NOTIFY_SENT ? c[i].sent :
				    f == MX_NOTIFY_FAILED ? c[i].failed :
				    c[i].pending;
			rc = named_sample(m, f, "channel", c[i].channel, v);
		}
	return rc;
}
