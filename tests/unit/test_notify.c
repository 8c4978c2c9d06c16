/* test_notify.c - notifications: the outbox written in the incidents'
 * transaction (history), what polls enqueue (grouping, reminders, ack and
 * mute, resolves of what was announced) through the real engine over a
 * directory lake, the schema step, the config's errors, and the webhook's
 * payload and signature. Delivery itself is tested end to end
 * (tests/e2e/notify_*.test, against tests/notify/standin.py). */
#include "unit.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <openssl/hmac.h>
#include "lakewatch/cfgref.h"
#include "lakewatch/engine.h"
#include "lakewatch/http.h"
#include "lakewatch/history_incidents.h"
#include "lakewatch/history_outbox.h"
#include "lakewatch/notifier.h"
#include "lakewatch/util.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/lw-notify-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	unsetenv("LAKEWATCH_NOW");
	return 0;
}

static long long sql_int(const char *sql)
{
	char p[300];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;
	snprintf(p, sizeof p, "%s/h.db", dir);
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void sql_exec(const char *sql)
{
	char p[300];
	sqlite3 *db;
	snprintf(p, sizeof p, "%s/h.db", dir);
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* rows lines in dataset d's only file (0: its row_count FAILs). */
static void rows(const char *d, int n)
{
	char p[300];
	snprintf(p, sizeof p, "%s/lake", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/lake/%s", dir, d);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/lake/%s/part-0.csv", dir, d);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("id,amount\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%d,1.5\n", i);
	fclose(f);
}

static const char *config_text =
	"{\"name\": \"u\", \"history\": {\"path\": \"h.db\"},\n"
	" \"lakes\": {\"l\": {\"kind\": \"fs\", \"root\": \"lake\"}},\n"
	" \"sources\": {\"shop\": {}}, \"consumers\": {\"sales\": {}},\n"
	" \"datasets\": {\n"
	"  \"bronze.a\": {\"source\": \"shop\", \"layer\": \"bronze\","
	" \"lake\": \"l\", \"path\": \"a\", \"format\": \"csv\","
	" \"checks\": {\"row_count\": {\"min\": {\"fail\": 1}}}},\n"
	"  \"silver.b\": {\"source\": \"shop\", \"layer\": \"silver\","
	" \"lake\": \"l\", \"path\": \"b\", \"format\": \"csv\","
	" \"consumers\": [\"sales\"],"
	" \"checks\": {\"row_count\": {\"min\": {\"fail\": 1}}}},\n"
	"  \"gold.c\": {\"source\": \"shop\", \"layer\": \"gold\","
	" \"lake\": \"l\", \"path\": \"c\", \"format\": \"csv\","
	" \"consumers\": [\"sales\"],"
	" \"checks\": {\"row_count\": {\"min\": {\"fail\": 1}}}}},\n"
	" \"notify\": {\"channels\": {\n"
	"   \"all\": {\"type\": \"webhook\", \"url\": \"http://127.0.0.1:9/x\"},\n"
	"   \"sales\": {\"type\": \"webhook\", \"url\": \"http://127.0.0.1:9/y\"}},\n"
	"  \"routes\": [{\"name\": \"all\", \"channels\": [\"all\"],"
	" \"repeat\": \"1h\"},\n"
	"   {\"name\": \"sales\", \"match\": {\"consumer\": \"sales\"},"
	" \"channels\": [\"sales\"]}]}}\n";

/* The config at path p, loaded (the test fails when it does not). */
static struct lw_config *load_path(const char *p)
{
	struct lw_config *cfg = NULL;
	struct lw_buf errs;
	lw_buf_init(&errs, 1 << 16);
	if (lw_config_load(p, &cfg, &errs))
		fail_msg("config: %s", errs.data ? errs.data : "?");
	lw_buf_free(&errs);
	return cfg;
}

/* The config, its channel "all" at port (0: the discard port). */
static struct lw_config *load_port(int port)
{
	char p[300];
	snprintf(p, sizeof p, "%s/c.json", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	const char *cut = strstr(config_text, ":9/x");
	assert_non_null(cut);
	fprintf(f, "%.*s:%d/x%s", (int)(cut - config_text), config_text,
		port ? port : 9, cut + 4);
	fclose(f);
	return load_path(p);
}

static struct lw_config *load(void)
{
	return load_port(0);
}

/* One poll at time `at` (LAKEWATCH_NOW), recorded. */
static void poll_at(const struct lw_config *cfg, const char *at)
{
	struct lw_history *h;
	struct lw_err err;
	setenv("LAKEWATCH_NOW", at, 1);
	assert_int_equal(lw_history_open(cfg->history_path, false, &h, &err),
			 LW_OK);
	struct lw_run *run = lw_engine_poll(cfg, h, NULL, NULL, NULL, NULL);
	if (run->history_error)
		fail_msg("%s", run->history_error);
	lw_run_free(run);
	lw_history_close(h);
}

/* The kinds and datasets of message `msg`'s notices, "opened bronze.a,..." */
static char *notices_of(long long msg)
{
	char p[300], *out = lw_xstrdup("");
	sqlite3 *db;
	sqlite3_stmt *st;
	snprintf(p, sizeof p, "%s/h.db", dir);
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT kind, dataset FROM "
		"outbox_notices WHERE msg=?1 ORDER BY id", -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_int64(st, 1, msg);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *n = lw_xasprintf("%s%s%s %s", out, *out ? "," : "",
				       sqlite3_column_text(st, 0),
				       sqlite3_column_text(st, 1));
		free(out);
		out = n;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static long long msg_of(const char *route, long long run)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT id FROM outbox WHERE route='%s' AND "
		 "run=%lld", route, run);
	return sql_int(sql);
}

static void expect_msg(const char *route, long long run, const char *want)
{
	long long m = msg_of(route, run);
	char *got = m > 0 ? notices_of(m) : lw_xstrdup("(no message)");
	if (strcmp(got, want))
		fail_msg("route %s, run %lld: %s, expected %s", route, run,
			 got, want);
	free(got);
}

/* A cascade (three datasets failing in one poll) is one message per
 * route; the consumer's route gets only its two datasets. */
static void test_grouping(void **state)
{
	(void)state;
	rows("a", 2); rows("b", 2); rows("c", 2);
	struct lw_config *cfg = load();
	poll_at(cfg, "2026-11-20T10:00:00Z");
	assert_int_equal(sql_int("SELECT count(*) FROM outbox"), 0);
	rows("a", 0); rows("b", 0); rows("c", 0);
	poll_at(cfg, "2026-11-20T11:00:00Z");
	assert_int_equal(sql_int("SELECT count(*) FROM outbox"), 2);
	expect_msg("all", 2, "opened bronze.a,opened silver.b,opened gold.c");
	expect_msg("sales", 2, "opened silver.b,opened gold.c");
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE state=0 "
				 "AND attempts=0"), 2);
	/* the cascade's notices name its root (lineage: the same source's
	 * previous layer); the root's own notice has none */
	assert_int_equal(sql_int("SELECT count(*) FROM outbox_notices WHERE "
		"dataset IN ('silver.b', 'gold.c') AND json_extract(notice, "
		"'$.root') LIKE 'bronze.a row_count: too few rows%'"), 4);
	assert_int_equal(sql_int("SELECT count(*) FROM outbox_notices WHERE "
		"dataset = 'bronze.a' AND json_extract(notice, '$.root') "
		"IS NOT NULL"), 0);
	lw_config_free(cfg);
}

