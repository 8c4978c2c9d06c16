/* cfgctx.h - what a plug-in sees while it reads its part of the config.
 *
 * Lake kinds, formats and checks each validate their own JSON object. They
 * report problems through lw_cfg_error(), which prefixes file:line:column,
 * and use the getters below so that every plug-in treats unknown keys, wrong
 * types and missing keys the same way: unknown keys are errors, since a typo
 * must never silently turn a check off.
 */
#ifndef LAKEWATCH_CFGCTX_H
#define LAKEWATCH_CFGCTX_H

#include <stdbool.h>
#include <stdint.h>
#include <cJSON.h>
#include "lakewatch/jsonc.h"
#include "lakewatch/buf.h"

struct lw_cfgctx {
	const char *file;		/* config path, for messages */
	const char *dir;		/* its directory: relative paths resolve here */
	const struct lw_jsonc *doc;	/* NULL for configs built in code (tests) */
	struct lw_buf errors;		/* "file:L:C: message\n" lines */
	int nerrors;
	int dropped;			/* errors past the text limit, counted only */
};

void lw_cfgctx_init(struct lw_cfgctx *cc, const char *file,
		    const struct lw_jsonc *doc);
void lw_cfgctx_free(struct lw_cfgctx *cc);
/* Record an error at node (may be NULL). Always returns LW_ECONFIG. */
int lw_cfg_error(struct lw_cfgctx *cc, const cJSON *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* obj must be an object whose keys are all in the NULL-terminated list
 * `allowed`; each unknown key is reported ("unknown key 'frehsness' in
 * checks; known: freshness, row_count, ..."). `what` names obj in messages. */
int lw_cfg_keys(struct lw_cfgctx *cc, const cJSON *obj, const char *what,
		const char *const *allowed);

/* Getters: key absent -> *out untouched and LW_OK unless required (then an
 * error). Wrong type -> error naming the expected type. */
int lw_cfg_str(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
	       bool required, const char **out);
int lw_cfg_int(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
	       bool required, int64_t *out);
int lw_cfg_num(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
	       bool required, double *out);
int lw_cfg_bool(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		bool required, bool *out);
/* A duration string ("6h") or a number of seconds. */
int lw_cfg_duration(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		    bool required, int64_t *out);
/* A path, resolved against the config's directory. Caller frees *out. */
int lw_cfg_path(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		bool required, char **out);
/* A secret given as {"env": "NAME"}, {"file": "path"} or a plain string.
 * The value is registered with secret.h. Caller frees *out (NULL when the
 * key is absent and not required). */
int lw_cfg_secret(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		  bool required, char **out);

#endif
