/* files.c - file count, empty files, file sizes and file names.
 *
 *   "files": {"count": {"min": {"fail": 1}, "max": {"warn": 5000}},
 *             "empty": "warn",
 *             "size": {"min": {"warn": "1KB"}, "max": {"fail": "1GB"}},
 *             "name": "^part-\\d{5}"}
 *
 * "empty" (warn|fail|ignore, default ignore) judges 0-byte files; "size.min"
 * looks only at non-empty files, so an empty file is reported once, by
 * "empty". "name" is a PCRE2 pattern matched against each file's base name,
 * or {"pattern": "...", "status": "warn"} (default fail). Offending files are
 * named, up to three, with the total.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/limits.h"
#include "lakewatch/config.h"
#include "lakewatch/util.h"

#define SHOW 3

struct files_cfg {
	struct lw_limit cmin, cmax;	/* file count */
	struct lw_limit smin, smax;	/* bytes per file */
	enum lw_status empty;		/* LW_PASS = ignore */
	pcre2_code *name;		/* owned, may be NULL */
	char *name_src;			/* owned */
	enum lw_status name_status;
};

static void files_free(void *p)
{
	struct files_cfg *c = p;
	if (!c)
		return;
	pcre2_code_free(c->name);
	free(c->name_src);
	free(c);
}

/* "count"/"size": {"min": limit, "max": limit}. */
static int min_max(struct lw_cfgctx *cc, const cJSON *node, const char *key,
		   enum lw_unit u, struct lw_limit *min, struct lw_limit *max)
{
	static const char *const keys[] = {"min", "max", NULL};
	char what[32];
	memset(min, 0, sizeof *min);
	memset(max, 0, sizeof *max);
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(node, key);
	if (!n)
		return LW_OK;
	snprintf(what, sizeof what, "files.%s", key);
	if (lw_cfg_object(cc, n, what) != LW_OK ||
	    lw_cfg_keys(cc, n, what, keys) != LW_OK)
		return LW_ECONFIG;
	int a = lw_limit_get(cc, n, "min", what, u, LW_DIR_MIN, min);
	int b = lw_limit_get(cc, n, "max", what, u, LW_DIR_MAX, max);
	if (a != LW_OK || b != LW_OK)
		return LW_ECONFIG;
	if (!lw_limit_set(min) && !lw_limit_set(max))
		return lw_cfg_error(cc, n, "%s: give \"min\", \"max\" or both",
				    what);
	return LW_OK;
}

static int parse_name(struct lw_cfgctx *cc, const cJSON *n,
		      struct files_cfg *c)
{
	static const char *const keys[] = {"pattern", "status", NULL};
	const cJSON *pat = n;
	c->name_status = LW_FAIL;
	if (cJSON_IsObject(n)) {
		if (lw_cfg_keys(cc, n, "files.name", keys) != LW_OK)
			return LW_ECONFIG;
		pat = cJSON_GetObjectItemCaseSensitive(n, "pattern");
		if (!pat)
			return lw_cfg_error(cc, n, "files.name: \"pattern\" "
					    "is required");
		if (lw_cfg_severity(cc, n, "status", "files.name", false,
				    &c->name_status) != LW_OK)
			return LW_ECONFIG;
	}
	if (!cJSON_IsString(pat))
		return lw_cfg_error(cc, pat, "files.name: expected a pattern "
				    "string or {\"pattern\": ..., \"status\": "
				    "...}");
	int ec;
	PCRE2_SIZE off;
	c->name = pcre2_compile((PCRE2_SPTR)pat->valuestring,
				PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
	if (!c->name) {
		PCRE2_UCHAR m[256];
		pcre2_get_error_message(ec, m, sizeof m);
		return lw_cfg_error(cc, pat, "files.name: bad pattern at "
				    "offset %zu: %s", (size_t)off, (char *)m);
	}
	c->name_src = lw_xstrdup(pat->valuestring);
	return LW_OK;
}

static void *files_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"count", "empty", "size", "name",
					   NULL};
	if (lw_cfg_object(cc, node, "files") != LW_OK ||
	    lw_cfg_keys(cc, node, "files", keys) != LW_OK)
		return NULL;
	struct files_cfg *c = lw_xcalloc(1, sizeof *c);
	int rc = LW_OK;
	if (min_max(cc, node, "count", LW_U_COUNT, &c->cmin, &c->cmax) != LW_OK)
		rc = LW_ECONFIG;
	if (min_max(cc, node, "size", LW_U_SIZE, &c->smin, &c->smax) != LW_OK)
		rc = LW_ECONFIG;
	if (lw_cfg_severity(cc, node, "empty", "files", true, &c->empty)
	    != LW_OK)
		rc = LW_ECONFIG;
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(node, "name");
	if (n && parse_name(cc, n, c) != LW_OK)
		rc = LW_ECONFIG;
	if (rc == LW_OK && !lw_limit_set(&c->cmin) && !lw_limit_set(&c->cmax)
	    && !lw_limit_set(&c->smin) && !lw_limit_set(&c->smax) &&
	    !cJSON_GetObjectItemCaseSensitive(node, "empty") && !c->name)
		rc = lw_cfg_error(cc, node, "files: give at least one of "
				  "\"count\", \"empty\", \"size\", \"name\"");
	if (rc != LW_OK) {
		files_free(c);
		return NULL;
	}
	return c;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Entries for which pick() holds: count them and name the first few. */
