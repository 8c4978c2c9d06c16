/* tui_frame.c - benchmark: the dashboard with 10,000 datasets. Times
 * building and drawing one frame (rows from the run, sort, filter, draw,
 * doupdate into a terminal on /dev/null) for the datasets table, the
 * overview and the detail, through the views' own hooks (view.h), and
 * reports peak RSS. Not a timed test: it prints figures.
 *
 *   build/bench/tui_frame [datasets] [frames]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include "app.h"
#include "lakewatch/engine.h"
#include "lakewatch/util.h"
#include "lakewatch/buf.h"

static double clock_ms(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

/* Wall and CPU time per frame: on a shared machine the wall time mostly
 * measures waiting for a core, the CPU time what a frame costs. */
struct per_frame {
	double wall, cpu;
};

static struct lw_config *make_config(size_t n)
{
	static const char *const layers[] = { "bronze", "silver", "gold",
					      "powerbi" };
	struct lw_buf b;
	struct lw_buf errs;
	struct lw_config *cfg = NULL;

	lw_buf_init(&b, 64 * LW_BUF_1M);
	lw_buf_init(&errs, LW_BUF_1M);
	bool bad = false;	/* b is failed for good once one append is */
	bad |= lw_buf_adds(&b, "{\"name\": \"bench\", \"lakes\": {\"l\": {\"kind\": "
		    "\"fs\", \"root\": \"/tmp\"}}, \"sources\": {") != LW_OK;
	for (int s = 0; s < 12; s++)
		bad |= lw_buf_addf(&b, "%s\"src%d\": {\"title\": \"Source %d\"}",
			    s ? "," : "", s, s) != LW_OK;
	bad |= lw_buf_adds(&b, "}, \"consumers\": {") != LW_OK;
	for (int c = 0; c < 8; c++)
		bad |= lw_buf_addf(&b, "%s\"c%d\": {\"title\": \"Consumer %d\"}",
			    c ? "," : "", c, c) != LW_OK;
	bad |= lw_buf_adds(&b, "}, \"datasets\": {") != LW_OK;
	for (size_t i = 0; i < n; i++)
		bad |= lw_buf_addf(&b, "%s\"%s.table_%05zu\": {\"source\": \"src%zu\", "
			    "\"layer\": \"%s\", \"lake\": \"l\", \"path\": "
			    "\"d/%zu\", \"format\": \"csv\", \"consumers\": "
			    "[\"c%zu\"], \"checks\": {\"freshness\": {\"warn\":"
			    " \"2h\", \"fail\": \"6h\"}}}", i ? "," : "",
			    layers[i % 3], i, i % 12, layers[i % 3], i, i % 8) != LW_OK;
	bad |= lw_buf_adds(&b, "}}") != LW_OK;
	if (bad) {
		fprintf(stderr, "config: longer than 64 MB\n");
		exit(1);
	}
	if (lw_config_parse(b.data, b.len, "bench.json", &cfg, &errs) !=
	    LW_OK) {
		fprintf(stderr, "config: %s\n", errs.data ? errs.data :
			"invalid (error list too long)");
		exit(1);
	}
	lw_buf_free(&b);
	lw_buf_free(&errs);
	return cfg;
}

static struct lw_run *make_run(const struct lw_config *cfg, int64_t now)
{
	struct lw_run *run = lw_xcalloc(1, sizeof *run);

	run->n = cfg->ndatasets;
	run->ds = lw_xcalloc(run->n, sizeof *run->ds);
	run->started = run->finished = now;
	for (size_t i = 0; i < run->n; i++) {
		struct lw_ds_run *d = &run->ds[i];
		enum lw_status st = i % 17 == 0 ? LW_FAIL : i % 11 == 0 ?
				    LW_WARN : i % 101 == 0 ? LW_ERROR : LW_PASS;

		d->ds = &cfg->datasets[i];
		lw_obs_init(&d->obs);
		lw_obs_init(&d->prev);
		d->obs.ok = st != LW_ERROR;
		d->obs.files = (int64_t)(i % 50) + 1;
		d->obs.rows = (int64_t)(i * 37 % 100000);
		d->obs.newest_mtime = now - (int64_t)(i * 13 % 90000);
		d->has_prev = true;
		d->prev.rows = d->obs.rows + (int64_t)(i % 7) - 3;
		d->results = lw_xcalloc(1, sizeof *d->results);
		d->nresults = 1;
		lw_result_set(&d->results[0], "freshness", st, "7h",
			      "warn 2h, fail 6h", "newest file is 7h old");
		d->status = st;
		d->worst = st == LW_PASS ? -1 : 0;
		run->counts[st]++;
		if (st > run->status)
			run->status = st;
	}
	return run;
}

