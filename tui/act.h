/* act.h - what a person does about an incident from the dashboard (tui/
 * only): acknowledge with a note, mute for a duration, accept the observed
 * schema / row count as the baseline, undo the last accept. Shared by the
 * incidents screen and the detail. Each goes through the same history
 * functions as `lakewatch ack`, `mute` and `accept` (history_incidents.h),
 * on the dashboard's writable handle (the one polls record into; its
 * transactions are serialized by the handle, see act.c).
 *
 * A view that offers the keys keeps a struct lw_act in its state and
 * wires three hooks to it: captures (lw_act_busy), handle_key (first
 * lw_act_key) and draw_footer (lw_act_draw_footer), so the prompt takes
 * every key while it is open and shows on the footer line.
 */
#ifndef LAKEWATCH_TUI_ACT_H
#define LAKEWATCH_TUI_ACT_H

#include <stdbool.h>
#include <stdint.h>

struct lw_app;

enum lw_act_kind { LW_ACT_NONE = 0, LW_ACT_ACK, LW_ACT_MUTE, LW_ACT_ACCEPT,
		   LW_ACT_UNDO };

#define LW_ACT_TEXT 200		/* longest note or duration typed */

struct lw_act {
	enum lw_act_kind kind;	/* the prompt open, NONE when closed */
	char dataset[256], check[64];	/* what it acts on; check "" = all */
	int64_t incident;	/* the incident pointed at, 0 = none */
	char text[LW_ACT_TEXT + 1];
	int len;
};

/* Open the prompt for key ch ('a', 'm', 'A', 'U') on dataset and check
 * (NULL: every check), pointing at incident id (0: none). true when ch is
 * one of the keys (it was used, even when it only says why not). */
bool lw_act_start(struct lw_app *a, struct lw_act *x, int ch,
		  const char *dataset, const char *check, int64_t incident);
/* true while the prompt is open (the view captures every key). */
bool lw_act_busy(const struct lw_act *x);
/* A key while the prompt is open: typing, Enter does it, Esc cancels. */
void lw_act_key(struct lw_app *a, struct lw_act *x, int ch);
/* Draw the prompt on footer line y; false when it is closed. */
bool lw_act_draw_footer(struct lw_app *a, const struct lw_act *x, int y);
/* The user name recorded: $USER, else the password entry, else "uid N".
 * Static storage. */
const char *lw_act_user(void);

#endif
