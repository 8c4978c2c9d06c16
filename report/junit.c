/* junit.c - JUnit XML for CI test tabs (GitLab, Azure DevOps, Jenkins).
 *
 * One <testsuite> per data source, one <testcase> per dataset check with
 * classname "source.layer" and name "dataset check". FAIL is a <failure>,
 * ERROR an <error>. WARN is a passing test case whose <system-out> says
 * "WARN: ...": warnings do not fail a pipeline (soda and dbt agree), and
 * `--fail-on warn` is the exit code's business, not the test tab's.
 * Times are UTC; JUnit's timestamp has no zone, so the 'Z' is left off.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/util.h"
#include "lakewatch/incident.h"
#include "report_int.h"

struct jw {
	struct lw_buf *b;
	int rc;
};

static void add(struct jw *w, const char *s)
{
	if (w->rc == LW_OK)
		w->rc = lw_buf_adds(w->b, s);
}

/* Cleaned and escaped; attr: for a "..." attribute. */
static void esc(struct jw *w, const char *raw, bool attr)
{
	char *s = lw_rep_clean(raw ? raw : "", LW_CLEAN_XML);
	if (w->rc == LW_OK)
		w->rc = lw_rep_xml(w->b, s, attr);
	free(s);
}

static void attr(struct jw *w, const char *name, const char *raw)
{
	add(w, " ");
	add(w, name);
	add(w, "=\"");
	esc(w, raw, true);
	add(w, "\"");
}

static void attr_num(struct jw *w, const char *name, double v, bool frac)
{
	char buf[64];
	snprintf(buf, sizeof buf, frac ? "%.3f" : "%.0f", v);
	attr(w, name, buf);
}

static const char *stamp(int64_t t, char *buf, size_t n)
{
	size_t len;
	lw_time_fmt(t < 0 ? 0 : t, buf, n);
	len = strlen(buf);
	if (len && buf[len - 1] == 'Z')
		buf[len - 1] = '\0';
	return buf;
}

struct tally {
	int tests, failures, errors;
	double time;
};

/* What a dataset adds to its suite; a dataset with no results but a bad
 * status still gets one "observe" case, so an error is never invisible. */
static void tally_ds(const struct lw_ds_run *d, struct tally *t)
{
	if (!d->nresults) {
		if (d->status != LW_PASS) {
			t->tests++;
			t->errors += d->status == LW_ERROR;
			t->failures += d->status == LW_FAIL;
		}
	}
	for (size_t i = 0; i < d->nresults; i++) {
		t->tests++;
		t->failures += d->results[i].status == LW_FAIL;
		t->errors += d->results[i].status == LW_ERROR;
	}
	t->time += d->seconds;
}

/* d: the dataset, NULL for the run's own (history) case. */
static void body(struct jw *w, const struct lw_ds_run *d,
		 const struct lw_result *x, const struct lw_incident *inc)
{
	char since[32], age[32], *line = NULL;
	/* an impacted dataset names its root cause first */
	char *cause = d && d->impacted && d->root ?
		lw_ds_cause(d->root) : NULL;
	if (inc)
		line = lw_xasprintf("\nincident: #%lld, open since %s (%s, %lld "
				    "polls)", (long long)inc->id,
				    lw_time_fmt(inc->opened, since,
						sizeof since),
				    lw_duration_fmt(lw_rep_incident_age(inc),
						    age, sizeof age),
				    (long long)inc->polls);
	char *s = lw_xasprintf("%s%s%s%s%s%s%s%s",
			       x->message ? x->message : "",
			       cause ? "\nroot cause: " : "",
			       cause ? cause : "",
			       x->measured ? "\nmeasured: " : "",
			       x->measured ? x->measured : "",
			       x->threshold ? "\nthreshold: " : "",
			       x->threshold ? x->threshold : "",
			       line ? line : "");
	free(line);
	free(cause);
	esc(w, s, false);
	free(s);
}

/* The incident and the root cause as testcase properties, for CI tools
 * that read them. */
static void inc_props(struct jw *w, const struct lw_ds_run *d,
		      const struct lw_incident *inc)
{
	char t[32], n[32];
	bool root = d->impacted && d->root;
	if (!inc && !root)
		return;
	add(w, "      <properties>\n");
	if (root) {
		add(w, "        <property name=\"root\"");
		attr(w, "value", d->root->ds->name);
		add(w, "/>\n");
	}
	if (!inc) {
		add(w, "      </properties>\n");
		return;
	}
	snprintf(n, sizeof n, "%lld", (long long)inc->id);
	add(w, "        <property name=\"incident\"");
	attr(w, "value", n);
	add(w, "/>\n        <property name=\"incident_opened\"");
	attr(w, "value", lw_time_fmt(inc->opened, t, sizeof t));
	add(w, "/>\n        <property name=\"incident_age_seconds\"");
	snprintf(n, sizeof n, "%lld", (long long)lw_rep_incident_age(inc));
	attr(w, "value", n);
	add(w, "/>\n");
	if (inc->acked_by) {
		add(w, "        <property name=\"acknowledged_by\"");
		attr(w, "value", inc->acked_by);
		add(w, "/>\n");
	}
	add(w, "      </properties>\n");
}

