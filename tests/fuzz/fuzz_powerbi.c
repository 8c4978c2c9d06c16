/* fuzz_powerbi.c - every Power BI answer parser on arbitrary bytes. The
 * first byte picks the parser (modulo 5), so one corpus covers all five. */
#include <stdint.h>
#include <stdlib.h>
#include "lakewatch/powerbi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *json = (const char *)data + 1;
	size_t len = size - 1;
	struct lw_err err;
	switch (data[0] % 5) {
	case 0: {
		struct lw_pbi_dataset *d;
		size_t n;
		if (lw_pbi_parse_datasets(json, len, &d, &n, &err) == LW_OK)
			lw_pbi_datasets_free(d, n);
		break;
	}
	case 1: {
		struct lw_pbi_refresh *r;
		size_t n;
		if (lw_pbi_parse_refreshes(json, len, &r, &n, &err) == LW_OK)
			lw_pbi_refreshes_free(r, n);
		break;
	}
	case 2: {
		struct lw_pbi_schedule s;
		lw_pbi_parse_schedule(json, len, &s, &err);
		break;
	}
	case 4: {
		struct lw_powerbi_facts f = {0};
		if (lw_pbi_parse_datasources(json, len, &f.sources, &f.nsources,
					     &err) == LW_OK &&
		    f.nsources > LW_PBI_SOURCES_MAX)
			abort();
		lw_powerbi_sources_free(&f);
		break;
	}
	default: {
		cJSON *rows = NULL;
		int rc = lw_pbi_parse_query(json, len, &rows, &err);
		if (rc == LW_OK && !cJSON_IsArray(rows))
			abort();
		cJSON_Delete(rows);
	}
	}
	return 0;
}
