/* schema.c - required, forbidden and unexpected columns, and drift.
 *
 *   "schema": {"required": {"order_id": "int64", "amount": "decimal(10,2)",
 *                           "note": "any"},
 *              "forbidden": ["ssn"], "allow_extra": true, "drift": "warn"}
 *
 * Column names match exactly (case-sensitive). A required "decimal" without
 * precision accepts any decimal. Missing, mistyped, forbidden and (with
 * "allow_extra": false) unexpected columns are FAIL. Drift compares with the
 * accepted schema the engine hands over (the last one accepted with
 * `lakewatch accept`, else the first observed), or without history with the
 * previous observation's schema: added, removed and retyped columns, at the
 * "drift" severity (warn, fail or ignore; default warn).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/limits.h"
#include "lakewatch/util.h"

#define SHOW 5	/* names listed per problem before "and N more" */

struct req {
	char *name;	/* owned */
	bool any;
	struct lw_column col;	/* only type, precision, scale are used */
};

struct schema_cfg {
	struct req *req;	/* owned */
	size_t nreq;
	char **forbid;		/* owned */
	size_t nforbid;
	bool allow_extra;
	enum lw_status drift;	/* LW_PASS = ignore */
};

static void schema_free(void *p)
{
	struct schema_cfg *c = p;
	if (!c)
		return;
	for (size_t i = 0; i < c->nreq; i++)
		free(c->req[i].name);
	free(c->req);
	for (size_t i = 0; i < c->nforbid; i++)
		free(c->forbid[i]);
	free(c->forbid);
	free(c);
}

static int parse_required(struct lw_cfgctx *cc, const cJSON *n,
			  struct schema_cfg *c)
{
	int rc = LW_OK;
	if (!cJSON_IsObject(n))
		return lw_cfg_error(cc, n, "schema.required: expected an object "
				    "of column name to type");
	size_t cnt = (size_t)cJSON_GetArraySize(n);
	c->req = lw_xcalloc(cnt ? cnt : 1, sizeof *c->req);
	const cJSON *e;
	cJSON_ArrayForEach(e, n) {
		struct req *r = &c->req[c->nreq];
		if (!cJSON_IsString(e)) {
			rc = lw_cfg_error(cc, e, "schema.required.%s: expected "
					  "a type string (\"int64\", "
					  "\"decimal(10,2)\", \"any\")",
					  e->string);
			continue;
		}
		if (strcmp(e->valuestring, "any") == 0)
			r->any = true;
		else if (lw_type_parse(e->valuestring, &r->col.type,
				       &r->col.precision, &r->col.scale)
			 != LW_OK) {
			rc = lw_cfg_error(cc, e, "schema.required.%s: unknown "
					  "type '%s'", e->string,
					  e->valuestring);
			continue;
		}
		r->name = lw_xstrdup(e->string);
		c->nreq++;
	}
	return rc;
}

static int parse_forbidden(struct lw_cfgctx *cc, const cJSON *n,
			   struct schema_cfg *c)
{
	int rc = LW_OK;
	if (!cJSON_IsArray(n))
		return lw_cfg_error(cc, n, "schema.forbidden: expected an array "
				    "of column names");
	size_t cnt = (size_t)cJSON_GetArraySize(n);
	c->forbid = lw_xcalloc(cnt ? cnt : 1, sizeof *c->forbid);
	const cJSON *e;
	cJSON_ArrayForEach(e, n) {
		if (!cJSON_IsString(e)) {
			rc = lw_cfg_error(cc, e, "schema.forbidden: expected "
					  "column names (strings)");
			continue;
		}
		for (size_t i = 0; i < c->nreq; i++)
			if (strcmp(c->req[i].name, e->valuestring) == 0)
				rc = lw_cfg_error(cc, e, "schema: column '%s' "
						  "is both required and "
						  "forbidden", e->valuestring);
		c->forbid[c->nforbid++] = lw_xstrdup(e->valuestring);
	}
	return rc;
}