/* ms per frame of view v: optionally its on_run hook (the datasets
 * rebuild: rows from the run, sort, filter), in the datasets table a
 * selection move through its own keys (as the old benchmark set the
 * selection), the frame, and a full repaint. */
static struct per_frame bench_view(struct lw_app *a,
				   const struct lw_view_ops *v, int frames,
				   bool rebuild)
{
	void *st;
	double t0, c0;

	lw_app_show(a, v);
	st = lw_app_state(a, v);
	t0 = now_ms();
	c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	for (int f = 0; f < frames; f++) {
		if (rebuild && v->on_run)
			v->on_run(a, st);
		if (v == &lw_view_datasets)	/* down; to the top every 50 */
			v->handle_key(a, st, f % 50 ? KEY_DOWN : KEY_HOME);
		lw_draw_frame(a);
		/* force a full repaint each time: the worst case */
		clearok(curscr, TRUE);
		refresh();
	}
	return (struct per_frame){
		(now_ms() - t0) / frames,
		(clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0) / frames };
}

static SCREEN *start_screen(struct lw_app *a, FILE *out, FILE *in)
{
	SCREEN *scr = newterm("xterm-256color", out, in);

	if (!scr) {
		fprintf(stderr, "newterm failed\n");
		exit(1);
	}
	a->W = COLS;
	a->H = LINES;
	a->utf8 = true;
	a->color = has_colors();
	if (a->color) {
		start_color();
		use_default_colors();
	}
	lw_theme_default(&a->theme);
	lw_draw_setup_colors(a);
	return scr;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	int frames = argc > 2 ? atoi(argv[2]) : 200;
	struct lw_app *a = lw_xcalloc(1, sizeof *a);
	struct lw_tui_opts o = { 0 };
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	struct rusage ru;
	SCREEN *scr;
	double t0, tcfg;
	struct per_frame ds, ds_scroll, ov, det;

	if (!out || !in || !n || frames < 1) {
		fprintf(stderr, "usage: tui_frame [datasets] [frames]\n");
		return 2;
	}
	setenv("COLUMNS", "200", 1);
	setenv("LINES", "50", 1);
	t0 = now_ms();
	a->cfg = lw_cfgref_new(make_config(n));
	tcfg = now_ms() - t0;
	a->opts = &o;
	a->run = make_run(a->cfg->cfg, lw_now());
	lw_app_views_init(a);
	scr = start_screen(a, out, in);

	ds = bench_view(a, &lw_view_datasets, frames, true);
	ds_scroll = bench_view(a, &lw_view_datasets, frames, false);
	ov = bench_view(a, &lw_view_overview, frames / 4 + 1, false);
	lw_detail_open(a, a->cfg->cfg->datasets[n / 2].name);
	det = bench_view(a, &lw_view_detail, frames, false);
	endwin();
	delscreen(scr);
	getrusage(RUSAGE_SELF, &ru);
	printf("tui_frame: %zu datasets, %dx%d terminal, %d frames\n", n,
	       a->W, a->H, frames);
	printf("  config parse            %8.1f ms (once)\n", tcfg);
	printf("  datasets: rebuild+draw  %8.3f ms/frame (cpu %.3f)\n",
	       ds.wall, ds.cpu);
	printf("  datasets: draw only     %8.3f ms/frame (cpu %.3f)\n",
	       ds_scroll.wall, ds_scroll.cpu);
	printf("  overview: draw          %8.3f ms/frame (cpu %.3f)\n",
	       ov.wall, ov.cpu);
	printf("  detail: draw            %8.3f ms/frame (cpu %.3f)\n",
	       det.wall, det.cpu);
	printf("  peak RSS                %8.1f MB\n", ru.ru_maxrss / 1024.0);
	lw_app_views_free(a);
	lw_run_free(a->run);
	lw_cfgref_put(a->cfg);
	free(a);
	fclose(out);
	fclose(in);
	return 0;
}
