/* facts_int.h - core's typed-fact readers, shared by facts.c (the Delta,
 * Power BI, Parquet and Avro facts) and facts_runs.c (pipeline runs,
 * metrics and stream jobs) only.
 */
#ifndef LAKEWATCH_FACTS_INT_H
#define LAKEWATCH_FACTS_INT_H

#include <cJSON.h>
#include "lakewatch/model.h"

/* Fill o->runs, o->metrics and o->stream from o->detail (runs, metrics,
 * stream); the facts must be clear before. */
void lw_facts_runs_from(struct lw_obs *o);
/* Free their strings and arrays and clear them. */
void lw_facts_runs_free(struct lw_obs *o);

#endif
