/* notices.h - batches of notices the channel tests render: the unit tests
 * (test_channels.c) and the services driver (tests/services/alertmanager/
 * post.c) use the same ones. Header-only; strings are static or kept in
 * the struct lwt_batch that holds them. */
#ifndef LAKEWATCH_TEST_NOTICES_H
#define LAKEWATCH_TEST_NOTICES_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/notify.h"

#define LWT_T0 1795500000	/* 2026-11-24T06:00:00Z: incidents open */
#define LWT_MAX 64

struct lwt_batch {
	struct lw_notice v[LWT_MAX];
	struct lw_notice_batch b;
	char names[LWT_MAX][3][96];	/* dataset, dedup key, summary */
	char *big[2];			/* long texts, owned */
};

static inline void lwt_free(struct lwt_batch *t)
{
	free(t->big[0]);
	free(t->big[1]);
}

static inline struct lw_notice lwt_notice(enum lw_notice_kind kind,
					  const char *dataset, int64_t id)
{
	(void)id;
	return (struct lw_notice){
		.incident = id, .kind = kind, .dedup_key = "demo/gold.sales_daily/freshness/41",
		.dataset = dataset, .check = "freshness", .source = "pos",
		.layer = "gold", .consumers = "finance, exec-dashboard",
		.status = kind == LW_NOTICE_RESOLVED ? LW_PASS : LW_FAIL,
		.summary = "gold.sales_daily freshness FAIL: 7h old",
		.description = "newest file is 7h old (max_age 6h)",
		.value = "7h", .threshold = "6h", .root = NULL,
		.opened = LWT_T0, .at = LWT_T0 + 600,
		.resolved = kind == LW_NOTICE_RESOLVED ? LWT_T0 + 3600 : 0,
	};
}

static inline void lwt_init(struct lwt_batch *t, size_t n)
{
	memset(t, 0, sizeof *t);
	t->b = (struct lw_notice_batch){.config_name = "demo",
		.route = "finance-oncall", .v = t->v, .n = n};
}

/* "opened", "resolved", "escalated", "cascade" (bronze stale, so silver
 * and gold: one batch), "hostile" (quotes, newlines, markup, UTF-8 and
 * invalid bytes), "long" (a 5,000-byte summary, a 100 kB message),
 * "many" (60 notices), "test" (`notify test`). False when unknown. */
static inline bool lwt_make(struct lwt_batch *t, const char *which)
{
	if (strcmp(which, "opened") == 0) {
		lwt_init(t, 1);
		t->v[0] = lwt_notice(LW_NOTICE_OPENED, "gold.sales_daily", 41);
	} else if (strcmp(which, "resolved") == 0) {
		lwt_init(t, 1);
		t->v[0] = lwt_notice(LW_NOTICE_RESOLVED, "gold.sales_daily", 41);
		t->v[0].summary = "gold.sales_daily freshness PASS: resolved";
	} else if (strcmp(which, "escalated") == 0) {
		lwt_init(t, 1);
		t->v[0] = lwt_notice(LW_NOTICE_ESCALATED, "gold.sales_daily", 41);
		t->v[0].status = LW_ERROR;
	} else if (strcmp(which, "cascade") == 0) {
		static const char *const ds[3] = {"bronze.pos_raw",
			"silver.sales_clean", "gold.sales_daily"};
		static const char *const keys[3] = {"demo/bronze.pos_raw/freshness/50",
			"demo/silver.sales_clean/freshness/51",
			"demo/gold.sales_daily/freshness/52"};
		lwt_init(t, 3);
		for (int i = 0; i < 3; i++) {
			t->v[i] = lwt_notice(LW_NOTICE_OPENED, ds[i], 50 + i);
			t->v[i].dedup_key = keys[i];
			t->v[i].layer = ds[i][0] == 'b' ? "bronze" :
					ds[i][0] == 's' ? "silver" : "gold";
			snprintf(t->names[i][2], sizeof t->names[i][2],
				 "%s freshness FAIL: 7h old", ds[i]);
			t->v[i].summary = t->names[i][2];
			t->v[i].root = i ? "bronze.pos_raw is stale" : NULL;
		}
		t->v[0].status = LW_WARN;
	} else if (strcmp(which, "hostile") == 0) {
		lwt_init(t, 1);
		t->v[0] = lwt_notice(LW_NOTICE_OPENED,
				     "gold.\"quoted\"\\back\nline <!channel>", 7);
		t->v[0].summary = "Zürich ✓ 日本 \"q\" <@U123> & <https://evil|click>\n\ttab";
		t->v[0].description = "bad \xff\xfe bytes \xe2\x82 cut, \x01 control";
		t->v[0].value = "</script>";
		t->v[0].threshold = "{\"json\": [1]}";
		t->v[0].root = "*bold* _it_ [x](http://evil)";
	} else if (strcmp(which, "long") == 0) {
		lwt_init(t, 1);
		t->v[0] = lwt_notice(LW_NOTICE_OPENED, "gold.sales_daily", 41);
		t->big[0] = malloc(5001);
		t->big[1] = malloc(100001);
		for (int i = 0; i < 5000; i++)	/* 2-byte characters */
			t->big[0][i] = i % 2 ? "é"[1] : "é"[0];
		t->big[0][5000] = '\0';
		memset(t->big[1], 'm', 100000);
		t->big[1][100000] = '\0';
		t->v[0].summary = t->big[0];
		t->v[0].description = t->big[1];
		t->v[0].value = t->big[1] + 99000;
	} else if (strcmp(which, "many") == 0) {
		lwt_init(t, 60);
		for (int i = 0; i < 60; i++) {
			snprintf(t->names[i][0], 96, "silver.part_%02d", i);
			snprintf(t->names[i][1], 96, "demo/silver.part_%02d/freshness/%d",
				 i, 100 + i);
			snprintf(t->names[i][2], 96, "silver.part_%02d freshness FAIL: 7h old", i);
			t->v[i] = lwt_notice(LW_NOTICE_OPENED, t->names[i][0], 100 + i);
			t->v[i].dedup_key = t->names[i][1];
			t->v[i].summary = t->names[i][2];
		}
	} else if (strcmp(which, "test") == 0) {
		lwt_init(t, 1);
		t->v[0] = (struct lw_notice){.kind = LW_NOTICE_TEST,
			.dataset = "lakewatch", .check = "test",
			.status = LW_PASS, .summary = "lakewatch test message",
			.description = "sent by `lakewatch notify test`",
			.at = LWT_T0};
	} else
		return false;
	return true;
}

#endif
