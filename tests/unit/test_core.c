/* test_core.c - buffers, durations, times, redaction, JSON with comments. */
#include "unit.h"
#include <stdio.h>
#include "lakewatch/buf.h"
#include "lakewatch/err.h"
#include "lakewatch/jsonc.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "lakewatch/model.h"

static void buf_hard_max(void **st)
{
	(void)st;
	struct lw_buf b;
	lw_buf_init(&b, 8);
	assert_int_equal(lw_buf_adds(&b, "12345678"), LW_OK);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	/* past max: failed, not silently short (test_buf.c has the rest) */
	assert_int_equal(lw_buf_addc(&b, 'x'), LW_ETOOBIG);
	assert_true(lw_buf_failed(&b));
	assert_int_equal(b.len, 0);
	assert_null(b.data);
	lw_buf_reset(&b);
	assert_int_equal(lw_buf_addf(&b, "%d-%s", 42, "ab"), LW_OK);
	assert_string_equal(b.data, "42-ab");
	char *s = lw_buf_steal(&b);
	assert_string_equal(s, "42-ab");
	free(s);
	assert_null(b.data);
}

/* One glyph and one ASCII letter per status, distinct (model.h). */
static void status_glyphs(void **state)
{
	(void)state;
	assert_string_equal(lw_status_glyph(LW_ERROR, true), "\xe2\x8a\x98");
	assert_string_equal(lw_status_glyph(LW_ERROR, false), "E");
	assert_string_equal(lw_status_glyph(LW_FAIL, false), "X");
	assert_string_equal(lw_status_glyph((enum lw_status)9, false), "E");
	for (int s = 0; s < LW_NSTATUS; s++) {
		assert_int_equal(strlen(lw_status_glyph(s, false)), 1);
		for (int t = 0; t < s; t++) {
			assert_string_not_equal(lw_status_glyph(s, false),
						lw_status_glyph(t, false));
			assert_string_not_equal(lw_status_glyph(s, true),
						lw_status_glyph(t, true));
		}
	}
}

static void durations(void **st)
{
	(void)st;
	int64_t s;
	assert_int_equal(lw_duration_parse("30m", &s), LW_OK);
	assert_int_equal(s, 1800);
	assert_int_equal(lw_duration_parse("1d12h", &s), LW_OK);
	assert_int_equal(s, 129600);
	assert_int_equal(lw_duration_parse("2w", &s), LW_OK);
	assert_int_equal(s, 14 * 86400);
	assert_int_equal(lw_duration_parse("6", &s), LW_EPARSE);
	assert_int_equal(lw_duration_parse("h", &s), LW_EPARSE);
	assert_int_equal(lw_duration_parse("", &s), LW_EPARSE);
	assert_int_equal(lw_duration_parse("5x", &s), LW_EPARSE);
	assert_int_equal(lw_duration_parse("99999999999999999999d", &s),
			 LW_EPARSE);
	char b[32];
	assert_string_equal(lw_duration_fmt(7 * 3600 + 5, b, sizeof b), "7h");
	assert_string_equal(lw_duration_fmt(2 * 86400 + 3 * 3600, b, sizeof b),
			    "2d3h");
	assert_string_equal(lw_duration_fmt(45, b, sizeof b), "45s");
}

static void times(void **st)
{
	(void)st;
	int64_t t;
	assert_int_equal(lw_time_parse("1970-01-02", &t), LW_OK);
	assert_int_equal(t, 86400);
	assert_int_equal(lw_time_parse("2026-11-20T03:00:00Z", &t), LW_OK);
	int64_t base = t;
	assert_int_equal(lw_time_parse("2026-11-20T04:00:00+01:00", &t), LW_OK);
	assert_int_equal(t, base);
	assert_int_equal(lw_time_parse("2026-11-20T03:00:00.123456Z", &t), LW_OK);
	assert_int_equal(t, base);
	assert_int_equal(lw_time_parse("2026-11-20T03", &t), LW_OK);
	assert_int_equal(t, base);
	assert_int_equal(lw_time_parse("2026-02-30", &t), LW_EPARSE);
	assert_int_equal(lw_time_parse("2026-11-20T25:00", &t), LW_EPARSE);
	assert_int_equal(lw_time_parse("2026-11-20x", &t), LW_EPARSE);
	assert_int_equal(lw_time_parse_http("Sun, 06 Nov 1994 08:49:37 GMT", &t),
			 LW_OK);
	assert_int_equal(t, 784111777);
	/* the fixed form read without strptime, and what only strptime
	 * reads, give the same times; a day past the month's end rolls over
	 * as timegm rolls it */
	static const struct { const char *s; int rc; int64_t t; } http[] = {
		{"sun, 06 NOV 1994 08:49:37 GMT", LW_OK, 784111777},
		{"Sun, 6 Nov 1994 08:49:37 GMT", LW_OK, 784111777},
		{"Sunday, 06 Nov 1994 08:49:37 GMT", LW_OK, 784111777},
		{"Tue, 31 Feb 2026 00:00:00 GMT", LW_OK, 1772496000},
		{"Sat, 29 Feb 2000 23:59:59 GMT", LW_OK, 951868799},
		{"Sun, 06 Xyz 1994 08:49:37 GMT", LW_EPARSE, 0},
		{"Sun, 06 Nov 1994 24:49:37 GMT", LW_EPARSE, 0},
		{"Sun, 06 Nov 1994 08:49:37 UTC", LW_EPARSE, 0},
		{"Xyz, 06 Nov 1994 08:49:37 GMT", LW_EPARSE, 0},
	};
	for (size_t i = 0; i < sizeof http / sizeof *http; i++) {
		t = 0;
		assert_int_equal(lw_time_parse_http(http[i].s, &t), http[i].rc);
		if (http[i].rc == LW_OK)
			assert_int_equal(t, http[i].t);
	}
	char b[32];
	assert_string_equal(lw_time_fmt(784111777, b, sizeof b),
			    "1994-11-06T08:49:37Z");
}