/* Routes by layer, source, severity and consumer (each consumer's owner
 * on a channel of their own): a route gets exactly the incidents it
 * matches, all of one poll in one message; a route without match gets
 * them all, WARN included; severity "error" only the ERROR one. */
static void test_route_match(void **state)
{
	(void)state;
	char p[300];
	rows("a", 0); rows("b", 0); rows("c", 0); rows("w", 3);
	snprintf(p, sizeof p, "%s/c.json", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("{\"name\": \"u\", \"history\": {\"path\": \"h.db\"},\n"
	      " \"lakes\": {\"l\": {\"kind\": \"fs\", \"root\": \"lake\"}},\n"
	      " \"sources\": {\"shop\": {}, \"crm\": {}},\n"
	      " \"consumers\": {\"sales\": {}, \"finance\": {}},\n"
	      " \"datasets\": {\n", f);
	static const char *const ds[][5] = {	/* name source layer path consumers */
		{"bronze.a", "shop", "bronze", "a", ""},
		{"bronze.w", "shop", "bronze", "w", ""},
		{"silver.b", "crm", "silver", "b", "\"sales\""},
		{"gold.c", "shop", "gold", "c", "\"finance\""},
		{"gold.d", "crm", "gold", "missing", ""},
	};
	for (size_t i = 0; i < 5; i++)
		fprintf(f, "  %s\"%s\": {\"source\": \"%s\", \"layer\": \"%s\","
			" \"lake\": \"l\", \"path\": \"%s\", \"format\": \"csv\","
			" \"consumers\": [%s], \"checks\": {\"row_count\": "
			"{\"min\": {\"warn\": 2, \"fail\": 1}%s}}}\n", i ? "," : "",
			ds[i][0], ds[i][1], ds[i][2], ds[i][3], ds[i][4],
			i == 1 ? ", \"max\": {\"warn\": 2}" : "");
	fputs(" },\n \"notify\": {\"channels\": {\n", f);
	static const char *const ch[] = {"all", "gold", "crm", "err", "fin",
					 "sales"};
	for (size_t i = 0; i < 6; i++)
		fprintf(f, "   %s\"%s\": {\"type\": \"webhook\", \"url\": "
			"\"http://127.0.0.1:9/%s\"}\n", i ? "," : "", ch[i], ch[i]);
	fputs("  },\n \"routes\": [\n"
	      "  {\"name\": \"all\", \"channels\": [\"all\"]},\n"
	      "  {\"name\": \"gold\", \"match\": {\"layer\": \"gold\"}, \"channels\": [\"gold\"]},\n"
	      "  {\"name\": \"crm\", \"match\": {\"source\": \"crm\"}, \"channels\": [\"crm\"]},\n"
	      "  {\"name\": \"err\", \"match\": {\"severity\": \"error\"}, \"channels\": [\"err\"]},\n"
	      "  {\"name\": \"fin\", \"match\": {\"consumer\": \"finance\"}, \"channels\": [\"fin\"]},\n"
	      "  {\"name\": \"sales\", \"match\": {\"consumer\": \"sales\", \"layer\": \"silver\","
	      " \"severity\": \"fail\"}, \"channels\": [\"sales\"]}]}}\n", f);
	fclose(f);
	struct lw_config *cfg = load_path(p);
	poll_at(cfg, "2026-11-20T10:00:00Z");
	expect_msg("all", 1, "opened bronze.a,opened bronze.w,opened silver.b,"
		   "opened gold.c,opened gold.d");
	expect_msg("gold", 1, "opened gold.c,opened gold.d");
	expect_msg("crm", 1, "opened silver.b,opened gold.d");
	expect_msg("err", 1, "opened gold.d");
	expect_msg("fin", 1, "opened gold.c");
	expect_msg("sales", 1, "opened silver.b");
	assert_int_equal(sql_int("SELECT count(*) FROM outbox"), 6);
	lw_config_free(cfg);
}

/* Reminders every repeat while open; none once acknowledged or muted;
 * the route without repeat never reminds; the resolve goes wherever the
 * incident was announced (muted or not). */
static void test_reminders_ack_mute_resolve(void **state)
{
	(void)state;
	struct lw_err err;
	rows("a", 0); rows("b", 0); rows("c", 3);
	struct lw_config *cfg = load();
	poll_at(cfg, "2026-11-20T10:00:00Z");
	expect_msg("all", 1, "opened bronze.a,opened silver.b");
	poll_at(cfg, "2026-11-20T10:30:00Z");	/* too soon */
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE run=2"), 0);
	poll_at(cfg, "2026-11-20T11:00:00Z");
	expect_msg("all", 3, "reminder bronze.a,reminder silver.b");
	assert_int_equal(msg_of("sales", 3), -1);
	struct lw_history *h;
	assert_int_equal(lw_history_open(cfg->history_path, false, &h, &err),
			 LW_OK);
	struct lw_incident *acked = NULL;
	size_t n = 0;
	UNIT_OK(lw_history_ack(h, "bronze.a", NULL, "ann", NULL, lw_now(),
			       &acked, &n, &err));
	lw_incidents_free(acked, n);
	UNIT_OK(lw_history_mute(h, "silver.b", NULL, "ann", lw_now(),
				lw_now() + 86400, &err));
	lw_history_close(h);
	poll_at(cfg, "2026-11-20T12:30:00Z");
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE run=4"), 0);
	rows("a", 3); rows("b", 3);
	poll_at(cfg, "2026-11-20T13:00:00Z");
	expect_msg("all", 5, "resolved bronze.a,resolved silver.b");
	expect_msg("sales", 5, "resolved silver.b");
	assert_int_equal(sql_int("SELECT count(*) FROM notify_sent"), 0);
	lw_config_free(cfg);
}

/* An Alertmanager channel keeps an announced incident firing: it is sent
 * again once the kind's repost_s has passed, acknowledged or not (an
 * alert Alertmanager does not hear of again lapses after its
 * resolve_timeout), while a webhook route without repeat stays quiet. */
static void test_alertmanager_repost(void **state)
{
	(void)state;
	struct lw_err err;
	char p[300];
	rows("a", 0); rows("b", 3); rows("c", 3);
	snprintf(p, sizeof p, "%s/c.json", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	const char *cut = strstr(config_text, " \"notify\"");
	assert_non_null(cut);
	fprintf(f, "%.*s \"notify\": {\"channels\": {\n"
		"  \"am\": {\"type\": \"alertmanager\","
		" \"url\": \"http://127.0.0.1:9\"},\n"
		"  \"hook\": {\"type\": \"webhook\","
		" \"url\": \"http://127.0.0.1:9/x\"}},\n"
		" \"routes\": [{\"name\": \"am\", \"channels\": [\"am\"]},\n"
		"  {\"name\": \"hook\", \"channels\": [\"hook\"]}]}}\n",
		(int)(cut - config_text), config_text);
	fclose(f);
	struct lw_config *cfg = load_path(p);
	poll_at(cfg, "2026-11-20T10:00:00Z");
	expect_msg("am", 1, "opened bronze.a");
	expect_msg("hook", 1, "opened bronze.a");
	poll_at(cfg, "2026-11-20T10:00:30Z");	/* under 60 s: nothing */
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE run=2"), 0);
	struct lw_history *h;
	assert_int_equal(lw_history_open(cfg->history_path, false, &h, &err),
			 LW_OK);
	struct lw_incident *acked = NULL;
	size_t n = 0;
	UNIT_OK(lw_history_ack(h, "bronze.a", NULL, "ann", NULL, lw_now(),
			       &acked, &n, &err));
	lw_incidents_free(acked, n);
	lw_history_close(h);
	poll_at(cfg, "2026-11-20T10:01:05Z");
	expect_msg("am", 3, "reminder bronze.a");
	assert_int_equal(msg_of("hook", 3), -1);
	rows("a", 3);
	poll_at(cfg, "2026-11-20T10:02:00Z");
	expect_msg("am", 4, "resolved bronze.a");
	expect_msg("hook", 4, "resolved bronze.a");
	lw_config_free(cfg);
}

/* Retries back off exponentially: 10 s after the first failed attempt,
 * doubling each time, at most an hour; a message is not tried before its
 * time (connection refused: the discard port). */
static void test_backoff(void **state)
{
	(void)state;
	rows("a", 0); rows("b", 3); rows("c", 3);
	struct lw_config *cfg = load();		/* "all" on a closed port */
	poll_at(cfg, "2026-11-20T10:00:00Z");
	struct lw_history *h;
	struct lw_err err;
	assert_int_equal(lw_history_open(cfg->history_path, false, &h, &err),
			 LW_OK);
	struct lw_notify_sender *sd = lw_notify_sender_new(cfg, h);
	static const long long want[] = {10, 20, 40, 80, 160, 320, 640, 1280,
					 2560, 3600, 3600};
	long long at = 1795168800;	/* 2026-11-20T10:00:00Z */
	for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
		char now[32];
		snprintf(now, sizeof now, "%lld", at);
		setenv("LAKEWATCH_NOW", now, 1);
		lw_notify_deliver(sd, lw_http_now_ms() + 3000);
		long long next = sql_int("SELECT next_at FROM outbox");
		assert_int_equal(sql_int("SELECT attempts FROM outbox"),
				 (long long)k + 1);
		if (next - at != want[k])
			fail_msg("attempt %zu: next in %lld s, expected %lld",
				 k + 1, next - at, want[k]);
		snprintf(now, sizeof now, "%lld", next - 1);	/* too soon */
		setenv("LAKEWATCH_NOW", now, 1);
		lw_notify_deliver(sd, lw_http_now_ms() + 3000);
		assert_int_equal(sql_int("SELECT attempts FROM outbox"),
				 (long long)k + 1);
		at = next;
	}
	lw_notify_sender_free(sd);
	lw_history_close(h);
	lw_config_free(cfg);
}

/* The outbox rows are part of the incidents' transaction: when writing
 * them fails, the incident is not stored either. */
static void test_outbox_same_transaction(void **state)
{
	(void)state;
	rows("a", 3); rows("b", 3); rows("c", 3);
	struct lw_config *cfg = load();
	poll_at(cfg, "2026-11-20T10:00:00Z");
	sql_exec("DROP TABLE outbox_notices");
	rows("a", 0);
	struct lw_history *h;
	struct lw_err err;
	setenv("LAKEWATCH_NOW", "2026-11-20T11:00:00Z", 1);
	assert_int_equal(lw_history_open(cfg->history_path, false, &h, &err),
			 LW_OK);
	struct lw_run *run = lw_engine_poll(cfg, h, NULL, NULL, NULL, NULL);
	assert_non_null(run->history_error);
	assert_non_null(strstr(run->history_error, "outbox_notices"));
	lw_run_free(run);
	lw_history_close(h);
	assert_int_equal(sql_int("SELECT count(*) FROM incidents"), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM outbox"), 0);
	lw_config_free(cfg);
}

/* Direct: items go to their (run, route, channel) message, in order, with
 * the incident's new id, and announce/forget keeps notify_sent. */
static void test_record_outbox(void **state)
{
	(void)state;
	char p[300];
	struct lw_history *h;
	struct lw_err err;
	snprintf(p, sizeof p, "%s/h.db", dir);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	int64_t run;
	UNIT_OK(lw_history_begin_run(h, 1000, "cfg", &run, &err));
	struct lw_obs obs;
	lw_obs_init(&obs);
	obs.at = 1000;
	obs.ok = true;
	struct lw_result r = {0};
	lw_result_set(&r, "freshness", LW_FAIL, "7h", "6h", "old");
	struct lw_incident inc;
	lw_incident_init(&inc);
	int ev = lw_incident_step(&inc, "ds", &r, 1000, 1);
	int64_t id = 0;
	struct lw_outbox_item it[2] = {
		{"r", "c1", 0, "opened", "{\"summary\":\"one\"}", 1},
		{"r", "c2", 0, "opened", "{\"summary\":\"two\"}", 1},
	};
	UNIT_OK(lw_history_record_outbox(h, run, "ds", &obs, &r, 1, LW_FAIL,
					 &inc, &ev, 1, &id, it, 2, 1000, &err));
	assert_true(id > 0);
	struct lw_announced *ann;
	size_t nann;
	UNIT_OK(lw_history_announced(h, "ds", &ann, &nann, &err));
	assert_int_equal(nann, 2);
	assert_int_equal(ann[0].incident, id);
	lw_announced_free(ann, nann);
	UNIT_OK(lw_history_end_run(h, run, 1001, (int[LW_NSTATUS]){0}, &err));
	struct lw_outbox_msg *m;
	size_t nm;
	UNIT_OK(lw_history_outbox_heads(h, 0, &m, &nm, &err));
	assert_int_equal(nm, 2);
	assert_string_equal(m[0].channel, "c1");
	assert_int_equal(m[0].n, 1);
	assert_int_equal(m[0].v[0].incident, id);
	assert_string_equal(m[0].config, "cfg");
	UNIT_OK(lw_history_outbox_mark(h, m[0].id, LW_OUTBOX_REJECTED, 1, 0,
				       "400: no", 1002, &err));
	lw_outbox_msgs_free(m, nm);
	UNIT_OK(lw_history_outbox_heads(h, 0, &m, &nm, &err));
	assert_int_equal(nm, 1);
	assert_string_equal(m[0].channel, "c2");
	lw_outbox_msgs_free(m, nm);
	/* a notice for a message already tried (a run taken as killed, sent
	 * while it went on) starts a new message rather than join it */
	UNIT_OK(lw_history_record_outbox(h, run, "ds", &obs, &r, 1, LW_FAIL,
					 &inc, &ev, 1, &id, it, 1, 1003, &err));
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE "
				 "channel='c1'"), 2);
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE "
				 "channel='c2'"), 1);
	/* retention drops what is done with, never what is pending */
	UNIT_OK(lw_history_prune(h, 5000, &err));
	assert_int_equal(sql_int("SELECT count(*) FROM outbox"), 2);
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE state=2"),
			 0);
	assert_int_equal(sql_int("SELECT count(*) FROM outbox_notices"), 2);
	lw_history_close(h);
	lw_incident_free(&inc);
	lw_result_free(&r);
	lw_obs_free(&obs);
}

