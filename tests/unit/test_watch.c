/* test_watch.c - the poll loop of `lakewatch watch` (engine/watch.c) over
 * a temporary fs lake: datasets polled on their own intervals (the due
 * ones together), events (status changes, incidents, polls), the
 * exposition published to a real listener after each poll, /readyz, and
 * a reload taking effect at the next poll. */
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <curl/curl.h>
#include "unit.h"
#include "lakewatch/engine.h"
#include "lakewatch/util.h"
#include "lakewatch/watch.h"
#include "../../engine/watch_int.h"

static char dir[64];
static pthread_mutex_t ev_mu = PTHREAD_MUTEX_INITIALIZER;
static char events[1 << 16];

static void on_event(void *ud, enum lw_log_level lvl, const char *ds,
		     const char *check, const char *msg)
{
	(void)ud; (void)lvl;
	pthread_mutex_lock(&ev_mu);
	size_t n = strlen(events);
	snprintf(events + n, sizeof events - n, "%s|%s|%s\n", ds ? ds : "-",
		 check ? check : "-", msg);
	pthread_mutex_unlock(&ev_mu);
}

static int count_events(const char *needle)
{
	int n = 0;
	pthread_mutex_lock(&ev_mu);
	for (const char *p = events; (p = strstr(p, needle)); p++)
		n++;
	pthread_mutex_unlock(&ev_mu);
	return n;
}

static void wait_events(const char *needle, int n)
{
	for (int i = 0; i < 300 && count_events(needle) < n; i++)
		usleep(50 * 1000);
	if (count_events(needle) < n)
		fail_msg("no %d x '%s' in:\n%s", n, needle, events);
}

static void write_csv(const char *sub, const char *text)
{
	char *d = lw_xasprintf("%s/%s", dir, sub), *f = lw_xasprintf("%s/x.csv", d);
	mkdir(d, 0755);
	FILE *fp = fopen(f, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(d);
	free(f);
}

/* fast: every second, at least `min` rows; slow: every hour. */
static struct lw_cfgref *config(int min)
{
	char *text = lw_xasprintf(
		"{\"poll\": {\"interval\": \"1s\"},"
		" \"lakes\": {\"l\": {\"kind\": \"fs\", \"root\": \"%s\"}},"
		" \"sources\": {\"s\": \"S\"}, \"datasets\": {"
		" \"fast\": {\"source\": \"s\", \"layer\": \"bronze\", \"lake\": \"l\","
		"  \"path\": \"fast\", \"format\": \"csv\","
		"  \"checks\": {\"row_count\": {\"min\": {\"fail\": %d}}}},"
		" \"slow\": {\"source\": \"s\", \"layer\": \"bronze\", \"lake\": \"l\","
		"  \"path\": \"slow\", \"format\": \"csv\", \"interval\": \"1h\","
		"  \"checks\": {\"row_count\": {\"min\": 1}}}}}", dir, min);
	struct lw_config *cfg = NULL;
	struct lw_buf errs;
	lw_buf_init(&errs, 1 << 16);
	int rc = lw_config_parse(text, strlen(text), "w.json", &cfg, &errs);
	if (rc)
		fail_msg("%s", errs.data);
	lw_buf_free(&errs);
	free(text);
	return lw_cfgref_new(cfg);
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	struct lw_buf *b = ud;
	return lw_buf_add(b, p, sz * n) == LW_OK ? sz * n : 0;
}

static long get(int port, const char *path, struct lw_buf *body)
{
	char url[128];
	long code = 0;
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
	lw_buf_reset(body);
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	return code;
}

static void *run_thread(void *w)
{
	lw_watch_run(w);
	return NULL;
}

static void intervals_events_metrics_reload(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/lw-watch.XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_csv("fast", "a\n1\n2\n");
	write_csv("slow", "a\n1\n");
	struct lw_listen_opts lo = {.addr = "127.0.0.1:0"};
	struct lw_serve *srv = NULL;
	struct lw_err err;
	assert_int_equal(lw_serve_start(&lo, &srv, &err), 0);
	int port = lw_serve_port(srv);
	struct lw_watch *w = lw_watch_new(config(1), NULL, srv, on_event, NULL);
	struct lw_buf body;
	lw_buf_init(&body, 1 << 20);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, run_thread, w), 0);
	wait_events("poll finished", 3);
	assert_int_equal(count_events("poll started: 2 of 2 datasets due"), 1);
	assert_true(count_events("poll started: 1 of 2 datasets due") >= 2);
	assert_int_equal(count_events("status "), 0);	/* all PASS: no news */
	assert_int_equal(get(port, "/readyz", &body), 200);
	assert_int_equal(get(port, "/metrics", &body), 200);
	assert_non_null(strstr(body.data, "lakewatch_check_status{dataset=\"fast\","
			       "check=\"row_count\"} 0\n"));
	/* slow is not in the last poll, but still in the exposition */
	assert_non_null(strstr(body.data, "lakewatch_check_status{dataset=\"slow\","
			       "check=\"row_count\"} 0\n"));
	/* a reload: fast now needs 5 rows; every dataset is polled again */
	lw_watch_set_config(w, config(5));
	wait_events("poll started: 2 of 2 datasets due", 2);
	wait_events("fast|row_count|status FAIL (was unknown)", 1);
	int n = count_events("poll finished");
	wait_events("poll finished", n + 1);
	assert_int_equal(get(port, "/metrics", &body), 200);
	assert_non_null(strstr(body.data, "lakewatch_check_status{dataset=\"fast\","
			       "check=\"row_count\"} 2\n"));
	lw_watch_stop(w);
	pthread_join(th, NULL);
	lw_serve_stop(srv);
	lw_watch_free(w);
	lw_buf_free(&body);
	char *cmd = lw_xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* The jitter on each wake-up: within 5% of the shortest interval and
 * never over 5 s, and spread (not one fixed offset). */
