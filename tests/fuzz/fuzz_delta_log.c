/* fuzz_delta_log.c - the Delta log reader: JSON commit replay (as a commit
 * and as a V2 JSON checkpoint), _last_checkpoint, schemaString, protocol,
 * log file names, and the observation made from the snapshot. Input: the
 * bytes of one commit file. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/delta.h"
#include "lakewatch/util.h"

static int sidecar(void *ud, const char *path, struct lw_err *err)
{
	(void)ud;
	(void)err;
	return strlen(path) > 200 ? LW_EPARSE : LW_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	struct lw_err err;
	for (int cp = 0; cp < 2; cp++) {
		struct lw_delta_snapshot s;
		lw_delta_snapshot_init(&s);
		lw_delta_apply_json(&s, t, size, 1, cp, sidecar, NULL, &err);
		size_t it = 0;
		uint64_t rows = 0;
		const struct lw_delta_file *f;
		while ((f = lw_delta_next(&s, &it)))
			rows += (uint64_t)f->num_records - (uint64_t)f->dv_cardinality;
		if (s.protocol)
			lw_delta_check_protocol(s.protocol, &err);
		const cJSON *ss = cJSON_GetObjectItem(s.metadata,
						      "schemaString");
		if (cJSON_IsString(ss)) {
			struct lw_schema sch;
			lw_schema_init(&sch);
			lw_delta_schema(ss->valuestring, &sch, &err);
			lw_schema_free(&sch);
		}
		/* the observation: sums over files, partition keys, the
		 * commit's metrics (all numbers are the log's word) */
		struct lw_obs o;
		lw_obs_init(&o);
		lw_delta_fill_obs(&s, "t", &o, &err);
		lw_obs_free(&o);
		lw_delta_snapshot_free(&s);
		(void)rows;
	}
	struct lw_delta_last_cp c;
	if (lw_delta_last_cp_parse(t, size, &c, &err) == LW_OK)
		lw_delta_last_cp_free(&c);
	char *name = lw_xstrndup(t, size < 80 ? size : 80);
	struct lw_delta_log_name ln;
	lw_delta_log_name(name, &ln);
	char *k = lw_delta_file_key(name, name, NULL, 3);
	free(k);
	free(name);
	return 0;
}
