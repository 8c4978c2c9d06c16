/* cfgref.h - a reference-counted config.
 *
 * A run borrows its datasets from the config it was polled with, and a
 * reload may replace the current config while a poll (poll thread) or a
 * displayed run (UI thread) still uses the old one. Whoever holds a run
 * holds a reference to its config; the last lw_cfgref_put frees it. The
 * count is atomic, so references move between threads without a lock.
 */
#ifndef LAKEWATCH_CFGREF_H
#define LAKEWATCH_CFGREF_H

#include <stdatomic.h>
#include "lakewatch/config.h"

struct lw_cfgref {
	struct lw_config *cfg;	/* owned: freed with the last reference */
	atomic_int refs;
};

/* A new reference (count 1) that owns cfg; the caller puts it. */
struct lw_cfgref *lw_cfgref_new(struct lw_config *cfg);
/* Takes one more reference (r may be NULL); returns r. */
struct lw_cfgref *lw_cfgref_get(struct lw_cfgref *r);
/* Gives one back (r may be NULL); the last frees the config and r. */
void lw_cfgref_put(struct lw_cfgref *r);

#endif