static void testcase(struct jw *w, const char *classname,
		     const struct lw_ds_run *d, const struct lw_result *x,
		     const struct lw_incident *inc, double secs)
{
	char *name = lw_xasprintf("%s %s", d->ds->name,
				  x->check ? x->check : "?");

	add(w, "    <testcase");
	attr(w, "classname", classname);
	attr(w, "name", name);
	attr_num(w, "time", secs, true);
	free(name);
	switch (x->status) {
	case LW_PASS:
		add(w, "/>\n");
		return;
	case LW_WARN:
		add(w, ">\n");
		inc_props(w, d, inc);
		add(w, "      <system-out>WARN: ");
		body(w, d, x, inc);
		add(w, "</system-out>\n");
		break;
	case LW_FAIL:
		add(w, ">\n");
		inc_props(w, d, inc);
		add(w, "      <failure");
		attr(w, "message", x->message ? x->message : "failed");
		attr(w, "type", "FAIL");
		add(w, ">");
		body(w, d, x, inc);
		add(w, "</failure>\n");
		break;
	default:
		add(w, ">\n");
		inc_props(w, d, inc);
		add(w, "      <error");
		attr(w, "message", x->message ? x->message : "error");
		attr(w, "type", "ERROR");
		add(w, ">");
		body(w, d, x, inc);
		add(w, "</error>\n");
		break;
	}
	add(w, "    </testcase>\n");
}

static void dataset_cases(struct jw *w, const struct lw_config *cfg,
			  const struct lw_ds_run *d)
{
	const char *src = d->ds->source >= 0 &&
		(size_t)d->ds->source < cfg->nsources ?
		cfg->sources[d->ds->source].id : "unknown";
	char *classname = lw_xasprintf("%s.%s", src,
				       lw_layer_name(d->ds->layer));
	double secs = d->nresults ? d->seconds / (double)d->nresults :
		d->seconds;

	if (!d->nresults && d->status != LW_PASS) {
		struct lw_result x = {.check = "observe", .status = d->status,
				      .message = d->obs.error};
		testcase(w, classname, d, &x, NULL, secs);
	}
	for (size_t i = 0; i < d->nresults; i++)
		testcase(w, classname, d, &d->results[i],
			 lw_rep_incident(d, i), secs);
	free(classname);
}

static bool in_source(const struct lw_config *cfg, const struct lw_ds_run *d,
		      long src)
{
	bool known = d->ds->source >= 0 &&
		(size_t)d->ds->source < cfg->nsources;
	return src < 0 ? !known : known && d->ds->source == src;
}

/* One suite; src -1 collects datasets whose source is not configured. */
static void suite(struct jw *w, const struct lw_config *cfg,
		  const struct lw_run *run, long src, const char *ts,
		  struct tally *all)
{
	struct tally t = {0};
	size_t n = 0;

	for (size_t i = 0; i < run->n; i++)
		if (in_source(cfg, &run->ds[i], src)) {
			tally_ds(&run->ds[i], &t);
			n++;
		}
	if (!n)
		return;
	add(w, "  <testsuite");
	attr(w, "name", src >= 0 ? cfg->sources[src].id : "unknown");
	attr_num(w, "tests", t.tests, false);
	attr_num(w, "failures", t.failures, false);
	attr_num(w, "errors", t.errors, false);
	attr(w, "skipped", "0");
	attr(w, "timestamp", ts);
	attr_num(w, "time", t.time, true);
	add(w, ">\n");
	if (src >= 0 && cfg->sources[src].title) {
		add(w, "    <properties><property name=\"title\"");
		attr(w, "value", cfg->sources[src].title);
		add(w, "/></properties>\n");
	}
	for (size_t i = 0; i < run->n; i++)
		if (in_source(cfg, &run->ds[i], src))
			dataset_cases(w, cfg, &run->ds[i]);
	add(w, "  </testsuite>\n");
	all->tests += t.tests;
	all->failures += t.failures;
	all->errors += t.errors;
	all->time += t.time;
}

/* See report_int.h. */
int lw_rep_junit(struct lw_buf *b, const struct lw_config *cfg,
		 const struct lw_run *run)
{
	struct jw w = {b, LW_OK};
	struct lw_buf suites;
	struct tally all = {0};
	char ts[40];
	char *title;

	stamp(run->started, ts, sizeof ts);
	/* Suites first into their own buffer: <testsuites> carries totals. */
	lw_buf_init(&suites, LW_REPORT_MAX);
	w.b = &suites;
	for (size_t i = 0; i < cfg->nsources; i++)
		suite(&w, cfg, run, (long)i, ts, &all);
	suite(&w, cfg, run, -1, ts, &all);
	if (run->history_error) {
		struct lw_result x = {.check = "history", .status = LW_ERROR,
				      .message = run->history_error};
		add(&w, "  <testsuite name=\"lakewatch\" tests=\"1\" "
		    "failures=\"0\" errors=\"1\" skipped=\"0\"");
		attr(&w, "timestamp", ts);
		add(&w, " time=\"0.000\">\n    <testcase "
		    "classname=\"lakewatch\" name=\"history\" "
		    "time=\"0.000\">\n      <error");
		attr(&w, "message", x.message);
		attr(&w, "type", "ERROR");
		add(&w, ">");
		body(&w, NULL, &x, NULL);
		add(&w, "</error>\n    </testcase>\n  </testsuite>\n");
		all.tests++;
		all.errors++;
	}

	w.b = b;
	add(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	title = lw_xasprintf("lakewatch: %s", cfg->name ? cfg->name : "");
	attr(&w, "name", title);
	free(title);
	attr_num(&w, "tests", all.tests, false);
	attr_num(&w, "failures", all.failures, false);
	attr_num(&w, "errors", all.errors, false);
	attr(&w, "skipped", "0");
	attr(&w, "timestamp", ts);
	attr_num(&w, "time", run->finished > run->started ?
		 (double)(run->finished - run->started) : all.time, true);
	add(&w, ">\n");
	if (w.rc == LW_OK && suites.len)
		w.rc = lw_buf_add(b, suites.data, suites.len);
	add(&w, "</testsuites>\n");
	lw_buf_free(&suites);
	return w.rc;
}
