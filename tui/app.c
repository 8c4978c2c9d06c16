/* app.c - lw_tui_main: terminal setup and restore, signals, and the main
 * loop (config, history and themes are loaded in app_load.c). Runs come
 * from the struct lw_tui_source the caller gives; the views get them
 * through their on_run and on_history hooks (views.c).
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
#include <signal.h>
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


/* A finished run from the poll thread replaces the one on screen. */
static void take_run(struct lw_app *a)
{
	struct lw_run *run, *old;
	struct lw_cfgref *rc, *oldc;

	if (!a->src->take(a->src->ud, &run, &rc))
		return;
	old = a->run;
	oldc = a->run_cfg;
	a->run = run;
	a->run_cfg = rc;
	/* views first, before the old config can go: the datasets rows
	 * borrow its names */
	lw_app_views_on_run(a);
	if (old)
		lw_run_free(old);
	lw_cfgref_put(oldc);
	lw_app_views_on_history(a);
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
				lw_app_reload(a);
			else if (buf[i] == 'Q')
				a->quit = true;
		}
	}
}

static void poll_state(struct lw_app *a)
{
	struct lw_tui_progress s;

	memset(&s, 0, sizeof s);	/* padding too: compared whole */
	a->src->progress(a->src->ud, &s);
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
			/* cleared first: a view that learns while drawing
			 * that it must scroll (detail, help) draws again */
			a->dirty = false;
			lw_draw_frame(a);
			refresh();
			if (a->dirty)
				continue;
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
		lw_cfgref_put(a->run_cfg);
		lw_cfgref_put(a->cfg);
		if (a->hist_w)
			lw_history_close(a->hist_w);
	}
	if (a->hist)
		lw_history_close(a->hist);
	lw_app_views_free(a);
	for (size_t i = 0; i < a->nthemes; i++)
		free(a->themes[i]);
	free(a->themes);
	free(a->cfg_errors);
	free(a->hist_error);
	free(a->cfg_path);
	free(a->bindir);
	close(a->wake[0]);
	close(a->wake[1]);
	free(a);
}

/* Curses on the terminal, in the modes the loop needs; NULL when the
 * terminal cannot be used (said on stderr). */
static SCREEN *start_curses(struct lw_app *a)
{
	const char *nc = getenv("NO_COLOR");
	SCREEN *scr;

	/* Esc must answer at once; ESCDELAY is read by newterm. */
	if (!getenv("ESCDELAY"))
		setenv("ESCDELAY", "25", 1);
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "lakewatch: cannot use terminal type '%s'\n",
			getenv("TERM") ? getenv("TERM") : "(unset)");
		return NULL;
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
	a->color = !a->opts->no_color && !(nc && *nc) && has_colors();
	if (a->color) {
		start_color();
		use_default_colors();
	}
	a->W = COLS;
	a->H = LINES;
	return scr;
}

int lw_tui_main(const struct lw_tui_opts *o, const struct lw_tui_source *src)
{
	struct lw_app *a = lw_xcalloc(1, sizeof *a);
	SCREEN *scr;
	bool joined;

	/* Only the character type: numbers keep the C locale's '.'. */
	setlocale(LC_CTYPE, "");
	a->opts = o;
	a->src = src;
	a->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	a->ascii = o->ascii || !a->utf8;
	a->bindir = bin_dir();
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
	lw_app_views_init(a);
	if (src->start(src->ud, a->wake[1], NULL, 300)) {
		fprintf(stderr, "lakewatch: cannot start the poll thread\n");
		free_app(a, false);
		return 1;
	}
	scr = start_curses(a);
	if (!scr) {
		joined = src->quit(src->ud);
		free_app(a, joined);
		return 1;
	}
	lw_app_first_load(a);

	loop(a);

	/* Restore the terminal first: a poll stuck on a slow lake must not
	 * keep the user staring at a frozen screen. */
	mousemask(0, NULL);
	curses_on = 0;
	endwin();
	delscreen(scr);
	sig_fd = -1;
	joined = src->quit(src->ud);
	free_app(a, joined);
	return 0;
}
