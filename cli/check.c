/* check.c - `lakewatch check`: poll once, print a report, exit with its
 * status. The headless front end for CI. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include "lakewatch/cli.h"
#include "lakewatch/engine.h"
#include "lakewatch/lake.h"
#include "lakewatch/http.h"
#include "lakewatch/log.h"
#include "lakewatch/metrics.h"
#include "lakewatch/notifier.h"
#include "lakewatch/report.h"
#include "lakewatch/util.h"

#define NOTIFY_DEADLINE_MS 5000	/* delivering after the report */

static void check_usage(FILE *f)
{
	fputs(
"usage: lakewatch check [OPTIONS]\n"
"Poll every dataset once, judge it, record it, print a report.\n"
"\n"
"  -c, --config FILE      config file\n"
"  -f, --format FMT       text (default), json, junit, or the metrics:\n"
"                         openmetrics or prometheus (docs/metrics.md)\n"
"  -o, --output FILE      write the report to FILE instead of stdout (the\n"
"                         metrics atomically, for a textfile collector)\n"
"      --fail-on LEVEL    warn (default), fail or error: statuses below it\n"
"                         exit 0\n"
"      --source ID        only datasets of this data source\n"
"      --layer LAYER      only this layer (bronze, silver, gold, powerbi)\n"
"      --consumer ID      only datasets this consumer uses\n"
"      --dataset REGEX    only datasets whose name matches (PCRE2)\n"
"      --shard K/N        only shard K of N (a stable hash of each\n"
"                         dataset's name): N CI jobs split one config\n"
"  -v, --verbose          text: list passing checks too\n"
"      --no-color         no ANSI colour (also NO_COLOR=1)\n"
"      --ascii            no UTF-8 glyphs\n"
"      --history FILE     history database (default: the config's)\n"
"      --no-history       neither read nor write history\n"
"      --stats            print lake requests, bytes read and connections\n"
"                         opened (curl's own reconnects included) to stderr\n"
"      --no-cache         read every file again, not the per-file cache\n"
"      --log FILE         diagnostic log (secrets redacted)\n"
"  -V, --version          print the version\n"
"\n"
"Exit: 0 all pass, 1 warnings only, 2 any failure, 3 any error, 4 usage or\n"
"config error.\n", f);
}

struct check_opts {
	struct lw_cli_common co;	/* --config, --history, --log, ... */
	const char *output;
	enum lw_report_format format;
	enum lw_status fail_on;
	struct lw_filter filter;
	const char *layer, *dataset_re;
	bool verbose, no_color, ascii, stats, no_cache;
};

