/* test_entra.c - the token endpoint's answer. */
#include "unit.h"
#include "lakewatch/entra.h"
#include "lakewatch/secret.h"

#define P(s) s, strlen(s)

static void answers(void **st)
{
	(void)st;
	char *tok;
	int64_t life;
	struct lw_err err;
	assert_int_equal(lw_entra_parse_token(P("{\"token_type\":\"Bearer\","
		"\"expires_in\":3599,\"access_token\":\"tok-0123456789\"}"),
		1000, &tok, &life, &err), LW_OK);
	assert_string_equal(tok, "tok-0123456789");
	assert_int_equal(life, 3599);
	/* registered: never printed */
	char line[] = "got tok-0123456789 back";
	lw_redact(line);
	assert_null(strstr(line, "tok-0123456789"));
	free(tok);
	/* IMDS writes expires_on as a string of epoch seconds */
	assert_int_equal(lw_entra_parse_token(P("{\"access_token\":\"abcdefgh1\","
		"\"expires_on\":\"4600\"}"), 1000, &tok, &life, &err), LW_OK);
	assert_int_equal(life, 3600);
	free(tok);
	assert_int_equal(lw_entra_parse_token(P("{\"access_token\":\"abcdefgh2\","
		"\"expires_in\":9999999}"), 1000, &tok, &life, &err), LW_OK);
	assert_int_equal(life, 86400);
	free(tok);
	assert_int_equal(lw_entra_parse_token(P("{\"access_token\":\"abcdefgh3\"}"),
		1000, &tok, &life, &err), LW_OK);
	assert_int_equal(life, 300);
	free(tok);
	lw_secret_clear_all();
}

static void refusals(void **st)
{
	(void)st;
	char *tok;
	int64_t life;
	struct lw_err err;
	assert_int_equal(lw_entra_parse_token(P("{\"error\":\"invalid_client\"}"),
		0, &tok, &life, &err), LW_EPARSE);
	assert_null(tok);
	assert_non_null(strstr(err.msg, "no access_token"));
	assert_int_equal(lw_entra_parse_token(P("{\"access_token\":\"a\\r\\nX-Evil: 1\"}"),
		0, &tok, &life, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "control characters"));
	assert_int_equal(lw_entra_parse_token(P("not json"), 0, &tok, &life,
					      &err), LW_EPARSE);
	assert_int_equal(lw_entra_parse_token(NULL, 0, 0, &tok, &life, &err),
			 LW_EPARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answers),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
