/* jsonl.c - the "jsonl" file-format plug-in: the scanner of jsonl_scan.c
 * over a streamed object (row counts) or a head read (schema only). */
#include <stdlib.h>
#include "lakewatch/jsonl.h"
#include "lakewatch/format.h"
#include "lakewatch/util.h"

/* No options yet; any key is a typo worth reporting. */
static int jsonl_options(const cJSON *node, void **opts, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {NULL};

	*opts = NULL;
	if (!node || cJSON_IsNull(node))
		return LW_OK;
	return lw_cfg_keys(cc, node, "format_options", keys);
}

static void jsonl_free_options(void *opts)
{
	free(opts);
}

struct feed {
	struct lw_jsonl_scan *s;
	int64_t bytes;
};

static int feed_chunk(void *ud, const char *data, size_t len)
{
	struct feed *f = ud;

	f->bytes += (int64_t)len;
	/* the first bad line ends the file's observation: stop reading */
	return lw_jsonl_scan_feed(f->s, data, len) ? LW_ESTOP : LW_OK;
}

static int jsonl_probe_file(const struct lw_file *f, const void *opts,
			    struct lw_file_obs *out, struct lw_err *err)
{
	const struct lw_lake_kind *k = lw_lake_base(f->lake)->kind;
	struct lw_jsonl_scan s;
	bool eof = true;
	int rc;

	(void)opts;
	lw_jsonl_scan_init(&s);
	if (f->count_rows) {
		struct feed fd = {&s, 0};
		rc = k->stream(f->lake, f->entry->path, feed_chunk, &fd, err);
		out->bytes_read += fd.bytes;
		if (rc != LW_OK && s.rc)
			rc = LW_OK;	/* the scanner's error follows */
	} else {
		struct lw_buf head;
		lw_buf_init(&head, (size_t)LW_JSONL_HEAD_BYTES + 1024);
		rc = k->read(f->lake, f->entry->path, 0, LW_JSONL_HEAD_BYTES,
			     &head, err);
		if (rc == LW_OK) {
			out->bytes_read += (int64_t)head.len;
			eof = head.len < (size_t)LW_JSONL_HEAD_BYTES ||
			      (int64_t)head.len >= f->entry->size;
			lw_jsonl_scan_feed(&s, head.data ? head.data : "",
					   head.len);
		}
		lw_buf_free(&head);
	}
	if (rc)		/* the lake's error, already in err */
		goto done;
	rc = lw_jsonl_scan_finish(&s, eof);
	if (rc) {
		lw_err_set(err, rc, "%s", s.err.msg);
		goto done;
	}
	out->rows = f->count_rows ? lw_jsonl_scan_rows(&s) : -1;
	if (s.bad_utf8_at >= 0)
		out->warning = lw_xasprintf("invalid UTF-8 at byte %lld "
					    "(line %lld)",
					    (long long)s.bad_utf8_at,
					    (long long)s.bad_utf8_line);
	out->has_schema = lw_jsonl_scan_schema(&s, &out->schema);
done:
	lw_jsonl_scan_free(&s);
	return rc;
}

const struct lw_format lw_format_jsonl = {
	.name = "jsonl",
	.options = jsonl_options,
	.free_options = jsonl_free_options,
	.probe_file = jsonl_probe_file,
	.default_include = "\\.(jsonl|ndjson|json)$",
};
