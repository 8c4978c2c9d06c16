/* anomaly.c - the labelled benchmark of the `anomaly` rule's detector.
 *
 * Generates metric series like this lake's (hourly and daily loads with
 * weekly seasonality, growing tables, small noisy tables, accepted step
 * changes, holidays, arrival times), injects anomalies at known points
 * (drops, spikes, silent zero loads, late arrivals), replays every series
 * poll by poll through the real detector (lw_anomaly_judge) and through a
 * plain z-score detector (|z| >= 3 over the last 14 days), and prints per
 * series kind and overall: precision, recall, F1, false alarms per 1,000
 * polls and detection delay in polls. Deterministic: a seeded PRNG.
 *
 *   bench/run.sh anomaly        (or build/bench/anomaly [seeds])
 *   build/bench/anomaly history [datasets] [days]
 *       the cost the rule adds to a poll: a history of hourly polls of
 *       that many datasets (1,000 x 90 days by default) in $TMPDIR, then
 *       in the same run a poll the old way (the 42-day window re-read,
 *       `auto` fitting four models), the first poll through the kept
 *       series (every row written), a day of hourly polls through it
 *       (an observation added per dataset each, recorded through the
 *       same handle as a real poll's; LW_BENCH_OTHER=1 writes them from
 *       a second connection instead, as another process would), one
 *       poll through a handle opened for it (a one-shot `lakewatch
 *       check`) and the old way again (LW_BENCH_KEEP=1 keeps that
 *       history as built, FILE.built; LW_BENCH_FROM=FILE.built starts
 *       from a copy of it, to profile the polls alone)
 *   LW_BENCH_DEBUG=KIND (0-6) prints that kind's false alarms
 *
 * Scoring: an alarm is a WARN or FAIL. Precision counts alarms on labelled
 * points; recall counts labelled events (1-6 consecutive points) with at
 * least one alarm; delay is polls from an event's first point to its first
 * alarm. Holidays and accepted steps are labelled normal: alarms there are
 * false. The replay does what the engine does: points judged anomalous are
 * flagged (left out of training); an alarm on a legitimate step is
 * accepted by the "operator" (LW_PT_ACCEPTED), as a person would accept it
 * in the dashboard. The z-score has no such memory. The rule is replayed
 * twice: choosing its seasonality afresh every poll, and choosing it at
 * most once a day as `lakewatch check` does with the season the history
 * keeps.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>
#include "lakewatch/anomaly.h"
#include "lakewatch/config.h"
#include "lakewatch/history.h"
#include "lakewatch/util.h"

#define DAY 86400
#define HOUR 3600
#define T0 1767571200	/* 2026-01-05, a Monday */

enum kind {
	K_HOURLY, K_DAILY, K_GROWING, K_SMALL, K_STEP, K_HOLIDAY, K_ARRIVAL,
	NKINDS
};
static const char *const kind_names[NKINDS] = {
	"hourly load", "daily load", "growing rows", "small noisy",
	"step change", "holidays", "arrival time"
};

struct gen {
	struct lw_point *p;
	int *label;		/* 0 normal, >0 event id, -1 legit (step/holiday) */
	size_t n;
	int events;
	int64_t step;		/* seconds per poll */
	bool step_change;
	int season;		/* kept mode: 1 + the season picked, 0 none */
	int64_t picked;		/* when */
	struct lw_holidays cal;	/* the holidays, as the config gives them */
};

/* Kept mode (the second run of the rule): seasonality `auto` chosen at
 * most once a day, as `lakewatch check` does with the season the history
 * keeps (history/series.c). */
static bool kept_mode;

static uint64_t rng_state;