static void redaction(void **st)
{
	(void)st;
	char url[] = "https://a.blob.core.windows.net/c?sv=2022&sig=abc%2Bdef123&se=1";
	lw_redact(url);
	assert_null(strstr(url, "abc%2Bdef123"));
	assert_non_null(strstr(url, "sig=***&se=1"));
	char cs[] = "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Zm9vYmFyYmF6==;EndpointSuffix=core";
	lw_redact(cs);
	assert_null(strstr(cs, "Zm9vYmFyYmF6"));
	assert_non_null(strstr(cs, "AccountName=x"));
	char hdr[] = "Authorization: Bearer eyJ0eXAiOiJKV1Qi.x.y";
	lw_redact(hdr);
	assert_string_equal(hdr, "Authorization: Bearer ***");
	char sk[] = "Authorization: SharedKey devstoreaccount1:AbCdEf0123==";
	lw_redact(sk);
	assert_string_equal(sk, "Authorization: SharedKey devstoreaccount1:***");
	lw_secret_register("s3cr3t-value-xyz");
	char free_text[] = "failed with key s3cr3t-value-xyz in it";
	lw_redact(free_text);
	assert_string_equal(free_text, "failed with key *** in it");
	struct lw_err e;
	lw_err_set(&e, LW_EAUTH, "token s3cr3t-value-xyz rejected");
	assert_null(strstr(e.msg, "s3cr3t"));
	lw_secret_register("short");	/* too short to be matched safely */
	char word[] = "a short word";
	lw_redact(word);
	assert_string_equal(word, "a short word");
	lw_secret_clear_all();
}

/* issue 11: a secret in every form it can leave in, the longest first,
 * and messages redacted before they are cut. */
static void redaction_forms(void **st)
{
	(void)st;
	const char *sec = "s3cr/t+v@l ue&=x";
	lw_secret_register(sec);
	lw_secret_register("s3cr/t+v@l ue&=x-longer-tail");
	char url[] = "client_secret=&x=s3cr%2Ft%2Bv%40l%20ue%26%3Dx!";
	lw_redact(url);
	assert_null(strstr(url, "s3cr"));
	char low[] = "echo s3cr%2ft%2bv%40l%20ue%26%3dx end";
	lw_redact(low);
	assert_null(strstr(low, "s3cr"));
	char form[] = "body s3cr%2Ft%2Bv%40l+ue%26%3Dx end";
	lw_redact(form);
	assert_null(strstr(form, "s3cr"));
	char b64[] = "basic czNjci90K3ZAbCB1ZSY9eA== end";
	lw_redact(b64);
	assert_null(strstr(b64, "czNjci90K3ZAbCB1ZSY9eA"));
	/* base64 of a longer text holding it ("Bearer " + secret, or the
	 * secret after 1 or 2 other bytes): the characters that come from
	 * the secret alone are masked, at each alignment */
	char al1[] = "echo QmVhcmVyIHMzY3IvdCt2QGwgdWUmPXg= end";
	lw_redact(al1);
	assert_null(strstr(al1, "HMzY3IvdCt2QGwgdWUmPX"));
	char al2[] = "echo eHhzM2NyL3QrdkBsIHVlJj14 end";	/* "xx" + secret */
	lw_redact(al2);
	assert_null(strstr(al2, "M2NyL3QrdkBsIHVlJj14"));
	char al0[] = "echo czNjci90K3ZAbCB1ZSY9eHl6 end";	/* secret + "yz" */
	lw_redact(al0);
	assert_null(strstr(al0, "czNjci90K3ZAbCB1ZSY9"));
	char json[] = "{\"d\": \"s3cr\\/t+v@l ue&=x\"}";
	lw_redact(json);
	assert_null(strstr(json, "s3cr"));
	char pre[] = "got s3cr/t+v@l ue&=x-longer-tail here";
	lw_redact(pre);
	assert_null(strstr(pre, "longer-tail"));
	assert_string_equal(pre, "got *** here");
	/* a secret across the cut leaves nothing of itself */
	char cut[24];
	lw_redact_fmt(cut, sizeof cut, "%s%s", "0123456789abcdef", sec);
	assert_null(strstr(cut, "s3c"));
	struct lw_err e;
	char pad[1100];
	memset(pad, 'p', sizeof pad);
	pad[LW_ERR_MSG - 8] = '\0';
	lw_err_set(&e, LW_EIO, "%s%s", pad, sec);
	assert_null(strstr(e.msg, "s3c"));
	lw_secret_clear_all();
}

