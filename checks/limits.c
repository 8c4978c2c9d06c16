/* limits.c - limits, sizes, percentages and message helpers
 * shared by the check kinds (see limits.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lakewatch/limits.h"
#include "lakewatch/config.h"
#include "lakewatch/err.h"
#include "lakewatch/util.h"

int lw_size_parse(const char *s, int64_t *out)
{
	static const struct { const char *u; int shift; } units[] = {
		{"", 0}, {"b", 0}, {"k", 10}, {"kb", 10}, {"kib", 10},
		{"m", 20}, {"mb", 20}, {"mib", 20}, {"g", 30}, {"gb", 30},
		{"gib", 30}, {"t", 40}, {"tb", 40}, {"tib", 40},
	};
	const char *p = s;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return LW_EPARSE;
	char *end;
	double v = strtod(p, &end);
	if (end == p || !isfinite(v) || v < 0)
		return LW_EPARSE;
	while (*end == ' ')
		end++;
	size_t ul = strlen(end);
	while (ul && end[ul - 1] == ' ')
		ul--;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strlen(units[i].u) != ul ||
		    strncasecmp(end, units[i].u, ul) != 0)
			continue;
		double b = ldexp(v, units[i].shift);
		if (b >= 9.2e18)
			return LW_EPARSE;
		*out = (int64_t)b;
		return LW_OK;
	}
	return LW_EPARSE;
}

int lw_percent_parse(const char *s, double *out)
{
	const char *p = s;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p) && *p != '.')
		return LW_EPARSE;
	char *end;
	double v = strtod(p, &end);
	if (end == p || !isfinite(v) || v < 0)
		return LW_EPARSE;
	while (*end == ' ')
		end++;
	if (*end == '%')
		end++;
	while (*end == ' ')
		end++;
	if (*end)
		return LW_EPARSE;
	*out = v;
	return LW_OK;
}

const char *lw_thousands_fmt(int64_t v, char *buf, size_t n)
{
	char digits[32];
	/* Work on the magnitude as unsigned so INT64_MIN cannot overflow. */
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)m);
	char out[48];
	size_t o = 0;
	if (v < 0)
		out[o++] = '-';
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, n, "%s", out);
	return buf;
}

/* Print with up to `dec` decimals, dropping trailing zeros ("34", "0.5"). */
static void trimmed(double v, int dec, char *buf, size_t n)
{
	snprintf(buf, n, "%.*f", dec, v);
	char *dot = strchr(buf, '.');
	if (!dot)
		return;
	char *e = buf + strlen(buf) - 1;
	while (e > dot && *e == '0')
		*e-- = '\0';
	if (e == dot)
		*e = '\0';
}

const char *lw_pct_fmt(double v, char *buf, size_t n)
{
	char t[64];
	if (!isfinite(v)) {
		snprintf(buf, n, "%s", v < 0 ? "-inf%" : "inf%");
		return buf;
	}
	trimmed(v, fabs(v) < 1 ? 2 : 1, t, sizeof t);
	if (strcmp(t, "-0") == 0)
		strcpy(t, "0");
	snprintf(buf, n, "%s%%", t);
	return buf;
}

const char *lw_unit_fmt(enum lw_unit u, double v, char *buf, size_t n)
{
	switch (u) {
	case LW_U_SIZE:
		return lw_bytes_fmt((int64_t)v, buf, n);
	case LW_U_DURATION:
		return lw_duration_fmt((int64_t)v, buf, n);
	case LW_U_PERCENT:
		return lw_pct_fmt(v, buf, n);
	case LW_U_COUNT:
	default:
		if (v == floor(v) && fabs(v) < 9e18)
			return lw_thousands_fmt((int64_t)v, buf, n);
		trimmed(v, 2, buf, n);
		return buf;
	}
}

