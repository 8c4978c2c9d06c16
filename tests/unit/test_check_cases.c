/* test_check_cases.c - run the data-driven check cases in tests/checks/.
 *
 * Each *.test file holds cases separated by blank lines; '#' starts a
 * comment line. A case is "key: value" lines:
 *
 *   name:      what the case shows (required)
 *   check:     the check kind ("freshness")
 *   config:    the check's JSON config, on one line
 *   now:       the judging time, ISO-8601 or epoch seconds
 *   dataset:   the dataset's name (messages name it); optional
 *   timezone:  the dataset's IANA zone (ctx->tz); optional, UTC
 *   count_rows: false, to say the dataset does not count rows; optional
 *   obs:       the observation, lw_obs_from_json format, on one line
 *   prev:      the previous observation; optional
 *   other:     NAME {json}: another dataset's observation for lookup
 *   accepted:  an observation whose schema is the accepted schema (the
 *              engine's baseline from history); optional
 *   baseline:  ROWS [TEXT]: the row-count baseline and where it came from;
 *              optional
 *   entry:     PATH SIZE: a listed file (repeatable; entries are not part
 *              of the JSON form)
 *   status:    PASS, WARN, FAIL, ERROR, or CONFIG (the config must be
 *              rejected; then "error:" lines are substrings of the errors)
 *   message:   a substring the message must contain (repeatable)
 *   measured:  the exact measured text; optional
 *   threshold: the exact threshold text; optional
 *   error:     a substring of the config errors (status CONFIG)
 *   series:    STEP V V V ...: the metric's past for ctx->series (anomaly),
 *              the last value at now-STEP, each earlier one STEP before;
 *              a value ending in '!' is flagged anomalous, in '+'
 *              accepted. "series: none" gives a NULL series, "series:
 *              error TEXT" one whose history could not be read.
 *   commits:   STEP L L L ...: a Delta table's loads (obs->delta.commits),
 *              the last one at now-STEP like series; L is ROWS (an append
 *              of that many), ROWS/FILES/BYTES, ending in 'o' an overwrite
 *              (the row count's change unknown), or "-" a commit that
 *              changed no rows (an OPTIMIZE).
 *
 * In config, obs, prev, other and series, "${now}", "${now-7h}" and "${now+1d}" are
 * replaced by epoch seconds, so cases read as ages rather than dates, and
 * "${2026-11-22}" (any ISO-8601 time) by that time's epoch seconds.
 * Run from the project root; LW_CHECK_CASES overrides the directory.
 */
#include <stdio.h>
#include <dirent.h>
#include "unit.h"
#include "lakewatch/check.h"
#include "lakewatch/config.h"
#include "lakewatch/tz.h"
#include "lakewatch/util.h"

#define MAX_LIST 16

struct tcase {
	char where[300];	/* "file.test:12" */
	char title[512];	/* where + name: the cmocka test name */
	char *name, *check, *config, *now, *dataset, *obs, *prev, *series;
	char *commits;
	char *other_name, *other, *accepted, *baseline, *timezone;
	bool no_count_rows;
	char *entries[MAX_LIST];
	size_t nentries;
	char *status, *measured, *threshold;
	char *messages[MAX_LIST];
	size_t nmessages;
	char *errors[MAX_LIST];
	size_t nerrors;
	char *bad;		/* a problem with the case file itself */
};

static struct tcase *cases;
static size_t ncases, capcases;

static void case_free(struct tcase *c)
{
	char **one[] = {&c->name, &c->check, &c->config, &c->now, &c->dataset,
			&c->obs, &c->prev, &c->series, &c->other_name, &c->other,
			&c->status, &c->measured, &c->threshold, &c->bad,
			&c->accepted, &c->baseline, &c->timezone, &c->commits};
	for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
		free(*one[i]);
	for (size_t i = 0; i < c->nentries; i++)
		free(c->entries[i]);
	for (size_t i = 0; i < c->nmessages; i++)
		free(c->messages[i]);
	for (size_t i = 0; i < c->nerrors; i++)
		free(c->errors[i]);
}

static void set_once(struct tcase *c, char **slot, const char *key,
		     const char *v)
{
	if (*slot && !c->bad)
		c->bad = lw_xasprintf("%s: key '%s' given twice", c->where, key);
	free(*slot);
	*slot = lw_xstrdup(v);
}

static void add_list(struct tcase *c, char **list, size_t *n, const char *v)
{
	if (*n >= MAX_LIST) {
		if (!c->bad)
			c->bad = lw_xasprintf("%s: too many lines", c->where);
		return;
	}
	list[(*n)++] = lw_xstrdup(v);
}

