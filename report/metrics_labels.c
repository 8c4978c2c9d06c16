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

/* The checks of dataset i; a name a result before it had gets NULL, so
 * a dataset never has two series with the same labels (an engine-made
 * "observe" next to a configured check of that name). Datasets mostly
 * share their checks: a name the previous dataset had at the same place
 * shares its string, so 50,000 results are not 50,000 redactions. */
static char **escape_checks(struct lw_mx *m, size_t i)
{
	const struct lw_ds_run *d = &m->in->run->ds[i];
	const struct lw_ds_run *p = i ? &m->in->run->ds[i - 1] : NULL;
	char **out = lw_xcalloc(d->nresults ? d->nresults : 1, sizeof *out);

	for (size_t k = 0; k < d->nresults; k++) {
		const char *name = d->results[k].check ? d->results[k].check :
				   "";
		bool seen = false;
		for (size_t j = 0; j < k && !seen; j++)
			seen = strcmp(name, d->results[j].check ?
				      d->results[j].check : "") == 0;
		if (seen)
			continue;
		if (p && k < p->nresults && m->checks[i - 1][k] &&
		    p->results[k].check && strcmp(name, p->results[k].check)
		    == 0) {
			out[k] = m->checks[i - 1][k];
			continue;
		}
		if (m->nowned == m->capowned) {
			m->capowned = m->capowned ? 2 * m->capowned : 16;
			m->owned = lw_xrealloc(m->owned, m->capowned *
					       sizeof *m->owned);
		}
		out[k] = m->owned[m->nowned++] = lw_mx_escape(name);
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
		m->checks[i] = escape_checks(m, i);
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
		free(m->checks[i]);	/* the strings are in owned */
	free(m->checks);
	free_list(m->owned, m->nowned);
	m->owned = NULL;
	m->nowned = m->capowned = 0;
	free_list(m->ds, n);
	free_list(m->sources, m->in->cfg->nsources);
	free_list(m->consumers, m->in->cfg->nconsumers);
	m->ds = NULL;
	m->checks = NULL;
	m->sources = m->consumers = NULL;
}
