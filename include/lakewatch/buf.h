/* buf.h - growing byte buffers with a hard maximum (after curl's dynbuf).
 *
 * Every buffer that grows from outside input has a ceiling set at init, so a
 * hostile file or HTTP answer can never make lakewatch eat the machine.
 * The buffer always keeps a NUL after its data, so text can be used in place.
 */
#ifndef LAKEWATCH_BUF_H
#define LAKEWATCH_BUF_H

#include <stddef.h>
#include <stdarg.h>

struct lw_buf {
	char *data;	/* owned; NULL until the first add */
	size_t len;	/* bytes in use, not counting the trailing NUL */
	size_t cap;
	size_t max;	/* hard ceiling for len */
};

#define LW_BUF_1K   ((size_t)1024)
#define LW_BUF_1M   ((size_t)1024 * 1024)

void lw_buf_init(struct lw_buf *b, size_t max);
/* Return LW_OK, or LW_ETOOBIG when len would pass max (buffer unchanged). */
int lw_buf_add(struct lw_buf *b, const void *p, size_t n);
int lw_buf_adds(struct lw_buf *b, const char *s);
int lw_buf_addc(struct lw_buf *b, char c);
int lw_buf_addf(struct lw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int lw_buf_vaddf(struct lw_buf *b, const char *fmt, va_list ap);
void lw_buf_reset(struct lw_buf *b);	/* len = 0, keeps memory */
void lw_buf_free(struct lw_buf *b);	/* frees memory, keeps max */
/* Hand the data to the caller, who frees it; the buffer is left empty.
 * Never NULL: an empty buffer gives an empty string. */
char *lw_buf_steal(struct lw_buf *b);

#endif
