/* azure_req.c - the requests of the "azure" lake: blob names and URLs,
 * signing per attempt, and errors a person can act on.
 *
 * Requests are signed per attempt (Shared Key dates must be fresh), or
 * carry a SAS token or an Entra ID bearer token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lakewatch/util.h"
#include "azure_int.h"
#include "lakewatch/secret.h"

/* --- names and URLs --- */

/* Drop the empty and "." segments of a '/'-separated path, in place:
 * the fs kind's kernel reads "a//b", "./a" and "a/./b" as "a/b", so a
 * dataset path written that way must name the same blobs here, where
 * Blob storage would take it literally and find nothing. ".." is left
 * as it is (config refuses it). Returns s (caller's). */
char *lw_az_norm_path(char *s)
{
	char *w = s;
	const char *r = s;
	while (*r) {
		const char *e = strchr(r, '/');
		size_t n = e ? (size_t)(e - r) : strlen(r);
		if (n && !(n == 1 && *r == '.')) {
			if (w != s)
				*w++ = '/';
			memmove(w, r, n);
			w += n;
		}
		r += n;
		if (*r == '/')
			r++;
	}
	*w = '\0';
	return s;
}

/* Trim chars off both ends of s, in place. Returns s (caller's). */
char *lw_az_strip(char *s, const char *chars)
{
	size_t n;
	char *p = s;
	while (*p && strchr(chars, *p))
		p++;
	memmove(s, p, strlen(p) + 1);
	n = strlen(s);
	while (n && strchr(chars, s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Full blob name of a lake path; caller frees. */
char *lw_az_blob_name(const struct lw_lake *l, const char *path)
{
	if (!*l->root)
		return lw_az_norm_path(lw_xstrdup(path));
	if (!*path)
		return lw_xstrdup(l->root);
	return lw_az_norm_path(lw_xasprintf("%s/%s", l->root, path));
}

/* URL of a blob, or of the container when name is NULL; query (may be
 * NULL) goes first, then the SAS. Caller frees. */
char *lw_az_url(const struct lw_lake *l, const char *name, const char *query)
{
	char *esc = name ? lw_http_escape(name, true) : NULL;
	const char *sas = l->auth == A_SAS ? l->sas : NULL;
	char *u = lw_xasprintf("%s/%s%s%s%s%s%s%s", l->endpoint, l->container,
			       esc ? "/" : "", esc ? esc : "",
			       query || sas ? "?" : "", query ? query : "",
			       query && sas ? "&" : "", sas ? sas : "");
	free(esc);
	return u;
}

/* The poll's deadline for l's requests: one for the whole poll, begun by
 * begin_poll (or by the first request of a caller that has no polls). */
int64_t lw_az_deadline(struct lw_lake *l)
{
	if (!l->poll_deadline)
		l->poll_deadline = lw_http_now_ms() + l->poll_timeout_ms;
	return l->poll_deadline;
}

void lw_az_begin_poll(struct lw_lake *l)
{
	l->poll_deadline = lw_http_now_ms() + l->poll_timeout_ms;
	lw_az_lists_clear(l);	/* a cancelled poll's, never used */
	lw_http_revive(l->http);
	lw_entra_revive(l->entra);
}

bool lw_az_gone(struct lw_lake *l, char *msg, size_t n)
{
	char why[200], d[32];
	if (lw_http_down(l->http, why, sizeof(why))) {
		snprintf(msg, n, "lake '%s' is unreachable: %s", l->base.name,
			 why);
		return true;
	}
	if (lw_entra_down(l->entra, why, sizeof(why))) {
		snprintf(msg, n, "lake '%s': %s", l->base.name, why);
		return true;
	}
	if (l->poll_deadline && lw_http_now_ms() >= l->poll_deadline) {
		snprintf(msg, n, "not observed: the poll of lake '%s' ran past "
			 "its %s deadline", l->base.name,
			 lw_duration_fmt((l->poll_timeout_ms + 999) / 1000, d,
					 sizeof(d)));
		return true;
	}
	return false;
}

bool lw_az_gone_err(struct lw_lake *l, struct lw_err *err)
{
	char msg[400];
	if (!lw_az_gone(l, msg, sizeof(msg)))
		return false;
	lw_err_set(err, lw_http_down(l->http, NULL, 0) ||
		   lw_entra_down(l->entra, NULL, 0) ? LW_ENET : LW_ETIMEOUT,
		   "%s", msg);
	return true;
}

/* --- signing, per attempt --- */

/* Sign this attempt of r with the account key: x-ms-date and the
 * Authorization header. range and ifmatch are what the attempt sends
 * ("" = not sent). */
static int sign_shared_key(struct lw_lake *l, struct lw_http_req *r,
			   const char *range, const char *ifmatch,
			   struct lw_err *err)
{
	struct lw_az_hdr h[4];
	size_t nh = 0;
	struct lw_buf sts;
	char date[64], sig[128];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	lw_http_req_attempt_header(r, "x-ms-date: %s", date);
	h[nh++] = (struct lw_az_hdr){"x-ms-date", date};
	h[nh++] = (struct lw_az_hdr){"x-ms-version", LW_AZ_VERSION};
	if (range[0])
		h[nh++] = (struct lw_az_hdr){"x-ms-range", range};
	if (ifmatch[0])
		h[nh++] = (struct lw_az_hdr){"If-Match", ifmatch};
	lw_buf_init(&sts, 64 * LW_BUF_1K);
	rc = lw_az_string_to_sign(r->method ? r->method : "GET", l->account,
				  r->url, h, nh, &sts, err);
	if (rc == LW_OK)
		rc = lw_az_hmac_b64(l->key, sts.data, sts.len, sig,
				    sizeof(sig), err);
	lw_buf_free(&sts);
	if (rc != LW_OK)
		return rc;
	lw_http_req_attempt_header(r, "Authorization: SharedKey %s:%s",
				   l->account, sig);
	return LW_OK;
}

static int sign_bearer(struct lw_lake *l, struct lw_http_req *r,
		       struct lw_err *err)
{
	char *tok = NULL;
	int rc = lw_entra_token(l->entra, &tok, err);
	if (rc != LW_OK)
		return rc;
	lw_http_req_attempt_header(r, "Authorization: Bearer %s", tok);
	lw_secret_free(tok);
	return LW_OK;
}

static int prepare(void *ud, struct lw_http_req *r, int attempt,
		   struct lw_err *err)
{
	struct azreq *q = ud;
	struct lw_lake *l = q->l;
	char ifmatch[200] = "";
	(void)attempt;

	if (q->parser)
		lw_az_list_reset(q->parser);	/* a retry starts the page over */
	q->page_bytes = 0;
	if (q->cb && q->delivered > 0) {
		/* resume the stream where it broke, on the same version */
		snprintf(q->range, sizeof(q->range), "bytes=%lld-",
			 (long long)q->delivered);
		if (q->etag[0])
			snprintf(ifmatch, sizeof(ifmatch), "%s", q->etag);
	}
	q->attempt_start = q->delivered;
	q->checked = false;
	lw_http_req_attempt_header(r, "x-ms-version: %s", LW_AZ_VERSION);
	if (q->range[0])
		lw_http_req_attempt_header(r, "x-ms-range: %s", q->range);
	if (ifmatch[0])
		lw_http_req_attempt_header(r, "If-Match: %s", ifmatch);

	if (l->auth == A_KEY)
		return sign_shared_key(l, r, q->range, ifmatch, err);
	if (l->auth == A_BEARER)
		return sign_bearer(l, r, err);
	return LW_OK;
}

/* q is the caller's; it owns url from now on (lw_az_req_free). */
void lw_az_req_init(struct azreq *q, struct lw_lake *l, char *url)
{
	memset(q, 0, sizeof(*q));
	lw_http_req_init(&q->r);
	q->l = l;
	q->r.url = url;
	q->r.prepare = prepare;
	q->r.ud = q;
	q->listed = -1;
}

/* Free what q owns (its request and page parser), not q. */
void lw_az_req_free(struct azreq *q)
{
	lw_http_req_free(&q->r);
	lw_az_list_free(q->parser);
	q->parser = NULL;
}

/* --- errors a person can act on --- */

/* What to check after a 403 with error code code and message msg. */
static const char *forbidden_hint(const struct lw_lake *l, const char *code,
				  const char *msg)
{
	if (!strcmp(code, "AuthorizationPermissionMismatch"))
		return l->auth == A_SAS
		? "the SAS token lacks the read/list permission "
		  "(sp=rl) for this container"
		: "the identity lacks 'Storage Blob Data Reader' "
		  "(or a role with read access)";
	if (!strcmp(code, "AuthenticationFailed") || strstr(msg, "signature"))
		return l->auth == A_KEY
		? "signature did not match: check the account key "
		  "and the account name"
		: l->auth == A_SAS
		? "the SAS token was refused: it may have expired, "
		  "or be for another account or container"
		: "the bearer token was refused: check the tenant "
		  "and the token's audience";
	if (!strcmp(code, "AuthorizationFailure"))
		return l->auth == A_SAS
		? "the SAS token was refused: wrong signature, "
		  "expired, or without read/list permission"
		: "not authorized: a network rule or firewall "
		  "blocks this client, or access is disabled";
	if (!strcmp(code, "AuthorizationResourceTypeMismatch"))
		return "the SAS token is not valid for this resource "
		       "type (it needs srt=co or a container SAS)";
	return l->auth == A_ANON
	       ? "access refused: the container is not public; "
		 "configure \"auth\""
	       : "access refused";
}

static int not_found(const struct lw_lake *l, const char *what,
		     const char *where, const char *code, struct lw_err *err)
{
	int rc = LW_ENOTFOUND;
	if (!strcmp(code, "ContainerNotFound"))
		return lw_err_set(err, rc, "%s %s: 404 ContainerNotFound: "
				  "container '%s' does not exist in account "
				  "'%s'", what, where, l->container,
				  l->account ? l->account : "?");
	if (!strcmp(code, "BlobNotFound"))
		return lw_err_set(err, rc, "%s %s: 404 BlobNotFound: no blob "
				  "at this path in container '%s'", what,
				  where, l->container);
	return lw_err_set(err, rc, "%s %s: 404 %s: not found (check the "
			  "account, endpoint and container)", what, where,
			  code[0] ? code : "Not Found");
}

/* Fills err; returns its code. */
int lw_az_explain(struct lw_lake *l, struct azreq *q, const char *what,
		  struct lw_err *err)
{
	struct lw_http_req *r = &q->r;
	char code[128] = "", msg[300] = "", full[LW_ERR_MSG] = "", hv[128];
	char *where;
	int rc = r->rc;

	if (r->status == 0 && r->rc != LW_OK && lw_az_gone_err(l, err))
		return err->code;	/* down or out of time: say that */
	if (r->status == 0 || r->rc == LW_ETOOBIG)	/* transport */
		return lw_err_set(err, r->rc, "%s", r->err.msg);
	lw_az_error_parse(r->resp.data, r->resp.len, code, sizeof(code),
			  full, sizeof(full));
	lw_redact_fmt(msg, sizeof(msg), "%s", full);	/* redact, then cut */
	if (lw_http_resp_header(r, "x-ms-error-code", hv, sizeof(hv)))
		snprintf(code, sizeof(code), "%s", hv);
	where = lw_http_url_where(r->url);

	if (r->status == 403) {
		rc = LW_EPERM;
		lw_err_set(err, rc, "%s %s: 403 %s: %s on container '%s' of "
			   "account '%s'%s%s", what, where,
			   code[0] ? code : "Forbidden",
			   forbidden_hint(l, code, msg), l->container,
			   l->account ? l->account : "?", msg[0] ? " - " : "",
			   msg);
	} else if (r->status == 404) {
		rc = not_found(l, what, where, code, err);
	} else if (r->status == 401) {
		rc = LW_EAUTH;
		lw_err_set(err, rc, "%s %s: 401 %s: credentials were not "
			   "accepted%s%s", what, where, code[0] ? code :
			   "Unauthorized", msg[0] ? " - " : "", msg);
	} else {
		lw_err_set(err, rc, "%s%s%s%s%s", r->err.msg,
			   code[0] ? " " : "", code, msg[0] ? ": " : "", msg);
	}
	free(where);
	return rc;
}
