/* test_powerbi.c - the Power BI answer parsers, DAX quoting, and what an
 * observation records of them (detail JSON and typed facts agree). */
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

/* What the lake records of refreshes and a schedule: the typed facts the
 * checks read are those the detail gives back from history. */
static void recorded_facts(void **st)
{
	(void)st;
	struct lw_pbi_refresh *r = NULL;
	size_t n = 0;
	struct lw_err err;
	assert_int_equal(lw_pbi_parse_refreshes(P("{\"value\": ["
		"{\"id\": 7, \"refreshType\": \"Scheduled\", \"status\": \"Failed\","
		" \"startTime\": \"2026-11-20T03:00:00Z\","
		" \"endTime\": \"2026-11-20T03:05:00Z\","
		" \"serviceExceptionJson\": \"{\\\"errorCode\\\":\\\"ModelRefreshFailed\\\"}\"},"
		"{\"requestId\": \"abc\", \"status\": \"Completed\", \"startTime\": "
		"\"2026-11-20T02:00:00Z\", \"endTime\": \"2026-11-20T02:10:00Z\"}]}"),
		&r, &n, &err), LW_OK);
	struct lw_pbi_schedule s;
	assert_int_equal(lw_pbi_parse_schedule(P("{\"days\": [], \"times\": "
		"[\"00:00\", \"12:00\"], \"enabled\": true}"), &s, &err), LW_OK);
	struct lw_obs o, back;
	lw_obs_init(&o);
	cJSON *pbi = cJSON_AddObjectToObject(lw_obs_detail(&o), "powerbi");
	o.powerbi.present = true;
	lw_pbi_record_refreshes(&o, pbi, r, n);
	lw_pbi_record_schedule(&o, pbi, &s);
	const struct lw_powerbi_refresh_facts *f = &o.powerbi.refresh;
	assert_true(f->present);
	assert_string_equal(f->status, "Failed");
	assert_string_equal(f->type, "Scheduled");
	assert_string_equal(f->error_code, "ModelRefreshFailed");
	assert_int_equal(f->ended - f->started, 300);
	assert_int_equal(f->last_success, r[1].end);
	assert_int_equal(o.newest_mtime, r[1].end);
	assert_int_equal(o.powerbi.interval, 43200);
	lw_pbi_refreshes_free(r, n);

	cJSON *j = lw_obs_to_json(&o);
	assert_int_equal(lw_obs_from_json(j, &back), LW_OK);
	cJSON_Delete(j);
	const struct lw_powerbi_refresh_facts *g = &back.powerbi.refresh;
	assert_true(back.powerbi.present && g->present);
	assert_string_equal(g->status, f->status);
	assert_string_equal(g->type, f->type);
	assert_string_equal(g->error_code, f->error_code);
	assert_true(g->has_started && g->has_ended && g->has_last_success);
	assert_int_equal(g->started, f->started);
	assert_int_equal(g->ended, f->ended);
	assert_int_equal(g->last_success, f->last_success);
	assert_true(back.powerbi.has_schedule && back.powerbi.has_interval);
	assert_false(back.powerbi.schedule_disabled);
	assert_int_equal(back.powerbi.interval, o.powerbi.interval);
	lw_obs_free(&back);
	lw_obs_free(&o);
}

/* Get Datasources In Group: server/database, url or path; what the
 * observation records of it comes back from history the same. */
static void datasources(void **st)
{
	(void)st;
	struct lw_powerbi_source *src;
	size_t n;
	struct lw_err err;
	assert_int_equal(lw_pbi_parse_datasources(P("{\"value\": ["
		"{\"datasourceType\": \"Sql\", \"connectionDetails\": "
		"{\"server\": \"ws.sql.azuresynapse.net\", \"database\": "
		"\"gold\"}, \"datasourceId\": \"d1\", \"gatewayId\": \"g1\"},"
		"{\"datasourceType\": \"AzureDataLakeStorage\", "
		"\"connectionDetails\": {\"url\": \"https://a/gold\"}},"
		"{\"datasourceType\": \"File\", \"connectionDetails\": "
		"{\"path\": \"C:\\\\x.csv\"}}, {\"datasourceType\": \"X\"}]}"),
		&src, &n, &err), LW_OK);
	assert_int_equal(n, 3);		/* no connectionDetails: skipped */
	assert_string_equal(src[0].type, "Sql");
	assert_string_equal(src[0].server, "ws.sql.azuresynapse.net");
	assert_string_equal(src[0].database, "gold");
	assert_null(src[0].path);
	assert_string_equal(src[1].path, "https://a/gold");
	assert_string_equal(src[2].path, "C:\\x.csv");

	struct lw_obs o, back;
	lw_obs_init(&o);
	cJSON *pbi = cJSON_AddObjectToObject(lw_obs_detail(&o), "powerbi");
	o.powerbi.present = true;
	lw_pbi_record_datasources(&o, pbi, src, n, NULL);
	cJSON *j = lw_obs_to_json(&o);
	assert_int_equal(lw_obs_from_json(j, &back), LW_OK);
	cJSON_Delete(j);
	assert_true(back.powerbi.has_sources);
	assert_int_equal(back.powerbi.nsources, 3);
	assert_string_equal(back.powerbi.sources[0].server, "ws.sql.azuresynapse.net");
	assert_string_equal(back.powerbi.sources[1].path, "https://a/gold");
	assert_null(back.powerbi.sources_error);
	lw_obs_free(&back);
	/* a refusal is kept, redacted, instead of the list */
	lw_pbi_record_datasources(&o, pbi, NULL, 0, "403 for Bearer eyJabc.def.ghi");
	assert_false(o.powerbi.has_sources);
	assert_null(strstr(o.powerbi.sources_error, "eyJabc"));
	lw_obs_free(&o);

	assert_int_equal(lw_pbi_parse_datasources(P("{\"error\": {\"code\": "
		"\"DatasourcesNotAvailable\", \"message\": \"not now\"}}"),
		&src, &n, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "DatasourcesNotAvailable: not now"));
	assert_int_equal(lw_pbi_parse_datasources(P("{\"value\": 3}"), &src,
						  &n, &err), LW_EPARSE);
	assert_int_equal(lw_pbi_parse_datasources(P("{\"value\": [{"), &src,
						  &n, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "malformed JSON"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(datasets),
		cmocka_unit_test(refreshes),
		cmocka_unit_test(schedule),
		cmocka_unit_test(query),
		cmocka_unit_test(dax_quoting),
		cmocka_unit_test(recorded_facts),
		cmocka_unit_test(datasources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
