/* azure_read.c - the "azure" lake's read (Get Blob with x-ms-range, or a
 * prefetched tail) and stream (Get Blob in chunks; a broken transfer
 * resumes where it stopped, on the same blob version through If-Match).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lakewatch/util.h"
#include "azure_int.h"

/* --- read --- */

/* Serve [off, off+len) from a prefetched tail when it holds all of it. */
static bool from_tail(struct lw_lake *l, const char *path, int64_t off,
		      int64_t len, struct lw_buf *out, int *rc,
		      struct lw_err *err)
{
	struct tail *t = lw_az_tail_find(l, path);
	int64_t end;
	if (t && t->rc != LW_OK && t->err.code != LW_OK) {
		/* the tail's request paid its retry schedule already: one
		 * schedule per file, not a second one for the same bytes */
		*rc = t->rc;
		if (err)
			*err = t->err;
		return true;
	}
	if (!t || t->rc != LW_OK)
		return false;
	if (off < 0)
		off = t->size + off < 0 ? 0 : t->size + off;
	end = len < 0 || off + len > t->size ? t->size : off + len;
	if (off < t->off || end > t->off + (int64_t)t->data.len)
		return false;
	if (end <= off) {
		*rc = LW_OK;
		return true;
	}
	*rc = lw_buf_add(out, t->data.data + (off - t->off),
			 (size_t)(end - off));
	if (*rc != LW_OK)
		lw_err_set(err, *rc, "%s: more than %zu bytes to read", path,
			   out->max);
	return true;
}

/* Where to read blob name from: *off (negative: from the end) becomes
 * absolute and range gets the x-ms-range to send ("" = the whole blob).
 * When the size is unknown, a suffix read asks for all of it and *want
 * gets how many of the last bytes to keep. False: the blob is known to
 * be empty, nothing to ask for. */
static bool read_range(struct lw_lake *l, const char *name, int64_t *off,
		       int64_t len, int64_t *want, char *range, size_t n)
{
	if (*off < 0) {
		int64_t size = lw_az_sizes_get(&l->sizes, name);
		if (size == 0)
			return false;
		if (size > 0) {
			*off = size + *off < 0 ? 0 : size + *off;
		} else {
			/* unknown size: ask for all, keep the tail */
			*want = -*off;
			*off = 0;
		}
	}
	if (*off > 0 || len >= 0) {
		if (len >= 0)
			snprintf(range, n, "bytes=%lld-%lld", (long long)*off,
				 (long long)(*off + len - 1));
		else
			snprintf(range, n, "bytes=%lld-", (long long)*off);
	}
	return true;
}

/* Whether the body of q's answer for [off, off+len) holds as many bytes
 * as the listed size (size, -1 = not known) leaves there. */
static bool answer_fits(const struct azreq *q, const char *path, int64_t off,
			int64_t len, int64_t size, struct lw_err *err)
{
	int64_t end, got = (int64_t)q->r.resp.len;
	if (size < 0 || off > size)
		return true;
	end = len < 0 || off + len > size ? size : off + len;
	if (got == end - off)
		return true;
	lw_err_set(err, LW_EIO, "%s: Get Blob gave %lld bytes for %s, where "
		   "the listing's %lld-byte blob holds %lld", path,
		   (long long)got, q->range[0] ? q->range : "the whole blob",
		   (long long)size, (long long)(end - off));
	return false;
}

/* Take the answer to q (lw_http_do gave rc) into out. */
static int read_answer(struct lw_lake *l, struct azreq *q, int rc,
		       const char *path, int64_t off, int64_t len,
		       int64_t size, int64_t want, struct lw_buf *out,
		       struct lw_err *err)
{
	if (rc == LW_OK && off > 0 && q->r.status != 206) {
		/* a whole blob for a range from the middle: its first bytes
		 * would be taken for the ones asked for */
		rc = lw_err_set(err, LW_EIO, "%s: Get Blob answered %ld, not "
				"206, to x-ms-range %s", path, q->r.status,
				q->range);
	} else if (rc == LW_OK && want < 0 &&
		   !answer_fits(q, path, off, len, size, err)) {
		rc = err->code;
	} else if (rc == LW_OK) {
		const char *d = q->r.resp.data ? q->r.resp.data : "";
		size_t n = q->r.resp.len;
		if (want >= 0 && (int64_t)n > want) {
			d += n - (size_t)want;
			n = (size_t)want;
		}
		rc = lw_buf_add(out, d, n);
		if (rc != LW_OK)
			lw_err_set(err, rc, "%s: more than %zu bytes to read",
				   path, out->max);
	} else if (q->r.status == 416) {
		rc = LW_OK;	/* past the end (or an empty blob): nothing */
	} else if (rc == LW_ETOOBIG) {
		lw_err_set(err, rc, "%s: more than %zu bytes to read", path,
			   out->max);
	} else {
		rc = lw_az_explain(l, q, "Get Blob", err);
	}
	return rc;
}

/* The lake's read: [off, off+len) of path appended to out (caller's);
 * off < 0 counts from the end, len < 0 reads to the end. */
