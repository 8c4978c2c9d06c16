/* watch.c - `lakewatch watch`: the headless monitor. Polls on each
 * dataset's interval (engine/watch.c), records history, serves /metrics,
 * /healthz and /readyz (serve/), logs one line per event on stderr.
 *
 * Signals are blocked in every thread and taken by one signal thread
 * (sigwait): SIGHUP reloads the config (a broken one is logged, the old
 * kept), SIGTERM/SIGINT stop (a poll in flight is cancelled); a second
 * one, or a poll that does not stop within STOP_GRACE seconds, exits at
 * once. One instance per history: an flock on "<history>.lock".
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include "lakewatch/cli.h"
#include "lakewatch/engine.h"
#include "lakewatch/serve.h"
#include "lakewatch/util.h"
#include "lakewatch/notifier.h"
#include "lakewatch/watch.h"
#include "watch_cli.h"

#define STOP_GRACE 10	/* seconds a cancelled poll may take to return */

static void watch_usage(FILE *f)
{
	fputs(
"usage: lakewatch watch [OPTIONS]\n"
"Poll every dataset on its interval (poll.interval, or the dataset's\n"
"\"interval\"), record history, serve metrics; no terminal needed.\n"
"SIGHUP reloads the config, SIGTERM or SIGINT stops.\n"
"\n"
"  -c, --config FILE      config file\n"
"      --history FILE     history database (default: the config's); one\n"
"                         watch per history (lock: FILE.lock)\n"
"      --no-history       neither read nor write history\n"
"      --log-format FMT   text (default) or json: one line per event on\n"
"                         stderr\n"
"      --listen ADDR      serve /metrics, /healthz, /readyz on ADDR\n"
"                         (default 127.0.0.1:9464; [::1]:9464, :9464)\n"
"      --no-listen        no HTTP listener\n"
"      --tls-cert FILE    serve HTTPS with this PEM certificate ...\n"
"      --tls-key FILE     ... and its key\n"
"      --auth-file FILE   basic auth: user:bcrypt lines (htpasswd -B)\n"
"      --insecure-listen  allow a non-loopback address without TLS or auth\n"
"      --shard K/N        poll only shard K of N (a stable hash of each\n"
"                         dataset's name): N agents split one config\n"
"      --log FILE         diagnostic log (secrets redacted)\n"
"  -V, --version          print the version\n", f);
}

struct watch_opts {
	struct lw_cli_common co;
	struct lw_listen_opts listen;
	bool no_listen;
	struct lw_watch_logger logger;
	unsigned shard, nshards;	/* --shard K/N, 0-based; 0 of 0: all */
};

static int parse_args(int argc, char **argv, struct watch_opts *o)
{
	enum { O_LOG_FORMAT = 256, O_LISTEN, O_NO_LISTEN, O_TLS_CERT,
	       O_TLS_KEY, O_AUTH_FILE, O_INSECURE, O_SHARD };
	static const struct option opts[] = {
		LW_CLI_COMMON_OPTIONS,
		{"help", no_argument, NULL, 'h'},
		{"log-format", required_argument, NULL, O_LOG_FORMAT},
		{"listen", required_argument, NULL, O_LISTEN},
		{"no-listen", no_argument, NULL, O_NO_LISTEN},
		{"tls-cert", required_argument, NULL, O_TLS_CERT},
		{"tls-key", required_argument, NULL, O_TLS_KEY},
		{"auth-file", required_argument, NULL, O_AUTH_FILE},
		{"insecure-listen", no_argument, NULL, O_INSECURE},
		{"shard", required_argument, NULL, O_SHARD},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof *o);
	o->listen.addr = "127.0.0.1:9464";
	int c, k;
	while ((c = getopt_long(argc, argv, LW_CLI_COMMON_SHORT "h", opts,
				NULL)) != -1) {
		if ((k = lw_cli_common_opt(c, optarg, &o->co)) != 0) {
			if (k < 0)
				return -1;
			continue;
		}
		switch (c) {
		case 'h': watch_usage(stdout); return -1;
		case O_LOG_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				fprintf(stderr, "lakewatch watch: --log-format "
					"takes text or json, not '%s'\n", optarg);
				return LW_EXIT_USAGE;
			}
			o->logger.json = strcmp(optarg, "json") == 0;
			break;
		case O_LISTEN: o->listen.addr = optarg; break;
		case O_NO_LISTEN: o->no_listen = true; break;
		case O_TLS_CERT: o->listen.tls_cert = optarg; break;
		case O_TLS_KEY: o->listen.tls_key = optarg; break;
		case O_AUTH_FILE: o->listen.auth_file = optarg; break;
		case O_INSECURE: o->listen.insecure = true; break;
		case O_SHARD:
			if (lw_cli_shard_opt("watch", optarg, &o->shard,
					     &o->nshards))
				return LW_EXIT_USAGE;
			break;
		default: watch_usage(stderr); return LW_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lakewatch watch: unexpected argument '%s'\n",
			argv[optind]);
		return LW_EXIT_USAGE;
	}
	return 0;
}

