/* ch_util.c - text, severities, URLs and requests for the channel kinds. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/cfgctx.h"
#include "lakewatch/err.h"
#include "lakewatch/http.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "ch_util.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not
 * one (overlong forms, surrogates and code points past U+10FFFF too). */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
	if (n == 0 || c > 0xF4)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if (n == 3 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0)))
		return 0;
	if (n == 4 && ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90)))
		return 0;
	return n;
}

/* What one character of s becomes: *piece and *plen; returns the input
 * bytes it took. */
static size_t piece_at(const unsigned char *s, bool slack, const char **piece,
		       size_t *plen)
{
	static const char fffd[] = "\xEF\xBF\xBD";
	size_t n = utf8_len(s);
	if (n == 0) {
		*piece = fffd, *plen = 3;
		return 1;
	}
	if (slack && (s[0] == '&' || s[0] == '<' || s[0] == '>')) {
		*piece = s[0] == '&' ? "&amp;" : s[0] == '<' ? "&lt;" : "&gt;";
		*plen = strlen(*piece);
		return 1;
	}
	*piece = (const char *)s, *plen = n;
	return n;
}

/* Owner: caller frees. Two passes: the whole length first, so text that
 * fits is never cut, then the copy up to the budget. */
char *lw_ch_clip(const char *s, size_t max, bool slack)
{
	static const char ell[] = "\xE2\x80\xA6";	/* … */
	assert(max >= 4);
	if (!s)
		s = "";
	const unsigned char *p = (const unsigned char *)s;
	size_t total = 0, plen;
	const char *piece;
	for (size_t i = 0; p[i];) {
		i += piece_at(p + i, slack, &piece, &plen);
		total += plen;
	}
	size_t budget = total <= max ? total : max - (sizeof ell - 1);
	char *out = lw_xmalloc((total <= max ? total : max) + 1);
	size_t o = 0;
	for (size_t i = 0; p[i];) {
		size_t used = piece_at(p + i, slack, &piece, &plen);
		if (o + plen > budget)
			break;
		memcpy(out + o, piece, plen);
		o += plen, i += used;
	}
	if (total > max) {
		memcpy(out + o, ell, sizeof ell - 1);
		o += sizeof ell - 1;
	}
	out[o] = '\0';
	return out;
}

bool lw_ch_add_str(cJSON *obj, const char *key, const char *s, size_t max)
{
	char *t = lw_ch_clip(s, max, false);
	bool ok = cJSON_AddStringToObject(obj, key, t) != NULL;
	free(t);
	return ok;
}

/* Static. */
const char *lw_ch_severity(enum lw_status st)
{
	switch (st) {
	case LW_WARN: return "warning";
	case LW_FAIL: return "critical";
	case LW_ERROR: return "error";
	case LW_PASS: break;
	}
	return "info";
}

int lw_ch_check_url(struct lw_cfgctx *cc, const cJSON *node,
		    const char *what, const char *url, bool allow_http)
{
	if (!lw_str_starts(url, "https://") && !lw_str_starts(url, "http://"))
		return lw_cfg_error(cc, node, "%s must be an http:// or https:// "
				    "URL", what);
	return lw_http_cfg_secure(cc, node, what, url, allow_http);
}

const char *lw_ch_title(const struct lw_notice_batch *b, char *out, size_t n)
{
	size_t count[LW_NOTICE_TEST + 1] = {0};
	for (size_t i = 0; i < b->n; i++)
		if ((unsigned)b->v[i].kind <= LW_NOTICE_TEST)
			count[b->v[i].kind]++;
	char *cfg = lw_ch_clip(b->config_name, n / 2 > 4 ? n / 2 : 4, false);
	int o = snprintf(out, n, "lakewatch%s%s:", *cfg ? " " : "", cfg);
	free(cfg);
	bool first = true;
	for (int k = 0; k <= LW_NOTICE_TEST && o >= 0 && (size_t)o < n; k++) {
		if (!count[k])
			continue;
		o += snprintf(out + o, n - o, "%s %zu %s", first ? "" : ",",
			      count[k], k == LW_NOTICE_TEST ? "test message" :
			      lw_notice_kind_name(k));
		first = false;
	}
	if (first && o >= 0 && (size_t)o < n)
		snprintf(out + o, n - o, " no news");
	return out;
}

const char *lw_ch_age(const struct lw_notice *n, char *buf, size_t sz)
{
	char d[32];
	buf[0] = '\0';
	if (!n->opened || n->kind == LW_NOTICE_TEST)
		return buf;
	int64_t end = n->resolved ? n->resolved : n->at;
	if (end < n->opened)
		end = n->opened;
	lw_duration_fmt(end - n->opened, d, sizeof d);
	snprintf(buf, sz, n->resolved ? "was open %s" : "open for %s", d);
	return buf;
}

/* Owner: caller frees *out (a registered secret). */
int lw_ch_cfg_url(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		  bool required, bool allow_http, const char *what,
		  char **out)
{
	char *url = NULL;
	if (lw_cfg_secret(cc, obj, key, required, &url))
		return LW_ECONFIG;
	if (!url)
		return LW_OK;
	char where[160];
	snprintf(where, sizeof where, "%s: \"%s\"", what, key);
	if (lw_ch_check_url(cc, cJSON_GetObjectItemCaseSensitive(obj, key),
			    where, url, allow_http)) {
		lw_secret_free(url);
		return LW_ECONFIG;
	}
	lw_notify_secret_url(url);	/* and the host/path form logs use */
	*out = url;
	return LW_OK;
}

int lw_ch_req_header(struct lw_notify_req *r, const char *h)
{
	if (r->nheaders >= LW_NOTIFY_MAX_HEADERS)
		return LW_ETOOBIG;
	r->headers[r->nheaders++] = lw_xstrdup(h);
	return LW_OK;
}

int lw_ch_req_json(struct lw_notify_req *r, const char *url,
		   const cJSON *json)
{
	char *body = cJSON_PrintUnformatted(json);
	if (!body)
		return LW_ENOMEM;
	r->url = lw_xstrdup(url);
	r->body = body;
	r->len = strlen(body);
	return lw_ch_req_header(r, "Content-Type: application/json");
}

void lw_ch_reqs_free(struct lw_notify_req *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		lw_notify_req_free(&v[i]);
	free(v);
}

enum lw_deliver lw_ch_classify_http(long status)
{
	if (status >= 200 && status < 300)
		return LW_DELIVERED;
	if (status == 0 || status == 408 || status == 425 || status == 429 ||
	    (status >= 500 && status < 600))
		return LW_RETRY;
	return LW_REJECTED;
}
