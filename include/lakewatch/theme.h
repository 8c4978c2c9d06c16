/* theme.h - dashboard colour themes: small text files that name colours by
 * meaning (pass, warn, fail, header, selection, ...). docs/themes.md
 * describes the format. Pure code: nothing here touches the terminal, so
 * the parser is unit-tested and fuzzed without one.
 */
#ifndef LAKEWATCH_THEME_H
#define LAKEWATCH_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include "lakewatch/err.h"

enum lw_role {
	LW_R_NORMAL = 0, LW_R_HEADER, LW_R_FOOTER, LW_R_BORDER, LW_R_TITLE,
	LW_R_SELECTION, LW_R_PASS, LW_R_WARN, LW_R_FAIL, LW_R_ERROR,
	LW_R_STALE, LW_R_DIM, LW_R_ACCENT, LW_R_ADDED, LW_R_REMOVED,
	LW_R_CHANGED, LW_R_SPARK, LW_R_KEY, LW_R_TAB, LW_R_TAB_ACTIVE,
	LW_R_NROLES
};

/* Attribute bits (our own, mapped to curses attributes by the drawer). */
#define LW_A_BOLD	1u
#define LW_A_DIM	2u
#define LW_A_REVERSE	4u
#define LW_A_UNDERLINE	8u
#define LW_A_ITALIC	16u
#define LW_A_STANDOUT	32u

#define LW_COLOR_DEFAULT (-1)

struct lw_style {
	int fg, bg;		/* LW_COLOR_DEFAULT or 0..255 */
	unsigned attrs;		/* LW_A_* */
};

#define LW_THEME_NAME 64
struct lw_theme {
	char name[LW_THEME_NAME];
	struct lw_style role[LW_R_NROLES];
};

const char *lw_role_name(enum lw_role r);	/* "pass", static */
int lw_role_parse(const char *s);		/* -1 when unknown */

/* Parse theme text. Roles a theme leaves out take the "normal" colours
 * and the monochrome attributes of that role. err says "line N: ...". */
int lw_theme_parse(const char *text, size_t len, const char *name,
		   struct lw_theme *t, struct lw_err *err);
/* The built-in monochrome theme: attributes only (bold, reverse,
 * underline carry the meaning). Used for NO_COLOR and colourless
 * terminals, and as the fallback when no theme file is found. */
void lw_theme_mono(struct lw_theme *t);
/* A built-in copy of themes/dark.theme, used when the file is missing. */
void lw_theme_default(struct lw_theme *t);

/* Nearest of the 8 basic colours for a 256-colour index (0..255);
 * LW_COLOR_DEFAULT stays. */
int lw_color_to8(int c);

/* Theme names are [A-Za-z0-9_-]{1,63}: they become file names. */
bool lw_theme_name_ok(const char *name);
/* Where NAME.theme is: $XDG_CONFIG_HOME/lakewatch/themes (or
 * ~/.config/...), ./themes, bindir/themes and bindir/../themes (bindir may
 * be NULL), then LW_DATADIR/themes. Returns an owned path, or NULL. */
char *lw_theme_find(const char *name, const char *bindir);
/* Find and parse. On failure t is untouched and err says why. */
int lw_theme_load(const char *name, const char *bindir, struct lw_theme *t,
		  struct lw_err *err);
/* Theme names available in the search path, sorted, without duplicates;
 * the shipped ones are always listed first. Caller frees each and the
 * array. */
char **lw_theme_list(const char *bindir, size_t *n);

#endif
