/* test_incidents.c - incidents: the state machine over the data cases in
 * tests/incidents/polls.test, and the history side (incidents stored with the
 * run, ack/mute/accept, baselines, two processes acknowledging at once, and
 * migrating a file of the previous schema version). */
#include "unit.h"
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include "lakewatch/history_incidents.h"
#include "lakewatch/util.h"

/* --- the state machine, as data --------------------------------------- */

static const char *event_names[] = {"none", "opened", "escalated",
				    "de-escalated", "resolved"};

/* Run one case (the lines of one block); fail_msg on a mismatch. */
static void run_block(const char *where, char **lines, size_t n)
{
	struct lw_incident inc;
	int resolve_after = 1, poll = 0;
	lw_incident_init(&inc);
	for (size_t i = 0; i < n; i++) {
		char *l = lines[i], st[16], ev[16], what[32];
		enum lw_status s;
		if (sscanf(l, "resolve_after: %d", &resolve_after) == 1)
			continue;
		if (!strncmp(l, "name:", 5))
			continue;
		if (sscanf(l, "poll: %15s -> %15s", st, ev) == 2) {
			if (lw_status_parse(st, &s))
				fail_msg("%s: bad status %s", where, st);
			struct lw_result r = {0};
			lw_result_set(&r, "freshness", s, "7h", "fail 6h",
				      "poll %d", poll);
			enum lw_inc_event got = lw_incident_step(&inc, "ds",
				&r, 1000 + 60 * poll, resolve_after);
			lw_result_free(&r);
			if (strcmp(event_names[got], ev))
				fail_msg("%s: poll %d (%s): event %s, expected "
					 "%s", where, poll + 1, st,
					 event_names[got], ev);
			poll++;
			continue;
		}
		if (sscanf(l, "expect: %31s", what) != 1)
			fail_msg("%s: cannot read '%s'", where, l);
		bool open = lw_incident_is_open(&inc);
		if (!strcmp(what, "none") && inc.dataset)
			fail_msg("%s: expected no incident", where);
		else if (!strcmp(what, "open") && !open)
			fail_msg("%s: expected it open", where);
		else if (!strcmp(what, "resolved") &&
			 (!inc.dataset || !inc.resolved))
			fail_msg("%s: expected it resolved", where);
		else if (!strncmp(what, "polls=", 6) &&
			 inc.polls != atoll(what + 6))
			fail_msg("%s: polls %lld, expected %s", where,
				 (long long)inc.polls, what + 6);
		else if (!strncmp(what, "worst=", 6) &&
			 strcmp(lw_status_name(inc.worst), what + 6))
			fail_msg("%s: worst %s, expected %s", where,
				 lw_status_name(inc.worst), what + 6);
		else if (!strncmp(what, "current=", 8) &&
			 strcmp(lw_status_name(inc.current), what + 8))
			fail_msg("%s: current %s, expected %s", where,
				 lw_status_name(inc.current), what + 8);
	}
	if (inc.dataset && (strcmp(inc.dataset, "ds") ||
			    strcmp(inc.check, "freshness") ||
			    !inc.at_open.message || !inc.now.message))
		fail_msg("%s: incident lost its names or points", where);
	lw_incident_free(&inc);
}

static void test_poll_cases(void **state)
{
	(void)state;
	const char *path = "tests/incidents/polls.test";
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char buf[512], *lines[64], where[64] = "";
	size_t n = 0;
	int ln = 0, cases = 0;
	for (;;) {
		char *got = fgets(buf, sizeof buf, f);
		ln++;
		if (got) {
			buf[strcspn(buf, "\r\n")] = '\0';
			if (buf[0] == '#')
				continue;
		}
		if (!got || !buf[0]) {
			if (n) {
				run_block(where, lines, n);
				cases++;
			}
			for (size_t i = 0; i < n; i++)
				free(lines[i]);
			n = 0;
			if (!got)
				break;
			continue;
		}
		if (!n)
			snprintf(where, sizeof where, "polls.test:%d", ln);
		assert_true(n < 64);
		lines[n++] = lw_xstrdup(buf);
	}
	fclose(f);
	assert_true(cases >= 7);
}