static void case_line(struct tcase *c, const char *key, const char *v)
{
	if (!strcmp(key, "name")) set_once(c, &c->name, key, v);
	else if (!strcmp(key, "check")) set_once(c, &c->check, key, v);
	else if (!strcmp(key, "config")) set_once(c, &c->config, key, v);
	else if (!strcmp(key, "now")) set_once(c, &c->now, key, v);
	else if (!strcmp(key, "dataset")) set_once(c, &c->dataset, key, v);
	else if (!strcmp(key, "timezone")) set_once(c, &c->timezone, key, v);
	else if (!strcmp(key, "obs")) set_once(c, &c->obs, key, v);
	else if (!strcmp(key, "prev")) set_once(c, &c->prev, key, v);
	else if (!strcmp(key, "series")) set_once(c, &c->series, key, v);
	else if (!strcmp(key, "commits")) set_once(c, &c->commits, key, v);
	else if (!strcmp(key, "status")) set_once(c, &c->status, key, v);
	else if (!strcmp(key, "accepted")) set_once(c, &c->accepted, key, v);
	else if (!strcmp(key, "baseline")) set_once(c, &c->baseline, key, v);
	else if (!strcmp(key, "measured")) set_once(c, &c->measured, key, v);
	else if (!strcmp(key, "threshold")) set_once(c, &c->threshold, key, v);
	else if (!strcmp(key, "count_rows")) c->no_count_rows =
		strcmp(v, "false") == 0;
	else if (!strcmp(key, "entry"))
		add_list(c, c->entries, &c->nentries, v);
	else if (!strcmp(key, "message"))
		add_list(c, c->messages, &c->nmessages, v);
	else if (!strcmp(key, "error"))
		add_list(c, c->errors, &c->nerrors, v);
	else if (!strcmp(key, "other")) {
		const char *sp = strchr(v, ' ');
		if (!sp) {
			if (!c->bad)
				c->bad = lw_xasprintf("%s: other: NAME {json}",
						      c->where);
			return;
		}
		free(c->other_name);
		free(c->other);
		c->other_name = lw_xstrndup(v, (size_t)(sp - v));
		c->other = lw_xstrdup(sp + 1);
	} else if (!c->bad)
		c->bad = lw_xasprintf("%s: unknown key '%s'", c->where, key);
}

static struct tcase *new_case(const char *file, int line)
{
	lw_xgrow((void **)&cases, &capcases, ncases, sizeof *cases);
	struct tcase *c = &cases[ncases++];
	memset(c, 0, sizeof *c);
	snprintf(c->where, sizeof c->where, "%s:%d", file, line);
	return c;
}

static void load_file(const char *path, const char *base)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		struct tcase *c = new_case(base, 0);
		c->bad = lw_xasprintf("%s: cannot open", path);
		return;
	}
	char line[8192];
	int ln = 0;
	struct tcase *c = NULL;
	while (fgets(line, sizeof line, f)) {
		ln++;
		size_t l = strlen(line);
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = '\0';
		if (line[0] == '#')
			continue;
		if (l == 0) {
			c = NULL;
			continue;
		}
		if (!c)
			c = new_case(base, ln);
		char *colon = strchr(line, ':');
		if (!colon) {
			if (!c->bad)
				c->bad = lw_xasprintf("%s:%d: expected "
						      "'key: value'", base, ln);
			continue;
		}
		*colon = '\0';
		char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		case_line(c, line, v);
	}
	fclose(f);
}

/* Replace ${now}, ${now-DUR}, ${now+DUR} with epoch seconds. Caller frees.
 * NULL (and *err set) on a bad token. */
