/* powerbi_rest.c - the Power BI REST API calls of lake kind "powerbi":
 * bearer tokens (Entra, a given token, a token file re-read on 401), the
 * queries-per-minute limit, one call with its errors explained, and
 * dataset names resolved to ids.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "powerbi_int.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

/* ---- tokens ---- */

struct call {
	struct lw_lake *l;
	char *token;		/* owned: this call's bearer token */
};

static int prepare(void *ud, struct lw_http_req *r, int attempt,
		   struct lw_err *err)
{
	(void)attempt;
	(void)err;
	struct call *c = ud;
	lw_http_req_attempt_header(r, "Authorization: Bearer %s", c->token);
	return LW_OK;
}

/* A token for the next request; fresh = the last one was refused. */
static int get_token(struct lw_lake *l, bool fresh, char **tok,
		     struct lw_err *err)
{
	if (l->entra) {
		if (fresh)
			lw_entra_invalidate(l->entra);
		return lw_entra_token(l->entra, tok, err);
	}
	if (l->token_file && (fresh || !l->token)) {
		lw_secret_free(l->token);
		l->token = NULL;
		if (lw_entra_read_token_file(l->token_file, &l->token, err))
			return err->code;
	}
	*tok = lw_xstrdup(l->token);
	return LW_OK;
}

/* Keep under the service's queries per minute: wait for the oldest of the
 * last `per_minute` queries to be a minute old. The wait (up to a minute)
 * is cut short when the poll is cancelled (watch's SIGTERM): the poll
 * then ends between datasets, as everywhere else. */
void lw_pbi_rate_limit(struct lw_lake *l)
{
	int64_t until = l->query_ms[l->qhead] + 60000, now = lw_http_now_ms();
	while (l->query_ms[l->qhead] && now < until &&
	       !(l->base.cancel && atomic_load(l->base.cancel))) {
		int64_t ms = until - now < 200 ? until - now : 200;
		struct timespec ts = {0, (long)ms * 1000000L};
		nanosleep(&ts, NULL);
		now = lw_http_now_ms();
	}
	l->query_ms[l->qhead] = lw_http_now_ms();
	l->qhead = (l->qhead + 1) % (size_t)l->per_minute;
	l->queries++;
}

static int explain(struct lw_lake *l, const struct lw_http_req *r,
		   const char *path, struct lw_err *err)
{
	switch (r->status) {
	case 401:
		return lw_err_set(err, LW_EAUTH, "Power BI refused the token "
				  "for %s (401), also after fetching a fresh one: "
				  "check the credentials and that the app may use "
				  "the Power BI API", path);
	case 403:
		return lw_err_set(err, LW_EPERM, "Power BI: no access to %s (403): "
				  "add the identity to workspace %s as a Member "
				  "or Contributor, and allow service principals "
				  "in the tenant's Power BI settings", path,
				  l->workspace);
	case 404:
		return lw_err_set(err, LW_ENOTFOUND, "Power BI: %s not found "
				  "(404): was the dataset deleted or the "
				  "workspace id mistyped?", path);
	default:
		break;
	}
	/* A DAX error comes back as 400 with the reason in the body. */
	cJSON *rows = NULL;
	struct lw_err why;
	lw_err_clear(&why);
	if (r->status == 400 && r->resp.len &&
	    lw_pbi_parse_query(r->resp.data, r->resp.len, &rows, &why) &&
	    lw_str_starts(why.msg, "DAX query failed"))
		return lw_err_set(err, LW_EPARSE, "%s: %s", path, why.msg);
	cJSON_Delete(rows);
	return lw_err_set(err, r->rc ? r->rc : LW_EIO, "%s",
			  r->err.msg[0] ? r->err.msg : "request failed");
}

/* Caller frees *body. */
int lw_pbi_call(struct lw_lake *l, const char *method, const char *path,
		const char *json, char **body, size_t *len, long *status,
		struct lw_err *err)
{
	int rc = LW_OK;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct call c = {l, NULL};
		if ((rc = get_token(l, attempt > 0, &c.token, err)))
			return lw_err_prefix(err, "Power BI token");
		struct lw_http_req r;
		lw_http_req_init(&r);
		r.method = method;
		r.url = lw_xasprintf("%s%s", l->base_url, path);
		r.max_body = MAX_BODY;
		r.prepare = prepare;
		r.ud = &c;
		lw_http_req_header(&r, "Accept: application/json");
		if (json) {
			r.body = lw_xstrdup(json);
			r.body_len = strlen(json);
			lw_http_req_header(&r, "Content-Type: application/json");
		}
		/* one deadline for the whole poll, as for the azure kind */
		if (!l->poll_deadline)
			l->poll_deadline = lw_http_now_ms() + l->poll_timeout_ms;
		lw_http_do(l->http, &r, l->poll_deadline, NULL);
		lw_secret_free(c.token);
		*status = r.status;
		if (r.rc == LW_OK) {
			*len = r.resp.len;
			*body = lw_buf_steal(&r.resp);
			lw_http_req_free(&r);
			return LW_OK;
		}
		bool again = r.status == 401 && attempt == 0 &&
			     (l->entra || l->token_file);
		if (!again)
			rc = explain(l, &r, path, err);
		lw_http_req_free(&r);
		if (!again)
			return rc;
	}
	return rc;
}

/* ---- dataset names ---- */

static bool looks_like_id(const char *s)
{
	return strlen(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' &&
	       s[23] == '-';
}

/* Caller frees *id. */
int lw_pbi_resolve(struct lw_lake *l, const char *want, char **id,
		   struct lw_err *err)
{
	if (looks_like_id(want)) {
		*id = lw_xstrdup(want);
		return LW_OK;
	}
	int64_t now = lw_http_now_ms();
	if (!l->list || now - l->list_ms > LIST_TTL_MS) {
		char *path = lw_xasprintf("/groups/%s/datasets", l->workspace);
		char *body = NULL;
		size_t len = 0;
		long st;
		int rc = lw_pbi_call(l, "GET", path, NULL, &body, &len, &st, err);
		free(path);
		if (rc)
			return rc;
		lw_pbi_datasets_free(l->list, l->nlist);
		l->list = NULL;
		l->nlist = 0;
		rc = lw_pbi_parse_datasets(body, len, &l->list, &l->nlist, err);
		free(body);
		if (rc)
			return rc;
		l->list_ms = now;
	}
	for (size_t i = 0; i < l->nlist; i++)
		if (strcmp(l->list[i].name, want) == 0) {
			*id = lw_xstrdup(l->list[i].id);
			return LW_OK;
		}
	return lw_err_set(err, LW_ENOTFOUND, "Power BI: no dataset named "
			  "\"%s\" in workspace %s (deleted or renamed?)", want,
			  l->workspace);
}
