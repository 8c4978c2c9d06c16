/* test_buf.c - the lw_buf append contract (buf.h): an append past max
 * fails and fails the buffer for good, so a truncated text can never pass
 * as whole; steal of a failed buffer gives NULL; reset starts over. */
#include "unit.h"
#include "lakewatch/engine.h"
#include <stdio.h>
#include "lakewatch/buf.h"
#include "lakewatch/err.h"
#include "lakewatch/limits.h"
#include "lakewatch/config.h"
#include "lakewatch/jsonc.h"

static void past_max_fails_not_short(void **st)
{
	(void)st;
	struct lw_buf b;
	lw_buf_init(&b, 10);
	assert_int_equal(lw_buf_adds(&b, "abcdef"), LW_OK);
	/* 6 + 5 > 10: the append fails, and the 6 bytes before it are not
	 * left behind looking like a whole (shorter) result */
	assert_int_equal(lw_buf_adds(&b, "ghijk"), LW_ETOOBIG);
	assert_true(lw_buf_failed(&b));
	assert_int_equal(b.len, 0);
	assert_null(b.data);
	lw_buf_free(&b);

	/* exactly max fits; one byte more does not */
	lw_buf_init(&b, 4);
	assert_int_equal(lw_buf_add(&b, "abcd", 4), LW_OK);
	assert_false(lw_buf_failed(&b));
	assert_string_equal(b.data, "abcd");
	assert_int_equal(lw_buf_addc(&b, 'e'), LW_ETOOBIG);
	assert_true(lw_buf_failed(&b));
	lw_buf_free(&b);

	/* formatted appends count the expanded length */
	lw_buf_init(&b, 5);
	assert_int_equal(lw_buf_addf(&b, "%d", 12345), LW_OK);
	lw_buf_reset(&b);
	assert_int_equal(lw_buf_addf(&b, "%d", 123456), LW_ETOOBIG);
	assert_true(lw_buf_failed(&b));
	lw_buf_free(&b);
}

static void failed_is_sticky(void **st)
{
	(void)st;
	struct lw_buf b;
	lw_buf_init(&b, 8);
	assert_int_equal(lw_buf_adds(&b, "123456789"), LW_ETOOBIG);
	/* even an append that would fit on its own fails now, so a caller
	 * that checks only its last append still sees the failure */
	assert_int_equal(lw_buf_addc(&b, 'x'), LW_ETOOBIG);
	assert_int_equal(lw_buf_adds(&b, ""), LW_ETOOBIG);
	assert_int_equal(lw_buf_addf(&b, "%s", "y"), LW_ETOOBIG);
	assert_int_equal(lw_buf_add(&b, NULL, 0), LW_ETOOBIG);
	assert_true(lw_buf_failed(&b));
	assert_int_equal(b.len, 0);
	assert_null(b.data);

	/* the owner starting over clears it: reset, and free */
	lw_buf_reset(&b);
	assert_false(lw_buf_failed(&b));
	assert_int_equal(lw_buf_adds(&b, "ok"), LW_OK);
	assert_string_equal(b.data, "ok");
	assert_int_equal(lw_buf_adds(&b, "too long"), LW_ETOOBIG);
	lw_buf_free(&b);
	assert_false(lw_buf_failed(&b));
	assert_int_equal(b.max, 8);	/* free keeps max */
	assert_int_equal(lw_buf_adds(&b, "again"), LW_OK);
	assert_string_equal(b.data, "again");
	lw_buf_free(&b);
}

