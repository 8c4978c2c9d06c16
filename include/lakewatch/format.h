/* format.h - the file-format plug-in interface.
 *
 * A file format (csv, jsonl, parquet, avro) reads one file at a time through
 * the lake interface and reports its rows and schema; the probe adds the
 * files up. A table format (delta) reads a whole directory - its own log -
 * and fills the observation itself.
 */
#ifndef LAKEWATCH_FORMAT_H
#define LAKEWATCH_FORMAT_H

#include <stdint.h>
#include <stdbool.h>
#include <cJSON.h>
#include "lakewatch/lake.h"
#include "lakewatch/model.h"
#include "lakewatch/cfgctx.h"

/* One file handed to a file format. */
struct lw_file {
	struct lw_lake *lake;
	const struct lw_entry *entry;	/* path, size, mtime */
	bool count_rows;		/* false: schema only (remote lakes may
					 * turn row counting off) */
};

/* What a file format saw in one file. The probe owns it and frees it with
 * lw_file_obs_free(). */
struct lw_file_obs {
	int64_t rows;		/* -1 unknown */
	bool has_schema;
	struct lw_schema schema;
	int64_t bytes_read;	/* what reading cost */
	int64_t bytes_decompressed;	/* what a compressed file gave */
	cJSON *detail;		/* owned, optional: merged into obs->detail
				 * (parquet: created_by, row_groups) */
	/* The same, typed: the probe merges them into obs->parquet and
	 * obs->avro (numbers summed, strings joined when distinct). */
	struct lw_parquet_facts parquet;
	struct lw_avro_facts avro;
	char *warning;		/* owned, optional: a problem that did not
				 * stop the read (jsonl: invalid UTF-8); the
				 * probe makes it a file warning (WARN) */
};

void lw_file_obs_init(struct lw_file_obs *fo);
void lw_file_obs_free(struct lw_file_obs *fo);
/* The stored form, for the per-file observation cache: everything but
 * bytes_read (what reading cost). Owned by the caller (cJSON_Delete). */
cJSON *lw_file_obs_to_json(const struct lw_file_obs *fo);
/* Back from text. A row that does not parse (a corrupt cache) is
 * LW_EPARSE with err saying what; *fo is then empty (still freeable). */
int lw_file_obs_from_json(const char *text, struct lw_file_obs *fo,
			  struct lw_err *err);
/* The same, remembering the last schema seen in m: the files of a dataset
 * mostly share their columns, and the schema is most of the text, so one
 * equal to the last is copied rather than parsed. m starts zeroed (with
 * lw_schema_init) and is freed with lw_file_obs_memo_free. */
struct lw_file_obs_memo {
	char *schema_text;	/* owned: the schema's text, NULL: none yet */
	struct lw_schema schema;
};
int lw_file_obs_from_memo(const char *text, struct lw_file_obs_memo *m,
			  struct lw_file_obs *fo, struct lw_err *err);
void lw_file_obs_memo_free(struct lw_file_obs_memo *m);

struct lw_format {
	const char *name;	/* "csv", "jsonl", "parquet", "avro", "delta" */
	/* Optional: validate the dataset's "format_options" object into
	 * *opts (owned by the dataset; free_options frees it). node may be
	 * NULL when the dataset has no options: set defaults then. */
	int (*options)(const cJSON *node, void **opts, struct lw_cfgctx *cc);
	void (*free_options)(void *opts);
	/* File formats: observe one file. On failure err names the problem;
	 * the probe records it against the file and goes on. */
	int (*probe_file)(const struct lw_file *f, const void *opts,
			  struct lw_file_obs *out, struct lw_err *err);
	/* Table formats: observe the table rooted at path. Fill obs (files,
	 * bytes, rows, schema, times, detail). Set when probe_file is NULL. */
	int (*probe_table)(struct lw_lake *lake, const char *path,
			   const void *opts, struct lw_obs *obs,
			   struct lw_err *err);
	/* Optional, table formats: probe_table from what the last poll kept
	 * (state: NULL when nothing; the caller's), setting *keep to what to
	 * keep for the next (the caller frees it; NULL: nothing). A state
	 * that does not load is counted in obs->cache_bad, said in
	 * obs->cache_note, and the table read in full. */
	int (*probe_table_kept)(struct lw_lake *lake, const char *path,
				const void *opts, const char *state,
				char **keep, struct lw_obs *obs,
				struct lw_err *err);
	/* Files to skip when listing (besides _*, .*, *.crc). NULL = none. */
	const char *default_include;	/* PCRE2, e.g. "\\.parquet$" */
	/* Bytes of the tail worth prefetching (parquet: 65536), 0 = none. */
	int64_t tail_hint;
};

/* The built-in formats (engine/registry.c finds them by name). */
extern const struct lw_format lw_format_csv;
extern const struct lw_format lw_format_jsonl;
extern const struct lw_format lw_format_parquet;
extern const struct lw_format lw_format_avro;
extern const struct lw_format lw_format_delta;
extern const struct lw_format lw_format_powerbi;	/* a Power BI dataset's
							 * options */

#endif
