/* err.c - error records. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <stdarg.h>
#include "lakewatch/err.h"
#include "lakewatch/secret.h"

int lw_err_set(struct lw_err *err, int code, const char *fmt, ...)
{
	assert(fmt != NULL);
	if (!err)
		return code;
	va_list ap;
	va_start(ap, fmt);
	lw_redact_vfmt(err->msg, sizeof err->msg, fmt, ap);	/* then cut */
	va_end(ap);
	err->code = code;
	return code;
}

int lw_err_prefix(struct lw_err *err, const char *fmt, ...)
{
	if (!err)
		return LW_OK;
	char pre[LW_ERR_MSG], old[LW_ERR_MSG];
	va_list ap;
	va_start(ap, fmt);
	lw_redact_vfmt(pre, sizeof pre, fmt, ap);
	va_end(ap);
	/* a message is always a string: set or cleared before it is read */
	assert(memchr(err->msg, '\0', sizeof err->msg) != NULL);
	memcpy(old, err->msg, sizeof old);
	size_t pl = strnlen(pre, sizeof pre - 3);
	memcpy(err->msg, pre, pl);
	memcpy(err->msg + pl, ": ", 2);
	snprintf(err->msg + pl + 2, sizeof err->msg - pl - 2, "%s", old);
	lw_redact(err->msg);
	return err->code;
}

void lw_err_clear(struct lw_err *err)
{
	if (err) {
		err->code = LW_OK;
		err->msg[0] = '\0';
	}
}

const char *lw_rc_name(int code)
{
	static const char *const names[] = {
		"ok", "out of memory", "limit reached", "parse error",
		"I/O error", "not found", "permission denied", "timed out",
		"unsupported", "network error", "authentication failed",
		"configuration error", "stopped",
	};
	if (code < 0 || (size_t)code >= sizeof names / sizeof names[0])
		return "unknown error";
	return names[code];
}
