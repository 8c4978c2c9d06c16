/* channels.c - the channel kinds by the name a config's "type" uses.
 *
 * The one place a kind is added: one extern and one table line each (the
 * kinds live in their own ch_<name>.c files).
 */
#include <assert.h>
#include <string.h>
#include "lakewatch/notify.h"

extern const struct lw_channel_kind lw_ch_alertmanager;
extern const struct lw_channel_kind lw_ch_pagerduty;
extern const struct lw_channel_kind lw_ch_slack;
extern const struct lw_channel_kind lw_ch_teams;
extern const struct lw_channel_kind lw_ch_webhook;

static const struct lw_channel_kind *const kinds[] = {
	&lw_ch_alertmanager,
	&lw_ch_pagerduty,
	&lw_ch_slack,
	&lw_ch_teams,
	&lw_ch_webhook,
	NULL,
};

/* Borrowed (static); NULL when unknown. */
const struct lw_channel_kind *lw_channel_kind_find(const char *name)
{
	assert(name != NULL);
	for (size_t i = 0; kinds[i]; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

/* Static, NULL-terminated. */
const struct lw_channel_kind *const *lw_channel_kinds(void)
{
	return kinds;
}
