/* cfgref.c - reference-counted configs shared by the poll thread and the
 * dashboard (see cfgref.h). */
#include <assert.h>
#include <stdlib.h>
#include "lakewatch/cfgref.h"
#include "lakewatch/util.h"

/* The caller owns the returned reference (count 1), which owns cfg. */
struct lw_cfgref *lw_cfgref_new(struct lw_config *cfg)
{
	struct lw_cfgref *r = lw_xcalloc(1, sizeof *r);

	r->cfg = cfg;
	atomic_init(&r->refs, 1);
	return r;
}

struct lw_cfgref *lw_cfgref_get(struct lw_cfgref *r)
{
	if (!r)
		return NULL;
	assert(atomic_load(&r->refs) > 0);
	atomic_fetch_add(&r->refs, 1);
	return r;
}

void lw_cfgref_put(struct lw_cfgref *r)
{
	int was;

	if (!r)
		return;
	was = atomic_fetch_sub(&r->refs, 1);
	assert(was > 0);
	if (was == 1) {
		lw_config_free(r->cfg);
		free(r);
	}
}