/* A version-4 file gets the outbox tables, its data kept. */
static void test_migrate_v4(void **state)
{
	(void)state;
	char p[300];
	struct lw_history *h;
	struct lw_err err;
	snprintf(p, sizeof p, "%s/h.db", dir);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	int64_t run;
	UNIT_OK(lw_history_begin_run(h, 1000, "cfg", &run, &err));
	lw_history_close(h);
	sql_exec("DROP TABLE outbox; DROP TABLE outbox_notices; "
		 "DROP TABLE notify_sent; DROP TABLE file_cache; "
		 "DROP TABLE file_cache_scope; "
		 "DROP INDEX runs_aborted; DROP INDEX runs_open; "
		 "ALTER TABLE runs DROP COLUMN pid; ALTER TABLE runs DROP COLUMN "
		 "pid_start; ALTER TABLE runs DROP COLUMN host; ALTER TABLE runs "
		 "DROP COLUMN aborted; ALTER TABLE mutes DROP COLUMN ended_by; "
		 "ALTER TABLE mutes DROP COLUMN ended_at; DROP TABLE pipeline_runs; "
		 "PRAGMA user_version=4");
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	lw_history_close(h);
	assert_int_equal(sql_int("PRAGMA user_version"), 10);
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE "
				 "name IN ('outbox', 'outbox_notices', "
				 "'notify_sent')"), 3);
	assert_int_equal(sql_int("SELECT count(*) FROM runs"), 1);
}