/* --- the history side -------------------------------------------------- */

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/lw_test_incidents_XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("USER", "ann", 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *path_of(const char *name)
{
	return lw_xasprintf("%s/%s", dir, name);
}

static int64_t sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* One poll of dataset "ds" with one "change" result, the way the engine
 * does it: load the open incident, step it, record it with the results.
 * Returns the incident id after the poll (0 when none). */
static int64_t poll(struct lw_history *h, int64_t at, enum lw_status st,
		    int64_t rows, const char *col)
{
	struct lw_err err = {0};
	struct lw_obs o;
	struct lw_result r = {0};
	struct lw_incident *open = NULL, inc;
	size_t nopen = 0;
	int64_t run, id = 0;
	int ev, counts[LW_NSTATUS] = {0};

	assert_int_equal(lw_history_begin_run(h, at, "t", &run, &err), LW_OK);
	lw_obs_init(&o);
	o.at = at;
	o.rows = rows;
	o.has_schema = true;
	lw_schema_add(&o.schema, "id", LW_T_INT64, NULL);
	if (col)
		lw_schema_add(&o.schema, col, LW_T_STRING, NULL);
	lw_result_set(&r, "change", st, "-60%", "drop fail 50%", "dropped");
	assert_int_equal(lw_history_open_incidents(h, "ds", NULL, at, &open,
						   &nopen, &err), LW_OK);
	assert_true(nopen <= 1);
	lw_incident_init(&inc);
	if (nopen) {
		inc = open[0];
		lw_incident_init(&open[0]);
	}
	lw_incidents_free(open, nopen);
	ev = lw_incident_step(&inc, "ds", &r, at, 1);
	assert_int_equal(lw_history_record_incidents(h, run, "ds", &o, &r, 1,
		st, &inc, &ev, 1, &id, &err), LW_OK);
	counts[st]++;
	assert_int_equal(lw_history_end_run(h, run, at, counts, &err), LW_OK);
	lw_incident_free(&inc);
	lw_result_free(&r);
	lw_obs_free(&o);
	return id;
}

static void test_stored_across_polls(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_incident *v;
	size_t n;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(poll(h, 100, LW_PASS, 1000, NULL), 0);
	int64_t id = poll(h, 200, LW_FAIL, 400, NULL);
	assert_true(id > 0);
	assert_int_equal(poll(h, 300, LW_FAIL, 400, NULL), id);
	assert_int_equal(lw_history_open_incidents(h, "ds", "change", 300, &v,
						   &n, &err), LW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].opened, 200);
	assert_int_equal(v[0].last_seen, 300);
	assert_int_equal(v[0].polls, 2);
	assert_string_equal(v[0].at_open.measured, "-60%");
	assert_string_equal(v[0].now.threshold, "drop fail 50%");
	lw_incidents_free(v, n);
	assert_int_equal(poll(h, 400, LW_PASS, 1000, NULL), id);
	assert_int_equal(lw_history_open_incidents(h, "ds", NULL, 400, &v, &n,
						   &err), LW_OK);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(lw_history_incidents(h, NULL, false, 400, 10, &v, &n,
					      &err), LW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].resolved, 400);
	lw_incidents_free(v, n);
	struct lw_hinc_event *e;
	assert_int_equal(lw_history_incident_events(h, id, 10, &e, &n, &err),
			 LW_OK);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].kind, "resolved");
	assert_string_equal(e[1].kind, "opened");
	assert_int_equal(e[1].from, LW_PASS);
	assert_int_equal(e[1].to, LW_FAIL);
	lw_hinc_events_free(e, n);
	/* the merged timeline: status changes and incident events */
	struct lw_hevent *tl;
	assert_int_equal(lw_history_timeline(h, "ds", 10, &tl, &n, &err),
			 LW_OK);
	assert_int_equal(n, 4);
	assert_string_equal(tl[0].message, "incident #1 resolved: dropped");
	assert_int_equal(tl[1].to, LW_PASS);	/* dataset back to PASS */
	assert_int_equal(tl[3].from, LW_PASS);	/* dataset PASS -> FAIL */
	assert_int_equal(tl[3].to, LW_FAIL);
	lw_hevents_free(tl, n);
	lw_history_close(h);
	free(p);
}

