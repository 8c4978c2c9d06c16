/* fileobs.c - what a file format saw in one file. */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/format.h"

void lw_file_obs_init(struct lw_file_obs *fo)
{
	memset(fo, 0, sizeof *fo);
	fo->rows = -1;
	lw_schema_init(&fo->schema);
}

void lw_file_obs_free(struct lw_file_obs *fo)
{
	lw_schema_free(&fo->schema);
	cJSON_Delete(fo->detail);
	free(fo->parquet.created_by);
	free(fo->avro.codec);
	free(fo->warning);
	lw_file_obs_init(fo);
}
