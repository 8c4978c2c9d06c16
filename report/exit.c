/* exit.c - the exit code of `lakewatch check`, as `soda scan` has it:
 * 0 all pass, 1 warnings only, 2 any failure, 3 any error.
 */
#include "lakewatch/report.h"

int lw_exit_code(const struct lw_run *run, enum lw_status fail_on)
{
	enum lw_status worst = LW_PASS;

	if (!run)
		return 3;
	/* The run's own status covers what is not any dataset's fault
	 * (history could not be written); take the datasets too, in case
	 * the caller built the run by hand. */
	if (run->status > worst)
		worst = run->status;
	if (run->history_error)
		worst = LW_ERROR;
	for (size_t i = 0; i < run->n; i++)
		if (run->ds[i].status > worst)
			worst = run->ds[i].status;
	if (worst > LW_ERROR)
		worst = LW_ERROR;	/* garbage in a hand-made run */
	if (worst < fail_on)
		return 0;
	return (int)worst;
}
