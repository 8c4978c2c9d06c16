/* tui_layout.h - the dashboard's pure layout and formatting code: text
 * width and fitting, status glyphs, sparklines, matrix cells, consumer
 * "why" lines, table columns, sorting, partition gaps and schema drift.
 * Nothing here touches the terminal, so it is unit-tested without one.
 */
#ifndef LAKEWATCH_TUI_LAYOUT_H
#define LAKEWATCH_TUI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lakewatch/model.h"
#include "lakewatch/run.h"

/* Smallest usable terminal; below it the dashboard says so. */
#define LW_TUI_MIN_W 60
#define LW_TUI_MIN_H 16

/* Display columns of UTF-8 text (ascii: one per byte, as each non-ASCII
 * byte is drawn as '?'). Invalid bytes count one. */
int lw_tui_width(const char *s, bool ascii);
/* Copy s into dst (n bytes) so that it takes at most width columns,
 * cutting with an ellipsis ("…", or "~" in ascii). Control characters
 * become '?', and in ascii so does every non-ASCII character. Returns the
 * columns used. */
int lw_tui_fit(char *dst, size_t n, const char *s, int width, bool ascii);

/* The first line of s wrapped to width columns: the longest prefix that
 * fits, broken after the last space when there is one (a word longer
 * than the width is split). Written to dst (fitted, NUL-terminated);
 * returns the bytes of s it took, at least one unless s is empty. */
size_t lw_tui_wrap_part(char *dst, size_t n, const char *s, int width,
			bool ascii);
/* Status glyph, one column: ✓ ! ✗ ⊘ (ascii: + ! X E). Static. */
const char *lw_tui_glyph(enum lw_status s, bool ascii);

/* A sparkline two rows high with each point's own band behind it: p[0..np)
 * (the last width points) holds a value (has_v) and the band the anomaly
 * rule had for it then (has_band, [lo, hi]); values are marks at 16
 * levels over the rows top and bot (each n bytes), on a scale that holds
 * the shown values and bands with a margin; in a column, the row without
 * the mark is shaded where the point's band covers it (U+2591, ASCII
 * '|'), so a value outside its band stands clear of it, and a point
 * without a band shows no shade. ASCII marks are ramp characters. */
struct lw_tui_bpoint {
	double v, lo, hi;
	bool has_v, has_band;
};
void lw_tui_spark_bands(char *top, char *bot, size_t n,
			const struct lw_tui_bpoint *p, size_t np, int width,
			bool ascii);
/* Sparkline of v[0..nv) (oldest first, values < 0 unknown = blank),
 * the last `width` values, scaled from min to max. Returns dst. */
const char *lw_tui_spark(char *dst, size_t n, const int64_t *v, size_t nv,
			 int width, bool ascii);

/* A health-matrix cell in at most width columns: the most detailed of
 * "✗ FAIL 3p 1w 1f", "✗ FAIL 2/5", "✗ FAIL", "✗" that fits; "-" for a
 * group without datasets; "…" while not polled yet (r->total > 0 but no
 * run: pass polled=false). */
const char *lw_tui_cell(char *dst, size_t n, const struct lw_rollup *r,
			bool polled, int width, bool ascii);
/* Why a group is not passing: "gold.sales_daily stale 7h (warn 2h, fail
 * 6h)" or "bronze.pos: error: permission denied". Empty when passing. */
const char *lw_tui_why(char *dst, size_t n, const struct lw_ds_run *dr,
		       const struct lw_result *res);

/* Table columns: each has a minimum and preferred width and a priority
 * (lower is kept longer). lw_tui_columns drops columns by priority until
 * the minimums fit, grows the flex column (index `flex`) to take the rest
 * and sets x and w (w = 0: dropped). Returns the number shown. */
struct lw_tui_col {
	const char *title;
	int min, pref, prio;
	bool right;		/* right-aligned (numbers) */
	int x, w;		/* out */
};
int lw_tui_columns(struct lw_tui_col *c, size_t n, int width, int flex);

/* Keep the selection in view: the new first visible row. */
int lw_tui_scroll(int sel, int top, int visible, int total);

/* "+12%", "-3.4%", "0%", "new" (prev 0), "-" when unknown. */
const char *lw_tui_change(char *dst, size_t n, int64_t rows, int64_t prev);

