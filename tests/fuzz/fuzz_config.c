/* fuzz_config.c - the config loader (JSON with comments, then validation)
 * on arbitrary bytes: it must answer with a config or with error lines,
 * never crash, hang or leak. */
#include <stdint.h>
#include <stdlib.h>
#include "lakewatch/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_buf errors;
	lw_buf_init(&errors, 1 << 20);
	struct lw_config *cfg = NULL;
	int rc = lw_config_parse((const char *)data, size, "/fuzz/config.json",
				 &cfg, &errors);
	if (rc == LW_OK && !cfg)
		abort();
	if (rc != LW_OK && (cfg || errors.len == 0))
		abort();	/* a failure must always say why */
	lw_config_free(cfg);
	lw_buf_free(&errors);
	return 0;
}
