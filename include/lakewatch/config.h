/* config.h - the loaded configuration: lakes, sources, consumers, datasets.
 *
 * One JSON-with-comments file. Search order: --config, $LAKEWATCH_CONFIG,
 * ./lakewatch.json, $XDG_CONFIG_HOME/lakewatch/config.json. The reference
 * is in README.md ("Configuration").
 *
 * core/ parses the file and everything plain in it; whatever names a
 * plug-in (a lake kind, a format, a check kind) is bound through a struct
 * lw_config_binder that the engine passes in (engine/config_bind.c), so
 * core never sees the plug-in interfaces: the lake, format and check kind
 * types are opaque here. Front ends load configs with engine.h's
 * lw_config_load().
 */
#ifndef LAKEWATCH_CONFIG_H
#define LAKEWATCH_CONFIG_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <cJSON.h>
#include "lakewatch/model.h"
#include "lakewatch/buf.h"
#include "lakewatch/cfgctx.h"

/* Plug-in types, opaque to core (lake.h, format.h, check.h). */
struct lw_lake;
struct lw_format;
struct lw_check_kind;
struct lw_config_binder;
struct lw_notify_cfg;	/* notify/ (notifier.h) */

struct lw_tz;

/* A "holidays" calendar (config_holidays.c): local dates as days since
 * 1970-01-01 on the wall clock, ascending, each once. set: the key was
 * given (an empty list is a calendar with no holidays, which overrides
 * the source's or the top level's). */
struct lw_holidays {
	int32_t *days;		/* owned */
	size_t n;
	bool set;
};
/* Read obj's "holidays" into *out (left alone when absent); a bad date is
 * an error at its position. */
int lw_config_holidays(struct lw_cfgctx *cc, const cJSON *obj,
		       struct lw_holidays *out);
void lw_holidays_free(struct lw_holidays *h);
/* Whether the day of wall-clock time `wall` (lw_tz_wall) is in h (NULL:
 * no calendar). */
bool lw_holiday_on(const struct lw_holidays *h, int64_t wall);
/* "2026-12-25": the date of wall-clock time wall, into buf; returns buf. */
const char *lw_holiday_fmt(int64_t wall, char *buf, size_t n);

struct lw_named {
	char *id;		/* owned: the key in the config */
	char *title;		/* owned: what people read ("Sales & accounting") */
	const struct lw_tz *tz;	/* borrowed from config->zones: a source's
				 * "timezone", NULL when not set */
	struct lw_holidays holidays;	/* a source's "holidays" */
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

/* One "published_as" entry (config_published.c): where a dataset is
 * served to Power BI, so a Power BI dataset whose datasources name it
 * learns it as its upstream. Either server and database (a SQL endpoint:
 * Synapse serverless or dedicated, Azure SQL; table optional), or path (a
 * URL or path: ADLS Gen2, Blob, a Databricks "host;/sql/..." path). */
struct lw_published {
	char *server, *database;	/* owned, both or neither */
	char *table;			/* owned, may be NULL */
	char *path;			/* owned, may be NULL */
};

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
	const char *format_name;	/* static: format's name, or NULL, for
					 * stages that may not see format.h */
	void *format_opts;	/* owned by format->free_options */
	pcre2_code *include, *exclude;	/* owned, may be NULL */
	enum lw_part_mode part_mode;
	pcre2_code *part_re;	/* owned; LW_PART_REGEX: named groups */
	bool count_rows;	/* default true */
	/* What changes a file's observation, hashed: format and options,
	 * include/exclude, count_rows, the lakewatch version. The per-file
	 * cache trusts an entry only under the same one. 16 hex digits. */
	char fingerprint[17];
	int *consumers;		/* owned: indexes into config->consumers */
	size_t nconsumers;
	struct lw_check_inst *checks;	/* owned: after defaults were merged */
	size_t nchecks;
	/* borrowed from config->zones: the dataset's "timezone", else its
	 * source's, else the top level's; NULL is UTC */
	const struct lw_tz *tz;
	/* the dataset's "holidays" (own), and the calendar in force:
	 * its own, else its source's, else the top level's; NULL none */
	struct lw_holidays own_holidays;
	const struct lw_holidays *holidays;
	int64_t interval;	/* "interval": `watch` polls it this often
				 * (seconds); 0: the config's poll.interval */
	/* Lineage (config_lineage.c). upstream: indexes into
	 * config->datasets, the dataset's "upstream" or, without it, the
	 * same source's previous layer (upstream_default then); never a
	 * cycle. written_by: the "written_by" names (pipelines, jobs), and
	 * writer_ds[i] the index of the dataset of that name (or path),
	 * -1 when the config has none. */
	int *upstream;		/* owned */
	size_t nupstream;
	bool upstream_default;
	char **written_by;	/* owned, each owned */
	int *writer_ds;		/* owned, one per written_by */
	size_t nwritten_by;
	struct lw_published *published;	/* owned: "published_as" */
	size_t npublished;
	bool runs;		/* set by the binder: its lake kind's datasets
				 * are pipeline or job runs (no layer: no
				 * default upstream, no one's default one) */
};