/* --- dataset table rows --- */
enum lw_tui_schema { LW_SCH_NONE = 0, LW_SCH_OK, LW_SCH_DRIFT, LW_SCH_BAD };
const char *lw_tui_schema_word(enum lw_tui_schema s);	/* "-", "ok", ... */

enum lw_tui_sort {
	LW_SORT_STATUS = 0, LW_SORT_NAME, LW_SORT_SOURCE, LW_SORT_LAYER,
	LW_SORT_AGE, LW_SORT_ROWS, LW_SORT_CHANGE, LW_SORT_SCHEMA,
	LW_SORT_FILES, LW_SORT_N
};

struct lw_tui_row {
	size_t ds;		/* index into the config's datasets */
	const char *name, *source;	/* borrowed */
	int layer;
	bool polled;		/* false: no run result yet */
	enum lw_status status;	/* as shown: muted checks may be left out */
	enum lw_status status_all;	/* every check's, muted or not */
	int nmuted;		/* problems left out of status: muted */
	int64_t age;		/* seconds since newest data, -1 unknown */
	int64_t rows, files;	/* -1 unknown */
	double change;		/* percent */
	bool has_change;
	enum lw_tui_schema schema;
};

/* Fill one row from a dataset's run (dr may be NULL: not polled yet). */
void lw_tui_row_fill(struct lw_tui_row *r, const struct lw_ds_run *dr,
		     int64_t now);
/* Sort rows by a column; ties by name. Worst status first, oldest first,
 * most rows first when !desc: each column's natural "problems first". */
void lw_tui_rows_sort(struct lw_tui_row *r, size_t n, enum lw_tui_sort by,
		      bool reverse);
/* Seconds since the newest data an observation saw, or -1. */
int64_t lw_tui_obs_age(const struct lw_obs *o, int64_t now);

/* --- partitions: the period between them and the missing ones --- */
/* times: partition start times (any order, < 0 ignored). The period is the
 * smallest step between distinct times, rounded to an hour, day, week or
 * month when close; gaps get the start of each missing period (at most
 * max; *ngaps counts all). Returns the period in seconds, 0 when unknown. */
int64_t lw_tui_part_gaps(const int64_t *times, size_t n, int64_t *gaps,
			 size_t max, size_t *ngaps);

/* --- schema drift against the previous observation --- */
enum lw_coldiff { LW_COL_SAME = 0, LW_COL_ADDED, LW_COL_REMOVED,
		  LW_COL_RETYPED };
struct lw_tui_coldiff {
	const struct lw_column *col;	/* now (removed: the old column) */
	const struct lw_column *was;	/* retyped: the old column */
	enum lw_coldiff kind;
};
/* Current columns in order (added/retyped marked), then removed ones.
 * prev may be NULL (everything SAME). Returns the count written (at most
 * max). */
size_t lw_tui_schema_diff(const struct lw_schema *now,
			  const struct lw_schema *prev,
			  struct lw_tui_coldiff *out, size_t max);

/* --- pipeline runs (layout_runs.c): the Pipelines screen's strip --- */
/* A run state's letter: S succeeded, F failed, T timed out, C cancelled,
 * R running (in progress), Q queued, K skipped, ? unknown. */
char lw_tui_run_letter(enum lw_run_state s);
#define LW_TUI_STRIP_MAX 96	/* cells a strip may have */
/* The status strip of runs[0..nruns) (any order) over the span seconds
 * up to now, in `cells` cells, oldest left: cell i covers [now - span +
 * i*span/cells, now - span + (i+1)*span/cells), the last one up to and
 * including now. A run falls in the cell of its start (its end when the
 * start is unknown; a time after now in the last cell); runs before the
 * span or without a time are left out. A cell shows the letter of its
 * worst run (F T C R Q ? S K, worst first) and '.' when it has none.
 * dst (n bytes) gets min(cells, n - 1, LW_TUI_STRIP_MAX) letters and a
 * NUL. Returns how many runs fell in the strip. */
int lw_tui_run_strip(char *dst, size_t n, const struct lw_run_fact *runs,
		     size_t nruns, int64_t now, int64_t span, int cells);
/* Why a failing run dataset fails, naming its pipeline and its newest
 * run that ended (runs queued or in progress skipped) when that failed or
 * timed out: "pl_load_sales failed 9h ago: Copy orders: ErrorCode=...";
 * lw_tui_why's text otherwise. Into dst. */
const char *lw_tui_run_why(char *dst, size_t n, const struct lw_ds_run *dr,
			   const struct lw_result *res, int64_t now);

#endif
