/* metrics.h - the show stage for Prometheus: the exposition of one poll
 * (report/metrics.c) and the HTTP listener that serves it (serve/).
 *
 * The listener never renders on a scrape: the poll thread renders both
 * formats once per poll (lw_serve_publish) and a scrape copies the last
 * published text under a lock, so a scrape never waits for a poll.
 * Series are documented in docs/metrics.md (names, types, labels).
 */
#ifndef LAKEWATCH_METRICS_H
#define LAKEWATCH_METRICS_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "lakewatch/run.h"
#include "lakewatch/buf.h"
#include "lakewatch/err.h"

enum lw_metrics_fmt { LW_METRICS_PROMETHEUS = 0,	/* text 0.0.4 */
		      LW_METRICS_OPENMETRICS };		/* 1.0.0, # EOF */

/* Cumulative request counters of one lake since the process started. */
struct lw_metrics_lake {
	const char *lake;		/* borrowed: the lake's config name */
	int64_t requests, bytes, retries, errors;
};

/* Poll duration histogram, seconds (cumulative since start). */
#define LW_METRICS_NBUCKETS 12
struct lw_metrics_hist {
	uint64_t counts[LW_METRICS_NBUCKETS + 1];	/* last: +Inf only */
	double sum;
	uint64_t count;
};
extern const double lw_metrics_bounds[LW_METRICS_NBUCKETS];
void lw_metrics_hist_observe(struct lw_metrics_hist *h, double seconds);

/* Delivery counters of one notification channel (notify/). */
struct lw_metrics_channel {
	const char *channel;		/* borrowed: the channel's config name */
	int64_t sent, failed, pending;
};

/* Everything one exposition is made from; all borrowed. run is the last
 * completed poll (NULL before the first: only build info and process
 * series are written). */
struct lw_metrics_in {
	const struct lw_config *cfg;
	const struct lw_run *run;
	const struct lw_metrics_lake *lakes;	size_t nlakes;
	const struct lw_metrics_hist *polls;	/* may be NULL */
	const struct lw_metrics_channel *channels; size_t nchannels;
	int64_t now;				/* epoch seconds */
};

/* Append the exposition of in to out (report/metrics.c). Label values are
 * escaped; no message or path is ever a label. */
int lw_metrics_render(const struct lw_metrics_in *in, enum lw_metrics_fmt fmt,
		      struct lw_buf *out) __attribute__((warn_unused_result));

/* --- the listener (serve/) --- */
struct lw_listen_opts {
	const char *addr;	/* "127.0.0.1:9464", "[::1]:9464", ":9464" */
	const char *tls_cert;	/* PEM files; both or neither */
	const char *tls_key;
	const char *auth_file;	/* "user:bcrypt-hash" lines (htpasswd -B) */
	bool insecure;		/* --insecure-listen: allow a non-loopback
				 * address without TLS or auth */
};
struct lw_serve;

/* Start listening (own threads). LW_ECONFIG with a message naming the
 * address when it is refused or cannot be bound. *out is the caller's
 * (lw_serve_stop). */
int lw_serve_start(const struct lw_listen_opts *o, struct lw_serve **out,
		   struct lw_err *err);
/* Render in both formats and make them what /metrics answers from now on.
 * Called by the poll loop after each poll; in is not kept. */
int lw_serve_publish(struct lw_serve *s, const struct lw_metrics_in *in,
		     struct lw_err *err);
/* /readyz answers 200 once set (a first poll completed), 503 before. */
void lw_serve_set_ready(struct lw_serve *s, bool ready);
/* The port actually bound (":0" asks for any). */
int lw_serve_port(const struct lw_serve *s);
void lw_serve_stop(struct lw_serve *s);	/* NULL is fine */

#endif
