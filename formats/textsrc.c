/* textsrc.c - how the text formats (csv, jsonl) read a file: streamed
 * whole or by its head, through the decompressing layer of decomp.c. */
#include "lakewatch/decomp.h"
#include "lakewatch/util.h"

/* The head read's sink: passes head_bytes bytes on, then stops. */
struct head {
	lw_chunk_cb sink;
	void *ud;
	int64_t left;
	bool cut;	/* stopped before the end of the data */
};

static int head_chunk(void *ud, const char *p, size_t n)
{
	struct head *h = ud;

	if ((int64_t)n > h->left) {
		n = (size_t)h->left;
		h->cut = true;
	}
	h->left -= (int64_t)n;
	if (n && h->sink(h->ud, p, n))
		return LW_ESTOP;
	return h->cut ? LW_ESTOP : LW_OK;
}

/* Say what stopped: the decoder's error (into err), or the sink. */
static int decomp_rc(struct lw_decomp *d, int rc, struct lw_err *err)
{
	if (d->rc)
		return lw_err_set(err, d->rc, "%s", d->err.msg);
	return rc;
}

/* The stream's sink: counts what the lake delivers. */
struct count {
	struct lw_decomp *d;
	int64_t n;
};

static int count_chunk(void *ud, const char *p, size_t n)
{
	struct count *c = ud;

	c->n += (int64_t)n;
	return lw_decomp_chunk(c->d, p, n);
}

/* The head: ranges of head_bytes until the sink has head_bytes bytes, the
 * file ends, or LW_TEXT_HEAD_IN compressed bytes were read (a bzip2 block
 * is up to 900 kB: nothing comes out before its end). A sink that stops
 * early has its own error; it follows from the caller's scanner. */
#define LW_TEXT_HEAD_IN ((int64_t)1088 * 1024)
static int read_head(const struct lw_file *f, const struct lw_lake_kind *k,
		     struct lw_decomp *d, struct head *h, int64_t head_bytes,
		     struct lw_text_read *r, struct lw_err *err)
{
	int64_t off = 0;
	bool whole = false;
	int rc = LW_OK;

	while (rc == LW_OK && !whole && h->left > 0 &&
	       off < LW_TEXT_HEAD_IN) {
		struct lw_buf b;
		lw_buf_init(&b, (size_t)head_bytes + 1024);
		rc = k->read(f->lake, f->entry->path, off, head_bytes, &b, err);
		if (rc == LW_OK) {
			off += (int64_t)b.len;
			r->bytes_read += (int64_t)b.len;
			whole = b.len < (size_t)head_bytes ||
				off >= f->entry->size;
			rc = lw_decomp_feed(d, b.data ? b.data : "", b.len);
		}
		lw_buf_free(&b);
	}
	if (rc == LW_OK)
		rc = lw_decomp_finish(d, whole);
	if (rc == LW_ESTOP && !d->rc)
		rc = LW_OK;	/* enough (h->cut), or the sink's own error */
	r->eof = whole && !h->cut && !d->sink_rc && rc == LW_OK;
	return decomp_rc(d, rc, err);
}

int lw_text_read(const struct lw_file *f, int64_t head_bytes,
		 lw_chunk_cb sink, void *ud, struct lw_text_read *r,
		 struct lw_err *err)
{
	const struct lw_lake_kind *k = lw_lake_base(f->lake)->kind;
	struct head h = {sink, ud, head_bytes, false};
	struct lw_decomp d;
	int rc;

	*r = (struct lw_text_read){0};
	lw_decomp_init(&d, lw_codec_by_ext(f->entry->path),
		       f->count_rows ? sink : head_chunk,
		       f->count_rows ? ud : (void *)&h);
	if (f->count_rows) {
		struct count c = {&d, 0};
		rc = k->stream(f->lake, f->entry->path, count_chunk, &c, err);
		r->bytes_read = c.n;
		if (rc == LW_OK)
			rc = lw_decomp_finish(&d, true);
		else if (d.sink_rc)
			rc = LW_ESTOP;	/* the sink's own error follows */
		r->eof = true;
		rc = decomp_rc(&d, rc, err);
	} else {
		rc = read_head(f, k, &d, &h, head_bytes, r, err);
	}
	r->codec = d.codec;
	r->bytes_out = d.codec != LW_CODEC_NONE ? d.out : 0;
	lw_decomp_free(&d);
	return rc;
}

bool lw_text_archive(const struct lw_file *f, struct lw_file_obs *out)
{
	const char *arch = lw_archive_kind(f->entry->path);

	if (!arch)
		return false;
	out->warning = lw_xasprintf("a %s archive, which lakewatch does not "
				    "open: its rows are not counted", arch);
	out->rows = 0;
	return true;
}

void lw_text_note(const struct lw_text_read *r, struct lw_file_obs *out)
{
	out->bytes_read += r->bytes_read;
	if (r->codec == LW_CODEC_NONE)
		return;
	out->bytes_decompressed += r->bytes_out;
	if (!out->detail)
		out->detail = cJSON_CreateObject();
	cJSON_AddStringToObject(out->detail, "compression",
				lw_codec_name(r->codec));
}