static void expect_config_error(const char *notify, const char *want)
{
	char *text = lw_xasprintf(
		"{\"lakes\": {\"l\": {\"kind\": \"fs\", \"root\": \".\"}},\n"
		"\"datasets\": {},\n\"notify\": %s}", notify);
	struct lw_config *cfg = NULL;
	struct lw_buf errs;
	lw_buf_init(&errs, 1 << 16);
	assert_int_equal(lw_config_parse(text, strlen(text), "t.json", &cfg,
					 &errs), LW_ECONFIG);
	if (!errs.data || !strstr(errs.data, want))
		fail_msg("expected '%s' in: %s", want,
			 errs.data ? errs.data : "(nothing)");
	lw_buf_free(&errs);
	free(text);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_config_error("{\"channels\": {\"x\": {\"type\": \"fax\"}}}",
			    "t.json:3:31: channel \"x\": unknown type \"fax\"");
	expect_config_error("{\"routes\": [{\"channels\": [\"nope\"]}]}",
			    "t.json:3:37: route \"route1\": unknown channel "
			    "\"nope\"");
	expect_config_error("{\"chanels\": {}}", "t.json:3:12: unknown key "
			    "\"chanels\" in notify");
	expect_config_error("{\"channels\": {\"w\": {\"type\": \"webhook\"}}}",
			    "missing");
	expect_config_error("[]", "\"notify\" must be an object");
}