static int parse_args(int argc, char **argv, struct check_opts *o)
{
	enum { O_FAIL_ON = 256, O_SOURCE, O_LAYER, O_CONSUMER, O_DATASET,
	       O_NO_COLOR, O_ASCII, O_STATS, O_NO_CACHE, O_SHARD };
	static const struct option opts[] = {
		LW_CLI_COMMON_OPTIONS,
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"fail-on", required_argument, NULL, O_FAIL_ON},
		{"source", required_argument, NULL, O_SOURCE},
		{"layer", required_argument, NULL, O_LAYER},
		{"consumer", required_argument, NULL, O_CONSUMER},
		{"dataset", required_argument, NULL, O_DATASET},
		{"no-color", no_argument, NULL, O_NO_COLOR},
		{"no-colour", no_argument, NULL, O_NO_COLOR},
		{"ascii", no_argument, NULL, O_ASCII},
		{"stats", no_argument, NULL, O_STATS},
		{"no-cache", no_argument, NULL, O_NO_CACHE},
		{"shard", required_argument, NULL, O_SHARD},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof *o);
	o->filter.layer = -1;
	o->fail_on = LW_WARN;
	int c, k;
	while ((c = getopt_long(argc, argv, LW_CLI_COMMON_SHORT "f:o:vh", opts,
				NULL)) != -1) {
		if ((k = lw_cli_common_opt(c, optarg, &o->co)) != 0) {
			if (k < 0)
				return -1;	/* --version: done */
			continue;
		}
		switch (c) {
		case 'f':
			if (lw_report_format_parse(optarg, &o->format)) {
				fprintf(stderr, "lakewatch check: unknown format "
					"'%s' (text, json, junit, openmetrics, "
					"prometheus)\n", optarg);
				return LW_EXIT_USAGE;
			}
			break;
		case 'o': o->output = optarg; break;
		case 'v': o->verbose = true; break;
		case 'h': check_usage(stdout); return -1;
		case O_FAIL_ON:
			if (lw_status_parse(optarg, &o->fail_on) ||
			    o->fail_on == LW_PASS) {
				fprintf(stderr, "lakewatch check: --fail-on takes "
					"warn, fail or error, not '%s'\n", optarg);
				return LW_EXIT_USAGE;
			}
			break;
		case O_SOURCE: o->filter.source = optarg; break;
		case O_LAYER: o->layer = optarg; break;
		case O_CONSUMER: o->filter.consumer = optarg; break;
		case O_DATASET: o->dataset_re = optarg; break;
		case O_NO_COLOR: o->no_color = true; break;
		case O_ASCII: o->ascii = true; break;
		case O_STATS: o->stats = true; break;
		case O_NO_CACHE: o->no_cache = true; break;
		case O_SHARD:
			if (lw_cli_shard_opt("check", optarg, &o->filter.shard,
					     &o->filter.nshards))
				return LW_EXIT_USAGE;
			break;
		default: check_usage(stderr); return LW_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lakewatch check: unexpected argument '%s'\n",
			argv[optind]);
		return LW_EXIT_USAGE;
	}
	return 0;
}

/* Filters must name things the config has: a typo must not check nothing
 * and pass. */
static int resolve_filter(const struct lw_config *cfg, struct check_opts *o)
{
	if (o->filter.source && lw_config_source_index(cfg, o->filter.source) < 0) {
		fprintf(stderr, "lakewatch check: --source: no data source '%s' "
			"in %s\n", o->filter.source, cfg->file);
		return LW_EXIT_USAGE;
	}
	if (o->filter.consumer &&
	    lw_config_consumer_index(cfg, o->filter.consumer) < 0) {
		fprintf(stderr, "lakewatch check: --consumer: no consumer '%s' "
			"in %s\n", o->filter.consumer, cfg->file);
		return LW_EXIT_USAGE;
	}
	if (o->layer) {
		enum lw_layer l;
		if (lw_layer_parse(o->layer, &l)) {
			fprintf(stderr, "lakewatch check: --layer: unknown layer "
				"'%s' (bronze, silver, gold, powerbi)\n", o->layer);
			return LW_EXIT_USAGE;
		}
		o->filter.layer = (int)l;
	}
	if (o->dataset_re) {
		int ec;
		PCRE2_SIZE off;
		o->filter.dataset = pcre2_compile((PCRE2_SPTR)o->dataset_re,
			PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &off, NULL);
		if (!o->filter.dataset) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(ec, msg, sizeof msg);
			fprintf(stderr, "lakewatch check: --dataset: bad pattern at "
				"offset %zu: %s\n", (size_t)off, (char *)msg);
			return LW_EXIT_USAGE;
		}
	}
	return 0;
}

