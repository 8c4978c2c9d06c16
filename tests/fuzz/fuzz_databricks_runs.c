/* fuzz_databricks_runs.c - the Databricks Jobs API 2.1 runs/list parser
 * on arbitrary bytes, paged twice into one list as the lake reads it, the
 * runs recorded and read back as history does; and the same bytes as a
 * jobs/get answer (the job's name, asked when no run names it). */
#include <stdint.h>
#include <stdlib.h>
#include "lakewatch/pipelines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_cp_page p = {0};
	struct lw_err err;
	const char *json = (const char *)data;
	if (lw_cp_parse_databricks_runs(json, size, 40, &p, &err) == LW_OK &&
	    lw_cp_parse_databricks_runs(json, size, 40, &p, &err) == LW_OK) {
		if (p.n > 40)
			abort();
		struct lw_obs o, back;
		lw_obs_init(&o);
		lw_obs_init(&back);
		lw_cp_record_runs(&o, "databricks", "dbx", "1", p.runs, p.n,
				  p.next != NULL);
		cJSON *j = lw_obs_to_json(&o);
		if (lw_obs_from_json(j, &back) == LW_OK && back.runs.n != p.n)
			abort();
		for (size_t i = 0; i < back.runs.n; i++)
			if (back.runs.runs[i].state != p.runs[i].state)
				abort();
		cJSON_Delete(j);
		lw_obs_free(&o);
		lw_obs_free(&back);
	}
	lw_cp_page_free(&p);
	char *name = NULL;
	if (lw_cp_parse_databricks_job(json, size, &name, &err) != LW_OK &&
	    name)
		abort();	/* a refused answer names no job */
	free(name);
	return 0;
}