struct pick {
	const char *names[SHOW];
	size_t n;
};

/* Append to a message buffer. The buffer is sticky (buf.h): an append
 * that does not fit fails it for good, and lw_check_msg() at the end shows
 * that instead of a message cut short, so the result needs no checking
 * here. */
static void note(struct lw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct lw_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = lw_buf_vaddf(b, fmt, ap);
	va_end(ap);
	assert(rc == LW_OK || lw_buf_failed(b));
	(void)rc;
}

static void pick_add(struct pick *p, const char *path)
{
	if (p->n < SHOW)
		p->names[p->n] = path;
	p->n++;
}

static void pick_say(struct lw_buf *b, const struct pick *p)
{
	if (!p->n)
		return;
	note(b, ": ");
	if (lw_names_add(b, p->names, p->n, SHOW) != LW_OK)
		assert(lw_buf_failed(b));	/* sticky: shown at the end */
}

static void sep(struct lw_buf *b)
{
	if (b->len)
		note(b, "; ");
}

/* The configured parts, "count max warn 5,000; empty warn; size ...". */
static void files_threshold(const struct files_cfg *c, char *thr, size_t n)
{
	char t1[200], t2[200];
	struct lw_buf tb;
	lw_buf_init(&tb, n - 1);
	if (lw_limit_set(&c->cmin) || lw_limit_set(&c->cmax))
		note(&tb, "count %s", lw_limits_fmt(&c->cmin, &c->cmax,
			    LW_U_COUNT, t1, sizeof t1));
	if (c->empty != LW_PASS)
		note(&tb, "%sempty %s", tb.len ? "; " : "",
			    c->empty == LW_WARN ? "warn" : "fail");
	if (lw_limit_set(&c->smin) || lw_limit_set(&c->smax))
		note(&tb, "%ssize %s", tb.len ? "; " : "",
			    lw_limits_fmt(&c->smin, &c->smax, LW_U_SIZE, t2,
					  sizeof t2));
	if (c->name)
		note(&tb, "%sname %s", tb.len ? "; " : "", c->name_src);
	snprintf(thr, n, "%s", lw_check_msg(&tb));
	lw_buf_free(&tb);
}

/* The sub-rules of "files": each adds what it found to b ("; "-separated)
 * and returns its status; files_run takes the worst. */
typedef enum lw_status (*files_rule)(const struct files_cfg *c,
				     const struct lw_obs *o, struct lw_buf *b);

/* "count": the number of files within min and max. */
static enum lw_status rule_count(const struct files_cfg *c,
				 const struct lw_obs *o, struct lw_buf *b)
{
	if (!lw_limit_set(&c->cmin) && !lw_limit_set(&c->cmax))
		return LW_PASS;
	char why[96], a[48];
	enum lw_dir too;
	enum lw_status s = lw_limits_judge(&c->cmin, &c->cmax,
					   (double)o->files, LW_U_COUNT, &too,
					   why, sizeof why);
	if (s != LW_PASS) {
		sep(b);
		note(b, "too %s files: %s (%s)",
			    too == LW_DIR_MIN ? "few" : "many",
			    lw_thousands_fmt(o->files, a, sizeof a), why);
	}
	return s;
}

/* "empty": 0-byte files, named. */
static enum lw_status rule_empty(const struct files_cfg *c,
				 const struct lw_obs *o, struct lw_buf *b)
{
	if (c->empty == LW_PASS || o->empty_files <= 0)
		return LW_PASS;
	struct pick p = {0};
	for (size_t i = 0; i < o->nentries; i++)
		if (o->entries[i].size == 0)
			pick_add(&p, o->entries[i].path);
	sep(b);
	note(b, "%lld empty file%s", (long long)o->empty_files,
		    o->empty_files == 1 ? "" : "s");
	pick_say(b, &p);
	return c->empty;
}

/* The files beyond the bound that decided s, counted and named. */
static void say_beyond(const struct lw_obs *o, const struct lw_limit *l,
		       enum lw_dir d, enum lw_status s, struct lw_buf *b)
{
	double bound = s == LW_FAIL ? l->fail : l->warn;
	struct pick p = {0};
	for (size_t i = 0; i < o->nentries; i++) {
		double sz = (double)o->entries[i].size;
		if (d == LW_DIR_MIN ? sz > 0 && sz < bound : sz > bound)
			pick_add(&p, o->entries[i].path);
	}
	if (p.n) {
		note(b, ", %zu file%s", p.n, p.n == 1 ? "" : "s");
		pick_say(b, &p);
	}
}

