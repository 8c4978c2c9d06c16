/* buf.h - growing byte buffers with a hard maximum (after curl's dynbuf).
 *
 * Every buffer that grows from outside input has a ceiling set at init, so a
 * hostile file or HTTP answer can never make lakewatch eat the machine.
 * The buffer always keeps a NUL after its data, so text can be used in place.
 *
 * The append contract:
 *  - Every lw_buf_add* returns LW_OK, or LW_ETOOBIG when len would pass max
 *    (LW_EPARSE when a format string cannot be expanded). The result must be
 *    used: the functions are warn_unused_result, and a (void) cast does not
 *    silence that in GCC, on purpose.
 *  - A failed append makes the buffer *failed* ("sticky", like curl's
 *    dynbuf freeing itself on failure): its data is freed, len is 0, and
 *    every later append fails with the same code. A truncated result can
 *    therefore never pass as whole, even through a caller that only checks
 *    the last append. lw_buf_failed() tells a failed buffer apart.
 *  - lw_buf_steal() of a failed buffer gives NULL (and leaves the buffer
 *    empty and usable again); of a good buffer, never NULL.
 *  - lw_buf_reset() and lw_buf_free() are the owner starting over: both
 *    clear the failed state.
 *  - Callers propagate LW_ETOOBIG as an error naming what was too big where
 *    input drives the size; report writers turn it into "report: larger
 *    than N MB" rather than writing a short report.
 */
#ifndef LAKEWATCH_BUF_H
#define LAKEWATCH_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>

struct lw_buf {
	char *data;	/* owned; NULL until the first add, and once failed */
	size_t len;	/* bytes in use, not counting the trailing NUL */
	size_t cap;
	size_t max;	/* hard ceiling for len */
	int failed;	/* LW_OK, or the code of the append that failed */
};

#define LW_BUF_1K   ((size_t)1024)
#define LW_BUF_1M   ((size_t)1024 * 1024)

#define LW_BUF_MUST_USE __attribute__((warn_unused_result))

void lw_buf_init(struct lw_buf *b, size_t max);
/* Return LW_OK, or LW_ETOOBIG when len would pass max; on failure the
 * buffer is failed (see above). */
int lw_buf_add(struct lw_buf *b, const void *p, size_t n) LW_BUF_MUST_USE;
int lw_buf_adds(struct lw_buf *b, const char *s) LW_BUF_MUST_USE;
int lw_buf_addc(struct lw_buf *b, char c) LW_BUF_MUST_USE;
int lw_buf_addf(struct lw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3))) LW_BUF_MUST_USE;
int lw_buf_vaddf(struct lw_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0))) LW_BUF_MUST_USE;
/* True once an append has failed, until reset, free or steal. */
bool lw_buf_failed(const struct lw_buf *b);
void lw_buf_reset(struct lw_buf *b);	/* len = 0, keeps memory, not failed */
void lw_buf_free(struct lw_buf *b);	/* frees memory, keeps max, not failed */
/* Hand the data to the caller, who frees it; the buffer is left empty.
 * An empty good buffer gives an empty string; a failed buffer gives NULL. */
char *lw_buf_steal(struct lw_buf *b);

#endif
