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
#include <stdlib.h>
#include <string.h>

static inline const char *lw_testdata(void)
{
	const char *d = getenv("LW_TESTDATA");
	return d ? d : "../shared/testdata";
}
#endif