static const char *unit_spelling(enum lw_unit u)
{
	switch (u) {
	case LW_U_SIZE: return "a size (number of bytes or \"128KB\")";
	case LW_U_DURATION: return "a duration (\"6h\") or seconds";
	case LW_U_PERCENT: return "a percentage (20 or \"0.5%\")";
	default: return "a number";
	}
}

int lw_limit_value(struct lw_cfgctx *cc, const cJSON *node, const char *what,
		   enum lw_unit u, double *out)
{
	if (cJSON_IsNumber(node)) {
		double v = node->valuedouble;
		if (!isfinite(v) || v < 0)
			return lw_cfg_error(cc, node, "%s: must not be negative",
					    what);
		if (v > LW_LIMIT_MAX)	/* keeps int64 casts defined */
			return lw_cfg_error(cc, node, "%s: too large", what);
		*out = u == LW_U_COUNT || u == LW_U_PERCENT ? v : floor(v);
		return LW_OK;
	}
	if (cJSON_IsString(node) && u != LW_U_COUNT) {
		const char *s = node->valuestring;
		int64_t i;
		double d;
		if (u == LW_U_SIZE && lw_size_parse(s, &i) == LW_OK &&
		    i <= (int64_t)LW_LIMIT_MAX) {
			*out = (double)i;
			return LW_OK;
		}
		if (u == LW_U_DURATION && lw_duration_parse(s, &i) == LW_OK &&
		    i <= (int64_t)LW_LIMIT_MAX) {
			*out = (double)i;
			return LW_OK;
		}
		if (u == LW_U_PERCENT && lw_percent_parse(s, &d) == LW_OK &&
		    d <= LW_LIMIT_MAX) {
			*out = d;
			return LW_OK;
		}
		return lw_cfg_error(cc, node, "%s: bad %s '%s': expected %s",
				    what, u == LW_U_SIZE ? "size" :
				    u == LW_U_DURATION ? "duration" :
				    "percentage", s, unit_spelling(u));
	}
	return lw_cfg_error(cc, node, "%s: expected %s", what, unit_spelling(u));
}

/* Read "warn"/"fail" members of obj (whose other keys the caller vets). */
static int warn_fail(struct lw_cfgctx *cc, const cJSON *obj, const char *what,
		     enum lw_unit u, enum lw_dir d, struct lw_limit *out)
{
	char w[160];
	int rc = LW_OK;
	const cJSON *wn = cJSON_GetObjectItemCaseSensitive(obj, "warn");
	const cJSON *fn = cJSON_GetObjectItemCaseSensitive(obj, "fail");
	if (wn) {
		snprintf(w, sizeof w, "%s.warn", what);
		if (lw_limit_value(cc, wn, w, u, &out->warn) == LW_OK)
			out->has_warn = true;
		else
			rc = LW_ECONFIG;
	}
	if (fn) {
		snprintf(w, sizeof w, "%s.fail", what);
		if (lw_limit_value(cc, fn, w, u, &out->fail) == LW_OK)
			out->has_fail = true;
		else
			rc = LW_ECONFIG;
	}
	if (rc == LW_OK && out->has_warn && out->has_fail &&
	    (d == LW_DIR_MIN ? out->warn < out->fail : out->warn > out->fail)) {
		char a[48], b[48];
		rc = lw_cfg_error(cc, wn, "%s: warn %s must be %s than fail %s "
				  "(warn comes first)", what,
				  lw_unit_fmt(u, out->warn, a, sizeof a),
				  d == LW_DIR_MIN ? "no lower" : "no higher",
				  lw_unit_fmt(u, out->fail, b, sizeof b));
	}
	return rc;
}

