/* powerbi.h - the Power BI REST API: lake kind "powerbi" and the parsers of
 * its answers (pure functions, so they can be fuzzed and unit-tested).
 *
 * A Power BI dataset in the config names a semantic model (by id or name)
 * in a workspace; `format_options.table` picks one of its tables for row
 * counts, the newest timestamp and the schema (through Execute Queries).
 */
#ifndef LAKEWATCH_POWERBI_H
#define LAKEWATCH_POWERBI_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cJSON.h>
#include "lakewatch/err.h"
#include "lakewatch/model.h"

/* The options of a Power BI dataset: what format "powerbi"
 * (formats/powerbi.c) makes of its "format_options". */
struct lw_pbi_opts {
	char *table;		/* owned, may be NULL: refreshes only */
	char *timestamp_column;	/* owned, may be NULL */
	int refresh_top;	/* refreshes asked for; default 20 */
	bool schema;		/* ask for the table's columns; default true */
};

struct lw_pbi_dataset {
	char *id, *name;	/* owned */
	bool refreshable;
};

/* Get Datasets In Group: {"value": [{"id", "name", "isRefreshable"}]}.
 * *out is the caller's (lw_pbi_datasets_free). */
int lw_pbi_parse_datasets(const char *json, size_t len,
			  struct lw_pbi_dataset **out, size_t *n,
			  struct lw_err *err);
void lw_pbi_datasets_free(struct lw_pbi_dataset *d, size_t n);

/* Get Datasources In Group: {"value": [{"datasourceType",
 * "connectionDetails": {"server", "database", "url", "path", ...},
 * "datasourceId", "gatewayId"}]}; entries without connectionDetails are
 * skipped, at most LW_PBI_SOURCES_MAX kept; an error inside the 200 answer
 * is LW_EPARSE naming it. *out is the caller's (free each field, then the
 * array; or hand it to lw_pbi_record_datasources). */
int lw_pbi_parse_datasources(const char *json, size_t len,
			     struct lw_powerbi_source **out, size_t *n,
			     struct lw_err *err);

struct lw_pbi_refresh {
	char *request_id;	/* owned: requestId (or id) */
	char *status;		/* owned: Completed, Failed, Unknown, Disabled,
				 * Cancelled */
	char *type;		/* owned, may be NULL: refreshType */
	char *error_code;	/* owned, may be NULL: from serviceExceptionJson */
	int64_t start, end;	/* epoch seconds, -1 when absent */
};

/* Get Refresh History In Group, newest first as the service sends it.
 * *out is the caller's (lw_pbi_refreshes_free). */
int lw_pbi_parse_refreshes(const char *json, size_t len,
			   struct lw_pbi_refresh **out, size_t *n,
			   struct lw_err *err);
void lw_pbi_refreshes_free(struct lw_pbi_refresh *r, size_t n);

struct lw_pbi_schedule {
	bool enabled;
	int ndays, ntimes;
	int64_t interval;	/* seconds between refreshes, 0 unknown */
};

/* Get Refresh Schedule In Group. */
int lw_pbi_parse_schedule(const char *json, size_t len,
			  struct lw_pbi_schedule *out, struct lw_err *err);

/* Record what was observed on obs (lakes/powerbi_observe.c), pure so tests
 * can hold the detail JSON and the typed facts together. Refreshes rs[0..n)
 * (newest first): detail "refreshes" (all) and pbi "refresh" (the newest,
 * with last_success), obs->powerbi.refresh, newest_mtime. The schedule:
 * pbi "schedule" and obs->powerbi's schedule facts. pbi is
 * obs->detail["powerbi"], borrowed. */
void lw_pbi_record_refreshes(struct lw_obs *obs, cJSON *pbi,
			     const struct lw_pbi_refresh *rs, size_t n);
void lw_pbi_record_schedule(struct lw_obs *obs, cJSON *pbi,
			    const struct lw_pbi_schedule *s);
/* The datasources: pbi "datasources" and obs->powerbi's sources, which
 * take over src (n entries, from lw_pbi_parse_datasources). With src NULL,
 * why (redacted here) is what the service said instead: pbi
 * "datasources_error" and obs->powerbi.sources_error. */
void lw_pbi_record_datasources(struct lw_obs *obs, cJSON *pbi,
			       struct lw_powerbi_source *src, size_t n,
			       const char *why);

/* Execute Queries: the rows of the first table of the first result.
 * An error inside the 200 answer (results[].error, tables[].error, or a
 * top-level error) is LW_EPARSE with its message. *rows is the caller's
 * (cJSON_Delete): an array of objects keyed like "[n]". */
int lw_pbi_parse_query(const char *json, size_t len, cJSON **rows,
		       struct lw_err *err);

/* Map an INFO.VIEW.COLUMNS [DataType] ("Int64", "String", "Decimal",
 * "DateTime", ...) onto a canonical column. */
void lw_pbi_map_type(const char *datatype, struct lw_column *c);

/* A DAX string literal / table name, quoted for a query. Caller frees. */
char *lw_pbi_dax_table(const char *table);
char *lw_pbi_dax_string(const char *s);

#endif
