/* delta_int.h - helpers shared by the delta_*.c files only; the Delta
 * reader's interface is include/lakewatch/delta.h. */
#ifndef LAKEWATCH_DELTA_INT_H
#define LAKEWATCH_DELTA_INT_H

#include <stdint.h>
#include <cJSON.h>

/* Member k of object o as an int64 (a whole JSON number in range, or a
 * string of digits, as some writers log them); dflt otherwise. */
int64_t lw_delta_jint(const cJSON *o, const char *k, int64_t dflt);
/* Member k of o when it is a string (owned by o), else NULL. */
const char *lw_delta_jstr(const cJSON *o, const char *k);

#endif
