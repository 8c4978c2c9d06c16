/* lake.h - the lake-kind plug-in interface.
 *
 * A lake is a place files live: a local directory (kind "fs"), an Azure
 * storage container (kind "azure"), or a service that is observed as a
 * whole (kind "powerbi"). Probes and formats only talk to lakes through
 * these operations, so every format and rule works on every kind.
 * A lake handle is used by one thread at a time (the poller's).
 */
#ifndef LAKEWATCH_LAKE_H
#define LAKEWATCH_LAKE_H

#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stddef.h>
#include <cJSON.h>
#include "lakewatch/err.h"
#include "lakewatch/buf.h"
#include "lakewatch/model.h"
#include "lakewatch/cfgctx.h"

struct lw_lake;		/* each kind defines it; starts with struct lw_lake_base */
struct lw_dataset;
struct lw_file_obs;

struct lw_lake_base {
	const struct lw_lake_kind *kind;
	char *name;		/* owned: the config's name for this lake */
	char *display;		/* owned: where it is, secrets left out
				 * ("fs:/srv/lake", "azure:acct/container") */
	atomic_bool *cancel;	/* borrowed, set by the engine during a
				 * poll: when true, probes stop the dataset
				 * in flight ("poll cancelled") */
};

/* Called for each listed file. Return LW_OK to go on, anything else stops
 * the listing and is returned by list(). */
typedef int (*lw_entry_cb)(void *ud, const struct lw_entry *e);
/* Called with each chunk of a streamed object. */
typedef int (*lw_chunk_cb)(void *ud, const char *data, size_t len);

struct lw_lake_kind {
	const char *name;	/* "fs", "azure", "powerbi" */
	/* The kind's datasets are pipeline or job runs (the control plane),
	 * not data in a layer: they get no previous-layer upstream and are
	 * no one's; lineage reaches them through "written_by". */
	bool runs;
	/* Validate cfg (the lake's JSON object, "kind" included) and make a
	 * handle. No network here: validate must work offline. Errors go to
	 * cc; returns NULL then. The caller owns the handle (close()). */
	struct lw_lake *(*open)(const char *name, const cJSON *cfg,
				struct lw_cfgctx *cc);
	void (*close)(struct lw_lake *lake);

	/* Every file under prefix ("" = the whole lake), recursively, in any
	 * order. prefix is a directory path without a trailing '/'. A missing
	 * prefix is LW_ENOTFOUND. Optional for observe-only kinds. */
	int (*list)(struct lw_lake *lake, const char *prefix, lw_entry_cb cb,
		    void *ud, struct lw_err *err);
	/* Optional: the files directly in dir (not below it) whose names
	 * sort after `after` (strcmp), for a log read from a known point
	 * (Delta's _delta_log/ after its last checkpoint), so the cost
	 * follows what is new rather than the whole history. For an
	 * all-digit `after` a kind without start-after (azure) lists by
	 * prefix: only names that start with such a number, up to the first
	 * block of ten numbers whose last is absent (a log's versions are
	 * contiguous); nothing at all there is LW_ENOTFOUND. */
	int (*list_from)(struct lw_lake *lake, const char *dir,
			 const char *after, lw_entry_cb cb, void *ud,
			 struct lw_err *err);
	/* Bytes [off, off+len) of path into out (appended). off < 0 means the
	 * last -off bytes (a suffix range); len < 0 means to the end. Reading
	 * past the end returns what there is. */
	int (*read)(struct lw_lake *lake, const char *path, int64_t off,
		    int64_t len, struct lw_buf *out, struct lw_err *err);
	/* The whole object, chunk by chunk, without keeping it. */
	int (*stream)(struct lw_lake *lake, const char *path, lw_chunk_cb cb,
		      void *ud, struct lw_err *err);
	/* Optional: the probe is about to read the last `tail` bytes of each
	 * of these files; a remote kind fetches them concurrently and serves
	 * the later read() calls from memory. */
	int (*prefetch_tails)(struct lw_lake *lake, const struct lw_entry *e,
			      size_t n, int64_t tail, struct lw_err *err);
	/* Optional: the probe is about to list each of these prefixes, one
	 * after another, in this poll; a remote kind lists them side by side
	 * now (within its "parallel") and serves the later list() calls from
	 * memory, with the same entries or the same error. */
	int (*prefetch_lists)(struct lw_lake *lake, const char *const *prefixes,
			      size_t n, struct lw_err *err);
	/* Optional: observe a dataset wholesale instead of listing files
	 * (Power BI). When set, list/read are not used for its datasets. */
	int (*observe)(struct lw_lake *lake, const struct lw_dataset *ds,
		       struct lw_obs *obs);
	/* Optional: what the last list() passed over because it is neither
	 * a file nor a directory (a FIFO, socket or device, a dangling
	 * symlink): how many, and the first one's lake path and kind ("FIFO",
	 * "dangling symlink"). *first and *what are owned by the lake, valid
	 * until the next list(), NULL when nothing was skipped. */
	void (*skipped)(struct lw_lake *lake, int64_t *count,
			const char **first, const char **what);
	/* Optional: a poll starts. A remote kind starts its deadline for
	 * the whole poll (its "poll_timeout") and tries a server it took
	 * as down again. */
	void (*begin_poll)(struct lw_lake *lake);
	/* Optional: why nothing more can be observed on this lake in this
	 * poll (its server is down, its deadline passed), into msg; false
	 * while it can. Probes stop a dataset with this one message instead
	 * of an error per file. */
	bool (*gone)(struct lw_lake *lake, char *msg, size_t n);
	/* Optional: counters since open, for benchmarks and `--stats`. */
	void (*stats)(struct lw_lake *lake, int64_t *requests,
		      int64_t *bytes_in);
	/* Optional: connections opened since open, reconnects included
	 * (`--stats`); a kind without it opens none (fs). */
	int64_t (*connects)(struct lw_lake *lake);
	/* Optional: retries scheduled and requests that failed for good
	 * since open (/metrics); a kind without it is left out there. */
	void (*faults)(struct lw_lake *lake, int64_t *retries,
		       int64_t *errors);
};


static inline struct lw_lake_base *lw_lake_base(struct lw_lake *l)
{
	return (struct lw_lake_base *)l;
}

/* The built-in kinds (engine/registry.c finds them by name). */
extern const struct lw_lake_kind lw_lake_fs;
extern const struct lw_lake_kind lw_lake_azure;
extern const struct lw_lake_kind lw_lake_powerbi;
/* The Azure control plane (lakes/cp*.c, pipelines.h). */
extern const struct lw_lake_kind lw_lake_datafactory;
extern const struct lw_lake_kind lw_lake_synapse;
extern const struct lw_lake_kind lw_lake_databricks;
extern const struct lw_lake_kind lw_lake_streamanalytics;

#endif