static char *expand(const char *s, int64_t now, char **err)
{
	struct lw_buf b;
	lw_buf_init(&b, LW_BUF_1M);
	const char *p = s;
	while (*p) {
		const char *t = strstr(p, "${");
		if (!t) {
			assert_int_equal(lw_buf_adds(&b, p), LW_OK);
			break;
		}
		assert_int_equal(lw_buf_add(&b, p, (size_t)(t - p)), LW_OK);
		const char *e = strchr(t, '}');
		if (!e) {
			*err = lw_xasprintf("unterminated ${ in '%s'", s);
			lw_buf_free(&b);
			return NULL;
		}
		int64_t v = now, d;
		const char *q = t + 5;
		if (strncmp(t, "${now", 5) != 0) {
			/* ${2026-11-22} or ${2026-11-22T05:00:00Z} */
			char iso[64];
			size_t n = (size_t)(e - t - 2);
			if (n >= sizeof iso) {
				*err = lw_xasprintf("bad ${...} in '%s'", s);
				lw_buf_free(&b);
				return NULL;
			}
			memcpy(iso, t + 2, n);
			iso[n] = '\0';
			if (lw_time_parse(iso, &v) != LW_OK) {
				*err = lw_xasprintf("bad time '%s'", iso);
				lw_buf_free(&b);
				return NULL;
			}
		} else if (q < e) {
			char dur[64];
			size_t n = (size_t)(e - q - 1);
			if ((*q != '-' && *q != '+') || n == 0 ||
			    n >= sizeof dur) {
				*err = lw_xasprintf("bad ${now...} in '%s'", s);
				lw_buf_free(&b);
				return NULL;
			}
			memcpy(dur, q + 1, n);
			dur[n] = '\0';
			if (lw_duration_parse(dur, &d) != LW_OK) {
				*err = lw_xasprintf("bad duration '%s'", dur);
				lw_buf_free(&b);
				return NULL;
			}
			v = *q == '-' ? now - d : now + d;
		}
		assert_int_equal(lw_buf_addf(&b, "%lld", (long long)v), LW_OK);
		p = e + 1;
	}
	return lw_buf_steal(&b);
}

static int obs_parse(const char *text, int64_t now, struct lw_obs *o,
		     char **err)
{
	char *x = expand(text, now, err);
	if (!x)
		return -1;
	cJSON *j = cJSON_Parse(x);
	free(x);
	if (!j || lw_obs_from_json(j, o) != LW_OK) {
		*err = lw_xasprintf("bad observation JSON: %s", text);
		cJSON_Delete(j);
		return -1;
	}
	cJSON_Delete(j);
	return 0;
}

static const struct lw_obs *other_obs;
static const char *other_name;
static const struct lw_obs *lookup(void *ud, const char *name)
{
	(void)ud;
	return other_name && strcmp(name, other_name) == 0 ? other_obs : NULL;
}

static struct lw_series case_series;
static const struct lw_series *series_cb(void *ud, const char *dataset,
					 enum lw_metric m, int64_t since)
{
	(void)dataset;
	(void)m;
	(void)since;
	return ud ? &case_series : NULL;
}

/* One commits: token into c (see the top); false when it is not one. */
static bool commit_tok(const char *tok, struct lw_delta_commit *c)
{
	long long r = -1, f = -1, b = -1;
	size_t n = strlen(tok);
	bool over = n && tok[n - 1] == 'o';
	*c = (struct lw_delta_commit){.rows = -1, .files = -1, .bytes = -1};
	if (!strcmp(tok, "-")) {
		c->net = 0;
		return true;
	}
	int k = sscanf(tok, "%lld/%lld/%lld", &r, &f, &b);
	if (k < 1 || r < 0)
		return false;
	c->rows = r;
	c->files = k >= 2 ? f : -1;
	c->bytes = k >= 3 ? b : -1;
	c->net = over ? LW_DELTA_NET_UNKNOWN : r;
	return true;
}

/* "STEP L L ...": o's Delta commits, the last at now-STEP. */
static int commits_parse(const char *text, int64_t now, struct lw_obs *o,
			 char **err)
{
	char step_s[32], tok[64];
	int used = 0;
	int64_t step;
	size_t cap = 0, n = 0;
	struct lw_delta_commit *v = NULL;
	if (sscanf(text, "%31s%n", step_s, &used) != 1 ||
	    lw_duration_parse(step_s, &step) != LW_OK || step <= 0) {
		*err = lw_xasprintf("commits: STEP L L ... (got '%s')", text);
		return -1;
	}
	for (const char *p = text + used; sscanf(p, "%63s%n", tok, &used) ==
	     1; p += used) {
		lw_xgrow((void **)&v, &cap, n, sizeof *v);
		if (!commit_tok(tok, &v[n])) {
			*err = lw_xasprintf("commits: bad load '%s'", tok);
			free(v);
			return -1;
		}
		v[n].version = (int64_t)n;
		n++;
	}
	for (size_t i = 0; i < n; i++)
		v[i].at = now - (int64_t)(n - i) * step;
	o->delta.present = true;
	o->delta.commits = v;
	o->delta.ncommits = n;
	return 0;
}

