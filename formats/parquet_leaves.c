/* parquet_leaves.c - the leaf columns of a Parquet schema, with their
 * level arithmetic (max definition/repetition levels), and their names:
 * the full path ("a.list.element") and the brief one a user writes ("a",
 * LIST wrappers left out).
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/parquet.h"
#include "lakewatch/util.h"
#include "parquet_int.h"

#define MAX_LEVEL	64

static int is_list_or_map(const struct lw_pq_schema_elem *e)
{
	int k = e->logical.kind, ct = e->converted_type;
	return k == LW_PQ_LT_LIST || k == LW_PQ_LT_MAP || ct == 1 || ct == 2 ||
	       ct == 3;
}

static int is_list(const struct lw_pq_schema_elem *e)
{
	return e->logical.kind == LW_PQ_LT_LIST || e->converted_type == 3;
}

static char *join(const char *a, const char *b)
{
	if (!a || !a[0])
		return lw_xstrdup(b);
	if (!b)
		return lw_xstrdup(a);
	return lw_xasprintf("%s.%s", a, b);
}

/* Walk element *i and its subtree. parent/gparent give the context the
 * brief path needs; skip_kid: this is the lone child of a skipped LIST
 * wrapper (the "element" level). */
static int walk(struct lw_pq_reader *r, size_t *i, const char *full,
		const char *brief, int def, int rep, int def_parent,
		const struct lw_pq_schema_elem *parent, bool skip_self_kid,
		int depth)
{
	const struct lw_pq_schema_elem *e = &r->m->schema[*i];
	(*i)++;
	if (depth > MAX_LEVEL)
		return lw_err_set(r->err, LW_EPARSE, "schema nested too deep");
	if (e->repetition != LW_PQ_REQUIRED && e->repetition >= 0)
		def++;
	if (e->repetition == LW_PQ_REPEATED) {
		def_parent = def - 1;
		rep++;
	}
	bool skip = (e->repetition == LW_PQ_REPEATED && parent &&
		     is_list_or_map(parent)) || skip_self_kid;
	char *f = join(full, e->name);
	char *b = skip ? lw_xstrdup(brief) : join(brief, e->name);
	int rc = LW_OK;
	if (e->num_children <= 0) {
		lw_xgrow((void **)&r->leaves, &r->capleaves, r->nleaves,
			 sizeof *r->leaves);
		struct lw_pq_leaf *l = &r->leaves[r->nleaves++];
		l->full = f;
		l->brief = b;
		l->type = e->type;
		l->type_len = e->type_length;
		l->max_def = def;
		l->max_rep = rep;
		l->def_parent = def_parent;
		return LW_OK;
	}
	/* The lone child of a repeated group inside a LIST is the element. */
	bool kid_skip = skip && !skip_self_kid && parent && is_list(parent) &&
			e->num_children == 1;
	for (int32_t k = 0; k < e->num_children && !rc; k++)
		rc = walk(r, i, f, b, def, rep, def_parent, e, kid_skip,
			  depth + 1);
	free(f);
	free(b);
	return rc;
}

/* r->leaves, owned by r (lw_pq_free_leaves). */
int lw_pq_build_leaves(struct lw_pq_reader *r)
{
	const struct lw_parquet_meta *m = r->m;
	size_t i = 1;
	int rc = LW_OK;
	for (int32_t k = 0; k < m->schema[0].num_children && !rc; k++) {
		if (i >= m->nschema)
			return lw_err_set(r->err, LW_EPARSE, "schema ends "
					  "early");
		rc = walk(r, &i, "", "", 0, 0, 0, &m->schema[0], false, 0);
	}
	return rc;
}

/* Free what r owns of its leaves. */
void lw_pq_free_leaves(struct lw_pq_reader *r)
{
	for (size_t i = 0; i < r->nleaves; i++) {
		free(r->leaves[i].full);
		free(r->leaves[i].brief);
	}
	free(r->leaves);
}

/* Index into r->leaves by full name, then by brief name; -1 if none. */
int lw_pq_find_leaf(const struct lw_pq_reader *r, const char *name)
{
	for (size_t i = 0; i < r->nleaves; i++)
		if (!strcmp(r->leaves[i].full, name))
			return (int)i;
	for (size_t i = 0; i < r->nleaves; i++)
		if (!strcmp(r->leaves[i].brief, name))
			return (int)i;
	return -1;
}