/* The per-file observation cache's default bound (entries). */
#define LW_CACHE_ENTRIES 1000000

/* The most passing polls "resolve_after" may ask for. */
#define LW_RESOLVE_AFTER_MAX 1000

struct lw_config {
	char *file;		/* owned: absolute path it was loaded from */
	char *name;		/* owned: "name" key, or the file's base name */
	struct lw_lake_ref *lakes;	size_t nlakes;
	struct lw_named *sources;	size_t nsources;
	struct lw_named *consumers;	size_t nconsumers;
	struct lw_dataset *datasets;	size_t ndatasets;
	char *history_path;	/* owned: absolute; default next to config */
	int64_t retention;	/* seconds of history kept; default 30 days */
	int64_t cache_entries;	/* "history.cache_entries": files the per-file
				 * observation cache keeps at most; 0 = none */
	int64_t interval;	/* dashboard poll interval; default 300 s */
	char *theme;		/* owned, may be NULL */
	int parallel;		/* requests in flight per remote lake; 16 */
	int resolve_after;	/* "resolve_after": passing polls in a row that
				 * resolve an incident; default 1 */
	const struct lw_tz *tz;	/* top-level "timezone"; NULL is UTC */
	struct lw_holidays holidays;	/* top-level "holidays" */
	struct lw_tz **zones;	size_t nzones;	/* owned: each zone named
						 * anywhere, loaded once */
	const struct lw_config_binder *binder;	/* borrowed: frees the
						 * plug-in parts */
	struct lw_notify_cfg *notify;	/* owned (binder->free_notify): the
					 * "notify" section, NULL when none */
};

/* The plug-in half of loading, called by core while it walks the file, at
 * the point each part is met (so errors come out in the same order as the
 * file). Every callback reports problems through cc. */
struct lw_config_binder {
	/* Open the lake declared at node (an object; name is its key).
	 * Returns the handle, or NULL after reporting why. */
	struct lw_lake *(*open_lake)(const char *name, const cJSON *node,
				     struct lw_cfgctx *cc);
	void (*close_lake)(struct lw_lake *lake);
	/* Bind ds's "format" and "format_options" (node: the dataset's
	 * object; lake: its lake, NULL when unknown). Sets ds->format and
	 * ds->format_opts (and format_name). Returns the format's default include pattern
	 * (static), or NULL. */
	const char *(*bind_format)(struct lw_dataset *ds,
				   struct lw_lake *lake,
				   const cJSON *node, struct lw_cfgctx *cc);
	void (*free_format)(struct lw_dataset *ds);
	/* Bind the check node->string configured by node into ci (name, kind,
	 * cfg). Returns false, after reporting why, when it is not valid. */
	bool (*bind_check)(struct lw_check_inst *ci,
			   const struct lw_dataset *ds, const cJSON *node,
			   struct lw_cfgctx *cc);
	void (*free_check)(struct lw_check_inst *ci);
	/* The datasets ci reads (reconcile): NULL-terminated, owned by ci;
	 * NULL when none. */
	const char *const *(*check_refs)(const struct lw_check_inst *ci);
	/* The "notify" section (node, an object), read after sources,
	 * consumers and datasets (routes name them). Returns what
	 * cfg->notify keeps, or NULL after reporting why. NULL callback: the
	 * section is refused. */
	struct lw_notify_cfg *(*parse_notify)(const struct lw_config *cfg,
					      const cJSON *node,
					      struct lw_cfgctx *cc);
	void (*free_notify)(struct lw_notify_cfg *n);
};

/* Which file to load: cli (may be NULL), then the environment and the usual
 * places. Returns an owned path, or NULL with err saying where it looked. */
char *lw_config_locate(const char *cli, struct lw_err *err);
/* Load and validate with binder b (kept in the config, for freeing). On
 * failure returns LW_ECONFIG and errors holds every problem found, one
 * "file:line:col: message" per line, in file order. *out is NULL then,
 * else the caller's (lw_config_free). */
int lw_config_load_with(const struct lw_config_binder *b, const char *path,
			struct lw_config **out, struct lw_buf *errors);
/* Same, from text (tests, fuzzing). file is only used in messages. */
int lw_config_parse_with(const struct lw_config_binder *b, const char *text,
			 size_t len, const char *file, struct lw_config **out,
			 struct lw_buf *errors);
void lw_config_free(struct lw_config *cfg);

const struct lw_dataset *lw_config_dataset(const struct lw_config *cfg,
					   const char *name);
int lw_config_source_index(const struct lw_config *cfg, const char *id);
int lw_config_consumer_index(const struct lw_config *cfg, const char *id);
bool lw_dataset_has_consumer(const struct lw_dataset *ds, int consumer);

#endif
