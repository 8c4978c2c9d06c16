/* dirlake.h - an in-test lake over a temporary directory, for the unit
 * tests that drive a file format through the lake interface (csv, jsonl,
 * decompression): ranged reads and streams in chunks of `chunk` bytes,
 * counting what was streamed. Include once, after unit.h and
 * lakewatch/format.h; the functions are static to each test. */
#ifndef LAKEWATCH_TEST_DIRLAKE_H
#define LAKEWATCH_TEST_DIRLAKE_H

#include <fcntl.h>
#include <unistd.h>

struct lw_lake {
	struct lw_lake_base base;
	char dir[256];
	size_t chunk;		/* stream chunk size */
	int64_t streamed;	/* bytes handed to callbacks */
};

static int t_open(struct lw_lake *l, const char *path, struct lw_err *err)
{
	char full[512];
	int fd;

	snprintf(full, sizeof(full), "%s/%s", l->dir, path);
	fd = open(full, O_RDONLY);
	if (fd < 0)
		lw_err_set(err, LW_ENOTFOUND, "%s: not found", path);
	return fd;
}

static int t_read(struct lw_lake *l, const char *path, int64_t off,
		  int64_t len, struct lw_buf *out, struct lw_err *err)
{
	char buf[4096];
	int fd = t_open(l, path, err);
	ssize_t r = 0;

	if (fd < 0)
		return LW_ENOTFOUND;
	while (len != 0) {
		size_t want = len < 0 || len > (int64_t)sizeof(buf) ?
			      sizeof(buf) : (size_t)len;
		r = pread(fd, buf, want, off);
		if (r <= 0)
			break;
		assert_int_equal(lw_buf_add(out, buf, (size_t)r), LW_OK);
		off += r;
		if (len > 0)
			len -= r;
	}
	close(fd);
	return LW_OK;
}

static int t_stream(struct lw_lake *l, const char *path, lw_chunk_cb cb,
		    void *ud, struct lw_err *err)
{
	char *buf = malloc(l->chunk);
	int fd = t_open(l, path, err), rc = LW_OK;
	ssize_t r;

	if (fd < 0) {
		free(buf);
		return LW_ENOTFOUND;
	}
	while ((r = read(fd, buf, l->chunk)) > 0) {
		l->streamed += r;
		if ((rc = cb(ud, buf, (size_t)r)) != LW_OK)
			break;
	}
	close(fd);
	free(buf);
	return rc;
}

static const struct lw_lake_kind t_kind = {
	.name = "test", .read = t_read, .stream = t_stream,
};

#endif
