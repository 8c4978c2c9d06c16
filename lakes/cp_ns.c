/* cp_ns.c - where a streamanalytics lake's Event Hubs namespaces live:
 * its "namespaces" entries, each
 *   "ehns-web"                                   the lake's resource group
 *   "/subscriptions/S/resourceGroups/RG/providers/Microsoft.EventHub/
 *    namespaces/N"                               (one string)
 *   {"resource_group": "rg-ingest", "name": "ehns-web"}   (and optionally
 *                                                "subscription")
 * A dataset names one by its name ("path": "eventhubs/ehns-web"); a name
 * no entry has is in the lake's resource group, as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cp_int.h"
#include "lakewatch/util.h"

#define NS_MAX 64

/* Characters of a name that goes into the ARM path as it is: resource
 * group names (letters, digits, '_', '-', '.', '(', ')'), namespace names
 * and subscription ids are within these. */
static bool arm_name_ok(const char *s, size_t n)
{
	if (!n || n > 90)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_-.()", s[i]) || !s[i])
			return false;
	return true;
}

/* "/subscriptions/S/resourceGroups/RG/providers/Microsoft.EventHub/
 * namespaces/N" (ARM is case-insensitive in its words) into its parts,
 * pointing into id; false when it is not such an id. */
static bool parse_id(const char *id, const char **part, size_t *len)
{
	static const char *const words[] = {"subscriptions", "resourceGroups",
		"providers", "namespaces"};
	const char *p = id;
	int k = 0;	/* parts: sub, rg, provider ns, name */
	for (int w = 0; w < 4; w++) {
		size_t n = strlen(words[w]);
		if (*p != '/' || strncasecmp(p + 1, words[w], n) || p[1 + n] != '/')
			return false;
		p += n + 2;
		if (w == 2) {	/* providers/Microsoft.EventHub/namespaces */
			if (strncasecmp(p, "Microsoft.EventHub", 18) || p[18] != '/')
				return false;
			p += 18;
			continue;
		}
		part[k] = p;
		len[k] = strcspn(p, "/");
		if (!arm_name_ok(p, len[k]))
			return false;
		p += len[k];
		k++;
	}
	return *p == '\0' || (p[0] == '/' && p[1] == '\0');
}

/* One entry into l->ns[l->nns]. */
static int one_entry(struct lw_lake *l, const cJSON *e, const char *what,
		     size_t i, const char *sub, const char *rg,
		     struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"name", "resource_group",
		"subscription", NULL};
	const char *name = NULL, *s = sub, *g = rg;
	char where[300];
	snprintf(where, sizeof where, "%s: \"namespaces\"[%zu]", what, i);
	char *res = NULL;
	if (cJSON_IsString(e) && e->valuestring[0] == '/') {
		const char *part[3];
		size_t len[3];
		if (!parse_id(e->valuestring, part, len))
			return lw_cfg_error(cc, e, "%s: \"%s\" is not an Event "
				"Hubs namespace's resource id (/subscriptions/SUB/"
				"resourceGroups/RG/providers/Microsoft.EventHub/"
				"namespaces/NAME)", where, e->valuestring);
		res = lw_xasprintf("/subscriptions/%.*s/resourceGroups/%.*s/"
			"providers/Microsoft.EventHub/namespaces/%.*s",
			(int)len[0], part[0], (int)len[1], part[1], (int)len[2],
			part[2]);
		l->ns[l->nns].name = lw_xstrndup(part[2], len[2]);
	} else if (cJSON_IsString(e) || cJSON_IsObject(e)) {
		if (cJSON_IsString(e))
			name = e->valuestring;
		else if (!cJSON_HasObjectItem(e, "name"))
			return lw_cfg_error(cc, e, "%s: \"name\" is required (the "
					    "namespace's name)", where);
		else if (lw_cfg_keys(cc, e, where, keys) ||
			 lw_cfg_str(cc, e, "name", true, &name) ||
			 lw_cfg_str(cc, e, "resource_group", false, &g) ||
			 lw_cfg_str(cc, e, "subscription", false, &s))
			return LW_ECONFIG;
		const char *bad = !arm_name_ok(name, strlen(name)) ? "name" :
			!arm_name_ok(g, strlen(g)) ? "resource_group" :
			!arm_name_ok(s, strlen(s)) ? "subscription" : NULL;
		if (bad) {
			const cJSON *at = cJSON_IsObject(e) ?
				cJSON_GetObjectItemCaseSensitive(e, bad) : NULL;
			const char *v = bad[0] == 'n' ? name : bad[0] == 'r' ?
				g : s;
			return lw_cfg_error(cc, at ? at : e, "%s: \"%s\" \"%s\" "
				"has characters an Azure %s cannot have", where,
				bad, v, bad[0] == 'n' ? "namespace name" :
				bad[0] == 'r' ? "resource group" :
				"subscription id");
		}
		res = lw_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
				   "Microsoft.EventHub/namespaces/%s", s, g, name);
		l->ns[l->nns].name = lw_xstrdup(name);
	} else {
		return lw_cfg_error(cc, e, "%s: expected a namespace's name, its "
				    "resource id, or {\"resource_group\", \"name\"}",
				    where);
	}
	l->ns[l->nns].resource = res;
	for (size_t k = 0; k < l->nns; k++)
		if (!strcmp(l->ns[k].name, l->ns[l->nns].name)) {
			int rc = lw_cfg_error(cc, e, "%s: namespace \"%s\" is "
					      "listed twice", where,
					      l->ns[k].name);
			free(l->ns[l->nns].name);
			free(res);
			return rc;
		}
	l->nns++;
	return LW_OK;
}

/* See cp_int.h. */
int lw_cp_open_namespaces(struct lw_lake *l, const cJSON *cfg,
			  const char *what, const char *sub, const char *rg,
			  struct lw_cfgctx *cc)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, "namespaces");
	if (!a)
		return LW_OK;
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > NS_MAX)
		return lw_cfg_error(cc, a, "%s: \"namespaces\" must be an array "
				    "of at most %d Event Hubs namespaces", what,
				    NS_MAX);
	l->ns = lw_xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *l->ns);
	const cJSON *e;
	size_t i = 0;
	int rc = LW_OK;
	cJSON_ArrayForEach(e, a)
		if (one_entry(l, e, what, i++, sub, rg, cc))
			rc = LW_ECONFIG;
	return rc;
}

/* See cp_int.h. */
char *lw_cp_namespace_resource(const struct lw_lake *l, const char *name)
{
	for (size_t i = 0; i < l->nns; i++)
		if (!strcmp(l->ns[i].name, name))
			return lw_xstrdup(l->ns[i].resource);
	char *esc = lw_http_escape(name, false);
	char *res = lw_xasprintf("%s/providers/Microsoft.EventHub/namespaces/%s",
				 l->prefix, esc);
	free(esc);
	return res;
}

/* See cp_int.h. */
void lw_cp_free_namespaces(struct lw_lake *l)
{
	for (size_t i = 0; i < l->nns; i++) {
		free(l->ns[i].name);
		free(l->ns[i].resource);
	}
	free(l->ns);
	l->ns = NULL;
	l->nns = 0;
}
