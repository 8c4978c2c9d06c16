/* azure_list.c - List Blobs pages and error answers, parsed with expat.
 *
 * The page streams through expat as it arrives, so a 5,000-blob page is
 * never held whole. Only element paths we know are kept; text is bounded;
 * a DOCTYPE (the door to entity expansion) is refused outright.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <expat.h>

#include "lakewatch/azure.h"
#include "lakewatch/util.h"

#define MAX_DEPTH 32
#define MAX_TEXT (64 * LW_BUF_1K)
#define MAX_BLOBS 100000	/* per page; Azure sends at most 5,000 */

/* Where in the document we are: only these paths matter. */
enum where {
	W_OTHER = 0, W_ROOT, W_BLOBS, W_BLOB, W_NAME, W_PROPS, W_LEN,
	W_MTIME, W_RTYPE, W_META, W_ISFOLDER, W_NEXT, W_ETAG, W_BPREFIX,
	W_BPNAME,
};

struct lw_az_list {
	XML_Parser xp;
	enum where stack[MAX_DEPTH];
	int depth;
	struct lw_buf text;
	bool name_encoded;
	bool have_name, have_len;
	struct lw_az_blob cur;
	struct lw_az_blob *blobs;
	size_t n, cap;
	char **pfx;		/* <BlobPrefix> names (delimiter listings) */
	size_t npfx, cappfx;
	char *next;
	int rc;
	struct lw_err err;
	bool seen_root;
};

static void blob_free(struct lw_az_blob *b)
{
	free(b->name);
	memset(b, 0, sizeof(*b));
}

