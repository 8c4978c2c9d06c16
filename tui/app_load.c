/* app_load.c - what the dashboard loads: the config (first and on R or
 * SIGHUP, keeping the old one when the new one is broken), the history
 * handles, and themes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "lakewatch/buf.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

/* Load and use theme name; on failure keep the one in use (the dark
 * default when none yet) and say so. 0 or -1. */
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
	a->src->set_history(a->src->ud, hw);
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
	if (a->src->load_config(a->cfg_path, &c, &errs) != LW_OK || !c) {
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
	ref = lw_cfgref_new(c);
	old = a->cfg;
	a->cfg = ref;
	iv = a->opts->interval > 0 ? a->opts->interval : c->interval;
	a->src->set_interval(a->src->ud, iv > 0 ? iv : 300);
	open_history(a);
	a->src->reload(a->src->ud, ref);
	if (!a->run)
		lw_app_views_on_run(a);
	lw_cfgref_put(old);
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

/* Themes, the config, the theme it names, history, and what the views
 * show before the first run. */
void lw_app_first_load(struct lw_app *a)
{
	const struct lw_tui_opts *o = a->opts;
	const char *theme;

	a->themes = lw_theme_list(a->bindir, &a->nthemes);
	load_config(a, true);
	theme = o->theme ? o->theme : a->cfg && a->cfg->cfg->theme ?
		a->cfg->cfg->theme : "dark";
	if (apply_theme(a, theme) && strcmp(theme, "dark"))
		apply_theme(a, "dark");
	if (!o->history && !a->cfg && !a->hist_error)
		a->hist_error = lw_xstrdup("no config loaded yet");
	if (o->history)
		open_history(a);
	lw_app_views_on_history(a);
	a->dirty = true;
}
