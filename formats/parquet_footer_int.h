/* parquet_footer_int.h - the footer decoder's cursor and field readers,
 * shared by parquet_footer*.c and parquet_schema_elem.c only.
 *
 * Every reader takes the cursor, advances it over one value and returns
 * LW_OK or an error code with t->err naming the byte offset.
 */
#ifndef LAKEWATCH_PARQUET_FOOTER_INT_H
#define LAKEWATCH_PARQUET_FOOTER_INT_H

#include <stdint.h>
#include <stddef.h>
#include "lakewatch/parquet.h"
#include "lakewatch/thrift.h"

/* Memory the decoded footer may take: MEM_RATIO times its bytes, at least
 * MEM_MIN. Every list element costs at least one byte of footer, but an
 * empty ColumnChunk (1 byte) becomes a 100-byte struct and an empty string
 * a 32-byte allocation, so without a budget a 64 MB footer could ask for
 * gigabytes. Real footers stay well under 4 times their size. */
#define MEM_RATIO	8
#define MEM_MIN		((size_t)16 * 1024 * 1024)
#define STR_COST	32	/* an allocation's overhead, roughly */

/* The cursor every reader below gets: a struct lw_thrift first, so the
 * budget can be found from it. Only lw_parquet_meta_parse makes one. */
struct footer_cur {
	struct lw_thrift t;
	size_t mem, budget;
};

/* The last ConvertedType (INTERVAL); parquet.thrift numbers them from 0. */
#define LW_PQ_CT_MAX	21

/* Account for n more bytes of decoded footer; LW_ETOOBIG past budget. */
int lw_pqf_charge(struct lw_thrift *t, size_t n);
/* A string, charged to the budget; *out is owned by the caller. */
int lw_pqf_string(struct lw_thrift *t, char **out);
/* LW_EPARSE naming the field unless f has the given thrift type. */
int lw_pqf_want(struct lw_thrift *t, const struct lw_thrift_field *f,
		int type, const char *name);
int lw_pqf_i64(struct lw_thrift *t, const struct lw_thrift_field *f,
	       int64_t *v);
/* An integer field that must fit an i32 (LW_EPARSE otherwise). */
int lw_pqf_i32(struct lw_thrift *t, const struct lw_thrift_field *f,
	       int32_t *v);
int lw_pqf_int(struct lw_thrift *t, const struct lw_thrift_field *f, int *v);
/* A string field; a repeated field replaces *out (owned by the caller). */
int lw_pqf_str(struct lw_thrift *t, const struct lw_thrift_field *f,
	       const char *name, char **out);
/* A list header of elem-typed elements, at most max of them. */
int lw_pqf_list(struct lw_thrift *t, const struct lw_thrift_field *f,
		const char *name, int elem, uint32_t max, uint32_t *n);

/* The first out-of-range enum value met while decoding one schema element
 * or column chunk, kept until the struct ends: the error names the column,
 * and its name may come after the bad field. what[0] == 0: none yet. */
struct lw_pqf_bad {
	char what[80];		/* "physical type -7" */
};

/* Note a bad value unless one is noted already (the first one is told). */
void lw_pqf_bad_note(struct lw_pqf_bad *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* LW_OK when nothing was noted, else LW_EPARSE "corrupt footer: column
 * <column> has <what>". */
int lw_pqf_bad_error(struct lw_thrift *t, const struct lw_pqf_bad *b,
		     const char *column);

/* One SchemaElement into *e (its name owned by e). parquet_schema_elem.c */
int lw_pqf_schema_elem(struct lw_thrift *t, struct lw_pq_schema_elem *e);

#endif
