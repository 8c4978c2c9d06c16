/* init.h - process-wide set-up every entry point shares.
 *
 * lw_init() routes cJSON's allocations through the project's abort-on-OOM
 * allocator (lw_xmalloc / free), so a cJSON call never hands back NULL for
 * lack of memory: cJSON would otherwise report that as a parse failure, or
 * a silently missing key. It is idempotent and cheap, and liblakewatch
 * also runs it when the library is loaded (a constructor in core/init.c),
 * so main(), every unit test, fuzzer and benchmark gets it even before its
 * own first line; main() still calls it, to say so where one looks.
 */
#ifndef LAKEWATCH_INIT_H
#define LAKEWATCH_INIT_H

#include <stdbool.h>

void lw_init(void);
/* True once lw_init() has run (for tests). */
bool lw_init_done(void);

#endif
