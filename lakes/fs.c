/* fs.c - lake kind "fs": a directory on the local filesystem. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "lakewatch/lake.h"
#include "lakewatch/util.h"

#define MAX_DEPTH 64
#define CHUNK (256 * 1024)

struct lw_lake {
	struct lw_lake_base base;
	char *root;		/* owned, absolute or as configured */
	int delay_ms;		/* test builds: slow lake (test_delay_ms) */
	int64_t reads, bytes_in;
	/* entries the last list() passed over (see skipped()) */
	int64_t nskipped;
	char *first_skipped;	/* owned */
	const char *first_what;	/* static */
};

/* A directory being walked, and the ones above it: a directory met again
 * below itself is a symlink loop. */
struct walk_dir {
	dev_t dev;
	ino_t ino;
	const char *rel;
	const struct walk_dir *up;
};

/* Test builds only (-DLW_TESTING, see the Makefile): LAKEWATCH_FS_DELAY_MS
 * milliseconds before every listing and read, so the dashboard tests can
 * watch a poll in progress. A release build has no such knob: 0. */
static int test_delay_ms(void)
{
#ifdef LW_TESTING
	const char *d = getenv("LAKEWATCH_FS_DELAY_MS");
	return d ? atoi(d) : 0;
#else
	return 0;
#endif
}

static struct lw_lake *fs_open(const char *name, const cJSON *cfg,
			       struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"kind", "root", "description", NULL};
	char *root = NULL;
	const char *desc = NULL;
	if (lw_cfg_keys(cc, cfg, name, keys) ||
	    lw_cfg_path(cc, cfg, "root", true, &root) ||
	    lw_cfg_str(cc, cfg, "description", false, &desc)) {
		free(root);
		return NULL;
	}
	struct lw_lake *l = lw_xcalloc(1, sizeof *l);
	l->base.kind = &lw_lake_fs;
	l->base.name = lw_xstrdup(name);
	l->base.display = lw_xasprintf("fs:%s", root);
	l->root = root;
	l->delay_ms = test_delay_ms();
	return l;
}

static void fs_close(struct lw_lake *l)
{
	if (!l)
		return;
	free(l->base.name);
	free(l->base.display);
	free(l->root);
	free(l->first_skipped);
	free(l);
}

static int errno_rc(int e)
{
	return e == ENOENT || e == ENOTDIR ? LW_ENOTFOUND :
	       e == EACCES || e == EPERM ? LW_EPERM : LW_EIO;
}

/* Full local path of a lake path; caller frees. */
static char *full(const struct lw_lake *l, const char *path)
{
	return *path ? lw_xasprintf("%s/%s", l->root, path) :
		       lw_xstrdup(l->root);
}

