/* act.c - acknowledge, mute, accept and undo from the dashboard: the
 * prompt on the footer line and the history writes (act.h). */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "act.h"
#include "app.h"
#include "lakewatch/history_incidents.h"
#include "lakewatch/util.h"

/* Static storage; the same rule as `lakewatch ack` (cli/act.c). */
const char *lw_act_user(void)
{
	static char buf[64];
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u && *u)
		return u;
	pw = getpwuid(getuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	snprintf(buf, sizeof buf, "uid %ld", (long)getuid());
	return buf;
}

/* The writable handle, or NULL (said on the message line). It is the
 * poll thread's (hist_w): every write goes through one transaction under
 * the handle's own lock (history/store.c), and the connection is SQLite
 * FULLMUTEX. A second handle must not be opened here: opening one opens
 * and closes the file, and a close() drops every POSIX lock this process
 * holds on it, SQLite's included (the file got corrupted when we did). */
static struct lw_history *writer(struct lw_app *a)
{
	if (!a->hist_w || !a->hist) {
		lw_app_set_msg(a, true, "no history open: nothing can be "
			       "recorded");
		return NULL;
	}
	return a->hist_w;
}

bool lw_act_busy(const struct lw_act *x)
{
	return x->kind != LW_ACT_NONE;
}

/* Only schema and change keep a baseline; any other check (or none)
 * accepts both. */
static const char *accept_check(const struct lw_act *x)
{
	if (!strcmp(x->check, "schema") || !strcmp(x->check, "change"))
		return x->check;
	return NULL;
}

bool lw_act_start(struct lw_app *a, struct lw_act *x, int ch,
		  const char *dataset, const char *check, int64_t incident)
{
	enum lw_act_kind k = ch == 'a' ? LW_ACT_ACK : ch == 'm' ? LW_ACT_MUTE :
			     ch == 'A' ? LW_ACT_ACCEPT : ch == 'U' ?
			     LW_ACT_UNDO : LW_ACT_NONE;

	if (k == LW_ACT_NONE)
		return false;
	if (!dataset) {
		lw_app_set_msg(a, true, "nothing selected to act on");
		return true;
	}
	if (!a->hist) {
		lw_app_set_msg(a, true, "no history open: acknowledgements, "
			       "mutes and accepts cannot be recorded");
		return true;
	}
	memset(x, 0, sizeof *x);
	x->kind = k;
	snprintf(x->dataset, sizeof x->dataset, "%s", dataset);
	snprintf(x->check, sizeof x->check, "%s", check ? check : "");
	x->incident = incident;
	a->msg[0] = 0;
	return true;
}

/* "12-02 13:00", local, into b (what the message line has room for). */
static const char *short_time(int64_t t, char *b, size_t n)
{
	time_t tt = (time_t)t;
	struct tm lt;

	localtime_r(&tt, &lt);
	strftime(b, n, "%m-%d %H:%M", &lt);
	return b;
}

/* When the incident pointed at resolved meanwhile: "incident #12 had
 * resolved at ... in the meantime; ", else "". Into b. */
static const char *resolved_note(struct lw_history *h, const struct lw_act *x,
				 char *b, size_t n)
{
	struct lw_incident *v = NULL;
	size_t nv = 0;
	struct lw_err err = { 0 };
	char t[32];

	b[0] = 0;
	if (!x->incident || lw_history_incidents(h, x->dataset, false,
						 lw_app_now(), 200, &v, &nv,
						 &err) != LW_OK)
		return b;
	for (size_t i = 0; i < nv; i++)
		if (v[i].id == x->incident && v[i].resolved)
			snprintf(b, n, "incident #%lld had resolved at %s in "
				 "the meantime; ", (long long)v[i].id,
				 short_time(v[i].resolved, t, sizeof t));
	lw_incidents_free(v, nv);
	return b;
}

static void do_ack(struct lw_app *a, struct lw_history *h,
		   const struct lw_act *x, const char *user, int64_t now)
{
	struct lw_incident *v = NULL;
	size_t n = 0;
	struct lw_err err = { 0 };
	char t[32];

	if (lw_history_ack(h, x->dataset, x->check[0] ? x->check : NULL, user,
			   x->len ? x->text : NULL, now, &v, &n, &err)) {
		lw_app_set_msg(a, true, "ack: %s", err.msg);
		return;
	}
	if (n && v[0].resolved)
		lw_app_set_msg(a, true, "incident #%lld (%s %s) had already "
			       "resolved at %s: acknowledgement kept for the "
			       "record", (long long)v[0].id, v[0].dataset,
			       v[0].check, short_time(v[0].resolved, t,
						      sizeof t));
	else
		lw_app_set_msg(a, false, "acknowledged %zu incident%s of %s "
			       "as %s", n, n == 1 ? "" : "s", x->dataset,
			       user);
	lw_incidents_free(v, n);
}

