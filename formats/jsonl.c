/* jsonl.c - the "jsonl" file-format plug-in: the scanner of jsonl_scan.c
 * over a streamed object (row counts) or a head read (schema only). */
#include <stdlib.h>
#include "lakewatch/jsonl.h"
#include "lakewatch/decomp.h"
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

/* The scanner as a chunk sink: the first bad line ends the file's
 * observation, so reading stops. */
static int feed_chunk(void *ud, const char *data, size_t len)
{
	return lw_jsonl_scan_feed(ud, data, len) ? LW_ESTOP : LW_OK;
}

static int jsonl_probe_file(const struct lw_file *f, const void *opts,
			    struct lw_file_obs *out, struct lw_err *err)
{
	struct lw_jsonl_scan s;
	struct lw_text_read r;
	int rc;

	(void)opts;
	if (lw_text_archive(f, out))
		return LW_OK;
	lw_jsonl_scan_init(&s);
	rc = lw_text_read(f, LW_JSONL_HEAD_BYTES, feed_chunk, &s, &r, err);
	lw_text_note(&r, out);
	if (rc == LW_ESTOP)
		rc = LW_OK;	/* the scanner's error follows */
	if (rc)		/* the lake's or the decoder's, already in err */
		goto done;
	rc = lw_jsonl_scan_finish(&s, r.eof);
	if (rc) {
		lw_err_set(err, rc, "%s", s.err.msg);
		goto done;
	}
	out->rows = f->count_rows ? lw_jsonl_scan_rows(&s) : -1;
	if (s.bad_utf8_at >= 0)
		out->warning = lw_xasprintf("invalid UTF-8 at byte %lld "
					    "(line %lld)%s",
					    (long long)s.bad_utf8_at,
					    (long long)s.bad_utf8_line,
					    r.codec ? " of the decompressed "
					    "stream" : "");
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
	.default_include = "\\.(jsonl|ndjson|json)(\\.(" LW_DECOMP_EXT_RE "))?$|"
			   LW_ARCHIVE_EXT_RE,
};