static double urand(void)	/* splitmix64 -> [0,1) */
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static double nrand(void)
{
	double u = urand(), v = urand();
	return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

static double hour_shape(int h)
{
	return h < 6 ? 0.25 : h < 9 ? 0.6 : h < 18 ? 1.0 : h < 22 ? 0.7 : 0.35;
}

/* The normal value of kind k at poll i (time t). */
static double normal_value(enum kind k, size_t i, int64_t t, double *level)
{
	int dow = lw_season_bucket(LW_SEAS_DOW, t);
	int h = lw_season_bucket(LW_SEAS_HOUR, t);
	double days = (double)(t - T0) / DAY, wk = dow >= 5 ? 0.45 : 1.0;
	switch (k) {
	case K_HOURLY:
		return 50000 * hour_shape(h) * wk * (1 + 0.004 * days) *
		       exp(0.06 * nrand());
	case K_DAILY:
	case K_HOLIDAY:
		return 1.2e6 * wk * (1 + 0.003 * days) * exp(0.05 * nrand());
	case K_GROWING:
		*level += 40000 * (1 + 0.01 * days) * exp(0.1 * nrand());
		return *level;
	case K_SMALL:
		return fmax(0, 30 * wk + 7 * nrand());
	case K_STEP:
		return 8e5 * wk * (i >= 60 ? 1.6 : 1.0) * exp(0.05 * nrand());
	case K_ARRIVAL:
		return 3 * HOUR + 600 + (dow >= 5 ? 1800 : 0) + 360 * nrand();
	default:
		return 0;
	}
}

/* One anomaly applied to a normal value. */
static double inject(enum kind k, int type, double v, double prev)
{
	if (k == K_ARRIVAL)
		return v + HOUR * (1.5 + 2.5 * (type / 3.0));
	if (k == K_GROWING)	/* a truncation, or a double load */
		return type == 0 ? prev * 0.6 : type == 1 ? v + (v - prev) * 3
		       : prev;
	return type == 0 ? v * 0.35 : type == 1 ? v * 2.4 : 0;
}

/* The generator's holidays as a config's "holidays" calendar, read by
 * the config's own parser (lw_config_holidays), exactly as a dataset's
 * would be; their points marked as the check marks them. */
static void calendar(struct gen *g)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(root, "holidays");
	for (size_t i = 0; i < g->n; i++)
		if (g->label[i] == -1 && !g->step_change) {
			char d[24];
			lw_holiday_fmt(g->p[i].t, d, sizeof d);
			cJSON_AddItemToArray(arr, cJSON_CreateString(d));
		}
	struct lw_cfgctx cc;
	lw_cfgctx_init(&cc, "bench", NULL);
	memset(&g->cal, 0, sizeof g->cal);
	if (cJSON_GetArraySize(arr) &&
	    lw_config_holidays(&cc, root, &g->cal) != LW_OK) {
		fprintf(stderr, "holidays: %.*s\n", (int)cc.errors.len,
			cc.errors.data);
		exit(1);
	}
	lw_cfgctx_free(&cc);
	cJSON_Delete(root);
	lw_anomaly_mark_holidays(g->p, g->n, NULL, &g->cal);
}

static void generate(enum kind k, struct gen *g)
{
	bool hourly = k == K_HOURLY;
	int days = 90;
	g->step = hourly ? HOUR : DAY;
	g->n = hourly ? (size_t)days * 24 : (size_t)days;
	g->p = lw_xcalloc(g->n, sizeof *g->p);
	g->label = lw_xcalloc(g->n, sizeof *g->label);
	g->events = 0;
	g->step_change = k == K_STEP;
	double level = 5e6, prev = level;
	size_t warm = hourly ? 14 * 24 : 21;
	size_t next = warm + (size_t)(urand() * (hourly ? 120 : 8));
	int left = 0, type = 0;
	for (size_t i = 0; i < g->n; i++) {
		int64_t t = T0 + (int64_t)i * g->step + (hourly ? 0 : 9 * HOUR);
		double v = normal_value(k, i, t, &level);
		if (k == K_HOLIDAY && (i == 35 || i == 52 || i == 77)) {
			v *= 0.3;	/* public holidays: quiet, not wrong */
			g->label[i] = -1;
		}
		if (k == K_STEP && i == 60)
			g->label[i] = -1;
		if (i == next && g->label[i] == 0) {
			g->events++;
			left = 1 + (int)(urand() * (hourly ? 6 : 3));
			type = (int)(urand() * 3);
			next = i + (size_t)((hourly ? 170 : 9) +
					    urand() * (hourly ? 120 : 6));
		} else if (i == next) {
			next++;
		}
		if (left > 0) {
			v = inject(k, type, v, prev);
			g->label[i] = g->events;
			left--;
		}
		if (k == K_GROWING && g->label[i] == 0)
			level = v;
		prev = k == K_GROWING ? level : v;
		g->p[i].t = t;
		g->p[i].v = v;
	}
}

