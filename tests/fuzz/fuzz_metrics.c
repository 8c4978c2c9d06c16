/* fuzz_metrics.c - the Azure Monitor metrics parser on arbitrary bytes:
 * points sorted, bounded, and the same after the history round trip. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "lakewatch/pipelines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_obs o, back;
	struct lw_err err;
	lw_obs_init(&o);
	lw_obs_init(&back);
	struct lw_metrics_facts m = {.from = 0, .to = 3600};
	if (lw_cp_parse_metrics((const char *)data, size, &o.metrics, &err) ==
	    LW_OK) {
		m = o.metrics;
		for (size_t i = 0; i < m.n; i++)
			for (size_t k = 1; k < m.m[i].n; k++)
				if (m.m[i].pts[k - 1].t > m.m[i].pts[k].t)
					abort();
		struct lw_obs rec;
		lw_obs_init(&rec);
		lw_cp_record_metrics(&rec, &m);
		cJSON *j = lw_obs_to_json(&rec);
		if (lw_obs_from_json(j, &back) == LW_OK) {
			if (back.metrics.n != m.n)
				abort();
			for (size_t i = 0; i < m.n; i++)
				if (back.metrics.m[i].n != m.m[i].n)
					abort();
		}
		cJSON_Delete(j);
		lw_obs_free(&rec);
	}
	lw_obs_free(&o);
	lw_obs_free(&back);
	return 0;
}