static void test_ack_and_resolved_ack(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_incident *v;
	size_t n;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(lw_history_ack(h, "ds", NULL, "ann", NULL, 50, &v, &n,
					&err), LW_ENOTFOUND);
	int64_t id = poll(h, 100, LW_FAIL, 400, NULL);
	assert_int_equal(lw_history_ack(h, "ds", NULL, "ann", "on it", 150, &v,
					&n, &err), LW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, id);
	assert_int_equal(v[0].resolved, 0);
	lw_incidents_free(v, n);
	/* the ack survives the next poll */
	assert_int_equal(poll(h, 200, LW_FAIL, 400, NULL), id);
	assert_int_equal(lw_history_open_incidents(h, "ds", NULL, 200, &v, &n,
						   &err), LW_OK);
	assert_string_equal(v[0].acked_by, "ann");
	assert_string_equal(v[0].ack_note, "on it");
	lw_incidents_free(v, n);
	/* resolved in the meantime: acked anyway, and it says so */
	poll(h, 300, LW_PASS, 1000, NULL);
	assert_int_equal(lw_history_ack(h, "ds", "change", "bob", NULL, 350,
					&v, &n, &err), LW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].resolved, 300);
	lw_incidents_free(v, n);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM acks"), 2);
	lw_history_close(h);
	free(p);
}

static void test_mute(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	int64_t until;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(lw_history_mute(h, "ds", NULL, "ann", 100, 200, &err),
			 LW_OK);
	assert_int_equal(lw_history_mute(h, "other", "schema", "ann", 100, 500,
					 &err), LW_OK);
	assert_int_equal(lw_history_muted_until(h, "ds", "change", 150, &until,
						&err), LW_OK);
	assert_int_equal(until, 200);
	assert_int_equal(lw_history_muted_until(h, "ds", "change", 200, &until,
						&err), LW_OK);
	assert_int_equal(until, 0);	/* the mute has ended */
	assert_int_equal(lw_history_muted_until(h, "other", "change", 150,
						&until, &err), LW_OK);
	assert_int_equal(until, 0);	/* another check */
	lw_history_close(h);
	free(p);
}

/* unmute ends a mute now, says who and when; a check's unmute leaves a
 * mute of every check in force; nothing muted is LW_ENOTFOUND. */
static void test_unmute(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	int64_t until;
	int ended = -1;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(lw_history_mute(h, "ds", NULL, "ann", 100, 900, &err),
			 LW_OK);
	assert_int_equal(lw_history_mute(h, "ds", "schema", "ann", 100, 800,
					 &err), LW_OK);
	assert_int_equal(lw_history_unmute(h, "ds", "schema", "bob", 150,
					   &ended, &err), LW_OK);
	assert_int_equal(ended, 1);
	assert_int_equal(lw_history_muted_until(h, "ds", "schema", 160, &until,
						&err), LW_OK);
	assert_int_equal(until, 900);	/* the mute of every check */
	assert_int_equal(lw_history_unmute(h, "ds", NULL, "bob", 200, &ended,
					   &err), LW_OK);
	assert_int_equal(ended, 1);	/* the check's one has ended already */
	assert_int_equal(lw_history_muted_until(h, "ds", "schema", 200, &until,
						&err), LW_OK);
	assert_int_equal(until, 0);
	assert_int_equal(lw_history_unmute(h, "ds", NULL, "bob", 300, &ended,
					   &err), LW_ENOTFOUND);
	assert_int_equal(ended, 0);
	assert_non_null(strstr(err.msg, "ds is not muted"));
	lw_history_close(h);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM mutes WHERE "
				 "ended_by = 'bob'"), 2);
	assert_int_equal(sql_int(p, "SELECT ended_at FROM mutes WHERE "
				 "check_name IS NULL"), 200);
	assert_int_equal(sql_int(p, "SELECT until FROM mutes WHERE "
				 "check_name = 'schema'"), 150);
	free(p);
}

