/* config_holidays.c - the "holidays" key (top level, per source, per
 * dataset, like "timezone"): local dates on which the anomaly rule judges
 * nothing ("holiday 2026-12-25: not judged") and which it leaves out of
 * what it learns. Every date is checked when the config loads, so
 * "2026-02-30" is an error at its position, never a holiday that silently
 * is not one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/config.h"
#include "lakewatch/tz.h"
#include "lakewatch/util.h"
#include "config_int.h"

#define HOLIDAYS_MAX 10000	/* dates per calendar */

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
				  31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* "YYYY-MM-DD", a real date of the years 1900-9999, into *day. */
static bool parse_date(const char *s, int32_t *day)
{
	int v[8];
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0, k = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return false;
		v[k++] = s[i] - '0';
	}
	int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
	int m = v[4] * 10 + v[5], d = v[6] * 10 + v[7];
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return false;
	*day = (int32_t)lw_days_from_civil(y, m, d);
	return true;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* See config.h. */
int lw_config_holidays(struct lw_cfgctx *cc, const cJSON *obj,
		       struct lw_holidays *out)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, "holidays");
	if (!n)
		return LW_OK;
	if (!cJSON_IsArray(n))
		return lw_cfg_error(cc, n, "holidays: expected an array of "
				    "dates like [\"2026-12-25\"]");
	int cnt = cJSON_GetArraySize(n);
	if (cnt > HOLIDAYS_MAX)
		return lw_cfg_error(cc, n, "holidays: %d dates, at most %d",
				    cnt, HOLIDAYS_MAX);
	int32_t *days = lw_xmalloc(((size_t)cnt + 1) * sizeof *days);
	size_t k = 0;
	int i = 0, rc = LW_OK;
	const cJSON *e;
	cJSON_ArrayForEach(e, n) {
		if (!cJSON_IsString(e))
			rc = lw_cfg_error(cc, e, "holidays[%d]: expected a date "
					  "string (YYYY-MM-DD, e.g. "
					  "\"2026-12-25\")", i);
		else if (!parse_date(e->valuestring, &days[k]))
			rc = lw_cfg_error(cc, e, "holidays[%d]: \"%s\" is not a "
					  "date (YYYY-MM-DD, e.g. "
					  "\"2026-12-25\")", i, e->valuestring);
		else
			k++;
		i++;
	}
	if (rc != LW_OK) {
		free(days);
		return rc;
	}
	qsort(days, k, sizeof *days, cmp_i32);
	size_t u = 0;	/* the same date twice is one holiday */
	for (size_t j = 0; j < k; j++)
		if (!u || days[u - 1] != days[j])
			days[u++] = days[j];
	lw_holidays_free(out);
	out->days = days;
	out->n = u;
	out->set = true;
	return LW_OK;
}

void lw_holidays_free(struct lw_holidays *h)
{
	free(h->days);
	memset(h, 0, sizeof *h);
}

/* See config.h. */
bool lw_holiday_on(const struct lw_holidays *h, int64_t wall)
{
	if (!h || !h->n)
		return false;
	int64_t d = wall >= 0 ? wall / 86400 : -((-wall + 86399) / 86400);
	int32_t key = (int32_t)d;
	return d == key && bsearch(&key, h->days, h->n, sizeof *h->days,
				   cmp_i32) != NULL;
}

/* See config.h. */
const char *lw_holiday_fmt(int64_t wall, char *buf, size_t n)
{
	int64_t z = (wall >= 0 ? wall / 86400 : -((-wall + 86399) / 86400)) +
		    719468;	/* civil_from_days */
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	int64_t y = yoe + era * 400 + (m <= 2);
	snprintf(buf, n, "%04lld-%02d-%02d", (long long)y, m, d);
	return buf;
}