int lw_az_op_read(struct lw_lake *l, const char *path, int64_t off,
		  int64_t len, struct lw_buf *out, struct lw_err *err)
{
	struct azreq q;
	char *name;
	int64_t want = -1, size;
	int rc;

	if (from_tail(l, path, off, len, out, &rc, err))
		return rc;
	if (len == 0)
		return LW_OK;
	name = lw_az_blob_name(l, path);
	lw_az_req_init(&q, l, lw_az_url(l, name, NULL));
	if (!read_range(l, name, &off, len, &want, q.range,
			sizeof(q.range))) {
		lw_az_req_free(&q);
		free(name);
		return LW_OK;
	}
	if (want < 0)
		q.r.max_body = out->max > out->len ? out->max - out->len : 1;
	size = lw_az_sizes_get(&l->sizes, name);
	free(name);
	rc = lw_http_do(l->http, &q.r, lw_az_deadline(l), err);
	rc = read_answer(l, &q, rc, path, off, len, size, want, out, err);
	lw_az_req_free(&q);
	return rc;
}

/* --- stream --- */

static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			return false;
	return true;
}

static int on_stream_chunk(void *ud, const char *data, size_t len)
{
	struct azreq *q = ud;
	int rc;
	if (!q->checked) {
		/* a resumed attempt must continue the same bytes */
		const char *h = q->r.hdrs.data ? q->r.hdrs.data : "";
		char et[160];
		q->checked = true;
		if (q->attempt_start > 0 && !strstr(h, " 206")) {
			q->own_err = true;
			lw_err_set(&q->stream_err, LW_EIO, "the blob changed "
				   "while it was being read");
			return LW_EIO;
		}
		/* it goes back out in If-Match: printable ASCII only, so a
		 * stray CR cannot start a header of its own */
		if (!q->etag[0] && lw_http_resp_header(&q->r, "ETag", et,
						       sizeof(et)) &&
		    printable(et))
			snprintf(q->etag, sizeof(q->etag), "%s", et);
	}
	if (q->listed >= 0 && q->delivered + (int64_t)len > q->listed) {
		/* stop at the listed size: what is past it is not this blob */
		q->own_err = true;
		lw_err_set(&q->stream_err, LW_EIO, "the answer is longer than "
			   "the %lld bytes the listing gave (%lld bytes so "
			   "far): not read further", (long long)q->listed,
			   (long long)(q->delivered + (int64_t)len));
		return LW_EIO;
	}
	rc = q->cb(q->cbud, data, len);
	q->delivered += (int64_t)len;
	if (rc != LW_OK)
		lw_err_set(&q->stream_err, rc, "stopped by the reader");
	return rc;
}

/* A whole small file fetched ahead (prefetch_tails with the file inside
 * its tail): to cb from memory, 64 KiB at a time, or its Get Blob error,
 * as the request below would have had them. *done false: nothing usable
 * ahead (none, or an answer of the wrong size: the request below says
 * so in its own words). */
static int stream_ahead(struct lw_lake *l, const char *path, lw_chunk_cb cb,
			void *ud, bool *done, struct lw_err *err)
{
	struct tail *t = lw_az_tail_find(l, path);
	char *name = lw_az_blob_name(l, path);
	int64_t listed = lw_az_sizes_get(&l->sizes, name);
	free(name);
	*done = false;
	if (!t || t->off != 0 || t->size != listed || t->size <= 0 ||
	    t->rc == LW_ETOOBIG ||
	    (t->rc == LW_OK && (int64_t)t->data.len != t->size) ||
	    (t->rc != LW_OK && lw_str_starts(t->err.msg, t->path)))
		return LW_OK;
	*done = true;
	if (t->rc != LW_OK)
		return lw_err_set(err, t->rc, "%s", t->err.msg);
	int rc = LW_OK;
	for (size_t at = 0; at < t->data.len && rc == LW_OK; at += 65536) {
		size_t k = t->data.len - at < 65536 ? t->data.len - at : 65536;
		rc = cb(ud, t->data.data + at, k);
	}
	return rc;
}

/* The lake's stream: path's bytes to cb in chunks (each owned by the
 * callee, valid during cb only). */
int lw_az_op_stream(struct lw_lake *l, const char *path, lw_chunk_cb cb,
		    void *ud, struct lw_err *err)
{
	struct azreq q;
	bool done;
	int rc = stream_ahead(l, path, cb, ud, &done, err);
	if (done)
		return rc;
	char *name = lw_az_blob_name(l, path);

	lw_az_req_init(&q, l, lw_az_url(l, name, NULL));
	q.listed = lw_az_sizes_get(&l->sizes, name);
	free(name);
	q.cb = cb;
	q.cbud = ud;
	q.r.on_chunk = on_stream_chunk;
	lw_err_clear(&q.stream_err);
	rc = lw_http_do(l->http, &q.r, lw_az_deadline(l), err);
	if (rc == LW_ESTOP) {
		/* the reader had enough: not an error */
	} else if (rc != LW_OK && q.stream_err.code != LW_OK &&
		   q.r.status >= 200 && q.r.status < 300) {
		/* the reader's own error: it filled err already, unless
		 * this was the lake's check (a resumed attempt, the size) */
		if (q.own_err)
			lw_err_set(err, q.stream_err.code, "%s: %s", path,
				   q.stream_err.msg);
	} else if (q.r.status == 416 && rc != LW_OK) {
		rc = LW_OK;	/* empty blob */
	} else if (rc != LW_OK) {
		rc = lw_az_explain(l, &q, "Get Blob", err);
	} else if (q.listed >= 0 && q.delivered != q.listed) {
		/* a 200 with a short (or empty) body is not an empty file */
		rc = lw_err_set(err, LW_EIO, "%s: the answer had %lld bytes, "
				"the listing gave %lld", path,
				(long long)q.delivered, (long long)q.listed);
	}
	lw_az_req_free(&q);
	return rc;
}
