/* secret.h - keep keys, SAS tokens and bearer tokens out of every output.
 *
 * Anything that becomes a secret (an account key, a SAS token, a client
 * secret, a bearer token) is registered once when it is loaded. Every writer
 * of text that leaves the process - error messages, logs, reports, the
 * history database, the dashboard - passes text through lw_redact(), which
 * replaces registered secrets and well-known secret shapes (sig=..., 
 * AccountKey=..., "Bearer ...", client_secret=...) by "***".
 */
#ifndef LAKEWATCH_SECRET_H
#define LAKEWATCH_SECRET_H

#include <stdarg.h>
#include <stddef.h>

/* Remember s (copied) as a secret. Short strings (< 8 chars) are ignored so
 * that redaction never eats ordinary words. Thread-safe. */
void lw_secret_register(const char *s);
/* Redact in place; the result is never longer than the input. */
void lw_redact(char *s);
/* Redacted copy; caller frees. */
char *lw_redact_dup(const char *s);
/* printf into dst (n bytes): the whole text is redacted first, then cut,
 * so no part of a secret survives a cut. */
void lw_redact_vfmt(char *dst, size_t n, const char *fmt, va_list ap);
void lw_redact_fmt(char *dst, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void lw_secret_clear_all(void);	/* tests */

/* Scrub secret material before its memory goes back: OPENSSL_cleanse,
 * which the compiler may not drop as a dead store (memset may be). */
void lw_secret_wipe(void *p, size_t n);
/* Wipe the string s (up to its NUL) and free it; NULL is fine. */
void lw_secret_free(char *s);

#endif
