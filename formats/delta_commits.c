/* delta_commits.c - the loads a Delta log remembers: one point per commit
 * (time, rows written, files and bytes added, the row count's change) from
 * its commitInfo.operationMetrics. The anomaly rule trains from them when
 * the history is still short (checks/anomaly_cold.c), so a table is judged
 * on its first poll.
 *
 * Writers log the metrics as strings of digits ("numOutputRows": "120");
 * lw_delta_jint reads both forms. What a metric does not say stays -1 (or
 * LW_DELTA_NET_UNKNOWN for the row count's change), never a guess.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/delta.h"
#include "lakewatch/util.h"
#include "delta_int.h"

/* Operations that change no row count (metadata, rewrites, updates). */
static bool keeps_rows(const char *op)
{
	static const char *const ops[] = {
		"OPTIMIZE", "UPDATE", "SET TBLPROPERTIES", "UNSET TBLPROPERTIES",
		"CREATE TABLE", "VACUUM START", "VACUUM END", "ADD COLUMNS",
		"CHANGE COLUMN", "RENAME COLUMN", "DROP COLUMNS",
		"UPGRADE PROTOCOL", "ADD CONSTRAINT", "DROP CONSTRAINT", "REORG",
		"ADD DELETION VECTORS TOMBSTONES", NULL
	};
	for (size_t i = 0; ops[i]; i++)
		if (!strcmp(op, ops[i]))
			return true;
	return false;
}

/* The change of the table's row count a commit made. */
static int64_t net_rows(const char *op, const cJSON *ci, const cJSON *m)
{
	const cJSON *pp = cJSON_GetObjectItemCaseSensitive(ci,
		"operationParameters");
	const char *mode = lw_delta_jstr(pp, "mode");
	if (!op)
		return LW_DELTA_NET_UNKNOWN;
	if (keeps_rows(op))
		return 0;
	if (!strcmp(op, "MERGE")) {
		int64_t in = lw_delta_jint(m, "numTargetRowsInserted", -1);
		int64_t del = lw_delta_jint(m, "numTargetRowsDeleted", 0);
		return in >= 0 && del >= 0 ? in - del : LW_DELTA_NET_UNKNOWN;
	}
	if (!strcmp(op, "DELETE")) {
		int64_t del = lw_delta_jint(m, "numDeletedRows", -1);
		return del >= 0 ? -del : LW_DELTA_NET_UNKNOWN;
	}
	/* appends; an overwrite or a replace says nothing of what was
	 * there before */
	if ((!strcmp(op, "WRITE") || !strcmp(op, "STREAMING UPDATE") ||
	     !strcmp(op, "COPY INTO")) && (!mode || strcmp(mode,
							    "Overwrite"))) {
		int64_t n = lw_delta_jint(m, "numOutputRows", -1);
		return n >= 0 ? n : LW_DELTA_NET_UNKNOWN;
	}
	return LW_DELTA_NET_UNKNOWN;
}

/* See delta.h. */
bool lw_delta_commit_point(const cJSON *ci, int64_t commit_ms,
			   int64_t version, struct lw_delta_commit *out)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(ci,
							  "operationMetrics");
	const char *op = lw_delta_jstr(ci, "operation");
	if (!cJSON_IsObject(ci) || commit_ms < 0 ||
	    !lw_fact_time_ok(commit_ms / 1000))
		return false;
	out->version = version;
	out->at = commit_ms / 1000;
	out->rows = lw_delta_load_rows(ci);
	out->files = lw_delta_jint(m, "numFiles", -1);
	if (out->files < 0)
		out->files = lw_delta_jint(m, "numAddedFiles", -1);
	if (out->files < 0)
		out->files = lw_delta_jint(m, "numTargetFilesAdded", -1);
	out->bytes = lw_delta_jint(m, "numOutputBytes", -1);
	if (out->bytes < 0)
		out->bytes = lw_delta_jint(m, "numAddedBytes", -1);
	if (out->rows < 0)	/* no load: no files or bytes of one */
		out->rows = out->files = out->bytes = -1;
	if (out->files < 0)
		out->files = -1;
	if (out->bytes < 0)
		out->bytes = -1;
	out->net = cJSON_IsObject(m) || (op && keeps_rows(op)) ?
		   net_rows(op, ci, m) : LW_DELTA_NET_UNKNOWN;
	return true;
}

/* See delta.h. Newest at the end; the oldest goes when the list is full. */
void lw_delta_note_commit(struct lw_delta_snapshot *s, int64_t version)
{
	struct lw_delta_commit c;
	if (!lw_delta_commit_point(s->commit_info, s->commit_ms, version, &c))
		return;
	if (s->ncommits == LW_DELTA_COMMITS_MAX) {
		memmove(s->commits, s->commits + 1,
			(s->ncommits - 1) * sizeof *s->commits);
		s->ncommits--;
	}
	lw_xgrow((void **)&s->commits, &s->capcommits, s->ncommits,
		 sizeof *s->commits);
	s->commits[s->ncommits++] = c;
}
