/* delta_log.c - the snapshot loader: list _delta_log/, pick the
 * checkpoint, replay the commits after it.
 *
 * The snapshot is rebuilt as PROTOCOL.md prescribes: list _delta_log/,
 * take the newest complete checkpoint (cross-checked with
 * _last_checkpoint, which may be missing, stale or corrupt), then apply
 * the JSON commits after it in version order. A gap in the versions
 * after the checkpoint is an error naming the missing version.
 * Names in the log are classified by delta_names.c, actions applied by
 * delta_actions.c into the live-file set of delta_files.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/delta.h"
#include "lakewatch/util.h"
#include "lakewatch/buf.h"

/* ---- the listing of _delta_log/ ------------------------------------- */

/* One file of the log. */
struct log_ent {
	struct lw_delta_log_name ln;
	char *name;		/* base name */
	int64_t mtime, size;
};

struct listing {
	const char *logdir;
	size_t logdir_len;
	struct log_ent *v;
	size_t n, cap;
};

static int list_cb(void *ud, const struct lw_entry *e)
{
	struct listing *l = ud;
	const char *p = e->path;
	if (l->logdir_len) {
		if (strncmp(p, l->logdir, l->logdir_len) != 0 ||
		    p[l->logdir_len] != '/')
			return LW_OK;
		p += l->logdir_len + 1;
	}
	if (strchr(p, '/'))
		return LW_OK;	/* _sidecars/ and the like */
	struct lw_delta_log_name ln;
	lw_delta_log_name(p, &ln);
	if (ln.kind == LW_DLOG_OTHER)
		return LW_OK;
	lw_xgrow((void **)&l->v, &l->cap, l->n, sizeof *l->v);
	l->v[l->n].ln = ln;
	l->v[l->n].name = lw_xstrdup(p);
	l->v[l->n].mtime = e->mtime;
	l->v[l->n].size = e->size;
	l->n++;
	return LW_OK;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct log_ent *x = a, *y = b;
	if (x->ln.version != y->ln.version)
		return x->ln.version < y->ln.version ? -1 : 1;
	if (x->ln.kind != y->ln.kind)
		return (int)x->ln.kind - (int)y->ln.kind;
	if (x->ln.parts != y->ln.parts)
		return x->ln.parts - y->ln.parts;
	if (x->ln.part != y->ln.part)
		return x->ln.part - y->ln.part;
	return strcmp(x->name, y->name);
}

/* Index of the entry starting a complete checkpoint, or -1. For
 * multi-part sets every part 1..n must be listed. */
static bool cp_complete(const struct listing *l, size_t i)
{
	const struct lw_delta_log_name *ln = &l->v[i].ln;
	if (ln->kind != LW_DLOG_MULTIPART)
		return true;
	if (ln->part != 1)
		return false;
	for (int k = 2; k <= ln->parts; k++) {
		size_t j = i + (size_t)(k - 1);
		if (j >= l->n || l->v[j].ln.kind != LW_DLOG_MULTIPART ||
		    l->v[j].ln.version != ln->version ||
		    l->v[j].ln.parts != ln->parts || l->v[j].ln.part != k)
			return false;
	}
	return true;
}

static bool is_cp(enum lw_delta_log_kind k)
{
	return k == LW_DLOG_CHECKPOINT || k == LW_DLOG_MULTIPART ||
	       k == LW_DLOG_V2_JSON || k == LW_DLOG_V2_PARQUET;
}

static char *join(const char *dir, const char *name)
{
	return *dir ? lw_xasprintf("%s/%s", dir, name) : lw_xstrdup(name);
}

/* Read a whole log file into b (reset first); counts bytes. */
static int read_all(struct lw_lake *lake, const char *path,
		    struct lw_buf *b, struct lw_delta_snapshot *s,
		    struct lw_err *err)
{
	lw_buf_reset(b);
	int rc = lw_lake_base(lake)->kind->read(lake, path, 0, -1, b, err);
	s->bytes_read += (int64_t)b->len;
	return rc;
}

/* The commitInfo of a commit, without applying its other actions: the
 * snapshot sits at a checkpoint whose commit still tells what ran. */
static void commit_info_only(struct lw_delta_snapshot *s, const char *text,
			     size_t len)
{
	struct lw_delta_snapshot tmp;
	struct lw_err e;
	lw_delta_snapshot_init(&tmp);
	if (lw_delta_apply_json(&tmp, text, len, 0, false, NULL, NULL, &e) ==
	    LW_OK && tmp.commit_info) {
		cJSON_Delete(s->commit_info);
		s->commit_info = tmp.commit_info;
		tmp.commit_info = NULL;
		if (tmp.commit_ms >= 0)
			s->commit_ms = tmp.commit_ms;
	}
	lw_delta_snapshot_free(&tmp);
}