static void test_baselines_and_accept(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_baseline b;
	char *what;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	poll(h, 100, LW_PASS, 1000, "note");
	poll(h, 200, LW_PASS, 1100, "note");
	poll(h, 300, LW_PASS, 900, "note");
	poll(h, 400, LW_FAIL, 400, NULL);	/* a bad poll: not a baseline */
	assert_int_equal(lw_history_baseline(h, "ds", 0, &b, &err), LW_OK);
	assert_true(b.has_rows);
	assert_true(b.rows == 1000);		/* median of 1000, 1100, 900 */
	assert_string_equal(b.rows_from, "median of the last 3 passing polls");
	assert_true(b.has_schema);
	assert_int_equal(b.schema.n, 2);	/* the first observed */
	assert_non_null(strstr(b.schema_from, "first seen"));
	lw_baseline_free(&b);
	/* accept the last observation: its schema and row count */
	assert_int_equal(lw_history_accept(h, "ds", NULL, "ann", 450, &what,
					   &err), LW_OK);
	assert_string_equal(what, "schema of 1 columns and 400 rows");
	free(what);
	assert_int_equal(lw_history_baseline(h, "ds", 0, &b, &err), LW_OK);
	assert_true(b.rows == 400);
	assert_int_equal(b.schema.n, 1);
	assert_non_null(strstr(b.schema_from, "accepted by ann"));
	lw_baseline_free(&b);
	/* undo: back to the first schema and the median */
	assert_int_equal(lw_history_accept_undo(h, "ds", NULL, 500, &err),
			 LW_OK);
	assert_int_equal(lw_history_accept_undo(h, "ds", NULL, 500, &err),
			 LW_ENOTFOUND);
	assert_int_equal(lw_history_baseline(h, "ds", 0, &b, &err), LW_OK);
	assert_true(b.rows == 1000);
	assert_int_equal(b.schema.n, 2);
	lw_baseline_free(&b);
	assert_int_equal(lw_history_accept(h, "nothing", NULL, "ann", 450,
					   &what, &err), LW_ENOTFOUND);
	lw_history_close(h);
	/* a damaged old row does not stop baselines: the next one serves */
	sql_exec(p, "UPDATE observations SET obs = '{broken' WHERE id = 1");
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(lw_history_baseline(h, "ds", 0, &b, &err), LW_OK);
	assert_true(b.has_schema);
	assert_non_null(strstr(b.schema_from, "first seen at 1970-01-01T00:03:20Z"));
	lw_baseline_free(&b);
	lw_history_close(h);
	free(p);
}

#define ACKS 40

static int acker(const char *p, const char *user)
{
	struct lw_history *h;
	struct lw_err err = {0};
	if (lw_history_open(p, false, &h, &err))
		return 1;
	for (int i = 0; i < ACKS; i++) {
		struct lw_incident *v;
		size_t n;
		if (lw_history_ack(h, "ds", NULL, user, NULL, 1000 + i, &v, &n,
				   &err)) {
			fprintf(stderr, "%s: %s\n", user, err.msg);
			lw_history_close(h);
			return 1;
		}
		lw_incidents_free(v, n);
		/* and accepting, interleaved with it */
		char *what = NULL;
		if (lw_history_accept(h, "ds", NULL, user, 1000 + i, &what,
				      &err)) {
			fprintf(stderr, "%s: %s\n", user, err.msg);
			lw_history_close(h);
			return 1;
		}
		free(what);
	}
	lw_history_close(h);
	return 0;
}

/* Two processes acknowledging and accepting at once: every
 * acknowledgement and every accept lands, each with its user. */
static void test_two_ackers(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	int status;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	poll(h, 100, LW_FAIL, 400, NULL);
	lw_history_close(h);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(acker(p, "child"));
	assert_int_equal(acker(p, "parent"), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM acks"), 2 * ACKS);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM accepts"), 2 * ACKS);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM accepts WHERE user "
				 "= 'child'"), ACKS);
	free(p);
}

/* A version-1 file: what this build makes, less the version-2 tables and
 * the version-3 indexes and the version-4 series_snap. */
/* history.retention: a resolved incident older than the cut goes with its
 * events and acks, an open one stays however old; an ended mute goes; an
 * accept taken back before the cut goes, the accept in force stays (it is
 * the baseline, however old); what the rule trains on goes with its runs. */
static void test_retention(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_incident *v;
	char *what = NULL;
	size_t n;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	int64_t old = poll(h, 100, LW_FAIL, 400, NULL);
	assert_int_equal(lw_history_ack(h, "ds", NULL, "ann", "x", 110, &v, &n,
					&err), LW_OK);
	lw_incidents_free(v, n);
	poll(h, 200, LW_PASS, 1000, NULL);		/* resolved at 200 */
	assert_int_equal(lw_history_mute(h, "ds", NULL, "ann", 150, 250, &err),
			 LW_OK);
	assert_int_equal(lw_history_accept(h, "ds", NULL, "ann", 210, &what,
					   &err), LW_OK);
	free(what);
	assert_int_equal(lw_history_accept(h, "ds", NULL, "bob", 220, &what,
					   &err), LW_OK);
	free(what);
	assert_int_equal(lw_history_accept_undo(h, "ds", NULL, 230, &err),
			 LW_OK);			/* bob's taken back */
	int64_t cur = poll(h, 1000, LW_FAIL, 400, NULL);	/* open */
	assert_true(cur > old);
	assert_int_equal(lw_history_prune(h, 900, &err), LW_OK);
	lw_history_close(h);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM incidents"), 1);
	assert_int_equal(sql_int(p, "SELECT id FROM incidents"), cur);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM incident_events "
				 "WHERE incident NOT IN (SELECT id FROM "
				 "incidents)"), 0);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM acks"), 0);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM mutes"), 0);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM accepts"), 1);
	assert_int_equal(sql_int(p, "SELECT undone IS NULL FROM accepts"), 1);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM observations"), 1);
	/* the accept in force still holds the baseline */
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	struct lw_baseline b;
	assert_int_equal(lw_history_baseline(h, "ds", 0, &b, &err), LW_OK);
	assert_true(b.has_schema);
	assert_non_null(strstr(b.schema_from, "ann"));
	lw_baseline_free(&b);
	lw_history_close(h);
	free(p);
}

