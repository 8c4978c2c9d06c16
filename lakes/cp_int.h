/* cp_int.h - the control-plane lake kinds' internals, shared by their
 * files only: cp.c (config, open, close, the four ops tables), cp_auth.c
 * (the "auth" object and tokens), cp_rest.c (one call with its errors
 * explained), cp_observe.c (runs, stream jobs, metrics), cp_ns.c (where
 * Event Hubs namespaces are) and the pure
 * cp_parse.c, cp_metrics.c and cp_record.c (pipelines.h).
 */
#ifndef LAKEWATCH_CP_INT_H
#define LAKEWATCH_CP_INT_H

#include <stdint.h>
#include <stddef.h>
#include "lakewatch/pipelines.h"
#include "lakewatch/config.h"
#include "lakewatch/entra.h"
#include "lakewatch/http.h"
#include "lakewatch/lake.h"

#define CP_MANAGEMENT "https://management.azure.com"
#define CP_SCOPE_ARM "https://management.azure.com/.default"
#define CP_SCOPE_SYNAPSE "https://dev.azuresynapse.net/.default"
/* The Azure Databricks first-party application. */
#define CP_SCOPE_DATABRICKS "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default"
/* The metrics asked for by default: a streaming job's freshness and
 * health, an Event Hubs namespace's intake. */
#define CP_JOB_METRICS \
	"OutputWatermarkDelaySeconds,InputEventsSourcesBacklogged,Errors"
#define CP_HUB_METRICS "IncomingMessages,ThrottledRequests"
#define CP_MAX_BODY (16 * LW_BUF_1M)
#define CP_MAX_PAGES 20		/* pages of runs per dataset and poll */
#define CP_ACTIVITY_QUERIES 5	/* failed runs explained per poll */

enum cp_kind { CP_DATAFACTORY, CP_SYNAPSE, CP_DATABRICKS, CP_STREAM };

struct lw_lake {
	struct lw_lake_base base;
	enum cp_kind kind;
	const char *service;		/* static: "Data Factory", ... */
	char *base_url;			/* owned: no trailing '/' */
	char *prefix;			/* owned: the ARM path of the factory
					 * or the resource group ("" for
					 * Synapse and Databricks) */
	struct lw_http *http;
	struct lw_entra *entra;		/* client credentials or MI */
	char *token;			/* owned: a given token (Databricks
					 * PAT, or a bearer token) */
	char *token_file;		/* owned: re-read on 401 */
	int64_t timeout_ms, poll_timeout_ms, poll_deadline;
	int64_t lookback;		/* seconds of runs asked for */
	int64_t window;			/* seconds of metrics asked for */
	int64_t interval;		/* metric grain, seconds */
	int64_t max_runs;
	int64_t activity_left;		/* queryActivityruns left this poll */
	char *job_metrics;		/* owned: comma-joined metric names of
					 * a streaming job */
	char *hub_metrics;		/* owned: of an Event Hubs namespace */
	struct cp_ns {			/* "namespaces" entries (cp_ns.c) */
		char *name;		/* owned: what datasets call it */
		char *resource;		/* owned: its ARM path */
	} *ns;				/* owned, nns of them */
	size_t nns;
};

/* cp_auth.c: the lake's "auth" object (method client_secret,
 * managed_identity or token) for scope. */
int lw_cp_open_auth(struct lw_lake *l, const cJSON *auth, const char *what,
		    const char *scope, bool insecure, struct lw_cfgctx *cc);
/* A token for the next request; fresh = the last one was refused. Caller
 * frees *tok (lw_secret_free). */
int lw_cp_token(struct lw_lake *l, bool fresh, char **tok,
		struct lw_err *err);

/* cp_rest.c: GET or POST base_url + path (json: the POST body); the 2xx
 * body into *body (caller frees). A refused token is fetched afresh once;
 * errors name the service, the status and what to do. */
int lw_cp_call(struct lw_lake *l, const char *method, const char *path,
	       const char *json, char **body, size_t *len,
	       struct lw_err *err);

/* cp_ns.c: the streamanalytics lake's "namespaces" (names, resource ids
 * or {"resource_group", "name"}; sub and rg are the lake's own, the
 * default); errors name the entry. */
int lw_cp_open_namespaces(struct lw_lake *l, const cJSON *cfg,
			  const char *what, const char *sub, const char *rg,
			  struct lw_cfgctx *cc);
/* The ARM path of namespace name: its entry's, else in the lake's
 * resource group. Caller frees. */
char *lw_cp_namespace_resource(const struct lw_lake *l, const char *name);
void lw_cp_free_namespaces(struct lw_lake *l);

/* cp_observe.c: the kinds' observe. */
int lw_cp_observe(struct lw_lake *l, const struct lw_dataset *ds,
		  struct lw_obs *obs);

#endif
