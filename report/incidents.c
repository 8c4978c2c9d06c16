/* incidents.c - how long a problem has lasted, for every report format:
 * the incident id and its age ("failing for 3d (incident #12)"), who
 * acknowledged it, and whether it is muted. */
#include <stdio.h>
#include <stdlib.h>
#include "lakewatch/incident.h"
#include "lakewatch/run.h"
#include "lakewatch/util.h"
#include "report_int.h"

/* See report_int.h. */
const struct lw_incident *lw_rep_incident(const struct lw_ds_run *d,
					  size_t i)
{
	return lw_ds_run_incident(d, i);
}

/* See report_int.h. */
int64_t lw_rep_incident_age(const struct lw_incident *inc)
{
	return inc->last_seen > inc->opened ? inc->last_seen - inc->opened : 0;
}

/* See report_int.h. */
bool lw_rep_muted(const struct lw_ds_run *d, size_t i)
{
	const struct lw_incident *inc = lw_rep_incident(d, i);
	return inc && inc->muted_until > inc->last_seen;
}

/* See report_int.h. Caller frees; NULL when there is nothing to say (no
 * incident, or one that opened this very poll and nobody touched). */
char *lw_rep_incident_note(const struct lw_ds_run *d, size_t i)
{
	const struct lw_incident *inc = lw_rep_incident(d, i);
	char age[32];
	if (!inc || (inc->polls <= 1 && !inc->acked_by))
		return NULL;
	lw_duration_fmt(lw_rep_incident_age(inc), age, sizeof age);
	char *who = inc->acked_by ? lw_xasprintf("; acknowledged by %s",
						 inc->acked_by) : NULL;
	char *s = lw_xasprintf("%s for %s (incident #%lld%s)",
			       inc->current == LW_WARN ? "warning" :
			       inc->current == LW_ERROR ? "erroring" :
			       "failing", age, (long long)inc->id,
			       who ? who : "");
	free(who);
	return s;
}

/* See report_int.h. */
cJSON *lw_rep_incident_json(const struct lw_incident *inc)
{
	char t[32];
	if (!inc)
		return cJSON_CreateNull();
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)inc->id);
	cJSON_AddStringToObject(j, "opened", lw_time_fmt(inc->opened, t,
							   sizeof t));
	cJSON_AddNumberToObject(j, "age_seconds",
				(double)lw_rep_incident_age(inc));
	cJSON_AddNumberToObject(j, "polls", (double)inc->polls);
	cJSON_AddStringToObject(j, "worst", lw_status_name(inc->worst));
	if (inc->acked_by) {
		char *who = lw_rep_clean(inc->acked_by, 0);
		cJSON_AddStringToObject(j, "acknowledged_by", who);
		free(who);
		cJSON_AddStringToObject(j, "acknowledged_at",
					lw_time_fmt(inc->acked_at, t, sizeof t));
	} else {
		cJSON_AddNullToObject(j, "acknowledged_by");
		cJSON_AddNullToObject(j, "acknowledged_at");
	}
	if (inc->muted_until > inc->last_seen)
		cJSON_AddStringToObject(j, "muted_until",
					lw_time_fmt(inc->muted_until, t,
						    sizeof t));
	else
		cJSON_AddNullToObject(j, "muted_until");
	return j;
}