/* One watch per history: an exclusive flock on path + ".lock", held
 * until the process ends, naming the holder's pid. The fd, or -1 after
 * saying why. */
static int take_lock(const char *hist_path)
{
	char *lp = lw_xasprintf("%s.lock", hist_path);
	int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "lakewatch watch: cannot open the lock file %s: "
			"%s\n", lp, strerror(errno));
		free(lp);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		char pid[32] = "";
		ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		fprintf(stderr, "lakewatch watch: another lakewatch watch is "
			"already running on the history %s (%s%s%s holds %s); "
			"one watch per history\n", hist_path,
			*pid ? "pid " : "", pid, *pid ? "" : "a process", lp);
		close(fd);
		free(lp);
		return -1;
	}
	char buf[32];
	int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)len, 0) != len)
		fprintf(stderr, "lakewatch watch: %s: cannot write the pid\n", lp);
	free(lp);
	return fd;
}

struct sig_ctx {
	struct lw_watch *w;
	struct lw_notify_thread *notify;	/* NULL without a notify section
					 * or history */
	const char *config;		/* the path loaded at start */
	struct lw_watch_logger *logger;
	sigset_t set;
};

static void log_msg(struct sig_ctx *s, enum lw_log_level l, const char *msg)
{
	lw_watch_log_event(s->logger, l, NULL, NULL, msg);
}

/* SIGHUP: load the config again; the old one stays when the new fails. */
static void reload(struct sig_ctx *s)
{
	struct lw_config *cfg = NULL;
	struct lw_buf errors;
	lw_buf_init(&errors, LW_BUF_1M);
	int rc = lw_config_load(s->config, &cfg, &errors);
	if (rc == 0 && cfg->ndatasets == 0) {
		lw_config_free(cfg);
		rc = LW_ECONFIG;
		lw_buf_reset(&errors);
		if (lw_buf_adds(&errors, "no datasets") != LW_OK)
			lw_buf_reset(&errors);
	}
	if (rc) {
		char *m = lw_xasprintf("reload failed, keeping the running "
			"config: %s", errors.data ? errors.data : "invalid config");
		log_msg(s, LW_LOG_ERROR, m);
		free(m);
	} else {
		char *m = lw_xasprintf("config reloaded from %s: %zu datasets",
				       s->config, cfg->ndatasets);
		log_msg(s, LW_LOG_INFO, m);
		free(m);
		if (cfg->notify && !s->notify)
			log_msg(s, LW_LOG_WARN, "the notify section takes "
				"effect after a restart (no sender was running)");
		struct lw_cfgref *ref = lw_cfgref_new(cfg);
		if (s->notify)
			lw_notify_thread_reload(s->notify, ref);
		lw_watch_set_config(s->w, ref);	/* takes ref over */
	}
	lw_buf_free(&errors);
}

