/* channels.c - the channel kinds by name. One line per kind: a new kind
 * is its file and its line here. */
#include <string.h>
#include "lakewatch/notify.h"

extern const struct lw_channel_kind lw_ch_webhook;

static const struct lw_channel_kind *const kinds[] = {
	&lw_ch_webhook,
	NULL
};

/* Static. */
const struct lw_channel_kind *const *lw_channel_kinds(void)
{
	return kinds;
}

/* Static, or NULL. */
const struct lw_channel_kind *lw_channel_kind_find(const char *name)
{
	for (size_t i = 0; kinds[i]; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}
