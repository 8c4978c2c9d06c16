/* delta_footers.c - rows of live files whose add action has no stats
 * (older writers, tables converted from Parquet or Hive, statistics
 * turned off), counted exactly from the data files' Parquet footers.
 *
 * Only the footers are read: one suffix read per file through the lake,
 * fetched concurrently a batch at a time where the lake can
 * (prefetch_tails, as the parquet file format does), and at most
 * `max_files` of them per poll, so a huge converted table costs a bounded
 * number of requests and says so instead of reading without end.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/delta.h"
#include "lakewatch/parquet.h"
#include "lakewatch/util.h"

#define FOOTER_BATCH 512	/* files whose tails are fetched together */

/* An add path the lake cannot read relative to the table: a URI with a
 * scheme ("s3://", "file:/") or an absolute path (shallow clones). The
 * logged path is checked, so an escaped ':' in a partition value is not
 * taken for a scheme. */
static bool outside_table(const char *logged)
{
	if (logged[0] == '/')
		return true;
	for (const char *p = logged; *p && *p != '/'; p++)
		if (*p == ':')
			return true;
	return false;
}

/* The lake path of f (caller frees), NULL when outside the table. */
static char *lake_path(const char *table, const struct lw_delta_file *f)
{
	if (outside_table(f->path))
		return NULL;
	char *p = lw_delta_unescape(f->path);
	char *full = *table ? lw_xasprintf("%s/%s", table, p) : lw_xstrdup(p);
	free(p);
	return full;
}

/* One file's footer into f->num_records. LW_OK with a file error on obs
 * when the footer cannot be read; LW_EPARSE for a corrupt deletion
 * vector. */
static int count_one(struct lw_lake *lake, struct lw_delta_file *f,
		     const struct lw_entry *e, struct lw_delta_snapshot *s,
		     struct lw_obs *obs, struct lw_err *err)
{
	struct lw_parquet_meta m;
	struct lw_err e2;
	int64_t cost = 0;
	lw_err_clear(&e2);
	int rc = lw_parquet_read_meta(lake, e->path, e->size, &m, &cost, &e2);
	s->bytes_read += cost;
	if (rc == LW_ENOTFOUND) {
		/* in the lake's own words the path is spelt per kind (a
		 * local path, a blob URL): say it the same everywhere */
		lw_obs_add_ferr(obs, e->path, "no stats in the log, and the "
				"live data file is missing from the lake");
		return LW_OK;
	}
	if (rc != LW_OK) {
		lw_obs_add_ferr(obs, e->path, "no stats in the log and the "
				"footer cannot be read: %s",
				e2.msg[0] ? e2.msg : lw_rc_name(rc));
		return LW_OK;
	}
	int64_t rows = m.num_rows;
	lw_parquet_meta_free(&m);
	if (rows < 0 || f->dv_cardinality > rows)
		return lw_err_set(err, LW_EPARSE, "add %s: deletion vector "
				  "cardinality %lld but the footer has %lld "
				  "rows (corrupt log)", f->path,
				  (long long)f->dv_cardinality,
				  (long long)rows);
	f->num_records = rows;
	f->rows_from_footer = true;
	return LW_OK;
}

/* Read the footers of files[0..n) (entries e), prefetching their tails. */
static int count_batch(struct lw_lake *lake, struct lw_delta_file **files,
		       struct lw_entry *e, size_t n,
		       struct lw_delta_snapshot *s, struct lw_obs *obs,
		       struct lw_err *err)
{
	const struct lw_lake_kind *k = lw_lake_base(lake)->kind;
	int rc = LW_OK;
	if (k->prefetch_tails) {
		struct lw_err pe;
		lw_err_clear(&pe);
		/* a failed prefetch leaves the reads to say what went wrong */
		(void)k->prefetch_tails(lake, e, n, LW_PQ_TAIL, &pe);
	}
	for (size_t i = 0; i < n && rc == LW_OK; i++)
		rc = count_one(lake, files[i], &e[i], s, obs, err);
	return rc;
}

int lw_delta_count_footers(struct lw_lake *lake, const char *table,
			   struct lw_delta_snapshot *s, int64_t max_files,
			   struct lw_obs *obs, struct lw_err *err)
{
	size_t it = 0, n = 0;
	struct lw_delta_file *f;
	s->files_without_stats = 0;
	s->footer_bound_hit = false;
	/* a kept snapshot (delta_state.c) has the footers counted before:
	 * they lack stats all the same, and are not read again */
	while ((f = lw_delta_next_rw(s, &it)))
		if (f->num_records < 0 || f->rows_from_footer)
			s->files_without_stats++;
	if (!s->files_without_stats)
		return LW_OK;
	s->footer_bound = max_files;
	if (s->files_without_stats > max_files) {
		s->footer_bound_hit = true;	/* the count stays unknown */
		for (it = 0; (f = lw_delta_next_rw(s, &it)); )
			if (f->rows_from_footer) {	/* as a full load */
				f->num_records = -1;
				f->rows_from_footer = false;
			}
		return LW_OK;
	}
	struct lw_delta_file **files = lw_xcalloc(FOOTER_BATCH, sizeof *files);
	struct lw_entry *e = lw_xcalloc(FOOTER_BATCH, sizeof *e);
	int rc = LW_OK;
	it = 0;
	while (rc == LW_OK && (f = lw_delta_next_rw(s, &it))) {
		if (f->num_records >= 0)
			continue;
		char *p = lake_path(table, f);
		if (!p) {
			lw_obs_add_ferr(obs, f->path, "no stats in the log, and "
					"the file is outside the table, so its "
					"footer is not read");
			continue;
		}
		files[n] = f;
		e[n].path = p;
		e[n].size = f->size >= 0 ? f->size : -1;
		e[n].mtime = f->mtime_ms >= 0 ? f->mtime_ms / 1000 : -1;
		if (++n == FOOTER_BATCH) {
			rc = count_batch(lake, files, e, n, s, obs, err);
			for (size_t i = 0; i < n; i++)
				free(e[i].path);
			n = 0;
		}
	}
	if (rc == LW_OK && n)
		rc = count_batch(lake, files, e, n, s, obs, err);
	for (size_t i = 0; i < n; i++)
		free(e[i].path);
	free(files);
	free(e);
	return rc;
}
