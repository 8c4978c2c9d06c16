/* scrape.c - benchmark: rendering the /metrics exposition of a poll of
 * 10,000 datasets with 5 checks each (incidents tracked, every fact
 * known), in both formats, against the JSON report writer over the same
 * run as the reference (in the same process, so the ratio holds on a
 * loaded machine where the absolute figures do not). The listener serves
 * text rendered once per poll, so this is the cost per poll, not per
 * scrape. Not a timed test: it prints figures.
 *
 * Then the scrape itself: the exposition is published into a real listener
 * on 127.0.0.1:0 and fetched with libcurl, plain and gzip (decompressed by
 * libcurl, as Prometheus does), in the same run so the ratio holds; once
 * more while another thread publishes in a loop (a scrape must not wait
 * for a poll); and zlib levels 1 and 6 on the same text.
 *
 *   build/bench/scrape [datasets] [renders] [scrapes]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include "lakewatch/engine.h"
#include "lakewatch/incident.h"
#include "lakewatch/metrics.h"
#include "lakewatch/report.h"
#include "lakewatch/util.h"
#include "lakewatch/buf.h"
#include "lakewatch/serve.h"
#include <curl/curl.h>
#include <zlib.h>

#define NCHECKS 5
static const char *const checks[NCHECKS] = {"freshness", "row_count",
					     "files", "schema", "partitions"};

static double clock_ms(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct lw_config *make_config(size_t n)
{
	static const char *const layers[] = {"bronze", "silver", "gold"};
	struct lw_buf b, errs;
	struct lw_config *cfg = NULL;
	bool bad = false;	/* b is failed for good once one append is */

	lw_buf_init(&b, 64 * LW_BUF_1M);
	lw_buf_init(&errs, LW_BUF_1M);
	bad |= lw_buf_adds(&b, "{\"name\": \"bench\", \"lakes\": {\"l\": "
			   "{\"kind\": \"fs\", \"root\": \"/tmp\"}}, "
			   "\"sources\": {") != LW_OK;
	for (int s = 0; s < 12; s++)
		bad |= lw_buf_addf(&b, "%s\"src%d\": {\"title\": \"Source %d\"}",
				   s ? "," : "", s, s) != LW_OK;
	bad |= lw_buf_adds(&b, "}, \"consumers\": {") != LW_OK;
	for (int c = 0; c < 8; c++)
		bad |= lw_buf_addf(&b, "%s\"c%d\": {\"title\": \"Consumer %d\"}",
				   c ? "," : "", c, c) != LW_OK;
	bad |= lw_buf_adds(&b, "}, \"datasets\": {") != LW_OK;
	for (size_t i = 0; i < n; i++)
		bad |= lw_buf_addf(&b, "%s\"%s.table_%05zu\": {\"source\": "
			"\"src%zu\", \"layer\": \"%s\", \"lake\": \"l\", "
			"\"path\": \"d/%zu\", \"format\": \"csv\", "
			"\"consumers\": [\"c%zu\"], \"checks\": {\"freshness\":"
			" {\"warn\": \"2h\", \"fail\": \"6h\"}}}", i ? "," : "",
			layers[i % 3], i, i % 12, layers[i % 3], i, i % 8) !=
			LW_OK;
	bad |= lw_buf_adds(&b, "}}") != LW_OK;
	if (bad) {
		fprintf(stderr, "config: longer than 64 MB\n");
		exit(1);
	}
	if (lw_config_parse(b.data, b.len, "bench.json", &cfg, &errs) !=
	    LW_OK) {
		fprintf(stderr, "config: %s\n", errs.data ? errs.data :
			"invalid (error list too long)");
		exit(1);
	}
	lw_buf_free(&b);
	lw_buf_free(&errs);
	return cfg;
}

/* One dataset's run: 5 results, every fact, incidents as history makes
 * them (one open on a failing check, acknowledged every third time). */
