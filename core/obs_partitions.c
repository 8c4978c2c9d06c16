/* obs_partitions.c - an observation's partition list: one entry per
 * partition key with its files, bytes and rows, and the time the key
 * names. Probes and table formats (Delta) both fill it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "lakewatch/model.h"
#include "lakewatch/err.h"
#include "lakewatch/util.h"

static bool key_is(const char *k, size_t n, const char *const *names)
{
	for (; *names; names++)
		if (strlen(*names) == n && strncasecmp(k, *names, n) == 0)
			return true;
	return false;
}

int64_t lw_partition_time(const char *key)
{
	static const char *const ys[] = {"year", "yyyy", "y", NULL};
	static const char *const ms[] = {"month", "mm", "m", NULL};
	static const char *const ds[] = {"day", "dd", "d", NULL};
	static const char *const hs[] = {"hour", "hh", "h", NULL};
	static const char *const mis[] = {"minute", "min", "mi", NULL};
	static const char *const ss[] = {"second", "ss", "s", NULL};
	int64_t base = -1;
	long v[6] = {-1, -1, -1, -1, -1, -1};
	const char *c = key;
	while (c && *c) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		const char *eq = memchr(c, '=', n);
		if (eq) {
			size_t kl = (size_t)(eq - c), vl = n - kl - 1;
			char val[64];
			if (vl < sizeof val) {
				memcpy(val, eq + 1, vl);
				val[vl] = '\0';
				int64_t t;
				char *e2;
				long num = strtol(val, &e2, 10);
				bool isnum = vl && *e2 == '\0';
				if (lw_time_parse(val, &t) == LW_OK)
					base = t;
				else if (isnum && key_is(c, kl, ys)) v[0] = num;
				else if (isnum && key_is(c, kl, ms)) v[1] = num;
				else if (isnum && key_is(c, kl, ds)) v[2] = num;
				else if (isnum && key_is(c, kl, hs)) v[3] = num;
				else if (isnum && key_is(c, kl, mis)) v[4] = num;
				else if (isnum && key_is(c, kl, ss)) v[5] = num;
			}
		}
		c = end ? end + 1 : NULL;
	}
	if (base < 0 && v[0] > 0 && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 &&
	    v[2] <= 31) {
		struct tm tm = {0};
		tm.tm_year = (int)v[0] - 1900;
		tm.tm_mon = (int)v[1] - 1;
		tm.tm_mday = (int)v[2];
		base = (int64_t)timegm(&tm);
	} else if (base < 0 && v[0] > 0 && v[1] >= 1 && v[1] <= 12) {
		struct tm tm = {0};	/* year/month only: monthly partitions */
		tm.tm_year = (int)v[0] - 1900;
		tm.tm_mon = (int)v[1] - 1;
		tm.tm_mday = 1;
		return (int64_t)timegm(&tm);
	}
	if (base < 0)
		return -1;
	/* hour=/minute=/second= beside a date that had no time of its own */
	if (base % 86400 == 0) {
		if (v[3] >= 0 && v[3] < 24) base += v[3] * 3600;
		if (v[4] >= 0 && v[4] < 60) base += v[4] * 60;
		if (v[5] >= 0 && v[5] < 60) base += v[5];
	}
	return base;
}

/* Sizes and row counts come from listings and file footers: a hostile
 * one claiming 2^62 rows twice must not overflow the sum. */
static int64_t add_sat(int64_t a, int64_t b)
{
	return b > INT64_MAX - a ? INT64_MAX : a + b;
}

void lw_obs_add_partition(struct lw_obs *obs, const char *key, int64_t size,
			  int64_t rows)
{
	/* Files usually come grouped, so only the last partition is
	 * looked at: searching them all made a table with many partitions
	 * in hash order (Delta's live set) quadratic. Duplicates are merged
	 * by lw_obs_finish_partitions. */
	size_t i = obs->nparts;
	if (i > 0 && strcmp(obs->parts[i - 1].key, key) != 0)
		i = 0;
	struct lw_partition *p;
	if (i > 0) {
		p = &obs->parts[i - 1];
	} else {
		lw_xgrow((void **)&obs->parts, &obs->capparts, obs->nparts,
			 sizeof *obs->parts);
		p = &obs->parts[obs->nparts++];
		p->key = lw_xstrdup(key);
		p->time = lw_partition_time(key);
		p->files = p->bytes = p->rows = 0;
	}
	p->files++;
	p->bytes = add_sat(p->bytes, size);
	if (rows < 0 || p->rows < 0)
		p->rows = -1;
	else
		p->rows = add_sat(p->rows, rows);
}

static int cmp_part(const void *a, const void *b)
{
	return strcmp(((const struct lw_partition *)a)->key,
		      ((const struct lw_partition *)b)->key);
}

void lw_obs_finish_partitions(struct lw_obs *obs)
{
	lw_sort(obs->parts, obs->nparts, sizeof *obs->parts, cmp_part);
	/* merge duplicates that were not adjacent when added */
	size_t w = 0;
	for (size_t r = 0; r < obs->nparts; r++) {
		if (w && strcmp(obs->parts[w - 1].key, obs->parts[r].key) == 0) {
			struct lw_partition *d = &obs->parts[w - 1];
			d->files += obs->parts[r].files;
			d->bytes = add_sat(d->bytes, obs->parts[r].bytes);
			d->rows = d->rows < 0 || obs->parts[r].rows < 0 ? -1 :
				  add_sat(d->rows, obs->parts[r].rows);
			free(obs->parts[r].key);
			continue;
		}
		obs->parts[w++] = obs->parts[r];
	}
	obs->nparts = w;
	obs->newest_part_time = -1;
	for (size_t i = 0; i < obs->nparts; i++)
		if (obs->parts[i].time > obs->newest_part_time)
			obs->newest_part_time = obs->parts[i].time;
}