/* "STEP V V ...": points ending at now-STEP. Caller frees *pts. */
static int series_parse(const char *text, int64_t now, struct lw_point **pts,
			size_t *n, char **err)
{
	char step_s[32];
	int used = 0;
	int64_t step;
	*pts = NULL;
	*n = 0;
	if (sscanf(text, "%31s%n", step_s, &used) != 1 ||
	    lw_duration_parse(step_s, &step) != LW_OK || step <= 0) {
		*err = lw_xasprintf("series: STEP V V ... (got '%s')", text);
		return -1;
	}
	size_t cap = 0;
	const char *p = text + used;
	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		char *end;
		double v = strtod(p, &end);
		if (end == p) {
			*err = lw_xasprintf("series: bad value at '%s'", p);
			free(*pts);
			return -1;
		}
		lw_xgrow((void **)pts, &cap, *n, sizeof **pts);
		(*pts)[*n].v = v;
		(*pts)[*n].flags = *end == '!' ? LW_PT_ANOMALOUS :
				   *end == '+' ? LW_PT_ACCEPTED : 0;
		if (*end == '!' || *end == '+')
			end++;
		(*n)++;
		p = end;
	}
	for (size_t i = 0; i < *n; i++)
		(*pts)[i].t = now - (int64_t)(*n - i) * step;
	return 0;
}

