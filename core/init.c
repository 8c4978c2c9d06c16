/* init.c - process-wide set-up: cJSON through the project allocator. */
#include <stdbool.h>
#include <stdlib.h>
#include <cJSON.h>
#include "lakewatch/init.h"
#include "lakewatch/util.h"

static bool done;

void lw_init(void)
{
	/* cJSON keeps the hooks in a plain global; set them before any
	 * thread exists (the constructor below) and never change them, so
	 * the poll threads only ever read them. */
	static cJSON_Hooks hooks = { .malloc_fn = lw_xmalloc, .free_fn = free };
	if (done)
		return;
	cJSON_InitHooks(&hooks);
	done = true;
}

bool lw_init_done(void)
{
	return done;
}

/* liblakewatch is linked whole (Makefile), so this runs in every binary
 * that uses it, before main() or LLVMFuzzerTestOneInput(). */
__attribute__((constructor)) static void init_at_load(void)
{
	lw_init();
}
