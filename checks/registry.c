/* registry.c - the check kinds lakewatch knows, by config key.
 *
 * A new kind is one file in checks/ defining a struct lw_check_kind and one
 * line in the table below. */
#include <pthread.h>
#include <string.h>
#include "lakewatch/check.h"
#include "lakewatch/buf.h"

extern const struct lw_check_kind lw_check_freshness;
extern const struct lw_check_kind lw_check_row_count;
extern const struct lw_check_kind lw_check_change;
extern const struct lw_check_kind lw_check_schema;
extern const struct lw_check_kind lw_check_files;
extern const struct lw_check_kind lw_check_partitions;
extern const struct lw_check_kind lw_check_refresh;
extern const struct lw_check_kind lw_check_reconcile;
extern const struct lw_check_kind lw_check_last_load;
extern const struct lw_check_kind lw_check_operations;
extern const struct lw_check_kind lw_check_live_files;
extern const struct lw_check_kind lw_check_checkpoint_age;
extern const struct lw_check_kind lw_check_anomaly;
extern const struct lw_check_kind lw_check_runs;
extern const struct lw_check_kind lw_check_job_state;
extern const struct lw_check_kind lw_check_metric;

/* In the order the documentation lists them (and lw_check_kind_names). */
static const struct lw_check_kind *const kinds[] = {
	&lw_check_freshness, &lw_check_row_count, &lw_check_change,
	&lw_check_schema, &lw_check_files, &lw_check_partitions,
	&lw_check_refresh, &lw_check_reconcile, &lw_check_last_load,
	&lw_check_operations, &lw_check_live_files, &lw_check_checkpoint_age,
	&lw_check_anomaly,
	&lw_check_runs, &lw_check_job_state, &lw_check_metric,
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* Borrowed: the kinds are static. NULL for an unknown name. */
const struct lw_check_kind *lw_check_kind_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

static char names[512];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void build_names(void)
{
	size_t o = 0;
	for (size_t i = 0; i < NKINDS; i++) {
		size_t l = strlen(kinds[i]->name);
		if (o + l + 3 >= sizeof names)
			break;
		if (i) {
			memcpy(names + o, ", ", 2);
			o += 2;
		}
		memcpy(names + o, kinds[i]->name, l);
		o += l;
	}
	names[o] = '\0';
}

/* Static string, "freshness, row_count, ...": for "known: ..." messages. */
const char *lw_check_kind_names(void)
{
	pthread_once(&names_once, build_names);
	return names;
}
