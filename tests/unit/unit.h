/* unit.h - what every cmocka unit test includes.
 * LW_TESTDATA is ../shared/testdata (the other projects' files), resolved
 * from the project root where `make` runs. */
#ifndef LAKEWATCH_UNIT_H
#define LAKEWATCH_UNIT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline const char *lw_testdata(void)
{
	const char *d = getenv("LW_TESTDATA");
	return d ? d : "../shared/testdata";
}

/* Say what the running test is about to skip for: TOOLS, space-separated
 * commands or paths (with a '/', from the project root) that are missing.
 * tests/unit/run.sh turns the "# needs" line and cmocka's "not ok N # SKIP"
 * into "SKIP ... [needs TOOLS]", and tests/summary.sh fails the run when
 * every one of them is present after all. */
static inline void lw_needs(const char *tools)
{
	printf("# needs %s\n", tools);
	fflush(stdout);
}

/* lw_needs(), then cmocka's skip(): the test ends here. */
#define lw_skip_needs(tools) do { lw_needs(tools); skip(); } while (0)
/* Tests append to buffers sized for what they build: an append that
 * fails (warn_unused_result, buf.h) fails the test where it happened. */
#define UNIT_OK(...) assert_int_equal((__VA_ARGS__), 0)

#endif
