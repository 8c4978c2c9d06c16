/* http_req.c - request objects: life cycle, header lists (scrubbed on
 * free: they carry Authorization), answer headers, URL helpers. */
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>

#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "lakewatch/cfgctx.h"
#include "lakewatch/jsonc.h"
#include "http_int.h"

void lw_http_req_init(struct lw_http_req *r)
{
	memset(r, 0, sizeof(*r));
	lw_buf_init(&r->resp, BODY_DEFAULT);
	lw_buf_init(&r->hdrs, HDRS_MAX);
}

/* Header lists carry Authorization (keys' signatures, bearer tokens):
 * scrubbed before they go back to the allocator. */
static void wipe_slist(struct curl_slist *l)
{
	for (; l; l = l->next)
		if (l->data)
			lw_secret_wipe(l->data, strlen(l->data));
}

void lw_http_attempt_free(struct lw_http_req *r)
{
	wipe_slist(r->priv_attempt);
	curl_slist_free_all(r->priv_attempt);
	r->priv_attempt = NULL;
}

void lw_http_req_free(struct lw_http_req *r)
{
	if (!r)
		return;
	if (r->priv_easy)
		curl_easy_cleanup(r->priv_easy);
	r->priv_easy = NULL;
	wipe_slist(r->priv_headers);
	curl_slist_free_all(r->priv_headers);
	r->priv_headers = NULL;
	lw_http_attempt_free(r);
	/* a URL may hold a SAS, a body a client secret (Entra's form) */
	lw_secret_free(r->url);
	if (r->body)
		lw_secret_wipe(r->body, strlen(r->body));
	free(r->body);
	r->url = r->body = NULL;
	lw_buf_free(&r->resp);
	lw_buf_free(&r->hdrs);
}

void lw_http_req_reset(struct lw_http_req *r)
{
	lw_http_attempt_free(r);
	lw_buf_reset(&r->resp);
	lw_buf_reset(&r->hdrs);
	r->status = 0;
	r->rc = LW_OK;
	lw_err_clear(&r->err);
	r->attempts = 0;
	r->body_bytes = 0;
	r->priv_state = ST_IDLE;
}

static struct curl_slist *slist_vaddf(struct curl_slist *l, const char *fmt,
				      va_list ap)
{
	char line[8192];
	struct curl_slist *n;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = curl_slist_append(l, line);
	if (!n) {
		fprintf(stderr, "lakewatch: out of memory\n");
		abort();
	}
	return n;
}

void lw_http_req_header(struct lw_http_req *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	r->priv_headers = slist_vaddf(r->priv_headers, fmt, ap);
	va_end(ap);
}

void lw_http_req_attempt_header(struct lw_http_req *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	r->priv_attempt = slist_vaddf(r->priv_attempt, fmt, ap);
	va_end(ap);
}

/* Owner: the caller's buf. */
const char *lw_http_resp_header(const struct lw_http_req *r,
				const char *name, char *buf, size_t n)
{
	const char *p = r->hdrs.data, *end;
	size_t nl = strlen(name);
	const char *found = NULL;
	size_t flen = 0;

	if (!p || !n)
		return NULL;
	end = p + r->hdrs.len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		if ((size_t)(le - p) > nl && p[nl] == ':' &&
		    strncasecmp(p, name, nl) == 0) {
			const char *v = p + nl + 1, *ve = le;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && isspace((unsigned char)ve[-1]))
				ve--;
			found = v;
			flen = (size_t)(ve - v);
		}
		p = eol ? eol + 1 : end;
	}
	if (!found)
		return NULL;
	if (flen >= n)
		flen = n - 1;
	memcpy(buf, found, flen);
	buf[flen] = '\0';
	return buf;
}

/* Owner: caller frees. */
char *lw_http_url_where(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	const char *at, *end;
	char *s;
	p = p ? p + 3 : (url ? url : "");
	end = p + strcspn(p, "?#");
	/* user:password@ in the authority part */
	at = memchr(p, '@', (size_t)(end - p));
	if (at && memchr(p, '/', (size_t)(at - p)) == NULL)
		p = at + 1;
	s = lw_xstrndup(p, (size_t)(end - p));
	lw_redact(s);
	return s;
}

bool lw_http_url_private(const char *url)
{
	char host[256];
	const char *p, *end, *at;
	size_t n;
	if (!url || !strncasecmp(url, "https://", 8))
		return true;
	if (strncasecmp(url, "http://", 7) != 0)
		return false;
	p = url + 7;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));
		n = rb ? (size_t)(rb - p + 1) : (size_t)(end - p);
	} else {
		n = strcspn(p, ":/?#");
	}
	if (n == 0 || n >= sizeof(host))
		return false;
	memcpy(host, p, n);
	host[n] = '\0';
	return !strcasecmp(host, "localhost") || !strcmp(host, "[::1]") ||
	       !strncmp(host, "127.", 4) || !strncmp(host, "169.254.", 8);
}

/* Returns LW_OK, or LW_ECONFIG (reported to cc). */
int lw_http_cfg_secure(struct lw_cfgctx *cc, const cJSON *node,
		       const char *what, const char *url, bool allow)
{
	int line = 0, col = 0;
	if (lw_http_url_private(url))
		return LW_OK;
	if (!allow)
		return lw_cfg_error(cc, node, "%s: plain http:// would send a "
				    "secret in clear text to a host that is "
				    "not loopback: use https:// (or set "
				    "\"allow_insecure_http\": true)", what);
	if (cc->doc)
		lw_jsonc_pos(cc->doc, node, &line, &col);
	fprintf(stderr, "%s:%d:%d: warning: %s: plain http:// sends secrets "
		"in clear text (\"allow_insecure_http\" is true)\n",
		cc->file ? cc->file : "config", line, col, what);
	return LW_OK;
}

/* Owner: caller frees. */
char *lw_http_escape(const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = lw_xmalloc(n * 3 + 1), *o = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' ||
		    c == '~' || (keep_slash && c == '/')) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

