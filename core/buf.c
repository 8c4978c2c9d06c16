/* buf.c - growing byte buffers with a hard maximum. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/buf.h"
#include "lakewatch/err.h"
#include "lakewatch/util.h"

/* The invariants every function below keeps. */
static void buf_check(const struct lw_buf *b)
{
	(void)b;
	assert(b != NULL);
	assert(b->len <= b->max);
	assert(b->data ? b->len < b->cap : b->len == 0 && b->cap == 0);
	assert(!b->data || b->data[b->len] == '\0');
	assert(!b->failed || b->data == NULL);
}

void lw_buf_init(struct lw_buf *b, size_t max)
{
	assert(b != NULL);
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->failed = LW_OK;
}

/* Make the buffer failed: nothing it held may be used as a whole result. */
static int buf_fail(struct lw_buf *b, int rc)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = rc;
	return rc;
}

/* Make room for n more bytes plus the NUL; LW_ETOOBIG past max. */
static int reserve(struct lw_buf *b, size_t n)
{
	buf_check(b);
	if (b->failed)
		return b->failed;
	if (n > b->max || b->len > b->max - n)
		return buf_fail(b, LW_ETOOBIG);
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return LW_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = lw_xrealloc(b->data, cap);
	b->cap = cap;
	return LW_OK;
}

int lw_buf_add(struct lw_buf *b, const void *p, size_t n)
{
	assert(p != NULL || n == 0);
	int rc = reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	buf_check(b);
	return LW_OK;
}

int lw_buf_adds(struct lw_buf *b, const char *s)
{
	assert(s != NULL);
	return lw_buf_add(b, s, strlen(s));
}

int lw_buf_addc(struct lw_buf *b, char c)
{
	return lw_buf_add(b, &c, 1);
}

int lw_buf_vaddf(struct lw_buf *b, const char *fmt, va_list ap)
{
	assert(fmt != NULL);
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (b->failed)
		return b->failed;
	if (n < 0)
		return buf_fail(b, LW_EPARSE);
	int rc = reserve(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	buf_check(b);
	return LW_OK;
}

int lw_buf_addf(struct lw_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = lw_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

bool lw_buf_failed(const struct lw_buf *b)
{
	buf_check(b);
	return b->failed != LW_OK;
}

void lw_buf_reset(struct lw_buf *b)
{
	buf_check(b);
	b->len = 0;
	b->failed = LW_OK;
	if (b->data)
		b->data[0] = '\0';
}

void lw_buf_free(struct lw_buf *b)
{
	assert(b != NULL);
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = LW_OK;
}

/* The caller owns the returned string; NULL when the buffer had failed. */
char *lw_buf_steal(struct lw_buf *b)
{
	buf_check(b);
	char *s = b->failed ? NULL : b->data ? b->data : lw_xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = LW_OK;
	return s;
}
