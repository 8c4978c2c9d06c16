/* common.c - choosing a report writer, and the text hygiene every writer
 * needs: redaction, UTF-8 repair, XML escaping.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include "lakewatch/util.h"
#include "lakewatch/metrics.h"
#include "lakewatch/secret.h"
#include "report_int.h"

int lw_report_format_parse(const char *s, enum lw_report_format *out)
{
	if (!s)
		return LW_EPARSE;
	if (strcasecmp(s, "text") == 0)
		*out = LW_REPORT_TEXT;
	else if (strcasecmp(s, "json") == 0)
		*out = LW_REPORT_JSON;
	else if (strcasecmp(s, "junit") == 0)	/* not "xml": say which */
		*out = LW_REPORT_JUNIT;
	else if (strcasecmp(s, "openmetrics") == 0)
		*out = LW_REPORT_OPENMETRICS;
	else if (strcasecmp(s, "prometheus") == 0)
		*out = LW_REPORT_PROMETHEUS;
	else
		return LW_EPARSE;
	return LW_OK;
}

const char *lw_rep_status_key(enum lw_status s)
{
	static const char *const k[LW_NSTATUS] = {"pass", "warn", "fail",
						  "error"};
	return s >= LW_PASS && s <= LW_ERROR ? k[s] : "error";
}

/* Decode one UTF-8 sequence at p (n bytes left). Returns its length and
 * the code point, or 0 when the bytes are not valid UTF-8 (overlong forms,
 * surrogates and values past U+10FFFF included). */
static size_t utf8_next(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0], min;
	size_t len;

	assert(p != NULL && n > 0);
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2; c &= 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3; c &= 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4; c &= 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* See report_int.h; caller frees. */
char *lw_rep_clean(const char *s, int flags)
{
	static const char repl[] = "\xef\xbf\xbd";	/* U+FFFD */
	struct lw_buf b;
	char *red;
	size_t n, i = 0;

	if (!s)
		return NULL;
	red = lw_redact_dup(s);
	n = strlen(red);
	/* Output grows at most 3x (one bad byte -> U+FFFD). */
	lw_buf_init(&b, n * 3 + 1);
	int rc = LW_OK;
	while (i < n && rc == LW_OK) {
		const unsigned char *p = (const unsigned char *)red + i;
		unsigned cp;
		size_t len = utf8_next(p, n - i, &cp);

		if (len == 0) {
			if (flags & LW_CLEAN_ASCII)
				rc = lw_buf_addc(&b, '?');
			else
				rc = lw_buf_add(&b, repl, 3);
			i++;
			continue;
		}
		i += len;
		if (cp < 0x20 || cp == 0x7f) {
			bool ws = cp == '\t' || cp == '\n' || cp == '\r';
			if (flags & LW_CLEAN_CTRL)
				rc = lw_buf_addc(&b, ws ? ' ' : '?');
			else if ((flags & LW_CLEAN_XML) && !ws && cp != 0x7f)
				rc = lw_buf_addc(&b, '?');
			else
				rc = lw_buf_addc(&b, (char)cp);
			continue;
		}
		if (cp >= 0x80 && cp <= 0x9f && (flags & LW_CLEAN_CTRL)) {
			/* C1 controls: 0x9b is CSI on some terminals. */
			rc = lw_buf_addc(&b, '?');
			continue;
		}
		if (cp >= 0x80 && (flags & LW_CLEAN_ASCII)) {
			rc = lw_buf_addc(&b, '?');
			continue;
		}
		if ((cp == 0xfffe || cp == 0xffff) && (flags & LW_CLEAN_XML)) {
			rc = lw_buf_add(&b, repl, 3);
			continue;
		}
		rc = lw_buf_add(&b, p, len);
	}
	/* the 3x bound above holds by construction */
	assert(rc == LW_OK);
	free(red);
	return lw_buf_steal(&b);
}

/* See report_int.h. */
int lw_rep_xml(struct lw_buf *b, const char *s, bool attr)
{
	int rc = LW_OK;

	for (; s && *s && rc == LW_OK; s++) {
		switch (*s) {
		case '&': rc = lw_buf_adds(b, "&amp;"); break;
		case '<': rc = lw_buf_adds(b, "&lt;"); break;
		case '>': rc = lw_buf_adds(b, "&gt;"); break;
		case '"': rc = lw_buf_adds(b, attr ? "&quot;" : "\""); break;
		case '\'': rc = lw_buf_adds(b, attr ? "&apos;" : "'"); break;
		/* Attribute-value normalisation would turn these into spaces;
		 * references survive it. */
		case '\n': rc = lw_buf_adds(b, attr ? "&#10;" : "\n"); break;
		case '\r': rc = lw_buf_adds(b, "&#13;"); break;
		case '\t': rc = lw_buf_adds(b, attr ? "&#9;" : "\t"); break;
		default: rc = lw_buf_addc(b, *s); break;
		}
	}
	return rc;
}

/* See report_int.h. */
int lw_rep_flush(FILE *f, const struct lw_buf *b, struct lw_err *err)
{
	/* a failed buffer has no whole report to write (buf.h) */
	assert(f && b && !lw_buf_failed(b));
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		return lw_err_set(err, LW_EIO, "writing the report: %s",
				  strerror(errno));
	if (fflush(f) != 0 || ferror(f))
		return lw_err_set(err, LW_EIO, "writing the report: %s",
				  strerror(errno));
	return LW_OK;
}

int lw_report_write(FILE *f, enum lw_report_format fmt,
		    const struct lw_config *cfg, const struct lw_run *run,
		    const struct lw_report_opts *o, struct lw_err *err)
{
	static const struct lw_report_opts plain = {0};
	struct lw_buf b;
	int rc;

	if (!f || !cfg || !run)
		return lw_err_set(err, LW_ECONFIG, "report: nothing to write");
	if (!o)
		o = &plain;
	lw_buf_init(&b, LW_REPORT_MAX);
	switch (fmt) {
	case LW_REPORT_TEXT: rc = lw_rep_text(&b, cfg, run, o); break;
	case LW_REPORT_JSON: rc = lw_rep_json(&b, cfg, run); break;
	case LW_REPORT_JUNIT: rc = lw_rep_junit(&b, cfg, run); break;
	case LW_REPORT_OPENMETRICS:
	case LW_REPORT_PROMETHEUS: {
		/* without lake counters or poll times: the caller that has
		 * them renders with lw_metrics_render itself */
		struct lw_metrics_in in = {.cfg = cfg, .run = run,
					   .now = run->finished};
		rc = lw_metrics_render(&in, fmt == LW_REPORT_PROMETHEUS ?
				       LW_METRICS_PROMETHEUS :
				       LW_METRICS_OPENMETRICS, &b);
		break;
	}
	default:
		lw_buf_free(&b);
		return lw_err_set(err, LW_ECONFIG, "report: unknown format %d",
				  (int)fmt);
	}
	if (rc == LW_OK)
		rc = lw_rep_flush(f, &b, err);
	else if (rc == LW_ETOOBIG)
		lw_err_set(err, rc, "report: larger than %zu MiB",
			   LW_REPORT_MAX / LW_BUF_1M);
	else
		lw_err_set(err, rc, "report: %s", lw_rc_name(rc));
	lw_buf_free(&b);
	return rc;
}