static void make_ds(struct lw_ds_run *d, const struct lw_dataset *ds,
		    size_t i, int64_t now)
{
	enum lw_status st = i % 17 == 0 ? LW_FAIL : i % 11 == 0 ? LW_WARN :
			    i % 101 == 0 ? LW_ERROR : LW_PASS;

	d->ds = ds;
	lw_obs_init(&d->obs);
	lw_obs_init(&d->prev);
	d->obs.ok = st != LW_ERROR;
	d->obs.at = now;
	d->obs.files = (int64_t)(i % 50) + 1;
	d->obs.bytes = d->obs.files * 65536;
	d->obs.rows = (int64_t)(i * 37 % 100000);
	d->obs.newest_mtime = now - (int64_t)(i * 13 % 90000);
	d->obs.has_schema = true;
	for (int c = 0; c < 8; c++) {
		char col[16];
		snprintf(col, sizeof col, "col%d", c);
		lw_schema_add(&d->obs.schema, col, LW_T_INT64, NULL);
	}
	d->results = lw_xcalloc(NCHECKS, sizeof *d->results);
	d->inc = lw_xcalloc(NCHECKS, sizeof *d->inc);
	d->nresults = d->ninc = NCHECKS;
	for (int k = 0; k < NCHECKS; k++) {
		enum lw_status s = k == 0 ? st : LW_PASS;
		lw_result_set(&d->results[k], checks[k], s, "7h",
			      "warn 2h, fail 6h", "newest file is 7h old");
		lw_incident_init(&d->inc[k]);
		if (s == LW_PASS)
			continue;
		d->inc[k].id = (int64_t)i + 1;
		d->inc[k].dataset = lw_xstrdup(ds->name);
		d->inc[k].check = lw_xstrdup(checks[k]);
		d->inc[k].opened = now - 3600;
		if (i % 3 == 0)
			d->inc[k].acked_by = lw_xstrdup("ann");
	}
	d->status = st;
	d->worst = st == LW_PASS ? -1 : 0;
}

static struct lw_run *make_run(const struct lw_config *cfg, int64_t now)
{
	struct lw_run *run = lw_xcalloc(1, sizeof *run);

	run->n = cfg->ndatasets;
	run->ds = lw_xcalloc(run->n, sizeof *run->ds);
	run->started = now - 30;
	run->finished = now;
	for (size_t i = 0; i < run->n; i++) {
		make_ds(&run->ds[i], &cfg->datasets[i], i, now);
		run->counts[run->ds[i].status]++;
		if (run->ds[i].status > run->status)
			run->status = run->ds[i].status;
	}
	return run;
}

struct per_render {
	double wall, cpu;	/* ms, median of the renders */
	size_t bytes, series;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* fmt: a metrics format, or -1 for the JSON report (the reference). */
static struct per_render bench(const struct lw_metrics_in *in, int fmt,
			       int renders)
{
	double *wall = lw_xcalloc((size_t)renders, sizeof *wall);
	double *cpu = lw_xcalloc((size_t)renders, sizeof *cpu);
	struct per_render r = {0};
	struct lw_buf b;

	lw_buf_init(&b, 256 * LW_BUF_1M);
	for (int k = 0; k < renders; k++) {
		double t0 = clock_ms(CLOCK_MONOTONIC);
		double c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
		int rc;
		lw_buf_reset(&b);
		if (fmt < 0) {
			char *text = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&text, &len);
			struct lw_err err;
			rc = m ? lw_report_write(m, LW_REPORT_JSON, in->cfg,
						 in->run, NULL, &err) : LW_EIO;
			if (m)
				fclose(m);
			r.bytes = len;
			free(text);
		} else {
			rc = lw_metrics_render(in, (enum lw_metrics_fmt)fmt,
					       &b);
			r.bytes = b.len;
		}
		if (rc != LW_OK) {
			fprintf(stderr, "render failed: %s\n", lw_rc_name(rc));
			exit(1);
		}
		wall[k] = clock_ms(CLOCK_MONOTONIC) - t0;
		cpu[k] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
	}
	for (size_t i = 0; fmt >= 0 && i < b.len; i++)
		r.series += b.data[i] == '\n' &&
			    (i + 1 < b.len && b.data[i + 1] != '#');
	qsort(wall, (size_t)renders, sizeof *wall, cmp_double);
	qsort(cpu, (size_t)renders, sizeof *cpu, cmp_double);
	r.wall = wall[renders / 2];
	r.cpu = cpu[renders / 2];
	free(wall);
	free(cpu);
	lw_buf_free(&b);
	return r;
}

static size_t count_body(char *p, size_t sz, size_t n, void *ud)
{
	(void)p;
	*(size_t *)ud += sz * n;
	return sz * n;
}

