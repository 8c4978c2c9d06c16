/* test_powerbi.c - the Power BI answer parsers and DAX quoting. */
#include "unit.h"
#include "lakewatch/powerbi.h"
#include "lakewatch/buf.h"

#define P(s) s, strlen(s)

static void datasets(void **st)
{
	(void)st;
	struct lw_pbi_dataset *d;
	size_t n;
	struct lw_err err;
	assert_int_equal(lw_pbi_parse_datasets(P("{\"value\": [{\"id\": \"1\", "
		"\"name\": \"Sales\", \"isRefreshable\": true}, {\"id\": 2}, "
		"{\"id\": \"3\", \"name\": \"Push\"}]}"), &d, &n, &err), LW_OK);
	assert_int_equal(n, 2);	/* the one without a name is skipped */
	assert_string_equal(d[0].name, "Sales");
	assert_true(d[0].refreshable);
	assert_false(d[1].refreshable);
	lw_pbi_datasets_free(d, n);
	assert_int_equal(lw_pbi_parse_datasets(P("{\"value\": {}}"), &d, &n,
					       &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "\"value\" array"));
	assert_int_equal(lw_pbi_parse_datasets(P("{\"value\": [{\"id\""), &d, &n,
					       &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "malformed JSON"));
}

static void refreshes(void **st)
{
	(void)st;
	struct lw_pbi_refresh *r;
	size_t n;
	struct lw_err err;
	assert_int_equal(lw_pbi_parse_refreshes(P("{\"value\": ["
		"{\"id\": 7, \"refreshType\": \"Scheduled\", \"status\": \"Failed\","
		" \"startTime\": \"2026-11-20T01:00:00.153Z\","
		" \"endTime\": \"2026-11-20T01:05:00Z\","
		" \"serviceExceptionJson\": \"{\\\"errorCode\\\":\\\"ModelRefreshFailed\\\"}\"},"
		"{\"requestId\": \"abc\", \"status\": \"Unknown\", \"startTime\": "
		"\"2026-11-20T02:00:00Z\"}]}"), &r, &n, &err), LW_OK);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].request_id, "7");
	assert_string_equal(r[0].error_code, "ModelRefreshFailed");
	assert_int_equal(r[0].end - r[0].start, 300);
	assert_string_equal(r[1].request_id, "abc");
	assert_int_equal(r[1].end, -1);	/* in progress: no end yet */
	assert_null(r[1].error_code);
	lw_pbi_refreshes_free(r, n);
	assert_int_equal(lw_pbi_parse_refreshes(P("{\"value\": [{\"id\": 1}]}"),
						&r, &n, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "no \"status\""));
}

static void schedule(void **st)
{
	(void)st;
	struct lw_pbi_schedule s;
	struct lw_err err;
	assert_int_equal(lw_pbi_parse_schedule(P("{\"days\": [], \"times\": "
		"[\"00:00\", \"12:00\"], \"enabled\": true}"), &s, &err), LW_OK);
	assert_int_equal(s.interval, 43200);
	assert_int_equal(lw_pbi_parse_schedule(P("{\"days\": [\"Monday\"], "
		"\"times\": [], \"enabled\": false}"), &s, &err), LW_OK);
	assert_false(s.enabled);
	assert_int_equal(s.interval, 7 * 86400);
	assert_int_equal(lw_pbi_parse_schedule(P("{\"days\": []}"), &s, &err),
			 LW_EPARSE);
	/* more entries than a week has days or the service allows times
	 * (50,000 x 50,000 overflowed an int and gave interval 0) */
	struct lw_buf b;
	lw_buf_init(&b, 1 << 20);
	assert_int_equal(lw_buf_adds(&b, "{\"enabled\": true, \"days\": ["), LW_OK);
	for (int i = 0; i < 50000; i++)
		assert_int_equal(lw_buf_adds(&b, i ? ",\"Monday\"" : "\"Monday\""), LW_OK);
	assert_int_equal(lw_buf_adds(&b, "], \"times\": ["), LW_OK);
	for (int i = 0; i < 50000; i++)
		assert_int_equal(lw_buf_adds(&b, i ? ",\"00:00\"" : "\"00:00\""), LW_OK);
	assert_int_equal(lw_buf_adds(&b, "]}"), LW_OK);
	assert_int_equal(lw_pbi_parse_schedule(b.data, b.len, &s, &err), LW_OK);
	assert_int_equal(s.interval, 7 * 86400 / (7 * 48));
	lw_buf_free(&b);
}

static void query(void **st)
{
	(void)st;
	cJSON *rows;
	struct lw_err err;
	assert_int_equal(lw_pbi_parse_query(P("{\"results\": [{\"tables\": "
		"[{\"rows\": [{\"[n]\": 42}]}]}]}"), &rows, &err), LW_OK);
	assert_int_equal(cJSON_GetArrayItem(rows, 0)->child->valueint, 42);
	cJSON_Delete(rows);
	/* an error inside a 200 is an error, not data */
	assert_int_equal(lw_pbi_parse_query(P("{\"results\": [{\"tables\": "
		"[{\"error\": {\"code\": \"X\", \"message\": \"More than one result "
		"table in a query\"}}]}]}"), &rows, &err), LW_EPARSE);
	assert_null(rows);
	assert_non_null(strstr(err.msg, "More than one result table"));
	assert_int_equal(lw_pbi_parse_query(P("{\"error\": {\"code\": "
		"\"DatasetExecuteQueriesError\", \"pbi.error\": {\"details\": "
		"[{\"detail\": {\"value\": \"Cannot find table 'X'.\"}}]}}}"),
		&rows, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "Cannot find table 'X'."));
	assert_int_equal(lw_pbi_parse_query(P("{\"results\": []}"), &rows, &err),
			 LW_EPARSE);
}

static void dax_quoting(void **st)
{
	(void)st;
	char *t = lw_pbi_dax_table("O'Brien Sales");
	assert_string_equal(t, "'O''Brien Sales'");
	free(t);
	char *s = lw_pbi_dax_string("say \"hi\"");
	assert_string_equal(s, "\"say \"\"hi\"\"\"");
	free(s);
	struct lw_column c = {0};
	lw_pbi_map_type("Decimal", &c);
	assert_int_equal(c.type, LW_T_DECIMAL);
	assert_int_equal(c.precision, 19);
	assert_int_equal(c.scale, 4);
	lw_pbi_map_type("DateTime", &c);
	assert_int_equal(c.type, LW_T_TIMESTAMP);
	lw_pbi_map_type("Variant", &c);
	assert_int_equal(c.type, LW_T_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(datasets),
		cmocka_unit_test(refreshes),
		cmocka_unit_test(schedule),
		cmocka_unit_test(query),
		cmocka_unit_test(dax_quoting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