/* The webhook's body carries every notice; the signature is
 * HMAC-SHA256(key, "<timestamp>.<body>"); answers map to outcomes. */
static void test_webhook_render(void **state)
{
	(void)state;
	struct lw_cfgctx cc;
	lw_cfgctx_init(&cc, "t.json", NULL);
	cJSON *o = cJSON_Parse("{\"url\": "
		"\"https://h.example/x\", \"secret\": \"0123456789abcdef\"}");
	const struct lw_channel_kind *k = lw_channel_kind_find("webhook");
	assert_non_null(k);
	void *st = NULL;
	assert_int_equal(k->parse(o, &cc, &st), LW_OK);
	setenv("LAKEWATCH_NOW", "1000", 1);
	struct lw_notice nt[2] = {
		{.incident = 7, .kind = LW_NOTICE_OPENED, .dedup_key = "c/d/f/7",
		 .dataset = "d", .check = "f", .consumers = "a, b",
		 .status = LW_FAIL, .summary = "d f FAIL"},
		{.incident = 8, .kind = LW_NOTICE_RESOLVED, .dataset = "e",
		 .check = "f", .consumers = "", .summary = "e f resolved"},
	};
	struct lw_notice_batch b = {"c", "r", nt, 2};
	struct lw_notify_req *reqs;
	size_t n;
	struct lw_err err;
	assert_int_equal(k->render(st, &b, &reqs, &n, &err), LW_OK);
	assert_int_equal(n, 1);
	cJSON *body = cJSON_Parse(reqs[0].body);
	cJSON *arr = cJSON_GetObjectItem(body, "notices");
	assert_int_equal(cJSON_GetArraySize(arr), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0),
			    "dedup_key")->valuestring, "c/d/f/7");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(
			 cJSON_GetArrayItem(arr, 0), "consumers")), 2);
	cJSON_Delete(body);
	unsigned char mac[32];
	unsigned int ml;
	char *msg = lw_xasprintf("1000.%s", reqs[0].body), want[100];
	HMAC(EVP_sha256(), "0123456789abcdef", 16, (unsigned char *)msg,
	     strlen(msg), mac, &ml);
	strcpy(want, "X-Lakewatch-Signature: sha256=");
	for (unsigned i = 0; i < ml; i++)
		sprintf(want + strlen(want), "%02x", mac[i]);
	bool found = false;
	for (size_t i = 0; i < reqs[0].nheaders; i++)
		found |= !strcmp(reqs[0].headers[i], want);
	assert_true(found);
	free(msg);
	lw_notify_req_free(&reqs[0]);
	free(reqs);
	assert_int_equal(k->classify(st, 202, "", 0), LW_DELIVERED);
	assert_int_equal(k->classify(st, 429, "", 0), LW_RETRY);
	assert_int_equal(k->classify(st, 503, "", 0), LW_RETRY);
	assert_int_equal(k->classify(st, 0, "", 0), LW_RETRY);
	assert_int_equal(k->classify(st, 400, "", 0), LW_REJECTED);
	assert_int_equal(k->classify(st, 404, "", 0), LW_REJECTED);
	k->free(st);
	cJSON_Delete(o);
	lw_cfgctx_free(&cc);
}

