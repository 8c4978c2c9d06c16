/* anomaly_tz.c - the detector on a zone's wall clock: a business's Tuesdays
 * 09:00 are local. The model (anomaly_model.c) stays a function of plain
 * times; this shifts them by the zone's offset first (see anomaly.h). A
 * "holidays" calendar's dates are local too: lw_anomaly_mark_holidays.
 */
#include <stdlib.h>
#include "lakewatch/anomaly.h"
#include "lakewatch/config.h"
#include "lakewatch/tz.h"
#include "lakewatch/util.h"

void lw_anomaly_judge_tz(const struct lw_anomaly_params *p,
			 const struct lw_tz *tz, const struct lw_point *hist,
			 size_t n, int64_t t, double v,
			 struct lw_verdict *out)
{
	if (!tz || !hist || !n) {
		lw_anomaly_judge(p, hist, n, tz ? lw_tz_wall(tz, t) : t, v,
				 out);
		return;
	}
	struct lw_point *w = lw_xmalloc(n * sizeof *w);
	for (size_t i = 0; i < n; i++) {
		w[i] = hist[i];
		w[i].t = lw_tz_wall(tz, hist[i].t);
		/* the fall-back hour runs twice: keep the order */
		if (i && w[i].t < w[i - 1].t)
			w[i].t = w[i - 1].t;
	}
	lw_anomaly_judge(p, w, n, lw_tz_wall(tz, t), v, out);
	free(w);
}

/* See anomaly.h. */
size_t lw_anomaly_mark_holidays(struct lw_point *p, size_t n,
				const struct lw_tz *tz,
				const struct lw_holidays *hol)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool on = hol && hol->n &&
			  lw_holiday_on(hol, tz ? lw_tz_wall(tz, p[i].t) :
					p[i].t);
		p[i].flags = on ? p[i].flags | LW_PT_HOLIDAY :
			     p[i].flags & ~LW_PT_HOLIDAY;
		k += on;
	}
	return k;
}