static void *schema_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"required", "forbidden",
					   "allow_extra", "drift", NULL};
	if (lw_cfg_object(cc, node, "schema") != LW_OK ||
	    lw_cfg_keys(cc, node, "schema", keys) != LW_OK)
		return NULL;
	struct schema_cfg *c = lw_xcalloc(1, sizeof *c);
	c->allow_extra = true;
	c->drift = LW_WARN;
	int rc = LW_OK;
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(node, "required");
	if (n && parse_required(cc, n, c) != LW_OK)
		rc = LW_ECONFIG;
	n = cJSON_GetObjectItemCaseSensitive(node, "forbidden");
	if (n && parse_forbidden(cc, n, c) != LW_OK)
		rc = LW_ECONFIG;
	if (lw_cfg_bool(cc, node, "allow_extra", false, &c->allow_extra)
	    != LW_OK)
		rc = LW_ECONFIG;
	if (lw_cfg_severity(cc, node, "drift", "schema", true, &c->drift)
	    != LW_OK)
		rc = LW_ECONFIG;
	if (rc != LW_OK) {
		schema_free(c);
		return NULL;
	}
	return c;
}

static bool type_ok(const struct req *r, const struct lw_column *have)
{
	if (r->any)
		return true;
	if (r->col.type != have->type)
		return false;
	if (r->col.type == LW_T_DECIMAL && r->col.precision > 0)
		return r->col.precision == have->precision &&
		       r->col.scale == have->scale;
	return true;
}

/* A list of names or phrases; phrases we made are freed with the list. */
struct list {
	const char **v;
	char **own;
	size_t n, nown;
};

static void list_add(struct list *l, const char *s, size_t cap)
{
	if (!l->v)
		l->v = lw_xcalloc(cap ? cap : 1, sizeof *l->v);
	if (l->n < cap)
		l->v[l->n++] = s;
}

static void list_add_own(struct list *l, char *s, size_t cap)
{
	if (!l->own)
		l->own = lw_xcalloc(cap ? cap : 1, sizeof *l->own);
	if (l->nown >= cap || l->n >= cap) {
		free(s);
		return;
	}
	l->own[l->nown++] = s;
	list_add(l, s, cap);
}

static void list_free(struct list *l)
{
	for (size_t i = 0; i < l->nown; i++)
		free(l->own[i]);
	free(l->own);
	free(l->v);
}

/* "; label: a, b" into b when l is not empty. */
static int say(struct lw_buf *b, const char *label, const struct list *l)
{
	if (!l->n)
		return LW_OK;
	int rc = lw_buf_addf(b, "%s%s", b->len ? "; " : "", label);
	return rc ? rc : lw_names_add(b, l->v, l->n, SHOW);
}

/* Same columns with the same types, in any order. */
static bool same_schema(const struct lw_schema *a, const struct lw_schema *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct lw_column *o = lw_schema_find(b, a->cols[i].name);
		if (!o || !lw_column_same_type(o, &a->cols[i]))
			return false;
	}
	return true;
}

/* The threshold column: what the rule was configured with. */
static void schema_thr(const struct schema_cfg *c, char *thr, size_t n)
{
	snprintf(thr, n, "%zu required, %zu forbidden, extra %s, drift %s",
		 c->nreq, c->nforbid, c->allow_extra ? "allowed" :
		 "not allowed", c->drift == LW_PASS ? "ignored" :
		 c->drift == LW_WARN ? "warn" : "fail");
}

/* ERROR when the observation has no schema, saying why. */
static void no_schema(const struct lw_obs *o, const char *thr,
		      struct lw_result *out)
{
	char msg[LW_CHECK_MSG_MAX];
	if (o->files == 0)
		snprintf(msg, sizeof msg, "no schema observed: no files");
	else if (o->nferrs)
		snprintf(msg, sizeof msg, "no schema observed: %zu file%s "
			 "unreadable (%s: %s)", o->nferrs,
			 o->nferrs == 1 ? "" : "s", o->ferrs[0].path,
			 o->ferrs[0].msg);
	else
		snprintf(msg, sizeof msg, "no schema observed: the format "
			 "does not report one");
	lw_check_result(out, "schema", LW_ERROR, "no schema", thr, false, 0,
			msg);
}

