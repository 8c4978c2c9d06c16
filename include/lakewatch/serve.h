/* serve.h - the HTTP listener of `lakewatch watch` (serve/, libmicrohttpd):
 * /metrics, /healthz and /readyz.
 *
 * The listener never renders on a scrape: the poll loop renders the
 * exposition once per poll (metrics.h) and publishes it here, with a gzip
 * copy made then; a scrape queues the last published answer under a lock
 * held only for that, so a scrape never waits for a poll. Only GET (and HEAD) of those paths is served: anything else is
 * 404 or 405, with limits on request size and time. A non-loopback
 * address needs TLS or basic auth unless insecure is set.
 */
#ifndef LAKEWATCH_SERVE_H
#define LAKEWATCH_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include "lakewatch/err.h"

struct lw_listen_opts {
	const char *addr;	/* "127.0.0.1:9464", "[::1]:9464", ":9464" */
	const char *tls_cert;	/* PEM files; both or neither */
	const char *tls_key;
	const char *auth_file;	/* "user:bcrypt-hash" lines (htpasswd -B) */
	bool insecure;		/* --insecure-listen: allow a non-loopback
				 * address without TLS or auth */
	int idle_timeout_s;	/* a connection silent this long is closed,
				 * a request half sent included; 0 = 10 */
};
struct lw_serve;

/* Start listening (own threads). LW_ECONFIG with a message naming the
 * address when it is refused or cannot be bound. *out is the caller's
 * (lw_serve_stop). */
int lw_serve_start(const struct lw_listen_opts *o, struct lw_serve **out,
		   struct lw_err *err);
/* Make prom (text format 0.0.4) and om (OpenMetrics 1.0.0) what /metrics
 * answers from now on, chosen by the scrape's Accept header, gzip-compressed
 * (Content-Encoding: gzip) when its Accept-Encoding allows. Both are copied
 * and compressed here; called by the poll loop after each poll. A failed
 * compression still publishes the plain text and returns an error saying
 * why; any other error keeps the previous publication. */
int lw_serve_publish(struct lw_serve *s, const char *prom, size_t prom_len,
		     const char *om, size_t om_len, struct lw_err *err);
/* /readyz answers 200 once set (a first poll completed), 503 before. */
void lw_serve_set_ready(struct lw_serve *s, bool ready);
/* The port actually bound (":0" asks for any). */
int lw_serve_port(const struct lw_serve *s);
void lw_serve_stop(struct lw_serve *s);	/* NULL is fine */

#endif
