/* delta_schema.c - metaData.schemaString into canonical columns.
 *
 * The schema string is Spark's StructType JSON. It already holds the
 * partition columns. Under column mapping each field keeps its logical
 * name in "name" and its file-level name in the metadata key
 * "delta.columnMapping.physicalName"; people (and configs) use the
 * logical names, so those are what lakewatch reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/delta.h"
#include "lakewatch/util.h"

#define PHYS_KEY "delta.columnMapping.physicalName"
#define MAX_DEPTH 32

/* Spelling of a type for "physical" (the Delta name, nested types by
 * their outline). Writes into buf. */
static void type_name(const cJSON *t, char *buf, size_t n, int depth)
{
	if (cJSON_IsString(t)) {
		snprintf(buf, n, "%s", t->valuestring);
		return;
	}
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(t, "type");
	if (!cJSON_IsString(k) || depth > MAX_DEPTH) {
		snprintf(buf, n, "?");
		return;
	}
	char a[128], b[128];
	if (strcmp(k->valuestring, "array") == 0) {
		type_name(cJSON_GetObjectItemCaseSensitive(t, "elementType"),
			  a, sizeof a, depth + 1);
		snprintf(buf, n, "array<%.200s>", a);
	} else if (strcmp(k->valuestring, "map") == 0) {
		type_name(cJSON_GetObjectItemCaseSensitive(t, "keyType"),
			  a, sizeof a, depth + 1);
		type_name(cJSON_GetObjectItemCaseSensitive(t, "valueType"),
			  b, sizeof b, depth + 1);
		snprintf(buf, n, "map<%.100s,%.100s>", a, b);
	} else {
		snprintf(buf, n, "%s", k->valuestring);
	}
}

static enum lw_type canon(const cJSON *t, int *prec, int *scale)
{
	*prec = *scale = 0;
	if (cJSON_IsObject(t)) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(t, "type");
		if (!cJSON_IsString(k))
			return LW_T_UNKNOWN;
		if (strcmp(k->valuestring, "struct") == 0)
			return LW_T_STRUCT;
		if (strcmp(k->valuestring, "array") == 0)
			return LW_T_LIST;
		if (strcmp(k->valuestring, "map") == 0)
			return LW_T_MAP;
		return LW_T_UNKNOWN;
	}
	if (!cJSON_IsString(t))
		return LW_T_UNKNOWN;
	const char *s = t->valuestring;
	static const struct { const char *n; enum lw_type t; } m[] = {
		{"string", LW_T_STRING}, {"long", LW_T_INT64},
		{"integer", LW_T_INT32}, {"short", LW_T_INT32},
		{"byte", LW_T_INT32}, {"float", LW_T_FLOAT},
		{"double", LW_T_DOUBLE}, {"boolean", LW_T_BOOLEAN},
		{"binary", LW_T_BINARY}, {"date", LW_T_DATE},
		{"timestamp", LW_T_TIMESTAMP},
		{"timestamp_ntz", LW_T_TIMESTAMP}, {"void", LW_T_NULL},
		{"variant", LW_T_VARIANT},
	};
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (strcmp(s, m[i].n) == 0)
			return m[i].t;
	if (strcmp(s, "decimal") == 0) {
		*prec = 10;	/* Spark's default */
		return LW_T_DECIMAL;
	}
	int p, sc, used = 0;
	if (sscanf(s, "decimal(%d,%d)%n", &p, &sc, &used) == 2 &&
	    (size_t)used == strlen(s) && p > 0 && p <= 38 && sc >= 0 &&
	    sc <= p) {
		*prec = p;
		*scale = sc;
		return LW_T_DECIMAL;
	}
	/* collated strings and later types: reported, not
	 * refused - the schema rule compares what it can */
	if (lw_str_starts(s, "string"))
		return LW_T_STRING;
	return LW_T_UNKNOWN;
}

int lw_delta_schema(const char *schema_string, struct lw_schema *out,
		    struct lw_err *err)
{
	if (!schema_string)
		return lw_err_set(err, LW_EPARSE, "metaData has no schemaString");
	cJSON *j = cJSON_Parse(schema_string);
	if (!j)		/* truncated or not JSON at all */
		return lw_err_set(err, LW_EPARSE, "schemaString is not valid "
				  "JSON (%zu bytes, truncated or corrupt)",
				  strlen(schema_string));
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(j, "fields");
	if (!cJSON_IsObject(j) || !cJSON_IsArray(fields)) {
		cJSON_Delete(j);
		return lw_err_set(err, LW_EPARSE, "schemaString is valid JSON "
				  "but not a struct type (no \"fields\" "
				  "array)");
	}
	const cJSON *f;
	int rc = LW_OK;
	cJSON_ArrayForEach(f, fields) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(f, "type");
		const cJSON *nul = cJSON_GetObjectItemCaseSensitive(f,
								    "nullable");
		if (!cJSON_IsString(name) || !type) {
			rc = lw_err_set(err, LW_EPARSE, "schemaString: field "
					"without a name or type");
			break;
		}
		char phys[256];
		int p, s;
		enum lw_type t = canon(type, &p, &s);
		type_name(type, phys, sizeof phys, 0);
		struct lw_column *c = lw_schema_add(out, name->valuestring, t,
						    phys);
		c->precision = p;
		c->scale = s;
		c->nullable = !cJSON_IsFalse(nul);
	}
	cJSON_Delete(j);
	return rc;
}

/* Pointer into schema_json (the parsed schemaString). */
const char *lw_delta_logical_name(const cJSON *schema_json,
				  const char *physical)
{
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(schema_json,
							       "fields");
	const cJSON *f;
	cJSON_ArrayForEach(f, fields) {
		const cJSON *md = cJSON_GetObjectItemCaseSensitive(f,
								   "metadata");
		const cJSON *pn = cJSON_GetObjectItemCaseSensitive(md, PHYS_KEY);
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
		if (cJSON_IsString(pn) && cJSON_IsString(n) &&
		    strcmp(pn->valuestring, physical) == 0)
			return n->valuestring;
	}
	return NULL;
}