/* A port that takes connections and never answers. */
static int blackhole(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* The watch thread: a dead endpoint neither blocks the caller nor keeps
 * stop waiting long; the message stays pending and the failure shows in
 * the stats and the failing line. */
static void test_thread_dead_endpoint(void **state)
{
	(void)state;
	int port, fd = blackhole(&port);
	rows("a", 0); rows("b", 3); rows("c", 3);
	struct lw_config *cfg = load_port(port);
	poll_at(cfg, "2026-11-20T10:00:00Z");
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE state=0"),
			 1);
	struct lw_cfgref *ref = lw_cfgref_new(cfg);
	struct lw_err err;
	int64_t t0 = lw_http_now_ms();
	struct lw_notify_thread *t = lw_notify_thread_start(ref,
		cfg->history_path, NULL, NULL, &err);
	assert_non_null(t);
	lw_notify_thread_kick(t);
	assert_true(lw_http_now_ms() - t0 < 500);	/* never waits */
	char msg[300];
	bool failing = false;
	for (int i = 0; i < 150 && !failing; i++) {	/* the 10 s timeout */
		usleep(100 * 1000);
		failing = lw_notify_thread_failing(t, msg, sizeof msg);
	}
	assert_true(failing);
	assert_non_null(strstr(msg, "notify: 1 channel failing"));
	assert_null(strstr(msg, "127.0.0.1"));	/* the URL is a secret */
	struct lw_notify_stats st;
	lw_notify_thread_stats(t, &st);
	assert_int_equal(st.n, 2);
	assert_string_equal(st.v[0].channel, "all");
	assert_int_equal(st.v[0].failed, 1);
	assert_int_equal(st.v[0].pending, 1);
	lw_notify_stats_free(&st);
	int64_t t1 = lw_http_now_ms();
	lw_notify_thread_stop(t);
	assert_true(lw_http_now_ms() - t1 < 6000);
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE state=0 "
				 "AND attempts=1"), 1);
	lw_cfgref_put(ref);
	close(fd);
}

