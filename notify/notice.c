/* notice.c - the words and the request type shared by every channel. */
#include <stdlib.h>
#include "lakewatch/notify.h"
#include "lakewatch/http.h"
#include "lakewatch/secret.h"

/* Static storage. */
const char *lw_notice_kind_name(enum lw_notice_kind k)
{
	switch (k) {
	case LW_NOTICE_OPENED: return "opened";
	case LW_NOTICE_ESCALATED: return "escalated";
	case LW_NOTICE_REMINDER: return "reminder";
	case LW_NOTICE_RESOLVED: return "resolved";
	case LW_NOTICE_TEST: return "test";
	}
	return "?";
}

/* Frees r's members (the struct is the caller's) and leaves it empty. */
void lw_notify_req_free(struct lw_notify_req *r)
{
	if (!r)
		return;
	free(r->url);
	for (size_t i = 0; i < r->nheaders; i++)
		free(r->headers[i]);
	free(r->body);
	*r = (struct lw_notify_req){0};
}

/* See notify.h. */
void lw_notify_secret_url(const char *url)
{
	if (!url)
		return;
	lw_secret_register(url);
	char *where = lw_http_url_where(url);
	if (where)
		lw_secret_register(where);
	lw_secret_free(where);
}
