/* memlake.h - an in-memory lake for the fuzz targets that drive a format
 * through the lake interface (fuzz_parquet_meta, fuzz_delta_snapshot):
 * files are (path, bytes) pairs borrowed from the input; list, list_from,
 * ranged and suffix reads, streams. A file may have `pad` zero bytes in
 * front of its bytes (a large file from a small input), and reads can be
 * made to fail or come back short, as a flaky store's would. Include once;
 * the functions are static to each target. */
#ifndef LAKEWATCH_FUZZ_MEMLAKE_H
#define LAKEWATCH_FUZZ_MEMLAKE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/lake.h"
#include "lakewatch/util.h"

#define MEM_FILES 64

struct mem_file {
	char path[160];
	const unsigned char *data;	/* borrowed */
	size_t len;
	int64_t pad;		/* zero bytes before data */
};

struct lw_lake {
	struct lw_lake_base base;
	struct mem_file f[MEM_FILES];
	size_t n;
	int reads;		/* read() calls so far */
	int fail_read;		/* this read() (1-based) fails; 0 none */
	int64_t short_by;	/* each read from the second on is cut by this */
	int64_t bytes_in;
};

static struct mem_file *mem_find(struct lw_lake *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->f[i].path, path) == 0)
			return &l->f[i];
	return NULL;
}

static unsigned char mem_byte(const struct mem_file *f, int64_t at)
{
	return at < f->pad ? 0 : f->data[at - f->pad];
}

/* Add bytes [off, off+len) of f to out (byte by byte over the padding,
 * which is small next to what the formats allow). */
static int mem_copy(const struct mem_file *f, int64_t off, int64_t len,
		    struct lw_buf *out)
{
	int rc = LW_OK;
	while (len > 0 && off < f->pad && rc == LW_OK) {
		unsigned char z[4096] = {0};
		int64_t k = f->pad - off < len ? f->pad - off : len;
		k = k > (int64_t)sizeof z ? (int64_t)sizeof z : k;
		rc = lw_buf_add(out, z, (size_t)k);
		off += k;
		len -= k;
	}
	if (len > 0 && rc == LW_OK)
		rc = lw_buf_add(out, f->data + (off - f->pad), (size_t)len);
	return rc;
}

static int mem_read(struct lw_lake *l, const char *path, int64_t off,
		    int64_t len, struct lw_buf *out, struct lw_err *err)
{
	struct mem_file *f = mem_find(l, path);
	if (!f)
		return lw_err_set(err, LW_ENOTFOUND, "%s: not found", path);
	if (++l->reads == l->fail_read)
		return lw_err_set(err, LW_EIO, "%s: injected read error",
				  path);
	int64_t size = f->pad + (int64_t)f->len;
	if (off < 0) {
		off = size + off < 0 ? 0 : size + off;
		len = -1;
	}
	if (off > size)
		off = size;
	if (len < 0 || off + len > size)
		len = size - off;
	if (l->reads > 1 && l->short_by > 0)
		len = len > l->short_by ? len - l->short_by : 0;
	l->bytes_in += len;
	int rc = mem_copy(f, off, len, out);
	return rc ? lw_err_set(err, rc, "%s: read too large", path) : LW_OK;
}

static int mem_stream(struct lw_lake *l, const char *path, lw_chunk_cb cb,
		      void *ud, struct lw_err *err)
{
	struct mem_file *f = mem_find(l, path);
	if (!f)
		return lw_err_set(err, LW_ENOTFOUND, "%s: not found", path);
	int rc = LW_OK;
	for (int64_t at = 0; at < f->pad && rc == LW_OK; at += 4096) {
		static const char z[4096];
		size_t k = f->pad - at < 4096 ? (size_t)(f->pad - at) : 4096;
		rc = cb(ud, z, k);
	}
	/* in two chunks, so a reader's state across chunks is exercised */
	size_t h = f->len / 2;
	if (rc == LW_OK && h)
		rc = cb(ud, (const char *)f->data, h);
	if (rc == LW_OK && f->len > h)
		rc = cb(ud, (const char *)f->data + h, f->len - h);
	return rc;
}

static int mem_entry(struct lw_lake *l, size_t i, lw_entry_cb cb, void *ud)
{
	struct lw_entry e = {l->f[i].path, l->f[i].pad + (int64_t)l->f[i].len,
			     1700000000 + (int64_t)i};
	return cb(ud, &e);
}

static int mem_list(struct lw_lake *l, const char *prefix, lw_entry_cb cb,
		    void *ud, struct lw_err *err)
{
	size_t pl = strlen(prefix), seen = 0;
	int rc = LW_OK;
	for (size_t i = 0; i < l->n && rc == LW_OK; i++) {
		const char *p = l->f[i].path;
		if (pl && (strncmp(p, prefix, pl) || p[pl] != '/'))
			continue;
		seen++;
		rc = mem_entry(l, i, cb, ud);
	}
	if (rc == LW_OK && !seen)
		return lw_err_set(err, LW_ENOTFOUND, "%s: no such folder",
				  prefix);
	return rc;
}

static int mem_list_from(struct lw_lake *l, const char *dir,
			 const char *after, lw_entry_cb cb, void *ud,
			 struct lw_err *err)
{
	size_t dl = strlen(dir);
	int rc = LW_OK;
	(void)err;
	for (size_t i = 0; i < l->n && rc == LW_OK; i++) {
		const char *p = l->f[i].path;
		if (strncmp(p, dir, dl) || p[dl] != '/' ||
		    strchr(p + dl + 1, '/') || strcmp(p + dl + 1, after) <= 0)
			continue;
		rc = mem_entry(l, i, cb, ud);
	}
	return rc;
}

static int64_t mem_connects(struct lw_lake *l)
{
	(void)l;
	return 0;
}

static void mem_stats(struct lw_lake *l, int64_t *requests, int64_t *in)
{
	*requests = l->reads;
	*in = l->bytes_in;
}

static const struct lw_lake_kind mem_kind = {
	.name = "mem", .list = mem_list, .list_from = mem_list_from,
	.read = mem_read, .stream = mem_stream, .stats = mem_stats,
	.connects = mem_connects,
};

static void mem_init(struct lw_lake *l)
{
	memset(l, 0, sizeof *l);
	l->base.kind = &mem_kind;
	l->base.name = (char *)"mem";
	l->base.display = (char *)"mem:";
}

/* Add a file; false when the lake is full. */
static bool mem_add(struct lw_lake *l, const char *path,
		    const unsigned char *data, size_t len, int64_t pad)
{
	if (l->n == MEM_FILES)
		return false;
	struct mem_file *f = &l->f[l->n++];
	snprintf(f->path, sizeof f->path, "%s", path);
	f->data = data;
	f->len = len;
	f->pad = pad;
	return true;
}

#endif
