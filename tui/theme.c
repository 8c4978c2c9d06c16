/* theme.c - theme files: parse, search, list; the built-in fallbacks.
 *
 * Format (docs/themes.md): one role per line,
 *     role  foreground  background  [attribute ...]
 * colours by name (black red green yellow blue magenta cyan white, bright-*,
 * default) or 0..255; attributes bold dim reverse underline italic standout
 * or none. '#' starts a comment. "name = x" lines are allowed and ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <dirent.h>
#include "lakewatch/theme.h"
#include "lakewatch/util.h"

#ifndef LW_DATADIR
#define LW_DATADIR "/usr/local/share/lakewatch"
#endif

static const char *const role_names[LW_R_NROLES] = {
	"normal", "header", "footer", "border", "title", "selection",
	"pass", "warn", "fail", "error", "stale", "dim", "accent", "added",
	"removed", "changed", "spark", "key", "tab", "tab_active"
};

/* Monochrome attributes per role: what carries the meaning without
 * colour. Statuses also always have a glyph and a word. */
static const unsigned mono_attrs[LW_R_NROLES] = {
	[LW_R_HEADER] = LW_A_REVERSE | LW_A_BOLD,
	[LW_R_FOOTER] = LW_A_REVERSE,
	[LW_R_TITLE] = LW_A_BOLD,
	[LW_R_SELECTION] = LW_A_REVERSE,
	[LW_R_WARN] = LW_A_BOLD,
	[LW_R_FAIL] = LW_A_BOLD | LW_A_UNDERLINE,
	/* underlined too: a selected cell is reverse (and marked) */
	[LW_R_ERROR] = LW_A_BOLD | LW_A_REVERSE | LW_A_UNDERLINE,
	[LW_R_STALE] = LW_A_UNDERLINE,
	[LW_R_DIM] = LW_A_DIM,
	[LW_R_ACCENT] = LW_A_BOLD,
	[LW_R_ADDED] = LW_A_BOLD,
	[LW_R_REMOVED] = LW_A_UNDERLINE,
	[LW_R_CHANGED] = LW_A_BOLD | LW_A_UNDERLINE,
	[LW_R_KEY] = LW_A_BOLD,
	[LW_R_TAB_ACTIVE] = LW_A_REVERSE | LW_A_BOLD,
};

/* Same as themes/dark.theme, so a missing install still looks right. */
static const char builtin_dark[] =
	"normal     default  default\n"
	"header     white    blue     bold\n"
	"footer     black    cyan\n"
	"border     blue     default\n"
	"title      cyan     default  bold\n"
	"selection  black    cyan\n"
	"pass       green    default\n"
	"warn       yellow   default  bold\n"
	"fail       red      default  bold\n"
	"error      magenta  default  bold reverse\n"
	"stale      yellow   default  underline\n"
	"dim        8        default  dim\n"
	"accent     cyan     default  bold\n"
	"added      green    default  bold\n"
	"removed    red      default  underline\n"
	"changed    yellow   default  bold\n"
	"spark      cyan     default\n"
	"key        yellow   default  bold\n"
	"tab        white    blue\n"
	"tab_active black    cyan     bold\n";

static const char *const shipped[] = {
	"dark", "light", "high-contrast", "colour-blind", "monochrome", NULL
};

const char *lw_role_name(enum lw_role r)
{
	return (unsigned)r < LW_R_NROLES ? role_names[r] : "?";
}

int lw_role_parse(const char *s)
{
	for (int i = 0; i < LW_R_NROLES; i++)
		if (!strcasecmp(s, role_names[i]))
			return i;
	if (!strcasecmp(s, "tab-active"))
		return LW_R_TAB_ACTIVE;
	return -1;
}