/* --- min_interval_ms: a kind that makes three requests per batch ----- */

struct tiny_srv {
	int fd, n;
	int max;		/* requests to answer; 0: 3 */
	int delay_ms;		/* before each answer */
	int64_t at[8];
};

/* Answer up to max requests with 202 (after delay_ms), noting when each
 * arrived. */
static void *tiny_serve(void *ud)
{
	struct tiny_srv *s = ud;
	for (s->n = 0; s->n < (s->max ? s->max : 3); s->n++) {
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			break;
		s->at[s->n] = lw_http_now_ms();
		char buf[4096];
		size_t got = 0;
		ssize_t r;
		while (got < sizeof buf - 1 &&
		       (r = read(c, buf + got, sizeof buf - 1 - got)) > 0) {
			got += (size_t)r;
			buf[got] = 0;
			char *e = strstr(buf, "\r\n\r\n"), *cl =
				strcasestr(buf, "content-length:");
			if (e && (!cl || got >= (size_t)(e + 4 - buf) +
				  (size_t)atoi(cl + 15)))
				break;
		}
		if (s->delay_ms)
			usleep((useconds_t)s->delay_ms * 1000);
		const char *ans = "HTTP/1.1 202 Accepted\r\nContent-Length: 0"
				  "\r\nConnection: close\r\n\r\n";
		assert_true(write(c, ans, strlen(ans)) > 0);
		close(c);
	}
	return NULL;
}

static char tiny_url[64];

static int three_render(const void *state, const struct lw_notice_batch *b,
			struct lw_notify_req **reqs, size_t *nreqs,
			struct lw_err *err)
{
	(void)state; (void)b; (void)err;
	*reqs = lw_xcalloc(3, sizeof **reqs);
	for (int i = 0; i < 3; i++) {
		(*reqs)[i].url = lw_xstrdup(tiny_url);
		(*reqs)[i].body = lw_xstrdup("{}");
		(*reqs)[i].len = 2;
	}
	*nreqs = 3;
	return LW_OK;
}

static enum lw_deliver three_classify(const void *state, long status,
				      const char *body, size_t len)
{
	(void)state; (void)body; (void)len;
	return status == 202 ? LW_DELIVERED : LW_REJECTED;
}

/* The sender waits the kind's min_interval_ms between two requests. */
static void test_min_interval(void **state)
{
	(void)state;
	static struct lw_channel_kind three;
	struct tiny_srv srv = {0};
	int port;
	srv.fd = blackhole(&port);
	snprintf(tiny_url, sizeof tiny_url, "http://127.0.0.1:%d/t", port);
	const struct lw_channel_kind *wh = lw_channel_kind_find("webhook");
	three = *wh;
	three.render = three_render;
	three.classify = three_classify;
	three.min_interval_ms = 300;
	struct lw_config *cfg = load();
	cfg->notify->channels[0].kind = &three;	/* its state stays a
						 * webhook's: free is wh's */
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, tiny_serve, &srv), 0);
	char answer[200];
	assert_int_equal(lw_notify_send_test(cfg, 0, answer, sizeof answer),
			 LW_DELIVERED);
	pthread_join(th, NULL);
	assert_int_equal(srv.n, 3);
	assert_true(srv.at[1] - srv.at[0] >= 290);
	assert_true(srv.at[2] - srv.at[1] >= 290);
	close(srv.fd);
	lw_config_free(cfg);
}

