/* registry.c - the built-in lake kinds and formats.
 *
 * Plug-ins are looked up by the name a config uses. Each list is the one
 * place a new kind or format is added. It names plug-ins of two stages
 * (lakes/, formats/), so it lives in the composition layer; and since it
 * references each one, static linking pulls them all in.
 */
#include <assert.h>
#include <string.h>
#include "lakewatch/lake.h"
#include "lakewatch/format.h"
#include "lakewatch/registry.h"

static const struct lw_lake_kind *const kinds[] = {
	&lw_lake_fs, &lw_lake_azure, &lw_lake_powerbi,
	&lw_lake_datafactory, &lw_lake_synapse, &lw_lake_databricks,
	&lw_lake_streamanalytics,
};

static const struct lw_format *const formats[] = {
	&lw_format_csv, &lw_format_jsonl, &lw_format_parquet,
	&lw_format_avro, &lw_format_delta, &lw_format_powerbi,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct lw_lake_kind *lw_lake_kind_find(const char *name)
{
	assert(name != NULL);
	for (size_t i = 0; i < N(kinds); i++)
		if (kinds[i] && strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

const char *lw_lake_kind_names(void)
{
	static char names[128];
	if (!names[0])
		for (size_t i = 0; i < N(kinds); i++)
			if (kinds[i]) {
				if (names[0])
					strcat(names, ", ");
				strcat(names, kinds[i]->name);
				assert(strlen(names) < sizeof names);
			}
	return names;
}

const struct lw_format *lw_format_find(const char *name)
{
	assert(name != NULL);
	for (size_t i = 0; i < N(formats); i++)
		if (formats[i] && strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

const char *lw_format_names(void)
{
	static char names[128];
	if (!names[0])
		for (size_t i = 0; i < N(formats); i++)
			if (formats[i]) {
				if (names[0])
					strcat(names, ", ");
				strcat(names, formats[i]->name);
				assert(strlen(names) < sizeof names);
			}
	return names;
}