enum mode { PLAIN, GZIP, GZIP_RAW };	/* GZIP_RAW: not decoded */

/* Median and worst wall ms of n scrapes of /metrics on one connection
 * (keep-alive, as Prometheus scrapes); *bytes is the body's size as
 * received and *wire what was sent. */
static void scrapes(int port, enum mode gz, int n, double *med, double *worst,
		    size_t *bytes, double *wire)
{
	char url[64];
	double *t = lw_xcalloc((size_t)n, sizeof *t);
	CURL *c = curl_easy_init();
	snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, bytes);
	struct curl_slist *h = curl_slist_append(NULL, "Accept-Encoding: gzip");
	if (gz == GZIP)
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
	else if (gz == GZIP_RAW)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	for (int k = 0; k < n; k++) {
		*bytes = 0;
		double t0 = clock_ms(CLOCK_MONOTONIC);
		if (curl_easy_perform(c) != CURLE_OK) {
			fprintf(stderr, "scrape failed\n");
			exit(1);
		}
		t[k] = clock_ms(CLOCK_MONOTONIC) - t0;
	}
	curl_off_t w = 0;
	curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &w);
	*wire = (double)w;
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	*med = t[n / 2];
	*worst = t[n - 1];
	free(t);
}

struct publisher {
	struct lw_serve *srv;
	const struct lw_buf *prom, *om;
	atomic_bool stop;
	int count;
	double ms;		/* total wall of the publications */
};

static int publish(struct lw_serve *srv, const struct lw_buf *prom,
		   const struct lw_buf *om)
{
	struct lw_err err;
	lw_err_clear(&err);
	int rc = lw_serve_publish(srv, prom->data, prom->len, om->data, om->len,
				  &err);
	if (rc)
		fprintf(stderr, "publish: %s\n", err.msg);
	return rc;
}

static void *publish_loop(void *arg)
{
	struct publisher *p = arg;
	while (!atomic_load(&p->stop)) {
		double t0 = clock_ms(CLOCK_MONOTONIC);
		if (publish(p->srv, p->prom, p->om))
			exit(1);
		p->ms += clock_ms(CLOCK_MONOTONIC) - t0;
		p->count++;
	}
	return NULL;
}

