/* frame.c - the frame around every view: header (config, lakes, poll
 * state), tabs and counts, notices that belong to no view, the footer,
 * and the "terminal too small" message. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "app.h"
#include "lakewatch/util.h"

/* Right side of the header: the poll state. */
static void poll_state_text(struct lw_app *a, char *t, size_t tn)
{
	char tm[32];
	int n = 0;

	if (a->ps.running) {
		snprintf(t, tn, "polling %zu/%zu ", a->ps.done, a->ps.total);
		return;
	}
	t[0] = 0;
	if (a->run) {
		time_t f = (time_t)a->run->finished;
		struct tm lt;

		localtime_r(&f, &lt);
		strftime(tm, sizeof tm, "%H:%M:%S", &lt);
		n = snprintf(t, tn, "last poll %s  ", tm);
	}
	if (a->ps.paused) {
		snprintf(t + n, tn - n, "paused ");
	} else if (a->cfg) {
		int64_t left = a->ps.next_at - (int64_t)time(NULL);

		if (left < 0)
			left = 0;
		snprintf(t + n, tn - n, "next in %d:%02d ",
			 (int)(left / 60), (int)(left % 60));
	}
}

static void draw_header(struct lw_app *a)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	char t[512];
	int x, n;

	lw_draw_fill(a, 0, 0, a->W, LW_R_HEADER);
	n = snprintf(t, sizeof t, " lakewatch %s %s", a->ascii ? "-" :
		     "\xc2\xb7", cfg ? cfg->name : "(no config)");
	if (cfg && cfg->nlakes) {
		n += snprintf(t + n, sizeof t - n, "  lakes:");
		for (size_t i = 0; i < cfg->nlakes && n < 200; i++)
			n += snprintf(t + n, sizeof t - n, "%s%s",
				      i ? ", " : " ", cfg->lakes[i].name);
	}
	x = lw_draw_str(a, 0, 0, a->W, LW_R_HEADER, t);
	poll_state_text(a, t, sizeof t);
	n = lw_tui_width(t, a->ascii);
	if (a->W - n > x + 1)
		lw_draw_str(a, 0, a->W - n, n, LW_R_HEADER, t);
}

/* Second line: a tab per view (from the registry), then the counts.
 * When the named tabs would leave less than the counts' short form (80
 * columns, with six screens), the others show their key only. */
static void draw_tabs(struct lw_app *a)
{
	char t[512];
	int x = 0, full = 0;

	for (size_t i = 0; i < lw_nviews; i++)
		full += 4 + lw_tui_width(lw_views[i]->name, a->ascii);
	bool keys_only = full + 14 > a->W;

	lw_draw_fill(a, 1, 0, a->W, LW_R_NORMAL);
	for (size_t i = 0; i < lw_nviews; i++) {
		char b[32];
		int w;
		bool active = a->cur == i;

		snprintf(b, sizeof b, " %c %s ", lw_views[i]->key,
			 keys_only && !active ? "" : lw_views[i]->name);
		if (keys_only && !active)
			b[3] = 0;
		w = lw_draw_str(a, 1, x, a->W - x, active ? LW_R_TAB_ACTIVE :
				LW_R_TAB, b);
		lw_draw_hit(a, 1, x, 1, w, HIT_TAB, (int)i, 0);
		x += w + !(keys_only && !active);
		if (x >= a->W)
			break;
	}
	if (a->run) {
		/* words when they fit, else glyph and count (never colour
		 * alone either way) */
		bool words = a->W - x >= 44;

		for (int s = 0; s < LW_NSTATUS && x < a->W; s++) {
			snprintf(t, sizeof t, words ? " %s %s %d" :
				 " %s%.0s%d", lw_tui_glyph(s, a->ascii),
				 lw_status_name(s), a->run->counts[s]);
			x += lw_draw_str(a, 1, x, a->W - x,
					 a->run->counts[s] ? lw_status_role(s) :
					 LW_R_DIM, t);
		}
	}
}

/* Problems that belong to no view: config, history, theme. */
static int draw_notices(struct lw_app *a, int y)
{
	char t[512];

	if (a->cfg_errors) {
		const char *nl = strchr(a->cfg_errors, '\n');
		int n = nl ? (int)(nl - a->cfg_errors) : (int)strlen(
			a->cfg_errors);

		snprintf(t, sizeof t, "%s %.*s%s", a->cfg ?
			 "config reload failed (previous config kept):" :
			 "config error:", n > 400 ? 400 : n, a->cfg_errors,
			 nl && nl[1] ? " (more on the overview)" : "");
		lw_draw_text(a, y++, 0, a->W, LW_R_ERROR, t);
	}
	if (a->hist_error) {
		snprintf(t, sizeof t, "history unavailable: %s",
			 a->hist_error);
		lw_draw_text(a, y++, 0, a->W, LW_R_WARN, t);
	}
	if (a->run && a->run->history_error) {
		snprintf(t, sizeof t, "history: %s", a->run->history_error);
		lw_draw_text(a, y++, 0, a->W, LW_R_WARN, t);
	}
	if (a->src && a->src->notify_failing &&
	    a->src->notify_failing(a->src->ud, t, sizeof t))
		lw_draw_text(a, y++, 0, a->W, LW_R_WARN, t);
	return y;
}

static void draw_footer(struct lw_app *a)
{
	const struct lw_view_ops *v = lw_app_view(a);
	const char *keys = v->footer ? v->footer : " Esc back  q quit";
	int y = a->H - 1, x;

	lw_draw_fill(a, y, 0, a->W, LW_R_FOOTER);
	if (v->draw_footer && v->draw_footer(a, a->vst[a->cur], y))
		return;
	if (a->msg[0]) {
		x = lw_draw_str(a, y, 0, a->W, a->msg_err ? LW_R_ERROR :
				LW_R_ACCENT, a->msg);
		lw_draw_str(a, y, x + 2, a->W - x - 2, LW_R_FOOTER, keys);
		return;
	}
	lw_draw_str(a, y, 0, a->W, LW_R_FOOTER, keys);
}

void lw_draw_frame(struct lw_app *a)
{
	const struct lw_view_ops *v = lw_app_view(a);
	void *st = a->vst[a->cur];
	int y;

	a->nhits = 0;
	attrset(a->attr[LW_R_NORMAL]);
	erase();
	if (a->W < LW_TUI_MIN_W || a->H < LW_TUI_MIN_H) {
		char t[96];

		snprintf(t, sizeof t, "terminal too small (need %dx%d)",
			 LW_TUI_MIN_W, LW_TUI_MIN_H);
		lw_draw_str(a, a->H / 2, 0, a->W, LW_R_NORMAL, t);
		if (a->H / 2 + 1 < a->H)
			lw_draw_str(a, a->H / 2 + 1, 0, a->W, LW_R_DIM,
				    "q quits");
		curs_set(0);
		return;
	}
	draw_header(a);
	draw_tabs(a);
	y = draw_notices(a, 2);
	curs_set(v->captures && v->captures(a, st) ? 1 : 0);
	v->draw(a, st, y, a->H - 1 - y);
	draw_footer(a);
}
