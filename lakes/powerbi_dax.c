/* powerbi_dax.c - Execute Queries (DAX) against a Power BI dataset: the
 * row count and newest timestamp of one table, and its columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "powerbi_int.h"
#include "lakewatch/util.h"

/* One DAX query (one per call, as the API allows); rows are the caller's. */
static int dax(struct lw_lake *l, const char *id, const char *query,
	       cJSON **rows, struct lw_err *err)
{
	cJSON *req = cJSON_CreateObject();
	cJSON *qs = cJSON_AddArrayToObject(req, "queries");
	cJSON *q = cJSON_CreateObject();
	cJSON_AddStringToObject(q, "query", query);
	cJSON_AddItemToArray(qs, q);
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(req, "serializerSettings"),
			      "includeNulls", true);
	char *json = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	char *path = lw_xasprintf("/groups/%s/datasets/%s/executeQueries",
				  l->workspace, id);
	char *body = NULL;
	size_t len = 0;
	long st;
	lw_pbi_rate_limit(l);
	int rc = lw_pbi_call(l, "POST", path, json, &body, &len, &st, err);
	free(json);
	free(path);
	if (rc == LW_OK)
		rc = lw_pbi_parse_query(body, len, rows, err);
	free(body);
	return rc;
}

/* A whole number in int64 range (converting others is undefined). */
static bool whole(double d)
{
	return d >= -9.2e18 && d <= 9.2e18 && d == (double)(int64_t)d;
}

static const cJSON *first_value(const cJSON *rows)
{
	const cJSON *row = cJSON_GetArrayItem(rows, 0);
	return row ? row->child : NULL;
}

/* Columns from INFO.VIEW.COLUMNS(), which has data types. Where the
 * service refuses INFO functions, COLUMNSTATISTICS() still names the
 * columns; their types then come from the JSON type of [Max]. */
static int observe_columns(struct lw_lake *l, const char *id,
			   const char *table, struct lw_obs *obs,
			   struct lw_err *err)
{
	char *name = lw_pbi_dax_string(table);
	char *q = lw_xasprintf("EVALUATE FILTER(INFO.VIEW.COLUMNS(), "
			       "[Table] = %s)", name);
	cJSON *rows = NULL;
	int rc = dax(l, id, q, &rows, err);
	free(q);
	bool typed = rc == LW_OK;
	if (rc == LW_EPARSE) {
		cJSON_AddStringToObject(cJSON_GetObjectItem(obs->detail,
			"powerbi"), "columns_from", "COLUMNSTATISTICS");
		q = lw_xasprintf("EVALUATE FILTER(COLUMNSTATISTICS(), "
				 "[Table Name] = %s)", name);
		rc = dax(l, id, q, &rows, err);
		free(q);
	}
	free(name);
	const cJSON *row;
	cJSON_ArrayForEach(row, rows) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(row,
			typed ? "[Name]" : "[Column Name]");
		if (!cJSON_IsString(n) || lw_str_starts(n->valuestring,
							"RowNumber-"))
			continue;
		const cJSON *dt = cJSON_GetObjectItemCaseSensitive(row,
								   "[DataType]");
		const cJSON *mx = cJSON_GetObjectItemCaseSensitive(row, "[Max]");
		int64_t t;
		const char *type = typed ? (cJSON_IsString(dt) ? dt->valuestring :
								  NULL) :
			cJSON_IsNumber(mx) ? (whole(mx->valuedouble) ? "Int64" :
								      "Double") :
			cJSON_IsBool(mx) ? "Boolean" :
			cJSON_IsString(mx) && lw_time_parse(mx->valuestring, &t) ==
				LW_OK ? "DateTime" :
			cJSON_IsString(mx) ? "String" : NULL;
		struct lw_column *c = lw_schema_add(&obs->schema, n->valuestring,
						    LW_T_UNKNOWN, type);
		lw_pbi_map_type(type, c);
	}
	obs->has_schema = rc == LW_OK;
	cJSON_Delete(rows);
	return rc;
}

int lw_pbi_observe_table(struct lw_lake *l, const char *id,
			 const struct lw_pbi_opts *po, struct lw_obs *obs,
			 struct lw_err *err)
{
	char *t = lw_pbi_dax_table(po->table), *q;
	cJSON *rows = NULL;
	q = lw_xasprintf("EVALUATE ROW(\"n\", COUNTROWS(%s))", t);
	int rc = dax(l, id, q, &rows, err);
	free(q);
	const cJSON *v = first_value(rows);
	if (rc == LW_OK && cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble <= 9.2e18)
		obs->rows = (int64_t)v->valuedouble;
	else if (rc == LW_OK && cJSON_IsNumber(v))
		rc = lw_err_set(err, LW_EPARSE, "COUNTROWS of '%s' gave %g, "
				"not a row count", po->table, v->valuedouble);
	else if (rc == LW_OK)
		obs->rows = 0;	/* COUNTROWS of an empty table is blank */
	cJSON_Delete(rows);
	rows = NULL;
	if (rc == LW_OK && po->timestamp_column) {
		char *col = lw_pbi_dax_table(po->timestamp_column);
		col[0] = '[';
		col[strlen(col) - 1] = ']';
		q = lw_xasprintf("EVALUATE ROW(\"t\", MAX(%s%s))", t, col);
		rc = dax(l, id, q, &rows, err);
		free(q);
		free(col);
		v = first_value(rows);
		int64_t ts;
		if (rc == LW_OK && cJSON_IsString(v) &&
		    lw_time_parse(v->valuestring, &ts) == LW_OK) {
			cJSON_AddNumberToObject(cJSON_GetObjectItem(obs->detail,
				"powerbi"), "newest_data", (double)ts);
			if (ts > obs->newest_mtime)
				obs->newest_mtime = ts;
		}
		cJSON_Delete(rows);
		rows = NULL;
	}
	if (rc == LW_OK && po->schema)
		rc = observe_columns(l, id, po->table, obs, err);
	free(t);
	return rc;
}