static void print_stats(const struct lw_config *cfg, const struct lw_run *run)
{
	int64_t bytes_read = 0, files = 0, inflated = 0, cached = 0, read = 0;
	for (size_t i = 0; i < run->n; i++) {
		cached += run->ds[i].obs.files_cached;
		read += run->ds[i].obs.files_read;
		bytes_read += run->ds[i].obs.bytes_read;
		inflated += run->ds[i].obs.bytes_decompressed;
		files += run->ds[i].obs.files;
	}
	double secs = 0;
	for (size_t i = 0; i < run->n; i++)
		secs += run->ds[i].seconds;
	fprintf(stderr, "stats: datasets=%zu files=%lld bytes_read=%lld "
		"bytes_decompressed=%lld observe_seconds=%.3f\n", run->n,
		(long long)files, (long long)bytes_read, (long long)inflated,
		secs);
	/* what the per-file cache saved: files taken from it, files read */
	fprintf(stderr, "stats: files_cached=%lld files_read=%lld\n",
		(long long)cached, (long long)read);
	for (size_t i = 0; i < cfg->nlakes; i++) {
		struct lw_lake *l = cfg->lakes[i].lake;
		const struct lw_lake_kind *k = lw_lake_base(l)->kind;
		int64_t req = 0, in = 0, files_in = 0, conn = 0;
		if (k->stats)
			k->stats(l, &req, &in);
		if (k->connects)
			conn = k->connects(l);
		for (size_t j = 0; j < run->n; j++)
			if (run->ds[j].ds->lake == (int)i)
				files_in += run->ds[j].obs.bytes_read;
		/* what did not come from files is the listing (and protocol):
		 * when nothing changed, it is the whole cost; connections:
		 * every one curl opened, its own reconnects included, so a
		 * server that drops kept connections shows */
		fprintf(stderr, "stats: lake=%s requests=%lld bytes_in=%lld "
			"listing_bytes=%lld connections=%lld\n",
			cfg->lakes[i].name, (long long)req, (long long)in,
			(long long)(in > files_in ? in - files_in : 0),
			(long long)conn);
	}
}

/* A cache entry that could not be used or written never changes a result
 * (the file was read), but it is said, once per dataset. */
static void cache_notes(const struct lw_run *run)
{
	for (size_t i = 0; i < run->n; i++)
		if (run->ds[i].obs.cache_note)
			fprintf(stderr, "lakewatch check: %s: %s\n",
				run->ds[i].ds->name, run->ds[i].obs.cache_note);
}

/* UTF-8 glyphs only where the locale says the terminal takes them. */
static bool utf8_locale(void)
{
	setlocale(LC_CTYPE, "");
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

static int write_report(const struct lw_config *cfg, const struct lw_run *run,
			const struct check_opts *o)
{
	FILE *f = stdout;
	if (o->output && !(f = fopen(o->output, "w"))) {
		perror(o->output);
		return LW_EIO;
	}
	const char *nc = getenv("NO_COLOR");
	struct lw_report_opts ro = {
		.color = !o->output && !o->no_color && !(nc && *nc) &&
			 isatty(fileno(stdout)),
		.ascii = o->ascii || !utf8_locale(),
		.verbose = o->verbose,
	};
	struct lw_err err;
	lw_err_clear(&err);
	int rc = lw_report_write(f, o->format, cfg, run, &ro, &err);
	if (rc)
		fprintf(stderr, "lakewatch check: report: %s\n", err.msg);
	if (f != stdout && fclose(f) != 0) {
		perror(o->output);
		rc = LW_EIO;
	}
	return rc;
}

static bool metrics_format(enum lw_report_format f)
{
	return f == LW_REPORT_OPENMETRICS || f == LW_REPORT_PROMETHEUS;
}

/* A temporary file next to path (path.XXXXXX: not *.prom, so a textfile
 * collector skips it), open for writing, with the mode a plain create
 * would give. Returns the fd and sets *tmp (caller frees), or -1. */
static int temp_beside(const char *path, char **tmp)
{
	mode_t um = umask(0);
	umask(um);
	*tmp = lw_xasprintf("%s.XXXXXX", path);
	int fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0666 & ~um) != 0) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(*tmp);
		}
		free(*tmp);
		*tmp = NULL;
		errno = e;
		return -1;
	}
	return fd;
}

/* Write data to path whole or not at all: a temporary file beside it,
 * synced, then renamed over it, so node_exporter's textfile collector
 * never reads half an exposition and a failed write keeps the old one. A
 * symlink is followed (the file it names is replaced, not the link); a
 * path that is not a regular file (a pipe, /dev/stdout) is written in
 * place. */
