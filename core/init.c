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
