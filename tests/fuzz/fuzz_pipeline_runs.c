/* fuzz_pipeline_runs.c - the Data Factory / Synapse answer parsers
 * (queryPipelineRuns, queryActivityruns), the streaming job and the
 * control-plane error bodies on arbitrary bytes. The first byte picks the
 * parser; runs that parse are recorded and read back as history does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/pipelines.h"

static void round_trip(const struct lw_cp_page *p)
{
	struct lw_obs o, back;
	lw_obs_init(&o);
	lw_obs_init(&back);
	lw_cp_record_runs(&o, "datafactory", "adf", "pl", p->runs, p->n, false);
	if (o.runs.n != p->n)
		abort();
	cJSON *j = lw_obs_to_json(&o);
	if (lw_obs_from_json(j, &back) == LW_OK && back.runs.n != p->n)
		abort();
	cJSON_Delete(j);
	lw_obs_free(&o);
	lw_obs_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *json = (const char *)data + 1;
	size_t len = size - 1;
	struct lw_err err;
	switch (data[0] % 4) {
	case 0: {
		struct lw_cp_page p = {0};
		/* two pages into one, as the lake reads them */
		if (lw_cp_parse_pipeline_runs(json, len, 50, &p, &err) == LW_OK &&
		    lw_cp_parse_pipeline_runs(json, len, 50, &p, &err) == LW_OK) {
			if (p.n > 50)
				abort();
			round_trip(&p);
		}
		lw_cp_page_free(&p);
		break;
	}
	case 1: {
		char *a, *c, *m;
		if (lw_cp_parse_activity_error(json, len, &a, &c, &m, &err) ==
		    LW_OK) {
			free(a);
			free(c);
			free(m);
		}
		break;
	}
	case 2: {
		char *s;
		int64_t t;
		if (lw_cp_parse_stream_job(json, len, &s, &t, &err) == LW_OK) {
			if (!s)
				abort();
			free(s);
		}
		break;
	}
	default: {
		char *c, *m;
		lw_cp_parse_error(json, len, &c, &m);
		free(c);
		free(m);
	}
	}
	return 0;
}