static void listing_reset(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	l->n = 0;
}

/* A complete checkpoint of version v among the (unsorted) entries. */
static bool has_cp_at(struct listing *l, int64_t v)
{
	lw_sort(l->v, l->n, sizeof *l->v, ent_cmp);
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ln.version == v && is_cp(l->v[i].ln.kind) &&
		    cp_complete(l, i))
			return true;
	return false;
}


/* _last_checkpoint into *last: a hint, checked against the listing.
 * False when it is missing or unreadable (never an error). */
static bool read_last_cp(struct lw_lake *lake, const char *logdir,
			 struct lw_buf *b, struct lw_delta_snapshot *s,
			 struct lw_delta_last_cp *last)
{
	char *lcp = join(logdir, "_last_checkpoint");
	struct lw_err e2;
	int rc = read_all(lake, lcp, b, s, &e2);
	free(lcp);
	return rc == LW_OK &&
		lw_delta_last_cp_parse(b->data ? b->data : "", b->len, last,
				       &e2) == LW_OK;
}

/* The log's entries into l, sorted. last (NULL: none known) lets the
 * listing start at its checkpoint. */
static int list_log(struct lw_lake *lake, const char *table,
		    const char *logdir, struct listing *l,
		    const struct lw_delta_last_cp *last, struct lw_err *err)
{
	const struct lw_lake_kind *kind = lw_lake_base(lake)->kind;
	bool partial = false;
	int rc;

	/* With a last checkpoint known, list only from it on, where the lake
	 * can; the full listing is the fallback when that checkpoint turns
	 * out missing or incomplete. */
	if (last && kind->list_from) {
		char after[32];
		snprintf(after, sizeof after, "%020lld",
			 (long long)last->version);
		rc = kind->list_from(lake, logdir, after, list_cb, l, err);
		partial = rc == LW_OK && has_cp_at(l, last->version);
		if (!partial)
			listing_reset(l);
	}
	rc = partial ? LW_OK : kind->list(lake, logdir, list_cb, l, err);
	if (rc == LW_ENOTFOUND)
		return lw_err_set(err, LW_ENOTFOUND,
				  "%s: no _delta_log folder: not a Delta table",
				  *table ? table : "(lake root)");
	if (rc != LW_OK)
		return rc;
	lw_sort(l->v, l->n, sizeof *l->v, ent_cmp);
	return LW_OK;
}

/* Index of the newest complete checkpoint in the sorted l, or -1;
 * last's choice (NULL: none) first among equals (it names which V2 file
 * or part count is current). */
static ssize_t newest_cp(const struct listing *l,
			 const struct lw_delta_last_cp *last)
{
	ssize_t cp = -1;
	for (size_t i = 0; i < l->n; i++) {
		if (!is_cp(l->v[i].ln.kind) || !cp_complete(l, i))
			continue;
		if (cp >= 0 && l->v[cp].ln.version == l->v[i].ln.version) {
			bool pref = last &&
				last->version == l->v[i].ln.version &&
				((last->v2_path &&
				  strcmp(last->v2_path, l->v[i].name) == 0) ||
				 (last->parts &&
				  l->v[i].ln.parts == last->parts));
			if (!pref)
				continue;
		}
		cp = (ssize_t)i;
	}
	return cp;
}

/* Version of the newest commit in l, or -1. */
static int64_t last_commit(const struct listing *l)
{
	int64_t v = -1;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ln.kind == LW_DLOG_COMMIT)
			v = l->v[i].ln.version;
	return v;
}

/* Read checkpoint l->v[cp] into s. */
static int apply_cp(struct lw_lake *lake, const char *table,
		    const struct listing *l, ssize_t cp,
		    struct lw_delta_snapshot *s, struct lw_err *err)
{
	const struct log_ent *c = &l->v[cp];
	int rc = lw_delta_read_checkpoint(lake, table, &c->ln, c->name, s,
					  err);
	if (rc != LW_OK)
		return rc;
	s->checkpoint_version = c->ln.version;
	s->checkpoint_time = c->mtime;
	free(s->checkpoint_name);
	s->checkpoint_name = lw_xstrdup(c->name);
	s->checkpoint_size = c->size;
	s->version = c->ln.version;
	s->commit_ms = c->mtime * 1000;
	/* Parquet reads are not counted by read_all; the lake's stats
	 * (when it has them) replace this estimate */
	if (c->ln.kind != LW_DLOG_V2_JSON)
		for (size_t k = 0; k < (size_t)(c->ln.parts ?
				c->ln.parts : 1); k++)
			s->bytes_read += l->v[cp + (ssize_t)k].size;
	return LW_OK;
}

