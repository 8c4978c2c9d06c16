/* capture_path.c - partition keys from Event Hubs Capture's path layout,
 * {namespace}/{hub}/{partition}/{YYYY}/{MM}/{DD}/{hh}/{mm}/{ss}.avro.
 *
 * It is a path convention, not part of the Avro format: the probe reads it
 * for datasets with "partitions": "capture", whatever their format. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include "lakewatch/probe.h"
#include "lakewatch/util.h"

static bool all_digits(const char *s, size_t n, size_t want)
{
	if (want && n != want)
		return false;
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Caller frees. */
char *lw_partition_capture(const char *path)
{
	const char *seg[7];
	size_t len[7];
	const char *end = path + strlen(path);
	/* the last 7 segments, from the end */
	for (int i = 6; i >= 0; i--) {
		const char *s = end;
		while (s > path && s[-1] != '/')
			s--;
		seg[i] = s;
		len[i] = (size_t)(end - s);
		if (i > 0) {
			if (s == path)
				return NULL;
			end = s - 1;
		}
	}
	size_t sl = len[6];
	if (sl > 5 && memcmp(seg[6] + sl - 5, ".avro", 5) == 0)
		sl -= 5;
	if (!all_digits(seg[0], len[0], 0) || len[0] > 9 ||
	    !all_digits(seg[1], len[1], 4) || !all_digits(seg[2], len[2], 2) ||
	    !all_digits(seg[3], len[3], 2) || !all_digits(seg[4], len[4], 2) ||
	    !all_digits(seg[5], len[5], 2) || !all_digits(seg[6], sl, 2))
		return NULL;
	return lw_xasprintf("partition=%.*s/date=%.4s-%.2s-%.2s/hour=%.2s/"
			    "minute=%.2s", (int)len[0], seg[0], seg[1], seg[2],
			    seg[3], seg[4], seg[5]);
}
