/* metrics_labels.c - label values: config ids (dataset, check, source,
 * consumer names) cleaned like every report string and escaped as both
 * exposition formats want a double-quoted label value. Each is made once
 * per render (metrics_int.h says why).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/util.h"
#include "report_int.h"
#include "metrics_int.h"

/* See metrics_int.h. Redacted and made valid UTF-8 first (OpenMetrics is
 * UTF-8); then the three escapes both formats define: \\ \" \n. Other
 * bytes, controls included, are legal in a quoted label value. Caller
 * frees. */
char *lw_mx_escape(const char *s)
{
	char *c = lw_rep_clean(s ? s : "", 0);
	size_t n = 0;

	for (const char *p = c; *p; p++)
		n += (*p == '\\' || *p == '"' || *p == '\n') ? 2 : 1;
	char *e = lw_xmalloc(n + 1), *q = e;
	for (const char *p = c; *p; p++) {
		switch (*p) {
		case '\\': *q++ = '\\'; *q++ = '\\'; break;
		case '"': *q++ = '\\'; *q++ = '"'; break;
		case '\n': *q++ = '\\'; *q++ = 'n'; break;
		default: *q++ = *p; break;
		}
	}
	*q = '\0';
	assert((size_t)(q - e) == n);
	free(c);
	return e;
}

static char **escape_ids(const struct lw_named *v, size_t n)
{
	char **out = lw_xcalloc(n ? n : 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = lw_mx_escape(v[i].id);
	return out;
}

/* The checks of one dataset; a name a result before it had gets NULL, so
 * a dataset never has two series with the same labels (an engine-made
 * "observe" next to a configured check of that name). */
static char **escape_checks(const struct lw_ds_run *d)
{
	char **out = lw_xcalloc(d->nresults ? d->nresults : 1, sizeof *out);
	for (size_t i = 0; i < d->nresults; i++) {
		const char *name = d->results[i].check ? d->results[i].check :
				   "";
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(name, d->results[k].check ?
				      d->results[k].check : "") == 0;
		out[i] = seen ? NULL : lw_mx_escape(name);
	}
	return out;
}

/* See metrics_int.h. */
void lw_mx_labels(struct lw_mx *m)
{
	const struct lw_config *cfg = m->in->cfg;
	const struct lw_run *run = m->in->run;
	size_t n = run ? run->n : 0;

	m->ds = lw_xcalloc(n ? n : 1, sizeof *m->ds);
	m->checks = lw_xcalloc(n ? n : 1, sizeof *m->checks);
	for (size_t i = 0; i < n; i++) {
		m->ds[i] = lw_mx_escape(run->ds[i].ds->name);
		m->checks[i] = escape_checks(&run->ds[i]);
	}
	m->sources = escape_ids(cfg->sources, cfg->nsources);
	m->consumers = escape_ids(cfg->consumers, cfg->nconsumers);
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* See metrics_int.h. */
void lw_mx_free_labels(struct lw_mx *m)
{
	const struct lw_run *run = m->in->run;
	size_t n = run ? run->n : 0;

	for (size_t i = 0; i < n; i++)
		free_list(m->checks[i], run->ds[i].nresults);
	free(m->checks);
	free_list(m->ds, n);
	free_list(m->sources, m->in->cfg->nsources);
	free_list(m->consumers, m->in->cfg->nconsumers);
	m->ds = NULL;
	m->checks = NULL;
	m->sources = m->consumers = NULL;
}