static void stop(struct lw_az_list *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void stop(struct lw_az_list *p, int code, const char *fmt, ...)
{
	char m[512];
	va_list ap;
	if (p->rc != LW_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	lw_err_set(&p->err, code, "List Blobs answer, line %lu: %s",
		   (unsigned long)XML_GetCurrentLineNumber(p->xp), m);
	p->rc = code;
	XML_StopParser(p->xp, XML_FALSE);
}

static enum where child(enum where parent, const char *name)
{
	switch (parent) {
	case W_ROOT:
		if (!strcmp(name, "Blobs")) return W_BLOBS;
		if (!strcmp(name, "NextMarker")) return W_NEXT;
		break;
	case W_BLOBS:
		if (!strcmp(name, "Blob")) return W_BLOB;
		if (!strcmp(name, "BlobPrefix")) return W_BPREFIX;
		break;
	case W_BPREFIX:
		if (!strcmp(name, "Name")) return W_BPNAME;
		break;
	case W_BLOB:
		if (!strcmp(name, "Name")) return W_NAME;
		if (!strcmp(name, "Properties")) return W_PROPS;
		if (!strcmp(name, "Metadata")) return W_META;
		break;
	case W_PROPS:
		if (!strcmp(name, "Content-Length")) return W_LEN;
		if (!strcmp(name, "Last-Modified")) return W_MTIME;
		if (!strcmp(name, "Etag")) return W_ETAG;
		if (!strcmp(name, "ResourceType")) return W_RTYPE;
		break;
	case W_META:
		if (!strcmp(name, "hdi_isfolder")) return W_ISFOLDER;
		break;
	default:
		break;
	}
	return W_OTHER;
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **attrs)
{
	struct lw_az_list *p = ud;
	enum where w;

	if (p->rc != LW_OK)
		return;
	if (p->depth >= MAX_DEPTH) {
		stop(p, LW_EPARSE, "elements nested deeper than %d",
		     MAX_DEPTH);
		return;
	}
	if (p->depth == 0) {
		if (strcmp(name, "EnumerationResults")) {
			stop(p, LW_EPARSE, "root element is <%.40s>, not "
			     "<EnumerationResults>", name);
			return;
		}
		p->seen_root = true;
		w = W_ROOT;
	} else {
		w = child(p->stack[p->depth - 1], name);
	}
	p->stack[p->depth++] = w;
	lw_buf_reset(&p->text);
	if (w == W_BLOB) {
		if (p->n >= MAX_BLOBS) {
			stop(p, LW_ETOOBIG, "more than %d blobs in one page",
			     MAX_BLOBS);
			return;
		}
		blob_free(&p->cur);
		p->have_name = p->have_len = false;
	} else if (w == W_BPREFIX && p->n + p->npfx >= MAX_BLOBS) {
		stop(p, LW_ETOOBIG, "more than %d blobs in one page",
		     MAX_BLOBS);
		return;
	} else if (w == W_NAME || w == W_BPNAME) {
		p->name_encoded = false;
		for (int i = 0; attrs[i]; i += 2)
			if (!strcmp(attrs[i], "Encoded") &&
			    !strcmp(attrs[i + 1], "true"))
				p->name_encoded = true;
	}
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Encoded="true" names are percent-encoded (they hold characters XML
 * cannot carry). */
static char *url_decode(const char *s)
{
	size_t n = strlen(s);
	char *d = lw_xmalloc(n + 1), *o = d;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexv(s[i + 1]) >= 0 &&
		    hexv(s[i + 2]) >= 0) {
			*o++ = (char)(hexv(s[i + 1]) << 4 | hexv(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return d;
}

static bool parse_size(const char *s, int64_t *out)
{
	int64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > (INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct lw_az_list *p = ud;
	enum where w;
	const char *t;

	(void)name;
	if (p->rc != LW_OK || p->depth == 0)
		return;
	w = p->stack[--p->depth];
	t = p->text.data ? p->text.data : "";
	switch (w) {
	case W_NAME:
		free(p->cur.name);
		p->cur.name = p->name_encoded ? url_decode(t) : lw_xstrdup(t);
		p->have_name = true;
		break;
	case W_BPNAME:
		lw_xgrow((void **)&p->pfx, &p->cappfx, p->npfx,
			 sizeof(*p->pfx));
		p->pfx[p->npfx++] = p->name_encoded ? url_decode(t) :
				    lw_xstrdup(t);
		break;
	case W_LEN:
		if (!parse_size(t, &p->cur.size)) {
			stop(p, LW_EPARSE, "Content-Length '%.40s' of blob "
			     "'%.200s' is not a size", t,
			     p->cur.name ? p->cur.name : "?");
			return;
		}
		p->have_len = true;
		break;
	case W_MTIME:
		if (lw_time_parse_http(t, &p->cur.mtime) != LW_OK) {
			stop(p, LW_EPARSE, "Last-Modified '%.60s' of blob "
			     "'%.200s' is not an HTTP date", t,
			     p->cur.name ? p->cur.name : "?");
			return;
		}
		break;
	case W_ETAG:	/* changes with every write: the cache's key */
		p->cur.etag = lw_hash64(t, strlen(t));
		break;
	case W_RTYPE:
		if (!strcmp(t, "directory"))
			p->cur.is_dir = true;
		break;
	case W_ISFOLDER:
		if (!strcmp(t, "true"))
			p->cur.is_dir = true;
		break;
	case W_NEXT:
		free(p->next);
		p->next = lw_xstrdup(t);
		break;
	case W_BLOB:
		if (!p->have_name || !p->cur.name[0]) {
			stop(p, LW_EPARSE, "blob %zu has no <Name>", p->n + 1);
			return;
		}
		if (!p->have_len) {
			stop(p, LW_EPARSE, "blob '%.200s' has no "
			     "<Content-Length>", p->cur.name);
			return;
		}
		lw_xgrow((void **)&p->blobs, &p->cap, p->n, sizeof(*p->blobs));
		p->blobs[p->n++] = p->cur;
		memset(&p->cur, 0, sizeof(p->cur));
		break;
	default:
		break;
	}
	lw_buf_reset(&p->text);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct lw_az_list *p = ud;
	enum where w;
	if (p->rc != LW_OK || p->depth == 0)
		return;
	w = p->stack[p->depth - 1];
	if (w != W_NAME && w != W_BPNAME && w != W_LEN && w != W_MTIME && w != W_RTYPE &&
	    w != W_ISFOLDER && w != W_NEXT && w != W_ETAG)
		return;
	if (lw_buf_add(&p->text, s, (size_t)len) != LW_OK)
		stop(p, LW_ETOOBIG, "a text value is longer than %zu bytes",
		     (size_t)MAX_TEXT);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)internal;
	stop(ud, LW_EPARSE, "DOCTYPE is not allowed");
}

static void setup(struct lw_az_list *p)
{
	p->xp = XML_ParserCreate("UTF-8");
	if (!p->xp) {
		fprintf(stderr, "lakewatch: out of memory (expat)\n");
		abort();
	}
	XML_SetUserData(p->xp, p);
	XML_SetElementHandler(p->xp, on_start, on_end);
	XML_SetCharacterDataHandler(p->xp, on_text);
	XML_SetStartDoctypeDeclHandler(p->xp, on_doctype);
}

/* Owner: caller (lw_az_list_free). */
struct lw_az_list *lw_az_list_new(void)
{
	struct lw_az_list *p = lw_xcalloc(1, sizeof(*p));
	lw_buf_init(&p->text, MAX_TEXT);
	setup(p);
	return p;
}

void lw_az_list_reset(struct lw_az_list *p)
{
	XML_ParserFree(p->xp);
	for (size_t i = 0; i < p->n; i++)
		blob_free(&p->blobs[i]);
	p->n = 0;
	for (size_t i = 0; i < p->npfx; i++)
		free(p->pfx[i]);
	p->npfx = 0;
	blob_free(&p->cur);
	free(p->next);
	p->next = NULL;
	p->depth = 0;
	p->rc = LW_OK;
	p->seen_root = false;
	lw_err_clear(&p->err);
	lw_buf_reset(&p->text);
	setup(p);
}

void lw_az_list_free(struct lw_az_list *p)
{
	if (!p)
		return;
	lw_az_list_reset(p);
	XML_ParserFree(p->xp);
	free(p->blobs);
	free(p->pfx);
	lw_buf_free(&p->text);
	free(p);
}

int lw_az_list_feed(struct lw_az_list *p, const char *data, size_t len,
		    bool final, struct lw_err *err)
{
	/* expat takes int lengths: feed big pieces in slices */
	while (p->rc == LW_OK) {
		int n = len > (1 << 30) ? (1 << 30) : (int)len;
		bool last = final && (size_t)n == len;
		enum XML_Status st = XML_Parse(p->xp, data, n, last);
		enum XML_Error code = XML_GetErrorCode(p->xp);
		if (st == XML_STATUS_ERROR && p->rc == LW_OK) {
			/* not stopped by a handler: expat's own verdict */
			if (!p->seen_root && code == XML_ERROR_NO_ELEMENTS)
				lw_err_set(&p->err, LW_EPARSE, "List Blobs "
					   "answer is empty");
			else
				lw_err_set(&p->err, LW_EPARSE, "List Blobs "
					   "answer, line %lu: %s",
					   (unsigned long)
					   XML_GetCurrentLineNumber(p->xp),
					   XML_ErrorString(code));
			p->rc = LW_EPARSE;
		}
		data += n;
		len -= (size_t)n;
		if (!len)
			break;
	}
	if (p->rc == LW_OK && final && !p->seen_root) {
		lw_err_set(&p->err, LW_EPARSE, "List Blobs answer is empty");
		p->rc = LW_EPARSE;
	}
	if (p->rc != LW_OK && err)
		*err = p->err;
	return p->rc;
}

const struct lw_az_blob *lw_az_list_blobs(const struct lw_az_list *p,
					  size_t *n)
{
	*n = p->n;
	return p->blobs;
}

const char *const *lw_az_list_prefixes(const struct lw_az_list *p,
					size_t *n)
{
	*n = p->npfx;
	return (const char *const *)p->pfx;
}

const char *lw_az_list_next_marker(const struct lw_az_list *p)
{
	return p->next;
}

/* --- <Error> --- */

struct errdoc {
	XML_Parser xp;
	int depth;
	int in;			/* 1 Code, 2 Message */
	char *code, *msg;
	size_t cn, mn, cl, ml;
};

static void XMLCALL e_doctype(void *ud, const XML_Char *name,
			      const XML_Char *sysid, const XML_Char *pubid,
			      int internal)
{
	struct errdoc *d = ud;
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)internal;
	XML_StopParser(d->xp, XML_FALSE);
}

static void XMLCALL e_start(void *ud, const XML_Char *name,
			    const XML_Char **attrs)
{
	struct errdoc *d = ud;
	(void)attrs;
	d->depth++;
	d->in = 0;
	if (d->depth == 2 && !strcmp(name, "Code"))
		d->in = 1;
	else if (d->depth == 2 && !strcmp(name, "Message"))
		d->in = 2;
}

static void XMLCALL e_end(void *ud, const XML_Char *name)
{
	struct errdoc *d = ud;
	(void)name;
	d->depth--;
	d->in = 0;
}

static void XMLCALL e_text(void *ud, const XML_Char *s, int len)
{
	struct errdoc *d = ud;
	char *dst = d->in == 1 ? d->code : d->in == 2 ? d->msg : NULL;
	size_t room = d->in == 1 ? d->cn : d->mn;
	size_t *l = d->in == 1 ? &d->cl : &d->ml;
	if (!dst)
		return;
	for (int i = 0; i < len && *l + 1 < room; i++) {
		if (s[i] == '\n' || s[i] == '\r') {
			if (d->in == 2 && *l) {	/* first line only */
				d->in = 3;
				break;
			}
			continue;
		}
		dst[(*l)++] = s[i];
	}
	dst[*l] = '\0';
}

void lw_az_error_parse(const char *xml, size_t len, char *code, size_t cn,
		       char *msg, size_t mn)
{
	struct errdoc d = {0};
	XML_Parser xp;
	if (cn)
		code[0] = '\0';
	if (mn)
		msg[0] = '\0';
	if (!xml || !len || !cn || !mn || len > (1 << 20))
		return;
	xp = XML_ParserCreate("UTF-8");
	if (!xp)
		return;
	d.xp = xp;
	d.code = code;
	d.msg = msg;
	d.cn = cn;
	d.mn = mn;
	XML_SetUserData(xp, &d);
	XML_SetElementHandler(xp, e_start, e_end);
	XML_SetCharacterDataHandler(xp, e_text);
	XML_SetStartDoctypeDeclHandler(xp, e_doctype);
	(void)XML_Parse(xp, xml, (int)len, XML_TRUE);
	XML_ParserFree(xp);
}