static int parse_color(const char *s, int *out)
{
	static const char *const names[8] = {
		"black", "red", "green", "yellow", "blue", "magenta", "cyan",
		"white"
	};
	char *end;
	long v;

	if (!strcasecmp(s, "default") || !strcmp(s, "-")) {
		*out = LW_COLOR_DEFAULT;
		return 0;
	}
	for (int i = 0; i < 8; i++) {
		if (!strcasecmp(s, names[i])) {
			*out = i;
			return 0;
		}
		if (!strncasecmp(s, "bright-", 7) &&
		    !strcasecmp(s + 7, names[i])) {
			*out = i + 8;
			return 0;
		}
	}
	if (!strcasecmp(s, "grey") || !strcasecmp(s, "gray")) {
		*out = 8;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 255)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_attr(const char *s, unsigned *a)
{
	static const struct { const char *n; unsigned v; } t[] = {
		{"bold", LW_A_BOLD}, {"dim", LW_A_DIM},
		{"reverse", LW_A_REVERSE}, {"underline", LW_A_UNDERLINE},
		{"italic", LW_A_ITALIC}, {"standout", LW_A_STANDOUT},
		{"none", 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcasecmp(s, t[i].n)) {
			*a |= t[i].v;
			return 0;
		}
	return -1;
}

/* One line's words: "name = ..." (ignored) or "ROLE FG BG [ATTR...]"
 * into th, marking the role in set. LW_OK or the error, set in err. */
static int parse_line(struct lw_theme *th, bool *set, char **tok, int ntok,
		      int line, struct lw_err *err)
{
	int r;

	if (ntok >= 2 && !strcmp(tok[1], "=")) {
		if (strcasecmp(tok[0], "name"))
			return lw_err_set(err, LW_EPARSE,
				"line %d: unknown setting '%.40s'",
				line, tok[0]);
		return LW_OK;
	}
	r = lw_role_parse(tok[0]);
	if (r < 0)
		return lw_err_set(err, LW_EPARSE,
			"line %d: unknown role '%.40s'", line, tok[0]);
	if (ntok < 3)
		return lw_err_set(err, LW_EPARSE,
			"line %d: %s needs a foreground and a "
			"background colour", line, tok[0]);
	if (parse_color(tok[1], &th->role[r].fg) ||
	    parse_color(tok[2], &th->role[r].bg))
		return lw_err_set(err, LW_EPARSE,
			"line %d: bad colour '%.40s' (a name, "
			"bright-NAME, default or 0..255)", line,
			parse_color(tok[1], &th->role[r].fg) ?
			tok[1] : tok[2]);
	th->role[r].attrs = 0;
	for (int i = 3; i < ntok; i++)
		if (parse_attr(tok[i], &th->role[r].attrs))
			return lw_err_set(err, LW_EPARSE,
				"line %d: unknown attribute '%.40s'",
				line, tok[i]);
	set[r] = true;
	return LW_OK;
}

int lw_theme_parse(const char *text, size_t len, const char *name,
		   struct lw_theme *t, struct lw_err *err)
{
	struct lw_theme th;
	bool set[LW_R_NROLES] = { false };
	size_t pos = 0;
	int line = 0;

	memset(&th, 0, sizeof th);
	snprintf(th.name, sizeof th.name, "%s", name ? name : "theme");
	while (pos < len) {
		char buf[256], *tok[8], *save = NULL, *p;
		size_t e = pos, k;
		int ntok = 0, r;

		while (e < len && text[e] != '\n')
			e++;
		line++;
		k = e - pos;
		if (k >= sizeof buf)
			return lw_err_set(err, LW_EPARSE,
					  "line %d: line too long", line);
		memcpy(buf, text + pos, k);
		buf[k] = 0;
		pos = e + 1;
		if (memchr(buf, 0, k))
			return lw_err_set(err, LW_EPARSE,
					  "line %d: NUL byte", line);
		if ((p = strchr(buf, '#')))
			*p = 0;
		for (p = strtok_r(buf, " \t\r,", &save); p;
		     p = strtok_r(NULL, " \t\r,", &save)) {
			if (ntok == 8)
				return lw_err_set(err, LW_EPARSE,
					"line %d: too many words", line);
			tok[ntok++] = p;
		}
		if (ntok && (r = parse_line(&th, set, tok, ntok, line, err)))
			return r;
	}
	if (!set[LW_R_NORMAL]) {
		th.role[LW_R_NORMAL].fg = LW_COLOR_DEFAULT;
		th.role[LW_R_NORMAL].bg = LW_COLOR_DEFAULT;
	}
	for (int r = 0; r < LW_R_NROLES; r++)
		if (!set[r] && r != LW_R_NORMAL) {
			th.role[r].fg = th.role[LW_R_NORMAL].fg;
			th.role[r].bg = th.role[LW_R_NORMAL].bg;
			th.role[r].attrs = mono_attrs[r];
		}
	*t = th;
	return LW_OK;
}

void lw_theme_mono(struct lw_theme *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "monochrome");
	for (int r = 0; r < LW_R_NROLES; r++) {
		t->role[r].fg = t->role[r].bg = LW_COLOR_DEFAULT;
		t->role[r].attrs = mono_attrs[r];
	}
}

void lw_theme_default(struct lw_theme *t)
{
	if (lw_theme_parse(builtin_dark, sizeof builtin_dark - 1, "dark", t,
			   NULL) != LW_OK)
		lw_theme_mono(t);
}

int lw_color_to8(int c)
{
	/* xterm's 6x6x6 cube levels */
	static const int lv[6] = { 0, 95, 135, 175, 215, 255 };
	int r, g, b, mx, bits;

	if (c < 0 || c > 255)
		return LW_COLOR_DEFAULT;
	if (c < 8)
		return c;
	if (c < 16)
		return c == 8 ? 0 : c - 8;
	if (c >= 232) {
		int v = 8 + (c - 232) * 10;

		return v < 128 ? 0 : 7;
	}
	c -= 16;
	r = lv[c / 36];
	g = lv[(c / 6) % 6];
	b = lv[c % 6];
	mx = r > g ? r : g;
	mx = mx > b ? mx : b;
	if (mx < 60)
		return 0;
	/* A channel counts when it is at least half the brightest one. */
	bits = (r * 2 >= mx ? 1 : 0) | (g * 2 >= mx ? 2 : 0) |
	       (b * 2 >= mx ? 4 : 0);
	return bits;	/* 1 red, 2 green, 3 yellow, 4 blue, ... 7 white */
}

bool lw_theme_name_ok(const char *name)
{
	size_t i;

	if (!name || !*name)
		return false;
	for (i = 0; name[i]; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' &&
		    name[i] != '_')
			return false;
	return i < LW_THEME_NAME;
}

/* The theme directories in search order; each owned; NULL-terminated. */
static void theme_dirs(const char *bindir, char *dirs[7])
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	int k = 0;

	if (x && *x)
		dirs[k++] = lw_xasprintf("%s/lakewatch/themes", x);
	else if (h && *h)
		dirs[k++] = lw_xasprintf("%s/.config/lakewatch/themes", h);
	dirs[k++] = lw_xstrdup("themes");
	if (bindir) {
		dirs[k++] = lw_xasprintf("%s/themes", bindir);
		dirs[k++] = lw_xasprintf("%s/../themes", bindir);
		/* `make install PREFIX=...` to another prefix than built for */
		dirs[k++] = lw_xasprintf("%s/../share/lakewatch/themes", bindir);
	}
	dirs[k++] = lw_xstrdup(LW_DATADIR "/themes");
	dirs[k] = NULL;
}

