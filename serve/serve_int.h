/* serve_int.h - serve/'s internal parts: the address parser and the basic
 * auth password file (auth.c), the Accept-Encoding parser (encoding.c),
 * shared with serve.c. */
#ifndef LAKEWATCH_SERVE_INT_H
#define LAKEWATCH_SERVE_INT_H

#include <stdbool.h>
#include <sys/socket.h>
#include "lakewatch/err.h"

/* The most users an auth file may hold, and its largest size. */
#define LW_AUTH_MAX_USERS 256
#define LW_AUTH_MAX_BYTES (256 * 1024)

struct lw_auth;

/* Load "user:bcrypt-hash" lines (htpasswd -B; '#' comments and blank lines
 * skipped). LW_ECONFIG naming the file and line on a bad line. *out is the
 * caller's (lw_auth_free). */
int lw_auth_load(const char *path, struct lw_auth **out, struct lw_err *err);
/* Whether user and pass match a line (bcrypt through crypt(3); a pair
 * verified once is remembered by its SHA-256, so a scrape every second
 * does not pay bcrypt's cost each time). Thread-safe. */
bool lw_auth_check(struct lw_auth *a, const char *user, const char *pass);
void lw_auth_free(struct lw_auth *a);	/* NULL is fine */

/* Whether an Accept-Encoding value (NULL: the header is absent) allows a
 * gzip answer: "gzip" or "x-gzip" with a weight above 0, or "*" above 0
 * when gzip is not named. "gzip;q=0" refuses. */
bool lw_accepts_gzip(const char *ae);

/* Parse "127.0.0.1:9464", "[::1]:9464", ":9464" (every address),
 * "localhost:9464" into ss/len. *loopback tells whether only this host can
 * connect. LW_ECONFIG with a message naming addr. */
int lw_listen_parse(const char *addr, struct sockaddr_storage *ss,
		    socklen_t *len, bool *loopback, struct lw_err *err);

#endif
