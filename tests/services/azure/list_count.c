/* list_count.c - list one prefix of a configured lake and count it.
 *
 *   list_count CONFIG LAKE PREFIX
 *
 * Prints {"entries": N, "bytes": B, "requests": R, "bytes_in": I} or the
 * error. Used by run.sh for the many-blobs case: the listing is what is
 * under test there, not reading 12,000 tiny files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/engine.h"
#include "lakewatch/lake.h"

struct count {
	int64_t n, bytes;
};

static int on_entry(void *ud, const struct lw_entry *e)
{
	struct count *c = ud;
	c->n++;
	c->bytes += e->size;
	return LW_OK;
}

int main(int argc, char **argv)
{
	struct lw_config *cfg = NULL;
	struct lw_buf errors;
	struct lw_err err;
	struct count c = {0, 0};
	int64_t req = 0, in = 0;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: list_count CONFIG LAKE PREFIX\n");
		return 2;
	}
	lw_buf_init(&errors, LW_BUF_1M);
	if (lw_config_load(argv[1], &cfg, &errors) != LW_OK) {
		fprintf(stderr, "%s", errors.data ? errors.data : "config?\n");
		return 2;
	}
	for (size_t i = 0; i < cfg->nlakes; i++) {
		struct lw_lake *l = cfg->lakes[i].lake;
		const struct lw_lake_kind *k;
		if (strcmp(cfg->lakes[i].name, argv[2]))
			continue;
		k = lw_lake_base(l)->kind;
		lw_err_clear(&err);
		rc = k->list(l, argv[3], on_entry, &c, &err);
		if (k->stats)
			k->stats(l, &req, &in);
		if (rc != LW_OK) {
			printf("{\"error\": \"%s\"}\n", err.msg);
			return 1;
		}
		printf("{\"entries\": %lld, \"bytes\": %lld, \"requests\": %lld, "
		       "\"bytes_in\": %lld}\n", (long long)c.n,
		       (long long)c.bytes, (long long)req, (long long)in);
		lw_config_free(cfg);
		lw_buf_free(&errors);
		return 0;
	}
	fprintf(stderr, "no lake '%s'\n", argv[2]);
	return 2;
}
