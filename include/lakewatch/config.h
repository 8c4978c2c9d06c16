/* config.h - the loaded configuration: lakes, sources, consumers, datasets.
 *
 * One JSON-with-comments file. Search order: --config, $LAKEWATCH_CONFIG,
 * ./lakewatch.json, $XDG_CONFIG_HOME/lakewatch/config.json. The reference
 * is in README.md ("Configuration").
 */
#ifndef LAKEWATCH_CONFIG_H
#define LAKEWATCH_CONFIG_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "lakewatch/model.h"
#include "lakewatch/lake.h"
#include "lakewatch/format.h"
#include "lakewatch/check.h"
#include "lakewatch/buf.h"

struct lw_named {
	char *id;		/* owned: the key in the config */
	char *title;		/* owned: what people read ("Sales & accounting") */
};

struct lw_lake_ref {
	char *name;		/* owned */
	struct lw_lake *lake;	/* owned, closed by lw_config_free */
};

struct lw_check_inst {
	char *name;				/* owned: "freshness" */
	const struct lw_check_kind *kind;
	void *cfg;				/* owned by kind->free */
	int resolve_after;	/* passing polls that resolve an incident;
				 * 0 = the config's */
};

/* How partitions are read from paths: key=value directories, a pattern's
 * named groups, or Event Hubs Capture's {partition}/{YYYY}/{MM}/{DD}/{hh}/
 * {mm}/{ss} layout. */
enum lw_part_mode { LW_PART_NONE = 0, LW_PART_KV, LW_PART_REGEX,
		    LW_PART_CAPTURE };

struct lw_dataset {
	char *name;		/* owned: "gold.sales_daily" */
	char *description;	/* owned, may be NULL */
	int source;		/* index into config->sources */
	enum lw_layer layer;
	int lake;		/* index into config->lakes */
	char *path;		/* owned: directory under the lake root, no
				 * leading or trailing '/'; for Power BI:
				 * "dataset/table" */
	const struct lw_format *format;	/* NULL for observe-only lakes */
	void *format_opts;	/* owned by format->free_options */
	pcre2_code *include, *exclude;	/* owned, may be NULL */
	enum lw_part_mode part_mode;
	pcre2_code *part_re;	/* owned; LW_PART_REGEX: named groups */
	bool count_rows;	/* default true */
	int *consumers;		/* owned: indexes into config->consumers */
	size_t nconsumers;
	struct lw_check_inst *checks;	/* owned: after defaults were merged */
	size_t nchecks;
};

struct lw_config {
	char *file;		/* owned: absolute path it was loaded from */
	char *name;		/* owned: "name" key, or the file's base name */
	struct lw_lake_ref *lakes;	size_t nlakes;
	struct lw_named *sources;	size_t nsources;
	struct lw_named *consumers;	size_t nconsumers;
	struct lw_dataset *datasets;	size_t ndatasets;
	char *history_path;	/* owned: absolute; default next to config */
	int64_t retention;	/* seconds of history kept; default 30 days */
	int64_t interval;	/* dashboard poll interval; default 300 s */
	char *theme;		/* owned, may be NULL */
	int parallel;		/* requests in flight per remote lake; 16 */
	int resolve_after;	/* "resolve_after": passing polls in a row that
				 * resolve an incident; default 1 */
};

/* Which file to load: cli (may be NULL), then the environment and the usual
 * places. Returns an owned path, or NULL with err saying where it looked. */
char *lw_config_locate(const char *cli, struct lw_err *err);
/* Load and validate. On failure returns LW_ECONFIG and errors holds every
 * problem found, one "file:line:col: message" per line. *out is NULL then. */
int lw_config_load(const char *path, struct lw_config **out,
		   struct lw_buf *errors);
/* Same, from text (tests, fuzzing). file is only used in messages. */
int lw_config_parse(const char *text, size_t len, const char *file,
		    struct lw_config **out, struct lw_buf *errors);
void lw_config_free(struct lw_config *cfg);

const struct lw_dataset *lw_config_dataset(const struct lw_config *cfg,
					   const char *name);
int lw_config_source_index(const struct lw_config *cfg, const char *id);
int lw_config_consumer_index(const struct lw_config *cfg, const char *id);
bool lw_dataset_has_consumer(const struct lw_dataset *ds, int consumer);

#endif
