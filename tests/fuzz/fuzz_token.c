/* fuzz_token.c - what token endpoints and retrying servers send back: the
 * Entra ID token answer and the Retry-After header, on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/entra.h"
#include "lakewatch/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *tok = NULL;
	int64_t life = 0;
	struct lw_err err;
	if (lw_entra_parse_token((const char *)data, size, 1700000000, &tok,
				 &life, &err) == LW_OK) {
		if (!tok || !*tok || life < 1 || life > 86400)
			abort();
		for (const char *p = tok; *p; p++)
			if ((unsigned char)*p <= ' ' || *p == 0x7f)
				abort();	/* it goes into a header */
	}
	free(tok);
	char *v = malloc(size + 1);
	memcpy(v, data, size);
	v[size] = '\0';
	int64_t ra = lw_http_retry_after(v, 1700000000);
	if (ra < -1)
		abort();
	free(v);
	return 0;
}