static void make_v1(const char *p)
{
	struct lw_history *h;
	struct lw_err err = {0};
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	poll(h, 100, LW_PASS, 1000, "note");
	poll(h, 200, LW_FAIL, 400, NULL);
	lw_history_close(h);
	sql_exec(p, "DROP TABLE incidents; DROP TABLE incident_events; "
		 "DROP TABLE acks; DROP TABLE mutes; DROP TABLE accepts; "
		 "DROP INDEX obs_metric; DROP INDEX results_verdict; "
		 "DROP TABLE series_snap; DROP TABLE outbox; "
		 "DROP TABLE outbox_notices; DROP TABLE notify_sent; "
		 "DROP TABLE file_cache; DROP TABLE file_cache_scope; "
		 /* schema 7: the runs' owner */
		 "DROP INDEX runs_aborted; DROP INDEX runs_open; ALTER TABLE runs "
		 "DROP COLUMN pid; ALTER TABLE runs DROP COLUMN pid_start; "
		 "ALTER TABLE runs DROP COLUMN host; ALTER TABLE runs DROP "
		 "COLUMN aborted; DROP TABLE pipeline_runs; PRAGMA user_version=1");
}

static void test_migrate_from_v1(void **state)
{
	char *p = path_of("old.db");
	struct lw_history *h;
	struct lw_err err = {0};
	(void)state;

	make_v1(p);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_master "
				 "WHERE name = 'incidents'"), 0);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	lw_history_close(h);
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 10);
	/* every run kept */
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs"), 2);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM observations"), 2);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM results"), 2);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM incidents"), 0);
	/* and it works afterwards */
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_true(poll(h, 300, LW_FAIL, 400, NULL) > 0);
	lw_history_close(h);
	free(p);
}

/* A version-4 file (mutes without ended_by/ended_at) migrates to 5 and
 * keeps its mutes, which unmute can then end. */
static void test_migrate_mutes_ended(void **state)
{
	char *p = path_of("v4.db");
	struct lw_history *h;
	struct lw_err err = {0};
	int ended = 0;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	poll(h, 100, LW_FAIL, 400, NULL);
	assert_int_equal(lw_history_mute(h, "ds", NULL, "ann", 100, 900, &err),
			 LW_OK);
	lw_history_close(h);
	sql_exec(p, "ALTER TABLE mutes DROP COLUMN ended_by; ALTER TABLE "
		 "mutes DROP COLUMN ended_at; DROP TABLE pipeline_runs; "
		 "PRAGMA user_version=7");
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(lw_history_unmute(h, "ds", NULL, "bob", 200, &ended,
					   &err), LW_OK);
	assert_int_equal(ended, 1);
	lw_history_close(h);
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 10);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs"), 1);
	assert_int_equal(sql_int(p, "SELECT ended_at FROM mutes"), 200);
	free(p);
}

/* A migration that fails (here: a table of that name is already there)
 * leaves the file as it was. */
static void test_failed_migration_untouched(void **state)
{
	char *p = path_of("old.db");
	struct lw_history *h;
	struct lw_err err = {0};
	(void)state;

	make_v1(p);
	sql_exec(p, "CREATE TABLE acks(x); INSERT INTO acks VALUES (42)");
	assert_int_not_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_null(h);
	assert_non_null(strstr(err.msg, "migrating from version 1 to 10 "
			       "failed (rolled back: its tables and rows are "
			       "as they were)"));
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 1);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_master "
				 "WHERE name = 'incidents'"), 0);
	assert_int_equal(sql_int(p, "SELECT x FROM acks"), 42);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs"), 2);
	free(p);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poll_cases),
		T(test_stored_across_polls),
		T(test_ack_and_resolved_ack),
		T(test_mute),
		T(test_unmute),
		T(test_migrate_mutes_ended),
		T(test_retention),
		T(test_baselines_and_accept),
		T(test_two_ackers),
		T(test_migrate_from_v1),
		T(test_failed_migration_untouched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