/* True when [p, p+n) holds no action: a commit file that is empty (or
 * only whitespace) is not a version, and must not count as one. */
static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)p[i]))
			return false;
	return true;
}

/* Apply the commits from version from on, which must be contiguous. */
static int replay(struct lw_lake *lake, const char *logdir,
		  const struct listing *l, int64_t from,
		  struct lw_delta_snapshot *s, struct lw_buf *b,
		  struct lw_err *err)
{
	int64_t want = from;
	int rc;

	for (size_t i = 0; i < l->n; i++) {
		const struct log_ent *c = &l->v[i];
		if (c->ln.kind != LW_DLOG_COMMIT || c->ln.version < from)
			continue;
		if (c->ln.version != want)
			return lw_err_set(err, LW_EPARSE,
					  "%s: versions not contiguous: "
					  "version %lld is missing (next is "
					  "%lld)", logdir, (long long)want,
					  (long long)c->ln.version);
		char *p = join(logdir, c->name);
		rc = read_all(lake, p, b, s, err);
		if (rc == LW_OK && blank(b->data, b->len))
			rc = lw_err_set(err, LW_EPARSE, "version %lld: empty "
					"commit file (corrupt log)",
					(long long)c->ln.version);
		if (rc == LW_OK) {
			cJSON_Delete(s->commit_info);
			s->commit_info = NULL;
			s->commit_ms = -1;
			rc = lw_delta_apply_json(s, b->data ? b->data : "",
						 b->len, c->ln.version, false,
						 NULL, NULL, err);
			if (s->commit_ms < 0)
				s->commit_ms = c->mtime * 1000;
		}
		if (rc != LW_OK) {
			lw_err_prefix(err, "%s", p);
			free(p);
			return rc;
		}
		free(p);
		s->version = c->ln.version;
		s->commits_replayed++;
		lw_delta_note_commit(s, c->ln.version);
		want++;
	}
	return LW_OK;
}

/* At the checkpoint itself: its commit still tells the operation. */
static void cp_commit_info(struct lw_lake *lake, const char *logdir,
			   const struct listing *l,
			   struct lw_delta_snapshot *s, struct lw_buf *b)
{
	struct lw_err e2;
	for (size_t i = 0; i < l->n; i++) {
		const struct log_ent *c = &l->v[i];
		if (c->ln.kind != LW_DLOG_COMMIT ||
		    c->ln.version != s->version)
			continue;
		char *p = join(logdir, c->name);
		if (read_all(lake, p, b, s, &e2) == LW_OK) {
			s->commit_ms = c->mtime * 1000;
			commit_info_only(s, b->data ? b->data : "", b->len);
			lw_delta_note_commit(s, s->version);
		}
		free(p);
	}
}

/* The first bytes of each commit before the checkpoint that the commits
 * read lack, newest first, up to s->train_commits more: a commit's
 * commitInfo comes first, and 64 KiB holds it (a commit of 10,000 adds
 * need not be read whole for it). Those the log no longer has end it; a
 * problem here is no problem of the table, so it only stops. */
#define COMMIT_HEAD (64 * 1024)
static void older_commits(struct lw_lake *lake, const char *logdir,
			  struct lw_delta_snapshot *s, struct lw_buf *b)
{
	const struct lw_lake_kind *kind = lw_lake_base(lake)->kind;
	int64_t v = s->ncommits ? s->commits[0].version :
		    s->checkpoint_version + 1;
	struct lw_delta_commit c;
	struct lw_err e2;
	for (int64_t n = 0; --v >= 0 && n < s->train_commits &&
	     s->ncommits < LW_DELTA_COMMITS_MAX; n++) {
		char name[40];
		snprintf(name, sizeof name, "%020lld.json", (long long)v);
		char *p = join(logdir, name);
		lw_buf_reset(b);
		int rc = kind->read(lake, p, 0, COMMIT_HEAD, b, &e2);
		free(p);
		if (rc != LW_OK)
			break;
		s->bytes_read += (int64_t)b->len;
		size_t len = b->len;
		if (len >= COMMIT_HEAD)	/* cut: whole lines only */
			while (len && b->data[len - 1] != '\n')
				len--;
		struct lw_delta_snapshot tmp;
		lw_delta_snapshot_init(&tmp);
		if (lw_delta_apply_json(&tmp, b->data ? b->data : "", len, v,
					false, NULL, NULL, &e2) == LW_OK &&
		    lw_delta_commit_point(tmp.commit_info, tmp.commit_ms, v,
					  &c)) {
			lw_xgrow((void **)&s->commits, &s->capcommits,
				 s->ncommits, sizeof *s->commits);
			memmove(s->commits + 1, s->commits,
				s->ncommits * sizeof *s->commits);
			s->commits[0] = c;
			s->ncommits++;
		}
		lw_delta_snapshot_free(&tmp);
	}
}

