/* fuzz_report.c - arbitrary bytes in every string a report shows (names,
 * titles, messages, detail keys and values). The JSON must parse, the JUnit
 * must be well-formed XML (expat), and the text must carry no control
 * character but newlines. Input: fields separated by '\n'. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <expat.h>
#include "lakewatch/report.h"
#include "lakewatch/util.h"

/* As in test_report.c: stands in for config.c when linked without it. */
__attribute__((weak)) bool lw_dataset_has_consumer(const struct lw_dataset *ds,
						   int consumer)
{
	for (size_t i = 0; i < ds->nconsumers; i++)
		if (ds->consumers[i] == consumer)
			return true;
	return false;
}

#define NF 12

static char *report(const struct lw_config *cfg, const struct lw_run *run,
		    enum lw_report_format fmt, bool ascii, size_t *len)
{
	struct lw_report_opts o = {.color = !ascii, .ascii = ascii,
				   .verbose = true};
	struct lw_err err;
	char *text = NULL;
	FILE *m = open_memstream(&text, len);

	if (!m)
		abort();
	if (lw_report_write(m, fmt, cfg, run, &o, &err) != LW_OK)
		abort();
	fclose(m);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = lw_xstrndup((const char *)data, size);
	char *f[NF];
	char *p = copy;
	size_t len;

	/* Missing fields are empty; embedded NULs end the input early. */
	for (int i = 0; i < NF; i++) {
		char *nl = p ? strchr(p, '\n') : NULL;
		f[i] = p ? p : "";
		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : NULL;
	}

	struct lw_named src[1] = {{f[0], f[1]}};
	struct lw_named con[1] = {{f[2], f[3]}};
	int cons[1] = {0};
	struct lw_dataset ds = {.name = f[4], .description = f[5],
				.source = 0, .layer = LW_GOLD,
				.consumers = cons, .nconsumers = 1};
	struct lw_config cfg = {.name = f[6], .file = f[7], .sources = src,
				.nsources = 1, .consumers = con,
				.nconsumers = 1, .datasets = &ds,
				.ndatasets = 1};
	struct lw_result res[2] = {
		{.check = f[8], .status = LW_FAIL, .measured = f[9],
		 .threshold = f[9], .message = f[10]},
		{.check = f[9], .status = (enum lw_status)(size % 4),
		 .message = f[11], .has_value = true,
		 .value = (double)size / 3.0},
	};
	struct lw_ds_run dr = {.ds = &ds, .results = res, .nresults = 2,
			       .status = LW_FAIL, .worst = 0};
	struct lw_run run = {.id = 1, .started = 1795143600,
			     .finished = 1795143604, .ds = &dr, .n = 1,
			     .status = LW_FAIL,
			     .history_error = size % 2 ? f[11] : NULL};
	lw_obs_init(&dr.obs);
	dr.obs.at = 1795143600;
	cJSON_AddStringToObject(lw_obs_detail(&dr.obs), f[10], f[11]);
	lw_obs_add_ferr(&dr.obs, f[4], "%s", f[10]);
	run.counts[LW_FAIL] = 1;

	/* JSON: must parse. */
	char *t = report(&cfg, &run, LW_REPORT_JSON, false, &len);
	cJSON *j = cJSON_ParseWithLength(t, len);
	if (!j)
		abort();
	cJSON_Delete(j);
	free(t);

	/* JUnit: must be well-formed. */
	t = report(&cfg, &run, LW_REPORT_JUNIT, false, &len);
	XML_Parser xp = XML_ParserCreate("UTF-8");
	if (XML_Parse(xp, t, (int)len, 1) != XML_STATUS_OK) {
		fprintf(stderr, "bad XML: %s\n%s\n",
			XML_ErrorString(XML_GetErrorCode(xp)), t);
		abort();
	}
	XML_ParserFree(xp);
	free(t);

	/* Text: only our own colour escapes; ascii mode, no escapes at all
	 * and nothing past 0x7f. */
	t = report(&cfg, &run, LW_REPORT_TEXT, true, &len);
	for (size_t i = 0; i < len; i++)
		if ((t[i] < 0x20 && t[i] != '\n') ||
		    (unsigned char)t[i] >= 0x7f)
			abort();
	free(t);
	t = report(&cfg, &run, LW_REPORT_TEXT, false, &len);
	free(t);

	lw_obs_free(&dr.obs);
	free(copy);
	return 0;
}