static int write_atomic(const char *path, const char *data, size_t len)
{
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		FILE *f = fopen(path, "w");
		int bad = !f || (len && fwrite(data, 1, len, f) != len);
		if (f && fclose(f) != 0)
			bad = 1;
		if (bad)
			perror(path);
		return bad ? LW_EIO : LW_OK;
	}
	char *real = realpath(path, NULL), *tmp = NULL;
	const char *target = real ? real : path;
	int fd = temp_beside(target, &tmp), rc = LW_OK;
	size_t off = 0;
	while (fd >= 0 && off < len) {
		ssize_t k = write(fd, data + off, len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	if (fd < 0 || off < len || fsync(fd) != 0 || close(fd) != 0 ||
	    rename(tmp, target) != 0) {
		fprintf(stderr, "lakewatch check: --output: cannot write %s: "
			"%s\n", path, strerror(errno));
		if (tmp)
			unlink(tmp);	/* after a failed close too: fd is gone */
		rc = LW_EIO;
	}
	free(tmp);
	free(real);
	return rc;
}

/* --format openmetrics|prometheus: the exposition of this poll, with the
 * lakes' request counters and its duration, to stdout or atomically to
 * --output. */
static int write_metrics(const struct lw_config *cfg, const struct lw_run *run,
			 const struct check_opts *o, double poll_seconds)
{
	struct lw_metrics_lake *lakes = lw_engine_lake_counters(cfg);
	struct lw_metrics_hist h;
	memset(&h, 0, sizeof h);
	lw_metrics_hist_observe(&h, poll_seconds);
	struct lw_metrics_in in = {.cfg = cfg, .run = run, .lakes = lakes,
		.nlakes = cfg->nlakes, .polls = &h, .now = run->finished};
	struct lw_buf b;
	lw_buf_init(&b, (size_t)256 * LW_BUF_1M);
	int rc = lw_metrics_render(&in, o->format == LW_REPORT_PROMETHEUS ?
				   LW_METRICS_PROMETHEUS :
				   LW_METRICS_OPENMETRICS, &b);
	if (rc == LW_ETOOBIG)
		fprintf(stderr, "lakewatch check: report: larger than %zu "
			"MiB\n", b.max / LW_BUF_1M);
	else if (rc)
		fprintf(stderr, "lakewatch check: report: %s\n",
			lw_rc_name(rc));
	else if (o->output)
		rc = write_atomic(o->output, b.data ? b.data : "", b.len);
	else if ((b.len && fwrite(b.data, 1, b.len, stdout) != b.len) ||
		 fflush(stdout) != 0) {
		perror("lakewatch check: writing the report");
		rc = LW_EIO;
	}
	lw_buf_free(&b);
	free(lakes);
	return rc;
}

/* A filter that selects no dataset would check nothing and pass: a usage
 * error naming the filters given. */
static int check_selection(const struct lw_config *cfg,
			   const struct check_opts *o)
{
	for (size_t i = 0; i < cfg->ndatasets; i++)
		if (lw_filter_match(cfg, &o->filter, &cfg->datasets[i]))
			return 0;
	fprintf(stderr, "lakewatch check: no dataset of %s matches", cfg->file);
	if (o->filter.source)
		fprintf(stderr, " --source %s", o->filter.source);
	if (o->layer)
		fprintf(stderr, " --layer %s", o->layer);
	if (o->filter.consumer)
		fprintf(stderr, " --consumer %s", o->filter.consumer);
	if (o->dataset_re)
		fprintf(stderr, " --dataset '%s'", o->dataset_re);
	if (o->filter.nshards > 1)
		fprintf(stderr, " --shard %u/%u", o->filter.shard + 1,
			o->filter.nshards);
	fputs(": nothing to check\n", stderr);
	return LW_EXIT_USAGE;
}

/* The report file must be writable before a poll that can take minutes:
 * opened without truncating (an old report stays until the new one). A
 * pipe or device is left alone: opening it twice would end its reader's
 * input, or wait for a reader. With atomic (the metrics formats, written
 * by rename) the file is not touched: a temporary one beside it is made
 * and removed. */
static int check_output(const char *path, bool atomic)
{
	struct stat st;
	if (!path || (stat(path, &st) == 0 && !S_ISREG(st.st_mode)))
		return 0;
	if (atomic) {	/* the temporary file must be possible beside it */
		char *real = realpath(path, NULL), *tmp = NULL;
		int fd = temp_beside(real ? real : path, &tmp);
		free(real);
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
			free(tmp);
			return 0;
		}
		fprintf(stderr, "lakewatch check: --output: cannot write the "
			"report file %s: %s\n", path, strerror(errno));
		return LW_EXIT_USAGE;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		fprintf(stderr, "lakewatch check: --output: cannot write the "
			"report file %s: %s\n", path, strerror(errno));
		return LW_EXIT_USAGE;
	}
	close(fd);
	return 0;
}

