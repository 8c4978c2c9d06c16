/* app.c - lw_tui_main: terminal setup and restore, config and history
 * loading, themes, signals, and the main loop.
 *
 * The loop blocks in poll() on stdin and a self-pipe. The poll thread and
 * the signal handlers write one byte each to the pipe; a timer wakes the
 * loop once a second only while the header shows a countdown. Nothing is
 * redrawn unless something changed, so an idle dashboard costs no CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "app.h"
#include "lakewatch/util.h"
#include "lakewatch/buf.h"
#include "lakewatch/secret.h"

static int sig_fd = -1;
static volatile sig_atomic_t curses_on;

static void on_signal(int sig)
{
	char c = sig == SIGWINCH ? 'W' : sig == SIGHUP ? 'H' : 'Q';
	int e = errno;

	/* a full pipe means the loop is awake anyway */
	if (sig_fd >= 0 && write(sig_fd, &c, 1) < 0)
		errno = e;
	errno = e;
}

/* A crash must not leave the terminal in raw mode. */
static void on_fatal(int sig)
{
	if (curses_on) {
		curses_on = 0;
		endwin();
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void restore_at_exit(void)
{
	if (curses_on) {
		curses_on = 0;
		endwin();
	}
}

static void install_signals(void)
{
	struct sigaction sa;
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
				     SIGILL };

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_fatal;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int64_t lw_app_now(void)
{
	return lw_now();
}

const struct lw_config *lw_app_cfg(const struct lw_app *a)
{
	if (a->run_cfg)
		return a->run_cfg->cfg;
	return a->cfg ? a->cfg->cfg : NULL;
}

const struct lw_ds_run *lw_app_dsrun(const struct lw_app *a, size_t i)
{
	const struct lw_config *cfg = lw_app_cfg(a);
	const struct lw_dataset *d;

	if (!a->run || !cfg || i >= cfg->ndatasets)
		return NULL;
	d = &cfg->datasets[i];
	if (i < a->run->n && a->run->ds[i].ds == d)
		return &a->run->ds[i];
	for (size_t k = 0; k < a->run->n; k++)
		if (a->run->ds[k].ds == d)
			return &a->run->ds[k];
	return NULL;
}

void lw_app_set_msg(struct lw_app *a, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
	lw_redact(a->msg);
	a->msg_err = err;
	a->dirty = true;
}

static int apply_theme(struct lw_app *a, const char *name)
{
	struct lw_theme t;
	struct lw_err err = { 0 };

	if (!a->color) {
		lw_theme_mono(&a->theme);
		lw_draw_setup_colors(a);
		return 0;
	}
	if (lw_theme_load(name, a->bindir, &t, &err) != LW_OK) {
		lw_app_set_msg(a, true, "%s; keeping theme %s", err.msg,
			       a->theme.name[0] ? a->theme.name : "dark");
		if (!a->theme.name[0]) {
			lw_theme_default(&a->theme);
			lw_draw_setup_colors(a);
		}
		return -1;
	}
	a->theme = t;
	for (size_t i = 0; i < a->nthemes; i++)
		if (!strcmp(a->themes[i], name))
			a->theme_idx = i;
	lw_draw_setup_colors(a);
	clearok(curscr, TRUE);
	a->dirty = true;
	return 0;
}

void lw_app_next_theme(struct lw_app *a)
{
	size_t i;

	if (!a->color) {
		lw_app_set_msg(a, false, "colours are off (NO_COLOR, "
			       "--no-color or the terminal): monochrome");
		return;
	}
	if (!a->nthemes)
		return;
	/* skip themes that fail to load, at most once round */
	for (i = 1; i <= a->nthemes; i++) {
		size_t k = (a->theme_idx + i) % a->nthemes;

		if (apply_theme(a, a->themes[k]) == 0) {
			a->theme_idx = k;
			lw_app_set_msg(a, false, "theme: %s", a->themes[k]);
			return;
		}
	}
}

static void open_history(struct lw_app *a)
{
	const char *path = a->opts->history;
	struct lw_history *hw = NULL, *hr = NULL;
	struct lw_err err = { 0 };

	if (!path && a->cfg)
		path = a->cfg->cfg->history_path;
	if (!path || a->hist_w || a->opts->no_history)
		return;
	free(a->hist_error);
	a->hist_error = NULL;
	if (lw_history_open(path, false, &hw, &err) != LW_OK) {
		a->hist_error = lw_xasprintf("%s (the dashboard goes on "
					     "without it)", err.msg);
		return;
	}
	/* The UI reads through its own handle: SQLite in WAL mode lets it
	 * read while the poll thread writes. */
	if (lw_history_open(path, true, &hr, &err) != LW_OK) {
		a->hist_error = lw_xasprintf("read: %s", err.msg);
		hr = NULL;
	}
	a->hist_w = hw;
	a->hist = hr;
	lw_poller_set_history(&a->poller, hw);
}

/* Load (first) or reload the config. A broken config is shown and the
 * old one kept; polling goes on with it. */
static void load_config(struct lw_app *a, bool first)
{
	struct lw_err err = { 0 };
	struct lw_buf errs;
	struct lw_config *c = NULL;
	struct lw_cfgref *ref, *old;
	int64_t iv;

	if (!a->cfg_path) {
		a->cfg_path = lw_config_locate(a->opts->config, &err);
		if (!a->cfg_path) {
			free(a->cfg_errors);
			a->cfg_errors = lw_xstrdup(err.msg[0] ? err.msg :
						   "no config file found");
			return;
		}
	}
	lw_buf_init(&errs, 256 * 1024);
	if (lw_config_load(a->cfg_path, &c, &errs) != LW_OK || !c) {
		free(a->cfg_errors);
		a->cfg_errors = errs.len ? lw_buf_steal(&errs) :
				lw_xasprintf("%s: could not be loaded",
					     a->cfg_path);
		lw_buf_free(&errs);
		lw_redact(a->cfg_errors);
		if (!first)
			lw_app_set_msg(a, true, "config reload failed: "
				       "previous config kept");
		a->dirty = true;
		return;
	}
	lw_buf_free(&errs);
	free(a->cfg_errors);
	a->cfg_errors = NULL;
	ref = lw_xcalloc(1, sizeof *ref);
	ref->cfg = c;
	ref->refs = 1;
	old = a->cfg;
	a->cfg = ref;
	iv = a->opts->interval > 0 ? a->opts->interval : c->interval;
	lw_poller_set_interval(&a->poller, iv > 0 ? iv : 300);
	open_history(a);
	lw_poller_set_config(&a->poller, ref);
	if (!a->run)
		lw_datasets_rebuild(a);
	lw_cfgref_put(&a->poller, old);
	if (!first) {
		if (!a->opts->theme && c->theme &&
		    strcmp(c->theme, a->theme.name))
			apply_theme(a, c->theme);
		lw_app_set_msg(a, false, "config reloaded: %zu datasets",
			       c->ndatasets);
	}
	a->dirty = true;
}

void lw_app_reload(struct lw_app *a)
{
	load_config(a, false);
}

/* A finished run from the poll thread replaces the one on screen. */
static void take_run(struct lw_app *a)
{
	struct lw_run *run, *old;
	struct lw_cfgref *rc, *oldc;

	if (!lw_poller_take(&a->poller, &run, &rc))
		return;
	old = a->run;
	oldc = a->run_cfg;
	a->run = run;
	a->run_cfg = rc;
	/* rebuild before the old config can go: rows borrow its names */
	lw_datasets_rebuild(a);
	if (old)
		lw_run_free(old);
	lw_cfgref_put(&a->poller, oldc);
	lw_events_load(a);
	if (a->screen == SCR_DETAIL)
		lw_detail_refresh(a);
	a->dirty = true;
}

static void resize(struct lw_app *a)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	a->W = COLS;
	a->H = LINES;
	clearok(curscr, TRUE);
	a->dirty = true;
}

static void drain_pipe(struct lw_app *a)
{
	char buf[256];
	ssize_t n;

	while ((n = read(a->wake[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == 'W')
				resize(a);
			else if (buf[i] == 'H')
				load_config(a, false);
			else if (buf[i] == 'Q')
				a->quit = true;
		}
	}
}

static void poll_state(struct lw_app *a)
{
	struct lw_pstate s;

	lw_poller_state(&a->poller, &s);
	if (memcmp(&s, &a->ps, sizeof s))
		a->dirty = true;
	a->ps = s;
	take_run(a);
}

/* ms until the next whole second, or -1 when nothing ticks on screen. */
static int tick_ms(const struct lw_app *a)
{
	struct timespec ts;

	if (a->ps.paused || a->ps.running || !a->cfg ||
	    a->W < LW_TUI_MIN_W || a->H < LW_TUI_MIN_H)
		return -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	return 1000 - (int)(ts.tv_nsec / 1000000) + 2;
}

static void loop(struct lw_app *a)
{
	while (!a->quit) {
		struct pollfd pf[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = a->wake[0], .events = POLLIN },
		};
		int t, rc, ch;

		poll_state(a);
		if (a->dirty) {
			lw_draw_frame(a);
			refresh();
			a->dirty = false;
		}
		t = tick_ms(a);
		rc = poll(pf, 2, t);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc == 0) {
			a->dirty = true;	/* the countdown moved */
			continue;
		}
		if (pf[1].revents)
			drain_pipe(a);
		if (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			a->quit = true;	/* the terminal went away */
			break;
		}
		if (pf[0].revents & POLLIN)
			while (!a->quit && (ch = getch()) != ERR) {
				if (ch == KEY_RESIZE)
					resize(a);
				else
					lw_keys_handle(a, ch);
			}
	}
}