static void steal_after_failure(void **st)
{
	(void)st;
	struct lw_buf b;
	lw_buf_init(&b, 4);
	assert_int_equal(lw_buf_adds(&b, "abc"), LW_OK);
	assert_int_equal(lw_buf_adds(&b, "de"), LW_ETOOBIG);
	/* a failed buffer has no result to hand over */
	assert_null(lw_buf_steal(&b));
	/* and is empty and usable again afterwards */
	assert_false(lw_buf_failed(&b));
	assert_int_equal(b.len, 0);
	assert_int_equal(lw_buf_adds(&b, "xy"), LW_OK);
	char *s = lw_buf_steal(&b);
	assert_string_equal(s, "xy");
	free(s);
	/* a good empty buffer still gives "" (never NULL) */
	s = lw_buf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static void check_message_never_short(void **st)
{
	(void)st;
	const char *names[] = {"aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"};
	struct lw_buf b;
	lw_buf_init(&b, 25);
	assert_int_equal(lw_names_add(&b, names, 3, 3), LW_ETOOBIG);
	/* the message says it did not fit rather than listing two names */
	assert_non_null(strstr(lw_check_msg(&b), "not shown"));
	lw_buf_free(&b);
	lw_buf_init(&b, 100);
	assert_int_equal(lw_names_add(&b, names, 3, 2), LW_OK);
	assert_string_equal(lw_check_msg(&b),
			    "aaaaaaaaaa, bbbbbbbbbb and 1 more");
	lw_buf_free(&b);
}

/* The config's error list is a bounded message too: lines that do not
 * fit are counted and said so, never cut, and the list never fails. */
static void config_errors_counted_not_cut(void **st)
{
	(void)st;
	struct lw_buf text, errs;
	struct lw_config *cfg = NULL;
	lw_buf_init(&text, LW_BUF_1M);
	assert_int_equal(lw_buf_adds(&text, "{"), LW_OK);
	for (int i = 0; i < 6000; i++)
		assert_int_equal(lw_buf_addf(&text, "%s\"unknown_key_%05d\": 1",
					     i ? ", " : "", i), LW_OK);
	assert_int_equal(lw_buf_adds(&text, "}"), LW_OK);
	lw_buf_init(&errs, LW_BUF_1M);
	assert_int_equal(lw_config_parse(text.data, text.len, "big.json", &cfg,
					 &errs), LW_ECONFIG);
	assert_null(cfg);
	assert_false(lw_buf_failed(&errs));
	assert_true(errs.len > 0 && errs.len <= 256 * 1024);
	/* every line is whole: one per error, starting with the file */
	assert_int_equal(errs.data[errs.len - 1], '\n');
	size_t lines = 0;
	for (const char *l = errs.data; *l; l = strchr(l, '\n') + 1) {
		assert_true(strncmp(l, "big.json", 8) == 0);
		lines++;
	}
	const char *last = errs.data + errs.len - 1;
	while (last > errs.data && last[-1] != '\n')
		last--;
	int more = 0;
	assert_int_equal(sscanf(last, "big.json: %d more errors not shown",
				&more), 1);
	/* the shown lines (all but the count) and the counted add up: 6000
	 * unknown keys, the missing "lakes" and the missing "datasets" */
	assert_true(more > 0);
	assert_int_equal(lines - 1 + (size_t)more, 6002);
	lw_buf_free(&errs);
	lw_buf_free(&text);
}

/* Input-driven sizes fail with a message: a JSON string whose escapes
 * pass the 16 MB string limit is refused, not kept short (before, the
 * escapes past the limit were dropped silently). */
static void jsonc_escapes_past_max_refused(void **st)
{
	(void)st;
	size_t n = 16 * LW_BUF_1M + 1;	/* one past the limit */
	char *text = malloc(2 * n + 3);
	assert_non_null(text);
	text[0] = '"';
	for (size_t i = 0; i < n; i++)
		memcpy(text + 1 + 2 * i, "\\t", 2);
	text[2 * n + 1] = '"';
	text[2 * n + 2] = '\0';
	struct lw_jsonc *doc = NULL;
	struct lw_err err = {0};
	assert_int_not_equal(lw_jsonc_parse(text, 2 * n + 2, &doc, &err),
			     LW_OK);
	assert_non_null(strstr(err.msg, "string too long"));
	lw_jsonc_free(doc);
	/* one escape fewer fits */
	text[2 * n - 1] = '"';
	doc = NULL;
	assert_int_equal(lw_jsonc_parse(text, 2 * n, &doc, &err), LW_OK);
	lw_jsonc_free(doc);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(past_max_fails_not_short),
		cmocka_unit_test(failed_is_sticky),
		cmocka_unit_test(steal_after_failure),
		cmocka_unit_test(check_message_never_short),
		cmocka_unit_test(config_errors_counted_not_cut),
		cmocka_unit_test(jsonc_escapes_past_max_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
