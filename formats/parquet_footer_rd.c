/* parquet_footer_rd.c - the footer decoder's field readers: integers of
 * checked width, strings charged to the memory budget, typed list headers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/util.h"
#include "parquet_footer_int.h"

/* Account for n more bytes of decoded footer; LW_ETOOBIG past budget. */
int lw_pqf_charge(struct lw_thrift *t, size_t n)
{
	struct footer_cur *c = (struct footer_cur *)t;
	if (n > c->budget - c->mem)
		return lw_err_set(t->err, LW_ETOOBIG, "corrupt %s at byte %zu: "
				  "decoding it would take more than %zu MiB "
				  "of memory", t->what, lw_thrift_pos(t),
				  c->budget >> 20);
	c->mem += n;
	return LW_OK;
}

/* A string, charged to the budget. */
int lw_pqf_string(struct lw_thrift *t, char **out)
{
	size_t at = lw_thrift_pos(t);
	int rc = lw_thrift_string(t, out);
	return rc ? rc : lw_pqf_charge(t, lw_thrift_pos(t) - at + STR_COST);
}

int lw_pqf_want(struct lw_thrift *t, const struct lw_thrift_field *f,
		int type, const char *name)
{
	if (f->type == type)
		return LW_OK;
	return lw_err_set(t->err, LW_EPARSE,
			  "corrupt %s at byte %zu: field %s has wrong type %d",
			  t->what, lw_thrift_pos(t), name, f->type);
}

int lw_pqf_i64(struct lw_thrift *t, const struct lw_thrift_field *f,
	       int64_t *v)
{
	return lw_thrift_int(t, f->type, v);
}

int lw_pqf_i32(struct lw_thrift *t, const struct lw_thrift_field *f,
	       int32_t *v)
{
	int64_t x;
	int rc = lw_thrift_int(t, f->type, &x);
	if (rc)
		return rc;
	if (x < INT32_MIN || x > INT32_MAX)
		return lw_err_set(t->err, LW_EPARSE,
				  "corrupt %s at byte %zu: i32 out of range",
				  t->what, lw_thrift_pos(t));
	*v = (int32_t)x;
	return LW_OK;
}

int lw_pqf_int(struct lw_thrift *t, const struct lw_thrift_field *f, int *v)
{
	int32_t x = 0;
	int rc = lw_pqf_i32(t, f, &x);
	*v = x;
	return rc;
}

int lw_pqf_str(struct lw_thrift *t, const struct lw_thrift_field *f,
	       const char *name, char **out)
{
	int rc = lw_pqf_want(t, f, LW_TT_BINARY, name);
	if (rc)
		return rc;
	free(*out);	/* a repeated field keeps the last value */
	*out = NULL;
	return lw_pqf_string(t, out);
}

int lw_pqf_list(struct lw_thrift *t, const struct lw_thrift_field *f,
		const char *name, int elem, uint32_t max, uint32_t *n)
{
	int et, rc = lw_pqf_want(t, f, LW_TT_LIST, name);
	if (rc)
		return rc;
	if ((rc = lw_thrift_list_begin(t, &et, n)))
		return rc;
	if (et != elem && !(elem == LW_TT_I32 && (et == LW_TT_I16 ||
						  et == LW_TT_I64)))
		return lw_err_set(t->err, LW_EPARSE,
				  "corrupt %s at byte %zu: list %s has "
				  "elements of type %d", t->what,
				  lw_thrift_pos(t), name, et);
	if (*n > max)
		return lw_err_set(t->err, LW_ETOOBIG,
				  "%s: %s has %u entries (limit %u)", t->what,
				  name, *n, max);
	return LW_OK;
}

void lw_pqf_bad_note(struct lw_pqf_bad *b, const char *fmt, ...)
{
	va_list ap;
	if (b->what[0])
		return;
	va_start(ap, fmt);
	vsnprintf(b->what, sizeof b->what, fmt, ap);
	va_end(ap);
}

int lw_pqf_bad_error(struct lw_thrift *t, const struct lw_pqf_bad *b,
		     const char *column)
{
	if (!b->what[0])
		return LW_OK;
	return lw_err_set(t->err, LW_EPARSE, "corrupt %s: column %s has %s",
			  t->what, column, b->what);
}