static void nap(const struct lw_lake *l)
{
	if (l->delay_ms > 0) {
		struct timespec ts = {l->delay_ms / 1000,
				      (long)(l->delay_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
}

/* Count an entry that is not data; the first one is named. */
static void skip(struct lw_lake *l, const char *rel, const char *what)
{
	if (l->nskipped++ == 0) {
		l->first_skipped = lw_xstrdup(rel);
		l->first_what = what;
	}
}

/* What kind of non-data entry st (or a failed stat, errno e) is. */
static const char *skip_kind(const struct stat *st, int e)
{
	if (!st)
		return e == ENOENT ? "dangling symlink" :
		       e == ELOOP ? "symlink loop" : "entry that cannot be "
		       "examined";
	return S_ISFIFO(st->st_mode) ? "FIFO" : S_ISSOCK(st->st_mode) ?
	       "socket" : S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) ?
	       "device" : "special file";
}

/* The directory d opened at rel, unless it is one of up's (a loop): then
 * an error naming the loop once. */
static int check_loop(DIR *d, const char *rel, const struct walk_dir *up,
		      struct walk_dir *me, struct lw_err *err)
{
	struct stat st;
	if (fstat(dirfd(d), &st) != 0)
		return lw_err_set(err, LW_EIO, "%s: %s", rel, strerror(errno));
	me->dev = st.st_dev;
	me->ino = st.st_ino;
	me->rel = rel;
	me->up = up;
	for (; up; up = up->up)
		if (up->dev == st.st_dev && up->ino == st.st_ino)
			return lw_err_set(err, LW_EIO, "%s: a symlink loop back "
					  "to %s", rel, *up->rel ? up->rel :
					  "the lake root");
	return LW_OK;
}

/* Walk dir (lake path rel) depth-first, calling cb for regular files. */
static int walk(struct lw_lake *l, const char *rel, int depth,
		const struct walk_dir *up, lw_entry_cb cb, void *ud,
		struct lw_err *err)
{
	if (depth > MAX_DEPTH)
		return lw_err_set(err, LW_ETOOBIG, "%s: directories nested deeper "
				  "than %d", rel, MAX_DEPTH);
	char *dpath = full(l, rel);
	DIR *d = opendir(dpath);
	if (!d) {
		int e = errno;
		lw_err_set(err, errno_rc(e), "%s: cannot open directory: %s",
			   dpath, strerror(e));
		free(dpath);
		return err->code;
	}
	struct walk_dir me;
	int rc = check_loop(d, rel, up, &me, err);
	struct dirent *de;
	while (rc == LW_OK && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *child = *rel ? lw_xasprintf("%s/%s", rel, de->d_name) :
				     lw_xstrdup(de->d_name);
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, 0) != 0) {
			/* a dangling symlink is not data: skip it, counted */
			skip(l, child, skip_kind(NULL, errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk(l, child, depth + 1, &me, cb, ud, err);
		} else if (S_ISREG(st.st_mode)) {
			struct lw_entry e = {child, (int64_t)st.st_size,
					     (int64_t)st.st_mtime,
					     (int32_t)st.st_mtim.tv_nsec, 0};
			nap(l);
			rc = cb(ud, &e);
		} else {
			skip(l, child, skip_kind(&st, 0));
		}
		free(child);
	}
	closedir(d);
	free(dpath);
	return rc;
}

static int fs_list(struct lw_lake *l, const char *prefix, lw_entry_cb cb,
		   void *ud, struct lw_err *err)
{
	char *p = full(l, prefix);
	struct stat st;
	l->nskipped = 0;
	free(l->first_skipped);
	l->first_skipped = NULL;
	l->first_what = NULL;
	if (stat(p, &st) != 0) {
		int e = errno;
		lw_err_set(err, errno_rc(e), "%s: %s", p, e == ENOENT ?
			   "no such directory" : strerror(e));
		free(p);
		return err->code;
	}
	free(p);
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return lw_err_set(err, LW_EIO, "%s: not a regular file or a "
				  "directory", prefix);
	if (!S_ISDIR(st.st_mode)) {
		/* A single file named as the dataset path. */
		struct lw_entry e = {(char *)prefix, (int64_t)st.st_size,
				     (int64_t)st.st_mtime,
				     (int32_t)st.st_mtim.tv_nsec, 0};
		return cb(ud, &e);
	}
	return walk(l, prefix, 0, NULL, cb, ud, err);
}

/* Names in dir after `after`; the skipped ones cost a readdir entry, not
 * a stat. */
static int fs_list_from(struct lw_lake *l, const char *dir, const char *after,
			lw_entry_cb cb, void *ud, struct lw_err *err)
{
	char *dpath = full(l, dir);
	DIR *d = opendir(dpath);
	if (!d) {
		int e = errno;
		lw_err_set(err, errno_rc(e), "%s: %s", dpath, e == ENOENT ?
			   "no such directory" : strerror(e));
		free(dpath);
		return err->code;
	}
	int rc = LW_OK;
	struct dirent *de;
	while (rc == LW_OK && (de = readdir(d)) != NULL) {
		struct stat st;
		if (strcmp(de->d_name, after) <= 0 ||
		    fstatat(dirfd(d), de->d_name, &st, 0) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		char *child = *dir ? lw_xasprintf("%s/%s", dir, de->d_name) :
				     lw_xstrdup(de->d_name);
		struct lw_entry e = {child, (int64_t)st.st_size,
				     (int64_t)st.st_mtime,
				     (int32_t)st.st_mtim.tv_nsec, 0};
		rc = cb(ud, &e);
		free(child);
	}
	closedir(d);
	free(dpath);
	return rc;
}

static int open_file(struct lw_lake *l, const char *path, int64_t *size,
		     struct lw_err *err)
{
	char *p = full(l, path);
	/* O_NONBLOCK: a FIFO named like a data file (_last_checkpoint, a
	 * dataset path) would otherwise block the poll until a writer
	 * comes; only regular files are read */
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		lw_err_set(err, errno_rc(e), "%s: %s", p, strerror(e));
		free(p);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		lw_err_set(err, LW_EIO, "%s: not a regular file", p);
		free(p);
		return -1;
	}
	free(p);
	*size = (int64_t)st.st_size;
	return fd;
}

static int fs_read(struct lw_lake *l, const char *path, int64_t off,
		   int64_t len, struct lw_buf *out, struct lw_err *err)
{
	int64_t size;
	int fd = open_file(l, path, &size, err);
	if (fd < 0)
		return err->code;
	if (off < 0)
		off = size + off < 0 ? 0 : size + off;
	if (len < 0 || off + len > size)
		len = size > off ? size - off : 0;
	int rc = LW_OK;
	char chunk[CHUNK];
	l->reads++;
	while (len > 0) {
		size_t want = len < CHUNK ? (size_t)len : CHUNK;
		ssize_t r = pread(fd, chunk, want, (off_t)off);
		if (r < 0) {
			rc = lw_err_set(err, LW_EIO, "%s: read: %s", path,
					strerror(errno));
			break;
		}
		if (r == 0)
			break;
		if (lw_buf_add(out, chunk, (size_t)r)) {
			rc = lw_err_set(err, LW_ETOOBIG, "%s: more than %zu bytes "
					"to read", path, out->max);
			break;
		}
		l->bytes_in += r;
		off += r;
		len -= r;
	}
	close(fd);
	return rc;
}

static int fs_stream(struct lw_lake *l, const char *path, lw_chunk_cb cb,
		     void *ud, struct lw_err *err)
{
	int64_t size;
	int fd = open_file(l, path, &size, err);
	if (fd < 0)
		return err->code;
	char *chunk = lw_xmalloc(CHUNK);
	int rc = LW_OK;
	l->reads++;
	for (;;) {
		ssize_t r = read(fd, chunk, CHUNK);
		if (r < 0) {
			rc = lw_err_set(err, LW_EIO, "%s: read: %s", path,
					strerror(errno));
			break;
		}
		if (r == 0)
			break;
		l->bytes_in += r;
		if ((rc = cb(ud, chunk, (size_t)r)) != LW_OK)
			break;
	}
	free(chunk);
	close(fd);
	return rc;
}

static void fs_skipped(struct lw_lake *l, int64_t *count, const char **first,
		       const char **what)
{
	*count = l->nskipped;
	*first = l->first_skipped;
	*what = l->first_what;
}

static void fs_stats(struct lw_lake *l, int64_t *requests, int64_t *bytes_in)
{
	*requests = l->reads;
	*bytes_in = l->bytes_in;
}

const struct lw_lake_kind lw_lake_fs = {
	.name = "fs",
	.open = fs_open,
	.close = fs_close,
	.list = fs_list,
	.list_from = fs_list_from,
	.read = fs_read,
	.stream = fs_stream,
	.skipped = fs_skipped,
	.stats = fs_stats,
};