/* A snapshot lakewatch can report on: protocol and metaData seen, and
 * a protocol it can read. */
static int check_snapshot(const char *logdir,
			  const struct lw_delta_snapshot *s,
			  struct lw_err *err)
{
	int rc;
	if (!s->protocol)
		return lw_err_set(err, LW_EPARSE, "%s: no protocol action up "
				  "to version %lld", logdir,
				  (long long)s->version);
	if (!s->metadata)
		return lw_err_set(err, LW_EPARSE, "%s: no metaData action up "
				  "to version %lld", logdir,
				  (long long)s->version);
	rc = lw_delta_check_protocol(s->protocol, err);
	if (rc != LW_OK)
		lw_err_prefix(err, "%s: version %lld", logdir,
			      (long long)s->version);
	return rc;
}

/* True when l lists every commit from version 0 to upto. */
static bool commits_from_zero(const struct listing *l, int64_t upto)
{
	int64_t want = 0;
	for (size_t i = 0; i < l->n && want <= upto; i++)
		if (l->v[i].ln.kind == LW_DLOG_COMMIT) {
			if (l->v[i].ln.version != want)
				return false;
			want++;
		}
	return want > upto;
}

/* Checkpoint l->v[cp] into s; *from gets the first commit to replay.
 * A corrupt (say, truncated) checkpoint whose commits are all still in
 * the log is not needed: the protocol lets a reader replay the commits
 * instead, so s starts over from version 0 and keeps a warning naming
 * the checkpoint. Otherwise its error stands. l may be listed anew (in
 * full: a listing from the checkpoint on does not show older commits). */
static int start_at_cp(struct lw_lake *lake, const char *table,
		       const char *logdir, struct listing *l, ssize_t cp,
		       struct lw_delta_snapshot *s, int64_t *from,
		       struct lw_err *err)
{
	int64_t v = l->v[cp].ln.version;
	int rc = apply_cp(lake, table, l, cp, s, err);
	*from = v + 1;
	if (rc != LW_EPARSE)
		return rc;
	char *cp_path = join(logdir, l->v[cp].name);
	struct lw_err e2;
	if (!commits_from_zero(l, v)) {
		listing_reset(l);
		if (list_log(lake, table, logdir, l, NULL, &e2) != LW_OK ||
		    !commits_from_zero(l, v)) {
			free(cp_path);
			return rc;
		}
	}
	const char *why = err->msg;	/* the path is the warning's own */
	size_t pl = strlen(cp_path);
	if (strncmp(why, cp_path, pl) == 0 && strncmp(why + pl, ": ", 2) == 0)
		why += pl + 2;
	char *msg = lw_xasprintf("checkpoint of version %lld unreadable, read "
				 "from commits 0 to %lld instead: %s",
				 (long long)v, (long long)v, why);
	int64_t cost = s->bytes_read, train = s->train_commits;
	lw_delta_snapshot_free(s);
	s->bytes_read = cost;
	s->train_commits = train;
	s->warn_path = cp_path;
	s->warn_msg = msg;
	lw_err_clear(err);
	*from = 0;
	return LW_OK;
}

static int load(struct lw_lake *lake, const char *table, const char *logdir,
		struct listing *l, struct lw_delta_snapshot *s,
		struct lw_buf *b, struct lw_err *err)
{
	struct lw_delta_last_cp last = {.version = -1};
	bool have_last = read_last_cp(lake, logdir, b, s, &last);
	const struct lw_delta_last_cp *lp = have_last ? &last : NULL;
	int64_t from = 0;
	ssize_t cp;
	int rc;