/* What the rule found, each a list of names or phrases (freed together). */
struct findings {
	struct list missing, wrong, forbid, extra;	/* the config's rules */
	struct list added, removed, retyped;		/* drift from base */
	size_t cap;	/* entries per list */
};

static void findings_free(struct findings *f)
{
	list_free(&f->missing);
	list_free(&f->wrong);
	list_free(&f->forbid);
	list_free(&f->extra);
	list_free(&f->added);
	list_free(&f->removed);
	list_free(&f->retyped);
}

/* Required columns missing or mistyped, forbidden ones present, and
 * (without allow_extra) the ones not required. */
static void find_config(const struct schema_cfg *c, const struct lw_schema *s,
			struct findings *f)
{
	char ta[48], tb[48];
	for (size_t i = 0; i < c->nreq; i++) {
		const struct req *r = &c->req[i];
		const struct lw_column *h = lw_schema_find(s, r->name);
		if (!h)
			list_add(&f->missing, r->name, f->cap);
		else if (!type_ok(r, h))
			list_add_own(&f->wrong, lw_xasprintf("%s is %s, expected "
				"%s", r->name, lw_type_fmt(h, ta, sizeof ta),
				r->col.type == LW_T_DECIMAL &&
				r->col.precision == 0 ? "decimal" :
				lw_type_fmt(&r->col, tb, sizeof tb)), f->cap);
	}
	for (size_t i = 0; i < c->nforbid; i++)
		if (lw_schema_find(s, c->forbid[i]))
			list_add(&f->forbid, c->forbid[i], f->cap);
	if (c->allow_extra)
		return;
	for (size_t i = 0; i < s->n; i++) {
		bool known = false;
		for (size_t k = 0; k < c->nreq && !known; k++)
			known = strcmp(c->req[k].name, s->cols[i].name) == 0;
		if (!known)
			list_add(&f->extra, s->cols[i].name, f->cap);
	}
}

/* Columns added, retyped and removed since the base schema p. */
static void find_drift(const struct lw_schema *s, const struct lw_schema *p,
		       struct findings *f)
{
	char ta[48], tb[48];
	for (size_t i = 0; i < s->n; i++) {
		const struct lw_column *was = lw_schema_find(p, s->cols[i].name);
		if (!was)
			list_add(&f->added, s->cols[i].name, f->cap);
		else if (!lw_column_same_type(was, &s->cols[i]))
			list_add_own(&f->retyped, lw_xasprintf(
				"%s (%s \xe2\x86\x92 %s)", s->cols[i].name,
				lw_type_fmt(was, ta, sizeof ta),
				lw_type_fmt(&s->cols[i], tb, sizeof tb)),
				f->cap);
	}
	for (size_t i = 0; i < p->n; i++)
		if (!lw_schema_find(s, p->cols[i].name))
			list_add(&f->removed, p->cols[i].name, f->cap);
}

/* "; schema drift ...: added a; removed b; retyped c" into b. Returns
 * true when an append failed (b is then failed for good, buf.h). */
static bool say_drift(struct lw_buf *b, const struct lw_judge_ctx *ctx,
		      bool from_accepted, const struct findings *f)
{
	bool bad = false;
	if (from_accepted)
		bad |= lw_buf_addf(b, "%sschema drift from the accepted "
				   "schema (%s)", b->len ? "; " : "",
				   ctx->accepted_schema_from ?
				   ctx->accepted_schema_from :
				   "accepted") != LW_OK;
	else
		bad |= lw_buf_addf(b, "%sschema drift since last poll",
				   b->len ? "; " : "") != LW_OK;
	struct lw_buf d;
	bool dbad = false;
	lw_buf_init(&d, LW_CHECK_MSG_MAX);
	dbad |= say(&d, "added ", &f->added);
	dbad |= say(&d, "removed ", &f->removed);
	dbad |= say(&d, "retyped ", &f->retyped);
	assert(dbad == lw_buf_failed(&d));
	(void)dbad;
	bad |= lw_buf_addf(b, ": %s", lw_check_msg(&d)) != LW_OK;
	lw_buf_free(&d);
	return bad;
}