static void do_mute(struct lw_app *a, struct lw_history *h,
		    const struct lw_act *x, const char *user, int64_t now)
{
	struct lw_err err = { 0 };
	int64_t d = 0;
	char t[32], r[160];

	if (lw_duration_parse(x->text, &d) || d <= 0) {
		lw_app_set_msg(a, true, "mute: '%s' is not a duration such as "
			       "30m, 2h or 1d", x->text);
		return;
	}
	if (lw_history_mute(h, x->dataset, x->check[0] ? x->check : NULL,
			    user, now, now + d, &err)) {
		lw_app_set_msg(a, true, "mute: %s", err.msg);
		return;
	}
	lw_app_set_msg(a, false, "%smuted %s %s until %s as %s",
		       resolved_note(h, x, r, sizeof r), x->dataset,
		       x->check[0] ? x->check : "(every check)",
		       short_time(now + d, t, sizeof t), user);
}

static void do_accept(struct lw_app *a, struct lw_history *h,
		      const struct lw_act *x, const char *user, int64_t now)
{
	const char *chk = accept_check(x);
	struct lw_err err = { 0 };
	char *what = NULL, r[160];

	if (x->kind == LW_ACT_UNDO) {
		if (lw_history_accept_undo(h, x->dataset, chk, now, &err))
			lw_app_set_msg(a, true, "undo: %s", err.msg);
		else
			lw_app_set_msg(a, false, "took back the last accepted "
				       "baseline of %s%s%s", x->dataset,
				       chk ? " " : "", chk ? chk : "");
		return;
	}
	if (lw_history_accept(h, x->dataset, chk, user, now, &what, &err)) {
		lw_app_set_msg(a, true, "accept: %s", err.msg);
		return;
	}
	lw_app_set_msg(a, false, "%saccepted %s as the baseline of %s as %s; "
		       "the next poll compares with it",
		       resolved_note(h, x, r, sizeof r), what ? what :
		       "the last observation", x->dataset, user);
	free(what);
}

/* Enter: record it, close the prompt, let the views read history again. */
static void commit(struct lw_app *a, struct lw_act *x)
{
	struct lw_history *h;
	const char *user = lw_act_user();
	int64_t now = lw_app_now();

	if (x->kind == LW_ACT_MUTE && !x->len) {
		lw_app_set_msg(a, true, "mute: give a duration such as 2h");
		return;		/* the prompt stays open */
	}
	h = writer(a);
	if (h) {
		if (x->kind == LW_ACT_ACK)
			do_ack(a, h, x, user, now);
		else if (x->kind == LW_ACT_MUTE)
			do_mute(a, h, x, user, now);
		else
			do_accept(a, h, x, user, now);
	}
	x->kind = LW_ACT_NONE;
	lw_app_views_on_history(a);
}

void lw_act_key(struct lw_app *a, struct lw_act *x, int ch)
{
	bool confirm = x->kind == LW_ACT_ACCEPT || x->kind == LW_ACT_UNDO;

	a->dirty = true;
	if (ch == KEY_ESC || (confirm && ch != 'y' && ch != 'Y')) {
		x->kind = LW_ACT_NONE;
		lw_app_set_msg(a, false, "cancelled: nothing recorded");
		return;
	}
	if (confirm || ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		commit(a, x);
		return;
	}
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		while (x->len > 0 && ((unsigned char)x->text[x->len - 1] &
				      0xc0) == 0x80)
			x->len--;	/* a whole UTF-8 character */
		if (x->len > 0)
			x->len--;
		x->text[x->len] = 0;
		return;
	}
	if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && x->len < LW_ACT_TEXT) {
		x->text[x->len++] = (char)ch;
		x->text[x->len] = 0;
	}
}

bool lw_act_draw_footer(struct lw_app *a, const struct lw_act *x, int y)
{
	char t[600];
	const char *on = x->check[0] ? x->check : "every check";
	int w;

	if (x->kind == LW_ACT_NONE)
		return false;
	if (x->kind == LW_ACT_ACK)
		snprintf(t, sizeof t, "ack %s %s, note (Enter, Esc cancels): %s",
			 x->dataset, on, x->text);
	else if (x->kind == LW_ACT_MUTE)
		snprintf(t, sizeof t, "mute %s %s for (30m, 2h, 1d; Enter): %s",
			 x->dataset, on, x->text);
	else if (x->kind == LW_ACT_ACCEPT)
		snprintf(t, sizeof t, "accept the observed %s of %s as its "
			 "baseline? y/n", accept_check(x) ? accept_check(x) :
			 "schema and row count", x->dataset);
	else
		snprintf(t, sizeof t, "undo the last accept of %s%s%s? y/n",
			 x->dataset, accept_check(x) ? " " : "",
			 accept_check(x) ? accept_check(x) : "");
	w = lw_draw_str(a, y, 0, a->W - 1, LW_R_ACCENT, t);
	if (x->kind == LW_ACT_ACK || x->kind == LW_ACT_MUTE)
		move(y, w < a->W - 1 ? w : a->W - 1);
	return true;
}