/* The signal thread: lives until the process ends. */
static void *sig_thread(void *arg)
{
	struct sig_ctx *s = arg;
	bool stopping = false;
	for (;;) {
		int sig = 0;
		struct timespec grace = {STOP_GRACE, 0};
		if (!stopping) {
			if (sigwait(&s->set, &sig) != 0)
				continue;
		} else if ((sig = sigtimedwait(&s->set, NULL, &grace)) < 0) {
			if (errno != EAGAIN)
				continue;
			log_msg(s, LW_LOG_ERROR, "the poll did not stop in time; "
				"exiting without waiting for it");
			_exit(1);
		}
		if (sig == SIGHUP && !stopping) {
			reload(s);
		} else if (sig == SIGTERM || sig == SIGINT) {
			if (stopping) {
				log_msg(s, LW_LOG_ERROR, "second signal: exiting now");
				_exit(1);
			}
			log_msg(s, LW_LOG_INFO, sig == SIGTERM ? "SIGTERM: stopping"
				: "SIGINT: stopping");
			stopping = true;
			lw_watch_stop(s->w);
		}
	}
	return NULL;
}

/* The listener, unless --no-listen; LW_EXIT_USAGE after saying why. */
static int start_listener(const struct watch_opts *o, struct lw_serve **srv)
{
	struct lw_err err;
	*srv = NULL;
	if (o->no_listen)
		return 0;
	lw_err_clear(&err);
	if (lw_serve_start(&o->listen, srv, &err)) {
		fprintf(stderr, "lakewatch watch: %s\n", err.msg);
		return LW_EXIT_USAGE;
	}
	return 0;
}

static int open_history(const struct watch_opts *o,
			const struct lw_config *cfg, int *lock_fd,
			struct lw_history **hist)
{
	struct lw_err err;
	*hist = NULL;
	*lock_fd = -1;
	if (o->co.no_history)
		return 0;
	const char *hp = o->co.history ? o->co.history : cfg->history_path;
	if ((*lock_fd = take_lock(hp)) < 0)
		return LW_EXIT_USAGE;
	if (lw_history_open(hp, false, hist, &err)) {
		fprintf(stderr, "lakewatch watch: history: %s\n", err.msg);
		return LW_EXIT_USAGE;
	}
	return 0;
}

/* The sender thread's lines into the event log (lw_notify_log_cb). */
static void notify_log(void *ud, enum lw_log_level lvl, const char *msg)
{
	lw_watch_log_event(ud, lvl, NULL, NULL, msg);
}

/* The sender thread, when the config has a notify section and history is
 * kept (the outbox is in it); NULL otherwise, or after logging why not.
 * It opens its own handle on the history, so a slow endpoint never holds
 * the poll's. */
static struct lw_notify_thread *start_notify(struct watch_opts *o,
					     struct lw_cfgref *ref,
					     struct lw_history *hist)
{
	const struct lw_config *cfg = ref->cfg;
	if (!cfg->notify || !hist) {
		if (cfg->notify)
			lw_watch_log_event(&o->logger,
					   LW_LOG_WARN, NULL, NULL, "notify: "
					   "nothing is sent without history "
					   "(the outbox is kept in it)");
		return NULL;
	}
	struct lw_err err;
	lw_err_clear(&err);
	const char *hp = o->co.history ? o->co.history : cfg->history_path;
	struct lw_notify_thread *t = lw_notify_thread_start(ref, hp, notify_log,
							    &o->logger, &err);
	if (!t)
		lw_watch_log_event(&o->logger,
				   LW_LOG_ERROR, NULL, NULL, err.msg);
	return t;
}

/* How many of cfg's datasets o's shard holds (all without --shard). */
static size_t shard_size(const struct watch_opts *o,
			 const struct lw_config *cfg)
{
	size_t n = 0;
	for (size_t i = 0; i < cfg->ndatasets; i++)
		n += lw_shard_has(cfg->datasets[i].name, o->shard, o->nshards);
	return n;
}

/* A shard that holds no dataset would watch nothing and look healthy: a
 * usage error, like check's filters that select nothing. */
