/* operations.c - the last Delta commit's operation must be an expected one
 * (obs->delta.last_operation).
 *
 *   "operations": {"allowed": ["WRITE", "MERGE", "OPTIMIZE"],
 *                  "status": "fail"}
 *
 * A DELETE or RESTORE on a gold table nobody planned is worth knowing about.
 * Names compare case-insensitively; "status" (warn|fail, default fail) is
 * what an unexpected operation gives.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lakewatch/limits.h"
#include "lakewatch/util.h"

struct ops_cfg {
	char **allowed;		/* owned */
	size_t n;
	enum lw_status status;
};

static void ops_free(void *p)
{
	struct ops_cfg *c = p;
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->allowed[i]);
	free(c->allowed);
	free(c);
}

static void *ops_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"allowed", "status", NULL};
	if (lw_cfg_object(cc, node, "operations") != LW_OK ||
	    lw_cfg_keys(cc, node, "operations", keys) != LW_OK)
		return NULL;
	struct ops_cfg *c = lw_xcalloc(1, sizeof *c);
	c->status = LW_FAIL;
	int rc = lw_cfg_severity(cc, node, "status", "operations", false,
				 &c->status);
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(node, "allowed");
	if (!a) {
		rc = lw_cfg_error(cc, node, "operations: \"allowed\" is "
				  "required (e.g. [\"WRITE\", \"MERGE\"])");
	} else if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) == 0) {
		rc = lw_cfg_error(cc, a, "operations.allowed: expected a "
				  "non-empty array of operation names");
	} else {
		c->allowed = lw_xcalloc((size_t)cJSON_GetArraySize(a),
					sizeof *c->allowed);
		const cJSON *e;
		cJSON_ArrayForEach(e, a) {
			if (!cJSON_IsString(e) || !*e->valuestring) {
				rc = lw_cfg_error(cc, e, "operations.allowed: "
						  "expected operation names "
						  "(strings)");
				continue;
			}
			c->allowed[c->n++] = lw_xstrdup(e->valuestring);
		}
	}
	if (rc != LW_OK) {
		ops_free(c);
		return NULL;
	}
	return c;
}

static void ops_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		    struct lw_result *out)
{
	const struct ops_cfg *c = cfgp;
	if (lw_check_unobserved("operations", ctx, out))
		return;
	struct lw_buf tb;
	lw_buf_init(&tb, 400);
	/* A bounded text: too long shows as such (lw_check_msg), not short. */
	int rc = lw_buf_adds(&tb, "allowed: ");
	if (rc == LW_OK)
		rc = lw_names_add(&tb, (const char *const *)c->allowed, c->n,
				  12);
	assert(rc == LW_OK || lw_buf_failed(&tb));
	(void)rc;
	char thr[420], msg[LW_CHECK_MSG_MAX], vs[40] = "";
	snprintf(thr, sizeof thr, "%s", lw_check_msg(&tb));
	lw_buf_free(&tb);
	const struct lw_delta_facts *d = lw_check_delta("operations", thr, ctx,
							out);
	if (!d)
		return;
	const char *op = d->last_operation;
	if (d->has_version)
		snprintf(vs, sizeof vs, " (version %.0f)", (double)d->version);
	if (!op) {
		snprintf(msg, sizeof msg, "last operation unknown: the last "
			 "Delta commit%s has no commitInfo", vs);
		lw_check_result(out, "operations", LW_ERROR, "unknown", thr,
				false, 0, msg);
		return;
	}
	bool ok = false;
	for (size_t i = 0; i < c->n && !ok; i++)
		ok = strcasecmp(c->allowed[i], op) == 0;
	if (ok)
		snprintf(msg, sizeof msg, "last operation %.64s%s is allowed",
			 op, vs);
	else
		snprintf(msg, sizeof msg, "last operation %.64s%s not allowed "
			 "on %s (%s)", op, vs, lw_ctx_name(ctx), thr);
	lw_check_result(out, "operations", ok ? LW_PASS : c->status, op, thr,
			false, 0, msg);
}

const struct lw_check_kind lw_check_operations = {
	.name = "operations",
	.parse = ops_parse,
	.free = ops_free,
	.run = ops_run,
};