static void jitter_bounds(void **state)
{
	(void)state;
	unsigned seed = 42;
	double lo = 1e9, hi = -1;
	for (int i = 0; i < 2000; i++) {
		double j = lw_watch_jitter(&seed, 60);
		lo = j < lo ? j : lo;
		hi = j > hi ? j : hi;
	}
	assert_true(lo >= 0 && hi <= 3.0);
	assert_true(hi - lo > 2.5);
	for (int i = 0; i < 2000; i++) {
		double j = lw_watch_jitter(&seed, 3600);
		assert_true(j >= 0 && j <= 5.0);
	}
	assert_true(lw_watch_jitter(&seed, 1) <= 0.05);
}

/* --shard: the parse's bounds, and the split: every name in exactly one
 * shard, the published FNV-1a 64 (its test vectors: "a" is
 * 0xaf63dc4c8601ec8c, "foobar" 0x85944171f73967e8). */
static void shard_parse_and_split(void **state)
{
	(void)state;
	unsigned k = 9, n = 9;
	const char *why = NULL;
	assert_int_equal(lw_shard_parse("2/3", &k, &n, &why), LW_OK);
	assert_int_equal(k, 1);
	assert_int_equal(n, 3);
	static const char *const bad[] = {"0/3", "4/3", "1/0", "1/1025", "-1/3",
		"1/-3", "2", "2/", "/3", "a/b", "1/3x", "", "99999999999999999999/2"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		why = NULL;
		assert_int_equal(lw_shard_parse(bad[i], &k, &n, &why), LW_EPARSE);
		assert_non_null(why);
	}
	assert_true(lw_shard_has("x", 0, 0) && lw_shard_has("x", 0, 1));
	assert_true(lw_shard_has("a", 0xaf63dc4c8601ec8cULL % 7, 7));
	assert_true(lw_shard_has("foobar", 0x85944171f73967e8ULL % 5, 5));
	for (int i = 0; i < 200; i++) {
		char name[32];
		snprintf(name, sizeof name, "gold.table_%d", i);
		int in = 0;
		for (unsigned s = 0; s < 4; s++)
			in += lw_shard_has(name, s, 4);
		assert_int_equal(in, 1);
	}
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intervals_events_metrics_reload),
		cmocka_unit_test(shard_parse_and_split),
		cmocka_unit_test(jitter_bounds),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