/* "size.min": the smallest non-empty file (empty ones are "empty"'s). */
static enum lw_status rule_size_min(const struct files_cfg *c,
				    const struct lw_obs *o, struct lw_buf *b)
{
	if (!lw_limit_set(&c->smin) || o->files <= 0)
		return LW_PASS;
	/* from the listing when we have it */
	int64_t small = -1;
	for (size_t i = 0; i < o->nentries; i++)
		if (o->entries[i].size > 0 &&
		    (small < 0 || o->entries[i].size < small))
			small = o->entries[i].size;
	if (!o->nentries && o->min_file_size > 0)
		small = o->min_file_size;
	enum lw_status s = small < 0 ? LW_PASS :
		lw_limit_eval(&c->smin, LW_DIR_MIN, (double)small);
	if (s != LW_PASS) {
		char why[96], a[48];
		lw_limit_why(&c->smin, LW_DIR_MIN, s, LW_U_SIZE, why,
			     sizeof why);
		sep(b);
		note(b, "smallest file %s (%s)",
			    lw_bytes_fmt(small, a, sizeof a), why);
		say_beyond(o, &c->smin, LW_DIR_MIN, s, b);
	}
	return s;
}

/* "size.max": the largest file. */
static enum lw_status rule_size_max(const struct files_cfg *c,
				    const struct lw_obs *o, struct lw_buf *b)
{
	if (!lw_limit_set(&c->smax) || o->max_file_size < 0)
		return LW_PASS;
	enum lw_status s = lw_limit_eval(&c->smax, LW_DIR_MAX,
					 (double)o->max_file_size);
	if (s != LW_PASS) {
		char why[96], a[48];
		lw_limit_why(&c->smax, LW_DIR_MAX, s, LW_U_SIZE, why,
			     sizeof why);
		sep(b);
		note(b, "largest file %s (%s)",
			    lw_bytes_fmt(o->max_file_size, a, sizeof a), why);
		say_beyond(o, &c->smax, LW_DIR_MAX, s, b);
	}
	return s;
}

/* "name": every file's base name matches the pattern. */
static enum lw_status rule_name(const struct files_cfg *c,
				const struct lw_obs *o, struct lw_buf *b)
{
	if (!c->name)
		return LW_PASS;
	if (o->files > 0 && o->nentries == 0) {
		sep(b);
		note(b, "file names not checked: no file listing");
		return LW_ERROR;
	}
	enum lw_status st = LW_PASS;
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(c->name,
								    NULL);
	if (mc)	/* a pathological pattern must not hang a poll */
		pcre2_set_match_limit(mc, 100000);
	struct pick p = {0};
	for (size_t i = 0; md && i < o->nentries; i++) {
		const char *bn = base_name(o->entries[i].path);
		if (pcre2_match(c->name, (PCRE2_SPTR)bn, strlen(bn), 0, 0, md,
				mc) < 0)
			pick_add(&p, o->entries[i].path);
	}
	if (!md) {
		sep(b);
		note(b, "file names not checked: out of memory");
		st = LW_ERROR;
	} else if (p.n) {
		sep(b);
		note(b, "%zu of %zu file%s do%s not match name pattern "
			    "%s", p.n, o->nentries, o->nentries == 1 ? "" : "s",
			    p.n == 1 ? "es" : "", c->name_src);
		pick_say(b, &p);
		st = c->name_status;
	}
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	return st;
}

static void files_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		      struct lw_result *out)
{
	static const files_rule rules[] = {rule_count, rule_empty,
		rule_size_min, rule_size_max, rule_name};
	const struct files_cfg *c = cfgp;
	if (lw_check_unobserved("files", ctx, out))
		return;
	const struct lw_obs *o = ctx->obs;
	char thr[600], a[48], b2[48], b3[48], meas[48];
	enum lw_status st = LW_PASS;
	struct lw_buf b;
	lw_buf_init(&b, LW_CHECK_MSG_MAX);
	files_threshold(c, thr, sizeof thr);
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		enum lw_status s = rules[i](c, o, &b);
		if (s > st)
			st = s;
	}
	snprintf(meas, sizeof meas, "%s file%s",
		 lw_thousands_fmt(o->files, a, sizeof a),
		 o->files == 1 ? "" : "s");
	if (!b.len && o->files > 0)
		note(&b, "%s, %s (smallest %s, largest %s), all within "
			    "limits", meas, lw_bytes_fmt(o->bytes, a, sizeof a),
			    lw_bytes_fmt(o->min_file_size, b2, sizeof b2),
			    lw_bytes_fmt(o->max_file_size, b3, sizeof b3));
	else if (!b.len)
		note(&b, "no files, within limits");
	lw_check_result(out, "files", st, meas, thr, true, (double)o->files,
			lw_check_msg(&b));
	lw_buf_free(&b);
}

const struct lw_check_kind lw_check_files = {
	.name = "files",
	.parse = files_parse,
	.free = files_free,
	.run = files_run,
};
