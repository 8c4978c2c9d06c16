/* powerbi_int.h - the "powerbi" lake kind's internals, shared by its files
 * only: powerbi.c (config, open, close, the ops table, the "powerbi"
 * format's options), powerbi_rest.c (tokens, the rate limit, REST calls,
 * errors, dataset names), powerbi_observe.c (refreshes, schedule, one
 * dataset's observation) and powerbi_dax.c (Execute Queries: row count,
 * newest timestamp, columns). The public pieces (parsers, recorders) are
 * in powerbi.h.
 */
#ifndef LAKEWATCH_POWERBI_INT_H
#define LAKEWATCH_POWERBI_INT_H

#include <stdint.h>
#include <stddef.h>
#include "lakewatch/powerbi.h"
#include "lakewatch/config.h"
#include "lakewatch/entra.h"
#include "lakewatch/http.h"
#include "lakewatch/lake.h"

#define DEFAULT_BASE "https://api.powerbi.com/v1.0/myorg"
#define SCOPE "https://analysis.windows.net/powerbi/api/.default"
#define MAX_BODY (16 * LW_BUF_1M)
#define LIST_TTL_MS 60000

struct lw_lake {
	struct lw_lake_base base;
	char *base_url, *workspace;	/* owned */
	struct lw_http *http;
	struct lw_entra *entra;		/* client credentials or MI */
	char *token;			/* owned: a given bearer token */
	char *token_file;		/* owned: re-read on 401 */
	int64_t timeout_ms, poll_timeout_ms;
	int64_t poll_deadline;		/* lw_http_now_ms() the poll ends; 0 =
					 * none begun (the first request
					 * begins one) */
	int per_minute;			/* query rate limit */
	int64_t *query_ms;		/* ring of recent query times */
	size_t qhead;
	struct lw_pbi_dataset *list;	/* cached Get Datasets In Group */
	size_t nlist;
	int64_t list_ms;
	int64_t queries;
};

/* powerbi_rest.c */
/* GET or POST base_url + path; the 2xx body into *body (caller frees). A
 * refused token is fetched afresh once; errors say what to do. */
int lw_pbi_call(struct lw_lake *l, const char *method, const char *path,
		const char *json, char **body, size_t *len, long *status,
		struct lw_err *err);
/* Wait until one more query stays under queries_per_minute. */
void lw_pbi_rate_limit(struct lw_lake *l);
/* The dataset id for a configured id or name. Caller frees *id. */
int lw_pbi_resolve(struct lw_lake *l, const char *want, char **id,
		   struct lw_err *err);

/* powerbi_dax.c: row count, newest timestamp and (po->schema) columns of
 * po->table, into obs. */
int lw_pbi_observe_table(struct lw_lake *l, const char *id,
			 const struct lw_pbi_opts *po, struct lw_obs *obs,
			 struct lw_err *err);

/* powerbi_observe.c: the lake kind's observe. */
int lw_pbi_observe(struct lw_lake *l, const struct lw_dataset *ds,
		   struct lw_obs *obs);

#endif