/* The outbox row of message id's state and attempts, "state/attempts". */
static void expect_row(long long id, const char *want)
{
	char sql[120];
	snprintf(sql, sizeof sql, "SELECT state * 1000 + attempts FROM outbox"
		 " WHERE id=%lld", id);
	long long v = sql_int(sql);
	char got[40];
	snprintf(got, sizeof got, "%lld/%lld", v / 1000, v % 1000);
	if (strcmp(got, want))
		fail_msg("outbox %lld: %s, expected %s", id, got, want);
}

/* A request the channel may not make before the pass's end (its kind's
 * min_interval_ms, Slack's one a second) is left for later, untried: not
 * a failed attempt that would back off 10 s and flag the channel. */
static void test_pace_past_pass(void **state)
{
	(void)state;
	struct tiny_srv srv = {.max = 1};
	int port;
	srv.fd = blackhole(&port);
	rows("a", 0); rows("b", 3); rows("c", 3);
	struct lw_config *cfg = load_port(port);
	poll_at(cfg, "2026-11-20T10:00:00Z");
	rows("a", 3);
	poll_at(cfg, "2026-11-20T10:05:00Z");	/* opened, then resolved */
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE "
				 "channel='all'"), 2);
	static struct lw_channel_kind paced;
	paced = *lw_channel_kind_find("webhook");
	paced.min_interval_ms = 800;
	cfg->notify->channels[0].kind = &paced;	/* state stays a webhook's */
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, tiny_serve, &srv), 0);
	struct lw_history *h;
	struct lw_err err;
	assert_int_equal(lw_history_open(cfg->history_path, false, &h, &err),
			 LW_OK);
	struct lw_notify_sender *sd = lw_notify_sender_new(cfg, h);
	lw_notify_deliver(sd, lw_http_now_ms() + 400);
	pthread_join(th, NULL);
	assert_int_equal(srv.n, 1);
	long long first = sql_int("SELECT min(id) FROM outbox WHERE "
				  "channel='all'");
	expect_row(first, "1/1");
	expect_row(first + 1, "0/0");	/* untried, due at once */
	struct lw_notify_stats st;
	lw_notify_sender_stats(sd, &st);
	assert_int_equal(st.v[0].failed, 0);
	assert_int_equal(st.failing, 0);
	free(st.v);
	lw_notify_sender_free(sd);
	lw_history_close(h);
	close(srv.fd);
	lw_config_free(cfg);
}

/* The watch thread: an endpoint slower than a pass (4 s) but within the
 * request timeout (10 s) is delivered, not cut off by the pass; and a
 * stop sends what the last poll enqueued before the thread ends. */
static void test_thread_slow_and_stop_flush(void **state)
{
	(void)state;
	struct tiny_srv srv = {.max = 2, .delay_ms = 5000};
	int port;
	srv.fd = blackhole(&port);
	rows("a", 0); rows("b", 3); rows("c", 3);
	struct lw_config *cfg = load_port(port);
	poll_at(cfg, "2026-11-20T10:00:00Z");
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, tiny_serve, &srv), 0);
	struct lw_cfgref *ref = lw_cfgref_new(cfg);
	struct lw_err err;
	struct lw_notify_thread *t = lw_notify_thread_start(ref,
		cfg->history_path, NULL, NULL, &err);
	assert_non_null(t);
	lw_notify_thread_kick(t);
	long long first = sql_int("SELECT min(id) FROM outbox");
	for (int i = 0; i < 90 && sql_int("SELECT count(*) FROM outbox "
					   "WHERE state=1") < 1; i++)
		usleep(100 * 1000);
	expect_row(first, "1/1");	/* one attempt, 5 s long */
	srv.delay_ms = 0;
	usleep(300 * 1000);		/* the thread waits for a kick */
	rows("a", 3);
	poll_at(cfg, "2026-11-20T10:05:00Z");	/* the resolve; no kick */
	int64_t t0 = lw_http_now_ms();
	lw_notify_thread_stop(t);
	assert_true(lw_http_now_ms() - t0 < 4000);
	expect_row(first + 1, "1/1");	/* sent by the stop */
	shutdown(srv.fd, SHUT_RDWR);	/* the server's accept ends */
	pthread_join(th, NULL);
	assert_int_equal(srv.n, 2);
	lw_cfgref_put(ref);
	close(srv.fd);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_grouping),
		T(test_route_match),
		T(test_reminders_ack_mute_resolve),
		T(test_alertmanager_repost),
		T(test_backoff),
		T(test_outbox_same_transaction),
		T(test_record_outbox),
		T(test_migrate_v4),
		T(test_config_errors),
		T(test_webhook_render),
		T(test_thread_dead_endpoint),
		T(test_min_interval),
		T(test_pace_past_pass),
		T(test_thread_slow_and_stop_flush),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
