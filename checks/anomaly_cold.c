/* anomaly_cold.c - cold start: before the history holds enough polls, a
 * partitioned dataset's own partitions are a past to learn from (row,
 * file and byte counts per date/hour partition, in obs->parts).
 *
 *   rows          the running total at each partition's time, against the
 *                 count now;
 *   load, files,  each complete partition's own count, against the newest
 *   bytes         complete one (a partition still in its period may be
 *                 half loaded).
 *
 * The message then says "from 6 weeks of partitions".
 */
#include <stdlib.h>
#include "lakewatch/anomaly.h"
#include "lakewatch/util.h"

static int cmp_part_time(const void *a, const void *b)
{
	int64_t x = ((const struct lw_point *)a)->t;
	int64_t y = ((const struct lw_point *)b)->t;
	return x < y ? -1 : x > y;
}

/* The metric's count in one partition, or -1 when unknown. */
static double part_value(const struct lw_partition *p, enum lw_metric m)
{
	switch (m) {
	case LW_M_ROWS:
	case LW_M_LOAD: return p->rows >= 0 ? (double)p->rows : -1;
	case LW_M_FILES: return (double)p->files;
	case LW_M_BYTES: return (double)p->bytes;
	default: return -1;
	}
}

/* Partitions with a time and a known value, sorted by time; caller frees. */
static struct lw_point *part_points(const struct lw_obs *o, enum lw_metric m,
				    size_t *n)
{
	struct lw_point *p = lw_xmalloc((o->nparts + 1) * sizeof *p);
	size_t k = 0;
	for (size_t i = 0; i < o->nparts; i++) {
		double v = part_value(&o->parts[i], m);
		if (o->parts[i].time < 0 || v < 0)
			continue;
		p[k++] = (struct lw_point){o->parts[i].time, v, 0};
	}
	qsort(p, k, sizeof *p, cmp_part_time);
	*n = k;
	return p;
}

bool lw_anomaly_cold(const struct lw_obs *o, enum lw_metric m, int64_t now,
		     struct lw_point **pts, size_t *n, int64_t *at,
		     double *value)
{
	size_t k;
	*pts = NULL;
	*n = 0;
	if (m == LW_M_COLUMNS || m == LW_M_ARRIVAL || !o->nparts ||
	    (m == LW_M_ROWS && o->rows < 0))
		return false;
	struct lw_point *p = part_points(o, m, &k);
	if (k < 3) {
		free(p);
		return false;
	}
	/* a partition's period: the smallest gap between partition times */
	int64_t period = 0;
	for (size_t i = 1; i < k; i++)
		if (p[i].t > p[i - 1].t && (!period || p[i].t - p[i - 1].t <
					    period))
			period = p[i].t - p[i - 1].t;
	if (m == LW_M_ROWS) {	/* running totals at each period's end */
		for (size_t i = 1; i < k; i++)
			p[i].v += p[i - 1].v;
		for (size_t i = 0; i < k; i++)
			p[i].t += period;	/* after now: not trained on */
		*at = now;
		*value = (double)o->rows;
		*pts = p;
		*n = k;
		return true;
	}
	size_t last = k;
	while (last > 0 && p[last - 1].t + period > now)
		last--;	/* still in its period */
	if (last < 3) {
		free(p);
		return false;
	}
	*at = p[last - 1].t;
	*value = p[last - 1].v;
	*pts = p;
	*n = last - 1;
	return true;
}

/* --- the Delta log ------------------------------------------------------
 * A Delta table's commits say what each load wrote (obs->delta.commits):
 *
 *   rows          the table's row count after each commit, walked back
 *                 from the count now through each commit's change (an
 *                 overwrite or an operation that does not say ends the
 *                 walk), against the count now at the newest commit;
 *   load, files,  each load's own rows, files and bytes written, against
 *   bytes         the newest load's.
 */

/* A load's count of metric m, or -1. */
static double commit_value(const struct lw_delta_commit *c, enum lw_metric m)
{
	switch (m) {
	case LW_M_LOAD: return c->rows >= 0 ? (double)c->rows : -1;
	case LW_M_FILES: return c->files >= 0 ? (double)c->files : -1;
	case LW_M_BYTES: return c->bytes >= 0 ? (double)c->bytes : -1;
	default: return -1;
	}
}

/* Row counts after each commit before the newest, newest walked first;
 * *n points into p (the caller's, room for every commit). */
static size_t commit_totals(const struct lw_obs *o, struct lw_point *p)
{
	const struct lw_delta_facts *d = &o->delta;
	double total = (double)o->rows;
	size_t k = 0;
	for (size_t i = d->ncommits; i-- > 1;) {
		if (d->commits[i].net == LW_DELTA_NET_UNKNOWN)
			break;
		total -= (double)d->commits[i].net;	/* after commit i-1 */
		if (total < 0)
			break;	/* the log does not add up: stop there */
		p[k++] = (struct lw_point){d->commits[i - 1].at, total, 0};
	}
	for (size_t i = 0; i < k / 2; i++) {	/* oldest first */
		struct lw_point t = p[i];
		p[i] = p[k - 1 - i];
		p[k - 1 - i] = t;
	}
	return k;
}

bool lw_anomaly_cold_delta(const struct lw_obs *o, enum lw_metric m,
			   int64_t now, struct lw_point **pts, size_t *n,
			   int64_t *at, double *value)
{
	const struct lw_delta_facts *d = &o->delta;
	*pts = NULL;
	*n = 0;
	if (!d->present || d->ncommits < 3 || m == LW_M_COLUMNS ||
	    m == LW_M_ARRIVAL || (m == LW_M_ROWS && o->rows < 0))
		return false;
	struct lw_point *p = lw_xmalloc(d->ncommits * sizeof *p);
	size_t k = 0;
	if (m == LW_M_ROWS) {
		/* the count now is the count since the newest commit: judged
		 * at its time, so a trend is not stretched to a later now */
		k = commit_totals(o, p);
		*at = d->commits[d->ncommits - 1].at;
		*value = (double)o->rows;
		if (*at > now)
			k = 0;
	} else {
		for (size_t i = 0; i < d->ncommits; i++) {
			double v = commit_value(&d->commits[i], m);
			if (v >= 0 && d->commits[i].at <= now)
				p[k++] = (struct lw_point){d->commits[i].at, v,
							   0};
		}
		if (k) {	/* the newest load is the one judged */
			k--;
			*at = p[k].t;
			*value = p[k].v;
		}
	}
	if (k < 3) {
		free(p);
		return false;
	}
	*pts = p;
	*n = k;
	return true;
}

/* See anomaly.h. */
size_t lw_anomaly_cold_landings(const struct lw_obs *o, int64_t before,
				struct lw_point **pts)
{
	const struct lw_delta_facts *d = &o->delta;
	struct lw_point *p = NULL;
	size_t k = 0;
	*pts = NULL;
	if (!d->present || !d->ncommits)
		return 0;
	p = lw_xmalloc(d->ncommits * sizeof *p);
	for (size_t i = 0; i < d->ncommits; i++)
		if (d->commits[i].rows > 0 && d->commits[i].at < before)
			p[k++] = (struct lw_point){d->commits[i].at,
						   (double)d->commits[i].at, 0};
	if (!k) {
		free(p);
		return 0;
	}
	*pts = p;
	return k;
}