/* "schema from 3 of 6 files; 3 unreadable" into buf when the schema was
 * observed from only part of a file dataset's files (a table format's
 * schema comes from its log, not from the files). */
static bool partial_note(const struct lw_obs *o, char *buf, size_t n)
{
	if (!o->nferrs || o->delta.present || o->files <= 0)
		return false;
	long long seen = o->files - (long long)o->nferrs;
	snprintf(buf, n, "schema from %lld of %lld file%s; %zu unreadable",
		 seen < 0 ? 0 : seen, (long long)o->files,
		 o->files == 1 ? "" : "s", o->nferrs);
	return true;
}

static void schema_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		       struct lw_result *out)
{
	const struct schema_cfg *c = cfgp;
	if (lw_check_unobserved("schema", ctx, out))
		return;
	const struct lw_obs *o = ctx->obs;
	char thr[160], meas[48];
	schema_thr(c, thr, sizeof thr);
	if (!o->has_schema) {
		no_schema(o, thr, out);
		return;
	}
	const struct lw_schema *s = &o->schema;
	/* Drift is measured from the accepted schema when history has one,
	 * so a removed column keeps failing until it is back or accepted. */
	const struct lw_schema *prev = ctx->prev && ctx->prev->has_schema ?
		&ctx->prev->schema : NULL;
	const struct lw_schema *base = ctx->accepted_schema ?
		ctx->accepted_schema : prev;
	/* Same as the last poll's: say so in the words used before there
	 * were baselines (steady state reads as it always did). */
	bool from_accepted = ctx->accepted_schema &&
			     !(prev && same_schema(prev, base));
	struct findings f = {
		.cap = s->n + c->nreq + c->nforbid + (base ? base->n : 0),
	};
	find_config(c, s, &f);
	bool compared = c->drift != LW_PASS && base;
	if (compared)
		find_drift(s, base, &f);

	enum lw_status st = LW_PASS;
	if (f.missing.n || f.wrong.n || f.forbid.n || f.extra.n)
		st = LW_FAIL;
	bool drifted = f.added.n || f.removed.n || f.retyped.n;
	if (drifted && c->drift > st)
		st = c->drift;

	struct lw_buf b;
	/* A bounded message: one failed append fails b for good (buf.h). */
	bool bad = false;
	lw_buf_init(&b, LW_CHECK_MSG_MAX);
	bad |= say(&b, f.missing.n == 1 ? "missing required column " :
	    "missing required columns: ", &f.missing);
	bad |= say(&b, "wrong type: ", &f.wrong);
	bad |= say(&b, f.forbid.n == 1 ? "forbidden column present: " :
	    "forbidden columns present: ", &f.forbid);
	bad |= say(&b, f.extra.n == 1 ? "unexpected column: " :
	    "unexpected columns: ", &f.extra);
	if (drifted)
		bad |= say_drift(&b, ctx, from_accepted, &f);
	if (!b.len)
		bad |= lw_buf_addf(&b, "schema ok: %zu columns, %zu required present%s",
			    s->n, c->nreq, compared ? ", no drift" :
			    c->drift == LW_PASS ? "" :
			    " (no previous schema to compare)") != LW_OK;
	snprintf(meas, sizeof meas, "%zu column%s", s->n, s->n == 1 ? "" : "s");
	assert(bad == lw_buf_failed(&b));
	(void)bad;	/* only asserts read it: lw_check_msg tells */
	char msg[LW_CHECK_MSG_MAX];
	if (partial_note(o, msg, sizeof msg)) {
		/* a schema seen in part of the files is no proof for the
		 * rest: at least WARN, saying so first */
		if (st < LW_WARN)
			st = LW_WARN;
		size_t k = strlen(msg);
		snprintf(msg + k, sizeof msg - k, "; %s", lw_check_msg(&b));
	} else {
		snprintf(msg, sizeof msg, "%s", lw_check_msg(&b));
	}
	lw_check_result(out, "schema", st, meas, thr, true, (double)s->n,
			msg);
	lw_buf_free(&b);
	findings_free(&f);
}

const struct lw_check_kind lw_check_schema = {
	.name = "schema",
	.parse = schema_parse,
	.free = schema_free,
	.run = schema_run,
};