struct score {
	long alarms, true_alarms, false_alarms, polls;
	long events, detected, delay_sum;
};

/* The z-score baseline: mean and sd of the last 14 days, all points. */
static bool zscore_alarm(const struct gen *g, size_t i)
{
	double s = 0, s2 = 0;
	long c = 0;
	for (size_t j = 0; j < i; j++)
		if (g->p[j].t >= g->p[i].t - 14 * DAY) {
			s += g->p[j].v;
			s2 += g->p[j].v * g->p[j].v;
			c++;
		}
	if (c < 14)
		return false;
	double m = s / (double)c, var = s2 / (double)c - m * m;
	double sd = var > 0 ? sqrt(var) : 0;
	return sd > 0 && fabs(g->p[i].v - m) / sd >= 3;
}

/* The operator of a legitimate step accepts its first alarm at or after
 * the step's first point (label -1), whichever poll that alarm comes on,
 * as a person paged for it would; an alarm on an injected anomaly (label
 * > 0) is never accepted, and one acceptance is all a step gets. acc:
 * whether a point before i was accepted already. */
static bool operator_accepts(const struct gen *g, size_t i, bool acc)
{
	if (!g->step_change || acc || g->label[i] > 0)
		return false;
	for (size_t j = 0; j <= i; j++)
		if (g->label[j] == -1)
			return true;
	return false;
}

static bool model_alarm(struct gen *g, size_t i, enum kind k)
{
	struct lw_anomaly_params p = {
		.season = LW_SEAS_AUTO, .window = 42 * DAY, .min_points = 14,
		.sensitivity = 3, .min_abs = k == K_ARRIVAL ? 600 : 10,
		.min_pct = k == K_ARRIVAL ? 0 : k == K_GROWING ? 1 : 5,
		.direction = k == K_ARRIVAL ? LW_AD_SPIKE : LW_AD_BOTH,
	};
	struct lw_verdict vd;
	if (lw_holiday_on(&g->cal, g->p[i].t))
		return false;	/* "holiday 2026-02-09: not judged" */
	bool acc = false;	/* as the check: not across an accepted step */
	for (size_t j = 0; j < i; j++)
		acc = acc || (g->p[j].flags & LW_PT_ACCEPTED) != 0;
	if (kept_mode && k != K_ARRIVAL && !acc) {
		if (!g->season || g->p[i].t - g->picked >= DAY) {
			g->season = 1 + (int)lw_anomaly_pick_season(g->p, i,
				g->p[i].t, p.window);
			g->picked = g->p[i].t;
		}
		p.season = (enum lw_season)(g->season - 1);
	}
	lw_anomaly_judge(&p, g->p, i, g->p[i].t, g->p[i].v, &vd);
	bool alarm = vd.status >= LW_WARN;
	if (alarm && g->label[i] == 0 && getenv("LW_BENCH_DEBUG") &&
	    atoi(getenv("LW_BENCH_DEBUG")) == (int)k)	/* a false alarm */
		fprintf(stderr, "%s poll %zu: %.0f outside %.0f-%.0f (expected "
			"%.0f, season %s, slope %.0f/day, %zu trained)\n",
			kind_names[k], i, g->p[i].v, vd.lo, vd.hi,
			vd.expected, lw_season_name(vd.season), vd.slope,
			vd.trained);
	if (alarm)
		g->p[i].flags |= operator_accepts(g, i, acc) ?
			LW_PT_ACCEPTED : LW_PT_ANOMALOUS;
	return alarm;
}