static char *bin_dir(void)
{
	char p[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", p, sizeof p - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	p[n] = 0;
	slash = strrchr(p, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	return lw_xstrdup(p);
}

static void free_app(struct lw_app *a, bool joined)
{
	if (a->run)
		lw_run_free(a->run);
	if (joined) {
		lw_cfgref_put(&a->poller, a->run_cfg);
		lw_cfgref_put(&a->poller, a->cfg);
		if (a->hist_w)
			lw_history_close(a->hist_w);
	}
	if (a->hist)
		lw_history_close(a->hist);
	lw_hevents_free(a->ev, a->nev);
	lw_hevents_free(a->chg, a->nchg);
	free(a->series);
	free(a->rows);
	free(a->vis);
	free(a->det_name);
	if (a->filter_re)
		pcre2_code_free(a->filter_re);
	for (size_t i = 0; i < a->nthemes; i++)
		free(a->themes[i]);
	free(a->themes);
	free(a->cfg_errors);
	free(a->hist_error);
	free(a->cfg_path);
	free(a->bindir);
	if (joined) {
		pthread_mutex_destroy(&a->poller.mu);
		pthread_cond_destroy(&a->poller.cv);
	}
	close(a->wake[0]);
	close(a->wake[1]);
	free(a);
}

int lw_tui_main(const struct lw_tui_opts *o)
{
	struct lw_app *a = lw_xcalloc(1, sizeof *a);
	const char *nc = getenv("NO_COLOR"), *theme;
	SCREEN *scr;
	bool joined;

	/* Only the character type: numbers keep the C locale's '.'. */
	setlocale(LC_CTYPE, "");
	a->opts = o;
	a->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	a->ascii = o->ascii || !a->utf8;
	a->bindir = bin_dir();
	a->f_source = a->f_layer = a->f_consumer = -1;
	a->sort = LW_SORT_STATUS;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "lakewatch: the dashboard needs a terminal "
			"(use `lakewatch check` in scripts)\n");
		free(a->bindir);
		free(a);
		return 1;
	}
	if (pipe2(a->wake, O_NONBLOCK | O_CLOEXEC)) {
		perror("lakewatch: pipe");
		free(a->bindir);
		free(a);
		return 1;
	}
	if (lw_poller_start(&a->poller, a->wake[1], NULL, 300)) {
		fprintf(stderr, "lakewatch: cannot start the poll thread\n");
		free_app(a, false);
		return 1;
	}
	/* Esc must answer at once; ESCDELAY is read by newterm. */
	if (!getenv("ESCDELAY"))
		setenv("ESCDELAY", "25", 1);
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "lakewatch: cannot use terminal type '%s'\n",
			getenv("TERM") ? getenv("TERM") : "(unset)");
		joined = lw_poller_stop(&a->poller);
		free_app(a, joined);
		return 1;
	}
	curses_on = 1;
	atexit(restore_at_exit);
	sig_fd = a->wake[1];
	install_signals();
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	mouseinterval(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		  | BUTTON5_PRESSED
#endif
		  , NULL);
	a->color = !o->no_color && !(nc && *nc) && has_colors();
	if (a->color) {
		start_color();
		use_default_colors();
	}
	a->W = COLS;
	a->H = LINES;
	a->themes = lw_theme_list(a->bindir, &a->nthemes);

	load_config(a, true);
	theme = o->theme ? o->theme : a->cfg && a->cfg->cfg->theme ?
		a->cfg->cfg->theme : "dark";
	if (apply_theme(a, theme) && strcmp(theme, "dark"))
		apply_theme(a, "dark");
	if (!o->no_history && !o->history && !a->cfg && !a->hist_error)
		a->hist_error = lw_xstrdup("no config loaded yet");
	if (o->history)
		open_history(a);
	lw_events_load(a);
	a->dirty = true;

	loop(a);

	/* Restore the terminal first: a poll stuck on a slow lake must not
	 * keep the user staring at a frozen screen. */
	mousemask(0, NULL);
	curses_on = 0;
	endwin();
	delscreen(scr);
	sig_fd = -1;
	joined = lw_poller_stop(&a->poller);
	free_app(a, joined);
	return 0;
}