int lw_limit_get(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		 const char *what, enum lw_unit u, enum lw_dir d,
		 struct lw_limit *out)
{
	static const char *const keys[] = {"warn", "fail", NULL};
	char w[160];
	memset(out, 0, sizeof *out);
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!n)
		return LW_OK;
	snprintf(w, sizeof w, "%s.%s", what, key);
	if (!cJSON_IsObject(n)) {
		if (lw_limit_value(cc, n, w, u, &out->fail) != LW_OK)
			return LW_ECONFIG;
		out->has_fail = true;
		return LW_OK;
	}
	if (lw_cfg_keys(cc, n, w, keys) != LW_OK)
		return LW_ECONFIG;
	if (warn_fail(cc, n, w, u, d, out) != LW_OK)
		return LW_ECONFIG;
	if (!lw_limit_set(out))
		return lw_cfg_error(cc, n, "%s: give \"warn\", \"fail\" or both",
				    w);
	return LW_OK;
}

int lw_limit_flat(struct lw_cfgctx *cc, const cJSON *obj, const char *what,
		  enum lw_unit u, enum lw_dir d, struct lw_limit *out)
{
	memset(out, 0, sizeof *out);
	return warn_fail(cc, obj, what, u, d, out);
}

enum lw_status lw_limit_eval(const struct lw_limit *l, enum lw_dir d,
			     double v)
{
	if (d == LW_DIR_MIN) {
		if (l->has_fail && v < l->fail)
			return LW_FAIL;
		if (l->has_warn && v < l->warn)
			return LW_WARN;
	} else {
		if (l->has_fail && v > l->fail)
			return LW_FAIL;
		if (l->has_warn && v > l->warn)
			return LW_WARN;
	}
	return LW_PASS;
}

const char *lw_limit_fmt(const struct lw_limit *l, enum lw_unit u, char *buf,
			 size_t n)
{
	char a[48], b[48];
	if (l->has_warn && l->has_fail)
		snprintf(buf, n, "warn %s, fail %s",
			 lw_unit_fmt(u, l->warn, a, sizeof a),
			 lw_unit_fmt(u, l->fail, b, sizeof b));
	else if (l->has_warn)
		snprintf(buf, n, "warn %s", lw_unit_fmt(u, l->warn, a, sizeof a));
	else if (l->has_fail)
		snprintf(buf, n, "fail %s", lw_unit_fmt(u, l->fail, b, sizeof b));
	else if (n)
		buf[0] = '\0';
	return buf;
}

const char *lw_limit_why(const struct lw_limit *l, enum lw_dir d,
			 enum lw_status st, enum lw_unit u, char *buf,
			 size_t n)
{
	char a[48];
	bool at = u == LW_U_DURATION || u == LW_U_PERCENT;
	const char *rel = at ? "at" : d == LW_DIR_MIN ? "below" : "above";
	bool fail = st == LW_FAIL || (st == LW_PASS && !l->has_warn);
	if (fail && l->has_fail)
		snprintf(buf, n, "fail %s %s", rel,
			 lw_unit_fmt(u, l->fail, a, sizeof a));
	else if (l->has_warn)
		snprintf(buf, n, "warn %s %s", rel,
			 lw_unit_fmt(u, l->warn, a, sizeof a));
	else if (n)
		buf[0] = '\0';
	return buf;
}

enum lw_status lw_limits_judge(const struct lw_limit *min,
			       const struct lw_limit *max, double v,
			       enum lw_unit u, enum lw_dir *too, char *why,
			       size_t n)
{
	enum lw_status a = min ? lw_limit_eval(min, LW_DIR_MIN, v) : LW_PASS;
	enum lw_status b = max ? lw_limit_eval(max, LW_DIR_MAX, v) : LW_PASS;
	bool use_min;
	if (a != b)
		use_min = a > b;
	else	/* both PASS: name the bound set, the min first */
		use_min = min && lw_limit_set(min);
	*too = use_min ? LW_DIR_MIN : LW_DIR_MAX;
	const struct lw_limit *l = use_min ? min : max;
	if (l)
		lw_limit_why(l, *too, a > b ? a : b, u, why, n);
	else if (n)
		why[0] = '\0';
	return a > b ? a : b;
}

