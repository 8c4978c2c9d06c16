/* aborted.c - runs that died: a `kill -9`, a crash or a power cut leaves a
 * run without an end and with some of its datasets recorded. Such a run is
 * told from one still going by its process (pid and start time, on this
 * host) and marked aborted, the next time a history is opened read-write
 * or a run begins. Its observations stay (the dashboard shows them,
 * marked), but baselines and the anomaly rule leave them out
 * (LW_HIST_NOT_ABORTED).
 */
#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include "lakewatch/util.h"
#include "history_int.h"

/* Process pid's start time in clock ticks since boot (field 22 of
 * /proc/PID/stat), or -1 when it cannot be read (no such process, no
 * /proc). The start time tells a pid reused by another process. */
static int64_t proc_start(int64_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the command name (field 2) may hold spaces and ')': skip to the
	 * last ')', then fields 3..21 */
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	p++;
	for (int field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return -1;
		if (field == 22) {
			long long v;
			return sscanf(p, "%lld", &v) == 1 ? (int64_t)v : -1;
		}
		while (*p && *p != ' ')
			p++;
	}
	return -1;
}

/* See history_int.h. */
void lw_hist_owner_self(struct lw_hist_owner *o)
{
	o->pid = (int64_t)getpid();
	o->start = proc_start(o->pid);
	if (gethostname(o->host, sizeof o->host) != 0)
		strcpy(o->host, "?");
	o->host[sizeof o->host - 1] = '\0';
}

/* Whether the process that wrote a run is gone. pid_start < 0: unknown
 * (a system without /proc), then only kill(0) can tell. */
static bool owner_gone(int64_t pid, int64_t pid_start)
{
	if (pid <= 0 || pid > INT32_MAX)
		return false;
	if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return true;
	int64_t now = proc_start(pid);
	return pid_start >= 0 && now >= 0 && now != pid_start;
}

/* The open runs of this host, other than this process's own, whose
 * process is gone: ids into *ids (at most max). */
static int gone_runs(struct lw_history *h, const struct lw_hist_owner *me,
		     int64_t *ids, size_t max, size_t *n, struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h->db, "SELECT id, pid, "
				    "coalesce(pid_start, -1) FROM runs WHERE "
				    "finished IS NULL AND aborted IS NULL AND "
				    "host = ?1 AND pid IS NOT NULL",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "reading runs", err);
	sqlite3_bind_text(st, 1, me->host, -1, SQLITE_TRANSIENT);
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		int64_t pid = sqlite3_column_int64(st, 1);
		int64_t start = sqlite3_column_int64(st, 2);
		if (pid == me->pid && (start < 0 || start == me->start))
			continue;	/* ours: a run that failed to end */
		if (owner_gone(pid, start))
			ids[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "reading runs", err);
	return LW_OK;
}

/* Mark run id aborted at `at` and drop the kept series its datasets
 * may have taken its points into. */
static int mark_one(struct lw_history *h, int64_t id, int64_t at,
		    struct lw_err *err)
{
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE runs SET aborted = %lld WHERE id = "
		 "%lld; DELETE FROM series_snap WHERE dataset IN (SELECT "
		 "dataset FROM observations WHERE run = %lld)", (long long)at,
		 (long long)id, (long long)id);
	return lw_hist_exec(h, sql, err);
}

/* See history_int.h. A batch at a time: the runs that died are few. */
int lw_hist_mark_aborted(struct lw_history *h, struct lw_err *err)
{
	struct lw_hist_owner me;
	int64_t ids[64];
	size_t n = 0;
	assert(!h->readonly);
	lw_hist_owner_self(&me);
	int rc = gone_runs(h, &me, ids, sizeof ids / sizeof *ids, &n, err);
	for (size_t i = 0; i < n && rc == LW_OK; i++)
		rc = mark_one(h, ids[i], lw_now(), err);
	if (n)
		lw_hist_snapmem_free(h);	/* rows mark_one dropped */
	for (size_t i = 0; i < n && rc == LW_OK; i++) {
		lw_xgrow((void **)&h->marked, &h->capmarked, h->nmarked,
			 sizeof *h->marked);
		h->marked[h->nmarked++] = ids[i];
	}
	return rc;
}

/* See history.h. *ids is the caller's (free()). */
size_t lw_history_found_aborted(struct lw_history *h, int64_t **ids)
{
	size_t n = h ? h->nmarked : 0;
	*ids = n ? h->marked : NULL;
	if (h) {
		h->marked = NULL;
		h->nmarked = h->capmarked = 0;
	}
	return n;
}
