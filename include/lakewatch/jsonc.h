/* jsonc.h - JSON with comments, parsed into cJSON with source positions.
 *
 * Configs are JSON that allows // and block comments and trailing commas.
 * cJSON has no notion of where a value came from, so the parser keeps a
 * side table from node to line and column; config errors use it to say
 * "lakewatch.json:12:5: ...". Duplicate object keys are an error.
 */
#ifndef LAKEWATCH_JSONC_H
#define LAKEWATCH_JSONC_H

#include <stddef.h>
#include <cJSON.h>
#include "lakewatch/err.h"

struct lw_jsonc;	/* a parsed document: the tree plus positions */

/* Parse text (len bytes, need not be NUL-terminated). On success *out owns
 * the tree; free with lw_jsonc_free. On failure err says "line L, column C:
 * expected ..." (the caller adds the file name). Nesting is limited to 64. */
int lw_jsonc_parse(const char *text, size_t len, struct lw_jsonc **out,
		   struct lw_err *err);
const cJSON *lw_jsonc_root(const struct lw_jsonc *d);
/* Line and column (1-based) where node starts; 0,0 when unknown. For an
 * object member the position is that of its key. */
void lw_jsonc_pos(const struct lw_jsonc *d, const cJSON *node, int *line,
		  int *col);
void lw_jsonc_free(struct lw_jsonc *d);

#endif
