/* channel_post.c - the services suites' driver for the channel kinds:
 * reads a channel config (JSON), renders one of the batches of
 * tests/unit/notices.h with that kind, POSTs each request with libcurl
 * (the notify lane's sender is not used: this tests what a kind renders
 * and how it reads the answer), and prints one line per request:
 *
 *   <http status> <delivered|retry|rejected> retry-after=<value|->
 *
 * then the answer's body on the next line. --break first spoils the body
 * the way each service must refuse (a missing label set, a severity
 * outside PagerDuty's enum, no attachments, a header past 150 characters).
 *
 *   channel_post KIND CONFIG.json FIXTURE [--break]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include "lakewatch/cfgctx.h"
#include "lakewatch/err.h"
#include "lakewatch/notify.h"
#include "lakewatch/util.h"
#include "notices.h"

struct answer {
	char body[8192];
	size_t len;
	char retry_after[64];
};

static size_t on_body(char *p, size_t sz, size_t n, void *u)
{
	struct answer *a = u;
	size_t take = sz * n;
	if (take > sizeof a->body - 1 - a->len)
		take = sizeof a->body - 1 - a->len;
	memcpy(a->body + a->len, p, take);
	a->len += take;
	a->body[a->len] = '\0';
	return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *u)
{
	struct answer *a = u;
	size_t len = sz * n;
	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		size_t i = 12;
		while (i < len && p[i] == ' ')
			i++;
		size_t k = 0;
		while (i < len && p[i] != '\r' && p[i] != '\n' &&
		       k < sizeof a->retry_after - 1)
			a->retry_after[k++] = p[i++];
		a->retry_after[k] = '\0';
	}
	return len;
}

/* The way each service must refuse a body (see the top). Caller frees. */
static char *spoil(const char *kind, const char *body)
{
	cJSON *j = cJSON_Parse(body);
	if (strcmp(kind, "alertmanager") == 0) {
		cJSON *a = cJSON_GetArrayItem(j, 0);
		cJSON_ReplaceItemInObject(a, "labels", cJSON_CreateObject());
	} else if (strcmp(kind, "pagerduty") == 0) {
		cJSON *p = cJSON_GetObjectItem(j, "payload");
		cJSON_ReplaceItemInObject(p, "severity", cJSON_CreateString("fatal"));
	} else if (strcmp(kind, "teams") == 0) {
		cJSON_DeleteItemFromObject(j, "attachments");
	} else {
		char big[200];
		memset(big, 'H', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		cJSON *h = cJSON_GetObjectItem(cJSON_GetArrayItem(
				cJSON_GetObjectItem(j, "blocks"), 0), "text");
		cJSON_ReplaceItemInObject(h, "text", cJSON_CreateString(big));
	}
	char *out = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return out;
}

static int post(const struct lw_channel_kind *k, const void *state,
		struct lw_notify_req *r)
{
	struct answer a = {0};
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	for (size_t i = 0; i < r->nheaders; i++)
		h = curl_slist_append(h, r->headers[i]);
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)r->len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &a);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	enum lw_deliver d = k->classify(state, status, a.body, a.len);
	printf("%ld %s retry-after=%s\n%s\n", status,
	       d == LW_DELIVERED ? "delivered" : d == LW_RETRY ? "retry" :
	       "rejected", a.retry_after[0] ? a.retry_after : "-", a.body);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: channel_post KIND CONFIG.json FIXTURE [--break]\n");
		return 2;
	}
	const struct lw_channel_kind *k = lw_channel_kind_find(argv[1]);
	char *text = NULL;
	size_t len;
	struct lw_err err;
	struct lwt_batch t;
	if (!k || lw_read_file(argv[2], 1 << 20, &text, &len, &err) ||
	    !lwt_make(&t, argv[3])) {
		fprintf(stderr, "channel_post: bad kind, config or fixture\n");
		return 2;
	}
	cJSON *cfg = cJSON_Parse(text);
	struct lw_cfgctx cc;
	lw_cfgctx_init(&cc, argv[2], NULL);
	void *state = NULL;
	if (!cfg || k->parse(cfg, &cc, &state)) {
		fprintf(stderr, "channel_post: %s", cc.errors.data ? cc.errors.data
								   : "bad JSON\n");
		return 2;
	}
	struct lw_notify_req *r;
	size_t n;
	if (k->render(state, &t.b, &r, &n, &err)) {
		fprintf(stderr, "channel_post: %s\n", err.msg);
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (size_t i = 0; i < n; i++) {
		if (argc > 4 && strcmp(argv[4], "--break") == 0) {
			char *b = spoil(argv[1], r[i].body);
			free(r[i].body);
			r[i].body = b;
			r[i].len = strlen(b);
		}
		post(k, state, &r[i]);
	}
	for (size_t i = 0; i < n; i++)
		lw_notify_req_free(&r[i]);
	free(r);
	k->free(state);
	cJSON_Delete(cfg);
	lw_cfgctx_free(&cc);
	lwt_free(&t);
	free(text);
	curl_global_cleanup();
	return 0;
}