const char *lw_limits_fmt(const struct lw_limit *min,
			  const struct lw_limit *max, enum lw_unit u,
			  char *buf, size_t n)
{
	char a[128], b[128];
	bool hm = min && lw_limit_set(min), hx = max && lw_limit_set(max);
	if (hm)
		lw_limit_fmt(min, u, a, sizeof a);
	if (hx)
		lw_limit_fmt(max, u, b, sizeof b);
	if (hm && hx)
		snprintf(buf, n, "min %s; max %s", a, b);
	else if (hm)
		snprintf(buf, n, "min %s", a);
	else if (hx)
		snprintf(buf, n, "max %s", b);
	else if (n)
		buf[0] = '\0';
	return buf;
}

int lw_cfg_severity(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		    const char *what, bool allow_ignore, enum lw_status *out)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!n)
		return LW_OK;
	const char *s = cJSON_IsString(n) ? n->valuestring : NULL;
	if (s && strcmp(s, "warn") == 0)
		*out = LW_WARN;
	else if (s && strcmp(s, "fail") == 0)
		*out = LW_FAIL;
	else if (s && allow_ignore && strcmp(s, "ignore") == 0)
		*out = LW_PASS;
	else
		return lw_cfg_error(cc, n, "%s.%s: expected \"warn\", \"fail\"%s",
				    what, key, allow_ignore ?
				    " or \"ignore\"" : "");
	return LW_OK;
}

int lw_cfg_object(struct lw_cfgctx *cc, const cJSON *node, const char *what)
{
	if (cJSON_IsObject(node))
		return LW_OK;
	return lw_cfg_error(cc, node, "%s: expected an object", what);
}

const char *lw_ctx_name(const struct lw_judge_ctx *ctx)
{
	return ctx && ctx->ds && ctx->ds->name ? ctx->ds->name : "dataset";
}

void lw_check_result(struct lw_result *out, const char *check,
		     enum lw_status st, const char *measured,
		     const char *threshold, bool has, double value,
		     const char *msg)
{
	lw_result_set(out, check, st, measured, threshold, "%s", msg);
	out->has_value = has;
	out->value = has ? value : 0;
}

bool lw_check_unobserved(const char *check, const struct lw_judge_ctx *ctx,
			 struct lw_result *out)
{
	if (ctx && ctx->obs && ctx->obs->ok)
		return false;
	const char *why = ctx && ctx->obs && ctx->obs->error ?
			  ctx->obs->error : "no observation";
	char msg[LW_CHECK_MSG_MAX];
	snprintf(msg, sizeof msg, "not judged: %s could not be observed: %s",
		 lw_ctx_name(ctx), why);
	lw_check_result(out, check, LW_ERROR, "", "", false, 0, msg);
	return true;
}

const struct lw_delta_facts *lw_check_delta(const char *check,
					    const char *threshold,
					    const struct lw_judge_ctx *ctx,
					    struct lw_result *out)
{
	const struct lw_delta_facts *d = &ctx->obs->delta;
	if (!d->present) {
		char msg[LW_CHECK_MSG_MAX];
		snprintf(msg, sizeof msg, "not a Delta table: %s has no Delta "
			 "log information (format \"delta\" needed)",
			 lw_ctx_name(ctx));
		lw_check_result(out, check, LW_ERROR, "", threshold, false, 0,
				msg);
		return NULL;
	}
	return d;
}

int lw_names_add(struct lw_buf *b, const char *const *names, size_t n,
		 size_t show)
{
	size_t k = n < show ? n : show;
	int rc = LW_OK;
	for (size_t i = 0; i < k && rc == LW_OK; i++)
		rc = lw_buf_addf(b, "%s%s", i ? ", " : "", names[i]);
	if (n > k && rc == LW_OK)
		rc = lw_buf_addf(b, " and %zu more", n - k);
	return rc;
}

/* See limits.h. */
const char *lw_check_msg(const struct lw_buf *b)
{
	if (lw_buf_failed(b))
		return "(details longer than the message limit; not shown)";
	return b->data ? b->data : "";
}
