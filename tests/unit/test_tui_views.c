/* test_tui_views.c - the dashboard's view registry (tui/views.c): every
 * view in the table is complete and reachable by its key, its state is
 * made and given back, and the shared keys move between views as the
 * help screen says (number keys, ? toggles help, Esc goes back). No
 * terminal: nothing here draws. */
#include "unit.h"
#include "lakewatch/util.h"
#include "../../tui/app.h"

static struct lw_app *new_app(void)
{
	static const struct lw_tui_opts o;
	struct lw_app *a = lw_xcalloc(1, sizeof *a);

	a->opts = &o;
	a->W = 120;
	a->H = 40;
	lw_app_views_init(a);
	return a;
}

static void free_app(struct lw_app *a)
{
	lw_app_views_free(a);
	assert_null(a->vst);
	free(a);
}

static void test_table(void **st)
{
	(void)st;
	assert_true(lw_nviews >= 5);
	assert_ptr_equal(lw_views[0], &lw_view_overview);
	for (size_t i = 0; i < lw_nviews; i++) {
		const struct lw_view_ops *v = lw_views[i];

		assert_non_null(v->name);
		assert_true(v->name[0] != 0);
		assert_true(v->key > ' ' && v->key < 0x7f);
		/* the shared keys (keys.c) are taken first: a view on one
		 * could never be shown by its key */
		assert_null(strchr("qQrpRth/", v->key));
		assert_non_null(v->init);
		assert_non_null(v->draw);
		assert_non_null(v->footer);
		/* a view that takes every key must be able to handle them */
		if (v->captures)
			assert_non_null(v->handle_key);
		assert_int_equal(lw_view_index(v), i);
		assert_ptr_equal(lw_view_for_key(v->key), v);
		for (size_t k = 0; k < i; k++) {
			assert_int_not_equal(lw_views[k]->key, v->key);
			assert_string_not_equal(lw_views[k]->name, v->name);
		}
	}
	assert_null(lw_view_for_key('z'));
}

/* Every hook that needs no terminal, with no config, run or history
 * (the dashboard's state before the first load), then free. */
static void test_state_round_trip(void **st)
{
	struct lw_app *a = new_app();

	(void)st;
	assert_non_null(a->vst);
	assert_int_equal(a->cur, 0);
	lw_app_views_on_run(a);
	lw_app_views_on_history(a);
	for (size_t i = 0; i < lw_nviews; i++) {
		const struct lw_view_ops *v = lw_views[i];

		if (v->selected)
			assert_null(v->selected(a, a->vst[i]));
		if (v->captures)
			assert_false(v->captures(a, a->vst[i]));
	}
	free_app(a);
}

static void test_keys_move_between_views(void **st)
{
	struct lw_app *a = new_app();
	size_t ov = lw_view_index(&lw_view_overview);
	size_t ds = lw_view_index(&lw_view_datasets);
	size_t det = lw_view_index(&lw_view_detail);
	size_t ev = lw_view_index(&lw_view_events);
	size_t help = lw_view_index(&lw_view_help);

	(void)st;
	lw_keys_handle(a, '2');
	assert_int_equal(a->cur, ds);
	lw_keys_handle(a, '?');
	assert_int_equal(a->cur, help);
	lw_keys_handle(a, '?');		/* toggles back */
	assert_int_equal(a->cur, ds);
	lw_keys_handle(a, '3');		/* nothing selected: empty detail */
	assert_int_equal(a->cur, det);
	lw_keys_handle(a, KEY_ESC);	/* back where it was opened from */
	assert_int_equal(a->cur, ds);
	lw_keys_handle(a, '4');
	assert_int_equal(a->cur, ev);
	lw_keys_handle(a, KEY_ESC);	/* from a list: home */
	assert_int_equal(a->cur, ov);
	lw_keys_handle(a, KEY_BACKSPACE);	/* at home: stays */
	assert_int_equal(a->cur, ov);
	/* '/' starts typing a filter in the table: keys are the view's
	 * until Enter, so '1' does not switch views */
	lw_keys_handle(a, '2');
	lw_keys_handle(a, '/');
	assert_true(lw_view_datasets.captures(a, a->vst[ds]));
	lw_keys_handle(a, '1');
	assert_int_equal(a->cur, ds);
	lw_keys_handle(a, '\r');
	assert_false(lw_view_datasets.captures(a, a->vst[ds]));
	lw_keys_handle(a, '1');
	assert_int_equal(a->cur, ov);
	lw_keys_handle(a, 'q');
	assert_true(a->quit);
	free_app(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_keys_move_between_views),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
