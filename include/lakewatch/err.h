/* err.h - error codes and the error record passed down every call chain.
 *
 * Functions return an int code (LW_OK or one of LW_E*) and, when they fail,
 * fill a caller-owned struct lw_err with a one-line message that names what
 * and where ("bronze/pos/2026-11-20.csv: line 14: unterminated quote").
 * The caller owns the struct; nothing in it needs freeing.
 */
#ifndef LAKEWATCH_ERR_H
#define LAKEWATCH_ERR_H

enum lw_rc {
	LW_OK = 0,
	LW_ENOMEM,	/* allocation failed */
	LW_ETOOBIG,	/* a hard limit (buffer max, count) was reached */
	LW_EPARSE,	/* input is malformed */
	LW_EIO,		/* read/write failed */
	LW_ENOTFOUND,	/* path, dataset, blob does not exist */
	LW_EPERM,	/* permission denied (fs EACCES, HTTP 403) */
	LW_ETIMEOUT,
	LW_EUNSUPPORTED,/* valid input we do not handle (encrypted footer...) */
	LW_ENET,	/* connection, DNS, TLS */
	LW_EAUTH,	/* credentials rejected (401) */
	LW_ECONFIG,	/* configuration is wrong */
	LW_ESTOP,	/* a callback asked to stop early; not an error to report */
};

#define LW_ERR_MSG 1024

struct lw_err {
	int code;
	char msg[LW_ERR_MSG];
};

/* Set code and message (printf-style). Returns code, so
 * `return lw_err_set(err, LW_EPARSE, "...")` reads naturally.
 * err may be NULL. Secrets are redacted from the message. */
int lw_err_set(struct lw_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Put "prefix: " before an existing message (adds where-context as an error
 * travels up: "dataset gold.sales: " + "part-0.parquet: bad footer"). */
int lw_err_prefix(struct lw_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lw_err_clear(struct lw_err *err);
const char *lw_rc_name(int code);	/* static string, e.g. "parse error" */

#endif