char *lw_theme_find(const char *name, const char *bindir)
{
	char *dirs[7], *found = NULL;

	if (!lw_theme_name_ok(name))
		return NULL;
	theme_dirs(bindir, dirs);
	for (int i = 0; dirs[i]; i++) {
		if (!found) {
			char *p = lw_xasprintf("%s/%s.theme", dirs[i], name);
			FILE *f = fopen(p, "r");

			if (f) {
				fclose(f);
				found = p;
			} else {
				free(p);
			}
		}
		free(dirs[i]);
	}
	return found;
}

int lw_theme_load(const char *name, const char *bindir, struct lw_theme *t,
		  struct lw_err *err)
{
	char *path, *text = NULL;
	size_t len = 0;
	int rc;

	if (!lw_theme_name_ok(name))
		return lw_err_set(err, LW_ECONFIG, "theme '%.60s': bad name "
				  "(letters, digits, - and _)", name ? name : "");
	path = lw_theme_find(name, bindir);
	if (!path) {
		/* The default and monochrome work without files. */
		if (!strcmp(name, "dark")) {
			lw_theme_default(t);
			return LW_OK;
		}
		if (!strcmp(name, "monochrome")) {
			lw_theme_mono(t);
			return LW_OK;
		}
		return lw_err_set(err, LW_ENOTFOUND,
				  "theme '%s' not found", name);
	}
	rc = lw_read_file(path, 64 * 1024, &text, &len, err);
	if (rc == LW_OK) {
		rc = lw_theme_parse(text, len, name, t, err);
		if (rc != LW_OK)
			lw_err_prefix(err, "%s", path);
	}
	free(text);
	free(path);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **lw_theme_list(const char *bindir, size_t *n)
{
	char *dirs[7], **out = NULL;
	size_t cap = 0, k = 0, nshipped = 0;

	for (int i = 0; shipped[i]; i++) {
		lw_xgrow((void **)&out, &cap, k, sizeof *out);
		out[k++] = lw_xstrdup(shipped[i]);
	}
	nshipped = k;
	theme_dirs(bindir, dirs);
	for (int i = 0; dirs[i]; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			size_t l = strlen(de->d_name), j;
			char *nm;

			if (l <= 6 || strcmp(de->d_name + l - 6, ".theme"))
				continue;
			nm = lw_xstrndup(de->d_name, l - 6);
			for (j = 0; j < k && strcmp(out[j], nm); j++)
				;
			if (j < k || !lw_theme_name_ok(nm) || k >= 200) {
				free(nm);
				continue;
			}
			lw_xgrow((void **)&out, &cap, k, sizeof *out);
			out[k++] = nm;
		}
		if (d)
			closedir(d);
		free(dirs[i]);
	}
	lw_sort(out + nshipped, k - nshipped, sizeof *out, cmp_str);
	*n = k;
	return out;
}
