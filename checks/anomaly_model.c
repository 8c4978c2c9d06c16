/* anomaly_model.c - the learned-threshold detector (see anomaly.h).
 *
 * Everything here is a pure function of its arguments. Scratch arrays are
 * allocated per call and freed before returning; nothing is kept.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/anomaly.h"
#include "lakewatch/err.h"
#include "lakewatch/util.h"

#define NB_MAX 168		/* hour of week: the most buckets */
#define MAD_SD 1.4826		/* MAD to standard deviation, normal data */

static const char *const metric_names[LW_NMETRICS] = {
	"rows", "load", "bytes", "files", "columns", "arrival"
};
static const char *const season_names[] = {
	"none", "hour", "day_of_week", "hour_of_week", "auto"
};
static const char *const day_names[7] = {
	"Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays",
	"Saturdays", "Sundays"
};

/* Static string. */
const char *lw_metric_name(enum lw_metric m)
{
	return (unsigned)m < LW_NMETRICS ? metric_names[m] : "?";
}

int lw_metric_parse(const char *s, enum lw_metric *out)
{
	for (int i = 0; s && i < LW_NMETRICS; i++)
		if (strcmp(s, metric_names[i]) == 0) {
			*out = (enum lw_metric)i;
			return LW_OK;
		}
	return LW_EPARSE;
}

/* Static string. */
const char *lw_season_name(enum lw_season s)
{
	return (unsigned)s <= LW_SEAS_AUTO ? season_names[s] : "?";
}