/* SAS shapes: sig= is the secret, the other fields (se=, sp=, sv=) say
 * what the token allows and stay readable. */
static void redaction_sas_shapes(void **st)
{
	(void)st;
	char bare[] = "sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z"
		      "&sig=AbC%2Fd3f%3D";
	lw_redact(bare);	/* a token given without the leading '?' */
	assert_string_equal(bare, "sv=2022-11-02&ss=b&srt=co&sp=rl&se="
			    "2030-01-01T00:00:00Z&sig=***");
	char first[] = "sig=Zm9vYmFy&se=2030-01-01&sp=r";
	lw_redact(first);
	assert_string_equal(first, "sig=***&se=2030-01-01&sp=r");
	char upper[] = "GET /c/b?SIG=Zm9vYmFy HTTP/1.1";
	lw_redact(upper);
	assert_string_equal(upper, "GET /c/b?SIG=*** HTTP/1.1");
	char copy[] = "x-ms-copy-source: https://a.blob.core.windows.net/c/b"
		      "?sp=r&sig=Q2xpZW50%2BU2lnbmF0dXJl\r\nx-ms-version: 1";
	lw_redact(copy);
	assert_null(strstr(copy, "Q2xpZW50"));
	assert_non_null(strstr(copy, "?sp=r&sig=***"));
	assert_non_null(strstr(copy, "x-ms-version: 1"));
	/* the same URL percent-encoded as a query value */
	char enc[] = "copySource=https%3A%2F%2Fa.blob.core.windows.net%2Fc%2Fb"
		     "%3Fsp%3Dr%26sig%3DQ2xp%2BZW50%3D%26se%3D2030";
	lw_redact(enc);
	assert_null(strstr(enc, "Q2xp"));
	assert_null(strstr(enc, "ZW50"));
	assert_non_null(strstr(enc, "%26sig%3D***%26se%3D2030"));
	/* words that only look alike are left alone */
	char words[] = "design=modern; signal=ok; se=now";
	lw_redact(words);
	assert_string_equal(words, "design=modern; signal=ok; se=now");
	char json[] = "{\"accessToken\": \"eyJ0eXAi.x.y\", \"expiresOn\": 1}";
	lw_redact(json);
	assert_string_equal(json, "{\"accessToken\": \"***\", "
			    "\"expiresOn\": 1}");
	char conn[] = "BlobEndpoint=https://a.blob.core.windows.net/;"
		      "SharedAccessSignature=sv=2022&sp=rl&sig=Zm9v";
	lw_redact(conn);
	assert_null(strstr(conn, "Zm9v"));
	assert_non_null(strstr(conn, "BlobEndpoint=https://a.blob"));
}

/* Secrets registered when the config loads survive any number of bearer
 * tokens registered later (one per refresh, for days on end). */
static void redaction_keeps_config_secrets(void **st)
{
	(void)st;
	lw_secret_register("client-secret-from-config");
	char tok[64];
	for (int i = 0; i < 500; i++) {
		snprintf(tok, sizeof tok, "bearer-token-number-%04d", i);
		lw_secret_register(tok);
	}
	char a[] = "app secret client-secret-from-config leaked";
	lw_redact(a);
	assert_string_equal(a, "app secret *** leaked");
	char b[] = "token bearer-token-number-0499 and 0000";
	lw_redact(b);	/* the newest token is still known */
	assert_string_equal(b, "token *** and 0000");
	lw_secret_clear_all();
}

static void jsonc_positions(void **st)
{
	(void)st;
	const char *text = "// comment\n{\n  /* block */ \"a\": 1,\n  \"b\": [true, null,],\n}\n";
	struct lw_jsonc *d;
	struct lw_err err;
	assert_int_equal(lw_jsonc_parse(text, strlen(text), &d, &err), LW_OK);
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(lw_jsonc_root(d), "b");
	assert_true(cJSON_IsArray(b));
	assert_int_equal(cJSON_GetArraySize(b), 2);
	int line, col;
	lw_jsonc_pos(d, b, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 3);
	lw_jsonc_free(d);
}

