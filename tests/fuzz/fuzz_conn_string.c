/* fuzz_conn_string.c - connection strings, SAS tokens and the Shared Key
 * string-to-sign of a URL, from the same input. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/azure.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = lw_xstrndup((const char *)data, size);
	struct lw_az_conn c;
	struct lw_err err;
	char *sas = NULL, *url;
	struct lw_buf b;
	struct lw_az_hdr h[2] = {{"x-ms-date", s}, {"Range", s}};
	char sig[64];

	if (lw_az_conn_parse(s, &c, &err) == LW_OK) {
		if (!c.endpoint || (!c.key && !c.sas))
			__builtin_trap();
		lw_az_conn_free(&c);
	}
	if (lw_az_sas_clean(s, &sas, &err) == LW_OK)
		free(sas);
	lw_buf_init(&b, LW_BUF_1M);
	url = lw_xasprintf("https://a.blob.core.windows.net/%s", s);
	(void)lw_az_string_to_sign("GET", "a", url, h, 2, &b, &err);
	(void)lw_az_string_to_sign("GET", "a", s, h, 2, &b, &err);
	(void)lw_az_hmac_b64(s, s, strlen(s), sig, sizeof(sig), &err);
	lw_buf_free(&b);
	free(url);
	free(s);
	lw_secret_clear_all();
	return 0;
}
