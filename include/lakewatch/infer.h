/* infer.h - guess a column's type from the text of its cells.
 *
 * Text formats (CSV) carry no types, so a column's type is the narrowest
 * one every non-empty cell of a sample fits. Each cell is classified on its
 * own into one class bit; a column remembers the bits it saw; the union
 * decides: only ints -> int64, ints and decimals -> double, dates and
 * timestamps -> timestamp, anything else mixed -> string. Empty cells are
 * nulls and do not vote. Pure functions, no allocation.
 */
#ifndef LAKEWATCH_INFER_H
#define LAKEWATCH_INFER_H

#include <stddef.h>
#include "lakewatch/model.h"

enum lw_infer_class {
	LW_INFER_INT = 1,	/* -12, 0042 (fits int64) */
	LW_INFER_DOUBLE = 2,	/* 1.5, -.5, 3e8, 1.2E-3, too big for int64 */
	LW_INFER_BOOL = 4,	/* true/false, any case */
	LW_INFER_DATE = 8,	/* 2026-11-20 */
	LW_INFER_TIMESTAMP = 16,/* 2026-11-20T03:00:00Z, "2026-11-20 03:00",
				 * fractions, offsets */
	LW_INFER_STRING = 32,	/* anything else */
};

/* The class of one cell (n bytes, not NUL-terminated), 0 for an empty cell
 * (a null). */
unsigned lw_infer_classify(const char *s, size_t n);
/* The type of a column that saw the classes in `seen` (a union of
 * lw_infer_class bits); 0 (only nulls, or no rows) gives LW_T_STRING. */
enum lw_type lw_infer_type(unsigned seen);

#endif