static void replay(struct gen *g, enum kind k, bool model, struct score *s)
{
	size_t warm = g->step == HOUR ? 14 * 24 : 14;
	int cur = 0;
	bool hit = false;
	size_t start = 0;
	for (size_t i = warm; i < g->n; i++) {
		bool a = model ? model_alarm(g, i, k) : zscore_alarm(g, i);
		int l = g->label[i];
		s->polls++;
		if (l > 0 && l != cur) {
			cur = l;
			hit = false;
			start = i;
			s->events++;
		}
		if (!a)
			continue;
		s->alarms++;
		if (l > 0) {
			s->true_alarms++;
			if (!hit) {
				hit = true;
				s->detected++;
				s->delay_sum += (long)(i - start);
			}
		} else {
			s->false_alarms++;
		}
	}
}

static void add(struct score *a, const struct score *b)
{
	a->alarms += b->alarms;
	a->true_alarms += b->true_alarms;
	a->false_alarms += b->false_alarms;
	a->polls += b->polls;
	a->events += b->events;
	a->detected += b->detected;
	a->delay_sum += b->delay_sum;
}

static double f1(const struct score *s, double *p, double *r)
{
	*p = s->alarms ? (double)s->true_alarms / (double)s->alarms : 0;
	*r = s->events ? (double)s->detected / (double)s->events : 0;
	return *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}

static void row(const char *name, const struct score *s)
{
	double p, r, f = f1(s, &p, &r);
	printf("| %-13s | %5ld | %4ld | %9.2f | %6.2f | %4.2f | %7.1f | %5.2f |\n",
	       name, s->polls, s->events, p, r, f,
	       s->polls ? 1000.0 * (double)s->false_alarms / (double)s->polls
	       : 0, s->detected ? (double)s->delay_sum / (double)s->detected
	       : 0);
}