/* Everything the command line can get wrong, before any lake is polled:
 * the log, the config, the filters and the report file. *cfg is the
 * caller's on success. */
static int prepare(struct check_opts *o, struct lw_config **cfg)
{
	int rc;
	*cfg = NULL;
	if ((rc = lw_cli_open_log("check", &o->co)) != 0)
		return rc;
	if (o->verbose && o->co.log)	/* --verbose: the request lines too */
		lw_log_open(o->co.log, LW_LOG_DEBUG);
	if ((rc = lw_cli_load_config(o->co.config, cfg, NULL)) != 0)
		return rc;
	if ((rc = resolve_filter(*cfg, o)) != 0 ||
	    (rc = check_selection(*cfg, o)) != 0 ||
	    (rc = check_output(o->output,
				       metrics_format(o->format))) != 0) {
		lw_config_free(*cfg);
		*cfg = NULL;
	}
	return rc;
}

/* Deliver what this run (and earlier ones) left in the outbox, a few
 * seconds at most, after the report: never the exit code's business, but
 * what could not go is said on stderr (it stays in the outbox). */
static void notify_after(const struct lw_config *cfg, struct lw_history *h)
{
	if (!cfg->notify || !h)
		return;
	struct lw_notify_sender *s = lw_notify_sender_new(cfg, h);
	lw_notify_deliver(s, lw_http_now_ms() + NOTIFY_DEADLINE_MS);
	lw_notify_say_pending(s, stderr);
	lw_notify_sender_free(s);
}

int lw_cmd_check(int argc, char **argv)
{
	struct check_opts o;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct lw_err err;
	struct lw_config *cfg = NULL;
	if ((rc = prepare(&o, &cfg)) != 0) {
		pcre2_code_free(o.filter.dataset);
		lw_log_close();
		return rc;
	}
	struct lw_history *hist = NULL;
	char *hist_error = NULL;
	if (!o.co.no_history) {
		const char *hp = o.co.history ? o.co.history : cfg->history_path;
		if (lw_history_open(hp, false, &hist, &err))
			hist_error = lw_xasprintf("history: %s", err.msg);
	}
	struct timespec t0, t1;
	struct lw_poll_opts po = {o.no_cache};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct lw_run *run = lw_engine_poll_opts(cfg, hist, &o.filter, &po,
						 NULL, NULL, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cache_notes(run);
	if (hist_error && !run->history_error) {
		run->history_error = hist_error;
		run->status = LW_ERROR;
	} else {
		free(hist_error);
	}
	if (o.stats)
		print_stats(cfg, run);
	if (metrics_format(o.format))
		rc = write_metrics(cfg, run, &o, (double)(t1.tv_sec - t0.tv_sec)
				   + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	else
		rc = write_report(cfg, run, &o);
	rc = rc ? 3 : lw_exit_code(run, o.fail_on);
	notify_after(cfg, hist);
	lw_history_close(hist);
	lw_run_free(run);
	pcre2_code_free(o.filter.dataset);
	lw_config_free(cfg);
	lw_log_close();
	return rc;
}
