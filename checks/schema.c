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
	char thr[160], meas[48], ta[48], tb[48];
	snprintf(thr, sizeof thr, "%zu required, %zu forbidden, extra %s, "
		 "drift %s", c->nreq, c->nforbid,
		 c->allow_extra ? "allowed" : "not allowed",
		 c->drift == LW_PASS ? "ignored" : c->drift == LW_WARN ?
		 "warn" : "fail");
	if (!o->has_schema) {
		char msg[LW_CHECK_MSG_MAX];
		if (o->files == 0)
			snprintf(msg, sizeof msg, "no schema observed: no "
				 "files");
		else if (o->nferrs)
			snprintf(msg, sizeof msg, "no schema observed: %zu "
				 "file%s unreadable (%s: %s)", o->nferrs,
				 o->nferrs == 1 ? "" : "s", o->ferrs[0].path,
				 o->ferrs[0].msg);
		else
			snprintf(msg, sizeof msg, "no schema observed: the "
				 "format does not report one");
		lw_check_result(out, "schema", LW_ERROR, "no schema", thr,
				false, 0, msg);
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
	size_t cap = s->n + c->nreq + c->nforbid + (base ? base->n : 0);
	struct list missing = {0}, wrong = {0}, forbid = {0}, extra = {0};
	struct list added = {0}, removed = {0}, retyped = {0};

	for (size_t i = 0; i < c->nreq; i++) {
		const struct req *r = &c->req[i];
		const struct lw_column *h = lw_schema_find(s, r->name);
		if (!h)
			list_add(&missing, r->name, cap);
		else if (!type_ok(r, h))
			list_add_own(&wrong, lw_xasprintf("%s is %s, expected "
				"%s", r->name, lw_type_fmt(h, ta, sizeof ta),
				r->col.type == LW_T_DECIMAL &&
				r->col.precision == 0 ? "decimal" :
				lw_type_fmt(&r->col, tb, sizeof tb)), cap);
	}
	for (size_t i = 0; i < c->nforbid; i++)
		if (lw_schema_find(s, c->forbid[i]))
			list_add(&forbid, c->forbid[i], cap);
	if (!c->allow_extra)
		for (size_t i = 0; i < s->n; i++) {
			bool known = false;
			for (size_t k = 0; k < c->nreq && !known; k++)
				known = strcmp(c->req[k].name,
					       s->cols[i].name) == 0;
			if (!known)
				list_add(&extra, s->cols[i].name, cap);
		}

	bool compared = false;
	if (c->drift != LW_PASS && base) {
		const struct lw_schema *p = base;
		compared = true;
		for (size_t i = 0; i < s->n; i++) {
			const struct lw_column *was =
				lw_schema_find(p, s->cols[i].name);
			if (!was)
				list_add(&added, s->cols[i].name, cap);
			else if (!lw_column_same_type(was, &s->cols[i]))
				list_add_own(&retyped, lw_xasprintf(
					"%s (%s \xe2\x86\x92 %s)",
					s->cols[i].name,
					lw_type_fmt(was, ta, sizeof ta),
					lw_type_fmt(&s->cols[i], tb,
						    sizeof tb)), cap);
		}
		for (size_t i = 0; i < p->n; i++)
			if (!lw_schema_find(s, p->cols[i].name))
				list_add(&removed, p->cols[i].name, cap);
	}

	enum lw_status st = LW_PASS;
	if (missing.n || wrong.n || forbid.n || extra.n)
		st = LW_FAIL;
	bool drifted = added.n || removed.n || retyped.n;
	if (drifted && c->drift > st)
		st = c->drift;

	struct lw_buf b;
	/* A bounded message: one failed append fails b for good (buf.h). */
	bool bad = false;
	lw_buf_init(&b, LW_CHECK_MSG_MAX);
	bad |= say(&b, missing.n == 1 ? "missing required column " :
	    "missing required columns: ", &missing);
	bad |= say(&b, "wrong type: ", &wrong);
	bad |= say(&b, forbid.n == 1 ? "forbidden column present: " :
	    "forbidden columns present: ", &forbid);
	bad |= say(&b, extra.n == 1 ? "unexpected column: " :
	    "unexpected columns: ", &extra);
	if (drifted) {
		if (from_accepted)
			bad |= lw_buf_addf(&b, "%sschema drift from the accepted "
					   "schema (%s)", b.len ? "; " : "",
					   ctx->accepted_schema_from ?
					   ctx->accepted_schema_from :
					   "accepted") != LW_OK;
		else
			bad |= lw_buf_addf(&b, "%sschema drift since last poll",
					   b.len ? "; " : "") != LW_OK;
		struct lw_buf d;
		bool dbad = false;
		lw_buf_init(&d, LW_CHECK_MSG_MAX);
		dbad |= say(&d, "added ", &added);
		dbad |= say(&d, "removed ", &removed);
		dbad |= say(&d, "retyped ", &retyped);
		assert(dbad == lw_buf_failed(&d));
		(void)dbad;
		bad |= lw_buf_addf(&b, ": %s", lw_check_msg(&d)) != LW_OK;
		lw_buf_free(&d);
	}
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
	list_free(&missing);
	list_free(&wrong);
	list_free(&forbid);
	list_free(&extra);
	list_free(&added);
	list_free(&removed);
	list_free(&retyped);
}

const struct lw_check_kind lw_check_schema = {
	.name = "schema",
	.parse = schema_parse,
	.free = schema_free,
	.run = schema_run,
};