static void table(const char *title, const struct score *sc)
{
	struct score all = {0};
	printf("\n%s\n\n| series kind   | polls | events | precision | recall "
	       "|   F1 | false/1k | delay |\n|---|---:|---:|---:|---:|---:|"
	       "---:|---:|\n", title);
	for (int k = 0; k < NKINDS; k++) {
		row(kind_names[k], &sc[k]);
		add(&all, &sc[k]);
	}
	row("overall", &all);
}

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double mono(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* This process's CPU time: on a machine shared with other jobs the wall
 * clock mostly measures waiting for a core. */
static double cpu(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

/* Runs, observations and anomaly results straight into a fresh history
 * (created by lw_history_open, so the schema and indexes are the real
 * ones), in one transaction. */
static int fill_history(const char *path, int nds, int days, int64_t now)
{
	struct lw_history *h;
	struct lw_err err;
	if (lw_history_open(path, false, &h, &err) != LW_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	lw_history_close(h);
	sqlite3 *db;
	sqlite3_stmt *ru, *ob, *re;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	/* a page cache that holds the indexes: the rows go in by time,
	 * the indexes by dataset (building takes minutes, not an hour) */
	sqlite3_exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000;"
		     " BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO runs(id, started, finished) "
			   "VALUES (?1, ?2, ?2)", -1, &ru, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO observations(run, dataset, at, ok, "
			   "files, bytes, rows, newest, status) VALUES "
			   "(?1, ?2, ?3, 1, 10, 1000000, ?4, ?3 - 600, 0)", -1,
			   &ob, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO results(run, dataset, check_name, "
			   "status) VALUES (?1, ?2, 'anomaly', 0)", -1, &re,
			   NULL);
	int polls = days * 24;
	for (int r = 1; r <= polls; r++) {
		int64_t at = now - (int64_t)(polls - r + 1) * HOUR;
		sqlite3_bind_int(ru, 1, r);
		sqlite3_bind_int64(ru, 2, at);
		sqlite3_step(ru);
		sqlite3_reset(ru);
		for (int d = 0; d < nds; d++) {
			char name[32];
			snprintf(name, sizeof name, "silver.table_%04d", d);
			sqlite3_bind_int(ob, 1, r);
			sqlite3_bind_text(ob, 2, name, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ob, 3, at);
			sqlite3_bind_int64(ob, 4, 1000000 + (int64_t)r * 500 +
					   (int64_t)(urand() * 200));
			sqlite3_step(ob);
			sqlite3_reset(ob);
			sqlite3_bind_int(re, 1, r);
			sqlite3_bind_text(re, 2, name, -1, SQLITE_TRANSIENT);
			sqlite3_step(re);
			sqlite3_reset(re);
		}
	}
	sqlite3_finalize(ru);
	sqlite3_finalize(ob);
	sqlite3_finalize(re);
	int rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* One poll's rows for every dataset: a run at `at`, an observation and a
 * passing anomaly result each, through db (a second connection). */
static void add_poll(sqlite3 *db, int nds, int r, int64_t at)
{
	sqlite3_stmt *ru, *ob, *re;
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO runs(id, started, finished) "
			   "VALUES (?1, ?2, ?2)", -1, &ru, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO observations(run, dataset, at, ok, "
			   "files, bytes, rows, newest, status) VALUES "
			   "(?1, ?2, ?3, 1, 10, 1000000, ?4, ?3 - 600, 0)", -1,
			   &ob, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO results(run, dataset, check_name, "
			   "status) VALUES (?1, ?2, 'anomaly', 0)", -1, &re,
			   NULL);
	sqlite3_bind_int(ru, 1, r);
	sqlite3_bind_int64(ru, 2, at);
	sqlite3_step(ru);
	for (int d = 0; d < nds; d++) {
		char name[32];
		snprintf(name, sizeof name, "silver.table_%04d", d);
		sqlite3_bind_int(ob, 1, r);
		sqlite3_bind_text(ob, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ob, 3, at);
		sqlite3_bind_int64(ob, 4, 1000000 + (int64_t)r * 500 +
				   (int64_t)(urand() * 200));
		sqlite3_step(ob);
		sqlite3_reset(ob);
		sqlite3_bind_int(re, 1, r);
		sqlite3_bind_text(re, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_step(re);
		sqlite3_reset(re);
	}
	sqlite3_finalize(ru);
	sqlite3_finalize(ob);
	sqlite3_finalize(re);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

/* The same poll as a real one records it: through the history handle h
 * the rule reads with (lw_history_record), so h's page cache stays valid,
 * as it does for `lakewatch watch` or the dashboard. (add_poll writes from
 * a second connection, as another process would: SQLite then drops h's
 * whole page cache at its next read; LW_BENCH_OTHER=1.) */
static void add_poll_h(struct lw_history *h, int nds, int r, int64_t at)
{
	struct lw_err err;
	int64_t run;
	int counts[LW_NSTATUS] = {0};
	if (lw_history_begin_run(h, at, "bench", &run, &err) != LW_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	for (int d = 0; d < nds; d++) {
		char name[32];
		struct lw_obs o;
		struct lw_result res;
		snprintf(name, sizeof name, "silver.table_%04d", d);
		lw_obs_init(&o);
		o.at = at;
		o.files = 10;
		o.bytes = 1000000;
		o.rows = 1000000 + (int64_t)r * 500 + (int64_t)(urand() * 200);
		o.newest_mtime = at - 600;
		memset(&res, 0, sizeof res);
		lw_result_set(&res, "anomaly", LW_PASS, "m", "t", "x");
		if (lw_history_record(h, run, name, &o, &res, 1, LW_PASS,
				      &err) != LW_OK)
			fprintf(stderr, "%s\n", err.msg);
		counts[LW_PASS]++;
		lw_obs_free(&o);
		lw_result_free(&res);
	}
	if (lw_history_end_run(h, run, at, counts, &err) != LW_OK)
		fprintf(stderr, "%s\n", err.msg);
}

struct cost {
	double q, j;		/* CPU seconds: series reads, verdicts */
	size_t points;
	int alarms;
};

/* One poll of nds datasets at `now`, as the engine judges it: before (the
 * window re-read from the index, `auto` choosing among four fits every
 * time) or kept (lw_series_cache_get: the kept row plus the observations
 * since, and the seasonality the history picked lately). */
static void one_poll(struct lw_history *h, int nds, int64_t now, bool kept,
		     struct cost *c)
{
	struct lw_anomaly_params p = {.season = LW_SEAS_AUTO,
		.window = 42 * DAY, .min_points = 14, .sensitivity = 3,
		.direction = LW_AD_BOTH};
	struct lw_err err;
	struct lw_series_cache sc;	/* one per poll, as the engine's */
	lw_series_cache_init(&sc, h, 0);
	for (int d = 0; d < nds; d++) {
		char name[32];
		snprintf(name, sizeof name, "silver.table_%04d", d);
		struct lw_point *pts = NULL;
		size_t n = 0;
		struct lw_anomaly_params pp = p;
		double a = cpu();
		if (kept) {
			const struct lw_series *s = lw_series_cache_get(&sc,
				name, LW_M_LOAD, now - p.window);
			pts = (struct lw_point *)s->pts;
			n = s->n;
			if (s->season > 0)
				pp.season = (enum lw_season)(s->season - 1);
		} else if (lw_history_metric_series(h, name, LW_M_LOAD,
						    now - p.window, 0, &pts,
						    &n, &err) != LW_OK) {
			fprintf(stderr, "%s\n", err.msg);
		}
		double b = cpu();
		struct lw_verdict v;
		lw_anomaly_judge(&pp, pts, n, now, 500, &v);
		c->j += cpu() - b;
		c->q += b - a;
		c->points += n;
		c->alarms += v.status >= LW_WARN;
		if (kept)
			lw_series_cache_clear(&sc);
		else
			free(pts);
	}
	double a = cpu();
	lw_series_cache_done(&sc);
	c->q += cpu() - a;
}

static void say_cost(const char *what, const struct cost *c, int polls)
{
	printf("| %s | %.0f ms | %.0f ms | %.0f ms | %zu | %d |\n", what,
	       c->q * 1e3 / polls, c->j * 1e3 / polls,
	       (c->q + c->j) * 1e3 / polls, c->points / (size_t)polls,
	       c->alarms);
}

/* The cost the rule adds to a poll, before and after keeping the series
 * between polls, in the same run: a poll the old way; the first poll the
 * new way (every kept row written: once, after the upgrade); then a day
 * of hourly polls the new way (each adds an observation per dataset, as
 * a real poll does; kept rows are rewritten about once a day each). */
static int history_bench(int nds, int days)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	/* LW_BENCH_FROM=FILE: start from a copy of a history this bench
	 * built and kept (LW_BENCH_KEEP) with the same datasets and days,
	 * to profile the polls alone */
	const char *from = getenv("LW_BENCH_FROM");
	char *path = lw_xasprintf("%s/lw_anomaly_bench_%d.db", tmp,
				  (int)getpid());
	int64_t now = T0 + 120 * DAY;
	double t0 = mono();
	if (from) {
		char *cmd = lw_xasprintf("cp '%s' '%s'", from, path);
		if (system(cmd) != 0) {
			fprintf(stderr, "cannot copy %s\n", from);
			return 1;
		}
		free(cmd);
	} else if (fill_history(path, nds, days, now)) {
		fprintf(stderr, "cannot build %s\n", path);
		return 1;
	}
	if (getenv("LW_BENCH_SQL")) {	/* try an index or a pragma */
		sqlite3 *db;
		sqlite3_open(path, &db);
		sqlite3_exec(db, getenv("LW_BENCH_SQL"), NULL, NULL, NULL);
		sqlite3_close(db);
	}
	sqlite3 *db;	/* as a long-lived history is: checkpointed */
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	double built = mono() - t0;
	if (getenv("LW_BENCH_KEEP") && !from) {	/* before any poll */
		char *cmd = lw_xasprintf("cp '%s' '%s.built'", path, path);
		if (system(cmd) == 0)
			printf("kept the history as built: %s.built\n", path);
		free(cmd);
	}
	struct lw_history *h;
	struct lw_err err;
	if (lw_history_open(path, false, &h, &err) != LW_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	struct cost before = {0}, first = {0}, day = {0}, before2 = {0};
	struct cost fresh = {0};
	int polls = days * 24;
	one_poll(h, nds, now, false, &before);
	one_poll(h, nds, now, true, &first);
	for (int i = 0; i < 24; i++) {
		if (getenv("LW_BENCH_OTHER"))
			add_poll(db, nds, polls + 1 + i, now + i * HOUR);
		else
			add_poll_h(h, nds, polls + 1 + i, now + i * HOUR);
		one_poll(h, nds, now + (i + 1) * HOUR, true, &day);
	}
	/* a one-shot `lakewatch check`: a handle opened for the poll, so
	 * nothing of the kept rows in its memory or page cache */
	struct lw_history *h2;
	if (lw_history_open(path, false, &h2, &err) == LW_OK) {
		one_poll(h2, nds, now + 24 * HOUR, true, &fresh);
		lw_history_close(h2);
	}
	one_poll(h, nds, now + 25 * HOUR, false, &before2);
	lw_history_close(h);
	sqlite3_close(db);
	printf("history: %d datasets x %d days hourly (%d observations), "
	       "built in %.1fs; CPU per poll:\n\n| per poll | series reads | "
	       "verdicts | total | points read | alarms |\n|---|---:|---:|"
	       "---:|---:|---:|\n", nds, days, nds * days * 24, built);
	say_cost("before: window re-read, `auto` fits four", &before, 1);
	say_cost("kept: first poll (every row written)", &first, 1);
	say_cost("kept: mean of a day of hourly polls", &day, 24);
	say_cost("kept: one-shot (a handle opened for the poll)", &fresh, 1);
	say_cost("before, again after that day", &before2, 1);
	printf("\nkept / before (a day's mean against the mean of the two "
	       "before polls): %.3f\n", (day.q + day.j) / 24 /
	       ((before.q + before.j + before2.q + before2.j) / 2));
	if (getenv("LW_BENCH_KEEP")) {
		printf("kept %s\n", path);
		free(path);
		return 0;
	}
	unlink(path);
	char *side = lw_xasprintf("%s-wal", path);
	unlink(side);
	free(side);
	side = lw_xasprintf("%s-shm", path);
	unlink(side);
	free(side);
	free(path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "history") == 0)
		return history_bench(argc > 2 ? atoi(argv[2]) : 1000,
				     argc > 3 ? atoi(argv[3]) : 90);
	int seeds = argc > 1 ? atoi(argv[1]) : 5;
	struct score m[NKINDS] = {0}, z[NKINDS] = {0}, kp[NKINDS] = {0};
	for (int k = 0; k < NKINDS; k++)
		for (int s = 0; s < seeds; s++) {
			struct gen g;
			rng_state = 0x1a4e3a7cull * (uint64_t)(k * 101 + s + 1);
			generate((enum kind)k, &g);
			replay(&g, (enum kind)k, false, &z[k]);
			calendar(&g);
			replay(&g, (enum kind)k, true, &m[k]);
			for (size_t i = 0; i < g.n; i++)
				g.p[i].flags &= LW_PT_HOLIDAY;
			g.season = 0;
			kept_mode = true;
			replay(&g, (enum kind)k, true, &kp[k]);
			kept_mode = false;
			free(g.p);
			free(g.label);
			lw_holidays_free(&g.cal);
		}
	printf("anomaly benchmark: %d seeds per kind, 90 days each; events "
	       "column counts labelled anomalies\n", seeds);
	table("anomaly rule (seasonality auto, window 42d, min_points 14, "
	      "sensitivity 3, min_change 10 / 5%):", m);
	table("z-score baseline (|z| >= 3 over the last 14 days):", z);
	table("anomaly rule, seasonality chosen at most once a day (as "
	      "`lakewatch check` keeps it):", kp);
	struct score am = {0}, az = {0};
	for (int k = 0; k < NKINDS; k++) {
		add(&am, &m[k]);
		add(&az, &z[k]);
	}
	double p, r, fm = f1(&am, &p, &r), fz = f1(&az, &p, &r);
	double xm = 1000.0 * (double)am.false_alarms / (double)am.polls;
	double xz = 1000.0 * (double)az.false_alarms / (double)az.polls;
	printf("\nF1 %.2f vs %.2f (%+.2f); false alarms per 1,000 polls "
	       "%.1f vs %.1f\n", fm, fz, fm - fz, xm, xz);
	return 0;
}