	rc = list_log(lake, table, logdir, l, lp, err);
	if (rc != LW_OK)
		goto out;
	cp = newest_cp(l, lp);
	if (cp < 0 && last_commit(l) < 0) {
		rc = lw_err_set(err, LW_ENOTFOUND,
				"%s: no commits or checkpoints in _delta_log",
				logdir);
		goto out;
	}
	if (cp >= 0) {
		rc = start_at_cp(lake, table, logdir, l, cp, s, &from, err);
		if (rc != LW_OK)
			goto out;
	}
	rc = replay(lake, logdir, l, from, s, b, err);
	if (rc != LW_OK)
		goto out;
	if (cp >= 0 && s->checkpoint_version >= 0 &&
	    s->version == s->checkpoint_version)
		cp_commit_info(lake, logdir, l, s, b);
	if (s->checkpoint_version >= 0 && s->train_commits > 0)
		older_commits(lake, logdir, s, b);
	rc = check_snapshot(logdir, s, err);
out:
	lw_delta_last_cp_free(&last);
	return rc;
}

/* s (the caller's, initialised) gets the snapshot and owns its parts. */
int lw_delta_snapshot_load(struct lw_lake *lake, const char *table,
			   struct lw_delta_snapshot *s, struct lw_err *err)
{
	const struct lw_lake_kind *kind = lw_lake_base(lake)->kind;
	if (!kind->list || !kind->read)
		return lw_err_set(err, LW_EUNSUPPORTED,
				  "lake kind %s cannot hold Delta tables",
				  kind->name);
	int64_t req0 = 0, in0 = -1, req1, in1;
	if (kind->stats)
		kind->stats(lake, &req0, &in0);
	char *logdir = join(table, "_delta_log");
	struct listing l = {.logdir = logdir, .logdir_len = strlen(logdir)};
	struct lw_buf b;
	lw_buf_init(&b, LW_DELTA_MAX_COMMIT);
	int rc = load(lake, table, logdir, &l, s, &b, err);
	lw_buf_free(&b);
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].name);
	free(l.v);
	free(logdir);
	/* the lake's own counter also sees Parquet checkpoint reads */
	if (kind->stats && in0 >= 0) {
		kind->stats(lake, &req1, &in1);
		if (in1 - in0 > s->bytes_read)
			s->bytes_read = in1 - in0;
	}
	return rc;
}

/* The checkpoint s was built on, in the sorted l: its index when it is
 * still there as it was (same base name, size and time), else -1. */
static ssize_t same_cp(const struct listing *l,
		       const struct lw_delta_snapshot *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, s->checkpoint_name) == 0)
			return l->v[i].size == s->checkpoint_size &&
			       l->v[i].mtime == s->checkpoint_time &&
			       cp_complete(l, i) ? (ssize_t)i : -1;
	return -1;
}

/* Whether the kept s can be advanced over l (listed from its checkpoint
 * or version on): no newer complete checkpoint, and its own unchanged. */
static bool can_advance(const struct listing *l,
			const struct lw_delta_snapshot *s)
{
	ssize_t cp = newest_cp(l, NULL);
	if (s->checkpoint_version < 0)
		return cp < 0;	/* a full load would start from it */
	if (!s->checkpoint_name || same_cp(l, s) < 0)
		return false;	/* gone or replaced: read it again */
	return cp < 0 || l->v[cp].ln.version <= s->checkpoint_version;
}

/* See delta.h. */
int lw_delta_snapshot_advance(struct lw_lake *lake, const char *table,
			      struct lw_delta_snapshot *s, bool *full,
			      struct lw_err *err)
{
	const struct lw_lake_kind *kind = lw_lake_base(lake)->kind;
	*full = true;
	if (!kind->list_from || s->version < 0)
		goto restart;
	char *logdir = join(table, "_delta_log");
	struct listing l = {.logdir = logdir, .logdir_len = strlen(logdir)};
	char after[32];
	int64_t from = s->checkpoint_version >= 0 ? s->checkpoint_version :
		       s->version;
	snprintf(after, sizeof after, "%020lld", (long long)from);
	struct lw_err e2;
	int rc = kind->list_from(lake, logdir, after, list_cb, &l, &e2);
	if (rc == LW_OK) {
		lw_sort(l.v, l.n, sizeof *l.v, ent_cmp);
		if (can_advance(&l, s)) {
			*full = false;
			struct lw_buf b;
			lw_buf_init(&b, LW_DELTA_MAX_COMMIT);
			s->bytes_read = 0;
			rc = replay(lake, logdir, &l, s->version + 1, s, &b, err);
			if (rc == LW_OK)
				rc = check_snapshot(logdir, s, err);
			lw_buf_free(&b);
		}
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].name);
	free(l.v);
	free(logdir);
	if (!*full)
		return rc;
restart:
	lw_delta_snapshot_free(s);
	return LW_OK;
}