int lw_season_parse(const char *s, enum lw_season *out)
{
	for (int i = 0; s && i <= LW_SEAS_AUTO; i++)
		if (strcmp(s, season_names[i]) == 0) {
			*out = (enum lw_season)i;
			return LW_OK;
		}
	return LW_EPARSE;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int lw_season_bucket(enum lw_season s, int64_t t)
{
	int64_t day = floordiv(t, 86400);
	int hour = (int)((t - day * 86400) / 3600);
	int dow = (int)((day % 7 + 7 + 3) % 7);	/* 1970-01-01 was a Thursday */
	switch (s) {
	case LW_SEAS_HOUR: return hour;
	case LW_SEAS_DOW: return dow;
	case LW_SEAS_HOW: return dow * 24 + hour;
	default: return -1;
	}
}

static int nbuckets(enum lw_season s)
{
	return s == LW_SEAS_HOUR ? 24 : s == LW_SEAS_DOW ? 7 :
	       s == LW_SEAS_HOW ? 168 : 1;
}

/* buf, filled. */
const char *lw_season_bucket_fmt(enum lw_season s, int b, char *buf, size_t n)
{
	if (s == LW_SEAS_HOUR && b >= 0 && b < 24)
		snprintf(buf, n, "%02d:00", b);
	else if (s == LW_SEAS_DOW && b >= 0 && b < 7)
		snprintf(buf, n, "%s", day_names[b]);
	else if (s == LW_SEAS_HOW && b >= 0 && b < 168)
		snprintf(buf, n, "%s %02d:00", day_names[b / 24], b % 24);
	else if (n)
		buf[0] = '\0';
	return buf;
}

/* buf, filled. */
const char *lw_span_fmt(int64_t secs, char *buf, size_t n)
{
	long long v;
	const char *u;
	if (secs >= 14 * 86400) {
		v = (secs + 3 * 86400) / (7 * 86400);
		u = "week";
	} else if (secs >= 2 * 86400) {
		v = (secs + 43200) / 86400;
		u = "day";
	} else if (secs >= 2 * 3600) {
		v = (secs + 1800) / 3600;
		u = "hour";
	} else {
		v = (secs + 30) / 60;
		u = "minute";
	}
	snprintf(buf, n, "%lld %s%s", v, u, v == 1 ? "" : "s");
	return buf;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median of a[0..n), n > 0; sorts a. */
static double median(double *a, size_t n)
{
	assert(n > 0);
	qsort(a, n, sizeof *a, cmp_double);
	return n % 2 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/* Move the elements of a[lo..hi] that are below pivot to its front (in
 * any order); returns how many. Branch-free in the loop: which side a
 * value goes is data, not a jump the CPU must guess (for random values
 * a guessed partition mispredicts half its comparisons). */
static size_t part_below(double *a, size_t lo, size_t hi, double pivot)
{
	size_t lt = lo;
	for (size_t i = lo; i <= hi; i++) {
		double x = a[i];
		a[i] = a[lt];
		a[lt] = x;
		lt += x < pivot;
	}
	return lt - lo;
}

/* The same for the elements equal to pivot, a[lo..hi] all >= pivot. */
static size_t part_equal(double *a, size_t lo, size_t hi, double pivot)
{
	size_t eq = lo;
	for (size_t i = lo; i <= hi; i++) {
		double x = a[i];
		a[i] = a[eq];
		a[eq] = x;
		eq += x == pivot;
	}
	return eq - lo;
}

/* Middle of three values. */
static double mid3(double x, double y, double z)
{
	return x < y ? (y < z ? y : x < z ? z : x) :
	       (x < z ? x : y < z ? z : y);
}

/* k-th smallest of a[0..n), leaving a partitioned around it (everything
 * before k <= a[k] <= everything after): what median_fast and mid_order
 * read. Each step splits off the values below the pivot; when there are
 * none (the pivot is the smallest) the values equal to it, so ties
 * (integer counts) never make it quadratic. O(n) on average. Moves
 * elements of a. */
static double select_kth(double *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	assert(k < n);
	while (lo < hi) {
		double pivot = mid3(a[lo], a[lo + (hi - lo) / 2], a[hi]);
		size_t lt = lo + part_below(a, lo, hi, pivot);
		if (k < lt) {
			hi = lt - 1;
			continue;
		}
		if (lt > lo) {	/* the pivot was not the smallest */
			lo = lt;
			continue;
		}
		size_t eq = lt + part_equal(a, lt, hi, pivot);
		if (k < eq)
			return a[k];	/* a[lt..eq) all equal the pivot */
		lo = eq;
	}
	return a[k];
}

/* Median of a[0..n), n > 0, without sorting it (elements move). */
static double median_fast(double *a, size_t n)
{
	assert(n > 0);
	double hi = select_kth(a, n, n / 2);
	if (n % 2)
		return hi;
	double lo = a[0];	/* the largest of the lower half */
	for (size_t i = 1; i < n / 2; i++)
		if (a[i] > lo)
			lo = a[i];
	return (lo + hi) / 2;
}

/* A model fitted to training points, detrended to time tref. */
struct fit {
	enum lw_season season;
	double slope;		/* per second */
	int64_t tref;
	double med[NB_MAX];
	size_t cnt[NB_MAX];
	bool mult;		/* buckets differ in level: the trend is a
				 * rate (busy hours grow more in rows than
				 * quiet ones), slope per second relative */
	double gmed;		/* median of all detrended values, only when
				 * fit_points was asked (rebase reads it) */
	double pooled;		/* MAD around the bucket medians */
	double prel;		/* the same, relative to each bucket's median */
	double sel;		/* mean deviation, to choose seasons by */
	bool rel;		/* buckets differ in level: spread is relative */
	size_t buckets_used, buckets_two;	/* present; with >= 2 points */
};

/* Scratch for one fit of n points. */
struct scratch {
	double *x, *tmp;
	int *bk;
	size_t off[NB_MAX + 1];
};

/* Tukey's resistant line through (t, d): slope between the medians of the
 * first and last thirds. Robust, O(n log n), no pairwise blow-up. Thirds
 * of fewer than 3 points give no trend: it would be noise. (Shrinking the
 * slope by its significance was tried and lost F1 in bench/anomaly: real
 * growth early in a window looks insignificant and the model lags.) */
static double resistant_slope(const struct lw_point *p, const double *d,
			      size_t n, double *tmp)
{
	size_t k = n / 3;
	if (k < 3)
		return 0;
	memcpy(tmp, d, k * sizeof *tmp);
	double vl = median_fast(tmp, k);
	memcpy(tmp, d + n - k, k * sizeof *tmp);
	double vr = median_fast(tmp, k);
	double tl = (double)p[k / 2].t, tr = (double)p[n - k + k / 2].t;
	return tr > tl ? (vr - vl) / (tr - tl) : 0;
}

/* Rearrange a[0..c), c > 0, so that positions (c-1)/2 - 1 .. (c-1)/2 + 1
 * hold those order statistics, with everything before them <= and after
 * >=: all that median and median_without read, in O(c) rather than a
 * sort. Returns the median. */
static double mid_order(double *a, size_t c)
{
	size_t mid = (c - 1) / 2, bi;
	double t;
	assert(c > 0);
	select_kth(a, c, mid);	/* leaves a partitioned around mid */
	if (mid >= 1) {
		for (size_t i = bi = 0; i < mid; i++)
			bi = a[i] > a[bi] ? i : bi;
		t = a[bi], a[bi] = a[mid - 1], a[mid - 1] = t;
	}
	if (mid + 1 < c) {
		for (size_t i = bi = mid + 1; i < c; i++)
			bi = a[i] < a[bi] ? i : bi;
		t = a[bi], a[bi] = a[mid + 1], a[mid + 1] = t;
	}
	return c % 2 ? a[mid] : (a[mid] + a[mid + 1]) / 2;
}

/* med[b] = median of x[i] over bucket b. Grouped by a counting sort on the
 * bucket: O(n + buckets). */
static void bucket_medians(const struct fit *f, struct scratch *s,
			   size_t n, double *med, bool sorted)
{
	int nb = nbuckets(f->season);
	size_t fill[NB_MAX];
	memcpy(fill, s->off, (size_t)nb * sizeof *fill);
	for (size_t i = 0; i < n; i++)
		s->tmp[fill[s->bk[i]]++] = s->x[i];
	for (int b = 0; b < nb; b++)
		med[b] = !f->cnt[b] ? 0 : sorted ?
			 mid_order(s->tmp + s->off[b], f->cnt[b]) :
			 median_fast(s->tmp + s->off[b], f->cnt[b]);
}

/* Median of a[0..c) without a[j], c >= 2: a sorted, or arranged by
 * mid_order (only the positions around the middle are read). */
static double median_without(const double *a, size_t c, size_t j)
{
	size_t m = c - 1;
#define AT(r) ((r) < j ? a[(r)] : a[(r) + 1])
	double v = m % 2 ? AT(m / 2) : (AT(m / 2 - 1) + AT(m / 2)) / 2;
#undef AT
	return v;
}

/* Pooled spread, from leave-one-out deviations: each point against the
 * median of the rest of its bucket. That is the error of a prediction, so
 * small buckets (six Tuesdays) are not read as tighter than they are. Run
 * right after bucket_medians, whose segments of s->tmp are arranged by
 * mid_order. Also
 * whether buckets differ enough in level for the spread to be relative. */
static void fit_spread(struct fit *f, struct scratch *s, size_t n)
{
	double *abs_d = s->tmp + n, *rel = s->tmp + 2 * n;
	size_t k = 0, kr = 0;
	double lo = INFINITY, hi = 0, sum = 0;
	for (int b = 0; b < nbuckets(f->season); b++) {
		size_t c = f->cnt[b];
		const double *a = s->tmp + s->off[b];
		if (c < 2)
			continue;
		double m = fabs(f->med[b]);
		for (size_t j = 0; j < c; j++) {
			double d = fabs(a[j] - median_without(a, c, j));
			abs_d[k++] = d;
			sum += d;
			if (m > 0)
				rel[kr++] = d / m;
		}
		lo = fmin(lo, m);
		hi = fmax(hi, m);
	}
	/* A median would not see a minority of points in the wrong bucket
	 * (weekends among weekdays): seasons are chosen by the mean. (A mean
	 * less its largest 5% spared daily loads a few false alarms, but
	 * lost a weekly peak of one hour to none.) */
	f->sel = k ? sum / (double)k : 0;
	f->pooled = k ? median_fast(abs_d, k) : 0;
	f->rel = f->buckets_two >= 2 && lo > 0 && hi > 2 * lo && kr == k;
	/* read only when rel: a selection fewer per fit otherwise */
	f->prel = f->rel && kr ? median_fast(rel, kr) : 0;
}

/* True when the season buckets' levels (with >= 2 points) differ more than
 * 2x and none is 0 or negative: a multiplicative series. */
static bool levels_differ(const struct fit *f)
{
	double lo = INFINITY, hi = 0;
	int used = 0;
	for (int b = 0; b < nbuckets(f->season); b++) {
		if (f->cnt[b] < 2)
			continue;
		if (f->med[b] <= 0)
			return false;
		lo = fmin(lo, f->med[b]);
		hi = fmax(hi, f->med[b]);
		used++;
	}
	return used >= 2 && hi > 2 * lo;
}

/* Value v at time t moved along the trend to f->tref. */
static double trend_off(const struct fit *f, double v, int64_t t)
{
	double dt = (double)(t - f->tref);
	if (!f->mult)
		return v - f->slope * dt;
	double g = 1 + f->slope * dt;
	return g > 0.05 ? v / g : v / 0.05;
}

/* Fit p[0..n) (oldest first), n > 0, detrended to tref: season medians,
 * the trend of what they leave, season medians of the detrended values. */
static void fit_points_g(struct fit *f, enum lw_season season,
			 const struct lw_point *p, size_t n, int64_t tref,
			 bool want_gmed)
{
	struct scratch s;
	s.x = lw_xmalloc(4 * n * sizeof *s.x);
	s.tmp = s.x + n;
	s.bk = lw_xmalloc(n * sizeof *s.bk);
	int nb = nbuckets(season);
	f->season = season;
	f->tref = tref;
	memset(f->cnt, 0, sizeof f->cnt);
	for (size_t i = 0; i < n; i++) {
		s.bk[i] = season == LW_SEAS_NONE ? 0 :
			lw_season_bucket(season, p[i].t);
		f->cnt[s.bk[i]]++;
		s.x[i] = p[i].v;
	}
	s.off[0] = 0;
	f->buckets_used = f->buckets_two = 0;
	for (int b = 0; b < nb; b++) {
		s.off[b + 1] = s.off[b] + f->cnt[b];
		f->buckets_used += f->cnt[b] > 0;
		f->buckets_two += f->cnt[b] >= 2;
	}
	bucket_medians(f, &s, n, f->med, false);
	f->mult = levels_differ(f);
	for (size_t i = 0; i < n; i++)	/* what the season leaves */
		s.x[i] = !f->mult ? p[i].v - f->med[s.bk[i]] :
			 f->med[s.bk[i]] > 0 ? p[i].v / f->med[s.bk[i]] - 1 : 0;
	/* Growth often accelerates (a table's row count, a busier season):
	 * the slope of the recent half of the window follows it, where the
	 * whole window's lags and every poll looks high. (bench/anomaly:
	 * fewer false alarms overall, at some recall on small noisy tables.)
	 */
	f->slope = resistant_slope(p + n / 2, s.x + n / 2, n - n / 2, s.tmp);
	for (size_t i = 0; i < n; i++)
		s.x[i] = trend_off(f, p[i].v, p[i].t);
	bucket_medians(f, &s, n, f->med, true);	/* mid_order: fit_spread */
	fit_spread(f, &s, n);
	f->gmed = 0;
	if (want_gmed) {
		memcpy(s.tmp, s.x, n * sizeof *s.tmp);
		f->gmed = median_fast(s.tmp, n);
	}
	free(s.bk);
	free(s.x);
}

static void fit_points(struct fit *f, enum lw_season season,
		       const struct lw_point *p, size_t n, int64_t tref)
{
	fit_points_g(f, season, p, n, tref, false);
}

/* The fit's prediction at t, or false when t's bucket has < 2 points. */
static bool fit_predict(const struct fit *f, int64_t t, double *exp,
			double *scale)
{
	int b = f->season == LW_SEAS_NONE ? 0 : lw_season_bucket(f->season, t);
	if (f->cnt[b] < 2)
		return false;
	double base = f->rel ? f->prel * fabs(f->med[b]) : f->pooled;
	double dt = (double)(t - f->tref);
	*exp = f->mult ? f->med[b] * (1 + f->slope * dt) :
	       f->med[b] + f->slope * dt;
	*scale = MAD_SD * base;
	return true;
}

/* Training points: the window before t, anomalous ones left out unless a
 * long run of them has become the normal. Caller frees; *first_acc is the
 * index of the newest accepted point in the result, or -1. */
static struct lw_point *training(const struct lw_anomaly_params *p,
				 const struct lw_point *h, size_t n,
				 int64_t t, size_t *k, long *first_acc)
{
	size_t lo = 0, hi = n;
	while (lo < n && h[lo].t < t - p->window)
		lo++;
	while (hi > lo && h[hi - 1].t >= t)
		hi--;
	/* Holidays (LW_PT_HOLIDAY) are not there at all: neither learned
	 * from nor counted below. */
	size_t total = 0;
	for (size_t i = lo; i < hi; i++)
		total += !(h[i].flags & LW_PT_HOLIDAY);
	/* A trailing run of anomalies a third of the window long is a shift
	 * nobody accepted but that plainly stayed: readmit it. It starts at
	 * rs. */
	size_t run = 0, rs = hi;
	for (size_t j = hi; j > lo; j--) {
		if (h[j - 1].flags & LW_PT_HOLIDAY)
			continue;
		if (!(h[j - 1].flags & LW_PT_ANOMALOUS))
			break;
		run++;
		rs = j - 1;
	}
	bool readmit = run >= p->min_points && run * 3 >= total && run;
	/* More than a quarter flagged: the model, not the data, is off (it
	 * lagged a trend and kept flagging what it no longer learns from).
	 * Learn from everything again rather than go blind. */
	size_t flagged = 0;
	for (size_t i = lo; i < hi; i++)
		flagged += (h[i].flags & (LW_PT_ANOMALOUS | LW_PT_HOLIDAY)) ==
			   LW_PT_ANOMALOUS;
	bool keep_all = flagged * 4 > total;
	struct lw_point *o = lw_xmalloc((hi - lo + 1) * sizeof *o);
	*k = 0;
	*first_acc = -1;
	for (size_t i = lo; i < hi; i++) {
		if (h[i].flags & LW_PT_HOLIDAY)
			continue;
		bool in_run = i >= rs;
		bool acc = (h[i].flags & LW_PT_ACCEPTED) ||
			   (readmit && i == rs);
		if ((h[i].flags & LW_PT_ANOMALOUS) && !acc && !keep_all &&
		    !(readmit && in_run))
			continue;
		if (acc)
			*first_acc = (long)*k;
		o[(*k)++] = h[i];
	}
	return o;
}

/* An accepted step: shift the points before it onto the new level, by the
 * median residual of the newer points against a fit of the older ones. */
static void rebase(struct lw_point *pt, size_t k, size_t a, enum lw_season s,
		   int64_t t)
{
	if (a < 2 || a >= k)
		return;
	struct fit *f = lw_xmalloc(sizeof *f);
	double *d = lw_xmalloc(2 * (k - a) * sizeof *d);
	size_t nd = 0;
	fit_points_g(f, s, pt, a, t, true);
	/* Where season buckets differ in level (quiet weekends), a step is
	 * a ratio: +60% on weekdays is +60% on Sundays, not the same count. */
	bool ratio = f->mult || f->rel;
	double *e = d + (k - a);
	for (size_t i = a; i < k; i++, nd++) {
		double sc;
		if (!fit_predict(f, pt[i].t, &e[nd], &sc))
			e[nd] = f->gmed + f->slope * (double)(pt[i].t - t);
		ratio = ratio && e[nd] > 0 && pt[i].v > 0;
	}
	for (size_t i = 0; i < nd; i++)
		d[i] = ratio ? pt[a + i].v / e[i] : pt[a + i].v - e[i];
	double delta = median(d, nd);
	for (size_t i = 0; i < a; i++)
		pt[i].v = ratio ? pt[i].v * delta : pt[i].v + delta;
	free(d);
	free(f);
}

static bool season_ok(const struct fit *f, int64_t span)
{
	int64_t need = f->season == LW_SEAS_HOUR ? 2 * 86400 : 14 * 86400;
	return span >= need && f->buckets_used >= 2 &&
	       f->buckets_two * 5 >= f->buckets_used * 4;
}

/* Pick among fits of pt[0..k): coarse first, finer only when clearly
 * tighter (mean deviation 20% smaller). The chosen fit is copied into
 * *chosen when given, so the caller need not fit it again. */
static enum lw_season pick(const struct lw_point *pt, size_t k, int64_t t,
			   struct fit *chosen)
{
	static const enum lw_season order[] = {
		LW_SEAS_NONE, LW_SEAS_HOUR, LW_SEAS_DOW, LW_SEAS_HOW
	};
	struct fit *f = lw_xmalloc(sizeof *f);
	int64_t span = k ? t - pt[0].t : 0;
	double best = INFINITY;
	enum lw_season bs = LW_SEAS_NONE;
	for (size_t i = 0; i < 4 && k >= 4; i++) {
		fit_points(f, order[i], pt, k, t);
		if (i == 0 || (season_ok(f, span) && f->sel < 0.8 * best)) {
			best = f->sel;
			bs = order[i];
			if (chosen)
				*chosen = *f;
		}
	}
	free(f);
	return bs;
}

enum lw_season lw_anomaly_pick_season(const struct lw_point *hist, size_t n,
				      int64_t t, int64_t window)
{
	struct lw_anomaly_params p = {.window = window, .min_points = SIZE_MAX};
	size_t k;
	long a;
	struct lw_point *pt = training(&p, hist, n, t, &k, &a);
	enum lw_season s = pick(pt, k, t, NULL);
	free(pt);
	return s;
}

/* e moved by how far the newest training points sit off the fit, when
 * they all sit on one side: a trend that has sped up (a growing table),
 * a level that moved and stayed. The newest sixth of the points, at least
 * 5 (all on one side by chance: 1 in 16), as ratios where buckets differ
 * in level. Points the fit cannot predict count as no evidence. */
static double recent_level(const struct fit *f, const struct lw_point *pt,
			   size_t k, double e)
{
	size_t m = k / 6 < 5 ? 5 : k / 6, nd = 0;
	double d[64];
	bool ratio = f->mult || f->rel;
	int pos = 0, neg = 0;
	if (m > 64)
		m = 64;
	if (k < 2 * m)
		return e;
	for (size_t i = k - m; i < k; i++) {
		double x, sc;
		if (!fit_predict(f, pt[i].t, &x, &sc) || (ratio && x <= 0))
			return e;
		d[nd] = ratio ? pt[i].v / x - 1 : pt[i].v - x;
		pos += d[nd] > 0;
		neg += d[nd] < 0;
		nd++;
	}
	if (pos && neg)
		return e;
	double shift = median(d, nd);
	return ratio ? e * (1 + shift) : e + shift;
}

/* A series whose spread is more than this share of its level is noisy:
 * there a single point just outside the range is not worth a WARN (small
 * tables' counts jump); two in a row, or one twice as far out, are. The
 * same holds where the bucket judged has fewer than FEW points (six
 * Tuesdays): its spread is too uncertain for one point just outside to
 * be a WARN (bench/anomaly: 7.6 false alarms per 1,000 polls down to 3.0,
 * hourly loads' 3.3 to 0; the injected anomalies are far outside: FAIL).
 */
#define NOISY 0.15
#define FEW 10

/* Whether the point before t in hist[0..n) was outside out's range on the
 * same side as v. */
static bool prev_outside(const struct lw_point *hist, size_t n, int64_t t,
			 double v, const struct lw_verdict *out)
{
	while (n > 0 && (hist[n - 1].t >= t ||
			 (hist[n - 1].flags & LW_PT_HOLIDAY)))
		n--;	/* a holiday was not judged: not "the point before" */
	if (!n)
		return false;
	double pv = hist[n - 1].v;
	return v > out->hi ? pv > out->hi : pv < out->lo;
}

/* Range and status of v against expected e with spread sc. */
static void decide(const struct lw_anomaly_params *p, double v, double e,
		   double sc, struct lw_verdict *out)
{
	double w = p->sensitivity * sc;
	if (w < p->min_abs)
		w = p->min_abs;
	if (w < p->min_pct / 100.0 * fabs(e))
		w = p->min_pct / 100.0 * fabs(e);
	double d = v - e;
	out->expected = e;
	out->lo = e - w;
	out->hi = e + w;
	out->score = sc > 0 ? d / sc : d == 0 ? 0 : d > 0 ? 1e9 : -1e9;
	bool way = d < 0 ? (p->direction & LW_AD_DROP) :
		   (p->direction & LW_AD_SPIKE);
	out->status = LW_PASS;
	if (way && fabs(d) > w)
		out->status = fabs(d) > 2 * w ? LW_FAIL : LW_WARN;
}

void lw_anomaly_judge(const struct lw_anomaly_params *p,
		      const struct lw_point *hist, size_t n, int64_t t,
		      double v, struct lw_verdict *out)
{
	memset(out, 0, sizeof *out);
	out->status = LW_PASS;
	out->need = p->min_points;
	out->bucket = -1;
	size_t k;
	long a;
	struct lw_point *pt = training(p, hist, n, t, &k, &a);
	out->trained = k;
	if (k < p->min_points || k < 3) {
		out->learning = true;
		out->season = p->season == LW_SEAS_AUTO ? LW_SEAS_NONE : p->season;
		free(pt);
		return;
	}
	out->span = t - pt[0].t;
	enum lw_season s = p->season;
	struct fit *f = lw_xmalloc(sizeof *f);
	bool fitted = false;
	/* An accepted step: rebase with the season of the points before it,
	 * then choose among seasons on the rebased points (mixed levels
	 * would hide the weekly shape). */
	if (a >= 0) {
		enum lw_season rs = s != LW_SEAS_AUTO ? s :
				    pick(pt, (size_t)a, t, NULL);
		rebase(pt, k, (size_t)a, rs, t);
	}
	if (s == LW_SEAS_AUTO) {
		s = pick(pt, k, t, f);
		fitted = k >= 4;	/* pick fits nothing below 4 points */
	}
	double e, sc;
	if (!fitted)
		fit_points(f, s, pt, k, t);
	/* An empty bucket falls back to coarser seasons, then none. */
	while (!fit_predict(f, t, &e, &sc)) {
		out->bucket_fallback = true;
		s = s == LW_SEAS_HOW ? LW_SEAS_HOUR : LW_SEAS_NONE;
		fit_points(f, s, pt, k, t);
	}
	out->season = s;
	out->bucket = lw_season_bucket(s, t);
	out->slope = f->slope * 86400;
	e = recent_level(f, pt, k, e);
	/* After an accepted step the new level is estimated from the m
	 * points since (rebase): a prediction's error is then the spread's
	 * and the level's together, sigma x sqrt(1 + 1/m), so the range is
	 * wider while the new level has few points (bench/anomaly: a
	 * weekend just after a +60% step was flagged). */
	if (a >= 0)
		sc *= sqrt(1 + 1 / (double)(k - (size_t)a));
	decide(p, v, e, sc, out);
	if (out->status == LW_WARN && (sc > NOISY * fabs(e) ||
	    f->cnt[out->bucket < 0 ? 0 : out->bucket] < FEW) &&
	    !prev_outside(hist, n, t, v, out))
		out->status = LW_PASS;	/* one point is not a WARN */
	if (!isfinite(out->lo) || !isfinite(out->hi)) {
		out->learning = true;	/* never a silent "within" */
		out->status = LW_PASS;
	}
	free(f);
	free(pt);
}

size_t lw_arrival_points(const int64_t *landed, size_t n, int64_t period,
			 struct lw_point *out, size_t max)
{
	size_t k = 0;
	int64_t last = INT64_MIN, lastp = INT64_MIN;
	assert(period > 0);
	for (size_t i = 0; i < n && k < max; i++) {
		if (landed[i] < 0 || landed[i] <= last)
			continue;
		last = landed[i];
		int64_t ps = floordiv(landed[i], period) * period;
		if (ps == lastp)
			continue;
		lastp = ps;
		out[k].t = ps;
		out[k].v = (double)(landed[i] - ps);
		out[k].flags = 0;
		k++;
	}
	return k;
}

int64_t lw_arrival_period(const int64_t *landed, size_t n)
{
	double *gaps = n ? lw_xmalloc(n * sizeof *gaps) : NULL;
	size_t k = 0;
	int64_t last = -1;
	for (size_t i = 0; i < n; i++) {
		if (landed[i] < 0 || landed[i] <= last)
			continue;
		if (last >= 0)
			gaps[k++] = (double)(landed[i] - last);
		last = landed[i];
	}
	int64_t period = k >= 3 && median(gaps, k) < 6 * 3600 ? 3600 : 86400;
	free(gaps);
	return period;
}