static void jsonc_errors(void **st)
{
	(void)st;
	static const struct { const char *text, *want; } cases[] = {
		{"{\"a\": 1 \"b\": 2}", "line 1, column 9: expected ',' or '}'"},
		{"{\"a\": 1, \"a\": 2}", "duplicate key \"a\""},
		{"{\"a\": tru}", "line 1, column 7: expected a value"},
		{"{\"a\": \"x", "string is not closed"},
		{"{} x", "expected the end of the file"},
		{"/* open", "comment is not closed"},
		{"", "expected a value, but the file ends"},
		{"{\"a\": \"\\ud800\"}", "unpaired UTF-16 surrogate"},
		{"[1.]", "expected digits after '.'"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lw_jsonc *d;
		struct lw_err err;
		assert_int_equal(lw_jsonc_parse(cases[i].text,
			strlen(cases[i].text), &d, &err), LW_EPARSE);
		assert_null(d);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
				 cases[i].want);
	}
	char deep[200];
	memset(deep, '[', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	struct lw_jsonc *d;
	struct lw_err err;
	assert_int_equal(lw_jsonc_parse(deep, strlen(deep), &d, &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "deeper than 64"));
}

static void types(void **st)
{
	(void)st;
	enum lw_type t;
	int p, s;
	assert_int_equal(lw_type_parse("decimal(10,2)", &t, &p, &s), LW_OK);
	assert_int_equal(t, LW_T_DECIMAL);
	assert_int_equal(p, 10);
	assert_int_equal(s, 2);
	assert_int_equal(lw_type_parse("decimal(10,2", &t, &p, &s), LW_EPARSE);
	assert_int_equal(lw_type_parse("decimal(2,10)", &t, &p, &s), LW_EPARSE);
	assert_int_equal(lw_type_parse("BIGINT", &t, &p, &s), LW_OK);
	assert_int_equal(t, LW_T_INT64);
	assert_int_equal(lw_type_parse("varchar2", &t, &p, &s), LW_EPARSE);
}

static void obs_roundtrip(void **st)
{
	(void)st;
	struct lw_obs o, back;
	lw_obs_init(&o);
	o.files = 3;
	o.rows = 12034;
	o.newest_mtime = 1700000000;
	o.has_schema = true;
	struct lw_column *c = lw_schema_add(&o.schema, "amount", LW_T_DECIMAL,
					    "FIXED_LEN_BYTE_ARRAY/DECIMAL");
	c->precision = 12;
	c->scale = 2;
	lw_obs_add_ferr(&o, "x/part-1.parquet", "bad magic %d", 7);
	cJSON_AddNumberToObject(lw_obs_detail(&o), "k", 5);
	cJSON *j = lw_obs_to_json(&o);
	assert_int_equal(lw_obs_from_json(j, &back), LW_OK);
	assert_int_equal(back.files, 3);
	assert_int_equal(back.rows, 12034);
	assert_int_equal(back.newest_mtime, 1700000000);
	assert_true(back.has_schema);
	assert_int_equal(back.schema.n, 1);
	assert_true(lw_column_same_type(&back.schema.cols[0], &o.schema.cols[0]));
	assert_int_equal(back.nferrs, 1);
	assert_string_equal(back.ferrs[0].msg, "bad magic 7");
	assert_non_null(cJSON_GetObjectItem(back.detail, "k"));
	cJSON_Delete(j);
	lw_obs_free(&o);
	lw_obs_free(&back);
	/* a stored observation (a file) with numbers no int64 holds: the
	 * defaults, not an undefined conversion */
	j = cJSON_Parse("{\"ok\": true, \"files\": 1e300, \"bytes\": "
			"9.3e18, \"rows\": -1e19, \"newest_mtime\": 5}");
	assert_int_equal(lw_obs_from_json(j, &back), LW_OK);
	assert_int_equal(back.files, 0);
	assert_int_equal(back.bytes, 0);
	assert_int_equal(back.rows, -1);
	assert_int_equal(back.newest_mtime, 5);
	cJSON_Delete(j);
	lw_obs_free(&back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_hard_max),
		cmocka_unit_test(status_glyphs),
		cmocka_unit_test(durations),
		cmocka_unit_test(times),
		cmocka_unit_test(redaction),
		cmocka_unit_test(redaction_forms),
		cmocka_unit_test(redaction_sas_shapes),
		cmocka_unit_test(redaction_keeps_config_secrets),
		cmocka_unit_test(jsonc_positions),
		cmocka_unit_test(jsonc_errors),
		cmocka_unit_test(types),
		cmocka_unit_test(obs_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