/* zlib level lv on text: wall ms and compressed size. */
static void zlevel(const struct lw_buf *text, int lv, double *ms, size_t *out)
{
	uLongf cap = compressBound((uLong)text->len);
	Bytef *z = lw_xmalloc(cap);
	z_stream s;
	memset(&s, 0, sizeof s);
	double t0 = clock_ms(CLOCK_MONOTONIC);
	deflateInit2(&s, lv, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	s.next_in = (Bytef *)text->data;
	s.avail_in = (uInt)text->len;
	s.next_out = z;
	s.avail_out = (uInt)cap;
	deflate(&s, Z_FINISH);
	*out = s.total_out;
	deflateEnd(&s);
	*ms = clock_ms(CLOCK_MONOTONIC) - t0;
	free(z);
}

/* The listener half: publish, scrape plain and gzip, scrape during
 * publications, zlib levels. */
static void bench_serve(const struct lw_metrics_in *in, int n)
{
	struct lw_buf prom, om;
	lw_buf_init(&prom, 256 * LW_BUF_1M);
	lw_buf_init(&om, 256 * LW_BUF_1M);
	if (lw_metrics_render(in, LW_METRICS_PROMETHEUS, &prom) ||
	    lw_metrics_render(in, LW_METRICS_OPENMETRICS, &om)) {
		fprintf(stderr, "render failed\n");
		exit(1);
	}
	struct lw_listen_opts o = {.addr = "127.0.0.1:0"};
	struct lw_serve *srv = NULL;
	struct lw_err err;
	if (lw_serve_start(&o, &srv, &err)) {
		fprintf(stderr, "listen: %s\n", err.msg);
		exit(1);
	}
	double t0 = clock_ms(CLOCK_MONOTONIC);
	if (publish(srv, &prom, &om))
		exit(1);
	double pub = clock_ms(CLOCK_MONOTONIC) - t0;
	int port = lw_serve_port(srv);
	double pm, pw, gm, gw, pwire, gwire, bm, bw, bwire, rm, rw, rwire;
	size_t pb = 0, gb = 0, bb = 0, rb = 0;
	scrapes(port, PLAIN, n, &pm, &pw, &pb, &pwire);
	scrapes(port, GZIP, n, &gm, &gw, &gb, &gwire);
	scrapes(port, GZIP_RAW, n, &rm, &rw, &rb, &rwire);
	struct publisher p = {.srv = srv, .prom = &prom, .om = &om};
	atomic_init(&p.stop, false);
	pthread_t th;
	pthread_create(&th, NULL, publish_loop, &p);
	scrapes(port, GZIP, n, &bm, &bw, &bb, &bwire);
	atomic_store(&p.stop, true);
	pthread_join(th, NULL);
	printf("listener: %d scrapes each on one keep-alive connection "
	       "(median, worst)\n", n);
	printf("  publish (copy + gzip level 1 of both formats)  %.1f ms\n",
	       pub);
	printf("  plain        %8.1f ms  (worst %.1f)  %5.1f MB sent\n", pm,
	       pw, pwire / 1e6);
	printf("  gzip         %8.1f ms  (worst %.1f)  %5.2f MB sent, "
	       "%.1f MB decoded\n", gm, gw, gwire / 1e6, gb / 1e6);
	printf("  gzip, not decoded %5.1f ms  (worst %.1f)  %5.2f MB\n", rm,
	       rw, rb / 1e6);
	printf("  gzip / plain: %.2f; not decoded / plain: %.2f\n", gm / pm,
	       rm / pm);
	printf("  gzip during publications %6.1f ms  (worst %.1f; %d "
	       "publications of %.0f ms meanwhile)\n", bm, bw, p.count,
	       p.count ? p.ms / p.count : 0.0);
	for (int lv = 1; lv <= 6; lv += 5) {
		double ms;
		size_t sz;
		zlevel(&prom, lv, &ms, &sz);
		printf("  zlib level %d on the prometheus text: %6.1f ms, "
		       "%.2f MB (%.1fx)\n", lv, ms, sz / 1e6,
		       (double)prom.len / (double)sz);
	}
	(void)pb;
	(void)bb;
	lw_serve_stop(srv);
	lw_buf_free(&prom);
	lw_buf_free(&om);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	int renders = argc > 2 ? atoi(argv[2]) : 15;
	int nscrapes = argc > 3 ? atoi(argv[3]) : 20;
	struct rusage ru;

	if (!n || renders < 1 || nscrapes < 1) {
		fprintf(stderr, "usage: scrape [datasets] [renders] "
			"[scrapes]\n");
		return 2;
	}
	struct lw_config *cfg = make_config(n);
	int64_t now = lw_now();
	struct lw_run *run = make_run(cfg, now);
	struct lw_metrics_lake lake = {"l", 123456, 987654321, 12, 3};
	struct lw_metrics_hist h;
	memset(&h, 0, sizeof h);
	for (int k = 0; k < 100; k++)
		lw_metrics_hist_observe(&h, 0.5 + k);
	struct lw_metrics_in in = {.cfg = cfg, .run = run, .lakes = &lake,
		.nlakes = 1, .polls = &h, .now = now};

	struct per_render om = bench(&in, LW_METRICS_OPENMETRICS, renders);
	struct per_render pr = bench(&in, LW_METRICS_PROMETHEUS, renders);
	struct per_render js = bench(&in, -1, renders);
	getrusage(RUSAGE_SELF, &ru);
	printf("scrape: %zu datasets x %d checks, %d renders each (median)\n",
	       n, NCHECKS, renders);
	printf("  openmetrics  %8.1f ms/render (cpu %.1f)  %5.1f MB  %zu "
	       "series\n", om.wall, om.cpu, om.bytes / 1e6, om.series);
	printf("  prometheus   %8.1f ms/render (cpu %.1f)  %5.1f MB\n",
	       pr.wall, pr.cpu, pr.bytes / 1e6);
	printf("  json report  %8.1f ms/render (cpu %.1f)  %5.1f MB  "
	       "(reference)\n", js.wall, js.cpu, js.bytes / 1e6);
	printf("  openmetrics / json report: %.2f (cpu %.2f)\n",
	       om.wall / js.wall, om.cpu / js.cpu);
	printf("  peak RSS     %8.1f MB\n", ru.ru_maxrss / 1024.0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	bench_serve(&in, nscrapes);
	curl_global_cleanup();
	lw_run_free(run);
	lw_config_free(cfg);
	return 0;
}