static int check_shard(const struct watch_opts *o, const struct lw_config *cfg)
{
	if (o->nshards <= 1 || shard_size(o, cfg) > 0)
		return 0;
	fprintf(stderr, "lakewatch watch: --shard %u/%u: no dataset of %s "
		"falls in that shard (%zu datasets in %u shards): nothing to "
		"watch\n", o->shard + 1, o->nshards, cfg->file, cfg->ndatasets,
		o->nshards);
	return LW_EXIT_USAGE;
}

static void log_start(struct lw_watch_logger *lg, const struct watch_opts *o,
		      const struct lw_config *cfg, struct lw_serve *srv)
{
	char sh[64] = "";
	if (o->nshards > 1)
		snprintf(sh, sizeof sh, " of %zu in shard %u/%u", cfg->ndatasets,
			 o->shard + 1, o->nshards);
	char *m = lw_xasprintf("lakewatch %s watching %s: %zu datasets%s, "
			       "every %llds", LW_VERSION, cfg->file,
			       shard_size(o, cfg), sh, (long long)cfg->interval);
	lw_watch_log_event(lg, LW_LOG_INFO, NULL, NULL, m);
	free(m);
	if (srv) {
		const char *a = o->listen.addr;
		const char *colon = strrchr(a, ':');
		m = lw_xasprintf("listening on %.*s:%d (%s%s)",
				 (int)(colon - a), a, lw_serve_port(srv),
				 o->listen.tls_cert ? "https" : "http",
				 o->listen.auth_file ? ", basic auth" : "");
		lw_watch_log_event(lg, LW_LOG_INFO, NULL, NULL, m);
		free(m);
	}
}

int lw_cmd_watch(int argc, char **argv)
{
	struct watch_opts o;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct sig_ctx s = {.logger = &o.logger};
	sigemptyset(&s.set);
	sigaddset(&s.set, SIGHUP);
	sigaddset(&s.set, SIGTERM);
	sigaddset(&s.set, SIGINT);
	/* before any thread starts (libmicrohttpd's, curl's), so all inherit */
	pthread_sigmask(SIG_BLOCK, &s.set, NULL);
	struct lw_config *cfg = NULL;
	char *path = NULL;
	struct lw_history *hist = NULL;
	struct lw_serve *srv = NULL;
	int lock_fd = -1;
	if ((rc = lw_cli_open_log("watch", &o.co)) != 0 ||
	    (rc = lw_cli_load_config(o.co.config, &cfg, &path)) != 0 ||
	    (rc = check_shard(&o, cfg)) != 0 ||
	    (rc = open_history(&o, cfg, &lock_fd, &hist)) != 0 ||
	    (rc = start_listener(&o, &srv)) != 0) {
		lw_history_close(hist);
		lw_config_free(cfg);
		free(path);
		if (lock_fd >= 0)
			close(lock_fd);
		return rc;
	}
	log_start(&o.logger, &o, cfg, srv);
	struct lw_cfgref *ref = lw_cfgref_new(cfg);
	s.notify = start_notify(&o, ref, hist);
	struct lw_watch *w = lw_watch_new(ref, hist, srv, lw_watch_log_event,
					  &o.logger);
	lw_watch_set_notifier(w, s.notify);
	lw_watch_set_shard(w, o.shard, o.nshards);
	s.w = w;
	s.config = path;
	pthread_t th;
	if (pthread_create(&th, NULL, sig_thread, &s) != 0) {
		fprintf(stderr, "lakewatch watch: cannot start a thread\n");
		rc = 1;
	} else {
		pthread_detach(th);
		rc = lw_watch_run(w);
		lw_watch_log_event(&o.logger, LW_LOG_INFO, NULL, NULL, "stopped");
	}
	lw_serve_stop(srv);	/* before the state it serves goes */
	lw_notify_thread_stop(s.notify);	/* what is in flight stays pending */
	lw_watch_free(w);
	lw_history_close(hist);
	if (lock_fd >= 0)
		close(lock_fd);
	lw_log_close();
	/* the signal thread reloads no more once it asked to stop */
	free(path);
	return rc;
}