static void run_case(void **state)
{
	struct tcase *c = *state;
	if (c->bad)
		fail_msg("%s", c->bad);
	if (!c->name || !c->check || !c->config || !c->status)
		fail_msg("%s: a case needs name, check, config and status",
			 c->where);
	const struct lw_check_kind *k = lw_check_kind_find(c->check);
	if (!k)
		fail_msg("%s: unknown check '%s'", c->where, c->check);
	int64_t now = 0;
	if (c->now && lw_time_parse(c->now, &now) != LW_OK) {
		char *end;
		now = strtoll(c->now, &end, 10);
		if (*end)
			fail_msg("%s: bad now '%s'", c->where, c->now);
	}
	char *err = NULL;
	char *cfgtext = expand(c->config, now, &err);
	if (!cfgtext)
		fail_msg("%s: %s", c->where, err);
	cJSON *cj = cJSON_Parse(cfgtext);
	free(cfgtext);
	if (!cj)
		fail_msg("%s: config is not JSON", c->where);
	struct lw_cfgctx cc;
	lw_cfgctx_init(&cc, "case.json", NULL);
	void *cfg = k->parse(cj, &cc);
	cJSON_Delete(cj);
	const char *errs = cc.errors.data ? cc.errors.data : "";
	if (!strcmp(c->status, "CONFIG")) {
		if (cfg) {
			k->free(cfg);
			lw_cfgctx_free(&cc);
			fail_msg("%s: config accepted, expected an error",
				 c->where);
		}
		if (!c->nerrors)
			fail_msg("%s: status CONFIG needs error: lines",
				 c->where);
		for (size_t i = 0; i < c->nerrors; i++)
			if (!strstr(errs, c->errors[i]))
				fail_msg("%s: errors '%s' lack '%s'", c->where,
					 errs, c->errors[i]);
		lw_cfgctx_free(&cc);
		return;
	}
	if (!cfg)
		fail_msg("%s: config rejected: %s", c->where, errs);
	lw_cfgctx_free(&cc);
	enum lw_status want;
	if (lw_status_parse(c->status, &want) != LW_OK)
		fail_msg("%s: bad status '%s'", c->where, c->status);

	struct lw_obs o, p, other, acc;
	lw_obs_init(&o);
	lw_obs_init(&p);
	lw_obs_init(&other);
	lw_obs_init(&acc);
	if (c->accepted && obs_parse(c->accepted, now, &acc, &err))
		fail_msg("%s: accepted: %s", c->where, err);
	if (!c->obs || obs_parse(c->obs, now, &o, &err))
		fail_msg("%s: %s", c->where, err ? err : "obs: is required");
	if (c->prev && obs_parse(c->prev, now, &p, &err))
		fail_msg("%s: prev: %s", c->where, err);
	if (c->commits && commits_parse(c->commits, now, &o, &err))
		fail_msg("%s: %s", c->where, err);
	if (c->other && obs_parse(c->other, now, &other, &err))
		fail_msg("%s: other: %s", c->where, err);
	for (size_t i = 0; i < c->nentries; i++) {
		char path[1024];
		long long size;
		if (sscanf(c->entries[i], "%1023s %lld", path, &size) != 2)
			fail_msg("%s: entry: PATH SIZE", c->where);
		lw_xgrow((void **)&o.entries, &o.capentries, o.nentries,
			 sizeof *o.entries);
		o.entries[o.nentries].path = lw_xstrdup(path);
		o.entries[o.nentries].size = size;
		o.entries[o.nentries].mtime = now;
		o.nentries++;
	}
	struct lw_dataset ds = {.name = c->dataset ? c->dataset : "dataset",
				.count_rows = !c->no_count_rows};
	other_obs = c->other ? &other : NULL;
	other_name = c->other_name;
	struct lw_point *pts = NULL;
	size_t npts = 0;
	bool has_series = c->series && strcmp(c->series, "none") != 0;
	const char *series_err = has_series && !strncmp(c->series, "error ", 6)
				 ? c->series + 6 : NULL;
	if (has_series && !series_err) {
		char *sx = expand(c->series, now, &err);
		if (!sx || series_parse(sx, now, &pts, &npts, &err))
			fail_msg("%s: %s", c->where, err);
		free(sx);
	}
	case_series = (struct lw_series){pts, npts, "history", series_err};
	struct lw_judge_ctx ctx = {.ds = &ds, .obs = &o,
				   .prev = c->prev ? &p : NULL, .now = now,
				   .lookup = lookup, .series = series_cb,
				   .series_ud = has_series ? &case_series
				   : NULL};
	struct lw_tz *tz = NULL;
	if (c->timezone) {
		struct lw_err tzerr = {0};
		if (lw_tz_load(c->timezone, &tz, &tzerr) != LW_OK)
			fail_msg("%s: timezone: %s", c->where, tzerr.msg);
		ds.tz = ctx.tz = tz;
	}
	if (c->accepted) {
		ctx.accepted_schema = &acc.schema;
		ctx.accepted_schema_from = "accepted by ann at 2026-11-20T08:00:00Z";
	}
	if (c->baseline) {
		char *end;
		ctx.has_baseline_rows = true;
		ctx.baseline_rows = strtod(c->baseline, &end);
		if (end == c->baseline)
			fail_msg("%s: baseline: ROWS [TEXT]", c->where);
		while (*end == ' ')
			end++;
		ctx.baseline_from = *end ? end : NULL;
	}
	struct lw_result r;
	memset(&r, 0, sizeof r);
	k->run(cfg, &ctx, &r);
	k->free(cfg);
	free(pts);

	if (!r.check || !r.message || !r.measured || !r.threshold)
		fail_msg("%s: result not filled", c->where);
	if (r.status != want)
		fail_msg("%s: status %s, expected %s; message: %s", c->where,
			 lw_status_name(r.status), c->status, r.message);
	for (size_t i = 0; i < c->nmessages; i++)
		if (!strstr(r.message, c->messages[i]))
			fail_msg("%s: message '%s' lacks '%s'", c->where,
				 r.message, c->messages[i]);
	if (c->measured && strcmp(r.measured, c->measured))
		fail_msg("%s: measured '%s', expected '%s'", c->where,
			 r.measured, c->measured);
	if (c->threshold && strcmp(r.threshold, c->threshold))
		fail_msg("%s: threshold '%s', expected '%s'", c->where,
			 r.threshold, c->threshold);
	lw_result_free(&r);
	lw_tz_free(tz);
	lw_obs_free(&o);
	lw_obs_free(&p);
	lw_obs_free(&other);
	lw_obs_free(&acc);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *dir = getenv("LW_CHECK_CASES");
	if (!dir)
		dir = "tests/checks";
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "test_check_cases: cannot open %s (run from "
			"the project root)\n", dir);
		return 1;
	}
	char *files[256];
	size_t nfiles = 0;
	struct dirent *e;
	while ((e = readdir(d)) && nfiles < 256)
		if (lw_str_ends(e->d_name, ".test"))
			files[nfiles++] = lw_xstrdup(e->d_name);
	closedir(d);
	lw_sort(files, nfiles, sizeof *files, by_name);
	for (size_t i = 0; i < nfiles; i++) {
		char *path = lw_xasprintf("%s/%s", dir, files[i]);
		load_file(path, files[i]);
		free(path);
		free(files[i]);
	}
	if (!ncases) {
		fprintf(stderr, "test_check_cases: no cases in %s\n", dir);
		return 1;
	}
	struct CMUnitTest *tests = lw_xcalloc(ncases, sizeof *tests);
	for (size_t i = 0; i < ncases; i++) {
		struct tcase *c = &cases[i];
		snprintf(c->title, sizeof c->title, "%s %s", c->where,
			 c->name ? c->name : "(unnamed)");
		tests[i].name = c->title;
		tests[i].test_func = run_case;
		tests[i].initial_state = c;
	}
	int rc = _cmocka_run_group_tests("check_cases", tests, ncases, NULL,
					 NULL);
	for (size_t i = 0; i < ncases; i++)
		case_free(&cases[i]);
	free(cases);
	free(tests);
	return rc;
}
