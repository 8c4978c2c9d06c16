/* reconcile.c - two datasets should hold the same number of rows.
 *
 *   "reconcile": {"with": "powerbi.sales", "warn": "0.5%", "fail": "2%"}
 *
 * Tolerances are a number of rows (100) or a percentage of the other
 * ("with") dataset's rows ("0.5%"). With neither, any difference fails.
 * The other observation comes from this run through ctx->lookup; when it is
 * missing, failed or has no row count the check is ERROR.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/limits.h"
#include "lakewatch/util.h"

struct tol {
	bool set, pct;
	double v;
};

struct recon_cfg {
	char *with;		/* owned */
	const char *refs[2];	/* {with, NULL} */
	struct tol warn, fail;
};

static void recon_free(void *p)
{
	struct recon_cfg *c = p;
	if (!c)
		return;
	free(c->with);
	free(c);
}

static int parse_tol(struct lw_cfgctx *cc, const cJSON *node,
		     const char *key, struct tol *t)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(node, key);
	if (!n)
		return LW_OK;
	if (cJSON_IsNumber(n) && isfinite(n->valuedouble) &&
	    n->valuedouble >= 0) {
		t->set = true;
		t->v = n->valuedouble;
		return LW_OK;
	}
	if (cJSON_IsString(n) && strchr(n->valuestring, '%') &&
	    lw_percent_parse(n->valuestring, &t->v) == LW_OK) {
		t->set = t->pct = true;
		return LW_OK;
	}
	return lw_cfg_error(cc, n, "reconcile.%s: expected a number of rows "
			    "(100) or a percentage (\"0.5%%\")", key);
}

static void *recon_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"with", "warn", "fail", NULL};
	struct recon_cfg c = {0};
	if (lw_cfg_object(cc, node, "reconcile") != LW_OK ||
	    lw_cfg_keys(cc, node, "reconcile", keys) != LW_OK)
		return NULL;
	const char *with = NULL;
	int rc = lw_cfg_str(cc, node, "with", true, &with);
	if (rc == LW_OK && !*with)
		rc = lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(node,
				  "with"), "reconcile.with: name a dataset");
	if (parse_tol(cc, node, "warn", &c.warn) != LW_OK)
		rc = LW_ECONFIG;
	if (parse_tol(cc, node, "fail", &c.fail) != LW_OK)
		rc = LW_ECONFIG;
	if (rc == LW_OK && c.warn.set && c.fail.set &&
	    c.warn.pct == c.fail.pct && c.warn.v > c.fail.v)
		rc = lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(node,
				  "warn"), "reconcile: warn must not be more "
				  "than fail");
	if (rc != LW_OK)
		return NULL;
	if (!c.warn.set && !c.fail.set)
		c.fail.set = true;	/* v = 0: any difference fails */
	struct recon_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	p->with = lw_xstrdup(with);
	p->refs[0] = p->with;
	p->refs[1] = NULL;
	return p;
}

static const char *const *recon_refs(const void *cfgp)
{
	const struct recon_cfg *c = cfgp;
	return c->refs;
}

static const char *tol_fmt(const struct tol *t, char *buf, size_t n)
{
	if (t->pct)
		return lw_pct_fmt(t->v, buf, n);
	char a[32];
	snprintf(buf, n, "%s rows", lw_unit_fmt(LW_U_COUNT, t->v, a, sizeof a));
	return buf;
}

static bool beyond(const struct tol *t, double diff, double pct)
{
	return t->set && (t->pct ? pct > t->v : diff > t->v);
}

/* The threshold column: the tolerances configured. */
static void recon_thr(const struct recon_cfg *c, char *thr, size_t n)
{
	char w[48], f[48];
	if (c->warn.set && c->fail.set)
		snprintf(thr, n, "warn %s, fail %s",
			 tol_fmt(&c->warn, w, sizeof w),
			 tol_fmt(&c->fail, f, sizeof f));
	else if (c->warn.set)
		snprintf(thr, n, "warn %s", tol_fmt(&c->warn, w, sizeof w));
	else
		snprintf(thr, n, "fail %s", tol_fmt(&c->fail, f, sizeof f));
}

/* Why the two counts cannot be compared, into eb; NULL when they can. */
static const char *cannot(const struct recon_cfg *c, const char *me,
			  const struct lw_obs *mine, const struct lw_obs *other,
			  char *eb, size_t n)
{
	if (mine->rows < 0)
		snprintf(eb, n, "row count of %s unknown", me);
	else if (!other)
		snprintf(eb, n, "%s was not observed in this run", c->with);
	else if (!other->ok)
		snprintf(eb, n, "%s could not be observed: %.300s", c->with,
			 other->error ? other->error : "no reason");
	else if (other->rows < 0)
		snprintf(eb, n, "row count of %s unknown", c->with);
	else
		return NULL;
	return eb;
}

static void recon_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		      struct lw_result *out)
{
	const struct recon_cfg *c = cfgp;
	if (lw_check_unobserved("reconcile", ctx, out))
		return;
	const char *me = lw_ctx_name(ctx);
	char thr[128], w[48], msg[LW_CHECK_MSG_MAX], meas[96];
	char na[32], nb[32], nd[32], ps[32], why[80];
	recon_thr(c, thr, sizeof thr);

	const struct lw_obs *other = ctx->lookup ?
		ctx->lookup(ctx->lookup_ud, c->with) : NULL;
	char eb[LW_CHECK_MSG_MAX / 2];
	const char *err = cannot(c, me, ctx->obs, other, eb, sizeof eb);
	if (err) {
		snprintf(msg, sizeof msg, "cannot reconcile %s with %s: %s",
			 me, c->with, err);
		lw_check_result(out, "reconcile", LW_ERROR, "", thr, false, 0,
				msg);
		return;
	}
	int64_t a = ctx->obs->rows, b = other->rows;
	double diff = fabs((double)a - (double)b);
	double pct = b > 0 ? diff / (double)b * 100.0 : diff > 0 ? INFINITY
			   : 0;
	enum lw_status st = beyond(&c->fail, diff, pct) ? LW_FAIL :
			    beyond(&c->warn, diff, pct) ? LW_WARN : LW_PASS;
	lw_thousands_fmt(a, na, sizeof na);
	lw_thousands_fmt(b, nb, sizeof nb);
	lw_thousands_fmt((int64_t)diff, nd, sizeof nd);
	if (isfinite(pct))
		lw_pct_fmt(pct, ps, sizeof ps);
	else
		snprintf(ps, sizeof ps, "all of them");
	const struct tol *t = st == LW_FAIL || !c->warn.set ? &c->fail
			      : &c->warn;
	snprintf(why, sizeof why, "%s at %s", t == &c->fail ? "fail" : "warn",
		 tol_fmt(t, w, sizeof w));
	snprintf(meas, sizeof meas, "%s row%s (%s)", nd, diff == 1 ? "" : "s",
		 ps);
	if (diff == 0)
		snprintf(msg, sizeof msg, "%s and %s both have %s rows", me,
			 c->with, na);
	else
		snprintf(msg, sizeof msg, "%s has %s rows, %s has %s: %s by "
			 "%s row%s (%s; %s)", me, na, c->with, nb,
			 st == LW_PASS ? "within tolerance, off" : "off", nd,
			 diff == 1 ? "" : "s", ps, why);
	lw_check_result(out, "reconcile", st, meas, thr, true, diff, msg);
}

const struct lw_check_kind lw_check_reconcile = {
	.name = "reconcile",
	.parse = recon_parse,
	.free = recon_free,
	.run = recon_run,
	.refs = recon_refs,
};
