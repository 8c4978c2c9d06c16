/* test_theme.c - theme files: parsing, errors, fallbacks, the shipped
 * themes, the search path. */
#include "unit.h"
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lakewatch/theme.h"

static void test_parse(void **st)
{
	const char *t = "# comment\n"
			"name = mine\n"
			"normal  white  black\n"
			"pass    green  default  bold underline # ok\n"
			"warn    214    default\n"
			"fail    bright-red  0  reverse\n";
	struct lw_theme th;
	struct lw_err err = { 0 };
	(void)st;
	assert_int_equal(lw_theme_parse(t, strlen(t), "mine", &th, &err),
			 LW_OK);
	assert_string_equal(th.name, "mine");
	assert_int_equal(th.role[LW_R_NORMAL].fg, 7);
	assert_int_equal(th.role[LW_R_NORMAL].bg, 0);
	assert_int_equal(th.role[LW_R_PASS].fg, 2);
	assert_int_equal(th.role[LW_R_PASS].bg, LW_COLOR_DEFAULT);
	assert_int_equal(th.role[LW_R_PASS].attrs,
			 LW_A_BOLD | LW_A_UNDERLINE);
	assert_int_equal(th.role[LW_R_WARN].fg, 214);
	assert_int_equal(th.role[LW_R_FAIL].fg, 9);
	assert_int_equal(th.role[LW_R_FAIL].attrs, LW_A_REVERSE);
	/* unset roles: the normal colours and the monochrome attributes */
	assert_int_equal(th.role[LW_R_SELECTION].fg, 7);
	assert_int_equal(th.role[LW_R_SELECTION].bg, 0);
	assert_true(th.role[LW_R_SELECTION].attrs & LW_A_REVERSE);
}

static void expect_error(const char *text, const char *want)
{
	struct lw_theme th;
	struct lw_err err = { 0 };

	memset(&th, 0x5a, sizeof th);
	assert_int_not_equal(lw_theme_parse(text, strlen(text), "x", &th,
					    &err), LW_OK);
	if (!strstr(err.msg, want))
		fail_msg("'%s' does not contain '%s'", err.msg, want);
}

static void test_errors(void **st)
{
	(void)st;
	expect_error("pass green\n", "line 1: pass needs a foreground");
	expect_error("\n\npasss green default\n", "line 3: unknown role");
	expect_error("pass gren default\n", "bad colour 'gren'");
	expect_error("pass green 256\n", "bad colour '256'");
	expect_error("pass green default blink\n", "unknown attribute");
	expect_error("colour = 4\n", "unknown setting");
	expect_error("pass a b c d e f g h i\n", "too many words");
}

static void test_to8(void **st)
{
	(void)st;
	assert_int_equal(lw_color_to8(LW_COLOR_DEFAULT), LW_COLOR_DEFAULT);
	assert_int_equal(lw_color_to8(3), 3);
	assert_int_equal(lw_color_to8(9), 1);		/* bright red */
	assert_int_equal(lw_color_to8(196), 1);	/* red */
	assert_int_equal(lw_color_to8(46), 2);		/* green */
	assert_int_equal(lw_color_to8(21), 4);		/* blue */
	assert_int_equal(lw_color_to8(226), 3);	/* yellow */
	assert_int_equal(lw_color_to8(51), 6);		/* cyan */
	assert_int_equal(lw_color_to8(16), 0);		/* black */
	assert_int_equal(lw_color_to8(231), 7);	/* white */
	assert_int_equal(lw_color_to8(234), 0);	/* dark grey */
	assert_int_equal(lw_color_to8(253), 7);	/* light grey */
	for (int c = 0; c < 256; c++) {
		int k = lw_color_to8(c);

		assert_true(k >= 0 && k < 8);
	}
}

static void test_shipped(void **st)
{
	static const char *const names[] = { "dark", "light", "high-contrast",
					     "colour-blind", "monochrome" };
	struct lw_theme th, mono;
	struct lw_err err = { 0 };
	(void)st;
	/* run from the project root: ./themes is in the search path */
	for (size_t i = 0; i < 5; i++) {
		char *p = lw_theme_find(names[i], NULL);

		assert_non_null(p);
		free(p);
		assert_int_equal(lw_theme_load(names[i], NULL, &th, &err),
				 LW_OK);
		assert_string_equal(th.name, names[i]);
	}
	/* the monochrome file and the built-in agree on the meanings */
	lw_theme_load("monochrome", NULL, &th, &err);
	lw_theme_mono(&mono);
	for (int r = 0; r < LW_R_NROLES; r++) {
		assert_int_equal(th.role[r].fg, LW_COLOR_DEFAULT);
		assert_int_equal(th.role[r].attrs, mono.role[r].attrs);
	}
	/* and so do dark.theme and the built-in default */
	lw_theme_load("dark", NULL, &th, &err);
	lw_theme_default(&mono);
	assert_memory_equal(th.role, mono.role, sizeof th.role);
}

static void test_search(void **st)
{
	char dir[] = "/tmp/lw_theme_XXXXXX", path[256];
	struct lw_theme th;
	struct lw_err err = { 0 };
	char **list;
	size_t n;
	FILE *f;
	(void)st;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/lakewatch", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/lakewatch/themes", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/lakewatch/themes/zz-mine.theme", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("pass blue default\n", f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(lw_theme_load("zz-mine", NULL, &th, &err), LW_OK);
	assert_int_equal(th.role[LW_R_PASS].fg, 4);
	list = lw_theme_list(NULL, &n);
	assert_true(n >= 6);
	assert_string_equal(list[0], "dark");	/* shipped ones first */
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		found |= !strcmp(list[i], "zz-mine");
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(list[i], list[k]);
	}
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
	assert_true(found);
	/* a user theme with the name of a shipped one wins */
	snprintf(path, sizeof path, "%s/lakewatch/themes/light.theme", dir);
	f = fopen(path, "w");
	fputs("pass magenta default\n", f);
	fclose(f);
	assert_int_equal(lw_theme_load("light", NULL, &th, &err), LW_OK);
	assert_int_equal(th.role[LW_R_PASS].fg, 5);
	/* names are file names: no paths */
	assert_false(lw_theme_name_ok("../etc/passwd"));
	assert_false(lw_theme_name_ok(""));
	assert_int_not_equal(lw_theme_load("../x", NULL, &th, &err), LW_OK);
	assert_int_equal(lw_theme_load("nope-none", NULL, &th, &err),
			 LW_ENOTFOUND);
	assert_non_null(strstr(err.msg, "nope-none"));
	unlink(path);
	snprintf(path, sizeof path, "%s/lakewatch/themes/zz-mine.theme", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/lakewatch/themes", dir);
	rmdir(path);
	snprintf(path, sizeof path, "%s/lakewatch", dir);
	rmdir(path);
	rmdir(dir);
	unsetenv("XDG_CONFIG_HOME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_to8),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_search),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
