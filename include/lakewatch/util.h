/* util.h - allocation, strings, time and durations.
 *
 * lw_x* allocators abort with a message on out-of-memory: every caller would
 * otherwise have to unwind on a condition it cannot recover from anyway.
 */
#ifndef LAKEWATCH_UTIL_H
#define LAKEWATCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct lw_err;

void *lw_xmalloc(size_t n);
void *lw_xcalloc(size_t n, size_t size);
void *lw_xrealloc(void *p, size_t n);
/* Grow *arr (of elements of size `size`) so index `need` fits; *cap updated. */
void lw_xgrow(void **arr, size_t *cap, size_t need, size_t size);
char *lw_xstrdup(const char *s);		/* NULL gives NULL */
char *lw_xstrndup(const char *s, size_t n);
char *lw_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* qsort that accepts an empty or NULL array (qsort's own contract does
 * not, and UBSan holds us to it). */
void lw_sort(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *));

bool lw_str_starts(const char *s, const char *prefix);
bool lw_str_ends(const char *s, const char *suffix);
/* FNV-1a over n bytes of p, never 0 (0 means "none" to its users): a
 * fingerprint, not a defence against a chosen collision. */
uint64_t lw_hash64(const void *p, size_t n);

/* Seconds since the epoch, UTC. In test builds only (see the Makefile)
 * LAKEWATCH_NOW (an ISO time or epoch seconds) overrides the clock so the
 * tests are reproducible; ./lakewatch and installed binaries ignore it. */
int64_t lw_now(void);

/* Durations like "30m", "6h", "1d12h", "90s", "2w". Returns LW_OK and the
 * seconds, or LW_EPARSE. */
int lw_duration_parse(const char *s, int64_t *secs);
/* Compact human form: "45s", "7m", "7h", "2d3h". Writes into buf. */
const char *lw_duration_fmt(int64_t secs, char *buf, size_t n);

/* ISO-8601 / RFC 3339 timestamps ("2026-11-20", "2026-11-20T03:00:00Z",
 * "...+01:00", fractional seconds) and RFC 1123 (HTTP dates).
 * Returns LW_OK and epoch seconds (UTC), or LW_EPARSE. */
int lw_time_parse(const char *s, int64_t *t);
int lw_time_parse_http(const char *s, int64_t *t);
/* "2026-11-20T03:00:00Z" into buf (at least 21 bytes). */
const char *lw_time_fmt(int64_t t, char *buf, size_t n);

/* Human numbers: 1234567 -> "1.2M". */
const char *lw_count_fmt(int64_t v, char *buf, size_t n);
/* Sizes in powers of 1024, as config sizes parse: "512B", "1.5KiB",
 * "5.0GiB", "12MiB" (one decimal below 10, none from 10 up; "?" when
 * negative). The one size formatter of every message, report and screen. */
const char *lw_bytes_fmt(int64_t v, char *buf, size_t n);

/* Read a whole local file (at most max bytes). Caller frees *out. */
int lw_read_file(const char *path, size_t max, char **out, size_t *len,
		 struct lw_err *err);

#endif
